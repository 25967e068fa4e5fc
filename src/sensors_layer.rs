//! The scene's sensor sources on the map: each `[[sensors]]` source runs in
//! its own thread (a replayed recording, an MQTT broker, a SensorThings
//! service) and hands batches of events to the frame through a channel;
//! the frame only files them into the source's [`SensorStore`]. Markers show
//! every placed station's value at the global clock's time — live or
//! historic, the same question — coloured by the scene's classes, grey when
//! stale. Last values are kept on disk for an offline start.

use crate::clock::SceneClock;
use crate::frame::SceneFrame;
use crate::ground::GroundLevel;
use crate::layers::{ActiveScene, Layers, LayersSystems};
use bevy::prelude::*;
use pw_scene::{SensorSource, SensorSourceKind, parse_hex_color};
use pw_sensors::Value;
use pw_sensors::client::StaClient;
use pw_sensors::history_cache::HistoryCache;
use pw_sensors::mqtt::LiveEvent;
use pw_sensors::sta::{Datastream, Query as StaQuery};
use pw_sensors::store::{SensorStore, Station};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Duration;

/// Default age after which a value counts as stale.
const STALE_AFTER_MINUTES: f64 = 60.0;
/// Colours (sRGB) of values without classes, stale values and stations
/// without any value yet.
const NEUTRAL: [f32; 4] = [0.17, 0.42, 0.69, 1.0];
const STALE: [f32; 4] = [0.62, 0.62, 0.62, 1.0];
const EMPTY: [f32; 4] = [0.85, 0.85, 0.85, 1.0];
/// Markers stand this far above the ground, metres.
const ABOVE_GROUND: f64 = 2.0;
/// At most this many events are filed per frame (the rest next frame).
const EVENTS_PER_FRAME: usize = 20_000;
/// How often live sources write their last values to disk.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(60);
/// Servers that cannot give the newest values inline are asked per
/// datastream for at most this many.
const MAX_SINGLE_LATEST: usize = 500;
/// In historic time, history is fetched for this many stations nearest
/// the view's centre (and the open one).
const HISTORY_STATIONS: usize = 200;
/// History is fetched in windows of one day.
const DAY_MS: i64 = 86_400_000;

/// What a source thread sends.
pub enum SourceUpdate {
    Events(Vec<LiveEvent>, i64),
    Status(SourceStatus),
    /// Fetched places of a moving Thing (its station id, fixes).
    Track {
        station: String,
        fixes: Vec<(i64, [f64; 2])>,
    },
    /// Fetched history of one SensorThings datastream ("sta:<id>").
    History {
        key: String,
        values: Vec<pw_sensors::sta::Observation>,
        fetched_ms: i64,
        problem: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceStatus {
    Starting,
    /// Connected / replaying.
    Running,
    /// Not reachable now (the reason); cached values are shown.
    Offline(String),
    /// Cannot work at all (bad file, bad URL).
    Failed(String),
}

/// A history window wanted from a SensorThings source.
struct HistoryRequest {
    key: String,
    from_ms: i64,
    to_ms: i64,
}

/// One running source with everything known from it.
pub struct SourceRuntime {
    pub def: SensorSource,
    pub status: SourceStatus,
    pub store: SensorStore,
    /// Where its last values are kept (None for replays).
    pub snapshot: Option<PathBuf>,
    /// Fetched history windows (stream key, window start).
    pub history_windows: BTreeSet<(String, i64)>,
    pub history_problem: Option<String>,
    /// The recording being written of what its broker pushes, if any.
    pub recording: Option<PathBuf>,
    /// In a mutex only so the resource is `Sync`; one system reads it.
    updates: std::sync::Mutex<Receiver<SourceUpdate>>,
    requests: Option<Sender<HistoryRequest>>,
    stop: Arc<AtomicBool>,
}

impl Drop for SourceRuntime {
    /// Stops its thread and keeps its last values for the next start.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(path) = &self.snapshot
            && !self.store.stations.is_empty()
            && let Err(e) = pw_sensors::snapshot::save(&self.store, path)
        {
            warn!("{}: last sensor values not kept: {e}", path.display());
        }
    }
}

impl SourceRuntime {
    /// The layer group a station is shown in.
    pub fn category_of(&self, station: &Station) -> String {
        let group = station.category.as_deref().unwrap_or_default();
        self.def
            .categories
            .iter()
            .find(|(k, _)| {
                station.id.contains(*k) || station.name.contains(*k) || group.contains(*k)
            })
            .map(|(_, v)| v.clone())
            .or_else(|| self.def.category.clone())
            .or_else(|| station.category.clone())
            .unwrap_or_else(|| self.def.name.clone())
    }

    /// Asks the source thread for a day of history (SensorThings only).
    fn want_history(&mut self, key: &str, time_ms: i64) {
        let Some(tx) = &self.requests else { return };
        let from = time_ms.div_euclid(DAY_MS) * DAY_MS;
        if self.history_windows.insert((key.to_string(), from)) {
            let _ = tx.send(HistoryRequest {
                key: key.to_string(),
                from_ms: from,
                to_ms: from + DAY_MS,
            });
        }
    }
}

/// What the user chose to see.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorView {
    pub hidden_categories: BTreeSet<String>,
    /// Only stations inside this rectangle (scene CRS: min E, min N, max E, max N).
    pub area: Option<[f64; 4]>,
    /// The station whose panel is open: (source index, station id).
    pub selected: Option<(usize, String)>,
    /// Streams shown in its plot (keys); empty: the first.
    pub plotted: BTreeSet<String>,
}

/// Where last values and fetched history are kept (the user's cache
/// folder; tests use their own).
#[derive(Resource, Debug, Clone)]
pub struct SensorCacheDir(pub PathBuf);

impl Default for SensorCacheDir {
    fn default() -> Self {
        SensorCacheDir(HistoryCache::default_dir())
    }
}

/// The scene's sensors.
#[derive(Resource, Default)]
pub struct Sensors {
    pub sources: Vec<SourceRuntime>,
    pub view: SensorView,
    /// Bumped whenever markers must be recomputed.
    pub version: u64,
    /// Bumped whenever the sources are (re)started.
    pub generation: u64,
    /// Start (true) or end a recording of a source's pushed messages.
    pub record_request: Option<(usize, bool)>,
    started_for: Option<(Option<PathBuf>, Vec<SensorSource>)>,
    last_snapshot: Option<std::time::Instant>,
}

/// One station drawn on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub source: usize,
    pub station: String,
    /// The station's index in its source's store.
    pub station_index: usize,
    /// Scene CRS, on the ground + [`ABOVE_GROUND`].
    pub world: [f64; 3],
    /// sRGB.
    pub color: [f32; 4],
    /// Value and unit of its first stream at the clock's time.
    pub value: Option<String>,
    /// Measuring time of that value (Unix ms).
    pub time_ms: Option<i64>,
    pub stale: bool,
}

/// Markers at the clock's time, for the mesh, labels and picking.
#[derive(Resource, Debug, Default)]
pub struct SensorMarkers {
    pub items: Vec<Marker>,
    /// Bumped when the stations shown (not their colours or places) changed.
    pub layout: u64,
    computed_for: Option<(u64, u64, u64)>,
    /// The clock time they were computed for, and the earliest time after
    /// it at which any of them may change: moving the clock within that
    /// span changes nothing but the ages in the labels.
    computed_at: i64,
    next_change: i64,
    /// (source, station index) → index in `items`.
    index: HashMap<(usize, usize), usize>,
    /// Markers of moving stations: (index in `items`, source, station).
    moving: Vec<(usize, usize, usize)>,
}

pub struct SensorsPlugin;

impl Plugin for SensorsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Sensors>()
            .init_resource::<SensorCacheDir>()
            .init_resource::<SensorMarkers>()
            .add_systems(
                Update,
                (
                    start_sources,
                    record_sources,
                    file_updates,
                    compute_markers,
                    fetch_history,
                )
                    .chain()
                    .after(LayersSystems),
            );
    }
}

/// Formats a value with its unit.
pub fn value_text(value: &Value, unit: Option<&str>) -> String {
    let v = match value {
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e9 => format!("{n:.0}"),
        Value::Number(n) if n.abs() >= 100.0 => format!("{n:.0}"),
        Value::Number(n) => format!("{n:.1}"),
        Value::Text(t) => t.clone(),
    };
    match unit {
        Some(u) if !u.is_empty() => format!("{v} {u}"),
        _ => v,
    }
}

/// Where the last values of a source are kept for the next start.
fn snapshot_path(cache: &Path, scene: Option<&Path>, source: &SensorSource) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (
        scene.map(|p| std::path::absolute(p).unwrap_or(p.to_path_buf())),
        &source.name,
        &source.url,
    )
        .hash(&mut h);
    cache.join("last").join(format!("{:016x}.json", h.finish()))
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// (Re)starts the sources when the scene (or its source list) changes.
fn start_sources(
    active: Res<ActiveScene>,
    cache: Res<SensorCacheDir>,
    mut sensors: ResMut<Sensors>,
    mut clock: ResMut<SceneClock>,
) {
    if !active.is_changed() {
        return;
    }
    let key = (active.path.clone(), active.scene.sensors.clone());
    if sensors.started_for.as_ref() == Some(&key) {
        return;
    }
    let first_start = sensors
        .started_for
        .as_ref()
        .is_none_or(|(path, _)| *path != active.path);
    sensors.sources.clear();
    sensors.view = SensorView::default();
    for def in &active.scene.sensors {
        let source = match &active.path {
            Some(p) => pw_scene::Scene::resolve_path(p, &def.url),
            None => PathBuf::from(&def.url),
        };
        let snapshot = (def.kind != SensorSourceKind::Replay)
            .then(|| snapshot_path(&cache.0, active.path.as_deref(), def));
        let store = snapshot
            .as_ref()
            .and_then(|p| pw_sensors::snapshot::load(p).ok())
            .unwrap_or_default();
        sensors.sources.push(spawn_source(
            def.clone(),
            source,
            store,
            snapshot,
            cache.0.clone(),
            None,
        ));
        // A replay plays on the time axis from the scene's start time at
        // the recorded speed, as soon as the scene opens.
        if def.kind == SensorSourceKind::Replay && first_start {
            clock.live = false;
            clock.playing = true;
            clock.speed = def.speed.unwrap_or(60.0);
        }
    }
    sensors.started_for = Some(key);
    sensors.version += 1;
    sensors.generation += 1;
}

