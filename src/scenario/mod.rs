//! The scenario every analysis runs on: the loaded scene plus the edits of
//! the variant in work (today: buildings removed from the inspector).
//! Edits change the picture and what analyses see, in one place.

pub mod headless;

use crate::base::i18n::I18n;
use crate::layers::city_draw::{BuildingCommand, CityLayers};
use crate::layers::{ActiveScene, LayerLoaded, Layers};
use crate::view::clock::SceneClock;
use bevy::prelude::*;
use pw_analysis::scenario::{Edits, InputStamp, Scenario, ScenarioLayer, Site};
use std::sync::Arc;

/// The edits in work. Empty = "Bestand".
#[derive(Resource, Debug, Default, Clone)]
pub struct ScenarioState {
    pub edits: Edits,
}

impl ScenarioState {
    /// "Bestand", or "Bestand mit Änderungen" once something is edited.
    pub fn name(&self, i18n: &I18n) -> String {
        i18n.tr(if self.edits.is_empty() {
            "scenario.existing"
        } else {
            "scenario.edited"
        })
        .to_string()
    }
}

#[derive(Message, Debug, Clone, PartialEq)]
pub enum ScenarioCommand {
    /// Take the object (with its building's parts) out of the scenario.
    Remove {
        layer: crate::layers::LayerId,
        object: usize,
    },
    /// Back to the scene as it is.
    RestoreAll,
}

pub struct ScenarioPlugin;

impl Plugin for ScenarioPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScenarioState>()
            .add_message::<ScenarioCommand>()
            .add_message::<BuildingCommand>()
            .add_systems(
                Update,
                (handle_commands, apply_to_loaded_layers, forget_on_new_scene)
                    .chain()
                    .after(crate::layers::LayersSystems)
                    .before(crate::layers::city_draw::CityLayerSystems),
            );
    }
}

fn handle_commands(
    mut reader: MessageReader<ScenarioCommand>,
    mut state: ResMut<ScenarioState>,
    mut building: MessageWriter<BuildingCommand>,
    city: Res<CityLayers>,
) {
    for cmd in reader.read() {
        match cmd {
            ScenarioCommand::Remove { layer, object } => {
                let Some(l) = city.layers.get(layer) else {
                    continue;
                };
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
                if let Some(o) = model.objects.get(root) {
                    state.edits.remove(o.id.clone());
                    building.write(BuildingCommand::Hide(*layer, root));
                }
            }
            ScenarioCommand::RestoreAll => {
                state.edits = Edits::default();
                for id in city.layers.keys() {
                    building.write(BuildingCommand::ShowAll(*id));
                }
            }
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

/// A new scene starts as it is.
fn forget_on_new_scene(
    active: Res<ActiveScene>,
    mut state: ResMut<ScenarioState>,
    mut last: Local<Option<std::path::PathBuf>>,
) {
    if active.is_changed() && active.path != *last {
        *last = active.path.clone();
        if !state.edits.is_empty() {
            state.edits = Edits::default();
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

/// The scenario as it stands: every shown city layer (tiles too) as
/// loaded, the scene's terrain, the edits, the clock's time.
pub fn current(
    name: String,
    active: &ActiveScene,
    layers: &Layers,
    city: &CityLayers,
    state: &ScenarioState,
    clock: &SceneClock,
) -> Scenario {
    let mut s = Scenario::new(name, site_of(&active.scene));
    let mut ids: Vec<_> = city.layers.keys().copied().collect();
    ids.sort();
    for id in ids {
        let l = &city.layers[&id];
        let visible = layers.get(l.owner).is_some_and(|e| e.def.visible) && l.shown;
        if !(visible && l.city.selectable) {
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
