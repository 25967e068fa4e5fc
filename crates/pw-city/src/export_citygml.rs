//! Writing CityGML 2.0: buildings (with their parts) as `bldg:Building`
//! with thematic surfaces (`bldg:boundedBy`) per LoD, the core building
//! attributes where CityGML has elements for them and every other
//! attribute as a generic attribute; trees as `veg:SolitaryVegetationObject`,
//! anything else as `gen:GenericCityObject`. Coordinates to the millimetre,
//! like the CityJSON writer, so both round-trip to 1 mm.

use crate::model::{CityModel, CityObject, ObjectKind, Semantic, Surface};
use quick_xml::escape::escape;
use std::collections::HashMap;
use std::fmt::Write as _;

const NAMESPACES: &str = concat!(
    r#"xmlns:core="http://www.opengis.net/citygml/2.0" "#,
    r#"xmlns:bldg="http://www.opengis.net/citygml/building/2.0" "#,
    r#"xmlns:veg="http://www.opengis.net/citygml/vegetation/2.0" "#,
    r#"xmlns:tran="http://www.opengis.net/citygml/transportation/2.0" "#,
    r#"xmlns:gen="http://www.opengis.net/citygml/generics/2.0" "#,
    r#"xmlns:gml="http://www.opengis.net/gml" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
    r#"xsi:schemaLocation="http://www.opengis.net/citygml/building/2.0 http://schemas.opengis.net/citygml/building/2.0/building.xsd http://www.opengis.net/citygml/vegetation/2.0 http://schemas.opengis.net/citygml/vegetation/2.0/vegetation.xsd http://www.opengis.net/citygml/generics/2.0 http://schemas.opengis.net/citygml/generics/2.0/generics.xsd""#
);

/// Building attributes CityGML 2.0 writes as elements, in schema order
/// (_AbstractBuilding: class, function, usage, …, storeyHeightsAboveGround).
const BUILDING_ELEMENTS: [&str; 10] = [
    "class",
    "function",
    "usage",
    "yearOfConstruction",
    "yearOfDemolition",
    "roofType",
    "measuredHeight",
    "storeysAboveGround",
    "storeysBelowGround",
    "storeyHeightsAboveGround",
];

/// The building's thematic surfaces (roads and water are not).
fn thematic_name(s: Semantic) -> Option<&'static str> {
    match s {
        Semantic::Traffic | Semantic::Water => None,
        _ => crate::export::semantic_name(s),
    }
}

/// Millimetres, without trailing zeros ("280930.1", "36").
fn mm(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    let mut t = format!("{r:.3}");
    while t.ends_with('0') {
        t.pop();
    }
    if t.ends_with('.') {
        t.pop();
    }
    if t == "-0" { "0".into() } else { t }
}

fn pos_list(ring: &[[f64; 3]]) -> String {
    // GML rings repeat their first point at the end.
    ring.iter()
        .chain(ring.first())
        .map(|p| format!("{} {} {}", mm(p[0]), mm(p[1]), mm(p[2])))
        .collect::<Vec<_>>()
        .join(" ")
}

fn polygon(out: &mut String, s: &Surface, indent: &str) {
    let _ = writeln!(out, "{indent}<gml:surfaceMember><gml:Polygon>");
    let _ = writeln!(
        out,
        "{indent}  <gml:exterior><gml:LinearRing><gml:posList srsDimension=\"3\">{}</gml:posList></gml:LinearRing></gml:exterior>",
        pos_list(&s.exterior)
    );
    for hole in &s.interiors {
        let _ = writeln!(
            out,
            "{indent}  <gml:interior><gml:LinearRing><gml:posList srsDimension=\"3\">{}</gml:posList></gml:LinearRing></gml:interior>",
            pos_list(hole)
        );
    }
    let _ = writeln!(out, "{indent}</gml:Polygon></gml:surfaceMember>");
}

fn multi_surface(out: &mut String, element: &str, surfaces: &[&Surface], indent: &str) {
    if surfaces.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}<{element}><gml:MultiSurface>");
    for s in surfaces {
        polygon(out, s, &format!("{indent}  "));
    }
    let _ = writeln!(out, "{indent}</gml:MultiSurface></{element}>");
}

