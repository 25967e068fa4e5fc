//! Participation at the touch table: the workshop session (its file beside
//! the scene, the desk, the server phones join by QR code), contributions
//! written at the table at a place tapped in 3D with the whole view, the
//! live list and tally, moderation, pins in the view, and "show me what they
//! saw". The engine-free part is `pw-participation`; the panel is
//! `ui/participation_panel.rs`.

pub mod kiosk;
pub mod pictures;
pub mod pins;
pub mod results;
pub mod session;
pub mod view_state;

#[cfg(test)]
mod tests;

use bevy::prelude::*;
use pw_participation::{
    Anchor, Area, Category, Contribution, Draft, Moderation, Reply, Request, Source, SqliteStore,
    Store, Tally, VariantCard,
};

use crate::base::i18n::I18n;
use crate::layers::city_draw::CityLayers;
use crate::layers::{ActiveScene, Layers, SceneCommand};
use crate::scenario::{ScenarioCommand, ScenarioState};
use crate::view::camera::{CameraCommand, OrbitCamera};
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;
use crate::view::picking::WorldClick;

#[derive(Message, Debug, Clone, PartialEq)]
pub enum ParticipationCommand {
    /// Open the scene's workshop file and let phones in.
    Start,
    /// Close the phones' page (everything said stays in the file).
    Stop,
    /// The next tap in the view sets the draft's place.
    PickPlace,
    ClearPlace,
    /// Save the table's draft with the view as it is now.
    Send,
    Moderate(i64, Moderation),
    /// Restore the view the contribution was made in.
    ShowView(i64),
    /// Write the results (GeoJSON, CSV, the PDF report) beside the
    /// workshop file, in the background.
    SaveResults,
    /// Take the pictures of the variants and analysis maps for phones and
    /// the report (see `pictures.rs`).
    TakePictures,
    /// Stop taking them after the picture being taken.
    CancelPictures,
    /// A new link for the workshop (the old QR code stops working).
    NewLink,
}

/// What the table is writing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableDraft {
    pub text: String,
    pub category: Option<Category>,
    pub anchor: Option<Anchor>,
    /// Shift on the on-screen keyboard.
    pub shift: bool,
    /// The form (and its keyboard) is open.
    pub open: bool,
    /// Chosen at the first send and kept until saved: a second tap sends
    /// the same draft, which is stored once.
    pub nonce: Option<String>,
}

#[derive(Resource, Default)]
pub struct Participation {
    pub session: Option<session::Session>,
    /// Newest first.
    pub contributions: Vec<Contribution>,
    pub tally: Option<Tally>,
    pub draft: TableDraft,
    /// The next tap in the view sets the draft's place.
    pub picking: bool,
    /// Only this category in the list.
    pub filter: Option<Category>,
    /// Only what is still open: not answered, not hidden.
    pub open_only: bool,
    /// The contribution whose view is shown (its pin stands out).
    pub selected: Option<i64>,
    /// The moderator's reply being written: (contribution, text, shift).
    pub replying: Option<(i64, String, bool)>,
    /// The contribution being merged into another: the next "hierher"
    /// tap in the list chooses which.
    pub merging: Option<i64>,
    /// The last outcome for the person at the table: (text, is an error).
    pub message: Option<(String, bool)>,
    /// The scene (path or name) whose workshop was opened by itself once.
    pub auto_started_for: Option<String>,
    /// The scene (path or name) the session belongs to.
    pub session_scene: Option<String>,
    /// Results being written: the files, or why not.
    saving: std::sync::Mutex<Option<std::sync::mpsc::Receiver<Result<results::Written, String>>>>,
}

impl Participation {
    /// The contributions the list shows: not merged into another, of the
    /// chosen category; hidden ones stay for the moderator, marked.
    pub fn listed(&self) -> impl Iterator<Item = &Contribution> {
        self.contributions
            .iter()
            .filter(|c| c.merged_into.is_none())
            .filter(|c| self.filter.is_none_or(|f| c.category == f))
            .filter(|c| !self.open_only || (!c.answered && !c.hidden))
    }

    /// How many were merged into `id` (the same point made again).
    pub fn merged_count(&self, id: i64) -> usize {
        self.contributions
            .iter()
            .filter(|c| c.merged_into == Some(id))
            .count()
    }
}

pub struct ParticipationPlugin;

