//! Feature labels over the 3D view: each labelled feature's text at its
//! anchor above the feature, nearest first, leaving out labels that would
//! overlap one already placed (a screen grid keeps this O(labels)).

use crate::layers::Layers;
use crate::layers::city_draw::CityLayers;
use crate::ui::UiState;
use crate::view::camera::OrbitCamera;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, egui};
use std::collections::HashSet;

/// Grid cell for overlap tests, in egui points.
const CELL: f32 = 16.0;
/// At most this many labels at once: more cannot be read.
const MAX_LABELS: usize = 400;

/// Screen positions of candidate labels, nearest first; those whose box
/// would overlap a placed one are dropped. Returns the indices kept.
pub fn declutter(boxes: &[egui::Rect], max: usize) -> Vec<usize> {
    let mut taken: HashSet<(i32, i32)> = HashSet::new();
    let mut kept = Vec::new();
    for (i, r) in boxes.iter().enumerate() {
        if kept.len() >= max {
            break;
        }
        let cells = |r: &egui::Rect| {
            let (x0, y0) = (
                (r.min.x / CELL).floor() as i32,
                (r.min.y / CELL).floor() as i32,
            );
            let (x1, y1) = (
                (r.max.x / CELL).floor() as i32,
                (r.max.y / CELL).floor() as i32,
            );
            (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
        };
        if cells(r).any(|c| taken.contains(&c)) {
            continue;
        }
        taken.extend(cells(r));
        kept.push(i);
    }
    kept
}

#[allow(clippy::too_many_arguments)]
pub fn draw_labels(
    mut contexts: EguiContexts,
    city: Res<CityLayers>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    ui_state: Res<UiState>,
    cameras: Query<(&Camera, &GlobalTransform), With<OrbitCamera>>,
    window: Query<&Window, With<PrimaryWindow>>,
) -> Result {
    let Some(viewport) = ui_state.viewport else {
        return Ok(());
    };
    let (Ok((camera, transform)), Ok(window)) = (cameras.single(), window.single()) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let to_points = window.scale_factor() / ctx.pixels_per_point();
    // (depth, position in points, text)
    let mut candidates: Vec<(f32, egui::Pos2, &str)> = Vec::new();
    for layer in city.layers.values() {
        let Some(extras) = layer.city.vector.as_ref() else {
            continue;
        };
        if extras.labels.is_empty() || !layers.get(layer.owner).is_some_and(|e| e.shown()) {
            continue;
        }
        for label in &extras.labels {
            if layer.hidden.contains(&label.object) {
                continue;
            }
            let p = frame.world_to_bevy(label.position);
            let Ok(v) = camera.world_to_viewport_with_depth(transform, p) else {
                continue;
            };
            let pos = egui::pos2(v.x * to_points, v.y * to_points);
            if viewport.contains(pos) {
                candidates.push((v.z, pos, label.text.as_str()));
            }
        }
    }
    if candidates.is_empty() {
        return Ok(());
    }
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
    let painter = ctx
        .layer_painter(egui::LayerId::new(
            egui::Order::Background,
            egui::Id::new("feature_labels"),
        ))
        .with_clip_rect(viewport);
    let font = egui::FontId::proportional(14.0);
    // Measure first (cheap: glyph layout is cached), then declutter.
    let galleys: Vec<_> = candidates
        .iter()
        .take(MAX_LABELS * 8)
        .map(|(_, _, text)| {
            painter.layout_no_wrap(text.to_string(), font.clone(), egui::Color32::BLACK)
        })
        .collect();
    let boxes: Vec<egui::Rect> = galleys
        .iter()
        .zip(&candidates)
        .map(|(g, (_, pos, _))| egui::Rect::from_center_size(*pos, g.size() + egui::vec2(8.0, 4.0)))
        .collect();
    for i in declutter(&boxes, MAX_LABELS) {
        painter.rect_filled(boxes[i], 3.0, egui::Color32::from_white_alpha(220));
        painter.rect_stroke(
            boxes[i],
            3.0,
            egui::Stroke::new(1.0, egui::Color32::from_gray(60)),
            egui::StrokeKind::Inside,
        );
        painter.galley(
            boxes[i].center() - galleys[i].size() / 2.0,
            galleys[i].clone(),
            egui::Color32::BLACK,
        );
    }
    Ok(())
}

/// Credits of the visible layers (basemaps must show theirs), bottom right
/// in the 3D view.
pub fn attribution_overlay(ctx: &egui::Context, viewport: egui::Rect, credits: &[String]) {
    if credits.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::new("attribution"))
        .order(egui::Order::Middle)
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .fixed_pos(viewport.right_bottom() + egui::vec2(-6.0, -6.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_white_alpha(210))
                .inner_margin(egui::Margin::symmetric(6, 2))
                .corner_radius(3.0)
                .show(ui, |ui| {
                    ui.label(
                        egui::RichText::new(credits.join(" · "))
                            .small()
                            .color(egui::Color32::BLACK),
                    );
                });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_labels_give_way_to_nearer_ones() {
        let r =
            |x: f32, y: f32| egui::Rect::from_center_size(egui::pos2(x, y), egui::vec2(60.0, 18.0));
        // The second overlaps the first; the third stands apart.
        let kept = declutter(&[r(100.0, 100.0), r(120.0, 105.0), r(300.0, 100.0)], 10);
        assert_eq!(kept, [0, 2]);
        assert_eq!(declutter(&[r(100.0, 100.0), r(300.0, 100.0)], 1), [0]);
    }
}
