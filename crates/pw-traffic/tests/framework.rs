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
    let kept = if forward(after, &ab) {
        ab.clone()
    } else {
        ba.clone()
    };
    let (before_min, after_min) = (col(&bestand, &kept).unwrap(), col(&variant, &kept).unwrap());
    assert!(after_min > before_min, "{before_min} → {after_min}");
    // Every other link keeps its id: B − A matches all of them, and the
    // lost direction of each piece loses all it carried in Bestand.
    let lost = if forward(after, &ab) { ba } else { ab };
    let diff = pw_analysis::compare::difference(&bestand, &variant).unwrap();
    let changes = &diff.features.as_ref().unwrap().features;
    assert_eq!(changes.len(), lines.len());
    let before = lines.iter().find(|f| f.id == lost).unwrap().value;
    let change = changes.iter().find(|f| f.id == lost).unwrap().value;
    assert_eq!(change, -before);
    // The streets that changed most head the key figures.
    assert!(diff.kpi("most_changed_1").is_some());
}

/// A layer of four zones (points in the scene CRS) named by `zelle`.
fn zones_layer() -> ScenarioLayer {
    let to_scene = pw_geo::Reprojector::new(pw_geo::Crs::WGS84, pw_geo::Crs::epsg(25832)).unwrap();
    let objects = [
        ("Nord", 11.575, 50.02),
        ("West", 11.53, 50.0),
        ("Zentrum", 11.575, 49.99),
        ("Ost", 11.6, 50.01),
    ]
    .iter()
    .enumerate()
    .map(|(k, (name, lon, lat))| {
        let p = to_scene.apply([*lon, *lat, 350.0]).unwrap();
        pw_city::CityObject {
            id: format!("zelle-{k}"),
            kind: pw_city::ObjectKind::Other,
            type_name: "PointFeature".into(),
            parent: None,
            attributes: vec![("zelle".into(), name.to_string())],
            surfaces: vec![pw_city::Surface {
                id: None,
                semantic: pw_city::Semantic::Unclassified,
                lod: 0,
                lod_minor: 0,
                exterior: vec![p],
                interiors: vec![],
                looks: vec![],
            }],
            terrain_intersection: vec![],
            line: 0,
        }
    })
    .collect();
    ScenarioLayer {
        name: "Verkehrszellen".into(),
        model: Arc::new(pw_city::CityModel {
            objects,
            ..Default::default()
        }),
        input: None,
    }
}

