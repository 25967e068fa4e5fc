//! OpenStreetMap files as a vector layer: buildings (ways and multipolygon
//! relations with `building`) as polygons with a height — from `height`,
//! else `building:levels` × 3 m plus the roof, else a default by building
//! type — and the column `height_source` saying which; roads and railways
//! as lines; water and land use as polygons in the groups a city map tells
//! apart (residential, commercial, green, wood, farmland, other); rivers
//! and streams as lines; trees as points. Every feature keeps its OSM id and
//! type, the common tags as columns and the rest in `other_tags`.

use crate::model::{Feature, Field, FieldKind, Geometry, Polygon, Value, VectorData};
use pw_osm::{MemberKind, OsmData, Tags, tag};
use pw_text::Message;
use std::collections::HashMap;

/// Metres per storey where only `building:levels` is known.
pub const STOREY_HEIGHT: f64 = 3.0;
/// Height of a building that states neither height nor levels: three
/// storeys, or one for the small types below.
pub const DEFAULT_BUILDING_HEIGHT: f64 = 9.0;
const SMALL_BUILDINGS: [&str; 6] = ["garage", "garages", "shed", "carport", "hut", "kiosk"];

/// Tags with a column of their own, in this order after osm_id, osm_type,
/// kind, height, height_source.
const COLUMNS: [&str; 18] = [
    "name",
    "building",
    "building:levels",
    "roof:shape",
    "roof:levels",
    "height",
    "highway",
    "maxspeed",
    "lanes",
    "oneway",
    "railway",
    "waterway",
    "natural",
    "landuse",
    "leisure",
    "amenity",
    "addr:street",
    "addr:housenumber",
];

/// How an OSM layer looks until the scene says otherwise: coloured by
/// kind like a city map (the legend names them in German, the UI language;
/// the values stay the data's).
pub fn map_style() -> pw_scene::Style {
    let category = |value: &str, color: &str, label: &str| pw_scene::Category {
        value: value.into(),
        color: color.into(),
        label: Some(label.into()),
    };
    pw_scene::Style {
        mode: Some(pw_scene::SymbolMode::Categorized),
        field: Some("kind".into()),
        categories: vec![
            category("building", "#d9cbb6", "Gebäude"),
            category("road", "#5f5f5f", "Straße"),
            category("railway", "#7a5a46", "Bahn"),
            category("water", "#6fa8dc", "Gewässer"),
            category("waterway", "#3d85c6", "Fluss, Bach"),
            category("weir", "#1c4587", "Wehr, Schleuse"),
            category("residential", "#e0dad6", "Wohngebiet"),
            category("commercial", "#e8d3e4", "Gewerbe, Industrie"),
            category("green", "#c8e6b0", "Wiese, Park, Grün"),
            category("wood", "#9cc38a", "Wald"),
            category("farmland", "#f0ebc8", "Acker"),
            category("landuse", "#e6e6e0", "Sonstige Nutzung"),
            category("tree", "#38761d", "Baum"),
        ],
        // Buildings stand as high as their tags (or levels, or the default
        // for their type) say; the other areas lie on the ground.
        height_field: Some("height_m".into()),
        ..Default::default()
    }
}

pub fn read_file(path: &std::path::Path) -> Result<VectorData, Message> {
    // pw-osm's words stay as the detail, framed in the user's language.
    let data = pw_osm::read_file(path).map_err(|e| {
        Message::new("vector.osm.unreadable")
            .arg("detail", e)
            .english("{detail}")
    })?;
    Ok(to_vector(&data))
}

/// What a tagged element is on the map, if anything we draw.
fn kind(tags: &Tags, closed: bool) -> Option<&'static str> {
    let t = |k| tag(tags, k);
    if t("building").is_some_and(|b| b != "no") && closed {
        return Some("building");
    }
    if t("highway").is_some() && t("area") != Some("yes") {
        return Some("road");
    }
    if t("railway").is_some_and(|r| matches!(r, "rail" | "tram" | "light_rail" | "subway")) {
        return Some("railway");
    }
    if t("natural") == Some("water")
        || t("waterway").is_some_and(|w| matches!(w, "riverbank" | "dock"))
        || t("landuse").is_some_and(|l| matches!(l, "reservoir" | "basin"))
    {
        return closed.then_some("water");
    }
    if t("waterway").is_some_and(|w| matches!(w, "river" | "stream" | "canal" | "ditch" | "drain"))
    {
        return Some("waterway");
    }
    // Weirs and locks: where a river's level steps (what a flood study asks).
    if t("waterway").is_some_and(|w| matches!(w, "weir" | "dam" | "lock_gate" | "sluice_gate")) {
        return Some("weir");
    }
    if closed {
        // Land cover in the groups a city map tells apart.
        let landuse = t("landuse").unwrap_or("");
        let leisure = t("leisure").unwrap_or("");
        let natural = t("natural").unwrap_or("");
        let group = if matches!(landuse, "forest") || matches!(natural, "wood" | "scrub") {
            Some("wood")
        } else if matches!(
            landuse,
            "farmland" | "farmyard" | "orchard" | "vineyard" | "greenhouse_horticulture"
        ) {
            Some("farmland")
        } else if matches!(
            landuse,
            "meadow" | "grass" | "recreation_ground" | "village_green" | "allotments" | "cemetery"
        ) || matches!(leisure, "park" | "garden" | "playground" | "pitch")
            || matches!(natural, "grassland" | "heath")
        {
            Some("green")
        } else if landuse == "residential" {
            Some("residential")
        } else if matches!(
            landuse,
            "commercial" | "industrial" | "retail" | "railway" | "construction" | "garages"
        ) {
            Some("commercial")
        } else if !landuse.is_empty() {
            Some("landuse")
        } else {
            None
        };
        if group.is_some() {
            return group;
        }
    }
    None
}

