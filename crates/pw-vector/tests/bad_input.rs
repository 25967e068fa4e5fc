//! Broken and incomplete files: clear messages with file, line or feature,
//! and whatever is readable is kept.

use pw_vector::{CsvOptions, Geometry, Value, read_file};
use std::path::{Path, PathBuf};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pw-vector-bad-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn bkg(ext: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector/bkg_vg5000_gk3/VG5000_KRS")
        .with_extension(ext)
}

fn copy_without(d: &Path, missing: &str) -> PathBuf {
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        if ext != missing {
            std::fs::copy(bkg(ext), d.join(format!("krs.{ext}"))).unwrap();
        }
    }
    d.join("krs.shp")
}

fn error(path: &Path) -> String {
    read_file(path, &CsvOptions::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn shapefile_companions_missing() {
    let d = read_file(&copy_without(&dir("noprj"), "prj"), &CsvOptions::default()).unwrap();
    assert_eq!((d.features.len(), d.crs), (401, None));
    assert!(
        d.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains(".prj is missing") && i.contains("crs = ")),
        "{:?}",
        d.issues
    );
    let d = read_file(&copy_without(&dir("nodbf"), "dbf"), &CsvOptions::default()).unwrap();
    assert_eq!((d.features.len(), d.fields.len()), (401, 0));
    assert!(
        d.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains(".dbf is missing"))
    );
    let d = read_file(&copy_without(&dir("noshx"), "shx"), &CsvOptions::default()).unwrap();
    assert_eq!(d.features.len(), 401);
    assert!(
        d.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains(".shx index is missing"))
    );
}

#[test]
fn truncated_shapefile_keeps_the_shapes_before_the_break() {
    let d = dir("cut");
    let shp = copy_without(&d, "shx");
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() / 2]).unwrap();
    let v = read_file(&shp, &CsvOptions::default()).unwrap();
    assert!(
        v.features.len() > 100 && v.features.len() < 401,
        "{}",
        v.features.len()
    );
    assert!(
        v.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.starts_with("shape ") && i.contains("skipped")),
        "{:?}",
        v.issues
    );
}

#[test]
fn empty_and_broken_text_files() {
    let d = dir("text");
    let empty = d.join("empty.geojson");
    std::fs::write(&empty, "").unwrap();
    assert!(error(&empty).ends_with("the file is empty"));
    let json = d.join("broken.geojson");
    std::fs::write(
        &json,
        "{\"type\": \"FeatureCollection\",\n \"features\": [ {\"type\": \"Feature\", }\n",
    )
    .unwrap();
    let e = error(&json);
    assert!(e.contains("broken.geojson") && e.contains("line 2"), "{e}");
    let gml = d.join("cut.gml");
    let full = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/vector/hamburg/strassenbaumkataster.gml"),
    )
    .unwrap();
    std::fs::write(&gml, &full[..full.len() / 2]).unwrap();
    let e = error(&gml);
    assert!(e.contains("ends inside") || e.contains("line "), "{e}");
    let wfs = d.join("exception.xml");
    std::fs::write(&wfs, r#"<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="InvalidParameterValue"><ows:ExceptionText>Unknown type name 'app:nix'</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"#).unwrap();
    assert!(
        error(&wfs).contains("exception: Unknown type name 'app:nix'"),
        "{}",
        error(&wfs)
    );
    let gpkg = d.join("fake.gpkg");
    std::fs::write(&gpkg, "not sqlite at all, just text").unwrap();
    let e = error(&gpkg);
    assert!(e.contains("fake.gpkg"), "{e}");
    let geom = d.join("badgeom.geojson");
    std::fs::write(&geom, r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":["a",1]},"properties":{"n":1}},{"type":"Feature","geometry":{"type":"Point","coordinates":[11.6,50.9]},"properties":{"n":2}}]}"#).unwrap();
    let v = read_file(&geom, &CsvOptions::default()).unwrap();
    assert_eq!(v.features.len(), 2);
    assert!(v.features[0].geometry.is_none() && v.features[1].geometry.is_some());
    assert!(
        v.issues[0].to_string().starts_with("feature 1:"),
        "{:?}",
        v.issues
    );
}

#[test]
fn csv_quoted_fields_with_line_breaks_and_quotes_stay_one_row() {
    // A tree cadastre export with remarks typed over two lines.
    let d = dir("csv_multiline");
    let path = d.join("baeume.csv");
    std::fs::write(
        &path,
        "id,Art,Bemerkung,x,y\n\
         1,Eiche,\"Krone geschädigt,\nTotholz entfernt\",681000.5,5644000.25\n\
         2,Linde,\"sagt \"\"gesund\"\"\",681010,5644010\n\
         \n\
         3,Ahorn,,,\n",
    )
    .unwrap();
    let opts = CsvOptions {
        crs: Some(pw_geo::Crs::ETRS89_UTM32),
        ..Default::default()
    };
    let v = read_file(&path, &opts).unwrap();
    assert_eq!(v.features.len(), 3, "{:?}", v.issues);
    assert_eq!(
        v.value(0, "Bemerkung"),
        Some(&Value::Text("Krone geschädigt,\nTotholz entfernt".into()))
    );
    assert_eq!(
        v.value(1, "Bemerkung"),
        Some(&Value::Text("sagt \"gesund\"".into()))
    );
    let Some(Geometry::Points(p)) = &v.features[0].geometry else {
        panic!("{:?}", v.features[0].geometry)
    };
    assert_eq!([p[0][0], p[0][1]], [681_000.5, 5_644_000.25]);
    // The row after the two-line one is named by the line it starts on.
    let problems = v
        .issues
        .iter()
        .map(ToString::to_string)
        .find(|i| i.contains("rows with problems"))
        .unwrap();
    assert!(problems.contains("line 6: no coordinates"), "{problems}");
    assert!(
        !v.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("never closed"))
    );
    // A quote never closed swallows the rest: said, with the line.
    std::fs::write(
        &path,
        "id,Art,x,y\n1,Eiche,681000,5644000\n2,\"Linde,681010,5644010\n3,Ahorn,681020,5644020\n",
    )
    .unwrap();
    let v = read_file(&path, &opts).unwrap();
    assert!(
        v.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.starts_with("line 3: a quote")),
        "{:?}",
        v.issues
    );
}

