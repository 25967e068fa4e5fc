//! Vector layers in the 3D scene: features become pickable objects of an
//! ordinary city layer (batched, indexed, shown in the inspector with their
//! attributes). Polygons lie draped on the ground or stand extruded when a
//! height/storeys attribute says how high; lines become ribbons; points of a
//! tree cadastre become simple 3D trees (trunk + crown sized by crown
//! diameter and height attributes), other points markers.

use crate::layers::{LayerSummary, LoadedCity};
use pw_city::{CityModel, CityObject, ObjectKind, Semantic, Surface, SurfaceLook};
use pw_geo::elevation::{Elevation, TerrainStack};
use pw_geo::{Crs, SceneOrigin};
use pw_scene::Layer;
use pw_vector::{Geometry, VectorData};
use std::path::Path;

const LINE_WIDTH: f64 = 3.0;
const DRAPE_LIFT: f64 = 0.3;
const DEFAULT_TREE_HEIGHT: f64 = 10.0;
const DEFAULT_CROWN: f64 = 6.0;

/// sRGB colours of the single-symbol style per geometry.
const POLYGON: [f32; 4] = [0.93, 0.80, 0.45, 1.0];
const LINE: [f32; 4] = [0.35, 0.35, 0.40, 1.0];
const TRUNK: [f32; 4] = [0.45, 0.32, 0.20, 1.0];
const CROWN: [f32; 4] = [0.30, 0.58, 0.25, 1.0];
const MARKER: [f32; 4] = [0.10, 0.45, 0.85, 1.0];

fn field(data: &VectorData, names: &[&str]) -> Option<usize> {
    data.fields
        .iter()
        .position(|f| names.iter().any(|n| f.name.eq_ignore_ascii_case(n)))
}

fn number(data: &VectorData, feature: usize, index: Option<usize>) -> Option<f64> {
    let v = data.features[feature].values.get(index?)?.as_f64()?;
    (v.is_finite() && v > 0.0).then_some(v)
}

/// A tree cadastre: fields or file name speak of trees.
fn is_tree_layer(data: &VectorData, source: &Path) -> bool {
    let words = ["baum", "krone", "gattung", "tree", "crown", "species"];
    let name = source.to_string_lossy().to_lowercase();
    words.iter().any(|w| name.contains(w))
        || data
            .fields
            .iter()
            .any(|f| words.iter().any(|w| f.name.to_lowercase().contains(w)))
}

fn surface(semantic: Semantic, ring: Vec<[f64; 3]>, colour: [f32; 4]) -> Surface {
    Surface {
        id: None,
        semantic,
        lod: 2,
        lod_minor: 0,
        exterior: ring,
        interiors: Vec::new(),
        looks: vec![SurfaceLook {
            theme: 0,
            texture: None,
            color: Some(colour),
        }],
    }
}

fn open_ring(ring: &[[f64; 3]]) -> Vec<[f64; 3]> {
    let mut r = ring.to_vec();
    if r.len() > 1 && r.first().map(|p| [p[0], p[1]]) == r.last().map(|p| [p[0], p[1]]) {
        r.pop();
    }
    r
}

