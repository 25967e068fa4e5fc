//! The viewshed by rays from the eye to every cell of the window's edge
//! (R2 of Franklin & Ray): each ray carries the steepest slope of the
//! surface it has crossed so far (linear between the two cells on either
//! side of each row or column line it crosses), and answers for the cells
//! whose centres it passes closest. Every cell is answered by exactly one
//! ray, so an edge stays where it is however far out (an interpolated
//! horizon, as in the sweep, smears it); O(cells) work, the eight octants
//! in parallel.

use crate::sight::{Sight, ViewError, Viewshed, empty_like, eye_cell, window};
use pw_job::JobControl;
use pw_terrain::Grid;
use rayon::prelude::*;

pub fn viewshed(
    grid: &Grid,
    sight: &Sight,
    control: Option<&JobControl>,
) -> Result<Viewshed, ViewError> {
    let eye = eye_cell(grid, sight)?;
    let (win, beyond) = window(grid, eye, sight.max_distance);
    let mut out = empty_like(grid, win);
    let [c0, r0, c1, r1] = win;
    let (ec, er) = (eye.0 as isize, eye.1 as isize);
    let eye_z = sight.eye[2];
    let drop = sight.drop_per_m2();
    let max_d2 = if sight.max_distance > 0.0 {
        sight.max_distance.powi(2)
    } else {
        f64::INFINITY
    };
    let w = out.width;
    let cells = SharedCells(out.values.as_mut_ptr(), out.values.len());
    // The eye's own cell.
    out.values[(er as usize - r0) * w + (ec as usize - c0)] = 1.0;
    let octants = Octant::all();
    // How far the window reaches in an octant's major direction.
    let reach_of = |o: &Octant| match (o.x_major, o.major_sign > 0) {
        (true, true) => c1 as isize - 1 - ec,
        (true, false) => ec - c0 as isize,
        (false, true) => r1 as isize - 1 - er,
        (false, false) => er - r0 as isize,
    };
    // Rays of all octants, for the progress.
    let total: isize = octants.iter().map(|o| reach_of(o).max(0) + 1).sum();
    // 1 / k for every step any ray takes.
    let most = octants
        .iter()
        .map(|o| reach_of(o).max(0))
        .max()
        .unwrap_or(0);
    let inv_k: Vec<f64> = (0..=most as usize)
        .map(|k| if k == 0 { 0.0 } else { 1.0 / k as f64 })
        .collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    octants
        .par_iter()
        .try_for_each(|o| -> Result<(), ViewError> {
            let reach = reach_of(o);
            if reach < 1 {
                return Ok(());
            }
            let m_reach = reach as f64;
            // Minor offsets reach as far as the major one (the octant's edge),
            // clipped by the window.
            let minor_limit = match (o.x_major, o.minor_sign > 0) {
                (true, true) => r1 as isize - 1 - er,
                (true, false) => er - r0 as isize,
                (false, true) => c1 as isize - 1 - ec,
                (false, false) => ec - c0 as isize,
            };
            let (major_cell, minor_cell) = if o.x_major {
                (grid.dx, grid.dy)
            } else {
                (grid.dy, grid.dx)
            };
            for j in 0..=reach {
                // Minor offset per major step; metres along the ray per step.
                let slope = j as f64 / m_reach;
                let unit = major_cell.hypot(slope * minor_cell);
                let inv_unit = 1.0 / unit;
                // Bounds of the minor offsets this ray answers for, per step.
                let (own_from, own_to) = ((j as f64 - 0.5) / m_reach, (j as f64 + 0.5) / m_reach);
                let mut horizon = f64::NEG_INFINITY;
                for k in 1..=reach {
                    let kf = k as f64;
                    let p = slope * kf;
                    // The cell this ray answers for at step k: its minor offset
                    // m has round(m · reach / k) = j.
                    let lo = (own_from * kf).ceil().max(0.0) as isize;
                    let hi_exclusive = own_to * kf;
                    if (lo as f64) < hi_exclusive && lo <= minor_limit && o.owns(k, lo) {
                        let (c, r) = o.cell(ec, er, k, lo);
                        let (dx, dy) = (kf * major_cell, lo as f64 * minor_cell);
                        let d2 = dx * dx + dy * dy;
                        if d2 <= max_d2 {
                            let z = grid.values[r as usize * grid.width + c as usize];
                            let v = if z.is_nan() {
                                f32::NAN
                            } else {
                                let up = z as f64 + sight.target_height - eye_z - drop * d2;
                                if up / d2.sqrt() >= horizon { 1.0 } else { 0.0 }
                            };
                            // Safety: every cell of the window is owned by one
                            // octant and in it by one ray (see `Octant::owns`).
                            unsafe { cells.set((r as usize - r0) * w + (c as usize - c0), v) };
                        }
                    }
                    // The surface where the ray crosses major line k.
                    let below = p.floor();
                    let f = p - below;
                    let a = o.height(grid, ec, er, k, below as isize, minor_limit);
                    let b = o.height(grid, ec, er, k, below as isize + 1, minor_limit);
                    let z = match (a.is_nan(), b.is_nan()) {
                        (false, false) => a as f64 + (b as f64 - a as f64) * f,
                        (false, true) => a as f64,
                        (true, false) => b as f64,
                        (true, true) => continue,
                    };
                    // Distance to the crossing: k steps along the ray (no
                    // square root or division per step).
                    let d = kf * unit;
                    if d * d > max_d2 {
                        break;
                    }
                    let rise = (z - eye_z) * inv_unit * inv_k[k as usize] - drop * d;
                    if rise > horizon {
                        horizon = rise;
                    }
                }
                if (j % 64 == 63 || j == reach)
                    && let Some(control) = control
                {
                    control.check()?;
                    let batch = (j % 64 + 1) as usize;
                    let d = done.fetch_add(batch, std::sync::atomic::Ordering::Relaxed) + batch;
                    control.set_progress(d as f32 / total as f32);
                }
            }
            Ok(())
        })?;
    if sight.cone.is_some() || sight.vertical.is_some() {
        keep_directions(grid, &mut out, sight);
    }
    Ok(Viewshed::from_grid(out, beyond))
}

