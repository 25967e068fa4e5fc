//! Static user equilibrium by the bi-conjugate Frank–Wolfe method
//! (Mitradjieva & Lindberg 2013, “The stiff is moving — conjugate direction
//! Frank–Wolfe methods with applications to traffic assignment”,
//! Transportation Science 47(2)). Each iteration loads all trips onto the
//! shortest paths at the current costs (all-or-nothing) and moves towards a
//! point built from that loading and the two previous search points, so
//! that successive directions are conjugate under the Hessian of the
//! Beckmann objective (diagonal: each link's d cost / d volume).

use crate::paths::ShortestPaths;
use crate::{Demand, Network, NodeId, TrafficError};
use pw_job::JobControl;
use rayon::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentSettings {
    /// Stop at this relative gap (TSTT − SPTT) / TSTT.
    pub relative_gap: f64,
    pub max_iterations: usize,
    /// Threads for the shortest-path searches; 0 = one per core.
    pub threads: usize,
    pub algorithm: Algorithm,
}

impl Default for AssignmentSettings {
    fn default() -> Self {
        AssignmentSettings {
            relative_gap: 1e-4,
            max_iterations: 10_000,
            threads: 0,
            algorithm: Algorithm::default(),
        }
    }
}

/// How the equilibrium is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// Link-based, parallel searches; fast to a loose gap (1e-4), slow
    /// below 1e-8.
    BiconjugateFrankWolfe,
    /// Path-based, shifts each OD pair's trips onto its cheapest route in
    /// turn; reaches tight gaps (1e-10) in few iterations.
    #[default]
    GradientProjection,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IterationLog {
    /// (TSTT − SPTT) / TSTT after the iteration.
    pub relative_gap: f64,
    /// Seconds since the assignment started.
    pub elapsed: f64,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    /// Volume per link, in the network's link order.
    pub flows: Vec<f64>,
    /// Travel time per link at those volumes.
    pub costs: Vec<f64>,
    pub relative_gap: f64,
    pub converged: bool,
    /// Σ volume × travel time.
    pub total_travel_time: f64,
    /// One entry per iteration, the first being the free-flow loading.
    pub log: Vec<IterationLog>,
    /// OD pairs without a route (origin, destination, trips): not assigned,
    /// reported so nobody mistakes missing trips for a quiet street.
    pub unroutable: Vec<(NodeId, NodeId, f64)>,
}

pub(crate) struct Solver<'a> {
    pub(crate) network: &'a Network,
    pub(crate) demand: &'a Demand,
    pub(crate) settings: &'a AssignmentSettings,
    parallel: bool,
}

/// One all-or-nothing loading: link volumes and Σ trips × shortest cost.
pub(crate) struct Loading {
    pub(crate) flows: Vec<f64>,
    pub(crate) shortest_cost: f64,
    pub(crate) unroutable: Vec<(NodeId, NodeId, f64)>,
}

impl<'a> Solver<'a> {
    pub(crate) fn new(
        network: &'a Network,
        demand: &'a Demand,
        settings: &'a AssignmentSettings,
    ) -> Self {
        Solver {
            network,
            demand,
            settings,
            parallel: rayon::current_num_threads() > 1,
        }
    }

    pub(crate) fn all_or_nothing(&self, costs: &[f64]) -> Loading {
        let links = self.network.links.len();
        let empty = || Loading {
            flows: vec![0.0; links],
            shortest_cost: 0.0,
            unroutable: Vec::new(),
        };
        let load_chunk = |chunk: &[(NodeId, Vec<(NodeId, f64)>)]| {
            let mut paths = ShortestPaths::new(self.network);
            let mut part = empty();
            for (origin, trips) in chunk {
                let load = paths.load(
                    self.network,
                    costs,
                    *origin,
                    trips,
                    &mut part.flows,
                    |d, t| part.unroutable.push((*origin, d, t)),
                );
                part.shortest_cost += load;
            }
            part
        };
        if !self.parallel {
            return load_chunk(&self.demand.origins);
        }
        // A few chunks per thread balance origins of unequal work.
        let chunk = self
            .demand
            .origins
            .len()
            .div_ceil(rayon::current_num_threads() * 4)
            .max(1);
        self.demand
            .origins
            .par_chunks(chunk)
            .map(load_chunk)
            .reduce(empty, |mut a, b| {
                for (x, y) in a.flows.iter_mut().zip(&b.flows) {
                    *x += y;
                }
                a.shortest_cost += b.shortest_cost;
                a.unroutable.extend(b.unroutable);
                a
            })
    }

