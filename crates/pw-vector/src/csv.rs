//! Tables with coordinate columns (tree cadastres, sensor lists): delimiter
//! detected (, ; tab), quoted fields (with line breaks and doubled quotes,
//! tokenised by the `csv` crate), UTF-8 or Windows-1252, dBase-style typed
//! headers ("hochwert,N,19,11") understood. Coordinate columns and CRS are
//! chosen by the caller or found by their usual names (x/y, Rechtswert/
//! Hochwert, lon/lat …).

use crate::model::{Feature, Field, FieldKind, Geometry, Value, VectorData};
use pw_geo::Crs;
use pw_text::Message;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsvOptions {
    /// Column with x (easting, longitude).
    pub x: Option<String>,
    /// Column with y (northing, latitude).
    pub y: Option<String>,
    pub crs: Option<Crs>,
}

const X_NAMES: &[&str] = &[
    "x",
    "rechtswert",
    "easting",
    "ost",
    "east",
    "rw",
    "lon",
    "lng",
    "longitude",
    "laenge",
    "länge",
];
const Y_NAMES: &[&str] = &[
    "y", "hochwert", "northing", "nord", "north", "hw", "lat", "latitude", "breite",
];

/// A record with the line it starts on (1-based).
type Row = (usize, Vec<String>);

/// The file's records, blank ones left out.
fn records(text: &str, delimiter: u8) -> impl Iterator<Item = Row> + '_ {
    // Line numbers counted here, onward from the last record: the crate's
    // own count lags behind after blank lines, and a record's start offset
    // can point at the blank lines before it.
    let mut counted = (0usize, 1usize); // (byte, line at that byte)
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .into_records()
        .filter_map(Result::ok)
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .map(move |r| {
            let start = r.position().map_or(counted.0, |p| p.byte() as usize);
            let rest = text.get(start..).unwrap_or("");
            let start = start + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
            if let Some(between) = text.get(counted.0..start) {
                counted = (start, counted.1 + between.matches('\n').count());
            }
            (counted.1, r.iter().map(str::to_string).collect())
        })
}

