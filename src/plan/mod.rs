//! Drawing and editing a variant's buildings and trees: footprints tapped on the map (or
//! edges typed to length), storeys, roof, use; corners moved, buildings moved and turned;
//! trees planted; every edit undoable (Ctrl+Z / Ctrl+Y and buttons).
//!
//! Taps snap to corners and edges of existing buildings, to right angles and to the metre
//! grid (`pw_plan::snap`). Edits go into the variant shown — a new one when "Bestand" is
//! shown — and redraw it at once.

use crate::base::i18n::I18n;
use crate::base::jobs::Notices;
use crate::layers::city_draw::CityLayers;
use crate::scenario::{ScenarioCommand, ScenarioState};
use crate::view::picking::WorldClick;
use bevy::prelude::*;
use pw_plan::snap::{SnapTo, corner_at_length, outline_edges};
use pw_plan::{PlanFile, Roof, Tree, Use, Variant, Volume};

/// Most edits kept for undo (a plan file is a few kB: 1,000 are a few MB).
pub const UNDO_DEPTH: usize = 1000;

/// Edits of the same field of the same volume this close together are one
/// undo step (dragging a number).
const MERGE_SECONDS: f64 = 1.0;

#[derive(Debug, Clone, PartialEq)]
pub enum VolumeEdit {
    Storeys(u32),
    StoreyHeight(f64),
    Roof(Roof),
    Use(Use),
    /// A new footprint (corner moved, building moved or turned).
    Footprint(Vec<[f64; 2]>),
}

impl VolumeEdit {
    /// Edits of a dragged number merge into one undo step; taps and
    /// choices (None) are a step each.
    fn field(&self) -> Option<u8> {
        match self {
            VolumeEdit::Storeys(_) => Some(0),
            VolumeEdit::StoreyHeight(_) => Some(1),
            VolumeEdit::Roof(_) => Some(2),
            VolumeEdit::Use(_) | VolumeEdit::Footprint(_) => None,
        }
    }
}

/// What taps on the map do besides selecting (drawing a footprint has its
/// own state, [`PlanEditor::drawing`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Tool {
    #[default]
    None,
    /// Tap a corner of the volume, then where it goes.
    MoveCorner {
        volume: String,
        corner: Option<usize>,
    },
    /// Tap where the volume's centre goes.
    MoveVolume { volume: String },
    /// Tap where the design's centre goes.
    MoveDesign { design: String },
    /// Every tap plants a tree.
    PlantTrees,
}

#[derive(Message, Debug, Clone, PartialEq)]
pub enum PlanCommand {
    /// Taps on the map now set footprint corners.
    StartDrawing,
    /// Taps on the map now set the corners of a surface paved or unsealed.
    StartDrawingSurface(pw_plan::SurfaceKind),
    /// Taps on the map now set the points of a new road of this class
    /// ("residential", "secondary" …).
    StartDrawingRoad(String),
    /// Close the footprint into a volume (3 storeys, flat roof to begin with).
    FinishDrawing,
    /// Take the last corner back.
    UndoCorner,
    CancelDrawing,
    /// While drawing: the next corner this many metres from the last one,
    /// toward the pointer (a typed edge length).
    CornerAt(f64),
    /// Taps move a corner of this volume.
    StartMoveCorner(String),
    /// A tap moves this volume there.
    StartMoveVolume(String),
    /// Taps plant trees.
    StartPlanting,
    /// Back to selecting.
    StopTool,
    /// A planted tree's size (height, crown diameter, m).
    EditTree {
        tree: String,
        height: f64,
        crown: f64,
    },
    Edit {
        volume: String,
        edit: VolumeEdit,
    },
    /// A volume, planted tree, design or drawn surface of the variant goes.
    Delete(String),
    /// The variant sets `key` on an existing object (`None`: takes its
    /// change back) — a road made one-way or slower.
    SetAttribute {
        object: String,
        key: String,
        value: Option<String>,
    },
    /// Plant a tree here (scene CRS).
    PlantAt([f64; 2]),
    /// Place a design file in the variant: where it was dropped, else
    /// where its georeference puts it (a file without one: the view's
    /// centre).
    ImportDesign {
        path: std::path::PathBuf,
        at: Option<[f64; 2]>,
    },
    /// A design's place, turn and scale.
    EditDesign {
        design: String,
        at: Option<[f64; 2]>,
        rotate_deg: f64,
        scale: f64,
    },
    /// Taps move this design.
    StartMoveDesign(String),
    Undo,
    Redo,
}

