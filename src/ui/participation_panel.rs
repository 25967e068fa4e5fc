//! The workshop's panel at the touch table: the QR code phones join with,
//! the stars each variant got (bars), the table's own contribution (kind,
//! text on the on-screen keyboard, a place tapped in the view), and the
//! contributions as they come in, with "Ansehen" and moderation.

use pw_participation::{Category, Moderation};

use super::actions::UiAction;
use super::keyboard::keyboard;
use crate::base::i18n::I18n;
use crate::participation::pictures::PictureSeries;
use crate::participation::{Participation, ParticipationCommand};
use bevy_egui::egui;

fn act(command: ParticipationCommand) -> UiAction {
    UiAction::Participation(command)
}

fn category_colour(c: Category) -> egui::Color32 {
    let [r, g, b] = c.colour();
    egui::Color32::from_rgb(r, g, b)
}

/// Draws the QR code for `modules` as dark squares on white, `side` wide.
fn qr_code(ui: &mut egui::Ui, modules: &[Vec<bool>], side: f32) {
    let n = modules.len() as f32 + 8.0; // a quiet zone of four modules
    let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    let cell = side / n;
    for (y, row) in modules.iter().enumerate() {
        for (x, dark) in row.iter().enumerate() {
            if *dark {
                let min = rect.min + egui::vec2((x as f32 + 4.0) * cell, (y as f32 + 4.0) * cell);
                painter.rect_filled(
                    egui::Rect::from_min_size(min, egui::vec2(cell + 0.5, cell + 0.5)),
                    0.0,
                    egui::Color32::BLACK,
                );
            }
        }
    }
}

fn tally(
    ui: &mut egui::Ui,
    p: &Participation,
    workshop: Option<&pw_participation::Workshop>,
    i18n: &I18n,
) {
    let Some(tally) = &p.tally else {
        return;
    };
    if tally.variants.is_empty() && tally.questions.is_empty() {
        return;
    }
    let lang = i18n.language.code();
    let bar = |ui: &mut egui::Ui, share: f64| {
        let width = ui.available_width();
        let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 22.0), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
        let filled = egui::Rect::from_min_size(
            rect.min,
            egui::vec2(rect.width() * share.clamp(0.0, 1.0) as f32, rect.height()),
        );
        painter.rect_filled(filled, 3.0, ui.visuals().selection.bg_fill);
    };
    if !tally.variants.is_empty() {
        ui.heading(i18n.tr("participation.table.tally"));
    }
    for t in &tally.variants {
        // The variant as phones name it.
        let name = workshop
            .and_then(|w| w.variant(&t.variant))
            .map_or(t.variant.as_str(), |v| v.name.get(lang));
        ui.label(egui::RichText::new(name).strong());
        bar(ui, t.mean().unwrap_or(0.0) / 5.0);
        ui.label(match t.mean() {
            Some(mean) => format!(
                "{} · {}",
                i18n.trf(
                    "participation.table.mean",
                    &[("mean", &i18n.number(mean, 1))]
                ),
                i18n.trf("participation.table.votes", &[("n", &t.votes())])
            ),
            None => i18n.tr("participation.table.no_votes").to_string(),
        });
    }
    // The questions' answers, one bar per answer.
    for q in &tally.questions {
        let Some(question) = workshop.and_then(|w| w.question(&q.question)) else {
            continue;
        };
        let labels: Vec<String> = match &question.kind {
            pw_participation::QuestionKind::YesNo => vec![
                i18n.tr("participation.page.no").to_string(),
                i18n.tr("participation.page.yes").to_string(),
            ],
            pw_participation::QuestionKind::Stars => (1..=5)
                .map(|n| i18n.trf("participation.report.stars", &[("n", &n)]))
                .collect(),
            pw_participation::QuestionKind::Choice { options } => {
                options.iter().map(|o| o.get(lang).to_string()).collect()
            }
        };
        let most = q.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        ui.label(egui::RichText::new(question.text.get(lang)).strong());
        for (label, n) in labels.iter().zip(&q.counts) {
            ui.label(format!("{label}: {n}"));
            bar(ui, f64::from(*n) / most);
        }
    }
    ui.separator();
}

