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

/// The plane reaches this far at most: far enough to look like land to
/// the horizon of any city view, small enough that its f32 corners keep
/// centimetres (a country-wide plane had metre steps: moiré and flicker).
pub const MAX_PLANE_SIZE_M: f64 = 200_000.0;
/// … and at least this far.
const MIN_PLANE_SIZE_M: f64 = 20_000.0;

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
        // It receives shadows; casting them onto itself only makes acne.
        bevy::light::NotShadowCaster,
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
    // Only what stands on the ground sets it: a draped district layer of
    // all Germany, shown or hidden, moves neither its height nor its size.
    let height = layers.ground_height(frame.origin.world[2]);
    let (size, center) = match layers.ground_extent() {
        Some(e) => {
            let s = e.size();
            (
                (s[0].max(s[1]) * 20.0).clamp(MIN_PLANE_SIZE_M, MAX_PLANE_SIZE_M),
                e.center(),
            )
        }
        None => (MIN_PLANE_SIZE_M, frame.origin.world),
    };
    if level.height != height {
        level.height = height;
    }
    if let Ok(mut t) = plane.single_mut() {
        let c = frame.world_to_bevy([center[0], center[1], height]);
        *t = Transform::from_translation(c).with_scale(Vec3::new(size as f32, 1.0, size as f32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_core_app, run_until};
    use crate::layers::city_draw::CityBatch;
    use crate::layers::{LayerStatus, SceneCommand};
    use crate::view::drape::Draped;
    use bevy::light::NotShadowCaster;
    use std::path::PathBuf;

    /// Karlsruhe's LoD2 buildings with heights from 0 m, in a scene whose
    /// origin says 36 m, and all German districts (BKG VG5000) beside them.
    fn karlsruhe_and_germany(dir: &std::path::Path, districts_visible: bool) -> PathBuf {
        let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        std::fs::create_dir_all(dir).unwrap();
        let scene = dir.join("karlsruhe.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"Karlsruhe\"\ncrs = \"EPSG:25832\"\norigin = [457000.0, 5429000.0, 36.0]\n\n\
                 [[layers]]\nname = \"Kreise\"\nkind = \"vector\"\nvisible = {districts_visible}\npath = \"{}\"\n\n\
                 [[layers]]\nname = \"Innenstadt\"\nkind = \"citygml\"\npath = \"{}\"\n",
                data.join("vector/bkg_vg5000_wgs84/Ebene_Kreise.geojson").display(),
                data.join("citygml/karlsruhe/innenstadt_ost_4326_lod2.gml").display(),
            ),
        )
        .unwrap();
        scene
    }

    fn loaded(app: &mut App) -> bool {
        let layers = app.world().resource::<Layers>();
        layers.entries.len() == 2
            && layers.entries.iter().all(|e| e.status == LayerStatus::Ready)
            // Loaded again onto the ground when the city came second.
            && layers.entries.iter().all(|e| e.draped_on.is_none_or(|g| {
                (g - layers.ground_height(36.0)).abs() < 0.01
            }))
    }

    #[test]
    fn draped_districts_lie_on_the_citys_ground_and_move_neither_it_nor_the_plane() {
        for visible in [true, false] {
            let dir =
                std::env::temp_dir().join(format!("pw-ground-{visible}-{}", std::process::id()));
            let scene = karlsruhe_and_germany(&dir, visible);
            let mut app = headless_core_app();
            app.add_plugins(GroundPlugin);
            app.world_mut().write_message(SceneCommand::Open(scene));
            run_until(&mut app, loaded);
            for _ in 0..3 {
                app.update();
            }
            let layers = app.world().resource::<Layers>();
            let city = layers.entries[1].extent.unwrap();
            let districts = layers.entries[0].extent.unwrap();
            let district_layer = layers.entries[0].id;
            // The buildings stand at 0 m: the ground is there, not at 36 m.
            let level = app.world().resource::<GroundLevel>().height;
            assert!((level - (city.min[2] - 0.05)).abs() < 1e-9, "{level}");
            assert!(level.abs() < 1.0, "{level}");
            // The districts lie 0.3 m above that ground, under the roofs.
            assert!(
                (districts.min[2] - (level + 0.3)).abs() < 0.01,
                "{districts:?}"
            );
            assert!(
                (districts.max[2] - (level + 0.3)).abs() < 0.01,
                "{districts:?}"
            );
            // The plane is the city's (≤ 200 km), not Germany's 17,000 km.
            let mut plane = app
                .world_mut()
                .query_filtered::<(&Transform, Has<NotShadowCaster>), With<GroundPlane>>();
            let (t, no_shadow) = plane.single(app.world()).unwrap();
            assert!(t.scale.x as f64 <= MAX_PLANE_SIZE_M, "{}", t.scale.x);
            assert!(no_shadow, "the plane casts no shadow onto itself");
            // Every batch of the districts is draped and casts no shadow;
            // the buildings' cast.
            let mut batches = app
                .world_mut()
                .query::<(&CityBatch, Option<&Draped>, Has<NotShadowCaster>)>();
            let (mut draped, mut standing) = (0, 0);
            for (b, d, no_shadow) in batches.iter(app.world()) {
                if b.batch == usize::MAX {
                    continue;
                }
                if b.layer == district_layer {
                    assert_eq!(d, Some(&Draped::Feature));
                    assert!(no_shadow);
                    draped += 1;
                } else {
                    assert!(d.is_none() && !no_shadow);
                    standing += 1;
                }
            }
            assert!(draped > 0 && standing > 0, "{draped} {standing}");
            std::fs::remove_dir_all(&dir).ok();
        }
    }
}