fn generic_attribute(out: &mut String, key: &str, value: &str, indent: &str) {
    let kind = if value.parse::<i64>().is_ok() {
        "intAttribute"
    } else if value.parse::<f64>().is_ok_and(|v| v.is_finite()) {
        "doubleAttribute"
    } else {
        "stringAttribute"
    };
    let _ = writeln!(
        out,
        "{indent}<gen:{kind} name=\"{}\"><gen:value>{}</gen:value></gen:{kind}>",
        escape(key),
        escape(value)
    );
}

/// LoDs present, in order (minor LoDs fold into their major one).
fn lods(o: &CityObject) -> Vec<u8> {
    let mut l: Vec<u8> = o.surfaces.iter().map(|s| s.lod.min(4)).collect();
    l.sort_unstable();
    l.dedup();
    l
}

struct Writer<'a> {
    model: &'a CityModel,
    children: HashMap<usize, Vec<usize>>,
    out: String,
    next_surface: usize,
}

impl Writer<'_> {
    /// A building, or (`nested`) a part inside its building.
    fn building(&mut self, i: usize, indent: &str, nested: bool) {
        let o = &self.model.objects[i];
        let tag = if nested {
            "bldg:BuildingPart"
        } else {
            "bldg:Building"
        };
        let _ = writeln!(self.out, "{indent}<{tag} gml:id=\"{}\">", escape(&o.id));
        let inner = format!("{indent}  ");
        if let Some(name) = o.attribute("name").filter(|n| !n.is_empty()) {
            let _ = writeln!(self.out, "{inner}<gml:name>{}</gml:name>", escape(name));
        }
        for (k, v) in &o.attributes {
            if k != "name" && !BUILDING_ELEMENTS.contains(&k.as_str()) {
                generic_attribute(&mut self.out, k, v, &inner);
            }
        }
        for key in BUILDING_ELEMENTS {
            if let Some(v) = o.attribute(key).filter(|v| !v.is_empty()) {
                let uom = if matches!(key, "measuredHeight" | "storeyHeightsAboveGround") {
                    " uom=\"m\""
                } else {
                    ""
                };
                let _ = writeln!(
                    self.out,
                    "{inner}<bldg:{key}{uom}>{}</bldg:{key}>",
                    escape(v)
                );
            }
        }
        // Surfaces without a thematic class go in lodXMultiSurface (LoD1
        // always does: CityGML 2.0 has no LoD1 thematic surfaces).
        let levels = lods(o);
        for &lod in &levels {
            let plain: Vec<&Surface> = o
                .surfaces
                .iter()
                .filter(|s| s.lod.min(4) == lod && (lod < 2 || thematic_name(s.semantic).is_none()))
                .collect();
            multi_surface(
                &mut self.out,
                &format!("bldg:lod{lod}MultiSurface"),
                &plain,
                &inner,
            );
        }
        for &lod in levels.iter().filter(|l| **l >= 2) {
            for s in o.surfaces.iter().filter(|s| s.lod.min(4) == lod) {
                let Some(name) = thematic_name(s.semantic) else {
                    continue;
                };
                self.next_surface += 1;
                let id =
                    s.id.clone()
                        .unwrap_or_else(|| format!("{}_s{}", o.id, self.next_surface));
                let _ = writeln!(
                    self.out,
                    "{inner}<bldg:boundedBy><bldg:{name} gml:id=\"{}\">",
                    escape(&id)
                );
                multi_surface(
                    &mut self.out,
                    &format!("bldg:lod{lod}MultiSurface"),
                    &[s],
                    &format!("{inner}  "),
                );
                let _ = writeln!(self.out, "{inner}</bldg:{name}></bldg:boundedBy>");
            }
        }
        let parts = self.children.get(&i).cloned().unwrap_or_default();
        for c in parts {
            let _ = writeln!(self.out, "{inner}<bldg:consistsOfBuildingPart>");
            self.building(c, &format!("{inner}  "), true);
            let _ = writeln!(self.out, "{inner}</bldg:consistsOfBuildingPart>");
        }
        let _ = writeln!(self.out, "{indent}</{tag}>");
    }

    /// Trees, squares, plant cover and anything else: one geometry per LoD.
    fn other(&mut self, o: &CityObject, indent: &str) {
        let (tag, geometry) = match o.type_name.as_str() {
            "SolitaryVegetationObject" => ("veg:SolitaryVegetationObject", "veg:lod{}Geometry"),
            "PlantCover" => ("veg:PlantCover", "veg:lod{}MultiSurface"),
            "TransportSquare" | "Square" => ("tran:Square", "tran:lod{}MultiSurface"),
            _ => ("gen:GenericCityObject", "gen:lod{}Geometry"),
        };
        let _ = writeln!(self.out, "{indent}<{tag} gml:id=\"{}\">", escape(&o.id));
        let inner = format!("{indent}  ");
        for (k, v) in &o.attributes {
            generic_attribute(&mut self.out, k, v, &inner);
        }
        let square = tag == "tran:Square";
        for lod in lods(o) {
            let surfaces: Vec<&Surface> = o
                .surfaces
                .iter()
                .filter(|s| s.lod.min(4) == lod)
                .filter(|s| !(square && s.semantic == Semantic::Traffic))
                .collect();
            if square && lod >= 2 {
                // A square's paving is its traffic areas (LoD 2 and up).
                let traffic: Vec<&Surface> = o
                    .surfaces
                    .iter()
                    .filter(|s| s.lod.min(4) == lod && s.semantic == Semantic::Traffic)
                    .collect();
                if !traffic.is_empty() {
                    let _ = writeln!(self.out, "{inner}<tran:trafficArea><tran:TrafficArea>");
                    multi_surface(
                        &mut self.out,
                        &format!("tran:lod{lod}MultiSurface"),
                        &traffic,
                        &format!("{inner}  "),
                    );
                    let _ = writeln!(self.out, "{inner}</tran:TrafficArea></tran:trafficArea>");
                }
            }
            if surfaces.is_empty() {
                continue;
            }
            multi_surface(
                &mut self.out,
                &geometry.replace("{}", &lod.to_string()),
                &surfaces,
                &inner,
            );
        }
        let _ = writeln!(self.out, "{indent}</{tag}>");
    }
}

