//! How any result looks on the map: a ground raster draped over the
//! terrain in its legend's colours (cells without value cut out), facade
//! samples as small patches on walls and roofs; and the chosen area.

use super::runs::{AnalysisState, AreaPick};
use crate::layers::Layers;
use crate::view::clock::SceneClock;
use crate::view::frame::{SceneFrame, enu_dir_to_bevy};
use crate::view::ground::GroundLevel;
use bevy::asset::RenderAssetUsages;
use bevy::image::{ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use pw_analysis::{FacadeValues, FeatureGeometry, FeatureValues, Legend};

/// Marks every overlay entity of a result.
#[derive(Component)]
pub struct AnalysisOverlay;

/// Spawns the overlays of new results and shows/hides them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sync_overlays(
    mut commands: Commands,
    mut state: ResMut<AnalysisState>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
    mut visibility: Query<&mut Visibility, With<AnalysisOverlay>>,
    frame: Res<SceneFrame>,
    layers: Res<Layers>,
    ground_level: Option<Res<GroundLevel>>,
    clock: Option<Res<SceneClock>>,
    ground_materials: Query<&MeshMaterial3d<StandardMaterial>, With<AnalysisOverlay>>,
) {
    let now = clock.map(|c| c.instant.as_millisecond() as f64 / 1000.0);
    let base = ground_level
        .map(|g| g.height)
        .unwrap_or(frame.origin.world[2]);
    let mut lying_on_the_ground = Vec::new();
    for e in &mut state.results {
        let r = e.result.clone();
        let mut spawn = |name: String, mesh: Mesh, material: StandardMaterial| {
            commands
                .spawn((
                    Name::new(name),
                    AnalysisOverlay,
                    Mesh3d(meshes.add(mesh)),
                    MeshMaterial3d(materials.add(material)),
                    Transform::IDENTITY,
                    Visibility::Hidden,
                ))
                .id()
        };
        // Vertex-coloured patches and ribbons: unlit, seen from both sides.
        let coloured = || StandardMaterial {
            base_color: Color::WHITE,
            unlit: true,
            double_sided: true,
            cull_mode: None,
            ..default()
        };
        if e.ground_entity.is_none()
            && let Some(g) = &r.ground
        {
            let image = images.add(grid_image(&g.grid, r.legend_of(&g.quantity)));
            let material = ground_material(image);
            let mesh = draped_mesh(&g.grid, &frame, &layers.terrain_stack(), base);
            e.ground_entity = Some(spawn(format!("Ergebnis {}", r.label), mesh, material));
            // Above draped features at any distance; no shadow of its own.
            lying_on_the_ground.extend(e.ground_entity);
        }
        if e.facade_entity.is_none()
            && let Some(f) = r.facades.as_ref().filter(|f| !f.samples.is_empty())
        {
            let mesh = facade_mesh(f, &frame, r.legend_of(&f.quantity));
            e.facade_entity = Some(spawn(format!("Fassaden {}", r.label), mesh, coloured()));
        }
        if e.features_entity.is_none()
            && let Some(f) = r.features.as_ref().filter(|f| !f.features.is_empty())
        {
            let mesh = features_mesh(f, &frame, r.legend_of(&f.quantity));
            e.features_entity = Some(spawn(
                format!("Punkte und Linien {}", r.label),
                mesh,
                coloured(),
            ));
        }
        // A run with frames (a flood) plays on the clock: the frame of the
        // clock's time, the worst outside the run's span.
        if let (Some(g), Some(entity), Some(now)) = (&r.ground, e.ground_entity, now)
            && let Some(frames) = &g.frames
        {
            let want = frames.at(now);
            if want != e.shown_frame
                && let Ok(material) = ground_materials.get(entity)
                && let Some(texture) = materials
                    .get(&material.0)
                    .and_then(|m| m.base_color_texture.clone())
            {
                let values = want.map_or(&g.grid.values, |k| &frames.values[k]);
                let image = values_image(&g.grid, values, r.legend_of(&g.quantity));
                let _ = images.insert(&texture, image);
                e.shown_frame = want;
            }
        }
        for (entity, shown) in [
            (e.ground_entity, e.show_ground),
            (e.facade_entity, e.show_facades),
            (e.features_entity, e.show_features),
        ] {
            if let Some(Ok(mut v)) = entity.map(|x| visibility.get_mut(x)) {
                let want = if shown {
                    Visibility::Visible
                } else {
                    Visibility::Hidden
                };
                if *v != want {
                    *v = want;
                }
            }
        }
    }
    for entity in lying_on_the_ground {
        commands.entity(entity).insert((
            crate::view::drape::Draped::Result,
            bevy::light::NotShadowCaster,
        ));
    }
}

