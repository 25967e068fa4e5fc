//! The scene: opening and saving scene files, and the user's commands on it
//! (add a file as a layer of the kind it sniffs as, remove, show, style,
//! bookmarks). Loading is `loading`'s; the view follows `ViewRequest`s.

use super::loading::{LoadTask, reload, start_loading};
use super::registry::{LayerKinds, detect_kind};
use super::{ActiveScene, LayerId, LayerRemoved, Layers, SceneCommand, ViewRequest};
use crate::base::i18n::I18n;
use crate::base::jobs::{Jobs, Notices};
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use pw_scene::{Layer, Scene};
use std::path::Path;

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn handle_scene_commands(
    mut commands: Commands,
    mut reader: MessageReader<SceneCommand>,
    mut active: ResMut<ActiveScene>,
    mut layers: ResMut<Layers>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    mut frame: ResMut<SceneFrame>,
    mut clock: ResMut<SceneClock>,
    mut removed: MessageWriter<LayerRemoved>,
    mut view: MessageWriter<ViewRequest>,
    i18n: Res<I18n>,
    kinds: Res<LayerKinds>,
    tasks: Query<(Entity, &LoadTask)>,
) {
    for cmd in reader.read() {
        match cmd {
            SceneCommand::Open(path) => match Scene::load(path) {
                Ok(scene) => {
                    // Cancel and forget whatever the old scene was loading.
                    for (entity, task) in &tasks {
                        jobs.cancel(task.job);
                        jobs.finish(task.job);
                        commands.entity(entity).despawn();
                    }
                    for entry in layers.entries.drain(..) {
                        removed.write(LayerRemoved(entry.id));
                    }
                    layers.terrain.clear();
                    layers.generated.clear();
                    // Service layers wait for this scene's camera to settle.
                    layers.view_box = None;
                    *frame = SceneFrame::new(scene.parsed_crs(), scene.origin);
                    match SceneClock::for_city(&scene.city.time_zone, scene.time.default.as_deref())
                    {
                        Ok(c) => {
                            *clock = SceneClock {
                                playing: false,
                                ..c
                            }
                        }
                        Err(e) => {
                            notices.error(i18n.render(&crate::layers::at_source(path.display(), e)))
                        }
                    }
                    for def in &scene.layers {
                        let source = Scene::resolve_path(path, &def.path);
                        let id = layers.add(def.clone(), source.clone());
                        start_loading(
                            &mut commands,
                            &mut layers,
                            &mut jobs,
                            id,
                            &frame,
                            &i18n,
                            &kinds,
                        );
                    }
                    match scene.bookmarks.first() {
                        Some(b) => {
                            view.write(ViewRequest::Jump(b.clone()));
                        }
                        None => {
                            view.write(ViewRequest::FrameAllWhenLoaded);
                        }
                    }
                    notices.info(i18n.trf("msg.scene_opened", &[("path", &path.display())]));
                    *active = ActiveScene {
                        scene,
                        path: Some(path.clone()),
                        dirty: false,
                    };
                }
                Err(e) => notices.error(i18n.render(&e.message())),
            },
            SceneCommand::Save => match active.path.clone() {
                Some(path) => save_scene(&mut active, &layers, &path, &mut notices, &i18n),
                None => notices.error(i18n.tr("file.title_save").to_string()),
            },
            SceneCommand::SaveAs(path) => {
                save_scene(&mut active, &layers, path, &mut notices, &i18n);
            }
            SceneCommand::AddFile(path) => {
                let is_scene = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("scene"));
                if is_scene {
                    commands.write_message(SceneCommand::Open(path.clone()));
                    continue;
                }
                if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
                    notices.error(i18n.trf("msg.empty_file", &[("path", &path.display())]));
                    continue;
                }
                match detect_kind(&kinds, path) {
                    Some(kind) => {
                        let def = Layer::new(
                            file_stem(path),
                            kind,
                            relative_to_scene(path, active.path.as_deref()),
                        );
                        let id = layers.add(def, path.clone());
                        start_loading(
                            &mut commands,
                            &mut layers,
                            &mut jobs,
                            id,
                            &frame,
                            &i18n,
                            &kinds,
                        );
                        view.write(ViewRequest::FrameLayerWhenLoaded(id));
                        active.dirty = true;
                    }
                    None => {
                        notices.error(i18n.trf("msg.unknown_file", &[("path", &path.display())]))
                    }
                }
            }
            SceneCommand::Remove(id) => {
                for (entity, task) in &tasks {
                    if task.layer == *id {
                        jobs.cancel(task.job);
                        jobs.finish(task.job);
                        commands.entity(entity).despawn();
                    }
                }
                layers.entries.retain(|e| e.id != *id);
                layers.terrain.retain(|(t, _)| t != id);
                layers.generated.retain(|g| g != id);
                removed.write(LayerRemoved(*id));
                active.dirty = true;
            }
            SceneCommand::SetVisible(id, visible) => {
                if let Some(e) = layers.get_mut(*id) {
                    e.def.visible = *visible;
                    active.dirty = true;
                }
            }
            SceneCommand::SetOpacity(id, opacity) => {
                if let Some(e) = layers.get_mut(*id) {
                    e.def.opacity = opacity.clamp(0.0, 1.0);
                    active.dirty = true;
                }
            }
            SceneCommand::SetTheme(..) | SceneCommand::SetStyle(..) | SceneCommand::SetCrs(..) => {
                // A changed definition is drawn again from the source.
                let (id, changed) = match cmd {
                    SceneCommand::SetTheme(id, theme) => (
                        *id,
                        edit_def(&mut layers, *id, |d| {
                            replace_if_new(&mut d.appearance_theme, Some(theme.clone()))
                        }),
                    ),
                    SceneCommand::SetStyle(id, style) => (
                        *id,
                        edit_def(&mut layers, *id, |d| {
                            replace_if_new(&mut d.style, (**style).clone())
                        }),
                    ),
                    SceneCommand::SetCrs(id, crs) => (
                        *id,
                        edit_def(&mut layers, *id, |d| {
                            replace_if_new(&mut d.crs, crs.clone())
                        }),
                    ),
                    _ => unreachable!("matched above"),
                };
                if changed {
                    active.dirty = true;
                    reload(
                        &mut commands,
                        &mut layers,
                        &mut jobs,
                        id,
                        &frame,
                        &i18n,
                        &kinds,
                        &tasks,
                    );
                }
            }
            SceneCommand::AddLayer(def) => {
                let source = match &active.path {
                    Some(scene) => Scene::resolve_path(scene, &def.path),
                    None => std::path::PathBuf::from(&def.path),
                };
                let frame_it = def.service.is_none() && def.kind != pw_scene::LayerKind::Basemap;
                let id = layers.add((**def).clone(), source);
                start_loading(
                    &mut commands,
                    &mut layers,
                    &mut jobs,
                    id,
                    &frame,
                    &i18n,
                    &kinds,
                );
                // A file shows where it lies; a service loads where one looks.
                if frame_it {
                    view.write(ViewRequest::FrameLayerWhenLoaded(id));
                }
                notices.info(i18n.trf("msg.layer_added", &[("name", &def.name)]));
                active.dirty = true;
            }
            SceneCommand::LoadForView(id) => {
                reload(
                    &mut commands,
                    &mut layers,
                    &mut jobs,
                    *id,
                    &frame,
                    &i18n,
                    &kinds,
                    &tasks,
                );
            }
            SceneCommand::ZoomTo(id) => {
                if let Some(extent) = layers.get(*id).and_then(|e| e.extent) {
                    view.write(ViewRequest::FrameExtent(extent));
                }
            }
            SceneCommand::AddBookmark(b) => {
                active.scene.bookmarks.push(b.clone());
                active.dirty = true;
            }
            SceneCommand::RemoveBookmark(i) => {
                if *i < active.scene.bookmarks.len() {
                    active.scene.bookmarks.remove(*i);
                    active.dirty = true;
                }
            }
            SceneCommand::GoToBookmark(i) => {
                if let Some(b) = active.scene.bookmarks.get(*i) {
                    view.write(ViewRequest::FlyTo(b.clone()));
                }
            }
        }
    }
}

