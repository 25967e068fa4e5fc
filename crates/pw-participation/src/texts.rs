//! The participation texts (phone page, categories, errors) in German and
//! English: served to phones as JSON, and read by the app into its own
//! catalogues, so each text lives in one place.

use std::collections::HashMap;
use std::sync::OnceLock;

pub const GERMAN: &str = include_str!("../web/de.toml");
pub const ENGLISH: &str = include_str!("../web/en.toml");

pub fn catalogue(lang: &str) -> &'static HashMap<String, String> {
    static DE: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    let parse = |text: &str| -> HashMap<String, String> {
        toml::from_str(text).expect("the built-in participation texts are valid TOML")
    };
    if lang == "en" {
        EN.get_or_init(|| parse(ENGLISH))
    } else {
        DE.get_or_init(|| parse(GERMAN))
    }
}

/// `key` in `lang` with `{name}` filled in; the key itself when unknown.
pub fn render(lang: &str, key: &str, args: &[(&str, String)]) -> String {
    let mut text = catalogue(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string());
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// "de" or "en" from a `lang` query value or an Accept-Language header;
/// German unless English is asked for first.
pub fn pick_language(query: Option<&str>, accept: Option<&str>) -> &'static str {
    if let Some(q) = query {
        return if q == "en" { "en" } else { "de" };
    }
    let first = accept
        .and_then(|a| a.split(',').next())
        .map(|l| l.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if first.starts_with("en") { "en" } else { "de" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let de: Vec<_> = {
            let mut k: Vec<_> = catalogue("de").keys().collect();
            k.sort();
            k
        };
        let en: Vec<_> = {
            let mut k: Vec<_> = catalogue("en").keys().collect();
            k.sort();
            k
        };
        assert_eq!(de, en);
        assert!(de.len() > 40);
    }

    #[test]
    fn every_error_has_a_text() {
        use crate::error::ParticipationError as E;
        for e in [
            E::EmptyText,
            E::TextTooLong { chars: 1, max: 1 },
            E::UnknownCategory(String::new()),
            E::OutsideArea,
            E::UnknownVariant(String::new()),
            E::UnknownQuestion(String::new()),
            E::BadAnswer {
                question: String::new(),
                value: 0,
            },
            E::BadStars(0),
            E::VotingClosed,
            E::UnknownParticipant,
            E::WrongWorkshop,
            E::TooMany { seconds: 1 },
            E::TooLarge { limit: 1 },
            E::BadRequest(String::new()),
            E::NoContribution(1),
            E::Store(String::new()),
            E::Stopped,
        ] {
            for lang in ["de", "en"] {
                assert!(catalogue(lang).contains_key(e.key()), "{lang}: {}", e.key());
            }
        }
        assert_eq!(
            render(
                "de",
                "participation.error.too_many",
                &[("seconds", "12".into())]
            ),
            "Zu viele Beiträge auf einmal. Bitte warten Sie 12 Sekunden."
        );
    }

    #[test]
    fn language_from_query_or_browser() {
        assert_eq!(pick_language(Some("en"), Some("de-DE")), "en");
        assert_eq!(pick_language(None, Some("en-GB,en;q=0.9")), "en");
        assert_eq!(pick_language(None, Some("de-DE,en;q=0.5")), "de");
        assert_eq!(pick_language(None, None), "de");
    }
}
