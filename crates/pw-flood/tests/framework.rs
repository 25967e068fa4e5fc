//! Flood risk as the workbench runs it: the OpenStreetMap extract of north
//! Bayreuth (ODbL: buildings with heights, parks, the Roter Main) standing
//! on the SRTM terrain of its tile, as the scenario; heavy rain and a
//! river level through the framework, and a variant's B − A.

mod common;

use common::bayreuth::scenario;
use pw_analysis::{Analysis, AnalysisResult, ParamValues, Value};
use pw_flood::framework::FloodAnalysis;

/// The 600 m square of the extract with the most buildings (274) and a
/// pond: houses, gardens, streets and fields on the slope.
const AREA: [f64; 4] = [686_400.0, 5_539_200.0, 687_000.0, 5_539_800.0];

fn values(mode: &str, cell: f64) -> ParamValues {
    let a = FloodAnalysis;
    let mut v = ParamValues::defaults(&a.params());
    v.set("mode", Value::Text(mode.into()));
    v.set(
        "area",
        Value::Area(Some(pw_analysis::Area::new(
            AREA[0], AREA[1], AREA[2], AREA[3],
        ))),
    );
    v.set("cell", Value::Number(cell));
    v
}

fn kpi(r: &AnalysisResult, key: &str) -> f64 {
    r.kpi(key).unwrap_or_else(|| panic!("no KPI {key}")).value
}

#[test]
fn heavy_rain_on_bayreuth_with_its_buildings_and_a_variant() {
    let a = FloodAnalysis;
    let bestand = scenario("Bestand");
    let mut v = values("rain", 4.0);
    v.set("minutes", Value::Number(90.0));
    let control = pw_analysis::JobControl::new();
    let r = pw_analysis::run_checked(&a, &v, &bestand, &control).unwrap();
    let grid = &r.ground.as_ref().unwrap().grid;
    assert_eq!((grid.width, grid.height), (150, 150));
    let building_cells = grid.values.iter().filter(|v| v.is_nan()).count();
    // The run as frames for the clock: every 5 minutes of the 90, never
    // deeper than the deepest, which the last frame is not (water runs off).
    let frames = r.ground.as_ref().unwrap().frames.as_ref().unwrap();
    assert_eq!(frames.values.len(), 18);
    assert_eq!(frames.step, 300.0);
    assert_eq!(frames.start, bestand.clock + 300.0);
    for f in &frames.values {
        assert_eq!(f.len(), grid.values.len());
        assert!(
            f.iter()
                .zip(&grid.values)
                .all(|(d, m)| d.is_nan() == m.is_nan() && !(d > m))
        );
    }
    let wet_at = |k: usize| frames.values[k].iter().filter(|d| **d >= 0.1).count();
    assert!(
        wet_at(11) > wet_at(1),
        "more water after an hour of rain than after 10 minutes"
    );
    let fallen = 0.1 * 600.0 * 600.0;
    println!(
        "rain: {} roads cut ({:.0} m), {} building cells, deepest {:.2} m, fastest {:.2} m/s, ≥10 cm {:.0} m², buildings ≥10 cm {}, rain {:.0} m³, soaked {:.0}, out {:.0}, standing {:.0}, balance {:.2e} %",
        kpi(&r, "roads_cut"),
        kpi(&r, "road_m_cut"),
        building_cells,
        kpi(&r, "deepest"),
        kpi(&r, "fastest"),
        kpi(&r, "area_10cm"),
        kpi(&r, "buildings_10cm"),
        kpi(&r, "rain_m3"),
        kpi(&r, "soaked_m3"),
        kpi(&r, "outflow_m3"),
        kpi(&r, "standing_m3"),
        kpi(&r, "balance_error_pct"),
    );
    for (k, v) in r.stamp.details.iter() {
        println!("  {k}: {v}");
    }
    // Every drop that fell on the area, roofs included, is accounted for.
    assert!((kpi(&r, "rain_m3") - fallen).abs() < 1e-4 * fallen);
    assert!(kpi(&r, "balance_error_pct").abs() < 0.01);
    let out = kpi(&r, "soaked_m3") + kpi(&r, "outflow_m3") + kpi(&r, "standing_m3");
    assert!((out - fallen).abs() < 1e-3 * fallen, "{out} of {fallen} m³");
    assert!(kpi(&r, "soaked_m3") > 0.0, "parks and gardens soak");
    assert!(
        building_cells > 1000,
        "the buildings stand on {building_cells} cells"
    );
    assert!(kpi(&r, "buildings_10cm") >= 1.0);
    assert!(kpi(&r, "deepest") > 0.1);
    // Roads under 30 cm of water: counted, measured and named.
    assert!(kpi(&r, "roads_cut") >= 1.0 && kpi(&r, "road_m_cut") > 0.0);
    assert!(
        kpi(&r, "road_m_cut") >= 2.0 * kpi(&r, "roads_cut"),
        "at least a cell's half per road"
    );
    assert!(r.notes.iter().any(|n| n.key == "flood.roads_cut"));
    let wet = r.features.as_ref().expect("buildings with water at a wall");
    // Every building of the area is listed (dry ones with 0, so that B − A
    // finds them); the KPIs count the wet ones.
    let at = |cm: f32| {
        wet.features
            .iter()
            .filter(|f| f.value >= cm / 100.0)
            .count() as f64
    };
    assert_eq!(at(10.0), kpi(&r, "buildings_10cm"));
    assert_eq!(at(30.0), kpi(&r, "buildings_30cm"));
    assert!(wet.features.len() > 200);
    let arrival = match &wet.columns[0] {
        pw_analysis::result::Column::Numbers("arrival_min", v) => v.clone(),
        c => panic!("{c:?}"),
    };
    // The minute the water stood 5 cm deep at a building's wall.
    assert_eq!(arrival.len(), wet.features.len());
    let timed = arrival.iter().filter(|t| t.is_finite()).count() as f64;
    assert!(timed >= at(10.0), "{timed} buildings with a minute");
    assert!(
        arrival
            .iter()
            .filter(|t| t.is_finite())
            .all(|t| *t > 0.0 && *t <= 90.0)
    );

    // A variant takes out the building with the deepest water at its wall:
    // its cells become ground that gets wet, and it is no longer listed.
    let deepest = wet
        .features
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap()
        .id
        .clone();
    let mut variant = scenario("Variante");
    variant.edits.removed.insert(deepest.clone());
    let rb = pw_analysis::run_checked(&a, &v, &variant, &control).unwrap();
    let gb = &rb.ground.as_ref().unwrap().grid;
    let freed = grid
        .values
        .iter()
        .zip(&gb.values)
        .filter(|(a, b)| a.is_nan() && b.is_finite())
        .count();
    assert!(freed > 0, "the removed building's cells are ground in B");
    assert!(
        rb.features
            .as_ref()
            .unwrap()
            .features
            .iter()
            .all(|f| f.id != deepest)
    );
    let diff = pw_analysis::difference(&r, &rb).unwrap();
    let changed = diff
        .ground
        .as_ref()
        .unwrap()
        .grid
        .values
        .iter()
        .filter(|d| d.is_finite() && d.abs() >= 0.01)
        .count();
    // The buildings that get wetter: every other building is in both runs.
    let d = diff.features.as_ref().unwrap();
    assert_eq!(d.features.len(), wet.features.len() - 1);
    let wetter = d.features.iter().filter(|f| f.value >= 0.01).count();
    let drier = d.features.iter().filter(|f| f.value <= -0.01).count();
    println!(
        "variant without {deepest}: {freed} cells freed, {changed} cells change by ≥ 1 cm; {wetter} buildings wetter, {drier} drier by ≥ 1 cm"
    );
    assert!(changed > 0);
    // Taking a building out moves the water: others get wetter or drier.
    assert!(wetter + drier > 0);
    // Rain and river level are not subtracted from each other.
    let level = pw_analysis::run_checked(&a, &values("level", 4.0), &bestand, &control).unwrap();
    assert!(pw_analysis::difference(&r, &level).is_err());
}

