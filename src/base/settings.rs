//! Per-user settings that outlive a scene: UI scale, high contrast, language.
//! Stored as TOML in the user's config folder so a workshop screen keeps its
//! large-font setup between sessions.

use crate::base::i18n::{I18n, Language};
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub const MIN_UI_SCALE: f32 = 1.0;
pub const MAX_UI_SCALE: f32 = 3.0;

#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserSettings {
    pub ui_scale: f32,
    pub high_contrast: bool,
    pub language: Language,
}

impl Default for UserSettings {
    fn default() -> Self {
        UserSettings {
            ui_scale: 1.25,
            high_contrast: false,
            language: Language::German,
        }
    }
}

impl UserSettings {
    pub fn clamped(mut self) -> Self {
        self.ui_scale = if self.ui_scale.is_finite() {
            self.ui_scale.clamp(MIN_UI_SCALE, MAX_UI_SCALE)
        } else {
            1.25
        };
        self
    }
}

/// Where settings are kept; `None` keeps them in memory only (tests, kiosk).
#[derive(Resource, Debug, Clone, Default)]
pub struct SettingsStore {
    pub path: Option<PathBuf>,
}

impl SettingsStore {
    /// `$PLANWERKSTATT_CONFIG_DIR`, else the user's config folder:
    /// `$XDG_CONFIG_HOME` or `~/.config` on Linux, `~/Library/Application
    /// Support` on macOS, `%APPDATA%` on Windows, each with `planwerkstatt`.
    pub fn user_default() -> Self {
        let dir = std::env::var_os("PLANWERKSTATT_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(|| dirs::config_dir().map(|d| d.join("planwerkstatt")));
        SettingsStore {
            path: dir.map(|d| d.join("settings.toml")),
        }
    }

    pub fn load(&self) -> UserSettings {
        let Some(path) = &self.path else {
            return UserSettings::default();
        };
        match std::fs::read_to_string(path) {
            Ok(text) => match toml::from_str::<UserSettings>(&text) {
                Ok(s) => s.clamped(),
                Err(e) => {
                    warn!("{}: settings ignored, using defaults: {e}", path.display());
                    UserSettings::default()
                }
            },
            Err(_) => UserSettings::default(),
        }
    }

    pub fn save(&self, settings: &UserSettings) {
        let Some(path) = &self.path else { return };
        let result = path
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| {
                std::fs::write(path, toml::to_string_pretty(settings).unwrap_or_default())
            });
        if let Err(e) = result {
            warn!("{}: cannot save settings: {e}", path.display());
        }
    }
}

pub struct SettingsPlugin {
    pub store: SettingsStore,
}

impl Plugin for SettingsPlugin {
    fn build(&self, app: &mut App) {
        let settings = self.store.load();
        app.insert_resource(I18n::new(settings.language))
            .insert_resource(SavedSettings(settings.clone()))
            .insert_resource(settings)
            .insert_resource(self.store.clone())
            .add_systems(PostUpdate, persist_changed_settings);
    }
}

/// Applies the language and writes the file whenever settings change
/// (not when they were just loaded: nothing new to write then).
fn persist_changed_settings(
    settings: Res<UserSettings>,
    store: Res<SettingsStore>,
    mut i18n: ResMut<I18n>,
    mut saved: ResMut<SavedSettings>,
) {
    if i18n.language != settings.language {
        i18n.language = settings.language;
    }
    if saved.0 != *settings {
        store.save(&settings);
        saved.0 = settings.clone();
    }
}

/// The settings as last read or written, to write only real changes.
#[derive(Resource)]
struct SavedSettings(UserSettings);

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store(name: &str) -> SettingsStore {
        let dir = std::env::temp_dir().join(format!("pw-settings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        SettingsStore {
            path: Some(dir.join("settings.toml")),
        }
    }

    #[test]
    fn ui_scale_high_contrast_and_language_are_remembered() {
        let store = temp_store("remember");
        let mut app = App::new();
        app.add_plugins(MinimalPlugins).add_plugins(SettingsPlugin {
            store: store.clone(),
        });
        app.update();
        assert_eq!(app.world().resource::<I18n>().tr("layers.title"), "Ebenen");
        {
            let mut s = app.world_mut().resource_mut::<UserSettings>();
            s.ui_scale = 2.5;
            s.high_contrast = true;
            s.language = Language::English;
        }
        app.update();
        assert_eq!(app.world().resource::<I18n>().tr("layers.title"), "Layers");
        // A new app (next session) starts with the saved values.
        let mut next = App::new();
        next.add_plugins(MinimalPlugins)
            .add_plugins(SettingsPlugin { store });
        next.update();
        let s = next.world().resource::<UserSettings>();
        assert_eq!(
            (s.ui_scale, s.high_contrast, s.language),
            (2.5, true, Language::English)
        );
        assert_eq!(next.world().resource::<I18n>().tr("layers.title"), "Layers");
    }

    #[test]
    fn a_change_in_the_first_frame_is_written_even_without_a_settings_file() {
        let store = temp_store("first-frame");
        let mut app = App::new();
        app.add_plugins(MinimalPlugins).add_plugins(SettingsPlugin {
            store: store.clone(),
        });
        app.world_mut().resource_mut::<UserSettings>().high_contrast = true;
        app.update();
        assert!(store.load().high_contrast, "written to {:?}", store.path);
    }

    #[test]
    fn broken_or_out_of_range_settings_fall_back() {
        let store = temp_store("broken");
        std::fs::create_dir_all(store.path.as_ref().unwrap().parent().unwrap()).unwrap();
        std::fs::write(store.path.as_ref().unwrap(), "ui_scale = 9.0\n").unwrap();
        assert_eq!(store.load().ui_scale, MAX_UI_SCALE);
        std::fs::write(store.path.as_ref().unwrap(), "ui_scale = \"big\"\n").unwrap();
        assert_eq!(store.load(), UserSettings::default());
    }
}