fn metres(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches('m').trim().replace(',', ".");
    t.parse::<f64>().ok().filter(|h| *h > 0.0 && *h < 1000.0)
}

/// (height, where it came from) of a building.
fn building_height(tags: &Tags) -> (f64, &'static str) {
    if let Some(h) = tag(tags, "height").and_then(metres) {
        return (h, "height");
    }
    let number = |k| {
        tag(tags, k)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|n| *n >= 0.0 && *n < 300.0)
    };
    if let Some(levels) = number("building:levels") {
        let roof = tag(tags, "roof:height")
            .and_then(metres)
            .or_else(|| number("roof:levels").map(|l| l * STOREY_HEIGHT))
            .unwrap_or(0.0);
        return (
            (levels * STOREY_HEIGHT + roof).max(STOREY_HEIGHT),
            "building:levels",
        );
    }
    let small = tag(tags, "building").is_some_and(|b| SMALL_BUILDINGS.contains(&b));
    (
        if small {
            STOREY_HEIGHT
        } else {
            DEFAULT_BUILDING_HEIGHT
        },
        "estimated",
    )
}

pub fn to_vector(data: &OsmData) -> VectorData {
    let mut out = VectorData::new("OpenStreetMap");
    out.crs = Some(pw_geo::Crs::WGS84);
    let head = [
        ("osm_id", FieldKind::Integer),
        ("osm_type", FieldKind::Text),
        ("kind", FieldKind::Text),
        ("height_m", FieldKind::Real),
        ("height_source", FieldKind::Text),
    ];
    for (name, kind) in head {
        out.fields.push(Field {
            name: name.into(),
            kind,
        });
    }
    for name in COLUMNS {
        out.fields.push(Field {
            name: name.into(),
            kind: FieldKind::Text,
        });
    }
    out.fields.push(Field {
        name: "other_tags".into(),
        kind: FieldKind::Text,
    });

    let positions = data.positions();
    let coords = |ids: &[i64]| -> Option<Vec<[f64; 3]>> {
        ids.iter()
            .map(|id| positions.get(id).map(|p| [p[0], p[1], f64::NAN]))
            .collect()
    };
    let mut push = |osm_type: &str, id: i64, kind: &str, tags: &Tags, geometry: Geometry| {
        let (height, source) = if kind == "building" {
            let (h, s) = building_height(tags);
            (Value::Real(h), Value::Text(s.into()))
        } else {
            (Value::Null, Value::Null)
        };
        let mut values = vec![
            Value::Integer(id),
            Value::Text(osm_type.into()),
            Value::Text(kind.into()),
            height,
            source,
        ];
        for c in COLUMNS {
            values.push(tag(tags, c).map_or(Value::Null, |v| Value::Text(v.into())));
        }
        let rest: Vec<String> = tags
            .iter()
            .filter(|(k, _)| !COLUMNS.contains(&k.as_str()))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        values.push(if rest.is_empty() {
            Value::Null
        } else {
            Value::Text(rest.join("; "))
        });
        out.features.push(Feature {
            id: Some(format!("{osm_type}/{id}")),
            geometry: Some(geometry),
            values,
        });
    };

    for n in &data.nodes {
        let point_kind = if tag(&n.tags, "natural") == Some("tree") {
            "tree"
        } else if kind(&n.tags, false) == Some("weir") {
            "weir"
        } else {
            continue;
        };
        push(
            "node",
            n.id,
            point_kind,
            &n.tags,
            Geometry::Points(vec![[n.lon, n.lat, f64::NAN]]),
        );
    }
    let mut missing = 0;
    for w in &data.ways {
        let closed = w.nodes.len() >= 4 && w.nodes.first() == w.nodes.last();
        let Some(kind) = kind(&w.tags, closed) else {
            continue;
        };
        let Some(line) = coords(&w.nodes) else {
            missing += 1;
            continue;
        };
        let polygon = closed && !matches!(kind, "road" | "railway" | "waterway" | "weir");
        let geometry = if polygon {
            Geometry::Polygons(vec![Polygon {
                exterior: line,
                interiors: Vec::new(),
            }])
        } else {
            Geometry::Lines(vec![line])
        };
        push("way", w.id, kind, &w.tags, geometry);
    }
    let ways: HashMap<i64, &pw_osm::Way> = data.ways.iter().map(|w| (w.id, w)).collect();
    for r in &data.relations {
        if !matches!(tag(&r.tags, "type"), Some("multipolygon" | "building")) {
            continue;
        }
        let Some(kind) = kind(&r.tags, true) else {
            continue;
        };
        let rings = |role: &str| -> Option<Vec<Vec<[f64; 3]>>> {
            let parts: Option<Vec<Vec<i64>>> = r
                .members
                .iter()
                .filter(|m| {
                    m.kind == MemberKind::Way
                        && (m.role == role || (role == "outer" && m.role.is_empty()))
                })
                .map(|m| ways.get(&m.id).map(|w| w.nodes.clone()))
                .collect();
            close_rings(parts?)?
                .iter()
                .map(|ring| coords(ring))
                .collect()
        };
        let (Some(outer), Some(inner)) = (rings("outer"), rings("inner")) else {
            out.issues.push(
                Message::new("vector.issue.relation_incomplete")
                    .arg("id", r.id)
                    .english("relation {id}: its rings are incomplete in this extract; left out"),
            );
            continue;
        };
        let mut polygons: Vec<Polygon> = outer
            .into_iter()
            .map(|exterior| Polygon {
                exterior,
                interiors: Vec::new(),
            })
            .collect();
        for hole in inner {
            if let Some(p) = polygons
                .iter_mut()
                .find(|p| crate::model::ring_contains(&p.exterior, [hole[0][0], hole[0][1]]))
            {
                p.interiors.push(hole);
            }
        }
        if !polygons.is_empty() {
            push(
                "relation",
                r.id,
                kind,
                &r.tags,
                Geometry::Polygons(polygons),
            );
        }
    }
    if missing > 0 {
        out.issues.push(
            Message::new("vector.issue.ways_beyond_extract")
                .arg("count", missing)
                .english("{count} ways reach beyond this extract (nodes missing); left out"),
        );
    }
    out
}

