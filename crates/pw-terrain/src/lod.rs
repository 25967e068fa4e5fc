//! Level of detail for terrain (chunked LOD): a quadtree over the grid
//! whose nodes are meshes of `tile` × `tile` quads, level `l` sampling
//! every 2^l-th cell. Each node knows its geometric error — the largest
//! height difference between its mesh and the cells it skips — and the
//! view picks, per node, the coarsest level whose error stays under a few
//! pixels on screen ([`LodTerrain::select`]): steep slopes refine, flat
//! valley floors stay coarse. Node meshes and errors are built on demand
//! ([`LodTerrain::node_mesh`], [`LodTerrain::geometric_error`]), so a
//! 16 M-cell DEM shows at once and fills in where the camera looks.
//!
//! Neighbouring nodes of different levels meet with small height
//! differences along their shared edge (a coarse edge interpolates what
//! the fine one samples). Every node edge that is not the grid's border
//! hangs a vertical skirt deep enough to close the widest such gap with
//! any coarser neighbour it can have: for each coarser level whose node
//! boundaries run along this edge, the largest difference between that
//! level's interpolation and the cells on the edge. No cracks, no
//! stitching between levels, and the skirts stay small on gentle ground.

use crate::grid::Grid;
use crate::mesh::{TerrainChunk, normal, quad};
use std::sync::Arc;

/// Maps a point of the grid's CRS (x, y, height) into the scene's local
/// frame (east, north, up metres from the origin); `None` when it cannot.
pub type ToLocal = dyn Fn([f64; 3]) -> Option<[f32; 3]> + Send + Sync;

/// A node of the quadtree: level 0 is full resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub x: u32,
    pub y: u32,
}

/// Axis-aligned box in the local frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: [f32; 3],
    pub max: [f32; 3],
}

impl Bounds {
    /// Distance from a point to the box (0 inside).
    pub fn distance(&self, p: [f32; 3]) -> f32 {
        (0..3)
            .map(|a| {
                (self.min[a] - p[a])
                    .max(p[a] - self.max[a])
                    .max(0.0)
                    .powi(2)
            })
            .sum::<f32>()
            .sqrt()
    }

    /// Whether the box is at least partly on the inner side of every plane
    /// (`n · p + d ≥ 0`).
    pub fn in_frustum(&self, planes: &[[f32; 4]]) -> bool {
        planes.iter().all(|pl| {
            let corner: [f32; 3] = std::array::from_fn(|a| {
                if pl[a] >= 0.0 {
                    self.max[a]
                } else {
                    self.min[a]
                }
            });
            pl[0] * corner[0] + pl[1] * corner[1] + pl[2] * corner[2] + pl[3] >= 0.0
        })
    }
}

/// One side of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    North,
    South,
    West,
    East,
}

/// Where the camera is and how fine the terrain must be.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// Eye in the local frame.
    pub eye: [f32; 3],
    /// Pixels per radian at the screen centre: viewport height / (2·tan(fov/2)).
    pub focal_px: f32,
    /// Largest geometric error on screen before a node splits, in pixels.
    pub max_px: f32,
    /// Largest quad edge on screen, in pixels, whatever the error: keeps
    /// flat ground fine enough for shading and shadows near the camera.
    pub max_quad_px: f32,
    /// Frustum planes in the local frame (inner side positive); nodes
    /// outside are not refined. Empty: no culling.
    pub frustum: Vec<[f32; 4]>,
}

/// What to draw now and which node meshes to build next (most urgent
/// first: coarse before fine, near before far).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub draw: Vec<NodeId>,
    pub wanted: Vec<NodeId>,
}

struct Level {
    nx: usize,
    ny: usize,
    /// Per node (row-major): lowest and highest height with data.
    heights: Vec<Option<(f32, f32)>>,
    bounds: Vec<Option<Bounds>>,
}

/// The quadtree over one grid.
pub struct LodTerrain {
    grid: Arc<Grid>,
    to_local: Box<ToLocal>,
    tile: usize,
    levels: Vec<Level>,
    /// Local metres per cell (the larger of east and north).
    metres_per_cell: f32,
}

