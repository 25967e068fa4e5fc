//! FlatGeobuf against the format's own test files (tests/data/flatgeobuf,
//! from flatgeobuf/flatgeobuf, BSD-2-Clause; countries are Natural Earth,
//! public domain): header, CRS, every column type, heterogeneous
//! collections, an empty file, an unknown feature count, a fuzzer case —
//! and the countries cross-checked against the same data as GeoJSON.

use pw_geo::Crs;
use pw_vector::{CsvOptions, Geometry, Value, VectorData, read_file};
use std::collections::HashMap;
use std::path::PathBuf;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/flatgeobuf")
        .join(name)
}

fn read(name: &str) -> VectorData {
    read_file(&path(name), &CsvOptions::default()).unwrap()
}

#[test]
fn countries_header_columns_and_crs() {
    let d = read("countries.fgb");
    assert_eq!(d.format, "FlatGeobuf");
    assert_eq!(d.features.len(), 179);
    assert_eq!(d.crs, Some(Crs::WGS84));
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    let names: Vec<&str> = d.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["id", "name"]);
    assert_eq!(d.geometry_counts(), vec![("polygon", 179)]);
    // The header envelope of the file: -180, -85.609038, 180, 83.64513.
    let e = d.extent().unwrap();
    assert_eq!(e, [-180.0, -85.609038, 180.0, 83.64513]);
}

#[test]
fn countries_agree_with_the_same_data_as_geojson() {
    let fgb = read("countries.fgb");
    let json = read("countries.geojson");
    assert_eq!(json.features.len(), fgb.features.len());
    // The FlatGeobuf is ordered along its Hilbert index: match by id (a
    // feature id in the GeoJSON, a column in the FlatGeobuf).
    let by_id: HashMap<String, usize> = (0..json.features.len())
        .map(|i| (json.features[i].id.clone().unwrap(), i))
        .collect();
    for (i, f) in fgb.features.iter().enumerate() {
        let id = fgb.value(i, "id").unwrap().to_string();
        let j = by_id[&id];
        assert_eq!(fgb.value(i, "name"), json.value(j, "name"), "{id}");
        // The same vertices; a few rings start elsewhere or run the other
        // way (the converter normalised orientation), so compare sorted.
        let sorted = |g: &Geometry| {
            let mut v: Vec<(f64, f64)> = g.coords().map(|c| (c[0], c[1])).collect();
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            v
        };
        assert_eq!(
            sorted(f.geometry.as_ref().unwrap()),
            sorted(json.features[j].geometry.as_ref().unwrap()),
            "{id}"
        );
    }
    // A multipolygon with holes and parts: Canada keeps every island.
    let canada = (0..fgb.features.len())
        .find(|&i| fgb.value(i, "name") == Some(&Value::Text("Canada".into())))
        .unwrap();
    let Some(Geometry::Polygons(parts)) = &fgb.features[canada].geometry else {
        panic!()
    };
    assert_eq!(parts.len(), 30);
}

#[test]
fn a_file_without_crs_reads_and_says_nothing_false() {
    let d = read("countries_nocrs.fgb");
    assert_eq!(d.features.len(), 179);
    assert_eq!(d.crs, None);
}

#[test]
fn every_column_type() {
    let d = read("alldatatypes.fgb");
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    let v = &d.features[0].values;
    assert_eq!(
        v[..9],
        [
            Value::Integer(-1),
            Value::Integer(255),
            Value::Boolean(true),
            Value::Integer(-1),
            Value::Integer(65535),
            Value::Integer(-1),
            Value::Integer(4_294_967_295),
            Value::Integer(-1),
            // u64::MAX does not fit an i64: kept as a real, not wrapped to -1.
            Value::Real(18_446_744_073_709_551_615.0),
        ]
    );
    assert_eq!(v[9..11], [Value::Real(0.0), Value::Real(0.0)]);
    assert_eq!(v[11], Value::Text("X".into()));
    assert_eq!(v[12], Value::Text("X".into()));
    assert_eq!(v[13], Value::Text("2020-02-29T12:34:56Z".into()));
    assert_eq!(d.fields[13].kind, pw_vector::FieldKind::Date);
}

#[test]
fn heterogeneous_geometries_feature_by_feature() {
    let d = read("heterogeneous.fgb");
    let kinds: Vec<&str> = d
        .features
        .iter()
        .map(|f| f.geometry.as_ref().unwrap().kind_name())
        .collect();
    assert_eq!(kinds, ["point", "line", "polygon"]);
    assert_eq!(
        d.features[0]
            .geometry
            .as_ref()
            .unwrap()
            .coords()
            .next()
            .unwrap()[..2],
        [1.2, -2.1]
    );
}

#[test]
fn a_triangle_surface_is_a_polygon() {
    let d = read("triangle.fgb");
    let Some(Geometry::Polygons(p)) = &d.features[0].geometry else {
        panic!()
    };
    assert_eq!(p[0].exterior.len(), 4);
}

