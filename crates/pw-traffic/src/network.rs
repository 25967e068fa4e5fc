/// r^p, by multiplication for the whole powers BPR functions use (4 almost
/// always): the assignment evaluates it millions of times.
#[inline]
fn power(r: f64, p: f64) -> f64 {
    if p.fract() == 0.0 && (0.0..=16.0).contains(&p) {
        r.powi(p as i32)
    } else {
        r.powf(p)
    }
}

/// A node's index in [`Network`] (0-based, dense).
pub type NodeId = u32;

/// A directed road link with its BPR cost function
/// c(v) = fixed + t0 · (1 + b · (v / capacity)^power), where `fixed` turns
/// length and toll into minutes (a generalised cost, as Chicago's benchmark
/// solution uses).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from: NodeId,
    pub to: NodeId,
    /// Vehicles per hour (or per the demand's period).
    pub capacity: f64,
    pub length: f64,
    /// Time at zero volume, in the unit of the network (minutes in TNTP).
    pub free_flow_time: f64,
    pub b: f64,
    pub power: f64,
    pub toll: f64,
    /// Cost that does not depend on volume (length and toll weighted).
    pub fixed_cost: f64,
}

impl Link {
    /// Travel time at `volume` (BPR).
    #[inline]
    pub fn cost(&self, volume: f64) -> f64 {
        if self.b == 0.0 || volume <= 0.0 {
            return self.fixed_cost + self.free_flow_time;
        }
        self.fixed_cost
            + self.free_flow_time * (1.0 + self.b * power(volume / self.capacity, self.power))
    }

    /// d cost / d volume at `volume`: the diagonal of the Hessian the
    /// conjugate directions are built with.
    #[inline]
    pub fn cost_slope(&self, volume: f64) -> f64 {
        if self.b == 0.0 || volume <= 0.0 {
            return 0.0;
        }
        self.free_flow_time * self.b * self.power * power(volume / self.capacity, self.power - 1.0)
            / self.capacity
    }

    /// Whether the cost rises with volume: only on such links is the
    /// equilibrium flow unique.
    pub fn is_congestible(&self) -> bool {
        self.b > 0.0 && self.free_flow_time > 0.0 && self.capacity.is_finite()
    }
}

/// A road network: nodes, directed links and which nodes are zones.
///
/// Zones are the first `zone_count` nodes. A route may start or end at a
/// zone but passes through one only from `first_through_node` on, so trips
/// do not take a short cut through a zone's centroid (TNTP's `<FIRST THRU
/// NODE>`, 0-based here).
#[derive(Debug, Clone)]
pub struct Network {
    /// The file's name of each node (TNTP node number, OSM id), for messages
    /// and output.
    pub node_names: Vec<u64>,
    pub links: Vec<Link>,
    pub zone_count: u32,
    pub first_through_node: NodeId,
    /// Links leaving node n: `outgoing[out_start[n]..out_start[n + 1]]`.
    out_start: Vec<u32>,
    outgoing: Vec<u32>,
}

impl Network {
    pub fn new(
        node_names: Vec<u64>,
        links: Vec<Link>,
        zone_count: u32,
        first_through_node: NodeId,
    ) -> Network {
        let n = node_names.len();
        let mut out_start = vec![0u32; n + 1];
        for link in &links {
            out_start[link.from as usize + 1] += 1;
        }
        for i in 0..n {
            out_start[i + 1] += out_start[i];
        }
        let mut next = out_start.clone();
        let mut outgoing = vec![0u32; links.len()];
        for (i, link) in links.iter().enumerate() {
            let slot = &mut next[link.from as usize];
            outgoing[*slot as usize] = i as u32;
            *slot += 1;
        }
        Network {
            node_names,
            links,
            zone_count,
            first_through_node,
            out_start,
            outgoing,
        }
    }

    /// Adds length and toll to every link's cost, in the unit of time:
    /// `per_length` minutes per unit of length, `per_toll` per unit of toll.
    pub fn weigh_length_and_toll(&mut self, per_length: f64, per_toll: f64) {
        for link in &mut self.links {
            link.fixed_cost = per_length * link.length + per_toll * link.toll;
        }
    }

    pub fn node_count(&self) -> usize {
        self.node_names.len()
    }

    /// Indices of the links leaving `node`.
    #[inline]
    pub fn outgoing(&self, node: NodeId) -> &[u32] {
        let n = node as usize;
        &self.outgoing[self.out_start[n] as usize..self.out_start[n + 1] as usize]
    }

    /// Whether a route may pass through `node` (rather than only start or
    /// end there).
    #[inline]
    pub fn is_through(&self, node: NodeId) -> bool {
        node >= self.first_through_node
    }
}

/// Trips per origin–destination pair for one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Demand {
    /// Per origin node, its destinations with trips (> 0 only).
    pub origins: Vec<(NodeId, Vec<(NodeId, f64)>)>,
}

impl Demand {
    pub fn total(&self) -> f64 {
        self.origins
            .iter()
            .flat_map(|(_, d)| d.iter().map(|(_, t)| t))
            .sum()
    }
}
