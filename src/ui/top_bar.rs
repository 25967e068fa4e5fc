//! Top bar: scene name (a choice of the scenes beside it), open/save, add
//! layer, mode switch, language, settings, about.

use super::actions::{AppMode, Dialog, UiAction};
use crate::base::i18n::{I18n, Language};
use crate::layers::SceneCommand;
use bevy_egui::egui;

pub struct TopBarModel<'a> {
    pub scene_name: &'a str,
    pub dirty: bool,
    pub has_path: bool,
    pub mode: AppMode,
    pub language: Language,
    /// The scenes next to the open one (file, name): a showroom switches
    /// between them in one click.
    pub scenes: &'a [(std::path::PathBuf, String)],
    /// The scene's kiosk asks staff for a PIN to leave.
    pub kiosk_pin: bool,
}

/// The `.scene` files in the folder of `scene`, with their names (the file
/// name where one cannot be read), sorted by name.
pub fn scenes_beside(scene: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let dir = scene
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut out: Vec<(std::path::PathBuf, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "scene"))
        .map(|p| {
            let name = pw_scene::Scene::load(&p)
                .map(|s| s.name)
                .unwrap_or_else(|_| p.file_stem().unwrap_or_default().to_string_lossy().into());
            (p, name)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// How far the bar is folded to keep one row; each level keeps less in
/// sight (the rest stays one tap away in a menu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fold {
    /// Everything, with the "Modus" and "Sprache" words.
    None,
    /// Without those two words.
    Words,
    /// Also without the app's name (the desk's) and with "Bild speichern"
    /// in the file menu.
    Picture,
    /// Language, settings and sources in "Mehr", the scene's name shortened.
    Menu,
}

/// The least fold at which the bar fits `room` (points), and the width it
/// then needs: measured from the words in the type in use, so it holds in
/// either language and at any control size.
pub fn fold_for(ui: &egui::Ui, m: &TopBarModel, i18n: &I18n, room: f32) -> (Fold, f32) {
    let spacing = ui.spacing().item_spacing.x;
    let padding = 2.0 * ui.spacing().button_padding.x;
    let width = |text: &str, style: egui::TextStyle| {
        let font = style.resolve(ui.style());
        ui.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font, egui::Color32::WHITE))
            .size()
            .x
    };
    let button = |text: &str| width(text, egui::TextStyle::Button) + padding + spacing;
    let label = |text: &str| width(text, egui::TextStyle::Body) + spacing;
    let separator = 2.0 * spacing + 1.0;
    let planning = m.mode == AppMode::Planning;
    let need = |fold: Fold| {
        let mut w = 0.0;
        if m.mode.public() || fold < Fold::Picture {
            w += width(i18n.tr("app.title"), egui::TextStyle::Heading) + spacing;
        }
        let name = if fold == Fold::Menu {
            shortened(m.scene_name, NARROW_NAME_CHARS)
        } else {
            m.scene_name.to_string()
        };
        // The scene's choice: its name, the arrow and the frame.
        w += width(&format!("{name} •"), egui::TextStyle::Body) + padding + 24.0 + spacing;
        w += separator;
        if planning {
            w += button(i18n.tr("menu.file"));
            if fold < Fold::Picture {
                w += button(i18n.tr("menu.picture"));
            }
            w += separator;
            if fold < Fold::Words {
                w += label(i18n.tr("mode.label"));
            }
            w += button(i18n.tr("mode.planning")) + button(i18n.tr("mode.workshop"));
        }
        if fold == Fold::Menu {
            w += button(i18n.tr("menu.more"));
        } else {
            if fold < Fold::Words {
                w += label(i18n.tr("lang.label"));
            }
            w += Language::ALL
                .iter()
                .map(|l| button(l.native_name()))
                .sum::<f32>();
            w += separator;
            if m.mode != AppMode::Kiosk {
                w += button(i18n.tr("menu.settings"));
            }
            w += button(i18n.tr("menu.about"));
        }
        w
    };
    [Fold::None, Fold::Words, Fold::Picture]
        .into_iter()
        .map(|f| (f, need(f)))
        .find(|(_, w)| *w <= room)
        .unwrap_or((Fold::Menu, need(Fold::Menu)))
}

