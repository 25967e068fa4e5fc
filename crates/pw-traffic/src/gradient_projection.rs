//! Path-based equilibrium by gradient projection (Jayakrishnan, Tsai,
//! Prashker & Rajadhyaksha 1994, “A faster path-based algorithm for traffic
//! assignment”, TRR 1443): every OD pair keeps the routes it uses; in turn,
//! each pair adds its current cheapest route and moves trips from dearer
//! routes onto it by a Newton step, Δ = (c_route − c_min) / Σ dc/dv over the
//! links the two routes do not share. Link volumes and costs follow each
//! shift at once, so the next pair sees them (Gauss–Seidel), which is what
//! reaches tight gaps in few sweeps where Frank–Wolfe methods crawl.

use crate::assign::{Assignment, IterationLog, Solver};
use crate::paths::ShortestPaths;
use crate::{Link, NodeId, TrafficError};
use pw_job::JobControl;

struct Route {
    links: Vec<u32>,
    trips: f64,
}

struct Pair {
    destination: NodeId,
    routes: Vec<Route>,
}

/// Link volumes with their costs and cost slopes kept current.
struct LinkState<'a> {
    links: &'a [Link],
    volume: Vec<f64>,
    cost: Vec<f64>,
    slope: Vec<f64>,
}

impl LinkState<'_> {
    fn add(&mut self, route: &[u32], trips: f64) {
        for &a in route {
            let a = a as usize;
            let v = (self.volume[a] + trips).max(0.0);
            self.volume[a] = v;
            self.cost[a] = self.links[a].cost(v);
            self.slope[a] = self.links[a].cost_slope(v);
        }
    }

    fn route_cost(&self, route: &[u32]) -> f64 {
        route.iter().map(|&a| self.cost[a as usize]).sum()
    }
}

pub(crate) fn run(solver: &Solver, job: &JobControl) -> Result<Assignment, TrafficError> {
    let network = solver.network;
    let started = std::time::Instant::now();
    let mut state = LinkState {
        links: &network.links,
        volume: vec![0.0; network.links.len()],
        cost: network.links.iter().map(|l| l.cost(0.0)).collect(),
        slope: vec![0.0; network.links.len()],
    };
    let mut paths = ShortestPaths::new(network);
    let mut route = Vec::new();
    let mut unroutable = Vec::new();

    // All-or-nothing at free flow: one route per pair.
    let free_flow = state.cost.clone();
    let mut pairs: Vec<Vec<Pair>> = Vec::with_capacity(solver.demand.origins.len());
    for (origin, trips) in &solver.demand.origins {
        paths.search(network, &free_flow, *origin, trips.iter().map(|(d, _)| *d));
        let mut of_origin = Vec::with_capacity(trips.len());
        for &(destination, t) in trips {
            if !paths.distance(destination).is_finite() {
                unroutable.push((*origin, destination, t));
                continue;
            }
            paths.path_into(network, destination, &mut route);
            state.add(&route, t);
            of_origin.push(Pair {
                destination,
                routes: vec![Route {
                    links: route.clone(),
                    trips: t,
                }],
            });
        }
        pairs.push(of_origin);
    }

    // `shared[a] == mark` while link a lies on the route being shifted to.
    let mut shared = vec![0u32; network.links.len()];
    let mut mark = 0u32;
    let mut log = Vec::new();
    let mut first_gap = None;
    loop {
        job.check()?;
        let total: f64 = state
            .volume
            .iter()
            .zip(&state.cost)
            .map(|(v, c)| v * c)
            .sum();
        let shortest = solver.all_or_nothing(&state.cost).shortest_cost;
        let gap = if total > 0.0 {
            ((total - shortest) / total).max(0.0)
        } else {
            0.0
        };
        log.push(IterationLog {
            relative_gap: gap,
            elapsed: started.elapsed().as_secs_f64(),
        });
        solver.report_progress(job, &mut first_gap, gap);
        if gap <= solver.settings.relative_gap || log.len() >= solver.settings.max_iterations {
            return Ok(Assignment {
                converged: gap <= solver.settings.relative_gap,
                costs: state.cost,
                flows: state.volume,
                relative_gap: gap,
                total_travel_time: total,
                log,
                unroutable,
            });
        }
        for ((origin, _), of_origin) in solver.demand.origins.iter().zip(&mut pairs) {
            paths.search(
                network,
                &state.cost,
                *origin,
                of_origin.iter().map(|p| p.destination),
            );
            for pair in of_origin.iter_mut() {
                paths.path_into(network, pair.destination, &mut route);
                let best = match pair.routes.iter().position(|r| r.links == route) {
                    Some(i) => i,
                    None => {
                        pair.routes.push(Route {
                            links: route.clone(),
                            trips: 0.0,
                        });
                        pair.routes.len() - 1
                    }
                };
                mark = mark.wrapping_add(1);
                if mark == 0 {
                    shared.fill(0);
                    mark = 1;
                }
                for &a in &pair.routes[best].links {
                    shared[a as usize] = mark;
                }
                let best_links = std::mem::take(&mut pair.routes[best].links);
                let mut moved = 0.0;
                for (i, r) in pair.routes.iter_mut().enumerate() {
                    if i == best || r.trips <= 0.0 {
                        continue;
                    }
                    let excess = state.route_cost(&r.links) - state.route_cost(&best_links);
                    if excess <= 0.0 {
                        continue;
                    }
                    let (mut own, mut common) = (0.0, 0.0);
                    for &a in &r.links {
                        let s = state.slope[a as usize];
                        own += s;
                        if shared[a as usize] == mark {
                            common += s;
                        }
                    }
                    let best_slope: f64 = best_links.iter().map(|&a| state.slope[a as usize]).sum();
                    let curvature = own + best_slope - 2.0 * common;
                    let shift = if curvature > 0.0 {
                        (excess / curvature).min(r.trips)
                    } else {
                        r.trips
                    };
                    r.trips -= shift;
                    moved += shift;
                    state.add(&r.links, -shift);
                    state.add(&best_links, shift);
                }
                pair.routes[best].trips += moved;
                pair.routes[best].links = best_links;
                pair.routes.retain(|r| r.trips > 0.0 || r.links == route);
            }
        }
    }
}
