//! The SensorThings client against real HTTP servers on 127.0.0.1 started
//! by the test: the recorded Jena K440 answer served in pages (with an
//! unencoded next link and an empty last page), numeric-id observations,
//! rate limits, HTTP errors, broken JSON, timeouts, a server that is down.

use pw_sensors::client::StaClient;
use pw_sensors::sta::{self, Id, Query};
use pw_testkit::{HttpFixture, Reply, closed_port};
use std::time::{Duration, Instant};

fn k440_pages() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors/jena/sensinact_sta_datastreams_K440.json"),
    )
    .unwrap();
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = all["value"].as_array().unwrap().clone();
    items
        .chunks(40)
        .map(|c| serde_json::Value::Array(c.to_vec()))
        .collect()
}

fn client(base: &str, timeout: Duration) -> StaClient {
    StaClient::new(base, timeout, None).unwrap()
}

#[test]
fn every_page_of_the_k440_datastreams_is_followed() {
    let pages = k440_pages();
    assert_eq!(pages.len(), 3, "40 + 40 + 19");
    let host: std::sync::Arc<std::sync::Mutex<String>> = Default::default();
    let h = host.clone();
    let server = HttpFixture::start(move |target, _| {
        // Page k links to page k+1 without encoding it (as the django
        // server does); the last one links on to an empty page.
        let k: usize = target
            .split("page=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let value = pages.get(k).cloned().unwrap_or(serde_json::json!([]));
        let next = format!(
            "{}/v1.1/Datastreams?$top=40&page={}&$filter=name ne 'x y'",
            h.lock().unwrap(),
            k + 1
        );
        Reply::json(serde_json::json!({"value": value, "@iot.nextLink": next}).to_string())
    });
    *host.lock().unwrap() = server.base.clone();
    let c = client(&format!("{}/v1.1", server.base), Duration::from_secs(5));
    let got = c.datastreams(&Query::default()).unwrap();
    assert_eq!(got.len(), 99);
    assert_eq!(got[0].id, Id::Text("K440~BLN1/1~color".into()));
    assert_eq!(
        got[98].id,
        sta::datastreams(
            &std::fs::read_to_string(
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../shared/data/sensors/jena/sensinact_sta_datastreams_K440.json"),
            )
            .unwrap()
        )
        .unwrap()
        .items[98]
            .id
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 4, "three pages and the empty fourth: {seen:?}");
    assert_eq!(seen[0], "/v1.1/Datastreams?$top=100");
    assert!(seen[1].contains("page=1&$filter=name%20ne%20"), "{seen:?}");
}

#[test]
fn the_client_follows_absolute_next_links_and_sends_the_token() {
    let pages = k440_pages();
    let host: std::sync::Arc<std::sync::Mutex<String>> = Default::default();
    let h = host.clone();
    let server = HttpFixture::start(move |target, headers| {
        let k: usize = target
            .split("page=")
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let auth = headers.iter().find(|(k, _)| k == "authorization");
        if auth.map(|(_, v)| v.as_str()) != Some("Bearer geheim") {
            return Reply::status(
                "401 Unauthorized",
                "application/json",
                "{\"message\": \"token\"}",
            );
        }
        let value = pages.get(k).cloned().unwrap_or(serde_json::json!([]));
        let next = format!(
            "{}/v1.1/Datastreams?$top=100&page={}",
            h.lock().unwrap(),
            k + 1
        );
        Reply::json(serde_json::json!({"value": value, "@iot.nextLink": next}).to_string())
    });
    *host.lock().unwrap() = server.base.clone();
    let base = format!("{}/v1.1", server.base);
    // Without the token: the server's refusal, with the URL.
    let e = client(&base, Duration::from_secs(5))
        .datastreams(&Query::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("401") && e.contains("/v1.1/Datastreams?$top=100"),
        "{e}"
    );
    // SAFETY of the test: a variable only this test sets.
    unsafe { std::env::set_var("PW_TEST_STA_TOKEN", "geheim") };
    let c = StaClient::new(&base, Duration::from_secs(5), Some("PW_TEST_STA_TOKEN")).unwrap();
    let all = c.datastreams(&Query::default()).unwrap();
    assert_eq!(all.len(), 99);
    assert!(
        server.seen().iter().any(|s| s.ends_with("page=3")),
        "stops at the empty page"
    );
}

#[test]
fn observations_through_the_datastream_key_with_a_time_window() {
    let server = HttpFixture::start(|target, _| {
        if target.starts_with(
            "/v1.0/Datastreams(7)/Observations?$filter=phenomenonTime%20ge%202026-01-08",
        ) {
            Reply::json(
                r#"{"@iot.count": 2, "value": [
                    {"@iot.id": 1, "phenomenonTime": "2026-01-08T00:00:00Z", "result": 41},
                    {"@iot.id": 2, "phenomenonTime": "2026-01-08T00:15:00Z", "result": 43}]}"#,
            )
        } else {
            Reply::status("404 Not Found", "text/plain", format!("no {target}"))
        }
    });
    let c = client(&format!("{}/v1.0", server.base), Duration::from_secs(5));
    let ds = sta::datastreams(r#"{"value": [{"@iot.id": 7, "name": "Radzähler"}]}"#)
        .unwrap()
        .items
        .remove(0);
    let from = pw_sensors::parse_time("2026-01-08T00:00:00Z").unwrap();
    let obs = c
        .observations(&ds, &Query::time_window(from, from + 86_400_000))
        .unwrap();
    assert_eq!(
        obs.iter()
            .map(|o| o.result.as_f64().unwrap())
            .collect::<Vec<_>>(),
        [41.0, 43.0]
    );
    assert!(server.seen()[0].contains("$orderby=phenomenonTime%20asc&$top=100"));
}

