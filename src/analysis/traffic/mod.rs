//! Traffic change (issue 19): `pw_traffic`'s `TrafficAnalysis` registered
//! with the framework — the scene's OpenStreetMap layer is the road
//! network, roads removed in a variant are closed, trips run between the
//! map's homes and workplaces (or a layer's zones); the framework gives it
//! the form, the coloured road lines with legend, B − A and the exports.
//! `cli.rs`: `planwerkstatt traffic assign` for networks and demand from
//! files (TNTP benchmarks, OSM with a zones file).

pub mod cli;

use super::RegisterAnalysis;
use bevy::prelude::*;
use std::sync::Arc;

pub struct TrafficPlugin;

impl Plugin for TrafficPlugin {
    fn build(&self, app: &mut App) {
        app.register_analysis(Arc::new(pw_traffic::framework::TrafficAnalysis::default()));
    }
}
