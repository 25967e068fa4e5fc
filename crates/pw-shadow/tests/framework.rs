//! Sun hours through the analysis framework on the real NRW LoD2 tile:
//! a building removed in the scenario casts no shadow any more, B − A
//! shows the sun it gives back, and every export carries the stamp.

#[path = "common/nrw.rs"]
mod nrw;

use nrw::bestand;
use pw_analysis::scenario::Scenario;
use pw_analysis::{Analysis, AnalysisError, Area, JobControl, ParamValues, Value, run_checked};
use pw_shadow::SunHoursAnalysis;

/// The building (with its parts) that rises highest above its base:
/// id, footprint centre, half width.
fn tallest(s: &Scenario) -> (String, [f64; 2], f64) {
    let m = &s.layers[0].model;
    let (i, e) = m
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.parent.is_none() && o.kind == pw_city::ObjectKind::Building)
        .map(|(i, o)| {
            let mut e = o.extent();
            for c in m.objects.iter().filter(|c| c.parent == Some(i)) {
                e.union(&c.extent());
            }
            (i, e)
        })
        .max_by(|a, b| (a.1.max[2] - a.1.min[2]).total_cmp(&(b.1.max[2] - b.1.min[2])))
        .unwrap();
    let centre = [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0];
    let half = (e.max[0] - e.min[0]).max(e.max[1] - e.min[1]) / 2.0;
    (m.objects[i].id.clone(), centre, half)
}

fn values(centre: [f64; 2]) -> ParamValues {
    let a = SunHoursAnalysis;
    let mut v = a.defaults();
    v.set(
        "area",
        Value::Area(Some(Area::new(
            centre[0] - 100.0,
            centre[1] - 60.0,
            centre[0] + 100.0,
            centre[1] + 140.0,
        ))),
    );
    v.set("date", Value::Text("2026-03-21".into()));
    v.set("spacing", Value::Number(2.0));
    v
}

