//! Style editor of a vector layer (one symbol, categories, graduated
//! classes, labels, line width, extrusion) or a city layer (roof and wall
//! colours, or buildings by roof type, function, height, year) and the
//! legend drawn over the 3D view. The editor edits a draft; "Anwenden" sends it as a scene
//! command, which redraws the layer and marks the scene for saving.

use super::actions::UiAction;
use super::numbers::Localized;
use crate::base::i18n::I18n;
use crate::layers::city_draw::{ROOF, WALL};
use crate::layers::{LayerId, SceneCommand};
use bevy_egui::egui;
use pw_scene::{ClassMethod, Style, SymbolMode};
use pw_vector::FieldKind;
use pw_vector::style::{EntryKind, Legend};

/// The open style editor: which layer and the style being edited.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleEditor {
    pub layer: LayerId,
    pub layer_name: String,
    pub draft: Style,
    pub fields: Vec<(String, FieldKind)>,
    /// A city layer: buildings stand as modelled (no height attribute, no
    /// line width); one symbol is the roof and wall colours.
    pub city: bool,
}

fn mode_key(m: SymbolMode) -> &'static str {
    match m {
        SymbolMode::Single => "style.single",
        SymbolMode::Categorized => "style.categorized",
        SymbolMode::Graduated => "style.graduated",
    }
}

fn method_key(m: ClassMethod) -> &'static str {
    match m {
        ClassMethod::EqualInterval => "style.equal_interval",
        ClassMethod::Quantile => "style.quantile",
        ClassMethod::Jenks => "style.jenks",
    }
}

fn to_egui(c: [f32; 3]) -> [u8; 3] {
    c.map(|v| (v * 255.0).round() as u8)
}

fn field_combo(
    ui: &mut egui::Ui,
    id: &str,
    value: &mut Option<String>,
    fields: &[(String, FieldKind)],
    numbers_only: bool,
    none: Option<&str>,
) {
    let shown = value.clone().or(none.map(String::from)).unwrap_or_default();
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if let Some(none) = none {
                ui.selectable_value(value, None, none);
            }
            for (name, kind) in fields {
                let numeric = matches!(kind, FieldKind::Integer | FieldKind::Real);
                if numbers_only && !numeric {
                    continue;
                }
                ui.selectable_value(value, Some(name.clone()), name);
            }
        });
}

