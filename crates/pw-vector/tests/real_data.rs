//! Every reader on the real files in ../shared/data/vector (SOURCES.md):
//! counts, CRS, extents in the scene CRS, attribute values with umlauts.

use pw_geo::Crs;
use pw_vector::{CsvOptions, Geometry, Value, VectorData, read_file};
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector")
        .join(rel)
}

fn read(rel: &str) -> VectorData {
    read_file(&data(rel), &CsvOptions::default()).unwrap()
}

fn text<'a>(d: &'a VectorData, feature: usize, field: &str) -> &'a str {
    match d.value(feature, field) {
        Some(Value::Text(t)) => t,
        other => panic!("{field} of feature {feature}: {other:?}"),
    }
}

fn find(d: &VectorData, field: &str, value: &str) -> usize {
    (0..d.features.len())
        .find(|&i| matches!(d.value(i, field), Some(Value::Text(t)) if t == value))
        .unwrap_or_else(|| panic!("no feature with {field} = {value}"))
}

#[test]
fn bkg_districts_shapefile_in_gauss_krueger_with_umlauts() {
    let mut d = read("bkg_vg5000_gk3/VG5000_KRS.shp");
    assert_eq!(d.format, "Shapefile");
    assert_eq!(d.features.len(), 401);
    assert_eq!(d.crs, Some(Crs::epsg(31467)));
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    assert_eq!(d.geometry_counts(), vec![("polygon", 401)]);
    let munich = find(&d, "GEN", "München");
    assert_eq!(text(&d, munich, "BEZ"), "Kreisfreie Stadt");
    let jena = find(&d, "GEN", "Jena");
    // As ogrinfo reports it: ARS 16053, SDV_ARS 160530000000.
    assert_eq!(text(&d, jena, "ARS"), "16053");
    assert_eq!(text(&d, jena, "SDV_ARS"), "160530000000");
    find(&d, "GEN", "Lüneburg");
    // Into ETRS89/UTM32: Germany's districts span about 280–920 km east.
    d.reproject(Crs::epsg(25832)).unwrap();
    let e = d.extent().unwrap();
    assert!(
        e[0] > 270_000.0 && e[0] < 290_000.0 && e[2] > 910_000.0 && e[2] < 930_000.0,
        "{e:?}"
    );
    assert!(e[1] > 5_230_000.0 && e[3] < 6_110_000.0, "{e:?}");
}

#[test]
fn the_same_districts_as_geojson_agree_with_the_shapefile() {
    let shp = read("bkg_vg5000_gk3/VG5000_KRS.shp");
    let json = read("bkg_vg5000_wgs84/Ebene_Kreise.geojson");
    assert_eq!(json.features.len(), 401);
    assert_eq!(json.crs, Some(Crs::WGS84));
    let names = |d: &VectorData| {
        let mut v: Vec<String> = (0..d.features.len())
            .map(|i| text(d, i, "GEN").to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&shp), names(&json));
    // Jena's outline: the GeoJSON in degrees around 11.6 E, 50.9 N.
    let jena = find(&json, "GEN", "Jena");
    let Some(Geometry::Polygons(p)) = &json.features[jena].geometry else {
        panic!()
    };
    let c = p[0].exterior[0];
    assert!(
        (c[0] - 11.6).abs() < 0.2 && (c[1] - 50.9).abs() < 0.15,
        "{c:?}"
    );
}

