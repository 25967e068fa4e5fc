//! Fetched history on disk, so a workshop without network still shows it:
//! one file per (service, datastream — or MultiDatastream, or a Thing's
//! HistoricalLocations —, time window) with the values and the time they
//! were fetched. A window that had already ended when it was
//! fetched never changes and is served from disk for good; an open window
//! is fetched again once older than the caller's limit; when the network
//! fails, the copy on disk is served with the reason and its age.

use crate::client::{ClientError, StaClient};
use crate::sta::{Datastream, Id, MultiDatastream, MultiObservation, Observation, Query};
use crate::{Value, parse_json};
use serde_json::{Value as Json, json};
use std::path::PathBuf;

/// Values of one window: fetched now, or from disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached<T> {
    pub values: Vec<T>,
    /// When these values were fetched from the server (Unix ms).
    pub fetched_ms: i64,
    pub from_cache: bool,
    /// Served from disk because the server could not be asked: why.
    pub stale_because: Option<pw_text::Message>,
}

/// History of one datastream in one window.
pub type History = Cached<Observation>;

/// How one value of a window is written to disk and read back.
type Rows<T> = (fn(&T) -> Json, fn(&Json) -> Option<T>);

pub struct HistoryCache {
    dir: PathBuf,
}

fn json_value(v: &Json) -> Option<Value> {
    match v {
        Json::String(s) => Some(Value::Text(s.clone())),
        other => Some(Value::Number(other.as_f64()?)),
    }
}

fn observation_row(o: &Observation) -> Json {
    json!([o.time_ms, o.result.to_json()])
}

fn observation_of(row: &Json) -> Option<Observation> {
    Some(Observation {
        id: None,
        time_ms: row.get(0)?.as_i64()?,
        result: json_value(row.get(1)?)?,
        location: None,
    })
}

impl HistoryCache {
    pub fn new(dir: impl Into<PathBuf>) -> HistoryCache {
        HistoryCache { dir: dir.into() }
    }

    /// The user's cache folder: `$XDG_CACHE_HOME` or `~/.cache` on Linux,
    /// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows; the temporary
    /// folder only for an account without any.
    pub fn default_dir() -> PathBuf {
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("planwerkstatt")
            .join("sensors")
    }

    fn path(&self, base: &str, key: &str, from_ms: i64, to_ms: i64) -> PathBuf {
        self.dir.join(crate::cache_key::file_name(
            &[
                base.as_bytes(),
                key.as_bytes(),
                &from_ms.to_le_bytes(),
                &to_ms.to_le_bytes(),
            ],
            "json",
        ))
    }

    fn read<T>(&self, path: &PathBuf, row: impl Fn(&Json) -> Option<T>) -> Option<(i64, Vec<T>)> {
        let v = parse_json(&std::fs::read_to_string(path).ok()?).ok()?;
        let fetched = v.get("fetched_ms")?.as_i64()?;
        let values = v
            .get("values")?
            .as_array()?
            .iter()
            .map(row)
            .collect::<Option<Vec<_>>>()?;
        Some((fetched, values))
    }

    fn write(&self, path: &PathBuf, fetched_ms: i64, rows: Vec<Json>) {
        let text = json!({"fetched_ms": fetched_ms, "values": rows}).to_string();
        let _ = std::fs::create_dir_all(&self.dir);
        // Written aside and renamed: a crash never leaves half a file.
        let tmp = path.with_extension("part");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }

    /// One window of anything, under (service, key, window): from disk when
    /// fresh enough (`max_age_ms` for windows still open at fetch time),
    /// else through `fetch`, else the stale copy with the reason.
    #[allow(clippy::too_many_arguments)]
    fn window<T>(
        &self,
        base: &str,
        key: &str,
        (from_ms, to_ms): (i64, i64),
        max_age_ms: i64,
        now_ms: i64,
        (encode, decode): Rows<T>,
        fetch: impl FnOnce() -> Result<Vec<T>, ClientError>,
    ) -> Result<Cached<T>, ClientError> {
        let path = self.path(base, key, from_ms, to_ms);
        let cached = self.read(&path, decode);
        if let Some((fetched, _)) = &cached
            && (*fetched >= to_ms || now_ms - fetched <= max_age_ms)
        {
            let (fetched_ms, values) = cached.expect("checked above");
            return Ok(Cached {
                values,
                fetched_ms,
                from_cache: true,
                stale_because: None,
            });
        }
        match fetch() {
            Ok(values) => {
                self.write(&path, now_ms, values.iter().map(encode).collect());
                Ok(Cached {
                    values,
                    fetched_ms: now_ms,
                    from_cache: false,
                    stale_because: None,
                })
            }
            Err(e) => match cached {
                Some((fetched_ms, values)) => Ok(Cached {
                    values,
                    fetched_ms,
                    from_cache: true,
                    stale_because: Some(e.message()),
                }),
                None => Err(e),
            },
        }
    }

