//! GML feature collections as WFS servers answer (GML 2, 3.1, 3.2; WFS 1.x
//! and 2.0): members' simple properties become columns, the first geometry
//! property the geometry (Point, LineString, Curve, Polygon, Surface and
//! their Multi forms; pos, posList, coordinates). The CRS comes from the
//! geometries' srsName, else from a feature's or the collection's
//! `boundedBy` envelope (WFS 1.1 servers write it only there). URN/URL
//! names mean the EPSG registry's axis order (latitude first, Gauß-Krüger
//! northing first), read back to easting first; coordinates that fit the
//! stated CRS only the other way round are turned and the layer says so.

use crate::model::{Coord, Feature, Field, FieldKind, Geometry, Polygon, Value, VectorData};
use crate::xml::Element;
use pw_geo::crs::AxisOrder;
use pw_geo::crs_guess;
use pw_text::Message;

const GEOMETRIES: &[&str] = &[
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Curve",
    "MultiCurve",
    "Polygon",
    "MultiPolygon",
    "Surface",
    "MultiSurface",
    "CompositeSurface",
    "LinearRing",
];

/// GML from its bytes, read in the encoding it declares (German WFS
/// servers still answer in ISO-8859-1).
pub fn read_bytes(bytes: &[u8]) -> Result<VectorData, Message> {
    let document = pw_xml::decode(bytes);
    let mut data = read(&document.text)?;
    if let Some(note) = document.note {
        data.issues.insert(0, note.message());
    }
    Ok(data)
}

pub fn read(text: &str) -> Result<VectorData, Message> {
    let root = crate::xml::parse(text)?;
    if root.name == "ExceptionReport" || root.name == "ServiceExceptionReport" {
        let mut msg = Vec::new();
        root.descendants("ExceptionText", &mut msg);
        let text = msg
            .first()
            .map(|e| e.text_trimmed().to_string())
            .unwrap_or_else(|| root.text_trimmed().to_string());
        // The server's own words stay as they are.
        return Err(Message::new("vector.gml.exception")
            .arg("text", text)
            .english("the server answered with an exception: {text}"));
    }
    if root.name != "FeatureCollection" {
        return Err(Message::new("vector.gml.not_collection")
            .arg("element", &root.name)
            .english("the root element is <{element}>, not a GML/WFS FeatureCollection"));
    }
    let mut data = VectorData::new("GML");
    let mut members: Vec<&Element> = Vec::new();
    for m in &root.children {
        match m.name.as_str() {
            "featureMember" | "member" | "featureMembers" => members.extend(m.children.iter()),
            _ => {}
        }
    }
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    let mut srs: Option<String> = None;
    // The envelopes' names stand in when no geometry names its CRS.
    let mut envelope_srs: Option<String> = envelope_srs_name(&root);
    for f in &members {
        if envelope_srs.is_none() {
            envelope_srs = envelope_srs_name(f);
        }
        let mut attrs = Vec::new();
        let mut geometry = None;
        for p in &f.children {
            if p.name == "boundedBy" {
                continue;
            }
            match p
                .children
                .iter()
                .find(|c| GEOMETRIES.contains(&c.name.as_str()))
            {
                Some(g) if geometry.is_none() => {
                    if srs.is_none()
                        && let Some(name) = g.attr("srsName")
                    {
                        srs = Some(name.to_string());
                    }
                    match parse_geometry(g) {
                        Ok(gg) => geometry = Some(gg),
                        Err(e) => data.issues.push(
                            Message::new("vector.issue.at_line")
                                .arg("line", g.line)
                                .arg_message("error", e)
                                .english("line {line}: {error}"),
                        ),
                    }
                }
                Some(_) => {}
                None if p.children.is_empty() => {
                    attrs.push((p.name.clone(), p.text_trimmed().to_string()))
                }
                None => {}
            }
        }
        for (n, _) in &attrs {
            if data.field_index(n).is_none() {
                data.fields.push(Field {
                    name: n.clone(),
                    kind: FieldKind::Integer,
                });
            }
        }
        data.features.push(Feature {
            id: f.attr("id").or_else(|| f.attr("fid")).map(String::from),
            geometry,
            values: Vec::new(),
        });
        rows.push(attrs);
    }
    let srs = srs.or(envelope_srs);
    if let Some(name) = &srs {
        match pw_geo::Crs::parse_with_axis_order(name) {
            Ok((crs, order)) => {
                data.crs = Some(crs);
                settle_axis_order(&mut data, crs, order, name);
            }
            Err(_) => data.issues.push(unknown_crs(&name)),
        }
    }
    data.crs_text = srs;
    // Types from the values: integer, real, date (YYYY-MM-DD), else text.
    for field in &mut data.fields {
        let mut kind: Option<FieldKind> = None;
        for r in &rows {
            let Some((_, v)) = r.iter().find(|(n, _)| *n == field.name) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            let k = if v.parse::<i64>().is_ok() {
                FieldKind::Integer
            } else if v.parse::<f64>().is_ok() {
                FieldKind::Real
            } else if v.len() == 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-' {
                FieldKind::Date
            } else {
                FieldKind::Text
            };
            kind = Some(FieldKind::widen(kind, k));
        }
        field.kind = kind.unwrap_or(FieldKind::Text);
    }
    for (f, attrs) in data.features.iter_mut().zip(&rows) {
        f.values = data
            .fields
            .iter()
            .map(|field| match attrs.iter().find(|(n, _)| *n == field.name) {
                Some((_, v)) if !v.is_empty() => match field.kind {
                    FieldKind::Integer => v.parse().map(Value::Integer).unwrap_or(Value::Null),
                    FieldKind::Real => v.parse().map(Value::Real).unwrap_or(Value::Null),
                    _ => Value::Text(v.clone()),
                },
                _ => Value::Null,
            })
            .collect();
    }
    if members.is_empty() {
        data.issues.push(
            Message::new("vector.issue.no_features").english("the collection has no features"),
        );
    }
    Ok(data)
}

