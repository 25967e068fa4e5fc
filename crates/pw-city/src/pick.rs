//! Picking: which object does a ray from the eye hit first? An R*-tree of
//! object bounding boxes narrows the search to the boxes the ray passes
//! through; exact ray–triangle tests decide. All in the local ENU frame.

use crate::batch::Batch;
use rstar::{AABB, RTree, RTreeObject, SelectionFunction};
use std::collections::HashSet;

#[derive(Debug, Clone)]
struct ObjectBox {
    batch: u32,
    slot: u32,
    envelope: AABB<[f32; 3]>,
}

impl RTreeObject for ObjectBox {
    type Envelope = AABB<[f32; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ray {
    pub origin: [f32; 3],
    pub dir: [f32; 3],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub object: usize,
    pub batch: usize,
    pub distance: f32,
    pub point: [f32; 3],
}

/// Slab test: does the ray enter the box (in front of the origin)?
fn ray_hits_box(ray: &Ray, min: [f32; 3], max: [f32; 3]) -> bool {
    // A NaN ray would slip through every comparison below and match all boxes.
    if !ray
        .origin
        .iter()
        .chain(ray.dir.iter())
        .all(|v| v.is_finite())
    {
        return false;
    }
    let mut t0 = 0.0f32;
    let mut t1 = f32::INFINITY;
    for a in 0..3 {
        if ray.dir[a].abs() < 1e-12 {
            // Parallel to this slab: inside it or never.
            if ray.origin[a] < min[a] || ray.origin[a] > max[a] {
                return false;
            }
            continue;
        }
        let inv = 1.0 / ray.dir[a];
        let mut near = (min[a] - ray.origin[a]) * inv;
        let mut far = (max[a] - ray.origin[a]) * inv;
        if near > far {
            std::mem::swap(&mut near, &mut far);
        }
        t0 = t0.max(near);
        t1 = t1.min(far);
        if t0 > t1 {
            return false;
        }
    }
    true
}

struct RaySelection<'a>(&'a Ray);

impl SelectionFunction<ObjectBox> for RaySelection<'_> {
    fn should_unpack_parent(&self, envelope: &AABB<[f32; 3]>) -> bool {
        ray_hits_box(self.0, envelope.lower(), envelope.upper())
    }
    fn should_unpack_leaf(&self, leaf: &ObjectBox) -> bool {
        ray_hits_box(self.0, leaf.envelope.lower(), leaf.envelope.upper())
    }
}

/// Möller–Trumbore; returns the distance along the ray.
fn ray_triangle(ray: &Ray, a: [f32; 3], b: [f32; 3], c: [f32; 3]) -> Option<f32> {
    let sub = |p: [f32; 3], q: [f32; 3]| [p[0] - q[0], p[1] - q[1], p[2] - q[2]];
    let cross = |p: [f32; 3], q: [f32; 3]| {
        [
            p[1] * q[2] - p[2] * q[1],
            p[2] * q[0] - p[0] * q[2],
            p[0] * q[1] - p[1] * q[0],
        ]
    };
    let dot = |p: [f32; 3], q: [f32; 3]| p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
    let e1 = sub(b, a);
    let e2 = sub(c, a);
    let p = cross(ray.dir, e2);
    let det = dot(e1, p);
    if det.abs() < 1e-9 {
        return None;
    }
    let inv = 1.0 / det;
    let s = sub(ray.origin, a);
    let u = dot(s, p) * inv;
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let q = cross(s, e1);
    let v = dot(ray.dir, q) * inv;
    if v < 0.0 || u + v > 1.0 {
        return None;
    }
    let t = dot(e2, q) * inv;
    (t > 1e-4).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slab_test_rejects_boxes_beside_an_axis_parallel_ray() {
        let down = Ray {
            origin: [0.0, 0.0, 100.0],
            dir: [0.0, 0.0, -1.0],
        };
        assert!(ray_hits_box(&down, [-1.0, -1.0, 0.0], [1.0, 1.0, 10.0]));
        // Boxes east, west, north of the ray: the ray never enters them.
        assert!(!ray_hits_box(&down, [5.0, -1.0, 0.0], [6.0, 1.0, 10.0]));
        assert!(!ray_hits_box(&down, [-6.0, -1.0, 0.0], [-5.0, 1.0, 10.0]));
        assert!(!ray_hits_box(&down, [-1.0, 5.0, 0.0], [1.0, 6.0, 10.0]));
        // Behind the origin.
        assert!(!ray_hits_box(&down, [-1.0, -1.0, 200.0], [1.0, 1.0, 210.0]));
        let oblique = Ray {
            origin: [0.0, 0.0, 10.0],
            dir: [1.0, 0.0, -1.0],
        };
        assert!(ray_hits_box(&oblique, [9.0, -1.0, 0.0], [11.0, 1.0, 2.0]));
        assert!(!ray_hits_box(&oblique, [20.0, -1.0, 0.0], [22.0, 1.0, 2.0]));
    }
}

