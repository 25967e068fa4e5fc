//! "Bilder aufnehmen": the pictures a workshop shows, taken with the image
//! export at the view the planner set up — each variant in turn (no
//! analysis drawn; the phones' cards and the report's variant pages, with
//! the variant's key figures), then each analysis result in the panel with
//! its scenario (the report's maps, with their legends). They go into the
//! scene's `bilder/beteiligung/` with `bilder.json` saying what each shows
//! (see `pw_participation::pictures`); afterwards the view is as it was.
//! `--workshop-pictures` does the same once the scene has loaded, and quits.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures_lite::future};
use pw_participation::LocalText;
use pw_participation::pictures::{
    Figure, LegendEntry, MapPicture, PictureIndex, PicturesError, VariantPicture, file_name,
};

use crate::analysis::{Analyses, AnalysisCommand, AnalysisState};
use crate::base::audience::PicturesForThePublic;
use crate::base::i18n::{I18n, Language};
use crate::layers::city_draw::CityLayers;
use crate::layers::{ActiveScene, Layers};
use crate::picture::{PictureCommand, PictureState};
use crate::scenario::{ScenarioCommand, ScenarioState};
use crate::view::clock::SceneClock;
use crate::view::compare::{CompareMode, Comparison};
use crate::view::screenshot::{STABLE_FRAMES, SettlePlugin, Settled};

/// The size of each picture: sharp on a phone and across a report page,
/// light enough to send to a hundred phones over the venue's Wi-Fi.
pub const PICTURE_SIZE: (u32, u32) = (1600, 900);

#[derive(Message, Debug, Clone, PartialEq)]
pub enum PicturesCommand {
    /// Take the series at this size.
    Take { width: u32, height: u32 },
    /// Stop after the picture being taken; the view goes back as it was.
    Cancel,
}

/// Sent when a series has written its index (all pictures or some): a
/// running workshop shows the new pictures to phones.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct PicturesTaken {
    pub folder: PathBuf,
}

/// Take the series once the scene has settled, then quit (the command line).
#[derive(Resource, Debug, Clone, Copy)]
pub struct PicturesOnStart {
    pub size: (u32, u32),
}

/// A shot that has not been drawn and taken by then is given up (a layer
/// that never finishes loading, a renderer that never delivers).
const SHOT_LIMIT: Duration = Duration::from_secs(300);
/// The command line gives up when the scene has not settled by then.
const START_LIMIT: Duration = Duration::from_secs(1200);
/// Frames a picture request may go unanswered before it is sent again
/// (the image export drops a request while it is busy).
const UNANSWERED_FRAMES: u32 = 30;

#[derive(Debug, Clone, PartialEq)]
enum Shot {
    Variant(String),
    /// An analysis result (by its id in the panel), in its scenario: a
    /// variant or Bestand (None).
    Map {
        id: u32,
        scenario: Option<String>,
    },
}

enum Phase {
    /// Switch the variant and what is drawn for the next shot.
    Arrange,
    /// Frames since arranging; waits for everything to be drawn.
    Settle(u32),
    /// The picture is being rendered and written.
    Taking {
        file: String,
        /// A variant's key figures, computed in the background meanwhile.
        figures: Option<Task<Vec<Figure>>>,
        /// Frames since the request, and how often it was sent.
        frames: u32,
        asked: u32,
        seen_busy: bool,
    },
}

