//! Golden summaries of the real CityGML files in shared/data (expected
//! counts from SOURCES.md and from the files themselves).

use pw_city::{ObjectKind, Semantic, Severity, citygml};
use std::path::PathBuf;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

fn read(rel: &str) -> pw_city::CityModel {
    citygml::read_file(&data(rel), None).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn nrw_lod2_tile_adv_profile_with_xlink_solids() {
    let m = read("citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    assert_eq!(m.format, "CityGML 1.0");
    assert_eq!(
        m.crs,
        Some(pw_geo::Crs {
            horizontal: 25832,
            vertical: Some(7837)
        })
    );
    let s = m.summary();
    assert_eq!(
        (s.buildings, s.building_parts),
        (83, 50),
        "SOURCES.md: 83 Building + 50 BuildingPart"
    );
    // 1144 gml:Polygon, each once: the 113 solids reference them by xlink (1144 xlinks).
    assert_eq!(s.surfaces, 1144);
    assert_eq!(
        (s.roof_surfaces, s.wall_surfaces, s.ground_surfaces),
        (181, 747, 124)
    );
    assert!(m.issues.is_empty(), "{:?}", m.issues);
    // The file's envelope is the 1 km tile 280000/5657000 .. 281000/5658000 (35.958 .. 50.072 m);
    // the buildings sit in its east part and one crosses the tile edge, as AdV tiles keep whole buildings.
    assert_eq!(s.extent.min, [280847.889, 5657118.118, 35.958]);
    assert_eq!(s.extent.max, [281004.935, 5657731.141, 50.072]);
    assert_eq!(m.triangle_count(), 2676);
}

#[test]
fn nrw_first_building_attributes_and_coordinates() {
    let m = read("citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    let b = &m.objects[0];
    assert_eq!(b.id, "DENW43AL00001j2W");
    assert_eq!(b.kind, ObjectKind::Building);
    assert_eq!(b.attribute("function"), Some("31001_2723"));
    assert_eq!(b.attribute("roofType"), Some("1000"));
    assert_eq!(b.attribute("measuredHeight"), Some("1.482"));
    assert_eq!(b.attribute("creationDate"), Some("2020-12-18"));
    assert_eq!(b.attribute("Gemeindeschluessel"), Some("05370024"));
    assert_eq!(b.attribute("Grundrissaktualitaet"), Some("2020-07-01"));
    // The first wall polygon, GUID_1543405942858_82263905_2_1, as written in the file.
    let wall = b
        .surfaces
        .iter()
        .find(|s| s.id.as_deref() == Some("GUID_1543405942858_82263905_2_1"))
        .unwrap();
    assert_eq!(wall.semantic, Semantic::Wall);
    assert_eq!(wall.lod, 2);
    assert_eq!(wall.exterior[0], [280928.585, 5657506.457, 39.68]);
    assert_eq!(wall.exterior.len(), 4, "closing point dropped");
    assert_eq!(b.surfaces.len(), 10, "10 xlinks in its lod2Solid");
    assert_eq!(b.line, 11);
}

#[test]
fn nrw_building_parts_point_to_their_building() {
    let m = read("citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    for (i, o) in m.objects.iter().enumerate() {
        match o.kind {
            ObjectKind::BuildingPart => {
                let p = o.parent.expect("part has a parent");
                assert!(p < i && m.objects[p].kind == ObjectKind::Building);
            }
            _ => assert_eq!(o.parent, None),
        }
    }
}

#[test]
fn karlsruhe_innenstadt_ost_345_buildings_in_lon_lat() {
    let m = read("citygml/karlsruhe/innenstadt_ost_4326_lod2.gml");
    let s = m.summary();
    assert_eq!(s.buildings, 345);
    assert_eq!(s.surfaces, 3895, "3895 lod2MultiSurface, one polygon each");
    assert_eq!(m.crs, Some(pw_geo::Crs::epsg(4326)));
    // Coordinates are lon/lat (8.40 49.01) with heights relative to the ground.
    assert!((8.40..8.42).contains(&s.extent.min[0]) && (49.0..49.02).contains(&s.extent.min[1]));
    assert_eq!((s.extent.min[2], s.extent.max[2]), (0.0, 42.0));
}

#[test]
fn karlsruhe_gauss_krueger_citygml_1_with_malformed_srsname() {
    let m = read("citygml/karlsruhe/lindenallee_kranichweg_v1.gml");
    assert_eq!(m.format, "CityGML 1.0");
    assert_eq!(
        m.crs,
        Some(pw_geo::Crs::epsg(31467)),
        "from 'urn:ogc:def,crs::EPSG:31467'"
    );
    let s = m.summary();
    assert_eq!(s.buildings, 95);
    assert_eq!(s.surfaces, 745);
    assert!(
        s.extent.min[2] > 113.0 && s.extent.max[2] < 140.0,
        "absolute heights 114–140 m"
    );
}

#[test]
fn niedersachsen_lod1_tile() {
    let m = read("citygml/niedersachsen/LoD1_24065862_2_2021-01-25.gml");
    let s = m.summary();
    assert_eq!((s.buildings, s.building_parts), (80, 24));
    assert!(
        m.objects
            .iter()
            .all(|o| o.best_lod().is_none_or(|l| l == 1))
    );
    assert_eq!(
        m.crs,
        Some(pw_geo::Crs {
            horizontal: 25832,
            vertical: Some(5783)
        })
    );
    // SOURCES.md: extent ≈ 406061–407989 E / 5862005–5863876 N.
    assert_eq!(s.extent.min[0].round(), 406061.0);
    assert_eq!(s.extent.max[0].round(), 407989.0);
    assert_eq!(s.extent.min[1].floor(), 5862005.0);
    assert_eq!(s.extent.max[1].floor(), 5863876.0);
}

#[test]
fn vienna_karl_marx_hof_218_parts_with_inline_solids() {
    let m = read("citygml/vienna/karl-marx-hof_city.gml");
    let s = m.summary();
    assert_eq!((s.buildings, s.building_parts), (1, 218));
    assert_eq!(s.surfaces, 4103);
    assert_eq!(m.crs, Some(pw_geo::Crs::epsg(31256)));
    // No thematic surfaces in the file: display classifies them by normal.
    assert!(
        m.objects
            .iter()
            .flat_map(|o| &o.surfaces)
            .all(|s| s.semantic == Semantic::Unclassified)
    );
}

#[test]
fn citygml_3_examples() {
    let m = read("citygml/citygml3/Building_CityGML3.0_LOD2_with_several_attributes.gml");
    assert_eq!(m.format, "CityGML 3.0");
    assert_eq!(
        m.crs,
        Some(pw_geo::Crs {
            horizontal: 31468,
            vertical: Some(5783)
        })
    );
    assert!(m.issues.is_empty(), "{:?}", m.issues);
    let b = &m.objects[0];
    assert_eq!(b.id, "DEBY_LOD2_5744682");
    assert_eq!(b.attribute("StandLK"), Some("2014-07-28"));
    assert_eq!(b.attribute("Gemeindeschluessel"), Some("09175128"));
    assert_eq!(b.surfaces.len(), 11);
    assert_eq!(
        b.surfaces
            .iter()
            .filter(|s| s.semantic == Semantic::Roof)
            .count(),
        2
    );

    let lyon = read("citygml/citygml3/Opera-Lyon_CityGML3.0_LOD2_with_xAL3_FullyStructured.gml");
    assert_eq!(lyon.crs, Some(pw_geo::Crs::epsg(3946)));
    assert_eq!(lyon.summary().buildings, 1);
    // 2279 polygons in the file; one has only 2 distinct points and is reported.
    assert_eq!(lyon.summary().surfaces, 2278);
    assert_eq!(lyon.issues.len(), 1);
    assert!(
        lyon.issues[0]
            .message
            .to_string()
            .contains("2 distinct points")
    );
    assert_eq!(lyon.issues[0].line, Some(19339));
}

#[test]
fn berlin_and_sig3d_files() {
    let m = read("citygml/berlin_vcdb/Block020023.gml");
    assert_eq!(m.summary().buildings, 4);
    assert_eq!(m.crs, Some(pw_geo::Crs::epsg(25833)));
    let t = read("citygml/berlin_textured/DEB_LOD2_UUID_cda3726a-7346-4ba8-a393-90964d0c8697.gml");
    assert_eq!(t.summary().surfaces, 19);
    let g = read("citygml/sig3d_terrain/Building_and_garage_LOD2-EPSG25832_CityGML2.gml");
    assert_eq!((g.summary().buildings, g.summary().building_parts), (1, 1));
}

#[test]
fn every_citygml_file_in_the_corpus_loads_without_errors() {
    let dir = data("citygml");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "gml") {
                files.push(p);
            }
        }
    }
    assert_eq!(files.len(), 11);
    for f in files {
        let m = citygml::read_file(&f, None).unwrap();
        assert!(!m.objects.is_empty(), "{}", f.display());
        assert!(
            m.issues.iter().all(|i| i.severity == Severity::Warning),
            "{}: {:?}",
            f.display(),
            m.issues
        );
    }
}

