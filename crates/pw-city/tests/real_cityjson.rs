//! Golden summaries of the real CityJSON files in shared/data.

use pw_city::{ObjectKind, Semantic, Severity, cityjson};
use std::path::PathBuf;

fn read(rel: &str) -> pw_city::CityModel {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    cityjson::read_file(&p, None).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn delft_570_city_objects_of_seven_types() {
    let m = read("cityjson/delft.json");
    assert_eq!(m.format, "CityJSON 2.0");
    assert_eq!(
        m.crs,
        Some(pw_geo::Crs {
            horizontal: 28992,
            vertical: Some(5709)
        }),
        "EPSG:7415"
    );
    let s = m.summary();
    assert_eq!(m.objects.len(), 570);
    let expected = [
        ("Bridge", 3),
        ("Building", 160),
        ("GenericCityObject", 54),
        ("LandUse", 81),
        ("PlantCover", 126),
        ("Road", 143),
        ("WaterBody", 3),
    ];
    for (t, n) in expected {
        assert_eq!(s.by_type.get(t), Some(&n), "{t}");
    }
    assert!(m.issues.is_empty(), "{:?}", m.issues);
    assert!(
        m.objects
            .iter()
            .all(|o| o.surfaces.iter().all(|s| s.lod == 1))
    );
    // metadata.geographicalExtent of the file is 84616.468 447422.999 -0.452 .. 85140.839 447750.636 16.846.
    assert_eq!(s.extent.min, [84616.468, 447422.999, -0.452]);
    assert!((s.extent.max[0] - 85140.839).abs() < 1e-6 && (s.extent.max[2] - 16.846).abs() < 1e-6);
}

#[test]
fn zurich_lod2_city_json_1_1() {
    let m = read("cityjson/zurich_subset_lod2.json");
    assert_eq!(m.format, "CityJSON 1.1");
    assert_eq!(m.crs, Some(pw_geo::Crs::epsg(2056)));
    let s = m.summary();
    assert_eq!((s.buildings, s.building_parts), (49, 161));
    assert_eq!(
        (
            s.surfaces,
            s.roof_surfaces,
            s.wall_surfaces,
            s.ground_surfaces
        ),
        (2039, 644, 1340, 55)
    );
    // Every BuildingPart points to its Building.
    for o in m
        .objects
        .iter()
        .filter(|o| o.kind == ObjectKind::BuildingPart)
    {
        let p = o.parent.expect("parent");
        assert_eq!(m.objects[p].kind, ObjectKind::Building);
    }
    assert_eq!(m.triangle_count(), 5142);
}

#[test]
fn vienna_city_json_1_0_matches_the_citygml_of_the_same_building() {
    let json = read("cityjson/vienna_karl-marx-hof.city.json");
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citygml/vienna/karl-marx-hof_city.gml");
    let gml = pw_city::citygml::read_file(&p, None).unwrap();
    assert_eq!(json.format, "CityJSON 1.0");
    assert_eq!(json.crs, gml.crs);
    let (a, b) = (json.summary(), gml.summary());
    assert_eq!(
        (a.buildings, a.building_parts, a.surfaces),
        (b.buildings, b.building_parts, b.surfaces)
    );
    assert_eq!(a.extent, b.extent);
    assert_eq!(json.triangle_count(), gml.triangle_count());
}

#[test]
fn city_json_seq_equals_the_document() {
    let doc = read("cityjson/3dbag_b2.city.json");
    let seq = read("cityjson/3dbag_b2.city.jsonl");
    assert_eq!(seq.format, "CityJSON 2.0 (CityJSONSeq)");
    assert_eq!(doc.summary(), seq.summary());
    assert_eq!(doc.triangle_count(), seq.triangle_count());
    assert_eq!(
        (doc.summary().buildings, doc.summary().building_parts),
        (2, 2)
    );
    assert_eq!(
        seq.crs,
        Some(pw_geo::Crs {
            horizontal: 28992,
            vertical: Some(5709)
        })
    );
}

#[test]
fn multi_lod_displays_only_the_finest_geometry() {
    let m = read("cityjson/3dbag_multi_lod.json");
    assert_eq!(m.objects.len(), 10);
    for o in &m.objects {
        let lods: std::collections::BTreeSet<_> =
            o.surfaces.iter().map(|s| (s.lod, s.lod_minor)).collect();
        assert_eq!(
            lods.into_iter().collect::<Vec<_>>(),
            vec![(1, 2), (1, 3), (2, 2)],
            "{}",
            o.id
        );
        assert_eq!(o.best_lod_detail(), Some((2, 2)));
    }
    // Triangles only of LoD 2.2 (mesh) — fewer than all LoDs together.
    assert_eq!(m.triangle_count(), 348);
    assert!(
        m.issues
            .iter()
            .any(|i| i.message.to_string().contains("states no CRS"))
    );
}

#[test]
fn rotterdam_semantics_and_degenerate_walls_reported() {
    let m = read("cityjson/rotterdam_subset.json");
    let s = m.summary();
    assert_eq!(s.buildings, 16);
    assert_eq!(
        (s.roof_surfaces, s.wall_surfaces, s.ground_surfaces),
        (41, 179, 16)
    );
    // 12 walls in 9 buildings have zero area (a 4-index ring with only 2 distinct
    // points; counted independently with a Python script); each building is named.
    let skipped: Vec<_> = m
        .issues
        .iter()
        .filter(|i| i.message.to_string().contains("surfaces skipped"))
        .collect();
    assert_eq!(skipped.len(), 9);
    let total: usize = skipped
        .iter()
        .map(|i| {
            i.message
                .to_string()
                .split(' ')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, 12);
    assert!(skipped.iter().any(|i| i.id.as_deref()
        == Some("{19935DFC-F7B3-4D6E-92DD-C48EE1D1519A}")
        && i.message.to_string().starts_with("2 ")));
    assert!(m.issues.iter().all(|i| i.severity == Severity::Warning));
}

#[test]
fn textured_helsinki_building_lod1_and_lod2() {
    let m = read("cityjson/1b_w_texture.city.json");
    assert_eq!(m.objects.len(), 1);
    assert_eq!(m.objects[0].best_lod(), Some(2));
    assert!(
        m.objects[0]
            .surfaces
            .iter()
            .any(|s| s.semantic == Semantic::Roof)
    );
}

#[test]
fn cityjson_textures_follow_the_boundaries() {
    let m = read("cityjson/1b_w_texture.city.json");
    assert_eq!(m.themes, vec!["rgbTexture"]);
    assert_eq!(m.texture_images.len(), 8);
    assert!(m.texture_images[0].ends_with("appearance/tex_90.jpg"));
    // The images are not in the source repository.
    assert!(m.texture_images.iter().all(|p| !p.exists()));
    let surfaces: Vec<&pw_city::Surface> = m
        .objects
        .iter()
        .flat_map(|o| &o.surfaces)
        .filter(|s| s.lod == 2)
        .collect();
    assert_eq!(surfaces.len(), 9);
    let textured: Vec<_> = surfaces
        .iter()
        .filter_map(|s| {
            s.looks
                .first()
                .and_then(|l| l.texture.as_ref())
                .map(|t| (s, t))
        })
        .collect();
    // Nine LoD2 faces, one of them ([[null]]) untextured.
    assert_eq!(textured.len(), 8);
    for (s, (image, uv)) in &textured {
        assert!((*image as usize) < 8);
        assert_eq!(
            uv.len(),
            s.exterior.len() + s.interiors.iter().map(Vec::len).sum::<usize>()
        );
    }
    // The last face uses texture 7 and texture vertices 28…34 (7 corners).
    assert_eq!(textured[7].1.0, 7);
    assert_eq!(textured[7].1.1.len(), 7);
}

#[test]
fn rotterdam_cityjson_appearance_and_files_without_any() {
    let m = read("cityjson/rotterdam_subset.json");
    assert_eq!(m.themes, vec!["rgbTexture"]);
    assert_eq!(m.texture_images.len(), 74);
    let textured = m
        .objects
        .iter()
        .flat_map(|o| &o.surfaces)
        .filter(|s| s.looks.iter().any(|l| l.texture.is_some()))
        .count();
    let total: usize = m.objects.iter().map(|o| o.surfaces.len()).sum();
    // 232 of the file's 248 faces carry a texture; the 12 degenerate faces
    // skipped on reading are all textured ones.
    assert_eq!((textured, total), (220, 236));
    let delft = read("cityjson/delft.json");
    assert!(delft.themes.is_empty() && delft.texture_images.is_empty());
}
