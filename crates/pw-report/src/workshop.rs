//! The workshop report the council reads: what was asked (the variants
//! with their pictures and figures), what people said (ratings as bars,
//! answers, every contribution with its place on a map of the area), the
//! analyses shown, and where the data came from.

use pw_participation::{Category, Contribution, QuestionKind, Tally, Workshop, texts};

use crate::ReportError;
use crate::pdf::{Document, FOOTER, GREY, INK, MARGIN, PAGE_HEIGHT, Rgb};

/// A variant as the report shows it.
pub struct VariantPage {
    pub id: String,
    pub name: String,
    pub caption: String,
    /// PNG from the image export.
    pub picture: Option<Vec<u8>>,
    /// Key figures: (label, value with unit).
    pub figures: Vec<(String, String)>,
}

/// An analysis map shown in the workshop.
pub struct MapPage {
    pub title: String,
    pub picture: Vec<u8>,
    /// What the colours mean ("Sonnenstunden am Tag"); may be empty.
    pub legend_title: String,
    /// Legend entries: colour and text.
    pub legend: Vec<(Rgb, String)>,
}

pub struct WorkshopReport<'a> {
    /// "de" or "en".
    pub lang: &'a str,
    pub title: String,
    /// Where and when, in words ("Jena, 21.03.2026").
    pub place_and_date: String,
    pub workshop: &'a Workshop,
    pub variants: Vec<VariantPage>,
    pub maps: Vec<MapPage>,
    pub contributions: &'a [Contribution],
    pub tally: &'a Tally,
    /// Data credits of every layer shown.
    pub attribution: Vec<String>,
    /// How the report was made: (what, value), e.g. program version, file.
    pub provenance: Vec<(String, String)>,
    /// A contribution's time (Unix ms) as the report prints it, in the
    /// city's time zone.
    pub time_of: &'a dyn Fn(i64) -> String,
}

