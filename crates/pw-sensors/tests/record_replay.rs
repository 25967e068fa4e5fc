//! A live session recorded and played back: the real Jena ChirpStack and
//! TTS uplinks and a SensorThings observation, through the same decoding
//! as live; a recording cut off mid-line keeps what came before.

use pw_sensors::mqtt::LiveEvent;
use pw_sensors::record::{Recorded, Recorder, Recording, Replay};
use std::path::PathBuf;

fn sensors(rel: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors")
            .join(rel),
    )
    .unwrap()
}

#[test]
fn a_session_plays_back_in_order_at_any_speed() {
    let dir = std::env::temp_dir().join(format!("pw-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("session.jsonl");
    let started = pw_sensors::parse_time("2026-11-24T07:30:00Z").unwrap();
    let mut r = Recorder::create(&path, started).unwrap();
    let messages = [
        Recorded {
            at_ms: 0,
            topic: "application/5bb9/device/a8404187d187106e/event/up".into(),
            payload: sensors("jena_chirpstack/uplink_dragino_lse01_soil_stadtforst.json"),
        },
        Recorded {
            at_ms: 1_500,
            topic: "v1.1/Datastreams('K440~BLN1/1~color')/Observations".into(),
            payload: br#"{"phenomenonTime": "2026-11-24T07:30:01Z", "result": "GREEN"}"#.to_vec(),
        },
        Recorded {
            at_ms: 4_000,
            topic: "v3/test-decentlab@ttn/devices/03022/up".into(),
            payload: sensors("ttn_v3/decentlab_DL-5TM_uplink.json"),
        },
        // Not text at all: kept byte for byte (base64 in the file).
        Recorded {
            at_ms: 4_000,
            topic: "raw/bytes".into(),
            payload: vec![0xff, 0x00, 0x13],
        },
    ];
    for m in &messages {
        r.record(m).unwrap();
    }
    drop(r);
    let rec = Recording::read(&path).unwrap();
    assert_eq!(rec.started_ms, started);
    assert_eq!(rec.messages, messages);
    assert!(rec.problems.is_empty());

    // Played at 10× speed: after 100 ms of wall time, 1 s of recording.
    let mut replay = Replay::new(
        rec,
        vec![("test-decentlab".into(), "decentlab-dl-5tm".into())],
    );
    assert_eq!(replay.duration_ms(), 4_000);
    let first = replay.due(100 * 10);
    assert_eq!(first.len(), 1);
    assert!(matches!(&first[0], LiveEvent::Message(m) if m.number("water_SOIL") == Some(13.74)));
    let second = replay.due(200 * 10);
    assert!(
        matches!(&second[0], LiveEvent::Observation { datastream, .. } if datastream == "K440~BLN1/1~color")
    );
    let rest = replay.due(u64::MAX);
    assert_eq!(rest.len(), 2);
    assert!(
        matches!(&rest[0], LiveEvent::Message(m) if m.number("soil_temperature") == Some(22.5))
    );
    assert!(matches!(&rest[1], LiveEvent::Unreadable { topic, .. } if topic == "raw/bytes"));
    assert!(replay.finished());
    replay.rewind();
    assert_eq!(replay.due(0).len(), 1);

    // A recording cut off in the middle of its last line (a crash).
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = dir.join("cut.jsonl");
    std::fs::write(&cut, &text[..text.len() - 20]).unwrap();
    let rec = Recording::read(&cut).unwrap();
    assert_eq!(rec.messages.len(), 3);
    let problems: Vec<String> = rec.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems, ["line 5: not a recorded message (cut off?)"]);
    assert_eq!(rec.problems[0].key, "sensors.recording.not_a_message");
    // Not a recording.
    std::fs::write(dir.join("other.json"), "{\"type\": \"FeatureCollection\"}").unwrap();
    let e = Recording::read(&dir.join("other.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a Planwerkstatt recording"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}
