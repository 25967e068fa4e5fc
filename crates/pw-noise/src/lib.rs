//! Road traffic noise, engine-free: emission (RLS-19, CNOSSOS-EU),
//! propagation along sound paths, receivers on a grid and on facades.

pub mod atmosphere;
pub mod bands;
pub mod cnossos;
mod error;
pub mod framework;
mod grid_index;
pub mod junctions;
pub mod lateral;
pub mod layers;
pub mod map;
pub mod propagate;
pub mod rls19;
pub mod roads;
pub mod scene;

pub use error::NoiseError;
