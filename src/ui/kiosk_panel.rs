//! The showroom's bar: the station's caption in large, simple words,
//! "Zurück" / "Weiter", where in the tour one is; and the staff's PIN pad
//! to leave the kiosk.

use super::actions::{AppMode, Dialog, UiAction};
use crate::base::i18n::{I18n, Language};
use crate::participation::kiosk::KioskCommand;
use bevy_egui::egui;

pub fn tour_bar(
    ui: &mut egui::Ui,
    scene: &pw_scene::Scene,
    station: usize,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut out = Vec::new();
    let stations = scene.kiosk.as_ref().map_or(&[][..], |k| &k.stations[..]);
    let Some(s) = stations.get(station) else {
        ui.label(i18n.tr("kiosk.no_tour"));
        return out;
    };
    let caption = match i18n.language {
        Language::English if !s.en.is_empty() => &s.en,
        _ => &s.de,
    };
    ui.add_space(8.0);
    ui.add(egui::Label::new(egui::RichText::new(caption).size(26.0)).wrap());
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui
            .add(egui::Button::new(
                egui::RichText::new(i18n.tr("kiosk.previous")).size(22.0),
            ))
            .clicked()
        {
            out.push(UiAction::Kiosk(KioskCommand::Previous));
        }
        ui.label(
            egui::RichText::new(i18n.trf(
                "kiosk.station",
                &[("n", &(station + 1)), ("total", &stations.len())],
            ))
            .size(20.0),
        );
        if ui
            .add(egui::Button::new(
                egui::RichText::new(i18n.tr("kiosk.next")).size(22.0),
            ))
            .clicked()
        {
            out.push(UiAction::Kiosk(KioskCommand::Next));
        }
    });
    ui.add_space(8.0);
    out
}

/// Digits, "OK" and "Abbrechen"; the right PIN leaves the kiosk.
pub fn pin_pad(
    ctx: &egui::Context,
    entry: &mut String,
    pin: &str,
    wrong: &mut bool,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut out = Vec::new();
    egui::Window::new(i18n.tr("kiosk.pin_title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            // Dots, not digits: people stand around a showroom screen.
            ui.label(egui::RichText::new("●".repeat(entry.len()) + " ").size(28.0));
            if *wrong {
                ui.colored_label(ui.visuals().error_fg_color, i18n.tr("kiosk.pin_wrong"));
            }
            let size = egui::vec2(64.0, 56.0);
            for row in [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]] {
                ui.horizontal(|ui| {
                    for d in row {
                        if ui.add_sized(size, egui::Button::new(d)).clicked() && entry.len() < 8 {
                            entry.push_str(d);
                            *wrong = false;
                        }
                    }
                });
            }
            ui.horizontal(|ui| {
                if ui
                    .add_sized(size, egui::Button::new(i18n.tr("kiosk.pin_cancel")))
                    .clicked()
                {
                    out.push(UiAction::Close(Dialog::KioskPin));
                }
                if ui.add_sized(size, egui::Button::new("0")).clicked() && entry.len() < 8 {
                    entry.push('0');
                    *wrong = false;
                }
                if ui.add_sized(size, egui::Button::new("OK")).clicked() {
                    if entry == pin {
                        out.push(UiAction::Close(Dialog::KioskPin));
                        out.push(UiAction::SetMode(AppMode::Planning));
                    } else {
                        entry.clear();
                        *wrong = true;
                    }
                }
            });
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    #[test]
    fn only_the_right_pin_leaves_the_kiosk() {
        let i18n = I18n::new(Language::German);
        let mut harness = Harness::new_ui_state(
            |ui, (entry, wrong, out): &mut (String, bool, Vec<UiAction>)| {
                out.extend(pin_pad(ui.ctx(), entry, "4711", wrong, &i18n));
            },
            (String::new(), false, Vec::new()),
        );
        harness.run();
        for d in ["1", "2", "3", "4", "OK"] {
            harness.get_by_label(d).click();
            harness.run();
        }
        assert!(harness.state().1, "wrong");
        assert!(harness.state().2.is_empty(), "still in the kiosk");
        harness.get_by_label("Falsche PIN. Bitte noch einmal.");
        for d in ["4", "7", "1", "1", "OK"] {
            harness.get_by_label(d).click();
            harness.run();
        }
        assert_eq!(
            harness.state().2,
            vec![
                UiAction::Close(Dialog::KioskPin),
                UiAction::SetMode(AppMode::Planning)
            ]
        );
    }
}
