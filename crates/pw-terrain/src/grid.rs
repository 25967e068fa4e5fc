//! A regular height grid in a projected or geographic CRS.

use pw_geo::Crs;
use pw_geo::elevation::Elevation;

#[derive(Debug, thiserror::Error)]
pub enum DemError {
    #[error("{path}: {message}")]
    File {
        path: String,
        message: pw_text::Message,
    },
}

impl DemError {
    /// The text for people, in the catalogue's words.
    pub fn message(&self) -> pw_text::Message {
        let DemError::File { path, message } = self;
        pw_text::Message::new("terrain.error.read")
            .arg("path", path)
            .arg_message("why", message.clone())
            .english("{path}: {why}")
    }
}

pub(crate) fn file_error(path: &std::path::Path, message: pw_text::Message) -> DemError {
    DemError::File {
        path: path.display().to_string(),
        message,
    }
}

/// The file system's or a decoding library's own words.
pub(crate) fn system(e: impl std::fmt::Display) -> pw_text::Message {
    pw_text::Message::text(e.to_string())
}

/// A reader's problem in the catalogue's words.
pub(crate) fn said(key: &str, english: &str) -> pw_text::Message {
    pw_text::Message::new(key).english(english)
}

/// Heights on a north-up grid. Cell (col, row) covers
/// `[x0 + col·dx, x0 + (col+1)·dx] × [y0 − (row+1)·dy, y0 − row·dy]`;
/// `NaN` marks cells without data.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub width: usize,
    pub height: usize,
    /// Upper-left corner of the upper-left cell.
    pub x0: f64,
    pub y0: f64,
    /// Cell size east and south (both positive).
    pub dx: f64,
    pub dy: f64,
    pub values: Vec<f32>,
    pub crs: Option<Crs>,
}

impl Grid {
    pub fn value(&self, col: usize, row: usize) -> Option<f32> {
        (col < self.width && row < self.height)
            .then(|| self.values[row * self.width + col])
            .filter(|v| v.is_finite())
    }

    /// The value of the cell containing a point (what `gdallocationinfo`
    /// reports), no interpolation.
    pub fn cell_value_at(&self, x: f64, y: f64) -> Option<f32> {
        let c = ((x - self.x0) / self.dx).floor();
        let r = ((self.y0 - y) / self.dy).floor();
        (c >= 0.0 && r >= 0.0).then(|| self.value(c as usize, r as usize))?
    }

    /// Centre of a cell.
    pub fn cell_centre(&self, col: usize, row: usize) -> (f64, f64) {
        (
            self.x0 + (col as f64 + 0.5) * self.dx,
            self.y0 - (row as f64 + 0.5) * self.dy,
        )
    }

