//! Any bytes as a platform message (the first byte picks the topic kind and
//! decoder): SensorThings observations and pages, ChirpStack and TTS uplinks
//! with both decoders, FIWARE entities, Jena ICE and bike-counter records,
//! MultiDatastreams, HistoricalLocations, last-value snapshots, and every
//! event filed into a store. No panics, whatever arrives from a broker, a
//! server or a damaged cache file.
#![no_main]
use libfuzzer_sys::fuzz_target;

const TOPICS: [&str; 8] = [
    "v1.1/Datastreams('x')/Observations",
    "application/a/device/d/event/up",
    "v3/app@ttn/devices/d/up",
    "fiware/any",
    "v1.1/MultiDatastreams(7)/Observations",
    "v1.1/Datastreams('bus1~admin~location')/Observations",
    "planwerkstatt/Datastreams",
    "v1.1/Datastreams('K1~S~color')/Observations",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let decoders = [
        ("d".to_string(), if which & 16 == 0 { "milesight" } else { "decentlab-dl-5tm" }.to_string()),
    ];
    let event = pw_sensors::mqtt::classify(TOPICS[(which % 8) as usize], rest, &decoders);
    let mut store = pw_sensors::store::SensorStore::default();
    store.apply(&event, None, 0);
    for j in 0..store.stations.len() {
        let _ = store.place_at(j, 0);
    }
    let _ = pw_sensors::decoders::decode(&decoders[0].1, rest);
    let text = String::from_utf8_lossy(rest);
    match (which >> 3) % 13 {
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
        8 => {
            let _ = pw_sensors::sta::multi_datastreams(&text).map(|p| {
                p.items.iter().map(|m| m.components().len()).sum::<usize>()
            });
        }
        9 => {
            let _ = pw_sensors::sta::historical_locations(&text);
        }
        10 => {
            let _ = pw_sensors::snapshot::from_json(&text);
        }
        11 => {
            let _ = pw_sensors::sta::multi_observations(&text);
        }
        12 => {
            let _ = pw_sensors::ngsi::entities(&text);
        }
        _ => {}
    }
});
