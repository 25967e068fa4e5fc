//! A directed link as the map knows it (OSM way or a line layer's line),
//! apart from how it is built (`osm.rs`) so that what works on links
//! (`turns.rs`, `counts.rs`) needs no more than this.

/// One directed link as the map knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLink {
    pub way: i64,
    /// Which piece of the way between these two nodes (0, 1 …): a way
    /// that comes back to a node has two pieces between the same nodes.
    /// Counted per node pair, not by place in the way, so that a node put
    /// into the way elsewhere (a drawn road joining it) leaves the other
    /// pieces' ids as they are.
    pub piece: usize,
    /// OSM ids of the nodes it runs from and to.
    pub from_node: i64,
    pub to_node: i64,
    pub class: &'static str,
    pub name: Option<String>,
    /// Positions in the target CRS, in the direction of travel.
    pub geometry: Vec<[f64; 2]>,
    pub speed: f64,
    pub lanes: f64,
    /// Which of speed / lanes came from the class defaults.
    pub speed_estimated: bool,
    pub lanes_estimated: bool,
}

impl RoadLink {
    /// Names this link in every scenario of the same data ("way/7/0/1-2":
    /// way, piece, from node, to node): links are cut where the full map
    /// has junctions, closures included, so a variant's links keep the ids
    /// they have in Bestand.
    pub fn id(&self) -> String {
        format!(
            "way/{}/{}/{}-{}",
            self.way, self.piece, self.from_node, self.to_node
        )
    }
}
