//! Live push over MQTT: the SensorThings MQTT extension
//! (`v1.1/Datastreams(<id>)/Observations`), ChirpStack v4
//! (`application/+/device/+/event/up`), The Things Stack v3
//! (`v3/+/devices/+/up`) and FIWARE entities on any other topic. One
//! thread per broker connection hands decoded events to the app through a
//! channel (nothing waits on the frame); it reconnects with backoff when
//! the broker goes away and subscribes again. Brokers may want TLS
//! (`mqtts://`, trusting the OS store and a CA file of the city's own) and
//! a login (The Things Stack: the application id and an API key).

pub use crate::live::{CATALOGUE_TOPIC, LiveEvent, classify};
use pw_text::Message;
use rumqttc::{
    Client, ConnectReturnCode, ConnectionError, Event, MqttOptions, Packet, QoS, TlsConfiguration,
    Transport,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// Where to listen.
#[derive(Debug, Clone, PartialEq)]
pub struct MqttSettings {
    pub host: String,
    pub port: u16,
    pub client_id: String,
    /// Topic filters: "v1.1/Datastreams('K440~BLN1/1~color')/Observations"
    /// per datastream or "v1.1/#" for all ("+" must fill a whole level, so
    /// "Datastreams(+)" is no wildcard), "application/+/device/+/event/up",
    /// "v3/+/devices/+/up".
    pub topics: Vec<String>,
    /// Decoder per device EUI (lower-case), device id or application id,
    /// for uplinks that carry raw bytes only.
    pub decoders: Vec<(String, String)>,
    /// Also write every message, as it came, to this recording.
    pub record_to: Option<std::path::PathBuf>,
    /// Written at the recording's start (topic, payload): e.g. the
    /// SensorThings catalogue and the newest values, so a replay knows
    /// places and starts where the recording did.
    pub record_preamble: Vec<(String, Vec<u8>)>,
    pub security: BrokerSecurity,
}

/// TLS and login for a broker that wants them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BrokerSecurity {
    /// Speak TLS (`mqtts://`): the broker's certificate must chain to the
    /// operating system's store or to `ca_file`.
    pub tls: bool,
    /// A PEM file with the CA certificates of the city's own broker.
    pub ca_file: Option<PathBuf>,
    /// Username and password (The Things Stack: `app-id@ttn` and an API key).
    pub login: Option<(String, String)>,
}

/// Where a broker address points: `mqtts://host[:port]` (TLS, 8883 by
/// default), `mqtt://host[:port]` or `host:port` (plain, 1883).
pub fn parse_broker(address: &str) -> Result<(String, u16, bool), Message> {
    let address = address.trim();
    let wrong = |key: &str, english: &str| {
        Message::new(key)
            .arg("address", format!("{address:?}"))
            .english(english)
    };
    let (rest, tls) = match address.split_once("://") {
        Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
            "mqtts" | "ssl" | "tls" => (rest, true),
            "mqtt" | "tcp" => (rest, false),
            other => {
                return Err(wrong(
                    "sensors.broker.scheme",
                    "{address}: \"{scheme}://\" is no MQTT address; write mqtts://host:8883 or host:1883",
                )
                .arg("scheme", other));
            }
        },
        None => (address, false),
    };
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (
            host,
            port.parse().map_err(|_| {
                wrong(
                    "sensors.broker.port",
                    "{address}: the port {port} is not a number",
                )
                .arg("port", format!("{port:?}"))
            })?,
        ),
        None if address.contains("://") => (rest, if tls { 8883 } else { 1883 }),
        None => {
            return Err(wrong(
                "sensors.broker.form",
                "{address}: write the broker as host:port or mqtts://host",
            ));
        }
    };
    if host.is_empty() {
        return Err(wrong("sensors.broker.no_host", "{address}: no host"));
    }
    Ok((host.to_string(), port, tls))
}

