//! Top bar: the city's logo, scene name (a choice of the scenes beside
//! it), files, mode switch, language, settings, sources — in groups, each
//! control an icon with its words.

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
    /// The city's logo (`[look] logo`): its size in pixels …
    pub logo: Option<egui::Vec2>,
    /// … and its texture, once uploaded (layout needs only the size).
    pub logo_texture: Option<egui::TextureId>,
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
/// sight (the rest stays one tap away in a menu or a tooltip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fold {
    /// Every control with its icon and its words.
    None,
    /// At the desk without the app's name (the window and the scene's
    /// name say enough); a logo stays.
    Title,
    /// At the desk also: files, picture, settings and sources as icons, their
    /// words in the tooltip (the mode and the language keep theirs; at the
    /// table every control keeps its words).
    Icons,
    /// Also with "Bild speichern" in the file menu.
    Picture,
    /// Settings and sources in "Mehr" (at the desk its icon); the language
    /// stays in sight.
    Settings,
    /// The language in "Mehr" too, the scene's name shortened.
    Menu,
}

/// The icons of the bar (Phosphor).
mod icon {
    pub use egui_phosphor::regular::{
        DOTS_THREE as MORE, FOLDER_OPEN as FILE, GEAR as SETTINGS, GLOBE as LANGUAGE,
        IMAGE as PICTURE, INFO as ABOUT, PENCIL_RULER as PLANNING, USERS_THREE as WORKSHOP,
    };
}

/// The logo's size on the bar: a row high, at most four rows wide.
fn logo_size(ui: &egui::Ui, pixels: egui::Vec2) -> egui::Vec2 {
    let row = ui.spacing().interact_size.y;
    // As wide as its shape asks at a row's height; a very wide one lower
    // instead of squeezed.
    let aspect = pixels.x / pixels.y.max(1.0);
    let h = row.min(4.0 * row / aspect.max(1e-3));
    egui::vec2(aspect * h, h)
}

/// The least fold at which the bar fits `room` (points), and the width it
/// then needs: measured from the words in the type in use, so it holds in
/// either language and at any control size.
pub fn fold_for(ui: &egui::Ui, m: &TopBarModel, i18n: &I18n, room: f32) -> (Fold, f32) {
    let (fold, need, _) = layout_for(ui, m, i18n, room);
    (fold, need)
}

/// [`fold_for`] with the scene's name as shown: whole, or on the fully
/// folded bar cut to the room left (at least [`NARROW_NAME_CHARS`]).
fn layout_for(ui: &egui::Ui, m: &TopBarModel, i18n: &I18n, room: f32) -> (Fold, f32, String) {
    let spacing = ui.spacing().item_spacing.x;
    let padding = 2.0 * ui.spacing().button_padding.x;
    let gap = ui.spacing().icon_spacing;
    let width = |text: &str, style: egui::TextStyle| {
        let font = style.resolve(ui.style());
        ui.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font, egui::Color32::WHITE))
            .size()
            .x
    };
    let button = |icon: &str, text: Option<&str>| {
        let mut w = width(icon, egui::TextStyle::Button) + padding + spacing;
        if let Some(t) = text {
            w += gap + width(t, egui::TextStyle::Button);
        }
        w
    };
    let separator = 2.0 * spacing + 1.0;
    let planning = m.mode == AppMode::Planning;
    let need = |fold: Fold, name: &str| {
        let words = |text| (fold < Fold::Icons || m.mode.public()).then_some(text);
        let mut w = 0.0;
        if let Some(px) = m.logo {
            w += logo_size(ui, px).x + spacing;
        }
        if m.mode.public() || fold < Fold::Title {
            w += width(i18n.tr("app.title"), egui::TextStyle::Heading) + spacing;
        }
        // The scene's choice: its name, the arrow and the frame.
        w += width(&format!("{name} •"), egui::TextStyle::Body) + padding + 24.0 + spacing;
        w += separator;
        if planning {
            w += button(icon::FILE, words(i18n.tr("menu.file")));
            if fold < Fold::Picture {
                w += button(icon::PICTURE, words(i18n.tr("menu.picture")));
            }
            w += separator;
            w += button(icon::PLANNING, Some(i18n.tr("mode.planning")))
                + button(icon::WORKSHOP, Some(i18n.tr("mode.workshop")));
        }
        // The right group: language, then settings and sources.
        if fold < Fold::Menu {
            w += button(icon::LANGUAGE, Some(m.language.native_name())) + separator;
        }
        if fold >= Fold::Settings {
            w += button(icon::MORE, words(i18n.tr("menu.more")));
        } else {
            if m.mode != AppMode::Kiosk {
                w += button(icon::SETTINGS, words(i18n.tr("menu.settings")));
            }
            w += button(icon::ABOUT, words(i18n.tr("menu.about")));
        }
        w
    };
    [
        Fold::None,
        Fold::Title,
        Fold::Icons,
        Fold::Picture,
        Fold::Settings,
    ]
    .into_iter()
    .filter(|f| !matches!(f, Fold::Title | Fold::Icons) || !m.mode.public())
    .map(|f| (f, need(f, m.scene_name)))
    .find(|(_, w)| *w <= room)
    .map(|(f, w)| (f, w, m.scene_name.to_string()))
    .unwrap_or_else(|| {
        // As many letters of the name as the room leaves.
        let chars = m.scene_name.chars().count();
        let name = (NARROW_NAME_CHARS..chars)
            .rev()
            .map(|n| shortened(m.scene_name, n))
            .find(|name| need(Fold::Menu, name) <= room)
            .unwrap_or_else(|| shortened(m.scene_name, NARROW_NAME_CHARS));
        (Fold::Menu, need(Fold::Menu, &name), name)
    })
}

