//! The showroom (kiosk mode): the scene's guided tour, station by station
//! — a saved view flown to, a variant, the clock, an analysis result, a
//! caption in simple language. Visitors step with "Weiter"/"Zurück"; after `idle_seconds`
//! without a touch everything goes back to the start (drafts and selection
//! wiped, nothing personal left on screen) and the tour plays by itself.

use bevy::input::touch::Touches;
use bevy::prelude::*;

use crate::base::audience::Audience;
use crate::layers::ActiveScene;
use crate::layers::city_draw::Selection;
use crate::scenario::ScenarioCommand;
use crate::view::camera::CameraCommand;
use crate::view::clock::SceneClock;

#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub enum KioskCommand {
    Next,
    Previous,
}

#[derive(Resource, Debug, Default)]
pub struct Kiosk {
    /// The station shown.
    pub station: usize,
    /// The tour plays by itself (nobody touched it for a while).
    pub playing: bool,
    /// App seconds of the last touch, and of the last step while playing.
    last_touch: f64,
    last_step: f64,
    /// A station was shown since kiosk mode began.
    started: bool,
}

impl Kiosk {
    /// Seconds since the last touch.
    pub fn idle(&self, now: f64) -> f64 {
        now - self.last_touch
    }
}

/// The stations' analysis results: computed the first time a station is
/// shown (with its variant), kept for every later round of the tour.
#[derive(Resource, Debug, Default)]
pub struct StationResults {
    /// The scene they belong to (another one starts afresh).
    scene: Option<String>,
    /// Station → the result's id in the analysis panel's list.
    pub by_station: std::collections::HashMap<usize, u32>,
    /// A station whose run was started, and the results there were then.
    running: Option<(usize, Vec<u32>)>,
    /// The station whose analysis is still to run.
    wanted: Option<usize>,
    /// The station whose results were last arranged.
    arranged: Option<usize>,
    /// Runs that gave no result, per station: tried twice, then left.
    attempts: std::collections::HashMap<usize, u32>,
}

pub struct KioskPlugin;

impl Plugin for KioskPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Kiosk>()
            .init_resource::<StationResults>()
            .add_message::<KioskCommand>()
            .add_systems(
                Update,
                (notice_touches, step, tour, station_analysis)
                    .chain()
                    .before(crate::analysis::AnalysisSystems),
            );
    }
}

/// Shows the station's analysis result (and no other); runs it first when
/// there is none yet — once the scene has loaded and the station's variant
/// is the one shown, with the analysis's defaults over the area of the
/// station's saved view.
#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn station_analysis(
    audience: Res<Audience>,
    active: Res<ActiveScene>,
    (layers, city): (
        Res<crate::layers::Layers>,
        Res<crate::layers::city_draw::CityLayers>,
    ),
    kiosk: Res<Kiosk>,
    scenario: Option<Res<crate::scenario::ScenarioState>>,
    state: Option<Res<crate::analysis::AnalysisState>>,
    analyses: Option<Res<crate::analysis::Analyses>>,
    mut results: ResMut<StationResults>,
    mut commands: MessageWriter<crate::analysis::AnalysisCommand>,
) {
    use crate::analysis::AnalysisCommand;
    use pw_analysis::ParamKind;
    let (Some(state), Some(analyses)) = (state, analyses) else {
        return;
    };
    let scene = super::scene_key(&active);
    if results.scene.as_deref() != Some(scene.as_str()) {
        *results = StationResults {
            scene: Some(scene),
            ..Default::default()
        };
    }
    let Some(stations) = active.scene.kiosk.as_ref().map(|k| &k.stations) else {
        return;
    };
    if !audience.kiosk {
        // Staff at the desk: their runs are theirs.
        results.arranged = None;
        results.running = None;
        results.wanted = None;
        return;
    }
    // A run of ours ended: its new result belongs to that station.
    if let Some((station, before)) = results.running.clone()
        && state.running.is_none()
    {
        let wanted = stations.get(station).and_then(|s| s.analysis.as_deref());
        match state
            .results
            .iter()
            .rev()
            .find(|e| Some(e.analysis) == wanted && !before.contains(&e.id))
            .map(|e| e.id)
        {
            Some(id) => {
                results.by_station.insert(station, id);
            }
            None => *results.attempts.entry(station).or_default() += 1,
        }
        results.running = None;
        // Its result showed itself: arrange the station shown now again.
        results.arranged = None;
    }
    let station = kiosk.station;
    let Some(here) = stations.get(station) else {
        return;
    };
    let kept = |results: &StationResults| {
        results
            .by_station
            .get(&station)
            .copied()
            .filter(|id| state.result(*id).is_some())
    };
    if results.arranged != Some(station) {
        results.arranged = Some(station);
        let shown = kept(&results);
        for e in &state.results {
            let on = Some(e.id) == shown;
            if on || e.show_ground || e.show_facades || e.show_features {
                commands.write(AnalysisCommand::Show {
                    id: e.id,
                    ground: on,
                    facades: on,
                    features: on,
                });
            }
        }
        let running_here = results.running.as_ref().is_some_and(|(s, _)| *s == station);
        if shown.is_none() && here.analysis.is_some() && !running_here {
            results.wanted = Some(station);
        }
    }
    // Start the run when the scene is there, the station's variant is the
    // one shown and nothing else runs; one at a time.
    let ready = crate::analysis::on_start::scene_loaded(&layers, &city)
        && scenario.as_ref().is_some_and(|s| s.active == here.variant);
    if results.wanted == Some(station)
        && ready
        && results.running.is_none()
        && state.running.is_none()
    {
        results.wanted = None;
        if kept(&results).is_some() || results.attempts.get(&station).copied().unwrap_or(0) >= 2 {
            return;
        }
        let Some((id, analysis)) = here
            .analysis
            .as_ref()
            .and_then(|id| Some((id.clone(), analyses.0.get(id)?.clone())))
        else {
            warn!(
                "kiosk station {}: unknown analysis {:?}",
                station + 1,
                here.analysis
            );
            results.attempts.insert(station, 2);
            return;
        };
        let Some(view) = active
            .scene
            .bookmarks
            .iter()
            .find(|b| b.name == here.bookmark)
        else {
            return;
        };
        commands.write(AnalysisCommand::Select(id));
        commands.write(AnalysisCommand::UseDefaults);
        // The saved view's area and place, where the analysis takes an
        // area or a point (not a plot to outline by hand).
        let params = analysis.params();
        if params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::Area | ParamKind::Point))
        {
            commands.write(AnalysisCommand::AreaAround {
                centre: [view.target[0], view.target[1]],
                half: crate::analysis::runs::view_half_width(view.distance),
            });
        }
        commands.write(AnalysisCommand::Run);
        results.running = Some((station, state.results.iter().map(|e| e.id).collect()));
    }
}

