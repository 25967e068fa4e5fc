//! The scene and its layers: opening and saving scene files, adding and
//! removing layers, and loading them in the background. Loaders produce
//! engine-free results (`pw-city` models and batches); `city_layer` turns
//! them into meshes.

use crate::camera::CameraCommand;
use crate::clock::SceneClock;
use crate::frame::SceneFrame;
use crate::i18n::I18n;
use crate::jobs::{Jobs, Notices};
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, poll_once};
use pw_city::CityModel;
use pw_city::batch::Batch;
use pw_city::pick::PickIndex;
use pw_geo::{Crs, Extent3};
use pw_scene::{Bookmark, Layer, LayerKind, Scene};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LayerId(pub u32);

#[derive(Debug, Clone, PartialEq)]
pub enum LayerStatus {
    Loading,
    Ready,
    Failed(String),
    /// A kind this version cannot load yet; kept so saving loses nothing.
    NotSupported,
}

#[derive(Debug, Clone)]
pub struct LayerEntry {
    pub id: LayerId,
    pub def: Layer,
    pub source: PathBuf,
    pub status: LayerStatus,
    /// Extent in the scene CRS once loaded.
    pub extent: Option<Extent3>,
    pub summary: Option<LayerSummary>,
    pub issues: Vec<String>,
    /// Heights relative to the ground and not yet on terrain: reloaded (set
    /// onto it) when terrain arrives.
    pub relative_heights: bool,
}

/// What was loaded, from which input: shown in the layer tooltip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerSummary {
    /// Streamed layers: tiles loaded and tiles in the tileset.
    pub tiles: Option<(usize, usize)>,
    /// Appearance themes of the data, and the one shown.
    pub themes: Vec<String>,
    pub theme: Option<String>,
    pub format: String,
    pub source_crs: Option<Crs>,
    pub buildings: usize,
    pub parts: usize,
    pub triangles: usize,
    pub batches: usize,
    pub file_bytes: u64,
    pub load_seconds: f32,
    /// Vector layers: features drawn (buildings/parts do not apply).
    pub features: Option<usize>,
}

#[derive(Resource, Debug)]
pub struct ActiveScene {
    pub scene: Scene,
    pub path: Option<PathBuf>,
    pub dirty: bool,
}

impl Default for ActiveScene {
    fn default() -> Self {
        ActiveScene {
            scene: Scene {
                name: String::new(),
                crs: "EPSG:25832".into(),
                origin: [0.0; 3],
                city: Default::default(),
                time: Default::default(),
                layers: vec![],
                bookmarks: vec![],
                sensors: vec![],
                attribution: vec![],
            },
            path: None,
            dirty: false,
        }
    }
}

#[derive(Resource, Debug, Default)]
pub struct Layers {
    pub entries: Vec<LayerEntry>,
    next_id: u32,
    /// Terrain the loaded layers provide (TIN reliefs now, DEMs later).
    pub terrain: Vec<(LayerId, Arc<dyn pw_geo::elevation::Elevation>)>,
}

impl LayerEntry {
    /// The CRS the data was read in, for messages and tooltips.
    pub fn source_crs_label(&self) -> String {
        self.summary
            .as_ref()
            .and_then(|s| s.source_crs)
            .map(|c| c.to_string())
            .unwrap_or_else(|| "?".into())
    }
}

impl Layers {
    pub fn get(&self, id: LayerId) -> Option<&LayerEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn get_mut(&mut self, id: LayerId) -> Option<&mut LayerEntry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// A fresh id that no layer has (also used for streamed tiles).
    pub fn allocate_id(&mut self) -> LayerId {
        self.next_id += 1;
        LayerId(self.next_id)
    }

    fn add(&mut self, def: Layer, source: PathBuf) -> LayerId {
        let id = self.allocate_id();
        self.entries.push(LayerEntry {
            id,
            def,
            source,
            status: LayerStatus::Loading,
            extent: None,
            summary: None,
            issues: vec![],
            relative_heights: false,
        });
        id
    }

    /// All terrain of the scene as one elevation source.
    pub fn terrain_stack(&self) -> pw_geo::elevation::TerrainStack {
        pw_geo::elevation::TerrainStack {
            layers: self.terrain.iter().map(|(_, t)| t.clone()).collect(),
        }
    }

    /// Extent of all loaded layers in the scene CRS.
    pub fn extent(&self) -> Option<Extent3> {
        let mut e = Extent3::EMPTY;
        for l in &self.entries {
            if let Some(x) = &l.extent {
                e.union(x);
            }
        }
        (!e.is_empty()).then_some(e)
    }
}

/// Everything the user can ask of the scene.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum SceneCommand {
    Open(PathBuf),
    Save,
    SaveAs(PathBuf),
    /// A dropped or chosen file: a scene opens, data becomes a layer.
    AddFile(PathBuf),
    Remove(LayerId),
    SetVisible(LayerId, bool),
    SetOpacity(LayerId, f32),
    /// Show another appearance theme ("" = colours by type); reloads the layer.
    SetTheme(LayerId, String),
    /// Another symbology (vector layers); redraws the layer, saved with the scene.
    SetStyle(LayerId, Box<pw_scene::Style>),
    ZoomTo(LayerId),
    AddBookmark(Bookmark),
    RemoveBookmark(usize),
    GoToBookmark(usize),
}

