//! DEM layers: a GeoTIFF or XYZ grid becomes the scene's terrain — an
//! elevation source (cursor height, buildings with relative heights), a
//! level-of-detail tree the view draws from (`terrain_lod`), and a thinned
//! mesh the pointer is cast against (not drawn, not selectable).

use crate::layers::registry::{
    AppLayerKinds, CLAIM_BY_EXTENSION, FileSample, LayerKindRegistration, LoadHow, LoadRequest,
};
use crate::layers::{CrsQuestion, LayerSummary, LoadError, LoadedCity, at_source};
use bevy::app::{App, Plugin};
use pw_city::batch::{Batch, BatchObject};
use pw_city::pick::PickIndex;
use pw_city::{CityModel, CityObject, ObjectKind, Semantic};
use pw_geo::elevation::Elevation;
use pw_geo::{Crs, Reprojector, SceneOrigin};
use pw_scene::Layer;
use pw_terrain::Grid;
use std::path::Path;
use std::sync::Arc;

/// Vertices of the pointer's pick mesh (the grid is thinned evenly above
/// this; the height shown is then read from the grid itself).
const MAX_PICK_VERTICES: usize = 500_000;
/// Vertices per pick-mesh chunk side.
const CHUNK: usize = 256;
/// Quads per side of a level-of-detail node: 129² vertices, one draw call.
const LOD_TILE: usize = 128;
/// Terrain colour (sRGB): a muted meadow green, light enough for shadows.
pub const TERRAIN: [u8; 4] = [166, 178, 138, 255];

/// A grid in another CRS than the scene answers scene coordinates.
#[derive(Debug)]
struct ReprojectedGrid {
    grid: Arc<Grid>,
    scene_to_grid: Reprojector,
}

impl Elevation for ReprojectedGrid {
    fn height_at(&self, x: f64, y: f64) -> Option<f64> {
        let p = self.scene_to_grid.apply([x, y, 0.0]).ok()?;
        self.grid.height(p[0], p[1])
    }
}

/// One DEM file, or a folder of tiles (GeoTIFF or XYZ, as the states
/// deliver DGM1 in 1 km or 2 km tiles) merged into one grid.
fn read_grid(
    layer: &Layer,
    source: &Path,
) -> Result<(Grid, Vec<pw_text::Message>), pw_text::Message> {
    let (mut grid, warnings) = if source.is_dir() {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(source)
            .map_err(|e| at_source(source.display(), pw_text::Message::text(e.to_string())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| {
                    ["xyz", "tif", "tiff"]
                        .iter()
                        .any(|x| e.eq_ignore_ascii_case(x))
                })
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(pw_text::Message::new("terrain.error.no_tiles")
                .arg("path", source.display())
                .english("{path}: no .xyz or .tif tiles in this folder"));
        }
        let mut tiles = Vec::with_capacity(files.len());
        let mut warnings = Vec::new();
        for f in &files {
            let (g, w) = pw_terrain::read_file(f).map_err(|e| e.message())?;
            tiles.push(g);
            warnings.extend(w.into_iter().map(|w| at_source(f.display(), w)));
        }
        let merged = Grid::merge(&tiles).map_err(|e| at_source(source.display(), e))?;
        warnings.push(
            pw_text::Message::new("terrain.issue.merged")
                .arg("n", files.len())
                .english("{n} tiles merged"),
        );
        (merged, warnings)
    } else {
        pw_terrain::read_file(source).map_err(|e| e.message())?
    };
    if let Some(text) = &layer.crs {
        grid.crs = Some(Crs::parse(text).map_err(|e| at_source(source.display(), e.message()))?);
    }
    Ok((grid, warnings))
}

/// Registers the DEM kind; `terrain_lod` draws what it loads.
pub struct DemLayerPlugin;

impl Plugin for DemLayerPlugin {
    fn build(&self, app: &mut App) {
        app.register_layer_kind(registration());
    }
}

/// GeoTIFF, XYZ and ASCII grids and SRTM tiles, loaded in the background by [`load_dem`].
pub fn registration() -> LayerKindRegistration {
    LayerKindRegistration {
        kind: pw_scene::LayerKind::Dem,
        sniff: Some(sniff),
        load: LoadHow::Background(|r: &LoadRequest| {
            load_dem(&r.layer, &r.source, r.scene_crs, &r.origin, &r.control)
        }),
    }
}

fn sniff(file: &FileSample) -> Option<u8> {
    (matches!(file.ext.as_str(), "tif" | "tiff" | "xyz" | "asc")
        || pw_terrain::srtm::is_srtm(file.path))
    .then_some(CLAIM_BY_EXTENSION)
}

