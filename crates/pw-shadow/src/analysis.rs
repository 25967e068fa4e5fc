//! One sun-hours run: obstacles → height grid (+ BVH for facades) → for
//! every sun step, shadows on the grid and rays from every facade sample →
//! hours per cell and per sample. Parallel over sun steps (rayon), with
//! progress and cancel; a cancelled run returns nothing.

use crate::area::Area;
use crate::bvh::Bvh;
use crate::height_model::{self, GroundSource, HeightModel};
use crate::obstacles::{self, Obstacles};
use crate::result::{FacadeResult, RunInfo, SunHours, iso_utc};
use crate::samples::{self, Sample};
use crate::steps::{self, SunStep, TimeWindow};
use crate::sweep::{self, SunDirection};
use pw_analysis::Message;
use pw_city::CityModel;
use pw_geo::elevation::Elevation;
use pw_job::{Cancelled, JobControl};
use pw_sun::Observer;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub area: Area,
    /// Ground cell size in metres.
    pub cell: f64,
    /// Obstacles this far outside the area still cast shadows into it (m).
    pub margin: f64,
    pub windows: Vec<TimeWindow>,
    /// Seconds per step (600 = 10 minutes).
    pub step: f64,
    /// Sun below this elevation (degrees) counts as no sun.
    pub min_elevation: f64,
    pub observer: Observer,
    pub ground: bool,
    pub facades: bool,
    /// Metres between facade and roof sample points.
    pub sample_spacing: f64,
    /// DIN EN 17037 counts sun above this elevation only (degrees).
    pub din_min_elevation: f64,
    /// What went in (files with size and time), for the result's stamp.
    pub inputs: Vec<String>,
    /// The scene CRS the area is in (written into exports).
    pub crs: Option<pw_geo::Crs>,
}

impl Params {
    /// The run's parameters and inputs as a stamp.
    pub fn run_info(
        &self,
        started: std::time::SystemTime,
        objects: usize,
        triangles: usize,
    ) -> RunInfo {
        let params = self;
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

    pub fn new(area: Area, windows: Vec<TimeWindow>, observer: Observer) -> Params {
        Params {
            area,
            cell: 1.0,
            margin: 150.0,
            windows,
            step: 600.0,
            min_elevation: 0.0,
            observer,
            ground: true,
            facades: true,
            sample_spacing: 1.0,
            din_min_elevation: crate::din17037::MIN_SUN_ELEVATION,
            inputs: Vec::new(),
            crs: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("cancelled")]
    Cancelled,
    #[error("sun position: {0}")]
    Sun(#[from] pw_sun::SunError),
    #[error("no time window given: choose at least one date")]
    NoDates,
    #[error("cell size {0} m: choose a value between 0.01 and 50 m")]
    Cell(f64),
    #[error("step {0} s: choose between 1 and 120 minutes")]
    Step(f64),
    #[error(
        "{cells} grid cells ({area_km2:.1} km² at {cell} m) is more than the {limit} this run allows: choose a smaller area or a larger cell size"
    )]
    TooLarge {
        cells: usize,
        area_km2: f64,
        cell: f64,
        limit: usize,
    },
}

impl AnalysisError {
    /// In the catalogue's words (the app shows the user's language).
    pub fn message(&self) -> Message {
        match self {
            AnalysisError::Cancelled => {
                Message::new("sunhours.error.cancelled").english("cancelled")
            }
            AnalysisError::Sun(e) => Message::new("sunhours.error.sun")
                .arg("error", e)
                .english("sun position: {error}"),
            AnalysisError::NoDates => Message::new("sunhours.error.no_dates")
                .english("no time window given: choose at least one date"),
            AnalysisError::Cell(c) => Message::new("sunhours.error.cell")
                .arg("cell", c)
                .english("cell size {cell} m: choose a value between 0.01 and 50 m"),
            AnalysisError::Step(s) => Message::new("sunhours.error.step")
                .arg("step", s)
                .english("step {step} s: choose between 1 and 120 minutes"),
            AnalysisError::TooLarge {
                cells,
                area_km2,
                cell,
                limit,
            } => Message::new("sunhours.error.too_large")
                .arg("cells", cells)
                .arg("area", format!("{area_km2:.1}"))
                .arg("cell", cell)
                .arg("limit", limit)
                .english("{cells} grid cells ({area} km² at {cell} m) is more than the {limit} this run allows: choose a smaller area or a larger cell size"),
        }
    }
}

impl From<Cancelled> for AnalysisError {
    fn from(_: Cancelled) -> Self {
        AnalysisError::Cancelled
    }
}

/// Most grid cells (margin included) one run may hold: 64 M cells are 1 GB
/// of working memory per thread.
pub const MAX_CELLS: usize = 64_000_000;

/// What a run will cost, known before it starts (for the "huge area" warning).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub grid_cells: usize,
    pub sun_steps: usize,
    pub seconds: f64,
}

