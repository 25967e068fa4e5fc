//! Traffic on the analysis framework: the scenario's OpenStreetMap layer
//! (or the line layer the scene's `[traffic.network]` names) is its road
//! network, the variant's removed roads are closed, and trips run between
//! zones — the scene's OD file between the zones of its zones layer, or a
//! gravity model between a layer whose objects carry `productions` and
//! `attractions`, or else the map's own land use: homes (residential)
//! send trips to work and shops (commercial, industrial, retail) in
//! proportion to their area. Counts of the scene are set beside the
//! simulated volumes (GEH). New buildings of a variant add trips by their
//! gross floor area and use; its attribute changes on roads (`oneway`,
//! `maxspeed`, `lanes`, `pw:capacity`) change the roads. Where trips go is decided on the
//! map as it is (Bestand's roads), so B − A shows how the same trips drive
//! when a road closes or slows, plus what a new quarter adds.

use crate::counts::check_counts;
use crate::lines::{LineMap, line_map};
use crate::osm::{classes_with, road_network};
use crate::result::{MapOf, assignment_result, road_looks};
use crate::zones::{Zone, attach, free_flow_times, gravity};
use crate::{AssignmentSettings, TrafficError, assign};
use pw_analysis::scenario::InputStamp;
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, JobControl, Message, ParamSpec, ParamValues,
    Scenario,
};
use pw_osm::{OsmData, tag};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Share of a zone's main role it also plays the other way round: homes
/// attract some trips (visits), workplaces send some (business trips).
const SECONDARY_SHARE: f64 = 0.2;
/// Mixed use plays both roles at this share of its trips.
const MIXED_SHARE: f64 = 0.6;

#[derive(Default)]
pub struct TrafficAnalysis {
    /// The last map read, by path, modification time and (a line layer)
    /// how the scene reads it: every run of every variant uses the same map.
    cache: Mutex<Option<MapKey>>,
}

type MapKey = (
    PathBuf,
    String,
    Option<pw_analysis::scenario::LineNetwork>,
    Arc<RoadMap>,
);

/// The roads a scenario drives on, before its edits: an OpenStreetMap
/// file, or a line layer made into one.
#[derive(Debug, Default)]
struct RoadMap {
    data: Arc<OsmData>,
    /// For a line layer: the object each way came from (an OSM way is the
    /// object `way/<id>`).
    object_of_way: HashMap<i64, String>,
    lines: bool,
    notes: Vec<Message>,
}

impl RoadMap {
    /// The id the app's objects (and so a variant's edits) give a way.
    fn object_id(&self, way: i64) -> String {
        match self.object_of_way.get(&way) {
            Some(id) => id.clone(),
            None => format!("way/{way}"),
        }
    }
}

impl TrafficAnalysis {
    /// The scenario's road map as OpenStreetMap data (WGS 84) as the
    /// variant has it: the file the traffic model reads (from the same
    /// cache), the variant's tag changes made and its drawn roads added;
    /// with the ways it closes (left in the data: no copy of a city's map
    /// to take them out) — other analyses read what the model does not
    /// (the noise its junctions). A line layer network comes without node
    /// tags.
    pub fn road_map(&self, s: &Scenario) -> Result<(Arc<OsmData>, HashSet<i64>), AnalysisError> {
        let map = self.map(s)?;
        let crs = scene_crs(s)?;
        let (classes, _) = classes_with(&s.traffic.classes);
        let variant = variant_map(&map, s, crs, &classes)?;
        Ok((variant.data, variant.closed))
    }

