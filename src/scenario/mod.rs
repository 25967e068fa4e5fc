//! The scenario every analysis runs on: "Bestand" (plus buildings removed from the
//! inspector) or one of the scene's variants from `<scene>.plan.toml`.
//!
//! Switching changes the picture and what analyses see in one place; variants are saved with
//! the scene; `headless.rs` builds the same scenario from a scene file for the CLI.

pub mod compare;
pub mod designs;
pub mod headless;
pub mod traffic;

use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::layers::city_draw::{BuildingCommand, CityLayers};
use crate::layers::{ActiveScene, LayerId, LayerLoaded, Layers, SceneCommand};
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use pw_analysis::scenario::{Edits, InputStamp, Scenario, ScenarioLayer, Site};
use pw_geo::elevation::Elevation;
use pw_plan::{PlanFile, Variant};
use std::sync::Arc;

/// The scenario in work.
#[derive(Resource, Debug, Default, Clone)]
pub struct ScenarioState {
    /// The scene's variants.
    pub plan: PlanFile,
    /// The variant shown; None = "Bestand".
    pub active: Option<String>,
    /// What analyses see on top of the loaded layers.
    pub edits: Edits,
    /// The generated layer showing the active variant's new buildings.
    pub volumes_layer: Option<LayerId>,
    /// Variants changed since the scene was saved.
    pub dirty: bool,
}

impl ScenarioState {
    /// "Bestand", "Bestand mit Änderungen", or the variant's name.
    pub fn name(&self, i18n: &I18n) -> String {
        match &self.active {
            Some(v) => v.clone(),
            None if self.edits.is_empty() => i18n.tr("scenario.existing").to_string(),
            None => i18n.tr("scenario.edited").to_string(),
        }
    }

    pub fn active_variant_mut(&mut self) -> Option<&mut Variant> {
        let name = self.active.clone()?;
        self.plan.variants.iter_mut().find(|v| v.name == name)
    }
}

/// A variant to show as soon as the scene has loaded (`--variant`).
#[derive(Resource, Debug, Default, Clone)]
pub struct StartVariant(pub Option<String>);

#[derive(Message, Debug, Clone, PartialEq)]
pub enum ScenarioCommand {
    /// Take the object (with its building's parts) out of the scenario;
    /// in a variant, the variant demolishes it.
    Remove { layer: LayerId, object: usize },
    /// Back to the scene as it is (leaves the variant).
    RestoreAll,
    /// Show a variant (None = Bestand).
    Activate(Option<String>),
    /// A new variant holding what was removed so far; it becomes active.
    NewVariant,
}

/// Scenario bookkeeping; tools that edit a variant run before it.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScenarioSystems;

pub struct ScenarioPlugin;

impl Plugin for ScenarioPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScenarioState>()
            .init_resource::<StartVariant>()
            .init_resource::<designs::DesignFiles>()
            .init_resource::<compare::CompareLayers>()
            .init_resource::<compare::PendingComparison>()
            .add_message::<compare::CompareCommand>()
            .add_message::<ScenarioCommand>()
            .add_message::<BuildingCommand>()
            .add_message::<SceneCommand>()
            .add_systems(
                Update,
                (
                    read_plan_of_new_scene,
                    start_variant,
                    compare::start_comparison,
                    designs::read_design_files,
                    handle_commands,
                    compare::handle_compare,
                    save_with_the_scene,
                    apply_to_loaded_layers,
                )
                    .chain()
                    .in_set(ScenarioSystems)
                    .after(crate::layers::LayersSystems)
                    .before(crate::layers::city_draw::CityLayerSystems),
            )
            .add_systems(
                Update,
                compare::put_sides_on_their_layers
                    .after(crate::layers::city_draw::CityLayerSystems),
            );
    }
}

/// The scene's ground at a point: terrain where there is some, else the
/// scene origin's height.
fn ground_of(layers: &Layers, frame: &SceneFrame) -> impl Fn(f64, f64) -> f64 {
    let stack = layers.terrain_stack();
    let fallback = frame.origin.world[2];
    move |x, y| stack.height_at(x, y).unwrap_or(fallback)
}

/// A new scene starts as it is, with the variants saved beside it.
fn read_plan_of_new_scene(
    active: Res<ActiveScene>,
    mut state: ResMut<ScenarioState>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
    mut last: Local<Option<std::path::PathBuf>>,
) {
    if !active.is_changed() || active.path == *last {
        return;
    }
    *last = active.path.clone();
    let plan = match active.path.as_deref() {
        Some(p) => PlanFile::load(&PlanFile::path_for(p)).unwrap_or_else(|e| {
            notices.error(i18n.render(&e.message()));
            PlanFile::default()
        }),
        None => PlanFile::default(),
    };
    *state = ScenarioState {
        plan,
        ..Default::default()
    };
}

