//! Viewsheds beside `gdal_viewshed` in one run, on the same file:
//!
//! 1. One viewshed on the Vinschgau DEM resampled to 103 M cells (5.4 m)
//!    with "buildings" burnt in (blocks 20 m high on a regular pattern, so
//!    both programs see the same surface model): GDAL reads, computes and
//!    writes the GeoTIFF; ours is timed computing alone and with reading
//!    and writing the same files. Target: at least as fast as GDAL.
//! 2. Dragging the observer: a 1 km radius viewshed at 1 m (3.1 M cells)
//!    from 20 places along a line, each from scratch; updates per second.
//!    Target: ≥ 10 per second.
//!
//!    The same through the framework, as the workbench drags it: north
//!    Bayreuth (OpenStreetMap buildings on SRTM), the surface built once
//!    for 1 km plus 500 m of room (9 M cells), then 20 positions 25 m
//!    apart, each a live preview.
//!
//! 3. From where a planned 60 m tower is seen: the NRW demo tile with the
//!    tower in its middle, people every 5 m over 2 km × 2 km, the surface
//!    at 1 m (4 M cells), through the framework. Target: < 60 s.
//!
//! `cargo bench -p pw-view --bench viewshed`; PW_VIEW_ONLY=drag|live|tower runs
//! only that part (the big one writes 0.5 GB to target/bench-data/).

#[path = "../../pw-flood/tests/common/bayreuth.rs"]
mod bayreuth;
#[path = "../tests/common/mod.rs"]
mod common;

use pw_terrain::Grid;
use pw_view::{Sight, rays, sweep};
use std::path::PathBuf;
use std::time::Instant;

fn vinschgau() -> Grid {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem/vinschgau/elev_vinschgau.tif");
    pw_terrain::geotiff::read_file(&path).unwrap().0
}

/// The DEM resampled bilinearly by `k` per side, with 20 m blocks of
/// 4 × 3 cells every 10 cells burnt in.
fn surface_model(dem: &Grid, k: usize) -> Grid {
    use rayon::prelude::*;
    let (w, h) = (dem.width * k, dem.height * k);
    let (dx, dy) = (dem.dx / k as f64, dem.dy / k as f64);
    let values: Vec<f32> = (0..h)
        .into_par_iter()
        .flat_map_iter(|r| {
            (0..w).map(move |c| {
                let x = dem.x0 + (c as f64 + 0.5) * dx;
                let y = dem.y0 - (r as f64 + 0.5) * dy;
                let block = c % 10 < 4 && r % 10 < 3;
                dem.height(x, y)
                    .map_or(f32::NAN, |z| z as f32 + if block { 20.0 } else { 0.0 })
            })
        })
        .collect();
    Grid {
        width: w,
        height: h,
        dx,
        dy,
        values,
        ..dem.clone()
    }
}

fn out_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data/view");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn main() {
    let only = std::env::var("PW_VIEW_ONLY").unwrap_or_default();
    if only.is_empty() {
        big();
    }
    if only.is_empty() || only == "drag" {
        drag();
    }
    if only.is_empty() || only == "live" {
        live();
    }
    if only.is_empty() || only == "tower" {
        tower();
    }
}

/// Dragging through the framework: one preparation, then previews.
fn live() {
    use pw_analysis::{Analysis, JobControl, Point, Value};
    let s = bayreuth::scenario("Bestand");
    let a = pw_view::ViewAnalysis;
    let at = |x: f64, y: f64| Value::Point(Some(Point { x, y, z: None }));
    let start = [686_400.0, 5_539_500.0];
    let mut v = a.defaults();
    v.set("observer", at(start[0], start[1]));
    v.set("distance", Value::Number(1000.0));
    let t = Instant::now();
    let live = a.prepare_live(&v, &s, &JobControl::default()).unwrap();
    let prepared = t.elapsed().as_secs_f64();
    let mut times = Vec::new();
    for step in 0..20 {
        v.set("observer", at(start[0] + step as f64 * 25.0, start[1]));
        assert!(live.serves(&v));
        let t = Instant::now();
        let g = live.update(&v).unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert!(g.grid.values.contains(&1.0));
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "dragging through the framework (north Bayreuth, 1 km at 1 m): surface prepared in {:.2} s, then median {:.1} ms, worst {:.1} ms → {:.0} updates/s",
        prepared,
        median * 1e3,
        times.last().unwrap() * 1e3,
        1.0 / median
    );
}

fn tower() {
    use pw_analysis::{Analysis, Point, Value};
    let mut s = common::bestand();
    s.name = "Hochhaus".into();
    // 20 storeys of 3 m on 24 m × 24 m, on open ground in the tile.
    let (cx, cy) = (280_700.0, 5_657_650.0);
    let footprint = vec![
        [cx - 12.0, cy - 12.0],
        [cx + 12.0, cy - 12.0],
        [cx + 12.0, cy + 12.0],
        [cx - 12.0, cy + 12.0],
    ];
    let mut tower = pw_plan::Volume::new("Turm", footprint, 20);
    tower.storey_height = 3.0;
    let object = tower.to_object(36.0);
    s.edits.added.push(std::sync::Arc::new(pw_city::CityModel {
        objects: vec![object],
        ..Default::default()
    }));
    let a = pw_view::ViewAnalysis;
    let mut v = a.defaults();
    v.set("mode", Value::Text("object".into()));
    v.set(
        "object_at",
        Value::Point(Some(Point {
            x: cx,
            y: cy,
            z: Some(96.0),
        })),
    );
    v.set(
        "area",
        Value::Area(Some(pw_analysis::Area::new(
            cx - 1000.0,
            cy - 1000.0,
            cx + 1000.0,
            cy + 1000.0,
        ))),
    );
    let t = Instant::now();
    let r = pw_analysis::run_checked(&a, &v, &s, &pw_analysis::JobControl::new()).unwrap();
    let seconds = t.elapsed().as_secs_f64();
    let g = &r.ground.as_ref().unwrap().grid;
    let observers = g.values.iter().filter(|v| v.is_finite()).count();
    let samples = r
        .stamp
        .details
        .iter()
        .find(|(k, _)| k == "samples")
        .unwrap()
        .1
        .clone();
    println!(
        "tower 60 m seen from {:.2} km² of 4 km² ({observers} observers every 5 m, surface 1 m): {seconds:.1} s, {:.0} observers/s, samples {samples}",
        r.kpi("seen_from_m2").unwrap().value / 1e6,
        observers as f64 / seconds
    );
}

