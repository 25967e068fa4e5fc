//! glTF/GLB models placed by a KML <Model> or a scene georeference, checked
//! against the same building read from CityGML (Vienna Karl-Marx-Hof: the
//! corpus holds it as CityGML, CityJSON and GLB + KML).

use pw_city::gltf_reader::{self, UpAxis};
use pw_city::placement::{Placement, read_gltf_model};
use pw_city::{citygml, kml_model};
use pw_geo::Crs;
use std::path::PathBuf;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

const MGI_GK_EAST: Crs = Crs::epsg(31256);

#[test]
fn vienna_kml_placemark_is_read() {
    let found = kml_model::find_for(&data("gltf/vienna_karl-marx-hof/scene.glb"))
        .unwrap()
        .unwrap();
    assert!(found.kml.ends_with("collada.kml"));
    assert_eq!(found.note, None);
    let m = found.model;
    assert_eq!(m.name.as_deref(), Some("karlmarxhof3"));
    assert_eq!(
        (m.longitude, m.latitude, m.altitude),
        (16.3625843, 48.2452702, 5.94)
    );
    assert_eq!(m.heading, 0.0260068);
    assert_eq!(m.altitude_mode, "absolute");
    assert_eq!(m.href.as_deref(), Some("114902/karlmarxhof3.dae"));
}

#[test]
fn vienna_glb_lands_on_the_citygml_building() {
    let glb = data("gltf/vienna_karl-marx-hof/scene.glb");
    let raw = gltf_reader::read_file(&glb, UpAxis::Z).unwrap();
    assert!(raw.warnings.is_empty(), "{:?}", raw.warnings);
    let mut placed = read_gltf_model(&glb, None, None).unwrap();
    assert_eq!(placed.crs, Some(Crs::epsg(4979)));
    assert!(placed.crs_text.as_deref().unwrap().contains("collada.kml"));
    // three.js wrote the Z-up COLLADA geometry unturned: detected and said.
    assert!(
        placed
            .issues
            .iter()
            .any(|i| i.message.to_string().contains("Z-up")),
        "{:?}",
        placed.issues
    );
    placed.reproject(MGI_GK_EAST).unwrap();

    let mut gml = citygml::read_file(&data("citygml/vienna/karl-marx-hof_city.gml"), None).unwrap();
    gml.reproject(MGI_GK_EAST).unwrap();
    let (a, b) = (placed.extent(), gml.extent());
    // The file's envelope: 2215.83 345194.82 5.94 … 2562.77 346262.185 35.14.
    for i in 0..3 {
        assert!(
            (a.min[i] - b.min[i]).abs() < 0.5 && (a.max[i] - b.max[i]).abs() < 0.5,
            "axis {i}: glb {:?}–{:?} vs CityGML {:?}–{:?}",
            a.min,
            a.max,
            b.min,
            b.max
        );
    }
    // Same surfaces: the glb triangulates the CityGML polygons.
    assert_eq!(
        raw.triangle_count(),
        placed
            .objects
            .iter()
            .map(|o| o.surfaces.len())
            .sum::<usize>()
    );
    assert_eq!(
        raw.triangle_count(),
        gml.triangle_count(),
        "same triangles as our CityGML triangulation"
    );
}

#[test]
fn scene_georeference_in_a_projected_crs() {
    let glb = data("gltf/vienna_karl-marx-hof/scene.glb");
    let placement = Placement::Projected {
        crs: MGI_GK_EAST,
        origin: [2261.779, 345211.052, 5.94],
        heading: 0.0,
        scale: 1.0,
    };
    let m = read_gltf_model(&glb, Some(placement), None).unwrap();
    assert_eq!(m.crs, Some(MGI_GK_EAST));
    let e = m.extent();
    assert!((e.min[2] - 5.94).abs() < 0.01, "{:?}", e.min);
    assert!(
        (e.min[0] - 2215.83).abs() < 0.5 && (e.max[1] - 346262.185).abs() < 0.5,
        "{e:?}"
    );
}

