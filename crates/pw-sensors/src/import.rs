//! Time series from exported platform files (bike-counter flows, station
//! records) as SensorThings: a Datastreams collection with Things,
//! Locations and ObservedProperties expanded, and one Observation entity
//! per value on the MQTT extension's topic — so a recording built from them
//! replays through exactly the path live SensorThings data takes. The same
//! shapes give a live recording its preamble: what a store knew when the
//! recording began.

use crate::jena::Flow;
use crate::{Message, Value};
use serde_json::{Value as Json, json};

/// One datastream's values.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSeries {
    pub id: String,
    pub name: String,
    pub observed_property: String,
    pub unit: Option<String>,
    /// (Unix ms, value) in time order.
    pub values: Vec<(i64, Value)>,
}

/// A Thing with its place and datastreams.
#[derive(Debug, Clone, PartialEq)]
pub struct ThingSeries {
    pub id: String,
    pub name: String,
    /// WGS84 longitude/latitude.
    pub location: Option<[f64; 2]>,
    pub streams: Vec<StreamSeries>,
}

/// A bike counter site: one datastream per flow (counts per interval).
pub fn bike_counter(flows: &[Flow], site: &str, location: Option<[f64; 2]>) -> ThingSeries {
    ThingSeries {
        id: site.to_string(),
        name: site.to_string(),
        location,
        streams: flows
            .iter()
            .map(|f| StreamSeries {
                id: format!("{site}~{}~counts", f.id),
                name: f.name.clone(),
                observed_property: "Radverkehr".into(),
                unit: Some("Räder/15 min".into()),
                values: f
                    .counts
                    .iter()
                    .map(|&(t, c)| (t, Value::Number(c)))
                    .collect(),
            })
            .collect(),
    }
}

/// Station messages (one per station and time): one Thing per station,
/// one datastream per quantity.
pub fn stations(messages: &[Message]) -> Vec<ThingSeries> {
    let mut things: Vec<ThingSeries> = Vec::new();
    for m in messages {
        let i = match things.iter().position(|t| t.id == m.source_id) {
            Some(i) => i,
            None => {
                things.push(ThingSeries {
                    id: m.source_id.clone(),
                    name: m.name.clone().unwrap_or_else(|| m.source_id.clone()),
                    location: m.location,
                    streams: vec![],
                });
                things.len() - 1
            }
        };
        let thing = &mut things[i];
        for r in &m.readings {
            let id = format!("{}~{}", m.source_id, r.quantity);
            match thing.streams.iter_mut().find(|s| s.id == id) {
                Some(s) => s.values.push((m.time_ms, r.value.clone())),
                None => thing.streams.push(StreamSeries {
                    id,
                    name: r.quantity.clone(),
                    observed_property: r.quantity.clone(),
                    unit: r.unit.clone(),
                    values: vec![(m.time_ms, r.value.clone())],
                }),
            }
        }
    }
    things
}

/// The Datastreams collection of these Things, as a v1.1 server answers
/// `$expand=Thing/Locations,ObservedProperty`.
pub fn catalogue_json(things: &[ThingSeries]) -> String {
    let value: Vec<Json> = things
        .iter()
        .flat_map(|t| {
            let locations: Vec<Json> = t
                .location
                .iter()
                .map(|l| {
                    json!({"name": t.name, "encodingType": "application/geo+json",
                           "location": {"type": "Point", "coordinates": [l[0], l[1]]}})
                })
                .collect();
            let thing = json!({"@iot.id": t.id, "name": t.name, "Locations": locations});
            t.streams.iter().map(move |s| {
                json!({
                    "@iot.id": s.id,
                    "name": s.name,
                    "unitOfMeasurement": {"name": s.unit, "symbol": s.unit, "definition": null},
                    "Thing": thing,
                    "ObservedProperty": {"name": s.observed_property},
                })
            })
        })
        .collect();
    json!({ "value": value }).to_string()
}