#[test]
fn csv_rows_without_coordinates_and_unknown_columns() {
    let d = dir("csv");
    let path = d.join("trees.csv");
    std::fs::write(
        &path,
        "id;Rechtswert;Hochwert;Art\n1;3530082,7;6074377,3;Eiche\n2;;;Linde\n3;3530090;6074380\n",
    )
    .unwrap();
    let v = read_file(&path, &CsvOptions::default()).unwrap();
    assert_eq!(v.features.len(), 3);
    assert_eq!(
        v.features.iter().filter(|f| f.geometry.is_some()).count(),
        2
    );
    let problems = v
        .issues
        .iter()
        .map(ToString::to_string)
        .find(|i| i.contains("rows with problems"))
        .unwrap();
    assert!(
        problems.contains("line 3: no coordinates")
            && problems.contains("line 4: 3 values for 4 columns"),
        "{problems}"
    );
    assert!(
        v.issues
            .iter()
            .map(ToString::to_string)
            .any(|i| i.contains("no CRS given"))
    );
    let opts = CsvOptions {
        x: Some("ost".into()),
        y: Some("Hochwert".into()),
        crs: None,
    };
    let e = read_file(&path, &opts).unwrap_err().to_string();
    assert!(
        e.contains("no column \"ost\"") && e.contains("Rechtswert"),
        "{e}"
    );
}

/// A broken GML's reason travels as a catalogue key inside the file error,
/// so the German UI says it in German; the English stays for the CLI.
#[test]
fn broken_gml_error_is_a_translatable_message() {
    let d = dir("gml_message");
    let path = d.join("datei.gml");
    std::fs::write(&path, "<wfs:FeatureCollection>\n<a>\n</b>\n").unwrap();
    let e = read_file(&path, &CsvOptions::default()).unwrap_err();
    let pw_vector::VectorError::File { message, .. } = &e else {
        panic!("not a file error: {e:?}");
    };
    assert_eq!(message.key, "vector.xml.broken");
    assert_eq!(message.fallback, "line {line}: broken XML: {detail}");
    assert!(
        message
            .args
            .contains(&("line".to_string(), "3".to_string())),
        "{:?}",
        message.args
    );
    let shown = e.message();
    assert_eq!(shown.key, "vector.error.read");
    assert!(
        shown
            .to_string()
            .starts_with(&format!("{}: line 3: broken XML: ", path.display())),
        "{shown}"
    );
    // Through a catalogue the nested reason is said in the same language,
    // the XML library's detail kept.
    let german = shown.render(|k| match k {
        "vector.error.read" => Some("{path}: {why}".into()),
        "vector.xml.broken" => Some("Zeile {line}: fehlerhaftes XML: {detail}".into()),
        _ => None,
    });
    assert!(
        german.starts_with(&format!("{}: Zeile 3: fehlerhaftes XML: ", path.display())),
        "{german}"
    );
}
