//! The variant's buildings and trees: draw a new building (tap its corners
//! or type edge lengths, "Fertig"), then per building storeys, storey
//! height, roof form with pitch and ridge direction, use, footprint and
//! gross floor area, move its corners, move or turn it, delete; plant trees
//! and size them; undo and redo as buttons for touch (Ctrl+Z / Ctrl+Y at
//! the desk). Labels are words: the UI font has no arrow glyphs.

use super::actions::UiAction;
use super::numbers::Localized;
use crate::base::i18n::I18n;
use crate::plan::{PlanCommand, PlanEditor, Tool, VolumeEdit};
use bevy_egui::egui;
use pw_plan::{Roof, Tree, Use, Variant, Volume};

fn cmd(c: PlanCommand) -> UiAction {
    UiAction::Plan(c)
}

fn roof_with_form(old: Roof, form: u8) -> Roof {
    let (pitch, edge) = match old {
        Roof::Flat => (30.0, 0),
        Roof::MonoPitch { pitch, high_edge } => (pitch, high_edge),
        Roof::Gable { pitch, ridge_edge } | Roof::Hip { pitch, ridge_edge } => (pitch, ridge_edge),
    };
    match form {
        0 => Roof::Flat,
        1 => Roof::MonoPitch {
            pitch,
            high_edge: edge,
        },
        2 => Roof::Gable {
            pitch,
            ridge_edge: edge,
        },
        _ => Roof::Hip {
            pitch,
            ridge_edge: edge,
        },
    }
}

fn form_of(r: Roof) -> u8 {
    match r {
        Roof::Flat => 0,
        Roof::MonoPitch { .. } => 1,
        Roof::Gable { .. } => 2,
        Roof::Hip { .. } => 3,
    }
}

