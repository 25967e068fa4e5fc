//! Saved viewpoints of the scene: fly to, add the current view, delete.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::layers::SceneCommand;
use bevy_egui::egui;
use pw_scene::Bookmark;

/// The saved views; `editable` adds delete and "remember this view" (the
/// planner's; a workshop only flies to them).
pub fn bookmarks(
    ui: &mut egui::Ui,
    list: &[Bookmark],
    editable: bool,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    ui.heading(i18n.tr("bookmarks.title"));
    for (i, b) in list.iter().enumerate() {
        ui.push_id(("bookmark", i), |ui| {
            if !editable {
                // A workshop's narrow column: long names wrap, never cut.
                if ui
                    .add(egui::Button::new(&b.name).wrap())
                    .on_hover_text(i18n.tr("bookmarks.go"))
                    .clicked()
                {
                    actions.push(UiAction::Scene(SceneCommand::GoToBookmark(i)));
                }
                return;
            }
            ui.horizontal(|ui| {
                if ui
                    .button(&b.name)
                    .on_hover_text(i18n.tr("bookmarks.go"))
                    .clicked()
                {
                    actions.push(UiAction::Scene(SceneCommand::GoToBookmark(i)));
                }
                if ui
                    .small_button("✖")
                    .on_hover_text(i18n.tr("bookmarks.delete"))
                    .clicked()
                {
                    actions.push(UiAction::Scene(SceneCommand::RemoveBookmark(i)));
                }
            });
        });
    }
    if editable && ui.button(i18n.tr("bookmarks.add")).clicked() {
        actions.push(UiAction::BookmarkCurrentView);
    }
    actions
}
