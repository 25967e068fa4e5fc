//! Views on the analysis framework, per scenario: the terrain with every
//! building, new volume and tree crown of the scenario burnt in (the
//! surface model the sun analysis builds), and the building triangles for
//! exact rays to walls and along sight lines.
//!
//! - **Sichtfeld** (`mode = viewshed`): what an observer sees within a
//!   distance, all around or in a cone: the visible ground, and which
//!   samples of the walls and roofs around face the eye unhidden.
//! - **Sichtlinie** (`mode = line`): whether two points see each other,
//!   what stands in between first (a building by its id, or the terrain),
//!   the clearance, and the section along the line.
//!
//! An observer picked on the ground or a roof stands there with the eye
//! height; picked on a wall, the point itself is the eye (a window).

use crate::exact::{self, GridPoint};
use crate::sight::{Cone, Sight, ViewError, Viewshed};
use crate::{profile, rays, sweep};
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, FacadeSample, FacadeValues, Feature,
    FeatureGeometry, FeatureValues, GroundRaster, JobControl, Kpi, Legend, Message, ParamSpec,
    ParamValues, Point, Quantity, RunStamp, Scenario, Section,
};
use pw_city::ObjectKind;
use pw_shadow::bvh::Bvh;
use pw_shadow::height_model::{self, HeightModel};
use pw_shadow::obstacles::{self, Obstacles};
use pw_terrain::Grid;
use rayon::prelude::*;

const MODES: &[(&str, &str)] = &[
    ("viewshed", "view.mode_viewshed"),
    ("line", "view.mode_line"),
    ("object", "view.mode_object"),
    ("corridors", "view.mode_corridors"),
];
const DIRECTIONS: &[(&str, &str)] = &[
    ("all", "view.direction_all"),
    ("cone", "view.direction_cone"),
];
const METHODS: &[(&str, &str)] = &[
    ("auto", "view.method_auto"),
    ("exact", "view.method_exact"),
    ("rays", "view.method_rays"),
    ("sweep", "view.method_sweep"),
];

/// An exact viewshed is chosen while cells × cells along a radius stay
/// below this (≈ 1–2 s on 2 cores); beyond, rays.
const EXACT_WORK: f64 = 3e8;
/// Rays are chosen up to this many cells (≈ 2 s on 2 cores); beyond, the
/// sweep (≈ 80 M cells/s, but it smears the edges behind walls).
const RAYS_CELLS: f64 = 40e6;
/// The most cells one viewshed may have (≈ 25 bytes each with its surface
/// model: 2.5 GB).
const MOST_CELLS: f64 = 100e6;
/// A point this close below the top of the surface (m) stands on it (ground
/// or roof); deeper, it lies on a wall.
const ON_TOP_M: f64 = 0.5;
/// The most cells a line of sight's surface model may have; longer lines
/// take coarser cells.
const LINE_CELLS: f64 = 16e6;

/// Share classes of a building's walls and roofs seen (%): pale where a
/// corner shows, dark where most of it does.
const SHARE_CLASSES: [(f32, [u8; 3]); 5] = [
    (0.5, [255, 237, 160]),
    (10.0, [254, 178, 76]),
    (25.0, [240, 59, 32]),
    (50.0, [189, 0, 38]),
    (75.0, [100, 0, 40]),
];
/// At most this many samples on the building looked at: each is one
/// viewshed over the whole area.
const MOST_OBJECT_SAMPLES: f64 = 400.0;

/// How much of a building is seen from each place: the share of its wall
/// and roof area (%).
pub fn share_quantity() -> Quantity {
    Quantity {
        key: "seen_share",
        label: "view.legend_share",
        unit: "%",
        legend: Legend::new("view.legend_share", "%", &SHARE_CLASSES)
            .hiding(f32::NEG_INFINITY, 0.5),
        difference_legend: Legend::difference("view.legend_share_difference", "%", 5.0, 25.0)
            .hiding(-0.5, 0.5),
    }
}

/// A protected view: 1 where something stands in it, 0 where it is free.
pub fn corridor_quantity() -> Quantity {
    Quantity {
        key: "intruded",
        label: "view.legend_corridor",
        unit: "",
        legend: Legend::new(
            "view.legend_corridor",
            "",
            &[(f32::NEG_INFINITY, [0, 150, 136]), (0.5, [215, 40, 40])],
        ),
        difference_legend: Legend::new(
            "view.legend_corridor_difference",
            "",
            &[
                (f32::NEG_INFINITY, [0, 150, 136]),
                (-0.5, [245, 245, 245]),
                (0.5, [215, 40, 40]),
            ],
        )
        .hiding(-0.5, 0.5),
    }
}

/// Sight lines across a corridor's width.
const CORRIDOR_RAYS: usize = 9;
/// What stands within this many metres of a corridor's target belongs to
/// the target (the landmark itself), not in the way.
const TARGET_SURROUNDS_M: f64 = 5.0;

pub fn visible_quantity() -> Quantity {
    Quantity {
        key: "visible",
        label: "view.legend",
        unit: "",
        legend: Legend::new(
            "view.legend",
            "",
            // Hidden muted, so that what is seen stands out.
            &[(f32::NEG_INFINITY, [110, 115, 140]), (0.5, [255, 205, 40])],
        ),
        difference_legend: Legend::new(
            "view.legend_difference",
            "",
            &[
                (f32::NEG_INFINITY, [200, 40, 40]),
                (-0.5, [245, 245, 245]),
                (0.5, [40, 110, 220]),
            ],
        )
        .hiding(-0.5, 0.5),
    }
}

fn said(key: &str, english: &str) -> AnalysisError {
    AnalysisError::Said(Message::new(key).english(english))
}

/// The engine's refusals in the catalogue's words.
fn view_error(e: ViewError) -> AnalysisError {
    let text = e.to_string();
    let key = match &e {
        ViewError::Cancelled => return AnalysisError::Cancelled,
        ViewError::ObserverOutside { .. } => "view.observer_outside",
        ViewError::ObserverOnNoData { .. } => "view.observer_no_data",
        ViewError::ObserverBuried { .. } => "view.observer_buried",
        ViewError::NoOpenGround { .. } => "view.no_open_ground",
        ViewError::ZeroCone { .. } => "view.zero_cone",
        ViewError::Setting(_) => "view.setting",
    };
    let message = match e {
        ViewError::ObserverOutside { x, y, .. }
        | ViewError::ObserverOnNoData { x, y }
        | ViewError::NoOpenGround { x, y } => Message::new(key)
            .arg("x", format!("{x:.1}"))
            .arg("y", format!("{y:.1}")),
        ViewError::ObserverBuried { depth, .. } => {
            Message::new(key).arg("depth", format!("{depth:.1}"))
        }
        ViewError::ZeroCone { from, to } => Message::new(key).arg("from", from).arg("to", to),
        _ => Message::new(key).arg("text", &text),
    };
    AnalysisError::Said(message.english(&text))
}

