//! Urban data platform sensors: source threads (`sources`), the shared state
//! (`state`), per-scene bookkeeping (`layer`), markers, and the `sensors` CLI.

pub mod cli;
pub mod layer;
pub mod markers;
pub mod sources;
pub mod state;
