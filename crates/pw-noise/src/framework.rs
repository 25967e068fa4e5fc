//! Noise on the analysis framework: the scenario's roads with their
//! traffic — a line layer whose attributes carry it (NoiseModelling's
//! TV_D/HV_D/… columns, or DTV), else the OpenStreetMap roads with the
//! volumes of the traffic analysis on the same scenario — its buildings
//! (new ones count, removed ones do not) and its terrain; levels by
//! CNOSSOS-EU (L_den, L_night) or RLS-19 (L_r,Tag, L_r,Nacht) on a grid
//! 4 m above the ground and on every facade at 4 m.

use crate::cnossos::emission::Coefficients;
use crate::junctions::{JunctionPoints, junctions_from_osm};
use crate::layers::{has_traffic, roads_from_layer};
use crate::map::{
    L_DEN, L_NIGHT, LR_DAY, LR_NIGHT, LineSource, MapSettings, Method, Sources, levels,
};
use crate::roads::{
    RoadClass, RoadFlows, cnossos_junction_split, cnossos_power, flows_from_daily, rls19_power,
};
use crate::scene::{Building, DEFAULT_FACADE_ALPHA, GroundZone, NoiseScene, Terrain, plan_ring};
use pw_analysis::result::{Column, FacadeSample, FacadeValues};
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, FeatureGeometry, GroundRaster, JobControl,
    Kpi, Legend, Message, ParamSpec, ParamValues, Quantity, RunStamp, Scenario,
};
use pw_city::{CityObject, ObjectKind, Semantic};
use pw_geo::elevation::Elevation;
use std::sync::Arc;

/// The noise classes of maps in 5 dB steps (ISO 1996-2 / DIN 45682
/// colours); below 40 dB(A) the first class.
pub const NOISE_CLASSES: [(f32, [u8; 3]); 10] = [
    (35.0, [160, 186, 191]),
    (40.0, [184, 214, 209]),
    (45.0, [206, 228, 204]),
    (50.0, [226, 242, 191]),
    (55.0, [243, 198, 131]),
    (60.0, [232, 126, 77]),
    (65.0, [205, 70, 62]),
    (70.0, [161, 26, 77]),
    (75.0, [117, 8, 92]),
    (80.0, [67, 10, 74]),
];

/// B − A of levels: louder red, quieter blue; 1 and 3 dB are the steps
/// people notice and clearly hear.
fn louder_is_red() -> Legend {
    Legend::difference_more_is_worse("noise.legend_difference", "dB", 1.0, 3.0)
}

pub fn level_quantity(method: Method) -> Quantity {
    let (key, label) = match method {
        Method::Cnossos => ("lden", "noise.legend_lden"),
        Method::Rls19 => ("lr_day", "noise.legend_lr_day"),
    };
    Quantity {
        key,
        label,
        unit: "dB(A)",
        legend: Legend::new(label, "dB(A)", &NOISE_CLASSES),
        difference_legend: louder_is_red(),
    }
}

const METHODS: &[(&str, &str)] = &[
    ("cnossos", "noise.method_cnossos"),
    ("rls19", "noise.method_rls19"),
];

/// The height of the one point each facade gets (VBEB and the strategic
/// noise maps: 4 m above the ground).
const FACADE_HEIGHT_M: f64 = 4.0;
/// The facade point stands for one storey of its wall (m² = length × this).
const STOREY_M: f64 = 2.8;
/// Facade points stand this far in front of the wall (m).
const FACADE_OFFSET_M: f64 = 0.1;
/// Ground factor G of the map's areas by their kind (OpenStreetMap land
/// use as the vector layer names it): grass, wood and fields are soft,
/// water is hard; other areas keep the run's G.
fn ground_factor_of_kind(kind: &str) -> Option<f64> {
    match kind {
        "green" | "wood" | "farmland" => Some(1.0),
        "water" => Some(0.0),
        _ => None,
    }
}

/// Attributes that say how many people live in a building.
const INHABITANT_KEYS: [&str; 6] = [
    "inhabitants",
    "einwohner",
    "Einwohner",
    "bewohner",
    "population",
    "EINWOHNER",
];
/// Walls shorter than this get no point of their own (m).
const SHORTEST_FACADE_M: f64 = 2.0;

