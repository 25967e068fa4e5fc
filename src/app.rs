//! Assembling the workbench from its plugins.

use crate::base::settings::{SettingsPlugin, SettingsStore};
use crate::layers::city_draw::CityLayerPlugin;
use crate::layers::tiles::TilesLayerPlugin;
use crate::layers::{LayersPlugin, SceneCommand};
use crate::ui::{AppMode, UiPlugin, UiState};
use crate::view::camera::{CameraPlugin, FIELD_OF_VIEW_DEG, OrbitCamera};
use crate::view::clock::ClockPlugin;
use crate::view::ground::GroundPlugin;
use crate::view::picking::PickingPlugin;
use crate::view::screenshot::ScreenshotPlugin;
use crate::view::sun::SunPlugin;
use bevy::camera::PerspectiveProjection;
use bevy::prelude::*;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct AppOptions {
    pub scene: PathBuf,
    pub screenshot: Option<PathBuf>,
    /// Save a picture with its stamp of this size here once loaded, quit.
    pub picture: Option<(PathBuf, (u32, u32))>,
    pub window_size: (u32, u32),
    pub workshop: bool,
    /// The showroom: the scene's tour, no dialogs, the window cannot be
    /// closed (staff leave by holding the title and typing the PIN).
    pub kiosk: bool,
    pub settings: SettingsStore,
    /// Run the sun-hours analysis of this day once the scene is loaded.
    pub sun_hours: Option<String>,
    /// Run this analysis with its form's defaults once the scene is loaded.
    pub run_analysis: Option<String>,
    /// Search the scene's first catalogue for these words once it has loaded.
    pub search_catalog: Option<String>,
    /// Show this variant of the scene once it has loaded.
    pub variant: Option<String>,
    /// Compare two scenarios once the scene has loaded.
    pub compare: Option<crate::scenario::compare::StartComparison>,
    /// Fly through the scene's bookmarks, report frame times, quit.
    pub fly_bookmarks: bool,
    /// Take the workshop's pictures at this size once loaded, quit.
    pub workshop_pictures: Option<(u32, u32)>,
}

/// The scene that opens when none is named: Jena, the showroom's city
/// (terrain, land use, the Saale, trees, the platform's sensors; its LoD2
/// buildings when put in place). The NRW LoD2 demo is one click away in
/// the scene chooser. Found next to the executable's source tree or the
/// current directory.
pub fn default_scene_path() -> PathBuf {
    let candidates = [
        PathBuf::from("scenes/jena.scene"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/jena.scene"),
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
            LayerKindPlugins,
            CityLayerPlugin,
            (CameraPlugin, crate::view::view_box::ViewBoxPlugin),
            crate::view::compare::ComparePlugin,
            crate::scenario::ScenarioPlugin,
            crate::plan::PlanPlugin,
            AnalysisPlugins,
            crate::layers::terrain_lod::TerrainLodPlugin,
            crate::layers::point_symbols::PointSymbolPlugin,
            crate::sensors::layer::SensorsPlugin,
            crate::participation::ParticipationPlugin,
        ));
    }
}

/// The layer kinds: each plugin registers the kinds it loads (see
/// `layers::registry`). A new kind is one file in `layers/` and one line here.
pub struct LayerKindPlugins;

impl Plugin for LayerKindPlugins {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            crate::layers::city::CityKindsPlugin,
            crate::layers::terrain::DemLayerPlugin,
            crate::layers::vector::VectorLayerPlugin,
            crate::layers::services::ServiceLayersPlugin,
            crate::layers::online::OnlinePlugin,
            TilesLayerPlugin,
            crate::layers::basemap::BasemapPlugin,
        ));
    }
}

/// The analyses: the framework, then each analysis registering itself. A
/// new analysis is one folder in `analysis/` and one line here.
pub struct AnalysisPlugins;

