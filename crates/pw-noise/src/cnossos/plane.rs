//! The mean ground plane of CNOSSOS-EU (§2.5.6 of Annex II): the straight
//! line fitted by least squares to the ground profile under a path (or
//! under one side of a diffracted path), and the heights of the source
//! and receiver above it.

/// A point of a vertical section: distance along the path (m) and altitude (m).
pub type Point2 = [f64; 2];

/// z = slope · x + intercept over a stretch of the section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanPlane {
    pub slope: f64,
    pub intercept: f64,
}

impl MeanPlane {
    /// Least-squares line through the ground polyline (integrated along
    /// its segments, not over its vertices), measured from `ground[0].x`.
    /// A single point or a vertical stretch gives the level line through
    /// its mean altitude.
    pub fn fit(ground: &[Point2]) -> MeanPlane {
        let Some(first) = ground.first() else {
            return MeanPlane {
                slope: 0.0,
                intercept: 0.0,
            };
        };
        let x0 = first[0];
        let length = ground.last().map(|p| p[0] - x0).unwrap_or(0.0);
        if length <= 1e-9 {
            let mean = ground.iter().map(|p| p[1]).sum::<f64>() / ground.len() as f64;
            return MeanPlane {
                slope: 0.0,
                intercept: mean,
            };
        }
        // ∫ x z dx and ∫ z dx over the polyline (x from the first point).
        let (mut ixz, mut iz) = (0.0, 0.0);
        for w in ground.windows(2) {
            let (x1, z1, x2, z2) = (w[0][0] - x0, w[0][1], w[1][0] - x0, w[1][1]);
            let dx = x2 - x1;
            if dx <= 0.0 {
                continue; // a vertical wall adds no ground length
            }
            let a = (z2 - z1) / dx;
            let b = z1 - a * x1;
            ixz += a * (x2.powi(3) - x1.powi(3)) / 3.0 + b * (x2 * x2 - x1 * x1) / 2.0;
            iz += a * (x2 * x2 - x1 * x1) / 2.0 + b * dx;
        }
        let l = length;
        let slope = (12.0 * ixz - 6.0 * iz * l) / l.powi(3);
        let intercept = (4.0 * iz * l - 6.0 * ixz) / (l * l);
        MeanPlane {
            slope,
            intercept: intercept - slope * x0,
        }
    }

    pub fn z_at(&self, x: f64) -> f64 {
        self.slope * x + self.intercept
    }

    /// Signed distance of a point from the plane, perpendicular to it
    /// (positive above).
    pub fn height_of(&self, p: Point2) -> f64 {
        (p[1] - self.z_at(p[0])) / (1.0 + self.slope * self.slope).sqrt()
    }

    /// Distance between the feet of two points on the plane.
    pub fn projected_distance(&self, a: Point2, b: Point2) -> f64 {
        let along = |p: Point2| {
            (p[0] + self.slope * (p[1] - self.intercept)) / (1.0 + self.slope * self.slope).sqrt()
        };
        (along(b) - along(a)).abs()
    }

    /// The image of a point mirrored in the plane (S′, R′ of the ground
    /// reflection in diffraction).
    pub fn mirror(&self, p: Point2) -> Point2 {
        let h = self.height_of(p);
        let n = 1.0 / (1.0 + self.slope * self.slope).sqrt();
        // Unit normal pointing up: (−slope, 1)·n.
        [p[0] + 2.0 * h * self.slope * n, p[1] - 2.0 * h * n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_tr_17534_4_tc05_plane() {
        // TC05: ground section (0,0) (112.41,0) (178.84,10) (194.16,10),
        // S 1 m above (0,0), R at 14 m: a 0.05, b −2.83, z_s 3.83, z_r 6.16,
        // d_p 194.59.
        let ground = [[0.0, 0.0], [112.41, 0.0], [178.84, 10.0], [194.16, 10.0]];
        let plane = MeanPlane::fit(&ground);
        let (s, r) = ([0.0, 1.0], [194.16, 14.0]);
        assert!((plane.slope - 0.05).abs() < 0.005, "{plane:?}");
        assert!((plane.intercept + 2.83).abs() < 0.01, "{plane:?}");
        assert!(
            (plane.height_of(s) - 3.83).abs() < 0.01,
            "{}",
            plane.height_of(s)
        );
        assert!(
            (plane.height_of(r) - 6.16).abs() < 0.01,
            "{}",
            plane.height_of(r)
        );
        assert!(
            (plane.projected_distance(s, r) - 194.59).abs() < 0.01,
            "{}",
            plane.projected_distance(s, r)
        );
    }

    #[test]
    fn flat_ground_and_mirror() {
        let plane = MeanPlane::fit(&[[0.0, 0.0], [100.0, 0.0]]);
        assert_eq!(
            plane,
            MeanPlane {
                slope: 0.0,
                intercept: 0.0
            }
        );
        assert_eq!(plane.mirror([5.0, 4.0]), [5.0, -4.0]);
        let tilted = MeanPlane {
            slope: 1.0,
            intercept: 0.0,
        };
        let m = tilted.mirror([0.0, 2.0]);
        assert!((m[0] - 2.0).abs() < 1e-12 && m[1].abs() < 1e-12, "{m:?}");
    }
}
