//! The threads behind the scene's sensor sources, one per `[[sensors]]`
//! entry: a replayed recording (read at once: the clock decides what is
//! shown), an MQTT broker (batches of at most 100 ms, optionally recorded),
//! an NGSI-LD context broker and a SensorThings service (catalogue and
//! newest values, push through its broker, history and HistoricalLocations
//! windows on request through the disk cache). They hand [`SourceUpdate`]s
//! to the frame through a channel and never wait on it.

use bevy::log::warn;
use pw_scene::{SensorSource, SensorSourceKind};
use pw_sensors::client::StaClient;
use pw_sensors::history_cache::HistoryCache;
use pw_sensors::mqtt::LiveEvent;
use pw_sensors::sta::{Datastream, Query as StaQuery};
use pw_sensors::store::{SensorStore, Station};
use pw_text::Message;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// Servers that cannot give the newest values inline are asked per
/// datastream for at most this many.
const MAX_SINGLE_LATEST: usize = 500;
/// History is fetched in windows of one day.
pub(crate) const DAY_MS: i64 = 86_400_000;

pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

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
        problem: Option<Message>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceStatus {
    Starting,
    /// Connected / replaying.
    Running,
    /// Not reachable now (the reason); cached values are shown.
    Offline(Message),
    /// Cannot work at all (bad file, bad URL).
    Failed(Message),
}

/// A history window wanted from a SensorThings source.
pub(crate) struct HistoryRequest {
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
    pub history_problem: Option<Message>,
    /// The recording being written of what its broker pushes, if any.
    pub recording: Option<PathBuf>,
    /// In a mutex only so the resource is `Sync`; one system reads it.
    pub(crate) updates: std::sync::Mutex<Receiver<SourceUpdate>>,
    pub(crate) requests: Option<Sender<HistoryRequest>>,
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
    pub(crate) fn want_history(&mut self, key: &str, time_ms: i64) {
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

/// Whether a source gets messages pushed by a broker (and so can record).
pub fn can_record(def: &SensorSource) -> bool {
    def.kind == SensorSourceKind::Mqtt
        || (def.kind == SensorSourceKind::Sensorthings && def.mqtt.is_some())
}

pub(crate) fn spawn_source(
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
        Err(e) => SourceStatus::Failed(Message::text(e.to_string())),
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
                Some(p) => SourceStatus::Offline(
                    Message::new("sensors.recording.problems")
                        .arg("path", path.display())
                        .arg_message("first", p.clone())
                        .arg("n", problems.len())
                        .english("{path}: {first} ({n} lines unreadable)"),
                ),
                None => SourceStatus::Running,
            };
            let _ = tx.send(SourceUpdate::Status(status));
        }
        Err(e) => {
            let _ = tx.send(SourceUpdate::Status(SourceStatus::Failed(e.message())));
        }
    }
}

/// TLS and login of a broker source: the password (an API key for The
/// Things Stack) from the environment or the keyring, never the scene.
fn broker_security(
    def: &SensorSource,
    tls: bool,
) -> Result<pw_sensors::mqtt::BrokerSecurity, Message> {
    broker_login(
        BrokerLogin {
            username: def.username.as_deref(),
            token_keyring: def.token_keyring.as_deref(),
            token_env: def.token_env.as_deref(),
            ca_file: def.ca_file.as_deref().map(Path::new),
        },
        tls,
    )
}

/// What a scene source or the command line says about a broker's login.
pub(crate) struct BrokerLogin<'a> {
    pub username: Option<&'a str>,
    pub token_keyring: Option<&'a str>,
    pub token_env: Option<&'a str>,
    pub ca_file: Option<&'a Path>,
}

/// TLS and login from what was given; the password looked up here.
pub(crate) fn broker_login(
    given: BrokerLogin,
    tls: bool,
) -> Result<pw_sensors::mqtt::BrokerSecurity, Message> {
    let login = match given.username {
        Some(user) => {
            let password = match (given.token_keyring, given.token_env) {
                (Some(name), _) => pw_sensors::secret::lookup(name).map_err(|e| e.message())?,
                (None, Some(var)) => std::env::var(var).map_err(|_| {
                    Message::new("sensors.broker.no_env_password")
                        .arg("var", var)
                        .english("the broker's password: the environment variable {var} is not set")
                })?,
                (None, None) => {
                    return Err(Message::new("sensors.broker.no_password")
                        .arg("user", format!("{user:?}"))
                        .english(
                            "the broker login {user} has no password: name it with token_env or token_keyring",
                        ));
                }
            };
            Some((user.to_string(), password))
        }
        None => None,
    };
    Ok(pw_sensors::mqtt::BrokerSecurity {
        tls: tls || given.ca_file.is_some(),
        ca_file: given.ca_file.map(Path::to_path_buf),
        login,
    })
}

