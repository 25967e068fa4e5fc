//! Analyses in the workbench: the framework's app half — registry, forms,
//! background runs, results, overlays, compare, export, CLI — written once
//! (`runs.rs`, `overlays.rs`; the CLI is `cli/analysis.rs`); one folder per analysis (`sunhours/`)
//! that only registers its engine-free analysis and adds what is its own.

pub mod overlays;
pub mod plan_figures;
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
                    runs::forget_on_new_scene,
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

#[cfg(test)]
mod tests {
    use crate::base::i18n::{I18n, Language};

    /// Every text an analysis shows comes from both catalogues: title,
    /// parameter labels, choice labels, legend titles, and the framework's
    /// own messages.
    #[test]
    fn every_analysis_speaks_german_and_english() {
        let i18n = I18n::default();
        let has = |lang, key: &str| i18n.keys(lang).any(|k| k == key);
        let mut keys: Vec<String> = [
            "analysis.param_range",
            "analysis.param_missing",
            "analysis.param_one_date",
            "analysis.param_date",
            "analysis.param_time",
            "analysis.param_no_area",
            "analysis.param_empty_area",
            "analysis.param_choice",
            "analysis.param_kind",
            "analysis.param_number",
            "analysis.param_bool",
            "analysis.param_area",
            "analysis.param_unknown",
            "analysis.compare_analyses",
            "analysis.compare_grid",
            "analysis.compare_nothing",
            "analysis.compare_unmatched",
            "analysis.cancelled",
        ]
        .map(String::from)
        .to_vec();
        let registry = crate::app::analyses();
        assert_eq!(registry.ids(), ["sunhours", "plan"]);
        for a in registry.iter() {
            keys.push(a.title().into());
            for p in a.params() {
                keys.push(p.label.into());
                if let pw_analysis::ParamKind::Choice(options) = p.kind {
                    keys.extend(options.iter().map(|(_, l)| l.to_string()));
                }
            }
        }
        let q = pw_shadow::framework::hours_quantity();
        keys.extend([q.label, q.legend.title, q.difference_legend.title].map(String::from));
        for lang in [Language::German, Language::English] {
            let missing: Vec<&String> = keys.iter().filter(|k| !has(lang, k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }
}
