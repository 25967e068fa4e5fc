//! Junctions where vehicles brake and start again, for both methods'
//! junction terms: RLS-19 D_K,KT (Gl. 8: 3 dB at traffic lights, 2 dB at
//! roundabouts, 0 at other junctions, fading out over 120 m) and
//! CNOSSOS-EU's Table F-3 (over 100 m; it lowers rolling noise and raises
//! propulsion noise). Both take x as the distance to the nearest crossing
//! of the source line with another one, so each road heeds only the
//! junctions on its own line — the nearest of them, plain ones included
//! (a side street nearer than the lights ends their term).

use crate::rls19::emission::JunctionKind;
use pw_osm::{OsmData, tag};
use rstar::primitives::GeomWithData;
use rstar::{AABB, PointDistance, RTree};
use std::collections::{HashMap, HashSet};

/// The longer of the two methods' reaches (m).
pub const JUNCTION_REACH_M: f64 = 120.0;
/// A junction this close to a line (m) lies on it: OSM links end on their
/// junction nodes, a city's road layer drawn apart from the map comes
/// within a few metres.
const ON_LINE_M: f64 = 5.0;
/// Signals are mapped at the stop lines, the junction node lies a few
/// metres on along the road; a signal farther than this from a junction
/// (along its road) is taken for a pedestrian crossing (m).
const SIGNAL_TO_JUNCTION_M: f64 = 50.0;

type Point = GeomWithData<[f64; 2], JunctionKind>;

/// The junctions of a scene, indexed to find those on a line.
#[derive(Default)]
pub struct JunctionPoints {
    index: RTree<Point>,
}

impl JunctionPoints {
    pub fn new(points: Vec<([f64; 2], JunctionKind)>) -> JunctionPoints {
        JunctionPoints {
            index: RTree::bulk_load(
                points
                    .into_iter()
                    .filter(|(p, _)| p.iter().all(|v| v.is_finite()))
                    .map(|(p, kind)| Point::new(p, kind))
                    .collect(),
            ),
        }
    }

    /// Whether any junction has a term (lights or a roundabout).
    pub fn any_with_term(&self) -> bool {
        self.index.iter().any(|p| p.data != JunctionKind::None)
    }

    /// Junctions with a term within `area` (min x, min y, max x, max y):
    /// (traffic lights, at roundabouts).
    pub fn counts_within(&self, area: [f64; 4]) -> (usize, usize) {
        let window = AABB::from_corners([area[0], area[1]], [area[2], area[3]]);
        let mut counts = (0, 0);
        for p in self.index.locate_in_envelope(&window) {
            match p.data {
                JunctionKind::TrafficLights => counts.0 += 1,
                JunctionKind::Roundabout => counts.1 += 1,
                JunctionKind::None => {}
            }
        }
        counts
    }

    /// The junctions on a line (within a few metres of it), plain ones
    /// included; none when none of them has a term.
    pub fn on_line(&self, line: &[[f64; 3]]) -> Vec<([f64; 2], JunctionKind)> {
        let mut found: Vec<([f64; 2], JunctionKind)> = Vec::new();
        for w in line.windows(2) {
            let (a, b) = ([w[0][0], w[0][1]], [w[1][0], w[1][1]]);
            let window = AABB::from_corners(
                [a[0].min(b[0]) - ON_LINE_M, a[1].min(b[1]) - ON_LINE_M],
                [a[0].max(b[0]) + ON_LINE_M, a[1].max(b[1]) + ON_LINE_M],
            );
            for p in self.index.locate_in_envelope(&window) {
                let q = *p.geom();
                if segment_distance(q, a, b) <= ON_LINE_M && !found.iter().any(|(f, _)| *f == q) {
                    found.push((q, p.data));
                }
            }
        }
        if found.iter().all(|(_, kind)| *kind == JunctionKind::None) {
            found.clear();
        }
        found
    }
}

/// The nearest of a line's junctions to p within [`JUNCTION_REACH_M`]: its
/// kind and distance (m); `None` beyond, or when the nearest is plain.
pub fn nearest_on_line(
    junctions: &[([f64; 2], JunctionKind)],
    p: [f64; 2],
) -> Option<(JunctionKind, f64)> {
    let (kind, distance2) = junctions
        .iter()
        .map(|(q, kind)| (*kind, q.distance_2(&p)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let distance = distance2.sqrt();
    (kind != JunctionKind::None && distance < JUNCTION_REACH_M).then_some((kind, distance))
}

fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p[0] - a[0] - t * d[0]).hypot(p[1] - a[1] - t * d[1])
}

