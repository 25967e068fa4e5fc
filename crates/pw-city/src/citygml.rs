//! Streaming CityGML reader for CityGML 1.0, 2.0 and 3.0 (quick-xml).
//!
//! Elements are matched by local name so the same code reads all three
//! versions and the AdV profile. Geometry is collected per polygon with the
//! thematic surface (Roof/Wall/Ground…) and LoD it belongs to; solids that
//! only reference boundary-surface polygons by `xlink:href` (as the German
//! state tiles do) are resolved against those polygons instead of being
//! counted twice. Problems are reported with line and gml:id; what is valid
//! is kept.

use crate::appearance::{AppearanceIndex, RingTexture};
use crate::model::*;
use pw_geo::Crs;
use pw_job::{Cancelled, JobControl};
use pw_text::Message;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CityGmlError {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the file is empty")]
    Empty,
    #[error("not a CityGML file: the root element is <{0}>, expected <CityModel>")]
    NotCityGml(String),
    #[error("not an XML file: {0}")]
    NotXml(String),
    #[error("loading was cancelled")]
    Cancelled,
}

impl CityGmlError {
    /// The text for people, about the file at `path`.
    pub fn message(&self, path: &str) -> pw_text::Message {
        use pw_text::Message;
        match self {
            CityGmlError::Io { source, .. } => Message::new("city.error.io")
                .arg("path", path)
                .arg("why", source)
                .english("{path}: cannot read the file: {why}"),
            CityGmlError::Empty => Message::new("city.error.empty")
                .arg("path", path)
                .english("{path}: the file is empty"),
            CityGmlError::NotCityGml(root) => Message::new("city.error.not_citygml")
                .arg("path", path)
                .arg("root", root)
                .english("{path}: not a CityGML file: the root element is <{root}>, expected <CityModel>"),
            CityGmlError::NotXml(why) => Message::new("city.error.not_xml")
                .arg("path", path)
                .arg("why", why)
                .english("{path}: not an XML file: {why}"),
            CityGmlError::Cancelled => Message::new("city.error.cancelled")
                .arg("path", path)
                .english("{path}: loading was cancelled"),
        }
    }
}

impl From<Cancelled> for CityGmlError {
    fn from(_: Cancelled) -> Self {
        CityGmlError::Cancelled
    }
}

fn truncated() -> Message {
    Message::new("city.issue.truncated").english(
        "the file ends in the middle of the model (truncated download or copy?); \
         everything before this point was kept",
    )
}

/// Why reading stopped, and the unfinished objects it left out.
fn stopped(why: Message, left_out: Option<String>) -> Message {
    match left_out {
        None => why,
        Some(ids) => Message::new("city.issue.left_out")
            .arg_message("why", why)
            .arg("ids", ids)
            .english("{why}; the unfinished {ids} was left out"),
    }
}

/// Reads a CityGML file from disk.
pub fn read_file(path: &Path, job: Option<&JobControl>) -> Result<CityModel, CityGmlError> {
    let data = std::fs::read(path).map_err(|source| CityGmlError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut model = read(&data, job)?;
    model.resolve_texture_paths(path);
    Ok(model)
}

/// Reads CityGML from memory. Returns `Err` only when nothing can be read at
/// all; otherwise problems are in [`CityModel::issues`].
pub fn read(data: &[u8], job: Option<&JobControl>) -> Result<CityModel, CityGmlError> {
    if data.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CityGmlError::Empty);
    }
    let document = pw_xml::decode(data);
    let data = document.text.as_bytes();
    let looks = appearance_of(data);
    if data.len() >= PARALLEL_MIN_BYTES
        && let Some(model) = read_parallel(data, job, looks.clone())?
    {
        return Ok(with_encoding_note(model, document.note));
    }
    let mut parser = Parser::new(data);
    parser.appearance = looks;
    parser.run(job)?;
    Ok(with_encoding_note(parser.finish(), document.note))
}

/// The file's encoding trouble goes first: it explains odd names below.
fn with_encoding_note(mut model: CityModel, note: Option<pw_xml::EncodingNote>) -> CityModel {
    if let Some(note) = note {
        model.issues.insert(0, Issue::warning(note.message()));
    }
    model
}

/// The appearance pre-pass; `None` when the file has no looks.
fn appearance_of(data: &[u8]) -> Option<std::sync::Arc<AppearanceIndex>> {
    let index = crate::appearance::read(data);
    (!index.is_empty() || !index.warnings.is_empty()).then(|| std::sync::Arc::new(index))
}

/// Reads on one thread only (reference for tests and benchmarks).
pub fn read_serial(data: &[u8], job: Option<&JobControl>) -> Result<CityModel, CityGmlError> {
    if data.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CityGmlError::Empty);
    }
    let document = pw_xml::decode(data);
    let data = document.text.as_bytes();
    let mut parser = Parser::new(data);
    parser.appearance = appearance_of(data);
    parser.run(job)?;
    Ok(with_encoding_note(parser.finish(), document.note))
}

