//! Any bytes as an SRTM tile, bare (`.hgt`, first byte even) or zipped
//! (`.hgt.zip`, odd): read or refused with a message, never a panic; a tile
//! that reads is square, 1201 or 3601 samples a side, one degree wide.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let name = if selector % 2 == 0 { "N50E011.hgt" } else { "N50E011.hgt.zip" };
    if let Ok(g) = pw_terrain::srtm::read_bytes(name, bytes.to_vec()) {
        assert!(g.width == g.height && (g.width == 1201 || g.width == 3601));
        assert!((g.dx * (g.width - 1) as f64 - 1.0).abs() < 1e-12);
    }
});
