//! Lateral paths: around the vertical edges of the obstacles that block
//! the straight path, on the left and on the right (the "rubber band" of
//! CNOSSOS-EU §2.5.8). Obstacles count where they stand above the plane
//! through source and receiver that is level across the path; parts
//! below it are crossed, not bypassed.

use crate::cnossos::attenuation::curved_ray_offset;
use crate::cnossos::profile::{CutKind, CutPoint, PathKind, Section};
use crate::scene::{Edge, NoiseScene, bounds, intersect, lerp2, plan_distance};
use rstar::AABB;

/// How far corner points stand off the obstacle (m), so the legs touching
/// them do not count the corner as crossed.
const CORNER_OFFSET_M: f64 = 0.015;
/// A path around more than this many times the direct distance is left out.
const LONGEST_DETOUR: f64 = 4.0;

/// A lateral path and what curved rays make of it.
#[derive(Clone, Debug, PartialEq)]
pub struct LateralPath {
    pub section: Section,
    pub favourable: Favourable,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Favourable {
    /// Curved rays meet the same obstacles: the same path.
    Same,
    /// Curved rays go around other (lowered) parts.
    Other(Section),
    /// Curved rays pass over: no favourable lateral path.
    None,
}

/// The obstacles' parts above a ray: each ring (or wall line) and whether
/// it is closed.
type Parts = Vec<(Vec<[f64; 2]>, bool)>;

/// One side's path around the obstacles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

struct Ray {
    s: [f64; 3],
    r: [f64; 3],
    dir: [f64; 2],
    length: f64,
    favourable: bool,
}

impl Ray {
    fn new(s: [f64; 3], r: [f64; 3], favourable: bool) -> Ray {
        let length = plan_distance([s[0], s[1]], [r[0], r[1]]);
        let dir = [(r[0] - s[0]) / length, (r[1] - s[1]) / length];
        Ray {
            s,
            r,
            dir,
            length,
            favourable,
        }
    }

    /// Height of the level-across plane through S and R at plan point p.
    fn plane_z(&self, p: [f64; 2]) -> f64 {
        let along = (p[0] - self.s[0]) * self.dir[0] + (p[1] - self.s[1]) * self.dir[1];
        self.s[2] + (self.r[2] - self.s[2]) * along / self.length
    }

    /// How much an obstacle top at p stands above the ray (curved rays
    /// lower it by their bulge).
    fn excess(&self, p: [f64; 2], top: f64) -> f64 {
        let lowered = if self.favourable {
            top + curved_ray_offset(self.s, self.r, p)
        } else {
            top
        };
        lowered - self.plane_z(p)
    }
}

/// Which obstacle: a building or one segment of a wall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Obstacle {
    Building(usize),
    WallSegment(usize, usize),
}

impl NoiseScene {
    /// Obstacles the plan segment a→b crosses where they stand above the ray.
    fn blocking(&self, ray: &Ray, a: [f64; 2], b: [f64; 2], found: &mut Vec<Obstacle>) -> bool {
        let mut any = false;
        for e in self
            .obstacles
            .locate_in_envelope_intersecting(&AABB::from_corners(a, b))
        {
            let (c, d) = (e.geom().from, e.geom().to);
            let Some((t, u)) = intersect(a, b, c, d) else {
                continue;
            };
            let p = lerp2(a, b, t);
            let (obstacle, top) = match e.data {
                Edge::Building { building } => {
                    (Obstacle::Building(building), self.buildings[building].roof)
                }
                Edge::Wall { wall, segment } => {
                    let line = &self.walls[wall].line;
                    (
                        Obstacle::WallSegment(wall, segment),
                        line[segment][2] + u * (line[segment + 1][2] - line[segment][2]),
                    )
                }
            };
            if ray.excess(p, top) > 0.0 {
                any = true;
                if !found.contains(&obstacle) {
                    found.push(obstacle);
                }
            }
        }
        any
    }

    /// The corners of an obstacle's part above the ray (clipped where the
    /// top meets the ray).
    fn corners_above(&self, ray: &Ray, obstacle: Obstacle) -> Vec<[f64; 2]> {
        let (ring, tops, closed): (Vec<[f64; 2]>, Vec<f64>, bool) = match obstacle {
            Obstacle::Building(b) => {
                let bld = &self.buildings[b];
                (
                    bld.footprint.clone(),
                    vec![bld.roof; bld.footprint.len()],
                    true,
                )
            }
            Obstacle::WallSegment(w, k) => {
                let line = &self.walls[w].line;
                (
                    vec![[line[k][0], line[k][1]], [line[k + 1][0], line[k + 1][1]]],
                    vec![line[k][2], line[k + 1][2]],
                    false,
                )
            }
        };
        let n = ring.len();
        let excess: Vec<f64> = (0..n).map(|i| ray.excess(ring[i], tops[i])).collect();
        let mut out = Vec::new();
        let edges = if closed { n } else { n - 1 };
        for i in 0..n {
            if excess[i] > 0.0 {
                out.push(ring[i]);
            }
            if i < edges {
                let j = (i + 1) % n;
                if (excess[i] > 0.0) != (excess[j] > 0.0) {
                    let t = excess[i] / (excess[i] - excess[j]);
                    out.push(lerp2(ring[i], ring[j], t));
                }
            }
        }
        out
    }

