//! 3D Tiles 1.0/1.1 tilesets, on disk or on a server: the tile tree
//! (transforms, bounding volumes, geometric error, refinement, external
//! tilesets), choosing tiles by screen-space error for a camera, and reading
//! tile content (b3dm, glb, composite cmpt) into city models so that
//! features stay pickable. Files are named by their location — a path or a
//! URL, resolved against the file that names them — and read through a
//! [`TileSource`] (the app's reads HTTP through its disk cache).

use crate::gltf_reader::{self, UpAxis, mat4_apply, mat4_mul};
use crate::model::{CityModel, Issue, Severity};
use crate::placement::{Placement, pieces_to_model};
use pw_geo::{Crs, Reprojector, SceneOrigin};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

type Mat4 = [f64; 16];

const IDENTITY: Mat4 = [
    1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0,
];

#[derive(Debug, thiserror::Error)]
pub enum TilesetError {
    #[error("{location}: {message}")]
    File {
        location: String,
        message: pw_text::Message,
    },
}

impl TilesetError {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        match self {
            TilesetError::File { location, message } => pw_text::Message::new("tiles.error.file")
                .arg("location", location)
                .arg_message("why", message.clone())
                .english("{location}: {why}"),
        }
    }
}

fn file_error(location: &str, message: pw_text::Message) -> TilesetError {
    TilesetError::File {
        location: shown(location),
        message,
    }
}

/// The glTF inside a tile is unreadable: the glTF library's words.
fn gltf_error(e: crate::gltf_reader::GltfError) -> pw_text::Message {
    pw_text::Message::new("tiles.content.gltf")
        .arg("detail", e)
        .english("{detail}")
}

/// A tileset problem in the catalogue's words.
fn said(key: &str, english: &str) -> pw_text::Message {
    pw_text::Message::new(key).english(english)
}

/// A location as messages show it: a URL without its query (an access
/// key does not belong in a log or on screen).
pub fn shown(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut u) if is_url(location) => {
            u.set_query(None);
            u.to_string()
        }
        _ => location.to_string(),
    }
}

/// Reads the files of a tileset by location (a path, or a URL).
pub trait TileSource: Send + Sync {
    /// The file's bytes, or why not (the system's or server's words).
    fn read(&self, location: &str) -> Result<Vec<u8>, pw_text::Message>;
}

/// Tilesets on disk.
pub struct Files;

impl TileSource for Files {
    fn read(&self, location: &str) -> Result<Vec<u8>, pw_text::Message> {
        std::fs::read(location).map_err(|e| pw_text::Message::text(e.to_string()))
    }
}

/// The source a tileset was opened with (compared by identity).
#[derive(Clone)]
pub struct SourceHandle(pub Arc<dyn TileSource>);

impl std::fmt::Debug for SourceHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TileSource")
    }
}

