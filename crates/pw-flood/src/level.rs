//! A river at a given water level: every cell below the water surface
//! that is connected to the gauge floods (what GRASS `r.lake` does from a
//! seed point). The surface is flat, or falls along the river line by a
//! given slope (a level measured at a gauge, falling downstream).
//!
//! Connectivity: with [`Connectivity::Eight`] (the default, as `r.lake`)
//! water passes between cells that touch only at a corner; with
//! [`Connectivity::Four`] it needs a shared side.

use crate::FloodError;
use pw_terrain::Grid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connectivity {
    Four,
    #[default]
    Eight,
}

/// The water surface: `level` (m) at the gauge; along a river line it
/// falls by `slope` (m per m) downstream of the gauge and rises upstream.
/// The line runs downstream; a cell takes the level of the point of the
/// line nearest to it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaterSurface {
    pub level: f64,
    pub gauge: [f64; 2],
    pub river: Vec<[f64; 2]>,
    pub slope: f64,
}

impl WaterSurface {
    pub fn flat(level: f64, gauge: [f64; 2]) -> WaterSurface {
        WaterSurface {
            level,
            gauge,
            river: Vec::new(),
            slope: 0.0,
        }
    }

    fn sloped(&self) -> bool {
        self.river.len() >= 2 && self.slope != 0.0
    }

    /// Distance along the river (m) of the point nearest to `p`.
    fn chainage(&self, p: [f64; 2]) -> f64 {
        let mut best = (f64::INFINITY, 0.0);
        let mut along = 0.0;
        for w in self.river.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (q, t) = pw_geo::segment::closest_point(a, b, p);
            let len2 = (b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2);
            let dist2 = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
            if dist2 < best.0 {
                best = (dist2, along + t * len2.sqrt());
            }
            along += len2.sqrt();
        }
        best.1
    }

    /// The water level over a point (m).
    pub fn level_at(&self, p: [f64; 2]) -> f64 {
        if !self.sloped() {
            return self.level;
        }
        self.level - self.slope * (self.chainage(p) - self.chainage(self.gauge))
    }
}

/// The flooded cells: depth where water stands, NaN where it does not.
#[derive(Debug, Clone)]
pub struct Lake {
    pub depth: Grid,
    pub cells: usize,
    /// m².
    pub area: f64,
    /// m³.
    pub volume: f64,
    pub deepest: f64,
}

/// The cell of a point, if the grid has one there.
pub fn cell_of(grid: &Grid, p: [f64; 2]) -> Option<(usize, usize)> {
    let c = ((p[0] - grid.x0) / grid.dx).floor();
    let r = ((grid.y0 - p[1]) / grid.dy).floor();
    (c >= 0.0 && r >= 0.0 && (c as usize) < grid.width && (r as usize) < grid.height)
        .then_some((c as usize, r as usize))
}

/// Floods from the gauge every connected cell whose ground lies below
/// the water surface. Cells without data stop the water.
pub fn flood(
    dem: &Grid,
    surface: &WaterSurface,
    connectivity: Connectivity,
) -> Result<Lake, FloodError> {
    let w = dem.width;
    let Some((gc, gr)) = cell_of(dem, surface.gauge) else {
        return Err(FloodError::GaugeOutside {
            x: surface.gauge[0],
            y: surface.gauge[1],
            bounds: dem.bounds(),
        });
    };
    let Some(ground) = dem.value(gc, gr) else {
        return Err(FloodError::GaugeOnNoData);
    };
    if !surface.level.is_finite() {
        return Err(FloodError::Setting(format!(
            "water level {} m",
            surface.level
        )));
    }
    // The level the gauge cell gets (on a sloped surface: at its centre).
    let (x, y) = dem.cell_centre(gc, gr);
    let level = surface.level_at([x, y]);
    if (ground as f64) >= level {
        return Err(FloodError::LevelBelowGround {
            level,
            ground: ground as f64,
        });
    }
    Ok(flood_from(dem, surface, &[gr * w + gc], connectivity))
}

/// Floods from several seed cells at once (the cells of a river or lake
/// of the map); seeds above the water surface stay dry.
pub fn flood_from(
    dem: &Grid,
    surface: &WaterSurface,
    seeds: &[usize],
    connectivity: Connectivity,
) -> Lake {
    let (w, h) = (dem.width, dem.height);
    let sloped = surface.sloped();
    let level_of = |k: usize| -> f64 {
        if sloped {
            let (x, y) = dem.cell_centre(k % w, k / w);
            surface.level_at([x, y])
        } else {
            surface.level
        }
    };
    let mut depth = vec![f32::NAN; w * h];
    let mut seen = vec![false; w * h];
    let mut stack: Vec<u32> = Vec::with_capacity(seeds.len());
    for &k in seeds {
        if k < w * h && !seen[k] {
            seen[k] = true;
            stack.push(k as u32);
        }
    }
    let (mut cells, mut sum, mut deepest) = (0usize, 0.0f64, 0.0f64);
    let steps: &[(isize, isize)] = match connectivity {
        Connectivity::Four => &[(-1, 0), (1, 0), (0, -1), (0, 1)],
        Connectivity::Eight => &[
            (-1, 0),
            (1, 0),
            (0, -1),
            (0, 1),
            (-1, -1),
            (1, -1),
            (-1, 1),
            (1, 1),
        ],
    };
    while let Some(k) = stack.pop() {
        let k = k as usize;
        let z = dem.values[k];
        if !z.is_finite() {
            continue;
        }
        let d = level_of(k) - z as f64;
        if d <= 0.0 {
            continue;
        }
        depth[k] = d as f32;
        cells += 1;
        sum += d;
        deepest = deepest.max(d);
        let (c, r) = ((k % w) as isize, (k / w) as isize);
        for (dc, dr) in steps {
            let (nc, nr) = (c + dc, r + dr);
            if nc < 0 || nr < 0 || nc >= w as isize || nr >= h as isize {
                continue;
            }
            let n = nr as usize * w + nc as usize;
            if !seen[n] {
                seen[n] = true;
                stack.push(n as u32);
            }
        }
    }
    let cell_area = dem.dx * dem.dy;
    Lake {
        depth: Grid {
            values: depth,
            ..dem.clone_empty()
        },
        cells,
        area: cells as f64 * cell_area,
        volume: sum * cell_area,
        deepest,
    }
}

trait EmptyLike {
    fn clone_empty(&self) -> Grid;
}

impl EmptyLike for Grid {
    /// The same grid without values (cheap for big grids).
    fn clone_empty(&self) -> Grid {
        Grid {
            width: self.width,
            height: self.height,
            x0: self.x0,
            y0: self.y0,
            dx: self.dx,
            dy: self.dy,
            values: Vec::new(),
            crs: self.crs.clone(),
        }
    }
}
