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
    // In the encoding an XML file declares (a UTF-16 CityGML says
    // "CityModel" in two bytes a letter); other files read as UTF-8.
    let document = pw_xml::decode(&start);
    let encoding = document.encoding;
    let mut text = document.text.into_owned();
    // Even, so that a UTF-16 tail starts on a character.
    let tail = tail.min(len.saturating_sub(head)) & !1;
    if tail > 0 {
        let mut end = vec![0; tail];
        file.seek(SeekFrom::End(-(tail as i64))).ok()?;
        file.read_exact(&mut end).ok()?;
        text.push_str(&encoding.decode_without_bom_handling(&end).0);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A CityGML saved as UTF-16 by a Windows tool says "CityModel" in two
    /// bytes a letter: the sample is decoded as its mark says, head and tail.
    #[test]
    fn a_utf16_file_is_sampled_as_text() {
        let dir = std::env::temp_dir().join(format!("pw-sample-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lod2.gml");
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><core:CityModel xmlns:core=\"http://www.opengis.net/citygml/2.0\"><gml:name>Jena</gml:name></core:CityModel>";
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(xml.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        std::fs::write(&path, &bytes).unwrap();
        // 130 bytes: the mark and the first 64 characters.
        let head = read_head_and_tail(&path, 130, 0).unwrap();
        assert_eq!(
            head,
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><core:CityModel xmlns:cor"
        );
        let tail = read_head_and_tail(&path, 2, 40).unwrap();
        assert!(tail.ends_with("</core:CityModel>"), "{tail}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