impl PartialEq for SourceHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Whether a location is a web address (http, https) rather than a path.
pub fn is_url(location: &str) -> bool {
    url::Url::parse(location).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// `uri` as written in the file at `referrer`: a URL resolved as browsers
/// do (`..`, absolute paths, other hosts), the referrer's query (an access
/// key) carried on only to the same origin (scheme, host and port); a path
/// joined to the referrer's folder, without query or fragment. None when a
/// file from a server names anything but a web address (`file:`, `data:`
/// …): a server must not make the app read the user's disk.
pub fn resolve(referrer: &str, uri: &str) -> Option<String> {
    if is_url(referrer) {
        let base = url::Url::parse(referrer).ok()?;
        let mut u = base.join(uri).ok()?;
        if !matches!(u.scheme(), "http" | "https") {
            return None;
        }
        if u.query().is_none()
            && let Some(q) = base.query()
            && u.origin() == base.origin()
        {
            u.set_query(Some(q));
        }
        return Some(u.to_string());
    }
    // An absolute web address named from a file on disk.
    if is_url(uri) {
        return Some(uri.to_string());
    }
    let plain = uri.split(['?', '#']).next().unwrap_or(uri);
    Some(
        Path::new(referrer)
            .parent()
            .unwrap_or(Path::new("."))
            .join(plain)
            .to_string_lossy()
            .into_owned(),
    )
}

/// The last path segment without extension: the id prefix of a tile's
/// features ("Tile_p001_p002" of ".../Tile_p001_p002.b3dm?v=2").
fn stem_of(location: &str) -> String {
    let path = location.split(['?', '#']).next().unwrap_or(location);
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refine {
    Add,
    Replace,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BoundingVolume {
    /// west, south, east, north (radians), min and max height (metres).
    Region([f64; 6]),
    /// Centre and three half-axis vectors, in the tile's frame.
    Box([f64; 12]),
    Sphere([f64; 4]),
}

/// Where tileset coordinates live: earth-centred (the standard) or, for
/// tilesets written otherwise, a projected CRS named in the scene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TilesetFrame {
    Ecef,
    Projected(Crs),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Tile transform times all ancestors' transforms.
    pub transform: Mat4,
    pub volume: BoundingVolume,
    pub request_volume: Option<BoundingVolume>,
    pub geometric_error: f64,
    pub refine: Refine,
    /// Content file (b3dm, glb, cmpt, pnts …), resolved to a location.
    pub content: Option<String>,
    /// Further contents of a 3D Tiles 1.1 tile (`contents` array).
    pub more_contents: Vec<String>,
    /// Bounding sphere in the scene's local frame (east/north/up metres
    /// from the scene origin): centre and radius.
    pub sphere: ([f64; 3], f64),
    pub request_sphere: Option<([f64; 3], f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tileset {
    /// The tileset.json: a path or a URL.
    pub location: String,
    pub source: SourceHandle,
    pub version: String,
    pub frame: TilesetFrame,
    pub tiles: Vec<Tile>,
    /// External tileset files read while building the tree.
    pub external_tilesets: usize,
    pub warnings: Vec<pw_text::Message>,
}

/// What the camera sees, in the scene's local frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub position: [f64; 3],
    /// Viewport height in pixels divided by 2·tan(vertical fov / 2).
    pub sse_factor: f64,
    /// Refine until the screen-space error is at most this (pixels).
    pub max_sse: f64,
}

impl Tileset {
    /// Reads a tileset.json and every external tileset it references.
    /// `crs` names the CRS of a tileset not written in ECEF.
    /// A tileset on disk.
    pub fn open(
        path: &Path,
        crs: Option<Crs>,
        scene_crs: Crs,
        origin: &SceneOrigin,
    ) -> Result<Tileset, TilesetError> {
        Tileset::open_from(
            &path.to_string_lossy(),
            Arc::new(Files),
            crs,
            scene_crs,
            origin,
        )
    }

    /// A tileset at `location` (path or URL), its files read by `source`.
    pub fn open_from(
        location: &str,
        source: Arc<dyn TileSource>,
        crs: Option<Crs>,
        scene_crs: Crs,
        origin: &SceneOrigin,
    ) -> Result<Tileset, TilesetError> {
        let path = location;
        let mut set = Tileset {
            location: location.to_string(),
            source: SourceHandle(source),
            version: String::new(),
            frame: TilesetFrame::Ecef,
            tiles: Vec::new(),
            external_tilesets: 0,
            warnings: Vec::new(),
        };
        let json = set.read_json(path)?;
        set.version = json["asset"]["version"].as_str().unwrap_or("?").to_string();
        if !matches!(set.version.as_str(), "0.0" | "1.0" | "1.1") {
            set.warnings.push(
                pw_text::Message::new("tiles.issue.version")
                    .arg("version", format!("{:?}", set.version))
                    .english("3D Tiles version {version}: read as 1.1"),
            );
        }
        let root = json.get("root").ok_or_else(|| {
            file_error(
                path,
                said(
                    "tiles.error.no_root",
                    "no \"root\" tile: not a 3D Tiles tileset",
                ),
            )
        })?;
        set.add_tile(root, None, &IDENTITY, path, 0)?;
        set.frame = match crs {
            Some(c) => TilesetFrame::Projected(c),
            None => detect_frame(&set.tiles[0]).ok_or_else(|| {
                file_error(
                    path,
                    said(
                        "tiles.error.not_ecef",
                        "the tileset is not in earth-centred coordinates (ECEF) as 3D Tiles defines; \
                         name the CRS it was written in (e.g. \"EPSG:3857\"): the layer's `crs` in the scene, \
                         or --crs on the command line",
                    ),
                )
            })?,
        };
        set.compute_spheres(scene_crs, origin)
            .map_err(|m| file_error(path, m))?;
        Ok(set)
    }

    fn add_tile(
        &mut self,
        json: &Value,
        parent: Option<usize>,
        parent_transform: &Mat4,
        file: &str,
        depth: usize,
    ) -> Result<usize, TilesetError> {
        if depth > 64 {
            return Err(file_error(
                file,
                said(
                    "tiles.error.too_deep",
                    "tiles nested deeper than 64 levels (a loop of external tilesets?)",
                ),
            ));
        }
        let local = match json.get("transform") {
            Some(t) => matrix(t).ok_or_else(|| {
                file_error(
                    file,
                    said(
                        "tiles.error.transform",
                        "a tile transform is not 16 numbers",
                    ),
                )
            })?,
            None => IDENTITY,
        };
        let transform = mat4_mul(parent_transform, &local);
        let volume = json
            .get("boundingVolume")
            .and_then(bounding_volume)
            .ok_or_else(|| {
                file_error(
                    file,
                    said(
                        "tiles.error.bounding_volume",
                        "a tile has no readable boundingVolume (region, box or sphere)",
                    ),
                )
            })?;
        let refine = match json["refine"]
            .as_str()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("ADD") => Refine::Add,
            Some("REPLACE") => Refine::Replace,
            // Inherited; the root defaults to REPLACE.
            _ => parent
                .map(|p| self.tiles[p].refine)
                .unwrap_or(Refine::Replace),
        };
        // 1.0: "content" (older writers: "url"); 1.1 also "contents": [...].
        let uri_of = |c: &Value| {
            c.get("uri")
                .or_else(|| c.get("url"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut uris: Vec<String> = json.get("content").and_then(uri_of).into_iter().collect();
        uris.extend(
            json.get("contents")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(uri_of),
        );
        if json.get("implicitTiling").is_some() {
            self.warnings.push(
                pw_text::Message::new("tiles.issue.implicit_tiling")
                    .arg("file", shown(file))
                    .english("{file}: implicit tiling (3D Tiles 1.1 subtrees) is not supported yet; only the root of that subtree is read"),
            );
        }
        let index = self.tiles.len();
        self.tiles.push(Tile {
            parent,
            children: Vec::new(),
            transform,
            volume,
            request_volume: json.get("viewerRequestVolume").and_then(bounding_volume),
            geometric_error: json["geometricError"].as_f64().unwrap_or(0.0).max(0.0),
            refine,
            content: None,
            more_contents: Vec::new(),
            sphere: ([0.0; 3], 0.0),
            request_sphere: None,
        });
        if let Some(p) = parent {
            self.tiles[p].children.push(index);
        }
        for uri in &uris {
            if uri.contains('{') {
                continue; // an implicit-tiling template such as content/{level}/{x}/{y}.glb
            }
            let Some(path) = resolve(file, uri) else {
                self.warnings.push(
                    pw_text::Message::new("tiles.issue.not_on_server")
                        .arg("file", shown(file))
                        .arg("uri", uri)
                        .english("{file}: \"{uri}\" is no web address; left out (a tileset from a server may only name files on servers)"),
                );
                continue;
            };
            let is_json = uri
                .split(['?', '#'])
                .next()
                .unwrap_or(uri)
                .to_ascii_lowercase()
                .ends_with(".json");
            if is_json {
                // External tileset: its root becomes this tile's child.
                let ext = self.read_json(&path)?;
                let root = ext.get("root").ok_or_else(|| {
                    file_error(
                        &path,
                        said(
                            "tiles.error.external_no_root",
                            "external tileset without \"root\"",
                        ),
                    )
                })?;
                self.external_tilesets += 1;
                self.add_tile(root, Some(index), &transform, &path, depth + 1)?;
            } else if self.tiles[index].content.is_none() {
                self.tiles[index].content = Some(path);
            } else {
                self.tiles[index].more_contents.push(path);
            }
        }
        if let Some(children) = json.get("children").and_then(Value::as_array) {
            for child in children {
                self.add_tile(child, Some(index), &transform, file, depth + 1)?;
            }
        }
        Ok(index)
    }

    /// The placement of content (or volumes) of a tile in its frame.
    pub fn placement(&self, transform: Mat4) -> Placement {
        match self.frame {
            TilesetFrame::Ecef => Placement::Ecef(transform),
            TilesetFrame::Projected(crs) => Placement::Matrix {
                crs,
                matrix: transform,
            },
        }
    }

    fn compute_spheres(
        &mut self,
        scene_crs: Crs,
        origin: &SceneOrigin,
    ) -> Result<(), pw_text::Message> {
        let out_crs = self.placement(IDENTITY).output_crs();
        let r = Reprojector::new(out_crs, scene_crs).map_err(|e| e.message())?;
        let frame = self.frame;
        for tile in &mut self.tiles {
            tile.sphere = sphere_in_scene(&tile.volume, &tile.transform, frame, &r, origin)?;
            tile.request_sphere = match &tile.request_volume {
                Some(v) => Some(sphere_in_scene(v, &tile.transform, frame, &r, origin)?),
                None => None,
            };
        }
        Ok(())
    }

    /// The root tile's extent in the scene CRS (from its bounding sphere).
    pub fn extent(&self, origin: &SceneOrigin) -> pw_geo::Extent3 {
        let (c, r) = self.tiles[0].sphere;
        let mut e = pw_geo::Extent3::EMPTY;
        let w = origin.world;
        e.include([w[0] + c[0] - r, w[1] + c[1] - r, w[2] + c[2] - r.min(100.0)]);
        e.include([w[0] + c[0] + r, w[1] + c[1] + r, w[2] + c[2] + r.min(100.0)]);
        e
    }

    pub fn content_tiles(&self) -> usize {
        self.tiles.iter().filter(|t| t.content.is_some()).count()
    }

    /// Tiles whose content should be shown for this view, most important
    /// (largest screen-space error) first. Refinement follows the tileset:
    /// ADD shows a tile and its refined children, REPLACE only the children.
    pub fn select(&self, view: &View, visible: &dyn Fn([f64; 3], f64) -> bool) -> Vec<usize> {
        let mut chosen: Vec<(f64, usize)> = Vec::new();
        if !self.tiles.is_empty() {
            self.visit(0, view, visible, &mut chosen);
        }
        chosen.sort_by(|a, b| b.0.total_cmp(&a.0));
        chosen.into_iter().map(|(_, t)| t).collect()
    }

    /// Screen-space error of a tile seen from `view`, in pixels.
    pub fn screen_space_error(&self, tile: usize, view: &View) -> f64 {
        let t = &self.tiles[tile];
        let d = (distance(view.position, t.sphere.0) - t.sphere.1).max(1e-3);
        t.geometric_error * view.sse_factor / d
    }

    fn visit(
        &self,
        i: usize,
        view: &View,
        visible: &dyn Fn([f64; 3], f64) -> bool,
        out: &mut Vec<(f64, usize)>,
    ) {
        let t = &self.tiles[i];
        if let Some((c, r)) = t.request_sphere
            && distance(view.position, c) > r
        {
            return;
        }
        if !visible(t.sphere.0, t.sphere.1) {
            return;
        }
        let sse = self.screen_space_error(i, view);
        let refine = sse > view.max_sse && !t.children.is_empty();
        if t.content.is_some() && (!refine || t.refine == Refine::Add) {
            out.push((sse, i));
        }
        if refine {
            for &c in &t.children {
                self.visit(c, view, visible, out);
            }
        }
    }

    /// Reads one tile's contents into a city model in the scene CRS.
    /// Binary-format detail (which header or table is cut short) stays as the
    /// decoder words it, inside a sentence in the user's language.
    pub fn load_content(&self, tile: usize, scene_crs: Crs) -> Result<CityModel, pw_text::Message> {
        let t = &self.tiles[tile];
        let first = t
            .content
            .as_ref()
            .ok_or_else(|| said("tiles.error.no_content", "the tile has no content"))?;
        let mut model = CityModel {
            format: format!("3D Tiles {}", self.version),
            crs: Some(scene_crs),
            ..Default::default()
        };
        for location in std::iter::once(first).chain(&t.more_contents) {
            let bytes = self.source.0.read(location).map_err(|why| {
                pw_text::Message::new("tiles.error.file")
                    .arg("location", shown(location))
                    .arg_message("why", why)
                    .english("{location}: {why}")
            })?;
            // glTF resources beside the content: only on disk.
            let folder = (!is_url(location))
                .then(|| Path::new(location).parent())
                .flatten();
            self.read_payload(
                &bytes,
                folder,
                t.transform,
                &stem_of(location),
                scene_crs,
                &mut model,
                0,
            )
            .map_err(|why| {
                pw_text::Message::new("tiles.error.content")
                    .arg("location", shown(location))
                    .arg_message("why", why)
                    .english("{location}: {why}")
            })?;
        }
        Ok(model)
    }

    /// Reads tile content bytes (b3dm, glb, cmpt, pnts) as if they were in
    /// EPSG:3857 with no transform: for fuzzing and tests of the decoders.
    pub fn read_content_bytes(bytes: &[u8]) -> Result<CityModel, pw_text::Message> {
        let crs = Crs::epsg(3857);
        let set = Tileset {
            location: String::new(),
            source: SourceHandle(Arc::new(Files)),
            version: "1.1".into(),
            frame: TilesetFrame::Projected(crs),
            tiles: Vec::new(),
            external_tilesets: 0,
            warnings: Vec::new(),
        };
        let mut model = CityModel::default();
        set.read_payload(bytes, None, IDENTITY, "tile", crs, &mut model, 0)?;
        Ok(model)
    }

    #[allow(clippy::too_many_arguments)]
    fn read_payload(
        &self,
        bytes: &[u8],
        folder: Option<&Path>,
        transform: Mat4,
        id_prefix: &str,
        scene_crs: Crs,
        into: &mut CityModel,
        depth: usize,
    ) -> Result<(), pw_text::Message> {
        let magic = bytes
            .get(..4)
            .ok_or_else(|| said("tiles.content.too_short", "file too short for a tile"))?;
        let base = folder;
        let (pieces, features, rtc, warnings) = match magic {
            b"b3dm" => {
                let b = parse_b3dm(bytes)?;
                let read = gltf_reader::read(b.glb, base, UpAxis::Y).map_err(gltf_error)?;
                (read.pieces, b.batch_table, b.rtc_center, read.warnings)
            }
            b"glTF" => {
                let read = gltf_reader::read(bytes, base, UpAxis::Y).map_err(gltf_error)?;
                (read.pieces, Value::Null, None, read.warnings)
            }
            b"cmpt" => {
                if depth > 8 {
                    return Err(said(
                        "tiles.content.cmpt_too_deep",
                        "composite tiles nested too deep",
                    ));
                }
                for inner in parse_cmpt(bytes)? {
                    self.read_payload(
                        inner,
                        folder,
                        transform,
                        id_prefix,
                        scene_crs,
                        into,
                        depth + 1,
                    )?;
                }
                return Ok(());
            }
            b"pnts" => {
                let cloud = parse_pnts(bytes)?;
                let mut m = transform;
                if let Some(c) = cloud.rtc_center {
                    m = mat4_mul(&transform, &translation(c));
                }
                let placement = self.placement(m);
                let prepared = placement.prepare();
                let mut part = CityModel {
                    crs: Some(placement.output_crs()),
                    points: cloud
                        .points
                        .into_iter()
                        .map(|(p, c)| (prepared.place(p), c))
                        .collect(),
                    ..Default::default()
                };
                part.reproject(scene_crs).map_err(|e| e.message())?;
                into.points.extend(part.points);
                into.issues.extend(part.issues);
                return Ok(());
            }
            b"i3dm" => {
                into.issues.push(Issue {
                    severity: Severity::Warning,
                    line: None,
                    id: Some(id_prefix.into()),
                    message: pw_text::Message::new("tiles.issue.i3dm")
                        .english("i3dm tiles (instanced models) are not shown yet"),
                });
                return Ok(());
            }
            _ => {
                return Err(pw_text::Message::new("tiles.content.unknown_format")
                    .arg("magic", format!("{:?}", String::from_utf8_lossy(magic)))
                    .english("unknown tile format {magic} (expected b3dm, glb, cmpt)"));
            }
        };
        let mut m = transform;
        if let Some(c) = rtc {
            m = mat4_mul(&transform, &translation(c));
        }
        let placement = self.placement(m);
        let attributes = |id: u32| batch_attributes(&features, id as usize);
        let mut part = pieces_to_model(
            pieces,
            &placement,
            &into.format,
            id_prefix,
            Some(&attributes),
        );
        part.reproject(scene_crs).map_err(|e| e.message())?;
        into.objects.extend(part.objects);
        into.issues.extend(part.issues);
        into.issues
            .extend(warnings.into_iter().map(|message| Issue {
                severity: Severity::Warning,
                line: None,
                id: Some(id_prefix.into()),
                message,
            }));
        Ok(())
    }
}

fn translation(c: [f64; 3]) -> Mat4 {
    [
        1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, c[0], c[1], c[2], 1.0,
    ]
}

struct PointCloud {
    points: Vec<([f64; 3], [u8; 4])>,
    rtc_center: Option<[f64; 3]>,
}

/// Point cloud tile: positions (float or quantised) and colours (RGBA, RGB,
/// RGB565 or one constant colour) from the feature table.
fn parse_pnts(b: &[u8]) -> Result<PointCloud, pw_text::Message> {
    let (ft_json, ft_bin) = (u32_at(b, 12)?, u32_at(b, 16)?);
    let json = b
        .get(28..28 + ft_json)
        .ok_or_else(|| said("tiles.content.pnts_short", "the pnts is cut short"))?;
    let ft: Value = serde_json::from_slice(json.trim_ascii_end()).map_err(|e| {
        pw_text::Message::new("tiles.content.feature_table_json")
            .arg("detail", e)
            .english("broken feature table JSON: {detail}")
    })?;
    let body = b.get(28 + ft_json..28 + ft_json + ft_bin).ok_or_else(|| {
        said(
            "tiles.content.pnts_body_short",
            "the pnts body is cut short",
        )
    })?;
    let n = ft["POINTS_LENGTH"]
        .as_u64()
        .ok_or_else(|| said("tiles.content.no_points_length", "no POINTS_LENGTH"))?
        as usize;
    let offset = |key: &str| {
        ft.get(key)
            .and_then(|v| v["byteOffset"].as_u64())
            .map(|o| o as usize)
    };
    let slice = |at: usize, len: usize| {
        body.get(at..at + len).ok_or_else(|| {
            pw_text::Message::new("tiles.content.out_of_range")
                .arg("n", n)
                .english("feature table data out of range ({n} points)")
        })
    };
    let f32s = |s: &[u8]| -> Vec<f32> {
        s.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let positions: Vec<[f64; 3]> = if let Some(at) = offset("POSITION") {
        f32s(slice(at, n * 12)?)
            .chunks_exact(3)
            .map(|c| [c[0] as f64, c[1] as f64, c[2] as f64])
            .collect()
    } else if let Some(at) = offset("POSITION_QUANTIZED") {
        let o = ft
            .get("QUANTIZED_VOLUME_OFFSET")
            .and_then(numbers::<3>)
            .ok_or_else(|| {
                said(
                    "tiles.content.no_quantized_offset",
                    "no QUANTIZED_VOLUME_OFFSET",
                )
            })?;
        let s = ft
            .get("QUANTIZED_VOLUME_SCALE")
            .and_then(numbers::<3>)
            .ok_or_else(|| {
                said(
                    "tiles.content.no_quantized_scale",
                    "no QUANTIZED_VOLUME_SCALE",
                )
            })?;
        slice(at, n * 6)?
            .chunks_exact(6)
            .map(|c| {
                let q = [0, 2, 4].map(|k| u16::from_le_bytes([c[k], c[k + 1]]) as f64 / 65535.0);
                [o[0] + q[0] * s[0], o[1] + q[1] * s[1], o[2] + q[2] * s[2]]
            })
            .collect()
    } else {
        return Err(said(
            "tiles.content.no_position",
            "no POSITION or POSITION_QUANTIZED",
        ));
    };
    let colors: Vec<[u8; 4]> = if let Some(at) = offset("RGBA") {
        slice(at, n * 4)?
            .chunks_exact(4)
            .map(|c| [c[0], c[1], c[2], c[3]])
            .collect()
    } else if let Some(at) = offset("RGB") {
        slice(at, n * 3)?
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2], 255])
            .collect()
    } else if let Some(at) = offset("RGB565") {
        slice(at, n * 2)?
            .chunks_exact(2)
            .map(|c| {
                let v = u16::from_le_bytes([c[0], c[1]]);
                let r = ((v >> 11) & 31) as u32 * 255 / 31;
                let g = ((v >> 5) & 63) as u32 * 255 / 63;
                let b = (v & 31) as u32 * 255 / 31;
                [r as u8, g as u8, b as u8, 255]
            })
            .collect()
    } else {
        let c = ft
            .get("CONSTANT_RGBA")
            .and_then(numbers::<4>)
            .map(|c| c.map(|v| v as u8));
        vec![c.unwrap_or([200, 200, 200, 255]); n]
    };
    Ok(PointCloud {
        points: positions.into_iter().zip(colors).collect(),
        rtc_center: ft.get("RTC_CENTER").and_then(numbers::<3>),
    })
}

fn distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

impl Tileset {
    fn read_json(&self, location: &str) -> Result<Value, TilesetError> {
        let text = self
            .source
            .0
            .read(location)
            .map_err(|e| file_error(location, e))?;
        serde_json::from_slice(&text).map_err(|e| {
            file_error(
                location,
                pw_text::Message::new("tiles.error.json")
                    .arg("line", e.line())
                    .arg("column", e.column())
                    .arg("detail", e)
                    .english("broken JSON at line {line}, column {column}: {detail}"),
            )
        })
    }
}

fn matrix(v: &Value) -> Option<Mat4> {
    let a = v.as_array()?;
    if a.len() != 16 {
        return None;
    }
    let mut m = [0.0; 16];
    for (i, x) in a.iter().enumerate() {
        m[i] = x.as_f64().filter(|f| f.is_finite())?;
    }
    Some(m)
}

fn numbers<const N: usize>(v: &Value) -> Option<[f64; N]> {
    let a = v.as_array()?;
    if a.len() != N {
        return None;
    }
    let mut out = [0.0; N];
    for (i, x) in a.iter().enumerate() {
        out[i] = x.as_f64().filter(|f| f.is_finite())?;
    }
    Some(out)
}

fn bounding_volume(v: &Value) -> Option<BoundingVolume> {
    if let Some(r) = v.get("region").and_then(numbers::<6>) {
        return Some(BoundingVolume::Region(r));
    }
    if let Some(b) = v.get("box").and_then(numbers::<12>) {
        return Some(BoundingVolume::Box(b));
    }
    v.get("sphere")
        .and_then(numbers::<4>)
        .map(BoundingVolume::Sphere)
}

/// Is the root in ECEF? Regions always are; boxes and spheres are when their
/// centre lies near the earth's surface.
fn detect_frame(root: &Tile) -> Option<TilesetFrame> {
    let centre = match &root.volume {
        BoundingVolume::Region(_) => return Some(TilesetFrame::Ecef),
        BoundingVolume::Box(b) => [b[0], b[1], b[2]],
        BoundingVolume::Sphere(s) => [s[0], s[1], s[2]],
    };
    pw_geo::geocentric::is_near_earth_surface_ecef(mat4_apply(&root.transform, centre))
        .then_some(TilesetFrame::Ecef)
}

/// Corner points of a volume, in the tileset's frame (ECEF or the CRS),
/// turned into the scene's local frame; returns their bounding sphere.
fn sphere_in_scene(
    volume: &BoundingVolume,
    transform: &Mat4,
    frame: TilesetFrame,
    r: &Reprojector,
    origin: &SceneOrigin,
) -> Result<([f64; 3], f64), pw_text::Message> {
    let to_scene = |p_out: [f64; 3]| -> Result<[f64; 3], pw_text::Message> {
        let w = r.apply(p_out).map_err(|e| e.message())?;
        Ok([
            w[0] - origin.world[0],
            w[1] - origin.world[1],
            w[2] - origin.world[2],
        ])
    };
    let mut points = Vec::with_capacity(27);
    match volume {
        BoundingVolume::Region([w, s, e, n, lo, hi]) => {
            // Regions are geographic (radians, ellipsoid heights), not transformed.
            for lon in [*w, (w + e) / 2.0, *e] {
                for lat in [*s, (s + n) / 2.0, *n] {
                    for h in [*lo, *hi] {
                        points.push(to_scene([lon.to_degrees(), lat.to_degrees(), h])?);
                    }
                }
            }
        }
        BoundingVolume::Box(b) => {
            for sx in [-1.0, 1.0] {
                for sy in [-1.0, 1.0] {
                    for sz in [-1.0, 1.0] {
                        let p: [f64; 3] = std::array::from_fn(|i| {
                            b[i] + sx * b[3 + i] + sy * b[6 + i] + sz * b[9 + i]
                        });
                        points.push(to_scene(to_output(frame, transform, p))?);
                    }
                }
            }
        }
        BoundingVolume::Sphere([x, y, z, radius]) => {
            for (dx, dy, dz) in [
                (1.0, 0.0, 0.0),
                (-1.0, 0.0, 0.0),
                (0.0, 1.0, 0.0),
                (0.0, -1.0, 0.0),
                (0.0, 0.0, 1.0),
                (0.0, 0.0, -1.0),
            ] {
                let p = [x + dx * radius, y + dy * radius, z + dz * radius];
                points.push(to_scene(to_output(frame, transform, p))?);
            }
        }
    }
    let mut min = [f64::INFINITY; 3];
    let mut max = [f64::NEG_INFINITY; 3];
    for p in &points {
        for i in 0..3 {
            min[i] = min[i].min(p[i]);
            max[i] = max[i].max(p[i]);
        }
    }
    let c: [f64; 3] = std::array::from_fn(|i| (min[i] + max[i]) / 2.0);
    let radius = points.iter().map(|p| distance(*p, c)).fold(0.0, f64::max);
    Ok((c, radius))
}

fn to_output(frame: TilesetFrame, transform: &Mat4, p: [f64; 3]) -> [f64; 3] {
    let q = mat4_apply(transform, p);
    match frame {
        TilesetFrame::Ecef => pw_geo::geocentric::ecef_to_geodetic(q),
        TilesetFrame::Projected(_) => q,
    }
}

#[derive(Debug)]
struct B3dm<'a> {
    glb: &'a [u8],
    batch_table: Value,
    rtc_center: Option<[f64; 3]>,
}

fn u32_at(b: &[u8], at: usize) -> Result<usize, pw_text::Message> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or_else(|| said("tiles.content.header_short", "header cut short"))
}

/// Batched 3D Model: header, feature table, batch table, then a GLB. Also
/// reads the two legacy headers older writers produced (told apart by
/// lengths that would be absurd, as the first JSON byte or "glTF").
fn parse_b3dm(b: &[u8]) -> Result<B3dm<'_>, pw_text::Message> {
    const ABSURD: usize = 570_425_344; // 0x22000000: '"' or 'g' as a length's high byte
    let (mut ft_json, mut ft_bin, mut bt_json, mut bt_bin) = (
        u32_at(b, 12)?,
        u32_at(b, 16)?,
        u32_at(b, 20)?,
        u32_at(b, 24)?,
    );
    let mut header = 28;
    if bt_json >= ABSURD {
        // [batchLength][batchTableByteLength]
        header = 20;
        bt_json = ft_bin;
        (ft_json, ft_bin, bt_bin) = (0, 0, 0);
    } else if bt_bin >= ABSURD {
        // [batchTableJsonByteLength][batchTableBinaryByteLength][batchLength]
        header = 24;
        (bt_json, bt_bin) = (ft_json, ft_bin);
        (ft_json, ft_bin) = (0, 0);
    }
    let slice = |from: usize, len: usize| {
        b.get(from..from + len).ok_or_else(|| {
            pw_text::Message::new("tiles.content.b3dm_short")
                .arg("len", b.len())
                .arg("needed", from + len)
                .english("the b3dm is cut short ({len} bytes, needs {needed})")
        })
    };
    let ft: Value = if ft_json > 0 {
        serde_json::from_slice(slice(header, ft_json)?.trim_ascii_end()).map_err(|e| {
            pw_text::Message::new("tiles.content.feature_table_json")
                .arg("detail", e)
                .english("broken feature table JSON: {detail}")
        })?
    } else {
        Value::Null
    };
    let bt_at = header + ft_json + ft_bin;
    let mut bt: Value = if bt_json > 0 {
        serde_json::from_slice(slice(bt_at, bt_json)?.trim_ascii_end()).map_err(|e| {
            pw_text::Message::new("tiles.content.batch_table_json")
                .arg("detail", e)
                .english("broken batch table JSON: {detail}")
        })?
    } else {
        Value::Null
    };
    let bt_binary = slice(bt_at + bt_json, bt_bin)?;
    resolve_binary_properties(&mut bt, bt_binary);
    let glb = b
        .get(bt_at + bt_json + bt_bin..)
        .ok_or_else(|| said("tiles.content.b3dm_no_gltf", "the b3dm holds no glTF"))?;
    Ok(B3dm {
        glb,
        batch_table: bt,
        rtc_center: ft.get("RTC_CENTER").and_then(numbers::<3>),
    })
}