/// Whether a source gets messages pushed by a broker (and so can record).
pub fn can_record(def: &SensorSource) -> bool {
    def.kind == SensorSourceKind::Mqtt
        || (def.kind == SensorSourceKind::Sensorthings && def.mqtt.is_some())
}

/// Starts or ends the recording of a source: its broker connection is
/// opened anew, writing to `aufnahmen/<source>-<time>.jsonl` next to the
/// scene (the catalogue and newest values first); its values stay.
fn record_sources(
    mut sensors: ResMut<Sensors>,
    active: Res<ActiveScene>,
    cache: Res<SensorCacheDir>,
    mut notices: ResMut<crate::jobs::Notices>,
    i18n: Res<crate::i18n::I18n>,
) {
    let Some((i, on)) = sensors.record_request.take() else {
        return;
    };
    let Some(old) = sensors.sources.get_mut(i) else {
        return;
    };
    if !can_record(&old.def) || old.recording.is_some() == on {
        return;
    }
    let def = old.def.clone();
    let store = std::mem::take(&mut old.store);
    let (snapshot, ended) = (old.snapshot.clone(), old.recording.clone());
    let record = on.then(|| {
        let dir = active
            .path
            .as_ref()
            .and_then(|p| std::path::absolute(p).ok())
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| cache.0.clone())
            .join("aufnahmen");
        let _ = std::fs::create_dir_all(&dir);
        let name: String = def
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%d-%H%M%SZ")
            .to_string();
        (
            dir.join(format!("{name}-{stamp}.jsonl")),
            pw_sensors::import::store_preamble(&store),
        )
    });
    let source = match &active.path {
        Some(p) => pw_scene::Scene::resolve_path(p, &def.url),
        None => PathBuf::from(&def.url),
    };
    let started = record.as_ref().map(|(p, _)| p.clone());
    sensors.sources[i] = spawn_source(def, source, store, snapshot, cache.0.clone(), record);
    sensors.generation += 1;
    match (started, ended) {
        (Some(p), _) => {
            notices.info(i18n.trf("sensors.recording_started", &[("file", &p.display())]))
        }
        (None, Some(p)) => {
            notices.info(i18n.trf("sensors.recording_saved", &[("file", &p.display())]))
        }
        _ => {}
    }
}

fn spawn_source(
    def: SensorSource,
    source: PathBuf,
    store: SensorStore,
    snapshot: Option<PathBuf>,
    cache: PathBuf,
    record: Option<Recording>,
) -> SourceRuntime {
    let (tx, updates) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let mut requests = None;
    let worker_def = def.clone();
    let record_with = record.clone();
    let spawned = match def.kind {
        SensorSourceKind::Replay => std::thread::Builder::new()
            .name("sensors-replay".into())
            .spawn(move || replay_worker(&worker_def, &source, tx)),
        SensorSourceKind::Mqtt => std::thread::Builder::new()
            .name("sensors-mqtt".into())
            .spawn(move || mqtt_worker(&worker_def, tx, flag, record_with)),
        SensorSourceKind::NgsiLd => std::thread::Builder::new()
            .name("sensors-ngsi-ld".into())
            .spawn(move || ngsi_worker(&worker_def, tx, flag)),
        SensorSourceKind::Sensorthings => {
            let (rtx, rrx) = channel();
            requests = Some(rtx);
            // Push through the service's broker into the same store.
            let push = def.mqtt.clone().map(|broker| {
                let mut push_def = def.clone();
                push_def.url = broker;
                if push_def.topics.is_empty() {
                    push_def.topics = vec!["v1.1/+/Observations".into()];
                }
                let (tx, flag) = (tx.clone(), flag.clone());
                std::thread::Builder::new()
                    .name("sensors-sta-push".into())
                    .spawn(move || mqtt_worker(&push_def, tx, flag, record_with))
            });
            match push {
                Some(Err(e)) => Err(e),
                _ => std::thread::Builder::new()
                    .name("sensors-sta".into())
                    .spawn(move || sta_worker(&worker_def, &cache, tx, rrx, flag)),
            }
        }
    };
    let status = match spawned {
        Ok(_) => SourceStatus::Starting,
        Err(e) => SourceStatus::Failed(e.to_string()),
    };
    SourceRuntime {
        def,
        status,
        store,
        snapshot,
        history_windows: BTreeSet::new(),
        history_problem: None,
        recording: record.as_ref().map(|(p, _)| p.clone()),
        updates: std::sync::Mutex::new(updates),
        requests,
        stop,
    }
}

/// The whole recording at once: the clock decides what is shown.
fn replay_worker(def: &SensorSource, path: &Path, tx: Sender<SourceUpdate>) {
    match pw_sensors::record::Recording::read(path) {
        Ok(recording) => {
            let problems = recording.problems.clone();
            let decoders: Vec<(String, String)> = def.decoders.clone().into_iter().collect();
            let mut replay = pw_sensors::record::Replay::new(recording, decoders);
            let events = replay.due(u64::MAX);
            let _ = tx.send(SourceUpdate::Events(events, now_ms()));
            let status = match problems.first() {
                Some(p) => SourceStatus::Offline(format!(
                    "{}: {p} ({} lines unreadable)",
                    path.display(),
                    problems.len()
                )),
                None => SourceStatus::Running,
            };
            let _ = tx.send(SourceUpdate::Status(status));
        }
        Err(e) => {
            let _ = tx.send(SourceUpdate::Status(SourceStatus::Failed(e.to_string())));
        }
    }
}

/// A recording to write: its file and what goes first.
type Recording = (PathBuf, Vec<(String, Vec<u8>)>);

fn mqtt_worker(
    def: &SensorSource,
    tx: Sender<SourceUpdate>,
    stop: Arc<AtomicBool>,
    record: Option<Recording>,
) {
    let Some((host, port)) = def
        .url
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_string(), p.parse().ok()?)))
    else {
        let _ = tx.send(SourceUpdate::Status(SourceStatus::Failed(format!(
            "{:?}: write the broker as host:port",
            def.url
        ))));
        return;
    };
    let topics = if def.topics.is_empty() {
        vec!["v1.1/#".to_string()]
    } else {
        def.topics.clone()
    };
    let sub = pw_sensors::mqtt::subscribe(pw_sensors::mqtt::MqttSettings {
        host,
        port,
        client_id: format!("planwerkstatt-{}-{}", std::process::id(), def.name.len()),
        topics,
        decoders: def.decoders.clone().into_iter().collect(),
        record_to: record.as_ref().map(|(p, _)| p.clone()),
        record_preamble: record.map(|(_, pre)| pre).unwrap_or_default(),
    });
    // Batches of at most 100 ms: the frame takes them in one go.
    while !stop.load(Ordering::Relaxed) {
        let mut batch = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_millis(100);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match sub.events.recv_timeout(left) {
                Ok(LiveEvent::Connected) => {
                    let _ = tx.send(SourceUpdate::Status(SourceStatus::Running));
                }
                Ok(LiveEvent::Disconnected(why)) => {
                    let _ = tx.send(SourceUpdate::Status(SourceStatus::Offline(why)));
                }
                Ok(e) => batch.push(e),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        if !batch.is_empty() && tx.send(SourceUpdate::Events(batch, now_ms())).is_err() {
            return;
        }
    }
}

/// How often a SensorThings service is asked for its newest values (live
/// values come by push where it has a broker).
const STA_POLL: Duration = Duration::from_secs(300);
/// How often an NGSI-LD broker is asked again.
const NGSI_POLL: Duration = Duration::from_secs(60);
/// Entities per NGSI-LD page (brokers allow up to 1000; 100 is safe).
const NGSI_PAGE: usize = 100;

