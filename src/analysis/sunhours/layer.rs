//! Sun-hours analyses in the workbench: the form's request becomes a
//! background job (progress and cancel in the status bar) over the loaded
//! city layers and terrain; finished results are listed, shown as a ground
//! raster draped on the terrain and as coloured facade/roof patches, and
//! can be compared (after − before) and exported. A cancelled run leaves
//! nothing behind.

use crate::base::i18n::I18n;
use crate::base::jobs::{Jobs, Notices};
use crate::layers::city_draw::CityLayers;
use crate::layers::{ActiveScene, Layers};
use crate::view::clock::SceneClock;
use crate::view::frame::{SceneFrame, enu_dir_to_bevy};
use crate::view::ground::GroundLevel;
use crate::view::picking::WorldClick;
use bevy::asset::RenderAssetUsages;
use bevy::image::ImageSampler;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::tasks::{AsyncComputeTaskPool, Task, futures_lite::future};
use pw_shadow::{Area, SunHours};
use std::sync::Arc;

/// What the analysis panel edits.
#[derive(Debug, Clone, PartialEq)]
pub struct SunHoursForm {
    /// Local date YYYY-MM-DD.
    pub date: String,
    /// Local HH:MM window; empty = whole day.
    pub from: String,
    pub to: String,
    pub step_minutes: f32,
    pub cell: f32,
    pub facades: bool,
    pub area: Option<Area>,
    /// Results chosen for "after − before".
    pub before: Option<u32>,
    pub after: Option<u32>,
}

impl Default for SunHoursForm {
    fn default() -> Self {
        SunHoursForm {
            date: String::new(),
            from: String::new(),
            to: String::new(),
            step_minutes: 10.0,
            cell: 1.0,
            facades: true,
            area: None,
            before: None,
            after: None,
        }
    }
}

/// Where the two-tap area selection stands.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum AreaPick {
    #[default]
    Off,
    FirstCorner,
    SecondCorner([f64; 2]),
}

#[derive(Debug, Clone)]
pub struct SunHoursEntry {
    pub id: u32,
    pub label: String,
    pub result: Arc<SunHours>,
    /// For difference maps: the results it compares (before, after).
    pub difference_of: Option<(u32, u32)>,
    pub show_ground: bool,
    pub show_facades: bool,
    ground_entity: Option<Entity>,
    facade_entity: Option<Entity>,
}

#[derive(Resource, Debug, Default)]
pub struct SunHoursState {
    pub form: SunHoursForm,
    pub pick: AreaPick,
    pub results: Vec<SunHoursEntry>,
    /// Status-bar job of the run in progress.
    pub running: Option<u64>,
    next_id: u32,
}

#[derive(Message, Debug, Clone, PartialEq)]
pub enum SunHoursCommand {
    /// Run the form's analysis.
    Run,
    /// Start choosing the area by two taps on the map.
    PickArea,
    /// The area around what the camera looks at (the view's width).
    AreaFromView,
    Show {
        id: u32,
        ground: bool,
        facades: bool,
    },
    Remove(u32),
    /// Write GeoTIFF (+ GeoJSON) next to the scene file.
    Export(u32),
    /// after − before of two results.
    Compare {
        before: u32,
        after: u32,
    },
}

#[derive(Component)]
struct SunHoursTask {
    job: u64,
    label: String,
    task: Task<Result<SunHours, pw_shadow::AnalysisError>>,
}

#[derive(Component)]
pub struct SunHoursOverlay;

/// A day to compute over all buildings as soon as the scene has loaded.
#[derive(Resource, Debug, Default, Clone)]
pub struct AutoRun(pub Option<String>);

pub struct SunHoursPlugin;

impl Plugin for SunHoursPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SunHoursState>()
            .init_resource::<AutoRun>()
            .add_message::<SunHoursCommand>()
            .add_message::<WorldClick>()
            .add_systems(
                Update,
                (
                    auto_run,
                    handle_commands,
                    pick_area,
                    poll_tasks,
                    sync_overlays,
                )
                    .chain(),
            );
    }
}

