//! Vector layers in the 3D scene: read, reprojected into the scene CRS, and
//! turned into city objects (`pw_vector::to_city`: draped or extruded
//! polygons, ribbons, 3D trees, markers) that batch, pick and show their
//! attributes in the inspector like any city layer.

use crate::layers::registry::{
    AppLayerKinds, CLAIM_BY_EXTENSION, FileSample, LayerKindRegistration, LoadHow, LoadRequest,
};
use crate::layers::{CrsQuestion, LayerSummary, LoadError, LoadedCity, VectorExtras, at_source};
use bevy::app::{App, Plugin};
use pw_geo::elevation::{Elevation, TerrainStack};
use pw_geo::{Crs, SceneOrigin};
use pw_scene::Layer;
use std::path::Path;

/// Registers the vector kind; its objects are drawn like city layers
/// (`city_draw`), its points by `point_symbols`.
pub struct VectorLayerPlugin;

impl Plugin for VectorLayerPlugin {
    fn build(&self, app: &mut App) {
        app.register_layer_kind(registration());
    }
}

/// GeoJSON, Shapefile, GeoPackage, KML/KMZ, CSV, FlatGeobuf and GML,
/// loaded in the background by [`load_vector`].
pub fn registration() -> LayerKindRegistration {
    LayerKindRegistration {
        kind: pw_scene::LayerKind::Vector,
        sniff: Some(sniff),
        load: LoadHow::Background(|r: &LoadRequest| {
            if r.layer.service.is_some() || super::services::is_download(&r.layer) {
                let online = super::services::read_online(r)?;
                return build_vector(
                    &r.layer,
                    online.data,
                    &online.label,
                    online.bytes,
                    VectorPlace {
                        started: online.started,
                        scene_crs: r.scene_crs,
                        origin: &r.origin,
                        control: &r.control,
                        terrain: &r.terrain,
                        ground: r.ground,
                    },
                );
            }
            load_vector(
                &r.layer,
                &r.source,
                r.scene_crs,
                &r.origin,
                &r.control,
                &r.terrain,
                r.ground,
            )
        }),
    }
}

/// By ending; XML and JSON that are readable and claimed by no surer kind
/// (CityGML, CityJSON, 3D Tiles) are vector data too.
fn sniff(file: &FileSample) -> Option<u8> {
    match file.ext.as_str() {
        "gml" | "xml" | "citygml" => file.head_and_tail(8192, 0).map(|_| CLAIM_BY_EXTENSION),
        "json" => file
            .head_and_tail(65_536, 65_536)
            .map(|_| CLAIM_BY_EXTENSION),
        "geojson" | "shp" | "gpkg" | "kml" | "kmz" | "csv" | "fgb" => Some(CLAIM_BY_EXTENSION),
        // OpenStreetMap: .osm, .osm.pbf and .osm.gz.
        _ if pw_osm::is_osm_name(file.path) => Some(CLAIM_BY_EXTENSION),
        _ => None,
    }
}

/// The finest cell draped features are cut into on terrain (metres): fine
/// enough for the SRTM and DGM grids' hills, coarse enough for districts
/// (large features get coarser cells, `pw_vector::drape::cell_for`).
const DRAPE_CELL_M: f64 = 25.0;

/// Reads, reprojects and builds a vector layer (runs off the frame).
pub fn load_vector(
    layer: &Layer,
    source: &Path,
    scene_crs: Crs,
    origin: &SceneOrigin,
    control: &pw_job::JobControl,
    terrain: &TerrainStack,
    ground: f64,
) -> Result<LoadedCity, LoadError> {
    let started = std::time::Instant::now();
    control.set_stage("read");
    let layer_crs = layer
        .crs
        .as_deref()
        .map(Crs::parse)
        .transpose()
        .map_err(|e| at_source(source.display(), e.message()))?;
    let options = pw_vector::CsvOptions {
        crs: layer_crs,
        ..Default::default()
    };
    let data =
        pw_vector::read_file(source, &options).map_err(|e| LoadError::Failed(e.message()))?;
    let bytes = std::fs::metadata(source).map(|m| m.len()).unwrap_or(0);
    build_vector(
        layer,
        data,
        &source.display().to_string(),
        bytes,
        VectorPlace {
            started,
            scene_crs,
            origin,
            control,
            terrain,
            ground,
        },
    )
}

/// Where a vector layer goes: the scene's CRS, origin and ground.
pub struct VectorPlace<'a> {
    /// When reading began (the layer's load time).
    pub started: std::time::Instant,
    pub scene_crs: Crs,
    pub origin: &'a SceneOrigin,
    pub control: &'a pw_job::JobControl,
    pub terrain: &'a TerrainStack,
    pub ground: f64,
}

