//! The small web server phones join: the workshop page, its texts, the
//! variants' pictures, and a JSON API to vote, answer and contribute. All
//! under `/w/<workshop token>/`, so only those who scanned the code reach it.
//! Every write goes through the desk and is answered after its commit.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request as HttpRequest, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::desk::{DeskHandle, Draft, Reply, Request};
use crate::error::{ParticipationError, Result};
use crate::limits::{MAX_BODY_BYTES, Rate, RateLimiter};
use crate::model::{Anchor, Category, Source, VoteOutcome};
use crate::texts;

const PAGE: &str = include_str!("../web/phone.html");
const SCRIPT: &str = include_str!("../web/phone.js");
const STYLE: &str = include_str!("../web/phone.css");

/// Only this page's own files, nothing inline, nothing from elsewhere: a
/// comment that slipped through as markup could still not run.
const CONTENT_SECURITY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// How often: defaults for a workshop where phones come one by one.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// New participants per address (a phone joins once; a script minting
    /// participants to vote many times is held up here).
    pub joins_per_address: Rate,
    /// Contributions per participant.
    pub contributions_per_participant: Rate,
    /// Votes and answers per participant.
    pub votes_per_participant: Rate,
    /// Contributions, votes and answers per address (one laptop minting
    /// participants gets no more than this).
    pub writes_per_address: Rate,
    /// Everything else (the page, the list, the tally) per address.
    pub reads_per_address: Rate,
    /// Open connections at once.
    pub connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            joins_per_address: Rate {
                burst: 10.0,
                per_minute: 10.0,
            },
            contributions_per_participant: Rate {
                burst: 5.0,
                per_minute: 6.0,
            },
            votes_per_participant: Rate {
                burst: 30.0,
                per_minute: 60.0,
            },
            writes_per_address: Rate {
                burst: 60.0,
                per_minute: 120.0,
            },
            // A phone asks every 4 s; forty phones may share an address.
            reads_per_address: Rate {
                burst: 200.0,
                per_minute: 600.0,
            },
            connections: 1024,
        }
    }
}

struct State {
    desk: DeskHandle,
    token: String,
    limits: Mutex<Limiters>,
}

struct Limiters {
    joins: RateLimiter,
    contributions: RateLimiter,
    votes: RateLimiter,
    writes: RateLimiter,
    reads: RateLimiter,
}

/// A running workshop server; stops when dropped.
pub struct WorkshopServer {
    address: SocketAddr,
    token: String,
    stop: Option<watch::Sender<bool>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl WorkshopServer {
    /// Binds `bind` (port 0: any free port) and serves in the background.
    pub fn start(
        desk: DeskHandle,
        bind: SocketAddr,
        limits: ServerLimits,
    ) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("workshop-web")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind(bind))?;
        let address = listener.local_addr()?;
        let token = desk
            .workshop()
            .read()
            .expect("no writer panics holding the workshop")
            .token
            .clone();
        let state = Arc::new(State {
            desk,
            token: token.clone(),
            limits: Mutex::new(Limiters {
                joins: RateLimiter::new(limits.joins_per_address),
                contributions: RateLimiter::new(limits.contributions_per_participant),
                votes: RateLimiter::new(limits.votes_per_participant),
                writes: RateLimiter::new(limits.writes_per_address),
                reads: RateLimiter::new(limits.reads_per_address),
            }),
        });
        let (stop, mut stopped) = watch::channel(false);
        let connections = Arc::new(Semaphore::new(limits.connections));
        runtime.spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = stopped.changed() => break,
                };
                let Ok((stream, peer)) = accepted else {
                    continue;
                };
                let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
                    break;
                };
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, Infallible>(route(request, peer, &state).await) }
                    });
                    let _ = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                    drop(permit);
                });
            }
        });
        Ok(WorkshopServer {
            address,
            token,
            stop: Some(stop),
            runtime: Some(runtime),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The link for phones (and the QR code), with `host` the address
    /// phones reach this machine at.
    pub fn link(&self, host: &str) -> String {
        format!("http://{host}:{}/w/{}/", self.address.port(), self.token)
    }
}

impl Drop for WorkshopServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

/// The address of this machine that others on the network reach it at (the
/// one the default route leaves from); no packet is sent.
pub fn lan_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}

type Answer = Response<Full<Bytes>>;

/// A too-large body up to this size is read and dropped before the answer.
const DRAIN_BYTES: usize = 2 * 1024 * 1024;

/// `%C3%A4` → `ä` (ids with spaces or umlauts in a path); invalid escapes
/// stay as they are.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(status: u16, content_type: &str, body: impl Into<Bytes>) -> Answer {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("our content types are ASCII"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn json(status: u16, value: &impl Serialize) -> Answer {
    respond(
        status,
        "application/json; charset=utf-8",
        serde_json::to_vec(value).expect("our answers are plain data"),
    )
}

