//! Roads a variant draws, put into the map before the network is built:
//! each becomes a way with its tags, and each end joins the nearest road
//! for cars within [`JOIN_M`] — at its node where one is within
//! [`NODE_M`], else at a new node on the road's line. So a drawn link
//! meets the network as a mapped one does, and `osm::road_network` cuts
//! and prices it like any other.

use pw_analysis::Message;
use pw_analysis::scenario::PlannedRoad;
use pw_osm::{Node, OsmData, Way, tag};
use std::collections::HashMap;

/// How far a drawn road's end may lie from a road to join it, m.
pub const JOIN_M: f64 = 15.0;
/// Within this of a road's node, the end joins at that node, m.
pub const NODE_M: f64 = 3.0;

/// `to_wgs84` and `to_scene` convert between the scene CRS and lon/lat;
/// `is_car_road` says which ways may be joined.
pub fn with_new_roads(
    data: &OsmData,
    roads: &[PlannedRoad],
    to_wgs84: &dyn Fn([f64; 2]) -> Option<[f64; 2]>,
    to_scene: &dyn Fn([f64; 2]) -> Option<[f64; 2]>,
    is_car_road: &dyn Fn(&Way) -> bool,
) -> (OsmData, Vec<Message>) {
    let mut data = data.clone();
    let mut notes = Vec::new();
    // New objects count down from below every id there is, as OpenStreetMap
    // editors number theirs: no clash with the map, nor with a relation
    // that names an object outside the extract.
    let mut next_node = data
        .nodes
        .iter()
        .map(|n| n.id)
        .min()
        .unwrap_or(0)
        .min(0)
        .saturating_sub(1);
    let mut next_way = data
        .ways
        .iter()
        .map(|w| w.id)
        .min()
        .unwrap_or(0)
        .min(0)
        .saturating_sub(1);
    let mut scene_of: HashMap<i64, [f64; 2]> = HashMap::new();
    for n in &data.nodes {
        if let Some(p) = to_scene([n.lon, n.lat]) {
            scene_of.insert(n.id, p);
        }
    }
    for road in roads {
        let mut nodes = Vec::with_capacity(road.points.len());
        let mut open_ends = Vec::new();
        let last = road.points.len().saturating_sub(1);
        for (k, p) in road.points.iter().enumerate() {
            let end = k == 0 || k == last;
            let joined = if end {
                join(
                    &mut data,
                    &mut scene_of,
                    *p,
                    &mut next_node,
                    to_wgs84,
                    is_car_road,
                )
            } else {
                None
            };
            let id = match joined {
                Some(id) => id,
                None => {
                    if end {
                        open_ends.push(k);
                    }
                    let Some(ll) = to_wgs84(*p) else { continue };
                    let id = next_node;
                    next_node = next_node.saturating_sub(1);
                    data.nodes.push(Node {
                        id,
                        lat: ll[1],
                        lon: ll[0],
                        tags: Vec::new(),
                    });
                    scene_of.insert(id, *p);
                    id
                }
            };
            nodes.push(id);
        }
        let name = tag(&road.tags, "name").unwrap_or(&road.id).to_string();
        if !open_ends.is_empty() {
            notes.push(
                Message::new("traffic.new_road_open")
                    .arg("road", &name)
                    .arg("n", open_ends.len())
                    .arg("metres", JOIN_M)
                    .english("New road {road}: {n} of its ends are more than {metres} m from any road and lead nowhere."),
            );
        }
        data.ways.push(Way {
            id: next_way,
            nodes,
            tags: road.tags.clone(),
        });
        next_way = next_way.saturating_sub(1);
    }
    if !roads.is_empty() {
        notes.push(
            Message::new("traffic.new_roads")
                .arg("n", roads.len())
                .english("{n} new roads in this scenario"),
        );
    }
    (data, notes)
}

