//! Dragging the observer along a street of north Bayreuth (OpenStreetMap
//! buildings on the SRTM terrain, the flood tests' scenario): the surface
//! is built once around the place; at each position the preview's ground
//! is the ground a full run from there shows (same method), until the
//! observer leaves the room it was built with or another setting changes.

#[path = "../../pw-flood/tests/common/bayreuth.rs"]
mod bayreuth;

use pw_analysis::{Analysis, GroundRaster, JobControl, Point, Value, run_checked};
use pw_terrain::Grid;
use pw_view::ViewAnalysis;

/// Cells of the run's grid alike in the preview, and differing; cells the
/// run sees, and cells it has no value for (buildings, past the distance).
fn compare(full: &Grid, preview: &GroundRaster) -> [usize; 4] {
    let mut n = [0usize; 4];
    for k in 0..full.values.len() {
        let (x, y) = full.cell_centre(k % full.width, k / full.width);
        let f = full.cell_value_at(x, y);
        n[(f != preview.grid.cell_value_at(x, y)) as usize] += 1;
        n[2] += (f == Some(1.0)) as usize;
        n[3] += f.is_none() as usize;
    }
    n
}

fn point(x: f64, y: f64) -> Value {
    Value::Point(Some(Point { x, y, z: None }))
}

#[test]
fn a_dragged_observer_sees_what_a_run_from_there_sees() {
    let s = bayreuth::scenario("Bestand");
    let a = ViewAnalysis;
    // The middle of the flood bench's square kilometre, 300 m around.
    let start = [686_800.0, 5_539_500.0];
    let mut v = a.defaults();
    v.set("observer", point(start[0], start[1]));
    v.set("distance", Value::Number(300.0));
    v.set("method", Value::Text("sweep".into()));
    v.set("facades", Value::Bool(false));
    assert_eq!(a.live_point(&v), Some("observer"));
    let ctl = JobControl::default();
    let t = std::time::Instant::now();
    let live = a.prepare_live(&v, &s, &ctl).unwrap();
    println!("prepared in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    // Whole cells and parts of one: the grids share their cells all the
    // same (both snap to whole cells of the scene's CRS).
    for (dx, dy) in [(0.0, 0.0), (37.0, -12.0), (-80.25, 45.5), (210.0, 190.0)] {
        let mut moved = v.clone();
        moved.set("observer", point(start[0] + dx, start[1] + dy));
        assert!(live.serves(&moved));
        let t = std::time::Instant::now();
        let preview = live.update(&moved).unwrap();
        let took = t.elapsed();
        let run = run_checked(&a, &moved, &s, &ctl).unwrap();
        let full = &run.ground.as_ref().unwrap().grid;
        let [same, differ, seen, cut] = compare(full, &preview);
        println!(
            "moved {dx}, {dy}: {same} cells alike, {differ} differ, {seen} seen, {cut} without value; preview {:.1} ms",
            took.as_secs_f64() * 1e3
        );
        assert!(seen > 5000 && cut > 1000, "{seen} seen, {cut} cut out");
        assert_eq!(differ, 0, "the preview differs from the run");
        // Past the run's grid the preview has values only on the rim of
        // the distance: the run's grid ends there (both within a cell).
        let (x0, y1) = (full.x0, full.y0);
        let (x1, y0) = (
            x0 + full.width as f64 * full.dx,
            y1 - full.height as f64 * full.dy,
        );
        let g = &preview.grid;
        let eye = [start[0] + dx, start[1] + dy];
        let outside: Vec<f64> = (0..g.values.len())
            .filter(|&k| g.values[k].is_finite())
            .map(|k| g.cell_centre(k % g.width, k / g.width))
            .filter(|&(x, y)| x < x0 || x > x1 || y < y0 || y > y1)
            .map(|(x, y)| (x - eye[0]).hypot(y - eye[1]))
            .collect();
        assert!(
            outside.iter().all(|d| *d > 300.0 - 1.5),
            "values outside the run's grid, {outside:?} m from the eye"
        );
    }
    // Past the room it was built with, or another distance: built again.
    let mut far = v.clone();
    far.set("observer", point(start[0] + 600.0, start[1]));
    assert!(!live.serves(&far));
    let mut longer = v.clone();
    longer.set("distance", Value::Number(400.0));
    assert!(!live.serves(&longer));
    // The form's own method (auto: exact at 120 m) is too slow to follow
    // the pointer: the preview takes rays, and the run refines them.
    let mut auto = a.defaults();
    auto.set("observer", point(start[0], start[1]));
    auto.set("distance", Value::Number(120.0));
    auto.set("facades", Value::Bool(false));
    let live = a.prepare_live(&auto, &s, &ctl).unwrap();
    assert!(live.serves(&auto));
    let t = std::time::Instant::now();
    let preview = live.update(&auto).unwrap();
    let took = t.elapsed();
    let run = run_checked(&a, &auto, &s, &ctl).unwrap();
    assert!(run.stamp.get("method").unwrap().starts_with("exact"));
    let [same, differ, ..] = compare(&run.ground.as_ref().unwrap().grid, &preview);
    let share = same as f64 / (same + differ) as f64;
    println!(
        "120 m by rays beside the exact run: {:.2} % alike; preview {:.1} ms",
        share * 100.0,
        took.as_secs_f64() * 1e3
    );
    assert!(share > 0.98, "{share}");
    // Rays beside rays: their sight lines run to the window's edge, which a
    // larger prepared surface leaves elsewhere; a few grazing cells differ.
    auto.set("method", Value::Text("rays".into()));
    assert!(!live.serves(&auto), "another method: prepared again");
    let live = a.prepare_live(&auto, &s, &ctl).unwrap();
    let preview = live.update(&auto).unwrap();
    let run = run_checked(&a, &auto, &s, &ctl).unwrap();
    let [same, differ, ..] = compare(&run.ground.as_ref().unwrap().grid, &preview);
    let share = same as f64 / (same + differ) as f64;
    println!(
        "120 m by rays beside a run by rays: {:.2} % alike",
        share * 100.0
    );
    assert!(share > 0.995, "{share}");
    // A distance too long to follow the pointer has no preview.
    let mut far_off = v.clone();
    far_off.set("distance", Value::Number(4000.0));
    assert!(a.prepare_live(&far_off, &s, &ctl).is_err());
    // Other modes have nothing to drag.
    let mut line = v.clone();
    line.set("mode", Value::Text("line".into()));
    assert_eq!(a.live_point(&line), None);
}
