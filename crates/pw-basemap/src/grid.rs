//! Tile grids: a CRS, a top-left origin and levels of square tiles (OGC
//! WMTS TileMatrixSet). XYZ is the Web Mercator grid; WMS gets a grid in the
//! scene CRS; WMTS brings its own.

/// Metres per pixel at scale 1 : 1 for the OGC standard pixel (0.28 mm).
pub const OGC_PIXEL: f64 = 0.000_28;
/// Half the Web Mercator world width (EPSG:3857), metres.
pub const MERCATOR_HALF: f64 = 20_037_508.342_789_244;

#[derive(Debug, Clone, PartialEq)]
pub struct TileMatrix {
    /// Identifier used in requests ("12", "EPSG:25832:5" …).
    pub id: String,
    /// Ground size of one pixel in CRS units.
    pub resolution: f64,
    /// Top-left corner (x, y) of tile (0, 0).
    pub top_left: [f64; 2],
    pub tile_width: u32,
    pub tile_height: u32,
    pub matrix_width: u64,
    pub matrix_height: u64,
}

impl TileMatrix {
    pub fn tile_size(&self) -> [f64; 2] {
        [
            self.resolution * self.tile_width as f64,
            self.resolution * self.tile_height as f64,
        ]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TileGrid {
    pub crs: pw_geo::Crs,
    /// Coarse to fine.
    pub levels: Vec<TileMatrix>,
}

/// A tile: level index into the grid, column, row (rows from the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub level: u8,
    pub col: u64,
    pub row: u64,
}

impl TileGrid {
    /// The XYZ (OSM, "Google") grid: zoom 0 is one 256 px tile of the world.
    pub fn web_mercator(max_zoom: u8) -> TileGrid {
        TileGrid {
            crs: pw_geo::Crs::epsg(3857),
            levels: (0..=max_zoom.min(24))
                .map(|z| TileMatrix {
                    id: z.to_string(),
                    resolution: 2.0 * MERCATOR_HALF / 256.0 / (1u64 << z) as f64,
                    top_left: [-MERCATOR_HALF, MERCATOR_HALF],
                    tile_width: 256,
                    tile_height: 256,
                    matrix_width: 1 << z,
                    matrix_height: 1 << z,
                })
                .collect(),
        }
    }

    /// A grid of 256 px tiles in a projected CRS for WMS: resolutions halve
    /// from 4096 m/px to about 6 cm, anchored at a round origin so the
    /// same view asks the same boxes again (and hits the cache).
    pub fn for_wms(crs: pw_geo::Crs) -> TileGrid {
        let origin = if crs.is_geographic() {
            [-180.0, 90.0]
        } else {
            [-1_000_000.0, 10_000_000.0]
        };
        let top = if crs.is_geographic() {
            360.0 / 256.0
        } else {
            4096.0
        };
        TileGrid {
            crs,
            levels: (0..17)
                .map(|l| {
                    let resolution = top / (1u64 << l) as f64;
                    let n = (2.0 * 10_000_000.0 / (resolution * 256.0)).ceil() as u64;
                    TileMatrix {
                        id: l.to_string(),
                        resolution,
                        top_left: origin,
                        tile_width: 256,
                        tile_height: 256,
                        matrix_width: n,
                        matrix_height: n,
                    }
                })
                .collect(),
        }
    }

    /// Bounds (min x, min y, max x, max y) of a tile in the grid CRS.
    pub fn bounds(&self, t: TileId) -> Option<[f64; 4]> {
        let m = self.levels.get(t.level as usize)?;
        let [w, h] = m.tile_size();
        let x0 = m.top_left[0] + t.col as f64 * w;
        let y1 = m.top_left[1] - t.row as f64 * h;
        Some([x0, y1 - h, x0 + w, y1])
    }

    /// The finest level whose pixels are no smaller than `resolution`
    /// (ground units per screen pixel): screen and tile pixels about match.
    pub fn level_for(&self, resolution: f64) -> u8 {
        let mut best = 0;
        for (i, m) in self.levels.iter().enumerate() {
            if m.resolution >= resolution * 0.75 {
                best = i;
            }
        }
        best as u8
    }

