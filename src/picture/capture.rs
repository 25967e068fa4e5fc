//! Rendering a picture: one off-screen camera per panel (one; two while
//! comparing — side by side half the width each, or two whole views cut at
//! the swipe divider), each a copy of the view's camera with its render
//! layers (so each side keeps its own buildings and sun), drawing into an
//! image of the panel's size. Once the renderer has compiled what the new
//! targets need, the images are read back; composing with the footer and
//! writing the PNG run in the background: the frame never waits.
//!
//! The cameras first draw into small images of the same format and shape
//! while the renderer compiles and settles, then one frame at full size,
//! which is read; then they rest. On a software renderer an 8K frame costs
//! seconds: the picture took 120 s on lavapipe, now 30 s, the same pixels.

use super::stamp::StampSources;
use crate::base::i18n::I18n;
use crate::base::jobs::{Jobs, Notices};
use crate::layers::model::ActiveScene;
use crate::view::camera::OrbitCamera;
use crate::view::compare::{CompareCamera, CompareMode, Comparison};
use crate::view::pipelines::{PipelineStatus, PipelineStatusPlugin};
use bevy::camera::RenderTarget;
use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use bevy::render::render_resource::{TextureFormat, TextureUsages};
use bevy::render::renderer::RenderDevice;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::tasks::{AsyncComputeTaskPool, Task, futures_lite::future};
use pw_picture::{Panels, PictureError, RgbaImage, ScaleBar, Stamp};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Frames the new cameras draw, with pipelines ready and their number
/// unchanged, before the images are read.
const SETTLE_FRAMES: u32 = 3;
/// The warm-up images' longer side in pixels.
const WARM_SIDE: u32 = 320;
/// A picture not read back by then is given up (a renderer that never
/// delivers); a software renderer under load takes minutes for 8K. The
/// user can cancel before, in the status bar.
const TIMEOUT: Duration = Duration::from_secs(900);

#[derive(Message, Debug, Clone, PartialEq)]
pub enum PictureCommand {
    /// A picture of the view as it is now; `path` None: the scene's
    /// `bilder/` folder with a name of scene, scenario and time.
    Take {
        width: u32,
        height: u32,
        path: Option<PathBuf>,
    },
}

/// What the UI and the `--picture` driver watch.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct PictureState {
    pub busy: bool,
    /// The last picture: where it went, or why not.
    pub last: Option<Result<PathBuf, String>>,
}

pub struct PicturePlugin;

impl Plugin for PicturePlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<PipelineStatusPlugin>() {
            app.add_plugins(PipelineStatusPlugin);
        }
        app.init_resource::<PictureState>()
            .add_message::<PictureCommand>()
            .add_systems(Update, start_picture)
            // Before the cameras' sizes are computed, so that the frame of
            // the switch already draws the whole image.
            .add_systems(
                PostUpdate,
                switch_to_full_size.before(bevy::camera::CameraUpdateSystems),
            )
            .add_systems(Last, (read_back, finish_picture));
    }
}

#[derive(Component)]
struct PictureCamera;

enum Arrangement {
    One,
    SideBySide,
    Swipe(f32),
}

/// One camera of a picture: what it draws into while warming up, then the
/// picture's panel.
struct PictureTarget {
    camera: Entity,
    warm: Handle<Image>,
    full: Handle<Image>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Small images until the renderer has settled for SETTLE_FRAMES.
    Warming,
    /// The cameras get their full-size images in the next PostUpdate.
    Switching,
    /// The cameras draw at full size.
    Full,
    /// The images are asked for; this frame draws them.
    Requested,
    /// The cameras rest while the images come back (each further frame at
    /// 8K would cost seconds on a software renderer).
    Reading,
}

#[derive(Resource)]
struct PictureJob {
    path: PathBuf,
    width: u32,
    height: u32,
    arrangement: Arrangement,
    stamp: Stamp,
    png_texts: Vec<(String, String)>,
    cameras: Vec<PictureTarget>,
    captured: Arc<Mutex<Vec<Option<Image>>>>,
    frames: u32,
    last_count: u32,
    phase: Phase,
    started: Instant,
    job: u64,
    task: Option<Task<Result<PathBuf, PictureError>>>,
}

/// Metres per pixel at the point the camera looks at, for a view
/// `panel_height` pixels high.
pub fn metres_per_pixel(
    orbit: &OrbitCamera,
    projection: &Projection,
    panel_height: u32,
) -> Option<f64> {
    let Projection::Perspective(p) = projection else {
        return None;
    };
    let mpp = 2.0 * f64::from(orbit.distance) * (f64::from(p.fov) / 2.0).tan()
        / f64::from(panel_height.max(1));
    (mpp.is_finite() && mpp > 0.0).then_some(mpp)
}

