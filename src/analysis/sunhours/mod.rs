//! Sun hours: `run` turns dates and the scene into pw_shadow runs (also the
//! `shadow` command), `layer` runs them in the app and draws the results.

pub mod layer;
pub mod run;
