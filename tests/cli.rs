//! The command line as a user runs it.

use std::process::Command;

fn planwerkstatt(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planwerkstatt"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run planwerkstatt");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_lists_the_subcommands() {
    let (code, out, _) = planwerkstatt(&["--help"]);
    assert_eq!(code, 0);
    for word in ["open", "info", "--screenshot", "--workshop"] {
        assert!(out.contains(word), "--help lacks {word}:\n{out}");
    }
}

#[test]
fn info_describes_the_nrw_tile() {
    let (code, out, err) = planwerkstatt(&["info", "assets/demo/nrw/LoD2_32_280_5657_1_NW.gml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Kind:      CityGML 1.0 city model"), "{out}");
    assert!(
        out.contains("EPSG:25832+7837 (ETRS89 / UTM zone 32N + DHHN2016 height)"),
        "{out}"
    );
    assert!(
        out.contains("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH*GCG2016"),
        "{out}"
    );
    assert!(
        out.contains("Objects:   83 Building, 50 BuildingPart"),
        "{out}"
    );
    assert!(
        out.contains("Surfaces:  1144 (181 roof, 747 wall, 124 ground, 92 other/unclassified)"),
        "{out}"
    );
    assert!(out.contains("Triangles: 2676"), "{out}");
    assert!(out.contains("x 280847.889 … 281004.935"), "{out}");
    // Centre of the building extent (280926.412, 5657424.6295); PROJ 9.1.1:
    // `cs2cs -f %.6f EPSG:25832 EPSG:4326` → 51.026566 5.875835.
    assert!(
        out.contains("Centre:    51.026566° N, 5.875835° E (WGS84)"),
        "{out}"
    );
    assert!(out.contains("Problems:  0"), "{out}");
}