    fn map(&self, s: &Scenario) -> Result<Arc<RoadMap>, AnalysisError> {
        let (path, modified) = match &s.traffic.network {
            Some(n) => (n.path.clone(), InputStamp::of(&n.path).modified),
            None => osm_layer(s).ok_or_else(no_network)?,
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((p, m, spec, map)) = cache.as_ref()
            && p == &path
            && m == &modified
            && spec == &s.traffic.network
        {
            return Ok(map.clone());
        }
        let map = Arc::new(match &s.traffic.network {
            Some(n) => read_line_layer(n)?,
            None => RoadMap {
                data: Arc::new(pw_osm::read_file(&path).map_err(|e| {
                    AnalysisError::Said(
                        Message::new("traffic.unreadable")
                            .arg("error", e)
                            .english("The OpenStreetMap layer cannot be read: {error}"),
                    )
                })?),
                ..Default::default()
            },
        });
        *cache = Some((path, modified, s.traffic.network.clone(), map.clone()));
        Ok(map)
    }
}

/// The scene's line layer as a map (in WGS 84, as OSM has it).
fn read_line_layer(n: &pw_analysis::scenario::LineNetwork) -> Result<RoadMap, AnalysisError> {
    let unreadable = |error: String| {
        AnalysisError::Said(
            Message::new("traffic.network_unreadable")
                .arg("layer", &n.layer)
                .arg("error", error)
                .english("The road network layer {layer} cannot be read: {error}"),
        )
    };
    let mut data = pw_vector::read_file(&n.path, &pw_vector::CsvOptions::default())
        .map_err(|e| unreadable(e.to_string()))?;
    if let Some(crs) = &n.crs {
        data.crs = Some(pw_geo::Crs::parse(crs).map_err(|e| unreadable(e.to_string()))?);
    }
    if data.crs.is_none() {
        return Err(unreadable("the file does not say its CRS".into()));
    }
    if data.field_index(&n.class).is_none() {
        let fields: Vec<&str> = data.fields.iter().map(|f| f.name.as_str()).collect();
        return Err(unreadable(format!(
            "no attribute “{}” (it has: {})",
            n.class,
            fields.join(", ")
        )));
    }
    data.reproject(pw_geo::Crs::WGS84)
        .map_err(|e| unreadable(e.to_string()))?;
    let known = crate::osm::default_classes();
    let LineMap {
        data,
        object_of_way,
        other_classes,
        unknown_values,
    } = line_map(&data, n, &|c| known.iter().any(|k| k.class == c));
    let left_out = crate::lines::left_out_note(
        &LineMap {
            other_classes,
            unknown_values,
            ..Default::default()
        },
        &n.layer,
    );
    Ok(RoadMap {
        data: Arc::new(data),
        object_of_way,
        lines: true,
        notes: left_out.into_iter().collect(),
    })
}

/// The first layer of the scenario that is an OpenStreetMap file.
fn osm_layer(s: &Scenario) -> Option<(PathBuf, String)> {
    s.layers.iter().find_map(|l| {
        let input = l.input.as_ref()?;
        let path = PathBuf::from(&input.path);
        pw_osm::is_osm_name(&path).then(|| (path, input.modified.clone()))
    })
}

fn failed(key: &str, english: &str) -> AnalysisError {
    AnalysisError::Said(Message::new(key).english(english))
}

impl Analysis for TrafficAnalysis {
    fn id(&self) -> &'static str {
        "traffic"
    }

