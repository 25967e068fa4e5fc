//! Origin–destination matrices from CSV, as transport planners keep them:
//! a long table (origin, destination, trips; optionally a period such as
//! "Früh" or "06-09") or a square matrix (destinations across, origins
//! down). Comma, semicolon or tab separated — a German spreadsheet writes
//! semicolons with decimal commas ("12,5"), and both are read. Zones are
//! named as the network names them (TNTP zone numbers, the zones file's
//! ids).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::TrafficError;
use crate::network::{Demand, NodeId};

/// A demand read from CSV, with what was left out on the way.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OdMatrix {
    pub demand: Demand,
    /// Trips from a zone to itself: they do not use the network.
    pub within_zones: f64,
    /// Rows of the long table that named an OD pair again (added up).
    pub repeated_pairs: usize,
    /// The periods the file has (empty without a period column).
    pub periods: Vec<String>,
}

const ORIGIN: &[&str] = &["origin", "from", "o", "von", "quelle", "herkunft", "start"];
const DESTINATION: &[&str] = &["destination", "to", "d", "nach", "ziel", "dest"];
const TRIPS: &[&str] = &[
    "trips", "flow", "volume", "demand", "count", "value", "fahrten", "wege", "anzahl", "wert",
    "menge",
];
const PERIOD: &[&str] = &["period", "zeitraum", "periode", "zeitscheibe", "time"];

pub fn read_od_csv(
    path: &Path,
    zones: &[String],
    period: Option<&str>,
) -> Result<OdMatrix, TrafficError> {
    let bytes = std::fs::read(path).map_err(|source| TrafficError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    // Spreadsheets on Windows write Windows-1252 when not told otherwise.
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    };
    parse_od_csv(&text, path, zones, period)
}

/// The separator the header uses most: `;`, `,` or a tab.
fn separator(header: &str) -> u8 {
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|s| header.bytes().filter(|b| b == s).count())
        .unwrap_or(b',')
}

