//! RLS-19 along a section the scene cut: D_A = D_div + D_atm +
//! max(D_gr, D_z) + reflection losses, with the mean ray height h_m from
//! the ground under the ray and the screening path difference over the
//! edges the straight ray meets (terrain, walls, roofs).

use super::propagation::{
    Reflector, air_absorption, divergence, ground, reflection_loss, screening,
};
use crate::cnossos::attenuation::{Condition, edge_point, hull_edges};
use crate::cnossos::profile::{CutKind, PathKind, Section, distance};

/// RLS-19's reflector class of a surface with mean absorption α.
fn reflector_of(alpha: &[f64; 8]) -> Reflector {
    let mean = alpha.iter().sum::<f64>() / 8.0;
    if mean >= 0.6 {
        Reflector::HighlyAbsorbing
    } else if mean >= 0.3 {
        Reflector::Absorbing
    } else {
        Reflector::Facade
    }
}

/// D_A of one path (dB(A)).
pub fn attenuation(section: &Section) -> f64 {
    let (s, r) = (section.source_point(), section.receiver_point());
    let length = match section.kind {
        PathKind::Reflected => section.unfolded_length(),
        _ => section.direct_distance(),
    }
    .max(1.0);
    // h_m: the area between the straight ray and the ground, over the
    // horizontal length.
    let ground_line: Vec<[f64; 2]> = section.points.iter().map(|p| [p.x, p.z_ground]).collect();
    let horizontal = r[0] - s[0];
    let ray = |x: f64| s[1] + (r[1] - s[1]) * (x - s[0]) / horizontal.max(1e-9);
    let area: f64 = ground_line
        .windows(2)
        .map(|w| {
            let dx = w[1][0] - w[0][0];
            dx * ((ray(w[0][0]) - w[0][1]) + (ray(w[1][0]) - w[1][1])) / 2.0
        })
        .sum();
    let mean_height = (area / horizontal.max(1e-9)).max(0.0);
    let d_gr = ground(mean_height, length);
    let edges: Vec<[f64; 2]> = hull_edges(section, Condition::Homogeneous)
        .into_iter()
        .map(|i| edge_point(section, i))
        .collect();
    let d_z = if edges.is_empty() {
        0.0
    } else {
        let a = distance(s, edges[0]);
        let b = distance(edges[edges.len() - 1], r);
        let c: f64 = edges.windows(2).map(|w| distance(w[0], w[1])).sum();
        screening(a, b, c, distance(s, r))
    };
    let reflections: f64 = section
        .points
        .iter()
        .filter_map(|p| match &p.kind {
            CutKind::Reflection { alpha, .. } => Some(reflection_loss(reflector_of(alpha))),
            _ => None,
        })
        .sum();
    divergence(length) + air_absorption(length) + d_gr.max(d_z) + reflections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnossos::profile::CutPoint;

    fn point(kind: CutKind, x: f64, z: f64) -> CutPoint {
        CutPoint {
            kind,
            x,
            z,
            z_ground: 0.0,
            g: 0.0,
            plan: [x, 0.0],
        }
    }

    #[test]
    fn free_field_and_barrier() {
        let free = Section {
            source_ground_factor: None,
            kind: PathKind::Direct,
            points: vec![
                point(CutKind::Source, 0.0, 0.5),
                point(CutKind::Receiver, 100.0, 4.0),
            ],
            source: [0.0, 0.0, 0.5],
            receiver: [100.0, 0.0, 4.0],
        };
        let s = (100.0f64.powi(2) + 3.5f64.powi(2)).sqrt();
        // h_m = (0.5 + 4)/2 = 2.25 m.
        let expected = divergence(s) + air_absorption(s) + ground(2.25, s);
        assert!((attenuation(&free) - expected).abs() < 1e-9);
        let mut walled = free.clone();
        walled.points.insert(1, point(CutKind::Wall, 50.0, 6.0));
        let (a, b) = (
            distance([0.0, 0.5], [50.0, 6.0]),
            distance([50.0, 6.0], [100.0, 4.0]),
        );
        let d_z = screening(a, b, 0.0, distance([0.0, 0.5], [100.0, 4.0]));
        assert!(
            d_z > ground(2.25, s),
            "the wall screens more than the ground absorbs"
        );
        assert!((attenuation(&walled) - (divergence(s) + air_absorption(s) + d_z)).abs() < 1e-9);
    }
}
