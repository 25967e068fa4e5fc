//! Two scenarios at once: side by side (split view: two synchronised 3D
//! views) or over each other with a divider the user drags (swipe). The
//! main camera draws the left scenario, a second camera — following the
//! first in every frame, so camera, time and overlays are the same — the
//! right one. Each side's own buildings are on render layer 1 (left) or 2
//! (right), put there by `scenario::compare`; everything else is shared
//! (put on both layers while comparing). Each side has its own sun, so
//! that a building casts its shadow only on its own side: a light's
//! shadow casters are the entities on its layers.

use crate::view::camera::OrbitCamera;
use crate::view::sun::SunLight;
use bevy::camera::visibility::RenderLayers;
use bevy::camera::{SubCameraView, Viewport};
use bevy::prelude::*;

/// Render layer of what only the left side shows.
pub const LEFT: usize = 1;
/// Render layer of what only the right side shows.
pub const RIGHT: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompareMode {
    #[default]
    Off,
    /// Two views side by side, each with the whole picture.
    Split,
    /// One picture; left of the divider one scenario, right the other.
    Swipe,
}

/// What is compared and how.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Comparison {
    pub mode: CompareMode,
    /// Scenario names (None: Bestand).
    pub left: Option<String>,
    pub right: Option<String>,
    /// Where the swipe divider stands, 0 … 1 of the view's width.
    pub divider: f32,
}

impl Default for Comparison {
    fn default() -> Self {
        Comparison {
            mode: CompareMode::Off,
            left: None,
            right: None,
            divider: 0.5,
        }
    }
}

/// The part of the window the 3D view gets (physical pixels: position,
/// size), set by the UI: the space its panels leave.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct ViewArea(pub Option<(UVec2, UVec2)>);

/// The second camera of a comparison (the right side).
#[derive(Component)]
pub struct CompareCamera;

/// The right side's sun (the scene's sun lights the left side).
#[derive(Component)]
pub struct CompareSun;

/// Put on both sides' layers for the time of a comparison.
#[derive(Component)]
struct Shared;

/// Viewports (and sub-views for the swipe) of the left and right camera in
/// a view area at `pos` of `size`. Split: halves with a picture each.
/// Swipe: the halves of one picture (the projection of the whole area).
pub fn viewports(
    pos: UVec2,
    size: UVec2,
    mode: CompareMode,
    divider: f32,
) -> [(Viewport, Option<SubCameraView>); 2] {
    let at = |x: u32, w: u32| Viewport {
        physical_position: UVec2::new(pos.x + x, pos.y),
        physical_size: UVec2::new(w.max(1), size.y),
        ..default()
    };
    match mode {
        CompareMode::Off | CompareMode::Split => {
            let half = size.x / 2;
            [(at(0, half), None), (at(half, size.x - half), None)]
        }
        CompareMode::Swipe => {
            // At least a pixel each: a camera with an empty viewport fails.
            let x = ((size.x as f32 * divider.clamp(0.0, 1.0)) as u32)
                .clamp(1, size.x.saturating_sub(1).max(1));
            let sub = |offset: u32, w: u32| SubCameraView {
                full_size: size,
                offset: Vec2::new(offset as f32, 0.0),
                size: UVec2::new(w.max(1), size.y),
            };
            [
                (at(0, x), Some(sub(0, x))),
                (at(x, size.x - x), Some(sub(x, size.x - x))),
            ]
        }
    }
}

pub struct ComparePlugin;

impl Plugin for ComparePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Comparison>()
            .init_resource::<ViewArea>()
            .add_systems(
                PostUpdate,
                (arrange_cameras, share_the_world, sun_for_each_side)
                    .before(TransformSystems::Propagate),
            );
    }
}

type MainCamera<'a> = (
    Entity,
    &'a mut Camera,
    &'a Transform,
    &'a Projection,
    Option<&'a RenderLayers>,
);

/// Gives the 3D view its area; in a comparison splits it between the main
/// camera and a second one that copies the main one's place and lens.
fn arrange_cameras(
    mut commands: Commands,
    area: Res<ViewArea>,
    comparison: Res<Comparison>,
    mut main: Query<MainCamera, (With<OrbitCamera>, Without<CompareCamera>)>,
    mut second: Query<(Entity, &mut Camera, &mut Transform, &mut Projection), With<CompareCamera>>,
) {
    let Ok((entity, mut camera, transform, projection, layers)) = main.single_mut() else {
        return;
    };
    let whole = area.0.map(|(pos, size)| Viewport {
        physical_position: pos,
        physical_size: size,
        ..default()
    });
    let set = |camera: &mut Camera, viewport: Option<Viewport>, sub: Option<SubCameraView>| {
        let same_viewport = match (&camera.viewport, &viewport) {
            (Some(a), Some(b)) => {
                a.physical_position == b.physical_position && a.physical_size == b.physical_size
            }
            (None, None) => true,
            _ => false,
        };
        if !same_viewport {
            camera.viewport = viewport;
        }
        if camera.sub_camera_view != sub {
            camera.sub_camera_view = sub;
        }
    };
    if comparison.mode == CompareMode::Off {
        set(&mut camera, whole, None);
        if layers.is_some() {
            commands.entity(entity).remove::<RenderLayers>();
        }
        for (e, ..) in &second {
            commands.entity(e).despawn();
        }
        return;
    }
    let left_layers = RenderLayers::layer(LEFT);
    if layers != Some(&left_layers) {
        commands.entity(entity).insert(left_layers);
    }
    let sides = area
        .0
        .map(|(pos, size)| viewports(pos, size, comparison.mode, comparison.divider));
    set(
        &mut camera,
        sides.as_ref().map(|s| s[0].0.clone()).or(whole),
        sides.as_ref().and_then(|s| s[0].1),
    );
    match second.single_mut() {
        Ok((_, mut cam, mut t, mut p)) => {
            set(
                &mut cam,
                sides.as_ref().map(|s| s[1].0.clone()),
                sides.as_ref().and_then(|s| s[1].1),
            );
            if *t != *transform {
                *t = *transform;
            }
            let same = match (&*p, projection) {
                (Projection::Perspective(a), Projection::Perspective(b)) => {
                    a.fov == b.fov && a.near == b.near && a.far == b.far
                }
                _ => false,
            };
            if !same {
                *p = projection.clone();
            }
        }
        Err(_) => {
            commands.spawn((
                Name::new("Vergleichskamera"),
                CompareCamera,
                Camera3d::default(),
                Camera {
                    viewport: sides.as_ref().map(|s| s[1].0.clone()),
                    sub_camera_view: sides.as_ref().and_then(|s| s[1].1),
                    // After the left view, before the UI (2): one order
                    // per camera on the window. The window's texture is
                    // cleared once per frame, whoever draws first.
                    order: 1,
                    ..default()
                },
                projection.clone(),
                Msaa::Sample4,
                *transform,
                RenderLayers::layer(RIGHT),
            ));
        }
    }
}

