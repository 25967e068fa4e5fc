//! Terrain meshes from a grid: chunks of shared-vertex triangles with
//! smooth normals in the scene's local frame, thinned evenly so that a
//! large DEM stays within a vertex budget. Cells without data leave holes.

use crate::grid::Grid;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerrainChunk {
    /// Local east/north/up metres from the scene origin.
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub indices: Vec<u32>,
    /// Small square blocks of the chunk's triangles with tight bounds, so
    /// that picking tests a few hundred triangles, not the whole chunk.
    pub blocks: Vec<TerrainBlock>,
}

/// Quads per block side.
pub const BLOCK: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct TerrainBlock {
    pub indices: std::ops::Range<u32>,
    pub min: [f32; 3],
    pub max: [f32; 3],
}

/// Grid step (in cells) that keeps the mesh under `max_vertices`.
pub fn step_for(grid: &Grid, max_vertices: usize) -> usize {
    let cells = (grid.width * grid.height).max(1) as f64;
    (cells / max_vertices.max(1) as f64).sqrt().ceil().max(1.0) as usize
}

/// Chunks of `chunk` × `chunk` sampled vertices. `to_local` maps a point of
/// the grid's CRS (x, y, height) into the scene's local frame (None when it
/// cannot be transformed).
pub fn chunks(
    grid: &Grid,
    step: usize,
    chunk: usize,
    to_local: &dyn Fn([f64; 3]) -> Option<[f32; 3]>,
) -> Vec<TerrainChunk> {
    let step = step.max(1);
    let cols: Vec<usize> = (0..grid.width).step_by(step).collect();
    let rows: Vec<usize> = (0..grid.height).step_by(step).collect();
    let mut out = Vec::new();
    let chunk = chunk.max(2);
    // Neighbouring chunks share their border row/column: no cracks.
    let mut r0 = 0;
    while r0 + 1 < rows.len() {
        let r1 = (r0 + chunk).min(rows.len() - 1);
        let mut c0 = 0;
        while c0 + 1 < cols.len() {
            let c1 = (c0 + chunk).min(cols.len() - 1);
            let mut m = TerrainChunk::default();
            let w = c1 - c0 + 1;
            let mut index = vec![u32::MAX; w * (r1 - r0 + 1)];
            for (j, &row) in rows[r0..=r1].iter().enumerate() {
                for (i, &col) in cols[c0..=c1].iter().enumerate() {
                    let Some(h) = grid.value(col, row) else {
                        continue;
                    };
                    let (x, y) = grid.cell_centre(col, row);
                    let Some(p) = to_local([x, y, h as f64]) else {
                        continue;
                    };
                    index[j * w + i] = m.positions.len() as u32;
                    m.positions.push(p);
                    m.normals.push(normal(grid, col, row, step));
                }
            }
            for bj in (0..(r1 - r0)).step_by(BLOCK) {
                for bi in (0..(c1 - c0)).step_by(BLOCK) {
                    let start = m.indices.len() as u32;
                    for j in bj..(bj + BLOCK).min(r1 - r0) {
                        for i in bi..(bi + BLOCK).min(c1 - c0) {
                            quad(&index, w, i, j, &mut m.indices);
                        }
                    }
                    let end = m.indices.len() as u32;
                    if end > start {
                        let mut min = [f32::INFINITY; 3];
                        let mut max = [f32::NEG_INFINITY; 3];
                        for &v in &m.indices[start as usize..end as usize] {
                            let p = m.positions[v as usize];
                            for a in 0..3 {
                                min[a] = min[a].min(p[a]);
                                max[a] = max[a].max(p[a]);
                            }
                        }
                        m.blocks.push(TerrainBlock {
                            indices: start..end,
                            min,
                            max,
                        });
                    }
                }
            }
            if !m.indices.is_empty() {
                out.push(m);
            }
            c0 = c1;
        }
        r0 = r1;
    }
    out
}