#[test]
fn removing_the_tallest_building_gives_its_north_side_sun_and_b_minus_a_shows_it() {
    let a = SunHoursAnalysis;
    let before = bestand();
    let (id, centre, half) = tallest(&before);
    let v = values(centre);
    let est = a.estimate(&v, &before).unwrap();
    assert!(
        est.size.contains("sun steps") && est.seconds > 0.0,
        "{est:?}"
    );
    let ctl = JobControl::default();
    let mut ra = run_checked(&a, &v, &before, &ctl).unwrap();
    ra.label = "Bestand".into();
    let mut after = before.clone();
    after.name = "Abriss".into();
    assert!(after.edits.remove(id.clone()));
    let mut rb = run_checked(&a, &v, &after, &ctl).unwrap();
    rb.label = "Abriss".into();

    // Stamps say which scenario and edits each result saw.
    assert_eq!(ra.stamp.get("edits").as_deref(), Some("none"));
    assert_eq!(rb.stamp.get("scenario").as_deref(), Some("Abriss"));
    assert_eq!(rb.stamp.get("edits"), Some(format!("1 removed ({id})")));
    assert_eq!(rb.stamp.get("dates").as_deref(), Some("2026-03-21"));
    assert!(
        rb.stamp
            .get("input_1")
            .unwrap()
            .contains("LoD2_32_280_5657_1_NW.gml (1833833 bytes")
    );

    let d = pw_analysis::difference(&ra, &rb).unwrap();
    let grid = &d.ground.as_ref().unwrap().grid;
    let gained = grid.values.iter().filter(|v| **v > 0.01).count() as f64 * grid.dx * grid.dy;
    let lost = grid.values.iter().filter(|v| **v < -0.01).count();
    assert_eq!(lost, 0, "taking a building away takes no one's sun");
    assert_eq!(d.kpi("ground_more_m2").unwrap().value, gained);
    assert_eq!(d.kpi("ground_less_m2").unwrap().value, 0.0);
    // Its shadow at the equinox reaches well north: at least its own
    // width times a few metres regain sun.
    assert!(gained > 4.0 * half * 2.0, "{gained} m² gain sun");
    // Straight north of it, just beyond the footprint, the ground gains.
    let north = grid.cell_value_at(centre[0], centre[1] + half + 3.0);
    assert!(north.is_some_and(|h| h > 0.5), "{north:?}");
    // Where it stood there was no ground before: no difference there.
    assert!(grid.cell_value_at(centre[0], centre[1]).is_none());
    // KPIs: B − A of the ground with ≥ 4 h equals the area that crossed 4 h.
    let k4 = |r: &pw_analysis::AnalysisResult| r.kpi("area_4h_m2").unwrap().value;
    assert!(k4(&rb) > k4(&ra));
    assert!((d.kpi("area_4h_m2").unwrap().value - (k4(&rb) - k4(&ra))).abs() < 1e-6);
    // No neighbour's facade loses; the removed building's samples are only
    // in A, and the note says so.
    let f = d.facades.as_ref().unwrap();
    assert!(f.samples.iter().all(|s| s.value > -0.01));
    // (The tallest building stands apart: no neighbour's wall lies in its
    // equinox shadow, so facades neither gain nor lose here.)
    assert_eq!(f.samples.len(), rb.facades.as_ref().unwrap().samples.len());
    assert!(
        d.notes
            .iter()
            .any(|n| n.key == "analysis.compare_unmatched"),
        "{:?}",
        d.notes
    );
    assert_eq!(d.label, "Δ Bestand → Abriss");
    assert!(d.legend_of(&f.quantity).signed);

    // Every export carries the stamp.
    let dir = std::env::temp_dir().join(format!("pw-framework-{}", std::process::id()));
    let files = pw_analysis::export::export_all(&rb, &dir, "abriss").unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "abriss.tif",
            "abriss_fassaden.geojson",
            "abriss_kennzahlen.csv"
        ]
    );
    let (back, _) = pw_terrain::geotiff::read_file(&files[0]).unwrap();
    let g = &rb.ground.as_ref().unwrap().grid;
    assert_eq!((back.width, back.height), (g.width, g.height));
    assert_eq!(
        back.cell_value_at(centre[0], centre[1] + half + 3.0),
        g.cell_value_at(centre[0], centre[1] + half + 3.0)
    );
    let tif = String::from_utf8_lossy(&std::fs::read(&files[0]).unwrap()).into_owned();
    assert!(
        tif.contains("edits\">1 removed"),
        "GDAL metadata has the edits"
    );
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[1]).unwrap()).unwrap();
    assert_eq!(
        fc["features"].as_array().unwrap().len(),
        rb.facades.as_ref().unwrap().samples.len()
    );
    assert_eq!(fc["planwerkstatt_run"]["scenario"], "Abriss");
    assert_eq!(
        fc["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::25832"
    );
    let p = &fc["features"][0]["properties"];
    assert!(
        p["sun_hours"].is_number() && p["din17037_level"].is_string() && p["object"].is_string()
    );
    let csv = std::fs::read_to_string(&files[2]).unwrap();
    assert!(csv.starts_with("kind,key,value,unit,label\n"));
    assert!(
        csv.contains(&format!("kpi,area_4h_m2,{:.0},m²,", k4(&rb))),
        "{csv}"
    );
    assert!(csv.contains("run,scenario,Abriss"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_parameters_are_refused_before_anything_runs() {
    let a = SunHoursAnalysis;
    let s = bestand();
    let mut v = a.defaults();
    let Err(AnalysisError::Invalid(errors)) = run_checked(&a, &v, &s, &JobControl::default())
    else {
        panic!("no area must be refused");
    };
    assert_eq!(errors[0].key, "area");
    assert_eq!(errors[0].message.key, "analysis.param_no_area");
    v.set(
        "area",
        Value::Area(Some(Area::new(280900.0, 5657400.0, 280950.0, 5657450.0))),
    );
    v.set("from", Value::Text("18:00".into()));
    v.set("to", Value::Text("08:00".into()));
    let Err(AnalysisError::Invalid(errors)) = a.validate(&v) else {
        panic!("an empty window must be refused");
    };
    assert_eq!(
        errors[0].message.to_string(),
        "the time window 18:00–08:00 is empty"
    );
    v.set("to", Value::Text(String::new()));
    v.set("step", Value::Number(0.0));
    assert!(
        a.validate(&v)
            .unwrap_err()
            .to_string()
            .contains("choose between 1 and 120 min")
    );
}

#[test]
fn without_a_date_the_clock_day_counts_and_cancel_leaves_nothing() {
    let a = SunHoursAnalysis;
    let mut s = bestand();
    // 2026-06-21 12:00 UTC.
    s.clock = 1_782_043_200.0;
    let mut v = a.defaults();
    v.set(
        "area",
        Value::Area(Some(Area::new(280900.0, 5657400.0, 280950.0, 5657450.0))),
    );
    let p = a.engine_params(&v, &s).unwrap();
    assert_eq!(p.windows[0].date, "2026-06-21");
    // Local midnight in summer time is 22:00 UTC the day before.
    assert_eq!(p.windows[0].start, 1_782_043_200.0 - 14.0 * 3600.0);
    let ctl = JobControl::default();
    ctl.cancel();
    assert!(matches!(
        run_checked(&a, &v, &s, &ctl),
        Err(AnalysisError::Cancelled)
    ));
}