/// `<scene folder>/bilder/<stem>-<YYYYMMDD-HHMMSS>.png`.
fn default_path(active: &ActiveScene, stem: &str) -> PathBuf {
    let dir = crate::base::places::user_folder(active.path.as_deref()).join("bilder");
    let now = jiff::ZonedDateTime::now()
        .strftime("%Y%m%d-%H%M%S")
        .to_string();
    dir.join(format!("{stem}-{now}.png"))
}

#[allow(clippy::too_many_arguments)]
fn start_picture(
    mut commands: Commands,
    mut reader: MessageReader<PictureCommand>,
    mut images: ResMut<Assets<Image>>,
    main: Query<
        (&Transform, &Projection, &OrbitCamera, Option<&RenderLayers>),
        Without<CompareCamera>,
    >,
    second: Query<Option<&RenderLayers>, With<CompareCamera>>,
    comparison: Option<Res<Comparison>>,
    sources: StampSources,
    active: Res<ActiveScene>,
    device: Option<Res<RenderDevice>>,
    job: Option<Res<PictureJob>>,
    mut state: ResMut<PictureState>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    for cmd in reader.read() {
        let PictureCommand::Take {
            width,
            height,
            path,
        } = cmd.clone();
        let mut fail = |text: String, state: &mut PictureState| {
            notices.error(text.clone());
            state.last = Some(Err(text));
        };
        if job.is_some() || state.busy {
            notices.info(i18n.tr("picture.busy"));
            continue;
        }
        let limit = device
            .as_ref()
            .map_or(pw_picture::MAX_SIDE, |d| {
                d.limits().max_texture_dimension_2d
            })
            .min(pw_picture::MAX_SIDE);
        if !(pw_picture::MIN_SIDE..=limit).contains(&width)
            || !(pw_picture::MIN_SIDE..=limit).contains(&height)
        {
            fail(
                i18n.trf(
                    "picture.bad_size",
                    &[
                        ("width", &width),
                        ("height", &height),
                        ("min", &pw_picture::MIN_SIDE),
                        ("max", &limit),
                    ],
                ),
                &mut state,
            );
            continue;
        }
        let Ok((transform, projection, orbit, layers)) = main.single() else {
            fail(i18n.tr("picture.no_view").to_string(), &mut state);
            continue;
        };
        let text = sources.input().text();
        let mut stamp = text.stamp;
        stamp.heading_deg = Some(orbit.heading);
        // Reserve the scale bar's place; its length needs the panel height.
        stamp.scale = Some(ScaleBar {
            metres_per_pixel: 1.0,
            caption: i18n.tr("picture.scale_caption").to_string(),
            decimal_comma: i18n.number(0.5, 1).contains(','),
        });
        let comparing = comparison
            .as_deref()
            .filter(|c| c.mode != CompareMode::Off)
            .filter(|_| second.single().is_ok());
        let arrangement = match comparing.map(|c| (c.mode, c.divider)) {
            Some((CompareMode::Split, _)) => Arrangement::SideBySide,
            Some((_, divider)) => Arrangement::Swipe(divider),
            None => Arrangement::One,
        };
        let (panel_w, panel_h) = pw_picture::panel_size(
            width,
            height,
            &stamp,
            matches!(arrangement, Arrangement::SideBySide),
        );
        let mut png_texts = text.png_texts;
        match metres_per_pixel(orbit, projection, panel_h) {
            Some(mpp) => {
                if let Some(s) = stamp.scale.as_mut() {
                    s.metres_per_pixel = mpp;
                }
                // For measuring in the picture (valid at its centre).
                png_texts.push(("Scale".into(), format!("{mpp:.4} m/px at the centre")));
            }
            None => stamp.scale = None,
        }
        let side_layers: Vec<Option<RenderLayers>> = if comparing.is_some() {
            vec![layers.cloned(), second.single().ok().flatten().cloned()]
        } else {
            vec![layers.cloned()]
        };
        let mut cameras = Vec::new();
        let (warm_w, warm_h) = warm_size(panel_w, panel_h);
        for (i, side) in side_layers.into_iter().enumerate() {
            let mut image =
                Image::new_target_texture(panel_w, panel_h, TextureFormat::Rgba8UnormSrgb, None);
            image.texture_descriptor.usage |= TextureUsages::COPY_SRC;
            let full = images.add(image);
            let warm = images.add(Image::new_target_texture(
                warm_w,
                warm_h,
                TextureFormat::Rgba8UnormSrgb,
                None,
            ));
            let mut entity = commands.spawn((
                Name::new("Bildkamera"),
                PictureCamera,
                Camera3d::default(),
                Camera {
                    // Before the window's cameras; each its own order.
                    order: -10 - i as isize,
                    ..default()
                },
                RenderTarget::Image(warm.clone().into()),
                projection.clone(),
                Msaa::Sample4,
                *transform,
            ));
            if let Some(l) = side {
                entity.insert(l);
            }
            cameras.push(PictureTarget {
                camera: entity.id(),
                warm,
                full,
            });
        }
        let path = path.unwrap_or_else(|| default_path(&active, &text.file_stem));
        let entry =
            jobs.start(i18n.trf("picture.making", &[("width", &width), ("height", &height)]));
        state.busy = true;
        commands.insert_resource(PictureJob {
            path,
            width,
            height,
            arrangement,
            stamp,
            png_texts,
            captured: Arc::new(Mutex::new(vec![None; cameras.len()])),
            cameras,
            frames: 0,
            last_count: 0,
            phase: Phase::Warming,
            started: Instant::now(),
            job: entry.id,
            task: None,
        });
    }
}

