//! The TNTP text format of the Transportation Networks benchmark collection
//! (bstabler/TransportationNetworks): `*_net.tntp` (links), `*_trips.tntp`
//! (OD matrix), `*_flow.tntp` (a published equilibrium), `*_node.tntp`
//! (coordinates). Metadata lines `<KEY> value` up to `<END OF METADATA>`,
//! `~` starts a comment, rows end with `;`.

use crate::{Demand, Link, Network, NodeId, TrafficError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One row of a `*_flow.tntp` file: a link by its end nodes' numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFlow {
    pub from: u64,
    pub to: u64,
    pub volume: f64,
    pub cost: f64,
}

pub fn read_network(path: &Path) -> Result<Network, TrafficError> {
    parse_network(&read(path)?, path)
}

pub fn read_demand(path: &Path, network: &Network) -> Result<Demand, TrafficError> {
    parse_demand(&read(path)?, path, network)
}

pub fn read_flows(path: &Path) -> Result<Vec<PublishedFlow>, TrafficError> {
    parse_flows(&read(path)?, path)
}

/// Node coordinates by node number, in whatever CRS the file uses (the
/// format does not say).
pub fn read_nodes(path: &Path) -> Result<BTreeMap<u64, [f64; 2]>, TrafficError> {
    let text = read(path)?;
    let mut nodes = BTreeMap::new();
    for (line_no, row) in rows(&text) {
        if row.starts_with(|c: char| c.is_alphabetic()) {
            continue; // the header "node X Y"
        }
        let fields = numbers(row, path, line_no, 3)?;
        nodes.insert(
            node_number(fields[0], path, line_no)?,
            [fields[1], fields[2]],
        );
    }
    Ok(nodes)
}

fn read(path: &Path) -> Result<String, TrafficError> {
    std::fs::read_to_string(path).map_err(|source| TrafficError::Io {
        file: path.to_path_buf(),
        source,
    })
}

pub fn parse_network(text: &str, file: &Path) -> Result<Network, TrafficError> {
    let (meta, body_start) = metadata(text, file)?;
    let node_count = meta_count(&meta, "NUMBER OF NODES", file)?;
    let link_count = meta_count(&meta, "NUMBER OF LINKS", file)?;
    let zone_count = meta_count(&meta, "NUMBER OF ZONES", file)?;
    let first_through = match meta.get("FIRST THRU NODE") {
        Some(_) => meta_count(&meta, "FIRST THRU NODE", file)?.max(1),
        None => 1,
    };
    if zone_count > node_count {
        return Err(inconsistent(
            file,
            format!("{zone_count} zones but only {node_count} nodes"),
        ));
    }
    // Counts from the header size vectors: a node no link touches is of no
    // use, so more nodes than link ends and zones means a corrupt header
    // (and must not ask for gigabytes).
    if link_count > 50_000_000 || node_count > 2 * link_count + zone_count + 1 {
        return Err(inconsistent(
            file,
            format!(
                "{node_count} nodes for {link_count} links and {zone_count} zones: the header cannot be right"
            ),
        ));
    }
    if first_through > node_count + 1 {
        return Err(inconsistent(
            file,
            format!("<FIRST THRU NODE> {first_through}, but there are only {node_count} nodes"),
        ));
    }
    let mut links = Vec::with_capacity(link_count.min(text.len() / 10));
    for (line_no, row) in rows(text).filter(|(n, _)| *n > body_start) {
        let f = numbers(row, file, line_no, 7)?;
        let from = node_index(f[0], node_count, file, line_no)?;
        let to = node_index(f[1], node_count, file, line_no)?;
        let [capacity, length, free_flow_time, b, power] = [f[2], f[3], f[4], f[5], f[6]];
        let bad = |what: &str| syntax(file, line_no, what.to_string());
        if capacity <= 0.0 {
            return Err(bad(&format!(
                "capacity {capacity} of link {} → {}: it must be above 0",
                f[0], f[1]
            )));
        }
        if free_flow_time < 0.0 || b < 0.0 || power < 0.0 || length < 0.0 {
            return Err(bad(&format!(
                "link {} → {}: length, free-flow time, b and power must be 0 or more",
                f[0], f[1]
            )));
        }
        links.push(Link {
            from,
            to,
            capacity,
            length,
            free_flow_time,
            b,
            power,
            toll: f.get(8).copied().unwrap_or(0.0),
            fixed_cost: 0.0,
        });
    }
    if links.len() != link_count {
        return Err(inconsistent(
            file,
            format!(
                "the header announces {link_count} links, the file has {}",
                links.len()
            ),
        ));
    }
    let names = (1..=node_count as u64).collect();
    Ok(Network::new(
        names,
        links,
        zone_count as u32,
        first_through as NodeId - 1,
    ))
}

