//! Issue 6 scale targets, engine-free part (`cargo bench -p pw-sensors
//! --bench live`):
//! - 10,000 datastreams with live MQTT updates at 100 messages/s: what one
//!   message costs from topic + payload to the updated latest-value table
//!   (decode + into the store's time series), measured over 200,000 messages;
//! - a year of 15-minute observations of one datastream (35,040 values) in
//!   351 SensorThings pages of 100: parse and summarize (min/max/mean).
//!
//! The messages are SensorThings observations shaped like sensiNact's
//! (string ids `K<n>~<group>~color`), the values a daily cycle.

use pw_sensors::mqtt::classify;
use pw_sensors::sta;
use pw_sensors::store::SensorStore;
use std::time::Instant;

fn main() {
    const STREAMS: usize = 10_000;
    const MESSAGES: usize = 200_000;
    let start_ms = pw_sensors::parse_time("2026-01-01T00:00:00Z").unwrap();
    let iso = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .unwrap()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let messages: Vec<(String, Vec<u8>)> = (0..MESSAGES)
        .map(|i| {
            let ds = next() % STREAMS;
            let t = start_ms + (i as i64) * 10;
            (
                format!(
                    "v1.1/Datastreams('K{}~BLN{}/1~color')/Observations",
                    ds / 30,
                    ds % 30
                ),
                format!(
                    r#"{{"phenomenonTime": "{}", "result": {}}}"#,
                    iso(t),
                    (i % 97) as f64 * 0.5
                )
                .into_bytes(),
            )
        })
        .collect();
    let mut store = SensorStore::default();
    let t = Instant::now();
    let mut changed = 0;
    for (topic, payload) in &messages {
        changed += store.apply(&classify(topic, payload, &[]), None, 0);
    }
    let live = t.elapsed();
    let per = live.as_secs_f64() / MESSAGES as f64;
    println!(
        "Live: {MESSAGES} messages over {} datastreams in {live:.2?}: {:.1} µs each; \
         100 msg/s cost {:.3} % of one core ({changed} values changed)",
        store.series.len(),
        per * 1e6,
        per * 100.0 * 100.0
    );

    // A year of quarter hours in pages of 100, as a server sends them.
    let values = 35_040;
    let pages: Vec<String> = (0..values)
        .collect::<Vec<usize>>()
        .chunks(100)
        .map(|c| {
            let items: Vec<String> = c
                .iter()
                .map(|&i| {
                    let hour = (i / 4) % 24;
                    let v =
                        10.0 + 8.0 * ((hour as f64 - 14.0) / 24.0 * std::f64::consts::TAU).cos();
                    format!(
                        r#"{{"@iot.id": {i}, "phenomenonTime": "{}", "result": {v:.2}}}"#,
                        iso(start_ms + i as i64 * 900_000)
                    )
                })
                .collect();
            format!(
                r#"{{"value": [{}], "@iot.nextLink": "x"}}"#,
                items.join(",")
            )
        })
        .collect();
    let bytes: usize = pages.iter().map(String::len).sum();
    let t = Instant::now();
    let mut year_store = SensorStore::default();
    for p in &pages {
        year_store.insert_history("sta:year", &sta::observations(p).unwrap().items, 0);
    }
    let series = &year_store.series["sta:year"];
    let stats = series.stats(i64::MIN, i64::MAX).unwrap();
    let (min, max, mean) = (stats.min, stats.max, stats.mean);
    let year = t.elapsed();
    assert_eq!(series.samples.len(), values);
    println!(
        "History: {values} quarter-hour values in {} pages ({:.1} MB JSON) parsed and summarized \
         in {year:.2?} (target < 1 s incl. plot); min {min:.2}, max {max:.2}, mean {mean:.2}",
        pages.len(),
        bytes as f64 / 1e6
    );
}