#[derive(Default)]
pub struct ViewAnalysis;

/// The scenario's surface around a place: terrain, and what stands on it.
struct Surroundings {
    obstacles: Obstacles,
    model: HeightModel,
    /// Terrain with buildings and crowns (absolute heights).
    surface: Grid,
    /// Terrain alone.
    ground: Grid,
}

impl Surroundings {
    fn of(s: &Scenario, area: pw_shadow::Area, cell: f64, buildings: bool) -> Surroundings {
        Surroundings::around(s, area, area, cell, buildings)
    }

    /// The surface over `area`, with samples on the buildings touching
    /// `sampled`.
    fn around(
        s: &Scenario,
        sampled: pw_shadow::Area,
        area: pw_shadow::Area,
        cell: f64,
        buildings: bool,
    ) -> Surroundings {
        let obstacles = if buildings {
            obstacles::collect_objects(s.objects(), &sampled, &area)
        } else {
            obstacles::collect_objects(std::iter::empty::<&pw_city::CityObject>(), &sampled, &area)
        };
        let model = height_model::build(&area, cell, 0.0, s.terrain.as_deref(), &obstacles);
        let origin = obstacles.origin.world[2];
        let mut surface = model.surface_grid(origin, s.site.crs);
        // With a terrain, the ground beyond it is unknown (the model would
        // fill it flat): no data, unless a building stands there.
        if s.terrain.is_some() {
            for (k, z) in surface.values.iter_mut().enumerate() {
                if model.filled[k] && !model.building[k] {
                    *z = f32::NAN;
                }
            }
        }
        let mut ground = surface.clone();
        ground.values = model
            .ground
            .iter()
            .zip(&model.filled)
            .map(|(g, filled)| {
                if *filled && s.terrain.is_some() {
                    f32::NAN
                } else {
                    g + origin as f32
                }
            })
            .collect();
        Surroundings {
            obstacles,
            model,
            surface,
            ground,
        }
    }

    /// Where the eye is: a point on the ground or a roof gets the eye
    /// height on top; a point on a wall is the eye itself (a window). An
    /// eye whose cell rises above it (the wall's own building, a tap on
    /// the ground beside a wall) moves to the nearest open cell within two
    /// cells; with none, it is inside a building.
    fn eye(&self, p: Point, eye_height: f64) -> Result<([f64; 3], &'static str), ViewError> {
        let g = &self.surface;
        let top = g
            .cell_value_at(p.x, p.y)
            .map(f64::from)
            .ok_or_else(|| outside_or_no_data(g, p))?;
        let (c, r) = (
            ((p.x - g.x0) / g.dx).floor() as isize,
            ((g.y0 - p.y) / g.dy).floor() as isize,
        );
        let Some(z) = p.z else {
            // On the ground: where no building stands, within 10 m (a point
            // typed or taken from the view may fall on a roof).
            let reach = (10.0 / g.dx).ceil() as isize;
            let open = |cc: isize, rr: isize| {
                cc >= 0
                    && rr >= 0
                    && (cc as usize) < g.width
                    && (rr as usize) < g.height
                    && !self.model.building[rr as usize * g.width + cc as usize]
                    && g.value(cc as usize, rr as usize).is_some()
            };
            if open(c, r) {
                let ground = self.ground.height(p.x, p.y).unwrap_or(top);
                return Ok(([p.x, p.y, ground + eye_height], "ground"));
            }
            let mut best: Option<(f64, [f64; 2])> = None;
            for dr in -reach..=reach {
                for dc in -reach..=reach {
                    if open(c + dc, r + dr) {
                        let (x, y) = g.cell_centre((c + dc) as usize, (r + dr) as usize);
                        let d = (x - p.x).hypot(y - p.y);
                        if d <= 10.0 && best.is_none_or(|b| d < b.0) {
                            best = Some((d, [x, y]));
                        }
                    }
                }
            }
            return match best {
                Some((_, [x, y])) => {
                    let ground = self.ground.height(x, y).unwrap_or(top);
                    Ok(([x, y, ground + eye_height], "moved"))
                }
                None => Err(ViewError::NoOpenGround { x: p.x, y: p.y }),
            };
        };
        let (z, stands) = if z >= top - ON_TOP_M {
            (z + eye_height, "top")
        } else {
            (z, "wall")
        };
        if top <= z {
            return Ok(([p.x, p.y, z], stands));
        }
        let mut best: Option<(f64, [f64; 2])> = None;
        for dr in -2..=2isize {
            for dc in -2..=2isize {
                let (cc, rr) = (c + dc, r + dr);
                if cc < 0 || rr < 0 {
                    continue;
                }
                let Some(h) = g.value(cc as usize, rr as usize) else {
                    continue;
                };
                if (h as f64) <= z {
                    let (x, y) = g.cell_centre(cc as usize, rr as usize);
                    let d = (x - p.x).hypot(y - p.y);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, [x, y]));
                    }
                }
            }
        }
        match best {
            Some((_, [x, y])) => Ok(([x, y, z], stands)),
            None => Err(ViewError::ObserverBuried {
                x: p.x,
                y: p.y,
                eye: z,
                depth: top - z,
            }),
        }
    }

    /// The object a sight line from `a` to `b` (absolute) first meets, and
    /// where along it (0…1).
    fn first_object(&self, bvh: &Bvh, a: [f64; 3], b: [f64; 3]) -> Option<(f32, &str)> {
        let o = self.obstacles.origin;
        let (la, lb) = (o.to_local(a), o.to_local(b));
        let dir = [0, 1, 2].map(|k| lb[k] - la[k]);
        bvh.first_hit(la, dir, 1e-4, 1.0 - 1e-4).map(|(t, tri)| {
            let owner = self.obstacles.owner[tri as usize] as usize;
            (t, self.obstacles.obstacle_ids[owner].as_str())
        })
    }
}

