//! Traffic counts from a stream: vehicles (or bicycles) per hour over the
//! hour up to a time, whatever interval the counter reports in. A stream
//! whose unit is a rate per hour ("Kfz/h", "1/h", "veh/h") gives the mean
//! of its values; any other (counts per 15 minutes, per 5 minutes …) the
//! sum, scaled up where the hour is not fully covered.

use crate::store::SensorStore;

const HOUR_MS: i64 = 3_600_000;

/// A stream's volume over one hour.
#[derive(Debug, Clone, PartialEq)]
pub struct HourlyCount {
    pub per_hour: f64,
    /// Values used.
    pub samples: usize,
    /// The hour: [from, to) in Unix ms.
    pub from_ms: i64,
    pub to_ms: i64,
}

/// Whether a unit is a rate per hour.
pub fn is_per_hour(unit: &str) -> bool {
    let u = unit.replace(' ', "").to_lowercase();
    u.ends_with("/h") || u.ends_with("/hour") || u.ends_with("/stunde") || u.ends_with("h-1")
}

/// The stream a count names: a stream key ("sta:17"), or a station's or a
/// stream's name (its label, its quantity), whichever matches first.
pub fn find_stream<'a>(store: &'a SensorStore, name: &str) -> Option<&'a str> {
    if store.stream(name).is_some() {
        return store.stream(name).map(|(_, s)| s.key.as_str());
    }
    store.stations.iter().find_map(|station| {
        let whole = station.name == name && station.streams.len() == 1;
        station
            .streams
            .iter()
            .find(|s| whole || s.label == name || s.quantity == name)
            .map(|s| s.key.as_str())
    })
}

/// The volume of `key` in the hour up to `to_ms`; None without numbers
/// in that hour.
pub fn hourly_count(store: &SensorStore, key: &str, to_ms: i64) -> Option<HourlyCount> {
    let (_, stream) = store.stream(key)?;
    let series = store.series.get(key)?;
    let from_ms = to_ms - HOUR_MS;
    let window = series.window(from_ms, to_ms);
    let values: Vec<f64> = window.iter().filter_map(|(_, v)| v.as_f64()).collect();
    if values.is_empty() {
        return None;
    }
    let per_hour = if stream.unit.as_deref().is_some_and(is_per_hour) {
        values.iter().sum::<f64>() / values.len() as f64
    } else {
        // The counter's interval: the usual spacing of its values (the
        // whole series, so that one value in the hour still has one).
        let mut gaps: Vec<i64> = series
            .samples
            .windows(2)
            .map(|w| w[1].0 - w[0].0)
            .filter(|g| *g > 0)
            .collect();
        gaps.sort_unstable();
        // One value alone says no interval: no count rather than a wrong one.
        let interval = gaps.get(gaps.len() / 2).copied()?.min(HOUR_MS);
        let covered = (values.len() as i64 * interval).min(HOUR_MS);
        values.iter().sum::<f64>() * HOUR_MS as f64 / covered as f64
    };
    Some(HourlyCount {
        per_hour,
        samples: values.len(),
        from_ms,
        to_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Jena bike counter at the Goldbergrampe (15-minute counts,
    /// urban data platform), as a SensorThings catalogue gives it: the
    /// hour 2026-01-08 08:00–09:00 local time towards Lobeda, against
    /// the file's four values summed here.
    #[test]
    fn the_goldbergrampe_counter_by_the_hour() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors/jena/bike_counter_goldbergrampe_rawTraffic.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let flows = crate::jena::bike_flows(&text).unwrap();
        let by_hand: f64 = flows[1]
            .counts
            .iter()
            // 08:00–09:00 local (UTC+1) is 07:00–08:00 UTC.
            .filter(|(t, _)| (T0 + 7 * HOUR_MS..T0 + 8 * HOUR_MS).contains(t))
            .map(|(_, c)| c)
            .sum();
        let thing = crate::import::bike_counter(&flows, "Goldbergrampe", Some([11.6, 50.93]));
        let page =
            crate::sta::datastreams(&crate::import::catalogue_json(std::slice::from_ref(&thing)))
                .unwrap();
        let mut store = SensorStore::default();
        store.add_datastreams(&page.items, None);
        let key = find_stream(&store, &flows[1].name)
            .expect("the stream by its name")
            .to_string();
        let values: Vec<crate::sta::Observation> = thing.streams[1]
            .values
            .iter()
            .map(|(t, v)| crate::sta::Observation {
                id: None,
                time_ms: *t,
                result: v.clone(),
                location: None,
            })
            .collect();
        store.insert_history(&key, &values, 0);
        let c = hourly_count(&store, &key, T0 + 8 * HOUR_MS).unwrap();
        assert_eq!(c.samples, 4);
        assert!(
            (c.per_hour - by_hand).abs() < 1e-9,
            "{} vs {by_hand}",
            c.per_hour
        );
        assert_eq!(by_hand, 22.0, "6 + 2 + 8 + 6 bicycles");
    }

    /// 2026-01-08 00:00 UTC.
    const T0: i64 = 1_767_830_400_000;

    #[test]
    fn units_that_are_rates() {
        for u in ["Kfz/h", "veh / h", "1/h", "Fahrzeuge/Stunde", "h-1"] {
            assert!(is_per_hour(u), "{u}");
        }
        for u in ["Räder/15 min", "1/15min", "count", "Kfz"] {
            assert!(!is_per_hour(u), "{u}");
        }
    }
}
