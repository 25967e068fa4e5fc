//! The layer model: ids, entries and their status, the scene being edited,
//! the messages between the scene, the loaders and the view, and what a
//! loader hands over for display (`LoadedCity`).

use bevy::prelude::*;
use pw_city::CityModel;
use pw_city::batch::Batch;
use pw_city::pick::PickIndex;
use pw_geo::{Crs, Extent3};
use pw_scene::{Bookmark, Layer, LayerKind, Scene};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LayerId(pub u32);

#[derive(Debug, Clone, PartialEq)]
pub enum LayerStatus {
    Loading,
    Ready,
    /// Said through the catalogues (library texts carry their key).
    Failed(pw_text::Message),
    /// The data's coordinates are in no CRS we know of (none stated, or one
    /// they contradict): the user is asked which.
    NeedsCrs(Box<CrsQuestion>),
    /// A kind this version cannot load yet; kept so saving loses nothing.
    NotSupported,
    /// Data the user adds later (the scene's `if_missing` says where to get
    /// it and where to put it) is not there yet: no error, a hint.
    Absent(String),
}

/// What the CRS picker shows about a layer whose CRS is unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct CrsQuestion {
    /// The file, as the user knows it.
    pub file: String,
    /// The CRS the file states (or a format's default) when its coordinates
    /// do not fit it; None when it states none.
    pub stated: Option<Crs>,
    /// (min x, min y, max x, max y) of the coordinates as read.
    pub extent: Option<[f64; 4]>,
    /// Systems the coordinates fit, best first.
    pub suggestions: Vec<pw_geo::crs_guess::Suggestion>,
}

impl CrsQuestion {
    /// The question for coordinates spanning `extent`, with suggestions
    /// ranked by where they would put the data relative to the scene.
    pub fn new(
        file: &std::path::Path,
        stated: Option<Crs>,
        extent: Option<[f64; 4]>,
        scene_crs: Crs,
        origin: &pw_geo::SceneOrigin,
    ) -> Self {
        let scene = Some((scene_crs, [origin.world[0], origin.world[1]]));
        CrsQuestion {
            file: file.display().to_string(),
            stated,
            extent,
            suggestions: extent
                .map(|e| pw_geo::crs_guess::suggest(e, scene))
                .unwrap_or_default(),
        }
    }

    /// Whether `crs` is unknown or grossly contradicted by coordinates
    /// spanning `extent` (a file's own statement is otherwise trusted).
    pub fn needed(crs: Option<Crs>, extent: Option<[f64; 4]>) -> bool {
        match (crs, extent) {
            (None, _) => true,
            (Some(c), Some(e)) => pw_geo::crs_guess::contradicts(c, e),
            (Some(_), None) => false,
        }
    }
}

/// "{path}: {why}" with the reason in the user's language.
pub fn at_source(path: impl std::fmt::Display, why: pw_text::Message) -> pw_text::Message {
    pw_text::Message::new("layer.error.at")
        .arg("path", path)
        .arg_message("why", why)
        .english("{path}: {why}")
}

/// Why a layer did not load.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    Failed(pw_text::Message),
    NeedsCrs(Box<CrsQuestion>),
}

/// Loading stopped because the user removed the layer or opened another scene.
pub fn cancelled_message() -> pw_text::Message {
    pw_text::Message::new("layer.cancelled").english("cancelled")
}

impl From<pw_job::Cancelled> for LoadError {
    fn from(_: pw_job::Cancelled) -> Self {
        LoadError::Failed(cancelled_message())
    }
}

/// The operating system's own words (a file that cannot be written, a
/// thread that cannot start), passed on as they are.
pub fn system_error(e: impl std::fmt::Display) -> LoadError {
    LoadError::Failed(pw_text::Message::text(e.to_string()))
}

impl From<pw_text::Message> for LoadError {
    fn from(message: pw_text::Message) -> Self {
        LoadError::Failed(message)
    }
}

impl std::fmt::Display for LoadError {
    /// The words for logs and the command line, which cannot ask.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Failed(m) => write!(f, "{m}"),
            LoadError::NeedsCrs(q) => {
                let fits: Vec<String> = q.suggestions.iter().map(|s| s.crs.to_string()).collect();
                match q.stated {
                    Some(c) => write!(f, "{}: the coordinates do not fit {c}", q.file)?,
                    None => write!(f, "{}: the file does not state its CRS", q.file)?,
                }
                if fits.is_empty() {
                    write!(f, "; set crs = \"EPSG:…\" for this layer in the scene")
                } else {
                    write!(
                        f,
                        "; they fit {}: set e.g. crs = \"{}\" for this layer in the scene",
                        fits.join(", "),
                        fits[0]
                    )
                }
            }
        }
    }
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
    pub issues: Vec<pw_city::Issue>,
    /// Heights relative to the ground and not yet on terrain: reloaded (set
    /// onto it) when terrain arrives.
    pub relative_heights: bool,
    /// A restricted layer while the public looks: drawn, listed, picked and
    /// credited as if it were not there (its own visibility is kept).
    pub withheld: bool,
    /// Draped without terrain onto this ground height: loaded again when
    /// the scene's ground turns out elsewhere (a city layer arriving later).
    pub draped_on: Option<f64>,
    /// Its objects carry attributes to style by and list in a table.
    pub has_attributes: bool,
    /// A service layer: the box its features were asked for (scene CRS).
    pub asked_box: Option<[f64; 4]>,
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
                view_corridors: vec![],
                sensors: vec![],
                attribution: vec![],
                workshop: None,
                kiosk: None,
                look: None,
                catalogs: Vec::new(),
                traffic: None,
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
    /// Layers the app made (a variant's new buildings): shown and picked
    /// like the others, never saved into the scene, not input of analyses
    /// (the scenario holds what they show).
    pub generated: Vec<LayerId>,
    /// The ground in view (scene CRS, min x, min y, max x, max y) once the
    /// camera has settled: what service layers ask their features for.
    pub view_box: Option<[f64; 4]>,
    /// Whether the camera holds still now (service layers ask nothing while
    /// it moves).
    pub view_settled: bool,
    /// Where answers of online services are kept for offline use (None: the
    /// user's cache folder).
    pub service_copies: Option<PathBuf>,
}

