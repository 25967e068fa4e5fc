//! Where a tapped corner lands: on a corner of an existing building when
//! close to one, else on its edge, else square to the last edge drawn
//! (within 7°), else on the metre grid — the order a planner expects when
//! a new building is to stand flush with its neighbour.

use crate::polygon::P2;
use pw_city::{CityObject, Semantic};

/// What a point was snapped to (the map shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapTo {
    Grid,
    RightAngle,
    /// On the edge of an existing building.
    Edge,
    /// On the corner of an existing building.
    Corner,
}

/// How close (m) a tap must come to a building's corner or edge to land
/// on it: about a finger's width at street scale.
pub const REACH_M: f64 = 1.0;

/// A building's outline seen from above as edges: its ground surfaces,
/// else the foot of its walls (LoD2 models without ground surfaces).
pub fn outline_edges(o: &CityObject) -> Vec<[P2; 2]> {
    let flat = |p: &[f64; 3]| [p[0], p[1]];
    let grounds: Vec<&Vec<[f64; 3]>> = o
        .surfaces
        .iter()
        .filter(|s| s.semantic == Semantic::Ground)
        .map(|s| &s.exterior)
        .collect();
    if !grounds.is_empty() {
        return grounds
            .iter()
            .flat_map(|r| (0..r.len()).map(move |i| [flat(&r[i]), flat(&r[(i + 1) % r.len()])]))
            .filter(|[a, b]| a != b)
            .collect();
    }
    // A wall seen from above is a segment: its two farthest points.
    o.surfaces
        .iter()
        .filter(|s| s.semantic == Semantic::Wall && s.exterior.len() >= 2)
        .filter_map(|s| {
            let pts: Vec<P2> = s.exterior.iter().map(flat).collect();
            let mut best = (0.0, pts[0], pts[0]);
            for (i, a) in pts.iter().enumerate() {
                for b in &pts[i + 1..] {
                    let d = (a[0] - b[0]).hypot(a[1] - b[1]);
                    if d > best.0 {
                        best = (d, *a, *b);
                    }
                }
            }
            (best.0 > 0.01).then_some([best.1, best.2])
        })
        .collect()
}

fn closest_on_segment(p: P2, [a, b]: [P2; 2]) -> P2 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    if len2 == 0.0 {
        return a;
    }
    let t = (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0);
    [a[0] + t * d[0], a[1] + t * d[1]]
}

fn dist(a: P2, b: P2) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Square to the last edge of `corners` if `p` is within 7° of it, the
/// new edge's length to half a metre.
fn right_angle(corners: &[P2], p: P2) -> Option<P2> {
    let [.., a, b] = corners else { return None };
    let d = [b[0] - a[0], b[1] - a[1]];
    let e = [p[0] - b[0], p[1] - b[1]];
    let (ld, le) = (d[0].hypot(d[1]), e[0].hypot(e[1]));
    if ld < 1e-9 || le < 1e-9 {
        return None;
    }
    let cos = (d[0] * e[0] + d[1] * e[1]) / (ld * le);
    if cos.abs() > 7f64.to_radians().sin() {
        return None;
    }
    // Perpendicular to d, on the side p lies, as long as p's edge.
    let side = (d[0] * e[1] - d[1] * e[0]).signum();
    let n = [-d[1] / ld * side, d[0] / ld * side];
    let length = (le * 2.0).round() / 2.0;
    Some([b[0] + n[0] * length, b[1] + n[1] * length])
}

/// The corner a tap at `p` sets, given the corners so far and the edges
/// of existing buildings near `p`.
pub fn snap(corners: &[P2], p: P2, edges: &[[P2; 2]]) -> (P2, SnapTo) {
    let corner = edges
        .iter()
        .flat_map(|e| e.iter())
        .map(|c| (dist(*c, p), *c))
        .filter(|(d, _)| *d <= REACH_M)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, c)) = corner {
        return (c, SnapTo::Corner);
    }
    let on_edge = edges
        .iter()
        .map(|e| {
            let q = closest_on_segment(p, *e);
            (dist(q, p), q)
        })
        .filter(|(d, _)| *d <= REACH_M)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, q)) = on_edge {
        return (q, SnapTo::Edge);
    }
    // Square to the last edge. A drawing on the metre grid stays on it;
    // one that started at a neighbour's corner (off the grid) is measured
    // from that corner.
    let on_grid = |q: &P2| q[0] == q[0].round() && q[1] == q[1].round();
    let from = if corners.last().is_none_or(on_grid) {
        [p[0].round(), p[1].round()]
    } else {
        p
    };
    match right_angle(corners, from) {
        Some(q) => (q, SnapTo::RightAngle),
        None => ([p[0].round(), p[1].round()], SnapTo::Grid),
    }
}

