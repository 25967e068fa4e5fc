//! Scenarios (engine-free): the input of every analysis. A scenario is the
//! scene's city models and terrain *with a set of edits* — objects removed,
//! objects added, objects moved — so that a planning variant changes what
//! an analysis sees, not only the picture. Edits name objects by their id
//! (gml:id, CityJSON key), which survives reloading and reprojection.

mod edits;
mod scenario;
mod traffic;

pub use edits::{Edits, Move, PlannedRoad};
pub use scenario::{InputStamp, Scenario, ScenarioLayer, Site, ViewCorridor, iso_utc};
pub use traffic::{LineNetwork, RoadClass, TrafficCount, TrafficInputs};
