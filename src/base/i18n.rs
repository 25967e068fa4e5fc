//! The translation layer: every UI string is a key looked up in the German
//! (default) or English catalogue in `assets/i18n/`. The catalogues are built
//! into the binary so the program runs from anywhere, offline.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Language {
    #[default]
    #[serde(rename = "de")]
    German,
    #[serde(rename = "en")]
    English,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::German, Language::English];

    /// ISO 639-1 code ("de", "en"): what catalogues' multilingual texts are keyed by.
    pub fn code(&self) -> &'static str {
        match self {
            Language::German => "de",
            Language::English => "en",
        }
    }

    /// The language's own name, shown in the language switch.
    pub fn native_name(&self) -> &'static str {
        match self {
            Language::German => "Deutsch",
            Language::English => "English",
        }
    }
}

const GERMAN: &str = include_str!("../../assets/i18n/de.toml");
const ENGLISH: &str = include_str!("../../assets/i18n/en.toml");

#[derive(Resource, Debug, Clone)]
pub struct I18n {
    pub language: Language,
    german: HashMap<String, String>,
    english: HashMap<String, String>,
}

fn parse_catalogue(text: &str, name: &str) -> HashMap<String, String> {
    toml::from_str(text).unwrap_or_else(|e| panic!("built-in catalogue {name} is broken: {e}"))
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new(Language::German)
    }
}

impl I18n {
    pub fn new(language: Language) -> Self {
        let mut german = parse_catalogue(GERMAN, "de.toml");
        let mut english = parse_catalogue(ENGLISH, "en.toml");
        // The participation texts live with the phones' page, in one place.
        german.extend(parse_catalogue(
            pw_participation::texts::GERMAN,
            "pw-participation de.toml",
        ));
        english.extend(parse_catalogue(
            pw_participation::texts::ENGLISH,
            "pw-participation en.toml",
        ));
        I18n {
            language,
            german,
            english,
        }
    }

    fn catalogue(&self, language: Language) -> &HashMap<String, String> {
        match language {
            Language::German => &self.german,
            Language::English => &self.english,
        }
    }

    /// The text for `key`; falls back to German, then to the key itself so a
    /// missing entry is visible instead of blank.
    pub fn tr<'a>(&'a self, key: &'a str) -> &'a str {
        self.catalogue(self.language)
            .get(key)
            .or_else(|| self.german.get(key))
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// Like [`I18n::tr`] with `{name}` placeholders filled in.
    pub fn trf(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut s = self.tr(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), &value.to_string());
        }
        s
    }

    /// A number as people of the chosen language write it: German
    /// "249.055,5", English "249,055.5"; `decimals` after the separator.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        number_in(self.language, value, decimals)
    }

    /// A number with as many decimals as it has (at most 6), written the
    /// language's way: "0,5", "2", "12.500" in German.
    pub fn plain(&self, value: f64) -> String {
        let shortest = format!("{value}");
        let decimals = shortest.split_once('.').map_or(0, |(_, f)| f.len()).min(6);
        self.number(value, decimals)
    }

    /// A day the language's way: "21.03.2026" in German, ISO 8601
    /// ("2026-03-21") in English, which is read alike everywhere.
    pub fn date(&self, date: jiff::civil::Date) -> String {
        match self.language {
            Language::German => date.strftime("%d.%m.%Y").to_string(),
            Language::English => date.strftime("%Y-%m-%d").to_string(),
        }
    }

    /// Text the engine-free crates write in a neutral notation (ISO days,
    /// "." before decimals) in the user's: each word that is a number or a
    /// day on its own is rewritten, punctuation around it kept; other words
    /// (names, files, codes) stay as they are.
    pub fn neutral(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            out.push_str(&self.neutral_word(word));
            word.clear();
        };
        for c in text.chars() {
            // Not split at "/": a path's parts stay as they are.
            if c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '×') {
                flush(&mut word, &mut out);
                out.push(c);
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// A whole value in neutral notation (a number with a decimal point or
    /// an ISO day, nothing else around it) the language's way; anything
    /// else as it is.
    pub fn neutral_value(&self, value: &str) -> String {
        let v = value.trim();
        if v.contains(char::is_whitespace) {
            return value.to_string();
        }
        match self.neutral_word(v) {
            changed if changed != v => changed,
            _ => value.to_string(),
        }
    }

    fn neutral_word(&self, word: &str) -> String {
        if word.len() == 10
            && let Ok(d) = word.parse::<jiff::civil::Date>()
        {
            return self.date(d);
        }
        // Signed numbers keep their sign as written ("+0.5"); a number is
        // digits, one point and digits ("2." and "1.2.3" are not).
        let (sign, digits) = match word.strip_prefix('+').or_else(|| word.strip_prefix('-')) {
            Some(rest) => (&word[..1], rest),
            None => ("", word),
        };
        let Some((int, frac)) = digits.split_once('.') else {
            return word.to_string();
        };
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        match digits.parse::<f64>() {
            Ok(v) if all_digits(int) && all_digits(frac) => {
                let sign = if sign == "-" { "−" } else { sign };
                format!("{sign}{}", self.number(v, frac.len()))
            }
            _ => word.to_string(),
        }
    }

    /// A library's message (catalogue key + arguments) in the chosen
    /// language; its English text when the catalogues lack the key.
    /// Arguments written as neutral numbers and days are shown the
    /// language's way.
    pub fn render(&self, message: &pw_analysis::Message) -> String {
        let mut local = message.clone();
        self.localise_values(&mut local);
        local.render(|key| {
            self.catalogue(self.language)
                .get(key)
                .or_else(|| self.german.get(key))
                .cloned()
        })
    }

    /// Only arguments that are wholly a number or a day: names and error
    /// texts stay as written; reasons nested inside are treated alike.
    fn localise_values(&self, message: &mut pw_analysis::Message) {
        for (_, value) in &mut message.args {
            *value = self.neutral_value(value);
        }
        for (_, part) in &mut message.parts {
            self.localise_values(part);
        }
    }

    pub fn keys(&self, language: Language) -> impl Iterator<Item = &String> {
        self.catalogue(language).keys()
    }
}

