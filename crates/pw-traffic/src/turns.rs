//! Turn restrictions from OpenStreetMap (relations `type=restriction`):
//! "no left turn from way A into way B at node N", "only straight on".
//!
//! A junction with restrictions is taken apart so that a route's cost can
//! depend on the turn: each link arriving there ends in a node of its own,
//! each link leaving starts from one of its own, and a free link joins an
//! arrival to a departure for every turn that is allowed. Junctions without
//! restrictions stay single nodes, so the network grows only where the map
//! says something. Restrictions over a way (`via` a way, not a node) and
//! those with conditions or for other vehicles are counted, not applied.

use crate::Link;
use crate::road_link::RoadLink;
use pw_osm::{MemberKind, OsmData, tag};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One restriction at a node: from a way, into a way.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRestriction {
    pub relation: i64,
    pub from_way: i64,
    pub via_node: i64,
    pub to_way: i64,
    /// `only_*`: from `from_way` this is the one way to go; `no_*`: the
    /// turn is forbidden.
    pub only: bool,
    /// `*_u_turn`: the turn back where the arriving link came from; any
    /// other rule means the other turns (into the same way: straight on).
    pub u_turn: bool,
}

/// The map's restrictions sorted by what happens to them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restrictions {
    pub at_nodes: Vec<NodeRestriction>,
    /// Over a way (`via` a way): would need a turn across two junctions.
    pub via_way: usize,
    /// For other vehicles (`restriction:hgv`, `except=motorcar`), with a
    /// condition (time of day), or without a usable from/via/to.
    pub not_for_cars: usize,
    pub unusable: usize,
}

/// What `apply` did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Restrictions whose ways meet the road network at their node.
    pub restrictions: usize,
    /// Restrictions whose ways or node are not part of the car network
    /// (outside the extract, closed, not roads for cars).
    pub not_on_network: usize,
    pub junctions: usize,
    /// The links added for the allowed turns.
    pub turn_links: usize,
}

fn is_car(value: &str) -> bool {
    value
        .split(';')
        .any(|v| matches!(v.trim(), "motorcar" | "motor_vehicle" | "vehicle"))
}

/// Reads the restrictions of the map.
pub fn restrictions(data: &OsmData) -> Restrictions {
    let mut out = Restrictions::default();
    for r in &data.relations {
        if !matches!(
            tag(&r.tags, "type"),
            Some("restriction" | "restriction:motorcar")
        ) {
            continue;
        }
        let value = tag(&r.tags, "restriction")
            .or_else(|| tag(&r.tags, "restriction:motorcar"))
            .or_else(|| tag(&r.tags, "restriction:motor_vehicle"));
        let except_cars = tag(&r.tags, "except").is_some_and(is_car);
        let Some(value) = value.filter(|_| !except_cars) else {
            out.not_for_cars += 1;
            continue;
        };
        let only = if value.starts_with("only_") {
            true
        } else if value.starts_with("no_") {
            false
        } else {
            out.unusable += 1;
            continue;
        };
        let role = |name: &str, kind: MemberKind| {
            let mut found = r
                .members
                .iter()
                .filter(|m| m.role == name && m.kind == kind);
            // Exactly one via node.
            let first = found.next().map(|m| m.id);
            first.filter(|_| found.next().is_none())
        };
        if r.members
            .iter()
            .any(|m| m.role == "via" && m.kind == MemberKind::Way)
        {
            out.via_way += 1;
            continue;
        }
        let Some(via_node) = role("via", MemberKind::Node) else {
            out.unusable += 1;
            continue;
        };
        // `no_exit` may name several to ways, `no_entry` several from ways:
        // each pair is a restriction of its own.
        let tos: Vec<i64> = r
            .members
            .iter()
            .filter(|m| m.role == "to" && m.kind == MemberKind::Way)
            .map(|m| m.id)
            .collect();
        let froms: Vec<i64> = r
            .members
            .iter()
            .filter(|m| m.role == "from" && m.kind == MemberKind::Way)
            .map(|m| m.id)
            .collect();
        if froms.is_empty() || tos.is_empty() {
            out.unusable += 1;
            continue;
        }
        for &from_way in &froms {
            for &to_way in &tos {
                out.at_nodes.push(NodeRestriction {
                    relation: r.id,
                    from_way,
                    via_node,
                    to_way,
                    only,
                    u_turn: value.ends_with("u_turn"),
                });
            }
        }
    }
    out
}

