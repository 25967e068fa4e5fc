//! What a workshop produced, for GIS and spreadsheets: contributions as
//! GeoJSON points (scene CRS, every field) and as CSV, and the tally as CSV.
//! Everything in them came from people's phones: CSV cells that a
//! spreadsheet would run as a formula are defused.

use serde_json::{Value, json};

use crate::desk::Tally;
use crate::model::Contribution;
use crate::workshop::Workshop;

/// RFC 3339 in UTC ("2026-03-21T10:15:00Z").
fn time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn properties(c: &Contribution) -> Value {
    json!({
        "id": c.id,
        "category": c.category.code(),
        "text": c.text,
        "created": time(c.created_ms),
        "source": c.source.code(),
        "variant": c.view.variant,
        "object": c.anchor.as_ref().and_then(|a| a.object.clone()),
        "height": c.anchor.as_ref().and_then(|a| a.z),
        "hidden": c.hidden,
        "answered": c.answered,
        "reply": c.reply,
        "merged_into": c.merged_into,
        "view": c.view,
    })
}

/// Contributions as a FeatureCollection in the scene CRS (`epsg`, written
/// as the legacy `crs` member QGIS and GDAL read); those without a place
/// have no geometry.
pub fn contributions_geojson(contributions: &[Contribution], epsg: Option<u32>) -> Value {
    let features: Vec<Value> = contributions
        .iter()
        .map(|c| {
            json!({
                "type": "Feature",
                "id": c.id,
                "geometry": c.anchor.as_ref().map(|a| json!({
                    "type": "Point",
                    "coordinates": [a.x, a.y],
                })),
                "properties": properties(c),
            })
        })
        .collect();
    let mut out = json!({"type": "FeatureCollection", "features": features});
    if let Some(code) = epsg {
        out["crs"] = json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")}});
    }
    out
}

/// One CSV cell: RFC 4180 quoting, and a leading `'` before what a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if defused.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Contributions as CSV, one row each, the place in scene coordinates.
pub fn contributions_csv(contributions: &[Contribution]) -> String {
    let mut out = String::from(
        "id,category,created,source,variant,x,y,height,object,hidden,answered,merged_into,text,reply\n",
    );
    for c in contributions {
        let anchor = c.anchor.as_ref();
        let number = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
        let row = [
            c.id.to_string(),
            c.category.code().to_string(),
            time(c.created_ms),
            c.source.code().to_string(),
            cell(c.view.variant.as_deref().unwrap_or("")),
            number(anchor.map(|a| a.x)),
            number(anchor.map(|a| a.y)),
            number(anchor.and_then(|a| a.z)),
            cell(anchor.and_then(|a| a.object.as_deref()).unwrap_or("")),
            c.hidden.to_string(),
            c.answered.to_string(),
            c.merged_into.map(|m| m.to_string()).unwrap_or_default(),
            cell(&c.text),
            cell(c.reply.as_deref().unwrap_or("")),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The stars per variant and the answers per question, as CSV rows
/// `kind,id,name,answer,count` (stars: answer 1–5; then the mean).
pub fn tally_csv(tally: &Tally, workshop: &Workshop) -> String {
    let mut out = String::from("kind,id,name,answer,count\n");
    for t in &tally.variants {
        let name = workshop
            .variant(&t.variant)
            .map(|v| v.name.de.clone())
            .unwrap_or_default();
        for (i, count) in t.stars.iter().enumerate() {
            out.push_str(&format!(
                "stars,{},{},{},{count}\n",
                cell(&t.variant),
                cell(&name),
                i + 1
            ));
        }
        if let Some(mean) = t.mean() {
            out.push_str(&format!(
                "mean,{},{},{mean:.2},{}\n",
                cell(&t.variant),
                cell(&name),
                t.votes()
            ));
        }
    }
    for q in &tally.questions {
        let question = workshop.question(&q.question);
        for (value, count) in q.counts.iter().enumerate() {
            let answer = match question.map(|q| &q.kind) {
                Some(crate::model::QuestionKind::YesNo) => {
                    if value == 1 { "ja" } else { "nein" }.to_string()
                }
                Some(crate::model::QuestionKind::Stars) => (value + 1).to_string(),
                Some(crate::model::QuestionKind::Choice { options }) => {
                    options.get(value).map(|o| o.de.clone()).unwrap_or_default()
                }
                None => value.to_string(),
            };
            out.push_str(&format!(
                "answer,{},{},{},{count}\n",
                cell(&q.question),
                cell(&question.map(|q| q.text.de.clone()).unwrap_or_default()),
                cell(&answer)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_rfc3339() {
        assert_eq!(time(0), "1970-01-01T00:00:00Z");
        assert_eq!(time(1_780_000_000_000), "2026-05-28T20:26:40Z");
        assert_eq!(time(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("Bänke"), "Bänke");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("er sagte \"nein\""), "\"er sagte \"\"nein\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+49 3641"), "'+49 3641");
        assert_eq!(cell("-"), "'-");
        assert_eq!(cell("Zeile 1\nZeile 2"), "\"Zeile 1\nZeile 2\"");
    }
}
