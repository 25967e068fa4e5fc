//! What a picture's footer and its PNG text say, from what the workbench
//! shows: the scene and the scenario(s), the scene clock, the analysis
//! result drawn on the ground with its parameters and legend, the credits
//! of the scene and of every visible layer.

use crate::analysis::{Analyses, AnalysisState};
use crate::base::i18n::I18n;
use crate::layers::Layers;
use crate::layers::model::ActiveScene;
use crate::scenario::ScenarioState;
use crate::view::clock::SceneClock;
use crate::view::compare::{CompareMode, Comparison};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use pw_picture::{LegendStrip, Stamp};

/// Everything a stamp is made of.
pub struct StampInput<'a> {
    pub scene: &'a ActiveScene,
    pub layers: &'a Layers,
    pub scenario: Option<&'a ScenarioState>,
    pub comparison: Option<&'a Comparison>,
    pub clock: Option<&'a SceneClock>,
    pub analysis: Option<&'a AnalysisState>,
    pub analyses: Option<&'a Analyses>,
    pub i18n: &'a I18n,
    /// When the picture is made, local time, e.g. "06.12.2026 10:20".
    pub created: String,
}

/// The same, as a system parameter.
#[derive(SystemParam)]
pub struct StampSources<'w> {
    scene: Res<'w, ActiveScene>,
    layers: Res<'w, Layers>,
    scenario: Option<Res<'w, ScenarioState>>,
    comparison: Option<Res<'w, Comparison>>,
    clock: Option<Res<'w, SceneClock>>,
    analysis: Option<Res<'w, AnalysisState>>,
    analyses: Option<Res<'w, Analyses>>,
    i18n: Res<'w, I18n>,
}

impl StampSources<'_> {
    pub fn input(&self) -> StampInput<'_> {
        StampInput {
            scene: &self.scene,
            layers: &self.layers,
            scenario: self.scenario.as_deref(),
            comparison: self.comparison.as_deref(),
            clock: self.clock.as_deref(),
            analysis: self.analysis.as_deref(),
            analyses: self.analyses.as_deref(),
            i18n: &self.i18n,
            created: jiff::ZonedDateTime::now()
                .strftime("%d.%m.%Y %H:%M")
                .to_string(),
        }
    }
}

/// The stamp (without north arrow and scale: the camera gives those), the
/// PNG's text chunks and a file name stem ("Jena-Variante_B").
#[derive(Debug, Clone, PartialEq)]
pub struct PictureText {
    pub stamp: Stamp,
    pub png_texts: Vec<(String, String)>,
    pub file_stem: String,
}