    fn title(&self) -> &'static str {
        "traffic.title"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::number(
                "trips_per_ha",
                "traffic.trips_per_ha",
                30.0,
                (1.0, 500.0),
                1.0,
                "/ha",
            ),
            ParamSpec::number(
                "new_trips_per_100m2",
                "traffic.new_trips_per_100m2",
                0.5,
                (0.0, 10.0),
                0.1,
                "",
            ),
            ParamSpec::number("beta", "traffic.beta", 0.1, (0.01, 1.0), 0.01, "1/min").advanced(),
            ParamSpec::number("gap", "traffic.gap", 1e-4, (1e-8, 1e-2), 1e-5, "").advanced(),
        ]
    }

    fn estimate(&self, _: &ParamValues, s: &Scenario) -> Result<Estimate, AnalysisError> {
        let path = match &s.traffic.network {
            Some(n) => n.path.clone(),
            None => osm_layer(s).ok_or_else(no_network)?.0,
        };
        let mb = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        Ok(Estimate {
            // Reading ≈ 1 s per compressed MB; the assignment a few seconds.
            seconds: 2.0 + mb,
            size: format!("{mb:.1} MB OpenStreetMap"),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        control.set_stage("read");
        let map = self.map(s)?;
        control.check()?;
        let (classes, unknown_classes) = classes_with(&s.traffic.classes);
        let crs = scene_crs(s)?;
        let to_scene = reprojector(pw_geo::Crs::WGS84, crs)?;
        let project = |p: [f64; 2]| to_scene.apply([p[0], p[1], 0.0]).ok().map(|q| [q[0], q[1]]);
        let VariantMap {
            data,
            closed,
            notes: road_notes,
        } = variant_map(&map, s, crs, &classes)?;
        let roads = road_network(&data, &classes, &project, &|id| closed.contains(&id))
            .map_err(traffic_error)?;
        let demand_file = s.traffic.demand.as_deref();
        let mut zones = match (&s.traffic.zones_layer, zones_from_layers(s)) {
            (Some(layer), _) => zones_of_layer(s, layer, demand_file.is_none())?,
            (None, Some(z)) => z,
            (None, None) if !map.lines => {
                zones_from_land_use(&map.data, &project, values.number("trips_per_ha"))
            }
            (None, None) => Vec::new(),
        };
        let existing = zones.len();
        let new = zones_from_new_buildings(s, values.number("new_trips_per_100m2"));
        let new_count = new.len();
        zones.extend(new);
        if zones.len() < 2 {
            return Err(failed(
                "traffic.no_zones",
                "No zones: give the scene a layer with “productions” and “attractions”, or a map with residential and commercial land use.",
            ));
        }
        control.set_stage("assign");
        let zone_count = zones.len();
        // Who goes where is decided on the map as it is (Bestand's roads):
        // a closed or slower road changes the routes, not the destinations,
        // so B − A shows where the same trips drive.
        let distribution_roads = if closed.is_empty()
            && s.edits.changed.is_empty()
            && s.edits.roads.is_empty()
        {
            None
        } else {
            Some(road_network(&map.data, &classes, &project, &|_| false).map_err(traffic_error)?)
        };
        let zoned = attach(&roads, zones, 2);
        let times = match &distribution_roads {
            Some(r) => free_flow_times(&attach(r, zoned.zones.clone(), 2).network),
            None => free_flow_times(&zoned.network),
        };
        let mut demand_notes = Vec::new();
        let (demand, balanced) = match demand_file {
            Some(path) => {
                let names: Vec<String> = zoned.zones[..existing]
                    .iter()
                    .map(|z| z.name.clone())
                    .collect();
                let od = crate::od::read_od_csv(path, &names, s.traffic.period.as_deref())
                    .map_err(traffic_error)?;
                if od.within_zones > 0.0 {
                    demand_notes.push(
                        Message::new("traffic.within_zones")
                            .arg("trips", format!("{:.0}", od.within_zones))
                            .english("{trips} trips within a zone are left out: they do not use the roads."),
                    );
                }
                let demand = crate::zones::add_new_zones(
                    od.demand,
                    &zoned.zones,
                    existing,
                    &times,
                    values.number("beta"),
                );
                (demand, true)
            }
            None => gravity(&zoned.zones, &times, values.number("beta")),
        };
        let settings = AssignmentSettings {
            relative_gap: values.number("gap"),
            ..Default::default()
        };
        let assignment =
            assign(&zoned.network, &demand, &settings, control).map_err(traffic_error)?;
        let ground = |x: f64, y: f64| {
            s.terrain
                .as_ref()
                .and_then(|t| t.height_at(x, y))
                .unwrap_or(s.site.origin[2])
        };
        let links = road_looks(&roads.roads, zoned.network.links.len());
        let closed_looks = road_looks(&roads.closed, roads.closed.len());
        let zone_names: Vec<String> = zoned.zones.iter().map(|z| z.name.clone()).collect();
        let mut result = assignment_result(
            // The app puts the title (and the variant) in front.
            format!("{:.0} / {zone_count}", demand.total()),
            &zoned.network,
            &MapOf {
                links: &links,
                closed: &closed_looks,
                zone_names: &zone_names,
                lengths_in_metres: true,
            },
            &demand,
            &assignment,
            Some(crs),
        );
        if !balanced {
            result.notes.push(
                Message::new("traffic.unbalanced")
                    .english("Some zones cannot send or receive all their trips (no route to a zone that takes them): the trips are fewer than the productions."),
            );
        }
        if let Some(f) = result.features.as_mut() {
            for feature in &mut f.features {
                if let pw_analysis::FeatureGeometry::Line(points) = &mut feature.geometry {
                    for p in points.iter_mut() {
                        p[2] = ground(p[0], p[1]);
                    }
                }
            }
        }
        if !s.traffic.counts.is_empty() {
            // The open roads and the closed ones (nothing on them), in the
            // order the result's lines have them.
            let all: Vec<crate::osm::RoadLink> =
                roads.roads.iter().chain(&roads.closed).cloned().collect();
            let flows: Vec<f64> = assignment.flows[..roads.roads.len()]
                .iter()
                .copied()
                .chain(std::iter::repeat_n(0.0, roads.closed.len()))
                .collect();
            let (checks, notes) = check_counts(&s.traffic.counts, &all, &flows);
            crate::result::add_counts(&mut result, &checks, all.len());
            result.notes.extend(notes);
        }
        let network_source = match &s.traffic.network {
            Some(n) => format!("layer {}", n.layer),
            None => "OSM".into(),
        };
        result.stamp.details.push((
            "network".into(),
            format!(
                "{network_source}: {} ways, {} links, {} roads closed, {} changed, {} new",
                roads.ways,
                roads.roads.len(),
                roads
                    .closed
                    .iter()
                    .map(|r| r.way)
                    .collect::<HashSet<_>>()
                    .len(),
                s.edits.changed.len(),
                s.edits.roads.len()
            ),
        ));
        result
            .stamp
            .details
            .push(("zones".into(), zone_count.to_string()));
        if let Some(path) = demand_file {
            let period = s
                .traffic
                .period
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            result
                .stamp
                .details
                .push(("demand".into(), format!("{}{period}", InputStamp::of(path))));
        }
        if new_count > 0 {
            result
                .stamp
                .details
                .push(("new_building_zones".into(), new_count.to_string()));
        }
        if !s.traffic.classes.is_empty() {
            result.stamp.details.push((
                "road_classes".into(),
                s.traffic
                    .classes
                    .iter()
                    .map(|c| c.class.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if !unknown_classes.is_empty() {
            result.notes.push(
                Message::new("traffic.unknown_classes")
                    .arg("classes", unknown_classes.join(", "))
                    .english(
                        "[[traffic.classes]] names classes that are no roads for cars: {classes}",
                    ),
            );
        }
        result.notes.extend(map.notes.iter().cloned());
        result.notes.extend(road_notes);
        result.notes.extend(demand_notes);
        result.notes.extend(roads.notes.iter().cloned());
        Ok(result)
    }
}

fn scene_crs(s: &Scenario) -> Result<pw_geo::Crs, AnalysisError> {
    s.site.crs.ok_or_else(|| {
        failed(
            "traffic.no_crs",
            "The scene has no CRS: roads cannot be placed.",
        )
    })
}

fn reprojector(from: pw_geo::Crs, to: pw_geo::Crs) -> Result<pw_geo::Reprojector, AnalysisError> {
    pw_geo::Reprojector::new(from, to).map_err(|e| {
        AnalysisError::Said(
            Message::new("traffic.no_projection")
                .arg("error", e)
                .english("The map cannot be placed in the scene's CRS: {error}"),
        )
    })
}

/// The map as a variant has it: its tag changes made, its drawn roads
/// added (joined to open roads for cars), and the ways it closes.
struct VariantMap {
    data: Arc<OsmData>,
    closed: HashSet<i64>,
    notes: Vec<Message>,
}

fn variant_map(
    map: &RoadMap,
    s: &Scenario,
    crs: pw_geo::Crs,
    classes: &[crate::osm::ClassDefaults],
) -> Result<VariantMap, AnalysisError> {
    let data = with_changes(map, &s.edits.changed);
    let closed: HashSet<i64> = map
        .data
        .ways
        .iter()
        .map(|w| w.id)
        .filter(|&w| s.edits.removed.contains(&map.object_id(w)))
        .collect();
    if s.edits.roads.is_empty() {
        return Ok(VariantMap {
            data,
            closed,
            notes: Vec::new(),
        });
    }
    let to_scene = reprojector(pw_geo::Crs::WGS84, crs)?;
    let to_wgs84 = reprojector(crs, pw_geo::Crs::WGS84)?;
    let project = |p: [f64; 2]| to_scene.apply([p[0], p[1], 0.0]).ok().map(|q| [q[0], q[1]]);
    let unproject = |p: [f64; 2]| to_wgs84.apply([p[0], p[1], 0.0]).ok().map(|q| [q[0], q[1]]);
    // A drawn road joins open roads for cars only.
    let is_car = |w: &pw_osm::Way| {
        !closed.contains(&w.id)
            && pw_osm::tag(&w.tags, "highway").is_some_and(|h| classes.iter().any(|c| c.class == h))
    };
    let (with_roads, notes) =
        crate::new_roads::with_new_roads(&data, &s.edits.roads, &unproject, &project, &is_car);
    Ok(VariantMap {
        data: Arc::new(with_roads),
        closed,
        notes,
    })
}

/// The map with the variant's changes to its ways (object id → tags set),
/// e.g. a road made one-way or given a lower speed limit.
fn with_changes(
    map: &RoadMap,
    changed: &std::collections::BTreeMap<String, Vec<(String, String)>>,
) -> Arc<OsmData> {
    if changed.is_empty() {
        return map.data.clone();
    }
    let mut changed_data = (*map.data).clone();
    for way in &mut changed_data.ways {
        if let Some(kv) = changed.get(&map.object_id(way.id)) {
            for (k, v) in kv.iter() {
                match way.tags.iter_mut().find(|(key, _)| key == k) {
                    Some(tag) => tag.1 = v.clone(),
                    None => way.tags.push((k.clone(), v.clone())),
                }
            }
        }
    }
    Arc::new(changed_data)
}

fn no_network() -> AnalysisError {
    failed(
        "traffic.no_network",
        "The scene has no OpenStreetMap layer: add a .osm, .osm.gz or .osm.pbf file with the roads as a layer.",
    )
}

fn traffic_error(e: TrafficError) -> AnalysisError {
    match e {
        TrafficError::Cancelled(_) => AnalysisError::Cancelled,
        e => AnalysisError::Said(e.message()),
    }
}

/// The zones of the layer `[traffic] zones` names: each object, named by
/// its `zone_id` attribute (else its id), at the centre of its extent;
/// with `productions` and `attractions` where the gravity model needs them.
fn zones_of_layer(s: &Scenario, layer: &str, gravity: bool) -> Result<Vec<Zone>, AnalysisError> {
    let Some(l) = s.layers.iter().find(|l| l.name == layer) else {
        return Err(AnalysisError::Said(
            Message::new("traffic.zones_layer_missing")
                .arg("layer", layer)
                .english(
                    "The zones layer {layer} is not loaded or hidden: show it to run the analysis.",
                ),
        ));
    };
    let id_key = s.traffic.zone_id.as_deref();
    let mut zones = Vec::new();
    let mut unnamed = 0;
    for o in l.model.objects.iter().filter(|o| o.parent.is_none()) {
        let text = |key: &str| {
            o.attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
        };
        let number = |key: &str| {
            text(key)
                .and_then(|v| v.replace(',', ".").parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        let name = match id_key {
            Some(key) => text(key).filter(|v| !v.is_empty()),
            None => Some(o.id.clone()),
        };
        let Some(name) = name else {
            unnamed += 1;
            continue;
        };
        let (productions, attractions) = match (number("productions"), number("attractions")) {
            (Some(p), Some(a)) => (p, a),
            _ if gravity => {
                return Err(AnalysisError::Said(
                    Message::new("traffic.zone_without_figures")
                        .arg("layer", layer)
                        .arg("zone", &name)
                        .english("Zone {zone} of layer {layer} has no “productions” and “attractions”; give them, or a demand file in [traffic]."),
                ));
            }
            _ => (0.0, 0.0),
        };
        let e = o.extent();
        zones.push(Zone {
            name,
            centroid: [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0],
            productions,
            attractions,
        });
    }
    if unnamed > 0 && zones.is_empty() {
        return Err(AnalysisError::Said(
            Message::new("traffic.zones_unnamed")
                .arg("layer", layer)
                .arg("attribute", id_key.unwrap_or(""))
                .english("No object of layer {layer} has the attribute {attribute} that names the zones."),
        ));
    }
    Ok(zones)
}

/// Zones a scene names: objects of any layer with numeric `productions`
/// and `attractions` attributes, at the centre of their extent (a city
/// object's surfaces give no single outline to take a centroid of).
fn zones_from_layers(s: &Scenario) -> Option<Vec<Zone>> {
    let mut zones = Vec::new();
    for layer in &s.layers {
        for o in &layer.model.objects {
            let number = |key: &str| {
                o.attributes
                    .iter()
                    .find(|(k, _)| k == key)
                    .and_then(|(_, v)| v.trim().replace(',', ".").parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v >= 0.0)
            };
            if let (Some(p), Some(a)) = (number("productions"), number("attractions")) {
                let e = o.extent();
                zones.push(Zone {
                    name: o.id.clone(),
                    centroid: [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0],
                    productions: p,
                    attractions: a,
                });
            }
        }
    }
    (!zones.is_empty()).then_some(zones)
}

/// Each new building of the variant (drawn volumes, imported designs) as a
/// zone: gross floor area (footprint × storeys) / 100 m² × `per_100m2`
/// peak-hour trips, sent by homes and received by workplaces and public
/// buildings (the other role at [`SECONDARY_SHARE`]), mixed use both.
pub fn zones_from_new_buildings(s: &Scenario, per_100m2: f64) -> Vec<Zone> {
    let mut zones = Vec::new();
    for o in s.edits.added.iter().flat_map(|m| m.objects.iter()) {
        if o.kind != pw_city::ObjectKind::Building || o.parent.is_some() {
            continue;
        }
        let storeys = o
            .attribute("storeysAboveGround")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|n| n.is_finite() && *n > 0.0)
            .unwrap_or(1.0);
        let main = pw_plan::figures_analysis::footprint_m2(o) * storeys / 100.0 * per_100m2;
        let (productions, attractions) = match o.attribute("nutzung") {
            Some("gewerbe" | "gemeinbedarf") => (main * SECONDARY_SHARE, main),
            Some("mischnutzung") => (main * MIXED_SHARE, main * MIXED_SHARE),
            _ => (main, main * SECONDARY_SHARE),
        };
        if main > 0.0 {
            let e = o.extent();
            zones.push(Zone {
                name: o.id.clone(),
                centroid: [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0],
                productions,
                attractions,
            });
        }
    }
    zones
}

/// Zones from the map's land use: each residential area sends
/// `trips_per_ha` per hectare, each commercial, industrial or retail area
/// attracts as many; both play the other role at [`SECONDARY_SHARE`].
pub fn zones_from_land_use(
    data: &OsmData,
    project: &dyn Fn([f64; 2]) -> Option<[f64; 2]>,
    trips_per_ha: f64,
) -> Vec<Zone> {
    let positions = data.positions();
    let mut zones = Vec::new();
    for w in &data.ways {
        let homes = match tag(&w.tags, "landuse") {
            Some("residential") => true,
            Some("commercial" | "industrial" | "retail") => false,
            _ => continue,
        };
        if w.nodes.len() < 4 || w.nodes.first() != w.nodes.last() {
            continue;
        }
        let Some(ring) = data
            .way_positions(w, &positions)
            .and_then(|r| r.into_iter().map(project).collect::<Option<Vec<_>>>())
        else {
            continue;
        };
        let hectares = pw_plan::polygon::area(&ring) / 10_000.0;
        let centroid = pw_plan::polygon::centroid(&ring);
        let main = hectares * trips_per_ha;
        let (productions, attractions) = if homes {
            (main, main * SECONDARY_SHARE)
        } else {
            (main * SECONDARY_SHARE, main)
        };
        if main > 0.0 {
            zones.push(Zone {
                name: format!("way/{}", w.id),
                centroid,
                productions,
                attractions,
            });
        }
    }
    zones
}
