//! Windows: settings, about/credits, the file chooser, and notices.

use super::actions::{Dialog, UiAction};
use crate::base::i18n::{I18n, Language};
use crate::base::jobs::Notice;
use crate::base::settings::{MAX_UI_SCALE, MIN_UI_SCALE, UserSettings};
use crate::layers::SceneCommand;
use bevy_egui::egui;
use std::path::{Path, PathBuf};

pub fn settings_window(ctx: &egui::Context, settings: &UserSettings, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    egui::Window::new(i18n.tr("settings.title"))
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            settings_contents(ui, settings, i18n, &mut actions);
        });
    actions
}

pub fn settings_contents(
    ui: &mut egui::Ui,
    settings: &UserSettings,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.label(i18n.tr("settings.ui_scale"));
    // Applied when let go: applied while dragging, the whole window grew
    // and the slider jumped away under the pointer.
    let id = ui.id().with("ui_scale_dragged");
    let mut scale = ui
        .data(|d| d.get_temp::<f32>(id))
        .unwrap_or(settings.ui_scale);
    let response = ui.add(
        egui::Slider::new(&mut scale, MIN_UI_SCALE..=MAX_UI_SCALE)
            .step_by(0.25)
            .custom_formatter(|v, _| format!("{}×", i18n.number(v, 2)))
            .custom_parser(|s| {
                s.trim_end_matches('×')
                    .trim()
                    .replace(',', ".")
                    .parse()
                    .ok()
            }),
    );
    let dragging = response.dragged() || response.is_pointer_button_down_on();
    if dragging {
        ui.data_mut(|d| d.insert_temp(id, scale));
    } else {
        ui.data_mut(|d| d.remove::<f32>(id));
        if scale != settings.ui_scale {
            actions.push(UiAction::SetUiScale(scale));
        }
    }
    let mut hc = settings.high_contrast;
    if ui
        .checkbox(&mut hc, i18n.tr("settings.high_contrast"))
        .changed()
    {
        actions.push(UiAction::SetHighContrast(hc));
    }
    ui.label(i18n.tr("settings.language"));
    ui.horizontal(|ui| {
        for lang in Language::ALL {
            if ui
                .radio(settings.language == lang, lang.native_name())
                .clicked()
                && settings.language != lang
            {
                actions.push(UiAction::SetLanguage(lang));
            }
        }
    });
    if ui.button(i18n.tr("settings.close")).clicked() {
        actions.push(UiAction::Close(Dialog::Settings));
    }
}

pub fn about_window(ctx: &egui::Context, credits: &[String], i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    egui::Window::new(i18n.tr("about.title"))
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label(i18n.tr("about.text"));
            ui.label(format!(
                "{} {}",
                i18n.tr("app.title"),
                env!("CARGO_PKG_VERSION")
            ));
            ui.label(i18n.tr("about.licence"));
            ui.separator();
            ui.label(egui::RichText::new(i18n.tr("about.data_credits")).strong());
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| {
                    for c in credits {
                        ui.label(c);
                    }
                });
            if ui.button(i18n.tr("msg.dismiss")).clicked() {
                actions.push(UiAction::Close(Dialog::About));
            }
        });
    actions
}

/// A small file chooser drawn with egui: works the same on every OS and on
/// a kiosk without a desktop file manager.
#[derive(Debug, Clone)]
pub struct FileChooser {
    pub purpose: Dialog,
    pub dir: PathBuf,
    pub name: String,
    pub entries: Vec<(String, bool)>,
    pub error: Option<String>,
}

/// Endings of what exports write.
const EXPORT_ENDINGS: [&str; 5] = [".tif", ".tiff", ".geojson", ".csv", ".png"];

/// A name typed or picked with an export's ending: the stem without it.
pub fn export_stem(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    EXPORT_ENDINGS
        .iter()
        .find(|e| lower.len() > e.len() && lower.ends_with(*e))
        .map_or(name, |e| &name[..name.len() - e.len()])
}

/// File endings offered for each purpose.
fn accepts(purpose: Dialog, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    match purpose {
        Dialog::OpenFile => [".scene", ".gml", ".xml", ".json", ".jsonl"]
            .iter()
            .any(|e| lower.ends_with(e)),
        Dialog::ImportDesign => pw_plan::design::is_design_file(Path::new(name)),
        // What is there already: earlier exports.
        Dialog::Export => EXPORT_ENDINGS.iter().any(|e| lower.ends_with(e)),
        Dialog::AddLayer => [
            ".gml", ".xml", ".json", ".jsonl", ".geojson", ".tif", ".tiff", ".shp", ".gpkg",
            ".kml", ".kmz", ".csv", ".fgb", ".glb", ".xyz",
        ]
        .iter()
        .any(|e| lower.ends_with(e)),
        _ => lower.ends_with(".scene"),
    }
}

