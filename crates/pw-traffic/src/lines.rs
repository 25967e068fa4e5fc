//! A road network from any line layer (a city's street network as
//! GeoPackage, Shapefile, GeoJSON …): each line becomes a way of an
//! OpenStreetMap-like map with the tags its attributes say (class,
//! direction, speed, lanes, capacity, name), and lines meet where they
//! share a vertex. `osm::road_network` then cuts and prices it exactly as
//! it does the map, so both sources follow one set of rules.

use pw_analysis::Message;
use pw_analysis::scenario::LineNetwork;
use pw_osm::{Node, OsmData, Way};
use pw_vector::{Geometry, Value, VectorData};
use std::collections::HashMap;

/// The layer as a map, with the object id each way came from (the id the
/// app's objects have, so that a variant's closures and changes find it).
#[derive(Debug, Clone, Default)]
pub struct LineMap {
    pub data: OsmData,
    pub object_of_way: HashMap<i64, String>,
    /// Lines whose class is not a road for cars (or not mapped), left out.
    pub other_classes: usize,
    /// Those left out per class value, most first (for the note).
    pub unknown_values: Vec<(String, usize)>,
}

fn text(v: &Value) -> Option<String> {
    let t = v.to_string();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// "yes", "-1" or "no" from the ways cities write one-way (FT/TF: from
/// the line's start to its end or back, as street networks from ArcGIS
/// write it).
fn oneway(value: &str) -> &'static str {
    match value.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "ja" | "j" | "hin" | "forward" | "ft" => "yes",
        "-1" | "reverse" | "rück" | "rueck" | "backward" | "gegen" | "tf" => "-1",
        _ => "no",
    }
}

/// `data` must be in WGS 84 (lon, lat). Class values are looked up in
/// `spec.classes`, else taken as they are when `known` names them.
pub fn line_map(data: &VectorData, spec: &LineNetwork, known: &dyn Fn(&str) -> bool) -> LineMap {
    let mut map = LineMap::default();
    let mut node_ids: HashMap<(i64, i64), i64> = HashMap::new();
    let mut unknown: HashMap<String, usize> = HashMap::new();
    let field = |name: &Option<String>| name.as_deref().and_then(|n| data.field_index(n));
    let class_field = data.field_index(&spec.class);
    let (oneway_field, speed_field, lanes_field, capacity_field, name_field) = (
        field(&spec.oneway),
        field(&spec.speed),
        field(&spec.lanes),
        field(&spec.capacity),
        field(&spec.name),
    );
    let mut next_way = 1i64;
    for (k, f) in data.features.iter().enumerate() {
        let Some(Geometry::Lines(parts)) = &f.geometry else {
            continue;
        };
        let value = |i: Option<usize>| i.and_then(|i| f.values.get(i)).and_then(text);
        let raw_class = value(class_field).unwrap_or_default();
        let class = spec
            .classes
            .iter()
            .find(|(from, _)| *from == raw_class)
            .map(|(_, to)| to.clone())
            .or_else(|| known(&raw_class).then(|| raw_class.clone()));
        let Some(class) = class else {
            map.other_classes += 1;
            *unknown.entry(raw_class).or_default() += 1;
            continue;
        };
        let mut tags = vec![("highway".to_string(), class)];
        if let Some(v) = value(oneway_field) {
            tags.push(("oneway".into(), oneway(&v).into()));
        }
        for (key, i) in [
            ("maxspeed", speed_field),
            ("lanes", lanes_field),
            ("pw:capacity", capacity_field),
            ("name", name_field),
        ] {
            if let Some(v) = value(i) {
                tags.push((key.into(), v));
            }
        }
        let object = f.id.clone().unwrap_or_else(|| (k + 1).to_string());
        for part in parts {
            let mut nodes = Vec::with_capacity(part.len());
            for c in part {
                if !(c[0].is_finite() && c[1].is_finite()) {
                    continue;
                }
                // Vertices 1 cm apart or less are one node: lines that
                // share a vertex meet there.
                let key = ((c[0] * 1e7).round() as i64, (c[1] * 1e7).round() as i64);
                let id = *node_ids.entry(key).or_insert_with(|| {
                    let id = map.data.nodes.len() as i64 + 1;
                    map.data.nodes.push(Node {
                        id,
                        lat: c[1],
                        lon: c[0],
                        tags: Vec::new(),
                    });
                    id
                });
                nodes.push(id);
            }
            if nodes.len() < 2 {
                continue;
            }
            map.object_of_way.insert(next_way, object.clone());
            map.data.ways.push(Way {
                id: next_way,
                nodes,
                tags: tags.clone(),
            });
            next_way += 1;
        }
    }
    let mut unknown: Vec<(String, usize)> = unknown.into_iter().collect();
    unknown.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    map.unknown_values = unknown;
    map
}

/// The note for lines left out, naming the most frequent class values.
pub fn left_out_note(map: &LineMap, layer: &str) -> Option<Message> {
    if map.other_classes == 0 {
        return None;
    }
    let values: Vec<String> = map
        .unknown_values
        .iter()
        .take(5)
        .map(|(v, n)| format!("“{v}” ({n})"))
        .collect();
    Some(
        Message::new("traffic.note_other_classes")
            .arg("n", map.other_classes)
            .arg("layer", layer)
            .arg("values", values.join(", "))
            .english("{n} lines of layer {layer} are no roads for cars or have a class without a mapping in [traffic.network] classes: {values}"),
    )
}
