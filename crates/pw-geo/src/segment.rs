//! The point of a line segment nearest to a point (plane coordinates):
//! where a counting point, a drawn road's end or a place along a river
//! meets a line.

/// The point of segment a–b nearest to `p`, and where it lies on the
/// segment (0 at `a`, 1 at `b`; 0 for a segment of no length).
pub fn closest_point(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> ([f64; 2], f64) {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ([a[0] + t * d[0], a[1] + t * d[1]], t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_beyond_and_on_a_point() {
        assert_eq!(
            closest_point([0.0, 0.0], [10.0, 0.0], [4.0, 3.0]),
            ([4.0, 0.0], 0.4)
        );
        assert_eq!(
            closest_point([0.0, 0.0], [10.0, 0.0], [-5.0, 1.0]),
            ([0.0, 0.0], 0.0)
        );
        assert_eq!(
            closest_point([0.0, 0.0], [10.0, 0.0], [12.0, 1.0]),
            ([10.0, 0.0], 1.0)
        );
        assert_eq!(
            closest_point([2.0, 2.0], [2.0, 2.0], [5.0, 5.0]),
            ([2.0, 2.0], 0.0)
        );
    }
}