/// The scene's `[traffic]`: an OD file between the zones of a layer (as
/// planners keep it, German), and two counts — one on the busiest road,
/// one in a field — set beside the simulated volumes.
#[test]
fn an_od_file_between_a_layers_zones_and_counts_beside_the_volumes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("traffic_od_counts");
    std::fs::create_dir_all(&dir).unwrap();
    let od = dir.join("fahrten.csv");
    std::fs::write(
        &od,
        "Von;Nach;Fahrten;Zeitraum\nNord;Zentrum;600;Früh\nWest;Zentrum;450;Früh\nOst;Zentrum;300;Früh\n\
         Zentrum;Nord;150;Früh\nNord;Nord;40;Früh\nZentrum;Ost;999;Spät\n",
    )
    .unwrap();
    let analysis = TrafficAnalysis::default();
    let mut s = scenario("Bestand");
    s.layers.push(zones_layer());
    s.traffic = pw_analysis::scenario::TrafficInputs {
        zones_layer: Some("Verkehrszellen".into()),
        zone_id: Some("zelle".into()),
        demand: Some(od.clone()),
        period: Some("Früh".into()),
        ..Default::default()
    };
    let first = run(&analysis, &s);
    let kpi = |r: &AnalysisResult, k: &str| r.kpi(k).map(|k| k.value);
    // 600 + 450 + 300 + 150 trips of the morning; the 40 within Nord do
    // not use the roads, the evening's 999 are another period.
    assert_eq!(kpi(&first, "trips"), Some(1500.0));
    assert_eq!(kpi(&first, "unroutable"), Some(0.0));
    let notes: Vec<String> = first.notes.iter().map(|n| n.to_string()).collect();
    assert!(
        notes.contains(&"40 trips within a zone are left out: they do not use the roads.".into()),
        "{notes:?}"
    );
    assert!(
        first
            .stamp
            .details
            .iter()
            .any(|(k, v)| k == "demand" && v.contains("fahrten.csv") && v.ends_with("(Früh)"))
    );

    // Counts: on the busiest road, in its direction, 10 % above the
    // simulation; and one 300 m off any road.
    let lines = first.features.as_ref().unwrap();
    let busiest = lines
        .features
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap();
    let pw_analysis::FeatureGeometry::Line(points) = &busiest.geometry else {
        panic!()
    };
    let (a, b) = (points[0], points[1]);
    let middle = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let heading = (b[0] - a[0])
        .atan2(b[1] - a[1])
        .to_degrees()
        .rem_euclid(360.0);
    let simulated = busiest.value as f64;
    s.traffic.counts = vec![
        pw_analysis::scenario::TrafficCount {
            name: "Hauptstraße".into(),
            at: Some(middle),
            heading: Some(heading),
            per_hour: Some(simulated * 1.1),
            source: String::new(),
        },
        pw_analysis::scenario::TrafficCount {
            name: "Acker".into(),
            at: Some([middle[0] + 5_000.0, middle[1] + 5_000.0]),
            heading: None,
            per_hour: Some(100.0),
            source: String::new(),
        },
    ];
    let counted = run(&analysis, &s);
    let expected = pw_traffic::counts::geh(simulated, simulated * 1.1);
    let geh = kpi(&counted, "count_1_geh").unwrap();
    assert!((geh - expected).abs() < 1e-3, "{geh} vs {expected}");
    assert!((kpi(&counted, "count_1").unwrap() - simulated).abs() < 1e-3);
    assert_eq!(
        kpi(&counted, "counts_geh_below_5"),
        Some(if expected < 5.0 { 100.0 } else { 0.0 })
    );
    assert!(
        counted.notes.iter().any(|n| n
            .to_string()
            .starts_with("Count Acker: the nearest road is")),
        "{:?}",
        counted.notes
    );
    // The counted link carries the count in its columns.
    let f = counted.features.as_ref().unwrap();
    let i = f.features.iter().position(|x| x.id == busiest.id).unwrap();
    let column = |name: &str| {
        f.columns.iter().find_map(|c| match c {
            pw_analysis::result::Column::Numbers(n, v) if *n == name => Some(v[i]),
            _ => None,
        })
    };
    assert!((column("counted").unwrap() as f64 - simulated * 1.1).abs() < 1e-2);
    assert!((column("geh").unwrap() as f64 - expected).abs() < 1e-3);
    println!(
        "OD file: {} trips; busiest {} {simulated:.0} veh/h, GEH against +10 %: {geh:.2}",
        kpi(&first, "trips").unwrap(),
        busiest.id
    );
}

