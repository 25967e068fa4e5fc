//! Footprint geometry in the plane: area, orientation, self-intersection,
//! point in polygon — what drawing and key figures need.

pub type P2 = [f64; 2];

/// Signed area (shoelace): positive for counter-clockwise rings.
pub fn signed_area(ring: &[P2]) -> f64 {
    pw_analysis::params::ring_area(ring)
}

pub fn area(ring: &[P2]) -> f64 {
    signed_area(ring).abs()
}

/// The centre of mass of the area a ring encloses (closed or open ring);
/// the mean of its corners where it encloses none. Computed relative to
/// the first corner: products of UTM coordinates would cancel digits.
pub fn centroid(ring: &[P2]) -> P2 {
    let n = ring.len();
    let Some(&o) = ring.first() else {
        return [0.0, 0.0];
    };
    let (mut cx, mut cy, mut twice) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let (a, b) = ([a[0] - o[0], a[1] - o[1]], [b[0] - o[0], b[1] - o[1]]);
        let c = a[0] * b[1] - b[0] * a[1];
        twice += c;
        cx += (a[0] + b[0]) * c;
        cy += (a[1] + b[1]) * c;
    }
    if twice.abs() > 1e-12 {
        [o[0] + cx / (3.0 * twice), o[1] + cy / (3.0 * twice)]
    } else {
        let k = n.max(1) as f64;
        [
            ring.iter().map(|p| p[0]).sum::<f64>() / k,
            ring.iter().map(|p| p[1]).sum::<f64>() / k,
        ]
    }
}

fn cross(o: P2, a: P2, b: P2) -> f64 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// Whether segments ab and cd cross or touch (collinear overlap included).
fn segments_meet(a: P2, b: P2, c: P2, d: P2) -> bool {
    let (d1, d2, d3, d4) = (
        cross(c, d, a),
        cross(c, d, b),
        cross(a, b, c),
        cross(a, b, d),
    );
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    let on = |p: P2, q: P2, r: P2| {
        cross(p, q, r).abs() < 1e-9
            && r[0] >= p[0].min(q[0]) - 1e-9
            && r[0] <= p[0].max(q[0]) + 1e-9
            && r[1] >= p[1].min(q[1]) - 1e-9
            && r[1] <= p[1].max(q[1]) + 1e-9
    };
    on(c, d, a) || on(c, d, b) || on(a, b, c) || on(a, b, d)
}

/// The first pair of non-adjacent edges that meet, if any.
pub fn self_intersection(ring: &[P2]) -> Option<(usize, usize)> {
    let n = ring.len();
    for i in 0..n {
        for j in i + 1..n {
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            if adjacent {
                continue;
            }
            if segments_meet(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n]) {
                return Some((i, j));
            }
        }
    }
    None
}

/// Even-odd point in polygon.
/// Why a drawn ring (footprint, surface) cannot be built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RingProblem {
    NotANumber,
    TooFewCorners(usize),
    /// Edges a and b cross.
    Crossing(usize, usize),
    NoArea,
}

/// The first problem of a ring drawn by hand, in the order a user fixes
/// them; None when it makes a polygon (≥ 3 corners, no crossing, ≥ 0.01 m²).
pub fn ring_problem(ring: &[P2]) -> Option<RingProblem> {
    if ring.iter().flatten().any(|v| !v.is_finite()) {
        return Some(RingProblem::NotANumber);
    }
    if ring.len() < 3 {
        return Some(RingProblem::TooFewCorners(ring.len()));
    }
    if let Some((a, b)) = self_intersection(ring) {
        return Some(RingProblem::Crossing(a, b));
    }
    (area(ring) < 0.01).then_some(RingProblem::NoArea)
}

pub fn contains(ring: &[P2], p: P2) -> bool {
    pw_geo::polygon::ring_contains(ring, p)
}

/// Whether `p` lies within `tolerance` of an edge of the ring.
pub fn on_boundary(ring: &[P2], p: P2, tolerance: f64) -> bool {
    let n = ring.len();
    (0..n).any(|i| {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (a[0] + t * dx - p[0]).hypot(a[1] + t * dy - p[1]) <= tolerance
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centroid_of_an_l_shape_lies_where_its_area_is() {
        // A 2 × 1 bar plus 1 × 1 on its left end: area 3, centre (5/6, 5/6).
        let l = [
            [0.0, 0.0],
            [2.0, 0.0],
            [2.0, 1.0],
            [1.0, 1.0],
            [1.0, 2.0],
            [0.0, 2.0],
        ];
        let c = centroid(&l);
        assert!(
            (c[0] - 5.0 / 6.0).abs() < 1e-12 && (c[1] - 5.0 / 6.0).abs() < 1e-12,
            "{c:?}"
        );
        // Closed (first corner repeated) the same.
        let mut closed = l.to_vec();
        closed.push(l[0]);
        assert_eq!(centroid(&closed), c);
    }

    #[test]
    fn area_orientation_crossing_and_inside() {
        let r = [[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 12.0]];
        assert_eq!(signed_area(&r), 240.0);
        let mut cw = r;
        cw.reverse();
        assert_eq!(signed_area(&cw), -240.0);
        assert_eq!(self_intersection(&r), None);
        let bow = [[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]];
        assert_eq!(self_intersection(&bow), Some((0, 2)));
        assert!(contains(&r, [5.0, 5.0]));
        assert!(!contains(&r, [25.0, 5.0]));
        assert!(on_boundary(&r, [20.0, 5.0], 1e-9));
        assert!(!on_boundary(&r, [19.0, 5.0], 0.5));
    }
}