fn outside_or_no_data(g: &Grid, p: Point) -> ViewError {
    let (min_x, min_y, max_x, max_y) = g.bounds();
    if p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y {
        ViewError::ObserverOnNoData { x: p.x, y: p.y }
    } else {
        ViewError::ObserverOutside {
            x: p.x,
            y: p.y,
            min_x,
            min_y,
            max_x,
            max_y,
        }
    }
}

/// Where the observer is asked to stand, checked against the scenario's
/// terrain before any grid is built.
fn observer(values: &ParamValues, key: &str) -> Result<Point, AnalysisError> {
    values.point(key).ok_or_else(|| {
        said(
            "view.no_observer",
            "Pick the observer's place on the map first.",
        )
    })
}

fn sight_of(values: &ParamValues, eye: [f64; 3]) -> Sight {
    let mut sight = Sight::new(eye);
    sight.target_height = values.number("target_height");
    sight.max_distance = values.number("distance");
    sight.curvature = values.number("curvature");
    if values.text("direction") == "cone" {
        sight.cone = Some(Cone {
            from: values.number("from"),
            to: values.number("to"),
        });
    }
    let (down, up) = (values.number("look_down"), values.number("look_up"));
    if down > -90.0 || up < 90.0 {
        sight.vertical = Some([down, up]);
    }
    sight
}

/// Cells of a viewshed and cells along its radius: the exact method's work.
fn exact_work(distance: f64, cell: f64) -> f64 {
    let r = distance / cell;
    std::f64::consts::PI * r * r * r
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    Exact,
    Rays,
    Sweep,
}

/// The method asked for, or the most exact one that is quick.
fn method(values: &ParamValues) -> Method {
    let (d, cell) = (values.number("distance"), values.number("cell"));
    match values.text("method") {
        "exact" => Method::Exact,
        "rays" => Method::Rays,
        "sweep" => Method::Sweep,
        _ if exact_work(d, cell) <= EXACT_WORK => Method::Exact,
        _ if (2.0 * d / cell).powi(2) <= RAYS_CELLS => Method::Rays,
        _ => Method::Sweep,
    }
}

