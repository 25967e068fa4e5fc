//! Any text as a variants file (`<scene>.plan.toml`): no panics; every
//! volume, tree, surface and road either refused with a reason or built into an object
//! with finite coordinates; moving, turning and snapping stay finite; the
//! key figures run; saving and reading again gives the same plan.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pw_analysis::{Analysis, Value};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(plan) = pw_plan::PlanFile::parse(&text, Path::new("fuzz.plan.toml")) else {
        return;
    };
    let finite = |o: &pw_city::CityObject| {
        o.surfaces.iter().flat_map(|s| &s.exterior).flatten().all(|c| c.is_finite())
    };
    for v in &plan.variants {
        for volume in &v.volumes {
            if volume.validate().is_ok() {
                let o = volume.to_object(0.0);
                assert!(finite(&o));
                let edges = pw_plan::snap::outline_edges(&o);
                let c = volume.centre();
                let _ = pw_plan::snap::snap(&volume.footprint, [c[0] + 0.3, c[1] - 0.3], &edges);
                let _ = volume.turned(33.0).shifted([1.0, 2.0]);
            }
        }
        for tree in &v.trees {
            if tree.validate().is_ok() {
                assert!(finite(&tree.to_object(0.0)));
            }
        }
        for surface in &v.surfaces {
            if surface.validate().is_ok() {
                let o = surface.to_object(&|_, _| 0.0);
                assert!(finite(&o));
                assert!(surface.area() > 0.0);
            }
        }
        for road in &v.roads {
            if road.validate().is_ok() {
                assert!(finite(&road.to_object(&|_, _| 0.0)));
                assert_eq!(road.tags()[0].0, "highway");
            }
        }
        let (edits, _) = v.edits_with_designs(&|_, _| 0.0, &|_| None);
        let site = pw_analysis::scenario::Site {
            crs: None,
            origin: [0.0; 3],
            latitude: 50.9,
            longitude: 11.6,
            time_zone: "Europe/Berlin".into(),
        };
        let mut s = pw_analysis::Scenario::new(v.name.clone(), site);
        s.edits = edits;
        let a = pw_plan::PlanFiguresAnalysis;
        let mut values = a.defaults();
        if let Some(first) = v.volumes.first() {
            values.set("plot", Value::Polygon(Some(first.footprint.clone())));
        }
        let _ = pw_analysis::run_checked(&a, &values, &s, &pw_job::JobControl::default());
    }
    let again = pw_plan::PlanFile::parse(&plan.to_text(), Path::new("again")).expect("own output reads");
    assert_eq!(again.to_text(), plan.to_text(), "saving again changes nothing");
});
