//! `planwerkstatt traffic assign` as a user runs it: a benchmark network
//! to its published equilibrium (CSV), an OpenStreetMap extract with zones
//! (GeoJSON lines with the run stamp), and what goes wrong said clearly.

use std::path::{Path, PathBuf};

mod common;
use common::planwerkstatt;

fn shared(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(path)
        .display()
        .to_string()
}

/// The road lines an `analysis run --out-dir` wrote.
fn road_lines(out: &Path) -> serde_json::Value {
    let file = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".geojson"))
        .expect("the road lines");
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

fn busiest(features: &[serde_json::Value]) -> &serde_json::Value {
    let volume = |f: &serde_json::Value| f["properties"]["volume"].as_f64().unwrap();
    features
        .iter()
        .max_by(|a, b| volume(a).total_cmp(&volume(b)))
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_traffic");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn sioux_falls_volumes_come_out_as_published() {
    let out = tmp("siouxfalls.csv");
    let (code, text, err) = planwerkstatt(&[
        "traffic",
        "assign",
        "--network",
        &shared("traffic/tntp/SiouxFalls/SiouxFalls_net.tntp"),
        "--demand",
        &shared("traffic/tntp/SiouxFalls/SiouxFalls_trips.tntp"),
        "--gap",
        "1e-9",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("assigned:  360600 trips"), "{text}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("# analysis: traffic\n"), "{csv}");
    assert!(csv.contains("# param_gap: 1e-9\n"));
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 76);
    // Every link as in the published equilibrium (SiouxFalls_flow.tntp:
    // From To Volume Cost, in the network's link order).
    let published =
        std::fs::read_to_string(shared("traffic/tntp/SiouxFalls/SiouxFalls_flow.tntp")).unwrap();
    for (row, line) in rows.iter().zip(published.lines().skip(1)) {
        let p: Vec<&str> = line.split_whitespace().collect();
        assert_eq!((row[0], row[1]), (p[0], p[1]));
        let (ours, theirs): (f64, f64) = (row[5].parse().unwrap(), p[2].parse().unwrap());
        assert!(
            (ours - theirs).abs() < 0.5,
            "{}→{}: {ours} vs {theirs}",
            p[0],
            p[1]
        );
    }
}

#[test]
fn an_osm_extract_with_four_zones_gives_stamped_lines() {
    let zones = tmp("zones.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Nord","productions":800,"attractions":200},"geometry":{"type":"Point","coordinates":[11.575,50.02]}},
{"type":"Feature","properties":{"name":"West","productions":600,"attractions":300},"geometry":{"type":"Point","coordinates":[11.53,50.0]}},
{"type":"Feature","properties":{"name":"Zentrum","productions":300,"attractions":1500},"geometry":{"type":"Point","coordinates":[11.575,49.99]}},
{"type":"Feature","properties":{"name":"Ost","productions":500,"attractions":200},"geometry":{"type":"Point","coordinates":[11.6,50.01]}}]}"#,
    )
    .unwrap();
    let out = tmp("bayreuth.geojson");
    let (code, text, err) = planwerkstatt(&[
        "traffic",
        "assign",
        "--network",
        &shared("osm/north-bayreuth.osm.gz"),
        "--zones",
        zones.to_str().unwrap(),
        "--gap",
        "1e-6",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("823 OSM ways → 2355 links"), "{text}");
    assert!(
        text.contains("38 turn restrictions applied at 32 junctions"),
        "{text}"
    );
    assert!(text.contains("assigned:  2200 trips"), "{text}");
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(g["planwerkstatt_run"]["analysis"], "traffic");
    assert_eq!(
        g["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::25832"
    );
    let features = g["features"].as_array().unwrap();
    assert_eq!(features.len(), 2355);
    // Lines in UTM 32 around Bayreuth (easting ≈ 680 km, northing ≈ 5.54 Mm).
    let first = &features[0]["geometry"]["coordinates"][0];
    let (e, n) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!(
        (660_000.0..700_000.0).contains(&e) && (5_520_000.0..5_560_000.0).contains(&n),
        "{e} {n}"
    );
    // Trips leave the zones over roads: the busiest road carries a good
    // share of the 2,200 trips and knows its name and class.
    let busiest = busiest(features);
    assert!(busiest["properties"]["volume"].as_f64().unwrap() > 300.0);
    assert!(
        busiest["properties"]["class"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
}

/// The same extract with the planners' own OD table (German CSV, two
/// periods) between zones named by an attribute: exactly those trips, the
/// morning's, go over the roads; a zone the table names but the zones file
/// lacks is named with its line.
#[test]
fn an_od_table_between_named_zones_is_assigned() {
    let zones = tmp("zones-named.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"bezirk":"Nord"},"geometry":{"type":"Point","coordinates":[11.575,50.02]}},
{"type":"Feature","properties":{"bezirk":"Zentrum"},"geometry":{"type":"Point","coordinates":[11.575,49.99]}},
{"type":"Feature","properties":{"bezirk":"Ost"},"geometry":{"type":"Point","coordinates":[11.6,50.01]}}]}"#,
    )
    .unwrap();
    let od = tmp("fahrten.csv");
    std::fs::write(
        &od,
        "Von;Nach;Fahrten;Zeitraum\nNord;Zentrum;1.200,5;Früh\nOst;Zentrum;300;Früh\n\
         Zentrum;Nord;900;Spät\nNord;Nord;50;Früh\n",
    )
    .unwrap();
    let out = tmp("bayreuth-od.csv");
    let args = |period: &str, od: &Path| {
        vec![
            "traffic".to_string(),
            "assign".into(),
            "--network".into(),
            shared("osm/north-bayreuth.osm.gz"),
            "--zones".into(),
            zones.display().to_string(),
            "--zone-id".into(),
            "bezirk".into(),
            "--demand".into(),
            od.display().to_string(),
            "--period".into(),
            period.into(),
            "--out".into(),
            out.display().to_string(),
        ]
    };
    let run = |a: Vec<String>| planwerkstatt(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let (code, text, err) = run(args("Früh", &od));
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains(
            "demand:    1500.5 trips between 2 zone pairs from fahrten.csv (period Früh)"
        ),
        "{text}"
    );
    assert!(text.contains("50.0 trips within a zone left out"), "{text}");
    assert!(text.contains("assigned:  1500"), "{text}");
    // Zentrum receives all of them: its connectors carry 1,500.5 in all.
    let csv = std::fs::read_to_string(&out).unwrap();
    let header = csv.lines().find(|l| l.starts_with("from,")).unwrap();
    let column = |name: &str| header.split(',').position(|c| c == name).unwrap();
    let (from, to, volume) = (column("from"), column("to"), column("volume"));
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("from,"))
        .map(|l| l.split(',').collect())
        .collect();
    // Network node names: zones first (1 Nord, 2 Zentrum, 3 Ost), as the
    // file lists them.
    let into_zentrum: f64 = rows
        .iter()
        .filter(|r| r[to] == "2")
        .map(|r| r[volume].parse::<f64>().unwrap())
        .sum();
    let out_of_zentrum: f64 = rows
        .iter()
        .filter(|r| r[from] == "2")
        .map(|r| r[volume].parse::<f64>().unwrap())
        .sum();
    assert!((into_zentrum - 1500.5).abs() < 0.01, "{into_zentrum}");
    assert!(
        out_of_zentrum.abs() < 0.01,
        "the evening's trips are not in: {out_of_zentrum}"
    );

    let (code, _, err) = run(args("Nacht", &od));
    assert_ne!(code, 0);
    assert!(
        err.contains("no period “Nacht” (the file has: Früh, Spät)"),
        "{err}"
    );
    let wrong = tmp("fahrten-falsch.csv");
    std::fs::write(&wrong, "Von;Nach;Fahrten\nNord;Zentrum;10\nNord;Süd;5\n").unwrap();
    let mut a = args("x", &wrong);
    a.truncate(a.len() - 4);
    a.extend(["--out".to_string(), out.display().to_string()]);
    let (code, _, err) = run(a);
    assert_ne!(code, 0);
    assert!(
        err.contains("fahrten-falsch.csv, line 3: zone “Süd” is not in the network (its zones: Nord, Zentrum, Ost)"),
        "{err}"
    );
}

