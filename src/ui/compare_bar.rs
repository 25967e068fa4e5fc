//! Over the 3D view while two scenarios are compared: each side's name in
//! large type, the swipe divider with a handle to drag (touch too), and a
//! button to end the comparison.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::scenario::compare::CompareCommand;
use crate::view::compare::{CompareMode, Comparison};
use bevy_egui::egui;

/// Half the width of the divider's handle (points): a finger's width.
const HANDLE: f32 = 22.0;

pub fn overlay(
    ctx: &egui::Context,
    viewport: egui::Rect,
    comparison: &Comparison,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let name = |n: &Option<String>| {
        n.clone()
            .unwrap_or_else(|| i18n.tr("scenario.existing").to_string())
    };
    let x = match comparison.mode {
        CompareMode::Swipe => viewport.left() + viewport.width() * comparison.divider,
        _ => viewport.center().x,
    };
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::new("compare_divider"),
    ));
    let line = egui::Stroke::new(3.0, egui::Color32::WHITE);
    painter.line_segment(
        [
            egui::pos2(x, viewport.top()),
            egui::pos2(x, viewport.bottom()),
        ],
        line,
    );
    let label = |text: String, pos: egui::Pos2, align: egui::Align2| {
        let galley_rect = painter.text(
            pos,
            align,
            &text,
            egui::FontId::proportional(24.0),
            egui::Color32::WHITE,
        );
        painter.rect_filled(
            galley_rect.expand(6.0),
            4.0,
            egui::Color32::from_black_alpha(170),
        );
        painter.text(
            pos,
            align,
            &text,
            egui::FontId::proportional(24.0),
            egui::Color32::WHITE,
        );
    };
    label(
        name(&comparison.left),
        egui::pos2(x - 12.0, viewport.top() + 12.0),
        egui::Align2::RIGHT_TOP,
    );
    label(
        name(&comparison.right),
        egui::pos2(x + 12.0, viewport.top() + 12.0),
        egui::Align2::LEFT_TOP,
    );
    if comparison.mode == CompareMode::Swipe {
        // The handle: drag it (mouse or finger) to move the divider.
        let handle = egui::Rect::from_center_size(
            egui::pos2(x, viewport.center().y),
            egui::vec2(2.0 * HANDLE, 2.0 * HANDLE),
        );
        egui::Area::new(egui::Id::new("compare_handle"))
            .order(egui::Order::Foreground)
            .fixed_pos(handle.min)
            .show(ctx, |ui| {
                let (rect, response) = ui.allocate_exact_size(handle.size(), egui::Sense::drag());
                ui.painter()
                    .circle_filled(rect.center(), HANDLE, egui::Color32::WHITE);
                ui.painter().text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    "< >",
                    egui::FontId::proportional(18.0),
                    egui::Color32::BLACK,
                );
                let response = response.on_hover_text(i18n.tr("compare.drag_divider"));
                if response.dragged()
                    && let Some(p) = response.interact_pointer_pos()
                {
                    let d = ((p.x - viewport.left()) / viewport.width().max(1.0)).clamp(0.0, 1.0);
                    actions.push(UiAction::Compare(CompareCommand::Divider(d)));
                }
            });
    }
    // At the bottom of the 3D view, not of the window (the status bar is
    // there).
    egui::Area::new(egui::Id::new("compare_stop"))
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::CENTER_BOTTOM)
        .fixed_pos(egui::pos2(viewport.center().x, viewport.bottom() - 16.0))
        .show(ctx, |ui| {
            if ui
                .button(egui::RichText::new(i18n.tr("compare.stop")).size(20.0))
                .clicked()
            {
                actions.push(UiAction::Compare(CompareCommand::Stop));
            }
        });
    actions
}
