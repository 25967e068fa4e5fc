//! Triangulation of planar 3D polygons with holes, in their own plane.
//!
//! The polygon is projected onto the plane given by its Newell normal (robust
//! for nearly collinear and duplicate vertices, unlike a normal from three
//! points) and cut into triangles with earcut. Triangles keep the winding of
//! the outer ring so that normals point out of a correctly oriented solid.

use earcut::Earcut;

/// Newell's method: the area-weighted normal of a (possibly slightly
/// non-planar) ring. Its length is twice the polygon's area.
pub fn newell_normal(ring: &[[f64; 3]]) -> [f64; 3] {
    let mut n = [0.0; 3];
    // Relative to the first point to keep precision with UTM-sized numbers.
    let o = ring.first().copied().unwrap_or([0.0; 3]);
    for i in 0..ring.len() {
        let a = sub(ring[i], o);
        let b = sub(ring[(i + 1) % ring.len()], o);
        n[0] += (a[1] - b[1]) * (a[2] + b[2]);
        n[1] += (a[2] - b[2]) * (a[0] + b[0]);
        n[2] += (a[0] - b[0]) * (a[1] + b[1]);
    }
    n
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn normalize(v: [f64; 3]) -> Option<[f64; 3]> {
    let len = dot(v, v).sqrt();
    (len > 1e-12 && len.is_finite()).then(|| [v[0] / len, v[1] / len, v[2] / len])
}

/// A triangulated polygon: indices into the concatenation of the outer ring
/// followed by the inner rings, and the unit normal.
#[derive(Debug, Clone, PartialEq)]
pub struct Triangulation {
    pub normal: [f64; 3],
    pub indices: Vec<u32>,
}

/// Reusable triangulator (keeps earcut's buffers between polygons).
#[derive(Default)]
pub struct Triangulator {
    earcut: Earcut<f64>,
    flat: Vec<[f64; 2]>,
    holes: Vec<u32>,
}

impl Triangulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns `None` for degenerate polygons (no area).
    pub fn triangulate(
        &mut self,
        exterior: &[[f64; 3]],
        interiors: &[Vec<[f64; 3]>],
    ) -> Option<Triangulation> {
        if exterior.len() < 3 {
            return None;
        }
        let normal = normalize(newell_normal(exterior))?;
        // Orthonormal basis (u, v) of the polygon plane with u × v = normal,
        // so counter-clockwise in 3D stays counter-clockwise in 2D.
        let helper = if normal[2].abs() < 0.9 {
            [0.0, 0.0, 1.0]
        } else {
            [1.0, 0.0, 0.0]
        };
        let u = normalize(cross(helper, normal))?;
        let v = cross(normal, u);
        let origin = exterior[0];
        self.flat.clear();
        self.holes.clear();
        let project = |p: [f64; 3]| {
            let d = sub(p, origin);
            [dot(d, u), dot(d, v)]
        };
        self.flat.extend(exterior.iter().map(|p| project(*p)));
        for ring in interiors {
            self.holes.push(self.flat.len() as u32);
            self.flat.extend(ring.iter().map(|p| project(*p)));
        }
        let mut indices: Vec<u32> = Vec::new();
        self.earcut
            .earcut(self.flat.iter().copied(), &self.holes, &mut indices);
        if indices.is_empty() {
            return None;
        }
        // earcut's output winding is not guaranteed; make every triangle
        // face along the polygon normal.
        for tri in indices.chunks_exact_mut(3) {
            let [a, b, c] = [tri[0], tri[1], tri[2]].map(|i| self.flat[i as usize]);
            let area2 = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
            if area2 < 0.0 {
                tri.swap(1, 2);
            }
        }
        Some(Triangulation { normal, indices })
    }
}

/// Area of a planar polygon with holes (m²).
pub fn polygon_area(exterior: &[[f64; 3]], interiors: &[Vec<[f64; 3]>]) -> f64 {
    let len = |v: [f64; 3]| dot(v, v).sqrt();
    let outer = len(newell_normal(exterior)) / 2.0;
    let holes: f64 = interiors.iter().map(|r| len(newell_normal(r)) / 2.0).sum();
    outer - holes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tri_area(points: &[[f64; 3]], t: &Triangulation) -> f64 {
        t.indices
            .chunks_exact(3)
            .map(|c| {
                let [a, b, cc] = [c[0], c[1], c[2]].map(|i| points[i as usize]);
                let n = cross(sub(b, a), sub(cc, a));
                dot(n, n).sqrt() / 2.0
            })
            .sum()
    }

    #[test]
    fn wall_with_window_hole_keeps_its_area_and_normal() {
        // A 10 m × 5 m wall facing south (-y) at UTM-sized coordinates, with a 2 m × 1 m window.
        let (x, y) = (681_000.0, 5_644_000.0);
        let ext = vec![
            [x, y, 0.0],
            [x + 10.0, y, 0.0],
            [x + 10.0, y, 5.0],
            [x, y, 5.0],
        ];
        let hole = vec![
            [x + 2.0, y, 2.0],
            [x + 2.0, y, 3.0],
            [x + 4.0, y, 3.0],
            [x + 4.0, y, 2.0],
        ];
        let mut t = Triangulator::new();
        let tri = t.triangulate(&ext, std::slice::from_ref(&hole)).unwrap();
        assert!((tri.normal[1] + 1.0).abs() < 1e-9, "{:?}", tri.normal);
        let mut all = ext.clone();
        all.extend(hole.iter().copied());
        assert!((tri_area(&all, &tri) - 48.0).abs() < 1e-6);
        assert!((polygon_area(&ext, &[hole]) - 48.0).abs() < 1e-6);
        // Every triangle faces the same way as the polygon.
        for c in tri.indices.chunks_exact(3) {
            let [a, b, cc] = [c[0], c[1], c[2]].map(|i| all[i as usize]);
            assert!(dot(cross(sub(b, a), sub(cc, a)), tri.normal) > 0.0);
        }
    }

    #[test]
    fn nearly_collinear_and_duplicate_points_do_not_break_it() {
        let ext = vec![
            [0.0, 0.0, 10.0],
            [5.0, 0.000001, 10.0],
            [10.0, 0.0, 10.0],
            [10.0, 0.0, 10.0],
            [10.0, 10.0, 10.0],
            [0.0, 10.0, 10.0],
        ];
        let tri = Triangulator::new().triangulate(&ext, &[]).unwrap();
        assert!((tri.normal[2] - 1.0).abs() < 1e-9);
        assert!((tri_area(&ext, &tri) - 100.0).abs() < 1e-3);
    }

    #[test]
    fn degenerate_polygons_give_none() {
        let line = vec![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]];
        assert!(Triangulator::new().triangulate(&line, &[]).is_none());
        assert!(Triangulator::new().triangulate(&line[..2], &[]).is_none());
    }
}
