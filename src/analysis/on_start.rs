//! `--run-analysis ID`: once the scene has loaded, the analysis is chosen
//! and run with its form's defaults — the showroom's start, and pictures
//! of a result from the command line.

use super::{AnalysisCommand, AnalysisState, AnalysisSystems};
use crate::layers::city_draw::CityLayers;
use crate::layers::{LayerStatus, Layers};
use bevy::prelude::*;

#[derive(Resource, Debug, Default, Clone)]
pub struct StartAnalysis(pub Option<String>);

pub struct StartAnalysisPlugin;

impl Plugin for StartAnalysisPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<StartAnalysis>()
            .add_systems(Update, start.before(AnalysisSystems));
    }
}

fn start(
    mut pending: ResMut<StartAnalysis>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
    mut state: ResMut<AnalysisState>,
    mut run: MessageWriter<AnalysisCommand>,
) {
    if pending.0.is_none() || city.layers.is_empty() {
        return;
    }
    if layers
        .entries
        .iter()
        .any(|e| e.status == LayerStatus::Loading)
    {
        return;
    }
    if let Some(id) = pending.0.take() {
        state.selected = id;
        run.write(AnalysisCommand::Run);
    }
}
