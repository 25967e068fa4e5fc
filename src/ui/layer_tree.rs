//! Left panel: the layer tree with visibility, opacity, fly-to and remove.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::layers::{LayerEntry, LayerStatus, SceneCommand};
use bevy_egui::egui;

pub fn layer_tree(ui: &mut egui::Ui, layers: &[LayerEntry], i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    ui.heading(i18n.tr("layers.title"));
    if layers.is_empty() {
        ui.label(i18n.tr("layers.empty"));
        return actions;
    }
    for layer in layers {
        ui.push_id(layer.id.0, |ui| {
            ui.group(|ui| {
                let mut visible = layer.def.visible;
                let name = egui::RichText::new(&layer.def.name).strong();
                let resp = ui
                    .checkbox(&mut visible, name)
                    .on_hover_text(layer_tooltip(layer, i18n));
                if resp.changed() {
                    actions.push(UiAction::Scene(SceneCommand::SetVisible(layer.id, visible)));
                }
                match &layer.status {
                    LayerStatus::Loading => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(i18n.tr("layers.loading"));
                        });
                    }
                    LayerStatus::Failed(msg) => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{}: {}", i18n.tr("layers.failed"), i18n.render(msg)),
                        );
                    }
                    LayerStatus::NeedsCrs(_) => {
                        ui.colored_label(ui.visuals().warn_fg_color, i18n.tr("layers.needs_crs"));
                        if ui.button(i18n.tr("layers.choose_crs")).clicked() {
                            actions.push(UiAction::ChooseCrs(layer.id));
                        }
                    }
                    LayerStatus::Absent(hint) => {
                        ui.label(i18n.tr("layers.absent"));
                        ui.label(egui::RichText::new(hint).small());
                    }
                    LayerStatus::NotSupported => {
                        let kind = format!("{:?}", layer.def.kind).to_lowercase();
                        ui.label(i18n.trf("layers.not_supported", &[("kind", &kind)]));
                    }
                    LayerStatus::Ready => {
                        if let Some(s) = &layer.summary {
                            ui.label(match s.tiles {
                                _ if layer.def.kind == pw_scene::LayerKind::Basemap => {
                                    i18n.trf("layers.basemap", &[("format", &s.format)])
                                }
                                _ if s.format == "DEM" => {
                                    i18n.trf("layers.terrain", &[("triangles", &s.triangles)])
                                }
                                _ if s.features.is_some() => i18n.trf(
                                    "layers.features",
                                    &[("count", &s.features.unwrap_or(0)), ("format", &s.format)],
                                ),
                                Some((loaded, total)) => i18n.trf(
                                    "layers.tiles",
                                    &[
                                        ("loaded", &loaded),
                                        ("total", &total),
                                        ("buildings", &s.buildings),
                                    ],
                                ),
                                None => i18n.trf(
                                    "layers.objects",
                                    &[("buildings", &s.buildings), ("parts", &s.parts)],
                                ),
                            });
                        }
                        if let Some(s) = layer.summary.as_ref().filter(|s| !s.themes.is_empty()) {
                            let none = i18n.tr("layers.theme_none").to_string();
                            let shown = s.theme.clone().unwrap_or_else(|| none.clone());
                            ui.horizontal(|ui| {
                                ui.label(i18n.tr("layers.theme"));
                                egui::ComboBox::from_id_salt(("theme", layer.id.0))
                                    .selected_text(&shown)
                                    .show_ui(ui, |ui| {
                                        let choices = std::iter::once(("", none.as_str())).chain(
                                            s.themes.iter().map(|t| (t.as_str(), t.as_str())),
                                        );
                                        for (value, label) in choices {
                                            let current = s.theme.as_deref().unwrap_or("") == value;
                                            if ui.selectable_label(current, label).clicked()
                                                && !current
                                            {
                                                actions.push(UiAction::Scene(
                                                    SceneCommand::SetTheme(
                                                        layer.id,
                                                        value.to_string(),
                                                    ),
                                                ));
                                            }
                                        }
                                    });
                            });
                        }
                        if !layer.issues.is_empty() {
                            ui.collapsing(
                                if layer.issues.len() == 1 {
                                    i18n.tr("layers.problem_one").to_string()
                                } else {
                                    i18n.trf("layers.problems", &[("count", &layer.issues.len())])
                                },
                                |ui| {
                                    for issue in layer.issues.iter().take(100) {
                                        ui.label(
                                            egui::RichText::new(issue_text(issue, i18n)).small(),
                                        );
                                    }
                                },
                            );
                        }
                    }
                }
                ui.horizontal(|ui| {
                    ui.label(i18n.tr("layers.opacity"));
                    let mut opacity = layer.def.opacity;
                    if ui
                        .add(egui::Slider::new(&mut opacity, 0.0..=1.0).show_value(false))
                        .changed()
                    {
                        actions.push(UiAction::Scene(SceneCommand::SetOpacity(layer.id, opacity)));
                    }
                });
                // Wrapped: four buttons do not fit a narrow panel in one row.
                ui.horizontal_wrapped(|ui| {
                    let ready = layer.status == LayerStatus::Ready;
                    if ui
                        .add_enabled(ready, egui::Button::new(i18n.tr("layers.zoom_to")))
                        .clicked()
                    {
                        actions.push(UiAction::Scene(SceneCommand::ZoomTo(layer.id)));
                    }
                    // Layers whose objects carry attributes: features,
                    // buildings with theirs (3D Tiles stream theirs tile by
                    // tile; a plain glTF model has none).
                    if layer.has_attributes && ready {
                        if ui.button(i18n.tr("layers.style")).clicked() {
                            actions.push(UiAction::OpenStyleEditor(layer.id));
                        }
                        if ui.button(i18n.tr("layers.table")).clicked() {
                            actions.push(UiAction::OpenTable(layer.id));
                        }
                    }
                    if ui.button(i18n.tr("layers.remove")).clicked() {
                        actions.push(UiAction::Scene(SceneCommand::Remove(layer.id)));
                    }
                });
            });
        });
    }
    actions
}

/// A problem in the user's language: where (line, object), what.
pub fn issue_text(issue: &pw_city::Issue, i18n: &I18n) -> String {
    let what = i18n.render(&issue.message);
    let what = match issue.severity {
        pw_city::Severity::Error => i18n.trf("issue.error", &[("text", &what)]),
        pw_city::Severity::Warning => what,
    };
    match (issue.line, &issue.id) {
        (Some(line), Some(id)) => i18n.trf(
            "issue.at_line_object",
            &[("line", &line), ("id", id), ("text", &what)],
        ),
        (Some(line), None) => i18n.trf("issue.at_line", &[("line", &line), ("text", &what)]),
        (None, Some(id)) => format!("{id}: {what}"),
        (None, None) => what,
    }
}

fn layer_tooltip(layer: &LayerEntry, i18n: &I18n) -> String {
    let mut lines = vec![layer.source.display().to_string()];
    if let Some(s) = &layer.summary {
        let crs = s
            .source_crs
            .map(|c| c.to_string())
            .unwrap_or_else(|| "?".into());
        let mb = i18n.number(s.file_bytes as f64 / 1e6, 1);
        let seconds = i18n.number(s.load_seconds as f64, 2);
        lines.push(i18n.trf(
            "layers.tooltip_stats",
            &[
                ("format", &s.format),
                ("crs", &crs),
                ("triangles", &s.triangles),
                ("batches", &s.batches),
                ("mb", &mb),
                ("seconds", &seconds),
            ],
        ));
    }
    lines.join("\n")
}
