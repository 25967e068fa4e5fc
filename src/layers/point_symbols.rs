//! Point features of vector layers as billboards: one mesh per layer with a
//! quad per point whose corners the shader (`shaders/point_symbol.wgsl`)
//! spreads to a fixed size in pixels — visible from any distance, hidden
//! behind buildings, no shadows. Picking matches them by angle
//! ([`pick_angle`]), selection and hiding repaint their corners.

use crate::layers::city_draw::{CityBatch, CityLayerSystems, CityLayers, Selection};
use crate::layers::{LayerLoaded, Layers};
use crate::view::camera::FIELD_OF_VIEW_DEG;
use crate::view::frame::enu_to_bevy;
use bevy::asset::{RenderAssetUsages, uuid_handle};
use bevy::light::NotShadowCaster;
use bevy::mesh::{Indices, MeshVertexBufferLayoutRef, PrimitiveTopology};
use bevy::pbr::{Material, MaterialPipeline, MaterialPipelineKey, MaterialPlugin};
use bevy::prelude::*;
use bevy::render::render_resource::{
    AsBindGroup, RenderPipelineDescriptor, SpecializedMeshPipelineError,
};
use bevy::shader::ShaderRef;

/// Diameter of a symbol on screen, pixels (large enough for touch screens).
pub const SYMBOL_PX: f32 = 16.0;
/// Dark rim around the symbol, pixels.
const RIM_PX: f32 = 2.0;
const SHADER: Handle<Shader> = uuid_handle!("6c0b8f6e-3b1e-4a59-9a8e-2d7f0e51a7c4");

/// Half the symbol plus a little, as an angle from the camera: a click
/// that close to a symbol's centre hits it.
pub fn pick_angle(viewport_height: f32) -> f32 {
    let focal = viewport_height.max(1.0) / (2.0 * (FIELD_OF_VIEW_DEG * 0.5).to_radians().tan());
    (SYMBOL_PX * 0.5 + 3.0) / focal
}

#[derive(Asset, TypePath, AsBindGroup, Debug, Clone)]
pub struct PointSymbolMaterial {
    /// x: diameter in pixels, y: rim in pixels.
    #[uniform(0)]
    pub params: Vec4,
}

impl Material for PointSymbolMaterial {
    fn vertex_shader() -> ShaderRef {
        ShaderRef::Handle(SHADER)
    }

    fn fragment_shader() -> ShaderRef {
        ShaderRef::Handle(SHADER)
    }

    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }

    fn specialize(
        _pipeline: &MaterialPipeline,
        descriptor: &mut RenderPipelineDescriptor,
        layout: &MeshVertexBufferLayoutRef,
        _key: MaterialPipelineKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        descriptor.vertex.buffers = vec![layout.0.get_layout(&[
            Mesh::ATTRIBUTE_POSITION.at_shader_location(0),
            Mesh::ATTRIBUTE_COLOR.at_shader_location(1),
            Mesh::ATTRIBUTE_UV_0.at_shader_location(2),
        ])?];
        Ok(())
    }
}

/// The GPU side: the material and its shader (windowed app only).
pub struct PointSymbolRenderPlugin;

impl Plugin for PointSymbolRenderPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(MaterialPlugin::<PointSymbolMaterial>::default());
        let shader = Shader::from_wgsl(
            include_str!("../../shaders/point_symbol.wgsl"),
            "shaders/point_symbol.wgsl",
        );
        let _ = app
            .world_mut()
            .resource_mut::<Assets<Shader>>()
            .insert(&SHADER, shader);
    }
}

/// Symbol meshes for loaded layers and their selection colours; runs
/// wherever the material's assets exist (the app, and tests that add them).
pub struct PointSymbolPlugin;

impl Plugin for PointSymbolPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (spawn_symbols, paint_symbols)
                .chain()
                .after(CityLayerSystems),
        );
    }
}

/// The symbol mesh of one layer and, per object, its symbol's slot.
#[derive(Component, Debug, Clone)]
pub struct SymbolMesh {
    pub mesh: Handle<Mesh>,
    pub colors: Vec<[f32; 4]>,
    pub objects: Vec<usize>,
}

