//! Coordinates for Planwerkstatt: coordinate reference systems, reprojection
//! and the scene origin that turns f64 projected coordinates into a small
//! f32-friendly local frame. Engine-free: no Bevy types here.

pub mod base64;
pub mod crs;
pub mod crs_guess;
pub mod elevation;
pub mod extent;
pub mod geocentric;
pub mod origin;
pub mod polygon;
pub mod segment;
pub mod transform;

pub use crs::{Crs, CrsError};
pub use extent::Extent3;
pub use origin::SceneOrigin;
pub use transform::{Reprojector, TransformError};
