//! CityJSON 1.0, 1.1 and 2.0 (`.city.json`/`.json`) and CityJSONSeq
//! (`.city.jsonl`, one CityJSONFeature per line) into the city model:
//! quantised vertices with `transform`, geometry templates, semantic
//! surfaces, attributes, parent/child links. Problems name the line (JSON
//! syntax) or the CityObject id (content); what is valid is kept.

use crate::model::*;
use pw_geo::Crs;
use pw_job::{Cancelled, JobControl};
use pw_text::Message;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CityJsonError {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the file is empty")]
    Empty,
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a CityJSON file: {0}")]
    NotCityJson(String),
    #[error("loading was cancelled")]
    Cancelled,
}

impl CityJsonError {
    /// The text for people, about the file at `path`.
    pub fn message(&self, path: &str) -> pw_text::Message {
        use pw_text::Message;
        match self {
            CityJsonError::Io { source, .. } => Message::new("city.error.io")
                .arg("path", path)
                .arg("why", source)
                .english("{path}: cannot read the file: {why}"),
            CityJsonError::Empty => Message::new("city.error.empty")
                .arg("path", path)
                .english("{path}: the file is empty"),
            CityJsonError::Syntax {
                line,
                column,
                message,
            } => Message::new("city.error.json_syntax")
                .arg("path", path)
                .arg("line", line)
                .arg("column", column)
                .arg("why", message)
                .english("{path}: not valid JSON at line {line}, column {column}: {why}"),
            CityJsonError::NotCityJson(why) => Message::new("city.error.not_cityjson")
                .arg("path", path)
                .arg("why", why)
                .english("{path}: not a CityJSON file: {why}"),
            CityJsonError::Cancelled => Message::new("city.error.cancelled")
                .arg("path", path)
                .english("{path}: loading was cancelled"),
        }
    }
}

impl From<Cancelled> for CityJsonError {
    fn from(_: Cancelled) -> Self {
        CityJsonError::Cancelled
    }
}

fn syntax(e: serde_json::Error, line_offset: usize) -> CityJsonError {
    CityJsonError::Syntax {
        line: e.line() + line_offset,
        column: e.column(),
        message: e.to_string(),
    }
}

/// Reads a CityJSON file or a CityJSONSeq file (chosen by content: a first
/// line that is a whole CityJSON object followed by CityJSONFeature lines).
pub fn read_file(path: &Path, job: Option<&JobControl>) -> Result<CityModel, CityJsonError> {
    let data = std::fs::read(path).map_err(|source| CityJsonError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut model = read(&data, job)?;
    model.resolve_texture_paths(path);
    Ok(model)
}

/// The document's appearance block: texture images, texture vertices and
/// X3D-style materials, shared by all geometries.
#[derive(Default)]
struct Looks {
    uv: Vec<[f32; 2]>,
    materials: Vec<Option<[f32; 4]>>,
}

impl Looks {
    fn from_json(v: Option<&Value>, model: &mut CityModel) -> Looks {
        let Some(a) = v.and_then(Value::as_object) else {
            return Looks::default();
        };
        for t in a
            .get("textures")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let image = t.get("image").and_then(Value::as_str).unwrap_or("");
            model.texture_images.push(std::path::PathBuf::from(image));
        }
        let uv = texture_vertices(a.get("vertices-texture"));
        let materials = a
            .get("materials")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|m| {
                let d = m.get("diffuseColor")?.as_array()?;
                let c = |i: usize| d.get(i).and_then(Value::as_f64).map(|v| v as f32);
                let alpha =
                    1.0 - m.get("transparency").and_then(Value::as_f64).unwrap_or(0.0) as f32;
                Some([c(0)?, c(1)?, c(2)?, alpha.clamp(0.0, 1.0)])
            })
            .collect();
        Looks { uv, materials }
    }
}

/// "vertices-texture": [[u, v], …].
fn texture_vertices(v: Option<&Value>) -> Vec<[f32; 2]> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let c = |i: usize| p.get(i).and_then(Value::as_f64).unwrap_or(0.0) as f32;
            [c(0), c(1)]
        })
        .collect()
}

fn theme_index(model: &mut CityModel, name: &str) -> u16 {
    match model.themes.iter().position(|t| t == name) {
        Some(i) => i as u16,
        None => {
            model.themes.push(name.to_string());
            (model.themes.len() - 1) as u16
        }
    }
}