/// Waits for the renderer, asks for the images, and once all are back
/// hands them to a background task.
#[allow(clippy::too_many_arguments)]
fn read_back(
    mut commands: Commands,
    job: Option<ResMut<PictureJob>>,
    status: Res<PipelineStatus>,
    mut images: ResMut<Assets<Image>>,
    mut cameras: Query<&mut Camera, With<PictureCamera>>,
    mut state: ResMut<PictureState>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    let Some(mut job) = job else { return };
    if job.task.is_some() {
        return;
    }
    let cancelled = jobs
        .running
        .iter()
        .find(|j| j.id == job.job)
        .is_none_or(|j| j.control.is_cancelled());
    if cancelled || job.started.elapsed() > TIMEOUT {
        let text = if cancelled {
            i18n.tr("picture.cancelled").to_string()
        } else {
            i18n.trf("picture.timeout", &[("seconds", &TIMEOUT.as_secs())])
        };
        notices.error(text.clone());
        state.last = Some(Err(text));
        state.busy = false;
        jobs.finish(job.job);
        remove_cameras(&mut commands, &mut images, &job.cameras);
        commands.remove_resource::<PictureJob>();
        return;
    }
    let count = status.count();
    let ready = status.ready() && count == job.last_count;
    job.last_count = count;
    match job.phase {
        Phase::Warming => {
            job.frames = if ready { job.frames + 1 } else { 0 };
            if job.frames >= SETTLE_FRAMES {
                job.phase = Phase::Switching;
            }
            return;
        }
        Phase::Switching => return,
        // The frame of the switch is read: the same format and samples
        // need no new pipelines (the status, a frame behind, could not
        // tell); only a renderer still busy with the warm-up's delays it.
        Phase::Full if !ready => return,
        Phase::Full => {
            for (i, target) in job.cameras.iter().enumerate() {
                let slot = job.captured.clone();
                commands
                    .spawn(Screenshot::image(target.full.clone()))
                    .observe(move |captured: On<ScreenshotCaptured>| {
                        if let Ok(mut slots) = slot.lock() {
                            slots[i] = Some(captured.image.clone());
                        }
                    });
            }
            job.phase = Phase::Requested;
            return;
        }
        Phase::Requested => {
            for target in &job.cameras {
                if let Ok(mut camera) = cameras.get_mut(target.camera) {
                    camera.is_active = false;
                }
            }
            job.phase = Phase::Reading;
        }
        Phase::Reading => {}
    }
    let all = job
        .captured
        .lock()
        .map(|s| s.iter().all(Option::is_some))
        .unwrap_or(false);
    if !all {
        return;
    }
    remove_cameras(&mut commands, &mut images, &job.cameras);
    let captured: Vec<Image> = job
        .captured
        .lock()
        .map(|mut s| s.iter_mut().filter_map(Option::take).collect())
        .unwrap_or_default();
    let (width, height) = (job.width, job.height);
    let stamp = job.stamp.clone();
    let texts = job.png_texts.clone();
    let path = job.path.clone();
    let divider = match job.arrangement {
        Arrangement::Swipe(d) => Some(d),
        _ => None,
    };
    let side_by_side = matches!(job.arrangement, Arrangement::SideBySide);
    job.task = Some(AsyncComputeTaskPool::get().spawn(async move {
        let mut views: Vec<RgbaImage> = captured.into_iter().map(rgba_of).collect();
        let panels = match (views.len(), side_by_side, divider) {
            (2, true, _) => {
                let b = views.pop().expect("two views");
                let a = views.pop().expect("two views");
                Panels::SideBySide(a, b)
            }
            (2, _, Some(divider)) => {
                let right = views.pop().expect("two views");
                let left = views.pop().expect("two views");
                Panels::Swipe {
                    left,
                    right,
                    divider,
                }
            }
            _ => Panels::One(views.swap_remove(0)),
        };
        let picture = pw_picture::compose(width, height, &panels, &stamp)?;
        pw_picture::save_png(&path, &picture, &texts)?;
        Ok(path)
    }));
}