#[test]
fn info_describes_a_scene() {
    let (code, out, err) = planwerkstatt(&["info", "scenes/demo.scene"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Kind:      Planwerkstatt scene"), "{out}");
    assert!(out.contains("Layers:    1"), "{out}");
    assert!(out.contains("Bookmarks: 2"), "{out}");
}

#[test]
fn info_reports_problems_with_file_line_and_id() {
    let dir = std::env::temp_dir().join(format!("pw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo/nrw/LoD2_32_280_5657_1_NW.gml"
    ))
    .unwrap();
    // Cut the file in the middle of the 40th building.
    let cut_at = src.match_indices("<bldg:Building ").nth(39).unwrap().0 + 300;
    let file = dir.join("truncated.gml");
    std::fs::write(&file, &src[..cut_at]).unwrap();
    let (code, out, err) = planwerkstatt(&["info", file.to_str().unwrap()]);
    assert_eq!(code, 0, "what is valid still loads: {err}");
    assert!(
        out.contains("Objects:   39 Building, 20 BuildingPart"),
        "{out}"
    );
    assert!(out.contains("Problems:  1"), "{out}");
    assert!(
        out.contains(
            "truncated.gml: line 14971 (DENW43AL00001j4H): error: the file ends in the middle"
        ),
        "{out}"
    );
    assert!(
        out.contains("the unfinished DENW43AL00001j4H was left out"),
        "{out}"
    );

    let (code, _, err) = planwerkstatt(&["info", dir.join("missing.gml").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.gml: file not found"), "{err}");

    let empty = dir.join("empty.gml");
    std::fs::write(&empty, "").unwrap();
    let (code, _, err) = planwerkstatt(&["info", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("empty.gml") && err.contains("empty"), "{err}");

    let bad_scene = dir.join("bad.scene");
    std::fs::write(
        &bad_scene,
        "name = \"x\"\norigin = [1, 2, 3]\n[city]\nlatitude = \"north\"\n",
    )
    .unwrap();
    let (code, _, err) = planwerkstatt(&["info", bad_scene.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.scene:4:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn info_describes_city_json_with_all_object_types() {
    let (code, out, err) = planwerkstatt(&["info", "../shared/data/cityjson/delft.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Kind:      CityJSON 2.0 city model"), "{out}");
    assert!(
        out.contains("EPSG:28992+5709 (Amersfoort / RD New + NAP height)"),
        "{out}"
    );
    assert!(
        out.contains("Objects:   160 Building, 0 BuildingPart"),
        "{out}"
    );
    assert!(
        out.contains(
            "3 Bridge, 54 GenericCityObject, 81 LandUse, 126 PlantCover, 143 Road, 3 WaterBody"
        ),
        "{out}"
    );
}

#[test]
fn convert_citygml_to_cityjson_and_glb_in_another_crs() {
    let dir = std::env::temp_dir().join(format!("pw-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("nrw.city.json");
    let (code, out, err) = planwerkstatt(&[
        "convert",
        "assets/demo/nrw/LoD2_32_280_5657_1_NW.gml",
        json.to_str().unwrap(),
        "--to-crs",
        "EPSG:25833",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("133 objects (83 Building, 50 BuildingPart), 1144 surfaces"),
        "{out}"
    );
    let (code, info, _) = planwerkstatt(&["info", json.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        info.contains("Kind:      CityJSON 2.0 city model") && info.contains("EPSG:25833"),
        "{info}"
    );
    assert!(info.contains("Triangles: 2676"), "{info}");
    // PROJ 9.1.1: `echo "280928.585 5657506.457" | cs2cs -f %.3f EPSG:25832 EPSG:25833`
    // → -139291.569 5692585.933 (far west of zone 33: a negative easting is valid).
    let back = pw_city::cityjson::read_file(&json, None).unwrap();
    let wall = &back
        .objects
        .iter()
        .find(|o| o.id == "DENW43AL00001j2W")
        .unwrap()
        .surfaces[0]
        .exterior[0];
    assert!(
        (wall[0] + 139_291.569).abs() < 0.01 && (wall[1] - 5_692_585.933).abs() < 0.01,
        "{wall:?}"
    );

    let glb = dir.join("nrw.glb");
    let (code, out, err) = planwerkstatt(&[
        "convert",
        "assets/demo/nrw/LoD2_32_280_5657_1_NW.gml",
        glb.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}{out}");
    assert_eq!(&std::fs::read(&glb).unwrap()[0..4], b"glTF");

    let (code, _, err) = planwerkstatt(&[
        "convert",
        "assets/demo/nrw/LoD2_32_280_5657_1_NW.gml",
        dir.join("x.obj").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains(".glb or .city.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn info_describes_a_3d_tileset_and_a_placed_glb() {
    let (code, out, err) = planwerkstatt(&[
        "info",
        "../shared/data/gltf/cesium_TilesetWithRequestVolume/tileset.json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Kind:      3D Tiles 1.0"), "{out}");
    assert!(out.contains("EPSG:32618 (WGS 84 / UTM zone 18N)"), "{out}");
    assert!(out.contains("40 Building"), "{out}");
    assert!(
        out.contains("Tiles:     9 (6 with content: 5 b3dm, 1 pnts; 1 external tilesets; depth 3)"),
        "{out}"
    );
    assert!(out.contains("Points:    125000"), "{out}");

    let (code, out, err) =
        planwerkstatt(&["info", "../shared/data/gltf/vienna_karl-marx-hof/scene.glb"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Kind:      glTF 2.0"), "{out}");
    assert!(out.contains("collada.kml"), "{out}");
    assert!(out.contains("Z-up"), "{out}");
}

#[test]
fn info_lists_appearance_themes_and_texture_images() {
    let (code, out, err) = planwerkstatt(&[
        "info",
        "../shared/data/citygml/berlin_textured/DEB_LOD2_UUID_cda3726a-7346-4ba8-a393-90964d0c8697.gml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"rgbTexture\": 18 textured, 0 coloured surfaces"),
        "{out}"
    );
    assert!(
        out.contains("\"Eignung Photovoltaik\": 14 textured, 4 coloured surfaces"),
        "{out}"
    );
    assert!(
        out.contains("Textures:  18 images (18 found next to the file)"),
        "{out}"
    );
}

#[test]
fn sun_reproduces_the_spa_paper_test_case() {
    let (code, out, err) = planwerkstatt(&[
        "sun",
        "--date",
        "2003-10-17",
        "--time",
        "12:30:30",
        "--utc-offset",
        "-7",
        "--lat",
        "39.742476",
        "--lon",
        "-105.1786",
        "--elevation",
        "1830.14",
        "--pressure",
        "820",
        "--temperature",
        "11",
        "--delta-t",
        "67",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("zenith:    50.111622°"), "{out}");
    assert!(out.contains("azimuth:   194.340241°"), "{out}");
    assert!(out.contains("elevation: 39.888378°"), "{out}");
    assert!(out.contains("sunrise:   06:12:4"), "{out}");
    // The local day's sunset, and SPA's UT-day one explained.
    assert!(out.contains("sunset:    17:18:5"), "{out}");
    assert!(out.contains("17:20:1"), "{out}");

    // Defaults: Jena, Europe/Berlin with daylight saving.
    let (code, out, err) = planwerkstatt(&["sun", "--date", "2026-06-21", "--time", "13:00"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(+02:00) = 2026-06-21 11:00:00 UTC"), "{out}");
    assert!(out.contains("50.927000° N, 11.589000° E"), "{out}");
    let (code, _, err) = planwerkstatt(&["sun", "--date", "2026-13-40"]);
    assert_eq!(code, 2);
    assert!(err.contains("--date"), "{err}");
}

#[test]
fn info_describes_a_geotiff_dem() {
    let (code, out, err) =
        planwerkstatt(&["info", "../shared/data/dem/vinschgau/elev_vinschgau.tif"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("EPSG:32632 (WGS 84 / UTM zone 32N)"), "{out}");
    assert!(out.contains("252 × 194 cells of 250 × 250"), "{out}");
    assert!(out.contains("Heights:   388.00 … 3863.00"), "{out}");
    assert!(out.contains("No data:   445 cells"), "{out}");
}