#[test]
fn karlsruhe_lon_lat_in_epsg_4326_is_detected_and_placed_in_karlsruhe() {
    let mut m = read("citygml/karlsruhe/innenstadt_ost_4326_lod2.gml");
    // Scene near Karlsruhe (UTM32): the file's lon/lat order is right, with a warning.
    let near = [456_500.0, 5_428_800.0, 115.0];
    m.settle_axis_order(pw_geo::Crs::epsg(25832), near).unwrap();
    assert!(
        m.issues
            .iter()
            .any(|i| i.message.to_string().contains("writes longitude first")),
        "{:?}",
        m.issues
    );
    assert_eq!(
        m.objects[0].surfaces[0].exterior[0],
        [8.40961254277569, 49.006609483746, 0.0],
        "first posList point"
    );
    m.reproject(pw_geo::Crs::epsg(25832)).unwrap();
    // PROJ 9.1.1: `echo "49.006609483746 8.40961254277569" | cs2cs -f %.3f EPSG:4326 EPSG:25832`
    // → 456823.391 5428358.431.
    let p = m.objects[0].surfaces[0].exterior[0];
    assert!(
        (p[0] - 456_823.391).abs() < 0.01 && (p[1] - 5_428_358.431).abs() < 0.01,
        "{p:?}"
    );
}

