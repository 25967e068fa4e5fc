//! LoRaWAN uplinks as network servers publish them over MQTT: ChirpStack v4
//! (`application/+/device/+/event/up`, decoded `object`) and The Things
//! Stack v3 (`v3/+/devices/+/up`, `decoded_payload`, or raw `frm_payload`
//! for a named decoder). Devices are keyed by their EUI, lower-case.

use crate::{Message, Reading, SensorError, json_value, parse_json, parse_time};
use serde_json::Value as Json;

/// SenseCAP measurement ids (Seeed's published list) this program names:
/// the soil probes Jena runs and the S2120 8-in-1 weather station.
const SENSECAP: &[(u64, &str, &str)] = &[
    (4097, "air_temperature", "°C"),
    (4098, "air_humidity", "%"),
    (4099, "light_intensity", "lx"),
    (4100, "co2", "ppm"),
    (4101, "barometric_pressure", "Pa"),
    (4102, "soil_temperature", "°C"),
    (4103, "soil_moisture", "%"),
    (4104, "wind_direction", "°"),
    (4105, "wind_speed", "m/s"),
    (4106, "ph", "pH"),
    (4108, "electrical_conductivity", "dS/m"),
    (4110, "soil_volumetric_water_content", "%"),
    (4113, "rainfall_hourly", "mm/h"),
    (4190, "uv_index", ""),
    (4191, "peak_wind_gust", "m/s"),
    (4213, "rain_accumulation", "mm"),
];

/// How deep decoded objects are followed: codecs nest a level or two
/// (`{"sensor": {"temperature": …}}`, Cayenne's `{"temperatureSensor": {"1": …}}`).
const MAX_DEPTH: usize = 4;

/// A SenseCAP frame's bookkeeping, not measurements.
const SENSECAP_BOOKKEEPING: &[&str] = &["valid", "payload", "err"];

fn text_of<'a>(v: &'a Json, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// Readings of a decoded payload object, whatever shape the codec gives it:
/// scalar members (numbers also as strings), nested objects as
/// `outer.inner`, SenseCAP's `messages` (a flat list or one list per frame,
/// ids as numbers or strings), and the `{"data": {…}}` wrapper ChirpStack's
/// v3 → v4 migration puts around old codecs' output.
fn readings_of(object: &Json) -> Vec<Reading> {
    let mut out: Vec<Reading> = Vec::new();
    collect(object, "", 0, &mut out);
    // One value per quantity: a frame repeated in one uplink (SenseCAP
    // sends the battery in two) counts once, the last one.
    let mut unique: Vec<Reading> = Vec::with_capacity(out.len());
    for r in out {
        match unique.iter_mut().find(|u| u.quantity == r.quantity) {
            Some(u) => *u = r,
            None => unique.push(r),
        }
    }
    unique
}

