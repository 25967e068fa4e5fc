//! Bad input: the reader keeps what is valid and says where the problem is.

use pw_city::Severity;
use pw_city::citygml::{self, CityGmlError};

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink">
"#;

fn building(id: &str, poslist: &str) -> String {
    format!(
        r#"<core:cityObjectMember><bldg:Building gml:id="{id}">
<bldg:boundedBy><bldg:RoofSurface><bldg:lod2MultiSurface><gml:MultiSurface srsName="EPSG:25832"><gml:surfaceMember>
<gml:Polygon gml:id="{id}_p"><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">{poslist}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>
</gml:surfaceMember></gml:MultiSurface></bldg:lod2MultiSurface></bldg:RoofSurface></bldg:boundedBy>
</bldg:Building></core:cityObjectMember>
"#
    )
}

const SQUARE: &str = "0 0 10 10 0 10 10 10 10 0 10 10 0 0 10";

fn model(body: &str) -> String {
    format!("{HEADER}{body}</core:CityModel>\n")
}

#[test]
fn empty_and_whitespace_files() {
    assert!(matches!(citygml::read(b"", None), Err(CityGmlError::Empty)));
    assert!(matches!(
        citygml::read(b"  \n ", None),
        Err(CityGmlError::Empty)
    ));
}

#[test]
fn not_citygml_and_not_xml() {
    let e = citygml::read(b"<kml><Document/></kml>", None).unwrap_err();
    assert!(e.to_string().contains("<kml>"), "{e}");
    let e = citygml::read(b"this is not xml at all", None).unwrap_err();
    assert!(matches!(e, CityGmlError::NotXml(_)), "{e}");
}

#[test]
fn truncated_file_keeps_complete_buildings_and_names_the_end() {
    let full = model(&(building("B1", SQUARE) + &building("B2", SQUARE)));
    let cut = &full[..full.find("B2_p").unwrap()];
    let m = citygml::read(cut.as_bytes(), None).unwrap();
    assert_eq!(m.objects.len(), 1, "the unfinished B2 is left out");
    assert_eq!(m.objects[0].id, "B1");
    assert_eq!(m.objects[0].surfaces.len(), 1);
    assert_eq!(m.issues.len(), 1, "{:?}", m.issues);
    assert_eq!(m.issues[0].severity, Severity::Error);
    assert!(
        m.issues[0]
            .message
            .to_string()
            .contains("ends in the middle"),
        "{}",
        m.issues[0]
    );
    assert!(
        m.issues[0]
            .message
            .to_string()
            .contains("the unfinished B2 was left out"),
        "{}",
        m.issues[0]
    );
    assert_eq!(m.issues[0].id.as_deref(), Some("B2"));
}

#[test]
fn broken_xml_reports_line_and_keeps_earlier_buildings() {
    let text = model(
        &(building("B1", SQUARE)
            + "<bldg:Building gml:id=\"B2\"></bldg:Wrong>\n"
            + &building("B3", SQUARE)),
    );
    let m = citygml::read(text.as_bytes(), None).unwrap();
    assert_eq!(m.objects.len(), 1);
    assert_eq!(m.objects[0].id, "B1");
    let err = m
        .issues
        .iter()
        .find(|i| i.severity == Severity::Error)
        .expect("an error");
    assert_eq!(err.line, Some(8), "{err}");
    assert!(err.message.to_string().contains("broken XML"), "{err}");
}

#[test]
fn nan_and_missing_numbers_skip_only_that_polygon() {
    let text = model(
        &(building("B1", "0 0 10 NaN 0 10 10 10 10 0 0 10")
            + &building("B2", "0 0 10 10 0 10 10 10")
            + &building("B3", SQUARE)),
    );
    let m = citygml::read(text.as_bytes(), None).unwrap();
    assert_eq!(m.objects.len(), 3);
    assert_eq!(m.objects[0].surfaces.len(), 0);
    assert_eq!(m.objects[1].surfaces.len(), 0);
    assert_eq!(m.objects[2].surfaces.len(), 1);
    assert!(
        m.issues[0]
            .message
            .to_string()
            .contains("'NaN' is not a valid coordinate"),
        "{}",
        m.issues[0]
    );
    assert_eq!(m.issues[0].id.as_deref(), Some("B1_p"));
    assert!(
        m.issues[1]
            .message
            .to_string()
            .contains("cannot be split into 3-D points"),
        "{}",
        m.issues[1]
    );
}

#[test]
fn degenerate_polygon_is_reported() {
    let text = model(&building("B1", "0 0 10 0 0 10 5 5 10 0 0 10"));
    let m = citygml::read(text.as_bytes(), None).unwrap();
    assert_eq!(m.objects[0].surfaces.len(), 0);
    assert!(
        m.issues[0]
            .message
            .to_string()
            .contains("2 distinct points"),
        "{}",
        m.issues[0]
    );
}