/// Sent when a layer's data is ready for display. A streamed layer (3D
/// Tiles) sends one per tile: `id` is then the tile's own id and `owner`
/// the layer it belongs to (visibility, opacity, name come from the owner).
#[derive(Message, Debug, Clone)]
pub struct LayerLoaded {
    pub id: LayerId,
    pub owner: LayerId,
    pub city: Arc<LoadedCity>,
}

/// Sent when a layer goes away (removed, or a new scene opened).
#[derive(Message, Debug, Clone, Copy)]
pub struct LayerRemoved(pub LayerId);

/// A city model ready for display, stamped with its inputs.
#[derive(Debug)]
pub struct LoadedCity {
    pub model: CityModel,
    pub batches: Vec<Batch>,
    pub index: PickIndex,
    pub summary: LayerSummary,
    pub style: pw_scene::Style,
    /// Texture atlas of the shown appearance theme, if it has textures.
    pub atlas: Option<pw_city::atlas::Atlas>,
    /// The appearance theme shown (name), if any.
    pub theme: Option<String>,
    /// Terrain this layer provides (its relief), in the scene CRS.
    pub terrain: Option<Arc<dyn pw_geo::elevation::Elevation>>,
    /// Clicks select objects of this layer (not so for a DEM: it only
    /// answers the cursor height).
    pub selectable: bool,
    /// Heights were ground-relative (placed on terrain when there was one).
    pub relative_heights: bool,
    /// … and were set onto terrain.
    pub placed_on_terrain: bool,
    /// Legend, labels and columns of a vector layer.
    pub vector: Option<VectorExtras>,
    /// A DEM's level-of-detail tree: the view draws its nodes (see
    /// `terrain_lod`); `batches` then only serve the pointer.
    pub terrain_lod: Option<Arc<pw_terrain::lod::LodTerrain>>,
}

/// What a vector layer brings besides its objects.
#[derive(Debug, Clone)]
pub struct VectorExtras {
    pub legend: pw_vector::style::Legend,
    /// In the scene CRS.
    pub labels: Vec<pw_vector::to_city::Label>,
    /// Point features drawn as billboards (scene CRS).
    pub symbols: Vec<pw_vector::to_city::PointSymbol>,
    /// Closed rings of draped polygons, scene CRS.
    pub outlines: Vec<Vec<[f64; 3]>>,
    /// Attribute columns in file order, with their types (for the table
    /// and the style editor).
    pub fields: Vec<(String, pw_vector::FieldKind)>,
}

impl LoadedCity {
    /// Nothing to draw (a streamed layer whose tiles come separately).
    pub fn empty(style: pw_scene::Style) -> Self {
        LoadedCity {
            model: CityModel::default(),
            batches: Vec::new(),
            index: PickIndex::build(&[]),
            summary: LayerSummary::default(),
            style,
            atlas: None,
            theme: None,
            terrain: None,
            selectable: true,
            relative_heights: false,
            placed_on_terrain: false,
            terrain_lod: None,
            vector: None,
        }
    }

    /// Extent in the scene CRS: the model's, or the meshes' for layers
    /// drawn without objects (terrain).
    pub fn extent(&self, origin: &pw_geo::SceneOrigin) -> Option<Extent3> {
        let mut e = self.model.extent();
        if e.is_empty() {
            for b in &self.batches {
                for o in &b.objects {
                    e.include(origin.to_world(o.min));
                    e.include(origin.to_world(o.max));
                }
            }
        }
        (!e.is_empty()).then_some(e)
    }
}

#[derive(Component)]
struct LoadTask {
    layer: LayerId,
    job: u64,
    task: Task<Result<LoadedCity, String>>,
}

/// Scene and layer bookkeeping; display systems run after it.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct LayersSystems;

/// At most this many draw calls per city layer.
const MAX_BATCHES_PER_LAYER: usize = 48;

pub struct LayersPlugin;

impl Plugin for LayersPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ActiveScene>()
            .init_resource::<Layers>()
            .init_resource::<Jobs>()
            .init_resource::<Notices>()
            .init_resource::<SceneFrame>()
            .add_message::<SceneCommand>()
            .add_message::<LayerLoaded>()
            .add_message::<LayerRemoved>()
            .add_message::<CameraCommand>()
            .add_systems(
                Update,
                (handle_scene_commands, poll_load_tasks)
                    .chain()
                    .in_set(LayersSystems),
            )
            .add_systems(Last, expire_notices);
    }
}

fn expire_notices(mut notices: ResMut<Notices>) {
    let stale = notices
        .items
        .iter()
        .any(|n| !n.error && n.created.elapsed().as_secs() >= crate::jobs::INFO_NOTICE_SECONDS);
    if stale {
        notices.expire();
    }
}

/// The first `head` and last `tail` bytes of a file as text, without reading
/// the rest (files can be gigabytes).
fn read_head_and_tail(path: &Path, head: usize, tail: usize) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len() as usize;
    let mut start = vec![0; head.min(len)];
    file.read_exact(&mut start).ok()?;
    let mut text = String::from_utf8_lossy(&start).into_owned();
    let tail = tail.min(len.saturating_sub(head));
    if tail > 0 {
        let mut end = vec![0; tail];
        file.seek(SeekFrom::End(-(tail as i64))).ok()?;
        file.read_exact(&mut end).ok()?;
        text.push_str(&String::from_utf8_lossy(&end));
    }
    Some(text)
}

