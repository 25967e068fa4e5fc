//! City layers on screen: each loaded model becomes a few batched meshes
//! (one per batch, one draw call each) sharing one material per layer.
//! Selection highlight and hiding single buildings rewrite vertex colours
//! and positions inside the batch instead of splitting it.

use crate::layers::{LayerId, LayerLoaded, LayerRemoved, Layers, LoadedCity};
use crate::view::drape::Draped;
use crate::view::frame::{enu_dir_to_bevy, enu_to_bevy};
use bevy::asset::RenderAssetUsages;
use bevy::light::NotShadowCaster;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use pw_city::Semantic;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Default surface colours (sRGB): roof red-brown, walls light, ground grey.
pub const ROOF: [f32; 3] = [0.66, 0.30, 0.22];
pub const WALL: [f32; 3] = [0.92, 0.90, 0.85];
pub const GROUND: [f32; 3] = [0.55, 0.55, 0.55];
pub const HIGHLIGHT: [f32; 3] = [1.0, 0.78, 0.0];
pub const TRAFFIC: [f32; 3] = [0.47, 0.47, 0.50];
pub const WATER: [f32; 3] = [0.33, 0.55, 0.82];
pub const VEGETATION: [f32; 3] = [0.36, 0.58, 0.30];
pub const LAND_USE: [f32; 3] = [0.82, 0.80, 0.66];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurfacePalette {
    pub roof: [f32; 3],
    pub wall: [f32; 3],
    pub ground: [f32; 3],
}

impl SurfacePalette {
    pub fn from_style(style: &pw_scene::Style) -> Self {
        let pick = |c: &Option<String>, d| {
            c.as_deref()
                .and_then(pw_scene::parse_hex_color)
                .unwrap_or(d)
        };
        SurfacePalette {
            roof: pick(&style.roof_color, ROOF),
            wall: pick(&style.wall_color, WALL),
            ground: pick(&style.ground_color, GROUND),
        }
    }

    /// Vertex colour: the appearance tint when there is one, else by semantics.
    pub fn vertex_color(&self, s: Semantic, tint: Option<&[u8; 4]>) -> [f32; 4] {
        match tint {
            Some(t) if t[3] > 0 => {
                let l = Color::srgba_u8(t[0], t[1], t[2], t[3]).to_linear();
                [l.red, l.green, l.blue, l.alpha]
            }
            _ => linear(self.color(s)),
        }
    }

    pub fn color(&self, s: Semantic) -> [f32; 3] {
        match s {
            Semantic::Roof => self.roof,
            Semantic::Ground | Semantic::OuterFloor => self.ground,
            Semantic::Traffic => TRAFFIC,
            Semantic::Water => WATER,
            Semantic::Vegetation => VEGETATION,
            Semantic::LandUse => LAND_USE,
            _ => self.wall,
        }
    }
}

/// Vertex colours are linear RGBA; palettes are written in sRGB.
fn linear(c: [f32; 3]) -> [f32; 4] {
    let l = Color::srgb(c[0], c[1], c[2]).to_linear();
    [l.red, l.green, l.blue, 1.0]
}

/// A city layer as displayed (or one tile of a streamed layer).
pub struct CityLayer {
    /// The scene layer this belongs to: itself, or a tileset for a tile.
    pub owner: LayerId,
    /// False while a streamed tile is loaded but not wanted for the view.
    pub shown: bool,
    pub city: Arc<LoadedCity>,
    pub meshes: Vec<Handle<Mesh>>,
    pub entities: Vec<Entity>,
    pub material: Handle<StandardMaterial>,
    pub palette: SurfacePalette,
    pub hidden: HashSet<usize>,
    /// (batch, slot in batch.objects) of each object, for fast lookup.
    pub slots: HashMap<usize, (usize, usize)>,
}

#[derive(Resource, Default)]
pub struct CityLayers {
    pub layers: HashMap<LayerId, CityLayer>,
}

/// The object under the last click: layer and object index in its model.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Selection {
    pub picked: Option<(LayerId, usize)>,
}

/// Marks the entity of one batch.
#[derive(Component, Debug, Clone, Copy)]
pub struct CityBatch {
    pub layer: LayerId,
    pub batch: usize,
}

#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub enum BuildingCommand {
    Hide(LayerId, usize),
    ShowAll(LayerId),
}

/// Turning loaded layers into meshes and keeping them in sync.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct CityLayerSystems;

pub struct CityLayerPlugin;

impl Plugin for CityLayerPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<CityLayers>()
            .init_resource::<Selection>()
            .add_message::<BuildingCommand>()
            .add_systems(
                Update,
                (
                    spawn_loaded,
                    despawn_removed,
                    sync_visibility_and_opacity,
                    building_commands,
                    highlight_selection,
                    sync_outlines,
                )
                    .chain()
                    .in_set(CityLayerSystems)
                    .after(crate::layers::LayersSystems),
            );
    }
}

