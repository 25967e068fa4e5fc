//! City model layers (CityGML, CityJSON, glTF): read any city format into
//! the engine-free model, reproject, set onto terrain, pick the appearance
//! theme and pack its texture atlas, batch and index (runs off the frame).

use super::registry::{
    AppLayerKinds, CLAIM_BY_CONTENT, CLAIM_BY_EXTENSION, CLAIM_BY_NAME, FileSample,
    LayerKindRegistration, LoadHow, LoadRequest,
};
use super::{LayerSummary, LoadedCity, VectorExtras, at_source};
use bevy::prelude::*;
use pw_analysis::Message;
use pw_city::CityModel;
use pw_city::pick::PickIndex;
use pw_geo::Crs;
use pw_scene::{Layer, LayerKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// At most this many draw calls per city layer.
const MAX_BATCHES_PER_LAYER: usize = 48;

/// Registers the city model kinds; `city_draw` draws what they load.
pub struct CityKindsPlugin;

impl Plugin for CityKindsPlugin {
    fn build(&self, app: &mut App) {
        for kind in registrations() {
            app.register_layer_kind(kind);
        }
    }
}

/// CityGML, CityJSON and glTF: all loaded by [`load_city`].
pub fn registrations() -> [LayerKindRegistration; 3] {
    let load = LoadHow::Background(load);
    [
        LayerKindRegistration {
            kind: LayerKind::Citygml,
            sniff: Some(sniff_citygml),
            load,
        },
        LayerKindRegistration {
            kind: LayerKind::Cityjson,
            sniff: Some(sniff_cityjson),
            load,
        },
        LayerKindRegistration {
            kind: LayerKind::Gltf,
            sniff: Some(sniff_gltf),
            load,
        },
    ]
}

fn load(r: &LoadRequest) -> Result<LoadedCity, crate::layers::LoadError> {
    Ok(load_city(
        &r.layer,
        &r.source,
        r.scene_crs,
        &r.origin,
        &r.control,
        &r.terrain,
    )?)
}

/// XML whose root (in the first 8 KB) is a CityModel.
fn sniff_citygml(file: &FileSample) -> Option<u8> {
    let xml = matches!(file.ext.as_str(), "gml" | "xml" | "citygml");
    (xml && file.head_and_tail(8192, 0)?.contains("CityModel")).then_some(CLAIM_BY_CONTENT)
}

/// `.city.json(l)` by name; other JSON when it says CityJSON (key order is
/// free in JSON: "type": "CityJSON" may come last, so the tail counts too).
fn sniff_cityjson(file: &FileSample) -> Option<u8> {
    if file.name.ends_with(".city.json") || file.name.ends_with(".city.jsonl") {
        return Some(CLAIM_BY_NAME);
    }
    if file.ext != "json" {
        return None;
    }
    let h = file.head_and_tail(65_536, 65_536)?;
    (h.contains("\"CityJSON\"") || h.contains("\"CityObjects\"")).then_some(CLAIM_BY_CONTENT)
}

fn sniff_gltf(file: &FileSample) -> Option<u8> {
    matches!(file.ext.as_str(), "glb" | "gltf").then_some(CLAIM_BY_EXTENSION)
}

/// Reads any city model format into the engine-free model. `layer` gives
/// the scene's settings for it (georeference of glTF models), if any.
pub fn read_city_model(
    kind: LayerKind,
    source: &Path,
    layer: Option<&Layer>,
    control: Option<&pw_job::JobControl>,
) -> Result<CityModel, pw_text::Message> {
    let shown = source.display().to_string();
    match kind {
        LayerKind::Cityjson => {
            pw_city::cityjson::read_file(source, control).map_err(|e| e.message(&shown))
        }
        LayerKind::Gltf => {
            let georef = layer.and_then(|l| l.georeference.as_ref());
            let crs = layer.and_then(|l| l.crs.as_deref());
            let (placement, up) = gltf_placement(georef, crs)?;
            pw_city::placement::read_gltf_model(source, placement, up)
        }
        _ => pw_city::citygml::read_file(source, control).map_err(|e| e.message(&shown)),
    }
}

/// The scene's georeference of a glTF layer as a placement: origin in the
/// layer's CRS (degrees for a geographic one), else in EPSG:25832.
fn gltf_placement(
    georef: Option<&pw_scene::Georeference>,
    crs: Option<&str>,
) -> Result<
    (
        Option<pw_city::placement::Placement>,
        Option<pw_city::gltf_reader::UpAxis>,
    ),
    pw_text::Message,
> {
    use pw_city::gltf_reader::UpAxis;
    use pw_city::placement::Placement;
    let Some(g) = georef else {
        return Ok((None, None));
    };
    let up = match g.up_axis.as_deref() {
        None => None,
        Some(text) => Some(UpAxis::parse(text).ok_or_else(|| {
            pw_text::Message::new("city.error.up_axis")
                .arg("axis", format!("{text:?}"))
                .english("georeference: up_axis must be \"y\" or \"z\", not {axis}")
        })?),
    };
    let crs = match crs {
        Some(text) => Crs::parse(text).map_err(|e| at_source("georeference", e.message()))?,
        None => Crs::ETRS89_UTM32,
    };
    let placement = if crs.is_geographic() {
        Placement::Geodetic {
            lon: g.origin[0],
            lat: g.origin[1],
            height: g.origin[2],
            heading: g.heading,
            scale: g.scale,
        }
    } else {
        Placement::Projected {
            crs,
            origin: g.origin,
            heading: g.heading,
            scale: g.scale,
        }
    };
    Ok((Some(placement), up))
}

/// Reads, reprojects, batches and indexes a city model (runs off the frame).
pub fn load_city(
    layer: &Layer,
    source: &Path,
    scene_crs: Crs,
    origin: &pw_geo::SceneOrigin,
    control: &pw_job::JobControl,
    terrain: &pw_geo::elevation::TerrainStack,
) -> Result<LoadedCity, pw_text::Message> {
    let started = std::time::Instant::now();
    let file_bytes = std::fs::metadata(source).map(|m| m.len()).unwrap_or(0);
    control.set_stage("read");
    let mut model = read_city_model(layer.kind, source, Some(layer), Some(control))?;
    // For glTF the layer CRS is that of the georeference, already applied.
    let source_crs = match layer
        .crs
        .as_deref()
        .filter(|_| layer.kind != LayerKind::Gltf)
    {
        Some(text) => Some(Crs::parse(text).map_err(|e| at_source(source.display(), e.message()))?),
        None => model.crs,
    };
    model.crs = source_crs;
    // Placed glTF models come out as longitude/latitude by construction.
    if layer.kind != LayerKind::Gltf {
        model
            .settle_axis_order(scene_crs, origin.world)
            .map_err(|e| at_source(source.display(), e))?;
    }
    model
        .reproject(scene_crs)
        .map_err(|e| at_source(source.display(), e.message()))?;
    let relative_heights = model.has_relative_heights(origin.world[2]);
    let placed_on_terrain = relative_heights && !terrain.is_empty();
    if placed_on_terrain {
        let placed = pw_city::terrain::place_on_terrain(&mut model, terrain);
        model
            .issues
            .push(pw_city::Issue::warning(if placed.outside > 0 {
                Message::new("city.issue.set_on_terrain_some_outside")
                    .arg("count", placed.placed)
                    .arg("outside", placed.outside)
                    .english("heights were relative to the ground: {count} buildings set onto the terrain, {outside} outside the terrain left at 0 m")
            } else {
                Message::new("city.issue.set_on_terrain")
                    .arg("count", placed.placed)
                    .english("heights were relative to the ground: {count} buildings set onto the terrain")
            }));
    } else {
        model.check_relative_heights(origin.world[2]);
    }
    let own_terrain = pw_city::terrain::TinTerrain::from_model(&model)
        .map(|t| Arc::new(t) as Arc<dyn pw_geo::elevation::Elevation>);
    control
        .check()
        .map_err(|_| crate::layers::cancelled_message())?;
    let symbology = pw_vector::city_style::symbolize_city(&model, &layer.style);
    model.issues.extend(
        symbology
            .issues
            .iter()
            .map(|m| pw_city::Issue::warning(m.clone())),
    );
    // Colours by attribute replace the textures: a photo of a roof would
    // hide its class.
    let styled = symbology.legend.mode != pw_scene::SymbolMode::Single;
    let theme = choose_theme(&model, layer.appearance_theme.as_deref()).filter(|_| !styled);
    let atlas = theme.and_then(|t| {
        control.set_stage("textures");
        texture_atlas(&mut model, t)
    });
    control
        .check()
        .map_err(|_| crate::layers::cancelled_message())?;
    control.set_stage("triangulate");
    let look = pw_city::mesh::LookChoice {
        theme,
        atlas: atlas.as_ref().map(|a| (a.rects.as_slice(), a.white)),
    };
    let mut batches = pw_city::batch::build_batches_with(
        &model,
        origin,
        MAX_BATCHES_PER_LAYER,
        Some(control),
        Some(&look),
    )
    .map_err(|_| crate::layers::cancelled_message())?;
    if styled {
        paint_by_attribute(&mut batches, &symbology.colours);
    }
    let index = PickIndex::build(&batches);
    let s = model.summary();
    let summary = LayerSummary {
        tiles: None,
        themes: model.themes.clone(),
        theme: theme.map(|t| model.themes[t as usize].clone()),
        format: model.format.clone(),
        source_crs,
        buildings: s.buildings,
        parts: s.building_parts,
        triangles: batches.iter().map(|b| b.triangle_count()).sum(),
        batches: batches.len(),
        file_bytes,
        load_seconds: started.elapsed().as_secs_f32(),
        features: None,
    };
    Ok(LoadedCity {
        theme: theme.map(|t| model.themes[t as usize].clone()),
        batches,
        index,
        summary,
        style: layer.style.clone(),
        atlas,
        terrain: own_terrain,
        selectable: true,
        relative_heights,
        placed_on_terrain,
        draped_on: None,
        vector: Some(VectorExtras {
            legend: symbology.legend,
            labels: symbology.labels,
            symbols: Vec::new(),
            outlines: Vec::new(),
            fields: symbology.fields,
            on_ground: false,
        }),
        model: Arc::new(model),
        terrain_lod: None,
    })
}

/// Gives each styled object's vertices its class colour (sRGB, opaque).
fn paint_by_attribute(batches: &mut [pw_city::batch::Batch], colours: &[Option<[f32; 4]>]) {
    for batch in batches {
        for o in &batch.objects {
            let Some(c) = colours.get(o.object).copied().flatten() else {
                continue;
            };
            let tint = [
                (c[0] * 255.0).round() as u8,
                (c[1] * 255.0).round() as u8,
                (c[2] * 255.0).round() as u8,
                255,
            ];
            let range = o.vertices.start as usize..o.vertices.end as usize;
            batch.tints[range].fill(tint);
        }
    }
}

/// A model the app holds (already in the scene CRS, e.g. a variant's new
/// buildings) made ready for display: batches, pick index, summary.
pub fn loaded_from_model(model: Arc<CityModel>, origin: &pw_geo::SceneOrigin) -> LoadedCity {
    let batches =
        pw_city::batch::build_batches_with(&model, origin, MAX_BATCHES_PER_LAYER, None, None)
            .unwrap_or_default();
    let index = PickIndex::build(&batches);
    let s = model.summary();
    let summary = LayerSummary {
        format: model.format.clone(),
        buildings: s.buildings,
        parts: s.building_parts,
        triangles: batches.iter().map(|b| b.triangle_count()).sum(),
        batches: batches.len(),
        ..LayerSummary::default()
    };
    LoadedCity {
        model,
        batches,
        index,
        summary,
        ..LoadedCity::empty(pw_scene::Style::default())
    }
}

/// The appearance theme to show: the scene's choice, else the model's
/// default (most textures). An unknown name is reported, not fatal.
fn choose_theme(model: &CityModel, wanted: Option<&str>) -> Option<u16> {
    match wanted {
        Some("") => None,
        Some(name) => model.theme_index(name),
        None => model.default_theme(),
    }
}

/// Packs the images the theme uses into one atlas; unreadable images are
/// reported and their surfaces fall back to colours by semantics.
fn texture_atlas(model: &mut CityModel, theme: u16) -> Option<pw_city::atlas::Atlas> {
    let mut used = vec![false; model.texture_images.len()];
    for s in model.objects.iter().flat_map(|o| &o.surfaces) {
        for l in s.looks.iter().filter(|l| l.theme == theme) {
            if let Some((i, _)) = &l.texture
                && let Some(u) = used.get_mut(*i as usize)
            {
                *u = true;
            }
        }
    }
    if !used.contains(&true) {
        return None;
    }
    let paths: Vec<Option<PathBuf>> = model
        .texture_images
        .iter()
        .zip(&used)
        .map(|(p, u)| u.then(|| p.clone()))
        .collect();
    let atlas = pw_city::atlas::build(&paths);
    let missing = atlas.missing.len();
    if missing > 0 {
        model.issues.push(pw_city::Issue::warning(
            Message::new("city.issue.textures_missing")
                .arg("missing", missing)
                .arg("count", used.iter().filter(|u| **u).count())
                .arg("first", atlas.missing.first().map(String::as_str).unwrap_or("?"))
                .english("{missing} of {count} texture images cannot be read (first: {first}); those surfaces are coloured by type"),
        ));
    }
    atlas.rects.iter().any(Option::is_some).then_some(atlas)
}

#[cfg(test)]
mod gltf_layer_tests {
    use super::*;

    fn vienna_glb_layer(georeference: Option<pw_scene::Georeference>, crs: Option<&str>) -> Layer {
        Layer {
            crs: crs.map(str::to_string),
            georeference,
            ..Layer::new("Karl-Marx-Hof", LayerKind::Gltf, "")
        }
    }

    fn load(layer: &Layer) -> Result<LoadedCity, pw_text::Message> {
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/gltf/vienna_karl-marx-hof/scene.glb");
        let origin = pw_geo::SceneOrigin::new([2300.0, 345_500.0, 6.0]);
        load_city(
            layer,
            &source,
            Crs::epsg(31256),
            &origin,
            &pw_job::JobControl::new(),
            &Default::default(),
        )
    }

    #[test]
    fn a_glb_layer_is_placed_by_kml_or_by_the_scene() {
        // CityGML envelope of the same building: 2215.83 345194.82 5.94 … 2562.77 346262.185 35.14.
        let by_kml = load(&vienna_glb_layer(None, None)).unwrap();
        let e = by_kml.model.extent();
        assert!(
            (e.min[0] - 2215.83).abs() < 0.5 && (e.max[1] - 346_262.185).abs() < 0.5,
            "{e:?}"
        );
        assert_eq!(by_kml.summary.triangles, 12_679);
        assert_eq!(
            by_kml.model.issues.len(),
            1,
            "only the Z-up guess: {:?}",
            by_kml.model.issues
        );

        // The same place given in the scene, in degrees, with the up axis stated.
        let georef = pw_scene::Georeference {
            origin: [16.362_584_3, 48.245_270_2, 5.94],
            heading: 0.026_006_8,
            scale: 1.0,
            up_axis: Some("z".into()),
        };
        let by_scene = load(&vienna_glb_layer(Some(georef.clone()), Some("EPSG:4326"))).unwrap();
        let f = by_scene.model.extent();
        for i in 0..3 {
            assert!((e.min[i] - f.min[i]).abs() < 1e-6 && (e.max[i] - f.max[i]).abs() < 1e-6);
        }
        assert!(
            by_scene.model.issues.is_empty(),
            "up axis stated, no guess: {:?}",
            by_scene.model.issues
        );

        let wrong = pw_scene::Georeference {
            up_axis: Some("x".into()),
            ..georef
        };
        let err = load(&vienna_glb_layer(Some(wrong), Some("EPSG:4326"))).unwrap_err();
        assert!(err.to_string().contains("up_axis"), "{err}");
    }
}

#[cfg(test)]
mod appearance_tests {
    use super::*;
    use crate::layers::{ActiveScene, LayerStatus, Layers, SceneCommand};

    fn berlin(theme: Option<&str>, file: &str) -> Result<LoadedCity, pw_text::Message> {
        let layer = Layer {
            appearance_theme: theme.map(str::to_string),
            ..Layer::new("Berlin", LayerKind::Citygml, "")
        };
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/citygml")
            .join(file);
        let origin = pw_geo::SceneOrigin::new([391_319.0, 5_821_717.0, 42.5]);
        load_city(
            &layer,
            &source,
            Crs::epsg(25833),
            &origin,
            &pw_job::JobControl::new(),
            &Default::default(),
        )
    }

    const TEXTURED: &str = "berlin_textured/DEB_LOD2_UUID_cda3726a-7346-4ba8-a393-90964d0c8697.gml";

    #[test]
    fn textures_go_into_one_atlas_and_batches_carry_atlas_coordinates() {
        let city = berlin(None, TEXTURED).unwrap();
        assert_eq!(city.theme.as_deref(), Some("rgbTexture"));
        let atlas = city.atlas.as_ref().expect("atlas");
        assert!(atlas.missing.is_empty(), "{:?}", atlas.missing);
        assert_eq!(atlas.rects.iter().flatten().count(), 18, "18 JPEGs");
        assert_eq!(atlas.scale, 1.0, "160 KB of JPEGs fit unscaled");
        assert_eq!(city.batches.len(), 1);
        let b = &city.batches[0];
        assert_eq!(b.uvs.len(), b.positions.len());
        let white = b.tints.iter().filter(|t| **t == [255; 4]).count();
        let by_type = b.tints.iter().filter(|t| t[3] == 0).count();
        assert!(
            white > 0 && by_type > 0,
            "textured walls and an untextured ground"
        );
        assert!(b.uvs.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn another_theme_shows_its_material_colours_and_none_shows_types() {
        // The solar themes reuse 14 of the facade textures (xlink) and colour
        // the roofs by suitability.
        let pv = berlin(Some("Eignung Photovoltaik"), TEXTURED).unwrap();
        assert_eq!(
            pv.atlas.as_ref().unwrap().rects.iter().flatten().count(),
            14
        );
        let b = &pv.batches[0];
        // X3D diffuse 0.839 0.306 0.212 → sRGB8 (214, 78, 54) on the four suitable roofs.
        let red = b.tints.iter().filter(|t| **t == [214, 78, 54, 255]).count();
        assert!(red >= 12, "{red} vertices");
        let plain = berlin(Some(""), TEXTURED).unwrap();
        assert!(plain.atlas.is_none() && plain.theme.is_none());
        assert!(plain.batches[0].tints.iter().all(|t| t[3] == 0));
    }

    #[test]
    fn choosing_another_theme_in_the_app_reloads_the_layer() {
        let dir = std::env::temp_dir().join(format!("pw-theme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let gml = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/citygml")
            .join(TEXTURED);
        let scene = dir.join("b.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"b\"\ncrs = \"EPSG:25833\"\norigin = [391319.0, 5821717.0, 42.5]\n\
                 [[layers]]\nname = \"Berlin\"\nkind = \"citygml\"\npath = {:?}\n",
                gml.display().to_string()
            ),
        )
        .unwrap();
        let mut app = crate::app::headless_app(&scene);
        let theme_is = |want: &'static str| {
            move |app: &mut App| {
                let layers = app.world().resource::<Layers>();
                layers.entries.first().is_some_and(|e| {
                    e.status == LayerStatus::Ready
                        && e.summary.as_ref().and_then(|s| s.theme.as_deref()) == Some(want)
                })
            }
        };
        crate::app::run_until(&mut app, theme_is("rgbTexture"));
        let id = app.world().resource::<Layers>().entries[0].id;
        let themes = app.world().resource::<Layers>().entries[0]
            .summary
            .as_ref()
            .unwrap()
            .themes
            .clone();
        assert_eq!(themes.len(), 3);
        app.world_mut()
            .write_message(SceneCommand::SetTheme(id, "Eignung Photovoltaik".into()));
        crate::app::run_until(&mut app, theme_is("Eignung Photovoltaik"));
        assert!(
            app.world().resource::<ActiveScene>().dirty,
            "the choice is saved with the scene"
        );
        let layers = app.world().resource::<Layers>();
        assert_eq!(
            layers.entries[0].def.appearance_theme.as_deref(),
            Some("Eignung Photovoltaik")
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn missing_texture_images_are_reported_and_fall_back_to_colours() {
        let city = berlin(None, "citygml3/Berlin_Moabit_1Bldg_v3.gml").unwrap();
        assert!(city.atlas.is_none());
        assert!(
            city.model.issues.iter().any(|i| i
                .message
                .to_string()
                .contains("texture images cannot be read")),
            "{:?}",
            city.model.issues
        );
    }
}