#[derive(Default, Debug)]
pub struct PickIndex {
    tree: RTree<ObjectBox>,
}

impl PickIndex {
    pub fn build(batches: &[Batch]) -> Self {
        let boxes = batches
            .iter()
            .enumerate()
            .flat_map(|(b, batch)| {
                batch
                    .objects
                    .iter()
                    .enumerate()
                    .map(move |(slot, o)| ObjectBox {
                        batch: b as u32,
                        slot: slot as u32,
                        envelope: AABB::from_corners(o.min, o.max),
                    })
            })
            .collect();
        PickIndex {
            tree: RTree::bulk_load(boxes),
        }
    }

    /// How many object boxes the ray passes through (for benchmarks).
    pub fn candidates(&self, ray: &Ray) -> usize {
        self.tree
            .locate_with_selection_function(RaySelection(ray))
            .count()
    }

    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Objects (model indices) whose boxes come within `reach` of the
    /// point (x, y) of the local frame, at any height — what a tool that
    /// snaps to nearby buildings looks at.
    pub fn objects_near(&self, batches: &[Batch], x: f32, y: f32, reach: f32) -> Vec<usize> {
        let window = AABB::from_corners([x - reach, y - reach, -1e9], [x + reach, y + reach, 1e9]);
        self.tree
            .locate_in_envelope_intersecting(&window)
            .map(|c| batches[c.batch as usize].objects[c.slot as usize].object)
            .collect()
    }

    /// The nearest object hit by the ray, skipping hidden objects.
    pub fn pick(&self, batches: &[Batch], ray: &Ray, hidden: &HashSet<usize>) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        for candidate in self.tree.locate_with_selection_function(RaySelection(ray)) {
            let batch = &batches[candidate.batch as usize];
            let entry = &batch.objects[candidate.slot as usize];
            if hidden.contains(&entry.object) {
                continue;
            }
            let idx = &batch.indices[entry.indices.start as usize..entry.indices.end as usize];
            for tri in idx.chunks_exact(3) {
                let [a, b, c] = [tri[0], tri[1], tri[2]].map(|i| batch.positions[i as usize]);
                if let Some(t) = ray_triangle(ray, a, b, c)
                    && best.is_none_or(|h| t < h.distance)
                {
                    let point = [0, 1, 2].map(|k| ray.origin[k] + ray.dir[k] * t);
                    best = Some(Hit {
                        object: entry.object,
                        batch: candidate.batch as usize,
                        distance: t,
                        point,
                    });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod ray_tests {
    use super::*;

    #[test]
    fn nan_rays_hit_nothing() {
        let nan = Ray {
            origin: [f32::NAN, 0.0, 10.0],
            dir: [0.0, 0.0, -1.0],
        };
        assert!(!ray_hits_box(&nan, [-1e9; 3], [1e9; 3]));
    }

    #[test]
    fn a_steep_ray_only_meets_boxes_near_its_path() {
        // Two boxes 1 km apart along the ray's horizontal direction, both in a
        // 15 m height band; the ray crosses the band only near the first.
        let ray = Ray {
            origin: [0.0, 300.0, 757.0],
            dir: [0.0, -0.4, -1.0],
        };
        let near_box = ([-5.0, -5.0, -8.0], [5.0, 5.0, 7.0]);
        let far_box = ([-5.0, -1005.0, -8.0], [5.0, -995.0, 7.0]);
        assert!(ray_hits_box(&ray, near_box.0, near_box.1));
        assert!(!ray_hits_box(&ray, far_box.0, far_box.1));
    }
}