#[derive(Default)]
pub struct NoiseAnalysis {
    traffic: pw_traffic::framework::TrafficAnalysis,
}

/// The scenario's terrain for the sections: heights where it has them,
/// the site's altitude elsewhere, sampled every 10 m along a path.
struct ScenarioTerrain {
    elevation: Option<Arc<dyn Elevation>>,
    fallback: f64,
}

impl Terrain for ScenarioTerrain {
    fn height(&self, p: [f64; 2]) -> f64 {
        self.elevation
            .as_ref()
            .and_then(|e| e.height_at(p[0], p[1]))
            .filter(|h| h.is_finite())
            .unwrap_or(self.fallback)
    }
    fn breaks(&self, a: [f64; 2], b: [f64; 2]) -> Vec<f64> {
        if self.elevation.is_none() {
            return Vec::new();
        }
        let length = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
        let n = (length / 10.0).floor() as usize;
        (1..=n).map(|k| k as f64 / (n + 1) as f64).collect()
    }
}

fn failed(key: &str, english: &str) -> AnalysisError {
    AnalysisError::Said(Message::new(key).english(english))
}

/// A footprint with its courtyards and the altitude of its flat roof.
struct Outline {
    ring: Vec<[f64; 2]>,
    courtyards: Vec<Vec<[f64; 2]>>,
    roof: f64,
}

/// Footprints of a city object and the altitude of its (flat) roof: its
/// ground surfaces, else its roof surfaces seen from above; the roof
/// between eaves and ridge (the height of a flat roof with the same
/// volume under a symmetric pitched roof).
fn footprints(o: &CityObject) -> Vec<Outline> {
    let roof_z: Vec<f64> = o
        .surfaces
        .iter()
        .filter(|s| s.semantic == Semantic::Roof)
        .flat_map(|s| s.exterior.iter().map(|p| p[2]))
        .collect();
    let all_z = || {
        o.surfaces
            .iter()
            .flat_map(|s| s.exterior.iter().map(|p| p[2]))
    };
    let roof = if roof_z.is_empty() {
        all_z().fold(f64::MIN, f64::max)
    } else {
        let (lo, hi) = roof_z
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &z| (a.min(z), b.max(z)));
        (lo + hi) / 2.0
    };
    let outlines = |semantic: Semantic| -> Vec<Outline> {
        o.surfaces
            .iter()
            .filter(|s| s.semantic == semantic)
            .map(|s| Outline {
                ring: plan_ring(&s.exterior),
                courtyards: s
                    .interiors
                    .iter()
                    .map(|h| plan_ring(h))
                    .filter(|h| h.len() >= 3)
                    .collect(),
                roof,
            })
            .filter(|f| f.ring.len() >= 3 && crate::scene::ring_area(&f.ring).abs() > 0.5)
            .collect()
    };
    let mut found = outlines(Semantic::Ground);
    if found.is_empty() {
        found = outlines(Semantic::Roof);
    }
    found
}

/// Road sources and what to tell about them.
type Found = (Vec<LineSource>, Vec<Message>);

/// Sources from the first layer of the scenario with traffic attributes.
fn sources_from_layers(
    s: &Scenario,
    terrain: &dyn Terrain,
    coefficients: Coefficients,
) -> Result<Option<Found>, AnalysisError> {
    for layer in &s.layers {
        let Some(input) = &layer.input else { continue };
        let path = std::path::Path::new(&input.path);
        // OpenStreetMap roads carry no counts: the traffic analysis gives them.
        if pw_vector::format_of(path).is_none() || pw_osm::is_osm_name(path) {
            continue;
        }
        let Ok(mut data) = pw_vector::read_file(path, &Default::default()) else {
            continue;
        };
        if !has_traffic(&data) {
            continue;
        }
        if let Some(crs) = s.site.crs
            && data.crs.is_some_and(|c| c != crs)
        {
            data.reproject(crs).map_err(|e| {
                AnalysisError::Said(
                    Message::new("noise.no_projection")
                        .arg("error", e)
                        .english("The road layer cannot be placed in the scene's CRS: {error}"),
                )
            })?;
        }
        let mut read = roads_from_layer(&data, terrain, 20.0, coefficients)
            .map_err(|e| AnalysisError::Said(e.message()))?;
        // The layer is read from its file: a road the variant removed must
        // go here too (a line of several parts is "id/part").
        let removed = &s.edits.removed;
        read.sources.retain(|source| {
            let whole = source
                .id
                .rsplit_once('/')
                .map_or(source.id.as_str(), |(id, _)| id);
            !removed.contains(&source.id) && !removed.contains(whole)
        });
        let mut notes = Vec::new();
        if let Some((id, what)) = read.unknown_surface.first() {
            notes.push(
                Message::new("noise.unknown_surface")
                    .arg("n", read.unknown_surface.len())
                    .arg("id", id)
                    .arg("what", what)
                    .english("{n} roads are left out for their road surface, e.g. {id}: {what}"),
            );
        }
        if read.without_traffic_count > 0 {
            notes.push(
                Message::new("noise.roads_without_traffic")
                    .arg("n", read.without_traffic_count)
                    .arg("ids", read.without_traffic.join(", "))
                    .english(
                        "{n} roads of the layer carry no traffic and are left out (e.g. {ids})",
                    ),
            );
        }
        return Ok(Some((read.sources, notes)));
    }
    Ok(None)
}

