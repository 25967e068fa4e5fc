//! Styles on real layers, the counts checked against GDAL's SQLite dialect
//! (`ogrinfo -dialect sqlite -sql "SELECT BEZ, COUNT(*) … GROUP BY BEZ"`).

use pw_scene::{ClassMethod, Scene, Style, SymbolMode};
use pw_vector::style::{EntryKind, symbolize};
use pw_vector::{CsvOptions, VectorData, read_file};
use std::path::PathBuf;

fn read(rel: &str) -> VectorData {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector")
        .join(rel);
    read_file(&p, &CsvOptions::default()).unwrap()
}

fn style(mode: SymbolMode, field: &str) -> Style {
    Style {
        mode: Some(mode),
        field: Some(field.into()),
        ..Default::default()
    }
}

#[test]
fn districts_categorized_by_kind() {
    let d = read("bkg_vg5000_gk3/VG5000_KRS.shp");
    let s = symbolize(&d, &style(SymbolMode::Categorized, "BEZ"));
    assert!(s.issues.is_empty(), "{:?}", s.issues);
    let entries: Vec<(String, usize)> = s
        .legend
        .entries
        .iter()
        .map(|e| match &e.kind {
            EntryKind::Value(v) => (v.clone(), e.count),
            other => panic!("{other:?}"),
        })
        .collect();
    // ogrinfo: Landkreis 252, Kreisfreie Stadt 98, Kreis 42, Stadtkreis 9.
    assert_eq!(
        entries,
        [
            ("Landkreis".to_string(), 252),
            ("Kreisfreie Stadt".to_string(), 98),
            ("Kreis".to_string(), 42),
            ("Stadtkreis".to_string(), 9),
        ]
    );
    let colours: Vec<_> = s.legend.entries.iter().map(|e| e.colour).collect();
    for (i, a) in colours.iter().enumerate() {
        assert!(colours[i + 1..].iter().all(|b| b != a), "distinct colours");
    }
    let jena = (0..d.features.len())
        .find(|&i| d.value(i, "GEN").unwrap().to_string() == "Jena")
        .unwrap();
    assert_eq!(s.colours[jena], Some(s.legend.entries[1].colour));
}

#[test]
fn buildings_graduated_by_height_in_equal_intervals() {
    let d = read("lorient_noisemodelling/buildings.shp");
    let mut st = style(SymbolMode::Graduated, "HEIGHT");
    st.method = Some(ClassMethod::EqualInterval);
    st.classes = Some(5);
    let s = symbolize(&d, &st);
    // ogrinfo: HEIGHT from 3.0 to 49.2; ≤ 12.24: 1556, ≤ 21.48: 1691,
    // ≤ 30.72: 1697, ≤ 39.96: 1699 of 1701.
    let got: Vec<(f64, f64, usize)> = s
        .legend
        .entries
        .iter()
        .map(|e| match e.kind {
            EntryKind::Range(a, b) => (a, b, e.count),
            ref other => panic!("{other:?}"),
        })
        .collect();
    let expect = [
        (3.0, 12.24, 1556),
        (12.24, 21.48, 135),
        (21.48, 30.72, 6),
        (30.72, 39.96, 2),
        (39.96, 49.2, 2),
    ];
    assert_eq!(got.len(), 5);
    for (g, e) in got.iter().zip(expect) {
        assert!(
            (g.0 - e.0).abs() < 1e-9 && (g.1 - e.1).abs() < 1e-9,
            "{g:?}"
        );
        assert_eq!(g.2, e.2, "{g:?}");
    }
    // The default ramp runs light to dark red.
    assert!(s.legend.entries[0].colour[2] > s.legend.entries[4].colour[2]);
}

