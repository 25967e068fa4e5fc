//! Command line: run the workbench, or headless subcommands that use the
//! same library calls as the GUI.

pub mod analysis;
pub mod convert;
pub mod flood;
pub mod info;
pub mod plot;
pub mod sun;
pub mod variant;
pub mod view;
pub mod workshop;

pub use convert::convert;
pub use info::info;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "planwerkstatt",
    version,
    about = "3D planning workbench for city planners and public participation.\nWithout a subcommand it opens the bundled Jena scene (scenes/jena.scene)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub gui: GuiArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open a scene file in the workbench.
    Open {
        /// Path to a .scene file.
        scene: PathBuf,
        #[command(flatten)]
        gui: GuiArgs,
    },
    /// Convert a city model (CityGML or CityJSON) to CityJSON 2.0 (.city.json/.json) or binary glTF (.glb).
    Convert {
        /// Input file (.gml, .xml, .json, .city.jsonl).
        input: PathBuf,
        /// Output file; the ending chooses the format.
        output: PathBuf,
        /// Reproject to this CRS first, e.g. EPSG:25832.
        #[arg(long, value_name = "CRS")]
        to_crs: Option<String>,
        /// Read the input in this CRS (for files that state a wrong or no CRS).
        #[arg(long, value_name = "CRS")]
        source_crs: Option<String>,
    },
    /// Print what a data or scene file contains: kind, CRS, extent, counts.
    Info {
        /// CityGML (.gml/.xml), CityJSON (.json, .city.jsonl), glTF (.glb/.gltf),
        /// 3D Tiles (tileset.json) or scene (.scene) file.
        file: PathBuf,
        /// CRS of a 3D Tiles tileset not written in ECEF (e.g. EPSG:3857), or of
        /// a DEM whose file does not state it.
        #[arg(long, value_name = "CRS")]
        crs: Option<String>,
    },
    /// Sun position (NREL SPA) and sunrise/transit/sunset for a place and local time.
    Sun(crate::cli::sun::SunArgs),
    /// Urban data platform: list a SensorThings service's datastreams, or
    /// print/export one datastream's history.
    #[command(subcommand)]
    Sensors(crate::sensors::cli::SensorsCommand),
    /// Sun hours on the ground and on facades/roofs for an area and dates
    /// (GeoTIFF, GeoJSON, DIN EN 17037 check, before/after difference).
    Shadow(crate::analysis::sunhours::cli::ShadowArgs),
    /// Any analysis from the shell: list them, show one's parameters, run
    /// one on a scene (`--set key=value`, `--out-dir`).
    #[command(subcommand)]
    Analysis(analysis::AnalysisCli),
    /// A scene's variants: list them, their key figures beside "Bestand"
    /// (B − A, GRZ/GFZ against a plot), export their buildings.
    #[command(subcommand)]
    Variant(variant::VariantCli),
    /// Road traffic: assign trips to a network (TNTP, or OpenStreetMap with
    /// zones) and write the volumes per link (GeoJSON, CSV).
    #[command(subcommand)]
    Traffic(crate::analysis::traffic::cli::TrafficCli),
    /// Flooding: a river level (`level`) or heavy rain (`rain`) on a scene's
    /// terrain and buildings; the flood analysis with its own flags.
    #[command(subcommand)]
    Flood(flood::FloodCli),
    /// Views: what an observer sees (`view --from E,N[,Z]`), or a line of
    /// sight between two points (`view line --from … --to …`).
    View(view::ViewCli),
    /// A participation workshop's results: `workshop export SCENE` writes the
    /// contributions (GeoJSON, CSV) and the ratings (CSV).
    #[command(subcommand)]
    Workshop(workshop::WorkshopCommand),
}

#[derive(Args, Debug, Clone, Default)]
pub struct GuiArgs {
    /// Save a screenshot to this PNG once the scene is fully loaded and drawn, then quit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Save a picture of the view with its footer stamp (scene, variant,
    /// time, analysis, sources, north arrow, scale) to this PNG once the
    /// scene is fully loaded and drawn, then quit; any window size.
    #[arg(long, value_name = "PNG")]
    pub picture: Option<PathBuf>,
    /// Size of --picture, e.g. 7680x4320 (default 3840x2160).
    #[arg(long, value_name = "WxH", value_parser = parse_size, requires = "picture")]
    pub picture_size: Option<(u32, u32)>,
    /// Window size in logical pixels, e.g. 1600x900.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub window_size: Option<(u32, u32)>,
    /// Start in workshop mode (large controls, fewer panels).
    #[arg(long)]
    pub workshop: bool,
    /// Start in kiosk mode: the scene's guided tour for a showroom; after
    /// its idle time it resets and plays by itself.
    #[arg(long, conflicts_with = "workshop")]
    pub kiosk: bool,
    /// Do not read or write the user settings file (kiosks, tests).
    #[arg(long)]
    pub no_settings: bool,
    /// Once the scene has loaded, compute and show the sun hours of this
    /// day (YYYY-MM-DD) over all buildings (showroom start, screenshots).
    #[arg(long, value_name = "DATE")]
    pub sun_hours: Option<String>,
    /// Once the scene has loaded, run this analysis (e.g. traffic) with its
    /// form's defaults and show the result (showroom start, pictures).
    #[arg(long, value_name = "ID")]
    pub run_analysis: Option<String>,
    /// Once the scene has loaded, open "Daten aus dem Netz" and search the
    /// scene's first catalogue for these words (showroom start, screenshots).
    #[arg(long, value_name = "WORDS")]
    pub search_catalog: Option<String>,
    /// Open with this variant of the scene (from `<scene>.plan.toml`) shown.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Open comparing two scenarios side by side, e.g. "Bestand,Variante A"
    /// (with --swipe: under a divider).
    #[arg(long, value_name = "LEFT,RIGHT")]
    pub compare: Option<String>,
    /// With --compare: one picture cut by a divider at this share of the
    /// width (0 … 1) instead of two views.
    #[arg(long, value_name = "X")]
    pub swipe: Option<f32>,
    /// Once the scene has loaded, fly through its bookmarks in order, print
    /// the frame times (median, 95 %, worst) and quit (a benchmark).
    #[arg(long)]
    pub fly_bookmarks: bool,
    /// Once the scene has loaded (and --run-analysis/--sun-hours ran), take
    /// the workshop's pictures from the scene's start view — one per
    /// variant with its key figures, one per analysis result with its
    /// legend — into `bilder/beteiligung/` beside the scene for the phones
    /// and the report, then quit. Size default 1600x900.
    #[arg(long, value_name = "WxH", num_args = 0..=1, default_missing_value = "1600x900",
          value_parser = parse_size,
          conflicts_with_all = ["picture", "screenshot", "compare", "fly_bookmarks", "kiosk"])]
    pub workshop_pictures: Option<(u32, u32)>,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("'{s}' is not a size like 1600x900"))?;
    let w: u32 = w
        .trim()
        .parse()
        .map_err(|_| format!("'{w}' is not a width"))?;
    let h: u32 = h
        .trim()
        .parse()
        .map_err(|_| format!("'{h}' is not a height"))?;
    if !(320..=16384).contains(&w) || !(240..=16384).contains(&h) {
        return Err(format!("{w}x{h} is outside 320x240 … 16384x16384"));
    }
    Ok((w, h))
}
