//! Flood risk, engine-free: a river at a static water level
//! ([`level`]), and heavy rain and inflows running over the terrain with
//! the buildings as obstacles ([`shallow`], the local-inertial scheme),
//! each with the buildings the water reaches ([`framework`]).

pub mod burn;
pub mod framework;
pub mod level;
pub mod shallow;

pub use level::{Connectivity, Lake, WaterSurface, flood, flood_from};
pub use shallow::{Balance, Domain, Edge, Edges, Hyetograph, Inflow, Settings, Simulation};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FloodError {
    #[error("the grid has no cells")]
    EmptyGrid,
    #[error("the grid has no ground at all (every cell is without data)")]
    NoGround,
    #[error("{0}")]
    Setting(String),
    #[error("inflow cell {0} lies outside the ground")]
    InflowOutside(usize),
    #[error(
        "the gauge ({x:.1}, {y:.1}) lies outside the terrain ({:.1}, {:.1} – {:.1}, {:.1}): pick a point on the terrain",
        bounds.0, bounds.1, bounds.2, bounds.3
    )]
    GaugeOutside {
        x: f64,
        y: f64,
        bounds: (f64, f64, f64, f64),
    },
    #[error("the terrain has no data at the gauge: pick a point next to it")]
    GaugeOnNoData,
    #[error(
        "the water level {level:.2} m lies below the ground at the gauge ({ground:.2} m): nothing floods; raise the level or move the gauge into the river"
    )]
    LevelBelowGround { level: f64, ground: f64 },
}