/// Follows `path` (shell, surface … indices) into nested value arrays.
fn at_path<'v>(mut v: &'v Value, path: &[usize]) -> Option<&'v Value> {
    for &i in path {
        v = v.get(i)?;
    }
    Some(v)
}

pub fn read(data: &[u8], job: Option<&JobControl>) -> Result<CityModel, CityJsonError> {
    if data.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CityJsonError::Empty);
    }
    if is_sequence(data) {
        read_sequence(data, job)
    } else {
        read_document(data, job)
    }
}

fn is_sequence(data: &[u8]) -> bool {
    let mut lines = data
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(|b| b.is_ascii_whitespace()));
    let first_is_object = lines
        .next()
        .is_some_and(|l| serde_json::from_slice::<Value>(l).is_ok());
    let second = lines.next();
    first_is_object && second.is_some_and(|l| l.windows(17).any(|w| w == b"\"CityJSONFeature\""))
}

/// Vertex decoding shared by documents and sequence features.
#[derive(Clone, Copy)]
struct Transform {
    scale: [f64; 3],
    translate: [f64; 3],
}

impl Transform {
    fn from_json(v: Option<&Value>) -> Option<Transform> {
        let t = v?.as_object()?;
        let arr = |k: &str| -> Option<[f64; 3]> {
            let a = t.get(k)?.as_array()?;
            Some([
                a.first()?.as_f64()?,
                a.get(1)?.as_f64()?,
                a.get(2)?.as_f64()?,
            ])
        };
        Some(Transform {
            scale: arr("scale")?,
            translate: arr("translate")?,
        })
    }
}

fn decode_vertices(
    v: Option<&Value>,
    transform: Option<Transform>,
    issues: &mut Vec<Issue>,
    context: &str,
) -> Vec<[f64; 3]> {
    let Some(list) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(list.len());
    let mut bad = 0usize;
    for p in list {
        let xyz = p.as_array().and_then(|a| {
            Some([
                a.first()?.as_f64()?,
                a.get(1)?.as_f64()?,
                a.get(2)?.as_f64()?,
            ])
        });
        match xyz {
            Some(c) => out.push(match transform {
                Some(t) => [0, 1, 2].map(|i| c[i] * t.scale[i] + t.translate[i]),
                None => c,
            }),
            None => {
                bad += 1;
                out.push([f64::NAN; 3]);
            }
        }
    }
    if bad > 0 {
        issues.push(Issue {
            severity: Severity::Error,
            line: None,
            id: Some(context.to_string()),
            message: Message::new("city.issue.bad_vertices")
                .arg("n", bad)
                .english("{n} vertices are not three numbers; surfaces using them are skipped"),
        });
    }
    out
}

struct Templates {
    geometries: Vec<Value>,
    vertices: Vec<[f64; 3]>,
}

impl Templates {
    fn from_json(v: Option<&Value>, issues: &mut Vec<Issue>) -> Option<Templates> {
        let t = v?.as_object()?;
        Some(Templates {
            geometries: t
                .get("templates")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            // Template vertices are never quantised.
            vertices: decode_vertices(
                t.get("vertices-templates"),
                None,
                issues,
                "geometry-templates",
            ),
        })
    }
}

fn read_document(data: &[u8], job: Option<&JobControl>) -> Result<CityModel, CityJsonError> {
    let root: Value = serde_json::from_slice(data).map_err(|e| syntax(e, 0))?;
    let obj = root
        .as_object()
        .ok_or_else(|| CityJsonError::NotCityJson("the top level is not a JSON object".into()))?;
    if obj.get("type").and_then(Value::as_str) != Some("CityJSON") {
        return Err(CityJsonError::NotCityJson(
            "\"type\" is not \"CityJSON\"".into(),
        ));
    }
    let mut model = header(obj);
    let looks = Looks::from_json(obj.get("appearance"), &mut model);
    let transform = Transform::from_json(obj.get("transform"));
    let vertices = decode_vertices(
        obj.get("vertices"),
        transform,
        &mut model.issues,
        "vertices",
    );
    let templates = Templates::from_json(obj.get("geometry-templates"), &mut model.issues);
    let city_objects = obj
        .get("CityObjects")
        .and_then(Value::as_object)
        .ok_or_else(|| CityJsonError::NotCityJson("\"CityObjects\" is missing".into()))?;
    let mut reader = ObjectReader::new(&mut model, templates.as_ref());
    reader.looks = looks;
    let total = city_objects.len().max(1);
    for (n, (id, o)) in city_objects.iter().enumerate() {
        if n % 512 == 0
            && let Some(job) = job
        {
            job.check()?;
            job.set_progress(n as f32 / total as f32);
        }
        reader.add(id, o, &vertices, None);
    }
    reader.link_parents();
    Ok(model)
}