pub fn parse_od_csv(
    text: &str,
    file: &Path,
    zones: &[String],
    period: Option<&str>,
) -> Result<OdMatrix, TrafficError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let sep = separator(header_line);
    let syntax = |line: usize, what: String| TrafficError::Syntax {
        file: file.to_path_buf(),
        line,
        what,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| syntax(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let index = ZoneIndex::new(zones);
    let number = |cell: &str, line: usize| -> Result<f64, TrafficError> {
        let plain = if sep == b';' {
            // "1.234,5" in a German spreadsheet.
            cell.replace('.', "").replace(',', ".")
        } else {
            cell.to_string()
        };
        let v: f64 = if cell.is_empty() {
            0.0
        } else {
            plain
                .parse()
                .map_err(|_| syntax(line, format!("“{cell}” is not a number of trips")))?
        };
        if !v.is_finite() || v < 0.0 {
            return Err(syntax(line, format!("{cell} trips: must be 0 or more")));
        }
        Ok(v)
    };
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.to_lowercase().as_str()))
    };
    let mut pairs: BTreeMap<(NodeId, NodeId), f64> = BTreeMap::new();
    let mut out = OdMatrix::default();
    let mut add = |o: NodeId, d: NodeId, trips: f64, out: &mut OdMatrix, long: bool| {
        if o == d {
            out.within_zones += trips;
            return;
        }
        match pairs.get_mut(&(o, d)) {
            Some(t) => {
                *t += trips;
                out.repeated_pairs += long as usize;
            }
            None => {
                pairs.insert((o, d), trips);
            }
        }
    };
    // A matrix may call its corner "origin": it is one when every other
    // header cell names a zone.
    let matrix = header.len() > 1 && header[1..].iter().all(|h| index.get(h).is_some());
    let long = match (column(ORIGIN), column(DESTINATION), column(TRIPS)) {
        (Some(o), Some(d), Some(t)) => Some((o, d, t)),
        _ => None,
    };
    match (long, column(ORIGIN), column(DESTINATION), column(TRIPS)) {
        (Some((oc, dc, tc)), ..) => {
            let pc = column(PERIOD);
            let mut periods = BTreeSet::new();
            let mut rows = Vec::new();
            for record in reader.records() {
                let record = record.map_err(|e| syntax(line_of(&e), e.to_string()))?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                if record.iter().all(str::is_empty) {
                    continue;
                }
                let cell = |c: usize| record.get(c).unwrap_or("").to_string();
                let p = pc.map(cell);
                if let Some(p) = &p {
                    periods.insert(p.clone());
                }
                rows.push((line, cell(oc), cell(dc), cell(tc), p));
            }
            out.periods = periods.iter().cloned().collect();
            let wanted = match (period, pc) {
                (Some(p), None) => {
                    return Err(TrafficError::Inconsistent {
                        file: file.to_path_buf(),
                        what: format!("period “{p}” asked for, but the file has no period column"),
                    });
                }
                (Some(p), Some(_)) if !periods.contains(p) => {
                    return Err(TrafficError::Inconsistent {
                        file: file.to_path_buf(),
                        what: format!("no period “{p}” (the file has: {})", out.periods.join(", ")),
                    });
                }
                (None, Some(_)) if periods.len() > 1 => {
                    return Err(TrafficError::Inconsistent {
                        file: file.to_path_buf(),
                        what: format!(
                            "the trips of several periods ({}): choose one",
                            out.periods.join(", ")
                        ),
                    });
                }
                (p, _) => p,
            };
            for (line, o, d, trips, p) in rows {
                if wanted.is_some() && p.as_deref() != wanted {
                    continue;
                }
                let o = index
                    .get(&o)
                    .ok_or_else(|| syntax(line, index.unknown(&o)))?;
                let d = index
                    .get(&d)
                    .ok_or_else(|| syntax(line, index.unknown(&d)))?;
                add(o, d, number(&trips, line)?, &mut out, true);
            }
        }
        (None, o, d, t) if !matrix && (o.is_some() || d.is_some() || t.is_some()) => {
            let missing: Vec<&str> = [(o, "origin"), (d, "destination"), (t, "trips")]
                .into_iter()
                .filter(|(c, _)| c.is_none())
                .map(|(_, n)| n)
                .collect();
            return Err(syntax(
                1,
                format!(
                    "a table of trips needs the columns origin, destination and trips; missing: {} (columns: {})",
                    missing.join(", "),
                    header.join(", ")
                ),
            ));
        }
        _ => {
            if period.is_some() {
                return Err(TrafficError::Inconsistent {
                    file: file.to_path_buf(),
                    what: "a matrix has no periods: give one file per period".into(),
                });
            }
            // A matrix: destinations across the first row.
            let destinations: Vec<NodeId> = header
                .iter()
                .skip(1)
                .map(|h| index.get(h).ok_or_else(|| syntax(1, index.unknown(h))))
                .collect::<Result<_, _>>()?;
            for record in reader.records() {
                let record = record.map_err(|e| syntax(line_of(&e), e.to_string()))?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                if record.iter().all(str::is_empty) {
                    continue;
                }
                let name = record.get(0).unwrap_or("");
                let o = index
                    .get(name)
                    .ok_or_else(|| syntax(line, index.unknown(name)))?;
                if record.len() != destinations.len() + 1 {
                    return Err(syntax(
                        line,
                        format!(
                            "{} values for {} destinations",
                            record.len().saturating_sub(1),
                            destinations.len()
                        ),
                    ));
                }
                for (cell, &d) in record.iter().skip(1).zip(&destinations) {
                    add(o, d, number(cell, line)?, &mut out, false);
                }
            }
        }
    }
    let mut by_origin: BTreeMap<NodeId, Vec<(NodeId, f64)>> = BTreeMap::new();
    for ((o, d), trips) in pairs {
        if trips > 0.0 {
            by_origin.entry(o).or_default().push((d, trips));
        }
    }
    out.demand = Demand {
        origins: by_origin.into_iter().collect(),
    };
    Ok(out)
}

fn line_of(e: &csv::Error) -> usize {
    e.position().map_or(0, |p| p.line() as usize)
}

/// Zone names to network zones; "7", "7.0" and " 07" name zone 7 alike.
struct ZoneIndex<'a> {
    names: &'a [String],
    by_name: HashMap<String, NodeId>,
}

impl<'a> ZoneIndex<'a> {
    fn new(names: &'a [String]) -> ZoneIndex<'a> {
        let mut by_name = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            by_name.insert(n.trim().to_string(), i as NodeId);
            if let Some(k) = integer(n) {
                by_name.entry(k.to_string()).or_insert(i as NodeId);
            }
        }
        ZoneIndex { names, by_name }
    }

