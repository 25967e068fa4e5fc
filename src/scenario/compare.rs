//! What each side of a comparison shows (see `view::compare` for the
//! cameras). The shared city hides every building either side demolishes;
//! each side gets back, on its own render layer, the buildings only the
//! other side demolishes, and shows its own new buildings. The right side
//! is also the scenario analyses see (it is "active").

use super::{
    ScenarioState, add_generated_city, designs::DesignFiles, edits_of, planned_style, show,
};
use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::layers::city_draw::{BuildingCommand, CityBatch, CityLayers};
use crate::layers::{ActiveScene, LayerId, LayerLoaded, Layers};
use crate::view::compare::{CompareMode, Comparison, LEFT, RIGHT};
use crate::view::frame::SceneFrame;
use bevy::camera::visibility::RenderLayers;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use pw_city::CityModel;
use std::collections::BTreeSet;
use std::sync::Arc;

#[derive(Message, Debug, Clone, PartialEq)]
pub enum CompareCommand {
    /// Compare two scenarios (None: Bestand).
    Start {
        mode: CompareMode,
        left: Option<String>,
        right: Option<String>,
    },
    /// The swipe divider, 0 … 1 of the view's width.
    Divider(f32),
    Stop,
}

/// A comparison to show once the scene has loaded (`--compare`).
#[derive(Debug, Clone, PartialEq)]
pub struct StartComparison {
    pub mode: CompareMode,
    pub left: Option<String>,
    pub right: Option<String>,
    pub divider: f32,
}

#[derive(Resource, Debug, Default, Clone)]
pub struct PendingComparison(pub Option<StartComparison>);

/// Starts the `--compare` once every layer is in (and design files read).
pub(super) fn start_comparison(
    mut pending: ResMut<PendingComparison>,
    layers: Res<Layers>,
    active: Res<ActiveScene>,
    state: Res<ScenarioState>,
    design_files: Res<DesignFiles>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
    mut out: MessageWriter<CompareCommand>,
) {
    let Some(start) = pending.0.clone() else {
        return;
    };
    let loading = layers
        .entries
        .iter()
        .any(|e| e.status == crate::layers::LayerStatus::Loading);
    if active.path.is_none() || layers.entries.is_empty() || loading || design_files.busy() {
        return;
    }
    pending.0 = None;
    for name in [&start.left, &start.right].into_iter().flatten() {
        if state.plan.get(name).is_none() {
            notices.error(i18n.trf("scenario.no_such_variant_to_compare", &[("name", name)]));
            return;
        }
    }
    out.write(CompareCommand::Divider(start.divider));
    out.write(CompareCommand::Start {
        mode: start.mode,
        left: start.left,
        right: start.right,
    });
}

/// The layers made for the sides (removed again when the comparison ends).
#[derive(Resource, Debug, Default)]
pub struct CompareLayers {
    pub left: Vec<LayerId>,
    pub right: Vec<LayerId>,
}

#[derive(SystemParam)]
pub(super) struct Scene<'w> {
    layers: ResMut<'w, Layers>,
    city: Res<'w, CityLayers>,
    frame: Res<'w, SceneFrame>,
    design_files: Res<'w, DesignFiles>,
    active: Res<'w, ActiveScene>,
}

