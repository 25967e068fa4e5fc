//! Look and size of the UI: scale for big screens, a high-contrast theme,
//! larger controls in workshop mode, the icon font, the city's accent colour.

use super::actions::AppMode;
use crate::base::settings::UserSettings;
use bevy_egui::egui::{self, Color32, FontId, Stroke, TextStyle};

/// Extra zoom in workshop mode on top of the user's UI scale.
pub const WORKSHOP_ZOOM: f32 = 1.35;

pub fn zoom_factor(settings: &UserSettings, mode: AppMode) -> f32 {
    settings.ui_scale * if mode.public() { WORKSHOP_ZOOM } else { 1.0 }
}

/// Black panels, white text, yellow focus and selection: WCAG AAA contrast
/// for the text (21:1) and clearly visible control borders.
pub fn high_contrast_visuals() -> egui::Visuals {
    let mut v = egui::Visuals::dark();
    // No override_text_color: it would also paint selected items white on
    // yellow. Text colours come from the widget states below instead.
    v.panel_fill = Color32::BLACK;
    v.window_fill = Color32::BLACK;
    v.extreme_bg_color = Color32::BLACK;
    v.faint_bg_color = Color32::from_gray(20);
    v.window_stroke = Stroke::new(2.0, Color32::WHITE);
    v.hyperlink_color = Color32::from_rgb(255, 230, 0);
    v.selection.bg_fill = Color32::from_rgb(255, 230, 0);
    // Selected items: black text on yellow.
    v.selection.stroke = Stroke::new(2.0, Color32::BLACK);
    for w in [&mut v.widgets.inactive, &mut v.widgets.noninteractive] {
        w.bg_stroke = Stroke::new(1.5, Color32::WHITE);
        w.fg_stroke = Stroke::new(1.5, Color32::WHITE);
        w.weak_bg_fill = Color32::BLACK;
    }
    v.widgets.noninteractive.bg_fill = Color32::BLACK;
    // Slider rails and checkbox boxes use this fill: keep it visible on black.
    v.widgets.inactive.bg_fill = Color32::from_gray(70);
    for w in [
        &mut v.widgets.hovered,
        &mut v.widgets.active,
        &mut v.widgets.open,
    ] {
        w.bg_stroke = Stroke::new(2.5, Color32::from_rgb(255, 230, 0));
        w.fg_stroke = Stroke::new(2.0, Color32::from_rgb(255, 230, 0));
        w.bg_fill = Color32::from_gray(30);
        w.weak_bg_fill = Color32::from_gray(30);
    }
    v
}

/// The desk's body type size (points); the workshop's is larger.
pub const DESK_BODY_PT: f32 = 15.0;

/// The room left in `ui`, measured in the desk's type: a bar folds at the
/// same number of words whatever the type size (the workshop's 18 pt
/// words need 20 % more room).
pub fn room_in_desk_type(ui: &egui::Ui) -> f32 {
    let body = ui
        .style()
        .text_styles
        .get(&TextStyle::Body)
        .map_or(DESK_BODY_PT, |f| f.size);
    ui.available_width() * DESK_BODY_PT / body
}

/// The text font with Phosphor's icons after it: icons mix into any label
/// ("\u{e270} Einstellungen") and egui's own symbols stay.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    egui_phosphor::add_to_fonts(&mut fonts, egui_phosphor::Variant::Regular);
    ctx.set_fonts(fonts);
}

