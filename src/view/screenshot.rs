//! `--screenshot out.png`: open the scene, wait until every layer is loaded
//! and every render pipeline is compiled, hold that for a few frames, save
//! the window to a PNG and quit. A fixed frame count is not enough: on a
//! software renderer pipelines compile for seconds and early frames are black.

use crate::base::jobs::Jobs;
use crate::layers::{LayerStatus, Layers};
use bevy::prelude::*;
use bevy::render::render_resource::{CachedPipelineState, PipelineCache};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::render::{Render, RenderApp};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Written by the render world, read by the main world.
#[derive(Resource, Clone, Default)]
struct PipelineStatus {
    ready: Arc<AtomicBool>,
    count: Arc<AtomicU32>,
}

#[derive(Resource)]
struct ScreenshotJob {
    path: PathBuf,
    started: Instant,
    timeout: Duration,
    stable_frames: u32,
    last_count: u32,
    requested: bool,
    captured: Arc<AtomicBool>,
}

pub struct ScreenshotPlugin {
    pub path: PathBuf,
    pub timeout: Duration,
}

/// Frames with all pipelines ready and nothing loading before capturing.
const STABLE_FRAMES: u32 = 15;

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        let status = PipelineStatus::default();
        app.insert_resource(status.clone())
            .insert_resource(ScreenshotJob {
                path: self.path.clone(),
                started: Instant::now(),
                timeout: self.timeout,
                stable_frames: 0,
                last_count: 0,
                requested: false,
                captured: Arc::new(AtomicBool::new(false)),
            });
        app.add_systems(Last, drive_screenshot);
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

#[allow(clippy::too_many_arguments)]
fn drive_screenshot(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    status: Res<PipelineStatus>,
    layers: Res<Layers>,
    jobs: Res<Jobs>,
    terrain: Option<Res<crate::layers::terrain_lod::TerrainLodStats>>,
    sensors: Option<Res<crate::sensors::state::Sensors>>,
    clock: Option<ResMut<crate::view::clock::SceneClock>>,
    mut exit: MessageWriter<AppExit>,
) {
    // The picture shows the scene's start time, even where a replay would
    // set the clock going.
    if let Some(mut clock) = clock
        && clock.playing
    {
        clock.playing = false;
    }
    if job.started.elapsed() > job.timeout {
        error!(
            "screenshot: gave up after {:?} (layers or pipelines never became ready)",
            job.timeout
        );
        exit.write(AppExit::error());
        return;
    }
    if job.requested {
        if job.captured.load(Ordering::Relaxed)
            && std::fs::metadata(&job.path).is_ok_and(|m| m.len() > 0)
        {
            info!("screenshot saved to {}", job.path.display());
            exit.write(AppExit::Success);
        }
        return;
    }
    let loading = layers
        .entries
        .iter()
        .any(|l| l.status == LayerStatus::Loading)
        || !jobs.is_idle()
        // Terrain still refining for this view.
        || terrain.is_some_and(|t| t.wanted > 0 || t.building > 0)
        // Sensor sources still connecting or reading.
        || sensors.is_some_and(|s| {
            s.sources
                .iter()
                .any(|x| x.status == crate::sensors::sources::SourceStatus::Starting)
        });
    let count = status.count.load(Ordering::Relaxed);
    let ready = status.ready.load(Ordering::Relaxed) && !loading && count == job.last_count;
    job.last_count = count;
    job.stable_frames = if ready { job.stable_frames + 1 } else { 0 };
    if job.stable_frames >= STABLE_FRAMES {
        let _ = std::fs::remove_file(&job.path);
        let captured = job.captured.clone();
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(job.path.clone()))
            .observe(move |_: On<ScreenshotCaptured>| captured.store(true, Ordering::Relaxed));
        job.requested = true;
        info!(
            "screenshot requested after {:?} ({count} pipelines ready)",
            job.started.elapsed()
        );
    }
}
