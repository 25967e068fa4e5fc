//! What a run produces, stamped with how it was made: ground hours as a
//! grid, hours per facade/roof sample, the sun steps used, and the run's
//! parameters and inputs (shown in the UI and written into every export).

use crate::analysis::Params;
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
    /// Things the user should know (no terrain, sun never up …).
    pub notes: Vec<String>,
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
    pub fn new(
        params: &Params,
        started: std::time::SystemTime,
        objects: usize,
        triangles: usize,
    ) -> RunInfo {
        let unix = started
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let dates: Vec<&str> = params.windows.iter().map(|w| w.date.as_str()).collect();
        let o = &params.observer;
        let mut entries = vec![
            ("software".into(), format!("planwerkstatt {}", env!("CARGO_PKG_VERSION"))),
            ("computed_at_unix".into(), unix.to_string()),
            ("method".into(), "direct sun: height-grid line sweep (ground), BVH ray casting (facades, roofs); sun by NREL SPA".into()),
            ("area".into(), params.area.to_string()),
            ("crs".into(), params.crs.map(|c| c.name()).unwrap_or_else(|| "unknown".into())),
            ("cell_size_m".into(), params.cell.to_string()),
            ("margin_m".into(), params.margin.to_string()),
            ("dates".into(), dates.join(" ")),
            (
                "time_windows_unix".into(),
                params
                    .windows
                    .iter()
                    .map(|w| format!("{:.0}-{:.0}", w.start, w.end))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            ("step_minutes".into(), (params.step / 60.0).to_string()),
            ("min_sun_elevation_deg".into(), params.min_elevation.to_string()),
            ("din17037_min_sun_elevation_deg".into(), params.din_min_elevation.to_string()),
            (
                "observer".into(),
                format!(
                    "{:.5} N {:.5} E {:.0} m {:.0} hPa {:.0} °C",
                    o.latitude, o.longitude, o.elevation, o.pressure, o.temperature
                ),
            ),
            ("sample_spacing_m".into(), params.sample_spacing.to_string()),
            ("obstacles".into(), format!("{objects} objects, {triangles} triangles")),
        ];
        for (k, input) in params.inputs.iter().enumerate() {
            entries.push((format!("input_{}", k + 1), input.clone()));
        }
        RunInfo { entries }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

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

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DifferenceError {
    #[error(
        "the two results cover different grids ({0}): run both with the same area and cell size"
    )]
    Grid(String),
}

/// `after − before` per cell (hours gained, negative = lost). NaN where
/// either is NaN (a building in one of the variants).
pub fn difference(before: &Grid, after: &Grid) -> Result<Grid, DifferenceError> {
    let same = before.width == after.width
        && before.height == after.height
        && (before.x0 - after.x0).abs() < 1e-6
        && (before.y0 - after.y0).abs() < 1e-6
        && (before.dx - after.dx).abs() < 1e-9
        && (before.dy - after.dy).abs() < 1e-9;
    if !same {
        return Err(DifferenceError::Grid(format!(
            "{}×{} at {:.2},{:.2} step {} vs {}×{} at {:.2},{:.2} step {}",
            before.width,
            before.height,
            before.x0,
            before.y0,
            before.dx,
            after.width,
            after.height,
            after.x0,
            after.y0,
            after.dx
        )));
    }
    Ok(Grid {
        values: before
            .values
            .iter()
            .zip(&after.values)
            .map(|(b, a)| a - b)
            .collect(),
        ..before.clone()
    })
}