#[test]
fn empty_and_unknown_count_files() {
    let empty = read("empty.fgb");
    assert_eq!(empty.features.len(), 0);
    assert_eq!(empty.fields.len(), 6);
    assert!(empty.issues.is_empty(), "{:?}", empty.issues);
    // features_count 0 = unknown: read to the end of the file.
    let unknown = read("unknown_feature_count.fgb");
    assert_eq!(unknown.features.len(), 1);
    assert_eq!(
        unknown.value(0, "quadkey"),
        Some(&Value::Text("0322113021201023".into()))
    );
    assert_eq!(unknown.value(0, "avg_d_kbps"), Some(&Value::Integer(16109)));
}

#[test]
fn broken_files_get_a_message() {
    let fuzz = read_file(
        &path("clusterfuzz-testcase-minimized-fgb_fuzzer-4642513358553088"),
        &CsvOptions::default(),
    );
    assert!(fuzz.is_err(), "no .fgb ending: not read as FlatGeobuf");
    let bytes = std::fs::read(path(
        "clusterfuzz-testcase-minimized-fgb_fuzzer-4642513358553088",
    ))
    .unwrap();
    let e = pw_vector::fgb::read_bytes(&bytes).unwrap_err().to_string();
    assert!(e.contains("not a FlatGeobuf"), "{e}");
    // Cut in the middle of the features: the ones before are kept.
    let full = std::fs::read(path("countries.fgb")).unwrap();
    let cut = pw_vector::fgb::read_bytes(&full[..full.len() / 2]).unwrap();
    assert!(
        cut.features.len() > 50 && cut.features.len() < 179,
        "{}",
        cut.features.len()
    );
    assert!(
        cut.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("the file ends before")),
        "{:?}",
        cut.issues
    );
    assert!(
        cut.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("announces 179"))
    );
    // Every truncation of a small file: an error or fewer features, no panic.
    let small = std::fs::read(path("alldatatypes.fgb")).unwrap();
    for n in 0..small.len() {
        let _ = pw_vector::fgb::read_bytes(&small[..n]);
    }
}

/// Written by GDAL 3.6.2 (`ogr2ogr -f FlatGeobuf -nlt PROMOTE_TO_MULTI -where
/// "ARS LIKE '16%'"`) from the BKG districts Shapefile in ../shared/data:
/// another writer, a projected CRS in WKT and umlauts.
#[test]
fn thuringian_districts_written_by_gdal_agree_with_the_shapefile() {
    let fgb = read("thueringen_kreise_gk3.fgb");
    assert_eq!(fgb.features.len(), 23);
    assert_eq!(fgb.crs, Some(Crs::epsg(31467)));
    assert!(fgb.issues.is_empty(), "{:?}", fgb.issues);
    let shp_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector/bkg_vg5000_gk3/VG5000_KRS.shp");
    let shp = read_file(&shp_path, &CsvOptions::default()).unwrap();
    let find = |d: &VectorData, name: &str| {
        (0..d.features.len())
            .find(|&i| d.value(i, "GEN") == Some(&Value::Text(name.into())))
            .unwrap_or_else(|| panic!("{name}"))
    };
    for name in [
        "Jena",
        "Sömmerda",
        "Kyffhäuserkreis",
        "Saale-Holzland-Kreis",
    ] {
        let (a, b) = (find(&fgb, name), find(&shp, name));
        assert_eq!(fgb.value(a, "ARS"), shp.value(b, "ARS"), "{name}");
        let ca: Vec<_> = fgb.features[a]
            .geometry
            .as_ref()
            .unwrap()
            .coords()
            .collect();
        let cb: Vec<_> = shp.features[b]
            .geometry
            .as_ref()
            .unwrap()
            .coords()
            .collect();
        assert_eq!(ca.len(), cb.len(), "{name}");
        for (p, q) in ca.iter().zip(&cb) {
            assert!(
                (p[0] - q[0]).abs() < 1e-6 && (p[1] - q[1]).abs() < 1e-6,
                "{name}"
            );
        }
    }
    let jena = find(&fgb, "Jena");
    assert_eq!(
        fgb.value(jena, "SDV_ARS"),
        Some(&Value::Text("160530000000".into()))
    );
    // ogrinfo: the first vertex of Jena 3683861.83496634 5652324.38739207.
    let first = fgb.features[jena]
        .geometry
        .as_ref()
        .unwrap()
        .coords()
        .next()
        .unwrap();
    assert!((first[0] - 3_683_861.834_966_34).abs() < 1e-6);
    assert!((first[1] - 5_652_324.387_392_07).abs() < 1e-6);
    // DateTime columns keep their ISO text.
    assert_eq!(fgb.fields[1].kind, pw_vector::FieldKind::Date);
}
