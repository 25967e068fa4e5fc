//! A car road network from OpenStreetMap: the ways cars may use, cut at
//! every node two ways share (and at way ends) into links, both directions
//! unless the way is one-way. Speeds, lanes and capacities come from the
//! tags where they are given, else from per-class defaults (documented
//! here, overridable); each link says which of its values were defaulted.
//! Turn restrictions at a node are applied (`turns.rs`); those over a
//! way are counted in `RoadNetwork::notes`.

use crate::{Link, Network, TrafficError};
use pw_analysis::Message;
use pw_osm::{OsmData, Tags, tag};
use std::collections::{HashMap, HashSet};

/// A road's capacity in vehicles per hour and direction (`pw:capacity`,
/// `pw:capacity:forward`, `pw:capacity:backward`): not an OpenStreetMap
/// tag, but how a variant or a city's line layer sets a capacity that
/// lanes × the class's capacity per lane would not give.
pub const CAPACITY_TAG: &str = "pw:capacity";

/// The road classes a car may use, with their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassDefaults {
    pub class: &'static str,
    /// km/h where the way has no usable `maxspeed`.
    pub speed: f64,
    /// Lanes per direction where the way has no `lanes`.
    pub lanes: f64,
    /// Vehicles per hour and lane.
    pub capacity_per_lane: f64,
}

/// Defaults for German towns: the urban limit of 50 km/h on main roads,
/// 30 on residential streets (most lie in 30 zones), walking pace in
/// living streets; capacities per lane in the order of what signalised
/// urban roads carry. Orders of magnitude for planning, not measurements:
/// a scene overrides them, and counts (issue 19, item 5) check them.
pub fn default_classes() -> Vec<ClassDefaults> {
    let c = |class, speed, lanes, capacity_per_lane| ClassDefaults {
        class,
        speed,
        lanes,
        capacity_per_lane,
    };
    vec![
        c("motorway", 120.0, 2.0, 1900.0),
        c("motorway_link", 60.0, 1.0, 1500.0),
        c("trunk", 80.0, 2.0, 1700.0),
        c("trunk_link", 50.0, 1.0, 1300.0),
        c("primary", 50.0, 1.0, 1200.0),
        c("primary_link", 40.0, 1.0, 1000.0),
        c("secondary", 50.0, 1.0, 1000.0),
        c("secondary_link", 40.0, 1.0, 900.0),
        c("tertiary", 50.0, 1.0, 800.0),
        c("tertiary_link", 40.0, 1.0, 700.0),
        c("unclassified", 50.0, 1.0, 600.0),
        c("road", 40.0, 1.0, 600.0),
        c("residential", 30.0, 1.0, 500.0),
        c("living_street", 7.0, 1.0, 300.0),
        c("service", 20.0, 1.0, 300.0),
    ]
}

/// The defaults with a scene's own values for some classes; also the
/// classes it names that are no roads for cars (left alone).
pub fn classes_with(
    overrides: &[pw_analysis::scenario::RoadClass],
) -> (Vec<ClassDefaults>, Vec<String>) {
    let mut classes = default_classes();
    let mut unknown = Vec::new();
    for o in overrides {
        match classes.iter_mut().find(|c| c.class == o.class) {
            Some(c) => {
                c.speed = o.speed.unwrap_or(c.speed);
                c.lanes = o.lanes.unwrap_or(c.lanes);
                c.capacity_per_lane = o.capacity_per_lane.unwrap_or(c.capacity_per_lane);
            }
            None => unknown.push(o.class.clone()),
        }
    }
    (classes, unknown)
}

pub use crate::road_link::RoadLink;

