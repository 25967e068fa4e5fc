//! Writing city models: CityJSON 2.0 (lossless for geometry, semantics and
//! attributes), CityGML 2.0 ([`to_citygml`]) and binary glTF (for any 3D
//! tool). Used by `planwerkstatt convert` and the variant export.

pub use crate::export_citygml::to_citygml;
use crate::mesh::object_mesh;
use crate::model::{CityModel, ObjectKind, Semantic};
use crate::triangulate::Triangulator;
use pw_geo::SceneOrigin;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// CityJSON's (and CityGML's) name of a surface's semantic class.
pub(crate) fn semantic_name(s: Semantic) -> Option<&'static str> {
    Some(match s {
        Semantic::Roof => "RoofSurface",
        Semantic::Wall => "WallSurface",
        Semantic::Ground => "GroundSurface",
        Semantic::Closure => "ClosureSurface",
        Semantic::OuterCeiling => "OuterCeilingSurface",
        Semantic::OuterFloor => "OuterFloorSurface",
        Semantic::Traffic => "TrafficArea",
        Semantic::Water => "WaterSurface",
        _ => return None,
    })
}

/// CityJSON 2.0 with millimetre quantisation. One MultiSurface per object
/// and LoD, semantics kept.
pub fn to_cityjson(model: &CityModel) -> Value {
    let extent = model.extent();
    let translate = if extent.is_empty() {
        [0.0; 3]
    } else {
        extent.min
    };
    let scale = 0.001;
    let mut vertices: Vec<[i64; 3]> = Vec::new();
    let mut lookup: HashMap<[i64; 3], usize> = HashMap::new();
    let mut index_of = |p: [f64; 3]| -> usize {
        let q = [0, 1, 2].map(|i| ((p[i] - translate[i]) / scale).round() as i64);
        *lookup.entry(q).or_insert_with(|| {
            vertices.push(q);
            vertices.len() - 1
        })
    };
    let mut objects = Map::new();
    let children: HashMap<usize, Vec<usize>> = model
        .objects
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.parent.map(|p| (p, i)))
        .fold(HashMap::new(), |mut m, (p, c)| {
            m.entry(p).or_insert_with(Vec::new).push(c);
            m
        });
    for (i, o) in model.objects.iter().enumerate() {
        let mut lods: Vec<(u8, u8)> = o.surfaces.iter().map(|s| (s.lod, s.lod_minor)).collect();
        lods.sort_unstable();
        lods.dedup();
        let mut geometry = Vec::new();
        for (lod, minor) in lods {
            let mut boundaries = Vec::new();
            let mut values = Vec::new();
            let mut sem_types: Vec<&str> = Vec::new();
            for s in o
                .surfaces
                .iter()
                .filter(|s| (s.lod, s.lod_minor) == (lod, minor))
            {
                let rings: Vec<Vec<usize>> = std::iter::once(&s.exterior)
                    .chain(s.interiors.iter())
                    .map(|r| r.iter().map(|p| index_of(*p)).collect())
                    .collect();
                boundaries.push(json!(rings));
                values.push(match semantic_name(s.semantic) {
                    Some(name) => {
                        let k = sem_types
                            .iter()
                            .position(|t| *t == name)
                            .unwrap_or_else(|| {
                                sem_types.push(name);
                                sem_types.len() - 1
                            });
                        json!(k)
                    }
                    None => Value::Null,
                });
            }
            let lod_text = if minor == 0 {
                lod.to_string()
            } else {
                format!("{lod}.{minor}")
            };
            let mut g = json!({"type": "MultiSurface", "lod": lod_text, "boundaries": boundaries});
            if !sem_types.is_empty() {
                g["semantics"] = json!({
                    "surfaces": sem_types.iter().map(|t| json!({"type": t})).collect::<Vec<_>>(),
                    "values": values,
                });
            }
            geometry.push(g);
        }
        let mut obj = json!({"type": o.type_name, "geometry": geometry});
        if !o.attributes.is_empty() {
            obj["attributes"] = Value::Object(
                o.attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect(),
            );
        }
        if let Some(p) = o.parent {
            obj["parents"] = json!([model.objects[p].id]);
        }
        if let Some(c) = children.get(&i) {
            obj["children"] = json!(c.iter().map(|c| &model.objects[*c].id).collect::<Vec<_>>());
        }
        objects.insert(o.id.clone(), obj);
    }
    let mut doc = json!({
        "type": "CityJSON",
        "version": "2.0",
        "transform": {"scale": [scale, scale, scale], "translate": translate},
        "CityObjects": objects,
        "vertices": vertices,
        "metadata": {},
    });
    if let Some(crs) = model.crs {
        doc["metadata"]["referenceSystem"] = json!(format!(
            "https://www.opengis.net/def/crs/EPSG/0/{}",
            crs.horizontal
        ));
    }
    if !extent.is_empty() {
        doc["metadata"]["geographicalExtent"] = json!([
            extent.min[0],
            extent.min[1],
            extent.min[2],
            extent.max[0],
            extent.max[1],
            extent.max[2]
        ]);
    }
    doc
}

