//! Heavy rain on a real place, whole runs through the framework: the
//! OpenStreetMap buildings and land cover of north Bayreuth on the SRTM
//! terrain, a 1 km² area, 100 mm in 1 h. Prints cells, steps, seconds and
//! cell updates per second; the target is 1 m cells (1 M cells) and 3 h
//! simulated in under 60 s on 2 cores.
//!
//! Then the static level alone on the Vinschgau DEM resampled to over
//! 100 M cells (target: under 5 s).
//!
//! `cargo bench -p pw-flood --bench rain`; PW_FLOOD_CELL (m, default 2),
//! PW_FLOOD_MINUTES (default 180) and PW_FLOOD_LEVEL_CELL (m, default 1:
//! the static level on the same area) change the run; PW_FLOOD_ONLY=landlab
//! runs only the plane beside landlab, PW_FLOOD_PLANE_MINUTES only ours,
//! that long (timing the kernel).

#[path = "../tests/common/bayreuth.rs"]
mod bayreuth;

use pw_analysis::{Analysis, ParamValues, Value};
use pw_flood::framework::FloodAnalysis;
use pw_flood::{Connectivity, WaterSurface, flood};
use pw_terrain::Grid;
use std::time::Instant;

fn env(key: &str, default: f64) -> f64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // PW_FLOOD_ONLY=landlab: only the run beside landlab.
    if std::env::var("PW_FLOOD_ONLY").as_deref() == Ok("landlab") {
        beside_landlab();
        return;
    }
    let cell = env("PW_FLOOD_CELL", 2.0);
    let minutes = env("PW_FLOOD_MINUTES", 180.0);
    let t = Instant::now();
    let s = bayreuth::scenario("Bestand");
    println!("scenario read in {:.1} s", t.elapsed().as_secs_f64());
    let a = FloodAnalysis;
    let area = [686_300.0, 5_539_000.0, 687_300.0, 5_540_000.0];
    let mut v = ParamValues::defaults(&a.params());
    v.set(
        "area",
        Value::Area(Some(pw_analysis::Area::new(
            area[0], area[1], area[2], area[3],
        ))),
    );
    v.set("cell", Value::Number(cell));
    v.set("minutes", Value::Number(minutes));
    let t = Instant::now();
    let r = pw_analysis::run_checked(&a, &v, &s, &pw_analysis::JobControl::new()).unwrap();
    let seconds = t.elapsed().as_secs_f64();
    let grid = &r.ground.as_ref().unwrap().grid;
    let cells = (grid.width * grid.height) as f64;
    let steps: f64 = r
        .stamp
        .details
        .iter()
        .find(|(k, _)| k == "steps")
        .unwrap()
        .1
        .parse()
        .unwrap();
    println!(
        "rain {cell} m cells ({cells:.0}), {minutes} min simulated: {seconds:.1} s, {steps:.0} steps, {:.3e} cell updates/s, balance error {:.4} %",
        cells * steps / seconds,
        r.kpi("balance_error_pct").unwrap().value
    );
    let level_cell = env("PW_FLOOD_LEVEL_CELL", 1.0);
    v.set("mode", Value::Text("level".into()));
    v.set("cell", Value::Number(level_cell));
    let t = Instant::now();
    let r = pw_analysis::run_checked(&a, &v, &s, &pw_analysis::JobControl::new()).unwrap();
    println!(
        "level {level_cell} m cells: {:.2} s (terrain sampled, buildings burnt in, flooded {:.0} m²)",
        t.elapsed().as_secs_f64(),
        r.kpi("area_flooded").unwrap().value
    );

    beside_landlab();
    big_level();
}

