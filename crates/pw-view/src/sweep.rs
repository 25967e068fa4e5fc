//! The viewshed in one pass outwards from the eye (Wang, Robinson & White
//! 2000, "Generating viewsheds without using sightlines", as `gdal_viewshed`
//! computes it in its default edge mode).
//!
//! Rows are visited outwards from the eye's row, and each row outwards from
//! the eye's column. A cell's sight line crosses the row or column line one
//! step nearer the eye between two cells already visited; the horizon height
//! there (each cell's height or the sight line over it, whichever is
//! higher), interpolated and carried on to this cell, is the lowest height
//! a target here must reach to be seen. Heights are taken relative to the
//! eye and lowered for curvature first, so every line through the eye is
//! straight. The rows above and below the eye run in parallel.

use crate::sight::{Sight, ViewError, Viewshed, empty_like, eye_cell, window};
use pw_job::JobControl;
use pw_terrain::Grid;

pub fn viewshed(
    grid: &Grid,
    sight: &Sight,
    control: Option<&JobControl>,
) -> Result<Viewshed, ViewError> {
    run(grid, sight, control, false)
}

/// The sweep as GDAL 3.6 (Debian 12's) computes it: the cells next to the
/// eye on its column and diagonals take the eye's own ground as their
/// sight-line height, so ground lower than the eye's hides what lies
/// beyond (GDAL issue #10205, fixed in 3.10; the "butterfly" of #8291).
/// Only for the peer test, to show that this is where we differ.
#[doc(hidden)]
pub fn viewshed_as_gdal_3_6(grid: &Grid, sight: &Sight) -> Result<Viewshed, ViewError> {
    run(grid, sight, None, true)
}

fn run(
    grid: &Grid,
    sight: &Sight,
    control: Option<&JobControl>,
    gdal_3_6: bool,
) -> Result<Viewshed, ViewError> {
    let eye = eye_cell(grid, sight)?;
    let (win, beyond) = window(grid, eye, sight.max_distance);
    let mut out = empty_like(grid, win);
    let [c0, r0, c1, r1] = win;
    let (w, h) = (c1 - c0, r1 - r0);
    let frame = Frame {
        grid,
        c0,
        r0,
        w,
        ox: eye.0 - c0,
        oy: eye.1 - r0,
        drop: sight.drop_per_m2(),
        eye_z: sight.eye[2],
        max_d2: if sight.max_distance > 0.0 {
            sight.max_distance * sight.max_distance
        } else {
            f64::INFINITY
        },
        target: sight.target_height as f32,
        // 1 / (j − 1): every step divides by one of these.
        recip: (0..=w.max(h))
            .map(|j| if j >= 2 { 1.0 / (j - 1) as f32 } else { 0.0 })
            .collect(),
        gdal_3_6,
    };
    let (top, rest) = out.values.split_at_mut(frame.oy * w);
    let (eye_row, bottom) = rest.split_at_mut(w);
    let mut first = vec![0.0f32; w];
    frame.relative(frame.oy, &mut first);
    frame.eye_row(&mut first, eye_row);
    let done = std::sync::atomic::AtomicUsize::new(1);
    let (up, down) = rayon::join(
        || frame.half(&first, top.chunks_mut(w).rev(), -1, control, &done, h),
        || frame.half(&first, bottom.chunks_mut(w), 1, control, &done, h),
    );
    up?;
    down?;
    if sight.cone.is_some() || sight.vertical.is_some() {
        frame.keep_directions(sight, &mut out.values);
    }
    Ok(Viewshed::from_grid(out, beyond))
}

/// The window and what every row needs.
struct Frame<'a> {
    grid: &'a Grid,
    c0: usize,
    r0: usize,
    w: usize,
    /// The eye's cell in the window.
    ox: usize,
    oy: usize,
    drop: f64,
    eye_z: f64,
    max_d2: f64,
    target: f32,
    recip: Vec<f32>,
    gdal_3_6: bool,
}