/// Signals that regulate no junction: pedestrian and level crossings,
/// flashing warnings, ramp meters, fire station exits.
fn junction_signal(tags: &pw_osm::Tags) -> bool {
    tag(tags, "highway") == Some("traffic_signals")
        && tag(tags, "crossing").is_none()
        && !matches!(
            tag(tags, "traffic_signals"),
            Some("crossing" | "blinker" | "ramp_meter" | "emergency" | "level_crossing")
        )
}

/// The junctions of the roads motor traffic uses (`is_road(highway)`;
/// service ways — driveways, car parks — make none): every node where
/// three or more road branches meet, with its kind for the terms — lights
/// when a junction's `highway=traffic_signals` node (not a pedestrian or
/// other crossing's) stands on it or along one of its roads within 50 m,
/// a roundabout where a road meets a `junction=roundabout`/`circular` ring
/// or at a `highway=mini_roundabout` node, else plain. `place` takes
/// lon/lat to the scene; `None` leaves the point out. In the file's order.
pub fn junctions_from_osm(
    data: &OsmData,
    is_road: impl Fn(&str) -> bool,
    place: impl Fn([f64; 2]) -> Option<[f64; 2]>,
) -> Vec<([f64; 2], JunctionKind)> {
    let signals: HashSet<i64> = data
        .nodes
        .iter()
        .filter(|n| junction_signal(&n.tags))
        .map(|n| n.id)
        .collect();
    // Branches at each node: two where a way runs through, one at its ends
    // (a ring's closing node counts twice, once per end); and the roads
    // each signal stands on.
    let mut branches: HashMap<i64, u32> = HashMap::new();
    let mut on_ring: HashSet<i64> = HashSet::new();
    let mut roads = Vec::new();
    let mut roads_of_signal: HashMap<i64, Vec<(usize, usize)>> = HashMap::new();
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
            if signals.contains(id) {
                roads_of_signal
                    .entry(*id)
                    .or_default()
                    .push((roads.len(), k));
            }
        }
        if matches!(tag(&way.tags, "junction"), Some("roundabout" | "circular")) {
            on_ring.extend(way.nodes.iter().copied());
        }
        roads.push(way);
    }
    // Positions of road nodes only, in the file's order.
    let mut placed: HashMap<i64, [f64; 2]> = HashMap::new();
    let mut junctions: Vec<(i64, [f64; 2], JunctionKind)> = Vec::new();
    for node in &data.nodes {
        let Some(&n) = branches.get(&node.id) else {
            continue;
        };
        let Some(p) = place([node.lon, node.lat]) else {
            continue;
        };
        placed.insert(node.id, p);
        if n >= 3 {
            let kind = if on_ring.contains(&node.id)
                || tag(&node.tags, "highway") == Some("mini_roundabout")
            {
                JunctionKind::Roundabout
            } else {
                JunctionKind::None
            };
            junctions.push((node.id, p, kind));
        }
    }
    let at: HashMap<i64, usize> = junctions
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (*id, i))
        .collect();
    // Each signal to the nearest junction along its roads.
    for ways in roads_of_signal.values() {
        let mut best: Option<(f64, usize)> = None;
        for &(road, k) in ways {
            let nodes = &roads[road].nodes;
            for step in [1isize, -1] {
                let (mut walked, mut i) = (0.0, k as isize);
                loop {
                    let id = nodes[i as usize];
                    if let Some(&j) = at.get(&id) {
                        if best.is_none_or(|(d, _)| walked < d) {
                            best = Some((walked, j));
                        }
                        break;
                    }
                    let next = i + step;
                    if next < 0 || next as usize >= nodes.len() {
                        break;
                    }
                    let (Some(a), Some(b)) = (placed.get(&id), placed.get(&nodes[next as usize]))
                    else {
                        break;
                    };
                    walked += (b[0] - a[0]).hypot(b[1] - a[1]);
                    if walked > SIGNAL_TO_JUNCTION_M {
                        break;
                    }
                    i = next;
                }
            }
        }
        if let Some((_, j)) = best {
            junctions[j].2 = JunctionKind::TrafficLights;
        }
    }
    junctions
        .into_iter()
        .map(|(_, p, kind)| (p, kind))
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

    /// A crossing with its signal 20 m before it on one road, a side
    /// street 30 m behind that signal (nearer to it in the plan than the
    /// crossing is not: the walk along the road decides), a roundabout
    /// ring with two roads at it, a mini roundabout, a T-junction without
    /// lights, a driveway, a pedestrian light near that T-junction and one
    /// far from everything.
    #[test]
    fn lights_roundabouts_and_plain_junctions() {
        let road = [("highway", "secondary")];
        let data = OsmData {
            nodes: vec![
                node(1, -100.0, 0.0, &[]),
                node(2, -20.0, 0.0, &[("highway", "traffic_signals")]),
                node(3, 0.0, 0.0, &[]),
                node(4, 100.0, 0.0, &[]),
                node(5, 0.0, -100.0, &[]),
                node(6, 0.0, 100.0, &[]),
                // A side street off the first road, 30 m west of the signal.
                node(7, -50.0, 0.0, &[]),
                node(8, -50.0, 60.0, &[]),
                // The ring around (500, 0), radius 15.
                node(10, 485.0, 0.0, &[]),
                node(11, 500.0, 15.0, &[]),
                node(12, 515.0, 0.0, &[]),
                node(13, 500.0, -15.0, &[]),
                node(14, 400.0, 0.0, &[]),
                node(15, 600.0, 0.0, &[]),
                // A T-junction without lights, a driveway, and a pedestrian
                // light 10 m from the T-junction.
                node(20, 0.0, 300.0, &[]),
                node(21, 100.0, 300.0, &[]),
                node(22, 50.0, 300.0, &[]),
                node(23, 50.0, 330.0, &[]),
                node(24, -50.0, 300.0, &[]),
                node(
                    25,
                    10.0,
                    300.0,
                    &[
                        ("highway", "traffic_signals"),
                        ("crossing", "traffic_signals"),
                    ],
                ),
                // A pedestrian light in the middle of a long road.
                node(30, 0.0, 1000.0, &[]),
                node(31, 0.0, 1200.0, &[("highway", "traffic_signals")]),
                node(32, 0.0, 1400.0, &[]),
                // A mini roundabout where three roads meet.
                node(40, 800.0, 0.0, &[("highway", "mini_roundabout")]),
                node(41, 800.0, 100.0, &[]),
            ],
            ways: vec![
                way(1, &[1, 7, 2, 3, 4], &road),
                way(2, &[5, 3, 6], &road),
                way(12, &[7, 8], &[("highway", "residential")]),
                way(
                    3,
                    &[10, 11, 12, 13, 10],
                    &[("highway", "primary"), ("junction", "roundabout")],
                ),
                way(4, &[4, 14, 10], &road),
                way(5, &[12, 15, 40], &road),
                way(13, &[40, 41], &road),
                way(14, &[40, 42], &road),
                way(6, &[6, 20], &road),
                way(7, &[20, 25, 22, 21], &road),
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
                ([-50.0, 0.0], JunctionKind::None),
                ([485.0, 0.0], JunctionKind::Roundabout),
                ([515.0, 0.0], JunctionKind::Roundabout),
                ([0.0, 300.0], JunctionKind::None),
                ([800.0, 0.0], JunctionKind::Roundabout),
            ]
        );
        let points = JunctionPoints::new(found);
        assert_eq!(
            points.counts_within([-1000.0, -1000.0, 1000.0, 1000.0]),
            (1, 3)
        );
        assert_eq!(points.counts_within([-100.0, -100.0, 100.0, 100.0]), (1, 0));
        // The first road heeds the side street and the crossing; 60 m east
        // of the crossing its lights, just west of the side street none.
        let first = points.on_line(&[[-100.0, 0.0, 0.0], [100.0, 0.0, 0.0]]);
        assert_eq!(first.len(), 2, "{first:?}");
        let (kind, x) = nearest_on_line(&first, [60.0, 0.0]).unwrap();
        assert_eq!(kind, JunctionKind::TrafficLights);
        assert!((x - 60.0).abs() < 1e-9);
        assert_eq!(nearest_on_line(&first, [-60.0, 0.0]), None);
        // A road 20 m beside the crossing passes it by: no junctions.
        assert!(
            points
                .on_line(&[[-100.0, 20.0, 0.0], [100.0, 20.0, 0.0]])
                .is_empty()
        );
        // A street with only plain junctions has none with a term.
        assert!(
            points
                .on_line(&[[-60.0, 300.0, 0.0], [0.0, 300.0, 0.0]])
                .is_empty()
        );
    }
}
