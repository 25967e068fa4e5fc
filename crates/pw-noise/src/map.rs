//! Levels at receivers from road lines: each line is cut into point
//! sources per receiver (spacing half the distance, as CNOSSOS-EU and
//! RLS-19 ask), every path from each point is attenuated once and serves
//! every period of the day.

use crate::bands::{A_WEIGHTING, Bands, db_to_power, power_to_db};
use crate::cnossos::emission::{Junction, JunctionSplit};
use crate::junctions::{JUNCTION_REACH_M, JunctionPoints, nearest_on_line};
use crate::propagate::{PathSettings, paths_via};
use crate::rls19::emission::{JunctionKind, junction_correction, multiple_reflection};
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
    /// Some: the junctions on this road (see [`Sources::with_junctions`])
    /// change each point source in both methods, CNOSSOS-EU's emission
    /// taken apart for it per period. None: the road takes no junctions
    /// from the map (its table models them, or no split could be made).
    pub junction_split: Option<Box<[JunctionSplit; 3]>>,
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
            // Road sources stand on their hard platform.
            paths: PathSettings {
                source_ground_factor: Some(0.0),
                ..PathSettings::default()
            },
            max_source_distance_m: 250.0,
            spacing_ratio: 2.0,
            p_favourable: [0.5, 0.75, 1.0],
        }
    }
}

/// A-weighted levels at a receiver (dB(A)): CNOSSOS-EU's at [`L_DAY`],
/// [`L_EVENING`], [`L_NIGHT`], [`L_DEN`]; RLS-19's at [`LR_DAY`],
/// [`LR_NIGHT`].
pub type Levels = Vec<f64>;

pub const L_DAY: usize = 0;
pub const L_EVENING: usize = 1;
pub const L_NIGHT: usize = 2;
pub const L_DEN: usize = 3;
/// L_r,Tag (6–22 h).
pub const LR_DAY: usize = 0;
/// L_r,Nacht (22–6 h).
pub const LR_NIGHT: usize = 1;

/// The lines of all sources, indexed for "which lie near this receiver".
pub struct Sources {
    pub lines: Vec<LineSource>,
    index: RTree<GeomWithData<Line<[f64; 2]>, usize>>,
    /// Per line (index for index with `lines`: both are only set
    /// together, here), the junctions on its road.
    junctions: Vec<Vec<([f64; 2], JunctionKind)>>,
}

