//! Any bytes as OpenStreetMap XML (first byte even) or PBF (odd): read or
//! refused with a message, never a panic — osmpbf's own panics on damaged
//! blocks must be caught by pw-osm — and what reads becomes a vector layer
//! and a car network (every link between two distinct nodes, lengths
//! finite and not negative, turn restrictions applied), also with a road
//! drawn across it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook aborts on any panic, even one pw-osm catches; a
    // panic that escapes still aborts at the FFI boundary.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&selector, bytes)) = data.split_first() else { return };
    let read = if selector % 2 == 0 {
        pw_osm::read_xml(bytes)
    } else {
        pw_osm::read_pbf(bytes)
    };
    let Ok(osm) = read else { return };
    let _ = pw_vector::osm::to_vector(&osm);
    let classes = pw_traffic::osm::default_classes();
    let check = |roads: &pw_traffic::osm::RoadNetwork| {
        for l in &roads.network.links {
            assert_ne!(l.from, l.to);
            assert!(l.length.is_finite() && l.length >= 0.0);
            assert!(l.free_flow_time.is_finite() && l.free_flow_time >= 0.0);
        }
        // Turn links join split junction nodes only.
        for l in &roads.network.links[roads.roads.len()..] {
            assert!(roads.turn_nodes.contains(&l.from) && roads.turn_nodes.contains(&l.to));
        }
        let t = &roads.turns;
        assert!(t.junctions <= t.restrictions);
    };
    if let Ok(roads) = pw_traffic::osm::road_network(&osm, &classes, &|p| Some(p), &|_| false) {
        check(&roads);
    }
    // A road drawn from the first node to the last (degrees as metres):
    // joined where it meets roads, and the network still builds.
    if let (Some(a), Some(b)) = (osm.nodes.first(), osm.nodes.last()) {
        let road = pw_analysis::scenario::PlannedRoad {
            id: "fuzz".into(),
            points: vec![[a.lon, a.lat], [b.lon, b.lat]],
            tags: vec![("highway".into(), "residential".into())],
        };
        let car = |w: &pw_osm::Way| {
            pw_osm::tag(&w.tags, "highway").is_some_and(|h| classes.iter().any(|c| c.class == h))
        };
        let same = |p: [f64; 2]| Some(p);
        let (with_road, _) =
            pw_traffic::new_roads::with_new_roads(&osm, &[road], &same, &same, &car);
        if let Ok(roads) = pw_traffic::osm::road_network(&with_road, &classes, &|p| Some(p), &|_| false) {
            check(&roads);
        }
    }
});