impl ViewAnalysis {
    fn run_viewshed(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let p = observer(values, "observer")?;
        let distance = values.number("distance");
        let cell = values.number("cell");
        let cells = (2.0 * distance / cell).powi(2);
        if cells > MOST_CELLS {
            return Err(AnalysisError::Said(
                Message::new("view.too_many_cells")
                    .arg("cells", format!("{:.0}", cells / 1e6))
                    .english("{cells} million cells are too many: choose larger cells or a shorter distance."),
            ));
        }
        let area = pw_shadow::Area::new(
            p.x - distance,
            p.y - distance,
            p.x + distance,
            p.y + distance,
        );
        control.set_stage("surface");
        let around = Surroundings::of(s, area, cell, values.flag("buildings"));
        control.check()?;
        let (eye, stands) = around.eye(p, values.number("eye")).map_err(view_error)?;
        let sight = sight_of(values, eye);
        let method = method(values);
        control.set_stage("viewshed");
        let vs: Viewshed = match method {
            Method::Exact => exact::viewshed(&around.surface, &sight, Some(control)),
            Method::Rays => rays::viewshed(&around.surface, &sight, Some(control)),
            Method::Sweep => sweep::viewshed(&around.surface, &sight, Some(control)),
        }
        .map_err(view_error)?;
        control.check()?;
        // The ground raster shows ground: roofs are covered by the samples.
        let mut grid = vs.grid.clone();
        let m = &around.model;
        for (k, v) in grid.values.iter_mut().enumerate() {
            let (x, y) = (
                grid.x0 + ((k % grid.width) as f64 + 0.5) * grid.dx,
                grid.y0 - ((k / grid.width) as f64 + 0.5) * grid.dy,
            );
            if m.cell_of(x, y).is_some_and(|i| m.building[i]) {
                *v = f32::NAN;
            }
        }
        let looked = grid.values.iter().filter(|v| v.is_finite()).count();
        let seen = grid.values.iter().filter(|v| **v == 1.0).count();
        let cell_m2 = grid.dx * grid.dy;
        let farthest = grid
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v == 1.0)
            .map(|(k, _)| {
                let (x, y) = grid.cell_centre(k % grid.width, k / grid.width);
                (x - eye[0]).hypot(y - eye[1])
            })
            .fold(0.0f64, f64::max);
        control.set_stage("facades");
        let facades = values
            .flag("facades")
            .then(|| self.facades(values, &around, &sight, control))
            .transpose()?;
        let ground_z = around.ground.height(eye[0], eye[1]).unwrap_or(f64::NAN);
        let mut kpis = vec![
            Kpi::new(
                "visible_m2",
                Message::new("view.kpi_visible_area").english("visible ground"),
                seen as f64 * cell_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "visible_share",
                Message::new("view.kpi_visible_share")
                    .english("share of the ground looked at that is visible"),
                seen as f64 / looked.max(1) as f64 * 100.0,
                "%",
                1,
            ),
            Kpi::new(
                "farthest_m",
                Message::new("view.kpi_farthest").english("farthest visible ground"),
                farthest,
                "m",
                0,
            ),
            Kpi::new(
                "eye_m",
                Message::new("view.kpi_eye").english("eye height (above sea level)"),
                eye[2],
                "m",
                1,
            ),
            Kpi::new(
                "eye_above_ground_m",
                Message::new("view.kpi_eye_above_ground").english("eye above the ground"),
                eye[2] - ground_z,
                "m",
                1,
            ),
        ];
        if let Some(f) = &facades {
            let visible: Vec<&FacadeSample> = f.samples.iter().filter(|x| x.value == 1.0).collect();
            let mut seen_objects: Vec<u32> = visible.iter().map(|x| x.object).collect();
            seen_objects.sort_unstable();
            seen_objects.dedup();
            kpis.push(Kpi::new(
                "facade_visible_m2",
                Message::new("view.kpi_facade_area").english("visible wall and roof area"),
                visible.iter().map(|x| x.area as f64).sum(),
                "m²",
                0,
            ));
            kpis.push(Kpi::new(
                "buildings_seen",
                Message::new("view.kpi_buildings_seen").english("buildings seen"),
                seen_objects.len() as f64,
                "",
                0,
            ));
        }
        let mut notes = Vec::new();
        // Cells within the distance without heights: past the terrain.
        let unknown = {
            let g = &around.surface;
            let max2 = distance * distance;
            (0..g.values.len()).any(|k| {
                let (x, y) = g.cell_centre(k % g.width, k / g.width);
                g.values[k].is_nan() && (x - eye[0]).powi(2) + (y - eye[1]).powi(2) <= max2
            })
        };
        if vs.beyond_data || unknown {
            notes.push(Message::new("view.beyond_data").english(
                "The distance reaches past the terrain's edge: nothing is known beyond it, so the view ends there.",
            ));
        }
        if stands == "wall" {
            notes.push(Message::new("view.on_wall").english(
                "The observer was picked on a wall: the eye is that point, looking out as from a window.",
            ));
        }
        if stands == "moved" {
            notes.push(
                Message::new("view.moved")
                    .arg("m", format!("{:.0}", (eye[0] - p.x).hypot(eye[1] - p.y)))
                    .english("The point lay on a building: the observer stands on the nearest open ground, {m} m away."),
            );
        }
        let method = match method {
            Method::Exact => "exact: a sight line to every cell against the bilinear surface (R3)",
            Method::Rays => "rays to the window's edge carrying the steepest slope (R2)",
            Method::Sweep => {
                "sweep: sight-line heights carried outwards from the eye (Wang et al. 2000, as gdal_viewshed)"
            }
        };
        Ok(AnalysisResult {
            label: format!("{:.0} m · {:.0}, {:.0}", distance, p.x, p.y),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), method.into()),
                    (
                        "eye".into(),
                        format!("{:.2}, {:.2}, {:.2} m ({stands})", eye[0], eye[1], eye[2]),
                    ),
                    (
                        "cells".into(),
                        format!("{} × {} of {} m", vs.grid.width, vs.grid.height, cell),
                    ),
                    (
                        "obstacles".into(),
                        around.obstacles.object_count.to_string(),
                    ),
                    (
                        "curvature".into(),
                        format!("{} (R = {} m)", sight.curvature, crate::EARTH_RADIUS),
                    ),
                ],
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid,
                quantity: visible_quantity(),
                frames: None,
            }),
            facades,
            features: Some(FeatureValues {
                quantity: visible_quantity(),
                features: vec![Feature {
                    id: "observer".into(),
                    geometry: FeatureGeometry::Point(eye),
                    value: 1.0,
                }],
                columns: Vec::new(),
            }),
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }

    /// Samples on the walls and roofs within the distance: 1 where the eye
    /// sees them (facing it, no triangle and no terrain in between).
    fn facades(
        &self,
        values: &ParamValues,
        around: &Surroundings,
        sight: &Sight,
        control: &JobControl,
    ) -> Result<FacadeValues, AnalysisError> {
        let o = around.obstacles.origin;
        let eye_local = o.to_local(sight.eye);
        let max = if sight.max_distance > 0.0 {
            sight.max_distance as f32
        } else {
            f32::INFINITY
        };
        let samples = pw_shadow::samples::sample(
            &around.obstacles.surfaces,
            values.number("spacing") as f32,
            |p| (p[0] - eye_local[0]).hypot(p[1] - eye_local[1]) <= max,
        );
        control.check()?;
        let bvh = Bvh::new(around.obstacles.triangles.clone());
        let drop = sight.drop_per_m2();
        let eye_grid = GridPoint::of(&around.ground, sight.eye);
        let out: Vec<FacadeSample> = samples
            .par_iter()
            .filter_map(|x| {
                let surface = &around.obstacles.surfaces[x.surface as usize];
                let n = surface.normal;
                let p = x.position;
                let to_eye = [0, 1, 2].map(|k| eye_local[k] - p[k]);
                let (dx, dy) = (-to_eye[0] as f64, -to_eye[1] as f64);
                let world = o.to_world(p);
                let up = world[2] - drop * (dx * dx + dy * dy) - sight.eye[2];
                if !sight.looks_at(dx, dy, up) {
                    return None;
                }
                let facing = to_eye[0] * n[0] + to_eye[1] * n[1] + to_eye[2] * n[2] > 0.0;
                let visible = facing && {
                    let start = [0, 1, 2].map(|k| p[k] + n[k] * 0.05);
                    let dir = [0, 1, 2].map(|k| eye_local[k] - start[k]);
                    !bvh.blocked(start, dir, 1e-4, 1.0 - 1e-4)
                        && exact::clear(
                            &around.ground,
                            eye_grid,
                            GridPoint::of(&around.ground, world),
                            drop,
                        )
                };
                Some(FacadeSample {
                    position: world,
                    normal: n,
                    object: surface.object,
                    surface_id: surface.surface_id.clone(),
                    kind: surface.kind.name(),
                    area: x.area,
                    value: if visible { 1.0 } else { 0.0 },
                })
            })
            .collect();
        control.check()?;
        Ok(FacadeValues {
            quantity: visible_quantity(),
            object_ids: around.obstacles.object_ids.clone(),
            samples: out,
            spacing: values.number("spacing") as f32,
            columns: Vec::new(),
        })
    }

    fn run_line(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let a = observer(values, "observer")?;
        let b = values.point("target").ok_or_else(|| {
            said(
                "view.no_target",
                "Pick the point to look at on the map first.",
            )
        })?;
        if (b.x - a.x).hypot(b.y - a.y) < 1e-6 {
            return Err(said(
                "view.same_points",
                "The two points are the same: pick a second point elsewhere.",
            ));
        }
        // A margin so both ends have neighbours; coarser cells for long lines.
        let asked = values.number("cell");
        let span = (b.x - a.x).abs().max((b.y - a.y).abs()) + 4.0 * asked;
        let other = (b.x - a.x).abs().min((b.y - a.y).abs()) + 4.0 * asked;
        let cell = asked.max((span * other / LINE_CELLS).sqrt());
        let margin = 2.0 * cell;
        let area = pw_shadow::Area::new(
            a.x.min(b.x) - margin,
            a.y.min(b.y) - margin,
            a.x.max(b.x) + margin,
            a.y.max(b.y) + margin,
        );
        control.set_stage("surface");
        let around = Surroundings::of(s, area, cell, values.flag("buildings"));
        control.check()?;
        let (eye, _) = around.eye(a, values.number("eye")).map_err(view_error)?;
        let (target, _) = around
            .eye(b, values.number("target_height"))
            .map_err(view_error)?;
        let drop = values.number("curvature") / (2.0 * crate::EARTH_RADIUS);
        let line = profile::profile(
            &around.surface,
            Some(&around.ground),
            eye,
            target,
            drop,
            cell / 2.0,
        );
        // The eye may have moved off a building: distances along its line.
        let length = line.length;
        if length < 1e-6 {
            return Err(said(
                "view.same_points",
                "The two points are the same: pick a second point elsewhere.",
            ));
        }
        // Exact answers near buildings: the triangles themselves, and the
        // terrain alone along the line.
        let bvh = Bvh::new(around.obstacles.triangles.clone());
        let by_object = around.first_object(&bvh, eye, target);
        let terrain = profile::profile(&around.ground, None, eye, target, drop, cell / 2.0);
        let by_terrain = terrain.first_block_point().map(|p| p.distance / length);
        let block: Option<(f64, String)> = match (by_object, by_terrain) {
            (Some((t, _)), Some(tt)) if (t as f64) > tt => Some((tt, "terrain".into())),
            (Some((t, id)), _) => Some((t as f64, id.to_string())),
            (None, Some(tt)) => Some((tt, "terrain".into())),
            (None, None) => None,
        };
        let at = |t: f64| [0, 1, 2].map(|k| eye[k] + t * (target[k] - eye[k]));
        let mut features = Vec::new();
        let mut notes = Vec::new();
        match &block {
            Some((t, what)) => {
                features.push(Feature {
                    id: "seen".into(),
                    geometry: FeatureGeometry::Line(vec![eye, at(*t)]),
                    value: 1.0,
                });
                features.push(Feature {
                    id: "hidden".into(),
                    geometry: FeatureGeometry::Line(vec![at(*t), target]),
                    value: 0.0,
                });
                features.push(Feature {
                    id: what.clone(),
                    geometry: FeatureGeometry::Point(at(*t)),
                    value: 0.0,
                });
                let m = format!("{:.0}", t * length);
                notes.push(if what == "terrain" {
                    Message::new("view.blocked_by_terrain")
                        .arg("m", &m)
                        .english("The terrain hides the target, {m} m from the eye.")
                } else {
                    Message::new("view.blocked_by")
                        .arg("id", what)
                        .arg("m", &m)
                        .english("{id} hides the target, {m} m from the eye.")
                });
            }
            None => {
                features.push(Feature {
                    id: "seen".into(),
                    geometry: FeatureGeometry::Line(vec![eye, target]),
                    value: 1.0,
                });
                notes.push(
                    Message::new("view.clear_line")
                        .arg("m", format!("{:.1}", line.clearance.max(0.0)))
                        .english("Clear view: the sight line passes at least {m} m above everything in between."),
                );
            }
        }
        let kpis = vec![
            Kpi::new(
                "visible",
                Message::new("view.kpi_visible").english("target visible (1 = yes)"),
                if block.is_none() { 1.0 } else { 0.0 },
                "",
                0,
            ),
            Kpi::new(
                "length_m",
                Message::new("view.kpi_length").english("length of the sight line"),
                line.length,
                "m",
                0,
            ),
            Kpi::new(
                "clearance_m",
                Message::new("view.kpi_clearance")
                    .english("clearance over the surface (negative: hidden by)"),
                line.clearance,
                "m",
                1,
            ),
            Kpi::new(
                "block_m",
                Message::new("view.kpi_block").english("distance to the first obstruction"),
                block.as_ref().map_or(f64::NAN, |(t, _)| t * length),
                "m",
                0,
            ),
        ];
        let series = |f: &dyn Fn(&profile::ProfilePoint) -> f64| {
            line.points.iter().map(f).collect::<Vec<f64>>()
        };
        Ok(AnalysisResult {
            label: format!("{:.0} m", line.length),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), "sight line against the building triangles and the terrain; section over the surface model".into()),
                    ("eye".into(), format!("{:.2}, {:.2}, {:.2} m", eye[0], eye[1], eye[2])),
                    ("target".into(), format!("{:.2}, {:.2}, {:.2} m", target[0], target[1], target[2])),
                    ("cell_m".into(), format!("{cell}")),
                ],
                ..Default::default()
            },
            ground: None,
            facades: None,
            features: Some(FeatureValues {
                quantity: visible_quantity(),
                features,
                columns: Vec::new(),
            }),
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: Some(Section {
                title: "view.section",
                unit: "m",
                distance: series(&|p| p.distance),
                series: vec![
                    ("view.section_ground", series(&|p| p.ground as f64)),
                    ("view.section_surface", series(&|p| p.surface as f64)),
                    ("view.section_sight", series(&|p| p.sight)),
                ],
            }),
        })
    }
}

