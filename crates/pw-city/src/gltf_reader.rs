//! glTF 2.0 (`.gltf` with external or embedded buffers, `.glb`) into
//! triangles in the model's own frame, z up. Node transforms are applied;
//! triangles are grouped per node and, for 3D Tiles content, per feature
//! (`_BATCHID` / `_FEATURE_ID_0`) so that each building stays pickable.

use gltf::mesh::Mode;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum GltfError {
    #[error("not a readable glTF 2.0 file: {0}")]
    Parse(String),
    #[error("buffer {index}: {message}")]
    Buffer { index: usize, message: String },
}

/// Which model axis points up. glTF defines +Y; some exporters write +Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UpAxis {
    #[default]
    Y,
    Z,
}

impl UpAxis {
    pub fn parse(text: &str) -> Option<UpAxis> {
        match text.trim().to_ascii_lowercase().as_str() {
            "y" => Some(UpAxis::Y),
            "z" => Some(UpAxis::Z),
            _ => None,
        }
    }

    /// Model coordinates → x east, y north, z up (3D Tiles' convention for
    /// glTF content: Y-up is turned so that glTF -Z points north).
    pub fn to_z_up(self, p: [f64; 3]) -> [f64; 3] {
        match self {
            UpAxis::Y => [p[0], -p[2], p[1]],
            UpAxis::Z => p,
        }
    }
}

/// Triangles of one node (and one feature of it), z up, model metres.
#[derive(Debug, Clone, PartialEq)]
pub struct GltfPiece {
    /// Node name, else mesh name.
    pub name: Option<String>,
    /// Feature (batch) id for 3D Tiles content.
    pub feature: Option<u32>,
    pub triangles: Vec<[[f64; 3]; 3]>,
    /// Material base colour per triangle (linear RGBA, as glTF writes it).
    pub colors: Vec<[f32; 4]>,
}

/// Problems worth telling the user that do not stop the read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GltfRead {
    pub pieces: Vec<GltfPiece>,
    pub warnings: Vec<pw_text::Message>,
    /// Where the model stands, when the file says it in its scene's
    /// extras as Planwerkstatt writes them: CRS text and the origin the
    /// model metres are relative to.
    pub georeference: Option<(String, [f64; 3])>,
}

impl GltfRead {
    pub fn triangle_count(&self) -> usize {
        self.pieces.iter().map(|p| p.triangles.len()).sum()
    }
}

type Mat4 = [f64; 16];

const IDENTITY: Mat4 = [
    1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0,
];

/// Column-major 4×4 product a·b.
pub fn mat4_mul(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut m = [0.0; 16];
    for c in 0..4 {
        for r in 0..4 {
            m[c * 4 + r] = (0..4).map(|k| a[k * 4 + r] * b[c * 4 + k]).sum();
        }
    }
    m
}

/// Applies a column-major 4×4 matrix to a point.
pub fn mat4_apply(m: &Mat4, p: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|r| m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r])
}

/// Reads a `.gltf` or `.glb` file; external buffers are resolved next to it.
pub fn read_file(path: &Path, up: UpAxis) -> Result<GltfRead, GltfError> {
    let bytes = std::fs::read(path).map_err(|e| GltfError::Parse(e.to_string()))?;
    read(&bytes, path.parent(), up)
}

