//! A line of sight between two points: the ground, the surface (ground with
//! buildings and crowns) and the sight line along it, where the surface
//! first rises above the line, and by how much the line clears it.

use crate::exact::{self, GridPoint};
use pw_terrain::Grid;

#[derive(Debug, Clone, PartialEq)]
pub struct ProfilePoint {
    /// Metres from the eye.
    pub distance: f64,
    pub x: f64,
    pub y: f64,
    /// Terrain alone (NaN where unknown).
    pub ground: f32,
    /// Terrain with what stands on it, lowered for curvature like the
    /// sight line is not: both as seen from the eye.
    pub surface: f32,
    /// The sight line's height here.
    pub sight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub points: Vec<ProfilePoint>,
    pub length: f64,
    /// Nothing between the two ends rises above the line (checked at every
    /// row and column crossed, as the exact viewshed does).
    pub visible: bool,
    /// The lowest margin of the line over the surface between the ends
    /// (m); negative: how far the surface rises above it.
    pub clearance: f64,
    /// Index into `points` of the first point where the surface rises
    /// above the line.
    pub first_block: Option<usize>,
}

impl Profile {
    pub fn first_block_point(&self) -> Option<&ProfilePoint> {
        self.first_block.map(|k| &self.points[k])
    }
}

/// The profile from `eye` to `target` (scene coordinates, absolute
/// heights) over `surface`, sampled every `step` metres; `ground` is the
/// terrain without buildings for the plot. Heights drop by `drop · d²`.
pub fn profile(
    surface: &Grid,
    ground: Option<&Grid>,
    eye: [f64; 3],
    target: [f64; 3],
    drop: f64,
    step: f64,
) -> Profile {
    let (dx, dy) = (target[0] - eye[0], target[1] - eye[1]);
    let length = dx.hypot(dy);
    let steps = ((length / step.max(1e-3)).ceil() as usize).clamp(1, 100_000);
    // The eye's and the target's own cells do not block: the eye stands on
    // its cell and the target is its cell's surface.
    let own = 0.5 * surface.dx.max(surface.dy);
    let mut points = Vec::with_capacity(steps + 1);
    let mut first_block = None;
    for k in 0..=steps {
        let t = k as f64 / steps as f64;
        let (x, y) = (eye[0] + t * dx, eye[1] + t * dy);
        let d = t * length;
        let lowered = |z: Option<f64>| z.map_or(f32::NAN, |z| (z - drop * d * d) as f32);
        let p = ProfilePoint {
            distance: d,
            x,
            y,
            ground: lowered(ground.and_then(|g| g.height(x, y))),
            surface: lowered(surface.height(x, y)),
            sight: eye[2] + t * (target[2] - eye[2]),
        };
        if first_block.is_none() && d > own && d < length - own && p.surface as f64 > p.sight {
            first_block = Some(points.len());
        }
        points.push(p);
    }
    let (a, b) = (GridPoint::of(surface, eye), GridPoint::of(surface, target));
    let clearance = exact::clearance(surface, a, b, drop).unwrap_or(f64::INFINITY);
    Profile {
        points,
        length,
        visible: clearance >= 0.0,
        clearance,
        first_block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_halfway_blocks_at_its_distance() {
        let n = 41;
        let mut g = Grid {
            width: n,
            height: 1,
            x0: 0.0,
            y0: 1.0,
            dx: 1.0,
            dy: 1.0,
            values: vec![100.0; n],
            crs: None,
        };
        g.values[20] = 110.0;
        let p = profile(&g, None, [5.5, 0.5, 101.6], [35.5, 0.5, 101.6], 0.0, 0.25);
        assert!(!p.visible);
        assert!(
            (p.clearance - (101.6 - 110.0)).abs() < 1e-6,
            "{}",
            p.clearance
        );
        let b = p.first_block_point().unwrap();
        // The bilinear surface rises above 101.6 m within a cell of the wall.
        assert!((b.distance - 15.0).abs() < 1.0, "{}", b.distance);
        assert_eq!(p.points.len(), 121);
    }
}