impl FileChooser {
    pub fn new(purpose: Dialog, dir: &Path, name: &str) -> Self {
        let mut c = FileChooser {
            purpose,
            dir: dir.to_path_buf(),
            name: name.to_string(),
            entries: vec![],
            error: None,
        };
        c.refresh();
        c
    }

    pub fn refresh(&mut self) {
        self.entries.clear();
        self.error = None;
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
                    if is_dir || accepts(self.purpose, &name) {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then(a.0.to_lowercase().cmp(&b.0.to_lowercase()))
                });
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, i18n: &I18n) -> Vec<UiAction> {
        let mut actions = Vec::new();
        let title = match self.purpose {
            Dialog::SaveAs => i18n.tr("file.title_save"),
            Dialog::Export => i18n.tr("file.title_export"),
            _ => i18n.tr("file.title_open"),
        };
        egui::Window::new(title)
            .collapsible(false)
            .default_width(520.0)
            .show(ctx, |ui| {
                self.contents(ui, i18n, &mut actions);
            });
        actions
    }

    pub fn contents(&mut self, ui: &mut egui::Ui, i18n: &I18n, actions: &mut Vec<UiAction>) {
        ui.horizontal(|ui| {
            ui.label(i18n.tr("file.folder"));
            ui.label(egui::RichText::new(self.dir.display().to_string()).monospace());
            if ui.button(i18n.tr("file.up")).clicked()
                && let Some(parent) = self.dir.parent()
            {
                self.dir = parent.to_path_buf();
                self.refresh();
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                i18n.trf("file.cannot_read_folder", &[("error", e)]),
            );
        }
        let mut enter: Option<PathBuf> = None;
        egui::ScrollArea::vertical()
            .max_height(300.0)
            .show(ui, |ui| {
                for (name, is_dir) in &self.entries {
                    let label = if *is_dir {
                        format!("📁 {name}")
                    } else {
                        name.clone()
                    };
                    let selected = !is_dir && *name == self.name;
                    let r = ui.selectable_label(selected, label);
                    if r.clicked() {
                        if *is_dir {
                            enter = Some(self.dir.join(name));
                        } else {
                            self.name = name.clone();
                        }
                    }
                    if r.double_clicked() && !is_dir {
                        self.name = name.clone();
                        actions.extend(self.confirm());
                    }
                }
            });
        if let Some(dir) = enter {
            self.dir = dir;
            self.refresh();
        }
        ui.horizontal(|ui| {
            ui.label(i18n.tr("file.name"));
            ui.text_edit_singleline(&mut self.name);
        });
        if self.purpose == Dialog::Export && self.export_exists() {
            ui.colored_label(ui.visuals().warn_fg_color, i18n.tr("file.export_replaces"));
        }
        ui.horizontal(|ui| {
            let ok = match self.purpose {
                Dialog::SaveAs => i18n.tr("file.save"),
                Dialog::Export => i18n.tr("file.export"),
                _ => i18n.tr("file.open"),
            };
            if ui
                .add_enabled(!self.name.trim().is_empty(), egui::Button::new(ok))
                .clicked()
            {
                actions.extend(self.confirm());
            }
            if ui.button(i18n.tr("file.cancel")).clicked() {
                actions.push(UiAction::Close(self.purpose));
            }
        });
    }

    /// Files of an earlier export under the name given (they would be
    /// replaced).
    fn export_exists(&self) -> bool {
        let stem = export_stem(self.name.trim());
        !stem.is_empty()
            && self.entries.iter().any(|(name, is_dir)| {
                !is_dir
                    && name
                        .strip_prefix(stem)
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('_'))
            })
    }

    fn confirm(&self) -> Vec<UiAction> {
        let mut path = self.dir.join(self.name.trim());
        let cmd = match self.purpose {
            Dialog::SaveAs => {
                if path.extension().is_none() {
                    path.set_extension("scene");
                }
                SceneCommand::SaveAs(path)
            }
            Dialog::Export => {
                return vec![UiAction::ExportTo(path), UiAction::Close(self.purpose)];
            }
            Dialog::ImportDesign => {
                return vec![
                    UiAction::Plan(crate::plan::PlanCommand::ImportDesign { path, at: None }),
                    UiAction::Close(self.purpose),
                ];
            }
            _ => SceneCommand::AddFile(path),
        };
        vec![UiAction::Scene(cmd), UiAction::Close(self.purpose)]
    }
}

