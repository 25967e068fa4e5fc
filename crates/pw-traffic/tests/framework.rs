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

    // Every link has an id of its own (a way that comes back to a node has
    // two pieces between the same nodes).
    let unique: std::collections::HashSet<&str> =
        lines.features.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(unique.len(), lines.features.len());
    let busiest = lines
        .features
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap();
    let way = busiest.id.split('/').take(2).collect::<Vec<_>>().join("/");
    let mut closed = scenario("Variante: gesperrt");
    closed.edits.remove(way.clone());
    let variant = run(&analysis, &closed);
    assert_eq!(volume(&variant, &busiest.id), Some(0.0), "{way} is closed");
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
    // Every link is matched by its id, the closed road too: it lost all.
    assert_eq!(changes.len(), 2355);
    let lost = changes.iter().find(|f| f.id == busiest.id).unwrap().value;
    assert_eq!(lost, -busiest.value);
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

#[test]
fn a_road_made_one_way_and_slower_keeps_its_link_ids() {
    let analysis = TrafficAnalysis::default();
    let bestand = run(&analysis, &scenario("Bestand"));
    let lines = &bestand.features.as_ref().unwrap().features;
    // A two-way road: a link whose reverse exists too.
    let ids: std::collections::HashSet<&str> = lines.iter().map(|f| f.id.as_str()).collect();
    let two_way = lines
        .iter()
        .filter(|f| {
            let (way, ends) = f.id.rsplit_once('/').unwrap();
            let (a, b) = ends.split_once('-').unwrap();
            ids.contains(format!("{way}/{b}-{a}").as_str())
        })
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap();
    let (piece, ends) = two_way.id.rsplit_once('/').unwrap();
    let (a, b) = ends.split_once('-').unwrap();
    let way = piece.split('/').take(2).collect::<Vec<_>>().join("/");
    let way = way.as_str();
    let mut v = pw_plan::Variant::new("Einbahnstraße");
    assert!(v.set_attribute(way, "oneway", Some("yes")));
    assert!(v.set_attribute(way, "maxspeed", Some("10")));
    let mut changed = scenario("Einbahnstraße");
    changed.edits = v.edits(&|_, _| 350.0);
    let variant = run(&analysis, &changed);
    let after = &variant.features.as_ref().unwrap().features;
    let forward = |r: &[pw_analysis::result::Feature], id: &str| r.iter().any(|f| f.id == id);
    // Drawn a → b or b → a in the data: one of the two directions is gone.
    let (ab, ba) = (format!("{piece}/{a}-{b}"), format!("{piece}/{b}-{a}"));
    assert!(
        forward(after, &ab) != forward(after, &ba),
        "exactly one direction stays"
    );
    assert!(changed.edits.summary().contains("1 changed"));
    // Its free-flow time now at 10 km/h.
    let col = |r: &AnalysisResult, id: &str| {
        let f = r.features.as_ref().unwrap();
        let i = f.features.iter().position(|x| x.id == id)?;
        f.columns.iter().find_map(|c| match c {
            pw_analysis::result::Column::Numbers("free_flow_minutes", v) => Some(v[i]),
            _ => None,
        })
    };
    let kept = if forward(after, &ab) { ab } else { ba };
    let (before_min, after_min) = (col(&bestand, &kept).unwrap(), col(&variant, &kept).unwrap());
    assert!(after_min > before_min, "{before_min} → {after_min}");
    // Every other link keeps its id: B − A matches all but the lost
    // direction of each piece of the way.
    let pieces = lines
        .iter()
        .filter(|f| f.id.starts_with(&format!("{way}/")))
        .count()
        / 2;
    let diff = pw_analysis::compare::difference(&bestand, &variant).unwrap();
    assert_eq!(diff.features.unwrap().features.len(), lines.len() - pieces);
}