/// Any press or touch is a visitor: the tour stops playing by itself.
fn notice_touches(
    audience: Res<Audience>,
    time: Res<Time>,
    mouse: Option<Res<ButtonInput<MouseButton>>>,
    keys: Option<Res<ButtonInput<KeyCode>>>,
    touches: Option<Res<Touches>>,
    mut kiosk: ResMut<Kiosk>,
) {
    if !audience.kiosk {
        return;
    }
    let touched = mouse.is_some_and(|m| m.get_just_pressed().next().is_some())
        || keys.is_some_and(|k| k.get_just_pressed().next().is_some())
        || touches.is_some_and(|t| t.iter_just_pressed().next().is_some());
    if touched {
        kiosk.last_touch = time.elapsed_secs_f64();
        kiosk.playing = false;
    }
}

/// Shows station `index` of the scene's tour.
fn show(
    index: usize,
    scene: &pw_scene::Scene,
    clock: &mut SceneClock,
    camera: &mut MessageWriter<CameraCommand>,
    scenario: &mut MessageWriter<ScenarioCommand>,
) {
    let Some(station) = scene.kiosk.as_ref().and_then(|k| k.stations.get(index)) else {
        return;
    };
    if let Some(b) = scene.bookmarks.iter().find(|b| b.name == station.bookmark) {
        camera.write(CameraCommand::FlyTo(b.clone()));
    }
    scenario.write(ScenarioCommand::Activate(station.variant.clone()));
    if let Some(t) = &station.time
        && clock.set_local_text(t).is_ok()
    {
        clock.live = false;
        clock.playing = false;
    }
}

/// "Weiter" and "Zurück" from the visitor.
#[allow(clippy::too_many_arguments)]
fn step(
    mut commands: MessageReader<KioskCommand>,
    active: Res<ActiveScene>,
    time: Res<Time>,
    mut kiosk: ResMut<Kiosk>,
    mut clock: ResMut<SceneClock>,
    mut camera: MessageWriter<CameraCommand>,
    mut scenario: MessageWriter<ScenarioCommand>,
) {
    let count = active.scene.kiosk.as_ref().map_or(0, |k| k.stations.len());
    for command in commands.read() {
        if count == 0 {
            continue;
        }
        kiosk.station = match command {
            KioskCommand::Next => (kiosk.station + 1) % count,
            KioskCommand::Previous => (kiosk.station + count - 1) % count,
        };
        kiosk.playing = false;
        kiosk.last_touch = time.elapsed_secs_f64();
        show(
            kiosk.station,
            &active.scene,
            &mut clock,
            &mut camera,
            &mut scenario,
        );
    }
}

/// Idle long enough: back to the start with nothing personal left, then
/// the tour plays by itself.
#[allow(clippy::too_many_arguments)]
fn tour(
    audience: Res<Audience>,
    active: Res<ActiveScene>,
    time: Res<Time>,
    mut kiosk: ResMut<Kiosk>,
    mut clock: ResMut<SceneClock>,
    mut selection: ResMut<Selection>,
    mut participation: ResMut<super::Participation>,
    mut camera: MessageWriter<CameraCommand>,
    mut scenario: MessageWriter<ScenarioCommand>,
) {
    if !audience.kiosk {
        kiosk.started = false;
        return;
    }
    let Some(settings) = active.scene.kiosk.as_ref() else {
        return;
    };
    if settings.stations.is_empty() {
        return;
    }
    let now = time.elapsed_secs_f64();
    if !kiosk.started {
        kiosk.started = true;
        kiosk.station = 0;
        kiosk.last_touch = now;
        show(0, &active.scene, &mut clock, &mut camera, &mut scenario);
        return;
    }
    if !kiosk.playing && kiosk.idle(now) >= settings.idle_seconds {
        // The privacy wipe: what the last visitor typed or picked goes.
        participation.draft = super::TableDraft::default();
        participation.picking = false;
        participation.selected = None;
        if selection.picked.is_some() {
            selection.picked = None;
        }
        kiosk.playing = true;
        kiosk.station = 0;
        kiosk.last_step = now;
        show(0, &active.scene, &mut clock, &mut camera, &mut scenario);
        return;
    }
    let dwell = settings
        .stations
        .get(kiosk.station)
        .map_or(15.0, |s| s.seconds);
    if kiosk.playing && now - kiosk.last_step >= dwell {
        kiosk.station = (kiosk.station + 1) % settings.stations.len();
        kiosk.last_step = now;
        show(
            kiosk.station,
            &active.scene,
            &mut clock,
            &mut camera,
            &mut scenario,
        );
    }
}