/// The building a tap on the map means: of those whose box holds the
/// point, the smallest (a tower, not the block around it).
pub fn object_at(s: &Scenario, x: f64, y: f64) -> Option<(String, pw_geo::Extent3)> {
    s.objects()
        .filter(|o| matches!(o.kind, ObjectKind::Building | ObjectKind::BuildingPart))
        .map(|o| (o.id.clone(), o.extent()))
        .filter(|(_, e)| {
            !e.is_empty() && e.min[0] <= x && x <= e.max[0] && e.min[1] <= y && y <= e.max[1]
        })
        .min_by(|a, b| {
            let size = |e: &pw_geo::Extent3| (e.max[0] - e.min[0]) * (e.max[1] - e.min[1]);
            size(&a.1).total_cmp(&size(&b.1))
        })
}

impl ViewAnalysis {
    /// From where a building is seen, and how much of it: a viewshed from
    /// every sample on its walls and roofs (sight lines run both ways),
    /// counted at people's eye height on a lattice over the area.
    fn run_object(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        let at = values.point("object_at").ok_or_else(|| {
            said(
                "view.no_object",
                "Tap the building or planned volume to look at first.",
            )
        })?;
        let a = values.area("area").ok_or_else(|| {
            said(
                "view.no_area",
                "Choose the area it is looked at from first.",
            )
        })?;
        let (cell, step, eye_height) = (
            values.number("cell"),
            values.number("step"),
            values.number("eye"),
        );
        let (id, e) = object_at(s, at.x, at.y).ok_or_else(|| {
            said(
                "view.no_object_here",
                "No building stands at the tapped point in this variant: tap a building, or choose the variant it belongs to.",
            )
        })?;
        let sampled = pw_shadow::Area::new(e.min[0], e.min[1], e.max[0], e.max[1]);
        let region = pw_shadow::Area::new(
            a.min[0].min(e.min[0]),
            a.min[1].min(e.min[1]),
            a.max[0].max(e.max[0]),
            a.max[1].max(e.max[1]),
        )
        .grown(2.0 * cell + step);
        let cells = region.width() / cell * region.height() / cell;
        if cells > MOST_CELLS {
            return Err(AnalysisError::Said(
                Message::new("view.too_many_cells")
                    .arg("cells", format!("{:.0}", cells / 1e6))
                    .english("{cells} million cells are too many: choose larger cells or a shorter distance."),
            ));
        }
        control.set_stage("surface");
        let around = Surroundings::around(s, sampled, region, cell, true);
        control.check()?;
        // Its walls and roofs, sampled at most MOST_OBJECT_SAMPLES times.
        let surfaces: Vec<pw_shadow::obstacles::SampleSurface> = around
            .obstacles
            .surfaces
            .iter()
            .filter(|x| around.obstacles.object_ids[x.object as usize] == id)
            .cloned()
            .collect();
        let total: f64 = surfaces
            .iter()
            .flat_map(|x| &x.triangles)
            .map(|t| triangle_area(t))
            .sum();
        if total <= 0.0 {
            return Err(said(
                "view.no_object_here",
                "No building stands at the tapped point in this variant: tap a building, or choose the variant it belongs to.",
            ));
        }
        let spacing = (total / MOST_OBJECT_SAMPLES)
            .sqrt()
            .max(values.number("spacing"));
        let samples = pw_shadow::samples::sample(&surfaces, spacing as f32, |_| true);
        // The lattice of observers over the area: their cells in the surface.
        let (nx, ny) = (
            (a.width() / step).ceil().max(1.0) as usize,
            (a.height() / step).ceil().max(1.0) as usize,
        );
        let g = &around.surface;
        let lattice: Vec<Option<usize>> = (0..nx * ny)
            .map(|k| {
                let x = a.min[0] + ((k % nx) as f64 + 0.5) * step;
                let y = a.max[1] - ((k / nx) as f64 + 0.5) * step;
                let c = ((x - g.x0) / g.dx).floor() as isize;
                let r = ((g.y0 - y) / g.dy).floor() as isize;
                if c < 0 || r < 0 || c as usize >= g.width || r as usize >= g.height {
                    return None;
                }
                let i = r as usize * g.width + c as usize;
                let open = !around.model.building[i] && g.values[i].is_finite();
                open.then_some(i)
            })
            .collect();
        let mut seen = vec![0.0f64; nx * ny];
        let o = around.obstacles.origin;
        let mut used = 0usize;
        let curvature = values.number("curvature");
        control.set_stage("viewsheds");
        for (k, x) in samples.iter().enumerate() {
            let n = surfaces[x.surface as usize].normal;
            let p = o.to_world(x.position);
            // Just off the wall or the roof: from further out the air in
            // front of it would be seen, not it (a flat roof from below).
            let eye = [0, 1, 2].map(|i| p[i] + 0.05 * n[i] as f64);
            let mut sight = Sight::new(eye);
            sight.target_height = eye_height;
            sight.curvature = curvature;
            let Ok(vs) = rays::viewshed(g, &sight, None) else {
                continue;
            };
            used += 1;
            for (acc, cell) in seen.iter_mut().zip(&lattice) {
                if let Some(i) = cell
                    && vs.grid.values[*i] == 1.0
                {
                    *acc += x.area as f64;
                }
            }
            control.check()?;
            control.set_progress(k as f32 / samples.len() as f32);
        }
        let area_sampled: f64 = samples.iter().map(|x| x.area as f64).sum();
        let share: Vec<f32> = seen
            .iter()
            .zip(&lattice)
            .map(|(v, cell)| match cell {
                Some(_) => (v / area_sampled.max(1e-9) * 100.0) as f32,
                None => f32::NAN,
            })
            .collect();
        let open = share.iter().filter(|v| v.is_finite()).count();
        let step_m2 = step * step;
        let count = |from: f32| share.iter().filter(|v| **v >= from).count() as f64;
        let kpis = vec![
            Kpi::new(
                "seen_from_m2",
                Message::new("view.kpi_seen_from").english("area it is seen from"),
                count(0.5) * step_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "seen_from_share",
                Message::new("view.kpi_seen_from_share")
                    .english("share of the open area it is seen from"),
                count(0.5) / open.max(1) as f64 * 100.0,
                "%",
                1,
            ),
            Kpi::new(
                "seen_25_m2",
                Message::new("view.kpi_seen_25")
                    .english("area a quarter of it or more is seen from"),
                count(25.0) * step_m2,
                "m²",
                0,
            ),
            Kpi::new(
                "most_seen_share",
                Message::new("view.kpi_most_seen").english("most of it seen from one place"),
                share
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .fold(0.0f32, f32::max) as f64,
                "%",
                0,
            ),
            Kpi::new(
                "object_m2",
                Message::new("view.kpi_object_area").english("its wall and roof area"),
                total,
                "m²",
                0,
            ),
        ];
        let top = [at.x, at.y, e.max[2]];
        Ok(AnalysisResult {
            label: id.clone(),
            stamp: RunStamp {
                details: vec![
                    ("method".into(), "a viewshed (rays, R2) from every sample on its walls and roofs, 5 cm out; sight lines run both ways".into()),
                    ("object".into(), id.clone()),
                    ("samples".into(), format!("{used} of {} m spacing", (spacing * 10.0).round() / 10.0)),
                    ("observers".into(), format!("{nx} × {ny} every {step} m, eyes {eye_height} m above the ground")),
                    ("cells".into(), format!("{} × {} of {} m", g.width, g.height, cell)),
                ],
                ..Default::default()
            },
            ground: Some(GroundRaster {
                grid: Grid {
                    width: nx,
                    height: ny,
                    x0: a.min[0],
                    y0: a.max[1],
                    dx: step,
                    dy: step,
                    values: share,
                    crs: s.site.crs,
                },
                quantity: share_quantity(),
                frames: None,
            }),
            facades: None,
            features: Some(FeatureValues {
                quantity: share_quantity(),
                features: vec![Feature {
                    id: id.clone(),
                    geometry: FeatureGeometry::Point(top),
                    value: 100.0,
                }],
                columns: Vec::new(),
            }),
            kpis,
            notes: Vec::new(),
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }
}

/// One protected view checked: which sight lines across it are blocked,
/// by what, and how far the highest intrusion rises above the line.
struct CorridorCheck {
    blocked: usize,
    rays: usize,
    blockers: Vec<String>,
    depth: f64,
    hits: Vec<[f64; 3]>,
}

impl ViewAnalysis {
    /// The scene's protected views in this scenario: sight lines from the
    /// eye across the target's width, against the building triangles and
    /// the terrain.
    fn run_corridors(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        if s.view_corridors.is_empty() {
            return Err(said(
                "view.no_corridors",
                "The scene has no protected views: add them to the scene file as [[view_corridors]] with name, from = [E, N, Z], to = [E, N, Z] and width (m).",
            ));
        }
        let drop = values.number("curvature") / (2.0 * crate::EARTH_RADIUS);
        let mut kpis = Vec::new();
        let mut notes = Vec::new();
        let mut features = Vec::new();
        let mut intruded = 0;
        for (k, c) in s.view_corridors.iter().enumerate() {
            control.set_stage(&c.name);
            control.set_progress(k as f32 / s.view_corridors.len() as f32);
            let check = self.check_corridor(values, s, c, drop)?;
            control.check()?;
            let value = if check.blocked > 0 { 1.0 } else { 0.0 };
            intruded += (check.blocked > 0) as usize;
            let share = check.blocked as f64 / check.rays as f64 * 100.0;
            kpis.push(Kpi::new(
                &format!("corridor_{}_blocked_pct", k + 1),
                Message::new("view.kpi_corridor_blocked")
                    .arg("name", &c.name)
                    .english("{name}: share of the view blocked"),
                share,
                "%",
                0,
            ));
            kpis.push(Kpi::new(
                &format!("corridor_{}_depth_m", k + 1),
                Message::new("view.kpi_corridor_depth")
                    .arg("name", &c.name)
                    .english("{name}: how far it is blocked above the sight line"),
                check.depth,
                "m",
                1,
            ));
            notes.push(if check.blocked == 0 {
                Message::new("view.corridor_free")
                    .arg("name", &c.name)
                    .english("{name}: the view is free.")
            } else {
                Message::new("view.corridor_blocked")
                    .arg("name", &c.name)
                    .arg("ids", check.blockers.join(", "))
                    .arg("pct", format!("{share:.0}"))
                    .arg("m", format!("{:.1}", check.depth))
                    .english("{name}: {ids} stand in the view ({pct} % of it, up to {m} m above the sight line).")
            });
            // The wedge: both edges and the far side, red where blocked.
            let (left, right) = corridor_ends(c);
            for (part, line) in [
                ("left", vec![c.from, left]),
                ("right", vec![c.from, right]),
                ("target", vec![left, right]),
            ] {
                features.push(Feature {
                    id: format!("{}:{part}", c.name),
                    geometry: FeatureGeometry::Line(line),
                    value,
                });
            }
            for (n, hit) in check.hits.iter().enumerate() {
                features.push(Feature {
                    id: format!("{}:hit{}", c.name, n + 1),
                    geometry: FeatureGeometry::Point(*hit),
                    value: 1.0,
                });
            }
        }
        kpis.insert(
            0,
            Kpi::new(
                "corridors_blocked",
                Message::new("view.kpi_corridors_blocked").english("protected views blocked"),
                intruded as f64,
                "",
                0,
            ),
        );
        Ok(AnalysisResult {
            label: format!("{} / {}", intruded, s.view_corridors.len()),
            stamp: RunStamp {
                details: vec![
                    (
                        "method".into(),
                        format!(
                            "{CORRIDOR_RAYS} sight lines across each corridor against the building triangles and the terrain; {TARGET_SURROUNDS_M} m around the target belong to it"
                        ),
                    ),
                    (
                        "corridors".into(),
                        s.view_corridors
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                ],
                ..Default::default()
            },
            ground: None,
            facades: None,
            features: Some(FeatureValues {
                quantity: corridor_quantity(),
                features,
                columns: Vec::new(),
            }),
            kpis,
            notes,
            crs: s.site.crs,
            difference_of: None,
            section: None,
        })
    }

    fn check_corridor(
        &self,
        values: &ParamValues,
        s: &Scenario,
        c: &pw_analysis::scenario::ViewCorridor,
        drop: f64,
    ) -> Result<CorridorCheck, AnalysisError> {
        let (left, right) = corridor_ends(c);
        let xs = [c.from[0], left[0], right[0]];
        let ys = [c.from[1], left[1], right[1]];
        let (x0, x1) = (
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let (y0, y1) = (
            ys.iter().copied().fold(f64::INFINITY, f64::min),
            ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let asked = values.number("cell");
        let cell =
            asked.max(((x1 - x0 + 4.0 * asked) * (y1 - y0 + 4.0 * asked) / LINE_CELLS).sqrt());
        let area = pw_shadow::Area::new(x0, y0, x1, y1).grown(2.0 * cell);
        let around = Surroundings::of(s, area, cell, values.flag("buildings"));
        let bvh = Bvh::new(around.obstacles.triangles.clone());
        let rays = if c.width > 0.0 { CORRIDOR_RAYS } else { 1 };
        let mut check = CorridorCheck {
            blocked: 0,
            rays,
            blockers: Vec::new(),
            depth: 0.0,
            hits: Vec::new(),
        };
        for r in 0..rays {
            let f = if rays == 1 {
                0.5
            } else {
                r as f64 / (rays - 1) as f64
            };
            let target = [0, 1, 2].map(|i| left[i] + f * (right[i] - left[i]));
            let length = (target[0] - c.from[0]).hypot(target[1] - c.from[1]);
            let last = 1.0 - TARGET_SURROUNDS_M / length.max(TARGET_SURROUNDS_M * 2.0);
            let by_object = around
                .first_object(&bvh, c.from, target)
                .filter(|(t, _)| (*t as f64) < last);
            let terrain = profile::profile(&around.ground, None, c.from, target, drop, cell / 2.0);
            let by_terrain = terrain
                .first_block_point()
                .map(|p| p.distance / length)
                .filter(|t| *t < last);
            let hit = match (by_object, by_terrain) {
                (Some((t, _)), Some(tt)) if (t as f64) > tt => Some((tt, "terrain".to_string())),
                (Some((t, id)), _) => Some((t as f64, id.to_string())),
                (None, Some(tt)) => Some((tt, "terrain".to_string())),
                (None, None) => None,
            };
            if let Some((t, what)) = hit {
                check.blocked += 1;
                if !check.blockers.contains(&what) {
                    check.blockers.push(what);
                }
                check
                    .hits
                    .push([0, 1, 2].map(|i| c.from[i] + t * (target[i] - c.from[i])));
                // How far the surface rises above this sight line, short of
                // the target's surroundings.
                let line =
                    profile::profile(&around.surface, None, c.from, target, drop, cell / 2.0);
                let depth = line
                    .points
                    .iter()
                    .filter(|p| p.distance > cell && p.distance < last * length)
                    .map(|p| p.surface as f64 - p.sight)
                    .fold(0.0f64, f64::max);
                check.depth = check.depth.max(depth);
            }
        }
        Ok(check)
    }
}

/// The corridor's target edge: the target moved half the width to either
/// side, across the view.
fn corridor_ends(c: &pw_analysis::scenario::ViewCorridor) -> ([f64; 3], [f64; 3]) {
    let (dx, dy) = (c.to[0] - c.from[0], c.to[1] - c.from[1]);
    let l = dx.hypot(dy).max(1e-9);
    let (px, py) = (-dy / l * c.width / 2.0, dx / l * c.width / 2.0);
    (
        [c.to[0] + px, c.to[1] + py, c.to[2]],
        [c.to[0] - px, c.to[1] - py, c.to[2]],
    )
}

fn triangle_area(t: &[[f32; 3]; 3]) -> f64 {
    let u = [0, 1, 2].map(|k| (t[1][k] - t[0][k]) as f64);
    let v = [0, 1, 2].map(|k| (t[2][k] - t[0][k]) as f64);
    let c = [
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0],
    ];
    0.5 * (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt()
}

impl Analysis for ViewAnalysis {
    fn id(&self) -> &'static str {
        "view"
    }

    fn title(&self) -> &'static str {
        "view.title"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn params(&self) -> Vec<ParamSpec> {
        vec![
            ParamSpec::choice("mode", "view.mode", MODES, "viewshed"),
            ParamSpec::point("observer", "view.observer")
                .when_not("mode", "object")
                .when_not("mode", "corridors"),
            ParamSpec::number("eye", "view.eye", 1.6, (0.0, 300.0), 0.1, "m")
                .when_not("mode", "corridors"),
            ParamSpec::point("target", "view.target").when("mode", "line"),
            ParamSpec::point("object_at", "view.object").when("mode", "object"),
            ParamSpec::area("area", "view.area").when("mode", "object"),
            ParamSpec::number("step", "view.step", 5.0, (1.0, 100.0), 1.0, "m")
                .when("mode", "object"),
            ParamSpec::number(
                "target_height",
                "view.target_height",
                0.0,
                (0.0, 500.0),
                0.5,
                "m",
            )
            .when_not("mode", "object")
            .when_not("mode", "corridors"),
            ParamSpec::number(
                "distance",
                "view.distance",
                1000.0,
                (10.0, 50_000.0),
                50.0,
                "m",
            )
            .when("mode", "viewshed"),
            ParamSpec::number("cell", "view.cell", 1.0, (0.25, 250.0), 0.25, "m"),
            ParamSpec::choice("direction", "view.direction", DIRECTIONS, "all")
                .when("mode", "viewshed"),
            ParamSpec::number("from", "view.from", 300.0, (0.0, 360.0), 5.0, "°")
                .when("direction", "cone"),
            ParamSpec::number("to", "view.to", 60.0, (0.0, 360.0), 5.0, "°")
                .when("direction", "cone"),
            // The building looked at in `object` mode has its neighbours hide it.
            ParamSpec::flag("buildings", "view.buildings", true).when_not("mode", "object"),
            ParamSpec::flag("facades", "view.facades", true).when("mode", "viewshed"),
            ParamSpec::number(
                "look_down",
                "view.look_down",
                -90.0,
                (-90.0, 90.0),
                1.0,
                "°",
            )
            .when("mode", "viewshed")
            .advanced(),
            ParamSpec::number("look_up", "view.look_up", 90.0, (-90.0, 90.0), 1.0, "°")
                .when("mode", "viewshed")
                .advanced(),
            ParamSpec::number("spacing", "view.spacing", 1.0, (0.25, 10.0), 0.25, "m")
                .when_not("mode", "line")
                .when_not("mode", "corridors")
                .advanced(),
            ParamSpec::number(
                "curvature",
                "view.curvature",
                crate::REFRACTION,
                (0.0, 1.0),
                0.01,
                "",
            )
            .advanced(),
            ParamSpec::choice("method", "view.method", METHODS, "auto")
                .when("mode", "viewshed")
                .advanced(),
        ]
    }

    fn estimate(&self, values: &ParamValues, _s: &Scenario) -> Result<Estimate, AnalysisError> {
        let cell = values.number("cell");
        match values.text("mode") {
            "line" => {
                return Ok(Estimate {
                    seconds: 0.5,
                    size: "one sight line".into(),
                });
            }
            "corridors" => {
                return Ok(Estimate {
                    seconds: 1.0,
                    size: "the scene's protected views".into(),
                });
            }
            "object" => {
                let a = values.area("area").ok_or_else(|| {
                    said(
                        "view.no_area",
                        "Choose the area it is looked at from first.",
                    )
                })?;
                let cells = a.width() * a.height() / (cell * cell);
                // One viewshed by rays (≈ 2.5e7 cells/s) per sample.
                return Ok(Estimate {
                    seconds: 1.0 + cells / 5e6 + MOST_OBJECT_SAMPLES * cells / 2.5e7,
                    size: format!(
                        "{cells:.0} cells of {cell} m, up to {MOST_OBJECT_SAMPLES} samples"
                    ),
                });
            }
            _ => {}
        }
        let d = values.number("distance");
        let cells = (2.0 * d / cell).powi(2);
        // The surface model ≈ 5e6 cells/s; on 2 cores the exact method ≈
        // 2e8 cells crossed per second, rays ≈ 2.5e7 cells/s, the sweep ≈
        // 8e7 cells/s (the viewshed bench).
        let seconds = 0.5
            + cells / 5e6
            + match method(values) {
                Method::Exact => exact_work(d, cell) / 2e8,
                Method::Rays => cells / 2.5e7,
                Method::Sweep => cells / 8e7,
            };
        Ok(Estimate {
            seconds,
            size: format!("{cells:.0} cells of {cell} m"),
        })
    }

    fn run(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<AnalysisResult, AnalysisError> {
        match values.text("mode") {
            "line" => self.run_line(values, s, control),
            "object" => self.run_object(values, s, control),
            "corridors" => self.run_corridors(values, s, control),
            _ => self.run_viewshed(values, s, control),
        }
    }
}