/// Edits a layer's definition; whether anything changed.
fn edit_def(layers: &mut Layers, id: LayerId, edit: impl FnOnce(&mut Layer) -> bool) -> bool {
    layers.get_mut(id).is_some_and(|e| edit(&mut e.def))
}

/// Sets `slot` to `value` if they differ; whether it did.
fn replace_if_new<T: PartialEq>(slot: &mut T, value: T) -> bool {
    let new = *slot != value;
    if new {
        *slot = value;
    }
    new
}

/// How many folders up a layer may lie beside the scene and still be
/// stored relative to it (`../assets/x.gml`, `../../daten/x.tif`).
const MAX_FOLDERS_UP: usize = 2;

/// Layer paths are stored relative to the scene file when the file lies
/// below or beside it (at most [`MAX_FOLDERS_UP`] folders up), so a scene
/// folder can be copied to another machine; otherwise absolute, without
/// `..` in it.
fn relative_to_scene(path: &Path, scene: Option<&Path>) -> String {
    let abs = normalised(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    if let Some(dir) = scene
        .and_then(|s| std::path::absolute(s).ok())
        .and_then(|s| s.parent().map(normalised))
        && let Some(rel) = relative(&abs, &dir)
    {
        return rel;
    }
    abs.to_string_lossy().into_owned()
}

/// `a/b/../c` → `a/c` (by the text: the paths need not exist).
fn normalised(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `target` seen from `dir` with `/` separators, when it lies below `dir`
/// or beside it within [`MAX_FOLDERS_UP`] folders (and not only the root
/// in common).
fn relative(target: &Path, dir: &Path) -> Option<String> {
    let t: Vec<_> = target.components().collect();
    let d: Vec<_> = dir.components().collect();
    let common = t.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let ups = d.len() - common;
    // Sharing only the root (or a drive) is no neighbourhood.
    if ups > MAX_FOLDERS_UP || common < 2 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

fn save_scene(
    active: &mut ActiveScene,
    layers: &Layers,
    path: &Path,
    notices: &mut Notices,
    i18n: &I18n,
) {
    let mut scene = active.scene.clone();
    scene.layers = layers
        .entries
        .iter()
        .filter(|e| !layers.is_generated(e.id))
        .map(|e| {
            let mut def = e.def.clone();
            // Re-root relative paths when saving under another folder
            // (web addresses stay as they are).
            if active.path.as_deref() != Some(path) && !def.path.contains("://") {
                def.path = relative_to_scene(&e.source, Some(path));
            }
            def
        })
        .collect();
    match scene.save(path) {
        Ok(()) => {
            active.scene = scene;
            active.path = Some(path.to_path_buf());
            active.dirty = false;
            notices.info(i18n.trf("msg.scene_saved", &[("path", &path.display())]));
        }
        Err(e) => notices.error(i18n.render(&e.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shared scene folder keeps working: files below or beside the
    /// scene are stored relative to it, others absolute without "..".
    #[test]
    fn layer_paths_are_relative_below_and_beside_the_scene() {
        let scene = Path::new("/home/planung/projekte/jena/scenes/markt.scene");
        let rel = |p: &str| relative_to_scene(Path::new(p), Some(scene));
        assert_eq!(
            rel("/home/planung/projekte/jena/scenes/daten/a.gml"),
            "daten/a.gml"
        );
        assert_eq!(
            rel("/home/planung/projekte/jena/scenes/../assets/demo/nrw/x.gml"),
            "../assets/demo/nrw/x.gml"
        );
        assert_eq!(
            rel("/home/planung/projekte/dgm/jena.tif"),
            "../../dgm/jena.tif"
        );
        assert_eq!(rel("/srv/geodaten/alkis.gpkg"), "/srv/geodaten/alkis.gpkg");
        assert_eq!(
            rel("/home/planung/projekte/jena/scenes/./a/../b.csv"),
            "b.csv"
        );
        assert_eq!(
            Scene::resolve_path(scene, &rel("/home/planung/projekte/dgm/jena.tif")),
            Path::new("/home/planung/projekte/jena/scenes/../../dgm/jena.tif")
        );
    }
}