impl Plugin for ParticipationPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(kiosk::KioskPlugin)
            .init_resource::<Participation>()
            .init_resource::<pictures::PictureSeries>()
            .init_resource::<crate::base::audience::PicturesForThePublic>()
            .add_message::<ParticipationCommand>()
            .add_message::<pictures::PicturesCommand>()
            .add_message::<pictures::PicturesTaken>()
            .add_systems(
                Update,
                (
                    end_with_the_scene,
                    apply_commands,
                    take_pictures,
                    show_new_pictures,
                    receive,
                    pick_place,
                )
                    .chain(),
            );
    }
}

/// The scene's identity for its workshop: its path, or its name unsaved.
pub fn scene_key(active: &ActiveScene) -> String {
    active
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| active.scene.name.clone())
}

/// Another scene opened: its workshop is another one. The old one closes
/// (everything said stays in its file) and the lists empty.
fn end_with_the_scene(active: Res<ActiveScene>, mut participation: ResMut<Participation>) {
    if participation.session.is_none() {
        return;
    }
    let key = scene_key(&active);
    if participation.session_scene.as_deref() != Some(key.as_str()) {
        participation.session = None;
        participation.session_scene = None;
        participation.contributions.clear();
        participation.tally = None;
        participation.selected = None;
        participation.picking = false;
        participation.draft = TableDraft::default();
        participation.replying = None;
        participation.merging = None;
    }
}

fn take_pictures(
    mut reader: MessageReader<ParticipationCommand>,
    mut take: MessageWriter<pictures::PicturesCommand>,
) {
    for command in reader.read() {
        match command {
            ParticipationCommand::TakePictures => {
                let (width, height) = pictures::PICTURE_SIZE;
                take.write(pictures::PicturesCommand::Take { width, height });
            }
            ParticipationCommand::CancelPictures => {
                take.write(pictures::PicturesCommand::Cancel);
            }
            _ => {}
        }
    }
}

/// The variants' pictures from the folder's index onto their cards
/// (cards without one keep theirs).
fn picture_cards(
    cards: &mut [VariantCard],
    folder: &std::path::Path,
) -> Result<(), pw_participation::pictures::PicturesError> {
    let index = pw_participation::pictures::PictureIndex::load(folder)?;
    for card in cards {
        if let Some(png) = index
            .variant(&card.id)
            .and_then(|p| pw_participation::pictures::read_picture(folder, &p.file))
        {
            card.picture = Some(png);
        }
    }
    Ok(())
}

/// New pictures reach phones at once: the running workshop's cards change
/// (a phone sees them when it next loads the page).
fn show_new_pictures(
    mut taken: MessageReader<pictures::PicturesTaken>,
    mut participation: ResMut<Participation>,
    i18n: Res<I18n>,
) {
    for pictures::PicturesTaken { folder } in taken.read() {
        let Some(session) = participation.session.as_ref() else {
            continue;
        };
        let workshop = session.desk().workshop();
        let Ok(mut workshop) = workshop.write() else {
            continue;
        };
        if let Err(e) = picture_cards(&mut workshop.variants, folder) {
            participation.message = Some((pictures::problem_text(&i18n, &e), true));
        }
    }
}

