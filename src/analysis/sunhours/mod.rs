//! Sun hours in the workbench: registers `pw_shadow`'s analysis with the
//! framework (form, runs, overlays, compare and export come from there),
//! runs one over all buildings at start when asked (`--sun-hours DATE`),
//! and holds `planwerkstatt shadow`.

pub mod cli;

use super::{AnalysisCommand, AnalysisState, RegisterAnalysis};
use crate::layers::Layers;
use crate::layers::city_draw::CityLayers;
use bevy::prelude::*;
use pw_analysis::{Area, Value};
use std::sync::Arc;

/// A day to compute over all buildings as soon as the scene has loaded.
#[derive(Resource, Debug, Default, Clone)]
pub struct AutoRun(pub Option<String>);

pub struct SunHoursPlugin;

impl Plugin for SunHoursPlugin {
    fn build(&self, app: &mut App) {
        app.register_analysis(Arc::new(pw_shadow::SunHoursAnalysis))
            .init_resource::<AutoRun>()
            .add_systems(Update, auto_run.before(super::AnalysisSystems));
    }
}

fn auto_run(
    mut auto: ResMut<AutoRun>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
    mut state: ResMut<AnalysisState>,
    mut run: MessageWriter<AnalysisCommand>,
) {
    if auto.0.is_none() || !super::on_start::scene_loaded(&layers, &city) {
        return;
    }
    // Over the buildings, not over whatever else is loaded: a district
    // layer of all Germany would ask for half a million km².
    let mut e = pw_geo::Extent3::EMPTY;
    for l in city.layers.values().filter(|l| l.city.selectable) {
        for o in l.city.model.objects.iter().filter(|o| o.is_building()) {
            e.union(&o.extent());
        }
    }
    if let Some(date) = auto.0.take()
        && !e.is_empty()
    {
        state.selected = "sunhours".into();
        if let Some(form) = state.form_mut() {
            form.set("date", Value::Text(date));
            let area = Area::new(
                e.min[0] - 20.0,
                e.min[1] - 20.0,
                e.max[0] + 20.0,
                e.max[1] + 20.0,
            );
            form.set("area", Value::Area(Some(area)));
        }
        run.write(AnalysisCommand::Run);
    }
}
