//! Sun hours and shadows (engine-free): how long each cell of a ground grid
//! and each sample point on building walls and roofs receives direct sun
//! over chosen days, with the NREL SPA sun, terrain and every building as
//! obstacles. Ground: an exact-per-cell line sweep over a height grid;
//! facades and roofs: rays through a BVH of the building triangles.
//! Results carry their parameters and inputs and check DIN EN 17037;
//! `framework.rs` hands them to the analysis framework (export, B − A).

pub mod analysis;
pub mod area;
pub mod bvh;
pub mod din17037;
pub mod framework;
pub mod height_model;
pub mod obstacles;
pub mod result;
pub mod samples;
pub mod steps;
pub mod sweep;
pub mod vec3;

pub use analysis::{AnalysisError, Estimate, Params, estimate, run, run_objects};
pub use area::Area;
pub use framework::SunHoursAnalysis;
pub use result::{SunHours, area_with_at_least};
pub use steps::TimeWindow;
