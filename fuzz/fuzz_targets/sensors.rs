//! Any bytes as a platform message (the first byte picks the topic kind and
//! decoder): SensorThings observations and pages, ChirpStack and TTS uplinks
//! with both decoders, FIWARE entities, Jena ICE and bike-counter records,
//! recordings. No panics, whatever arrives from a broker or a server.
#![no_main]
use libfuzzer_sys::fuzz_target;

const TOPICS: [&str; 4] = [
    "v1.1/Datastreams('x')/Observations",
    "application/a/device/d/event/up",
    "v3/app@ttn/devices/d/up",
    "fiware/any",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let decoders = [
        ("d".to_string(), if which & 16 == 0 { "milesight" } else { "decentlab-dl-5tm" }.to_string()),
    ];
    let _ = pw_sensors::mqtt::classify(TOPICS[(which % 4) as usize], rest, &decoders);
    let _ = pw_sensors::decoders::decode(&decoders[0].1, rest);
    let text = String::from_utf8_lossy(rest);
    match which % 8 {
        4 => {
            let _ = pw_sensors::sta::datastreams(&text);
        }
        5 => {
            let _ = pw_sensors::sta::observations(&text);
        }
        6 => {
            let _ = pw_sensors::jena::ice_stations(&text);
        }
        7 => {
            let _ = pw_sensors::jena::bike_flows(&text);
        }
        _ => {}
    }
});
