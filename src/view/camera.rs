//! The planner's camera: orbit around a target on the ground with mouse,
//! keyboard and touch, smooth fly-to, framing of extents and layers, and
//! saved viewpoints (bookmarks). Input over the UI never moves the camera.

use crate::layers::{LayerId, LayerLoaded, Layers, ViewRequest};
use crate::view::frame::{SceneFrame, enu_to_bevy};
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::input::touch::Touches;
use bevy::prelude::*;
use pw_geo::Extent3;
use pw_scene::Bookmark;

pub const MIN_PITCH: f32 = 5.0;
pub const MAX_PITCH: f32 = 89.5;
pub const MIN_DISTANCE: f32 = 3.0;
/// Far enough to frame a state or the whole country (Germany is ≈ 900 km
/// across).
pub const MAX_DISTANCE: f32 = 2_500_000.0;
pub const FIELD_OF_VIEW_DEG: f32 = 45.0;
const FLY_SECONDS: f32 = 1.2;

/// Orbit state: look at `target` (render frame) from `distance` metres,
/// `heading` degrees clockwise from north, `pitch` degrees below the horizon.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct OrbitCamera {
    pub target: Vec3,
    pub distance: f32,
    pub heading: f32,
    pub pitch: f32,
}

impl Default for OrbitCamera {
    fn default() -> Self {
        OrbitCamera {
            target: Vec3::ZERO,
            distance: 800.0,
            heading: 0.0,
            pitch: 45.0,
        }
    }
}

impl OrbitCamera {
    /// Horizontal unit vector the camera looks along, in the render frame.
    pub fn forward_flat(&self) -> Vec3 {
        let h = self.heading.to_radians();
        enu_to_bevy([h.sin(), h.cos(), 0.0])
    }

    pub fn right_flat(&self) -> Vec3 {
        let h = self.heading.to_radians();
        enu_to_bevy([h.cos(), -h.sin(), 0.0])
    }

    pub fn eye(&self) -> Vec3 {
        let p = self.pitch.to_radians();
        self.target - self.forward_flat() * (p.cos() * self.distance)
            + Vec3::Y * (p.sin() * self.distance)
    }

    pub fn transform(&self) -> Transform {
        let eye = self.eye();
        // Looking straight down needs another "up" than world up.
        let up = if self.pitch > 89.0 {
            self.forward_flat()
        } else {
            Vec3::Y
        };
        Transform::from_translation(eye).looking_at(self.target, up)
    }

    pub fn clamped(mut self) -> Self {
        self.pitch = self.pitch.clamp(MIN_PITCH, MAX_PITCH);
        self.distance = self.distance.clamp(MIN_DISTANCE, MAX_DISTANCE);
        self.heading = self.heading.rem_euclid(360.0);
        self
    }

    pub fn from_bookmark(b: &Bookmark, frame: &SceneFrame) -> Self {
        OrbitCamera {
            target: frame.world_to_bevy(b.target),
            distance: b.distance as f32,
            heading: b.heading as f32,
            pitch: b.pitch as f32,
        }
        .clamped()
    }

    pub fn to_bookmark(&self, name: String, frame: &SceneFrame) -> Bookmark {
        let round = |v: f64, digits: i32| (v * 10f64.powi(digits)).round() / 10f64.powi(digits);
        let t = frame.bevy_to_world(self.target);
        Bookmark {
            name,
            target: [round(t[0], 3), round(t[1], 3), round(t[2], 3)],
            distance: round(self.distance as f64, 2),
            heading: round(self.heading as f64, 2),
            pitch: round(self.pitch as f64, 2),
        }
    }

    /// A view that shows the whole extent, keeping heading and pitch.
    pub fn framing(extent: &Extent3, frame: &SceneFrame, heading: f32, pitch: f32) -> Self {
        let c = extent.center();
        let s = extent.size();
        let radius = (0.5 * (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]).sqrt()).max(20.0) as f32;
        let half_fov = (FIELD_OF_VIEW_DEG * 0.5).to_radians();
        OrbitCamera {
            target: frame.world_to_bevy([c[0], c[1], extent.min[2]]),
            distance: radius / half_fov.sin() * 1.05,
            heading,
            pitch,
        }
        .clamped()
    }

    /// Linear blend with smoothstep easing; heading turns the short way.
    pub fn lerp(&self, to: &OrbitCamera, t: f32) -> OrbitCamera {
        let s = t * t * (3.0 - 2.0 * t);
        let mut dh = (to.heading - self.heading).rem_euclid(360.0);
        if dh > 180.0 {
            dh -= 360.0;
        }
        // Distance blends geometrically so long flights do not crawl at the end.
        let d = self.distance.ln() + (to.distance.ln() - self.distance.ln()) * s;
        OrbitCamera {
            target: self.target.lerp(to.target, s),
            distance: d.exp(),
            heading: (self.heading + dh * s).rem_euclid(360.0),
            pitch: self.pitch + (to.pitch - self.pitch) * s,
        }
    }
}