    /// The shortest way from S to R on one side of the ray around the
    /// obstacles' parts above it (corners stood off by a few millimetres):
    /// Dijkstra over the corners that see each other.
    fn side_chain(
        ray: &Ray,
        obstacles: &[(Vec<[f64; 2]>, bool)],
        side: Side,
    ) -> Option<Vec<[f64; 2]>> {
        let s = [ray.s[0], ray.s[1]];
        let r = [ray.r[0], ray.r[1]];
        let sign = if side == Side::Left { 1.0 } else { -1.0 };
        let across =
            |p: [f64; 2]| sign * (-(p[0] - s[0]) * ray.dir[1] + (p[1] - s[1]) * ray.dir[0]);
        let mut nodes = vec![s, r];
        for (ring, closed) in obstacles {
            for corner in stood_off(ring, *closed) {
                if across(corner) > 1e-9 {
                    nodes.push(corner);
                }
            }
        }
        let boxes: Vec<([f64; 2], [f64; 2])> =
            obstacles.iter().map(|(ring, _)| bounds(ring)).collect();
        // Whether each node lies inside an obstacle's part: a leg that
        // crosses no edge lies wholly inside or wholly outside each part,
        // so it is free exactly when its start is outside them all (asked
        // once per node, not once per pair).
        let inside: Vec<bool> = nodes
            .iter()
            .map(|&p| {
                obstacles
                    .iter()
                    .zip(&boxes)
                    .any(|((ring, closed), (lo, hi))| {
                        *closed
                            && (lo[0]..=hi[0]).contains(&p[0])
                            && (lo[1]..=hi[1]).contains(&p[1])
                            && crate::scene::ring_contains(ring, p)
                    })
            })
            .collect();
        let visible = |i: usize, j: usize| {
            if inside[i] || inside[j] {
                return false;
            }
            let (a, b) = (nodes[i], nodes[j]);
            for ((ring, closed), (lo, hi)) in obstacles.iter().zip(&boxes) {
                if a[0].max(b[0]) < lo[0]
                    || a[0].min(b[0]) > hi[0]
                    || a[1].max(b[1]) < lo[1]
                    || a[1].min(b[1]) > hi[1]
                {
                    continue;
                }
                let n = ring.len();
                let edges = if *closed { n } else { n.saturating_sub(1) };
                for k in 0..edges {
                    if intersect(a, b, ring[k], ring[(k + 1) % n]).is_some() {
                        return false;
                    }
                }
            }
            true
        };
        // Around convex obstacles, seen from outside, the taut band is the
        // hull's side: take it when every leg of it is free.
        let to_local = |p: [f64; 2]| {
            let q = [p[0] - s[0], p[1] - s[1]];
            [q[0] * ray.dir[0] + q[1] * ray.dir[1], across(p)]
        };
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by(|&a, &b| {
            let (la, lb) = (to_local(nodes[a]), to_local(nodes[b]));
            la[0].total_cmp(&lb[0]).then(la[1].total_cmp(&lb[1]))
        });
        let mut hull: Vec<usize> = Vec::new();
        for &k in &order {
            let p = to_local(nodes[k]);
            while hull.len() >= 2 {
                let (a, b) = (
                    to_local(nodes[hull[hull.len() - 2]]),
                    to_local(nodes[hull[hull.len() - 1]]),
                );
                if (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-12 {
                    hull.pop();
                } else {
                    break;
                }
            }
            hull.push(k);
        }
        if let (Some(start), Some(end)) = (
            hull.iter().position(|&k| k == 0),
            hull.iter().position(|&k| k == 1),
        ) && start < end
            && end - start >= 2
            && hull[start..=end].windows(2).all(|w| visible(w[0], w[1]))
        {
            return Some(hull[start..=end].iter().map(|&k| nodes[k]).collect());
        }
        // Otherwise (a source or receiver in a recess): Dijkstra on the
        // complete visibility graph (few nodes).
        let n = nodes.len();
        let mut best = vec![f64::INFINITY; n];
        let mut from = vec![usize::MAX; n];
        let mut done = vec![false; n];
        best[0] = 0.0;
        while let Some(u) = (0..n)
            .filter(|&i| !done[i] && best[i].is_finite())
            .min_by(|&a, &b| best[a].total_cmp(&best[b]))
        {
            if u == 1 {
                break;
            }
            done[u] = true;
            for v in 0..n {
                if done[v] || v == u || (u == 0 && v == 1) {
                    continue;
                }
                let d = best[u] + plan_distance(nodes[u], nodes[v]);
                if d < best[v] && visible(u, v) {
                    best[v] = d;
                    from[v] = u;
                }
            }
        }
        if !best[1].is_finite() {
            return None;
        }
        let mut chain = vec![r];
        let mut at = 1;
        while from[at] != usize::MAX {
            at = from[at];
            chain.push(nodes[at]);
        }
        chain.reverse();
        Some(chain)
    }

    /// The parts of the obstacles that block the straight line from S to
    /// R for this ray, above it. Only what blocks the straight line is
    /// bypassed; obstacles the detour meets further on are crossed
    /// (ISO/TR 17534-4 TC15, TC19).
    fn blocking_parts(&self, ray: &Ray) -> Vec<(Vec<[f64; 2]>, bool)> {
        let (sp, rp) = ([ray.s[0], ray.s[1]], [ray.r[0], ray.r[1]]);
        let mut obstacles = Vec::new();
        if !self.blocking(ray, sp, rp, &mut obstacles) {
            return Vec::new();
        }
        obstacles.sort_unstable();
        obstacles
            .iter()
            .map(|&o| {
                (
                    self.corners_above(ray, o),
                    matches!(o, Obstacle::Building(_)),
                )
            })
            .filter(|(ring, _)| !ring.is_empty())
            .collect()
    }

    /// The lateral paths on the right and on the left for straight rays,
    /// each with its variant for curved (favourable) rays: the same path
    /// when the same obstacle parts block them, none when curved rays pass
    /// over. What blocks each ray is found once for both sides.
    ///
    /// `worth(δ)` is asked first with a lower bound of the path's
    /// difference δ (m): the detour via the farthest corner on that side,
    /// which the path around all of them cannot undercut; then with the δ
    /// of the path found, before its section is cut (the costly part). When
    /// it says no, the path is not built.
    pub fn laterals(
        &self,
        s: [f64; 3],
        r: [f64; 3],
        worth: impl Fn(f64) -> bool,
    ) -> [Option<LateralPath>; 2] {
        let straight = Ray::new(s, r, false);
        if straight.length <= 0.0 {
            return [None, None];
        }
        let parts = self.blocking_parts(&straight);
        if parts.is_empty() {
            return [None, None];
        }
        let mut curved: Option<(Ray, Parts)> = None;
        [Side::Right, Side::Left].map(|side| {
            if !self.may_be_worth(&straight, &parts, side, &worth) {
                return None;
            }
            let (ray, curved_parts) = curved.get_or_insert_with(|| {
                let ray = Ray::new(s, r, true);
                let blocking = self.blocking_parts(&ray);
                (ray, blocking)
            });
            // The found path's own δ may leave it out only where curved
            // rays take the same path or none: a path of their own around
            // fewer parts could be shorter and still count.
            let section = if curved_parts.is_empty() || *curved_parts == parts {
                self.around(&straight, &parts, side, &worth)
            } else {
                self.around(&straight, &parts, side, &|_| true)
            }?;
            let favourable = if curved_parts.is_empty() {
                Favourable::None
            } else if *curved_parts == parts {
                Favourable::Same
            } else {
                self.around(ray, curved_parts, side, &|_| true)
                    .map_or(Favourable::None, Favourable::Other)
            };
            Some(LateralPath {
                section,
                favourable,
            })
        })
    }

    /// Whether the path around `parts` on one side may be worth building:
    /// its δ is at least that of the detour via the farthest corner.
    fn may_be_worth(
        &self,
        straight: &Ray,
        parts: &[(Vec<[f64; 2]>, bool)],
        side: Side,
        worth: &impl Fn(f64) -> bool,
    ) -> bool {
        let (s, r) = (straight.s, straight.r);
        let sign = if side == Side::Left { 1.0 } else { -1.0 };
        let direct = ((r[0] - s[0]).powi(2) + (r[1] - s[1]).powi(2) + (r[2] - s[2]).powi(2)).sqrt();
        let via = |c: [f64; 2]| {
            let z = straight.plane_z(c);
            let leg = |p: [f64; 3]| {
                ((c[0] - p[0]).powi(2) + (c[1] - p[1]).powi(2) + (z - p[2]).powi(2)).sqrt()
            };
            leg(s) + leg(r) - direct
        };
        let least_detour = parts
            .iter()
            .flat_map(|(ring, _)| ring.iter().copied())
            .filter(|c| {
                sign * (-(c[0] - s[0]) * straight.dir[1] + (c[1] - s[1]) * straight.dir[0]) > 0.0
            })
            .map(via)
            .fold(0.0, f64::max);
        worth(least_detour)
    }

    /// The section of the path around `parts` on one side; `worth` is
    /// asked with its path difference δ before the section is cut.
    fn around(
        &self,
        ray: &Ray,
        parts: &[(Vec<[f64; 2]>, bool)],
        side: Side,
        worth: &dyn Fn(f64) -> bool,
    ) -> Option<Section> {
        let (s, r) = (ray.s, ray.r);
        let corners = Self::side_chain(ray, parts, side)?;
        let n = corners.len();
        if n < 3 {
            return None;
        }
        let length: f64 = corners.windows(2).map(|w| plan_distance(w[0], w[1])).sum();
        if length > LONGEST_DETOUR * ray.length {
            return None;
        }
        // δ along the chain, its corners on the plane through S and R.
        let at = |k: usize| match k {
            0 => s,
            k if k == n - 1 => r,
            k => [corners[k][0], corners[k][1], ray.plane_z(corners[k])],
        };
        let travelled: f64 = (1..n)
            .map(|k| {
                let (a, b) = (at(k - 1), at(k));
                ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt()
            })
            .sum();
        let direct = ((r[0] - s[0]).powi(2) + (r[1] - s[1]).powi(2) + (r[2] - s[2]).powi(2)).sqrt();
        if !worth(travelled - direct) {
            return None;
        }
        let mut points = vec![self.end_point(CutKind::Source, s, 0.0)];
        let mut x = 0.0;
        for i in 1..n {
            self.cut_between(corners[i - 1], corners[i], x, &mut points);
            x += plan_distance(corners[i - 1], corners[i]);
            if i < n - 1 {
                let plan = corners[i];
                points.push(CutPoint {
                    kind: CutKind::LateralEdge,
                    x,
                    z: ray.plane_z(plan),
                    z_ground: self.terrain.height(plan),
                    g: self.g_at(lerp2(corners[i], corners[i + 1], 1e-6)),
                    plan,
                });
            }
        }
        points.push(self.end_point(CutKind::Receiver, r, x));
        crate::scene::simplify(&mut points);
        Some(Section {
            source_ground_factor: None,
            kind: PathKind::Lateral,
            points,
            source: s,
            receiver: r,
        })
    }
}

/// The corners of a ring (or the ends of a wall) moved a few millimetres
/// outwards, so paths touching them do not cross the obstacle.
fn stood_off(ring: &[[f64; 2]], closed: bool) -> Vec<[f64; 2]> {
    let n = ring.len();
    let unit = |v: [f64; 2]| {
        let l = (v[0] * v[0] + v[1] * v[1]).sqrt().max(1e-12);
        [v[0] / l, v[1] / l]
    };
    if !closed || n < 3 {
        // A wall: each end moved along the wall, away from it.
        if n < 2 {
            return ring.to_vec();
        }
        let d = unit([ring[n - 1][0] - ring[0][0], ring[n - 1][1] - ring[0][1]]);
        return vec![
            [
                ring[0][0] - CORNER_OFFSET_M * d[0],
                ring[0][1] - CORNER_OFFSET_M * d[1],
            ],
            [
                ring[n - 1][0] + CORNER_OFFSET_M * d[0],
                ring[n - 1][1] + CORNER_OFFSET_M * d[1],
            ],
        ];
    }
    let area: f64 = (0..n)
        .map(|i| ring[i][0] * ring[(i + 1) % n][1] - ring[(i + 1) % n][0] * ring[i][1])
        .sum();
    let outward = if area > 0.0 { 1.0 } else { -1.0 };
    (0..n)
        .map(|i| {
            let (a, p, b) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            let (e1, e2) = (
                unit([p[0] - a[0], p[1] - a[1]]),
                unit([b[0] - p[0], b[1] - p[1]]),
            );
            // Right-hand normals point outwards of a counter-clockwise ring.
            let n1 = [e1[1] * outward, -e1[0] * outward];
            let n2 = [e2[1] * outward, -e2[0] * outward];
            let dir = unit([n1[0] + n2[0], n1[1] + n2[1]]);
            // Along the bisector so that both edges are CORNER_OFFSET_M away.
            let cos = (dir[0] * n1[0] + dir[1] * n1[1]).max(0.2);
            [
                p[0] + CORNER_OFFSET_M / cos * dir[0],
                p[1] + CORNER_OFFSET_M / cos * dir[1],
            ]
        })
        .collect()
}
