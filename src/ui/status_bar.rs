//! Status bar: pointer position in the scene CRS and WGS84, map scale,
//! background jobs with progress and cancel.

use super::actions::UiAction;
use crate::base::i18n::I18n;
use crate::base::jobs::JobEntry;
use bevy_egui::egui;

pub struct StatusModel<'a> {
    pub crs_label: String,
    pub cursor_world: Option<[f64; 3]>,
    /// Workshop: no coordinates (citizens have no use for them, and a bar
    /// that grows when the pointer enters the map moves the view).
    pub workshop: bool,
    pub cursor_wgs84: Option<(f64, f64)>,
    /// Metres per logical pixel at the camera target.
    pub metres_per_pixel: f32,
    pub jobs: &'a [JobEntry],
}

/// Map scale at 96 dpi (0.2646 mm per pixel), rounded to a readable number.
pub fn scale_denominator(metres_per_pixel: f32) -> u64 {
    let raw = metres_per_pixel as f64 / 0.000_264_6;
    let magnitude = 10f64.powi(raw.log10().floor() as i32 - 1).max(1.0);
    ((raw / magnitude).round() * magnitude) as u64
}

/// A "nice" scale bar length (1, 2 or 5 × 10^k m) close to `target_px` pixels.
pub fn scale_bar(metres_per_pixel: f32, target_px: f32) -> (f32, f32) {
    let want = metres_per_pixel * target_px;
    let base = 10f32.powi(want.log10().floor() as i32);
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * base)
        .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
        .unwrap_or(base);
    (nice, nice / metres_per_pixel)
}

pub fn status_bar(ui: &mut egui::Ui, m: &StatusModel, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    // One row: longitude and latitude only where there is room for them,
    // the pointer's place in whole metres on a narrower bar, none on the
    // narrowest (scale and running jobs matter more there).
    let width = super::theme::room_in_desk_type(ui);
    let wide = width >= 1450.0;
    let cursor = m.cursor_world.filter(|_| !m.workshop && width >= 720.0);
    ui.horizontal(|ui| {
        match cursor {
            Some(p) if width < 1150.0 => {
                ui.label(i18n.trf(
                    "status.projected_short",
                    &[("e", &i18n.number(p[0], 0)), ("n", &i18n.number(p[1], 0))],
                ));
            }
            Some(p) => {
                let (e, n, h) = (
                    i18n.number(p[0], 2),
                    i18n.number(p[1], 2),
                    i18n.number(p[2], 2),
                );
                ui.label(format!(
                    "{} ({}): {}",
                    i18n.tr("status.cursor"),
                    m.crs_label,
                    i18n.trf("status.projected", &[("e", &e), ("n", &n), ("h", &h)])
                ));
                if let Some((lon, lat)) = m.cursor_wgs84.filter(|_| wide) {
                    let (lat, lon) = (i18n.number(lat, 6), i18n.number(lon, 6));
                    ui.label(format!(
                        "WGS84: {}",
                        i18n.trf("status.geographic", &[("lat", &lat), ("lon", &lon)])
                    ));
                }
            }
            None if m.workshop || width < 720.0 => {}
            None => {
                ui.label(i18n.tr("status.no_cursor"));
            }
        }
        if cursor.is_some() || (!m.workshop && width >= 720.0) {
            ui.separator();
        }
        if m.metres_per_pixel.is_finite() && m.metres_per_pixel > 0.0 {
            let ratio = format!(
                "1:{}",
                i18n.number(scale_denominator(m.metres_per_pixel) as f64, 0)
            );
            ui.label(if width >= 720.0 {
                format!("{} ≈ {ratio}", i18n.tr("status.scale"))
            } else {
                ratio
            });
            let (metres, px) = scale_bar(
                m.metres_per_pixel,
                if width >= 720.0 { 100.0 } else { 60.0 },
            );
            let (rect, _) = ui.allocate_exact_size(egui::vec2(px, 14.0), egui::Sense::hover());
            let stroke = egui::Stroke::new(2.0, ui.visuals().text_color());
            let p = ui.painter();
            p.line_segment([rect.left_bottom(), rect.right_bottom()], stroke);
            p.line_segment([rect.left_top(), rect.left_bottom()], stroke);
            p.line_segment([rect.right_top(), rect.right_bottom()], stroke);
            let text = if metres >= 1000.0 {
                format!("{} km", i18n.number(metres as f64 / 1000.0, 0))
            } else if metres >= 1.0 {
                format!("{} m", i18n.number(metres as f64, 0))
            } else {
                // 0,5 m, 0,05 m, 0,02 m: as many decimals as the length has.
                format!(
                    "{} m",
                    i18n.plain((metres as f64 * 1000.0).round() / 1000.0)
                )
            };
            ui.label(text);
        }
        ui.separator();
        if m.jobs.is_empty() {
            ui.label(i18n.tr("status.jobs_idle"));
        }
        for job in m.jobs {
            ui.label(&job.label);
            ui.add(
                egui::ProgressBar::new(job.control.progress())
                    .desired_width(if width >= 720.0 { 120.0 } else { 70.0 })
                    .show_percentage(),
            );
            if ui.button(i18n.tr("status.cancel")).clicked() {
                actions.push(UiAction::CancelJob(job.id));
            }
        }
    });
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_speaks_the_users_numbers() {
        use crate::base::i18n::{I18n, Language};
        let model = StatusModel {
            crs_label: "EPSG:25832".into(),
            cursor_world: Some([280_912.344, 5_657_501.2, 35.91]),
            workshop: false,
            cursor_wgs84: Some((5.875085, 51.027095)),
            metres_per_pixel: 0.005,
            jobs: &[],
        };
        for (lang, coords, wgs, bar) in [
            (
                Language::German,
                "Ost 280.912,34  Nord 5.657.501,20  Höhe 35,91 m",
                "51,027095° N  5,875085° O",
                "0,5 m",
            ),
            (
                Language::English,
                "E 280,912.34  N 5,657,501.20  H 35.91 m",
                "51.027095° N  5.875085° E",
                "0.5 m",
            ),
        ] {
            let i18n = I18n::new(lang);
            let mut h = egui_kittest::Harness::builder()
                .with_size(egui::vec2(1500.0, 60.0))
                .build_ui(|ui| {
                    status_bar(ui, &model, &i18n);
                });
            h.run();
            use egui_kittest::kittest::Queryable;
            h.get_by_label_contains(coords);
            h.get_by_label_contains(wgs);
            h.get_by_label(bar);
        }
    }

    #[test]
    fn scale_and_scale_bar() {
        // 1 m per pixel at 96 dpi is about 1:3 780.
        assert_eq!(scale_denominator(1.0), 3800);
        let (metres, px) = scale_bar(1.0, 100.0);
        assert_eq!((metres, px), (100.0, 100.0));
        // 330 m wanted: 200 m (61 px) is closer than 500 m.
        let (metres, px) = scale_bar(3.3, 100.0);
        assert_eq!(metres, 200.0);
        assert!((px - 60.6).abs() < 0.1);
    }
}
