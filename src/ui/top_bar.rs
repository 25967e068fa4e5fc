//! Top bar: scene name (a choice of the scenes beside it), open/save, add
//! layer, mode switch, language, settings, about.

use super::actions::{AppMode, Dialog, UiAction};
use crate::base::i18n::{I18n, Language};
use crate::layers::SceneCommand;
use bevy_egui::egui;

pub struct TopBarModel<'a> {
    pub scene_name: &'a str,
    pub dirty: bool,
    pub has_path: bool,
    pub mode: AppMode,
    pub language: Language,
    /// The scenes next to the open one (file, name): a showroom switches
    /// between them in one click.
    pub scenes: &'a [(std::path::PathBuf, String)],
}

/// The `.scene` files in the folder of `scene`, with their names (the file
/// name where one cannot be read), sorted by name.
pub fn scenes_beside(scene: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let dir = scene
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut out: Vec<(std::path::PathBuf, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "scene"))
        .map(|p| {
            let name = pw_scene::Scene::load(&p)
                .map(|s| s.name)
                .unwrap_or_else(|_| p.file_stem().unwrap_or_default().to_string_lossy().into());
            (p, name)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

pub fn top_bar(ui: &mut egui::Ui, m: &TopBarModel, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    ui.horizontal_wrapped(|ui| {
        ui.heading(i18n.tr("app.title"));
        let title = if m.dirty {
            format!("{} •", m.scene_name)
        } else {
            m.scene_name.to_string()
        };
        // Planning only: the workshop's bar stays short on a touch table.
        if m.scenes.len() > 1 && m.mode == AppMode::Planning {
            egui::ComboBox::from_id_salt("scene_choice")
                .selected_text(egui::RichText::new(title).strong())
                .show_ui(ui, |ui| {
                    for (path, name) in m.scenes {
                        if ui.selectable_label(*name == m.scene_name, name).clicked()
                            && *name != m.scene_name
                        {
                            actions.push(UiAction::Scene(SceneCommand::Open(path.clone())));
                        }
                    }
                });
        } else {
            ui.label(egui::RichText::new(title).strong());
        }
        ui.separator();
        if ui.button(i18n.tr("menu.open")).clicked() {
            actions.push(UiAction::Open(Dialog::OpenFile));
        }
        if m.mode == AppMode::Planning {
            if ui
                .add_enabled(m.has_path, egui::Button::new(i18n.tr("menu.save")))
                .clicked()
            {
                actions.push(UiAction::Scene(SceneCommand::Save));
            }
            if ui.button(i18n.tr("menu.save_as")).clicked() {
                actions.push(UiAction::Open(Dialog::SaveAs));
            }
            if ui.button(i18n.tr("menu.add_layer")).clicked() {
                actions.push(UiAction::Open(Dialog::AddLayer));
            }
        }
        if ui.button(i18n.tr("menu.picture")).clicked() {
            actions.push(UiAction::Open(Dialog::Picture));
        }
        ui.separator();
        ui.label(i18n.tr("mode.label"));
        for (mode, key) in [
            (AppMode::Planning, "mode.planning"),
            (AppMode::Workshop, "mode.workshop"),
        ] {
            if ui.selectable_label(m.mode == mode, i18n.tr(key)).clicked() && m.mode != mode {
                actions.push(UiAction::SetMode(mode));
            }
        }
        ui.separator();
        ui.label(i18n.tr("lang.label"));
        for lang in Language::ALL {
            if ui
                .selectable_label(m.language == lang, lang.native_name())
                .clicked()
                && m.language != lang
            {
                actions.push(UiAction::SetLanguage(lang));
            }
        }
        ui.separator();
        if ui.button(i18n.tr("menu.settings")).clicked() {
            actions.push(UiAction::Open(Dialog::Settings));
        }
        if ui.button(i18n.tr("menu.about")).clicked() {
            actions.push(UiAction::Open(Dialog::About));
        }
    });
    actions
}