/// What the points being drawn become.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Drawn {
    #[default]
    Volume,
    Surface(pw_plan::SurfaceKind),
    /// The points of a road of this class.
    Road(String),
}

#[derive(Resource, Debug, Default)]
pub struct PlanEditor {
    /// Corners tapped so far while drawing (scene CRS).
    pub drawing: Option<Vec<[f64; 2]>>,
    /// What the corners become.
    pub drawn: Drawn,
    pub tool: Tool,
    /// The last point of the map under the pointer (typed lengths point
    /// there while the pointer is over the panel).
    pub pointer: Option<[f64; 2]>,
    /// The plan and the variant shown, before each edit.
    undo: Vec<(PlanFile, Option<String>)>,
    redo: Vec<(PlanFile, Option<String>)>,
    /// (volume, field, when) of the last edit, to merge drags.
    last_edit: Option<(String, u8, f64)>,
    /// Trees tapped this frame, planted by the command handler.
    pending_trees: Vec<[f64; 2]>,
}

impl PlanEditor {
    /// Whether the points being drawn make a road (a line, not a ring).
    pub fn draws_road(&self) -> bool {
        matches!(self.drawn, Drawn::Road(_))
    }

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

    /// An edit of `thing` made on `before`: one undo step, unless it goes
    /// on dragging the same `field` of the same thing as the last edit
    /// (within [`MERGE_SECONDS`]). `field` None: always a step of its own.
    fn record(&mut self, before: &ScenarioState, thing: &str, field: Option<u8>, now: f64) {
        let merge = field.is_some_and(|field| {
            self.last_edit
                .as_ref()
                .is_some_and(|(v, f, t)| v == thing && *f == field && now - t < MERGE_SECONDS)
        });
        if !merge {
            self.remember(before);
        }
        self.last_edit = field.map(|f| (thing.to_string(), f, now));
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
                (
                    forget_on_new_scene,
                    follow_pointer,
                    take_taps,
                    handle_commands,
                )
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

#[allow(clippy::too_many_arguments)]
fn draw_footprint(
    mut gizmos: Gizmos,
    editor: Res<PlanEditor>,
    frame: Res<crate::view::frame::SceneFrame>,
    ground: Option<Res<crate::view::ground::GroundLevel>>,
    cursor: Res<crate::view::picking::CursorWorld>,
    city: Res<CityLayers>,
    layers: Res<crate::layers::Layers>,
    state: Res<ScenarioState>,
) {
    let z = ground.map(|g| g.height).unwrap_or(frame.origin.world[2]) + 0.5;
    let colour = Color::srgb(0.90, 0.49, 0.13);
    // Where a tap would land, ringed: orange on the grid or square, blue
    // on an existing building's corner or edge.
    let mark = |gizmos: &mut Gizmos, p: [f64; 2], to: SnapTo| {
        let c = match to {
            SnapTo::Corner | SnapTo::Edge => Color::srgb(0.16, 0.50, 0.73),
            _ => colour,
        };
        let at = frame.world_to_bevy([p[0], p[1], z]);
        gizmos.circle(
            Isometry3d::new(at, Quat::from_rotation_x(std::f32::consts::FRAC_PI_2)),
            1.0,
            c,
        );
    };
    let pointer = cursor.world.map(|p| [p[0], p[1]]);
    let snapped = |corners: &[[f64; 2]], p: [f64; 2]| {
        if editor.draws_road() {
            return (p, SnapTo::Grid);
        }
        let edges = edges_near(&city, &layers, &state, &frame, p, None);
        pw_plan::snap::snap(corners, p, &edges)
    };
    if let Some(corners) = editor.drawing.as_ref() {
        let mut points: Vec<[f64; 2]> = corners.clone();
        if let Some(p) = pointer {
            let (q, to) = snapped(corners, p);
            mark(&mut gizmos, q, to);
            points.push(q);
        }
        if let Some(first) = corners
            .first()
            .filter(|_| points.len() >= 3 && !editor.draws_road())
        {
            points.push(*first);
        }
        gizmos.linestrip(
            points.iter().map(|p| frame.world_to_bevy([p[0], p[1], z])),
            colour,
        );
        for c in corners {
            gizmos.sphere(frame.world_to_bevy([c[0], c[1], z]), 0.6, colour);
        }
        return;
    }
    // Moving a corner or a volume: the footprint as it would become.
    let preview = match (&editor.tool, pointer) {
        (Tool::MoveCorner { volume, corner }, p) => volume_of(&state, volume).map(|v| {
            for c in &v.footprint {
                gizmos.sphere(frame.world_to_bevy([c[0], c[1], z]), 0.8, colour);
            }
            match (corner, p) {
                (Some(i), Some(p)) => {
                    let (q, to) = snapped(&[], p);
                    mark(&mut gizmos, q, to);
                    v.with_corner(*i, q).footprint
                }
                _ => v.footprint.clone(),
            }
        }),
        (Tool::MoveVolume { volume }, Some(p)) => volume_of(&state, volume).map(|v| {
            let c = v.centre();
            v.shifted([p[0].round() - c[0], p[1].round() - c[1]])
                .footprint
        }),
        _ => None,
    };
    if let Some(ring) = preview {
        let closed = ring.iter().chain(ring.first());
        gizmos.linestrip(closed.map(|p| frame.world_to_bevy([p[0], p[1], z])), colour);
    }
}

fn design_of<'a>(state: &'a ScenarioState, id: &str) -> Option<&'a pw_plan::Design> {
    let name = state.active.as_deref()?;
    state.plan.get(name)?.designs.iter().find(|d| d.id == id)
}

