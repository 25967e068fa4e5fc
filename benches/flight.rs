//! Frame times of the real app flying through a city: the 40,000-building
//! city (the real NRW tile copied 482 times over 22 km × 22 km) standing on
//! a terrain of gentle hills under it (a 20 m GeoTIFF written here), the demo
//! scene's two bookmarks plus the whole city from above and a low pass over
//! its roofs. The release binary runs on Xvfb with Mesa's lavapipe (the
//! CPU renders, so a frame's time is CPU time) and `--fly-bookmarks` prints
//! the frame times of the flights: median, 95 %, 99 %, worst.
//!
//! Each flight takes 36 frames (the clock moves 1/30 s a frame) and the
//! frame it starts in: 148 frames measured.
//!
//! `cargo bench --bench flight` (`PW_FLIGHT_RUNS`, default 1;
//! `PW_FLIGHT_COPIES`, default 482). Needs Xvfb and mesa-vulkan-drivers.

use pw_testkit::xvfb::Xvfb;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The demo tile's lower left corner; copies go east and north in 1 km steps.
const TILE_EAST: f64 = 280_000.0;
const TILE_NORTH: f64 = 5_657_000.0;
/// Terrain cell size (m).
const CELL: f64 = 20.0;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Gentle hills below the buildings' bases (the tile's lie at 35–37 m):
/// 26–34 m, waves of 3 and 7 km.
fn terrain(dir: &Path, km: usize) -> PathBuf {
    let file = dir.join(format!("flight_hills_{km}km.tif"));
    if file.exists() {
        return file;
    }
    let size = ((km as f64 + 2.0) * 1000.0 / CELL) as usize;
    let (x0, y0) = (TILE_EAST - 1000.0, TILE_NORTH + (km as f64 + 1.0) * 1000.0);
    let mut values = Vec::with_capacity(size * size);
    for row in 0..size {
        for col in 0..size {
            let x = col as f64 * CELL;
            let y = row as f64 * CELL;
            let h = 30.0
                + 2.5 * (x / 3000.0 * std::f64::consts::TAU).sin()
                + 1.5 * (y / 7000.0 * std::f64::consts::TAU).cos();
            values.push(h as f32);
        }
    }
    let grid = pw_terrain::Grid {
        width: size,
        height: size,
        x0,
        y0,
        dx: CELL,
        dy: CELL,
        values,
        crs: Some(pw_geo::Crs::parse("EPSG:25832").unwrap()),
    };
    pw_terrain::geotiff_write::write_file(&grid, &file, &[]).unwrap();
    file
}

fn scene(dir: &Path, city: &Path, dem: &Path, km: usize) -> PathBuf {
    let middle_e = TILE_EAST + km as f64 * 500.0;
    let middle_n = TILE_NORTH + km as f64 * 500.0;
    let file = dir.join(format!("flight_{km}km.scene"));
    let text = format!(
        r#"name = "Flug: 40.000 Gebäude auf Gelände"
crs = "EPSG:25832"
origin = [280926.0, 5657425.0, 36.0]

[city]
name = "Heinsberg (NRW)"
latitude = 51.02657
longitude = 5.87583
time_zone = "Europe/Berlin"

[time]
default = "2026-06-21T15:00"

[[layers]]
name = "Gelände"
kind = "dem"
path = "{dem}"

[[layers]]
name = "Stadt"
kind = "citygml"
path = "{city}"

# The demo scene's bookmarks.
[[bookmarks]]
name = "Übersicht"
target = [280935.0, 5657590.0, 37.0]
distance = 420.0
heading = 340.0
pitch = 21.0

[[bookmarks]]
name = "Straßenzug Nord"
target = [280935.0, 5657640.0, 37.0]
distance = 180.0
heading = 200.0
pitch = 30.0

# Every building in view.
[[bookmarks]]
name = "Ganze Stadt"
target = [{middle_e}, {middle_n}, 36.0]
distance = {overview}
heading = 20.0
pitch = 40.0

# Low over the roofs in the middle, looking along the rows.
[[bookmarks]]
name = "Tief über den Dächern"
target = [{low_e}, {low_n}, 40.0]
distance = 160.0
heading = 60.0
pitch = 12.0
"#,
        dem = dem.display(),
        city = city.display(),
        overview = km as f64 * 1300.0,
        low_e = middle_e + 435.0,
        low_n = middle_n + 590.0,
    );
    std::fs::write(&file, text).unwrap();
    file
}

fn main() {
    let copies = env_number("PW_FLIGHT_COPIES", 482);
    let runs = env_number("PW_FLIGHT_RUNS", 1);
    let started = Instant::now();
    let city = pw_testkit::city_tiles::tiled_city(copies).unwrap();
    let km = (copies as f64).sqrt().ceil() as usize;
    let dir = city.parent().unwrap().to_path_buf();
    let dem = terrain(&dir, km);
    let scene = scene(&dir, &city, &dem, km);
    println!(
        "flight: {} buildings ({} MB of CityGML), terrain {} km × {} km at {CELL} m; data ready in {:.1} s",
        copies * pw_testkit::city_tiles::BUILDINGS_PER_TILE,
        std::fs::metadata(&city).unwrap().len() >> 20,
        km + 2,
        km + 2,
        started.elapsed().as_secs_f64()
    );
    let xvfb = Xvfb::start();
    let runtime = std::env::temp_dir().join(format!("pw-flight-xdg-{}", std::process::id()));
    for run in 1..=runs {
        let started = Instant::now();
        let mut command = Command::new(env!("CARGO_BIN_EXE_planwerkstatt"));
        command.arg("open").arg(&scene).args([
            "--fly-bookmarks",
            "--no-settings",
            "--window-size",
            "1600x900",
        ]);
        let out = xvfb
            .prepare(&mut command, &runtime)
            .output()
            .expect("cannot start planwerkstatt");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let figures = stdout
            .lines()
            .find(|l| l.starts_with("fly-bookmarks:"))
            .unwrap_or_else(|| {
                panic!(
                    "run {run}: no figures ({}):\n{stdout}\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        println!(
            "run {run} ({:.0} s with loading): {figures}",
            started.elapsed().as_secs_f64()
        );
    }
    std::fs::remove_dir_all(&runtime).ok();
}
