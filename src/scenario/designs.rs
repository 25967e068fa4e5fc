//! Design files of the shown variant, read in the background (a large
//! glTF must not stall the frame) and kept while the scene is open; when
//! one arrives the variant is shown again with it.

use super::{ScenarioCommand, ScenarioState};
use crate::base::jobs::Notices;
use crate::layers::ActiveScene;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, poll_once};
use pw_plan::design::{Design, DesignError, LoadedDesign};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Design files read so far, by resolved path; an error is kept too, so
/// that a broken file is reported once, not every frame.
#[derive(Resource, Default)]
pub struct DesignFiles {
    pub read: HashMap<PathBuf, Result<Arc<LoadedDesign>, DesignError>>,
    loading: HashMap<PathBuf, Task<Result<LoadedDesign, DesignError>>>,
    scene: Option<PathBuf>,
}

impl DesignFiles {
    /// The design's file as read, if it is in.
    pub fn get(&self, scene: Option<&Path>, d: &Design) -> Option<Arc<LoadedDesign>> {
        match self.read.get(&resolve(scene, d)) {
            Some(Ok(l)) => Some(l.clone()),
            _ => None,
        }
    }

    /// Still reading any?
    pub fn busy(&self) -> bool {
        !self.loading.is_empty()
    }
}

/// A design's path as the variant keeps it (relative to the scene file).
pub fn resolve(scene: Option<&Path>, d: &Design) -> PathBuf {
    match scene {
        Some(s) => pw_scene::Scene::resolve_path(s, &d.path.to_string_lossy()),
        None => d.path.clone(),
    }
}

/// Starts reading the shown variant's design files not read yet; takes in
/// what has arrived and shows the variant again with it.
pub(super) fn read_design_files(
    mut files: ResMut<DesignFiles>,
    state: Res<ScenarioState>,
    active: Res<ActiveScene>,
    mut notices: ResMut<Notices>,
    i18n: Res<crate::base::i18n::I18n>,
    mut out: MessageWriter<ScenarioCommand>,
) {
    if files.scene != active.path {
        *files = DesignFiles {
            scene: active.path.clone(),
            ..Default::default()
        };
    }
    let scene = active.path.as_deref();
    if let Some(v) = state.active.as_ref().and_then(|n| state.plan.get(n)) {
        let site = super::site_of(&active.scene);
        for d in &v.designs {
            let path = resolve(scene, d);
            if files.read.contains_key(&path) || files.loading.contains_key(&path) {
                continue;
            }
            let (crs, origin, p) = (site.crs, site.origin, path.clone());
            let task = AsyncComputeTaskPool::get()
                .spawn(async move { pw_plan::design::load(&p, crs, origin) });
            files.loading.insert(path, task);
        }
    }
    let mut arrived = false;
    let DesignFiles { read, loading, .. } = &mut *files;
    let done: Vec<PathBuf> = loading
        .iter_mut()
        .filter_map(|(p, t)| block_on(poll_once(&mut *t)).map(|r| (p.clone(), r)))
        .map(|(p, r)| {
            match &r {
                Ok(l) => l
                    .note_messages
                    .iter()
                    .for_each(|n| notices.info(i18n.render(n))),
                Err(e) => notices.error(i18n.render(&e.message())),
            }
            arrived = true;
            read.insert(p.clone(), r.map(Arc::new));
            p
        })
        .collect();
    for p in done {
        loading.remove(&p);
    }
    if arrived && state.active.is_some() {
        out.write(ScenarioCommand::Activate(state.active.clone()));
    }
}
