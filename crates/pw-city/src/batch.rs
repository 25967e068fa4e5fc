//! Batching: many buildings into a few large meshes. Objects are ordered
//! along a Morton (Z-order) curve of their centres and cut into runs, so each
//! batch covers a compact area (good culling) and the whole model needs only
//! a handful of draw calls however many buildings it has.

use crate::mesh::{LookChoice, object_mesh_with};
use crate::model::{CityModel, CityObject, Semantic};
use crate::triangulate::Triangulator;
use pw_geo::SceneOrigin;
use pw_job::{Cancelled, JobControl};
use rayon::prelude::*;
use std::ops::Range;

/// Where one object's vertices and indices sit inside a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchObject {
    pub object: usize,
    pub vertices: Range<u32>,
    pub indices: Range<u32>,
    /// Local east/north/up bounds.
    pub min: [f32; 3],
    pub max: [f32; 3],
}

/// One draw call's worth of geometry in the local ENU frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub semantics: Vec<Semantic>,
    pub indices: Vec<u32>,
    pub objects: Vec<BatchObject>,
    /// Appearance colours (sRGB RGBA8, alpha 0 = by semantics).
    pub tints: Vec<[u8; 4]>,
    /// Atlas coordinates (empty when the layer has no textures).
    pub uvs: Vec<[f32; 2]>,
}

impl Batch {
    pub fn triangle_count(&self) -> usize {
        self.indices.len() / 3
    }
}

fn morton2(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = v as u64 & 0xffff_ffff;
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    spread(x) | (spread(y) << 1)
}

/// Builds at most `max_batches` batches (fewer for small models: a batch
/// holds at least `min_objects_per_batch` objects).
pub fn build_batches(
    model: &CityModel,
    origin: &SceneOrigin,
    max_batches: usize,
    job: Option<&JobControl>,
) -> Result<Vec<Batch>, Cancelled> {
    build_batches_with(model, origin, max_batches, job, None)
}

/// [`build_batches`] showing an appearance theme (colours, atlas textures).
pub fn build_batches_with(
    model: &CityModel,
    origin: &SceneOrigin,
    max_batches: usize,
    job: Option<&JobControl>,
    look: Option<&LookChoice>,
) -> Result<Vec<Batch>, Cancelled> {
    const MIN_OBJECTS_PER_BATCH: usize = 2000;
    let extent = model.extent();
    if extent.is_empty() {
        return Ok(Vec::new());
    }
    let size = extent.size();
    let span = size[0].max(size[1]).max(1.0);
    // Things lying flat on the ground and things standing never share a
    // batch: the app lifts the first above the ground and lets only the
    // second cast shadows, one mesh at a time.
    let mut order: Vec<(bool, u64, usize)> = model
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.surfaces.is_empty())
        .map(|(i, o)| {
            let c = o.extent().center();
            let gx = (((c[0] - extent.min[0]) / span) * 65535.0).clamp(0.0, 65535.0) as u32;
            let gy = (((c[1] - extent.min[1]) / span) * 65535.0).clamp(0.0, 65535.0) as u32;
            (!lies_flat(o), morton2(gx, gy), i)
        })
        .collect();
    order.sort_unstable();
    let per_batch = order
        .len()
        .div_ceil(max_batches.max(1))
        .max(MIN_OBJECTS_PER_BATCH);
    let total = order.len().max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let standing_from = order.partition_point(|(standing, _, _)| !standing);
    let (flat, standing) = order.split_at(standing_from);
    // Batches are independent: build them on all cores, keep their order.
    let batches: Vec<Result<Batch, Cancelled>> = flat
        .par_chunks(per_batch)
        .chain(standing.par_chunks(per_batch))
        .map(|run| {
            let mut triangulator = Triangulator::new();
            let mut batch = Batch::default();
            for (k, &(_, _, object)) in run.iter().enumerate() {
                if k % 256 == 0
                    && let Some(job) = job
                {
                    job.check()?;
                    let d = done.fetch_add(256, std::sync::atomic::Ordering::Relaxed);
                    job.set_progress(d as f32 / total as f32);
                }
                append_object(&mut batch, model, object, origin, &mut triangulator, look);
            }
            Ok(batch)
        })
        .collect();
    let batches: Vec<Batch> = batches.into_iter().collect::<Result<_, _>>()?;
    Ok(batches
        .into_iter()
        .filter(|b| !b.objects.is_empty())
        .collect())
}

/// An object of nothing but ground-lying surfaces (draped areas, road
/// ribbons, water); point features (one vertex) count as flat too.
pub fn lies_flat(object: &CityObject) -> bool {
    object.surfaces.iter().all(|s| {
        matches!(
            s.semantic,
            Semantic::LandUse | Semantic::Traffic | Semantic::Water
        ) || s.exterior.len() < 3
    })
}

/// Whether every surface of a batch lies flat ([`lies_flat`] objects only).
pub fn batch_lies_flat(batch: &Batch, model: &CityModel) -> bool {
    batch
        .objects
        .iter()
        .all(|o| model.objects.get(o.object).is_some_and(lies_flat))
}

fn append_object(
    batch: &mut Batch,
    model: &CityModel,
    object: usize,
    origin: &SceneOrigin,
    triangulator: &mut Triangulator,
    look: Option<&LookChoice>,
) {
    let mesh = object_mesh_with(&model.objects[object], origin, triangulator, look);
    if mesh.indices.is_empty() {
        return;
    }
    let v0 = batch.positions.len() as u32;
    let i0 = batch.indices.len() as u32;
    let (min, max) = bounds(&mesh.positions);
    batch.positions.extend_from_slice(&mesh.positions);
    batch.normals.extend_from_slice(&mesh.normals);
    batch.semantics.extend_from_slice(&mesh.semantics);
    batch.tints.extend_from_slice(&mesh.tints);
    batch.uvs.extend_from_slice(&mesh.uvs);
    batch.indices.extend(mesh.indices.iter().map(|i| i + v0));
    batch.objects.push(BatchObject {
        object,
        vertices: v0..batch.positions.len() as u32,
        indices: i0..batch.indices.len() as u32,
        min,
        max,
    });
}

/// Axis-aligned bounds of local positions.
pub fn bounds(positions: &[[f32; 3]]) -> ([f32; 3], [f32; 3]) {
    let mut min = [f32::INFINITY; 3];
    let mut max = [f32::NEG_INFINITY; 3];
    for p in positions {
        for a in 0..3 {
            min[a] = min[a].min(p[a]);
            max[a] = max[a].max(p[a]);
        }
    }
    (min, max)
}
