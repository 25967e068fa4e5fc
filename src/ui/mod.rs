//! The egui shell: top bar, layer tree, inspector, time bar, status bar, dialogs, and the
//! analysis and plan panels — pure functions returning [`UiAction`]s that this plugin applies.

pub mod actions;
pub mod analysis_panel;
pub mod attribute_table;
pub mod bookmarks;
pub mod compare_bar;
pub mod compass;
pub mod crs_picker;
pub mod dialogs;
pub mod inspector;
pub mod keyboard;
pub mod kiosk_panel;
pub mod labels;
pub mod layer_tree;
pub mod layout;
pub mod look;
pub mod numbers;
pub mod online_panel;
pub mod participation_panel;
pub mod plan_panel;
pub mod sensor_panel;
pub mod status_bar;
pub mod theme;
pub mod time_bar;
pub mod top_bar;
pub mod vector_style;

#[cfg(test)]
mod tests;

use crate::base::i18n::I18n;
use crate::base::jobs::{Jobs, Notices};
use crate::base::settings::UserSettings;
use crate::layers::city_draw::{BuildingCommand, CityLayers, Selection};
use crate::layers::{ActiveScene, Layers, SceneCommand};
use crate::view::camera::{CameraCommand, FIELD_OF_VIEW_DEG, OrbitCamera, PointerOverUi};
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;
use crate::view::picking::CursorWorld;
pub use actions::{AppMode, Dialog, UiAction};
use bevy::camera::CameraOutputMode;
use bevy::camera::visibility::RenderLayers;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::{FileDragAndDrop, PrimaryWindow};
use bevy_egui::{
    EguiContexts, EguiGlobalSettings, EguiPlugin, EguiPrimaryContextPass, PrimaryEguiContext, egui,
};
use dialogs::FileChooser;
use inspector::InspectorData;

#[derive(Resource, Debug, Default)]
pub struct UiState {
    pub mode: AppMode,
    pub settings_open: bool,
    pub about_open: bool,
    pub file_chooser: Option<FileChooser>,
    /// The picture dialog, open with the size chosen.
    pub picture: Option<dialogs::PictureDialog>,
    /// The kiosk's PIN pad, open with what was typed, and whether the last
    /// try was wrong.
    pub kiosk_pin: Option<(String, bool)>,
    /// A scene to open once the user said what becomes of unsaved changes.
    pub confirm_open: Option<std::path::PathBuf>,
    /// Saved first; opened when the save went through (frames waited).
    pub open_after_save: Option<(std::path::PathBuf, u32)>,
    /// Central area left for the 3D view, in egui points.
    pub viewport: Option<egui::Rect>,
    pub style_editor: Option<vector_style::StyleEditor>,
    pub table: Option<attribute_table::AttributeTable>,
    pub crs_picker: Option<crs_picker::CrsPicker>,
    /// The window for layers from the web, with what was typed in it.
    pub online: Option<online_panel::OnlineForm>,
    /// What waits for the export chooser's answer, and the folder of the
    /// last export (the next one offers it again).
    pub export_target: Option<actions::ExportTarget>,
    pub export_dir: Option<std::path::PathBuf>,
    /// The drawer open on a narrow window, and the selection it was opened
    /// for (a new pick opens the inspector).
    pub drawer: layout::Drawer,
    pub drawer_picked: Option<(crate::layers::LayerId, usize)>,
    /// Layers whose CRS question was shown once by itself (asked again
    /// only from the layer tree).
    pub crs_asked: Vec<crate::layers::LayerId>,
    /// The scenes beside the open one, for the scene it was read for.
    pub scene_choices: (
        Option<std::path::PathBuf>,
        Vec<(std::path::PathBuf, String)>,
    ),
}

/// Actions produced by the panels this frame, applied in `Update`.
#[derive(Resource, Debug, Default)]
pub struct PendingUiActions(pub Vec<UiAction>);

/// The UI logic without the egui renderer: action handling and file drops.
/// Used alone in tests.
pub struct UiLogicPlugin;

impl Plugin for UiLogicPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiState>()
            .init_resource::<PendingUiActions>()
            .add_message::<BuildingCommand>()
            .add_message::<crate::analysis::AnalysisCommand>()
            .add_message::<crate::scenario::ScenarioCommand>()
            .add_message::<crate::plan::PlanCommand>()
            .add_message::<crate::picture::PictureCommand>()
            .add_message::<crate::participation::ParticipationCommand>()
            .add_message::<FileDragAndDrop>()
            .init_resource::<crate::base::audience::Audience>()
            .init_resource::<look::SceneLook>()
            .add_systems(Update, look::follow_scene)
            .init_resource::<online_panel::StartSearch>()
            .add_systems(Update, online_panel::start_search.before(apply_ui_actions))
            .add_systems(
                Update,
                (handle_dropped_files, apply_ui_actions)
                    .chain()
                    .before(crate::layers::LayersSystems),
            )
            .add_systems(
                Update,
                (
                    sync_audience.before(crate::layers::withhold_restricted),
                    forget_withheld.after(crate::layers::withhold_restricted),
                    open_workshop_of_scene,
                ),
            );
    }
}

/// Workshop mode is the public's, and so are the workshop's pictures:
/// restricted layers are withheld.
fn sync_audience(
    ui: Res<UiState>,
    pictures: Option<Res<crate::base::audience::PicturesForThePublic>>,
    mut audience: ResMut<crate::base::audience::Audience>,
) {
    let wanted = crate::base::audience::Audience {
        public: ui.mode.public() || pictures.is_some_and(|p| p.0),
        kiosk: ui.mode == AppMode::Kiosk,
    };
    if *audience != wanted {
        *audience = wanted;
    }
}

