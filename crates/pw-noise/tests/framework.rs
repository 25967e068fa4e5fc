//! Noise as the workbench runs it: the real OSM extract of north Bayreuth
//! (ODbL) as the scenario's layer — its roads carry the traffic the
//! traffic analysis assigns, its buildings screen and reflect — RLS-19 and
//! CNOSSOS-EU on a grid and on the facades; a variant that closes the
//! busiest road is quieter along it (B − A through the framework).

use pw_analysis::scenario::{InputStamp, ScenarioLayer, Site};
use pw_analysis::{Analysis, AnalysisResult, ParamValues, Scenario, Value};
use pw_noise::framework::NoiseAnalysis;
use std::path::PathBuf;
use std::sync::Arc;

fn osm_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/north-bayreuth.osm.gz")
}

fn scenario(name: &str) -> Scenario {
    let crs = pw_geo::Crs::epsg(25832);
    let site = Site {
        crs: Some(crs),
        origin: [680_000.0, 5_540_000.0, 350.0],
        latitude: 50.0,
        longitude: 11.57,
        time_zone: "Europe/Berlin".into(),
    };
    let mut data = pw_vector::read_file(&osm_path(), &Default::default()).unwrap();
    data.reproject(crs).unwrap();
    let style = pw_vector::osm::map_style();
    let symbology = pw_vector::style::symbolize(&data, &style);
    let mut model =
        pw_vector::to_city::city_model(&data, &osm_path(), &|_, _| 350.0, &style, &symbology).model;
    // Four people live in every building (the register a city would join).
    for o in &mut model.objects {
        o.attributes.push(("einwohner".into(), "4".into()));
    }
    let mut s = Scenario::new(name, site);
    s.layers.push(ScenarioLayer {
        name: "OSM".into(),
        model: Arc::new(model),
        input: Some(InputStamp::of(&osm_path())),
    });
    s
}

fn run(a: &NoiseAnalysis, s: &Scenario, method: &str, area: [f64; 4]) -> AnalysisResult {
    run_with(a, s, method, area, &[])
}

fn run_with(
    a: &NoiseAnalysis,
    s: &Scenario,
    method: &str,
    area: [f64; 4],
    flags: &[&str],
) -> AnalysisResult {
    let mut values = ParamValues::defaults(&a.params());
    for flag in flags {
        values.set(flag, Value::Bool(true));
    }
    values.set("method", Value::Text(method.into()));
    values.set(
        "area",
        Value::Area(Some(pw_analysis::Area::new(
            area[0], area[1], area[2], area[3],
        ))),
    );
    values.set("cell", Value::Number(20.0));
    pw_analysis::run_checked(a, &values, s, &pw_analysis::JobControl::new()).unwrap()
}

/// The value of a result's ground raster at a point.
fn level_at(result: &AnalysisResult, at: [f64; 3]) -> f32 {
    let grid = &result.ground.as_ref().expect("a ground raster").grid;
    grid.cell_value_at(at[0], at[1]).expect("a value there")
}

