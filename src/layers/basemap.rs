//! Basemap layers (XYZ/TMS, WMS, WMTS) draped on the terrain: the tiles the
//! view needs are fetched off the frame through the disk cache, decoded and
//! shown as small textured meshes lying on the ground; tiles no longer
//! needed go once their replacements are there. Failures are listed with
//! the layer and never stop the view; cached tiles keep a workshop without
//! network going.

use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::layers::registry::{AppLayerKinds, LayerKindRegistration, LoadHow};
use crate::layers::{LayerId, LayerRemoved, LayerStatus, LayerSummary, Layers};
use crate::ui::UiState;
use crate::view::camera::{FIELD_OF_VIEW_DEG, OrbitCamera};
use crate::view::frame::{SceneFrame, enu_to_bevy};
use crate::view::ground::GroundLevel;
use bevy::asset::RenderAssetUsages;
use bevy::image::{CompressedImageFormats, ImageSampler, ImageType};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::tasks::{IoTaskPool, Task, block_on, futures_lite::future};
use pw_basemap::{Basemap, TileCache, TileId};
use pw_geo::elevation::Elevation;
use pw_scene::{BasemapService, LayerKind};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Tiles fetched at once per layer.
const IN_FLIGHT: usize = 8;
/// Tiles of the view's level, and of the coarser context level around it.
const VIEW_TILES: usize = 48;
const CONTEXT_TILES: usize = 16;
/// Imagery lies this far above the ground (plus a depth bias) so terrain
/// does not show through; vector features lie higher still.
const LIFT: f64 = 0.15;
/// Finer levels win over the coarse ring beneath them. Small on purpose:
/// a float depth buffer scales the bias with a triangle's nearest depth,
/// and thousands of units put imagery metres in front of the vector
/// features 0.15 m above it (`view::drape` keeps the order from afar).
fn depth_bias(level: u8) -> f32 {
    8.0 * level as f32
}
/// Errors listed per layer.
const MAX_ISSUES: usize = 20;

pub struct BasemapPlugin;

impl Plugin for BasemapPlugin {
    fn build(&self, app: &mut App) {
        app.register_layer_kind(registration());
        app.init_resource::<Basemaps>().add_systems(
            Update,
            (
                start_setups,
                finish_setups,
                choose_tiles,
                receive_tiles,
                drop_removed,
            )
                .chain()
                .after(crate::layers::LayersSystems),
        );
    }
}

/// Basemaps are services, not files: never sniffed; set up and streamed
/// by this plugin (`start_setups` picks up their `Loading` layers).
pub fn registration() -> LayerKindRegistration {
    LayerKindRegistration {
        kind: LayerKind::Basemap,
        sniff: None,
        load: LoadHow::ByPlugin,
    }
}

/// The cache folder; tests point it elsewhere.
#[derive(Resource, Debug, Clone)]
pub struct BasemapCacheDir(pub std::path::PathBuf);

enum TileState {
    Loading(Task<Result<(pw_basemap::Fetched, pw_basemap::drape::TileMesh), pw_text::Message>>),
    Shown(Entity),
    Failed,
}

struct Runtime {
    map: Arc<Basemap>,
    cache: Arc<TileCache>,
    to_scene: Arc<pw_geo::Reprojector>,
    to_grid: pw_geo::Reprojector,
    tiles: HashMap<TileId, TileState>,
    /// The tiles of the last view, wanted in this order.
    wanted: Vec<TileId>,
    /// Terrain layers and ground height when the tiles were laid: new
    /// terrain, or a ground level moved by newly loaded layers, lays them again.
    terrain_count: usize,
    base: f64,
    stale_noted: bool,
}

type SetupResult = Result<(Basemap, TileCache), pw_text::Message>;

#[derive(Resource, Default)]
pub struct Basemaps {
    setups: HashMap<LayerId, Task<SetupResult>>,
    ready: HashMap<LayerId, Runtime>,
}