#[test]
fn rate_limits_are_waited_out() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let n = calls.clone();
    let server = HttpFixture::start(move |_, _| {
        if n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Reply::status("429 Too Many Requests", "text/plain", "slow down")
                .with_header("Retry-After", "1")
        } else {
            Reply::json(r#"{"value": []}"#)
        }
    });
    let started = Instant::now();
    let got = client(&server.base, Duration::from_secs(5))
        .datastreams(&Query::default())
        .unwrap();
    assert!(got.is_empty());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn faults_name_the_url_and_the_reason() {
    let server = HttpFixture::start(|target, _| {
        if target.starts_with("/down") {
            Reply::status(
                "500 Internal Server Error",
                "text/plain",
                "Datenbank nicht erreichbar",
            )
        } else if target.starts_with("/slow") {
            Reply::json("{}").after(Duration::from_secs(4))
        } else {
            Reply::json("{\"value\": [ {\"@iot.id\": ")
        }
    });
    let e = client(&format!("{}/down", server.base), Duration::from_secs(2))
        .datastreams(&Query::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("HTTP 500")
            && e.contains("Datenbank nicht erreichbar")
            && e.contains("/down/Datastreams"),
        "{e}"
    );
    let e = client(&format!("{}/broken", server.base), Duration::from_secs(2))
        .datastreams(&Query::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not JSON") && e.contains("/broken/Datastreams"),
        "{e}"
    );
    let started = Instant::now();
    let e = client(&format!("{}/slow", server.base), Duration::from_secs(1))
        .datastreams(&Query::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("timeout") && started.elapsed() < Duration::from_secs(3),
        "{e}"
    );
    let e = client(&closed_port(), Duration::from_secs(2))
        .datastreams(&Query::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot connect"), "{e}");
    // A host name that does not resolve (".invalid" never does, RFC 6761).
    let e = client(
        "http://sensorthings.jena.invalid/v1.1",
        Duration::from_secs(2),
    )
    .datastreams(&Query::default())
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("unknown host") && e.contains("sensorthings.jena.invalid"),
        "{e}"
    );
}

