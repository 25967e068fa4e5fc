//! A uniform grid over the obstacle edges: the edges a segment may cross
//! are those in the cells it passes (walked cell by cell), which is far
//! cheaper than a tree query for the many long, thin boxes of sound paths.

/// Edges (by index) registered in square cells.
pub(crate) struct EdgeGrid {
    origin: [f64; 2],
    cell: f64,
    columns: usize,
    rows: usize,
    cells: Vec<Vec<u32>>,
}

impl EdgeGrid {
    pub fn new(edges: &[([f64; 2], [f64; 2])], cell: f64) -> EdgeGrid {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for (a, b) in edges {
            for p in [a, b] {
                for k in 0..2 {
                    lo[k] = lo[k].min(p[k]);
                    hi[k] = hi[k].max(p[k]);
                }
            }
        }
        if edges.is_empty() {
            return EdgeGrid {
                origin: [0.0, 0.0],
                cell,
                columns: 0,
                rows: 0,
                cells: Vec::new(),
            };
        }
        let columns = (((hi[0] - lo[0]) / cell).floor() as usize + 1).min(4096);
        let rows = (((hi[1] - lo[1]) / cell).floor() as usize + 1).min(4096);
        let cell = cell
            .max((hi[0] - lo[0]) / 4095.0)
            .max((hi[1] - lo[1]) / 4095.0);
        let mut grid = EdgeGrid {
            origin: lo,
            cell,
            columns,
            rows,
            cells: Vec::new(),
        };
        // `walk` borrows the grid: fill the cells beside it, then hand them over.
        let mut cells = vec![Vec::new(); columns * rows];
        for (i, (a, b)) in edges.iter().enumerate() {
            grid.walk(*a, *b, |c| cells[c].push(i as u32));
        }
        grid.cells = cells;
        grid
    }

    fn cell_of(&self, p: [f64; 2]) -> (i64, i64) {
        (
            ((p[0] - self.origin[0]) / self.cell).floor() as i64,
            ((p[1] - self.origin[1]) / self.cell).floor() as i64,
        )
    }

    /// Calls `visit` with every cell index the segment a→b passes through
    /// (Amanatides–Woo), clipped to the grid.
    fn walk(&self, a: [f64; 2], b: [f64; 2], mut visit: impl FnMut(usize)) {
        if self.columns == 0 || !a.iter().chain(&b).all(|v| v.is_finite()) {
            return;
        }
        // Only the part of the segment over the grid (Liang–Barsky): far
        // ends cost nothing and cannot overflow the cell numbers.
        let (lo, hi) = (
            self.origin,
            [
                self.origin[0] + self.columns as f64 * self.cell,
                self.origin[1] + self.rows as f64 * self.cell,
            ],
        );
        let d = [b[0] - a[0], b[1] - a[1]];
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for k in 0..2 {
            if d[k] == 0.0 {
                if a[k] < lo[k] || a[k] > hi[k] {
                    return;
                }
                continue;
            }
            let (ta, tb) = ((lo[k] - a[k]) / d[k], (hi[k] - a[k]) / d[k]);
            t0 = t0.max(ta.min(tb));
            t1 = t1.min(ta.max(tb));
        }
        if t0 > t1 {
            return;
        }
        let (a, b) = (
            [a[0] + t0 * d[0], a[1] + t0 * d[1]],
            [a[0] + t1 * d[0], a[1] + t1 * d[1]],
        );
        let (mut cx, mut cy) = self.cell_of(a);
        let (ex, ey) = self.cell_of(b);
        let d = [b[0] - a[0], b[1] - a[1]];
        let step_x = if d[0] > 0.0 { 1 } else { -1 };
        let step_y = if d[1] > 0.0 { 1 } else { -1 };
        let next =
            |c: i64, o: f64, step: i64| o + (c + if step > 0 { 1 } else { 0 }) as f64 * self.cell;
        let mut t_max_x = if d[0] != 0.0 {
            (next(cx, self.origin[0], step_x) - a[0]) / d[0]
        } else {
            f64::INFINITY
        };
        let mut t_max_y = if d[1] != 0.0 {
            (next(cy, self.origin[1], step_y) - a[1]) / d[1]
        } else {
            f64::INFINITY
        };
        let t_dx = if d[0] != 0.0 {
            self.cell / d[0].abs()
        } else {
            f64::INFINITY
        };
        let t_dy = if d[1] != 0.0 {
            self.cell / d[1].abs()
        } else {
            f64::INFINITY
        };
        let steps = (ex - cx).abs() + (ey - cy).abs();
        for _ in 0..=steps {
            if cx >= 0 && cy >= 0 && (cx as usize) < self.columns && (cy as usize) < self.rows {
                visit(cy as usize * self.columns + cx as usize);
            }
            if t_max_x < t_max_y {
                cx += step_x;
                t_max_x += t_dx;
            } else {
                cy += step_y;
                t_max_y += t_dy;
            }
        }
    }

    /// Indices of the edges registered in the cells a→b passes, each once.
    pub fn along(&self, a: [f64; 2], b: [f64; 2], out: &mut Vec<u32>) {
        out.clear();
        self.walk(a, b, |c| out.extend_from_slice(&self.cells[c]));
        out.sort_unstable();
        out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_edges_a_segment_passes() {
        let edges = [
            ([0.0, 0.0], [100.0, 0.0]),
            ([50.0, -10.0], [50.0, 10.0]),
            ([90.0, 90.0], [95.0, 95.0]),
        ];
        let grid = EdgeGrid::new(&edges, 10.0);
        let mut out = Vec::new();
        grid.along([45.0, -5.0], [55.0, 5.0], &mut out);
        assert_eq!(out, vec![0, 1]);
        grid.along([0.0, 80.0], [100.0, 100.0], &mut out);
        assert_eq!(out, vec![2]);
        // Diagonal from corner to corner passes every diagonal cell.
        grid.along([0.5, -9.5], [99.5, 94.5], &mut out);
        assert!(out.contains(&2) && !out.contains(&1), "{out:?}");
        // Far beyond the grid, or not a number: nothing, and no hang.
        grid.along([-1e300, 0.0], [1e300, 0.0], &mut out);
        assert_eq!(out, vec![0]);
        grid.along([f64::NAN, 0.0], [10.0, 0.0], &mut out);
        assert!(out.is_empty());
    }
}