/// "CRS … is not known": the user names it for the layer.
pub(crate) fn unknown_crs(name: &str) -> Message {
    Message::new("vector.issue.unknown_crs")
        .arg("crs", name)
        .english("CRS \"{crs}\" is not known; set crs = \"EPSG:…\" for this layer")
}

/// The srsName of an element's `boundedBy` envelope (GML 3 Envelope, GML 2 Box).
fn envelope_srs_name(e: &Element) -> Option<String> {
    let bounds = e.child("boundedBy")?;
    bounds
        .children
        .iter()
        .find_map(|b| b.attr("srsName"))
        .map(str::to_string)
}

fn swap_axes(data: &mut VectorData) {
    for f in &mut data.features {
        if let Some(g) = &mut f.geometry {
            for c in g.coords_mut() {
                c.swap(0, 1);
            }
        }
    }
}

/// Puts easting (longitude) first: as the CRS name implies, unless the
/// coordinates fit the system only the other way round — servers that
/// write northing first under a short name, or easting first under a URN.
/// Coordinates that fit neither way are kept and flagged.
fn settle_axis_order(data: &mut VectorData, crs: pw_geo::Crs, order: AxisOrder, name: &str) {
    if order == AxisOrder::NorthEast {
        swap_axes(data);
    }
    let Some(extent) = data.extent() else {
        return;
    };
    if crs.proj_definition().is_err() || crs_guess::plausible(crs, extent) {
        return;
    }
    let turned = [extent[1], extent[0], extent[3], extent[2]];
    // Two messages, not a word put in: other languages say it otherwise.
    let turned_message = match order {
        AxisOrder::EastNorth => Message::new("vector.issue.axes_not_east_first").english(
            "the coordinates are not easting first as \"{name}\" implies but the other way round \
             (e.g. {example}); read so, which puts them inside the region {crs} is made for",
        ),
        AxisOrder::NorthEast => Message::new("vector.issue.axes_not_north_first").english(
            "the coordinates are not northing first as \"{name}\" implies but the other way round \
             (e.g. {example}); read so, which puts them inside the region {crs} is made for",
        ),
    };
    if crs_guess::plausible(crs, turned) {
        swap_axes(data);
        // A real point of the file, as it is read now.
        let example = data
            .features
            .iter()
            .find_map(|f| f.geometry.as_ref()?.coords().next().copied())
            .unwrap_or([extent[1], extent[0], 0.0]);
        data.issues.push(
            turned_message
                .arg("name", name)
                .arg("example", format!("{:.1}, {:.1}", example[0], example[1]))
                .arg("crs", crs),
        );
    } else {
        data.issues.push(
            Message::new("vector.issue.outside_region")
                .arg("x0", format!("{:.1}", extent[0]))
                .arg("x1", format!("{:.1}", extent[2]))
                .arg("y0", format!("{:.1}", extent[1]))
                .arg("y1", format!("{:.1}", extent[3]))
                .arg("crs", crs)
                .english(
                    "the coordinates (x {x0} to {x1}, y {y0} to {y1}) lie outside the region {crs} is made for, \
                     either way round; check the layer's CRS (set crs = \"EPSG:…\")",
                ),
        );
    }
}

