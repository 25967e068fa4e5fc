//! "Which coordinate system are these coordinates in?": asked when a
//! file states none or one its coordinates contradict. Suggestions come from
//! the coordinates (a Gauß-Krüger strip from the easting's first digit, the
//! UTM zone nearest the scene), a search covers every system we know; the
//! choice goes into the layer's definition and is saved with the scene.

use super::actions::{Dialog, UiAction};
use crate::base::i18n::I18n;
use crate::layers::{CrsQuestion, LayerId, SceneCommand};
use bevy_egui::egui;
use pw_geo::Crs;
use pw_geo::crs_guess::{CrsFamily, Suggestion};

/// Search hits shown at once; a longer list is narrowed by typing.
const MAX_HITS: usize = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct CrsPicker {
    pub layer: LayerId,
    pub layer_name: String,
    pub question: CrsQuestion,
    pub search: String,
    pub chosen: Option<Crs>,
    /// The hits of the last search, and whether each fits (found once per
    /// query, not every frame).
    hits: (String, Vec<(Crs, bool)>),
}

impl CrsPicker {
    pub fn new(layer: LayerId, layer_name: &str, question: CrsQuestion) -> Self {
        let chosen = question.suggestions.first().map(|s| s.crs);
        CrsPicker {
            layer,
            layer_name: layer_name.to_string(),
            question,
            search: String::new(),
            chosen,
            hits: (String::new(), Vec::new()),
        }
    }
}

pub fn crs_window(ctx: &egui::Context, picker: &mut CrsPicker, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    egui::Window::new(i18n.tr("crs.title"))
        .collapsible(false)
        .resizable(false)
        .default_width(560.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| crs_contents(ui, picker, i18n, &mut actions));
    actions
}

pub fn crs_contents(
    ui: &mut egui::Ui,
    picker: &mut CrsPicker,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    let q = &picker.question;
    ui.label(egui::RichText::new(&picker.layer_name).strong());
    ui.label(match q.stated {
        Some(c) => i18n.trf("crs.contradicts", &[("crs", &describe(c))]),
        None => i18n.tr("crs.missing").to_string(),
    });
    if let Some([x0, y0, x1, y1]) = q.extent {
        let n = |v: f64| i18n.number(v, if v.abs() < 1000.0 { 4 } else { 0 });
        ui.label(i18n.trf(
            "crs.range",
            &[
                ("x0", &n(x0)),
                ("x1", &n(x1)),
                ("y0", &n(y0)),
                ("y1", &n(y1)),
            ],
        ));
    }
    ui.add_space(6.0);
    if q.suggestions.is_empty() {
        ui.label(i18n.tr("crs.no_suggestion"));
    } else {
        ui.label(egui::RichText::new(i18n.tr("crs.suggestions")).strong());
        for s in &q.suggestions {
            ui.radio_value(&mut picker.chosen, Some(s.crs), describe(s.crs));
            ui.indent(("why", s.crs.horizontal), |ui| {
                ui.label(egui::RichText::new(reason(s, i18n)).small());
            });
        }
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(i18n.tr("crs.search"));
        ui.add(
            egui::TextEdit::singleline(&mut picker.search)
                .hint_text(i18n.tr("crs.search_hint"))
                .desired_width(f32::INFINITY),
        );
    });
    if !picker.search.trim().is_empty() {
        if picker.hits.0 != picker.search {
            let hits = pw_geo::crs_guess::search(&picker.search)
                .into_iter()
                .take(MAX_HITS)
                .map(|crs| {
                    let fits = q
                        .extent
                        .is_none_or(|e| pw_geo::crs_guess::plausible(crs, e));
                    (crs, fits)
                })
                .collect();
            picker.hits = (picker.search.clone(), hits);
        }
        if picker.hits.1.is_empty() {
            ui.label(i18n.tr("crs.nothing_found"));
        }
        egui::ScrollArea::vertical()
            .max_height(180.0)
            .show(ui, |ui| {
                for &(crs, fits) in &picker.hits.1 {
                    let mut text = describe(crs);
                    if !fits {
                        text = format!("{text} — {}", i18n.tr("crs.does_not_fit"));
                    }
                    ui.selectable_value(&mut picker.chosen, Some(crs), text);
                }
            });
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let apply = egui::Button::new(match picker.chosen {
            Some(c) => i18n.trf("crs.apply", &[("crs", &c)]),
            None => i18n.tr("crs.apply_none").to_string(),
        });
        if ui.add_enabled(picker.chosen.is_some(), apply).clicked()
            && let Some(c) = picker.chosen
        {
            actions.push(UiAction::Scene(SceneCommand::SetCrs(
                picker.layer,
                Some(c.to_string()),
            )));
            actions.push(UiAction::Close(Dialog::CrsPicker));
        }
        if ui.button(i18n.tr("crs.later")).clicked() {
            actions.push(UiAction::Close(Dialog::CrsPicker));
        }
    });
}

