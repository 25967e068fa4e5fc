//! Dragging a point of the form on the map with the result following it
//! (the viewshed's observer): the analysis prepares the surroundings once
//! in the background, then each new position is a quick preview (tens of
//! milliseconds, off the frame; only the newest position is computed),
//! drawn in place of the results' ground. Letting go runs the analysis in
//! full (walls and roofs, key figures), as the run button does.

use super::overlays::{self, AnalysisOverlay};
use super::runs::{Analyses, AnalysisCommand, AnalysisState};
use crate::base::i18n::I18n;
use crate::base::jobs::{Jobs, Notices};
use crate::layers::{ActiveScene, Layers};
use crate::scenario::ScenarioState;
use crate::view::camera::{OrbitCamera, PointerHeld, PointerOverUi};
use crate::view::frame::SceneFrame;
use crate::view::ground::GroundLevel;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures_lite::future};
use bevy::window::PrimaryWindow;
use pw_analysis::{AnalysisError, GroundRaster, LivePreview, ParamValues, Point, Value};
use std::sync::Arc;
use std::time::Instant;

/// What the pointer does with a point of the form.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum LiveCommand {
    /// The pointer took point `key` of the selected form.
    Grab(&'static str),
    /// The point held is now here (scene CRS; `z` where it lies on a
    /// building: a roof or a window).
    MoveTo(Point),
    /// Let go: the full run follows.
    Release,
}

/// The preview's image has at most this many pixels a side (2 m a pixel
/// for 1 km at 1 m): building it stays a small part of an update.
const PREVIEW_SIDE: usize = 1024;

/// A point is grabbed when the pointer comes down this close to its post
/// on the screen (logical px): a finger's width on the touch tables.
const GRAB_PX: f32 = 36.0;

enum Outcome {
    Prepared(Result<Box<dyn LivePreview>, AnalysisError>),
    /// The preview, where it was taken from, and its time (ms).
    Updated(
        Result<Box<(GroundRaster, Image)>, AnalysisError>,
        Option<Point>,
        f64,
    ),
}

/// A preparation or preview under way, of one drag (`generation`).
struct Pending {
    generation: u64,
    task: Task<Outcome>,
    /// A preparation's values (to remember them if it fails) and its
    /// control (to stop it when the drag ends).
    preparing: Option<(ParamValues, Arc<pw_analysis::JobControl>)>,
}

/// The preview on the map: one entity whose texture and lattice are
/// swapped in place.
struct Overlay {
    entity: Entity,
    image: Handle<Image>,
    mesh: Handle<Mesh>,
}

/// The drag and its preview.
#[derive(Resource, Default)]
pub struct LiveDrag {
    /// The point the pointer holds.
    pub held: Option<&'static str>,
    moved: bool,
    /// The analysis whose point is held, and its preparation.
    analysis: Option<&'static str>,
    preview: Option<Arc<dyn LivePreview>>,
    /// Counts drags and scenario changes: what a task of an earlier one
    /// brings back is dropped.
    generation: u64,
    pending: Option<Pending>,
    /// The newest values still to be shown.
    wanted: Option<ParamValues>,
    /// The form without its point where preparing failed (said once): not
    /// tried again until something else changes.
    failed: Option<ParamValues>,
    overlay: Option<Overlay>,
    /// Results the preview stepped in front of (id, ground, walls shown):
    /// shown again when no new result comes.
    hidden: Vec<(u32, bool, bool)>,
    /// Previews drawn since the scene opened; the last one's place and
    /// time (ms).
    pub updates: u32,
    pub last_point: Option<Point>,
    pub last_ms: f64,
    /// Let go: the full run starts as soon as no other runs.
    run_after: bool,
    /// The preview stays until the full run's result is there.
    full_run: FullRun,
    results_at_run: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum FullRun {
    #[default]
    Idle,
    /// Asked for this frame; the framework takes it up in the next.
    Asked,
    Running,
}

impl LiveDrag {
    pub fn preview_shown(&self) -> bool {
        self.overlay.is_some()
    }

