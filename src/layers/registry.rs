//! The layer kind registry: every kind registers itself from its plugin
//! (`app.register_layer_kind(..)`) with how to recognise its files and how
//! it loads. The registry knows no kind by name.

use super::{LoadError, LoadedCity};
use bevy::prelude::*;
use pw_geo::Crs;
use pw_scene::{Layer, LayerKind};
use std::path::{Path, PathBuf};

/// How sure a sniff is; the highest claim on a file wins.
pub const CLAIM_BY_NAME: u8 = 30;
/// The content says so (a CityGML root element, "CityJSON").
pub const CLAIM_BY_CONTENT: u8 = 20;
/// The content suggests it, unless a surer claim says otherwise.
pub const CLAIM_LIKELY: u8 = 15;
/// The file ending alone.
pub const CLAIM_BY_EXTENSION: u8 = 10;

/// What a loader gets (it runs off the frame).
pub struct LoadRequest {
    pub layer: Layer,
    pub source: PathBuf,
    pub scene_crs: Crs,
    pub origin: pw_geo::SceneOrigin,
    pub control: std::sync::Arc<pw_job::JobControl>,
    /// The scene's terrain so far (ground-relative data is set onto it).
    pub terrain: pw_geo::elevation::TerrainStack,
    /// Where there is no terrain: the height of the ground the scene
    /// stands on ([`super::Layers::ground_height`]).
    pub ground: f64,
    /// Service layers: the box (scene CRS) to ask features for.
    pub view: Option<[f64; 4]>,
    /// Where service answers are kept for offline use.
    pub service_copies: Option<PathBuf>,
}

pub type LoadFn = fn(&LoadRequest) -> Result<LoadedCity, LoadError>;

/// A file offered for sniffing: lower-case name and ending, and its text on request.
pub struct FileSample<'a> {
    pub path: &'a Path,
    pub name: String,
    pub ext: String,
}

impl FileSample<'_> {
    /// The first `head` and last `tail` bytes as text (see [`read_head_and_tail`]).
    pub fn head_and_tail(&self, head: usize, tail: usize) -> Option<String> {
        read_head_and_tail(self.path, head, tail)
    }
}

/// A kind's claim on a file: a `CLAIM_*` strength, or None.
pub type SniffFn = fn(&FileSample) -> Option<u8>;

#[derive(Debug, Clone, Copy)]
pub enum LoadHow {
    /// The registry's loader runs it on the AsyncComputeTaskPool as a job.
    Background(LoadFn),
    /// The registry starts a job and sends [`super::StartLayerLoad`]; the
    /// kind's plugin streams the layer from there.
    Streamed,
    /// The kind's plugin picks up its `Loading` layers itself (no job).
    ByPlugin,
}

#[derive(Debug, Clone, Copy)]
pub struct LayerKindRegistration {
    pub kind: LayerKind,
    /// None: never a file of its own (basemaps are services).
    pub sniff: Option<SniffFn>,
    pub load: LoadHow,
}

/// The registered kinds; a layer of a kind not here is `NotSupported`.
#[derive(Resource, Debug, Default, Clone)]
pub struct LayerKinds {
    pub kinds: Vec<LayerKindRegistration>,
}

impl LayerKinds {
    pub fn get(&self, kind: LayerKind) -> Option<&LayerKindRegistration> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// Adds a kind, replacing an earlier registration of the same kind.
    pub fn register(&mut self, registration: LayerKindRegistration) {
        self.kinds.retain(|k| k.kind != registration.kind);
        self.kinds.push(registration);
    }
}

/// `app.register_layer_kind(..)` from a kind's plugin.
pub trait AppLayerKinds {
    fn register_layer_kind(&mut self, registration: LayerKindRegistration) -> &mut Self;
}

impl AppLayerKinds for App {
    fn register_layer_kind(&mut self, registration: LayerKindRegistration) -> &mut Self {
        self.world_mut()
            .get_resource_or_init::<LayerKinds>()
            .register(registration);
        self
    }
}

/// The first `head` and last `tail` bytes of a file as text, without reading
/// the rest (files can be gigabytes).
pub fn read_head_and_tail(path: &Path, head: usize, tail: usize) -> Option<String> {
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

/// Guesses the layer kind of a file: the registered kind with the surest
/// claim (by name, by content such as an XML root element, by ending).
pub fn detect_kind(kinds: &LayerKinds, path: &Path) -> Option<LayerKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let file = FileSample { path, name, ext };
    let mut best: Option<(u8, LayerKind)> = None;
    for k in &kinds.kinds {
        if let Some(claim) = k.sniff.and_then(|sniff| sniff(&file))
            && best.is_none_or(|(b, _)| claim > b)
        {
            best = Some((claim, k.kind));
        }
    }
    best.map(|(_, kind)| kind)
}