/// The editor window; returns actions and whether it stays open.
pub fn style_window(
    ctx: &egui::Context,
    editor: &mut StyleEditor,
    i18n: &I18n,
) -> (Vec<UiAction>, bool) {
    let mut actions = Vec::new();
    let mut open = true;
    let mut close = false;
    egui::Window::new(i18n.trf("style.title", &[("layer", &editor.layer_name)]))
        .id(egui::Id::new("style_editor"))
        .open(&mut open)
        .resizable(false)
        .show(ctx, |ui| {
            let d = &mut editor.draft;
            let mut mode = d.mode.unwrap_or(SymbolMode::Single);
            ui.horizontal(|ui| {
                for m in [
                    SymbolMode::Single,
                    SymbolMode::Categorized,
                    SymbolMode::Graduated,
                ] {
                    ui.radio_value(&mut mode, m, i18n.tr(mode_key(m)));
                }
            });
            d.mode = (mode != SymbolMode::Single).then_some(mode);
            egui::Grid::new("style_grid")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    match mode {
                        SymbolMode::Single if editor.city => {
                            for (key, colour, default) in [
                                ("style.roof_color", &mut d.roof_color, ROOF),
                                ("style.wall_color", &mut d.wall_color, WALL),
                            ] {
                                ui.label(i18n.tr(key));
                                let mut rgb = to_egui(
                                    colour
                                        .as_deref()
                                        .and_then(pw_scene::parse_hex_color)
                                        .unwrap_or(default),
                                );
                                if ui.color_edit_button_srgb(&mut rgb).changed() {
                                    *colour = Some(format!(
                                        "#{:02x}{:02x}{:02x}",
                                        rgb[0], rgb[1], rgb[2]
                                    ));
                                }
                                ui.end_row();
                            }
                        }
                        SymbolMode::Single => {
                            ui.label(i18n.tr("style.color"));
                            let mut rgb = to_egui(
                                d.color
                                    .as_deref()
                                    .and_then(pw_scene::parse_hex_color)
                                    .unwrap_or([0.93, 0.80, 0.45]),
                            );
                            if ui.color_edit_button_srgb(&mut rgb).changed() {
                                d.color =
                                    Some(format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]));
                            }
                            ui.end_row();
                        }
                        SymbolMode::Categorized | SymbolMode::Graduated => {
                            let graduated = mode == SymbolMode::Graduated;
                            let numeric = |name: &str| {
                                editor.fields.iter().any(|(f, k)| {
                                    f == name && matches!(k, FieldKind::Integer | FieldKind::Real)
                                })
                            };
                            // A text field kept from "categories" cannot be
                            // graduated: let it go and say what is needed.
                            if graduated && d.field.as_deref().is_some_and(|f| !numeric(f)) {
                                d.field = None;
                            }
                            ui.label(i18n.tr("style.field"));
                            field_combo(
                                ui,
                                "style_field",
                                &mut d.field,
                                &editor.fields,
                                graduated,
                                None,
                            );
                            ui.end_row();
                            if graduated && d.field.is_none() {
                                let any = editor.fields.iter().any(|(f, _)| numeric(f));
                                let key = if any {
                                    "style.choose_number_field"
                                } else {
                                    "style.no_number_field"
                                };
                                ui.label("");
                                ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(key));
                                ui.end_row();
                            }
                            ui.label(i18n.tr("style.ramp"));
                            let default_ramp = if graduated { "YlOrRd" } else { "Set3" };
                            let shown = d.ramp.clone().unwrap_or_else(|| default_ramp.into());
                            egui::ComboBox::from_id_salt("style_ramp")
                                .selected_text(&shown)
                                .show_ui(ui, |ui| {
                                    for r in pw_vector::style::ramp_names() {
                                        if ui.selectable_label(shown == r, r).clicked() {
                                            d.ramp = Some(r.to_string());
                                        }
                                    }
                                });
                            ui.end_row();
                            if graduated {
                                ui.label(i18n.tr("style.method"));
                                let mut method = d.method.unwrap_or_default();
                                egui::ComboBox::from_id_salt("style_method")
                                    .selected_text(i18n.tr(method_key(method)))
                                    .show_ui(ui, |ui| {
                                        for m in [
                                            ClassMethod::Quantile,
                                            ClassMethod::EqualInterval,
                                            ClassMethod::Jenks,
                                        ] {
                                            ui.selectable_value(
                                                &mut method,
                                                m,
                                                i18n.tr(method_key(m)),
                                            );
                                        }
                                    });
                                d.method = Some(method);
                                ui.end_row();
                                ui.label(i18n.tr("style.classes"));
                                let mut k = d.classes.unwrap_or(5);
                                ui.add(egui::Slider::new(&mut k, 2..=9));
                                d.classes = Some(k);
                                // Hand-set bounds would override the method.
                                d.breaks.clear();
                                ui.end_row();
                            }
                        }
                    }
                    ui.label(i18n.tr("style.label_field"));
                    field_combo(
                        ui,
                        "style_label",
                        &mut d.label_field,
                        &editor.fields,
                        false,
                        Some(i18n.tr("style.none")),
                    );
                    ui.end_row();
                    if editor.city {
                        return;
                    }
                    ui.label(i18n.tr("style.height_field"));
                    field_combo(
                        ui,
                        "style_height",
                        &mut d.height_field,
                        &editor.fields,
                        true,
                        Some(i18n.tr("style.auto")),
                    );
                    ui.end_row();
                    if d.height_field.is_some() {
                        ui.label(i18n.tr("style.height_scale"));
                        let mut s = d.height_scale.unwrap_or(1.0);
                        ui.add(
                            egui::Slider::new(&mut s, 0.5..=5.0)
                                .step_by(0.5)
                                .localized(i18n, 1),
                        );
                        d.height_scale = (s != 1.0).then_some(s);
                        ui.end_row();
                    }
                    ui.label(i18n.tr("style.line_width"));
                    let mut w = d.line_width.unwrap_or(3.0);
                    ui.add(
                        egui::Slider::new(&mut w, 0.5..=30.0)
                            .localized(i18n, 1)
                            .suffix(" m"),
                    );
                    d.line_width = (w != 3.0).then_some(w);
                    ui.end_row();
                });
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button(i18n.tr("style.apply")).clicked() {
                    actions.push(UiAction::Scene(SceneCommand::SetStyle(
                        editor.layer,
                        Box::new(editor.draft.clone()),
                    )));
                }
                if ui.button(i18n.tr("style.close")).clicked() {
                    close = true;
                }
            });
        });
    (actions, open && !close)
}