/// Reads glTF JSON or GLB bytes. `base_dir` resolves relative buffer URIs;
/// without one (content from a server) only embedded buffers are read —
/// a file must never name what to read from the user's disk.
pub fn read(bytes: &[u8], base_dir: Option<&Path>, up: UpAxis) -> Result<GltfRead, GltfError> {
    if bytes.starts_with(b"glTF") {
        check_glb(bytes).map_err(GltfError::Parse)?;
    }
    let gltf = gltf::Gltf::from_slice_without_validation(bytes)
        .map_err(|e| GltfError::Parse(e.to_string()))?;
    // Validation guards the reader against broken indices and enums (it
    // would panic on them). Only position bounds (accessor min/max, missing
    // or wrong in files from older 3D Tiles writers) are let through: we
    // never use them.
    {
        use gltf::json::validation::Validate;
        let root = gltf.document.as_json();
        // gltf-json's own validation indexes the POSITION accessor unchecked
        // (a panic on broken files, found by cargo-fuzz): check that first.
        let accessors = root.accessors.len();
        for (m, mesh) in root.meshes.iter().enumerate() {
            for (p, prim) in mesh.primitives.iter().enumerate() {
                if prim.attributes.values().any(|a| a.value() >= accessors) {
                    return Err(GltfError::Parse(format!(
                        "invalid glTF: mesh {m} primitive {p} names an accessor that does not exist ({accessors} exist)"
                    )));
                }
            }
        }
        let mut serious: Vec<String> = Vec::new();
        root.validate(root, gltf::json::Path::new, &mut |path, error| {
            let p = path();
            if !(p.as_str().ends_with(".min") || p.as_str().ends_with(".max")) {
                serious.push(format!("{p}: {error:?}"));
            }
        });
        if !serious.is_empty() {
            return Err(GltfError::Parse(format!(
                "invalid glTF: {}{}",
                serious[..serious.len().min(3)].join("; "),
                if serious.len() > 3 { " …" } else { "" }
            )));
        }
    }
    let compressed = gltf.document.extensions_required().find(|e| {
        matches!(
            *e,
            "KHR_draco_mesh_compression" | "EXT_meshopt_compression" | "KHR_mesh_quantization"
        )
    });
    if let Some(ext) = compressed {
        return Err(GltfError::Parse(format!(
            "geometry is compressed with {ext}, which is not supported yet; export without compression"
        )));
    }
    let buffers = load_buffers(&gltf, base_dir)?;
    let mut out = GltfRead::default();
    let scene = gltf
        .document
        .default_scene()
        .or_else(|| gltf.document.scenes().next());
    out.georeference = scene
        .as_ref()
        .and_then(|s| scene_georeference(s.extras().as_deref()));
    match scene {
        Some(scene) => {
            for node in scene.nodes() {
                visit(&node, &IDENTITY, &buffers, up, &mut out, 0);
            }
        }
        // No scene: every mesh at the origin (allowed by the spec).
        None => {
            let children: std::collections::HashSet<usize> = gltf
                .document
                .nodes()
                .flat_map(|n| n.children().map(|c| c.index()))
                .collect();
            for node in gltf
                .document
                .nodes()
                .filter(|n| !children.contains(&n.index()))
            {
                visit(&node, &IDENTITY, &buffers, up, &mut out, 0);
            }
        }
    }
    Ok(out)
}

fn load_buffers(gltf: &gltf::Gltf, base_dir: Option<&Path>) -> Result<Vec<Vec<u8>>, GltfError> {
    gltf.document
        .buffers()
        .map(|buffer| {
            let index = buffer.index();
            let data = match buffer.source() {
                gltf::buffer::Source::Bin => gltf.blob.clone().ok_or(GltfError::Buffer {
                    index,
                    message: "GLB has no binary chunk".into(),
                })?,
                gltf::buffer::Source::Uri(uri) => {
                    if let Some(rest) = uri.strip_prefix("data:") {
                        let b64 = rest.split_once(";base64,").map(|(_, d)| d).ok_or(
                            GltfError::Buffer {
                                index,
                                message: "data URI is not base64".into(),
                            },
                        )?;
                        pw_geo::base64::decode(b64).ok_or(GltfError::Buffer {
                            index,
                            message: "broken base64 data".into(),
                        })?
                    } else {
                        let Some(dir) = base_dir else {
                            return Err(GltfError::Buffer {
                                index,
                                message: format!(
                                    "the buffer \"{uri}\" is outside the content; only embedded buffers are read here"
                                ),
                            });
                        };
                        let path = dir.join(uri.replace("%20", " "));
                        std::fs::read(&path).map_err(|e| GltfError::Buffer {
                            index,
                            message: format!("{}: {e}", path.display()),
                        })?
                    }
                }
            };
            if data.len() < buffer.length() {
                return Err(GltfError::Buffer {
                    index,
                    message: format!(
                        "holds {} bytes, the file declares {}",
                        data.len(),
                        buffer.length()
                    ),
                });
            }
            Ok(data)
        })
        .collect()
}