impl NoiseAnalysis {
    /// Sources from the traffic analysis on the scenario's OpenStreetMap
    /// roads: its peak-hour volumes as a share of the daily traffic, split
    /// over the day by RLS-19 Tabelle 2 for the road's class.
    fn sources_from_traffic(
        &self,
        s: &Scenario,
        peak_share: f64,
        coefficients: Coefficients,
        control: &JobControl,
    ) -> Result<(Vec<LineSource>, Vec<Message>), AnalysisError> {
        let values = self.traffic.defaults();
        let result = self.traffic.run(&values, s, control)?;
        let Some(features) = result.features else {
            return Ok((Vec::new(), Vec::new()));
        };
        let column = |name: &str| features.columns.iter().find(|c| c.name() == name);
        let minutes = match column("free_flow_minutes") {
            Some(Column::Numbers(_, v)) => v.clone(),
            _ => Vec::new(),
        };
        let classes = match column("class") {
            Some(Column::Texts(_, v)) => v.clone(),
            _ => Vec::new(),
        };
        let mut sources = Vec::new();
        for (i, f) in features.features.iter().enumerate() {
            let FeatureGeometry::Line(line) = &f.geometry else {
                continue;
            };
            let class = classes.get(i).map(String::as_str).unwrap_or("");
            if class == pw_traffic::result::CONNECTOR || f.value.is_nan() || f.value <= 0.0 {
                continue;
            }
            let length: f64 = line
                .windows(2)
                .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
                .sum();
            let speed = match minutes.get(i) {
                Some(&m) if m > 0.0 => (length / 1000.0) / (m as f64 / 60.0),
                _ => 50.0,
            };
            let daily = f.value as f64 / peak_share;
            // Each link carries one direction, drawn the way it is driven.
            let flows = flows_from_daily(daily, RoadClass::of_osm(class), speed.clamp(20.0, 130.0));
            let flows = RoadFlows {
                two_way: false,
                ..flows
            }
            .with_slope_of(line);
            let cnossos = cnossos_power(&flows, 20.0, coefficients)
                .map_err(|e| AnalysisError::Said(e.message()))?;
            sources.push(LineSource {
                id: f.id.clone(),
                line: line.clone(),
                cnossos,
                rls19: rls19_power(&flows),
                junction_split: cnossos_junction_split(&flows, 20.0, coefficients).ok(),
            });
        }
        Ok((sources, result.notes))
    }

    /// Junctions with traffic lights and roundabouts on the scenario's
    /// OpenStreetMap roads (none without such a layer).
    fn junctions(&self, s: &Scenario) -> JunctionPoints {
        let Some(crs) = s.site.crs else {
            return JunctionPoints::default();
        };
        let Ok((map, closed)) = self.traffic.road_map(s) else {
            return JunctionPoints::default();
        };
        let Ok(to_scene) = pw_geo::Reprojector::new(pw_geo::Crs::WGS84, crs) else {
            return JunctionPoints::default();
        };
        let (classes, _) = pw_traffic::osm::classes_with(&s.traffic.classes);
        JunctionPoints::new(junctions_from_osm(
            &map,
            |way| {
                !closed.contains(&way.id)
                    && pw_osm::tag(&way.tags, "highway")
                        .is_some_and(|h| classes.iter().any(|c| c.class == h))
            },
            |p| to_scene.apply([p[0], p[1], 0.0]).ok().map(|q| [q[0], q[1]]),
        ))
    }
}