fn volume_of<'a>(state: &'a ScenarioState, id: &str) -> Option<&'a Volume> {
    let name = state.active.as_deref()?;
    state.plan.get(name)?.volumes.iter().find(|v| v.id == id)
}

/// Edges of the buildings (and drawn areas, e.g. parcels) shown within
/// reach of `p`: what taps snap to. Removed buildings and the volume being
/// edited (`skip`) do not count.
pub fn edges_near(
    city: &CityLayers,
    layers: &crate::layers::Layers,
    state: &ScenarioState,
    frame: &crate::view::frame::SceneFrame,
    p: [f64; 2],
    skip: Option<&str>,
) -> Vec<[[f64; 2]; 2]> {
    let local = frame.origin.to_local([p[0], p[1], frame.origin.world[2]]);
    let reach = pw_plan::snap::REACH_M as f32 + 0.5;
    let mut edges = Vec::new();
    for l in city.layers.values() {
        let shown = layers.get(l.owner).is_some_and(|e| e.shown()) && l.shown;
        if !(shown && l.city.selectable) {
            continue;
        }
        let model = &l.city.model;
        for i in l
            .city
            .index
            .objects_near(&l.city.batches, local[0], local[1], reach)
        {
            let Some(o) = model.objects.get(i) else {
                continue;
            };
            let root = o.parent.and_then(|k| model.objects.get(k)).unwrap_or(o);
            if state.edits.removed.contains(&root.id) || Some(o.id.as_str()) == skip {
                continue;
            }
            edges.extend(outline_edges(o));
        }
    }
    edges
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

fn follow_pointer(
    cursor: Option<Res<crate::view::picking::CursorWorld>>,
    mut editor: ResMut<PlanEditor>,
) {
    if let Some(p) = cursor.and_then(|c| c.world)
        && editor.pointer != Some([p[0], p[1]])
    {
        editor.pointer = Some([p[0], p[1]]);
    }
}

/// Taps on the map: corners while drawing; the corner to move and its new
/// place; the volume's new place; trees. Edits become commands, so that
/// they are checked and undone like every other.
#[allow(clippy::too_many_arguments)]
fn take_taps(
    mut clicks: MessageReader<WorldClick>,
    mut editor: ResMut<PlanEditor>,
    city: Res<CityLayers>,
    layers: Res<crate::layers::Layers>,
    state: Res<ScenarioState>,
    frame: Res<crate::view::frame::SceneFrame>,
    mut out: MessageWriter<PlanCommand>,
) {
    for click in clicks.read() {
        let Some(p) = click.world.map(|p| [p[0], p[1]]) else {
            continue;
        };
        let drawing_road = editor.draws_road();
        if let Some(corners) = editor.drawing.as_mut() {
            // A road's points stay where tapped (to 10 cm): the traffic
            // analysis joins its ends to the roads they are near.
            let (q, _) = if drawing_road {
                (
                    [(p[0] * 10.0).round() / 10.0, (p[1] * 10.0).round() / 10.0],
                    SnapTo::Grid,
                )
            } else {
                let edges = edges_near(&city, &layers, &state, &frame, p, None);
                pw_plan::snap::snap(corners, p, &edges)
            };
            if corners.last() != Some(&q) {
                corners.push(q);
            }
            continue;
        }
        match editor.tool.clone() {
            Tool::None => {}
            Tool::MoveCorner { volume, corner } => {
                let Some(v) = volume_of(&state, &volume) else {
                    editor.tool = Tool::None;
                    continue;
                };
                match corner {
                    // First tap: the nearest corner within 3 m.
                    None => {
                        let nearest = v
                            .footprint
                            .iter()
                            .enumerate()
                            .map(|(i, c)| (i, (c[0] - p[0]).hypot(c[1] - p[1])))
                            .filter(|(_, d)| *d <= 3.0)
                            .min_by(|a, b| a.1.total_cmp(&b.1));
                        if let Some((i, _)) = nearest {
                            editor.tool = Tool::MoveCorner {
                                volume,
                                corner: Some(i),
                            };
                        }
                    }
                    Some(i) => {
                        let edges = edges_near(&city, &layers, &state, &frame, p, Some(&volume));
                        let (q, _) = pw_plan::snap::snap(&[], p, &edges);
                        out.write(PlanCommand::Edit {
                            volume: volume.clone(),
                            edit: VolumeEdit::Footprint(v.with_corner(i, q).footprint),
                        });
                        // The next corner of the same volume may follow.
                        editor.tool = Tool::MoveCorner {
                            volume,
                            corner: None,
                        };
                    }
                }
            }
            Tool::MoveVolume { volume } => {
                if let Some(v) = volume_of(&state, &volume) {
                    let c = v.centre();
                    let moved = v.shifted([p[0].round() - c[0], p[1].round() - c[1]]);
                    out.write(PlanCommand::Edit {
                        volume,
                        edit: VolumeEdit::Footprint(moved.footprint),
                    });
                }
                editor.tool = Tool::None;
            }
            Tool::MoveDesign { design } => {
                if let Some(d) = design_of(&state, &design) {
                    out.write(PlanCommand::EditDesign {
                        design,
                        at: Some([p[0].round(), p[1].round()]),
                        rotate_deg: d.rotate_deg,
                        scale: d.scale,
                    });
                }
                editor.tool = Tool::None;
            }
            Tool::PlantTrees => {
                editor
                    .pending_trees
                    .push([(p[0] * 10.0).round() / 10.0, (p[1] * 10.0).round() / 10.0]);
            }
        }
    }
}

/// The first `prefix-N` no variant uses yet (ids stay unique across
/// variants, so that one can be copied into another).
fn free_id(state: &ScenarioState, prefix: &str) -> String {
    let taken: std::collections::HashSet<&str> = state
        .plan
        .variants
        .iter()
        .flat_map(|v| {
            v.volumes
                .iter()
                .map(|x| x.id.as_str())
                .chain(v.trees.iter().map(|t| t.id.as_str()))
                .chain(v.designs.iter().map(|d| d.id.as_str()))
                .chain(v.surfaces.iter().map(|s| s.id.as_str()))
                .chain(v.roads.iter().map(|r| r.id.as_str()))
        })
        .collect();
    (1..)
        .map(|k| format!("{prefix}-{k}"))
        .find(|id| !taken.contains(id.as_str()))
        .expect("a free id")
}

/// A drawn surface or road goes into the variant as one undo step; the
/// drawing ends.
fn keep_drawn(
    state: &mut ScenarioState,
    editor: &mut PlanEditor,
    i18n: &I18n,
    now: f64,
    add: impl FnOnce(&mut Variant),
) {
    let snapshot = state.clone();
    editor.record(&snapshot, "", None, now);
    add(target_variant(state, i18n));
    editor.drawing = None;
    editor.drawn = Drawn::Volume;
    state.dirty = true;
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
    active: Res<crate::layers::ActiveScene>,
) {
    let now = time.elapsed_secs_f64();
    let planted: Vec<PlanCommand> = std::mem::take(&mut editor.pending_trees)
        .into_iter()
        .map(PlanCommand::PlantAt)
        .collect();
    for cmd in reader.read().cloned().chain(planted) {
        let cmd = &cmd;
        let mut changed = false;
        match cmd {
            PlanCommand::StartDrawing => {
                editor.drawing = Some(Vec::new());
                editor.drawn = Drawn::Volume;
                editor.tool = Tool::None;
            }
            PlanCommand::StartDrawingSurface(kind) => {
                editor.drawing = Some(Vec::new());
                editor.drawn = Drawn::Surface(*kind);
                editor.tool = Tool::None;
            }
            PlanCommand::StartDrawingRoad(class) => {
                editor.drawing = Some(Vec::new());
                editor.drawn = Drawn::Road(class.clone());
                editor.tool = Tool::None;
            }
            PlanCommand::CornerAt(length) => {
                let pointer = editor.pointer;
                if let (Some(corners), Some(p)) = (editor.drawing.as_mut(), pointer) {
                    match corner_at_length(corners, p, *length) {
                        Some(q) => corners.push(q),
                        None => notices.error(i18n.tr("plan.length_needs_direction")),
                    }
                }
            }
            PlanCommand::StartMoveCorner(volume) => {
                editor.drawing = None;
                editor.tool = Tool::MoveCorner {
                    volume: volume.clone(),
                    corner: None,
                };
            }
            PlanCommand::StartMoveVolume(volume) => {
                editor.drawing = None;
                editor.tool = Tool::MoveVolume {
                    volume: volume.clone(),
                };
            }
            PlanCommand::StartPlanting => {
                editor.drawing = None;
                editor.tool = Tool::PlantTrees;
            }
            PlanCommand::StopTool => editor.tool = Tool::None,
            PlanCommand::StartMoveDesign(design) => {
                editor.drawing = None;
                editor.tool = Tool::MoveDesign {
                    design: design.clone(),
                };
            }
            PlanCommand::ImportDesign { path, at } => {
                if !pw_plan::design::is_design_file(path) {
                    notices.error(i18n.trf(
                        "plan.design_not_a_model",
                        &[("path", &path.display().to_string())],
                    ));
                    continue;
                }
                // Kept relative to the scene when it lies beside it, so
                // that the folder can move.
                let stored = active
                    .path
                    .as_deref()
                    .and_then(|s| s.parent())
                    .and_then(|dir| path.strip_prefix(dir).ok())
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| path.clone());
                let id = free_id(&state, "entwurf");
                let snapshot = state.clone();
                editor.record(&snapshot, "", None, now);
                let variant = target_variant(&mut state, &i18n);
                variant.designs.push(pw_plan::Design {
                    id,
                    path: stored,
                    at: *at,
                    rotate_deg: 0.0,
                    scale: 1.0,
                });
                let file = path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let name = variant.name.clone();
                notices.info(i18n.trf(
                    "plan.design_imported",
                    &[("file", &file), ("variant", &name)],
                ));
                changed = true;
            }
            PlanCommand::EditDesign {
                design,
                at,
                rotate_deg,
                scale,
            } => {
                let before = state.clone();
                let Some(d) = state
                    .active_variant_mut()
                    .and_then(|v| v.designs.iter_mut().find(|x| &x.id == design))
                else {
                    continue;
                };
                let next = pw_plan::Design {
                    at: *at,
                    rotate_deg: *rotate_deg,
                    scale: scale.clamp(0.01, 100.0),
                    ..d.clone()
                };
                if next == *d {
                    continue;
                }
                // Dragging the scale is one step; a move or a turn is one.
                let scale_only = next.at == d.at && next.rotate_deg == d.rotate_deg;
                *d = next;
                editor.record(&before, design, scale_only.then_some(10), now);
                changed = true;
            }
            PlanCommand::PlantAt(at) => {
                let id = free_id(&state, "baum");
                let snapshot = state.clone();
                editor.record(&snapshot, "", None, now);
                target_variant(&mut state, &i18n)
                    .trees
                    .push(Tree::new(id, *at));
                changed = true;
            }
            PlanCommand::EditTree {
                tree,
                height,
                crown,
            } => {
                let before = state.clone();
                let Some(t) = state
                    .active_variant_mut()
                    .and_then(|v| v.trees.iter_mut().find(|x| &x.id == tree))
                else {
                    continue;
                };
                let next = Tree {
                    height: *height,
                    crown: *crown,
                    ..t.clone()
                };
                if next == *t {
                    continue;
                }
                if let Err(e) = next.validate() {
                    notices.error(i18n.tr(e.key()));
                    continue;
                }
                *t = next;
                editor.record(&before, tree, Some(9), now);
                changed = true;
            }
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
                if let Drawn::Road(class) = editor.drawn.clone() {
                    let id = free_id(&state, "strasse");
                    let mut road = pw_plan::Road::new(id.clone(), corners, &class);
                    road.name =
                        i18n.trf("plan.road_n", &[("n", &id.trim_start_matches("strasse-"))]);
                    if let Err(e) = road.validate() {
                        notices.error(i18n.tr(e.key()));
                        continue;
                    }
                    keep_drawn(&mut state, &mut editor, &i18n, now, |v| v.roads.push(road));
                    scenario.write(ScenarioCommand::Activate(state.active.clone()));
                    continue;
                }
                if let Drawn::Surface(kind) = editor.drawn {
                    let id = free_id(&state, "flaeche");
                    let mut surface = pw_plan::Surface::new(id.clone(), kind, corners);
                    let key = match kind {
                        pw_plan::SurfaceKind::Sealed => "plan.paved_n",
                        pw_plan::SurfaceKind::Unsealed => "plan.unsealed_n",
                    };
                    surface.name = i18n.trf(key, &[("n", &id.trim_start_matches("flaeche-"))]);
                    if let Err(e) = surface.validate() {
                        notices.error(i18n.tr(e.key()));
                        continue;
                    }
                    keep_drawn(&mut state, &mut editor, &i18n, now, |v| {
                        v.surfaces.push(surface)
                    });
                    scenario.write(ScenarioCommand::Activate(state.active.clone()));
                    continue;
                }
                let id = free_id(&state, "neu");
                let mut volume = Volume::new(id.clone(), corners, 3);
                volume.name = i18n.trf("plan.volume_n", &[("n", &id.trim_start_matches("neu-"))]);
                if let Err(e) = volume.validate() {
                    // The corners stay: move or take one back and finish again.
                    notices.error(i18n.tr(e.key()));
                    continue;
                }
                let snapshot = state.clone();
                editor.record(&snapshot, "", None, now);
                target_variant(&mut state, &i18n).volumes.push(volume);
                editor.drawing = None;
                changed = true;
            }
            PlanCommand::Edit { volume, edit } => {
                let before = state.clone();
                let Some(v) = state
                    .active_variant_mut()
                    .and_then(|v| v.volumes.iter_mut().find(|x| &x.id == volume))
                else {
                    continue;
                };
                let mut next = v.clone();
                match edit {
                    VolumeEdit::Storeys(n) => next.storeys = *n,
                    VolumeEdit::StoreyHeight(h) => next.storey_height = *h,
                    VolumeEdit::Roof(r) => next.roof = *r,
                    VolumeEdit::Use(u) => next.usage = *u,
                    VolumeEdit::Footprint(f) => next.footprint = f.clone(),
                }
                if next == *v {
                    continue;
                }
                if let Err(e) = next.validate() {
                    notices.error(i18n.tr(e.key()));
                    continue;
                }
                *v = next;
                editor.record(&before, volume, edit.field(), now);
                changed = true;
            }
            PlanCommand::Delete(volume) => {
                let before = state.clone();
                if let Some(v) = state.active_variant_mut() {
                    let count = |v: &Variant| {
                        v.volumes.len()
                            + v.trees.len()
                            + v.designs.len()
                            + v.surfaces.len()
                            + v.roads.len()
                    };
                    let n = count(v);
                    v.volumes.retain(|x| &x.id != volume);
                    v.trees.retain(|x| &x.id != volume);
                    v.surfaces.retain(|x| &x.id != volume);
                    v.roads.retain(|x| &x.id != volume);
                    // An object of a design stands for the whole design.
                    let design = volume.split('/').next().unwrap_or(volume);
                    v.designs.retain(|x| x.id != design);
                    if count(v) != n {
                        editor.record(&before, "", None, now);
                        changed = true;
                    }
                }
            }
            PlanCommand::SetAttribute { object, key, value } => {
                let before = state.clone();
                if target_variant(&mut state, &i18n).set_attribute(object, key, value.as_deref()) {
                    editor.record(&before, "", None, now);
                    changed = true;
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
