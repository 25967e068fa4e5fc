//! The straight sight line to each target (R3 of Franklin & Ray) against
//! the bilinear surface through the cell centres, solved exactly in every
//! cell it passes: O(n) per target. The reference for the sweep, and the
//! answer for small areas, single lines and samples on walls.

use crate::sight::{Sight, ViewError, Viewshed, empty_like, eye_cell, window};
use pw_job::JobControl;
use pw_terrain::Grid;
use rayon::prelude::*;

/// A position in cell units: column and row of cell centres (the centre
/// of cell (c, r) is (c, r)), and an absolute height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridPoint {
    pub col: f64,
    pub row: f64,
    pub z: f64,
}

impl GridPoint {
    pub fn of(grid: &Grid, [x, y, z]: [f64; 3]) -> GridPoint {
        GridPoint {
            col: (x - grid.x0) / grid.dx - 0.5,
            row: (grid.y0 - y) / grid.dy - 0.5,
            z,
        }
    }
}

/// The lowest margin (m) by which the sight line from `eye` to `target`
/// passes over the surface between them, with heights lowered by
/// `drop · d²` (curvature); negative: the surface rises above the line.
/// `None` when the line crosses no row or column (neighbouring cells).
pub fn clearance(grid: &Grid, eye: GridPoint, target: GridPoint, drop: f64) -> Option<f64> {
    let mut lowest: Option<f64> = None;
    walk(grid, eye, target, drop, |margin| {
        lowest = Some(lowest.map_or(margin, |l| l.min(margin)));
        true
    });
    lowest
}

/// Whether nothing between `eye` and `target` rises above the sight line.
pub fn clear(grid: &Grid, eye: GridPoint, target: GridPoint, drop: f64) -> bool {
    walk(grid, eye, target, drop, |margin| margin >= 0.0)
}

/// Calls `each` with the lowest margin of the sight line over the surface
/// in every cell it passes, until it answers false; returns whether it
/// never did.
///
/// The surface is bilinear between the four cell centres around a point
/// (as [`Grid::height`]); along a straight line through one such patch it
/// is a parabola, and so is the margin (the line less the surface, with
/// curvature), so its lowest value in a patch is found exactly from three
/// values. The parts within half a cell of the eye and of the target
/// (Chebyshev) do not count: the eye stands on its cell, the target is its
/// cell's surface.
fn walk(
    grid: &Grid,
    eye: GridPoint,
    target: GridPoint,
    drop: f64,
    mut each: impl FnMut(f64) -> bool,
) -> bool {
    let (dc, dr) = (target.col - eye.col, target.row - eye.row);
    let cells = dc.abs().max(dr.abs());
    if cells <= 1.0 {
        return true;
    }
    let d2 = (dc * grid.dx).powi(2) + (dr * grid.dy).powi(2);
    let rise = target.z - drop * d2 - eye.z;
    let (t_first, t_last) = (0.5 / cells, 1.0 - 0.5 / cells);
    let value = |c: isize, r: isize| -> f32 {
        if c < 0 || r < 0 || c as usize >= grid.width || r as usize >= grid.height {
            return f32::NAN;
        }
        grid.values[r as usize * grid.width + c as usize]
    };
    // The margin at t inside the patch with upper-left centre (k, l).
    let margin = |t: f64, k: isize, l: isize, z: &[f64; 4]| -> f64 {
        let u = eye.col + t * dc - k as f64;
        let v = eye.row + t * dr - l as f64;
        let surface = z[0] * (1.0 - u) * (1.0 - v)
            + z[1] * u * (1.0 - v)
            + z[2] * (1.0 - u) * v
            + z[3] * u * v;
        eye.z + t * rise - (surface - drop * t * t * d2)
    };
    // Breakpoints: where the line crosses a column or row of centres.
    let mut cols = crossing_ts(eye.col, dc, t_first, t_last);
    let mut rows = crossing_ts(eye.row, dr, t_first, t_last);
    let mut t0 = t_first;
    loop {
        let next_col = cols.peek().copied().unwrap_or(f64::INFINITY);
        let next_row = rows.peek().copied().unwrap_or(f64::INFINITY);
        let t1 = next_col.min(next_row).min(t_last);
        if next_col <= t1 {
            cols.next();
        }
        if next_row <= t1 {
            rows.next();
        }
        if t1 > t0 {
            let tm = 0.5 * (t0 + t1);
            let (k, l) = (
                (eye.col + tm * dc).floor() as isize,
                (eye.row + tm * dr).floor() as isize,
            );
            let raw = [
                value(k, l),
                value(k + 1, l),
                value(k, l + 1),
                value(k + 1, l + 1),
            ];
            // Missing cells take the mean of the others (as the edge of
            // the data); a patch with none hides nothing.
            let known: Vec<f64> = raw
                .iter()
                .filter(|v| !v.is_nan())
                .map(|v| *v as f64)
                .collect();
            if !known.is_empty() {
                let mean = known.iter().sum::<f64>() / known.len() as f64;
                let z = raw.map(|v| if v.is_nan() { mean } else { v as f64 });
                let (g0, gm, g1) = (
                    margin(t0, k, l, &z),
                    margin(tm, k, l, &z),
                    margin(t1, k, l, &z),
                );
                // g(s) = g0 + b s + a s², s in [0, 1].
                let a = 2.0 * g0 - 4.0 * gm + 2.0 * g1;
                let b = -3.0 * g0 + 4.0 * gm - g1;
                let mut lowest = g0.min(g1);
                if a > 0.0 {
                    let s = -b / (2.0 * a);
                    if s > 0.0 && s < 1.0 {
                        lowest = lowest.min(g0 + b * s + a * s * s);
                    }
                }
                if !each(lowest) {
                    return false;
                }
            }
        }
        if t1 >= t_last {
            return true;
        }
        t0 = t1;
    }
}