impl Sources {
    /// Lines brake and start again at the junctions on their road: those
    /// within `tolerance_m` of the line (OSM links end on their junction
    /// nodes: 0.5 m; a city's road table drawn apart from the map: a few
    /// metres), and those of the lines it continues into where they meet
    /// end to end without a junction (OSM ways are split where lanes or
    /// limits change, often shortly before the lights).
    pub fn with_junctions(
        lines: Vec<LineSource>,
        junctions: &JunctionPoints,
        tolerance_m: f64,
    ) -> Sources {
        let heeds = |l: &LineSource| l.junction_split.is_some() && l.line.len() >= 2;
        // Lines joined end to end where no junction is: one road each.
        let mut road: Vec<usize> = (0..lines.len()).collect();
        fn find(road: &mut [usize], mut i: usize) -> usize {
            while road[i] != i {
                road[i] = road[road[i]];
                i = road[i];
            }
            i
        }
        let mut ends: std::collections::BTreeMap<(i64, i64), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, l) in lines.iter().enumerate() {
            if !heeds(l) {
                continue;
            }
            for p in [l.line[0], l.line[l.line.len() - 1]] {
                // Centimetres: the same node gives the same coordinates.
                let key = ((p[0] * 100.0).round() as i64, (p[1] * 100.0).round() as i64);
                ends.entry(key).or_default().push(i);
            }
        }
        for ((x, y), at) in &ends {
            let p = [*x as f64 / 100.0, *y as f64 / 100.0];
            if at.len() < 2 || junctions.any_within(p, tolerance_m) {
                continue;
            }
            let first = find(&mut road, at[0]);
            for &i in &at[1..] {
                let other = find(&mut road, i);
                road[other] = first;
            }
        }
        let mut on_road: Vec<Vec<([f64; 2], JunctionKind)>> = vec![Vec::new(); lines.len()];
        for (i, l) in lines.iter().enumerate() {
            if heeds(l) {
                let r = find(&mut road, i);
                for j in junctions.on_line(&l.line, tolerance_m) {
                    if !on_road[r].contains(&j) {
                        on_road[r].push(j);
                    }
                }
            }
        }
        let on_lines = (0..lines.len())
            .map(|i| {
                if !heeds(&lines[i]) {
                    return Vec::new();
                }
                let list = &on_road[find(&mut road, i)];
                // Plain junctions only: no term on this road.
                if list.iter().all(|(_, kind)| *kind == JunctionKind::None) {
                    Vec::new()
                } else {
                    list.clone()
                }
            })
            .collect();
        Sources {
            junctions: on_lines,
            ..Sources::new(lines)
        }
    }

    /// The junctions with a term some line heeds within `area` (min x,
    /// min y, max x, max y): (traffic lights, at roundabouts).
    pub fn junction_counts_within(&self, area: [f64; 4]) -> (usize, usize) {
        let mut seen: Vec<([f64; 2], JunctionKind)> = Vec::new();
        for (p, kind) in self.junctions.iter().flatten() {
            if *kind != JunctionKind::None
                && (area[0]..=area[2]).contains(&p[0])
                && (area[1]..=area[3]).contains(&p[1])
                && !seen.contains(&(*p, *kind))
            {
                seen.push((*p, *kind));
            }
        }
        let lights = seen
            .iter()
            .filter(|(_, kind)| *kind == JunctionKind::TrafficLights)
            .count();
        (lights, seen.len() - lights)
    }

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
            junctions: vec![Vec::new(); lines.len()],
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

/// Point sources of a line for one receiver: (position, weight: the
/// length it stands for, corrected so its 1/r² spreading is exact over
/// the piece). Each piece is at most its distance from the receiver /
/// `spacing_ratio` long (and at least 1 m): short pieces near the
/// receiver, long ones far away — the rule both methods give (RLS-19:
/// l_i ≤ s_i / 2), with far fewer points than one spacing for the whole
/// line.
pub fn split_line(
    line: &[[f64; 3]],
    receiver: [f64; 3],
    spacing_ratio: f64,
) -> Vec<([f64; 3], f64)> {
    pieces(line, &segment_lengths(line), receiver, spacing_ratio)
        .into_iter()
        .map(|p| (p.middle, p.weight))
        .collect()
}

/// One point source of [`split_line`] with the stretch of road it
/// stands for: from `from_m` along the line, `length_m` long.
struct Piece {
    middle: [f64; 3],
    weight: f64,
    from_m: f64,
    length_m: f64,
}

/// The lengths of a line's segments.
fn segment_lengths(line: &[[f64; 3]]) -> Vec<f64> {
    line.windows(2).map(|w| distance3(w[0], w[1])).collect()
}

