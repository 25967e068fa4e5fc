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
    /// The scene CRS of positions and grid.
    pub crs: Option<pw_geo::Crs>,
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
            ("computed_at".into(), iso_utc(unix as i64)),
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
