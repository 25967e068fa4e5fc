//! Sun-hours runs as the workbench and the CLI start them: local dates and
//! time windows (time zone with daylight saving) → `pw_shadow` parameters
//! for the scene's city; the scene's city models and terrain read the way
//! the layers load them. `planwerkstatt shadow` lives here too.

use crate::layers::LoadedCity;
use crate::layers::city::load_city;
use pw_geo::Crs;
use pw_geo::elevation::{Elevation, TerrainStack};
use pw_scene::{LayerKind, Scene};
use pw_shadow::{Area, Params, TimeWindow};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Dates planners ask for: equinox, solstices, and 17 January (the day
/// German courts and DIN 5034-1 use for winter sun).
pub const DATE_PRESETS: [(u8, u8); 4] = [(3, 21), (6, 21), (12, 21), (1, 17)];

/// One local day (or the part between `from` and `to`) as a time window.
pub fn day_window(
    date: jiff::civil::Date,
    from: Option<jiff::civil::Time>,
    to: Option<jiff::civil::Time>,
    tz: &jiff::tz::TimeZone,
) -> anyhow::Result<TimeWindow> {
    let at = |d: jiff::civil::Date, t: jiff::civil::Time| -> anyhow::Result<f64> {
        let z = d.to_datetime(t).to_zoned_datetime(tz.clone())?;
        Ok(z.timestamp().as_millisecond() as f64 / 1000.0)
    };
    let midnight = jiff::civil::time(0, 0, 0, 0);
    let start = at(date, from.unwrap_or(midnight))?;
    let end = match to {
        Some(t) => at(date, t)?,
        None => at(date.tomorrow()?, midnight)?,
    };
    anyhow::ensure!(
        end > start,
        "the time window {date} {from:?}–{to:?} is empty"
    );
    Ok(TimeWindow {
        date: date.to_string(),
        start,
        end,
    })
}

/// Parameters for the scene's city (sun seen from the scene origin's height).
pub fn params_for(scene: &Scene, area: Area, windows: Vec<TimeWindow>) -> Params {
    let c = &scene.city;
    let observer = pw_sun::Observer::standard(c.latitude, c.longitude, scene.origin[2]);
    let mut p = Params::new(area, windows, observer);
    p.crs = Crs::parse(&scene.crs).ok();
    p
}

/// "file (bytes, modified …)" — what a result says about its inputs.
pub fn describe_input(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    let bytes = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let modified = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "?".into());
    format!("{} ({bytes} bytes, modified {modified})", path.display())
}

/// What a headless run needs from a scene: its city models, its terrain,
/// and the input descriptions for the stamp.
pub struct SceneInputs {
    pub cities: Vec<Arc<LoadedCity>>,
    pub terrain: Option<Arc<dyn Elevation>>,
    pub inputs: Vec<String>,
    pub notes: Vec<String>,
}