fn read_sequence(data: &[u8], job: Option<&JobControl>) -> Result<CityModel, CityJsonError> {
    let text = std::str::from_utf8(data)
        .map_err(|e| CityJsonError::NotCityJson(format!("not UTF-8: {e}")))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines.next().ok_or(CityJsonError::Empty)?;
    let head: Value = serde_json::from_str(first).map_err(|e| syntax(e, 0))?;
    let head = head
        .as_object()
        .ok_or_else(|| CityJsonError::NotCityJson("first line is not a JSON object".into()))?;
    let mut model = header(head);
    let head_looks = Looks::from_json(head.get("appearance"), &mut model);
    model.format = format!("{} (CityJSONSeq)", model.format);
    let transform = Transform::from_json(head.get("transform"));
    let templates = Templates::from_json(head.get("geometry-templates"), &mut model.issues);
    let total_lines = text.lines().count().max(1);
    let mut syntax_issues = Vec::new();
    let mut features = Vec::new();
    for (i, line) in lines {
        if i % 256 == 0
            && let Some(job) = job
        {
            job.check()?;
            job.set_progress(i as f32 / total_lines as f32);
        }
        match serde_json::from_str::<Value>(line) {
            Ok(f) => features.push((i + 1, f)),
            Err(e) => syntax_issues.push(Issue {
                severity: Severity::Error,
                line: Some(i + 1),
                id: None,
                message: Message::new("city.issue.feature_not_json")
                    .arg("detail", e)
                    .english("feature skipped, not valid JSON: {detail}"),
            }),
        }
    }
    model.issues.extend(syntax_issues);
    let mut reader = ObjectReader::new(&mut model, templates.as_ref());
    reader.looks = head_looks;
    for (line, f) in &features {
        let Some(f) = f.as_object() else { continue };
        // A feature may bring its own texture vertices.
        if let Some(uv) = f.get("appearance").and_then(|a| a.get("vertices-texture")) {
            reader.looks.uv = texture_vertices(Some(uv));
        }
        let vertices = decode_vertices(
            f.get("vertices"),
            transform,
            &mut reader.model.issues,
            "feature",
        );
        if let Some(objs) = f.get("CityObjects").and_then(Value::as_object) {
            for (id, o) in objs {
                reader.add(id, o, &vertices, Some(*line));
            }
        }
    }
    reader.link_parents();
    Ok(model)
}

fn header(obj: &Map<String, Value>) -> CityModel {
    let version = obj.get("version").and_then(Value::as_str).unwrap_or("?");
    let mut model = CityModel {
        format: format!("CityJSON {version}"),
        ..Default::default()
    };
    let rs = obj
        .get("metadata")
        .and_then(|m| m.get("referenceSystem"))
        .and_then(Value::as_str);
    match rs {
        Some(text) => {
            model.crs_text = Some(text.to_string());
            match Crs::parse(text) {
                Ok(c) => model.crs = Some(c),
                Err(e) => model.issues.push(Issue {
                    severity: Severity::Warning,
                    line: None,
                    id: None,
                    message: Message::new("city.issue.crs_unknown")
                        .arg_message("why", e.message())
                        .english("{why}; set the layer CRS in the scene file"),
                }),
            }
        }
        None => model.issues.push(Issue {
            severity: Severity::Warning,
            line: None,
            id: None,
            message: Message::new("city.issue.cityjson_no_crs").english(
                "the file states no CRS (metadata.referenceSystem); coordinates are taken as the scene CRS — \
                 set the layer CRS in the scene if this is wrong",
            ),
        }),
    }
    model
}

/// "2.2" → (2, 2); 2 → (2, 0).
fn parse_lod(v: Option<&Value>) -> (u8, u8) {
    match v {
        Some(Value::String(s)) => {
            let mut parts = s.split('.');
            let major = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
            let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
            (major, minor)
        }
        Some(Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(0.0);
            (f.trunc() as u8, ((f.fract() * 10.0).round()) as u8)
        }
        _ => (0, 0),
    }
}

