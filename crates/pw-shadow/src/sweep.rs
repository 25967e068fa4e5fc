//! Shadows on a height grid for one sun direction in O(cells): the grid is
//! cut into parallel digital lines along the sun's azimuth (every cell lies
//! on exactly one line), and each line is walked away from the sun carrying
//! the highest "shadow ceiling" seen so far. A cell is in shadow when the
//! ceiling above it is higher than the cell itself.
//!
//! Heights are samples at cell centres, so smooth terrain (and a pitched
//! roof) shades itself only where its slope away from the sun is steeper
//! than the sun — exactly. Where a run of cells marked as *blocks*
//! (buildings) ends, the wall stands at the cell edge: the shadow starts
//! there instead of at the last cell's centre, so a 20 m box at 30° sun
//! elevation shadows the 34.64 m the geometry says, not half a cell less.

/// Where the sun is, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SunDirection {
    /// Clockwise from north.
    pub azimuth: f64,
    /// Above the horizon (must be > 0).
    pub elevation: f64,
}

/// For every cell the height a ray towards the sun must clear, as the
/// highest upstream obstacle lowered by the sun's slope over the distance
/// (`−∞` where nothing upstream). `values` is row-major, north row first,
/// square cells of `cell` metres; NaN cells cast no shadow. `blocks`
/// (same size, optional) marks cells with vertical sides.
pub fn shadow_ceiling(
    values: &[f32],
    blocks: Option<&[bool]>,
    width: usize,
    height: usize,
    cell: f64,
    sun: SunDirection,
    ceiling: &mut [f32],
) {
    assert_eq!(values.len(), width * height, "grid size");
    assert_eq!(ceiling.len(), values.len(), "ceiling size");
    if let Some(b) = blocks {
        assert_eq!(b.len(), values.len(), "blocks size");
    }
    if sun.elevation <= 0.0 {
        ceiling.fill(f32::NEG_INFINITY);
        return;
    }
    let (sin_a, cos_a) = sun.azimuth.to_radians().sin_cos();
    // Towards the sun in grid steps: +column = east, +row = south.
    let (dcol, drow) = (sin_a, -cos_a);
    let transposed = dcol.abs() < drow.abs();
    // Major axis: one cell per step along each line.
    let (d_major, d_minor, n_major, n_minor) = if transposed {
        (drow, dcol, height, width)
    } else {
        (dcol, drow, width, height)
    };
    let step_length = cell / d_major.abs();
    let drop = (step_length * sun.elevation.to_radians().tan()) as f32;
    // Half a step: a ray enters a block before reaching its centre.
    let edge = 0.5 * drop;
    // Walking away from the sun the minor index shifts by −slope per step.
    let slope = d_minor / d_major.abs();
    let offsets: Vec<isize> = (0..n_major)
        .map(|k| (-slope * k as f64).round() as isize)
        .collect();
    let (lo, hi) = offsets
        .iter()
        .fold((0isize, 0isize), |(lo, hi), &o| (lo.min(o), hi.max(o)));
    let sun_side_first = d_major > 0.0;
    let index = |major: usize, minor: usize| {
        if transposed {
            major * width + minor
        } else {
            minor * width + major
        }
    };
    for start in -hi..(n_minor as isize - lo) {
        let mut carried = f32::NEG_INFINITY;
        // The previous cell's height and whether it was a block.
        let mut previous: Option<(f32, bool)> = None;
        let mut entered = false;
        for (k, off) in offsets.iter().enumerate() {
            let minor = start + off;
            if minor < 0 || minor >= n_minor as isize {
                if entered {
                    break;
                }
                continue;
            }
            entered = true;
            let major = if sun_side_first { n_major - 1 - k } else { k };
            let i = index(major, minor as usize);
            let block = blocks.is_some_and(|b| b[i]);
            if let Some((h, was_block)) = previous {
                // Leaving a block: its wall stands at the cell edge, half a
                // step nearer. Inside a block (a roof) heights are samples.
                let h = if was_block && !block { h + edge } else { h };
                // NaN loses against any number in f32::max.
                carried = carried.max(h) - drop;
            }
            ceiling[i] = carried;
            previous = Some((values[i], block));
        }
    }
}

/// A height sees the sun when it is not below the ceiling (1 mm slack for
/// rounding; NaN heights count as lit, there is nothing to shade).
pub fn sees_sun(height: f32, ceiling: f32) -> bool {
    height + 1e-3 >= ceiling || height.is_nan()
}

