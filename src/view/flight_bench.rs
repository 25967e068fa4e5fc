//! `--fly-bookmarks`: once the scene has loaded and the terrain has
//! settled, fly through the scene's bookmarks in order, then print the
//! frame times of the flights (median, 95th and 99th percentile, worst) with what
//! the terrain drew, and quit. The renderer's own figures on real data:
//! the benchmark behind "interactive while flying low".

use crate::layers::terrain_lod::TerrainLodStats;
use crate::layers::{ActiveScene, LayerStatus, Layers};
use crate::view::camera::{CameraCommand, FlyTo, OrbitCamera};
use bevy::prelude::*;

/// Frames to wait after loading (pipelines compile in the first ones).
const WARM_UP_FRAMES: u32 = 60;
/// The clock moves 1/30 s per frame while flying.
const FRAMES_PER_SECOND: f64 = 30.0;

pub struct FlightBenchPlugin;

impl Plugin for FlightBenchPlugin {
    fn build(&self, app: &mut App) {
        // Every flight takes the same number of frames however slow the
        // renderer (lavapipe draws a big city at a frame a second): the
        // same path, the same work, enough frames for percentiles.
        app.insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_secs_f64(1.0 / FRAMES_PER_SECOND),
        ))
        .init_resource::<FlightBench>()
        .add_systems(Update, drive_flight);
    }
}

#[derive(Resource, Default)]
struct FlightBench {
    warm: u32,
    /// Wall clock of the last frame (Bevy's `Time` clamps long frames).
    last: Option<std::time::Instant>,
    next: usize,
    flying: bool,
    frames_ms: Vec<f32>,
    max_triangles: usize,
    max_nodes: usize,
    max_building: usize,
}

#[allow(clippy::too_many_arguments)]
fn drive_flight(
    mut bench: ResMut<FlightBench>,
    layers: Res<Layers>,
    scene: Res<ActiveScene>,
    terrain: Res<TerrainLodStats>,
    flights: Query<(), (With<OrbitCamera>, With<FlyTo>)>,
    mut camera: MessageWriter<CameraCommand>,
    mut exit: MessageWriter<AppExit>,
) {
    let loading = layers
        .entries
        .iter()
        .any(|l| l.status == LayerStatus::Loading);
    if bench.warm < WARM_UP_FRAMES {
        if !loading && terrain.wanted == 0 && terrain.building == 0 {
            bench.warm += 1;
        }
        return;
    }
    let now = std::time::Instant::now();
    let last = bench.last.replace(now);
    if bench.flying
        && let Some(last) = last
    {
        bench.frames_ms.push((now - last).as_secs_f32() * 1000.0);
        bench.max_triangles = bench.max_triangles.max(terrain.triangles);
        bench.max_nodes = bench.max_nodes.max(terrain.drawn);
        bench.max_building = bench.max_building.max(terrain.building);
    }
    if !flights.is_empty() {
        return;
    }
    let bookmarks = &scene.scene.bookmarks;
    if bench.next < bookmarks.len() {
        camera.write(CameraCommand::FlyTo(bookmarks[bench.next].clone()));
        bench.next += 1;
        bench.flying = true;
        return;
    }
    let mut ms = std::mem::take(&mut bench.frames_ms);
    if ms.is_empty() {
        println!("fly-bookmarks: the scene has no bookmarks to fly through");
        exit.write(AppExit::error());
        return;
    }
    ms.sort_by(f32::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "fly-bookmarks: {} bookmarks, {} frames: median {:.1} ms, 95% {:.1} ms, 99% {:.1} ms, \
         worst {:.1} ms; terrain at most {} nodes / {} triangles drawn, {} meshes building at once",
        bookmarks.len(),
        ms.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        ms[ms.len() - 1],
        bench.max_nodes,
        bench.max_triangles,
        bench.max_building,
    );
    exit.write(AppExit::Success);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};

    #[test]
    fn flies_every_bookmark_then_quits() {
        let dir = std::env::temp_dir().join(format!("pw-flight-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dem = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/dem/vinschgau/elev_vinschgau.tif");
        let scene = dir.join("t.scene");
        let mark = |name: &str, e: f64| {
            format!(
                "[[bookmarks]]\nname = \"{name}\"\ntarget = [{e}, 5170000.0, 1500.0]\n\
                 distance = 5000.0\nheading = 90.0\npitch = 20.0\n"
            )
        };
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:32632\"\norigin = [629750.0, 5168750.0, 1000.0]\n\
                 [[layers]]\nname = \"Vinschgau\"\nkind = \"dem\"\npath = {:?}\n{}{}",
                dem.display().to_string(),
                mark("a", 620_000.0),
                mark("b", 630_000.0)
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        app.add_plugins(FlightBenchPlugin);
        run_until(&mut app, |app| app.should_exit().is_some());
        assert_eq!(app.should_exit(), Some(AppExit::Success));
        let bench = app.world().resource::<FlightBench>();
        assert_eq!(bench.next, 2);
        assert!(bench.max_nodes >= 1 && bench.max_triangles > 0);
        // The camera ended at the last bookmark.
        let mut q = app.world_mut().query::<&OrbitCamera>();
        let o = *q.single(app.world()).unwrap();
        assert!((o.distance - 5000.0).abs() < 1.0 && (o.heading - 90.0).abs() < 0.1);
        std::fs::remove_dir_all(&dir).ok();
    }
}