    /// Nothing waiting to be prepared or shown.
    pub fn idle(&self) -> bool {
        self.wanted.is_none() && self.pending.is_none()
    }

    /// Whatever is under way belongs to an earlier drag from now on.
    fn drop_pending(&mut self) {
        self.generation += 1;
        if let Some(Pending {
            preparing: Some((_, control)),
            ..
        }) = self.pending.take()
        {
            control.cancel();
        }
        self.wanted = None;
    }

    /// The results the preview stood in front of come back.
    fn restore_hidden(&mut self, state: &mut AnalysisState) {
        for (id, ground, facades) in self.hidden.drain(..) {
            if let Some(e) = state.results.iter_mut().find(|e| e.id == id) {
                e.show_ground = ground;
                e.show_facades = facades;
            }
        }
    }
}

/// The form's values without the point dragged: what a preparation
/// depends on besides the point.
fn without_point(values: &ParamValues, key: &'static str) -> ParamValues {
    let mut v = values.clone();
    v.set(key, Value::Point(None));
    v
}

pub struct LivePlugin;

impl Plugin for LivePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<LiveDrag>()
            .init_resource::<PointerHeld>()
            .add_message::<LiveCommand>()
            .add_systems(
                Update,
                (forget_on_new_scene, handle_live_commands, pump_previews)
                    .chain()
                    .after(super::runs::poll_tasks)
                    .before(super::overlays::sync_overlays),
            );
    }
}

/// The pointer on the map grabs, moves and lets go of the point (needs a
/// window and a camera).
pub struct LivePointerPlugin;

impl Plugin for LivePointerPlugin {
    fn build(&self, app: &mut App) {
        // Before the camera reads the pointer: the press that grabs the
        // point does not also pan the map.
        app.add_systems(
            Update,
            pointer_drags_the_point.before(crate::layers::LayersSystems),
        );
    }
}

fn handle_live_commands(
    mut reader: MessageReader<LiveCommand>,
    mut live: ResMut<LiveDrag>,
    mut state: ResMut<AnalysisState>,
    analyses: Res<Analyses>,
    mut held: ResMut<PointerHeld>,
    jobs: Res<Jobs>,
    mut commands: MessageWriter<AnalysisCommand>,
) {
    for cmd in reader.read() {
        match cmd {
            LiveCommand::Grab(key) => {
                let offered = analyses
                    .0
                    .get(&state.selected)
                    .filter(|a| state.form().and_then(|f| a.live_point(f)) == Some(*key))
                    .map(|a| a.id());
                // Not this form's point: the camera stays free.
                held.0 = offered.is_some();
                let Some(id) = offered else { continue };
                if live.analysis != Some(id) {
                    live.preview = None;
                }
                live.analysis = Some(id);
                live.held = Some(*key);
                live.moved = false;
            }
            LiveCommand::MoveTo(p) => {
                let Some(key) = live.held else { continue };
                // Another analysis chosen meanwhile: its form is not this one.
                let selected = analyses.0.get(&state.selected).map(|a| a.id());
                if live.analysis != selected {
                    continue;
                }
                if let Some(form) = state.form_mut() {
                    form.set(key, Value::Point(Some(*p)));
                    live.wanted = Some(form.clone());
                    live.moved = true;
                }
            }
            LiveCommand::Release => {
                if live.held.take().is_some() {
                    // A preview still under way shows a place left behind.
                    live.drop_pending();
                    let same = analyses.0.get(&state.selected).map(|a| a.id()) == live.analysis;
                    if live.moved && same {
                        live.run_after = true;
                        // A run from where the point was is of no use now.
                        if let Some(running) = state.running
                            && Some(running.analysis) == live.analysis
                        {
                            jobs.cancel(running.job);
                        }
                    } else {
                        live.restore_hidden(&mut state);
                    }
                }
                held.0 = false;
            }
        }
    }
    live.full_run = match live.full_run {
        FullRun::Idle if live.run_after && state.running.is_none() => {
            live.run_after = false;
            live.results_at_run = state.results.len();
            commands.write(AnalysisCommand::Run);
            FullRun::Asked
        }
        // The run was taken up, or refused (its reasons are in the notices).
        FullRun::Asked if state.running.is_some() => FullRun::Running,
        FullRun::Running if state.running.is_some() => FullRun::Running,
        FullRun::Asked | FullRun::Running => {
            if state.results.len() > live.results_at_run {
                // The new result shows; the older ones stay behind it.
                live.hidden.clear();
            } else if !live.run_after {
                // Refused or failed, and no newer drag waits to run.
                live.restore_hidden(&mut state);
            }
            FullRun::Idle
        }
        FullRun::Idle => FullRun::Idle,
    };
}