/// Shows the `--variant` once the scene's layers are in.
fn start_variant(
    mut start: ResMut<StartVariant>,
    state: Res<ScenarioState>,
    layers: Res<Layers>,
    active: Res<ActiveScene>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
    mut out: MessageWriter<ScenarioCommand>,
) {
    let Some(name) = start.0.clone() else { return };
    let loading = layers
        .entries
        .iter()
        .any(|e| e.status == crate::layers::LayerStatus::Loading);
    if active.path.is_none() || layers.entries.is_empty() || loading {
        return;
    }
    start.0 = None;
    if state.plan.get(&name).is_some() {
        out.write(ScenarioCommand::Activate(Some(name)));
    } else {
        let names: Vec<&str> = state
            .plan
            .variants
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        notices.error(if names.is_empty() {
            i18n.trf("scenario.no_such_variant_none", &[("name", &name)])
        } else {
            i18n.trf(
                "scenario.no_such_variant",
                &[("name", &name), ("names", &names.join(", "))],
            )
        });
    }
}

/// Colours of planned buildings: warm orange, apart from the existing
/// city's brick roofs and white walls, from the highlight and the results.
fn planned_style() -> pw_scene::Style {
    pw_scene::Style {
        roof_color: Some("#E67E22".into()),
        wall_color: Some("#F5B041".into()),
        ..Default::default()
    }
}

/// Shows `edits` in the picture: every layer restored, then the removed
/// buildings hidden; the variant's new buildings as a generated layer.
#[allow(clippy::too_many_arguments)]
fn show(
    removals_changed: bool,
    state: &mut ScenarioState,
    layers: &mut Layers,
    city: &CityLayers,
    frame: &SceneFrame,
    building: &mut MessageWriter<BuildingCommand>,
    loaded: &mut MessageWriter<LayerLoaded>,
    removed: &mut MessageWriter<crate::layers::LayerRemoved>,
) {
    // (A pass over every object of every layer: only when the removals
    // changed, not on each edit of a volume.)
    if removals_changed {
        for id in city.layers.keys() {
            building.write(BuildingCommand::ShowAll(*id));
        }
        for (id, l) in &city.layers {
            for (i, o) in l.city.model.objects.iter().enumerate() {
                if o.parent.is_none() && state.edits.removed.contains(&o.id) {
                    building.write(BuildingCommand::Hide(*id, i));
                }
            }
        }
    }
    if let Some(old) = state.volumes_layer.take() {
        layers.entries.retain(|e| e.id != old);
        layers.generated.retain(|g| *g != old);
        removed.write(crate::layers::LayerRemoved(old));
    }
    let (Some(name), Some(model)) = (state.active.clone(), state.edits.added.first().cloned())
    else {
        return;
    };
    let id = add_generated_city(
        layers,
        frame,
        loaded,
        format!("{name} – Neubauten"),
        model,
        planned_style(),
    );
    state.volumes_layer = Some(id);
}

/// A city model made here (a variant's new buildings, buildings shown
/// again for one side of a comparison) as a layer that is drawn and picked
/// but never saved into the scene.
fn add_generated_city(
    layers: &mut Layers,
    frame: &SceneFrame,
    loaded: &mut MessageWriter<LayerLoaded>,
    name: String,
    model: Arc<pw_city::CityModel>,
    style: pw_scene::Style,
) -> LayerId {
    let def = pw_scene::Layer::new(name, pw_scene::LayerKind::Citygml, "");
    let id = layers.add_generated(def);
    let mut city = crate::layers::city::loaded_from_model(model, &frame.origin);
    city.style = style;
    if let Some(e) = layers.get_mut(id) {
        e.status = crate::layers::LayerStatus::Ready;
        e.extent = city.extent(&frame.origin);
        e.summary = Some(city.summary.clone());
    }
    loaded.write(LayerLoaded {
        id,
        owner: id,
        city: Arc::new(city),
    });
    id
}

