//! `planwerkstatt shadow`: sun hours from the shell with the options
//! planners know (dates, window, area, files to write), run through the
//! same framework call as the workbench's "Berechnen".

use pw_analysis::{Analysis, AnalysisResult, ParamValues, Value};
use pw_scene::Scene;
use pw_shadow::SunHoursAnalysis;
use std::path::PathBuf;

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

/// The form values these options stand for.
fn values(args: &ShadowArgs) -> anyhow::Result<ParamValues> {
    let a = SunHoursAnalysis;
    let specs = a.params();
    let mut v = a.defaults();
    let mut set = |key: &str, text: &str| -> anyhow::Result<()> {
        v.set_from_text(&specs, key, text)
            .map_err(|e| anyhow::anyhow!("--{e}"))
    };
    if let Some(area) = &args.area {
        set("area", area)?;
    }
    for d in &args.date {
        if d.split([' ', ',']).count() != 1 || pw_analysis::params::parse_date(d).is_none() {
            anyhow::bail!("--date {d:?}: write YYYY-MM-DD");
        }
    }
    set("date", &args.date.join(" "))?;
    for (key, text) in [("from", &args.from), ("to", &args.to)] {
        if let Some(t) = text {
            if t == "24:00" {
                anyhow::bail!("--{key} 24:00: leave --to out for the end of the day");
            }
            set(key, t)?;
        }
    }
    set("step", &args.step.to_string())?;
    set("cell", &args.cell.to_string())?;
    set("margin", &args.margin.to_string())?;
    set("min_elevation", &args.min_elevation.to_string())?;
    set("spacing", &args.spacing.to_string())?;
    let facades = args.facades.is_some();
    v.set("facades", Value::Bool(facades));
    v.set(
        "ground",
        Value::Bool(args.out.is_some() || args.diff.is_some() || args.estimate || !facades),
    );
    Ok(v)
}

/// Longest run the CLI starts without --force (seconds).
const CONFIRM_ABOVE: f64 = 600.0;

/// `planwerkstatt shadow`: runs the analysis, writes the files, returns the report.
pub fn shadow(args: &ShadowArgs) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let scene = Scene::load(&args.scene)?;
    let mut v = values(args)?;
    let scenario = crate::scenario::headless::load(&scene, &args.scene)?;
    if args.area.is_none() {
        let e = scenario.extent();
        anyhow::ensure!(!e.is_empty(), "the scene has no buildings: give --area");
        v.set(
            "area",
            Value::Area(Some(pw_analysis::Area::new(
                e.min[0], e.min[1], e.max[0], e.max[1],
            ))),
        );
    }
    let a = SunHoursAnalysis;
    a.validate(&v).map_err(|e| anyhow::anyhow!("{e}"))?;
    let est = a
        .estimate(&v, &scenario)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let area = v.area("area").expect("validated");
    let mut out = String::new();
    out += &format!(
        "area:      {area} ({:.3} km², {} CRS)\n",
        area.width() * area.height() / 1e6,
        scene.crs
    );
    out += &format!("grid:      {}; estimated {:.1} s\n", est.size, est.seconds);
    for n in &scenario.notes {
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
    let result = pw_analysis::run_checked(&a, &v, &scenario, &pw_job::JobControl::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    out += &format!("computed:  in {:.1} s\n", started.elapsed().as_secs_f64());
    out += &report(&result);
    if let Some(path) = &args.out {
        pw_analysis::export::ground_geotiff(&result, path)?;
        out += &format!("written:   {}\n", path.display());
    }
    if let Some(path) = &args.facades {
        pw_analysis::export::write_facades_geojson(&result, path)?;
        out += &format!("written:   {}\n", path.display());
    }
    match (&args.compare, &args.diff, &result.ground) {
        (Some(before), Some(diff), Some(after)) => {
            let (b, _) = pw_terrain::geotiff::read_file(before)?;
            let d = pw_analysis::compare::grid_difference(&b, &after.grid)
                .with_context(|| format!("comparing with {}", before.display()))?;
            let mut meta = result.stamp.entries();
            meta.push((
                "difference_to".into(),
                pw_analysis::scenario::InputStamp::of(before).to_string(),
            ));
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

/// The figures of a run, in the shell's words.
fn report(result: &AnalysisResult) -> String {
    let mut out = String::new();
    for n in &result.notes {
        out += &format!("note:      {n}\n");
    }
    let k = |key: &str| result.kpi(key).map(|k| k.value).unwrap_or(0.0);
    if let Some(g) = &result.ground {
        out += &format!(
            "ground:    {} cells, mean {:.2} h, max {:.2} h of sun per day\n",
            g.cells(),
            k("ground_mean_hours"),
            k("ground_max_hours")
        );
        for h in [1.0f32, 2.0, 4.0, 6.0, 8.0] {
            out += &format!(
                "           ≥ {h} h: {:.0} m²\n",
                pw_shadow::area_with_at_least(&g.grid, h)
            );
        }
    }
    if let Some(f) = &result.facades {
        let objects: std::collections::BTreeSet<u32> = f.samples.iter().map(|s| s.object).collect();
        out += &format!(
            "facades:   {} samples of {} buildings\n",
            f.samples.len(),
            objects.len()
        );
        out += &format!(
            "DIN EN 17037 (sun ≥ {}°): not met {}, minimum {}, medium {}, high {}\n",
            result
                .stamp
                .get("din17037_min_sun_elevation_deg")
                .unwrap_or_default(),
            k("din17037_not_met"),
            k("din17037_minimum"),
            k("din17037_medium"),
            k("din17037_high")
        );
    }
    out
}
