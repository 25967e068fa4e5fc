//! Vector layer benchmark (issue 4 targets: 18,697 trees and 17,126
//! tile-index polygons on screen at once stay interactive; picking < 5 ms).
//! Run with `cargo bench -p pw-vector --bench vector_layers`.
//!
//! Measures what the app does with each layer off the frame (read,
//! reproject, build objects, batch, index) and what it does per frame: the
//! draw calls and triangles the GPU gets, and one pick (cursor ray through
//! the R*-tree of object bounds + ray/triangle tests) aimed at 1,000
//! randomly chosen features.

use pw_city::pick::{PickIndex, Ray};
use pw_geo::{Crs, SceneOrigin};
use std::path::PathBuf;
use std::time::Instant;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vector")
        .join(rel)
}

fn run(name: &str, rel: &str, crs: Option<Crs>, style: pw_scene::Style) {
    let t = Instant::now();
    let options = pw_vector::CsvOptions {
        crs,
        ..Default::default()
    };
    let mut v = pw_vector::read_file(&data(rel), &options).unwrap();
    v.reproject(Crs::epsg(25832)).unwrap();
    let read = t.elapsed().as_secs_f64();
    let e = v.extent().unwrap();
    let origin = SceneOrigin::new([(e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0, 0.0]);
    let t = Instant::now();
    let symbology = pw_vector::style::symbolize(&v, &style);
    let styled = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let scene = pw_vector::to_city::city_model(&v, &data(rel), &|_, _| 0.0, &style, &symbology);
    let (model, labels) = (scene.model, scene.labels.len());
    let look = pw_city::mesh::LookChoice {
        theme: Some(0),
        atlas: None,
    };
    let batches =
        pw_city::batch::build_batches_with(&model, &origin, 48, None, Some(&look)).unwrap();
    let index = PickIndex::build(&batches);
    let build = t.elapsed().as_secs_f64();
    let triangles: usize = batches.iter().map(|b| b.triangle_count()).sum();
    // Picks from 300 m above, slightly tilted, aimed at pseudo-randomly
    // chosen features (what a user clicks on).
    let mut seed = 12345u64;
    let mut rnd = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let n = 1000;
    let mut hits = 0;
    let mut worst = 0.0f64;
    let t = Instant::now();
    for _ in 0..n {
        let o = &model.objects[(rnd() * model.objects.len() as f64) as usize % model.objects.len()];
        let c = o.extent().center();
        let ray = Ray {
            origin: origin.to_local([
                c[0] - 0.05 * (300.0 - c[2]),
                c[1] - 0.05 * (300.0 - c[2]),
                300.0,
            ]),
            dir: [0.05, 0.05, -1.0],
        };
        let s = Instant::now();
        hits += index.pick(&batches, &ray, &Default::default()).is_some() as usize;
        worst = worst.max(s.elapsed().as_secs_f64());
    }
    let mean = t.elapsed().as_secs_f64() / n as f64;
    println!(
        "{name}: {} features → {} objects, {triangles} triangles in {} draw calls; read+reproject {:.2} s, \
         style {:.3} s ({} legend entries, {labels} labels), objects+batches+index {:.2} s; pick mean {:.3} ms, worst {:.3} ms ({hits}/{n} hit) [target < 5 ms]",
        v.features.len(),
        model.objects.len(),
        batches.len(),
        read,
        styled,
        symbology.legend.entries.len(),
        build,
        mean * 1e3,
        worst * 1e3
    );
}

fn main() {
    run(
        "Flensburg trees (CSV, GK3)",
        "flensburg/lebende-baeume.csv",
        Some(Crs::epsg(31467)),
        // Coloured by species (24 + other), labelled with it.
        pw_scene::Style {
            mode: Some(pw_scene::SymbolMode::Categorized),
            field: Some("ga_lang".into()),
            label_field: Some("ga_lang".into()),
            ..Default::default()
        },
    );
    run(
        "Thuringia DGM1 tile index (GeoPackage)",
        "thueringen_dgm_tileindex/TH_DGM_tileindex_proj.gpkg",
        None,
        pw_scene::Style::default(),
    );
}
