//! DEM benchmark (issue 4 target: a 1 m DEM of 4 km × 4 km, 16 M cells,
//! loads and shows in < 3 s), run with `cargo bench -p pw-terrain --bench load_dem`.
//!
//! There is no 16 M-cell DEM in the corpus, so the bench resamples a 4 km ×
//! 4 km window of the real Vinschgau valley DEM to 1 m cells (bilinear) and
//! writes it as a Float32 GeoTIFF (EPSG:32632) under target/bench-data —
//! real terrain shape, the target's size. Then it measures what the app
//! does: decode the GeoTIFF, build the display mesh (1.5 M-vertex budget,
//! 256² chunks), and answer 1 M height queries.

use pw_geo::elevation::Elevation;
use pw_terrain::{geotiff, mesh};
use std::path::PathBuf;
use std::time::Instant;
use tiff::encoder::{TiffEncoder, colortype};
use tiff::tags::Tag;

const SIDE: usize = 4000;

fn write_bench_dem(path: &PathBuf) {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dem/vinschgau/elev_vinschgau.tif");
    let (vinschgau, _) = geotiff::read_file(&src).unwrap();
    // A window on the valley floor and both slopes near Schlanders.
    let (x0, y0) = (628_000.0, 5_171_000.0);
    let mut values = vec![0f32; SIDE * SIDE];
    for r in 0..SIDE {
        for c in 0..SIDE {
            let x = x0 + c as f64 + 0.5;
            let y = y0 - r as f64 - 0.5;
            values[r * SIDE + c] = vinschgau.height(x, y).unwrap_or(f64::NAN) as f32;
        }
    }
    let file = std::fs::File::create(path).unwrap();
    let mut tiff = TiffEncoder::new(std::io::BufWriter::new(file)).unwrap();
    let mut image = tiff
        .new_image::<colortype::Gray32Float>(SIDE as u32, SIDE as u32)
        .unwrap();
    let e = image.encoder();
    e.write_tag(Tag::ModelPixelScaleTag, &[1.0f64, 1.0, 0.0][..])
        .unwrap();
    e.write_tag(Tag::ModelTiepointTag, &[0.0f64, 0.0, 0.0, x0, y0, 0.0][..])
        .unwrap();
    // GeoKey directory: version 1.1.0, 3 keys: model type projected,
    // raster type pixel-is-area, projected CRS EPSG:32632.
    let keys: [u16; 16] = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 32632];
    e.write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).unwrap();
    image.write_data(&values).unwrap();
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vinschgau_4km_1m.tif");
    if !path.exists() {
        let t = Instant::now();
        write_bench_dem(&path);
        println!("(wrote {} in {:.2?})", path.display(), t.elapsed());
    }
    let bytes = std::fs::metadata(&path).unwrap().len();

    let t = Instant::now();
    let (grid, _) = geotiff::read_file(&path).unwrap();
    let read = t.elapsed();
    assert_eq!((grid.width, grid.height), (SIDE, SIDE));

    let t = Instant::now();
    let origin = [grid.x0 + 2000.0, grid.y0 - 2000.0, 1000.0];
    let to_local = |p: [f64; 3]| {
        Some([
            (p[0] - origin[0]) as f32,
            (p[1] - origin[1]) as f32,
            (p[2] - origin[2]) as f32,
        ])
    };
    let step = mesh::step_for(&grid, 1_500_000);
    let chunks = mesh::chunks(&grid, step, 256, &to_local);
    let meshing = t.elapsed();
    let vertices: usize = chunks.iter().map(|c| c.positions.len()).sum();
    let triangles: usize = chunks.iter().map(|c| c.indices.len() / 3).sum();

    let t = Instant::now();
    let mut sum = 0.0;
    let mut seed = 12345u64;
    for _ in 0..1_000_000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let fx = (seed >> 11) as f64 / (1u64 << 53) as f64;
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let fy = (seed >> 11) as f64 / (1u64 << 53) as f64;
        sum += grid
            .height_at(grid.x0 + fx * 4000.0, grid.y0 - fy * 4000.0)
            .unwrap_or(0.0);
    }
    let queries = t.elapsed();
    let (lo, hi, _) = grid.stats();
    println!(
        "DEM 4 km × 4 km at 1 m: {} cells, {:.0} MB GeoTIFF, heights {lo:.0}–{hi:.0} m",
        SIDE * SIDE,
        bytes as f64 / 1e6
    );
    println!("  decode GeoTIFF:        {read:.2?}");
    println!(
        "  display mesh:          {meshing:.2?} (every {step}. cell, {} chunks, {vertices} vertices, {triangles} triangles)",
        chunks.len()
    );
    println!(
        "  load + mesh total:     {:.2?} (target < 3 s)",
        read + meshing
    );
    println!(
        "  1 M height queries:    {queries:.2?} ({:.0} ns each; checksum {sum:.0})",
        queries.as_nanos() as f64 / 1e6
    );
    assert!(lo > 300.0 && hi < 4000.0, "resampled Vinschgau heights");
}