/// What the desk had open of a layer now withheld goes: its attribute
/// table and a picked object of it (the inspector would show its card).
fn forget_withheld(
    layers: Res<Layers>,
    city: Res<CityLayers>,
    mut ui: ResMut<UiState>,
    mut selection: ResMut<Selection>,
) {
    if !layers.is_changed() {
        return;
    }
    let withheld = |id: crate::layers::LayerId| {
        let owner = city.layers.get(&id).map_or(id, |l| l.owner);
        [id, owner]
            .into_iter()
            .any(|i| layers.get(i).is_some_and(|e| e.withheld))
    };
    if ui.table.as_ref().is_some_and(|t| withheld(t.layer)) {
        ui.table = None;
    }
    if selection.picked.is_some_and(|(id, _)| withheld(id)) {
        selection.picked = None;
    }
}

/// In workshop mode, a scene with a `[workshop]` section opens its workshop
/// (the phones' page) by itself once its layers are loaded, once per scene.
fn open_workshop_of_scene(
    ui: Res<UiState>,
    active: Res<ActiveScene>,
    layers: Res<Layers>,
    participation: Option<ResMut<crate::participation::Participation>>,
    mut commands: MessageWriter<crate::participation::ParticipationCommand>,
) {
    let Some(mut participation) = participation else {
        return;
    };
    let key = crate::participation::scene_key(&active);
    if ui.mode != AppMode::Workshop
        || active.scene.workshop.is_none()
        || participation.session.is_some()
        || participation.auto_started_for.as_deref() == Some(key.as_str())
        || layers.entries.is_empty()
        || layers
            .entries
            .iter()
            .any(|e| e.status == crate::layers::LayerStatus::Loading)
    {
        return;
    }
    participation.auto_started_for = Some(key);
    commands.write(crate::participation::ParticipationCommand::Start);
}

/// The full UI: egui drawing plus [`UiLogicPlugin`].
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(EguiPlugin::default())
            .add_plugins(UiLogicPlugin)
            .add_systems(Startup, spawn_ui_camera)
            .add_systems(
                EguiPrimaryContextPass,
                (draw_ui, labels::draw_labels, draw_sensor_labels).chain(),
            );
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_sensor_labels(
    mut contexts: EguiContexts,
    markers: Res<crate::sensors::markers::SensorMarkers>,
    clock: Res<SceneClock>,
    frame: Res<SceneFrame>,
    ui_state: Res<UiState>,
    i18n: Res<I18n>,
    cameras: Query<(&Camera, &GlobalTransform), With<OrbitCamera>>,
    window: Query<&Window, With<PrimaryWindow>>,
) -> Result {
    let (Some(viewport), Ok((camera, transform)), Ok(window)) =
        (ui_state.viewport, cameras.single(), window.single())
    else {
        return Ok(());
    };
    if markers.items.is_empty() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let to_points = window.scale_factor() / ctx.pixels_per_point();
    let screen: Vec<Option<(egui::Pos2, f32)>> = markers
        .items
        .iter()
        .map(|m| {
            let v = camera
                .world_to_viewport_with_depth(transform, frame.world_to_bevy(m.world))
                .ok()?;
            Some((egui::pos2(v.x * to_points, v.y * to_points), v.z))
        })
        .collect();
    sensor_panel::marker_labels(
        &ctx,
        viewport,
        &markers,
        &screen,
        clock.instant.as_millisecond(),
        &clock.time_zone,
        &i18n,
    );
    Ok(())
}

/// egui gets its own camera drawn over the 3D view: the 3D camera's
/// viewport shrinks to the space between the panels, the UI must not.
fn spawn_ui_camera(mut commands: Commands, mut egui_settings: ResMut<EguiGlobalSettings>) {
    egui_settings.auto_create_primary_context = false;
    commands.spawn((
        Name::new("UI-Kamera"),
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            // After both views of a comparison (orders 0 and 1).
            order: 2,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// A dropped file becomes a layer; a city model dropped while a variant
/// is shown becomes a design of the variant, standing where it was dropped
/// (the pointer's point of the map, else the view's centre).
fn handle_dropped_files(
    mut drops: MessageReader<FileDragAndDrop>,
    // Through the UI's actions: a scene dropped over unsaved changes asks.
    mut pending: ResMut<PendingUiActions>,
    mut plan: MessageWriter<crate::plan::PlanCommand>,
    scenario: Option<Res<crate::scenario::ScenarioState>>,
    cursor: Option<Res<crate::view::picking::CursorWorld>>,
    orbit: Query<&crate::view::camera::OrbitCamera>,
    frame: Option<Res<crate::view::frame::SceneFrame>>,
    ui_mode: Option<Res<UiState>>,
) {
    // Only at the desk: in a workshop or the showroom nothing is loaded by
    // dropping files on the window.
    if ui_mode.is_some_and(|u| u.mode != AppMode::Planning) {
        drops.clear();
        return;
    }
    for drop in drops.read() {
        let FileDragAndDrop::DroppedFile { path_buf, .. } = drop else {
            continue;
        };
        let in_variant = scenario.as_ref().is_some_and(|s| s.active.is_some());
        if in_variant && pw_plan::design::is_design_file(path_buf) {
            let under_pointer = cursor.as_ref().and_then(|c| c.world);
            let centre = orbit
                .single()
                .ok()
                .zip(frame.as_ref())
                .map(|(o, f)| f.bevy_to_world(o.target));
            let at = under_pointer
                .or(centre)
                .map(|p| [p[0].round(), p[1].round()]);
            plan.write(crate::plan::PlanCommand::ImportDesign {
                path: path_buf.clone(),
                at,
            });
        } else {
            pending
                .0
                .push(UiAction::Scene(SceneCommand::AddFile(path_buf.clone())));
        }
    }
}

/// The scene open now and whether anything of it is unsaved (the scene
/// itself or its variants).
#[derive(SystemParam)]
struct OpenScene<'w> {
    active: Res<'w, ActiveScene>,
    scenario: Option<Res<'w, crate::scenario::ScenarioState>>,
}

impl OpenScene<'_> {
    fn unsaved(&self) -> bool {
        self.active.dirty || self.scenario.as_ref().is_some_and(|s| s.dirty)
    }
}

fn is_scene_file(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("scene"))
}

