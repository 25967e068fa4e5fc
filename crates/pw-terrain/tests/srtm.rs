//! The SRTM tile of Jena (`../shared/data/dem/srtm/N50E011.hgt.zip`,
//! public domain): what SOURCES.md says of it — 8 voids, 129–1044 m, mean
//! 454.1 m; over Jena (50.86–50.98° N, 11.50–11.68° E) no voids, 129–425 m,
//! the lowest in the Saale valley at 50.9725° N 11.6525° E, ≈ 153 m at the
//! market square.

use pw_geo::elevation::Elevation;
use std::path::PathBuf;

fn tile() -> pw_terrain::Grid {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem/srtm/N50E011.hgt.zip");
    pw_terrain::read_file(&path).unwrap().0
}

#[test]
fn the_jena_tile_has_the_heights_of_its_description() {
    let g = tile();
    assert_eq!((g.width, g.height), (1201, 1201));
    assert_eq!(g.crs, Some(pw_geo::Crs::WGS84));
    let voids = g.values.iter().filter(|v| v.is_nan()).count();
    let known: Vec<f32> = g.values.iter().copied().filter(|v| !v.is_nan()).collect();
    let min = known.iter().copied().fold(f32::INFINITY, f32::min);
    let max = known.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mean = known.iter().map(|v| f64::from(*v)).sum::<f64>() / known.len() as f64;
    assert_eq!((voids, min, max), (8, 129.0, 1044.0));
    assert!((mean - 454.1).abs() < 0.05, "{mean}");

    // The Jena window: sample rows and columns at whole 3″ steps.
    let (mut low, mut high) = ((f32::INFINITY, 0.0, 0.0), (f32::NEG_INFINITY, 0.0, 0.0));
    let mut cells = 0;
    for row in 0..g.height {
        let lat = 51.0 - row as f64 / 1200.0;
        if !(50.86 - 1e-9..=50.98 + 1e-9).contains(&lat) {
            continue;
        }
        for col in 0..g.width {
            let lon = 11.0 + col as f64 / 1200.0;
            if !(11.50 - 1e-9..=11.68 + 1e-9).contains(&lon) {
                continue;
            }
            let h = g.value(col, row).unwrap();
            assert!(!h.is_nan());
            cells += 1;
            if h < low.0 {
                low = (h, lat, lon);
            }
            if h > high.0 {
                high = (h, lat, lon);
            }
        }
    }
    assert_eq!(cells, 145 * 217);
    assert_eq!(low.0, 129.0);
    assert!(
        (low.1 - 50.9725).abs() < 1e-6 && (low.2 - 11.6525).abs() < 1e-6,
        "{low:?}"
    );
    assert_eq!(high.0, 425.0);
    // 425 m is reached at more than one sample of the west edge; SOURCES.md
    // names the one at 50.9025° N.
    let sample = |lat: f64, lon: f64| {
        g.value(
            ((lon - 11.0) * 1200.0).round() as usize,
            ((51.0 - lat) * 1200.0).round() as usize,
        )
    };
    assert_eq!(sample(50.9025, 11.50), Some(425.0));
    // Queried where the samples are, the grid answers their heights.
    let market = g.height_at(11.5893, 50.9279).unwrap();
    assert!((market - 153.0).abs() < 5.0, "{market}");
    let at_low = g.height_at(11.6525, 50.9725).unwrap();
    assert!((at_low - 129.0).abs() < 1e-3, "{at_low}");
}
