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

/// "2026-11-23T22:58:00Z" from Unix seconds (civil-from-days, proleptic
/// Gregorian), so results say when they were made without a date crate.
pub fn iso_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_774_047_600), "2026-03-20T23:00:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(-86_400), "1969-12-31T00:00:00Z");
    }

    #[test]
    fn difference_needs_the_same_grid() {
        let g = |w: usize, v: f32| Grid {
            width: w,
            height: 1,
            x0: 0.0,
            y0: 0.0,
            dx: 1.0,
            dy: 1.0,
            values: vec![v; w],
            crs: None,
        };
        let d = difference(&g(2, 5.0), &g(2, 3.5)).unwrap();
        assert_eq!(d.values, vec![-1.5, -1.5]);
        assert!(difference(&g(2, 5.0), &g(3, 3.5)).is_err());
    }
}
