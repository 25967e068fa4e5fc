//! The height grid the ground analysis casts shadows on: terrain heights at
//! cell centres with every obstacle triangle rasterised on top (highest
//! surface wins), over the analysis area plus a margin for shadows cast
//! from outside.

use crate::area::Area;
use crate::obstacles::{Obstacles, V3};
use pw_geo::elevation::Elevation;
use rayon::prelude::*;
use rstar::{RTree, primitives::GeomWithData};

/// Where the ground heights came from (reported with the result).
#[derive(Debug, Clone, PartialEq)]
pub enum GroundSource {
    Terrain,
    /// No terrain layer: interpolated from this many building base points.
    BuildingBases(usize),
    /// No terrain layer: interpolated from this many points of the
    /// buildings' terrain intersection lines.
    TerrainIntersections(usize),
    /// Neither terrain nor buildings: flat at the scene origin's height 0.
    Flat,
}

#[derive(Debug, Clone)]
pub struct HeightModel {
    pub width: usize,
    pub height: usize,
    pub cell: f64,
    /// World coordinates of the upper-left corner.
    pub x0: f64,
    pub y0: f64,
    /// Local heights (metres above the obstacles' origin height 0).
    pub surface: Vec<f32>,
    /// The ground: the terrain, filled where it has none (see `filled`).
    pub ground: Vec<f32>,
    /// Cells whose ground is not the terrain's: interpolated from building
    /// bases, or flat.
    pub filled: Vec<bool>,
    /// Cells whose surface is a building.
    pub building: Vec<bool>,
    /// What casts shadows: the surface, except that ground interpolated
    /// from buildings (no terrain layer) is NaN — a made-up surface must not
    /// shade itself at sunrise and sunset; only real obstacles do.
    pub casters: Vec<f32>,
    /// The analysis area inside the grid: first column, first row, columns, rows.
    pub inner: [usize; 4],
    pub ground_source: GroundSource,
}

impl HeightModel {
    pub fn cell_centre(&self, col: usize, row: usize) -> [f64; 2] {
        [
            self.x0 + (col as f64 + 0.5) * self.cell,
            self.y0 - (row as f64 + 0.5) * self.cell,
        ]
    }

    /// The surface heights as a grid in world heights (for export and for
    /// other programs to compare against).
    pub fn surface_grid(&self, origin_height: f64, crs: Option<pw_geo::Crs>) -> pw_terrain::Grid {
        pw_terrain::Grid {
            width: self.width,
            height: self.height,
            x0: self.x0,
            y0: self.y0,
            dx: self.cell,
            dy: self.cell,
            values: self
                .surface
                .iter()
                .map(|v| (*v as f64 + origin_height) as f32)
                .collect(),
            crs,
        }
    }

    /// Column and row of a world point, if inside.
    pub fn cell_of(&self, x: f64, y: f64) -> Option<usize> {
        let c = ((x - self.x0) / self.cell).floor();
        let r = ((self.y0 - y) / self.cell).floor();
        (c >= 0.0 && r >= 0.0 && (c as usize) < self.width && (r as usize) < self.height)
            .then(|| r as usize * self.width + c as usize)
    }
}