/// Guesses the layer kind of a file by its name and, for XML, its root element.
pub fn detect_kind(path: &Path) -> Option<LayerKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".city.json") || name.ends_with(".city.jsonl") {
        return Some(LayerKind::Cityjson);
    }
    match ext.as_str() {
        "gml" | "xml" | "citygml" => {
            let head = read_head_and_tail(path, 8192, 0);
            match head {
                Some(h) if h.contains("CityModel") => Some(LayerKind::Citygml),
                Some(_) => Some(LayerKind::Vector),
                None => None,
            }
        }
        "json" => {
            // Key order is free in JSON: "type": "CityJSON" may come last.
            let sample = read_head_and_tail(path, 65_536, 65_536);
            match sample {
                Some(h) if h.contains("\"CityJSON\"") || h.contains("\"CityObjects\"") => {
                    Some(LayerKind::Cityjson)
                }
                Some(h) if h.contains("\"asset\"") && h.contains("\"root\"") => {
                    Some(LayerKind::Tiles3d)
                }
                Some(_) => Some(LayerKind::Vector),
                None => None,
            }
        }
        "geojson" | "shp" | "gpkg" | "kml" | "kmz" | "csv" | "fgb" => Some(LayerKind::Vector),
        "tif" | "tiff" | "xyz" | "asc" => Some(LayerKind::Dem),
        "glb" | "gltf" => Some(LayerKind::Gltf),
        _ => None,
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[allow(clippy::too_many_arguments)]
fn handle_scene_commands(
    mut commands: Commands,
    mut reader: MessageReader<SceneCommand>,
    mut active: ResMut<ActiveScene>,
    mut layers: ResMut<Layers>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    mut frame: ResMut<SceneFrame>,
    mut clock: ResMut<SceneClock>,
    mut removed: MessageWriter<LayerRemoved>,
    mut camera: MessageWriter<CameraCommand>,
    i18n: Res<I18n>,
    tasks: Query<(Entity, &LoadTask)>,
) {
    for cmd in reader.read() {
        match cmd {
            SceneCommand::Open(path) => match Scene::load(path) {
                Ok(scene) => {
                    // Cancel and forget whatever the old scene was loading.
                    for (entity, task) in &tasks {
                        jobs.cancel(task.job);
                        jobs.finish(task.job);
                        commands.entity(entity).despawn();
                    }
                    for entry in layers.entries.drain(..) {
                        removed.write(LayerRemoved(entry.id));
                    }
                    layers.terrain.clear();
                    *frame = SceneFrame::new(scene.parsed_crs(), scene.origin);
                    match SceneClock::for_city(&scene.city.time_zone, scene.time.default.as_deref())
                    {
                        Ok(c) => {
                            *clock = SceneClock {
                                playing: false,
                                ..c
                            }
                        }
                        Err(e) => notices.error(format!("{}: {e}", path.display())),
                    }
                    for def in &scene.layers {
                        let source = Scene::resolve_path(path, &def.path);
                        let id = layers.add(def.clone(), source.clone());
                        start_loading(&mut commands, &mut layers, &mut jobs, id, &frame, &i18n);
                    }
                    match scene.bookmarks.first() {
                        Some(b) => {
                            camera.write(CameraCommand::Jump(b.clone()));
                        }
                        None => {
                            camera.write(CameraCommand::FrameAllWhenLoaded);
                        }
                    }
                    notices.info(i18n.trf("msg.scene_opened", &[("path", &path.display())]));
                    *active = ActiveScene {
                        scene,
                        path: Some(path.clone()),
                        dirty: false,
                    };
                }
                Err(e) => notices.error(e.to_string()),
            },
            SceneCommand::Save => match active.path.clone() {
                Some(path) => save_scene(&mut active, &layers, &path, &mut notices, &i18n),
                None => notices.error(i18n.tr("file.title_save").to_string()),
            },
            SceneCommand::SaveAs(path) => {
                save_scene(&mut active, &layers, path, &mut notices, &i18n);
            }
            SceneCommand::AddFile(path) => {
                let is_scene = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("scene"));
                if is_scene {
                    commands.write_message(SceneCommand::Open(path.clone()));
                    continue;
                }
                if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
                    notices.error(i18n.trf("msg.empty_file", &[("path", &path.display())]));
                    continue;
                }
                match detect_kind(path) {
                    Some(kind) => {
                        let def = Layer::new(
                            file_stem(path),
                            kind,
                            relative_to_scene(path, active.path.as_deref()),
                        );
                        let id = layers.add(def, path.clone());
                        start_loading(&mut commands, &mut layers, &mut jobs, id, &frame, &i18n);
                        camera.write(CameraCommand::FrameLayerWhenLoaded(id));
                        active.dirty = true;
                    }
                    None => {
                        notices.error(i18n.trf("msg.unknown_file", &[("path", &path.display())]))
                    }
                }
            }
            SceneCommand::Remove(id) => {
                for (entity, task) in &tasks {
                    if task.layer == *id {
                        jobs.cancel(task.job);
                        jobs.finish(task.job);
                        commands.entity(entity).despawn();
                    }
                }
                layers.entries.retain(|e| e.id != *id);
                layers.terrain.retain(|(t, _)| t != id);
                removed.write(LayerRemoved(*id));
                active.dirty = true;
            }
            SceneCommand::SetVisible(id, visible) => {
                if let Some(e) = layers.get_mut(*id) {
                    e.def.visible = *visible;
                    active.dirty = true;
                }
            }
            SceneCommand::SetOpacity(id, opacity) => {
                if let Some(e) = layers.get_mut(*id) {
                    e.def.opacity = opacity.clamp(0.0, 1.0);
                    active.dirty = true;
                }
            }
            SceneCommand::SetTheme(..) | SceneCommand::SetStyle(..) => {
                // A changed definition is drawn again from the source.
                let (id, changed) = match cmd {
                    SceneCommand::SetTheme(id, theme) => (
                        *id,
                        edit_def(&mut layers, *id, |d| {
                            replace_if_new(&mut d.appearance_theme, Some(theme.clone()))
                        }),
                    ),
                    SceneCommand::SetStyle(id, style) => (
                        *id,
                        edit_def(&mut layers, *id, |d| {
                            replace_if_new(&mut d.style, (**style).clone())
                        }),
                    ),
                    _ => unreachable!("matched above"),
                };
                if changed {
                    active.dirty = true;
                    reload(
                        &mut commands,
                        &mut layers,
                        &mut jobs,
                        id,
                        &frame,
                        &i18n,
                        &tasks,
                    );
                }
            }
            SceneCommand::ZoomTo(id) => {
                if let Some(extent) = layers.get(*id).and_then(|e| e.extent) {
                    camera.write(CameraCommand::FrameExtent(extent));
                }
            }
            SceneCommand::AddBookmark(b) => {
                active.scene.bookmarks.push(b.clone());
                active.dirty = true;
            }
            SceneCommand::RemoveBookmark(i) => {
                if *i < active.scene.bookmarks.len() {
                    active.scene.bookmarks.remove(*i);
                    active.dirty = true;
                }
            }
            SceneCommand::GoToBookmark(i) => {
                if let Some(b) = active.scene.bookmarks.get(*i) {
                    camera.write(CameraCommand::FlyTo(b.clone()));
                }
            }
        }
    }
}