/// The roads of the same extract as a line layer (osmium's GeoJSON export,
/// every way a LineString with its tags as attributes) make the same
/// network as the map itself given the same tags: lines meet where they
/// share a vertex as ways do where they share a node. Needs `osmium`.
#[test]
fn a_line_layer_makes_the_network_the_map_makes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("traffic_lines");
    std::fs::create_dir_all(&dir).unwrap();
    let extract = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osm/north-bayreuth.osm.gz");
    let geojson = dir.join("strassen.geojson");
    let out = std::process::Command::new("osmium")
        .args([
            "export",
            "--overwrite",
            "--geometry-types=linestring",
            "-f",
            "geojson",
            "-o",
        ])
        .arg(&geojson)
        .arg(&extract)
        .output()
        .expect("osmium (tools/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let spec = pw_analysis::scenario::LineNetwork {
        layer: "Straßen".into(),
        path: geojson.clone(),
        crs: None,
        class: "highway".into(),
        classes: vec![],
        oneway: Some("oneway".into()),
        speed: Some("maxspeed".into()),
        lanes: Some("lanes".into()),
        capacity: None,
        name: Some("name".into()),
    };
    let mut lines = pw_vector::read_file(&geojson, &pw_vector::CsvOptions::default()).unwrap();
    lines.reproject(pw_geo::Crs::WGS84).unwrap();
    let known = pw_traffic::osm::default_classes();
    let map = pw_traffic::lines::line_map(&lines, &spec, &|c| known.iter().any(|k| k.class == c));
    let from_lines =
        pw_traffic::osm::road_network(&map.data, &known, &|p| Some(p), &|_| false).unwrap();

    // The map with the tags a line layer has (no access, junction or
    // restrictions), and only the ways osmium could export whole.
    let mut data = pw_osm::read_file(&extract).unwrap();
    let positions = data.positions();
    data.relations.clear();
    data.ways
        .retain(|w| w.nodes.iter().all(|n| positions.contains_key(n)));
    for w in &mut data.ways {
        w.tags.retain(|(k, _)| {
            ["highway", "oneway", "maxspeed", "lanes", "name"].contains(&k.as_str())
        });
    }
    let from_map = pw_traffic::osm::road_network(&data, &known, &|p| Some(p), &|_| false).unwrap();

    let length =
        |r: &pw_traffic::osm::RoadNetwork| r.network.links.iter().map(|l| l.length).sum::<f64>();
    println!(
        "lines: {} ways, {} links, {} nodes, {:.1} m; map: {} ways, {} links, {} nodes, {:.1} m; {} lines of other classes",
        from_lines.ways,
        from_lines.roads.len(),
        from_lines.network.node_count(),
        length(&from_lines),
        from_map.ways,
        from_map.roads.len(),
        from_map.network.node_count(),
        length(&from_map),
        map.other_classes
    );
    assert_eq!(from_lines.ways, from_map.ways);
    assert_eq!(from_lines.roads.len(), from_map.roads.len());
    assert_eq!(
        from_lines.network.node_count(),
        from_map.network.node_count()
    );
    assert_eq!(from_lines.osm_nodes, from_map.osm_nodes);
    assert!((length(&from_lines) - length(&from_map)).abs() < 0.01);
    let mut classes_lines: Vec<&str> = from_lines.roads.iter().map(|r| r.class).collect();
    let mut classes_map: Vec<&str> = from_map.roads.iter().map(|r| r.class).collect();
    classes_lines.sort();
    classes_map.sort();
    assert_eq!(classes_lines, classes_map);
    assert!(map.other_classes > 0, "footways and the like are left out");

    // Through the framework: the scene names the layer in [traffic.network].
    let analysis = TrafficAnalysis::default();
    let mut s = scenario("Bestand");
    s.layers.clear();
    s.layers.push(zones_layer());
    s.traffic.network = Some(spec);
    s.traffic.zones_layer = None;
    let e = pw_analysis::run_checked(
        &analysis,
        &ParamValues::defaults(&analysis.params()),
        &s,
        &pw_job::JobControl::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("No zones"), "{e}");
    s.traffic.zones_layer = Some("Verkehrszellen".into());
    s.traffic.zone_id = Some("zelle".into());
    // Without a demand file the zones need their figures.
    let e = pw_analysis::run_checked(
        &analysis,
        &ParamValues::defaults(&analysis.params()),
        &s,
        &pw_job::JobControl::new(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("has no “productions” and “attractions”"),
        "{e}"
    );
    // With an OD file it runs on the line layer, and a variant closes a
    // line by its object id, as the inspector does.
    let od = dir.join("fahrten.csv");
    std::fs::write(
        &od,
        "Von;Nach;Fahrten\nNord;Zentrum;600\nWest;Zentrum;450\nOst;Zentrum;300\nZentrum;Nord;150\n",
    )
    .unwrap();
    s.traffic.demand = Some(od);
    let bestand = run(&analysis, &s);
    assert_eq!(bestand.kpi("trips").unwrap().value, 1500.0);
    assert!(
        bestand
            .stamp
            .details
            .iter()
            .any(|(k, v)| k == "network" && v.starts_with("layer Straßen: 883 ways, 2610 links")),
        "{:?}",
        bestand.stamp.details
    );
    let busiest = bestand
        .features
        .as_ref()
        .unwrap()
        .features
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap();
    let way: i64 = busiest.id.split('/').nth(1).unwrap().parse().unwrap();
    let object = map.object_of_way[&way].clone();
    let mut closed = s.clone();
    closed.name = "gesperrt".into();
    closed.edits.remove(object);
    let variant = run(&analysis, &closed);
    assert_eq!(volume(&variant, &busiest.id), Some(0.0));
    assert!((variant.kpi("trips").unwrap().value - 1500.0).abs() < 1e-6);
}