/// [`I18n::number`] for a language (where no catalogue is at hand, e.g.
/// in a plot's hover text).
pub fn number_in(language: Language, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let (group, point) = match language {
        Language::German => ('.', ','),
        Language::English => (',', '.'),
    };
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    let negative = value < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("−{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn catalogues_have_the_same_keys() {
        let i = I18n::default();
        let de: BTreeSet<_> = i.keys(Language::German).collect();
        let en: BTreeSet<_> = i.keys(Language::English).collect();
        let only_de: Vec<_> = de.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&de).collect();
        assert!(
            only_de.is_empty() && only_en.is_empty(),
            "only de: {only_de:?}, only en: {only_en:?}"
        );
        assert!(de.len() > 50);
        // Both languages fill in the same values.
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .filter(|name| {
                    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                })
                .collect()
        };
        let differ: Vec<&String> = de
            .iter()
            .filter(|k| {
                placeholders(i.catalogue(Language::German)[**k].as_str())
                    != placeholders(i.catalogue(Language::English)[**k].as_str())
            })
            .copied()
            .collect();
        assert!(differ.is_empty(), "placeholders differ: {differ:?}");
    }

    #[test]
    fn neutral_numbers_and_days_are_shown_the_languages_way() {
        let de = I18n::new(Language::German);
        let en = I18n::new(Language::English);
        assert_eq!(de.plain(0.5), "0,5");
        assert_eq!(de.plain(12500.0), "12.500");
        assert_eq!(en.plain(-2.25), "−2.25");
        let day = jiff::civil::date(2026, 3, 21);
        assert_eq!(de.date(day), "21.03.2026");
        assert_eq!(en.date(day), "2026-03-21");
        // A result's label as the sun-hours analysis writes it.
        assert_eq!(
            de.neutral("Besonnung 2026-03-21 2026-06-21, 150 × 150 m, Pegel 1.25 m (+0.5)"),
            "Besonnung 21.03.2026 21.06.2026, 150 × 150 m, Pegel 1,25 m (+0,5)"
        );
        // Names, files, paths, codes, ordinals and times stay.
        assert_eq!(
            de.neutral(
                "dgm1_2.5m.tif /daten/1.5/dgm.tif EPSG:25832 v0.1.0 1.2.3 Tile-2.3 - 2. 15:00"
            ),
            "dgm1_2.5m.tif /daten/1.5/dgm.tif EPSG:25832 v0.1.0 1.2.3 Tile-2.3 - 2. 15:00"
        );
        assert_eq!(de.neutral("-0.25"), "−0,25");
        // A value: only when it is wholly a number or a day.
        assert_eq!(de.neutral_value("36.5"), "36,5");
        assert_eq!(de.neutral_value("2019-04-02"), "02.04.2019");
        assert_eq!(de.neutral_value("8.00 - 16.00"), "8.00 - 16.00");
        assert_eq!(de.neutral_value("Haus 1.5"), "Haus 1.5");
        // Messages from the crates: their number arguments too.
        let m = pw_analysis::Message::new("no.such.key")
            .english("water level {level} m")
            .arg("level", format!("{:.2}", 36.5));
        assert_eq!(de.render(&m), "water level 36,50 m");
        assert_eq!(en.render(&m), "water level 36.50 m");
    }

    #[test]
    fn numbers_as_each_language_writes_them() {
        let de = I18n::new(Language::German);
        let en = I18n::new(Language::English);
        assert_eq!(de.number(249_055.46, 1), "249.055,5");
        assert_eq!(en.number(249_055.46, 1), "249,055.5");
        assert_eq!(de.number(960.0, 0), "960");
        assert_eq!(de.number(1234567.0, 0), "1.234.567");
        assert_eq!(de.number(-3.5, 1), "−3,5");
        assert_eq!(de.number(-0.01, 1), "0,0");
        assert_eq!(de.number(f64::NAN, 1), "–");
    }

    #[test]
    fn switching_language_changes_text_and_placeholders_fill() {
        let mut i = I18n::default();
        assert_eq!(i.tr("layers.title"), "Ebenen");
        i.language = Language::English;
        assert_eq!(i.tr("layers.title"), "Layers");
        assert_eq!(i.trf("layers.problems", &[("count", &3)]), "3 notes");
        assert_eq!(i.tr("no.such.key"), "no.such.key");
    }

    /// Every key the source code asks for exists: scans `src/` for
    /// `tr("…")`, `trf("…"` and `key!("…")` calls, and the libraries in
    /// `crates/` for their messages' `Message::new("…")`.
    #[test]
    fn every_key_used_in_the_code_is_in_the_catalogue() {
        let i = I18n::default();
        let de: BTreeSet<_> = i.keys(Language::German).cloned().collect();
        let mut missing = Vec::new();
        let mut used = 0;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![root.join("src"), root.join("crates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    // Library tests make up keys of their own.
                    if !path.ends_with("tests") && !path.ends_with("target") {
                        stack.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                // These files name the markers in their own docs and tests.
                if path.ends_with("i18n.rs") || path.ends_with("pw-text/src/lib.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // In the libraries only their messages (their own `tr(`
                // would be XML attributes and the like).
                let library = path.starts_with(root.join("crates"));
                // A library's unit tests make up keys of their own.
                let text = match text.find("#[cfg(test)]\nmod tests") {
                    Some(end) if library => text[..end].to_string(),
                    _ => text,
                };
                let markers: &[&str] = if library {
                    &["Message::new(\""]
                } else {
                    &["tr(\"", "trf(\"", "key!(\"", "Message::new(\""]
                };
                for marker in markers {
                    for (pos, _) in text.match_indices(marker) {
                        let rest = &text[pos + marker.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        used += 1;
                        if !de.contains(key) && key != "no.such.key" {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing in the catalogue: {missing:#?}"
        );
        assert!(used > 40, "only {used} translated strings found");
    }

    /// The engines' and clients' errors reach the German UI in German, with
    /// the server's or the file's own words kept inside.
    #[test]
    fn library_errors_read_german_in_the_german_ui() {
        let de = I18n::new(Language::German);
        let said = [
            (
                pw_flood::FloodError::GaugeOutside {
                    x: 681_000.0,
                    y: 5_640_000.0,
                    bounds: (680_000.0, 5_643_000.0, 682_000.0, 5_645_000.0),
                }
                .message(),
                "Der Pegel (681.000,0, 5.640.000,0) liegt außerhalb des Geländes",
            ),
            (
                pw_traffic::TrafficError::Unprojectable { node: 42 }.message(),
                "Der OSM-Knoten 42 lässt sich nicht",
            ),
            (
                pw_noise::NoiseError::UnknownSurface {
                    id: "FR_R9".into(),
                    known: "DEF, NL01".into(),
                }
                .message(),
                "Unbekannter Straßenbelag „FR_R9“",
            ),
            (
                pw_sensors::client::ClientError {
                    url: "https://sta.jena.de/v1.1/Datastreams".into(),
                    reason: pw_sensors::client::Reason::Status {
                        code: 503,
                        status: "503 Service Unavailable".into(),
                        excerpt: "maintenance".into(),
                    },
                }
                .message(),
                "https://sta.jena.de/v1.1/Datastreams: der Server antwortet mit HTTP 503 Service Unavailable: maintenance",
            ),
            (
                pw_sensors::client::ClientError {
                    url: "https://sta.jena.de/v1.1".into(),
                    reason: pw_sensors::client::Reason::Offline,
                }
                .message(),
                "https://sta.jena.de/v1.1: keine Verbindung",
            ),
            (
                pw_sensors::SensorError::NoToken {
                    name: "jena".into(),
                    why: String::new(),
                }
                .message(),
                "Kein Schlüssel namens „jena“ im Schlüsselbund",
            ),
        ];
        // Numbers inside a nested reason are written the German way too.
        let nested = crate::layers::at_source(
            "dgm",
            pw_terrain::Grid::merge(&[]).map_or_else(|e| e, |_| unreachable!()),
        );
        assert_eq!(de.render(&nested), "dgm: Keine Kacheln zum Zusammenfügen");
        let too_large = pw_sensors::client::ClientError {
            url: "https://sta.jena.de/v1.1".into(),
            reason: pw_sensors::client::Reason::TooLarge {
                megabytes: 70.5,
                limit_mb: 64,
            },
        }
        .message();
        assert!(
            de.render(&too_large)
                .contains("(70,5 MB) ist größer als 64 MB"),
            "{}",
            de.render(&too_large)
        );
        for (message, german) in said {
            let shown = de.render(&message);
            assert!(shown.starts_with(german), "{shown}");
            assert_ne!(shown, message.to_string(), "the English fallback");
        }
    }
}
