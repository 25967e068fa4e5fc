//! Any bytes into the vector readers that take bytes or text (the first
//! byte picks the reader): GeoJSON, GML/WFS, KML, CSV, WKB, GeoPackage
//! geometry blobs, dBase tables, FlatGeobuf. No panics; results must reproject.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let result = match which % 8 {
        0 => pw_vector::geojson::read(&text),
        1 => pw_vector::gml::read(&text),
        2 => pw_vector::kml::read(&text),
        3 => pw_vector::csv::read_bytes(rest, &pw_vector::CsvOptions::default()),
        4 => {
            let _ = pw_vector::wkb::parse(rest);
            return;
        }
        5 => {
            let _ = pw_vector::wkb::gpkg(rest);
            return;
        }
        6 => pw_vector::fgb::read_bytes(rest),
        _ => {
            let _ = pw_vector::dbf::read(rest, None);
            return;
        }
    };
    if let Ok(mut v) = result {
        let _ = v.extent();
        let _ = v.geometry_counts();
        if v.crs.is_some() {
            let _ = v.reproject(pw_geo::Crs::epsg(25832));
        }
    }
});