/// Cell-steps per second of the ground sweep and sample-steps per second of
/// facade rays on the 2-core reference machine (benches/sunhours.rs).
const CELL_STEPS_PER_SECOND: f64 = 1.5e8;
const RAY_STEPS_PER_SECOND: f64 = 4.0e6;

pub fn estimate(params: &Params, facade_samples: usize) -> Result<Estimate, AnalysisError> {
    check(params)?;
    let steps = steps::sun_steps(
        &params.windows,
        params.step,
        params.min_elevation.min(params.din_min_elevation),
        &params.observer,
    )?;
    let grid_cells = grid_cells(params);
    let ground = if params.ground {
        grid_cells as f64
    } else {
        0.0
    };
    let rays = if params.facades {
        facade_samples as f64
    } else {
        0.0
    };
    Ok(Estimate {
        grid_cells,
        sun_steps: steps.len(),
        seconds: steps.len() as f64
            * (ground / CELL_STEPS_PER_SECOND + rays / RAY_STEPS_PER_SECOND),
    })
}

fn grid_cells(params: &Params) -> usize {
    let grown = params.area.grown(params.margin);
    ((grown.width() / params.cell).ceil() * (grown.height() / params.cell).ceil()) as usize
}

fn check(params: &Params) -> Result<(), AnalysisError> {
    if params.windows.is_empty() {
        return Err(AnalysisError::NoDates);
    }
    if !(0.01..=50.0).contains(&params.cell) {
        return Err(AnalysisError::Cell(params.cell));
    }
    if !(1.0..=7200.0).contains(&params.step) {
        return Err(AnalysisError::Step(params.step));
    }
    let cells = grid_cells(params);
    if cells > MAX_CELLS {
        return Err(AnalysisError::TooLarge {
            cells,
            area_km2: params.area.size() / 1e6,
            cell: params.cell,
            limit: MAX_CELLS,
        });
    }
    Ok(())
}

/// Runs the analysis over the given city models and terrain.
pub fn run(
    params: &Params,
    models: &[&CityModel],
    terrain: Option<&dyn Elevation>,
    control: &JobControl,
) -> Result<SunHours, AnalysisError> {
    run_objects(
        params,
        models.iter().flat_map(|m| m.objects.iter()),
        terrain,
        control,
    )
}