/// What became of the table's last request, in red when it failed.
fn outcome(ui: &mut egui::Ui, p: &Participation) {
    if let Some((message, error)) = &p.message {
        let colour = if *error {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        ui.label(egui::RichText::new(message).color(colour));
    }
}

fn write_form(ui: &mut egui::Ui, p: &mut Participation, i18n: &I18n) -> Vec<UiAction> {
    let mut out = Vec::new();
    if !p.draft.open {
        // Closed, the keyboard leaves the room to the list.
        if ui
            .add(
                egui::Button::new(
                    egui::RichText::new(i18n.tr("participation.table.write")).strong(),
                )
                .min_size(egui::vec2(ui.available_width(), 0.0)),
            )
            .clicked()
        {
            p.draft.open = true;
        }
        outcome(ui, p);
        return out;
    }
    ui.horizontal(|ui| {
        ui.heading(i18n.tr("participation.table.write"));
        if ui.button(i18n.tr("participation.table.close")).clicked() {
            p.draft.open = false;
        }
    });
    ui.horizontal_wrapped(|ui| {
        for c in Category::ALL {
            let chosen = p.draft.category == Some(c);
            let text = egui::RichText::new(i18n.tr(c.key())).color(if chosen {
                egui::Color32::WHITE
            } else {
                category_colour(c)
            });
            let button = egui::Button::new(text)
                .fill(if chosen {
                    category_colour(c)
                } else {
                    ui.visuals().widgets.inactive.bg_fill
                })
                .stroke(egui::Stroke::new(2.0, category_colour(c)));
            if ui.add(button).clicked() {
                p.draft.category = Some(c);
            }
        }
    });
    ui.add(
        egui::TextEdit::multiline(&mut p.draft.text)
            .hint_text(i18n.tr("participation.page.text_hint"))
            .desired_rows(3)
            .char_limit(pw_participation::limits::MAX_TEXT_CHARS)
            .desired_width(f32::INFINITY),
    );
    keyboard(
        ui,
        &mut p.draft.text,
        &mut p.draft.shift,
        pw_participation::limits::MAX_TEXT_CHARS,
        i18n,
    );
    ui.horizontal_wrapped(|ui| {
        let place = if p.picking {
            i18n.tr("participation.table.picking")
        } else if p.draft.anchor.is_some() {
            i18n.tr("participation.table.place_set")
        } else {
            i18n.tr("participation.table.place")
        };
        if ui.selectable_label(p.picking, place).clicked() {
            out.push(act(if p.picking {
                ParticipationCommand::ClearPlace
            } else {
                ParticipationCommand::PickPlace
            }));
        }
        if p.draft.anchor.is_some()
            && ui
                .button(i18n.tr("participation.page.place_clear"))
                .clicked()
        {
            out.push(act(ParticipationCommand::ClearPlace));
        }
    });
    let ready = p.draft.category.is_some() && !p.draft.text.trim().is_empty();
    if ui
        .add_enabled(
            ready,
            egui::Button::new(egui::RichText::new(i18n.tr("participation.table.send")).strong())
                .min_size(egui::vec2(ui.available_width(), 0.0)),
        )
        .clicked()
    {
        out.push(act(ParticipationCommand::Send));
    }
    outcome(ui, p);
    out
}

fn list(
    ui: &mut egui::Ui,
    p: &mut Participation,
    i18n: &I18n,
    zone: &jiff::tz::TimeZone,
) -> Vec<UiAction> {
    let mut out = Vec::new();
    ui.heading(i18n.tr("participation.table.list"));
    ui.horizontal_wrapped(|ui| {
        if ui
            .selectable_label(p.filter.is_none(), i18n.tr("participation.table.all"))
            .clicked()
        {
            p.filter = None;
        }
        for c in Category::ALL {
            let n = p
                .contributions
                .iter()
                .filter(|x| x.category == c && x.merged_into.is_none())
                .count();
            if ui
                .selectable_label(p.filter == Some(c), format!("{} ({n})", i18n.tr(c.key())))
                .clicked()
            {
                p.filter = Some(c);
            }
        }
        let open = p
            .contributions
            .iter()
            .filter(|x| x.merged_into.is_none() && !x.answered && !x.hidden)
            .count();
        if ui
            .selectable_label(
                p.open_only,
                i18n.trf("participation.table.open_only", &[("n", &open)]),
            )
            .clicked()
        {
            p.open_only = !p.open_only;
        }
    });
    let listed: Vec<_> = p.listed().cloned().collect();
    if listed.is_empty() {
        ui.label(i18n.tr("participation.table.none"));
    }
    for c in listed {
        let frame = egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(
                if p.selected == Some(c.id) { 3.0 } else { 1.5 },
                category_colour(c.category),
            ))
            .inner_margin(8.0);
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            let time = jiff::Timestamp::from_millisecond(c.created_ms)
                .map(|t| {
                    t.to_zoned_datetime(zone.clone())
                        .strftime("%H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let mut head = format!(
                "{} · {} · {}",
                i18n.tr(c.category.key()),
                time,
                i18n.tr(match c.source {
                    pw_participation::Source::Phone => "participation.table.from_phone",
                    pw_participation::Source::Table => "participation.table.from_table",
                })
            );
            let merged = p.merged_count(c.id);
            if merged > 0 {
                head.push_str(&format!(
                    " · {}",
                    i18n.trf("participation.table.merged", &[("n", &merged)])
                ));
            }
            if c.hidden {
                head.push_str(&format!(" · {}", i18n.tr("participation.table.hidden")));
            }
            ui.label(
                egui::RichText::new(head)
                    .color(category_colour(c.category))
                    .strong(),
            );
            // Hidden by the moderator: the big screen is public, so only the
            // way to show it again remains, not its text.
            if !c.hidden {
                // Shown as text: egui draws what people typed, markup included.
                ui.add(egui::Label::new(&c.text).wrap());
            }
            if let Some(reply) = c.reply.as_ref().filter(|_| !c.hidden) {
                ui.label(format!("{}: {reply}", i18n.tr("participation.page.reply")));
            }
            // Merging: every other entry offers itself as the one to keep.
            if let Some(source) = p.merging {
                if source == c.id {
                    ui.label(
                        egui::RichText::new(i18n.tr("participation.table.merge_choose")).strong(),
                    );
                    if ui
                        .button(i18n.tr("participation.table.merge_cancel"))
                        .clicked()
                    {
                        p.merging = None;
                    }
                } else if !c.hidden
                    && ui
                        .button(i18n.tr("participation.table.merge_here"))
                        .clicked()
                {
                    out.push(act(ParticipationCommand::Moderate(
                        source,
                        Moderation::MergeInto(c.id),
                    )));
                    p.merging = None;
                }
                return;
            }
            if let Some((id, text, shift)) = p.replying.as_mut()
                && *id == c.id
            {
                ui.add(
                    egui::TextEdit::multiline(text)
                        .id_salt(("reply", c.id))
                        .hint_text(i18n.tr("participation.table.reply_hint"))
                        .desired_rows(2)
                        .char_limit(pw_participation::limits::MAX_REPLY_CHARS)
                        .desired_width(f32::INFINITY),
                );
                // In a scope: the keyboard's tight spacing stays its own.
                ui.scope(|ui| {
                    keyboard(
                        ui,
                        text,
                        shift,
                        pw_participation::limits::MAX_REPLY_CHARS,
                        i18n,
                    )
                });
                let mut close = false;
                ui.horizontal_wrapped(|ui| {
                    let ready = !text.trim().is_empty();
                    if ui
                        .add_enabled(
                            ready,
                            egui::Button::new(i18n.tr("participation.table.reply_send")),
                        )
                        .clicked()
                    {
                        out.push(act(ParticipationCommand::Moderate(
                            c.id,
                            Moderation::Reply(Some(text.trim().to_string())),
                        )));
                        close = true;
                    }
                    if ui.button(i18n.tr("participation.table.close")).clicked() {
                        close = true;
                    }
                });
                if close {
                    p.replying = None;
                }
                return;
            }
            ui.horizontal_wrapped(|ui| {
                if ui.button(i18n.tr("participation.table.show")).clicked() {
                    out.push(act(ParticipationCommand::ShowView(c.id)));
                }
                if !c.hidden && ui.button(i18n.tr("participation.table.reply")).clicked() {
                    p.replying = Some((c.id, c.reply.clone().unwrap_or_default(), false));
                }
                if c.reply.is_some()
                    && ui
                        .button(i18n.tr("participation.table.reply_remove"))
                        .clicked()
                {
                    out.push(act(ParticipationCommand::Moderate(
                        c.id,
                        Moderation::Reply(None),
                    )));
                }
                if ui.button(i18n.tr("participation.table.merge")).clicked() {
                    p.merging = Some(c.id);
                    p.replying = None;
                }
                // Undo a merge: those under it are listed on their own again.
                if merged > 0 && ui.button(i18n.tr("participation.table.unmerge")).clicked() {
                    for under in p
                        .contributions
                        .iter()
                        .filter(|x| x.merged_into == Some(c.id))
                    {
                        out.push(act(ParticipationCommand::Moderate(
                            under.id,
                            Moderation::Unmerge,
                        )));
                    }
                }
                let (key, hide) = if c.hidden {
                    ("participation.table.unhide", false)
                } else {
                    ("participation.table.hide", true)
                };
                if ui.button(i18n.tr(key)).clicked() {
                    out.push(act(ParticipationCommand::Moderate(
                        c.id,
                        Moderation::Hide(hide),
                    )));
                }
                if ui
                    .selectable_label(c.answered, i18n.tr("participation.table.answered"))
                    .clicked()
                {
                    out.push(act(ParticipationCommand::Moderate(
                        c.id,
                        Moderation::Answered(!c.answered),
                    )));
                }
            });
        });
    }
    out
}