/// A control with its icon: with its words, or the icon alone with the
/// words on hover. Screen readers (and the tests) read the words either way.
fn icon_button(
    ui: &mut egui::Ui,
    icon: &str,
    text: &str,
    words: bool,
    selected: Option<bool>,
) -> egui::Response {
    let glyph = egui::RichText::new(icon);
    let button = if words {
        egui::Button::new((glyph, text))
    } else {
        egui::Button::new(glyph)
    };
    let button = match selected {
        Some(s) => button.selected(s).frame_when_inactive(s),
        None => button,
    };
    let response = ui.add(button);
    named(&response, text, selected);
    if words {
        response
    } else {
        response.on_hover_text(text)
    }
}

/// Tells assistive technology the control's words without the icon glyph.
fn named(response: &egui::Response, text: &str, selected: Option<bool>) {
    let enabled = response.enabled();
    response.widget_info(|| match selected {
        Some(s) => egui::WidgetInfo::selected(egui::WidgetType::Button, enabled, s, text),
        None => egui::WidgetInfo::labeled(egui::WidgetType::Button, enabled, text),
    });
}

/// A menu behind a control with its icon (words as in [`icon_button`]).
fn icon_menu(
    ui: &mut egui::Ui,
    icon: &str,
    text: &str,
    words: bool,
    add_contents: impl FnOnce(&mut egui::Ui),
) {
    icon_menu_named(ui, icon, text, text, words, add_contents)
}

/// [`icon_menu`] whose name for assistive technology says more than its
/// words ("Sprache: Deutsch" for "Deutsch").
fn icon_menu_named(
    ui: &mut egui::Ui,
    icon: &str,
    text: &str,
    name: &str,
    words: bool,
    add_contents: impl FnOnce(&mut egui::Ui),
) {
    let glyph = egui::RichText::new(icon);
    let button = if words {
        egui::Button::new((glyph, text))
    } else {
        egui::Button::new(glyph)
    };
    let (response, _) =
        egui::containers::menu::MenuButton::from_button(button).ui(ui, add_contents);
    named(&response, name, None);
    if !words {
        response.on_hover_text(text);
    }
}

