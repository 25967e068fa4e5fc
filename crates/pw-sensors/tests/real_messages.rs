//! Every real uplink and entity in ../shared/data/sensors (SOURCES.md),
//! with its values: Jena's ChirpStack devices, The Things Stack envelopes
//! decoded from raw bytes, FIWARE smart-data-model examples.

use pw_sensors::{Message, lorawan, ngsi, parse_time};
use std::path::PathBuf;

fn text(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/sensors")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn close(m: &Message, q: &str, want: f64) {
    let got = m
        .number(q)
        .unwrap_or_else(|| panic!("{q} missing in {:?}", m.readings));
    assert!((got - want).abs() < 1e-9, "{q}: {got} != {want}");
}

#[test]
fn jena_soil_moisture_in_the_stadtforst_dragino_lse01() {
    let m = lorawan::chirpstack_uplink(&text(
        "jena_chirpstack/uplink_dragino_lse01_soil_stadtforst.json",
    ))
    .unwrap();
    assert_eq!(m.source_id, "a8404187d187106e");
    assert_eq!(m.name.as_deref(), Some("LST25628782"));
    assert_eq!(m.group.as_deref(), Some("KSJ_Bodenfeuchte_Stadtforst"));
    assert_eq!(
        m.time_ms,
        parse_time("2024-06-20T08:48:38.863512+00:00").unwrap()
    );
    // The decoder writes some values as strings: read as numbers all the same.
    close(&m, "water_SOIL", 13.74);
    close(&m, "temp_SOIL", 13.25);
    close(&m, "conduct_SOIL", 35.0);
    close(&m, "BatV", 3.301);
    assert_eq!(m.readings.len(), 11);
    // Gateway positions are not the sensor's.
    assert_eq!(m.location, None);
}

#[test]
fn jena_waste_bin_fill_level_milesight_em310() {
    let m = lorawan::chirpstack_uplink(&text(
        "jena_chirpstack/uplink_milesight_em310udl_trashlevel.json",
    ))
    .unwrap();
    assert_eq!(m.source_id, "24e124713c401925");
    close(&m, "distance", 594.0);
    close(&m, "battery", 69.0);
    assert_eq!(m.text("position"), Some("normal"));
}

#[test]
fn jena_ph_probe_sensecap_s2106_measurement_ids() {
    let m =
        lorawan::chirpstack_uplink(&text("jena_chirpstack/uplink_sensecap_s2106_ph.json")).unwrap();
    assert_eq!(m.source_id, "2cf7f1c051100027");
    // 4097 = air temperature (the probe's), 4106 = pH (Seeed's id list);
    // the frame's own bookkeeping (valid, payload, err) is left out.
    close(&m, "air_temperature", 15.17);
    close(&m, "ph", 10.059);
    assert_eq!(m.reading("ph").unwrap().unit.as_deref(), Some("pH"));
    assert_eq!(m.readings.len(), 2, "{:?}", m.readings);
}

#[test]
fn jena_street_trees_tektelic_kiwi_and_teros21() {
    let kiwi = lorawan::chirpstack_uplink(&text(
        "jena_chirpstack/uplink_tektelic_kiwi_stadtbaumpflege.json",
    ))
    .unwrap();
    assert_eq!(kiwi.group.as_deref(), Some("KSJ_Stadtbaumpflege"));
    close(&kiwi, "soil_water_tension1", 63.0048);
    close(&kiwi, "soil_water_tension2", 104.69359999999999);
    close(&kiwi, "soil_moisture_raw1", 702.0);
    // Nanoseconds in the time stamp: kept to the millisecond.
    assert_eq!(kiwi.time_ms % 1000, 764);
    let teros =
        lorawan::chirpstack_uplink(&text("jena_chirpstack/uplink_teros21_stadtbaumpflege.json"))
            .unwrap();
    assert_eq!(teros.source_id, "8cf95720000d4a69");
    close(&teros, "potentialwater_1", -875.9);
    close(&teros, "potentialwater_2", -1145.6);
    close(&teros, "temp_2", 21.5);
    close(&teros, "battery_voltage", 3.57);
}