    /// Tiles of `level` covering the box (grid CRS), at most `max` of them
    /// nearest the box centre first; empty outside the matrix.
    pub fn tiles_in(&self, level: u8, bbox: [f64; 4], max: usize) -> Vec<TileId> {
        let Some(m) = self.levels.get(level as usize) else {
            return Vec::new();
        };
        let [w, h] = m.tile_size();
        let col = |x: f64| ((x - m.top_left[0]) / w).floor();
        let row = |y: f64| ((m.top_left[1] - y) / h).floor();
        let c0 = col(bbox[0]).max(0.0);
        let c1 = col(bbox[2]).min(m.matrix_width as f64 - 1.0);
        let r0 = row(bbox[3]).max(0.0);
        let r1 = row(bbox[1]).min(m.matrix_height as f64 - 1.0);
        if c1 < c0 || r1 < r0 || !(c0.is_finite() && r0.is_finite()) {
            return Vec::new();
        }
        let (cc, rc) = (
            (col((bbox[0] + bbox[2]) / 2.0)),
            row((bbox[1] + bbox[3]) / 2.0),
        );
        let mut tiles: Vec<TileId> = Vec::new();
        // Guard against absurd boxes before enumerating.
        if (c1 - c0 + 1.0) * (r1 - r0 + 1.0) > 1.0e6 {
            return Vec::new();
        }
        for r in r0 as u64..=r1 as u64 {
            for c in c0 as u64..=c1 as u64 {
                tiles.push(TileId {
                    level,
                    col: c,
                    row: r,
                });
            }
        }
        tiles.sort_by(|a, b| {
            let d = |t: &TileId| (t.col as f64 - cc).powi(2) + (t.row as f64 - rc).powi(2);
            d(a).total_cmp(&d(b))
        });
        tiles.truncate(max);
        tiles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_tiles_match_the_osm_scheme() {
        let g = TileGrid::web_mercator(19);
        // Zoom 0: 156 543.03 m per pixel at the equator (OSM wiki).
        assert!((g.levels[0].resolution - 156_543.033_928).abs() < 1e-3);
        // Zoom 19: 0.2986 m per pixel.
        assert!((g.levels[19].resolution - 0.298_582_1).abs() < 1e-6);
        let b = g
            .bounds(TileId {
                level: 1,
                col: 1,
                row: 0,
            })
            .unwrap();
        assert_eq!(b, [0.0, 0.0, MERCATOR_HALF, MERCATOR_HALF]);
    }

    #[test]
    fn level_for_a_view_and_tiles_nearest_first() {
        let g = TileGrid::web_mercator(19);
        // 1 m per screen pixel: zoom 17 (1.19 m) is the finest not finer than 0.75 m.
        assert_eq!(g.level_for(1.0), 17);
        let m = &g.levels[17];
        let [w, _] = m.tile_size();
        let x = m.top_left[0] + 1000.5 * w;
        let y = m.top_left[1] - 2000.5 * w;
        let t = g.tiles_in(17, [x - w, y - w, x + w, y + w], 100);
        assert_eq!(t.len(), 9);
        assert_eq!(
            t[0],
            TileId {
                level: 17,
                col: 1000,
                row: 2000
            }
        );
        assert_eq!(g.tiles_in(17, [x - w, y - w, x + w, y + w], 4).len(), 4);
        // Outside the world: nothing.
        assert!(g.tiles_in(3, [3.0e7, 3.0e7, 3.1e7, 3.1e7], 10).is_empty());
    }

    #[test]
    fn wms_grid_cells_nest() {
        let g = TileGrid::for_wms(pw_geo::Crs::epsg(25832));
        assert_eq!(g.levels[12].resolution, 1.0);
        let a = g
            .bounds(TileId {
                level: 12,
                col: 10,
                row: 20,
            })
            .unwrap();
        assert_eq!(a[2] - a[0], 256.0);
        let parent = g
            .bounds(TileId {
                level: 11,
                col: 5,
                row: 10,
            })
            .unwrap();
        assert!(parent[0] <= a[0] && parent[3] >= a[3]);
    }
}