/// Joins way pieces end to end into closed rings; `None` when a piece
/// finds no partner (a ring cut by the extract).
fn close_rings(mut pieces: Vec<Vec<i64>>) -> Option<Vec<Vec<i64>>> {
    let mut rings = Vec::new();
    pieces.retain(|p| p.len() >= 2);
    while let Some(mut ring) = pieces.pop() {
        while ring.first() != ring.last() {
            let end = *ring.last()?;
            let next = pieces
                .iter()
                .position(|p| p.first() == Some(&end) || p.last() == Some(&end))?;
            let mut piece = pieces.swap_remove(next);
            if piece.first() != Some(&end) {
                piece.reverse();
            }
            ring.extend_from_slice(&piece[1..]);
        }
        if ring.len() >= 4 {
            rings.push(ring);
        }
    }
    Some(rings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_from_tags_levels_or_a_default_and_multipolygons_with_holes() {
        let xml = r#"<osm>
<node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="1"/><node id="3" lat="1" lon="1"/><node id="4" lat="1" lon="0"/>
<node id="5" lat="0.4" lon="0.4"/><node id="6" lat="0.4" lon="0.6"/><node id="7" lat="0.6" lon="0.6"/>
<node id="8" lat="0.5" lon="0.5"><tag k="natural" v="tree"/></node>
<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="yes"/><tag k="height" v="12,5 m"/></way>
<way id="11"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="house"/><tag k="building:levels" v="2"/><tag k="roof:levels" v="1"/></way>
<way id="12"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="garage"/></way>
<way id="13"><nd ref="1"/><nd ref="2"/><nd ref="3"/></way>
<way id="14"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
<way id="15"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="5"/></way>
<relation id="20"><member type="way" ref="13" role="outer"/><member type="way" ref="14" role="outer"/>
  <member type="way" ref="15" role="inner"/><tag k="type" v="multipolygon"/><tag k="landuse" v="forest"/></relation>
</osm>"#;
        let data = to_vector(&pw_osm::read_xml(xml.as_bytes()).unwrap());
        let heights: Vec<(String, String)> = (0..3)
            .map(|k| {
                (
                    data.value(k + 1, "height_m").unwrap().to_string(),
                    data.value(k + 1, "height_source").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            heights,
            [
                ("12.5", "height"),
                ("9", "building:levels"),
                ("3", "estimated")
            ]
            .map(|(h, s)| (h.to_string(), s.to_string()))
        );
        assert_eq!(data.value(0, "kind"), Some(&Value::Text("tree".into())));
        let forest = data.features.last().unwrap();
        assert_eq!(
            data.value(data.features.len() - 1, "kind"),
            Some(&Value::Text("wood".into()))
        );
        assert_eq!(forest.id.as_deref(), Some("relation/20"));
        let Some(Geometry::Polygons(p)) = &forest.geometry else {
            panic!()
        };
        assert_eq!(
            (p.len(), p[0].exterior.len(), p[0].interiors.len()),
            (1, 5, 1)
        );
        assert!(data.issues.is_empty());
    }
}