/// "Bilder aufnehmen" — or how far the series is, and how the last ended.
fn pictures_row(
    ui: &mut egui::Ui,
    pictures: Option<&PictureSeries>,
    i18n: &I18n,
    out: &mut Vec<UiAction>,
) {
    let Some(series) = pictures else { return };
    match series.progress() {
        Some((done, all)) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.add(
                    egui::Label::new(i18n.trf(
                        "participation.pictures.progress",
                        &[("n", &(done + 1).min(all)), ("of", &all)],
                    ))
                    .wrap(),
                );
            });
            if ui
                .button(i18n.tr("participation.pictures.cancel"))
                .clicked()
            {
                out.push(act(ParticipationCommand::CancelPictures));
            }
        }
        None => {
            if ui
                .button(i18n.tr("participation.pictures.take"))
                .on_hover_text(i18n.tr("participation.pictures.take_hint"))
                .clicked()
            {
                out.push(act(ParticipationCommand::TakePictures));
            }
            if let Some((text, error)) = &series.outcome {
                let colour = if *error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.add(egui::Label::new(egui::RichText::new(text).small().color(colour)).wrap());
            }
        }
    }
}

/// The whole panel.
pub fn participation_panel(
    ui: &mut egui::Ui,
    p: &mut Participation,
    pictures: Option<&PictureSeries>,
    i18n: &I18n,
    zone: &jiff::tz::TimeZone,
) -> Vec<UiAction> {
    let mut out = Vec::new();
    ui.heading(i18n.tr("participation.table.title"));
    let Some(session) = p.session.as_ref() else {
        if ui.button(i18n.tr("participation.table.start")).clicked() {
            out.push(act(ParticipationCommand::Start));
        }
        pictures_row(ui, pictures, i18n, &mut out);
        if let Some((message, _)) = &p.message {
            ui.label(egui::RichText::new(message).color(ui.visuals().error_fg_color));
        }
        return out;
    };
    // The code beside what it is for: room below for the tally and the list.
    ui.horizontal(|ui| {
        let side = (ui.available_width() * 0.45).min(180.0);
        qr_code(ui, &session.qr, side);
        ui.vertical(|ui| {
            ui.add(egui::Label::new(i18n.tr("participation.table.scan")).wrap());
            ui.add(egui::Label::new(egui::RichText::new(&session.link).small()).wrap());
            if ui.button(i18n.tr("participation.table.save")).clicked() {
                out.push(act(ParticipationCommand::SaveResults));
            }
            pictures_row(ui, pictures, i18n, &mut out);
            if ui.button(i18n.tr("participation.table.stop")).clicked() {
                out.push(act(ParticipationCommand::Stop));
            }
            if ui
                .button(i18n.tr("participation.table.new_link"))
                .on_hover_text(i18n.tr("participation.table.new_link_hint"))
                .clicked()
            {
                out.push(act(ParticipationCommand::NewLink));
            }
        });
    });
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        // Read while drawing, not copied: the cards hold their pictures.
        let shared = p.session.as_ref().map(|s| s.desk().workshop());
        let workshop = shared.as_ref().and_then(|w| w.read().ok());
        tally(ui, p, workshop.as_deref(), i18n);
        drop(workshop);
        out.extend(write_form(ui, p, i18n));
        ui.separator();
        out.extend(list(ui, p, i18n, zone));
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::i18n::Language;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    /// A phone's contribution as the desk hands it over.
    fn contribution(id: i64, category: Category, text: &str) -> pw_participation::Contribution {
        pw_participation::Contribution {
            id,
            participant: "p".into(),
            text: text.into(),
            category,
            anchor: None,
            view: Default::default(),
            source: pw_participation::Source::Phone,
            created_ms: 1_780_000_000_000,
            hidden: false,
            answered: false,
            reply: None,
            merged_into: None,
        }
    }

    /// The table's form without a physical keyboard: kind, keys, place, send.
    #[test]
    fn the_table_writes_with_the_on_screen_keyboard() {
        let i18n = I18n::new(Language::German);
        let mut p = Participation::default();
        p.draft.open = true;
        let mut harness = Harness::new_ui_state(
            |ui, (p, out): &mut (Participation, Vec<UiAction>)| {
                out.extend(write_form(ui, p, &i18n));
            },
            (p, Vec::new()),
        );
        harness.run();
        harness.get_by_label("Kritik").click();
        harness.run();
        for key in ["Groß", "M", "e", "h", "r", "Leertaste", "ü", "Löschen", "b"] {
            harness.get_by_label(key).click();
            harness.run();
        }
        harness.get_by_label("Ort im Bild wählen").click();
        harness.run();
        harness.get_by_label("Absenden").click();
        harness.run();
        let (p, out) = harness.state();
        assert_eq!(p.draft.text, "Mehr b");
        assert_eq!(p.draft.category, Some(Category::Kritik));
        assert_eq!(
            out.as_slice(),
            &[
                UiAction::Participation(ParticipationCommand::PickPlace),
                UiAction::Participation(ParticipationCommand::Send)
            ]
        );
    }

    /// Moderation and "Ansehen" from the list; a filter keeps one kind.
    #[test]
    fn the_list_filters_shows_and_moderates() {
        let i18n = I18n::new(Language::German);
        let mut p = Participation::default();
        p.contributions = vec![
            contribution(2, Category::Lob, "Schöner Platz"),
            contribution(1, Category::Frage, "<b>Wann</b> wird gebaut?"),
        ];
        let mut harness = Harness::new_ui_state(
            |ui, (p, out): &mut (Participation, Vec<UiAction>)| {
                out.extend(list(ui, p, &i18n, &jiff::tz::TimeZone::UTC));
            },
            (p, Vec::new()),
        );
        harness.run();
        // Markup shows as the text it is.
        harness.get_by_label("<b>Wann</b> wird gebaut?");
        // Still open: both (none answered yet).
        harness.get_by_label("Nur offene (2)").click();
        harness.run();
        assert!(harness.state().0.open_only);
        harness.state_mut().0.contributions[0].answered = true;
        harness.run();
        assert!(
            harness.query_by_label("Schöner Platz").is_none(),
            "answered: not open"
        );
        harness.get_by_label("Nur offene (1)").click();
        harness.run();
        harness.get_by_label("Schöner Platz");
        harness.get_by_label("Frage (1)").click();
        harness.run();
        assert!(harness.query_by_label("Schöner Platz").is_none());
        harness.get_by_label("Ansehen").click();
        harness.run();
        harness.get_by_label("Ausblenden").click();
        harness.run();
        assert_eq!(
            harness.state().1.as_slice(),
            &[
                UiAction::Participation(ParticipationCommand::ShowView(1)),
                UiAction::Participation(ParticipationCommand::Moderate(1, Moderation::Hide(true)))
            ]
        );
    }

    /// The tally names the variants as phones do and shows each question's
    /// answers as bars.
    #[test]
    fn the_tally_shows_variants_by_name_and_the_answers() {
        let i18n = I18n::new(Language::German);
        let mut workshop =
            pw_participation::Workshop::new(pw_participation::LocalText::new("W", ""));
        workshop.variants = vec![pw_participation::VariantCard {
            id: "a".into(),
            name: pw_participation::LocalText::new("Entwurf A: Blockrand", ""),
            caption: Default::default(),
            picture: None,
        }];
        workshop.questions = vec![pw_participation::Question {
            id: "gruen".into(),
            text: pw_participation::LocalText::new("Mehr Grün?", ""),
            kind: pw_participation::QuestionKind::YesNo,
        }];
        let mut p = Participation::default();
        p.tally = Some(pw_participation::Tally {
            variants: vec![pw_participation::VariantTally {
                variant: "a".into(),
                stars: [0, 0, 1, 2, 3],
            }],
            questions: vec![pw_participation::QuestionTally {
                question: "gruen".into(),
                counts: vec![3, 14],
            }],
        });
        let mut harness = Harness::new_ui_state(
            |ui, p: &mut Participation| tally(ui, p, Some(&workshop), &i18n),
            p,
        );
        harness.run();
        harness.get_by_label("Entwurf A: Blockrand");
        harness.get_by_label("Mehr Grün?");
        harness.get_by_label("Ja: 14");
        harness.get_by_label("Nein: 3");
    }

    /// The moderator replies on the on-screen keyboard and merges a point
    /// made twice into the first one.
    #[test]
    fn the_moderator_replies_and_merges() {
        let i18n = I18n::new(Language::German);
        let mut p = Participation::default();
        p.contributions = vec![
            contribution(2, Category::Frage, "Wann kommt der Bus?"),
            contribution(1, Category::Frage, "Bus wann?"),
        ];
        let mut harness = Harness::new_ui_state(
            |ui, (p, out): &mut (Participation, Vec<UiAction>)| {
                out.extend(list(ui, p, &i18n, &jiff::tz::TimeZone::UTC));
            },
            (p, Vec::new()),
        );
        harness.run();
        harness
            .get_all_by_label("Antworten")
            .next()
            .unwrap()
            .click();
        harness.run();
        for key in ["Groß", "A", "b", "Leertaste", "2", "0", "2", "7"] {
            harness.get_by_label(key).click();
            harness.run();
        }
        harness.get_by_label("Antwort zeigen").click();
        harness.run();
        // The second entry (no. 1) goes into the first (no. 2).
        harness
            .get_all_by_label("Zusammenführen")
            .nth(1)
            .unwrap()
            .click();
        harness.run();
        harness.get_by_label("Hierher zusammenführen").click();
        harness.run();
        assert_eq!(
            harness.state().1.as_slice(),
            &[
                UiAction::Participation(ParticipationCommand::Moderate(
                    2,
                    Moderation::Reply(Some("Ab 2027".into()))
                )),
                UiAction::Participation(ParticipationCommand::Moderate(
                    1,
                    Moderation::MergeInto(2)
                )),
            ]
        );
        assert_eq!(harness.state().0.replying, None);
        assert_eq!(harness.state().0.merging, None);
    }

    /// "Bilder aufnehmen" before the workshop opens; while a series runs,
    /// how far it is instead; afterwards what it did.
    #[test]
    fn pictures_are_taken_from_the_panel_and_say_how_far_they_are() {
        let i18n = I18n::new(Language::German);
        let mut harness = Harness::new_ui_state(
            |ui, (series, out): &mut (PictureSeries, Vec<UiAction>)| {
                pictures_row(ui, Some(series), &i18n, out);
            },
            (PictureSeries::default(), Vec::new()),
        );
        harness.run();
        harness
            .get_by_label("Bilder für Handys und Bericht aufnehmen")
            .click();
        harness.run();
        assert_eq!(
            harness.state().1.as_slice(),
            &[UiAction::Participation(ParticipationCommand::TakePictures)]
        );
        harness.state_mut().0.outcome = Some(("Bilder gespeichert in /x".into(), false));
        harness.run();
        harness.get_by_label("Bilder gespeichert in /x");
    }

    /// Every control at the table is at least 9 mm: measured on the
    /// smallest pixels a workshop table has here — a 55-inch 4K display at
    /// scale 1 (0.317 mm per pixel) — with the workshop's zoom, in a
    /// panel as wide as the workshop gives it (420 points).
    #[test]
    fn every_control_at_the_table_is_at_least_nine_millimetres() {
        use egui_kittest::kittest::{NodeT, Queryable as _};
        const MM_PER_PIXEL: f32 = 55.0 * 25.4 / 4405.9; // 3840 × 2160 diagonal
        let i18n = I18n::new(Language::German);
        let mut p = Participation::default();
        p.draft.open = true;
        let mut answered = contribution(1, Category::Idee, "Mehr Bäume");
        answered.reply = Some("Ja".into());
        p.contributions = vec![answered];
        let mut harness = Harness::builder()
            .with_size(egui::vec2(420.0, 3000.0))
            .build_ui_state(
                |ui, (p, out): &mut (Participation, Vec<UiAction>)| {
                    out.extend(write_form(ui, p, &i18n));
                    out.extend(list(ui, p, &i18n, &jiff::tz::TimeZone::UTC));
                    pictures_row(ui, Some(&PictureSeries::default()), &i18n, out);
                },
                (p, Vec::new()),
            );
        // The table's settings as they come (UI scale 100 %; the default
        // is larger), in workshop mode.
        let settings = crate::base::settings::UserSettings {
            ui_scale: 1.0,
            ..Default::default()
        };
        crate::ui::theme::apply(&harness.ctx, &settings, crate::ui::AppMode::Workshop, None);
        harness.run();
        harness.run();
        let ppp = harness.ctx.pixels_per_point();
        assert!(
            (ppp - crate::ui::theme::WORKSHOP_ZOOM).abs() < 1e-3,
            "{ppp}"
        );
        let mut measured = 0;
        for role in [
            egui::accesskit::Role::Button,
            egui::accesskit::Role::CheckBox,
        ] {
            for node in harness.query_all_by_role(role) {
                let r = node.rect();
                let (w, h) = (
                    r.width() * ppp * MM_PER_PIXEL,
                    r.height() * ppp * MM_PER_PIXEL,
                );
                let label = node.accesskit_node().label().unwrap_or_default();
                assert!(w >= 9.0 && h >= 9.0, "“{label}” is {w:.1} × {h:.1} mm");
                measured += 1;
            }
        }
        // The keyboard's keys, the kinds, place, send, and the list's.
        assert!(measured > 40, "{measured} controls");
    }
}