/// The two triangles of quad (i, j) of a vertex lattice `w` wide
/// (`u32::MAX` = no vertex: triangles touching it are left out).
pub(crate) fn quad(index: &[u32], w: usize, i: usize, j: usize, out: &mut Vec<u32>) {
    let a = index[j * w + i];
    let b = index[j * w + i + 1];
    let c = index[(j + 1) * w + i];
    let d = index[(j + 1) * w + i + 1];
    // Rows run south: (a, c, b) is counter-clockwise seen from above.
    if a != u32::MAX && b != u32::MAX && c != u32::MAX {
        out.extend([a, c, b]);
    }
    if b != u32::MAX && c != u32::MAX && d != u32::MAX {
        out.extend([b, c, d]);
    }
}

/// Normal from central differences (east, north, up).
pub(crate) fn normal(grid: &Grid, col: usize, row: usize, step: usize) -> [f32; 3] {
    let h = |c: isize, r: isize| -> Option<f64> {
        if c < 0 || r < 0 {
            return None;
        }
        grid.value(c as usize, r as usize).map(f64::from)
    };
    let (c, r, s) = (col as isize, row as isize, step as isize);
    let here = h(c, r).unwrap_or(0.0);
    let east = h(c + s, r).unwrap_or(here);
    let west = h(c - s, r).unwrap_or(here);
    let north = h(c, r - s).unwrap_or(here);
    let south = h(c, r + s).unwrap_or(here);
    let dzdx = (east - west) / (2.0 * s as f64 * grid.dx);
    let dzdy = (north - south) / (2.0 * s as f64 * grid.dy);
    let n = [-dzdx, -dzdy, 1.0];
    let len = (n[0] * n[0] + n[1] * n[1] + 1.0).sqrt();
    [
        (n[0] / len) as f32,
        (n[1] / len) as f32,
        (n[2] / len) as f32,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slope() -> Grid {
        // 5 × 4 cells of 10 m, rising 1 m per 10 m to the east.
        let values = (0..4).flat_map(|_| (0..5).map(|c| c as f32)).collect();
        Grid {
            width: 5,
            height: 4,
            x0: 0.0,
            y0: 40.0,
            dx: 10.0,
            dy: 10.0,
            values,
            crs: None,
        }
    }

    #[test]
    fn chunks_share_borders_and_cover_the_grid() {
        let g = slope();
        let id = |p: [f64; 3]| Some([p[0] as f32, p[1] as f32, p[2] as f32]);
        let all = chunks(&g, 1, 2, &id);
        // 4 × 3 quads in chunks of 2 × 2 quads: 2 × 2 chunks (edge ones smaller).
        assert_eq!(all.len(), 4);
        let triangles: usize = all.iter().map(|c| c.indices.len() / 3).sum();
        assert_eq!(triangles, 4 * 3 * 2);
        // Smooth normals lean west on an east-rising slope.
        let n = all[0].normals[0];
        assert!(n[0] < 0.0 && n[2] > 0.99, "{n:?}");
        // Blocks cover every triangle once.
        for c in &all {
            let covered: u32 = c
                .blocks
                .iter()
                .map(|b| b.indices.end - b.indices.start)
                .sum();
            assert_eq!(covered as usize, c.indices.len());
        }
        // Triangles face up.
        let c = &all[0];
        let [a, b, d] = [c.indices[0], c.indices[1], c.indices[2]].map(|i| c.positions[i as usize]);
        let cross_z = (b[0] - a[0]) * (d[1] - a[1]) - (b[1] - a[1]) * (d[0] - a[0]);
        assert!(cross_z > 0.0);
    }

    #[test]
    fn budget_thins_evenly_and_holes_stay_holes() {
        let mut g = slope();
        assert_eq!(step_for(&g, 100), 1);
        assert_eq!(step_for(&g, 5), 2);
        g.values[6] = f32::NAN; // col 1, row 1
        let id = |p: [f64; 3]| Some([p[0] as f32, p[1] as f32, p[2] as f32]);
        let triangles: usize = chunks(&g, 1, 8, &id)
            .iter()
            .map(|c| c.indices.len() / 3)
            .sum();
        assert_eq!(
            triangles,
            24 - 6,
            "the 6 triangles touching the missing vertex are left out"
        );
    }
}