    /// Observations of `ds` in `[from_ms, to_ms)`.
    pub fn history(
        &self,
        client: &StaClient,
        ds: &Datastream,
        from_ms: i64,
        to_ms: i64,
        max_age_ms: i64,
        now_ms: i64,
    ) -> Result<History, ClientError> {
        self.window(
            &client.base,
            &ds.id.key(),
            (from_ms, to_ms),
            max_age_ms,
            now_ms,
            (observation_row, observation_of),
            || client.observations(ds, &Query::time_window(from_ms, to_ms)),
        )
    }

    /// Observations of a MultiDatastream (all components) in the window.
    pub fn multi_history(
        &self,
        client: &StaClient,
        mds: &MultiDatastream,
        from_ms: i64,
        to_ms: i64,
        max_age_ms: i64,
        now_ms: i64,
    ) -> Result<Cached<MultiObservation>, ClientError> {
        fn row(o: &MultiObservation) -> Json {
            json!([
                o.time_ms,
                o.results.iter().map(Value::to_json).collect::<Vec<_>>()
            ])
        }
        fn of(r: &Json) -> Option<MultiObservation> {
            Some(MultiObservation {
                id: None,
                time_ms: r.get(0)?.as_i64()?,
                results: r
                    .get(1)?
                    .as_array()?
                    .iter()
                    .map(json_value)
                    .collect::<Option<_>>()?,
            })
        }
        self.window(
            &client.base,
            &format!("MultiDatastreams{}", mds.id.key()),
            (from_ms, to_ms),
            max_age_ms,
            now_ms,
            (row, of),
            || client.multi_observations(mds, &Query::time_window(from_ms, to_ms)),
        )
    }

    /// Where a Thing was in the window (HistoricalLocations).
    pub fn track(
        &self,
        client: &StaClient,
        thing: &Id,
        from_ms: i64,
        to_ms: i64,
        max_age_ms: i64,
        now_ms: i64,
    ) -> Result<Cached<(i64, [f64; 2])>, ClientError> {
        fn row(f: &(i64, [f64; 2])) -> Json {
            json!([f.0, f.1])
        }
        fn of(r: &Json) -> Option<(i64, [f64; 2])> {
            let p = r.get(1)?;
            Some((
                r.get(0)?.as_i64()?,
                [p.get(0)?.as_f64()?, p.get(1)?.as_f64()?],
            ))
        }
        self.window(
            &client.base,
            &format!("Things{}/HistoricalLocations", thing.key()),
            (from_ms, to_ms),
            max_age_ms,
            now_ms,
            (row, of),
            || {
                client.historical_locations(thing, from_ms, to_ms).map(|h| {
                    h.into_iter()
                        .filter_map(|h| Some((h.time_ms, h.location?)))
                        .collect()
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_expected() -> bool {
        let Ok(expect) = std::env::var("PW_EXPECT_CACHE") else {
            return false;
        };
        let dir = HistoryCache::default_dir();
        if expect == "not-temp" {
            assert!(!dir.starts_with(std::env::temp_dir()), "{}", dir.display());
        } else {
            assert_eq!(
                dir,
                PathBuf::from(expect).join("planwerkstatt").join("sensors")
            );
        }
        assert!(dir.ends_with("planwerkstatt/sensors"));
        true
    }

    #[test]
    fn the_cache_follows_xdg_and_needs_no_home_variable() {
        if check_expected() {
            return;
        }
        let name = "history_cache::tests::the_cache_follows_xdg_and_needs_no_home_variable";
        let run = pw_testkit::rerun_in_child;
        run(
            name,
            &[
                ("XDG_CACHE_HOME", Some("/srv/pw-cache")),
                ("PW_EXPECT_CACHE", Some("/srv/pw-cache")),
            ],
        );
        // Without HOME (as on Windows) the account's folder is still found:
        // never the temporary folder.
        run(
            name,
            &[
                ("XDG_CACHE_HOME", None),
                ("HOME", None),
                ("PW_EXPECT_CACHE", Some("not-temp")),
            ],
        );
    }
}
