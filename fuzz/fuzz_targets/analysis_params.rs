//! Any text as an analysis parameter (`--set key=value`, form fields): for
//! every kind of parameter the value is read or refused with a message,
//! never a panic; what is read passes its own check and prints back
//! (polygons to the same corners).
#![no_main]
use libfuzzer_sys::fuzz_target;
use pw_analysis::{ParamSpec, ParamValues};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let specs = vec![
        ParamSpec::number("step", "s", 10.0, (1.0, 120.0), 1.0, "min"),
        ParamSpec::date("date", "d", &[(3, 21)], true),
        ParamSpec::time("from", "f"),
        ParamSpec::area("area", "a"),
        ParamSpec::polygon("plot", "p"),
        ParamSpec::flag("facades", "x", true),
    ];
    let mut values = ParamValues::defaults(&specs);
    for spec in &specs {
        if let Ok(v) = spec.parse(&text) {
            assert!(spec.check(Some(&v)).is_ok());
            let _ = v.to_string();
        }
        let _ = values.set_from_text(&specs, spec.key, &text);
    }
    if let Some((k, v)) = text.split_once('=') {
        let _ = values.set_from_text(&specs, k, v);
    }
    let _ = pw_analysis::params::parse_area(&text);
    if let Some(ring) = pw_analysis::params::parse_polygon(&text) {
        // What is read prints back to the same corners.
        let again = pw_analysis::params::parse_polygon(&pw_analysis::params::polygon_text(&ring));
        assert_eq!(again.as_ref(), Some(&ring));
        let _ = pw_analysis::params::ring_area(&ring);
    }
    let _ = pw_analysis::params::parse_date(&text);
    let _ = pw_analysis::params::parse_time(&text);
    let _ = pw_analysis::export::file_stem(&text);
    let _ = values.entries(&specs);
});
