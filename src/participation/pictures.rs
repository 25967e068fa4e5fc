//! "Bilder aufnehmen": the pictures a workshop shows, taken with the image
//! export at the view the planner set up — each variant in turn (no
//! analysis drawn; the phones' cards and the report's variant pages, with
//! the variant's key figures), then each analysis result in the panel with
//! its scenario (the report's maps, with their legends). They go into the
//! scene's `bilder/beteiligung/` with `bilder.json` saying what each shows
//! (see `pw_participation::pictures`); afterwards the view is as it was.
//! `--workshop-pictures` does the same once the scene has loaded, and quits.

use std::path::PathBuf;

use bevy::prelude::*;
use pw_participation::LocalText;
use pw_participation::pictures::{
    Figure, LegendEntry, MapPicture, PictureIndex, PicturesError, VariantPicture, file_name,
};

use crate::analysis::{Analyses, AnalysisCommand, AnalysisState};
use crate::base::i18n::{I18n, Language};
use crate::layers::city_draw::CityLayers;
use crate::layers::{ActiveScene, Layers};
use crate::picture::{PictureCommand, PictureState};
use crate::scenario::{ScenarioCommand, ScenarioState};
use crate::view::clock::SceneClock;
use crate::view::screenshot::{STABLE_FRAMES, SettlePlugin, Settled};

/// The size of each picture: sharp on a phone and across a report page,
/// light enough to send to a hundred phones over the venue's Wi-Fi.
pub const PICTURE_SIZE: (u32, u32) = (1600, 900);

#[derive(Message, Debug, Clone, PartialEq)]
pub enum PicturesCommand {
    /// Take the series at this size.
    Take { width: u32, height: u32 },
}

/// Sent when a series has ended with its index written: a running workshop
/// shows the new pictures to phones.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct PicturesTaken {
    pub folder: PathBuf,
}

/// Take the series once the scene has settled, then quit (the command line).
#[derive(Resource, Debug, Clone, Copy)]
pub struct PicturesOnStart {
    pub size: (u32, u32),
}

#[derive(Debug, Clone, PartialEq)]
enum Shot {
    Variant(String),
    /// An analysis result (by its id in the panel), in its scenario: a
    /// variant, Bestand (`Some(None)`), or as it is (`None`).
    Map {
        id: u32,
        scenario: Option<Option<String>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// Switch the variant and what is drawn for the next shot.
    Arrange,
    /// Frames since arranging; waits for everything to be drawn.
    Settle(u32),
    /// The picture is being rendered and written.
    Taking { file: String, figures: Vec<Figure> },
}

struct Run {
    shots: Vec<Shot>,
    next: usize,
    phase: Phase,
    size: (u32, u32),
    folder: PathBuf,
    index: PictureIndex,
    /// What the view showed before: put back at the end.
    variant_before: Option<String>,
    shown_before: Vec<(u32, bool, bool, bool)>,
    /// Whether the lines drawn over the view (sun path, analysis area,
    /// pins, the plan's snapping marks) were on: off for the pictures,
    /// which show the city and what is planned, not the tools.
    gizmos_before: Option<bool>,
    failures: Vec<String>,
}

/// What the panel shows of the series.
#[derive(Resource, Default)]
pub struct PictureSeries {
    run: Option<Run>,
    /// How the last series ended: (text, is an error).
    pub outcome: Option<(String, bool)>,
}

impl PictureSeries {
    /// (pictures done, pictures in all) while a series runs.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.run.as_ref().map(|r| (r.next, r.shots.len()))
    }
}

/// Takes the series: needs the renderer (the image export, pipelines
/// known ready), so it is added with the window's plugins; the messages and
/// [`PictureSeries`] come with the participation plugin.
pub struct PicturesPlugin;

impl Plugin for PicturesPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<SettlePlugin>() {
            app.add_plugins(SettlePlugin);
        }
        app.add_systems(Update, (start_on_start, start_series, drive_series).chain());
    }
}

/// The index's problem in the user's words.
pub fn problem_text(i18n: &I18n, problem: &PicturesError) -> String {
    let (key, args) = problem.key_and_args();
    let args: Vec<(&str, &dyn std::fmt::Display)> = args
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    i18n.trf(key, &args)
}