#[test]
fn tts_decentlab_dl_5tm_from_raw_bytes() {
    let raw = text("ttn_v3/decentlab_DL-5TM_uplink.json");
    // Without a decoder the message says what to do.
    let e = lorawan::tts_uplink(&raw, None).unwrap_err().to_string();
    assert!(
        e.contains("70B3D57BA0000BCE") && e.contains("decentlab-dl-5tm"),
        "{e}"
    );
    let m = lorawan::tts_uplink(&raw, Some("decentlab-dl-5tm")).unwrap();
    assert_eq!(m.source_id, "70b3d57ba0000bce");
    assert_eq!(m.group.as_deref(), Some("test-decentlab"));
    assert_eq!(
        m.time_ms,
        parse_time("2020-02-06T09:46:05.234172599Z").unwrap()
    );
    // As ThingsBoard's reference result for this payload: device 571,
    // ε 1.1, VWC −0.0215397767 (Topp), 22.5 °C, 3.168 V.
    close(&m, "device_id", 571.0);
    close(&m, "dielectric_permittivity", 1.1);
    assert!((m.number("volumetric_water_content").unwrap() + 0.0215397767).abs() < 1e-9);
    close(&m, "soil_temperature", 22.5);
    close(&m, "battery_voltage", 3.168);
}

#[test]
fn tts_milesight_em500_smtc_from_raw_bytes() {
    let m = lorawan::tts_uplink(
        &text("ttn_v3/milesight_EM500-SMTC_uplink.json"),
        Some("milesight"),
    )
    .unwrap();
    assert_eq!(m.source_id, "1000000000000001");
    // The maker's documented example: 100 %, 28.1 °C, 57.5 %, 240 µS/cm.
    close(&m, "battery", 100.0);
    close(&m, "temperature", 28.1);
    close(&m, "moisture", 57.5);
    close(&m, "ec", 240.0);
    assert_eq!(m.reading("ec").unwrap().unit.as_deref(), Some("µS/cm"));
}

#[test]
fn fiware_air_quality_normalized_and_as_geojson_feature() {
    let ld = ngsi::entity(&text("fiware/AirQualityObserved_example-normalized.jsonld")).unwrap();
    assert_eq!(ld.group.as_deref(), Some("AirQualityObserved"));
    assert_eq!(ld.time_ms, parse_time("2016-03-15T11:00:00Z").unwrap());
    assert_eq!(ld.location, Some([-3.712247222222222, 40.423852777777775]));
    close(&ld, "no2", 69.0);
    close(&ld, "co", 500.0);
    assert_eq!(ld.reading("co").unwrap().unit.as_deref(), Some("mg/m³"));
    assert_eq!(ld.reading("no2").unwrap().unit.as_deref(), Some("µg/m³"));
    assert_eq!(ld.text("coLevel"), Some("moderate"));
    close(&ld, "temperature", 12.2);
    assert!(ld.reading("address").is_none() && ld.reading("source").is_none());
    // The same station as a GeoJSON Feature: observed over an hour, the
    // reading stands at its end.
    let f = ngsi::entity(&text(
        "fiware/AirQualityObserved_example-geojsonfeature.json",
    ))
    .unwrap();
    assert_eq!(f.time_ms, parse_time("2016-03-15T12:00:00Z").unwrap());
    assert_eq!(f.location, ld.location);
    close(&f, "NO", 45.0);
    close(&f, "NOx", 139.0);
}

#[test]
fn fiware_traffic_flow_normalized_and_key_values() {
    let ld = ngsi::entity(&text(
        "fiware/TrafficFlowObserved_example-normalized.jsonld",
    ))
    .unwrap();
    assert_eq!(ld.group.as_deref(), Some("TrafficFlowObserved"));
    close(&ld, "intensity", 197.0);
    close(&ld, "occupancy", 0.76);
    close(&ld, "averageVehicleSpeed", 52.6);
    let kv = ngsi::entity(&text("fiware/TrafficFlowObserved_example.json")).unwrap();
    assert_eq!(kv.source_id, "TrafficFlowObserved-Valladolid-osm-60821110");
    close(&kv, "intensity", 197.0);
    assert_eq!(kv.time_ms, parse_time("2016-12-07T11:15:00Z").unwrap());
    // The road segment's marker: the mean of its three vertices.
    let [x, y] = kv.location.unwrap();
    assert!((x - (-4.73735395519672 - 4.73414858659993 - 4.73447575302641) / 3.0).abs() < 1e-12);
    assert!((y - (41.6538181849672 + 41.6600594193478 + 41.659585195093) / 3.0).abs() < 1e-12);
    assert!(kv.reading("laneId").is_none() && kv.reading("reversedLane").is_none());
}