fn batch_mesh(batch: &pw_city::batch::Batch, palette: &SurfacePalette) -> Mesh {
    let positions: Vec<[f32; 3]> = batch
        .positions
        .iter()
        .map(|p| enu_to_bevy(*p).to_array())
        .collect();
    let normals: Vec<[f32; 3]> = batch
        .normals
        .iter()
        .map(|n| enu_dir_to_bevy(*n).to_array())
        .collect();
    let colors: Vec<[f32; 4]> = batch
        .semantics
        .iter()
        .enumerate()
        .map(|(i, s)| palette.vertex_color(*s, batch.tints.get(i)))
        .collect();
    let mut mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colors)
    .with_inserted_indices(Indices::U32(batch.indices.clone()));
    if batch.uvs.len() == batch.positions.len() && !batch.uvs.is_empty() {
        mesh.insert_attribute(Mesh::ATTRIBUTE_UV_0, batch.uvs.clone());
    }
    mesh
}

fn point_mesh(points: &[([f64; 3], [u8; 4])], origin: &pw_geo::SceneOrigin) -> Mesh {
    let positions: Vec<[f32; 3]> = points
        .iter()
        .map(|(p, _)| enu_to_bevy(origin.to_local(*p)).to_array())
        .collect();
    let colors: Vec<[f32; 4]> = points
        .iter()
        .map(|(_, c)| {
            let l = Color::srgba_u8(c[0], c[1], c[2], c[3]).to_linear();
            [l.red, l.green, l.blue, l.alpha]
        })
        .collect();
    Mesh::new(
        PrimitiveTopology::PointList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colors)
}

/// Outlines of a vector layer's polygons. Retained gizmos ignore
/// `Visibility`, so [`sync_outlines`] adds and removes the `Gizmo`.
#[derive(Component, Debug, Clone)]
pub struct OutlineLines(pub Handle<GizmoAsset>);

fn sync_outlines(
    mut commands: Commands,
    outlines: Query<(Entity, &OutlineLines, &Visibility, Has<Gizmo>)>,
) {
    for (entity, lines, visibility, drawn) in &outlines {
        let want = *visibility != Visibility::Hidden;
        if want && !drawn {
            commands.entity(entity).insert(Gizmo {
                handle: lines.0.clone(),
                line_config: GizmoLineConfig {
                    width: 1.5,
                    ..default()
                },
                depth_bias: -0.0005,
            });
        } else if !want && drawn {
            commands.entity(entity).remove::<Gizmo>();
        }
    }
}

