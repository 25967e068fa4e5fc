//! Drawing and editing a variant's buildings: footprints tapped on the map, storeys, roof,
//! use; every edit undoable (Ctrl+Z / Ctrl+Y and buttons).
//!
//! Taps snap to the metre grid and to right angles. Edits go into the variant shown — a new
//! one when "Bestand" is shown — and redraw it at once.

use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::scenario::{ScenarioCommand, ScenarioState};
use crate::view::picking::WorldClick;
use bevy::prelude::*;
use pw_plan::{PlanFile, Roof, Use, Variant, Volume};

/// Most edits kept for undo (a plan file is a few kB: 1,000 are a few MB).
pub const UNDO_DEPTH: usize = 1000;

/// Edits of the same field of the same volume this close together are one
/// undo step (dragging a number).
const MERGE_SECONDS: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VolumeEdit {
    Storeys(u32),
    StoreyHeight(f64),
    Roof(Roof),
    Use(Use),
}

impl VolumeEdit {
    fn field(&self) -> u8 {
        match self {
            VolumeEdit::Storeys(_) => 0,
            VolumeEdit::StoreyHeight(_) => 1,
            VolumeEdit::Roof(_) => 2,
            VolumeEdit::Use(_) => 3,
        }
    }
}

#[derive(Message, Debug, Clone, PartialEq)]
pub enum PlanCommand {
    /// Taps on the map now set footprint corners.
    StartDrawing,
    /// Close the footprint into a volume (3 storeys, flat roof to begin with).
    FinishDrawing,
    /// Take the last corner back.
    UndoCorner,
    CancelDrawing,
    Edit {
        volume: String,
        edit: VolumeEdit,
    },
    Delete(String),
    Undo,
    Redo,
}

#[derive(Resource, Debug, Default)]
pub struct PlanEditor {
    /// Corners tapped so far while drawing (scene CRS).
    pub drawing: Option<Vec<[f64; 2]>>,
    /// The plan and the variant shown, before each edit.
    undo: Vec<(PlanFile, Option<String>)>,
    redo: Vec<(PlanFile, Option<String>)>,
    /// (volume, field, when) of the last edit, to merge drags.
    last_edit: Option<(String, u8, f64)>,
}

impl PlanEditor {
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Bytes the undo history holds (the benchmark's figure).
    pub fn history_bytes(&self) -> usize {
        self.undo
            .iter()
            .chain(&self.redo)
            .map(|(p, a)| p.to_text().len() + a.as_ref().map_or(0, String::len))
            .sum()
    }

    fn remember(&mut self, state: &ScenarioState) {
        self.undo.push((state.plan.clone(), state.active.clone()));
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }
}

pub struct PlanPlugin;

impl Plugin for PlanPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PlanEditor>()
            .add_message::<PlanCommand>()
            .add_message::<WorldClick>()
            .add_message::<ScenarioCommand>()
            .add_systems(
                Update,
                (forget_on_new_scene, take_corners, handle_commands)
                    .chain()
                    .before(crate::scenario::ScenarioSystems),
            );
    }
}

/// Draws the footprint being drawn (and the edge to the pointer) on the map.
pub struct PlanGizmoPlugin;

impl Plugin for PlanGizmoPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, draw_footprint);
    }
}

fn draw_footprint(
    mut gizmos: Gizmos,
    editor: Res<PlanEditor>,
    frame: Res<crate::view::frame::SceneFrame>,
    ground: Option<Res<crate::view::ground::GroundLevel>>,
    cursor: Res<crate::view::picking::CursorWorld>,
) {
    let Some(corners) = editor.drawing.as_ref() else {
        return;
    };
    let z = ground.map(|g| g.height).unwrap_or(frame.origin.world[2]) + 0.5;
    let mut points: Vec<[f64; 2]> = corners.clone();
    if let Some(p) = cursor.world {
        points.push(snap(corners, [p[0], p[1]]));
    }
    if let Some(first) = corners.first().filter(|_| points.len() >= 3) {
        points.push(*first);
    }
    let colour = Color::srgb(0.90, 0.49, 0.13);
    gizmos.linestrip(
        points.iter().map(|p| frame.world_to_bevy([p[0], p[1], z])),
        colour,
    );
    for c in corners {
        gizmos.sphere(frame.world_to_bevy([c[0], c[1], z]), 0.6, colour);
    }
}