/// The model as a CityGML 2.0 document.
pub fn to_citygml(model: &CityModel) -> String {
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, o) in model.objects.iter().enumerate() {
        if let Some(p) = o.parent {
            children.entry(p).or_default().push(i);
        }
    }
    let mut w = Writer {
        model,
        children,
        out: String::new(),
        next_surface: 0,
    };
    let _ = writeln!(w.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(w.out, "<core:CityModel {NAMESPACES}>");
    let extent = model.extent();
    if !extent.is_empty() {
        let srs = model
            .crs
            .map(|c| match c.vertical {
                Some(v) => format!(
                    " srsName=\"urn:ogc:def:crs,crs:EPSG::{},crs:EPSG::{v}\"",
                    c.horizontal
                ),
                None => format!(" srsName=\"urn:ogc:def:crs:EPSG::{}\"", c.horizontal),
            })
            .unwrap_or_default();
        let _ = writeln!(
            w.out,
            "  <gml:boundedBy><gml:Envelope{srs} srsDimension=\"3\"><gml:lowerCorner>{} {} {}</gml:lowerCorner><gml:upperCorner>{} {} {}</gml:upperCorner></gml:Envelope></gml:boundedBy>",
            mm(extent.min[0]),
            mm(extent.min[1]),
            mm(extent.min[2]),
            mm(extent.max[0]),
            mm(extent.max[1]),
            mm(extent.max[2])
        );
    }
    for (i, o) in model.objects.iter().enumerate() {
        let parent_is_building = o
            .parent
            .and_then(|p| model.objects.get(p))
            .is_some_and(|p| p.kind != ObjectKind::Other);
        if parent_is_building {
            continue; // written inside its building
        }
        let _ = writeln!(w.out, "  <core:cityObjectMember>");
        match o.kind {
            ObjectKind::Building | ObjectKind::BuildingPart => w.building(i, "    ", false),
            ObjectKind::Other => w.other(o, "    "),
        }
        let _ = writeln!(w.out, "  </core:cityObjectMember>");
    }
    let _ = writeln!(w.out, "</core:CityModel>");
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_to_the_millimetre() {
        assert_eq!(mm(280_930.1), "280930.1");
        assert_eq!(mm(36.0), "36");
        assert_eq!(mm(-0.0001), "0");
        assert_eq!(mm(5_657_330.12349), "5657330.123");
    }
}