fn attribute_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

struct ObjectReader<'a> {
    model: &'a mut CityModel,
    templates: Option<&'a Templates>,
    index: HashMap<String, usize>,
    parents: Vec<(usize, String)>,
    looks: Looks,
}

impl<'a> ObjectReader<'a> {
    fn new(model: &'a mut CityModel, templates: Option<&'a Templates>) -> Self {
        ObjectReader {
            model,
            templates,
            index: HashMap::new(),
            parents: Vec::new(),
            looks: Looks::default(),
        }
    }

    fn issue(&mut self, id: &str, line: Option<usize>, message: Message) {
        self.model.issues.push(Issue {
            severity: Severity::Warning,
            line,
            id: Some(id.to_string()),
            message,
        });
    }

    fn add(&mut self, id: &str, o: &Value, vertices: &[[f64; 3]], line: Option<usize>) {
        let Some(o) = o.as_object() else {
            self.issue(
                id,
                line,
                Message::new("city.issue.object_not_json_object")
                    .english("CityObject is not a JSON object; skipped"),
            );
            return;
        };
        let type_name = o
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("GenericCityObject")
            .to_string();
        let kind = match type_name.as_str() {
            "Building" => ObjectKind::Building,
            "BuildingPart" => ObjectKind::BuildingPart,
            _ => ObjectKind::Other,
        };
        let attributes = o
            .get("attributes")
            .and_then(Value::as_object)
            .map(|a| {
                a.iter()
                    .map(|(k, v)| (k.clone(), attribute_text(v)))
                    .collect()
            })
            .unwrap_or_default();
        let mut object = CityObject {
            id: id.to_string(),
            kind,
            type_name,
            parent: None,
            attributes,
            surfaces: Vec::new(),
            terrain_intersection: Vec::new(),
            line: line.unwrap_or(0),
        };
        for (g, geom) in o
            .get("geometry")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Err(message) = self.add_geometry(&mut object, geom, vertices) {
                self.issue(
                    id,
                    line,
                    Message::new("city.issue.geometry_skipped")
                        .arg("index", g)
                        .arg_message("why", message)
                        .english("geometry {index} skipped: {why}"),
                );
            }
        }
        if let Some(p) = o
            .get("parents")
            .and_then(Value::as_array)
            .and_then(|p| p.first())
            .and_then(Value::as_str)
        {
            self.parents.push((self.model.objects.len(), p.to_string()));
        }
        self.index.insert(id.to_string(), self.model.objects.len());
        self.model.objects.push(object);
    }

    fn add_geometry(
        &mut self,
        object: &mut CityObject,
        geom: &Value,
        vertices: &[[f64; 3]],
    ) -> Result<(), Message> {
        let kind = geom
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| said("cityjson.geometry.no_type", "no \"type\""))?;
        if kind == "GeometryInstance" {
            return self.add_instance(object, geom, vertices);
        }
        let (lod, lod_minor) = parse_lod(geom.get("lod"));
        let boundaries = geom
            .get("boundaries")
            .ok_or_else(|| said("cityjson.geometry.no_boundaries", "no \"boundaries\""))?;
        let semantics = geom.get("semantics");
        let surface_types: Vec<Semantic> = semantics
            .and_then(|s| s.get("surfaces"))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|s| {
                        s.get("type")
                            .and_then(Value::as_str)
                            .and_then(Semantic::from_element)
                            .unwrap_or(Semantic::Unclassified)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let values = semantics.and_then(|s| s.get("values"));
        // Depth of nesting from the geometry down to a surface.
        let depth = match kind {
            "MultiSurface" | "CompositeSurface" => 0,
            "Solid" => 1,
            "MultiSolid" | "CompositeSolid" => 2,
            "MultiPoint" | "MultiLineString" => return Ok(()),
            other => {
                return Err(Message::new("cityjson.geometry.unknown_type")
                    .arg("kind", other)
                    .english("unknown geometry type \"{kind}\""));
            }
        };
        // Appearance per theme: texture values nest like the boundaries down
        // to rings ([texture, uv…]); material values down to surfaces.
        let textures: Vec<(u16, &Value)> = geom
            .get("texture")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(theme, t)| Some((theme_index(self.model, theme), t.get("values")?)))
            .collect();
        let materials: Vec<(u16, &Value)> = geom
            .get("material")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(theme, m)| {
                let v = m.get("values").or_else(|| m.get("value"))?;
                Some((theme_index(self.model, theme), v))
            })
            .collect();
        let looks = &self.looks;
        let mut skipped = 0usize;
        walk_surfaces(boundaries, values, depth, &mut |rings, sem_index, path| {
            let semantic = sem_index
                .and_then(|i| surface_types.get(i))
                .copied()
                .unwrap_or(Semantic::Unclassified);
            match rings_to_coords(rings, vertices) {
                Some(r) => {
                    let mut surface_looks: Vec<SurfaceLook> = Vec::new();
                    for &(theme, values) in &textures {
                        if let Some(t) = surface_texture(values, path, &r.kept, &looks.uv) {
                            surface_looks.push(SurfaceLook {
                                theme,
                                texture: Some(t),
                                color: None,
                            });
                        }
                    }
                    for &(theme, v) in &materials {
                        // A single "value" applies to all surfaces.
                        let index = match v {
                            Value::Number(n) => n.as_u64(),
                            _ => at_path(v, path).and_then(Value::as_u64),
                        };
                        let Some(color) =
                            index.and_then(|i| looks.materials.get(i as usize).copied().flatten())
                        else {
                            continue;
                        };
                        match surface_looks.iter_mut().find(|l| l.theme == theme) {
                            Some(l) => l.color = Some(color),
                            None => surface_looks.push(SurfaceLook {
                                theme,
                                texture: None,
                                color: Some(color),
                            }),
                        }
                    }
                    object.surfaces.push(Surface {
                        id: None,
                        semantic,
                        lod,
                        lod_minor,
                        exterior: r.exterior,
                        interiors: r.interiors,
                        looks: surface_looks,
                    })
                }
                None => skipped += 1,
            }
        })?;
        if skipped > 0 {
            self.issue(
                &object.id,
                None,
                Message::new("city.issue.surfaces_skipped")
                    .arg("n", skipped)
                    .english("{n} surfaces skipped: bad vertex index, NaN or fewer than 3 points"),
            );
        }
        Ok(())
    }

    /// A template placed with a 4×4 matrix at a reference point.
    fn add_instance(
        &mut self,
        object: &mut CityObject,
        geom: &Value,
        vertices: &[[f64; 3]],
    ) -> Result<(), Message> {
        let templates = self.templates.ok_or_else(|| {
            said(
                "cityjson.geometry.no_templates",
                "GeometryInstance but the file has no geometry-templates",
            )
        })?;
        let t = geom
            .get("template")
            .and_then(Value::as_u64)
            .ok_or_else(|| {
                said(
                    "cityjson.geometry.no_template",
                    "GeometryInstance without \"template\"",
                )
            })? as usize;
        let template = templates.geometries.get(t).ok_or_else(|| {
            Message::new("cityjson.geometry.missing_template")
                .arg("index", t)
                .english("template {index} does not exist")
        })?;
        let anchor = geom
            .get("boundaries")
            .and_then(|b| b.get(0))
            .and_then(Value::as_u64)
            .and_then(|i| vertices.get(i as usize))
            .ok_or_else(|| {
                said(
                    "cityjson.geometry.bad_anchor",
                    "GeometryInstance reference point is not a valid vertex",
                )
            })?;
        let m: Vec<f64> = geom
            .get("transformationMatrix")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_else(|| {
                vec![
                    1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 1.,
                ]
            });
        if m.len() != 16 {
            return Err(said(
                "cityjson.geometry.matrix",
                "transformationMatrix must have 16 numbers",
            ));
        }
        // Row-major 4×4; the result is added to the reference point.
        let placed: Vec<[f64; 3]> = templates
            .vertices
            .iter()
            .map(|p| {
                let x = m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3];
                let y = m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7];
                let z = m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11];
                [x + anchor[0], y + anchor[1], z + anchor[2]]
            })
            .collect();
        let mut lod_geom = template.clone();
        if let (Some(obj), Some(lod)) = (lod_geom.as_object_mut(), geom.get("lod")) {
            obj.entry("lod").or_insert(lod.clone());
        }
        self.add_geometry(object, &lod_geom, &placed)
    }

    fn link_parents(&mut self) {
        for (child, parent_id) in std::mem::take(&mut self.parents) {
            match self.index.get(&parent_id) {
                Some(&p) => self.model.objects[child].parent = Some(p),
                None => {
                    let id = self.model.objects[child].id.clone();
                    self.issue(
                        &id,
                        None,
                        Message::new("city.issue.parent_missing")
                            .arg("parent", parent_id)
                            .english("parent \"{parent}\" is not in the file"),
                    );
                }
            }
        }
    }
}

