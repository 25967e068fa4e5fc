//! TIN terrain from the SIG3D example (a building and garage on a CityGML
//! TINRelief) as an elevation source, and ground-relative buildings set
//! onto it.

use pw_city::citygml;
use pw_city::terrain::{TinTerrain, place_on_terrain};
use pw_geo::elevation::Elevation;
use std::path::PathBuf;

fn sig3d() -> pw_city::CityModel {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citygml/sig3d_terrain/Building_and_garage_LOD2-EPSG25832_CityGML2.gml");
    citygml::read_file(&path, None).unwrap()
}

#[test]
fn tin_heights_at_vertices_edges_and_outside() {
    let m = sig3d();
    let tin = TinTerrain::from_model(&m).expect("the file has a TINRelief");
    assert_eq!(tin.triangle_count(), 12, "the TIN's 12 gml:Triangle");
    // A TIN vertex (458883 5438362 114.0 in the file).
    assert!((tin.height_at(458_883.0, 5_438_362.0).unwrap() - 114.0).abs() < 1e-9);
    // Halfway along the edge to 458875 5438355 112.0.
    assert!((tin.height_at(458_879.0, 5_438_358.5).unwrap() - 113.0).abs() < 1e-9);
    // The flat part west of the building.
    assert!((tin.height_at(458_870.0, 5_438_350.0).unwrap() - 112.0).abs() < 1e-9);
    // The TIN leaves out the building's footprint (its edges still answer).
    assert_eq!(tin.height_at(458_880.0, 5_438_352.0), None);
    assert!((tin.height_at(458_875.0, 5_438_352.0).unwrap() - 112.0).abs() < 1e-9);
    assert_eq!(tin.height_at(458_800.0, 5_438_352.0), None);
    // A model without relief has no terrain.
    let mut no_relief = m.clone();
    no_relief.objects.retain(|o| o.type_name != "ReliefFeature");
    assert!(TinTerrain::from_model(&no_relief).is_none());
}

#[test]
fn relative_building_returns_to_its_surveyed_height() {
    let m = sig3d();
    let tin = TinTerrain::from_model(&m).unwrap();
    // Make the building and garage ground-relative (ground slab at 0 m) …
    let mut relative = m.clone();
    relative.objects.retain(|o| o.type_name != "ReliefFeature");
    let before = relative.extent();
    assert_eq!(before.min[2], 112.0);
    for o in &mut relative.objects {
        for s in &mut o.surfaces {
            for p in s
                .exterior
                .iter_mut()
                .chain(s.interiors.iter_mut().flatten())
            {
                p[2] -= 112.0;
            }
        }
    }
    assert!(relative.has_relative_heights(112.0));
    // … and set it onto the TIN: the ground slab lies on the terrain at 112 m again.
    let report = place_on_terrain(&mut relative, &tin);
    assert_eq!(
        (report.placed, report.outside),
        (1, 0),
        "one building with its garage part"
    );
    let after = relative.extent();
    for i in 0..3 {
        assert!(
            (after.min[i] - before.min[i]).abs() < 1e-9
                && (after.max[i] - before.max[i]).abs() < 1e-9
        );
    }
}

#[test]
fn buildings_off_the_terrain_stay_and_are_counted() {
    let m = sig3d();
    let tin = TinTerrain::from_model(&m).unwrap();
    let mut moved = m.clone();
    moved.objects.retain(|o| o.type_name != "ReliefFeature");
    for o in &mut moved.objects {
        for s in &mut o.surfaces {
            for p in s.exterior.iter_mut() {
                p[0] += 1000.0;
            }
        }
    }
    let z = moved.extent().min[2];
    let report = place_on_terrain(&mut moved, &tin);
    assert_eq!((report.placed, report.outside), (0, 1));
    assert_eq!(moved.extent().min[2], z);
}