#[test]
fn dangling_xlink_is_reported_with_building_id() {
    let body = r##"<core:cityObjectMember><bldg:Building gml:id="B9"><bldg:lod2Solid><gml:Solid><gml:exterior><gml:CompositeSurface>
<gml:surfaceMember xlink:href="#nowhere"/></gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid></bldg:Building></core:cityObjectMember>"##;
    let m = citygml::read(model(body).as_bytes(), None).unwrap();
    let i = &m.issues[0];
    assert_eq!(i.id.as_deref(), Some("B9"));
    assert!(i.message.to_string().contains("#nowhere"), "{i}");
    assert_eq!(i.line, Some(4));
}

#[test]
fn unknown_crs_is_a_warning_not_a_failure() {
    let text = model(&building("B1", SQUARE)).replace("EPSG:25832", "LOCAL_CS");
    let m = citygml::read(text.as_bytes(), None).unwrap();
    assert_eq!(m.crs, None);
    assert!(
        m.issues[0].message.to_string().contains("LOCAL_CS"),
        "{}",
        m.issues[0]
    );
    assert_eq!(m.objects[0].surfaces.len(), 1);
}

#[test]
fn huge_coordinates_do_not_panic() {
    let text = model(&building(
        "B1",
        "1e300 0 10 -1e300 0 10 1e300 1e300 10 1e300 0 10",
    ));
    let m = citygml::read(text.as_bytes(), None).unwrap();
    let _ = m.triangle_count();
    assert_eq!(m.objects.len(), 1);
}

#[test]
fn cancel_stops_the_reader() {
    let job = pw_job::JobControl::new();
    job.cancel();
    let body: String = (0..3000)
        .map(|i| building(&format!("B{i}"), SQUARE))
        .collect();
    let e = citygml::read(model(&body).as_bytes(), Some(&job)).unwrap_err();
    assert!(matches!(e, CityGmlError::Cancelled));
}

/// A building with a name and a street, written in the given encoding.
fn named_building(declared: &str, name: &str, street: &str) -> String {
    let body = building("B1", SQUARE).replace(
        "<bldg:boundedBy>",
        &format!(
            "<gml:name>{name}</gml:name><bldg:address><core:Address><core:xalAddress><xAL:AddressDetails xmlns:xAL=\"urn:oasis:names:tc:ciq:xsdschema:xAL:2.0\"><xAL:Country><xAL:Locality><xAL:Thoroughfare><xAL:ThoroughfareName>{street}</xAL:ThoroughfareName></xAL:Thoroughfare></xAL:Locality></xAL:Country></xAL:AddressDetails></core:xalAddress></core:Address></bldg:address><bldg:boundedBy>"
        ),
    );
    model(&body).replacen("encoding=\"UTF-8\"", &format!("encoding=\"{declared}\""), 1)
}

#[test]
fn a_latin_1_file_that_says_so_keeps_its_umlauts() {
    let text = named_building("ISO-8859-1", "Volkshaus", "Carl-Zeiß-Platz");
    let m = citygml::read(&latin1(&text), None).unwrap();
    assert_eq!(m.issues, [], "nothing to warn about");
    assert_eq!(m.objects[0].attribute("street"), Some("Carl-Zeiß-Platz"));
    assert_eq!(m.objects[0].surfaces.len(), 1);
}

#[test]
fn latin_1_bytes_in_a_file_that_says_nothing_are_marked_not_fatal() {
    let text = named_building("UTF-8", "Volkshaus", "Carl-Zeiß-Platz").replacen(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "",
        1,
    );
    let m = citygml::read(&latin1(&text), None).unwrap();
    assert_eq!(m.objects.len(), 1, "the building is kept");
    assert_eq!(
        m.objects[0].attribute("street"),
        Some("Carl-Zei\u{FFFD}-Platz")
    );
    assert_eq!(m.issues[0].severity, Severity::Warning);
    assert_eq!(m.issues[0].message.key, "xml.encoding.invalid_at");
    assert!(m.issues[0].message.to_string().contains("not valid UTF-8"));
}

/// Latin-1 bytes of a text (every char below U+0100 is that byte).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

#[test]
fn a_utf16_file_from_windows_reads_like_its_utf8_original() {
    let text = named_building("UTF-16", "Volkshaus", "Carl-Zeiß-Platz");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let m = citygml::read(&utf16, None).unwrap();
    assert_eq!(m.issues, [], "nothing to warn about");
    assert_eq!(m.objects[0].attribute("street"), Some("Carl-Zeiß-Platz"));
    assert_eq!(m.objects[0].surfaces.len(), 1);
}