/// The BKG shapefile with its .dbf re-encoded in Windows-1252 (as many
/// authorities deliver), with and without a .cpg saying so.
fn windows_1252_copy(dir: &Path, with_cpg: bool) -> PathBuf {
    let src = data("bkg_vg5000_gk3/VG5000_KRS");
    std::fs::create_dir_all(dir).unwrap();
    for ext in ["shp", "shx", "prj"] {
        std::fs::copy(src.with_extension(ext), dir.join(format!("krs.{ext}"))).unwrap();
    }
    let mut dbf = std::fs::read(src.with_extension("dbf")).unwrap();
    let header_len = u16::from_le_bytes([dbf[8], dbf[9]]) as usize;
    let record_len = u16::from_le_bytes([dbf[10], dbf[11]]) as usize;
    // Field widths from the descriptors.
    let mut widths = Vec::new();
    let mut pos = 32;
    while dbf[pos] != 0x0D {
        widths.push((dbf[pos + 11], dbf[pos + 16] as usize));
        pos += 32;
    }
    let mut start = header_len;
    while start + record_len <= dbf.len() {
        let mut at = start + 1;
        for (kind, w) in &widths {
            if *kind == b'C' {
                let cell = std::str::from_utf8(&dbf[at..at + w]).unwrap().to_string();
                let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(cell.trim_end());
                assert!(!bad);
                let mut padded = bytes.into_owned();
                padded.resize(*w, b' ');
                dbf[at..at + w].copy_from_slice(&padded);
            }
            at += w;
        }
        start += record_len;
    }
    dbf[29] = 0; // no language driver: the .cpg (or the guess) decides
    std::fs::write(dir.join("krs.dbf"), dbf).unwrap();
    if with_cpg {
        std::fs::write(dir.join("krs.cpg"), "1252").unwrap();
    }
    dir.join("krs.shp")
}

#[test]
fn windows_1252_dbf_reads_umlauts_with_cpg_and_by_guess() {
    let base = std::env::temp_dir().join(format!("pw-vector-1252-{}", std::process::id()));
    for with_cpg in [true, false] {
        let path = windows_1252_copy(&base.join(with_cpg.to_string()), with_cpg);
        let d = read_file(&path, &CsvOptions::default()).unwrap();
        let munich = find(&d, "GEN", "München");
        assert_eq!(text(&d, munich, "BEZ"), "Kreisfreie Stadt");
        find(&d, "GEN", "Lüneburg");
        let guessed = d
            .issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("read as Windows-1252"));
        assert_eq!(guessed, !with_cpg, "{:?}", d.issues);
    }
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn deleted_dbase_records_are_left_out_and_field_names_follow_the_code_page() {
    let base = std::env::temp_dir().join(format!("pw-vector-deleted-{}", std::process::id()));
    let path = windows_1252_copy(&base, true);
    let all = read_file(&path, &CsvOptions::default()).unwrap();
    let munich = find(&all, "GEN", "München");
    let dbf_path = path.with_extension("dbf");
    let mut dbf = std::fs::read(&dbf_path).unwrap();
    let header_len = u16::from_le_bytes([dbf[8], dbf[9]]) as usize;
    let record_len = u16::from_le_bytes([dbf[10], dbf[11]]) as usize;
    // Munich's record marked deleted, as an editor leaves it.
    dbf[header_len + munich * record_len] = b'*';
    // The field "BEZ" renamed "BEZÜ" in Windows-1252 (Ü = 0xDC).
    let mut pos = 32;
    while dbf[pos] != 0x0D {
        if &dbf[pos..pos + 4] == b"BEZ\0" {
            dbf[pos + 3] = 0xDC;
        }
        pos += 32;
    }
    std::fs::write(&dbf_path, dbf).unwrap();
    let d = read_file(&path, &CsvOptions::default()).unwrap();
    assert_eq!(d.features.len(), all.features.len() - 1);
    // The city is gone, the district (Landkreis München) stays.
    let munichs = |d: &VectorData| {
        (0..d.features.len())
            .filter(|&i| text(d, i, "GEN") == "München")
            .count()
    };
    assert_eq!((munichs(&all), munichs(&d)), (2, 1));
    // Shapes and rows still match after the gap: Lüneburg keeps its outline.
    let before = find(&all, "GEN", "Lüneburg");
    let after = find(&d, "GEN", "Lüneburg");
    assert_eq!(d.features[after].id, all.features[before].id);
    let first_point = |g: &Option<Geometry>| match g {
        Some(Geometry::Polygons(p)) => [p[0].exterior[0][0], p[0].exterior[0][1]],
        other => panic!("{other:?}"),
    };
    assert_eq!(
        first_point(&d.features[after].geometry),
        first_point(&all.features[before].geometry)
    );
    assert!(
        d.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("1 records are marked deleted")),
        "{:?}",
        d.issues
    );
    assert!(d.field_index("BEZÜ").is_some(), "{:?}", d.fields);
    assert_eq!(text(&d, after, "BEZÜ"), text(&all, before, "BEZ"));
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn flensburg_tree_cadastre_csv_in_gk3() {
    let opts = CsvOptions {
        crs: Some(Crs::epsg(31467)),
        ..Default::default()
    };
    let mut d = read_file(&data("flensburg/lebende-baeume.csv"), &opts).unwrap();
    assert_eq!(d.features.len(), 18_697);
    assert!(
        d.features.iter().all(|f| f.geometry.is_some()),
        "{:?}",
        d.issues
    );
    // dBase-typed header: names without the type suffix.
    let names: Vec<&str> = d.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "baumnummer",
            "hochwert",
            "rechtswert",
            "ga_lang",
            "GEBIET",
            "STRASSE"
        ]
    );
    assert_eq!(text(&d, 0, "ga_lang"), "Alnus glutinosa, Schwarz-Erle");
    assert_eq!(text(&d, 0, "GEBIET"), "Entwässerung");
    // Rechtswert is x: 3 530 082 m in zone 3.
    let Some(Geometry::Points(p)) = &d.features[0].geometry else {
        panic!()
    };
    assert_eq!([p[0][0], p[0][1]], [3530082.72157, 6074377.33277]);
    d.reproject(Crs::epsg(25832)).unwrap();
    let e = d.extent().unwrap();
    // Flensburg in UTM32: about 523–535 km east, 6 066–6 080 km north.
    assert!(
        e[0] > 520_000.0 && e[2] < 540_000.0 && e[1] > 6_060_000.0 && e[3] < 6_085_000.0,
        "{e:?}"
    );
}