/// Builds the grid. The inner area is snapped outwards to whole cells.
pub fn build(
    area: &Area,
    cell: f64,
    margin: f64,
    terrain: Option<&dyn Elevation>,
    obstacles: &Obstacles,
) -> HeightModel {
    let margin_cells = (margin / cell).ceil() as usize;
    let c0 = (area.min_x / cell).floor();
    let c1 = (area.max_x / cell).ceil();
    let r0 = (area.min_y / cell).floor();
    let r1 = (area.max_y / cell).ceil();
    let inner_w = (c1 - c0) as usize;
    let inner_h = (r1 - r0) as usize;
    let width = inner_w + 2 * margin_cells;
    let height = inner_h + 2 * margin_cells;
    let x0 = c0 * cell - margin_cells as f64 * cell;
    let y0 = r1 * cell + margin_cells as f64 * cell;
    let origin = obstacles.origin.world;
    let mut model = HeightModel {
        width,
        height,
        cell,
        x0,
        y0,
        surface: Vec::new(),
        ground: vec![f32::NAN; width * height],
        building: vec![false; width * height],
        filled: Vec::new(),
        casters: Vec::new(),
        inner: [margin_cells, margin_cells, inner_w, inner_h],
        ground_source: GroundSource::Flat,
    };
    let centre = move |i: usize| {
        [
            x0 + ((i % width) as f64 + 0.5) * cell,
            y0 - ((i / width) as f64 + 0.5) * cell,
        ]
    };
    if let Some(terrain) = terrain {
        model.ground.par_iter_mut().enumerate().for_each(|(i, g)| {
            let [x, y] = centre(i);
            *g = terrain
                .height_at(x, y)
                .map_or(f32::NAN, |h| (h - origin[2]) as f32);
        });
        model.ground_source = GroundSource::Terrain;
    }
    model.filled = model.ground.iter().map(|g| g.is_nan()).collect();
    // Where the terrain has no data (or there is none): building bases.
    if model.ground.iter().any(|g| g.is_nan()) {
        let (bases, source) = if obstacles.terrain_points.is_empty() {
            let n = obstacles.base_points.len();
            (&obstacles.base_points, GroundSource::BuildingBases(n))
        } else {
            let n = obstacles.terrain_points.len();
            (
                &obstacles.terrain_points,
                GroundSource::TerrainIntersections(n),
            )
        };
        if bases.is_empty() {
            model
                .ground
                .iter_mut()
                .filter(|g| g.is_nan())
                .for_each(|g| *g = 0.0);
        } else {
            if terrain.is_none() {
                model.ground_source = source;
            }
            let coarse = CoarseGround::new(
                bases,
                x0 - origin[0],
                y0 - origin[1],
                width as f64 * cell,
                height as f64 * cell,
            );
            model
                .ground
                .par_iter_mut()
                .enumerate()
                .filter(|(_, g)| g.is_nan())
                .for_each(|(i, g)| {
                    let [x, y] = centre(i);
                    *g = coarse.at(x - origin[0], y - origin[1]);
                });
        }
    }
    model.surface = model.ground.clone();
    let mut covered = vec![false; width * height];
    for (t, &is_building) in obstacles.triangles.iter().zip(&obstacles.is_building) {
        rasterise(&mut model, &mut covered, t, is_building, origin);
    }
    let real_ground = model.ground_source == GroundSource::Terrain;
    model.casters = model
        .surface
        .iter()
        .zip(&covered)
        .map(|(&h, &c)| if c || real_ground { h } else { f32::NAN })
        .collect();
    model
}

/// Ground heights from building base points when there is no terrain: a
/// smooth surface, so that it casts no shadows of its own. Modified Shepard
/// interpolation (weights fall to zero at the search radius, so the surface
/// has no jumps) on a 10 m lattice, bilinear in between.
struct CoarseGround {
    x0: f64,
    y0: f64,
    cols: usize,
    rows: usize,
    values: Vec<f32>,
}

const LATTICE: f64 = 10.0;
const RADIUS: f64 = 80.0;