/// Files at least this large are parsed in chunks on all cores.
const PARALLEL_MIN_BYTES: usize = 4 << 20;

/// Byte offsets of the top-level `<…cityObjectMember` start tags.
fn member_starts(data: &[u8]) -> Vec<usize> {
    const NAME: &[u8] = b"cityObjectMember";
    let mut starts = Vec::new();
    for at in memchr::memmem::find_iter(data, NAME) {
        // Walk back over an optional "prefix:" to the '<'.
        let mut k = at;
        while k > 0
            && (data[k - 1].is_ascii_alphanumeric()
                || data[k - 1] == b':'
                || data[k - 1] == b'_'
                || data[k - 1] == b'-')
        {
            k -= 1;
        }
        let after = data.get(at + NAME.len()).copied().unwrap_or(b'>');
        if k > 0 && data[k - 1] == b'<' && (after == b'>' || after.is_ascii_whitespace()) {
            starts.push(k - 1);
        }
    }
    starts
}

/// Parses the members in chunks on rayon's pool and merges them in file
/// order. `None` when the file has no recognisable member structure.
fn read_parallel(
    data: &[u8],
    job: Option<&JobControl>,
    looks: Option<std::sync::Arc<AppearanceIndex>>,
) -> Result<Option<CityModel>, CityGmlError> {
    use rayon::prelude::*;
    let starts = member_starts(data);
    let Some(&first) = starts.first() else {
        return Ok(None);
    };
    // Where the root closes (or the end of a truncated file).
    let end = data.windows(2).rposition(|w| w == b"</").filter(|&p| {
        let tail = &data[p..];
        tail.windows(9).any(|w| w == b"CityModel") && p > *starts.last().unwrap()
    });
    let end = end.unwrap_or(data.len());

    // The header gives version, CRS and default dimension.
    let mut head = Parser::new(&data[..first]);
    head.appearance = looks;
    head.run(None)?;
    let threads = rayon::current_num_threads().max(1);
    let chunk_count = (threads * 4).min(starts.len());
    let per_chunk = data[first..end].len().div_ceil(chunk_count);
    let mut bounds = vec![first];
    for &s in &starts {
        if s - bounds.last().unwrap() >= per_chunk {
            bounds.push(s);
        }
    }
    bounds.push(end);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = (end - first).max(1);
    // Each part counts lines from 1 and its own newlines; the merge shifts
    // them (counting from the file start per part would be quadratic).
    let parts: Vec<Result<(Parser, usize), CityGmlError>> = bounds
        .windows(2)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|w| {
            let mut p = Parser::fragment(data, w[0], w[1], &head);
            p.run(job)?;
            let newlines = data[w[0]..w[1]].iter().filter(|&&b| b == b'\n').count();
            let d =
                done.fetch_add(w[1] - w[0], std::sync::atomic::Ordering::Relaxed) + (w[1] - w[0]);
            if let Some(job) = job {
                job.set_progress(d as f32 / total as f32);
            }
            Ok((p, newlines))
        })
        .collect();
    // The header parser stops before the members by design: drop its
    // "file ends in the middle" error, keep real warnings.
    let mut merged = head;
    merged
        .model
        .issues
        .retain(|i| i.severity == Severity::Warning);
    let mut lines_before = data[..first].iter().filter(|&&b| b == b'\n').count();
    for part in parts {
        let (part, newlines) = part?;
        merged.absorb(part, lines_before);
        lines_before += newlines;
    }
    Ok(Some(merged.finish()))
}

/// Counts newlines up to a byte offset; offsets only grow while streaming,
/// so the whole file is scanned once.
struct LineCounter<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.data.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.data[self.pos..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = offset;
        self.line
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RingKind {
    Exterior,
    Interior,
}

/// What the text of the current element is collected for.
enum Capture {
    Attribute(String),
    GenericName,
    GenericValue,
    PosList {
        dimension: usize,
    },
    Pos {
        dimension: usize,
    },
    /// A terrain-intersection LineString.
    Curve {
        dimension: usize,
    },
    /// dem:lod of a relief (TIN geometry has no lodX element).
    ReliefLod,
    Coordinates,
}

struct OpenObject {
    index: usize,
    depth: usize,
}

struct OpenSemantic {
    semantic: Semantic,
    depth: usize,
}

struct OpenPolygon {
    id: Option<String>,
    depth: usize,
    exterior: Option<Vec<[f64; 3]>>,
    interiors: Vec<Vec<[f64; 3]>>,
    /// Textures of the exterior / each interior, coordinates aligned with
    /// the points kept.
    exterior_textures: Vec<RingTexture>,
    interior_textures: Vec<Vec<RingTexture>>,
    broken: Option<Message>,
}

struct PendingLink {
    object: usize,
    href: String,
    semantic: Option<Semantic>,
    line: usize,
}

struct Parser<'a> {
    data: &'a [u8],
    /// Byte offset of `data` in the whole file (fragments).
    base: usize,
    /// Element depth at which this parser starts (1 inside CityModel).
    base_depth: usize,
    lines: LineCounter<'a>,
    model: CityModel,
    depth: usize,
    objects: Vec<OpenObject>,
    semantics: Vec<OpenSemantic>,
    lod: Option<(u8, usize)>,
    skip_until_depth: Option<usize>,
    polygon: Option<OpenPolygon>,
    ring: Option<(RingKind, Vec<[f64; 3]>)>,
    ring_kind: Option<RingKind>,
    capture: Option<(Capture, usize)>,
    text: String,
    generic_name: Option<String>,
    generic_depth: Option<usize>,
    height_depth: Option<usize>,
    /// Depth of the open cityObjectMember: its child is a city object.
    member_depth: Option<usize>,
    /// LoD from a dem:lod element (TIN reliefs carry no lodX geometry element).
    relief_lod: Option<u8>,
    /// Depth of an open lodXTerrainIntersection.
    terrain_intersection_depth: Option<usize>,
    default_dimension: usize,
    polygon_index: HashMap<String, (usize, usize)>,
    links: Vec<PendingLink>,
    other_crs_warned: bool,
    appearance: Option<std::sync::Arc<AppearanceIndex>>,
    ring_id: Option<String>,
    /// Open aggregate geometries with a gml:id (materials may target them).
    geometry_ids: Vec<(String, usize)>,
}

