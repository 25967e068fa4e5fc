//! WFS answers as German servers write them: the CRS only on the
//! collection's envelope, URN names meaning the registry's axis order, and
//! servers that put the northing first where the name says otherwise.
//! Expected positions from GDAL 3.6 (`gdaltransform -s_srs EPSG:4326 -t_srs
//! EPSG:31468`/`EPSG:25833`) for Jena's market square (11.575173° E,
//! 50.919217° N) and a point north-east of it (11.59° E, 50.93° N).

use pw_geo::Crs;
use pw_vector::gml;
use pw_vector::model::Geometry;

/// A WFS 1.1 GetFeature answer with two trees, the CRS named only on the
/// collection's `boundedBy`, coordinates as `pos` pairs in file order.
fn wfs_1_1(srs_name: &str, first: [f64; 2], second: [f64; 2]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" xmlns:gml="http://www.opengis.net/gml"
    xmlns:app="http://www.jena.de/app" numberOfFeatures="2" timeStamp="2026-12-07T09:00:00">
  <gml:boundedBy>
    <gml:Envelope srsName="{srs_name}">
      <gml:lowerCorner>{} {}</gml:lowerCorner>
      <gml:upperCorner>{} {}</gml:upperCorner>
    </gml:Envelope>
  </gml:boundedBy>
  <gml:featureMember>
    <app:baum gml:id="baum.1">
      <app:art>Tilia cordata</app:art>
      <app:geom><gml:Point><gml:pos>{} {}</gml:pos></gml:Point></app:geom>
    </app:baum>
  </gml:featureMember>
  <gml:featureMember>
    <app:baum gml:id="baum.2">
      <app:art>Acer platanoides</app:art>
      <app:geom><gml:Point><gml:pos>{} {}</gml:pos></gml:Point></app:geom>
    </app:baum>
  </gml:featureMember>
</wfs:FeatureCollection>"#,
        first[0], first[1], second[0], second[1], first[0], first[1], second[0], second[1]
    )
}

fn points(d: &pw_vector::model::VectorData) -> Vec<[f64; 2]> {
    d.features
        .iter()
        .map(|f| match &f.geometry {
            Some(Geometry::Points(p)) => [p[0][0], p[0][1]],
            other => panic!("not a point: {other:?}"),
        })
        .collect()
}

fn close(a: [f64; 2], b: [f64; 2]) -> bool {
    (a[0] - b[0]).abs() < 0.01 && (a[1] - b[1]).abs() < 0.01
}

#[test]
fn gauss_kruger_urn_on_the_envelope_is_northing_first_and_read_easting_first() {
    let text = wfs_1_1(
        "urn:x-ogc:def:crs:EPSG:31468",
        [5_642_742.61, 4_470_231.80],
        [5_643_936.29, 4_471_281.08],
    );
    let d = gml::read(&text).unwrap();
    assert_eq!(d.crs, Some(Crs::epsg(31468)));
    assert_eq!(d.crs_text.as_deref(), Some("urn:x-ogc:def:crs:EPSG:31468"));
    let p = points(&d);
    assert!(close(p[0], [4_470_231.80, 5_642_742.61]), "{p:?}");
    assert!(close(p[1], [4_471_281.08, 5_643_936.29]), "{p:?}");
    assert!(d.issues.is_empty(), "{:?}", d.issues);
}

#[test]
fn utm_written_northing_first_is_turned_and_the_layer_says_so() {
    // EPSG:25833 is easting first; this server writes the northing first,
    // which read as written gives eastings of 5.6 million metres.
    let text = wfs_1_1(
        "urn:ogc:def:crs:EPSG::25833",
        [5_646_429.02, 259_293.54],
        [5_647_579.38, 260_390.81],
    );
    let d = gml::read(&text).unwrap();
    assert_eq!(d.crs, Some(Crs::epsg(25833)));
    let p = points(&d);
    assert!(close(p[0], [259_293.54, 5_646_429.02]), "{p:?}");
    assert!(close(p[1], [260_390.81, 5_647_579.38]), "{p:?}");
    assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
    assert!(
        d.issues[0].to_string().contains("other way round"),
        "{}",
        d.issues[0]
    );
}

