//! 3D Tiles on the real samples: Cesium's TilesetWithRequestVolume (ECEF,
//! regions, an external tileset, b3dm with RTC_CENTER and batch tables) and
//! Geodan's Rotterdam tileset (written in EPSG:3857, 801 b3dm tiles).

use pw_city::tiles3d::{Refine, Tileset, TilesetFrame, View};
use pw_geo::{Crs, Reprojector, SceneOrigin};
use std::path::PathBuf;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

const UTM18N: Crs = Crs::epsg(32618);
// Philadelphia sample: the building tile's ECEF transform in UTM 18N (PROJ).
const PHILLY: [f64; 3] = [447_784.070, 4_432_657.162, 0.0];

fn cesium() -> (Tileset, SceneOrigin) {
    let origin = SceneOrigin::new(PHILLY);
    let set = Tileset::open(
        &data("gltf/cesium_TilesetWithRequestVolume/tileset.json"),
        None,
        UTM18N,
        &origin,
    )
    .unwrap();
    (set, origin)
}

/// 1080 px high, 45° vertical field of view.
fn view_at(position: [f64; 3]) -> View {
    View {
        position,
        sse_factor: 1080.0 / (2.0 * (22.5f64).to_radians().tan()),
        max_sse: 16.0,
    }
}

#[test]
fn cesium_tree_with_external_tileset() {
    let (set, _) = cesium();
    assert_eq!(set.version, "1.0");
    assert_eq!(set.frame, TilesetFrame::Ecef);
    // root, the tile linking city/tileset.json, its root, 4 city tiles, building, points.
    assert_eq!(set.tiles.len(), 9);
    assert_eq!(set.external_tilesets, 1);
    assert_eq!(set.content_tiles(), 6);
    assert_eq!(set.tiles[0].refine, Refine::Add);
    assert_eq!(set.tiles[0].geometric_error, 100.0);
    // The root region is about 400 m × 400 m (0.0000819 rad × 0.0000632 rad).
    let radius = set.tiles[0].sphere.1;
    assert!((200.0..400.0).contains(&radius), "{radius}");
}

