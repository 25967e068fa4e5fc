//! Two record formats of Jena's urban data platform that come neither as
//! SensorThings nor as LoRaWAN uplinks: the ICE air-quality stations
//! (one record per station: position, and per quantity min/max/avg with a
//! Unix time) and the bike counters' raw traffic (one series of counts
//! per flow and direction, ISO times with their offset).

use crate::{Message, Reading, SensorError, Value, json_value, parse_json, parse_time};
use serde_json::Value as Json;

/// Units of the ICE stations' quantity names.
fn ice_unit(q: &str) -> Option<&'static str> {
    Some(match q {
        q if q.ends_with("-ugm3") => "µg/m³",
        "1.0p" | "2.5p" | "10p" => "µg/m³",
        "temperature" => "°C",
        "humidity" => "%",
        "pressure" => "hPa",
        _ => return None,
    })
}

/// ICE station records: one message per station, the averages as values.
pub fn ice_stations(text: &str) -> Result<Vec<Message>, SensorError> {
    let v = parse_json(text)?;
    let stations = v
        .as_array()
        .ok_or(SensorError::Missing("a list of ICE stations"))?;
    let mut out = Vec::new();
    for s in stations {
        let id = s
            .get("ice_id")
            .and_then(Json::as_str)
            .ok_or(SensorError::Missing("ice_id"))?;
        let data = s
            .get("data")
            .and_then(Json::as_object)
            .ok_or(SensorError::Missing("data"))?;
        let location = (|| {
            let c = s.get("coords")?;
            Some([c.get("longitude")?.as_f64()?, c.get("latitude")?.as_f64()?])
        })();
        let mut time = 0;
        let mut readings = Vec::new();
        for (q, d) in data {
            time = time.max(d.get("created_at").and_then(Json::as_i64).unwrap_or(0) * 1000);
            // "aqi-criteria" names the deciding pollutant: text.
            let value = if q == "aqi-criteria" {
                d.get("str_value")
                    .and_then(Json::as_str)
                    .map(|t| Value::Text(t.into()))
            } else {
                d.get("avg").and_then(json_value)
            };
            if let Some(value) = value {
                readings.push(Reading {
                    quantity: q.clone(),
                    value,
                    unit: ice_unit(q).map(str::to_string),
                });
            }
        }
        out.push(Message {
            source_id: id.to_string(),
            name: None,
            group: Some("Luftqualität".into()),
            time_ms: time,
            location,
            readings,
        });
    }
    Ok(out)
}

/// A bike counter's flows: one time series per flow (counts per interval).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub id: String,
    pub name: String,
    pub direction: String,
    /// (Unix ms, count).
    pub counts: Vec<(i64, f64)>,
}

pub fn bike_flows(text: &str) -> Result<Vec<Flow>, SensorError> {
    let v = parse_json(text)?;
    let flows = v
        .as_array()
        .ok_or(SensorError::Missing("a list of flows"))?;
    flows
        .iter()
        .map(|f| {
            let counts = f
                .get("data")
                .and_then(Json::as_array)
                .ok_or(SensorError::Missing("data"))?
                .iter()
                .map(|d| {
                    let t = d
                        .get("timestamp")
                        .and_then(Json::as_str)
                        .ok_or(SensorError::Missing("timestamp"))?;
                    Ok((
                        parse_time(t)?,
                        d.get("counts").and_then(Json::as_f64).unwrap_or(0.0),
                    ))
                })
                .collect::<Result<Vec<_>, SensorError>>()?;
            Ok(Flow {
                id: f.get("flowID").map(|v| v.to_string()).unwrap_or_default(),
                name: f
                    .get("flowName")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string(),
                direction: f
                    .get("direction")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string(),
                counts,
            })
        })
        .collect()
}