/// Loads every visible city and DEM layer of a scene as the app does.
pub fn load_scene_inputs(scene: &Scene, scene_path: &Path) -> anyhow::Result<SceneInputs> {
    let crs = Crs::parse(&scene.crs)?;
    let origin = pw_geo::SceneOrigin::new(scene.origin);
    let control = pw_job::JobControl::default();
    let mut out = SceneInputs {
        cities: Vec::new(),
        terrain: None,
        inputs: Vec::new(),
        notes: Vec::new(),
    };
    let mut stack = TerrainStack::default();
    for layer in scene
        .layers
        .iter()
        .filter(|l| l.visible && l.kind == LayerKind::Dem)
    {
        let source = Scene::resolve_path(scene_path, &layer.path);
        let loaded = crate::layers::terrain::load_dem(layer, &source, crs, &origin, &control)
            .map_err(|e| anyhow::anyhow!(e))?;
        stack.layers.extend(loaded.terrain.clone());
        out.inputs.push(describe_input(&source));
    }
    for layer in scene.layers.iter().filter(|l| l.visible) {
        let source = Scene::resolve_path(scene_path, &layer.path);
        match layer.kind {
            LayerKind::Citygml | LayerKind::Cityjson | LayerKind::Gltf => {
                let city = load_city(layer, &source, crs, &origin, &control, &stack)
                    .map_err(|e| anyhow::anyhow!(e))?;
                if stack.is_empty() {
                    // A CityGML relief (TIN) is terrain for the analysis too.
                    stack.layers.extend(city.terrain.clone());
                }
                out.cities.push(Arc::new(city));
                out.inputs.push(describe_input(&source));
            }
            LayerKind::Tiles3d => out.notes.push(format!(
                "{}: 3D Tiles layers stream by view and are not part of a headless run; analyse them in the workbench",
                layer.name
            )),
            _ => {}
        }
    }
    if !stack.is_empty() {
        out.terrain = Some(Arc::new(stack));
    }
    Ok(out)
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct ShadowArgs {
    /// The scene whose buildings and terrain cast the shadows.
    #[arg(long)]
    pub scene: PathBuf,
    /// min_x,min_y,max_x,max_y in metres of the scene CRS (default: the
    /// extent of the scene's buildings).
    #[arg(long, allow_hyphen_values = true)]
    pub area: Option<String>,
    /// Local date YYYY-MM-DD; repeat for several days (hours are the mean).
    #[arg(long, required = true)]
    pub date: Vec<String>,
    /// Start of the time window, local HH:MM (default 00:00).
    #[arg(long)]
    pub from: Option<String>,
    /// End of the time window, local HH:MM (default 24:00).
    #[arg(long)]
    pub to: Option<String>,
    /// Minutes between sun positions.
    #[arg(long, default_value_t = 10.0)]
    pub step: f64,
    /// Ground cell size in metres.
    #[arg(long, default_value_t = 1.0)]
    pub cell: f64,
    /// Obstacles up to this far outside the area cast shadows into it (m).
    #[arg(long, default_value_t = 150.0)]
    pub margin: f64,
    /// Sun below this elevation (degrees) does not count.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub min_elevation: f64,
    /// Metres between facade and roof sample points.
    #[arg(long, default_value_t = 1.0)]
    pub spacing: f64,
    /// Ground sun hours as GeoTIFF.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Facade and roof samples (hours, DIN EN 17037 level) as GeoJSON.
    #[arg(long)]
    pub facades: Option<PathBuf>,
    /// An earlier ground result (GeoTIFF) to subtract: writes after − before to --diff.
    #[arg(long)]
    pub compare: Option<PathBuf>,
    /// Where the difference map goes (GeoTIFF, hours gained/lost).
    #[arg(long)]
    pub diff: Option<PathBuf>,
    /// Only print the size and the time estimate, run nothing.
    #[arg(long)]
    pub estimate: bool,
    /// Run even when the estimate is above 10 minutes.
    #[arg(long)]
    pub force: bool,
}

fn parse_time(text: &str, what: &str) -> anyhow::Result<jiff::civil::Time> {
    if text == "24:00" {
        anyhow::bail!("{what} 24:00: leave --to out for the end of the day");
    }
    text.parse()
        .map_err(|_| anyhow::anyhow!("{what} {text:?}: write HH:MM"))
}

/// Longest run the CLI starts without --force (seconds).
const CONFIRM_ABOVE: f64 = 600.0;

/// `planwerkstatt shadow`: runs the analysis, writes the files, returns the report.
pub fn shadow(args: &ShadowArgs) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let scene = Scene::load(&args.scene)?;
    let tz = jiff::tz::TimeZone::get(&scene.city.time_zone)
        .with_context(|| format!("unknown time zone {:?} in the scene", scene.city.time_zone))?;
    let from = args
        .from
        .as_deref()
        .map(|t| parse_time(t, "--from"))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|t| parse_time(t, "--to"))
        .transpose()?;
    let mut windows = Vec::new();
    let mut din_dates = 0;
    for d in &args.date {
        let date: jiff::civil::Date = d
            .parse()
            .with_context(|| format!("--date {d:?}: write YYYY-MM-DD"))?;
        din_dates += pw_shadow::din17037::valid_day(date.month() as u8, date.day() as u8) as usize;
        windows.push(day_window(date, from, to, &tz)?);
    }
    anyhow::ensure!(
        args.step > 0.0 && args.step <= 120.0,
        "--step {}: choose between 1 and 120 minutes",
        args.step
    );
    let inputs = load_scene_inputs(&scene, &args.scene)?;
    let area = match &args.area {
        Some(text) => Area::parse(text)?,
        None => {
            let mut e = pw_geo::Extent3::EMPTY;
            for c in &inputs.cities {
                e.union(&c.model.extent());
            }
            anyhow::ensure!(!e.is_empty(), "the scene has no buildings: give --area");
            Area::new(e.min[0], e.min[1], e.max[0], e.max[1])
        }
    };
    let mut params = params_for(&scene, area, windows);
    params.step = args.step * 60.0;
    params.cell = args.cell;
    params.margin = args.margin;
    params.min_elevation = args.min_elevation;
    params.sample_spacing = args.spacing;
    params.facades = args.facades.is_some();
    params.ground = args.out.is_some() || args.diff.is_some() || args.estimate || !params.facades;
    params.inputs = inputs.inputs.clone();
    let models: Vec<&pw_city::CityModel> = inputs.cities.iter().map(|c| &c.model).collect();
    // Sample count for the estimate: one per square metre of wall and roof.
    let surface_m2: f64 = if params.facades {
        models
            .iter()
            .flat_map(|m| m.objects.iter())
            .flat_map(|o| o.surfaces.iter())
            .filter(|s| {
                matches!(
                    s.semantic,
                    pw_city::Semantic::Wall | pw_city::Semantic::Roof
                )
            })
            .map(|s| pw_city::triangulate::polygon_area(&s.exterior, &s.interiors))
            .sum()
    } else {
        0.0
    };
    let est = pw_shadow::estimate(
        &params,
        (surface_m2 / params.sample_spacing.powi(2)) as usize,
    )?;
    let mut out = String::new();
    out += &format!(
        "area:      {area} ({:.3} km², {} CRS)\n",
        area.size() / 1e6,
        scene.crs
    );
    out += &format!(
        "grid:      {} cells of {} m incl. {} m margin; {} sun steps; estimated {:.1} s\n",
        est.grid_cells, params.cell, params.margin, est.sun_steps, est.seconds
    );
    for n in &inputs.notes {
        out += &format!("note:      {n}\n");
    }
    if args.estimate {
        return Ok(out);
    }
    anyhow::ensure!(
        est.seconds <= CONFIRM_ABOVE || args.force,
        "this run would take about {:.0} minutes; choose a smaller --area or a larger --cell, or add --force\n{out}",
        est.seconds / 60.0
    );
    let started = std::time::Instant::now();
    let result = pw_shadow::run(
        &params,
        &models,
        inputs.terrain.as_deref(),
        &pw_job::JobControl::default(),
    )?;
    out += &format!("computed:  in {:.1} s\n", started.elapsed().as_secs_f64());
    for n in &result.notes {
        out += &format!("note:      {n}\n");
    }
    if let Some(g) = &result.ground {
        let s = pw_shadow::result::GroundStats::of(g);
        out += &format!(
            "ground:    {} cells, mean {:.2} h, max {:.2} h of sun per day\n",
            s.cells, s.mean_hours, s.max_hours
        );
        for h in [1.0, 2.0, 4.0, 6.0, 8.0] {
            out += &format!(
                "           ≥ {h} h: {:.0} m²\n",
                pw_shadow::area_with_at_least(g, h as f32)
            );
        }
    }
    if params.facades {
        let f = &result.facades;
        let tally = pw_shadow::din17037::tally(f.samples.iter().map(|s| s.din_hours));
        out += &format!(
            "facades:   {} samples on {} surfaces of {} buildings\n",
            f.samples.len(),
            f.surfaces.len(),
            f.object_ids.len()
        );
        out += &format!(
            "DIN EN 17037 (sun ≥ {}°): not met {}, minimum {}, medium {}, high {}\n",
            params.din_min_elevation, tally[0], tally[1], tally[2], tally[3]
        );
        if din_dates < args.date.len() {
            out += "note:      DIN EN 17037 asks for one day between 1 February and 21 March\n";
        }
    }
    if let Some(path) = &args.out {
        pw_shadow::export::ground_geotiff(&result, path)?;
        out += &format!("written:   {}\n", path.display());
    }
    if let Some(path) = &args.facades {
        pw_shadow::export::write_facades_geojson(&result, path)?;
        out += &format!("written:   {}\n", path.display());
    }
    match (&args.compare, &args.diff, &result.ground) {
        (Some(before), Some(diff), Some(after)) => {
            let (b, _) = pw_terrain::geotiff::read_file(before)?;
            let d = pw_shadow::difference(&b, after)
                .with_context(|| format!("comparing with {}", before.display()))?;
            let mut meta = result.run.entries.clone();
            meta.push(("difference_to".into(), describe_input(before)));
            meta.push((
                "unit".into(),
                "hours of sun gained (+) or lost (−) per day".into(),
            ));
            pw_terrain::geotiff_write::write_file(&d, diff, &meta)?;
            let lost = d.values.iter().filter(|v| **v < -0.01).count() as f64 * d.dx * d.dy;
            let gained = d.values.iter().filter(|v| **v > 0.01).count() as f64 * d.dx * d.dy;
            out += &format!("difference: {lost:.0} m² lose sun, {gained:.0} m² gain sun\n");
            out += &format!("written:   {}\n", diff.display());
        }
        (None, None, _) => {}
        _ => anyhow::bail!("--compare and --diff go together"),
    }
    Ok(out)
}
