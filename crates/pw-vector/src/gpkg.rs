//! GeoPackage (OGC 12-128r18): every feature table with its geometry column
//! and SRS, attributes typed by their declared SQLite types.

use crate::model::{Feature, Field, FieldKind, Value, VectorData};
use pw_text::Message;
use rusqlite::{Connection, OpenFlags, types::ValueRef};
use std::path::Path;

/// SQLite's own words, inside a frame that says in the user's language
/// what could not be read.
fn err(e: rusqlite::Error) -> Message {
    Message::new("vector.gpkg.sqlite")
        .arg("detail", e)
        .english("{detail}")
}

/// Feature tables of the file: (table name, feature count).
pub fn tables(path: &Path) -> Result<Vec<String>, Message> {
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(err)?;
    let mut stmt = db
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )
        .map_err(|e| {
            Message::new("vector.gpkg.not_gpkg")
                .arg("detail", e)
                .english("not a GeoPackage (no gpkg_contents table): {detail}")
        })?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    Ok(names)
}

/// Reads one feature table (the first when `table` is None).
pub fn read_file(path: &Path, table: Option<&str>) -> Result<VectorData, Message> {
    let all = tables(path)?;
    let table = match table {
        Some(t) => all
            .iter()
            .find(|n| *n == t)
            .ok_or_else(|| {
                Message::new("vector.gpkg.no_such_table")
                    .arg("table", t)
                    .arg("tables", all.join(", "))
                    .english("no feature table \"{table}\"; the file has: {tables}")
            })?
            .clone(),
        None => all
            .first()
            .ok_or_else(|| {
                Message::new("vector.gpkg.no_tables")
                    .english("the GeoPackage has no feature tables")
            })?
            .clone(),
    };
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(err)?;
    let mut data = VectorData::new("GeoPackage");
    if all.len() > 1 {
        data.issues.push(
            Message::new("vector.issue.several_tables")
                .arg("count", all.len())
                .arg("table", &table)
                .arg(
                    "others",
                    all.iter()
                        .filter(|n| **n != table)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                )
                .english("{count} feature tables; read \"{table}\" (others: {others})"),
        );
    }
    let (geom_col, srs_id): (String, i64) = db
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [&table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| {
            Message::new("vector.gpkg.no_geometry_column")
                .arg("table", &table)
                .arg("detail", e)
                .english("table \"{table}\" has no geometry column entry: {detail}")
        })?;
    if let Ok((org, code, def)) = db.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
    ) {
        data.crs_text = Some(format!("{org}:{code}"));
        data.crs = if org.eq_ignore_ascii_case("EPSG") {
            Some(pw_geo::Crs::epsg(code as u32))
        } else {
            crate::prj::crs_of_wkt(&def).ok()
        };
        if data.crs.is_none() {
            data.issues.push(crate::gml::unknown_crs(&format!("{org}:{code}")));
        }
    }
    // Columns with their declared types, the geometry column apart.
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut info = db
        .prepare(&format!("PRAGMA table_info({quoted})"))
        .map_err(err)?;
    let cols: Vec<(String, String)> = info
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .map_err(err)?
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let pk: Option<String> = db
        .prepare(&format!("PRAGMA table_info({quoted})"))
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
                .filter_map(Result::ok)
                .find(|(_, pk)| *pk > 0)
                .map(|(n, _)| n)
                .ok_or(rusqlite::Error::QueryReturnedNoRows)
        })
        .ok();
    let attrs: Vec<&(String, String)> = cols
        .iter()
        .filter(|(n, _)| *n != geom_col && Some(n) != pk.as_ref())
        .collect();
    data.fields = attrs
        .iter()
        .map(|(n, t)| Field {
            name: n.clone(),
            kind: match t.to_ascii_uppercase().as_str() {
                t if t.contains("INT") => FieldKind::Integer,
                t if t.contains("REAL") || t.contains("DOUBLE") || t.contains("FLOAT") => {
                    FieldKind::Real
                }
                "DATE" | "DATETIME" => FieldKind::Date,
                "BOOLEAN" => FieldKind::Boolean,
                _ => FieldKind::Text,
            },
        })
        .collect();
    let select: Vec<String> = std::iter::once(pk.clone().unwrap_or_else(|| "rowid".into()))
        .chain(std::iter::once(geom_col.clone()))
        .chain(attrs.iter().map(|(n, _)| n.clone()))
        .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
        .collect();
    let mut stmt = db
        .prepare(&format!("SELECT {} FROM {quoted}", select.join(", ")))
        .map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    let mut problems = 0usize;
    while let Some(r) = rows.next().map_err(err)? {
        let id = match r.get_ref(0).map_err(err)? {
            ValueRef::Integer(i) => Some(i.to_string()),
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        };
        let geometry = match r.get_ref(1).map_err(err)? {
            ValueRef::Blob(b) => match crate::wkb::gpkg(b) {
                Ok(g) => g,
                Err(e) => {
                    problems += 1;
                    if problems <= 5 {
                        data.issues.push(crate::geojson::feature_problem(
                            id.as_deref().unwrap_or("?"),
                            e,
                        ));
                    }
                    None
                }
            },
            _ => None,
        };
        let values = (0..attrs.len())
            .map(|i| match r.get_ref(i + 2) {
                Ok(ValueRef::Integer(v)) => Value::Integer(v),
                Ok(ValueRef::Real(v)) => Value::Real(v),
                Ok(ValueRef::Text(t)) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                _ => Value::Null,
            })
            .collect();
        data.features.push(Feature {
            id,
            geometry,
            values,
        });
    }
    if problems > 5 {
        data.issues.push(
            Message::new("vector.issue.broken_geometries")
                .arg("count", problems)
                .english("{count} features with broken geometry in all"),
        );
    }
    Ok(data)
}