/// Draws the chosen area (and the first corner while choosing) on the map.
pub struct SunHoursGizmoPlugin;

impl Plugin for SunHoursGizmoPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, draw_area);
    }
}

fn draw_area(
    mut gizmos: Gizmos,
    state: Res<SunHoursState>,
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
            if let Some(area) = state.form.area {
                rect(
                    &mut gizmos,
                    [area.min_x, area.min_y],
                    [area.max_x, area.max_y],
                );
            }
        }
        _ => {}
    }
}

/// Hour classes of the legend (lower bounds) and their colours: a
/// colour-blind-safe ramp from dark (no sun) to yellow (all day).
pub const HOUR_CLASSES: [(f32, [u8; 3]); 9] = [
    (0.0, [48, 18, 59]),
    (1.0, [70, 60, 150]),
    (2.0, [60, 110, 200]),
    (3.0, [40, 150, 200]),
    (4.0, [30, 180, 160]),
    (6.0, [90, 200, 100]),
    (8.0, [170, 215, 60]),
    (10.0, [230, 215, 40]),
    (12.0, [255, 245, 140]),
];

/// Difference classes (hours gained; negative = lost): red losses, blue gains.
pub const DIFFERENCE_CLASSES: [(f32, [u8; 3]); 7] = [
    (f32::NEG_INFINITY, [165, 0, 38]),
    (-2.0, [230, 85, 60]),
    (-0.5, [250, 180, 150]),
    (-0.01, [245, 245, 245]),
    (0.01, [170, 205, 230]),
    (0.5, [90, 150, 210]),
    (2.0, [40, 80, 170]),
];

/// The class colour of a value; NaN (under buildings) is transparent.
pub fn class_colour(classes: &[(f32, [u8; 3])], value: f32) -> [u8; 4] {
    if value.is_nan() {
        return [0; 4];
    }
    let c = classes
        .iter()
        .rev()
        .find(|(lo, _)| value >= *lo - 1e-4)
        .map_or(classes[0].1, |(_, c)| *c);
    [c[0], c[1], c[2], 255]
}

