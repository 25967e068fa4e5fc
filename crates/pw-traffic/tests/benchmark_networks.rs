//! The assignment against the published equilibria of the Transportation
//! Networks benchmark collection (bstabler/TransportationNetworks, copies in
//! `../shared/data/traffic/tntp`, test use only). Issue 19: at a relative
//! gap of 1e-6, ≥ 99 % of the flows on links whose cost rises with volume
//! within 0.5 % (or 1 veh/h) of the published ones, and the total system
//! travel time within 0.01 %. The path-based default is held to a gap of
//! 1e-10 on all three; bi-conjugate Frank–Wolfe to 1e-6 on Sioux Falls and
//! Chicago (on Anaheim it needs ≈ 1e-9, thousands of iterations, to pass).

use pw_traffic::{Algorithm, AssignmentSettings, Network, assign, tntp};
use std::path::PathBuf;

fn data(dir: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/traffic/tntp")
        .join(dir)
        .join(file)
}

struct Comparison {
    congestible: usize,
    within: usize,
    worst: (f64, u64, u64),
    published_tstt: f64,
    tstt: f64,
}

fn compare(network: &Network, flows: &[f64], prefix: &str, dir: &str) -> Comparison {
    let published = tntp::read_flows(&data(dir, &format!("{prefix}_flow.tntp"))).unwrap();
    assert_eq!(published.len(), network.links.len());
    let mut c = Comparison {
        congestible: 0,
        within: 0,
        worst: (0.0, 0, 0),
        published_tstt: 0.0,
        tstt: 0.0,
    };
    for (i, (link, p)) in network.links.iter().zip(&published).enumerate() {
        // The flow file lists the links in the net file's order.
        assert_eq!(
            (
                network.node_names[link.from as usize],
                network.node_names[link.to as usize]
            ),
            (p.from, p.to)
        );
        c.published_tstt += p.volume * link.cost(p.volume);
        c.tstt += flows[i] * link.cost(flows[i]);
        if !link.is_congestible() {
            continue;
        }
        c.congestible += 1;
        let diff = (flows[i] - p.volume).abs();
        if diff <= 1.0 || diff <= 0.005 * p.volume {
            c.within += 1;
        }
        if diff > c.worst.0 {
            c.worst = (diff, p.from, p.to);
        }
    }
    c
}

fn check(dir: &str, prefix: &str, algorithm: Algorithm, gap: f64, minutes_per_length: f64) {
    let mut network = tntp::read_network(&data(dir, &format!("{prefix}_net.tntp"))).unwrap();
    network.weigh_length_and_toll(minutes_per_length, 0.0);
    let demand = tntp::read_demand(&data(dir, &format!("{prefix}_trips.tntp")), &network).unwrap();
    let settings = AssignmentSettings {
        relative_gap: gap,
        algorithm,
        ..Default::default()
    };
    let result = assign(&network, &demand, &settings, &pw_job::JobControl::new()).unwrap();
    assert!(result.converged, "{prefix}: gap {}", result.relative_gap);
    assert!(result.unroutable.is_empty());
    let c = compare(&network, &result.flows, prefix, dir);
    let share = c.within as f64 / c.congestible as f64;
    let tstt_error = (c.tstt - c.published_tstt).abs() / c.published_tstt;
    println!(
        "{prefix}, {algorithm:?}: gap {:.2e} after {} iterations; {}/{} congestible links within 0.5 % or 1 veh ({:.2} %), worst {:.2} veh on {}→{}; TSTT {:.6e} vs published {:.6e} ({:.2e})",
        result.relative_gap,
        result.log.len(),
        c.within,
        c.congestible,
        share * 100.0,
        c.worst.0,
        c.worst.1,
        c.worst.2,
        c.tstt,
        c.published_tstt,
        tstt_error
    );
    assert!(
        share >= 0.99,
        "{prefix}: only {:.2} % within",
        share * 100.0
    );
    assert!(tstt_error <= 1e-4, "{prefix}: TSTT off by {tstt_error:.2e}");
}

/// Chicago's solution weighs length at 0.04 min per mile: the flow file's
/// cost column is the BPR time + 0.04 × length on all 2,950 links.
const CHICAGO_MINUTES_PER_MILE: f64 = 0.04;

#[test]
fn sioux_falls_matches_the_published_equilibrium() {
    check(
        "SiouxFalls",
        "SiouxFalls",
        Algorithm::GradientProjection,
        1e-10,
        0.0,
    );
    check(
        "SiouxFalls",
        "SiouxFalls",
        Algorithm::BiconjugateFrankWolfe,
        1e-6,
        0.0,
    );
}

#[test]
fn anaheim_matches_the_published_equilibrium() {
    check(
        "Anaheim",
        "Anaheim",
        Algorithm::GradientProjection,
        1e-10,
        0.0,
    );
}

#[test]
fn chicago_sketch_matches_the_published_equilibrium() {
    let (dir, prefix) = ("Chicago-Sketch", "ChicagoSketch");
    check(
        dir,
        prefix,
        Algorithm::GradientProjection,
        1e-10,
        CHICAGO_MINUTES_PER_MILE,
    );
    check(
        dir,
        prefix,
        Algorithm::BiconjugateFrankWolfe,
        1e-6,
        CHICAGO_MINUTES_PER_MILE,
    );
}