/// Rain on a plane of 500 × 500 cells for 10 simulated minutes, ours and
/// landlab's `OverlandFlow` (from `.ci/peers-venv` or PW_LANDLAB_PYTHON)
/// in the same run: cell updates per second and their ratio.
fn beside_landlab() {
    use pw_flood::shallow::{Domain, Edge, Edges, Hyetograph, Settings, Simulation};
    let (rows, cols, dx) = (500usize, 500usize, 5.0);
    // landlab's grid has a ring of boundary nodes around our cells.
    let (w, h) = (cols - 2, rows - 2);
    let ground: Vec<f32> = (0..h)
        .flat_map(|_| (0..w).map(|c| ((cols - 1 - (c + 1)) as f64 * dx * 0.01 + 1.0) as f32))
        .collect();
    let mut domain = Domain::new(w, h, dx, dx, ground, 0.03);
    domain.edges = Edges {
        east: Edge::Open,
        ..Edges::all(Edge::Closed)
    };
    let mut sim = Simulation::new(domain, Settings::default())
        .unwrap()
        .with_rain(Hyetograph::new(vec![(0.0, 0.05 / 3600.0)]).unwrap());
    let t = Instant::now();
    sim.run_until(env("PW_FLOOD_PLANE_MINUTES", 10.0) * 60.0, |_| true);
    let ours_s = t.elapsed().as_secs_f64();
    let ours = (w * h) as f64 * sim.steps() as f64 / ours_s;
    println!(
        "plane {w} × {h}, 10 min: ours {ours_s:.2} s, {} steps, {ours:.3e} cell updates/s",
        sim.steps()
    );
    if std::env::var("PW_FLOOD_PLANE_MINUTES").is_ok() {
        // A longer run of ours alone (timing the kernel), no landlab.
        return;
    }
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("PW_LANDLAB_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("../../.ci/peers-venv/bin/python"));
    match std::process::Command::new(&python)
        .arg(root.join("tests/peers/landlab_overland.py"))
        .arg("speed")
        .output()
    {
        Ok(out) if out.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let (cells, steps, seconds) = (
                v["cells"].as_f64().unwrap(),
                v["steps"].as_f64().unwrap(),
                v["seconds"].as_f64().unwrap(),
            );
            // landlab updates its core nodes only.
            let theirs = (cells - 2.0 * (rows + cols) as f64 + 4.0) * steps / seconds;
            println!(
                "landlab OverlandFlow: {seconds:.2} s, {steps} steps, {theirs:.3e} cell updates/s; ours / landlab = {:.1}×",
                ours / theirs
            );
        }
        Ok(out) => println!("landlab failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => println!("landlab not run ({e}): run .ci/peers-setup"),
    }
}

/// The Vinschgau valley (252 × 194 cells of 250 m) resampled bilinearly
/// by 46 per side: 11 592 × 8 924 = 103 M cells of 5.4 m; the valley
/// flooded to 1 500 m above its lowest inner cell (30 M cells).
fn big_level() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem/vinschgau/elev_vinschgau.tif");
    let (dem, _) = pw_terrain::geotiff::read_file(&path).unwrap();
    let k = 46usize;
    let (w, h) = (dem.width * k, dem.height * k);
    let (dx, dy) = (dem.dx / k as f64, dem.dy / k as f64);
    let t = Instant::now();
    let values: Vec<f32> = {
        use rayon::prelude::*;
        (0..h)
            .into_par_iter()
            .flat_map_iter(|r| {
                let dem = &dem;
                (0..w).map(move |c| {
                    let x = dem.x0 + (c as f64 + 0.5) * dx;
                    let y = dem.y0 - (r as f64 + 0.5) * dy;
                    dem.height(x, y).map_or(f32::NAN, |z| z as f32)
                })
            })
            .collect()
    };
    let big = Grid {
        width: w,
        height: h,
        x0: dem.x0,
        y0: dem.y0,
        dx,
        dy,
        values,
        crs: dem.crs,
    };
    println!(
        "resampled to {w} × {h} = {:.1} M cells in {:.1} s",
        (w * h) as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let (lowest, z) = big
        .values
        .iter()
        .enumerate()
        .filter(|(i, z)| z.is_finite() && i % w > 0 && i % w < w - 1 && i / w > 0 && i / w < h - 1)
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    let (x, y) = big.cell_centre(lowest % w, lowest / w);
    let t = Instant::now();
    let lake = flood(
        &big,
        &WaterSurface::flat(*z as f64 + 1500.0, [x, y]),
        Connectivity::Eight,
    )
    .unwrap();
    println!(
        "static level on {:.1} M cells: {:.2} s, {:.1} M cells flooded ({:.0} km²)",
        (w * h) as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        lake.cells as f64 / 1e6,
        lake.area / 1e6
    );
}
