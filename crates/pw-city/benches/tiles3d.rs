//! 3D Tiles benchmark on the real Rotterdam tileset (801 b3dm tiles, 28 MB,
//! written in EPSG:3857), run with `cargo bench -p pw-city --bench tiles3d`.
//! Measures: opening the tile tree, one screen-space-error selection (what
//! the app does every frame), loading each tile as the app does (decode,
//! place, reproject to RD New) and the slowest single tile — the latency a
//! user sees when a tile streams in.

use pw_city::batch::build_batches;
use pw_city::tiles3d::{Tileset, View};
use pw_geo::{Crs, SceneOrigin};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let archive = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/gltf/rotterdam_3dtiles/rotterdam_3dtiles_small.tar.gz");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data/rotterdam");
    if !dir.join("tileset.json").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let ok = std::process::Command::new("tar")
            .arg("xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "cannot unpack {}", archive.display());
    }
    let rd = Crs::epsg(28992);
    let origin = SceneOrigin::new([93_336.149, 435_790.320, 0.0]);

    let t = Instant::now();
    let set = Tileset::open(
        &dir.join("tileset.json"),
        Some(Crs::epsg(3857)),
        rd,
        &origin,
    )
    .unwrap();
    let open = t.elapsed();

    // 1080 px high, 45° field of view, 600 m above the centre.
    let view = View {
        position: [0.0, -800.0, 600.0],
        sse_factor: 1080.0 / (2.0 * 22.5f64.to_radians().tan()),
        max_sse: 16.0,
    };
    let t = Instant::now();
    let rounds = 1000;
    let mut chosen = 0;
    for _ in 0..rounds {
        chosen = set.select(&view, &|_, _| true).len();
    }
    let select = t.elapsed() / rounds;

    let t = Instant::now();
    let (mut triangles, mut buildings, mut slowest) = (0usize, 0usize, std::time::Duration::ZERO);
    let contents: Vec<usize> = (0..set.tiles.len())
        .filter(|&i| set.tiles[i].content.is_some())
        .collect();
    for &i in &contents {
        let one = Instant::now();
        let model = set.load_content(i, rd).unwrap();
        let batches = build_batches(&model, &origin, 4, None).unwrap();
        slowest = slowest.max(one.elapsed());
        buildings += model.objects.len();
        triangles += batches.iter().map(|b| b.triangle_count()).sum::<usize>();
    }
    let all = t.elapsed();
    println!(
        "Rotterdam 3D Tiles: {} tiles ({} with content)",
        set.tiles.len(),
        contents.len()
    );
    println!("  open tileset.json (tree, bounding spheres in RD New): {open:.2?}");
    println!("  SSE selection per frame: {select:.2?} ({chosen} tiles chosen from 600 m)");
    println!(
        "  load all content on one thread: {all:.2?} = {:.0} tiles/s; {buildings} buildings, {triangles} triangles",
        contents.len() as f64 / all.as_secs_f64()
    );
    println!("  slowest single tile (decode + place + batch): {slowest:.2?}");
}
