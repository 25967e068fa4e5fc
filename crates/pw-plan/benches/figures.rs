//! The key figures of a variant in the 40,000-building city (the load_city
//! set): `cargo bench -p pw-plan --bench figures`. Issue 15 asks the KPI
//! table to follow an edit within a frame (< 16 ms on 2 cores).

use pw_analysis::{Analysis, Value};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let city = pw_testkit::city_tiles::tiled_city(482).unwrap();
    let t = Instant::now();
    let model = pw_city::citygml::read_file(&city, None).unwrap();
    println!(
        "{}: {} objects read in {:.1} s",
        city.display(),
        model.objects.len(),
        t.elapsed().as_secs_f64()
    );
    let site = pw_analysis::scenario::Site {
        crs: Some(pw_geo::Crs::epsg(25832)),
        origin: [280_926.0, 5_657_424.0, 36.0],
        latitude: 51.03,
        longitude: 5.88,
        time_zone: "Europe/Berlin".into(),
    };
    let mut s = pw_analysis::Scenario::new("A", site);
    s.layers.push(pw_analysis::scenario::ScenarioLayer {
        name: "LoD2".into(),
        model: Arc::new(model),
        input: None,
    });
    let mut v = pw_plan::Variant::new("A");
    v.removed = vec!["c0_DENW43AL00001j2W".into(), "c0_DENW43AL00001j64".into()];
    v.volumes.push(pw_plan::Volume::new(
        "neu-1",
        vec![
            [280_930.0, 5_657_330.0],
            [280_950.0, 5_657_330.0],
            [280_950.0, 5_657_342.0],
            [280_930.0, 5_657_342.0],
        ],
        4,
    ));
    s.edits = v.edits(&|_, _| 36.0);
    let t = Instant::now();
    let n = s.objects().count();
    println!(
        "walking the scenario's {n} objects: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let a = pw_plan::PlanFiguresAnalysis;
    for (name, plot) in [
        ("without a plot", None),
        (
            "with a plot",
            Some(vec![
                [280_900.0, 5_657_300.0],
                [281_000.0, 5_657_300.0],
                [281_000.0, 5_657_400.0],
                [280_900.0, 5_657_400.0],
            ]),
        ),
    ] {
        let mut values = a.defaults();
        values.set("plot", Value::Polygon(plot));
        let mut times = Vec::new();
        let runs: usize = std::env::var("FIGURES_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20);
        for _ in 0..runs {
            let t = Instant::now();
            let r =
                pw_analysis::run_checked(&a, &values, &s, &pw_job::JobControl::default()).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(r.kpi("removed_buildings").unwrap().value, 2.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "key figures {name} (40,006 buildings): median {:.1} ms, worst {:.1} ms ({} runs)",
            times[times.len() / 2],
            times[times.len() - 1],
            times.len()
        );
    }
}