/// Coordinates of pos/posList/coordinates children, in file order.
fn points(e: &Element) -> Result<Vec<Coord>, Message> {
    if let Some(pl) = e.child("posList") {
        let dim: usize = pl
            .attr("srsDimension")
            .or_else(|| e.attr("srsDimension"))
            .and_then(|d| d.parse().ok())
            .unwrap_or(2);
        let v: Vec<f64> = pl
            .text
            .split_whitespace()
            .map(|t| t.parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                Message::new("vector.gml.poslist_not_number").english("posList with a non-number")
            })?;
        if dim < 2 || !v.len().is_multiple_of(dim) {
            return Err(Message::new("vector.gml.poslist_dimension")
                .arg("count", v.len())
                .arg("dim", dim)
                .english("posList of {count} numbers is not a list of {dim}-D positions"));
        }
        return Ok(v
            .chunks(dim)
            .map(|c| [c[0], c[1], if dim > 2 { c[2] } else { f64::NAN }])
            .collect());
    }
    let pos: Vec<&Element> = e.children_named("pos").collect();
    if !pos.is_empty() {
        return pos
            .iter()
            .map(|p| {
                let v: Vec<f64> = p
                    .text
                    .split_whitespace()
                    .filter_map(|t| t.parse().ok())
                    .collect();
                match v.as_slice() {
                    [x, y] => Ok([*x, *y, f64::NAN]),
                    [x, y, z, ..] => Ok([*x, *y, *z]),
                    _ => Err(Message::new("vector.gml.pos_not_position")
                        .arg("pos", p.text_trimmed())
                        .english("pos \"{pos}\" is not a position")),
                }
            })
            .collect();
    }
    if let Some(c) = e.child("coordinates") {
        return Ok(c
            .text
            .split_whitespace()
            .filter_map(|t| {
                let v: Vec<f64> = t.split(',').filter_map(|n| n.parse().ok()).collect();
                (v.len() >= 2).then(|| [v[0], v[1], v.get(2).copied().unwrap_or(f64::NAN)])
            })
            .collect());
    }
    Err(Message::new("vector.gml.no_coordinates")
        .arg("element", &e.name)
        .english("<{element}> without pos, posList or coordinates"))
}

fn ring(boundary: &Element) -> Result<Vec<Coord>, Message> {
    let r = boundary.children.first().ok_or_else(|| {
        Message::new("vector.gml.empty_boundary").english("empty polygon boundary")
    })?;
    match r.name.as_str() {
        "LinearRing" => points(r),
        "Ring" => {
            let mut out = Vec::new();
            let mut curves = Vec::new();
            r.descendants("LineStringSegment", &mut curves);
            r.descendants("LineString", &mut curves);
            for c in curves {
                out.extend(points(c)?);
            }
            Ok(out)
        }
        other => Err(Message::new("vector.gml.boundary_unsupported")
            .arg("element", other)
            .english("polygon boundary <{element}> is not supported")),
    }
}

fn polygon(e: &Element) -> Result<Polygon, Message> {
    let ext = e
        .child("exterior")
        .or_else(|| e.child("outerBoundaryIs"))
        .ok_or_else(|| {
            Message::new("vector.gml.no_exterior").english("polygon without exterior")
        })?;
    let interiors = e
        .children
        .iter()
        .filter(|c| c.name == "interior" || c.name == "innerBoundaryIs")
        .map(ring)
        .collect::<Result<_, _>>()?;
    Ok(Polygon {
        exterior: ring(ext)?,
        interiors,
    })
}

fn parse_geometry(e: &Element) -> Result<Geometry, Message> {
    Ok(match e.name.as_str() {
        "Point" => Geometry::Points(points(e)?),
        "LineString" | "LinearRing" => Geometry::Lines(vec![points(e)?]),
        "Curve" => {
            let mut segs = Vec::new();
            e.descendants("LineStringSegment", &mut segs);
            let mut line = Vec::new();
            for s in segs {
                line.extend(points(s)?);
            }
            Geometry::Lines(vec![line])
        }
        "Polygon" => Geometry::Polygons(vec![polygon(e)?]),
        "Surface" => {
            let mut patches = Vec::new();
            e.descendants("PolygonPatch", &mut patches);
            Geometry::Polygons(patches.into_iter().map(polygon).collect::<Result<_, _>>()?)
        }
        "MultiPoint" | "MultiLineString" | "MultiCurve" | "MultiPolygon" | "MultiSurface"
        | "CompositeSurface" => {
            let mut found = Vec::new();
            for member in &e.children {
                for g in member
                    .children
                    .iter()
                    .filter(|c| GEOMETRIES.contains(&c.name.as_str()))
                    .map(parse_geometry)
                {
                    let g = g?;
                    found.push(g);
                }
            }
            crate::model::merge_parts(found).ok_or_else(|| {
                Message::new("vector.gml.no_members")
                    .arg("element", &e.name)
                    .english("<{element}> without members")
            })?
        }
        other => {
            return Err(Message::new("vector.gml.geometry_unsupported")
                .arg("element", other)
                .english("geometry <{element}> is not supported"));
        }
    })
}