fn collect(v: &Json, prefix: &str, depth: usize, out: &mut Vec<Reading>) {
    let Some(map) = v.as_object() else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    let sensecap = map.get("messages").and_then(Json::as_array);
    for (key, child) in map {
        if sensecap.is_some() && SENSECAP_BOOKKEEPING.contains(&key.as_str()) {
            continue;
        }
        match child {
            Json::Array(messages) if key == "messages" => {
                sensecap_messages(messages, out);
            }
            // A wrapper around the whole decoded object adds no name.
            Json::Object(_) if prefix.is_empty() && key == "data" => {
                collect(child, prefix, depth + 1, out);
            }
            Json::Object(_) => collect(child, &join(prefix, key), depth + 1, out),
            _ => {
                if let Some(value) = json_value(child) {
                    out.push(named_reading(&join(prefix, key), value));
                }
            }
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A reading named as the codec names it; a unit in brackets at the end
/// ("Battery(%)") becomes the unit.
fn named_reading(name: &str, value: crate::Value) -> Reading {
    if let Some(open) = name.rfind('(')
        && name.ends_with(')')
        && open > 0
    {
        let unit = &name[open + 1..name.len() - 1];
        return Reading {
            quantity: snake_case(&name[..open]),
            value,
            unit: (!unit.is_empty()).then(|| unit.to_string()),
        };
    }
    Reading {
        quantity: name.to_string(),
        value,
        unit: None,
    }
}

/// "Air Temperature" → "air_temperature", " Peak Wind Gust" → "peak_wind_gust".
fn snake_case(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// SenseCAP's `messages`: measurements `{measurementId, measurementValue,
/// type}` by id (unknown ids by their type name), and the device's own
/// entries (`{"Battery(%)": 100}`); versions, intervals and sensor error
/// events are no readings.
fn sensecap_messages(messages: &[Json], out: &mut Vec<Reading>) {
    let entries = messages
        .iter()
        .flat_map(|m| m.as_array().map_or_else(|| vec![m], |a| a.iter().collect()));
    for entry in entries {
        let Some(map) = entry.as_object() else {
            continue;
        };
        let kind = map.get("type").and_then(Json::as_str).unwrap_or("");
        if kind.contains("error") {
            continue;
        }
        let id = map.get("measurementId").and_then(|id| match id {
            // ChirpStack stores decoded objects as floats: 4097.0.
            Json::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            }),
            Json::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        match (id, map.get("measurementValue").and_then(json_value)) {
            (Some(id), Some(value)) => {
                let (quantity, unit) = match SENSECAP.iter().find(|(k, _, _)| *k == id) {
                    Some((_, q, u)) => (q.to_string(), (!u.is_empty()).then(|| u.to_string())),
                    None if !kind.is_empty() && kind != "report_telemetry" => {
                        (snake_case(kind), None)
                    }
                    None => (format!("measurement_{id}"), None),
                };
                out.push(Reading {
                    quantity,
                    value,
                    unit,
                });
            }
            (Some(_), None) => {}
            (None, _) => {
                // The device's own numbers ("Battery(%)"); its names,
                // versions, intervals and frame types are no readings.
                for (key, v) in map {
                    let lower = key.to_ascii_lowercase();
                    if lower.contains("version") || lower.contains("interval") || lower == "type" {
                        continue;
                    }
                    if let Some(value @ crate::Value::Number(_)) = json_value(v) {
                        out.push(named_reading(key, value));
                    }
                }
            }
        }
    }
}

/// Says so when a decoded object yields no reading at all, naming what it
/// holds, instead of showing the device without values.
fn with_readings(
    eui: &str,
    object: &Json,
    readings: Vec<Reading>,
) -> Result<Vec<Reading>, SensorError> {
    if !readings.is_empty() {
        return Ok(readings);
    }
    let keys = object
        .as_object()
        .map(|m| m.keys().take(8).cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|| "no members".into());
    Err(SensorError::Said(
        pw_text::Message::new("sensors.decoder.no_reading")
            .arg("device", eui)
            .arg("keys", keys)
            .english(
                "device {device}: the decoded payload holds no reading ({keys}): an information frame \
                 (versions, intervals) or a codec that does not know this device's frames",
            ),
    ))
}

/// A ChirpStack v4 uplink event (JSON marshaler).
pub fn chirpstack_uplink(text: &str) -> Result<Message, SensorError> {
    let v = parse_json(text)?;
    let eui =
        text_of(&v, &["deviceInfo", "devEui"]).ok_or(SensorError::Missing("deviceInfo.devEui"))?;
    let time = text_of(&v, &["time"])
        .or_else(|| v.pointer("/rxInfo/0/time").and_then(Json::as_str))
        .ok_or(SensorError::Missing("time"))?;
    let object = v.get("object").ok_or_else(|| {
        SensorError::Said(
            pw_text::Message::new("sensors.decoder.no_object")
                .arg("device", &eui)
                .english(
                    "device {device} sent no decoded object: set a codec for its device profile in ChirpStack",
                ),
        )
    })?;
    Ok(Message {
        source_id: eui.to_ascii_lowercase(),
        name: text_of(&v, &["deviceInfo", "deviceName"]).map(str::to_string),
        group: text_of(&v, &["deviceInfo", "applicationName"]).map(str::to_string),
        time_ms: parse_time(time)?,
        location: None,
        readings: with_readings(eui, object, readings_of(object))?,
    })
}

/// A The Things Stack v3 uplink message. `decoder` names one of
/// [`crate::decoders::DECODERS`] for payloads without `decoded_payload`.
pub fn tts_uplink(text: &str, decoder: Option<&str>) -> Result<Message, SensorError> {
    let v = parse_json(text)?;
    let ids = v
        .get("end_device_ids")
        .ok_or(SensorError::Missing("end_device_ids"))?;
    let eui = text_of(ids, &["dev_eui"])
        .or_else(|| text_of(ids, &["device_id"]))
        .ok_or(SensorError::Missing("end_device_ids.dev_eui"))?;
    let up = v
        .get("uplink_message")
        .ok_or(SensorError::Missing("uplink_message"))?;
    let time = text_of(up, &["received_at"])
        .or_else(|| text_of(&v, &["received_at"]))
        .ok_or(SensorError::Missing("received_at"))?;
    let decoded = up
        .get("decoded_payload")
        .filter(|d| d.is_object())
        .map(|d| (d, readings_of(d)));
    let readings = match (decoded, decoder) {
        // A named decoder steps in where the server's decoding gave nothing.
        (Some((_, readings)), _) if !readings.is_empty() => readings,
        (Some((decoded, readings)), None) => with_readings(eui, decoded, readings)?,
        (_, Some(name)) => {
            let raw = text_of(up, &["frm_payload"]).ok_or(SensorError::Missing("frm_payload"))?;
            let bytes = pw_geo::base64::decode(raw).ok_or_else(|| {
                SensorError::Said(
                    pw_text::Message::new("sensors.decoder.not_base64")
                        .arg("raw", format!("{raw:?}"))
                        .english("frm_payload {raw} is not base64"),
                )
            })?;
            crate::decoders::decode(name, &bytes)?
        }
        _ => {
            return Err(SensorError::Said(
                pw_text::Message::new("sensors.decoder.raw_only")
                    .arg("device", &eui)
                    .arg("known", crate::decoders::DECODERS.join(", "))
                    .english(
                        "device {device} sent only raw bytes: name a decoder for it ({known})",
                    ),
            ));
        }
    };
    Ok(Message {
        source_id: eui.to_ascii_lowercase(),
        name: text_of(ids, &["device_id"]).map(str::to_string),
        group: text_of(ids, &["application_ids", "application_id"]).map(str::to_string),
        time_ms: parse_time(time)?,
        location: None,
        readings,
    })
}