pub fn workshop_report(r: &WorkshopReport) -> Result<Vec<u8>, ReportError> {
    let t = |key: &str| texts::render(r.lang, key, &[]);
    let tf = |key: &str, args: &[(&str, String)]| texts::render(r.lang, key, args);
    let mut doc = Document::new(&r.title, &r.place_and_date, &t("participation.report.page"));
    // What the public part shows: not hidden, not merged into another.
    let shown: Vec<&Contribution> = r
        .contributions
        .iter()
        .filter(|c| !c.hidden && c.merged_into.is_none())
        .collect();
    let votes: u32 = r.tally.variants.iter().map(|v| v.votes()).sum();

    // Cover.
    doc.space(120.0);
    doc.paragraph_with(&t("participation.report.kind"), 12.0, GREY, 0.0);
    doc.space(6.0);
    doc.paragraph_with(&r.title, 26.0, INK, 0.0);
    doc.space(8.0);
    doc.paragraph_with(&r.place_and_date, 13.0, INK, 0.0);
    doc.space(30.0);
    doc.paragraph(&tf(
        "participation.report.summary",
        &[
            ("contributions", shown.len().to_string()),
            ("votes", votes.to_string()),
            ("variants", r.variants.len().to_string()),
        ],
    ));

    // The agenda: what the report holds, filled in with page numbers at
    // the end (on a page of its own after the cover).
    let mut agenda: Vec<(String, u8, usize)> = Vec::new();
    // Five sections, the designs and their comparison.
    let contents_pages: Vec<usize> = (0..agenda_pages(6 + r.variants.len()))
        .map(|_| {
            doc.new_page();
            doc.page_count() - 1
        })
        .collect();
    // The next section starts a page of its own.
    doc.advance_to(MARGIN + 2.0);

    // The variants.
    if !r.variants.is_empty() {
        section(&mut doc, &mut agenda, t("participation.report.variants"), 1);
        for v in &r.variants {
            // The name, caption and picture on one page (when they fit one).
            if let Some(h) = v
                .picture
                .as_deref()
                .and_then(|p| doc.image_height(p, 260.0))
            {
                let caption = if v.caption.is_empty() {
                    0.0
                } else {
                    doc.paragraph_height(&v.caption, 10.5) + 4.0
                };
                doc.need(HEADING_2 + caption + h);
            }
            section(&mut doc, &mut agenda, v.name.clone(), 2);
            if !v.caption.is_empty() {
                doc.paragraph(&v.caption);
            }
            if let Some(png) = &v.picture {
                picture_or_note(&mut doc, png, 260.0, r.lang);
            }
            if !v.figures.is_empty() {
                doc.table(
                    &[
                        t("participation.report.figure"),
                        t("participation.report.value"),
                    ],
                    &v.figures
                        .iter()
                        .map(|(k, v)| vec![k.clone(), v.clone()])
                        .collect::<Vec<_>>(),
                    &[2.0, 1.0],
                );
            }
        }
    }

    // The variants' key figures side by side (where two or more have them).
    let with_figures: Vec<&VariantPage> = r
        .variants
        .iter()
        .filter(|v| !v.figures.is_empty())
        .collect();
    if with_figures.len() >= 2 {
        section(&mut doc, &mut agenda, t("participation.report.compare"), 2);
        let mut labels: Vec<&str> = Vec::new();
        for v in &with_figures {
            for (label, _) in &v.figures {
                if !labels.contains(&label.as_str()) {
                    labels.push(label);
                }
            }
        }
        let mut header = vec![t("participation.report.figure")];
        header.extend(with_figures.iter().map(|v| v.name.clone()));
        let rows: Vec<Vec<String>> = labels
            .iter()
            .map(|label| {
                let mut row = vec![label.to_string()];
                row.extend(with_figures.iter().map(|v| {
                    v.figures
                        .iter()
                        .find(|(l, _)| l == label)
                        .map(|(_, value)| value.clone())
                        .unwrap_or_else(|| "–".into())
                }));
                row
            })
            .collect();
        let mut widths = vec![2.2];
        widths.extend(std::iter::repeat_n(1.0, with_figures.len()));
        doc.table(&header, &rows, &widths);
    }

    // Ratings and answers.
    section(&mut doc, &mut agenda, t("participation.report.ratings"), 1);
    if votes == 0 {
        doc.paragraph(&t("participation.table.no_votes"));
    } else {
        let bars: Vec<(String, f64, Rgb, String)> = r
            .tally
            .variants
            .iter()
            .map(|v| {
                let name = r
                    .workshop
                    .variant(&v.variant)
                    .map(|c| c.name.get(r.lang).to_string())
                    .unwrap_or_else(|| v.variant.clone());
                let mean = v.mean().unwrap_or(0.0);
                let text = tf(
                    "participation.report.mean_votes",
                    &[
                        (
                            "mean",
                            format!("{mean:.1}")
                                .replace('.', if r.lang == "de" { "," } else { "." }),
                        ),
                        ("n", v.votes().to_string()),
                    ],
                );
                (name, mean, [0, 90, 156], text)
            })
            .collect();
        doc.bars(&bars, 5.0);
        let mut header = vec![t("participation.report.variant_stars")];
        header.extend((1..=5).map(|n| n.to_string()));
        let rows: Vec<Vec<String>> = r
            .tally
            .variants
            .iter()
            .map(|v| {
                let mut row = vec![
                    r.workshop
                        .variant(&v.variant)
                        .map(|c| c.name.get(r.lang).to_string())
                        .unwrap_or_else(|| v.variant.clone()),
                ];
                row.extend(v.stars.iter().map(|s| s.to_string()));
                row
            })
            .collect();
        doc.table(&header, &rows, &[3.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    }
    for q in &r.tally.questions {
        let Some(question) = r.workshop.question(&q.question) else {
            continue;
        };
        doc.heading(question.text.get(r.lang), 2);
        let labels: Vec<String> = match &question.kind {
            QuestionKind::YesNo => vec![t("participation.page.no"), t("participation.page.yes")],
            QuestionKind::Stars => (1..=5)
                .map(|n| tf("participation.report.stars", &[("n", n.to_string())]))
                .collect(),
            QuestionKind::Choice { options } => {
                options.iter().map(|o| o.get(r.lang).to_string()).collect()
            }
        };
        let most = q.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let bars: Vec<_> = labels
            .into_iter()
            .zip(&q.counts)
            .map(|(label, n)| (label, *n as f64, [0, 90, 156], n.to_string()))
            .collect();
        doc.bars(&bars, most);
    }

    // The contributions: a map of where, then each one.
    section(
        &mut doc,
        &mut agenda,
        t("participation.report.contributions"),
        1,
    );
    let counts: Vec<String> = Category::ALL
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                t(c.key()),
                shown.iter().filter(|x| x.category == *c).count()
            )
        })
        .collect();
    doc.paragraph(&counts.join(" · "));
    if let Some(area) = &r.workshop.area {
        overview_map(&mut doc, area, &shown);
    }
    for category in Category::ALL {
        let of: Vec<&&Contribution> = shown.iter().filter(|c| c.category == category).collect();
        if of.is_empty() {
            continue;
        }
        doc.heading(&t(category.key()), 2);
        for c in of {
            let mut head = format!(
                "{} · {} · {}",
                tf("participation.report.number", &[("n", c.id.to_string())]),
                (r.time_of)(c.created_ms),
                t(match c.source {
                    pw_participation::Source::Phone => "participation.table.from_phone",
                    pw_participation::Source::Table => "participation.table.from_table",
                })
            );
            if let Some(v) = &c.view.variant {
                let name = r
                    .workshop
                    .variant(v)
                    .map_or(v.as_str(), |card| card.name.get(r.lang));
                head.push_str(&format!(" · {name}"));
            }
            if let Some(a) = &c.anchor {
                head.push_str(&format!(" · E {:.0} N {:.0}", a.x, a.y));
            }
            let merged = r
                .contributions
                .iter()
                .filter(|m| m.merged_into == Some(c.id))
                .count();
            if merged > 0 {
                head.push_str(&format!(
                    " · {}",
                    tf("participation.table.merged", &[("n", merged.to_string())])
                ));
            }
            // Where it was said: a small map of the place beside the text.
            let inset = match (&c.anchor, &r.workshop.area) {
                (Some(a), Some(area)) => Some((a, area)),
                _ => None,
            };
            let text_width = doc.width()
                - 8.0
                - if inset.is_some() {
                    INSET[0] + INSET_GAP
                } else {
                    0.0
                };
            doc.need(if inset.is_some() {
                INSET[1] + 8.0
            } else {
                40.0
            });
            let colour = c.category.colour();
            let top = doc.cursor();
            let page = doc.page_count();
            if let Some((anchor, area)) = inset {
                anchor_map(&mut doc, area, anchor, c.id, colour, top);
            }
            doc.paragraph_in(&head, 8.5, GREY, 8.0, text_width);
            doc.paragraph_in(&c.text, 10.5, INK, 8.0, text_width);
            if let Some(reply) = &c.reply {
                doc.paragraph_in(
                    &format!("{}: {reply}", t("participation.page.reply")),
                    9.5,
                    GREY,
                    16.0,
                    text_width - 8.0,
                );
            }
            if inset.is_some() && doc.page_count() == page {
                doc.advance_to(top + INSET[1] + 2.0);
            }
            let bottom = doc.cursor();
            // The category's colour as a bar beside it (when it kept to one page).
            if bottom > top && doc.page_count() == page {
                doc.fill_rect(MARGIN, top + 2.0, 3.0, bottom - top, colour);
            }
            doc.space(8.0);
        }
    }
    let hidden = r.contributions.iter().filter(|c| c.hidden).count();
    if hidden > 0 {
        doc.small(&tf(
            "participation.report.hidden",
            &[("n", hidden.to_string())],
        ));
    }

    // Analyses.
    if !r.maps.is_empty() {
        section(&mut doc, &mut agenda, t("participation.report.analyses"), 1);
        for m in &r.maps {
            // The title and its picture together.
            if let Some(h) = doc.image_height(&m.picture, 380.0) {
                doc.need(HEADING_2 + h);
            }
            doc.heading(&m.title, 2);
            picture_or_note(&mut doc, &m.picture, 380.0, r.lang);
            if !m.legend_title.is_empty() && !m.legend.is_empty() {
                doc.need(16.0 + 14.0 * m.legend.len().min(4) as f32);
                doc.paragraph_with(&m.legend_title, 10.0, INK, 0.0);
            }
            for (colour, text) in &m.legend {
                doc.need(14.0);
                let top = doc.cursor();
                doc.fill_rect(MARGIN, top + 2.0, 14.0, 9.0, *colour);
                doc.text_at(text, 9.0, MARGIN + 20.0, top + 10.0, INK);
                doc.space(14.0);
            }
        }
    }

    // Sources.
    section(&mut doc, &mut agenda, t("participation.report.sources"), 1);
    for a in &r.attribution {
        doc.paragraph(a);
    }
    if !r.provenance.is_empty() {
        doc.table(
            &[
                t("participation.report.what"),
                t("participation.report.value"),
            ],
            &r.provenance
                .iter()
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect::<Vec<_>>(),
            &[1.0, 2.0],
        );
    }
    contents(
        &mut doc,
        &contents_pages,
        &t("participation.report.contents"),
        &agenda,
    );
    Ok(doc.finish())
}

