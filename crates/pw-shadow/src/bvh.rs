//! A bounding volume hierarchy over triangles for "does this ray hit
//! anything" queries (sun rays from facade samples). Built once per run with
//! binned surface-area splits; queried from many threads.

use crate::vec3::{V3, cross, dot, sub};

#[derive(Debug, Clone, Copy)]
struct Node {
    min: V3,
    max: V3,
    /// Leaf: first triangle; inner: index of the left child (right = +1).
    first: u32,
    /// Triangles in a leaf; 0 for inner nodes.
    count: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Bvh {
    nodes: Vec<Node>,
    triangles: Vec<[V3; 3]>,
    /// Per triangle (in the BVH's order): its index as given.
    given: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Bounds {
    min: V3,
    max: V3,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        min: [f32::INFINITY; 3],
        max: [f32::NEG_INFINITY; 3],
    };
    fn grow(&mut self, p: V3) {
        self.min = [0, 1, 2].map(|k| self.min[k].min(p[k]));
        self.max = [0, 1, 2].map(|k| self.max[k].max(p[k]));
    }
    fn join(&mut self, o: &Bounds) {
        self.grow(o.min);
        self.grow(o.max);
    }
    fn area(&self) -> f32 {
        let d = sub(self.max, self.min);
        if d[0] < 0.0 {
            return 0.0;
        }
        d[0] * d[1] + d[1] * d[2] + d[2] * d[0]
    }
}

const BINS: usize = 12;
const LEAF: usize = 4;

impl Bvh {
    pub fn new(mut triangles: Vec<[V3; 3]>) -> Bvh {
        let mut nodes = Vec::with_capacity(2 * triangles.len() / LEAF + 1);
        if !triangles.is_empty() {
            let centroids: Vec<V3> = triangles
                .iter()
                .map(|t| [0, 1, 2].map(|k| (t[0][k] + t[1][k] + t[2][k]) / 3.0))
                .collect();
            let mut order: Vec<u32> = (0..triangles.len() as u32).collect();
            nodes.push(Node {
                min: [0.0; 3],
                max: [0.0; 3],
                first: 0,
                count: 0,
            });
            build(&triangles, &centroids, &mut order, 0, 0, &mut nodes);
            triangles = order.iter().map(|&i| triangles[i as usize]).collect();
            return Bvh {
                nodes,
                triangles,
                given: order,
            };
        }
        Bvh::default()
    }

    pub fn triangle_count(&self) -> usize {
        self.triangles.len()
    }

    /// Whether the ray `origin + t·dir` (t > `t_min`) hits any triangle.
    pub fn occluded(&self, origin: V3, dir: V3, t_min: f32) -> bool {
        self.blocked(origin, dir, t_min, f32::INFINITY)
    }

    /// Whether a triangle lies on the ray between `t_min` and `t_max`
    /// (with `dir` = target − origin and `t_max` < 1: before the target).
    pub fn blocked(&self, origin: V3, dir: V3, t_min: f32, t_max: f32) -> bool {
        let mut found = false;
        self.visit(origin, dir, |_, t| {
            let hit = hit_at(t, origin, dir).is_some_and(|s| s > t_min && s < t_max);
            found |= hit;
            !hit
        });
        found
    }

    /// The nearest triangle on the ray beyond `t_min` and before `t_max`:
    /// its parameter t and its index as given to [`Bvh::new`].
    pub fn first_hit(&self, origin: V3, dir: V3, t_min: f32, t_max: f32) -> Option<(f32, u32)> {
        let mut best: Option<(f32, u32)> = None;
        self.visit(origin, dir, |k, t| {
            if let Some(s) = hit_at(t, origin, dir)
                && s > t_min
                && s < best.map_or(t_max, |b| b.0)
            {
                best = Some((s, self.given[k]));
            }
            true
        });
        best
    }