impl LayerEntry {
    /// On screen: switched on and not withheld from the public.
    pub fn shown(&self) -> bool {
        self.def.visible && !self.withheld
    }

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
    /// Data credits: the scene's, then each layer's (all layers, or the
    /// visible ones — what a picture or the screen shows), each once.
    pub fn credits(&self, scene: &Scene, only_visible: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let layers = self
            .entries
            .iter()
            .filter(|e| !e.withheld && (!only_visible || e.def.visible))
            .filter_map(|e| e.def.attribution.clone());
        for c in scene.attribution.iter().cloned().chain(layers) {
            let c = c.trim().to_string();
            if !c.is_empty() && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

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

    /// A layer made by the app from data it holds (see `generated`); its
    /// content arrives as a `LayerLoaded` from whoever made it.
    pub fn add_generated(&mut self, def: Layer) -> LayerId {
        let id = self.add(def, PathBuf::new());
        self.generated.push(id);
        id
    }

    pub fn is_generated(&self, id: LayerId) -> bool {
        self.generated.contains(&id)
    }

    pub(super) fn add(&mut self, def: Layer, source: PathBuf) -> LayerId {
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
            withheld: false,
            draped_on: None,
            has_attributes: false,
            asked_box: None,
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

    /// Extent of the layers that stand on the ground by their own heights
    /// (city models, tiles, terrain), shown or not. Vector layers follow the
    /// ground rather than set it (draped ones lie on it) and basemaps lie on
    /// it, so neither moves it: a Germany-wide district layer must not. Nor
    /// do the app's own layers (a variant's new buildings are set onto the
    /// ground, switching variants must not move it).
    pub fn ground_extent(&self) -> Option<Extent3> {
        let mut e = Extent3::EMPTY;
        for l in &self.entries {
            if matches!(l.def.kind, LayerKind::Vector | LayerKind::Basemap)
                || self.is_generated(l.id)
            {
                continue;
            }
            if let Some(x) = &l.extent {
                e.union(x);
            }
        }
        (!e.is_empty()).then_some(e)
    }

    /// The height (scene CRS) of the ground the scene stands on where there
    /// is no terrain: just under the lowest base of its city layers, else
    /// the origin's height.
    pub fn ground_height(&self, origin_height: f64) -> f64 {
        self.ground_extent()
            .map_or(origin_height, |e| e.min[2] - GROUND_BELOW_BASES)
    }
}

/// How far the ground plane lies under the lowest building base, so that
/// ground surfaces of the models are not fighting it.
pub const GROUND_BELOW_BASES: f64 = 0.05;

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
    /// The CRS of a layer's coordinates, chosen by the user (None: as the
    /// file says); reloads the layer, saved with the scene.
    SetCrs(LayerId, Option<String>),
    /// A layer made elsewhere (from a catalogue or a service's address).
    AddLayer(Box<pw_scene::Layer>),
    /// A service layer's features for the area now in view.
    LoadForView(LayerId),
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
    /// Shared with the scenarios analyses run on (no copy per run).
    pub model: Arc<CityModel>,
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
    /// Draped without terrain onto this ground height (vector layers).
    pub draped_on: Option<f64>,
    /// Legend, labels and columns of a vector layer.
    pub vector: Option<VectorExtras>,
    /// A DEM's level-of-detail tree: the view draws its nodes (see
    /// `terrain_lod`); `batches` then only serve the pointer.
    pub terrain_lod: Option<Arc<pw_terrain::lod::LodTerrain>>,
}

/// What a layer styled by attributes brings besides its objects: a vector
/// layer's features, a city layer's buildings.
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
    /// Features laid on the ground (vector layers): kept over it at any
    /// distance, casting no shadow. City models stand.
    pub on_ground: bool,
}

impl LoadedCity {
    /// Nothing to draw (a streamed layer whose tiles come separately).
    pub fn empty(style: pw_scene::Style) -> Self {
        LoadedCity {
            model: Arc::new(CityModel::default()),
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
            draped_on: None,
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

/// What the scene asks of the view (the camera follows): written by the
/// scene commands, so the layers need not know the camera.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum ViewRequest {
    /// A scene opened with bookmarks: be at the first one at once.
    Jump(Bookmark),
    FlyTo(Bookmark),
    FrameExtent(Extent3),
    /// Frame everything once all layers of a newly opened scene are loaded.
    FrameAllWhenLoaded,
    /// Frame this layer (a dropped file) once it is loaded.
    FrameLayerWhenLoaded(LayerId),
}

/// Sent for a layer of a streamed kind (see `registry::LoadHow::Streamed`):
/// its plugin opens it; the status-bar job `job` is the plugin's to finish.
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct StartLayerLoad {
    pub id: LayerId,
    pub kind: LayerKind,
    pub job: u64,
}
