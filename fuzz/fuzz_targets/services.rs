//! Any bytes as a service's answer: WFS and WMS capabilities, a GetFeature
//! page (GeoJSON, GML, an exception), OGC API collections and items links,
//! CKAN and piveau search answers, and any text as an address. Read or
//! refused with a reason, never a panic; what is read holds together.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pw_services::catalog::{self, CatalogKind};
use pw_services::{ogcapi, offer, wfs, wms};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(caps) = wfs::parse_capabilities(&text) {
        for t in &caps.feature_types {
            let _ = t.crs_for(pw_geo::Crs::ETRS89_UTM32);
            let url = wfs::get_feature_url(
                "http://h/wfs",
                &caps,
                t,
                pw_geo::Crs::ETRS89_UTM32,
                [0.0, 0.0, 1.0, 1.0],
                10,
                0,
            );
            assert!(url.starts_with("http://h/wfs?"));
        }
        let _ = wfs::choose_format(&caps.output_formats);
    }
    if let Ok(caps) = wms::parse_capabilities(&text) {
        assert!(caps.layers.iter().all(|l| !l.name.is_empty()));
        let _ = caps.best_match(&text);
    }
    let _ = wfs::read_page("http://h/wfs", data, pw_geo::Crs::ETRS89_UTM32);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        for c in ogcapi::collections_in(&v, "http://h/api") {
            let _ = c.offers(pw_geo::Crs::ETRS89_UTM32);
        }
        let _ = ogcapi::next_of(&v, "http://h/api/collections/x/items");
    }
    for kind in [CatalogKind::Ckan, CatalogKind::Piveau] {
        if let Ok(found) = catalog::parse_search(data, kind, "de") {
            for d in &found.datasets {
                assert!(d.layers().all(|r| r.kind != catalog::ResourceKind::Other));
            }
        }
    }
    let _ = catalog::classify(&text, &text);
    let _ = ogcapi::split_url(&text);
    let _ = wfs::base_url(&text);
    let _ = wms::base_url(&text);
    let _ = offer::is_web_address(&text);
    let _ = pw_services::http::with_query("http://h/x?a=1", "k", &text);
});
