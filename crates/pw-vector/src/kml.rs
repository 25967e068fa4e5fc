//! KML 2.2 and KMZ: Placemarks with Point, LineString, Polygon and
//! MultiGeometry, name and description, ExtendedData (Data and SchemaData)
//! as attribute columns. Always WGS 84 longitude/latitude(/altitude).

use crate::model::{Coord, Feature, Field, FieldKind, Geometry, Polygon, Value, VectorData};
use crate::xml::Element;
use pw_text::Message;
use std::io::Read;
use std::path::Path;

pub fn read_file(path: &Path) -> Result<VectorData, Message> {
    let bytes = std::fs::read(path).map_err(crate::unreadable)?;
    let is_zip = bytes.starts_with(b"PK");
    let text = if is_zip {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
            Message::new("vector.kml.not_kmz")
                .arg("detail", e)
                .english("not a readable KMZ archive: {detail}")
        })?;
        // The main document: doc.kml by convention, else the first .kml.
        // Names that cannot be decoded are skipped: the document is a plain .kml.
        let names: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        let main = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case("doc.kml"))
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
            })
            .ok_or_else(|| {
                Message::new("vector.kml.no_document")
                    .english("the KMZ archive holds no .kml document")
            })?
            .clone();
        let mut document = Vec::new();
        archive
            .by_name(&main)
            .map_err(crate::unreadable)?
            .read_to_end(&mut document)
            .map_err(|e| {
                Message::new("vector.kml.member_unreadable")
                    .arg("name", &main)
                    .arg("detail", e)
                    .english("{name} in the KMZ: {detail}")
            })?;
        document
    } else {
        bytes
    };
    // KML is UTF-8 by its standard, but exports from old desktop GIS say
    // (and are) Windows-1252 or UTF-16.
    let document = pw_xml::decode(&text);
    let mut data = read(&document.text)?;
    if let Some(note) = document.note {
        data.issues.insert(0, note.message());
    }
    if is_zip {
        data.format = "KMZ".into();
    }
    Ok(data)
}

fn coords(text: &str) -> Vec<Coord> {
    text.split_whitespace()
        .filter_map(|t| {
            let v: Vec<f64> = t.split(',').filter_map(|n| n.trim().parse().ok()).collect();
            match v.as_slice() {
                [x, y] => Some([*x, *y, f64::NAN]),
                [x, y, z, ..] => Some([*x, *y, *z]),
                _ => None,
            }
        })
        .collect()
}

fn ring(e: Option<&Element>) -> Vec<Coord> {
    e.and_then(|b| b.child("LinearRing"))
        .and_then(|r| r.child("coordinates"))
        .map(|c| coords(&c.text))
        .unwrap_or_default()
}

fn geometry(e: &Element) -> Option<Geometry> {
    let coord_text = || {
        e.child("coordinates")
            .map(|c| coords(&c.text))
            .unwrap_or_default()
    };
    match e.name.as_str() {
        "Point" => Some(Geometry::Points(coord_text()))
            .filter(|g| matches!(g, Geometry::Points(p) if !p.is_empty())),
        "LineString" | "LinearRing" => Some(Geometry::Lines(vec![coord_text()])),
        "Polygon" => Some(Geometry::Polygons(vec![Polygon {
            exterior: ring(e.child("outerBoundaryIs")),
            interiors: e
                .children_named("innerBoundaryIs")
                .map(|b| ring(Some(b)))
                .collect(),
        }])),
        "MultiGeometry" => crate::model::merge_parts(e.children.iter().filter_map(geometry)),
        _ => None,
    }
}

pub fn read(text: &str) -> Result<VectorData, Message> {
    let root = crate::xml::parse(text)?;
    if root.name != "kml" {
        return Err(Message::new("vector.kml.not_kml")
            .arg("element", &root.name)
            .english("the root element is <{element}>, not <kml>"));
    }
    let mut data = VectorData::new("KML");
    data.crs = Some(pw_geo::Crs::WGS84);
    let mut placemarks = Vec::new();
    root.descendants("Placemark", &mut placemarks);
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for p in &placemarks {
        let mut attrs = vec![
            (
                "name".to_string(),
                p.child("name")
                    .map(|n| n.text_trimmed().to_string())
                    .unwrap_or_default(),
            ),
            (
                "description".to_string(),
                p.child("description")
                    .map(|n| n.text_trimmed().to_string())
                    .unwrap_or_default(),
            ),
        ];
        if let Some(ext) = p.child("ExtendedData") {
            for d in ext.children_named("Data") {
                let v = d
                    .child("value")
                    .map(|v| v.text_trimmed().to_string())
                    .unwrap_or_default();
                attrs.push((d.attr("name").unwrap_or("").to_string(), v));
            }
            for sd in ext.children_named("SchemaData") {
                for s in sd.children_named("SimpleData") {
                    attrs.push((
                        s.attr("name").unwrap_or("").to_string(),
                        s.text_trimmed().to_string(),
                    ));
                }
            }
        }
        for (name, _) in &attrs {
            if data.field_index(name).is_none() {
                data.fields.push(Field {
                    name: name.clone(),
                    kind: FieldKind::Text,
                });
            }
        }
        let g = p.children.iter().find_map(geometry);
        if g.is_none() {
            data.issues.push(
                Message::new("vector.issue.placemark_without_geometry")
                    .arg("line", p.line)
                    .english("line {line}: placemark without a geometry"),
            );
        }
        data.features.push(Feature {
            id: p.attr("id").map(String::from),
            geometry: g,
            values: Vec::new(),
        });
        rows.push(attrs);
    }
    for (f, attrs) in data.features.iter_mut().zip(&rows) {
        f.values = data
            .fields
            .iter()
            .map(|field| match attrs.iter().find(|(n, _)| *n == field.name) {
                Some((_, v)) if !v.is_empty() => Value::Text(v.clone()),
                _ => Value::Null,
            })
            .collect();
    }
    Ok(data)
}
