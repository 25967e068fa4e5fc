//! Shortest-path trees and all-or-nothing loading: the inner loop of every
//! assignment iteration, so it allocates nothing per origin.

use crate::{Network, NodeId};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NO_LINK: u32 = u32::MAX;

/// Reusable Dijkstra state for one thread.
pub struct ShortestPaths {
    distance: Vec<f64>,
    via_link: Vec<u32>,
    /// Nodes in the order they were settled (nearest first).
    settled: Vec<NodeId>,
    /// Trips arriving at a node, pushed back along the tree when loading.
    arriving: Vec<f64>,
    /// `destination_round[n] == round` marks n as wanted in this round, so
    /// the search can stop once every destination is settled.
    destination_round: Vec<u32>,
    round: u32,
    heap: BinaryHeap<Reverse<(u64, NodeId)>>,
}

impl ShortestPaths {
    pub fn new(network: &Network) -> ShortestPaths {
        let n = network.node_count();
        ShortestPaths {
            distance: vec![f64::INFINITY; n],
            via_link: vec![NO_LINK; n],
            settled: Vec::with_capacity(n),
            arriving: vec![0.0; n],
            destination_round: vec![0; n],
            round: 0,
            heap: BinaryHeap::with_capacity(n),
        }
    }

    /// Shortest-path cost from the last searched origin to `node`
    /// (∞ when unreachable or not needed by the search).
    pub fn distance(&self, node: NodeId) -> f64 {
        self.distance[node as usize]
    }

    /// Searches from `origin` under `link_cost` (all ≥ 0) until every node in
    /// `destinations` is settled. Zones other than the origin end a route:
    /// nothing is relaxed from them.
    pub fn search(
        &mut self,
        network: &Network,
        link_cost: &[f64],
        origin: NodeId,
        destinations: impl Iterator<Item = NodeId>,
    ) {
        for &n in &self.settled {
            self.distance[n as usize] = f64::INFINITY;
            self.via_link[n as usize] = NO_LINK;
        }
        // Nodes reached but never settled keep a finite distance too.
        while let Some(Reverse((_, n))) = self.heap.pop() {
            self.distance[n as usize] = f64::INFINITY;
            self.via_link[n as usize] = NO_LINK;
        }
        self.settled.clear();
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.destination_round.fill(0);
            self.round = 1;
        }
        let mut wanted = 0usize;
        for d in destinations {
            if self.destination_round[d as usize] != self.round {
                self.destination_round[d as usize] = self.round;
                wanted += 1;
            }
        }
        self.distance[origin as usize] = 0.0;
        // Non-negative f64 order like their bit patterns: a cheap total order.
        self.heap.push(Reverse((0f64.to_bits(), origin)));
        while let Some(Reverse((key, node))) = self.heap.pop() {
            let d = f64::from_bits(key);
            if d > self.distance[node as usize] {
                continue; // a stale entry
            }
            self.settled.push(node);
            if self.destination_round[node as usize] == self.round {
                wanted -= 1;
                if wanted == 0 {
                    break;
                }
            }
            if node != origin && !network.is_through(node) {
                continue;
            }
            for &link in network.outgoing(node) {
                let to = network.links[link as usize].to as usize;
                let candidate = d + link_cost[link as usize];
                if candidate < self.distance[to] {
                    self.distance[to] = candidate;
                    self.via_link[to] = link;
                    self.heap.push(Reverse((candidate.to_bits(), to as NodeId)));
                }
            }
        }
    }

    /// The links of the shortest path from the last searched origin to
    /// `destination`, last link first; empty when it is the origin or has no
    /// route.
    pub fn path_into(&self, network: &Network, destination: NodeId, links: &mut Vec<u32>) {
        links.clear();
        let mut node = destination as usize;
        while self.via_link[node] != NO_LINK {
            let link = self.via_link[node];
            links.push(link);
            node = network.links[link as usize].from as usize;
        }
    }

    /// Searches from `origin` and adds its trips to `flows` along the
    /// shortest paths; returns Σ trips × shortest-path cost. Destinations
    /// without a route are passed to `unroutable` and load nothing.
    pub fn load(
        &mut self,
        network: &Network,
        link_cost: &[f64],
        origin: NodeId,
        trips: &[(NodeId, f64)],
        flows: &mut [f64],
        mut unroutable: impl FnMut(NodeId, f64),
    ) -> f64 {
        self.search(network, link_cost, origin, trips.iter().map(|(d, _)| *d));
        let mut shortest_cost = 0.0;
        for &(d, t) in trips {
            let c = self.distance[d as usize];
            if c.is_finite() {
                shortest_cost += t * c;
                self.arriving[d as usize] += t;
            } else {
                unroutable(d, t);
            }
        }
        // Farthest first: a node's trips have all arrived before it passes
        // them on to its predecessor.
        for &node in self.settled.iter().rev() {
            let t = std::mem::take(&mut self.arriving[node as usize]);
            if t == 0.0 {
                continue;
            }
            let link = self.via_link[node as usize];
            if link != NO_LINK {
                flows[link as usize] += t;
                self.arriving[network.links[link as usize].from as usize] += t;
            }
        }
        shortest_cost
    }
}