/// One row at any width and control size: files in a menu, the mode
/// switch, and language, settings and sources to the right; folded as far
/// as the room asks ([`fold_for`]).
pub fn top_bar(ui: &mut egui::Ui, m: &TopBarModel, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let (fold, _) = fold_for(ui, m, i18n, ui.available_width());
    ui.horizontal(|ui| {
        // The moderator's handle in public modes; on a folded desk bar the
        // scene's name says enough.
        if m.mode.public() || fold < Fold::Picture {
            let title = ui.heading(i18n.tr("app.title"));
            if m.mode.public() && held_for(ui, &title, HOLD_TO_LEAVE_WORKSHOP_S) {
                actions.push(if m.mode == AppMode::Kiosk && m.kiosk_pin {
                    UiAction::Open(Dialog::KioskPin)
                } else {
                    UiAction::SetMode(AppMode::Planning)
                });
            }
        }
        let name = if fold == Fold::Menu {
            shortened(m.scene_name, NARROW_NAME_CHARS)
        } else {
            m.scene_name.to_string()
        };
        let title = if m.dirty { format!("{name} •") } else { name };
        // Planning only: the workshop's bar stays short on a touch table.
        if m.scenes.len() > 1 && m.mode == AppMode::Planning {
            egui::ComboBox::from_id_salt("scene_choice")
                .selected_text(egui::RichText::new(title).strong())
                .show_ui(ui, |ui| {
                    for (path, name) in m.scenes {
                        if ui.selectable_label(*name == m.scene_name, name).clicked()
                            && *name != m.scene_name
                        {
                            actions.push(UiAction::Scene(SceneCommand::Open(path.clone())));
                        }
                    }
                });
        } else {
            ui.label(egui::RichText::new(title).strong());
        }
        ui.separator();
        // A workshop's citizens neither open other files nor leave the
        // mode; the moderator holds the title to return to planning.
        if m.mode == AppMode::Planning {
            let picture_in_menu = fold >= Fold::Picture;
            ui.menu_button(i18n.tr("menu.file"), |ui| {
                file_menu(ui, m, picture_in_menu, i18n, &mut actions)
            });
            if !picture_in_menu && ui.button(i18n.tr("menu.picture")).clicked() {
                actions.push(UiAction::Open(Dialog::Picture));
            }
            ui.separator();
            if fold < Fold::Words {
                ui.label(i18n.tr("mode.label"));
            }
            for (mode, key) in [
                (AppMode::Planning, "mode.planning"),
                (AppMode::Workshop, "mode.workshop"),
            ] {
                if ui.selectable_label(m.mode == mode, i18n.tr(key)).clicked() && m.mode != mode {
                    actions.push(UiAction::SetMode(mode));
                }
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if fold == Fold::Menu {
                ui.menu_button(i18n.tr("menu.more"), |ui| {
                    language_and_help(ui, m, i18n, &mut actions, false, true)
                });
            } else {
                language_and_help(ui, m, i18n, &mut actions, true, fold < Fold::Words);
            }
        });
    });
    actions
}

/// A scene's name on a folded bar, in characters.
const NARROW_NAME_CHARS: usize = 16;

/// `text` cut to `max` characters, with "…" where it was cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

fn file_menu(
    ui: &mut egui::Ui,
    m: &TopBarModel,
    with_picture: bool,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
) {
    if ui.button(i18n.tr("menu.open")).clicked() {
        actions.push(UiAction::Open(Dialog::OpenFile));
    }
    if ui
        .add_enabled(m.has_path, egui::Button::new(i18n.tr("menu.save")))
        .clicked()
    {
        actions.push(UiAction::Scene(SceneCommand::Save));
    }
    if ui.button(i18n.tr("menu.save_as")).clicked() {
        actions.push(UiAction::Open(Dialog::SaveAs));
    }
    ui.separator();
    if ui.button(i18n.tr("menu.add_layer")).clicked() {
        actions.push(UiAction::Open(Dialog::AddLayer));
    }
    if with_picture && ui.button(i18n.tr("menu.picture")).clicked() {
        actions.push(UiAction::Open(Dialog::Picture));
    }
}

/// Language, settings, sources; `right_to_left`: drawn from the bar's
/// right end, so in reverse order.
fn language_and_help(
    ui: &mut egui::Ui,
    m: &TopBarModel,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
    right_to_left: bool,
    with_word: bool,
) {
    enum Item {
        Label,
        Language(Language),
        Separator,
        Settings,
        About,
    }
    let mut items = Vec::new();
    if with_word {
        items.push(Item::Label);
    }
    items.extend(Language::ALL.map(Item::Language));
    items.push(Item::Separator);
    // Visitors in the showroom change nothing that outlasts them.
    if m.mode != AppMode::Kiosk {
        items.push(Item::Settings);
    }
    items.push(Item::About);
    if right_to_left {
        items.reverse();
    }
    for item in items {
        match item {
            Item::Label => {
                ui.label(i18n.tr("lang.label"));
            }
            Item::Language(lang) => {
                if ui
                    .selectable_label(m.language == lang, lang.native_name())
                    .clicked()
                    && m.language != lang
                {
                    actions.push(UiAction::SetLanguage(lang));
                }
            }
            Item::Separator => {
                ui.separator();
            }
            Item::Settings => {
                if ui.button(i18n.tr("menu.settings")).clicked() {
                    actions.push(UiAction::Open(Dialog::Settings));
                }
            }
            Item::About => {
                if ui.button(i18n.tr("menu.about")).clicked() {
                    actions.push(UiAction::Open(Dialog::About));
                }
            }
        }
    }
}

/// Seconds the moderator holds the title to leave the workshop.
pub const HOLD_TO_LEAVE_WORKSHOP_S: f64 = 2.0;

/// True once, when `response` has been pressed without a break for
/// `seconds` (mouse or finger): a gesture citizens do not make by chance.
fn held_for(ui: &egui::Ui, response: &egui::Response, seconds: f64) -> bool {
    let response = response.clone().interact(egui::Sense::click());
    let id = response.id.with("held_since");
    let now = ui.input(|i| i.time);
    if !response.is_pointer_button_down_on() {
        ui.data_mut(|d| d.remove::<f64>(id));
        return false;
    }
    let since = ui.data_mut(|d| *d.get_temp_mut_or_insert_with(id, || now));
    ui.ctx().request_repaint();
    if since.is_finite() && now - since >= seconds {
        // Once per press.
        ui.data_mut(|d| d.insert_temp(id, f64::INFINITY));
        return true;
    }
    false
}
