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
//! - **Sichtbarkeit** (`mode = object`): from where a building is seen, and
//!   how much of it, over an area.
//! - **Sichtachsen** (`mode = corridors`): the scene's protected views,
//!   blocked or free in this scenario.
//!
//! This file holds what the modes share (parameters, the surface around a
//! place, where the eye stands); each mode has its own file.
//!
//! An observer picked on the ground or a roof stands there with the eye
//! height; picked on a wall, the point itself is the eye (a window).

mod corridors;
mod line;
mod live;
mod object;
mod viewshed;

use crate::exact::{self, GridPoint};
use crate::sight::{Cone, Sight, ViewError, Viewshed};
use crate::{profile, rays, sweep};
pub use live::LiveViewshed;
pub use object::object_at;
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Estimate, FacadeSample, FacadeValues, Feature,
    FeatureGeometry, FeatureValues, GroundRaster, JobControl, Kpi, Legend, Message, ParamSpec,
    ParamValues, Point, Quantity, RunStamp, Scenario, Section,
};
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
const OBSERVERS: &[(&str, &str)] = &[
    ("area", "view.observers_area"),
    ("roads", "view.observers_roads"),
];
const METHODS: &[(&str, &str)] = &[
    ("auto", "view.method_auto"),
    ("exact", "view.method_exact"),
    ("rays", "view.method_rays"),
    ("sweep", "view.method_sweep"),
];

/// An exact viewshed is chosen while cells × cells along a radius stay
/// below this (≈ 1.5 s on 2 cores, about 270 m at 1 m); beyond, rays.
/// Measured on north Bayreuth (release, 120–300 m at 1 m): 3.4–4.4 × 10⁷
/// cells crossed a second, the surface included.
const EXACT_WORK: f64 = 6e7;
/// Cells crossed a second by the exact method on 2 cores.
const EXACT_RATE: f64 = 4e7;
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

/// Refuses a surface model of more than [`MOST_CELLS`] cells.
fn at_most_cells(cells: f64) -> Result<(), AnalysisError> {
    if cells > MOST_CELLS {
        return Err(AnalysisError::Said(
            Message::new("view.too_many_cells")
                .arg("cells", format!("{:.0}", cells / 1e6))
                .english("{cells} million cells are too many: choose larger cells or a shorter distance."),
        ));
    }
    Ok(())
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
        ViewError::Setting(message) => return AnalysisError::Said(message.clone()),
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
            let open = |k: usize| !self.model.building[k] && g.values[k].is_finite();
            if open(r as usize * g.width + c as usize) {
                let ground = self.ground.height(p.x, p.y).unwrap_or(top);
                return Ok(([p.x, p.y, ground + eye_height], "ground"));
            }
            let reach = (10.0 / g.dx).ceil() as isize;
            return match self.nearest_cell(p, reach, 10.0, open) {
                Some([x, y]) => {
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
        match self.nearest_cell(p, 2, f64::INFINITY, |k| (g.values[k] as f64) <= z) {
            Some([x, y]) => Ok(([x, y, z], stands)),
            None => Err(ViewError::ObserverBuried {
                x: p.x,
                y: p.y,
                eye: z,
                depth: top - z,
            }),
        }
    }

    /// The centre of the cell nearest `p`, within `reach` cells and
    /// `within` metres, whose index passes `ok`.
    fn nearest_cell(
        &self,
        p: Point,
        reach: isize,
        within: f64,
        ok: impl Fn(usize) -> bool,
    ) -> Option<[f64; 2]> {
        let g = &self.surface;
        let (c, r) = (
            ((p.x - g.x0) / g.dx).floor() as isize,
            ((g.y0 - p.y) / g.dy).floor() as isize,
        );
        let mut best: Option<(f64, [f64; 2])> = None;
        for rr in r - reach..=r + reach {
            for cc in c - reach..=c + reach {
                if cc < 0 || rr < 0 || cc as usize >= g.width || rr as usize >= g.height {
                    continue;
                }
                if !ok(rr as usize * g.width + cc as usize) {
                    continue;
                }
                let (x, y) = g.cell_centre(cc as usize, rr as usize);
                let d = (x - p.x).hypot(y - p.y);
                if d <= within && best.is_none_or(|b| d < b.0) {
                    best = Some((d, [x, y]));
                }
            }
        }
        best.map(|b| b.1)
    }

    /// What a sight line from `a` to `b` (absolute) meets first before
    /// `before` (0…1 along it): a building by its id, or "terrain".
    fn first_block(
        &self,
        bvh: &Bvh,
        a: [f64; 3],
        b: [f64; 3],
        drop: f64,
        cell: f64,
        before: f64,
    ) -> Option<(f64, String)> {
        let length = (b[0] - a[0]).hypot(b[1] - a[1]);
        let by_object = self
            .first_object(bvh, a, b)
            .map(|(t, id)| (t as f64, id))
            .filter(|(t, _)| *t < before);
        let terrain = profile::profile(&self.ground, None, a, b, drop, cell / 2.0);
        let by_terrain = terrain
            .first_block_point()
            .map(|p| p.distance / length)
            .filter(|t| *t < before);
        match (by_object, by_terrain) {
            (Some((t, _)), Some(tt)) if t > tt => Some((tt, "terrain".into())),
            (Some((t, id)), _) => Some((t, id.to_string())),
            (None, Some(tt)) => Some((tt, "terrain".into())),
            (None, None) => None,
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
            ParamSpec::choice("observers", "view.observers", OBSERVERS, "area")
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
        // The surface model ≈ 5e6 cells/s; on 2 cores the exact method
        // EXACT_RATE cells crossed per second, rays ≈ 2.5e7 cells/s, the
        // sweep ≈ 8e7 cells/s (the viewshed bench).
        let seconds = 0.5
            + cells / 5e6
            + match method(values) {
                Method::Exact => exact_work(d, cell) / EXACT_RATE,
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

    fn live_point(&self, values: &ParamValues) -> Option<&'static str> {
        (values.text("mode") == "viewshed").then_some("observer")
    }

    fn prepare_live(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<Box<dyn pw_analysis::LivePreview>, AnalysisError> {
        Ok(Box::new(self.prepare_live_viewshed(values, s, control)?))
    }
}