#[test]
fn a_model_without_georeference_says_how_to_give_one() {
    let dir = std::env::temp_dir().join(format!("pw-gltf-nogeo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let glb = dir.join("model.glb");
    std::fs::copy(data("gltf/vienna_karl-marx-hof/scene.glb"), &glb).unwrap();
    let err = read_gltf_model(&glb, None, None).unwrap_err();
    assert_eq!(err.key, pw_city::placement::NO_GEOREFERENCE);
    let err = err.to_string();
    assert!(err.contains("georeference") && err.contains("KML"), "{err}");
    std::fs::write(&glb, b"glTF\x01\x00\x00\x00").unwrap();
    let err = gltf_reader::read_file(&glb, UpAxis::Y)
        .unwrap_err()
        .to_string();
    assert!(err.contains("version 1"), "{err}");
    std::fs::write(&glb, b"{ not json").unwrap();
    assert!(gltf_reader::read_file(&glb, UpAxis::Y).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A folder holding Vienna's GLB as `name` and one KML of our own per
/// `(file name, placemarks)`, each placemark `(name, href, lon, lat, alt)`.
fn folder_with_kml(
    test: &str,
    name: &str,
    kmls: &[(&str, &[(&str, &str, f64, f64, f64)])],
) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(data("gltf/vienna_karl-marx-hof/scene.glb"), dir.join(name)).unwrap();
    for (file, placemarks) in kmls {
        let body: String = placemarks
            .iter()
            .map(|(n, href, lon, lat, alt)| {
                format!(
                    "<Placemark><name>{n}</name><Model><altitudeMode>absolute</altitudeMode>\
                     <Location><longitude>{lon}</longitude><latitude>{lat}</latitude>\
                     <altitude>{alt}</altitude></Location><Link><href>{href}</href></Link>\
                     </Model></Placemark>"
                )
            })
            .collect();
        std::fs::write(
            dir.join(file),
            format!(
                "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>{body}</Document></kml>"
            ),
        )
        .unwrap();
    }
    dir.join(name)
}

#[test]
fn two_part_placemarks_as_3dcitydb_exports_them_place_the_model_by_the_first() {
    // 3DCityDB's KML/COLLADA/glTF export: one placemark per building part,
    // anchors 12 cm apart, hrefs named after the parts.
    let glb = folder_with_kml(
        "kml_two_parts",
        "karlmarxhof3.glb",
        &[(
            "karlmarxhof3.kml",
            &[
                (
                    "karlmarxhof3_part1",
                    "karlmarxhof3_part1/karlmarxhof3_part1.dae",
                    16.3625843,
                    48.2452702,
                    5.94,
                ),
                (
                    "karlmarxhof3_part2",
                    "karlmarxhof3_part2/karlmarxhof3_part2.dae",
                    16.3625858,
                    48.2452708,
                    5.94,
                ),
            ],
        )],
    );
    let placed = read_gltf_model(&glb, None, None).unwrap();
    assert!(
        placed
            .crs_text
            .as_deref()
            .unwrap()
            .contains("karlmarxhof3.kml")
    );
    let note = placed
        .issues
        .iter()
        .find(|i| i.message.to_string().contains("2 <Model> placemarks"))
        .unwrap_or_else(|| panic!("{:?}", placed.issues));
    assert!(
        note.message.to_string().contains("karlmarxhof3_part1"),
        "{}",
        note.message
    );
    assert!(
        note.message.to_string().contains("same place"),
        "{}",
        note.message
    );
    // Placed where the single Vienna placemark places it (same anchor; that
    // one turns it by 0.026°, under a metre at the far end: 1e-5° ≈ 0.7 m).
    let single = read_gltf_model(&data("gltf/vienna_karl-marx-hof/scene.glb"), None, None).unwrap();
    let (a, b) = (placed.extent(), single.extent());
    for i in 0..2 {
        assert!((a.min[i] - b.min[i]).abs() < 1e-5, "{a:?} vs {b:?}");
        assert!((a.max[i] - b.max[i]).abs() < 1e-5, "{a:?} vs {b:?}");
    }
}

#[test]
fn placemarks_of_other_models_at_other_places_are_listed_not_guessed() {
    let glb = folder_with_kml(
        "kml_other_models",
        "entwurf.glb",
        &[
            (
                "doc.kml",
                &[("haus_a", "a/haus_a.dae", 11.5862, 50.9278, 160.0)],
            ),
            (
                "more.kml",
                &[("haus_b", "b/haus_b.dae", 11.5901, 50.9301, 158.0)],
            ),
        ],
    );
    let e = read_gltf_model(&glb, None, None).unwrap_err().to_string();
    assert!(
        e.contains("2 KML <Model> placemarks")
            && e.contains("haus_a in doc.kml at 11.586200° E, 50.927800° N")
            && e.contains("haus_b in more.kml")
            && e.contains("georeference"),
        "{e}"
    );
}

#[test]
fn placemarks_at_one_place_place_the_model_whatever_their_names() {
    let glb = folder_with_kml(
        "kml_one_place",
        "entwurf.glb",
        &[(
            "doc.kml",
            &[
                ("teil_1", "teil_1.dae", 16.3625843, 48.2452702, 5.94),
                ("teil_2", "teil_2.dae", 16.3625843, 48.2452702, 5.94),
            ],
        )],
    );
    let placed = read_gltf_model(&glb, None, None).unwrap();
    assert!(placed.crs_text.as_deref().unwrap().contains("doc.kml"));
    assert!(placed.issues.iter().any(|i| {
        i.message
            .to_string()
            .contains("placed by the first, teil_1")
    }));
}