/// A heading that goes into the agenda with its page.
fn section(doc: &mut Document, agenda: &mut Vec<(String, u8, usize)>, title: String, level: u8) {
    doc.heading(&title, level);
    agenda.push((title, level, doc.page_count()));
}

/// An agenda line's height: (type size, line with the space below).
fn agenda_line(level: u8) -> (f32, f32) {
    let size = if level <= 1 { 12.0 } else { 10.5 };
    (size, size * 1.95)
}

/// The agenda's title with the space around it (18 pt type).
const AGENDA_TITLE: f32 = 6.0 + 18.0 * 1.35 + 6.0;

/// Pages the agenda needs for `entries` lines (at most one per line).
fn agenda_pages(entries: usize) -> usize {
    let page = PAGE_HEIGHT - 2.0 * MARGIN - FOOTER;
    let line = agenda_line(1).1;
    let first = ((page - AGENDA_TITLE) / line).floor() as usize;
    let rest = (page / line).floor() as usize;
    1 + entries.saturating_sub(first).div_ceil(rest.max(1))
}

/// Cuts `text` with "…" to fit `width` at `size`.
fn fitted(doc: &Document, text: &str, size: f32, width: f32) -> String {
    if doc.measure(text, size) <= width {
        return text.to_string();
    }
    let mut base: String = text.to_string();
    while !base.is_empty() {
        base.pop();
        let shown = format!("{}…", base.trim_end());
        if doc.measure(&shown, size) <= width {
            return shown;
        }
    }
    "…".into()
}