/// The warm-up image: the panel's shape, its longer side WARM_SIDE (or the
/// panel's own size when that is smaller).
fn warm_size(width: u32, height: u32) -> (u32, u32) {
    let scale = (f64::from(WARM_SIDE) / f64::from(width.max(height).max(1))).min(1.0);
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    (side(width), side(height))
}

/// Points the picture's cameras at their full-size images; the changed
/// projection makes Bevy take the new target's size in this frame.
fn switch_to_full_size(
    job: Option<ResMut<PictureJob>>,
    mut cameras: Query<(&mut RenderTarget, &mut Projection), With<PictureCamera>>,
) {
    let Some(mut job) = job else { return };
    if job.phase != Phase::Switching {
        return;
    }
    for target in &job.cameras {
        if let Ok((mut render_target, mut projection)) = cameras.get_mut(target.camera) {
            *render_target = RenderTarget::Image(target.full.clone().into());
            projection.set_changed();
        }
    }
    job.phase = Phase::Full;
}

fn remove_cameras(commands: &mut Commands, images: &mut Assets<Image>, cameras: &[PictureTarget]) {
    for target in cameras {
        commands.entity(target.camera).despawn();
        images.remove(&target.warm);
        images.remove(&target.full);
    }
}

/// A read-back image as straight sRGB RGBA.
fn rgba_of(image: Image) -> RgbaImage {
    let width = image.width();
    let height = image.height();
    let data = match image.try_into_dynamic() {
        Ok(dynamic) => dynamic.into_rgba8().into_raw(),
        // Formats the picture targets never have: a grey panel, not a crash.
        Err(_) => vec![128; (width * height * 4) as usize],
    };
    RgbaImage {
        width,
        height,
        data,
    }
}

fn finish_picture(
    mut commands: Commands,
    job: Option<ResMut<PictureJob>>,
    mut state: ResMut<PictureState>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    let Some(mut job) = job else { return };
    let Some(task) = job.task.as_mut() else {
        return;
    };
    let Some(outcome) = future::block_on(future::poll_once(task)) else {
        return;
    };
    jobs.finish(job.job);
    state.busy = false;
    match outcome {
        Ok(path) => {
            notices.info(i18n.trf(
                "picture.saved",
                &[
                    ("path", &path.display()),
                    ("width", &job.width),
                    ("height", &job.height),
                    (
                        "seconds",
                        &format!("{:.1}", job.started.elapsed().as_secs_f32()),
                    ),
                ],
            ));
            state.last = Some(Ok(path));
        }
        Err(e) => {
            let text = i18n.trf("picture.failed", &[("error", &i18n.render(&e.message()))]);
            notices.error(text.clone());
            state.last = Some(Err(text));
        }
    }
    commands.remove_resource::<PictureJob>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::camera::{CameraProjection, PerspectiveProjection};

    /// The scale bar's metres per pixel is what the camera's projection
    /// makes of one metre at the point looked at, across and up.
    #[test]
    fn metres_per_pixel_follow_the_projection() {
        let orbit = OrbitCamera {
            distance: 250.0,
            ..default()
        };
        let (width, height) = (3840u32, 1900u32);
        let p = PerspectiveProjection {
            fov: crate::view::camera::FIELD_OF_VIEW_DEG.to_radians(),
            aspect_ratio: width as f32 / height as f32,
            near: 0.5,
            far: 200_000.0,
            ..default()
        };
        let clip = p.get_clip_from_view();
        let pixels = |v: Vec3| {
            let c = clip * v.extend(1.0);
            Vec2::new(
                c.x / c.w * width as f32 / 2.0,
                c.y / c.w * height as f32 / 2.0,
            )
        };
        let centre = Vec3::new(0.0, 0.0, -orbit.distance);
        let across = pixels(centre + Vec3::X) - pixels(centre);
        let up = pixels(centre + Vec3::Y) - pixels(centre);
        let mpp = metres_per_pixel(&orbit, &Projection::Perspective(p), height).unwrap();
        assert!(
            (1.0 / across.x as f64 - mpp).abs() < mpp * 1e-4,
            "{across} vs {mpp}"
        );
        assert!(
            (1.0 / up.y as f64 - mpp).abs() < mpp * 1e-4,
            "{up} vs {mpp}"
        );
    }
}