#[derive(Message, Debug, Clone, PartialEq)]
pub enum CameraCommand {
    Jump(Bookmark),
    FlyTo(Bookmark),
    FrameExtent(Extent3),
    /// Frame everything once all layers of a newly opened scene are loaded.
    FrameAllWhenLoaded,
    FrameLayerWhenLoaded(LayerId),
    ResetNorth,
}

impl From<&ViewRequest> for CameraCommand {
    fn from(request: &ViewRequest) -> Self {
        match request {
            ViewRequest::Jump(b) => CameraCommand::Jump(b.clone()),
            ViewRequest::FlyTo(b) => CameraCommand::FlyTo(b.clone()),
            ViewRequest::FrameExtent(e) => CameraCommand::FrameExtent(*e),
            ViewRequest::FrameAllWhenLoaded => CameraCommand::FrameAllWhenLoaded,
            ViewRequest::FrameLayerWhenLoaded(id) => CameraCommand::FrameLayerWhenLoaded(*id),
        }
    }
}

#[derive(Component, Debug, Clone, Copy)]
pub struct FlyTo {
    pub from: OrbitCamera,
    pub to: OrbitCamera,
    pub elapsed: f32,
}

/// Set each frame by the UI: true while the pointer is over a panel or a
/// window, so camera and picking leave that input to the UI.
#[derive(Resource, Debug, Default)]
pub struct PointerOverUi(pub bool);

/// True while a tool holds the pointer (a point of an analysis dragged on
/// the map): the camera leaves that drag alone.
#[derive(Resource, Debug, Default)]
pub struct PointerHeld(pub bool);

/// Set each frame by the UI: true while a text field has the keyboard, so
/// typing a path or a filter does not fly the camera ("n" is a letter
/// there, not "face north").
#[derive(Resource, Debug, Default)]
pub struct KeyboardOverUi(pub bool);

#[derive(Resource, Debug, Default)]
struct PendingFraming {
    all: bool,
    layer: Option<LayerId>,
}

/// Remembers touches between frames for pinch and twist.
#[derive(Resource, Debug, Default)]
struct TouchGesture {
    previous: Vec<(u64, Vec2)>,
}

pub struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PointerOverUi>()
            .init_resource::<PointerHeld>()
            .init_resource::<KeyboardOverUi>()
            .init_resource::<PendingFraming>()
            .init_resource::<TouchGesture>()
            .add_message::<CameraCommand>()
            // Also registered by the layers; the camera alone (tests) needs it too.
            .add_message::<ViewRequest>()
            .add_systems(
                Update,
                (
                    handle_camera_commands,
                    frame_when_loaded,
                    mouse_and_keyboard_input,
                    touch_input.run_if(resource_exists::<Touches>),
                    animate_fly_to,
                    apply_orbit,
                )
                    .chain()
                    // Framing reads what the layer systems wrote this frame.
                    .after(crate::layers::LayersSystems),
            );
    }
}

fn start_flight(commands: &mut Commands, entity: Entity, from: OrbitCamera, to: OrbitCamera) {
    commands.entity(entity).insert(FlyTo {
        from,
        to: to.clamped(),
        elapsed: 0.0,
    });
}