/// [`run`] over any objects: a scenario's, with its edits applied.
pub fn run_objects<'a, O>(
    params: &Params,
    objects: impl Iterator<Item = O>,
    terrain: Option<&dyn Elevation>,
    control: &JobControl,
) -> Result<SunHours, AnalysisError>
where
    O: std::ops::Deref<Target = pw_city::CityObject> + 'a,
{
    check(params)?;
    let started = std::time::SystemTime::now();
    control.set_stage("sun");
    // Both thresholds in one pass: steps above the lower one, each step
    // knows whether it counts for sun hours and for DIN EN 17037.
    let lowest = params.min_elevation.min(params.din_min_elevation);
    let all_steps = steps::sun_steps(&params.windows, params.step, lowest, &params.observer)?;
    control.check()?;
    control.set_stage("obstacles");
    let reach = params.area.grown(params.margin);
    let obstacles = obstacles::collect_objects(objects, &params.area, &reach);
    control.check()?;
    // The height grid serves the ground, and the terrain's shadow on
    // facades; a facade-only run without terrain needs none.
    control.set_stage("grid");
    let grid = (params.ground || terrain.is_some()).then(|| {
        height_model::build(
            &params.area,
            params.cell,
            params.margin,
            terrain,
            &obstacles,
        )
    });
    control.check()?;
    let (samples, bvh) = if params.facades {
        let o = obstacles.origin.world;
        let area = params.area;
        let s = samples::sample(&obstacles.surfaces, params.sample_spacing as f32, |p| {
            area.contains(p[0] as f64 + o[0], p[1] as f64 + o[1])
        });
        (s, Bvh::new(obstacles.triangles.clone()))
    } else {
        (Vec::new(), Bvh::default())
    };
    control.check()?;
    control.set_stage("shadows");
    let acc = accumulate(
        params,
        grid.as_ref(),
        &obstacles,
        &samples,
        &bvh,
        &all_steps,
        control,
    )?;
    let days = params.windows.len() as f64;
    let hours = |s: f64| (s / 3600.0 / days) as f32;
    let ground = grid
        .as_ref()
        .filter(|_| params.ground)
        .map(|g| ground_grid(g, &acc.ground, &hours, params.crs));
    let facades = FacadeResult {
        origin: obstacles.origin,
        object_ids: obstacles.object_ids.clone(),
        surfaces: obstacles
            .surfaces
            .iter()
            .map(|s| crate::result::SurfaceInfo {
                object: s.object,
                surface_id: s.surface_id.clone(),
                kind: s.kind,
                normal: s.normal,
            })
            .collect(),
        samples: samples
            .iter()
            .zip(acc.facade.iter().zip(&acc.din))
            .map(|(s, (&h, &d))| crate::result::SampleResult {
                position: s.position,
                surface: s.surface,
                area: s.area,
                hours: hours(h),
                din_hours: hours(d),
            })
            .collect(),
    };
    let counted: Vec<SunStep> = all_steps
        .iter()
        .filter(|s| s.elevation > params.min_elevation)
        .copied()
        .collect();
    let mut notes = Vec::new();
    match grid.as_ref().map(|g| &g.ground_source) {
        None | Some(GroundSource::Terrain) => {}
        Some(GroundSource::BuildingBases(n)) => notes.push(
            Message::new("sunhours.note.ground_from_bases")
                .arg("count", n)
                .english("no terrain layer: ground heights interpolated from {count} building base points"),
        ),
        Some(GroundSource::TerrainIntersections(n)) => notes.push(
            Message::new("sunhours.note.ground_from_intersections")
                .arg("count", n)
                .english("no terrain layer: ground heights interpolated from {count} points where the buildings meet the terrain"),
        ),
        Some(GroundSource::Flat) => notes.push(
            Message::new("sunhours.note.flat_ground")
                .english("no terrain and no buildings: flat ground"),
        ),
    }
    if obstacles.object_count == 0 {
        notes
            .push(Message::new("sunhours.note.no_obstacles").english(
                "no buildings or other obstacles in the area: only terrain casts shadows",
            ));
    }
    if counted.is_empty() {
        notes.push(
            Message::new("sunhours.note.sun_never_up")
                .english("the sun does not rise above the threshold in the chosen time window"),
        );
    }
    Ok(SunHours {
        ground,
        facades,
        steps: counted,
        run: params.run_info(started, obstacles.object_count, obstacles.triangles.len()),
        crs: params.crs,
        notes,
    })
}

struct Accumulated {
    /// Seconds of sun per inner cell.
    ground: Vec<f64>,
    facade: Vec<f64>,
    din: Vec<f64>,
}