#[test]
fn hamburg_street_trees_gml_32_latitude_first() {
    let d = read("hamburg/strassenbaumkataster.gml");
    assert_eq!(d.features.len(), 5);
    assert_eq!(d.crs, Some(Crs::epsg(4258)));
    // urn:ogc:def:crs:EPSG::4258 is latitude first: swapped to lon, lat.
    let Some(Geometry::Points(p)) = &d.features[0].geometry else {
        panic!()
    };
    assert_eq!([p[0][0], p[0][1]], [10.014337, 53.553667]);
    assert_eq!(text(&d, 0, "art"), "Quercus robur / Stiel-Eiche");
    assert_eq!(text(&d, 0, "sorte_deutsch"), "Säulen-Eiche 'Fastigiata'");
    assert_eq!(d.value(0, "krone_dm"), Some(&Value::Integer(1)));
    assert_eq!(
        d.features[0].id.as_deref(),
        Some("APP_STRASSENBAUMKATASTER_100055201")
    );
}

#[test]
fn hamburg_wfs_answers_plans_and_motorways() {
    let plans = read("hamburg/wfs_bebauungsplaene_multipolygon.xml");
    assert_eq!(plans.features.len(), 209);
    assert_eq!(plans.crs, Some(Crs::epsg(25832)));
    let polygons: usize = plans
        .features
        .iter()
        .map(|f| match &f.geometry {
            Some(Geometry::Polygons(p)) => p.len(),
            _ => 0,
        })
        .sum();
    let holes: usize = plans
        .features
        .iter()
        .map(|f| match &f.geometry {
            Some(Geometry::Polygons(p)) => p.iter().map(|p| p.interiors.len()).sum(),
            _ => 0,
        })
        .sum();
    assert_eq!((polygons, holes), (228, 6));
    let roads = read("hamburg/wfs_verkehrsnetz_bab_linestring.xml");
    assert_eq!(roads.features.len(), 66);
    assert_eq!(roads.geometry_counts(), vec![("line", 66)]);
    assert_eq!(text(&roads, 0, "strassenname"), "BAB A7");
    assert_eq!(
        roads.value(0, "abschnittslaenge"),
        Some(&Value::Real(469.0))
    );
    let e = roads.extent().unwrap();
    assert!(
        e[0] > 550_000.0 && e[2] < 590_000.0 && e[1] > 5_910_000.0 && e[3] < 5_960_000.0,
        "{e:?}"
    );
}