/// A variant closes the busiest road and draws a new one between the ends
/// of its busiest piece: the new road takes traffic, and the trips take
/// less time than with the closure alone.
#[test]
fn a_drawn_road_takes_traffic() {
    let analysis = TrafficAnalysis::default();
    let bestand = run(&analysis, &scenario("Bestand"));
    let lines = &bestand.features.as_ref().unwrap().features;
    let busiest = lines
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap();
    let pw_analysis::FeatureGeometry::Line(points) = &busiest.geometry else {
        panic!()
    };
    let (a, b) = (points[0], points[points.len() - 1]);
    let way = busiest.id.split('/').take(2).collect::<Vec<_>>().join("/");
    let mut v = pw_plan::Variant::new("Ersatzstraße");
    v.removed.push(way.clone());
    let mut closed_only = scenario("gesperrt");
    closed_only.edits = v.edits(&|_, _| 350.0);
    let mut road = pw_plan::Road::new("strasse-1", vec![[a[0], a[1]], [b[0], b[1]]], "primary");
    road.name = "Ersatzstraße".into();
    v.roads.push(road);
    let mut replaced = scenario("Ersatzstraße");
    replaced.edits = v.edits(&|_, _| 350.0);
    assert_eq!(replaced.edits.roads.len(), 1);
    assert!(replaced.edits.summary().contains("1 new roads (strasse-1)"));

    let closed = run(&analysis, &closed_only);
    let with_road = run(&analysis, &replaced);
    let new_links: Vec<&pw_analysis::result::Feature> = with_road
        .features
        .as_ref()
        .unwrap()
        .features
        .iter()
        .filter(|f| !lines.iter().any(|l| l.id == f.id))
        .collect();
    let names = |r: &AnalysisResult, id: &str| {
        let f = r.features.as_ref().unwrap();
        let i = f.features.iter().position(|x| x.id == id)?;
        f.columns.iter().find_map(|c| match c {
            pw_analysis::result::Column::Texts("name", v) => Some(v[i].clone()),
            _ => None,
        })
    };
    let drawn: Vec<&&pw_analysis::result::Feature> = new_links
        .iter()
        .filter(|f| names(&with_road, &f.id).as_deref() == Some("Ersatzstraße"))
        .collect();
    assert_eq!(drawn.len(), 2, "both directions of the new road");
    let carried: f32 = drawn.iter().map(|f| f.value).sum();
    assert!(carried > 100.0, "{carried}");
    // B − A shows the new road gaining all it carries, named.
    let diff = pw_analysis::compare::difference(&bestand, &with_road).unwrap();
    let gained: f32 = diff
        .features
        .as_ref()
        .unwrap()
        .features
        .iter()
        .filter(|f| drawn.iter().any(|d| d.id == f.id))
        .map(|f| f.value)
        .sum();
    assert_eq!(gained, carried);
    let listed: Vec<String> = diff
        .kpis
        .iter()
        .filter(|k| k.key.starts_with("most_changed_"))
        .map(|k| k.label.to_string())
        .collect();
    assert!(
        listed.iter().any(|l| l.ends_with(": Ersatzstraße")),
        "{listed:?}"
    );
    let hours = |r: &AnalysisResult| r.kpi("vehicle_hours").unwrap().value;
    assert!(
        hours(&with_road) < hours(&closed),
        "{} vs {}",
        hours(&with_road),
        hours(&closed)
    );
    assert!(
        with_road
            .notes
            .iter()
            .any(|n| n.to_string() == "1 new roads in this scenario")
    );
    assert!(
        with_road
            .notes
            .iter()
            .all(|n| !n.to_string().contains("lead nowhere")),
        "both ends joined: {:?}",
        with_road.notes
    );
    println!(
        "closing {way}: {:.0} vehicle-hours; with the new road: {:.0}, it carries {carried:.0} veh/h (Bestand {:.0})",
        hours(&closed),
        hours(&with_road),
        busiest.value
    );
}
