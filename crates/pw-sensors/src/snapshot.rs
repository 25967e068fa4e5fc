//! The last known values on disk: written while the app runs, read at the
//! next start before any network is asked, so a workshop room without
//! network opens with every station, its place and its newest value — and
//! the time it arrived, shown as its age.

use crate::live::LiveEvent;
use crate::sta::{Datastream, Id, Thing, Unit};
use crate::store::SensorStore;
use crate::{Message, Reading, SensorError, Value, parse_json};
use serde_json::{Value as Json, json};
use std::path::Path;

/// What a snapshot keeps of one stream.
#[derive(Debug, Clone)]
struct KeptStream {
    key: String,
    quantity: String,
    unit: Option<String>,
    latest: Option<(i64, Value)>,
    received_ms: Option<i64>,
}

/// What a snapshot keeps of one station.
#[derive(Debug, Clone)]
struct KeptStation {
    id: String,
    name: String,
    category: Option<String>,
    location: Option<[f64; 2]>,
    streams: Vec<KeptStream>,
}

/// Stations, streams and newest values taken from a store: cheap to take
/// (no history, no JSON), so the app takes it on the frame and writes it
/// in the background.
#[derive(Debug, Clone)]
pub struct Snapshot {
    stations: Vec<KeptStation>,
}

impl Snapshot {
    pub fn of(store: &SensorStore) -> Snapshot {
        let stations = store
            .stations
            .iter()
            .map(|s| KeptStation {
                id: s.id.clone(),
                name: s.name.clone(),
                category: s.category.clone(),
                location: s.location,
                streams: s
                    .streams
                    .iter()
                    .map(|st| KeptStream {
                        key: st.key.clone(),
                        quantity: st.quantity.clone(),
                        unit: st.unit.clone(),
                        latest: store.series.get(&st.key).and_then(|x| x.latest()).cloned(),
                        received_ms: store.received_ms.get(&st.key).copied(),
                    })
                    .collect(),
            })
            .collect();
        Snapshot { stations }
    }

    pub fn to_json(&self) -> String {
        let stations: Vec<Json> = self
            .stations
            .iter()
            .map(|s| {
                let streams: Vec<Json> = s
                    .streams
                    .iter()
                    .map(|st| {
                        json!({
                            "key": st.key,
                            "quantity": st.quantity,
                            "unit": st.unit,
                            "time_ms": st.latest.as_ref().map(|l| l.0),
                            "value": st.latest.as_ref().map(|l| l.1.to_json()),
                            "received_ms": st.received_ms,
                        })
                    })
                    .collect();
                json!({
                    "id": s.id,
                    "name": s.name,
                    "category": s.category,
                    "location": s.location,
                    "streams": streams,
                })
            })
            .collect();
        json!({"planwerkstatt_sensor_snapshot": 1, "stations": stations}).to_string()
    }

    /// Writes atomically (temporary file, then rename): a crash mid-write
    /// leaves the previous snapshot.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.to_json())?;
        std::fs::rename(&tmp, path)
    }
}

/// Takes and writes a store's snapshot at once.
pub fn save(store: &SensorStore, path: &Path) -> std::io::Result<()> {
    Snapshot::of(store).save(path)
}

