//! `--run-analysis ID`: once the scene has loaded, the analysis is chosen
//! and run with its form's defaults and the area in view — the showroom's
//! start, and pictures of a result from the command line.

use super::{Analyses, AnalysisCommand, AnalysisState, AnalysisSystems};
use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::layers::city_draw::CityLayers;
use crate::layers::{LayerStatus, Layers};
use bevy::prelude::*;

#[derive(Resource, Debug, Default, Clone)]
pub struct StartAnalysis(pub Option<String>);

/// Whether the scene has city objects and no layer is still loading: what
/// a run started by itself waits for.
pub fn scene_loaded(layers: &Layers, city: &CityLayers) -> bool {
    !city.layers.is_empty()
        && !layers
            .entries
            .iter()
            .any(|e| e.status == LayerStatus::Loading)
}

pub struct StartAnalysisPlugin;

impl Plugin for StartAnalysisPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<StartAnalysis>()
            .add_systems(Update, start.before(AnalysisSystems));
    }
}

/// Waits for the scene, then starts the run (or says the id is unknown).
#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn start(
    mut pending: ResMut<StartAnalysis>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
    mut state: ResMut<AnalysisState>,
    mut run: MessageWriter<AnalysisCommand>,
    analyses: Res<Analyses>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    if pending.0.is_none() || !scene_loaded(&layers, &city) {
        return;
    }
    if let Some(id) = pending.0.take() {
        if analyses.0.get(&id).is_none() {
            let known = analyses.0.ids().join(", ");
            notices.error(i18n.trf("analysis.unknown", &[("id", &id), ("known", &known)]));
            return;
        }
        state.selected = id;
        // An analysis that needs an area gets the one in view (what the
        // form's "Ausschnitt übernehmen" does).
        run.write(AnalysisCommand::AreaFromView);
        run.write(AnalysisCommand::Run);
    }
}