fn linear(c: [f32; 4]) -> [f32; 4] {
    let l = Color::srgba(c[0], c[1], c[2], c[3]).to_linear();
    [l.red, l.green, l.blue, l.alpha]
}

/// Four corners per symbol, all on its point; `UV_0` holds the corner.
pub fn symbol_mesh(
    symbols: &[pw_vector::to_city::PointSymbol],
    origin: &pw_geo::SceneOrigin,
) -> Mesh {
    let n = symbols.len();
    let mut positions = Vec::with_capacity(4 * n);
    let mut colors = Vec::with_capacity(4 * n);
    let mut corners = Vec::with_capacity(4 * n);
    let mut indices = Vec::with_capacity(6 * n);
    for (i, s) in symbols.iter().enumerate() {
        let p = enu_to_bevy(origin.to_local(s.position)).to_array();
        let base = 4 * i as u32;
        for corner in [[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]] {
            positions.push(p);
            colors.push(linear(s.color));
            corners.push(corner);
        }
        indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
    }
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colors)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, corners)
    .with_inserted_indices(Indices::U32(indices))
}

fn spawn_symbols(
    mut commands: Commands,
    mut loaded: MessageReader<LayerLoaded>,
    mut meshes: ResMut<Assets<Mesh>>,
    materials: Option<ResMut<Assets<PointSymbolMaterial>>>,
    mut city_layers: ResMut<CityLayers>,
    layers: Res<Layers>,
    frame: Res<crate::view::frame::SceneFrame>,
) {
    let Some(mut materials) = materials else {
        loaded.clear();
        return;
    };
    for msg in loaded.read() {
        let Some(symbols) = msg.city.vector.as_ref().map(|v| &v.symbols) else {
            continue;
        };
        let (Some(entry), Some(layer)) =
            (layers.get(msg.owner), city_layers.layers.get_mut(&msg.id))
        else {
            continue;
        };
        if symbols.is_empty() {
            continue;
        }
        let mesh = symbol_mesh(symbols, &frame.origin);
        let handle = meshes.add(mesh);
        let visible = entry.shown() && msg.id == msg.owner;
        let entity = commands
            .spawn((
                crate::layers::city_draw::layer_part(
                    format!("{} symbols", entry.def.name),
                    msg.id,
                    if visible {
                        Visibility::Visible
                    } else {
                        Visibility::Hidden
                    },
                ),
                Mesh3d(handle.clone()),
                MeshMaterial3d(materials.add(PointSymbolMaterial {
                    params: Vec4::new(SYMBOL_PX, RIM_PX, 0.0, 0.0),
                })),
                NotShadowCaster,
                SymbolMesh {
                    mesh: handle,
                    colors: symbols.iter().map(|s| linear(s.color)).collect(),
                    objects: symbols.iter().map(|s| s.object).collect(),
                },
            ))
            .id();
        layer.entities.push(entity);
    }
}

