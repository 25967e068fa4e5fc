//! Any bytes as OpenStreetMap XML (first byte even) or PBF (odd): read or
//! refused with a message, never a panic — osmpbf's own panics on damaged
//! blocks must be caught by pw-osm — and what reads becomes a vector layer
//! and a car network (every link between two distinct nodes, lengths
//! finite and not negative).
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
    if let Ok(roads) = pw_traffic::osm::road_network(&osm, &pw_traffic::osm::default_classes(), &|p| Some(p), &|_| false) {
        for l in &roads.network.links {
            assert_ne!(l.from, l.to);
            assert!(l.length.is_finite() && l.length >= 0.0);
            assert!(l.free_flow_time.is_finite() && l.free_flow_time >= 0.0);
        }
    }
});
