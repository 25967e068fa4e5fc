//! The point-in-polygon test and the ring area every crate needs, once.

/// Signed area of an open ring (shoelace; counter-clockwise positive;
/// further coordinates such as z are ignored).
pub fn signed_area<P: AsRef<[f64]>>(ring: &[P]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i].as_ref(), ring[(i + 1) % n].as_ref());
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

/// Whether `p` (x, y) lies inside `ring` (even–odd rule; the ring may be
/// closed or open; further coordinates such as z are ignored).
pub fn ring_contains<P: AsRef<[f64]>>(ring: &[P], p: [f64; 2]) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (a, b) = (ring[i].as_ref(), ring[j].as_ref());
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_signed_by_winding() {
        let ccw = [[0.0, 0.0], [10.0, 0.0], [10.0, 5.0], [0.0, 5.0]];
        assert_eq!(signed_area(&ccw), 50.0);
        let cw: Vec<[f64; 3]> = ccw.iter().rev().map(|p| [p[0], p[1], 7.0]).collect();
        assert_eq!(signed_area(&cw), -50.0);
        assert_eq!(signed_area::<[f64; 2]>(&[]), 0.0);
    }

    #[test]
    fn inside_outside_open_closed_with_z() {
        let square = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        assert!(ring_contains(&square, [5.0, 5.0]));
        assert!(!ring_contains(&square, [15.0, 5.0]));
        let closed_3d = [
            [0.0, 0.0, 1.0],
            [10.0, 0.0, 1.0],
            [10.0, 10.0, 1.0],
            [0.0, 10.0, 1.0],
            [0.0, 0.0, 1.0],
        ];
        assert!(ring_contains(&closed_3d, [5.0, 5.0]));
        assert!(!ring_contains::<[f64; 2]>(&[], [0.0, 0.0]));
    }
}
