//! The car network of a real OSM extract (`../shared/data/osm/
//! north-bayreuth.osm.gz`, ODbL) against osmnx (PyPI `osmnx` 2.1.1, ways
//! chosen by osmium, our direction rules applied to its unsimplified graph;
//! `tests/peers/osmnx_network.py`): the same ways, nodes, node-to-node
//! pieces per road class and length. Needs `osmium` and a Python with
//! osmnx (PW_OSMNX_PYTHON or the venv `.ci/peers-setup` makes).

use pw_traffic::osm::{default_classes, road_network};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn extract() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/north-bayreuth.osm.gz")
}

fn python() -> PathBuf {
    std::env::var_os("PW_OSMNX_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.ci/peers-venv/bin/python")
        })
}

#[test]
fn the_car_network_of_bayreuth_is_the_one_osmnx_builds() {
    let data = pw_osm::read_file(&extract()).unwrap();
    let roads = road_network(&data, &default_classes(), &|p| Some(p), &|_| false).unwrap();
    let pieces: usize = roads.roads.iter().map(|r| r.geometry.len() - 1).sum();
    let length: f64 = roads.network.links.iter().map(|l| l.length).sum();
    let mut per_class = BTreeMap::new();
    for r in &roads.roads {
        *per_class.entry(r.class.to_string()).or_insert(0usize) += r.geometry.len() - 1;
    }

    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("osmnx_bayreuth.json");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/osmnx_network.py");
    let run = Command::new(python())
        .arg(script)
        .arg("--osm")
        .arg(extract())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("the osmnx Python (run .ci/peers-setup)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let peer: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    println!(
        "ours: {} ways, {} nodes, {pieces} directed pieces, {length:.3} m, {} links; osmnx: {peer}",
        roads.ways,
        roads.osm_nodes,
        roads.network.links.len()
    );
    assert_eq!(roads.ways as u64, peer["ways"].as_u64().unwrap());
    assert_eq!(roads.osm_nodes as u64, peer["nodes"].as_u64().unwrap());
    assert_eq!(pieces as u64, peer["directed_edges"].as_u64().unwrap());
    let peer_length = peer["length_m_r6371008_8"].as_f64().unwrap();
    assert!(
        (length - peer_length).abs() < 0.01,
        "{length} vs {peer_length}"
    );
    let peer_classes: BTreeMap<String, usize> = peer["per_highway"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize))
        .collect();
    assert_eq!(per_class, peer_classes);
    // The figures of this extract, as the peer found them on 2026-12-06.
    assert_eq!((roads.ways, roads.osm_nodes, pieces), (823, 5_936, 11_539));
}