#[test]
fn screen_space_error_chooses_tiles_by_distance() {
    let (set, _) = cesium();
    let all = |_: [f64; 3], _: f64| true;
    // From 20 km the root's 100 m error is under 16 px: nothing to draw yet.
    assert!(
        set.select(&view_at([0.0, -20_000.0, 5000.0]), &all)
            .is_empty()
    );
    // From 600 m the city and the building show; the point cloud only
    // inside its 15 m viewer request volume.
    let near = set.select(&view_at([0.0, -600.0, 300.0]), &all);
    let names: Vec<String> = near
        .iter()
        .map(|&t| {
            let location = set.tiles[t].content.as_ref().unwrap();
            std::path::Path::new(location)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for want in ["ll.b3dm", "lr.b3dm", "ul.b3dm", "ur.b3dm", "building.b3dm"] {
        assert!(names.iter().any(|n| n == want), "{names:?}");
    }
    assert!(!names.iter().any(|n| n == "points.pnts"), "{names:?}");
    let points = set
        .tiles
        .iter()
        .position(|t| t.request_sphere.is_some())
        .unwrap();
    let (c, _) = set.tiles[points].request_sphere.unwrap();
    let inside = set.select(&view_at([c[0] + 3.0, c[1], c[2] + 2.0]), &all);
    assert!(inside.contains(&points));
    // Frustum culling is the caller's: nothing visible, nothing chosen.
    assert!(
        set.select(&view_at([0.0, -600.0, 300.0]), &|_, _| false)
            .is_empty()
    );
}

#[test]
fn cesium_city_features_stand_where_their_batch_table_says() {
    let (set, _) = cesium();
    let r = Reprojector::new(Crs::WGS84, UTM18N).unwrap();
    let mut checked = 0;
    for (i, t) in set.tiles.iter().enumerate() {
        let Some(path) = &t.content else { continue };
        if std::path::Path::new(path)
            .parent()
            .and_then(|p| p.file_name())
            .is_none_or(|n| n != "city")
        {
            continue;
        }
        let model = set.load_content(i, UTM18N).unwrap();
        assert_eq!(model.objects.len(), 10, "{}: BATCH_LENGTH 10", path);
        assert!(model.issues.is_empty(), "{:?}", model.issues);
        for o in &model.objects {
            let lon = o
                .attribute("Longitude")
                .unwrap()
                .parse::<f64>()
                .unwrap()
                .to_degrees();
            let lat = o
                .attribute("Latitude")
                .unwrap()
                .parse::<f64>()
                .unwrap()
                .to_degrees();
            let height: f64 = o.attribute("Height").unwrap().parse().unwrap();
            let want = r.apply([lon, lat, 0.0]).unwrap();
            let e = o.extent();
            let c = e.center();
            // The batch table gives each building's centre and height.
            assert!(
                (c[0] - want[0]).abs() < 2.0 && (c[1] - want[1]).abs() < 2.0,
                "{}: centre {c:?}, batch table {want:?}",
                o.id
            );
            assert!(
                (e.max[2] - e.min[2] - height).abs() < 0.5,
                "{}: height {height} vs {:?}",
                o.id,
                e
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 40);
}

#[test]
fn cesium_building_and_point_cloud() {
    let (set, _) = cesium();
    let building = set
        .tiles
        .iter()
        .position(|t| {
            t.content
                .as_ref()
                .is_some_and(|p| p.ends_with("building.b3dm"))
        })
        .unwrap();
    let m = set.load_content(building, UTM18N).unwrap();
    let e = m.extent();
    // Box half-axes 1.869 × 1.86 × 6.701 with a scale of 5 in the transform: ~19 m × 19 m × 67 m.
    let size = e.size();
    assert!((size[2] - 67.0).abs() < 1.5, "{e:?}");
    assert!(size[0] < 25.0 && size[1] < 25.0, "{e:?}");
    assert!(
        (e.center()[0] - PHILLY[0]).abs() < 10.0 && (e.center()[1] - PHILLY[1]).abs() < 10.0,
        "{e:?}"
    );
    let points = set
        .tiles
        .iter()
        .position(|t| t.request_sphere.is_some())
        .unwrap();
    let m = set.load_content(points, UTM18N).unwrap();
    assert!(
        m.objects.is_empty() && m.issues.is_empty(),
        "{:?}",
        m.issues
    );
    // POINTS_LENGTH 125000 with RGB, inside the tile's 1.25 m bounding sphere.
    assert_eq!(m.points.len(), 125_000);
    let e = m.extent();
    assert!(e.size().iter().all(|s| *s <= 2.5 + 1e-6), "{e:?}");
    let (c, _) = set.tiles[points].sphere;
    let centre = e.center();
    for i in 0..3 {
        assert!(
            (centre[i] - PHILLY[i] - c[i]).abs() < 1.0,
            "{centre:?} vs {c:?}"
        );
    }
    assert!(
        m.points.iter().any(|(_, rgb)| rgb[0] != rgb[1]),
        "colours are read"
    );
}

fn rotterdam_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("pw-rotterdam-3dtiles");
    if !dir.join("tileset.json").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let ok = std::process::Command::new("tar")
            .arg("xzf")
            .arg(data(
                "gltf/rotterdam_3dtiles/rotterdam_3dtiles_small.tar.gz",
            ))
            .arg("-C")
            .arg(&dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "tar failed");
    }
    dir
}

const RD_NEW: Crs = Crs::epsg(28992);

#[test]
fn rotterdam_in_web_mercator_needs_and_takes_a_crs() {
    let dir = rotterdam_dir();
    // PROJ: the root translation (499946.281, 6783362.155) in RD New.
    let origin = SceneOrigin::new([93_336.149, 435_790.320, 0.0]);
    let err = Tileset::open(&dir.join("tileset.json"), None, RD_NEW, &origin).unwrap_err();
    assert!(
        err.to_string().contains("crs") && err.to_string().contains("ECEF"),
        "{err}"
    );

    let set = Tileset::open(
        &dir.join("tileset.json"),
        Some(Crs::epsg(3857)),
        RD_NEW,
        &origin,
    )
    .unwrap();
    assert_eq!(set.tiles.len(), 802);
    assert_eq!(set.content_tiles(), 801);
    let tile = set
        .tiles
        .iter()
        .position(|t| {
            t.content
                .as_ref()
                .is_some_and(|p| p.ends_with("tiles/1.b3dm"))
        })
        .unwrap();
    let m = set.load_content(tile, RD_NEW).unwrap();
    assert!(m.issues.is_empty(), "{:?}", m.issues);
    // BAG building ids from the batch table become object ids.
    let first = &m.objects[0];
    assert_eq!(first.id, "0599100010039136");
    assert!(
        m.objects
            .iter()
            .all(|o| o.id.len() == 16 && o.id.starts_with("0599"))
    );
    // Heights: 0 … 78.8 m above the root's 87.4 m offset (z −87.4 … −8.6 in the tile).
    let e = m.extent();
    assert!(
        e.min[2].abs() < 0.01 && (e.max[2] - 78.8).abs() < 0.01,
        "{e:?}"
    );
    // The tile's content lies inside its bounding sphere in the scene (the
    // writer's box is a little short in y: 2 % slack).
    let (c, r) = set.tiles[tile].sphere;
    let farthest = m
        .objects
        .iter()
        .flat_map(|o| o.surfaces.iter().flat_map(|s| s.exterior.iter()))
        .map(|p| {
            let l: [f64; 3] = std::array::from_fn(|i| p[i] - origin.world[i] - c[i]);
            (l[0] * l[0] + l[1] * l[1] + l[2] * l[2]).sqrt()
        })
        .fold(0.0, f64::max);
    assert!(
        farthest < r * 1.02,
        "{farthest} m from the centre, radius {r}"
    );
    // Web Mercator is 1.62× too large at 51.9° N: the footprint shrinks in RD.
    let (w, h) = (e.size()[0], e.size()[1]);
    assert!(
        w < 2.0 * 1026.006 / 1.5 && h < 2.0 * 999.907 / 1.5,
        "{w} × {h}"
    );
}

/// A 3D Tiles 1.1 tileset written here around the real Cesium content: two
/// contents in one tile, glb content (the GLB taken out of a b3dm, its
/// RTC_CENTER moved into the tile transform) and an implicit-tiling tile.
#[test]
fn tiles_1_1_contents_glb_and_implicit_tiling() {
    let city = data("gltf/cesium_TilesetWithRequestVolume/city");
    let dir = std::env::temp_dir().join(format!("pw-tiles11-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let b3dm = std::fs::read(city.join("ll.b3dm")).unwrap();
    let u = |at: usize| u32::from_le_bytes(b3dm[at..at + 4].try_into().unwrap()) as usize;
    let glb_at = 28 + u(12) + u(16) + u(20) + u(24);
    std::fs::write(dir.join("ll.glb"), &b3dm[glb_at..]).unwrap();
    let rtc = [
        1_214_914.552_504_114_6,
        -4_736_388.031_625_768,
        4_081_548.040_758_888_2,
    ];
    let region = "[-1.3197209591796106, 0.6988424218, -1.3196390408203893, 0.6989055782, 0, 20]";
    let tileset = format!(
        r#"{{"asset": {{"version": "1.1"}}, "geometricError": 70,
            "root": {{"boundingVolume": {{"region": {region}}}, "geometricError": 70, "refine": "ADD",
              "contents": [{{"uri": {ll:?}}}, {{"uri": {lr:?}}}],
              "children": [
                {{"boundingVolume": {{"region": {region}}}, "geometricError": 0,
                  "transform": [1,0,0,0, 0,1,0,0, 0,0,1,0, {x},{y},{z},1],
                  "content": {{"uri": "ll.glb"}}}},
                {{"boundingVolume": {{"region": {region}}}, "geometricError": 0,
                  "content": {{"uri": "content/{{level}}/{{x}}/{{y}}.glb"}},
                  "implicitTiling": {{"subdivisionScheme": "QUADTREE", "subtreeLevels": 2,
                                      "availableLevels": 2, "subtrees": {{"uri": "subtrees/{{level}}.subtree"}}}}}}
              ]}}}}"#,
        ll = city.join("ll.b3dm").display().to_string(),
        lr = city.join("lr.b3dm").display().to_string(),
        x = rtc[0],
        y = rtc[1],
        z = rtc[2],
    );
    std::fs::write(dir.join("tileset.json"), tileset).unwrap();
    let origin = SceneOrigin::new(PHILLY);
    let set = Tileset::open(&dir.join("tileset.json"), None, UTM18N, &origin).unwrap();
    assert_eq!(set.version, "1.1");
    assert!(
        set.warnings[0].to_string().contains("implicit tiling"),
        "{:?}",
        set.warnings
    );
    assert_eq!(set.tiles[0].more_contents.len(), 1);
    let both = set.load_content(0, UTM18N).unwrap();
    assert_eq!(both.objects.len(), 20, "ll + lr, 10 features each");
    // The bare GLB keeps its 10 features (by _BATCHID), placed like the b3dm.
    let glb = set.load_content(1, UTM18N).unwrap();
    assert_eq!(glb.objects.len(), 10);
    // ll.b3dm's features come first in the two-content tile.
    let ll_extent = {
        let mut e = pw_geo::Extent3::EMPTY;
        for o in both.objects.iter().take(10) {
            e.union(&o.extent());
        }
        e
    };
    let g = glb.extent();
    for i in 0..3 {
        assert!(
            (g.min[i] - ll_extent.min[i]).abs() < 1e-3
                && (g.max[i] - ll_extent.max[i]).abs() < 1e-3
        );
    }
    // Decoding bad bytes fails with a message, never a panic.
    assert!(Tileset::read_content_bytes(b"b3dm\x01\x00").is_err());
    assert!(
        Tileset::read_content_bytes(b"xxxx")
            .unwrap_err()
            .to_string()
            .contains("unknown tile format")
    );
    std::fs::remove_dir_all(&dir).ok();
}
