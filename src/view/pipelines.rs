//! Whether the renderer has every pipeline it needs: read by drivers that
//! must capture finished frames (screenshots, pictures). On a software
//! renderer pipelines compile for seconds and early frames are black.

use bevy::prelude::*;
use bevy::render::render_resource::{CachedPipelineState, PipelineCache};
use bevy::render::{Render, RenderApp};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Written by the render world, read by the main world.
#[derive(Resource, Clone, Default)]
pub struct PipelineStatus {
    ready: Arc<AtomicBool>,
    count: Arc<AtomicU32>,
}

impl PipelineStatus {
    /// Every pipeline compiled, none waiting.
    pub fn ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }

    /// How many pipelines exist (a new view adds its variants).
    pub fn count(&self) -> u32 {
        self.count.load(Ordering::Relaxed)
    }
}

pub struct PipelineStatusPlugin;

impl Plugin for PipelineStatusPlugin {
    fn build(&self, app: &mut App) {
        let status = PipelineStatus::default();
        app.insert_resource(status.clone());
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            render_app
                .insert_resource(status)
                .add_systems(Render, report_pipelines);
        }
    }
}

fn report_pipelines(cache: Option<Res<PipelineCache>>, status: Res<PipelineStatus>) {
    let Some(cache) = cache else { return };
    let mut count = 0u32;
    let mut all_ok = cache.waiting_pipelines().next().is_none();
    for p in cache.pipelines() {
        count += 1;
        // Err is usually ShaderNotLoaded, which Bevy retries: not ready yet.
        if !matches!(p.state, CachedPipelineState::Ok(_)) {
            all_ok = false;
        }
    }
    status.ready.store(all_ok && count > 0, Ordering::Relaxed);
    status.count.store(count, Ordering::Relaxed);
}