/// The window's values, written by the octants in parallel: each writes
/// only the cells it owns.
#[derive(Clone, Copy)]
struct SharedCells(*mut f32, usize);
unsafe impl Send for SharedCells {}
unsafe impl Sync for SharedCells {}

impl SharedCells {
    /// # Safety
    /// No other thread writes index `i` at the same time.
    unsafe fn set(self, i: usize, v: f32) {
        assert!(i < self.1);
        unsafe { *self.0.add(i) = v };
    }
}

/// One of the eight octants around the eye: the major axis (x or y), its
/// direction, and the side of the minor axis.
#[derive(Debug, Clone, Copy)]
struct Octant {
    x_major: bool,
    major_sign: isize,
    minor_sign: isize,
}

impl Octant {
    fn all() -> Vec<Octant> {
        let mut out = Vec::with_capacity(8);
        for x_major in [true, false] {
            for major_sign in [1, -1] {
                for minor_sign in [1, -1] {
                    out.push(Octant {
                        x_major,
                        major_sign,
                        minor_sign,
                    });
                }
            }
        }
        out
    }

    /// Which octant answers a cell at major offset k ≥ 1, minor offset
    /// m ≥ 0 (in this octant's directions): the diagonal belongs to the
    /// x-major octants, the axes to the positive minor side.
    fn owns(&self, k: isize, m: isize) -> bool {
        let on_minor_side = m > 0 || self.minor_sign > 0;
        let in_octant = if self.x_major { m <= k } else { m < k };
        on_minor_side && in_octant
    }

    /// Grid column and row of the cell at (k, m).
    fn cell(&self, ec: isize, er: isize, k: isize, m: isize) -> (isize, isize) {
        if self.x_major {
            // Rows grow southwards; the minor sign is taken in grid rows.
            (ec + self.major_sign * k, er + self.minor_sign * m)
        } else {
            (ec + self.minor_sign * m, er + self.major_sign * k)
        }
    }

    /// The surface at (k, m); NaN off the grid or beyond the window's
    /// minor edge.
    fn height(&self, grid: &Grid, ec: isize, er: isize, k: isize, m: isize, limit: isize) -> f32 {
        if m > limit {
            return f32::NAN;
        }
        let (c, r) = self.cell(ec, er, k, m);
        if c < 0 || r < 0 || c as usize >= grid.width || r as usize >= grid.height {
            return f32::NAN;
        }
        grid.values[r as usize * grid.width + c as usize]
    }
}

/// Cells outside the cone or the vertical angles become NaN.
fn keep_directions(grid: &Grid, out: &mut Grid, sight: &Sight) {
    let drop = sight.drop_per_m2();
    let (x0, y0, dx, dy, w) = (out.x0, out.y0, out.dx, out.dy, out.width);
    out.values
        .par_chunks_mut(w)
        .enumerate()
        .for_each(|(r, row)| {
            for (c, v) in row.iter_mut().enumerate() {
                if v.is_nan() {
                    continue;
                }
                let (x, y) = (x0 + (c as f64 + 0.5) * dx, y0 - (r as f64 + 0.5) * dy);
                let (ex, ey) = (x - sight.eye[0], y - sight.eye[1]);
                if ex.abs() < 0.5 * dx && ey.abs() < 0.5 * dy {
                    continue;
                }
                let z = grid.cell_value_at(x, y).map_or(f64::NAN, f64::from);
                let up = z + sight.target_height - drop * (ex * ex + ey * ey) - sight.eye[2];
                if !sight.looks_at(ex, ey, up) {
                    *v = f32::NAN;
                }
            }
        });
}
