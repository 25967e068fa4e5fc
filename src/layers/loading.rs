//! Background loading: a layer's registered loader runs on the
//! AsyncComputeTaskPool as a cancellable job; finished loads update the
//! layer and are announced; ground-relative layers load again onto terrain.

use super::registry::{LayerKinds, LoadHow, LoadRequest};
use super::{LayerId, LayerLoaded, LayerStatus, Layers, LoadError, LoadedCity, StartLayerLoad};
use crate::base::i18n::I18n;
use crate::base::jobs::Jobs;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, poll_once};
use std::sync::Arc;

#[derive(Component)]
pub(super) struct LoadTask {
    pub(super) layer: LayerId,
    pub(super) job: u64,
    pub(super) task: Task<Result<LoadedCity, LoadError>>,
}

/// Loads a layer again (another theme or style), cancelling a load under way.
#[allow(clippy::too_many_arguments)]
pub(super) fn reload(
    commands: &mut Commands,
    layers: &mut Layers,
    jobs: &mut Jobs,
    id: LayerId,
    frame: &SceneFrame,
    i18n: &I18n,
    kinds: &LayerKinds,
    tasks: &Query<(Entity, &LoadTask)>,
) {
    for (entity, task) in tasks {
        if task.layer == id {
            jobs.cancel(task.job);
            jobs.finish(task.job);
            commands.entity(entity).despawn();
        }
    }
    start_loading(commands, layers, jobs, id, frame, i18n, kinds);
}

/// Starts loading a layer the way its kind registered: in the background,
/// streamed by the kind's plugin, or picked up by it; unknown kinds are
/// `NotSupported`.
pub(super) fn start_loading(
    commands: &mut Commands,
    layers: &mut Layers,
    jobs: &mut Jobs,
    id: LayerId,
    frame: &SceneFrame,
    i18n: &I18n,
    kinds: &LayerKinds,
) {
    let view_box = layers.view_box;
    let Some(entry) = layers.get_mut(id) else {
        return;
    };
    let on_network = super::services::waits_on_network(&entry.def);
    let Some(registration) = kinds.get(entry.def.kind) else {
        entry.status = LayerStatus::NotSupported;
        return;
    };
    if let Some(hint) = &entry.def.if_missing
        && !entry.def.path.contains("://")
        && !entry.source.exists()
    {
        entry.status = LayerStatus::Absent(hint.clone());
        return;
    }
    entry.status = LayerStatus::Loading;
    // A service layer asks for the ground in view: it waits until the
    // camera has settled (`view::view_box` says so, `services::follow_view`
    // starts it then).
    if entry.def.service.is_some() {
        match view_box {
            Some(v) => entry.asked_box = Some(super::services::asked_box(v)),
            None => return,
        }
    }
    let load = match registration.load {
        // Set up and streamed by the kind's plugin (basemaps).
        LoadHow::ByPlugin => return,
        LoadHow::Streamed => None,
        LoadHow::Background(load) => Some(load),
    };
    let job = jobs.start(format!(
        "{} – {}",
        i18n.tr("layers.loading"),
        entry.def.name
    ));
    let Some(load) = load else {
        commands.write_message(StartLayerLoad {
            id,
            kind: entry.def.kind,
            job: job.id,
        });
        return;
    };
    let request = LoadRequest {
        layer: entry.def.clone(),
        source: entry.source.clone(),
        scene_crs: frame.crs,
        origin: frame.origin,
        control: job.control.clone(),
        terrain: layers.terrain_stack(),
        ground: layers.ground_height(frame.origin.world[2]),
        view: layers.get(id).and_then(|e| e.asked_box),
        service_copies: layers.service_copies.clone(),
    };
    let task = if on_network {
        // Blocking HTTP on a thread of its own; the pool only awaits it.
        let (tx, rx) = async_channel::bounded(1);
        let spawned = std::thread::Builder::new()
            .name("layer from the web".into())
            .spawn(move || {
                let _ = tx.send_blocking(load(&request));
            });
        AsyncComputeTaskPool::get().spawn(async move {
            match spawned {
                Ok(_) => rx.recv().await.unwrap_or_else(|_| {
                    Err(LoadError::Failed(
                        pw_text::Message::new("layer.error.thread_ended")
                            .english("the loading thread ended early"),
                    ))
                }),
                Err(e) => Err(crate::layers::system_error(e)),
            }
        })
    } else {
        AsyncComputeTaskPool::get().spawn(async move { load(&request) })
    };
    commands.spawn(LoadTask {
        layer: id,
        job: job.id,
        task,
    });
}