/// Starts the preparation or the newest preview in the background, and
/// draws what comes back.
#[allow(clippy::too_many_arguments)]
fn pump_previews(
    mut commands: Commands,
    mut live: ResMut<LiveDrag>,
    mut state: ResMut<AnalysisState>,
    analyses: Res<Analyses>,
    inputs: crate::scenario::ScenarioInputs,
    scenario: Res<ScenarioState>,
    i18n: Res<I18n>,
    mut notices: ResMut<Notices>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
    frame: Res<SceneFrame>,
    ground_level: Option<Res<GroundLevel>>,
) {
    // Another variant or an edit: what was prepared, or is being prepared,
    // shows the old city.
    if scenario.is_changed() && !scenario.is_added() {
        live.preview = None;
        live.failed = None;
        let wanted = live.wanted.take();
        live.drop_pending();
        live.wanted = wanted;
    }
    if let Some(pending) = live.pending.as_mut() {
        let Some(outcome) = future::block_on(future::poll_once(&mut pending.task)) else {
            return;
        };
        let pending = live.pending.take().expect("polled above");
        if pending.generation == live.generation {
            match outcome {
                Outcome::Prepared(Ok(p)) => live.preview = Some(Arc::from(p)),
                Outcome::Prepared(Err(e)) => {
                    // Said once: not tried again for the same settings.
                    for m in e.messages() {
                        notices.error(i18n.render(&m));
                    }
                    if let (Some((values, _)), Some(key)) = (&pending.preparing, live.held) {
                        live.failed = Some(without_point(values, key));
                    }
                    live.wanted = None;
                }
                // Passing over a wall on the way is no mistake: the last
                // preview stays; letting go there, the run says what is wrong.
                Outcome::Updated(Err(_), ..) => {}
                Outcome::Updated(Ok(shown), at, ms) => {
                    let (raster, image) = *shown;
                    live.updates += 1;
                    live.last_point = at;
                    live.last_ms = ms;
                    let base = ground_level
                        .map(|g| g.height)
                        .unwrap_or(frame.origin.world[2]);
                    let mesh = overlays::draped_mesh(
                        &raster.grid,
                        &frame,
                        &inputs.layers.terrain_stack(),
                        base,
                    );
                    show(
                        &mut commands,
                        &mut live,
                        &mut meshes,
                        &mut materials,
                        &mut images,
                        mesh,
                        image,
                    );
                    // One raster at a time is readable: the results of
                    // this analysis step back while the preview shows
                    // (their walls were seen from elsewhere).
                    let id = live.analysis;
                    for e in state.results.iter_mut() {
                        if Some(e.analysis) == id && (e.show_ground || e.show_facades) {
                            live.hidden.push((e.id, e.show_ground, e.show_facades));
                            e.show_ground = false;
                            e.show_facades = false;
                        }
                    }
                }
            }
        }
    }
    let busy = live.held.is_some()
        || live.wanted.is_some()
        || live.run_after
        || live.full_run != FullRun::Idle;
    if !busy && let Some(overlay) = live.overlay.take() {
        commands.entity(overlay.entity).despawn();
    }
    let (Some(values), Some(id), Some(key)) = (live.wanted.clone(), live.analysis, live.held)
    else {
        return;
    };
    let Some(analysis) = analyses.0.get(id).cloned() else {
        return;
    };
    if live.failed.as_ref() == Some(&without_point(&values, key)) {
        live.wanted = None;
        return;
    }
    let pool = AsyncComputeTaskPool::get();
    let generation = live.generation;
    match live.preview.clone() {
        Some(preview) if preview.serves(&values) => {
            live.wanted = None;
            let at = values.point(key);
            let task = pool.spawn(async move {
                let t = Instant::now();
                let outcome = preview.update(&values).map(|raster| {
                    let image = overlays::values_image_at_most(
                        &raster.grid,
                        &raster.grid.values,
                        &raster.quantity.legend,
                        PREVIEW_SIDE,
                    );
                    Box::new((raster, image))
                });
                Outcome::Updated(outcome, at, t.elapsed().as_secs_f64() * 1e3)
            });
            live.pending = Some(Pending {
                generation,
                task,
                preparing: None,
            });
        }
        _ => {
            // Prepared for these values; `wanted` stays for the preview.
            let s = inputs.current(scenario.name(&i18n), &scenario);
            let control = Arc::new(pw_analysis::JobControl::default());
            let (c, v) = (control.clone(), values.clone());
            let task =
                pool.spawn(async move { Outcome::Prepared(analysis.prepare_live(&v, &s, &c)) });
            live.pending = Some(Pending {
                generation,
                task,
                preparing: Some((values, control)),
            });
        }
    }
}