impl Basemaps {
    /// Every tile the current view wants is shown (or failed).
    pub fn view_complete(&self, id: LayerId) -> bool {
        self.ready.get(&id).is_some_and(|r| {
            !r.wanted.is_empty()
                && r.wanted.iter().all(|t| {
                    matches!(
                        r.tiles.get(t),
                        Some(TileState::Shown(_) | TileState::Failed)
                    )
                })
        })
    }

    /// (tiles shown, tiles loading) of a layer, for tests and the status.
    pub fn counts(&self, id: LayerId) -> (usize, usize) {
        self.ready.get(&id).map_or((0, 0), |r| {
            let shown = r
                .tiles
                .values()
                .filter(|t| matches!(t, TileState::Shown(_)))
                .count();
            let loading = r
                .tiles
                .values()
                .filter(|t| matches!(t, TileState::Loading(_)))
                .count();
            (shown, loading)
        })
    }
}

fn setup(
    def: &pw_scene::Layer,
    scene_crs: pw_geo::Crs,
    dir: std::path::PathBuf,
) -> Result<(Basemap, TileCache), pw_text::Message> {
    let cache = TileCache::new(dir, Duration::from_secs(10)).map_err(|e| e.message())?;
    let settings = def.basemap.clone().unwrap_or_default();
    let map = if settings.service == BasemapService::Wmts {
        let caps = cache.get(&def.path).map_err(|e| e.message())?;
        // The capabilities reader's own words (which element is missing).
        let caps = pw_basemap::wmts::parse_bytes(&caps.bytes).map_err(|detail| {
            pw_text::Message::new("basemap.error.capabilities")
                .arg("url", &def.path)
                .arg("detail", detail)
                .english("{url}: {detail}")
        })?;
        Basemap::from_wmts(&def.path, &caps, &settings)?
    } else {
        Basemap::new(&def.path, &settings, scene_crs)?
    };
    Ok((map, cache))
}

fn start_setups(
    mut layers: ResMut<Layers>,
    mut basemaps: ResMut<Basemaps>,
    frame: Res<SceneFrame>,
    dir: Option<Res<BasemapCacheDir>>,
) {
    let dir = dir.map_or_else(TileCache::default_dir, |d| d.0.clone());
    for entry in layers.entries.iter_mut() {
        if entry.def.kind != LayerKind::Basemap
            || entry.status != LayerStatus::Loading
            || basemaps.setups.contains_key(&entry.id)
            || basemaps.ready.contains_key(&entry.id)
        {
            continue;
        }
        let (def, crs, dir) = (entry.def.clone(), frame.crs, dir.clone());
        let task = IoTaskPool::get().spawn(async move { setup(&def, crs, dir) });
        basemaps.setups.insert(entry.id, task);
    }
}

fn finish_setups(
    mut layers: ResMut<Layers>,
    mut basemaps: ResMut<Basemaps>,
    frame: Res<SceneFrame>,
) {
    let ids: Vec<LayerId> = basemaps.setups.keys().copied().collect();
    for id in ids {
        let done = {
            let task = basemaps.setups.get_mut(&id).unwrap();
            block_on(future::poll_once(task))
        };
        let Some(result) = done else { continue };
        basemaps.setups.remove(&id);
        let Some(entry) = layers.get_mut(id) else {
            continue;
        };
        let setup = result.and_then(|(map, cache)| {
            let to_scene =
                pw_geo::Reprojector::new(map.grid.crs, frame.crs).map_err(|e| e.message())?;
            let to_grid =
                pw_geo::Reprojector::new(frame.crs, map.grid.crs).map_err(|e| e.message())?;
            Ok((map, cache, to_scene, to_grid))
        });
        match setup {
            Ok((map, cache, to_scene, to_grid)) => {
                let service = entry.def.basemap.clone().unwrap_or_default().service;
                entry.status = LayerStatus::Ready;
                entry.summary = Some(LayerSummary {
                    format: format!("{service:?}").to_uppercase(),
                    source_crs: Some(map.grid.crs),
                    ..Default::default()
                });
                basemaps.ready.insert(
                    id,
                    Runtime {
                        map: Arc::new(map),
                        cache: Arc::new(cache),
                        to_scene: Arc::new(to_scene),
                        to_grid,
                        tiles: HashMap::new(),
                        wanted: Vec::new(),
                        terrain_count: usize::MAX,
                        base: f64::NAN,
                        stale_noted: false,
                    },
                );
            }
            Err(e) => entry.status = LayerStatus::Failed(e),
        }
    }
}