#[test]
fn coordinates_that_fit_the_crs_neither_way_are_kept_and_flagged() {
    let text = wfs_1_1("urn:ogc:def:crs:EPSG::25832", [120.0, 80.0], [130.0, 90.0]);
    let d = gml::read(&text).unwrap();
    assert_eq!(points(&d)[0], [120.0, 80.0]);
    assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
    assert!(
        d.issues[0].to_string().contains("outside the region"),
        "{}",
        d.issues[0]
    );
}

#[test]
fn short_code_names_keep_easting_first() {
    let text = wfs_1_1(
        "EPSG:31468",
        [4_470_231.80, 5_642_742.61],
        [4_471_281.08, 5_643_936.29],
    );
    let d = gml::read(&text).unwrap();
    assert!(close(points(&d)[0], [4_470_231.80, 5_642_742.61]));
    assert!(d.issues.is_empty(), "{:?}", d.issues);
}

#[test]
fn japanese_geographic_crs_on_the_geometry_is_latitude_first() {
    // GML 3.2 as PLATEAU's and Japanese WFS servers write it: JGD2011 +
    // height by URI, latitude first; Tokyo station.
    let text = r#"<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2">
  <wfs:member><app:station xmlns:app="urn:x" gml:id="s1"><app:name>東京</app:name>
    <app:geom><gml:Point srsName="http://www.opengis.net/def/crs/EPSG/0/6697"><gml:pos>35.6812 139.7671 3.5</gml:pos></gml:Point></app:geom>
  </app:station></wfs:member>
</wfs:FeatureCollection>"#;
    let d = gml::read(text).unwrap();
    assert_eq!(d.crs.map(|c| c.horizontal), Some(6668));
    assert_eq!(points(&d)[0], [139.7671, 35.6812]);
    assert!(d.issues.is_empty(), "{:?}", d.issues);
    // Reprojected to JGD2011 / Japan Plane IX: where GDAL puts it
    // (`gdaltransform -s_srs EPSG:4326 -t_srs EPSG:6677` → -5995.185, -35367.230).
    let mut d = d;
    d.reproject(Crs::epsg(6677)).unwrap();
    let p = points(&d)[0];
    assert!(close(p, [-5_995.185, -35_367.230]), "{p:?}");
}

/// Latin-1 bytes of a text (every char below U+0100 is that byte).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

#[test]
fn a_wfs_answer_in_iso_8859_1_keeps_its_umlauts_and_one_saying_nothing_is_flagged() {
    let text = wfs_1_1(
        "urn:ogc:def:crs:EPSG::25832",
        [681_000.0, 5_645_000.0],
        [681_100.0, 5_645_100.0],
    )
    .replace("<app:art>", "<app:art>Löbdergraben, ");
    let declared = text.replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1);
    let d = pw_vector::gml::read_bytes(&latin1(&declared)).unwrap();
    assert!(d.issues.iter().all(|i| !i.key.starts_with("xml.encoding")));
    let kinds: Vec<String> = (0..d.features.len())
        .map(|i| d.value(i, "art").unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "Löbdergraben, Tilia cordata",
            "Löbdergraben, Acer platanoides"
        ]
    );

    let undeclared = text.replacen(" encoding=\"UTF-8\"", "", 1);
    let d = pw_vector::gml::read_bytes(&latin1(&undeclared)).unwrap();
    assert_eq!(d.issues[0].key, "xml.encoding.invalid_at");
    assert_eq!(d.features.len(), 2, "every feature kept");
    assert_eq!(
        d.value(0, "art").unwrap().to_string(),
        "L\u{FFFD}bdergraben, Tilia cordata"
    );
}