/// Notices stack in the bottom-right corner of the 3D view, never over panels.
pub fn notices(
    ctx: &egui::Context,
    items: &[Notice],
    viewport: egui::Rect,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    if items.is_empty() {
        return actions;
    }
    egui::Area::new(egui::Id::new("notices"))
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .fixed_pos(viewport.right_bottom() - egui::vec2(12.0, 12.0))
        .show(ctx, |ui| {
            for (i, n) in items.iter().enumerate() {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(420.0);
                    if n.error {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{}: {}", i18n.tr("msg.error"), n.text),
                        );
                    } else {
                        ui.label(&n.text);
                    }
                    if ui.button(i18n.tr("msg.dismiss")).clicked() {
                        actions.push(UiAction::DismissNotice(i));
                    }
                });
            }
        });
    actions
}

/// Picture sizes offered: the view's own, and the sizes of screens and
/// print people ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PictureSize {
    /// As large as the 3D view on screen now.
    View,
    FullHd,
    #[default]
    Uhd4k,
    Uhd8k,
}

impl PictureSize {
    pub const ALL: [PictureSize; 4] = [
        PictureSize::View,
        PictureSize::FullHd,
        PictureSize::Uhd4k,
        PictureSize::Uhd8k,
    ];

    pub fn pixels(self, view: Option<(u32, u32)>) -> (u32, u32) {
        match self {
            PictureSize::View => view.unwrap_or((1920, 1080)),
            PictureSize::FullHd => (1920, 1080),
            PictureSize::Uhd4k => (3840, 2160),
            PictureSize::Uhd8k => (7680, 4320),
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            PictureSize::View => "picture.size_view",
            PictureSize::FullHd => "picture.size_full_hd",
            PictureSize::Uhd4k => "picture.size_4k",
            PictureSize::Uhd8k => "picture.size_8k",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PictureDialog {
    pub size: PictureSize,
}

pub struct PictureModel {
    /// The 3D view's size in pixels now.
    pub view_size: Option<(u32, u32)>,
    pub busy: bool,
    pub last: Option<Result<PathBuf, String>>,
}

pub fn picture_window(
    ctx: &egui::Context,
    dialog: &mut PictureDialog,
    model: &PictureModel,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    egui::Window::new(i18n.tr("picture.title"))
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            picture_contents(ui, dialog, model, i18n, &mut actions);
        });
    actions
}

pub fn picture_contents(
    ui: &mut egui::Ui,
    dialog: &mut PictureDialog,
    model: &PictureModel,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    ui.label(i18n.tr("picture.explain"));
    ui.add_space(4.0);
    for size in PictureSize::ALL {
        let (w, h) = size.pixels(model.view_size);
        let text = i18n.trf(size.label_key(), &[("width", &w), ("height", &h)]);
        ui.radio_value(&mut dialog.size, size, text);
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let (width, height) = dialog.size.pixels(model.view_size);
        if ui
            .add_enabled(!model.busy, egui::Button::new(i18n.tr("picture.save")))
            .clicked()
        {
            actions.push(UiAction::Picture(crate::picture::PictureCommand::Take {
                width,
                height,
                path: None,
            }));
        }
        // Elsewhere, under a name of one's own.
        if ui
            .add_enabled(!model.busy, egui::Button::new(i18n.tr("picture.save_as")))
            .clicked()
        {
            actions.push(UiAction::ChooseExport {
                what: super::actions::ExportTarget::Picture { width, height },
                name: jiff::ZonedDateTime::now()
                    .strftime("%Y-%m-%d %H%M")
                    .to_string(),
            });
        }
        if ui.button(i18n.tr("picture.close")).clicked() {
            actions.push(UiAction::Close(Dialog::Picture));
        }
    });
    if model.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("picture.busy"));
        });
    }
    match &model.last {
        Some(Ok(path)) => {
            ui.label(i18n.trf("picture.last", &[("path", &path.display())]));
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        None => {}
    }
}

/// Another scene asked for while this one has unsaved changes: save them,
/// let them go, or stay.
pub fn unsaved_window(
    ctx: &egui::Context,
    path: &Path,
    can_save: bool,
    i18n: &I18n,
) -> Vec<UiAction> {
    let mut actions = Vec::new();
    egui::Window::new(i18n.tr("unsaved.title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            unsaved_contents(ui, path, can_save, i18n, &mut actions)
        });
    actions
}

pub fn unsaved_contents(
    ui: &mut egui::Ui,
    path: &Path,
    can_save: bool,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ui.label(i18n.trf("unsaved.text", &[("name", &name)]));
    if !can_save {
        ui.label(i18n.tr("unsaved.no_path"));
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(can_save, egui::Button::new(i18n.tr("unsaved.save")))
            .clicked()
        {
            actions.push(UiAction::OpenScene {
                path: path.to_path_buf(),
                save_first: true,
            });
        }
        if ui.button(i18n.tr("unsaved.discard")).clicked() {
            actions.push(UiAction::OpenScene {
                path: path.to_path_buf(),
                save_first: false,
            });
        }
        if ui.button(i18n.tr("unsaved.cancel")).clicked() {
            actions.push(UiAction::Close(Dialog::UnsavedChanges));
        }
    });
}
