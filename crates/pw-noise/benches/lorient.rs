//! Noise map speed on a real city: `cargo bench -p pw-noise --bench lorient`.
//!
//! Issue 17: Lorient (549 roads, 1,701 buildings) with first-order
//! reflections and diffraction (over and around) at ≤ 1.8 ms per receiver
//! on 2 cores. Receivers on a 10 m grid at 4 m over the city's middle
//! square kilometre; CNOSSOS-EU (all periods and L_den) and RLS-19 both.
//! No peer runs here (NoiseModelling needs Java and Maven Central, which
//! this machine cannot reach); its published figure is ≈ 178 ms per
//! receiver (800 m, one reflection, PR #411).

use pw_noise::cnossos::emission::Coefficients;
use pw_noise::layers::{buildings_from_layer, roads_from_layer};
use pw_noise::map::{MapSettings, Method, Sources, levels};
use pw_noise::scene::{Flat, NoiseScene};
use std::path::PathBuf;
use std::time::Instant;

fn layer(name: &str) -> pw_vector::VectorData {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector/lorient_noisemodelling")
        .join(name);
    pw_vector::read_file(&path, &Default::default()).expect("Lorient layer")
}

fn main() {
    let started = Instant::now();
    let roads = roads_from_layer(
        &layer("roads_traff.shp"),
        &Flat(0.0),
        20.0,
        Coefficients::Directive2021,
    )
    .unwrap();
    let (buildings, _) = buildings_from_layer(&layer("buildings.shp"), &Flat(0.0));
    let scene = NoiseScene::new(buildings, vec![], vec![], 0.0, Box::new(Flat(0.0)));
    let sources = Sources::new(roads.sources);
    println!(
        "read and indexed in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    // The middle square kilometre of the road network.
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for s in &sources.lines {
        for p in &s.line {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
    }
    let centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let cell: f64 = std::env::var("PW_NOISE_CELL")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10.0);
    let half = 500.0;
    let n = (2.0 * half / cell) as usize;
    let receivers: Vec<[f64; 3]> = (0..n * n)
        .map(|k| {
            let (i, j) = (k % n, k / n);
            [
                centre[0] - half + (i as f64 + 0.5) * cell,
                centre[1] - half + (j as f64 + 0.5) * cell,
                4.0,
            ]
        })
        .collect();
    for (name, method) in [("CNOSSOS-EU", Method::Cnossos), ("RLS-19", Method::Rls19)] {
        let mut settings = MapSettings {
            method,
            ..MapSettings::default()
        };
        // PW_NOISE_PATHS=direct|reflections|lateral: leave out the others
        // (to see what each costs).
        match std::env::var("PW_NOISE_PATHS").as_deref() {
            Ok("direct") => (settings.paths.lateral, settings.paths.reflections) = (false, false),
            Ok("reflections") => settings.paths.lateral = false,
            Ok("lateral") => settings.paths.reflections = false,
            _ => {}
        }
        let started = Instant::now();
        let result = levels(&scene, &sources, &receivers, &settings);
        let seconds = started.elapsed().as_secs_f64();
        let outside = result.iter().filter(|r| r.is_some()).count();
        let main: Vec<f64> = result
            .iter()
            .flatten()
            .map(|l| {
                if method == Method::Cnossos {
                    l[3]
                } else {
                    l[0]
                }
            })
            .collect();
        let mean = main.iter().sum::<f64>() / main.len().max(1) as f64;
        println!(
            "{name}: {} receivers ({} outside buildings) in {seconds:.1} s on {} threads: {:.2} ms per receiver, {:.0} receivers/s; mean {:.1} dB(A)",
            receivers.len(),
            outside,
            rayon::current_num_threads(),
            1000.0 * seconds / receivers.len() as f64,
            receivers.len() as f64 / seconds,
            mean
        );
    }
}
