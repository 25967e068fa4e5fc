//! Levels at receivers from road lines: each line is cut into point
//! sources per receiver (spacing half the distance, as CNOSSOS-EU and
//! RLS-19 ask), every path from each point is attenuated once and serves
//! every period of the day.

use crate::bands::{A_WEIGHTING, Bands, db_to_power, power_to_db};
use crate::propagate::{PathSettings, paths};
use crate::scene::NoiseScene;
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, PointDistance, RTree};

/// A road (or one direction of it): its line on the road surface and
/// its sound power per metre by CNOSSOS-EU (day, evening, night; dB per
/// band, not A-weighted) and by RLS-19 (Tag, Nacht; dB(A)).
#[derive(Clone, Debug, PartialEq)]
pub struct LineSource {
    pub id: String,
    pub line: Vec<[f64; 3]>,
    pub cnossos: [Bands; 3],
    pub rls19: [f64; 2],
}

/// Which method computes the levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// CNOSSOS-EU: L_day, L_evening, L_night and L_den.
    Cnossos,
    /// RLS-19: L_r,Tag and L_r,Nacht.
    Rls19,
}

impl Method {
    /// Height of the source above the road surface (m).
    pub fn source_height(self) -> f64 {
        match self {
            Method::Cnossos => 0.05,
            Method::Rls19 => 0.5,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapSettings {
    pub method: Method,
    pub paths: PathSettings,
    /// Sources farther than this from a receiver are left out (m).
    pub max_source_distance_m: f64,
    /// A line is cut into pieces no longer than distance / this.
    pub spacing_ratio: f64,
    /// Probability of favourable propagation by day, evening and night
    /// (CNOSSOS-EU; the usual defaults 0.5, 0.75, 1).
    pub p_favourable: [f64; 3],
}

impl Default for MapSettings {
    fn default() -> Self {
        MapSettings {
            method: Method::Cnossos,
            paths: PathSettings::default(),
            max_source_distance_m: 250.0,
            spacing_ratio: 2.0,
            p_favourable: [0.5, 0.75, 1.0],
        }
    }
}

/// A-weighted levels at a receiver: CNOSSOS-EU [L_day, L_evening,
/// L_night, L_den] or RLS-19 [L_r,Tag, L_r,Nacht] (dB(A)).
pub type Levels = Vec<f64>;

/// The lines of all sources, indexed for "which lie near this receiver".
pub struct Sources {
    pub lines: Vec<LineSource>,
    index: RTree<GeomWithData<Line<[f64; 2]>, usize>>,
}

impl Sources {
    pub fn new(lines: Vec<LineSource>) -> Sources {
        let mut segments = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            for w in l.line.windows(2) {
                segments.push(GeomWithData::new(
                    Line::new([w[0][0], w[0][1]], [w[1][0], w[1][1]]),
                    i,
                ));
            }
            if l.line.len() == 1 {
                let p = [l.line[0][0], l.line[0][1]];
                segments.push(GeomWithData::new(Line::new(p, p), i));
            }
        }
        Sources {
            lines,
            index: RTree::bulk_load(segments),
        }
    }

    /// Lines with a part within `reach` of p.
    fn near(&self, p: [f64; 2], reach: f64) -> Vec<usize> {
        let window = AABB::from_corners([p[0] - reach, p[1] - reach], [p[0] + reach, p[1] + reach]);
        let mut found: Vec<usize> = self
            .index
            .locate_in_envelope_intersecting(&window)
            .filter(|s| s.geom().distance_2(&p) <= reach * reach)
            .map(|s| s.data)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn distance3(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt()
}

/// Point sources of a line for one receiver: (position, length each stands for).
pub fn split_line(
    line: &[[f64; 3]],
    receiver: [f64; 3],
    spacing_ratio: f64,
) -> Vec<([f64; 3], f64)> {
    if line.len() < 2 {
        return line.iter().map(|&p| (p, 1.0)).collect();
    }
    // Distance from the receiver to the line (3D, on its segments).
    let nearest = line
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
            let len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            let t = if len2 > 0.0 {
                (((receiver[0] - a[0]) * d[0]
                    + (receiver[1] - a[1]) * d[1]
                    + (receiver[2] - a[2]) * d[2])
                    / len2)
                    .clamp(0.0, 1.0)
            } else {
                0.0
            };
            distance3(
                [a[0] + t * d[0], a[1] + t * d[1], a[2] + t * d[2]],
                receiver,
            )
        })
        .fold(f64::INFINITY, f64::min);
    let spacing = (nearest / spacing_ratio).max(1.0);
    let lengths: Vec<f64> = line.windows(2).map(|w| distance3(w[0], w[1])).collect();
    let total: f64 = lengths.iter().sum();
    if total <= 0.0 {
        return vec![(line[0], 1.0)];
    }
    let pieces = (total / spacing).ceil().max(1.0) as usize;
    let piece = total / pieces as f64;
    // The midpoint of each piece, walking along the line.
    let mut out = Vec::with_capacity(pieces);
    let (mut segment, mut walked) = (0usize, 0.0);
    for k in 0..pieces {
        let target = (k as f64 + 0.5) * piece;
        while segment + 1 < lengths.len() && walked + lengths[segment] < target {
            walked += lengths[segment];
            segment += 1;
        }
        let t = if lengths[segment] > 0.0 {
            ((target - walked) / lengths[segment]).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (a, b) = (line[segment], line[segment + 1]);
        out.push((
            [
                a[0] + t * (b[0] - a[0]),
                a[1] + t * (b[1] - a[1]),
                a[2] + t * (b[2] - a[2]),
            ],
            piece,
        ));
    }
    out
}

/// The levels at one receiver; `None` for a receiver inside a building.
pub fn receiver_levels(
    scene: &NoiseScene,
    sources: &Sources,
    receiver: [f64; 3],
    settings: &MapSettings,
) -> Option<Levels> {
    if scene.building_at([receiver[0], receiver[1]]).is_some() {
        return None;
    }
    let lift = settings.method.source_height();
    let mut bands = [[0.0; 8]; 3];
    let mut a_weighted = [0.0; 2];
    for i in sources.near([receiver[0], receiver[1]], settings.max_source_distance_m) {
        let source = &sources.lines[i];
        let line: Vec<[f64; 3]> = source
            .line
            .iter()
            .map(|p| [p[0], p[1], p[2] + lift])
            .collect();
        for (point, length) in split_line(&line, receiver, settings.spacing_ratio) {
            if distance3(point, receiver) > settings.max_source_distance_m {
                continue;
            }
            let weight = length.max(1.0);
            match settings.method {
                Method::Cnossos => {
                    for path in paths(scene, point, receiver, &settings.paths) {
                        for (k, &p) in settings.p_favourable.iter().enumerate() {
                            let e = path.attenuation.energy(&source.cnossos[k], p);
                            for b in 0..8 {
                                bands[k][b] += weight * e[b];
                            }
                        }
                    }
                }
                Method::Rls19 => {
                    let Some(direct) = scene.direct(point, receiver) else {
                        continue;
                    };
                    let mut sections = vec![direct];
                    if settings.paths.reflections {
                        sections.extend(scene.reflections(
                            point,
                            receiver,
                            settings.paths.reflection_reach_m,
                        ));
                    }
                    for section in &sections {
                        let d_a = crate::rls19::path::attenuation(section);
                        for (sum, power) in a_weighted.iter_mut().zip(source.rls19) {
                            *sum += weight * db_to_power(power - d_a);
                        }
                    }
                }
            }
        }
    }
    Some(match settings.method {
        Method::Cnossos => {
            let [day, evening, night] = bands.map(|e| a_weighted_energy(&e));
            vec![day, evening, night, lden(day, evening, night)]
        }
        Method::Rls19 => a_weighted.iter().map(|&e| power_to_db(e)).collect(),
    })
}

/// A-weighted level of energies per band.
fn a_weighted_energy(energy: &Bands) -> f64 {
    power_to_db(
        (0..8)
            .map(|i| energy[i] * db_to_power(A_WEIGHTING[i]))
            .sum(),
    )
}

/// Levels at many receivers, in parallel.
pub fn levels(
    scene: &NoiseScene,
    sources: &Sources,
    receivers: &[[f64; 3]],
    settings: &MapSettings,
) -> Vec<Option<Levels>> {
    receivers
        .par_iter()
        .map(|&r| receiver_levels(scene, sources, r, settings))
        .collect()
}

/// A-weighted total of a band spectrum (dB(A)).
pub fn a_weighted(levels: &Bands) -> f64 {
    power_to_db(
        (0..8)
            .map(|i| db_to_power(levels[i] + A_WEIGHTING[i]))
            .sum(),
    )
}

/// L_den from the A-weighted day (12 h), evening (4 h, +5 dB) and night
/// (8 h, +10 dB) levels (Directive 2002/49/EC Annex I).
pub fn lden(day: f64, evening: f64, night: f64) -> f64 {
    power_to_db(
        (12.0 * db_to_power(day)
            + 4.0 * db_to_power(evening + 5.0)
            + 8.0 * db_to_power(night + 10.0))
            / 24.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_at_half_the_distance() {
        let line = [[0.0, 0.0, 0.05], [100.0, 0.0, 0.05]];
        // 20 m away: pieces of at most 10 m → 10 pieces of 10 m.
        let points = split_line(&line, [50.0, 20.0, 0.05], 2.0);
        assert_eq!(points.len(), 10);
        assert!((points[0].0[0] - 5.0).abs() < 1e-9 && (points[0].1 - 10.0).abs() < 1e-9);
        assert!((points[9].0[0] - 95.0).abs() < 1e-9);
        // Close by the pieces are 1 m.
        assert_eq!(split_line(&line, [50.0, 0.5, 0.05], 2.0).len(), 100);
    }

    #[test]
    fn lden_weights_evening_and_night() {
        // Equal levels: 10 lg((12 + 4·10^0.5 + 8·10)/24) = 6.40 dB more.
        assert!((lden(60.0, 60.0, 60.0) - 66.3954).abs() < 1e-3);
    }
}
