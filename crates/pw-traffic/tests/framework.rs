//! Traffic as the workbench runs it: a scenario whose layer is the real
//! OSM extract of north Bayreuth (ODbL), zones from its land use, Bestand
//! and a variant that closes the busiest road; B − A through the
//! framework's comparison.

use pw_analysis::scenario::{InputStamp, ScenarioLayer, Site};
use pw_analysis::{Analysis, AnalysisResult, ParamValues, Scenario};
use pw_traffic::framework::TrafficAnalysis;
use std::path::PathBuf;
use std::sync::Arc;

fn scenario(name: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osm/north-bayreuth.osm.gz");
    let site = Site {
        crs: Some(pw_geo::Crs::epsg(25832)),
        origin: [680_000.0, 5_540_000.0, 350.0],
        latitude: 50.0,
        longitude: 11.57,
        time_zone: "Europe/Berlin".into(),
    };
    let mut s = Scenario::new(name, site);
    s.layers.push(ScenarioLayer {
        name: "OSM".into(),
        model: Arc::new(pw_city::CityModel::default()),
        input: Some(InputStamp::of(&path)),
    });
    s
}

fn run(a: &TrafficAnalysis, s: &Scenario) -> AnalysisResult {
    let values = ParamValues::defaults(&a.params());
    pw_analysis::run_checked(a, &values, s, &pw_job::JobControl::new()).unwrap()
}

fn volume(r: &AnalysisResult, id: &str) -> Option<f32> {
    r.features
        .as_ref()?
        .features
        .iter()
        .find(|f| f.id == id)
        .map(|f| f.value)
}

#[test]
fn closing_the_busiest_road_sends_its_traffic_elsewhere() {
    let analysis = TrafficAnalysis::default();
    let bestand = run(&analysis, &scenario("Bestand"));
    let lines = bestand.features.as_ref().unwrap();
    assert_eq!(lines.features.len(), 2355);
    let kpi = |r: &AnalysisResult, k: &str| r.kpi(k).unwrap().value;
    assert!(kpi(&bestand, "relative_gap") <= 1e-4);
    assert!(
        kpi(&bestand, "trips") > 1000.0,
        "{}",
        kpi(&bestand, "trips")
    );
    assert_eq!(kpi(&bestand, "unroutable"), 0.0);
    // Lines lie at the scene's ground (no terrain: the origin's height).
    let pw_analysis::FeatureGeometry::Line(first) = &lines.features[0].geometry else {
        panic!()
    };
    assert_eq!(first[0][2], 350.0);
    assert_eq!(bestand.stamp.analysis, "traffic");

    let busiest = lines
        .features
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap();
    let way = busiest.id.split('/').take(2).collect::<Vec<_>>().join("/");
    let mut closed = scenario("Variante: gesperrt");
    closed.edits.remove(way.clone());
    let variant = run(&analysis, &closed);
    assert_eq!(volume(&variant, &busiest.id), None, "{way} is closed");
    assert!(
        variant
            .notes
            .iter()
            .any(|n| n.to_string() == "1 roads closed in this scenario")
    );
    // The same trips still arrive, over longer ways.
    assert!((kpi(&variant, "trips") - kpi(&bestand, "trips")).abs() < 1e-6);
    assert!(kpi(&variant, "vehicle_hours") > kpi(&bestand, "vehicle_hours"));

    let diff = pw_analysis::compare::difference(&bestand, &variant).unwrap();
    let changes = &diff.features.as_ref().unwrap().features;
    // Every other link is matched by its id; the closed way's links are
    // only in A.
    let closed_links = lines
        .features
        .iter()
        .filter(|f| f.id.starts_with(&format!("{way}/")))
        .count();
    assert_eq!(changes.len(), 2355 - closed_links);
    let gained: f32 = changes.iter().map(|f| f.value.max(0.0)).sum();
    assert!(
        gained > busiest.value,
        "the detour carries at least what the closed road did"
    );
    println!(
        "Bestand: busiest {} with {:.0} veh/h; closing {way}: {:.0} vehicle-hours → {:.0}",
        busiest.id,
        busiest.value,
        kpi(&bestand, "vehicle_hours"),
        kpi(&variant, "vehicle_hours")
    );
}

#[test]
fn a_scene_without_roads_says_what_is_missing() {
    let a = TrafficAnalysis::default();
    let mut s = scenario("Bestand");
    s.layers.clear();
    let e = pw_analysis::run_checked(
        &a,
        &ParamValues::defaults(&a.params()),
        &s,
        &pw_job::JobControl::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no OpenStreetMap layer"), "{e}");
}

#[test]
fn a_new_quarter_adds_its_trips() {
    let analysis = TrafficAnalysis::default();
    let bestand = run(&analysis, &scenario("Bestand"));
    // Four 40 × 25 m blocks of 5 storeys of housing near a main road of
    // the extract: 4 × 1,000 m² × 5 = 20,000 m² floor area.
    let mut v = pw_plan::Variant::new("Neues Quartier");
    for k in 0..4 {
        let (x, y) = (681_300.0 + 60.0 * k as f64, 5_539_300.0);
        v.volumes.push(pw_plan::Volume::new(
            format!("neu-{k}"),
            vec![[x, y], [x + 40.0, y], [x + 40.0, y + 25.0], [x, y + 25.0]],
            5,
        ));
    }
    let mut quarter = scenario("Neues Quartier");
    quarter.edits = v.edits(&|_, _| 350.0);
    let built = run(&analysis, &quarter);
    let trips = |r: &AnalysisResult| r.kpi("trips").unwrap().value;
    // 20,000 m² / 100 × 0.5 = 100 more trips sent from the new homes.
    let added = trips(&built) - trips(&bestand);
    assert!((added - 100.0).abs() < 1e-6, "{added}");
    assert!(
        built
            .stamp
            .details
            .iter()
            .any(|(k, v)| k == "new_building_zones" && v == "4")
    );
    let km = |r: &AnalysisResult| r.kpi("vehicle_km").unwrap().value;
    assert!(km(&built) > km(&bestand));
}
