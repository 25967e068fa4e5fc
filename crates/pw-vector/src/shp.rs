//! ESRI Shapefiles: geometry from .shp (+ .shx) through the `shapefile`
//! crate, attributes from .dbf with its code page (dbf.rs), CRS from .prj.
//! Missing companions are reported and what exists is kept.

use crate::dbf;
use crate::model::{Coord, Feature, Geometry, Polygon, Value, VectorData};
use pw_text::Message;
use shapefile::{PolygonRing, Shape};
use std::path::Path;

fn sibling(path: &Path, ext: &str) -> Option<std::path::PathBuf> {
    [ext.to_string(), ext.to_uppercase()]
        .iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.exists())
}

/// A companion file (.prj, .dbf) that is there but cannot be read: the
/// system's words, with the file named.
fn companion(path: &Path, e: std::io::Error) -> Message {
    Message::new("vector.shp.companion_unreadable")
        .arg("file", path.display())
        .arg("detail", e)
        .english("{file}: {detail}")
}

pub fn read_file(path: &Path) -> Result<VectorData, Message> {
    let mut data = VectorData::new("Shapefile");
    if sibling(path, "shx").is_none() {
        data.issues.push(
            Message::new("vector.issue.shx_missing")
                .english("the .shx index is missing; shapes are read in file order"),
        );
    }
    let shapes: Vec<Shape> = {
        let file = std::fs::File::open(path).map_err(crate::unreadable)?;
        let mut reader =
            shapefile::ShapeReader::new(std::io::BufReader::new(file)).map_err(|e| {
                Message::new("vector.shp.not_shp")
                    .arg("detail", e)
                    .english("not a readable .shp: {detail}")
            })?;
        let mut out = Vec::new();
        for (k, s) in reader.iter_shapes().enumerate() {
            match s {
                Ok(s) => out.push(s),
                Err(e) => {
                    data.issues.push(
                        Message::new("vector.issue.shape_rest_skipped")
                            .arg("number", k + 1)
                            .arg("error", e)
                            .english("shape {number}: {error}; the rest of the file is skipped"),
                    );
                    break;
                }
            }
        }
        out
    };
    match sibling(path, "prj") {
        Some(prj) => {
            let wkt = std::fs::read_to_string(&prj).map_err(|e| companion(&prj, e))?;
            data.crs_text = Some(wkt.trim().to_string());
            match crate::prj::crs_of_wkt(&wkt) {
                Ok(c) => data.crs = Some(c),
                Err(e) => data.issues.push(
                    Message::new("vector.issue.prj")
                        .arg_message("error", e)
                        .english(".prj: {error}"),
                ),
            }
        }
        None => data
            .issues
            .push(Message::new("vector.issue.prj_missing").english(
                "the .prj is missing, so the CRS is unknown: set crs = \"EPSG:…\" for this layer",
            )),
    }
    let table = match sibling(path, "dbf") {
        Some(dbf_path) => {
            let bytes = std::fs::read(&dbf_path).map_err(|e| companion(&dbf_path, e))?;
            let cpg = sibling(path, "cpg").and_then(|p| std::fs::read_to_string(p).ok());
            match dbf::read(&bytes, cpg.as_deref()) {
                Ok(t) => Some(t),
                Err(e) => {
                    data.issues.push(
                        Message::new("vector.issue.dbf_unreadable")
                            .arg_message("error", e)
                            .english(".dbf: {error}; features have no attributes"),
                    );
                    None
                }
            }
        }
        None => {
            data.issues.push(
                Message::new("vector.issue.dbf_missing")
                    .english("the .dbf is missing: features have no attributes"),
            );
            None
        }
    };
    if let Some(t) = &table {
        data.fields = t.fields.clone();
        if let Some(n) = &t.encoding_note {
            data.issues.push(
                Message::new("vector.issue.dbf_note")
                    .arg_message("note", n.clone())
                    .english(".dbf: {note}"),
            );
        }
        if t.rows.len() != shapes.len() {
            data.issues.push(
                Message::new("vector.issue.shapes_rows_differ")
                    .arg("shapes", shapes.len())
                    .arg("rows", t.rows.len())
                    .english("{shapes} shapes but {rows} attribute rows: matched in order"),
            );
        }
    }
    let deleted = |k: usize| {
        table
            .as_ref()
            .is_some_and(|t| t.deleted.get(k) == Some(&true))
    };
    let left_out = (0..shapes.len()).filter(|k| deleted(*k)).count();
    if left_out > 0 {
        data.issues.push(
            Message::new("vector.issue.deleted_records")
                .arg("count", left_out)
                .english(".dbf: {count} records are marked deleted: their features are left out (as GDAL and QGIS do)"),
        );
    }
    for (k, shape) in shapes.into_iter().enumerate() {
        if deleted(k) {
            continue;
        }
        let values = table
            .as_ref()
            .and_then(|t| t.rows.get(k).cloned())
            .unwrap_or_else(|| vec![Value::Null; data.fields.len()]);
        data.features.push(Feature {
            id: Some((k + 1).to_string()),
            geometry: geometry(shape),
            values,
        });
    }
    Ok(data)
}