/// Subtrees we do not read yet (or never need for display).
fn is_skipped_subtree(name: &str) -> bool {
    matches!(
        name,
        "appearance"
            | "appearanceMember"
            | "Appearance"
            | "externalReference"
            | "ExternalReference"
    )
}

/// Core attributes read directly below a city object.
fn is_core_attribute(name: &str) -> bool {
    matches!(
        name,
        "function"
            | "usage"
            | "class"
            | "roofType"
            | "measuredHeight"
            | "storeysAboveGround"
            | "storeysBelowGround"
            | "storeyHeightsAboveGround"
            | "yearOfConstruction"
            | "yearOfDemolition"
            | "creationDate"
            | "terminationDate"
            | "name"
            | "description"
            | "relativeToTerrain"
    )
}

fn is_generic_attribute(name: &str) -> bool {
    matches!(
        name,
        "stringAttribute"
            | "intAttribute"
            | "doubleAttribute"
            | "dateAttribute"
            | "uriAttribute"
            | "measureAttribute"
            | "StringAttribute"
            | "IntAttribute"
            | "DoubleAttribute"
            | "DateAttribute"
            | "UriAttribute"
            | "MeasureAttribute"
    )
}

/// Address parts of xAL 2.0 (CityGML 1.0/2.0) and their attribute keys.
fn address_key(name: &str) -> Option<&'static str> {
    Some(match name {
        "ThoroughfareName" => "street",
        "ThoroughfareNumber" => "house_number",
        "LocalityName" => "locality",
        "PostalCodeNumber" => "postal_code",
        "CountryName" => "country",
        _ => return None,
    })
}

fn local_name_of(e: &BytesStart<'_>) -> String {
    pw_xml::local_name(e).to_owned()
}

fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    pw_xml::attribute(e, local)
}

impl<'a> Parser<'a> {
    fn new(data: &'a [u8]) -> Self {
        Parser {
            data,
            base: 0,
            base_depth: 0,
            lines: LineCounter {
                data,
                pos: 0,
                line: 1,
            },
            model: CityModel {
                format: "CityGML".into(),
                ..Default::default()
            },
            depth: 0,
            objects: Vec::new(),
            semantics: Vec::new(),
            lod: None,
            skip_until_depth: None,
            polygon: None,
            ring: None,
            ring_kind: None,
            capture: None,
            text: String::new(),
            generic_name: None,
            generic_depth: None,
            height_depth: None,
            member_depth: None,
            relief_lod: None,
            terrain_intersection_depth: None,
            default_dimension: 3,
            polygon_index: HashMap::new(),
            links: Vec::new(),
            other_crs_warned: false,
            appearance: None,
            ring_id: None,
            geometry_ids: Vec::new(),
        }
    }

    /// A parser for the members between `start` and `end` of the whole file,
    /// continuing the header's state (CRS, dimension, format).
    fn fragment(whole: &'a [u8], start: usize, end: usize, head: &Parser) -> Self {
        let line = 1;
        let data = &whole[start..end];
        let mut p = Parser::new(data);
        p.base = start;
        p.base_depth = 1;
        p.depth = 1;
        p.lines = LineCounter { data, pos: 0, line };
        p.model.format = head.model.format.clone();
        p.model.crs = head.model.crs;
        p.model.crs_text = head.model.crs_text.clone();
        p.default_dimension = head.default_dimension;
        p.appearance = head.appearance.clone();
        p
    }

