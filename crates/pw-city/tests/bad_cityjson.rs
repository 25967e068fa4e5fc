//! Bad CityJSON input: clear errors, valid parts kept.

use pw_city::cityjson::{self, CityJsonError};

fn doc(objects: &str, vertices: &str) -> String {
    format!(
        r#"{{"type":"CityJSON","version":"2.0","transform":{{"scale":[0.001,0.001,0.001],"translate":[100000,400000,0]}},
"metadata":{{"referenceSystem":"https://www.opengis.net/def/crs/EPSG/0/7415"}},
"CityObjects":{{{objects}}},"vertices":[{vertices}]}}"#
    )
}

const SQUARE_VERTS: &str = "[0,0,0],[10000,0,0],[10000,10000,0],[0,10000,0]";

fn building(id: &str, boundaries: &str) -> String {
    format!(
        r#""{id}":{{"type":"Building","geometry":[{{"type":"MultiSurface","lod":"2","boundaries":{boundaries}}}]}}"#
    )
}

#[test]
fn empty_and_not_json() {
    assert!(matches!(
        cityjson::read(b"", None),
        Err(CityJsonError::Empty)
    ));
    let e = cityjson::read(b"{\"type\": \"CityJSON\",\n \"CityObjects\": {,}}", None).unwrap_err();
    assert!(matches!(e, CityJsonError::Syntax { line: 2, .. }), "{e}");
    let e = cityjson::read(br#"{"type":"FeatureCollection","features":[]}"#, None).unwrap_err();
    assert!(e.to_string().contains("not a CityJSON file"), "{e}");
}

#[test]
fn quantised_vertices_are_decoded() {
    let m = cityjson::read(
        doc(&building("B1", "[[[0,1,2,3]]]"), SQUARE_VERTS).as_bytes(),
        None,
    )
    .unwrap();
    let s = &m.objects[0].surfaces[0];
    assert_eq!(s.exterior[1], [100010.0, 400000.0, 0.0]);
    assert_eq!(s.lod, 2);
}

#[test]
fn bad_vertex_index_skips_only_that_surface() {
    let objects = format!(
        "{},{}",
        building("B1", "[[[0,1,2,99]],[[0,1,2,3]]]"),
        building("B2", "[[[0,1,2,3]]]")
    );
    let m = cityjson::read(doc(&objects, SQUARE_VERTS).as_bytes(), None).unwrap();
    let b1 = m.objects.iter().find(|o| o.id == "B1").unwrap();
    assert_eq!(b1.surfaces.len(), 1);
    assert!(
        m.issues.iter().any(|i| i.id.as_deref() == Some("B1")
            && i.message.to_string().contains("1 surfaces skipped"))
    );
}

#[test]
fn unknown_geometry_type_and_missing_parent_are_named() {
    let objects = r#""B1":{"type":"Building","parents":["nowhere"],"geometry":[{"type":"Blob","lod":"1","boundaries":[]}]}"#;
    let m = cityjson::read(doc(objects, SQUARE_VERTS).as_bytes(), None).unwrap();
    let msgs: Vec<String> = m.issues.iter().map(|i| i.to_string()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("B1") && m.contains("unknown geometry type \"Blob\"")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("B1") && m.contains("parent \"nowhere\"")),
        "{msgs:?}"
    );
}

#[test]
fn geometry_templates_are_placed_at_their_reference_point() {
    let text = r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},
"metadata":{"referenceSystem":"https://www.opengis.net/def/crs/EPSG/0/25832"},
"geometry-templates":{"templates":[{"type":"MultiSurface","lod":"2","boundaries":[[[0,1,2]]]}],
  "vertices-templates":[[0,0,0],[1,0,0],[0,1,0]]},
"CityObjects":{"T1":{"type":"SolitaryVegetationObject","geometry":[{"type":"GeometryInstance","template":0,"boundaries":[0],
  "transformationMatrix":[2,0,0,0, 0,2,0,0, 0,0,2,0, 0,0,0,1]}]}},
"vertices":[[681000,5644000,150]]}"#;
    let m = cityjson::read(text.as_bytes(), None).unwrap();
    assert!(m.issues.is_empty(), "{:?}", m.issues);
    let s = &m.objects[0].surfaces[0];
    assert_eq!(
        s.exterior,
        vec![
            [681000.0, 5644000.0, 150.0],
            [681002.0, 5644000.0, 150.0],
            [681000.0, 5644002.0, 150.0]
        ]
    );
}

#[test]
fn broken_line_in_a_sequence_is_skipped_and_located() {
    let text = concat!(
        r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}"#,
        "\n",
        r#"{"type":"CityJSONFeature","id":"A","CityObjects":{"A":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2]]]}]}},"vertices":[[0,0,0],[1,0,0],[0,1,0]]}"#,
        "\n",
        r#"{"type":"CityJSONFeature","id":"B","CityObjects":{"#,
        "\n",
        r#"{"type":"CityJSONFeature","id":"C","CityObjects":{"C":{"type":"Building","geometry":[]}},"vertices":[]}"#,
        "\n",
    );
    let m = cityjson::read(text.as_bytes(), None).unwrap();
    assert_eq!(
        m.objects.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        vec!["A", "C"]
    );
    let bad = m
        .issues
        .iter()
        .find(|i| i.message.to_string().contains("not valid JSON"))
        .unwrap();
    assert_eq!(bad.line, Some(3));
}