/// The agenda on its pages: sections and, under "Die Entwürfe", each
/// variant, with the page it starts on (right-aligned).
fn contents(doc: &mut Document, pages: &[usize], title: &str, agenda: &[(String, u8, usize)]) {
    let mut entries = agenda.iter().peekable();
    for (k, page) in pages.iter().enumerate() {
        doc.on_page(*page, |doc| {
            if k == 0 {
                // As a level-1 heading draws it, without its page break.
                doc.advance_to(MARGIN + 6.0);
                let baseline = doc.cursor() + 18.0 * 1.35 - 18.0 * 0.35;
                doc.text_at(title, 18.0, MARGIN, baseline, INK);
                doc.advance_to(MARGIN + AGENDA_TITLE);
            }
            while let Some((text, level, at)) = entries.peek() {
                let (size, height) = agenda_line(*level);
                if doc.room_left() < height {
                    break;
                }
                let indent = if *level <= 1 { 0.0 } else { 18.0 };
                let baseline = doc.cursor() + size * 1.35;
                let number = at.to_string();
                let right = MARGIN + doc.width();
                let shown = fitted(doc, text, size, doc.width() - indent - 40.0);
                doc.text_at(&shown, size, MARGIN + indent, baseline, INK);
                doc.text_at(
                    &number,
                    size,
                    right - doc.measure(&number, size),
                    baseline,
                    INK,
                );
                doc.advance_to(doc.cursor() + height);
                entries.next();
            }
        });
    }
}