/// The edits a variant makes (None: Bestand), its designs placed as far
/// as their files have been read; and the designs that could not be.
fn edits_of(
    state: &ScenarioState,
    name: Option<&str>,
    layers: &Layers,
    frame: &SceneFrame,
    design_files: &designs::DesignFiles,
    scene_path: Option<&std::path::Path>,
) -> (Edits, Vec<pw_plan::design::DesignError>) {
    match name.and_then(|n| state.plan.get(n)) {
        Some(v) => v.edits_with_designs(&ground_of(layers, frame), &|d| {
            design_files.get(scene_path, d)
        }),
        None => (Edits::default(), Vec::new()),
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_commands(
    mut reader: MessageReader<ScenarioCommand>,
    mut state: ResMut<ScenarioState>,
    mut layers: ResMut<Layers>,
    city: Res<CityLayers>,
    frame: Res<SceneFrame>,
    i18n: Res<I18n>,
    mut notices: ResMut<Notices>,
    mut building: MessageWriter<BuildingCommand>,
    mut loaded: MessageWriter<LayerLoaded>,
    mut removed: MessageWriter<crate::layers::LayerRemoved>,
    (design_files, active): (Res<designs::DesignFiles>, Res<ActiveScene>),
    (comparison, mut compare_out): (
        Res<crate::view::compare::Comparison>,
        MessageWriter<compare::CompareCommand>,
    ),
) {
    let comparing = comparison.mode != crate::view::compare::CompareMode::Off;
    for cmd in reader.read() {
        match cmd {
            ScenarioCommand::Remove { layer, object } => {
                let Some(l) = city.layers.get(layer) else {
                    continue;
                };
                if comparing {
                    // Both sides would lose it: the comparison ends.
                    compare_out.write(compare::CompareCommand::Stop);
                }
                if Some(*layer) == state.volumes_layer {
                    // A planned building is edited in its variant, not demolished.
                    continue;
                }
                let model = &l.city.model;
                // A part stands for its building: the whole building goes.
                // (16 steps at most: bad data can make parents a loop.)
                let mut root = *object;
                for _ in 0..16 {
                    match model.objects.get(root).and_then(|o| o.parent) {
                        Some(p) => root = p,
                        None => break,
                    }
                }
                let Some(o) = model.objects.get(root) else {
                    continue;
                };
                let id = o.id.clone();
                state.edits.remove(id.clone());
                if let Some(v) = state.active_variant_mut()
                    && !v.removed.contains(&id)
                {
                    v.removed.push(id);
                    state.dirty = true;
                }
                building.write(BuildingCommand::Hide(*layer, root));
            }
            ScenarioCommand::RestoreAll | ScenarioCommand::Activate(None) => {
                // Another picture than the comparison's: it ends.
                if comparing {
                    compare_out.write(compare::CompareCommand::Stop);
                }
                state.active = None;
                state.edits = Edits::default();
                show(
                    true,
                    &mut state,
                    &mut layers,
                    &city,
                    &frame,
                    &mut building,
                    &mut loaded,
                    &mut removed,
                );
            }
            ScenarioCommand::Activate(Some(name)) => {
                let Some(v) = state.plan.get(name) else {
                    continue;
                };
                for p in v.problems() {
                    notices.error(i18n.render(&crate::layers::at_source(name, p.message())));
                }
                let (edits, problems) = edits_of(
                    &state,
                    Some(name),
                    &layers,
                    &frame,
                    &design_files,
                    active.path.as_deref(),
                );
                for p in problems {
                    notices.error(i18n.render(&p.message()));
                }
                let same =
                    state.active.as_ref() == Some(name) && state.edits.removed == edits.removed;
                // Edits of the compared variant that keep its demolitions
                // redraw its side; anything else ends the comparison.
                if comparing && !same {
                    compare_out.write(compare::CompareCommand::Stop);
                }
                state.active = Some(name.clone());
                state.edits = edits;
                show(
                    !same,
                    &mut state,
                    &mut layers,
                    &city,
                    &frame,
                    &mut building,
                    &mut loaded,
                    &mut removed,
                );
            }
            ScenarioCommand::NewVariant => {
                let taken = |n: &str| state.plan.get(n).is_some();
                let name = (1..)
                    .map(|k| i18n.trf("scenario.variant_n", &[("n", &k)]))
                    .find(|n| !taken(n))
                    .expect("a free name");
                let mut v = Variant::new(name.clone());
                v.removed = state.edits.removed.iter().cloned().collect();
                state.plan.variants.push(v);
                state.dirty = true;
                state.active = Some(name);
            }
        }
    }
}

/// "Speichern" writes the variants beside the scene file.
fn save_with_the_scene(
    mut reader: MessageReader<SceneCommand>,
    mut state: ResMut<ScenarioState>,
    active: Res<ActiveScene>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    for cmd in reader.read() {
        let path = match cmd {
            SceneCommand::Save => active.path.clone(),
            SceneCommand::SaveAs(p) => Some(p.clone()),
            _ => continue,
        };
        let Some(path) = path else { continue };
        let plan_path = PlanFile::path_for(&path);
        if state.plan.variants.is_empty() && !plan_path.exists() {
            continue;
        }
        match state.plan.save(&plan_path) {
            Ok(()) => state.dirty = false,
            Err(e) => notices.error(i18n.render(&e.message())),
        }
    }
}

/// Layers (and streamed tiles) that arrive later hide what the scenario
/// removed.
fn apply_to_loaded_layers(
    mut loaded: MessageReader<LayerLoaded>,
    state: Res<ScenarioState>,
    mut building: MessageWriter<BuildingCommand>,
) {
    for l in loaded.read() {
        if state.edits.removed.is_empty() {
            continue;
        }
        let model = &l.city.model;
        for (i, o) in model.objects.iter().enumerate() {
            if o.parent.is_none() && state.edits.removed.contains(&o.id) {
                building.write(BuildingCommand::Hide(l.id, i));
            }
        }
    }
}

/// The scene's site: CRS, origin, city, time zone.
pub fn site_of(scene: &pw_scene::Scene) -> Site {
    Site {
        crs: pw_geo::Crs::parse(&scene.crs).ok(),
        origin: scene.origin,
        latitude: scene.city.latitude,
        longitude: scene.city.longitude,
        time_zone: scene.city.time_zone.clone(),
    }
}

/// The scene's protected views as the analyses take them.
pub fn view_corridors_of(scene: &pw_scene::Scene) -> Vec<pw_analysis::scenario::ViewCorridor> {
    scene
        .view_corridors
        .iter()
        .map(|c| pw_analysis::scenario::ViewCorridor {
            name: c.name.clone(),
            from: c.from,
            to: c.to,
            width: c.width,
        })
        .collect()
}

/// What a scenario is made of in the window: the scene, its layers, the
/// clock and the sensors (for traffic counts).
#[derive(bevy::ecs::system::SystemParam)]
pub struct ScenarioInputs<'w> {
    pub active: Res<'w, ActiveScene>,
    pub layers: Res<'w, Layers>,
    pub city: Res<'w, CityLayers>,
    pub clock: Res<'w, SceneClock>,
    pub sensors: Option<Res<'w, crate::sensors::state::Sensors>>,
}

impl ScenarioInputs<'_> {
    pub fn current(&self, name: String, state: &ScenarioState) -> Scenario {
        current(
            name,
            &self.active,
            &self.layers,
            &self.city,
            state,
            &self.clock,
            self.sensors.as_deref(),
        )
    }
}