/// WCAG relative luminance of an sRGB colour.
pub fn luminance(c: Color32) -> f32 {
    let f = |v: u8| {
        let s = v as f32 / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * f(c.r()) + 0.7152 * f(c.g()) + 0.0722 * f(c.b())
}

/// WCAG contrast ratio of two colours (1 … 21).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The city's accent on the light theme, as egui's own light blue works:
/// the accent darkened until it reads on the panels (AA, 4.5:1) is the
/// text of selected controls, the frame of the focused field and the
/// links; selected controls are filled with the accent lightened until
/// that text reads on it too. (A white text on the full accent would
/// leave the focused field's frame white on white.)
pub fn with_accent(mut v: egui::Visuals, accent: Color32) -> egui::Visuals {
    let mix = |a: Color32, b: Color32, t: f32| {
        let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
        Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
    };
    let mut ink = accent;
    let mut darker = 0.0;
    while contrast(ink, v.panel_fill) < 4.5 && darker < 1.0 {
        darker += 0.05;
        ink = mix(accent, Color32::BLACK, darker);
    }
    let mut fill = accent;
    let mut lighter = 0.0;
    while contrast(ink, fill) < 4.5 && lighter < 1.0 {
        lighter += 0.05;
        fill = mix(accent, Color32::WHITE, lighter);
    }
    v.selection.bg_fill = fill;
    v.selection.stroke = Stroke::new(1.5, ink);
    v.hyperlink_color = ink;
    v
}

pub fn apply(ctx: &egui::Context, settings: &UserSettings, mode: AppMode, accent: Option<Color32>) {
    install_fonts(ctx);
    ctx.set_zoom_factor(zoom_factor(settings, mode));
    let visuals = match (settings.high_contrast, accent) {
        (true, _) => high_contrast_visuals(),
        (false, Some(a)) => with_accent(egui::Visuals::light(), a),
        (false, None) => egui::Visuals::light(),
    };
    ctx.set_visuals(visuals);
    let workshop = mode.public();
    ctx.all_styles_mut(|style| {
        // Large, plain text: the UI is also used by citizens without help.
        let body = if workshop { 18.0 } else { DESK_BODY_PT };
        style.text_styles = [
            (TextStyle::Small, FontId::proportional(body - 2.0)),
            (TextStyle::Body, FontId::proportional(body)),
            (TextStyle::Button, FontId::proportional(body)),
            (TextStyle::Heading, FontId::proportional(body + 5.0)),
            (TextStyle::Monospace, FontId::monospace(body - 1.0)),
        ]
        .into();
        style.spacing.interact_size.y = if workshop { 44.0 } else { 26.0 };
        style.spacing.button_padding = if workshop {
            egui::vec2(14.0, 10.0)
        } else {
            egui::vec2(8.0, 4.0)
        };
        style.spacing.item_spacing = egui::vec2(8.0, if workshop { 10.0 } else { 6.0 });
        style.spacing.slider_width = if workshop { 180.0 } else { 140.0 };
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accent_keeps_text_readable() {
        // A dark city blue reads on the panels as it is; a light
        // yellow-green is darkened; a mid red both ways. In every case the
        // selected control's text reads on its fill, and the focused
        // field's frame (the same ink) on the panel and the field.
        for accent in [
            Color32::from_rgb(0x0a, 0x5f, 0x8c),
            Color32::from_rgb(0xc8, 0xe6, 0x4b),
            Color32::from_rgb(0xe3, 0x06, 0x13),
        ] {
            let v = with_accent(egui::Visuals::light(), accent);
            let ink = v.selection.stroke.color;
            assert!(contrast(ink, v.selection.bg_fill) >= 4.5, "{accent:?}");
            assert!(contrast(ink, v.panel_fill) >= 4.5, "{accent:?}");
            assert!(contrast(ink, v.text_edit_bg_color()) >= 4.5, "{accent:?}");
            assert_eq!(v.hyperlink_color, ink);
        }
        let blue = with_accent(egui::Visuals::light(), Color32::from_rgb(0x0a, 0x5f, 0x8c));
        assert_eq!(
            blue.selection.stroke.color,
            Color32::from_rgb(0x0a, 0x5f, 0x8c)
        );
        // The WCAG examples: white on black 21:1, the same colour 1:1.
        assert!((contrast(Color32::WHITE, Color32::BLACK) - 21.0).abs() < 0.01);
        assert_eq!(contrast(Color32::GRAY, Color32::GRAY), 1.0);
    }

    #[test]
    fn high_contrast_meets_wcag_aaa() {
        let v = high_contrast_visuals();
        assert!(contrast(v.text_color(), v.panel_fill) >= 7.0);
        assert!(contrast(v.widgets.inactive.text_color(), v.panel_fill) >= 7.0);
        assert!(contrast(v.selection.bg_fill, v.panel_fill) >= 7.0);
        // Text on a selected (yellow) item.
        assert!(contrast(v.selection.stroke.color, v.selection.bg_fill) >= 7.0);
        assert!(contrast(v.widgets.inactive.bg_stroke.color, v.panel_fill) >= 7.0);
    }

    #[test]
    fn workshop_mode_is_larger() {
        let s = UserSettings {
            ui_scale: 2.0,
            ..Default::default()
        };
        assert_eq!(zoom_factor(&s, AppMode::Planning), 2.0);
        assert_eq!(zoom_factor(&s, AppMode::Workshop), 2.0 * WORKSHOP_ZOOM);
        let ctx = egui::Context::default();
        apply(&ctx, &s, AppMode::Workshop, None);
        // Zoom takes effect with the next frame.
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        assert_eq!(ctx.zoom_factor(), 2.0 * WORKSHOP_ZOOM);
        assert_eq!(ctx.style_of(ctx.theme()).spacing.interact_size.y, 44.0);
    }
}