struct Run {
    shots: Vec<Shot>,
    next: usize,
    phase: Phase,
    shot_started: Instant,
    size: (u32, u32),
    /// The scene the pictures are of: another one opened ends the series.
    scene: Option<PathBuf>,
    folder: PathBuf,
    index: PictureIndex,
    used_files: HashSet<String>,
    /// What the view showed before: put back at the end.
    variant_before: Option<String>,
    shown_before: Vec<(u32, bool, bool, bool)>,
    clock_was_playing: bool,
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
    if settled.started.elapsed() > START_LIMIT {
        error!("workshop pictures: the scene did not settle within {START_LIMIT:?}");
        exit.write(AppExit::error());
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

#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn start_series(
    mut commands: MessageReader<PicturesCommand>,
    mut series: ResMut<PictureSeries>,
    active: Res<ActiveScene>,
    scenario: Option<Res<ScenarioState>>,
    analysis: Option<Res<AnalysisState>>,
    comparison: Option<Res<Comparison>>,
    clock: Res<SceneClock>,
    i18n: Res<I18n>,
) {
    for command in commands.read() {
        let PicturesCommand::Take { width, height } = command else {
            continue;
        };
        if series.run.is_some() {
            continue;
        }
        let refuse = |key: &str| Some((i18n.tr(key).to_string(), true));
        // Switching variants would throw away demolitions not yet kept in
        // a variant, and end a comparison.
        if scenario
            .as_ref()
            .is_some_and(|s| s.active.is_none() && !s.edits.is_empty())
        {
            series.outcome = refuse("participation.pictures.unsaved_edits");
            continue;
        }
        if comparison
            .as_ref()
            .is_some_and(|c| c.mode != CompareMode::Off)
        {
            series.outcome = refuse("participation.pictures.comparing");
            continue;
        }
        let variants: Vec<String> = scenario
            .as_ref()
            .map(|s| s.plan.variants.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default();
        let variant_before = scenario.as_ref().and_then(|s| s.active.clone());
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
                // Its scenario by the name it was stamped with; B − A and
                // renamed ones as the view is now.
                let name = &e.result.stamp.scenario;
                let scenario = if variants.contains(name) {
                    Some(name.clone())
                } else if *name == bestand.de || *name == bestand.en {
                    None
                } else {
                    variant_before.clone()
                };
                shots.push(Shot::Map { id: e.id, scenario });
            }
        }
        if shots.is_empty() {
            series.outcome = refuse("participation.pictures.nothing");
            continue;
        }
        series.outcome = None;
        series.run = Some(Run {
            shots,
            next: 0,
            phase: Phase::Arrange,
            shot_started: Instant::now(),
            size: (*width, *height),
            scene: active.path.clone(),
            folder: super::results::pictures_folder(active.path.as_deref()),
            index: PictureIndex {
                taken: jiff::Timestamp::now().to_string(),
                ..PictureIndex::default()
            },
            used_files: HashSet::new(),
            variant_before,
            shown_before: analysis
                .as_ref()
                .map(|s| {
                    s.results
                        .iter()
                        .map(|e| (e.id, e.show_ground, e.show_facades, e.show_features))
                        .collect()
                })
                .unwrap_or_default(),
            clock_was_playing: clock.playing,
            gizmos_before: None,
            failures: Vec::new(),
        });
    }
}

/// The key figures of the variant shown now (new buildings, floor area,
/// demolitions, …), in both languages: the scenario is taken in the frame
/// (shared models, no copy), the figures computed in the background.
fn variant_figures(
    i18n: &I18n,
    active: &ActiveScene,
    layers: &Layers,
    city: &CityLayers,
    scenario: &ScenarioState,
    clock: &SceneClock,
) -> Task<Vec<Figure>> {
    // Key figures need no counts: no sensors.
    let s = crate::scenario::current(
        scenario.name(i18n),
        active,
        layers,
        city,
        scenario,
        clock,
        None,
    );
    let i18n = i18n.clone();
    AsyncComputeTaskPool::get().spawn(async move {
        use pw_analysis::Analysis;
        let analysis = pw_plan::figures_analysis::PlanFiguresAnalysis;
        let control = pw_job::JobControl::new();
        let Ok(result) = pw_analysis::run_checked(&analysis, &analysis.defaults(), &s, &control)
        else {
            return Vec::new();
        };
        result
            .kpis
            .iter()
            .map(|k| Figure {
                label: both(&i18n, |i| i.render(&k.label)),
                value: both(&i18n, |i| {
                    format!("{} {}", i.number(k.value, k.decimals as usize), k.unit)
                        .trim_end()
                        .to_string()
                }),
            })
            .collect()
    })
}

/// What the series reads and changes of the rest of the app.
#[derive(SystemParam)]
struct SeriesWorld<'w> {
    picture_state: ResMut<'w, PictureState>,
    settled: Res<'w, Settled>,
    active: Res<'w, ActiveScene>,
    layers: Res<'w, Layers>,
    city: Res<'w, CityLayers>,
    clock: ResMut<'w, SceneClock>,
    scenario: Option<Res<'w, ScenarioState>>,
    analysis: Option<Res<'w, AnalysisState>>,
    analyses: Option<Res<'w, Analyses>>,
    public: Option<ResMut<'w, PicturesForThePublic>>,
    gizmos: Option<ResMut<'w, GizmoConfigStore>>,
    i18n: Res<'w, I18n>,
}

/// Where the series ends: cancelled, the scene changed, or all shots done.
enum End {
    Done,
    Cancelled,
    SceneChanged,
}