fn handle_camera_commands(
    mut commands: Commands,
    mut reader: MessageReader<CameraCommand>,
    mut scene: MessageReader<ViewRequest>,
    mut cameras: Query<(Entity, &mut OrbitCamera)>,
    mut pending: ResMut<PendingFraming>,
    frame: Res<SceneFrame>,
) {
    // The UI's commands were written before the scene's (it runs before
    // the layer systems), so this keeps their order.
    let from_scene = scene.read().map(CameraCommand::from);
    for cmd in reader.read().cloned().chain(from_scene) {
        let Ok((entity, mut orbit)) = cameras.single_mut() else {
            continue;
        };
        match &cmd {
            CameraCommand::Jump(b) => {
                *orbit = OrbitCamera::from_bookmark(b, &frame);
                commands.entity(entity).remove::<FlyTo>();
                pending.all = false;
            }
            CameraCommand::FlyTo(b) => start_flight(
                &mut commands,
                entity,
                *orbit,
                OrbitCamera::from_bookmark(b, &frame),
            ),
            CameraCommand::FrameExtent(e) => start_flight(
                &mut commands,
                entity,
                *orbit,
                OrbitCamera::framing(e, &frame, orbit.heading, orbit.pitch),
            ),
            CameraCommand::FrameAllWhenLoaded => pending.all = true,
            CameraCommand::FrameLayerWhenLoaded(id) => pending.layer = Some(*id),
            CameraCommand::ResetNorth => {
                let to = OrbitCamera {
                    heading: 0.0,
                    ..*orbit
                };
                start_flight(&mut commands, entity, *orbit, to);
            }
        }
    }
}

fn frame_when_loaded(
    mut loaded: MessageReader<LayerLoaded>,
    mut pending: ResMut<PendingFraming>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    mut cameras: Query<&mut OrbitCamera>,
) {
    let mut any = false;
    for msg in loaded.read() {
        any = true;
        if pending.layer == Some(msg.owner) {
            pending.layer = None;
            if let (Some(extent), Ok(mut orbit)) = (
                layers.get(msg.owner).and_then(|l| l.extent),
                cameras.single_mut(),
            ) {
                *orbit = OrbitCamera::framing(&extent, &frame, orbit.heading, orbit.pitch);
            }
        }
    }
    let all_done = layers
        .entries
        .iter()
        .all(|l| l.status != crate::layers::LayerStatus::Loading);
    if any
        && pending.all
        && all_done
        && let (Some(extent), Ok(mut orbit)) = (layers.extent(), cameras.single_mut())
    {
        pending.all = false;
        *orbit = OrbitCamera::framing(&extent, &frame, 0.0, 40.0);
    }
}

fn animate_fly_to(
    mut commands: Commands,
    time: Res<Time>,
    mut q: Query<(Entity, &mut OrbitCamera, &mut FlyTo)>,
) {
    for (entity, mut orbit, mut fly) in &mut q {
        fly.elapsed += time.delta_secs();
        let t = (fly.elapsed / FLY_SECONDS).min(1.0);
        *orbit = fly.from.lerp(&fly.to, t);
        if t >= 1.0 {
            *orbit = fly.to;
            commands.entity(entity).remove::<FlyTo>();
        }
    }
}

fn apply_orbit(
    mut q: Query<(&OrbitCamera, &mut Transform, Option<&mut Projection>), Changed<OrbitCamera>>,
) {
    for (orbit, mut transform, projection) in &mut q {
        *transform = orbit.transform();
        if let Some(mut projection) = projection
            && let Projection::Perspective(p) = &mut *projection
        {
            let (near, far) = clip_planes(orbit.distance);
            if p.near != near || p.far != far {
                p.near = near;
                p.far = far;
            }
        }
    }
}

/// Near and far clipping planes for a camera `distance` metres from what
/// it looks at: half a metre up close, growing with the distance so that a
/// whole country stays inside the far plane and depth stays precise.
pub fn clip_planes(distance: f32) -> (f32, f32) {
    let near = (distance / 5_000.0).clamp(0.5, 500.0);
    let far = (distance * 6.0).max(200_000.0);
    (near, far)
}

/// Metres on the ground per screen pixel at the target.
fn metres_per_pixel(orbit: &OrbitCamera, viewport_height: f32) -> f32 {
    2.0 * orbit.distance * (FIELD_OF_VIEW_DEG * 0.5).to_radians().tan() / viewport_height.max(1.0)
}