#[test]
fn a_huge_page_is_refused_not_read_into_memory() {
    // 3 MB of datastreams in one page, the client allowing 1 MB: refused by
    // its Content-Length before reading (an answer without one is read no
    // further than the limit).
    let one = r#"{"@iot.id": 1, "name": "x", "unitOfMeasurement": {}},"#;
    let body = format!(
        r#"{{"value": [{}{{"@iot.id": 0}}]}}"#,
        one.repeat(3_000_000 / one.len())
    );
    let server = HttpFixture::start(move |_, _| Reply::json(body.clone()));
    let c = client(&server.base, Duration::from_secs(10)).with_max_page_bytes(1 << 20);
    let e = c.datastreams(&Query::default()).unwrap_err().to_string();
    assert!(e.contains("larger than 1 MB") && e.contains("$top"), "{e}");
    // Within the limit it is read.
    let c = client(&server.base, Duration::from_secs(10)).with_max_page_bytes(8 << 20);
    assert_eq!(c.datastreams(&Query::default()).unwrap().len(), 2);
}

#[test]
fn history_is_kept_on_disk_for_a_workshop_without_network() {
    use pw_sensors::history_cache::HistoryCache;
    use std::sync::atomic::{AtomicBool, Ordering};
    let up = std::sync::Arc::new(AtomicBool::new(true));
    let online = up.clone();
    let server = HttpFixture::start(move |target, _| {
        if !online.load(Ordering::SeqCst) {
            Reply::status("500 Internal Server Error", "text/plain", "Wartung")
        } else if target.contains("/Observations?") {
            Reply::json(
                r#"{"value": [
                {"phenomenonTime": "2026-01-08T00:00:00Z", "result": 4},
                {"phenomenonTime": "2026-01-08T00:15:00Z", "result": "defekt"}]}"#,
            )
        } else {
            Reply::status("404 Not Found", "text/plain", "")
        }
    });
    let dir = std::env::temp_dir().join(format!("pw-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = HistoryCache::new(&dir);
    let ds = sta::datastreams(r#"{"value": [{"@iot.id": 7, "name": "Radzähler"}]}"#)
        .unwrap()
        .items
        .remove(0);
    let c = client(&format!("{}/v1.1", server.base), Duration::from_secs(2));
    let day = pw_sensors::parse_time("2026-01-08T00:00:00Z").unwrap();
    let (from, to) = (day, day + 86_400_000);
    // A past day, fetched the day after: from the server once, then from
    // disk for good (a closed window does not change).
    let later = to + 3_600_000;
    let first = cache.history(&c, &ds, from, to, 60_000, later).unwrap();
    assert!(!first.from_cache);
    assert_eq!(first.values.len(), 2);
    let again = cache
        .history(&c, &ds, from, to, 60_000, later + 86_400_000)
        .unwrap();
    assert!(again.from_cache && again.stale_because.is_none());
    assert_eq!(again.fetched_ms, later);
    assert_eq!(
        again.values[1].result,
        pw_sensors::Value::Text("defekt".into())
    );
    assert_eq!(server.seen().len(), 1);
    // Today's window, still open: asked again once older than the limit.
    let (open_from, open_to) = (later - 3_600_000, later + 3_600_000);
    cache
        .history(&c, &ds, open_from, open_to, 60_000, later)
        .unwrap();
    let fresh = cache
        .history(&c, &ds, open_from, open_to, 60_000, later + 30_000)
        .unwrap();
    assert!(fresh.from_cache);
    let refetched = cache
        .history(&c, &ds, open_from, open_to, 60_000, later + 120_000)
        .unwrap();
    assert!(!refetched.from_cache);
    assert_eq!(server.seen().len(), 3);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "one file per window"
    );
    // The server fails: the copy on disk, with its fetch time and the reason.
    up.store(false, Ordering::SeqCst);
    let stale = cache
        .history(&c, &ds, open_from, open_to, 60_000, later + 600_000)
        .unwrap();
    assert!(stale.from_cache);
    assert_eq!(stale.fetched_ms, later + 120_000);
    assert!(
        stale
            .stale_because
            .unwrap()
            .to_string()
            .contains("HTTP 500")
    );
    // Nothing on disk and no server: the error itself.
    let e = cache
        .history(&c, &ds, from - 86_400_000, from, 60_000, later)
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 500") && e.contains("Wartung"), "{e}");
    let offline = client(&pw_testkit::closed_port(), Duration::from_secs(2));
    let e = cache
        .history(&offline, &ds, from, to, 60_000, later)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot connect"),
        "another service is another cache: {e}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A MultiDatastream as FROST-Server (numeric ids) serves one, built from a
/// real ICE station record: NO2, O3 and PM10 averages in one result array.
#[test]
fn multi_datastreams_split_into_components_live_and_in_history() {
    let ice = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors/jena/icesensor_airquality_example.json"),
    )
    .unwrap();
    let station = &pw_sensors::jena::ice_stations(&ice).unwrap()[0];
    let quantities = ["no2-ugm3", "o3-ugm3", "10p"];
    let values: Vec<f64> = quantities
        .iter()
        .map(|q| station.number(q).unwrap())
        .collect();
    let time = jiff::Timestamp::from_millisecond(station.time_ms)
        .unwrap()
        .to_string();
    let [lon, lat] = station.location.unwrap();
    let observation = serde_json::json!({
        "@iot.id": 7, "phenomenonTime": time, "result": values
    });
    let mds = serde_json::json!({"value": [{
        "@iot.id": 3,
        "name": station.source_id,
        "unitOfMeasurements": [
            {"name": "Mikrogramm je Kubikmeter", "symbol": "µg/m³", "definition": null},
            {"name": "Mikrogramm je Kubikmeter", "symbol": "µg/m³", "definition": null},
            {"name": "Mikrogramm je Kubikmeter", "symbol": "µg/m³", "definition": null}],
        "multiObservationDataTypes": ["OM_Measurement", "OM_Measurement", "OM_Measurement"],
        "Thing": {"@iot.id": 9, "name": station.source_id,
                  "Locations": [{"location": {"type": "Point", "coordinates": [lon, lat]}}]},
        "ObservedProperties": [{"name": "no2-ugm3"}, {"name": "o3-ugm3"}, {"name": "10p"}],
        "Observations": [observation]
    }]});
    let page = serde_json::json!({"value": [observation]}).to_string();
    let body = mds.to_string();
    let server = HttpFixture::start(move |target, _| {
        if target.starts_with("/v1.1/MultiDatastreams(3)/Observations") {
            Reply::json(page.clone())
        } else if target.starts_with("/v1.1/MultiDatastreams") {
            Reply::json(body.clone())
        } else {
            Reply::status("404 Not Found", "text/plain", "no")
        }
    });
    let c = client(&format!("{}/v1.1", server.base), Duration::from_secs(5));
    let all = c.multi_datastreams(&Query::default()).unwrap();
    assert_eq!(all.len(), 1);
    let m = &all[0];
    assert_eq!(
        (m.id.clone(), m.observed_properties.len()),
        (Id::Number(3), 3)
    );
    let parts = m.components();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[2].id, Id::Text("3[2]".into()));
    assert_eq!(parts[2].observed_property.as_deref(), Some("10p"));
    assert_eq!(parts[2].unit.symbol.as_deref(), Some("µg/m³"));
    assert_eq!(parts[0].thing.as_ref().unwrap().location, Some([lon, lat]));
    // The newest observation, inline: each component its own value.
    for (i, p) in parts.iter().enumerate() {
        assert_eq!(p.observations[0].result, sta_value(values[i]));
        assert_eq!(p.observations[0].time_ms, station.time_ms);
    }
    // History through the MultiDatastream's own Observations.
    let history = c.multi_observations(m, &Query::default()).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].component(1).unwrap().result,
        sta_value(values[1])
    );
    // Live over MQTT: one message, three observations.
    let e = pw_sensors::mqtt::classify(
        "v1.1/MultiDatastreams(3)/Observations",
        serde_json::json!({"phenomenonTime": time, "result": values})
            .to_string()
            .as_bytes(),
        &[],
    );
    let pw_sensors::mqtt::LiveEvent::Observations(list) = &e else {
        panic!("{e:?}")
    };
    let ids: Vec<&str> = list.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["3[0]", "3[1]", "3[2]"]);
    // Filed with the catalogue: one station, three streams, NO2 87.9 µg/m³.
    let mut store = pw_sensors::store::SensorStore::default();
    store.add_datastreams(&parts, None);
    store.apply(&e, None, 0);
    assert_eq!(store.stations.len(), 1);
    let (_, no2) = store.stream("sta:3[0]").unwrap();
    assert_eq!(
        (no2.quantity.as_str(), no2.unit.as_deref()),
        ("no2-ugm3", Some("µg/m³"))
    );
    assert_eq!(
        store.series["sta:3[0]"].latest().unwrap().1,
        sta_value(87.9)
    );
    // A server without MultiDatastreams: an error naming the URL.
    let e = c
        .multi_datastreams(&Query::default())
        .map(|_| ())
        .and_then(|_| {
            client(&format!("{}/none", server.base), Duration::from_secs(5))
                .multi_datastreams(&Query::default())
                .map(|_| ())
        })
        .unwrap_err();
    assert!(
        e.to_string().contains("404") && e.to_string().contains("/none/MultiDatastreams"),
        "{e}"
    );
}