/// A recording to write: its file and what goes first.
pub(crate) type Recording = (PathBuf, Vec<(String, Vec<u8>)>);

fn mqtt_worker(
    def: &SensorSource,
    tx: Sender<SourceUpdate>,
    stop: Arc<AtomicBool>,
    record: Option<Recording>,
) {
    let (host, port, security) = match pw_sensors::mqtt::parse_broker(&def.url)
        .and_then(|(host, port, tls)| Ok((host, port, broker_security(def, tls)?)))
    {
        Ok(found) => found,
        Err(why) => {
            let _ = tx.send(SourceUpdate::Status(SourceStatus::Failed(why)));
            return;
        }
    };
    let topics = if def.topics.is_empty() {
        vec!["v1.1/#".to_string()]
    } else {
        def.topics.clone()
    };
    let sub = pw_sensors::mqtt::subscribe(pw_sensors::mqtt::MqttSettings {
        host,
        port,
        // Unique per connection: a broker drops the older of two clients
        // with the same id (two sources, or a source restarted to record).
        client_id: {
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
            format!(
                "planwerkstatt-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            )
        },
        topics,
        decoders: def.decoders.clone().into_iter().collect(),
        record_to: record.as_ref().map(|(p, _)| p.clone()),
        record_preamble: record.map(|(_, pre)| pre).unwrap_or_default(),
        security,
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
                .map_err(|e| e.message())
                .and_then(|t| {
                    pw_sensors::ngsi::entities(&t).map_err(|e| {
                        pw_sensors::client::ClientError {
                            url: url.clone(),
                            reason: pw_sensors::client::Reason::Content(e),
                        }
                        .message()
                    })
                }) {
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
fn sta_client(def: &SensorSource) -> Result<StaClient, Message> {
    StaClient::new(&def.url, Duration::from_secs(20), def.token_env.as_deref())
        .and_then(|c| c.with_keyring_token(def.token_keyring.as_deref()))
        .map_err(|e| e.message())
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
                let update =
                    match cache.track(&client, &thing, r.from_ms, r.to_ms, 300_000, now_ms()) {
                        Ok(track) => SourceUpdate::Track {
                            station: r.key,
                            fixes: track.values,
                        },
                        Err(e) => SourceUpdate::Status(SourceStatus::Offline(e.message())),
                    };
                if tx.send(update).is_err() {
                    return;
                }
            }
            Ok(r) if multi_component(&r.key).is_some_and(|(id, _)| multi.contains_key(id)) => {
                // A MultiDatastream's window: every component at once.
                let (id, _) = multi_component(&r.key).unwrap_or_default();
                let m = &multi[id];
                let updates: Vec<SourceUpdate> =
                    match cache.multi_history(&client, m, r.from_ms, r.to_ms, 300_000, now_ms()) {
                        Ok(h) => (0..m.units.len().max(m.observed_properties.len()))
                            .map(|i| SourceUpdate::History {
                                key: format!("sta:{}", m.component_id(i)),
                                values: h.values.iter().filter_map(|o| o.component(i)).collect(),
                                fetched_ms: h.fetched_ms,
                                problem: h.stale_because.clone(),
                            })
                            .collect(),
                        Err(e) => vec![SourceUpdate::History {
                            key: r.key,
                            values: vec![],
                            fetched_ms: now_ms(),
                            problem: Some(e.message()),
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
                // Not (yet) announced — offline since the start, say: the
                // id alone still finds its window on disk.
                let unknown;
                let ds = match datastreams.get(id) {
                    Some(ds) => ds,
                    None => {
                        unknown = Datastream::from_id(id);
                        &unknown
                    }
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
                        problem: Some(e.message()),
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
) -> Result<Vec<LiveEvent>, Message> {
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
        Err(e) if e.reason.is_client_error() => {
            query.expand.pop();
            client.datastreams(&query).map_err(|e| e.message())?
        }
        Err(e) => return Err(e.message()),
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