/// Building outlines for the phones' map: the city's buildings inside the
/// area, at most a few thousand (a phone draws them as one SVG).
/// Restricted layers never reach phones.
fn outlines(city: &CityLayers, layers: &Layers, extent: [f64; 4]) -> Vec<Vec<[f64; 2]>> {
    const MOST: usize = 4000;
    let [x0, y0, x1, y1] = extent;
    let mut out = Vec::new();
    for layer in city.layers.values() {
        if layers.get(layer.owner).is_none_or(|e| e.def.restricted) {
            continue;
        }
        for object in &layer.city.model.objects {
            if out.len() >= MOST {
                return out;
            }
            if !object.is_building() {
                continue;
            }
            for polygon in object.outlines() {
                let Some(ring) = polygon.into_iter().next() else {
                    continue;
                };
                if ring
                    .iter()
                    .any(|p| p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1)
                {
                    out.push(ring);
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn apply_commands(
    mut reader: MessageReader<ParticipationCommand>,
    mut participation: ResMut<Participation>,
    active: Res<ActiveScene>,
    layers: Res<Layers>,
    city: Res<CityLayers>,
    scenario: Option<Res<ScenarioState>>,
    analysis: Option<Res<crate::analysis::AnalysisState>>,
    mut clock: ResMut<SceneClock>,
    frame: Res<SceneFrame>,
    cameras: Query<&OrbitCamera>,
    i18n: Res<I18n>,
    mut camera_commands: MessageWriter<CameraCommand>,
    mut scenario_commands: MessageWriter<ScenarioCommand>,
    mut scene_commands: MessageWriter<SceneCommand>,
    mut analysis_commands: MessageWriter<crate::analysis::AnalysisCommand>,
    mut commands: Commands,
) {
    for command in reader.read() {
        match command {
            ParticipationCommand::Start => {
                if participation.session.is_some() {
                    continue;
                }
                let settings =
                    active
                        .scene
                        .workshop
                        .clone()
                        .unwrap_or(pw_scene::WorkshopSettings {
                            title: String::new(),
                            title_en: String::new(),
                            session: String::new(),
                            port: pw_scene::default_workshop_port(),
                            area: None,
                            questions: Vec::new(),
                        });
                // The area phones point at: where the public layers are.
                let extent = settings.area.or_else(|| {
                    let mut e = pw_geo::Extent3::EMPTY;
                    for x in layers
                        .entries
                        .iter()
                        .filter(|l| !l.def.restricted)
                        .filter_map(|l| l.extent.as_ref())
                    {
                        e.union(x);
                    }
                    (!e.is_empty()).then(|| [e.min[0], e.min[1], e.max[0], e.max[1]])
                });
                let mut plan = session::Plan {
                    title: session::title(&active.scene),
                    variants: scenario
                        .as_ref()
                        .map(|s| s.plan.variants.iter().map(session::variant_card).collect())
                        .unwrap_or_default(),
                    questions: session::questions(&settings),
                    area: extent.map(|extent| Area {
                        extent,
                        outlines: outlines(&city, &layers, extent),
                        picture: None,
                    }),
                    port: settings.port,
                };
                let folder = results::pictures_folder(active.path.as_deref());
                let problem = picture_cards(&mut plan.variants, &folder).err();
                let file = session::workshop_file(active.path.as_deref(), &active.scene);
                match session::start(file, plan) {
                    Ok(s) => {
                        participation.replying = None;
                        participation.merging = None;
                        participation.message =
                            problem.map(|e| (pictures::problem_text(&i18n, &e), true));
                        participation.contributions.clear();
                        participation.session = Some(s);
                        participation.session_scene = Some(scene_key(&active));
                    }
                    Err(e) => {
                        participation.message = Some((
                            i18n.trf("participation.table.cannot_start", &[("why", &e)]),
                            true,
                        ))
                    }
                }
            }
            ParticipationCommand::Stop => {
                participation.session = None;
                participation.picking = false;
                participation.replying = None;
                participation.merging = None;
            }
            ParticipationCommand::NewLink => {
                // Closed, the link changed in its file, opened again: the
                // old QR code (a photo of last week's) leads nowhere.
                let file = session::workshop_file(active.path.as_deref(), &active.scene);
                let was_open = participation.session.take().is_some();
                let changed = SqliteStore::open(&file).and_then(|mut store| {
                    store.workshop_token(&pw_participation::limits::random_token(), true)
                });
                participation.message = Some(match changed {
                    Ok(_) => (
                        i18n.tr("participation.table.new_link_done").to_string(),
                        false,
                    ),
                    Err(e) => (
                        i18n.trf("participation.table.cannot_start", &[("why", &e)]),
                        true,
                    ),
                });
                if was_open {
                    commands.write_message(ParticipationCommand::Start);
                }
            }
            // `take_pictures` passes them on.
            ParticipationCommand::TakePictures | ParticipationCommand::CancelPictures => {}
            ParticipationCommand::PickPlace => participation.picking = true,
            ParticipationCommand::ClearPlace => {
                participation.draft.anchor = None;
                participation.picking = false;
            }
            ParticipationCommand::Send => {
                if participation.session.is_none() {
                    continue;
                }
                let view = view_state::capture(
                    cameras.single().ok(),
                    &frame,
                    scenario.as_ref().and_then(|s| s.active.as_deref()),
                    &layers,
                    analysis.as_deref(),
                    &clock,
                );
                let nonce = participation
                    .draft
                    .nonce
                    .get_or_insert_with(pw_participation::limits::random_token)
                    .clone();
                let Some(session) = participation.session.as_ref() else {
                    continue;
                };
                let draft = &participation.draft;
                let request = Request::Contribute {
                    draft: Draft {
                        participant: String::new(),
                        nonce,
                        text: draft.text.clone(),
                        category: draft.category.map(|c| c.code()).unwrap_or("").to_string(),
                        anchor: draft.anchor.clone(),
                        view,
                    },
                    source: Source::Table,
                };
                let _ = session.requests.send(request);
            }
            ParticipationCommand::Moderate(id, action) => {
                if let Some(session) = participation.session.as_ref() {
                    let _ = session.requests.send(Request::Moderate {
                        id: *id,
                        action: action.clone(),
                    });
                }
            }
            ParticipationCommand::SaveResults => {
                let Some(session) = participation.session.as_ref() else {
                    continue;
                };
                let desk = session.desk().clone();
                let folder = session
                    .file
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default();
                let stem = active
                    .path
                    .as_ref()
                    .and_then(|p| p.file_stem())
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "werkstatt".into());
                let lang = match i18n.language {
                    crate::base::i18n::Language::English => "en",
                    crate::base::i18n::Language::German => "de",
                };
                let title = session::title(&active.scene).get(lang).to_string();
                let setting = results::Setting {
                    title,
                    place_and_date: format!(
                        "{}, {}",
                        active.scene.city.name,
                        // The day the report is written, not the scene's clock.
                        jiff::Timestamp::now()
                            .to_zoned_datetime(clock.time_zone.clone())
                            .strftime("%d.%m.%Y")
                    ),
                    epsg: Some(frame.crs.horizontal),
                    attribution: layers.credits(&active.scene, false),
                    provenance: vec![
                        (
                            "Planwerkstatt".into(),
                            env!("CARGO_PKG_VERSION").to_string(),
                        ),
                        (
                            i18n.tr("participation.report.scene").to_string(),
                            active
                                .path
                                .as_ref()
                                .map(|p| p.display().to_string())
                                .unwrap_or_else(|| active.scene.name.clone()),
                        ),
                        (
                            i18n.tr("participation.report.file").to_string(),
                            session.file.display().to_string(),
                        ),
                    ],
                    lang: match i18n.language {
                        crate::base::i18n::Language::English => "en",
                        crate::base::i18n::Language::German => "de",
                    },
                    time_zone: clock.time_zone.clone(),
                    pictures: results::pictures_folder(active.path.as_deref()),
                };
                let (done, outcome) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let written = results::write(&desk, &setting, &folder, &stem)
                        .map_err(|e| format!("{e:#}"));
                    let _ = done.send(written);
                });
                if let Ok(mut saving) = participation.saving.lock() {
                    *saving = Some(outcome);
                }
            }
            ParticipationCommand::ShowView(id) => {
                let Some(c) = participation.contributions.iter().find(|c| c.id == *id) else {
                    continue;
                };
                let view = c.view.clone();
                let anchor = c.anchor.clone();
                participation.selected = Some(*id);
                restore(
                    &view,
                    anchor.as_ref(),
                    &layers,
                    scenario.as_deref(),
                    analysis.as_deref(),
                    &mut clock,
                    &mut camera_commands,
                    &mut scenario_commands,
                    &mut scene_commands,
                    &mut analysis_commands,
                );
            }
        }
    }
}

/// Puts the view back as it was: variant, layers, analysis result, clock,
/// and flies the camera there (to the place from above when a phone sent
/// it, as phones have no camera).
#[allow(clippy::too_many_arguments)]
fn restore(
    view: &pw_participation::ViewState,
    anchor: Option<&Anchor>,
    layers: &Layers,
    scenario: Option<&ScenarioState>,
    analysis: Option<&crate::analysis::AnalysisState>,
    clock: &mut SceneClock,
    camera_commands: &mut MessageWriter<CameraCommand>,
    scenario_commands: &mut MessageWriter<ScenarioCommand>,
    scene_commands: &mut MessageWriter<SceneCommand>,
    analysis_commands: &mut MessageWriter<crate::analysis::AnalysisCommand>,
) {
    if let Some(s) = scenario
        && s.active != view.variant
        && view
            .variant
            .as_ref()
            .is_none_or(|v| s.plan.get(v).is_some())
    {
        scenario_commands.write(ScenarioCommand::Activate(view.variant.clone()));
    }
    // Layers only when the view names them (a phone's does not).
    if !view.layers.is_empty() {
        for entry in &layers.entries {
            // A restricted layer is in no view taken while the public looks:
            // its own switch is left as it is.
            if layers.generated.contains(&entry.id) || entry.withheld || entry.def.restricted {
                continue;
            }
            let visible = view.layers.contains(&entry.def.name);
            if entry.def.visible != visible {
                scene_commands.write(SceneCommand::SetVisible(entry.id, visible));
            }
        }
    }
    if let (Some(label), Some(state)) = (&view.analysis, analysis) {
        for r in &state.results {
            let shown = &r.result.label == label;
            if shown || r.show_ground {
                analysis_commands.write(crate::analysis::AnalysisCommand::Show {
                    id: r.id,
                    ground: shown,
                    facades: shown,
                    features: shown,
                });
            }
        }
    }
    if let Some(t) = view
        .clock
        .as_deref()
        .and_then(|c| c.parse::<jiff::Timestamp>().ok())
    {
        clock.instant = t;
        clock.live = false;
        clock.playing = false;
    }
    let camera = view.camera.clone().or_else(|| {
        // From the south-west, looking down at the place.
        anchor.map(|a| {
            let z = a.z.unwrap_or(0.0);
            pw_participation::Camera {
                eye: [a.x - 120.0, a.y - 120.0, z + 140.0],
                target: [a.x, a.y, z],
            }
        })
    });
    if let Some(b) = camera.and_then(|c| view_state::bookmark(&c, String::new())) {
        camera_commands.write(CameraCommand::FlyTo(b));
    }
}

/// Takes in what the worker brought: changed contributions, the tally, the
/// answers to the table's own requests.
fn receive(mut participation: ResMut<Participation>, i18n: Res<I18n>) {
    let saved = participation
        .saving
        .lock()
        .ok()
        .and_then(|s| s.as_ref().and_then(|r| r.try_recv().ok()));
    if let Some(outcome) = saved {
        if let Ok(mut s) = participation.saving.lock() {
            *s = None;
        }
        participation.message = Some(match outcome {
            Ok(written) => {
                let folder = written
                    .files
                    .first()
                    .and_then(|f| f.parent())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let saved = i18n.trf("participation.table.results_saved", &[("folder", &folder)]);
                match &written.pictures_problem {
                    // Saved, but the report lacks its pictures: say why.
                    Some(problem) => (
                        format!("{saved} {}", pictures::problem_text(&i18n, problem)),
                        true,
                    ),
                    None => (saved, false),
                }
            }
            Err(why) => (
                i18n.trf("participation.table.results_failed", &[("why", &why)]),
                true,
            ),
        });
    }
    let events: Vec<session::WorkerEvent> = match participation.session.as_ref() {
        Some(s) => match s.events.lock() {
            Ok(events) => events.try_iter().collect(),
            Err(_) => return,
        },
        None => return,
    };
    for event in events {
        match event {
            session::WorkerEvent::Changes(changes) => {
                for c in changes.contributions {
                    match participation
                        .contributions
                        .iter_mut()
                        .find(|o| o.id == c.id)
                    {
                        Some(old) => *old = c,
                        None => participation.contributions.push(c),
                    }
                }
                participation.contributions.sort_by(|a, b| b.id.cmp(&a.id));
            }
            session::WorkerEvent::Tally(tally) => participation.tally = Some(tally),
            session::WorkerEvent::Done(Ok(Reply::Saved(_))) => {
                participation.draft = TableDraft::default();
                participation.picking = false;
                participation.message =
                    Some((i18n.tr("participation.table.saved").to_string(), false));
            }
            session::WorkerEvent::Done(Ok(_)) => {}
            session::WorkerEvent::Done(Err(e)) => {
                let lang = match i18n.language {
                    crate::base::i18n::Language::English => "en",
                    crate::base::i18n::Language::German => "de",
                };
                participation.message = Some((
                    pw_participation::texts::render(lang, e.key(), &e.args()),
                    true,
                ));
            }
        }
    }
}

/// While choosing the place, the next tap in the view is it (on a building:
/// the point on it and the building's id).
fn pick_place(
    mut clicks: MessageReader<WorldClick>,
    mut participation: ResMut<Participation>,
    city: Res<CityLayers>,
) {
    for click in clicks.read() {
        if !participation.picking {
            continue;
        }
        let Some([x, y, z]) = click.world else {
            continue;
        };
        let object = click.object.and_then(|(layer, index)| {
            city.layers
                .get(&layer)
                .and_then(|l| l.city.model.objects.get(index))
                .map(|o| o.id.clone())
        });
        participation.draft.anchor = Some(Anchor {
            x,
            y,
            z: Some(z),
            object,
        });
        participation.picking = false;
    }
}