fn semantic_color(s: Semantic) -> [f32; 4] {
    match s {
        Semantic::Roof => [0.40, 0.07, 0.04, 1.0],
        Semantic::Ground | Semantic::OuterFloor => [0.27, 0.27, 0.27, 1.0],
        Semantic::Traffic => [0.19, 0.19, 0.21, 1.0],
        Semantic::Water => [0.09, 0.26, 0.64, 1.0],
        Semantic::Vegetation => [0.11, 0.30, 0.07, 1.0],
        Semantic::LandUse => [0.64, 0.60, 0.39, 1.0],
        _ => [0.83, 0.79, 0.69, 1.0],
    }
}

/// Binary glTF 2.0. glTF is Y-up by definition: x = east, y = up,
/// z = −north, in metres relative to the model centre, which is written to
/// `scene.extras` with the CRS so the model can be put back in place.
pub fn to_glb(model: &CityModel) -> Vec<u8> {
    let extent = model.extent();
    let centre = if extent.is_empty() {
        [0.0; 3]
    } else {
        extent.center()
    };
    let origin = SceneOrigin::new(centre);
    let mut bin: Vec<u8> = Vec::new();
    let mut accessors = Vec::new();
    let mut views = Vec::new();
    let mut meshes = Vec::new();
    let mut nodes = Vec::new();
    let mut triangulator = Triangulator::new();
    let mut push_view = |bin: &mut Vec<u8>, bytes: &[u8], target: u32| -> usize {
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len(), "target": target}));
        bin.extend_from_slice(bytes);
        views.len() - 1
    };
    for o in &model.objects {
        let m = object_mesh(o, &origin, &mut triangulator);
        if m.indices.is_empty() {
            continue;
        }
        let pos: Vec<[f32; 3]> = m.positions.iter().map(|p| [p[0], p[2], -p[1]]).collect();
        let nor: Vec<[f32; 3]> = m.normals.iter().map(|n| [n[0], n[2], -n[1]]).collect();
        let col: Vec<[f32; 4]> = m.semantics.iter().map(|s| semantic_color(*s)).collect();
        let (mut min, mut max) = ([f32::MAX; 3], [f32::MIN; 3]);
        for p in &pos {
            for a in 0..3 {
                min[a] = min[a].min(p[a]);
                max[a] = max[a].max(p[a]);
            }
        }
        let as_bytes = |v: &[[f32; 3]]| {
            v.iter()
                .flat_map(|p| p.iter().flat_map(|x| x.to_le_bytes()))
                .collect::<Vec<u8>>()
        };
        let vp = push_view(&mut bin, &as_bytes(&pos), 34962);
        let vn = push_view(&mut bin, &as_bytes(&nor), 34962);
        let vc = push_view(
            &mut bin,
            &col.iter()
                .flat_map(|c| c.iter().flat_map(|x| x.to_le_bytes()))
                .collect::<Vec<u8>>(),
            34962,
        );
        let vi = push_view(
            &mut bin,
            &m.indices
                .iter()
                .flat_map(|i| i.to_le_bytes())
                .collect::<Vec<u8>>(),
            34963,
        );
        let a0 = accessors.len();
        accessors.push(json!({"bufferView": vp, "componentType": 5126, "count": pos.len(), "type": "VEC3", "min": min, "max": max}));
        accessors.push(
            json!({"bufferView": vn, "componentType": 5126, "count": nor.len(), "type": "VEC3"}),
        );
        accessors.push(
            json!({"bufferView": vc, "componentType": 5126, "count": col.len(), "type": "VEC4"}),
        );
        accessors.push(json!({"bufferView": vi, "componentType": 5125, "count": m.indices.len(), "type": "SCALAR"}));
        meshes.push(json!({"primitives": [{
            "attributes": {"POSITION": a0, "NORMAL": a0 + 1, "COLOR_0": a0 + 2},
            "indices": a0 + 3, "material": 0
        }]}));
        let attrs: Map<String, Value> = o
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let kind = match o.kind {
            ObjectKind::Building => "Building",
            ObjectKind::BuildingPart => "BuildingPart",
            ObjectKind::Other => o.type_name.as_str(),
        };
        nodes.push(json!({"name": o.id, "mesh": meshes.len() - 1, "extras": {"type": kind, "attributes": attrs}}));
    }
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    let doc = json!({
        "asset": {"version": "2.0", "generator": "Planwerkstatt"},
        "scene": 0,
        "scenes": [{"nodes": (0..nodes.len()).collect::<Vec<_>>(), "extras": {
            "crs": model.crs.map(|c| c.to_string()),
            "origin": centre,
            "axes": "x east, y up, z south (glTF); add origin to get scene-CRS coordinates"
        }}],
        "nodes": nodes,
        "meshes": meshes,
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0.0, "roughnessFactor": 0.9}, "doubleSided": true}],
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": bin.len()}],
    });
    let mut json_bytes = serde_json::to_vec(&doc).expect("glTF JSON");
    while !json_bytes.len().is_multiple_of(4) {
        json_bytes.push(b' ');
    }
    let total = 12 + 8 + json_bytes.len() + 8 + bin.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(json_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&json_bytes);
    out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
    out.extend_from_slice(b"BIN\0");
    out.extend_from_slice(&bin);
    out
}