/// The TLS set-up: certificates the OS trusts, plus the CA file's.
fn tls_config(security: &BrokerSecurity) -> Result<rustls::ClientConfig, Message> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = &security.ca_file {
        let ca_error = |why: String| {
            Message::new("sensors.tls.ca_file")
                .arg("path", path.display())
                .arg("why", why)
                .english("CA file {path}: {why}")
        };
        let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect())
            .map_err(|e| ca_error(e.to_string()))?;
        if certs.is_empty() {
            return Err(Message::new("sensors.tls.ca_file_empty")
                .arg("path", path.display())
                .english("CA file {path}: no PEM certificate in it"));
        }
        for c in certs {
            roots.add(c).map_err(|e| ca_error(e.to_string()))?;
        }
    }
    if roots.is_empty() {
        return Err(Message::new("sensors.tls.no_roots").english(
            "TLS: the operating system trusts no certificate here; give the broker's CA as ca_file",
        ));
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Message::text(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// What went wrong, said so that the person at the desk can act on it.
fn explain(e: &ConnectionError, security: &BrokerSecurity) -> Message {
    match e {
        ConnectionError::ConnectionRefused(
            code @ (ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized),
        ) => match security.login {
            Some((ref user, _)) => Message::new("sensors.mqtt.login_refused")
                .arg("user", format!("{user:?}"))
                .arg("code", format!("{code:?}"))
                .english(
                    "the broker refused the login of {user} ({code}): check the username and the password or API key",
                ),
            None => Message::new("sensors.mqtt.login_wanted")
                .arg("code", format!("{code:?}"))
                .english(
                    "the broker refused the connection ({code}): it wants a username and password",
                ),
        },
        ConnectionError::ConnectionRefused(code) => Message::new("sensors.mqtt.refused")
            .arg("code", format!("{code:?}"))
            .english("the broker refused the connection ({code})"),
        ConnectionError::Tls(tls) => Message::new("sensors.mqtt.tls")
            .arg("detail", tls)
            .english(
                "TLS with the broker failed: {detail}; if the broker has a certificate of its own CA, give that CA as ca_file",
            ),
        // The broker is down or the network is: the commonest case.
        ConnectionError::Io(io) => Message::new("sensors.mqtt.unreachable")
            .arg("detail", io)
            .english("cannot reach the broker ({detail}); retrying"),
        other => Message::text(other.to_string()),
    }
}

/// A running subscription; dropping it stops the thread.
pub struct LiveSubscription {
    pub events: Receiver<LiveEvent>,
    stop: Arc<AtomicBool>,
}

impl Drop for LiveSubscription {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Connects (in its own thread) and keeps connecting.
pub fn subscribe(settings: MqttSettings) -> LiveSubscription {
    let (tx, events) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("mqtt".into())
        .spawn(move || run(settings, tx, flag))
        .expect("a thread for MQTT");
    LiveSubscription { events, stop }
}

fn run(settings: MqttSettings, tx: Sender<LiveEvent>, stop: Arc<AtomicBool>) {
    let started = std::time::Instant::now();
    let mut recorder = match &settings.record_to {
        Some(path) => {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            match crate::record::Recorder::create(path, now_ms).and_then(|mut r| {
                for (topic, payload) in &settings.record_preamble {
                    r.record(&crate::record::Recorded {
                        at_ms: 0,
                        topic: topic.clone(),
                        payload: payload.clone(),
                    })
                    .map_err(|e| crate::SensorError::File {
                        path: path.display().to_string(),
                        why: e.to_string(),
                    })?;
                }
                Ok(r)
            }) {
                Ok(r) => Some(r),
                Err(e) => {
                    let _ = tx.send(LiveEvent::Unreadable {
                        topic: String::new(),
                        reason: Message::new("sensors.problem.cannot_record")
                            .arg_message("why", e.message())
                            .english("cannot record: {why}"),
                    });
                    None
                }
            }
        }
        None => None,
    };
    let mut options = MqttOptions::new(&settings.client_id, &settings.host, settings.port);
    options.set_keep_alive(Duration::from_secs(10));
    options.set_max_packet_size(1 << 20, 1 << 20);
    if let Some((user, password)) = &settings.security.login {
        options.set_credentials(user, password);
    }
    if settings.security.tls {
        match tls_config(&settings.security) {
            Ok(config) => {
                options.set_transport(Transport::Tls(TlsConfiguration::Rustls(Arc::new(config))));
            }
            Err(why) => {
                // A set-up that cannot work does not get better by retrying.
                let _ = tx.send(LiveEvent::Disconnected(why));
                return;
            }
        }
    }
    let (client, mut connection) = Client::new(options, 64);
    let mut backoff = Duration::from_millis(250);
    while !stop.load(Ordering::Relaxed) {
        match connection.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => {
                backoff = Duration::from_millis(250);
                // A clean session forgets subscriptions: ask again each time.
                for t in &settings.topics {
                    let _ = client.try_subscribe(t.clone(), QoS::AtLeastOnce);
                }
                if tx.send(LiveEvent::Connected).is_err() {
                    return;
                }
            }
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                if let Some(r) = recorder.as_mut() {
                    let m = crate::record::Recorded {
                        at_ms: started.elapsed().as_millis() as u64,
                        topic: p.topic.clone(),
                        payload: p.payload.to_vec(),
                    };
                    if let Err(e) = r.record(&m) {
                        let _ = tx.send(LiveEvent::Unreadable {
                            topic: p.topic.clone(),
                            reason: Message::new("sensors.problem.not_recorded")
                                .arg("why", e)
                                .english("not recorded: {why}"),
                        });
                    }
                }
                let event = classify(&p.topic, &p.payload, &settings.decoders);
                if tx.send(event).is_err() {
                    return; // nobody listens any more
                }
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                if tx
                    .send(LiveEvent::Disconnected(explain(&e, &settings.security)))
                    .is_err()
                {
                    return;
                }
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
            Err(_) => {} // no event within the timeout: check `stop`
        }
    }
    let _ = client.try_disconnect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_decide_how_a_message_is_read() {
        let obs = br#"{"phenomenonTime": "2026-11-24T07:30:00Z", "result": 3}"#;
        match classify("v1.1/Datastreams('O''Brien~x')/Observations", obs, &[]) {
            LiveEvent::Observation {
                datastream,
                observation,
            } => {
                assert_eq!(datastream, "O'Brien~x");
                assert_eq!(observation.result, crate::Value::Number(3.0));
            }
            other => panic!("{other:?}"),
        }
        match classify("v1.0/Datastreams(17)/Observations", obs, &[]) {
            LiveEvent::Observation { datastream, .. } => assert_eq!(datastream, "17"),
            other => panic!("{other:?}"),
        }
        // Raw bytes: the decoder named for the application is used.
        let tts = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/sensors/ttn_v3/milesight_EM500-SMTC_uplink.json"),
        )
        .unwrap();
        let by_app = [("application-tts-name".to_string(), "milesight".to_string())];
        match classify(
            "v3/application-tts-name@ttn/devices/eui-1000000000000001/up",
            tts.as_bytes(),
            &by_app,
        ) {
            LiveEvent::Message(m) => assert_eq!(m.number("moisture"), Some(57.5)),
            other => panic!("{other:?}"),
        }
        match classify(
            "v3/application-tts-name@ttn/devices/eui-1000000000000001/up",
            tts.as_bytes(),
            &[],
        ) {
            LiveEvent::Unreadable { reason, .. } => {
                assert!(reason.to_string().contains("name a decoder"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        // Any other topic: a FIWARE entity, or unreadable with the reason.
        let weather = br#"{"id": "urn:ngsi-ld:WeatherObserved:jena-1", "type": "WeatherObserved",
            "dateObserved": "2026-11-24T07:00:00Z", "temperature": 3.5}"#;
        match classify("fiware/jena", weather, &[]) {
            LiveEvent::Message(m) => assert_eq!(m.number("temperature"), Some(3.5)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify("fiware/jena", &[0xff, 0xfe], &[]),
            LiveEvent::Unreadable { .. }
        ));
    }
}