/// Text of a legend entry: the scene's label, the value, the range.
pub fn entry_text(kind: &EntryKind, label: Option<&str>, i18n: &I18n) -> String {
    if let Some(l) = label {
        return l.to_string();
    }
    match kind {
        EntryKind::Single => String::new(),
        EntryKind::Value(v) => v.clone(),
        EntryKind::Range(a, b) => {
            // At most two decimals: class bounds of real data are long.
            let n = |v: f64| i18n.plain((v * 100.0).round() / 100.0);
            format!("{} – {}", n(*a), n(*b))
        }
        EntryKind::Other => i18n.tr("legend.other").to_string(),
        EntryKind::NoValue => i18n.tr("legend.no_value").to_string(),
    }
}

/// The legends of the visible styled layers, bottom left in the 3D view.
pub fn legend_overlay(
    ctx: &egui::Context,
    viewport: egui::Rect,
    legends: &[(String, &Legend)],
    i18n: &I18n,
) {
    if legends.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::new("legend"))
        .order(egui::Order::Middle)
        .pivot(egui::Align2::LEFT_BOTTOM)
        .fixed_pos(viewport.left_bottom() + egui::vec2(12.0, -12.0))
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.strong(i18n.tr("legend.title"));
                // Never more than half the view: the map stays the map.
                egui::ScrollArea::vertical()
                    .max_height(viewport.height() * 0.45)
                    .show(ui, |ui| legend_entries(ui, legends, i18n));
            });
        });
}

/// Each layer's classes that occur in it (a city-map style lists a dozen
/// kinds; a river file holds two of them).
fn legend_entries(ui: &mut egui::Ui, legends: &[(String, &Legend)], i18n: &I18n) {
    // Rows as high as their text: the workshop's 44-point controls would
    // leave room for two classes.
    ui.spacing_mut().interact_size.y = ui.text_style_height(&egui::TextStyle::Body) + 2.0;
    ui.spacing_mut().item_spacing.y = 4.0;
    for (name, legend) in legends {
        // The attribute's German name where the catalogue has one.
        let field = legend.field.as_deref().unwrap_or("");
        let key = format!("attr.{field}");
        let field = match i18n.tr(&key) {
            t if t == key => field.to_string(),
            t => t.to_string(),
        };
        ui.label(format!("{name} · {field}"));
        for e in legend.entries.iter().filter(|e| e.count > 0) {
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                let c = e.colour.map(|v| (v * 255.0).round() as u8);
                ui.painter()
                    .rect_filled(rect, 2.0, egui::Color32::from_rgb(c[0], c[1], c[2]));
                ui.painter().rect_stroke(
                    rect,
                    2.0,
                    egui::Stroke::new(1.0, ui.visuals().text_color()),
                    egui::StrokeKind::Inside,
                );
                ui.label(format!(
                    "{} ({})",
                    entry_text(&e.kind, e.label.as_deref(), i18n),
                    e.count
                ));
            });
        }
    }
}
