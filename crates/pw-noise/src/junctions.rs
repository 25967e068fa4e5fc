//! Junctions where vehicles brake and start again, for both methods'
//! junction terms: RLS-19 D_K,KT (Gl. 8: 3 dB at traffic lights, 2 dB at
//! roundabouts, fading out over 120 m) and CNOSSOS-EU's Table F-3 (over
//! 100 m). Points in the scene's CRS; for each point source the nearest
//! one counts, x being the distance to where the source lines cross (as
//! RLS-19 has it, and MATSim's noise module does).

use crate::rls19::emission::JunctionKind;
use pw_osm::{OsmData, tag};
use rstar::primitives::GeomWithData;
use rstar::{PointDistance, RTree};
use std::collections::{HashMap, HashSet};

/// The longer of the two methods' reaches (m).
pub const JUNCTION_REACH_M: f64 = 120.0;
/// Signals are mapped at the stop lines, the junction node lies a few
/// metres on; a signal farther than this from any junction is taken for a
/// pedestrian crossing, no junction (m).
const SIGNAL_TO_JUNCTION_M: f64 = 50.0;

type Point = GeomWithData<[f64; 2], JunctionKind>;

/// The junctions of a scene, indexed for "which is nearest to this point".
#[derive(Default)]
pub struct JunctionPoints {
    index: RTree<Point>,
}

impl JunctionPoints {
    /// Junctions of kind `None` are left out: they change nothing.
    pub fn new(points: Vec<([f64; 2], JunctionKind)>) -> JunctionPoints {
        JunctionPoints {
            index: RTree::bulk_load(
                points
                    .into_iter()
                    .filter(|(p, kind)| {
                        *kind != JunctionKind::None && p.iter().all(|v| v.is_finite())
                    })
                    .map(|(p, kind)| Point::new(p, kind))
                    .collect(),
            ),
        }
    }

    pub fn len(&self) -> usize {
        self.index.size()
    }

    pub fn is_empty(&self) -> bool {
        self.index.size() == 0
    }

    /// How many of each kind: (traffic lights, roundabout entries).
    pub fn counts(&self) -> (usize, usize) {
        let lights = self
            .index
            .iter()
            .filter(|p| p.data == JunctionKind::TrafficLights)
            .count();
        (lights, self.len() - lights)
    }

    /// The nearest junction within [`JUNCTION_REACH_M`] of `p`: its kind
    /// and distance (m).
    pub fn nearest(&self, p: [f64; 2]) -> Option<(JunctionKind, f64)> {
        let found = self.index.nearest_neighbor(&p)?;
        let distance = found.geom().distance_2(&p).sqrt();
        (distance < JUNCTION_REACH_M).then_some((found.data, distance))
    }
}