/// The preview's raster on the map: its texture and lattice swapped in
/// place once it exists.
fn show(
    commands: &mut Commands,
    live: &mut LiveDrag,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<StandardMaterial>,
    images: &mut Assets<Image>,
    mesh: Mesh,
    image: Image,
) {
    if let Some(o) = &live.overlay {
        let _ = images.insert(&o.image, image);
        let _ = meshes.insert(&o.mesh, mesh);
        return;
    }
    let image = images.add(image);
    let mesh = meshes.add(mesh);
    let material = overlays::ground_material(image.clone());
    let entity = commands
        .spawn((
            Name::new("Vorschau"),
            AnalysisOverlay,
            Mesh3d(mesh.clone()),
            MeshMaterial3d(materials.add(material)),
            Transform::IDENTITY,
            Visibility::Visible,
            crate::view::drape::Draped::Result,
            bevy::light::NotShadowCaster,
        ))
        .id();
    live.overlay = Some(Overlay {
        entity,
        image,
        mesh,
    });
}

/// Another scene: nothing of the old one's preview stays.
fn forget_on_new_scene(
    mut commands: Commands,
    active: Res<ActiveScene>,
    mut live: ResMut<LiveDrag>,
    mut held: ResMut<PointerHeld>,
) {
    if !active.is_changed() {
        return;
    }
    if let Some(overlay) = live.overlay.take() {
        commands.entity(overlay.entity).despawn();
    }
    live.drop_pending();
    let generation = live.generation;
    *live = LiveDrag {
        generation,
        ..default()
    };
    held.0 = false;
}