#[allow(clippy::too_many_arguments)]
fn mouse_and_keyboard_input(
    mut commands: Commands,
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    keys: Option<Res<ButtonInput<KeyCode>>>,
    motion: Option<Res<AccumulatedMouseMotion>>,
    scroll: Option<Res<AccumulatedMouseScroll>>,
    over_ui: Res<PointerOverUi>,
    held: Res<PointerHeld>,
    typing: Res<KeyboardOverUi>,
    time: Res<Time>,
    mut q: Query<(Entity, &mut OrbitCamera, Option<&Camera>)>,
) {
    let Ok((entity, mut orbit, camera)) = q.single_mut() else {
        return;
    };
    let vh = camera
        .and_then(|c| c.logical_viewport_size())
        .map(|s| s.y)
        .unwrap_or(800.0);
    let mut changed = *orbit;
    let dt = time.delta_secs();

    if !over_ui.0 && !held.0 {
        if let (Some(buttons), Some(motion)) = (&buttons, &motion) {
            let d = motion.delta;
            if d != Vec2::ZERO {
                let rotate = buttons.pressed(MouseButton::Right)
                    || buttons.pressed(MouseButton::Middle)
                    || (buttons.pressed(MouseButton::Left)
                        && keys.as_ref().is_some_and(|k| {
                            k.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight])
                        }));
                if rotate {
                    changed.heading += d.x * 0.25;
                    changed.pitch += d.y * 0.2;
                } else if buttons.pressed(MouseButton::Left) {
                    let m = metres_per_pixel(&changed, vh);
                    changed.target +=
                        (-changed.right_flat() * d.x + changed.forward_flat() * d.y) * m;
                }
            }
        }
        if let Some(scroll) = &scroll {
            let lines = match scroll.unit {
                MouseScrollUnit::Line => scroll.delta.y,
                MouseScrollUnit::Pixel => scroll.delta.y / 60.0,
            };
            if lines != 0.0 {
                changed.distance *= 0.85f32.powf(lines);
            }
        }
    }
    if let Some(keys) = keys.as_ref().filter(|_| !typing.0) {
        let pan = changed.distance * 0.8 * dt;
        let pressed = |a: KeyCode, b: KeyCode| keys.pressed(a) || keys.pressed(b);
        if pressed(KeyCode::KeyW, KeyCode::ArrowUp) {
            changed.target += changed.forward_flat() * pan;
        }
        if pressed(KeyCode::KeyS, KeyCode::ArrowDown) {
            changed.target -= changed.forward_flat() * pan;
        }
        if pressed(KeyCode::KeyD, KeyCode::ArrowRight) {
            changed.target += changed.right_flat() * pan;
        }
        if pressed(KeyCode::KeyA, KeyCode::ArrowLeft) {
            changed.target -= changed.right_flat() * pan;
        }
        if keys.pressed(KeyCode::KeyQ) {
            changed.heading -= 60.0 * dt;
        }
        if keys.pressed(KeyCode::KeyE) {
            changed.heading += 60.0 * dt;
        }
        if keys.pressed(KeyCode::KeyR) {
            changed.pitch += 40.0 * dt;
        }
        if keys.pressed(KeyCode::KeyF) {
            changed.pitch -= 40.0 * dt;
        }
        if pressed(KeyCode::PageUp, KeyCode::NumpadAdd) {
            changed.distance *= 1.0 - 1.2 * dt;
        }
        if pressed(KeyCode::PageDown, KeyCode::NumpadSubtract) {
            changed.distance *= 1.0 + 1.2 * dt;
        }
        if keys.just_pressed(KeyCode::KeyN) {
            changed.heading = 0.0;
        }
    }
    let changed = changed.clamped();
    if changed != *orbit {
        *orbit = changed;
        commands.entity(entity).remove::<FlyTo>();
    }
}