#[derive(Serialize)]
struct ErrorBody {
    error: &'static str,
    message: String,
}

fn error(e: &ParticipationError, lang: &str) -> Answer {
    let args = e.args();
    json(
        e.status(),
        &ErrorBody {
            error: e.key(),
            message: texts::render(lang, e.key(), &args),
        },
    )
}

fn query(request: &HttpRequest<Incoming>) -> HashMap<String, String> {
    request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

async fn body<T: for<'de> Deserialize<'de>>(request: HttpRequest<Incoming>) -> Result<T> {
    let too_large = ParticipationError::TooLarge {
        limit: MAX_BODY_BYTES,
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
        // Read (and drop) what a clumsy phone sends, up to a bound, so it
        // gets the answer instead of a broken connection.
        if declared.is_some_and(|length| length <= DRAIN_BYTES) {
            let _ = tokio::time::timeout(
                Duration::from_secs(10),
                Limited::new(request.into_body(), DRAIN_BYTES).collect(),
            )
            .await;
        }
        return Err(too_large);
    }
    // A body sent slowly holds a connection: ten seconds, then it is dropped.
    let collected = tokio::time::timeout(
        Duration::from_secs(10),
        Limited::new(request.into_body(), MAX_BODY_BYTES).collect(),
    )
    .await
    .map_err(|_| ParticipationError::BadRequest("the request came too slowly".into()))?;
    let bytes = collected
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                too_large.clone()
            } else {
                ParticipationError::BadRequest(format!("the request broke off: {e}"))
            }
        })?
        .to_bytes();
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ParticipationError::BadRequest("the request is not UTF-8 text".into()))?;
    serde_json::from_str(text).map_err(|e| ParticipationError::BadRequest(e.to_string()))
}

#[derive(Deserialize)]
struct VoteBody {
    participant: String,
    variant: String,
    stars: u32,
}

#[derive(Deserialize)]
struct AnswerBody {
    participant: String,
    question: String,
    value: u32,
}

#[derive(Serialize)]
struct Joined {
    participant: String,
}

#[derive(Serialize)]
struct Saved {
    id: i64,
}

#[derive(Serialize)]
struct Voted {
    outcome: VoteOutcome,
}

/// A contribution as phones see it: no participant tokens (they are keys),
/// only whether it is the asker's own.
#[derive(Serialize)]
struct Public {
    id: i64,
    text: String,
    category: Category,
    anchor: Option<Anchor>,
    variant: Option<String>,
    created_ms: i64,
    answered: bool,
    reply: Option<String>,
    merged_into: Option<i64>,
    hidden: bool,
    mine: bool,
}

#[derive(Serialize)]
struct PublicChanges {
    contributions: Vec<Public>,
    revision: i64,
}

