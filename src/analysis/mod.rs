//! Analyses in the workbench: the framework's app half — registry, forms,
//! background runs, results, overlays, compare, export, CLI — written once
//! (`runs.rs`, `overlays.rs`; the CLI is `cli/analysis.rs`); one folder per analysis (`sunhours/`)
//! that only registers its engine-free analysis and adds what is its own.

pub mod overlays;
pub mod runs;
pub mod sunhours;

pub use overlays::AnalysisOverlay;
pub use runs::{
    Analyses, AnalysisCommand, AnalysisState, AreaPick, RegisterAnalysis, ResultEntry, Running,
};

use bevy::prelude::*;

/// Analysis bookkeeping; runs after the scene's layers and the scenario.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnalysisSystems;

/// The framework; analysis plugins (e.g. `sunhours::SunHoursPlugin`) come
/// after it and register themselves.
pub struct AnalysisPlugin;

impl Plugin for AnalysisPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Analyses>()
            .init_resource::<AnalysisState>()
            .add_message::<AnalysisCommand>()
            .add_message::<crate::view::picking::WorldClick>()
            .add_systems(
                Update,
                (
                    runs::handle_commands,
                    runs::pick_area,
                    runs::poll_tasks,
                    overlays::sync_overlays,
                )
                    .chain()
                    .in_set(AnalysisSystems),
            );
    }
}

/// Draws the chosen area on the map (needs a window's gizmos).
pub struct AnalysisGizmoPlugin;

impl Plugin for AnalysisGizmoPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, overlays::draw_area);
    }
}
