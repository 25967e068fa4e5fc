//! Turning city objects into triangle meshes in the scene's local frame
//! (east/north/up metres from the scene origin), one flat-shaded vertex set
//! per surface. The app batches these per tile; analyses use them as-is.

use crate::model::{CityModel, CityObject, Semantic};
use crate::triangulate::Triangulator;
use pw_geo::SceneOrigin;

/// Triangles of one object, ready to be appended to a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectMesh {
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub semantics: Vec<Semantic>,
    pub indices: Vec<u32>,
    /// Appearance colour per vertex as sRGB RGBA8; alpha 0 means "by
    /// semantics" (the layer palette). Textured vertices are white.
    pub tints: Vec<[u8; 4]>,
    /// Atlas coordinates per vertex (empty without an atlas).
    pub uvs: Vec<[f32; 2]>,
}

/// Which appearance to show and where the texture images sit.
#[derive(Debug, Clone, Copy)]
pub struct LookChoice<'a> {
    pub theme: Option<u16>,
    /// Atlas rectangle per texture image of the model.
    pub atlas: Option<(&'a [Option<crate::atlas::AtlasRect>], [f32; 2])>,
}

pub const BY_SEMANTICS: [u8; 4] = [0; 4];

fn srgb8(c: [f32; 4]) -> [u8; 4] {
    c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
        .map(|v| v.max(1)) // alpha 0 is reserved for "by semantics"
}

impl ObjectMesh {
    pub fn triangle_count(&self) -> usize {
        self.indices.len() / 3
    }
}

/// Semantics for surfaces the file did not classify: from the object type
/// for land cover, else guessed from the normal so that inline solids
/// (e.g. Vienna's BuildingParts) still look right.
fn classify(type_name: &str, n: [f64; 3]) -> Semantic {
    match type_name {
        "Road" | "Railway" | "TransportSquare" | "Square" | "Track" => return Semantic::Traffic,
        "WaterBody" | "Waterway" => return Semantic::Water,
        "PlantCover" | "SolitaryVegetationObject" => return Semantic::Vegetation,
        "LandUse" => return Semantic::LandUse,
        "TINRelief" | "ReliefFeature" => return Semantic::Ground,
        _ => {}
    }
    if n[2] > 0.3 {
        Semantic::Roof
    } else if n[2] < -0.9 {
        Semantic::Ground
    } else {
        Semantic::Wall
    }
}

/// Triangulates the object's surfaces at its best LoD. Degenerate polygons
/// are skipped (the reader has already reported the broken ones).
pub fn object_mesh(
    object: &CityObject,
    origin: &SceneOrigin,
    triangulator: &mut Triangulator,
) -> ObjectMesh {
    object_mesh_with(object, origin, triangulator, None)
}

/// [`object_mesh`] with an appearance theme and, for textures, an atlas.
pub fn object_mesh_with(
    object: &CityObject,
    origin: &SceneOrigin,
    triangulator: &mut Triangulator,
    look: Option<&LookChoice>,
) -> ObjectMesh {
    let mut mesh = ObjectMesh::default();
    let atlas = look.and_then(|l| l.atlas);
    let Some(best) = object.best_lod_detail() else {
        return mesh;
    };
    for surface in object
        .surfaces
        .iter()
        .filter(|s| (s.lod, s.lod_minor) == best)
    {
        let Some(t) = triangulator.triangulate(&surface.exterior, &surface.interiors) else {
            continue;
        };
        let base = mesh.positions.len() as u32;
        let semantic = match surface.semantic {
            Semantic::Unclassified => classify(&object.type_name, t.normal),
            s => s,
        };
        let normal = t.normal.map(|v| v as f32);
        let chosen = look
            .and_then(|l| l.theme)
            .and_then(|theme| surface.looks.iter().find(|s| s.theme == theme));
        // A texture shows when its image made it into the atlas.
        let texture = match (chosen.and_then(|l| l.texture.as_ref()), atlas) {
            (Some((image, uv)), Some((rects, _))) => rects
                .get(*image as usize)
                .copied()
                .flatten()
                .map(|rect| (rect, uv)),
            _ => None,
        };
        let tint = match (texture, chosen.and_then(|l| l.color)) {
            (Some(_), _) => [255; 4],
            (None, Some(c)) => srgb8(c),
            (None, None) => BY_SEMANTICS,
        };
        for (k, p) in surface
            .exterior
            .iter()
            .chain(surface.interiors.iter().flatten())
            .enumerate()
        {
            mesh.positions.push(origin.to_local(*p));
            mesh.normals.push(normal);
            mesh.semantics.push(semantic);
            mesh.tints.push(tint);
            if let Some((_, white)) = atlas {
                mesh.uvs.push(match texture {
                    Some((rect, uv)) => rect.map(uv.get(k).copied().unwrap_or([0.0; 2])),
                    None => white,
                });
            }
        }
        mesh.indices.extend(t.indices.iter().map(|i| base + i));
    }
    mesh
}

impl CityModel {
    /// Total triangles at each object's best LoD (for `info` and golden tests).
    pub fn triangle_count(&self) -> usize {
        let origin = SceneOrigin::new(self.extent().center());
        let mut t = Triangulator::new();
        self.objects
            .iter()
            .map(|o| object_mesh(o, &origin, &mut t).triangle_count())
            .sum()
    }
}
