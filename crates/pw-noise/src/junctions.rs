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
/// Signals are mapped at the stop lines, the junction node lies a few
/// metres on along the road; a signal farther than this from a junction
/// (along its road) is taken for a pedestrian crossing (m).
const SIGNAL_TO_JUNCTION_M: f64 = 50.0;
/// A signal mapped as a crossing's counts for a junction only this near
/// (m): mappers tag the stop line's lights at a junction so too.
const CROSSING_SIGNAL_TO_JUNCTION_M: f64 = 15.0;

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

    /// Whether a junction lies within `tolerance_m` of p.
    pub fn any_within(&self, p: [f64; 2], tolerance_m: f64) -> bool {
        self.index
            .locate_within_distance(p, tolerance_m * tolerance_m)
            .next()
            .is_some()
    }

    /// The junctions within `tolerance_m` of a line, plain ones included.
    pub fn on_line(&self, line: &[[f64; 3]], tolerance_m: f64) -> Vec<([f64; 2], JunctionKind)> {
        let mut found: Vec<([f64; 2], JunctionKind)> = Vec::new();
        for w in line.windows(2) {
            let (a, b) = ([w[0][0], w[0][1]], [w[1][0], w[1][1]]);
            let window = AABB::from_corners(
                [a[0].min(b[0]) - tolerance_m, a[1].min(b[1]) - tolerance_m],
                [a[0].max(b[0]) + tolerance_m, a[1].max(b[1]) + tolerance_m],
            );
            for p in self.index.locate_in_envelope(&window) {
                let q = *p.geom();
                if segment_distance(q, a, b) <= tolerance_m && !found.iter().any(|(f, _)| *f == q) {
                    found.push((q, p.data));
                }
            }
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
    let (q, _) = pw_geo::segment::closest_point(a, b, p);
    (p[0] - q[0]).hypot(p[1] - q[1])
}

/// How far along its road a signal may stand from its junction (m): none
/// for flashing warnings, ramp meters, fire station exits and level
/// crossings; a little for a crossing's lights (at a junction's stop line
/// they are mapped so too); else [`SIGNAL_TO_JUNCTION_M`].
fn signal_reach(tags: &pw_osm::Tags) -> Option<f64> {
    if tag(tags, "highway") != Some("traffic_signals") {
        return None;
    }
    match tag(tags, "traffic_signals") {
        Some("blinker" | "ramp_meter" | "emergency" | "level_crossing") => None,
        Some("crossing") => Some(CROSSING_SIGNAL_TO_JUNCTION_M),
        _ if tag(tags, "crossing").is_some() => Some(CROSSING_SIGNAL_TO_JUNCTION_M),
        _ => Some(SIGNAL_TO_JUNCTION_M),
    }
}

/// The junctions of the roads motor traffic uses (`is_road(way)`: its
/// class, and not closed;
/// service ways — driveways, car parks — make none): every node where
/// three or more road branches meet, with its kind for the terms — lights
/// when a `highway=traffic_signals` node stands on it or along one of its
/// roads within 50 m (a crossing's lights within 15 m; towards the
/// junction its `traffic_signals:direction` gives),
/// a roundabout where a road meets a `junction=roundabout`/`circular` ring
/// or at a `highway=mini_roundabout` node, else plain. `place` takes
/// lon/lat to the scene; `None` leaves the point out. In the file's order.
pub fn junctions_from_osm(
    data: &OsmData,
    is_road: impl Fn(&pw_osm::Way) -> bool,
    place: impl Fn([f64; 2]) -> Option<[f64; 2]>,
) -> Vec<([f64; 2], JunctionKind)> {
    // Signal → how far it may stand from its junction, which way it faces
    // along its way (1 forward, −1 backward, 0 both).
    let signals: HashMap<i64, (f64, isize)> = data
        .nodes
        .iter()
        .filter_map(|n| {
            let reach = signal_reach(&n.tags)?;
            let facing = match tag(&n.tags, "traffic_signals:direction") {
                Some("forward") => 1,
                Some("backward") => -1,
                _ => 0,
            };
            Some((n.id, (reach, facing)))
        })
        .collect();
    // Branches at each node: two where a way runs through, one at its ends
    // (a ring's closing node counts twice, once per end); and the roads
    // each signal stands on.
    let mut branches: HashMap<i64, u32> = HashMap::new();
    let mut on_ring: HashSet<i64> = HashSet::new();
    let mut roads = Vec::new();
    let mut roads_of_signal: HashMap<i64, Vec<(usize, usize)>> = HashMap::new();
    // The ways ending at each node: (road, its position there).
    let mut way_ends: HashMap<i64, Vec<(usize, usize)>> = HashMap::new();
    for way in &data.ways {
        let Some(highway) = tag(&way.tags, "highway") else {
            continue;
        };
        if !is_road(way) || highway == "service" || way.nodes.len() < 2 {
            continue;
        }
        let last = way.nodes.len() - 1;
        way_ends
            .entry(way.nodes[0])
            .or_default()
            .push((roads.len(), 0));
        way_ends
            .entry(way.nodes[last])
            .or_default()
            .push((roads.len(), last));
        for (k, id) in way.nodes.iter().enumerate() {
            *branches.entry(*id).or_default() += if k == 0 || k == last { 1 } else { 2 };
            if signals.contains_key(id) {
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
    // Each signal to the nearest junction along its roads, on through
    // nodes where one way continues into the next.
    for (signal, ways) in &roads_of_signal {
        let (reach, facing) = signals[signal];
        let mut best: Option<(f64, usize)> = None;
        for &(start_road, k) in ways {
            for first_step in [1isize, -1] {
                if facing != 0 && first_step != facing {
                    continue;
                }
                let (mut road, mut i, mut step, mut walked) =
                    (start_road, k as isize, first_step, 0.0);
                // Bounded: every step walks on, and no walk is long.
                for _ in 0..10_000 {
                    let nodes = &roads[road].nodes;
                    let id = nodes[i as usize];
                    if let Some(&j) = at.get(&id) {
                        if best.is_none_or(|(d, _)| walked < d) {
                            best = Some((walked, j));
                        }
                        break;
                    }
                    let mut next = i + step;
                    if next < 0 || next as usize >= nodes.len() {
                        // The way ends here: into the one that continues it.
                        let Some(&(other, end)) = way_ends
                            .get(&id)
                            .and_then(|e| e.iter().find(|(r, _)| *r != road))
                        else {
                            break;
                        };
                        road = other;
                        i = end as isize;
                        step = if end == 0 { 1 } else { -1 };
                        next = i + step;
                        if next < 0 || next as usize >= roads[road].nodes.len() {
                            break;
                        }
                    }
                    let nodes = &roads[road].nodes;
                    let (Some(a), Some(b)) = (placed.get(&id), placed.get(&nodes[next as usize]))
                    else {
                        break;
                    };
                    walked += (b[0] - a[0]).hypot(b[1] - a[1]);
                    if walked > reach {
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
                    30.0,
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
                // A crossing at (0, −600) whose approach from the west is
                // split 10 m before it; the signal 40 m before it, facing
                // east (the approach's way runs eastwards).
                node(50, -100.0, -600.0, &[]),
                node(
                    53,
                    -40.0,
                    -600.0,
                    &[
                        ("highway", "traffic_signals"),
                        ("traffic_signals:direction", "forward"),
                    ],
                ),
                node(51, -10.0, -600.0, &[]),
                node(52, 0.0, -600.0, &[]),
                node(54, 100.0, -600.0, &[]),
                node(55, 0.0, -700.0, &[]),
                node(56, 0.0, -500.0, &[]),
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
                way(20, &[50, 53, 51], &road),
                way(21, &[51, 52, 54], &road),
                way(22, &[55, 52, 56], &road),
            ],
            ..Default::default()
        };
        let is_road = |w: &Way| tag(&w.tags, "highway") != Some("footway");
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
                ([0.0, -600.0], JunctionKind::TrafficLights),
            ]
        );
        let points = JunctionPoints::new(found);
        assert!(points.any_within([0.3, 0.0], 0.5) && !points.any_within([1.0, 0.0], 0.5));
        // The first road heeds the side street and the crossing; 60 m east
        // of the crossing its lights, just west of the side street none.
        let first = points.on_line(&[[-100.0, 0.0, 0.0], [100.0, 0.0, 0.0]], 0.5);
        assert_eq!(first.len(), 2, "{first:?}");
        let (kind, x) = nearest_on_line(&first, [60.0, 0.0]).unwrap();
        assert_eq!(kind, JunctionKind::TrafficLights);
        assert!((x - 60.0).abs() < 1e-9);
        assert_eq!(nearest_on_line(&first, [-60.0, 0.0]), None);
        // A road 3 m beside the crossing passes it by at 0.5 m, not at 5 m.
        let beside = [[-100.0, 3.0, 0.0], [100.0, 3.0, 0.0]];
        assert!(points.on_line(&beside, 0.5).is_empty());
        assert_eq!(points.on_line(&beside, 5.0).len(), 2);
    }
}