fn xy(p: &shapefile::Point) -> Coord {
    [p.x, p.y, f64::NAN]
}
fn xym(p: &shapefile::PointM) -> Coord {
    [p.x, p.y, f64::NAN]
}
fn xyz(p: &shapefile::PointZ) -> Coord {
    [p.x, p.y, p.z]
}

/// Outer rings (clockwise) each take the holes that lie inside them.
fn polygons(rings: Vec<(bool, Vec<Coord>)>) -> Vec<Polygon> {
    let mut out: Vec<Polygon> = Vec::new();
    let mut holes = Vec::new();
    for (outer, ring) in rings {
        if outer {
            out.push(Polygon {
                exterior: ring,
                interiors: Vec::new(),
            });
        } else {
            holes.push(ring);
        }
    }
    for hole in holes {
        let Some(&p) = hole.first() else { continue };
        match out
            .iter_mut()
            .find(|poly| crate::model::ring_contains(&poly.exterior, [p[0], p[1]]))
        {
            Some(poly) => poly.interiors.push(hole),
            // A hole outside every outer ring: keep it as a polygon of its own.
            None => out.push(Polygon {
                exterior: hole,
                interiors: Vec::new(),
            }),
        }
    }
    out
}

fn rings<P>(rings: &[PolygonRing<P>], f: impl Fn(&P) -> Coord) -> Vec<(bool, Vec<Coord>)> {
    rings
        .iter()
        .map(|r| match r {
            PolygonRing::Outer(pts) => (true, pts.iter().map(&f).collect()),
            PolygonRing::Inner(pts) => (false, pts.iter().map(&f).collect()),
        })
        .collect()
}

fn geometry(shape: Shape) -> Option<Geometry> {
    Some(match shape {
        Shape::NullShape => return None,
        Shape::Point(p) => Geometry::Points(vec![xy(&p)]),
        Shape::PointM(p) => Geometry::Points(vec![xym(&p)]),
        Shape::PointZ(p) => Geometry::Points(vec![xyz(&p)]),
        Shape::Multipoint(m) => Geometry::Points(m.points().iter().map(xy).collect()),
        Shape::MultipointM(m) => Geometry::Points(m.points().iter().map(xym).collect()),
        Shape::MultipointZ(m) => Geometry::Points(m.points().iter().map(xyz).collect()),
        Shape::Polyline(l) => Geometry::Lines(
            l.parts()
                .iter()
                .map(|p| p.iter().map(xy).collect())
                .collect(),
        ),
        Shape::PolylineM(l) => Geometry::Lines(
            l.parts()
                .iter()
                .map(|p| p.iter().map(xym).collect())
                .collect(),
        ),
        Shape::PolylineZ(l) => Geometry::Lines(
            l.parts()
                .iter()
                .map(|p| p.iter().map(xyz).collect())
                .collect(),
        ),
        Shape::Polygon(p) => Geometry::Polygons(polygons(rings(p.rings(), xy))),
        Shape::PolygonM(p) => Geometry::Polygons(polygons(rings(p.rings(), xym))),
        Shape::PolygonZ(p) => Geometry::Polygons(polygons(rings(p.rings(), xyz))),
        Shape::Multipatch(_) => return None,
    })
}