/// How a ground raster's texture is drawn on its draped lattice: unlit,
/// cells without value cut out and the rest opaque, so no sorting against
/// the scene's other transparent things.
pub fn ground_material(image: Handle<Image>) -> StandardMaterial {
    StandardMaterial {
        base_color_texture: Some(image),
        unlit: true,
        alpha_mode: AlphaMode::Mask(0.5),
        double_sided: true,
        cull_mode: None,
        ..default()
    }
}

/// Largest texture side every GPU takes (WebGPU's guaranteed minimum).
const MAX_TEXTURE_SIDE: usize = 8192;

/// The grid as an sRGB image in the legend's colours (row 0 = north);
/// grids wider than a texture may be are shown every n-th cell.
pub fn grid_image(grid: &pw_terrain::Grid, legend: &Legend) -> Image {
    values_image(grid, &grid.values, legend)
}

/// Other values on the grid's cells (a frame of a run) as its image.
pub fn values_image(grid: &pw_terrain::Grid, values: &[f32], legend: &Legend) -> Image {
    values_image_at_most(grid, values, legend, MAX_TEXTURE_SIDE)
}

/// The image with at most `side` pixels a side (every n-th cell): a live
/// preview, redrawn many times a second, takes a quarter of the cells.
pub fn values_image_at_most(
    grid: &pw_terrain::Grid,
    values: &[f32],
    legend: &Legend,
    side: usize,
) -> Image {
    let step = grid.width.max(grid.height).div_ceil(side).max(1);
    let (w, h) = (grid.width.div_ceil(step), grid.height.div_ceil(step));
    let mut data = Vec::with_capacity(w * h * 4);
    for row in (0..grid.height).step_by(step) {
        for col in (0..grid.width).step_by(step) {
            data.extend(legend.colour(values[row * grid.width + col]));
        }
    }
    let (data, levels) = with_mip_levels(data, w, h);
    let mut image = Image::new_uninit(
        Extent3d {
            width: w as u32,
            height: h as u32,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    image.data = Some(data);
    image.texture_descriptor.mip_level_count = levels;
    // Close up, cells stay cells (no blurring between them); from afar the
    // smaller levels blend them, where single cells shimmered in stripes.
    image.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor {
        mag_filter: ImageFilterMode::Nearest,
        min_filter: ImageFilterMode::Linear,
        mipmap_filter: ImageFilterMode::Linear,
        ..ImageSamplerDescriptor::nearest()
    });
    image
}

/// RGBA8 pixels followed by each smaller level (2 × 2 averaged, down to
/// 1 × 1), as the GPU takes a mip chain: a level is half the one above,
/// rounded down (an odd last row or column is left out of it); and the
/// number of levels. Colours are weighted by alpha: cells without a value
/// (transparent black) do not darken their neighbours from afar.
fn with_mip_levels(mut data: Vec<u8>, width: usize, height: usize) -> (Vec<u8>, u32) {
    let (mut w, mut h) = (width, height);
    let mut start = 0;
    let mut levels = 1;
    while w > 1 || h > 1 {
        let (nw, nh) = ((w / 2).max(1), (h / 2).max(1));
        let mut next = Vec::with_capacity(nw * nh * 4);
        for y in 0..nh {
            for x in 0..nw {
                let mut rgb = [0u32; 3];
                let (mut alpha, mut n) = (0u32, 0u32);
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (sx, sy) = (2 * x + dx, 2 * y + dy);
                    if sx < w && sy < h {
                        let i = start + (sy * w + sx) * 4;
                        let a = data[i + 3] as u32;
                        for c in 0..3 {
                            rgb[c] += data[i + c] as u32 * a;
                        }
                        alpha += a;
                        n += 1;
                    }
                }
                let colour = rgb.map(|v| v.checked_div(alpha).unwrap_or(0) as u8);
                next.extend([colour[0], colour[1], colour[2], (alpha / n.max(1)) as u8]);
            }
        }
        start = data.len();
        data.extend(next);
        (w, h) = (nw, nh);
        levels += 1;
    }
    (data, levels)
}