/// The tiles a view needs: the level whose pixels match the screen's at
/// the orbit target, out to a few view distances, plus a coarser ring.
fn view_tiles(rt: &Runtime, centre: [f64; 3], distance: f64, metres_per_pixel: f64) -> Vec<TileId> {
    let Ok(c) = rt.to_grid.apply(centre) else {
        return Vec::new();
    };
    let Ok(e) = rt.to_grid.apply([centre[0] + 1.0, centre[1], centre[2]]) else {
        return Vec::new();
    };
    let per_metre = ((e[0] - c[0]).powi(2) + (e[1] - c[1]).powi(2)).sqrt();
    let grid = &rt.map.grid;
    let level = grid.level_for(metres_per_pixel * per_metre);
    let r = distance * 2.5 * per_metre;
    let mut tiles = grid.tiles_in(level, [c[0] - r, c[1] - r, c[0] + r, c[1] + r], VIEW_TILES);
    if level >= 2 {
        let r = r * 4.0;
        let coarse = grid.tiles_in(
            level - 2,
            [c[0] - r, c[1] - r, c[0] + r, c[1] + r],
            CONTEXT_TILES,
        );
        // The coarse ring first: it fills the view quickly.
        tiles.splice(0..0, coarse);
    }
    tiles
}

#[allow(clippy::too_many_arguments)]
fn choose_tiles(
    mut commands: Commands,
    mut basemaps: ResMut<Basemaps>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    ground: Option<Res<GroundLevel>>,
    ui: Option<Res<UiState>>,
    orbit: Query<&OrbitCamera>,
) {
    let Ok(o) = orbit.single() else { return };
    let centre = frame.bevy_to_world(o.target);
    let view_height = ui
        .and_then(|u| u.viewport.map(|r| r.height()))
        .unwrap_or(800.0)
        .max(100.0);
    let mpp = 2.0 * o.distance * (FIELD_OF_VIEW_DEG * 0.5).to_radians().tan() / view_height;
    let terrain = Arc::new(layers.terrain_stack());
    let terrain_count = layers.terrain.len();
    let base = ground.map_or(frame.origin.world[2], |g| g.height);
    for (id, rt) in basemaps.ready.iter_mut() {
        let visible = layers.get(*id).is_some_and(|e| e.shown());
        let moved = rt.base.is_nan() || (rt.base - base).abs() >= 0.5;
        if rt.terrain_count != terrain_count || (terrain_count == 0 && moved) {
            // New terrain or ground: lay every tile again.
            for (_, t) in rt.tiles.drain() {
                if let TileState::Shown(e) = t {
                    commands.entity(e).despawn();
                }
            }
            rt.terrain_count = terrain_count;
            rt.base = base;
        }
        if !visible {
            continue;
        }
        rt.wanted = view_tiles(rt, centre, o.distance as f64, mpp as f64);
        let loading = rt
            .tiles
            .values()
            .filter(|t| matches!(t, TileState::Loading(_)))
            .count();
        let mut free = IN_FLIGHT.saturating_sub(loading);
        for &tile in &rt.wanted {
            if free == 0 {
                break;
            }
            if rt.tiles.contains_key(&tile) {
                continue;
            }
            let Some(url) = rt.map.url(tile) else {
                continue;
            };
            let (map, cache, to_scene, terrain) = (
                rt.map.clone(),
                rt.cache.clone(),
                rt.to_scene.clone(),
                terrain.clone(),
            );
            let task = IoTaskPool::get().spawn(async move {
                let fetched = cache.get(&url).map_err(|e| e.message())?;
                let ground = |x: f64, y: f64| terrain.height_at(x, y).unwrap_or(base);
                let mesh = pw_basemap::drape::tile_mesh(&map.grid, tile, &to_scene, &ground, LIFT)
                    .ok_or_else(|| {
                        pw_text::Message::new("basemap.error.outside_crs")
                            .arg("url", &url)
                            .english("{url}: the tile lies outside the scene's coordinate system")
                    })?;
                Ok((fetched, mesh))
            });
            rt.tiles.insert(tile, TileState::Loading(task));
            free -= 1;
        }
        // Tiles of an old view go once the new view is complete.
        let wanted: HashSet<TileId> = rt.wanted.iter().copied().collect();
        let complete = rt.wanted.iter().all(|t| {
            matches!(
                rt.tiles.get(t),
                Some(TileState::Shown(_) | TileState::Failed)
            )
        });
        if complete {
            rt.tiles.retain(|t, state| {
                if wanted.contains(t) {
                    return true;
                }
                match state {
                    TileState::Shown(e) => {
                        commands.entity(*e).despawn();
                        false
                    }
                    TileState::Failed => false,
                    TileState::Loading(_) => true,
                }
            });
        }
    }
}