fn in_language(i18n: &I18n, language: Language) -> I18n {
    let mut other = i18n.clone();
    other.language = language;
    other
}

/// Both languages of what `say` writes with a catalogue.
fn both(i18n: &I18n, say: impl Fn(&I18n) -> String) -> LocalText {
    let de = say(&in_language(i18n, Language::German));
    let en = say(&in_language(i18n, Language::English));
    LocalText { de, en }
}

#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn start_on_start(
    on_start: Option<Res<PicturesOnStart>>,
    settled: Res<Settled>,
    series: Res<PictureSeries>,
    pending_analysis: Option<Res<crate::analysis::on_start::StartAnalysis>>,
    pending_sun: Option<Res<crate::analysis::sunhours::AutoRun>>,
    mut started: Local<bool>,
    mut take: MessageWriter<PicturesCommand>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(on_start) = on_start else { return };
    if *started {
        if series.run.is_none() {
            match &series.outcome {
                Some((text, false)) => {
                    info!("{text}");
                    exit.write(AppExit::Success);
                }
                Some((text, true)) => {
                    error!("{text}");
                    exit.write(AppExit::error());
                }
                None => {}
            }
        }
        return;
    }
    // An analysis asked for on the command line first runs, then is taken.
    let waiting = pending_analysis.is_some_and(|p| p.0.is_some())
        || pending_sun.is_some_and(|p| p.0.is_some());
    if settled.is_settled() && !waiting {
        *started = true;
        take.write(PicturesCommand::Take {
            width: on_start.size.0,
            height: on_start.size.1,
        });
    }
}