#[derive(Debug, Clone)]
pub struct RoadNetwork {
    /// Nodes named by their OSM ids; no zones yet.
    pub network: Network,
    /// Per network link, in the same order.
    pub roads: Vec<RoadLink>,
    /// The pieces of closed roads (no network links): the map shows them
    /// empty, so B − A shows what they lost.
    pub closed: Vec<RoadLink>,
    /// Per network node, its position in the target CRS.
    pub positions: Vec<[f64; 2]>,
    /// Nodes of junctions taken apart for turn restrictions (one per
    /// arriving or leaving link): zones are not joined to them.
    pub turn_nodes: HashSet<u32>,
    /// What became of the map's turn restrictions.
    pub turns: crate::turns::Applied,
    /// Distinct OSM nodes on the ways taken (link ends and bends).
    pub osm_nodes: usize,
    pub ways: usize,
    /// What was left out or not applied, for the user.
    pub notes: Vec<Message>,
}

/// Whether a way is a road a car may use, and its class defaults.
fn car_class<'a>(tags: &Tags, classes: &'a [ClassDefaults]) -> Option<&'a ClassDefaults> {
    let class = classes
        .iter()
        .find(|c| tag(tags, "highway") == Some(c.class))?;
    let t = |k| tag(tags, k);
    if t("area") == Some("yes") || matches!(t("service"), Some("parking_aisle" | "driveway")) {
        return None;
    }
    let allowed = |v: Option<&str>| matches!(v, Some("yes" | "destination" | "permissive"));
    if matches!(t("access"), Some("no" | "private"))
        && !allowed(t("motor_vehicle"))
        && !allowed(t("motorcar"))
    {
        return None;
    }
    if t("motor_vehicle") == Some("no") || t("motorcar") == Some("no") {
        return None;
    }
    Some(class)
}

/// (forward, backward) allowed.
fn directions(tags: &Tags) -> (bool, bool) {
    match tag(tags, "oneway") {
        Some("yes" | "true" | "1") => (true, false),
        Some("-1" | "reverse") => (false, true),
        Some("no" | "false" | "0") => (true, true),
        _ if matches!(tag(tags, "junction"), Some("roundabout" | "circular")) => (true, false),
        _ if tag(tags, "highway") == Some("motorway") => (true, false),
        _ => (true, true),
    }
}

/// km/h from a `maxspeed` value: numbers (km/h), “… mph”, and the German
/// implicit values (DE:urban 50, DE:rural 100, DE:zone30, walk …).
pub fn parse_maxspeed(value: &str) -> Option<f64> {
    let v = value.trim();
    let known = match v {
        "DE:urban" | "AT:urban" | "CH:urban" => Some(50.0),
        "DE:rural" | "AT:rural" => Some(100.0),
        "DE:motorway" | "none" | "DE:trunk" => Some(130.0),
        "DE:living_street" | "walk" | "DE:walk" => Some(7.0),
        "DE:bicycle_road" => Some(30.0),
        _ => None,
    };
    if known.is_some() {
        return known;
    }
    if let Some(zone) = v
        .strip_prefix("DE:zone:")
        .or_else(|| v.strip_prefix("DE:zone"))
    {
        return zone.parse::<f64>().ok().filter(|s| *s > 0.0 && *s < 400.0);
    }
    let (number, factor) = match v.strip_suffix("mph") {
        Some(n) => (n.trim(), 1.609_344),
        None => (v.strip_suffix("km/h").unwrap_or(v).trim(), 1.0),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0 && *s < 400.0)
        .map(|s| s * factor)
}

fn number(tags: &Tags, key: &str) -> Option<f64> {
    tag(tags, key)?
        .split(';')
        .next()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| *n > 0.0 && n.is_finite())
}

