//! The local-inertial scheme against solutions no one here wrote: the
//! wetting front of Hunter et al. (2005) as de Almeida et al. (2012) set it
//! up, the SWASHES MacDonald channels with the references and limits of
//! the itzi test suite, and mass conservation in a closed basin of real
//! terrain.
//!
//! Not here: Ritter's dam break and Thacker's paraboloid. Both need the
//! advection term the local-inertial equations leave out (Froude ≥ 1 at
//! the dam; u·∇·(hu) in the bowl), and the scheme misses them as
//! de Almeida & Bates (2013) describe — measured at θ = 0.7: depth at the dam
//! 0.59 h0 instead of 4/9 h0, front at a third of 2·c0·t; the circling
//! surface loses 60 % of its swing in one period.

use pw_flood::shallow::{Domain, Edge, Edges, Hyetograph, Inflow, Settings, Simulation};

fn channel(cells: usize, dx: f64, ground: Vec<f32>, manning: f32) -> Domain {
    Domain::new(cells, 1, dx, dx, ground, manning)
}

/// Hunter et al. (2005): water pushed at a constant speed u onto a flat,
/// dry, rough plane. Behind the front h(x,t) = [7/3·n²·u²·(u·t − x)]^(3/7).
/// The channel's west side lets in the solution's discharge u·h(0, t);
/// de Almeida et al.'s case: 25 m cells, n = 0.01, u = 0.4 m/s, 1 h.
#[test]
fn hunter_wetting_front() {
    let (n, dx, manning, u) = (240usize, 25.0, 0.01f32, 0.4f64);
    let exact = |x: f64, t: f64| -> f64 {
        let s = u * t - x;
        if s <= 0.0 {
            0.0
        } else {
            ((7.0 / 3.0) * (manning as f64).powi(2) * u * u * s).powf(3.0 / 7.0)
        }
    };
    let t_end = 3600.0;
    let hydrograph = (0..=(t_end as usize))
        .step_by(10)
        .map(|t| (t as f64, u * exact(0.0, t as f64) * dx))
        .collect();
    let mut sim = Simulation::new(channel(n, dx, vec![0.0; n], manning), Settings::default())
        .unwrap()
        .with_inflows(vec![Inflow {
            cells: vec![0],
            hydrograph,
        }])
        .unwrap();
    sim.run_until(t_end, |_| true);
    let h = &sim.state().depth;
    let (mut err, mut cells, mut worst) = (0.0, 0, 0.0f64);
    for k in 0..n {
        let x = (k as f64 + 0.5) * dx;
        let e = exact(x, t_end);
        if e > 0.0 {
            let d = (h[k] as f64 - e).abs();
            err += d;
            worst = worst.max(d);
            cells += 1;
        }
    }
    let front = ((0..n).rev().find(|k| h[*k] > 1e-3).unwrap() + 1) as f64 * dx;
    println!(
        "Hunter t={t_end}s: {cells} wet cells, MAE {:.4} m, worst {worst:.4} m, front {front} m (exact {} m), balance {:.1e}",
        err / cells as f64,
        u * t_end,
        sim.balance().relative_error()
    );
    assert!(cells >= 55, "{cells} wet cells");
    assert!(err / cells as f64 <= 0.005, "MAE {} m", err / cells as f64);
    assert!(worst <= 0.04, "worst {worst} m (at the front)");
    assert!((front - u * t_end).abs() <= 2.0 * dx, "front at {front} m");
    assert!(
        sim.balance().relative_error().abs() < 1e-5,
        "{:?}",
        sim.balance()
    );
}

fn macdonald(name: &str) -> (Vec<f32>, Vec<f64>) {
    let path = format!(
        "{}/../../../shared/data/flood/swashes_macdonald/{name}.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut ground = Vec::new();
    let mut wse = Vec::new();
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.trim().parse().unwrap()).collect();
        ground.push(v[1] as f32);
        wse.push(v[2]);
    }
    assert_eq!(ground.len(), 200);
    (ground, wse)
}

