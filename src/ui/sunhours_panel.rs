//! The analysis panel for sun hours: area (two taps on the map or the
//! current view), date with presets, time window, step, cell size,
//! facades; the run button; the results with show/hide, statistics, DIN EN
//! 17037 tally, legend, export, and before/after comparison.

use super::actions::UiAction;
use crate::analysis::sunhours::layer::{AreaPick, SunHoursCommand, SunHoursEntry, SunHoursForm};
use crate::base::i18n::I18n;
use bevy_egui::egui;

fn cmd(c: SunHoursCommand) -> UiAction {
    UiAction::SunHours(c)
}

fn swatch(ui: &mut egui::Ui, rgb: [u8; 3]) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
    ui.painter()
        .rect_filled(rect, 2.0, egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2]));
}

/// The legend of one result's classes: "≥ 4 h", or hours gained/lost.
pub fn legend(ui: &mut egui::Ui, entry: &SunHoursEntry, i18n: &I18n) {
    let classes = entry.classes();
    let difference = entry.difference_of.is_some();
    ui.label(
        egui::RichText::new(i18n.tr(if difference {
            "sunhours.legend_difference"
        } else {
            "sunhours.legend"
        }))
        .strong(),
    );
    egui::Grid::new(("legend", entry.id)).show(ui, |ui| {
        for (k, (lo, rgb)) in classes.iter().enumerate() {
            swatch(ui, *rgb);
            let hi = classes.get(k + 1).map(|c| c.0);
            let text = match (lo.is_finite(), hi) {
                (false, Some(h)) => format!("< {h:+} h"),
                (true, Some(h)) if difference => format!("{lo:+} … {h:+} h"),
                (true, Some(h)) => format!("{lo} – {h} h"),
                (_, None) if difference => format!("≥ {lo:+} h"),
                (_, None) => format!("≥ {lo} h"),
            };
            ui.label(text);
            ui.end_row();
        }
    });
}

