//! A blocking SensorThings client (run it off the frame): collections
//! followed through `@iot.nextLink` (bounded, empty last pages and
//! unencoded links tolerated), rate limits honoured (429/503 with
//! Retry-After, a few bounded retries), a bearer token from the
//! environment, and errors that name the URL and say what happened.

use crate::SensorError;
use crate::sta::{self, Datastream, Observation, Page, Query};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{url}: {reason}")]
pub struct ClientError {
    pub url: String,
    pub reason: Reason,
}

/// What went wrong with a request, so that the person at the desk can act.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Reason {
    #[error("no answer in time (timeout)")]
    Timeout,
    /// The TLS library's words on the certificate.
    #[error(
        "the server's certificate is not trusted ({0}); if the city uses its own CA, it must be in the operating system's certificate store"
    )]
    Certificate(String),
    /// Also a name that does not resolve (DNS).
    #[error("cannot connect (offline, unknown host, or the server is down)")]
    Offline,
    /// `status` as the server gave it ("500 Internal Server Error").
    #[error("HTTP {status}: {excerpt}")]
    Status {
        code: u16,
        status: String,
        excerpt: String,
    },
    #[error(
        "the answer ({megabytes:.1} MB) is larger than {limit_mb} MB: ask for smaller pages ($top)"
    )]
    TooLarge { megabytes: f64, limit_mb: u64 },
    #[error("the answer is not UTF-8 text")]
    NotUtf8,
    #[error("more than {0} pages: narrow the query")]
    TooManyPages(usize),
    #[error("{0}")]
    Content(SensorError),
    /// The HTTP library's or the system's own words.
    #[error("{0}")]
    Other(String),
}

impl Reason {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        let m = match self {
            Reason::Timeout => Message::new("net.reason.timeout"),
            Reason::Certificate(detail) => {
                Message::new("sensors.reason.certificate").arg("detail", detail)
            }
            Reason::Offline => Message::new("net.reason.offline"),
            Reason::Status {
                status, excerpt, ..
            } => Message::new("sensors.reason.status")
                .arg("status", status)
                .arg("excerpt", excerpt),
            Reason::TooLarge {
                megabytes,
                limit_mb,
            } => Message::new("sensors.reason.too_large")
                .arg("size", format!("{megabytes:.1}"))
                .arg("limit", limit_mb),
            Reason::NotUtf8 => Message::new("sensors.reason.not_utf8"),
            Reason::TooManyPages(n) => Message::new("sensors.reason.too_many_pages").arg("n", n),
            Reason::Content(e) => return e.message(),
            Reason::Other(text) => return Message::text(text),
        };
        m.english(&self.to_string())
    }

    /// The server refused the request itself (400–499).
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            Reason::Status {
                code: 400..=499,
                ..
            }
        )
    }
}

impl ClientError {
    /// "{url}: {why}" through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        pw_text::Message::new("sensors.error.at")
            .arg("url", &self.url)
            .arg_message("why", self.reason.message())
            .english("{url}: {why}")
    }
}

/// Pages followed at most for one collection (100 per page: 50,000 items).
const MAX_PAGES: usize = 500;
/// Largest answer read (a page of 100 entities is far smaller): a server
/// that sends more is told off instead of filling the memory.
const MAX_PAGE_BYTES: u64 = 64 << 20;
/// Retries after "too many requests" / "unavailable".
const RETRIES: u32 = 3;
/// Longest wait a server may ask for before a retry.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// Entities with an id, for dropping repeats across pages.
trait Identified {
    fn entity_id(&self) -> Option<&sta::Id>;
}

/// `Identified` for entities whose id is always given (`required`) or may
/// be missing (`optional`, e.g. observations as MQTT pushes them).
macro_rules! identified {
    (required: $($r:ty),*; optional: $($o:ty),*) => {
        $(impl Identified for $r {
            fn entity_id(&self) -> Option<&sta::Id> {
                Some(&self.id)
            }
        })*
        $(impl Identified for $o {
            fn entity_id(&self) -> Option<&sta::Id> {
                self.id.as_ref()
            }
        })*
    };
}

identified!(
    required: Datastream, sta::MultiDatastream, sta::Entity;
    optional: Observation, sta::MultiObservation, sta::HistoricalLocation
);