/// The next corner `length` metres from the last one, toward `pointer`
/// (squared to the last edge when the pointer is nearly square to it).
/// None without a corner to start from or a direction.
pub fn corner_at_length(corners: &[P2], pointer: P2, length: f64) -> Option<P2> {
    let b = *corners.last()?;
    let toward = right_angle(corners, pointer).unwrap_or(pointer);
    let d = [toward[0] - b[0], toward[1] - b[1]];
    let l = d[0].hypot(d[1]);
    (l > 1e-9 && length.is_finite() && length > 0.0)
        .then(|| [b[0] + d[0] / l * length, b[1] + d[1] / l * length])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Volume;

    #[test]
    fn taps_snap_to_grid_and_right_angles_away_from_buildings() {
        let (p, to) = snap(&[], [280_930.4, 5_657_330.6], &[]);
        assert_eq!((p, to), ([280_930.0, 5_657_331.0], SnapTo::Grid));
        let c = [[0.0, 0.0], [20.0, 0.0]];
        // 5° off square: made square, the length kept to half a metre.
        assert_eq!(
            snap(&c, [21.1, 12.2], &[]),
            ([20.0, 12.0], SnapTo::RightAngle)
        );
        // Clearly not square (30°): left where tapped, on the grid.
        assert_eq!(snap(&c, [27.0, 12.0], &[]).0, [27.0, 12.0]);
        // The other side too.
        assert_eq!(snap(&c, [19.6, -8.2], &[]).0, [20.0, -8.0]);
    }

    #[test]
    fn taps_near_a_building_land_on_its_corner_or_edge() {
        // A neighbour turned 10° off the grid, its ground surface drawn.
        let mut v = Volume::new(
            "nachbar",
            vec![[0.0, 0.0], [10.0, 0.0], [10.0, 8.0], [0.0, 8.0]],
            2,
        );
        let (s, c) = 10f64.to_radians().sin_cos();
        for p in &mut v.footprint {
            *p = [100.0 + p[0] * c - p[1] * s, 50.0 + p[0] * s + p[1] * c];
        }
        let o = v.to_object(36.0);
        let edges = outline_edges(&o);
        assert_eq!(edges.len(), 4);
        let corner = v.footprint[1];
        let (p, to) = snap(&[], [corner[0] + 0.4, corner[1] - 0.5], &edges);
        assert_eq!((p, to), (corner, SnapTo::Corner));
        // Halfway along the first edge, 0.8 m off it: onto the edge,
        // not the grid (the edge is off the grid).
        let mid = [
            (v.footprint[0][0] + corner[0]) / 2.0,
            (v.footprint[0][1] + corner[1]) / 2.0,
        ];
        let tap = [mid[0] + 0.8 * s, mid[1] - 0.8 * c];
        let (p, to) = snap(&[], tap, &edges);
        assert_eq!(to, SnapTo::Edge);
        assert!(dist(p, mid) < 1e-9, "{p:?} {mid:?}");
        // Beyond reach: the grid again.
        assert_eq!(
            snap(&[], [mid[0] + 3.0 * s, mid[1] - 3.0 * c], &edges).1,
            SnapTo::Grid
        );
        // Without ground surfaces the walls' feet give the same outline.
        let mut walls_only = o.clone();
        walls_only
            .surfaces
            .retain(|s| s.semantic != Semantic::Ground);
        let e2 = outline_edges(&walls_only);
        assert_eq!(e2.len(), 4);
        assert_eq!(snap(&[], [corner[0] + 0.4, corner[1] - 0.5], &e2).0, corner);
    }

    #[test]
    fn typed_lengths_set_the_next_corner_toward_the_pointer() {
        // The first edge: toward the pointer, as long as typed.
        let p = corner_at_length(&[[0.0, 0.0]], [5.0, 0.3], 20.0).unwrap();
        assert!((p[0].hypot(p[1]) - 20.0).abs() < 1e-9);
        assert!((p[1] / p[0] - 0.3 / 5.0).abs() < 1e-12);
        // After a first edge, a pointer nearly square to it: exactly square.
        let c = [[0.0, 0.0], [20.0, 0.0]];
        assert_eq!(corner_at_length(&c, [20.5, 7.0], 12.0), Some([20.0, 12.0]));
        assert_eq!(corner_at_length(&[], [1.0, 1.0], 5.0), None);
        assert_eq!(corner_at_length(&c, [20.0, 0.0], 5.0), None, "no direction");
        assert_eq!(corner_at_length(&c, [20.0, 5.0], -1.0), None);
    }
}
