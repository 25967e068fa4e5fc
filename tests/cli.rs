//! The command line as a user runs it.

use std::process::Command;

mod common;
use common::planwerkstatt;

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

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("pw-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The demo scene with extra layers / another city, written next to the test files.
fn demo_variant(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let demo = std::fs::read_to_string("scenes/demo.scene").unwrap();
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let text = demo.replace("../assets/", &format!("{}/", assets.display())) + extra;
    let path = dir.join("variant.scene");
    std::fs::write(&path, text).unwrap();
    path
}

/// A planned 20 m × 20 m block, 25 m high, as CityJSON 2.0 (EPSG:25832).
fn planned_block(dir: &std::path::Path, x: f64, y: f64, z: f64) -> std::path::PathBuf {
    let v: Vec<[i64; 3]> = [
        [0, 0, 0],
        [20, 0, 0],
        [20, 20, 0],
        [0, 20, 0],
        [0, 0, 25],
        [20, 0, 25],
        [20, 20, 25],
        [0, 20, 25],
    ]
    .iter()
    .map(|p| [p[0] * 1000, p[1] * 1000, p[2] * 1000])
    .collect();
    let json = serde_json::json!({
        "type": "CityJSON", "version": "2.0",
        "transform": {"scale": [0.001, 0.001, 0.001], "translate": [x, y, z]},
        "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/25832"},
        "CityObjects": {"planned": {"type": "Building", "geometry": [{
            "type": "MultiSurface", "lod": "2",
            "boundaries": [[[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]],
            "semantics": {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
                          "values": [0, 1, 2, 2, 2, 2]}
        }]}},
        "vertices": v,
    });
    let path = dir.join("planned.city.json");
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

#[test]
fn shadow_writes_sun_hours_facades_and_the_difference_a_plan_makes() {
    let dir = temp_dir("shadow");
    let area = "280850,5657300,281000,5657450";
    let before = dir.join("before.tif");
    let facades = dir.join("facades.geojson");
    let (code, out, err) = planwerkstatt(&[
        "shadow",
        "--scene",
        "scenes/demo.scene",
        "--area",
        area,
        "--date",
        "2026-03-21",
        "--out",
        before.to_str().unwrap(),
        "--facades",
        facades.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (grid, _) = pw_terrain::geotiff::read_file(&before).unwrap();
    assert_eq!((grid.width, grid.height), (150, 150), "{out}");
    assert_eq!(grid.crs.map(|c| c.horizontal), Some(25832));
    // Open ground sees the whole equinox day: sunrise to sunset at
    // Heinsberg is 12 h 10 min (the `sun` command's own figures).
    let max = grid
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0f32, |a, b| a.max(*b));
    let (_, sun_out, _) = planwerkstatt(&[
        "sun",
        "--scene",
        "scenes/demo.scene",
        "--date",
        "2026-03-21",
    ]);
    let clock = |key: &str| -> f32 {
        let line = sun_out.lines().find(|l| l.starts_with(key)).unwrap();
        let t: Vec<f32> = line[key.len()..]
            .trim()
            .split(':')
            .map(|x| x.parse().unwrap())
            .collect();
        t[0] + t[1] / 60.0 + t[2] / 3600.0
    };
    let day = clock("sunset:") - clock("sunrise:");
    assert!(
        (max - day).abs() < 10.0 / 60.0,
        "open ground {max} h, day {day} h"
    );
    // Cells right north of buildings get much less; buildings themselves are NaN.
    assert!(grid.values.iter().any(|v| v.is_finite() && *v < 2.0));
    let under_buildings = grid.values.iter().filter(|v| v.is_nan()).count();
    assert!(under_buildings > 500, "{under_buildings}");
    // The stamp is in the GeoTIFF.
    let bytes = std::fs::read(&before).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for key in [
        "dates\">2026-03-21",
        "step_minutes\">10",
        "LoD2_32_280_5657_1_NW.gml (1833833 bytes",
    ] {
        assert!(text.contains(key), "stamp lacks {key}");
    }
    // Facades: GeoJSON points with hours and the DIN EN 17037 level.
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&facades).unwrap()).unwrap();
    let features = fc["features"].as_array().unwrap();
    assert!(features.len() > 1000, "{}", features.len());
    assert_eq!(fc["planwerkstatt_run"]["dates"], "2026-03-21");
    assert_eq!(
        fc["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::25832"
    );
    for f in features {
        let p = &f["properties"];
        let h = p["sun_hours"].as_f64().unwrap();
        assert!((0.0..=12.3).contains(&h), "{h}");
        assert!(
            ["not_met", "minimum", "medium", "high"]
                .contains(&p["din17037_level"].as_str().unwrap())
        );
    }
    assert!(out.contains("DIN EN 17037"), "{out}");

    // After: a planned 25 m block in the middle of the area.
    let block = planned_block(&dir, 280_930.0, 5_657_330.0, 40.4);
    let variant = demo_variant(
        &dir,
        &format!(
            "\n[[layers]]\nname = \"Planung\"\nkind = \"cityjson\"\npath = \"{}\"\n",
            block.display()
        ),
    );
    let diff = dir.join("diff.tif");
    let (code, out, err) = planwerkstatt(&[
        "shadow",
        "--scene",
        variant.to_str().unwrap(),
        "--area",
        area,
        "--date",
        "2026-03-21",
        "--compare",
        before.to_str().unwrap(),
        "--diff",
        diff.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (d, _) = pw_terrain::geotiff::read_file(&diff).unwrap();
    let lost: f64 = d.values.iter().filter(|v| **v < -0.01).count() as f64;
    let gained = d.values.iter().filter(|v| **v > 0.01).count();
    // The block's shadow lies north of it: at least its own 20 m width times
    // the equinox noon shadow (25 m / tan 38.9° ≈ 31 m) loses sun.
    assert!(lost > 600.0, "{lost} m² lose sun\n{out}");
    assert_eq!(gained, 0, "a new building gives no one more sun");
    // Under the block itself: no ground any more.
    assert!(d.cell_value_at(280_940.0, 5_657_340.0).is_none());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn shadow_refuses_bad_input_with_clear_messages() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--area",
                "280850,5657300,281000,5657450",
                "--date",
                "7000-01-01",
            ],
            "6000, where SPA is valid",
        ),
        (
            &["--area", "1,2,3", "--date", "2026-03-21"],
            "min_x,min_y,max_x,max_y",
        ),
        (
            &[
                "--area",
                "280900,5657400,280800,5657500",
                "--date",
                "2026-03-21",
            ],
            "is empty",
        ),
        (
            &["--area", "0,0,100000,100000", "--date", "2026-03-21"],
            "choose a smaller area or a larger cell size",
        ),
        (&["--date", "2026-13-01"], "write YYYY-MM-DD"),
        (
            &["--date", "2026-03-21", "--from", "18:00", "--to", "08:00"],
            "is empty",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["shadow", "--scene", "scenes/demo.scene"];
        all.extend_from_slice(args);
        let (code, _, err) = planwerkstatt(&all);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // A run of many minutes needs --force; --estimate tells the cost first.
    let (code, out, _) = planwerkstatt(&[
        "shadow",
        "--scene",
        "scenes/demo.scene",
        "--area",
        "275000,5650000,285000,5660000",
        "--cell",
        "2",
        "--date",
        "2026-06-21",
        "--estimate",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("26522500 cells of 2 m incl. 150 m margin; 99 sun steps"),
        "{out}"
    );
    let (code, _, err) = planwerkstatt(&[
        "shadow",
        "--scene",
        "scenes/demo.scene",
        "--area",
        "275000,5650000,285000,5660000",
        "--cell",
        "2",
        "--date",
        "2026-06-20",
        "--date",
        "2026-06-21",
        "--date",
        "2026-06-22",
        "--date",
        "2026-06-23",
        "--step",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("add --force"), "{err}");
    // An area without buildings: computed, with a note, all sun.
    let (code, out, err) = planwerkstatt(&[
        "shadow",
        "--scene",
        "scenes/demo.scene",
        "--area",
        "275000,5650000,275100,5650100",
        "--date",
        "2026-03-21",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("no buildings or other obstacles in the area"),
        "{out}"
    );
}

#[test]
fn analysis_runs_any_registered_analysis_with_its_parameters_and_writes_every_part() {
    let (code, out, err) = planwerkstatt(&["analysis", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("sunhours"), "{out}");
    let (code, out, _) = planwerkstatt(&["analysis", "params", "sunhours"]);
    assert_eq!(code, 0);
    let step = out.lines().find(|l| l.starts_with("step ")).unwrap();
    assert!(
        step.contains("number 1–120 min") && step.contains("default 10"),
        "{step}"
    );
    let dir = temp_dir("analysis");
    let (code, out, err) = planwerkstatt(&[
        "analysis",
        "run",
        "sunhours",
        "--scene",
        "scenes/demo.scene",
        "--set",
        "area=280850,5657300,281000,5657450",
        "--set",
        "date=2026-03-21",
        "--set",
        "facades=nein",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("150 cells") || out.contains("cells of 1 m"),
        "{out}"
    );
    let written: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("written:"))
        .map(str::trim)
        .collect();
    assert_eq!(written.len(), 2, "GeoTIFF and KPI table: {out}");
    let tif = written.iter().find(|f| f.ends_with(".tif")).unwrap();
    let (grid, _) = pw_terrain::geotiff::read_file(std::path::Path::new(tif)).unwrap();
    assert_eq!((grid.width, grid.height), (150, 150));
    let csv = std::fs::read_to_string(
        written
            .iter()
            .find(|f| f.ends_with("_kennzahlen.csv"))
            .unwrap(),
    )
    .unwrap();
    // The KPI printed equals the one in the table.
    let kpi = out.lines().find(|l| l.starts_with("area_4h_m2")).unwrap();
    let m2 = kpi.split_whitespace().nth(1).unwrap();
    assert!(
        csv.contains(&format!("kpi,area_4h_m2,{m2},m²,")),
        "{kpi}\n{csv}"
    );
    assert!(csv.contains("run,param_facades,false"), "{csv}");
    // Bad parameters: what to write, before anything loads.
    for (set, expected) in [
        ("step=500", "step 500: choose between 1 and 120 min"),
        ("colour=red", "known are area, date"),
        ("area=1,2,3", "min_x,min_y,max_x,max_y"),
        ("date", "write KEY=VALUE"),
    ] {
        let (code, _, err) = planwerkstatt(&[
            "analysis",
            "run",
            "sunhours",
            "--scene",
            "scenes/demo.scene",
            "--set",
            set,
        ]);
        assert_eq!(code, 2, "{set}");
        assert!(err.contains(expected), "{set}: {err}");
    }
    let (code, _, err) = planwerkstatt(&["analysis", "params", "weather"]);
    assert_eq!(code, 2);
    assert!(err.contains("there are: sunhours"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn analysis_runs_on_a_variant_of_the_scene() {
    let dir = temp_dir("variant");
    let scene = demo_variant(&dir, "");
    std::fs::write(
        dir.join("variant.plan.toml"),
        "[[variant]]\nname = \"Variante A\"\nremoved = [\"DENW43AL00001j2W\"]\n\n\
         [[variant.volume]]\nid = \"neu-1\"\nfootprint = [[280930.0, 5657330.0], [280950.0, 5657330.0], [280950.0, 5657342.0], [280930.0, 5657342.0]]\nstoreys = 4\n\n\
         [variant.volume.roof]\nform = \"gable\"\npitch = 35.0\nridge_edge = 0\n",
    )
    .unwrap();
    let scene = scene.to_str().unwrap();
    let (code, out, err) = planwerkstatt(&[
        "analysis",
        "run",
        "plan",
        "--scene",
        scene,
        "--variant",
        "Variante A",
    ]);
    assert_eq!(code, 0, "{err}");
    let kpi = |key: &str| {
        out.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} in {out}"))
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(kpi("new_buildings"), "1");
    assert_eq!(kpi("footprint_m2"), "240 m²");
    assert_eq!(kpi("gross_floor_m2"), "960 m²");
    assert_eq!(kpi("max_height_m"), "16.2 m");
    assert_eq!(kpi("removed_buildings"), "1");
    // Sun hours on the variant: the new house takes sun north of it.
    let (code, out, err) = planwerkstatt(&[
        "analysis",
        "run",
        "sunhours",
        "--scene",
        scene,
        "--variant",
        "Variante A",
        "--set",
        "area=280850,5657300,281000,5657450",
        "--set",
        "date=2026-03-21",
        "--set",
        "facades=no",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("area_4h_m2"), "{out}");
    let (code, _, err) = planwerkstatt(&[
        "analysis",
        "run",
        "plan",
        "--scene",
        scene,
        "--variant",
        "Variante Z",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no variant \"Variante Z\"; there are: Variante A"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn shadow_in_the_polar_night_is_zero_hours_with_a_note() {
    let dir = temp_dir("polar");
    // The same buildings, but the sun of Longyearbyen (78.2° N).
    let scene = demo_variant(&dir, "");
    let text = std::fs::read_to_string(&scene)
        .unwrap()
        .replace("latitude = 51.02657", "latitude = 78.22")
        .replace("longitude = 5.87583", "longitude = 15.65");
    std::fs::write(&scene, text).unwrap();
    let out_tif = dir.join("polar.tif");
    let (code, out, err) = planwerkstatt(&[
        "shadow",
        "--scene",
        scene.to_str().unwrap(),
        "--area",
        "280850,5657300,281000,5657450",
        "--date",
        "2026-12-21",
        "--out",
        out_tif.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the sun does not rise"), "{out}");
    let (g, _) = pw_terrain::geotiff::read_file(&out_tif).unwrap();
    assert!(g.values.iter().filter(|v| v.is_finite()).all(|v| *v == 0.0));
    // And in the polar day, open ground has all 24 hours.
    let (code, out, err) = planwerkstatt(&[
        "shadow",
        "--scene",
        scene.to_str().unwrap(),
        "--area",
        "280850,5657300,281000,5657450",
        "--date",
        "2026-06-21",
        "--out",
        out_tif.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (g, _) = pw_terrain::geotiff::read_file(&out_tif).unwrap();
    let max = g
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0f32, |a, b| a.max(*b));
    assert!((max - 24.0).abs() < 1e-3, "{max}\n{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn info_describes_vector_files_with_crs_fields_and_problems() {
    let (code, out, err) = planwerkstatt(&[
        "info",
        "../shared/data/vector/bkg_vg5000_gk3/VG5000_KRS.shp",
    ]);
    assert_eq!(code, 0, "{err}");
    for want in [
        "Kind:      Shapefile vector data",
        "CRS:       EPSG:31467 (DHDN / 3-degree Gauss-Kruger zone 3)",
        "Features:  401 (401 polygon)",
        "GEN (text): Flensburg",
        "Problems:  0",
    ] {
        assert!(out.contains(want), "lacks {want:?}:\n{out}");
    }
    // CSV: the CRS of the coordinate columns comes from --crs.
    let (code, out, err) = planwerkstatt(&[
        "info",
        "../shared/data/vector/flensburg/lebende-baeume.csv",
        "--crs",
        "EPSG:31467",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Features:  18697 (18697 point)"), "{out}");
    assert!(out.contains("Centre:    54.78"), "{out}");
    assert!(out.contains("GEBIET (text): Entwässerung"), "{out}");
    // Without it the user is told what to do.
    let (_, out, _) =
        planwerkstatt(&["info", "../shared/data/vector/flensburg/lebende-baeume.csv"]);
    assert!(
        out.contains("CRS:       unknown") && out.contains("choose the CRS"),
        "{out}"
    );
    // The Jena reference areas lack "type": read, with the problem named.
    let (code, out, _) =
        planwerkstatt(&["info", "../shared/data/vector/jena/reference_areas.json"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("GeoJSON vector data") && out.contains("no \"type\""),
        "{out}"
    );
}

/// A private D-Bus session with GNOME Keyring (Debian `dbus`,
/// `gnome-keyring`, `libsecret-tools`; `.ci/sensors-setup` installs them):
/// the OS keyring a planner's desktop has. Stopped when dropped.
struct Keyring {
    bus: String,
    home: std::path::PathBuf,
    pid: u32,
}

impl Keyring {
    fn start() -> Keyring {
        let home = std::env::temp_dir().join(format!("pw-keyring-{}", std::process::id()));
        std::fs::create_dir_all(&home).unwrap();
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .output()
            .expect("dbus-daemon is not installed; run .ci/sensors-setup");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let bus = lines.next().unwrap().trim().to_string();
        let pid = lines.next().unwrap().trim().parse().unwrap();
        // Unlocks (creates) the login keyring with a password on stdin.
        let mut unlock = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("gnome-keyring is not installed; run .ci/sensors-setup");
        use std::io::Write;
        unlock.stdin.take().unwrap().write_all(b"test").unwrap();
        assert!(unlock.wait().unwrap().success());
        Keyring { bus, home, pid }
    }

    fn run(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_planwerkstatt"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join("data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // The keyring daemon leaves with its bus.
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

#[test]
fn a_token_kept_in_the_os_keyring_reaches_the_server_and_nowhere_else() {
    let keyring = Keyring::start();
    let server = pw_testkit::HttpFixture::start(|_, headers| {
        let auth = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str());
        if auth == Some("Bearer geheim-4711") {
            pw_testkit::Reply::json(
                r#"{"value": [{"@iot.id": "K440~BLN1/1~color", "name": "color"}]}"#,
            )
        } else {
            pw_testkit::Reply::status("401 Unauthorized", "text/plain", "token?")
        }
    });
    let (code, out, err) = keyring.run(&["sensors", "token", "jena-sta"], "geheim-4711\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("stored in the keyring"), "{out}");
    let (code, out, err) = keyring.run(
        &[
            "sensors",
            "list",
            &server.base,
            "--token-keyring",
            "jena-sta",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("K440~BLN1/1~color") && out.contains("1 datastreams"),
        "{out}"
    );
    // Without it the server refuses; an unknown name is said plainly.
    let (code, _, err) = keyring.run(&["sensors", "list", &server.base], "");
    assert_ne!(code, 0);
    assert!(err.contains("401"), "{err}");
    let (code, _, err) = keyring.run(
        &[
            "sensors",
            "list",
            &server.base,
            "--token-keyring",
            "unbekannt",
        ],
        "",
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("no token named \"unbekannt\"") && err.contains("sensors token unbekannt"),
        "{err}"
    );
}

/// The plan of the issue's test on the NRW demo tile: a 20 × 12 m gable
/// house, 4 storeys × 3 m, two existing buildings demolished, a tree
/// planted; and two parcels as a vector file.
fn demo_plan(dir: &std::path::Path) -> std::path::PathBuf {
    let scene = demo_variant(dir, "");
    std::fs::write(
        dir.join("variant.plan.toml"),
        "[[variant]]\nname = \"Variante B\"\nremoved = [\"DENW43AL00001j2W\", \"DENW43AL00001j64\"]\n\n\
         [[variant.volume]]\nid = \"neu-1\"\nfootprint = [[280930.0, 5657330.0], [280950.0, 5657330.0], [280950.0, 5657342.0], [280930.0, 5657342.0]]\nstoreys = 4\n\n\
         [variant.volume.roof]\nform = \"gable\"\npitch = 35.0\nridge_edge = 0\n\n\
         [[variant.tree]]\nid = \"baum-1\"\nat = [280940.0, 5657350.0]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("plots.geojson"),
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
{"type":"Feature","id":"flst-17","properties":{"flstkennz":"053449-001-00017"},"geometry":{"type":"Polygon","coordinates":[[[280920,5657320],[280970,5657320],[280970,5657360],[280920,5657360],[280920,5657320]]]}},
{"type":"Feature","id":"flst-18","properties":{"flstkennz":"053449-001-00018"},"geometry":{"type":"Polygon","coordinates":[[[280970,5657320],[281010,5657320],[281010,5657360],[280970,5657360],[280970,5657320]]]}}]}"#,
    )
    .unwrap();
    scene
}

#[test]
fn variant_kpis_against_bestand_with_a_plot_from_a_vector_file() {
    let dir = temp_dir("variant-kpi");
    let scene = demo_plan(&dir);
    let plots = dir.join("plots.geojson");
    let csv = dir.join("kpi.csv");
    let (code, out, err) = planwerkstatt(&[
        "variant",
        "kpi",
        scene.to_str().unwrap(),
        "--variant",
        "Variante B",
        "--plot",
        plots.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("note:"), "{out}");
    let csv = std::fs::read_to_string(&csv).unwrap();
    let row = |key: &str| -> [f64; 3] {
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("{key},")))
            .unwrap_or_else(|| panic!("{key} in {csv}"));
        let f: Vec<&str> = line.rsplitn(4, ',').collect();
        [
            f[2].parse().unwrap(),
            f[1].parse().unwrap(),
            f[0].parse().unwrap(),
        ]
    };
    assert!(
        csv.starts_with("key,label,unit,Bestand,Variante B,difference\n"),
        "{csv}"
    );
    assert_eq!(row("new_buildings"), [0.0, 1.0, 1.0]);
    assert_eq!(row("footprint_m2"), [0.0, 240.0, 240.0]);
    assert_eq!(row("gross_floor_m2"), [0.0, 960.0, 960.0]);
    // Ridge: 12 m walls + half the 12 m depth × tan 35°.
    let ridge = 12.0 + 6.0 * 35f64.to_radians().tan();
    assert!((row("max_height_m")[1] - ridge).abs() < 1e-9);
    assert_eq!(row("removed_buildings"), [0.0, 2.0, 2.0]);
    // The two demolished buildings' ground surfaces, by the shoelace
    // formula over the file's posLists: 18.020 m² and 75.586 m².
    assert!((row("sealed_change_m2")[1] - (240.0 - 18.0199 - 75.5857)).abs() < 1e-3);
    assert_eq!(row("trees_planted"), [0.0, 1.0, 1.0]);
    // The parcel holding the house was chosen: 50 × 40 m.
    assert_eq!(row("plot_m2"), [2000.0, 2000.0, 0.0]);
    assert_eq!(row("grz"), [0.0, 0.12, 0.12]);
    assert_eq!(row("gfz"), [0.0, 0.48, 0.48]);
    assert_eq!(row("plot_trees"), [0.0, 1.0, 1.0]);
    assert!(out.contains("GRZ (footprint ÷ plot)"), "{out}");
    // The other parcel, by its cadastral number: the house is not on it.
    let (code, out, err) = planwerkstatt(&[
        "variant",
        "kpi",
        scene.to_str().unwrap(),
        "--variant",
        "Variante B",
        "--plot",
        plots.to_str().unwrap(),
        "--plot-id",
        "053449-001-00018",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "note: Not wholly on the plot: neu-1 – move it onto the plot or choose another plot."
        ),
        "{out}"
    );
    let (code, _, err) = planwerkstatt(&[
        "variant",
        "kpi",
        scene.to_str().unwrap(),
        "--variant",
        "Variante B",
        "--plot",
        plots.to_str().unwrap(),
        "--plot-id",
        "flst-99",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no polygon with id or value \"flst-99\"; there are flst-17, flst-18"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn variant_export_round_trips_through_cityjson_citygml_and_glb() {
    let dir = temp_dir("variant-export");
    let scene = demo_plan(&dir);
    let scene = scene.to_str().unwrap();
    for name in ["b.city.json", "b.gml", "b.glb"] {
        let out_path = dir.join(name);
        let (code, out, err) = planwerkstatt(&[
            "variant",
            "export",
            scene,
            "--variant",
            "Variante B",
            out_path.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("2 objects of variant \"Variante B\""), "{out}");
        // Read back as any file the workbench opens.
        let (code, info, err) = planwerkstatt(&["info", out_path.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(info.contains("EPSG:25832"), "{name}: {info}");
        if !name.ends_with(".glb") {
            assert!(info.contains("1 Building"), "{name}: {info}");
            // The house's eaves at 12 m and ridge at 16.2 m above its base.
            assert!(info.contains("x 280930.000 … 280950.000"), "{name}: {info}");
        }
    }
    // The whole city as the variant has it: 83 buildings − 2 + 1.
    let all = dir.join("all.city.json");
    let (code, out, err) = planwerkstatt(&[
        "variant",
        "export",
        scene,
        "--variant",
        "Variante B",
        all.to_str().unwrap(),
        "--with-city",
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, info, _) = planwerkstatt(&["info", all.to_str().unwrap()]);
    assert!(
        info.contains("82 Building, 50 BuildingPart"),
        "{out}\n{info}"
    );
    let (code, _, err) = planwerkstatt(&[
        "variant",
        "export",
        scene,
        "--variant",
        "Variante B",
        "b.obj",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("choose the format by the ending: .city.json, .gml or .glb"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn designs_of_a_variant_count_in_its_figures_and_export() {
    let dir = temp_dir("variant-design");
    let scene = demo_variant(&dir, "");
    // A 20 × 12 m block, 9 m high, as model metres without georeference
    // (glTF from an architect's tool).
    let block = pw_plan::Volume::new(
        "block",
        vec![[0.0, 0.0], [20.0, 0.0], [20.0, 12.0], [0.0, 12.0]],
        3,
    )
    .to_object(0.0);
    let model = pw_city::CityModel {
        objects: vec![block],
        ..Default::default()
    };
    std::fs::create_dir_all(dir.join("entwurf")).unwrap();
    std::fs::write(
        dir.join("entwurf/block.glb"),
        pw_city::export::to_glb(&model),
    )
    .unwrap();
    std::fs::write(
        dir.join("variant.plan.toml"),
        "[[variant]]\nname = \"Mit Entwurf\"\n\n[[variant.design]]\nid = \"entwurf-1\"\npath = \"entwurf/block.glb\"\nat = [280940.0, 5657336.0]\nrotate_deg = 90.0\n\n\
         [[variant]]\nname = \"Ohne Platz\"\n\n[[variant.design]]\nid = \"entwurf-1\"\npath = \"entwurf/block.glb\"\n",
    )
    .unwrap();
    let scene = scene.to_str().unwrap();
    let (code, out, err) = planwerkstatt(&["variant", "kpi", scene, "--variant", "Mit Entwurf"]);
    assert_eq!(code, 0, "{err}");
    let line = |key: &str| {
        out.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} in {out}"))
            .to_string()
    };
    assert!(line("New buildings").ends_with("+1"), "{out}");
    assert!(
        line("Footprint of new buildings").ends_with("+240 m²"),
        "{out}"
    );
    // No storeys in a glTF: 9 m ÷ 3 m = 3 storeys, 720 m².
    assert!(line("Gross floor area").ends_with("+720 m²"), "{out}");
    assert!(
        out.contains("no georeference; placed where it was dropped"),
        "{out}"
    );
    let glb = dir.join("mit.city.json");
    let (code, out, err) = planwerkstatt(&[
        "variant",
        "export",
        scene,
        "--variant",
        "Mit Entwurf",
        glb.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 objects"), "{out}");
    let (_, info, _) = planwerkstatt(&["info", glb.to_str().unwrap()]);
    // Turned a quarter about its centre: 12 m east-west, 20 m north-south.
    assert!(info.contains("x 280934.000 … 280946.000"), "{info}");
    assert!(info.contains("y 5657326.000 … 5657346.000"), "{info}");
    // A file without a place and no place given: said, nothing else lost.
    let (code, out, err) = planwerkstatt(&["variant", "kpi", scene, "--variant", "Ohne Platz"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("drop it onto the map to place it"), "{out}");
    assert!(line_of(&out, "New buildings").ends_with(" 0"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

fn line_of(out: &str, key: &str) -> String {
    out.lines()
        .find(|l| l.starts_with(key))
        .unwrap_or_default()
        .to_string()
}

fn vinschgau_dem() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/dem/vinschgau/elev_vinschgau.tif")
}

/// A scene of the Vinschgau DEM alone (UTM 32N), written into `dir`.
fn vinschgau_scene(dir: &std::path::Path) -> std::path::PathBuf {
    let scene = dir.join("vinschgau.scene");
    std::fs::write(
        &scene,
        format!(
            "name = \"Vinschgau\"\ncrs = \"EPSG:32632\"\norigin = [630000.0, 5170000.0, 1000.0]\n\n\
             [city]\nname = \"Vinschgau\"\nlatitude = 46.6\nlongitude = 10.7\ntime_zone = \"Europe/Rome\"\n\n\
             [[layers]]\nname = \"DEM\"\nkind = \"dem\"\npath = \"{}\"\n",
            vinschgau_dem().display()
        ),
    )
    .unwrap();
    scene
}

/// `flood level` on the Vinschgau DEM from a gauge in the valley, 150 m
/// above its ground: the 317 cells GRASS `r.lake` floods there (crates/
/// pw-flood/tests/level.rs), written with the stamp.
#[test]
fn flood_level_floods_what_r_lake_floods() {
    let dir = temp_dir("flood");
    let scene = vinschgau_scene(&dir);
    let out_dir = dir.join("out");
    // The valley's grid, 250 m cells, a gauge in the valley, a level.
    let level_run = |level: &str, extra: &[&str]| {
        let mut args = vec![
            "flood",
            "level",
            "--scene",
            scene.to_str().unwrap(),
            "--area",
            "598250,5144500,661250,5193000",
            "--cell",
            "250",
            "--gauge",
            "660875,5171625",
            "--level",
            level,
        ];
        args.extend_from_slice(extra);
        planwerkstatt(&args)
    };
    let (code, out, err) = level_run("568", &["--out-dir", out_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("area_flooded                 19812500 m²"),
        "{out}"
    );
    assert!(
        out.contains("deepest                      180.00 m"),
        "{out}"
    );
    let csv = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".csv"))
        .expect("the key figures as CSV");
    let text = std::fs::read_to_string(csv).unwrap();
    assert!(
        text.contains("param_level_from") && text.contains("param_river"),
        "{text}"
    );
    assert!(
        !text.contains("param_rain_mm"),
        "rain parameters do not apply:\n{text}"
    );
    // A level below the ground at the gauge is said, not run.
    let (code, _, err) = level_run("300", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("below the ground"), "{err}");
}

/// `view` on the Vinschgau DEM from its summit (3 863 m) over 20 km at
/// the DEM's 250 m: the same cells the exact method sees on the DEM
/// itself, written as a GeoTIFF with the stamp; `view line` between two
/// points writes the section with the stamp; an observer off the terrain
/// is said, not run.
#[test]
fn view_from_the_summit_and_a_line_of_sight() {
    let dir = temp_dir("view");
    let scene = vinschgau_scene(&dir);
    let (dem, _) = pw_terrain::geotiff::read_file(&vinschgau_dem()).unwrap();
    // The summit: cell (82, 165), centre 618 375, 5 151 625.
    let (x, y) = (618_375.0, 5_151_625.0);
    let tif = dir.join("vs.tif");
    let (code, out, err) = planwerkstatt(&[
        "view",
        "--scene",
        scene.to_str().unwrap(),
        "--from",
        &format!("{x},{y}"),
        "--max",
        "20000",
        "--cell",
        "250",
        "--method",
        "exact",
        "--out",
        tif.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (grid, _) = pw_terrain::geotiff::read_file(&tif).unwrap();
    let seen = grid.values.iter().filter(|v| **v == 1.0).count();
    let mut sight = pw_view::Sight::new([x, y, dem.height(x, y).unwrap() + 1.6]);
    sight.max_distance = 20_000.0;
    let direct = pw_view::exact::viewshed(&dem, &sight, None).unwrap();
    assert_eq!(seen, direct.visible, "{out}");
    assert!(seen > 1000, "{seen}");
    assert!(out.contains("visible_m2"), "{out}");
    let tags = String::from_utf8_lossy(&std::fs::read(&tif).unwrap()).to_string();
    assert!(
        tags.contains("param_observer") && tags.contains("analysis_version"),
        "the stamp"
    );

    let csv = dir.join("line.csv");
    let (code, out, err) = planwerkstatt(&[
        "view",
        "line",
        "--scene",
        scene.to_str().unwrap(),
        "--from",
        &format!("{x},{y}"),
        "--to",
        "660875,5171625",
        "--cell",
        "250",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("length_m"), "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("# analysis: view"), "{text}");
    assert!(
        text.contains("distance_m,view.section_ground,view.section_surface,view.section_sight"),
        "{text}"
    );
    let rows = text.lines().filter(|l| !l.starts_with('#')).count();
    assert!(rows > 100, "{rows} rows");

    let (code, _, err) = planwerkstatt(&[
        "view",
        "--scene",
        scene.to_str().unwrap(),
        "--from",
        "100,100",
        "--cell",
        "250",
        "--max",
        "1000",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("outside the terrain") || err.contains("no height"),
        "{err}"
    );
}

/// `view visibility` on the demo scene: a building by its id, the share of
/// it seen every 10 m around it, written with the stamp; an id the scene
/// does not have is said.
#[test]
fn view_visibility_of_a_building_by_its_id() {
    let dir = temp_dir("view-visibility");
    let tif = dir.join("share.tif");
    let id = "UUID_661d012c-2383-422d-b681-4eea5d24befd";
    let run = |id: &str| {
        planwerkstatt(&[
            "view",
            "visibility",
            "--scene",
            "scenes/demo.scene",
            "--object",
            id,
            "--area",
            "280800,5657300,281000,5657500",
            "--step",
            "10",
            "--out",
            tif.to_str().unwrap(),
        ])
    };
    let (code, out, err) = run(id);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("seen_from_m2"), "{out}");
    let (grid, _) = pw_terrain::geotiff::read_file(&tif).unwrap();
    assert_eq!((grid.width, grid.height, grid.dx), (20, 20, 10.0));
    assert!(
        grid.values.iter().any(|v| *v > 10.0),
        "seen well from somewhere"
    );
    let tags = String::from_utf8_lossy(&std::fs::read(&tif).unwrap()).to_string();
    assert!(tags.contains(id), "the stamp names the building");
    let (code, _, err) = run("no-such-building");
    assert_eq!(code, 2);
    assert!(err.contains("no such building"), "{err}");
}

/// `workshop export`: the contributions of a workshop (as phones sent them,
/// markup and formulas included) as GeoJSON and CSV, the stars as CSV.
#[test]
fn workshop_export_writes_contributions_and_ratings() {
    use pw_participation::{
        Anchor, Draft, LocalText, Reply, Request, Source, SqliteStore, VariantCard, Workshop,
        start_desk,
    };
    let dir = std::env::temp_dir().join(format!("pw-cli-workshop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scene = dir.join("platz.scene");
    std::fs::write(
        &scene,
        "name = \"Platz\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5644000.0, 150.0]\n\n[workshop]\n\n\
         [[workshop.questions]]\nid = \"gruen\"\nde = \"Mehr Grün?\"\nkind = \"yesno\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("platz.plan.toml"), "[[variant]]\nname = \"A\"\n").unwrap();
    let (code, _, err) = planwerkstatt(&["workshop", "export", scene.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no workshop was held"), "{err}");
    {
        let mut w = Workshop::new(LocalText::new("Platz", ""));
        w.area = Some(pw_participation::Area {
            extent: [681_000.0, 5_644_000.0, 681_100.0, 5_644_100.0],
            outlines: Vec::new(),
            picture: None,
        });
        w.variants = vec![VariantCard {
            id: "A".into(),
            name: LocalText::new("A", ""),
            caption: LocalText::default(),
            picture: None,
        }];
        w.questions = vec![pw_participation::Question {
            id: "gruen".into(),
            text: LocalText::new("Mehr Grün?", ""),
            kind: pw_participation::QuestionKind::YesNo,
        }];
        let desk = start_desk(
            w,
            Box::new(SqliteStore::open(&dir.join("platz.werkstatt.sqlite")).unwrap()),
        );
        let Reply::Joined(p) = desk.ask_blocking(Request::Join).unwrap() else {
            panic!()
        };
        for (i, text) in ["=HYPERLINK(\"http://x\")", "<b>Bäume</b>, bitte"]
            .iter()
            .enumerate()
        {
            desk.ask_blocking(Request::Contribute {
                draft: Draft {
                    participant: p.clone(),
                    nonce: format!("n{i}"),
                    text: text.to_string(),
                    category: "idee".into(),
                    anchor: (i == 0).then_some(Anchor {
                        x: 681_010.5,
                        y: 5_644_020.25,
                        z: None,
                        object: None,
                    }),
                    view: Default::default(),
                },
                source: Source::Phone,
            })
            .unwrap();
        }
        desk.ask_blocking(Request::Vote {
            participant: p.clone(),
            variant: "A".into(),
            stars: 4,
        })
        .unwrap();
        desk.ask_blocking(Request::Answer {
            participant: p,
            question: "gruen".into(),
            value: 1,
        })
        .unwrap();
    }
    let (code, out, err) = planwerkstatt(&["workshop", "export", scene.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 contributions, 1 ratings"), "{out}");
    let geojson: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("platz-beitraege.geojson")).unwrap(),
    )
    .unwrap();
    let features = geojson["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([681_010.5, 5_644_020.25])
    );
    assert!(features[1]["geometry"].is_null(), "no place, no geometry");
    assert_eq!(features[1]["properties"]["text"], "<b>Bäume</b>, bitte");
    assert_eq!(
        geojson["crs"]["properties"]["name"],
        "urn:ogc:def:crs:EPSG::25832"
    );
    let csv = std::fs::read_to_string(dir.join("platz-beitraege.csv")).unwrap();
    assert!(csv.contains(",681010.50,5644020.25,"), "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "a formula is defused: {csv}"
    );
    assert!(csv.contains("\"<b>Bäume</b>, bitte\""), "{csv}");
    let ratings = std::fs::read_to_string(dir.join("platz-bewertungen.csv")).unwrap();
    assert!(ratings.contains("stars,A,A,4,1\n"), "{ratings}");
    assert!(ratings.contains("mean,A,A,4.00,1\n"), "{ratings}");
    assert!(
        ratings.contains("answer,gruen,Mehr Grün?,ja,1\n"),
        "{ratings}"
    );
    // The report, read back by poppler: both contributions as typed.
    let pdf = dir.join("platz-bericht.pdf");
    assert!(out.contains("platz-bericht.pdf"), "{out}");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; tools/test installs it)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("<b>Bäume</b>, bitte"), "{text}");
    assert!(text.contains("=HYPERLINK(\"http://x\")"), "{text}");
}

/// An online phase on PostgreSQL (the pw-workshop server's database): its
/// contributions and ratings come out the same way, the report in English
/// when asked, with its agenda.
#[test]
fn workshop_export_reads_an_online_phase_from_postgresql() {
    use pw_participation::{
        Draft, LocalText, PostgresStore, Reply, Request, Source, VariantCard, Workshop, start_desk,
    };
    let server = pw_testkit::PostgresServer::start();
    let url = server.fresh_database("online");
    let empty = server.fresh_database("leer");
    let dir = std::env::temp_dir().join(format!("pw-cli-online-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scene = dir.join("platz.scene");
    std::fs::write(
        &scene,
        "name = \"Platz\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5644000.0, 150.0]\n",
    )
    .unwrap();
    std::fs::write(dir.join("platz.plan.toml"), "[[variant]]\nname = \"A\"\n").unwrap();
    {
        let mut w = Workshop::new(LocalText::new("Platz", ""));
        w.variants = vec![VariantCard {
            id: "A".into(),
            name: LocalText::new("A", ""),
            caption: LocalText::default(),
            picture: None,
        }];
        let desk = start_desk(w, Box::new(PostgresStore::connect(&url).unwrap()));
        let Reply::Joined(p) = desk.ask_blocking(Request::Join).unwrap() else {
            panic!()
        };
        desk.ask_blocking(Request::Contribute {
            draft: Draft {
                participant: p.clone(),
                nonce: "n1".into(),
                text: "Online gesagt: mehr Bänke".into(),
                category: "idee".into(),
                anchor: None,
                view: Default::default(),
            },
            source: Source::Phone,
        })
        .unwrap();
        desk.ask_blocking(Request::Vote {
            participant: p,
            variant: "A".into(),
            stars: 5,
        })
        .unwrap();
    }
    let out = dir.join("ergebnisse");
    // The wrong database: nothing in it, said so.
    let (code, _, err) = planwerkstatt(&[
        "workshop",
        "export",
        scene.to_str().unwrap(),
        "--postgres",
        &empty,
    ]);
    assert_ne!(code, 0);
    assert!(
        err.contains("holds no contributions and no ratings"),
        "{err}"
    );
    let (code, text, err) = planwerkstatt(&[
        "workshop",
        "export",
        scene.to_str().unwrap(),
        "--postgres",
        &url,
        "--lang",
        "en",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("1 contributions, 1 ratings from PostgreSQL"),
        "{text}"
    );
    let csv = std::fs::read_to_string(out.join("platz-beitraege.csv")).unwrap();
    assert!(csv.contains("Online gesagt: mehr Bänke"), "{csv}");
    let ratings = std::fs::read_to_string(out.join("platz-bewertungen.csv")).unwrap();
    assert!(ratings.contains("stars,A,A,5,1\n"), "{ratings}");
    let pdf = Command::new("pdftotext")
        .arg(out.join("platz-bericht.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext");
    let pdf = String::from_utf8_lossy(&pdf.stdout);
    for wanted in [
        "Contents",
        "Online gesagt: mehr Bänke",
        "Workshop file",
        "PostgreSQL",
    ] {
        assert!(pdf.contains(wanted), "{wanted:?} missing:\n{pdf}");
    }
}
