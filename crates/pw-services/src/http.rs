//! Fetching answers: the [`Fetch`] trait the clients ask through, and
//! [`Http`], blocking HTTP(S) with a time limit, a size limit and a disk
//! copy of every answer, used when the network fails (a workshop offline
//! still sees the features it loaded before).

use crate::ServiceError;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// A server's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub bytes: Vec<u8>,
    pub content_type: String,
    /// Served from the disk copy because the network failed: why.
    pub stale_because: Option<ServiceError>,
}

impl Answer {
    /// The answer as text; an XML answer in the encoding it declares.
    pub fn text(&self) -> String {
        pw_xml::decode(&self.bytes).text.into_owned()
    }
}

/// Where the clients' requests go: [`Http`], or a test's recorded answers.
pub trait Fetch: Send + Sync {
    /// The answer at `url`, asking for `accept` (a media type list).
    fn get(&self, url: &str, accept: &str) -> Result<Answer, ServiceError>;
}

/// HTTP(S) through rustls (the OS certificate store), one request at a time.
pub struct Http {
    client: reqwest::blocking::Client,
    /// Larger answers are refused (a WFS asked without a box can send gigabytes).
    pub limit_bytes: u64,
    /// A folder keeping the last answer per URL, for when the network fails.
    pub offline_copies: Option<PathBuf>,
}

impl Http {
    pub fn new(timeout: Duration) -> Result<Http, ServiceError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(15)))
            .user_agent(concat!("Planwerkstatt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ServiceError::Other {
                url: String::new(),
                why: e.to_string(),
            })?;
        Ok(Http {
            client,
            limit_bytes: 256 << 20,
            offline_copies: None,
        })
    }

    /// Keeps answers in `dir` (the oldest go once it holds more than
    /// [`COPIES_MAX_BYTES`]).
    pub fn with_offline_copies(mut self, dir: impl Into<PathBuf>) -> Http {
        let dir = dir.into();
        prune(&dir, COPIES_MAX_BYTES);
        self.offline_copies = Some(dir);
        self
    }

    /// The user's folder for copies of service answers.
    pub fn default_copies_dir() -> PathBuf {
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("planwerkstatt")
            .join("services")
    }

    fn copy_path(&self, url: &str) -> Option<PathBuf> {
        self.offline_copies
            .as_ref()
            .map(|d| d.join(file_name_for(url)))
    }

    fn download(&self, url: &str, accept: &str) -> Result<Answer, ServiceError> {
        let response = self
            .client
            .get(url)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .map_err(|e| {
                if e.is_timeout() {
                    ServiceError::Timeout { url: url.into() }
                } else if e.is_connect() {
                    ServiceError::Offline { url: url.into() }
                } else {
                    // Without the URL: its query may hold a key.
                    ServiceError::Other {
                        url: url.into(),
                        why: e.without_url().to_string(),
                    }
                }
            })?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let mut bytes = Vec::new();
        response
            .take(self.limit_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ServiceError::Other {
                url: url.into(),
                why: e.kind().to_string(),
            })?;
        if bytes.len() as u64 > self.limit_bytes {
            return Err(ServiceError::TooLarge {
                url: url.into(),
                limit_mb: self.limit_bytes >> 20,
            });
        }
        if !status.is_success() {
            // OGC services explain a refused request in the body (an
            // ExceptionReport, an OGC API problem JSON): say that, not the number.
            if let Some(text) = crate::xml::exception_text(&bytes).or_else(|| problem_json(&bytes))
            {
                return Err(ServiceError::Exception {
                    url: url.into(),
                    text,
                });
            }
            return Err(ServiceError::Status {
                url: url.into(),
                status: status.as_u16(),
            });
        }
        Ok(Answer {
            bytes,
            content_type,
            stale_because: None,
        })
    }
}

/// A file name for an address: FNV-1a, stable across Rust releases; the
/// name never carries the address (its query may hold a key).
pub fn file_name_for(url: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// What the copies of answers may take on disk.
pub const COPIES_MAX_BYTES: u64 = 1 << 30;

/// Removes the least recently written files of `dir` until the rest fit in `max`.
fn prune(dir: &std::path::Path, max: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            m.is_file().then(|| {
                (
                    m.modified().unwrap_or(std::time::UNIX_EPOCH),
                    m.len(),
                    e.path(),
                )
            })
        })
        .collect();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    if total <= max {
        return;
    }
    files.sort();
    for (_, len, path) in files {
        if total <= max {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

/// The `title`/`detail` of an RFC 7807 problem answer (OGC API servers).
fn problem_json(bytes: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let pick = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    pick("detail")
        .or_else(|| pick("description"))
        .or_else(|| pick("title"))
}

impl Fetch for Http {
    fn get(&self, url: &str, accept: &str) -> Result<Answer, ServiceError> {
        let copy = self.copy_path(url);
        match self.download(url, accept) {
            Ok(answer) => {
                if let Some(path) = copy {
                    // Written beside and renamed: never half an answer on disk.
                    if let Some(dir) = path.parent()
                        && std::fs::create_dir_all(dir).is_ok()
                    {
                        let tmp = path.with_extension("part");
                        if std::fs::write(&tmp, &answer.bytes).is_ok() {
                            let _ = std::fs::rename(&tmp, &path);
                        }
                    }
                }
                Ok(answer)
            }
            Err(e @ (ServiceError::Timeout { .. } | ServiceError::Offline { .. })) => {
                match copy.and_then(|p| std::fs::read(p).ok()) {
                    Some(bytes) => Ok(Answer {
                        bytes,
                        content_type: String::new(),
                        stale_because: Some(e),
                    }),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }
}

/// `url` with `key` set to `value` in its query (replacing any spelling of
/// the key: OGC KVP keys are case-insensitive).
pub fn with_query(url: &str, key: &str, value: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(key))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = parsed.query_pairs_mut();
        q.clear();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        q.append_pair(key, value);
    }
    parsed.to_string()
}

/// `url` without the query parameters named in `ours` (any case): the
/// request parameters a client sets itself; the others (a key) stay.
pub fn without_params(url: &str, ours: &[&str]) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !ours.iter().any(|o| k.eq_ignore_ascii_case(o)))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(&kept);
    }
    parsed.to_string()
}

