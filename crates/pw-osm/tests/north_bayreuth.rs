//! The real extract `../shared/data/osm/north-bayreuth.osm.gz` (Overpass
//! export, ODbL): counts against SOURCES.md and against osmium (Debian
//! `osmium-tool`: `osmium fileinfo`), and the same data once more as PBF
//! written by osmium (`osmium cat`), which must read to the same elements.

use pw_osm::{MemberKind, OsmData, read_file, tag};
use std::path::{Path, PathBuf};
use std::process::Command;

fn extract() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/north-bayreuth.osm.gz")
}

fn count_ways(data: &OsmData, key: &str) -> usize {
    data.ways
        .iter()
        .filter(|w| tag(&w.tags, key).is_some())
        .count()
}

#[test]
fn the_extract_has_the_counts_of_its_description() {
    let data = read_file(&extract()).unwrap();
    assert_eq!(
        (data.nodes.len(), data.ways.len(), data.relations.len()),
        (58_631, 7_801, 179)
    );
    assert_eq!(
        data.nodes.iter().filter(|n| !n.tags.is_empty()).count(),
        939
    );
    assert_eq!(count_ways(&data, "building"), 4_267);
    assert_eq!(count_ways(&data, "highway"), 2_056);
    assert_eq!(count_ways(&data, "maxspeed"), 263);
    let highway = |class: &str| {
        data.ways
            .iter()
            .filter(|w| tag(&w.tags, "highway") == Some(class))
            .count()
    };
    assert_eq!(
        [
            highway("track"),
            highway("residential"),
            highway("motorway"),
            highway("primary")
        ],
        [900, 313, 64, 62]
    );
    let route_relations = data
        .relations
        .iter()
        .filter(|r| tag(&r.tags, "type") == Some("route"))
        .count();
    assert_eq!(route_relations, 54);
    let b = data.bounds.unwrap();
    assert!(
        (b[0] - 49.9721).abs() < 1e-3 && (b[3] - 11.6053).abs() < 1e-3,
        "{b:?}"
    );
    // Every way's nodes are in the extract (Overpass keeps whole ways).
    let positions = data.positions();
    assert!(
        data.ways
            .iter()
            .all(|w| data.way_positions(w, &positions).is_some())
    );
    assert!(data.relations.iter().any(|r| {
        r.members
            .iter()
            .any(|m| m.kind == MemberKind::Way && m.role == "outer")
    }));
}

fn osmium(args: &[&str]) -> std::process::Output {
    let out = Command::new("osmium")
        .args(args)
        .output()
        .expect("osmium (Debian osmium-tool; .ci/peers-setup installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn osmium_counts_the_same_and_its_pbf_reads_to_the_same_elements() {
    let source = extract();
    let xml = read_file(&source).unwrap();
    let info = osmium(&["fileinfo", "-e", "-j", source.to_str().unwrap()]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let count = &info["data"]["count"];
    assert_eq!(count["nodes"], xml.nodes.len());
    assert_eq!(count["ways"], xml.ways.len());
    assert_eq!(count["relations"], xml.relations.len());
    // osmium's bounding box of all nodes, as ours.
    let bbox = info["data"]["bbox"].as_array().unwrap();
    let lon_min = xml
        .nodes
        .iter()
        .map(|n| n.lon)
        .fold(f64::INFINITY, f64::min);
    assert!((bbox[0].as_f64().unwrap() - lon_min).abs() < 1e-7);

    let pbf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("north-bayreuth.osm.pbf");
    osmium(&[
        "cat",
        source.to_str().unwrap(),
        "-o",
        pbf.to_str().unwrap(),
        "--overwrite",
    ]);
    let from_pbf = read_file(&pbf).unwrap();
    assert_eq!(from_pbf.ways, xml.ways);
    assert_eq!(from_pbf.relations, xml.relations);
    assert_eq!(from_pbf.nodes.len(), xml.nodes.len());
    for (a, b) in from_pbf.nodes.iter().zip(&xml.nodes) {
        assert_eq!((a.id, &a.tags), (b.id, &b.tags));
        // PBF stores positions in 100 nanodegrees, as XML's 7 decimals.
        assert!(
            (a.lat - b.lat).abs() < 1e-7 && (a.lon - b.lon).abs() < 1e-7,
            "node {}",
            a.id
        );
    }
}