fn volume_card(ui: &mut egui::Ui, v: &Volume, i18n: &I18n, actions: &mut Vec<UiAction>) {
    let edit = |e: VolumeEdit| {
        cmd(PlanCommand::Edit {
            volume: v.id.clone(),
            edit: e,
        })
    };
    let title = if v.name.is_empty() {
        v.id.clone()
    } else {
        v.name.clone()
    };
    egui::CollapsingHeader::new(title)
        .id_salt(("volume", &v.id))
        .default_open(true)
        .show(ui, |ui| {
            ui.label(i18n.trf(
                "plan.area_bgf",
                &[
                    ("area", &i18n.number(v.footprint_area(), 0)),
                    ("bgf", &i18n.number(v.gross_floor_area(), 0)),
                    ("height", &i18n.number(v.total_height(), 1)),
                ],
            ));
            ui.horizontal(|ui| {
                let mut n = v.storeys;
                if ui.add(egui::DragValue::new(&mut n).range(1..=60)).changed() {
                    actions.push(edit(VolumeEdit::Storeys(n)));
                }
                ui.label(i18n.tr("plan.storeys"));
                let mut h = v.storey_height;
                if ui
                    .add(
                        egui::DragValue::new(&mut h)
                            .range(2.0..=8.0)
                            .speed(0.1)
                            .localized(i18n, 1)
                            .suffix(" m"),
                    )
                    .changed()
                {
                    actions.push(edit(VolumeEdit::StoreyHeight(h)));
                }
                ui.label(i18n.tr("plan.storey_height"));
            });
            ui.horizontal_wrapped(|ui| {
                ui.label(i18n.tr("plan.roof"));
                let current = form_of(v.roof);
                let labels = [
                    "plan.roof_flat",
                    "plan.roof_mono",
                    "plan.roof_gable",
                    "plan.roof_hip",
                ];
                egui::ComboBox::from_id_salt(("roof", &v.id))
                    .selected_text(i18n.tr(labels[current as usize]))
                    .show_ui(ui, |ui| {
                        for (k, l) in labels.iter().enumerate() {
                            if ui
                                .selectable_label(current == k as u8, i18n.tr(l))
                                .clicked()
                            {
                                actions
                                    .push(edit(VolumeEdit::Roof(roof_with_form(v.roof, k as u8))));
                            }
                        }
                    });
                if let Roof::MonoPitch {
                    pitch,
                    high_edge: e,
                }
                | Roof::Gable {
                    pitch,
                    ridge_edge: e,
                }
                | Roof::Hip {
                    pitch,
                    ridge_edge: e,
                } = v.roof
                {
                    let mut p = pitch;
                    if ui
                        .add(egui::DragValue::new(&mut p).range(1.0..=70.0).suffix("°"))
                        .changed()
                    {
                        let r = match v.roof {
                            Roof::MonoPitch { .. } => Roof::MonoPitch {
                                pitch: p,
                                high_edge: e,
                            },
                            Roof::Gable { .. } => Roof::Gable {
                                pitch: p,
                                ridge_edge: e,
                            },
                            _ => Roof::Hip {
                                pitch: p,
                                ridge_edge: e,
                            },
                        };
                        actions.push(edit(VolumeEdit::Roof(r)));
                    }
                    if ui.button(i18n.tr("plan.turn_ridge")).clicked() {
                        let e = (e + 1) % 4;
                        let r = match v.roof {
                            Roof::MonoPitch { .. } => Roof::MonoPitch {
                                pitch,
                                high_edge: e,
                            },
                            Roof::Gable { .. } => Roof::Gable {
                                pitch,
                                ridge_edge: e % 2,
                            },
                            _ => Roof::Hip {
                                pitch,
                                ridge_edge: e % 2,
                            },
                        };
                        actions.push(edit(VolumeEdit::Roof(r)));
                    }
                }
            });
            ui.horizontal_wrapped(|ui| {
                if ui.button(i18n.tr("plan.move_corners")).clicked() {
                    actions.push(cmd(PlanCommand::StartMoveCorner(v.id.clone())));
                }
                if ui.button(i18n.tr("plan.move_volume")).clicked() {
                    actions.push(cmd(PlanCommand::StartMoveVolume(v.id.clone())));
                }
            });
            ui.horizontal_wrapped(|ui| {
                if let Some(degrees) = turn_buttons(ui, i18n) {
                    actions.push(edit(VolumeEdit::Footprint(v.turned(-degrees).footprint)));
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label(i18n.tr("plan.use"));
                egui::ComboBox::from_id_salt(("use", &v.id))
                    .selected_text(i18n.tr(v.usage.label()))
                    .show_ui(ui, |ui| {
                        for u in Use::ALL {
                            if ui
                                .selectable_label(v.usage == u, i18n.tr(u.label()))
                                .clicked()
                            {
                                actions.push(edit(VolumeEdit::Use(u)));
                            }
                        }
                    });
                if ui.button(i18n.tr("plan.delete")).clicked() {
                    actions.push(cmd(PlanCommand::Delete(v.id.clone())));
                }
            });
        });
}

/// "Drehen: −15° −1° +1° +15°": the degrees of the button pressed, "+"
/// clockwise on the screen as a compass turns (the plan counts
/// counter-clockwise, so callers turn by minus this).
fn turn_buttons(ui: &mut egui::Ui, i18n: &I18n) -> Option<f64> {
    ui.label(i18n.tr("plan.turn"));
    let mut pressed = None;
    for degrees in [-15.0, -1.0, 1.0, 15.0] {
        let text = if degrees > 0.0 {
            format!("+{degrees}°")
        } else {
            format!("−{}°", -degrees)
        };
        if ui.button(text).clicked() {
            pressed = Some(degrees);
        }
    }
    pressed
}

fn tree_row(ui: &mut egui::Ui, t: &Tree, i18n: &I18n, actions: &mut Vec<UiAction>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.trf("plan.tree_n", &[("id", &t.id)]));
        let (mut h, mut c) = (t.height, t.crown);
        let mut changed = ui
            .add(
                egui::DragValue::new(&mut h)
                    .range(1.0..=60.0)
                    .speed(0.2)
                    .localized(i18n, 1)
                    .suffix(" m"),
            )
            .changed();
        ui.label(i18n.tr("plan.tree_height"));
        changed |= ui
            .add(
                egui::DragValue::new(&mut c)
                    .range(0.5..=40.0)
                    .speed(0.2)
                    .localized(i18n, 1)
                    .suffix(" m"),
            )
            .changed();
        ui.label(i18n.tr("plan.tree_crown"));
        if changed {
            actions.push(cmd(PlanCommand::EditTree {
                tree: t.id.clone(),
                height: h,
                crown: c,
            }));
        }
        if ui.button(i18n.tr("plan.delete")).clicked() {
            actions.push(cmd(PlanCommand::Delete(t.id.clone())));
        }
    });
}

