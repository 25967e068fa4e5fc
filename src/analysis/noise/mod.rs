//! Noise (issue 17): `pw_noise`'s `NoiseAnalysis` registered with the
//! framework — the scenario's roads with their traffic (a layer with
//! counts, or the OpenStreetMap roads with the traffic analysis' volumes),
//! its buildings and terrain; RLS-19 or CNOSSOS-EU levels on a grid and
//! on the facades; the framework gives it the form, the draped map with
//! the 5 dB classes, the facade colours, B − A and the exports
//! (`planwerkstatt analysis run noise`).

use super::RegisterAnalysis;
use bevy::prelude::*;
use std::sync::Arc;

pub struct NoisePlugin;

impl Plugin for NoisePlugin {
    fn build(&self, app: &mut App) {
        app.register_analysis(Arc::new(pw_noise::framework::NoiseAnalysis::default()));
    }
}