/// A level-2 heading's height with the space around it (13 pt type).
const HEADING_2: f32 = 6.0 + 13.0 * 1.35 + 6.0;

/// A picture; one that cannot be read (a damaged file in the pictures'
/// folder) is left out with a note, and the report is written all the same.
fn picture_or_note(doc: &mut Document, png: &[u8], max_height: f32, lang: &str) {
    if let Err(e) = doc.image(png, max_height) {
        doc.small(&texts::render(
            lang,
            "participation.report.picture_unreadable",
            &[("why", e.to_string())],
        ));
    }
}

/// The small map beside a contribution with a place: width and height in
/// points (at 1 pt per metre), and the gap to the text.
const INSET: [f32; 2] = [120.0, 66.0];
const INSET_GAP: f32 = 10.0;

/// The outlines within `half` metres (x, y) of `centre`: what a small map
/// around a place shows.
pub fn outlines_near(
    outlines: &[Vec<[f64; 2]>],
    centre: [f64; 2],
    half: [f64; 2],
) -> Vec<&Vec<[f64; 2]>> {
    outlines
        .iter()
        .filter(|ring| {
            let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
            for p in ring.iter() {
                for k in 0..2 {
                    lo[k] = lo[k].min(p[k]);
                    hi[k] = hi[k].max(p[k]);
                }
            }
            (0..2).all(|k| hi[k] >= centre[k] - half[k] && lo[k] <= centre[k] + half[k])
        })
        .collect()
}

/// The place of one contribution, from above and north up, at the right
/// edge beside its text: the buildings around (1 pt per metre), the place
/// as a dot in its category's colour with its number, a 20 m scale.
fn anchor_map(
    doc: &mut Document,
    area: &pw_participation::Area,
    anchor: &pw_participation::Anchor,
    id: i64,
    colour: Rgb,
    top: f32,
) {
    let [w, h] = INSET;
    let left = MARGIN + doc.width() - w;
    let half = [f64::from(w) / 2.0, f64::from(h) / 2.0];
    let at = |x: f64, y: f64| {
        [
            left + (x - anchor.x + half[0]) as f32,
            top + (anchor.y - y + half[1]) as f32,
        ]
    };
    doc.fill_rect(left, top, w, h, [246, 246, 242]);
    doc.clip(left, top, w, h);
    for ring in outlines_near(&area.outlines, [anchor.x, anchor.y], half) {
        let points: Vec<[f32; 2]> = ring.iter().map(|p| at(p[0], p[1])).collect();
        doc.polygon(&points, [205, 205, 200], [150, 150, 145]);
    }
    doc.unclip();
    let [x, y] = at(anchor.x, anchor.y);
    doc.fill_rect(x - 4.0, y - 4.0, 8.0, 8.0, colour);
    doc.text_at(&id.to_string(), 7.0, x + 5.5, y + 2.5, INK);
    // 20 m at 1 pt per metre, bottom left.
    let (sx, sy) = (left + 6.0, top + h - 6.0);
    doc.line([sx, sy], [sx + 20.0, sy], 1.2, INK);
    doc.text_at("20 m", 6.0, sx + 23.0, sy + 2.0, INK);
    for (from, to) in [
        ([left, top], [left + w, top]),
        ([left + w, top], [left + w, top + h]),
        ([left + w, top + h], [left, top + h]),
        ([left, top + h], [left, top]),
    ] {
        doc.line(from, to, 0.5, [150, 150, 145]);
    }
}