impl CoarseGround {
    /// `x0`, `y0`: upper-left corner (local frame), `w` × `h` metres.
    fn new(bases: &[V3], x0: f64, y0: f64, w: f64, h: f64) -> CoarseGround {
        let tree = RTree::bulk_load(
            bases
                .iter()
                .map(|p| GeomWithData::new([p[0] as f64, p[1] as f64], p[2] as f64))
                .collect::<Vec<_>>(),
        );
        let cols = (w / LATTICE).ceil() as usize + 2;
        let rows = (h / LATTICE).ceil() as usize + 2;
        let values = (0..rows * cols)
            .into_par_iter()
            .map(|k| {
                let q = [
                    x0 + (k % cols) as f64 * LATTICE,
                    y0 - (k / cols) as f64 * LATTICE,
                ];
                let (mut sum, mut weights) = (0.0, 0.0);
                for p in tree.locate_within_distance(q, RADIUS * RADIUS) {
                    let d = ((p.geom()[0] - q[0]).powi(2) + (p.geom()[1] - q[1]).powi(2))
                        .sqrt()
                        .max(1e-3);
                    let w = ((RADIUS - d) / (RADIUS * d)).powi(2);
                    sum += w * p.data;
                    weights += w;
                }
                if weights > 0.0 {
                    (sum / weights) as f32
                } else {
                    // Far from every building: the nearest base height.
                    tree.nearest_neighbor(&q).map_or(0.0, |p| p.data as f32)
                }
            })
            .collect();
        CoarseGround {
            x0,
            y0,
            cols,
            rows,
            values,
        }
    }

    fn at(&self, x: f64, y: f64) -> f32 {
        let fx = ((x - self.x0) / LATTICE).clamp(0.0, (self.cols - 1) as f64);
        let fy = ((self.y0 - y) / LATTICE).clamp(0.0, (self.rows - 1) as f64);
        let (c, r) = (
            (fx as usize).min(self.cols - 2),
            (fy as usize).min(self.rows - 2),
        );
        let (tx, ty) = ((fx - c as f64) as f32, (fy - r as f64) as f32);
        let v = |c: usize, r: usize| self.values[r * self.cols + c];
        let top = v(c, r) * (1.0 - tx) + v(c + 1, r) * tx;
        let bottom = v(c, r + 1) * (1.0 - tx) + v(c + 1, r + 1) * tx;
        top * (1.0 - ty) + bottom * ty
    }
}

/// Writes the triangle's height at every cell centre it covers (highest
/// wins). Vertical walls cover no centre; they show as the roof's edge.
fn rasterise(
    model: &mut HeightModel,
    covered: &mut [bool],
    t: &[V3; 3],
    is_building: bool,
    origin: [f64; 3],
) {
    let to_grid = |p: V3| {
        (
            (p[0] as f64 + origin[0] - model.x0) / model.cell - 0.5,
            (model.y0 - (p[1] as f64 + origin[1])) / model.cell - 0.5,
        )
    };
    let [a, b, c] = [to_grid(t[0]), to_grid(t[1]), to_grid(t[2])];
    let det = (b.0 - a.0) * (c.1 - a.1) - (c.0 - a.0) * (b.1 - a.1);
    if det.abs() < 1e-9 {
        return;
    }
    let min_c = a.0.min(b.0).min(c.0).ceil().max(0.0);
    let max_c = a.0.max(b.0).max(c.0).floor().min(model.width as f64 - 1.0);
    let min_r = a.1.min(b.1).min(c.1).ceil().max(0.0);
    let max_r = a.1.max(b.1).max(c.1).floor().min(model.height as f64 - 1.0);
    if min_c > max_c || min_r > max_r {
        return;
    }
    const EPS: f64 = 1e-7;
    for r in min_r as usize..=max_r as usize {
        for col in min_c as usize..=max_c as usize {
            let (px, py) = (col as f64, r as f64);
            let w1 = ((px - a.0) * (c.1 - a.1) - (c.0 - a.0) * (py - a.1)) / det;
            let w2 = ((b.0 - a.0) * (py - a.1) - (px - a.0) * (b.1 - a.1)) / det;
            let w0 = 1.0 - w1 - w2;
            if w0 < -EPS || w1 < -EPS || w2 < -EPS {
                continue;
            }
            let z = (w0 * t[0][2] as f64 + w1 * t[1][2] as f64 + w2 * t[2][2] as f64) as f32;
            let i = r * model.width + col;
            if model.surface[i].is_nan() || model.surface[i] < z {
                model.surface[i] = z;
                model.building[i] = is_building;
                covered[i] = true;
            }
        }
    }
}
