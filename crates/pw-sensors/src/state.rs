//! The latest value of every datastream and device quantity, as live events
//! update it: out-of-order and repeated messages do not turn values back,
//! and every value knows when it was measured and when it arrived, so the
//! view can show its age and call it stale.

use crate::Value;
use crate::mqtt::LiveEvent;
use std::collections::HashMap;

/// The newest value of one key.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub value: Value,
    pub unit: Option<String>,
    /// When it was measured (Unix ms).
    pub time_ms: i64,
    /// When it arrived here (Unix ms).
    pub received_ms: i64,
}

#[derive(Debug, Default, Clone)]
pub struct LiveState {
    /// "sta:<datastream id>" or "<device EUI or entity id>/<quantity>".
    pub values: HashMap<String, Latest>,
    /// Messages older than what was already known (out of order): ignored.
    pub older_ignored: usize,
    /// The same measurement again: ignored.
    pub duplicates: usize,
}

impl LiveState {
    /// Takes one event in; returns how many values changed.
    pub fn apply(&mut self, event: &LiveEvent, received_ms: i64) -> usize {
        match event {
            LiveEvent::Observation {
                datastream,
                observation,
            } => self.put(
                format!("sta:{datastream}"),
                Latest {
                    value: observation.result.clone(),
                    unit: None,
                    time_ms: observation.time_ms,
                    received_ms,
                },
            ) as usize,
            LiveEvent::Message(m) => m
                .readings
                .iter()
                .map(|r| {
                    self.put(
                        format!("{}/{}", m.source_id, r.quantity),
                        Latest {
                            value: r.value.clone(),
                            unit: r.unit.clone(),
                            time_ms: m.time_ms,
                            received_ms,
                        },
                    ) as usize
                })
                .sum(),
            _ => 0,
        }
    }

    fn put(&mut self, key: String, new: Latest) -> bool {
        match self.values.get_mut(&key) {
            Some(old) if old.time_ms > new.time_ms => {
                self.older_ignored += 1;
                false
            }
            Some(old) if old.time_ms == new.time_ms && old.value == new.value => {
                self.duplicates += 1;
                false
            }
            Some(old) => {
                *old = new;
                true
            }
            None => {
                self.values.insert(key, new);
                true
            }
        }
    }

    /// How old a value is at `now_ms` (since it was measured).
    pub fn age_ms(&self, key: &str, now_ms: i64) -> Option<i64> {
        self.values.get(key).map(|l| now_ms - l.time_ms)
    }

    /// Older than `max_age_ms`, or unknown.
    pub fn is_stale(&self, key: &str, now_ms: i64, max_age_ms: i64) -> bool {
        self.age_ms(key, now_ms).is_none_or(|a| a > max_age_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::classify;

    fn obs(ds: &str, time: &str, result: &str) -> LiveEvent {
        classify(
            &format!("v1.1/Datastreams('{ds}')/Observations"),
            format!(r#"{{"phenomenonTime": "{time}", "result": {result}}}"#).as_bytes(),
            &[],
        )
    }

    #[test]
    fn late_and_repeated_messages_do_not_turn_values_back() {
        let mut s = LiveState::default();
        let t = |x: &str| crate::parse_time(x).unwrap();
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:30:00Z", "5"), 0), 1);
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:45:00Z", "7"), 0), 1);
        // The 07:30 value again, and an older one arriving late.
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:45:00Z", "7"), 0), 0);
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:15:00Z", "1"), 0), 0);
        assert_eq!((s.duplicates, s.older_ignored), (1, 1));
        let l = &s.values["sta:a"];
        assert_eq!(
            (l.value.as_f64(), l.time_ms),
            (Some(7.0), t("2026-11-24T07:45:00Z"))
        );
        // Age and staleness at 08:00: 15 minutes.
        let now = t("2026-11-24T08:00:00Z");
        assert_eq!(s.age_ms("sta:a", now), Some(900_000));
        assert!(!s.is_stale("sta:a", now, 3_600_000));
        assert!(s.is_stale("sta:a", now, 600_000));
        assert!(s.is_stale("sta:unknown", now, 600_000));
        // A device uplink: one value per quantity.
        let up = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../../../shared/data/sensors/jena_chirpstack/uplink_teros21_stadtbaumpflege.json",
        ))
        .unwrap();
        let e = classify("application/x/device/y/event/up", up.as_bytes(), &[]);
        assert_eq!(s.apply(&e, 0), 5);
        assert_eq!(
            s.values["8cf95720000d4a69/potentialwater_1"].value.as_f64(),
            Some(-875.9)
        );
    }
}
