//! Sample points on walls and roofs: a regular grid in each surface's own
//! plane (rows horizontal on walls), one point per `spacing`² of surface;
//! surfaces smaller than one cell still get one point at their centre.

use crate::obstacles::{SampleSurface, V3};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Local frame (see [`crate::obstacles::Obstacles::origin`]).
    pub position: V3,
    /// Index into the sampled surfaces.
    pub surface: u32,
    /// Square metres this point stands for.
    pub area: f32,
}

use crate::vec3::{dot, plane_basis, sub};

/// Points on every surface; `keep` decides by local x/y (inside the area).
pub fn sample(surfaces: &[SampleSurface], spacing: f32, keep: impl Fn(V3) -> bool) -> Vec<Sample> {
    let mut out = Vec::new();
    for (index, s) in surfaces.iter().enumerate() {
        let n = s.normal;
        let (u, v) = plane_basis(n);
        let Some(first) = s.triangles.first() else {
            continue;
        };
        let o = first[0];
        let flat: Vec<[[f32; 2]; 3]> = s
            .triangles
            .iter()
            .map(|t| t.map(|p| [dot(sub(p, o), u), dot(sub(p, o), v)]))
            .collect();
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for p in flat.iter().flatten() {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        let area: f32 = flat.iter().map(|t| area2(t).abs() * 0.5).sum();
        if area.is_nan() || area <= 1e-4 {
            continue;
        }
        let cols = ((hi[0] - lo[0]) / spacing).ceil().max(1.0) as usize;
        let rows = ((hi[1] - lo[1]) / spacing).ceil().max(1.0) as usize;
        // Centre the grid on the surface's extent.
        let off = [
            lo[0] + 0.5 * ((hi[0] - lo[0]) - (cols - 1) as f32 * spacing),
            lo[1] + 0.5 * ((hi[1] - lo[1]) - (rows - 1) as f32 * spacing),
        ];
        let start = out.len();
        for r in 0..rows {
            for c in 0..cols {
                let q = [off[0] + c as f32 * spacing, off[1] + r as f32 * spacing];
                if flat.iter().any(|t| inside(t, q)) {
                    out.push(Sample {
                        position: lift(o, u, v, q),
                        surface: index as u32,
                        area: 0.0,
                    });
                }
            }
        }
        if out.len() == start {
            // Thinner than the spacing: one point at the largest triangle's centre.
            let t = flat
                .iter()
                .max_by(|a, b| area2(a).abs().total_cmp(&area2(b).abs()))
                .expect("surface has triangles");
            let q = [
                (t[0][0] + t[1][0] + t[2][0]) / 3.0,
                (t[0][1] + t[1][1] + t[2][1]) / 3.0,
            ];
            out.push(Sample {
                position: lift(o, u, v, q),
                surface: index as u32,
                area: 0.0,
            });
        }
        let share = area / (out.len() - start) as f32;
        let mut k = start;
        // Only points inside the area count; their share of the area stays.
        for j in start..out.len() {
            if keep(out[j].position) {
                out[k] = out[j];
                out[k].area = share;
                k += 1;
            }
        }
        out.truncate(k);
    }
    out
}

fn lift(o: V3, u: V3, v: V3, q: [f32; 2]) -> V3 {
    [0, 1, 2].map(|k| o[k] + u[k] * q[0] + v[k] * q[1])
}

fn area2(t: &[[f32; 2]; 3]) -> f32 {
    (t[1][0] - t[0][0]) * (t[2][1] - t[0][1]) - (t[2][0] - t[0][0]) * (t[1][1] - t[0][1])
}

fn inside(t: &[[f32; 2]; 3], p: [f32; 2]) -> bool {
    let d =
        |a: [f32; 2], b: [f32; 2]| (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    let (d0, d1, d2) = (d(t[0], t[1]), d(t[1], t[2]), d(t[2], t[0]));
    let neg = d0 < 0.0 || d1 < 0.0 || d2 < 0.0;
    let pos = d0 > 0.0 || d1 > 0.0 || d2 > 0.0;
    !(neg && pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::obstacles::SurfaceKind;

    fn wall(w: f32, h: f32) -> SampleSurface {
        // A south-facing wall along x from 0 to w, height h.
        let a = [0.0, 0.0, 0.0];
        let b = [w, 0.0, 0.0];
        let c = [w, 0.0, h];
        let d = [0.0, 0.0, h];
        SampleSurface {
            object: 0,
            surface_id: None,
            kind: SurfaceKind::Wall,
            normal: [0.0, -1.0, 0.0],
            triangles: vec![[a, b, c], [a, c, d]],
        }
    }

    #[test]
    fn a_10_by_6_wall_gets_60_points_on_a_metre_grid() {
        let s = sample(&[wall(10.0, 6.0)], 1.0, |_| true);
        assert_eq!(s.len(), 60);
        let total: f32 = s.iter().map(|p| p.area).sum();
        assert!((total - 60.0).abs() < 1e-3);
        // Rows at 0.5 … 5.5 m, columns at 0.5 … 9.5 m, on the wall plane.
        assert!(s.iter().all(|p| p.position[1].abs() < 1e-5));
        let zs: std::collections::BTreeSet<i32> = s
            .iter()
            .map(|p| (p.position[2] * 10.0).round() as i32)
            .collect();
        assert_eq!(
            zs.into_iter().collect::<Vec<_>>(),
            vec![5, 15, 25, 35, 45, 55]
        );
    }

    #[test]
    fn a_small_surface_still_gets_one_point() {
        let s = sample(&[wall(0.4, 0.3)], 1.0, |_| true);
        assert_eq!(s.len(), 1);
        assert!((s[0].area - 0.12).abs() < 1e-4);
    }

    #[test]
    fn points_outside_the_area_are_dropped() {
        let s = sample(&[wall(10.0, 6.0)], 1.0, |p| p[0] < 5.0);
        assert_eq!(s.len(), 30);
    }
}
