//! Flood risk (issue 18): `pw_flood`'s `FloodAnalysis` registered with the
//! framework — heavy rain running over the scenario's terrain around its
//! buildings (local-inertial shallow water), or a river level flooding
//! what is connected to the map's water; the framework gives it the form,
//! the draped depth map in the classes of heavy-rain hazard maps, the
//! buildings with water at their walls, B − A and the exports
//! (`planwerkstatt analysis run flood`).

use super::RegisterAnalysis;
use bevy::prelude::*;
use std::sync::Arc;

pub struct FloodPlugin;

impl Plugin for FloodPlugin {
    fn build(&self, app: &mut App) {
        app.register_analysis(Arc::new(pw_flood::framework::FloodAnalysis));
    }
}