    pub(crate) fn run(&self, job: &JobControl) -> Result<Assignment, TrafficError> {
        let links = &self.network.links;
        let free_flow: Vec<f64> = links.iter().map(|l| l.cost(0.0)).collect();
        let first = self.all_or_nothing(&free_flow);
        let unroutable = first.unroutable;
        let mut x = first.flows;
        let started = std::time::Instant::now();
        let mut log = Vec::new();
        let mut costs = vec![0.0; links.len()];
        let mut slopes = vec![0.0; links.len()];
        // The previous two search points s̄(k−1), s̄(k−2) and the step taken
        // towards s̄(k−1); `None` after a restart.
        let mut previous: Option<Vec<f64>> = None;
        let mut before_previous: Option<Vec<f64>> = None;
        let mut last_step = 1.0;
        let mut first_gap = None;
        loop {
            job.check()?;
            for (i, link) in links.iter().enumerate() {
                costs[i] = link.cost(x[i]);
                slopes[i] = link.cost_slope(x[i]);
            }
            let total: f64 = x.iter().zip(&costs).map(|(v, c)| v * c).sum();
            let aon = self.all_or_nothing(&costs);
            let gap = if total > 0.0 {
                ((total - aon.shortest_cost) / total).max(0.0)
            } else {
                0.0
            };
            log.push(IterationLog {
                relative_gap: gap,
                elapsed: started.elapsed().as_secs_f64(),
            });
            self.report_progress(job, &mut first_gap, gap);
            if gap <= self.settings.relative_gap || log.len() >= self.settings.max_iterations {
                return Ok(Assignment {
                    converged: gap <= self.settings.relative_gap,
                    flows: x,
                    costs,
                    relative_gap: gap,
                    total_travel_time: total,
                    log,
                    unroutable,
                });
            }
            let y = aon.flows;
            // A full step leaves no direction to be conjugate to (the
            // formulas divide by 1 − τ): start over from Frank–Wolfe.
            if last_step > 1.0 - 1e-12 {
                previous = None;
                before_previous = None;
            }
            let target = match (&previous, &before_previous) {
                (Some(s1), Some(s2)) => self.biconjugate_point(&x, &y, s1, s2, &slopes, last_step),
                (Some(s1), None) => self.conjugate_point(&x, &y, s1, &slopes),
                _ => y,
            };
            let step = self.line_search(&x, &target);
            for (xi, ti) in x.iter_mut().zip(&target) {
                *xi += step * (ti - *xi);
            }
            if step == 0.0 {
                // No descent along a conjugate direction: restart.
                previous = None;
                before_previous = None;
            } else {
                before_previous = previous.take();
                previous = Some(target);
            }
            last_step = step;
        }
    }

    /// Progress as the share of the way from the first gap to the target,
    /// on a log scale (each tenfold reduction takes about as long).
    pub(crate) fn report_progress(&self, job: &JobControl, first_gap: &mut Option<f64>, gap: f64) {
        let gap0 = *first_gap.get_or_insert(gap);
        if gap0 > self.settings.relative_gap && gap > 0.0 {
            let done = (gap0 / gap).ln() / (gap0 / self.settings.relative_gap).ln();
            job.set_progress(done as f32);
        }
    }

    /// s̄ = α s̄(k−1) + (1 − α) y with (s̄ − x) conjugate to (s̄(k−1) − x).
    fn conjugate_point(&self, x: &[f64], y: &[f64], s1: &[f64], h: &[f64]) -> Vec<f64> {
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..x.len() {
            let d1 = s1[i] - x[i];
            num += d1 * h[i] * (y[i] - x[i]);
            den += d1 * h[i] * (y[i] - s1[i]);
        }
        let alpha = if den != 0.0 {
            (num / den).clamp(0.0, 1.0 - 1e-6)
        } else {
            0.0
        };
        s1.iter()
            .zip(y)
            .map(|(s, y)| alpha * s + (1.0 - alpha) * y)
            .collect()
    }

    /// s̄ = β0 y + β1 s̄(k−1) + β2 s̄(k−2), conjugate to the last two
    /// directions (the paper's μ and ν, kept ≥ 0 so s̄ stays a convex
    /// combination of loadings, i.e. feasible).
    fn biconjugate_point(
        &self,
        x: &[f64],
        y: &[f64],
        s1: &[f64],
        s2: &[f64],
        h: &[f64],
        tau: f64,
    ) -> Vec<f64> {
        let (mut mu_num, mut mu_den, mut nu_num, mut nu_den) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..x.len() {
            let d1 = s1[i] - x[i];
            let d2 = tau * s1[i] - x[i] + (1.0 - tau) * s2[i];
            let hy = h[i] * (y[i] - x[i]);
            mu_num += d2 * hy;
            mu_den += d2 * h[i] * (s2[i] - s1[i]);
            nu_num += d1 * hy;
            nu_den += d1 * h[i] * d1;
        }
        let mu = if mu_den != 0.0 {
            (-mu_num / mu_den).max(0.0)
        } else {
            0.0
        };
        let nu = if nu_den != 0.0 {
            (-nu_num / nu_den + mu * tau / (1.0 - tau)).max(0.0)
        } else {
            0.0
        };
        let b0 = 1.0 / (1.0 + mu + nu);
        let (b1, b2) = (nu * b0, mu * b0);
        (0..x.len())
            .map(|i| b0 * y[i] + b1 * s1[i] + b2 * s2[i])
            .collect()
    }

