//! A running workshop: its file next to the user's scene, the desk, the
//! phones' server, and a worker thread that talks to the desk so that no
//! frame ever waits for a commit.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use pw_participation::{
    Area, Changes, DeskHandle, LocalText, ParticipationError, Question, QuestionKind, Reply,
    Request, ServerLimits, SqliteStore, Tally, VariantCard, Workshop, WorkshopServer, start_desk,
};

/// What the worker brings back to the app.
#[derive(Debug)]
pub enum WorkerEvent {
    Changes(Changes),
    Tally(Tally),
    /// A request of the app's own was answered.
    Done(Result<Reply, ParticipationError>),
}

pub struct Session {
    /// The link phones open (also in the QR code).
    pub link: String,
    pub qr: Vec<Vec<bool>>,
    /// The workshop file.
    pub file: PathBuf,
    pub requests: mpsc::Sender<Request>,
    /// In a mutex only so the session can sit in a Bevy resource.
    pub events: std::sync::Mutex<mpsc::Receiver<WorkerEvent>>,
    desk: DeskHandle,
    // Dropped last: the server stops with the session.
    _server: WorkshopServer,
}

impl Session {
    pub fn desk(&self) -> &DeskHandle {
        &self.desk
    }
}

/// The workshop file of a scene: `<scene>.werkstatt.sqlite` beside the
/// user's scene (in the documents for a bundled one); one of several
/// workshops on it (`[workshop] session`): `<scene>-<session>.werkstatt.sqlite`.
pub fn workshop_file(scene_path: Option<&Path>, scene: &pw_scene::Scene) -> PathBuf {
    let session = scene
        .workshop
        .as_ref()
        .map(|w| w.session.as_str())
        .filter(|s| !s.is_empty());
    let file = scene_file(scene_path, &scene.name);
    match session {
        Some(s) => file.with_file_name(format!(
            "{}-{s}.werkstatt.sqlite",
            file.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".werkstatt.sqlite"))
                .unwrap_or("werkstatt")
        )),
        None => file,
    }
}

fn scene_file(scene_path: Option<&Path>, scene_name: &str) -> PathBuf {
    let folder = crate::base::places::user_folder(scene_path);
    let stem = scene_path
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| {
            let name: String = scene_name
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect();
            if name.is_empty() {
                "werkstatt".into()
            } else {
                name
            }
        });
    folder.join(format!("{stem}.werkstatt.sqlite"))
}

/// The scene's questions as the workshop asks them.
pub fn questions(settings: &pw_scene::WorkshopSettings) -> Vec<Question> {
    settings
        .questions
        .iter()
        .map(|q| Question {
            id: q.id.clone(),
            text: LocalText::new(&q.de, &q.en),
            kind: match q.kind.as_str() {
                "stars" => QuestionKind::Stars,
                "choice" => QuestionKind::Choice {
                    options: q
                        .options
                        .iter()
                        .map(|o| LocalText::new(&o.de, &o.en))
                        .collect(),
                },
                // Checked when the scene was read.
                _ => QuestionKind::YesNo,
            },
        })
        .collect()
}

/// A variant as phones and the report show it: its name and description
/// in German and (where the plan gives them) English.
pub fn variant_card(v: &pw_plan::Variant) -> VariantCard {
    VariantCard {
        id: v.name.clone(),
        name: LocalText::new(&v.name, &v.name_en),
        caption: LocalText::new(&v.description, &v.description_en),
        picture: None,
    }
}

/// The workshop's title in both languages: the scene's `[workshop]` title
/// (else the scene's name), and its English one where given.
pub fn title(scene: &pw_scene::Scene) -> LocalText {
    let settings = scene.workshop.as_ref();
    let de = settings
        .map(|w| w.title.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| scene.name.clone());
    let en = settings.map(|w| w.title_en.clone()).unwrap_or_default();
    LocalText::new(&de, &en)
}

/// What a workshop is about, from the scene and its variants.
pub struct Plan {
    pub title: LocalText,
    pub variants: Vec<VariantCard>,
    pub questions: Vec<Question>,
    pub area: Option<Area>,
    pub port: u16,
}

/// Opens the workshop file, starts the desk and the phones' server on all
/// network interfaces (phones are on the venue's network), and the worker.
pub fn start(file: PathBuf, plan: Plan) -> Result<Session, String> {
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let store = SqliteStore::open(&file).map_err(|e| e.to_string())?;
    let mut workshop = Workshop::new(plan.title);
    workshop.variants = plan.variants;
    workshop.questions = plan.questions;
    workshop.area = plan.area;
    let desk = start_desk(workshop, Box::new(store));
    let bind = |port: u16| std::net::SocketAddr::from(([0, 0, 0, 0], port));
    // The scene's port, or any free one when something else holds it.
    let server = WorkshopServer::start(desk.clone(), bind(plan.port), ServerLimits::default())
        .or_else(|_| WorkshopServer::start(desk.clone(), bind(0), ServerLimits::default()))
        .map_err(|e| e.to_string())?;
    let host = pw_participation::lan_address()
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "127.0.0.1".into());
    let link = server.link(&host);
    let qr = pw_participation::qr_modules(&link);
    let (requests, from_app) = mpsc::channel::<Request>();
    let (to_app, events) = mpsc::channel::<WorkerEvent>();
    let worker_desk = desk.clone();
    std::thread::Builder::new()
        .name("workshop-worker".into())
        .spawn(move || worker(worker_desk, from_app, to_app))
        .map_err(|e| e.to_string())?;
    Ok(Session {
        link,
        qr,
        file,
        requests,
        events: std::sync::Mutex::new(events),
        desk,
        _server: server,
    })
}

/// Asks the desk what changed once a second, and passes on the app's own
/// requests at once; ends when the session is dropped.
fn worker(desk: DeskHandle, requests: mpsc::Receiver<Request>, events: mpsc::Sender<WorkerEvent>) {
    let mut revision = 0;
    let mut first = true;
    loop {
        // What the file holds already comes at once; then once a second.
        if !first {
            match requests.recv_timeout(Duration::from_secs(1)) {
                Ok(request) => {
                    if events
                        .send(WorkerEvent::Done(desk.ask_blocking(request)))
                        .is_err()
                    {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        first = false;
        if let Ok(Reply::Changes(changes)) = desk.ask_blocking(Request::Changes { since: revision })
        {
            let fresh = !changes.contributions.is_empty() || revision == 0;
            revision = changes.revision;
            if fresh && events.send(WorkerEvent::Changes(changes)).is_err() {
                return;
            }
        }
        if let Ok(Reply::Tally(tally)) = desk.ask_blocking(Request::Tally)
            && events.send(WorkerEvent::Tally(tally)).is_err()
        {
            return;
        }
    }
}