/// Takes the restricted junctions apart (see the module's text). `links`
/// and `roads` run in parallel (the road links); `node_of` gives a map
/// node's network index; new nodes go to the end of `names` and
/// `positions`, new links to the end of `links`. Returns the split nodes'
/// new indices as well, which zones must not be joined to.
pub fn apply(
    restrictions: &[NodeRestriction],
    links: &mut Vec<Link>,
    roads: &[RoadLink],
    node_of: &HashMap<i64, u32>,
    names: &mut Vec<u64>,
    positions: &mut Vec<[f64; 2]>,
) -> (Applied, HashSet<u32>) {
    let mut applied = Applied::default();
    let mut at: BTreeMap<i64, Vec<&NodeRestriction>> = BTreeMap::new();
    for r in restrictions {
        at.entry(r.via_node).or_default().push(r);
    }
    let mut split = HashSet::new();
    // The road links at each restricted node, by the map's node ids (which
    // splitting does not change), found in one pass.
    let mut arriving_at: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut leaving_from: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, r) in roads.iter().enumerate() {
        if at.contains_key(&r.to_node) {
            arriving_at.entry(r.to_node).or_default().push(i);
        }
        if at.contains_key(&r.from_node) {
            leaving_from.entry(r.from_node).or_default().push(i);
        }
    }
    for (via, rules) in at {
        let Some(&node) = node_of.get(&via) else {
            applied.not_on_network += rules.len();
            continue;
        };
        let arriving = arriving_at.remove(&via).unwrap_or_default();
        let leaving = leaving_from.remove(&via).unwrap_or_default();
        let usable: Vec<&NodeRestriction> = rules
            .into_iter()
            .filter(|r| {
                let ok = arriving.iter().any(|&i| roads[i].way == r.from_way)
                    && leaving.iter().any(|&j| roads[j].way == r.to_way);
                if !ok {
                    applied.not_on_network += 1;
                }
                ok
            })
            .collect();
        if usable.is_empty() {
            continue;
        }
        applied.restrictions += usable.len();
        applied.junctions += 1;
        // Leaving back along the piece the arriving link came on (map node
        // ids: the network's may already be split at the other end).
        let reverse = |i: usize, j: usize| {
            roads[j].way == roads[i].way
                && roads[j].piece == roads[i].piece
                && roads[j].to_node == roads[i].from_node
        };
        // A U-turn rule means the way back; any other rule between a way
        // and itself (it runs through the junction) means going on along it.
        let matches = |r: &NodeRestriction, i: usize, j: usize| {
            roads[i].way == r.from_way
                && roads[j].way == r.to_way
                && if r.u_turn {
                    reverse(i, j)
                } else {
                    r.from_way != r.to_way || !reverse(i, j)
                }
        };
        let allowed = |i: usize, j: usize| {
            let only: Vec<&&NodeRestriction> = usable
                .iter()
                .filter(|r| r.only && roads[i].way == r.from_way)
                .collect();
            if !only.is_empty() {
                return only.iter().any(|r| matches(r, i, j));
            }
            !usable.iter().any(|r| !r.only && matches(r, i, j))
        };
        let turns: Vec<(usize, usize)> = (0..arriving.len())
            .flat_map(|a| (0..leaving.len()).map(move |b| (a, b)))
            .filter(|&(a, b)| allowed(arriving[a], leaving[b]))
            .collect();
        let position = positions[node as usize];
        let mut new_node = |names: &mut Vec<u64>, positions: &mut Vec<[f64; 2]>| {
            let n = names.len() as u32;
            names.push(via as u64);
            positions.push(position);
            split.insert(n);
            n
        };
        let ends: Vec<u32> = arriving
            .iter()
            .map(|&i| {
                let n = new_node(names, positions);
                links[i].to = n;
                n
            })
            .collect();
        let starts: Vec<u32> = leaving
            .iter()
            .map(|&j| {
                let n = new_node(names, positions);
                links[j].from = n;
                n
            })
            .collect();
        for (a, b) in turns {
            links.push(turn_link(ends[a], starts[b]));
            applied.turn_links += 1;
        }
    }
    (applied, split)
}

