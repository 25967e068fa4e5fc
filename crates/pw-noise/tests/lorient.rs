//! Real data: Lorient (NoiseModelling's test city, ../shared/data/vector/
//! lorient_noisemodelling): 549 roads with traffic by day, evening and
//! night, 1,701 buildings with heights. The layers are read as a user's
//! files would be; emissions follow NoiseModelling's own mapping of these
//! columns (light = TV − HV, heavy = HV, surface PVMT, 20 °C, 2021
//! coefficients), checked against values from its emission code.

use pw_noise::bands::{A_WEIGHTING, db_to_power, power_to_db};
use pw_noise::cnossos::emission::Coefficients;
use pw_noise::layers::{buildings_from_layer, has_traffic, roads_from_layer};
use pw_noise::map::{MapSettings, Sources, levels};
use pw_noise::scene::{Flat, NoiseScene};
use std::path::PathBuf;

fn layer(name: &str) -> pw_vector::VectorData {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector/lorient_noisemodelling")
        .join(name);
    pw_vector::read_file(&path, &Default::default()).expect("Lorient layer")
}

#[test]
fn lorient_roads_buildings_and_a_map() {
    let roads = layer("roads_traff.shp");
    assert!(has_traffic(&roads));
    let read = roads_from_layer(&roads, &Flat(0.0), 20.0, Coefficients::Directive2021).unwrap();
    assert_eq!(read.without_traffic_count, 0);
    assert_eq!(read.sources.len(), 549);
    // Road PK 68 (TV_D 4007.76, HV_D 8.24, 30 km/h, NL05): 83.4983 dB(A)/m
    // by day in NoiseModelling's emission code.
    let pk = roads.field_index("PK").unwrap();
    let i68 = roads
        .features
        .iter()
        .position(|f| f.values[pk].as_f64() == Some(68.0))
        .unwrap();
    let day = read.sources[i68].cnossos[0];
    let a = power_to_db((0..8).map(|b| db_to_power(day[b] + A_WEIGHTING[b])).sum());
    assert!((a - 83.4983).abs() < 0.001, "{a}");

    let (buildings, guessed) = buildings_from_layer(&layer("buildings.shp"), &Flat(0.0));
    assert_eq!(guessed, 0, "every Lorient building has its HEIGHT");
    assert_eq!(buildings.len(), 1701);
    let scene = NoiseScene::new(buildings, vec![], vec![], 0.0, Box::new(Flat(0.0)));
    let sources = Sources::new(read.sources);
    // A row of receivers across the busiest road, 4 m high.
    let line = &sources.lines[i68].line;
    let mid = [
        (line[0][0] + line[1][0]) / 2.0,
        (line[0][1] + line[1][1]) / 2.0,
    ];
    let receivers: Vec<[f64; 3]> = (1..=8)
        .map(|k| [mid[0] + 5.0 * k as f64, mid[1], 4.0])
        .collect();
    let found = levels(&scene, &sources, &receivers, &MapSettings::default());
    let lden: Vec<f64> = found.iter().flatten().map(|l| l[3]).collect();
    assert!(!lden.is_empty());
    // L_den near a road of 4,000 vehicles an hour by day is above 65 dB(A);
    // every level is one of a city street (no runaway sums).
    assert!(
        lden[0] > 65.0 && lden.iter().all(|l| (35.0..90.0).contains(l)),
        "{lden:?}"
    );
}
