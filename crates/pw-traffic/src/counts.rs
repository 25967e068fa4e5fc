//! Counted against simulated volumes: each counting point finds the road
//! links at its place (the nearest road, both directions or the one its
//! heading says), and the GEH statistic says how well the simulation
//! meets the count. GEH = √(2 (M − C)² / (M + C)) with M simulated and C
//! counted vehicles per hour (UK Design Manual for Roads and Bridges,
//! TAG unit M3.1): below 5 is a good match, and a model is taken as
//! calibrated where at least 85 % of its counts are below 5.

use crate::road_link::RoadLink;
use pw_analysis::Message;
use pw_analysis::scenario::TrafficCount;

/// How far a counting point may lie from its road, metres.
pub const REACH_M: f64 = 50.0;
/// How far a link's direction may differ from a count's heading, degrees.
pub const HEADING_TOLERANCE_DEG: f64 = 60.0;
/// GEH below this counts as a good match.
pub const GOOD_GEH: f64 = 5.0;
/// Share of counts that must match well for a calibrated model.
pub const GOOD_SHARE: f64 = 0.85;

pub fn geh(simulated: f64, counted: f64) -> f64 {
    if simulated + counted <= 0.0 {
        return 0.0;
    }
    (2.0 * (simulated - counted).powi(2) / (simulated + counted)).sqrt()
}

/// One count beside the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct CountCheck {
    /// Its place among the scene's counts (B − A matches counts by it).
    pub index: usize,
    pub name: String,
    pub counted: Option<f64>,
    pub simulated: f64,
    pub geh: Option<f64>,
    /// The road links counted (indices into the roads given).
    pub links: Vec<usize>,
    pub source: String,
}

/// Distance from `p` to the polyline and the direction (degrees from
/// north, clockwise) of its nearest segment.
fn nearest_on(line: &[[f64; 2]], p: [f64; 2]) -> Option<(f64, f64)> {
    line.windows(2)
        .map(|s| {
            let (a, b) = (s[0], s[1]);
            let (q, _) = pw_geo::segment::closest_point(a, b, p);
            let bearing = (b[0] - a[0])
                .atan2(b[1] - a[1])
                .to_degrees()
                .rem_euclid(360.0);
            ((p[0] - q[0]).hypot(p[1] - q[1]), bearing)
        })
        .min_by(|x, y| x.0.total_cmp(&y.0))
}

fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// The counts with the links they count and the simulated volume there;
/// counts that find no road, or no value, are named in the notes. Give
/// the closed roads too (volume 0): a count stays on its road when a
/// variant closes it. A count takes the nearest link and the one back
/// along the same piece, or with a heading the nearest link in its
/// direction: one per direction, also next to a junction.
pub fn check_counts(
    counts: &[TrafficCount],
    roads: &[RoadLink],
    flows: &[f64],
) -> (Vec<CountCheck>, Vec<Message>) {
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    for (index, c) in counts.iter().enumerate() {
        let Some(at) = c.at else {
            notes.push(
                Message::new("traffic.count_no_place")
                    .arg("name", &c.name)
                    .english("Count {name}: its sensor has no place; give it `at` in [[traffic.counts]]."),
            );
            continue;
        };
        let near: Vec<(usize, f64, f64)> = roads
            .iter()
            .enumerate()
            .filter_map(|(i, r)| nearest_on(&r.geometry, at).map(|(d, b)| (i, d, b)))
            .collect();
        let Some(&(nearest, closest, _)) = near.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
            continue;
        };
        if closest > REACH_M {
            notes.push(
                Message::new("traffic.count_no_road")
                    .arg("name", &c.name)
                    .arg("metres", format!("{closest:.0}"))
                    .english(
                        "Count {name}: the nearest road is {metres} m away; it is not compared.",
                    ),
            );
            continue;
        }
        let links: Vec<usize> = match c.heading {
            Some(h) => near
                .iter()
                .filter(|n| n.1 <= REACH_M && angle_between(n.2, h) <= HEADING_TOLERANCE_DEG)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|n| vec![n.0])
                .unwrap_or_default(),
            None => {
                let r = &roads[nearest];
                let back = roads.iter().position(|x| {
                    x.way == r.way
                        && x.piece == r.piece
                        && x.from_node == r.to_node
                        && x.to_node == r.from_node
                });
                std::iter::once(nearest).chain(back).collect()
            }
        };
        if links.is_empty() {
            notes.push(
                Message::new("traffic.count_no_direction")
                    .arg("name", &c.name)
                    .english("Count {name}: no road there runs in the direction it counts."),
            );
            continue;
        }
        let simulated: f64 = links.iter().map(|&i| flows[i]).sum();
        if c.per_hour.is_none() {
            notes.push(
                Message::new("traffic.count_no_value")
                    .arg("name", &c.name)
                    .arg("source", &c.source)
                    .english("Count {name}: {source} has no values for this hour."),
            );
        }
        checks.push(CountCheck {
            index,
            name: c.name.clone(),
            counted: c.per_hour,
            simulated,
            geh: c.per_hour.map(|counted| geh(simulated, counted)),
            links,
            source: c.source.clone(),
        });
    }
    (checks, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published worked values: GEH(1000, 900) = √(2·100²/1900) = 3.244;
    /// GEH(150, 100) = 4.472; equal volumes give 0.
    #[test]
    fn geh_as_the_guidance_defines_it() {
        assert!((geh(1000.0, 900.0) - 3.2444).abs() < 1e-4);
        assert!((geh(150.0, 100.0) - 4.4721).abs() < 1e-4);
        assert!((geh(100.0, 150.0) - 4.4721).abs() < 1e-4);
        assert_eq!(geh(0.0, 0.0), 0.0);
        assert_eq!(geh(420.0, 420.0), 0.0);
    }

    fn road(way: i64, from: i64, to: i64, geometry: Vec<[f64; 2]>) -> RoadLink {
        RoadLink {
            way,
            piece: 0,
            from_node: from,
            to_node: to,
            class: "primary",
            name: None,
            geometry,
            speed: 50.0,
            lanes: 1.0,
            speed_estimated: false,
            lanes_estimated: false,
        }
    }

    #[test]
    fn counts_find_their_road_and_direction() {
        // An east–west road (both directions) and a north–south one 100 m
        // east of the point.
        let roads = vec![
            road(1, 1, 2, vec![[0.0, 0.0], [200.0, 0.0]]),
            road(1, 2, 1, vec![[200.0, 0.0], [0.0, 0.0]]),
            road(2, 3, 4, vec![[300.0, -100.0], [300.0, 100.0]]),
        ];
        let flows = [600.0, 400.0, 900.0];
        let count =
            |name: &str, at: [f64; 2], heading: Option<f64>, per_hour: Option<f64>| TrafficCount {
                name: name.into(),
                at: Some(at),
                heading,
                per_hour,
                source: "Zählstellen: K1".into(),
            };
        let (checks, notes) = check_counts(
            &[
                count("both", [100.0, 8.0], None, Some(1100.0)),
                count("east", [100.0, -8.0], Some(80.0), Some(600.0)),
                count("west", [100.0, 0.0], Some(275.0), Some(300.0)),
                count("far", [100.0, 90.0], None, Some(10.0)),
                count("north only", [300.0, 0.0], Some(180.0), Some(10.0)),
                count("no value", [300.0, 0.0], None, None),
            ],
            &roads,
            &flows,
        );
        let got: Vec<(&str, Vec<usize>, f64)> = checks
            .iter()
            .map(|c| (c.name.as_str(), c.links.clone(), c.simulated))
            .collect();
        assert_eq!(
            got,
            vec![
                ("both", vec![0, 1], 1000.0),
                ("east", vec![0], 600.0),
                ("west", vec![1], 400.0),
                ("no value", vec![2], 900.0),
            ]
        );
        assert!((checks[0].geh.unwrap() - geh(1000.0, 1100.0)).abs() < 1e-12);
        assert_eq!(checks[3].geh, None);
        let notes: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            notes,
            vec![
                "Count far: the nearest road is 90 m away; it is not compared.",
                "Count north only: no road there runs in the direction it counts.",
                "Count no value: Zählstellen: K1 has no values for this hour.",
            ]
        );
    }
}
