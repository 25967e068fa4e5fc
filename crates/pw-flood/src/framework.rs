//! Flood risk on the analysis framework, per scenario: the scenario's
//! terrain sampled on a grid over the chosen area, its buildings (new ones
//! block the water, removed ones do not) and its land cover.
//!
//! - **Starkregen** (`mode = rain`): a block of rain runs over the ground
//!   by the local-inertial scheme. Buildings stand as blocks up to their
//!   roofs, so rain on a roof runs off at its eaves. Green, wood and fields
//!   soak up a constant rate and are rough; everything else is taken as
//!   paved. Result: the deepest water per cell, the buildings with the
//!   water at their walls and when it came, the water balance.
//! - **Flusspegel** (`mode = level`): every cell below a water level that is
//!   connected to the river floods (as GRASS `r.lake`); the river is the
//!   map's water areas in the area, or a gauge point. Buildings do not
//!   stop the water; those it reaches are listed with the depth there.

use crate::burn::Raster;
use crate::level::{Connectivity, WaterSurface, cell_of, flood_from};
use crate::shallow::{Domain, Edge, Edges, Hyetograph, Settings, Simulation};
use pw_analysis::result::Column;
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, Feature, FeatureGeometry, FeatureValues,
    Frames, GroundRaster, JobControl, Kpi, Legend, Message, ParamSpec, ParamValues, Quantity,
    RunStamp, Scenario,
};
use pw_city::{CityObject, Semantic};
use pw_terrain::Grid;
use rayon::prelude::*;

const MODES: &[(&str, &str)] = &[("rain", "flood.mode_rain"), ("level", "flood.mode_level")];
const LEVEL_FROM: &[(&str, &str)] = &[
    ("rise", "flood.level_from_rise"),
    ("value", "flood.level_from_value"),
];
const RIVER: &[(&str, &str)] = &[("map", "flood.river_map"), ("gauge", "flood.river_gauge")];
const CONNECTIVITY: &[(&str, &str)] = &[
    ("eight", "flood.connectivity_eight"),
    ("four", "flood.connectivity_four"),
];

/// The depth classes of German heavy-rain hazard maps (Starkregen-
/// gefahrenkarten: 5–10, 10–30, 30–50, 50–100, > 100 cm).
pub const DEPTH_CLASSES: [(f32, [u8; 3]); 5] = [
    (0.05, [198, 228, 247]),
    (0.1, [130, 190, 235]),
    (0.3, [55, 130, 210]),
    (0.5, [20, 70, 170]),
    (1.0, [10, 25, 105]),
];
/// Water shallower than this is not drawn (a film of rain).
const DRAWN_FROM_M: f32 = 0.05;
/// Most cells one run may have (memory ≈ 60 bytes a cell).
const MOST_CELLS: usize = 8_000_000;
/// Depths kept for playing the run on the clock, all frames together
/// (4 bytes each: 200 MB).
const MOST_FRAME_VALUES: usize = 50_000_000;

/// Seconds between frames: 5 minutes, longer where a long run or a big
/// grid would keep more than `MOST_FRAME_VALUES` depths.
fn frame_step(until: f64, cells: usize) -> f64 {
    let most_frames = (MOST_FRAME_VALUES / cells.max(1)).max(1) as f64;
    let minutes = (until / most_frames / 60.0).ceil().max(5.0);
    minutes * 60.0
}

/// What a building block rises to when its roof height is unknown (m).
const ASSUMED_BUILDING_M: f64 = 10.0;
/// A wall counts as wet from this depth (m): below it, what runs off
/// the roof itself. Buildings are drawn from it and their minute of
/// first water is when it stood this deep.
const WET_WALL_M: f32 = 0.05;

pub fn depth_quantity() -> Quantity {
    Quantity {
        key: "max_depth",
        label: "flood.legend_depth",
        unit: "m",
        legend: Legend::new("flood.legend_depth", "m", &DEPTH_CLASSES)
            .hiding(f32::NEG_INFINITY, DRAWN_FROM_M),
        difference_legend: deeper_is_red(),
    }
}

/// B − A of depths: deeper red, shallower blue; changes under 1 cm (the
/// middle class) are not drawn.
fn deeper_is_red() -> Legend {
    Legend::new(
        "flood.legend_difference",
        "m",
        &[
            (f32::NEG_INFINITY, [40, 80, 170]),
            (-0.2, [90, 150, 210]),
            (-0.05, [170, 205, 230]),
            (-0.01, [245, 245, 245]),
            (0.01, [250, 180, 150]),
            (0.05, [230, 85, 60]),
            (0.2, [165, 0, 38]),
        ],
    )
    .hiding(-0.01, 0.01)
}

fn failed(key: &str, english: &str) -> AnalysisError {
    AnalysisError::Said(Message::new(key).english(english))
}

#[derive(Default)]
pub struct FloodAnalysis;

/// Manning's n and the loss rate of a cover (s/m^⅓, m/s).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cover {
    manning: f32,
    loss: f32,
}