pub(super) fn poll_load_tasks(
    mut commands: Commands,
    mut tasks: Query<(Entity, &mut LoadTask)>,
    mut layers: ResMut<Layers>,
    mut jobs: ResMut<Jobs>,
    mut loaded: MessageWriter<LayerLoaded>,
    frame: Res<SceneFrame>,
    i18n: Res<I18n>,
    kinds: Res<LayerKinds>,
) {
    for (entity, mut load) in &mut tasks {
        let Some(result) = block_on(poll_once(&mut load.task)) else {
            continue;
        };
        commands.entity(entity).despawn();
        jobs.finish(load.job);
        let Some(entry) = layers.get_mut(load.layer) else {
            continue;
        };
        match result {
            Ok(city) => {
                entry.status = LayerStatus::Ready;
                entry.extent = city.extent(&frame.origin);
                entry.issues = city.model.issues.clone();
                entry.has_attributes = city.vector.as_ref().is_some_and(|v| !v.fields.is_empty());
                entry.summary = Some(city.summary.clone());
                entry.relative_heights = city.relative_heights && !city.placed_on_terrain;
                entry.draped_on = city.draped_on;
                if let Some(t) = &city.terrain {
                    layers.terrain.retain(|(id, _)| *id != load.layer);
                    layers.terrain.push((load.layer, t.clone()));
                }
                loaded.write(LayerLoaded {
                    id: load.layer,
                    owner: load.layer,
                    city: Arc::new(city),
                });
            }
            Err(LoadError::Failed(message)) => entry.status = LayerStatus::Failed(message),
            Err(LoadError::NeedsCrs(question)) => entry.status = LayerStatus::NeedsCrs(question),
        }
    }
    // A draped layer is laid again once every layer that sets the ground is
    // in, not after each city layer.
    let ground_settled = !layers.entries.iter().any(|e| {
        e.status == LayerStatus::Loading
            && !matches!(
                e.def.kind,
                pw_scene::LayerKind::Vector | pw_scene::LayerKind::Basemap
            )
    });
    // Layers draped onto a ground that has moved since (a city layer came
    // after them), and ground-relative layers still off the terrain (loaded
    // before it, or while it was loading): load again onto what is there.
    let ground = layers.ground_height(frame.origin.world[2]);
    let on_terrain = !layers.terrain.is_empty();
    let again: Vec<LayerId> = layers
        .entries
        .iter()
        .filter(|e| e.status == LayerStatus::Ready)
        .filter(|e| {
            if on_terrain {
                e.relative_heights
            } else {
                ground_settled && e.draped_on.is_some_and(|g| (g - ground).abs() > 0.01)
            }
        })
        .map(|e| e.id)
        .collect();
    for id in again {
        if let Some(e) = layers.get_mut(id) {
            e.draped_on = None;
            e.relative_heights = false;
        }
        start_loading(
            &mut commands,
            &mut layers,
            &mut jobs,
            id,
            &frame,
            &i18n,
            &kinds,
        );
    }
}

#[cfg(test)]
mod terrain_tests {
    use super::*;
    use std::path::{Path, PathBuf};

    const SIG3D: &str =
        "../shared/data/citygml/sig3d_terrain/Building_and_garage_LOD2-EPSG25832_CityGML2.gml";

    /// The SIG3D building without its relief and with heights from 0 m (as
    /// ground-relative LoD2 deliveries come), written next to the scene.
    fn relative_copy(dir: &Path) -> PathBuf {
        let text =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SIG3D)).unwrap();
        let relief = text.find("<dem:ReliefFeature").unwrap();
        let start = text[..relief].rfind("<cityObjectMember").unwrap();
        let end = relief
            + text[relief..].find("</cityObjectMember>").unwrap()
            + "</cityObjectMember>".len();
        let mut out = String::new();
        let mut rest = &format!("{}{}", &text[..start], &text[end..])[..];
        while let Some(open) = rest.find("<gml:posList") {
            let body = open + rest[open..].find('>').unwrap() + 1;
            let close = body + rest[body..].find("</gml:posList>").unwrap();
            out += &rest[..body];
            let shifted: Vec<String> = rest[body..close]
                .split_ascii_whitespace()
                .enumerate()
                .map(|(i, v)| {
                    let v: f64 = v.parse().unwrap();
                    if i % 3 == 2 {
                        format!("{}", v - 112.0)
                    } else {
                        format!("{v}")
                    }
                })
                .collect();
            out += &shifted.join(" ");
            rest = &rest[close..];
        }
        out += rest;
        let path = dir.join("relative.gml");
        std::fs::write(&path, out).unwrap();
        path
    }

    #[test]
    fn ground_relative_buildings_are_set_onto_terrain_from_another_layer() {
        let dir = std::env::temp_dir().join(format!("pw-terrain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let relative = relative_copy(&dir);
        let terrain = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SIG3D);
        let scene = dir.join("t.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [458880.0, 5438352.0, 112.0]\n\
                 [[layers]]\nname = \"relativ\"\nkind = \"citygml\"\npath = {:?}\n\
                 [[layers]]\nname = \"Gelände\"\nkind = \"citygml\"\npath = {:?}\n",
                relative.display().to_string(),
                terrain.display().to_string()
            ),
        )
        .unwrap();
        let mut app = crate::app::headless_app(&scene);
        let start = std::time::Instant::now();
        loop {
            app.update();
            let layers = app.world().resource::<Layers>();
            let rel = &layers.entries[0];
            let done = layers
                .entries
                .iter()
                .all(|e| e.status == LayerStatus::Ready)
                && !layers.terrain.is_empty()
                && rel.extent.is_some_and(|e| e.min[2] > 100.0);
            if done {
                break;
            }
            assert!(start.elapsed().as_secs() < 30, "{:?}", layers.entries);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let layers = app.world().resource::<Layers>();
        let e = layers.entries[0].extent.unwrap();
        // The ground slab lies on the TIN at 112 m again; roof ridge 117 m.
        assert!(
            (e.min[2] - 112.0).abs() < 1e-6 && (e.max[2] - 117.0).abs() < 1e-6,
            "{e:?}"
        );
        assert!(
            layers.entries[0]
                .issues
                .iter()
                .any(|i| i.to_string().contains("set onto the terrain")),
            "{:?}",
            layers.entries[0].issues
        );
        assert_eq!(layers.terrain.len(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }
}