fn design_row(ui: &mut egui::Ui, d: &pw_plan::Design, i18n: &I18n, actions: &mut Vec<UiAction>) {
    let edit = |at: Option<[f64; 2]>, rotate_deg: f64, scale: f64| {
        cmd(PlanCommand::EditDesign {
            design: d.id.clone(),
            at,
            rotate_deg,
            scale,
        })
    };
    let file = d
        .path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| d.id.clone());
    ui.label(file);
    ui.horizontal_wrapped(|ui| {
        if ui.button(i18n.tr("plan.move_volume")).clicked() {
            actions.push(cmd(PlanCommand::StartMoveDesign(d.id.clone())));
        }
        if let Some(degrees) = turn_buttons(ui, i18n) {
            let r = (d.rotate_deg - degrees).rem_euclid(360.0);
            actions.push(edit(d.at, r, d.scale));
        }
    });
    ui.horizontal_wrapped(|ui| {
        let mut s = d.scale;
        if ui
            .add(
                egui::DragValue::new(&mut s)
                    .range(0.01..=100.0)
                    .speed(0.01)
                    .localized(i18n, 2),
            )
            .changed()
        {
            actions.push(edit(d.at, d.rotate_deg, s));
        }
        ui.label(i18n.tr("plan.scale"));
        if ui.button(i18n.tr("plan.delete")).clicked() {
            actions.push(cmd(PlanCommand::Delete(d.id.clone())));
        }
    });
}