pub fn sunhours_panel(
    ui: &mut egui::Ui,
    form: &mut SunHoursForm,
    results: &[SunHoursEntry],
    running: bool,
    pick: AreaPick,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    ui.heading(i18n.tr("sunhours.title"));
    // Area.
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("sunhours.area"));
        match form.area {
            Some(a) => ui.label(i18n.trf(
                "sunhours.area_size",
                &[
                    ("w", &format!("{:.0}", a.width())),
                    ("h", &format!("{:.0}", a.height())),
                ],
            )),
            None => ui.label(i18n.tr("sunhours.no_area")),
        };
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button(i18n.tr("sunhours.pick_area")).clicked() {
            actions.push(cmd(SunHoursCommand::PickArea));
        }
        if ui.button(i18n.tr("sunhours.area_from_view")).clicked() {
            actions.push(cmd(SunHoursCommand::AreaFromView));
        }
    });
    match pick {
        AreaPick::FirstCorner => {
            ui.colored_label(ui.visuals().warn_fg_color, i18n.tr("sunhours.pick_first"));
        }
        AreaPick::SecondCorner(_) => {
            ui.colored_label(ui.visuals().warn_fg_color, i18n.tr("sunhours.pick_second"));
        }
        AreaPick::Off => {}
    }
    // Date and presets.
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("sunhours.date"));
        ui.add(
            egui::TextEdit::singleline(&mut form.date)
                .hint_text(i18n.tr("sunhours.date_today"))
                .desired_width(100.0),
        );
    });
    ui.horizontal_wrapped(|ui| {
        let year = form
            .date
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or_else(|| {
                jiff::Timestamp::now()
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .year() as i32
            });
        for (month, day) in crate::analysis::sunhours::run::DATE_PRESETS {
            if ui.button(format!("{day}.{month}.")).clicked() {
                form.date = format!("{year:04}-{month:02}-{day:02}");
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("sunhours.from"));
        ui.add(
            egui::TextEdit::singleline(&mut form.from)
                .hint_text("00:00")
                .desired_width(50.0),
        );
        ui.label(i18n.tr("sunhours.to"));
        ui.add(
            egui::TextEdit::singleline(&mut form.to)
                .hint_text("24:00")
                .desired_width(50.0),
        );
    });
    ui.add(
        egui::Slider::new(&mut form.step_minutes, 1.0..=60.0)
            .step_by(1.0)
            .text(i18n.tr("sunhours.step")),
    );
    ui.add(
        egui::Slider::new(&mut form.cell, 0.5..=5.0)
            .step_by(0.5)
            .text(i18n.tr("sunhours.cell")),
    );
    ui.checkbox(&mut form.facades, i18n.tr("sunhours.facades"));
    ui.horizontal(|ui| {
        let run = ui.add_enabled(
            !running && form.area.is_some(),
            egui::Button::new(i18n.tr("sunhours.run")),
        );
        if run.clicked() {
            actions.push(cmd(SunHoursCommand::Run));
        }
        if running {
            ui.spinner();
            ui.label(i18n.tr("sunhours.running"));
        }
    });
    if results.is_empty() {
        return actions;
    }
    ui.separator();
    ui.label(egui::RichText::new(i18n.tr("sunhours.results")).strong());
    for e in results {
        ui.push_id(("sunhours", e.id), |ui| {
            ui.group(|ui| {
                ui.label(egui::RichText::new(&e.label).strong());
                ui.horizontal_wrapped(|ui| {
                    let (mut g, mut f) = (e.show_ground, e.show_facades);
                    let mut changed = false;
                    if e.result.ground.is_some() {
                        changed |= ui
                            .checkbox(&mut g, i18n.tr("sunhours.show_ground"))
                            .changed();
                    }
                    if !e.result.facades.samples.is_empty() {
                        changed |= ui
                            .checkbox(&mut f, i18n.tr("sunhours.show_facades"))
                            .changed();
                    }
                    if changed {
                        actions.push(cmd(SunHoursCommand::Show {
                            id: e.id,
                            ground: g,
                            facades: f,
                        }));
                    }
                });
                if let Some(grid) = &e.result.ground
                    && e.difference_of.is_none()
                {
                    let s = pw_shadow::result::GroundStats::of(grid);
                    ui.label(i18n.trf(
                        "sunhours.stats",
                        &[
                            ("mean", &format!("{:.1}", s.mean_hours)),
                            ("max", &format!("{:.1}", s.max_hours)),
                        ],
                    ));
                    for h in [2.0f32, 4.0] {
                        let m2 = pw_shadow::area_with_at_least(grid, h);
                        let share = m2 / (s.cells.max(1) as f64 * s.cell_area) * 100.0;
                        ui.label(i18n.trf(
                            "sunhours.area_at_least",
                            &[
                                ("h", &h),
                                ("m2", &format!("{m2:.0}")),
                                ("share", &format!("{share:.0}")),
                            ],
                        ));
                    }
                }
                if let Some(grid) = e
                    .result
                    .ground
                    .as_ref()
                    .filter(|_| e.difference_of.is_some())
                {
                    let cell = grid.dx * grid.dy;
                    let lost = grid.values.iter().filter(|v| **v < -0.01).count() as f64 * cell;
                    let gained = grid.values.iter().filter(|v| **v > 0.01).count() as f64 * cell;
                    ui.label(i18n.trf(
                        "sunhours.difference_stats",
                        &[
                            ("lost", &format!("{lost:.0}")),
                            ("gained", &format!("{gained:.0}")),
                        ],
                    ));
                }
                let samples = &e.result.facades.samples;
                if !samples.is_empty() {
                    let t = pw_shadow::din17037::tally(samples.iter().map(|s| s.din_hours));
                    ui.label(i18n.trf(
                        "sunhours.din",
                        &[
                            ("not_met", &t[0]),
                            ("min", &t[1]),
                            ("medium", &t[2]),
                            ("high", &t[3]),
                        ],
                    ));
                }
                egui::CollapsingHeader::new(i18n.tr("sunhours.parameters"))
                    .id_salt(("params", e.id))
                    .show(ui, |ui| {
                        for (k, v) in &e.result.run.entries {
                            ui.label(format!("{k}: {v}"));
                        }
                        for n in &e.result.notes {
                            ui.label(n);
                        }
                    });
                if e.show_ground || e.show_facades {
                    legend(ui, e, i18n);
                }
                ui.horizontal(|ui| {
                    if ui.button(i18n.tr("sunhours.export")).clicked() {
                        actions.push(cmd(SunHoursCommand::Export(e.id)));
                    }
                    if ui.button(i18n.tr("layers.remove")).clicked() {
                        actions.push(cmd(SunHoursCommand::Remove(e.id)));
                    }
                });
            });
        });
    }
    // Before/after.
    let plain: Vec<&SunHoursEntry> = results
        .iter()
        .filter(|e| e.difference_of.is_none() && e.result.ground.is_some())
        .collect();
    if plain.len() >= 2 {
        ui.separator();
        ui.label(egui::RichText::new(i18n.tr("sunhours.compare")).strong());
        for (label, slot) in [
            ("sunhours.before", &mut form.before),
            ("sunhours.after", &mut form.after),
        ] {
            ui.horizontal(|ui| {
                ui.label(i18n.tr(label));
                let shown = slot
                    .and_then(|id| plain.iter().find(|e| e.id == id))
                    .map(|e| e.label.clone())
                    .unwrap_or_else(|| "–".into());
                egui::ComboBox::from_id_salt(label)
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for e in &plain {
                            if ui.selectable_label(*slot == Some(e.id), &e.label).clicked() {
                                *slot = Some(e.id);
                            }
                        }
                    });
            });
        }
        if let (Some(before), Some(after)) = (form.before, form.after)
            && before != after
            && ui.button(i18n.tr("sunhours.difference")).clicked()
        {
            actions.push(cmd(SunHoursCommand::Compare { before, after }));
        }
    }
    actions
}