/// Loads a layer again (another theme or style), cancelling a load under way.
/// Edits a layer's definition; whether anything changed.
fn edit_def(layers: &mut Layers, id: LayerId, edit: impl FnOnce(&mut Layer) -> bool) -> bool {
    layers.get_mut(id).is_some_and(|e| edit(&mut e.def))
}

/// Sets `slot` to `value` if they differ; whether it did.
fn replace_if_new<T: PartialEq>(slot: &mut T, value: T) -> bool {
    let new = *slot != value;
    if new {
        *slot = value;
    }
    new
}

fn reload(
    commands: &mut Commands,
    layers: &mut Layers,
    jobs: &mut Jobs,
    id: LayerId,
    frame: &SceneFrame,
    i18n: &I18n,
    tasks: &Query<(Entity, &LoadTask)>,
) {
    for (entity, task) in tasks {
        if task.layer == id {
            jobs.cancel(task.job);
            jobs.finish(task.job);
            commands.entity(entity).despawn();
        }
    }
    start_loading(commands, layers, jobs, id, frame, i18n);
}

/// Layer paths are stored relative to the scene file when possible so a
/// scene folder can be copied to another machine.
fn relative_to_scene(path: &Path, scene: Option<&Path>) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(dir) = scene
        .and_then(|s| std::path::absolute(s).ok())
        .and_then(|s| s.parent().map(Path::to_path_buf))
        && let Ok(rel) = abs.strip_prefix(&dir)
    {
        return rel.to_string_lossy().replace('\\', "/");
    }
    abs.to_string_lossy().into_owned()
}

fn save_scene(
    active: &mut ActiveScene,
    layers: &Layers,
    path: &Path,
    notices: &mut Notices,
    i18n: &I18n,
) {
    let mut scene = active.scene.clone();
    scene.layers = layers
        .entries
        .iter()
        .map(|e| {
            let mut def = e.def.clone();
            // Re-root relative paths when saving under another folder.
            if active.path.as_deref() != Some(path) {
                def.path = relative_to_scene(&e.source, Some(path));
            }
            def
        })
        .collect();
    match scene.save(path) {
        Ok(()) => {
            active.scene = scene;
            active.path = Some(path.to_path_buf());
            active.dirty = false;
            notices.info(i18n.trf("msg.scene_saved", &[("path", &path.display())]));
        }
        Err(e) => notices.error(e.to_string()),
    }
}

