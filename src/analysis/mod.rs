//! Analyses in the workbench: the framework's app half (`runs.rs`, `overlays.rs`) and one
//! folder per analysis (`sunhours/`, `plan_figures/`) that only registers its engine-free one.
//!
//! Written once here for every analysis: registry, forms, background runs with progress and
//! cancel, results, overlays with legend, B − A, export; the CLI is `cli/analysis.rs`.

pub mod describe;
pub mod flood;
pub mod live;
pub mod noise;
pub mod on_start;
pub mod overlays;
pub mod plan_figures;
pub mod runs;
pub mod sunhours;
pub mod traffic;
pub mod view;

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
            )
            .add_plugins(live::LivePlugin);
    }
}

/// Draws the chosen area on the map (needs a window's gizmos).
pub struct AnalysisGizmoPlugin;

impl Plugin for AnalysisGizmoPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, overlays::draw_area)
            .add_plugins(live::LivePointerPlugin);
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
            "analysis.kpi_less",
            "analysis.kpi_more",
            "analysis.compare_unmatched_features",
        ]
        .map(String::from)
        .to_vec();
        let registry = crate::app::analyses();
        assert_eq!(
            registry.ids(),
            ["sunhours", "plan", "traffic", "noise", "flood", "view"]
        );
        for a in registry.iter() {
            keys.push(a.title().into());
            for p in a.params() {
                keys.push(p.label.into());
                if let pw_analysis::ParamKind::Choice(options) = p.kind {
                    keys.extend(options.iter().map(|(_, l)| l.to_string()));
                }
            }
        }
        for q in [
            pw_shadow::framework::hours_quantity(),
            pw_traffic::result::volume_quantity(),
            pw_noise::framework::level_quantity(pw_noise::map::Method::Cnossos),
            pw_noise::framework::level_quantity(pw_noise::map::Method::Rls19),
            pw_flood::framework::depth_quantity(),
            pw_view::framework::visible_quantity(),
            pw_view::framework::share_quantity(),
            pw_view::framework::corridor_quantity(),
        ] {
            keys.extend([q.label, q.legend.title, q.difference_legend.title].map(String::from));
        }
        // The traffic analysis' figures, notes and failures.
        keys.extend(
            [
                "trips",
                "unroutable",
                "vehicle_km",
                "vehicle_hours",
                "relative_gap",
                "iterations",
            ]
            .map(|k| format!("traffic.kpi_{k}")),
        );
        // The noise analysis' figures, notes and failures.
        keys.extend(
            [
                "kpi_area",
                "kpi_highest",
                "kpi_buildings",
                "kpi_inhabitants",
                "no_area",
                "no_roads",
                "no_projection",
                "roads_without_traffic",
                "unknown_surface",
                "no_buildings",
            ]
            .map(|k| format!("noise.{k}")),
        );
        // The flood analysis' figures, notes and failures.
        keys.extend(
            [
                "legend_wall",
                "kpi_area",
                "kpi_buildings",
                "kpi_deepest",
                "kpi_fastest",
                "kpi_rain",
                "kpi_soaked",
                "kpi_outflow",
                "kpi_standing",
                "kpi_balance",
                "kpi_level",
                "kpi_flooded",
                "kpi_volume",
                "kpi_reached",
                "no_area",
                "too_many_cells",
                "no_terrain_here",
                "no_rain",
                "flat",
                "level_below_ground",
                "no_data_cells",
                "kpi_roads_cut",
                "kpi_road_m_cut",
                "roads_cut",
            ]
            .map(|k| format!("flood.{k}")),
        );
        // The view analysis' figures, notes, section and failures.
        keys.extend(
            [
                "kpi_visible_area",
                "kpi_visible_share",
                "kpi_farthest",
                "kpi_eye",
                "kpi_eye_above_ground",
                "kpi_facade_area",
                "kpi_buildings_seen",
                "kpi_visible",
                "kpi_length",
                "kpi_clearance",
                "kpi_block",
                "no_observer",
                "no_target",
                "same_points",
                "too_many_cells",
                "observer_outside",
                "observer_no_data",
                "observer_buried",
                "no_open_ground",
                "zero_cone",
                "setting.no_eye",
                "setting.target_height",
                "setting.max_distance",
                "setting.curvature",
                "setting.vertical",
                "beyond_data",
                "on_wall",
                "moved",
                "blocked_by_terrain",
                "blocked_by",
                "clear_line",
                "section",
                "section_ground",
                "section_surface",
                "section_sight",
                "no_object",
                "no_area",
                "no_object_here",
                "kpi_seen_from",
                "kpi_seen_from_share",
                "kpi_seen_25",
                "kpi_most_seen",
                "kpi_object_area",
                "no_corridors",
                "kpi_corridors_blocked",
                "kpi_corridor_blocked",
                "kpi_corridor_depth",
                "corridor_free",
                "corridor_blocked",
            ]
            .map(|k| format!("view.{k}")),
        );
        keys.extend(
            [
                "pick_point",
                "pick_point_hint",
                "point_on_ground",
                "point_at_height",
                "param_no_point",
                "param_point",
            ]
            .map(|k| format!("analysis.{k}")),
        );
        keys.extend(
            [
                "not_converged",
                "unroutable",
                "unbalanced",
                "no_network",
                "no_crs",
                "no_zones",
                "no_projection",
                "unreadable",
                "note_cut",
                "note_closed",
                "note_loops",
                "note_turns",
                "note_turns_left_out",
            ]
            .map(|k| format!("traffic.{k}")),
        );
        for lang in [Language::German, Language::English] {
            let missing: Vec<&String> = keys.iter().filter(|k| !has(lang, k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    /// A small analysis of this test only: a point on each building's
    /// roof (value: its height) and a line around the first footprint —
    /// the framework must draw, list and compare points and lines without
    /// any code of the analysis's own.
    struct BuildingTops;

    impl pw_analysis::Analysis for BuildingTops {
        fn id(&self) -> &'static str {
            "tops"
        }
        fn title(&self) -> &'static str {
            "analysis.results"
        }
        fn version(&self) -> &'static str {
            "test"
        }
        fn params(&self) -> Vec<pw_analysis::ParamSpec> {
            Vec::new()
        }
        fn estimate(
            &self,
            _: &pw_analysis::ParamValues,
            _: &pw_analysis::Scenario,
        ) -> Result<pw_analysis::Estimate, pw_analysis::AnalysisError> {
            Ok(pw_analysis::Estimate {
                seconds: 0.0,
                size: String::new(),
            })
        }
        fn run(
            &self,
            _: &pw_analysis::ParamValues,
            s: &pw_analysis::Scenario,
            _: &pw_analysis::JobControl,
        ) -> Result<pw_analysis::AnalysisResult, pw_analysis::AnalysisError> {
            use pw_analysis::{Feature, FeatureGeometry, FeatureValues, Legend, Quantity};
            let mut features: Vec<Feature> = s
                .objects()
                // Buildings made only of parts have no surfaces of their own.
                .filter(|o| o.parent.is_none() && !o.extent().is_empty())
                .map(|o| {
                    let e = o.extent();
                    Feature {
                        id: o.id.clone(),
                        geometry: FeatureGeometry::Point([
                            (e.min[0] + e.max[0]) / 2.0,
                            (e.min[1] + e.max[1]) / 2.0,
                            e.max[2],
                        ]),
                        value: (e.max[2] - e.min[2]) as f32,
                    }
                })
                .collect();
            let first = s.objects().next().unwrap();
            let ring = first.surfaces[0].exterior.clone();
            features.push(Feature {
                id: "outline".into(),
                geometry: FeatureGeometry::Line(ring),
                value: 0.0,
            });
            let legend = Legend::new(
                "sunhours.legend",
                "m",
                &[(0.0, [0, 0, 255]), (10.0, [255, 0, 0])],
            );
            Ok(pw_analysis::AnalysisResult {
                label: "tops".into(),
                features: Some(FeatureValues {
                    quantity: Quantity {
                        key: "height",
                        label: "sunhours.legend",
                        unit: "m",
                        legend: legend.clone(),
                        difference_legend: Legend::difference(
                            "sunhours.legend_difference",
                            "m",
                            0.5,
                            2.0,
                        ),
                    },
                    features,
                    columns: Vec::new(),
                    absent_is_zero: false,
                }),
                ..Default::default()
            })
        }
    }

    #[test]
    fn points_and_lines_are_drawn_listed_and_compared_by_the_framework() {
        use super::{AnalysisCommand, AnalysisState, RegisterAnalysis};
        let mut app = crate::app::headless_core_app();
        app.register_analysis(std::sync::Arc::new(BuildingTops));
        let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/demo.scene");
        app.world_mut()
            .write_message(crate::layers::SceneCommand::Open(demo));
        crate::app::run_until(&mut app, |app| {
            !app.world()
                .resource::<crate::layers::city_draw::CityLayers>()
                .layers
                .is_empty()
        });
        app.world_mut().resource_mut::<AnalysisState>().selected = "tops".into();
        for _ in 0..2 {
            app.world_mut().write_message(AnalysisCommand::Run);
            let n = app.world().resource::<AnalysisState>().results.len();
            crate::app::run_until(&mut app, |app| {
                app.world().resource::<AnalysisState>().results.len() > n
            });
        }
        app.update();
        let state = app.world().resource::<AnalysisState>();
        let e = &state.results[0];
        let f = e.result.features.as_ref().unwrap();
        // The demo tile's buildings with surfaces of their own, and the
        // first footprint's outline.
        let buildings = app
            .world()
            .resource::<crate::layers::city_draw::CityLayers>()
            .layers
            .values()
            .next()
            .unwrap()
            .city
            .model
            .objects
            .iter()
            .filter(|o| o.parent.is_none() && !o.extent().is_empty())
            .count();
        assert!(buildings > 30, "{buildings}");
        assert_eq!(f.features.len(), buildings + 1);
        let segments = match &f.features[buildings].geometry {
            pw_analysis::FeatureGeometry::Line(r) => r.len() - 1,
            _ => unreachable!(),
        };
        let entity = e.features_entity.expect("points and lines drawn");
        let mesh = app
            .world()
            .get::<bevy::prelude::Mesh3d>(entity)
            .unwrap()
            .0
            .clone();
        let meshes = app
            .world()
            .resource::<bevy::prelude::Assets<bevy::prelude::Mesh>>();
        let vertices = meshes.get(&mesh).unwrap().count_vertices();
        assert!(
            vertices <= 4 * (buildings + segments) && vertices >= 4 * buildings,
            "{vertices}"
        );
        let (a, b) = (state.results[0].id, state.results[1].id);
        app.world_mut()
            .write_message(AnalysisCommand::Compare { a, b });
        app.update();
        let d = app
            .world()
            .resource::<AnalysisState>()
            .results
            .last()
            .unwrap()
            .result
            .clone();
        let df = d.features.as_ref().unwrap();
        assert_eq!(df.features.len(), buildings + 1);
        let odd: Vec<_> = df
            .features
            .iter()
            .filter(|f| f.value != 0.0)
            .map(|f| (&f.id, f.value))
            .collect();
        assert!(
            odd.is_empty(),
            "the same scenario twice: {} {odd:?}",
            d.label
        );
    }
}
