//! LoRaWAN uplinks as network servers publish them over MQTT: ChirpStack v4
//! (`application/+/device/+/event/up`, decoded `object`) and The Things
//! Stack v3 (`v3/+/devices/+/up`, `decoded_payload`, or raw `frm_payload`
//! for a named decoder). Devices are keyed by their EUI, lower-case.

use crate::{Message, Reading, SensorError, json_value, parse_json, parse_time};
use serde_json::Value as Json;

/// SenseCAP measurement ids (Seeed's published list) this program names.
const SENSECAP: &[(u64, &str, &str)] = &[
    (4097, "air_temperature", "°C"),
    (4098, "air_humidity", "%"),
    (4102, "soil_temperature", "°C"),
    (4103, "soil_moisture", "%"),
    (4106, "ph", "pH"),
    (4108, "electrical_conductivity", "dS/m"),
    (4110, "soil_volumetric_water_content", "%"),
];

fn text_of<'a>(v: &'a Json, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// Readings of a decoded payload object: its scalar members, and SenseCAP's
/// `messages` list of measurement ids and values.
fn readings_of(object: &Json) -> Vec<Reading> {
    let Some(map) = object.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let sensecap = map.get("messages").and_then(Json::as_array);
    if let Some(messages) = sensecap {
        // A flat list of measurements, or one list per frame.
        let flat = messages
            .iter()
            .flat_map(|m| m.as_array().cloned().unwrap_or_else(|| vec![m.clone()]));
        for m in flat {
            let (Some(id), Some(v)) = (
                m.get("measurementId").and_then(Json::as_f64),
                m.get("measurementValue").and_then(json_value),
            ) else {
                continue;
            };
            let id = id as u64;
            let (quantity, unit) = SENSECAP
                .iter()
                .find(|(k, _, _)| *k == id)
                .map(|(_, q, u)| (q.to_string(), Some(u.to_string())))
                .unwrap_or_else(|| (format!("measurement_{id}"), None));
            out.push(Reading {
                quantity,
                value: v,
                unit,
            });
        }
    }
    for (k, v) in map {
        // SenseCAP's frame bookkeeping is not a measurement.
        if sensecap.is_some() && ["messages", "valid", "payload", "err"].contains(&k.as_str()) {
            continue;
        }
        if let Some(value) = json_value(v) {
            out.push(Reading {
                quantity: k.clone(),
                value,
                unit: None,
            });
        }
    }
    out
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
        SensorError::Payload(format!(
            "device {eui} sent no decoded object: set a codec for its device profile in ChirpStack"
        ))
    })?;
    Ok(Message {
        source_id: eui.to_ascii_lowercase(),
        name: text_of(&v, &["deviceInfo", "deviceName"]).map(str::to_string),
        group: text_of(&v, &["deviceInfo", "applicationName"]).map(str::to_string),
        time_ms: parse_time(time)?,
        location: None,
        readings: readings_of(object),
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
    let readings = match (up.get("decoded_payload"), decoder) {
        (Some(decoded), _) if decoded.is_object() => readings_of(decoded),
        (_, Some(name)) => {
            let raw = text_of(up, &["frm_payload"]).ok_or(SensorError::Missing("frm_payload"))?;
            let bytes = pw_geo::base64::decode(raw).ok_or_else(|| {
                SensorError::Payload(format!("frm_payload {raw:?} is not base64"))
            })?;
            crate::decoders::decode(name, &bytes)?
        }
        _ => {
            return Err(SensorError::Payload(format!(
                "device {eui} sent only raw bytes: name a decoder for it ({})",
                crate::decoders::DECODERS.join(", ")
            )));
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