/// Roughness by what the ground is (Chow 1959; as in the heavy-rain
/// guidance of the DWA and LUBW): paved 0.015–0.02, grass 0.035–0.05,
/// wood 0.1, water 0.03.
const PAVED_N: f32 = 0.02;
fn cover_of(o: &CityObject, infiltration: f32) -> Option<Cover> {
    // Surfaces a variant paves or unseals.
    if o.attribute("planned") == Some("true") {
        match o.attribute("surface") {
            Some("sealed") => {
                return Some(Cover {
                    manning: 0.015,
                    loss: 0.0,
                });
            }
            Some("unsealed") => {
                return Some(Cover {
                    manning: 0.05,
                    loss: infiltration,
                });
            }
            _ => {}
        }
    }
    match o.attribute("kind")? {
        "green" | "farmland" => Some(Cover {
            manning: 0.05,
            loss: infiltration,
        }),
        "wood" => Some(Cover {
            manning: 0.1,
            loss: infiltration,
        }),
        "water" => Some(Cover {
            manning: 0.03,
            loss: 0.0,
        }),
        _ => None,
    }
}

/// The grid over the area, the scenario's terrain on it and what stands
/// on each cell.
struct Ground {
    raster: Raster,
    /// Terrain (m); NaN where the terrain has no data.
    terrain: Vec<f32>,
    /// Index into `buildings` of the building on a cell, or `NONE`.
    owner: Vec<u32>,
    buildings: Vec<BuildingOnGrid>,
    covers: Vec<Option<Cover>>,
    water: Vec<bool>,
    has_terrain: bool,
    cover_areas: usize,
}

const NONE: u32 = u32::MAX;

struct BuildingOnGrid {
    id: String,
    top: f64,
    centre: [f64; 2],
}

fn ground_of(
    s: &Scenario,
    values: &ParamValues,
    infiltration: f32,
    control: &JobControl,
) -> Result<Ground, AnalysisError> {
    let area = values
        .area("area")
        .ok_or_else(|| failed("flood.no_area", "Choose the area to compute first."))?;
    let cell = values.number("cell");
    let width = ((area.width() / cell).ceil() as usize).max(1);
    let height = ((area.height() / cell).ceil() as usize).max(1);
    if width * height > MOST_CELLS {
        return Err(AnalysisError::Said(
            Message::new("flood.too_many_cells")
                .arg("cells", width * height)
                .arg("most", MOST_CELLS)
                .english("The area has {cells} cells at this cell size, at most {most} fit: choose a larger cell or a smaller area."),
        ));
    }
    let raster = Raster {
        width,
        height,
        x0: area.min[0],
        y0: area.max[1],
        dx: cell,
        dy: cell,
    };
    let fallback = s.site.origin[2] as f32;
    let terrain: Vec<f32> = (0..width * height)
        .into_par_iter()
        .map(|k| {
            let p = raster.centre(k);
            match &s.terrain {
                Some(t) => t
                    .height_at(p[0], p[1])
                    .filter(|z| z.is_finite())
                    .map_or(f32::NAN, |z| z as f32),
                None => fallback,
            }
        })
        .collect();
    let has_terrain = s.terrain.is_some() && terrain.iter().any(|z| z.is_finite());
    if s.terrain.is_some() && !has_terrain {
        return Err(failed(
            "flood.no_terrain_here",
            "The terrain has no heights in this area: choose an area on the terrain.",
        ));
    }
    control.check()?;
    let mut owner = vec![NONE; width * height];
    let mut buildings: Vec<BuildingOnGrid> = Vec::new();
    let mut covers: Vec<Option<Cover>> = vec![None; width * height];
    let mut water = vec![false; width * height];
    let mut cover_areas = 0;
    // One model of the scenario, so that a building's parts (LoD2
    // BuildingParts) find their building: one building on the grid each.
    let model = s.to_model();
    let root_of = |mut i: usize| -> usize {
        for _ in 0..16 {
            match model.objects[i].parent {
                Some(p) if p < model.objects.len() && p != i => i = p,
                _ => break,
            }
        }
        i
    };
    // Per building found: (id, top, cells, Σx, Σy), by its root object.
    let mut families: Vec<(String, f64, usize, f64, f64)> = Vec::new();
    let mut family_of: std::collections::HashMap<usize, u32> = Default::default();
    for (i, o) in model.objects.iter().enumerate() {
        if o.is_building() {
            let found = o.outlines();
            if found.is_empty() {
                continue;
            }
            let top = o
                .surfaces
                .iter()
                .flat_map(|s| s.exterior.iter().map(|p| p[2]))
                .fold(f64::NEG_INFINITY, f64::max);
            let root = root_of(i);
            let index = *family_of.entry(root).or_insert_with(|| {
                families.push((
                    model.objects[root].id.clone(),
                    f64::NEG_INFINITY,
                    0,
                    0.0,
                    0.0,
                ));
                families.len() as u32 - 1
            });
            let family = &mut families[index as usize];
            family.1 = family.1.max(top);
            for rings in &found {
                raster.burn(rings, |k| {
                    if owner[k] != index {
                        owner[k] = index;
                        let p = raster.centre(k);
                        family.2 += 1;
                        family.3 += p[0];
                        family.4 += p[1];
                    }
                });
            }
            continue;
        }
        let cover = cover_of(&o, infiltration);
        let is_water = o.attribute("kind") == Some("water");
        if cover.is_none() && !is_water {
            continue;
        }
        for surface in o.surfaces.iter().filter(|s| {
            matches!(
                s.semantic,
                Semantic::LandUse | Semantic::Water | Semantic::Vegetation | Semantic::Traffic
            ) || o.attribute("planned") == Some("true")
        }) {
            let rings: Vec<Vec<[f64; 2]>> = std::iter::once(&surface.exterior)
                .chain(&surface.interiors)
                .map(|r| r.iter().map(|p| [p[0], p[1]]).collect())
                .collect();
            let mut burnt = false;
            raster.burn(&rings, |k| {
                burnt = true;
                if cover.is_some() {
                    covers[k] = cover;
                }
                if is_water {
                    water[k] = true;
                }
            });
            cover_areas += usize::from(burnt);
        }
    }
    // The buildings that stand on cells of the area, numbered anew.
    let mut renumber = vec![NONE; families.len()];
    for (k, (id, top, cells, sx, sy)) in families.into_iter().enumerate() {
        if cells > 0 {
            renumber[k] = buildings.len() as u32;
            buildings.push(BuildingOnGrid {
                id,
                top,
                centre: [sx / cells as f64, sy / cells as f64],
            });
        }
    }
    for o in owner.iter_mut().filter(|o| **o != NONE) {
        *o = renumber[*o as usize];
    }
    Ok(Ground {
        raster,
        terrain,
        owner,
        buildings,
        covers,
        water,
        has_terrain,
        cover_areas,
    })
}

