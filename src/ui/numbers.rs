//! Number fields that show and read numbers the user's way: "2,5 m" at a
//! German desk, "2.5 m" at an English one (egui's own fields write and
//! read only the decimal point).

use crate::base::i18n::{I18n, Language};
use bevy_egui::egui;

pub trait Localized<'a> {
    /// Shown with `decimals` after the language's separator, read back in
    /// the language's notation (or the other, where it is unambiguous).
    fn localized(self, i18n: &'a I18n, decimals: usize) -> Self;
}

impl<'a> Localized<'a> for egui::DragValue<'a> {
    fn localized(self, i18n: &'a I18n, decimals: usize) -> Self {
        self.custom_formatter(move |v, _| i18n.number(v, decimals))
            .custom_parser(move |s| parse(i18n.language, s))
    }
}

impl<'a> Localized<'a> for egui::Slider<'a> {
    fn localized(self, i18n: &'a I18n, decimals: usize) -> Self {
        self.custom_formatter(move |v, _| i18n.number(v, decimals))
            .custom_parser(move |s| parse(i18n.language, s))
    }
}

/// A typed number: "1.234,5" or "2,5" in German, "1,234.5" in English;
/// "2.5" at a German desk is read as 2.5 (a grouping point is followed by
/// three digits); a unit after the number is ignored.
pub fn parse(language: Language, text: &str) -> Option<f64> {
    let number: String = text
        .trim()
        .replace('−', "-")
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
        .collect();
    let (group, point) = match language {
        Language::German => ('.', ','),
        Language::English => (',', '.'),
    };
    let plain = if number.contains(point) {
        number.replace(group, "").replace(point, ".")
    } else if number.matches(group).count() == 1
        && number.rsplit(group).next().is_some_and(|d| d.len() != 3)
    {
        // "2.5" at a German desk, "2,5" at an English one: a decimal mark.
        number.replace(group, ".")
    } else {
        number.replace(group, "")
    };
    plain.parse().ok()
}

/// Decimals worth showing for a field that moves in `step`s.
pub fn decimals_for_step(step: f64) -> usize {
    let mut d = 0;
    while d < 4 && (step * 10f64.powi(d as i32)).fract().abs() > 1e-9 {
        d += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_are_read_in_either_notation() {
        let de = Language::German;
        let en = Language::English;
        assert_eq!(parse(de, "2,5"), Some(2.5));
        assert_eq!(parse(de, "1.234,5 m"), Some(1234.5));
        assert_eq!(parse(de, "2.5"), Some(2.5));
        assert_eq!(parse(de, "12.500"), Some(12500.0));
        assert_eq!(parse(de, "−3,25"), Some(-3.25));
        assert_eq!(parse(en, "1,234.5"), Some(1234.5));
        assert_eq!(parse(en, "2,5"), Some(2.5));
        assert_eq!(parse(en, "x"), None);
        assert_eq!(decimals_for_step(0.1), 1);
        assert_eq!(decimals_for_step(0.25), 2);
        assert_eq!(decimals_for_step(1.0), 0);
    }

    #[test]
    fn a_field_shows_and_takes_the_decimal_comma() {
        use egui_kittest::kittest::Queryable;
        let i18n = I18n::new(Language::German);
        let mut h = egui_kittest::Harness::new_ui_state(
            |ui, v: &mut f64| {
                ui.add(egui::DragValue::new(v).localized(&i18n, 1).suffix(" m"));
            },
            3.2,
        );
        h.run();
        h.get_by_value("3,2 m");
        // Typed the German way.
        h.get_by_value("3,2 m").click();
        h.run_steps(3);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.run();
        h.get_by_role(egui::accesskit::Role::SpinButton)
            .type_text("2,5");
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(*h.state(), 2.5);
    }
}