/// The area from above: building outlines and a numbered dot per
/// contribution, in its category's colour.
fn overview_map(doc: &mut Document, area: &pw_participation::Area, shown: &[&Contribution]) {
    let [x0, y0, x1, y1] = area.extent;
    let (w, h) = (x1 - x0, y1 - y0);
    if !(w > 0.0 && h > 0.0) {
        return;
    }
    let width = doc.width();
    let scale = (width as f64 / w).min(360.0 / h);
    let (mw, mh) = ((w * scale) as f32, (h * scale) as f32);
    doc.need(mh + 12.0);
    let top = doc.cursor();
    let left = MARGIN + (width - mw) / 2.0;
    let at = |x: f64, y: f64| {
        [
            left + ((x - x0) * scale) as f32,
            top + ((y1 - y) * scale) as f32,
        ]
    };
    doc.fill_rect(left, top, mw, mh, [246, 246, 242]);
    // Buildings across the area's edge are cut there.
    doc.clip(left, top, mw, mh);
    for ring in &area.outlines {
        let points: Vec<[f32; 2]> = ring.iter().map(|p| at(p[0], p[1])).collect();
        doc.polygon(&points, [205, 205, 200], [150, 150, 145]);
    }
    doc.unclip();
    for c in shown {
        let Some(a) = &c.anchor else {
            continue;
        };
        let [x, y] = at(a.x, a.y);
        let colour = c.category.colour();
        doc.fill_rect(x - 3.0, y - 3.0, 6.0, 6.0, colour);
        doc.text_at(&c.id.to_string(), 7.0, x + 4.0, y + 2.5, INK);
    }
    doc.advance_to(top + mh + 12.0);
}

#[cfg(test)]
mod tests {
    use super::{Document, outlines_near, picture_or_note};

    /// A damaged picture, and one whose header claims 100,000 × 100,000
    /// pixels, are left out with a note; the report is still written.
    #[test]
    fn a_picture_that_cannot_be_read_leaves_a_note() {
        let mut doc = Document::new("Bericht", "Jena", "Seite");
        let mut damaged = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        damaged.extend([0, 0, 0, 10, 0, 0, 0, 10, 8, 2, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
        let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        huge.extend(100_000u32.to_be_bytes());
        huge.extend(100_000u32.to_be_bytes());
        huge.extend([8, 2, 0, 0, 0]);
        huge.extend(crc32(&huge[12..29]).to_be_bytes());
        // An empty first data chunk: the header is read up to it.
        huge.extend([0, 0, 0, 0]);
        huge.extend(b"IDAT");
        huge.extend(crc32(b"IDAT").to_be_bytes());
        assert_eq!(crate::pdf::png_size(&huge), Some((100_000, 100_000)));
        picture_or_note(&mut doc, &damaged, 200.0, "de");
        picture_or_note(&mut doc, &huge, 200.0, "en");
        let file = std::env::temp_dir().join(format!("pw-report-note-{}.pdf", std::process::id()));
        std::fs::write(&file, doc.finish()).unwrap();
        let text = std::process::Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
            .expect("pdftotext (Debian poppler-utils)");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Das Bild lässt sich nicht lesen"), "{text}");
        assert!(text.contains("larger than a report takes"), "{text}");
    }

    /// The PNG chunk checksum (CRC-32, ISO 3309), so the header is valid.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_small_map_takes_the_buildings_it_touches() {
        let square =
            |x: f64, y: f64| vec![[x, y], [x + 10.0, y], [x + 10.0, y + 10.0], [x, y + 10.0]];
        let outlines = vec![
            square(0.0, 0.0),
            // Reaches into the window from its right edge.
            square(55.0, 0.0),
            // Just outside above.
            square(0.0, 34.0),
            square(500.0, 500.0),
        ];
        let near = outlines_near(&outlines, [0.0, 0.0], [60.0, 33.0]);
        assert_eq!(near, vec![&outlines[0], &outlines[1]]);
    }
}