#[test]
fn the_first_through_node_keeps_routes_out_of_zones() {
    // Anaheim's zones 1–38 are centroids: with them as through nodes, trips
    // take short cuts and most flows move away from the published ones.
    let dir = "Anaheim";
    let network = tntp::read_network(&data(dir, "Anaheim_net.tntp")).unwrap();
    assert_eq!((network.zone_count, network.first_through_node), (38, 38));
    let demand = tntp::read_demand(&data(dir, "Anaheim_trips.tntp"), &network).unwrap();
    let open = Network::new(network.node_names.clone(), network.links.clone(), 38, 0);
    let settings = AssignmentSettings {
        relative_gap: 1e-8,
        ..Default::default()
    };
    let job = pw_job::JobControl::new();
    let kept = assign(&network, &demand, &settings, &job).unwrap();
    let through = assign(&open, &demand, &settings, &job).unwrap();
    let kept = compare(&network, &kept.flows, "Anaheim", dir);
    let through = compare(&open, &through.flows, "Anaheim", dir);
    assert_eq!(kept.within, kept.congestible);
    assert!(
        through.within * 2 < through.congestible,
        "{} of {}",
        through.within,
        through.congestible
    );
}

#[test]
fn demand_and_network_counts_are_those_of_the_files() {
    let network = tntp::read_network(&data("Chicago-Sketch", "ChicagoSketch_net.tntp")).unwrap();
    assert_eq!(
        (
            network.node_count(),
            network.links.len(),
            network.zone_count
        ),
        (933, 2950, 387)
    );
    let demand = tntp::read_demand(
        &data("Chicago-Sketch", "ChicagoSketch_trips.tntp"),
        &network,
    )
    .unwrap();
    assert_eq!(demand.origins.len(), 387);
    let cells: usize = demand.origins.iter().map(|(_, d)| d.len()).sum();
    assert_eq!(cells, 93_513);
    assert!(
        (demand.total() - 1_260_907.44).abs() < 0.01,
        "{}",
        demand.total()
    );
    let nodes = tntp::read_nodes(&data("Chicago-Sketch", "ChicagoSketch_node.tntp")).unwrap();
    assert_eq!(nodes.len(), 933);
    assert_eq!(nodes[&1], [690309.0, 1976022.0]);
}

/// Sioux Falls' trips as a planner's spreadsheet keeps them — a German
/// CSV matrix (semicolons, decimal commas, thousands points), written here
/// from the TNTP text with plain string handling — read as the same demand
/// as the TNTP file, and assigned to the published equilibrium.
#[test]
fn a_csv_matrix_of_the_sioux_falls_trips_is_the_published_demand() {
    let net_file = data("SiouxFalls", "SiouxFalls_net.tntp");
    let trips_file = data("SiouxFalls", "SiouxFalls_trips.tntp");
    let network = tntp::read_network(&net_file).unwrap();
    let n = network.zone_count as usize;
    let mut matrix = vec![vec![0.0f64; n]; n];
    let mut origin = 0usize;
    for line in std::fs::read_to_string(&trips_file).unwrap().lines() {
        let line = line.trim();
        if let Some(o) = line.strip_prefix("Origin") {
            origin = o.trim().parse::<usize>().unwrap() - 1;
        } else if line.contains(':') && !line.starts_with('<') {
            for entry in line.split(';').filter(|e| e.contains(':')) {
                let (d, t) = entry.split_once(':').unwrap();
                matrix[origin][d.trim().parse::<usize>().unwrap() - 1] = t.trim().parse().unwrap();
            }
        }
    }
    let german = |v: f64| {
        let text = format!("{v:.2}").replace('.', ",");
        let (int, frac) = text.split_once(',').unwrap();
        let mut grouped = String::new();
        for (k, c) in int.chars().enumerate() {
            if k > 0 && (int.len() - k) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{grouped},{frac}")
    };
    let mut csv = String::from("Quelle/Ziel");
    for d in 1..=n {
        csv += &format!(";{d}");
    }
    csv.push('\n');
    for (o, row) in matrix.iter().enumerate() {
        csv += &(o + 1).to_string();
        for v in row {
            csv += &format!(";{}", german(*v));
        }
        csv.push('\n');
    }
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("siouxfalls_od.csv");
    std::fs::write(&file, csv).unwrap();
    let zones: Vec<String> = (1..=n).map(|z| z.to_string()).collect();
    let from_csv = pw_traffic::od::read_od_csv(&file, &zones, None).unwrap();
    let from_tntp = tntp::read_demand(&trips_file, &network).unwrap();
    assert_eq!(from_csv.demand.origins.len(), from_tntp.origins.len());
    assert_eq!(from_csv.demand, from_tntp);
    assert!((from_csv.demand.total() - 360_600.0).abs() < 1e-6);
    let result = assign(
        &network,
        &from_csv.demand,
        &AssignmentSettings {
            relative_gap: 1e-8,
            ..Default::default()
        },
        &pw_job::JobControl::new(),
    )
    .unwrap();
    let c = compare(&network, &result.flows, "SiouxFalls", "SiouxFalls");
    assert!((c.tstt - c.published_tstt).abs() / c.published_tstt <= 1e-4);
    assert!(c.within as f64 / c.congestible as f64 >= 0.99);
}