#[test]
fn a_water_level_floods_from_the_map_s_water() {
    let a = FloodAnalysis;
    let s = scenario("Bestand");
    let mut v = values("level", 4.0);
    v.set("rise", Value::Number(3.0));
    let r = pw_analysis::run_checked(&a, &v, &s, &pw_analysis::JobControl::new()).unwrap();
    println!(
        "level {:.2} m: flooded {:.0} m², {:.0} m³, reached {} buildings, deepest {:.2} m; {:?}",
        kpi(&r, "level"),
        kpi(&r, "area_flooded"),
        kpi(&r, "volume"),
        kpi(&r, "buildings_reached"),
        kpi(&r, "deepest"),
        r.stamp.details
    );
    assert!(
        r.stamp
            .details
            .iter()
            .any(|(k, v)| k == "river" && v.contains("water cells of the map"))
    );
    assert!(kpi(&r, "area_flooded") > 1000.0);
    // The level is 3 m over the lowest river cell, so that cell is 3 m
    // deep and the level KPI says it.
    assert!(kpi(&r, "deepest") >= 3.0 - 1e-6);
    let reached = r
        .features
        .as_ref()
        .unwrap()
        .features
        .iter()
        .filter(|f| f.value > 0.0)
        .count();
    assert_eq!(reached as f64, kpi(&r, "buildings_reached"));
    // Too low a level is said, not run.
    let mut low = values("level", 4.0);
    low.set("level_from", Value::Text("value".into()));
    low.set("level", Value::Number(100.0));
    let e = pw_analysis::run_checked(&a, &low, &s, &pw_analysis::JobControl::new()).unwrap_err();
    assert!(
        e.to_string().contains("below the ground of the river"),
        "{e}"
    );
}

#[test]
fn no_rain_is_said_clearly() {
    let a = FloodAnalysis;
    let mut v = values("rain", 4.0);
    v.set("rain_mm", Value::Number(0.0));
    let e = pw_analysis::run_checked(
        &a,
        &v,
        &scenario("Bestand"),
        &pw_analysis::JobControl::new(),
    )
    .unwrap_err();
    // Refused by the form's own check, before anything runs.
    match &e {
        pw_analysis::AnalysisError::Invalid(errors) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].key, "rain_mm", "{e}");
        }
        other => panic!("{other}"),
    }
    // Level parameters do not apply to rain: their values are not checked.
    let mut v = values("rain", 4.0);
    v.set("level_from", Value::Text("value".into()));
    v.set("level", Value::Number(-9999.0));
    assert!(FloodAnalysis.validate(&v).is_ok());
}