/// The node an end at `p` joins: a road's node within [`NODE_M`] of the
/// nearest point on it, else a new node there put into the road's line;
/// None beyond [`JOIN_M`].
fn join(
    data: &mut OsmData,
    scene_of: &mut HashMap<i64, [f64; 2]>,
    p: [f64; 2],
    next_node: &mut i64,
    to_wgs84: &dyn Fn([f64; 2]) -> Option<[f64; 2]>,
    is_car_road: &dyn Fn(&Way) -> bool,
) -> Option<i64> {
    // (distance, way, segment start, point on it)
    let mut best: Option<(f64, usize, usize, [f64; 2])> = None;
    for (w, way) in data.ways.iter().enumerate().filter(|(_, w)| is_car_road(w)) {
        for (i, pair) in way.nodes.windows(2).enumerate() {
            let (Some(a), Some(b)) = (scene_of.get(&pair[0]), scene_of.get(&pair[1])) else {
                continue;
            };
            let (q, _) = pw_geo::segment::closest_point(*a, *b, p);
            let dist = (p[0] - q[0]).hypot(p[1] - q[1]);
            if dist <= JOIN_M && best.is_none_or(|b| dist < b.0) {
                best = Some((dist, w, i, q));
            }
        }
    }
    let (_, w, i, q) = best?;
    let (a, b) = (data.ways[w].nodes[i], data.ways[w].nodes[i + 1]);
    for id in [a, b] {
        let at = scene_of[&id];
        if (at[0] - q[0]).hypot(at[1] - q[1]) <= NODE_M {
            return Some(id);
        }
    }
    let ll = to_wgs84(q)?;
    let id = *next_node;
    *next_node = next_node.saturating_sub(1);
    data.nodes.push(Node {
        id,
        lat: ll[1],
        lon: ll[0],
        tags: Vec::new(),
    });
    scene_of.insert(id, q);
    data.ways[w].nodes.insert(i + 1, id);
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::{default_classes, road_network};

    /// A straight east–west road of two ways meeting at node 2, 100 m
    /// apart in a plane where 1 m is 0.00001°.
    fn map() -> OsmData {
        pw_osm::read_xml(
            br#"<osm><node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="0.001"/><node id="3" lat="0" lon="0.002"/>
<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>
<way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/></way>
<way id="12"><nd ref="1"/><nd ref="3"/><tag k="highway" v="footway"/></way></osm>"#,
        )
        .unwrap()
    }

    #[test]
    fn ends_join_at_a_node_or_on_a_line_or_stay_open() {
        let classes = default_classes();
        let car =
            |w: &Way| tag(&w.tags, "highway").is_some_and(|h| classes.iter().any(|c| c.class == h));
        let road = |id: &str, points: Vec<[f64; 2]>| PlannedRoad {
            id: id.into(),
            points,
            tags: vec![("highway".into(), "residential".into())],
        };
        let to_wgs84 = |p: [f64; 2]| Some([p[0] / 1e5, p[1] / 1e5]);
        let to_scene = |p: [f64; 2]| Some([p[0] * 1e5, p[1] * 1e5]);
        let (data, notes) = with_new_roads(
            &map(),
            &[
                // North from 2 m beside node 2: joins at node 2.
                road("a", vec![[102.0, 1.0], [100.0, 80.0]]),
                // South from the middle of way 11: a new node on its line.
                road("b", vec![[150.0, -5.0], [150.0, -90.0]]),
                // Far from everything.
                road("c", vec![[500.0, 500.0], [600.0, 500.0]]),
            ],
            &to_wgs84,
            &to_scene,
            &car,
        );
        let way = |id: i64| data.ways.iter().find(|w| w.id == id).unwrap();
        assert_eq!(way(-1).nodes[0], 2);
        // Way 11 now runs 2 → (new node at 150, 0) → 3; road b starts there.
        let joined = way(-2).nodes[0];
        assert_eq!(way(11).nodes, vec![2, joined, 3]);
        let n = data.nodes.iter().find(|n| n.id == joined).unwrap();
        assert!((n.lon - 0.0015).abs() < 1e-12 && n.lat == 0.0);
        let notes: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            notes,
            vec![
                "New road a: 1 of its ends are more than 15 m from any road and lead nowhere.",
                "New road b: 1 of its ends are more than 15 m from any road and lead nowhere.",
                "New road c: 2 of its ends are more than 15 m from any road and lead nowhere.",
                "3 new roads in this scenario",
            ]
        );
        // The network has them: junctions at 2 and at the new node.
        let r = road_network(&data, &classes, &|p| Some(p), &|_| false).unwrap();
        assert_eq!(r.ways, 5);
        let from_new = r.roads.iter().filter(|l| l.way == -2).count();
        assert_eq!(from_new, 2, "both directions of road b");
    }
}