fn signed_area(ring: &[[f64; 3]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        * 0.5
}

/// A prism from `base` to `top` over a ring (walls, roof, floor).
fn prism(ring: &[[f64; 3]], base: f64, top: f64, out: &mut Vec<Surface>) {
    let mut r = open_ring(ring);
    if r.len() < 3 {
        return;
    }
    if signed_area(&r) < 0.0 {
        r.reverse();
    }
    let at = |p: &[f64; 3], z: f64| [p[0], p[1], z];
    out.push(surface(
        Semantic::Roof,
        r.iter().map(|p| at(p, top)).collect(),
        POLYGON,
    ));
    out.push(surface(
        Semantic::Ground,
        r.iter().rev().map(|p| at(p, base)).collect(),
        POLYGON,
    ));
    for i in 0..r.len() {
        let (a, b) = (&r[i], &r[(i + 1) % r.len()]);
        out.push(surface(
            Semantic::Wall,
            vec![at(a, base), at(b, base), at(b, top), at(a, top)],
            [0.85, 0.82, 0.76, 1.0],
        ));
    }
}

/// Trunk and a twelve-faced crown.
fn tree(
    p: [f64; 2],
    ground: f64,
    height: f64,
    crown: f64,
    colours: [[f32; 4]; 2],
    out: &mut Vec<Surface>,
) {
    let (x, y) = (p[0], p[1]);
    let crown_base = ground + height * 0.35;
    let t = 0.2_f64.max(crown * 0.04);
    let corners = [[-t, -t], [t, -t], [t, t], [-t, t]];
    for i in 0..4 {
        let (a, b) = (corners[i], corners[(i + 1) % 4]);
        out.push(surface(
            Semantic::Vegetation,
            vec![
                [x + a[0], y + a[1], ground],
                [x + b[0], y + b[1], ground],
                [x + b[0], y + b[1], crown_base + 0.5],
                [x + a[0], y + a[1], crown_base + 0.5],
            ],
            colours[0],
        ));
    }
    let r = crown / 2.0;
    let mid = crown_base + (ground + height - crown_base) * 0.45;
    let equator: Vec<[f64; 3]> = (0..6)
        .map(|k| {
            let a = k as f64 * std::f64::consts::TAU / 6.0;
            [x + r * a.cos(), y + r * a.sin(), mid]
        })
        .collect();
    let (top, bottom) = ([x, y, ground + height], [x, y, crown_base]);
    for k in 0..6 {
        let (a, b) = (equator[k], equator[(k + 1) % 6]);
        out.push(surface(Semantic::Vegetation, vec![a, b, top], colours[1]));
        out.push(surface(
            Semantic::Vegetation,
            vec![b, a, bottom],
            colours[1],
        ));
    }
}

/// The features as city objects in the scene CRS (`data` already reprojected).
pub fn vector_model(
    data: &VectorData,
    source: &Path,
    ground: &dyn Fn(f64, f64) -> f64,
) -> CityModel {
    let mut model = CityModel {
        format: data.format.clone(),
        crs: data.crs,
        themes: vec!["Vektor".into()],
        ..Default::default()
    };
    let trees = is_tree_layer(data, source);
    let height = field(
        data,
        &[
            "height",
            "hoehe",
            "höhe",
            "baumhoehe",
            "baumhöhe",
            "measuredHeight",
            "building_height",
        ],
    );
    let storeys = field(
        data,
        &[
            "storeys",
            "geschosse",
            "anzahl_geschosse",
            "levels",
            "building:levels",
        ],
    );
    let crown = field(
        data,
        &[
            "krone_dm",
            "kronendurchmesser",
            "kronendm",
            "crown",
            "crown_diameter",
            "kronenbreite",
        ],
    );
    for (k, f) in data.features.iter().enumerate() {
        let Some(g) = &f.geometry else { continue };
        let mut surfaces = Vec::new();
        let mut type_name = "Feature";
        match g {
            Geometry::Polygons(polys) => {
                let h =
                    number(data, k, height).or_else(|| number(data, k, storeys).map(|n| n * 3.0));
                for p in polys {
                    match h {
                        Some(h) => {
                            type_name = "ExtrudedFeature";
                            let base = open_ring(&p.exterior)
                                .iter()
                                .map(|c| ground(c[0], c[1]))
                                .fold(f64::INFINITY, f64::min);
                            prism(&p.exterior, base, base + h, &mut surfaces);
                        }
                        None => {
                            let drape = |r: &[[f64; 3]]| -> Vec<[f64; 3]> {
                                open_ring(r)
                                    .iter()
                                    .map(|c| [c[0], c[1], ground(c[0], c[1]) + DRAPE_LIFT])
                                    .collect()
                            };
                            let mut s = surface(Semantic::LandUse, drape(&p.exterior), POLYGON);
                            s.interiors = p.interiors.iter().map(|r| drape(r)).collect();
                            surfaces.push(s);
                        }
                    }
                }
            }
            Geometry::Lines(lines) => {
                type_name = "LineFeature";
                for l in lines {
                    for w in l.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                        let len = (dx * dx + dy * dy).sqrt();
                        if len < 1e-6 {
                            continue;
                        }
                        let (nx, ny) = (-dy / len * LINE_WIDTH / 2.0, dx / len * LINE_WIDTH / 2.0);
                        let z = |x: f64, y: f64| ground(x, y) + DRAPE_LIFT;
                        surfaces.push(surface(
                            Semantic::Traffic,
                            vec![
                                [a[0] - nx, a[1] - ny, z(a[0], a[1])],
                                [b[0] - nx, b[1] - ny, z(b[0], b[1])],
                                [b[0] + nx, b[1] + ny, z(b[0], b[1])],
                                [a[0] + nx, a[1] + ny, z(a[0], a[1])],
                            ],
                            LINE,
                        ));
                    }
                }
            }
            Geometry::Points(points) => {
                for p in points {
                    let z = ground(p[0], p[1]);
                    if trees {
                        type_name = "Tree";
                        let h = number(data, k, height).unwrap_or(DEFAULT_TREE_HEIGHT);
                        let c = number(data, k, crown).unwrap_or(DEFAULT_CROWN).min(h);
                        tree([p[0], p[1]], z, h, c, [TRUNK, CROWN], &mut surfaces);
                    } else {
                        type_name = "PointFeature";
                        tree([p[0], p[1]], z, 6.0, 2.0, [MARKER, MARKER], &mut surfaces);
                    }
                }
            }
        }
        if surfaces.is_empty() {
            continue;
        }
        model.objects.push(CityObject {
            id: f.id.clone().unwrap_or_else(|| (k + 1).to_string()),
            kind: ObjectKind::Other,
            type_name: type_name.into(),
            parent: None,
            attributes: data
                .fields
                .iter()
                .zip(&f.values)
                .filter(|(_, v)| !matches!(v, pw_vector::Value::Null))
                .map(|(fd, v)| (fd.name.clone(), v.to_string()))
                .collect(),
            surfaces,
            terrain_intersection: Vec::new(),
            line: 0,
        });
    }
    model
}