impl Analysis for NoiseAnalysis {
    fn id(&self) -> &'static str {
        "noise"
    }

    fn title(&self) -> &'static str {
        "noise.title"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::choice("method", "noise.method", METHODS, "rls19"),
            ParamSpec::area("area", "noise.area"),
            ParamSpec::number("cell", "noise.cell", 10.0, (1.0, 100.0), 1.0, "m"),
            ParamSpec::number("height", "noise.height", 4.0, (1.0, 50.0), 0.5, "m"),
            ParamSpec::flag("facades", "noise.facades", true),
            ParamSpec::flag("storeys", "noise.storeys", false),
            ParamSpec::flag("reflections", "noise.reflections", true).advanced(),
            ParamSpec::flag("lateral", "noise.lateral", true).advanced(),
            ParamSpec::flag("junctions", "noise.junction_terms", true).advanced(),
            ParamSpec::number("reach", "noise.reach", 250.0, (50.0, 2000.0), 10.0, "m").advanced(),
            ParamSpec::number(
                "peak_share",
                "noise.peak_share",
                10.0,
                (5.0, 20.0),
                0.5,
                "%",
            )
            .advanced(),
            ParamSpec::number("ground", "noise.ground", 0.0, (0.0, 1.0), 0.1, "").advanced(),
        ]
    }

    fn estimate(&self, values: &ParamValues, _s: &Scenario) -> Result<Estimate, AnalysisError> {
        let a = values
            .area("area")
            .ok_or_else(|| failed("noise.no_area", "Choose the area to compute first."))?;
        let cell = values.number("cell");
        let receivers = (a.width() / cell).ceil() * (a.height() / cell).ceil();
        // Per receiver on 2 cores with every path (Lorient bench): ≈ 3 ms
        // by CNOSSOS-EU, ≈ 0.8 ms by RLS-19; facades add about a quarter.
        let per_receiver = if values.text("method") == "cnossos" {
            0.003
        } else {
            0.0008
        };
        Ok(Estimate {
            seconds: 5.0 + 1.25 * receivers * per_receiver,
            size: format!("{receivers:.0} receivers"),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let method = if values.text("method") == "cnossos" {
            Method::Cnossos
        } else {
            Method::Rls19
        };
        let area = values
            .area("area")
            .ok_or_else(|| failed("noise.no_area", "Choose the area to compute first."))?;
        let cell = values.number("cell");
        let height = values.number("height");
        let coefficients = Coefficients::Directive2021;
        let terrain = ScenarioTerrain {
            elevation: s.terrain.clone(),
            fallback: s.site.origin[2],
        };
        control.set_stage("roads");
        // How far a junction of the map may lie from a road to be on it:
        // the traffic model's links end on the map's junction nodes; a
        // city's road table is drawn apart from the map.
        let (sources, mut notes, junction_tolerance_m) =
            match sources_from_layers(s, &terrain, coefficients)? {
                Some((sources, notes)) => (sources, notes, 5.0),
                None => {
                    let (sources, notes) = self.sources_from_traffic(
                        s,
                        values.number("peak_share") / 100.0,
                        coefficients,
                        control,
                    )?;
                    (sources, notes, 0.5)
                }
            };
        if sources.is_empty() {
            return Err(failed(
                "noise.no_roads",
                "No roads with traffic: add a line layer with traffic (DTV, or TV_D/HV_D …) or an OpenStreetMap layer with roads.",
            ));
        }
        control.check()?;
        control.set_stage("buildings");
        let mut buildings = Vec::new();
        let mut owners = Vec::new();
        let mut object_ids: Vec<String> = Vec::new();
        let mut zones: Vec<GroundZone> = Vec::new();
        let mut inhabitants: Vec<Option<f64>> = Vec::new();
        for o in s.objects() {
            // Buildings of city models, and every solid with walls a GIS
            // layer extrudes (OSM buildings with their heights).
            let has = |sem: Semantic| o.surfaces.iter().any(|s| s.semantic == sem);
            let solid = has(Semantic::Wall) && (has(Semantic::Ground) || has(Semantic::Roof));
            if !(matches!(o.kind, ObjectKind::Building | ObjectKind::BuildingPart) || solid) {
                // Soft ground (parks, woods, fields) and water from the map.
                if let Some(g) = o.attribute("kind").and_then(ground_factor_of_kind) {
                    for surface in o
                        .surfaces
                        .iter()
                        .filter(|s| s.semantic == Semantic::LandUse)
                    {
                        let ring: Vec<[f64; 2]> =
                            surface.exterior.iter().map(|p| [p[0], p[1]]).collect();
                        if ring.len() >= 3 {
                            zones.push(GroundZone { ring, g });
                        }
                    }
                }
                continue;
            }
            let found = footprints(&o);
            if found.is_empty() {
                continue;
            }
            object_ids.push(o.id.clone());
            inhabitants.push(INHABITANT_KEYS.iter().find_map(|k| {
                o.attribute(k)
                    .and_then(|v| v.trim().replace(',', ".").parse::<f64>().ok())
                    .filter(|n| *n >= 0.0)
            }));
            for outline in found {
                owners.push(object_ids.len() as u32 - 1);
                buildings.push(Building {
                    id: o.id.clone(),
                    footprint: outline.ring,
                    holes: outline.courtyards,
                    roof: outline.roof,
                    alpha: DEFAULT_FACADE_ALPHA,
                });
            }
        }
        let building_count = object_ids.len();
        let zone_count = zones.len();
        let scene = NoiseScene::new(
            buildings,
            vec![],
            zones,
            values.number("ground"),
            Box::new(terrain),
        );
        let junctions = if values.flag("junctions") {
            self.junctions(s)
        } else {
            JunctionPoints::default()
        };
        let sources = Sources::with_junctions(sources, &junctions, junction_tolerance_m);
        let reach = values.number("reach");
        let (lights, roundabouts) = sources.junction_counts_within([
            area.min[0] - reach,
            area.min[1] - reach,
            area.max[0] + reach,
            area.max[1] + reach,
        ]);
        if lights + roundabouts > 0 {
            notes.push(
                Message::new("noise.junctions")
                    .arg("lights", lights)
                    .arg("roundabouts", roundabouts)
                    .english(
                        "Junctions from the map in reach of the area: {lights} with traffic lights, {roundabouts} at roundabouts — the roads meeting there get the junction term within 120 m (RLS-19 D_K) or 100 m (CNOSSOS-EU F-3)",
                    ),
            );
        }
        let mut settings = MapSettings {
            method,
            max_source_distance_m: values.number("reach"),
            ..MapSettings::default()
        };
        settings.paths.reflections = values.flag("reflections");
        settings.paths.lateral = values.flag("lateral");
        // Receivers: cell centres of the area, then the facade points.
        let columns = ((area.width() / cell).ceil() as usize).max(1);
        let rows = ((area.height() / cell).ceil() as usize).max(1);
        let (x0, y0) = (area.min[0], area.max[1]);
        let mut receivers: Vec<[f64; 3]> = Vec::with_capacity(columns * rows);
        for row in 0..rows {
            for col in 0..columns {
                let (x, y) = (
                    x0 + (col as f64 + 0.5) * cell,
                    y0 - (row as f64 + 0.5) * cell,
                );
                receivers.push([x, y, scene.terrain.height([x, y]) + height]);
            }
        }
        let grid_count = receivers.len();
        let mut facade_points: Vec<(u32, [f32; 3], f32)> = Vec::new();
        let every_storey = values.flag("storeys");
        if values.flag("facades") || every_storey {
            for (b, building) in scene.buildings.iter().enumerate() {
                // Outer walls and courtyard walls alike.
                for ring in std::iter::once(&building.footprint).chain(&building.holes) {
                    let n = ring.len();
                    for k in 0..n {
                        let (p, q) = (ring[k], ring[(k + 1) % n]);
                        let len = ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt();
                        let mid = [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
                        if len < SHORTEST_FACADE_M
                            || !(area.min[0]..=area.max[0]).contains(&mid[0])
                            || !(area.min[1]..=area.max[1]).contains(&mid[1])
                        {
                            continue;
                        }
                        // The wall's normal that points away from the building.
                        let mut normal = [(q[1] - p[1]) / len, -(q[0] - p[0]) / len];
                        let probe = [mid[0] + 0.05 * normal[0], mid[1] + 0.05 * normal[1]];
                        if scene.building_contains(b, probe) {
                            normal = [-normal[0], -normal[1]];
                        }
                        let at = [
                            mid[0] + FACADE_OFFSET_M * normal[0],
                            mid[1] + FACADE_OFFSET_M * normal[1],
                        ];
                        let ground = scene.terrain.height(mid);
                        if scene.building_at(at).is_some() {
                            continue;
                        }
                        // One point at 4 m, or one in the middle of every
                        // storey (2.8 m each) below the roof.
                        let heights: Vec<f64> = if every_storey {
                            (0..)
                                .map(|k| STOREY_M / 2.0 + k as f64 * STOREY_M)
                                .take_while(|h| ground + h + STOREY_M / 2.0 <= building.roof + 1e-6)
                                .collect()
                        } else {
                            vec![FACADE_HEIGHT_M]
                        };
                        for h in heights {
                            if ground + h > building.roof {
                                continue;
                            }
                            receivers.push([at[0], at[1], ground + h]);
                            facade_points.push((
                                owners[b],
                                [normal[0] as f32, normal[1] as f32, 0.0],
                                (len * STOREY_M) as f32,
                            ));
                        }
                    }
                }
            }
        }
        control.set_stage("levels");
        let mut found = Vec::with_capacity(receivers.len());
        for chunk in receivers.chunks(256) {
            control.check()?;
            found.extend(levels(&scene, &sources, chunk, &settings));
            control.set_progress(found.len() as f32 / receivers.len() as f32);
        }
        // Main indicator and its night sibling: L_den and L_night, or
        // L_r,Tag and L_r,Nacht.
        let (main, night) = match method {
            Method::Cnossos => (L_DEN, L_NIGHT),
            Method::Rls19 => (LR_DAY, LR_NIGHT),
        };
        let value = |k: usize, i: usize| found[i].as_ref().map_or(f32::NAN, |l| l[k] as f32);
        let grid_values: Vec<f32> = (0..grid_count).map(|i| value(main, i)).collect();
        let night_values: Vec<f32> = (0..grid_count).map(|i| value(night, i)).collect();
        let cell_ha = cell * cell / 10_000.0;
        let area_above =
            |v: &[f32], limit: f32| v.iter().filter(|x| **x >= limit).count() as f64 * cell_ha;
        let (day_limits, night_limits) = match method {
            // Strategic maps: L_den 55 / 65, L_night 50 / 55 (action plans).
            Method::Cnossos => ([55.0, 65.0], [50.0, 55.0]),
            // 16. BImSchV residential areas 59 / 49; 70 / 60 health risk.
            Method::Rls19 => ([59.0, 70.0], [49.0, 60.0]),
        };
        let quantity = level_quantity(method);
        let (day_name, night_name) = match method {
            Method::Cnossos => ("L_den", "L_night"),
            Method::Rls19 => ("L_r,Tag", "L_r,Nacht"),
        };
        // Keys of the figures by indicator: area_lden_55, buildings_lr_day_59 …
        let (day_key, night_key) = match method {
            Method::Cnossos => ("lden", "lnight"),
            Method::Rls19 => ("lr_day", "lr_night"),
        };
        let mut kpis = Vec::new();
        for (limit, v, name) in [
            (day_limits[0], &grid_values, day_name),
            (day_limits[1], &grid_values, day_name),
            (night_limits[0], &night_values, night_name),
            (night_limits[1], &night_values, night_name),
        ] {
            kpis.push(Kpi::new(
                &format!(
                    "area_{}_{}",
                    if name == day_name { day_key } else { night_key },
                    limit
                ),
                Message::new("noise.kpi_area")
                    .arg("indicator", name)
                    .arg("limit", limit)
                    .english("Area with {indicator} ≥ {limit} dB(A)"),
                area_above(v, limit),
                "ha",
                2,
            ));
        }
        let highest = grid_values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f32::NAN, f32::max);
        kpis.push(Kpi::new(
            "highest",
            Message::new("noise.kpi_highest")
                .arg("indicator", day_name)
                .english("Highest {indicator} on the grid"),
            highest as f64,
            "dB(A)",
            1,
        ));
        let facades = (!facade_points.is_empty()).then(|| {
            let samples: Vec<FacadeSample> = facade_points
                .iter()
                .enumerate()
                .map(|(k, (object, normal, area))| {
                    let i = grid_count + k;
                    FacadeSample {
                        position: receivers[i],
                        normal: *normal,
                        object: *object,
                        surface_id: None,
                        kind: "wall",
                        area: *area,
                        value: value(main, i),
                    }
                })
                .collect();
            let night_column: Vec<f32> = (0..facade_points.len())
                .map(|k| value(night, grid_count + k))
                .collect();
            FacadeValues {
                quantity: quantity.clone(),
                object_ids: object_ids.clone(),
                samples,
                // One point per wall: drawn as a patch of 0.84 × 3 m ≈ 2.5 m.
                spacing: 3.0,
                columns: vec![Column::Numbers(
                    if method == Method::Cnossos {
                        "lnight"
                    } else {
                        "lr_night"
                    },
                    night_column,
                )],
            }
        });
        if let Some(f) = &facades {
            // Buildings with a facade above the limits (day and night).
            let mut loudest = vec![(f32::NEG_INFINITY, f32::NEG_INFINITY); object_ids.len()];
            for (k, sample) in f.samples.iter().enumerate() {
                let o = sample.object as usize;
                let n = value(night, grid_count + k);
                loudest[o] = (loudest[o].0.max(sample.value), loudest[o].1.max(n));
            }
            for (limit, night_side, name) in [
                (day_limits[0], false, day_name),
                (day_limits[1], false, day_name),
                (night_limits[0], true, night_name),
                (night_limits[1], true, night_name),
            ] {
                let count = loudest
                    .iter()
                    .filter(|(d, n)| if night_side { *n >= limit } else { *d >= limit })
                    .count();
                kpis.push(Kpi::new(
                    &format!(
                        "buildings_{}_{}",
                        if night_side { night_key } else { day_key },
                        limit
                    ),
                    Message::new("noise.kpi_buildings")
                        .arg("indicator", name)
                        .arg("limit", limit)
                        .english("Buildings with a facade at {indicator} ≥ {limit} dB(A)"),
                    count as f64,
                    "",
                    0,
                ));
                // Residents' exposure where the buildings say how many live there.
                if inhabitants.iter().any(Option::is_some) {
                    let people: f64 = loudest
                        .iter()
                        .zip(&inhabitants)
                        .filter(|((d, n), _)| if night_side { *n >= limit } else { *d >= limit })
                        .filter_map(|(_, p)| *p)
                        .sum();
                    kpis.push(Kpi::new(
                        &format!("inhabitants_{}_{}", if night_side { night_key } else { day_key }, limit),
                        Message::new("noise.kpi_inhabitants")
                            .arg("indicator", name)
                            .arg("limit", limit)
                            .english("Inhabitants of buildings with a facade at {indicator} ≥ {limit} dB(A)"),
                        people,
                        "",
                        0,
                    ));
                }
            }
        }
        if building_count == 0 {
            notes.push(
                Message::new("noise.no_buildings")
                    .english("The scenario has no buildings: sound spreads freely."),
            );
        }
        let ground = GroundRaster {
            grid: pw_terrain::Grid {
                width: columns,
                height: rows,
                x0,
                y0,
                dx: cell,
                dy: cell,
                values: grid_values,
                crs: s.site.crs,
            },
            quantity,
            frames: None,
        };
        let method_name = match method {
            Method::Cnossos => "CNOSSOS-EU (Directive (EU) 2015/996, 2021/1226 coefficients)",
            // What the method has that this run leaves out, said in the stamp.
            Method::Rls19 => "RLS-19 (without second-order reflections)",
        };
        Ok(AnalysisResult {
            label: format!("{:.0} × {:.0} m", area.width(), area.height()),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), method_name.into()),
                    ("roads".into(), sources.lines.len().to_string()),
                    ("buildings".into(), building_count.to_string()),
                    (
                        "junctions_with_lights_and_at_roundabouts".into(),
                        format!("{lights}, {roundabouts}"),
                    ),
                    ("soft_ground_and_water_areas".into(), zone_count.to_string()),
                    (
                        "receivers".into(),
                        format!("{grid_count} grid, {} facade", facade_points.len()),
                    ),
                ],
                ..Default::default()
            },
            ground: Some(ground),
            facades,
            features: None,
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }
}
