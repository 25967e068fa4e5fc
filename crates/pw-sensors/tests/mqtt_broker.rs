//! Live push through a real broker: Debian's mosquitto (installed by
//! .ci/sensors-setup), started by the test on 127.0.0.1. The test publishes
//! what the platform publishes — a SensorThings observation on a sensiNact
//! topic, the real Jena ChirpStack uplink, the real TTS DL-5TM uplink
//! (raw bytes, decoded by the named decoder), something broken — then
//! restarts the broker and checks that the subscription comes back.

use pw_sensors::Value;
use pw_sensors::mqtt::{LiveEvent, MqttSettings, subscribe};
use pw_testkit::{MqttBroker, wait_for};
use rumqttc::{Client, MqttOptions, QoS};
use std::path::PathBuf;
use std::time::Duration;

fn sensors(rel: &str) -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors")
            .join(rel),
    )
    .unwrap()
}

fn publisher(port: u16) -> (Client, std::thread::JoinHandle<()>) {
    let (client, mut connection) = Client::new(
        MqttOptions::new(format!("pub-{port}"), "127.0.0.1", port),
        16,
    );
    let t = std::thread::spawn(move || {
        for e in connection.iter() {
            if e.is_err() {
                break;
            }
        }
    });
    (client, t)
}

#[test]
fn platform_messages_arrive_decoded_and_survive_a_broker_restart() {
    let mut broker = MqttBroker::start();
    let port = broker.port;
    let live = subscribe(MqttSettings {
        host: "127.0.0.1".into(),
        port,
        client_id: format!("planwerkstatt-{port}"),
        topics: vec![
            "v1.1/#".into(),
            "application/+/device/+/event/up".into(),
            "v3/+/devices/+/up".into(),
        ],
        decoders: vec![("70B3D57BA0000BCE".into(), "decentlab-dl-5tm".into())],
        record_to: Some(
            std::env::temp_dir().join(format!("pw-mqtt-rec-{}.jsonl", std::process::id())),
        ),
        record_preamble: Vec::new(),
        security: Default::default(),
    });
    wait_for(&live.events, "connection", |e| *e == LiveEvent::Connected);
    // Subscriptions are confirmed asynchronously: give the broker a moment.
    std::thread::sleep(Duration::from_millis(300));
    let (client, _t) = publisher(port);
    client
        .publish(
            "v1.1/Datastreams('K440~BLN1/1~color')/Observations",
            QoS::AtLeastOnce,
            false,
            r#"{"@iot.id": "o1", "phenomenonTime": "2026-11-24T07:30:00Z", "result": "GREEN"}"#,
        )
        .unwrap();
    client
        .publish(
            "application/5bb92de6-49b3-49af-a366-34667f2230be/device/a8404187d187106e/event/up",
            QoS::AtLeastOnce,
            false,
            sensors("jena_chirpstack/uplink_dragino_lse01_soil_stadtforst.json"),
        )
        .unwrap();
    client
        .publish(
            "v3/test-decentlab@ttn/devices/03022/up",
            QoS::AtLeastOnce,
            false,
            sensors("ttn_v3/decentlab_DL-5TM_uplink.json"),
        )
        .unwrap();
    client
        .publish(
            "application/x/device/y/event/up",
            QoS::AtLeastOnce,
            false,
            "{kaputt",
        )
        .unwrap();

    let e = wait_for(&live.events, "the observation", |e| {
        matches!(e, LiveEvent::Observation { .. })
    });
    let LiveEvent::Observation {
        datastream,
        observation,
    } = e
    else {
        unreachable!()
    };
    assert_eq!(datastream, "K440~BLN1/1~color");
    assert_eq!(observation.result, Value::Text("GREEN".into()));
    let soil = wait_for(
        &live.events,
        "the ChirpStack uplink",
        |e| matches!(e, LiveEvent::Message(m) if m.source_id == "a8404187d187106e"),
    );
    let LiveEvent::Message(soil) = soil else {
        unreachable!()
    };
    assert_eq!(soil.number("water_SOIL"), Some(13.74));
    let dl = wait_for(
        &live.events,
        "the TTS uplink",
        |e| matches!(e, LiveEvent::Message(m) if m.source_id == "70b3d57ba0000bce"),
    );
    let LiveEvent::Message(dl) = dl else {
        unreachable!()
    };
    assert_eq!(dl.number("soil_temperature"), Some(22.5));
    let broken = wait_for(&live.events, "the broken message", |e| {
        matches!(e, LiveEvent::Unreadable { .. })
    });
    let LiveEvent::Unreadable { topic, reason } = broken else {
        unreachable!()
    };
    assert_eq!(topic, "application/x/device/y/event/up");
    assert!(reason.to_string().contains("not JSON"), "{reason}");

    // The broker restarts: the subscription says so, reconnects, and
    // receives again.
    broker.stop();
    wait_for(&live.events, "the disconnect", |e| {
        matches!(e, LiveEvent::Disconnected(_))
    });
    broker.restart();
    wait_for(&live.events, "the reconnect", |e| {
        *e == LiveEvent::Connected
    });
    std::thread::sleep(Duration::from_millis(300));
    let (client, _t) = publisher(port);
    client
        .publish(
            "v1.1/Datastreams('K440~BLN1/1~color')/Observations",
            QoS::AtLeastOnce,
            false,
            r#"{"phenomenonTime": "2026-11-24T07:31:00Z", "result": "RED"}"#,
        )
        .unwrap();
    let e = wait_for(&live.events, "the observation after the restart", |e| {
        matches!(e, LiveEvent::Observation { .. })
    });
    let LiveEvent::Observation { observation, .. } = e else {
        unreachable!()
    };
    assert_eq!(observation.result, Value::Text("RED".into()));
    // Everything that came was recorded, before and after the restart.
    drop(live);
    let path = std::env::temp_dir().join(format!("pw-mqtt-rec-{}.jsonl", std::process::id()));
    let rec = pw_sensors::record::Recording::read(&path).unwrap();
    let topics: Vec<&str> = rec.messages.iter().map(|m| m.topic.as_str()).collect();
    assert_eq!(topics.len(), 5, "{topics:?}");
    assert_eq!(
        topics[4],
        "v1.1/Datastreams('K440~BLN1/1~color')/Observations"
    );
    std::fs::remove_file(&path).ok();
}
