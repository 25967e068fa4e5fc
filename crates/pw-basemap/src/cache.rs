//! Fetching tiles and capabilities over HTTP through a disk cache: a tile
//! fetched once is kept (file per URL), so a workshop room without network
//! still shows the last viewed area. Fresh files are used without asking
//! the network; older ones are refreshed when the network answers, and
//! used as they are when it does not.

use crate::BasemapError;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How a fetch was served.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// When the bytes came from the server (file time for cached ones).
    pub fetched_at: SystemTime,
    pub from_cache: bool,
    /// The network failed and an older cached copy was used: why.
    pub stale_because: Option<crate::FetchReason>,
}

#[derive(Debug, Clone)]
pub struct TileCache {
    dir: PathBuf,
    client: reqwest::blocking::Client,
    /// Younger cached files are used without asking the network.
    pub max_age: Duration,
}

/// FNV-1a: a stable short name per URL (file names must not carry the URL).
fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl TileCache {
    /// `timeout` bounds each request (connect and read).
    pub fn new(dir: impl Into<PathBuf>, timeout: Duration) -> Result<TileCache, BasemapError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| BasemapError::Setup(format!("{}: {e}", dir.display())))?;
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("Planwerkstatt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BasemapError::Setup(e.to_string()))?;
        Ok(TileCache {
            dir,
            client,
            max_age: Duration::from_secs(7 * 24 * 3600),
        })
    }

    /// The user's cache folder: `$XDG_CACHE_HOME` or `~/.cache` on Linux,
    /// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows; the temporary
    /// folder only for an account without any.
    pub fn default_dir() -> PathBuf {
        TileCache::user_dir("basemaps")
    }

    /// A folder of the user's cache for `what` ("basemaps", "3dtiles").
    pub fn user_dir(what: &str) -> PathBuf {
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("planwerkstatt")
            .join(what)
    }

    pub fn path_for(&self, url: &str) -> PathBuf {
        let h = hash(url);
        self.dir
            .join(format!("{:02x}", h & 0xff))
            .join(format!("{h:016x}"))
    }

    fn read_cached(path: &Path) -> Option<(Vec<u8>, SystemTime)> {
        let bytes = std::fs::read(path).ok()?;
        let time = std::fs::metadata(path).ok()?.modified().ok()?;
        Some((bytes, time))
    }

    /// The bytes at `url`: from the cache when fresh, else from the
    /// network (and cached), else the stale cached copy, else the error.
    pub fn get(&self, url: &str) -> Result<Fetched, BasemapError> {
        let path = self.path_for(url);
        let cached = Self::read_cached(&path);
        if let Some((bytes, time)) = &cached
            && time.elapsed().is_ok_and(|age| age < self.max_age)
        {
            return Ok(Fetched {
                bytes: bytes.clone(),
                fetched_at: *time,
                from_cache: true,
                stale_because: None,
            });
        }
        match self.download(url) {
            Ok(bytes) => {
                self.store(&path, &bytes);
                Ok(Fetched {
                    bytes,
                    fetched_at: SystemTime::now(),
                    from_cache: false,
                    stale_because: None,
                })
            }
            Err(e) => match cached {
                Some((bytes, time)) => Ok(Fetched {
                    bytes,
                    fetched_at: time,
                    from_cache: true,
                    stale_because: Some(match e {
                        BasemapError::Http { reason, .. } => reason,
                        other => crate::FetchReason::Other(other.to_string()),
                    }),
                }),
                None => Err(e),
            },
        }
    }

    fn download(&self, url: &str) -> Result<Vec<u8>, BasemapError> {
        use crate::FetchReason;
        let err = |reason: FetchReason| BasemapError::Http {
            url: url.to_string(),
            reason,
        };
        if let Some(path) = url.strip_prefix("file://") {
            return std::fs::read(path).map_err(|e| err(FetchReason::Other(e.to_string())));
        }
        let response = self.client.get(url).send().map_err(|e| {
            err(if e.is_timeout() {
                FetchReason::Timeout
            } else if e.is_connect() {
                FetchReason::Offline
            } else {
                // Without the URL: its query may hold a key.
                FetchReason::Other(e.without_url().to_string())
            })
        })?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = response
            .bytes()
            .map_err(|e| err(FetchReason::Other(e.without_url().to_string())))?
            .to_vec();
        if !status.is_success() {
            return Err(err(FetchReason::Status(status.as_u16())));
        }
        // A WMS reports errors as XML with status 200.
        if content_type.contains("xml") && !url.to_ascii_lowercase().contains("getcapabilities") {
            let text = String::from_utf8_lossy(&bytes);
            // The <ServiceException …> element, not its …Report wrapper.
            let message = text
                .match_indices("<ServiceException")
                .map(|(i, m)| &text[i + m.len()..])
                .find(|rest| rest.starts_with([' ', '>']))
                .and_then(|s| s.split('>').nth(1))
                .and_then(|s| s.split('<').next())
                .map(|s| s.trim().to_string());
            return Err(err(match message {
                Some(m) => FetchReason::Exception(m),
                None => FetchReason::NotAnImage,
            }));
        }
        if bytes.is_empty() {
            return Err(err(FetchReason::Empty));
        }
        Ok(bytes)
    }

    /// Written to a temporary name and renamed: a crash never leaves half
    /// a tile in the cache.
    fn store(&self, path: &Path, bytes: &[u8]) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = path.with_extension("part");
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}
