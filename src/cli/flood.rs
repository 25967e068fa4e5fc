//! `planwerkstatt flood level|rain`: the flood analysis with its own flags,
//! the same run as `planwerkstatt analysis run flood --set mode=…` (into
//! which the flags are turned), written with its stamp.

use super::analysis::{AnalysisCli, RunArgs, analysis};
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum FloodCli {
    /// A river level: every cell below it that the river reaches floods.
    Level(LevelArgs),
    /// Heavy rain running over the terrain around the buildings.
    Rain(RainArgs),
}

/// What both modes share.
#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    #[arg(long)]
    pub scene: PathBuf,
    /// The area: min_x,min_y,max_x,max_y in the scene's CRS.
    #[arg(long, allow_hyphen_values = true)]
    pub area: String,
    /// Cell size (m).
    #[arg(long)]
    pub cell: Option<f64>,
    /// Run on this variant of the scene instead of "Bestand".
    #[arg(long)]
    pub variant: Option<String>,
    /// Folder for the files (GeoTIFF, GeoJSON, CSV); default: print only.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Run even when the estimate is above 10 minutes.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args, Debug, Clone)]
pub struct LevelArgs {
    #[command(flatten)]
    pub common: Common,
    /// The water level (m above sea level); without it, the river + `--rise`.
    #[arg(long, allow_hyphen_values = true)]
    pub level: Option<f64>,
    /// Rise above the river (m), when no `--level` is given.
    #[arg(long)]
    pub rise: Option<f64>,
    /// A gauge E,N as the river; without it, the water areas of the map.
    #[arg(long, allow_hyphen_values = true)]
    pub gauge: Option<String>,
    /// Water passes only across cell sides (4 neighbours), not corners.
    #[arg(long)]
    pub four: bool,
}

#[derive(clap::Args, Debug, Clone)]
pub struct RainArgs {
    #[command(flatten)]
    pub common: Common,
    /// Rain (mm).
    #[arg(long)]
    pub mm: Option<f64>,
    /// Minutes the rain falls.
    #[arg(long)]
    pub minutes: Option<f64>,
    /// Minutes simulated from the start of the rain.
    #[arg(long)]
    pub duration: Option<f64>,
    /// What green, wood and fields soak up (mm/h).
    #[arg(long)]
    pub infiltration: Option<f64>,
    /// Water stays in the area (closed edges).
    #[arg(long)]
    pub closed: bool,
}

fn run(common: &Common, mut set: Vec<String>) -> anyhow::Result<String> {
    set.push(format!("area={}", common.area));
    if let Some(cell) = common.cell {
        set.push(format!("cell={cell}"));
    }
    analysis(&AnalysisCli::Run(RunArgs {
        analysis: "flood".into(),
        scene: common.scene.clone(),
        set,
        out_dir: common.out_dir.clone(),
        out: None,
        variant: common.variant.clone(),
        estimate: false,
        force: common.force,
    }))
}

pub fn flood(cmd: &FloodCli) -> anyhow::Result<String> {
    match cmd {
        FloodCli::Level(a) => {
            let mut set = vec!["mode=level".to_string()];
            match a.level {
                Some(level) => set.extend(["level_from=value".into(), format!("level={level}")]),
                None => set.push("level_from=rise".into()),
            }
            if let Some(rise) = a.rise {
                anyhow::ensure!(a.level.is_none(), "give --level or --rise, not both");
                set.push(format!("rise={rise}"));
            }
            if let Some(gauge) = &a.gauge {
                let (e, n) = gauge
                    .split_once(',')
                    .ok_or_else(|| anyhow::anyhow!("--gauge {gauge:?}: write E,N"))?;
                set.extend([
                    "river=gauge".into(),
                    format!("gauge_east={}", e.trim()),
                    format!("gauge_north={}", n.trim()),
                ]);
            }
            if a.four {
                set.push("connectivity=four".into());
            }
            run(&a.common, set)
        }
        FloodCli::Rain(a) => {
            let mut set = vec!["mode=rain".to_string()];
            for (key, value) in [
                ("rain_mm", a.mm),
                ("rain_minutes", a.minutes),
                ("minutes", a.duration),
                ("infiltration", a.infiltration),
            ] {
                if let Some(v) = value {
                    set.push(format!("{key}={v}"));
                }
            }
            if a.closed {
                set.push("open_edges=false".into());
            }
            run(&a.common, set)
        }
    }
}
