//! What can cast a shadow and what gets sampled: the triangles of buildings
//! and other 3D city objects around the analysis area, in a local metric
//! frame (f32 offsets from the area centre), plus the wall and roof
//! surfaces whose sun hours are wanted.

use crate::area::Area;
use pw_city::triangulate::Triangulator;
use pw_city::{CityModel, CityObject, Semantic};
use pw_geo::SceneOrigin;

pub type V3 = [f32; 3];

/// A wall or roof polygon to be covered with sample points.
#[derive(Debug, Clone)]
pub struct SampleSurface {
    /// Index into [`Obstacles::object_ids`].
    pub object: u32,
    /// Surface id from the file, if it had one.
    pub surface_id: Option<String>,
    pub kind: SurfaceKind,
    pub normal: [f32; 3],
    pub triangles: Vec<[V3; 3]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SurfaceKind {
    Wall,
    Roof,
}

impl SurfaceKind {
    pub fn name(self) -> &'static str {
        match self {
            SurfaceKind::Wall => "wall",
            SurfaceKind::Roof => "roof",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Obstacles {
    pub origin: SceneOrigin,
    /// Every shadow-casting triangle near the area.
    pub triangles: Vec<[V3; 3]>,
    /// Per triangle: part of a building (for the building mask of the grid).
    pub is_building: Vec<bool>,
    /// Per triangle: index into `obstacle_ids` (what a sight line hit).
    pub owner: Vec<u32>,
    /// Ids of every object that became obstacles.
    pub obstacle_ids: Vec<String>,
    /// Wall and roof surfaces of buildings touching the area.
    pub surfaces: Vec<SampleSurface>,
    /// Ids of the objects surfaces point to.
    pub object_ids: Vec<String>,
    /// Points of building ground surfaces (local frame): the ground when no
    /// terrain layer is there and no building says where it meets the terrain.
    pub base_points: Vec<V3>,
    /// Where buildings meet the terrain (CityGML lodXTerrainIntersection):
    /// surveyed ground, preferred over base points. New (planned) buildings
    /// rarely carry it, so they do not move the ground between variants.
    pub terrain_points: Vec<V3>,
    /// City objects used as obstacles.
    pub object_count: usize,
}

/// Flat land cover and relief are ground, not obstacles: they lie on the
/// terrain and would only add noise to the height grid.
fn casts_shadow(o: &CityObject) -> bool {
    !matches!(
        o.type_name.as_str(),
        "Road"
            | "Railway"
            | "TransportSquare"
            | "Track"
            | "Square"
            | "WaterBody"
            | "Waterway"
            | "LandUse"
            | "PlantCover"
            | "TINRelief"
            | "ReliefFeature"
    )
}

/// Surface kind by semantics; unclassified surfaces by their normal, as
/// the display does.
fn surface_kind(semantic: Semantic, normal: [f64; 3]) -> Option<SurfaceKind> {
    match semantic {
        Semantic::Wall => Some(SurfaceKind::Wall),
        Semantic::Roof => Some(SurfaceKind::Roof),
        Semantic::Unclassified if normal[2] > 0.3 => Some(SurfaceKind::Roof),
        Semantic::Unclassified if normal[2].abs() <= 0.3 => Some(SurfaceKind::Wall),
        _ => None,
    }
}

/// Collects obstacles within `reach` (the area grown by the shadow margin)
/// and sample surfaces of buildings overlapping `area`.
pub fn collect(models: &[&CityModel], area: &Area, reach: &Area) -> Obstacles {
    collect_objects(models.iter().flat_map(|m| m.objects.iter()), area, reach)
}

/// [`collect`] over any objects: a scenario's, with its edits applied.
pub fn collect_objects<'a, O>(
    objects: impl Iterator<Item = O>,
    area: &Area,
    reach: &Area,
) -> Obstacles
where
    O: std::ops::Deref<Target = CityObject> + 'a,
{
    let origin = SceneOrigin::new([area.center()[0], area.center()[1], 0.0]);
    let mut out = Obstacles {
        origin,
        triangles: Vec::new(),
        is_building: Vec::new(),
        owner: Vec::new(),
        obstacle_ids: Vec::new(),
        surfaces: Vec::new(),
        object_ids: Vec::new(),
        base_points: Vec::new(),
        terrain_points: Vec::new(),
        object_count: 0,
    };
    let mut triangulator = Triangulator::new();
    {
        for object in objects {
            let object: &CityObject = &object;
            if !casts_shadow(object) {
                continue;
            }
            let e = object.extent();
            if e.is_empty() || !reach.overlaps(e.min[0], e.min[1], e.max[0], e.max[1]) {
                continue;
            }
            let Some(best) = object.best_lod_detail() else {
                continue;
            };
            out.object_count += 1;
            let owner = out.obstacle_ids.len() as u32;
            out.obstacle_ids.push(object.id.clone());
            let building = object.is_building();
            if building {
                out.terrain_points.extend(
                    object
                        .terrain_intersection
                        .iter()
                        .flatten()
                        .map(|p| origin.to_local(*p)),
                );
            }
            let sample = building && area.overlaps(e.min[0], e.min[1], e.max[0], e.max[1]);
            let object_index = out.object_ids.len() as u32;
            let mut used = false;
            // Flat things on the ground (draped vector polygons, road
            // ribbons, water) cast no shadow.
            let flat = |s: &&pw_city::Surface| {
                matches!(
                    s.semantic,
                    Semantic::LandUse | Semantic::Traffic | Semantic::Water
                )
            };
            for surface in object
                .surfaces
                .iter()
                .filter(|s| (s.lod, s.lod_minor) == best)
                .filter(|s| !flat(s))
            {
                let Some(t) = triangulator.triangulate(&surface.exterior, &surface.interiors)
                else {
                    continue;
                };
                let points: Vec<V3> = surface
                    .exterior
                    .iter()
                    .chain(surface.interiors.iter().flatten())
                    .map(|p| origin.to_local(*p))
                    .collect();
                let tris: Vec<[V3; 3]> = t
                    .indices
                    .chunks_exact(3)
                    .map(|c| [0, 1, 2].map(|k| points[c[k] as usize]))
                    .collect();
                out.triangles.extend_from_slice(&tris);
                out.is_building
                    .extend(std::iter::repeat_n(building, tris.len()));
                out.owner.extend(std::iter::repeat_n(owner, tris.len()));
                if building && surface.semantic == Semantic::Ground {
                    out.base_points.extend_from_slice(&points);
                }
                let kind = surface_kind(surface.semantic, t.normal);
                if let (true, Some(kind)) = (sample, kind) {
                    used = true;
                    out.surfaces.push(SampleSurface {
                        object: object_index,
                        surface_id: surface.id.clone(),
                        kind,
                        normal: t.normal.map(|v| v as f32),
                        triangles: tris,
                    });
                }
            }
            if used {
                out.object_ids.push(object.id.clone());
            }
            // Buildings without ground surfaces (LoD1 solids, glTF): their
            // lowest vertex is the base.
            let has_ground = object
                .surfaces
                .iter()
                .any(|s| s.semantic == Semantic::Ground);
            let lowest = object
                .surfaces
                .iter()
                .flat_map(|s| s.exterior.iter())
                .min_by(|a, b| a[2].total_cmp(&b[2]));
            if let (true, false, Some(low)) = (building, has_ground, lowest) {
                out.base_points.push(origin.to_local(*low));
            }
        }
    }
    out
}
