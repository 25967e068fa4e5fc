//! Broken 3D Tiles content and glTF: a message, never a panic.

use pw_city::tiles3d::Tileset;
use std::path::PathBuf;

#[test]
fn fuzzer_found_accessor_with_an_invalid_type_is_refused() {
    // cargo-fuzz (tile_content target) mutated a real Cesium b3dm into a glTF
    // whose accessor has an invalid component type; the glTF crate panicked
    // reading it before validation was done.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz_tile_invalid_accessor.b3dm");
    let bytes = std::fs::read(path).unwrap();
    let err = Tileset::read_content_bytes(&bytes).unwrap_err().to_string();
    assert!(err.contains("invalid glTF"), "{err}");
}

#[test]
fn fuzzer_found_position_accessor_out_of_range_is_refused() {
    // gltf-json's validation itself indexed the POSITION accessor unchecked.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz_tile_missing_accessor.b3dm");
    let err = Tileset::read_content_bytes(&std::fs::read(path).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("accessor that does not exist"), "{err}");
}

#[test]
fn fuzzer_found_position_accessor_of_the_wrong_type_is_refused() {
    // A POSITION accessor that is not VEC3: the glTF crate's reader asserted.
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_tile_position_type.b3dm");
    let model = Tileset::read_content_bytes(&std::fs::read(path).unwrap());
    match model {
        Err(e) => assert!(e.to_string().contains("accessor"), "{e}"),
        Ok(m) => assert!(
            m.issues
                .iter()
                .any(|i| i.message.to_string().contains("accessor")),
            "{:?}",
            m.issues
        ),
    }
}

#[test]
fn fuzzer_found_glb_with_a_tiny_declared_length_is_refused() {
    // The glTF crate's header arithmetic underflowed on it.
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_tile_glb_length.b3dm");
    let err = Tileset::read_content_bytes(&std::fs::read(path).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("binary glTF"), "{err}");
}

#[test]
fn truncated_real_tiles_fail_cleanly() {
    let city = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/gltf/cesium_TilesetWithRequestVolume/city/ll.b3dm");
    let bytes = std::fs::read(city).unwrap();
    for cut in [10, 28, 100, 500, 2000, bytes.len() - 1] {
        assert!(
            Tileset::read_content_bytes(&bytes[..cut]).is_err(),
            "cut at {cut} should fail"
        );
    }
    assert_eq!(
        Tileset::read_content_bytes(&bytes).unwrap().objects.len(),
        10
    );
}