#[test]
fn thuringia_dgm1_tile_index_geopackage() {
    let d = read("thueringen_dgm_tileindex/TH_DGM_tileindex_proj.gpkg");
    assert_eq!(d.format, "GeoPackage");
    assert_eq!(d.features.len(), 17_126);
    assert_eq!(d.crs, Some(Crs::epsg(25832)));
    assert_eq!(d.geometry_counts(), vec![("polygon", 17_126)]);
    assert!(
        text(&d, 0, "location").contains("dgm1_"),
        "{}",
        text(&d, 0, "location")
    );
    // Thuringia: about 560–760 km east, 5 560–5 730 km north in UTM32.
    let e = d.extent().unwrap();
    assert!(
        e[0] > 550_000.0 && e[2] < 770_000.0 && e[1] > 5_550_000.0 && e[3] < 5_740_000.0,
        "{e:?}"
    );
}

#[test]
fn jena_sensor_kml_matches_its_own_utm_attributes() {
    let mut d = read("jena/sensoren.kml");
    assert_eq!(d.features.len(), 51);
    assert_eq!(d.geometry_counts(), vec![("point", 51)]);
    let k = find(&d, "standort", "Wiesenstraße");
    assert_eq!(text(&d, k, "was"), "Bodenfeuchte");
    // The placemark's lon/lat, reprojected, lands on the UTM x/y its own
    // ExtendedData states (written by the city's GIS).
    d.reproject(Crs::epsg(25832)).unwrap();
    let mut checked = 0;
    for i in 0..d.features.len() {
        let (Some(x), Some(y)) = (
            d.value(i, "x").and_then(|v| v.as_f64()),
            d.value(i, "y").and_then(|v| v.as_f64()),
        ) else {
            continue;
        };
        let Some(Geometry::Points(p)) = &d.features[i].geometry else {
            continue;
        };
        assert!(
            (p[0][0] - x).abs() < 1.0 && (p[0][1] - y).abs() < 1.0,
            "{i}: {:?} vs {x} {y}",
            p[0]
        );
        checked += 1;
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn jena_reference_areas_without_type_are_read_with_a_note() {
    let d = read("jena/reference_areas.json");
    assert!(!d.features.is_empty());
    assert!(
        d.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("no \"type\"")),
        "{:?}",
        d.issues
    );
    assert_eq!(d.geometry_counts(), vec![("polygon", d.features.len())]);
    assert!(d.field_index("sensorCount").is_some() && d.field_index("name").is_some());
}

#[test]
fn lorient_noise_inputs_and_results_in_lambert_93() {
    let roads = read("lorient_noisemodelling/roads_traff.shp");
    assert_eq!(roads.features.len(), 549);
    assert_eq!(roads.crs, Some(Crs::epsg(2154)));
    let Some(Geometry::Lines(l)) = &roads.features[0].geometry else {
        panic!()
    };
    assert!(l[0].iter().all(|c| c[2].is_finite()), "3D roads keep z");
    assert!(roads.field_index("TV_D").is_some() && roads.field_index("PVMT").is_some());
    // The extent ogrinfo reports for the file.
    let e = roads.extent().unwrap();
    let ogr = [
        222_509.969025,
        6_756_902.587963,
        224_526.629922,
        6_758_964.684933,
    ];
    assert!(
        e.iter().zip(ogr).all(|(a, b)| (a - b).abs() < 1e-6),
        "{e:?}"
    );
    let Some(Geometry::Lines(l)) = &roads.features[0].geometry else {
        panic!()
    };
    // As ogrinfo prints it (to its precision).
    let first = [223_222.881276468, 6_757_058.7121578, 0.05];
    assert!(
        l[0][0].iter().zip(first).all(|(a, b)| (a - b).abs() < 1e-6),
        "{:?}",
        l[0][0]
    );
    let mut r = roads.clone();
    r.reproject(Crs::WGS84).unwrap();
    // Lorient, Brittany: PROJ's cs2cs puts that first vertex at
    // 3.3686512 W, 47.7407835 N.
    let Some(Geometry::Lines(l)) = &r.features[0].geometry else {
        panic!()
    };
    assert!(
        (l[0][0][0] + 3.3686512).abs() < 1e-6 && (l[0][0][1] - 47.7407835).abs() < 1e-6,
        "{:?}",
        l[0][0]
    );
    let buildings = read("lorient_noisemodelling/buildings.shp");
    assert_eq!(buildings.features.len(), 1701);
    assert!(
        buildings
            .value(0, "HEIGHT")
            .and_then(|v| v.as_f64())
            .is_some()
    );
    let lden = read("lorient_noisemodelling/lden_geom.geojson");
    assert_eq!(lden.features.len(), 740);
    assert_eq!(lden.crs, Some(Crs::epsg(2154)));
    let mut l = lden;
    l.reproject(Crs::WGS84).unwrap();
    // The noise receivers lie elsewhere (NoiseModelling's test area near
    // Chartres): cs2cs puts the first at 1.3741583 E, 48.0284795 N.
    let Some(Geometry::Points(p)) = &l.features[0].geometry else {
        panic!()
    };
    assert!(
        (p[0][0] - 1.3741583).abs() < 1e-6 && (p[0][1] - 48.0284795).abs() < 1e-6,
        "{:?}",
        p[0]
    );
    assert_eq!(p[0][2], 4.0);
    assert_eq!(l.value(0, "laeq"), Some(&Value::Real(57.35)));
}

#[test]
fn jena_land_use_names_double_encoded_in_the_source_are_repaired() {
    let d = read("jena_osm/jena_landuse_2021.geojson");
    assert_eq!(d.features.len(), 250);
    find(&d, "name", "Gewerbegebiet Lobeda-Süd/JenA4");
    find(&d, "name", "Heizkraftwerk Jena-Süd");
    find(&d, "addr:street", "Rudolstädter Straße");
    // SOURCES.md: 36 lines with non-ASCII names, all of them double-encoded.
    assert!(
        d.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.starts_with("36 texts were UTF-8 read as code page 850")),
        "{:?}",
        d.issues
    );
    let parks = read("jena_osm/jena_parks_2021.geojson");
    find(&parks, "name", "Südbad");
    assert!(
        parks
            .issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.starts_with("12 texts"))
    );
}

#[test]
fn saale_weirs_and_rivers_from_overpass_answers() {
    // SOURCES.md: Overpass elements with inline geometry and no ids.
    let kinds = |d: &VectorData, kind: &str| {
        (0..d.features.len())
            .filter(|&i| matches!(d.value(i, "kind"), Some(Value::Text(t)) if t == kind))
            .count()
    };
    let burgau = read("saale_osm/burgau.json");
    assert_eq!(burgau.format, "Overpass JSON");
    assert_eq!(burgau.crs, Some(Crs::WGS84));
    // 8 river and 3 canal ways; the "Burgauer Wehr" as a way and a node.
    assert_eq!(
        (kinds(&burgau, "waterway"), kinds(&burgau, "weir")),
        (11, 2)
    );
    find(&burgau, "name", "Burgauer Wehr");
    let porstendorf = read("saale_osm/porstendorf.json");
    assert_eq!(kinds(&porstendorf, "weir"), 4);
    let paradies = read("saale_osm/jena.json");
    assert_eq!(
        (kinds(&paradies, "waterway"), kinds(&paradies, "weir")),
        (3, 1)
    );
    find(&paradies, "name", "Paradieswehr");
}