/// The value of `key` (any case) in `url`'s query.
pub fn query_value(url: &str, key: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.into_owned())
}

/// Whether `next` may be followed from `from`: same scheme, host and port
/// (a key in our query must not travel to another server).
pub fn same_origin(from: &str, next: &str) -> bool {
    match (url::Url::parse(from), url::Url::parse(next)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_testkit::{HttpFixture, Reply};

    #[test]
    fn old_copies_go_first_when_the_folder_is_full() {
        let dir = std::env::temp_dir().join(format!("pw-services-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, name) in ["old", "mid", "new"].iter().enumerate() {
            std::fs::write(dir.join(name), vec![0u8; 100]).unwrap();
            let t = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000 + i as u64 * 100);
            std::fs::File::options()
                .write(true)
                .open(dir.join(name))
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
        prune(&dir, 250);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["mid", "new"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn query_keys_are_replaced_whatever_their_case() {
        let u = with_query(
            "https://geo.example/wfs?service=WFS&startIndex=0&key=a%26b",
            "STARTINDEX",
            "20",
        );
        assert_eq!(
            u,
            "https://geo.example/wfs?service=WFS&key=a%26b&STARTINDEX=20"
        );
        assert_eq!(query_value(&u, "startindex").as_deref(), Some("20"));
        assert_eq!(query_value(&u, "key").as_deref(), Some("a&b"));
    }

    #[test]
    fn answers_are_kept_for_offline_and_refusals_say_the_services_words() {
        let copies =
            std::env::temp_dir().join(format!("pw-services-copies-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&copies);
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let up2 = up.clone();
        let server = HttpFixture::start(move |target, _| {
            if target.contains("bad") {
                return Reply::status(
                    "400 Bad Request",
                    "application/xml",
                    r#"<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0"><ows:Exception exceptionCode="InvalidParameterValue" locator="typeNames"><ows:ExceptionText>Feature type xyz unknown</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"#,
                );
            }
            if up2.load(std::sync::atomic::Ordering::SeqCst) {
                Reply::json(r#"{"type":"FeatureCollection","features":[]}"#)
            } else {
                Reply::status("503 Service Unavailable", "text/plain", "down")
            }
        });
        let http = Http::new(Duration::from_secs(5))
            .unwrap()
            .with_offline_copies(&copies);
        let url = format!("{}/items?key=secret", server.base);
        let first = http.get(&url, "application/json").unwrap();
        assert!(first.text().contains("FeatureCollection"));
        assert_eq!(first.stale_because, None);
        // A refusal is said in the service's words, not as a bare status.
        let bad = http
            .get(&format!("{}/bad", server.base), "*/*")
            .unwrap_err();
        assert_eq!(
            bad,
            ServiceError::Exception {
                url: format!("{}/bad", server.base),
                text: "Feature type xyz unknown".into()
            }
        );
        // A server that answers with an error is no reason to show old data…
        up.store(false, std::sync::atomic::Ordering::SeqCst);
        assert!(matches!(
            http.get(&url, "application/json"),
            Err(ServiceError::Status { status: 503, .. })
        ));
        // …but no server at all is: the copy, saying why.
        let gone = Http::new(Duration::from_secs(2))
            .unwrap()
            .with_offline_copies(&copies);
        let port = pw_testkit::closed_port();
        let offline_url = format!("{port}/items?key=secret");
        assert!(matches!(
            gone.get(&offline_url, "*/*"),
            Err(ServiceError::Offline { .. })
        ));
        std::fs::copy(
            http.copy_path(&url).unwrap(),
            gone.copy_path(&offline_url).unwrap(),
        )
        .unwrap();
        let stale = gone.get(&offline_url, "*/*").unwrap();
        assert!(stale.text().contains("FeatureCollection"));
        let why = stale.stale_because.unwrap();
        assert!(matches!(why, ServiceError::Offline { .. }), "{why:?}");
        // What people read of it names the server, never the key.
        assert!(
            !why.message().to_string().contains("secret"),
            "{}",
            why.message()
        );
        assert!(why.message().to_string().contains("cannot connect"));
        // The copy's name never carries the URL's key.
        let names: Vec<String> = std::fs::read_dir(&copies)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains("secret")), "{names:?}");
        let _ = std::fs::remove_dir_all(&copies);
    }
}
