//! City-scale load benchmark (issue 3 targets), run with
//! `cargo bench -p pw-city --bench load_city -- [copies]`.
//!
//! Builds a large CityGML file by tiling the real NRW LoD2 tile (every copy
//! shifted by whole kilometres, ids made unique), then measures in this
//! process: parse + triangulate + batch + pick index (wall time), peak
//! memory, draw calls (batches), and the cost of a pick. If GDAL's
//! `ogr2ogr` is installed, it converts the same file to GeoJSON side by side.
//! GDAL's GML driver keeps one geometry per feature by default (here the
//! terrain-intersection lines), so it does less work than our full parse +
//! triangulation: the ratio is conservative. (GML_FETCH_ALL_GEOMETRIES=YES
//! yields geometry GDAL 3.6's GeoJSON writer rejects; xlink resolution with
//! GML_SKIP_RESOLVE_ELEMS=NONE failed after 189 s on the 37 MB file.)

use pw_city::batch::build_batches;
use pw_city::pick::{PickIndex, Ray};
use pw_geo::SceneOrigin;
use std::collections::HashSet;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let copies: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(482);
    let t = Instant::now();
    let big = pw_testkit::city_tiles::tiled_city(copies).unwrap();
    let dir = big.parent().unwrap().to_path_buf();
    println!(
        "city: {} ({} Building; {:.1} s to write it if it was not there)",
        big.display(),
        copies * pw_testkit::city_tiles::BUILDINGS_PER_TILE,
        t.elapsed().as_secs_f64()
    );
    let bytes = std::fs::metadata(&big).unwrap().len();
    let rss_before = peak_rss_mb();

    let t = Instant::now();
    let model = pw_city::citygml::read_file(&big, None).unwrap();
    let t_parse = t.elapsed().as_secs_f64();
    let s = model.summary();
    let origin = SceneOrigin::new(model.extent().center());
    let t = Instant::now();
    let batches = build_batches(&model, &origin, 48, None).unwrap();
    let t_batch = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let index = PickIndex::build(&batches);
    let t_index = t.elapsed().as_secs_f64();
    let total = t_parse + t_batch + t_index;
    let triangles: usize = batches.iter().map(|b| b.triangle_count()).sum();
    let rss = peak_rss_mb();

    // Picks: straight down onto object centres spread over the whole model.
    let n = 1000;
    let with_geometry: Vec<&pw_city::CityObject> = model
        .objects
        .iter()
        .filter(|o| !o.surfaces.is_empty())
        .collect();
    let step = (with_geometry.len() / n).max(1);
    let rays: Vec<Ray> = (0..n)
        .map(|i| {
            // An oblique view ray (as from a camera) through the object's centre.
            let c = origin.to_local(
                with_geometry[(i * step) % with_geometry.len()]
                    .extent()
                    .center(),
            );
            Ray {
                origin: [c[0], c[1] + 0.4 * (800.0 - c[2]), 800.0],
                dir: [0.0, -0.4, -1.0],
            }
        })
        .collect();
    let hidden = HashSet::new();
    let t = Instant::now();
    let hits = rays
        .iter()
        .filter(|r| index.pick(&batches, r, &hidden).is_some())
        .count();
    let pick_ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let t = Instant::now();
    let candidates: usize = rays.iter().map(|r| index.candidates(r)).sum();
    let tree_ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    println!(
        "pick candidates: {:.1} boxes per ray, tree walk {tree_ms:.3} ms",
        candidates as f64 / n as f64
    );

    println!(
        "file: {:.0} MB, {} Building + {} BuildingPart, {} surfaces, {} triangles",
        bytes as f64 / 1e6,
        s.buildings,
        s.building_parts,
        s.surfaces,
        triangles
    );
    println!(
        "parse {t_parse:.2} s + triangulate/batch {t_batch:.2} s + pick index {t_index:.2} s = {total:.2} s  ({:.0} MB/s)",
        bytes as f64 / 1e6 / total
    );
    println!("draw calls (batches): {}", batches.len());
    println!(
        "peak memory: {rss:.0} MB ({:.2}× the file; before loading {rss_before:.0} MB)",
        rss / (bytes as f64 / 1e6)
    );
    println!("pick: {pick_ms:.3} ms per ray ({hits}/{n} hit)");

    if std::process::Command::new("ogr2ogr")
        .arg("--version")
        .output()
        .is_ok()
    {
        let small_copies = 20;
        let small = pw_testkit::city_tiles::tiled_city(small_copies).unwrap();
        let out = dir.join("ogr_out.geojson");
        let _ = std::fs::remove_file(&out);
        let t = Instant::now();
        let _ = std::fs::remove_file(small.with_extension("gfs"));
        // -skipfailures: GDAL's schema guess for this file makes its GeoJSON
        // writer reject some geometries and abort otherwise.
        let status = std::process::Command::new("ogr2ogr")
            .args(["-skipfailures", "-f", "GeoJSON"])
            .arg(&out)
            .arg(&small)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        let t_ogr = t.elapsed().as_secs_f64();
        // GDAL caches a schema next to the input; do not leave it behind.
        let _ = std::fs::remove_file(small.with_extension("gfs"));
        let t = Instant::now();
        let m = pw_city::citygml::read_file(&small, None).unwrap();
        let o = SceneOrigin::new(m.extent().center());
        let b = build_batches(&m, &o, 48, None).unwrap();
        let t_ours = t.elapsed().as_secs_f64();
        println!(
            "side by side on {} ({:.0} MB): ogr2ogr -f GeoJSON {t_ogr:.2} s ({status}), planwerkstatt parse+triangulate {t_ours:.2} s ({} triangles) → {:.1}× faster",
            small.display(),
            std::fs::metadata(&small).unwrap().len() as f64 / 1e6,
            b.iter().map(|x| x.triangle_count()).sum::<usize>(),
            t_ogr / t_ours
        );
    } else {
        println!("ogr2ogr not installed (Debian gdal-bin): no side-by-side figure");
    }
}
