//! The demo scene's sensor recording (`assets/demo/jena/plattform.jsonl`)
//! is built from the real Jena payloads in `../shared/data/sensors/` — this
//! test builds it again and requires the bundled file to be exactly that,
//! so its provenance stays checkable. `PW_BLESS=1` writes it anew.
//!
//! What goes in, in arrival order:
//! - at the start, as a platform sends what it knows: the SensorThings
//!   catalogue (the bike counter Jena-Goldbergrampe and the four ICE
//!   air-quality stations as Things with Locations and Datastreams), the
//!   ICE stations' last values (measured 2022) and the five ChirpStack
//!   uplinks from Jena's tenant exactly as received (2024/2025);
//! - then the bike counter's 4 × 480 quarter-hour counts of 8–12 January
//!   2026 as SensorThings MQTT observations at their measuring times.

use pw_sensors::import::{
    bike_counter, catalogue_json, observation_json, observation_topic, stations,
};
use pw_sensors::mqtt::{CATALOGUE_TOPIC, LiveEvent};
use pw_sensors::record::{Recorded, Recorder, Recording, Replay};
use pw_sensors::store::SensorStore;
use std::path::{Path, PathBuf};

/// Jena-Goldbergrampe as the platform's bike-counter site list gives it
/// (eclipse-fennec codec documentation, rounded to 0.001°): the counts
/// file itself carries no position.
const GOLDBERGRAMPE: [f64; 2] = [11.612, 50.888];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(out: &Path) {
    let data = root().join("../shared/data/sensors");
    let read = |p: &str| std::fs::read_to_string(data.join(p)).unwrap();
    let flows =
        pw_sensors::jena::bike_flows(&read("jena/bike_counter_goldbergrampe_rawTraffic.json"))
            .unwrap();
    let bike = bike_counter(&flows, "Jena-Goldbergrampe", Some(GOLDBERGRAMPE));
    let ice = stations(
        &pw_sensors::jena::ice_stations(&read("jena/icesensor_airquality_example.json")).unwrap(),
    );
    let start = bike.streams[0].values[0].0;
    let mut rec = Recorder::create(out, start).unwrap();
    let mut put = |at_ms: u64, topic: String, text: String| {
        rec.record(&Recorded {
            at_ms,
            topic,
            payload: text.into_bytes(),
        })
        .unwrap()
    };
    let mut things = vec![bike.clone()];
    things.extend(ice.iter().cloned());
    put(0, CATALOGUE_TOPIC.into(), catalogue_json(&things));
    for s in ice.iter().flat_map(|t| &t.streams) {
        for (t, v) in &s.values {
            put(0, observation_topic(&s.id), observation_json(*t, v));
        }
    }
    let mut uplinks: Vec<_> = std::fs::read_dir(data.join("jena_chirpstack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    uplinks.sort();
    for p in uplinks {
        let text = std::fs::read_to_string(&p).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let info = &v["deviceInfo"];
        let topic = format!(
            "application/{}/device/{}/event/up",
            info["applicationId"].as_str().unwrap(),
            info["devEui"].as_str().unwrap()
        );
        // One line per message, as a broker delivers it.
        put(0, topic, v.to_string());
    }
    let mut counts: Vec<(i64, &str, &pw_sensors::Value)> = bike
        .streams
        .iter()
        .flat_map(|s| s.values.iter().map(move |(t, v)| (*t, s.id.as_str(), v)))
        .collect();
    counts.sort_by_key(|c| c.0);
    for (t, id, v) in counts {
        put(
            (t - start) as u64,
            observation_topic(id),
            observation_json(t, v),
        );
    }
}

#[test]
fn the_bundled_recording_is_built_from_the_real_jena_payloads() {
    let bundled = root().join("assets/demo/jena/plattform.jsonl");
    let fresh = std::env::temp_dir().join(format!("pw-demo-rec-{}.jsonl", std::process::id()));
    build(&fresh);
    if std::env::var_os("PW_BLESS").is_some() {
        std::fs::copy(&fresh, &bundled).unwrap();
    }
    let (a, b) = (
        std::fs::read(&fresh).unwrap(),
        std::fs::read(&bundled).unwrap(),
    );
    std::fs::remove_file(&fresh).ok();
    assert!(
        a == b,
        "{} differs from what the real payloads give; rebuild with PW_BLESS=1",
        bundled.display()
    );

    // Replayed to the end: what the demo shows.
    let recording = Recording::read(&bundled).unwrap();
    assert!(recording.problems.is_empty(), "{:?}", recording.problems);
    assert_eq!(recording.messages.len(), 1 + 4 * 480 + 5 + ice_values());
    let mut replay = Replay::new(recording, vec![]);
    let mut store = SensorStore::default();
    for e in replay.due(u64::MAX) {
        assert!(!matches!(e, LiveEvent::Unreadable { .. }), "{e:?}");
        store.apply(&e, None, 0);
    }
    // 1 bike counter + 4 ICE stations with places, 5 devices without.
    assert_eq!(store.stations.len(), 10);
    let placed = store
        .stations
        .iter()
        .filter(|s| s.location.is_some())
        .count();
    assert_eq!(placed, 5);
    let bike = store.station_by_id("sta-thing:Jena-Goldbergrampe").unwrap();
    assert_eq!(bike.streams.len(), 4);
    // The busiest quarter hour towards the centre on 8 January 2026.
    let series = &store.series[&bike.streams[0].key];
    assert_eq!(series.samples.len(), 480);
    let t = |s: &str| pw_sensors::parse_time(s).unwrap();
    let day = series
        .stats(
            t("2026-01-08T00:00:00+01:00"),
            t("2026-01-09T00:00:00+01:00"),
        )
        .unwrap();
    assert_eq!(day.count, 96);
    let expected_day: f64 = flows_day_sum();
    assert_eq!(day.mean * 96.0, expected_day);
    let no2 = store.value_at(
        "sta:ICE-025-049-000-001~no2-ugm3",
        t("2026-01-09T00:00:00Z"),
    );
    assert!(no2.is_some_and(|(time, _)| *time == 1_661_504_808_000));
}

fn ice_values() -> usize {
    let text = std::fs::read_to_string(
        root().join("../shared/data/sensors/jena/icesensor_airquality_example.json"),
    )
    .unwrap();
    pw_sensors::jena::ice_stations(&text)
        .unwrap()
        .iter()
        .map(|m| m.readings.len())
        .sum()
}

/// The first flow's counts on 8 January, straight from the file.
fn flows_day_sum() -> f64 {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join("../shared/data/sensors/jena/bike_counter_goldbergrampe_rawTraffic.json"),
        )
        .unwrap(),
    )
    .unwrap();
    v[0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["timestamp"].as_str().unwrap().starts_with("2026-01-08"))
        .map(|d| d["counts"].as_f64().unwrap())
        .sum()
}