    fn get(&self, name: &str) -> Option<NodeId> {
        self.by_name
            .get(name.trim())
            .copied()
            .or_else(|| integer(name).and_then(|k| self.by_name.get(&k.to_string()).copied()))
    }

    fn unknown(&self, name: &str) -> String {
        let shown = match self.names {
            [] => String::new(),
            [only] => only.clone(),
            [first, .., last] if self.names.len() > 6 => format!("{first} … {last}"),
            all => all.join(", "),
        };
        format!("zone “{name}” is not in the network (its zones: {shown})")
    }
}

fn integer(s: &str) -> Option<i64> {
    let v: f64 = s.trim().parse().ok()?;
    (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones(n: usize) -> Vec<String> {
        (1..=n).map(|z| z.to_string()).collect()
    }

    fn parse(text: &str, period: Option<&str>) -> Result<OdMatrix, TrafficError> {
        parse_od_csv(text, Path::new("fahrten.csv"), &zones(3), period)
    }

    fn origins(m: &OdMatrix) -> Vec<(NodeId, Vec<(NodeId, f64)>)> {
        m.demand.origins.clone()
    }

    #[test]
    fn a_german_long_table_with_periods() {
        let text = "\u{feff}Von;Nach;Fahrten;Zeitraum\n1;2;1.200,5;Früh\n1;3;10;Früh\n2;1;7;Spät\n1;2;0,5;Früh\n3;3;4;Früh\n";
        let m = parse(text, Some("Früh")).unwrap();
        assert_eq!(origins(&m), vec![(0, vec![(1, 1201.0), (2, 10.0)])]);
        assert_eq!(m.repeated_pairs, 1);
        assert_eq!(m.within_zones, 4.0);
        assert_eq!(m.periods, ["Früh", "Spät"]);
        let e = parse(text, None).unwrap_err().to_string();
        assert!(e.contains("several periods (Früh, Spät)"), "{e}");
        let e = parse(text, Some("Nacht")).unwrap_err().to_string();
        assert!(e.contains("no period “Nacht”"), "{e}");
    }

    #[test]
    fn a_matrix_with_commas() {
        let text = "zone,1,2,3\n1,0,5,2.5\n2,3,0,\n3,1,1,1\n";
        let m = parse(text, None).unwrap();
        assert_eq!(
            origins(&m),
            vec![
                (0, vec![(1, 5.0), (2, 2.5)]),
                (1, vec![(0, 3.0)]),
                (2, vec![(0, 1.0), (1, 1.0)])
            ]
        );
        assert_eq!(m.within_zones, 1.0);
        assert_eq!(m.repeated_pairs, 0);
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let e = parse("origin,destination,trips\n1,2,3\n1,9,4\n", None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "fahrten.csv, line 3: zone “9” is not in the network (its zones: 1, 2, 3)"
        );
        let e = parse("origin,destination,trips\n1,2,-3\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: -3 trips: must be 0 or more"), "{e}");
        let e = parse("origin,destination,trips\n1,2,viele\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: “viele” is not a number"), "{e}");
        let e = parse("origin;ziel;anzahl\n1;2;3\n", None).unwrap();
        assert_eq!(e.demand.total(), 3.0);
        let e = parse("origin,trips\n1,3\n", None).unwrap_err().to_string();
        assert!(e.contains("missing: destination"), "{e}");
        let e = parse("x,1,2,3\n1,1,2\n", None).unwrap_err().to_string();
        assert!(e.contains("line 2: 2 values for 3 destinations"), "{e}");
        let e = parse("x,1,2,4\n", None).unwrap_err().to_string();
        assert!(e.contains("line 1: zone “4”"), "{e}");
    }

    #[test]
    fn a_matrix_may_name_its_corner_origin() {
        let m = parse("origin;1;2;3\n1;0;1,5;0\n", None).unwrap();
        assert_eq!(origins(&m), vec![(0, vec![(1, 1.5)])]);
    }

    #[test]
    fn zone_numbers_may_be_written_as_decimals() {
        let m = parse("origin,destination,trips\n1.0,03,2\n", None).unwrap();
        assert_eq!(origins(&m), vec![(0, vec![(2, 2.0)])]);
    }
}
