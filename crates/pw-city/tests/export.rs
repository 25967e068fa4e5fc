//! Converting real files: CityGML → CityJSON → read back is lossless to the
//! millimetre; GLB is structurally valid and complete.

use pw_city::{citygml, cityjson, export};
use std::path::PathBuf;

fn nrw() -> pw_city::CityModel {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    citygml::read_file(&p, None).unwrap()
}

#[test]
fn citygml_to_cityjson_round_trip_keeps_everything() {
    let gml = nrw();
    let text = serde_json::to_vec(&export::to_cityjson(&gml)).unwrap();
    let back = cityjson::read(&text, None).unwrap();
    assert!(back.issues.is_empty(), "{:?}", back.issues);
    assert_eq!(back.crs.map(|c| c.horizontal), Some(25832));
    let (a, b) = (gml.summary(), back.summary());
    assert_eq!(
        (a.buildings, a.building_parts, a.surfaces),
        (b.buildings, b.building_parts, b.surfaces)
    );
    assert_eq!(
        (a.roof_surfaces, a.wall_surfaces, a.ground_surfaces),
        (b.roof_surfaces, b.wall_surfaces, b.ground_surfaces)
    );
    assert_eq!(gml.triangle_count(), back.triangle_count());
    let o = back
        .objects
        .iter()
        .find(|o| o.id == "DENW43AL00001j2W")
        .unwrap();
    assert_eq!(o.attribute("function"), Some("31001_2723"));
    // Millimetre quantisation.
    for (x, y) in gml.objects.iter().zip(&back.objects) {
        assert_eq!(x.id, y.id);
        assert_eq!(x.parent, y.parent);
        for (s, t) in x.surfaces.iter().zip(&y.surfaces) {
            for (p, q) in s.exterior.iter().zip(&t.exterior) {
                assert!((0..3).all(|i| (p[i] - q[i]).abs() <= 0.0005), "{p:?} {q:?}");
            }
        }
    }
}

#[test]
fn glb_has_every_triangle_and_names_the_buildings() {
    let gml = nrw();
    let glb = export::to_glb(&gml);
    assert_eq!(&glb[0..4], b"glTF");
    assert_eq!(u32::from_le_bytes(glb[4..8].try_into().unwrap()), 2);
    assert_eq!(
        u32::from_le_bytes(glb[8..12].try_into().unwrap()) as usize,
        glb.len()
    );
    let json_len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    assert_eq!(&glb[16..20], b"JSON");
    let doc: serde_json::Value = serde_json::from_slice(&glb[20..20 + json_len]).unwrap();
    let bin_len =
        u32::from_le_bytes(glb[20 + json_len..24 + json_len].try_into().unwrap()) as usize;
    assert_eq!(&glb[24 + json_len..28 + json_len], b"BIN\0");
    assert_eq!(
        doc["buffers"][0]["byteLength"].as_u64().unwrap() as usize,
        bin_len
    );
    let nodes = doc["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 113, "one node per object with geometry");
    assert!(nodes.iter().any(|n| n["name"] == "DENW43AL00001j2W"));
    let indices: u64 = doc["meshes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            doc["accessors"][m["primitives"][0]["indices"].as_u64().unwrap() as usize]["count"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(indices as usize, gml.triangle_count() * 3);
    // Every buffer view lies inside the binary chunk.
    for v in doc["bufferViews"].as_array().unwrap() {
        assert!(
            v["byteOffset"].as_u64().unwrap() + v["byteLength"].as_u64().unwrap() <= bin_len as u64
        );
    }
    assert_eq!(doc["scenes"][0]["extras"]["crs"], "EPSG:25832+7837");
}