fn start_loading(
    commands: &mut Commands,
    layers: &mut Layers,
    jobs: &mut Jobs,
    id: LayerId,
    frame: &SceneFrame,
    i18n: &I18n,
) {
    let Some(entry) = layers.get_mut(id) else {
        return;
    };
    if entry.def.kind == LayerKind::Basemap {
        // Set up and streamed by the basemap plugin.
        entry.status = LayerStatus::Loading;
        return;
    }
    if !matches!(
        entry.def.kind,
        LayerKind::Citygml
            | LayerKind::Cityjson
            | LayerKind::Gltf
            | LayerKind::Tiles3d
            | LayerKind::Dem
            | LayerKind::Vector
    ) {
        entry.status = LayerStatus::NotSupported;
        return;
    }
    entry.status = LayerStatus::Loading;
    let job = jobs.start(format!(
        "{} – {}",
        i18n.tr("layers.loading"),
        entry.def.name
    ));
    if entry.def.kind == LayerKind::Tiles3d {
        crate::tiles_layer::start_opening(
            commands,
            id,
            job.id,
            entry.source.clone(),
            entry.def.crs.clone(),
            frame,
        );
        return;
    }
    let control = job.control.clone();
    let source = entry.source.clone();
    let def = entry.def.clone();
    let scene_crs = frame.crs;
    let origin = frame.origin;
    let terrain = layers.terrain_stack();
    let task = AsyncComputeTaskPool::get().spawn(async move {
        if def.kind == LayerKind::Dem {
            crate::terrain_layer::load_dem(&def, &source, scene_crs, &origin, &control)
        } else if def.kind == LayerKind::Vector {
            crate::vector_layer::load_vector(&def, &source, scene_crs, &origin, &control, &terrain)
        } else {
            load_city(&def, &source, scene_crs, &origin, &control, &terrain)
        }
    });
    commands.spawn(LoadTask {
        layer: id,
        job: job.id,
        task,
    });
}

/// Reads any city model format into the engine-free model. `layer` gives
/// the scene's settings for it (georeference of glTF models), if any.
pub fn read_city_model(
    kind: LayerKind,
    source: &Path,
    layer: Option<&Layer>,
    control: Option<&pw_job::JobControl>,
) -> Result<CityModel, String> {
    let result = match kind {
        LayerKind::Cityjson => {
            pw_city::cityjson::read_file(source, control).map_err(|e| e.to_string())
        }
        LayerKind::Gltf => {
            let georef = layer.and_then(|l| l.georeference.as_ref());
            let crs = layer.and_then(|l| l.crs.as_deref());
            let (placement, up) = gltf_placement(georef, crs)?;
            return pw_city::placement::read_gltf_model(source, placement, up);
        }
        _ => pw_city::citygml::read_file(source, control).map_err(|e| e.to_string()),
    };
    result.map_err(|e| format!("{}: {e}", source.display()))
}

/// The scene's georeference of a glTF layer as a placement: origin in the
/// layer's CRS (degrees for a geographic one), else in EPSG:25832.
fn gltf_placement(
    georef: Option<&pw_scene::Georeference>,
    crs: Option<&str>,
) -> Result<
    (
        Option<pw_city::placement::Placement>,
        Option<pw_city::gltf_reader::UpAxis>,
    ),
    String,
> {
    use pw_city::gltf_reader::UpAxis;
    use pw_city::placement::Placement;
    let Some(g) = georef else {
        return Ok((None, None));
    };
    let up = match g.up_axis.as_deref() {
        None => None,
        Some(text) => Some(UpAxis::parse(text).ok_or_else(|| {
            format!("georeference: up_axis must be \"y\" or \"z\", not {text:?}")
        })?),
    };
    let crs = match crs {
        Some(text) => Crs::parse(text).map_err(|e| format!("georeference: {e}"))?,
        None => Crs::ETRS89_UTM32,
    };
    let placement = if crs.is_geographic() {
        Placement::Geodetic {
            lon: g.origin[0],
            lat: g.origin[1],
            height: g.origin[2],
            heading: g.heading,
            scale: g.scale,
        }
    } else {
        Placement::Projected {
            crs,
            origin: g.origin,
            heading: g.heading,
            scale: g.scale,
        }
    };
    Ok((Some(placement), up))
}

/// Reads, reprojects, batches and indexes a city model (runs off the frame).
pub fn load_city(
    layer: &Layer,
    source: &Path,
    scene_crs: Crs,
    origin: &pw_geo::SceneOrigin,
    control: &pw_job::JobControl,
    terrain: &pw_geo::elevation::TerrainStack,
) -> Result<LoadedCity, String> {
    let started = std::time::Instant::now();
    let file_bytes = std::fs::metadata(source).map(|m| m.len()).unwrap_or(0);
    control.set_stage("read");
    let mut model = read_city_model(layer.kind, source, Some(layer), Some(control))?;
    // For glTF the layer CRS is that of the georeference, already applied.
    let source_crs = match layer
        .crs
        .as_deref()
        .filter(|_| layer.kind != LayerKind::Gltf)
    {
        Some(text) => Some(Crs::parse(text).map_err(|e| format!("{}: {e}", source.display()))?),
        None => model.crs,
    };
    model.crs = source_crs;
    // Placed glTF models come out as longitude/latitude by construction.
    if layer.kind != LayerKind::Gltf {
        model
            .settle_axis_order(scene_crs, origin.world)
            .map_err(|e| format!("{}: {e}", source.display()))?;
    }
    model
        .reproject(scene_crs)
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let relative_heights = model.has_relative_heights(origin.world[2]);
    let placed_on_terrain = relative_heights && !terrain.is_empty();
    if placed_on_terrain {
        let placed = pw_city::terrain::place_on_terrain(&mut model, terrain);
        model.issues.push(pw_city::Issue::warning(format!(
            "heights were relative to the ground: {} buildings set onto the terrain{}",
            placed.placed,
            if placed.outside > 0 {
                format!(", {} outside the terrain left at 0 m", placed.outside)
            } else {
                String::new()
            }
        )));
    } else {
        model.check_relative_heights(origin.world[2]);
    }
    let own_terrain = pw_city::terrain::TinTerrain::from_model(&model)
        .map(|t| Arc::new(t) as Arc<dyn pw_geo::elevation::Elevation>);
    control.check().map_err(|e| e.to_string())?;
    let theme = choose_theme(&model, layer.appearance_theme.as_deref());
    let atlas = theme.and_then(|t| {
        control.set_stage("textures");
        texture_atlas(&mut model, t)
    });
    control.check().map_err(|e| e.to_string())?;
    control.set_stage("triangulate");
    let look = pw_city::mesh::LookChoice {
        theme,
        atlas: atlas.as_ref().map(|a| (a.rects.as_slice(), a.white)),
    };
    let batches = pw_city::batch::build_batches_with(
        &model,
        origin,
        MAX_BATCHES_PER_LAYER,
        Some(control),
        Some(&look),
    )
    .map_err(|e| e.to_string())?;
    let index = PickIndex::build(&batches);
    let s = model.summary();
    let summary = LayerSummary {
        tiles: None,
        themes: model.themes.clone(),
        theme: theme.map(|t| model.themes[t as usize].clone()),
        format: model.format.clone(),
        source_crs,
        buildings: s.buildings,
        parts: s.building_parts,
        triangles: batches.iter().map(|b| b.triangle_count()).sum(),
        batches: batches.len(),
        file_bytes,
        load_seconds: started.elapsed().as_secs_f32(),
        features: None,
    };
    Ok(LoadedCity {
        theme: theme.map(|t| model.themes[t as usize].clone()),
        model,
        batches,
        index,
        summary,
        style: layer.style.clone(),
        atlas,
        terrain: own_terrain,
        selectable: true,
        relative_heights,
        placed_on_terrain,
        vector: None,
        terrain_lod: None,
    })
}