/// Reads a DEM, meshes it in the scene frame and offers it as terrain.
pub fn load_dem(
    layer: &Layer,
    source: &Path,
    scene_crs: Crs,
    origin: &SceneOrigin,
    control: &pw_job::JobControl,
) -> Result<LoadedCity, LoadError> {
    let started = std::time::Instant::now();
    control.set_stage("read");
    let (grid, warnings) = read_grid(layer, source)?;
    let extent = [
        grid.x0,
        grid.y0 - grid.dy * grid.height as f64,
        grid.x0 + grid.dx * grid.width as f64,
        grid.y0,
    ];
    let grid_crs = match grid.crs {
        Some(c) if layer.crs.is_some() || !CrsQuestion::needed(Some(c), Some(extent)) => c,
        stated => {
            return Err(LoadError::NeedsCrs(Box::new(CrsQuestion::new(
                source,
                stated,
                Some(extent),
                scene_crs,
                origin,
            ))));
        }
    };
    control.check()?;
    control.set_stage("triangulate");
    let to_scene = Reprojector::new(grid_crs, scene_crs).map_err(|e| e.message())?;
    let local = *origin;
    let to_local = move |p: [f64; 3]| -> Option<[f32; 3]> {
        let w = to_scene.apply(p).ok()?;
        Some(local.to_local(w))
    };
    let step = pw_terrain::mesh::step_for(&grid, MAX_PICK_VERTICES);
    let chunks = pw_terrain::mesh::chunks(&grid, step, CHUNK, &to_local);
    control.check()?;
    let grid = Arc::new(grid);
    let lod = pw_terrain::lod::LodTerrain::new(grid.clone(), LOD_TILE, Box::new(to_local))
        .ok_or_else(|| {
            pw_text::Message::new("terrain.error.too_small")
                .arg("path", source.display())
                .english("{path}: the DEM needs at least 2 × 2 cells with data in the scene's CRS")
        })?;
    let batches: Vec<Batch> = chunks
        .into_iter()
        .map(|c| {
            let n = c.positions.len();
            Batch {
                // One pick entry per small block: the cursor ray, cast every
                // frame, then tests a few hundred triangles, not a chunk.
                objects: c
                    .blocks
                    .iter()
                    .map(|b| BatchObject {
                        object: 0,
                        vertices: 0..n as u32,
                        indices: b.indices.clone(),
                        min: b.min,
                        max: b.max,
                    })
                    .collect(),
                semantics: vec![Semantic::Ground; n],
                tints: vec![TERRAIN; n],
                uvs: Vec::new(),
                positions: c.positions,
                normals: c.normals,
                indices: c.indices,
            }
        })
        .collect();
    let index = PickIndex::build(&batches);
    let (lo, hi, missing) = grid.stats();
    let mut model = CityModel {
        format: "DEM".into(),
        crs: Some(grid_crs),
        ..Default::default()
    };
    model.objects.push(CityObject {
        id: "terrain".into(),
        kind: ObjectKind::Other,
        type_name: "Terrain".into(),
        parent: None,
        attributes: vec![
            ("cells".into(), format!("{} × {}", grid.width, grid.height)),
            ("cell_size".into(), format!("{} × {}", grid.dx, grid.dy)),
            ("heights".into(), format!("{lo:.1} … {hi:.1}")),
        ],
        surfaces: Vec::new(),
        terrain_intersection: Vec::new(),
        line: 0,
    });
    model.issues = warnings
        .into_iter()
        .chain((missing > 0).then(|| {
            pw_analysis::Message::new("terrain.issue.cells_open")
                .arg("count", missing)
                .english("{count} cells without data are left open")
        }))
        .map(pw_city::Issue::warning)
        .collect();
    let elevation: Arc<dyn Elevation> = if grid_crs.horizontal == scene_crs.horizontal {
        grid
    } else {
        Arc::new(ReprojectedGrid {
            grid,
            scene_to_grid: Reprojector::new(scene_crs, grid_crs).map_err(|e| e.message())?,
        })
    };
    let summary = LayerSummary {
        format: "DEM".into(),
        source_crs: Some(grid_crs),
        // At full resolution; the view draws what its distance needs.
        triangles: 2 * (lod.grid().width - 1) * (lod.grid().height - 1),
        batches: 0,
        file_bytes: std::fs::metadata(source).map(|m| m.len()).unwrap_or(0),
        load_seconds: started.elapsed().as_secs_f32(),
        ..Default::default()
    };
    Ok(LoadedCity {
        model: Arc::new(model),
        batches,
        index,
        summary,
        style: layer.style.clone(),
        atlas: None,
        theme: None,
        terrain: Some(elevation),
        selectable: false,
        relative_heights: false,
        placed_on_terrain: false,
        draped_on: None,
        vector: None,
        terrain_lod: Some(Arc::new(lod)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vinschgau() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/dem/vinschgau/elev_vinschgau.tif")
    }

    #[test]
    fn a_dem_layer_is_terrain_and_a_mesh() {
        let layer = Layer::new("Vinschgau", pw_scene::LayerKind::Dem, "");
        let origin = SceneOrigin::new([629_750.0, 5_168_750.0, 1000.0]);
        let city = load_dem(
            &layer,
            &vinschgau(),
            Crs::epsg(32632),
            &origin,
            &pw_job::JobControl::new(),
        )
        .unwrap();
        assert!(!city.selectable);
        let t = city.terrain.as_ref().unwrap();
        // At a cell centre the height is the cell value (gdallocationinfo: pixel 100/100 = 1628).
        let (x, y) = (598_250.0 + 100.5 * 250.0, 5_193_000.0 - 100.5 * 250.0);
        assert!((t.height_at(x, y).unwrap() - 1628.0).abs() < 1e-3);
        // 252 × 194 cells, 445 without data: every quad with four corners gets two triangles.
        // The pick mesh (every cell here: under its budget) and the full
        // resolution the view refines to.
        let pick: usize = city.batches.iter().map(|b| b.triangle_count()).sum();
        assert!(pick > 90_000 && pick < 2 * 251 * 193, "{pick}");
        assert_eq!(city.summary.triangles, 2 * 251 * 193);
        let lod = city.terrain_lod.as_ref().unwrap();
        assert_eq!(
            lod.levels(),
            2,
            "128-cell nodes: 2 × 2 at full resolution, one above"
        );
        let e = city.extent(&origin).unwrap();
        assert!(
            (e.min[2] - 388.0).abs() < 1.0 && (e.max[2] - 3863.0).abs() < 1.0,
            "{e:?}"
        );
        assert!(
            city.model
                .issues
                .iter()
                .any(|i| i.message.to_string().contains("445 cells"))
        );
    }

    #[test]
    fn a_folder_of_xyz_tiles_is_one_terrain() {
        // Two DGM-style XYZ tiles cut from the real Vinschgau heights
        // (cells 100…109 × 100…104 and 110…119 × 100…104), side by side.
        let (src, _) = pw_terrain::geotiff::read_file(&vinschgau()).unwrap();
        let dir = std::env::temp_dir().join(format!("pw-xyz-tiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, c0) in [("tile_a.xyz", 100), ("tile_b.xyz", 110)] {
            let mut text = String::new();
            for row in 100..105 {
                for col in c0..c0 + 10 {
                    let (x, y) = src.cell_centre(col, row);
                    text += &format!("{x} {y} {}\n", src.value(col, row).unwrap());
                }
            }
            std::fs::write(dir.join(name), text).unwrap();
        }
        let layer = Layer {
            crs: Some("EPSG:32632".into()),
            ..Layer::new("DGM", pw_scene::LayerKind::Dem, "")
        };
        let origin = SceneOrigin::new([629_750.0, 5_168_750.0, 1000.0]);
        let city = load_dem(
            &layer,
            &dir,
            Crs::epsg(32632),
            &origin,
            &pw_job::JobControl::new(),
        )
        .unwrap();
        let t = city.terrain.unwrap();
        for (col, row) in [(100, 100), (109, 104), (110, 100), (119, 104)] {
            let (x, y) = src.cell_centre(col, row);
            assert!(
                (t.height_at(x, y).unwrap() - src.value(col, row).unwrap() as f64).abs() < 1e-3
            );
        }
        assert!(
            city.model
                .issues
                .iter()
                .any(|i| i.message.to_string().contains("2 tiles merged"))
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_dem_in_another_crs_answers_scene_coordinates() {
        // The same DEM in an ETRS89/UTM32 scene (EPSG:25832, practically the same numbers).
        let layer = Layer::new("Vinschgau", pw_scene::LayerKind::Dem, "");
        let origin = SceneOrigin::new([629_750.0, 5_168_750.0, 1000.0]);
        let city = load_dem(
            &layer,
            &vinschgau(),
            Crs::epsg(25832),
            &origin,
            &pw_job::JobControl::new(),
        )
        .unwrap();
        let t = city.terrain.unwrap();
        let (x, y) = (598_250.0 + 100.5 * 250.0, 5_193_000.0 - 100.5 * 250.0);
        assert!((t.height_at(x, y).unwrap() - 1628.0).abs() < 5.0);
        // Without a CRS in file or scene: a clear message.
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("crates/pw-terrain/tests/data");
        let err = load_dem(
            &layer,
            &dir.join("vinschgau_crop_baseline.tif"),
            Crs::epsg(32632),
            &origin,
            &pw_job::JobControl::new(),
        )
        .unwrap_err();
        let LoadError::NeedsCrs(q) = &err else {
            panic!("{err}")
        };
        assert_eq!(q.stated, None);
        // Vinschgau's UTM 32 numbers, beside a scene there.
        assert_eq!(q.suggestions[0].crs, Crs::epsg(25832), "{q:?}");
        assert!(err.to_string().contains("crs = \"EPSG:25832\""), "{err}");
    }
}