#[test]
fn projected_numbers_under_a_degree_crs_are_refused_with_a_hint() {
    let mut m = read("citygml/karlsruhe/lindenallee_kranichweg_v1.gml");
    m.crs = Some(pw_geo::Crs::WGS84); // as if the file wrongly said EPSG:4326
    let err = m
        .settle_axis_order(pw_geo::Crs::epsg(25832), [456_000.0, 5_430_000.0, 0.0])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Gauss-Krüger") && err.contains("set the right CRS"),
        "{err}"
    );
}

#[test]
fn tin_relief_is_loaded_as_ground_triangles() {
    let m = read("citygml/sig3d_terrain/Building_and_garage_LOD2-EPSG25832_CityGML2.gml");
    let relief: Vec<_> = m
        .objects
        .iter()
        .filter(|o| o.type_name == "ReliefFeature")
        .collect();
    assert_eq!(relief.len(), 1);
    let r = relief[0];
    assert_eq!(r.id, "GML_6bb30328-7599-4500-90ef-766fde6aa67b");
    assert_eq!(r.surfaces.len(), 12, "12 gml:Triangle in the TINRelief");
    assert!(
        r.surfaces
            .iter()
            .all(|s| s.lod == 2 && s.exterior.len() == 3),
        "dem:lod 2, three corners each"
    );
    // Display classifies relief surfaces as ground.
    let mesh = pw_city::mesh::object_mesh(
        r,
        &pw_geo::SceneOrigin::new([458_880.0, 5_438_350.0, 110.0]),
        &mut pw_city::triangulate::Triangulator::new(),
    );
    assert_eq!(mesh.triangle_count(), 12);
    assert!(mesh.semantics.iter().all(|s| *s == Semantic::Ground));
}

