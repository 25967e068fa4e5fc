//! Large files are parsed in parallel chunks; the result must be exactly the
//! serial one, including xlink resolution, parents, issues and lines.

use pw_city::citygml;

/// The NRW tile with its members repeated `copies` times (ids made unique).
fn repeated_nrw(copies: usize) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/demo/nrw/LoD2_32_280_5657_1_NW.gml"
    ))
    .unwrap();
    let first = text.find("<core:cityObjectMember>").unwrap();
    let last = text.rfind("</core:cityObjectMember>").unwrap() + "</core:cityObjectMember>".len();
    let mut out = text[..first].to_string();
    for k in 0..copies {
        out += &text[first..last]
            .replace("gml:id=\"", &format!("gml:id=\"c{k}_"))
            .replace("xlink:href=\"#", &format!("xlink:href=\"#c{k}_"));
    }
    out += &text[last..];
    out
}

#[test]
fn parallel_equals_serial_on_a_5_mb_file() {
    let text = repeated_nrw(3);
    assert!(text.len() > 4 << 20, "must take the parallel path");
    let par = citygml::read(text.as_bytes(), None).unwrap();
    let ser = citygml::read_serial(text.as_bytes(), None).unwrap();
    assert_eq!(par.objects.len(), 399);
    assert_eq!(par.format, ser.format);
    assert_eq!(par.crs, ser.crs);
    assert_eq!(
        par.objects, ser.objects,
        "same objects, surfaces, parents and lines"
    );
    assert_eq!(par.issues, ser.issues);
    assert_eq!(par.summary().surfaces, 3 * 1144);
}

#[test]
fn parallel_truncated_file_keeps_what_is_complete() {
    let text = repeated_nrw(3);
    let cut = &text[..text.len() - 200_000];
    let par = citygml::read(cut.as_bytes(), None).unwrap();
    let ser = citygml::read_serial(cut.as_bytes(), None).unwrap();
    assert_eq!(par.objects, ser.objects);
    let errors: Vec<_> = par
        .issues
        .iter()
        .filter(|i| i.severity == pw_city::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.to_string().contains("ends in the middle"));
    assert_eq!(
        errors[0].line,
        ser.issues
            .iter()
            .find(|i| i.severity == pw_city::Severity::Error)
            .unwrap()
            .line
    );
}