fn describe(crs: Crs) -> String {
    format!("{crs} · {}", crs.name())
}

/// Why a system was suggested, in words a planner checks at a glance.
fn reason(s: &Suggestion, i18n: &I18n) -> String {
    let mut why = match s.family {
        CrsFamily::Geographic => i18n.tr("crs.why_degrees").to_string(),
        CrsFamily::GaussKruger { zone } => i18n.trf("crs.why_gauss_krueger", &[("zone", &zone)]),
        CrsFamily::Utm { zone } => i18n.trf("crs.why_utm", &[("zone", &zone)]),
        CrsFamily::Other => i18n.tr("crs.why_fits").to_string(),
    };
    if let Some(km) = s.km_from_scene {
        why += " · ";
        why += &if km < 1.0 {
            i18n.tr("crs.at_scene").to_string()
        } else {
            i18n.trf(
                "crs.km_from_scene",
                &[("km", &i18n.number(km, if km < 10.0 { 1 } else { 0 }))],
            )
        };
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    fn flensburg_question() -> CrsQuestion {
        let extent = [3_523_375.0, 6_069_073.0, 3_532_532.0, 6_077_492.0];
        CrsQuestion {
            file: "lebende-baeume.csv".into(),
            stated: None,
            extent: Some(extent),
            suggestions: pw_geo::crs_guess::suggest(
                extent,
                Some((Crs::ETRS89_UTM32, [528_500.0, 6_073_000.0])),
            ),
        }
    }

    #[test]
    fn the_picker_suggests_the_strip_and_searches_every_system() {
        let i18n = I18n::new(crate::base::i18n::Language::German);
        let picker = CrsPicker::new(LayerId(3), "Bäume", flensburg_question());
        let mut harness = Harness::new_ui_state(
            |ui, state: &mut (CrsPicker, Vec<UiAction>)| {
                let mut a = Vec::new();
                crs_contents(ui, &mut state.0, &i18n, &mut a);
                state.1.extend(a);
            },
            (picker, Vec::new()),
        );
        harness.run();
        // The question in words, the numbers in German, the reason given.
        harness.get_by_label_contains("sagt nicht");
        harness.get_by_label_contains("3.523.375");
        harness.get_by_label_contains("Gauß-Krüger-Streifen 3");
        harness.get_by_label_contains("EPSG:31467 · DHDN");
        // Searching narrows the list; a system that does not fit says so.
        harness
            .get_by_role(egui::accesskit::Role::TextInput)
            .click();
        harness.run();
        harness
            .get_by_role(egui::accesskit::Role::TextInput)
            .type_text("25833");
        harness.run();
        harness.get_by_label_contains("EPSG:25833 · ETRS89 / UTM zone 33N — passt nicht");
        // Chosen and applied: the layer's CRS is set, the dialog closes.
        harness.get_by_label_contains("EPSG:31467 · DHDN").click();
        harness.run();
        harness.get_by_label("EPSG:31467 übernehmen").click();
        harness.run();
        assert_eq!(
            harness.state().1,
            vec![
                UiAction::Scene(SceneCommand::SetCrs(LayerId(3), Some("EPSG:31467".into()))),
                UiAction::Close(Dialog::CrsPicker)
            ]
        );
    }
}
