//! An assignment as a result of the analysis framework: one line per road
//! link with its volume (the legend's quantity) and capacity, volume /
//! capacity, travel times, name and class as columns; the key figures
//! (vehicle-kilometres, vehicle-hours, trips, gap) as KPIs — so the
//! framework draws, compares (B − A) and exports it like any analysis.

use crate::osm::RoadLink;
use crate::{Assignment, Demand, Network};
use pw_analysis::result::{Column, Feature, FeatureGeometry, FeatureValues};
use pw_analysis::{AnalysisResult, Kpi, Legend, Message, Quantity, RunStamp};

/// Vehicles per hour, in classes a road map of a town reads well.
pub const VOLUME_CLASSES: [(f32, [u8; 3]); 7] = [
    (0.0, [210, 210, 210]),
    (100.0, [254, 229, 153]),
    (300.0, [253, 187, 90]),
    (600.0, [245, 130, 50]),
    (1000.0, [220, 70, 40]),
    (1500.0, [170, 20, 40]),
    (2500.0, [100, 0, 60]),
];

pub fn volume_quantity() -> Quantity {
    Quantity {
        key: "volume",
        label: "traffic.legend_volume",
        unit: "Kfz/h",
        legend: Legend::new("traffic.legend_volume", "Kfz/h", &VOLUME_CLASSES),
        difference_legend: more_is_red(),
    }
}

/// The class of the links joining a zone to the roads: their kilometres
/// are not driven on roads.
pub const CONNECTOR: &str = "connector";

/// B − A of volumes: more traffic red, less blue (the reverse of the
/// framework's default, where less — of sun — is the loss).
fn more_is_red() -> Legend {
    Legend::difference_more_is_worse("traffic.legend_difference", "Kfz/h", 50.0, 500.0)
}

/// What the map knows of a link beyond the network: where it runs (scene
/// CRS), its name and class. Connectors and links without geometry have
/// none and are left out of the map (their volume is in the KPIs).
#[derive(Debug, Clone, Default)]
pub struct LinkLook {
    pub id: String,
    pub geometry: Option<Vec<[f64; 2]>>,
    pub name: String,
    pub class: String,
}

/// What the map knows beyond the network itself.
#[derive(Debug, Clone, Default)]
pub struct MapOf<'a> {
    /// One per network link, in its order.
    pub links: &'a [LinkLook],
    /// Roads closed in the scenario: on the map with no traffic, so that
    /// B − A shows what they lost.
    pub closed: &'a [LinkLook],
    /// Zone names by zone index, for messages (else the node names).
    pub zone_names: &'a [String],
    /// Link lengths are metres (OSM); TNTP files use miles or feet, and
    /// then no vehicle-kilometres are given.
    pub lengths_in_metres: bool,
}

/// Map looks of road links, padded to `links` with connectors.
pub fn road_looks(roads: &[RoadLink], links: usize) -> Vec<LinkLook> {
    let mut looks: Vec<LinkLook> = roads
        .iter()
        .map(|r| LinkLook {
            id: r.id(),
            geometry: Some(r.geometry.clone()),
            name: r.name.clone().unwrap_or_default(),
            class: r.class.to_string(),
        })
        .collect();
    looks.resize(
        links,
        LinkLook {
            class: CONNECTOR.into(),
            ..Default::default()
        },
    );
    looks
}