impl Frame<'_> {
    /// Heights of window row `rr` relative to the eye, lowered for
    /// curvature; −∞ where the grid has no data (it hides nothing).
    fn relative(&self, rr: usize, buf: &mut [f32]) {
        let g = self.grid;
        let start = (self.r0 + rr) * g.width + self.c0;
        let dy = (rr as f64 - self.oy as f64) * g.dy;
        let dy2 = dy * dy;
        for (c, (b, z)) in buf
            .iter_mut()
            .zip(&g.values[start..start + self.w])
            .enumerate()
        {
            let dx = (c as f64 - self.ox as f64) * g.dx;
            *b = if z.is_nan() {
                f32::NEG_INFINITY
            } else {
                (*z as f64 - self.eye_z - self.drop * (dx * dx + dy2)) as f32
            };
        }
    }

    /// Columns of a row `n` rows from the eye's that lie within the
    /// distance: [lo, hi).
    fn span(&self, n: usize) -> (usize, usize) {
        if self.max_d2.is_infinite() {
            return (0, self.w);
        }
        let dy = n as f64 * self.grid.dy;
        let rest = self.max_d2 - dy * dy;
        if rest < 0.0 {
            return (self.ox, self.ox);
        }
        let half = (rest.sqrt() / self.grid.dx).floor() as usize;
        (
            self.ox.saturating_sub(half),
            (self.ox + half + 1).min(self.w),
        )
    }

    /// Sets a cell's answer and leaves the horizon height in `this`.
    #[inline(always)]
    fn set(&self, this: &mut f32, out: &mut f32, z: f32) {
        let h = *this;
        *out = if h == f32::NEG_INFINITY {
            f32::NAN
        } else if h + self.target >= z {
            1.0
        } else {
            0.0
        };
        *this = h.max(z);
    }

    /// The eye's own row: straight lines along it.
    fn eye_row(&self, this: &mut [f32], out: &mut [f32]) {
        let (lo, hi) = self.span(0);
        let ox = self.ox;
        out[ox] = 1.0;
        for c in ox + 1..hi {
            let m = c - ox;
            if m == 1 {
                out[c] = if this[c].is_finite() { 1.0 } else { f32::NAN };
            } else {
                let z = this[c - 1] * m as f32 * self.recip[m];
                self.set_at(this, out, c, z);
            }
        }
        for c in (lo..ox).rev() {
            let m = ox - c;
            if m == 1 {
                out[c] = if this[c].is_finite() { 1.0 } else { f32::NAN };
            } else {
                let z = this[c + 1] * m as f32 * self.recip[m];
                self.set_at(this, out, c, z);
            }
        }
    }

    #[inline(always)]
    fn set_at(&self, this: &mut [f32], out: &mut [f32], c: usize, z: f32) {
        self.set(&mut this[c], &mut out[c], z);
    }

    /// A row `n` ≥ 1 rows from the eye's; `last` holds the horizon of the
    /// row before (nearer the eye), `this` the row's relative heights.
    fn row(&self, n: usize, this: &mut [f32], last: &[f32], out: &mut [f32]) {
        let (lo, hi) = self.span(n);
        if lo >= hi {
            return;
        }
        let ox = self.ox;
        let nf = n as f32;
        let rn = self.recip[n];
        let zc = if n == 1 && !self.gdal_3_6 {
            this[ox]
        } else if n == 1 {
            last[ox]
        } else {
            last[ox] * nf * rn
        };
        self.set_at(this, out, ox, zc);
        // Rightwards: the previous cell is c − 1.
        for c in ox + 1..hi {
            let m = c - ox;
            let z = if m < n {
                (last[c - 1] * m as f32 + last[c] * (n - m) as f32) * rn
            } else if m > n {
                (last[c - 1] * nf + this[c - 1] * (m - n) as f32) * self.recip[m]
            } else if m == 1 && !self.gdal_3_6 {
                this[c]
            } else if m == 1 {
                last[c - 1]
            } else {
                last[c - 1] * m as f32 * self.recip[m]
            };
            self.set_at(this, out, c, z);
        }
        // Leftwards: the previous cell is c + 1.
        for c in (lo..ox).rev() {
            let m = ox - c;
            let z = if m < n {
                (last[c + 1] * m as f32 + last[c] * (n - m) as f32) * rn
            } else if m > n {
                (last[c + 1] * nf + this[c + 1] * (m - n) as f32) * self.recip[m]
            } else if m == 1 && !self.gdal_3_6 {
                this[c]
            } else if m == 1 {
                last[c + 1]
            } else {
                last[c + 1] * m as f32 * self.recip[m]
            };
            self.set_at(this, out, c, z);
        }
    }

    /// The rows on one side of the eye's, nearest first.
    fn half<'o>(
        &self,
        first: &[f32],
        rows: impl Iterator<Item = &'o mut [f32]>,
        step: isize,
        control: Option<&JobControl>,
        done: &std::sync::atomic::AtomicUsize,
        total: usize,
    ) -> Result<(), ViewError> {
        let mut last = first.to_vec();
        let mut this = vec![0.0f32; self.w];
        for (k, out) in rows.enumerate() {
            let n = k + 1;
            let rr = (self.oy as isize + step * n as isize) as usize;
            let (lo, hi) = self.span(n);
            if lo >= hi {
                break;
            }
            self.relative(rr, &mut this);
            self.row(n, &mut this, &last, out);
            std::mem::swap(&mut last, &mut this);
            if n % 128 == 0
                && let Some(control) = control
            {
                control.check()?;
                let d = done.fetch_add(128, std::sync::atomic::Ordering::Relaxed) + 128;
                control.set_progress(d as f32 / total as f32);
            }
        }
        Ok(())
    }

    /// Cells outside the cone or the vertical angles become NaN (they still
    /// hid what lies behind them).
    fn keep_directions(&self, sight: &Sight, values: &mut [f32]) {
        use rayon::prelude::*;
        let g = self.grid;
        values
            .par_chunks_mut(self.w)
            .enumerate()
            .for_each(|(rr, row)| {
                let mut rel = vec![0.0f32; self.w];
                self.relative(rr, &mut rel);
                let dy = -(rr as f64 - self.oy as f64) * g.dy;
                for (c, v) in row.iter_mut().enumerate() {
                    if v.is_nan() || (c == self.ox && rr == self.oy) {
                        continue;
                    }
                    let dx = (c as f64 - self.ox as f64) * g.dx;
                    if !sight.looks_at(dx, dy, rel[c] as f64 + sight.target_height) {
                        *v = f32::NAN;
                    }
                }
            });
    }
}