    /// The step τ ∈ [0, 1] towards `target` that minimises the Beckmann
    /// objective: the root of Σ t(x + τ d)·d, by Newton steps kept inside a
    /// shrinking bracket.
    fn line_search(&self, x: &[f64], target: &[f64]) -> f64 {
        let links = &self.network.links;
        let slope_and_curvature = |tau: f64| {
            let (mut f1, mut f2) = (0.0, 0.0);
            for (i, link) in links.iter().enumerate() {
                let d = target[i] - x[i];
                if d == 0.0 {
                    continue;
                }
                let v = x[i] + tau * d;
                f1 += link.cost(v) * d;
                f2 += link.cost_slope(v) * d * d;
            }
            (f1, f2)
        };
        let (at0, _) = slope_and_curvature(0.0);
        if at0 >= 0.0 {
            return 0.0;
        }
        let (at1, _) = slope_and_curvature(1.0);
        if at1 <= 0.0 {
            return 1.0;
        }
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        let mut tau = 0.5;
        for _ in 0..100 {
            let (f1, f2) = slope_and_curvature(tau);
            if f1 < 0.0 {
                lo = tau;
            } else {
                hi = tau;
            }
            if f1 == 0.0 || hi - lo < 1e-15 {
                break;
            }
            let newton = if f2 > 0.0 { tau - f1 / f2 } else { f64::NAN };
            let next = if newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            };
            if (next - tau).abs() < 1e-14 {
                tau = next;
                break;
            }
            tau = next;
        }
        tau
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Link;

    fn road(from: NodeId, to: NodeId, free_flow_time: f64, capacity: f64) -> Link {
        Link {
            from,
            to,
            capacity,
            length: 1.0,
            free_flow_time,
            b: 0.15,
            power: 4.0,
            toll: 0.0,
            fixed_cost: 0.0,
        }
    }

    /// Two parallel roads between zone 0 and zone 1 via nodes 2 and 3; node
    /// 4 is cut off.
    fn two_roads() -> Network {
        let links = vec![
            road(0, 2, 10.0, 1000.0),
            road(2, 1, 0.0, 1e9),
            road(0, 3, 12.0, 2000.0),
            road(3, 1, 0.0, 1e9),
        ];
        Network::new((1..=5).collect(), links, 2, 2)
    }

    #[test]
    fn two_parallel_roads_share_the_trips_at_equal_times() {
        let demand = Demand {
            origins: vec![(0, vec![(1, 3000.0)])],
        };
        for algorithm in [
            Algorithm::GradientProjection,
            Algorithm::BiconjugateFrankWolfe,
        ] {
            let settings = AssignmentSettings {
                relative_gap: 1e-10,
                algorithm,
                ..Default::default()
            };
            let r = crate::assign(&two_roads(), &demand, &settings, &JobControl::new()).unwrap();
            let (a, b) = (r.flows[0], r.flows[2]);
            assert!((a + b - 3000.0).abs() < 1e-6, "{algorithm:?}");
            // Wardrop: both used roads take the same time.
            assert!(
                (r.costs[0] - r.costs[2]).abs() < 1e-6,
                "{algorithm:?}: {:?}",
                r.costs
            );
            // 10·(1 + 0.15·(a/1000)^4) = 12·(1 + 0.15·(b/2000)^4), solved
            // independently by bisection.
            let (mut lo, mut hi) = (0.0f64, 3000.0f64);
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                let t_a = 10.0 * (1.0 + 0.15 * (mid / 1000.0).powi(4));
                let t_b = 12.0 * (1.0 + 0.15 * ((3000.0 - mid) / 2000.0).powi(4));
                if t_a < t_b { lo = mid } else { hi = mid }
            }
            assert!((a - lo).abs() < 1e-3, "{algorithm:?}: {a} vs {lo}");
        }
    }

    #[test]
    fn trips_without_a_route_are_reported_not_dropped_silently() {
        let demand = Demand {
            origins: vec![(0, vec![(1, 100.0), (4, 25.0)])],
        };
        let r = crate::assign(
            &two_roads(),
            &demand,
            &AssignmentSettings::default(),
            &JobControl::new(),
        )
        .unwrap();
        assert_eq!(r.unroutable, vec![(0, 4, 25.0)]);
        assert!((r.flows[0] + r.flows[2] - 100.0).abs() < 1e-9);
    }

    #[test]
    fn cancel_stops_the_assignment() {
        let demand = Demand {
            origins: vec![(0, vec![(1, 3000.0)])],
        };
        let job = JobControl::new();
        job.cancel();
        let r = crate::assign(&two_roads(), &demand, &AssignmentSettings::default(), &job);
        assert!(matches!(r, Err(TrafficError::Cancelled(_))));
    }
}