/// The existing buildings (with their parts) whose ids are in `ids`, from
/// the scene's own city layers, as one model.
fn existing(city: &CityLayers, layers: &Layers, ids: &BTreeSet<String>) -> CityModel {
    let mut out = CityModel::default();
    if ids.is_empty() {
        return out;
    }
    let mut keys: Vec<_> = city.layers.keys().copied().collect();
    keys.sort();
    for k in keys {
        let l = &city.layers[&k];
        if layers.is_generated(l.owner) {
            continue;
        }
        let model = &l.city.model;
        let mut index = std::collections::HashMap::new();
        for (i, o) in model.objects.iter().enumerate() {
            let root = o.parent.and_then(|p| model.objects.get(p)).unwrap_or(o);
            if ids.contains(&root.id) {
                index.insert(i, out.objects.len());
                out.objects.push(o.clone());
            }
        }
        let start = out.objects.len() - index.len();
        for o in &mut out.objects[start..] {
            o.parent = o.parent.and_then(|p| index.get(&p).copied());
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub(super) fn handle_compare(
    mut reader: MessageReader<CompareCommand>,
    mut comparison: ResMut<Comparison>,
    mut sides: ResMut<CompareLayers>,
    mut state: ResMut<ScenarioState>,
    mut scene: Scene,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
    mut building: MessageWriter<BuildingCommand>,
    mut loaded: MessageWriter<LayerLoaded>,
    mut removed: MessageWriter<crate::layers::LayerRemoved>,
) {
    for cmd in reader.read() {
        match cmd {
            CompareCommand::Divider(x) => comparison.divider = x.clamp(0.0, 1.0),
            CompareCommand::Stop | CompareCommand::Start { .. } => {
                let mut old: Vec<LayerId> = sides.left.drain(..).collect();
                old.append(&mut sides.right);
                for id in old {
                    scene.layers.entries.retain(|e| e.id != id);
                    scene.layers.generated.retain(|g| *g != id);
                    removed.write(crate::layers::LayerRemoved(id));
                }
                let CompareCommand::Start { mode, left, right } = cmd else {
                    // Back to the right side alone, as it was active.
                    comparison.mode = CompareMode::Off;
                    show(
                        true,
                        &mut state,
                        &mut scene.layers,
                        &scene.city,
                        &scene.frame,
                        &mut building,
                        &mut loaded,
                        &mut removed,
                    );
                    continue;
                };
                let path = scene.active.path.clone();
                let edits = |name: &Option<String>, state: &ScenarioState| {
                    edits_of(
                        state,
                        name.as_deref(),
                        &scene.layers,
                        &scene.frame,
                        &scene.design_files,
                        path.as_deref(),
                    )
                };
                let (left_edits, p1) = edits(left, &state);
                let (right_edits, p2) = edits(right, &state);
                for p in p1.iter().chain(&p2) {
                    notices.error(i18n.render(&p.message()));
                }
                // The right side is the active scenario.
                let only_left: BTreeSet<String> = left_edits
                    .removed
                    .difference(&right_edits.removed)
                    .cloned()
                    .collect();
                let only_right: BTreeSet<String> = right_edits
                    .removed
                    .difference(&left_edits.removed)
                    .cloned()
                    .collect();
                state.active = right.clone();
                state.edits = right_edits;
                show(
                    true,
                    &mut state,
                    &mut scene.layers,
                    &scene.city,
                    &scene.frame,
                    &mut building,
                    &mut loaded,
                    &mut removed,
                );
                // The shared city: without what the left side demolishes too.
                for (id, l) in &scene.city.layers {
                    for (i, o) in l.city.model.objects.iter().enumerate() {
                        if o.parent.is_none() && only_left.contains(&o.id) {
                            building.write(BuildingCommand::Hide(*id, i));
                        }
                    }
                }
                let name = |n: &Option<String>| {
                    n.clone()
                        .unwrap_or_else(|| i18n.tr("scenario.existing").to_string())
                };
                let kept_left = existing(&scene.city, &scene.layers, &only_right);
                let kept_right = existing(&scene.city, &scene.layers, &only_left);
                let mut add = |model: CityModel, label: String, style| {
                    (!model.objects.is_empty()).then(|| {
                        add_generated_city(
                            &mut scene.layers,
                            &scene.frame,
                            &mut loaded,
                            label,
                            Arc::new(model),
                            style,
                        )
                    })
                };
                // Left: what only the right demolishes, and its new buildings.
                sides.left.extend(add(
                    kept_left,
                    format!("{} – Bestand", name(left)),
                    Default::default(),
                ));
                if let Some(new) = left_edits.added.first() {
                    sides.left.extend(add(
                        (**new).clone(),
                        format!("{} – Neubauten", name(left)),
                        planned_style(),
                    ));
                }
                // Right: what only the left demolishes (its new buildings
                // are the active variant's layer).
                sides.right.extend(add(
                    kept_right,
                    format!("{} – Bestand", name(right)),
                    Default::default(),
                ));
                *comparison = Comparison {
                    mode: *mode,
                    left: left.clone(),
                    right: right.clone(),
                    divider: comparison.divider,
                };
            }
        }
    }
}

/// Puts each side's drawings on its render layer (they are spawned by the
/// city drawing a frame later, and again whenever they are rebuilt).
pub(super) fn put_sides_on_their_layers(
    mut commands: Commands,
    comparison: Res<Comparison>,
    sides: Res<CompareLayers>,
    state: Res<ScenarioState>,
    batches: Query<(Entity, &CityBatch, Option<&RenderLayers>)>,
) {
    if comparison.mode == CompareMode::Off {
        return;
    }
    for (entity, batch, layers) in &batches {
        let side = if sides.left.contains(&batch.layer) {
            LEFT
        } else if sides.right.contains(&batch.layer) || state.volumes_layer == Some(batch.layer) {
            RIGHT
        } else {
            continue;
        };
        let want = RenderLayers::layer(side);
        if layers != Some(&want) {
            commands.entity(entity).insert(want);
        }
    }
}
