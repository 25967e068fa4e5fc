//! Zones (where trips start and end) joined to a road network, and the
//! trips between them from a gravity model.
//!
//! Each zone becomes a node of its own (zones come first, so routes do not
//! pass through them) with connectors, both ways, to the nearest road
//! nodes; connectors cost the straight-line distance at a walking-to-
//! parking speed and never congest.
//!
//! Demand: trips T_ij = a_i·P_i · b_j·A_j · exp(−β·c_ij) between zones
//! i ≠ j, where P are the zones' productions, A their attractions (scaled
//! to the same total), c the free-flow travel time in minutes, and the
//! factors a, b are balanced (Furness) until every zone sends its
//! productions and receives its attractions.

use crate::osm::RoadNetwork;
use crate::paths::ShortestPaths;
use crate::{Demand, Link, Network, NodeId};

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub name: String,
    /// In the road network's CRS (metres).
    pub centroid: [f64; 2],
    /// Trips starting here in the period.
    pub productions: f64,
    /// Relative weight as a destination.
    pub attractions: f64,
}

/// Speed on a connector (km/h): the way from a door to the road network.
pub const CONNECTOR_SPEED: f64 = 20.0;

/// The road network with zones in front: network node `z` is zone `z`,
/// road node `n` is network node `zones + n`. Links: the roads in their
/// order, the turn links of junctions with turn restrictions, then the
/// connectors; `road_links` counts the first two.
#[derive(Debug, Clone)]
pub struct ZonedNetwork {
    pub network: Network,
    pub zones: Vec<Zone>,
    pub road_links: usize,
}