/// A surface's texture in one theme: every kept ring must name the same
/// image; coordinates follow the points kept.
fn surface_texture(
    values: &Value,
    path: &[usize],
    kept: &[(usize, Vec<usize>)],
    uv: &[[f32; 2]],
) -> Option<(u32, Vec<[f32; 2]>)> {
    let rings = at_path(values, path)?.as_array()?;
    let mut image = None;
    let mut coords = Vec::new();
    for (ring, positions) in kept {
        let entry = rings.get(*ring)?.as_array()?;
        let t = entry.first()?.as_u64()? as u32;
        if image.is_some_and(|i| i != t) {
            return None;
        }
        image = Some(t);
        for &k in positions {
            let i = entry.get(k + 1)?.as_u64()? as usize;
            coords.push(*uv.get(i)?);
        }
    }
    Some((image?, coords))
}

/// Calls `visit` for every surface with its rings, its semantic value and
/// its index path from the geometry's boundaries (for texture/material values).
/// Called per surface: its rings, semantic value, index path.
type SurfaceVisitor<'a> = dyn FnMut(&[Value], Option<usize>, &[usize]) + 'a;

/// A geometry problem in the catalogue's words.
fn said(key: &str, english: &str) -> Message {
    Message::new(key).english(english)
}

fn walk_surfaces(
    boundaries: &Value,
    values: Option<&Value>,
    depth: usize,
    visit: &mut SurfaceVisitor,
) -> Result<(), Message> {
    walk_surfaces_at(boundaries, values, depth, &mut Vec::new(), visit)
}