pub fn parse_demand(text: &str, file: &Path, network: &Network) -> Result<Demand, TrafficError> {
    let (meta, body_start) = metadata(text, file)?;
    let zones = meta_count(&meta, "NUMBER OF ZONES", file)?;
    if zones as u32 != network.zone_count {
        return Err(inconsistent(
            file,
            format!("{zones} zones, but the network has {}", network.zone_count),
        ));
    }
    let zone = |number: f64, line: usize| -> Result<NodeId, TrafficError> {
        node_index(number, zones, file, line)
    };
    let mut demand = Demand::default();
    for (line_no, row) in rows(text).filter(|(n, _)| *n > body_start) {
        if let Some(rest) = row.strip_prefix("Origin") {
            let number = rest.trim().parse::<f64>().map_err(|_| {
                syntax(
                    file,
                    line_no,
                    format!("“Origin {}”: not a zone number", rest.trim()),
                )
            })?;
            let origin = zone(number, line_no)?;
            if demand.origins.iter().any(|(o, _)| *o == origin) {
                return Err(syntax(
                    file,
                    line_no,
                    format!("origin {number} appears twice"),
                ));
            }
            demand.origins.push((origin, Vec::new()));
            continue;
        }
        let Some((_, destinations)) = demand.origins.last_mut() else {
            return Err(syntax(
                file,
                line_no,
                "trips before the first “Origin” line".into(),
            ));
        };
        for entry in row.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((d, trips)) = entry.split_once(':') else {
                return Err(syntax(
                    file,
                    line_no,
                    format!("“{entry}”: expected “destination : trips”"),
                ));
            };
            let d: f64 = d
                .trim()
                .parse()
                .map_err(|_| syntax(file, line_no, format!("“{}”: not a zone number", d.trim())))?;
            let trips: f64 = trips.trim().parse().map_err(|_| {
                syntax(
                    file,
                    line_no,
                    format!("“{}”: not a number of trips", trips.trim()),
                )
            })?;
            if !trips.is_finite() || trips < 0.0 {
                return Err(syntax(
                    file,
                    line_no,
                    format!("{trips} trips to zone {d}: trips must be 0 or more"),
                ));
            }
            let destination = zone(d, line_no)?;
            if trips > 0.0 {
                destinations.push((destination, trips));
            }
        }
    }
    if let Some(stated) = meta
        .get("TOTAL OD FLOW")
        .and_then(|v| v.parse::<f64>().ok())
    {
        let total = demand.total();
        // The files round each cell; a larger difference means cut-off rows.
        if (total - stated).abs() > 0.01 * demand.origins.len().max(1) as f64 + 1e-9 * stated {
            return Err(inconsistent(
                file,
                format!("the trips add up to {total:.2}, the header says {stated:.2}"),
            ));
        }
    }
    Ok(demand)
}

pub fn parse_flows(text: &str, file: &Path) -> Result<Vec<PublishedFlow>, TrafficError> {
    let mut flows = Vec::new();
    for (line_no, row) in rows(text) {
        if row.starts_with(|c: char| c.is_alphabetic()) {
            continue; // the header "From To Volume Cost"
        }
        let f = numbers(row, file, line_no, 4)?;
        flows.push(PublishedFlow {
            from: node_number(f[0], file, line_no)?,
            to: node_number(f[1], file, line_no)?,
            volume: f[2],
            cost: f[3],
        });
    }
    Ok(flows)
}