/// Reads a snapshot back into a store.
pub fn from_json(text: &str) -> Result<SensorStore, SensorError> {
    let v = parse_json(text)?;
    let stations = v
        .get("stations")
        .and_then(Json::as_array)
        .filter(|_| v.get("planwerkstatt_sensor_snapshot").is_some())
        .ok_or(SensorError::Missing("stations of a sensor snapshot"))?;
    let mut store = SensorStore::default();
    for s in stations {
        let id = s.get("id").and_then(Json::as_str).unwrap_or_default();
        let name = s.get("name").and_then(Json::as_str).unwrap_or(id);
        let category = s.get("category").and_then(Json::as_str);
        let location = s
            .get("location")
            .and_then(|l| Some([l.get(0)?.as_f64()?, l.get(1)?.as_f64()?]));
        for st in s
            .get("streams")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let key = st.get("key").and_then(Json::as_str).unwrap_or_default();
            let quantity = st.get("quantity").and_then(Json::as_str).unwrap_or(key);
            let unit = st.get("unit").and_then(Json::as_str).map(str::to_string);
            let value = match st.get("value") {
                Some(Json::Number(n)) => n.as_f64().map(Value::Number),
                Some(Json::String(t)) => Some(Value::Text(t.clone())),
                _ => None,
            };
            let time = st.get("time_ms").and_then(Json::as_i64);
            let received = st.get("received_ms").and_then(Json::as_i64).unwrap_or(0);
            if let Some(ds) = key.strip_prefix("sta:") {
                // Back through the same paths live data takes.
                store.add_datastreams(
                    &[Datastream {
                        id: Id::Text(ds.to_string()),
                        // The station's name when it has no Thing.
                        name: name.to_string(),
                        description: None,
                        unit: Unit {
                            symbol: unit.clone(),
                            ..Unit::default()
                        },
                        observation_type: None,
                        self_link: None,
                        observations_link: None,
                        thing: id.strip_prefix("sta-thing:").map(|t| Thing {
                            id: Id::Text(t.to_string()),
                            name: name.to_string(),
                            location,
                        }),
                        observed_property: Some(quantity.to_string()),
                        observations: vec![],
                    }],
                    category,
                );
                if let (Some(t), Some(value)) = (time, value) {
                    let obs = crate::sta::Observation {
                        id: None,
                        time_ms: t,
                        result: value,
                        location: None,
                    };
                    store.insert_history(key, &[obs], received);
                }
            } else if let (Some(t), Some(value)) = (time, value) {
                let m = Message {
                    source_id: id.to_string(),
                    name: Some(name.to_string()),
                    group: None,
                    time_ms: t,
                    location,
                    readings: vec![Reading {
                        quantity: quantity.to_string(),
                        value,
                        unit,
                    }],
                };
                store.apply(&LiveEvent::Message(m), category, received);
            }
        }
    }
    Ok(store)
}

pub fn load(path: &Path) -> Result<SensorStore, SensorError> {
    let text = std::fs::read_to_string(path).map_err(|e| SensorError::File {
        path: path.display().to_string(),
        why: e.to_string(),
    })?;
    from_json(&text).map_err(|e| SensorError::InFile {
        path: path.display().to_string(),
        inner: Box::new(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::classify;

    #[test]
    fn last_values_survive_a_restart_with_their_place_and_age() {
        let data =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/sensors");
        let mut s = SensorStore::default();
        let up = std::fs::read(data.join("jena_chirpstack/uplink_teros21_stadtbaumpflege.json"))
            .unwrap();
        s.apply(
            &classify("application/x/device/y/event/up", &up, &[]),
            Some("Bodenfeuchte"),
            111,
        );
        let ice =
            std::fs::read_to_string(data.join("jena/icesensor_airquality_example.json")).unwrap();
        for m in crate::jena::ice_stations(&ice).unwrap() {
            s.apply(&LiveEvent::Message(m), Some("Luftqualität"), 222);
        }
        let k440 =
            std::fs::read_to_string(data.join("jena/sensinact_sta_datastreams_K440.json")).unwrap();
        s.add_datastreams(
            &crate::sta::datastreams(&k440).unwrap().items,
            Some("Verkehr"),
        );
        s.apply(
            &classify(
                "v1.1/Datastreams('K440~K1_1~color')/Observations",
                br#"{"phenomenonTime": "2026-11-24T07:00:00Z", "result": "green"}"#,
                &[],
            ),
            None,
            333,
        );
        let dir = std::env::temp_dir().join(format!("pw-snap-{}", std::process::id()));
        let path = dir.join("last.json");
        save(&s, &path).unwrap();
        let back = load(&path).unwrap();
        // Stations with values come back; K440 streams without any value
        // come back as known streams too.
        assert_eq!(back.stations.len(), s.stations.len());
        for st in &s.stations {
            let b = back
                .station_by_id(&st.id)
                .unwrap_or_else(|| panic!("{}", st.id));
            assert_eq!(
                (&b.name, &b.category, b.location),
                (&st.name, &st.category, st.location)
            );
            assert_eq!(b.streams.len(), st.streams.len(), "{}", st.id);
            for stream in &st.streams {
                assert_eq!(
                    back.series.get(&stream.key).and_then(|x| x.latest()),
                    s.series.get(&stream.key).and_then(|x| x.latest()),
                    "{}",
                    stream.key
                );
            }
        }
        assert_eq!(back.received_ms["8cf95720000d4a69/potentialwater_1"], 111);
        assert_eq!(back.received_ms["sta:K440~K1_1~color"], 333);
        assert_eq!(
            back.series["sta:K440~K1_1~color"].latest().unwrap().1,
            Value::Text("green".into())
        );
        // Not a snapshot: a clear error naming the file.
        std::fs::write(&path, "{}").unwrap();
        let e = load(&path).unwrap_err().to_string();
        assert!(e.contains("last.json") && e.contains("snapshot"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