/// A lattice over the grid (≤ 129 × 129 vertices) following the terrain,
/// lifted 0.6 m: never into it, and above the draped areas of vector
/// layers (0.3 m), which would hide it.
pub fn draped_mesh(
    grid: &pw_terrain::Grid,
    frame: &SceneFrame,
    terrain: &pw_geo::elevation::TerrainStack,
    base: f64,
) -> Mesh {
    use pw_geo::elevation::Elevation;
    let (x0, y1) = (grid.x0, grid.y0);
    let (w, h) = (grid.width as f64 * grid.dx, grid.height as f64 * grid.dy);
    let n = |cells: usize| cells.clamp(1, 128);
    let (nx, ny) = (n(grid.width), n(grid.height));
    let mut positions = Vec::new();
    let mut uvs = Vec::new();
    for j in 0..=ny {
        for i in 0..=nx {
            let (u, v) = (i as f64 / nx as f64, j as f64 / ny as f64);
            let (x, y) = (x0 + u * w, y1 - v * h);
            let z = terrain.height_at(x, y).unwrap_or(base) + 0.6;
            positions.push(frame.world_to_bevy([x, y, z]).to_array());
            uvs.push([u as f32, v as f32]);
        }
    }
    let mut indices = Vec::new();
    for j in 0..ny as u32 {
        for i in 0..nx as u32 {
            let a = j * (nx as u32 + 1) + i;
            let b = a + nx as u32 + 1;
            indices.extend_from_slice(&[a, b, a + 1, a + 1, b, b + 1]);
        }
    }
    let normals = vec![[0.0, 1.0, 0.0]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
    .with_inserted_indices(Indices::U32(indices))
}

/// One small square per sample, in its surface's plane, just off the
/// surface, in the class colour of its value.
pub fn facade_mesh(f: &FacadeValues, frame: &SceneFrame, legend: &Legend) -> Mesh {
    let half = 0.42 * f.spacing;
    let mut positions = Vec::with_capacity(f.samples.len() * 4);
    let mut colours = Vec::with_capacity(f.samples.len() * 4);
    let mut indices = Vec::with_capacity(f.samples.len() * 6);
    for s in &f.samples {
        let n = s.normal;
        let (u, v) = pw_shadow::vec3::plane_basis(n);
        let w = s.position;
        let centre = frame.world_to_bevy([
            w[0] + n[0] as f64 * 0.08,
            w[1] + n[1] as f64 * 0.08,
            w[2] + n[2] as f64 * 0.08,
        ]);
        let (bu, bv) = (enu_dir_to_bevy(u) * half, enu_dir_to_bevy(v) * half);
        let base = positions.len() as u32;
        for (a, b) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            positions.push((centre + bu * a + bv * b).to_array());
        }
        let c = legend.colour(s.value);
        let l = Color::srgba_u8(c[0], c[1], c[2], 255).to_linear();
        colours.extend(std::iter::repeat_n([l.red, l.green, l.blue, 1.0], 4));
        indices.extend_from_slice(&[base, base + 1, base + 2, base, base + 2, base + 3]);
    }
    coloured_mesh(positions, colours, indices)
}