impl StampInput<'_> {
    fn scene_name(&self) -> String {
        let name = self.scene.scene.name.trim();
        if !name.is_empty() {
            return name.to_string();
        }
        self.scene
            .path
            .as_deref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Planwerkstatt".into())
    }

    fn scenario_name(&self, name: Option<&String>) -> String {
        name.cloned()
            .unwrap_or_else(|| self.i18n.tr("scenario.existing").to_string())
    }

    /// The scenario(s) shown: one, or (left, right) while comparing.
    fn shown(&self) -> Vec<String> {
        match self.comparison {
            Some(c) if c.mode != CompareMode::Off => vec![
                self.scenario_name(c.left.as_ref()),
                self.scenario_name(c.right.as_ref()),
            ],
            _ => vec![
                self.scenario
                    .map(|s| s.name(self.i18n))
                    .unwrap_or_else(|| self.i18n.tr("scenario.existing").to_string()),
            ],
        }
    }

    /// Credits of the scene and of each visible layer, each once.
    fn credits(&self) -> Vec<String> {
        self.layers.credits(&self.scene.scene, true)
    }

    /// The analysis result drawn: its line and legend.
    fn analysis_shown(&self) -> Option<(String, Option<LegendStrip>)> {
        let state = self.analysis?;
        let entry = state
            .results
            .iter()
            .rev()
            .find(|e| e.show_ground && e.result.ground.is_some())
            .or_else(|| {
                state.results.iter().rev().find(|e| {
                    (e.show_facades && e.result.facades.is_some())
                        || (e.show_features && e.result.features.is_some())
                })
            })?;
        let i18n = self.i18n;
        let spec = self
            .analyses
            .and_then(|a| a.0.get(entry.analysis))
            .map(|a| (a.title(), a.params()));
        let title = spec.as_ref().map_or(entry.analysis, |(t, _)| *t);
        let parameters = crate::analysis::describe::readable_parameters(
            &entry.result.stamp,
            spec.as_ref().map_or(&[][..], |(_, p)| p.as_slice()),
            i18n,
        );
        let result = crate::analysis::describe::result_title(i18n, title, entry.label());
        let line = if parameters.is_empty() {
            result
        } else {
            i18n.trf(
                "picture.analysis",
                &[("result", &result), ("parameters", &parameters.join(", "))],
            )
        };
        // The legend of what is drawn: the ground raster, else the
        // points and lines (road volumes).
        let quantity = entry
            .result
            .ground
            .as_ref()
            .filter(|_| entry.show_ground)
            .map(|g| &g.quantity)
            .or_else(|| {
                entry
                    .result
                    .features
                    .as_ref()
                    .filter(|f| entry.show_features && !f.features.is_empty())
                    .map(|f| &f.quantity)
            });
        let legend = quantity.map(|q| {
            let legend = entry.result.legend_of(q);
            LegendStrip {
                title: i18n.tr(legend.title).to_string(),
                entries: legend
                    .classes
                    .iter()
                    .zip(legend.labels_in(|v| i18n.plain(v)))
                    .map(|(c, label)| (c.rgb, label))
                    .collect(),
            }
        });
        Some((line, legend))
    }

    pub fn text(&self) -> PictureText {
        let i18n = self.i18n;
        let scene = self.scene_name();
        let shown = self.shown();
        let title = format!("{scene} — {}", shown.join(" | "));
        let mut lines = Vec::new();
        if let Some(clock) = self.clock {
            lines.push(i18n.trf("picture.time", &[("time", &clock.display_local())]));
        }
        let analysis = self.analysis_shown();
        if let Some((line, _)) = &analysis {
            lines.push(line.clone());
        }
        let credits = self.credits();
        let credits_text = if credits.is_empty() {
            i18n.tr("picture.no_sources").to_string()
        } else {
            credits.join("; ")
        };
        lines.push(i18n.trf("picture.sources", &[("sources", &credits_text)]));
        let software = format!("Planwerkstatt {}", env!("CARGO_PKG_VERSION"));
        lines.push(i18n.trf(
            "picture.made",
            &[
                ("software", &software),
                ("time", &self.created),
                ("crs", &self.scene.scene.crs),
            ],
        ));
        let stamp = Stamp {
            title: title.clone(),
            lines: lines.clone(),
            legend: analysis.and_then(|(_, l)| l),
            heading_deg: None,
            north_letter: i18n.tr("picture.north").to_string(),
            scale: None,
            panel_titles: if shown.len() > 1 {
                shown.clone()
            } else {
                vec![]
            },
        };
        let mut png_texts = vec![
            ("Title".to_string(), title),
            ("Description".to_string(), lines.join("\n")),
            ("Software".to_string(), software),
            ("Creation Time".to_string(), self.created.clone()),
        ];
        if !credits.is_empty() {
            png_texts.push(("Copyright".to_string(), credits.join("; ")));
            png_texts.push(("Source".to_string(), credits.join("; ")));
        }
        if let Some(path) = &self.scene.path {
            png_texts.push(("Comment".to_string(), path.display().to_string()));
        }
        let file_stem = pw_analysis::export::file_stem(&format!("{scene} {}", shown.join(" ")));
        PictureText {
            stamp,
            png_texts,
            file_stem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalysisCommand;
    use crate::app::{headless_core_app, run_until};
    use crate::layers::{LayerStatus, SceneCommand};

    fn input(app: &App) -> PictureText {
        let w = app.world();
        StampInput {
            scene: w.resource::<ActiveScene>(),
            layers: w.resource::<Layers>(),
            scenario: w.get_resource::<ScenarioState>(),
            comparison: w.get_resource::<Comparison>(),
            clock: w.get_resource::<SceneClock>(),
            analysis: w.get_resource::<AnalysisState>(),
            analyses: w.get_resource::<Analyses>(),
            i18n: w.resource::<I18n>(),
            created: "06.12.2026 10:20".into(),
        }
        .text()
    }

    /// The demo scene with a sun-hours result shown, then compared: the
    /// footer names what is seen, with the run's parameters as the form
    /// names them, the legend's classes and the scene's credits.
    #[test]
    fn the_stamp_says_what_the_picture_shows() {
        let mut app = headless_core_app();
        let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/demo.scene");
        app.world_mut()
            .write_message(SceneCommand::Open(demo.clone()));
        run_until(&mut app, |app| {
            let layers = app.world().resource::<Layers>();
            !layers.entries.is_empty()
                && layers
                    .entries
                    .iter()
                    .all(|l| l.status == LayerStatus::Ready)
        });
        let before = input(&app);
        assert_eq!(
            before.stamp.title,
            "Demo: LoD2-Kachel Heinsberg (NRW) — Bestand"
        );
        assert!(before.stamp.legend.is_none());
        assert!(before.stamp.panel_titles.is_empty());
        let clock = app.world().resource::<SceneClock>().display_local();
        assert_eq!(before.stamp.lines[0], format!("Zeitpunkt: {clock}"));
        assert!(clock.starts_with("21.06.2026 15:00"), "{clock}");
        let credits = app
            .world()
            .resource::<ActiveScene>()
            .scene
            .attribution
            .join("; ");
        assert!(credits.contains("Geobasis NRW"), "{credits}");
        assert_eq!(before.stamp.lines[1], format!("Daten: {credits}"));
        assert_eq!(
            before.stamp.lines[2],
            "Erstellt mit Planwerkstatt 0.1.0 am 06.12.2026 10:20 · Koordinaten EPSG:25832"
        );
        assert_eq!(before.file_stem, "Demo_LoD2-Kachel_Heinsberg_NRW_Bestand");
        let text = |k: &str| {
            before
                .png_texts
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(text("Copyright"), Some(credits.clone()));
        assert_eq!(text("Comment"), Some(demo.display().to_string()));

        // A sun-hours run over 150 × 150 m, shown on the ground.
        app.world_mut().write_message(AnalysisCommand::PickArea);
        app.update();
        for p in [
            [280_850.0, 5_657_300.0, 40.0],
            [281_000.0, 5_657_450.0, 40.0],
        ] {
            app.world_mut()
                .write_message(crate::view::picking::WorldClick {
                    world: Some(p),
                    object: None,
                });
            app.update();
        }
        app.world_mut()
            .resource_mut::<AnalysisState>()
            .form_mut()
            .unwrap()
            .set("date", pw_analysis::Value::Text("2026-03-21".into()));
        app.world_mut().write_message(AnalysisCommand::Run);
        run_until(&mut app, |app| {
            !app.world().resource::<AnalysisState>().results.is_empty()
        });
        let after = input(&app);
        let line = &after.stamp.lines[1];
        assert!(
            line.starts_with("Besonnung (Sonnenstunden) 21.03.2026, 150 × 150 m (Bereich: Fläche gewählt, Tag: 21.03.2026"),
            "{line}"
        );
        assert!(
            !line.contains("::") && !line.contains("true") && !line.contains(": ,"),
            "{line}"
        );
        let legend = after.stamp.legend.as_ref().expect("the raster's legend");
        assert_eq!(legend.title, "Sonnenstunden am Tag");
        assert_eq!(legend.entries.len(), 9);
        assert_eq!(legend.entries[0].1, "0 – 1 h");
        assert_eq!(legend.entries[8].1, "≥ 12 h");

        // Compared: both names, one per panel.
        *app.world_mut().resource_mut::<Comparison>() = Comparison {
            mode: CompareMode::Split,
            left: None,
            right: Some("Variante A".into()),
            divider: 0.5,
        };
        let compared = input(&app);
        assert_eq!(
            compared.stamp.title,
            "Demo: LoD2-Kachel Heinsberg (NRW) — Bestand | Variante A"
        );
        assert_eq!(compared.stamp.panel_titles, ["Bestand", "Variante A"]);
        assert_eq!(
            compared.file_stem,
            "Demo_LoD2-Kachel_Heinsberg_NRW_Bestand_Variante_A"
        );
    }
}
