//! Any text as a variants file (`<scene>.plan.toml`): no panics; every
//! volume either refused with a reason or built into a closed LoD2 object
//! with finite coordinates; saving and reading again gives the same plan.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(plan) = pw_plan::PlanFile::parse(&text, Path::new("fuzz.plan.toml")) else {
        return;
    };
    for v in &plan.variants {
        for volume in &v.volumes {
            if volume.validate().is_ok() {
                let o = volume.to_object(0.0);
                assert!(o.surfaces.iter().flat_map(|s| &s.exterior).flatten().all(|c| c.is_finite()));
                let _ = pw_plan::figures(v, Some(&volume.footprint));
            }
        }
        let _ = v.edits(&|_, _| 0.0);
    }
    let again = pw_plan::PlanFile::parse(&plan.to_text(), Path::new("again")).expect("own output reads");
    assert_eq!(again.variants.len(), plan.variants.len());
});