/// Whether each cell sees the sun: its own height clears the ceiling.
pub fn lit(values: &[f32], ceiling: &[f32], out: &mut Vec<bool>) {
    out.clear();
    out.extend(values.iter().zip(ceiling).map(|(&h, &c)| sees_sun(h, c)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `size`-cell grid with a box of `box_h` over columns/rows range.
    fn grid_with_box(n: usize, box_cells: std::ops::Range<usize>, box_h: f32) -> Vec<f32> {
        let mut v = vec![0.0f32; n * n];
        for r in box_cells.clone() {
            for c in box_cells.clone() {
                v[r * n + c] = box_h;
            }
        }
        v
    }

    fn shadow_cells(values: &[f32], n: usize, cell: f64, sun: SunDirection) -> Vec<bool> {
        let mut ceiling = vec![0.0; values.len()];
        let blocks: Vec<bool> = values.iter().map(|v| *v > 0.0).collect();
        shadow_ceiling(values, Some(&blocks), n, n, cell, sun, &mut ceiling);
        let mut l = Vec::new();
        lit(values, &ceiling, &mut l);
        l.iter().map(|x| !x).collect()
    }

    #[test]
    fn a_20_m_box_at_30_degrees_casts_34_64_m_towards_north() {
        // 0.1 m cells; the box covers 10 m × 10 m, 20 m high; sun due south.
        let n = 600;
        let cell = 0.1;
        let v = grid_with_box(n, 400..500, 20.0);
        let s = shadow_cells(
            &v,
            n,
            cell,
            SunDirection {
                azimuth: 180.0,
                elevation: 30.0,
            },
        );
        // Column through the box centre: shadowed cells north of row 400.
        let col = 450;
        let shadow = (0..400).rev().take_while(|&r| s[r * n + col]).count();
        let length = shadow as f64 * cell;
        let expected = 20.0 / 30f64.to_radians().tan();
        assert!((length - expected).abs() <= cell, "{length} vs {expected}");
        // The box's own roof is lit, the south side in front of it too.
        assert!(!s[450 * n + col] && !s[550 * n + col]);
    }

    #[test]
    fn diagonal_sun_shadow_length_is_exact_along_the_ray() {
        // Sun from the south-west (225°) at 30°: the shadow points north-east.
        let n = 1000;
        let cell = 0.1;
        let v = grid_with_box(n, 500..600, 20.0);
        let s = shadow_cells(
            &v,
            n,
            cell,
            SunDirection {
                azimuth: 225.0,
                elevation: 30.0,
            },
        );
        // Walk north-east from the box's north-east corner along the diagonal.
        let mut steps = 0;
        while s[(499 - steps) * n + 600 + steps] {
            steps += 1;
        }
        let length = steps as f64 * cell * 2f64.sqrt();
        let expected = 20.0 / 30f64.to_radians().tan();
        assert!(
            (length - expected).abs() <= 2.0 * cell * 2f64.sqrt(),
            "{length} vs {expected}"
        );
    }

    #[test]
    fn every_direction_visits_every_cell_once() {
        for az in (0..360).step_by(7) {
            let (w, h) = (37, 23);
            let v = vec![f32::NAN; w * h];
            // NaN heights keep every ceiling at −∞; a cell the lines miss
            // would keep this marker.
            let mut ceiling = vec![1.0; w * h];
            shadow_ceiling(
                &v,
                None,
                w,
                h,
                1.0,
                SunDirection {
                    azimuth: az as f64,
                    elevation: 10.0,
                },
                &mut ceiling,
            );
            assert!(
                ceiling.iter().all(|c| *c == f32::NEG_INFINITY),
                "azimuth {az}"
            );
        }
    }

    #[test]
    fn smooth_slopes_shade_themselves_only_when_steeper_than_the_sun() {
        // A ridge along x: rising 1:4 (14.04°) to the north, falling behind.
        let (w, h) = (10, 200);
        let mut v = vec![0f32; w * h];
        for r in 0..h {
            let dist = (r as f32 - 100.0).abs();
            v.iter_mut()
                .skip(r * w)
                .take(w)
                .for_each(|x| *x = 50.0 - 0.25 * dist);
        }
        let shaded = |elevation: f64| {
            let mut ceiling = vec![0.0; v.len()];
            // Sun from the south: the north flank faces away from it.
            shadow_ceiling(
                &v,
                None,
                w,
                h,
                1.0,
                SunDirection {
                    azimuth: 180.0,
                    elevation,
                },
                &mut ceiling,
            );
            let mut l = Vec::new();
            lit(&v, &ceiling, &mut l);
            (0..h).filter(|r| !l[r * w + 5]).count()
        };
        // Sun above the flank's 14.04°: all lit; below it: the flank is dark.
        assert_eq!(shaded(15.0), 0);
        assert_eq!(shaded(13.0), 100);
    }

    #[test]
    fn sun_below_the_horizon_casts_nothing_here() {
        let v = grid_with_box(20, 5..10, 10.0);
        let mut ceiling = vec![1.0; v.len()];
        shadow_ceiling(
            &v,
            None,
            20,
            20,
            1.0,
            SunDirection {
                azimuth: 90.0,
                elevation: -1.0,
            },
            &mut ceiling,
        );
        assert!(ceiling.iter().all(|c| *c == f32::NEG_INFINITY));
    }
}
