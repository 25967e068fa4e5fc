//! A run's parameters in words, as the form names them: for the result
//! card, the picture's footer and anyone who is not reading a log.

use crate::base::i18n::I18n;
use pw_analysis::{ParamKind, ParamSpec, RunStamp};

/// A value longer than this (an area's corners) is named, not printed.
const LONGEST_VALUE: usize = 48;

/// "Tag: 21.03.2026", "Fassaden und Dächer auswerten: ja", "Bereich: Fläche
/// gewählt", "Rasterweite: 10 m" — values not set are left out, areas
/// named (the result's label gives their size), yes/no and choices in
/// words, numbers with their unit.
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
                // A choice by its label ("RLS-19 …", not "rls19").
                Some(ParamKind::Choice(options)) => options
                    .iter()
                    .find(|(v, _)| v == value)
                    .map_or(value.clone(), |(_, l)| i18n.tr(l).to_string()),
                // A number with its unit ("Rasterweite: 10 m").
                Some(ParamKind::Number { unit, .. }) if !unit.is_empty() => {
                    format!("{} {unit}", i18n.neutral(value))
                }
                _ if value.chars().count() > LONGEST_VALUE => {
                    i18n.tr("analysis.value_area").to_string()
                }
                // Days and numbers the user's way ("Tag: 21.03.2026").
                _ => i18n.neutral(value),
            };
            format!("{label}: {value}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_analysis::Analysis;

    #[test]
    fn choices_by_their_label_numbers_with_their_unit() {
        let i18n = I18n::default();
        let noise = pw_noise::framework::NoiseAnalysis::default();
        let stamp = RunStamp {
            parameters: vec![
                ("method".into(), "rls19".into()),
                ("cell".into(), "10".into()),
                ("facades".into(), "true".into()),
                ("area".into(), "1,2,3,4".into()),
            ],
            ..Default::default()
        };
        let lines = readable_parameters(&stamp, &noise.params(), &i18n);
        assert_eq!(
            lines,
            [
                "Verfahren: RLS-19 (Straßenlärm nach 16. BImSchV)",
                "Rasterweite: 10 m",
                "Pegel an jeder Fassade (4 m Höhe): ja",
                "Gebiet: Fläche gewählt",
            ]
        );
    }
}

/// A result's title: its analysis's title before its label ("Besonnung
/// (Sonnenstunden): 21.03.2026 …"), unless the label starts with it.
pub fn result_title(i18n: &I18n, title_key: &str, label: &str) -> String {
    let analysis = i18n.tr(title_key);
    let label = i18n.neutral(label);
    if label.starts_with(analysis) {
        label
    } else {
        format!("{analysis}: {label}")
    }
}