/// Non-empty, non-comment lines with their 1-based numbers, without the
/// trailing `;` and blanks.
fn rows(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let row = line.trim().trim_end_matches(';').trim();
        (!row.is_empty() && !row.starts_with('~')).then_some((i + 1, row))
    })
}

/// The `<KEY> value` pairs and the line number of `<END OF METADATA>` (0
/// when the file has no metadata block).
fn metadata(text: &str, file: &Path) -> Result<(BTreeMap<String, String>, usize), TrafficError> {
    let mut meta = BTreeMap::new();
    for (line_no, row) in rows(text) {
        let Some(rest) = row.strip_prefix('<') else {
            if meta.is_empty() {
                return Ok((meta, 0));
            }
            return Err(syntax(
                file,
                line_no,
                "data before “<END OF METADATA>”".into(),
            ));
        };
        let Some((key, value)) = rest.split_once('>') else {
            return Err(syntax(file, line_no, format!("“{row}”: a “<” without “>”")));
        };
        if key == "END OF METADATA" {
            return Ok((meta, line_no));
        }
        meta.insert(key.trim().to_string(), value.trim().to_string());
    }
    Ok((meta, usize::MAX))
}

fn meta_count(
    meta: &BTreeMap<String, String>,
    key: &str,
    file: &Path,
) -> Result<usize, TrafficError> {
    let value = meta
        .get(key)
        .ok_or_else(|| inconsistent(file, format!("the header has no <{key}>")))?;
    value
        .parse::<usize>()
        .map_err(|_| inconsistent(file, format!("<{key}> {value}: not a whole number")))
}

fn numbers(row: &str, file: &Path, line: usize, at_least: usize) -> Result<Vec<f64>, TrafficError> {
    let fields: Vec<f64> = row
        .split_whitespace()
        .map(|f| {
            f.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| syntax(file, line, format!("“{f}” is not a number")))
        })
        .collect::<Result<_, _>>()?;
    if fields.len() < at_least {
        return Err(syntax(
            file,
            line,
            format!("{} values, {at_least} expected", fields.len()),
        ));
    }
    Ok(fields)
}

fn node_number(value: f64, file: &Path, line: usize) -> Result<u64, TrafficError> {
    if value >= 1.0 && value.fract() == 0.0 && value < 1e15 {
        Ok(value as u64)
    } else {
        Err(syntax(file, line, format!("{value} is not a node number")))
    }
}

fn node_index(value: f64, count: usize, file: &Path, line: usize) -> Result<NodeId, TrafficError> {
    let number = node_number(value, file, line)?;
    if number as usize > count {
        return Err(syntax(
            file,
            line,
            format!("node {number}, but there are only {count}"),
        ));
    }
    Ok(number as NodeId - 1)
}

fn syntax(file: &Path, line: usize, what: String) -> TrafficError {
    TrafficError::Syntax {
        file: PathBuf::from(file),
        line,
        what,
    }
}

