//! A workshop's results as files: the contributions (GeoJSON in the scene
//! CRS, CSV), the ratings and answers (CSV) and the report (PDF) — for the
//! `workshop export` command and the "Ergebnisse speichern" button alike.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pw_participation::{DeskHandle, Reply, Request};

/// What the report says about where and when, besides the workshop itself.
pub struct Setting {
    pub title: String,
    pub place_and_date: String,
    pub epsg: Option<u32>,
    pub attribution: Vec<String>,
    pub provenance: Vec<(String, String)>,
    /// "de" or "en".
    pub lang: &'static str,
    /// The times of contributions are given in it (the city's).
    pub time_zone: jiff::tz::TimeZone,
    /// Where the workshop's pictures are (see [`pictures_folder`]).
    pub pictures: PathBuf,
}

/// The folder the workshop's pictures go to: `bilder/beteiligung/` in the
/// scene's user folder, beside the image export's own `bilder/`.
pub fn pictures_folder(scene_path: Option<&Path>) -> PathBuf {
    crate::base::places::user_folder(scene_path)
        .join("bilder")
        .join("beteiligung")
}

/// What the report shows of the pictures: the variant pages (picture
/// from the index, else the card's; key figures) and the analysis maps.
/// A broken index leaves the pictures out and says so; the report is
/// written all the same.
fn pictured(
    workshop: &pw_participation::Workshop,
    setting: &Setting,
) -> (
    Vec<pw_report::VariantPage>,
    Vec<pw_report::MapPage>,
    Option<pw_participation::pictures::PicturesError>,
) {
    use pw_participation::pictures::{PictureIndex, read_picture};
    let lang = setting.lang;
    let (index, problem) = match PictureIndex::load(&setting.pictures) {
        Ok(i) => (i, None),
        Err(e) => (PictureIndex::default(), Some(e)),
    };
    let variants = workshop
        .variants
        .iter()
        .map(|v| {
            let taken = index.variant(&v.id);
            pw_report::VariantPage {
                id: v.id.clone(),
                name: v.name.get(lang).to_string(),
                caption: v.caption.get(lang).to_string(),
                picture: taken
                    .and_then(|p| read_picture(&setting.pictures, &p.file))
                    .or_else(|| v.picture.clone()),
                figures: taken
                    .map(|p| {
                        p.figures
                            .iter()
                            .map(|f| (f.label.get(lang).to_string(), f.value.get(lang).to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let maps = index
        .maps
        .iter()
        .filter_map(|m| {
            Some(pw_report::MapPage {
                title: m.title.get(lang).to_string(),
                picture: read_picture(&setting.pictures, &m.file)?,
                legend_title: m.legend_title.get(lang).to_string(),
                legend: m
                    .legend
                    .iter()
                    .map(|e| (e.rgb, e.text.get(lang).to_string()))
                    .collect(),
            })
        })
        .collect();
    (variants, maps, problem)
}

/// What [`write`] did.
pub struct Written {
    pub contributions: usize,
    pub votes: u32,
    pub files: Vec<PathBuf>,
    /// The pictures' index could not be read: the report has none.
    pub pictures_problem: Option<pw_participation::pictures::PicturesError>,
    /// Variants with a picture, and analysis maps, in the report.
    pub pictures: (usize, usize),
}

/// Writes the four files into `folder` as `<stem>-beitraege.geojson`,
/// `-beitraege.csv`, `-bewertungen.csv` and `-bericht.pdf`.
pub fn write(
    desk: &DeskHandle,
    setting: &Setting,
    folder: &Path,
    stem: &str,
) -> anyhow::Result<Written> {
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 })? else {
        bail!("the workshop store answered something else");
    };
    let Reply::Tally(tally) = desk.ask_blocking(Request::Tally)? else {
        bail!("the workshop store answered something else");
    };
    let workshop = desk
        .workshop()
        .read()
        .map_err(|_| anyhow::anyhow!("the workshop is not readable"))?
        .clone();
    let (variants, maps, pictures_problem) = pictured(&workshop, setting);
    let pictures = (
        variants.iter().filter(|v| v.picture.is_some()).count(),
        maps.len(),
    );
    let report = pw_report::WorkshopReport {
        lang: setting.lang,
        title: setting.title.clone(),
        place_and_date: setting.place_and_date.clone(),
        workshop: &workshop,
        variants,
        maps,
        contributions: &changes.contributions,
        tally: &tally,
        attribution: setting.attribution.clone(),
        provenance: setting.provenance.clone(),
        time_of: &|ms| {
            jiff::Timestamp::from_millisecond(ms)
                .map(|t| {
                    t.to_zoned_datetime(setting.time_zone.clone())
                        .strftime("%d.%m. %H:%M")
                        .to_string()
                })
                .unwrap_or_default()
        },
    };
    let pdf = pw_report::workshop_report(&report)?;
    std::fs::create_dir_all(folder).with_context(|| folder.display().to_string())?;
    let files: [(PathBuf, Vec<u8>); 4] = [
        (
            folder.join(format!("{stem}-beitraege.geojson")),
            serde_json::to_string_pretty(&pw_participation::export::contributions_geojson(
                &changes.contributions,
                setting.epsg,
            ))?
            .into_bytes(),
        ),
        (
            folder.join(format!("{stem}-beitraege.csv")),
            pw_participation::export::contributions_csv(&changes.contributions).into_bytes(),
        ),
        (
            folder.join(format!("{stem}-bewertungen.csv")),
            pw_participation::export::tally_csv(&tally, &workshop).into_bytes(),
        ),
        (folder.join(format!("{stem}-bericht.pdf")), pdf),
    ];
    let mut written = Vec::new();
    for (path, bytes) in files {
        std::fs::write(&path, bytes).with_context(|| path.display().to_string())?;
        written.push(path);
    }
    Ok(Written {
        contributions: changes.contributions.len(),
        votes: tally.variants.iter().map(|t| t.votes()).sum(),
        files: written,
        pictures_problem,
        pictures,
    })
}
