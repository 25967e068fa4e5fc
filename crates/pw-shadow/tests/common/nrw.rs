//! The NRW demo tile (the bundled LoD2 tile of Heinsberg) as the scenario
//! "Bestand": the analyses' framework tests run on it (pw-view includes
//! this file too).

use pw_analysis::scenario::{InputStamp, Scenario, ScenarioLayer, Site};
use std::path::PathBuf;
use std::sync::Arc;

pub fn tile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/demo/nrw/LoD2_32_280_5657_1_NW.gml")
}

pub fn bestand() -> Scenario {
    let model = pw_city::citygml::read_file(&tile(), None).expect("demo tile");
    let mut s = Scenario::new(
        "Bestand",
        Site {
            crs: pw_geo::Crs::parse("EPSG:25832").ok(),
            origin: [280926.0, 5657425.0, 36.0],
            latitude: 51.02657,
            longitude: 5.87583,
            time_zone: "Europe/Berlin".into(),
        },
    );
    s.layers.push(ScenarioLayer {
        name: "LoD2".into(),
        model: Arc::new(model),
        input: Some(InputStamp::of(&tile())),
    });
    s
}
