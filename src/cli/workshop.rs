//! `planwerkstatt workshop export SCENE`: what a workshop on the scene
//! produced — the contributions as GeoJSON (scene CRS) and CSV, the ratings
//! and answers as CSV, the report as PDF — written beside its workshop file
//! or into `--out`; from the file, or from the PostgreSQL database of an
//! online phase (`--postgres`).

use std::path::{Path, PathBuf};

use anyhow::bail;
use pw_participation::{SqliteStore, Workshop, start_desk};

use crate::participation::results;
use crate::participation::session::{questions, workshop_file};

#[derive(clap::Subcommand, Debug, Clone)]
pub enum WorkshopCommand {
    /// Write the contributions (GeoJSON, CSV) and the ratings (CSV) of the
    /// scene's workshop.
    Export {
        /// The .scene file the workshop was held on.
        scene: PathBuf,
        /// The folder to write into (default: where the workshop file is or
        /// would be — beside the scene, for a bundled scene the documents).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The workshop is an online phase's, in this PostgreSQL database
        /// (the address `pw-workshop --postgres` served it from).
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// The report's language: de or en.
        #[arg(long, default_value = "de", value_parser = ["de", "en"])]
        lang: String,
    },
}

pub fn workshop(command: &WorkshopCommand) -> anyhow::Result<String> {
    match command {
        WorkshopCommand::Export {
            scene,
            out,
            postgres,
            lang,
        } => export(scene, out.as_deref(), postgres.as_deref(), lang),
    }
}

fn export(
    scene_path: &Path,
    out: Option<&Path>,
    postgres: Option<&str>,
    lang: &str,
) -> anyhow::Result<String> {
    let scene = pw_scene::Scene::load(scene_path)?;
    let file = workshop_file(Some(scene_path), &scene);
    if postgres.is_none() && !file.exists() {
        bail!(
            "no workshop was held on {} yet (looked for {}): open it in workshop mode first",
            scene_path.display(),
            file.display()
        );
    }
    let mut workshop = Workshop::new(crate::participation::session::title(&scene));
    let plan = pw_plan::PlanFile::load(&pw_plan::PlanFile::path_for(scene_path))?;
    workshop.variants = plan
        .variants
        .iter()
        .map(crate::participation::session::variant_card)
        .collect();
    if let Some(settings) = &scene.workshop {
        workshop.questions = questions(settings);
        // Without the city loaded: the area, with the places, no outlines.
        workshop.area = settings.area.map(|extent| pw_participation::Area {
            extent,
            outlines: Vec::new(),
            picture: None,
        });
    }
    let (store, source): (Box<dyn pw_participation::Store>, String) = match postgres {
        Some(url) => (
            Box::new(pw_participation::PostgresStore::connect(url)?),
            "PostgreSQL".into(),
        ),
        None => (
            Box::new(SqliteStore::open(&file)?),
            file.display().to_string(),
        ),
    };
    let desk = start_desk(workshop.clone(), store);
    // A database address that names the wrong database gets the tables
    // made empty: say so rather than report a workshop where nobody spoke.
    if postgres.is_some() {
        let empty_changes = matches!(
            desk.ask_blocking(pw_participation::Request::Changes { since: 0 })?,
            pw_participation::Reply::Changes(c) if c.contributions.is_empty()
        );
        let empty_tally = matches!(
            desk.ask_blocking(pw_participation::Request::Tally)?,
            pw_participation::Reply::Tally(t) if t.variants.iter().all(|v| v.votes() == 0)
                && t.questions.iter().all(|q| q.counts.iter().all(|n| *n == 0))
        );
        if empty_changes && empty_tally {
            bail!(
                "the PostgreSQL database holds no contributions and no ratings: is it the one the online phase wrote to (pw-workshop --postgres)?"
            );
        }
    }
    let folder = match out {
        Some(o) => o.to_path_buf(),
        None => file.parent().unwrap_or(Path::new(".")).to_path_buf(),
    };
    let stem = scene_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "werkstatt".into());
    // The day of the file's last change; an online phase's: today.
    let modified = std::fs::metadata(&file)
        .and_then(|m| m.modified())
        .ok()
        .filter(|_| postgres.is_none())
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .unwrap_or_else(jiff::Timestamp::now)
        .strftime("%d.%m.%Y")
        .to_string();
    let setting = results::Setting {
        title: crate::participation::session::title(&scene)
            .get(lang)
            .to_string(),
        place_and_date: format!("{}, {modified}", scene.city.name),
        epsg: pw_geo::Crs::parse(&scene.crs).ok().map(|c| c.horizontal),
        attribution: scene.attribution.clone(),
        provenance: vec![
            (
                "Planwerkstatt".into(),
                env!("CARGO_PKG_VERSION").to_string(),
            ),
            (
                pw_participation::texts::render(lang, "participation.report.scene", &[]),
                scene_path.display().to_string(),
            ),
            (
                pw_participation::texts::render(lang, "participation.report.file", &[]),
                source.clone(),
            ),
        ],
        lang: if lang == "en" { "en" } else { "de" },
        time_zone: jiff::tz::TimeZone::get(&scene.city.time_zone)
            .unwrap_or(jiff::tz::TimeZone::UTC),
        pictures: results::pictures_folder(Some(scene_path)),
    };
    let written = results::write(&desk, &setting, &folder, &stem)?;
    let mut report = format!(
        "{} contributions, {} ratings from {}\n",
        written.contributions, written.votes, source
    );
    match &written.pictures_problem {
        Some(problem) => report.push_str(&format!("the report has no pictures: {problem}\n")),
        None => report.push_str(&format!(
            "pictures: {} variants, {} maps from {}\n",
            written.pictures.0,
            written.pictures.1,
            setting.pictures.display()
        )),
    }
    for path in written.files {
        report.push_str(&format!("wrote {}\n", path.display()));
    }
    Ok(report)
}