    /// Extent of the grid: (min x, min y, max x, max y).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        (
            self.x0,
            self.y0 - self.height as f64 * self.dy,
            self.x0 + self.width as f64 * self.dx,
            self.y0,
        )
    }

    /// Lowest and highest value with data, and the count of cells without.
    pub fn stats(&self) -> (f32, f32, usize) {
        let mut lo = f32::INFINITY;
        let mut hi = f32::NEG_INFINITY;
        let mut missing = 0;
        for v in &self.values {
            if v.is_finite() {
                lo = lo.min(*v);
                hi = hi.max(*v);
            } else {
                missing += 1;
            }
        }
        (lo, hi, missing)
    }

    /// Bilinear height between the four cell centres around a point; at
    /// edges and next to missing cells the available neighbours are
    /// weighted (nearest cell value at the outer half-cell).
    pub fn height(&self, x: f64, y: f64) -> Option<f64> {
        let (x1, y1, x2, y2) = self.bounds();
        if !(x >= x1 && x <= x2 && y >= y1 && y <= y2) {
            return None;
        }
        let fc = (x - self.x0) / self.dx - 0.5;
        let fr = (self.y0 - y) / self.dy - 0.5;
        let c0 = fc.floor();
        let r0 = fr.floor();
        let (tx, ty) = (fc - c0, fr - r0);
        let mut sum = 0.0;
        let mut weight = 0.0;
        for (dc, dr, w) in [
            (0.0, 0.0, (1.0 - tx) * (1.0 - ty)),
            (1.0, 0.0, tx * (1.0 - ty)),
            (0.0, 1.0, (1.0 - tx) * ty),
            (1.0, 1.0, tx * ty),
        ] {
            let (c, r) = (c0 + dc, r0 + dr);
            if c < 0.0 || r < 0.0 || w <= 0.0 {
                continue;
            }
            if let Some(v) = self.value(c as usize, r as usize) {
                sum += w * v as f64;
                weight += w;
            }
        }
        if weight > 1e-12 {
            Some(sum / weight)
        } else {
            self.cell_value_at(x, y).map(f64::from)
        }
    }

    /// Several tiles of the same CRS and cell size into one grid (gaps are
    /// missing data). Thuringia's DGM1 comes as many 1 km tiles.
    pub fn merge(tiles: &[Grid]) -> Result<Grid, pw_text::Message> {
        use pw_text::Message;
        let first = tiles.first().ok_or_else(|| {
            Message::new("terrain.error.no_tiles_to_merge").english("no tiles to merge")
        })?;
        for t in tiles {
            if (t.dx - first.dx).abs() > 1e-9 || (t.dy - first.dy).abs() > 1e-9 {
                return Err(Message::new("terrain.error.cell_sizes_differ")
                    .arg("a", t.dx)
                    .arg("b", first.dx)
                    .english("tiles differ in cell size ({a} m vs {b} m)"));
            }
            if t.crs != first.crs {
                return Err(
                    Message::new("terrain.error.crs_differ").english("tiles are in different CRS")
                );
            }
        }
        let x0 = tiles.iter().map(|t| t.x0).fold(f64::INFINITY, f64::min);
        let y0 = tiles.iter().map(|t| t.y0).fold(f64::NEG_INFINITY, f64::max);
        let x1 = tiles
            .iter()
            .map(|t| t.bounds().2)
            .fold(f64::NEG_INFINITY, f64::max);
        let y1 = tiles
            .iter()
            .map(|t| t.bounds().1)
            .fold(f64::INFINITY, f64::min);
        let width = ((x1 - x0) / first.dx).round() as usize;
        let height = ((y0 - y1) / first.dy).round() as usize;
        if width.saturating_mul(height) > 400_000_000 {
            return Err(Message::new("terrain.error.merged_too_large")
                .arg("width", width)
                .arg("height", height)
                .english("merged grid would have {width} × {height} cells"));
        }
        let mut values = vec![f32::NAN; width * height];
        for t in tiles {
            let c0 = ((t.x0 - x0) / first.dx).round() as usize;
            let r0 = ((y0 - t.y0) / first.dy).round() as usize;
            for r in 0..t.height {
                let src = &t.values[r * t.width..(r + 1) * t.width];
                let dst = (r0 + r) * width + c0;
                for (k, v) in src.iter().enumerate() {
                    if v.is_finite() {
                        values[dst + k] = *v;
                    }
                }
            }
        }
        Ok(Grid {
            width,
            height,
            x0,
            y0,
            dx: first.dx,
            dy: first.dy,
            values,
            crs: first.crs,
        })
    }
}

impl Elevation for Grid {
    fn height_at(&self, x: f64, y: f64) -> Option<f64> {
        self.height(x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> Grid {
        // 3 × 2 cells of 10 m; value = 100 + col·10 + row·1.
        Grid {
            width: 3,
            height: 2,
            x0: 1000.0,
            y0: 2000.0,
            dx: 10.0,
            dy: 10.0,
            values: vec![100.0, 110.0, 120.0, 101.0, 111.0, 121.0],
            crs: None,
        }
    }

    #[test]
    fn bilinear_between_centres_and_exact_at_them() {
        let g = ramp();
        assert_eq!(g.height(1005.0, 1995.0), Some(100.0));
        assert_eq!(g.height(1010.0, 1995.0), Some(105.0));
        assert_eq!(g.height(1010.0, 1990.0), Some(105.5));
        assert_eq!(g.height(999.0, 1995.0), None);
        // The outer half-cell takes the edge value.
        assert_eq!(g.height(1000.5, 1999.5), Some(100.0));
    }

    #[test]
    fn missing_cells_are_skipped_not_averaged_in() {
        let mut g = ramp();
        g.values[1] = f32::NAN;
        assert_eq!(g.height(1010.0, 1995.0), Some(100.0));
        assert_eq!(g.cell_value_at(1015.0, 1995.0), None);
        assert_eq!(g.stats(), (100.0, 121.0, 1));
    }

    #[test]
    fn tiles_merge_with_gaps() {
        let a = ramp();
        let mut b = ramp();
        b.x0 += 50.0; // 2 cells gap
        let m = Grid::merge(&[a, b]).unwrap();
        assert_eq!((m.width, m.height), (8, 2));
        assert_eq!(m.value(0, 0), Some(100.0));
        assert_eq!(m.value(3, 0), None);
        assert_eq!(m.value(5, 1), Some(101.0));
        let mut c = ramp();
        c.dx = 5.0;
        assert!(
            Grid::merge(&[ramp(), c])
                .unwrap_err()
                .to_string()
                .contains("cell size")
        );
    }
}