    /// Appends another parser's results (a later part of the same file
    /// that starts after `line_shift` lines).
    fn absorb(&mut self, other: Parser, line_shift: usize) {
        let shift = self.model.objects.len();
        for mut o in other.model.objects {
            o.parent = o.parent.map(|p| p + shift);
            o.line += line_shift;
            self.model.objects.push(o);
        }
        for (id, (obj, surf)) in other.polygon_index {
            self.polygon_index.insert(id, (obj + shift, surf));
        }
        for mut l in other.links {
            l.object += shift;
            l.line += line_shift;
            self.links.push(l);
        }
        if self.model.crs.is_none() {
            self.model.crs = other.model.crs;
            self.model.crs_text = other.model.crs_text;
        }
        self.model
            .issues
            .extend(other.model.issues.into_iter().map(|mut i| {
                i.line = i.line.map(|l| l + line_shift);
                i
            }));
    }

    fn issue(&mut self, severity: Severity, offset: usize, id: Option<String>, message: Message) {
        let line = self.lines.line_at(offset);
        self.model.issues.push(Issue {
            severity,
            line: Some(line),
            id,
            message,
        });
    }

    fn current_object_id(&self) -> Option<String> {
        self.objects
            .last()
            .map(|o| self.model.objects[o.index].id.clone())
    }