/// Reprojects, styles and builds features read from a file or a service;
/// `source` names where they came from in messages.
pub fn build_vector(
    layer: &Layer,
    mut data: pw_vector::VectorData,
    source: &str,
    file_bytes: u64,
    place: VectorPlace,
) -> Result<LoadedCity, LoadError> {
    let VectorPlace {
        started,
        scene_crs,
        origin,
        control,
        terrain,
        ground,
    } = place;
    let layer_crs = layer
        .crs
        .as_deref()
        .map(Crs::parse)
        .transpose()
        .map_err(|e| at_source(source, e.message()))?;
    if let Some(c) = layer_crs {
        data.crs = Some(c);
    }
    // No CRS, or one the coordinates contradict (metres in a GeoJSON taken
    // as degrees): ask, unless the user has chosen one for the layer.
    let extent = data.extent();
    if layer_crs.is_none() && CrsQuestion::needed(data.crs, extent) {
        return Err(LoadError::NeedsCrs(Box::new(CrsQuestion::new(
            Path::new(source),
            data.crs,
            extent,
            scene_crs,
            origin,
        ))));
    }
    control.check()?;
    data.reproject(scene_crs)
        .map_err(|e| at_source(source, e.message()))?;
    // Without terrain, features lie on the ground the scene stands on (the
    // city models' lowest base), not at the origin's height.
    let ground_at = |x: f64, y: f64| terrain.height_at(x, y).unwrap_or(ground);
    control.set_stage("triangulate");
    // OSM data (a file or an Overpass answer) with no style of its own is
    // drawn like a city map.
    let is_osm = matches!(data.format.as_str(), "OpenStreetMap" | "Overpass JSON");
    let style = if layer.style == pw_scene::Style::default() && is_osm {
        pw_vector::osm::map_style()
    } else {
        layer.style.clone()
    };
    let symbology = pw_vector::style::symbolize(&data, &style);
    let pw_vector::to_city::VectorScene {
        mut model,
        labels,
        symbols,
        outlines,
    } = pw_vector::to_city::city_model_on_terrain(
        &data,
        Path::new(source),
        &ground_at,
        &style,
        &symbology,
        // On terrain, cut into pieces that follow it (flat ground needs none).
        (!terrain.is_empty()).then_some(DRAPE_CELL_M),
    );
    model.issues = data
        .issues
        .iter()
        .chain(&symbology.issues)
        .map(|m| pw_city::Issue::warning(m.clone()))
        .collect();
    let look = pw_city::mesh::LookChoice {
        theme: Some(0),
        atlas: None,
    };
    let batches =
        pw_city::batch::build_batches_with(&model, origin, 48, Some(control), Some(&look))?;
    let index = pw_city::pick::PickIndex::build(&batches);
    let summary = LayerSummary {
        format: data.format.clone(),
        source_crs: data.crs.filter(|_| layer_crs.is_none()).or(layer_crs),
        features: Some(model.objects.len()),
        triangles: batches.iter().map(|b| b.triangle_count()).sum(),
        batches: batches.len(),
        file_bytes,
        load_seconds: started.elapsed().as_secs_f32(),
        ..Default::default()
    };
    Ok(LoadedCity {
        model: std::sync::Arc::new(model),
        batches,
        index,
        summary,
        style,
        atlas: None,
        theme: Some("Vektor".into()),
        terrain: None,
        selectable: true,
        // Draped on the ground: drawn again when a terrain layer arrives.
        relative_heights: true,
        placed_on_terrain: !terrain.is_empty(),
        draped_on: terrain.is_empty().then_some(ground),
        terrain_lod: None,
        vector: Some(VectorExtras {
            legend: symbology.legend,
            labels,
            symbols,
            outlines,
            fields: data
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.kind))
                .collect(),
            on_ground: true,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_city::Semantic;
    use pw_scene::LayerKind;
    use std::path::PathBuf;

    fn data(rel: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/vector")
            .join(rel)
    }

    fn load(
        rel: &str,
        crs: Option<&str>,
        scene: Crs,
        origin: [f64; 3],
    ) -> Result<LoadedCity, LoadError> {
        let mut layer = Layer::new("v", LayerKind::Vector, "");
        layer.crs = crs.map(String::from);
        load_vector(
            &layer,
            &data(rel),
            scene,
            &SceneOrigin::new(origin),
            &pw_job::JobControl::default(),
            &TerrainStack::default(),
            origin[2],
        )
    }

    #[test]
    fn flensburg_trees_become_18697_pickable_3d_trees() {
        let origin = [528_500.0, 6_073_000.0, 20.0];
        let city = load(
            "flensburg/lebende-baeume.csv",
            Some("EPSG:31467"),
            Crs::epsg(25832),
            origin,
        )
        .unwrap();
        assert_eq!(city.model.objects.len(), 18_697);
        assert_eq!(city.summary.features, Some(18_697));
        let first = &city.model.objects[0];
        assert_eq!(first.type_name, "Tree");
        assert_eq!(
            first.attribute("ga_lang"),
            Some("Alnus glutinosa, Schwarz-Erle")
        );
        // Trunk (4 walls) + crown (12 faces) = 20 triangles per tree.
        assert_eq!(city.summary.triangles, 18_697 * 20);
        assert!(city.summary.batches <= 48, "{}", city.summary.batches);
        // Default size without attributes: 10 m high, 6 m crown, on the ground.
        let e = first.extent();
        assert!(
            (e.min[2] - 20.0).abs() < 1e-9 && (e.max[2] - 30.0).abs() < 1e-9,
            "{e:?}"
        );
        assert!(((e.max[0] - e.min[0]) - 6.0).abs() < 0.01, "{e:?}");
        // Picking from above hits that tree.
        let c = e.center();
        let local = SceneOrigin::new(origin).to_local([c[0], c[1], 100.0]);
        let ray = pw_city::pick::Ray {
            origin: local,
            dir: [0.0, 0.0, -1.0],
        };
        let hit = city
            .index
            .pick(&city.batches, &ray, &Default::default())
            .expect("a tree under the ray");
        assert_eq!(hit.object, 0);
    }

    #[test]
    fn lorient_buildings_stand_extruded_by_their_height() {
        let origin = [223_500.0, 6_758_000.0, 0.0];
        let city = load(
            "lorient_noisemodelling/buildings.shp",
            None,
            Crs::epsg(2154),
            origin,
        )
        .unwrap();
        assert_eq!(city.model.objects.len(), 1701);
        let b = &city.model.objects[0];
        assert_eq!(b.type_name, "ExtrudedFeature");
        let h: f64 = b.attribute("HEIGHT").unwrap().parse().unwrap();
        let e = b.extent();
        assert!(((e.max[2] - e.min[2]) - h).abs() < 1e-9, "{e:?} vs {h}");
        assert!(b.surfaces.iter().any(|s| s.semantic == Semantic::Roof));
    }

    /// Jena's land use over the Saale valley's SRTM terrain: laid on at
    /// its corners only, the areas pass under the slopes between them; cut
    /// into grid pieces they stay on the ground.
    #[test]
    fn land_use_follows_the_saale_valley_instead_of_passing_under_it() {
        let crs = Crs::epsg(25832);
        let origin = SceneOrigin::new([681_000.0, 5_644_000.0, 150.0]);
        let control = pw_job::JobControl::default();
        let srtm = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/dem/srtm/N50E011.hgt.zip");
        let dem = crate::layers::terrain::load_dem(
            &Layer::new("SRTM", LayerKind::Dem, ""),
            &srtm,
            crs,
            &origin,
            &control,
        )
        .unwrap();
        let mut stack = TerrainStack::default();
        stack.layers.extend(dem.terrain.clone());
        let layer = Layer::new("Nutzung", LayerKind::Vector, "");
        let source = data("jena_osm/jena_landuse_2021.geojson");
        let on_terrain =
            load_vector(&layer, &source, crs, &origin, &control, &stack, 150.0).unwrap();
        // The same on corners only, for comparison.
        let read = pw_vector::read_file(&source, &Default::default()).unwrap();
        let mut read = read;
        read.reproject(crs).unwrap();
        let style = pw_scene::Style::default();
        let symbology = pw_vector::style::symbolize(&read, &style);
        let ground = |x: f64, y: f64| stack.height_at(x, y).unwrap_or(150.0);
        let corners = pw_vector::to_city::city_model(&read, &source, &ground, &style, &symbology);
        // How far each piece's middle lies under the ground (m): the share
        // more than 2 m under it.
        let under = |model: &pw_city::CityModel| {
            let (mut n, mut deep) = (0usize, 0usize);
            for o in &model.objects {
                for s in o.surfaces.iter().filter(|s| s.exterior.len() >= 3) {
                    let k = s.exterior.len() as f64;
                    let c = s.exterior.iter().fold([0.0; 3], |a, p| {
                        [a[0] + p[0] / k, a[1] + p[1] / k, a[2] + p[2] / k]
                    });
                    if let Some(h) = stack.height_at(c[0], c[1]) {
                        n += 1;
                        if c[2] < h - 2.0 {
                            deep += 1;
                        }
                    }
                }
            }
            deep as f64 / n.max(1) as f64
        };
        let (cut, whole) = (under(&on_terrain.model), under(&corners.model));
        eprintln!(
            "more than 2 m under the SRTM ground: cut {:.2} %, corners only {:.2} %",
            cut * 100.0,
            whole * 100.0
        );
        assert!(cut < 0.01, "{cut}");
        assert!(whole > 5.0 * cut.max(0.001), "{whole} vs {cut}");
        // Nothing lost: the same features, the same area.
        assert_eq!(on_terrain.model.objects.len(), corners.model.objects.len());
    }

    #[test]
    fn motorways_become_ribbons_and_districts_lie_draped() {
        let roads = load(
            "hamburg/wfs_verkehrsnetz_bab_linestring.xml",
            None,
            Crs::epsg(25832),
            [565_000.0, 5_935_000.0, 10.0],
        )
        .unwrap();
        assert_eq!(roads.model.objects.len(), 66);
        let r = &roads.model.objects[0];
        assert_eq!(r.attribute("strassenname"), Some("BAB A7"));
        assert!(
            r.surfaces
                .iter()
                .all(|s| s.semantic == Semantic::Traffic && s.exterior.len() == 4)
        );
        // 3 m wide.
        let s = &r.surfaces[0].exterior;
        let w = ((s[0][0] - s[3][0]).powi(2) + (s[0][1] - s[3][1]).powi(2)).sqrt();
        assert!((w - 3.0).abs() < 1e-9, "{w}");
        let districts = load(
            "bkg_vg5000_wgs84/Ebene_Kreise.geojson",
            None,
            Crs::epsg(25832),
            [680_000.0, 5_640_000.0, 150.0],
        )
        .unwrap();
        assert_eq!(districts.model.objects.len(), 401);
        let jena = districts
            .model
            .objects
            .iter()
            .find(|o| o.attribute("GEN") == Some("Jena"))
            .unwrap();
        assert!(jena.surfaces.iter().all(|s| s.semantic == Semantic::LandUse
            && s.exterior.iter().all(|p| (p[2] - 150.3).abs() < 1e-9)));
    }

    #[test]
    fn a_csv_without_crs_asks_and_suggests_gauss_krueger_3() {
        let origin = [528_500.0, 6_073_000.0, 20.0];
        let e = load(
            "flensburg/lebende-baeume.csv",
            None,
            Crs::epsg(25832),
            origin,
        )
        .unwrap_err();
        let LoadError::NeedsCrs(q) = &e else {
            panic!("{e}")
        };
        assert_eq!(q.stated, None);
        assert_eq!(q.suggestions[0].crs, Crs::epsg(31467), "{q:?}");
        assert!(q.suggestions[0].km_from_scene.unwrap() < 5.0);
        let [x0, _, _, y1] = q.extent.unwrap();
        assert!((x0 - 3_523_375.0).abs() < 1.0 && (y1 - 6_077_492.0).abs() < 1.0);
        // The command line cannot ask: it says what to write.
        let text = e.to_string();
        assert!(
            text.contains("lebende-baeume.csv") && text.contains("crs = \"EPSG:31467\""),
            "{text}"
        );
    }

    #[test]
    fn metres_in_a_geojson_are_not_taken_for_degrees() {
        // GeoJSON means WGS 84; a file written in UTM 32 without saying so.
        let dir = std::env::temp_dir().join(format!("pw-metres-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plaetze.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Eichplatz"},"geometry":{"type":"Point","coordinates":[681050.0,5644230.0]}}]}"#,
        )
        .unwrap();
        let mut layer = Layer::new("v", LayerKind::Vector, "");
        let origin = SceneOrigin::new([681_000.0, 5_644_000.0, 150.0]);
        let run = |layer: &Layer| {
            load_vector(
                layer,
                &path,
                Crs::ETRS89_UTM32,
                &origin,
                &pw_job::JobControl::default(),
                &TerrainStack::default(),
                150.0,
            )
        };
        let Err(LoadError::NeedsCrs(q)) = run(&layer) else {
            panic!("metres read as degrees without asking")
        };
        assert_eq!(q.stated, Some(Crs::WGS84));
        assert_eq!(q.suggestions[0].crs, Crs::ETRS89_UTM32);
        // The user's answer is taken as given.
        layer.crs = Some("EPSG:25832".into());
        let city = run(&layer).unwrap();
        assert_eq!(city.model.objects.len(), 1);
    }
}
