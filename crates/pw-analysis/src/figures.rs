//! The key figures of every scenario side by side: for each analysis run
//! with the same parameters on several scenarios (Bestand, Variante A, …),
//! one group of rows with a column per scenario and the difference of each
//! to the reference (the scenario without edits, else the first). Runs with
//! other parameters (another day, another area) are groups of their own:
//! figures of different questions are never put in one row.

use crate::export::csv_field;
use crate::{AnalysisResult, Message};

#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioFigures {
    /// Column order: first seen first, the reference leading.
    pub scenarios: Vec<String>,
    /// Index into `scenarios` of the one the others are compared with.
    pub reference: usize,
    pub groups: Vec<FigureGroup>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FigureGroup {
    pub analysis: String,
    /// The run's label without its scenario ("Besonnung 2026-03-21, 150 × 150 m").
    pub title: String,
    pub parameters: Vec<(String, String)>,
    pub rows: Vec<FigureRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub key: String,
    pub label: Message,
    pub unit: &'static str,
    pub decimals: u8,
    /// One per scenario column; None where that scenario has no such run.
    pub values: Vec<Option<f64>>,
}

impl FigureRow {
    /// Column − reference, where both exist.
    pub fn difference(&self, column: usize, reference: usize) -> Option<f64> {
        Some(self.values.get(column).copied()?? - self.values.get(reference).copied()??)
    }
}