    fn run(&mut self, job: Option<&JobControl>) -> Result<(), CityGmlError> {
        let mut reader = Reader::from_reader(self.data);
        reader.config_mut().check_end_names = true;
        let mut seen_root = self.base_depth > 0;
        let mut events: u32 = 0;
        loop {
            let offset = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    if !seen_root {
                        return Err(CityGmlError::NotXml(e.to_string()));
                    }
                    let at = reader.error_position() as usize;
                    let id = self.current_object_id();
                    let text = e.to_string();
                    let why = if text.contains("end of input") {
                        truncated()
                    } else {
                        Message::new("city.issue.broken_xml").arg("detail", text).english(
                            "broken XML, reading stopped here ({detail}); everything before this point was kept",
                        )
                    };
                    let message = stopped(why, self.drop_unfinished_objects());
                    self.issue(Severity::Error, at, id, message);
                    break;
                }
            };
            events = events.wrapping_add(1);
            if events.is_multiple_of(4096)
                && let Some(job) = job
            {
                job.check()?;
                if self.base_depth == 0 {
                    job.set_progress(offset as f32 / self.data.len().max(1) as f32);
                }
            }
            match event {
                Event::Start(e) => {
                    if !seen_root {
                        self.check_root(&e)?;
                        seen_root = true;
                    }
                    self.depth += 1;
                    self.start(&e, offset, false);
                }
                Event::Empty(e) => {
                    if !seen_root {
                        return Err(CityGmlError::NotCityGml(local_name_of(&e)));
                    }
                    self.depth += 1;
                    self.start(&e, offset, true);
                    self.end(offset);
                    self.depth -= 1;
                }
                Event::End(_) => {
                    self.end(offset);
                    self.depth = self.depth.saturating_sub(1);
                }
                Event::Text(t) if self.capture.is_some() => self.text.push_str(&t),
                Event::CData(t) if self.capture.is_some() => self.text.push_str(&t),
                Event::GeneralRef(r) if self.capture.is_some() => {
                    if let Some(s) = pw_xml::resolve_reference(&r) {
                        self.text.push_str(&s);
                    }
                }
                Event::Eof => {
                    if !seen_root {
                        return Err(CityGmlError::NotXml("no XML element found".into()));
                    }
                    if self.depth > self.base_depth {
                        let id = self.current_object_id();
                        let message = stopped(truncated(), self.drop_unfinished_objects());
                        self.issue(Severity::Error, self.data.len(), id, message);
                    }
                    break;
                }
                _ => {}
            }
        }
        if let Some(job) = job {
            job.set_progress(1.0);
        }
        Ok(())
    }

    /// Objects still open when reading stops are incomplete: they and the
    /// parts read inside them are left out. Returns the text for the message.
    /// Drops the objects still open; their ids, if there were any.
    fn drop_unfinished_objects(&mut self) -> Option<String> {
        let first = self.objects.first().map(|o| o.index)?;
        let ids: Vec<String> = self
            .objects
            .iter()
            .map(|o| self.model.objects[o.index].id.clone())
            .collect();
        self.model.objects.truncate(first);
        self.objects.clear();
        self.polygon_index.retain(|_, (obj, _)| *obj < first);
        self.links.retain(|l| l.object < first);
        Some(ids.join(" / "))
    }

    fn check_root(&mut self, e: &BytesStart<'_>) -> Result<(), CityGmlError> {
        let name = local_name_of(e);
        if name != "CityModel" {
            return Err(CityGmlError::NotCityGml(name));
        }
        let version = e
            .attributes()
            .flatten()
            .filter_map(|a| {
                let v = a.value;
                ["1.0", "2.0", "3.0"].into_iter().find(|ver| {
                    v.starts_with("http://www.opengis.net/citygml/") && v.ends_with(ver)
                })
            })
            .next();
        self.model.format = match version {
            Some(v) => format!("CityGML {v}"),
            None => "CityGML".into(),
        };
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>, offset: usize, empty: bool) {
        if self.skip_until_depth.is_some() {
            return;
        }
        let name = local_name_of(e);
        let depth = self.depth;

        // Only geometry we read decides the CRS: an address point in WGS84
        // (CityGML 3.0 example) must not count as a second CRS.
        if matches!(
            name.as_str(),
            "Envelope"
                | "MultiSurface"
                | "CompositeSurface"
                | "Solid"
                | "Shell"
                | "Polygon"
                | "LinearRing"
                | "posList"
        ) && let Some(srs) = attribute(e, "srsName")
        {
            self.note_crs(&srs, offset);
        }
        if name == "Envelope"
            && self.objects.is_empty()
            && let Some(d) = attribute(e, "srsDimension").and_then(|d| d.parse().ok())
        {
            self.default_dimension = d;
        }

        if is_skipped_subtree(&name) {
            self.skip_until_depth = Some(depth);
            return;
        }

        if name == "cityObjectMember" {
            self.member_depth = Some(depth);
            return;
        }
        // Buildings and parts anywhere; any other city object as a direct
        // child of cityObjectMember (Road, PlantCover, ReliefFeature …).
        let top_level_object = self.objects.is_empty() && self.member_depth == Some(depth - 1);
        match name.as_str() {
            _ if name == "Building" || name == "BuildingPart" || top_level_object => {
                let kind = match name.as_str() {
                    "Building" => ObjectKind::Building,
                    "BuildingPart" => ObjectKind::BuildingPart,
                    _ => ObjectKind::Other,
                };
                let line = self.lines.line_at(offset);
                let id = attribute(e, "id").unwrap_or_else(|| format!("{name}@line{line}"));
                let parent = self.objects.last().map(|o| o.index);
                self.model.objects.push(CityObject {
                    id,
                    kind,
                    type_name: name.clone(),
                    parent,
                    attributes: Vec::new(),
                    surfaces: Vec::new(),
                    terrain_intersection: Vec::new(),
                    line,
                });
                self.objects.push(OpenObject {
                    index: self.model.objects.len() - 1,
                    depth,
                });
                return;
            }
            _ => {}
        }

        let Some(object) = self.objects.last() else {
            return;
        };
        let object_depth = object.depth;

        if let Some(semantic) = Semantic::from_element(&name) {
            self.semantics.push(OpenSemantic { semantic, depth });
            return;
        }
        if name.len() > 3 && name.starts_with("lod") && name.as_bytes()[3].is_ascii_digit() {
            if name.ends_with("TerrainIntersection") || name.ends_with("TerrainIntersectionCurve") {
                self.terrain_intersection_depth = Some(depth);
            } else {
                self.lod = Some((name.as_bytes()[3] - b'0', depth));
            }
            return;
        }
        if self.terrain_intersection_depth.is_some() {
            if name == "posList" {
                let dimension = attribute(e, "srsDimension")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(self.default_dimension);
                self.begin_capture(Capture::Curve { dimension }, depth);
            }
            return;
        }
        // CityGML 1/2 relief: <dem:lod>2</dem:lod> sets the LoD of the TIN.
        if name == "lod" && !empty {
            self.begin_capture(Capture::ReliefLod, depth);
            return;
        }
        if self.appearance.is_some()
            && matches!(
                name.as_str(),
                "MultiSurface"
                    | "CompositeSurface"
                    | "Solid"
                    | "Shell"
                    | "Surface"
                    | "TriangulatedSurface"
            )
            && let Some(id) = attribute(e, "id")
            && !empty
        {
            self.geometry_ids.push((id, depth));
        }
        match name.as_str() {
            "Polygon" | "Triangle" if self.polygon.is_none() => {
                self.polygon = Some(OpenPolygon {
                    id: attribute(e, "id"),
                    depth,
                    exterior: None,
                    interiors: Vec::new(),
                    exterior_textures: Vec::new(),
                    interior_textures: Vec::new(),
                    broken: None,
                });
            }
            "exterior" | "outerBoundaryIs" => self.ring_kind = Some(RingKind::Exterior),
            "interior" | "innerBoundaryIs" => self.ring_kind = Some(RingKind::Interior),
            "LinearRing" if self.polygon.is_some() => {
                self.ring = Some((self.ring_kind.unwrap_or(RingKind::Exterior), Vec::new()));
                self.ring_id = attribute(e, "id");
            }
            "posList" if self.ring.is_some() => {
                let dimension = attribute(e, "srsDimension")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(self.default_dimension);
                self.begin_capture(Capture::PosList { dimension }, depth);
            }
            "pos" if self.ring.is_some() => {
                let dimension = attribute(e, "srsDimension")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(self.default_dimension);
                self.begin_capture(Capture::Pos { dimension }, depth);
            }
            "coordinates" if self.ring.is_some() => self.begin_capture(Capture::Coordinates, depth),
            "surfaceMember" | "member" | "baseSurface" => {
                if let Some(href) = attribute(e, "href") {
                    let line = self.lines.line_at(offset);
                    let index = self.objects.last().map(|o| o.index).unwrap_or(0);
                    self.links.push(PendingLink {
                        object: index,
                        href: href.trim_start_matches('#').to_string(),
                        semantic: self.semantics.last().map(|s| s.semantic),
                        line,
                    });
                }
            }
            _ if self.semantics.is_empty() && self.polygon.is_none() => {
                self.start_attribute(e, &name, depth, object_depth, empty);
            }
            _ => {}
        }
    }

    fn start_attribute(
        &mut self,
        e: &BytesStart<'_>,
        name: &str,
        depth: usize,
        object_depth: usize,
        empty: bool,
    ) {
        if depth == object_depth + 1 && is_core_attribute(name) {
            if !empty {
                self.begin_capture(Capture::Attribute(name.to_string()), depth);
            }
            return;
        }
        if is_generic_attribute(name) {
            self.generic_name = attribute(e, "name");
            self.generic_depth = Some(depth);
            return;
        }
        if self.generic_depth.is_some() {
            match name {
                "name" => self.begin_capture(Capture::GenericName, depth),
                "value" => self.begin_capture(Capture::GenericValue, depth),
                _ => {}
            }
            return;
        }
        if let Some(key) = address_key(name) {
            self.begin_capture(Capture::Attribute(key.to_string()), depth);
            return;
        }
        // CityGML 3.0 con:height/con:Height/con:value
        if name == "Height" {
            self.height_depth = Some(depth);
            return;
        }
        if name == "value" && self.height_depth.is_some() {
            self.begin_capture(Capture::Attribute("height".into()), depth);
        }
    }

    fn begin_capture(&mut self, capture: Capture, depth: usize) {
        self.text.clear();
        self.capture = Some((capture, depth));
    }

    fn note_crs(&mut self, srs: &str, offset: usize) {
        match Crs::parse(srs) {
            Ok(crs) => match self.model.crs {
                None => {
                    self.model.crs = Some(crs);
                    self.model.crs_text = Some(srs.to_string());
                }
                Some(existing)
                    if existing.horizontal != crs.horizontal && !self.other_crs_warned =>
                {
                    self.other_crs_warned = true;
                    let id = self.current_object_id();
                    self.issue(
                        Severity::Warning,
                        offset,
                        id,
                        Message::new("city.issue.other_crs")
                            .arg("crs", crs)
                            .arg("existing", existing)
                            .english(
                                "geometry in {crs} while the file uses {existing}; all coordinates are read as {existing} — \
                                 set the layer CRS in the scene if this is wrong",
                            ),
                    );
                }
                _ => {}
            },
            Err(e) => {
                if self.model.crs_text.is_none() {
                    self.model.crs_text = Some(srs.to_string());
                    let id = self.current_object_id();
                    self.issue(
                        Severity::Warning,
                        offset,
                        id,
                        Message::new("city.issue.crs_unknown")
                            .arg_message("why", e.message())
                            .english("{why}; set the layer CRS in the scene file"),
                    );
                }
            }
        }
    }

    fn end(&mut self, offset: usize) {
        let depth = self.depth;
        if let Some(skip) = self.skip_until_depth {
            if depth == skip {
                self.skip_until_depth = None;
            }
            return;
        }
        if let Some((_, d)) = &self.capture
            && *d == depth
        {
            let (capture, _) = self.capture.take().unwrap();
            self.finish_capture(capture);
        }
        if self.generic_depth == Some(depth) {
            self.generic_depth = None;
            self.generic_name = None;
        }
        if self.height_depth == Some(depth) {
            self.height_depth = None;
        }
        if self.terrain_intersection_depth == Some(depth) {
            self.terrain_intersection_depth = None;
        }
        if self.member_depth == Some(depth) {
            self.member_depth = None;
        }
        if self.geometry_ids.last().is_some_and(|(_, d)| *d == depth) {
            self.geometry_ids.pop();
        }
        if self.ring.is_some() && self.ring_closes_here(depth) {
            self.finish_ring();
        }
        if self.polygon.as_ref().is_some_and(|p| p.depth == depth) {
            self.finish_polygon(offset);
        }
        if self.semantics.last().is_some_and(|s| s.depth == depth) {
            self.semantics.pop();
        }
        if self.lod.is_some_and(|(_, d)| d == depth) {
            self.lod = None;
        }
        if self.objects.last().is_some_and(|o| o.depth == depth) {
            self.objects.pop();
            if self.objects.is_empty() {
                self.relief_lod = None;
            }
        }
    }

    /// A ring is finished when the element one level below its polygon's
    /// boundary element closes (exterior/LinearRing); we close it on the
    /// LinearRing end, which is two levels below the polygon.
    fn ring_closes_here(&self, depth: usize) -> bool {
        self.polygon.as_ref().is_some_and(|p| depth == p.depth + 2)
    }

    fn finish_capture(&mut self, capture: Capture) {
        let text = std::mem::take(&mut self.text);
        match capture {
            Capture::Curve { dimension } => {
                let values: Vec<f64> = text
                    .split_ascii_whitespace()
                    .filter_map(|t| t.parse().ok())
                    .collect();
                if (2..=3).contains(&dimension)
                    && values.len().is_multiple_of(dimension)
                    && values.iter().all(|v| v.is_finite())
                {
                    let line: Vec<[f64; 3]> = values
                        .chunks_exact(dimension)
                        .map(|c| [c[0], c[1], if dimension == 3 { c[2] } else { 0.0 }])
                        .collect();
                    if let Some(o) = self.objects.last() {
                        self.model.objects[o.index].terrain_intersection.push(line);
                    }
                }
            }
            Capture::ReliefLod => {
                // dem:lod: the LoD of geometry that is not under a lodX element.
                if let Ok(l) = text.trim().parse::<u8>() {
                    self.relief_lod = Some(l);
                }
            }
            Capture::Attribute(key) => {
                let value = text.trim();
                if !value.is_empty()
                    && let Some(o) = self.objects.last()
                {
                    self.model.objects[o.index]
                        .attributes
                        .push((key, value.to_string()));
                }
            }
            Capture::GenericName => self.generic_name = Some(text.trim().to_string()),
            Capture::GenericValue => {
                if let (Some(name), Some(o)) = (self.generic_name.clone(), self.objects.last()) {
                    self.model.objects[o.index]
                        .attributes
                        .push((name, text.trim().to_string()));
                }
            }
            Capture::PosList { dimension } | Capture::Pos { dimension } => {
                self.add_coordinates(&text, dimension);
            }
            Capture::Coordinates => {
                // GML 2 style "x,y,z x,y,z"
                let replaced = text.replace(',', " ");
                self.add_coordinates(&replaced, 3);
            }
        }
    }

    fn add_coordinates(&mut self, text: &str, dimension: usize) {
        let Some(polygon) = self.polygon.as_mut() else {
            return;
        };
        if polygon.broken.is_some() {
            return;
        }
        if !(2..=3).contains(&dimension) {
            polygon.broken = Some(
                Message::new("city.issue.dimension")
                    .arg("dimension", dimension)
                    .english("srsDimension {dimension} is not supported (2 or 3)"),
            );
            return;
        }
        let mut values = Vec::with_capacity(text.len() / 8);
        for token in text.split_ascii_whitespace() {
            match token.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => {
                    polygon.broken = Some(
                        Message::new("city.issue.bad_coordinate")
                            .arg("token", token)
                            .english("'{token}' is not a valid coordinate"),
                    );
                    return;
                }
            }
        }
        if values.len() % dimension != 0 {
            polygon.broken = Some(
                Message::new("city.issue.odd_count")
                    .arg("n", values.len())
                    .arg("dimension", dimension)
                    .english(
                        "{n} numbers cannot be split into {dimension}-D points (a number is missing)",
                    ),
            );
            return;
        }
        if let Some((_, ring)) = self.ring.as_mut() {
            ring.extend(
                values
                    .chunks_exact(dimension)
                    .map(|c| [c[0], c[1], if dimension == 3 { c[2] } else { 0.0 }]),
            );
        }
    }

    fn finish_ring(&mut self) {
        let Some((kind, points)) = self.ring.take() else {
            return;
        };
        let Some(polygon) = self.polygon.as_mut() else {
            return;
        };
        // Drop the closing point and consecutive duplicates, remembering
        // which points stay so that texture coordinates stay aligned.
        let mut kept: Vec<usize> = Vec::with_capacity(points.len());
        for i in 0..points.len() {
            if kept.last().is_none_or(|&k| points[k] != points[i]) {
                kept.push(i);
            }
        }
        if kept.len() > 1 && points[kept[0]] == points[*kept.last().unwrap()] {
            kept.pop();
        }
        let textures: Vec<RingTexture> = match (&self.appearance, self.ring_id.take()) {
            (Some(index), Some(id)) => index
                .ring_textures
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|t| t.uv.len() >= points.len())
                .map(|t| RingTexture {
                    theme: t.theme,
                    image: t.image,
                    uv: kept.iter().map(|&k| t.uv[k]).collect(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let points: Vec<[f64; 3]> = kept.iter().map(|&k| points[k]).collect();
        match kind {
            RingKind::Exterior => {
                polygon.exterior = Some(points);
                polygon.exterior_textures = textures;
            }
            RingKind::Interior => {
                polygon.interiors.push(points);
                polygon.interior_textures.push(textures);
            }
        }
    }

    fn finish_polygon(&mut self, offset: usize) {
        let Some(polygon) = self.polygon.take() else {
            return;
        };
        self.ring_kind = None;
        let Some(object) = self.objects.last() else {
            return;
        };
        let object_index = object.index;
        let object_id = self.model.objects[object_index].id.clone();
        let where_ = polygon.id.clone().unwrap_or(object_id);
        if let Some(reason) = polygon.broken {
            self.issue(
                Severity::Error,
                offset,
                Some(where_),
                Message::new("city.issue.polygon_skipped")
                    .arg_message("why", reason)
                    .english("polygon skipped: {why}"),
            );
            return;
        }
        let exterior = polygon.exterior.unwrap_or_default();
        if exterior.len() < 3 {
            self.issue(
                Severity::Warning,
                offset,
                Some(where_),
                Message::new("city.issue.ring_too_short")
                    .arg("n", exterior.len())
                    .english(
                        "polygon skipped: its outer ring has {n} distinct points, at least 3 are needed",
                    ),
            );
            return;
        }
        let (interiors, interior_textures): (Vec<_>, Vec<_>) = polygon
            .interiors
            .into_iter()
            .zip(polygon.interior_textures)
            .filter(|(r, _)| r.len() >= 3)
            .unzip();
        let looks = self.surface_looks(
            polygon.id.as_deref(),
            polygon.exterior_textures,
            &interior_textures,
        );
        let surface = Surface {
            id: polygon.id.clone(),
            semantic: self
                .semantics
                .last()
                .map(|s| s.semantic)
                .unwrap_or(Semantic::Unclassified),
            lod: self.lod.map(|(l, _)| l).or(self.relief_lod).unwrap_or(0),
            lod_minor: 0,
            exterior,
            interiors,
            looks,
        };
        let surfaces = &mut self.model.objects[object_index].surfaces;
        surfaces.push(surface);
        if let Some(id) = polygon.id {
            self.polygon_index
                .insert(id, (object_index, surfaces.len() - 1));
        }
    }

    /// Per theme: a texture when the outer ring and every inner ring have
    /// coordinates into the same image; an X3D colour when one targets the
    /// polygon.
    fn surface_looks(
        &self,
        polygon_id: Option<&str>,
        exterior: Vec<RingTexture>,
        interiors: &[Vec<RingTexture>],
    ) -> Vec<SurfaceLook> {
        let Some(index) = &self.appearance else {
            return Vec::new();
        };
        let mut looks: Vec<SurfaceLook> = Vec::new();
        for t in exterior {
            let mut uv = t.uv;
            let complete = interiors.iter().all(|ring| {
                match ring
                    .iter()
                    .find(|r| r.theme == t.theme && r.image == t.image)
                {
                    Some(r) => {
                        uv.extend_from_slice(&r.uv);
                        true
                    }
                    None => false,
                }
            });
            if complete {
                looks.push(SurfaceLook {
                    theme: t.theme,
                    texture: Some((t.image, uv)),
                    color: None,
                });
            }
        }
        // A material may target the polygon or a geometry around it.
        let targets = polygon_id
            .into_iter()
            .chain(self.geometry_ids.iter().rev().map(|(id, _)| id.as_str()));
        for colors in targets.filter_map(|id| index.polygon_colors.get(id)) {
            for &(theme, color) in colors {
                match looks.iter_mut().find(|l| l.theme == theme) {
                    Some(l) => {
                        l.color.get_or_insert(color);
                    }
                    None => looks.push(SurfaceLook {
                        theme,
                        texture: None,
                        color: Some(color),
                    }),
                }
            }
        }
        looks
    }

    fn finish(mut self) -> CityModel {
        if let Some(index) = self.appearance.take() {
            self.model.themes = index.themes.clone();
            self.model.texture_images = index.images.iter().map(std::path::PathBuf::from).collect();
            for w in &index.warnings {
                self.model.issues.push(Issue {
                    severity: Severity::Warning,
                    line: None,
                    id: None,
                    message: w.clone(),
                });
            }
        }
        let links = std::mem::take(&mut self.links);
        let mut dangling = 0usize;
        for link in links {
            match self.polygon_index.get(&link.href) {
                Some(&(obj, surf)) => {
                    // A boundary surface that points at a polygon written inline
                    // in a solid gives that polygon its meaning.
                    if let Some(sem) = link.semantic {
                        let s = &mut self.model.objects[obj].surfaces[surf];
                        if s.semantic == Semantic::Unclassified {
                            s.semantic = sem;
                        }
                    }
                }
                None => {
                    dangling += 1;
                    if dangling <= 50 {
                        let id = self.model.objects.get(link.object).map(|o| o.id.clone());
                        self.model.issues.push(Issue {
                            severity: Severity::Warning,
                            line: Some(link.line),
                            id,
                            message: Message::new("city.issue.dangling_link")
                                .arg("href", &link.href)
                                .english("xlink:href '#{href}' points to no polygon in this file"),
                        });
                    }
                }
            }
        }
        if dangling > 50 {
            self.model.issues.push(Issue {
                severity: Severity::Warning,
                line: None,
                id: None,
                message: Message::new("city.issue.more_dangling_links")
                    .arg("n", dangling - 50)
                    .english("{n} more dangling xlink:href references not listed"),
            });
        }
        if self.model.crs.is_none()
            && !self.model.objects.is_empty()
            && self.model.crs_text.is_none()
        {
            self.model.issues.push(Issue {
                severity: Severity::Warning,
                line: None,
                id: None,
                message: Message::new("city.issue.no_crs").english(
                    "the file states no CRS (srsName); coordinates are taken as the scene CRS — \
                     set the layer CRS in the scene if this is wrong",
                ),
            });
        }
        self.model
    }
}
