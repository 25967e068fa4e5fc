//! A scene file read without a window, as the app loads it: the scenario
//! the command line analyses (every visible city, vector and DEM layer, as
//! the window's scenario has them; streamed 3D Tiles are left out with a
//! note).

use crate::layers::city::load_city;
use crate::layers::terrain::load_dem;
use crate::layers::vector::load_vector;
use pw_analysis::scenario::{InputStamp, Scenario, ScenarioLayer};
use pw_geo::Crs;
use pw_geo::elevation::TerrainStack;
use pw_scene::{LayerKind, Scene};
use std::path::Path;
use std::sync::Arc;

/// Loads the scene's visible city, vector and terrain layers into a
/// scenario named "Bestand" (no edits).
pub fn load(scene: &Scene, scene_path: &Path) -> anyhow::Result<Scenario> {
    let crs = Crs::parse(&scene.crs)?;
    let origin = pw_geo::SceneOrigin::new(scene.origin);
    let control = pw_job::JobControl::default();
    let mut out = Scenario::new("Bestand", super::site_of(scene));
    out.view_corridors = super::view_corridors_of(scene);
    // Hand counts only: sensors are the window's (and `sensors history`'s).
    out.traffic = super::traffic::traffic_inputs_of(scene, Some(scene_path), None, 0);
    let mut stack = TerrainStack::default();
    for layer in scene
        .layers
        .iter()
        .filter(|l| l.visible && l.kind == LayerKind::Dem)
    {
        let source = Scene::resolve_path(scene_path, &layer.path);
        let loaded =
            load_dem(layer, &source, crs, &origin, &control).map_err(|e| anyhow::anyhow!(e))?;
        stack.layers.extend(loaded.terrain.clone());
        out.terrain_inputs.push(InputStamp::of(&source));
    }
    // City models first: where there is no terrain, vector layers lie on
    // the ground they stand on (as in the window), so it must be known.
    let visible: Vec<&pw_scene::Layer> = scene.layers.iter().filter(|l| l.visible).collect();
    let mut loaded: Vec<Option<ScenarioLayer>> = vec![None; visible.len()];
    let mut city_bases = pw_geo::Extent3::EMPTY;
    for (i, layer) in visible.iter().enumerate() {
        let source = Scene::resolve_path(scene_path, &layer.path);
        match layer.kind {
            LayerKind::Citygml | LayerKind::Cityjson | LayerKind::Gltf => {
                let city = load_city(layer, &source, crs, &origin, &control, &stack)
                    .map_err(|e| anyhow::anyhow!(e))?;
                if stack.is_empty() {
                    // A CityGML relief (TIN) is terrain for the analysis too.
                    stack.layers.extend(city.terrain.clone());
                }
                if let Some(e) = city.extent(&origin) {
                    city_bases.union(&e);
                }
                loaded[i] = Some(ScenarioLayer {
                    name: layer.name.clone(),
                    model: city.model.clone(),
                    input: Some(InputStamp::of(&source)),
                });
            }
            LayerKind::Tiles3d => out.notes.push(format!(
                "{}: 3D Tiles layers stream by view and are not part of a headless run; analyse them in the workbench",
                layer.name
            )),
            _ => {}
        }
    }
    let ground = if city_bases.is_empty() {
        origin.world[2]
    } else {
        city_bases.min[2] - crate::layers::GROUND_BELOW_BASES
    };
    for (i, layer) in visible.iter().enumerate() {
        if layer.kind != LayerKind::Vector {
            continue;
        }
        if layer.service.is_some() {
            out.notes.push(format!(
                "{}: a service layer loads the area in view and is not part of a headless run; analyse it in the workbench",
                layer.name
            ));
            continue;
        }
        let source = Scene::resolve_path(scene_path, &layer.path);
        // A vector layer that cannot be read is left out with a note, as
        // the window marks it and goes on.
        match load_vector(layer, &source, crs, &origin, &control, &stack, ground) {
            Ok(v) => {
                loaded[i] = Some(ScenarioLayer {
                    name: layer.name.clone(),
                    model: v.model.clone(),
                    input: Some(InputStamp::of(&source)),
                })
            }
            Err(e) => out.notes.push(format!("{}: left out: {e}", layer.name)),
        }
    }
    out.layers.extend(loaded.into_iter().flatten());
    if !stack.is_empty() {
        out.terrain = Some(Arc::new(stack));
    }
    Ok(out)
}

/// Turns the "Bestand" scenario into the named variant of the scene's plan
/// file: its demolitions, moves and new buildings (on the scenario's
/// terrain, else at the scene origin's height).
pub fn apply_variant(scenario: &mut Scenario, scene_path: &Path, name: &str) -> anyhow::Result<()> {
    let plan_path = pw_plan::PlanFile::path_for(scene_path);
    let plan = pw_plan::PlanFile::load(&plan_path)?;
    let variant = plan.get(name).ok_or_else(|| {
        let names: Vec<&str> = plan.variants.iter().map(|v| v.name.as_str()).collect();
        anyhow::anyhow!(
            "{}: no variant {name:?}; there are: {}",
            plan_path.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )
    })?;
    for p in variant.problems() {
        scenario.notes.push(format!("{name}: {p}"));
    }
    for p in variant.tree_problems() {
        scenario.notes.push(format!("{name}: {p}"));
    }
    let terrain = scenario.terrain.clone();
    let fallback = scenario.site.origin[2];
    // Designs read from their files (beside the scene), in the scene CRS.
    let mut loaded = std::collections::HashMap::new();
    for d in &variant.designs {
        let path = pw_scene::Scene::resolve_path(scene_path, &d.path.to_string_lossy());
        match pw_plan::design::load(&path, scenario.site.crs, scenario.site.origin) {
            Ok(l) => {
                scenario
                    .notes
                    .extend(l.notes.iter().map(|n| format!("{name}: {n}")));
                loaded.insert(d.id.clone(), Arc::new(l));
            }
            Err(e) => scenario.notes.push(format!("{name}: {e}")),
        }
    }
    let (edits, problems) = variant.edits_with_designs(
        &|x, y| {
            terrain
                .as_ref()
                .and_then(|t| t.height_at(x, y))
                .unwrap_or(fallback)
        },
        &|d| loaded.get(&d.id).cloned(),
    );
    scenario
        .notes
        .extend(problems.iter().map(|p| format!("{name}: {p}")));
    scenario.edits = edits;
    scenario.name = name.to_string();
    Ok(())
}