/// Nodes of the largest strongly connected part of the network: from
/// each, every other can be reached and back. Islands (a car park's lanes,
/// a road cut by the extract's edge) are left out, so no zone hangs on one.
pub fn main_component(net: &Network) -> Vec<bool> {
    let n = net.node_count();
    // Kosaraju: finishing order on the graph, then components on the
    // reversed graph in reverse finishing order; both iterative.
    let mut incoming: Vec<Vec<u32>> = vec![Vec::new(); n];
    for l in &net.links {
        incoming[l.to as usize].push(l.from);
    }
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start as u32, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            let out = net.outgoing(*node);
            if *next < out.len() {
                let to = net.links[out[*next] as usize].to;
                *next += 1;
                if !seen[to as usize] {
                    seen[to as usize] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    let mut component = vec![u32::MAX; n];
    let mut sizes = Vec::new();
    for &root in order.iter().rev() {
        if component[root as usize] != u32::MAX {
            continue;
        }
        let c = sizes.len() as u32;
        let mut size = 0usize;
        let mut stack = vec![root];
        component[root as usize] = c;
        while let Some(node) = stack.pop() {
            size += 1;
            for &from in &incoming[node as usize] {
                if component[from as usize] == u32::MAX {
                    component[from as usize] = c;
                    stack.push(from);
                }
            }
        }
        sizes.push(size);
    }
    let largest = (0..sizes.len()).max_by_key(|&c| sizes[c]).map(|c| c as u32);
    component.iter().map(|&c| Some(c) == largest).collect()
}

/// Joins each zone to its `connectors` nearest road nodes of the network's
/// main part (see [`main_component`]).
pub fn attach(roads: &RoadNetwork, zones: Vec<Zone>, connectors: usize) -> ZonedNetwork {
    let net = &roads.network;
    let z = zones.len() as NodeId;
    let usable = main_component(net);
    let mut links: Vec<Link> = net
        .links
        .iter()
        .map(|l| Link {
            from: l.from + z,
            to: l.to + z,
            ..l.clone()
        })
        .collect();
    for (i, zone) in zones.iter().enumerate() {
        let mut candidates: Vec<(f64, usize)> = roads
            .positions
            .iter()
            .enumerate()
            .filter(|(n, _)| usable[*n] && !roads.turn_nodes.contains(&(*n as NodeId)))
            .map(|(n, p)| ((p[0] - zone.centroid[0]).hypot(p[1] - zone.centroid[1]), n))
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        for &(distance, n) in candidates.iter().take(connectors.max(1)) {
            let connector = |from, to| Link {
                from,
                to,
                capacity: f64::INFINITY,
                length: distance,
                free_flow_time: distance / 1000.0 / CONNECTOR_SPEED * 60.0,
                b: 0.0,
                power: 0.0,
                toll: 0.0,
                fixed_cost: 0.0,
            };
            links.push(connector(i as NodeId, n as NodeId + z));
            links.push(connector(n as NodeId + z, i as NodeId));
        }
    }
    let names = (1..=zones.len() as u64)
        .chain(net.node_names.iter().copied())
        .collect();
    ZonedNetwork {
        network: Network::new(names, links, z, z),
        road_links: net.links.len(),
        zones,
    }
}

/// A demand read from a file, plus the trips of zones it does not know
/// (a variant's new buildings, `zones[existing..]`): each new zone sends
/// its productions to every zone in proportion to what that zone attracts
/// (the file's arrivals; a new zone's own attractions) × exp(−β·t), and
/// receives its attractions from the file's zones in proportion to what
/// they send × exp(−β·t). Zones it cannot reach get nothing.
pub fn add_new_zones(
    demand: Demand,
    zones: &[Zone],
    existing: usize,
    times: &[Vec<f64>],
    beta: f64,
) -> Demand {
    if zones.len() <= existing {
        return demand;
    }
    let n = zones.len();
    let (mut sends, mut receives) = (vec![0.0; n], vec![0.0; n]);
    let mut trips: std::collections::BTreeMap<(NodeId, NodeId), f64> = Default::default();
    for (o, destinations) in &demand.origins {
        for &(d, t) in destinations {
            sends[*o as usize] += t;
            receives[d as usize] += t;
            *trips.entry((*o, d)).or_default() += t;
        }
    }
    for (k, zone) in zones.iter().enumerate().skip(existing) {
        receives[k] = zone.attractions.max(0.0);
    }
    let weight = |size: f64, t: f64| {
        if t.is_finite() {
            size * (-beta * t).exp()
        } else {
            0.0
        }
    };
    for (k, zone) in zones.iter().enumerate().skip(existing) {
        let out: Vec<f64> = (0..n)
            .map(|j| {
                if j == k {
                    0.0
                } else {
                    weight(receives[j], times[k][j])
                }
            })
            .collect();
        let into: Vec<f64> = (0..existing)
            .map(|i| weight(sends[i], times[i][k]))
            .collect();
        for (share, total, pairs) in [
            (&out, zone.productions.max(0.0), true),
            (&into, zone.attractions.max(0.0), false),
        ] {
            let sum: f64 = share.iter().sum();
            if sum <= 0.0 || total <= 0.0 {
                continue;
            }
            for (j, w) in share.iter().enumerate() {
                if *w > 0.0 {
                    let key = if pairs {
                        (k as NodeId, j as NodeId)
                    } else {
                        (j as NodeId, k as NodeId)
                    };
                    *trips.entry(key).or_default() += total * w / sum;
                }
            }
        }
    }
    let mut origins: Vec<(NodeId, Vec<(NodeId, f64)>)> = Vec::new();
    for ((o, d), t) in trips {
        match origins.last_mut() {
            Some((last, list)) if *last == o => list.push((d, t)),
            _ => origins.push((o, vec![(d, t)])),
        }
    }
    Demand { origins }
}

/// Free-flow travel time between every pair of zones, minutes (∞ where no
/// route).
pub fn free_flow_times(network: &Network) -> Vec<Vec<f64>> {
    let costs: Vec<f64> = network.links.iter().map(|l| l.cost(0.0)).collect();
    let z = network.zone_count;
    let mut paths = ShortestPaths::new(network);
    (0..z)
        .map(|o| {
            paths.search(network, &costs, o, 0..z);
            (0..z).map(|d| paths.distance(d)).collect()
        })
        .collect()
}

/// Trips between zones by a doubly constrained gravity model with
/// deterrence exp(−β·c); `times[i][j]` in minutes. Pairs without a route
/// get no trips: zones that reach each other form groups, and each group's
/// attractions are scaled to its own productions, so the balancing can
/// meet both (a group without attractions sends nothing). The flag says
/// whether every zone sends and receives its share; where it cannot (a
/// zone alone in its group), the trips are fewer than the productions.
pub fn gravity(zones: &[Zone], times: &[Vec<f64>], beta: f64) -> (Demand, bool) {
    let n = zones.len();
    let p: Vec<f64> = zones.iter().map(|z| z.productions.max(0.0)).collect();
    let group = reach_groups(times);
    let groups = group.iter().copied().max().map_or(0, |g| g + 1);
    let (mut produced, mut attracting) = (vec![0.0; groups], vec![0.0; groups]);
    for (i, z) in zones.iter().enumerate() {
        produced[group[i]] += p[i];
        attracting[group[i]] += z.attractions.max(0.0);
    }
    let a: Vec<f64> = zones
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let g = group[i];
            if attracting[g] > 0.0 {
                z.attractions.max(0.0) * produced[g] / attracting[g]
            } else {
                0.0
            }
        })
        .collect();
    // The deterrence once, not in every balancing sweep.
    let deterrence: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    let c = times[i][j];
                    if i == j || !c.is_finite() {
                        0.0
                    } else {
                        (-beta * c).exp()
                    }
                })
                .collect()
        })
        .collect();
    let f = |i: usize, j: usize| deterrence[i][j];
    let mut row = vec![1.0; n];
    let mut col = vec![1.0; n];
    let mut balanced = false;
    for _ in 0..1000 {
        for (i, r) in row.iter_mut().enumerate() {
            let s: f64 = (0..n).map(|j| col[j] * a[j] * f(i, j)).sum();
            *r = if s > 0.0 && (1.0 / s).is_finite() {
                1.0 / s
            } else {
                0.0
            };
        }
        let mut worst: f64 = 0.0;
        for (j, c) in col.iter_mut().enumerate() {
            let s: f64 = (0..n).map(|i| row[i] * p[i] * f(i, j)).sum();
            let new = if s > 0.0 && (1.0 / s).is_finite() {
                1.0 / s
            } else {
                0.0
            };
            if *c > 0.0 {
                worst = worst.max((new / *c - 1.0).abs());
            }
            *c = new;
        }
        if worst < 1e-12 {
            balanced = true;
            break;
        }
    }
    let demand = Demand {
        origins: (0..n)
            .map(|i| {
                let trips = (0..n)
                    .filter_map(|j| {
                        let t = row[i] * p[i] * col[j] * a[j] * f(i, j);
                        (t > 0.0).then_some((j as NodeId, t))
                    })
                    .collect();
                (i as NodeId, trips)
            })
            .collect(),
    };
    // Every zone's productions sent (up to rounding) or not.
    let sent_all = demand.origins.iter().all(|(o, t)| {
        (t.iter().map(|(_, v)| v).sum::<f64>() - p[*o as usize]).abs()
            <= 1e-6 * (1.0 + p[*o as usize])
    });
    (demand, balanced && sent_all)
}