fn big() {
    let dem = vinschgau();
    let t = Instant::now();
    let g = surface_model(&dem, 46);
    let cells = (g.width * g.height) as f64;
    println!(
        "surface model {} × {} = {:.0} M cells of {:.2} m built in {:.1} s",
        g.width,
        g.height,
        cells / 1e6,
        g.dx,
        t.elapsed().as_secs_f64()
    );
    let dir = out_dir();
    let input = dir.join("vinschgau_103M.tif");
    pw_terrain::geotiff_write::write_file(&g, &input, &[]).unwrap();
    // The eye on the valley floor near the middle, 1.6 m up.
    let (c, r) = (g.width / 2, g.height / 2);
    let (x, y) = g.cell_centre(c, r);
    let sight = Sight::new([x, y, g.value(c, r).unwrap() as f64 + 1.6]);

    let t = Instant::now();
    let status = std::process::Command::new("gdal_viewshed")
        .args([
            "-q",
            "-oz",
            "1.6",
            "-ox",
            &x.to_string(),
            "-oy",
            &y.to_string(),
        ])
        .arg(&input)
        .arg(dir.join("gdal_out.tif"))
        .status()
        .expect("gdal_viewshed (Debian gdal-bin)");
    assert!(status.success());
    let gdal = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let vs = sweep::viewshed(&g, &sight, None).unwrap();
    let compute = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let vr = rays::viewshed(&g, &sight, None).unwrap();
    let compute_rays = t.elapsed().as_secs_f64();
    println!(
        "rays: {compute_rays:.2} s computing ({:.0} M cells/s, {:.1}× gdal); {} cells visible",
        cells / compute_rays / 1e6,
        gdal / compute_rays,
        vr.visible
    );
    drop(vr);
    drop(g);
    let t = Instant::now();
    let (read, _) = pw_terrain::geotiff::read_file(&input).unwrap();
    let vs2 = sweep::viewshed(&read, &sight, None).unwrap();
    pw_terrain::geotiff_write::write_file(&vs2.grid, &dir.join("ours_out.tif"), &[]).unwrap();
    let whole = t.elapsed().as_secs_f64();
    assert_eq!(vs.visible, vs2.visible);
    println!(
        "one viewshed on {:.0} M cells: gdal_viewshed {gdal:.2} s ({:.0} M cells/s, read + compute + write); \
         ours {compute:.2} s computing ({:.0} M cells/s, {:.1}× gdal), {whole:.2} s with reading and writing ({:.1}× gdal); {} cells visible",
        cells / 1e6,
        cells / gdal / 1e6,
        cells / compute / 1e6,
        gdal / compute,
        gdal / whole,
        vs.visible
    );
}

fn drag() {
    let dem = vinschgau();
    // 1 m cells over 4 km × 4 km of the valley (16 M cells).
    let k = 250usize;
    let (c0, r0, n) = (100 * k, 80 * k, 4000usize);
    let dx = dem.dx / k as f64;
    let x0 = dem.x0 + c0 as f64 * dx;
    let y0 = dem.y0 - r0 as f64 * dx;
    let values: Vec<f32> = {
        use rayon::prelude::*;
        (0..n)
            .into_par_iter()
            .flat_map_iter(|r| {
                let dem = &dem;
                (0..n).map(move |c| {
                    let x = x0 + (c as f64 + 0.5) * dx;
                    let y = y0 - (r as f64 + 0.5) * dx;
                    let block = c % 20 < 12 && r % 20 < 10;
                    dem.height(x, y)
                        .map_or(f32::NAN, |z| z as f32 + if block { 12.0 } else { 0.0 })
                })
            })
            .collect()
    };
    let g = Grid {
        width: n,
        height: n,
        x0,
        y0,
        dx,
        dy: dx,
        values,
        ..dem.clone()
    };
    for method in ["sweep", "rays"] {
        let mut times = Vec::new();
        for step in 0..20 {
            // Along the streets between the blocks, 25 m a step.
            let (c, r) = (1500 + step * 25, 2015);
            let (x, y) = g.cell_centre(c, r);
            let mut sight = Sight::new([x, y, g.value(c, r).unwrap() as f64 + 1.6]);
            sight.max_distance = 1000.0;
            let t = Instant::now();
            let vs = match method {
                "sweep" => sweep::viewshed(&g, &sight, None).unwrap(),
                _ => rays::viewshed(&g, &sight, None).unwrap(),
            };
            times.push(t.elapsed().as_secs_f64());
            assert!(vs.visible > 0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "dragging ({method}): 1 km radius at 1 m (3.1 M cells) from 20 places: median {:.1} ms, worst {:.1} ms → {:.0} updates/s",
            median * 1e3,
            times.last().unwrap() * 1e3,
            1.0 / median
        );
    }
}
