//! FIWARE entities (smart data models such as TrafficFlowObserved,
//! AirQualityObserved, WeatherObserved) in the three shapes brokers and
//! the models' examples use: NGSI-LD normalized (`{"type": "Property",
//! "value": …, "unitCode": …}`), key-values (plain members), and the
//! GeoJSON Feature representation (`properties`, `geometry`).

use crate::{Message, Reading, SensorError, Value, json_value, parse_json, parse_time};
use serde_json::Value as Json;

/// Members that describe the entity rather than measure something.
const NOT_MEASURED: &[&str] = &[
    "id",
    "type",
    "@context",
    "address",
    "location",
    "source",
    "dataProvider",
    "areaServed",
    "name",
    "description",
    "typeOfLocation",
    "laneId",
    "laneDirection",
    "reversedLane",
    "refPointOfInterest",
    "refDevice",
    "dateCreated",
    "dateModified",
    "dateObserved",
    "dateObservedFrom",
    "dateObservedTo",
];

/// UN/CEFACT unit codes the smart data models use, as symbols.
const UNITS: &[(&str, &str)] = &[
    ("GP", "mg/m³"),
    ("GQ", "µg/m³"),
    ("CEL", "°C"),
    ("KMH", "km/h"),
    ("MTS", "m/s"),
    ("P1", "%"),
    ("A97", "hPa"),
    ("MMT", "mm"),
    ("DD", "°"),
    ("LUX", "lx"),
];

/// The plain value of a member, normalized or not.
fn plain(v: &Json) -> &Json {
    match v.get("type").and_then(Json::as_str) {
        Some("Property" | "GeoProperty") => v.get("value").unwrap_or(&Json::Null),
        Some("Relationship") => &Json::Null,
        _ => v,
    }
}

/// "2016-12-07T11:10:00/2016-12-07T11:15:00" intervals end when observed.
fn observed_at(v: &Json) -> Option<&str> {
    let p = plain(v);
    let t = p.get("@value").and_then(Json::as_str).or(p.as_str())?;
    Some(t.rsplit('/').next().unwrap_or(t))
}

/// Longitude/latitude of a GeoJSON geometry: a point, or the mean of a
/// line's or polygon's vertices.
fn geometry_point(g: &Json) -> Option<[f64; 2]> {
    fn walk(v: &Json, out: &mut Vec<[f64; 2]>) {
        match v.as_array() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                if let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) {
                    out.push([x, y]);
                }
            }
            Some(a) => a.iter().for_each(|v| walk(v, out)),
            None => {}
        }
    }
    let mut points = Vec::new();
    walk(plain(g).get("coordinates")?, &mut points);
    let n = points.len() as f64;
    (n > 0.0).then(|| {
        [
            points.iter().map(|p| p[0]).sum::<f64>() / n,
            points.iter().map(|p| p[1]).sum::<f64>() / n,
        ]
    })
}

/// One entity (any of the three shapes) as a message.
pub fn entity(text: &str) -> Result<Message, SensorError> {
    entity_value(&parse_json(text)?)
}

/// A context broker's answer to `GET /ngsi-ld/v1/entities` (an array of
/// entities, or a GeoJSON FeatureCollection): the readable ones as
/// messages, and for each unreadable one its position and why.
pub fn entities(text: &str) -> Result<(Vec<Message>, Vec<pw_text::Message>), SensorError> {
    let v = parse_json(text)?;
    let list = v
        .as_array()
        .or_else(|| v.get("features").and_then(Json::as_array))
        .ok_or(SensorError::Missing("a list of entities"))?;
    let mut messages = Vec::new();
    let mut problems = Vec::new();
    for (i, e) in list.iter().enumerate() {
        match entity_value(e) {
            Ok(m) => messages.push(m),
            Err(err) => problems.push(
                pw_text::Message::new("sensors.problem.entity")
                    .arg("n", i + 1)
                    .arg_message("why", err.message())
                    .english("entity {n}: {why}"),
            ),
        }
    }
    Ok((messages, problems))
}

fn entity_value(v: &Json) -> Result<Message, SensorError> {
    let id = v
        .get("id")
        .and_then(Json::as_str)
        .ok_or(SensorError::Missing("id"))?;
    // GeoJSON Feature: the entity's members sit in `properties`.
    let (members, geometry) = match v.get("properties") {
        Some(p) if v.get("type").and_then(Json::as_str) == Some("Feature") => {
            (p, v.get("geometry"))
        }
        _ => (v, v.get("location")),
    };
    let map = members
        .as_object()
        .ok_or(SensorError::Missing("entity members"))?;
    let entity_type = members.get("type").and_then(Json::as_str);
    let time = ["dateObserved", "dateObservedTo", "observedAt"]
        .iter()
        .find_map(|k| map.get(*k).and_then(observed_at))
        .ok_or(SensorError::Missing("dateObserved"))?;
    let mut readings = Vec::new();
    for (k, member) in map {
        if NOT_MEASURED.contains(&k.as_str()) {
            continue;
        }
        let value = match plain(member) {
            // Text only for states (airQualityLevel, coLevel,
            // pressureTendency); flags only where they mean congestion.
            Json::String(s) if k.ends_with("Level") || k == "pressureTendency" => {
                Value::Text(s.clone())
            }
            Json::String(_) => continue,
            Json::Bool(_) if k != "congested" => continue,
            other => match json_value(other) {
                Some(v) => v,
                None => continue,
            },
        };
        let unit = member.get("unitCode").and_then(Json::as_str).map(|c| {
            UNITS
                .iter()
                .find(|(code, _)| *code == c)
                .map_or(c, |(_, symbol)| symbol)
                .to_string()
        });
        readings.push(Reading {
            quantity: k.clone(),
            value,
            unit,
        });
    }
    Ok(Message {
        source_id: id.to_string(),
        name: None,
        group: entity_type.map(str::to_string),
        time_ms: parse_time(time)?,
        location: geometry.and_then(geometry_point),
        readings,
    })
}