fn walk_surfaces_at(
    boundaries: &Value,
    values: Option<&Value>,
    depth: usize,
    path: &mut Vec<usize>,
    visit: &mut SurfaceVisitor,
) -> Result<(), Message> {
    let list = boundaries.as_array().ok_or_else(|| {
        said(
            "cityjson.geometry.boundaries_not_array",
            "boundaries are not an array",
        )
    })?;
    for (i, item) in list.iter().enumerate() {
        let value = values.and_then(|v| v.get(i));
        path.push(i);
        if depth == 0 {
            let rings = item.as_array().ok_or_else(|| {
                said(
                    "cityjson.geometry.surface_not_rings",
                    "a surface is not a list of rings",
                )
            })?;
            visit(
                rings,
                value.and_then(Value::as_u64).map(|v| v as usize),
                path,
            );
        } else {
            walk_surfaces_at(item, value, depth - 1, path, visit)?;
        }
        path.pop();
    }
    Ok(())
}

type Ring = Vec<[f64; 3]>;

/// Rings as coordinates, without repeated points. `kept` tells, per ring
/// kept (outer first), its index in the input and the positions kept, so
/// that texture coordinates can follow.
struct SurfaceRings {
    exterior: Ring,
    interiors: Vec<Ring>,
    kept: Vec<(usize, Vec<usize>)>,
}

fn rings_to_coords(rings: &[Value], vertices: &[[f64; 3]]) -> Option<SurfaceRings> {
    let mut out: Vec<(usize, Ring, Vec<usize>)> = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let idx = ring.as_array()?;
        let mut pts: Ring = Vec::with_capacity(idx.len());
        let mut kept = Vec::with_capacity(idx.len());
        for (k, i) in idx.iter().enumerate() {
            let p = *vertices.get(i.as_u64()? as usize)?;
            if !p.iter().all(|v| v.is_finite()) {
                return None;
            }
            if pts.last() != Some(&p) {
                pts.push(p);
                kept.push(k);
            }
        }
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
            kept.pop();
        }
        out.push((r, pts, kept));
    }
    let mut iter = out.into_iter();
    let (r0, exterior, k0) = iter.next()?;
    if exterior.len() < 3 {
        return None;
    }
    let mut kept = vec![(r0, k0)];
    let mut interiors = Vec::new();
    for (r, ring, k) in iter.filter(|(_, ring, _)| ring.len() >= 3) {
        interiors.push(ring);
        kept.push((r, k));
    }
    Some(SurfaceRings {
        exterior,
        interiors,
        kept,
    })
}