/// Half the width of a line ribbon and of a point's square (m).
const FEATURE_HALF_WIDTH: f64 = 1.0;

/// Half the width lines add at the legend's top value: a road carrying the
/// most traffic is drawn ≈ 30 m wide, readable from a view over the town.
const LINE_EXTRA_HALF_WIDTH: f64 = 14.0;

/// Points as flat squares and lines as flat ribbons, 0.5 m above where
/// they are, in the class colour of their value: a receiver grid, road
/// links, viewpoints. Lines also widen with the size of their value (a
/// flow map: the busiest roads, the largest changes stand out).
pub fn features_mesh(f: &FeatureValues, frame: &SceneFrame, legend: &Legend) -> Mesh {
    let mut positions: Vec<[f32; 3]> = Vec::new();
    let mut colours: Vec<[f32; 4]> = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    let w = FEATURE_HALF_WIDTH;
    let top = legend
        .classes
        .iter()
        .map(|c| c.lower.abs())
        .filter(|b| b.is_finite())
        .fold(0.0f32, f32::max);
    let line_half_width = |value: f32| {
        if top > 0.0 && value.is_finite() {
            w + LINE_EXTRA_HALF_WIDTH * f64::from((value.abs() / top).min(1.5))
        } else {
            w
        }
    };
    let mut quad = |corners: [[f64; 3]; 4], c: [f32; 4]| {
        let base = positions.len() as u32;
        for p in corners {
            positions.push(frame.world_to_bevy([p[0], p[1], p[2] + 0.5]).to_array());
            colours.push(c);
        }
        indices.extend_from_slice(&[base, base + 1, base + 2, base, base + 2, base + 3]);
    };
    for feature in &f.features {
        let c = legend.colour(feature.value);
        let l = Color::srgba_u8(c[0], c[1], c[2], 255).to_linear();
        let colour = [l.red, l.green, l.blue, 1.0];
        match &feature.geometry {
            FeatureGeometry::Point(p) => quad(
                [
                    [p[0] - w, p[1] - w, p[2]],
                    [p[0] + w, p[1] - w, p[2]],
                    [p[0] + w, p[1] + w, p[2]],
                    [p[0] - w, p[1] + w, p[2]],
                ],
                colour,
            ),
            FeatureGeometry::Line(points) => {
                let w = line_half_width(feature.value);
                for s in points.windows(2) {
                    let (a, b) = (s[0], s[1]);
                    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                    let len = dx.hypot(dy);
                    if len < 1e-9 {
                        continue;
                    }
                    let (nx, ny) = (-dy / len * w, dx / len * w);
                    quad(
                        [
                            [a[0] + nx, a[1] + ny, a[2]],
                            [a[0] - nx, a[1] - ny, a[2]],
                            [b[0] - nx, b[1] - ny, b[2]],
                            [b[0] + nx, b[1] + ny, b[2]],
                        ],
                        colour,
                    );
                }
            }
        }
    }
    coloured_mesh(positions, colours, indices)
}

