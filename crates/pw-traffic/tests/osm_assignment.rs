//! Trips assigned on a real OSM road network (north Bayreuth, ODbL): zones
//! from the extract's own residential and work areas (land use polygons,
//! as the workbench's traffic analysis takes them),
//! trips by the gravity model. What must hold whatever the demand: every
//! road node passes on what it receives, the zones send and receive their
//! trips, the gap is reached, and one-way streets carry nothing against
//! their direction (there are no links for it).

use pw_traffic::osm::{default_classes, road_network};
use pw_traffic::zones::{attach, free_flow_times, gravity};
use pw_traffic::{AssignmentSettings, assign};
use std::path::PathBuf;

/// Metres east/north of a point, near enough for a few kilometres.
fn local(origin: [f64; 2]) -> impl Fn([f64; 2]) -> Option<[f64; 2]> {
    move |p: [f64; 2]| {
        let k = 111_195.0;
        Some([
            (p[0] - origin[0]) * k * origin[1].to_radians().cos(),
            (p[1] - origin[1]) * k,
        ])
    }
}

#[test]
fn trips_between_homes_and_workplaces_of_bayreuth_flow_through_the_network() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osm/north-bayreuth.osm.gz");
    let data = pw_osm::read_file(&path).unwrap();
    let project = local([11.54, 50.0]);
    let roads = road_network(&data, &default_classes(), &project, &|_| false).unwrap();
    let zones = pw_traffic::framework::zones_from_land_use(&data, &project, 30.0);
    assert!(zones.len() > 100, "{} zones", zones.len());
    let zoned = attach(&roads, zones, 2);
    let times = free_flow_times(&zoned.network);
    let (demand, balanced) = gravity(&zoned.zones, &times, 0.1);
    assert!(balanced);
    let settings = AssignmentSettings {
        relative_gap: 1e-6,
        ..Default::default()
    };
    let result = assign(
        &zoned.network,
        &demand,
        &settings,
        &pw_job::JobControl::new(),
    )
    .unwrap();
    println!(
        "{} zones, {} links, {:.0} trips: gap {:.1e} after {} iterations, {} unroutable",
        zoned.zones.len(),
        zoned.network.links.len(),
        demand.total(),
        result.relative_gap,
        result.log.len(),
        result.unroutable.len()
    );
    assert!(result.converged);
    assert!(result.unroutable.is_empty());
    let net = &zoned.network;
    let mut balance = vec![0.0; net.node_count()];
    for (l, f) in net.links.iter().zip(&result.flows) {
        balance[l.from as usize] -= f;
        balance[l.to as usize] += f;
    }
    let z = net.zone_count as usize;
    let worst_road = balance[z..].iter().fold(0.0f64, |m, b| m.max(b.abs()));
    assert!(
        worst_road < 1e-6 * demand.total(),
        "a road node loses {worst_road} trips"
    );
    for (o, trips) in &demand.origins {
        let sent: f64 = trips.iter().map(|(_, t)| t).sum();
        let received: f64 = demand
            .origins
            .iter()
            .flat_map(|(_, t)| t.iter())
            .filter(|(d, _)| d == o)
            .map(|(_, t)| t)
            .sum();
        assert!((balance[*o as usize] - (received - sent)).abs() < 1e-6 * demand.total());
    }
    // Some roads carry traffic, and more than the connectors' share alone
    // would suggest: trips travel.
    let busy = (0..roads.roads.len())
        .filter(|&i| result.flows[i] > 1.0)
        .count();
    assert!(busy > 200, "{busy} busy road links");
}
