//! Origin–destination matrices from CSV, as transport planners keep them:
//! a long table (origin, destination, trips; optionally a period such as
//! "Früh" or "06-09") or a square matrix (destinations across, origins
//! down). Comma, semicolon or tab separated; numbers as the file writes
//! them — "1.200,5" (German) or "1,200.5" — decided once per file from
//! its cells, and refused where a file mixes both. UTF-8 (with or without
//! a byte-order mark), UTF-16 with its mark, else Windows-1252 as
//! spreadsheets on Windows write it. Zones are named as the network names
//! them (TNTP zone numbers, the zones file's ids).

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
    parse_od_csv(&decode(&bytes), path, zones, period)
}

/// The file's text: its byte-order mark says UTF-8 or UTF-16; without one,
/// UTF-8 if it is that, else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, skip)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[skip..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The separator of the header line, counted outside quotes; on a tie
/// `;`, then tab, then `,` (German spreadsheets write `;`).
fn separator(header: &str) -> Option<u8> {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let most = *counts.iter().max()?;
    (most > 0).then(|| [b';', b'\t', b','][counts.iter().position(|c| *c == most).unwrap_or(0)])
}

/// How the file writes numbers, from all its number cells.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Numbers {
    /// "1.200,5"
    DecimalComma,
    /// "1,200.5"
    DecimalPoint,
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// "1.200" or "12.345.678": groups of three after a first of one to three.
fn grouped(s: &str, mark: char) -> bool {
    let mut parts = s.split(mark);
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && is_digits(first)
        && first.len() <= 3
        && rest.iter().all(|g| g.len() == 3 && is_digits(g))
}

/// What a cell says about the style: Some(style) where only one reading
/// makes sense ("12,5", "0.25", "1.200,5"), None for plain integers and
/// "1.200" alone (either way).
fn evidence(cell: &str) -> Option<Numbers> {
    let cell = cell.trim().trim_start_matches('-');
    let comma = cell.rfind(',');
    let point = cell.rfind('.');
    match (comma, point) {
        (Some(c), Some(p)) if c > p => Some(Numbers::DecimalComma),
        (Some(_), Some(_)) => Some(Numbers::DecimalPoint),
        (Some(_), None) if grouped(cell, ',') => None,
        (Some(_), None) => Some(Numbers::DecimalComma),
        (None, Some(_)) if grouped(cell, '.') => None,
        (None, Some(_)) => Some(Numbers::DecimalPoint),
        (None, None) => None,
    }
}

fn parse_number(cell: &str, style: Numbers) -> Option<f64> {
    let plain = match style {
        Numbers::DecimalComma => cell.replace('.', "").replace(',', "."),
        Numbers::DecimalPoint => cell.replace(',', ""),
    };
    plain.trim().parse().ok()
}

