//! `planwerkstatt workshop export SCENE`: what a workshop on the scene
//! produced — the contributions as GeoJSON (scene CRS) and CSV, the ratings
//! and answers as CSV — written beside its workshop file or into `--out`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pw_participation::{LocalText, Reply, Request, SqliteStore, VariantCard, Workshop, start_desk};

use crate::participation::session::{questions, workshop_file};

#[derive(clap::Subcommand, Debug, Clone)]
pub enum WorkshopCommand {
    /// Write the contributions (GeoJSON, CSV) and the ratings (CSV) of the
    /// scene's workshop.
    Export {
        /// The .scene file the workshop was held on.
        scene: PathBuf,
        /// The folder to write into (default: beside the workshop file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn workshop(command: &WorkshopCommand) -> anyhow::Result<String> {
    match command {
        WorkshopCommand::Export { scene, out } => export(scene, out.as_deref()),
    }
}

fn export(scene_path: &Path, out: Option<&Path>) -> anyhow::Result<String> {
    let scene = pw_scene::Scene::load(scene_path)?;
    let file = workshop_file(Some(scene_path), &scene.name);
    if !file.exists() {
        bail!(
            "no workshop was held on {} yet (looked for {}): open it in workshop mode first",
            scene_path.display(),
            file.display()
        );
    }
    let mut workshop = Workshop::new(LocalText::new(&scene.name, &scene.name));
    let plan = pw_plan::PlanFile::load(&pw_plan::PlanFile::path_for(scene_path))?;
    workshop.variants = plan
        .variants
        .iter()
        .map(|v| VariantCard {
            id: v.name.clone(),
            name: LocalText::new(&v.name, &v.name),
            caption: LocalText::new(&v.description, &v.description),
            picture: None,
        })
        .collect();
    if let Some(settings) = &scene.workshop {
        workshop.questions = questions(settings);
    }
    let store = SqliteStore::open(&file)?;
    let desk = start_desk(workshop.clone(), Box::new(store));
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 })? else {
        bail!("the workshop store answered something else");
    };
    let Reply::Tally(tally) = desk.ask_blocking(Request::Tally)? else {
        bail!("the workshop store answered something else");
    };
    let folder = match out {
        Some(o) => o.to_path_buf(),
        None => file.parent().unwrap_or(Path::new(".")).to_path_buf(),
    };
    std::fs::create_dir_all(&folder).with_context(|| folder.display().to_string())?;
    let stem = scene_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "werkstatt".into());
    let epsg = pw_geo::Crs::parse(&scene.crs).ok().map(|c| c.horizontal);
    let written = [
        (
            folder.join(format!("{stem}-beitraege.geojson")),
            serde_json::to_string_pretty(&pw_participation::export::contributions_geojson(
                &changes.contributions,
                epsg,
            ))?,
        ),
        (
            folder.join(format!("{stem}-beitraege.csv")),
            pw_participation::export::contributions_csv(&changes.contributions),
        ),
        (
            folder.join(format!("{stem}-bewertungen.csv")),
            pw_participation::export::tally_csv(&tally, &workshop),
        ),
    ];
    let mut report = format!(
        "{} contributions, {} ratings from {}\n",
        changes.contributions.len(),
        tally.variants.iter().map(|t| t.votes()).sum::<u32>(),
        file.display()
    );
    for (path, text) in written {
        std::fs::write(&path, text).with_context(|| path.display().to_string())?;
        report.push_str(&format!("wrote {}\n", path.display()));
    }
    Ok(report)
}
