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
}

/// Writes the four files into `folder` as `<stem>-beitraege.geojson`,
/// `-beitraege.csv`, `-bewertungen.csv` and `-bericht.pdf`.
pub fn write(
    desk: &DeskHandle,
    setting: &Setting,
    folder: &Path,
    stem: &str,
) -> anyhow::Result<(usize, u32, Vec<PathBuf>)> {
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
    let report = pw_report::WorkshopReport {
        lang: setting.lang,
        title: setting.title.clone(),
        place_and_date: setting.place_and_date.clone(),
        workshop: &workshop,
        variants: workshop
            .variants
            .iter()
            .map(|v| pw_report::VariantPage {
                id: v.id.clone(),
                name: v.name.get(setting.lang).to_string(),
                caption: v.caption.get(setting.lang).to_string(),
                picture: v.picture.clone(),
                figures: Vec::new(),
            })
            .collect(),
        maps: Vec::new(),
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
    Ok((
        changes.contributions.len(),
        tally.variants.iter().map(|t| t.votes()).sum(),
        written,
    ))
}