/// A turn: no length, no time, no capacity limit.
fn turn_link(from: u32, to: u32) -> Link {
    Link {
        from,
        to,
        capacity: f64::INFINITY,
        length: 0.0,
        free_flow_time: 0.0,
        b: 0.0,
        power: 0.0,
        toll: 0.0,
        fixed_cost: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use crate::osm::{default_classes, road_network};
    use crate::{Network, ShortestPaths};

    /// A crossing at node 2 of four streets that end there: west (way 100
    /// from 1), east (103 to 3), north (101 to 4), south (102 to 5).
    fn crossing(relations: &str) -> String {
        format!(
            r#"<osm>
<node id="1" lat="50.000" lon="10.999"/><node id="2" lat="50.000" lon="11.000"/>
<node id="3" lat="50.000" lon="11.001"/><node id="4" lat="50.001" lon="11.000"/>
<node id="5" lat="49.999" lon="11.000"/>
<way id="100"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
<way id="103"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
<way id="101"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
<way id="102"><nd ref="5"/><nd ref="2"/><tag k="highway" v="residential"/></way>
{relations}
</osm>"#
        )
    }

    fn restriction(id: i64, from: i64, to: i64, kind: &str, extra: &str) -> String {
        format!(
            r#"<relation id="{id}"><member type="way" ref="{from}" role="from"/><member type="node" ref="2" role="via"/>
<member type="way" ref="{to}" role="to"/><tag k="type" v="restriction"/><tag {kind}/>{extra}</relation>"#
        )
    }

    /// Minutes of the fastest route between two map nodes.
    fn minutes(network: &Network, from: u64, to: u64) -> f64 {
        let index = |name: u64| {
            (0..network.node_count())
                .find(|&n| network.node_names[n] == name && !network.outgoing(n as u32).is_empty())
                .unwrap() as u32
        };
        let costs: Vec<f64> = network.links.iter().map(|l| l.cost(0.0)).collect();
        let mut paths = ShortestPaths::new(network);
        let target = (0..network.node_count() as u32)
            .filter(|&n| network.node_names[n as usize] == to)
            .collect::<Vec<_>>();
        paths.search(network, &costs, index(from), 0..network.node_count() as u32);
        target
            .iter()
            .map(|&t| paths.distance(t))
            .fold(f64::INFINITY, f64::min)
    }

    /// Minutes straight through the junction: a → 2 → b.
    fn through(network: &Network, a: u64, b: u64) -> f64 {
        let link = |x: u64, y: u64| {
            network
                .links
                .iter()
                .find(|l| {
                    network.node_names[l.from as usize] == x
                        && network.node_names[l.to as usize] == y
                        && l.length > 0.0
                })
                .unwrap()
                .cost(0.0)
        };
        link(a, 2) + link(2, b)
    }

    #[test]
    fn a_crossing_with_a_forbidden_turn_a_u_turn_ban_and_an_only_rule() {
        let xml = crossing(
            &[
                restriction(1, 100, 101, r#"k="restriction" v="no_left_turn""#, ""),
                restriction(2, 101, 101, r#"k="restriction" v="no_u_turn""#, ""),
                restriction(3, 102, 101, r#"k="restriction" v="only_straight_on""#, ""),
                // For lorries only, and one that spares cars: not applied.
                restriction(4, 103, 101, r#"k="restriction:hgv" v="no_right_turn""#, ""),
                restriction(
                    5,
                    103,
                    102,
                    r#"k="restriction" v="no_left_turn""#,
                    r#"<tag k="except" v="bicycle;motorcar"/>"#,
                ),
            ]
            .concat(),
        );
        let data = pw_osm::read_xml(xml.as_bytes()).unwrap();
        let r = road_network(&data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
        assert_eq!(r.turns.restrictions, 3);
        assert_eq!(r.turns.junctions, 1);
        // 4 arriving × 4 leaving, less west→north, north→north and
        // south→west/east/south.
        assert_eq!(r.turns.turn_links, 16 - 5);
        assert_eq!(r.turn_nodes.len(), 8);
        assert_eq!(r.roads.len(), 8);
        assert_eq!(r.network.links.len(), 8 + 11);
        let n = &r.network;
        let detour = |a, b| minutes(n, a, b) > through(n, a, b) + 1e-6;
        let straight = |a, b| (minutes(n, a, b) - through(n, a, b)).abs() < 1e-9;
        // West → north turns at a dead end and comes back.
        assert!(detour(1, 4), "west → north is forbidden");
        assert!(straight(1, 3) && straight(1, 5));
        assert!(straight(4, 1) && straight(4, 3) && straight(4, 5));
        assert!(straight(5, 4));
        assert!(detour(5, 1) && detour(5, 3), "from the south only north");
        assert!(straight(3, 4), "the lorries' ban leaves cars free");
        assert!(straight(3, 5), "cars are excepted");
        let notes: Vec<String> = r.notes.iter().map(|m| m.to_string()).collect();
        assert!(notes.contains(&"3 turn restrictions applied at 1 junctions".to_string()));
        assert!(notes.contains(
            &"Turn restrictions not applied: 0 over a way, 2 for other vehicles or incomplete, 0 off the car network".to_string()
        ));
    }

    /// `no_straight_on` from a way into itself (it runs through the
    /// junction) forbids going on along it, not turning back; a `no_exit`
    /// with two to ways forbids both.
    #[test]
    fn straight_on_rules_on_a_way_through_the_junction() {
        let xml = r#"<osm>
<node id="1" lat="50.000" lon="10.999"/><node id="2" lat="50.000" lon="11.000"/>
<node id="3" lat="50.000" lon="11.001"/><node id="4" lat="50.001" lon="11.000"/>
<node id="5" lat="49.999" lon="11.000"/>
<way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
<way id="101"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
<way id="102"><nd ref="2"/><nd ref="5"/><tag k="highway" v="residential"/></way>
<relation id="1"><member type="way" ref="100" role="from"/><member type="node" ref="2" role="via"/>
<member type="way" ref="100" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_straight_on"/></relation>
<relation id="2"><member type="way" ref="101" role="from"/><member type="node" ref="2" role="via"/>
<member type="way" ref="100" role="to"/><member type="way" ref="102" role="to"/>
<tag k="type" v="restriction"/><tag k="restriction" v="no_exit"/></relation>
</osm>"#;
        let data = pw_osm::read_xml(xml.as_bytes()).unwrap();
        let r = road_network(&data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
        // One rule, and the no_exit counted once per to way.
        assert_eq!(r.turns.restrictions, 3);
        // 4 arriving × 4 leaving, less 1 → 3, 3 → 1 (straight on), and
        // 4 → 1, 4 → 3, 4 → 5 (the no_exit's ways).
        assert_eq!(r.turns.turn_links, 16 - 5);
        let n = &r.network;
        let detour = |a, b| minutes(n, a, b) > through(n, a, b) + 1e-6;
        assert!(detour(1, 3) && detour(3, 1), "no straight on along way 100");
        assert!(!detour(1, 4) && !detour(1, 5), "turning off is free");
        // The north street is a dead end: from it no way out at all.
        for to in [1, 3, 5] {
            assert!(minutes(n, 4, to).is_infinite(), "4 → {to}");
        }
    }

    #[test]
    fn a_u_turn_ban_on_a_way_through_the_junction_leaves_straight_on_free() {
        // Way 100 runs 1 → 2 → 3 through the junction; 101 leaves north.
        let xml = r#"<osm>
<node id="1" lat="50.000" lon="10.999"/><node id="2" lat="50.000" lon="11.000"/>
<node id="3" lat="50.000" lon="11.001"/><node id="4" lat="50.001" lon="11.000"/>
<way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
<way id="101"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
<relation id="1"><member type="way" ref="100" role="from"/><member type="node" ref="2" role="via"/>
<member type="way" ref="100" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_u_turn"/></relation>
<relation id="2"><member type="way" ref="100" role="from"/><member type="way" ref="7" role="via"/>
<member type="way" ref="101" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
<relation id="3"><member type="way" ref="100" role="from"/><member type="node" ref="9" role="via"/>
<member type="way" ref="101" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
</osm>"#;
        let data = pw_osm::read_xml(xml.as_bytes()).unwrap();
        let r = road_network(&data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
        assert_eq!(r.turns.restrictions, 1);
        assert_eq!(r.turns.not_on_network, 1);
        // 3 arriving × 3 leaving, less the two U-turns on way 100.
        assert_eq!(r.turns.turn_links, 7);
        let n = &r.network;
        assert!(minutes(n, 1, 3).is_finite() && minutes(n, 3, 1).is_finite());
        assert!((minutes(n, 1, 4) - through(n, 1, 4)).abs() < 1e-9);
        let notes: Vec<String> = r.notes.iter().map(|m| m.to_string()).collect();
        assert!(notes.contains(
            &"Turn restrictions not applied: 1 over a way, 0 for other vehicles or incomplete, 1 off the car network".to_string()
        ));
    }
}
