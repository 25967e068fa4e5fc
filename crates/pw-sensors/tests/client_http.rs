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
    assert!(stale.stale_because.unwrap().contains("HTTP 500"));
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