#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn drive_series(
    mut series: ResMut<PictureSeries>,
    mut world: SeriesWorld,
    mut commands: MessageReader<PicturesCommand>,
    mut scenario_commands: MessageWriter<ScenarioCommand>,
    mut analysis_commands: MessageWriter<AnalysisCommand>,
    mut pictures: MessageWriter<PictureCommand>,
    mut taken: MessageWriter<PicturesTaken>,
) {
    let series = &mut *series;
    let cancelled = commands.read().any(|c| *c == PicturesCommand::Cancel);
    let Some(run) = series.run.as_mut() else {
        return;
    };
    // While the series runs: for the public (restricted layers withheld),
    // the clock still, no tools drawn over the view.
    if let Some(public) = world.public.as_mut()
        && !public.0
    {
        public.0 = true;
    }
    if world.clock.playing {
        world.clock.playing = false;
    }
    if run.gizmos_before.is_none()
        && let Some((config, _)) = world
            .gizmos
            .as_mut()
            .and_then(|g| g.get_config_mut::<DefaultGizmoConfigGroup>())
    {
        run.gizmos_before = Some(config.enabled);
        config.enabled = false;
    }
    let end = if world.active.path != run.scene {
        Some(End::SceneChanged)
    } else if cancelled && !matches!(run.phase, Phase::Taking { .. }) {
        Some(End::Cancelled)
    } else if run.next >= run.shots.len() {
        Some(End::Done)
    } else {
        None
    };
    if let Some(end) = end {
        let run = series.run.take().expect("checked above");
        series.outcome = Some(finish(
            run,
            end,
            &mut world,
            &mut scenario_commands,
            &mut analysis_commands,
            &mut taken,
        ));
        return;
    }
    if cancelled {
        // Ends once the picture being taken is written.
        run.shots.truncate(run.next + 1);
    }
    let active_variant = world.scenario.as_ref().and_then(|s| s.active.clone());
    let shot = run.shots[run.next].clone();
    let i18n = &*world.i18n;
    let give_up = |run: &mut Run, why: String| {
        run.failures.push(why);
        run.next += 1;
        run.phase = Phase::Arrange;
        run.shot_started = Instant::now();
    };
    if run.shot_started.elapsed() > SHOT_LIMIT {
        let why = i18n.trf(
            "participation.pictures.too_long",
            &[("shot", &(run.next + 1))],
        );
        give_up(run, why);
        return;
    }
    match &mut run.phase {
        Phase::Arrange => {
            let wanted = match &shot {
                Shot::Variant(name) => {
                    let exists = world
                        .scenario
                        .as_ref()
                        .is_some_and(|s| s.plan.get(name).is_some());
                    if !exists {
                        let why =
                            i18n.trf("participation.pictures.variant_gone", &[("name", name)]);
                        give_up(run, why);
                        return;
                    }
                    Some(name.clone())
                }
                Shot::Map { scenario, .. } => scenario.clone(),
            };
            if wanted != active_variant {
                scenario_commands.write(ScenarioCommand::Activate(wanted));
            }
            // One result drawn at a time, none on a variant's picture;
            // results added meanwhile are left as they are.
            let show = match &shot {
                Shot::Map { id, .. } => Some(*id),
                Shot::Variant(_) => None,
            };
            for &(id, ..) in &run.shown_before {
                let Some(e) = world.analysis.as_ref().and_then(|s| s.result(id)) else {
                    continue;
                };
                let on = show == Some(id);
                analysis_commands.write(AnalysisCommand::Show {
                    id,
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
            // as a picture on the command line waits; not while the image
            // export is busy with another picture.
            if *frames < STABLE_FRAMES + 2
                || !world.settled.is_settled()
                || world.picture_state.busy
            {
                return;
            }
            let (file, figures) = match &shot {
                Shot::Variant(name) => (
                    unused(&mut run.used_files, variant_file(name)),
                    world.scenario.as_ref().map(|s| {
                        variant_figures(
                            i18n,
                            &world.active,
                            &world.layers,
                            &world.city,
                            s,
                            &world.clock,
                        )
                    }),
                ),
                Shot::Map { .. } => (
                    unused(
                        &mut run.used_files,
                        format!("karte-{:02}.png", run.index.maps.len() + 1),
                    ),
                    None,
                ),
            };
            world.picture_state.last = None;
            pictures.write(PictureCommand::Take {
                width: run.size.0,
                height: run.size.1,
                path: Some(run.folder.join(&file)),
            });
            run.phase = Phase::Taking {
                file,
                figures,
                frames: 0,
                asked: 1,
                seen_busy: false,
            };
        }
        Phase::Taking {
            file,
            figures,
            frames,
            asked,
            seen_busy,
        } => {
            *frames += 1;
            *seen_busy |= world.picture_state.busy;
            let expected = run.folder.join(&*file);
            match &world.picture_state.last {
                // Another picture's (the user's own, finished meanwhile).
                Some(Ok(path)) if *path != expected => world.picture_state.last = None,
                Some(Ok(_)) => {
                    // The figures, once their task is done (it started
                    // before the picture: usually it is).
                    let figures = match figures.as_mut() {
                        Some(task) => match future::block_on(future::poll_once(task)) {
                            Some(f) => f,
                            None => return,
                        },
                        None => Vec::new(),
                    };
                    match &shot {
                        Shot::Variant(name) => run.index.put_variant(VariantPicture {
                            variant: name.clone(),
                            file: file.clone(),
                            figures,
                        }),
                        Shot::Map { id, .. } => {
                            if let Some(map) = map_picture(
                                i18n,
                                world.analysis.as_deref(),
                                world.analyses.as_deref(),
                                *id,
                                file.clone(),
                            ) {
                                run.index.maps.push(map);
                            }
                        }
                    }
                    run.next += 1;
                    run.phase = Phase::Arrange;
                    run.shot_started = Instant::now();
                }
                Some(Err(why)) => {
                    let why = why.clone();
                    give_up(run, why);
                }
                None => {
                    // Dropped (the export was busy in the same frame): again.
                    if !*seen_busy && *frames > UNANSWERED_FRAMES {
                        if *asked >= 3 {
                            let why = i18n.tr("participation.pictures.not_taken").to_string();
                            give_up(run, why);
                            return;
                        }
                        *asked += 1;
                        *frames = 0;
                        pictures.write(PictureCommand::Take {
                            width: run.size.0,
                            height: run.size.1,
                            path: Some(expected),
                        });
                    }
                }
            }
        }
    }
}

/// `name`, or `name` with -2, -3 … before its extension when this series
/// used it already ("A" and "Variante A" both make `variante-a.png`).
fn unused(used: &mut HashSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let stem = name.strip_suffix(".png").unwrap_or(&name).to_string();
    let mut k = 2;
    while used.contains(&candidate) {
        candidate = format!("{stem}-{k}.png");
        k += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Puts the view back and writes the index: the variants taken now, those
/// taken before whose pictures are still there (a failed shot keeps the
/// last good one), the maps of now. Says how it went.
fn finish(
    mut run: Run,
    end: End,
    world: &mut SeriesWorld,
    scenario_commands: &mut MessageWriter<ScenarioCommand>,
    analysis_commands: &mut MessageWriter<AnalysisCommand>,
    taken: &mut MessageWriter<PicturesTaken>,
) -> (String, bool) {
    let i18n = world.i18n.clone();
    if let Some(public) = world.public.as_mut() {
        public.0 = false;
    }
    if run.clock_was_playing {
        world.clock.playing = true;
    }
    if let (Some((config, _)), Some(enabled)) = (
        world
            .gizmos
            .as_mut()
            .and_then(|g| g.get_config_mut::<DefaultGizmoConfigGroup>()),
        run.gizmos_before,
    ) {
        config.enabled = enabled;
    }
    if matches!(end, End::SceneChanged) {
        // Another scene: nothing of the old one to put back or write.
        return (
            i18n.tr("participation.pictures.scene_changed").to_string(),
            true,
        );
    }
    let active_variant = world.scenario.as_ref().and_then(|s| s.active.clone());
    if active_variant != run.variant_before {
        scenario_commands.write(ScenarioCommand::Activate(run.variant_before.clone()));
    }
    for &(id, ground, facades, features) in &run.shown_before {
        if world
            .analysis
            .as_ref()
            .is_some_and(|s| s.result(id).is_some())
        {
            analysis_commands.write(AnalysisCommand::Show {
                id,
                ground,
                facades,
                features,
            });
        }
    }
    if let Ok(before) = PictureIndex::load(&run.folder) {
        let variants: HashSet<&str> = world
            .scenario
            .as_ref()
            .map(|s| s.plan.variants.iter().map(|v| v.name.as_str()).collect())
            .unwrap_or_default();
        for old in before.variants {
            if run.index.variant(&old.variant).is_none()
                && variants.contains(old.variant.as_str())
                && run.folder.join(&old.file).exists()
            {
                run.index.variants.push(old);
            }
        }
    }
    let (variants, maps) = (run.index.variants.len(), run.index.maps.len());
    if let Err(e) = run.index.save(&run.folder) {
        return (problem_text(&i18n, &e), true);
    }
    taken.write(PicturesTaken {
        folder: run.folder.clone(),
    });
    let saved = i18n.trf(
        "participation.pictures.taken",
        &[
            ("variants", &variants),
            ("maps", &maps),
            ("folder", &run.folder.display()),
        ],
    );
    match end {
        End::Cancelled => (
            format!("{} {saved}", i18n.tr("participation.pictures.cancelled")),
            false,
        ),
        _ if !run.failures.is_empty() => (
            format!(
                "{saved} {}",
                i18n.trf(
                    "participation.pictures.failed",
                    &[
                        ("failed", &run.failures.len()),
                        ("why", &run.failures.join("; ")),
                    ],
                )
            ),
            true,
        ),
        _ => (saved, false),
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
        crate::analysis::describe::result_title(i, analysis_title, entry.label())
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
