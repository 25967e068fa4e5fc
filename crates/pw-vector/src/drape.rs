//! Laying flat features on terrain. Set onto the ground at their vertices
//! alone, a district's few large triangles pass under every hill between
//! them (and a motorway's long segments through every dip): pieces no
//! larger than a grid cell follow the ground closely enough to stay on it.

use pw_city::triangulate::Triangulator;

/// A polygon is cut into at most this many cells along its longer side:
/// a district is not cut into millions of pieces.
pub const MAX_CELLS_PER_SIDE: f64 = 64.0;

/// No triangle is cut into more cells than this.
const MAX_CELLS_PER_TRIANGLE: i64 = 4 * 64 * 64;

/// The cell size for a feature `width` × `height` metres: `finest`, or
/// coarser where the feature is large.
pub fn cell_for(width: f64, height: f64, finest: f64) -> f64 {
    finest.max(width.max(height) / MAX_CELLS_PER_SIDE)
}

/// The polygon (open rings, in the ground plane) as convex pieces within
/// the cells of a `cell`-sized grid: triangulated whole (holes and all),
/// each triangle then cut along the grid lines, so no piece needs holes.
/// Empty for a polygon with no area.
pub fn grid_pieces(
    exterior: &[[f64; 2]],
    interiors: &[Vec<[f64; 2]>],
    cell: f64,
) -> Vec<Vec<[f64; 2]>> {
    let lift = |r: &[[f64; 2]]| -> Vec<[f64; 3]> { r.iter().map(|p| [p[0], p[1], 0.0]).collect() };
    let outer = lift(exterior);
    let holes: Vec<Vec<[f64; 3]>> = interiors.iter().map(|r| lift(r)).collect();
    let Some(t) = Triangulator::new().triangulate(&outer, &holes) else {
        return Vec::new();
    };
    let points: Vec<[f64; 2]> = exterior
        .iter()
        .chain(interiors.iter().flatten())
        .copied()
        .collect();
    let mut out = Vec::new();
    for tri in t.indices.chunks_exact(3) {
        let corners = [tri[0], tri[1], tri[2]].map(|i| points[i as usize]);
        let (x0, x1) = min_max(corners.map(|p| p[0]));
        let (y0, y1) = min_max(corners.map(|p| p[1]));
        let (i0, i1) = ((x0 / cell).floor() as i64, (x1 / cell).ceil() as i64);
        let (j0, j1) = ((y0 / cell).floor() as i64, (y1 / cell).ceil() as i64);
        // Within one cell; or across more cells than a polygon of the
        // cell's size can have (holes written far outside their polygon,
        // coordinates at infinity): left whole rather than cut forever.
        let cells = (i1 - i0).saturating_mul(j1 - j0);
        if cells <= 1 || cells > MAX_CELLS_PER_TRIANGLE {
            out.push(corners.to_vec());
            continue;
        }
        for i in i0..i1 {
            for j in j0..j1 {
                let rect = [
                    i as f64 * cell,
                    j as f64 * cell,
                    (i + 1) as f64 * cell,
                    (j + 1) as f64 * cell,
                ];
                let piece = clip_to_rect(&corners, rect);
                if piece.len() >= 3 && pw_geo::polygon::signed_area(&piece).abs() > 1e-9 {
                    out.push(piece);
                }
            }
        }
    }
    out
}

/// An edge gets at most this many points in between (an edge across a
/// continent, or to a point at infinity, is not cut into millions).
pub const MAX_POINTS_PER_EDGE: f64 = 1024.0;

/// A ring (closed or open) with points added so that no edge is longer
/// than `step` (up to [`MAX_POINTS_PER_EDGE`] per edge): an outline that
/// follows the ground between its corners.
pub fn densify(ring: &[[f64; 2]], step: f64) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(ring.len());
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
        let pieces = len / step;
        let n = if pieces.is_finite() {
            pieces.ceil().clamp(1.0, MAX_POINTS_PER_EDGE) as usize
        } else {
            1
        };
        for k in 0..n {
            let t = k as f64 / n as f64;
            out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    if let Some(last) = ring.last() {
        out.push(*last);
    }
    out
}

fn min_max(v: [f64; 3]) -> (f64, f64) {
    (v[0].min(v[1]).min(v[2]), v[0].max(v[1]).max(v[2]))
}