impl ScenarioFigures {
    /// From results in the order they were made (a later run of the same
    /// analysis, parameters and scenario replaces an earlier one). B − A
    /// results are left out: the table makes its own differences.
    pub fn of<'a>(results: impl IntoIterator<Item = &'a AnalysisResult>) -> ScenarioFigures {
        let results: Vec<&AnalysisResult> = results
            .into_iter()
            .filter(|r| r.difference_of.is_none() && !r.kpis.is_empty())
            .collect();
        let mut scenarios: Vec<String> = Vec::new();
        let mut reference = None;
        for r in &results {
            if !scenarios.contains(&r.stamp.scenario) {
                scenarios.push(r.stamp.scenario.clone());
            }
            if reference.is_none() && r.stamp.edits == "none" {
                reference = Some(r.stamp.scenario.clone());
            }
        }
        // The reference leads.
        if let Some(name) = &reference
            && let Some(k) = scenarios.iter().position(|s| s == name)
        {
            let s = scenarios.remove(k);
            scenarios.insert(0, s);
        }
        let mut groups: Vec<FigureGroup> = Vec::new();
        for r in &results {
            let column = scenarios
                .iter()
                .position(|s| *s == r.stamp.scenario)
                .expect("every scenario was listed");
            let g = match groups
                .iter()
                .position(|g| g.analysis == r.stamp.analysis && g.parameters == r.stamp.parameters)
            {
                Some(g) => g,
                None => {
                    groups.push(FigureGroup {
                        analysis: r.stamp.analysis.clone(),
                        title: without_scenario(&r.label, &r.stamp.scenario),
                        parameters: r.stamp.parameters.clone(),
                        rows: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[g];
            for k in &r.kpis {
                let row = match group.rows.iter().position(|row| row.key == k.key) {
                    Some(i) => i,
                    None => {
                        group.rows.push(FigureRow {
                            key: k.key.clone(),
                            label: k.label.clone(),
                            unit: k.unit,
                            decimals: k.decimals,
                            values: vec![None; scenarios.len()],
                        });
                        group.rows.len() - 1
                    }
                };
                group.rows[row].values[column] = Some(k.value);
            }
        }
        ScenarioFigures {
            scenarios,
            reference: 0,
            groups,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// `group,figure,key,unit,<scenario>…,<scenario> − <reference>…` — one
    /// row per figure; `label` renders the catalogue texts.
    pub fn to_csv(&self, label: &dyn Fn(&Message) -> String) -> String {
        let reference = self
            .scenarios
            .get(self.reference)
            .cloned()
            .unwrap_or_default();
        let mut header: Vec<String> = ["group", "figure", "key", "unit"]
            .map(String::from)
            .to_vec();
        header.extend(self.scenarios.iter().cloned());
        for (i, s) in self.scenarios.iter().enumerate() {
            if i != self.reference {
                header.push(format!("{s} − {reference}"));
            }
        }
        let mut out = header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for g in &self.groups {
            for row in &g.rows {
                let number = |v: Option<f64>| {
                    v.map(|v| format!("{:.*}", row.decimals as usize, v + 0.0))
                        .unwrap_or_default()
                };
                let mut fields = vec![
                    g.title.clone(),
                    label(&row.label),
                    row.key.clone(),
                    row.unit.to_string(),
                ];
                fields.extend(row.values.iter().map(|v| number(*v)));
                for i in 0..self.scenarios.len() {
                    if i != self.reference {
                        fields.push(number(row.difference(i, self.reference)));
                    }
                }
                out += &fields
                    .iter()
                    .map(|f| csv_field(f))
                    .collect::<Vec<_>>()
                    .join(",");
                out.push('\n');
            }
        }
        out
    }
}

/// "Besonnung · Variante A 2026-03-21" → "Besonnung 2026-03-21".
fn without_scenario(label: &str, scenario: &str) -> String {
    label.replacen(&format!(" · {scenario}"), "", 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kpi, RunStamp};

    fn run(analysis: &str, scenario: &str, day: &str, kpis: &[(&str, f64)]) -> AnalysisResult {
        let edits = if scenario == "Bestand" {
            "none"
        } else {
            "1 added"
        };
        AnalysisResult {
            label: if scenario == "Bestand" {
                format!("Besonnung {day}")
            } else {
                format!("Besonnung · {scenario} {day}")
            },
            stamp: RunStamp {
                analysis: analysis.into(),
                scenario: scenario.into(),
                edits: edits.into(),
                parameters: vec![("date".into(), day.into())],
                ..Default::default()
            },
            kpis: kpis
                .iter()
                .map(|(k, v)| Kpi::new(k, Message::new(*k).english(k), *v, "m²", 0))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn scenarios_side_by_side_with_their_difference_and_days_apart() {
        let results = [
            run(
                "sunhours",
                "Variante A",
                "2026-03-21",
                &[("area_4h_m2", 900.0)],
            ),
            run(
                "sunhours",
                "Bestand",
                "2026-03-21",
                &[("area_4h_m2", 1200.0)],
            ),
            // Another day: its own group, not a row of the first.
            run(
                "sunhours",
                "Bestand",
                "2026-06-21",
                &[("area_4h_m2", 2000.0)],
            ),
            // A later run replaces the earlier of the same question.
            run(
                "sunhours",
                "Variante A",
                "2026-03-21",
                &[("area_4h_m2", 950.0)],
            ),
            run(
                "sunhours",
                "Variante B",
                "2026-03-21",
                &[("area_4h_m2", 1300.5)],
            ),
        ];
        let t = ScenarioFigures::of(&results);
        assert_eq!(t.scenarios, ["Bestand", "Variante A", "Variante B"]);
        assert_eq!(t.reference, 0);
        assert_eq!(t.groups.len(), 2);
        assert_eq!(t.groups[0].title, "Besonnung 2026-03-21");
        let row = &t.groups[0].rows[0];
        assert_eq!(row.values, [Some(1200.0), Some(950.0), Some(1300.5)]);
        assert_eq!(row.difference(1, 0), Some(-250.0));
        assert_eq!(row.difference(2, 0), Some(100.5));
        assert_eq!(t.groups[1].rows[0].values, [Some(2000.0), None, None]);
        assert_eq!(t.groups[1].rows[0].difference(1, 0), None);
        let csv = t.to_csv(&|m| m.to_string());
        assert_eq!(
            csv,
            "group,figure,key,unit,Bestand,Variante A,Variante B,Variante A − Bestand,Variante B − Bestand\n\
             Besonnung 2026-03-21,area_4h_m2,area_4h_m2,m²,1200,950,1300,-250,100\n\
             Besonnung 2026-06-21,area_4h_m2,area_4h_m2,m²,2000,,,,\n"
        );
    }

    #[test]
    fn differences_of_results_are_not_figures_of_a_scenario() {
        let mut d = run(
            "sunhours",
            "Variante A",
            "2026-03-21",
            &[("area_4h_m2", -300.0)],
        );
        d.difference_of = Some(("a".into(), "b".into()));
        let t = ScenarioFigures::of([&d]);
        assert!(t.is_empty() && t.scenarios.is_empty());
    }
}