#[test]
fn terrain_intersection_curves_are_kept() {
    let m = read("citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    let curves: usize = m.objects.iter().map(|o| o.terrain_intersection.len()).sum();
    assert_eq!(
        curves, 717,
        "717 gml:LineString in 111 lod2TerrainIntersection"
    );
    assert_eq!(
        m.objects
            .iter()
            .filter(|o| !o.terrain_intersection.is_empty())
            .count(),
        111
    );
    let first = &m.objects[0].terrain_intersection[0];
    assert_eq!(first[0], [280928.215, 5657501.743, 38.445]);
    assert_eq!(first.len(), 11);
    // They are not surfaces: the surface counts are unchanged.
    assert_eq!(m.summary().surfaces, 1144);
}

#[test]
fn ground_relative_heights_are_pointed_out() {
    let mut m = read("citygml/karlsruhe/innenstadt_ost_4326_lod2.gml");
    m.check_relative_heights(115.0);
    assert!(
        m.issues
            .iter()
            .any(|i| i.message.to_string().contains("heights start at 0.0 m")
                && i.message.to_string().contains("terrain")),
        "{:?}",
        m.issues
    );
    // Absolute heights (NRW, 36–50 m at a scene at 36 m) are not flagged.
    let mut nrw = read("citygml/nrw/LoD2_32_280_5657_1_NW.gml");
    nrw.check_relative_heights(36.0);
    assert!(nrw.issues.is_empty());
}

#[test]
fn berlin_textures_and_materials_by_theme() {
    let m = read("citygml/berlin_textured/DEB_LOD2_UUID_cda3726a-7346-4ba8-a393-90964d0c8697.gml");
    assert_eq!(
        m.themes,
        vec!["Eignung Solarthermie", "Eignung Photovoltaik", "rgbTexture"]
    );
    // 18 ParameterizedTextures, one JPEG each (SOURCES.md), all on disk.
    assert_eq!(m.texture_images.len(), 18);
    assert!(
        m.texture_images.iter().all(|p| p.exists()),
        "{:?}",
        m.texture_images
    );
    let rgb = m.theme_index("rgbTexture").unwrap();
    assert_eq!(m.default_theme(), Some(rgb));
    let surfaces: Vec<&pw_city::Surface> = m.objects.iter().flat_map(|o| &o.surfaces).collect();
    let textured = surfaces
        .iter()
        .filter(|s| {
            s.looks
                .iter()
                .any(|l| l.theme == rgb && l.texture.is_some())
        })
        .count();
    // The file's 26 app:target: 18 texture targets (one polygon each; the 14 of
    // the solar themes are reused by rgbTexture via xlink) + 8 material targets.
    assert_eq!(textured, 18);
    for s in &surfaces {
        for l in &s.looks {
            if let Some((image, uv)) = &l.texture {
                assert!((*image as usize) < 18);
                let points = s.exterior.len() + s.interiors.iter().map(Vec::len).sum::<usize>();
                assert_eq!(uv.len(), points, "one coordinate per point");
                assert!(uv.iter().flatten().all(|v| (-0.01..=1.01).contains(v)));
            }
        }
    }
    // The solar-suitability themes colour four roof polygons with X3D materials
    // (diffuse 0.839 0.306 0.212).
    let pv = m.theme_index("Eignung Photovoltaik").unwrap();
    let colored: Vec<_> = surfaces
        .iter()
        .filter_map(|s| s.looks.iter().find(|l| l.theme == pv).and_then(|l| l.color))
        .collect();
    assert_eq!(colored.len(), 4);
    assert!((colored[0][0] - 0.839_215_7).abs() < 1e-6 && colored[0][3] == 1.0);
    // The first texture (tex6216387.jpg) targets one wall polygon: its coordinates as written.
    let first = surfaces
        .iter()
        .find(|s| s.id.as_deref() == Some("DEB_LOD2_UUID_cda3726a-7346-4ba8-a393-90964d0c8697_4a45c651-21ea-4225-ba6b-ede1ea95dc6e_poly"))
        .unwrap();
    let look = first.looks.iter().find(|l| l.texture.is_some()).unwrap();
    let (image, uv) = look.texture.as_ref().unwrap();
    assert!(m.texture_images[*image as usize].ends_with("tex6216387.jpg"));
    assert_eq!(uv[0], [0.023746, 0.580498]);
    assert_eq!(uv.len(), 4, "closing point dropped with its coordinate");
}

#[test]
fn citygml3_texture_associations_pair_coordinates_with_rings() {
    let m = read("citygml/citygml3/Berlin_Moabit_1Bldg_v3.gml");
    assert!(
        m.themes.contains(&"rgbTexture".to_string()),
        "{:?}",
        m.themes
    );
    let textured = m
        .objects
        .iter()
        .flat_map(|o| &o.surfaces)
        .filter(|s| s.looks.iter().any(|l| l.texture.is_some()))
        .count();
    // 5 ParameterizedTextures (SOURCES.md); the images are not in the source repo.
    assert!(textured >= 5, "{textured}");
    assert!(m.texture_images.iter().all(|p| !p.exists()));
}

#[test]
fn plateau_style_jgd2011_latitude_first_lands_in_tokyo() {
    // A building as Japan's PLATEAU CityGML writes it (our own data): the
    // compound JGD2011 + height by URI, latitude first. Scene in JGD2011 /
    // Japan Plane IX around Tokyo station.
    let gml = r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:bldg="http://www.opengis.net/citygml/building/2.0">
  <gml:boundedBy><gml:Envelope srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3">
    <gml:lowerCorner>35.6810 139.7669 3</gml:lowerCorner><gml:upperCorner>35.6814 139.7673 23</gml:upperCorner>
  </gml:Envelope></gml:boundedBy>
  <core:cityObjectMember><bldg:Building gml:id="bldg_tokyo_1">
    <bldg:measuredHeight uom="m">20</bldg:measuredHeight>
    <bldg:lod1Solid><gml:Solid><gml:exterior><gml:CompositeSurface>
      <gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>
        35.6810 139.7669 3 35.6810 139.7673 3 35.6814 139.7673 3 35.6814 139.7669 3 35.6810 139.7669 3
      </gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>
      <gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>
        35.6810 139.7669 23 35.6814 139.7669 23 35.6814 139.7673 23 35.6810 139.7673 23 35.6810 139.7669 23
      </gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>
    </gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod1Solid>
  </bldg:Building></core:cityObjectMember>
</core:CityModel>"#;
    let mut m = pw_city::citygml::read(gml.as_bytes(), None).unwrap();
    let crs = m.crs.expect("srsName read");
    assert_eq!((crs.horizontal, crs.vertical), (6668, Some(6695)));
    let plane_ix = pw_geo::Crs::epsg(6677);
    m.settle_axis_order(plane_ix, [-6_000.0, -35_000.0, 0.0])
        .unwrap();
    assert!(m.issues.is_empty(), "{:?}", m.issues);
    m.reproject(plane_ix).unwrap();
    // GDAL 3.6: `echo "139.7669 35.6810" | gdaltransform -s_srs EPSG:4326
    // -t_srs EPSG:6677 -output_xy` → -6013.303 -35389.406.
    let p = m.objects[0].surfaces[0].exterior[0];
    assert!(
        (p[0] + 6_013.303).abs() < 0.01 && (p[1] + 35_389.406).abs() < 0.01,
        "{p:?}"
    );
    assert_eq!(p[2], 3.0);
}