/// A tapped corner: on the metre grid, and at a right angle to the last
/// edge when it is within 7° of one (so rectangles come out square).
pub fn snap(corners: &[[f64; 2]], p: [f64; 2]) -> [f64; 2] {
    let grid = |v: f64| v.round();
    let p = [grid(p[0]), grid(p[1])];
    let [.., a, b] = corners else { return p };
    let d = [b[0] - a[0], b[1] - a[1]];
    let e = [p[0] - b[0], p[1] - b[1]];
    let (ld, le) = (d[0].hypot(d[1]), e[0].hypot(e[1]));
    if ld < 1e-9 || le < 1e-9 {
        return p;
    }
    let cos = (d[0] * e[0] + d[1] * e[1]) / (ld * le);
    if cos.abs() > 7f64.to_radians().sin() {
        return p;
    }
    // Perpendicular to d, on the side p lies, as long as p's edge.
    let side = (d[0] * e[1] - d[1] * e[0]).signum();
    let n = [-d[1] / ld * side, d[0] / ld * side];
    let length = (le * 2.0).round() / 2.0;
    [b[0] + n[0] * length, b[1] + n[1] * length]
}

/// Another scene: its plan is another; corners and undo steps of the old
/// one must not reach it.
fn forget_on_new_scene(
    active: Res<crate::layers::ActiveScene>,
    mut editor: ResMut<PlanEditor>,
    mut last: Local<Option<std::path::PathBuf>>,
) {
    if active.is_changed() && active.path != *last {
        *last = active.path.clone();
        *editor = PlanEditor::default();
    }
}

fn take_corners(mut clicks: MessageReader<WorldClick>, mut editor: ResMut<PlanEditor>) {
    for click in clicks.read() {
        let (Some(p), Some(corners)) = (click.world, editor.drawing.as_mut()) else {
            continue;
        };
        let q = snap(corners, [p[0], p[1]]);
        if corners.last() != Some(&q) {
            corners.push(q);
        }
    }
}

/// The variant edits go into: the one shown, else a new one.
fn target_variant<'a>(state: &'a mut ScenarioState, i18n: &I18n) -> &'a mut Variant {
    if state
        .active
        .as_ref()
        .is_none_or(|n| state.plan.get(n).is_none())
    {
        let taken = |n: &str| state.plan.get(n).is_some();
        let name = (1..)
            .map(|k| i18n.trf("scenario.variant_n", &[("n", &k)]))
            .find(|n| !taken(n))
            .expect("a free name");
        let mut v = Variant::new(name.clone());
        v.removed = state.edits.removed.iter().cloned().collect();
        state.plan.variants.push(v);
        state.active = Some(name);
    }
    state.active_variant_mut().expect("just made sure")
}

