//! What a viewshed is asked (the eye, the target height, how far, which
//! directions, curvature and refraction) and what it answers.

use pw_analysis::Message;
use pw_terrain::Grid;

/// The semi-major axis of WGS 84 / GRS 80 (m): the earth radius the
/// curvature correction uses, as GDAL takes it from the CRS.
pub const EARTH_RADIUS: f64 = 6_378_137.0;

/// GDAL's default curvature coefficient: the earth's curvature less
/// standard refraction (1 − 1/7); 0 is a flat earth.
pub const REFRACTION: f64 = 0.85714;

/// Directions looked at: azimuths in degrees clockwise from grid north,
/// from `from` clockwise to `to` (from 300 to 60 looks north).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cone {
    pub from: f64,
    pub to: f64,
}

impl Cone {
    /// The cone's width in degrees (0 < width ≤ 360).
    pub fn width(&self) -> f64 {
        let w = (self.to - self.from).rem_euclid(360.0);
        if w == 0.0 && self.from != self.to {
            360.0
        } else {
            w
        }
    }

    /// Whether the direction (dx east, dy north) lies in the cone.
    pub fn contains(&self, dx: f64, dy: f64) -> bool {
        let azimuth = dx.atan2(dy).to_degrees();
        (azimuth - self.from).rem_euclid(360.0) <= self.width()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sight {
    /// The eye: scene coordinates and its absolute height (m).
    pub eye: [f64; 3],
    /// A target is this high above the surface of its cell (m).
    pub target_height: f64,
    /// Cells farther than this are not looked at (m); 0: the whole grid.
    pub max_distance: f64,
    /// Heights drop by `curvature · d² / (2 R)` with the distance `d`
    /// ([`REFRACTION`] by default, 0 for a flat earth).
    pub curvature: f64,
    pub cone: Option<Cone>,
    /// Elevation angles (degrees, −90…90) a target must lie between.
    pub vertical: Option<[f64; 2]>,
}

impl Sight {
    pub fn new(eye: [f64; 3]) -> Sight {
        Sight {
            eye,
            target_height: 0.0,
            max_distance: 0.0,
            curvature: REFRACTION,
            cone: None,
            vertical: None,
        }
    }

    /// Metres a height drops per square metre of distance.
    pub fn drop_per_m2(&self) -> f64 {
        self.curvature / (2.0 * EARTH_RADIUS)
    }

    /// Whether a target at (dx, dy) from the eye, `up` metres above the
    /// eye there, lies in the directions looked at.
    pub fn looks_at(&self, dx: f64, dy: f64, up: f64) -> bool {
        if let Some(cone) = &self.cone
            && !cone.contains(dx, dy)
        {
            return false;
        }
        if let Some([low, high]) = self.vertical {
            let angle = up.atan2(dx.hypot(dy)).to_degrees();
            if angle < low || angle > high {
                return false;
            }
        }
        true
    }

    pub fn check(&self) -> Result<(), ViewError> {
        if !self.eye.iter().all(|v| v.is_finite()) {
            return Err(ViewError::Setting(
                Message::new("view.setting.no_eye").english("the eye has no position"),
            ));
        }
        if !(self.target_height.is_finite() && self.target_height >= 0.0) {
            return Err(ViewError::Setting(
                Message::new("view.setting.target_height")
                    .arg("value", self.target_height)
                    .english("target height {value}: give 0 m or more"),
            ));
        }
        if !(self.max_distance.is_finite() && self.max_distance >= 0.0) {
            return Err(ViewError::Setting(
                Message::new("view.setting.max_distance")
                    .arg("value", self.max_distance)
                    .english("maximum distance {value}: give 0 (the whole grid) or more"),
            ));
        }
        if !(0.0..=1.0).contains(&self.curvature) {
            return Err(ViewError::Setting(
                Message::new("view.setting.curvature")
                    .arg("value", self.curvature)
                    .english(
                        "curvature coefficient {value}: between 0 (flat) and 1 (no refraction)",
                    ),
            ));
        }
        // From a direction to the same one is no cone; 0 to 360 is all around.
        if let Some(c) = &self.cone
            && (c.from == c.to || !c.from.is_finite() || !c.to.is_finite())
        {
            return Err(ViewError::ZeroCone {
                from: c.from,
                to: c.to,
            });
        }
        if let Some([low, high]) = self.vertical
            && !(low < high && low >= -90.0 && high <= 90.0)
        {
            return Err(ViewError::Setting(
                Message::new("view.setting.vertical")
                    .arg("low", low)
                    .arg("high", high)
                    .english("vertical angles {low}…{high}°: the lower below the upper, both within −90…90°"),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ViewError {
    #[error(
        "the observer at {x:.1}, {y:.1} lies outside the terrain ({min_x:.0}–{max_x:.0} E, {min_y:.0}–{max_y:.0} N): pick a point on it"
    )]
    ObserverOutside {
        x: f64,
        y: f64,
        min_x: f64,
        min_y: f64,
        max_x: f64,
        max_y: f64,
    },
    #[error(
        "the terrain has no height at the observer ({x:.1}, {y:.1}): pick a point where it has"
    )]
    ObserverOnNoData { x: f64, y: f64 },
    #[error(
        "the eye at {x:.1}, {y:.1}, {eye:.1} m lies {depth:.1} m inside a building or under the ground: pick a point outside, or raise the eye"
    )]
    ObserverBuried {
        x: f64,
        y: f64,
        eye: f64,
        depth: f64,
    },
    #[error(
        "no open ground within 10 m of {x:.1}, {y:.1} (it lies on a building): pick a point beside it, or one on its roof or wall"
    )]
    NoOpenGround { x: f64, y: f64 },
    #[error(
        "the cone from {from}° to {to}° has no width: give two different directions, or look all around"
    )]
    ZeroCone { from: f64, to: f64 },
    /// A setting out of range, in the catalogue's words.
    #[error("{0}")]
    Setting(pw_analysis::Message),
    #[error("cancelled")]
    Cancelled,
}