fn tile_image(bytes: &[u8]) -> Result<Image, String> {
    let mut image = Image::from_buffer(
        bytes,
        ImageType::MimeType(if bytes.starts_with(&[0x89, b'P']) {
            "image/png"
        } else {
            "image/jpeg"
        }),
        CompressedImageFormats::NONE,
        true,
        ImageSampler::linear(),
        RenderAssetUsages::RENDER_WORLD,
    )
    .map_err(|e| e.to_string())?;
    image.sampler = ImageSampler::linear();
    Ok(image)
}

#[allow(clippy::too_many_arguments)]
fn receive_tiles(
    mut commands: Commands,
    mut basemaps: ResMut<Basemaps>,
    mut layers: ResMut<Layers>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
    mut notices: ResMut<Notices>,
    frame: Res<SceneFrame>,
    i18n: Res<I18n>,
) {
    for (id, rt) in basemaps.ready.iter_mut() {
        let Some(entry) = layers.get_mut(*id) else {
            continue;
        };
        let visibility = if entry.shown() {
            Visibility::Visible
        } else {
            Visibility::Hidden
        };
        for (tile, state) in rt.tiles.iter_mut() {
            let TileState::Loading(task) = state else {
                continue;
            };
            let Some(result) = block_on(future::poll_once(task)) else {
                continue;
            };
            let shown = result.and_then(|(fetched, mesh)| {
                if let Some(why) = &fetched.stale_because
                    && !rt.stale_noted
                {
                    rt.stale_noted = true;
                    notices.info(i18n.trf(
                        "basemap.offline",
                        &[
                            ("layer", &entry.def.name),
                            ("why", &i18n.render(&why.message())),
                        ],
                    ));
                }
                let image = tile_image(&fetched.bytes).map_err(|detail| {
                    pw_text::Message::new("basemap.error.image")
                        .arg("tile", format!("{}/{}/{}", tile.level, tile.col, tile.row))
                        .arg("detail", detail)
                        .english("{tile}: {detail}")
                })?;
                Ok((image, mesh))
            });
            match shown {
                Ok((image, mesh)) => {
                    let positions: Vec<[f32; 3]> = mesh
                        .positions
                        .iter()
                        .map(|p| enu_to_bevy(frame.origin.to_local(*p)).to_array())
                        .collect();
                    let normals = vec![[0.0, 1.0, 0.0]; positions.len()];
                    let m = Mesh::new(
                        PrimitiveTopology::TriangleList,
                        RenderAssetUsages::RENDER_WORLD,
                    )
                    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
                    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
                    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, mesh.uvs)
                    .with_inserted_indices(Indices::U32(mesh.indices));
                    let material = materials.add(StandardMaterial {
                        base_color_texture: Some(images.add(image)),
                        base_color: Color::srgba(1.0, 1.0, 1.0, entry.def.opacity),
                        // Lit, so buildings cast their shadows on it; matte.
                        perceptual_roughness: 1.0,
                        reflectance: 0.0,
                        depth_bias: depth_bias(tile.level),
                        cull_mode: None,
                        alpha_mode: if entry.def.opacity < 1.0 {
                            AlphaMode::Blend
                        } else {
                            AlphaMode::Opaque
                        },
                        ..default()
                    });
                    let e = commands
                        .spawn((
                            Name::new(format!(
                                "{} {}/{}/{}",
                                entry.def.name, tile.level, tile.col, tile.row
                            )),
                            Mesh3d(meshes.add(m)),
                            MeshMaterial3d(material),
                            Transform::IDENTITY,
                            visibility,
                            BasemapTile(*id),
                            crate::view::drape::Draped::Basemap,
                            // Lies on the ground: shadows fall on it, none from it.
                            bevy::light::NotShadowCaster,
                        ))
                        .id();
                    *state = TileState::Shown(e);
                }
                Err(e) => {
                    if entry.issues.len() < MAX_ISSUES {
                        entry.issues.push(pw_city::Issue::warning(e));
                    }
                    *state = TileState::Failed;
                }
            }
        }
    }
}