/// The appearance theme to show: the scene's choice, else the model's
/// default (most textures). An unknown name is reported, not fatal.
fn choose_theme(model: &CityModel, wanted: Option<&str>) -> Option<u16> {
    match wanted {
        Some("") => None,
        Some(name) => model.theme_index(name),
        None => model.default_theme(),
    }
}

/// Packs the images the theme uses into one atlas; unreadable images are
/// reported and their surfaces fall back to colours by semantics.
fn texture_atlas(model: &mut CityModel, theme: u16) -> Option<pw_city::atlas::Atlas> {
    let mut used = vec![false; model.texture_images.len()];
    for s in model.objects.iter().flat_map(|o| &o.surfaces) {
        for l in s.looks.iter().filter(|l| l.theme == theme) {
            if let Some((i, _)) = &l.texture
                && let Some(u) = used.get_mut(*i as usize)
            {
                *u = true;
            }
        }
    }
    if !used.contains(&true) {
        return None;
    }
    let paths: Vec<Option<PathBuf>> = model
        .texture_images
        .iter()
        .zip(&used)
        .map(|(p, u)| u.then(|| p.clone()))
        .collect();
    let atlas = pw_city::atlas::build(&paths);
    let missing = atlas.missing.len();
    if missing > 0 {
        model.issues.push(pw_city::Issue::warning(format!(
                "{missing} of {} texture images cannot be read (first: {}); those surfaces are coloured by type",
                used.iter().filter(|u| **u).count(),
                atlas.missing.first().map(String::as_str).unwrap_or("?")
            )));
    }
    atlas.rects.iter().any(Option::is_some).then_some(atlas)
}

fn poll_load_tasks(
    mut commands: Commands,
    mut tasks: Query<(Entity, &mut LoadTask)>,
    mut layers: ResMut<Layers>,
    mut jobs: ResMut<Jobs>,
    mut loaded: MessageWriter<LayerLoaded>,
    frame: Res<SceneFrame>,
    i18n: Res<I18n>,
) {
    for (entity, mut load) in &mut tasks {
        let Some(result) = block_on(poll_once(&mut load.task)) else {
            continue;
        };
        commands.entity(entity).despawn();
        jobs.finish(load.job);
        let Some(entry) = layers.get_mut(load.layer) else {
            continue;
        };
        match result {
            Ok(city) => {
                entry.status = LayerStatus::Ready;
                entry.extent = city.extent(&frame.origin);
                entry.issues = city.model.issues.iter().map(|i| i.to_string()).collect();
                entry.summary = Some(city.summary.clone());
                entry.relative_heights = city.relative_heights && !city.placed_on_terrain;
                if let Some(t) = &city.terrain {
                    layers.terrain.retain(|(id, _)| *id != load.layer);
                    layers.terrain.push((load.layer, t.clone()));
                }
                loaded.write(LayerLoaded {
                    id: load.layer,
                    owner: load.layer,
                    city: Arc::new(city),
                });
            }
            Err(message) => entry.status = LayerStatus::Failed(message),
        }
    }
    // Ground-relative layers still off the terrain (loaded before it, or
    // while it was loading): load again onto it.
    if !layers.terrain.is_empty() {
        let again: Vec<LayerId> = layers
            .entries
            .iter()
            .filter(|e| e.relative_heights && e.status == LayerStatus::Ready)
            .map(|e| e.id)
            .collect();
        for id in again {
            if let Some(e) = layers.get_mut(id) {
                e.relative_heights = false;
            }
            start_loading(&mut commands, &mut layers, &mut jobs, id, &frame, &i18n);
        }
    }
}