/// One row at any width and control size: files in a menu, the mode
/// switch, and language, settings and sources to the right; folded as far
/// as the room asks ([`fold_for`]).
pub fn top_bar(ui: &mut egui::Ui, m: &TopBarModel, i18n: &I18n) -> Vec<UiAction> {
    let mut actions = Vec::new();
    let (fold, _, name) = layout_for(ui, m, i18n, ui.available_width());
    let words = fold < Fold::Icons || m.mode.public();
    ui.horizontal(|ui| {
        if let (Some(texture), Some(px)) = (m.logo_texture, m.logo) {
            let size = logo_size(ui, px);
            ui.add(egui::Image::new((texture, size)).alt_text(i18n.tr("look.logo")));
        }
        // The moderator's handle in public modes; on a folded desk bar the
        // scene's name says enough.
        if m.mode.public() || fold < Fold::Title {
            let title = ui.heading(i18n.tr("app.title"));
            if m.mode.public() && held_for(ui, &title, HOLD_TO_LEAVE_WORKSHOP_S) {
                actions.push(if m.mode == AppMode::Kiosk && m.kiosk_pin {
                    UiAction::Open(Dialog::KioskPin)
                } else {
                    UiAction::SetMode(AppMode::Planning)
                });
            }
        }
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
            icon_menu(ui, icon::FILE, i18n.tr("menu.file"), words, |ui| {
                file_menu(ui, m, picture_in_menu, i18n, &mut actions)
            });
            if !picture_in_menu
                && icon_button(ui, icon::PICTURE, i18n.tr("menu.picture"), words, None).clicked()
            {
                actions.push(UiAction::Open(Dialog::Picture));
            }
            ui.separator();
            for (mode, glyph, key) in [
                (AppMode::Planning, icon::PLANNING, "mode.planning"),
                (AppMode::Workshop, icon::WORKSHOP, "mode.workshop"),
            ] {
                let chosen = m.mode == mode;
                if icon_button(ui, glyph, i18n.tr(key), true, Some(chosen)).clicked() && !chosen {
                    actions.push(UiAction::SetMode(mode));
                }
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // Drawn from the right end: sources, settings, then language.
            if fold >= Fold::Settings {
                icon_menu(ui, icon::MORE, i18n.tr("menu.more"), words, |ui| {
                    if fold == Fold::Menu {
                        languages(ui, m, &mut actions);
                        ui.separator();
                    }
                    settings_and_sources(ui, m, i18n, &mut actions, true, false)
                });
            } else {
                settings_and_sources(ui, m, i18n, &mut actions, words, true);
            }
            if fold < Fold::Menu {
                ui.separator();
                let name = format!("{}: {}", i18n.tr("lang.label"), m.language.native_name());
                icon_menu_named(
                    ui,
                    icon::LANGUAGE,
                    m.language.native_name(),
                    &name,
                    true,
                    |ui| languages(ui, m, &mut actions),
                );
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
    if ui.button(i18n.tr("menu.add_online")).clicked() {
        actions.push(UiAction::Open(Dialog::Online));
    }
    if with_picture && ui.button(i18n.tr("menu.picture")).clicked() {
        actions.push(UiAction::Open(Dialog::Picture));
    }
}

/// The languages to choose from, each in its own name.
fn languages(ui: &mut egui::Ui, m: &TopBarModel, actions: &mut Vec<UiAction>) {
    for lang in Language::ALL {
        if ui
            .selectable_label(m.language == lang, lang.native_name())
            .clicked()
            && m.language != lang
        {
            actions.push(UiAction::SetLanguage(lang));
        }
    }
}

/// Settings, then sources, as the reader meets them: on the bar (drawn
/// from its right end, `right_to_left`) and in the "Mehr" menu alike.
fn settings_and_sources(
    ui: &mut egui::Ui,
    m: &TopBarModel,
    i18n: &I18n,
    actions: &mut Vec<UiAction>,
    words: bool,
    right_to_left: bool,
) {
    // Visitors in the showroom change nothing that outlasts them.
    let settings = |ui: &mut egui::Ui, actions: &mut Vec<UiAction>| {
        if m.mode != AppMode::Kiosk
            && icon_button(ui, icon::SETTINGS, i18n.tr("menu.settings"), words, None).clicked()
        {
            actions.push(UiAction::Open(Dialog::Settings));
        }
    };
    let sources = |ui: &mut egui::Ui, actions: &mut Vec<UiAction>| {
        if icon_button(ui, icon::ABOUT, i18n.tr("menu.about"), words, None).clicked() {
            actions.push(UiAction::Open(Dialog::About));
        }
    };
    if right_to_left {
        sources(ui, actions);
        settings(ui, actions);
    } else {
        settings(ui, actions);
        sources(ui, actions);
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
