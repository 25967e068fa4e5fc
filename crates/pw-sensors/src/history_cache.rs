//! Fetched history on disk, so a workshop without network still shows it:
//! one file per (service, datastream, time window) with the values and the
//! time they were fetched. A window that had already ended when it was
//! fetched never changes and is served from disk for good; an open window
//! is fetched again once older than the caller's limit; when the network
//! fails, the copy on disk is served with the reason and its age.

use crate::client::{ClientError, StaClient};
use crate::sta::{Datastream, Observation, Query};
use crate::{Value, parse_json};
use serde_json::{Value as Json, json};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// History of one datastream in one window.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub values: Vec<Observation>,
    /// When these values were fetched from the server (Unix ms).
    pub fetched_ms: i64,
    pub from_cache: bool,
    /// Served from disk because the server could not be asked: why.
    pub stale_because: Option<String>,
}

pub struct HistoryCache {
    dir: PathBuf,
}

impl HistoryCache {
    pub fn new(dir: impl Into<PathBuf>) -> HistoryCache {
        HistoryCache { dir: dir.into() }
    }

    /// The user's cache folder (XDG cache on Linux).
    pub fn default_dir() -> PathBuf {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir)
            .join("planwerkstatt/sensors")
    }

    fn path(&self, base: &str, ds: &Datastream, from_ms: i64, to_ms: i64) -> PathBuf {
        let mut h = std::hash::DefaultHasher::new();
        (base, ds.id.key(), from_ms, to_ms).hash(&mut h);
        self.dir.join(format!("{:016x}.json", h.finish()))
    }

    fn read(&self, path: &PathBuf) -> Option<(i64, Vec<Observation>)> {
        let v = parse_json(&std::fs::read_to_string(path).ok()?).ok()?;
        let fetched = v.get("fetched_ms")?.as_i64()?;
        let values = v
            .get("values")?
            .as_array()?
            .iter()
            .map(|p| {
                let t = p.get(0)?.as_i64()?;
                let value = match p.get(1)? {
                    Json::String(s) => Value::Text(s.clone()),
                    other => Value::Number(other.as_f64()?),
                };
                Some(Observation {
                    id: None,
                    time_ms: t,
                    result: value,
                    location: None,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some((fetched, values))
    }

    fn write(&self, path: &PathBuf, fetched_ms: i64, values: &[Observation]) {
        let rows: Vec<Json> = values
            .iter()
            .map(|o| match &o.result {
                Value::Number(v) => json!([o.time_ms, v]),
                Value::Text(t) => json!([o.time_ms, t]),
            })
            .collect();
        let text = json!({"fetched_ms": fetched_ms, "values": rows}).to_string();
        let _ = std::fs::create_dir_all(&self.dir);
        // Written aside and renamed: a crash never leaves half a file.
        let tmp = path.with_extension("part");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }

    /// Observations of `ds` in `[from_ms, to_ms)`, from disk when fresh
    /// enough (`max_age_ms` for windows still open at fetch time), else
    /// from the server, else the stale copy with the reason.
    pub fn history(
        &self,
        client: &StaClient,
        ds: &Datastream,
        from_ms: i64,
        to_ms: i64,
        max_age_ms: i64,
        now_ms: i64,
    ) -> Result<History, ClientError> {
        let path = self.path(&client.base, ds, from_ms, to_ms);
        let cached = self.read(&path);
        if let Some((fetched, values)) = &cached
            && (*fetched >= to_ms || now_ms - fetched <= max_age_ms)
        {
            return Ok(History {
                values: values.clone(),
                fetched_ms: *fetched,
                from_cache: true,
                stale_because: None,
            });
        }
        match client.observations(ds, &Query::time_window(from_ms, to_ms)) {
            Ok(values) => {
                self.write(&path, now_ms, &values);
                Ok(History {
                    values,
                    fetched_ms: now_ms,
                    from_cache: false,
                    stale_because: None,
                })
            }
            Err(e) => match cached {
                Some((fetched, values)) => Ok(History {
                    values,
                    fetched_ms: fetched,
                    from_cache: true,
                    stale_because: Some(e.to_string()),
                }),
                None => Err(e),
            },
        }
    }
}
