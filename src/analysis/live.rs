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
use pw_geo::elevation::Elevation;
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

/// The drag and its preview.
#[derive(Resource, Default)]
pub struct LiveDrag {
    /// The point the pointer holds.
    pub held: Option<&'static str>,
    moved: bool,
    /// The analysis whose point is held, and its preparation.
    analysis: Option<&'static str>,
    preview: Option<Arc<dyn LivePreview>>,
    task: Option<Task<Outcome>>,
    /// The newest values still to be shown.
    wanted: Option<ParamValues>,
    overlay: Option<Entity>,
    /// Previews drawn since the scene opened; the last one's place and
    /// time (ms).
    pub updates: u32,
    pub last_point: Option<Point>,
    pub last_ms: f64,
    /// Let go: the full run starts as soon as no other runs.
    run_after: bool,
    /// The preview stays until the full run's result is there.
    full_run: FullRun,
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
        self.wanted.is_none() && self.task.is_none()
    }
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
                let Some(analysis) = analyses.0.get(&state.selected) else {
                    continue;
                };
                let Some(form) = state.form() else { continue };
                if analysis.live_point(form) == Some(*key) {
                    if live.analysis != Some(analysis.id()) {
                        live.preview = None;
                    }
                    live.analysis = Some(analysis.id());
                    live.held = Some(*key);
                    live.moved = false;
                    held.0 = true;
                }
            }
            LiveCommand::MoveTo(p) => {
                let Some(key) = live.held else { continue };
                if let Some(form) = state.form_mut() {
                    form.set(key, Value::Point(Some(*p)));
                    live.wanted = Some(form.clone());
                    live.moved = true;
                }
            }
            LiveCommand::Release => {
                if live.held.take().is_some() && live.moved {
                    live.run_after = true;
                    // A run from where the point was is of no use now.
                    if let Some(running) = state.running
                        && Some(running.analysis) == live.analysis
                    {
                        jobs.cancel(running.job);
                    }
                }
                held.0 = false;
            }
        }
    }
    live.full_run = match live.full_run {
        FullRun::Idle if live.run_after && state.running.is_none() => {
            live.run_after = false;
            commands.write(AnalysisCommand::Run);
            FullRun::Asked
        }
        // The run was taken up, or refused (its reasons are in the notices).
        FullRun::Asked if state.running.is_some() => FullRun::Running,
        FullRun::Running if state.running.is_some() => FullRun::Running,
        FullRun::Asked | FullRun::Running => FullRun::Idle,
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
    // Another variant or an edit: what was prepared shows the old city.
    if scenario.is_changed() && !scenario.is_added() {
        live.preview = None;
    }
    if let Some(task) = live.task.as_mut() {
        let Some(outcome) = future::block_on(future::poll_once(task)) else {
            return;
        };
        live.task = None;
        match outcome {
            Outcome::Prepared(Ok(p)) => live.preview = Some(Arc::from(p)),
            Outcome::Prepared(Err(e)) => {
                // Said once; the next move tries again.
                for m in e.messages() {
                    notices.error(i18n.render(&m));
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
                // One raster at a time is readable: the results of this
                // analysis step back while the preview shows (their walls
                // were seen from elsewhere).
                let id = live.analysis;
                for e in state.results.iter_mut() {
                    if Some(e.analysis) == id && (e.show_ground || e.show_facades) {
                        e.show_ground = false;
                        e.show_facades = false;
                    }
                }
            }
        }
    }
    let busy = live.held.is_some()
        || live.wanted.is_some()
        || live.run_after
        || live.full_run != FullRun::Idle;
    if !busy && let Some(entity) = live.overlay.take() {
        commands.entity(entity).despawn();
    }
    let (Some(values), Some(id)) = (live.wanted.clone(), live.analysis) else {
        return;
    };
    let Some(analysis) = analyses.0.get(id).cloned() else {
        return;
    };
    let pool = AsyncComputeTaskPool::get();
    match live.preview.clone() {
        Some(preview) if preview.serves(&values) => {
            live.wanted = None;
            let key = live.held.or_else(|| analysis.live_point(&values));
            let at = key.and_then(|k| values.point(k));
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
            live.task = Some(task);
        }
        _ => {
            // Prepared for these values; `wanted` stays for the preview.
            let s = inputs.current(scenario.name(&i18n), &scenario);
            let task = pool.spawn(async move {
                let control = pw_analysis::JobControl::default();
                Outcome::Prepared(analysis.prepare_live(&values, &s, &control))
            });
            live.task = Some(task);
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
    if let Some(entity) = live.overlay.take() {
        commands.entity(entity).despawn();
    }
    let material = StandardMaterial {
        base_color_texture: Some(images.add(image)),
        unlit: true,
        alpha_mode: AlphaMode::Mask(0.5),
        double_sided: true,
        cull_mode: None,
        ..default()
    };
    live.overlay = Some(
        commands
            .spawn((
                Name::new("Vorschau"),
                AnalysisOverlay,
                Mesh3d(meshes.add(mesh)),
                MeshMaterial3d(materials.add(material)),
                Transform::IDENTITY,
                Visibility::Visible,
                crate::view::drape::Draped::Result,
                bevy::light::NotShadowCaster,
            ))
            .id(),
    );
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
    if let Some(entity) = live.overlay.take() {
        commands.entity(entity).despawn();
    }
    *live = LiveDrag::default();
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
    city: Res<crate::layers::city_draw::CityLayers>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    ground: Res<GroundLevel>,
    mut last: Local<Option<Vec2>>,
    mut out: MessageWriter<LiveCommand>,
) {
    let Ok(window) = windows.single() else { return };
    let Ok((camera, transform)) = cameras.single() else {
        return;
    };
    let finger = touches.as_ref().and_then(|t| {
        let mut down = t.iter();
        match (down.next(), down.next()) {
            (Some(one), None) => Some(one.position()),
            _ => None,
        }
    });
    let pressed_now = buttons
        .as_ref()
        .is_some_and(|b| b.just_pressed(MouseButton::Left))
        || touches
            .as_ref()
            .is_some_and(|t| t.iter_just_pressed().count() == 1 && t.iter().count() == 1);
    let released = buttons
        .as_ref()
        .is_some_and(|b| b.just_released(MouseButton::Left))
        || touches
            .as_ref()
            .is_some_and(|t| t.iter_just_released().count() > 0 && t.iter().count() == 0);
    let pointer = finger.or_else(|| window.cursor_position());
    if live.held.is_some() {
        if released {
            out.write(LiveCommand::Release);
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
    if !pressed_now || over_ui.0 {
        return;
    }
    let (Some(pos), Some(analysis), Some(form)) =
        (pointer, analyses.0.get(&state.selected), state.form())
    else {
        return;
    };
    let Some(key) = analysis.live_point(form) else {
        return;
    };
    let Some(p) = form.point(key) else { return };
    // The post the map draws for the point: from the ground up to its
    // height (see `overlays::draw_area`).
    let foot = layers
        .terrain_stack()
        .height_at(p.x, p.y)
        .unwrap_or(ground.height);
    let top = p.z.unwrap_or(foot + 2.0).max(foot + 2.0);
    let screen = |z: f64| {
        camera
            .world_to_viewport(transform, frame.world_to_bevy([p.x, p.y, z]))
            .ok()
    };
    if let (Some(a), Some(b)) = (screen(foot), screen(top))
        && distance_to_segment(pos, a, b) <= GRAB_PX
    {
        *last = Some(pos);
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
