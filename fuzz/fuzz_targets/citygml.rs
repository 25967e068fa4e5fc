//! Any bytes into the CityGML reader: it may refuse the input, but must not
//! panic, and whatever it returns must triangulate and batch.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = pw_city::citygml::read(data, None) {
        let e = model.extent();
        let origin = pw_geo::SceneOrigin::new(if e.is_empty() { [0.0; 3] } else { e.center() });
        let _ = pw_city::batch::build_batches(&model, &origin, 8, None);
        let _ = model.summary();
    }
});