impl std::fmt::Debug for LodTerrain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LodTerrain")
            .field("grid", &(self.grid.width, self.grid.height))
            .field("tile", &self.tile)
            .field("levels", &self.levels.len())
            .finish()
    }
}

impl LodTerrain {
    /// Builds the tree (heights per node, bounds in the local frame). A grid
    /// needs at least 2 × 2 cells; `tile` is rounded up to a power of two.
    pub fn new(grid: Arc<Grid>, tile: usize, to_local: Box<ToLocal>) -> Option<LodTerrain> {
        if grid.width < 2 || grid.height < 2 {
            return None;
        }
        let tile = tile.max(2).next_power_of_two();
        let (w, h) = (grid.width, grid.height);
        let mut levels: Vec<Level> = Vec::new();
        loop {
            let l = levels.len();
            let size = tile << l;
            let nx = (w - 1).div_ceil(size).max(1);
            let ny = (h - 1).div_ceil(size).max(1);
            let heights = if l == 0 {
                let mut out = Vec::with_capacity(nx * ny);
                for y in 0..ny {
                    for x in 0..nx {
                        let (c0, c1) = (x * size, ((x + 1) * size).min(w - 1));
                        let (r0, r1) = (y * size, ((y + 1) * size).min(h - 1));
                        let mut range: Option<(f32, f32)> = None;
                        for r in r0..=r1 {
                            for v in &grid.values[r * w + c0..=r * w + c1] {
                                if v.is_finite() {
                                    range = Some(match range {
                                        None => (*v, *v),
                                        Some((lo, hi)) => (lo.min(*v), hi.max(*v)),
                                    });
                                }
                            }
                        }
                        out.push(range);
                    }
                }
                out
            } else {
                let below = &levels[l - 1];
                let mut out = vec![None; nx * ny];
                for cy in 0..below.ny {
                    for cx in 0..below.nx {
                        if let Some((lo, hi)) = below.heights[cy * below.nx + cx] {
                            let slot = &mut out[(cy / 2) * nx + cx / 2];
                            *slot = Some(match *slot {
                                None => (lo, hi),
                                Some((a, b)) => (lo.min(a), hi.max(b)),
                            });
                        }
                    }
                }
                out
            };
            levels.push(Level {
                nx,
                ny,
                heights,
                bounds: Vec::new(),
            });
            if nx == 1 && ny == 1 {
                break;
            }
        }
        let (ax, ay) = grid.cell_centre(0, 0);
        let (bx, by) = grid.cell_centre(w - 1, h - 1);
        let a = to_local([ax, ay, 0.0])?;
        let b = to_local([bx, ay, 0.0])?;
        let c = to_local([ax, by, 0.0])?;
        let metres_per_cell = (dist2(a, b).sqrt() / (w - 1) as f32)
            .max(dist2(a, c).sqrt() / (h - 1) as f32)
            .max(1e-6);
        let mut lod = LodTerrain {
            grid,
            to_local,
            tile,
            levels,
            metres_per_cell,
        };
        for l in 0..lod.levels.len() {
            let level = &lod.levels[l];
            let bounds = (0..level.nx * level.ny)
                .map(|i| {
                    let id = NodeId {
                        level: l as u8,
                        x: (i % level.nx) as u32,
                        y: (i / level.nx) as u32,
                    };
                    level.heights[i].and_then(|(lo, hi)| lod.local_bounds(id, lo, hi))
                })
                .collect();
            lod.levels[l].bounds = bounds;
        }
        Some(lod)
    }

    pub fn grid(&self) -> &Arc<Grid> {
        &self.grid
    }

    pub fn levels(&self) -> usize {
        self.levels.len()
    }

    /// Quads per node side.
    pub fn tile(&self) -> usize {
        self.tile
    }

    /// Cells between samples of a node.
    pub fn step(&self, n: NodeId) -> usize {
        1 << n.level
    }

    /// Cell columns and rows a node spans: (first col, last col, first row, last row).
    pub fn span(&self, n: NodeId) -> (usize, usize, usize, usize) {
        let size = self.tile << n.level;
        let (x, y) = (n.x as usize, n.y as usize);
        (
            x * size,
            ((x + 1) * size).min(self.grid.width - 1),
            y * size,
            ((y + 1) * size).min(self.grid.height - 1),
        )
    }

