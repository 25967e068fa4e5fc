//! 3D Tiles from a server: the tileset's files (tileset.json, external
//! tilesets, tile contents) fetched over HTTP(S) through the disk cache the
//! basemaps use. What was fetched once is shown again without the network —
//! a workshop room offline still sees the tiles of the last visit — and the
//! layer says how many files came from the cache because the server did not
//! answer.

use pw_basemap::BasemapError;
use pw_basemap::cache::TileCache;
use pw_city::tiles3d::{TileSource, is_url, shown};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// A request that takes longer is given up (and the cache asked).
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct HttpTiles {
    cache: TileCache,
    /// Files served from the cache because the network failed (each once;
    /// forgotten when the server answers for it again), and the last why.
    stale: Mutex<HashSet<String>>,
    reason: Mutex<Option<pw_basemap::FetchReason>>,
}

impl HttpTiles {
    pub fn in_dir(dir: std::path::PathBuf) -> Result<HttpTiles, pw_text::Message> {
        let cache = TileCache::new(dir, TIMEOUT).map_err(|e| e.message())?;
        Ok(HttpTiles {
            cache,
            stale: Mutex::new(HashSet::new()),
            reason: Mutex::new(None),
        })
    }

    /// Cached files younger than this are used without asking the server.
    pub fn with_max_age(mut self, age: Duration) -> HttpTiles {
        self.cache.max_age = age;
        self
    }

    /// How many files are shown from the cache because the server failed,
    /// and the last failure.
    pub fn offline(&self) -> (usize, Option<pw_basemap::FetchReason>) {
        let count = self.stale.lock().map_or(0, |s| s.len());
        let why = (count > 0)
            .then(|| self.reason.lock().ok().and_then(|r| r.clone()))
            .flatten();
        (count, why)
    }
}

