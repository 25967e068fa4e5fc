//! The local-inertial scheme beside landlab's `OverlandFlow` (the same
//! scheme by de Almeida et al. 2012, PyPI `landlab` 2.11) on the same
//! grids: Hunter's wetting front and rain on a tilted plane run to its
//! steady state, each also against its analytic solution.
//!
//! Needs a Python with landlab (PW_LANDLAB_PYTHON, or the venv
//! `.ci/peers-setup` makes); `tools/test` installs it.

use pw_flood::shallow::{Domain, Edge, Edges, Hyetograph, Settings, Simulation};
use std::path::PathBuf;
use std::process::Command;

struct Peer {
    depth: Vec<f64>,
    steps: f64,
}

fn landlab(case: &str) -> Peer {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("PW_LANDLAB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../../.ci/peers-venv/bin/python"));
    let out = Command::new(&python)
        .arg(root.join("tests/peers/landlab_overland.py"))
        .arg(case)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {} ({e}): run .ci/peers-setup",
                python.display()
            )
        });
    assert!(
        out.status.success(),
        "landlab failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Peer {
        depth: v["depth"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_f64().unwrap())
            .collect(),
        steps: v["steps"].as_f64().unwrap(),
    }
}

/// Hunter et al. (2005) as de Almeida et al. (2012) and landlab's test set
/// it up: 25 m cells, n = 0.01, u = 0.4 m/s, 1 h, the west column held at
/// h(0, t). landlab's node k is our cell k.
#[test]
fn hunter_front_beside_landlab() {
    let (cols, dx, n, u, t_end) = (240usize, 25.0, 0.01f32, 0.4f64, 3600.0);
    let exact = |x: f64, t: f64| -> f64 {
        let s = u * t - x;
        if s <= 0.0 {
            0.0
        } else {
            ((7.0 / 3.0) * (n as f64).powi(2) * u * u * s).powf(3.0 / 7.0)
        }
    };
    let mut domain = Domain::new(cols, 1, dx, dx, vec![0.0; cols], n);
    domain.edges.east = Edge::Open;
    let mut sim = Simulation::new(domain, Settings::default()).unwrap();
    while sim.time() < t_end - 1e-9 {
        let t = sim.time();
        sim.state_mut().depth[0] = exact(0.0, t) as f32;
        let dt = sim.stable_step().min(t_end - t);
        sim.step(dt);
    }
    let peer = landlab("hunter");
    let ours = &sim.state().depth;
    let (mut to_peer, mut ours_exact, mut peer_exact, mut cells) = (0.0, 0.0, 0.0, 0);
    for k in 1..cols {
        let e = exact(k as f64 * dx, t_end);
        if e > 0.0 {
            to_peer += (ours[k] as f64 - peer.depth[k]).abs();
            ours_exact += (ours[k] as f64 - e).abs();
            peer_exact += (peer.depth[k] - e).abs();
            cells += 1;
        }
    }
    let n_cells = cells as f64;
    println!(
        "Hunter, {cells} wet cells: ours − landlab {:.4} m, ours − exact {:.4} m, landlab − exact {:.4} m (MAE); steps ours {} landlab {}",
        to_peer / n_cells,
        ours_exact / n_cells,
        peer_exact / n_cells,
        sim.steps(),
        peer.steps
    );
    assert!(cells > 50);
    assert!(
        ours_exact <= peer_exact * 1.1 + 1e-3 * n_cells,
        "further from the solution than landlab"
    );
    assert!(
        to_peer / n_cells < 0.05,
        "ours and landlab differ by {} m",
        to_peer / n_cells
    );
}

/// Rain (50 mm/h) on a plane falling 1 % to the east (5 m cells, n = 0.03)
/// until it runs off steadily: the kinematic steady state is
/// h(x) = (n·r·x/√S)^(3/5) at x from the divide. landlab's grid has a
/// ring of boundary nodes around ours: our cell (c, r) is its node
/// (c + 1, r + 1).
#[test]
fn rain_on_a_plane_beside_landlab() {
    let (cols, rows, dx, slope, n) = (38usize, 3usize, 5.0, 0.01, 0.03f32);
    let rain = 0.05 / 3600.0;
    let ground: Vec<f32> = (0..rows)
        .flat_map(|_| (0..cols).map(|c| ((39 - (c + 1)) as f64 * dx * slope + 1.0) as f32))
        .collect();
    let mut domain = Domain::new(cols, rows, dx, dx, ground, n);
    domain.edges = Edges {
        east: Edge::Open,
        ..Edges::all(Edge::Closed)
    };
    let mut sim = Simulation::new(domain, Settings::default())
        .unwrap()
        .with_rain(Hyetograph::new(vec![(0.0, rain)]).unwrap());
    sim.run_until(3600.0, |_| true);
    let peer = landlab("plane");
    let ours = &sim.state().depth[cols..2 * cols];
    let steady = |c: usize| {
        let x = (c as f64 + 0.5) * dx;
        ((n as f64) * rain * x / slope.sqrt()).powf(0.6)
    };
    let (mut to_peer, mut ours_exact, mut peer_exact) = (0.0, 0.0, 0.0);
    // The last cells feel how each lets the water leave; compare inside.
    let inner = cols - 3;
    for c in 0..inner {
        let theirs = peer.depth[c + 1];
        to_peer += ((ours[c] as f64 - theirs) / theirs).abs();
        ours_exact += ((ours[c] as f64 - steady(c)) / steady(c)).abs();
        peer_exact += ((theirs - steady(c)) / steady(c)).abs();
    }
    let m = inner as f64;
    println!(
        "plane: mean relative difference ours − landlab {:.3}, ours − steady {:.3}, landlab − steady {:.3}; outlet depth ours {:.4} landlab {:.4} steady {:.4} m; balance {:.1e}",
        to_peer / m,
        ours_exact / m,
        peer_exact / m,
        ours[cols - 1],
        peer.depth[cols],
        steady(cols - 1),
        sim.balance().relative_error()
    );
    // landlab lies 18 % above the steady state (its outlet node holds no
    // water, its limiters cut the discharge); ours within 6 % (4.6 %).
    assert!(
        ours_exact / m < 0.06,
        "ours is {:.1} % off the steady state",
        ours_exact / m * 100.0
    );
    assert!(
        ours_exact <= peer_exact,
        "further from the steady state than landlab"
    );
    assert!(
        to_peer / m < 0.2,
        "ours and landlab differ by {:.1} %",
        to_peer / m * 100.0
    );
    assert!(sim.balance().relative_error().abs() < 1e-4);
}
