//! GeoJSON (RFC 7946 and the older 2008 form with a "crs" member). Tolerant
//! of what real files do: a bare object with a "features" array and no
//! "type" (Jena's reference areas), a single Feature, a bare geometry.
//! Attribute columns are the union of all properties, typed by their values.

use crate::model::{Coord, Feature, Field, FieldKind, Geometry, Polygon, Value, VectorData};
use pw_text::Message;
use serde_json::Value as Json;

/// "feature N: what is wrong with it".
pub(crate) fn feature_problem(number: impl std::fmt::Display, error: Message) -> Message {
    Message::new("vector.issue.feature")
        .arg("number", number)
        .arg_message("error", error)
        .english("feature {number}: {error}")
}

pub fn read(text: &str) -> Result<VectorData, Message> {
    // serde_json's own words stay as the detail.
    let root: Json = serde_json::from_str(text).map_err(|e| {
        Message::new("vector.geojson.not_json")
            .arg("line", e.line())
            .arg("column", e.column())
            .arg("detail", &e)
            .english("not valid JSON at line {line}, column {column}: {detail}")
    })?;
    // Overpass answers are JSON too, and often saved as .json.
    if crate::overpass::is_overpass(&root) {
        return crate::overpass::read(&root);
    }
    let mut data = VectorData::new("GeoJSON");
    // RFC 7946 is WGS 84 longitude/latitude unless the old "crs" member says otherwise.
    data.crs = Some(pw_geo::Crs::WGS84);
    if let Some(name) = root
        .pointer("/crs/properties/name")
        .and_then(|n| n.as_str())
    {
        data.crs_text = Some(name.to_string());
        match pw_geo::Crs::parse(name) {
            // CRS84 and EPSG:4326 both mean longitude first in GeoJSON.
            Ok(c) => data.crs = Some(c),
            Err(e) => data.issues.push(
                Message::new("vector.issue.geojson_crs_unknown")
                    .arg_message("error", e.message())
                    .english("\"crs\": {error}; read as WGS 84"),
            ),
        }
    }
    let features: Vec<&Json> = match (
        root.get("type").and_then(|t| t.as_str()),
        root.get("features"),
    ) {
        (Some("FeatureCollection"), Some(Json::Array(f))) => f.iter().collect(),
        (None, Some(Json::Array(f))) => {
            data.issues.push(Message::new("vector.issue.features_without_type").english(
                "the file has a \"features\" list but no \"type\": \"FeatureCollection\"; read anyway",
            ));
            f.iter().collect()
        }
        (Some("Feature"), _) => vec![&root],
        (Some(t), _) if is_geometry_type(t) => vec![&root],
        (Some(t), _) => {
            return Err(Message::new("vector.geojson.unknown_type")
                .arg("type", t)
                .english("\"type\": \"{type}\" is not a GeoJSON object type"));
        }
        (None, _) => {
            return Err(Message::new("vector.geojson.not_geojson")
                .english("no \"type\" and no \"features\" list: this is not GeoJSON"));
        }
    };
    let mut props: Vec<Vec<(String, Json)>> = Vec::with_capacity(features.len());
    for (k, f) in features.iter().enumerate() {
        let (geometry, properties) = if f
            .get("type")
            .and_then(|t| t.as_str())
            .is_some_and(is_geometry_type)
        {
            (Some(*f), None)
        } else {
            (f.get("geometry"), f.get("properties"))
        };
        let geometry = match geometry {
            None | Some(Json::Null) => None,
            Some(g) => match parse_geometry(g) {
                Ok(g) => g,
                Err(e) => {
                    data.issues.push(feature_problem(k + 1, e));
                    None
                }
            },
        };
        let id = f.get("id").map(|v| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        });
        let p: Vec<(String, Json)> = match properties {
            Some(Json::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => Vec::new(),
        };
        for (name, _) in &p {
            if data.field_index(name).is_none() {
                data.fields.push(Field {
                    name: name.clone(),
                    kind: FieldKind::Integer,
                });
            }
        }
        props.push(p);
        data.features.push(Feature {
            id,
            geometry,
            values: Vec::new(),
        });
    }
    // Column types: the widest kind any value needs.
    for field in data.fields.iter_mut() {
        let mut kind: Option<FieldKind> = None;
        for p in &props {
            if let Some((_, v)) = p.iter().find(|(n, _)| *n == field.name) {
                let k = match v {
                    Json::Null => continue,
                    Json::Bool(_) => FieldKind::Boolean,
                    Json::Number(n) if n.is_i64() || n.is_u64() => FieldKind::Integer,
                    Json::Number(_) => FieldKind::Real,
                    _ => FieldKind::Text,
                };
                kind = Some(FieldKind::widen(kind, k));
            }
        }
        field.kind = kind.unwrap_or(FieldKind::Text);
    }
    for (feature, p) in data.features.iter_mut().zip(&props) {
        feature.values = data
            .fields
            .iter()
            .map(
                |field| match p.iter().find(|(n, _)| *n == field.name).map(|(_, v)| v) {
                    None | Some(Json::Null) => Value::Null,
                    Some(v) => match (field.kind, v) {
                        (FieldKind::Integer, Json::Number(n)) => {
                            n.as_i64().map_or(Value::Null, Value::Integer)
                        }
                        (FieldKind::Real, Json::Number(n)) => {
                            n.as_f64().map_or(Value::Null, Value::Real)
                        }
                        (FieldKind::Boolean, Json::Bool(b)) => Value::Boolean(*b),
                        (_, Json::String(s)) => Value::Text(s.clone()),
                        (_, other) => Value::Text(other.to_string()),
                    },
                },
            )
            .collect();
    }
    Ok(data)
}

