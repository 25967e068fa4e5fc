//! An on-screen keyboard for the touch table (it has no other): German
//! layout with umlauts, shift, space, a new line and delete. Keys are large
//! and spelled out, not symbols a font may lack.

use crate::base::i18n::I18n;
use bevy_egui::egui;

const ROWS: [&str; 4] = ["1234567890ß", "qwertzuiopü", "asdfghjklöä", "yxcvbnm,.?!"];

/// Draws the keys and types into `text` (at most `max` characters).
/// Returns true when something was typed.
pub fn keyboard(
    ui: &mut egui::Ui,
    text: &mut String,
    shift: &mut bool,
    max: usize,
    i18n: &I18n,
) -> bool {
    let mut typed = false;
    // Eleven keys a row in a side panel: tight gaps and padding, so the
    // keys share the width instead of pushing the panel wider.
    ui.spacing_mut().item_spacing.x = 4.0;
    ui.spacing_mut().button_padding = egui::vec2(2.0, 4.0);
    let gap = ui.spacing().item_spacing.x;
    let width = ui.available_width();
    let key = ((width - gap * 10.0) / 11.0).max(16.0);
    let height = ui.spacing().interact_size.y.max(40.0);
    let size = egui::vec2(key, height);
    for row in ROWS {
        ui.horizontal(|ui| {
            for c in row.chars() {
                let shown: String = if *shift {
                    match c {
                        'ß' => "ẞ".into(),
                        c => c.to_uppercase().collect(),
                    }
                } else {
                    c.to_string()
                };
                if ui
                    .add_sized(
                        size,
                        egui::Button::new(egui::RichText::new(&shown).strong()),
                    )
                    .clicked()
                    && text.chars().count() < max
                {
                    text.push_str(&shown);
                    *shift = false;
                    typed = true;
                }
            }
        });
    }
    ui.horizontal(|ui| {
        let wide = |n: f32| egui::vec2(key * n + gap * (n - 1.0), height);
        if ui
            .add_sized(
                wide(2.0),
                egui::Button::new(i18n.tr("participation.keyboard.shift")).selected(*shift),
            )
            .clicked()
        {
            *shift = !*shift;
        }
        if ui
            .add_sized(
                wide(5.0),
                egui::Button::new(i18n.tr("participation.keyboard.space")),
            )
            .clicked()
            && text.chars().count() < max
        {
            text.push(' ');
            typed = true;
        }
        if ui
            .add_sized(
                wide(2.0),
                egui::Button::new(i18n.tr("participation.keyboard.line")),
            )
            .clicked()
            && text.chars().count() < max
        {
            text.push('\n');
            typed = true;
        }
        if ui
            .add_sized(
                wide(2.0),
                egui::Button::new(i18n.tr("participation.keyboard.delete")),
            )
            .clicked()
        {
            text.pop();
            typed = true;
        }
    });
    typed
}