/// The GLB container, checked before the glTF crate reads it (its header
/// arithmetic overflows on lengths below 12; found by cargo-fuzz).
/// `{"crs": "EPSG:25832", "origin": [E, N, H]}` in a scene's extras.
fn scene_georeference(extras: Option<&serde_json::value::RawValue>) -> Option<(String, [f64; 3])> {
    let v: serde_json::Value = serde_json::from_str(extras?.get()).ok()?;
    let crs = v.get("crs")?.as_str()?.to_string();
    let o = v.get("origin")?.as_array()?;
    let n = |i: usize| o.get(i).and_then(|x| x.as_f64()).filter(|x| x.is_finite());
    Some((crs, [n(0)?, n(1)?, n(2).unwrap_or(0.0)]))
}

fn check_glb(b: &[u8]) -> Result<(), String> {
    let word = |at: usize| {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
            .ok_or_else(|| "binary glTF cut short in its header".to_string())
    };
    let version = word(4)?;
    if version != 2 {
        return Err(format!(
            "binary glTF version {version}; only glTF 2.0 is supported (convert with gltf-pipeline or Blender)"
        ));
    }
    let length = word(8)?;
    if length < 20 || length > b.len() {
        return Err(format!(
            "binary glTF declares {length} bytes but {} are there",
            b.len()
        ));
    }
    let mut at = 12;
    while at < length {
        let chunk = word(at)?;
        let end = at
            .checked_add(8)
            .and_then(|v| v.checked_add(chunk))
            .filter(|&e| e <= length)
            .ok_or_else(|| format!("binary glTF chunk at byte {at} runs past the end"))?;
        at = end;
    }
    Ok(())
}

fn visit(
    node: &gltf::Node,
    parent: &Mat4,
    buffers: &[Vec<u8>],
    up: UpAxis,
    out: &mut GltfRead,
    depth: usize,
) {
    // Node graphs are trees by the spec; a broken file could loop.
    if depth > 64 {
        out.warnings.push(
            pw_text::Message::new("gltf.issue.too_deep")
                .english("node hierarchy deeper than 64 levels: the rest is skipped"),
        );
        return;
    }
    let local: Mat4 = {
        let m = node.transform().matrix();
        std::array::from_fn(|i| m[i / 4][i % 4] as f64)
    };
    let world = mat4_mul(parent, &local);
    if let Some(mesh) = node.mesh() {
        let name = node
            .name()
            .or(mesh.name())
            .map(str::to_string)
            .or_else(|| Some(format!("mesh {}", mesh.index())));
        let first = out.pieces.len();
        for primitive in mesh.primitives() {
            if let Err(message) = read_primitive(&primitive, &world, buffers, up, &name, out) {
                out.warnings.push(
                    pw_text::Message::new("gltf.issue.primitive_skipped")
                        .arg("mesh", mesh.index())
                        .arg("primitive", primitive.index())
                        .arg_message("why", message)
                        .english("mesh {mesh} primitive {primitive}: {why}"),
                );
            }
        }
        // One object per node and feature, whatever the number of materials.
        let mut merged: Vec<GltfPiece> = Vec::new();
        for piece in out.pieces.drain(first..) {
            match merged.iter_mut().find(|m| m.feature == piece.feature) {
                Some(m) => {
                    m.triangles.extend(piece.triangles);
                    m.colors.extend(piece.colors);
                }
                None => merged.push(piece),
            }
        }
        out.pieces.extend(merged);
    }
    for child in node.children() {
        visit(&child, &world, buffers, up, out, depth + 1);
    }
}