fn start_series(
    mut commands: MessageReader<PicturesCommand>,
    mut series: ResMut<PictureSeries>,
    active: Res<ActiveScene>,
    scenario: Option<Res<ScenarioState>>,
    analysis: Option<Res<AnalysisState>>,
    i18n: Res<I18n>,
) {
    for PicturesCommand::Take { width, height } in commands.read() {
        if series.run.is_some() {
            continue;
        }
        let variants: Vec<String> = scenario
            .as_ref()
            .map(|s| s.plan.variants.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default();
        let mut shots: Vec<Shot> = variants.iter().cloned().map(Shot::Variant).collect();
        let bestand = both(&i18n, |i| i.tr("scenario.existing").to_string());
        if let Some(state) = analysis.as_ref() {
            for e in &state.results {
                let drawn = e.result.ground.is_some()
                    || e.result
                        .facades
                        .as_ref()
                        .is_some_and(|f| !f.samples.is_empty())
                    || e.result
                        .features
                        .as_ref()
                        .is_some_and(|f| !f.features.is_empty());
                if !drawn {
                    continue;
                }
                let name = &e.result.stamp.scenario;
                let scenario = if variants.contains(name) {
                    Some(Some(name.clone()))
                } else if *name == bestand.de || *name == bestand.en {
                    Some(None)
                } else {
                    None
                };
                shots.push(Shot::Map { id: e.id, scenario });
            }
        }
        if shots.is_empty() {
            series.outcome = Some((i18n.tr("participation.pictures.nothing").to_string(), true));
            continue;
        }
        let folder = super::results::pictures_folder(active.path.as_deref());
        // Pictures of this series replace the last one's (same names);
        // its maps are those of the results in the panel now.
        let index = PictureIndex {
            taken: jiff::Timestamp::now().to_string(),
            ..PictureIndex::default()
        };
        series.outcome = None;
        series.run = Some(Run {
            shots,
            next: 0,
            phase: Phase::Arrange,
            size: (*width, *height),
            folder,
            index,
            variant_before: scenario.as_ref().and_then(|s| s.active.clone()),
            shown_before: analysis
                .as_ref()
                .map(|s| {
                    s.results
                        .iter()
                        .map(|e| (e.id, e.show_ground, e.show_facades, e.show_features))
                        .collect()
                })
                .unwrap_or_default(),
            gizmos_before: None,
            failures: Vec::new(),
        });
    }
}

/// The key figures of the variant shown now (new buildings, floor area,
/// demolitions, …), in both languages; computed off nothing else but the
/// scenario, in the frame: summing footprints takes microseconds per object.
fn variant_figures(
    i18n: &I18n,
    active: &ActiveScene,
    layers: &Layers,
    city: &CityLayers,
    scenario: &ScenarioState,
    clock: &SceneClock,
) -> Vec<Figure> {
    use pw_analysis::Analysis;
    let analysis = pw_plan::figures_analysis::PlanFiguresAnalysis;
    let s = crate::scenario::current(scenario.name(i18n), active, layers, city, scenario, clock);
    let control = pw_job::JobControl::new();
    let Ok(result) = pw_analysis::run_checked(&analysis, &analysis.defaults(), &s, &control) else {
        return Vec::new();
    };
    result
        .kpis
        .iter()
        .map(|k| Figure {
            label: both(i18n, |i| i.render(&k.label)),
            value: both(i18n, |i| {
                format!("{} {}", i.number(k.value, k.decimals as usize), k.unit)
                    .trim_end()
                    .to_string()
            }),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn drive_series(
    mut series: ResMut<PictureSeries>,
    mut picture_state: ResMut<PictureState>,
    settled: Res<Settled>,
    (active, layers, city, clock): (
        Res<ActiveScene>,
        Res<Layers>,
        Res<CityLayers>,
        Res<SceneClock>,
    ),
    scenario: Option<Res<ScenarioState>>,
    analysis: Option<Res<AnalysisState>>,
    analyses: Option<Res<Analyses>>,
    i18n: Res<I18n>,
    mut scenario_commands: MessageWriter<ScenarioCommand>,
    mut analysis_commands: MessageWriter<AnalysisCommand>,
    mut pictures: MessageWriter<PictureCommand>,
    mut taken: MessageWriter<PicturesTaken>,
    mut gizmos: Option<ResMut<GizmoConfigStore>>,
) {
    let series = &mut *series;
    let Some(run) = series.run.as_mut() else {
        return;
    };
    let mut lines = gizmos
        .as_mut()
        .and_then(|g| g.get_config_mut::<DefaultGizmoConfigGroup>())
        .map(|(config, _)| config);
    if run.gizmos_before.is_none()
        && let Some(config) = lines.as_mut()
    {
        run.gizmos_before = Some(config.enabled);
        config.enabled = false;
    }
    let active_variant = scenario.as_ref().and_then(|s| s.active.clone());
    let Some(shot) = run.shots.get(run.next).cloned() else {
        // Done: the view as it was, the index beside the pictures.
        if let (Some(config), Some(enabled)) = (lines, run.gizmos_before) {
            config.enabled = enabled;
        }
        if active_variant != run.variant_before {
            scenario_commands.write(ScenarioCommand::Activate(run.variant_before.clone()));
        }
        for &(id, ground, facades, features) in &run.shown_before {
            analysis_commands.write(AnalysisCommand::Show {
                id,
                ground,
                facades,
                features,
            });
        }
        let run = series.run.take().expect("checked above");
        let taken_count = run.index.variants.len() + run.index.maps.len();
        series.outcome = Some(match run.index.save(&run.folder) {
            Err(e) => (problem_text(&i18n, &e), true),
            Ok(_) if !run.failures.is_empty() => (
                i18n.trf(
                    "participation.pictures.failed",
                    &[
                        ("taken", &taken_count),
                        ("failed", &run.failures.len()),
                        ("why", &run.failures.join("; ")),
                    ],
                ),
                true,
            ),
            Ok(_) => {
                taken.write(PicturesTaken {
                    folder: run.folder.clone(),
                });
                (
                    i18n.trf(
                        "participation.pictures.taken",
                        &[
                            ("variants", &run.index.variants.len()),
                            ("maps", &run.index.maps.len()),
                            ("folder", &run.folder.display()),
                        ],
                    ),
                    false,
                )
            }
        });
        return;
    };
    match &mut run.phase {
        Phase::Arrange => {
            let (variant, show) = match &shot {
                Shot::Variant(name) => (Some(Some(name.clone())), None),
                Shot::Map { id, scenario } => (scenario.clone(), Some(*id)),
            };
            if let Some(wanted) = variant
                && wanted != active_variant
            {
                scenario_commands.write(ScenarioCommand::Activate(wanted));
            }
            // One result drawn at a time, none on a variant's picture.
            for e in analysis.iter().flat_map(|s| s.results.iter()) {
                let on = show == Some(e.id);
                analysis_commands.write(AnalysisCommand::Show {
                    id: e.id,
                    ground: on && e.result.ground.is_some(),
                    facades: on && e.result.facades.is_some(),
                    features: on && e.result.features.is_some(),
                });
            }
            run.phase = Phase::Settle(0);
        }
        Phase::Settle(frames) => {
            *frames += 1;
            // Long enough for the switch to have been drawn, then as long
            // as a picture on the command line waits.
            if *frames < STABLE_FRAMES + 2 || !settled.is_settled() {
                return;
            }
            let (file, figures) = match &shot {
                Shot::Variant(name) => (
                    variant_file(name),
                    scenario
                        .as_ref()
                        .map(|s| variant_figures(&i18n, &active, &layers, &city, s, &clock))
                        .unwrap_or_default(),
                ),
                Shot::Map { .. } => (
                    format!("karte-{:02}.png", run.index.maps.len() + 1),
                    Vec::new(),
                ),
            };
            picture_state.last = None;
            pictures.write(PictureCommand::Take {
                width: run.size.0,
                height: run.size.1,
                path: Some(run.folder.join(&file)),
            });
            run.phase = Phase::Taking { file, figures };
        }
        Phase::Taking { file, figures } => {
            match &picture_state.last {
                None => return,
                Some(Err(why)) => run.failures.push(why.clone()),
                Some(Ok(_)) => match &shot {
                    Shot::Variant(name) => run.index.put_variant(VariantPicture {
                        variant: name.clone(),
                        file: file.clone(),
                        figures: std::mem::take(figures),
                    }),
                    Shot::Map { id, .. } => {
                        if let Some(map) = map_picture(
                            &i18n,
                            analysis.as_deref(),
                            analyses.as_deref(),
                            *id,
                            file.clone(),
                        ) {
                            run.index.maps.push(map);
                        }
                    }
                },
            }
            run.next += 1;
            run.phase = Phase::Arrange;
        }
    }
}

/// `variante-a.png` for "Variante A", `variante-gruene-hoefe.png` for
/// "Grüne Höfe": apart from the maps' `karte-NN.png`.
fn variant_file(name: &str) -> String {
    let plain = file_name("", name);
    if plain.starts_with("variante") {
        plain
    } else {
        format!("variante-{plain}")
    }
}

/// What a map picture shows: the analysis and result (with its scenario),
/// and the legend of what is drawn (the ground raster, else the points
/// and lines), in both languages.
fn map_picture(
    i18n: &I18n,
    state: Option<&AnalysisState>,
    analyses: Option<&Analyses>,
    id: u32,
    file: String,
) -> Option<MapPicture> {
    let entry = state?.result(id)?;
    let analysis_title = analyses
        .and_then(|a| a.0.get(entry.analysis))
        .map(|a| a.title())
        .unwrap_or(entry.analysis);
    let title = both(i18n, |i| {
        let analysis = i.tr(analysis_title);
        let label = i.neutral(entry.label());
        if label.starts_with(analysis) {
            label
        } else {
            format!("{analysis}: {label}")
        }
    });
    let quantity = entry
        .result
        .ground
        .as_ref()
        .map(|g| &g.quantity)
        .or_else(|| {
            entry
                .result
                .features
                .as_ref()
                .filter(|f| !f.features.is_empty())
                .map(|f| &f.quantity)
        })
        .or_else(|| entry.result.facades.as_ref().map(|f| &f.quantity));
    let (legend_title, legend) = match quantity {
        Some(q) => {
            let legend = entry.result.legend_of(q);
            let de = in_language(i18n, Language::German);
            let en = in_language(i18n, Language::English);
            let labels_de = legend.labels_in(|v| de.plain(v));
            let labels_en = legend.labels_in(|v| en.plain(v));
            (
                LocalText {
                    de: de.tr(legend.title).to_string(),
                    en: en.tr(legend.title).to_string(),
                },
                legend
                    .classes
                    .iter()
                    .zip(labels_de.into_iter().zip(labels_en))
                    .map(|(c, (de, en))| LegendEntry {
                        rgb: c.rgb,
                        text: LocalText { de, en },
                    })
                    .collect(),
            )
        }
        None => (LocalText::default(), Vec::new()),
    };
    Some(MapPicture {
        title,
        file,
        legend_title,
        legend,
    })
}
