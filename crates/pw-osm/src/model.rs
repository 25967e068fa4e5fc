use std::collections::HashMap;

/// Tags in file order; few per element, so a list beats a map.
pub type Tags = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: i64,
    /// WGS 84 degrees.
    pub lat: f64,
    pub lon: f64,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Way {
    pub id: i64,
    pub nodes: Vec<i64>,
    pub tags: Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    Node,
    Way,
    Relation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub kind: MemberKind,
    pub id: i64,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub id: i64,
    pub members: Vec<Member>,
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmData {
    pub nodes: Vec<Node>,
    pub ways: Vec<Way>,
    pub relations: Vec<Relation>,
    /// min lat, min lon, max lat, max lon as the file states it.
    pub bounds: Option<[f64; 4]>,
}

/// The value of `key` among `tags`.
pub fn tag<'a>(tags: &'a Tags, key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

impl OsmData {
    /// Node positions by id, for resolving ways.
    pub fn positions(&self) -> HashMap<i64, [f64; 2]> {
        self.nodes.iter().map(|n| (n.id, [n.lon, n.lat])).collect()
    }

    /// A way's node positions as lon/lat; `None` when any node is missing
    /// (an extract cut the way).
    pub fn way_positions(
        &self,
        way: &Way,
        positions: &HashMap<i64, [f64; 2]>,
    ) -> Option<Vec<[f64; 2]>> {
        way.nodes
            .iter()
            .map(|id| positions.get(id).copied())
            .collect()
    }
}