pub fn assignment_result(
    label: String,
    network: &Network,
    map: &MapOf,
    demand: &Demand,
    assignment: &Assignment,
    crs: Option<pw_geo::Crs>,
) -> AnalysisResult {
    let mut features = Vec::new();
    let (mut capacity, mut ratio, mut free, mut time, mut names, mut classes) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    // Travel time without the generalised cost's length and toll part.
    let minutes = |link: &crate::Link, cost: f64| cost - link.fixed_cost;
    let mut line = |look: &LinkLook, value: f64| -> bool {
        let Some(line) = &look.geometry else {
            return false;
        };
        features.push(Feature {
            id: look.id.clone(),
            geometry: FeatureGeometry::Line(line.iter().map(|p| [p[0], p[1], 0.0]).collect()),
            value: value as f32,
        });
        names.push(look.name.clone());
        classes.push(look.class.clone());
        true
    };
    for (i, (link, look)) in network.links.iter().zip(map.links).enumerate() {
        let volume = assignment.flows[i];
        if line(look, volume) {
            capacity.push(link.capacity as f32);
            ratio.push((volume / link.capacity) as f32);
            free.push(minutes(link, link.cost(0.0)) as f32);
            time.push(minutes(link, assignment.costs[i]) as f32);
        }
    }
    for look in map.closed {
        if line(look, 0.0) {
            capacity.push(0.0);
            ratio.push(0.0);
            free.push(f32::NAN);
            time.push(f32::NAN);
        }
    }
    let mut vehicle_km = 0.0;
    let mut vehicle_hours = 0.0;
    for (i, link) in network.links.iter().enumerate() {
        if map.links.get(i).is_none_or(|l| l.class != CONNECTOR) {
            vehicle_km += assignment.flows[i] * link.length / 1000.0;
            vehicle_hours += assignment.flows[i] * minutes(link, assignment.costs[i]) / 60.0;
        }
    }
    let unroutable: f64 = assignment.unroutable.iter().map(|(_, _, t)| t).sum();
    let kpi = |key: &str, english: &str, value: f64, unit: &'static str, decimals: u8| {
        Kpi::new(
            key,
            Message::new(format!("traffic.kpi_{key}")).english(english),
            value,
            unit,
            decimals,
        )
    };
    let mut kpis = vec![
        // Units both languages read; the labels say what is counted.
        kpi("trips", "Trips", demand.total() - unroutable, "", 0),
        kpi("unroutable", "Trips without a route", unroutable, "", 0),
        kpi(
            "vehicle_hours",
            "Vehicle-hours on the roads",
            vehicle_hours,
            "h",
            1,
        ),
        kpi(
            "relative_gap",
            "Relative gap reached",
            assignment.relative_gap,
            "",
            8,
        ),
        kpi(
            "iterations",
            "Iterations",
            assignment.log.len() as f64,
            "",
            0,
        ),
    ];
    if map.lengths_in_metres {
        kpis.insert(
            2,
            kpi(
                "vehicle_km",
                "Vehicle-kilometres on the roads",
                vehicle_km,
                "km",
                0,
            ),
        );
    }
    let mut notes = Vec::new();
    if !assignment.converged {
        notes.push(
            Message::new("traffic.not_converged")
                .arg("gap", format!("{:.1e}", assignment.relative_gap))
                .english("The assignment stopped at its iteration limit with a relative gap of {gap}: volumes are approximate."),
        );
    }
    if !assignment.unroutable.is_empty() {
        let (o, d, _) = assignment.unroutable[0];
        notes.push(
            Message::new("traffic.unroutable")
                .arg("pairs", assignment.unroutable.len())
                .arg("trips", format!("{unroutable:.0}"))
                .arg("origin", zone_name(map, network, o))
                .arg("destination", zone_name(map, network, d))
                .english("{pairs} origin–destination pairs ({trips} trips) have no route, e.g. zone {origin} → {destination}; they are not on the map."),
        );
    }
    AnalysisResult {
        label,
        stamp: RunStamp {
            details: vec![
                (
                    "method".into(),
                    "static user equilibrium, BPR link costs".into(),
                ),
                ("iterations".into(), assignment.log.len().to_string()),
                (
                    "relative_gap".into(),
                    format!("{:.3e}", assignment.relative_gap),
                ),
            ],
            ..Default::default()
        },
        ground: None,
        facades: None,
        features: Some(FeatureValues {
            quantity: volume_quantity(),
            features,
            columns: vec![
                Column::Numbers("capacity", capacity),
                Column::Numbers("volume_capacity", ratio),
                Column::Numbers("free_flow_minutes", free),
                Column::Numbers("minutes", time),
                Column::Texts("name", names),
                Column::Texts("class", classes),
            ],
            absent_is_zero: true,
        }),
        kpis,
        notes,
        crs,
        difference_of: None,
        section: None,
    }
}

fn zone_name(map: &MapOf, network: &Network, node: crate::NodeId) -> String {
    map.zone_names
        .get(node as usize)
        .cloned()
        .unwrap_or_else(|| network.node_names[node as usize].to_string())
}

