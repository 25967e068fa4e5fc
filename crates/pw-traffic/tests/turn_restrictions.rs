//! Turn restrictions of a real OSM extract (`../shared/data/osm/
//! north-bayreuth.osm.gz`, ODbL), read by osmium (the restriction
//! relations as OPL text), against the routes of our network: at every
//! restricted junction the fastest way from an arriving link into a
//! leaving one is as fast as on the map without restrictions exactly when
//! OSM allows the turn, and slower (a detour, or none) when it forbids it.
//! Needs `osmium`.

use pw_traffic::osm::{RoadNetwork, default_classes, road_network};
use pw_traffic::{Network, ShortestPaths};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn extract() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/north-bayreuth.osm.gz")
}

/// A restriction as osmium gives it.
#[derive(Debug)]
struct Peer {
    id: i64,
    kind: String,
    from: Vec<i64>,
    via_nodes: Vec<i64>,
    via_ways: usize,
    to: Vec<i64>,
}

/// `r1397492 v3 … Ttype=restriction,restriction=only_straight_on
/// Mw13790601@from,n21437847@via,w206617802@to`
fn osmium_restrictions() -> Vec<Peer> {
    let out = Command::new("osmium")
        .args(["tags-filter", "-R", "-f", "opl", "-o", "-"])
        .arg(extract())
        .arg("r/type=restriction")
        .output()
        .expect("osmium (Debian osmium-tool; tools/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('r'))
        .map(|line| {
            let field = |c: char| {
                line.split(' ')
                    .find(|f| f.starts_with(c))
                    .map(|f| &f[1..])
                    .unwrap_or("")
            };
            let tags: BTreeMap<&str, &str> = field('T')
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            let mut peer = Peer {
                id: field('r').parse().unwrap(),
                kind: tags.get("restriction").unwrap_or(&"").to_string(),
                from: vec![],
                via_nodes: vec![],
                via_ways: 0,
                to: vec![],
            };
            for m in field('M').split(',').filter(|m| !m.is_empty()) {
                let (object, role) = m.split_once('@').unwrap();
                let id: i64 = object[1..].parse().unwrap();
                match (&object[..1], role) {
                    ("w", "from") => peer.from.push(id),
                    ("w", "to") => peer.to.push(id),
                    ("n", "via") => peer.via_nodes.push(id),
                    ("w", "via") => peer.via_ways += 1,
                    _ => {}
                }
            }
            peer
        })
        .collect()
}

/// Minutes of the fastest route between two network nodes at no traffic.
fn minutes(network: &Network, paths: &mut ShortestPaths, from: u32, to: u32) -> f64 {
    let costs: Vec<f64> = network.links.iter().map(|l| l.cost(0.0)).collect();
    paths.search(network, &costs, from, to..to + 1);
    paths.distance(to)
}

/// Road links arriving at / leaving a map node on a way.
fn links_at(roads: &RoadNetwork, way: i64, node: i64, arriving: bool) -> Vec<usize> {
    (0..roads.roads.len())
        .filter(|&i| {
            let r = &roads.roads[i];
            r.way == way
                && if arriving {
                    r.to_node == node
                } else {
                    r.from_node == node
                }
        })
        .collect()
}

#[test]
fn the_bayreuth_turn_restrictions_change_the_routes_as_osm_says() {
    let peers = osmium_restrictions();
    assert_eq!(peers.len(), 40, "restriction relations in the extract");
    assert!(
        peers
            .iter()
            .all(|p| p.via_ways == 0 && p.via_nodes.len() == 1)
    );
    let data = pw_osm::read_file(&extract()).unwrap();
    let roads = road_network(&data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
    let mut plain_data = data.clone();
    plain_data.relations.clear();
    let plain = road_network(&plain_data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
    assert_eq!(roads.roads.len(), plain.roads.len(), "the same road links");

    let net = &roads.network;
    let mut paths = ShortestPaths::new(net);
    let mut plain_paths = ShortestPaths::new(&plain.network);
    let (mut forbidden, mut allowed, mut off_network) = (0, 0, 0);
    for p in &peers {
        let via = p.via_nodes[0];
        let arriving: Vec<usize> = p
            .from
            .iter()
            .flat_map(|&w| links_at(&roads, w, via, true))
            .collect();
        let into: Vec<usize> =
            p.to.iter()
                .flat_map(|&w| links_at(&roads, w, via, false))
                .collect();
        if arriving.is_empty() || into.is_empty() {
            off_network += 1;
            continue;
        }
        let leaving: Vec<usize> = (0..roads.roads.len())
            .filter(|&k| roads.roads[k].from_node == via)
            .collect();
        // Whether a relation's rule speaks of the turn i → k: its ways, and
        // for a U-turn rule the way back, for any other rule between a way
        // and itself the way on.
        let rule = |q: &Peer, i: usize, k: usize| {
            let (a, b) = (&roads.roads[i], &roads.roads[k]);
            let back = a.way == b.way && a.piece == b.piece && b.to_node == a.from_node;
            q.from.contains(&a.way)
                && q.to.contains(&b.way)
                && if q.kind.ends_with("u_turn") {
                    back
                } else {
                    a.way != b.way || !back
                }
        };
        for &i in &arriving {
            for &k in &leaving {
                let named = rule(p, i, k);
                let may = if p.kind.starts_with("only_") {
                    named
                } else {
                    !named
                };
                let others_forbid = peers.iter().any(|q| {
                    q.id != p.id
                        && q.via_nodes == p.via_nodes
                        && q.from.contains(&roads.roads[i].way)
                        && if q.kind.starts_with("only_") {
                            !rule(q, i, k)
                        } else {
                            rule(q, i, k)
                        }
                });
                // The same turn on the map without restrictions: its
                // fastest way from the junction into k.
                let pn = &plain.network;
                let direct = minutes(pn, &mut plain_paths, pn.links[i].to, pn.links[k].to);
                let fastest = minutes(net, &mut paths, net.links[i].to, net.links[k].to);
                if may && !others_forbid {
                    assert!(
                        (fastest - direct).abs() < 1e-9,
                        "relation {}: the turn {i} → {k} is allowed, yet {fastest} ≠ {direct}",
                        p.id
                    );
                    allowed += 1;
                } else if !may {
                    assert!(
                        fastest > direct + 1e-9,
                        "relation {} ({}): the turn from way {} into way {} is forbidden, yet taken",
                        p.id,
                        p.kind,
                        roads.roads[i].way,
                        roads.roads[k].way
                    );
                    forbidden += 1;
                }
            }
        }
    }
    println!(
        "{} restrictions: {} applied at {} junctions, {off_network} off the car network; \
         {forbidden} turns forbidden, {allowed} allowed; {} turn links",
        peers.len(),
        roads.turns.restrictions,
        roads.turns.junctions,
        roads.turns.turn_links
    );
    assert_eq!(roads.turns.restrictions, peers.len() - off_network);
    assert_eq!(roads.turns.not_on_network, off_network);
    assert!(forbidden > 0 && allowed > 0);
}