/// What a store knows of its SensorThings stations, as a recording's
/// preamble: the catalogue (Things with places, datastreams with units)
/// and every datastream's newest value.
pub fn store_preamble(store: &crate::store::SensorStore) -> Vec<(String, Vec<u8>)> {
    let mut things = Vec::new();
    let mut latest = Vec::new();
    for st in &store.stations {
        let streams: Vec<StreamSeries> = st
            .streams
            .iter()
            .filter_map(|s| {
                let id = s.key.strip_prefix("sta:")?;
                if let Some((t, v)) = store.series.get(&s.key).and_then(|x| x.latest()) {
                    latest.push((observation_topic(id), observation_json(*t, v).into_bytes()));
                }
                Some(StreamSeries {
                    id: id.to_string(),
                    name: s.label.clone(),
                    observed_property: s.quantity.clone(),
                    unit: s.unit.clone(),
                    values: vec![],
                })
            })
            .collect();
        if streams.is_empty() {
            continue;
        }
        things.push(ThingSeries {
            id: st
                .id
                .strip_prefix("sta-thing:")
                .unwrap_or(&st.id)
                .to_string(),
            name: st.name.clone(),
            location: st.location,
            streams,
        });
    }
    if things.is_empty() {
        return latest;
    }
    let mut out = vec![(
        crate::mqtt::CATALOGUE_TOPIC.to_string(),
        catalogue_json(&things).into_bytes(),
    )];
    out.extend(latest);
    out
}

/// The MQTT extension's topic for a datastream's observations.
pub fn observation_topic(datastream: &str) -> String {
    format!(
        "v1.1/Datastreams('{}')/Observations",
        datastream.replace('\'', "''")
    )
}

/// One Observation entity as the MQTT extension publishes it.
pub fn observation_json(time_ms: i64, value: &Value) -> String {
    let time = jiff::Timestamp::from_millisecond(time_ms)
        .map(|t| t.to_string())
        .unwrap_or_default();
    json!({"phenomenonTime": time, "resultTime": time, "result": value.to_json()}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{LiveEvent, classify};
    use crate::store::SensorStore;

    #[test]
    fn bike_counts_go_through_sensorthings_and_back_unchanged() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors/jena");
        let text = std::fs::read_to_string(data.join("bike_counter_goldbergrampe_rawTraffic.json"))
            .unwrap();
        let flows = crate::jena::bike_flows(&text).unwrap();
        let thing = bike_counter(&flows, "Jena-Goldbergrampe", Some([11.612, 50.888]));
        let mut store = SensorStore::default();
        let e = classify(
            crate::mqtt::CATALOGUE_TOPIC,
            catalogue_json(std::slice::from_ref(&thing)).as_bytes(),
            &[],
        );
        assert!(matches!(&e, LiveEvent::Datastreams(d) if d.len() == 4));
        store.apply(&e, Some("Verkehr"), 0);
        for s in &thing.streams {
            for (t, v) in &s.values {
                let e = classify(
                    &observation_topic(&s.id),
                    observation_json(*t, v).as_bytes(),
                    &[],
                );
                store.apply(&e, None, 0);
            }
        }
        assert_eq!(store.stations.len(), 1);
        let st = &store.stations[0];
        assert_eq!(
            (st.name.as_str(), st.location),
            ("Jena-Goldbergrampe", Some([11.612, 50.888]))
        );
        assert_eq!(st.category.as_deref(), Some("Verkehr"));
        assert_eq!(st.streams.len(), 4);
        for (flow, stream) in flows.iter().zip(&st.streams) {
            let series = &store.series[&stream.key];
            assert_eq!(series.samples.len(), 480, "{}", flow.name);
            let sum: f64 = series.samples.iter().filter_map(|s| s.1.as_f64()).sum();
            let expected: f64 = flow.counts.iter().map(|c| c.1).sum();
            assert_eq!(sum, expected);
            assert_eq!(stream.unit.as_deref(), Some("Räder/15 min"));
        }
    }
}