fn read_primitive(
    primitive: &gltf::Primitive,
    world: &Mat4,
    buffers: &[Vec<u8>],
    up: UpAxis,
    name: &Option<String>,
    out: &mut GltfRead,
) -> Result<(), pw_text::Message> {
    use pw_text::Message;
    let mode = primitive.mode();
    if !matches!(
        mode,
        Mode::Triangles | Mode::TriangleStrip | Mode::TriangleFan
    ) {
        // Lines and points carry no surfaces to show or analyse.
        return Err(Message::new("gltf.issue.mode_skipped")
            .arg("mode", format!("{mode:?}"))
            .english("{mode} primitives are skipped"));
    }
    // Our own accessor reading: the glTF crate's readers assert on accessor
    // types that do not fit the attribute (found by cargo-fuzz).
    let position = primitive
        .get(&gltf::Semantic::Positions)
        .ok_or_else(|| Message::new("gltf.issue.no_position").english("no POSITION attribute"))?;
    let positions: Vec<[f64; 3]> = read_components(&position, buffers, 3)?
        .chunks_exact(3)
        .map(|p| up.to_z_up(mat4_apply(world, [p[0], p[1], p[2]])))
        .collect();
    let indices: Vec<u32> = match primitive.indices() {
        Some(a) => read_components(&a, buffers, 1)?
            .into_iter()
            .map(|i| i as u32)
            .collect(),
        None => (0..positions.len() as u32).collect(),
    };
    let triangles = assemble(mode, &indices);
    let base_color = primitive
        .material()
        .pbr_metallic_roughness()
        .base_color_factor();
    let features = feature_ids(primitive, buffers);
    // Group the primitive's triangles by feature, keeping first-seen order.
    let mut groups: Vec<GltfPiece> = Vec::new();
    let mut slot_of: std::collections::HashMap<Option<u32>, usize> = Default::default();
    let mut bad = 0usize;
    for [a, b, c] in triangles {
        let (Some(pa), Some(pb), Some(pc)) = (
            positions.get(a as usize),
            positions.get(b as usize),
            positions.get(c as usize),
        ) else {
            bad += 1;
            continue;
        };
        if !(pa.iter().chain(pb).chain(pc)).all(|v| v.is_finite()) {
            bad += 1;
            continue;
        }
        let feature = features.as_ref().and_then(|f| f.get(a as usize).copied());
        let slot = *slot_of.entry(feature).or_insert_with(|| {
            groups.push(GltfPiece {
                name: name.clone(),
                feature,
                triangles: Vec::new(),
                colors: Vec::new(),
            });
            groups.len() - 1
        });
        groups[slot].triangles.push([*pa, *pb, *pc]);
        groups[slot].colors.push(base_color);
    }
    if bad > 0 {
        out.warnings.push(
            pw_text::Message::new("gltf.issue.bad_triangles")
                .arg("n", bad)
                .english(
                    "{n} triangles with indices out of range or non-finite coordinates skipped",
                ),
        );
    }
    out.pieces.extend(groups);
    Ok(())
}

fn assemble(mode: Mode, idx: &[u32]) -> Vec<[u32; 3]> {
    match mode {
        Mode::TriangleStrip => (2..idx.len())
            .map(|i| {
                if i % 2 == 0 {
                    [idx[i - 2], idx[i - 1], idx[i]]
                } else {
                    [idx[i - 1], idx[i - 2], idx[i]]
                }
            })
            .collect(),
        Mode::TriangleFan => (2..idx.len())
            .map(|i| [idx[0], idx[i - 1], idx[i]])
            .collect(),
        _ => idx.chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect(),
    }
}

/// Per-vertex feature ids: 3D Tiles 1.0 `_BATCHID`, 1.1 `_FEATURE_ID_0`.
fn feature_ids(primitive: &gltf::Primitive, buffers: &[Vec<u8>]) -> Option<Vec<u32>> {
    let accessor = primitive.attributes().find_map(|(semantic, accessor)| {
        let name = match &semantic {
            gltf::Semantic::Extras(n) => n.as_str(),
            _ => return None,
        };
        matches!(
            name,
            "BATCHID" | "_BATCHID" | "FEATURE_ID_0" | "_FEATURE_ID_0"
        )
        .then_some(accessor)
    })?;
    read_components(&accessor, buffers, 1)
        .ok()
        .map(|v| v.into_iter().map(|x| x as u32).collect())
}