/// A resource path (which may carry a query of its own, as server links
/// do) with the query options appended.
fn with_options(path: &str, q: &Query) -> String {
    let options = q.to_query_string();
    if path.contains('?') {
        format!("{path}&{}", options.trim_start_matches('?'))
    } else {
        format!("{path}{options}")
    }
}

pub struct StaClient {
    /// Service root, e.g. "https://…/v1.1" (no trailing slash).
    pub base: String,
    client: reqwest::blocking::Client,
    token: Option<String>,
    max_page_bytes: u64,
}

/// A TLS certificate failure somewhere in the error's causes: worth its
/// own message, as "cannot connect" would send people looking for a cable.
fn certificate_problem(e: &reqwest::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if text.contains("certificate") {
            return Some(text);
        }
        cause = c.source();
    }
    None
}

impl StaClient {
    /// `token_env` names an environment variable holding a bearer token
    /// (credentials never live in scene files).
    pub fn new(
        base: &str,
        timeout: Duration,
        token_env: Option<&str>,
    ) -> Result<StaClient, ClientError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("Planwerkstatt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError {
                url: base.into(),
                reason: Reason::Other(e.to_string()),
            })?;
        Ok(StaClient {
            base: base.trim_end_matches('/').to_string(),
            client,
            token: token_env
                .and_then(|v| std::env::var(v).ok())
                .filter(|t| !t.is_empty()),
            max_page_bytes: MAX_PAGE_BYTES,
        })
    }

    /// Sends the bearer token kept in the OS keyring under `name`, if one
    /// is named, instead of one from the environment.
    pub fn with_keyring_token(mut self, name: Option<&str>) -> Result<StaClient, ClientError> {
        if let Some(name) = name {
            let token = crate::secret::lookup(name).map_err(|e| ClientError {
                url: self.base.clone(),
                reason: Reason::Content(e),
            })?;
            self.token = Some(token).filter(|t| !t.is_empty());
        }
        Ok(self)
    }

    /// Refuses answers larger than this many bytes (default 64 MiB).
    pub fn with_max_page_bytes(mut self, bytes: u64) -> StaClient {
        self.max_page_bytes = bytes;
        self
    }

    /// The body at `url` as text, retrying when the server asks to wait.
    pub fn get_text(&self, url: &str) -> Result<String, ClientError> {
        let err = |reason: Reason| ClientError {
            url: url.to_string(),
            reason,
        };
        let mut attempt = 0;
        loop {
            let mut request = self.client.get(url).header("Accept", "application/json");
            if let Some(t) = &self.token {
                request = request.bearer_auth(t);
            }
            let response = request.send().map_err(|e| {
                err(if e.is_timeout() {
                    Reason::Timeout
                } else if let Some(tls) = certificate_problem(&e) {
                    Reason::Certificate(tls)
                } else if e.is_connect() {
                    Reason::Offline
                } else {
                    Reason::Other(e.to_string())
                })
            })?;
            let status = response.status();
            if (status.as_u16() == 429 || status.as_u16() == 503) && attempt < RETRIES {
                let wait = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs)
                    .unwrap_or(Duration::from_secs(1 << attempt))
                    .min(MAX_RETRY_WAIT);
                std::thread::sleep(wait);
                attempt += 1;
                continue;
            }
            let too_big = |n: u64| {
                err(Reason::TooLarge {
                    megabytes: n as f64 / 1e6,
                    limit_mb: self.max_page_bytes >> 20,
                })
            };
            if let Some(n) = response
                .content_length()
                .filter(|n| *n > self.max_page_bytes)
            {
                return Err(too_big(n));
            }
            let mut body = Vec::new();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(response, self.max_page_bytes + 1),
                &mut body,
            )
            .map_err(|e| err(Reason::Other(e.to_string())))?;
            if body.len() as u64 > self.max_page_bytes {
                return Err(too_big(body.len() as u64));
            }
            let text = String::from_utf8(body).map_err(|_| err(Reason::NotUtf8))?;
            if !status.is_success() {
                let excerpt: String = text.chars().take(200).collect();
                return Err(err(Reason::Status {
                    code: status.as_u16(),
                    status: status.to_string(),
                    excerpt: excerpt.trim().to_string(),
                }));
            }
            return Ok(text);
        }
    }

    /// Every item of a collection, page after page; an entity a later page
    /// repeats (servers' paging can overlap by one) is kept once.
    fn collect<T: Identified>(
        &self,
        first: String,
        parse: impl Fn(&str) -> Result<Page<T>, SensorError>,
    ) -> Result<Vec<T>, ClientError> {
        let mut out: Vec<T> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut url = first;
        for _ in 0..MAX_PAGES {
            let text = self.get_text(&url)?;
            let page = parse(&text).map_err(|e| ClientError {
                url: url.clone(),
                reason: Reason::Content(e),
            })?;
            let empty = page.items.is_empty();
            out.extend(
                page.items
                    .into_iter()
                    .filter(|item| item.entity_id().is_none_or(|id| seen.insert(id.clone()))),
            );
            match page.next {
                Some(next) if !empty && next != url => url = sta::requestable(&next),
                _ => return Ok(out),
            }
        }
        Err(ClientError {
            url,
            reason: Reason::TooManyPages(MAX_PAGES),
        })
    }

    /// A collection asked with the query's page size (100 if none), and
    /// once more with 100 when the server refuses a larger one (many cap
    /// `$top` at 100 and answer 400/422 above).
    fn paged<T: Identified>(
        &self,
        url: impl Fn(&Query) -> String,
        query: &Query,
        parse: impl Fn(&str) -> Result<Page<T>, SensorError> + Copy,
    ) -> Result<Vec<T>, ClientError> {
        let q = Query {
            top: query.top.or(Some(100)),
            ..query.clone()
        };
        match self.collect(url(&q), parse) {
            Err(e) if q.top.is_some_and(|t| t > 100) && e.reason.is_client_error() => {
                let q = Query {
                    top: Some(100),
                    ..q
                };
                self.collect(url(&q), parse)
            }
            other => other,
        }
    }

    /// All datastreams.
    pub fn datastreams(&self, query: &Query) -> Result<Vec<Datastream>, ClientError> {
        self.paged(
            |q| format!("{}/Datastreams{}", self.base, q.to_query_string()),
            query,
            sta::datastreams,
        )
    }

    /// All entities of a collection: "Things", "Locations", "Sensors",
    /// "ObservedProperties" or "FeaturesOfInterest".
    pub fn entities(
        &self,
        collection: &str,
        query: &Query,
    ) -> Result<Vec<sta::Entity>, ClientError> {
        self.paged(
            |q| format!("{}/{collection}{}", self.base, q.to_query_string()),
            query,
            sta::entities,
        )
    }

    /// All MultiDatastreams (servers without them answer 404: an error).
    pub fn multi_datastreams(
        &self,
        query: &Query,
    ) -> Result<Vec<sta::MultiDatastream>, ClientError> {
        self.paged(
            |q| format!("{}/MultiDatastreams{}", self.base, q.to_query_string()),
            query,
            sta::multi_datastreams,
        )
    }

    /// Observations of a MultiDatastream (results as arrays).
    pub fn multi_observations(
        &self,
        mds: &sta::MultiDatastream,
        query: &Query,
    ) -> Result<Vec<sta::MultiObservation>, ClientError> {
        let path = mds.observations_link.clone().unwrap_or_else(|| {
            format!(
                "{}/MultiDatastreams{}/Observations",
                self.base,
                mds.id.key()
            )
        });
        self.paged(|q| with_options(&path, q), query, sta::multi_observations)
    }

    /// Where a Thing was in `[from_ms, to_ms)`, oldest first.
    pub fn historical_locations(
        &self,
        thing: &sta::Id,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<sta::HistoricalLocation>, ClientError> {
        let window = Query::time_window(from_ms, to_ms);
        let query = Query {
            filter: window.filter.map(|f| f.replace("phenomenonTime", "time")),
            orderby: Some("time asc".into()),
            expand: vec!["Locations".into()],
            ..Query::default()
        };
        self.paged(
            |q| {
                format!(
                    "{}/Things{}/HistoricalLocations{}",
                    self.base,
                    thing.key(),
                    q.to_query_string()
                )
            },
            &query,
            sta::historical_locations,
        )
    }

    /// Observations of one datastream, through the server's own link when
    /// it gave one (sensiNact spells keys its own way).
    pub fn observations(
        &self,
        ds: &Datastream,
        query: &Query,
    ) -> Result<Vec<Observation>, ClientError> {
        let path = ds
            .observations_link
            .clone()
            .unwrap_or_else(|| format!("{}/Datastreams{}/Observations", self.base, ds.id.key()));
        self.paged(|q| with_options(&path, q), query, sta::observations)
    }
}