#[test]
fn fiware_weather_normalized() {
    let m = ngsi::entity(&text("fiware/WeatherObserved_example-normalized.jsonld")).unwrap();
    assert_eq!(m.group.as_deref(), Some("WeatherObserved"));
    assert_eq!(m.time_ms, parse_time("2016-11-30T07:00:00Z").unwrap());
    assert_eq!(m.location, Some([-4.754444444, 41.640833333]));
    close(&m, "atmosphericPressure", 938.9);
    close(&m, "illuminance", 1000.0);
}

#[test]
fn broken_messages_are_refused_with_a_reason() {
    let e = lorawan::chirpstack_uplink("{\"time\": 1")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not JSON"), "{e}");
    let e = lorawan::chirpstack_uplink("{\"time\": \"2024-06-20T08:48:38Z\"}")
        .unwrap_err()
        .to_string();
    assert!(e.contains("devEui"), "{e}");
    let e = lorawan::chirpstack_uplink(
        "{\"time\": \"2024-06-20T08:48:38Z\", \"deviceInfo\": {\"devEui\": \"ab\"}}",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("codec"), "{e}");
    let e = ngsi::entity("{\"id\": \"x\", \"type\": \"WeatherObserved\"}")
        .unwrap_err()
        .to_string();
    assert!(e.contains("dateObserved"), "{e}");
    let e = lorawan::tts_uplink(
        "{\"end_device_ids\": {\"dev_eui\": \"01\"}, \"uplink_message\": {\"received_at\": \"2020-02-06T09:46:05Z\", \"frm_payload\": \"***\"}}",
        Some("milesight"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("not base64"), "{e}");
}

#[test]
fn jena_ice_air_quality_stations() {
    let stations =
        pw_sensors::jena::ice_stations(&text("jena/icesensor_airquality_example.json")).unwrap();
    assert_eq!(stations.len(), 4);
    let s = &stations[0];
    assert_eq!(s.source_id, "ICE-025-049-000-001");
    assert_eq!(s.location, Some([11.60392726, 50.93115286]));
    assert_eq!(s.time_ms, 1_661_504_808_000);
    close(s, "no2-ugm3", 87.9);
    close(s, "10p", 57.7);
    close(s, "temperature", 26.2);
    close(s, "aqi", 53.0);
    assert_eq!(
        s.reading("no2-ugm3").unwrap().unit.as_deref(),
        Some("µg/m³")
    );
    assert_eq!(s.text("aqi-criteria"), Some("PM₂.₅ - 24h average"));
    let no2: Vec<f64> = stations
        .iter()
        .map(|s| s.number("no2-ugm3").unwrap())
        .collect();
    assert_eq!(no2, [87.9, 39.1, 60.7, 83.1]);
}

#[test]
fn jena_goldbergrampe_bike_counter_flows() {
    let flows =
        pw_sensors::jena::bike_flows(&text("jena/bike_counter_goldbergrampe_rawTraffic.json"))
            .unwrap();
    assert_eq!(flows.len(), 4);
    let sums: Vec<f64> = flows
        .iter()
        .map(|f| f.counts.iter().map(|c| c.1).sum())
        .collect();
    assert_eq!(sums, [63.0, 424.0, 441.0, 71.0]);
    assert_eq!(flows[1].direction, "out");
    assert_eq!(
        flows[3].name, "Jena-Goldbergrampe Fahrräder Ri. Lobdea",
        "the typo is the source's"
    );
    // 480 quarter hours from local midnight 2026-01-08 (UTC+1).
    let f = &flows[0];
    assert_eq!(f.counts.len(), 480);
    assert_eq!(f.counts[0].0, parse_time("2026-01-07T23:00:00Z").unwrap());
    assert!(f.counts.windows(2).all(|w| w[1].0 - w[0].0 == 900_000));
}

fn own(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn sensecap_s2120_weather_station_every_reading_with_its_unit() {
    // Seeed's decoder writes one list per frame, ids as strings.
    let m = lorawan::chirpstack_uplink(&own("chirpstack_sensecap_s2120_weather.json")).unwrap();
    assert_eq!(m.source_id, "2cf7f1c0443001a5");
    assert_eq!(m.name.as_deref(), Some("s2120-rooftop"));
    close(&m, "air_temperature", 24.1);
    close(&m, "air_humidity", 54.0);
    close(&m, "light_intensity", 0.0);
    close(&m, "uv_index", 0.0);
    close(&m, "wind_speed", 0.0);
    close(&m, "wind_direction", 78.0);
    close(&m, "rainfall_hourly", 0.0);
    close(&m, "barometric_pressure", 99_790.0);
    close(&m, "peak_wind_gust", 0.0);
    close(&m, "rain_accumulation", 0.508);
    assert_eq!(m.readings.len(), 10, "{:?}", m.readings);
    assert_eq!(
        m.reading("barometric_pressure").unwrap().unit.as_deref(),
        Some("Pa")
    );
    assert_eq!(
        m.reading("wind_direction").unwrap().unit.as_deref(),
        Some("°")
    );
}

#[test]
fn sensecap_behind_the_v3_migration_wrapper_with_battery_and_unknown_ids() {
    // ChirpStack's v3 → v4 migration wraps an old codec's `{data: …}` once
    // more; older firmware frames, the battery entry, a firmware entry, a
    // sensor error and an id we do not list (its type names it).
    let event = r#"{"time": "2025-06-24T09:15:42Z",
      "deviceInfo": {"devEui": "2CF7F1C0443001A5", "deviceName": "s2120"},
      "object": {"data": {"err": 0, "valid": true, "payload": "0100854D…",
        "messages": [
          [{"measurementId": 4097, "measurementValue": 13.3, "type": "Air Temperature"},
           {"measurementId": "4098", "measurementValue": "77", "type": "Air Humidity"}],
          [{"Battery(%)": 100}],
          [{"Battery(%)": 100, "Hardware Version": "1.1", "Firmware Version": "1.3", "measureInterval": 600}],
          [{"measurementId": "4101", "type": "sensor_error_event", "errCode": "0x02", "descZh": "CCL_SENSOR_NOT_FOUND"}],
          [{"measurementId": "4175", "measurementValue": 12.0, "type": "Noise Level"}]
        ]}}}"#;
    let m = lorawan::chirpstack_uplink(event).unwrap();
    assert_eq!(m.source_id, "2cf7f1c0443001a5");
    close(&m, "air_temperature", 13.3);
    close(&m, "air_humidity", 77.0);
    close(&m, "battery", 100.0);
    assert_eq!(m.reading("battery").unwrap().unit.as_deref(), Some("%"));
    close(&m, "noise_level", 12.0);
    // The battery once (sent twice), no version, interval or error reading.
    assert_eq!(m.readings.len(), 4, "{:?}", m.readings);
}

#[test]
fn nested_codec_output_is_named_by_its_path() {
    let event = r#"{"time": "2025-06-24T09:15:42Z", "deviceInfo": {"devEui": "a1"},
      "object": {"sensor": {"temperature": 21.5, "humidity": "48.2"},
                 "temperatureSensor": {"1": 22.5}, "status": "ok"}}"#;
    let m = lorawan::chirpstack_uplink(event).unwrap();
    close(&m, "sensor.temperature", 21.5);
    close(&m, "sensor.humidity", 48.2);
    close(&m, "temperatureSensor.1", 22.5);
    assert_eq!(m.text("status"), Some("ok"));
}

#[test]
fn an_uplink_without_any_reading_says_so_and_what_it_holds() {
    // The TTN device-repo copy of Seeed's decoder knows no 0x4A frames:
    // an empty message list (Seeed-Solution/SenseCAP-Decoder issue #12).
    let event = r#"{"time": "2025-06-24T09:15:42Z",
      "deviceInfo": {"devEui": "2cf7f1c0443001a5"},
      "object": {"err": 0, "messages": [], "payload": "4A00F136…", "valid": true}}"#;
    let e = lorawan::chirpstack_uplink(event).unwrap_err().to_string();
    assert!(
        e.contains("2cf7f1c0443001a5") && e.contains("no reading") && e.contains("messages"),
        "{e}"
    );
}