fn is_geometry_type(t: &str) -> bool {
    matches!(
        t,
        "Point"
            | "MultiPoint"
            | "LineString"
            | "MultiLineString"
            | "Polygon"
            | "MultiPolygon"
            | "GeometryCollection"
    )
}

fn coord(v: &Json) -> Result<Coord, Message> {
    let a = v.as_array().ok_or_else(|| {
        Message::new("vector.geojson.position_not_array")
            .english("a position must be an array of numbers")
    })?;
    let n = |i: usize| a.get(i).and_then(|x| x.as_f64());
    match (n(0), n(1)) {
        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
            Ok([x, y, n(2).unwrap_or(f64::NAN)])
        }
        _ => Err(Message::new("vector.geojson.bad_position")
            .arg("position", v)
            .english("position {position} is not [x, y] or [x, y, z]")),
    }
}

fn line(v: &Json) -> Result<Vec<Coord>, Message> {
    v.as_array()
        .ok_or_else(|| {
            Message::new("vector.geojson.coordinates_not_array")
                .english("coordinates must be an array")
        })?
        .iter()
        .map(coord)
        .collect()
}

fn polygon(v: &Json) -> Result<Polygon, Message> {
    let rings: Vec<Vec<Coord>> = v
        .as_array()
        .ok_or_else(|| {
            Message::new("vector.geojson.rings_not_array")
                .english("polygon coordinates must be an array of rings")
        })?
        .iter()
        .map(line)
        .collect::<Result<_, _>>()?;
    let mut it = rings.into_iter();
    let exterior = it
        .next()
        .ok_or_else(|| Message::new("vector.geojson.no_rings").english("polygon without rings"))?;
    Ok(Polygon {
        exterior,
        interiors: it.collect(),
    })
}

fn parse_geometry(g: &Json) -> Result<Option<Geometry>, Message> {
    let t = g.get("type").and_then(|t| t.as_str()).ok_or_else(|| {
        Message::new("vector.geojson.geometry_without_type").english("geometry without \"type\"")
    })?;
    let c = g.get("coordinates");
    let arr = || {
        c.and_then(|c| c.as_array()).ok_or_else(|| {
            Message::new("vector.geojson.no_coordinates_array")
                .arg("type", t)
                .english("{type} without \"coordinates\"")
        })
    };
    // One text for the three single geometries, the type named in it.
    let single = || {
        c.ok_or_else(|| {
            Message::new("vector.geojson.no_coordinates")
                .arg("type", t)
                .english("{type} without coordinates")
        })
    };
    Ok(Some(match t {
        "Point" => Geometry::Points(vec![coord(single()?)?]),
        "MultiPoint" => Geometry::Points(arr()?.iter().map(coord).collect::<Result<_, _>>()?),
        "LineString" => Geometry::Lines(vec![line(single()?)?]),
        "MultiLineString" => Geometry::Lines(arr()?.iter().map(line).collect::<Result<_, _>>()?),
        "Polygon" => Geometry::Polygons(vec![polygon(single()?)?]),
        "MultiPolygon" => Geometry::Polygons(arr()?.iter().map(polygon).collect::<Result<_, _>>()?),
        "GeometryCollection" => {
            // Kept as its first part's kind: the display draws one kind per feature.
            let parts = g
                .get("geometries")
                .and_then(|p| p.as_array())
                .ok_or_else(|| {
                    Message::new("vector.geojson.no_geometries")
                        .english("GeometryCollection without \"geometries\"")
                })?;
            let mut found = Vec::new();
            for p in parts {
                if let Some(part) = parse_geometry(p)? {
                    found.push(part);
                }
            }
            return Ok(crate::model::merge_parts(found));
        }
        other => {
            return Err(Message::new("vector.geojson.unknown_geometry")
                .arg("type", other)
                .english("unknown geometry type \"{type}\""));
        }
    }))
}
