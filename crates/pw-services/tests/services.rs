//! The clients against recorded answers of real servers (tests/data/README.md),
//! served from 127.0.0.1.

use pw_geo::Crs;
use pw_services::catalog::{self, Catalog, CatalogKind, ResourceKind};
use pw_services::wfs::{self, Query};
use pw_services::{Http, ServiceError, ogcapi};
use pw_testkit::{HttpFixture, Reply};
use pw_vector::Value;
use std::time::Duration;

fn data(rel: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn http() -> Http {
    Http::new(Duration::from_secs(10)).unwrap()
}

/// `%3A` → `:` in a request target (servers see decoded paths).
fn decoded(target: &str) -> String {
    let bytes = target.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&target[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn param(target: &str, key: &str) -> Option<String> {
    pw_services::http::query_value(&format!("http://x{target}"), key)
}

#[test]
fn koeln_capabilities_give_its_feature_types_and_a_geojson_request_in_the_scene_crs() {
    let caps =
        wfs::parse_capabilities(&String::from_utf8(data("wfs/koeln_capabilities.xml")).unwrap())
            .unwrap();
    assert_eq!(caps.version, "2.0.0");
    assert_eq!(caps.feature_types.len(), 86);
    assert!(caps.paging);
    assert_eq!(
        caps.get_feature.as_deref(),
        Some(
            "https://geoportal.stadt-koeln.de/arcgis/services/basiskarten/adressen_stadtteil/MapServer/WFSServer?"
        )
    );
    let sued = caps
        .feature_types
        .iter()
        .find(|t| t.name == "adressen_stadtteil:Altstadt_Süd")
        .expect("names with umlauts read as written");
    assert_eq!(sued.default_crs, "urn:ogc:def:crs:EPSG::25832");
    // ArcGIS gives every district the service's box (all of Cologne).
    assert_eq!(
        sued.wgs84_bbox,
        Some([6.80534263, 50.83164204, 7.13337013, 51.08846294])
    );
    assert_eq!(sued.crs_for(Crs::ETRS89_UTM32), Some(Crs::ETRS89_UTM32));
    // The service writes GeoJSON (and Esri's JSON, which is not GeoJSON).
    assert_eq!(
        wfs::choose_format(&caps.output_formats).as_deref(),
        Some("GEOJSON")
    );
    let url = wfs::get_feature_url(
        "https://geoportal.stadt-koeln.de/arcgis/services/basiskarten/adressen_stadtteil/MapServer/WFSServer",
        &caps,
        sued,
        Crs::ETRS89_UTM32,
        [356_000.0, 5_644_000.0, 357_000.0, 5_645_000.0],
        5000,
        0,
    );
    let target = url.split_once(".de").unwrap().1;
    assert_eq!(
        param(target, "TYPENAMES").as_deref(),
        Some("adressen_stadtteil:Altstadt_Süd")
    );
    assert_eq!(
        param(target, "BBOX").as_deref(),
        Some("356000,5644000,357000,5645000,urn:ogc:def:crs:EPSG::25832")
    );
    assert_eq!(
        param(target, "SRSNAME").as_deref(),
        Some("urn:ogc:def:crs:EPSG::25832")
    );
    assert_eq!(param(target, "OUTPUTFORMAT").as_deref(), Some("GEOJSON"));
    assert_eq!(param(target, "COUNT").as_deref(), Some("5000"));
    assert_eq!(param(target, "STARTINDEX").as_deref(), Some("0"));
}

#[test]
fn a_box_in_degrees_or_gauss_krueger_is_written_northing_first_as_its_urn_demands() {
    let caps = wfs::Capabilities {
        version: "2.0.0".into(),
        ..Default::default()
    };
    let t = wfs::FeatureType {
        name: "x:y".into(),
        ..Default::default()
    };
    let bbox = |crs: Crs, b: [f64; 4]| {
        let u = wfs::get_feature_url("http://h/wfs", &caps, &t, crs, b, 10, 0);
        param(u.trim_start_matches("http://h"), "BBOX").unwrap()
    };
    assert_eq!(
        bbox(Crs::WGS84, [11.56, 50.91, 11.59, 50.93]),
        "50.91,11.56,50.93,11.59,urn:ogc:def:crs:EPSG::4326"
    );
    assert_eq!(
        bbox(
            Crs::epsg(31468),
            [4_469_232.0, 5_642_783.0, 4_471_312.0, 5_644_700.0]
        ),
        "5642783,4469232,5644700,4471312,urn:ogc:def:crs:EPSG::31468"
    );
}

#[test]
fn dov_pages_are_walked_with_startindex_until_the_last() {
    let server = HttpFixture::start(|target, _| {
        let request = param(target, "REQUEST").unwrap_or_default();
        match (request.as_str(), param(target, "STARTINDEX").as_deref()) {
            ("GetCapabilities", _) => {
                Reply::ok("application/xml", data("wfs/dov_capabilities.xml"))
            }
            // The server's first page (10 of 20, with `next`), then its
            // answer for a single borehole stands for the last page.
            ("GetFeature", Some("0")) => {
                Reply::ok("application/xml", data("wfs/dov_getfeature_page0.xml"))
            }
            ("GetFeature", Some("10")) => {
                Reply::ok("application/xml", data("wfs/dov_getfeature_boring.xml"))
            }
            _ => Reply::status("404 Not Found", "text/plain", "no such page"),
        }
    });
    let url = format!(
        "{}/geoserver/gw_meetnetten/meetnetten/wfs?service=WFS&request=GetCapabilities",
        server.base
    );
    let mut query = Query::new(
        [150_000.0, 200_000.0, 160_000.0, 210_000.0],
        Crs::epsg(31370),
    );
    query.page_size = 10;
    let got = wfs::get_features(&http(), &url, "gw_meetnetten:meetnetten", &query, None).unwrap();
    assert_eq!(got.features.len(), 11);
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    // GetFeature at the address asked (the capabilities name the real host),
    // in the type's CRS, GeoJSON asked for (the service offers it; pydov
    // recorded GML, which is read as well).
    let first = &seen[1];
    assert!(
        first.starts_with("/geoserver/gw_meetnetten/meetnetten/wfs?"),
        "{first}"
    );
    assert_eq!(
        param(first, "SRSNAME").as_deref(),
        Some("urn:ogc:def:crs:EPSG::31370")
    );
    assert_eq!(param(first, "COUNT").as_deref(), Some("10"));
    assert_eq!(
        param(first, "OUTPUTFORMAT").as_deref(),
        Some("application/json")
    );
    assert_eq!(param(&seen[2], "STARTINDEX").as_deref(), Some("10"));
    let field = |name: &str| got.fields.iter().position(|f| f.name == name).unwrap();
    let nr = field("boornummer");
    assert_eq!(
        got.features[0].values[nr],
        Value::Text("kb29d84e-B574".into())
    );
    assert!(got.issues.is_empty(), "{:?}", got.issues);
}

#[test]
fn pigma_gives_the_first_features_of_many_and_says_so_asked_in_its_own_crs() {
    let server = HttpFixture::start(|target, _| match param(target, "REQUEST").as_deref() {
        Some("GetCapabilities") => Reply::ok("application/xml", data("wfs/pigma_capabilities.xml")),
        Some("GetFeature") => Reply::ok("application/xml", data("wfs/pigma_getfeature.xml")),
        _ => Reply::status("404 Not Found", "text/plain", ""),
    });
    // A scene in UTM 30N around Angoulême; the type offers Lambert-93 (2154).
    let mut query = Query::new(
        [745_000.0, 5_058_000.0, 747_000.0, 5_060_000.0],
        Crs::epsg(32630),
    );
    query.max_features = 10;
    let got = wfs::get_features(
        &http(),
        &format!("{}/geoserver/wfs", server.base),
        "cd16:hierarchisation_l",
        &query,
        None,
    )
    .unwrap();
    assert_eq!(got.features.len(), 10);
    assert_eq!(got.issues.len(), 1);
    assert_eq!(got.issues[0].key, "services.issue.truncated_of");
    assert!(
        got.issues[0].to_string().contains("10 of 1693"),
        "{}",
        got.issues[0]
    );
    let seen = server.seen();
    let bbox = param(&seen[1], "BBOX").unwrap();
    let parts: Vec<&str> = bbox.split(',').collect();
    assert_eq!(parts[4], "urn:ogc:def:crs:EPSG::2154");
    // gdaltransform -s_srs EPSG:32630 -t_srs EPSG:2154 of the corners:
    // SW 477485.12 6507664.46, SE 479477.09 6507513.95,
    // NW 477635.64 6509656.44, NE 479627.61 6509505.91.
    let want = [477_485.12, 6_507_513.95, 479_627.61, 6_509_656.44];
    for (got, want) in parts[..4].iter().zip(want) {
        let got: f64 = got.parse().unwrap();
        assert!((got - want).abs() < 0.05, "{bbox}");
    }
}

#[test]
fn a_refused_request_and_an_unknown_type_are_said_plainly() {
    let server = HttpFixture::start(|target, _| match param(target, "REQUEST").as_deref() {
        Some("GetCapabilities") => Reply::ok("application/xml", data("wfs/koeln_capabilities.xml")),
        _ => Reply::status(
            "400 Bad Request",
            "application/xml",
            r#"<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0"><ows:Exception exceptionCode="OperationProcessingFailed"><ows:ExceptionText>Too many features requested</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"#,
        ),
    });
    let url = format!("{}/WFSServer?key=abc", server.base);
    let query = Query::new(
        [356_000.0, 5_644_000.0, 357_000.0, 5_645_000.0],
        Crs::ETRS89_UTM32,
    );
    let e = wfs::get_features(&http(), &url, "Nowhere", &query, None).unwrap_err();
    match &e {
        ServiceError::UnknownName { name, known, .. } => {
            assert_eq!(name, "Nowhere");
            assert!(
                known.starts_with("adressen_stadtteil:Altstadt_Nord, "),
                "{known}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The key stays out of what people read.
    assert!(!e.message().to_string().contains("abc"), "{}", e.message());
    // The name without its prefix is found too; the refusal is the service's words.
    let e = wfs::get_features(&http(), &url, "Altstadt_Nord", &query, None).unwrap_err();
    assert!(
        matches!(&e, ServiceError::Exception { text, .. } if text == "Too many features requested"),
        "{e:?}"
    );
    // The key went along with every request.
    assert!(
        server
            .seen()
            .iter()
            .all(|t| param(t, "key").as_deref() == Some("abc"))
    );
}

/// GNOSIS answers with its links rewritten by GDAL to 127.0.0.1:8080; they
/// point at this server instead.
fn gnosis(base: &str, rel: &str) -> Vec<u8> {
    String::from_utf8(data(rel))
        .unwrap()
        .replace(
            "http://127.0.0.1:8080/fakeogcapi",
            &format!("{base}/fakeogcapi"),
        )
        .into_bytes()
}

#[test]
fn gnosis_lakes_are_asked_for_the_box_in_degrees_and_stop_at_the_limit() {
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let server = HttpFixture::start(move |target, _| {
        let base = b.get().cloned().unwrap_or_default();
        let path = decoded(target.split('?').next().unwrap_or(""));
        match path.as_str() {
            "/fakeogcapi/collections/NaturalEarth:physical:ne_10m_lakes_europe" => {
                Reply::json(gnosis(&base, "ogcapi/gnosis_collection_lakes.json"))
            }
            "/fakeogcapi/collections/NaturalEarth:physical:ne_10m_lakes_europe/items.json" => {
                Reply::ok(
                    "application/geo+json",
                    gnosis(&base, "ogcapi/gnosis_items_lakes_20.json"),
                )
            }
            _ => Reply::status("404 Not Found", "text/plain", path),
        }
    });
    base.set(server.base.clone()).unwrap();
    let mut query = Query::new(
        [680_000.0, 5_644_000.0, 682_000.0, 5_646_000.0],
        Crs::ETRS89_UTM32,
    );
    query.max_features = 20;
    let url = format!("{}/fakeogcapi", server.base);
    let got = ogcapi::get_features(
        &http(),
        &url,
        "NaturalEarth:physical:ne_10m_lakes_europe",
        &query,
        None,
    )
    .unwrap();
    assert_eq!(got.features.len(), 20);
    assert_eq!(got.crs, Some(Crs::WGS84));
    assert!(
        got.issues[0].to_string().contains("20 of 768"),
        "{:?}",
        got.issues
    );
    let name = got.fields.iter().position(|f| f.name == "name").unwrap();
    assert!(
        got.features
            .iter()
            .any(|f| matches!(&f.values[name], Value::Text(t) if !t.is_empty()))
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    // The collection offers no UTM: the box in CRS84 (as a_box_in_utm… in lib.rs).
    let bbox: Vec<f64> = param(&seen[1], "bbox")
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        (bbox[0] - 11.56096).abs() < 2e-5 && (bbox[3] - 50.93750).abs() < 2e-5,
        "{bbox:?}"
    );
    assert_eq!(param(&seen[1], "crs"), None);
    assert_eq!(param(&seen[1], "limit").as_deref(), Some("20"));
}

#[test]
fn georchestra_pages_follow_next_links_and_its_collections_are_listed() {
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let server = HttpFixture::start(move |target, _| {
        let base = b.get().cloned().unwrap_or_default();
        let body = |rel: &str| {
            String::from_utf8(data(rel)).unwrap().replace(
                "https://my.server.org/sample-data-2",
                &format!("{base}/sample-data-2"),
            )
        };
        let path = target.split('?').next().unwrap_or("");
        match path {
            "/sample-data-2/collections" => {
                Reply::json(body("ogcapi/georchestra_collections.json"))
            }
            "/sample-data-2/collections/aires-covoiturage" => {
                Reply::json(body("ogcapi/georchestra_collection_aires.json"))
            }
            "/sample-data-2/collections/aires-covoiturage/items" => {
                let page = body("ogcapi/georchestra_items_aires.json");
                if param(target, "offset").as_deref() == Some("10") {
                    // The recording holds only the first page; it stands for
                    // the second without its `next` link (the walk ends there).
                    let mut v: serde_json::Value = serde_json::from_str(&page).unwrap();
                    v["links"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|l| l["rel"] != "next");
                    Reply::ok("application/geo+json", v.to_string())
                } else {
                    Reply::ok("application/geo+json", page)
                }
            }
            _ => Reply::status("404 Not Found", "text/plain", ""),
        }
    });
    base.set(server.base.clone()).unwrap();
    let root = format!("{}/sample-data-2", server.base);
    let list = ogcapi::collections(&http(), &root).unwrap();
    assert_eq!(list.len(), 11);
    assert_eq!(list[0].id, "aires-covoiturage");
    assert!(list.iter().any(|c| c.id == "etalab_parcelle"));
    // Lille's box (the MEL): query there in UTM 31N.
    let query = Query::new(
        [490_000.0, 5_610_000.0, 520_000.0, 5_640_000.0],
        Crs::epsg(32631),
    );
    // An items URL pasted as the address works as well as the root.
    let pasted = format!("{root}/collections/aires-covoiturage/items?f=json");
    let (root_again, id) = ogcapi::split_url(&pasted);
    assert_eq!(
        (root_again.as_str(), id.as_deref()),
        (root.as_str(), Some("aires-covoiturage"))
    );
    let got = ogcapi::get_features(&http(), &pasted, "aires-covoiturage", &query, None).unwrap();
    assert_eq!(got.features.len(), 20);
    let seen = server.seen();
    let items: Vec<&String> = seen.iter().filter(|t| t.contains("/items")).collect();
    assert_eq!(items.len(), 2, "{seen:?}");
    // The first page keeps the link's own format (f=geojson), the second is the `next` link as given.
    assert_eq!(param(items[0], "f").as_deref(), Some("geojson"));
    assert_eq!(
        items[1],
        "/sample-data-2/collections/aires-covoiturage/items?f=geojson&offset=10&limit=10"
    );
    let nom = got
        .fields
        .iter()
        .position(|f| f.name == "nom_lieu")
        .unwrap();
    assert_eq!(got.features[0].values[nom], Value::Text("CIT".into()));
    match &got.features[0].geometry {
        Some(pw_vector::Geometry::Points(p)) => {
            assert!(
                (p[0][0] - 3.135_768_319).abs() < 1e-8 && (p[0][1] - 50.754_946_172).abs() < 1e-8
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn jena_catalogue_search_finds_its_wms_and_geojson_resources() {
    let server = HttpFixture::start(|target, _| {
        if target.starts_with("/api/3/action/package_search?") {
            Reply::json(data("ckan/jena_package_search.json"))
        } else {
            Reply::status("404 Not Found", "text/plain", "")
        }
    });
    let jena = Catalog {
        kind: CatalogKind::Ckan,
        url: server.base.clone(),
    };
    let found = catalog::search(&http(), &jena, "Parken", 100, "de").unwrap();
    assert_eq!(param(&server.seen()[0], "q").as_deref(), Some("Parken"));
    assert_eq!(param(&server.seen()[0], "rows").as_deref(), Some("100"));
    assert_eq!(found.count, 70);
    assert_eq!(found.datasets.len(), 70);
    // Counted in the file with Python: 22 resources with format "WMS" and
    // one without a format whose URL says SERVICE=WMS ("Wahllokale"); 28
    // whose URL names a .geojson file (labelled "JSON"); nothing else drawable.
    let count = |k: ResourceKind| {
        found
            .datasets
            .iter()
            .flat_map(|d| &d.resources)
            .filter(|r| r.kind == k)
            .count()
    };
    assert_eq!(count(ResourceKind::Wms), 23);
    assert_eq!(count(ResourceKind::VectorFile), 28);
    assert_eq!(
        count(ResourceKind::Wfs) + count(ResourceKind::OgcApiFeatures),
        0
    );
    let parken = found.datasets.iter().find(|d| d.title == "Parken").unwrap();
    assert_eq!(parken.publisher, "Stadt Jena");
    assert_eq!(parken.licence, "Datenlizenz Deutschland - Namensnenung 2.0");
    let urls: Vec<(&str, ResourceKind)> =
        parken.layers().map(|r| (r.url.as_str(), r.kind)).collect();
    assert!(
        urls.contains(&(
            "https://opendata.jena.de/data/parken.geojson",
            ResourceKind::VectorFile
        )),
        "{urls:?}"
    );
    assert!(
        urls.iter().any(|(u, k)| *k == ResourceKind::Wms
            && u.starts_with("http://map.jena.de/wms/kartenportal"))
    );
}

#[test]
fn piveau_search_reads_titles_in_the_users_language_and_eu_file_types() {
    // The envelope as the piveau developers wrote it for their tests.
    let example: serde_json::Value =
        serde_json::from_slice(&data("piveau/hub_search_example.json")).unwrap();
    let mut answer = example.clone();
    // Distributions shaped as data.europa.eu's hub search writes them
    // (format from the EU file-type vocabulary, access and download URLs).
    answer["result"]["results"][0]["distributions"] = serde_json::json!([
        {"title": {"de": "Parkplätze (WFS)"}, "format": {"id": "WFS_SRVC", "label": "WFS", "resource": "http://publications.europa.eu/resource/authority/file-type/WFS_SRVC"},
         "access_url": ["https://geo.example/wfs?SERVICE=WFS&REQUEST=GetCapabilities"], "license": {"id": "dl-by-de/2.0", "label": "Datenlizenz Deutschland – Namensnennung – Version 2.0"}},
        {"title": {"en": "Parking (GeoJSON)"}, "format": {"id": "GEOJSON", "label": "GeoJSON"},
         "access_url": ["https://portal.example/dataset/parken"], "download_url": ["https://files.example/parken.geojson"]},
        {"format": {"id": "WMS_SRVC"}, "access_url": ["https://geo.example/wms"]},
        {"format": {"id": "PDF", "label": "PDF"}, "access_url": ["https://files.example/a.pdf"]}
    ]);
    let server = HttpFixture::start(move |target, _| {
        if target.starts_with("/api/hub/search/search?") {
            Reply::json(answer.to_string())
        } else {
            Reply::status("404 Not Found", "text/plain", "")
        }
    });
    let hub = Catalog {
        kind: CatalogKind::Piveau,
        url: format!("{}/api/hub/search", server.base),
    };
    let found = catalog::search(&http(), &hub, "parken", 20, "en").unwrap();
    let seen = server.seen();
    assert_eq!(param(&seen[0], "q").as_deref(), Some("parken"));
    assert_eq!(param(&seen[0], "filter").as_deref(), Some("dataset"));
    assert_eq!(found.count, example["result"]["count"].as_u64().unwrap());
    assert_eq!(
        found.datasets.len(),
        example["result"]["results"].as_array().unwrap().len()
    );
    let first = &found.datasets[0];
    let want_title = example["result"]["results"][0]["title"]["en"]
        .as_str()
        .or(example["result"]["results"][0]["title"]["de"].as_str())
        .unwrap();
    assert_eq!(first.title, want_title);
    let kinds: Vec<(ResourceKind, &str)> = first
        .resources
        .iter()
        .map(|r| (r.kind, r.url.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                ResourceKind::Wfs,
                "https://geo.example/wfs?SERVICE=WFS&REQUEST=GetCapabilities"
            ),
            (
                ResourceKind::VectorFile,
                "https://files.example/parken.geojson"
            ),
            (ResourceKind::Wms, "https://geo.example/wms"),
            (ResourceKind::Other, "https://files.example/a.pdf"),
        ]
    );
    assert_eq!(first.resources[0].name, "Parkplätze (WFS)");
    assert_eq!(
        first.licence,
        "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    );
}

#[test]
fn geodienste_wms_layers_are_listed_with_inherited_crs_and_found_by_title() {
    let server = HttpFixture::start(|target, _| match param(target, "REQUEST").as_deref() {
        Some("GetCapabilities") if param(target, "SERVICE").as_deref() == Some("WMS") => {
            Reply::ok("text/xml", data("wms/geodienste_av_capabilities.xml"))
        }
        _ => Reply::status("404 Not Found", "text/plain", ""),
    });
    // A catalogue's WMS resource: the capabilities address with a key.
    let url = format!(
        "{}/av_0/ita?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities&token=t1",
        server.base
    );
    let caps = pw_services::wms::capabilities(&http(), &url).unwrap();
    assert_eq!(param(&server.seen()[0], "token").as_deref(), Some("t1"));
    assert_eq!(caps.version, "1.3.0");
    assert_eq!(caps.layers.len(), 38);
    assert_eq!(
        caps.get_map.as_deref(),
        Some("https://wfs.geodienste.ch/av_0/ita?")
    );
    assert!(
        caps.formats.iter().any(|f| f == "image/png"),
        "{:?}",
        caps.formats
    );
    // A group layer names no CRS of its own: it has the root's (LV95).
    let group = caps.layers.iter().find(|l| l.name == "Condotte").unwrap();
    assert!(
        group.crs.iter().any(|c| c == "EPSG:2056"),
        "{:?}",
        group.crs
    );
    assert!(pw_services::wms::Capabilities::offers(
        group,
        Crs::epsg(2056)
    ));
    assert!(!pw_services::wms::Capabilities::offers(
        group,
        Crs::ETRS89_UTM32
    ));
    assert_eq!(
        caps.best_match("Indirizzi degli edifici")
            .map(|l| l.name.as_str()),
        Some("HADR")
    );
    assert_eq!(
        caps.best_match("Comune: confini comunali")
            .map(|l| l.name.as_str()),
        Some("MBSF")
    );
    assert_eq!(caps.best_match("Vornamen"), None);
}

#[test]
fn an_address_typed_in_finds_its_service_and_the_chosen_offer_becomes_a_scene_layer() {
    use pw_services::offer::{best_for, discover};
    let server = HttpFixture::start(|target, _| {
        let path = target.split('?').next().unwrap_or("");
        match (
            path,
            param(target, "SERVICE").as_deref(),
            param(target, "REQUEST").as_deref(),
        ) {
            ("/koeln/WFSServer", Some("WFS"), Some("GetCapabilities")) => {
                Reply::ok("text/xml", data("wfs/koeln_capabilities.xml"))
            }
            ("/av_0/ita", Some("WMS"), Some("GetCapabilities")) => {
                Reply::ok("text/xml", data("wms/geodienste_av_capabilities.xml"))
            }
            // Not an OGC API: what such servers say to ?f=json.
            _ => Reply::status("404 Not Found", "text/html", "<html>not found</html>"),
        }
    });
    // A WFS address without any parameter: OGC API is tried first (404), then WFS.
    let offers = discover(
        &http(),
        &format!("{}/koeln/WFSServer", server.base),
        ResourceKind::Other,
        Crs::ETRS89_UTM32,
    )
    .unwrap();
    assert_eq!(offers.len(), 86);
    let nord = best_for(&offers, "Adressen Altstadt-Nord").unwrap();
    assert_eq!(nord.name, "adressen_stadtteil:Altstadt_Nord");
    let layer = nord.to_layer(None);
    assert_eq!(layer.kind, pw_scene::LayerKind::Vector);
    assert_eq!(layer.path, format!("{}/koeln/WFSServer", server.base));
    let service = layer.service.as_ref().unwrap();
    assert_eq!(
        (service.protocol.as_str(), service.name.as_str()),
        ("wfs", "adressen_stadtteil:Altstadt_Nord")
    );

    // A catalogue's WMS resource: its capabilities address, a dataset's credit.
    let dataset = catalog::Dataset {
        title: "Indirizzi degli edifici".into(),
        publisher: "Stadt Jena".into(),
        licence: "dl-de/by-2-0".into(),
        ..Default::default()
    };
    let url = format!(
        "{}/av_0/ita?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities&token=t1",
        server.base
    );
    let offers = discover(&http(), &url, ResourceKind::Wms, Crs::ETRS89_UTM32).unwrap();
    let chosen = best_for(&offers, &dataset.title).unwrap();
    let layer = chosen.to_layer(Some(&dataset));
    assert_eq!(layer.kind, pw_scene::LayerKind::Basemap);
    assert_eq!(layer.path, format!("{}/av_0/ita?token=t1", server.base));
    let wms = layer.basemap.as_ref().unwrap();
    assert_eq!(wms.layers.as_deref(), Some("HADR"));
    // UTM 32 is not offered (LV95, WGS 84, Web Mercator are): Web Mercator.
    assert_eq!(wms.crs.as_deref(), Some("EPSG:3857"));
    assert_eq!(wms.format.as_deref(), Some("image/png"));
    assert_eq!(
        layer.attribution.as_deref(),
        Some("© Stadt Jena, dl-de/by-2-0")
    );
    // The scene writes and reads it back as it is.
    let mut scene = pw_scene::Scene::parse(
        "name = \"t\"\norigin = [0.0, 0.0, 0.0]\n",
        std::path::Path::new("t.scene"),
    )
    .unwrap();
    scene.layers.push(layer.clone());
    scene.layers.push(nord.to_layer(None));
    let back = pw_scene::Scene::parse(&scene.to_toml(), std::path::Path::new("t.scene")).unwrap();
    assert_eq!(back.layers, scene.layers);

    // Nothing there that answers like a service: said so.
    let e = discover(
        &http(),
        &format!("{}/nothing", server.base),
        ResourceKind::Other,
        Crs::ETRS89_UTM32,
    )
    .unwrap_err();
    assert_eq!(
        e,
        ServiceError::NotAService {
            url: format!("{}/nothing", server.base)
        }
    );
}

#[test]
fn paging_ends_on_a_server_that_ignores_startindex_or_never_says_how_many() {
    // The DOV page answered to every request (STARTINDEX ignored).
    let unknown_count = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = unknown_count.clone();
    let server = HttpFixture::start(move |target, _| match param(target, "REQUEST").as_deref() {
        Some("GetCapabilities") => Reply::ok("application/xml", data("wfs/dov_capabilities.xml")),
        Some("GetFeature") => {
            let page = String::from_utf8(data("wfs/dov_getfeature_page0.xml")).unwrap();
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                // WFS 2.0 allows "unknown"; the `next` link stays.
                Reply::ok(
                    "application/xml",
                    page.replace("numberMatched=\"20\"", "numberMatched=\"unknown\""),
                )
            } else {
                Reply::ok("application/xml", page)
            }
        }
        _ => Reply::status("404 Not Found", "text/plain", ""),
    });
    let url = format!("{}/geoserver/gw_meetnetten/meetnetten/wfs", server.base);
    let mut query = Query::new(
        [150_000.0, 200_000.0, 160_000.0, 210_000.0],
        Crs::epsg(31370),
    );
    query.page_size = 10;
    // 20 matched: two pages, then the walk ends (the server repeated itself).
    let got = wfs::get_features(&http(), &url, "gw_meetnetten:meetnetten", &query, None).unwrap();
    assert_eq!(got.features.len(), 20);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    // Never saying how many, always offering a next page: up to the limit, and said.
    unknown_count.store(true, std::sync::atomic::Ordering::SeqCst);
    query.max_features = 35;
    let got = wfs::get_features(&http(), &url, "gw_meetnetten:meetnetten", &query, None).unwrap();
    assert_eq!(got.features.len(), 35);
    assert_eq!(got.issues.len(), 1);
    assert_eq!(got.issues[0].key, "services.issue.truncated");
    let pages = server
        .seen()
        .iter()
        .filter(|t| t.contains("GetFeature"))
        .count();
    assert_eq!(pages, 2 + 4, "10 + 10 + 10 + 5 in the second walk");
}

#[test]
fn an_ogc_api_key_stays_on_every_link_of_its_server_and_northing_first_scenes_ask_in_crs84() {
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let server = HttpFixture::start(move |target, _| {
        let host = b.get().cloned().unwrap_or_default();
        if param(target, "apikey").as_deref() != Some("k1") {
            return Reply::status(
                "401 Unauthorized",
                "application/problem+json",
                r#"{"title":"API key missing"}"#,
            );
        }
        let body = |rel: &str| {
            String::from_utf8(data(rel)).unwrap().replace(
                "https://my.server.org/sample-data-2",
                &format!("{host}/sample-data-2"),
            )
        };
        match target.split('?').next().unwrap_or("") {
            "/sample-data-2/collections/aires-covoiturage" => {
                Reply::json(body("ogcapi/georchestra_collection_aires.json"))
            }
            "/sample-data-2/collections/aires-covoiturage/items" => Reply::ok(
                "application/geo+json",
                body("ogcapi/georchestra_items_aires.json"),
            ),
            _ => Reply::status("404 Not Found", "text/plain", ""),
        }
    });
    base.set(server.base.clone()).unwrap();
    // A Gauß-Krüger scene (northing first in the registry) far from Lille:
    // the box goes out in CRS84 whatever the collection offers.
    let mut query = Query::new(
        [4_469_000.0, 5_642_000.0, 4_471_000.0, 5_644_000.0],
        Crs::epsg(31468),
    );
    query.max_features = 20;
    let url = format!("{}/sample-data-2?apikey=k1", server.base);
    let got = ogcapi::get_features(&http(), &url, "aires-covoiturage", &query, None).unwrap();
    assert_eq!(got.features.len(), 20);
    let seen = server.seen();
    assert!(
        seen.iter()
            .all(|t| param(t, "apikey").as_deref() == Some("k1")),
        "{seen:?}"
    );
    let items: Vec<&String> = seen.iter().filter(|t| t.contains("/items")).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(param(items[0], "crs"), None);
    let bbox: Vec<f64> = param(items[0], "bbox")
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    // Jena in degrees, longitude first.
    assert!(
        (11.0..12.0).contains(&bbox[0]) && (50.0..51.0).contains(&bbox[1]),
        "{bbox:?}"
    );
    let c = ogcapi::Collection {
        crs: vec![
            "http://www.opengis.net/def/crs/EPSG/0/31468".into(),
            "http://www.opengis.net/def/crs/EPSG/0/25832".into(),
        ],
        ..Default::default()
    };
    assert_eq!(c.offers(Crs::epsg(31468)), None);
    assert_eq!(
        c.offers(Crs::ETRS89_UTM32).as_deref(),
        Some("http://www.opengis.net/def/crs/EPSG/0/25832")
    );
}

/// A German server refusing in Latin-1: its words arrive as written, from a
/// GetFeature page and from capabilities alike (decoded once, not twice).
#[test]
fn a_latin_1_exception_report_keeps_its_umlauts() {
    let report = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\
        <ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/1.1\" version=\"2.0.0\">\
        <ows:Exception exceptionCode=\"InvalidParameterValue\">\
        <ows:ExceptionText>BBOX ungültig für Straßenbäume</ows:ExceptionText>\
        </ows:Exception></ows:ExceptionReport>";
    let latin1: Vec<u8> = report.chars().map(|c| c as u32 as u8).collect();
    match wfs::read_page("https://geo.jena.de/wfs", &latin1, Crs::ETRS89_UTM32) {
        Err(ServiceError::Exception { text, .. }) => {
            assert_eq!(text, "BBOX ungültig für Straßenbäume")
        }
        other => panic!("{other:?}"),
    }
    let answer = pw_services::http::Answer {
        bytes: latin1,
        content_type: "text/xml".into(),
        stale_because: None,
    };
    let refused = wfs::parse_capabilities(&answer.text()).unwrap_err();
    assert_eq!(refused.key, "net.reason.exception");
    assert_eq!(
        refused.to_string(),
        "service exception: BBOX ungültig für Straßenbäume"
    );
}
