//! `planwerkstatt view` (what an observer sees), `planwerkstatt view line`
//! (a line of sight) and `planwerkstatt view visibility` (from where a
//! building is seen): the view analysis with its own flags, the same
//! run as `planwerkstatt analysis run view --set mode=…` (into which the
//! flags are turned), written with its stamp.

use super::analysis::{AnalysisCli, RunArgs, analysis};
use std::path::PathBuf;

#[derive(clap::Args, Debug, Clone)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ViewCli {
    #[command(subcommand)]
    pub line: Option<ViewLine>,
    #[command(flatten)]
    pub viewshed: ViewshedArgs,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum ViewLine {
    /// Whether two points see each other, what stands between first, the
    /// section along the line (`--out section.csv`).
    Line(LineArgs),
    /// From where a building or planned volume is seen, and how much of it,
    /// every `--step` m over `--area` (`--out share.tif`).
    Visibility(VisibilityArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct VisibilityArgs {
    #[arg(long)]
    pub scene: PathBuf,
    /// The building by its id (of the scene or the variant).
    #[arg(long, conflicts_with = "at")]
    pub object: Option<String>,
    /// The building standing at E,N.
    #[arg(long, allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Where it is looked at from: min_x,min_y,max_x,max_y.
    #[arg(long, allow_hyphen_values = true)]
    pub area: String,
    /// Spacing of the people looking (m; default 5).
    #[arg(long)]
    pub step: Option<f64>,
    /// Their eye height (m; default 1.6).
    #[arg(long)]
    pub eye: Option<f64>,
    /// Cell size of the surface model (m; default 1).
    #[arg(long)]
    pub cell: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}

/// A point that names the building `id` (the middle of its box, where no
/// smaller building's box holds it).
fn point_of(args: &VisibilityArgs, id: &str) -> anyhow::Result<String> {
    let scene = pw_scene::Scene::load(&args.scene)?;
    let mut s = crate::scenario::headless::load(&scene, &args.scene)?;
    if let Some(name) = &args.output.variant {
        crate::scenario::headless::apply_variant(&mut s, &args.scene, name)?;
    }
    let e = s
        .objects()
        .find(|o| o.id == id)
        .map(|o| o.extent())
        .ok_or_else(|| {
            anyhow::anyhow!("--object {id:?}: no such building in this scene or variant")
        })?;
    let (x, y) = ((e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0);
    match pw_view::framework::object_at(&s, x, y) {
        Some((found, _)) if found == id => Ok(format!("{x},{y}")),
        _ => anyhow::bail!(
            "--object {id:?}: the middle of its box ({x:.1}, {y:.1}) belongs to another building; give --at E,N on it instead"
        ),
    }
}

/// What both share.
#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    #[arg(long, required = true)]
    pub scene: Option<PathBuf>,
    /// The observer: E,N on the ground (plus --eye), or E,N,Z with its
    /// absolute height (a window).
    #[arg(long, required = true, allow_hyphen_values = true)]
    pub from: Option<String>,
    /// Eye height above the ground or roof (m; default 1.6).
    #[arg(long)]
    pub eye: Option<f64>,
    /// Cell size of the surface model (m).
    #[arg(long)]
    pub cell: Option<f64>,
    /// Terrain only: buildings, new volumes and trees hide nothing.
    #[arg(long)]
    pub no_buildings: bool,
    /// Curvature and refraction coefficient (default 0.85714; 0 = flat).
    #[arg(long)]
    pub curvature: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}

/// Which variant, and where the result goes: every subcommand has these.
#[derive(clap::Args, Debug, Clone)]
pub struct Output {
    /// Run on this variant of the scene instead of "Bestand".
    #[arg(long)]
    pub variant: Option<String>,
    /// One file: .tif the raster (visible cells, share seen), .geojson the
    /// walls seen or the line, .csv the section or the key figures.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Folder for every part of the result.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Run even when the estimate is above 10 minutes.
    #[arg(long)]
    pub force: bool,
}

impl Output {
    fn run(&self, scene: &std::path::Path, set: Vec<String>) -> anyhow::Result<String> {
        analysis(&AnalysisCli::Run(RunArgs {
            analysis: "view".into(),
            scene: scene.to_path_buf(),
            set,
            out_dir: self.out_dir.clone(),
            out: self.out.clone(),
            variant: self.variant.clone(),
            estimate: false,
            force: self.force,
        }))
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct ViewshedArgs {
    #[command(flatten)]
    pub common: Common,
    /// Only the directions from,to (degrees clockwise from north), e.g. 120,240.
    #[arg(long, allow_hyphen_values = true)]
    pub cone: Option<String>,
    /// How far to look (m; default 1000).
    #[arg(long)]
    pub max: Option<f64>,
    /// A target is this high above the ground (m; default 0).
    #[arg(long)]
    pub target_height: Option<f64>,
    /// Leave out the walls and roofs seen.
    #[arg(long)]
    pub no_facades: bool,
    /// auto | exact | rays | sweep (default auto: the most exact one that is quick).
    #[arg(long)]
    pub method: Option<String>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct LineArgs {
    #[command(flatten)]
    pub common: Common,
    /// The point looked at: E,N on the ground (plus --target-height), or E,N,Z.
    #[arg(long, allow_hyphen_values = true)]
    pub to: String,
    /// The target's height above the ground (m; default 0).
    #[arg(long)]
    pub target_height: Option<f64>,
}

fn run(common: &Common, mut set: Vec<String>) -> anyhow::Result<String> {
    let (Some(scene), Some(from)) = (&common.scene, &common.from) else {
        anyhow::bail!("give --scene and --from");
    };
    set.push(format!("observer={from}"));
    for (key, value) in [
        ("eye", common.eye),
        ("cell", common.cell),
        ("curvature", common.curvature),
    ] {
        if let Some(v) = value {
            set.push(format!("{key}={v}"));
        }
    }
    if common.no_buildings {
        set.push("buildings=false".into());
    }
    common.output.run(scene, set)
}

pub fn view(cmd: &ViewCli) -> anyhow::Result<String> {
    match &cmd.line {
        Some(ViewLine::Visibility(a)) => {
            let at = match (&a.object, &a.at) {
                (Some(id), _) => point_of(a, id)?,
                (None, Some(at)) => at.clone(),
                (None, None) => anyhow::bail!("give --object ID or --at E,N"),
            };
            let mut set = vec![
                "mode=object".to_string(),
                format!("object_at={at}"),
                format!("area={}", a.area),
            ];
            for (key, value) in [("step", a.step), ("eye", a.eye), ("cell", a.cell)] {
                if let Some(v) = value {
                    set.push(format!("{key}={v}"));
                }
            }
            a.output.run(&a.scene, set)
        }
        Some(ViewLine::Line(a)) => {
            let mut set = vec!["mode=line".to_string(), format!("target={}", a.to)];
            if let Some(h) = a.target_height {
                set.push(format!("target_height={h}"));
            }
            run(&a.common, set)
        }
        None => {
            let a = &cmd.viewshed;
            let mut set = vec!["mode=viewshed".to_string()];
            if let Some(cone) = &a.cone {
                let (from, to) = cone
                    .split_once(',')
                    .ok_or_else(|| anyhow::anyhow!("--cone {cone:?}: write FROM,TO in degrees"))?;
                set.extend([
                    "direction=cone".into(),
                    format!("from={}", from.trim()),
                    format!("to={}", to.trim()),
                ]);
            }
            for (key, value) in [("distance", a.max), ("target_height", a.target_height)] {
                if let Some(v) = value {
                    set.push(format!("{key}={v}"));
                }
            }
            if a.no_facades {
                set.push("facades=false".into());
            }
            if let Some(m) = &a.method {
                set.push(format!("method={m}"));
            }
            run(&a.common, set)
        }
    }
}