impl SunHoursEntry {
    pub fn classes(&self) -> &'static [(f32, [u8; 3])] {
        if self.difference_of.is_some() {
            &DIFFERENCE_CLASSES
        } else {
            &HOUR_CLASSES
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_commands(
    mut commands: Commands,
    mut reader: MessageReader<SunHoursCommand>,
    mut state: ResMut<SunHoursState>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    active: Res<ActiveScene>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
    clock: Res<SceneClock>,
    i18n: Res<I18n>,
    orbit: Query<&crate::view::camera::OrbitCamera>,
    frame: Res<SceneFrame>,
) {
    for cmd in reader.read() {
        match cmd {
            SunHoursCommand::Run => {
                if state.running.is_some() {
                    notices.error(i18n.tr("sunhours.busy"));
                    continue;
                }
                match prepare(&state.form, &active, &clock, &city, &layers) {
                    Ok((params, models)) => {
                        let label = format!(
                            "{} {} ({})",
                            i18n.tr("sunhours.title"),
                            params.windows[0].date,
                            params.area
                        );
                        let job = jobs.start(label.clone());
                        let control = job.control.clone();
                        let terrain = layers.terrain_stack();
                        let task = AsyncComputeTaskPool::get().spawn(async move {
                            let refs: Vec<&pw_city::CityModel> =
                                models.iter().map(|c| &c.model).collect();
                            let terrain = (!terrain.is_empty()).then_some(&terrain);
                            pw_shadow::run(
                                &params,
                                &refs,
                                terrain.map(|t| t as &dyn pw_geo::elevation::Elevation),
                                &control,
                            )
                        });
                        state.running = Some(job.id);
                        commands.spawn(SunHoursTask {
                            job: job.id,
                            label,
                            task,
                        });
                    }
                    Err(text) if text.starts_with("sunhours.") => notices.error(i18n.tr(&text)),
                    Err(text) => notices.error(text),
                }
            }
            SunHoursCommand::PickArea => state.pick = AreaPick::FirstCorner,
            SunHoursCommand::AreaFromView => {
                if let Ok(o) = orbit.single() {
                    let c = frame.bevy_to_world(o.target);
                    let half = (o.distance as f64 * 0.6).clamp(25.0, 1500.0);
                    state.form.area = Some(Area::new(
                        c[0] - half,
                        c[1] - half,
                        c[0] + half,
                        c[1] + half,
                    ));
                }
            }
            SunHoursCommand::Show {
                id,
                ground,
                facades,
            } => {
                if let Some(e) = state.results.iter_mut().find(|e| e.id == *id) {
                    e.show_ground = *ground;
                    e.show_facades = *facades;
                }
            }
            SunHoursCommand::Remove(id) => {
                if let Some(k) = state.results.iter().position(|e| e.id == *id) {
                    let e = state.results.remove(k);
                    for entity in [e.ground_entity, e.facade_entity].into_iter().flatten() {
                        commands.entity(entity).despawn();
                    }
                }
            }
            SunHoursCommand::Export(id) => {
                if let Some(e) = state.results.iter().find(|e| e.id == *id) {
                    match export(e, active.path.as_deref()) {
                        Ok(files) => {
                            notices.info(i18n.trf("sunhours.exported", &[("files", &files)]))
                        }
                        Err(text) => notices.error(text),
                    }
                }
            }
            SunHoursCommand::Compare { before, after } => {
                let find = |id: u32| state.results.iter().find(|e| e.id == id);
                let (Some(b), Some(a)) = (find(*before), find(*after)) else {
                    continue;
                };
                let (Some(bg), Some(ag)) = (&b.result.ground, &a.result.ground) else {
                    notices.error(i18n.tr("sunhours.compare_needs_ground"));
                    continue;
                };
                match pw_shadow::difference(bg, ag) {
                    Ok(grid) => {
                        let mut result = (*a.result).clone();
                        result.ground = Some(grid);
                        result.facades.samples.clear();
                        result
                            .run
                            .entries
                            .push(("difference".into(), format!("{} − {}", a.label, b.label)));
                        let label = format!("Δ {} → {}", b.label, a.label);
                        let pair = (b.id, a.id);
                        add_result(&mut state, label, result, Some(pair));
                    }
                    Err(e) => notices.error(e.to_string()),
                }
            }
        }
    }
}

fn auto_run(
    mut auto: ResMut<AutoRun>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
    mut state: ResMut<SunHoursState>,
    mut run: MessageWriter<SunHoursCommand>,
) {
    if auto.0.is_none() || city.layers.is_empty() {
        return;
    }
    let loading = layers
        .entries
        .iter()
        .any(|e| e.status == crate::layers::LayerStatus::Loading);
    if loading {
        return;
    }
    let mut e = pw_geo::Extent3::EMPTY;
    for l in city.layers.values().filter(|l| l.city.selectable) {
        e.union(&l.city.model.extent());
    }
    if let Some(date) = auto.0.take()
        && !e.is_empty()
    {
        state.form.date = date;
        state.form.area = Some(Area::new(e.min[0], e.min[1], e.max[0], e.max[1]).grown(20.0));
        run.write(SunHoursCommand::Run);
    }
}

/// The run's parameters and inputs from the form, or a message.
fn prepare(
    form: &SunHoursForm,
    active: &ActiveScene,
    clock: &SceneClock,
    city: &CityLayers,
    layers: &Layers,
) -> Result<(pw_shadow::Params, Vec<Arc<crate::layers::LoadedCity>>), String> {
    let area = form.area.ok_or_else(|| "sunhours.no_area".to_string())?;
    let date: jiff::civil::Date = if form.date.trim().is_empty() {
        clock.local().date()
    } else {
        form.date
            .trim()
            .parse()
            .map_err(|_| format!("{}: YYYY-MM-DD", form.date))?
    };
    let time = |t: &str| -> Result<Option<jiff::civil::Time>, String> {
        if t.trim().is_empty() {
            Ok(None)
        } else {
            t.trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{t}: HH:MM"))
        }
    };
    let window = crate::analysis::sunhours::run::day_window(
        date,
        time(&form.from)?,
        time(&form.to)?,
        &clock.time_zone,
    )
    .map_err(|e| e.to_string())?;
    let mut params = crate::analysis::sunhours::run::params_for(&active.scene, area, vec![window]);
    params.step = (form.step_minutes.clamp(1.0, 120.0) * 60.0) as f64;
    params.cell = form.cell.clamp(0.25, 50.0) as f64;
    params.facades = form.facades;
    // Every shown city layer (tiles too), as loaded.
    let mut models = Vec::new();
    for (id, l) in &city.layers {
        let visible = layers.get(l.owner).is_some_and(|e| e.def.visible) && l.shown;
        if visible && l.city.selectable {
            models.push(l.city.clone());
            if let Some(e) = layers.get(*id) {
                params
                    .inputs
                    .push(crate::analysis::sunhours::run::describe_input(&e.source));
            }
        }
    }
    pw_shadow::estimate(&params, 0).map_err(|e| e.to_string())?;
    Ok((params, models))
}

fn add_result(
    state: &mut SunHoursState,
    label: String,
    result: SunHours,
    difference_of: Option<(u32, u32)>,
) -> u32 {
    state.next_id += 1;
    let id = state.next_id;
    // A new result hides the others' ground rasters: one raster at a time
    // is readable.
    for e in &mut state.results {
        e.show_ground = false;
    }
    let facades = !result.facades.samples.is_empty();
    state.results.push(SunHoursEntry {
        id,
        label,
        result: Arc::new(result),
        difference_of,
        show_ground: true,
        show_facades: facades,
        ground_entity: None,
        facade_entity: None,
    });
    id
}

fn export(e: &SunHoursEntry, scene: Option<&std::path::Path>) -> Result<String, String> {
    let dir = scene
        .and_then(|p| p.parent())
        .map(|d| d.join("ergebnisse"))
        .unwrap_or_else(|| std::path::PathBuf::from("ergebnisse"));
    std::fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let stem: String = e
        .label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut files = Vec::new();
    if e.result.ground.is_some() {
        let path = dir.join(format!("{stem}.tif"));
        pw_shadow::export::ground_geotiff(&e.result, &path).map_err(|err| err.to_string())?;
        files.push(path.display().to_string());
    }
    if !e.result.facades.samples.is_empty() {
        let path = dir.join(format!("{stem}_fassaden.geojson"));
        pw_shadow::export::write_facades_geojson(&e.result, &path)
            .map_err(|err| err.to_string())?;
        files.push(path.display().to_string());
    }
    Ok(files.join(", "))
}

fn pick_area(mut clicks: MessageReader<WorldClick>, mut state: ResMut<SunHoursState>) {
    for click in clicks.read() {
        let Some(p) = click.world else { continue };
        state.pick = match state.pick {
            AreaPick::Off => AreaPick::Off,
            AreaPick::FirstCorner => AreaPick::SecondCorner([p[0], p[1]]),
            AreaPick::SecondCorner(a) => {
                state.form.area = Some(Area::new(a[0], a[1], p[0], p[1]));
                AreaPick::Off
            }
        };
    }
}

fn poll_tasks(
    mut commands: Commands,
    mut tasks: Query<(Entity, &mut SunHoursTask)>,
    mut state: ResMut<SunHoursState>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
) {
    for (entity, mut t) in &mut tasks {
        let Some(outcome) = future::block_on(future::poll_once(&mut t.task)) else {
            continue;
        };
        commands.entity(entity).despawn();
        jobs.finish(t.job);
        state.running = None;
        match outcome {
            Ok(result) => {
                for n in &result.notes {
                    notices.info(n.clone());
                }
                let label = t.label.clone();
                add_result(&mut state, label, result, None);
            }
            Err(pw_shadow::AnalysisError::Cancelled) => notices.info(i18n.tr("sunhours.cancelled")),
            Err(e) => notices.error(e.to_string()),
        }
    }
}

/// Spawns the overlays of new results and shows/hides them.
#[allow(clippy::too_many_arguments)]
fn sync_overlays(
    mut commands: Commands,
    mut state: ResMut<SunHoursState>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
    mut visibility: Query<&mut Visibility, With<SunHoursOverlay>>,
    frame: Res<SceneFrame>,
    layers: Res<Layers>,
    ground_level: Option<Res<GroundLevel>>,
) {
    let base = ground_level
        .map(|g| g.height)
        .unwrap_or(frame.origin.world[2]);
    for e in &mut state.results {
        if e.ground_entity.is_none()
            && let Some(grid) = &e.result.ground
        {
            let image = images.add(grid_image(grid, e.classes()));
            let material = materials.add(StandardMaterial {
                base_color_texture: Some(image),
                unlit: true,
                // Cells under buildings are cut out; the rest is opaque, so
                // no sorting against the scene's other transparent things.
                alpha_mode: AlphaMode::Mask(0.5),
                double_sided: true,
                cull_mode: None,
                ..default()
            });
            let mesh = meshes.add(draped_mesh(grid, &frame, &layers.terrain_stack(), base));
            e.ground_entity = Some(
                commands
                    .spawn((
                        Name::new(format!("Sonnenstunden {}", e.label)),
                        SunHoursOverlay,
                        Mesh3d(mesh),
                        MeshMaterial3d(material),
                        Transform::IDENTITY,
                        Visibility::Hidden,
                    ))
                    .id(),
            );
        }
        if e.facade_entity.is_none() && !e.result.facades.samples.is_empty() {
            let material = materials.add(StandardMaterial {
                base_color: Color::WHITE,
                unlit: true,
                double_sided: true,
                cull_mode: None,
                ..default()
            });
            let mesh = meshes.add(facade_mesh(&e.result, &frame, e.classes()));
            e.facade_entity = Some(
                commands
                    .spawn((
                        Name::new(format!("Fassaden {}", e.label)),
                        SunHoursOverlay,
                        Mesh3d(mesh),
                        MeshMaterial3d(material),
                        Transform::IDENTITY,
                        Visibility::Hidden,
                    ))
                    .id(),
            );
        }
        for (entity, shown) in [
            (e.ground_entity, e.show_ground),
            (e.facade_entity, e.show_facades),
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
}

/// The grid as an sRGB image in the class colours (row 0 = north).
pub fn grid_image(grid: &pw_terrain::Grid, classes: &[(f32, [u8; 3])]) -> Image {
    let data: Vec<u8> = grid
        .values
        .iter()
        .flat_map(|v| class_colour(classes, *v))
        .collect();
    let mut image = Image::new(
        Extent3d {
            width: grid.width as u32,
            height: grid.height as u32,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    // Cells stay cells: no blurring between them.
    image.sampler = ImageSampler::nearest();
    image
}

/// A lattice over the grid (≤ 129 × 129 vertices) following the terrain,
/// lifted 0.3 m so it never sinks into it.
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
            let z = terrain.height_at(x, y).unwrap_or(base) + 0.3;
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

/// One small square per facade/roof sample, in its surface's plane, just
/// off the surface, in the class colour of its hours.
pub fn facade_mesh(result: &SunHours, frame: &SceneFrame, classes: &[(f32, [u8; 3])]) -> Mesh {
    let f = &result.facades;
    let spacing: f32 = result
        .run
        .get("sample_spacing_m")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let half = 0.42 * spacing;
    let mut positions = Vec::with_capacity(f.samples.len() * 4);
    let mut colours = Vec::with_capacity(f.samples.len() * 4);
    let mut indices = Vec::with_capacity(f.samples.len() * 6);
    for s in &f.samples {
        let n = f.surfaces[s.surface as usize].normal;
        let (u, v) = pw_shadow::vec3::plane_basis(n);
        let w = f.world(s);
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
        let c = class_colour(classes, s.hours);
        let l = Color::srgba_u8(c[0], c[1], c[2], 255).to_linear();
        colours.extend(std::iter::repeat_n([l.red, l.green, l.blue, 1.0], 4));
        indices.extend_from_slice(&[base, base + 1, base + 2, base, base + 2, base + 3]);
    }
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