#[test]
fn bayreuth_roads_buildings_and_a_closed_road() {
    let bestand = scenario("Bestand");
    // The busiest road of the traffic analysis on the same scenario.
    let traffic = pw_traffic::framework::TrafficAnalysis::default();
    let volumes = pw_analysis::run_checked(
        &traffic,
        &traffic.defaults(),
        &bestand,
        &pw_analysis::JobControl::new(),
    )
    .unwrap();
    let busiest = volumes
        .features
        .as_ref()
        .unwrap()
        .features
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap()
        .clone();
    let pw_analysis::FeatureGeometry::Line(line) = &busiest.geometry else {
        panic!()
    };
    let mid = line[line.len() / 2];
    let area = [
        mid[0] - 200.0,
        mid[1] - 200.0,
        mid[0] + 200.0,
        mid[1] + 200.0,
    ];

    let noise = NoiseAnalysis::default();
    let rls = run(&noise, &bestand, "rls19", area);
    let grid = &rls.ground.as_ref().unwrap().grid;
    assert_eq!((grid.width, grid.height), (20, 20));
    let at_road = level_at(&rls, mid);
    // The busiest road of the town carries several hundred vehicles an
    // hour at its peak: by day above 65 dB(A) on the road itself.
    assert!(
        at_road > 65.0 && at_road < 90.0,
        "L_r,Tag on the road {at_road}"
    );
    let buildings = rls
        .stamp
        .details
        .iter()
        .find(|(k, _)| k == "buildings")
        .unwrap()
        .1
        .parse::<usize>()
        .unwrap();
    assert!(buildings > 10, "OSM buildings screen: {buildings}");
    let detail = |r: &AnalysisResult, key: &str| {
        r.stamp
            .details
            .iter()
            .find(|(k, _)| k == key)
            .unwrap()
            .1
            .parse::<usize>()
            .unwrap()
    };
    // The map's parks, woods and fields are soft ground, its water hard.
    assert!(detail(&rls, "soft_ground_and_water_areas") > 100);
    let facades = rls.facades.as_ref().expect("facade levels");
    assert!(facades.samples.len() > 20);
    assert!(
        facades
            .samples
            .iter()
            .all(|s| s.value.is_nan() || (20.0..95.0).contains(&s.value))
    );
    let kpi = |r: &AnalysisResult, k: &str| r.kpi(k).unwrap().value;
    assert!(
        kpi(&rls, "area_lr_day_59") > 0.0 && kpi(&rls, "area_lr_day_59") <= 16.0,
        "at most the 16 ha computed"
    );
    assert!(kpi(&rls, "buildings_lr_day_59") >= 1.0);
    assert_eq!(
        kpi(&rls, "inhabitants_lr_day_59"),
        4.0 * kpi(&rls, "buildings_lr_day_59")
    );
    assert_eq!(
        kpi(&rls, "inhabitants_lr_night_49"),
        4.0 * kpi(&rls, "buildings_lr_night_49")
    );

    // Every storey: more points, at several heights, the 4 m row among
    // them in number.
    let storeys = run_with(&noise, &bestand, "rls19", area, &["storeys"]);
    let all = storeys.facades.as_ref().expect("storey levels");
    assert!(
        all.samples.len() > facades.samples.len(),
        "{} vs {}",
        all.samples.len(),
        facades.samples.len()
    );
    let mut heights: Vec<i64> = all
        .samples
        .iter()
        .map(|s| ((s.position[2] - 350.0) * 10.0).round() as i64)
        .collect();
    heights.sort_unstable();
    heights.dedup();
    assert!(
        heights.len() >= 2 && heights[0] == 14,
        "storey middles from 1.4 m: {heights:?}"
    );

    // CNOSSOS-EU on the same area: L_den within a few dB of L_r,Tag (other
    // periods and weights, other emission and propagation).
    let cnossos = run(&noise, &bestand, "cnossos", area);
    let lden = level_at(&cnossos, mid);
    assert!(
        (lden - at_road).abs() < 8.0,
        "L_den {lden} vs L_r,Tag {at_road}"
    );

    // Closing the busiest road: quieter on it (B − A below −3 dB there).
    let way = busiest.id.split('/').take(2).collect::<Vec<_>>().join("/");
    let mut closed = scenario("Variante: gesperrt");
    closed.edits.remove(way);
    let variant = run(&noise, &closed, "rls19", area);
    let difference = pw_analysis::difference(&rls, &variant).unwrap();
    let change = level_at(&difference, mid);
    assert!(
        change < -3.0,
        "closing the road changes the level on it by {change} dB"
    );
    eprintln!(
        "on the road: L_r,Tag {at_road:.1}, L_den {lden:.1} dB(A); {buildings} buildings, {} facade points; closed: {change:.1} dB; KPIs {:?}",
        facades.samples.len(),
        rls.kpis
            .iter()
            .map(|k| (k.key.clone(), k.value))
            .collect::<Vec<_>>()
    );
}