/// While comparing, everything drawn that is not one side's own (city,
/// terrain, results, markers, gizmos) is on both sides' layers; after, on
/// the default layer again.
fn share_the_world(
    mut commands: Commands,
    comparison: Res<Comparison>,
    untagged: Query<Entity, (With<Mesh3d>, Without<RenderLayers>)>,
    shared: Query<Entity, With<Shared>>,
    gizmos: Option<ResMut<GizmoConfigStore>>,
) {
    let on = comparison.mode != CompareMode::Off;
    let both = RenderLayers::from_layers(&[LEFT, RIGHT]);
    if on {
        for e in &untagged {
            commands.entity(e).insert((both.clone(), Shared));
        }
    } else {
        for e in &shared {
            commands.entity(e).remove::<(RenderLayers, Shared)>();
        }
    }
    if let Some(mut store) = gizmos {
        let (config, _) = store.config_mut::<DefaultGizmoConfigGroup>();
        let want = if on { both } else { RenderLayers::default() };
        if config.render_layers != want {
            config.render_layers = want;
        }
    }
}

type SunCopy<'a> = (Entity, &'a mut DirectionalLight, &'a mut Transform);

/// The scene's sun lights the left side; a copy of it, following it, the
/// right side.
fn sun_for_each_side(
    mut commands: Commands,
    comparison: Res<Comparison>,
    sun: Query<(Entity, &DirectionalLight, &Transform, Option<&RenderLayers>), With<SunLight>>,
    mut copy: Query<SunCopy, (With<CompareSun>, Without<SunLight>)>,
) {
    let Ok((entity, light, transform, layers)) = sun.single() else {
        return;
    };
    if comparison.mode == CompareMode::Off {
        if layers.is_some() {
            commands.entity(entity).remove::<RenderLayers>();
        }
        for (e, ..) in &copy {
            commands.entity(e).despawn();
        }
        return;
    }
    if layers != Some(&RenderLayers::layer(LEFT)) {
        commands.entity(entity).insert(RenderLayers::layer(LEFT));
    }
    match copy.single_mut() {
        Ok((_, mut l, mut t)) => {
            if l.illuminance != light.illuminance || l.color != light.color {
                *l = *light;
            }
            if *t != *transform {
                *t = *transform;
            }
        }
        Err(_) => {
            commands.spawn((
                Name::new("Sonne (rechte Seite)"),
                CompareSun,
                *light,
                *transform,
                RenderLayers::layer(RIGHT),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_halves_and_swipe_cuts_one_picture() {
        let pos = UVec2::new(300, 40);
        let size = UVec2::new(1000, 800);
        let [l, r] = viewports(pos, size, CompareMode::Split, 0.3);
        assert_eq!(
            (l.0.physical_position, l.0.physical_size),
            (pos, UVec2::new(500, 800))
        );
        assert_eq!(
            (r.0.physical_position, r.0.physical_size),
            (UVec2::new(800, 40), UVec2::new(500, 800))
        );
        assert!(l.1.is_none() && r.1.is_none(), "each half its own picture");
        let [l, r] = viewports(pos, size, CompareMode::Swipe, 0.3);
        assert_eq!(l.0.physical_size, UVec2::new(300, 800));
        assert_eq!(r.0.physical_position, UVec2::new(600, 40));
        assert_eq!(r.0.physical_size, UVec2::new(700, 800));
        let (ls, rs) = (l.1.unwrap(), r.1.unwrap());
        assert_eq!((ls.full_size, rs.full_size), (size, size));
        assert_eq!((ls.offset, rs.offset), (Vec2::ZERO, Vec2::new(300.0, 0.0)));
        // The divider at an edge still leaves each camera a pixel.
        let [l, r] = viewports(pos, size, CompareMode::Swipe, 0.0);
        assert_eq!(l.0.physical_size.x, 1);
        assert_eq!(r.0.physical_size.x, 999);
    }
}