#[test]
fn missing_inputs_are_named() {
    let net = shared("traffic/tntp/SiouxFalls/SiouxFalls_net.tntp");
    let (code, _, err) = planwerkstatt(&["traffic", "assign", "--network", &net]);
    assert_eq!(code, 2);
    assert!(
        err.contains("a TNTP network needs its trips: --demand X_trips.tntp"),
        "{err}"
    );
    let osm = shared("osm/north-bayreuth.osm.gz");
    let (code, _, err) = planwerkstatt(&["traffic", "assign", "--network", &osm]);
    assert_eq!(code, 2);
    assert!(err.contains("needs zones with trips: --zones"), "{err}");
    let zones = tmp("zones_without_trips.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"einwohner":5},"geometry":{"type":"Point","coordinates":[11.5,50.0]}}]}"#,
    )
    .unwrap();
    let (code, _, err) = planwerkstatt(&[
        "traffic",
        "assign",
        "--network",
        &osm,
        "--zones",
        zones.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no attribute “productions” (it has: einwohner)"),
        "{err}"
    );
    // A PBF whose first block is cut off: said as damaged, with its name.
    let pbf = tmp("kaputt.osm.pbf");
    let mut bytes = vec![0u8, 0, 0, 14, 0x0a, 0x09];
    bytes.extend_from_slice(b"OSMHeader");
    bytes.extend_from_slice(&[0x18, 0x80, 0x80, 0x04, 0xde, 0xad]);
    std::fs::write(&pbf, bytes).unwrap();
    let (code, _, err) = planwerkstatt(&[
        "traffic",
        "assign",
        "--network",
        pbf.to_str().unwrap(),
        "--zones",
        zones.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("kaputt.osm.pbf") && err.contains("damaged OSM PBF"),
        "{err}"
    );
    let broken = tmp("broken_net.tntp");
    std::fs::write(&broken, "<NUMBER OF NODES> 2\n<NUMBER OF LINKS> 1\n<NUMBER OF ZONES> 1\n<END OF METADATA>\n1 2 -100 1 1 0.15 4 ;\n").unwrap();
    let (code, _, err) = planwerkstatt(&[
        "traffic",
        "assign",
        "--network",
        broken.to_str().unwrap(),
        "--demand",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("broken_net.tntp, line 5: capacity -100 of link 1 → 2: it must be above 0"),
        "{err}"
    );
}

/// A scene whose only layer is the OSM extract, and a variant that closes
/// the busiest road of Bestand: the analysis runs through the registry on
/// both, as the workbench's "Berechnen" does.
#[test]
fn the_traffic_analysis_of_a_scene_and_its_variant() {
    let dir = tmp("scene");
    // Files of an earlier run would be read instead of this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scene = dir.join("bayreuth.scene");
    std::fs::write(
        &scene,
        format!(
            "name = \"Bayreuth Nord (OSM)\"\ncrs = \"EPSG:25832\"\norigin = [682000.0, 5540000.0, 350.0]\n\n[city]\nname = \"Bayreuth\"\nlatitude = 50.0\nlongitude = 11.57\ntime_zone = \"Europe/Berlin\"\n\n[[layers]]\nname = \"OpenStreetMap\"\nkind = \"vector\"\npath = \"{}\"\n",
            shared("osm/north-bayreuth.osm.gz")
        ),
    )
    .unwrap();
    let out = dir.join("bestand");
    let (code, text, err) = planwerkstatt(&[
        "analysis",
        "run",
        "traffic",
        "--scene",
        scene.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("38 turn restrictions applied at 32 junctions"),
        "{text}"
    );
    let g = road_lines(&out);
    assert_eq!(g["planwerkstatt_run"]["scenario"], "Bestand");
    let features = g["features"].as_array().unwrap();
    assert_eq!(features.len(), 2355);
    let busiest = busiest(features);
    let link = busiest["properties"]["id"].as_str().unwrap();
    let way: String = link.split('/').take(2).collect::<Vec<_>>().join("/");
    std::fs::write(
        dir.join("bayreuth.plan.toml"),
        format!("[[variant]]\nname = \"Gesperrt\"\nremoved = [\"{way}\"]\n"),
    )
    .unwrap();
    let out = dir.join("gesperrt");
    let (code, text, err) = planwerkstatt(&[
        "analysis",
        "run",
        "traffic",
        "--scene",
        scene.to_str().unwrap(),
        "--variant",
        "Gesperrt",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("1 roads closed in this scenario"), "{text}");
    let g = road_lines(&out);
    // The closed road is on the map with no traffic left.
    let closed = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == link)
        .unwrap();
    assert_eq!(closed["properties"]["volume"], 0.0);
}

/// A scene's `[traffic]` as the command line reads it: zones from a layer
/// of the scene (named by `zelle`), the trips of the morning from an OD
/// file beside the scene, and a hand count at the busiest road, 10 %
/// above what the simulation puts there.
#[test]
fn a_scenes_traffic_section_with_zones_an_od_file_and_a_count() {
    let dir = tmp("scene_traffic");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("zellen.geojson"),
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"zelle":"Nord"},"geometry":{"type":"Point","coordinates":[11.575,50.02]}},
{"type":"Feature","properties":{"zelle":"West"},"geometry":{"type":"Point","coordinates":[11.53,50.0]}},
{"type":"Feature","properties":{"zelle":"Zentrum"},"geometry":{"type":"Point","coordinates":[11.575,49.99]}},
{"type":"Feature","properties":{"zelle":"Ost"},"geometry":{"type":"Point","coordinates":[11.6,50.01]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("fahrten.csv"),
        "Von;Nach;Fahrten;Zeitraum\nNord;Zentrum;600;Früh\nWest;Zentrum;450;Früh\nOst;Zentrum;300;Früh\nZentrum;Nord;150;Früh\nZentrum;Ost;999;Spät\n",
    )
    .unwrap();
    let scene = dir.join("bayreuth.scene");
    let write_scene = |counts: &str| {
        std::fs::write(
            &scene,
            format!(
                "name = \"Bayreuth Nord\"\ncrs = \"EPSG:25832\"\norigin = [682000.0, 5540000.0, 350.0]\n\n\
                 [[layers]]\nname = \"OpenStreetMap\"\nkind = \"vector\"\npath = \"{}\"\n\n\
                 [[layers]]\nname = \"Verkehrszellen\"\nkind = \"vector\"\npath = \"zellen.geojson\"\n\n\
                 [traffic]\nzones = \"Verkehrszellen\"\nzone_id = \"zelle\"\ndemand = \"fahrten.csv\"\nperiod = \"Früh\"\n{counts}",
                shared("osm/north-bayreuth.osm.gz")
            ),
        )
        .unwrap();
    };
    let run = |out: &Path| {
        let (code, text, err) = planwerkstatt(&[
            "analysis",
            "run",
            "traffic",
            "--scene",
            scene.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let kpis = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(".csv"))
            .expect("the key figures");
        (text, std::fs::read_to_string(kpis).unwrap())
    };
    write_scene("");
    let first = dir.join("ohne");
    let (_, kpis) = run(&first);
    assert!(kpis.contains("kpi,trips,1500,,"), "{kpis}");
    assert!(
        kpis.contains("run,demand,") && kpis.contains("fahrten.csv"),
        "{kpis}"
    );
    let g = road_lines(&first);
    let busiest = busiest(g["features"].as_array().unwrap());
    let volume = busiest["properties"]["volume"].as_f64().unwrap();
    let line = busiest["geometry"]["coordinates"].as_array().unwrap();
    let point = |k: usize| [line[k][0].as_f64().unwrap(), line[k][1].as_f64().unwrap()];
    let (a, b) = (point(0), point(1));
    let heading = (b[0] - a[0])
        .atan2(b[1] - a[1])
        .to_degrees()
        .rem_euclid(360.0);
    write_scene(&format!(
        "\n[[traffic.counts]]\nname = \"Hauptstraße\"\nat = [{}, {}]\nheading = {heading}\ncount = {}\n",
        (a[0] + b[0]) / 2.0,
        (a[1] + b[1]) / 2.0,
        (volume * 1.1).round()
    ));
    let (_, kpis) = run(&dir.join("mit_zaehlung"));
    let value = |key: &str| -> f64 {
        kpis.lines()
            .find(|l| l.starts_with(&format!("kpi,{key},")))
            .unwrap_or_else(|| panic!("{key} in {kpis}"))
            .split(',')
            .nth(2)
            .unwrap()
            .parse()
            .unwrap()
    };
    let counted = (volume * 1.1).round();
    let geh = (2.0 * (volume - counted).powi(2) / (volume + counted)).sqrt();
    assert!((value("count_1") - volume).abs() < 1.0, "{kpis}");
    assert!((value("count_1_geh") - geh).abs() < 0.1, "{kpis}");
    assert!(
        kpis.contains("Simulated at Hauptstraße (counted by hand: "),
        "{kpis}"
    );
}