pub fn parse_od_csv(
    text: &str,
    file: &Path,
    zones: &[String],
    period: Option<&str>,
) -> Result<OdMatrix, TrafficError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |line: usize, what: String| TrafficError::Syntax {
        file: file.to_path_buf(),
        line,
        what,
    };
    let inconsistent = |what: String| TrafficError::Inconsistent {
        file: file.to_path_buf(),
        what,
    };
    let header_line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .ok_or_else(|| inconsistent("no trips in it: the file is empty".into()))?;
    let sep = separator(header_line).ok_or_else(|| {
        syntax(
            1,
            "one column only: separate the columns with “;”, “,” or a tab".into(),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut header: Vec<String> = reader
        .headers()
        .map_err(|e| syntax(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    // A separator at the end of every line leaves an empty last column.
    while header.len() > 1 && header.last().is_some_and(|h| h.is_empty()) {
        header.pop();
    }
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| syntax(line_of(&e), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<String> = record
            .iter()
            .take(header.len())
            .map(str::to_string)
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        records.push((line, cells));
    }
    let index = ZoneIndex::new(zones);
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.to_lowercase().as_str()))
    };
    let long = match (column(ORIGIN), column(DESTINATION), column(TRIPS)) {
        (Some(o), Some(d), Some(t)) => Some((o, d, t)),
        _ => None,
    };
    // A matrix names zones across its first row (its corner may say
    // "origin"); most of them must be zones for it to be one.
    let named = header[1..]
        .iter()
        .filter(|h| index.get(h).is_some())
        .count();
    let matrix = long.is_none() && header.len() > 1 && named * 2 >= header.len() - 1;
    if long.is_none() && !matrix {
        let found: Vec<&str> = [
            (column(ORIGIN), "origin"),
            (column(DESTINATION), "destination"),
            (column(TRIPS), "trips"),
        ]
        .into_iter()
        .filter(|(c, _)| c.is_none())
        .map(|(_, n)| n)
        .collect();
        return Err(syntax(
            1,
            format!(
                "neither a table of trips (columns origin, destination, trips — also Von, Nach, Fahrten; missing: {}) nor a matrix (zones across the first row); its columns: {}",
                found.join(", "),
                header.join(", ")
            ),
        ));
    }
    // The number style, from every cell that holds trips.
    let value_cells: Vec<&str> = match long {
        Some((_, _, t)) => records
            .iter()
            .filter_map(|(_, c)| c.get(t).map(String::as_str))
            .collect(),
        None => records
            .iter()
            .flat_map(|(_, c)| c.iter().skip(1).map(String::as_str))
            .collect(),
    };
    let seen = |style| value_cells.iter().any(|c| evidence(c) == Some(style));
    let style = match (seen(Numbers::DecimalComma), seen(Numbers::DecimalPoint)) {
        (true, true) => {
            return Err(inconsistent(
                "some numbers are written with a decimal comma (12,5), others with a decimal point (12.5): write them all one way".into(),
            ));
        }
        (true, false) => Numbers::DecimalComma,
        (false, true) => Numbers::DecimalPoint,
        // Whole numbers only: "1.200" is 1200 in a German file (`;`).
        (false, false) if sep == b';' => Numbers::DecimalComma,
        (false, false) => Numbers::DecimalPoint,
    };
    let number = |cell: &str, line: usize, empty_is_zero: bool| -> Result<f64, TrafficError> {
        if cell.is_empty() {
            return if empty_is_zero {
                Ok(0.0)
            } else {
                Err(syntax(line, "no number of trips".into()))
            };
        }
        let v = parse_number(cell, style)
            .ok_or_else(|| syntax(line, format!("“{cell}” is not a number of trips")))?;
        if !v.is_finite() || v < 0.0 {
            return Err(syntax(line, format!("{cell} trips: must be 0 or more")));
        }
        Ok(v)
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
    if let Some((oc, dc, tc)) = long {
        let pc = column(PERIOD);
        let cell = |cells: &[String], c: usize| cells.get(c).cloned().unwrap_or_default();
        let periods: BTreeSet<String> = match pc {
            Some(pc) => records.iter().map(|(_, c)| cell(c, pc)).collect(),
            None => BTreeSet::new(),
        };
        out.periods = periods.iter().cloned().collect();
        let wanted = match (period, pc) {
            (Some(p), None) => {
                return Err(inconsistent(format!(
                    "period “{p}” asked for, but the file has no period column"
                )));
            }
            (Some(p), Some(_)) if !periods.contains(p) => {
                return Err(inconsistent(format!(
                    "no period “{p}” (the file has: {})",
                    out.periods.join(", ")
                )));
            }
            (None, Some(_)) if periods.len() > 1 => {
                return Err(inconsistent(format!(
                    "the trips of several periods ({}): choose one",
                    out.periods.join(", ")
                )));
            }
            (p, _) => p,
        };
        for (line, cells) in &records {
            if let (Some(w), Some(pc)) = (wanted, pc)
                && cell(cells, pc) != w
            {
                continue;
            }
            let (o, d) = (cell(cells, oc), cell(cells, dc));
            let o = index
                .get(&o)
                .ok_or_else(|| syntax(*line, index.unknown(&o)))?;
            let d = index
                .get(&d)
                .ok_or_else(|| syntax(*line, index.unknown(&d)))?;
            add(
                o,
                d,
                number(&cell(cells, tc), *line, false)?,
                &mut out,
                true,
            );
        }
    } else {
        if period.is_some() {
            return Err(inconsistent(
                "a matrix has no periods: give one file per period".into(),
            ));
        }
        // Destinations across the first row.
        let destinations: Vec<NodeId> = header
            .iter()
            .skip(1)
            .map(|h| index.get(h).ok_or_else(|| syntax(1, index.unknown(h))))
            .collect::<Result<_, _>>()?;
        for (line, cells) in &records {
            let name = cells.first().map(String::as_str).unwrap_or("");
            let o = index
                .get(name)
                .ok_or_else(|| syntax(*line, index.unknown(name)))?;
            if cells.len() != destinations.len() + 1 {
                return Err(syntax(
                    *line,
                    format!(
                        "{} values for {} destinations",
                        cells.len().saturating_sub(1),
                        destinations.len()
                    ),
                ));
            }
            for (cell, &d) in cells.iter().skip(1).zip(&destinations) {
                add(o, d, number(cell, *line, true)?, &mut out, false);
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
    if out.demand.total() <= 0.0 {
        return Err(inconsistent(match period {
            Some(p) => format!("no trips between zones in period “{p}”"),
            None => "no trips between zones in it".into(),
        }));
    }
    Ok(out)
}

fn line_of(e: &csv::Error) -> usize {
    e.position().map_or(0, |p| p.line() as usize)
}

/// Zone names to network zones; "7", "07" and "7.0" name zone 7 alike
/// (not "1.000": a thousands mark).
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

/// A zone number: digits, optionally ".0" or ".00" after them.
fn integer(s: &str) -> Option<i64> {
    let s = s.trim();
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let zeros = fraction.len() <= 2 && fraction.bytes().all(|b| b == b'0');
    (is_digits(whole) && whole.len() < 16 && zeros)
        .then(|| whole.parse().ok())
        .flatten()
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

    /// Numbers as the file writes them, decided once for the file.
    #[test]
    fn number_styles_are_read_per_file() {
        let total = |text: &str| {
            parse(text, None)
                .map(|m| m.demand.total())
                .map_err(|e| e.to_string())
        };
        // pandas with sep=";": decimal points.
        assert_eq!(
            total("origin;destination;trips\n1;2;12.5\n1;3;0.25\n"),
            Ok_(12.75)
        );
        // German whole numbers with thousands points.
        assert_eq!(total("Von;Nach;Fahrten\n1;2;1.200\n2;3;300\n"), Ok_(1500.0));
        // Pasted from a German spreadsheet: tabs, decimal commas.
        assert_eq!(total("von\tnach\tfahrten\n1\t2\t2,5\n"), Ok_(2.5));
        // English thousands inside quotes with commas between columns.
        assert_eq!(
            total("origin,destination,trips\n1,2,\"1,200.5\"\n"),
            Ok_(1200.5)
        );
        let e = total("origin;destination;trips\n1;2;12,5\n1;3;0.25\n").unwrap_err();
        assert!(
            e.contains("decimal comma (12,5), others with a decimal point"),
            "{e}"
        );
    }

    /// Files as spreadsheets and other programs write them.
    #[test]
    fn odd_files_are_read_or_refused_clearly() {
        let zones = vec!["Süd".to_string(), "Nord".to_string()];
        // Windows-1252 ("ü" is one byte, 0xFC) and UTF-16 with its mark.
        let latin: Vec<u8> = b"Von;Nach;Fahrten\nS\xfcd;Nord;5\n".to_vec();
        let m = parse_od_csv(&decode(&latin), Path::new("f.csv"), &zones, None).unwrap();
        assert_eq!(m.demand.total(), 5.0);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "Von;Nach;Fahrten\nSüd;Nord;7\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let m = parse_od_csv(&decode(&utf16), Path::new("f.csv"), &zones, None).unwrap();
        assert_eq!(m.demand.total(), 7.0);
        // A separator inside quotes, one at the end of every line.
        let m = parse("\"Quelle, Bezirk\";x;y\n", None);
        assert!(m.is_err());
        let m = parse("origin;destination;trips;\n1;2;3;\n", None).unwrap();
        assert_eq!(m.demand.total(), 3.0);
        let e = parse("", None).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = parse("origin;destination;trips\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no trips between zones"), "{e}");
        let e = parse("Quelle_Bezirk;Ziel_Bezirk;Kfz\n1;2;3\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("neither a table of trips") && e.contains("Kfz"),
            "{e}"
        );
        let e = parse("origin;destination;trips\n1;2\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: no number of trips"), "{e}");
        let e = parse("origin;1;2;99\n1;0;1;1\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1: zone “99”"), "{e}");
        let e = parse("nur eine Spalte\n1\n", None).unwrap_err().to_string();
        assert!(e.contains("one column only"), "{e}");
    }

    #[allow(non_snake_case)]
    fn Ok_(v: f64) -> Result<f64, String> {
        Ok(v)
    }

    #[test]
    fn zone_numbers_may_be_written_as_decimals() {
        let m = parse("origin,destination,trips\n1.0,03,2\n", None).unwrap();
        assert_eq!(origins(&m), vec![(0, vec![(2, 2.0)])]);
    }
}
