//! Basemaps against a real HTTP server on 127.0.0.1 started by the test
//! (pw-testkit, HTTP/1.1): XYZ, WMS GetMap and WMTS (RESTful and KVP)
//! requests as sent, the disk cache, offline use of cached tiles, HTTP
//! errors, WMS service exceptions and timeouts.

use pw_basemap::{Basemap, TileCache, TileId, wmts};
use pw_scene::{BasemapService, BasemapSettings};
use pw_testkit::{HttpFixture, Reply, closed_port};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A 1×1 PNG (what a tile server sends, as bytes).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE, 0, 0, 0, 12, b'I', b'D', b'A', b'T', 8,
    0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0, 0, 3, 1, 1, 0, 0x18, 0xDD, 0x8D, 0xB0, 0, 0, 0, 0, b'I', b'E',
    b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
];

/// The tile server of these tests: PNG tiles, a slow path, HTTP errors,
/// a WMS exception and WMTS capabilities naming itself as host.
fn serve() -> HttpFixture {
    let host: Arc<Mutex<String>> = Default::default();
    let h = host.clone();
    let server = HttpFixture::start(move |path, _| {
        if path.starts_with("/slow") {
            Reply::ok("image/png", PNG).after(Duration::from_secs(5))
        } else if path.starts_with("/broken") {
            Reply::status("500 Internal Server Error", "text/plain", "kaputt")
        } else if path.starts_with("/missing") {
            Reply::status("404 Not Found", "text/plain", "nicht da")
        } else if path.starts_with("/exception") {
            Reply::ok(
                "application/vnd.ogc.se_xml",
                "<ServiceExceptionReport><ServiceException code=\"LayerNotDefined\">Layer nope not defined</ServiceException></ServiceExceptionReport>",
            )
        } else if path.starts_with("/wmts/caps") {
            let host = h.lock().unwrap().clone();
            Reply::ok(
                "application/xml",
                include_str!("data/wmts_capabilities.xml").replace("HOST", &host),
            )
        } else {
            Reply::ok("image/png", PNG)
        }
    });
    *host.lock().unwrap() = server.base.trim_start_matches("http://").to_string();
    server
}

