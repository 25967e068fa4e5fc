//! The analyses the workbench offers, their form values, and their runs:
//! a run validates the form, takes the scenario as it stands, and goes to
//! the background (progress and cancel in the status bar); finished
//! results are listed, compared (B − A) and exported. Written once for
//! every analysis.

use crate::base::i18n::I18n;
use crate::base::jobs::{Jobs, Notices};
use crate::layers::ActiveScene;
use crate::scenario::ScenarioState;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures_lite::future};
use pw_analysis::{
    Analysis, AnalysisError, AnalysisResult, Area, ParamKind, ParamValues, Registry, Value,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Every analysis of this build; analysis plugins register themselves.
#[derive(Resource, Default, Clone)]
pub struct Analyses(pub Registry);

/// `app.register_analysis(Arc::new(MyAnalysis))` from an analysis plugin.
pub trait RegisterAnalysis {
    fn register_analysis(&mut self, analysis: Arc<dyn Analysis>) -> &mut Self;
}

impl RegisterAnalysis for App {
    fn register_analysis(&mut self, analysis: Arc<dyn Analysis>) -> &mut Self {
        self.init_resource::<Analyses>()
            .init_resource::<AnalysisState>();
        let world = self.world_mut();
        world
            .resource_mut::<Analyses>()
            .0
            .register(analysis.clone());
        let mut state = world.resource_mut::<AnalysisState>();
        state
            .forms
            .entry(analysis.id())
            .or_insert_with(|| analysis.defaults());
        if state.selected.is_empty() {
            state.selected = analysis.id().to_string();
        }
        self
    }
}

/// Where the two-tap area selection stands.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum AreaPick {
    #[default]
    Off,
    FirstCorner,
    SecondCorner([f64; 2]),
    /// The next tap sets the form's point parameter of this key.
    Point(&'static str),
}

#[derive(Debug, Clone)]
pub struct ResultEntry {
    pub id: u32,
    pub analysis: &'static str,
    pub result: Arc<AnalysisResult>,
    pub show_ground: bool,
    pub show_facades: bool,
    pub show_features: bool,
    /// m² of ground per legend class (the distribution chart), computed once.
    pub distribution: Vec<f64>,
    pub(crate) ground_entity: Option<Entity>,
    pub(crate) facade_entity: Option<Entity>,
    pub(crate) features_entity: Option<Entity>,
    /// The frame of the ground raster drawn now (`None`: the worst).
    pub(crate) shown_frame: Option<usize>,
}

impl ResultEntry {
    pub fn label(&self) -> &str {
        &self.result.label
    }

    pub fn is_difference(&self) -> bool {
        self.result.difference_of.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Running {
    pub job: u64,
    pub analysis: &'static str,
}

#[derive(Resource, Debug, Default)]
pub struct AnalysisState {
    /// Id of the analysis the panel shows.
    pub selected: String,
    pub forms: HashMap<&'static str, ParamValues>,
    pub pick: AreaPick,
    pub results: Vec<ResultEntry>,
    pub running: Option<Running>,
    /// Results chosen as A and B for "B − A".
    pub compare: (Option<u32>, Option<u32>),
    next_id: u32,
}

impl AnalysisState {
    pub fn form_mut(&mut self) -> Option<&mut ParamValues> {
        let key = self.forms.keys().find(|k| **k == self.selected).copied()?;
        self.forms.get_mut(key)
    }

    pub fn form(&self) -> Option<&ParamValues> {
        self.forms
            .iter()
            .find(|(k, _)| **k == self.selected)
            .map(|(_, v)| v)
    }

    pub fn result(&self, id: u32) -> Option<&ResultEntry> {
        self.results.iter().find(|e| e.id == id)
    }

    /// Adds a result; it shows its ground raster and hides the others'
    /// (one raster at a time is readable).
    pub fn add(&mut self, analysis: &'static str, mut result: AnalysisResult) -> u32 {
        self.next_id += 1;
        let id = self.next_id;
        // Labels name exports and the A/B choice: keep them apart.
        if self.results.iter().any(|e| e.result.label == result.label) {
            result.label = format!("{} ({id})", result.label);
        }
        let distribution = result
            .ground
            .as_ref()
            .map(|g| g.area_per_class(result.legend_of(&g.quantity)))
            .unwrap_or_default();
        for e in &mut self.results {
            e.show_ground = false;
        }
        let facades = result
            .facades
            .as_ref()
            .is_some_and(|f| !f.samples.is_empty());
        self.results.push(ResultEntry {
            id,
            analysis,
            result: Arc::new(result),
            show_ground: true,
            show_facades: facades,
            show_features: true,
            distribution,
            ground_entity: None,
            facade_entity: None,
            features_entity: None,
            shown_frame: None,
        });
        id
    }
}

#[derive(Message, Debug, Clone, PartialEq)]
pub enum AnalysisCommand {
    /// Show this analysis's form.
    Select(String),
    /// The selected analysis's form back to its defaults.
    UseDefaults,
    /// Run the selected analysis with its form.
    Run,
    /// Choose the form's area by two taps on the map.
    PickArea,
    /// The area around what the camera looks at (the view's width); points
    /// not chosen yet there too.
    AreaFromView,
    /// The area around a place (scene CRS) reaching `half` metres each way,
    /// and points not chosen yet there: a saved view's (the kiosk's tour).
    AreaAround {
        centre: [f64; 2],
        half: f64,
    },
    /// The form's polygon parameter `key` from the selected feature (a
    /// parcel of a vector layer, a building).
    PolygonFromSelection(&'static str),
    /// Forget the polygon of parameter `key`.
    ClearPolygon(&'static str),
    /// The next tap on the map sets point parameter `key`.
    PickPoint(&'static str),
    Show {
        id: u32,
        ground: bool,
        facades: bool,
        features: bool,
    },
    Remove(u32),
    /// Write every part of the result into `dir`, files named `stem.*`.
    Export {
        id: u32,
        dir: std::path::PathBuf,
        stem: String,
    },
    /// The key figures of every scenario side by side, as CSV.
    ExportFigures(std::path::PathBuf),
    /// B − A of two results of one analysis.
    Compare {
        a: u32,
        b: u32,
    },
}

#[derive(Component)]
pub(crate) struct AnalysisTask {
    job: u64,
    analysis: &'static str,
    /// "Besonnung (Sonnenstunden)" (+ " · scenario") before the run's own label.
    prefix: String,
    task: Task<Result<AnalysisResult, AnalysisError>>,
}

/// Removes an entry's overlays as well.
fn remove_entry(commands: &mut Commands, state: &mut AnalysisState, id: u32) {
    if let Some(k) = state.results.iter().position(|e| e.id == id) {
        let e = state.results.remove(k);
        for entity in [e.ground_entity, e.facade_entity, e.features_entity]
            .into_iter()
            .flatten()
        {
            commands.entity(entity).despawn();
        }
    }
}

/// How far the area "in view" reaches each way from what the camera looks
/// at, `distance` metres away.
pub fn view_half_width(distance: f64) -> f64 {
    (distance * 0.6).clamp(25.0, 1500.0)
}

/// The area key of an analysis's form (the first area parameter, else
/// the first polygon, which two taps set to a rectangle).
fn area_key(analysis: &dyn Analysis) -> Option<(&'static str, ParamKind)> {
    let params = analysis.params();
    [ParamKind::Area, ParamKind::Polygon]
        .into_iter()
        .find_map(|kind| params.iter().find(|p| p.kind == kind))
        .map(|p| (p.key, p.kind.clone()))
}

/// An area as the value of a parameter of `kind`.
fn area_value(kind: &ParamKind, area: Area) -> Value {
    match kind {
        ParamKind::Polygon => Value::Polygon(Some(vec![
            area.min,
            [area.max[0], area.min[1]],
            area.max,
            [area.min[0], area.max[1]],
        ])),
        _ => Value::Area(Some(area)),
    }
}

/// The outer ring of an object seen from above: its largest surface
/// (a parcel's polygon, a building's ground).
pub(crate) fn outline_of(o: &pw_city::CityObject) -> Option<Vec<[f64; 2]>> {
    o.surfaces
        .iter()
        .map(|s| s.exterior.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>())
        .filter(|r| r.len() >= 3)
        .max_by(|a, b| {
            pw_analysis::params::ring_area(a)
                .abs()
                .total_cmp(&pw_analysis::params::ring_area(b).abs())
        })
        .map(|mut r| {
            if r.len() > 3 && r.first() == r.last() {
                r.pop();
            }
            r
        })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn handle_commands(
    mut commands: Commands,
    mut reader: MessageReader<AnalysisCommand>,
    mut state: ResMut<AnalysisState>,
    analyses: Res<Analyses>,
    mut jobs: ResMut<Jobs>,
    mut notices: ResMut<Notices>,
    inputs: crate::scenario::ScenarioInputs,
    scenario: Res<ScenarioState>,
    i18n: Res<I18n>,
    orbit: Query<&crate::view::camera::OrbitCamera>,
    frame: Res<SceneFrame>,
    selection: Res<crate::layers::city_draw::Selection>,
) {
    for cmd in reader.read() {
        let selected = analyses.0.get(&state.selected).cloned();
        match cmd {
            AnalysisCommand::Select(id) => {
                if analyses.0.get(id).is_some() {
                    state.selected = id.clone();
                    state.pick = AreaPick::Off;
                }
            }
            AnalysisCommand::Run => {
                let Some(analysis) = selected else { continue };
                if state.running.is_some() {
                    notices.error(i18n.tr("analysis.busy"));
                    continue;
                }
                let values = state.form().cloned().unwrap_or_else(|| analysis.defaults());
                if let Err(e) = analysis.validate(&values) {
                    for m in e.messages() {
                        notices.error(i18n.render(&m));
                    }
                    continue;
                }
                let name = scenario.name(&i18n);
                let s = inputs.current(name.clone(), &scenario);
                let mut prefix = i18n.tr(analysis.title()).to_string();
                if !scenario.edits.is_empty() {
                    prefix = format!("{prefix} · {name}");
                }
                let job = jobs.start(prefix.clone());
                let control = job.control.clone();
                let a = analysis.clone();
                // The estimate walks the scenario's objects: off the frame
                // too; it refuses runs the engine cannot hold.
                let task = AsyncComputeTaskPool::get().spawn(async move {
                    a.estimate(&values, &s)?;
                    pw_analysis::run_checked(&*a, &values, &s, &control)
                });
                state.running = Some(Running {
                    job: job.id,
                    analysis: analysis.id(),
                });
                commands.spawn(AnalysisTask {
                    job: job.id,
                    analysis: analysis.id(),
                    prefix,
                    task,
                });
            }
            AnalysisCommand::UseDefaults => {
                if let (Some(analysis), Some(form)) = (selected.as_ref(), state.form_mut()) {
                    *form = analysis.defaults();
                }
            }
            AnalysisCommand::PickArea => state.pick = AreaPick::FirstCorner,
            AnalysisCommand::PickPoint(key) => state.pick = AreaPick::Point(key),
            AnalysisCommand::AreaFromView | AnalysisCommand::AreaAround { .. } => {
                let Some(analysis) = selected else {
                    continue;
                };
                let (c, half) = match cmd {
                    AnalysisCommand::AreaAround { centre, half } => {
                        ([centre[0], centre[1], 0.0], *half)
                    }
                    _ => {
                        let Ok(o) = orbit.single() else { continue };
                        (
                            frame.bevy_to_world(o.target),
                            view_half_width(f64::from(o.distance)),
                        )
                    }
                };
                if let (Some((key, kind)), Some(form)) = (area_key(&*analysis), state.form_mut()) {
                    let area = Area::new(c[0] - half, c[1] - half, c[0] + half, c[1] + half);
                    form.set(key, area_value(&kind, area));
                }
                // The first point of the mode not chosen yet (an observer)
                // stands where the camera looks, on the ground; a second one
                // (a target) is left to the user.
                if let Some(form) = state.form_mut() {
                    let specs = analysis.params();
                    let first = specs
                        .iter()
                        .filter(|p| p.kind == ParamKind::Point && form.applies(p, &specs))
                        .find(|p| form.point(p.key).is_none())
                        .map(|p| p.key);
                    if let Some(key) = first {
                        let point = pw_analysis::Point {
                            x: c[0],
                            y: c[1],
                            z: None,
                        };
                        form.set(key, Value::Point(Some(point)));
                    }
                }
            }
            AnalysisCommand::PolygonFromSelection(key) => {
                let ring = selection
                    .picked
                    .and_then(|(layer, i)| {
                        inputs
                            .city
                            .layers
                            .get(&layer)?
                            .city
                            .model
                            .objects
                            .get(i)
                            .cloned()
                    })
                    .and_then(|o| outline_of(&o));
                match (ring, state.form_mut()) {
                    (Some(ring), Some(form)) => form.set(key, Value::Polygon(Some(ring))),
                    _ => notices.error(i18n.tr("analysis.select_polygon_first")),
                }
            }
            AnalysisCommand::ClearPolygon(key) => {
                if let Some(form) = state.form_mut() {
                    form.set(key, Value::Polygon(None));
                }
            }
            AnalysisCommand::Show {
                id,
                ground,
                facades,
                features,
            } => {
                if let Some(e) = state.results.iter_mut().find(|e| e.id == *id) {
                    e.show_features = *features;
                    e.show_ground = *ground;
                    e.show_facades = *facades;
                }
            }
            AnalysisCommand::Remove(id) => remove_entry(&mut commands, &mut state, *id),
            AnalysisCommand::Export { id, dir, stem } => {
                if let Some(e) = state.result(*id) {
                    match pw_analysis::export::export_all(&e.result, dir, stem) {
                        Ok(files) => {
                            let files: Vec<String> =
                                files.iter().map(|f| f.display().to_string()).collect();
                            notices.info(
                                i18n.trf("analysis.exported", &[("files", &files.join(", "))]),
                            )
                        }
                        Err(err) => {
                            notices.error(i18n.trf("analysis.export_failed", &[("why", &err)]))
                        }
                    }
                }
            }
            AnalysisCommand::ExportFigures(path) => {
                let table =
                    pw_analysis::ScenarioFigures::of(state.results.iter().map(|e| &*e.result));
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|_| std::fs::write(path, table.to_csv(&|m| i18n.render(m))));
                match written {
                    Ok(()) => {
                        notices.info(i18n.trf("analysis.exported", &[("files", &path.display())]))
                    }
                    Err(e) => notices.error(i18n.trf(
                        "analysis.figures_not_written",
                        &[("path", &path.display()), ("error", &e)],
                    )),
                }
            }
            AnalysisCommand::Compare { a, b } => {
                let (Some(ea), Some(eb)) = (state.result(*a), state.result(*b)) else {
                    continue;
                };
                let analysis = eb.analysis;
                match pw_analysis::difference(&ea.result, &eb.result) {
                    Ok(d) => {
                        for n in &d.notes {
                            notices.info(i18n.render(n));
                        }
                        state.add(analysis, d);
                    }
                    Err(e) => notices.error(i18n.render(&e.message())),
                }
            }
        }
    }
}

/// Another scene: results, areas and a run of the old one would be wrong
/// here, so they go (the run is cancelled and leaves nothing).
pub(crate) fn forget_on_new_scene(
    mut commands: Commands,
    active: Res<ActiveScene>,
    mut state: ResMut<AnalysisState>,
    mut jobs: ResMut<Jobs>,
    tasks: Query<(Entity, &AnalysisTask)>,
    mut last: Local<Option<std::path::PathBuf>>,
) {
    if !active.is_changed() || active.path == *last {
        return;
    }
    let first = last.is_none();
    *last = active.path.clone();
    if first && state.results.is_empty() {
        return;
    }
    for (entity, t) in &tasks {
        jobs.cancel(t.job);
        jobs.finish(t.job);
        commands.entity(entity).despawn();
    }
    state.running = None;
    state.pick = AreaPick::Off;
    state.compare = (None, None);
    let ids: Vec<u32> = state.results.iter().map(|e| e.id).collect();
    for id in ids {
        remove_entry(&mut commands, &mut state, id);
    }
    for form in state.forms.values_mut() {
        for (key, value) in form.clone().iter() {
            if matches!(value, Value::Area(Some(_))) {
                form.set(key, Value::Area(None));
            }
            if matches!(value, Value::Polygon(Some(_))) {
                form.set(key, Value::Polygon(None));
            }
            if matches!(value, Value::Point(Some(_))) {
                form.set(key, Value::Point(None));
            }
        }
    }
}

/// Two taps on the map set the selected form's area; one tap a point
/// (with its height where it hit a building: a window or a roof).
pub(crate) fn pick_area(
    mut clicks: MessageReader<crate::view::picking::WorldClick>,
    mut state: ResMut<AnalysisState>,
    analyses: Res<Analyses>,
) {
    for click in clicks.read() {
        let Some(p) = click.world else { continue };
        state.pick = match state.pick {
            AreaPick::Off => AreaPick::Off,
            AreaPick::Point(key) => {
                if let Some(form) = state.form_mut() {
                    let z = click.object.map(|_| p[2]);
                    let point = pw_analysis::Point {
                        x: p[0],
                        y: p[1],
                        z,
                    };
                    form.set(key, Value::Point(Some(point)));
                }
                AreaPick::Off
            }
            AreaPick::FirstCorner => AreaPick::SecondCorner([p[0], p[1]]),
            AreaPick::SecondCorner(a) => {
                let key = analyses.0.get(&state.selected).and_then(|x| area_key(&**x));
                if let (Some((key, kind)), Some(form)) = (key, state.form_mut()) {
                    form.set(key, area_value(&kind, Area::new(a[0], a[1], p[0], p[1])));
                }
                AreaPick::Off
            }
        };
    }
}

pub(crate) fn poll_tasks(
    mut commands: Commands,
    mut tasks: Query<(Entity, &mut AnalysisTask)>,
    mut state: ResMut<AnalysisState>,
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
            Ok(mut result) => {
                for n in &result.notes {
                    notices.info(i18n.render(n));
                }
                result.label = format!("{} {}", t.prefix, result.label);
                state.add(t.analysis, result);
            }
            Err(AnalysisError::Cancelled) => notices.info(i18n.tr("analysis.cancelled")),
            Err(e) => {
                for m in e.messages() {
                    notices.error(i18n.render(&m));
                }
            }
        }
    }
}
