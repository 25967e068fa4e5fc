//! OSM XML 0.6 (`<osm>` with `<node>`, `<way>`, `<relation>`), streamed:
//! a country extract need not fit in memory twice. Elements a JOSM file
//! marks as deleted (`action="delete"`, `visible="false"`) are left out.

use crate::{Member, MemberKind, Node, OsmData, OsmError, Relation, Way};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;
use std::path::Path;

enum Open {
    Nothing,
    Node(Node),
    Way(Way),
    Relation(Relation),
    /// An element we do not keep (deleted); its children are skipped.
    Skipped,
}

pub fn read(input: impl BufRead, file: &Path) -> Result<OsmData, OsmError> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut data = OsmData::default();
    let mut open = Open::Nothing;
    let mut saw_osm = false;
    // Inside an osmChange's <delete>: those elements are gone.
    let mut deleting = false;
    loop {
        let position = reader.buffer_position();
        let fail = |what: String| OsmError::Xml {
            file: file.to_path_buf(),
            position,
            what,
        };
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| fail(format!("broken XML: {e}")))?;
        let (start, empty) = match &event {
            Event::Start(s) => (s, false),
            Event::Empty(s) => (s, true),
            Event::End(e) => {
                if e.name().as_ref() == "delete" {
                    deleting = false;
                }
                if matches!(e.name().as_ref(), "node" | "way" | "relation") {
                    finish(std::mem::replace(&mut open, Open::Nothing), &mut data);
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        let attrs = Attributes::of(start).map_err(&fail)?;
        match start.name().as_ref() {
            "osm" | "osmChange" => saw_osm = true,
            "delete" => deleting = !empty,
            "bounds" => {
                let b = |k| attrs.number(k);
                if let (Ok(a), Ok(b1), Ok(c), Ok(d)) =
                    (b("minlat"), b("minlon"), b("maxlat"), b("maxlon"))
                {
                    data.bounds = Some([a, b1, c, d]);
                }
            }
            name @ ("node" | "way" | "relation") => {
                let element = if deleting || attrs.deleted() {
                    Open::Skipped
                } else {
                    let id = attrs.id("id").map_err(&fail)?;
                    match name {
                        "node" => {
                            let lat = attrs.number("lat").map_err(&fail)?;
                            let lon = attrs.number("lon").map_err(&fail)?;
                            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                                return Err(fail(format!(
                                    "node {id}: lat {lat}, lon {lon} is not a place on earth"
                                )));
                            }
                            Open::Node(Node {
                                id,
                                lat,
                                lon,
                                tags: Vec::new(),
                            })
                        }
                        "way" => Open::Way(Way {
                            id,
                            nodes: Vec::new(),
                            tags: Vec::new(),
                        }),
                        _ => Open::Relation(Relation {
                            id,
                            members: Vec::new(),
                            tags: Vec::new(),
                        }),
                    }
                };
                if empty {
                    finish(element, &mut data);
                } else {
                    open = element;
                }
            }
            "tag" => {
                let pair = (
                    attrs.text("k").map_err(&fail)?,
                    attrs.text("v").map_err(&fail)?,
                );
                match &mut open {
                    Open::Node(n) => n.tags.push(pair),
                    Open::Way(w) => w.tags.push(pair),
                    Open::Relation(r) => r.tags.push(pair),
                    Open::Nothing | Open::Skipped => {}
                }
            }
            "nd" => {
                if let Open::Way(w) = &mut open {
                    w.nodes.push(attrs.id("ref").map_err(&fail)?);
                }
            }
            "member" => {
                if let Open::Relation(r) = &mut open {
                    let kind = match attrs.text("type").map_err(&fail)?.as_str() {
                        "node" => MemberKind::Node,
                        "way" => MemberKind::Way,
                        "relation" => MemberKind::Relation,
                        other => {
                            return Err(fail(format!(
                                "relation {}: member type “{other}” (node, way or relation expected)",
                                r.id
                            )));
                        }
                    };
                    r.members.push(Member {
                        kind,
                        id: attrs.id("ref").map_err(&fail)?,
                        role: attrs.text("role").unwrap_or_default(),
                    });
                }
            }
            _ => {}
        }
        buf.clear();
    }
    if !saw_osm {
        return Err(OsmError::Xml {
            file: file.to_path_buf(),
            position: 0,
            what: "no <osm> element: this is not OSM XML".into(),
        });
    }
    Ok(data)
}

fn finish(element: Open, data: &mut OsmData) {
    match element {
        Open::Node(n) => data.nodes.push(n),
        Open::Way(w) => data.ways.push(w),
        Open::Relation(r) => data.relations.push(r),
        Open::Nothing | Open::Skipped => {}
    }
}

/// An element's attributes, unescaped.
struct Attributes {
    element: String,
    pairs: Vec<(String, String)>,
}

impl Attributes {
    fn of(start: &BytesStart) -> Result<Attributes, String> {
        let element = start.name().as_ref().to_owned();
        let mut pairs = Vec::new();
        for a in start.attributes() {
            let a = a.map_err(|e| format!("<{element}>: {e}"))?;
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("<{element}>: {e}"))?;
            pairs.push((a.key.as_ref().to_owned(), v.into_owned()));
        }
        Ok(Attributes { element, pairs })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, key: &str) -> Result<String, String> {
        self.get(key)
            .map(str::to_string)
            .ok_or_else(|| format!("<{}> without {key}=\"…\"", self.element))
    }

    fn id(&self, key: &str) -> Result<i64, String> {
        let text = self.text(key)?;
        text.parse()
            .map_err(|_| format!("<{} {key}=\"{text}\">: not a whole number", self.element))
    }

    fn number(&self, key: &str) -> Result<f64, String> {
        let text = self.text(key)?;
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("<{} {key}=\"{text}\">: not a number", self.element))
    }

    fn deleted(&self) -> bool {
        self.get("action") == Some("delete") || self.get("visible") == Some("false")
    }
}