impl Ground {
    fn grid(&self, values: Vec<f32>, s: &Scenario) -> Grid {
        Grid {
            width: self.raster.width,
            height: self.raster.height,
            x0: self.raster.x0,
            y0: self.raster.y0,
            dx: self.raster.dx,
            dy: self.raster.dy,
            values,
            crs: s.site.crs,
        }
    }

    /// The cells next to `k` (four sides).
    fn neighbours(&self, k: usize) -> impl Iterator<Item = usize> + '_ {
        let (w, h) = (self.raster.width, self.raster.height);
        let (c, r) = (k % w, k / w);
        [
            (c > 0).then(|| k - 1),
            (c + 1 < w).then(|| k + 1),
            (r > 0).then(|| k - w),
            (r + 1 < h).then(|| k + w),
        ]
        .into_iter()
        .flatten()
    }
}

/// Water this deep cuts a road for cars and emergency vehicles (m).
const ROAD_CUT_M: f32 = 0.3;

/// The roads of the scenario (its map's road lines, drawn as ribbons of
/// one surface per segment) under water of at least `ROAD_CUT_M`:
/// how many, how many metres, the names of the first few.
fn roads_cut(s: &Scenario, raster: &Raster, depth: &[f32]) -> (usize, f64, Vec<String>) {
    let spacing = 0.5 * raster.dx.min(raster.dy);
    let depth_at = |p: [f64; 2]| -> f32 {
        let c = ((p[0] - raster.x0) / raster.dx).floor();
        let r = ((raster.y0 - p[1]) / raster.dy).floor();
        if c < 0.0 || r < 0.0 || c as usize >= raster.width || r as usize >= raster.height {
            return f32::NAN;
        }
        depth[r as usize * raster.width + c as usize]
    };
    let (mut cut, mut metres, mut names) = (0usize, 0.0f64, Vec::new());
    for o in s.objects() {
        if o.attribute("kind") != Some("road") {
            continue;
        }
        let mut under = 0.0;
        for surface in o
            .surfaces
            .iter()
            .filter(|s| s.semantic == Semantic::Traffic)
        {
            let e = &surface.exterior;
            if e.len() < 4 {
                continue;
            }
            // The segment's centre line: between the middles of its ends.
            let a = [(e[0][0] + e[3][0]) / 2.0, (e[0][1] + e[3][1]) / 2.0];
            let b = [(e[1][0] + e[2][0]) / 2.0, (e[1][1] + e[2][1]) / 2.0];
            let length = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
            let n = (length / spacing).ceil().max(1.0) as usize;
            for k in 0..n {
                let t = (k as f64 + 0.5) / n as f64;
                let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                if depth_at(p) >= ROAD_CUT_M {
                    under += length / n as f64;
                }
            }
        }
        if under > 0.0 {
            cut += 1;
            metres += under;
            if names.len() < 5 {
                names.push(o.attribute("name").unwrap_or(&o.id).to_string());
            }
        }
    }
    (cut, metres, names)
}

/// The road figures and, where roads are cut, a note naming some.
fn road_kpis(
    s: &Scenario,
    raster: &Raster,
    depth: &[f32],
    kpis: &mut Vec<Kpi>,
    notes: &mut Vec<Message>,
) {
    let (cut, metres, names) = roads_cut(s, raster, depth);
    kpis.push(Kpi::new(
        "roads_cut",
        Message::new("flood.kpi_roads_cut").english("Roads with water from 30 cm (cut for cars)"),
        cut as f64,
        "",
        0,
    ));
    kpis.push(Kpi::new(
        "road_m_cut",
        Message::new("flood.kpi_road_m_cut").english("Length of road under water from 30 cm"),
        metres,
        "m",
        0,
    ));
    if cut > 0 {
        notes.push(
            Message::new("flood.roads_cut")
                .arg("n", cut)
                .arg("names", names.join(", "))
                .english("{n} roads are cut by water of 30 cm or more, e.g. {names}."),
        );
    }
}

