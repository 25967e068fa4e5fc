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

impl FloodError {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_analysis::Message {
        use pw_analysis::Message;
        let m = match self {
            FloodError::EmptyGrid => Message::new("flood.error.empty_grid"),
            FloodError::NoGround => Message::new("flood.error.no_ground"),
            // A solver setting out of range: the parameters' own checks come
            // first, so this is a programming slip, said as it is.
            FloodError::Setting(text) => return Message::text(text),
            FloodError::InflowOutside(cell) => {
                Message::new("flood.error.inflow_outside").arg("cell", cell)
            }
            FloodError::GaugeOutside { x, y, bounds } => Message::new("flood.error.gauge_outside")
                .arg("x", format!("{x:.1}"))
                .arg("y", format!("{y:.1}"))
                .arg("min_x", format!("{:.1}", bounds.0))
                .arg("min_y", format!("{:.1}", bounds.1))
                .arg("max_x", format!("{:.1}", bounds.2))
                .arg("max_y", format!("{:.1}", bounds.3)),
            FloodError::GaugeOnNoData => Message::new("flood.error.gauge_on_no_data"),
            FloodError::LevelBelowGround { level, ground } => {
                Message::new("flood.level_below_ground")
                    .arg("level", format!("{level:.2}"))
                    .arg("ground", format!("{ground:.2}"))
            }
        };
        m.english(&self.to_string())
    }
}
