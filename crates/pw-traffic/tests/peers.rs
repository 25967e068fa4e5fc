//! Our equilibrium beside AequilibraE's (PyPI `aequilibrae` 1.7.2, its
//! bi-conjugate Frank–Wolfe) on the same TNTP networks. Issue 19: the same
//! flows within 0.5 % or 1 veh/h on ≥ 99 % of the links whose cost rises
//! with volume.
//!
//! Needs a Python with `aequilibrae` (PW_AEQUILIBRAE_PYTHON, or the venv
//! `.ci/peers-setup` makes); `.ci/run` installs it. AequilibraE stops at
//! gap 1e-6 on Chicago, 1e-5 on Sioux Falls (tighter runs take minutes); ours goes to 1e-10, so
//! what differs is AequilibraE's remaining gap. Anaheim is left out: at
//! 1e-6 AequilibraE's own flows are off the published solution on ≈ 8 % of
//! the links (ours match it on all, see benchmark_networks.rs).

use pw_traffic::{Algorithm, AssignmentSettings, assign, tntp};
use std::path::PathBuf;
use std::process::Command;

fn data(dir: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/traffic/tntp")
        .join(dir)
        .join(file)
}

fn python() -> PathBuf {
    std::env::var_os("PW_AEQUILIBRAE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.ci/peers-venv/bin/python")
        })
}

/// AequilibraE's flows per link, in the net file's order.
fn aequilibrae(dir: &str, prefix: &str, gap: f64, minutes_per_length: f64) -> Vec<f64> {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("aequilibrae_{prefix}.csv"));
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/aequilibrae_assign.py");
    let output = Command::new(python())
        .arg(script)
        .arg("--net")
        .arg(data(dir, &format!("{prefix}_net.tntp")))
        .arg("--trips")
        .arg(data(dir, &format!("{prefix}_trips.tntp")))
        .args([
            "--gap",
            &gap.to_string(),
            "--algorithm",
            "bfw",
            "--cores",
            "1",
        ])
        .args(["--length-cost", &minutes_per_length.to_string()])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("the AequilibraE Python (run .ci/peers-setup)");
    assert!(
        output.status.success(),
        "AequilibraE failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!(
        "AequilibraE: {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
    std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .skip(1)
        .map(|row| row.split(',').nth(2).unwrap().parse().unwrap())
        .collect()
}

fn same_flows(dir: &str, prefix: &str, peer_gap: f64, minutes_per_length: f64) {
    let mut network = tntp::read_network(&data(dir, &format!("{prefix}_net.tntp"))).unwrap();
    network.weigh_length_and_toll(minutes_per_length, 0.0);
    let demand = tntp::read_demand(&data(dir, &format!("{prefix}_trips.tntp")), &network).unwrap();
    let settings = AssignmentSettings {
        relative_gap: 1e-10,
        algorithm: Algorithm::GradientProjection,
        ..Default::default()
    };
    let ours = assign(&network, &demand, &settings, &pw_job::JobControl::new()).unwrap();
    let peer = aequilibrae(dir, prefix, peer_gap, minutes_per_length);
    assert_eq!(peer.len(), network.links.len());
    let (mut congestible, mut within, mut worst) = (0, 0, 0.0f64);
    for (i, link) in network.links.iter().enumerate() {
        if !link.is_congestible() {
            continue;
        }
        congestible += 1;
        let diff = (ours.flows[i] - peer[i]).abs();
        worst = worst.max(diff);
        if diff <= 1.0 || diff <= 0.005 * peer[i] {
            within += 1;
        }
    }
    let share = within as f64 / congestible as f64;
    println!(
        "{prefix}: {within}/{congestible} links within 0.5 % or 1 veh of AequilibraE ({:.2} %), worst {worst:.1} veh",
        share * 100.0
    );
    assert!(share >= 0.99, "{prefix}: {:.2} %", share * 100.0);
}

#[test]
fn sioux_falls_flows_are_those_of_aequilibrae() {
    same_flows("SiouxFalls", "SiouxFalls", 1e-5, 0.0);
}

#[test]
fn chicago_sketch_flows_are_those_of_aequilibrae() {
    same_flows("Chicago-Sketch", "ChicagoSketch", 1e-6, 0.04);
}
