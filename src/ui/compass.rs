//! North arrow in the corner of the 3D view; a click turns the map north.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::view::camera::CameraCommand;
use bevy_egui::egui;

/// Draws the arrow for a camera heading (degrees clockwise from north).
pub fn north_arrow(
    ui: &mut egui::Ui,
    viewport: egui::Rect,
    heading: f32,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let radius = 26.0;
    let center = viewport.right_top() + egui::vec2(-radius - 14.0, radius + 14.0);
    let rect = egui::Rect::from_center_size(center, egui::vec2(radius * 2.0, radius * 2.0));
    let response = ui
        .interact(rect, egui::Id::new("north_arrow"), egui::Sense::click())
        .on_hover_text(i18n.tr("camera.reset_north"));
    if response.clicked() {
        actions.push(UiAction::Camera(CameraCommand::ResetNorth));
    }
    let painter = ui.painter_at(viewport);
    let visuals = ui.visuals();
    painter.circle(
        center,
        radius,
        visuals.panel_fill.gamma_multiply(0.9),
        egui::Stroke::new(1.5, visuals.text_color()),
    );
    // Screen "up" is the view direction; north is turned by −heading.
    let angle = (-heading).to_radians();
    let dir = egui::vec2(angle.sin(), -angle.cos());
    let side = egui::vec2(-dir.y, dir.x);
    let tip = center + dir * (radius - 6.0);
    let tail = center - dir * (radius - 10.0);
    painter.add(egui::Shape::convex_polygon(
        vec![tip, center + side * 8.0, center - side * 8.0],
        egui::Color32::from_rgb(200, 30, 30),
        egui::Stroke::NONE,
    ));
    painter.add(egui::Shape::convex_polygon(
        vec![tail, center - side * 8.0, center + side * 8.0],
        visuals.text_color().gamma_multiply(0.6),
        egui::Stroke::NONE,
    ));
    painter.text(
        tip + dir * 9.0,
        egui::Align2::CENTER_CENTER,
        i18n.tr("camera.north"),
        egui::FontId::proportional(13.0),
        visuals.text_color(),
    );
    actions
}