/// The parameters t in (first, last) where `from + t·delta` is a whole
/// number, in increasing order.
fn crossing_ts(
    from: f64,
    delta: f64,
    first: f64,
    last: f64,
) -> std::iter::Peekable<impl Iterator<Item = f64>> {
    let (lo, hi) = if delta == 0.0 {
        (1, 0)
    } else {
        let (a, b) = (from + first * delta, from + last * delta);
        crossings(a.min(b), a.max(b))
    };
    let forward = delta > 0.0;
    let n = (hi - lo + 1).max(0);
    (0..n)
        .map(move |i| if forward { lo + i } else { hi - i })
        .map(move |k| (k as f64 - from) / delta)
        .peekable()
}

/// The whole numbers strictly between `from` and `to` (empty: first > last).
fn crossings(from: f64, to: f64) -> (isize, isize) {
    let (a, b) = if from < to { (from, to) } else { (to, from) };
    let first = a.floor() as isize + 1;
    let last = b.ceil() as isize - 1;
    (first, last)
}

/// The viewshed by a sight line to every cell. The eye stands where it
/// is, not at its cell's centre.
pub fn viewshed(
    grid: &Grid,
    sight: &Sight,
    control: Option<&JobControl>,
) -> Result<Viewshed, ViewError> {
    let cell = eye_cell(grid, sight)?;
    let (win, beyond) = window(grid, cell, sight.max_distance);
    let mut out = empty_like(grid, win);
    let [c0, r0, ..] = win;
    let w = out.width;
    let eye = GridPoint::of(grid, sight.eye);
    let drop = sight.drop_per_m2();
    let max_d2 = if sight.max_distance > 0.0 {
        sight.max_distance.powi(2)
    } else {
        f64::INFINITY
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let rows = out.height;
    out.values.par_chunks_mut(w).enumerate().try_for_each(
        |(rr, row)| -> Result<(), ViewError> {
            let r = r0 + rr;
            for (cc, v) in row.iter_mut().enumerate() {
                let c = c0 + cc;
                let Some(z) = grid.value(c, r) else { continue };
                let (x, y) = grid.cell_centre(c, r);
                let (dx, dy) = (x - sight.eye[0], y - sight.eye[1]);
                let d2 = dx * dx + dy * dy;
                if d2 > max_d2 {
                    continue;
                }
                let target_z = z as f64 + sight.target_height;
                if (c, r) != cell && !sight.looks_at(dx, dy, target_z - drop * d2 - sight.eye[2]) {
                    continue;
                }
                let target = GridPoint {
                    col: c as f64,
                    row: r as f64,
                    z: target_z,
                };
                *v = if clear(grid, eye, target, drop) {
                    1.0
                } else {
                    0.0
                };
            }
            if let Some(control) = control {
                control.check()?;
                let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                control.set_progress(d as f32 / rows as f32);
            }
            Ok(())
        },
    )?;
    Ok(Viewshed::from_grid(out, beyond))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(n: usize, z: f32) -> Grid {
        Grid {
            width: n,
            height: n,
            x0: 0.0,
            y0: n as f64,
            dx: 1.0,
            dy: 1.0,
            values: vec![z; n * n],
            crs: None,
        }
    }

    #[test]
    fn crossings_lie_strictly_between() {
        assert_eq!(crossings(2.0, 5.0), (3, 4));
        assert_eq!(crossings(5.0, 2.0), (3, 4));
        assert_eq!(crossings(2.3, 5.0), (3, 4));
        let (a, b) = crossings(2.0, 3.0);
        assert!(a > b);
    }

    #[test]
    fn a_ridge_hides_what_lies_low_behind_it() {
        let mut g = flat(21, 0.0);
        // A 5 m ridge along column 10.
        for r in 0..21 {
            g.values[r * 21 + 10] = 5.0;
        }
        let eye = GridPoint {
            col: 5.0,
            row: 10.0,
            z: 1.6,
        };
        let behind = GridPoint {
            col: 15.0,
            row: 10.0,
            z: 0.0,
        };
        assert!(!clear(&g, eye, behind, 0.0));
        // 5 m at half the way: a target 8.4 m high is just seen over it.
        let high = GridPoint { z: 8.5, ..behind };
        assert!(clear(&g, eye, high, 0.0));
        let c = clearance(&g, eye, high, 0.0).unwrap();
        assert!((c - ((1.6 + 8.5) / 2.0 - 5.0)).abs() < 1e-9, "{c}");
    }
}