/// The counts beside the simulation: on each counted link the count, the
/// simulated volume at the counting point (both directions where it
/// counts both) and GEH; in the table one row per count and the share of
/// counts with GEH below 5.
pub fn add_counts(
    result: &mut AnalysisResult,
    checks: &[crate::counts::CountCheck],
    road_links: usize,
) {
    use crate::counts::{GOOD_GEH, GOOD_SHARE};
    let Some(values) = result.features.as_mut() else {
        return;
    };
    // Features run over the road links first (closed roads after them).
    let mut counted = vec![f32::NAN; values.features.len()];
    let mut simulated = vec![f32::NAN; values.features.len()];
    let mut geh = vec![f32::NAN; values.features.len()];
    let last = road_links.min(counted.len());
    for c in checks {
        for &i in c.links.iter().filter(|&&i| i < last) {
            counted[i] = c.counted.map_or(f32::NAN, |v| v as f32);
            simulated[i] = c.simulated as f32;
            geh[i] = c.geh.map_or(f32::NAN, |v| v as f32);
        }
    }
    values.columns.push(Column::Numbers("counted", counted));
    values
        .columns
        .push(Column::Numbers("simulated_at_count", simulated));
    values.columns.push(Column::Numbers("geh", geh));
    let with_value: Vec<&crate::counts::CountCheck> =
        checks.iter().filter(|c| c.geh.is_some()).collect();
    for c in checks {
        let k = c.index;
        let counted = c.counted.map_or("–".into(), |v| format!("{v:.0}"));
        let label = if c.source.is_empty() {
            Message::new("traffic.kpi_count_hand")
                .arg("name", &c.name)
                .arg("counted", counted)
                .english("Simulated at {name} (counted by hand: {counted})")
        } else {
            Message::new("traffic.kpi_count")
                .arg("name", &c.name)
                .arg("counted", counted)
                .arg("source", &c.source)
                .english("Simulated at {name} (counted: {counted}, {source})")
        };
        result.kpis.push(Kpi::new(
            &format!("count_{}", k + 1),
            label,
            c.simulated,
            "Kfz/h",
            0,
        ));
        if let Some(g) = c.geh {
            result.kpis.push(Kpi::new(
                &format!("count_{}_geh", k + 1),
                Message::new("traffic.kpi_count_geh")
                    .arg("name", &c.name)
                    .english("GEH at {name}"),
                g,
                "",
                1,
            ));
        }
    }
    if !with_value.is_empty() {
        let good = with_value
            .iter()
            .filter(|c| c.geh.is_some_and(|g| g < GOOD_GEH))
            .count();
        let share = good as f64 / with_value.len() as f64;
        result.kpis.push(Kpi::new(
            "counts_geh_below_5",
            Message::new("traffic.kpi_counts_good").english("Counts with GEH below 5"),
            share * 100.0,
            "%",
            0,
        ));
        if share < GOOD_SHARE {
            result.notes.push(
                Message::new("traffic.counts_poor")
                    .arg("good", good)
                    .arg("n", with_value.len())
                    .english("GEH is below 5 at {good} of {n} counts; a calibrated model reaches 85 %: check zones, demand and road classes."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AssignmentSettings, Link, assign};
    use pw_job::JobControl;

    fn road(from: crate::NodeId, to: crate::NodeId) -> Link {
        Link {
            from,
            to,
            capacity: 1000.0,
            length: 100.0,
            free_flow_time: 1.0,
            b: 0.15,
            power: 4.0,
            toll: 0.0,
            fixed_cost: 0.0,
        }
    }

    /// Zone 2 lies beyond a one-way street: trips to it have no route, and
    /// the result says how many, naming the zones as the map does; an
    /// assignment cut off by its iteration limit says its gap.
    #[test]
    fn trips_without_a_route_and_an_unfinished_assignment_are_said() {
        // Zones 0, 1, 2 (nodes 0–2), crossings 3 and 4; 4 → 2 only leads in
        // from 2's side: 2 can leave, nobody can reach it.
        // A second way from 0 to 1 over crossing 5, so that one iteration
        // cannot reach the equilibrium.
        let network = Network::new(
            vec![10, 11, 12, 13, 14, 15],
            vec![
                road(0, 3),
                road(3, 0),
                road(1, 3),
                road(3, 1),
                road(2, 4),
                road(4, 3),
                road(0, 5),
                road(5, 1),
            ],
            3,
            3,
        );
        let demand = Demand {
            origins: vec![(0, vec![(1, 1500.0), (2, 40.0)]), (1, vec![(2, 20.0)])],
        };
        let assignment = assign(
            &network,
            &demand,
            &AssignmentSettings {
                max_iterations: 1,
                relative_gap: 1e-12,
                ..Default::default()
            },
            &JobControl::new(),
        )
        .unwrap();
        assert_eq!(assignment.unroutable.len(), 2);
        assert!(!assignment.converged);
        let looks: Vec<LinkLook> = (0..8)
            .map(|i| LinkLook {
                id: format!("way/{i}"),
                geometry: Some(vec![[0.0, 0.0], [100.0, 0.0]]),
                name: String::new(),
                class: "residential".into(),
            })
            .collect();
        let names = vec!["Nord".to_string(), "Ost".into(), "Süd".into()];
        let map = MapOf {
            links: &looks,
            closed: &[],
            zone_names: &names,
            lengths_in_metres: true,
        };
        let result =
            assignment_result("Bestand".into(), &network, &map, &demand, &assignment, None);
        let texts: Vec<String> = result.notes.iter().map(|n| n.to_string()).collect();
        assert!(
            texts.contains(
                &"2 origin–destination pairs (60 trips) have no route, e.g. zone Nord → Süd; they are not on the map."
                    .to_string()
            ),
            "{texts:?}"
        );
        let cut_off = format!(
            "The assignment stopped at its iteration limit with a relative gap of {:.1e}: volumes are approximate.",
            assignment.relative_gap
        );
        assert!(texts.contains(&cut_off), "{texts:?}");
        assert_eq!(result.kpi("unroutable").map(|k| k.value), Some(60.0));
    }
}