fn sta_value(v: f64) -> pw_sensors::Value {
    pw_sensors::Value::Number(v)
}

#[test]
fn tracks_and_multidatastream_windows_are_kept_on_disk_too() {
    use pw_sensors::history_cache::HistoryCache;
    use std::sync::atomic::{AtomicBool, Ordering};
    let up = std::sync::Arc::new(AtomicBool::new(true));
    let online = up.clone();
    let server = HttpFixture::start(move |target, _| {
        if !online.load(Ordering::SeqCst) {
            Reply::status("500 Internal Server Error", "text/plain", "Wartung")
        } else if target.starts_with("/Things(5)/HistoricalLocations?") {
            Reply::json(
                r#"{"value": [
                {"@iot.id": 1, "time": "2026-11-24T07:00:00Z",
                 "Locations": [{"location": {"type": "Point", "coordinates": [11.579, 50.9255]}}]},
                {"@iot.id": 2, "time": "2026-11-24T07:01:00Z",
                 "Locations": [{"location": {"type": "Point", "coordinates": [11.5812, 50.9262]}}]}]}"#,
            )
        } else if target.starts_with("/MultiDatastreams(3)/Observations?") {
            Reply::json(
                r#"{"value": [{"@iot.id": 7, "phenomenonTime": "2026-11-24T07:00:00Z",
                               "result": [87.9, 1.2, "hoch"]}]}"#,
            )
        } else {
            Reply::status("404 Not Found", "text/plain", "no")
        }
    });
    let dir = std::env::temp_dir().join(format!("pw-cache-track-{}", std::process::id()));
    let cache = HistoryCache::new(&dir);
    let c = client(&server.base, Duration::from_secs(5));
    let t0 = pw_sensors::parse_time("2026-11-24T00:00:00Z").unwrap();
    let (from, to) = (t0, t0 + 86_400_000);
    let now = t0 + 8 * 3_600_000;
    let track = cache
        .track(&c, &Id::Number(5), from, to, 60_000, now)
        .unwrap();
    assert_eq!(track.values.len(), 2);
    assert!(!track.from_cache);
    let mds: sta::MultiDatastream = sta::multi_datastreams(
        r#"{"value": [{"@iot.id": 3, "name": "ICE", "unitOfMeasurements": [{}, {}, {}]}]}"#,
    )
    .unwrap()
    .items
    .remove(0);
    let multi = cache
        .multi_history(&c, &mds, from, to, 60_000, now)
        .unwrap();
    assert_eq!(multi.values[0].results.len(), 3);
    // Offline an hour later (the open window is too old to trust): the
    // copies on disk, with the reason and their fetch time.
    up.store(false, Ordering::SeqCst);
    let later = now + 3_600_000;
    let track2 = cache
        .track(&c, &Id::Number(5), from, to, 60_000, later)
        .unwrap();
    assert_eq!(track2.values, track.values);
    assert_eq!(track2.fetched_ms, now);
    assert!(
        track2
            .stale_because
            .as_ref()
            .is_some_and(|w| w.to_string().contains("500"))
    );
    let multi2 = cache
        .multi_history(&c, &mds, from, to, 60_000, later)
        .unwrap();
    // (Entity ids are not kept: only time and results matter here.)
    assert_eq!(multi2.values[0].time_ms, multi.values[0].time_ms);
    assert_eq!(multi2.values[0].results, multi.values[0].results);
    assert_eq!(
        multi2.values[0].results[2],
        pw_sensors::Value::Text("hoch".into())
    );
    std::fs::remove_dir_all(&dir).ok();
}
