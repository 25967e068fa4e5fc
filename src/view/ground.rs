//! A ground plane under the city until terrain arrives, and the default
//! sky colour and ambient light (the sun plugin changes both with the time). The plane sits at the lowest building base of the loaded layers
//! and reaches far beyond them so the horizon looks like land, not void.

use crate::layers::Layers;
use crate::layers::city_draw::CityLayers;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;

/// Sky and ground colours (sRGB) also checked by the screenshot test.
pub const SKY: [f32; 3] = [0.62, 0.78, 0.93];
pub const GROUND_FIELD: [f32; 3] = [0.56, 0.64, 0.45];

/// Height (scene CRS) of the ground plane.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct GroundLevel {
    pub height: f64,
}

#[derive(Component)]
pub struct GroundPlane;

pub struct GroundPlugin;

impl Plugin for GroundPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<GroundLevel>()
            .insert_resource(ClearColor(Color::srgb(SKY[0], SKY[1], SKY[2])))
            .add_systems(Startup, spawn_ground_and_lights)
            .add_systems(Update, follow_layers.after(crate::layers::LayersSystems));
    }
}

fn spawn_ground_and_lights(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands.spawn((
        Name::new("Boden"),
        GroundPlane,
        Mesh3d(meshes.add(Plane3d::new(Vec3::Y, Vec2::splat(0.5)).mesh())),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(GROUND_FIELD[0], GROUND_FIELD[1], GROUND_FIELD[2]),
            perceptual_roughness: 1.0,
            reflectance: 0.05,
            ..default()
        })),
        Transform::from_scale(Vec3::new(20_000.0, 1.0, 20_000.0)),
    ));
    // The sun light itself is the sun plugin's (it follows the clock).
    commands.insert_resource(GlobalAmbientLight {
        color: Color::WHITE,
        brightness: 900.0,
        ..default()
    });
}

fn follow_layers(
    layers: Res<Layers>,
    city: Res<CityLayers>,
    frame: Res<SceneFrame>,
    mut level: ResMut<GroundLevel>,
    mut plane: Query<&mut Transform, With<GroundPlane>>,
) {
    if !layers.is_changed() && !city.is_changed() && !frame.is_changed() {
        return;
    }
    let (height, size, center) = match layers.extent() {
        Some(e) => {
            let s = e.size();
            (
                e.min[2] - 0.05,
                (s[0].max(s[1]) * 20.0).max(20_000.0),
                e.center(),
            )
        }
        None => (frame.origin.world[2], 20_000.0, frame.origin.world),
    };
    if level.height != height {
        level.height = height;
    }
    if let Ok(mut t) = plane.single_mut() {
        let c = frame.world_to_bevy([center[0], center[1], height]);
        *t = Transform::from_translation(c).with_scale(Vec3::new(size as f32, 1.0, size as f32));
    }
}