/// Sutherland–Hodgman: a convex polygon cut to an axis-aligned rectangle
/// (min x, min y, max x, max y).
fn clip_to_rect(polygon: &[[f64; 2]], rect: [f64; 4]) -> Vec<[f64; 2]> {
    // Each edge of the rectangle as (axis, bound, keep-below).
    let edges = [
        (0, rect[0], false),
        (0, rect[2], true),
        (1, rect[1], false),
        (1, rect[3], true),
    ];
    let mut poly = polygon.to_vec();
    for (axis, bound, below) in edges {
        if poly.is_empty() {
            break;
        }
        let inside = |p: &[f64; 2]| {
            if below {
                p[axis] <= bound
            } else {
                p[axis] >= bound
            }
        };
        let mut next = Vec::with_capacity(poly.len() + 2);
        for k in 0..poly.len() {
            let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
            let (ia, ib) = (inside(&a), inside(&b));
            if ia {
                next.push(a);
            }
            if ia != ib {
                let t = (bound - a[axis]) / (b[axis] - a[axis]);
                next.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
            }
        }
        poly = next;
    }
    poly
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(pieces: &[Vec<[f64; 2]>]) -> f64 {
        pieces
            .iter()
            .map(|p| pw_geo::polygon::signed_area(p).abs())
            .sum()
    }

    #[test]
    fn pieces_cover_the_polygon_and_its_hole_exactly_cell_by_cell() {
        // 100 × 60 m with a 20 × 20 m courtyard, cut by a 25 m grid.
        let outer = [[0.0, 0.0], [100.0, 0.0], [100.0, 60.0], [0.0, 60.0]];
        let hole = vec![[40.0, 20.0], [40.0, 40.0], [60.0, 40.0], [60.0, 20.0]];
        let pieces = grid_pieces(&outer, &[hole], 25.0);
        assert!(
            (total(&pieces) - (6000.0 - 400.0)).abs() < 1e-6,
            "{}",
            total(&pieces)
        );
        for p in &pieces {
            let (x0, x1) = p
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), q| (a.min(q[0]), b.max(q[0])));
            let (y0, y1) = p
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), q| (a.min(q[1]), b.max(q[1])));
            assert!(x1 - x0 <= 25.0 + 1e-9 && y1 - y0 <= 25.0 + 1e-9, "{p:?}");
            // Inside one cell.
            assert!((x0 / 25.0).floor() >= (x1 / 25.0).ceil() - 1.0, "{p:?}");
            // Nothing of the courtyard.
            let c = p.iter().fold([0.0, 0.0], |s, q| [s[0] + q[0], s[1] + q[1]]);
            let c = [c[0] / p.len() as f64, c[1] / p.len() as f64];
            assert!(
                !(c[0] > 40.0 && c[0] < 60.0 && c[1] > 20.0 && c[1] < 40.0),
                "{p:?}"
            );
        }
        // A polygon smaller than a cell stays its triangles.
        let small = grid_pieces(&[[1.0, 1.0], [4.0, 1.0], [4.0, 3.0]], &[], 25.0);
        assert_eq!(small.len(), 1);
        assert!(grid_pieces(&[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], &[], 25.0).is_empty());
        // A hole far outside its polygon: done, not cut forever.
        let far = vec![[1e9, 1e9], [1e9 + 1.0, 1e9], [1e9, 1e9 + 1.0]];
        let pieces = grid_pieces(&outer, &[far], 25.0);
        assert!(!pieces.is_empty() && pieces.len() < 100_000);
    }

    #[test]
    fn large_features_get_coarser_cells_and_outlines_points_between() {
        assert_eq!(cell_for(300.0, 200.0, 30.0), 30.0);
        assert_eq!(cell_for(64_000.0, 10_000.0, 30.0), 1000.0);
        let line = densify(&[[0.0, 0.0], [100.0, 0.0], [100.0, 10.0]], 30.0);
        assert_eq!(line.len(), 4 + 1 + 1, "{line:?}");
        assert_eq!(line[1], [25.0, 0.0]);
        assert_eq!(*line.last().unwrap(), [100.0, 10.0]);
        // Found by fuzzing: an edge to a point far away, or at infinity.
        assert_eq!(densify(&[[0.0, 0.0], [1e12, 0.0]], 25.0).len(), 1024 + 1);
        assert_eq!(densify(&[[0.0, 0.0], [f64::INFINITY, 0.0]], 25.0).len(), 2);
        assert_eq!(densify(&[[0.0, 0.0], [f64::NAN, 0.0]], 25.0).len(), 2);
    }
}