/// Great-circle distance in metres (mean earth radius).
pub fn haversine(a: [f64; 2], b: [f64; 2]) -> f64 {
    const R: f64 = 6_371_008.8;
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dla = la2 - la1;
    let dlo = (b[0] - a[0]).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// Builds the network; `project` maps lon/lat to the target CRS; ways for
/// which `closed` says yes (a variant closes them) carry no links but
/// still cut the others where they meet, so link ids stay the same.
pub fn road_network(
    data: &OsmData,
    classes: &[ClassDefaults],
    project: &dyn Fn([f64; 2]) -> Option<[f64; 2]>,
    closed: &dyn Fn(i64) -> bool,
) -> Result<RoadNetwork, TrafficError> {
    let lonlat = data.positions();
    let mut notes = Vec::new();
    // The ways taken, cut into runs of nodes present in the extract.
    // (way index, class, where the run starts in the way, its nodes)
    let mut runs: Vec<(usize, &ClassDefaults, usize, Vec<i64>)> = Vec::new();
    let mut cut_ways = 0;
    for (w, way) in data.ways.iter().enumerate() {
        let Some(class) = car_class(&way.tags, classes) else {
            continue;
        };
        if way.nodes.iter().any(|id| !lonlat.contains_key(id)) {
            cut_ways += 1;
        }
        let mut run = Vec::new();
        let mut offset = 0;
        for (k, id) in way.nodes.iter().enumerate() {
            if lonlat.contains_key(id) {
                if run.is_empty() {
                    offset = k;
                }
                // Repeated consecutive nodes (editing slips) add nothing.
                if run.last() != Some(id) {
                    run.push(*id);
                }
            } else if !run.is_empty() {
                runs.push((w, class, offset, std::mem::take(&mut run)));
            }
        }
        if run.len() >= 2 {
            runs.push((w, class, offset, run));
        }
    }
    runs.retain(|(_, _, _, r)| r.len() >= 2);
    if cut_ways > 0 {
        notes.push(
            Message::new("traffic.note_cut")
                .arg("n", cut_ways)
                .english("{n} roads run out of the extract: kept up to its edge"),
        );
    }
    // Where links end: every node used more than once, and every run end.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for (_, _, _, run) in &runs {
        for id in run {
            *uses.entry(*id).or_default() += 1;
        }
        for end in [run[0], run[run.len() - 1]] {
            *uses.entry(end).or_default() += 1;
        }
    }
    let mut index: HashMap<i64, u32> = HashMap::new();
    let mut names = Vec::new();
    let mut positions = Vec::new();
    let mut node_of = |id: i64| -> Result<u32, TrafficError> {
        if let Some(i) = index.get(&id) {
            return Ok(*i);
        }
        let p = project(lonlat[&id]).ok_or(TrafficError::Unprojectable { node: id })?;
        let i = names.len() as u32;
        index.insert(id, i);
        names.push(id as u64);
        positions.push(p);
        Ok(i)
    };
    let mut links = Vec::new();
    let mut roads = Vec::new();
    let mut self_loops = 0;
    let mut ways_taken = std::collections::HashSet::new();
    let mut closed_ways = std::collections::HashSet::new();
    let mut closed_roads = Vec::new();
    let mut piece_count: HashMap<(i64, i64, i64), usize> = HashMap::new();
    let mut unusable_values = 0;
    for (w, class, _, run) in &runs {
        let way = &data.ways[*w];
        // A capacity or lane count that is no number above 0 (a typo, a
        // negative value) is not used: the class's value is, and it is said.
        if ways_taken.insert(way.id)
            && way.tags.iter().any(|(k, _)| {
                let set = k.starts_with(CAPACITY_TAG) || k.starts_with("lanes");
                set && number(&way.tags, k).is_none()
            })
        {
            unusable_values += 1;
        }
        let is_closed = closed(way.id);
        if is_closed {
            closed_ways.insert(way.id);
        }
        let (forward, backward) = directions(&way.tags);
        let maxspeed = |key: &str| -> Option<f64> { tag(&way.tags, key).and_then(parse_maxspeed) };
        let general_speed = maxspeed("maxspeed");
        let total_lanes = number(&way.tags, "lanes");
        let both = forward && backward;
        // Cut at junctions; a piece that comes back to where it started (a
        // loop, a turning circle) is cut once more in its middle, so it
        // stays on the map as two links between distinct nodes.
        // Pieces with where they start in the run (their id).
        let mut pieces: Vec<(usize, &[i64])> = Vec::new();
        let mut start = 0;
        for k in 1..run.len() {
            if uses[&run[k]] < 2 && k + 1 < run.len() {
                continue;
            }
            let piece = &run[start..=k];
            if piece[0] != piece[piece.len() - 1] {
                pieces.push((start, piece));
            } else if piece.len() >= 3 {
                let middle = piece.len() / 2;
                pieces.push((start, &piece[..=middle]));
                pieces.push((start + middle, &piece[middle..]));
            } else {
                self_loops += 1;
            }
            start = k;
        }
        for (_, piece) in pieces {
            let (first, last) = (piece[0], piece[piece.len() - 1]);
            let pair = (way.id, first.min(last), first.max(last));
            let occurrence = *piece_count.entry(pair).and_modify(|n| *n += 1).or_insert(0);
            let mut geometry = Vec::with_capacity(piece.len());
            let mut length = 0.0;
            for (j, id) in piece.iter().enumerate() {
                if j > 0 {
                    length += haversine(lonlat[&piece[j - 1]], lonlat[id]);
                }
                geometry
                    .push(project(lonlat[id]).ok_or(TrafficError::Unprojectable { node: *id })?);
            }
            let (a, b) = (node_of(piece[0])?, node_of(piece[piece.len() - 1])?);
            for (go, reverse, dir_key) in
                [(forward, false, "forward"), (backward, true, "backward")]
            {
                if !go {
                    continue;
                }
                let speed_tag = maxspeed(&format!("maxspeed:{dir_key}")).or(general_speed);
                let lanes_tag = number(&way.tags, &format!("lanes:{dir_key}"))
                    .or(total_lanes.map(|l| if both { (l / 2.0).max(1.0) } else { l }));
                let speed = speed_tag.unwrap_or(class.speed);
                let lanes = lanes_tag.unwrap_or(class.lanes);
                // Our own tag, set by a variant or a line layer: vehicles
                // per hour in this direction, whatever the lanes say.
                let capacity = number(&way.tags, &format!("{CAPACITY_TAG}:{dir_key}"))
                    .or(number(&way.tags, CAPACITY_TAG))
                    .unwrap_or(lanes * class.capacity_per_lane);
                let (from, to) = if reverse { (b, a) } else { (a, b) };
                let (from_node, to_node) = if reverse {
                    (piece[piece.len() - 1], piece[0])
                } else {
                    (piece[0], piece[piece.len() - 1])
                };
                let mut g = geometry.clone();
                if reverse {
                    g.reverse();
                }
                let road = RoadLink {
                    way: way.id,
                    piece: occurrence,
                    from_node,
                    to_node,
                    class: class.class,
                    name: tag(&way.tags, "name").map(str::to_string),
                    geometry: g,
                    speed,
                    lanes,
                    speed_estimated: speed_tag.is_none(),
                    lanes_estimated: lanes_tag.is_none(),
                };
                if is_closed {
                    closed_roads.push(road);
                    continue;
                }
                links.push(Link {
                    from,
                    to,
                    capacity,
                    length,
                    free_flow_time: length / 1000.0 / speed * 60.0,
                    b: 0.15,
                    power: 4.0,
                    toll: 0.0,
                    fixed_cost: 0.0,
                });
                roads.push(road);
            }
        }
    }
    if !closed_ways.is_empty() {
        notes.push(
            Message::new("traffic.note_closed")
                .arg("n", closed_ways.len())
                .english("{n} roads closed in this scenario"),
        );
    }
    if unusable_values > 0 {
        notes.push(
            Message::new("traffic.note_unusable_values")
                .arg("n", unusable_values)
                .english("{n} roads have a capacity or number of lanes that is no number above 0: their road class's value is used"),
        );
    }
    if self_loops > 0 {
        notes.push(
            Message::new("traffic.note_loops")
                .arg("n", self_loops)
                .english("{n} loops too short to cut left out"),
        );
    }
    let found = crate::turns::restrictions(data);
    let (turns, turn_nodes) = crate::turns::apply(
        &found.at_nodes,
        &mut links,
        &roads,
        &index,
        &mut names,
        &mut positions,
    );
    if turns.restrictions > 0 {
        notes.push(
            Message::new("traffic.note_turns")
                .arg("n", turns.restrictions)
                .arg("junctions", turns.junctions)
                .english("{n} turn restrictions applied at {junctions} junctions"),
        );
    }
    let left_out = found.via_way + found.not_for_cars + found.unusable + turns.not_on_network;
    if left_out > 0 {
        notes.push(
            Message::new("traffic.note_turns_left_out")
                .arg("via_way", found.via_way)
                .arg("other", found.not_for_cars + found.unusable)
                .arg("off_network", turns.not_on_network)
                .english("Turn restrictions not applied: {via_way} over a way, {other} for other vehicles or incomplete, {off_network} off the car network"),
        );
    }
    let osm_nodes = runs
        .iter()
        .flat_map(|(_, _, _, r)| r.iter())
        .collect::<std::collections::HashSet<_>>()
        .len();
    Ok(RoadNetwork {
        network: Network::new(names, links, 0, 0),
        roads,
        closed: closed_roads,
        positions,
        turn_nodes,
        turns,
        osm_nodes,
        ways: ways_taken.len(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A T junction: a two-way primary road 1–2–3 with lanes and a speed,
    /// a one-way residential street 2–4–5 joining at 2, a footway, a
    /// private driveway, and a way whose last node lies outside the extract.
    const XML: &str = r#"<osm>
<node id="1" lat="50.000" lon="11.000"/><node id="2" lat="50.000" lon="11.001"/>
<node id="3" lat="50.000" lon="11.002"/><node id="4" lat="50.001" lon="11.001"/>
<node id="5" lat="50.002" lon="11.001"/><node id="6" lat="50.003" lon="11.001"/>
<way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/>
  <tag k="maxspeed" v="DE:urban"/><tag k="lanes" v="4"/><tag k="name" v="Hauptstraße"/></way>
<way id="101"><nd ref="2"/><nd ref="4"/><nd ref="5"/><tag k="highway" v="residential"/><tag k="oneway" v="-1"/></way>
<way id="102"><nd ref="1"/><nd ref="4"/><tag k="highway" v="footway"/></way>
<way id="103"><nd ref="3"/><nd ref="5"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
<way id="104"><nd ref="5"/><nd ref="6"/><nd ref="99"/><tag k="highway" v="tertiary"/><tag k="maxspeed" v="30 mph"/></way>
<relation id="7"><member type="way" ref="100" role="from"/><tag k="type" v="restriction"/></relation>
</osm>"#;

    #[test]
    fn ways_become_links_cut_at_junctions_in_their_directions() {
        let data = pw_osm::read_xml(XML.as_bytes()).unwrap();
        let r = road_network(&data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
        let summary: Vec<(i64, u64, u64, f64, f64, bool)> = r
            .roads
            .iter()
            .zip(&r.network.links)
            .map(|(road, link)| {
                (
                    road.way,
                    r.network.node_names[link.from as usize],
                    r.network.node_names[link.to as usize],
                    road.speed,
                    road.lanes,
                    road.speed_estimated,
                )
            })
            .collect();
        let mph30 = 30.0 * 1.609_344;
        assert_eq!(
            summary,
            vec![
                (100, 1, 2, 50.0, 2.0, false),
                (100, 2, 1, 50.0, 2.0, false),
                (100, 2, 3, 50.0, 2.0, false),
                (100, 3, 2, 50.0, 2.0, false),
                (101, 5, 2, 30.0, 1.0, true),
                (104, 5, 6, mph30, 1.0, false),
                (104, 6, 5, mph30, 1.0, false),
            ]
        );
        // 0.001° of longitude at 50° N ≈ 71.5 m; 1 → 2 takes that long at 50 km/h.
        let l = &r.network.links[0];
        assert!((l.length - 71.5).abs() < 0.2, "{}", l.length);
        assert!((l.free_flow_time - l.length / 1000.0 / 50.0 * 60.0).abs() < 1e-12);
        assert_eq!(l.capacity, 2.0 * 1200.0);
        // The one-way street runs against its drawing: 5 → 4 → 2.
        let bend: Vec<[f64; 2]> = vec![[11.001, 50.002], [11.001, 50.001], [11.001, 50.0]];
        assert_eq!(r.roads[4].geometry, bend);
        assert_eq!(r.roads[0].name.as_deref(), Some("Hauptstraße"));
        assert_eq!((r.ways, r.osm_nodes), (3, 6));
        let notes: Vec<String> = r.notes.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            notes,
            vec![
                "1 roads run out of the extract: kept up to its edge".to_string(),
                "Turn restrictions not applied: 0 over a way, 1 for other vehicles or incomplete, 0 off the car network".to_string()
            ]
        );
    }

    /// What a variant or a scene sets: a capacity per direction
    /// (`pw:capacity`, `pw:capacity:forward`), lanes per direction, and a
    /// class's own values ([[traffic.classes]]).
    #[test]
    fn capacities_lanes_and_class_values_as_set() {
        let xml = r#"<osm>
<node id="1" lat="50.000" lon="11.000"/><node id="2" lat="50.000" lon="11.001"/>
<node id="3" lat="50.000" lon="11.002"/><node id="4" lat="50.000" lon="11.003"/>
<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="pw:capacity" v="900"/></way>
<way id="2"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="lanes:forward" v="2"/>
  <tag k="pw:capacity:backward" v="350"/></way>
<way id="3"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="pw:capacity" v="-5"/></way>
</osm>"#;
        let data = pw_osm::read_xml(xml.as_bytes()).unwrap();
        let (classes, unknown) = classes_with(&[
            pw_analysis::scenario::RoadClass {
                class: "residential".into(),
                speed: Some(20.0),
                lanes: None,
                capacity_per_lane: Some(450.0),
            },
            pw_analysis::scenario::RoadClass {
                class: "footway".into(),
                ..Default::default()
            },
        ]);
        assert_eq!(unknown, vec!["footway".to_string()]);
        let r = road_network(&data, &classes, &|p| Some(p), &|_| false).unwrap();
        let of = |way: i64, from: i64| {
            let i = r
                .roads
                .iter()
                .position(|l| l.way == way && l.from_node == from)
                .unwrap();
            (r.network.links[i].capacity, r.roads[i].speed)
        };
        // Set: 900 both ways; the class's own speed.
        assert_eq!(of(1, 1), (900.0, 20.0));
        assert_eq!(of(1, 2), (900.0, 20.0));
        // Two lanes forward at the scene's 450 per lane; 350 backward.
        assert_eq!(of(2, 2).0, 900.0);
        assert_eq!(of(2, 3).0, 350.0);
        // A capacity that is no capacity: the class's value stays, and
        // the user hears of it.
        assert_eq!(of(3, 3).0, 450.0);
        assert!(r.notes.iter().any(|n| n.to_string()
            == "1 roads have a capacity or number of lanes that is no number above 0: their road class's value is used"));
    }

    #[test]
    fn maxspeed_values_as_mappers_write_them() {
        for (text, kmh) in [
            ("50", Some(50.0)),
            ("30 km/h", Some(30.0)),
            ("DE:zone30", Some(30.0)),
            ("DE:zone:20", Some(20.0)),
            ("DE:rural", Some(100.0)),
            ("walk", Some(7.0)),
            ("signals", None),
            ("-5", None),
        ] {
            assert_eq!(parse_maxspeed(text), kmh, "{text}");
        }
    }
}