    /// The local box of a node, `None` when it has no data.
    pub fn bounds(&self, n: NodeId) -> Option<Bounds> {
        let level = self.levels.get(n.level as usize)?;
        let (x, y) = (n.x as usize, n.y as usize);
        if x >= level.nx || y >= level.ny {
            return None;
        }
        level.bounds[y * level.nx + x]
    }

    /// The single top node.
    pub fn root(&self) -> NodeId {
        NodeId {
            level: (self.levels.len() - 1) as u8,
            x: 0,
            y: 0,
        }
    }

    /// Children with data.
    pub fn children(&self, n: NodeId) -> Vec<NodeId> {
        if n.level == 0 {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(4);
        for dy in 0..2 {
            for dx in 0..2 {
                let c = NodeId {
                    level: n.level - 1,
                    x: n.x * 2 + dx,
                    y: n.y * 2 + dy,
                };
                if self.bounds(c).is_some() {
                    out.push(c);
                }
            }
        }
        out
    }

    /// Size of a node's quads on screen, in pixels, seen from `view`.
    pub fn quad_pixels(&self, n: NodeId, view: &View) -> f32 {
        let Some(b) = self.bounds(n) else { return 0.0 };
        let quad = self.metres_per_cell * self.step(n) as f32;
        quad * view.focal_px / b.distance(view.eye).max(1e-3)
    }

    /// A node's geometric error on screen, in pixels.
    pub fn error_pixels(&self, n: NodeId, error: f32, view: &View) -> f32 {
        let Some(b) = self.bounds(n) else { return 0.0 };
        error * view.focal_px / b.distance(view.eye).max(1e-3)
    }

    /// The largest height difference between a node's mesh and the cells
    /// it covers (0 at full resolution), in height units. Scans every cell
    /// of the node: run it where the mesh is built, off the frame.
    pub fn geometric_error(&self, n: NodeId) -> f32 {
        if n.level == 0 {
            return 0.0;
        }
        let g = &self.grid;
        let step = self.step(n);
        let (c0, c1, r0, r1) = self.span(n);
        let mut worst = 0.0f32;
        let mut ra = r0;
        while ra < r1 {
            let rb = (ra + step).min(r1);
            let mut ca = c0;
            while ca < c1 {
                let cb = (ca + step).min(c1);
                // The quad's corners as the mesh has them: a b on top, c d
                // below, split along b–c.
                if let (Some(ha), Some(hb), Some(hc), Some(hd)) = (
                    g.value(ca, ra),
                    g.value(cb, ra),
                    g.value(ca, rb),
                    g.value(cb, rb),
                ) {
                    let (w, h) = ((cb - ca) as f32, (rb - ra) as f32);
                    for r in ra..=rb {
                        let v = (r - ra) as f32 / h;
                        let row = &g.values[r * g.width..];
                        for (c, cell) in row.iter().enumerate().take(cb + 1).skip(ca) {
                            if !cell.is_finite() {
                                continue;
                            }
                            let u = (c - ca) as f32 / w;
                            let mesh = if u + v <= 1.0 {
                                ha + u * (hb - ha) + v * (hc - ha)
                            } else {
                                hd + (1.0 - u) * (hc - hd) + (1.0 - v) * (hb - hd)
                            };
                            worst = worst.max((cell - mesh).abs());
                        }
                    }
                }
                ca = cb;
            }
            ra = rb;
        }
        worst
    }

    /// The nodes to draw for a view: the coarsest whose error stays under
    /// `max_px` and quads under `max_quad_px` (outside the frustum: the
    /// coarsest ready). `ready` gives the geometric error of nodes whose
    /// mesh is built; a node is replaced by its children only once all of
    /// them are ready, so the surface never has holes while meshes are built.
    pub fn select(&self, view: &View, ready: &dyn Fn(NodeId) -> Option<f32>) -> Selection {
        let mut sel = Selection::default();
        self.visit(self.root(), view, ready, &mut sel);
        let key = |n: &NodeId| {
            let d = self.bounds(*n).map_or(f32::MAX, |b| b.distance(view.eye));
            (std::cmp::Reverse(n.level), d.to_bits())
        };
        sel.wanted.sort_by_key(key);
        sel.wanted.dedup();
        sel
    }

    fn visit(
        &self,
        n: NodeId,
        view: &View,
        ready: &dyn Fn(NodeId) -> Option<f32>,
        sel: &mut Selection,
    ) {
        let Some(b) = self.bounds(n) else { return };
        let Some(error) = ready(n) else {
            sel.wanted.push(n);
            return;
        };
        let seen = view.frustum.is_empty() || b.in_frustum(&view.frustum);
        if n.level > 0
            && seen
            && (self.error_pixels(n, error, view) > view.max_px
                || self.quad_pixels(n, view) > view.max_quad_px)
        {
            let kids = self.children(n);
            let missing: Vec<NodeId> = kids
                .iter()
                .copied()
                .filter(|k| ready(*k).is_none())
                .collect();
            if missing.is_empty() {
                for k in kids {
                    self.visit(k, view, ready, sel);
                }
                return;
            }
            sel.wanted.extend(missing);
        }
        sel.draw.push(n);
    }

    /// Depth of the skirt under one edge of a node (`None` on the grid's
    /// border, where there is no neighbour): the widest gap between the
    /// cells on the edge and the interpolation of this or any coarser level
    /// whose node boundaries run along it, plus a quarter metre.
    pub fn skirt_depth(&self, n: NodeId, edge: Edge) -> Option<f32> {
        let (c0, c1, r0, r1) = self.span(n);
        let g = &self.grid;
        let (line, from, to, horizontal) = match edge {
            Edge::North if r0 > 0 => (r0, c0, c1, true),
            Edge::South if r1 < g.height - 1 => (r1, c0, c1, true),
            Edge::West if c0 > 0 => (c0, r0, r1, false),
            Edge::East if c1 < g.width - 1 => (c1, r0, r1, false),
            _ => return None,
        };
        let value = |i: usize| {
            if horizontal {
                g.value(i, line)
            } else {
                g.value(line, i)
            }
        };
        let last = if horizontal {
            g.width - 1
        } else {
            g.height - 1
        };
        let mut depth = 0.0f32;
        for l in n.level as usize..self.levels.len() {
            if line % (self.tile << l) != 0 {
                break; // not a node boundary at this level, nor at coarser ones
            }
            let step = 1usize << l;
            for i in from..=to {
                let a = i / step * step;
                let b = (a + step).min(last);
                if a == i || b <= a {
                    continue;
                }
                if let (Some(h), Some(ha), Some(hb)) = (value(i), value(a), value(b)) {
                    let t = (i - a) as f32 / (b - a) as f32;
                    depth = depth.max((h - (ha + (hb - ha) * t)).abs());
                }
            }
        }
        Some(depth + 0.25)
    }

    /// The mesh of one node in the local frame, with skirts.
    pub fn node_mesh(&self, n: NodeId) -> TerrainChunk {
        let g = &self.grid;
        let step = self.step(n);
        let (c0, c1, r0, r1) = self.span(n);
        let samples = |a: usize, b: usize| -> Vec<usize> {
            let mut v: Vec<usize> = (a..b).step_by(step).collect();
            v.push(b);
            v
        };
        let cols = samples(c0, c1);
        let rows = samples(r0, r1);
        let w = cols.len();
        let mut m = TerrainChunk::default();
        let mut index = vec![u32::MAX; w * rows.len()];
        for (j, &row) in rows.iter().enumerate() {
            for (i, &col) in cols.iter().enumerate() {
                let Some(h) = g.value(col, row) else { continue };
                let (x, y) = g.cell_centre(col, row);
                let Some(p) = (self.to_local)([x, y, h as f64]) else {
                    continue;
                };
                index[j * w + i] = m.positions.len() as u32;
                m.positions.push(p);
                m.normals.push(normal(g, col, row, step));
            }
        }
        for j in 0..rows.len() - 1 {
            for i in 0..w - 1 {
                quad(&index, w, i, j, &mut m.indices);
            }
        }
        let h = rows.len();
        for edge in [Edge::North, Edge::South, Edge::West, Edge::East] {
            let Some(depth) = self.skirt_depth(n, edge) else {
                continue;
            };
            let (ring, lines): (Vec<u32>, Vec<(usize, usize)>) = match edge {
                Edge::North => (index[..w].to_vec(), cols.iter().map(|&c| (c, r0)).collect()),
                Edge::South => (
                    index[(h - 1) * w..].to_vec(),
                    cols.iter().map(|&c| (c, r1)).collect(),
                ),
                Edge::West => (
                    (0..h).map(|j| index[j * w]).collect(),
                    rows.iter().map(|&r| (c0, r)).collect(),
                ),
                Edge::East => (
                    (0..h).map(|j| index[j * w + w - 1]).collect(),
                    rows.iter().map(|&r| (c1, r)).collect(),
                ),
            };
            let mut lowered = vec![u32::MAX; ring.len()];
            for (k, (&top, &(col, row))) in ring.iter().zip(&lines).enumerate() {
                if top == u32::MAX {
                    continue;
                }
                let hgt = g.value(col, row).unwrap_or(0.0) - depth;
                let (x, y) = g.cell_centre(col, row);
                if let Some(p) = (self.to_local)([x, y, hgt as f64]) {
                    lowered[k] = m.positions.len() as u32;
                    m.positions.push(p);
                    m.normals.push(m.normals[top as usize]);
                }
            }
            for k in 0..ring.len() - 1 {
                let (a, b, a2, b2) = (ring[k], ring[k + 1], lowered[k], lowered[k + 1]);
                if [a, b, a2, b2].contains(&u32::MAX) {
                    continue;
                }
                m.indices.extend([a, b, b2, a, b2, a2]);
            }
        }
        m
    }

    fn local_bounds(&self, n: NodeId, lo: f32, hi: f32) -> Option<Bounds> {
        let (c0, c1, r0, r1) = self.span(n);
        let (x0, y0) = self.grid.cell_centre(c0, r0);
        let (x1, y1) = self.grid.cell_centre(c1, r1);
        let mut min = [f32::INFINITY; 3];
        let mut max = [f32::NEG_INFINITY; 3];
        for x in [x0, x1] {
            for y in [y0, y1] {
                for z in [lo, hi] {
                    let p = (self.to_local)([x, y, z as f64])?;
                    for a in 0..3 {
                        min[a] = min[a].min(p[a]);
                        max[a] = max[a].max(p[a]);
                    }
                }
            }
        }
        // Edges bow slightly when the grid is in another CRS; and the
        // skirts hang below the lowest cell.
        let pad = 0.005 * (max[0] - min[0]).max(max[1] - min[1]);
        for a in 0..2 {
            min[a] -= pad;
            max[a] += pad;
        }
        min[2] -= pad + (hi - lo);
        Some(Bounds { min, max })
    }
}

fn dist2(a: [f32; 3], b: [f32; 3]) -> f32 {
    (0..3).map(|i| (a[i] - b[i]).powi(2)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 41 × 33 cells of 10 m with a ridge: heights vary at every scale.
    fn hills() -> Grid {
        let (w, h) = (41, 33);
        let values = (0..h)
            .flat_map(|r| {
                (0..w).map(move |c| {
                    let (x, y) = (c as f32, r as f32);
                    100.0 + 20.0 * (x * 0.37).sin() * (y * 0.21).cos() + 3.0 * ((x + y) * 1.7).sin()
                })
            })
            .collect();
        Grid {
            width: w,
            height: h,
            x0: 0.0,
            y0: 330.0,
            dx: 10.0,
            dy: 10.0,
            values,
            crs: None,
        }
    }

    /// Low over the grid's north-west corner, a 1000 px tall view at 60°,
    /// quads up to 100 px (the error alone would never split).
    fn low_over_the_north_west() -> View {
        View {
            eye: [5.0, 325.0, 130.0],
            focal_px: 866.0,
            max_px: f32::INFINITY,
            max_quad_px: 100.0,
            frustum: Vec::new(),
        }
    }

    fn identity() -> Box<ToLocal> {
        Box::new(|p: [f64; 3]| Some([p[0] as f32, p[1] as f32, p[2] as f32]))
    }

    #[test]
    fn the_tree_covers_the_grid_and_knows_its_heights() {
        let g = Arc::new(hills());
        let lod = LodTerrain::new(g.clone(), 8, identity()).unwrap();
        // 40 × 32 quads in tiles of 8: 5 × 4, 3 × 2, 2 × 1, 1 × 1.
        assert_eq!(lod.levels(), 4);
        let root = lod.root();
        assert_eq!(lod.span(root), (0, 40, 0, 32));
        let (lo, hi, _) = g.stats();
        let b = lod.bounds(root).unwrap();
        assert!((b.max[2] - hi).abs() < 1e-4);
        assert!(b.min[2] < lo, "skirts hang below the lowest cell");
        // Leaves at the east edge are narrower: cols 32…40.
        assert_eq!(
            lod.span(NodeId {
                level: 0,
                x: 4,
                y: 3
            }),
            (32, 40, 24, 32)
        );
        assert!(lod.children(root).len() == 2);
    }

    #[test]
    fn near_nodes_are_fine_far_ones_coarse_and_all_cover_the_grid_once() {
        let g = Arc::new(hills());
        let lod = LodTerrain::new(g.clone(), 4, identity()).unwrap();
        let view = low_over_the_north_west();
        // Nothing is ready: only the root is wanted.
        let first = lod.select(&view, &|_| None);
        assert!(first.draw.is_empty());
        assert_eq!(first.wanted[0], lod.root(), "coarse first");
        // Everything ready: the full selection.
        let sel = lod.select(&view, &|n| Some(lod.geometric_error(n)));
        let near = sel
            .draw
            .iter()
            .find(|n| lod.span(**n).0 == 0 && lod.span(**n).2 == 0)
            .unwrap();
        let far = sel
            .draw
            .iter()
            .find(|n| lod.span(**n).1 == 40 && lod.span(**n).3 == 32)
            .unwrap();
        assert_eq!(near.level, 0);
        assert!(far.level >= 2, "{far:?}");
        // Every quad of the grid is covered by exactly one drawn node.
        let mut covered = vec![0u8; 40 * 32];
        for n in &sel.draw {
            let (c0, c1, r0, r1) = lod.span(*n);
            for r in r0..r1 {
                for c in c0..c1 {
                    covered[r * 40 + c] += 1;
                }
            }
        }
        assert!(covered.iter().all(|&k| k == 1));
        // A node is replaced by its children only when all are ready.
        let parent_only = lod.select(&view, &|n| (n.level >= 2).then_some(0.0));
        assert!(parent_only.draw.iter().all(|n| n.level >= 2));
        assert!(parent_only.wanted.iter().all(|n| n.level == 1));
    }

    /// Checks every shared edge between drawn nodes of different levels:
    /// the higher edge's skirt reaches below the lower edge. Returns the
    /// number of such pairs and the widest gap.
    fn assert_no_cracks(lod: &LodTerrain, sel: &Selection) -> (usize, f32) {
        let g = lod.grid().clone();
        let interp = |n: NodeId, horizontal: bool, line: usize, i: usize| -> Option<f32> {
            let step = lod.step(n);
            let last = if horizontal {
                g.width - 1
            } else {
                g.height - 1
            };
            let v = |k| {
                if horizontal {
                    g.value(k, line)
                } else {
                    g.value(line, k)
                }
            };
            let a = i / step * step;
            let b = (a + step).min(last);
            if a == i {
                return v(i);
            }
            Some(v(a)? + (v(b)? - v(a)?) * (i - a) as f32 / (b - a) as f32)
        };
        let mut pairs = 0;
        let mut widest: f32 = 0.0;
        for &a in &sel.draw {
            for &b in &sel.draw {
                let (ac0, ac1, ar0, ar1) = lod.span(a);
                let (bc0, bc1, br0, br1) = lod.span(b);
                // b directly south of a, or east of a, sharing part of an edge.
                let (edge_a, edge_b, horizontal, line, lo, hi) =
                    if ar1 == br0 && ac0.max(bc0) < ac1.min(bc1) {
                        (
                            Edge::South,
                            Edge::North,
                            true,
                            ar1,
                            ac0.max(bc0),
                            ac1.min(bc1),
                        )
                    } else if ac1 == bc0 && ar0.max(br0) < ar1.min(br1) {
                        (
                            Edge::East,
                            Edge::West,
                            false,
                            ac1,
                            ar0.max(br0),
                            ar1.min(br1),
                        )
                    } else {
                        continue;
                    };
                if a.level == b.level {
                    continue;
                }
                pairs += 1;
                let (da, db) = (
                    lod.skirt_depth(a, edge_a).unwrap(),
                    lod.skirt_depth(b, edge_b).unwrap(),
                );
                for i in lo..=hi {
                    let (Some(ha), Some(hb)) = (
                        interp(a, horizontal, line, i),
                        interp(b, horizontal, line, i),
                    ) else {
                        continue; // next to a hole: open anyway
                    };
                    let gap = (ha - hb).abs();
                    widest = widest.max(gap);
                    let skirt = if ha > hb { da } else { db };
                    assert!(skirt >= gap, "{a:?} {b:?} at {i}: gap {gap} skirt {skirt}");
                }
            }
        }
        (pairs, widest)
    }

    #[test]
    fn skirts_close_every_gap_between_levels() {
        let g = Arc::new(hills());
        let lod = LodTerrain::new(g.clone(), 4, identity()).unwrap();
        let view = low_over_the_north_west();
        let sel = lod.select(&view, &|n| Some(lod.geometric_error(n)));
        let (pairs, widest) = assert_no_cracks(&lod, &sel);
        assert!(pairs > 3, "the view mixes levels: {:?}", sel.draw);
        assert!(widest > 1.0, "the test terrain has real gaps ({widest})");
        // The grid's border has no skirt.
        assert_eq!(lod.skirt_depth(lod.root(), Edge::North), None);
    }

    #[test]
    fn no_cracks_over_the_real_vinschgau_valley() {
        // 252 × 194 cells of 250 m, 388…3863 m, 445 cells without data.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/dem/vinschgau/elev_vinschgau.tif");
        let (grid, _) = crate::geotiff::read_file(&path).unwrap();
        let origin = [629_750.0, 5_168_750.0, 1000.0];
        let to_local: Box<ToLocal> = Box::new(move |p: [f64; 3]| {
            Some([
                (p[0] - origin[0]) as f32,
                (p[1] - origin[1]) as f32,
                (p[2] - origin[2]) as f32,
            ])
        });
        let lod = LodTerrain::new(Arc::new(grid), 16, to_local).unwrap();
        assert_eq!(lod.levels(), 5, "16, 32, 64, 128, 256 cells per node side");
        let mut total_pairs = 0;
        let mut widest: f32 = 0.0;
        // Three eyes: low over the valley floor, on a slope, high above.
        for eye in [
            [0.0, 0.0, -100.0],
            [-20_000.0, 15_000.0, 2500.0],
            [0.0, 0.0, 40_000.0],
        ] {
            let view = View {
                eye,
                focal_px: 866.0,
                max_px: 2.0,
                max_quad_px: f32::INFINITY,
                frustum: Vec::new(),
            };
            let sel = lod.select(&view, &|n| Some(lod.geometric_error(n)));
            let (pairs, w) = assert_no_cracks(&lod, &sel);
            total_pairs += pairs;
            widest = widest.max(w);
        }
        assert!(total_pairs > 20, "{total_pairs}");
        // Alpine relief: coarse edges miss the cells they skip by many metres.
        assert!(widest > 50.0, "{widest}");
    }

    #[test]
    fn node_meshes_sample_every_step_and_hang_skirts_inside_only() {
        let g = Arc::new(hills());
        let lod = LodTerrain::new(g.clone(), 4, identity()).unwrap();
        let n = NodeId {
            level: 1,
            x: 1,
            y: 1,
        };
        assert_eq!(lod.span(n), (8, 16, 8, 16));
        let m = lod.node_mesh(n);
        // 5 × 5 surface vertices + 4 skirts of 5, 4 × 4 × 2 + 4 × 4 × 2 triangles.
        assert_eq!(m.positions.len(), 25 + 20);
        assert_eq!(m.indices.len() / 3, 32 + 32);
        // The first vertex is cell (8, 8) at full height.
        let (x, y) = g.cell_centre(8, 8);
        assert_eq!(m.positions[0], [x as f32, y as f32, g.value(8, 8).unwrap()]);
        // The corner node at the grid's north-west has two skirts only.
        let corner = lod.node_mesh(NodeId {
            level: 0,
            x: 0,
            y: 0,
        });
        assert_eq!(corner.positions.len(), 25 + 10);
        // Holes stay holes.
        let mut holey = hills();
        holey.values[9 * 41 + 9] = f32::NAN;
        let lod = LodTerrain::new(Arc::new(holey), 4, identity()).unwrap();
        let m = lod.node_mesh(NodeId {
            level: 0,
            x: 2,
            y: 2,
        });
        assert_eq!(m.indices.len() / 3, 32 - 6 + 32);
    }

    #[test]
    fn frustum_keeps_unseen_nodes_coarse() {
        let g = Arc::new(hills());
        let lod = LodTerrain::new(g, 4, identity()).unwrap();
        let mut view = low_over_the_north_west();
        let all = lod
            .select(&view, &|n| Some(lod.geometric_error(n)))
            .draw
            .len();
        // Looking west, off the grid: nothing in view is refined.
        view.frustum = vec![[-1.0, 0.0, 0.0, 0.0]];
        let culled = lod.select(&view, &|n| Some(lod.geometric_error(n)));
        assert_eq!(culled.draw, vec![lod.root()]);
        assert!(all > 10);
    }

    #[test]
    fn geometric_error_keeps_flat_ground_coarse_and_refines_a_bump() {
        // A tilted plane: every level interpolates it exactly.
        let mut g = hills();
        for r in 0..g.height {
            for c in 0..g.width {
                g.values[r * g.width + c] = 5.0 + 0.3 * c as f32 + 0.2 * r as f32;
            }
        }
        let plane = LodTerrain::new(Arc::new(g.clone()), 4, identity()).unwrap();
        for l in 0..plane.levels() {
            let n = NodeId {
                level: l as u8,
                x: 0,
                y: 0,
            };
            assert!(plane.geometric_error(n) < 1e-3, "{n:?}");
        }
        // One cell 10 m up, off every coarse sample (col 13, row 9).
        g.values[9 * 41 + 13] += 10.0;
        let bump = LodTerrain::new(Arc::new(g), 4, identity()).unwrap();
        let error = |n| bump.geometric_error(n);
        let holding = |l: u8| NodeId {
            level: l,
            x: (13 / (4 << l)) as u32,
            y: (9 / (4 << l)) as u32,
        };
        for l in 1..bump.levels() as u8 {
            assert!((error(holding(l)) - 10.0).abs() < 1e-3, "level {l}");
        }
        let elsewhere = NodeId {
            level: 1,
            x: 4,
            y: 3,
        };
        assert!(error(elsewhere) < 1e-3);
        // From above the middle, errors of 10 m must stay under 2 px:
        // only the nodes around the bump refine, all the way down.
        let view = View {
            eye: [200.0, 165.0, 600.0],
            focal_px: 866.0,
            max_px: 2.0,
            max_quad_px: f32::INFINITY,
            frustum: Vec::new(),
        };
        let sel = bump.select(&view, &|n| Some(bump.geometric_error(n)));
        // Full resolution: the bump's node and its three siblings only.
        let fine: Vec<NodeId> = sel.draw.iter().filter(|n| n.level == 0).copied().collect();
        let mut siblings = bump.children(holding(1));
        siblings.sort();
        let mut fine_sorted = fine.clone();
        fine_sorted.sort();
        assert_eq!(fine_sorted, siblings, "{:?}", sel.draw);
        assert!(fine.contains(&holding(0)));
        assert!(sel.draw.iter().any(|n| n.level >= 2), "{:?}", sel.draw);
    }
}
