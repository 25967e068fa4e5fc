//! Polygons onto grid cells: a cell belongs to a polygon when its centre
//! lies inside (even–odd over all rings, so courtyards stay out). One
//! scanline per row: O(cells covered + edges × rows) instead of a
//! point-in-polygon test per cell.

/// The grid the polygons are burnt into: `width` × `height` cells of
/// `dx` × `dy`, upper-left corner (`x0`, `y0`), row 0 north.
#[derive(Debug, Clone, Copy)]
pub struct Raster {
    pub width: usize,
    pub height: usize,
    pub x0: f64,
    pub y0: f64,
    pub dx: f64,
    pub dy: f64,
}

impl Raster {
    pub fn centre(&self, k: usize) -> [f64; 2] {
        let (c, r) = (k % self.width, k / self.width);
        [
            self.x0 + (c as f64 + 0.5) * self.dx,
            self.y0 - (r as f64 + 0.5) * self.dy,
        ]
    }

    /// Calls `cell(k)` for every cell whose centre the rings enclose.
    pub fn burn(&self, rings: &[Vec<[f64; 2]>], mut cell: impl FnMut(usize)) {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for p in rings.iter().flatten() {
            lo = lo.min(p[1]);
            hi = hi.max(p[1]);
        }
        if !(lo < hi) {
            return;
        }
        // Rows whose centre line lies within the polygon's north–south span.
        let first = (((self.y0 - hi) / self.dy - 0.5).ceil()).max(0.0) as usize;
        let last = (((self.y0 - lo) / self.dy - 0.5).floor()).min(self.height as f64 - 1.0);
        if last < 0.0 {
            return;
        }
        let mut crossings: Vec<f64> = Vec::new();
        for r in first..=last as usize {
            let y = self.y0 - (r as f64 + 0.5) * self.dy;
            crossings.clear();
            for ring in rings {
                let n = ring.len();
                for i in 0..n {
                    let (a, b) = (ring[i], ring[(i + 1) % n]);
                    // Half-open in y, so a vertex on the line counts once.
                    if (a[1] > y) != (b[1] > y) {
                        crossings.push(a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
                    }
                }
            }
            crossings.sort_by(f64::total_cmp);
            for pair in crossings.chunks_exact(2) {
                let c0 = ((pair[0] - self.x0) / self.dx - 0.5).ceil().max(0.0) as usize;
                let c1 = ((pair[1] - self.x0) / self.dx - 0.5).floor();
                if c1 < 0.0 {
                    continue;
                }
                let c1 = (c1 as usize).min(self.width - 1);
                for c in c0..=c1 {
                    cell(r * self.width + c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_with_a_courtyard() {
        let raster = Raster {
            width: 10,
            height: 10,
            x0: 0.0,
            y0: 10.0,
            dx: 1.0,
            dy: 1.0,
        };
        let outer = vec![[2.0, 2.0], [8.0, 2.0], [8.0, 8.0], [2.0, 8.0]];
        let yard = vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0]];
        let mut cells = Vec::new();
        raster.burn(&[outer.clone()], |k| cells.push(k));
        assert_eq!(cells.len(), 36);
        cells.clear();
        raster.burn(&[outer, yard], |k| cells.push(k));
        assert_eq!(cells.len(), 32);
        // Cell (4, 4) has its centre (4.5, 5.5) in the courtyard.
        assert!(!cells.contains(&(4 * 10 + 4)));
        assert!(cells.contains(&(2 * 10 + 2)));
        // Partly outside the raster: only the cells inside.
        cells.clear();
        raster.burn(
            &[vec![[-5.0, -5.0], [1.0, -5.0], [1.0, 1.0], [-5.0, 1.0]]],
            |k| cells.push(k),
        );
        assert_eq!(cells, vec![90]);
    }
}
