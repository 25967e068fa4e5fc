//! Any bytes into the CityJSON / CityJSONSeq reader: no panics, and the
//! result must triangulate and batch.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = pw_city::cityjson::read(data, None) {
        let e = model.extent();
        let origin = pw_geo::SceneOrigin::new(if e.is_empty() { [0.0; 3] } else { e.center() });
        let _ = pw_city::batch::build_batches(&model, &origin, 8, None);
        let _ = model.summary();
    }
});