#[cfg(test)]
mod gltf_layer_tests {
    use super::*;

    fn vienna_glb_layer(georeference: Option<pw_scene::Georeference>, crs: Option<&str>) -> Layer {
        Layer {
            crs: crs.map(str::to_string),
            georeference,
            ..Layer::new("Karl-Marx-Hof", LayerKind::Gltf, "")
        }
    }

    fn load(layer: &Layer) -> Result<LoadedCity, String> {
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/gltf/vienna_karl-marx-hof/scene.glb");
        let origin = pw_geo::SceneOrigin::new([2300.0, 345_500.0, 6.0]);
        load_city(
            layer,
            &source,
            Crs::epsg(31256),
            &origin,
            &pw_job::JobControl::new(),
            &Default::default(),
        )
    }

    #[test]
    fn a_glb_layer_is_placed_by_kml_or_by_the_scene() {
        // CityGML envelope of the same building: 2215.83 345194.82 5.94 … 2562.77 346262.185 35.14.
        let by_kml = load(&vienna_glb_layer(None, None)).unwrap();
        let e = by_kml.model.extent();
        assert!(
            (e.min[0] - 2215.83).abs() < 0.5 && (e.max[1] - 346_262.185).abs() < 0.5,
            "{e:?}"
        );
        assert_eq!(by_kml.summary.triangles, 12_679);
        assert_eq!(
            by_kml.model.issues.len(),
            1,
            "only the Z-up guess: {:?}",
            by_kml.model.issues
        );

        // The same place given in the scene, in degrees, with the up axis stated.
        let georef = pw_scene::Georeference {
            origin: [16.362_584_3, 48.245_270_2, 5.94],
            heading: 0.026_006_8,
            scale: 1.0,
            up_axis: Some("z".into()),
        };
        let by_scene = load(&vienna_glb_layer(Some(georef.clone()), Some("EPSG:4326"))).unwrap();
        let f = by_scene.model.extent();
        for i in 0..3 {
            assert!((e.min[i] - f.min[i]).abs() < 1e-6 && (e.max[i] - f.max[i]).abs() < 1e-6);
        }
        assert!(
            by_scene.model.issues.is_empty(),
            "up axis stated, no guess: {:?}",
            by_scene.model.issues
        );

        let wrong = pw_scene::Georeference {
            up_axis: Some("x".into()),
            ..georef
        };
        let err = load(&vienna_glb_layer(Some(wrong), Some("EPSG:4326"))).unwrap_err();
        assert!(err.contains("up_axis"), "{err}");
    }
}

#[cfg(test)]
mod appearance_tests {
    use super::*;

    fn berlin(theme: Option<&str>, file: &str) -> Result<LoadedCity, String> {
        let layer = Layer {
            appearance_theme: theme.map(str::to_string),
            ..Layer::new("Berlin", LayerKind::Citygml, "")
        };
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/citygml")
            .join(file);
        let origin = pw_geo::SceneOrigin::new([391_319.0, 5_821_717.0, 42.5]);
        load_city(
            &layer,
            &source,
            Crs::epsg(25833),
            &origin,
            &pw_job::JobControl::new(),
            &Default::default(),
        )
    }

    const TEXTURED: &str = "berlin_textured/DEB_LOD2_UUID_cda3726a-7346-4ba8-a393-90964d0c8697.gml";