/// A shown tile of a basemap layer.
#[derive(Component, Debug, Clone, Copy)]
pub struct BasemapTile(pub LayerId);

fn drop_removed(
    mut commands: Commands,
    mut removed: MessageReader<LayerRemoved>,
    mut basemaps: ResMut<Basemaps>,
    layers: Res<Layers>,
    mut tiles: Query<(&BasemapTile, &mut Visibility)>,
) {
    for LayerRemoved(id) in removed.read() {
        basemaps.setups.remove(id);
        if let Some(rt) = basemaps.ready.remove(id) {
            for (_, t) in rt.tiles {
                if let TileState::Shown(e) = t {
                    commands.entity(e).despawn();
                }
            }
        }
    }
    if layers.is_changed() {
        for (tile, mut v) in &mut tiles {
            let want = if layers.get(tile.0).is_some_and(|e| e.shown()) {
                Visibility::Visible
            } else {
                Visibility::Hidden
            };
            if *v != want {
                *v = want;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::SceneCommand;
    use std::sync::Mutex;

    /// A 256 × 256 PNG of one colour.
    fn png_tile(rgb: [u8; 3]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 256, 256);
            enc.set_color(png::ColorType::Rgb);
            let mut w = enc.write_header().unwrap();
            let data: Vec<u8> = (0..256 * 256).flat_map(|_| rgb).collect();
            w.write_image_data(&data).unwrap();
        }
        out
    }

    /// A tile server on 127.0.0.1: every path answers a green tile, paths
    /// with "/broken/" answer HTTP 500. Returns the base URL and the log.
    fn tile_server() -> (String, Arc<Mutex<Vec<String>>>) {
        let tile = png_tile([40, 160, 60]);
        let server = pw_testkit::HttpFixture::start(move |path, _| {
            if path.contains("/broken/") {
                pw_testkit::Reply::status("500 Internal Server Error", "image/png", "kaputt")
            } else {
                pw_testkit::Reply::ok("image/png", tile.clone())
            }
        });
        (server.base, server.requests)
    }

    fn scene_with(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let scene = dir.join("basemap.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"Jena\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5644000.0, 150.0]\n\n\
                 [[layers]]\nname = \"Karte\"\nkind = \"basemap\"\npath = \"{url}\"\n\
                 attribution = \"© Test\"\n[layers.basemap]\nservice = \"xyz\"\n"
            ),
        )
        .unwrap();
        scene
    }

    fn app_for(scene: &std::path::Path, cache: &std::path::Path) -> App {
        let mut app = crate::app::headless_core_app();
        app.insert_resource(BasemapCacheDir(cache.to_path_buf()));
        app.world_mut()
            .write_message(SceneCommand::Open(scene.to_path_buf()));
        app
    }

    #[test]
    fn xyz_tiles_are_draped_and_come_back_from_the_cache_offline() {
        let dir = std::env::temp_dir().join(format!("pw-basemap-app-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (base, log) = tile_server();
        let scene = scene_with(&dir, &format!("{base}/osm/{{z}}/{{x}}/{{y}}.png"));
        let mut app = app_for(&scene, &dir.join("cache"));
        let id = LayerId(1);
        crate::app::run_until(&mut app, |app| {
            let b = app.world().resource::<Basemaps>();
            let layers = app.world().resource::<Layers>();
            layers
                .entries
                .first()
                .is_some_and(|e| e.status == LayerStatus::Ready && b.view_complete(e.id))
        });
        let id = app
            .world()
            .resource::<Layers>()
            .entries
            .first()
            .map_or(id, |e| e.id);
        let fetched = log.lock().unwrap().len();
        assert!(fetched >= 8, "{fetched}");
        // Tiles lie around the orbit target, on the ground (150 m + lift).
        let mut q = app.world_mut().query::<(&BasemapTile, &Mesh3d)>();
        let handles: Vec<Handle<Mesh>> = q.iter(app.world()).map(|(_, m)| m.0.clone()).collect();
        assert!(!handles.is_empty());
        let meshes = app.world().resource::<Assets<Mesh>>();
        let m = meshes.get(&handles[0]).unwrap();
        let Some(bevy::mesh::VertexAttributeValues::Float32x3(p)) =
            m.attribute(Mesh::ATTRIBUTE_POSITION)
        else {
            panic!()
        };
        // Bevy Y is up: the ground 150 m is the origin height, + 0.15 m.
        assert!(
            p.iter().all(|v| (v[1] - 0.15).abs() < 1e-3),
            "{:?}",
            &p[..3]
        );
        let summary = app
            .world()
            .resource::<Layers>()
            .get(id)
            .unwrap()
            .summary
            .clone()
            .unwrap();
        assert_eq!(summary.format, "XYZ");
        // Opened again (a workshop the next day): every tile of the view
        // comes from the disk cache, the server is not asked. (Serving a
        // stale cache when the network is down is tested in pw-basemap.)
        drop(app);
        let before = log.lock().unwrap().len();
        let mut again = app_for(&scene, &dir.join("cache"));
        crate::app::run_until(&mut again, |app| {
            let b = app.world().resource::<Basemaps>();
            let layers = app.world().resource::<Layers>();
            layers
                .entries
                .first()
                .is_some_and(|e| b.view_complete(e.id))
        });
        let (shown, _) = again
            .world()
            .resource::<Basemaps>()
            .counts(again.world().resource::<Layers>().entries[0].id);
        assert!(shown >= 8, "{shown}");
        assert_eq!(log.lock().unwrap().len(), before, "no network asked");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn failing_tiles_are_listed_and_the_view_goes_on() {
        let dir = std::env::temp_dir().join(format!("pw-basemap-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (base, _) = tile_server();
        let scene = scene_with(&dir, &format!("{base}/broken/{{z}}/{{x}}/{{y}}.png"));
        let mut app = app_for(&scene, &dir.join("cache"));
        crate::app::run_until(&mut app, |app| {
            app.world()
                .resource::<Layers>()
                .entries
                .first()
                .is_some_and(|e| e.issues.len() >= 3)
        });
        let layers = app.world().resource::<Layers>();
        let e = &layers.entries[0];
        assert_eq!(e.status, LayerStatus::Ready);
        assert!(
            e.issues[0].to_string().contains("HTTP 500")
                && e.issues[0].to_string().contains("/broken/"),
            "{:?}",
            e.issues
        );
        let german = crate::base::i18n::I18n::new(crate::base::i18n::Language::German)
            .render(&e.issues[0].message);
        assert!(
            german.contains("/broken/") && german.contains("der Server antwortet mit HTTP 500"),
            "{german}"
        );
        // A wrong address is refused at once, with an example.
        let scene = scene_with(&dir, "tile.example/osm.png");
        let mut app = app_for(&scene, &dir.join("cache"));
        crate::app::run_until(&mut app, |app| {
            matches!(
                app.world()
                    .resource::<Layers>()
                    .entries
                    .first()
                    .map(|e| &e.status),
                Some(LayerStatus::Failed(_))
            )
        });
        let LayerStatus::Failed(msg) = &app.world().resource::<Layers>().entries[0].status else {
            unreachable!()
        };
        assert!(msg.to_string().contains("not an http(s) address"), "{msg}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
