//! Draws DEM layers with level of detail: each frame the view picks the
//! quadtree nodes it needs (`pw_terrain::lod`), missing node meshes are
//! built on the async compute pool (a few at a time, coarse and near
//! first), and a node is only replaced by its children once all of them
//! are ready — the terrain never shows holes while it refines. Nodes out
//! of use are kept for a while (flying back is instant), then dropped.

use crate::layers::city_draw::{CityLayerSystems, CityLayers, SurfacePalette};
use crate::layers::{LayerId, Layers};
use crate::view::camera::{FIELD_OF_VIEW_DEG, OrbitCamera};
use crate::view::frame::{bevy_to_enu, enu_dir_to_bevy, enu_to_bevy};
use bevy::asset::RenderAssetUsages;
use bevy::camera::primitives::{Aabb, Frustum};
use bevy::camera::visibility::NoAutoAabb;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, futures_lite::future};
use pw_city::Semantic;
use pw_terrain::lod::{LodTerrain, NodeId, View};
use std::collections::HashMap;
use std::sync::Arc;

/// Largest geometric error on screen before a node is replaced by its
/// children, in pixels.
const MAX_PIXEL_ERROR: f32 = 2.0;
/// Largest quad edge on screen whatever the error (flat ground near the
/// camera stays fine enough for shading and shadows), in pixels.
const MAX_QUAD_PIXELS: f32 = 40.0;
/// Node meshes built at the same time.
const IN_FLIGHT: usize = 4;
/// Node meshes kept (drawn or not) before the least recently drawn go.
const KEEP_NODES: usize = 400;

/// What the terrain view draws now (for the status line, tests, benches).
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct TerrainLodStats {
    pub drawn: usize,
    pub triangles: usize,
    pub building: usize,
    /// Nodes the view still waits for (built or not started).
    pub wanted: usize,
    pub kept: usize,
    /// Finest and coarsest level drawn.
    pub levels: Option<(u8, u8)>,
}

/// One node's entity.
#[derive(Component, Debug, Clone, Copy)]
pub struct TerrainNode {
    pub layer: LayerId,
    pub node: NodeId,
}

struct Built {
    entity: Entity,
    triangles: usize,
    /// Geometric error of the node's mesh (metres).
    error: f32,
    last_drawn: u64,
}

struct LayerNodes {
    lod: Arc<LodTerrain>,
    built: HashMap<NodeId, Built>,
    building: HashMap<NodeId, Task<(Mesh, usize, f32)>>,
}

#[derive(Resource, Default)]
struct TerrainLodState {
    layers: HashMap<LayerId, LayerNodes>,
    frame: u64,
}

pub struct TerrainLodPlugin;

impl Plugin for TerrainLodPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<TerrainLodState>()
            .init_resource::<TerrainLodStats>()
            .add_systems(Update, update_terrain_lod.after(CityLayerSystems));
    }
}

