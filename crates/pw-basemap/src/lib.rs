//! Raster basemaps (engine-free): one tile-grid model for XYZ/TMS (Web
//! Mercator), WMS (a grid of our own in the scene CRS, one GetMap per tile,
//! so tiles cache) and WMTS (tile matrix sets from GetCapabilities); which
//! tiles a view needs; where each tile lies in the scene; and fetching over
//! HTTP through an on-disk cache that keeps a workshop running offline.

pub mod cache;
pub mod drape;
pub mod grid;
pub mod source;
pub mod wmts;

pub use cache::{Fetched, TileCache};
pub use grid::{TileGrid, TileId, TileMatrix};
pub use source::Basemap;

#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("{url}: {reason}")]
    Http { url: String, reason: FetchReason },
    #[error("{0}")]
    Setup(String),
}

/// Why a file could not be fetched, without its address (whose query may
/// hold an access key): said in English, or through the catalogues.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchReason {
    Timeout,
    Offline,
    Status(u16),
    /// A map service's own words (a WMS ServiceException).
    Exception(String),
    /// XML where an image was asked for.
    NotAnImage,
    Empty,
    /// Anything else, in the words of the library that said it.
    Other(String),
}

impl std::fmt::Display for FetchReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message())
    }
}

impl BasemapError {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        match self {
            BasemapError::Http { url, reason } => pw_text::Message::new("basemap.error.tile")
                .arg("url", url)
                .arg_message("why", reason.message())
                .english("{url}: {why}"),
            BasemapError::Setup(text) => pw_text::Message::text(text),
        }
    }
}

impl FetchReason {
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            FetchReason::Timeout => {
                Message::new("net.reason.timeout").english("no answer in time (timeout)")
            }
            FetchReason::Offline => Message::new("net.reason.offline")
                .english("cannot connect (offline, or the server is down)"),
            FetchReason::Status(status) => Message::new("net.reason.status")
                .arg("status", status)
                .english("HTTP {status}"),
            FetchReason::Exception(text) => Message::new("net.reason.exception")
                .arg("text", text)
                .english("service exception: {text}"),
            FetchReason::NotAnImage => Message::new("net.reason.not_an_image")
                .english("the server sent XML instead of an image"),
            FetchReason::Empty => Message::new("net.reason.empty").english("empty answer"),
            FetchReason::Other(text) => Message::text(text.clone()),
        }
    }
}