fn area_kpi(key: &str, depth_cm: u32, area: f64) -> Kpi {
    Kpi::new(
        &format!("{key}_{depth_cm}cm"),
        Message::new("flood.kpi_area")
            .arg("depth", depth_cm)
            .english("Area with water ≥ {depth} cm"),
        area,
        "m²",
        0,
    )
}

fn buildings_kpi(depth_cm: u32, count: usize) -> Kpi {
    Kpi::new(
        &format!("buildings_{depth_cm}cm"),
        Message::new("flood.kpi_buildings")
            .arg("depth", depth_cm)
            .english("Buildings with water ≥ {depth} cm at a wall"),
        count as f64,
        "",
        0,
    )
}

impl FloodAnalysis {
    fn run_rain(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let mm = values.number("rain_mm");
        let rain_minutes = values.number("rain_minutes");
        let minutes = values.number("minutes");
        if mm <= 0.0 {
            return Err(failed(
                "flood.no_rain",
                "A storm of 0 mm brings no water: give the rain in mm.",
            ));
        }
        let infiltration = (values.number("infiltration") / 1000.0 / 3600.0) as f32;
        control.set_stage("ground");
        let g = ground_of(s, values, infiltration, control)?;
        let n = g.terrain.len();
        // Buildings as blocks up to their highest point.
        let mut ground = g.terrain.clone();
        for k in 0..n {
            if g.owner[k] != NONE {
                let b = &g.buildings[g.owner[k] as usize];
                let block = if b.top.is_finite() {
                    b.top
                } else {
                    ground[k] as f64 + ASSUMED_BUILDING_M
                };
                ground[k] = ground[k].max(block as f32);
            }
        }
        let manning: Vec<f32> = g
            .covers
            .iter()
            .map(|c| c.map_or(PAVED_N, |c| c.manning))
            .collect();
        let loss: Vec<f32> = g
            .covers
            .iter()
            .zip(&g.owner)
            .map(|(c, o)| {
                if *o != NONE {
                    0.0
                } else {
                    c.map_or(0.0, |c| c.loss)
                }
            })
            .collect();
        let edge = if values.flag("open_edges") {
            Edge::Open
        } else {
            Edge::Closed
        };
        let domain = Domain {
            width: g.raster.width,
            height: g.raster.height,
            dx: g.raster.dx,
            dy: g.raster.dy,
            ground,
            manning,
            loss,
            edges: Edges::all(edge),
        };
        let rain = Hyetograph::block(mm, rain_minutes);
        // The minute listed for a building: when the water first stood
        // as deep as a wet wall counts.
        let settings = Settings {
            arrival_depth: WET_WALL_M,
            ..Settings::default()
        };
        let mut sim = Simulation::new(domain, settings)
            .map_err(|e| AnalysisError::Said(e.message()))?
            .with_rain(rain);
        control.set_stage("water");
        let until = minutes * 60.0;
        // The water as it runs, to play on the clock: a frame every few
        // minutes, at most MOST_FRAME_VALUES depths in all.
        let step = frame_step(until, n);
        let mut frames: Vec<Vec<f32>> = Vec::new();
        let mut next = step;
        loop {
            let stop = next.min(until);
            let finished = sim.run_until(stop, |t| {
                control.set_progress((t / until) as f32);
                !control.is_cancelled()
            });
            if !finished {
                return Err(AnalysisError::Cancelled);
            }
            frames.push(
                (0..n)
                    .map(|k| {
                        if g.owner[k] != NONE || g.terrain[k].is_nan() {
                            f32::NAN
                        } else {
                            sim.state().depth[k]
                        }
                    })
                    .collect(),
            );
            if stop >= until {
                break;
            }
            next += step;
        }
        let frames_count = frames.len();
        // The deepest water at each building's walls, and when it came.
        let mut at_wall = vec![0.0f32; g.buildings.len()];
        let mut first = vec![f32::NAN; g.buildings.len()];
        for k in 0..n {
            if g.owner[k] != NONE || sim.max_depth[k] < WET_WALL_M {
                continue;
            }
            for m in g.neighbours(k) {
                let b = g.owner[m];
                if b != NONE {
                    let b = b as usize;
                    at_wall[b] = at_wall[b].max(sim.max_depth[k]);
                    let t = sim.arrival[k];
                    if t.is_finite() && !(first[b] <= t) {
                        first[b] = t;
                    }
                }
            }
        }
        let cell_area = g.raster.dx * g.raster.dy;
        let values_out: Vec<f32> = (0..n)
            .map(|k| {
                if g.owner[k] != NONE || g.terrain[k].is_nan() {
                    f32::NAN
                } else {
                    sim.max_depth[k]
                }
            })
            .collect();
        let area_from = |d: f32| values_out.iter().filter(|v| **v >= d).count() as f64 * cell_area;
        let mut kpis: Vec<Kpi> = [10u32, 30, 50, 100]
            .iter()
            .map(|cm| area_kpi("area", *cm, area_from(*cm as f32 / 100.0)))
            .collect();
        for cm in [10u32, 30, 50] {
            kpis.push(buildings_kpi(
                cm,
                at_wall.iter().filter(|d| **d >= cm as f32 / 100.0).count(),
            ));
        }
        let deepest = values_out
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f32, |m, v| m.max(*v));
        let fastest = (0..n)
            .filter(|k| g.owner[*k] == NONE)
            .fold(0.0f32, |m, k| m.max(sim.max_speed[k]));
        let b = sim.balance();
        // (key, catalogue key, English, value, unit, decimals)
        let figures: [(&str, &str, &str, f64, &'static str, u8); 7] = [
            (
                "deepest",
                "flood.kpi_deepest",
                "Deepest water",
                deepest as f64,
                "m",
                2,
            ),
            (
                "fastest",
                "flood.kpi_fastest",
                "Fastest water (≥ 5 cm deep)",
                fastest as f64,
                "m/s",
                2,
            ),
            ("rain_m3", "flood.kpi_rain", "Rain fallen", b.rain, "m³", 0),
            (
                "soaked_m3",
                "flood.kpi_soaked",
                "Soaked into the ground",
                b.loss,
                "m³",
                0,
            ),
            (
                "outflow_m3",
                "flood.kpi_outflow",
                "Run off over the area's edge",
                b.outflow,
                "m³",
                0,
            ),
            (
                "standing_m3",
                "flood.kpi_standing",
                "Water standing at the end",
                b.stored,
                "m³",
                0,
            ),
            (
                "balance_error_pct",
                "flood.kpi_balance",
                "Water balance error",
                b.relative_error() * 100.0,
                "%",
                4,
            ),
        ];
        for (key, label, english, value, unit, decimals) in figures {
            kpis.push(Kpi::new(
                key,
                Message::new(label).english(english),
                value,
                unit,
                decimals,
            ));
        }
        let features = self.building_features(&g, &at_wall, WET_WALL_M, Some(&first), s);
        let mut notes = Vec::new();
        road_kpis(s, &g.raster, &values_out, &mut kpis, &mut notes);
        let without_ground = g.terrain.iter().filter(|z| z.is_nan()).count();
        if without_ground > 0 {
            notes.push(
                Message::new("flood.no_data_cells")
                    .arg("cells", without_ground)
                    .english("{cells} cells of the area have no terrain: water stops at them as at a wall."),
            );
        }
        if !g.has_terrain {
            notes.push(Message::new("flood.flat").english(
                "The scene has no terrain: the ground is taken as flat, so water only gathers around the buildings.",
            ));
        }
        let open = if values.flag("open_edges") {
            "open (water leaves the area)"
        } else {
            "closed"
        };
        Ok(AnalysisResult {
            label: format!("{mm:.0} mm / {rain_minutes:.0} min"),
            stamp: RunStamp {
                details: vec![
                    (
                        "method".into(),
                        "local-inertial shallow water (Bates et al. 2010, θ = 0.9 of de Almeida et al. 2012)".into(),
                    ),
                    ("cells".into(), format!("{} × {} of {} m", g.raster.width, g.raster.height, g.raster.dx)),
                    ("buildings".into(), g.buildings.len().to_string()),
                    ("land_cover_areas".into(), g.cover_areas.to_string()),
                    ("edges".into(), open.into()),
                    ("steps".into(), sim.steps().to_string()),
                    (
                        "frames".into(),
                        format!("{} every {:.0} min from the clock's time", frames_count, step / 60.0),
                    ),
                ],
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid: g.grid(values_out, s),
                quantity: depth_quantity(),
                frames: Some(Frames {
                    start: s.clock + step,
                    step,
                    values: frames,
                }),
            }),
            facades: None,
            features,
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }

    fn run_level(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        control.set_stage("ground");
        let g = ground_of(s, values, 0.0, control)?;
        let dem = g.grid(g.terrain.clone(), s);
        let gauge = [values.number("gauge_east"), values.number("gauge_north")];
        let by_gauge = values.text("river") == "gauge";
        let seeds: Vec<usize> = if by_gauge {
            let (c, r) = cell_of(&dem, gauge).ok_or_else(|| {
                AnalysisError::Said(
                    crate::FloodError::GaugeOutside {
                        x: gauge[0],
                        y: gauge[1],
                        bounds: dem.bounds(),
                    }
                    .message(),
                )
            })?;
            vec![r * dem.width + c]
        } else {
            let water: Vec<usize> = (0..g.water.len())
                .filter(|k| g.water[*k] && g.terrain[*k].is_finite())
                .collect();
            if water.is_empty() {
                // No river on the map: the lowest ground of the area.
                let lowest = (0..g.terrain.len())
                    .filter(|k| g.terrain[*k].is_finite())
                    .min_by(|a, b| g.terrain[*a].total_cmp(&g.terrain[*b]));
                lowest.into_iter().collect()
            } else {
                water
            }
        };
        let Some(&lowest_seed) = seeds
            .iter()
            .min_by(|a, b| g.terrain[**a].total_cmp(&g.terrain[**b]))
        else {
            return Err(failed(
                "flood.no_terrain_here",
                "The terrain has no heights in this area: choose an area on the terrain.",
            ));
        };
        let seed_ground = g.terrain[lowest_seed] as f64;
        if seed_ground.is_nan() {
            return Err(AnalysisError::Said(
                crate::FloodError::GaugeOnNoData.message(),
            ));
        }
        let level = if values.text("level_from") == "value" {
            values.number("level")
        } else {
            seed_ground + values.number("rise")
        };
        if level <= seed_ground {
            return Err(AnalysisError::Said(
                Message::new("flood.level_below_ground")
                    .arg("level", format!("{level:.2}"))
                    .arg("ground", format!("{seed_ground:.2}"))
                    .english("The water level {level} m lies below the ground of the river ({ground} m): nothing floods. Raise the level."),
            ));
        }
        let connectivity = if values.text("connectivity") == "four" {
            Connectivity::Four
        } else {
            Connectivity::Eight
        };
        control.set_stage("water");
        let surface = WaterSurface::flat(level, gauge);
        let lake = flood_from(&dem, &surface, &seeds, connectivity);
        // Depth at a building: the deepest water on or next to its footprint.
        let mut at_wall = vec![0.0f32; g.buildings.len()];
        for (k, d) in lake.depth.values.iter().enumerate() {
            if !d.is_finite() {
                continue;
            }
            for m in std::iter::once(k).chain(g.neighbours(k)) {
                if g.owner[m] != NONE {
                    let b = g.owner[m] as usize;
                    at_wall[b] = at_wall[b].max(*d);
                }
            }
        }
        let cell_area = g.raster.dx * g.raster.dy;
        let depth: Vec<f32> = lake
            .depth
            .values
            .iter()
            .map(|d| if d.is_finite() { *d } else { 0.0 })
            .collect();
        let depth: Vec<f32> = depth
            .into_iter()
            .zip(&g.terrain)
            .map(|(d, z)| if z.is_nan() { f32::NAN } else { d })
            .collect();
        let mut kpis = vec![
            Kpi::new(
                "level",
                Message::new("flood.kpi_level").english("Water level"),
                level,
                "m",
                2,
            ),
            Kpi::new(
                "area_flooded",
                Message::new("flood.kpi_flooded").english("Flooded area"),
                lake.area,
                "m²",
                0,
            ),
            Kpi::new(
                "volume",
                Message::new("flood.kpi_volume").english("Water volume"),
                lake.volume,
                "m³",
                0,
            ),
        ];
        for cm in [50u32, 100, 200] {
            let a = depth.iter().filter(|d| **d >= cm as f32 / 100.0).count() as f64 * cell_area;
            kpis.push(area_kpi("area", cm, a));
        }
        kpis.push(Kpi::new(
            "buildings_reached",
            Message::new("flood.kpi_reached").english("Buildings the water reaches"),
            at_wall.iter().filter(|d| **d > 0.0).count() as f64,
            "",
            0,
        ));
        for cm in [50u32, 100] {
            kpis.push(buildings_kpi(
                cm,
                at_wall.iter().filter(|d| **d >= cm as f32 / 100.0).count(),
            ));
        }
        kpis.push(Kpi::new(
            "deepest",
            Message::new("flood.kpi_deepest").english("Deepest water"),
            lake.deepest,
            "m",
            2,
        ));
        // Drawn: every building the water touches, as the KPI counts them.
        let features = self.building_features(&g, &at_wall, f32::MIN_POSITIVE, None, s);
        let mut notes = Vec::new();
        road_kpis(s, &g.raster, &depth, &mut kpis, &mut notes);
        let river = if by_gauge {
            format!("gauge {:.1}, {:.1}", gauge[0], gauge[1])
        } else if g.water.iter().any(|w| *w) {
            format!("{} water cells of the map", seeds.len())
        } else {
            "the lowest ground of the area".into()
        };
        Ok(AnalysisResult {
            label: format!("{level:.2} m"),
            stamp: RunStamp {
                details: vec![
                    (
                        "method".into(),
                        "static level, connected to the river (as GRASS r.lake)".into(),
                    ),
                    ("river".into(), river),
                    ("connectivity".into(), values.text("connectivity").into()),
                    (
                        "cells".into(),
                        format!(
                            "{} × {} of {} m",
                            g.raster.width, g.raster.height, g.raster.dx
                        ),
                    ),
                    ("buildings".into(), g.buildings.len().to_string()),
                ],
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid: g.grid(depth, s),
                quantity: depth_quantity(),
                frames: None,
            }),
            facades: None,
            features,
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }

    /// The buildings the water reaches, as points with the depth at their
    /// walls (and when it came).
    /// Every building of the area with the depth at its walls (0 where
    /// dry, so that B − A finds each building in both runs and lists those
    /// that get wetter); drawn from `drawn_from`.
    fn building_features(
        &self,
        g: &Ground,
        at_wall: &[f32],
        drawn_from: f32,
        first: Option<&[f32]>,
        s: &Scenario,
    ) -> Option<FeatureValues> {
        let mut features = Vec::new();
        let mut arrival = Vec::new();
        for (index, (b, d)) in g.buildings.iter().zip(at_wall).enumerate() {
            // Above the roof, where the point can be seen.
            let z = if b.top.is_finite() {
                b.top + 1.5
            } else {
                s.terrain
                    .as_ref()
                    .and_then(|t| t.height_at(b.centre[0], b.centre[1]))
                    .unwrap_or(s.site.origin[2])
                    + ASSUMED_BUILDING_M
            };
            features.push(Feature {
                id: b.id.clone(),
                geometry: FeatureGeometry::Point([b.centre[0], b.centre[1], z]),
                value: *d,
            });
            if let Some(first) = first {
                arrival.push(first[index] / 60.0);
            }
        }
        if features.is_empty() {
            return None;
        }
        let mut columns = Vec::new();
        if first.is_some() {
            columns.push(Column::Numbers("arrival_min", arrival));
        }
        Some(FeatureValues {
            quantity: Quantity {
                key: "depth_at_wall",
                label: "flood.legend_wall",
                unit: "m",
                legend: Legend::new("flood.legend_wall", "m", &DEPTH_CLASSES)
                    .hiding(f32::NEG_INFINITY, drawn_from),
                difference_legend: deeper_is_red(),
            },
            features,
            columns,
            absent_is_zero: false,
        })
    }
}

impl Analysis for FloodAnalysis {
    fn id(&self) -> &'static str {
        "flood"
    }

    fn title(&self) -> &'static str {
        "flood.title"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::choice("mode", "flood.mode", MODES, "rain"),
            ParamSpec::area("area", "flood.area"),
            ParamSpec::number("cell", "flood.cell", 2.0, (0.5, 500.0), 0.5, "m"),
            ParamSpec::number("rain_mm", "flood.rain_mm", 100.0, (1.0, 500.0), 5.0, "mm")
                .when("mode", "rain"),
            ParamSpec::number(
                "rain_minutes",
                "flood.rain_minutes",
                60.0,
                (5.0, 1440.0),
                5.0,
                "min",
            )
            .when("mode", "rain"),
            ParamSpec::number(
                "minutes",
                "flood.minutes",
                180.0,
                (10.0, 2880.0),
                10.0,
                "min",
            )
            .when("mode", "rain"),
            ParamSpec::number(
                "infiltration",
                "flood.infiltration",
                10.0,
                (0.0, 200.0),
                1.0,
                "mm/h",
            )
            .advanced()
            .when("mode", "rain"),
            ParamSpec::flag("open_edges", "flood.open_edges", true)
                .advanced()
                .when("mode", "rain"),
            ParamSpec::choice("level_from", "flood.level_from", LEVEL_FROM, "rise")
                .when("mode", "level"),
            ParamSpec::number("rise", "flood.rise", 3.0, (0.1, 100.0), 0.1, "m")
                .when("level_from", "rise"),
            ParamSpec::number("level", "flood.level", 150.0, (-500.0, 9000.0), 0.1, "m")
                .when("level_from", "value"),
            ParamSpec::choice("river", "flood.river", RIVER, "map")
                .advanced()
                .when("mode", "level"),
            ParamSpec::number("gauge_east", "flood.gauge_east", 0.0, (-1e8, 1e8), 1.0, "m")
                .advanced()
                .when("river", "gauge"),
            ParamSpec::number(
                "gauge_north",
                "flood.gauge_north",
                0.0,
                (-1e8, 1e8),
                1.0,
                "m",
            )
            .advanced()
            .when("river", "gauge"),
            ParamSpec::choice("connectivity", "flood.connectivity", CONNECTIVITY, "eight")
                .advanced()
                .when("mode", "level"),
        ]
    }

    fn estimate(&self, values: &ParamValues, _s: &Scenario) -> Result<Estimate, AnalysisError> {
        let a = values
            .area("area")
            .ok_or_else(|| failed("flood.no_area", "Choose the area to compute first."))?;
        let cell = values.number("cell");
        let cells = (a.width() / cell).ceil() * (a.height() / cell).ceil();
        if values.text("mode") == "level" {
            return Ok(Estimate {
                seconds: 1.0 + cells * 2e-7,
                size: format!("{cells:.0} cells"),
            });
        }
        // Steps at the Courant limit for water 0.5 m deep; ≈ 3.5e7 cell
        // updates per second on 2 cores (the rain bench).
        let steps =
            values.number("minutes") * 60.0 / (0.7 * cell / (9.81f64 * 0.5).sqrt()).min(5.0);
        Ok(Estimate {
            seconds: 1.0 + cells * steps / 3.5e7,
            size: format!("{cells:.0} cells, ≈ {steps:.0} steps"),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        if values.text("mode") == "level" {
            self.run_level(values, s, control)
        } else {
            self.run_rain(values, s, control)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_analysis::scenario::{ScenarioLayer, Site};
    use pw_city::{CityModel, ObjectKind, Surface};
    use std::sync::Arc;

    fn site() -> Site {
        Site {
            crs: None,
            origin: [0.0; 3],
            latitude: 50.93,
            longitude: 11.59,
            time_zone: "Europe/Berlin".into(),
        }
    }

    fn object(
        id: &str,
        kind: ObjectKind,
        parent: Option<usize>,
        square: Option<[f64; 2]>,
    ) -> CityObject {
        let surfaces = square
            .map(|[x, y]| {
                vec![Surface {
                    id: None,
                    semantic: Semantic::Ground,
                    lod: 2,
                    lod_minor: 0,
                    exterior: vec![
                        [x, y, 0.0],
                        [x + 10.0, y, 0.0],
                        [x + 10.0, y + 10.0, 9.0],
                        [x, y + 10.0, 0.0],
                    ],
                    interiors: Vec::new(),
                    looks: Vec::new(),
                }]
            })
            .unwrap_or_default();
        CityObject {
            id: id.into(),
            kind,
            type_name: String::new(),
            parent,
            attributes: Vec::new(),
            surfaces,
            terrain_intersection: Vec::new(),
            line: 1,
        }
    }

    /// A building of two parts is one building on the grid, named by the
    /// building; one off the area is none.
    #[test]
    fn a_building_s_parts_are_one_building() {
        let mut s = Scenario::new("Bestand", site());
        s.layers.push(ScenarioLayer {
            name: "LoD2".into(),
            model: Arc::new(CityModel {
                objects: vec![
                    object("DEBY_1", ObjectKind::Building, None, None),
                    object(
                        "DEBY_1_a",
                        ObjectKind::BuildingPart,
                        Some(0),
                        Some([0.0, 0.0]),
                    ),
                    object(
                        "DEBY_1_b",
                        ObjectKind::BuildingPart,
                        Some(0),
                        Some([10.0, 0.0]),
                    ),
                    object("DEBY_2", ObjectKind::Building, None, Some([30.0, 0.0])),
                    object("DEBY_3", ObjectKind::Building, None, Some([500.0, 0.0])),
                ],
                ..Default::default()
            }),
            input: None,
        });
        let a = FloodAnalysis;
        let mut v = a.defaults();
        v.set(
            "area",
            pw_analysis::Value::Area(Some(pw_analysis::Area::new(0.0, 0.0, 50.0, 10.0))),
        );
        v.set("cell", pw_analysis::Value::Number(1.0));
        let g = ground_of(&s, &v, 0.0, &JobControl::default()).unwrap();
        let ids: Vec<&str> = g.buildings.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["DEBY_1", "DEBY_2"]);
        let cells = |b: u32| g.owner.iter().filter(|o| **o == b).count();
        assert_eq!((cells(0), cells(1)), (200, 100));
        assert_eq!(g.buildings[0].centre, [10.0, 5.0]);
        assert_eq!(g.buildings[0].top, 9.0);
    }

    /// A road of two 100 m segments running east across a grid whose
    /// middle columns stand 40 cm under water: 30 m of it are cut.
    #[test]
    fn a_road_through_deep_water_is_cut_for_the_width_of_the_water() {
        let ribbon = |x0: f64, x1: f64| Surface {
            id: None,
            semantic: Semantic::Traffic,
            lod: 1,
            lod_minor: 0,
            exterior: vec![
                [x0, 48.0, 0.0],
                [x1, 48.0, 0.0],
                [x1, 52.0, 0.0],
                [x0, 52.0, 0.0],
            ],
            interiors: Vec::new(),
            looks: Vec::new(),
        };
        let road = CityObject {
            id: "way/1".into(),
            kind: ObjectKind::Other,
            type_name: "LineFeature".into(),
            parent: None,
            attributes: vec![
                ("kind".into(), "road".into()),
                ("name".into(), "Saalstraße".into()),
            ],
            surfaces: vec![ribbon(0.0, 100.0), ribbon(100.0, 200.0)],
            terrain_intersection: Vec::new(),
            line: 1,
        };
        let mut s = Scenario::new("Bestand", site());
        s.layers.push(ScenarioLayer {
            name: "Karte".into(),
            model: Arc::new(CityModel {
                objects: vec![road],
                ..Default::default()
            }),
            input: None,
        });
        let raster = Raster {
            width: 20,
            height: 10,
            x0: 0.0,
            y0: 100.0,
            dx: 10.0,
            dy: 10.0,
        };
        // Columns 9, 10 and 11 (x 90–120 m) 0.4 m deep, the rest 0.2 m.
        let depth: Vec<f32> = (0..200)
            .map(|k| {
                if (9..12).contains(&(k % 20)) {
                    0.4
                } else {
                    0.2
                }
            })
            .collect();
        let (cut, metres, names) = roads_cut(&s, &raster, &depth);
        assert_eq!(cut, 1);
        assert!((metres - 30.0).abs() < 1e-9, "{metres} m");
        assert_eq!(names, ["Saalstraße"]);
        let shallow = vec![0.29f32; 200];
        assert_eq!(roads_cut(&s, &raster, &shallow).0, 0);
    }
}