/// The point at distance `at` along the line (its segments `lengths` long).
fn point_along(line: &[[f64; 3]], lengths: &[f64], at: f64) -> [f64; 3] {
    let mut walked = 0.0;
    for (k, &l) in lengths.iter().enumerate() {
        if walked + l >= at || k == lengths.len() - 1 {
            let t = if l > 0.0 {
                ((at - walked) / l).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (a, b) = (line[k], line[k + 1]);
            return [
                a[0] + t * (b[0] - a[0]),
                a[1] + t * (b[1] - a[1]),
                a[2] + t * (b[2] - a[2]),
            ];
        }
        walked += l;
    }
    line[line.len() - 1]
}

fn pieces(
    line: &[[f64; 3]],
    lengths: &[f64],
    receiver: [f64; 3],
    spacing_ratio: f64,
) -> Vec<Piece> {
    let single = |p: [f64; 3]| Piece {
        middle: p,
        weight: 1.0,
        from_m: 0.0,
        length_m: 0.0,
    };
    if line.len() < 2 {
        return line.iter().map(|&p| single(p)).collect();
    }
    let total: f64 = lengths.iter().sum();
    if total <= 0.0 {
        return vec![single(line[0])];
    }
    let point_at = |at: f64| point_along(line, lengths, at);
    let piece_at = |at: f64| (distance3(point_at(at), receiver) / spacing_ratio).max(1.0);
    let mut out = Vec::new();
    let mut at = 0.0;
    while at < total - 1e-9 {
        // A first guess from the piece's start, then from its middle.
        let guess = piece_at(at).min(total - at);
        let mut piece = piece_at(at + guess / 2.0).min(guess).min(total - at);
        // A last sliver joins this piece rather than standing alone.
        if total - at - piece < 0.5 {
            piece = total - at;
        }
        let (start, middle, end) = (
            point_at(at),
            point_at(at + piece / 2.0),
            point_at(at + piece),
        );
        out.push(Piece {
            middle,
            weight: piece * spreading_correction(start, end, middle, receiver),
            from_m: at,
            length_m: piece,
        });
        at += piece;
    }
    out
}

/// How much more energy the piece start→end brings by 1/r² spreading
/// than its middle point standing for all of it: ∫ du / r² over the chord
/// against length / r_mid² (the midpoint rule underestimates the far,
/// long pieces by up to 6 %; this makes them exact for the spreading).
fn spreading_correction(
    start: [f64; 3],
    end: [f64; 3],
    middle: [f64; 3],
    receiver: [f64; 3],
) -> f64 {
    let chord = distance3(start, end);
    if chord <= 0.0 {
        return 1.0;
    }
    let e = [
        (end[0] - start[0]) / chord,
        (end[1] - start[1]) / chord,
        (end[2] - start[2]) / chord,
    ];
    let along = |p: [f64; 3]| {
        (p[0] - receiver[0]) * e[0] + (p[1] - receiver[1]) * e[1] + (p[2] - receiver[2]) * e[2]
    };
    let (u1, u2) = (along(start), along(end));
    let h2 = (distance3(start, receiver).powi(2) - u1 * u1).max(1e-6);
    let h = h2.sqrt();
    let exact = ((u2 / h).atan() - (u1 / h).atan()) / h;
    let r_mid2 = distance3(middle, receiver).powi(2);
    exact * r_mid2 / chord
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
    let reflectors = if settings.paths.reflections {
        scene.reflectors_around(
            [receiver[0], receiver[1]],
            settings.paths.reflection_reach_m,
        )
    } else {
        Vec::new()
    };
    let mut bands = [[0.0; 8]; 3];
    let mut a_weighted = [0.0; 2];
    for i in sources.near([receiver[0], receiver[1]], settings.max_source_distance_m) {
        let source = &sources.lines[i];
        let line: Vec<[f64; 3]> = source
            .line
            .iter()
            .map(|p| [p[0], p[1], p[2] + lift])
            .collect();
        let junctions = &sources.junctions[i];
        let lengths = segment_lengths(&line);
        for piece in pieces(&line, &lengths, receiver, settings.spacing_ratio) {
            let point = piece.middle;
            if distance3(point, receiver) > settings.max_source_distance_m {
                continue;
            }
            let weight = piece.weight;
            // Junctions on the line change the emission along the piece:
            // taken at points at most 5 m apart and averaged (the paths are
            // followed from the middle only), both terms fade out over
            // 100–120 m and a piece far away is longer than that.
            let junction_points = match (&source.junction_split, junctions.is_empty()) {
                (Some(split), false) => near_junction_points(junctions, &line, &lengths, &piece)
                    .map(|points| (split, points)),
                _ => None,
            };
            match settings.method {
                Method::Cnossos => {
                    let emission = match &junction_points {
                        Some((split, points)) => {
                            let mut mean = [[0.0; 8]; 3];
                            for near in points {
                                let junction = match near {
                                    Some((JunctionKind::TrafficLights, distance_m)) => {
                                        Junction::TrafficLights {
                                            distance_m: *distance_m,
                                        }
                                    }
                                    Some((JunctionKind::Roundabout, distance_m)) => {
                                        Junction::Roundabout {
                                            distance_m: *distance_m,
                                        }
                                    }
                                    _ => Junction::None,
                                };
                                for (k, period) in split.iter().enumerate() {
                                    let power = period.power_at(junction);
                                    for b in 0..8 {
                                        mean[k][b] += power[b] / points.len() as f64;
                                    }
                                }
                            }
                            mean
                        }
                        None => source.cnossos.map(|period| period.map(db_to_power)),
                    };
                    for path in paths_via(scene, point, receiver, &settings.paths, &reflectors) {
                        let kept = path.attenuation.transmission();
                        for (k, &p) in settings.p_favourable.iter().enumerate() {
                            let e = kept.energy(&emission[k], p);
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
                        sections.extend(scene.reflections_on(point, receiver, &reflectors));
                    }
                    // D_refl: a street between facades on both sides is louder.
                    let d_refl = scene
                        .street_canyon(
                            [point[0], point[1]],
                            direction_at(&line, point),
                            CANYON_REACH_M,
                        )
                        .map_or(0.0, |(h, w)| multiple_reflection(h, w));
                    // D_K: braking and starting at the nearest junction.
                    let d_k = junction_points.as_ref().map_or(0.0, |(_, points)| {
                        power_to_db(
                            points
                                .iter()
                                .map(|near| {
                                    db_to_power(
                                        near.map_or(0.0, |(kind, x)| junction_correction(kind, x)),
                                    )
                                })
                                .sum::<f64>()
                                / points.len() as f64,
                        )
                    });
                    for section in &sections {
                        let d_a = crate::rls19::path::attenuation(section);
                        for (sum, power) in a_weighted.iter_mut().zip(source.rls19) {
                            *sum += weight * db_to_power(power + d_refl + d_k - d_a);
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

/// Sub-points of a piece for the junction terms at most this far apart (m).
const JUNCTION_STEP_M: f64 = 5.0;

/// The nearest junction (kind, distance) at points along the piece's
/// stretch of road at most [`JUNCTION_STEP_M`] apart; `None` when no
/// junction of the line comes within reach of any part of it.
#[allow(clippy::type_complexity)]
fn near_junction_points(
    junctions: &[([f64; 2], JunctionKind)],
    line: &[[f64; 3]],
    lengths: &[f64],
    piece: &Piece,
) -> Option<Vec<Option<(JunctionKind, f64)>>> {
    let m = [piece.middle[0], piece.middle[1]];
    // No point of the stretch is farther from its middle than half its
    // length along the road.
    let reach = JUNCTION_REACH_M + piece.length_m / 2.0;
    if !junctions
        .iter()
        .any(|(q, _)| (q[0] - m[0]).hypot(q[1] - m[1]) < reach)
    {
        return None;
    }
    let n = ((piece.length_m / JUNCTION_STEP_M).ceil() as usize).max(1);
    let points: Vec<Option<(JunctionKind, f64)>> = (0..n)
        .map(|k| {
            let at = piece.from_m + (k as f64 + 0.5) / n as f64 * piece.length_m;
            let p = point_along(line, lengths, at);
            nearest_on_line(junctions, [p[0], p[1]])
        })
        .collect();
    points.iter().any(Option::is_some).then_some(points)
}

/// Facades farther than this from a road (m) make no street canyon.
const CANYON_REACH_M: f64 = 40.0;

/// The direction (plan, unit) of the line's segment nearest to a point.
fn direction_at(line: &[[f64; 3]], p: [f64; 3]) -> [f64; 2] {
    let mut best = (f64::INFINITY, [1.0, 0.0]);
    for w in line.windows(2) {
        let d = [w[1][0] - w[0][0], w[1][1] - w[0][1]];
        let len2 = d[0] * d[0] + d[1] * d[1];
        if len2 <= 0.0 {
            continue;
        }
        let t = (((p[0] - w[0][0]) * d[0] + (p[1] - w[0][1]) * d[1]) / len2).clamp(0.0, 1.0);
        let q = [w[0][0] + t * d[0] - p[0], w[0][1] + t * d[1] - p[1]];
        let dist2 = q[0] * q[0] + q[1] * q[1];
        if dist2 < best.0 {
            let len = len2.sqrt();
            best = (dist2, [d[0] / len, d[1] / len]);
        }
    }
    best.1
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

    /// OSM ways split where lanes change: a link ending 40 m before the
    /// lights (where the next one begins, no junction) heeds them through
    /// the link it continues into; across a junction nothing carries over,
    /// and a road 3 m beside the lights (a bridge, the other carriageway)
    /// takes none of them.
    #[test]
    fn roads_heed_the_junctions_of_the_links_they_continue_into() {
        let split = junction_split_of_a_town_road();
        let line = |id: &str, a: [f64; 2], b: [f64; 2]| LineSource {
            id: id.into(),
            line: vec![[a[0], a[1], 0.0], [b[0], b[1], 0.0]],
            cnossos: [[60.0; 8]; 3],
            rls19: [70.0, 60.0],
            junction_split: Some(Box::new(split.clone())),
        };
        let junctions = JunctionPoints::new(vec![
            ([0.0, 0.0], JunctionKind::TrafficLights),
            ([300.0, 0.0], JunctionKind::None),
        ]);
        let sources = Sources::with_junctions(
            vec![
                line("approach", [-100.0, 0.0], [-40.0, 0.0]),
                line("last 40 m", [-40.0, 0.0], [0.0, 0.0]),
                line("beyond", [0.0, 0.0], [300.0, 0.0]),
                line("past the plain junction", [300.0, 0.0], [400.0, 0.0]),
                line("beside", [-100.0, 3.0], [100.0, 3.0]),
            ],
            &junctions,
            0.5,
        );
        let kinds = |i: usize| -> Vec<JunctionKind> {
            sources.junctions[i].iter().map(|(_, k)| *k).collect()
        };
        assert_eq!(kinds(0), vec![JunctionKind::TrafficLights]);
        assert_eq!(kinds(1), vec![JunctionKind::TrafficLights]);
        let beyond = kinds(2);
        assert!(
            beyond.len() == 2
                && beyond.contains(&JunctionKind::TrafficLights)
                && beyond.contains(&JunctionKind::None),
            "{beyond:?}"
        );
        assert!(kinds(3).is_empty(), "only a plain junction: {:?}", kinds(3));
        assert!(kinds(4).is_empty());
        assert_eq!(
            sources.junction_counts_within([-10.0, -10.0, 10.0, 10.0]),
            (1, 0)
        );
    }

    fn junction_split_of_a_town_road() -> [crate::cnossos::emission::JunctionSplit; 3] {
        use crate::cnossos::emission::{Coefficients, RoadTraffic, junction_split};
        let mut road = RoadTraffic::default();
        road.flows[0].vehicles_per_hour = 500.0;
        road.flows[0].speed_kmh = 50.0;
        let split = junction_split(&road, Coefficients::Directive2021).unwrap();
        [split.clone(), split.clone(), split]
    }

    #[test]
    fn lines_split_at_half_the_distance() {
        let line = [[0.0, 0.0, 0.05], [1000.0, 0.0, 0.05]];
        let receiver = [500.0, 2.0, 0.05];
        let points = split_line(&line, receiver, 2.0);
        // Far fewer points than 1 m pieces, and together exactly the
        // line's ∫ du / r² (what spreading makes of it).
        assert!(points.len() < 60, "{} pieces", points.len());
        let sum: f64 = points
            .iter()
            .map(|(p, w)| w / distance3(*p, receiver).powi(2))
            .sum();
        let exact = 2.0 * (500.0f64 / 2.0).atan() / 2.0;
        assert!((sum / exact - 1.0).abs() < 1e-9, "{sum} vs {exact}");
        // The piece nearest the receiver is short.
        let nearest = points
            .iter()
            .map(|(p, _)| distance3(*p, receiver))
            .fold(f64::MAX, f64::min);
        assert!(nearest < 2.2, "{nearest}");
    }

    #[test]
    fn lden_weights_evening_and_night() {
        // Equal levels: 10 lg((12 + 4·10^0.5 + 8·10)/24) = 6.40 dB more.
        assert!((lden(60.0, 60.0, 60.0) - 66.3954).abs() < 1e-3);
    }
}