/// A context broker's entities, page by page, every minute; back off while
/// it cannot be reached.
fn ngsi_worker(def: &SensorSource, tx: Sender<SourceUpdate>, stop: Arc<AtomicBool>) {
    let client = match sta_client(def) {
        Ok(c) => c,
        Err(e) => {
            let _ = tx.send(SourceUpdate::Status(SourceStatus::Failed(e)));
            return;
        }
    };
    let base = def.url.trim_end_matches('/');
    let mut backoff = Duration::from_secs(5);
    while !stop.load(Ordering::Relaxed) {
        let mut events = Vec::new();
        let mut problem = None;
        for page in 0..1000 {
            let query = def.filter.as_deref().unwrap_or("");
            let url = format!(
                "{base}/ngsi-ld/v1/entities?{query}{}limit={NGSI_PAGE}&offset={}",
                if query.is_empty() { "" } else { "&" },
                page * NGSI_PAGE
            );
            match client
                .get_text(&url)
                .map_err(|e| e.to_string())
                .and_then(|t| pw_sensors::ngsi::entities(&t).map_err(|e| format!("{url}: {e}")))
            {
                Ok((messages, problems)) => {
                    let n = messages.len() + problems.len();
                    events.extend(messages.into_iter().map(LiveEvent::Message));
                    events.extend(problems.into_iter().map(|reason| LiveEvent::Unreadable {
                        topic: url.clone(),
                        reason,
                    }));
                    if n < NGSI_PAGE {
                        break;
                    }
                }
                Err(e) => {
                    problem = Some(e);
                    break;
                }
            }
        }
        let wait = match problem {
            None => {
                backoff = Duration::from_secs(5);
                let _ = tx.send(SourceUpdate::Events(events, now_ms()));
                let _ = tx.send(SourceUpdate::Status(SourceStatus::Running));
                def.poll_seconds
                    .map(Duration::from_secs_f64)
                    .unwrap_or(NGSI_POLL)
            }
            Some(e) => {
                let _ = tx.send(SourceUpdate::Status(SourceStatus::Offline(e)));
                let wait = backoff.min(
                    def.poll_seconds
                        .map(Duration::from_secs_f64)
                        .unwrap_or(backoff),
                );
                backoff = (backoff * 2).min(NGSI_POLL * 5);
                wait
            }
        };
        let until = std::time::Instant::now() + wait;
        while std::time::Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The HTTP client of a source, with its token from the environment or
/// the OS keyring (never from the scene).
fn sta_client(def: &SensorSource) -> Result<StaClient, String> {
    StaClient::new(&def.url, Duration::from_secs(20), def.token_env.as_deref())
        .map_err(|e| e.to_string())
        .and_then(|c| match &def.token_keyring {
            Some(name) => pw_sensors::secret::lookup(name)
                .map(|t| c.with_token(t))
                .map_err(|e| e.to_string()),
            None => Ok(c),
        })
}

/// Datastreams (with Things and Locations) and each one's newest value,
/// again every few minutes; history windows on request, through the disk
/// cache so they survive going offline.
fn sta_worker(
    def: &SensorSource,
    cache_dir: &Path,
    tx: Sender<SourceUpdate>,
    requests: Receiver<HistoryRequest>,
    stop: Arc<AtomicBool>,
) {
    let client = match sta_client(def) {
        Ok(c) => c,
        Err(e) => {
            let _ = tx.send(SourceUpdate::Status(SourceStatus::Failed(e)));
            return;
        }
    };

    let cache = HistoryCache::new(cache_dir);
    let mut datastreams: HashMap<String, Datastream> = HashMap::new();
    let mut multi: HashMap<String, pw_sensors::sta::MultiDatastream> = HashMap::new();
    let mut next_poll = std::time::Instant::now();
    let mut backoff = Duration::from_secs(5);
    while !stop.load(Ordering::Relaxed) {
        if std::time::Instant::now() >= next_poll {
            match poll_latest(&client, def, &mut datastreams, &mut multi) {
                Ok(events) => {
                    backoff = Duration::from_secs(5);
                    let _ = tx.send(SourceUpdate::Events(events, now_ms()));
                    let _ = tx.send(SourceUpdate::Status(SourceStatus::Running));
                    next_poll = std::time::Instant::now()
                        + def
                            .poll_seconds
                            .map(Duration::from_secs_f64)
                            .unwrap_or(STA_POLL);
                }
                Err(e) => {
                    let _ = tx.send(SourceUpdate::Status(SourceStatus::Offline(e)));
                    next_poll = std::time::Instant::now() + backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(300));
                }
            }
        }
        match requests.recv_timeout(Duration::from_millis(200)) {
            Ok(r) if r.key.starts_with("sta-thing:") => {
                // Where a moving Thing was in the window.
                let id = &r.key["sta-thing:".len()..];
                let thing = datastreams
                    .values()
                    .filter_map(|d| d.thing.as_ref())
                    .find(|t| t.id.to_string() == id)
                    .map(|t| t.id.clone())
                    .unwrap_or_else(|| pw_sensors::sta::Id::Text(id.to_string()));
                let update = match client.historical_locations(&thing, r.from_ms, r.to_ms) {
                    Ok(fixes) => SourceUpdate::Track {
                        station: r.key,
                        fixes: fixes
                            .into_iter()
                            .filter_map(|h| Some((h.time_ms, h.location?)))
                            .collect(),
                    },
                    Err(e) => SourceUpdate::Status(SourceStatus::Offline(e.to_string())),
                };
                if tx.send(update).is_err() {
                    return;
                }
            }
            Ok(r) if multi_component(&r.key).is_some_and(|(id, _)| multi.contains_key(id)) => {
                // A MultiDatastream's window: every component at once.
                let (id, _) = multi_component(&r.key).unwrap_or_default();
                let m = &multi[id];
                let window = StaQuery::time_window(r.from_ms, r.to_ms);
                let updates: Vec<SourceUpdate> = match client.multi_observations(m, &window) {
                    Ok(values) => (0..m.units.len().max(m.observed_properties.len()))
                        .map(|i| SourceUpdate::History {
                            key: format!("sta:{}", m.component_id(i)),
                            values: values.iter().filter_map(|o| o.component(i)).collect(),
                            fetched_ms: now_ms(),
                            problem: None,
                        })
                        .collect(),
                    Err(e) => vec![SourceUpdate::History {
                        key: r.key,
                        values: vec![],
                        fetched_ms: now_ms(),
                        problem: Some(e.to_string()),
                    }],
                };
                for u in updates {
                    if tx.send(u).is_err() {
                        return;
                    }
                }
            }
            Ok(r) => {
                let id = r.key.trim_start_matches("sta:");
                let Some(ds) = datastreams.get(id) else {
                    continue;
                };
                let update = match cache.history(&client, ds, r.from_ms, r.to_ms, 300_000, now_ms())
                {
                    Ok(h) => SourceUpdate::History {
                        key: r.key,
                        values: h.values,
                        fetched_ms: h.fetched_ms,
                        problem: h.stale_because,
                    },
                    Err(e) => SourceUpdate::History {
                        key: r.key,
                        values: vec![],
                        fetched_ms: now_ms(),
                        problem: Some(e.to_string()),
                    },
                };
                if tx.send(update).is_err() {
                    return;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn poll_latest(
    client: &StaClient,
    def: &SensorSource,
    known: &mut HashMap<String, Datastream>,
    multi: &mut HashMap<String, pw_sensors::sta::MultiDatastream>,
) -> Result<Vec<LiveEvent>, String> {
    // The newest value inline, one request per page of datastreams; servers
    // that refuse nested options are asked again without.
    let mut query = StaQuery {
        filter: def.filter.clone(),
        expand: vec![
            "Thing/Locations".into(),
            "ObservedProperty".into(),
            "Observations($orderby=phenomenonTime desc;$top=1)".into(),
        ],
        ..StaQuery::default()
    };
    let items = match client.datastreams(&query) {
        Ok(items) => items,
        Err(e) if e.message.starts_with("HTTP 4") => {
            query.expand.pop();
            client.datastreams(&query).map_err(|e| e.to_string())?
        }
        Err(e) => return Err(e.to_string()),
    };
    let inline = items.iter().any(|d| !d.observations.is_empty());
    let mut events = vec![LiveEvent::Datastreams(items.clone())];
    // MultiDatastreams, where the server has them: one datastream per
    // component (`<id>[i]`), newest values inline.
    let multi_query = StaQuery {
        filter: def.filter.clone(),
        expand: vec![
            "Thing/Locations".into(),
            "ObservedProperties".into(),
            "Observations($orderby=phenomenonTime desc;$top=1)".into(),
        ],
        ..StaQuery::default()
    };
    if let Ok(multis) = client.multi_datastreams(&multi_query) {
        for m in multis {
            let parts = m.components();
            for (i, part) in parts.iter().enumerate() {
                if let Some(o) = part.observations.first() {
                    events.push(LiveEvent::Observation {
                        datastream: m.component_id(i),
                        observation: o.clone(),
                    });
                }
            }
            events.push(LiveEvent::Datastreams(parts));
            multi.insert(m.id.to_string(), m);
        }
    }
    let latest = StaQuery {
        orderby: Some("phenomenonTime desc".into()),
        top: Some(1),
        ..StaQuery::default()
    };
    for (i, ds) in items.into_iter().enumerate() {
        let newest = match ds.observations.first() {
            Some(o) => Some(o.clone()),
            // Asked one by one only for a modest catalogue: big ones get
            // their values pushed.
            None if !inline && i < MAX_SINGLE_LATEST => client
                .get_text(&format!(
                    "{}/Datastreams{}/Observations{}",
                    client.base,
                    ds.id.key(),
                    latest.to_query_string()
                ))
                .ok()
                .and_then(|text| pw_sensors::sta::observations(&text).ok())
                .and_then(|page| page.items.into_iter().next()),
            None => None,
        };
        if let Some(observation) = newest {
            events.push(LiveEvent::Observation {
                datastream: ds.id.to_string(),
                observation,
            });
        }
        known.insert(ds.id.to_string(), ds);
    }
    Ok(events)
}

/// "sta:<id>[i]" → (MultiDatastream id, component).
fn multi_component(key: &str) -> Option<(&str, usize)> {
    let inner = key.strip_prefix("sta:")?.strip_suffix(']')?;
    let (id, i) = inner.rsplit_once('[')?;
    Some((id, i.parse().ok()?))
}

/// Files what the source threads sent into their stores (bounded per frame)
/// and writes the last values to disk now and then.
fn file_updates(mut sensors: ResMut<Sensors>) {
    let mut budget = EVENTS_PER_FRAME;
    for source in &mut sensors.sources {
        let updates = source.updates.get_mut().unwrap_or_else(|e| e.into_inner());
        while budget > 0 {
            match updates.try_recv() {
                Ok(SourceUpdate::Events(events, received)) => {
                    budget = budget.saturating_sub(events.len());
                    let category = source.def.category.clone();
                    for e in &events {
                        source.store.apply(e, category.as_deref(), received);
                    }
                }
                Ok(SourceUpdate::Status(s)) => source.status = s,
                Ok(SourceUpdate::Track { station, fixes }) => {
                    source.store.insert_track(&station, &fixes);
                }
                Ok(SourceUpdate::History {
                    key,
                    values,
                    fetched_ms,
                    problem,
                }) => {
                    source.store.insert_history(&key, &values, fetched_ms);
                    source.history_problem = problem;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => break,
            }
        }
    }
    let last = *sensors
        .last_snapshot
        .get_or_insert_with(std::time::Instant::now);
    if last.elapsed() >= SNAPSHOT_EVERY {
        sensors.last_snapshot = Some(std::time::Instant::now());
        for s in &sensors.sources {
            if let Some(path) = &s.snapshot
                && !s.store.stations.is_empty()
            {
                // Off the frame: the JSON is made here, written there.
                let text = pw_sensors::snapshot::to_json(&s.store);
                let path = path.clone();
                bevy::tasks::IoTaskPool::get()
                    .spawn(async move {
                        if let Some(dir) = path.parent() {
                            let _ = std::fs::create_dir_all(dir);
                        }
                        let tmp = path.with_extension("tmp");
                        if std::fs::write(&tmp, text).is_ok() {
                            let _ = std::fs::rename(&tmp, &path);
                        }
                    })
                    .detach();
            }
        }
    }
}

/// In historic time, history windows around the clock's time for the
/// [`HISTORY_STATIONS`] markers nearest the view's centre (their streams
/// with classes, else their first), and for every stream of the open
/// station; asked again only when the day, the open station, the markers
/// or the view's centre change.
#[allow(clippy::type_complexity)]
fn fetch_history(
    mut sensors: ResMut<Sensors>,
    clock: Res<SceneClock>,
    markers: Res<SensorMarkers>,
    frame: Res<SceneFrame>,
    orbit: Query<&crate::camera::OrbitCamera>,
    mut last: Local<Option<(i64, Option<(usize, String)>, u64, [i64; 2], bool)>>,
) {
    let t = clock.instant.as_millisecond();
    let selected = sensors.view.selected.clone();
    if clock.live && selected.is_none() {
        return;
    }
    let centre = orbit
        .iter()
        .next()
        .map(|o| frame.bevy_to_world(o.target))
        .unwrap_or(frame.origin.world);
    let cell = [(centre[0] / 500.0) as i64, (centre[1] / 500.0) as i64];
    let key = (
        t.div_euclid(DAY_MS),
        selected.clone(),
        markers.layout,
        cell,
        clock.live,
    );
    if last.as_ref() == Some(&key) {
        return;
    }
    *last = Some(key);
    let mut wanted: Vec<(usize, String)> = Vec::new();
    if let Some((si, id)) = &selected
        && let Some(st) = sensors
            .sources
            .get(*si)
            .and_then(|s| s.store.station_by_id(id))
    {
        wanted.extend(st.streams.iter().map(|s| (*si, s.key.clone())));
        if id.starts_with("sta-thing:") {
            wanted.push((*si, id.clone()));
        }
    }
    if !clock.live {
        let mut near: Vec<&Marker> = markers.items.iter().collect();
        let d = |m: &Marker| (m.world[0] - centre[0]).hypot(m.world[1] - centre[1]);
        near.sort_by(|a, b| d(a).total_cmp(&d(b)));
        for m in near.into_iter().take(HISTORY_STATIONS) {
            let Some(source) = sensors.sources.get(m.source) else {
                continue;
            };
            let Some(st) = source.store.station_by_id(&m.station) else {
                continue;
            };
            let classed: Vec<_> = st
                .streams
                .iter()
                .filter(|s| source.def.classes.iter().any(|c| c.quantity == s.quantity))
                .collect();
            let streams = if classed.is_empty() {
                st.streams.iter().take(1).collect()
            } else {
                classed
            };
            wanted.extend(streams.into_iter().map(|s| (m.source, s.key.clone())));
            // Where a moving Thing was then (HistoricalLocations).
            if m.station.starts_with("sta-thing:") && source.store.is_moving(m.station_index) {
                wanted.push((m.source, m.station.clone()));
            }
        }
    }
    for (si, key) in wanted {
        if let Some(source) = sensors.sources.get_mut(si) {
            source.want_history(&key, t);
        }
    }
}

/// Class colour of a value, if the source has classes for its quantity.
/// The class of a value of `quantity` (numbers by breaks, texts by value)
/// and its colour (sRGB), if the source has classes for it.
pub fn class_of(def: &SensorSource, quantity: &str, value: &Value) -> Option<(usize, [f32; 4])> {
    let c = def.classes.iter().find(|c| c.quantity == quantity)?;
    let class = match value {
        Value::Number(v) if c.values.is_empty() => c.class_of(*v),
        Value::Text(t) => c.class_of_text(t)?,
        Value::Number(_) => return None,
    };
    let [r, g, b] = parse_hex_color(c.colors.get(class)?)?;
    Some((class, [r, g, b, 1.0]))
}

/// The marker of a station at `t`. Of its streams with classes, the one
/// in the highest class decides colour and label (as an air-quality index
/// reports its worst pollutant); without classes, its first stream. A value
/// older than the source's limit is stale: grey.
fn marker_state(
    source: &SourceRuntime,
    station: &Station,
    t: i64,
) -> (Option<String>, Option<i64>, [f32; 4], bool) {
    let stale_ms = source
        .def
        .stale_after_minutes
        .unwrap_or(STALE_AFTER_MINUTES)
        * 60_000.0;
    fn fresh<'a>(
        source: &'a SourceRuntime,
        stream: &'a pw_sensors::store::Stream,
        t: i64,
        stale_ms: f64,
    ) -> Option<(&'a pw_sensors::store::Stream, i64, &'a Value)> {
        let (time, value) = source.store.value_at(&stream.key, t)?;
        ((t - time) as f64 <= stale_ms).then_some((stream, *time, value))
    }
    let worst = station
        .streams
        .iter()
        .filter_map(|s| {
            let (stream, time, value) = fresh(source, s, t, stale_ms)?;
            let (class, color) = class_of(&source.def, &s.quantity, value)?;
            Some((class, color, stream, time, value))
        })
        .max_by_key(|(class, ..)| *class);
    if let Some((_, color, stream, time, value)) = worst {
        return (
            Some(value_text(value, stream.unit.as_deref())),
            Some(time),
            color,
            false,
        );
    }
    // Nothing fresh with classes: the first stream with classes (else the
    // first) tells what was measured last, grey when stale.
    let Some(first) = station
        .streams
        .iter()
        .find(|s| {
            source.def.classes.iter().any(|c| c.quantity == s.quantity)
                && source.store.value_at(&s.key, t).is_some()
        })
        .or(station.streams.first())
    else {
        return (None, None, EMPTY, true);
    };
    match source.store.value_at(&first.key, t) {
        Some((time, value)) => {
            let stale = (t - time) as f64 > stale_ms;
            (
                Some(value_text(value, first.unit.as_deref())),
                Some(*time),
                if stale { STALE } else { NEUTRAL },
                stale,
            )
        }
        None => (None, None, EMPTY, true),
    }
}

/// When the marker of `station` may look different next, after `t`: its
/// next sample in any stream, or a value turning stale.
fn next_change(source: &SourceRuntime, station: &Station, t: i64) -> i64 {
    let stale_ms = (source
        .def
        .stale_after_minutes
        .unwrap_or(STALE_AFTER_MINUTES)
        * 60_000.0) as i64;
    let mut next = i64::MAX;
    for s in &station.streams {
        let Some(series) = source.store.series.get(&s.key) else {
            continue;
        };
        if let Some(n) = series.next_after(t) {
            next = next.min(n);
        }
        if let Some((time, _)) = series.at(t)
            && time + stale_ms >= t
        {
            next = next.min(time + stale_ms + 1);
        }
    }
    next
}

/// Per (source, station index): its place in the scene CRS (reprojection
/// and terrain lookup once per place) and its category. Valid for one
/// start of the sources, one frame and one terrain.
/// The lon/lat bits a place was computed for, and the place.
type Place = ([u64; 2], Option<[f64; 3]>);

#[derive(Default)]
struct PlaceCache {
    valid_for: Option<(u64, [u64; 3], u64)>,
    places: HashMap<(usize, usize), Place>,
    categories: HashMap<(usize, usize), String>,
}

/// Recomputes the markers when data, view or clock changed.
fn compute_markers(
    mut sensors: ResMut<Sensors>,
    clock: Res<SceneClock>,
    frame: Res<SceneFrame>,
    layers: Res<Layers>,
    ground: Option<Res<GroundLevel>>,
    mut markers: ResMut<SensorMarkers>,
    mut positions: Local<PlaceCache>,
) {
    let t = clock.instant.as_millisecond();
    let terrain = layers.terrain.len() as u64;
    let layouts = sensors
        .sources
        .iter()
        .map(|s| s.store.layout_version)
        .sum::<u64>();
    let stack = layers.terrain_stack();
    let ground_h = ground.map(|g| g.height).unwrap_or(frame.origin.world[2]);
    let valid_for = (
        sensors.generation,
        frame.origin.world.map(f64::to_bits),
        terrain,
    );
    if positions.valid_for != Some(valid_for) {
        *positions = PlaceCache {
            valid_for: Some(valid_for),
            ..PlaceCache::default()
        };
    }
    let PlaceCache {
        places, categories, ..
    } = &mut *positions;
    // A station's place in the scene, from the cache while it stays put.
    let mut world_of = |i: usize, j: usize, [lon, lat]: [f64; 2]| {
        let bits = [lon.to_bits(), lat.to_bits()];
        let place_of = || {
            frame.wgs84_to_world(lon, lat).map(|[x, y]| {
                let h = pw_geo::elevation::Elevation::height_at(&stack, x, y).unwrap_or(ground_h);
                [x, y, h + ABOVE_GROUND]
            })
        };
        let place = places.entry((i, j)).or_insert_with(|| (bits, place_of()));
        if place.0 != bits {
            *place = (bits, place_of());
        }
        place.1
    };
    let key = (sensors.version, terrain, layouts);
    let same_time = (markers.computed_at..markers.next_change).contains(&t);
    if markers.computed_for == Some(key) && same_time {
        // Same view and stations: only stations with new values, and the
        // moving ones where they are now.
        let mut updated = Vec::new();
        for (i, source) in sensors.sources.iter_mut().enumerate() {
            let changed = std::mem::take(&mut source.store.changed_stations);
            for j in changed {
                if let Some(&k) = markers.index.get(&(i, j)) {
                    let st = &source.store.stations[j];
                    updated.push((k, marker_state(source, st, t), next_change(source, st, t)));
                }
            }
        }
        let mut moved = Vec::new();
        if t != markers.computed_at {
            for &(k, i, j) in &markers.moving {
                let world = sensors.sources[i]
                    .store
                    .place_at(j, t)
                    .and_then(|p| world_of(i, j, p));
                if let Some(w) = world
                    && w != markers.items[k].world
                {
                    moved.push((k, w));
                }
            }
        }
        if !updated.is_empty() || !moved.is_empty() {
            let markers = &mut *markers;
            markers.computed_at = t;
            for (k, (value, time_ms, color, stale), next) in updated {
                let m = &mut markers.items[k];
                (m.value, m.time_ms, m.color, m.stale) = (value, time_ms, color, stale);
                markers.next_change = markers.next_change.min(next);
            }
            for (k, w) in moved {
                markers.items[k].world = w;
            }
        }
        return;
    }
    markers.computed_for = Some(key);
    for source in &mut sensors.sources {
        source.store.changed_stations.clear();
    }
    let mut items = Vec::new();
    let mut index = HashMap::new();
    let mut moving = Vec::new();
    let mut next = i64::MAX;
    for (i, source) in sensors.sources.iter().enumerate() {
        for (j, st) in source.store.stations.iter().enumerate() {
            let Some(lonlat) = source.store.place_at(j, t) else {
                continue;
            };
            let category = categories
                .entry((i, j))
                .or_insert_with(|| source.category_of(st));
            if sensors.view.hidden_categories.contains(category.as_str()) {
                continue;
            }
            let Some(world) = world_of(i, j, lonlat) else {
                continue;
            };
            if let Some([x0, y0, x1, y1]) = sensors.view.area
                && !(x0..=x1).contains(&world[0]) | !(y0..=y1).contains(&world[1])
            {
                continue;
            }
            let (value, time_ms, color, stale) = marker_state(source, st, t);
            next = next.min(next_change(source, st, t));
            if source.store.is_moving(j) {
                moving.push((items.len(), i, j));
            }
            index.insert((i, j), items.len());
            items.push(Marker {
                source: i,
                station: st.id.clone(),
                station_index: j,
                world,
                color,
                value,
                time_ms,
                stale,
            });
        }
    }
    // The same stations in the same order: the mesh is updated in place.
    let same_layout = items.len() == markers.items.len()
        && items
            .iter()
            .zip(&markers.items)
            .all(|(a, b)| a.source == b.source && a.station == b.station);
    if !same_layout {
        markers.layout += 1;
    }
    markers.items = items;
    markers.index = index;
    markers.moving = moving;
    markers.computed_at = t;
    markers.next_change = next;
}

/// The marker mesh: one billboard per marker (the point-symbol material).
#[derive(Component)]
pub struct SensorMarkerMesh {
    mesh: Handle<Mesh>,
    layout: u64,
}

fn marker_symbols(markers: &SensorMarkers) -> Vec<pw_vector::to_city::PointSymbol> {
    markers
        .items
        .iter()
        .enumerate()
        .map(|(i, m)| pw_vector::to_city::PointSymbol {
            position: m.world,
            color: m.color,
            object: i,
        })
        .collect()
}

/// Keeps one mesh in step with the markers: rebuilt when they move or
/// change in number, recoloured otherwise.
fn draw_markers(
    mut commands: Commands,
    markers: Res<SensorMarkers>,
    frame: Res<SceneFrame>,
    mut meshes: ResMut<Assets<Mesh>>,
    materials: Option<ResMut<Assets<crate::point_symbols::PointSymbolMaterial>>>,
    mut existing: Query<(Entity, &mut SensorMarkerMesh)>,
) {
    if !markers.is_changed() {
        return;
    }
    let Some(mut materials) = materials else {
        return;
    };
    if markers.items.is_empty() {
        for (e, _) in &existing {
            commands.entity(e).despawn();
        }
        return;
    }
    let symbols = marker_symbols(&markers);
    if let Ok((_, mut m)) = existing.single_mut()
        && m.layout == markers.layout
        && let Some(mut mesh) = meshes.get_mut(&m.mesh)
    {
        // Same markers: new colours and (moving ones) places in place.
        let fresh = crate::point_symbols::symbol_mesh(&symbols, &frame.origin);
        for attribute in [Mesh::ATTRIBUTE_POSITION, Mesh::ATTRIBUTE_COLOR] {
            if let Some(values) = fresh.attribute(attribute) {
                mesh.insert_attribute(attribute, values.clone());
            }
        }
        m.layout = markers.layout;
        return;
    }
    for (e, _) in &existing {
        commands.entity(e).despawn();
    }
    let handle = meshes.add(crate::point_symbols::symbol_mesh(&symbols, &frame.origin));
    commands.spawn((
        Name::new("Sensoren"),
        Transform::default(),
        Visibility::Visible,
        Mesh3d(handle.clone()),
        MeshMaterial3d(materials.add(crate::point_symbols::PointSymbolMaterial {
            params: Vec4::new(crate::point_symbols::SYMBOL_PX * 1.25, 2.0, 0.0, 0.0),
        })),
        bevy::light::NotShadowCaster,
        SensorMarkerMesh {
            mesh: handle,
            layout: markers.layout,
        },
    ));
}

/// The marker nearest to a screen position within `radius` (pixels).
pub fn marker_at(
    markers: &SensorMarkers,
    frame: &SceneFrame,
    to_screen: impl Fn(Vec3) -> Option<Vec2>,
    pos: Vec2,
    radius: f32,
) -> Option<usize> {
    markers
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let p = to_screen(frame.world_to_bevy(m.world))?;
            let d = p.distance(pos);
            (d <= radius).then_some((i, d))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// A click on a marker opens its station (and takes the selection from
/// whatever building lies behind it).
#[allow(clippy::too_many_arguments)]
fn pick_marker(
    mut clicks: MessageReader<crate::picking::WorldClick>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform), With<crate::camera::OrbitCamera>>,
    markers: Res<SensorMarkers>,
    frame: Res<SceneFrame>,
    mut sensors: ResMut<Sensors>,
    mut selection: ResMut<crate::city_layer::Selection>,
    touches: Option<Res<bevy::input::touch::Touches>>,
    mut last_touch: Local<Option<Vec2>>,
) {
    // Where the last finger was: a tap has no cursor.
    if let Some(t) = touches
        .as_ref()
        .and_then(|t| t.iter().chain(t.iter_just_released()).last())
    {
        *last_touch = Some(t.position());
    }
    let Some(_) = clicks.read().last() else {
        return;
    };
    let (Ok(window), Ok((camera, transform))) = (windows.single(), cameras.single()) else {
        return;
    };
    // A finger is wider than a mouse pointer.
    let (pos, radius) = match window.cursor_position() {
        Some(p) => (p, crate::point_symbols::SYMBOL_PX * 0.75 + 4.0),
        None => match *last_touch {
            Some(p) => (p, 24.0),
            None => return,
        },
    };
    let hit = marker_at(
        &markers,
        &frame,
        |p| camera.world_to_viewport(transform, p).ok(),
        pos,
        radius,
    );
    if let Some(i) = hit {
        let m = &markers.items[i];
        sensors.view.selected = Some((m.source, m.station.clone()));
        sensors.view.plotted.clear();
        selection.picked = None;
    }
}

/// Drawing and picking of the markers (windowed app).
pub struct SensorMarkersRenderPlugin;

impl Plugin for SensorMarkersRenderPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, draw_markers.after(compute_markers))
            .add_systems(PostUpdate, pick_marker.after(TransformSystems::Propagate));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};

    fn at(app: &mut App, text: &str) {
        let mut clock = app.world_mut().resource_mut::<SceneClock>();
        clock.playing = false;
        clock.live = false;
        clock.instant = text.parse().unwrap();
        app.update();
    }

    fn marker<'a>(app: &'a App, station: &str) -> &'a Marker {
        app.world()
            .resource::<SensorMarkers>()
            .items
            .iter()
            .find(|m| m.station == station)
            .unwrap_or_else(|| panic!("no marker {station}"))
    }

    #[test]
    fn a_click_picks_the_nearest_marker_within_reach() {
        let frame = SceneFrame::new(pw_geo::Crs::ETRS89_UTM32, [0.0, 0.0, 0.0]);
        let marker = |x: f64| Marker {
            source: 0,
            station: format!("s{x}"),
            station_index: 0,
            world: [x, 0.0, 0.0],
            color: NEUTRAL,
            value: None,
            time_ms: None,
            stale: false,
        };
        let markers = SensorMarkers {
            items: vec![marker(0.0), marker(10.0), marker(100.0)],
            ..default()
        };
        // A top view: 1 px per metre, east to the right.
        let screen = |p: Vec3| Some(Vec2::new(p.x, -p.z));
        let at = |x: f32| marker_at(&markers, &frame, screen, Vec2::new(x, 0.0), 16.0);
        assert_eq!(at(3.0), Some(0));
        assert_eq!(at(7.0), Some(1));
        assert_eq!(at(60.0), None);
        assert_eq!(at(95.0), Some(2));
    }

    #[test]
    fn the_jena_demo_replays_on_the_time_axis_with_classes_staleness_and_filters() {
        let scene = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/jena.scene");
        let mut app = headless_app(&scene);
        run_until(&mut app, |app| {
            let s = app.world().resource::<Sensors>();
            s.sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running)
                && app.world().resource::<SensorMarkers>().items.len() == 5
        });
        // The replay sets the clock going at the recorded speed.
        let clock = app.world().resource::<SceneClock>();
        assert!(clock.playing && !clock.live && clock.speed == 600.0);
        let s = app.world().resource::<Sensors>();
        let source = &s.sources[0];
        assert_eq!(source.store.stations.len(), 10);
        assert_eq!(source.store.unreadable, 0);
        let categories: BTreeSet<String> = source
            .store
            .stations
            .iter()
            .map(|st| source.category_of(st))
            .collect();
        assert_eq!(
            categories.into_iter().collect::<Vec<_>>(),
            [
                "Abfall",
                "Bodenfeuchte",
                "Luftqualität",
                "Umwelt",
                "Verkehr"
            ]
        );
        let bike = "sta-thing:Jena-Goldbergrampe";
        // 12 January 07:00: 14 bikes towards Lobeda (the busiest quarter hour
        // of the file) → class "viel" (red); the other flows count 0, 14, 1, 0.
        at(&mut app, "2026-01-12T06:00:00Z");
        let m = marker(&app, bike).clone();
        assert_eq!(m.value.as_deref(), Some("14 Räder/15 min"));
        assert_eq!(
            m.color,
            [
                0xd7 as f32 / 255.0,
                0x30 as f32 / 255.0,
                0x27 as f32 / 255.0,
                1.0
            ]
        );
        assert!(!m.stale);
        // Its place: 50.888 N, 11.612 E in UTM 32 (PROJ via gdaltransform:
        // 683 710.953, 5 640 620.347), 2 m above the ground plane.
        assert!(
            (m.world[0] - 683_710.953).abs() < 0.01 && (m.world[1] - 5_640_620.347).abs() < 0.01,
            "{:?}",
            m.world
        );
        assert_eq!(m.world[2], 150.0 + ABOVE_GROUND);
        // 9 January 03:00: nobody rides → all flows 0, class "ruhig" (green).
        at(&mut app, "2026-01-09T02:00:00Z");
        let m = marker(&app, bike).clone();
        assert_eq!(m.value.as_deref(), Some("0 Räder/15 min"));
        assert_eq!(
            m.color,
            [
                0x1a as f32 / 255.0,
                0x98 as f32 / 255.0,
                0x50 as f32 / 255.0,
                1.0
            ]
        );
        // After the recording ends its last value turns stale (30 min).
        at(&mut app, "2026-01-13T02:00:00Z");
        assert!(marker(&app, bike).stale);
        assert_eq!(marker(&app, bike).color, STALE);
        // Before the first count: no value yet.
        at(&mut app, "2026-01-07T12:00:00Z");
        assert_eq!(marker(&app, bike).value, None);
        assert_eq!(marker(&app, bike).color, EMPTY);
        // The air-quality stations measured in August 2022: stale, grey.
        let ice = marker(&app, "sta-thing:ICE-025-049-000-001").clone();
        assert!(ice.stale && ice.color == STALE);
        assert_eq!(ice.time_ms, Some(1_661_504_808_000));
        // Categories hide their markers; the area filter keeps what is inside.
        app.world_mut()
            .resource_mut::<Sensors>()
            .view
            .hidden_categories
            .insert("Luftqualität".into());
        app.world_mut().resource_mut::<Sensors>().version += 1;
        app.update();
        assert_eq!(app.world().resource::<SensorMarkers>().items.len(), 1);
        {
            let mut s = app.world_mut().resource_mut::<Sensors>();
            s.view.hidden_categories.clear();
            s.view.area = Some([683_200.0, 5_640_100.0, 684_200.0, 5_641_100.0]);
            s.version += 1;
        }
        app.update();
        let items = &app.world().resource::<SensorMarkers>().items;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].station, bike);
    }

    #[test]
    fn mqtt_values_reach_the_map_and_survive_a_restart_without_broker() {
        let dir = std::env::temp_dir().join(format!("pw-sensors-mqtt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("madrid.scene");
        // The real FIWARE example lies in Madrid: UTM zone 30.
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25830\"\norigin = [440000.0, 4474000.0, 650.0]\n\
                 [time]\ndefault = \"2016-03-15T13:30\"\n\
                 [city]\nname = \"Madrid\"\nlatitude = 40.42\nlongitude = -3.71\ntime_zone = \"Europe/Madrid\"\n\
                 [[sensors]]\nname = \"Luft\"\nkind = \"mqtt\"\nurl = \"127.0.0.1:{}\"\n\
                 topics = [\"fiware/#\"]\ncategory = \"Luftqualität\"\nstale_after_minutes = 120.0\n",
                broker.port
            ),
        )
        .unwrap();
        let start = |dir: &Path| {
            let mut app = headless_app(&scene);
            app.insert_resource(SensorCacheDir(dir.join("cache")));
            app
        };
        let mut app = start(&dir);
        run_until(&mut app, |app| {
            app.world()
                .resource::<Sensors>()
                .sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running)
        });
        let (client, mut connection) = rumqttc::Client::new(
            rumqttc::MqttOptions::new("layer-test-pub", "127.0.0.1", broker.port),
            8,
        );
        std::thread::spawn(move || for _ in connection.iter() {});
        let entity =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
                "../shared/data/sensors/fiware/AirQualityObserved_example-geojsonfeature.json",
            ))
            .unwrap();
        let id =
            "urn:ngsi-ld:AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00";
        // Published until it arrives (the subscription may lag the connection).
        run_until(&mut app, |app| {
            let _ = client.publish(
                "fiware/madrid",
                rumqttc::QoS::AtLeastOnce,
                false,
                entity.clone(),
            );
            std::thread::sleep(Duration::from_millis(50));
            app.world().resource::<SensorMarkers>().items.len() == 1
        });
        let m = marker(&app, id).clone();
        // Measured 12:00 UTC = 13:00 Madrid; the clock stands at 13:30.
        assert!(!m.stale);
        assert_eq!(m.time_ms, Some(1_458_043_200_000));
        // PROJ via gdaltransform: -3.712247 E, 40.423853 N → 439 580.110,
        // 4 475 045.980 in UTM 30N.
        assert!(
            (m.world[0] - 439_580.110).abs() < 0.01 && (m.world[1] - 4_475_045.980).abs() < 0.01,
            "{:?}",
            m.world
        );
        let s = app.world().resource::<Sensors>();
        let readings = s.sources[0].store.station_by_id(id).unwrap().streams.len();
        assert!(readings >= 5, "{readings}");
        // Closing keeps the last values; the next start has no broker.
        drop(app);
        drop(broker);
        let mut app = start(&dir);
        app.update();
        app.update();
        let s = app.world().resource::<Sensors>();
        let station = s.sources[0].store.station_by_id(id).unwrap();
        assert_eq!(station.streams.len(), readings);
        assert_eq!(station.category.as_deref(), Some("Luftqualität"));
        run_until(&mut app, |app| {
            matches!(
                app.world().resource::<Sensors>().sources[0].status,
                SourceStatus::Offline(_)
            )
        });
        assert_eq!(marker(&app, id).time_ms, Some(1_458_043_200_000));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn sensorthings_latest_values_then_history_windows_for_the_clock() {
        let dir = std::env::temp_dir().join(format!("pw-sensors-sta-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/sensors/jena/bike_counter_goldbergrampe_rawTraffic.json"),
        )
        .unwrap();
        let flows = pw_sensors::jena::bike_flows(&text).unwrap();
        let thing =
            pw_sensors::import::bike_counter(&flows, "Goldbergrampe", Some([11.612, 50.888]));
        let catalogue = pw_sensors::import::catalogue_json(std::slice::from_ref(&thing));
        let streams = thing.streams.clone();
        let page = |values: Vec<(i64, Value)>| {
            let items: Vec<String> = values
                .iter()
                .map(|(t, v)| pw_sensors::import::observation_json(*t, v))
                .collect();
            format!(r#"{{"value": [{}]}}"#, items.join(","))
        };
        // A SensorThings service: the catalogue, each stream's newest value,
        // and a day window by its start (the windows are UTC days).
        let server = pw_testkit::HttpFixture::start(move |path, _| {
            let decoded = path
                .replace("%20", " ")
                .replace("%27", "'")
                .replace("%3A", ":");
            if decoded.starts_with("/v1.1/Datastreams?") || decoded == "/v1.1/Datastreams" {
                return pw_testkit::Reply::json(catalogue.clone());
            }
            let Some(s) = streams.iter().find(|s| decoded.contains(&s.id)) else {
                return pw_testkit::Reply::status("404 Not Found", "text/plain", "no");
            };
            if decoded.ends_with("$top=1") {
                return pw_testkit::Reply::json(page(vec![s.values.last().unwrap().clone()]));
            }
            let day = if decoded.contains("ge 2026-01-12T00:00:00.000Z") {
                "2026-01-12"
            } else {
                "none"
            };
            let values = s
                .values
                .iter()
                .filter(|(t, _)| {
                    jiff::Timestamp::from_millisecond(*t)
                        .unwrap()
                        .to_string()
                        .starts_with(day)
                })
                .cloned()
                .collect();
            pw_testkit::Reply::json(page(values))
        });
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("sta.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [683700.0, 5640600.0, 150.0]\n\
                 [time]\ndefault = \"2026-01-13T00:00\"\n\
                 [[sensors]]\nname = \"STA\"\nkind = \"sensorthings\"\nurl = \"{}/v1.1\"\ncategory = \"Verkehr\"\n\
                 mqtt = \"127.0.0.1:{}\"\n\
                 [[sensors.classes]]\nquantity = \"Radverkehr\"\nbreaks = [2.0, 6.0]\n\
                 labels = [\"a\", \"b\", \"c\"]\ncolors = [\"#00ff00\", \"#ffff00\", \"#ff0000\"]\n",
                server.base, broker.port
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        app.insert_resource(SensorCacheDir(dir.join("cache")));
        run_until(&mut app, |app| {
            app.world().resource::<SensorMarkers>().items.len() == 1
                && app.world().resource::<Sensors>().sources[0].status == SourceStatus::Running
        });
        // Live: the newest value of each stream (12 January 23:45 local).
        let s = app.world().resource::<Sensors>();
        let store = &s.sources[0].store;
        assert_eq!(store.stations[0].streams.len(), 4);
        for st in &store.stations[0].streams {
            assert_eq!(store.series[&st.key].samples.len(), 1);
        }
        // Historic: 12 January 07:00 local asks the day's window of the
        // marker's stream (the others only when the station is opened).
        at(&mut app, "2026-01-12T06:00:00Z");
        let key = format!("sta:{}", thing.streams[0].id);
        run_until(&mut app, |app| {
            app.update();
            app.world().resource::<Sensors>().sources[0].store.series[&key]
                .samples
                .len()
                > 90
        });
        let s = app.world().resource::<Sensors>();
        let series = &s.sources[0].store.series[&key];
        // The UTC day 12 January holds 92 of the file's quarter hours (it
        // ends 23:45 local = 22:45 UTC); the newest value is one of them.
        assert_eq!(series.samples.len(), 92);
        let expected = flows[0]
            .counts
            .iter()
            .rfind(|(t, _)| *t <= 1_768_201_200_000)
            .unwrap();
        assert_eq!(
            s.sources[0].store.value_at(&key, 1_768_201_200_000),
            Some(&(expected.0, Value::Number(expected.1)))
        );
        assert!(
            server
                .seen()
                .iter()
                .any(|r| r.contains("ge%202026-01-12T00%3A00%3A00.000Z"))
        );
        // Opening the station fetches the window of all four streams.
        app.world_mut().resource_mut::<Sensors>().view.selected =
            Some((0, "sta-thing:Goldbergrampe".into()));
        run_until(&mut app, |app| {
            let s = app.world().resource::<Sensors>();
            s.sources[0].store.stations[0]
                .streams
                .iter()
                .all(|st| s.sources[0].store.series[&st.key].samples.len() == 92)
        });
        // Now the busiest flow decides: 14 bikes at 07:00, red.
        app.world_mut().resource_mut::<Sensors>().version += 1;
        app.update();
        let m = marker(&app, "sta-thing:Goldbergrampe");
        assert_eq!(m.value.as_deref(), Some("14 Räder/15 min"));
        assert_eq!(m.color, [1.0, 0.0, 0.0, 1.0]);
        // Pushed through the service's broker: the same station's stream.
        let (client, mut connection) = rumqttc::Client::new(
            rumqttc::MqttOptions::new("sta-push-test", "127.0.0.1", broker.port),
            8,
        );
        std::thread::spawn(move || for _ in connection.iter() {});
        let topic = pw_sensors::import::observation_topic(&thing.streams[1].id);
        let pushed = pw_sensors::import::observation_json(1_768_262_400_000, &Value::Number(9.0));
        let key1 = format!("sta:{}", thing.streams[1].id);
        run_until(&mut app, |app| {
            let _ = client.publish(&topic, rumqttc::QoS::AtLeastOnce, false, pushed.clone());
            std::thread::sleep(Duration::from_millis(50));
            let s = app.world().resource::<Sensors>();
            s.sources[0].store.value_at(&key1, i64::MAX).map(|v| v.0) == Some(1_768_262_400_000)
        });
        let s = app.world().resource::<Sensors>();
        assert_eq!(s.sources[0].store.stations.len(), 1);
        assert_eq!(
            s.sources[0].store.value_at(&key1, i64::MAX).unwrap().1,
            Value::Number(9.0)
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn buses_move_with_the_clock_and_signal_states_colour_their_controller() {
        // sensiNact-style topics as the Jena platform names them; no real
        // bus or signal recording exists, so the values here are made up.
        let dir = std::env::temp_dir().join(format!("pw-sensors-bus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("bus.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5643500.0, 150.0]\n\
                 [time]\ndefault = \"2026-11-24T08:00\"\n\
                 [[sensors]]\nname = \"Verkehr\"\nkind = \"mqtt\"\nurl = \"127.0.0.1:{}\"\n\
                 topics = [\"v1.1/#\"]\n\
                 [[sensors.classes]]\nquantity = \"color\"\nvalues = [\"green\", \"yellow\", \"red\"]\n\
                 labels = [\"frei\", \"gelb\", \"Halt\"]\ncolors = [\"#00ff00\", \"#ffff00\", \"#ff0000\"]\n",
                broker.port
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        app.insert_resource(SensorCacheDir(dir.join("cache")));
        let (client, mut connection) = rumqttc::Client::new(
            rumqttc::MqttOptions::new("bus-test-pub", "127.0.0.1", broker.port),
            32,
        );
        std::thread::spawn(move || for _ in connection.iter() {});
        let point =
            |lon: f64, lat: f64| format!(r#"{{"type": "Point", "coordinates": [{lon}, {lat}]}}"#);
        let messages = [
            ("K440~admin~location", "07:00:00", point(11.5865, 50.9279)),
            ("K440~BLN1/1~color", "07:00:00", "\"green\"".to_string()),
            ("K440~BLN1/1~color", "07:00:30", "\"red\"".to_string()),
            ("bus359~admin~location", "07:00:00", point(11.5790, 50.9255)),
            ("bus359~admin~location", "07:01:00", point(11.5812, 50.9262)),
        ];
        run_until(&mut app, |app| {
            for (ds, time, result) in &messages {
                let _ = client.publish(
                    pw_sensors::import::observation_topic(ds),
                    rumqttc::QoS::AtLeastOnce,
                    false,
                    format!(r#"{{"phenomenonTime": "2026-11-24T{time}Z", "result": {result}}}"#),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
            let s = app.world().resource::<Sensors>();
            s.sources.first().is_some_and(|s| {
                s.store
                    .series
                    .values()
                    .map(|x| x.samples.len())
                    .sum::<usize>()
                    == 5
            })
        });
        at(&mut app, "2026-11-24T07:00:15Z");
        assert_eq!(app.world().resource::<SensorMarkers>().items.len(), 2);
        let k440 = marker(&app, "sta-thing:K440").clone();
        assert_eq!(
            (k440.value.as_deref(), k440.color),
            (Some("green"), [0.0, 1.0, 0.0, 1.0])
        );
        let frame = app.world().resource::<SceneFrame>();
        let first = frame.wgs84_to_world(11.5790, 50.9255).unwrap();
        let second = frame.wgs84_to_world(11.5812, 50.9262).unwrap();
        let bus = marker(&app, "sta-thing:bus359").world;
        // A quarter of the way from the 07:00 fix to the 07:01 fix (the
        // straight line in lon/lat is straight in UTM to well under 1 mm here).
        for a in 0..2 {
            let expected = first[a] + (second[a] - first[a]) * 0.25;
            assert!((bus[a] - expected).abs() < 0.01, "{bus:?} vs {expected}");
        }
        // 45 s later: the signal is red, the bus three quarters along.
        at(&mut app, "2026-11-24T07:00:45Z");
        let k440 = marker(&app, "sta-thing:K440").clone();
        assert_eq!(
            (k440.value.as_deref(), k440.color),
            (Some("red"), [1.0, 0.0, 0.0, 1.0])
        );
        let bus = marker(&app, "sta-thing:bus359").world;
        let expected = first[0] + (second[0] - first[0]) * 0.75;
        assert!((bus[0] - expected).abs() < 0.01);
        // Its place is 2 m above the ground plane.
        assert_eq!(bus[2], 150.0 + ABOVE_GROUND);
        // Between samples only the moving marker is moved (no full pass).
        let layout = app.world().resource::<SensorMarkers>().layout;
        at(&mut app, "2026-11-24T07:00:54Z");
        let markers = app.world().resource::<SensorMarkers>();
        assert_eq!(
            markers.computed_for.map(|k| k.0),
            Some(app.world().resource::<Sensors>().version)
        );
        assert_eq!(markers.layout, layout);
        let bus = marker(&app, "sta-thing:bus359").world;
        let expected = first[0] + (second[0] - first[0]) * 0.9;
        assert!((bus[0] - expected).abs() < 0.01);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_ngsi_ld_broker_s_entities_become_stations_and_stay_when_it_goes_down() {
        use std::sync::atomic::AtomicBool;
        let fiware =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/sensors/fiware");
        let read = |f: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(fiware.join(f)).unwrap()).unwrap()
        };
        // The real smart-data-model examples, as a broker lists them, and
        // one entity without id.
        let list = serde_json::json!([
            read("AirQualityObserved_example-normalized.jsonld"),
            read("TrafficFlowObserved_example.json"),
            read("WeatherObserved_example-normalized.jsonld"),
            {"type": "Thing"}
        ])
        .to_string();
        let up = Arc::new(AtomicBool::new(true));
        let online = up.clone();
        let server = pw_testkit::HttpFixture::start(move |path, _| {
            if !online.load(Ordering::SeqCst) {
                pw_testkit::Reply::status("500 Internal Server Error", "text/plain", "Wartung")
            } else if path.starts_with("/ngsi-ld/v1/entities?type=")
                && path.contains("&limit=100&offset=0")
            {
                pw_testkit::Reply::json(list.clone())
            } else {
                pw_testkit::Reply::json("[]")
            }
        });
        let dir = std::env::temp_dir().join(format!("pw-sensors-ngsi-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let scene = dir.join("ngsi.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25830\"\norigin = [440000.0, 4474000.0, 650.0]\n\
                 [time]\ndefault = \"2016-12-07T12:00\"\n\
                 [[sensors]]\nname = \"Orion-LD\"\nkind = \"ngsi_ld\"\nurl = \"{}\"\n\
                 filter = \"type=AirQualityObserved,TrafficFlowObserved,WeatherObserved\"\n\
                 poll_seconds = 0.2\n",
                server.base
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        app.insert_resource(SensorCacheDir(dir.join("cache")));
        run_until(&mut app, |app| {
            app.world()
                .resource::<Sensors>()
                .sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running && s.store.stations.len() == 3)
        });
        let s = app.world().resource::<Sensors>();
        let store = &s.sources[0].store;
        assert_eq!(store.unreadable, 1);
        assert!(
            store
                .last_problem
                .as_deref()
                .is_some_and(|p| p.contains("entity 4"))
        );
        let traffic = store
            .station_by_id("TrafficFlowObserved-Valladolid-osm-60821110")
            .unwrap();
        assert_eq!(traffic.category.as_deref(), Some("TrafficFlowObserved"));
        assert!(traffic.location.is_some());
        let intensity = &store.series["TrafficFlowObserved-Valladolid-osm-60821110/intensity"];
        assert_eq!(intensity.latest().unwrap().1, Value::Number(197.0));
        // The broker goes down: offline with the reason, nothing lost.
        up.store(false, Ordering::SeqCst);
        run_until(&mut app, |app| {
            matches!(
                &app.world().resource::<Sensors>().sources[0].status,
                SourceStatus::Offline(why) if why.contains("500")
            )
        });
        let s = app.world().resource::<Sensors>();
        assert_eq!(s.sources[0].store.stations.len(), 3);
        assert_eq!(
            s.sources[0].store.series["TrafficFlowObserved-Valladolid-osm-60821110/intensity"]
                .latest()
                .unwrap()
                .1,
            Value::Number(197.0)
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn markers_stand_on_the_dem_terrain() {
        // A station on the real DFW DEM (3″ cells, EPSG:4326) in a UTM 14N
        // scene. -97.32 E, 32.68 N is the corner of cells (197, 169), (198,
        // 169), (197, 170), (198, 170), which GDAL reads as 206, 207, 207,
        // 206 m (gdallocationinfo): bilinear 206.5 m.
        let dir = std::env::temp_dir().join(format!("pw-sensors-dem-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let recording = dir.join("station.jsonl");
        let thing = pw_sensors::import::ThingSeries {
            id: "T1".into(),
            name: "Pegel".into(),
            location: Some([-97.32, 32.68]),
            streams: vec![pw_sensors::import::StreamSeries {
                id: "T1~level".into(),
                name: "level".into(),
                observed_property: "level".into(),
                unit: Some("cm".into()),
                values: vec![(1_700_000_000_000, Value::Number(12.0))],
            }],
        };
        let mut rec = pw_sensors::record::Recorder::create(&recording, 0).unwrap();
        for (topic, text) in [
            (
                pw_sensors::mqtt::CATALOGUE_TOPIC.to_string(),
                pw_sensors::import::catalogue_json(std::slice::from_ref(&thing)),
            ),
            (
                pw_sensors::import::observation_topic("T1~level"),
                pw_sensors::import::observation_json(1_700_000_000_000, &Value::Number(12.0)),
            ),
        ] {
            rec.record(&pw_sensors::record::Recorded {
                at_ms: 0,
                topic,
                payload: text.into_bytes(),
            })
            .unwrap();
        }
        let dem =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dem/pysheds/dem.tif");
        let scene = dir.join("t.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:32614\"\norigin = [656400.0, 3616155.0, 200.0]\n\
                 [[layers]]\nname = \"DFW\"\nkind = \"dem\"\npath = {:?}\n\
                 [[sensors]]\nname = \"Pegel\"\nkind = \"replay\"\nurl = \"station.jsonl\"\n",
                dem.display().to_string()
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        run_until(&mut app, |app| {
            !app.world().resource::<Layers>().terrain.is_empty()
                && app
                    .world()
                    .resource::<SensorMarkers>()
                    .items
                    .first()
                    .is_some_and(|m| m.world[2] > 205.0)
        });
        let z = app.world().resource::<SensorMarkers>().items[0].world[2];
        assert!((z - (206.5 + ABOVE_GROUND)).abs() < 0.05, "{z}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_live_session_is_recorded_next_to_the_scene_and_replays_offline() {
        let dir = std::env::temp_dir().join(format!("pw-sensors-rec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("live.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5643500.0, 150.0]\n\
                 [[sensors]]\nname = \"Ampeln K440\"\nkind = \"mqtt\"\nurl = \"127.0.0.1:{}\"\n",
                broker.port
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        app.insert_resource(SensorCacheDir(dir.join("cache")));
        let (client, mut connection) = rumqttc::Client::new(
            rumqttc::MqttOptions::new("rec-test-pub", "127.0.0.1", broker.port),
            32,
        );
        std::thread::spawn(move || for _ in connection.iter() {});
        let key = "sta:K440~BLN1/1~color";
        let publish_until = |app: &mut App, time: &str, state: &str| {
            let topic = pw_sensors::import::observation_topic("K440~BLN1/1~color");
            let payload =
                format!(r#"{{"phenomenonTime": "2026-11-24T{time}Z", "result": "{state}"}}"#);
            let t = pw_sensors::parse_time(&format!("2026-11-24T{time}Z")).unwrap();
            run_until(app, |app| {
                let _ = client.publish(&topic, rumqttc::QoS::AtLeastOnce, false, payload.clone());
                std::thread::sleep(Duration::from_millis(50));
                app.world()
                    .resource::<Sensors>()
                    .sources
                    .first()
                    .is_some_and(|s| {
                        s.status == SourceStatus::Running
                            && s.store
                                .series
                                .get(key)
                                .and_then(|x| x.latest())
                                .map(|l| l.0)
                                == Some(t)
                    })
            });
        };
        publish_until(&mut app, "07:00:00", "red");
        app.world_mut().resource_mut::<Sensors>().record_request = Some((0, true));
        app.update();
        let file = app.world().resource::<Sensors>().sources[0]
            .recording
            .clone()
            .unwrap();
        assert_eq!(
            file.parent().unwrap(),
            std::path::absolute(&dir).unwrap().join("aufnahmen")
        );
        // The values known before stay; new ones are recorded.
        publish_until(&mut app, "07:00:30", "green");
        app.world_mut().resource_mut::<Sensors>().record_request = Some((0, false));
        app.update();
        assert!(
            app.world().resource::<Sensors>().sources[0]
                .recording
                .is_none()
        );
        let notices = &app.world().resource::<crate::jobs::Notices>().items;
        assert!(
            notices
                .iter()
                .any(|n| n.text.contains("Aufzeichnung gespeichert")),
            "{notices:?}"
        );
        drop(app);
        // Offline: the recording as a replay source shows both states.
        let replay = dir.join("replay.scene");
        std::fs::write(
            &replay,
            format!(
                "name = \"r\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5643500.0, 150.0]\n\
                 [[sensors]]\nname = \"Wiedergabe\"\nkind = \"replay\"\nurl = {:?}\n",
                file.display().to_string()
            ),
        )
        .unwrap();
        let mut app = headless_app(&replay);
        run_until(&mut app, |app| {
            app.world()
                .resource::<Sensors>()
                .sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running)
        });
        let s = app.world().resource::<Sensors>();
        let samples = &s.sources[0].store.series[key].samples;
        let states: Vec<&Value> = samples.iter().map(|(_, v)| v).collect();
        assert_eq!(
            states,
            [&Value::Text("red".into()), &Value::Text("green".into())]
        );
        assert_eq!(s.sources[0].store.stations[0].id, "sta-thing:K440");
        std::fs::remove_dir_all(&dir).ok();
    }
}