/// Frames an "open after saving" waits for the save before it is dropped
/// (a save that failed said so; the user decides again).
const OPEN_AFTER_SAVE_FRAMES: u32 = 300;

#[allow(clippy::too_many_arguments)]
fn apply_ui_actions(
    mut pending: ResMut<PendingUiActions>,
    mut ui_state: ResMut<UiState>,
    mut settings: ResMut<UserSettings>,
    mut scene: MessageWriter<SceneCommand>,
    mut camera: MessageWriter<CameraCommand>,
    mut building: MessageWriter<BuildingCommand>,
    // Analysis and scenario commands go out through `Commands` (a system
    // takes at most 16 parameters).
    mut commands: Commands,
    jobs: Res<Jobs>,
    mut notices: ResMut<Notices>,
    mut selection: ResMut<Selection>,
    open: OpenScene,
    frame: Res<SceneFrame>,
    i18n: Res<I18n>,
    orbit: Query<&OrbitCamera>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
) {
    let active = &open.active;
    // "Save and open": the other scene opens once the save went through.
    if let Some((path, waited)) = ui_state.open_after_save.take() {
        if !open.unsaved() {
            scene.write(SceneCommand::Open(path));
        } else if waited < OPEN_AFTER_SAVE_FRAMES {
            ui_state.open_after_save = Some((path, waited + 1));
        }
    }
    for action in std::mem::take(&mut pending.0) {
        match action {
            // Another scene while this one has unsaved changes: ask first.
            UiAction::Scene(SceneCommand::Open(path) | SceneCommand::AddFile(path))
                if is_scene_file(&path) && open.unsaved() =>
            {
                ui_state.confirm_open = Some(path);
            }
            UiAction::OpenScene { path, save_first } => {
                ui_state.confirm_open = None;
                if save_first {
                    scene.write(SceneCommand::Save);
                    ui_state.open_after_save = Some((path, 0));
                } else {
                    scene.write(SceneCommand::Open(path));
                }
            }
            UiAction::Close(Dialog::UnsavedChanges) => ui_state.confirm_open = None,
            UiAction::Close(Dialog::CrsPicker) => ui_state.crs_picker = None,
            UiAction::Open(Dialog::Online) => {
                ui_state.online.get_or_insert_with(Default::default);
            }
            UiAction::Close(Dialog::Online) => ui_state.online = None,
            UiAction::Online(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::CloseTable => ui_state.table = None,
            UiAction::ChooseExport { what, name } => {
                // Named by place first: the city of the scene, else its name.
                let place = if active.scene.city.name.is_empty() {
                    active.scene.name.clone()
                } else {
                    active.scene.city.name.clone()
                };
                let stem = pw_analysis::export::file_stem(&format!("{place} {name}"));
                let dir = ui_state.export_dir.clone().unwrap_or_else(|| {
                    crate::base::places::user_folder(active.path.as_deref()).join("ergebnisse")
                });
                // The folder may not exist yet.
                let _ = std::fs::create_dir_all(&dir);
                ui_state.export_target = Some(what);
                ui_state.file_chooser = Some(FileChooser::new(Dialog::Export, &dir, &stem));
            }
            UiAction::ExportTo(path) => {
                ui_state.export_dir = path.parent().map(|d| d.to_path_buf());
                let dir = path.parent().map(|d| d.to_path_buf()).unwrap_or_default();
                match ui_state.export_target.take() {
                    Some(actions::ExportTarget::Result(id)) => {
                        // The parts get their own endings.
                        let stem = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let stem = dialogs::export_stem(&stem).to_string();
                        commands.write_message(crate::analysis::AnalysisCommand::Export {
                            id,
                            dir,
                            stem,
                        });
                    }
                    Some(actions::ExportTarget::Figures) => {
                        commands.write_message(crate::analysis::AnalysisCommand::ExportFigures(
                            with_ending(&path, "csv"),
                        ));
                    }
                    Some(actions::ExportTarget::Picture { width, height }) => {
                        commands.write_message(crate::picture::PictureCommand::Take {
                            width,
                            height,
                            path: Some(with_ending(&path, "png")),
                        });
                    }
                    None => {}
                }
            }
            UiAction::Drawer(d) => {
                // A second tap on the open drawer closes it.
                ui_state.drawer = if ui_state.drawer == d {
                    layout::Drawer::Closed
                } else {
                    d
                };
            }
            UiAction::ChooseCrs(id) => {
                if let Some(entry) = layers.get(id)
                    && let crate::layers::LayerStatus::NeedsCrs(q) = &entry.status
                {
                    ui_state.crs_picker = Some(crs_picker::CrsPicker::new(
                        id,
                        &entry.def.name,
                        (**q).clone(),
                    ));
                }
            }
            UiAction::Scene(cmd) => {
                scene.write(cmd);
            }
            UiAction::Camera(cmd) => {
                camera.write(cmd);
            }
            UiAction::Building(cmd) => {
                building.write(cmd);
            }
            UiAction::SetMode(mode) => {
                ui_state.mode = mode;
                ui_state.kiosk_pin = None;
            }
            UiAction::Open(Dialog::KioskPin) => ui_state.kiosk_pin = Some((String::new(), false)),
            UiAction::Close(Dialog::KioskPin) => ui_state.kiosk_pin = None,
            UiAction::Kiosk(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::SetLanguage(lang) => settings.language = lang,
            UiAction::SetUiScale(s) => {
                settings.ui_scale = s.clamp(
                    crate::base::settings::MIN_UI_SCALE,
                    crate::base::settings::MAX_UI_SCALE,
                )
            }
            UiAction::SetHighContrast(hc) => settings.high_contrast = hc,
            UiAction::Open(Dialog::Settings) => ui_state.settings_open = true,
            UiAction::Open(Dialog::About) => ui_state.about_open = true,
            UiAction::Open(Dialog::Picture) => {
                ui_state.picture = Some(ui_state.picture.clone().unwrap_or_default())
            }
            UiAction::Close(Dialog::Picture) => ui_state.picture = None,
            UiAction::Open(purpose) => {
                // Saving: beside the user's scene, never into the program's
                // bundled scenes; opening: where the scene is.
                let dir = if purpose == Dialog::SaveAs {
                    let dir = crate::base::places::user_folder(active.path.as_deref());
                    // The documents folder may not exist yet.
                    let _ = std::fs::create_dir_all(&dir);
                    dir
                } else {
                    active
                        .path
                        .as_ref()
                        .and_then(|p| std::path::absolute(p).ok())
                        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
                        .or_else(|| std::env::current_dir().ok())
                        .unwrap_or_default()
                };
                let name = if purpose == Dialog::SaveAs {
                    active
                        .path
                        .as_ref()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                ui_state.file_chooser = Some(FileChooser::new(purpose, &dir, &name));
            }
            UiAction::Close(Dialog::Settings) => ui_state.settings_open = false,
            UiAction::Close(Dialog::About) => ui_state.about_open = false,
            UiAction::Close(_) => ui_state.file_chooser = None,
            UiAction::CancelJob(id) => jobs.cancel(id),
            UiAction::DismissNotice(i) => {
                if i < notices.items.len() {
                    notices.items.remove(i);
                }
            }
            UiAction::BookmarkCurrentView => {
                if let Ok(o) = orbit.single() {
                    let n = active.scene.bookmarks.len() + 1;
                    let name = i18n.trf("bookmarks.default_name", &[("n", &n)]);
                    scene.write(SceneCommand::AddBookmark(o.to_bookmark(name, &frame)));
                }
            }
            UiAction::ClearSelection => selection.picked = None,
            UiAction::SelectObject(layer, object) => selection.picked = Some((layer, object)),
            UiAction::OpenStyleEditor(id) => {
                if let (Some(entry), Some(extras)) = (
                    layers.get(id),
                    city.layers.get(&id).and_then(|c| c.city.vector.as_ref()),
                ) {
                    ui_state.style_editor = Some(vector_style::StyleEditor {
                        layer: id,
                        layer_name: entry.def.name.clone(),
                        draft: entry.def.style.clone(),
                        fields: extras.fields.clone(),
                        city: !extras.on_ground,
                    });
                }
            }
            UiAction::OpenTable(id) => {
                if let (Some(entry), Some(extras)) = (
                    layers.get(id),
                    city.layers.get(&id).and_then(|c| c.city.vector.as_ref()),
                ) {
                    let mut table = attribute_table::AttributeTable::new(
                        id,
                        entry.def.name.clone(),
                        extras.fields.iter().map(|(n, _)| n.clone()).collect(),
                    );
                    table.buildings_only = !extras.on_ground;
                    ui_state.table = Some(table);
                }
            }
            UiAction::Analysis(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::Plan(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::Scenario(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::Compare(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::Picture(cmd) => {
                commands.write_message(cmd);
            }
            UiAction::Participation(cmd) => {
                commands.write_message(cmd);
            }
        }
    }
    // A question whose layer went (removed, another scene) or got its
    // answer closes.
    if let Some(p) = &ui_state.crs_picker
        && !layers
            .get(p.layer)
            .is_some_and(|e| matches!(e.status, crate::layers::LayerStatus::NeedsCrs(_)))
    {
        ui_state.crs_picker = None;
    }
    // A layer whose coordinates need a CRS asks by itself, once, at the
    // desk; citizens never see the question.
    if ui_state.crs_picker.is_none() && ui_state.mode == AppMode::Planning {
        let asking = layers.entries.iter().find_map(|e| match &e.status {
            crate::layers::LayerStatus::NeedsCrs(q) if !ui_state.crs_asked.contains(&e.id) => {
                Some((e.id, e.def.name.clone(), (**q).clone()))
            }
            _ => None,
        });
        if let Some((id, name, question)) = asking {
            ui_state.crs_asked.push(id);
            ui_state.crs_picker = Some(crs_picker::CrsPicker::new(id, &name, question));
        }
    }
}

/// `path` ending in `.ending` (any case), added where the name lacks it.
fn with_ending(path: &std::path::Path, ending: &str) -> std::path::PathBuf {
    let mut path = path.to_path_buf();
    if path
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case(ending))
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        path.set_file_name(format!("{name}.{ending}"));
    }
    path
}

/// On a narrow window: the side panels as drawers, opened from the top
/// left of the 3D view.
fn drawer_buttons(
    ctx: &egui::Context,
    viewport: egui::Rect,
    open: layout::Drawer,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    egui::Area::new(egui::Id::new("drawers"))
        .fixed_pos(viewport.left_top() + egui::vec2(8.0, 8.0))
        .show(ctx, |ui| {
            // On a panel's ground, so they read over any map.
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (drawer, key) in [
                        (layout::Drawer::Layers, "drawer.layers"),
                        (layout::Drawer::Inspector, "drawer.inspector"),
                    ] {
                        let button = egui::Button::selectable(open == drawer, i18n.tr(key));
                        if ui.add(button).clicked() {
                            actions.push(UiAction::Drawer(drawer));
                        }
                    }
                });
            });
        });
    actions
}

/// The selected feature as an area for the sensors (its name, else id).
fn selected_sensor_area(d: &UiData) -> Option<crate::sensors::state::SensorArea> {
    let (layer, object) = d.selection.picked?;
    let o = d.city.layers.get(&layer)?.city.model.objects.get(object)?;
    let name = ["name", "Name", "NAME", "gml:name"]
        .iter()
        .find_map(|k| o.attribute(k))
        .unwrap_or(&o.id);
    crate::sensors::state::SensorArea::of_object(name, o)
}

/// Sensor panel actions act on the sensors' view and the clock at once.
fn apply_sensor_actions(
    sensors: &mut crate::sensors::state::Sensors,
    clock: &mut SceneClock,
    actions: Vec<sensor_panel::SensorAction>,
    view_area: Option<[f64; 4]>,
    selected_area: Option<crate::sensors::state::SensorArea>,
) {
    use sensor_panel::SensorAction as A;
    for action in actions {
        let view = &mut sensors.view;
        match action {
            A::ShowCategory(c, true) => {
                view.hidden_categories.remove(&c);
            }
            A::ShowCategory(c, false) => {
                view.hidden_categories.insert(c);
            }
            A::AreaFromView => view.area = view_area.map(crate::sensors::state::SensorArea::Rect),
            A::AreaFromSelection => view.area = selected_area.clone(),
            A::ClearArea => view.area = None,
            A::Close => view.selected = None,
            A::Plot(keys) => view.plotted = keys.into_iter().collect(),
            A::Record(i, on) => sensors.record_request = Some((i, on)),
            A::Open(i, id) => {
                view.selected = Some((i, id));
                view.plotted.clear();
            }
            A::SetTime(ms) => {
                if let Ok(t) = jiff::Timestamp::from_millisecond(ms) {
                    clock.instant = t;
                    clock.live = false;
                }
            }
        }
        sensors.version += 1;
    }
}

#[derive(SystemParam)]
struct UiData<'w> {
    settings: Res<'w, UserSettings>,
    i18n: Res<'w, I18n>,
    active: Res<'w, ActiveScene>,
    layers: Res<'w, Layers>,
    selection: Res<'w, Selection>,
    city: Res<'w, CityLayers>,
    cursor: Res<'w, CursorWorld>,
    frame: Res<'w, SceneFrame>,
    jobs: Res<'w, Jobs>,
    notices: Res<'w, Notices>,
    sun: Option<Res<'w, crate::view::sun::Sun>>,
    scenario: Option<Res<'w, crate::scenario::ScenarioState>>,
    plan_editor: Option<Res<'w, crate::plan::PlanEditor>>,
    kiosk: Option<Res<'w, crate::participation::kiosk::Kiosk>>,
    picture: Option<Res<'w, crate::picture::PictureState>>,
    online: Option<Res<'w, crate::layers::online::OnlineData>>,
}

