//! SensorThings answers: the real Jena sensiNact Datastreams collection of
//! traffic-signal controller K440 (v1.1, string ids), numeric ids as v1.0
//! servers give them, observation pages with next links, query strings.

use pw_sensors::sta::{self, Id, Query};
use pw_sensors::{Value, parse_time};
use std::path::PathBuf;

fn k440() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/sensors/jena/sensinact_sta_datastreams_K440.json"),
    )
    .unwrap()
}

#[test]
fn jena_k440_signal_groups_as_served_by_sensinact() {
    let page = sta::datastreams(&k440()).unwrap();
    assert_eq!(page.items.len(), 99);
    assert_eq!((page.next.as_deref(), page.count), (None, None));
    let first = &page.items[0];
    assert_eq!(first.id, Id::Text("K440~BLN1/1~color".into()));
    assert_eq!(first.name, "color");
    assert_eq!(
        first.unit,
        sta::Unit::default(),
        "sensiNact sends null members"
    );
    // The server's own links are kept: it spells keys unquoted, "/" as %2F.
    assert_eq!(
        first.observations_link.as_deref(),
        Some(
            "http://localhost:8080/sensinact/rest/v1.1/Datastreams(K440~BLN1%2F1~color)/Observations"
        )
    );
    // 30 signal groups with colour, group and type (unit "Signaltyp"), plus
    // the controller's own data (names, locations, models, a temperature).
    let by_name = |n: &str| page.items.iter().filter(|d| d.name == n).count();
    assert_eq!(
        (by_name("color"), by_name("signalGroup"), by_name("type")),
        (30, 30, 30)
    );
    assert_eq!((by_name("location"), by_name("temperature")), (2, 1));
    assert_eq!(
        page.items
            .iter()
            .filter(|d| d.unit.name.as_deref() == Some("Signaltyp"))
            .count(),
        30
    );
    // Ids are unique.
    let mut ids: Vec<String> = page.items.iter().map(|d| d.id.to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 99);
}

#[test]
fn keys_for_numeric_and_string_ids() {
    assert_eq!(Id::Number(42).key(), "(42)");
    assert_eq!(
        Id::Text("K440~BLN1/1~color".into()).key(),
        "('K440~BLN1%2F1~color')"
    );
    assert_eq!(
        Id::Text("bus359~admin~location".into()).key(),
        "('bus359~admin~location')"
    );
    // OData doubles quotes; spaces and umlauts are percent-encoded.
    assert_eq!(
        Id::Text("O'Brien Straße 1".into()).key(),
        "('O''Brien%20Stra%C3%9Fe%201')"
    );
}

#[test]
fn observations_with_numeric_ids_intervals_and_a_next_link() {
    // As a v1.0 server (FROST) answers: numeric ids, an interval time,
    // a count, and the next page's link.
    let text = r#"{
        "@iot.count": 35040,
        "@iot.nextLink": "https://iot.example/v1.0/Datastreams(7)/Observations?$top=2&$skip=2",
        "value": [
            {"@iot.id": 1001, "phenomenonTime": "2026-01-08T00:00:00.000Z", "result": 12.5},
            {"@iot.id": 1002, "phenomenonTime": "2026-01-08T00:15:00Z/2026-01-08T00:30:00Z", "result": "13"},
            {"@iot.id": 1003, "phenomenonTime": "2026-01-08T00:30:00Z", "result": "rot"}
        ]
    }"#;
    let page = sta::observations(text).unwrap();
    assert_eq!(page.count, Some(35_040));
    assert!(page.next.as_deref().unwrap().ends_with("$skip=2"));
    let o = &page.items;
    assert_eq!(o[0].id, Some(Id::Number(1001)));
    assert_eq!(o[0].time_ms, parse_time("2026-01-08T00:00:00Z").unwrap());
    assert_eq!(o[0].result, Value::Number(12.5));
    assert_eq!(o[1].time_ms, parse_time("2026-01-08T00:15:00Z").unwrap());
    assert_eq!(o[1].result, Value::Number(13.0));
    assert_eq!(o[2].result, Value::Text("rot".into()));
    // Not a collection, or broken: a reason.
    assert!(
        sta::observations("{\"name\": 1}")
            .unwrap_err()
            .to_string()
            .contains("value")
    );
    assert!(
        sta::observations(r#"{"value": [{"result": 1}]}"#)
            .unwrap_err()
            .to_string()
            .contains("phenomenonTime")
    );
}

#[test]
fn datastreams_with_expanded_thing_and_location() {
    let text = r#"{"value": [{
        "@iot.id": "bus359~admin~location", "name": "location",
        "unitOfMeasurement": {"name": "Position", "symbol": null, "definition": null},
        "ObservedProperty": {"@iot.id": 3, "name": "Standort"},
        "Thing": {"@iot.id": "bus359", "name": "Bus 359",
                  "Locations": [{"@iot.id": 9, "encodingType": "application/geo+json",
                                 "location": {"type": "Point", "coordinates": [11.5865, 50.9279]}}]}
    }]}"#;
    let d = &sta::datastreams(text).unwrap().items[0];
    let t = d.thing.as_ref().unwrap();
    assert_eq!(t.name, "Bus 359");
    assert_eq!(t.location, Some([11.5865, 50.9279]));
    assert_eq!(d.observed_property.as_deref(), Some("Standort"));
}

#[test]
fn query_strings_in_a_fixed_order() {
    let q = Query {
        top: Some(100),
        skip: Some(200),
        select: vec!["name".into(), "@iot.id".into()],
        expand: vec!["Thing/Locations".into(), "ObservedProperty".into()],
        count: true,
        ..Query::default()
    };
    assert_eq!(
        q.to_query_string(),
        "?$top=100&$skip=200&$select=name,%40iot.id&$expand=Thing%2FLocations,ObservedProperty&$count=true"
    );
    let w = Query::time_window(
        parse_time("2026-01-08T00:00:00Z").unwrap(),
        parse_time("2026-01-13T00:00:00Z").unwrap(),
    );
    assert_eq!(
        w.to_query_string(),
        "?$filter=phenomenonTime%20ge%202026-01-08T00%3A00%3A00.000Z%20and%20phenomenonTime%20lt%202026-01-13T00%3A00%3A00.000Z&$orderby=phenomenonTime%20asc"
    );
    assert_eq!(Query::default().to_query_string(), "");
    // A next link written without encoding becomes requestable.
    assert_eq!(
        sta::requestable(
            "http://127.0.0.1:8000/v1.1/Things?$top=100&$skip=100&$filter=name eq 'Ampel Löbdergraben'"
        ),
        "http://127.0.0.1:8000/v1.1/Things?$top=100&$skip=100&$filter=name%20eq%20'Ampel%20L%C3%B6bdergraben'"
    );
}
