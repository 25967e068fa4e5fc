//! Top bar: scene name, open/save, add layer, mode switch, language, settings, about.

use super::actions::{AppMode, Dialog, UiAction};
use crate::i18n::{I18n, Language};
use crate::layers::SceneCommand;
use bevy_egui::egui;

pub struct TopBarModel<'a> {
    pub scene_name: &'a str,
    pub dirty: bool,
    pub has_path: bool,
    pub mode: AppMode,
    pub language: Language,
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
        ui.label(egui::RichText::new(title).strong());
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