/// Selected symbols turn the highlight colour; hidden ones get alpha 0,
/// which the fragment shader discards.
fn paint_symbols(
    selection: Res<Selection>,
    city_layers: Res<CityLayers>,
    symbols: Query<(&CityBatch, &SymbolMesh)>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    if !selection.is_changed() && !city_layers.is_changed() {
        return;
    }
    for (batch, sym) in &symbols {
        let Some(layer) = city_layers.layers.get(&batch.layer) else {
            continue;
        };
        let Some(mut mesh) = meshes.get_mut(&sym.mesh) else {
            continue;
        };
        let picked = selection
            .picked
            .filter(|(l, _)| *l == batch.layer)
            .map(|(_, o)| o);
        let [r, g, b] = crate::layers::city_draw::HIGHLIGHT;
        let highlight = linear([r, g, b, 1.0]);
        let colors: Vec<[f32; 4]> = sym
            .objects
            .iter()
            .zip(&sym.colors)
            .flat_map(|(o, c)| {
                let c = if layer.hidden.contains(o) {
                    [0.0; 4]
                } else if Some(*o) == picked {
                    highlight
                } else {
                    *c
                };
                [c; 4]
            })
            .collect();
        mesh.insert_attribute(Mesh::ATTRIBUTE_COLOR, colors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};
    use crate::layers::LayerStatus;
    use crate::layers::city_draw::BuildingCommand;
    use crate::view::ground::GroundLevel;
    use crate::view::picking::cast;

    #[test]
    fn jena_sensors_are_billboards_picked_by_angle_highlighted_and_hidden() {
        let dir = std::env::temp_dir().join(format!("pw-symbols-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let kml = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/vector/jena/sensoren.kml");
        let scene = dir.join("t.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [681300.0, 5644400.0, 150.0]\n\
                 [[layers]]\nname = \"Sensoren\"\nkind = \"vector\"\npath = {:?}\n",
                kml.display().to_string()
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        run_until(&mut app, |app| {
            let ready = app
                .world()
                .resource::<Layers>()
                .entries
                .iter()
                .all(|e| e.status == LayerStatus::Ready);
            let mut q = app.world_mut().query::<&SymbolMesh>();
            ready && q.iter(app.world()).count() == 1
        });
        let mut q = app.world_mut().query::<&SymbolMesh>();
        let sym = q.single(app.world()).unwrap().clone();
        assert_eq!(sym.objects.len(), 51);
        let mesh = app
            .world()
            .resource::<Assets<Mesh>>()
            .get(&sym.mesh)
            .unwrap();
        assert_eq!(mesh.count_vertices(), 51 * 4);
        // A ray from 500 m above, 3 m beside a symbol: its half-size on a
        // 900 px screen there is ~4.5 m, so it hits; 20 m beside does not.
        let city = app.world().resource::<CityLayers>();
        let (id, layer) = city.layers.iter().next().unwrap();
        // A sensor standing alone (several share a place at different depths).
        let all = &layer.city.vector.as_ref().unwrap().symbols;
        let target = all
            .iter()
            .find(|s| {
                all.iter().all(|o| {
                    o.object == s.object
                        || (o.position[0] - s.position[0]).hypot(o.position[1] - s.position[1])
                            > 30.0
                })
            })
            .unwrap()
            .clone();
        let frame = app.world().resource::<crate::view::frame::SceneFrame>();
        let layers = app.world().resource::<Layers>();
        let ground = GroundLevel { height: 150.0 };
        let ray_at = |dx: f64| Ray3d {
            origin: frame.world_to_bevy([
                target.position[0] + dx,
                target.position[1],
                target.position[2] + 500.0,
            ]),
            direction: Dir3::NEG_Y,
        };
        let angle = pick_angle(900.0);
        let hit = cast(ray_at(3.0), city, layers, frame, &ground, angle);
        assert_eq!(hit.object, Some((*id, target.object)));
        let w = hit.world.unwrap();
        assert!((w[0] - target.position[0]).abs() < 1e-3 && (w[2] - 151.5).abs() < 1e-3);
        let miss = cast(ray_at(20.0), city, layers, frame, &ground, angle);
        assert_eq!(miss.object, None);
        // Selected: the highlight colour on its four corners; hidden: alpha 0.
        let id = *id;
        app.world_mut().resource_mut::<Selection>().picked = Some((id, target.object));
        app.update();
        let slot = sym
            .objects
            .iter()
            .position(|o| *o == target.object)
            .unwrap();
        let colour = |app: &App| match app
            .world()
            .resource::<Assets<Mesh>>()
            .get(&sym.mesh)
            .unwrap()
            .attribute(Mesh::ATTRIBUTE_COLOR)
        {
            Some(bevy::mesh::VertexAttributeValues::Float32x4(c)) => c[4 * slot],
            other => panic!("{other:?}"),
        };
        let [r, g, b] = crate::layers::city_draw::HIGHLIGHT;
        assert_eq!(colour(&app), linear([r, g, b, 1.0]));
        app.world_mut()
            .write_message(BuildingCommand::Hide(id, target.object));
        app.update();
        app.update();
        assert_eq!(colour(&app)[3], 0.0);
        std::fs::remove_dir_all(&dir).ok();
    }
}