impl From<pw_job::Cancelled> for ViewError {
    fn from(_: pw_job::Cancelled) -> Self {
        ViewError::Cancelled
    }
}

/// The answer: 1 where a target is visible, 0 where hidden, NaN where not
/// looked at (beyond the distance, outside the cone, no data).
#[derive(Debug, Clone)]
pub struct Viewshed {
    pub grid: Grid,
    pub visible: usize,
    pub hidden: usize,
    /// The distance asked for reaches past the grid's edge.
    pub beyond_data: bool,
}

impl Viewshed {
    pub(crate) fn from_grid(grid: Grid, beyond_data: bool) -> Viewshed {
        let visible = grid.values.iter().filter(|v| **v == 1.0).count();
        let hidden = grid.values.iter().filter(|v| **v == 0.0).count();
        Viewshed {
            grid,
            visible,
            hidden,
            beyond_data,
        }
    }
}

/// The cell the eye stands on, checked: on the grid and on data.
pub(crate) fn eye_cell(grid: &Grid, sight: &Sight) -> Result<(usize, usize), ViewError> {
    sight.check()?;
    let [x, y, _] = sight.eye;
    let (min_x, min_y, max_x, max_y) = grid.bounds();
    let c = ((x - grid.x0) / grid.dx).floor();
    let r = ((grid.y0 - y) / grid.dy).floor();
    if !(c >= 0.0 && r >= 0.0 && (c as usize) < grid.width && (r as usize) < grid.height) {
        return Err(ViewError::ObserverOutside {
            x,
            y,
            min_x,
            min_y,
            max_x,
            max_y,
        });
    }
    let (c, r) = (c as usize, r as usize);
    if grid.value(c, r).is_none() {
        return Err(ViewError::ObserverOnNoData { x, y });
    }
    Ok((c, r))
}

/// The cells within the distance: first column, first row, one past the
/// last column and row; and whether the distance reaches past the grid.
pub(crate) fn window(grid: &Grid, (c, r): (usize, usize), max_distance: f64) -> ([usize; 4], bool) {
    if max_distance <= 0.0 {
        return ([0, 0, grid.width, grid.height], false);
    }
    let reach_c = (max_distance / grid.dx).ceil() as usize;
    let reach_r = (max_distance / grid.dy).ceil() as usize;
    // The cells looked at reach whole cells out (as far as the distance
    // allows): past the grid's edge, something is missing.
    let (seen_c, seen_r) = (
        (max_distance / grid.dx).floor() as usize,
        (max_distance / grid.dy).floor() as usize,
    );
    let beyond = c < seen_c || r < seen_r || c + seen_c >= grid.width || r + seen_r >= grid.height;
    (
        [
            c.saturating_sub(reach_c),
            r.saturating_sub(reach_r),
            (c + reach_c + 1).min(grid.width),
            (r + reach_r + 1).min(grid.height),
        ],
        beyond,
    )
}

/// The window of `grid` as a grid of its own, every value NaN.
pub(crate) fn empty_like(grid: &Grid, [c0, r0, c1, r1]: [usize; 4]) -> Grid {
    Grid {
        width: c1 - c0,
        height: r1 - r0,
        x0: grid.x0 + c0 as f64 * grid.dx,
        y0: grid.y0 - r0 as f64 * grid.dy,
        dx: grid.dx,
        dy: grid.dy,
        values: vec![f32::NAN; (c1 - c0) * (r1 - r0)],
        crs: grid.crs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cone_across_north_holds_north_and_not_south() {
        let cone = Cone {
            from: 300.0,
            to: 60.0,
        };
        assert_eq!(cone.width(), 120.0);
        assert!(cone.contains(0.0, 1.0));
        assert!(cone.contains(-1.0, 1.0));
        assert!(!cone.contains(0.0, -1.0));
        assert!(!cone.contains(1.0, 0.0));
        let east = Cone {
            from: 45.0,
            to: 135.0,
        };
        assert!(east.contains(1.0, 0.0));
        assert!(!east.contains(-1.0, 0.0));
    }

    #[test]
    fn a_zero_cone_and_bad_angles_are_refused() {
        let mut s = Sight::new([0.0, 0.0, 10.0]);
        s.cone = Some(Cone {
            from: 90.0,
            to: 90.0,
        });
        assert!(matches!(s.check(), Err(ViewError::ZeroCone { .. })));
        let all = Cone {
            from: 0.0,
            to: 360.0,
        };
        s.cone = Some(all);
        assert!(s.check().is_ok());
        assert_eq!(all.width(), 360.0);
        assert!(all.contains(-1.0, -1.0) && all.contains(1.0, 0.0));
        s.cone = None;
        s.vertical = Some([10.0, -10.0]);
        assert!(matches!(s.check(), Err(ViewError::Setting(_))));
        s.vertical = None;
        s.curvature = 2.0;
        assert!(s.check().is_err());
    }
}