/// While drawing: the next edge's length, typed (Enter or "Setzen").
fn length_field(ui: &mut egui::Ui, i18n: &I18n, actions: &mut Vec<UiAction>) {
    let id = egui::Id::new("plan_edge_length");
    let mut text: String = ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
    ui.horizontal_wrapped(|ui| {
        ui.label(i18n.tr("plan.edge_length"));
        let field = ui.add(egui::TextEdit::singleline(&mut text).desired_width(60.0));
        ui.label("m");
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(i18n.tr("plan.set_corner")).clicked() || enter {
            match text.trim().replace(',', ".").parse::<f64>() {
                Ok(l) if l > 0.0 && l.is_finite() => {
                    actions.push(cmd(PlanCommand::CornerAt(l)));
                    text.clear();
                }
                _ => {}
            }
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

/// The drawing tool and the shown variant's buildings.
pub fn plan_panel(
    ui: &mut egui::Ui,
    editor: &PlanEditor,
    variant: Option<&Variant>,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let hint = match &editor.tool {
        Tool::MoveCorner { corner: None, .. } => Some("plan.move_corner_hint"),
        Tool::MoveCorner {
            corner: Some(_), ..
        } => Some("plan.move_corner_to_hint"),
        Tool::MoveVolume { .. } | Tool::MoveDesign { .. } => Some("plan.move_volume_hint"),
        Tool::PlantTrees => Some("plan.plant_hint"),
        Tool::None => None,
    };
    if let Some(hint) = hint.filter(|_| editor.drawing.is_none()) {
        ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(hint));
        if ui.button(i18n.tr("plan.done")).clicked() {
            actions.push(cmd(PlanCommand::StopTool));
        }
    }
    match &editor.drawing {
        None => {
            ui.horizontal_wrapped(|ui| {
                if ui.button(i18n.tr("plan.draw")).clicked() {
                    actions.push(cmd(PlanCommand::StartDrawing));
                }
                if ui.button(i18n.tr("plan.draw_paved")).clicked() {
                    actions.push(cmd(PlanCommand::StartDrawingSurface(
                        pw_plan::SurfaceKind::Sealed,
                    )));
                }
                if ui.button(i18n.tr("plan.draw_unsealed")).clicked() {
                    actions.push(cmd(PlanCommand::StartDrawingSurface(
                        pw_plan::SurfaceKind::Unsealed,
                    )));
                }
                for (class, label) in [
                    ("residential", "plan.draw_road"),
                    ("secondary", "plan.draw_main_road"),
                ] {
                    if ui.button(i18n.tr(label)).clicked() {
                        actions.push(cmd(PlanCommand::StartDrawingRoad(class.into())));
                    }
                }
                if editor.tool != Tool::PlantTrees && ui.button(i18n.tr("plan.plant")).clicked() {
                    actions.push(cmd(PlanCommand::StartPlanting));
                }
                if ui.button(i18n.tr("plan.import_design")).clicked() {
                    actions.push(UiAction::Open(super::actions::Dialog::ImportDesign));
                }
                if ui
                    .add_enabled(editor.can_undo(), egui::Button::new(i18n.tr("plan.undo")))
                    .clicked()
                {
                    actions.push(cmd(PlanCommand::Undo));
                }
                if ui
                    .add_enabled(editor.can_redo(), egui::Button::new(i18n.tr("plan.redo")))
                    .clicked()
                {
                    actions.push(cmd(PlanCommand::Redo));
                }
            });
        }
        Some(corners) => {
            let hint = if editor.draws_road() {
                "plan.draw_road_hint"
            } else if matches!(editor.drawn, crate::plan::Drawn::Surface(_)) {
                "plan.draw_surface_hint"
            } else {
                "plan.draw_hint"
            };
            ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(hint));
            ui.label(i18n.trf("plan.corners", &[("n", &corners.len())]));
            if !corners.is_empty() {
                length_field(ui, i18n, &mut actions);
            }
            ui.horizontal_wrapped(|ui| {
                if ui
                    .add_enabled(
                        corners.len() >= if editor.draws_road() { 2 } else { 3 },
                        egui::Button::new(i18n.tr("plan.finish")),
                    )
                    .clicked()
                {
                    actions.push(cmd(PlanCommand::FinishDrawing));
                }
                if ui
                    .add_enabled(
                        !corners.is_empty(),
                        egui::Button::new(i18n.tr("plan.undo_corner")),
                    )
                    .clicked()
                {
                    actions.push(cmd(PlanCommand::UndoCorner));
                }
                if ui.button(i18n.tr("plan.cancel")).clicked() {
                    actions.push(cmd(PlanCommand::CancelDrawing));
                }
            });
        }
    }
    if let Some(v) = variant {
        for volume in &v.volumes {
            volume_card(ui, volume, i18n, &mut actions);
        }
        if !v.designs.is_empty() {
            ui.separator();
            ui.label(egui::RichText::new(i18n.tr("plan.designs")).strong());
            for d in &v.designs {
                design_row(ui, d, i18n, &mut actions);
            }
        }
        if !v.surfaces.is_empty() {
            ui.separator();
            ui.label(egui::RichText::new(i18n.tr("plan.surfaces")).strong());
            for s in &v.surfaces {
                ui.horizontal_wrapped(|ui| {
                    let kind = match s.kind {
                        pw_plan::SurfaceKind::Sealed => "plan.surface_paved",
                        pw_plan::SurfaceKind::Unsealed => "plan.surface_unsealed",
                    };
                    let area = i18n.number(s.area(), 0);
                    ui.label(format!("{} · {} · {area} m²", s.name, i18n.tr(kind)));
                    if ui.button(i18n.tr("plan.delete")).clicked() {
                        actions.push(cmd(PlanCommand::Delete(s.id.clone())));
                    }
                });
            }
        }
        if !v.trees.is_empty() {
            ui.separator();
            ui.label(
                egui::RichText::new(i18n.trf("plan.trees_planted", &[("n", &v.trees.len())]))
                    .strong(),
            );
            for t in &v.trees {
                tree_row(ui, t, i18n, &mut actions);
            }
        }
    }
    actions
}