/// Mouse or one finger: down on the point's post grabs it, moving drags
/// it over the ground and the roofs, up lets it go.
#[allow(clippy::too_many_arguments)]
fn pointer_drags_the_point(
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    touches: Option<Res<bevy::input::touch::Touches>>,
    windows: Query<&Window, With<PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform), With<OrbitCamera>>,
    over_ui: Res<PointerOverUi>,
    state: Res<AnalysisState>,
    analyses: Res<Analyses>,
    live: Res<LiveDrag>,
    mut held: ResMut<PointerHeld>,
    city: Res<crate::layers::city_draw::CityLayers>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    ground: Res<GroundLevel>,
    mut finger: Local<Option<u64>>,
    mut last: Local<Option<Vec2>>,
    mut out: MessageWriter<LiveCommand>,
) {
    let Ok(window) = windows.single() else { return };
    let Ok((camera, transform)) = cameras.single() else {
        return;
    };
    if live.held.is_some() {
        // The finger that grabbed, or the mouse; up (even between two
        // frames, as on a slow software renderer) lets go.
        let pointer = match *finger {
            Some(id) => touches
                .as_ref()
                .and_then(|t| t.get_pressed(id))
                .map(|t| t.position()),
            None => buttons
                .as_ref()
                .is_some_and(|b| b.pressed(MouseButton::Left))
                .then(|| window.cursor_position())
                .flatten()
                .or(*last),
        };
        let down = match *finger {
            Some(_) => pointer.is_some(),
            None => buttons
                .as_ref()
                .is_some_and(|b| b.pressed(MouseButton::Left)),
        };
        if !down {
            out.write(LiveCommand::Release);
            *finger = None;
            *last = None;
            return;
        }
        let Some(pos) = pointer.filter(|p| Some(*p) != *last) else {
            return;
        };
        *last = Some(pos);
        let Ok(ray) = camera.viewport_to_world(transform, pos) else {
            return;
        };
        let hit = crate::view::picking::cast(ray, &city, &layers, &frame, &ground, 0.0);
        if let Some(w) = hit.world {
            out.write(LiveCommand::MoveTo(Point {
                x: w[0],
                y: w[1],
                z: hit.object.map(|_| w[2]),
            }));
        }
        return;
    }
    if over_ui.0 {
        return;
    }
    // One finger coming down, or the left button.
    let touched = touches.as_ref().and_then(|t| {
        let mut new = t.iter_just_pressed();
        match (new.next(), new.next(), t.iter().count()) {
            (Some(one), None, 1) => Some((one.id(), one.position())),
            _ => None,
        }
    });
    let pos = match touched {
        Some((_, pos)) => pos,
        None if buttons
            .as_ref()
            .is_some_and(|b| b.just_pressed(MouseButton::Left)) =>
        {
            let Some(pos) = window.cursor_position() else {
                return;
            };
            pos
        }
        None => return,
    };
    let (Some(analysis), Some(form)) = (analyses.0.get(&state.selected), state.form()) else {
        return;
    };
    let Some(key) = analysis.live_point(form) else {
        return;
    };
    let Some(p) = form.point(key) else { return };
    let (foot, top) = overlays::point_post(&p, &layers, ground.height);
    let screen = |z: f64| {
        camera
            .world_to_viewport(transform, frame.world_to_bevy([p.x, p.y, z]))
            .ok()
    };
    if let (Some(a), Some(b)) = (screen(foot), screen(top))
        && distance_to_segment(pos, a, b) <= GRAB_PX
    {
        *finger = touched.map(|(id, _)| id);
        *last = Some(pos);
        // Held from this frame on: the camera, after this, leaves it.
        held.0 = true;
        out.write(LiveCommand::Grab(key));
    }
}

fn distance_to_segment(p: Vec2, a: Vec2, b: Vec2) -> f32 {
    let ab = b - a;
    let t = if ab.length_squared() > 0.0 {
        ((p - a).dot(ab) / ab.length_squared()).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(a + ab * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_press_near_the_post_grabs_it() {
        let (a, b) = (Vec2::new(100.0, 200.0), Vec2::new(100.0, 150.0));
        assert_eq!(distance_to_segment(Vec2::new(110.0, 170.0), a, b), 10.0);
        assert_eq!(distance_to_segment(Vec2::new(100.0, 230.0), a, b), 30.0);
        assert_eq!(
            distance_to_segment(Vec2::new(103.0, 104.0), a, a),
            96.0_f32.hypot(3.0)
        );
    }
}