fn inconsistent(file: &Path, what: String) -> TrafficError {
    TrafficError::Inconsistent {
        file: PathBuf::from(file),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 2\n<END OF METADATA>\n~ init term cap len fft b power speed toll type ;\n\t1\t3\t100\t1\t5\t0.15\t4\t0\t0\t1\t;\n\t3\t2\t100\t1\t5\t0.15\t4\t0\t0\t1\t;\n";

    fn net_error(text: &str) -> String {
        parse_network(text, Path::new("x_net.tntp"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_small_network_reads_with_its_zones_and_costs() {
        let n = parse_network(NET, Path::new("x_net.tntp")).unwrap();
        assert_eq!((n.node_count(), n.links.len(), n.zone_count), (3, 2, 2));
        assert_eq!(n.outgoing(2), &[1]);
        assert!((n.links[0].cost(100.0) - 5.0 * 1.15).abs() < 1e-12);
        let trips = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 30.0\n<END OF METADATA>\nOrigin 1\n 1 : 0.0; 2 : 30.0;\nOrigin 2\n";
        let d = parse_demand(trips, Path::new("x_trips.tntp"), &n).unwrap();
        assert_eq!(d.origins, vec![(0, vec![(1, 30.0)]), (1, vec![])]);
    }

    #[test]
    fn bad_files_name_the_line_and_the_problem() {
        let negative = NET.replace("\t3\t2\t100\t", "\t3\t2\t-5\t");
        assert_eq!(
            net_error(&negative),
            "x_net.tntp, line 8: capacity -5 of link 3 → 2: it must be above 0"
        );
        let unknown_node = NET.replace("\t3\t2\t100\t", "\t3\t9\t100\t");
        assert_eq!(
            net_error(&unknown_node),
            "x_net.tntp, line 8: node 9, but there are only 3"
        );
        let short = NET.replace("\t3\t2\t100\t1\t5\t0.15\t4\t0\t0\t1\t;", "\t3\t2\t100");
        assert_eq!(
            net_error(&short),
            "x_net.tntp, line 8: 3 values, 7 expected"
        );
        let cut = &NET[..NET.rfind("\t3\t2").unwrap()];
        assert_eq!(
            net_error(cut),
            "x_net.tntp: the header announces 2 links, the file has 1"
        );
        assert_eq!(
            net_error(&NET.replace("<NUMBER OF NODES> 3\n", "")),
            "x_net.tntp: the header has no <NUMBER OF NODES>"
        );
        assert_eq!(
            net_error(&NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> 40000000")),
            "x_net.tntp: 40000000 nodes for 2 links and 2 zones: the header cannot be right"
        );
        assert_eq!(
            net_error(&NET.replace("<FIRST THRU NODE> 1", "<FIRST THRU NODE> 4294967297")),
            "x_net.tntp: <FIRST THRU NODE> 4294967297, but there are only 3 nodes"
        );
        assert_eq!(
            net_error(&NET.replace("\t0.15\t4\t0\t0\t1\t;\n\t3", "\tzwei\t4\t0\t0\t1\t;\n\t3")),
            "x_net.tntp, line 7: “zwei” is not a number"
        );

        let n = parse_network(NET, Path::new("x_net.tntp")).unwrap();
        let trips_error = |text: &str| {
            parse_demand(text, Path::new("x_trips.tntp"), &n)
                .unwrap_err()
                .to_string()
        };
        let head = "<NUMBER OF ZONES> 2\n<END OF METADATA>\n";
        assert_eq!(
            trips_error(&format!("{head} 1 : 5.0;\n")),
            "x_trips.tntp, line 3: trips before the first “Origin” line"
        );
        assert_eq!(
            trips_error(&format!("{head}Origin 1\n 3 : 5.0;\n")),
            "x_trips.tntp, line 4: node 3, but there are only 2"
        );
        assert_eq!(
            trips_error(&format!("{head}Origin 1\n 2 : -5.0;\n")),
            "x_trips.tntp, line 4: -5 trips to zone 2: trips must be 0 or more"
        );
        assert_eq!(
            trips_error(&format!("{head}Origin 1\n 2 5.0;\n")),
            "x_trips.tntp, line 4: “2 5.0”: expected “destination : trips”"
        );
        assert_eq!(
            trips_error(
                "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 90\n<END OF METADATA>\nOrigin 1\n 2 : 5.0;\n"
            ),
            "x_trips.tntp: the trips add up to 5.00, the header says 90.00"
        );
        assert_eq!(
            trips_error("<NUMBER OF ZONES> 3\n<END OF METADATA>\n"),
            "x_trips.tntp: 3 zones, but the network has 2"
        );
    }

    #[test]
    fn a_missing_file_says_which() {
        let e = read_network(Path::new("/nicht/da_net.tntp"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/nicht/da_net.tntp: "), "{e}");
    }
}