impl Accumulated {
    fn zero(cells: usize, samples: usize) -> Accumulated {
        Accumulated {
            ground: vec![0.0; cells],
            facade: vec![0.0; samples],
            din: vec![0.0; samples],
        }
    }
    fn add(mut self, other: Accumulated) -> Accumulated {
        for (a, b) in [
            (&mut self.ground, &other.ground),
            (&mut self.facade, &other.facade),
            (&mut self.din, &other.din),
        ] {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self
    }
}

/// Per-thread scratch for one step.
struct Scratch {
    acc: Accumulated,
    ceiling: Vec<f32>,
    terrain_ceiling: Vec<f32>,
}

fn accumulate(
    params: &Params,
    grid: Option<&HeightModel>,
    obstacles: &Obstacles,
    samples: &[Sample],
    bvh: &Bvh,
    steps: &[SunStep],
    control: &JobControl,
) -> Result<Accumulated, AnalysisError> {
    let [c0, r0, w, h] = grid.map_or([0; 4], |g| g.inner);
    let inner_cells = if params.ground { w * h } else { 0 };
    let done = AtomicUsize::new(0);
    let ground_model = grid.filter(|_| params.ground);
    let terrain_grid = grid.filter(|g| params.facades && g.ground_source == GroundSource::Terrain);
    let origin = obstacles.origin.world;
    let result = steps
        .par_iter()
        .try_fold(
            || Scratch {
                acc: Accumulated::zero(inner_cells, samples.len()),
                ceiling: Vec::new(),
                terrain_ceiling: Vec::new(),
            },
            |mut s, step| -> Result<Scratch, Cancelled> {
                control.check()?;
                let sun = SunDirection {
                    azimuth: step.azimuth,
                    elevation: step.elevation,
                };
                let counts = step.elevation > params.min_elevation;
                let din = step.elevation >= params.din_min_elevation;
                if let (true, Some(grid)) = (counts, ground_model) {
                    s.ceiling.resize(grid.surface.len(), 0.0);
                    sweep::shadow_ceiling(
                        &grid.casters,
                        Some(&grid.building),
                        grid.width,
                        grid.height,
                        grid.cell,
                        sun,
                        &mut s.ceiling,
                    );
                    for r in 0..h {
                        let row = (r0 + r) * grid.width + c0;
                        let out = &mut s.acc.ground[r * w..(r + 1) * w];
                        let heights = &grid.surface[row..row + w];
                        let ceil = &s.ceiling[row..row + w];
                        for k in 0..w {
                            if sweep::sees_sun(heights[k], ceil[k]) {
                                out[k] += step.weight;
                            }
                        }
                    }
                }
                if !samples.is_empty() {
                    if let Some(grid) = terrain_grid {
                        s.terrain_ceiling.resize(grid.ground.len(), 0.0);
                        sweep::shadow_ceiling(
                            &grid.ground,
                            None,
                            grid.width,
                            grid.height,
                            grid.cell,
                            sun,
                            &mut s.terrain_ceiling,
                        );
                    }
                    let d = step.direction.map(|v| v as f32);
                    for (k, p) in samples.iter().enumerate() {
                        let n = obstacles.surfaces[p.surface as usize].normal;
                        // Sun behind the surface: its own building shades it.
                        if n[0] * d[0] + n[1] * d[1] + n[2] * d[2] <= 0.0 {
                            continue;
                        }
                        if let Some(grid) = terrain_grid {
                            let x = p.position[0] as f64 + origin[0];
                            let y = p.position[1] as f64 + origin[1];
                            // Half a metre of slack: the grid's terrain is
                            // coarser than the facade point's true ground.
                            if grid
                                .cell_of(x, y)
                                .is_some_and(|i| p.position[2] < s.terrain_ceiling[i] - 0.5)
                            {
                                continue;
                            }
                        }
                        // Start a few centimetres off the surface so it does
                        // not hit itself.
                        let o = [0, 1, 2].map(|j| p.position[j] + n[j] * 0.05);
                        if bvh.occluded(o, d, 1e-3) {
                            continue;
                        }
                        if counts {
                            s.acc.facade[k] += step.weight;
                        }
                        if din {
                            s.acc.din[k] += step.weight;
                        }
                    }
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                control.set_progress(n as f32 / steps.len().max(1) as f32);
                Ok(s)
            },
        )
        .map(|s| s.map(|s| s.acc))
        .try_reduce(
            || Accumulated::zero(inner_cells, samples.len()),
            |a, b| Ok(a.add(b)),
        )?;
    control.check()?;
    Ok(result)
}

/// Hours per inner cell; NaN on buildings (their roofs are samples).
fn ground_grid(
    grid: &HeightModel,
    seconds: &[f64],
    hours: &dyn Fn(f64) -> f32,
    crs: Option<pw_geo::Crs>,
) -> pw_terrain::Grid {
    let [c0, r0, w, h] = grid.inner;
    let mut values = Vec::with_capacity(w * h);
    for r in 0..h {
        for c in 0..w {
            let i = (r0 + r) * grid.width + c0 + c;
            values.push(if grid.building[i] {
                f32::NAN
            } else {
                hours(seconds[r * w + c])
            });
        }
    }
    let [x, y] = grid.cell_centre(c0, r0);
    pw_terrain::Grid {
        width: w,
        height: h,
        x0: x - 0.5 * grid.cell,
        y0: y + 0.5 * grid.cell,
        dx: grid.cell,
        dy: grid.cell,
        values,
        crs,
    }
}