/// The junctions of the roads motor traffic uses (`is_road(highway)`;
/// service ways, driveways and car parks, make no junction): nodes where
/// three or more road branches meet, with traffic lights when a
/// `highway=traffic_signals` node lies on them or within 50 m, and the
/// entries of roundabouts (`junction=roundabout` or `circular` rings)
/// where a road meets the ring. Plain junctions are left out (no term in
/// either method). `place` takes lon/lat to the scene; `None` leaves the
/// point out.
pub fn junctions_from_osm(
    data: &OsmData,
    is_road: impl Fn(&str) -> bool,
    place: impl Fn([f64; 2]) -> Option<[f64; 2]>,
) -> Vec<([f64; 2], JunctionKind)> {
    // Branches at each node: two where a way runs through, one at its ends
    // (a ring's closing node counts twice, once per end).
    let mut branches: HashMap<i64, u32> = HashMap::new();
    let mut on_ring: HashSet<i64> = HashSet::new();
    for way in &data.ways {
        let Some(highway) = tag(&way.tags, "highway") else {
            continue;
        };
        if !is_road(highway) || highway == "service" || way.nodes.len() < 2 {
            continue;
        }
        let last = way.nodes.len() - 1;
        for (k, id) in way.nodes.iter().enumerate() {
            *branches.entry(*id).or_default() += if k == 0 || k == last { 1 } else { 2 };
        }
        if matches!(tag(&way.tags, "junction"), Some("roundabout" | "circular")) {
            on_ring.extend(way.nodes.iter().copied());
        }
    }
    let positions = data.positions();
    let mut junction_nodes: Vec<(i64, [f64; 2])> = branches
        .iter()
        .filter(|(_, n)| **n >= 3)
        .filter_map(|(id, _)| Some((*id, place(*positions.get(id)?)?)))
        .collect();
    // The file's order, not the hash map's: the same map gives the same list.
    let order: HashMap<i64, usize> = data
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id, i))
        .collect();
    junction_nodes.sort_by_key(|(id, _)| order.get(id).copied().unwrap_or(usize::MAX));
    let index: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
        junction_nodes
            .iter()
            .enumerate()
            .map(|(i, (_, p))| GeomWithData::new(*p, i))
            .collect(),
    );
    let mut signalled = vec![false; junction_nodes.len()];
    for node in &data.nodes {
        if tag(&node.tags, "highway") != Some("traffic_signals") {
            continue;
        }
        let Some(p) = place([node.lon, node.lat]) else {
            continue;
        };
        if let Some(nearest) = index.nearest_neighbor(&p)
            && nearest.geom().distance_2(&p) <= SIGNAL_TO_JUNCTION_M * SIGNAL_TO_JUNCTION_M
        {
            signalled[nearest.data] = true;
        }
    }
    junction_nodes
        .iter()
        .zip(signalled)
        .filter_map(|((id, p), lights)| {
            // A roundabout with lights counts as the louder of the two.
            let kind = if lights {
                JunctionKind::TrafficLights
            } else if on_ring.contains(id) {
                JunctionKind::Roundabout
            } else {
                return None;
            };
            Some((*p, kind))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_osm::{Node, Way};

    fn node(id: i64, x: f64, y: f64, tags: &[(&str, &str)]) -> Node {
        Node {
            id,
            // Metres as degrees: `place` below takes them as they are.
            lon: x,
            lat: y,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn way(id: i64, nodes: &[i64], tags: &[(&str, &str)]) -> Way {
        Way {
            id,
            nodes: nodes.to_vec(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A crossing of two roads with a signal 20 m before it, a roundabout
    /// with two roads at its ring, a T-junction without lights, a
    /// driveway's junction and a pedestrian light far from any junction.
    #[test]
    fn lights_at_their_junction_roundabout_entries_and_nothing_else() {
        let road = [("highway", "secondary")];
        let data = OsmData {
            nodes: vec![
                node(1, -100.0, 0.0, &[]),
                node(2, -20.0, 0.0, &[("highway", "traffic_signals")]),
                node(3, 0.0, 0.0, &[]),
                node(4, 100.0, 0.0, &[]),
                node(5, 0.0, -100.0, &[]),
                node(6, 0.0, 100.0, &[]),
                // The ring around (500, 0), radius 15.
                node(10, 485.0, 0.0, &[]),
                node(11, 500.0, 15.0, &[]),
                node(12, 515.0, 0.0, &[]),
                node(13, 500.0, -15.0, &[]),
                node(14, 400.0, 0.0, &[]),
                node(15, 600.0, 0.0, &[]),
                // A T-junction without lights and a driveway off the road.
                node(20, 0.0, 300.0, &[]),
                node(21, 100.0, 300.0, &[]),
                node(22, 50.0, 300.0, &[]),
                node(23, 50.0, 330.0, &[]),
                node(24, -50.0, 300.0, &[]),
                // A pedestrian light in the middle of a long road.
                node(30, 0.0, 1000.0, &[]),
                node(31, 0.0, 1200.0, &[("highway", "traffic_signals")]),
                node(32, 0.0, 1400.0, &[]),
            ],
            ways: vec![
                way(1, &[1, 2, 3, 4], &road),
                way(2, &[5, 3, 6], &road),
                way(
                    3,
                    &[10, 11, 12, 13, 10],
                    &[("highway", "primary"), ("junction", "roundabout")],
                ),
                way(4, &[4, 14, 10], &road),
                way(5, &[12, 15], &road),
                way(6, &[6, 20], &road),
                way(7, &[20, 22, 21], &road),
                way(8, &[20, 0], &[("highway", "footway")]),
                way(9, &[22, 23], &[("highway", "service")]),
                way(11, &[20, 24], &[("highway", "residential")]),
                way(10, &[21, 30, 31, 32], &road),
            ],
            ..Default::default()
        };
        let is_road = |h: &str| h != "footway";
        let found = junctions_from_osm(&data, is_road, Some);
        assert_eq!(
            found,
            vec![
                ([0.0, 0.0], JunctionKind::TrafficLights),
                ([485.0, 0.0], JunctionKind::Roundabout),
                ([515.0, 0.0], JunctionKind::Roundabout),
            ]
        );
        let points = JunctionPoints::new(found);
        assert_eq!(points.counts(), (1, 2));
        // 60 m from the crossing: its lights; 130 m from everything: none.
        let (kind, x) = points.nearest([60.0, 0.0]).unwrap();
        assert_eq!(kind, JunctionKind::TrafficLights);
        assert!((x - 60.0).abs() < 1e-9);
        assert_eq!(points.nearest([250.0, 0.0]), None);
        assert_eq!(
            points.nearest([420.0, 0.0]).unwrap().0,
            JunctionKind::Roundabout
        );
    }
}
