//! Terrain from city models (CityGML ReliefFeature / TINRelief triangles)
//! as an elevation source, and setting buildings with ground-relative
//! heights onto a terrain.

use crate::model::{CityModel, Semantic};
use crate::triangulate::Triangulator;
use pw_geo::elevation::Elevation;
use rstar::{AABB, RTree, RTreeObject};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Tri {
    p: [[f64; 3]; 3],
}

impl RTreeObject for Tri {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        let xs = self.p.map(|q| q[0]);
        let ys = self.p.map(|q| q[1]);
        AABB::from_corners(
            [
                xs.iter().copied().fold(f64::INFINITY, f64::min),
                ys.iter().copied().fold(f64::INFINITY, f64::min),
            ],
            [
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ],
        )
    }
}

/// A triangulated terrain surface in the scene CRS.
#[derive(Debug)]
pub struct TinTerrain {
    tree: RTree<Tri>,
}

impl TinTerrain {
    /// The relief objects of a model (ReliefFeature, TINRelief); `None`
    /// when it has none.
    pub fn from_model(model: &CityModel) -> Option<TinTerrain> {
        let mut triangulator = Triangulator::new();
        let mut tris = Vec::new();
        for o in model
            .objects
            .iter()
            .filter(|o| matches!(o.type_name.as_str(), "ReliefFeature" | "TINRelief"))
        {
            for s in &o.surfaces {
                let Some(t) = triangulator.triangulate(&s.exterior, &s.interiors) else {
                    continue;
                };
                let points: Vec<[f64; 3]> = s
                    .exterior
                    .iter()
                    .chain(s.interiors.iter().flatten())
                    .copied()
                    .collect();
                for c in t.indices.chunks_exact(3) {
                    tris.push(Tri {
                        p: [
                            points[c[0] as usize],
                            points[c[1] as usize],
                            points[c[2] as usize],
                        ],
                    });
                }
            }
        }
        (!tris.is_empty()).then(|| TinTerrain {
            tree: RTree::bulk_load(tris),
        })
    }

    pub fn triangle_count(&self) -> usize {
        self.tree.size()
    }
}

impl Elevation for TinTerrain {
    fn height_at(&self, x: f64, y: f64) -> Option<f64> {
        let eps = 1e-9;
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([x, y]))
            .find_map(|t| {
                let [a, b, c] = t.p;
                let det = (b[1] - c[1]) * (a[0] - c[0]) + (c[0] - b[0]) * (a[1] - c[1]);
                if det.abs() < 1e-12 {
                    return None; // vertical or degenerate in plan
                }
                let l1 = ((b[1] - c[1]) * (x - c[0]) + (c[0] - b[0]) * (y - c[1])) / det;
                let l2 = ((c[1] - a[1]) * (x - c[0]) + (a[0] - c[0]) * (y - c[1])) / det;
                let l3 = 1.0 - l1 - l2;
                (l1 >= -eps && l2 >= -eps && l3 >= -eps).then(|| l1 * a[2] + l2 * b[2] + l3 * c[2])
            })
    }
}

/// What [`place_on_terrain`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Placed {
    /// Buildings (with their parts) and other objects moved onto the terrain.
    pub placed: usize,
    /// Objects with no terrain under them; left where they were.
    pub outside: usize,
}

/// Heights relative to the ground (ground at 0) become absolute: each
/// building with its parts is lifted, as one rigid piece, by the lowest
/// terrain height under its ground surfaces (or under its lowest points
/// when it has none), so that no corner floats. Relief objects stay put.
pub fn place_on_terrain(model: &mut CityModel, terrain: &dyn Elevation) -> Placed {
    let mut report = Placed::default();
    let roots: Vec<usize> = (0..model.objects.len())
        .filter(|&i| model.objects[i].parent.is_none())
        .filter(|&i| {
            !matches!(
                model.objects[i].type_name.as_str(),
                "ReliefFeature" | "TINRelief"
            )
        })
        .collect();
    let mut family_of = vec![usize::MAX; model.objects.len()];
    for &r in &roots {
        family_of[r] = r;
    }
    for i in 0..model.objects.len() {
        let mut top = i;
        let mut guard = 0;
        while let Some(p) = model.objects[top].parent {
            top = p;
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        if family_of[top] == top {
            family_of[i] = top;
        }
    }
    for &root in &roots {
        let members: Vec<usize> = (0..model.objects.len())
            .filter(|&i| family_of[i] == root)
            .collect();
        let mut footprint: Vec<[f64; 3]> = members
            .iter()
            .flat_map(|&i| model.objects[i].surfaces.iter())
            .filter(|s| s.semantic == Semantic::Ground)
            .flat_map(|s| s.exterior.iter().copied())
            .collect();
        if footprint.is_empty() {
            let low = members
                .iter()
                .flat_map(|&i| model.objects[i].surfaces.iter())
                .flat_map(|s| s.exterior.iter())
                .map(|p| p[2])
                .fold(f64::INFINITY, f64::min);
            footprint = members
                .iter()
                .flat_map(|&i| model.objects[i].surfaces.iter())
                .flat_map(|s| s.exterior.iter().copied())
                .filter(|p| p[2] <= low + 0.01)
                .collect();
        }
        let ground = footprint
            .iter()
            .filter_map(|p| terrain.height_at(p[0], p[1]))
            .fold(f64::INFINITY, f64::min);
        if !ground.is_finite() {
            report.outside += 1;
            continue;
        }
        for &i in &members {
            let o = &mut model.objects[i];
            for s in &mut o.surfaces {
                for p in s
                    .exterior
                    .iter_mut()
                    .chain(s.interiors.iter_mut().flatten())
                {
                    p[2] += ground;
                }
            }
            for p in o.terrain_intersection.iter_mut().flatten() {
                p[2] += ground;
            }
        }
        report.placed += 1;
    }
    report
}