#[allow(clippy::too_many_arguments)]
fn handle_commands(
    mut reader: MessageReader<PlanCommand>,
    mut editor: ResMut<PlanEditor>,
    mut state: ResMut<ScenarioState>,
    mut notices: ResMut<Notices>,
    i18n: Res<I18n>,
    time: Res<Time>,
    mut scenario: MessageWriter<ScenarioCommand>,
) {
    let now = time.elapsed_secs_f64();
    for cmd in reader.read() {
        let mut changed = false;
        match cmd {
            PlanCommand::StartDrawing => editor.drawing = Some(Vec::new()),
            PlanCommand::UndoCorner => {
                if let Some(c) = editor.drawing.as_mut() {
                    c.pop();
                }
            }
            PlanCommand::CancelDrawing => editor.drawing = None,
            PlanCommand::FinishDrawing => {
                let Some(corners) = editor.drawing.clone() else {
                    continue;
                };
                let taken: Vec<String> = state
                    .plan
                    .variants
                    .iter()
                    .flat_map(|v| v.volumes.iter().map(|x| x.id.clone()))
                    .collect();
                let id = (1..)
                    .map(|k| format!("neu-{k}"))
                    .find(|id| !taken.contains(id))
                    .expect("a free id");
                let mut volume = Volume::new(id.clone(), corners, 3);
                volume.name = i18n.trf("plan.volume_n", &[("n", &id.trim_start_matches("neu-"))]);
                if let Err(e) = volume.validate() {
                    // The corners stay: move or take one back and finish again.
                    notices.error(i18n.tr(e.key()));
                    continue;
                }
                let snapshot = state.clone();
                editor.remember(&snapshot);
                target_variant(&mut state, &i18n).volumes.push(volume);
                editor.drawing = None;
                editor.last_edit = None;
                changed = true;
            }
            PlanCommand::Edit { volume, edit } => {
                let merge = editor.last_edit.as_ref().is_some_and(|(v, f, t)| {
                    v == volume && *f == edit.field() && now - t < MERGE_SECONDS
                });
                let before = state.clone();
                let Some(v) = state
                    .active_variant_mut()
                    .and_then(|v| v.volumes.iter_mut().find(|x| &x.id == volume))
                else {
                    continue;
                };
                let mut next = v.clone();
                match *edit {
                    VolumeEdit::Storeys(n) => next.storeys = n,
                    VolumeEdit::StoreyHeight(h) => next.storey_height = h,
                    VolumeEdit::Roof(r) => next.roof = r,
                    VolumeEdit::Use(u) => next.usage = u,
                }
                if next == *v {
                    continue;
                }
                if let Err(e) = next.validate() {
                    notices.error(i18n.tr(e.key()));
                    continue;
                }
                *v = next;
                if !merge {
                    editor.remember(&before);
                }
                editor.last_edit = Some((volume.clone(), edit.field(), now));
                changed = true;
            }
            PlanCommand::Delete(volume) => {
                let before = state.clone();
                if let Some(v) = state.active_variant_mut() {
                    let n = v.volumes.len();
                    v.volumes.retain(|x| &x.id != volume);
                    if v.volumes.len() != n {
                        editor.remember(&before);
                        editor.last_edit = None;
                        changed = true;
                    }
                }
            }
            PlanCommand::Undo | PlanCommand::Redo => {
                let editor = &mut *editor;
                let (from, to) = if *cmd == PlanCommand::Undo {
                    (&mut editor.undo, &mut editor.redo)
                } else {
                    (&mut editor.redo, &mut editor.undo)
                };
                let Some((plan, active)) = from.pop() else {
                    continue;
                };
                to.push((
                    std::mem::replace(&mut state.plan, plan),
                    std::mem::replace(&mut state.active, active),
                ));
                editor.last_edit = None;
                if state
                    .active
                    .as_ref()
                    .is_some_and(|n| state.plan.get(n).is_none())
                {
                    state.active = None;
                }
                changed = true;
            }
        }
        if changed {
            state.dirty = true;
            scenario.write(ScenarioCommand::Activate(state.active.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::snap;

    #[test]
    fn corners_snap_to_the_metre_grid_and_to_right_angles() {
        assert_eq!(
            snap(&[], [280_930.4, 5_657_330.6]),
            [280_930.0, 5_657_331.0]
        );
        let c = [[0.0, 0.0], [20.0, 0.0]];
        // 5° off square: made square, the length kept to half a metre.
        assert_eq!(snap(&c, [21.1, 12.2]), [20.0, 12.0]);
        // Clearly not square (30°): left where tapped, on the grid.
        assert_eq!(snap(&c, [27.0, 12.0]), [27.0, 12.0]);
        // The other side too.
        assert_eq!(snap(&c, [19.6, -8.2]), [20.0, -8.0]);
    }
}
