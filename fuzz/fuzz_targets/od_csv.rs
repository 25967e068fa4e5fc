//! Any bytes as an OD table or matrix (CSV): read or refused with a
//! message (file and line), never a panic; what reads holds only trips
//! between two different known zones, each finite and above 0.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pw_traffic::od::{decode, parse_od_csv};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let zones: Vec<String> = ["1", "2", "3", "Nord", "Süd"].iter().map(|z| z.to_string()).collect();
    let text = decode(data);
    for period in [None, Some("Früh")] {
        if let Ok(m) = parse_od_csv(&text, Path::new("f.csv"), &zones, period) {
            assert!(m.within_zones.is_finite() && m.within_zones >= 0.0);
            for (o, destinations) in &m.demand.origins {
                assert!((*o as usize) < zones.len());
                for (d, trips) in destinations {
                    assert!((*d as usize) < zones.len() && d != o);
                    assert!(trips.is_finite() && *trips > 0.0);
                }
            }
        }
    }
});