/// Reads, reprojects and builds a vector layer (runs off the frame).
pub fn load_vector(
    layer: &Layer,
    source: &Path,
    scene_crs: Crs,
    origin: &SceneOrigin,
    control: &pw_job::JobControl,
    terrain: &TerrainStack,
) -> Result<LoadedCity, String> {
    let started = std::time::Instant::now();
    control.set_stage("read");
    let layer_crs = layer
        .crs
        .as_deref()
        .map(Crs::parse)
        .transpose()
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let options = pw_vector::CsvOptions {
        crs: layer_crs,
        ..Default::default()
    };
    let mut data = pw_vector::read_file(source, &options).map_err(|e| e.to_string())?;
    if let Some(c) = layer_crs {
        data.crs = Some(c);
    }
    if data.crs.is_none() {
        return Err(format!(
            "{}: the CRS of this layer is unknown; set crs = \"EPSG:…\" for it in the scene",
            source.display()
        ));
    }
    control.check().map_err(|e| e.to_string())?;
    data.reproject(scene_crs)
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let base = origin.world[2];
    let ground = |x: f64, y: f64| terrain.height_at(x, y).unwrap_or(base);
    control.set_stage("triangulate");
    let mut model = vector_model(&data, source, &ground);
    model.issues = data
        .issues
        .iter()
        .map(|m| pw_city::Issue {
            severity: pw_city::Severity::Warning,
            line: None,
            id: None,
            message: m.clone(),
        })
        .collect();
    let look = pw_city::mesh::LookChoice {
        theme: Some(0),
        atlas: None,
    };
    let batches =
        pw_city::batch::build_batches_with(&model, origin, 48, Some(control), Some(&look))
            .map_err(|e| e.to_string())?;
    let index = pw_city::pick::PickIndex::build(&batches);
    let summary = LayerSummary {
        format: data.format.clone(),
        source_crs: data.crs.filter(|_| layer_crs.is_none()).or(layer_crs),
        features: Some(model.objects.len()),
        triangles: batches.iter().map(|b| b.triangle_count()).sum(),
        batches: batches.len(),
        file_bytes: std::fs::metadata(source).map(|m| m.len()).unwrap_or(0),
        load_seconds: started.elapsed().as_secs_f32(),
        ..Default::default()
    };
    Ok(LoadedCity {
        model,
        batches,
        index,
        summary,
        style: layer.style.clone(),
        atlas: None,
        theme: Some("Vektor".into()),
        terrain: None,
        selectable: true,
        // Draped on the ground: drawn again when a terrain layer arrives.
        relative_heights: true,
        placed_on_terrain: !terrain.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
    ) -> Result<LoadedCity, String> {
        let mut layer = Layer::new("v", LayerKind::Vector, "");
        layer.crs = crs.map(String::from);
        load_vector(
            &layer,
            &data(rel),
            scene,
            &SceneOrigin::new(origin),
            &pw_job::JobControl::default(),
            &TerrainStack::default(),
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
    fn a_csv_without_crs_is_refused_with_what_to_do() {
        let e = load(
            "flensburg/lebende-baeume.csv",
            None,
            Crs::epsg(25832),
            [0.0; 3],
        )
        .unwrap_err();
        assert!(
            e.contains("lebende-baeume.csv") && e.contains("crs = \"EPSG:"),
            "{e}"
        );
    }
}
