//! Sun-hours benchmark (issue 5 targets), run with
//! `cargo bench -p pw-shadow --bench sunhours`:
//! - 1 km² at 1 m (1 M ground cells) for one day at 10-minute steps over a
//!   real building set in < 10 s on 2 cores: the dense Karlsruhe
//!   Innenstadt-Ost LoD2 blocks (345 buildings), 21 June (most sun steps);
//! - per sun position at least 2× faster than SOLWEIG's CPU shadow routine
//!   on the same 1000 × 1000 grid (needs PW_SOLWEIG_PYTHON or the venv of
//!   `.ci/peers-setup`; without it only our figure is printed);
//! - facades and roofs of the whole NRW demo tile in < 30 s.

use pw_geo::Crs;
use pw_job::JobControl;
use pw_shadow::sweep::{self, SunDirection};
use pw_shadow::{Area, Params, TimeWindow, height_model, obstacles};
use pw_sun::Observer;
use std::path::PathBuf;
use std::time::Instant;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citygml")
        .join(rel)
}

fn main() {
    let threads = rayon::current_num_threads();
    let utm = Crs::epsg(25832);
    let mut ka =
        pw_city::citygml::read_file(&data("karlsruhe/innenstadt_ost_4326_lod2.gml"), None).unwrap();
    ka.settle_axis_order(utm, [457_000.0, 5_429_000.0, 0.0])
        .unwrap();
    ka.reproject(utm).unwrap();
    let c = ka.extent().center();
    let area = Area::new(c[0] - 500.0, c[1] - 500.0, c[0] + 500.0, c[1] + 500.0);
    // 21 June 2026, local day (CEST).
    let day = TimeWindow {
        date: "2026-06-21".into(),
        start: 1_781_992_800.0,
        end: 1_781_992_800.0 + 86_400.0,
    };
    let karlsruhe = Observer::standard(49.0115, 8.4115, 115.0);

    let mut ground = Params::new(area, vec![day.clone()], karlsruhe);
    ground.facades = false;
    ground.crs = Some(utm);
    let t = Instant::now();
    let r = pw_shadow::run(&ground, &[&ka], None, &JobControl::default()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let g = r.ground.as_ref().unwrap();
    println!(
        "ground, Karlsruhe 1 km²: {} × {} cells (+{} m margin), {} sun steps, {:.2} s on {threads} threads [target < 10 s]",
        g.width,
        g.height,
        ground.margin,
        r.steps.len(),
        secs
    );

    // The same run through the analysis framework, as the workbench and
    // `planwerkstatt analysis run` start it (scenario in, stamped result
    // out): the framework must cost nothing measurable.
    {
        use pw_analysis::scenario::{Scenario, ScenarioLayer, Site};
        use pw_analysis::{Analysis, Value};
        let mut s = Scenario::new(
            "Bestand",
            Site {
                crs: Some(utm),
                origin: [c[0], c[1], 115.0],
                latitude: 49.0115,
                longitude: 8.4115,
                time_zone: "Europe/Berlin".into(),
            },
        );
        s.layers.push(ScenarioLayer {
            name: "Karlsruhe".into(),
            model: std::sync::Arc::new(ka.clone()),
            input: None,
        });
        let a = pw_shadow::SunHoursAnalysis;
        let mut v = a.defaults();
        v.set(
            "area",
            Value::Area(Some(pw_analysis::Area::new(
                area.min_x, area.min_y, area.max_x, area.max_y,
            ))),
        );
        v.set("date", Value::Text("2026-06-21".into()));
        v.set("facades", Value::Bool(false));
        let t = Instant::now();
        let r = pw_analysis::run_checked(&a, &v, &s, &JobControl::default()).unwrap();
        let framework = t.elapsed().as_secs_f64();
        let fg = &r.ground.as_ref().unwrap().grid;
        assert_eq!((fg.width, fg.height), (g.width, g.height));
        println!(
            "ground, Karlsruhe 1 km² through the analysis framework: {framework:.2} s = {:.2} × the direct run",
            framework / secs
        );
    }

    // One sun position on the bare 1000 × 1000 grid, as SOLWEIG gets it.
    let o = obstacles::collect(&[&ka], &area, &area);
    let hm = height_model::build(&area, 1.0, 0.0, None, &o);
    let positions = [
        (135.0, 35.0),
        (180.0, 60.0),
        (250.0, 20.0),
        (95.0, 12.0),
        (300.0, 8.0),
    ];
    let mut ceiling = vec![0.0; hm.surface.len()];
    let n = 20;
    let mut ours = Vec::new();
    for (az, el) in positions {
        let t = Instant::now();
        for _ in 0..n {
            sweep::shadow_ceiling(
                &hm.surface,
                Some(&hm.building),
                hm.width,
                hm.height,
                1.0,
                SunDirection {
                    azimuth: az,
                    elevation: el,
                },
                &mut ceiling,
            );
        }
        ours.push(t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    }
    let solweig = solweig_ms(&hm, o.origin.world[2], &positions);
    for (k, (az, el)) in positions.iter().enumerate() {
        match &solweig {
            Some(s) => println!(
                "one sun position az {az} el {el}, 1000 × 1000: ours {:.2} ms (1 thread), SOLWEIG CPU {:.2} ms → {:.1}× [target ≥ 2×]",
                ours[k],
                s[k],
                s[k] / ours[k]
            ),
            None => println!(
                "one sun position az {az} el {el}, 1000 × 1000: ours {:.2} ms (1 thread); SOLWEIG not installed",
                ours[k]
            ),
        }
    }

    let nrw = pw_city::citygml::read_file(&data("nrw/LoD2_32_280_5657_1_NW.gml"), None).unwrap();
    let tile = Area::new(280_000.0, 5_657_000.0, 281_000.0, 5_658_000.0);
    let mut facades = Params::new(
        tile,
        vec![day.clone()],
        Observer::standard(51.02657, 5.87583, 36.0),
    );
    facades.ground = false;
    let t = Instant::now();
    let r = pw_shadow::run(&facades, &[&nrw], None, &JobControl::default()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let samples = r.facades.samples.len();
    println!(
        "facades+roofs, NRW tile: {samples} samples (1 m) on {} surfaces of {} buildings, {} sun steps, \
         {:.2} s on {threads} threads → {:.1} M sample-steps/s [target < 30 s]",
        r.facades.surfaces.len(),
        r.facades.object_ids.len(),
        r.steps.len(),
        secs,
        (samples * r.steps.len()) as f64 / secs / 1e6
    );
    let mut facades_ka = Params::new(area, vec![day], karlsruhe);
    facades_ka.ground = false;
    let t = Instant::now();
    let r = pw_shadow::run(&facades_ka, &[&ka], None, &JobControl::default()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "facades+roofs, Karlsruhe 1 km²: {} samples, {} sun steps, {:.2} s → {:.1} M sample-steps/s",
        r.facades.samples.len(),
        r.steps.len(),
        secs,
        (r.facades.samples.len() * r.steps.len()) as f64 / secs / 1e6
    );
}

/// Milliseconds per position of SOLWEIG's CPU routine on the same grid.
fn solweig_ms(
    hm: &height_model::HeightModel,
    z0: f64,
    positions: &[(f64, f64)],
) -> Option<Vec<f64>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = std::env::var_os("PW_SOLWEIG_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".ci/peers-venv/bin/python"));
    if !python.exists() {
        return None;
    }
    let dir = root.join("target/bench-data/solweig");
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("karlsruhe_dsm.tif");
    pw_terrain::geotiff_write::write_file(&hm.surface_grid(z0, Some(Crs::epsg(25832))), &path, &[])
        .ok()?;
    let list: Vec<String> = positions.iter().map(|(a, e)| format!("{a},{e}")).collect();
    let out = std::process::Command::new(python)
        .arg(root.join("tools/solweig_shadows.py"))
        .arg(&path)
        .arg(&dir)
        .arg(list.join(";"))
        .arg("5")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with('{'))?;
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    Some(
        v["ms_per_position"]
            .as_array()?
            .iter()
            .filter_map(|x| x.as_f64())
            .collect(),
    )
}