/// Batch table properties stored in the binary body (`byteOffset`,
/// `componentType`, `type`: SCALAR) are turned into JSON arrays.
fn resolve_binary_properties(bt: &mut Value, binary: &[u8]) {
    let Some(map) = bt.as_object_mut() else {
        return;
    };
    for value in map.values_mut() {
        let Some(offset) = value.get("byteOffset").and_then(Value::as_u64) else {
            continue;
        };
        if value.get("type").and_then(Value::as_str) != Some("SCALAR") {
            continue;
        }
        let kind = value
            .get("componentType")
            .and_then(Value::as_str)
            .unwrap_or("");
        let size = match kind {
            "BYTE" | "UNSIGNED_BYTE" => 1,
            "SHORT" | "UNSIGNED_SHORT" => 2,
            "INT" | "UNSIGNED_INT" | "FLOAT" => 4,
            "DOUBLE" => 8,
            _ => continue,
        };
        let values: Vec<Value> = binary
            .get(offset as usize..)
            .unwrap_or(&[])
            .chunks_exact(size)
            .map(|c| {
                let n = match kind {
                    "BYTE" => c[0] as i8 as f64,
                    "UNSIGNED_BYTE" => c[0] as f64,
                    "SHORT" => i16::from_le_bytes([c[0], c[1]]) as f64,
                    "UNSIGNED_SHORT" => u16::from_le_bytes([c[0], c[1]]) as f64,
                    "INT" => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64,
                    "UNSIGNED_INT" => u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64,
                    "FLOAT" => f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64,
                    _ => f64::from_le_bytes(c.try_into().unwrap_or([0; 8])),
                };
                serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
            })
            .collect();
        *value = Value::Array(values);
    }
}

