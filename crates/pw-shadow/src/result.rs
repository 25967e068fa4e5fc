//! What a run produces, stamped with how it was made: ground hours as a
//! grid, hours per facade/roof sample, the sun steps used, and the run's
//! parameters and inputs (shown in the UI and written into every export).

use crate::obstacles::SurfaceKind;
use crate::steps::SunStep;
use pw_geo::SceneOrigin;
use pw_terrain::Grid;

#[derive(Debug, Clone)]
pub struct SunHours {
    /// Mean hours of direct sun per day per cell; NaN under buildings.
    pub ground: Option<Grid>,
    pub facades: FacadeResult,
    /// Sun positions counted (above the threshold).
    pub steps: Vec<SunStep>,
    pub run: RunInfo,
    /// The scene CRS of positions and grid.
    pub crs: Option<pw_geo::Crs>,
    /// Things the user should know (no terrain, sun never up …).
    pub notes: Vec<pw_analysis::Message>,
}

#[derive(Debug, Clone)]
pub struct FacadeResult {
    /// Sample positions are relative to this point of the scene CRS.
    pub origin: SceneOrigin,
    pub object_ids: Vec<String>,
    pub surfaces: Vec<SurfaceInfo>,
    pub samples: Vec<SampleResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceInfo {
    pub object: u32,
    pub surface_id: Option<String>,
    pub kind: SurfaceKind,
    pub normal: [f32; 3],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleResult {
    pub position: [f32; 3],
    pub surface: u32,
    pub area: f32,
    /// Mean hours of direct sun per day.
    pub hours: f32,
    /// Hours with the sun above the DIN EN 17037 elevation.
    pub din_hours: f32,
}

impl FacadeResult {
    pub fn world(&self, s: &SampleResult) -> [f64; 3] {
        self.origin.to_world(s.position)
    }
}

/// Parameters and inputs as ordered key/value pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub entries: Vec<(String, String)>,
}

impl RunInfo {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// ISO 8601 UTC time of Unix seconds (one implementation, in pw-scenario).
pub use pw_analysis::scenario::iso_utc;

/// Ground statistics for the legend and reports.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundStats {
    /// Cells with a value (not under buildings).
    pub cells: usize,
    pub cell_area: f64,
    pub mean_hours: f64,
    pub max_hours: f64,
}

impl GroundStats {
    pub fn of(grid: &Grid) -> GroundStats {
        let vals = grid.values.iter().filter(|v| v.is_finite());
        let (mut n, mut sum, mut max) = (0usize, 0.0f64, 0.0f64);
        for &v in vals {
            n += 1;
            sum += v as f64;
            max = max.max(v as f64);
        }
        GroundStats {
            cells: n,
            cell_area: grid.dx * grid.dy,
            mean_hours: if n > 0 { sum / n as f64 } else { 0.0 },
            max_hours: max,
        }
    }
}

/// Square metres of ground with at least `hours` of sun.
pub fn area_with_at_least(grid: &Grid, hours: f32) -> f64 {
    grid.values.iter().filter(|v| **v >= hours - 1e-4).count() as f64 * grid.dx * grid.dy
}