#[allow(clippy::too_many_arguments)]
fn update_terrain_lod(
    mut commands: Commands,
    mut state: ResMut<TerrainLodState>,
    mut stats: ResMut<TerrainLodStats>,
    city: Res<CityLayers>,
    layers: Res<Layers>,
    view_area: Option<Res<crate::view::compare::ViewArea>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut meshes: ResMut<Assets<Mesh>>,
    cameras: Query<(&OrbitCamera, Option<&Frustum>)>,
    mut visibility: Query<&mut Visibility, With<TerrainNode>>,
) {
    state.frame += 1;
    let frame = state.frame;
    // Layers gone or replaced (reloaded): drop their nodes.
    state.layers.retain(|id, nodes| {
        let same = city
            .layers
            .get(id)
            .and_then(|l| l.city.terrain_lod.as_ref())
            .is_some_and(|lod| Arc::ptr_eq(lod, &nodes.lod));
        if !same {
            for b in nodes.built.values() {
                commands.entity(b.entity).despawn();
            }
        }
        same
    });
    for (id, layer) in &city.layers {
        if let Some(lod) = &layer.city.terrain_lod {
            state.layers.entry(*id).or_insert_with(|| LayerNodes {
                lod: lod.clone(),
                built: HashMap::new(),
                building: HashMap::new(),
            });
        }
    }
    let Ok((orbit, frustum)) = cameras.single() else {
        return;
    };
    // The 3D view's height in logical pixels (the part of the window the
    // panels leave): the error allowed is measured in them.
    let scale = windows.single().map(|w| w.scale_factor()).unwrap_or(1.0);
    let view_height = view_area
        .and_then(|a| a.0.map(|(_, size)| size.y as f32 / scale))
        .unwrap_or(800.0)
        .max(100.0);
    let view = View {
        eye: bevy_to_enu(orbit.eye()),
        focal_px: view_height / (2.0 * (FIELD_OF_VIEW_DEG * 0.5).to_radians().tan()),
        max_px: MAX_PIXEL_ERROR,
        max_quad_px: MAX_QUAD_PIXELS,
        frustum: frustum
            .map(|f| {
                f.half_spaces
                    .iter()
                    .map(|h| {
                        let v = h.normal_d();
                        let n = bevy_to_enu(v.truncate());
                        [n[0], n[1], n[2], v.w]
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut in_flight: usize = state.layers.values().map(|l| l.building.len()).sum();
    let mut summary = TerrainLodStats::default();
    for (id, nodes) in state.layers.iter_mut() {
        let Some(layer) = city.layers.get(id) else {
            continue;
        };
        let shown = layer.shown && layers.get(layer.owner).is_some_and(|e| e.shown());
        // Finished meshes become (hidden) entities.
        let done: Vec<NodeId> = nodes
            .building
            .iter_mut()
            .filter_map(|(n, task)| block_on(future::poll_once(task)).map(|r| (*n, r)))
            .map(|(n, (mesh, triangles, error))| {
                let bounds = nodes.lod.bounds(n).expect("built nodes have data");
                let (a, b) = (enu_to_bevy(bounds.min), enu_to_bevy(bounds.max));
                let entity = commands
                    .spawn((
                        Name::new(format!("terrain {} {}/{}", n.level, n.x, n.y)),
                        Mesh3d(meshes.add(mesh)),
                        MeshMaterial3d(layer.material.clone()),
                        Transform::IDENTITY,
                        Visibility::Hidden,
                        Aabb::from_min_max(a.min(b), a.max(b)),
                        NoAutoAabb,
                        TerrainNode {
                            layer: *id,
                            node: n,
                        },
                    ))
                    .id();
                nodes.built.insert(
                    n,
                    Built {
                        entity,
                        triangles,
                        error,
                        last_drawn: 0,
                    },
                );
                n
            })
            .collect();
        in_flight -= done.len();
        for n in done {
            nodes.building.remove(&n);
        }
        let built = &nodes.built;
        let selection = nodes.lod.select(&view, &|n| built.get(&n).map(|b| b.error));
        for n in &selection.draw {
            if let Some(b) = nodes.built.get_mut(n) {
                b.last_drawn = frame;
                summary.drawn += 1;
                summary.triangles += b.triangles;
                summary.levels = Some(summary.levels.map_or((n.level, n.level), |(lo, hi)| {
                    (lo.min(n.level), hi.max(n.level))
                }));
            }
        }
        for b in nodes.built.values() {
            let want = if shown && b.last_drawn == frame {
                Visibility::Visible
            } else {
                Visibility::Hidden
            };
            match visibility.get_mut(b.entity) {
                Ok(mut v) if *v != want => *v = want,
                Ok(_) => {}
                // Spawned this frame: not queryable yet.
                Err(_) => {
                    commands.entity(b.entity).insert(want);
                }
            }
        }
        // Build what the view asks for next.
        summary.wanted += selection.wanted.len();
        for n in selection.wanted {
            if in_flight >= IN_FLIGHT {
                break;
            }
            if nodes.building.contains_key(&n) || nodes.built.contains_key(&n) {
                continue;
            }
            let lod = nodes.lod.clone();
            let palette = layer.palette;
            nodes.building.insert(
                n,
                AsyncComputeTaskPool::get().spawn(async move { node_mesh(&lod, n, &palette) }),
            );
            in_flight += 1;
        }
        // Forget the least recently drawn nodes beyond the budget.
        if nodes.built.len() > KEEP_NODES {
            let mut idle: Vec<(u64, NodeId)> = nodes
                .built
                .iter()
                .filter(|(_, b)| b.last_drawn != frame)
                .map(|(n, b)| (b.last_drawn, *n))
                .collect();
            idle.sort();
            for (_, n) in idle.into_iter().take(nodes.built.len() - KEEP_NODES) {
                if let Some(b) = nodes.built.remove(&n) {
                    commands.entity(b.entity).despawn();
                }
            }
        }
        summary.building += nodes.building.len();
        summary.kept += nodes.built.len();
    }
    if *stats != summary {
        *stats = summary;
    }
}

/// A node's mesh in Bevy axes, with its triangle count and geometric
/// error. The main world drops its copy once uploaded (bounds are given,
/// nothing reads it back).
fn node_mesh(lod: &LodTerrain, n: NodeId, palette: &SurfacePalette) -> (Mesh, usize, f32) {
    let chunk = lod.node_mesh(n);
    let colour = palette.vertex_color(Semantic::Ground, Some(&crate::layers::terrain::TERRAIN));
    let count = chunk.positions.len();
    let positions: Vec<[f32; 3]> = chunk
        .positions
        .iter()
        .map(|p| enu_to_bevy(*p).to_array())
        .collect();
    let normals: Vec<[f32; 3]> = chunk
        .normals
        .iter()
        .map(|v| enu_dir_to_bevy(*v).to_array())
        .collect();
    let triangles = chunk.indices.len() / 3;
    let indices = if count <= u16::MAX as usize {
        Indices::U16(chunk.indices.iter().map(|&i| i as u16).collect())
    } else {
        Indices::U32(chunk.indices)
    };
    let mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, vec![colour; count])
    .with_inserted_indices(indices);
    (mesh, triangles, lod.geometric_error(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};
    use crate::layers::{LayerStatus, SceneCommand};

    /// The DFW DEM (367 × 359 cells of 3″ in EPSG:4326, 147…298 m) in a
    /// UTM 14N scene: the tree is built through a reprojection.
    fn dfw_scene(dir: &std::path::Path) -> std::path::PathBuf {
        let dem = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/dem/pysheds/dem.tif");
        let scene = dir.join("t.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:32614\"\norigin = [656400.0, 3616155.0, 200.0]\n\
                 [[layers]]\nname = \"DFW\"\nkind = \"dem\"\npath = {:?}\n",
                dem.display().to_string()
            ),
        )
        .unwrap();
        scene
    }

    /// Pitch in degrees above the horizon.
    fn place_camera(app: &mut App, target: Vec3, distance: f32, pitch: f32) {
        let mut q = app.world_mut().query::<&mut OrbitCamera>();
        let mut o = q.single_mut(app.world_mut()).unwrap();
        o.target = target;
        o.distance = distance;
        o.pitch = pitch;
    }

    fn settled(app: &mut App) -> TerrainLodStats {
        app.update(); // the stats of the new view, not the last one
        run_until(app, |app| {
            let s = app.world().resource::<TerrainLodStats>();
            s.drawn > 0 && s.building == 0 && s.wanted == 0
        });
        // One more frame: the last built nodes are swapped in.
        app.update();
        app.world().resource::<TerrainLodStats>().clone()
    }

    fn visible_nodes(app: &mut App) -> Vec<NodeId> {
        let mut q = app
            .world_mut()
            .query::<(&TerrainNode, &Visibility, &Aabb)>();
        q.iter(app.world())
            .filter(|(_, v, _)| **v == Visibility::Visible)
            .map(|(n, _, _)| n.node)
            .collect()
    }

    /// The drawn nodes tile the grid's quads exactly once.
    fn assert_tiles_the_grid(app: &mut App) {
        let shown = visible_nodes(app);
        let city = app.world().resource::<CityLayers>();
        let lod = city
            .layers
            .values()
            .find_map(|l| l.city.terrain_lod.clone())
            .unwrap();
        let (w, h) = (lod.grid().width - 1, lod.grid().height - 1);
        let mut covered = vec![0u8; w * h];
        for n in &shown {
            let (c0, c1, r0, r1) = lod.span(*n);
            for r in r0..r1 {
                for c in c0..c1 {
                    covered[r * w + c] += 1;
                }
            }
        }
        assert!(covered.iter().all(|&k| k == 1));
    }

    #[test]
    fn the_view_refines_near_the_camera_and_coarsens_away() {
        let dir = std::env::temp_dir().join(format!("pw-lod-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut app = headless_app(&dfw_scene(&dir));
        run_until(&mut app, |app| {
            let l = app.world().resource::<Layers>();
            l.entries.iter().all(|e| e.status == LayerStatus::Ready) && !l.terrain.is_empty()
        });
        // 128-cell nodes: 3 × 3 at full resolution, 2 × 2, one root.
        // Low over the north-west corner: full resolution there.
        let nw = Vec3::new(-13_000.0, 0.0, -15_000.0);
        place_camera(&mut app, nw, 800.0, 17.0);
        let low = settled(&mut app);
        assert_eq!(low.levels.unwrap().0, 0, "{low:?}");
        assert_eq!(visible_nodes(&mut app).len(), low.drawn);
        assert_tiles_the_grid(&mut app);
        // From 13.6 km south of the centre, 2 km up: the south in more
        // detail than the north, still no gaps.
        place_camera(&mut app, Vec3::new(0.0, 0.0, 8_000.0), 6_000.0, 20.0);
        let mid = settled(&mut app);
        let (fine, coarse) = mid.levels.unwrap();
        assert!(fine < coarse, "{mid:?}");
        assert_tiles_the_grid(&mut app);
        // 60 km straight above: the root alone, a fraction of the triangles.
        place_camera(&mut app, Vec3::ZERO, 60_000.0, 89.0);
        let high = settled(&mut app);
        assert_eq!((high.levels, high.drawn), (Some((2, 2)), 1), "{high:?}");
        assert!(high.triangles * 4 < low.triangles, "{high:?} vs {low:?}");
        assert_tiles_the_grid(&mut app);
        // Hiding the layer hides every node; removing it despawns them.
        let id = app.world().resource::<Layers>().entries[0].id;
        app.world_mut()
            .write_message(SceneCommand::SetVisible(id, false));
        app.update();
        app.update();
        assert!(visible_nodes(&mut app).is_empty());
        app.world_mut().write_message(SceneCommand::Remove(id));
        run_until(&mut app, |app| {
            let mut q = app.world_mut().query::<&TerrainNode>();
            q.iter(app.world()).count() == 0
        });
        std::fs::remove_dir_all(&dir).ok();
    }
}
