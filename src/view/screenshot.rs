//! `--screenshot out.png`: open the scene, wait until it has settled (see
//! [`Settled`]), save the window to a PNG and quit. A fixed frame count is
//! not enough: on a software renderer pipelines compile for seconds and
//! early frames are black.

use crate::base::jobs::Jobs;
use crate::layers::{LayerStatus, Layers};
use crate::view::pipelines::{PipelineStatus, PipelineStatusPlugin};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Frames with all pipelines ready and nothing loading before a capture.
/// Three were enough for every screenshot test; one more for margin. Each
/// frame costs about 0.6 s of both cores on lavapipe at 1600 × 900, so 15
/// (the first value) spent two thirds of the screenshot tests' time waiting.
pub const STABLE_FRAMES: u32 = 4;

/// How long the scene has been fully drawn: every layer loaded, no job
/// running, terrain refined for the view, sensors connected, every render
/// pipeline compiled — and for how many frames in a row.
#[derive(Resource, Debug)]
pub struct Settled {
    pub stable_frames: u32,
    pub started: Instant,
    last_count: u32,
}

impl Settled {
    pub fn is_settled(&self) -> bool {
        self.stable_frames >= STABLE_FRAMES
    }
}

/// Keeps [`Settled`] up to date.
pub struct SettlePlugin;

/// With this resource the clock stands still: a picture or screenshot of
/// the command line shows the scene's start time, even where a replay
/// would set it going. The window's own pictures leave the clock alone.
#[derive(Resource, Debug, Default)]
pub struct HoldClock;

impl Plugin for SettlePlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<PipelineStatusPlugin>() {
            app.add_plugins(PipelineStatusPlugin);
        }
        app.insert_resource(Settled {
            stable_frames: 0,
            started: Instant::now(),
            last_count: 0,
        })
        .add_systems(Last, track_settling);
    }
}

#[allow(clippy::too_many_arguments)] // Bevy system: one parameter per resource.
fn track_settling(
    mut settled: ResMut<Settled>,
    status: Res<PipelineStatus>,
    layers: Res<Layers>,
    jobs: Res<Jobs>,
    terrain: Option<Res<crate::layers::terrain_lod::TerrainLodStats>>,
    sensors: Option<Res<crate::sensors::state::Sensors>>,
    clock: Option<ResMut<crate::view::clock::SceneClock>>,
    hold: Option<Res<HoldClock>>,
    designs: Option<Res<crate::scenario::designs::DesignFiles>>,
) {
    if let Some(mut clock) = clock
        && hold.is_some()
        && clock.playing
    {
        clock.playing = false;
    }
    let loading = layers
        .entries
        .iter()
        .any(|l| l.status == LayerStatus::Loading)
        || !jobs.is_idle()
        // Terrain still refining for this view.
        || terrain.is_some_and(|t| t.wanted > 0 || t.building > 0)
        // A variant's design files (glTF, IFC) still being read.
        || designs.is_some_and(|d| d.busy())
        // Sensor sources still connecting or reading.
        || sensors.is_some_and(|s| {
            s.sources
                .iter()
                .any(|x| x.status == crate::sensors::sources::SourceStatus::Starting)
        });
    let count = status.count();
    let ready = status.ready() && !loading && count == settled.last_count;
    settled.last_count = count;
    settled.stable_frames = if ready { settled.stable_frames + 1 } else { 0 };
}

#[derive(Resource)]
struct ScreenshotJob {
    path: PathBuf,
    timeout: Duration,
    requested: bool,
    captured: Arc<AtomicBool>,
}

pub struct ScreenshotPlugin {
    pub path: PathBuf,
    pub timeout: Duration,
}

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<SettlePlugin>() {
            app.add_plugins(SettlePlugin);
        }
        app.init_resource::<HoldClock>()
            .insert_resource(ScreenshotJob {
                path: self.path.clone(),
                timeout: self.timeout,
                requested: false,
                captured: Arc::new(AtomicBool::new(false)),
            })
            .add_systems(Last, drive_screenshot.after(track_settling));
    }
}

fn drive_screenshot(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    settled: Res<Settled>,
    mut exit: MessageWriter<AppExit>,
) {
    if settled.started.elapsed() > job.timeout {
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
    if settled.is_settled() {
        let _ = std::fs::remove_file(&job.path);
        let captured = job.captured.clone();
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(job.path.clone()))
            .observe(move |_: On<ScreenshotCaptured>| captured.store(true, Ordering::Relaxed));
        job.requested = true;
        info!("screenshot requested after {:?}", settled.started.elapsed());
    }
}