/// One finger pans, two fingers pinch to zoom, twist to turn and move up or
/// down together to tilt — as on a map app, for the workshop touch tables.
fn touch_input(
    mut commands: Commands,
    touches: Res<Touches>,
    over_ui: Res<PointerOverUi>,
    held: Res<PointerHeld>,
    mut gesture: ResMut<TouchGesture>,
    mut q: Query<(Entity, &mut OrbitCamera, Option<&Camera>)>,
) {
    let current: Vec<(u64, Vec2)> = touches.iter().map(|t| (t.id(), t.position())).collect();
    let previous = std::mem::replace(&mut gesture.previous, current.clone());
    if over_ui.0 || held.0 || current.is_empty() {
        return;
    }
    let Ok((entity, mut orbit, camera)) = q.single_mut() else {
        return;
    };
    let vh = camera
        .and_then(|c| c.logical_viewport_size())
        .map(|s| s.y)
        .unwrap_or(800.0);
    let before = |id: u64| previous.iter().find(|(p, _)| *p == id).map(|(_, pos)| *pos);
    let mut changed = *orbit;
    match current.as_slice() {
        [(id, pos)] => {
            if let Some(old) = before(*id) {
                let d = *pos - old;
                let m = metres_per_pixel(&changed, vh);
                changed.target += (-changed.right_flat() * d.x + changed.forward_flat() * d.y) * m;
            }
        }
        [(id_a, a), (id_b, b), ..] => {
            if let (Some(oa), Some(ob)) = (before(*id_a), before(*id_b)) {
                let (old_span, new_span) = ((ob - oa).length(), (*b - *a).length());
                if old_span > 1.0 && new_span > 1.0 {
                    changed.distance *= old_span / new_span;
                }
                let old_angle = (ob - oa).to_angle();
                let new_angle = (*b - *a).to_angle();
                let mut twist = (new_angle - old_angle).to_degrees();
                if twist > 180.0 {
                    twist -= 360.0;
                } else if twist < -180.0 {
                    twist += 360.0;
                }
                changed.heading -= twist;
                let mid_dy = ((*a + *b) - (oa + ob)).y * 0.5;
                changed.pitch += mid_dy * 0.2;
            }
        }
        [] => {}
    }
    let changed = changed.clamped();
    if changed != *orbit {
        *orbit = changed;
        commands.entity(entity).remove::<FlyTo>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::input::InputPlugin;
    use bevy::input::touch::{TouchInput, TouchPhase};

    fn frame() -> SceneFrame {
        SceneFrame::new(pw_geo::Crs::ETRS89_UTM32, [681_000.0, 5_644_000.0, 150.0])
    }

    /// Germany's districts (≈ 870 × 640 km) are framed whole, inside the
    /// far plane, with the near plane not closer than needed.
    #[test]
    fn a_country_wide_layer_is_framed_whole() {
        let f = frame();
        let e = Extent3 {
            min: [280_000.0, 5_240_000.0, 0.0],
            max: [920_000.0, 6_110_000.0, 2_000.0],
        };
        let o = OrbitCamera::framing(&e, &f, 0.0, 45.0);
        let radius = 0.5 * (640_000f32.powi(2) + 870_000f32.powi(2) + 2_000f32.powi(2)).sqrt();
        assert!(
            o.distance >= radius / (FIELD_OF_VIEW_DEG * 0.5).to_radians().sin(),
            "distance {} for a radius of {radius} m",
            o.distance
        );
        let (near, far) = clip_planes(o.distance);
        assert!(far > o.distance + radius, "far plane {far}");
        assert!(near < o.distance / 1_000.0 && near >= 0.5);
        assert_eq!(clip_planes(300.0), (0.5, 200_000.0), "up close as before");
    }

    #[test]
    fn eye_is_south_of_target_when_looking_north() {
        let o = OrbitCamera {
            target: Vec3::ZERO,
            distance: 100.0,
            heading: 0.0,
            pitch: 30.0,
        };
        let eye = o.eye();
        // Looking north (−Z) means standing south (+Z) and above.
        assert!((eye.z - 100.0 * 30f32.to_radians().cos()).abs() < 1e-3);
        assert!((eye.y - 50.0).abs() < 1e-3);
        let fwd = o.transform().forward();
        assert!((SceneFrame::heading_of(*fwd) - 0.0).abs() < 0.01);
    }

    #[test]
    fn bookmark_round_trip_keeps_the_view() {
        let f = frame();
        let b = Bookmark {
            name: "Markt".into(),
            target: [681_234.5, 5_644_321.25, 155.0],
            distance: 420.0,
            heading: 30.0,
            pitch: 35.0,
        };
        let o = OrbitCamera::from_bookmark(&b, &f);
        let back = o.to_bookmark("Markt".into(), &f);
        assert_eq!(back, b);
    }

    #[test]
    fn framing_sees_the_whole_extent() {
        let f = frame();
        let e = Extent3 {
            min: [680_500.0, 5_643_500.0, 140.0],
            max: [681_500.0, 5_644_500.0, 200.0],
        };
        let o = OrbitCamera::framing(&e, &f, 0.0, 40.0);
        let half_fov = (FIELD_OF_VIEW_DEG / 2.0).to_radians();
        // The extent's bounding sphere (radius ≈ 708 m) fits the view cone.
        assert!(o.distance * half_fov.sin() >= 707.0, "{}", o.distance);
        assert_eq!(f.bevy_to_world(o.target)[0], 681_000.0);
    }

    #[test]
    fn flight_ends_exactly_at_the_goal_and_turns_the_short_way() {
        let a = OrbitCamera {
            heading: 350.0,
            ..Default::default()
        };
        let b = OrbitCamera {
            heading: 10.0,
            target: Vec3::new(100.0, 0.0, 0.0),
            ..Default::default()
        };
        let mid = a.lerp(&b, 0.5);
        assert!(mid.heading < 1.0 || mid.heading > 359.0, "{}", mid.heading);
        assert_eq!(a.lerp(&b, 1.0).target, b.target);
    }

    /// `real_input`: the InputPlugin turns touch messages into `Touches`.
    /// Without it, input resources are set by hand (the plugin would clear
    /// them in PreUpdate before the camera sees them).
    fn app_with(real_input: bool) -> App {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins);
        if real_input {
            app.add_plugins(InputPlugin);
        } else {
            app.init_resource::<ButtonInput<KeyCode>>()
                .init_resource::<ButtonInput<MouseButton>>()
                .init_resource::<AccumulatedMouseMotion>()
                .init_resource::<AccumulatedMouseScroll>();
        }
        app.insert_resource(frame())
            .init_resource::<Layers>()
            .add_message::<LayerLoaded>()
            .add_plugins(CameraPlugin);
        app.world_mut()
            .spawn((OrbitCamera::default(), Transform::default()));
        app.update();
        app
    }

    fn camera_app() -> App {
        app_with(false)
    }

    fn touch_app() -> App {
        app_with(true)
    }

    fn orbit(app: &mut App) -> OrbitCamera {
        *app.world_mut()
            .query::<&OrbitCamera>()
            .single(app.world())
            .unwrap()
    }

    #[test]
    fn keyboard_pans_rotates_and_tilts() {
        let mut app = camera_app();
        let start = orbit(&mut app);
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .press(KeyCode::KeyE);
        for _ in 0..5 {
            app.update();
        }
        assert!(orbit(&mut app).heading > start.heading, "E turns clockwise");
        let mut keys = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        keys.release(KeyCode::KeyE);
        keys.clear();
        keys.press(KeyCode::KeyN);
        app.update();
        assert_eq!(orbit(&mut app).heading, 0.0, "N faces north");

        // While a text field has the keyboard, letters are text.
        app.world_mut().resource_mut::<KeyboardOverUi>().0 = true;
        let before = orbit(&mut app);
        let mut keys = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        keys.release(KeyCode::KeyN);
        keys.clear();
        keys.press(KeyCode::KeyW);
        keys.press(KeyCode::KeyE);
        for _ in 0..5 {
            app.update();
        }
        assert_eq!(orbit(&mut app), before, "typing moves nothing");
    }

    #[test]
    fn mouse_wheel_zooms_and_ui_blocks_it() {
        let mut app = camera_app();
        let start = orbit(&mut app).distance;
        app.world_mut()
            .resource_mut::<AccumulatedMouseScroll>()
            .delta = Vec2::new(0.0, 2.0);
        app.update();
        app.world_mut()
            .resource_mut::<AccumulatedMouseScroll>()
            .delta = Vec2::ZERO;
        let zoomed = orbit(&mut app).distance;
        assert!((zoomed - start * 0.85 * 0.85).abs() < 0.5, "{zoomed}");
        app.world_mut().resource_mut::<PointerOverUi>().0 = true;
        app.world_mut()
            .resource_mut::<AccumulatedMouseScroll>()
            .delta = Vec2::new(0.0, 2.0);
        app.update();
        assert_eq!(
            orbit(&mut app).distance,
            zoomed,
            "wheel over a panel does not zoom"
        );
    }

    /// The left button down and the mouse moved 100 px to the left, for
    /// one frame.
    fn drag_left(app: &mut App) {
        app.world_mut()
            .resource_mut::<ButtonInput<MouseButton>>()
            .press(MouseButton::Left);
        app.world_mut()
            .resource_mut::<AccumulatedMouseMotion>()
            .delta = Vec2::new(-100.0, 0.0);
        app.update();
    }

    #[test]
    fn left_drag_pans_right_drag_rotates() {
        let mut app = camera_app();
        let start = orbit(&mut app);
        drag_left(&mut app);
        app.world_mut()
            .resource_mut::<AccumulatedMouseMotion>()
            .delta = Vec2::ZERO;
        let panned = orbit(&mut app);
        // Dragging the map to the left moves the view east (+X).
        assert!(
            panned.target.x > start.target.x + 10.0,
            "{:?}",
            panned.target
        );
        app.world_mut()
            .resource_mut::<ButtonInput<MouseButton>>()
            .release(MouseButton::Left);
        app.world_mut()
            .resource_mut::<ButtonInput<MouseButton>>()
            .press(MouseButton::Right);
        app.world_mut()
            .resource_mut::<AccumulatedMouseMotion>()
            .delta = Vec2::new(40.0, 20.0);
        app.update();
        let rotated = orbit(&mut app);
        assert_eq!(rotated.heading, 10.0);
        assert_eq!(rotated.pitch, 49.0);
    }

    /// A tool holding the pointer (an analysis point dragged on the map):
    /// the same drag leaves the camera where it is.
    #[test]
    fn a_held_pointer_does_not_pan() {
        let mut app = camera_app();
        let start = orbit(&mut app);
        app.world_mut().resource_mut::<PointerHeld>().0 = true;
        drag_left(&mut app);
        assert_eq!(orbit(&mut app), start);
        app.world_mut().resource_mut::<PointerHeld>().0 = false;
        app.update();
        assert!(orbit(&mut app).target.x > start.target.x + 10.0);
    }

    fn touch(app: &mut App, id: u64, phase: TouchPhase, x: f32, y: f32) {
        let window = app.world_mut().spawn_empty().id();
        app.world_mut().write_message(TouchInput {
            phase,
            position: Vec2::new(x, y),
            window,
            force: None,
            id,
        });
    }

    #[test]
    fn pinch_zooms_and_twist_rotates() {
        let mut app = touch_app();
        let start = orbit(&mut app);
        touch(&mut app, 1, TouchPhase::Started, 400.0, 400.0);
        touch(&mut app, 2, TouchPhase::Started, 500.0, 400.0);
        app.update();
        // Fingers spread to twice the distance: zoom in by half.
        touch(&mut app, 1, TouchPhase::Moved, 350.0, 400.0);
        touch(&mut app, 2, TouchPhase::Moved, 550.0, 400.0);
        app.update();
        let pinched = orbit(&mut app);
        assert!(
            (pinched.distance - start.distance / 2.0).abs() < 1.0,
            "{}",
            pinched.distance
        );
        // Twist by 90°.
        touch(&mut app, 1, TouchPhase::Moved, 450.0, 300.0);
        touch(&mut app, 2, TouchPhase::Moved, 450.0, 500.0);
        app.update();
        let twisted = orbit(&mut app);
        assert!((twisted.heading - 270.0).abs() < 0.5, "{}", twisted.heading);
    }

    #[test]
    fn bookmark_fly_to_arrives() {
        let mut app = camera_app();
        let b = Bookmark {
            name: "x".into(),
            target: [681_100.0, 5_644_000.0, 150.0],
            distance: 300.0,
            heading: 90.0,
            pitch: 60.0,
        };
        app.world_mut()
            .write_message(CameraCommand::FlyTo(b.clone()));
        app.update();
        assert!(
            app.world_mut()
                .query::<&FlyTo>()
                .single(app.world())
                .is_ok(),
            "flight started"
        );
        // Real time passes; virtual time advances at most 250 ms per frame.
        let start = std::time::Instant::now();
        while app
            .world_mut()
            .query::<&FlyTo>()
            .single(app.world())
            .is_ok()
        {
            assert!(start.elapsed().as_secs() < 10, "flight never ended");
            std::thread::sleep(std::time::Duration::from_millis(100));
            app.update();
        }
        let o = orbit(&mut app);
        assert!(
            (o.target.x - 100.0).abs() < 1e-3 && o.heading == 90.0 && o.pitch == 60.0,
            "{o:?}"
        );
        assert!(
            app.world_mut()
                .query::<&FlyTo>()
                .single(app.world())
                .is_err(),
            "flight finished"
        );
    }
}