#[derive(SystemParam)]
struct UiOut<'w, 's> {
    ui_state: ResMut<'w, UiState>,
    sun_path: Option<ResMut<'w, crate::view::sun::SunPathVisible>>,
    analysis: Option<ResMut<'w, crate::analysis::AnalysisState>>,
    analyses: Option<Res<'w, crate::analysis::Analyses>>,
    clock: ResMut<'w, SceneClock>,
    sensors: Option<ResMut<'w, crate::sensors::state::Sensors>>,
    participation: Option<ResMut<'w, crate::participation::Participation>>,
    workshop_pictures: Option<Res<'w, crate::participation::pictures::PictureSeries>>,
    pending: ResMut<'w, PendingUiActions>,
    over_ui: ResMut<'w, PointerOverUi>,
    typing: ResMut<'w, crate::view::camera::KeyboardOverUi>,
    cameras:
        Query<'w, 's, (&'static mut Camera, &'static OrbitCamera), Without<PrimaryEguiContext>>,
    window: Query<'w, 's, &'static Window, With<PrimaryWindow>>,
    view_area: ResMut<'w, crate::view::compare::ViewArea>,
    comparison: Res<'w, crate::view::compare::Comparison>,
    look: ResMut<'w, look::SceneLook>,
}

fn inspector_data(d: &UiData) -> Option<InspectorData> {
    let (layer, object) = d.selection.picked?;
    let city = d.city.layers.get(&layer)?;
    let name = d
        .layers
        .get(city.owner)
        .map(|l| l.def.name.clone())
        .unwrap_or_default();
    let removed = d.scenario.as_ref().map_or(0, |s| s.edits.removed.len());
    let mut data = InspectorData::new(layer, &name, &city.city.model, object, removed)?;
    // A line of the layer the scene takes its road network from is a road
    // as an OpenStreetMap way is: it can be closed and changed.
    data.road |= d
        .active
        .scene
        .traffic
        .as_ref()
        .and_then(|t| t.network.as_ref())
        .is_some_and(|n| n.layer == name);
    data.road_classes = crate::scenario::traffic::road_classes_of(&d.active.scene);
    data.planned = d
        .scenario
        .as_ref()
        .is_some_and(|s| s.volumes_layer == Some(layer));
    data.changes = d
        .scenario
        .as_ref()
        .and_then(|s| s.plan.get(s.active.as_deref()?))
        .map(|v| v.attributes_of(&data.id))
        .unwrap_or_default();
    Some(data)
}