pub fn read_bytes(bytes: &[u8], options: &CsvOptions) -> Result<VectorData, Message> {
    let mut data = VectorData::new("CSV");
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            data.issues.push(
                Message::new("vector.issue.csv_not_utf8")
                    .english("the file is not UTF-8: read as Windows-1252"),
            );
            encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()
        }
    };
    // The delimiter that splits the header into the most columns.
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| records(&text, *d).next().map_or(0, |(_, h)| h.len()))
        .unwrap_or(b',');
    let mut lines = records(&text, delimiter);
    let (_, header) = lines
        .next()
        .ok_or_else(|| Message::new("vector.csv.empty").english("the file is empty"))?;
    // "name,C,20" headers (dBase export): name plus type letter.
    let columns: Vec<(String, Option<FieldKind>)> = header
        .into_iter()
        .map(|h| {
            let parts: Vec<&str> = h.split(',').collect();
            match parts.as_slice() {
                [name, t, ..] if t.len() == 1 => {
                    let kind = match *t {
                        "N" | "F" if parts.get(3).is_some_and(|d| *d != "0") => {
                            Some(FieldKind::Real)
                        }
                        "N" => Some(FieldKind::Integer),
                        "F" => Some(FieldKind::Real),
                        "D" => Some(FieldKind::Date),
                        "L" => Some(FieldKind::Boolean),
                        _ => Some(FieldKind::Text),
                    };
                    (name.trim().to_string(), kind)
                }
                _ => (h.trim().to_string(), None),
            }
        })
        .collect();
    let find = |wanted: &Option<String>, names: &[&str]| -> Option<usize> {
        match wanted {
            Some(w) => columns.iter().position(|(n, _)| n.eq_ignore_ascii_case(w)),
            None => columns
                .iter()
                .position(|(n, _)| names.iter().any(|c| n.eq_ignore_ascii_case(c))),
        }
    };
    let (xi, yi) = (find(&options.x, X_NAMES), find(&options.y, Y_NAMES));
    if let (Some(w), None) | (None, Some(w)) = (
        options.x.as_ref().filter(|_| xi.is_none()),
        options.y.as_ref().filter(|_| yi.is_none()),
    ) {
        return Err(Message::new("vector.csv.no_such_column")
            .arg("column", w)
            .arg(
                "columns",
                columns
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .english("no column \"{column}\"; the columns are: {columns}"));
    }
    if xi.is_none() || yi.is_none() {
        data.issues.push(
            Message::new("vector.issue.no_coordinate_columns")
                .arg(
                    "columns",
                    columns.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "),
                )
                .english("no coordinate columns found (looked for x/y, Rechtswert/Hochwert, lon/lat): choose them; columns: {columns}"),
        );
    }
    let rows: Vec<Row> = lines.collect();
    // An odd number of quotes: one opened and never closed, and everything
    // after it became one value of the last row.
    if text.matches('"').count() % 2 == 1
        && let Some((line, _)) = rows.last()
    {
        data.issues.push(
            Message::new("vector.issue.unclosed_quote")
                .arg("line", line)
                .english("line {line}: a quote (\") opens a value that is never closed; the rest of the file \
                          was read as that one value — close the quote"),
        );
    }
    // Column types: declared, else inferred from the values.
    data.fields = columns
        .iter()
        .enumerate()
        .map(|(i, (name, declared))| {
            let kind = declared.unwrap_or_else(|| {
                let vals = rows
                    .iter()
                    .filter_map(|(_, r)| r.get(i))
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty());
                let mut kind = FieldKind::Integer;
                for v in vals {
                    if v.parse::<i64>().is_ok() {
                        continue;
                    }
                    if v.parse::<f64>().is_ok() {
                        kind = FieldKind::Real;
                    } else {
                        return FieldKind::Text;
                    }
                }
                kind
            });
            Field {
                name: name.clone(),
                kind,
            }
        })
        .collect();
    let mut bad = Vec::new();
    for (line, r) in &rows {
        if r.len() != columns.len() {
            bad.push(
                Message::new("vector.csv.values_for_columns")
                    .arg("line", line)
                    .arg("values", r.len())
                    .arg("columns", columns.len())
                    .english("line {line}: {values} values for {columns} columns"),
            );
        }
        let values: Vec<Value> = data
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let s = r.get(i).map(|s| s.trim()).unwrap_or("");
                match f.kind {
                    _ if s.is_empty() => Value::Null,
                    FieldKind::Integer => s
                        .parse()
                        .map(Value::Integer)
                        .unwrap_or_else(|_| Value::Text(s.into())),
                    FieldKind::Real => s
                        .replace(',', ".")
                        .parse()
                        .map(Value::Real)
                        .unwrap_or_else(|_| Value::Text(s.into())),
                    _ => Value::Text(s.to_string()),
                }
            })
            .collect();
        let geometry = match (xi, yi) {
            (Some(xi), Some(yi)) => match (values[xi].as_f64(), values[yi].as_f64()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
                    Some(Geometry::Points(vec![[x, y, f64::NAN]]))
                }
                _ => {
                    bad.push(
                        Message::new("vector.csv.no_coordinates")
                            .arg("line", line)
                            .english("line {line}: no coordinates"),
                    );
                    None
                }
            },
            _ => None,
        };
        data.features.push(Feature {
            id: None,
            geometry,
            values,
        });
    }
    if !bad.is_empty() {
        let n = bad.len();
        bad.truncate(5);
        // The examples joined by "; ", each said in the user's language.
        let template = (0..bad.len())
            .map(|i| format!("{{{i}}}"))
            .collect::<Vec<_>>()
            .join("; ");
        let examples = bad
            .into_iter()
            .enumerate()
            .fold(Message::text(template), |m, (i, b)| {
                m.arg_message(&i.to_string(), b)
            });
        data.issues.push(
            Message::new("vector.issue.csv_rows_with_problems")
                .arg("count", n)
                .arg_message("examples", examples)
                .english("{count} rows with problems, e.g. {examples}"),
        );
    }
    data.crs = options.crs;
    if data.crs.is_none() {
        let degrees = data
            .extent()
            .is_some_and(|e| e[0] >= -180.0 && e[2] <= 180.0 && e[1] >= -90.0 && e[3] <= 90.0);
        if degrees {
            data.crs = Some(Crs::WGS84);
            data.issues.push(
                Message::new("vector.issue.csv_degrees")
                    .english("no CRS given: the coordinates look like degrees, read as WGS 84"),
            );
        } else if data.extent().is_some() {
            data.issues.push(Message::new("vector.issue.csv_no_crs").english(
                "no CRS given: choose the CRS of the coordinate columns (e.g. EPSG:31467 for Gauss-Krüger zone 3)",
            ));
        }
    }
    Ok(data)
}
