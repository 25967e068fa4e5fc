//! `planwerkstatt analysis list|params|run`: every registered analysis from
//! the shell through the same library call as the workbench — parameters
//! as `--set key=value`, the scene's scenario as input, every part of the
//! result written with its stamp.

use pw_analysis::{Analysis, ParamKind, Registry};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum AnalysisCli {
    /// The analyses there are.
    List,
    /// One analysis's parameters: key, kind, range and unit, default.
    Params { analysis: String },
    /// Run an analysis on a scene and write its results.
    Run(RunArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct RunArgs {
    pub analysis: String,
    #[arg(long)]
    pub scene: PathBuf,
    /// A parameter, e.g. `--set date=2026-03-21`; repeat.
    #[arg(long = "set", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub set: Vec<String>,
    /// Folder for the files (GeoTIFF, GeoJSON, CSV); default: print only.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// One file, its part chosen by the extension: .tif the raster,
    /// .geojson points/lines (else facades), .csv the section (else the
    /// key figures); with the run stamp.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run on this variant of the scene (from `<scene>.plan.toml`)
    /// instead of "Bestand".
    #[arg(long)]
    pub variant: Option<String>,
    /// Only print the estimate.
    #[arg(long)]
    pub estimate: bool,
    /// Run even when the estimate is above 10 minutes.
    #[arg(long)]
    pub force: bool,
}

fn find<'a>(r: &'a Registry, id: &str) -> anyhow::Result<&'a Arc<dyn Analysis>> {
    r.get(id)
        .ok_or_else(|| anyhow::anyhow!("no analysis {id:?}; there are: {}", r.ids().join(", ")))
}

fn kind_text(k: &ParamKind) -> String {
    match k {
        ParamKind::Number { min, max, unit, .. } => format!("number {min}–{max} {unit}"),
        ParamKind::Bool => "yes/no".into(),
        ParamKind::Date { several: true, .. } => {
            "dates YYYY-MM-DD (several: space-separated)".into()
        }
        ParamKind::Date { .. } => "date YYYY-MM-DD".into(),
        ParamKind::Time => "time HH:MM".into(),
        ParamKind::Area => "area min_x,min_y,max_x,max_y".into(),
        ParamKind::Polygon => "polygon 'x y, x y, …' or @file.geojson[#id]".into(),
        ParamKind::Point => "point E,N (on the ground) or E,N,Z (absolute height)".into(),
        ParamKind::Choice(o) => format!(
            "one of {}",
            o.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ")
        ),
    }
}

pub fn analysis(cmd: &AnalysisCli) -> anyhow::Result<String> {
    let r = crate::app::analyses();
    let i18n = crate::base::i18n::I18n::new(crate::base::i18n::Language::English);
    let mut out = String::new();
    match cmd {
        AnalysisCli::List => {
            for a in r.iter() {
                out += &format!("{:<12} {}\n", a.id(), i18n.tr(a.title()));
            }
        }
        AnalysisCli::Params { analysis } => {
            let a = find(&r, analysis)?;
            for p in a.params() {
                // Parameters of one mode only say so.
                let when = p
                    .when
                    .map(|(k, v)| format!(" ({k}={v})"))
                    .or_else(|| {
                        let not: Vec<String> =
                            p.when_not.iter().map(|(k, v)| format!("{k}≠{v}")).collect();
                        (!not.is_empty()).then(|| format!(" ({})", not.join(", ")))
                    })
                    .unwrap_or_default();
                out += &format!(
                    "{:<14} {:<44} default {:<8} {}{when}\n",
                    p.key,
                    kind_text(&p.kind),
                    p.default.to_string(),
                    i18n.tr(p.label)
                );
            }
        }
        AnalysisCli::Run(args) => {
            let a = find(&r, &args.analysis)?;
            let specs = a.params();
            let mut values = a.defaults();
            for s in &args.set {
                let (k, v) = s
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("--set {s:?}: write KEY=VALUE"))?;
                let k = k.trim();
                let is_polygon = specs
                    .iter()
                    .any(|p| p.key == k && p.kind == ParamKind::Polygon);
                match v.trim().strip_prefix('@') {
                    // A polygon from a vector file, in the scene's CRS.
                    Some(reference) if is_polygon => {
                        let (file, id) = super::plot::split_reference(reference);
                        let scene = pw_scene::Scene::load(&args.scene)?;
                        let crs = pw_geo::Crs::parse(&scene.crs).ok();
                        let ring = super::plot::read_plot(Path::new(file), id, crs, &[])?;
                        values.set(k, pw_analysis::Value::Polygon(Some(ring)));
                    }
                    _ => values
                        .set_from_text(&specs, k, v)
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                }
            }
            let scene = pw_scene::Scene::load(&args.scene)?;
            let mut scenario = crate::scenario::headless::load(&scene, &args.scene)?;
            if let Some(name) = &args.variant {
                crate::scenario::headless::apply_variant(&mut scenario, &args.scene, name)?;
            }
            a.validate(&values).map_err(|e| anyhow::anyhow!("{e}"))?;
            let est = a
                .estimate(&values, &scenario)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            out += &format!("estimate:  {}; about {:.1} s\n", est.size, est.seconds);
            for n in &scenario.notes {
                out += &format!("note:      {n}\n");
            }
            if args.estimate {
                return Ok(out);
            }
            anyhow::ensure!(
                est.seconds <= 600.0 || args.force,
                "this run would take about {:.0} minutes; choose a smaller area or add --force\n{out}",
                est.seconds / 60.0
            );
            let mut result =
                pw_analysis::run_checked(&**a, &values, &scenario, &pw_job::JobControl::default())
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            result.label = format!("{} {}", a.id(), result.label);
            for n in &result.notes {
                out += &format!("note:      {n}\n");
            }
            for k in &result.kpis {
                out += &format!("{:<28} {}\n", k.key, k.formatted());
            }
            if let Some(path) = &args.out {
                pw_analysis::export::write_one(&result, path)?;
                out += &format!("written:   {}\n", path.display());
            }
            if let Some(dir) = &args.out_dir {
                let stem = pw_analysis::export::file_stem(&result.label);
                for f in pw_analysis::export::export_all(&result, dir, &stem)? {
                    out += &format!("written:   {}\n", f.display());
                }
            }
        }
    }
    Ok(out)
}
