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

/// "280 912.34" — grouped thousands with a thin space, as in German maps.
pub fn group_thousands(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map(|(a, b)| (a.to_string(), Some(b.to_string())))
        .unwrap_or((s.clone(), None));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{2009}');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 { "−" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
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
    ui.horizontal_wrapped(|ui| {
        match m.cursor_world.filter(|_| !m.workshop) {
            Some(p) => {
                let (e, n, h) = (
                    group_thousands(p[0], 2),
                    group_thousands(p[1], 2),
                    group_thousands(p[2], 2),
                );
                ui.label(format!(
                    "{} ({}): {}",
                    i18n.tr("status.cursor"),
                    m.crs_label,
                    i18n.trf("status.projected", &[("e", &e), ("n", &n), ("h", &h)])
                ));
                if let Some((lon, lat)) = m.cursor_wgs84 {
                    let (lat, lon) = (format!("{lat:.6}"), format!("{lon:.6}"));
                    ui.label(format!(
                        "WGS84: {}",
                        i18n.trf("status.geographic", &[("lat", &lat), ("lon", &lon)])
                    ));
                }
            }
            None if m.workshop => {}
            None => {
                ui.label(i18n.tr("status.no_cursor"));
            }
        }
        ui.separator();
        if m.metres_per_pixel.is_finite() && m.metres_per_pixel > 0.0 {
            ui.label(format!(
                "{} ≈ 1:{}",
                i18n.tr("status.scale"),
                group_thousands(scale_denominator(m.metres_per_pixel) as f64, 0)
            ));
            let (metres, px) = scale_bar(m.metres_per_pixel, 100.0);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(px, 14.0), egui::Sense::hover());
            let stroke = egui::Stroke::new(2.0, ui.visuals().text_color());
            let p = ui.painter();
            p.line_segment([rect.left_bottom(), rect.right_bottom()], stroke);
            p.line_segment([rect.left_top(), rect.left_bottom()], stroke);
            p.line_segment([rect.right_top(), rect.right_bottom()], stroke);
            let text = if metres >= 1000.0 {
                format!("{} km", metres / 1000.0)
            } else {
                format!("{metres} m")
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
                    .desired_width(120.0)
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
    fn numbers_read_like_on_a_german_map() {
        assert_eq!(
            group_thousands(5_657_501.2, 2),
            "5\u{2009}657\u{2009}501.20"
        );
        assert_eq!(group_thousands(280.0, 1), "280.0");
        assert_eq!(group_thousands(-1234.5, 0), "−1\u{2009}234");
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