impl Plugin for AnalysisPlugins {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            crate::analysis::AnalysisPlugin,
            crate::analysis::on_start::StartAnalysisPlugin,
            crate::analysis::sunhours::SunHoursPlugin,
            crate::analysis::plan_figures::PlanFiguresPlugin,
            crate::analysis::traffic::TrafficPlugin,
            crate::analysis::noise::NoisePlugin,
            crate::analysis::flood::FloodPlugin,
            crate::analysis::view::ViewPlugin,
        ));
    }
}

/// The registered analyses without running the app (the command line).
pub fn analyses() -> pw_analysis::Registry {
    let mut app = App::new();
    app.add_plugins(AnalysisPlugins);
    app.world_mut()
        .remove_resource::<crate::analysis::Analyses>()
        .map(|a| a.0)
        .unwrap_or_default()
}

/// The registered layer kinds without running the app (the command line
/// sniffs files with them).
pub fn layer_kinds() -> crate::layers::LayerKinds {
    let mut app = App::new();
    app.add_plugins(LayerKindPlugins);
    app.world_mut()
        .remove_resource::<crate::layers::LayerKinds>()
        .unwrap_or_default()
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
        // A kiosk is not closed by a visitor (the close button, Alt+F4).
        close_when_requested: !options.kiosk,
        ..default()
    }))
    .add_plugins(CorePlugins {
        settings: options.settings.clone(),
    })
    .add_plugins((
        GroundPlugin,
        crate::view::drape::DrapePlugin,
        SunPlugin,
        PickingPlugin,
        UiPlugin,
        crate::layers::point_symbols::PointSymbolRenderPlugin,
        crate::sensors::markers::SensorMarkersRenderPlugin,
        crate::analysis::AnalysisGizmoPlugin,
        crate::participation::pins::ParticipationPinsPlugin,
        crate::plan::PlanGizmoPlugin,
        crate::picture::PicturePlugin,
    ))
    .add_plugins(crate::participation::pictures::PicturesPlugin)
    .insert_resource(UiState {
        mode: if options.kiosk {
            AppMode::Kiosk
        } else if options.workshop {
            AppMode::Workshop
        } else {
            AppMode::Planning
        },
        ..default()
    })
    .insert_resource(crate::scenario::StartVariant(options.variant.clone()))
    .insert_resource(crate::scenario::compare::PendingComparison(
        options.compare.clone(),
    ))
    .insert_resource(crate::analysis::sunhours::AutoRun(
        options.sun_hours.clone(),
    ))
    .insert_resource(crate::analysis::on_start::StartAnalysis(
        options.run_analysis.clone(),
    ))
    .insert_resource(crate::ui::online_panel::StartSearch(
        options.search_catalog.clone(),
    ))
    .add_systems(Startup, spawn_camera);
    app.world_mut()
        .write_message(SceneCommand::Open(options.scene.clone()));
    if options.fly_bookmarks {
        app.add_plugins(crate::view::flight_bench::FlightBenchPlugin);
    }
    if let Some((path, size)) = options.picture {
        app.add_plugins(crate::picture::on_start::PictureOnStartPlugin {
            path,
            size,
            // Loading, then up to the capture's own limit.
            timeout: std::time::Duration::from_secs(1200),
        });
    }
    if let Some(size) = options.workshop_pictures {
        app.insert_resource(crate::participation::pictures::PicturesOnStart { size })
            .init_resource::<crate::view::screenshot::HoldClock>();
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

/// The core plugins without window or GPU, no scene yet (tests and the
/// app benchmarks).
pub fn headless_core_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, bevy::asset::AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .init_asset::<Image>()
        .init_asset::<crate::layers::point_symbols::PointSymbolMaterial>()
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

#[cfg(test)]
mod tests {
    use crate::layers::registry::detect_kind;
    use crate::layers::{LayerStatus, Layers};
    use pw_geo::elevation::Elevation;
    use pw_scene::LayerKind;

    /// The showroom's scene opens by default and is a real place: every
    /// layer loads (the LoD2 tile we may not bundle says where to get it),
    /// with the counts SOURCES.md gives for the data.
    #[test]
    fn the_default_scene_is_jena_on_its_terrain_with_the_saale_and_its_trees() {
        let path = super::default_scene_path();
        assert!(path.ends_with("scenes/jena.scene"), "{}", path.display());
        let mut app = super::headless_app(&path);
        super::run_until(&mut app, |app| {
            let layers = app.world().resource::<Layers>();
            layers.entries.len() > 8
                && layers
                    .entries
                    .iter()
                    .all(|e| e.status != LayerStatus::Loading)
        });
        let layers = app.world().resource::<Layers>();
        let features = |name: &str| {
            let e = layers
                .entries
                .iter()
                .find(|e| e.def.name == name)
                .unwrap_or_else(|| panic!("no layer {name}"));
            assert_eq!(e.status, LayerStatus::Ready, "{name}: {:?}", e.issues);
            e.summary.as_ref().and_then(|s| s.features)
        };
        for e in &layers.entries {
            if e.def.if_missing.is_some() {
                // Absent with its hint, or there because someone put it there.
                match &e.status {
                    LayerStatus::Absent(hint) => {
                        assert!(hint.contains("LoD2_32_680_5644_2_TH"), "{hint}")
                    }
                    other => assert_eq!(*other, LayerStatus::Ready, "{}", e.def.name),
                }
            } else {
                assert_eq!(
                    e.status,
                    LayerStatus::Ready,
                    "{}: {:?}",
                    e.def.name,
                    e.status
                );
            }
        }
        assert_eq!(features("Bebaute Flächen (OSM 2021)"), Some(250));
        assert_eq!(features("Grünflächen (OSM 2021)"), Some(608));
        // 173 trees, 170 with coordinates (SOURCES.md).
        assert_eq!(features("Stadtbäume mit Sensoren"), Some(170));
        // The Saale's three river ways and the Paradieswehr.
        assert_eq!(features("Saale am Paradies"), Some(4));
        // The terrain: the Saale valley at the Paradieswehr, ~145 m in SRTM.
        let ground = layers
            .terrain_stack()
            .height_at(681_990.0, 5_644_570.0)
            .expect("terrain under the weir");
        assert!((130.0..160.0).contains(&ground), "{ground}");
    }

    /// The kinds' sniffs together answer as `detect_kind` always did.
    #[test]
    fn files_are_recognised_by_the_registered_kinds() {
        let dir = std::env::temp_dir().join(format!("pw-kinds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let kinds = super::layer_kinds();
        let kind_of = |name: &str, text: Option<&str>| {
            let path = dir.join(name);
            if let Some(text) = text {
                std::fs::write(&path, text).unwrap();
            }
            detect_kind(&kinds, &path)
        };
        let cases = [
            ("a.city.json", None, Some(LayerKind::Cityjson)),
            ("a.city.jsonl", None, Some(LayerKind::Cityjson)),
            ("b.gml", Some("<core:CityModel>"), Some(LayerKind::Citygml)),
            (
                "c.xml",
                Some("<wfs:FeatureCollection/>"),
                Some(LayerKind::Vector),
            ),
            ("missing.gml", None, None),
            (
                "d.json",
                Some("{\"vertices\": [], \"type\": \"CityJSON\"}"),
                Some(LayerKind::Cityjson),
            ),
            (
                "tileset.json",
                Some("{\"asset\": {}, \"root\": {}}"),
                Some(LayerKind::Tiles3d),
            ),
            (
                "e.json",
                Some("{\"type\": \"FeatureCollection\"}"),
                Some(LayerKind::Vector),
            ),
            ("missing.json", None, None),
            ("f.geojson", None, Some(LayerKind::Vector)),
            ("g.SHP", None, Some(LayerKind::Vector)),
            ("h.tif", None, Some(LayerKind::Dem)),
            ("i.asc", None, Some(LayerKind::Dem)),
            ("j.glb", None, Some(LayerKind::Gltf)),
            ("k.las", None, None),
        ];
        for (name, text, want) in cases {
            assert_eq!(kind_of(name, text), want, "{name}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