/// Composite tile: a header and inner tiles, each with its own header.
fn parse_cmpt(b: &[u8]) -> Result<Vec<&[u8]>, pw_text::Message> {
    let count = u32_at(b, 12)?;
    let mut at = 16;
    let mut inner = Vec::new();
    for _ in 0..count {
        let len = u32_at(b, at + 8)?;
        let tile = b.get(at..at + len).filter(|_| len >= 12).ok_or_else(|| {
            said(
                "tiles.content.cmpt_inner_short",
                "a composite tile's inner tile is cut short",
            )
        })?;
        inner.push(tile);
        at += len;
    }
    Ok(inner)
}

/// Attributes of feature `id`: every batch table property's value.
fn batch_attributes(bt: &Value, id: usize) -> Vec<(String, String)> {
    let Some(map) = bt.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(k, v)| {
            let value = v.as_array()?.get(id)?;
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Null => return None,
                other => other.to_string(),
            };
            Some((k.clone(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_b3dm_header_with_batch_length_is_read() {
        // Legacy 1: [magic][version][byteLength][batchLength][batchTableByteLength] + JSON + GLB.
        let bt = br#"{"id":["a"]}"#;
        let mut b = Vec::new();
        b.extend_from_slice(b"b3dm");
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&(bt.len() as u32).to_le_bytes());
        b.extend_from_slice(bt);
        b.extend_from_slice(b"glTF\x02\x00\x00\x00");
        let parsed = parse_b3dm(&b).unwrap();
        assert_eq!(parsed.batch_table["id"][0], "a");
        assert!(parsed.glb.starts_with(b"glTF"));
    }

    #[test]
    fn binary_batch_table_scalars_become_values() {
        let mut bt: Value = serde_json::json!({
            "height": {"byteOffset": 0, "componentType": "FLOAT", "type": "SCALAR"}
        });
        let bin: Vec<u8> = [12.5f32, 30.0]
            .iter()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        resolve_binary_properties(&mut bt, &bin);
        assert_eq!(
            batch_attributes(&bt, 1),
            vec![("height".into(), "30.0".into())]
        );
    }

    #[test]
    fn cut_short_tiles_are_errors_not_panics() {
        assert!(parse_b3dm(b"b3dm\x01\x00\x00\x00").is_err());
        let mut b = b"b3dm".to_vec();
        b.extend_from_slice(&[
            1, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        assert!(
            parse_b3dm(&b)
                .unwrap_err()
                .to_string()
                .contains("cut short")
        );
        assert!(parse_cmpt(b"cmpt\x01\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00").is_err());
    }
}