/// The junctions of north Bayreuth's map: its five `traffic_signals`
/// nodes all stand where three or more road branches meet (osmium
/// getparents: four and four ways, two of which one runs through, four,
/// three), no ring is a roundabout; the noise run says what it heeds and
/// is louder at the lights.
#[test]
fn north_bayreuth_junctions_with_lights() {
    use pw_noise::junctions::junctions_from_osm;
    use pw_noise::rls19::emission::JunctionKind;
    let data = pw_osm::read_file(&osm_path()).unwrap();
    let to_utm = pw_geo::Reprojector::new(pw_geo::Crs::WGS84, pw_geo::Crs::epsg(25832)).unwrap();
    let place = |p: [f64; 2]| to_utm.apply([p[0], p[1], 0.0]).ok().map(|q| [q[0], q[1]]);
    let classes = pw_traffic::osm::default_classes();
    let is_road = |w: &pw_osm::Way| {
        pw_osm::tag(&w.tags, "highway").is_some_and(|h| classes.iter().any(|c| c.class == h))
    };
    let found = junctions_from_osm(&data, is_road, place);
    let lights: Vec<_> = found
        .iter()
        .filter(|(_, kind)| *kind == JunctionKind::TrafficLights)
        .collect();
    assert_eq!(lights.len(), 5, "{lights:?}");
    assert!(
        found
            .iter()
            .all(|(_, kind)| *kind != JunctionKind::Roundabout)
    );
    eprintln!("{} junctions", found.len());
    let signal = |id: i64| {
        let n = data.nodes.iter().find(|n| n.id == id).unwrap();
        place([n.lon, n.lat]).unwrap()
    };
    for id in [21605105, 21611968, 21636246, 670054770, 670054773] {
        let p = signal(id);
        assert!(
            found
                .iter()
                .any(|(q, kind)| *kind == JunctionKind::TrafficLights
                    && (q[0] - p[0]).hypot(q[1] - p[1]) < 1e-6),
            "the lights of node {id} at their junction"
        );
    }

    // The run around the lights of node 21605105: it says how many
    // junctions are in reach, and the roads meeting there are louder near
    // them than the same run without the junction term.
    let p = signal(21605105);
    let noise = NoiseAnalysis::default();
    let area = [p[0] - 100.0, p[1] - 100.0, p[0] + 100.0, p[1] + 100.0];
    let bestand = scenario("Bestand");
    let with = run(&noise, &bestand, "rls19", area);
    let note = with
        .notes
        .iter()
        .find(|n| n.key == "noise.junctions")
        .expect("a note on the junctions");
    assert_eq!(
        note.to_string(),
        "Junctions from the map in reach of the area: 1 with traffic lights, 0 at roundabouts — the roads meeting there get the junction term within 120 m (RLS-19 D_K) or 100 m (CNOSSOS-EU F-3)"
    );
    let mut values = ParamValues::defaults(&noise.params());
    values.set("method", Value::Text("rls19".into()));
    values.set(
        "area",
        Value::Area(Some(pw_analysis::Area::new(
            area[0], area[1], area[2], area[3],
        ))),
    );
    values.set("cell", Value::Number(20.0));
    values.set("junctions", Value::Bool(false));
    let without =
        pw_analysis::run_checked(&noise, &values, &bestand, &pw_analysis::JobControl::new())
            .unwrap();
    assert!(!without.notes.iter().any(|n| n.key == "noise.junctions"));
    let at_lights = level_at(&with, [p[0], p[1], 0.0]) - level_at(&without, [p[0], p[1], 0.0]);
    eprintln!("D_K at the lights: {at_lights:.2} dB");
    assert!(
        at_lights > 0.5 && at_lights <= 3.0,
        "at the lights {at_lights:.2} dB louder"
    );
    // Nowhere louder by more than D_K's 3 dB, nowhere quieter.
    let (a, b) = (
        &with.ground.as_ref().unwrap().grid.values,
        &without.ground.as_ref().unwrap().grid.values,
    );
    assert!(
        a.iter()
            .zip(b)
            .all(|(x, y)| x.is_nan() || (-1e-4..=3.0001).contains(&(x - y)))
    );
}
