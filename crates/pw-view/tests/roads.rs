//! From where on the streets a building is seen: north Bayreuth from
//! OpenStreetMap on its SRTM terrain (the flood tests' scenario), people
//! only on the streets, paths and squares.

#[path = "../../pw-flood/tests/common/bayreuth.rs"]
mod bayreuth;

use pw_analysis::{Analysis, JobControl, Point, Value, run_checked};
use pw_view::ViewAnalysis;

#[test]
fn people_on_the_streets_see_a_building_from_part_of_them() {
    let s = bayreuth::scenario("Bestand");
    // The building nearest the middle of the flood bench's square kilometre.
    let (x, y) = (686_800.0, 5_539_500.0);
    let (id, e) = s
        .objects()
        .filter(|o| o.is_building())
        .map(|o| (o.id.clone(), o.extent()))
        .filter(|(_, e)| !e.is_empty())
        .min_by(|a, b| {
            let d = |e: &pw_geo::Extent3| {
                ((e.min[0] + e.max[0]) / 2.0 - x).hypot((e.min[1] + e.max[1]) / 2.0 - y)
            };
            d(&a.1).total_cmp(&d(&b.1))
        })
        .unwrap();
    let c = [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0];
    let a = ViewAnalysis;
    let mut v = a.defaults();
    v.set("mode", Value::Text("object".into()));
    v.set(
        "object_at",
        Value::Point(Some(Point {
            x: c[0],
            y: c[1],
            z: Some(e.max[2]),
        })),
    );
    v.set(
        "area",
        Value::Area(Some(pw_analysis::Area::new(
            c[0] - 150.0,
            c[1] - 150.0,
            c[0] + 150.0,
            c[1] + 150.0,
        ))),
    );
    let ctl = JobControl::default();
    let everywhere = run_checked(&a, &v, &s, &ctl).unwrap();
    v.set("observers", Value::Text("roads".into()));
    let streets = run_checked(&a, &v, &s, &ctl).unwrap();
    assert_eq!(streets.label, id);
    let cells = |r: &pw_analysis::AnalysisResult| {
        r.ground
            .as_ref()
            .unwrap()
            .grid
            .values
            .iter()
            .filter(|v| v.is_finite())
            .count()
    };
    let (n_all, n_streets) = (cells(&everywhere), cells(&streets));
    let seen = |r: &pw_analysis::AnalysisResult| r.kpi("seen_from_m2").unwrap().value;
    println!(
        "{id}: {n_streets} people on the streets of {n_all} places; seen from {:.0} m² of street, {:.0} m² in all ({:.0} % of the street places)",
        seen(&streets),
        seen(&everywhere),
        streets.kpi("seen_from_share").unwrap().value
    );
    // The streets are a part of the open ground, and where people on them
    // see it, people standing there anyway see it too.
    assert!(
        n_streets > 50 && n_streets * 2 < n_all,
        "{n_streets} of {n_all}"
    );
    assert!(seen(&streets) > 0.0 && seen(&streets) < seen(&everywhere));
    let (ga, gs) = (
        &everywhere.ground.as_ref().unwrap().grid,
        &streets.ground.as_ref().unwrap().grid,
    );
    for (k, v) in gs.values.iter().enumerate() {
        if v.is_finite() {
            assert_eq!(*v, ga.values[k], "the same share at street place {k}");
        }
    }
}
