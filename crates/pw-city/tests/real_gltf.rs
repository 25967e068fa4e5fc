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
    let (path, m) = kml_model::find_for(&data("gltf/vienna_karl-marx-hof/scene.glb")).unwrap();
    assert!(path.ends_with("collada.kml"));
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
        placed.issues.iter().any(|i| i.message.contains("Z-up")),
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
