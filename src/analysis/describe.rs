//! A run's parameters in words, as the form names them: for the result
//! card, the picture's footer and anyone who is not reading a log.

use crate::base::i18n::I18n;
use pw_analysis::{ParamKind, ParamSpec, RunStamp};

/// A value longer than this (an area's corners) is named, not printed.
const LONGEST_VALUE: usize = 48;

/// "Tag: 2026-03-21", "Fassaden und Dächer auswerten: ja", "Bereich: Fläche
/// gewählt" — values not set are left out, areas named (the result's
/// label gives their size), yes/no in words.
pub fn readable_parameters(stamp: &RunStamp, specs: &[ParamSpec], i18n: &I18n) -> Vec<String> {
    stamp
        .parameters
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| {
            let param = specs.iter().find(|p| p.key == key);
            let label = param.map_or(key.as_str(), |p| i18n.tr(p.label));
            let label = label.trim_end().trim_end_matches(':');
            let value = match param.map(|p| &p.kind) {
                Some(ParamKind::Area | ParamKind::Polygon) => {
                    i18n.tr("analysis.value_area").to_string()
                }
                Some(ParamKind::Bool) => i18n
                    .tr(if value == "true" {
                        "analysis.yes"
                    } else {
                        "analysis.no"
                    })
                    .to_string(),
                _ if value.chars().count() > LONGEST_VALUE => {
                    i18n.tr("analysis.value_area").to_string()
                }
                _ => value.clone(),
            };
            format!("{label}: {value}")
        })
        .collect()
}
