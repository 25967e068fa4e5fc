//! Road traffic for the traffic-change analysis: a road network with BPR
//! link costs, an origin–destination demand, and the static user
//! equilibrium that assigns the demand to the network (every used route of
//! an OD pair equally fast, none faster unused).
//!
//! Engine-free and independent of the scene: readers turn files (TNTP
//! today) into a [`Network`] and a [`Demand`]; [`assign`] solves the
//! equilibrium to a relative gap, path-based (gradient projection) or
//! link-based (bi-conjugate Frank–Wolfe).

mod assign;
pub mod counts;
mod equilibrium;
mod error;
pub mod framework;
mod gradient_projection;
pub mod lines;
mod network;
pub mod new_roads;
pub mod od;
pub mod osm;
mod paths;
pub mod result;
pub mod road_link;
pub mod tntp;
pub mod turns;
pub mod zones;

pub use assign::{Algorithm, Assignment, AssignmentSettings, IterationLog};
pub use equilibrium::assign;
pub use error::TrafficError;
pub use network::{Demand, Link, Network, NodeId};
pub use paths::ShortestPaths;
