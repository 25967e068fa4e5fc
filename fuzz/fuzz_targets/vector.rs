//! Any bytes into the vector readers that take bytes or text (the first
//! byte picks the reader): GeoJSON (and Overpass JSON), GML/WFS, KML, CSV, WKB, GeoPackage
//! geometry blobs, dBase tables, FlatGeobuf. No panics; results must reproject,
//! be placed by the CRS question, and be laid onto uneven ground in grid pieces.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let result = match which % 8 {
        0 => pw_vector::geojson::read(&text),
        // Bytes: the declared encoding (pw-xml) is part of what is fuzzed.
        1 => pw_vector::gml::read_bytes(rest),
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
        pw_vector::mojibake::repair_all(&mut v);
        let extent = v.extent();
        let _ = v.geometry_counts();
        // The CRS question on whatever the coordinates are.
        if let Some(e) = extent {
            let _ = pw_geo::crs_guess::suggest(e, Some((pw_geo::Crs::epsg(25832), [681_000.0, 5_644_000.0])));
            if let Some(c) = v.crs {
                let _ = pw_geo::crs_guess::contradicts(c, e);
            }
        }
        if v.crs.is_some() {
            let _ = v.reproject(pw_geo::Crs::epsg(25832));
        }
        // Laid onto uneven ground: cut into grid pieces (bounded, no panic).
        let style = pw_scene::Style::default();
        let symbology = pw_vector::style::symbolize(&v, &style);
        let ground = |x: f64, y: f64| (x * 0.01).sin() * 20.0 + (y * 0.013).cos() * 15.0;
        let _ = pw_vector::to_city::city_model_on_terrain(
            &v,
            std::path::Path::new("fuzz.geojson"),
            &ground,
            &style,
            &symbology,
            Some(25.0),
        );
    }
});
