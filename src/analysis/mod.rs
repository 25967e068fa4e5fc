//! Analyses over the loaded scene, run as background jobs whose results
//! are drawn as overlays (today: sun hours).

pub mod sunhours;