/// Groups of zones that reach each other both ways (finite times), by
/// union of mutually reachable pairs.
fn reach_groups(times: &[Vec<f64>]) -> Vec<usize> {
    let n = times.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, row) in times.iter().enumerate() {
        for j in i + 1..n {
            if row[j].is_finite() && times[j][i].is_finite() {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut ids = std::collections::HashMap::new();
    (0..n)
        .map(|i| {
            let r = root(&mut parent, i);
            let next = ids.len();
            *ids.entry(r).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str, x: f64, productions: f64, attractions: f64) -> Zone {
        Zone {
            name: name.into(),
            centroid: [x, 0.0],
            productions,
            attractions,
        }
    }

    #[test]
    fn every_zone_sends_its_productions_and_receives_its_attractions() {
        let zones = vec![
            zone("A", 0.0, 100.0, 10.0),
            zone("B", 1.0, 50.0, 30.0),
            zone("C", 2.0, 10.0, 40.0),
        ];
        let times = vec![
            vec![0.0, 5.0, 10.0],
            vec![5.0, 0.0, 5.0],
            vec![10.0, 5.0, 0.0],
        ];
        let (d, balanced) = gravity(&zones, &times, 0.1);
        assert!(balanced);
        let mut received = [0.0; 3];
        for (o, trips) in &d.origins {
            let sent: f64 = trips.iter().map(|(_, t)| t).sum();
            assert!((sent - zones[*o as usize].productions).abs() < 1e-9);
            for (dest, t) in trips {
                assert_ne!(o, dest, "no trips within a zone");
                received[*dest as usize] += t;
            }
        }
        // Attractions scaled to the 160 trips produced: 10:30:40 → 20, 60, 80.
        for (r, expected) in received.iter().zip([20.0, 60.0, 80.0]) {
            assert!((r - expected).abs() < 1e-6, "{received:?}");
        }
        // Deterrence: from B, A and C are equally far, so their trips stand
        // in the ratio of their balanced attractions; from A the nearer B
        // gets more per unit of attraction than the farther C.
        let t = |o: usize, dest: usize| d_of(&d, o, dest);
        assert!(t(0, 1) / 60.0 > t(0, 2) / 80.0);
        assert!(d.total() > 159.999 && d.total() < 160.001);
    }

    #[test]
    fn zones_that_cannot_reach_each_other_balance_in_their_own_groups() {
        let zones = vec![
            zone("A", 0.0, 100.0, 50.0),
            zone("B", 1.0, 50.0, 100.0),
            zone("Insel 1", 9.0, 10.0, 0.0),
            zone("Insel 2", 9.5, 0.0, 30.0),
        ];
        let inf = f64::INFINITY;
        let times = vec![
            vec![0.0, 5.0, inf, inf],
            vec![5.0, 0.0, inf, inf],
            vec![inf, inf, 0.0, 2.0],
            vec![inf, inf, 2.0, 0.0],
        ];
        let (d, balanced) = gravity(&zones, &times, 0.1);
        assert!(balanced);
        // A and B trade their 150 trips; the island's 10 go to its other zone.
        assert!((d_of(&d, 0, 1) - 100.0).abs() < 1e-9 && (d_of(&d, 1, 0) - 50.0).abs() < 1e-9);
        assert!((d_of(&d, 2, 3) - 10.0).abs() < 1e-9);
        assert!((d.total() - 160.0).abs() < 1e-9);
    }

    fn d_of(d: &Demand, o: usize, dest: usize) -> f64 {
        d.origins[o]
            .1
            .iter()
            .find(|(n, _)| *n as usize == dest)
            .map_or(0.0, |(_, t)| *t)
    }
}