#[test]
fn quantiles_hold_equal_shares_where_the_values_allow() {
    // Nearest-rank quintiles of the 1701 heights (computed in Python from
    // `ogr2ogr -f CSV … -sql "SELECT HEIGHT FROM buildings"`): bounds 4.5,
    // 4.9, 5.5, 6.8, 49.2 holding 413, 275, 399, 275, 339 buildings — ties
    // at the bounds make the shares uneven.
    let d = read("lorient_noisemodelling/buildings.shp");
    let mut st = style(SymbolMode::Graduated, "HEIGHT");
    st.classes = Some(5);
    let s = symbolize(&d, &st);
    let got: Vec<(f64, usize)> = s
        .legend
        .entries
        .iter()
        .map(|e| match e.kind {
            EntryKind::Range(_, b) => (b, e.count),
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [(4.5, 413), (4.9, 275), (5.5, 399), (6.8, 275), (49.2, 339)]
    );
    // Traffic: ogrinfo GROUP BY says 274 roads carry 175 vehicles a day
    // and 220 carry 350 (12 distinct values): quintiles collapse to three.
    let roads = read("lorient_noisemodelling/roads_traff.shp");
    let mut st = style(SymbolMode::Graduated, "TV_D");
    st.classes = Some(5);
    let s = symbolize(&roads, &st);
    let counts: Vec<usize> = s.legend.entries.iter().map(|e| e.count).collect();
    assert_eq!(counts, [274, 220, 55]);
    st.method = Some(ClassMethod::Jenks);
    let j = symbolize(&roads, &st);
    let EntryKind::Range(_, top) = j.legend.entries.last().unwrap().kind else {
        panic!()
    };
    // ogrinfo: MAX(TV_D) = 9028.61307358548.
    assert!((top - 9_028.613_073_585_48).abs() < 1e-6);
    // Natural breaks give the few busiest roads a class of their own.
    assert_eq!(j.legend.entries.len(), 5);
    assert!(j.legend.entries[4].count < 10, "{:?}", j.legend.entries);
}

#[test]
fn a_style_written_in_the_scene_file() {
    let scene: Scene = toml::from_str(
        r##"
name = "Kreise"
origin = [680000.0, 5640000.0, 150.0]
[[layers]]
name = "Kreise"
kind = "vector"
path = "VG5000_KRS.shp"
[layers.style]
mode = "categorized"
field = "BEZ"
label_field = "GEN"
categories = [{ value = "Kreisfreie Stadt", color = "#ff0000", label = "Stadt" }]
"##,
    )
    .unwrap();
    let st = &scene.layers[0].style;
    let d = read("bkg_vg5000_gk3/VG5000_KRS.shp");
    let s = symbolize(&d, st);
    let first = &s.legend.entries[0];
    assert_eq!(first.kind, EntryKind::Value("Kreisfreie Stadt".into()));
    assert_eq!(first.colour, [1.0, 0.0, 0.0, 1.0]);
    assert_eq!(first.label.as_deref(), Some("Stadt"));
    assert_eq!(first.count, 98);
    assert_eq!(s.labels.iter().flatten().count(), 401);
    assert!(s.labels.iter().flatten().any(|l| l == "Lüneburg"));
    // And it goes back into the file as written.
    let again: Scene = toml::from_str(&scene.to_toml()).unwrap();
    assert_eq!(&again.layers[0].style, st);
}

#[test]
fn a_wrong_field_is_reported_and_one_symbol_drawn() {
    let d = read("bkg_vg5000_gk3/VG5000_KRS.shp");
    let s = symbolize(&d, &style(SymbolMode::Graduated, "EINWOHNER"));
    assert!(
        s.issues[0]
            .to_string()
            .contains("no attribute \"EINWOHNER\""),
        "{:?}",
        s.issues
    );
    assert!(
        s.issues[0].to_string().contains("GEN"),
        "lists the fields: {:?}",
        s.issues
    );
    assert_eq!(s.legend.mode, SymbolMode::Single);
    // Text is no number.
    let s = symbolize(&d, &style(SymbolMode::Graduated, "GEN"));
    assert!(
        s.issues[0].to_string().contains("holds no numbers"),
        "{:?}",
        s.issues
    );
}

#[test]
fn trees_categorized_by_genus_keep_24_colours_and_an_other_class() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector/flensburg/lebende-baeume.csv");
    let d = read_file(
        &p,
        &CsvOptions {
            crs: Some(pw_geo::Crs::epsg(31467)),
            ..Default::default()
        },
    )
    .unwrap();
    let s = symbolize(&d, &style(SymbolMode::Categorized, "ga_lang"));
    let values = s
        .legend
        .entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Value(_)))
        .count();
    assert_eq!(values, 24);
    let other = s
        .legend
        .entries
        .iter()
        .find(|e| e.kind == EntryKind::Other)
        .expect("more than 24 species: the rest is 'other'");
    let total: usize = s.legend.entries.iter().map(|e| e.count).sum();
    assert_eq!(total, 18_697);
    assert!(other.count > 0);
    // The most frequent species comes first.
    assert!(s.legend.entries[0].count >= s.legend.entries[1].count);
}

#[test]
fn jena_sensors_become_symbols_coloured_by_kind() {
    let mut d = pw_vector::read_file(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/vector/jena/sensoren.kml"),
        &pw_vector::CsvOptions::default(),
    )
    .unwrap();
    d.reproject(pw_geo::Crs::epsg(25832)).unwrap();
    let st = style(SymbolMode::Categorized, "was");
    let s = symbolize(&d, &st);
    let ground = |_: f64, _: f64| 150.0;
    let scene =
        pw_vector::to_city::city_model(&d, std::path::Path::new("sensoren.kml"), &ground, &st, &s);
    // One billboard per sensor, 1.5 m above the ground, on its own object
    // (a single point: nothing to triangulate, but an extent to fly to).
    assert_eq!(scene.symbols.len(), 51);
    assert_eq!(scene.model.objects.len(), 51);
    let k = (0..51)
        .find(|&i| {
            matches!(d.value(i, "standort"), Some(pw_vector::Value::Text(t)) if t == "Wiesenstraße")
        })
        .unwrap();
    let sym = scene.symbols.iter().find(|s| s.object == k).unwrap();
    let pw_vector::Geometry::Points(p) = d.features[k].geometry.as_ref().unwrap() else {
        panic!()
    };
    assert_eq!(sym.position, [p[0][0], p[0][1], 151.5]);
    let e = scene.model.objects[k].extent();
    assert_eq!((e.min, e.max), (sym.position, sym.position));
    // Soil moisture sensors share one colour, other kinds another.
    let moisture: Vec<[f32; 4]> = scene
        .symbols
        .iter()
        .filter(|s| {
            matches!(d.value(s.object, "was"), Some(pw_vector::Value::Text(t)) if t == "Bodenfeuchte")
        })
        .map(|s| s.color)
        .collect();
    assert!(moisture.len() > 1 && moisture.iter().all(|c| *c == moisture[0]));
    assert!(scene.symbols.iter().any(|s| s.color != moisture[0]));
}
