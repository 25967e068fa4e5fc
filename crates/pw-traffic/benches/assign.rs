//! Assignment speed, ours beside AequilibraE's in one run:
//! `cargo bench -p pw-traffic --bench assign`.
//!
//! Issue 19: Chicago-Sketch (933 nodes, 2,950 links, 387 zones) to relative
//! gaps 1e-4, 1e-5 and 1e-6 at least 3× faster than AequilibraE's best
//! algorithm (bfw), on one thread and on two; and a network of a city the
//! size of Jena (≈ 10,000 links, 200 zones) re-assigned in < 5 s on 2 cores.
//! AequilibraE comes from PW_AEQUILIBRAE_PYTHON or `.ci/peers-venv`; without
//! it only our figures are printed.

use pw_traffic::{Algorithm, AssignmentSettings, Demand, Link, Network, assign, tntp};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const GAPS: [f64; 3] = [1e-4, 1e-5, 1e-6];

fn chicago(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/traffic/tntp/Chicago-Sketch")
        .join(file)
}

/// Seconds until each of `GAPS` was first reached, from one run to the
/// tightest.
fn ours(network: &Network, demand: &Demand, algorithm: Algorithm, threads: usize) -> Vec<f64> {
    let settings = AssignmentSettings {
        relative_gap: GAPS[GAPS.len() - 1],
        threads,
        algorithm,
        ..Default::default()
    };
    let result = assign(network, demand, &settings, &pw_job::JobControl::new()).unwrap();
    GAPS.iter()
        .map(|&g| {
            result
                .log
                .iter()
                .find(|l| l.relative_gap <= g)
                .map_or(f64::NAN, |l| l.elapsed)
        })
        .collect()
}

fn aequilibrae(gap: f64, cores: usize) -> Option<f64> {
    let python = std::env::var_os("PW_AEQUILIBRAE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.ci/peers-venv/bin/python")
        });
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/aequilibrae_assign.py");
    let out = std::env::temp_dir().join("pw-traffic-bench-aeq.csv");
    let output = Command::new(python)
        .arg(script)
        .args(["--net", chicago("ChicagoSketch_net.tntp").to_str()?])
        .args(["--trips", chicago("ChicagoSketch_trips.tntp").to_str()?])
        .args(["--gap", &gap.to_string(), "--algorithm", "bfw"])
        .args(["--cores", &cores.to_string(), "--length-cost", "0.04"])
        .args(["--out", out.to_str()?])
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!("AequilibraE: {}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    report["seconds"].as_f64()
}

/// A grid city: `side` × `side` crossings 200 m apart joined both ways,
/// main roads every fifth line, 200 zones on a regular pattern with
/// gravity-like demand. A stand-in until the Jena network comes from OSM.
fn grid_city(side: u32) -> (Network, Demand) {
    let node = |x: u32, y: u32| y * side + x;
    let mut links = Vec::new();
    let mut road = |from: u32, to: u32, main: bool| {
        let (capacity, speed_kmh) = if main { (1800.0, 50.0) } else { (600.0, 30.0) };
        links.push(Link {
            from,
            to,
            capacity,
            length: 0.2,
            free_flow_time: 0.2 / speed_kmh * 60.0,
            b: 0.15,
            power: 4.0,
            toll: 0.0,
            fixed_cost: 0.0,
        });
    };
    for y in 0..side {
        for x in 0..side {
            if x + 1 < side {
                road(node(x, y), node(x + 1, y), y % 5 == 0);
                road(node(x + 1, y), node(x, y), y % 5 == 0);
            }
            if y + 1 < side {
                road(node(x, y), node(x, y + 1), x % 5 == 0);
                road(node(x, y + 1), node(x, y), x % 5 == 0);
            }
        }
    }
    let zones: Vec<u32> = (0..side * side)
        .step_by((side * side / 200) as usize)
        .take(200)
        .collect();
    let demand = Demand {
        origins: zones
            .iter()
            .map(|&o| {
                let trips = zones
                    .iter()
                    .filter(|&&d| d != o)
                    .map(|&d| {
                        let dx = (o % side).abs_diff(d % side) as f64;
                        let dy = (o / side).abs_diff(d / side) as f64;
                        (d, 10.0 / (1.0 + 0.1 * (dx + dy)))
                    })
                    .collect();
                (o, trips)
            })
            .collect(),
    };
    // Zones are ordinary crossings here, so every node is a through node.
    let names = (1..=(side * side) as u64).collect();
    (Network::new(names, links, 0, 0), demand)
}

fn main() {
    if std::env::var_os("PW_BENCH_GRID_ONLY").is_none() {
        chicago_runs();
    }
    grid_runs();
}

fn chicago_runs() {
    let mut network = tntp::read_network(&chicago("ChicagoSketch_net.tntp")).unwrap();
    network.weigh_length_and_toll(0.04, 0.0);
    let demand = tntp::read_demand(&chicago("ChicagoSketch_trips.tntp"), &network).unwrap();
    println!("Chicago-Sketch: seconds to relative gap {GAPS:?}");
    for threads in [1, 2] {
        for algorithm in [
            Algorithm::GradientProjection,
            Algorithm::BiconjugateFrankWolfe,
        ] {
            let t = ours(&network, &demand, algorithm, threads);
            println!("  ours {algorithm:?}, {threads} thread(s): {t:.3?}");
        }
        let gp = ours(&network, &demand, Algorithm::GradientProjection, threads);
        for (i, &gap) in GAPS.iter().enumerate() {
            match aequilibrae(gap, threads) {
                Some(peer) => println!(
                    "  AequilibraE bfw, {threads} core(s), gap {gap:e}: {peer:.3} s — ours {:.3} s, {:.1}× faster",
                    gp[i],
                    peer / gp[i]
                ),
                None => println!("  AequilibraE not available"),
            }
        }
    }
}

fn grid_runs() {
    let (city, city_demand) = grid_city(50);
    println!(
        "grid city (stand-in for Jena): {} nodes, {} links, 200 zones, {:.0} trips",
        city.node_count(),
        city.links.len(),
        city_demand.total()
    );
    let settings = AssignmentSettings::default();
    let job = pw_job::JobControl::new();
    let t = Instant::now();
    let before = assign(&city, &city_demand, &settings, &job).unwrap();
    let saturated = (0..city.links.len())
        .filter(|&i| before.flows[i] > city.links[i].capacity)
        .count();
    println!(
        "  assign to gap {:e}: {:.3} s, {} iterations; {saturated} links over capacity",
        settings.relative_gap,
        t.elapsed().as_secs_f64(),
        before.log.len()
    );
    // The edit: close the busiest link.
    let busiest = (0..city.links.len())
        .max_by(|&a, &b| before.flows[a].total_cmp(&before.flows[b]))
        .unwrap();
    let mut links = city.links.clone();
    links.remove(busiest);
    let edited = Network::new(city.node_names.clone(), links, 0, 0);
    let t = Instant::now();
    let after = assign(&edited, &city_demand, &settings, &job).unwrap();
    println!(
        "  re-assign after closing the busiest link ({:.0} veh/h): {:.3} s, {} iterations",
        before.flows[busiest],
        t.elapsed().as_secs_f64(),
        after.log.len()
    );
}
