//! Assembling the workbench from its plugins.

use crate::camera::{CameraPlugin, FIELD_OF_VIEW_DEG, OrbitCamera};
use crate::city_layer::CityLayerPlugin;
use crate::clock::ClockPlugin;
use crate::ground::GroundPlugin;
use crate::layers::{LayersPlugin, SceneCommand};
use crate::picking::PickingPlugin;
use crate::screenshot::ScreenshotPlugin;
use crate::settings::{SettingsPlugin, SettingsStore};
use crate::sun::SunPlugin;
use crate::tiles_layer::TilesLayerPlugin;
use crate::ui::{AppMode, UiPlugin, UiState};
use bevy::camera::PerspectiveProjection;
use bevy::prelude::*;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct AppOptions {
    pub scene: PathBuf,
    pub screenshot: Option<PathBuf>,
    pub window_size: (u32, u32),
    pub workshop: bool,
    pub settings: SettingsStore,
    /// Run the sun-hours analysis of this day once the scene is loaded.
    pub sun_hours: Option<String>,
    /// Fly through the scene's bookmarks, report frame times, quit.
    pub fly_bookmarks: bool,
}

/// The bundled demo scene, found next to the executable's source tree or
/// the current directory.
pub fn demo_scene_path() -> PathBuf {
    let candidates = [
        PathBuf::from("scenes/demo.scene"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/demo.scene"),
    ];
    candidates
        .iter()
        .find(|p| p.exists())
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}

/// Plugins that do not need a window or GPU: scene, layers, camera logic,
/// clock, settings. Tests run these with `MinimalPlugins`.
pub struct CorePlugins {
    pub settings: SettingsStore,
}

impl Plugin for CorePlugins {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            SettingsPlugin {
                store: self.settings.clone(),
            },
            ClockPlugin,
            LayersPlugin,
            CityLayerPlugin,
            TilesLayerPlugin,
            CameraPlugin,
            crate::sunhours_layer::SunHoursPlugin,
            crate::basemap_layer::BasemapPlugin,
            crate::terrain_lod::TerrainLodPlugin,
            crate::point_symbols::PointSymbolPlugin,
            crate::sensors_layer::SensorsPlugin,
        ));
    }
}

pub fn build_app(options: AppOptions) -> App {
    let mut app = App::new();
    let (w, h) = options.window_size;
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "Planwerkstatt".into(),
            resolution: (w, h).into(),
            ..default()
        }),
        ..default()
    }))
    .add_plugins(CorePlugins {
        settings: options.settings.clone(),
    })
    .add_plugins((
        GroundPlugin,
        SunPlugin,
        PickingPlugin,
        UiPlugin,
        crate::point_symbols::PointSymbolRenderPlugin,
        crate::sensor_markers::SensorMarkersRenderPlugin,
        crate::sunhours_layer::SunHoursGizmoPlugin,
    ))
    .insert_resource(UiState {
        mode: if options.workshop {
            AppMode::Workshop
        } else {
            AppMode::Planning
        },
        ..default()
    })
    .insert_resource(crate::sunhours_layer::AutoRun(options.sun_hours.clone()))
    .add_systems(Startup, spawn_camera);
    app.world_mut()
        .write_message(SceneCommand::Open(options.scene.clone()));
    if options.fly_bookmarks {
        app.add_plugins(crate::flight_bench::FlightBenchPlugin);
    }
    if let Some(path) = options.screenshot {
        app.add_plugins(ScreenshotPlugin {
            path,
            timeout: std::time::Duration::from_secs(240),
        });
    }
    app
}

fn spawn_camera(mut commands: Commands) {
    let orbit = OrbitCamera::default();
    commands.spawn((
        Name::new("Kamera"),
        Camera3d::default(),
        Projection::Perspective(PerspectiveProjection {
            fov: FIELD_OF_VIEW_DEG.to_radians(),
            near: 0.5,
            far: 200_000.0,
            ..default()
        }),
        Msaa::Sample4,
        orbit.transform(),
        orbit,
    ));
}

/// A windowless app with the core plugins on a scene, for tests: layers
/// load on the real task pools, meshes and materials go to asset stores.
#[cfg(test)]
pub(crate) fn headless_app(scene: &std::path::Path) -> App {
    let mut app = headless_core_app();
    app.world_mut()
        .write_message(SceneCommand::Open(scene.to_path_buf()));
    app
}

/// [`headless_app`] without a scene.
#[cfg(test)]
pub(crate) fn headless_core_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, bevy::asset::AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .init_asset::<Image>()
        .init_asset::<crate::point_symbols::PointSymbolMaterial>()
        .add_plugins(CorePlugins {
            settings: SettingsStore::default(),
        });
    app.world_mut()
        .spawn((OrbitCamera::default(), Transform::default()));
    app
}

/// Runs frames until `done` holds; fails after 30 s (loads run on threads).
#[cfg(test)]
pub(crate) fn run_until(app: &mut App, done: impl Fn(&mut App) -> bool) {
    let start = std::time::Instant::now();
    while !done(app) {
        assert!(start.elapsed().as_secs() < 30, "timed out");
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