impl TileSource for HttpTiles {
    /// Web addresses only: whatever a server's files name, nothing is read
    /// from the user's disk.
    fn read(&self, location: &str) -> Result<Vec<u8>, pw_text::Message> {
        if !is_url(location) {
            return Err(pw_text::Message::new("tiles.error.not_web")
                .arg("location", shown(location))
                .english(
                    "\"{location}\" is no web address; a tileset from a server is read from servers only",
                ));
        }
        // The error without the address (its query may hold an access key;
        // the caller names the file).
        let fetched = self.cache.get(location).map_err(|e| match e {
            BasemapError::Http { reason, .. } => reason.message(),
            other => other.message(),
        })?;
        if let Ok(mut stale) = self.stale.lock() {
            match fetched.stale_because {
                Some(why) => {
                    stale.insert(location.to_string());
                    if let Ok(mut r) = self.reason.lock() {
                        *r = Some(why);
                    }
                }
                None => {
                    stale.remove(location);
                }
            }
        }
        Ok(fetched.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_city::tiles3d::Tileset;
    use pw_geo::{Crs, SceneOrigin};
    use pw_testkit::{HttpFixture, Reply};
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    const UTM18N: Crs = Crs::epsg(32618);

    /// Cesium's sample tileset (its tree, an external tileset in `city/`,
    /// five b3dm tiles and a point cloud) served as a city's server would,
    /// behind an access key in the query; switched off to be offline.
    fn server(online: Arc<AtomicBool>) -> (HttpFixture, PathBuf) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/gltf/cesium_TilesetWithRequestVolume");
        let files = dir.clone();
        let fixture = HttpFixture::start(move |target, _| {
            if !online.load(Ordering::SeqCst) {
                return Reply::status("503 Service Unavailable", "text/plain", "down");
            }
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            if query != "key=abc" {
                return Reply::status("403 Forbidden", "text/plain", "no key");
            }
            match path
                .strip_prefix("/3d/")
                .and_then(|p| std::fs::read(files.join(p)).ok())
            {
                Some(body) if path.ends_with(".json") => Reply::json(body),
                Some(body) => Reply::ok("application/octet-stream", body),
                None => Reply::status("404 Not Found", "text/plain", "no such tile"),
            }
        });
        (fixture, dir)
    }

    fn triangles(set: &Tileset, tile: usize) -> (usize, usize, usize) {
        let m = set.load_content(tile, UTM18N).unwrap();
        let surfaces = m.objects.iter().map(|o| o.surfaces.len()).sum();
        (m.objects.len(), surfaces, m.points.len())
    }

    #[test]
    fn a_tileset_on_a_server_is_the_tileset_on_disk_and_stays_when_offline() {
        let online = Arc::new(AtomicBool::new(true));
        let (fixture, dir) = server(online.clone());
        let cache = std::env::temp_dir().join(format!("pw-3dtiles-cache-{}", std::process::id()));
        std::fs::remove_dir_all(&cache).ok();
        let origin = SceneOrigin::new([447_784.070, 4_432_657.162, 0.0]);
        let url = format!("{}/3d/tileset.json?key=abc", fixture.base);

        let http = Arc::new(HttpTiles::in_dir(cache.clone()).unwrap());
        let remote = Tileset::open_from(&url, http.clone(), None, UTM18N, &origin).unwrap();
        let local = Tileset::open(&dir.join("tileset.json"), None, UTM18N, &origin).unwrap();
        // The same tree: the external tileset found relative to its referrer,
        // the key carried on to it.
        assert_eq!(remote.tiles.len(), local.tiles.len());
        assert_eq!(remote.content_tiles(), 6);
        assert_eq!(remote.external_tilesets, 1);
        for (r, l) in remote.tiles.iter().zip(&local.tiles) {
            assert_eq!(r.sphere, l.sphere);
        }
        let city = format!("{}/3d/city/ur.b3dm?key=abc", fixture.base);
        assert!(
            remote
                .tiles
                .iter()
                .any(|t| t.content.as_deref() == Some(city.as_str()))
        );
        assert!(
            fixture
                .seen()
                .contains(&"/3d/city/tileset.json?key=abc".to_string())
        );
        // Every tile's content read over HTTP is what the files hold.
        let contents: Vec<usize> = (0..remote.tiles.len())
            .filter(|&t| remote.tiles[t].content.is_some())
            .collect();
        for &t in &contents {
            assert_eq!(triangles(&remote, t), triangles(&local, t), "tile {t}");
        }
        // Feature ids come from the file name, not the query.
        let m = remote.load_content(contents[0], UTM18N).unwrap();
        assert!(
            m.objects.iter().all(|o| !o.id.contains('?')),
            "{}",
            m.objects[0].id
        );
        assert_eq!(http.offline().0, 0);

        // Offline: the server answers 503; everything seen before comes
        // from the cache, said once per file.
        online.store(false, Ordering::SeqCst);
        let http = Arc::new(
            HttpTiles::in_dir(cache.clone())
                .unwrap()
                .with_max_age(Duration::ZERO),
        );
        let again = Tileset::open_from(&url, http.clone(), None, UTM18N, &origin).unwrap();
        assert_eq!(again.tiles.len(), local.tiles.len());
        for &t in &contents {
            assert_eq!(
                triangles(&again, t),
                triangles(&local, t),
                "offline tile {t}"
            );
        }
        let (stale, why) = http.offline();
        assert_eq!(stale, 2 + contents.len(), "two tilesets and the contents");
        assert_eq!(why, Some(pw_basemap::FetchReason::Status(503)));
        // Each file counts once however often it is read.
        for &t in &contents {
            triangles(&again, t);
        }
        assert_eq!(http.offline().0, 2 + contents.len());
        // What was never fetched cannot be shown: the error says why.
        let never = format!("{}/3d/city/elsewhere.b3dm?key=abc", fixture.base);
        let err = http.read(&never).unwrap_err().to_string();
        assert!(err.contains("503"), "{err}");
        assert!(!err.contains("key=abc"), "{err}");
        // Back online: what the server answers is no longer counted stale.
        online.store(true, Ordering::SeqCst);
        triangles(&again, contents[0]);
        assert_eq!(http.offline().0, 1 + contents.len());
        std::fs::remove_dir_all(&cache).ok();
    }

    #[test]
    fn locations_resolve_like_a_browser_and_keep_the_key() {
        use pw_city::tiles3d::resolve;
        let base = "https://tiles.example.org/jena/tileset.json?key=abc";
        let at = |uri| resolve(base, uri);
        assert_eq!(
            at("0/1.b3dm").as_deref(),
            Some("https://tiles.example.org/jena/0/1.b3dm?key=abc")
        );
        assert_eq!(
            at("../shared/x.glb?v=2").as_deref(),
            Some("https://tiles.example.org/shared/x.glb?v=2")
        );
        assert_eq!(
            at("/root.json").as_deref(),
            Some("https://tiles.example.org/root.json?key=abc")
        );
        // No key to another origin: another host, plain http, another port.
        for other in [
            "https://cdn.example.com/t.b3dm",
            "http://tiles.example.org/t.b3dm",
            "https://tiles.example.org:8443/t.b3dm",
        ] {
            assert_eq!(at(other).as_deref(), Some(other));
        }
        // A server's file cannot make us read the disk.
        for local in ["file:///home/planer/.ssh/id_rsa", "data:text/plain,x"] {
            assert_eq!(at(local), None, "{local}");
        }
        let http = HttpTiles::in_dir(std::env::temp_dir().join("pw-3dtiles-never")).unwrap();
        let err = http.read("/etc/passwd").unwrap_err().to_string();
        assert!(err.contains("no web address"), "{err}");
        // Messages show no key.
        assert_eq!(
            pw_city::tiles3d::shown(base),
            "https://tiles.example.org/jena/tileset.json"
        );
        // On disk: the folder of the referrer, query and fragment dropped.
        assert_eq!(
            resolve("/data/city/tileset.json", "tiles/1.b3dm?v=1#x").map(PathBuf::from),
            Some(PathBuf::from("/data/city/tiles/1.b3dm"))
        );
    }
}