/// The scenario as it stands: every shown city layer (tiles too) as
/// loaded, the scene's terrain, the edits, the clock's time. Generated
/// layers are left out: the edits hold what they show.
pub fn current(
    name: String,
    active: &ActiveScene,
    layers: &Layers,
    city: &CityLayers,
    state: &ScenarioState,
    clock: &SceneClock,
    sensors: Option<&crate::sensors::state::Sensors>,
) -> Scenario {
    let mut s = Scenario::new(name, site_of(&active.scene));
    s.view_corridors = view_corridors_of(&active.scene);
    s.traffic = traffic::traffic_inputs_of(
        &active.scene,
        active.path.as_deref(),
        sensors,
        clock.instant.as_millisecond(),
    );
    let mut ids: Vec<_> = city.layers.keys().copied().collect();
    ids.sort();
    for id in ids {
        let l = &city.layers[&id];
        let visible = layers.get(l.owner).is_some_and(|e| e.shown()) && l.shown;
        if !(visible && l.city.selectable) || layers.is_generated(l.owner) {
            continue;
        }
        let entry = layers.get(id).or_else(|| layers.get(l.owner));
        s.layers.push(ScenarioLayer {
            name: entry.map(|e| e.def.name.clone()).unwrap_or_default(),
            model: l.city.model.clone(),
            input: entry.map(|e| InputStamp::of(&e.source)),
        });
    }
    let stack = layers.terrain_stack();
    if !stack.is_empty() {
        s.terrain = Some(Arc::new(stack));
    }
    s.edits = state.edits.clone();
    s.clock = clock.instant.as_millisecond() as f64 / 1000.0;
    s
}
