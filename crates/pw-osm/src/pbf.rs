//! OSM PBF through the osmpbf crate.

use crate::{Member, MemberKind, Node, OsmData, OsmError, Relation, Way};
use osmpbf::{Element, ElementReader, RelMemberType};
use std::io::Read;
use std::path::Path;

pub fn read(input: impl Read + Send, file: &Path) -> Result<OsmData, OsmError> {
    let fail = |what: String| OsmError::Pbf {
        file: file.to_path_buf(),
        what,
    };
    // osmpbf unwraps a few enum values it decodes (member types): a damaged
    // file must end in a message, not take the program down.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut data = OsmData::default();
        let tags = |t: &mut dyn Iterator<Item = (&str, &str)>| -> Vec<(String, String)> {
            t.map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        ElementReader::new(input)
            .for_each(|element| match element {
                Element::Node(n) => data.nodes.push(Node {
                    id: n.id(),
                    lat: n.lat(),
                    lon: n.lon(),
                    tags: tags(&mut n.tags()),
                }),
                Element::DenseNode(n) => data.nodes.push(Node {
                    id: n.id(),
                    lat: n.lat(),
                    lon: n.lon(),
                    tags: tags(&mut n.tags()),
                }),
                Element::Way(w) => data.ways.push(Way {
                    id: w.id(),
                    nodes: w.refs().collect(),
                    tags: tags(&mut w.tags()),
                }),
                Element::Relation(r) => data.relations.push(Relation {
                    id: r.id(),
                    members: r
                        .members()
                        .map(|m| Member {
                            kind: match m.member_type {
                                RelMemberType::Node => MemberKind::Node,
                                RelMemberType::Way => MemberKind::Way,
                                RelMemberType::Relation => MemberKind::Relation,
                            },
                            id: m.member_id,
                            role: m.role().unwrap_or_default().to_string(),
                        })
                        .collect(),
                    tags: tags(&mut r.tags()),
                }),
            })
            .map(|()| data)
    }));
    match outcome {
        Ok(Ok(data)) => {
            if let Some(n) = data
                .nodes
                .iter()
                .find(|n| !(-90.0..=90.0).contains(&n.lat) || !(-180.0..=180.0).contains(&n.lon))
            {
                return Err(fail(format!(
                    "node {}: lat {}, lon {} is not a place on earth",
                    n.id, n.lat, n.lon
                )));
            }
            Ok(data)
        }
        Ok(Err(e)) => Err(fail(format!("damaged OSM PBF: {e}"))),
        Err(_) => Err(fail(
            "damaged OSM PBF (a block could not be decoded)".into(),
        )),
    }
}
