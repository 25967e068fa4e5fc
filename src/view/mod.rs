//! The 3D view: the GIS ↔ Bevy frame, the scene clock, camera, picking,
//! ground, sun light, pipeline readiness, and the screenshot and
//! flight-benchmark drivers.

pub mod camera;
pub mod clock;
pub mod compare;
pub mod drape;
pub mod flight_bench;
pub mod frame;
pub mod ground;
pub mod picking;
pub mod pipelines;
pub mod screenshot;
pub mod sun;
pub mod view_box;