    #[test]
    fn textures_go_into_one_atlas_and_batches_carry_atlas_coordinates() {
        let city = berlin(None, TEXTURED).unwrap();
        assert_eq!(city.theme.as_deref(), Some("rgbTexture"));
        let atlas = city.atlas.as_ref().expect("atlas");
        assert!(atlas.missing.is_empty(), "{:?}", atlas.missing);
        assert_eq!(atlas.rects.iter().flatten().count(), 18, "18 JPEGs");
        assert_eq!(atlas.scale, 1.0, "160 KB of JPEGs fit unscaled");
        assert_eq!(city.batches.len(), 1);
        let b = &city.batches[0];
        assert_eq!(b.uvs.len(), b.positions.len());
        let white = b.tints.iter().filter(|t| **t == [255; 4]).count();
        let by_type = b.tints.iter().filter(|t| t[3] == 0).count();
        assert!(
            white > 0 && by_type > 0,
            "textured walls and an untextured ground"
        );
        assert!(b.uvs.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn another_theme_shows_its_material_colours_and_none_shows_types() {
        // The solar themes reuse 14 of the facade textures (xlink) and colour
        // the roofs by suitability.
        let pv = berlin(Some("Eignung Photovoltaik"), TEXTURED).unwrap();
        assert_eq!(
            pv.atlas.as_ref().unwrap().rects.iter().flatten().count(),
            14
        );
        let b = &pv.batches[0];
        // X3D diffuse 0.839 0.306 0.212 → sRGB8 (214, 78, 54) on the four suitable roofs.
        let red = b.tints.iter().filter(|t| **t == [214, 78, 54, 255]).count();
        assert!(red >= 12, "{red} vertices");
        let plain = berlin(Some(""), TEXTURED).unwrap();
        assert!(plain.atlas.is_none() && plain.theme.is_none());
        assert!(plain.batches[0].tints.iter().all(|t| t[3] == 0));
    }

    #[test]
    fn choosing_another_theme_in_the_app_reloads_the_layer() {
        let dir = std::env::temp_dir().join(format!("pw-theme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let gml = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/citygml")
            .join(TEXTURED);
        let scene = dir.join("b.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"b\"\ncrs = \"EPSG:25833\"\norigin = [391319.0, 5821717.0, 42.5]\n\
                 [[layers]]\nname = \"Berlin\"\nkind = \"citygml\"\npath = {:?}\n",
                gml.display().to_string()
            ),
        )
        .unwrap();
        let mut app = crate::app::headless_app(&scene);
        let theme_is = |want: &'static str| {
            move |app: &mut App| {
                let layers = app.world().resource::<Layers>();
                layers.entries.first().is_some_and(|e| {
                    e.status == LayerStatus::Ready
                        && e.summary.as_ref().and_then(|s| s.theme.as_deref()) == Some(want)
                })
            }
        };
        crate::app::run_until(&mut app, theme_is("rgbTexture"));
        let id = app.world().resource::<Layers>().entries[0].id;
        let themes = app.world().resource::<Layers>().entries[0]
            .summary
            .as_ref()
            .unwrap()
            .themes
            .clone();
        assert_eq!(themes.len(), 3);
        app.world_mut()
            .write_message(SceneCommand::SetTheme(id, "Eignung Photovoltaik".into()));
        crate::app::run_until(&mut app, theme_is("Eignung Photovoltaik"));
        assert!(
            app.world().resource::<ActiveScene>().dirty,
            "the choice is saved with the scene"
        );
        let layers = app.world().resource::<Layers>();
        assert_eq!(
            layers.entries[0].def.appearance_theme.as_deref(),
            Some("Eignung Photovoltaik")
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn missing_texture_images_are_reported_and_fall_back_to_colours() {
        let city = berlin(None, "citygml3/Berlin_Moabit_1Bldg_v3.gml").unwrap();
        assert!(city.atlas.is_none());
        assert!(
            city.model
                .issues
                .iter()
                .any(|i| i.message.contains("texture images cannot be read")),
            "{:?}",
            city.model.issues
        );
    }
}

#[cfg(test)]
mod terrain_tests {
    use super::*;

    const SIG3D: &str =
        "../shared/data/citygml/sig3d_terrain/Building_and_garage_LOD2-EPSG25832_CityGML2.gml";

    /// The SIG3D building without its relief and with heights from 0 m (as
    /// ground-relative LoD2 deliveries come), written next to the scene.
    fn relative_copy(dir: &Path) -> PathBuf {
        let text =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SIG3D)).unwrap();
        let relief = text.find("<dem:ReliefFeature").unwrap();
        let start = text[..relief].rfind("<cityObjectMember").unwrap();
        let end = relief
            + text[relief..].find("</cityObjectMember>").unwrap()
            + "</cityObjectMember>".len();
        let mut out = String::new();
        let mut rest = &format!("{}{}", &text[..start], &text[end..])[..];
        while let Some(open) = rest.find("<gml:posList") {
            let body = open + rest[open..].find('>').unwrap() + 1;
            let close = body + rest[body..].find("</gml:posList>").unwrap();
            out += &rest[..body];
            let shifted: Vec<String> = rest[body..close]
                .split_ascii_whitespace()
                .enumerate()
                .map(|(i, v)| {
                    let v: f64 = v.parse().unwrap();
                    if i % 3 == 2 {
                        format!("{}", v - 112.0)
                    } else {
                        format!("{v}")
                    }
                })
                .collect();
            out += &shifted.join(" ");
            rest = &rest[close..];
        }
        out += rest;
        let path = dir.join("relative.gml");
        std::fs::write(&path, out).unwrap();
        path
    }

    #[test]
    fn ground_relative_buildings_are_set_onto_terrain_from_another_layer() {
        let dir = std::env::temp_dir().join(format!("pw-terrain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let relative = relative_copy(&dir);
        let terrain = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SIG3D);
        let scene = dir.join("t.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [458880.0, 5438352.0, 112.0]\n\
                 [[layers]]\nname = \"relativ\"\nkind = \"citygml\"\npath = {:?}\n\
                 [[layers]]\nname = \"Gelände\"\nkind = \"citygml\"\npath = {:?}\n",
                relative.display().to_string(),
                terrain.display().to_string()
            ),
        )
        .unwrap();
        let mut app = crate::app::headless_app(&scene);
        let start = std::time::Instant::now();
        loop {
            app.update();
            let layers = app.world().resource::<Layers>();
            let rel = &layers.entries[0];
            let done = layers
                .entries
                .iter()
                .all(|e| e.status == LayerStatus::Ready)
                && !layers.terrain.is_empty()
                && rel.extent.is_some_and(|e| e.min[2] > 100.0);
            if done {
                break;
            }
            assert!(start.elapsed().as_secs() < 30, "{:?}", layers.entries);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let layers = app.world().resource::<Layers>();
        let e = layers.entries[0].extent.unwrap();
        // The ground slab lies on the TIN at 112 m again; roof ridge 117 m.
        assert!(
            (e.min[2] - 112.0).abs() < 1e-6 && (e.max[2] - 117.0).abs() < 1e-6,
            "{e:?}"
        );
        assert!(
            layers.entries[0]
                .issues
                .iter()
                .any(|i| i.contains("set onto the terrain")),
            "{:?}",
            layers.entries[0].issues
        );
        assert_eq!(layers.terrain.len(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }
}
