//! Views (Sichtfelder), engine-free: what can be seen from a point over a
//! height grid (terrain, or a surface model with buildings and tree crowns
//! burnt in), with earth curvature and refraction as GDAL applies them.
//!
//! - [`sweep`]: the viewshed in one pass outwards from the observer, each
//!   cell's sight-line height interpolated from its two neighbours nearer
//!   the observer (Wang et al. 2000, as `gdal_viewshed`): fast enough to
//!   follow a dragged observer.
//! - [`rays`]: rays from the eye to every cell of the window's edge, each
//!   carrying the steepest slope crossed so far and answering for the
//!   cells it passes closest (R2): edges stay sharp however far out.
//! - [`exact`]: the straight sight line to every cell, checked at each row
//!   and column line it crosses (R3): the reference, and the answer for
//!   small areas and single lines.
//! - [`profile`]: a line of sight between two points: ground, surface and
//!   sight line along it, the first obstruction and the clearance.
//! - `framework.rs`: the analysis on a scenario (buildings, new volumes,
//!   trees), with the walls the observer sees.

pub mod exact;
pub mod framework;
pub mod profile;
pub mod rays;
pub mod sight;
pub mod sweep;

pub use framework::ViewAnalysis;
pub use profile::{Profile, ProfilePoint, profile};
pub use sight::{Cone, EARTH_RADIUS, REFRACTION, Sight, ViewError, Viewshed};
