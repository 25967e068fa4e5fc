use clap::Parser;
use planwerkstatt::app::{AppOptions, build_app, default_scene_path};
use planwerkstatt::base::settings::SettingsStore;
use planwerkstatt::cli::{self, Cli, Command, GuiArgs};
use std::process::ExitCode;

fn run_gui(scene: std::path::PathBuf, gui: GuiArgs) -> ExitCode {
    // Screenshots must not depend on a developer's personal settings, unless
    // a settings folder is named explicitly.
    let explicit = std::env::var_os("PLANWERKSTATT_CONFIG_DIR").is_some();
    let capturing = gui.screenshot.is_some() || gui.picture.is_some();
    let settings = if gui.no_settings || (capturing && !explicit) {
        SettingsStore::default()
    } else {
        SettingsStore::user_default()
    };
    let options = AppOptions {
        scene,
        screenshot: gui.screenshot,
        picture: gui
            .picture
            .map(|p| (p, gui.picture_size.unwrap_or((3840, 2160)))),
        window_size: gui.window_size.unwrap_or((1600, 900)),
        workshop: gui.workshop,
        kiosk: gui.kiosk,
        settings,
        sun_hours: gui.sun_hours,
        run_analysis: gui.run_analysis,
        search_catalog: gui.search_catalog,
        variant: gui.variant,
        compare: gui.compare.as_deref().map(|c| {
            let (l, r) = c.split_once(',').unwrap_or((c, ""));
            let side = |s: &str| {
                let s = s.trim();
                (!s.is_empty() && s != "Bestand").then(|| s.to_string())
            };
            planwerkstatt::scenario::compare::StartComparison {
                mode: if gui.swipe.is_some() {
                    planwerkstatt::view::compare::CompareMode::Swipe
                } else {
                    planwerkstatt::view::compare::CompareMode::Split
                },
                left: side(l),
                right: side(r),
                divider: gui.swipe.unwrap_or(0.5),
            }
        }),
        fly_bookmarks: gui.fly_bookmarks,
        workshop_pictures: gui.workshop_pictures,
    };
    match build_app(options).run() {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => run_gui(default_scene_path(), cli.gui),
        Some(Command::Open { scene, gui }) => run_gui(scene, gui),
        Some(Command::Convert {
            input,
            output,
            to_crs,
            source_crs,
        }) => match cli::convert(&input, &output, to_crs.as_deref(), source_crs.as_deref()) {
            Ok(report) => {
                println!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt convert: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Shadow(args)) => {
            match planwerkstatt::analysis::sunhours::cli::shadow(&args) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("planwerkstatt shadow: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Traffic(cmd)) => match planwerkstatt::analysis::traffic::cli::traffic(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt traffic: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Flood(cmd)) => match cli::flood::flood(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt flood: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::View(cmd)) => match cli::view::view(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt view: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Workshop(cmd)) => match cli::workshop::workshop(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt workshop: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Variant(cmd)) => match cli::variant::variant(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt variant: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Analysis(cmd)) => match cli::analysis::analysis(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt analysis: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Sensors(cmd)) => match planwerkstatt::sensors::cli::sensors(&cmd) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt sensors: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Sun(args)) => match planwerkstatt::cli::sun::sun(&args) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt sun: {e:#}");
                ExitCode::from(2)
            }
        },
        Some(Command::Info { file, crs }) => match cli::info(&file, crs.as_deref()) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("planwerkstatt info: {e:#}");
                ExitCode::from(2)
            }
        },
    }
}