/// An accessor's values as f64, `components` per element (3 for VEC3),
/// honouring byte stride; every read is bounds-checked.
fn read_components(
    accessor: &gltf::Accessor,
    buffers: &[Vec<u8>],
    components: usize,
) -> Result<Vec<f64>, pw_text::Message> {
    use gltf::accessor::DataType;
    use pw_text::Message;
    let index = accessor.index();
    if accessor.dimensions().multiplicity() != components {
        return Err(Message::new("gltf.issue.accessor_shape")
            .arg("index", index)
            .arg("shape", format!("{:?}", accessor.dimensions()))
            .arg("components", components)
            .english(
                "accessor {index} has {shape} elements where {components} components are needed",
            ));
    }
    let view = accessor.view().ok_or_else(|| {
        Message::new("gltf.issue.sparse")
            .arg("index", index)
            .english("accessor {index} has no buffer view (sparse accessors are not supported)")
    })?;
    let data = buffers.get(view.buffer().index()).ok_or_else(|| {
        Message::new("gltf.issue.no_buffer")
            .arg("index", index)
            .english("accessor {index}: its buffer is missing")
    })?;
    let size = accessor.data_type().size();
    let element = size * components;
    let stride = view.stride().unwrap_or(element).max(element);
    let start = view.offset() + accessor.offset();
    let count = accessor.count();
    let end = (count.saturating_sub(1))
        .checked_mul(stride)
        .and_then(|v| v.checked_add(start + element));
    if count > 0 && end.is_none_or(|e| e > data.len()) {
        return Err(Message::new("gltf.issue.past_end")
            .arg("index", index)
            .english("accessor {index} reaches past the end of its buffer"));
    }
    let mut out = Vec::with_capacity(count * components);
    for i in 0..count {
        for c in 0..components {
            let at = start + i * stride + c * size;
            let b = &data[at..at + size];
            out.push(match accessor.data_type() {
                DataType::U8 => b[0] as f64,
                DataType::I8 => b[0] as i8 as f64,
                DataType::U16 => u16::from_le_bytes([b[0], b[1]]) as f64,
                DataType::I16 => i16::from_le_bytes([b[0], b[1]]) as f64,
                DataType::U32 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
                DataType::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_scene_root_nodes_are_read_with_their_children_once() {
        // No "scene"/"scenes": node 0 (translated 10 m east) holds node 1 with the
        // mesh; the triangle comes once, moved by its parent, no warning.
        let json = br#"{"asset":{"version":"2.0"},
            "nodes":[{"children":[1],"translation":[10,0,0]},{"mesh":0}],
            "meshes":[{"primitives":[{"attributes":{"POSITION":0}}]}],
            "buffers":[{"byteLength":36,"uri":"data:application/octet-stream;base64,AAAAAAAAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAgD8AAAAA"}],
            "bufferViews":[{"buffer":0,"byteLength":36}],
            "accessors":[{"bufferView":0,"componentType":5126,"count":3,"type":"VEC3","min":[0,0,0],"max":[1,1,0]}]}"#;
        let r = read(json, None, UpAxis::Z).unwrap();
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.triangle_count(), 1);
        assert_eq!(r.pieces[0].triangles[0][1], [11.0, 0.0, 0.0]);
    }

    #[test]
    fn base64_decodes_rfc4648_examples() {
        assert_eq!(pw_geo::base64::decode("Zm9vYmFy").unwrap(), b"foobar");
        assert_eq!(pw_geo::base64::decode("Zm9vYg==").unwrap(), b"foob");
        assert!(pw_geo::base64::decode("Zm9v!").is_none());
    }

    #[test]
    fn y_up_turns_minus_z_to_north() {
        assert_eq!(UpAxis::Y.to_z_up([1.0, 2.0, -3.0]), [1.0, 3.0, 2.0]);
    }

    #[test]
    fn matrix_product_applies_right_then_left() {
        let translate: Mat4 = [
            1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 10.0, 0.0, 0.0, 1.0,
        ];
        let scale: Mat4 = [
            2.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0,
        ];
        let m = mat4_mul(&translate, &scale);
        assert_eq!(mat4_apply(&m, [1.0, 1.0, 1.0]), [12.0, 2.0, 2.0]);
    }

    #[test]
    fn strips_and_fans_become_triangles() {
        assert_eq!(
            assemble(Mode::TriangleStrip, &[0, 1, 2, 3]),
            vec![[0, 1, 2], [2, 1, 3]]
        );
        assert_eq!(
            assemble(Mode::TriangleFan, &[0, 1, 2, 3]),
            vec![[0, 1, 2], [0, 2, 3]]
        );
    }
}