/// itzi's test: 3 rows × 200 columns of 5 m, n = 0.033, inflow into the
/// westmost column, the east side open, the others closed; the mean
/// absolute error of the final water surface along the centre row must
/// stay below the limit and the north–south discharge zero. `turned`: the
/// same channel running north → south (the south side open), which must
/// give the same depths — the scheme has no favourite direction.
fn run_macdonald(
    name: &str,
    inflow_rate: f64,
    rain: f64,
    minutes: f64,
    limit: f64,
    turned: bool,
) -> Vec<f32> {
    let (profile, wse) = macdonald(name);
    let (n, dx) = (200usize, 5.0);
    // Cell of (along the channel, across it).
    let cell = |along: usize, across: usize| {
        if turned {
            along * 3 + across
        } else {
            across * n + along
        }
    };
    let mut ground = vec![0.0f32; 3 * n];
    for along in 0..n {
        for across in 0..3 {
            ground[cell(along, across)] = profile[along];
        }
    }
    let (w, h) = if turned { (3, n) } else { (n, 3) };
    let mut domain = Domain::new(w, h, dx, dx, ground, 0.033);
    domain.edges = if turned {
        Edges {
            south: Edge::Open,
            ..Edges::all(Edge::Closed)
        }
    } else {
        Edges {
            east: Edge::Open,
            ..Edges::all(Edge::Closed)
        }
    };
    let settings = Settings {
        max_step: 2.0,
        courant: 0.5,
        ..Settings::default()
    };
    let cells: Vec<usize> = (0..3).map(|across| cell(0, across)).collect();
    // itzi's inflow is a rate per area (m/s) on each cell of the column.
    let discharge = inflow_rate * dx * dx * cells.len() as f64;
    let rain = if rain > 0.0 {
        Hyetograph::new(vec![(0.0, rain)]).unwrap()
    } else {
        Hyetograph::default()
    };
    let mut sim = Simulation::new(domain, settings)
        .unwrap()
        .with_rain(rain)
        .with_inflows(vec![Inflow {
            cells,
            hydrograph: vec![(0.0, discharge)],
        }])
        .unwrap();
    sim.run_until(minutes * 60.0, |_| true);
    let depth: Vec<f32> = (0..n)
        .map(|along| sim.state().depth[cell(along, 1)])
        .collect();
    let mae = (0..n)
        .map(|c| ((profile[c] + depth[c]) as f64 - wse[c]).abs())
        .sum::<f64>()
        / n as f64;
    // The discharge across the channel.
    let across = if turned {
        &sim.state().qx
    } else {
        &sim.state().qy
    };
    let across_max = across.iter().fold(0.0f32, |m, q| m.max(q.abs()));
    println!(
        "{name}{}: MAE of the water surface {mae:.4} m (limit {limit}), across ≤ {across_max:e}, {} steps, balance error {:.2e}",
        if turned { " (north → south)" } else { "" },
        sim.steps(),
        sim.balance().relative_error()
    );
    assert!(mae < limit, "{name}: MAE {mae} m");
    assert!(across_max < 1e-6, "{name}: discharge across {across_max}");
    assert!(
        sim.balance().relative_error().abs() < 1e-4,
        "{:?}",
        sim.balance()
    );
    depth
}

fn same_turned(name: &str, inflow_rate: f64, rain: f64, minutes: f64, limit: f64) {
    let east = run_macdonald(name, inflow_rate, rain, minutes, limit, false);
    let south = run_macdonald(name, inflow_rate, rain, minutes, limit, true);
    let worst = east
        .iter()
        .zip(&south)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(
        worst < 1e-4,
        "{name}: turned by 90° the depths differ by {worst} m"
    );
}

#[test]
fn swashes_macdonald_long_channel() {
    same_turned("mcdo_norain", 0.4, 0.0, 20.0, 0.03);
}

#[test]
fn swashes_macdonald_long_channel_with_rain() {
    same_turned("mcdo_rain", 0.2, 0.001, 40.0, 0.035);
}

/// 100 mm of rain in one hour on a closed basin of real terrain (a
/// 250 m DEM of the Vinschgau; its cells without data stand as walls): after two hours every drop is
/// still on the grid, gathered in its hollows.
#[test]
fn rain_on_a_closed_basin_keeps_its_water() {
    let path = format!(
        "{}/../../../shared/data/dem/vinschgau/elev_vinschgau.tif",
        env!("CARGO_MANIFEST_DIR")
    );
    let (dem, _) = pw_terrain::geotiff::read_file(std::path::Path::new(&path)).unwrap();
    println!(
        "Vinschgau DEM {} × {} cells of {} m",
        dem.width, dem.height, dem.dx
    );
    let (w, h) = (dem.width.min(200), dem.height.min(200));
    let (c0, r0) = ((dem.width - w) / 2, (dem.height - h) / 2);
    let ground: Vec<f32> = (0..h)
        .flat_map(|r| (0..w).map(move |c| (r, c)))
        .map(|(r, c)| dem.values[(r0 + r) * dem.width + c0 + c])
        .collect();
    let active = ground.iter().filter(|z| z.is_finite()).count();
    assert!(active > 30_000, "{active} cells with ground");
    let domain = Domain::new(w, h, dem.dx, dem.dy, ground, 0.05);
    let rain = Hyetograph::block(100.0, 60.0);
    let mut sim = Simulation::new(domain, Settings::default())
        .unwrap()
        .with_rain(rain.clone());
    sim.run_until(7200.0, |_| true);
    let b = sim.balance();
    let fallen = rain.total() * active as f64 * dem.dx * dem.dy;
    println!(
        "closed basin {w}×{h} ({active} with ground) × {} m: rain {:.0} m³ (expected {fallen:.0}), stored {:.0} m³, error {:.2e}, {} steps, deepest {:.2} m",
        dem.dx,
        b.rain,
        b.stored,
        b.relative_error(),
        sim.steps(),
        sim.max_depth.iter().fold(0.0f32, |m, d| m.max(*d))
    );
    assert!(
        (b.rain - fallen).abs() / fallen < 1e-6,
        "rain {} of {fallen}",
        b.rain
    );
    assert_eq!(b.outflow, 0.0);
    assert!(b.relative_error().abs() < 1e-3, "{b:?}");
    assert!(
        (b.stored - fallen).abs() / fallen < 1e-3,
        "stored {} of {fallen}",
        b.stored
    );
    assert!(sim.state().depth.iter().all(|d| *d >= 0.0));
}
