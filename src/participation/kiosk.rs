//! The showroom (kiosk mode): the scene's guided tour, station by station
//! — a saved view flown to, a variant, the clock, a caption in simple
//! language. Visitors step with "Weiter"/"Zurück"; after `idle_seconds`
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

pub struct KioskPlugin;

impl Plugin for KioskPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Kiosk>()
            .add_message::<KioskCommand>()
            .add_systems(Update, (notice_touches, step, tour).chain());
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
