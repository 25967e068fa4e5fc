//! A tile as a small grid mesh in the scene CRS, lying on the terrain: the
//! tile's corners and inner points are carried from the grid CRS into the
//! scene CRS point by point (a Web Mercator tile is no rectangle in UTM).

use crate::grid::{TileGrid, TileId};

/// Cells per tile side: enough to follow the terrain and the curvature of
/// the projection change.
pub const CELLS: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct TileMesh {
    /// Scene CRS, (CELLS + 1)² points, rows from the north.
    pub positions: Vec<[f64; 3]>,
    pub uvs: Vec<[f32; 2]>,
    /// Two triangles per cell, counter-clockwise seen from above.
    pub indices: Vec<u32>,
}

/// The tile's mesh, `lift` metres above `ground` (scene x, y → height);
/// None when the tile cannot be carried into the scene CRS.
pub fn tile_mesh(
    grid: &TileGrid,
    tile: TileId,
    to_scene: &pw_geo::Reprojector,
    ground: &dyn Fn(f64, f64) -> f64,
    lift: f64,
) -> Option<TileMesh> {
    let [x0, y0, x1, y1] = grid.bounds(tile)?;
    let n = CELLS;
    let mut positions = Vec::with_capacity((n + 1) * (n + 1));
    let mut uvs = Vec::with_capacity((n + 1) * (n + 1));
    for j in 0..=n {
        for i in 0..=n {
            let (u, v) = (i as f64 / n as f64, j as f64 / n as f64);
            let p = to_scene
                .apply([x0 + (x1 - x0) * u, y1 - (y1 - y0) * v, 0.0])
                .ok()?;
            if !(p[0].is_finite() && p[1].is_finite()) {
                return None;
            }
            positions.push([p[0], p[1], ground(p[0], p[1]) + lift]);
            uvs.push([u as f32, v as f32]);
        }
    }
    let mut indices = Vec::with_capacity(n * n * 6);
    let at = |i: usize, j: usize| (j * (n + 1) + i) as u32;
    for j in 0..n {
        for i in 0..n {
            // Rows run south: (i, j+1) is south of (i, j).
            indices.extend([at(i, j), at(i, j + 1), at(i + 1, j + 1)]);
            indices.extend([at(i, j), at(i + 1, j + 1), at(i + 1, j)]);
        }
    }
    Some(TileMesh {
        positions,
        uvs,
        indices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mercator_tile_over_jena_lands_in_utm_on_the_ground() {
        let grid = TileGrid::web_mercator(19);
        let to_scene =
            pw_geo::Reprojector::new(pw_geo::Crs::epsg(3857), pw_geo::Crs::epsg(25832)).unwrap();
        let t = TileId {
            level: 15,
            col: 17438,
            row: 10980,
        };
        let m = tile_mesh(&grid, t, &to_scene, &|_, _| 150.0, 0.5).unwrap();
        assert_eq!(m.positions.len(), 17 * 17);
        assert_eq!(m.indices.len(), 16 * 16 * 6);
        // Jena Markt is 681 km E / 5643 km N in UTM 32; a zoom-15 tile is
        // 1.2 km wide in Mercator, about 0.77 km on the ground at 51° N.
        let nw = m.positions[0];
        let se = m.positions[17 * 17 - 1];
        assert!(
            (nw[0] - 681_000.0).abs() < 2_000.0 && (nw[1] - 5_644_000.0).abs() < 2_000.0,
            "{nw:?}"
        );
        // The north edge: Mercator metres × cos(latitude) on the ground.
        let ne = m.positions[16];
        let width = ((ne[0] - nw[0]).powi(2) + (ne[1] - nw[1]).powi(2)).sqrt();
        let lat = 50.9316f64.to_radians(); // the tile's north edge
        assert!((width - 1_222.99 * lat.cos()).abs() < 2.0, "{width}");
        // UTM grid north turns about 2° against the meridian at 11.6° E.
        let turn = ((ne[1] - nw[1]) / (ne[0] - nw[0])).atan().to_degrees();
        assert!((turn - 2.0).abs() < 0.2, "{turn}");
        assert!(nw[1] > se[1], "rows run south");
        assert_eq!(nw[2], 150.5);
        // Counter-clockwise from above: positive area of the first triangle.
        let [a, b, c] = [0, 1, 2].map(|k| m.positions[m.indices[k] as usize]);
        let cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
        assert!(cross > 0.0);
    }
}