    /// Calls `each` with every triangle (its place in the BVH's order and
    /// itself) whose box the ray enters, until it answers false.
    fn visit(&self, origin: V3, dir: V3, mut each: impl FnMut(usize, &[V3; 3]) -> bool) {
        if self.nodes.is_empty() {
            return;
        }
        // No zero components: 0·∞ would make the slab test NaN for rays
        // starting on a box face.
        let inv = dir.map(|d| {
            1.0 / if d.abs() < 1e-12 {
                1e-12f32.copysign(d)
            } else {
                d
            }
        });
        let mut stack = [0u32; 128];
        let mut top = 1;
        while top > 0 {
            top -= 1;
            let node = &self.nodes[stack[top] as usize];
            if !slab(node, origin, inv) {
                continue;
            }
            if node.count > 0 {
                let first = node.first as usize;
                for (k, t) in self.triangles[first..first + node.count as usize]
                    .iter()
                    .enumerate()
                {
                    if !each(first + k, t) {
                        return;
                    }
                }
            } else if top + 2 <= stack.len() {
                stack[top] = node.first;
                stack[top + 1] = node.first + 1;
                top += 2;
            }
        }
    }
}

fn slab(node: &Node, o: V3, inv: V3) -> bool {
    let mut t0 = 0.0f32;
    let mut t1 = f32::INFINITY;
    for k in 0..3 {
        let a = (node.min[k] - o[k]) * inv[k];
        let b = (node.max[k] - o[k]) * inv[k];
        // NaN (0·∞ on a face) must not reject: min/max drop NaN operands.
        t0 = t0.max(a.min(b));
        t1 = t1.min(a.max(b));
    }
    t0 <= t1
}

/// Möller–Trumbore, both sides: the ray parameter where it crosses the
/// triangle's plane inside the triangle.
fn hit_at(t: &[V3; 3], o: V3, d: V3) -> Option<f32> {
    let e1 = sub(t[1], t[0]);
    let e2 = sub(t[2], t[0]);
    let p = cross(d, e2);
    let det = dot(e1, p);
    if det.abs() < 1e-12 {
        return None;
    }
    let inv = 1.0 / det;
    let s = sub(o, t[0]);
    let u = dot(s, p) * inv;
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let q = cross(s, e1);
    let v = dot(d, q) * inv;
    if v < 0.0 || u + v > 1.0 {
        return None;
    }
    Some(dot(e2, q) * inv)
}

fn build(
    tris: &[[V3; 3]],
    centroids: &[V3],
    order: &mut [u32],
    first: usize,
    node_index: usize,
    nodes: &mut Vec<Node>,
) {
    let mut bounds = Bounds::EMPTY;
    let mut cb = Bounds::EMPTY;
    for &i in order.iter() {
        for p in tris[i as usize] {
            bounds.grow(p);
        }
        cb.grow(centroids[i as usize]);
    }
    let leaf = |nodes: &mut Vec<Node>| {
        nodes[node_index] = Node {
            min: bounds.min,
            max: bounds.max,
            first: first as u32,
            count: order.len() as u32,
        };
    };
    if order.len() <= LEAF {
        return leaf(nodes);
    }
    // Binned SAH on the axis with the widest centroid spread.
    let ext = sub(cb.max, cb.min);
    let axis = if ext[0] >= ext[1] && ext[0] >= ext[2] {
        0
    } else if ext[1] >= ext[2] {
        1
    } else {
        2
    };
    if ext[axis] <= 0.0 {
        return leaf(nodes);
    }
    let scale = BINS as f32 / ext[axis];
    let bin_of = |i: u32| -> usize {
        (((centroids[i as usize][axis] - cb.min[axis]) * scale) as usize).min(BINS - 1)
    };
    let mut bin_bounds = [Bounds::EMPTY; BINS];
    let mut bin_count = [0usize; BINS];
    for &i in order.iter() {
        let b = bin_of(i);
        bin_count[b] += 1;
        for p in tris[i as usize] {
            bin_bounds[b].grow(p);
        }
    }
    let mut best = (f32::INFINITY, 0usize);
    for split in 1..BINS {
        let (mut l, mut r) = (Bounds::EMPTY, Bounds::EMPTY);
        let (mut nl, mut nr) = (0, 0);
        for b in 0..split {
            l.join(&bin_bounds[b]);
            nl += bin_count[b];
        }
        for b in split..BINS {
            r.join(&bin_bounds[b]);
            nr += bin_count[b];
        }
        if nl == 0 || nr == 0 {
            continue;
        }
        let cost = l.area() * nl as f32 + r.area() * nr as f32;
        if cost < best.0 {
            best = (cost, split);
        }
    }
    if best.0 >= bounds.area() * order.len() as f32 && order.len() <= 16 {
        return leaf(nodes);
    }
    let mid = if best.0.is_finite() {
        let mut m = 0;
        for k in 0..order.len() {
            if bin_of(order[k]) < best.1 {
                order.swap(k, m);
                m += 1;
            }
        }
        m
    } else {
        order.len() / 2
    };
    let left = nodes.len();
    nodes.push(Node {
        min: [0.0; 3],
        max: [0.0; 3],
        first: 0,
        count: 0,
    });
    nodes.push(Node {
        min: [0.0; 3],
        max: [0.0; 3],
        first: 0,
        count: 0,
    });
    nodes[node_index] = Node {
        min: bounds.min,
        max: bounds.max,
        first: left as u32,
        count: 0,
    };
    let (lo, hi) = order.split_at_mut(mid);
    build(tris, centroids, lo, first, left, nodes);
    build(tris, centroids, hi, first + mid, left + 1, nodes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_box(at: V3, size: f32) -> Vec<[V3; 3]> {
        let c = |x: f32, y: f32, z: f32| [at[0] + x * size, at[1] + y * size, at[2] + z * size];
        let q = |a: V3, b: V3, cc: V3, d: V3| vec![[a, b, cc], [a, cc, d]];
        [
            q(c(0., 0., 0.), c(1., 0., 0.), c(1., 1., 0.), c(0., 1., 0.)),
            q(c(0., 0., 1.), c(1., 0., 1.), c(1., 1., 1.), c(0., 1., 1.)),
            q(c(0., 0., 0.), c(1., 0., 0.), c(1., 0., 1.), c(0., 0., 1.)),
            q(c(0., 1., 0.), c(1., 1., 0.), c(1., 1., 1.), c(0., 1., 1.)),
            q(c(0., 0., 0.), c(0., 1., 0.), c(0., 1., 1.), c(0., 0., 1.)),
            q(c(1., 0., 0.), c(1., 1., 0.), c(1., 1., 1.), c(1., 0., 1.)),
        ]
        .concat()
    }

    #[test]
    fn rays_against_a_grid_of_boxes_match_brute_force() {
        let mut tris = Vec::new();
        for i in 0..10 {
            for j in 0..10 {
                tris.extend(unit_box(
                    [i as f32 * 7.0, j as f32 * 9.0, 0.0],
                    3.0 + (i + j) as f32 % 4.0,
                ));
            }
        }
        let bvh = Bvh::new(tris.clone());
        assert_eq!(bvh.triangle_count(), 1200);
        let mut hits_seen = 0;
        for k in 0..2000 {
            let f = k as f32;
            let o = [(f * 0.37) % 70.0, (f * 0.53) % 90.0, (f * 0.11) % 4.0];
            let az = f * 0.173;
            let el = 0.05 + (f * 0.07) % 1.2;
            let d = [az.sin() * el.cos(), az.cos() * el.cos(), el.sin()];
            let brute = tris
                .iter()
                .any(|t| hit_at(t, o, d).is_some_and(|s| s > 1e-4));
            assert_eq!(bvh.occluded(o, d, 1e-4), brute, "ray {k}");
            // The nearest hit, and the triangle it names, as brute force.
            let nearest = tris
                .iter()
                .filter_map(|t| hit_at(t, o, d).filter(|s| *s > 1e-4))
                .min_by(f32::total_cmp);
            let first = bvh.first_hit(o, d, 1e-4, f32::INFINITY);
            assert_eq!(first.map(|f| f.0), nearest, "ray {k}");
            if let Some((s, i)) = first {
                assert_eq!(hit_at(&tris[i as usize], o, d), Some(s));
            }
            hits_seen += brute as usize;
        }
        // Both outcomes are exercised.
        assert!(hits_seen > 200 && hits_seen < 1800, "{hits_seen}");
    }

    #[test]
    fn empty_scene_occludes_nothing() {
        assert!(!Bvh::new(Vec::new()).occluded([0.0; 3], [0.0, 0.0, 1.0], 0.0));
    }
}
