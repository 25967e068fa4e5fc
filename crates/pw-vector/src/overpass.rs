//! Overpass API answers in JSON (`[out:json]`, overpass-turbo's "raw data"
//! export, and tools that cache them): nodes with `lat`/`lon`, ways with
//! node references (`out body` plus the nodes) or their own `geometry`
//! (`out geom`), relations with members. They become OpenStreetMap data
//! and then the same layer as an `.osm` file: buildings with heights,
//! water, land use, rivers and weirs as lines, trees as points. Elements
//! without ids (some caches drop them) get ids of their own.

use crate::model::VectorData;
use pw_osm::{Member, MemberKind, Node, OsmData, Relation, Tags, Way};
use pw_text::Message;
use serde_json::Value as Json;

/// Whether a parsed JSON document is an Overpass answer.
pub fn is_overpass(root: &Json) -> bool {
    root.get("elements").is_some_and(Json::is_array) && root.get("features").is_none()
}

pub fn read(root: &Json) -> Result<VectorData, Message> {
    let osm = to_osm(root)?;
    let mut data = crate::osm::to_vector(&osm);
    data.format = "Overpass JSON".into();
    Ok(data)
}

fn tags_of(e: &Json) -> Tags {
    e.get("tags")
        .and_then(Json::as_object)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn position(p: &Json) -> Option<(f64, f64)> {
    let lat = p.get("lat")?.as_f64()?;
    let lon = p.get("lon")?.as_f64()?;
    (lat.abs() <= 90.0 && lon.abs() <= 180.0).then_some((lat, lon))
}

/// Ids for elements and geometry points that have none: below every real
/// OSM id (those are positive; negative ones are new in editors).
struct FreshIds(i64);

impl FreshIds {
    fn next(&mut self) -> i64 {
        self.0 -= 1;
        self.0
    }
}

fn to_osm(root: &Json) -> Result<OsmData, Message> {
    let elements = root
        .get("elements")
        .and_then(Json::as_array)
        .ok_or_else(|| {
            Message::new("vector.overpass.no_elements")
                .english("no \"elements\" list: not an Overpass answer")
        })?;
    let mut osm = OsmData::default();
    let mut fresh = FreshIds(-1_000_000_000);
    let mut skipped = 0usize;
    // Inline geometry of a way: one node per point, closed rings closed by id.
    let geometry_nodes = |points: &[Json], osm: &mut OsmData, fresh: &mut FreshIds| {
        let mut ids: Vec<i64> = Vec::with_capacity(points.len());
        let mut first: Option<((f64, f64), i64)> = None;
        for p in points {
            let Some((lat, lon)) = position(p) else {
                continue;
            };
            let id = match first {
                Some((at, id)) if at == (lat, lon) && !ids.is_empty() => id,
                _ => {
                    let id = fresh.next();
                    osm.nodes.push(Node {
                        id,
                        lat,
                        lon,
                        tags: Vec::new(),
                    });
                    id
                }
            };
            first.get_or_insert(((lat, lon), id));
            ids.push(id);
        }
        ids
    };
    for e in elements {
        let id = e.get("id").and_then(Json::as_i64);
        match e.get("type").and_then(Json::as_str) {
            Some("node") => match position(e) {
                Some((lat, lon)) => osm.nodes.push(Node {
                    id: id.unwrap_or_else(|| fresh.next()),
                    lat,
                    lon,
                    tags: tags_of(e),
                }),
                None => skipped += 1,
            },
            Some("way") => {
                let nodes: Vec<i64> = match (e.get("geometry"), e.get("nodes")) {
                    (Some(Json::Array(points)), _) => geometry_nodes(points, &mut osm, &mut fresh),
                    (_, Some(Json::Array(refs))) => refs.iter().filter_map(Json::as_i64).collect(),
                    _ => Vec::new(),
                };
                if nodes.len() < 2 {
                    skipped += 1;
                    continue;
                }
                osm.ways.push(Way {
                    id: id.unwrap_or_else(|| fresh.next()),
                    nodes,
                    tags: tags_of(e),
                });
            }
            Some("relation") => {
                let mut members = Vec::new();
                for m in e
                    .get("members")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                {
                    let role = m
                        .get("role")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_string();
                    let kind = match m.get("type").and_then(Json::as_str) {
                        Some("node") => MemberKind::Node,
                        Some("way") => MemberKind::Way,
                        Some("relation") => MemberKind::Relation,
                        _ => continue,
                    };
                    // `out geom` gives member ways their points instead of
                    // sending the ways themselves.
                    let member_id = match (kind, m.get("geometry")) {
                        (MemberKind::Way, Some(Json::Array(points))) => {
                            let nodes = geometry_nodes(points, &mut osm, &mut fresh);
                            let way_id = fresh.next();
                            osm.ways.push(Way {
                                id: way_id,
                                nodes,
                                tags: Vec::new(),
                            });
                            way_id
                        }
                        _ => match m.get("ref").and_then(Json::as_i64) {
                            Some(r) => r,
                            None => continue,
                        },
                    };
                    members.push(Member {
                        kind,
                        id: member_id,
                        role,
                    });
                }
                osm.relations.push(Relation {
                    id: id.unwrap_or_else(|| fresh.next()),
                    members,
                    tags: tags_of(e),
                });
            }
            _ => skipped += 1,
        }
    }
    if osm.nodes.is_empty() && osm.ways.is_empty() {
        // Two texts, not a clause put in: other languages say it otherwise.
        let message = if skipped > 0 {
            Message::new("vector.overpass.none_readable").english(
                "the Overpass answer holds no element with a position ({count} elements, none readable)",
            )
        } else {
            Message::new("vector.overpass.no_positions")
                .english("the Overpass answer holds no element with a position ({count} elements)")
        };
        return Err(message.arg("count", elements.len()));
    }
    Ok(osm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ways_by_reference_and_by_geometry_and_relations_with_geometry() {
        let root: Json = serde_json::from_str(
            r#"{"elements": [
            {"type": "node", "id": 1, "lat": 50.92, "lon": 11.58},
            {"type": "node", "id": 2, "lat": 50.93, "lon": 11.59},
            {"type": "way", "id": 10, "nodes": [1, 2], "tags": {"waterway": "weir", "name": "Paradieswehr"}},
            {"type": "way", "tags": {"landuse": "grass"}, "geometry": [
                {"lat": 50.90, "lon": 11.50}, {"lat": 50.90, "lon": 11.51},
                {"lat": 50.91, "lon": 11.51}, {"lat": 50.90, "lon": 11.50}]},
            {"type": "relation", "id": 7, "tags": {"type": "multipolygon", "natural": "water"},
             "members": [{"type": "way", "role": "outer", "geometry": [
                {"lat": 50.80, "lon": 11.50}, {"lat": 50.80, "lon": 11.52},
                {"lat": 50.82, "lon": 11.52}, {"lat": 50.80, "lon": 11.50}]}]},
            {"type": "node", "lat": 123.0, "lon": 11.0}
            ]}"#,
        )
        .unwrap();
        let osm = to_osm(&root).unwrap();
        assert_eq!(osm.ways.len(), 3);
        // The closed geometry ring is closed by node id.
        let grass = &osm.ways[1];
        assert_eq!(grass.nodes.first(), grass.nodes.last());
        assert_eq!(grass.nodes.len(), 4);
        let d = read(&root).unwrap();
        let kinds: Vec<&str> = (0..d.features.len())
            .filter_map(|i| match d.value(i, "kind") {
                Some(crate::model::Value::Text(t)) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(d.features.len(), 3, "{kinds:?} {:?}", d.issues);
        assert!(matches!(
            d.features[0].geometry,
            Some(crate::model::Geometry::Lines(_))
        ));
        assert!(
            d.features[1..]
                .iter()
                .all(|f| matches!(f.geometry, Some(crate::model::Geometry::Polygons(_))))
        );
        assert!(read(&serde_json::json!({"elements": []})).is_err());
    }
}
