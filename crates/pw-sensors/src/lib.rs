//! The urban data platform, engine-free: the OGC SensorThings API (client,
//! MQTT extension), readings from LoRaWAN network servers (ChirpStack v4,
//! The Things Stack v3, with payload decoders for devices that arrive
//! undecoded) and FIWARE NGSI-LD entities, all turned into one [`Reading`]
//! type and filed into a [`store::SensorStore`] the app puts on the map and
//! the time axis; recordings, disk caches and keyring tokens for offline
//! and safe use.

pub mod cache_key;
pub mod client;
pub mod counts;
pub mod decoders;
pub mod history_cache;
pub mod import;
pub mod jena;
pub mod live;
pub mod lorawan;
pub mod mqtt;
pub mod ngsi;
pub mod record;
pub mod secret;
pub mod snapshot;
pub mod sta;
pub mod store;

/// A measured value: a number, or text (a state such as "normal").
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    /// As JSON: a number, or a string.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Number(n) => serde_json::json!(n),
            Value::Text(t) => serde_json::json!(t),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(v) => Some(*v),
            Value::Text(_) => None,
        }
    }
}

/// One quantity measured by one device at one time.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// What was measured, as the source names it ("water_SOIL", "no2").
    pub quantity: String,
    pub value: Value,
    /// Unit symbol when the source or the decoder states it.
    pub unit: Option<String>,
}

/// A message from a device or an entity: who, when, where, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Device EUI (lower-case hex) or entity id.
    pub source_id: String,
    /// Human name of the device or entity, when given.
    pub name: Option<String>,
    /// Application, tenant or entity type: the layer group it belongs to.
    pub group: Option<String>,
    /// Unix time in milliseconds.
    pub time_ms: i64,
    /// WGS84 longitude/latitude of the sensor itself, when the message says.
    pub location: Option<[f64; 2]>,
    pub readings: Vec<Reading>,
}

impl Message {
    pub fn reading(&self, quantity: &str) -> Option<&Reading> {
        self.readings.iter().find(|r| r.quantity == quantity)
    }

    pub fn number(&self, quantity: &str) -> Option<f64> {
        self.reading(quantity).and_then(|r| r.value.as_f64())
    }

    /// The value of a text reading.
    pub fn text(&self, quantity: &str) -> Option<&str> {
        match &self.reading(quantity)?.value {
            Value::Text(t) => Some(t),
            Value::Number(_) => None,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum SensorError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("time {0:?} is not an RFC 3339 timestamp")]
    Time(String),
    /// A message's content (the JSON library's words).
    #[error("payload: {0}")]
    Payload(String),
    /// What a decoder or platform reader found, in the catalogue's words.
    #[error("{0}")]
    Said(pw_text::Message),
    /// A file that cannot be read or written (the system's words).
    #[error("{path}: {why}")]
    File { path: String, why: String },
    /// What is wrong inside a file, and which file.
    #[error("{path}: {inner}")]
    InFile {
        path: String,
        inner: Box<SensorError>,
    },
    #[error("{0}: not a Planwerkstatt recording (line 1)")]
    NotRecording(String),
    #[error("no token named {name:?} in the keyring{}: store it with `planwerkstatt sensors token {name}`", if why.is_empty() { String::new() } else { format!(" ({why})") })]
    NoToken { name: String, why: String },
    #[error(
        "the keyring program {tool} is not installed ({package}); install it or give the token through an environment variable (token_env)"
    )]
    NoKeyringProgram {
        tool: &'static str,
        package: &'static str,
    },
    /// The keyring itself failed (its own words).
    #[error("{store}: {why}")]
    Keyring { store: &'static str, why: String },
}

impl SensorError {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        let english = self.to_string();
        let m = match self {
            SensorError::Json(detail) => {
                Message::new("sensors.error.not_json").arg("detail", detail)
            }
            SensorError::Missing(what) => Message::new("sensors.error.missing").arg("what", what),
            SensorError::Time(text) => Message::new("sensors.error.time").arg("text", text),
            SensorError::Payload(detail) => {
                Message::new("sensors.error.payload").arg("detail", detail)
            }
            SensorError::File { path, why } => Message::new("sensors.error.file")
                .arg("path", path)
                .arg("why", why),
            SensorError::Said(message) => return message.clone(),
            SensorError::InFile { path, inner } => {
                return Message::new("sensors.error.in_file")
                    .arg("path", path)
                    .arg_message("why", inner.message())
                    .english("{path}: {why}");
            }
            SensorError::NotRecording(path) => {
                Message::new("sensors.error.not_recording").arg("path", path)
            }
            SensorError::NoToken { name, why } => Message::new(if why.is_empty() {
                "sensors.error.no_token"
            } else {
                "sensors.error.no_token_why"
            })
            .arg("name", name)
            .arg("why", why),
            SensorError::NoKeyringProgram { tool, package } => {
                Message::new("sensors.error.no_keyring_program")
                    .arg("tool", tool)
                    .arg("package", package)
            }
            SensorError::Keyring { store, why } => Message::new("sensors.error.keyring")
                .arg("store", store)
                .arg("why", why),
        };
        // The English words as Display writes them (CLI, logs), already filled.
        m.english(&english)
    }
}

/// RFC 3339 text → Unix milliseconds; a time without offset is taken as UTC
/// (FIWARE examples write "2016-12-07T11:10:00").
pub fn parse_time(text: &str) -> Result<i64, SensorError> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    t.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| jiff::tz::TimeZone::UTC.to_timestamp(dt).ok())
        .map(|ts| ts.as_millisecond())
        .ok_or_else(|| SensorError::Time(text.to_string()))
}

pub(crate) fn parse_json(text: &str) -> Result<serde_json::Value, SensorError> {
    serde_json::from_str(text).map_err(|e| SensorError::Json(e.to_string()))
}

/// Numbers as numbers, numeric strings as numbers (decoders write "13.25"),
/// other strings as text; objects, arrays and null are not readings.
pub(crate) fn json_value(v: &serde_json::Value) -> Option<Value> {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map(Value::Number),
        serde_json::Value::String(s) => Some(match s.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Value::Number(x),
            _ => Value::Text(s.clone()),
        }),
        serde_json::Value::Bool(b) => Some(Value::Number(if *b { 1.0 } else { 0.0 })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_offsets_fractions_and_none() {
        assert_eq!(
            parse_time("2024-06-20T08:48:38.863512+00:00").unwrap(),
            1_718_873_318_863
        );
        assert_eq!(
            parse_time("2025-07-08T15:42:59.764929602+00:00").unwrap(),
            1_751_989_379_764
        );
        assert_eq!(
            parse_time("2016-12-07T11:10:00").unwrap(),
            1_481_109_000_000
        );
        assert_eq!(
            parse_time("2016-12-07T12:10:00+01:00").unwrap(),
            1_481_109_000_000
        );
        assert!(matches!(parse_time("gestern"), Err(SensorError::Time(_))));
    }
}
