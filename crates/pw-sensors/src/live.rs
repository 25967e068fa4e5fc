//! What a published message means: a SensorThings observation, a device
//! uplink, an entity update, the recorded catalogue — or why it cannot be
//! read. Pure (no broker): the live client (`mqtt`) and playback
//! (`record`) both feed messages through it.

use crate::sta::{self, Observation};
use crate::{Message, lorawan, ngsi};

/// What arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    Connected,
    /// The connection broke (the reason); reconnecting follows.
    Disconnected(pw_text::Message),
    /// A SensorThings observation of one datastream (its id as in the topic).
    Observation {
        datastream: String,
        observation: Observation,
    },
    /// A MultiDatastream observation: one observation per component
    /// (datastream ids `<id>[i]`).
    Observations(Vec<(String, Observation)>),
    /// A device uplink or an entity update.
    Message(Message),
    /// SensorThings datastreams with their Things and Locations: what a
    /// recording carries under [`CATALOGUE_TOPIC`] so a replay knows names,
    /// units and places without the server.
    Datastreams(Vec<sta::Datastream>),
    /// A message that could not be read: the topic and why.
    Unreadable {
        topic: String,
        reason: pw_text::Message,
    },
}

/// The topic of a SensorThings Datastreams collection in a recording.
pub const CATALOGUE_TOPIC: &str = "planwerkstatt/Datastreams";

/// Turns one published message into an event (pure: tested without a broker).
pub fn classify(topic: &str, payload: &[u8], decoders: &[(String, String)]) -> LiveEvent {
    let unreadable = |reason: pw_text::Message| LiveEvent::Unreadable {
        topic: topic.to_string(),
        reason,
    };
    let Ok(text) = std::str::from_utf8(payload) else {
        return unreadable(
            pw_text::Message::new("sensors.problem.not_utf8").english("not UTF-8 text"),
        );
    };
    if topic == CATALOGUE_TOPIC {
        return match sta::datastreams(text) {
            Ok(page) => LiveEvent::Datastreams(page.items),
            Err(e) => unreadable(e.message()),
        };
    }
    if let (Some(open), true) = (
        topic.find("MultiDatastreams("),
        topic.ends_with("/Observations"),
    ) {
        let rest = &topic[open + "MultiDatastreams(".len()..];
        let id = rest
            .split(')')
            .next()
            .unwrap_or("")
            .trim_matches('\'')
            .replace("''", "'");
        return match sta::multi_observation_entity(text) {
            Ok(o) => LiveEvent::Observations(
                (0..o.results.len())
                    .filter_map(|i| Some((format!("{id}[{i}]"), o.component(i)?)))
                    .collect(),
            ),
            Err(e) => unreadable(e.message()),
        };
    }
    if let (Some(open), true) = (topic.find("Datastreams("), topic.ends_with("/Observations")) {
        let rest = &topic[open + "Datastreams(".len()..];
        let id = rest.split(')').next().unwrap_or("").trim_matches('\'');
        return match sta::observation_entity(text) {
            Ok(observation) => LiveEvent::Observation {
                datastream: id.replace("''", "'"),
                observation,
            },
            Err(e) => unreadable(e.message()),
        };
    }
    let result = if topic.starts_with("application/") && topic.contains("/event/up") {
        lorawan::chirpstack_uplink(text)
    } else if topic.starts_with("v3/") && topic.ends_with("/up") {
        // The decoder named for this device or its application.
        let parts: Vec<&str> = topic.split('/').collect();
        let (app, device) = (
            parts.get(1).copied().unwrap_or(""),
            parts.get(3).copied().unwrap_or(""),
        );
        let app = app.split('@').next().unwrap_or(app);
        let eui = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| {
                v.pointer("/end_device_ids/dev_eui")?
                    .as_str()
                    .map(str::to_ascii_lowercase)
            });
        let decoder = decoders
            .iter()
            .find(|(k, _)| Some(k.to_ascii_lowercase()) == eui || k == device || k == app)
            .map(|(_, d)| d.as_str());
        lorawan::tts_uplink(text, decoder)
    } else {
        ngsi::entity(text)
    };
    match result {
        Ok(m) => LiveEvent::Message(m),
        Err(e) => unreadable(e.message()),
    }
}
