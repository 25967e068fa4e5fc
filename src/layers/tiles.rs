//! 3D Tiles layers, streamed: the tileset tree is read once; every frame
//! the tiles the camera needs (screen-space error, frustum, viewer request
//! volumes) are chosen, missing ones are loaded in the background, and each
//! loaded tile becomes a city sub-layer of the tileset (batched, pickable,
//! inspectable). While a refined tile is still loading its loaded ancestor
//! stays on screen, and tiles no longer needed are dropped beyond a budget.

use crate::base::jobs::Jobs;
use crate::layers::city_draw::CityLayers;
use crate::layers::registry::{
    AppLayerKinds, CLAIM_LIKELY, FileSample, LayerKindRegistration, LoadHow,
};
use crate::layers::tiles_http::HttpTiles;
use crate::layers::{
    LayerId, LayerLoaded, LayerRemoved, LayerStatus, LayerSummary, Layers, LayersSystems,
    LoadedCity, StartLayerLoad,
};
use crate::view::camera::{FIELD_OF_VIEW_DEG, OrbitCamera};
use crate::view::frame::{SceneFrame, bevy_to_enu, enu_to_bevy};
use bevy::camera::primitives::{Frustum, Sphere};
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, poll_once};
use bevy::window::PrimaryWindow;
use pw_city::batch::build_batches;
use pw_city::pick::PickIndex;
use pw_city::tiles3d::{Tileset, View};
use pw_geo::{Crs, SceneOrigin};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Default refinement threshold in pixels (Cesium's default too).
pub const DEFAULT_MAX_SSE: f32 = 16.0;
/// Tiles loading at once per tileset (2 cores: more only queues).
const MAX_IN_FLIGHT: usize = 2;
/// Loaded tiles kept per tileset before unused ones are dropped.
const MAX_LOADED_TILES: usize = 256;

pub struct TilesLayerPlugin;

impl Plugin for TilesLayerPlugin {
    fn build(&self, app: &mut App) {
        app.register_layer_kind(registration());
        app.init_resource::<Tilesets>()
            .init_resource::<TilesCacheDir>()
            .add_systems(
                Update,
                (
                    open_requested,
                    poll_open_tasks,
                    forget_removed,
                    stream_tiles,
                )
                    .chain()
                    .after(LayersSystems)
                    .before(crate::layers::city_draw::CityLayerSystems),
            );
    }
}

/// 3D Tiles: a tileset.json, streamed by this plugin (see [`StartLayerLoad`]).
pub fn registration() -> LayerKindRegistration {
    LayerKindRegistration {
        kind: pw_scene::LayerKind::Tiles3d,
        sniff: Some(sniff),
        load: LoadHow::Streamed,
    }
}

/// JSON with an "asset" and a "root" (CityJSON, claimed surer, wins).
fn sniff(file: &FileSample) -> Option<u8> {
    if file.ext != "json" {
        return None;
    }
    let h = file.head_and_tail(65_536, 65_536)?;
    (h.contains("\"asset\"") && h.contains("\"root\"")).then_some(CLAIM_LIKELY)
}

/// Where tilesets from servers are kept (the user's cache; tests point it
/// elsewhere).
#[derive(Resource, Debug, Clone)]
pub struct TilesCacheDir(pub PathBuf);

impl Default for TilesCacheDir {
    fn default() -> Self {
        TilesCacheDir(pw_basemap::TileCache::user_dir("3dtiles"))
    }
}

/// Opens the tilesets the scene asks for.
fn open_requested(
    mut commands: Commands,
    mut starts: MessageReader<StartLayerLoad>,
    layers: Res<Layers>,
    mut jobs: ResMut<Jobs>,
    frame: Res<SceneFrame>,
    cache: Res<TilesCacheDir>,
) {
    for start in starts.read() {
        if start.kind != pw_scene::LayerKind::Tiles3d {
            continue;
        }
        match layers.get(start.id) {
            Some(entry) => start_opening(
                &mut commands,
                start.id,
                start.job,
                entry.source.clone(),
                entry.def.crs.clone(),
                &frame,
                cache.0.clone(),
            ),
            // Removed before it could open.
            None => jobs.finish(start.job),
        }
    }
}

/// A loaded tile: its sub-layer id and when the view last wanted it.
#[derive(Debug, Clone, Copy)]
pub struct LoadedTile {
    pub id: LayerId,
    pub last_wanted: u64,
    pub triangles: usize,
    pub buildings: usize,
    pub batches: usize,
}

pub struct StreamedTileset {
    pub tileset: Arc<Tileset>,
    pub max_sse: f64,
    pub loaded: HashMap<usize, LoadedTile>,
    pending: HashMap<usize, Task<Result<LoadedCity, pw_text::Message>>>,
    pub failed: HashMap<usize, pw_text::Message>,
    /// Tiles on screen now.
    pub shown: HashSet<usize>,
    frame_counter: u64,
    /// The status-bar job while tiles load; cancelling it pauses streaming
    /// until the layer is hidden and shown again.
    job: Option<crate::base::jobs::JobEntry>,
    paused: bool,
    /// The server's files through the disk cache (a tileset on disk: none).
    http: Option<Arc<HttpTiles>>,
}

impl StreamedTileset {
    /// "N files from the disk cache: the server did not answer (why)".
    fn offline_issue(&self) -> Option<pw_city::Issue> {
        let (count, why) = self.http.as_ref()?.offline();
        (count > 0).then(|| {
            pw_city::Issue::warning(
                pw_analysis::Message::new("tiles.issue.offline")
                    .arg("count", count)
                    .arg_message(
                        "why",
                        why.map_or_else(|| pw_analysis::Message::text(""), |w| w.message()),
                    )
                    .english("{count} files shown from the disk cache: the server did not answer ({why})"),
            )
        })
    }
}

#[derive(Resource, Default)]
pub struct Tilesets {
    pub sets: HashMap<LayerId, StreamedTileset>,
}

/// An opened tileset and, for one on a server, its HTTP source.
type Opened = (Tileset, Option<Arc<HttpTiles>>);

#[derive(Component)]
pub struct OpenTilesetTask {
    layer: LayerId,
    job: u64,
    task: Task<Result<Opened, pw_text::Message>>,
}

/// Starts reading a tileset's tree (small JSON files) in the background.
pub fn start_opening(
    commands: &mut Commands,
    layer: LayerId,
    job: u64,
    source: PathBuf,
    crs: Option<String>,
    frame: &SceneFrame,
    cache: PathBuf,
) {
    let (scene_crs, origin) = (frame.crs, frame.origin);
    let task = AsyncComputeTaskPool::get().spawn(async move {
        let location = source.to_string_lossy().into_owned();
        let crs = match crs {
            Some(text) => Some(
                Crs::parse(&text).map_err(|e| crate::layers::at_source(&location, e.message()))?,
            ),
            None => None,
        };
        if pw_city::tiles3d::is_url(&location) {
            let http = Arc::new(HttpTiles::in_dir(cache)?);
            let set = Tileset::open_from(&location, http.clone(), crs, scene_crs, &origin)
                .map_err(|e| e.message())?;
            Ok((set, Some(http)))
        } else {
            let set = Tileset::open(&source, crs, scene_crs, &origin).map_err(|e| e.message())?;
            Ok((set, None))
        }
    });
    commands.spawn(OpenTilesetTask { layer, job, task });
}

fn poll_open_tasks(
    mut commands: Commands,
    mut tasks: Query<(Entity, &mut OpenTilesetTask)>,
    mut layers: ResMut<Layers>,
    mut jobs: ResMut<Jobs>,
    mut sets: ResMut<Tilesets>,
    frame: Res<SceneFrame>,
    mut loaded: MessageWriter<LayerLoaded>,
) {
    for (entity, mut open) in &mut tasks {
        let Some(result) = block_on(poll_once(&mut open.task)) else {
            continue;
        };
        commands.entity(entity).despawn();
        jobs.finish(open.job);
        let Some(entry) = layers.get_mut(open.layer) else {
            continue;
        };
        match result {
            Ok((tileset, http)) => {
                entry.status = LayerStatus::Ready;
                entry.extent = Some(tileset.extent(&frame.origin));
                entry.issues = tileset
                    .warnings
                    .iter()
                    .cloned()
                    .map(pw_city::Issue::warning)
                    .collect();
                entry.summary = Some(LayerSummary {
                    tiles: Some((0, tileset.content_tiles())),
                    format: format!("3D Tiles {}", tileset.version),
                    ..Default::default()
                });
                let max_sse = entry
                    .def
                    .max_screen_space_error
                    .unwrap_or(DEFAULT_MAX_SSE)
                    .max(1.0) as f64;
                sets.sets.insert(
                    open.layer,
                    StreamedTileset {
                        tileset: Arc::new(tileset),
                        max_sse,
                        loaded: HashMap::new(),
                        pending: HashMap::new(),
                        failed: HashMap::new(),
                        shown: HashSet::new(),
                        frame_counter: 0,
                        job: None,
                        paused: false,
                        http,
                    },
                );
                // The tileset itself is an empty layer; this tells the
                // camera and the rest that it is ready (tiles follow).
                loaded.write(LayerLoaded {
                    id: open.layer,
                    owner: open.layer,
                    city: Arc::new(LoadedCity::empty(entry.def.style.clone())),
                });
            }
            Err(message) => entry.status = LayerStatus::Failed(message),
        }
    }
}

fn forget_removed(
    mut commands: Commands,
    mut removed: MessageReader<LayerRemoved>,
    mut sets: ResMut<Tilesets>,
    tasks: Query<(Entity, &OpenTilesetTask)>,
    mut jobs: ResMut<Jobs>,
) {
    for LayerRemoved(id) in removed.read() {
        // Pending tile tasks are dropped with the set (a dropped task is cancelled).
        if let Some(job) = sets.sets.remove(id).and_then(|s| s.job) {
            jobs.finish(job.id);
        }
        for (entity, task) in &tasks {
            if task.layer == *id {
                jobs.finish(task.job);
                commands.entity(entity).despawn();
            }
        }
    }
}

/// Pixels per unit of geometric error at distance 1: viewport height over
/// 2·tan(fov/2).
fn sse_factor(viewport_height: f32) -> f64 {
    viewport_height as f64 / (2.0 * (FIELD_OF_VIEW_DEG as f64 * 0.5).to_radians().tan())
}

#[allow(clippy::too_many_arguments)]
fn stream_tiles(
    mut sets: ResMut<Tilesets>,
    mut layers: ResMut<Layers>,
    mut city_layers: ResMut<CityLayers>,
    frame: Res<SceneFrame>,
    cameras: Query<(&Transform, Option<&Frustum>), With<OrbitCamera>>,
    windows: Query<&Window, With<PrimaryWindow>>,
    mut loaded_out: MessageWriter<LayerLoaded>,
    mut removed_out: MessageWriter<LayerRemoved>,
    mut jobs: ResMut<Jobs>,
    i18n: Res<crate::base::i18n::I18n>,
) {
    let Ok((camera, frustum)) = cameras.single() else {
        return;
    };
    let height = windows
        .single()
        .map(|w| w.resolution.height())
        .unwrap_or(1080.0);
    let eye = bevy_to_enu(camera.translation);
    let visible = |c: [f64; 3], r: f64| match frustum {
        Some(f) => f.intersects_sphere(
            &Sphere {
                center: enu_to_bevy([c[0] as f32, c[1] as f32, c[2] as f32]).into(),
                radius: r as f32,
            },
            true,
        ),
        None => true,
    };
    let ids: Vec<LayerId> = sets.sets.keys().copied().collect();
    for owner in ids {
        let Some(set) = sets.sets.get_mut(&owner) else {
            continue;
        };
        let Some((layer_visible, style, name)) = layers
            .get(owner)
            .map(|e| (e.shown(), e.def.style.clone(), e.def.name.clone()))
        else {
            continue;
        };
        if !layer_visible {
            set.paused = false;
        }
        set.frame_counter += 1;
        let now = set.frame_counter;

        // 1. Finished loads become sub-layers.
        let finished: Vec<usize> = set
            .pending
            .iter_mut()
            .filter_map(|(t, task)| block_on(poll_once(task)).map(|r| (*t, r)))
            .map(|(t, r)| {
                match r {
                    Ok(city) => {
                        let id = layers.allocate_id();
                        set.loaded.insert(
                            t,
                            LoadedTile {
                                id,
                                last_wanted: now,
                                triangles: city.summary.triangles,
                                buildings: city.summary.buildings,
                                batches: city.batches.len(),
                            },
                        );
                        loaded_out.write(LayerLoaded {
                            id,
                            owner,
                            city: Arc::new(city),
                        });
                    }
                    Err(message) => {
                        set.failed.insert(t, message);
                    }
                }
                t
            })
            .collect();
        for t in &finished {
            set.pending.remove(t);
        }

        // 2. What the view needs, and what can be shown of it now.
        let wanted = if layer_visible {
            let view = View {
                position: eye.map(|v| v as f64),
                sse_factor: sse_factor(height),
                max_sse: set.max_sse,
            };
            set.tileset.select(&view, &visible)
        } else {
            Vec::new()
        };
        let mut shown = HashSet::new();
        for &t in &wanted {
            if let Some(l) = set.loaded.get_mut(&t) {
                l.last_wanted = now;
                shown.insert(t);
                continue;
            }
            // Not loaded yet: keep the nearest loaded ancestor on screen.
            let mut up = set.tileset.tiles[t].parent;
            while let Some(p) = up {
                if let Some(l) = set.loaded.get_mut(&p) {
                    l.last_wanted = now;
                    shown.insert(p);
                    break;
                }
                up = set.tileset.tiles[p].parent;
            }
        }
        // Tiles just loaded get their sub-layer later this frame, so this
        // is checked every frame; change detection only fires on a change.
        let mut changed = false;
        for (t, l) in &set.loaded {
            if let Some(c) = city_layers.bypass_change_detection().layers.get_mut(&l.id) {
                let want = shown.contains(t);
                if c.shown != want {
                    c.shown = want;
                    changed = true;
                }
            }
        }
        if changed {
            city_layers.set_changed();
        }
        set.shown = shown;

        // 3. Start loading the most needed missing tiles.
        if set.job.as_ref().is_some_and(|j| j.control.is_cancelled()) {
            set.paused = true;
            set.pending.clear(); // dropping a task cancels it
        }
        for &t in &wanted {
            if set.paused || set.pending.len() >= MAX_IN_FLIGHT {
                break;
            }
            if set.loaded.contains_key(&t)
                || set.pending.contains_key(&t)
                || set.failed.contains_key(&t)
            {
                continue;
            }
            let tileset = set.tileset.clone();
            let (crs, origin) = (frame.crs, frame.origin);
            let style = style.clone();
            let task = AsyncComputeTaskPool::get()
                .spawn(async move { load_tile(&tileset, t, crs, &origin, style) });
            set.pending.insert(t, task);
        }

        let missing = wanted
            .iter()
            .filter(|t| !set.loaded.contains_key(t) && !set.failed.contains_key(t))
            .count();
        match (&set.job, missing > 0 && !set.paused) {
            (None, true) => {
                set.job = Some(jobs.start(format!("{} – {name}", i18n.tr("layers.loading_tiles"))));
            }
            (Some(job), false) => {
                jobs.finish(job.id);
                set.job = None;
            }
            (Some(job), true) => {
                let have = wanted.len() - missing;
                job.control
                    .set_progress(have as f32 / wanted.len().max(1) as f32);
            }
            (None, false) => {}
        }

        // 4. Drop the longest-unused tiles beyond the budget.
        if set.loaded.len() > MAX_LOADED_TILES {
            let mut idle: Vec<(u64, usize)> = set
                .loaded
                .iter()
                .filter(|(t, _)| !set.shown.contains(t))
                .map(|(t, l)| (l.last_wanted, *t))
                .collect();
            idle.sort_unstable();
            let excess = set.loaded.len() - MAX_LOADED_TILES;
            for (_, t) in idle.into_iter().take(excess) {
                if let Some(l) = set.loaded.remove(&t) {
                    removed_out.write(LayerRemoved(l.id));
                }
            }
        }

        // 5. The layer tree shows what is loaded and what failed.
        let triangles = set.loaded.values().map(|l| l.triangles).sum();
        let buildings = set.loaded.values().map(|l| l.buildings).sum();
        let failures: Vec<pw_text::Message> = set.failed.values().cloned().collect();
        let tiles = Some((set.loaded.len(), set.tileset.content_tiles()));
        if let Some(entry) = layers.get_mut(owner) {
            let draw_calls: usize = set
                .shown
                .iter()
                .filter_map(|t| set.loaded.get(t))
                .map(|l| l.batches)
                .sum();
            if let Some(s) = entry.summary.as_mut()
                && (s.triangles != triangles || s.tiles != tiles || s.batches != draw_calls)
            {
                s.triangles = triangles;
                s.buildings = buildings;
                s.batches = draw_calls;
                s.tiles = tiles;
            }
            let offline = set.offline_issue();
            let wanted = set.tileset.warnings.len() + failures.len() + offline.is_some() as usize;
            if entry.issues.len() != wanted
                || offline.as_ref().is_some_and(|o| !entry.issues.contains(o))
            {
                entry.issues = offline
                    .into_iter()
                    .chain(
                        set.tileset
                            .warnings
                            .iter()
                            .cloned()
                            .chain(failures)
                            .map(pw_city::Issue::warning),
                    )
                    .collect();
            }
        }
    }
}

/// Reads one tile's content, batches and indexes it (off the frame).
pub fn load_tile(
    tileset: &Tileset,
    tile: usize,
    scene_crs: Crs,
    origin: &SceneOrigin,
    style: pw_scene::Style,
) -> Result<LoadedCity, pw_text::Message> {
    let started = std::time::Instant::now();
    let model = tileset.load_content(tile, scene_crs)?;
    let batches =
        build_batches(&model, origin, 4, None).map_err(|_| crate::layers::cancelled_message())?;
    let index = PickIndex::build(&batches);
    let s = model.summary();
    let summary = LayerSummary {
        tiles: None,
        themes: Vec::new(),
        theme: None,
        format: model.format.clone(),
        source_crs: None,
        buildings: s.buildings,
        parts: s.building_parts,
        triangles: batches.iter().map(|b| b.triangle_count()).sum(),
        batches: batches.len(),
        file_bytes: 0,
        load_seconds: started.elapsed().as_secs_f32(),
        features: None,
    };
    Ok(LoadedCity {
        model: Arc::new(model),
        batches,
        index,
        summary,
        ..LoadedCity::empty(style)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};
    use crate::layers::SceneCommand;
    use crate::layers::city_draw::CityBatch;

    fn cesium_scene(dir: &std::path::Path) -> PathBuf {
        let tileset = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/gltf/cesium_TilesetWithRequestVolume/tileset.json");
        let scene = dir.join("philly.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"Philadelphia 3D Tiles\"\ncrs = \"EPSG:32618\"\norigin = [447784.07, 4432657.16, 0.0]\n\
                 [[layers]]\nname = \"Cesium sample\"\nkind = \"tiles3d\"\npath = {:?}\n",
                tileset.display().to_string()
            ),
        )
        .unwrap();
        scene
    }

    fn place_camera(app: &mut App, distance: f32) {
        let mut q = app.world_mut().query::<&mut OrbitCamera>();
        let mut orbit = q.single_mut(app.world_mut()).unwrap();
        *orbit = OrbitCamera {
            target: Vec3::ZERO,
            distance,
            heading: 0.0,
            pitch: 30.0,
        };
    }

    fn shown_batches(app: &mut App) -> usize {
        let mut q = app.world_mut().query::<(&CityBatch, &Visibility)>();
        q.iter(app.world())
            .filter(|(_, v)| **v == Visibility::Visible)
            .count()
    }

    /// A scene naming a tileset by its URL: the tree opens over HTTP, the
    /// tiles near the camera stream in from the server into the cache.
    #[test]
    fn a_tileset_url_in_the_scene_streams_from_the_server() {
        let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/gltf/cesium_TilesetWithRequestVolume");
        let server = pw_testkit::HttpFixture::start(move |target, _| {
            match target
                .strip_prefix("/3d/")
                .and_then(|p| std::fs::read(data.join(p)).ok())
            {
                Some(body) => pw_testkit::Reply::ok("application/octet-stream", body),
                None => pw_testkit::Reply::status("404 Not Found", "text/plain", "none"),
            }
        });
        let dir = std::env::temp_dir().join(format!("pw-tiles-http-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let scene = dir.join("philly-http.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"Philadelphia 3D Tiles\"\ncrs = \"EPSG:32618\"\norigin = [447784.07, 4432657.16, 0.0]\n\
                 [[layers]]\nname = \"Cesium sample\"\nkind = \"tiles3d\"\npath = \"{}/3d/tileset.json\"\n",
                server.base
            ),
        )
        .unwrap();
        let mut app = crate::app::headless_core_app();
        app.insert_resource(TilesCacheDir(dir.join("cache")));
        app.world_mut()
            .write_message(SceneCommand::Open(scene.clone()));
        let owner = opened_tileset(&mut app);
        place_camera(&mut app, 600.0);
        run_until(&mut app, |app| {
            app.world().resource::<Tilesets>().sets[&owner].loaded.len() >= 5
        });
        let set = &app.world().resource::<Tilesets>().sets[&owner];
        assert!(set.failed.is_empty(), "{:?}", set.failed);
        let seen = server.seen();
        for file in [
            "/3d/tileset.json",
            "/3d/city/tileset.json",
            "/3d/city/ll.b3dm",
            "/3d/building.b3dm",
        ] {
            assert!(
                seen.iter().any(|s| s == file),
                "{file} not asked for: {seen:?}"
            );
        }
        // Kept in the cache for the next time without network.
        let cached = walk_files(&dir.join("cache"));
        assert!(cached >= 7, "{cached} files cached");
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Runs until the scene's tileset has opened; its layer.
    fn opened_tileset(app: &mut App) -> LayerId {
        run_until(app, |app| {
            !app.world().resource::<Tilesets>().sets.is_empty()
        });
        *app.world()
            .resource::<Tilesets>()
            .sets
            .keys()
            .next()
            .unwrap()
    }

    fn walk_files(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() { walk_files(&p) } else { 1 }
            })
            .sum()
    }

    #[test]
    fn tiles_stream_in_near_and_hide_far_away() {
        let dir = std::env::temp_dir().join(format!("pw-tiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut app = headless_app(&cesium_scene(&dir));
        let owner = opened_tileset(&mut app);
        {
            let layers = app.world().resource::<Layers>();
            let entry = layers.get(owner).unwrap();
            assert_eq!(entry.status, LayerStatus::Ready);
            let e = entry.extent.unwrap();
            // The root region (≈ 400 m across) around the sample's centre.
            assert!((e.center()[0] - 447_784.0).abs() < 300.0, "{e:?}");
        }

        // Near: the four city tiles and the building load and show.
        place_camera(&mut app, 600.0);
        run_until(&mut app, |app| {
            app.world().resource::<Tilesets>().sets[&owner].shown.len() >= 5
        });
        app.update();
        let set = &app.world().resource::<Tilesets>().sets[&owner];
        assert_eq!(set.loaded.len(), 5, "{:?}", set.failed);
        let sub = set.loaded.values().next().unwrap().id;
        let city = app.world().resource::<CityLayers>();
        assert_eq!(city.layers[&sub].owner, owner);
        let buildings: usize = set
            .loaded
            .values()
            .map(|l| city.layers[&l.id].city.model.objects.len())
            .sum();
        assert_eq!(buildings, 4 * 10 + 1, "40 city features + the building");
        assert!(shown_batches(&mut app) >= 5);
        app.update();
        assert!(
            app.world().resource::<Jobs>().is_idle(),
            "the tile job ends when all are in"
        );

        // Far away: nothing is needed, tiles stay cached but hidden.
        place_camera(&mut app, 30_000.0);
        app.update();
        app.update();
        assert!(
            app.world().resource::<Tilesets>().sets[&owner]
                .shown
                .is_empty()
        );
        assert_eq!(shown_batches(&mut app), 0);

        // Removing the layer drops the set and all tiles.
        app.world_mut().write_message(SceneCommand::Remove(owner));
        app.update();
        app.update();
        assert!(app.world().resource::<Tilesets>().sets.is_empty());
        assert!(app.world().resource::<CityLayers>().layers.is_empty());
        std::fs::remove_dir_all(&dir).ok();
    }
}