/// What the theme was last applied for: UI scale, high contrast, mode,
/// the scene's accent.
type ThemeKey = (f32, bool, AppMode, Option<egui::Color32>);

fn draw_ui(
    mut contexts: EguiContexts,
    data: UiData,
    mut out: UiOut,
    mut themed: Local<Option<ThemeKey>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let i18n = &*data.i18n;
    let mode = out.ui_state.mode;
    let accent = out.look.accent;
    let key = (
        data.settings.ui_scale,
        data.settings.high_contrast,
        mode,
        accent,
    );
    if *themed != Some(key) {
        theme::apply(&ctx, &data.settings, mode, accent);
        *themed = Some(key);
    }
    if out.look.texture.is_none()
        && let Some(logo) = out.look.logo.clone()
    {
        out.look.texture =
            Some(ctx.load_texture("scene_logo", (*logo).clone(), egui::TextureOptions::LINEAR));
    }
    let mut actions = Vec::new();
    let mut sensor_actions = Vec::new();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::top("top_bar").show(&mut root, |ui| {
        if out.ui_state.scene_choices.0 != data.active.path {
            out.ui_state.scene_choices = (
                data.active.path.clone(),
                data.active
                    .path
                    .as_deref()
                    .map(top_bar::scenes_beside)
                    .unwrap_or_default(),
            );
        }
        let m = top_bar::TopBarModel {
            scene_name: &data.active.scene.name,
            dirty: data.active.dirty,
            has_path: data.active.path.is_some(),
            mode,
            language: data.settings.language,
            scenes: &out.ui_state.scene_choices.1,
            kiosk_pin: data
                .active
                .scene
                .kiosk
                .as_ref()
                .is_some_and(|k| k.pin.is_some()),
            logo: out
                .look
                .logo
                .as_ref()
                .map(|l| egui::vec2(l.size[0] as f32, l.size[1] as f32)),
            logo_texture: out.look.texture.as_ref().map(|t| t.id()),
        };
        actions.extend(top_bar::top_bar(ui, &m, i18n));
        // The city's colour along the bar's lower edge, on the bar's own
        // layer (windows stay above it); high contrast keeps its white line.
        if let Some(accent) = accent.filter(|_| !data.settings.high_contrast) {
            let r = ui.clip_rect();
            ui.painter().hline(
                r.x_range(),
                r.bottom() - 1.5,
                egui::Stroke::new(3.0, accent),
            );
        }
    });
    let orbit = out.cameras.single().map(|(_, o)| *o).ok();
    if mode == AppMode::Kiosk {
        // The showroom: the tour's caption and steps, nothing else below.
        let station = data.kiosk.as_ref().map_or(0, |k| k.station);
        egui::Panel::bottom("kiosk_tour").show(&mut root, |ui| {
            actions.extend(kiosk_panel::tour_bar(ui, &data.active.scene, station, i18n));
        });
    }
    if mode != AppMode::Kiosk {
        egui::Panel::bottom("status_bar").show(&mut root, |ui| {
            let vh = out.ui_state.viewport.map(|r| r.height()).unwrap_or(600.0);
            let mpp = orbit
                .map(|o| 2.0 * o.distance * (FIELD_OF_VIEW_DEG * 0.5).to_radians().tan() / vh)
                .unwrap_or(f32::NAN);
            let m = status_bar::StatusModel {
                crs_label: data.frame.crs.to_string(),
                cursor_world: data.cursor.world,
                cursor_wgs84: data.cursor.world.and_then(|p| data.frame.world_to_wgs84(p)),
                metres_per_pixel: mpp,
                jobs: &data.jobs.running,
                workshop: mode.public(),
            };
            actions.extend(status_bar::status_bar(ui, &m, i18n));
        });
        egui::Panel::bottom("time_bar").show(&mut root, |ui| {
            // The time bar edits the global clock directly.
            let sun = data.sun.as_ref().and_then(|s| s.position);
            let mut path = out.sun_path.as_ref().is_some_and(|p| p.0);
            time_bar::time_bar(ui, &mut out.clock, i18n, mode.public(), sun, &mut path);
            if let Some(p) = out.sun_path.as_mut()
                && p.0 != path
            {
                p.0 = path;
            }
        });
    }
    let sides = layout::Sides::for_window(ctx.viewport_rect().width());
    if sides.narrow && data.selection.picked != out.ui_state.drawer_picked {
        out.ui_state.drawer_picked = data.selection.picked;
        if data.selection.picked.is_some() {
            out.ui_state.drawer = layout::Drawer::Inspector;
        }
    }
    let drawer = out.ui_state.drawer;
    if mode == AppMode::Planning && sides.shows_layers(drawer) {
        egui::Panel::left("layers")
            .resizable(true)
            .default_size(300f32.min(sides.left_max))
            // Never narrower than its longest word ("Eigenschaften" was
            // broken in two in a panel dragged narrow).
            .min_size(layout::MIN_SIDE_PT.min(sides.left_max))
            .max_size(sides.left_max)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    actions.extend(layer_tree::layer_tree(ui, &data.layers.entries, i18n));
                    if let Some(s) = out.sensors.as_ref()
                        && !s.sources.is_empty()
                    {
                        ui.separator();
                        let area = selected_sensor_area(&data).and_then(|a| match a {
                            crate::sensors::state::SensorArea::Shape { name, .. } => Some(name),
                            crate::sensors::state::SensorArea::Rect(_) => None,
                        });
                        sensor_actions.extend(sensor_panel::sensor_tree(
                            ui,
                            s,
                            area.as_deref(),
                            i18n,
                        ));
                    }
                    ui.separator();
                    actions.extend(bookmarks::bookmarks(
                        ui,
                        &data.active.scene.bookmarks,
                        true,
                        i18n,
                    ));
                    if let (Some(s), Some(a)) = (out.analysis.as_mut(), out.analyses.as_ref()) {
                        ui.separator();
                        if let Some(sc) = data.scenario.as_ref() {
                            actions.extend(analysis_panel::scenario_status(ui, sc, i18n));
                            if let Some(editor) = data.plan_editor.as_ref() {
                                let variant = sc.active.as_deref().and_then(|n| sc.plan.get(n));
                                actions.extend(plan_panel::plan_panel(ui, editor, variant, i18n));
                            }
                            ui.separator();
                        }
                        actions.extend(analysis_panel::analysis_panel(ui, &a.0, s, i18n));
                    }
                });
            });
    }
    if mode == AppMode::Planning && sides.shows_inspector(drawer) {
        // Resizable by hand, but a long value wraps rather than widening it.
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(320f32.min(sides.right_max))
            .min_size(layout::MIN_SIDE_PT.min(sides.right_max))
            .max_size(sides.right_max)
            .show(&mut root, |ui| {
                actions.extend(inspector::inspector(
                    ui,
                    inspector_data(&data).as_ref(),
                    i18n,
                ));
            });
    } else if mode == AppMode::Workshop {
        // Workshop: the participation panel on the right (QR code, tally,
        // the table's contribution, the list), the saved views on the left.
        if let Some(p) = out.participation.as_mut() {
            let zone = out.clock.time_zone.clone();
            // A third of the window at most: the 3D view keeps over half
            // (with the views on the left, a fifth at most).
            let window = ctx.viewport_rect().width();
            let width = (window * 0.3).min(420.0).max((window * 0.3).min(280.0));
            egui::Panel::right("participation")
                .resizable(false)
                .exact_size(width)
                .show(&mut root, |ui| {
                    actions.extend(participation_panel::participation_panel(
                        ui,
                        p,
                        out.workshop_pictures.as_deref(),
                        i18n,
                        &zone,
                    ));
                });
        }
        // Workshop: only the saved views, large, on the left.
        egui::Panel::left("workshop_views")
            .resizable(false)
            .max_size(ctx.viewport_rect().width() * 0.2)
            .show(&mut root, |ui| {
                actions.extend(bookmarks::bookmarks(
                    ui,
                    &data.active.scene.bookmarks,
                    false,
                    i18n,
                ));
            });
    }
    if mode.public() {
        // A tapped building: a card in plain words instead of the inspector.
        if let Some(d) = inspector_data(&data) {
            let rect = root.available_rect_before_wrap();
            actions.extend(inspector::citizen_card(&ctx, rect, &d, i18n));
        }
    }
    // The attribute table docks under the 3D view (between the side
    // panels), at most 40 % of its height; the view shrinks above it.
    if let Some(table) = out.ui_state.table.as_mut() {
        match data.city.layers.get(&table.layer) {
            Some(city) => {
                let selected = data
                    .selection
                    .picked
                    .filter(|(l, _)| *l == table.layer)
                    .map(|(_, o)| o);
                let room = root.available_rect_before_wrap().height();
                egui::Panel::bottom("attribute_table")
                    .resizable(true)
                    .default_size(260f32.min(room * 0.4))
                    .max_size(room * 0.4)
                    .show(&mut root, |ui| {
                        let (a, keep) = attribute_table::table_panel(
                            ui,
                            table,
                            &city.city.model.objects,
                            table.layer,
                            selected,
                            i18n,
                        );
                        actions.extend(a);
                        if !keep {
                            actions.push(UiAction::CloseTable);
                        }
                    });
            }
            // The layer is gone or reloading: close with it.
            None if data.layers.get(table.layer).is_none() => out.ui_state.table = None,
            None => {}
        }
    }
    let viewport = root.available_rect_before_wrap();
    out.ui_state.viewport = Some(viewport);
    if let Some(o) = orbit {
        actions.extend(compass::north_arrow(&mut root, viewport, o.heading, i18n));
    }
    if sides.narrow && mode == AppMode::Planning {
        actions.extend(drawer_buttons(&ctx, viewport, drawer, i18n));
    }

    let pin = data
        .active
        .scene
        .kiosk
        .as_ref()
        .and_then(|k| k.pin.clone())
        .unwrap_or_default();
    if let Some((entry, wrong)) = out.ui_state.kiosk_pin.as_mut() {
        actions.extend(kiosk_panel::pin_pad(&ctx, entry, &pin, wrong, i18n));
    }
    if out.ui_state.settings_open && mode != AppMode::Kiosk {
        actions.extend(dialogs::settings_window(&ctx, &data.settings, i18n));
    }
    if let Some(path) = out.ui_state.confirm_open.clone() {
        actions.extend(dialogs::unsaved_window(
            &ctx,
            &path,
            data.active.path.is_some(),
            i18n,
        ));
    }
    if let Some(dialog) = out.ui_state.picture.as_mut() {
        let model = dialogs::PictureModel {
            view_size: out.view_area.0.map(|(_, size)| (size.x, size.y)),
            busy: data.picture.as_ref().is_some_and(|p| p.busy),
            last: data.picture.as_ref().and_then(|p| p.last.clone()),
        };
        actions.extend(dialogs::picture_window(&ctx, dialog, &model, i18n));
    }
    if out.ui_state.about_open {
        // Every loaded layer's credit, shown or not.
        actions.extend(dialogs::about_window(
            &ctx,
            &data.layers.credits(&data.active.scene, false),
            i18n,
        ));
    }
    if let Some(chooser) = out.ui_state.file_chooser.as_mut() {
        actions.extend(chooser.show(&ctx, i18n));
    }
    if let Some(picker) = out.ui_state.crs_picker.as_mut() {
        actions.extend(crs_picker::crs_window(&ctx, picker, i18n));
    }
    if let (Some(form), Some(online)) = (out.ui_state.online.as_mut(), data.online.as_ref()) {
        let model = online_panel::OnlineModel {
            catalogs: data
                .active
                .scene
                .catalogs
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            data: online,
        };
        actions.extend(online_panel::online_window(&ctx, form, &model, i18n));
    }
    actions.extend(dialogs::notices(&ctx, &data.notices.items, viewport, i18n));
    if let Some(s) = out.sensors.as_ref() {
        sensor_actions.extend(sensor_panel::station_window(
            &ctx,
            s,
            out.clock.instant.as_millisecond(),
            &out.clock.time_zone,
            i18n,
        ));
    }
    if let Some(mut s) = out.sensors.take() {
        let area = orbit.map(|o| {
            let c = data.frame.bevy_to_world(o.target);
            let half = (o.distance * (FIELD_OF_VIEW_DEG * 0.5).to_radians().tan()) as f64
                * (viewport.width() / viewport.height().max(1.0)).max(1.0) as f64;
            [c[0] - half, c[1] - half, c[0] + half, c[1] + half]
        });
        apply_sensor_actions(
            &mut s,
            &mut out.clock,
            sensor_actions,
            area,
            selected_sensor_area(&data),
        );
    }
    if let Some(editor) = out.ui_state.style_editor.as_mut() {
        let (a, keep) = vector_style::style_window(&ctx, editor, i18n);
        actions.extend(a);
        if !keep {
            out.ui_state.style_editor = None;
        }
    }
    let legends: Vec<(String, &pw_vector::style::Legend)> = data
        .layers
        .entries
        .iter()
        .filter(|e| e.shown())
        .filter_map(|e| {
            let legend = &data.city.layers.get(&e.id)?.city.vector.as_ref()?.legend;
            (legend.mode != pw_scene::SymbolMode::Single).then(|| (e.def.name.clone(), legend))
        })
        .collect();
    vector_style::legend_overlay(&ctx, viewport, &legends, i18n);
    let credits: Vec<String> = data
        .layers
        .entries
        .iter()
        .filter(|e| e.shown())
        // Only data that is drawn is credited (not what is absent, failed
        // or waiting for its CRS).
        .filter(|e| e.status == crate::layers::LayerStatus::Ready)
        .filter_map(|e| e.def.attribution.clone())
        .collect();
    labels::attribution_overlay(&ctx, viewport, &credits);

    // The pointer belongs to the UI when it is outside the 3D view or over
    // a window, popup or widget in use.
    let pointer = ctx.input(|i| i.pointer.latest_pos());
    out.over_ui.0 = match pointer {
        Some(p) => {
            !viewport.contains(p)
                || ctx
                    .layer_id_at(p)
                    .is_some_and(|l| l.order != egui::Order::Background)
                || ctx.egui_is_using_pointer()
        }
        None => false,
    };

    // Give the 3D view exactly the space the panels leave (the view
    // arranges its cameras in it, two in a comparison).
    if let Ok(window) = out.window.single() {
        let ppp = ctx.pixels_per_point();
        let min = (viewport.min.to_vec2() * ppp).max(egui::Vec2::ZERO);
        let max = (viewport.max.to_vec2() * ppp).min(egui::vec2(
            window.physical_width() as f32,
            window.physical_height() as f32,
        ));
        let size = (max - min).max(egui::Vec2::ZERO);
        let new = (size.x >= 16.0 && size.y >= 16.0).then(|| {
            (
                UVec2::new(min.x as u32, min.y as u32),
                UVec2::new(size.x as u32, size.y as u32),
            )
        });
        if out.view_area.0 != new {
            out.view_area.0 = new;
        }
    }
    if out.comparison.mode != crate::view::compare::CompareMode::Off {
        actions.extend(compare_bar::overlay(&ctx, viewport, &out.comparison, i18n));
    }
    // Camera keys and undo/redo of plan edits, unless a text field has
    // the keyboard.
    let typing = ctx.egui_wants_keyboard_input();
    if out.typing.0 != typing {
        out.typing.0 = typing;
    }
    if !typing {
        let (undo, redo) = ctx.input(|i| {
            let command = i.modifiers.command;
            (
                command && i.key_pressed(egui::Key::Z) && !i.modifiers.shift,
                command
                    && (i.key_pressed(egui::Key::Y)
                        || (i.modifiers.shift && i.key_pressed(egui::Key::Z))),
            )
        });
        if undo {
            actions.push(UiAction::Plan(crate::plan::PlanCommand::Undo));
        }
        if redo {
            actions.push(UiAction::Plan(crate::plan::PlanCommand::Redo));
        }
    }
    out.pending.0.extend(actions);
    Ok(())
}