/// Unlit vertex-coloured triangles (facade patches, ribbons): the normal
/// only has to exist.
fn coloured_mesh(positions: Vec<[f32; 3]>, colours: Vec<[f32; 4]>, indices: Vec<u32>) -> Mesh {
    let normals = vec![[0.0, 1.0, 0.0]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
    .with_inserted_indices(Indices::U32(indices))
}

/// Where the map draws a point's post: its foot on the terrain under it
/// (else the ground plane), 0.5 m up to stand above draped layers, its top
/// at the picked height or 2 m above the foot. The pointer grabs it there.
pub(crate) fn point_post(p: &pw_analysis::Point, layers: &Layers, ground: f64) -> (f64, f64) {
    use pw_geo::elevation::Elevation;
    let foot = layers.terrain_stack().height_at(p.x, p.y).unwrap_or(ground) + 0.5;
    (foot, p.z.unwrap_or(foot + 2.0).max(foot + 2.0))
}

/// Draws the selected form's area and points (and the first corner while
/// choosing).
pub(crate) fn draw_area(
    mut gizmos: Gizmos,
    state: Res<AnalysisState>,
    layers: Res<Layers>,
    frame: Res<SceneFrame>,
    ground_level: Option<Res<GroundLevel>>,
    cursor: Res<crate::view::picking::CursorWorld>,
) {
    let z = ground_level
        .map(|g| g.height)
        .unwrap_or(frame.origin.world[2])
        + 0.5;
    let colour = Color::srgb(1.0, 0.55, 0.0);
    let rect = |gizmos: &mut Gizmos, a: [f64; 2], b: [f64; 2]| {
        let corners = [
            [a[0], a[1]],
            [b[0], a[1]],
            [b[0], b[1]],
            [a[0], b[1]],
            [a[0], a[1]],
        ];
        gizmos.linestrip(
            corners.map(|c| frame.world_to_bevy([c[0], c[1], z])),
            colour,
        );
    };
    match (state.pick, cursor.world) {
        (AreaPick::SecondCorner(a), Some(p)) => rect(&mut gizmos, a, [p[0], p[1]]),
        (AreaPick::Off, _) => {
            for area in state.form().into_iter().flat_map(|f| f.areas()) {
                rect(&mut gizmos, area.min, area.max);
            }
            for ring in state.form().into_iter().flat_map(|f| f.polygons()) {
                let closed = ring.iter().chain(ring.first());
                gizmos.linestrip(closed.map(|c| frame.world_to_bevy([c[0], c[1], z])), colour);
            }
            // Points (an observer, a target): a post from the ground up to
            // the picked height, a cross at its foot.
            for p in state.form().into_iter().flat_map(|f| f.points()) {
                let (foot, top) = point_post(&p, &layers, z - 0.5);
                gizmos.line(
                    frame.world_to_bevy([p.x, p.y, foot]),
                    frame.world_to_bevy([p.x, p.y, top]),
                    colour,
                );
                for (dx, dy) in [(3.0, 0.0), (0.0, 3.0)] {
                    gizmos.line(
                        frame.world_to_bevy([p.x - dx, p.y - dy, foot]),
                        frame.world_to_bevy([p.x + dx, p.y + dy, foot]),
                        colour,
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mip_levels_halve_down_to_one_pixel_averaging_what_they_cover() {
        // 5 × 2 pixels: grey values 0, 40, 80, 10, 50 / 120, 160, 200, 30, 70.
        let data: Vec<u8> = [0u8, 40, 80, 10, 50, 120, 160, 200, 30, 70]
            .iter()
            .flat_map(|v| [*v, *v, *v, 255])
            .collect();
        let (chain, levels) = super::with_mip_levels(data, 5, 2);
        // As the GPU sizes them: 5 × 2, 2 × 1, 1 × 1.
        assert_eq!(levels, 3);
        assert_eq!(chain.len(), (10 + 2 + 1) * 4);
        // Level 1: (0+40+120+160)/4 = 80 and (80+10+200+30)/4 = 80; the odd column stays out.
        assert_eq!(&chain[40..48], &[80, 80, 80, 255, 80, 80, 80, 255]);
        assert_eq!(&chain[48..52], &[80, 80, 80, 255]);
        let (chain, levels) = super::with_mip_levels(vec![9; 4], 1, 1);
        assert_eq!((chain.len(), levels), (4, 1));
        // A cell without value beside a red one: red, half covered.
        let (chain, _) = super::with_mip_levels(vec![200, 0, 0, 255, 0, 0, 0, 0], 2, 1);
        assert_eq!(&chain[8..12], &[200, 0, 0, 127]);
    }
}