fn cache(name: &str) -> TileCache {
    let dir = std::env::temp_dir().join(format!("pw-basemap-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    TileCache::new(dir, Duration::from_secs(2)).unwrap()
}

fn settings(service: BasemapService) -> BasemapSettings {
    BasemapSettings {
        service,
        ..Default::default()
    }
}

#[test]
fn xyz_tiles_are_fetched_once_and_then_served_from_disk() {
    let server = serve();
    let map = Basemap::new(
        &format!("{}/osm/{{z}}/{{x}}/{{y}}.png", server.base),
        &settings(BasemapService::Xyz),
        pw_geo::Crs::epsg(25832),
    )
    .unwrap();
    // Jena Markt (lon 11.589, lat 50.927) at zoom 15 lies in tile 17438 /
    // 10980 by the OSM wiki formula (x = (lon + 180) / 360 · 2^z, y from
    // asinh(tan(lat))).
    let to_mercator =
        pw_geo::Reprojector::new(pw_geo::Crs::WGS84, pw_geo::Crs::epsg(3857)).unwrap();
    let p = to_mercator.apply([11.589, 50.927, 0.0]).unwrap();
    let t = map.grid.tiles_in(15, [p[0], p[1], p[0], p[1]], 1)[0];
    assert_eq!((t.col, t.row), (17438, 10980));
    let url = map.url(t).unwrap();
    assert_eq!(url, format!("{}/osm/15/17438/10980.png", server.base));
    let c = cache("xyz");
    let first = c.get(&url).unwrap();
    assert_eq!(first.bytes, PNG);
    assert!(!first.from_cache);
    let again = c.get(&url).unwrap();
    assert!(again.from_cache);
    assert_eq!(server.seen().len(), 1, "the second came from disk");
    // TMS counts rows from the south.
    let tms = Basemap::new(
        &format!("{}/tms/{{z}}/{{x}}/{{y}}.png", server.base),
        &settings(BasemapService::Tms),
        pw_geo::Crs::epsg(25832),
    )
    .unwrap();
    assert!(
        tms.url(t)
            .unwrap()
            .ends_with(&format!("/15/17438/{}.png", (1 << 15) - 1 - 10980))
    );
}

#[test]
fn offline_the_cached_tiles_still_show_and_new_ones_say_why_not() {
    let server = serve();
    let url = format!("{}/osm/3/4/2.png", server.base);
    let mut c = cache("offline");
    c.get(&url).unwrap();
    // The network goes away (a port nobody listens on) and the cached copy
    // is old: it is still served, with the reason.
    let dead = closed_port();
    let dead_url = format!("{dead}/osm/3/4/2.png");
    std::fs::create_dir_all(c.path_for(&dead_url).parent().unwrap()).unwrap();
    std::fs::copy(c.path_for(&url), c.path_for(&dead_url)).unwrap();
    c.max_age = Duration::ZERO;
    let stale = c.get(&dead_url).unwrap();
    assert_eq!(stale.bytes, PNG);
    assert!(stale.from_cache);
    let why = stale.stale_because.unwrap();
    assert_eq!(why, pw_basemap::FetchReason::Offline);
    assert!(why.to_string().contains("cannot connect"), "{why}");
    // A tile never fetched: a clear error naming the address.
    let e = c
        .get(&format!("{dead}/osm/3/4/3.png"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/osm/3/4/3.png") && e.contains("cannot connect"),
        "{e}"
    );
}

#[test]
fn http_errors_exceptions_and_timeouts_are_reported() {
    let server = serve();
    let c = cache("errors");
    let e = c
        .get(&format!("{}/broken/1.png", server.base))
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 500"), "{e}");
    let e = c
        .get(&format!("{}/missing/1.png", server.base))
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 404"), "{e}");
    let e = c
        .get(&format!("{}/exception?x", server.base))
        .unwrap_err()
        .to_string();
    assert!(e.contains("Layer nope not defined"), "{e}");
    let started = std::time::Instant::now();
    let e = c
        .get(&format!("{}/slow/1.png", server.base))
        .unwrap_err()
        .to_string();
    assert!(e.contains("timeout"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the 2 s timeout holds"
    );
    // Nothing broken went into the cache.
    assert!(
        !c.path_for(&format!("{}/broken/1.png", server.base))
            .exists()
    );
}

#[test]
fn wms_get_map_asks_square_tiles_in_the_scene_crs() {
    let server = serve();
    let mut s = settings(BasemapService::Wms);
    s.layers = Some("by_dop20c".into());
    let map = Basemap::new(
        &format!("{}/wms/dop?", server.base),
        &s,
        pw_geo::Crs::epsg(25832),
    )
    .unwrap();
    // 1 m per pixel near Jena (681 000 E, 5 644 000 N).
    let level = map.grid.level_for(1.0);
    assert_eq!(map.grid.levels[level as usize].resolution, 1.0);
    let tiles = map
        .grid
        .tiles_in(level, [680_900.0, 5_643_900.0, 681_100.0, 5_644_100.0], 16);
    assert!(!tiles.is_empty() && tiles.len() <= 4);
    let url = map.url(tiles[0]).unwrap();
    assert!(
        url.contains("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap"),
        "{url}"
    );
    assert!(
        url.contains("LAYERS=by_dop20c") && url.contains("CRS=EPSG%3A25832"),
        "{url}"
    );
    assert!(url.contains("WIDTH=256&HEIGHT=256"), "{url}");
    let bbox: Vec<f64> = url
        .split("BBOX=")
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(bbox[2] - bbox[0], 256.0);
    assert!(bbox[0] <= 681_000.0 && bbox[2] >= 681_000.0);
    let c = cache("wms");
    assert_eq!(c.get(&url).unwrap().bytes, PNG);
    let asked = server.seen()[0].clone();
    assert!(asked.starts_with("/wms/dop?SERVICE=WMS"), "{asked}");
    // Without layers: say what is missing.
    let e = Basemap::new(
        &server.base,
        &settings(BasemapService::Wms),
        pw_geo::Crs::epsg(25832),
    )
    .unwrap_err();
    assert!(e.to_string().contains("layers = "), "{e}");
}

#[test]
fn wmts_from_its_capabilities_rest_and_kvp() {
    let server = serve();
    let c = cache("wmts");
    let caps_url = format!(
        "{}/wmts/caps?SERVICE=WMTS&REQUEST=GetCapabilities",
        server.base
    );
    let xml = String::from_utf8(c.get(&caps_url).unwrap().bytes).unwrap();
    let caps = wmts::parse(&xml).unwrap();
    assert_eq!(caps.layers.len(), 2);
    assert_eq!(caps.layers[0].id, "karte_grau");
    assert_eq!(
        caps.layers[0].matrix_sets,
        ["DE_EPSG_25832_ADV", "GLOBAL_WEBMERCATOR"]
    );
    let map = Basemap::from_wmts(&caps_url, &caps, &settings(BasemapService::Wmts)).unwrap();
    assert_eq!(map.grid.crs, pw_geo::Crs::epsg(25832));
    // Scale denominator × 0.28 mm: 4891.97 m at level 00 (AdV), 9.55 m at 09.
    assert!((map.grid.levels[0].resolution - 4_891.969_810).abs() < 1e-3);
    assert!((map.grid.levels[1].resolution - 9.554_628_5).abs() < 1e-6);
    let t = TileId {
        level: 1,
        col: 297,
        row: 383,
    };
    assert_eq!(
        map.url(t).unwrap(),
        format!(
            "{}/wmts/tile/karte_grau/default/DE_EPSG_25832_ADV/09/383/297.png",
            server.base
        )
    );
    // That tile lies around Jena: x from -46133.17 + 297 × 2445.98 m.
    let b = map.grid.bounds(t).unwrap();
    assert!((b[0] - (-46_133.17 + 297.0 * 256.0 * 9.554_628_535_648)).abs() < 1e-3);
    // A layer without a RESTful template: KVP GetTile at the advertised address.
    let mut s = settings(BasemapService::Wmts);
    s.layers = Some("nur_kvp".into());
    let kvp = Basemap::from_wmts(&caps_url, &caps, &s).unwrap();
    let url = kvp.url(t).unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/wmts/kvp?SERVICE=WMTS&REQUEST=GetTile",
            server.base
        )),
        "{url}"
    );
    assert!(
        url.contains(
            "LAYER=nur_kvp&STYLE=grau&FORMAT=image%2Fjpeg&TILEMATRIXSET=DE_EPSG_25832_ADV"
        ),
        "{url}"
    );
    assert!(
        url.ends_with("&TILEMATRIX=09&TILEROW=383&TILECOL=297"),
        "{url}"
    );
    assert_eq!(c.get(&url).unwrap().bytes, PNG);
    // Wrong names are answered with what there is.
    s.layers = Some("luftbild".into());
    let e = Basemap::from_wmts(&caps_url, &caps, &s).unwrap_err();
    assert!(e.to_string().contains("karte_grau, nur_kvp"), "{e}");
    assert!(
        wmts::parse("<html>nope</html>")
            .unwrap_err()
            .contains("no WMTS layers")
    );
    // Capabilities from the web naming tiles on the user's disk are refused.
    let mut hostile = caps.clone();
    hostile.layers[0].template = Some("file:///etc/{TileMatrix}/{TileRow}/{TileCol}".into());
    let e = Basemap::from_wmts(&caps_url, &hostile, &settings(BasemapService::Wmts)).unwrap_err();
    assert!(e.to_string().contains("no web address"), "{e}");
    let mut hostile = caps.clone();
    hostile.get_tile_kvp = Some("file:///home/".into());
    let mut s = settings(BasemapService::Wmts);
    s.layers = Some("nur_kvp".into());
    let e = Basemap::from_wmts(&caps_url, &hostile, &s).unwrap_err();
    assert!(e.to_string().contains("no web address"), "{e}");
}
