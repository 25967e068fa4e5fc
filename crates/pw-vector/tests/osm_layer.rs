//! An OpenStreetMap extract as a vector layer: the real
//! `../shared/data/osm/north-bayreuth.osm.gz` (ODbL; counts in SOURCES.md).

use pw_vector::{Geometry, Value, VectorData};
use std::path::PathBuf;

fn extract() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/north-bayreuth.osm.gz")
}

fn count(data: &VectorData, column: &str, value: &str) -> usize {
    (0..data.features.len())
        .filter(|&k| data.value(k, column) == Some(&Value::Text(value.into())))
        .count()
}

#[test]
fn buildings_roads_water_and_land_use_of_bayreuth() {
    let data = pw_vector::read_file(&extract(), &Default::default()).unwrap();
    assert_eq!(data.format, "OpenStreetMap");
    assert_eq!(data.crs, Some(pw_geo::Crs::WGS84));
    // SOURCES.md: 4,267 building ways (no building relations), 2,056
    // highway ways.
    assert_eq!(count(&data, "kind", "building"), 4_267);
    assert_eq!(count(&data, "kind", "road"), 2_056);
    // Heights: every building has one and says where it came from; this
    // extract (2006–2014) tags neither height nor levels on any building.
    let sources =
        ["height", "building:levels", "estimated"].map(|s| count(&data, "height_source", s));
    assert_eq!(sources, [0, 0, 4_267]);
    // Multipolygons cut by the extract are reported, not drawn half.
    assert_eq!(
        data.issues
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "relation 16600: its rings are incomplete in this extract; left out".to_string(),
            "relation 85885: its rings are incomplete in this extract; left out".to_string()
        ]
    );
    // Buildings are polygons, roads lines; every feature names its OSM element.
    for (k, f) in data.features.iter().enumerate() {
        let kind = data.value(k, "kind").unwrap().to_string();
        match (kind.as_str(), f.geometry.as_ref().unwrap()) {
            (
                "building" | "water" | "residential" | "commercial" | "green" | "wood" | "farmland"
                | "landuse",
                Geometry::Polygons(_),
            )
            | ("road" | "railway" | "waterway" | "weir", Geometry::Lines(_))
            | ("tree" | "weir", Geometry::Points(_)) => {}
            (kind, g) => panic!("{kind} as {}", g.kind_name()),
        }
        assert!(f.id.as_ref().unwrap().contains('/'));
    }
    assert!(count(&data, "waterway", "river") + count(&data, "waterway", "stream") > 0);
    // The extract's one element tagged waterway=weir/dam/lock_gate/sluice_gate
    // (`zcat … | grep -c` finds one).
    assert_eq!(count(&data, "kind", "weir"), 1);
    // SOURCES.md: land use residential 168, farmland 162, meadow 159,
    // forest 87 ways (relations add a few; meadows share "green").
    assert!(count(&data, "kind", "residential") >= 168);
    assert!(count(&data, "kind", "farmland") >= 162);
    assert!(count(&data, "kind", "wood") >= 87);
    assert!(count(&data, "kind", "green") >= 159);
}
