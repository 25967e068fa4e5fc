//! Any text as a TNTP network, trip table and flow file: read or refused
//! with a message, never a panic; what reads as a small network with its
//! demand is assigned (both algorithms, a few iterations) and conserves the
//! trips that have a route.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pw_traffic::{Algorithm, AssignmentSettings, assign, tntp};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first "=====" line splits network from trips.
    let (net, trips) = text.split_once("=====").unwrap_or((&text, ""));
    let _ = tntp::parse_flows(&text, Path::new("f"));
    let Ok(network) = tntp::parse_network(net, Path::new("n")) else {
        return;
    };
    let Ok(demand) = tntp::parse_demand(trips, Path::new("t"), &network) else {
        return;
    };
    if network.node_count() > 10_000 || demand.total() > 1e12 {
        return;
    }
    for algorithm in [Algorithm::GradientProjection, Algorithm::BiconjugateFrankWolfe] {
        let settings = AssignmentSettings {
            relative_gap: 1e-6,
            max_iterations: 5,
            threads: 1,
            algorithm,
        };
        let r = assign(&network, &demand, &settings, &pw_job::JobControl::new()).unwrap();
        assert!(r.flows.iter().all(|f| f.is_finite() && *f >= -1e-6 * demand.total().max(1.0)));
        assert!(r.relative_gap.is_nan() || r.relative_gap >= 0.0);
    }
});
