//! Dragging the observer (`mode = viewshed`) with the view following it:
//! the surface around the place is built once, with room to move; each
//! new position then costs only the viewshed itself (through the
//! framework 20–43 ms for 1 km at 1 m by the sweep on 2 cores: the
//! viewshed bench's "live").
//! Walls and roofs seen, and the key figures, come with the full run when
//! the observer is let go.

use super::viewshed::ground_view;
use super::*;
use pw_analysis::{LivePreview, Value};

/// How far the observer may move from where the surface was built (m)
/// before it is built again: the surface reaches this far past the
/// distance.
const ROOM_M: f64 = 500.0;
/// The most cells a prepared surface may have (≈ 9 bytes each once
/// trimmed): with a long distance the room shrinks first; a distance that
/// alone needs more has no live preview.
const LIVE_CELLS: f64 = 40e6;
/// A preview takes rays while they stay within this (s on 2 cores), else
/// the sweep; the exact method is the full run's (≈ 0.2 s already for
/// 120 m at 1 m: too slow to follow a pointer).
const LIVE_SECONDS: f64 = 0.05;

/// The surface around a place, ready for viewsheds from anywhere within
/// `room` of it.
pub struct LiveViewshed {
    around: Surroundings,
    centre: [f64; 2],
    room: f64,
    /// The form's values but the observer, as prepared.
    settings: ParamValues,
    method: Method,
}

/// The values a preparation depends on: all but the observer.
fn settings_of(values: &ParamValues) -> ParamValues {
    let mut v = values.clone();
    v.set("observer", Value::Point(None));
    v
}

/// Rays while they are quick enough to follow the pointer (sharp edges
/// behind walls), else the sweep; a sweep asked for stays the sweep.
fn live_method(values: &ParamValues) -> Method {
    let (d, cell) = (values.number("distance"), values.number("cell"));
    let cells = (2.0 * d / cell).powi(2);
    match method(values) {
        Method::Sweep => Method::Sweep,
        _ if cells / 2.5e7 <= LIVE_SECONDS => Method::Rays,
        _ => Method::Sweep,
    }
}

impl LiveViewshed {
    pub(super) fn prepare(
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<LiveViewshed, AnalysisError> {
        let p = observer(values, "observer")?;
        let distance = values.number("distance");
        let cell = values.number("cell");
        at_most_cells((2.0 * distance / cell).powi(2))?;
        if (2.0 * distance / cell).powi(2) > LIVE_CELLS {
            return Err(AnalysisError::Said(
                Message::new("view.live_too_big").english(
                    "Too many cells to follow the pointer: the view is computed when the observer is let go.",
                ),
            ));
        }
        // Whole cells of room, as much as the cell budget leaves.
        let most = (LIVE_CELLS.sqrt() * cell / 2.0 - distance).max(0.0);
        let room = (ROOM_M.min(most) / cell).floor() * cell;
        let reach = distance + room;
        let area = pw_shadow::Area::new(p.x - reach, p.y - reach, p.x + reach, p.y + reach);
        control.set_stage("surface");
        let mut around = Surroundings::of(s, area, cell, values.flag("buildings"));
        control.check()?;
        // A preview reads the surface, the ground and where buildings
        // stand: the rest (triangles, the sun's layers) need not stay.
        let o = &mut around.obstacles;
        o.triangles = Vec::new();
        o.base_points = Vec::new();
        o.terrain_points = Vec::new();
        o.surfaces = Vec::new();
        o.owner = Vec::new();
        o.is_building = Vec::new();
        let m = &mut around.model;
        for v in [&mut m.surface, &mut m.ground, &mut m.casters] {
            *v = Vec::new();
        }
        m.filled = Vec::new();
        Ok(LiveViewshed {
            around,
            centre: [p.x, p.y],
            room,
            settings: settings_of(values),
            method: live_method(values),
        })
    }

    /// Cells of the prepared surface.
    pub fn cells(&self) -> usize {
        self.around.surface.values.len()
    }
}

impl LivePreview for LiveViewshed {
    fn serves(&self, values: &ParamValues) -> bool {
        values.point("observer").is_some_and(|p| {
            (p.x - self.centre[0]).abs() <= self.room && (p.y - self.centre[1]).abs() <= self.room
        }) && settings_of(values) == self.settings
    }

    fn update(&self, values: &ParamValues) -> Result<GroundRaster, AnalysisError> {
        let p = observer(values, "observer")?;
        let seen = ground_view(&self.around, values, p, self.method, None)?;
        Ok(GroundRaster {
            grid: seen.grid,
            quantity: visible_quantity(),
            frames: None,
        })
    }
}

impl ViewAnalysis {
    /// The surface around the observer, ready for dragging it.
    pub fn prepare_live_viewshed(
        &self,
        values: &ParamValues,
        s: &Scenario,
        control: &JobControl,
    ) -> Result<LiveViewshed, AnalysisError> {
        self.validate(values)?;
        LiveViewshed::prepare(values, s, control)
    }
}
