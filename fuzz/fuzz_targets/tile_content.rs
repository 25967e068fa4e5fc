//! Any bytes as 3D Tiles content (b3dm, glb, cmpt, pnts — chosen by the
//! magic, so seed the corpus with real tiles): no panics, and the result
//! must batch.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = pw_city::tiles3d::Tileset::read_content_bytes(data) {
        let e = model.extent();
        let origin = pw_geo::SceneOrigin::new(if e.is_empty() { [0.0; 3] } else { e.center() });
        let _ = pw_city::batch::build_batches(&model, &origin, 4, None);
    }
});