/// The layer's texture atlas as a GPU image (sRGB).
fn atlas_image(atlas: &pw_city::atlas::Atlas) -> Image {
    use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
    Image::new(
        Extent3d {
            width: atlas.width,
            height: atlas.height,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        atlas.rgba.clone(),
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    )
}

fn layer_material(opacity: f32, texture: Option<Handle<Image>>) -> StandardMaterial {
    StandardMaterial {
        base_color: Color::srgba(1.0, 1.0, 1.0, opacity),
        base_color_texture: texture,
        perceptual_roughness: 0.92,
        reflectance: 0.2,
        // LoD2 data mixes polygon orientations; show both sides, lit correctly.
        double_sided: true,
        cull_mode: None,
        alpha_mode: if opacity < 1.0 {
            AlphaMode::Blend
        } else {
            AlphaMode::Opaque
        },
        ..default()
    }
}

/// What every extra entity of a layer (points, outlines, symbols) carries
/// besides its drawing: a name, a place in the world frame, and the mark
/// that lets visibility follow the layer.
pub fn layer_part(name: String, layer: LayerId, visibility: Visibility) -> impl Bundle {
    (
        Name::new(name),
        Transform::IDENTITY,
        visibility,
        CityBatch {
            layer,
            batch: usize::MAX,
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn spawn_loaded(
    mut commands: Commands,
    mut loaded: MessageReader<LayerLoaded>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
    // Absent in headless runs (no gizmo plugin): no outlines there.
    mut gizmo_assets: Option<ResMut<Assets<GizmoAsset>>>,
    mut city_layers: ResMut<CityLayers>,
    layers: Res<Layers>,
    frame: Res<crate::view::frame::SceneFrame>,
) {
    for msg in loaded.read() {
        let Some(entry) = layers.get(msg.owner) else {
            continue;
        };
        let palette = SurfacePalette::from_style(&msg.city.style);
        let texture = msg.city.atlas.as_ref().map(|a| images.add(atlas_image(a)));
        let material = materials.add(layer_material(entry.def.opacity, texture.clone()));
        let visibility = if entry.shown() && msg.id == msg.owner {
            Visibility::Visible
        } else {
            Visibility::Hidden
        };
        let mut handles = Vec::new();
        let mut entities = Vec::new();
        let mut slots = HashMap::new();
        for (b, batch) in msg.city.batches.iter().enumerate() {
            for (slot, o) in batch.objects.iter().enumerate() {
                slots.insert(o.object, (b, slot));
            }
            if msg.city.terrain_lod.is_some() {
                continue; // drawn by terrain_lod; the batches serve the pointer
            }
            let handle = meshes.add(batch_mesh(batch, &palette));
            let mut spawned = commands.spawn((
                Name::new(format!("{} #{b}", entry.def.name)),
                Mesh3d(handle.clone()),
                MeshMaterial3d(material.clone()),
                Transform::IDENTITY,
                visibility,
                CityBatch {
                    layer: msg.id,
                    batch: b,
                },
            ));
            // Features laid on the ground keep above it at any distance and
            // cast no shadow (a surface 0.3 m over the ground only darkens
            // it in stripes); extruded ones and trees stand and cast.
            if msg.city.vector.as_ref().is_some_and(|v| v.on_ground)
                && pw_city::batch::batch_lies_flat(batch, &msg.city.model)
            {
                spawned.insert((Draped::Feature, NotShadowCaster));
            }
            let entity = spawned.id();
            handles.push(handle);
            entities.push(entity);
        }
        // Point clouds: one point list, unlit, in the colours as measured.
        if !msg.city.model.points.is_empty() {
            let mesh = point_mesh(&msg.city.model.points, &frame.origin);
            let material = materials.add(StandardMaterial {
                base_color: Color::WHITE,
                unlit: true,
                ..default()
            });
            let entity = commands
                .spawn((
                    layer_part(format!("{} points", entry.def.name), msg.id, visibility),
                    Mesh3d(meshes.add(mesh)),
                    MeshMaterial3d(material),
                ))
                .id();
            entities.push(entity);
        }
        // Polygon outlines: one retained gizmo (1.5 px wide at any
        // distance, pulled in front of the draped fill).
        if let (Some(v), Some(gizmo_assets)) = (
            msg.city.vector.as_ref().filter(|v| !v.outlines.is_empty()),
            gizmo_assets.as_mut(),
        ) {
            let mut asset = GizmoAsset::new();
            for ring in &v.outlines {
                asset.linestrip(
                    ring.iter().map(|p| enu_to_bevy(frame.origin.to_local(*p))),
                    Color::srgb(0.25, 0.25, 0.25),
                );
            }
            let entity = commands
                .spawn((
                    layer_part(format!("{} outlines", entry.def.name), msg.id, visibility),
                    OutlineLines(gizmo_assets.add(asset)),
                ))
                .id();
            entities.push(entity);
        }
        if let Some(old) = city_layers.layers.insert(
            msg.id,
            CityLayer {
                owner: msg.owner,
                shown: msg.id == msg.owner,
                city: msg.city.clone(),
                meshes: handles,
                entities,
                material,
                palette,
                hidden: HashSet::new(),
                slots,
            },
        ) {
            for e in old.entities {
                commands.entity(e).despawn();
            }
        }
    }
}

fn despawn_removed(
    mut commands: Commands,
    mut removed: MessageReader<LayerRemoved>,
    mut city_layers: ResMut<CityLayers>,
    mut selection: ResMut<Selection>,
) {
    for LayerRemoved(id) in removed.read() {
        // The layer itself and, for a tileset, all its tiles.
        let gone: Vec<LayerId> = city_layers
            .layers
            .iter()
            .filter(|(k, l)| *k == id || l.owner == *id)
            .map(|(k, _)| *k)
            .collect();
        for key in gone {
            if let Some(layer) = city_layers.layers.remove(&key) {
                for e in layer.entities {
                    commands.entity(e).despawn();
                }
            }
            if selection.picked.is_some_and(|(l, _)| l == key) {
                selection.picked = None;
            }
        }
    }
}

fn sync_visibility_and_opacity(
    layers: Res<Layers>,
    city_layers: Res<CityLayers>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut batches: Query<(&CityBatch, &mut Visibility)>,
) {
    if !layers.is_changed() && !city_layers.is_changed() {
        return;
    }
    for (batch, mut vis) in &mut batches {
        let Some(layer) = city_layers.layers.get(&batch.layer) else {
            continue;
        };
        if let Some(entry) = layers.get(layer.owner) {
            let want = if entry.shown() && layer.shown {
                Visibility::Visible
            } else {
                Visibility::Hidden
            };
            if *vis != want {
                *vis = want;
            }
        }
    }
    for layer in city_layers.layers.values() {
        let Some(entry) = layers.get(layer.owner) else {
            continue;
        };
        if let Some(m) = materials.get(&layer.material)
            && (m.base_color.alpha() - entry.def.opacity).abs() > 1e-4
        {
            let texture = m.base_color_texture.clone();
            let _ = materials.insert(&layer.material, layer_material(entry.def.opacity, texture));
        }
    }
}

/// Runs `edit` on the batch mesh holding `object`, with the batch and the
/// object's vertex range in it.
fn edit_object_vertices(
    layer: &CityLayer,
    meshes: &mut Assets<Mesh>,
    object: usize,
    edit: impl FnOnce(&mut Mesh, &pw_city::batch::Batch, std::ops::Range<u32>),
) {
    let Some(&(b, slot)) = layer.slots.get(&object) else {
        return;
    };
    let batch = &layer.city.batches[b];
    let range = batch.objects[slot].vertices.clone();
    if let Some(mut mesh) = meshes.get_mut(&layer.meshes[b]) {
        edit(&mut mesh, batch, range);
    }
}

/// Rewrites one object's vertex colours (highlight) inside its batch mesh.
fn paint_object(layer: &CityLayer, meshes: &mut Assets<Mesh>, object: usize, highlight: bool) {
    edit_object_vertices(layer, meshes, object, |mesh, batch, range| {
        if let Some(bevy::mesh::VertexAttributeValues::Float32x4(colors)) =
            mesh.attribute_mut(Mesh::ATTRIBUTE_COLOR)
        {
            for v in range {
                let v = v as usize;
                colors[v] = if highlight {
                    linear(HIGHLIGHT)
                } else {
                    layer
                        .palette
                        .vertex_color(batch.semantics[v], batch.tints.get(v))
                };
            }
        }
    });
}

/// Collapses (hides) or restores one object's vertices inside its batch.
fn set_object_hidden(layer: &CityLayer, meshes: &mut Assets<Mesh>, object: usize, hidden: bool) {
    edit_object_vertices(layer, meshes, object, |mesh, batch, range| {
        if let Some(bevy::mesh::VertexAttributeValues::Float32x3(positions)) =
            mesh.attribute_mut(Mesh::ATTRIBUTE_POSITION)
        {
            let anchor = enu_to_bevy(batch.positions[range.start as usize]).to_array();
            for v in range {
                positions[v as usize] = if hidden {
                    anchor
                } else {
                    enu_to_bevy(batch.positions[v as usize]).to_array()
                };
            }
        }
    });
}

/// All objects belonging to the same building as `object` (itself, its
/// parent and the parent's other parts).
pub fn building_family(model: &pw_city::CityModel, object: usize) -> Vec<usize> {
    let root = model
        .objects
        .get(object)
        .and_then(|o| o.parent)
        .unwrap_or(object);
    let mut family = vec![root];
    family.extend(
        model
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| o.parent == Some(root))
            .map(|(i, _)| i),
    );
    family
}

fn building_commands(
    mut reader: MessageReader<BuildingCommand>,
    mut city_layers: ResMut<CityLayers>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut selection: ResMut<Selection>,
) {
    for cmd in reader.read() {
        match *cmd {
            BuildingCommand::Hide(id, object) => {
                let Some(layer) = city_layers.layers.get_mut(&id) else {
                    continue;
                };
                for o in building_family(&layer.city.model, object) {
                    set_object_hidden(layer, &mut meshes, o, true);
                    layer.hidden.insert(o);
                }
                if selection.picked.is_some_and(|(l, _)| l == id) {
                    selection.picked = None;
                }
            }
            BuildingCommand::ShowAll(id) => {
                let Some(layer) = city_layers.layers.get_mut(&id) else {
                    continue;
                };
                for o in std::mem::take(&mut layer.hidden) {
                    set_object_hidden(layer, &mut meshes, o, false);
                }
            }
        }
    }
}

fn highlight_selection(
    selection: Res<Selection>,
    city_layers: Res<CityLayers>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut previous: Local<Option<(LayerId, usize)>>,
) {
    if !selection.is_changed() || *previous == selection.picked {
        return;
    }
    if let Some((id, object)) = previous.take()
        && let Some(layer) = city_layers.layers.get(&id)
    {
        for o in building_family(&layer.city.model, object) {
            paint_object(layer, &mut meshes, o, false);
        }
    }
    if let Some((id, object)) = selection.picked
        && let Some(layer) = city_layers.layers.get(&id)
    {
        for o in building_family(&layer.city.model, object) {
            paint_object(layer, &mut meshes, o, true);
        }
    }
    *previous = selection.picked;
}
