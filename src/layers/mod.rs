//! The scene and its layers: the layer model, the kind registry, scene
//! commands and background loading, and one file per layer kind.
//!
//! Adding a kind: a file here with its loader, sniff and plugin (which calls
//! `app.register_layer_kind(..)`), and that plugin in `app.rs`. Loaders
//! produce engine-free results (`pw-city` models and batches); `city_draw`
//! turns them into meshes.

pub mod basemap;
pub mod city;
pub mod city_draw;
pub mod loading;
pub mod model;
pub mod online;
pub mod point_symbols;
pub mod registry;
pub mod scene;
pub mod services;
pub mod terrain;
pub mod terrain_lod;
pub mod tiles;
pub mod tiles_http;
pub mod vector;

pub use model::*;
pub use registry::{AppLayerKinds, LayerKindRegistration, LayerKinds, LoadHow, LoadRequest};

use crate::base::jobs::{Jobs, Notices};
use crate::view::frame::SceneFrame;
use bevy::prelude::*;

/// Scene and layer bookkeeping; display systems run after it.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct LayersSystems;

pub struct LayersPlugin;

impl Plugin for LayersPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ActiveScene>()
            .init_resource::<Layers>()
            .init_resource::<LayerKinds>()
            .init_resource::<Jobs>()
            .init_resource::<Notices>()
            .init_resource::<SceneFrame>()
            .add_message::<SceneCommand>()
            .add_message::<LayerLoaded>()
            .add_message::<LayerRemoved>()
            .add_message::<ViewRequest>()
            .add_message::<StartLayerLoad>()
            .add_systems(
                Update,
                (scene::handle_scene_commands, loading::poll_load_tasks)
                    .chain()
                    .in_set(LayersSystems),
            )
            .init_resource::<crate::base::audience::Audience>()
            .add_systems(Update, withhold_restricted.before(LayersSystems))
            .add_systems(Last, expire_notices);
    }
}

/// Restricted layers are withheld while the public looks, and only then.
pub fn withhold_restricted(
    audience: Res<crate::base::audience::Audience>,
    mut layers: ResMut<Layers>,
) {
    let wrong = |e: &LayerEntry| e.withheld != (audience.public && e.def.restricted);
    if !layers.entries.iter().any(wrong) {
        return;
    }
    for e in layers.entries.iter_mut() {
        e.withheld = audience.public && e.def.restricted;
    }
}

fn expire_notices(mut notices: ResMut<Notices>) {
    let stale = notices.items.iter().any(|n| {
        !n.error && n.created.elapsed().as_secs() >= crate::base::jobs::INFO_NOTICE_SECONDS
    });
    if stale {
        notices.expire();
    }
}