async fn route(request: HttpRequest<Incoming>, peer: SocketAddr, state: &State) -> Answer {
    let params = query(&request);
    let lang = texts::pick_language(
        params.get("lang").map(String::as_str),
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let path = request.uri().path().to_string();
    let Some(rest) = path
        .strip_prefix("/w/")
        .and_then(|p| p.strip_prefix(state.token.as_str()))
    else {
        return error(&ParticipationError::WrongWorkshop, lang);
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    match handle(request, rest, &params, peer, lang, state).await {
        Ok(answer) => answer,
        Err(e) => error(&e, lang),
    }
}

/// One of a participant's writes: the token's form first (so made-up keys
/// are short), then the participant's bucket and the address's.
fn take_write(
    state: &State,
    participant: &str,
    peer: SocketAddr,
    contribution: bool,
) -> Result<()> {
    crate::limits::check_token(participant, "participant")?;
    let mut limits = state.limits.lock().expect("limiters do not panic");
    let now = Instant::now();
    limits.writes.take(&peer.ip().to_string(), now)?;
    if contribution {
        limits.contributions.take(participant, now)
    } else {
        limits.votes.take(participant, now)
    }
}

async fn handle(
    request: HttpRequest<Incoming>,
    rest: &str,
    params: &HashMap<String, String>,
    peer: SocketAddr,
    lang: &str,
    state: &State,
) -> Result<Answer> {
    let method = request.method().clone();
    if method == Method::GET {
        state
            .limits
            .lock()
            .expect("limiters do not panic")
            .reads
            .take(&peer.ip().to_string(), Instant::now())?;
    }
    let html = "text/html; charset=utf-8";
    Ok(match (method, rest) {
        (Method::GET, "") => respond(200, html, PAGE.replace("{lang}", lang)),
        (Method::GET, "phone.js") => respond(200, "text/javascript; charset=utf-8", SCRIPT),
        (Method::GET, "phone.css") => respond(200, "text/css; charset=utf-8", STYLE),
        (Method::GET, "api/texts") => json(200, texts::catalogue(lang)),
        (Method::GET, "api/workshop") => {
            let workshop = state.desk.workshop();
            let workshop = workshop
                .read()
                .expect("no writer panics holding the workshop");
            let mut value = serde_json::to_value(&*workshop).expect("plain data");
            // Which pictures there are, so the page asks only for those.
            value["pictures"] = workshop
                .variants
                .iter()
                .filter(|v| v.picture.is_some())
                .map(|v| serde_json::Value::from(v.id.clone()))
                .collect();
            value["map_picture"] = workshop
                .area
                .as_ref()
                .is_some_and(|a| a.picture.is_some())
                .into();
            json(200, &value)
        }
        (Method::GET, "map.png") => {
            let workshop = state.desk.workshop();
            let workshop = workshop
                .read()
                .expect("no writer panics holding the workshop");
            match workshop.area.as_ref().and_then(|a| a.picture.clone()) {
                Some(png) => respond(200, "image/png", png),
                None => respond(404, "text/plain; charset=utf-8", "no map picture"),
            }
        }
        (Method::GET, p) if p.starts_with("picture/") => {
            let id = &percent_decoded(&p["picture/".len()..]);
            let workshop = state.desk.workshop();
            let workshop = workshop
                .read()
                .expect("no writer panics holding the workshop");
            match workshop.variant(id).and_then(|v| v.picture.clone()) {
                Some(png) => respond(200, "image/png", png),
                None => return Err(ParticipationError::UnknownVariant(id.to_string())),
            }
        }
        (Method::POST, "api/join") => {
            state
                .limits
                .lock()
                .expect("limiters do not panic")
                .joins
                .take(&peer.ip().to_string(), Instant::now())?;
            match state.desk.ask(Request::Join).await? {
                Reply::Joined(participant) => json(201, &Joined { participant }),
                other => unreachable!("join answers Joined, not {other:?}"),
            }
        }
        (Method::POST, "api/contribution") => {
            let draft: Draft = body(request).await?;
            take_write(state, &draft.participant, peer, true)?;
            match state
                .desk
                .ask(Request::Contribute {
                    draft,
                    source: Source::Phone,
                })
                .await?
            {
                Reply::Saved(id) => json(201, &Saved { id }),
                other => unreachable!("contribute answers Saved, not {other:?}"),
            }
        }
        (Method::POST, "api/vote") => {
            let vote: VoteBody = body(request).await?;
            take_write(state, &vote.participant, peer, false)?;
            match state
                .desk
                .ask(Request::Vote {
                    participant: vote.participant,
                    variant: vote.variant,
                    stars: vote.stars,
                })
                .await?
            {
                Reply::Voted(outcome) => json(200, &Voted { outcome }),
                other => unreachable!("vote answers Voted, not {other:?}"),
            }
        }
        (Method::POST, "api/answer") => {
            let answer: AnswerBody = body(request).await?;
            take_write(state, &answer.participant, peer, false)?;
            match state
                .desk
                .ask(Request::Answer {
                    participant: answer.participant,
                    question: answer.question,
                    value: answer.value,
                })
                .await?
            {
                Reply::Voted(outcome) => json(200, &Voted { outcome }),
                other => unreachable!("answer answers Voted, not {other:?}"),
            }
        }
        (Method::GET, "api/contributions") => {
            let since = params
                .get("since")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0);
            let asker = params.get("participant").cloned().unwrap_or_default();
            match state.desk.ask(Request::Changes { since }).await? {
                Reply::Changes(changes) => json(
                    200,
                    &PublicChanges {
                        revision: changes.revision,
                        contributions: changes
                            .contributions
                            .into_iter()
                            .map(|c| Public {
                                mine: !asker.is_empty() && c.participant == asker,
                                hidden: c.hidden,
                                // Hidden ones go out as removals only.
                                text: if c.hidden { String::new() } else { c.text },
                                anchor: if c.hidden { None } else { c.anchor },
                                reply: if c.hidden { None } else { c.reply },
                                id: c.id,
                                category: c.category,
                                variant: c.view.variant,
                                created_ms: c.created_ms,
                                answered: c.answered,
                                merged_into: c.merged_into,
                            })
                            .collect(),
                    },
                ),
                other => unreachable!("changes answers Changes, not {other:?}"),
            }
        }
        (Method::GET, "api/tally") => match state.desk.ask(Request::Tally).await? {
            Reply::Tally(tally) => json(200, &tally),
            other => unreachable!("tally answers Tally, not {other:?}"),
        },
        _ => {
            return Err(ParticipationError::BadRequest(format!(
                "nothing at {rest:?} for this method"
            )));
        }
    })
}
