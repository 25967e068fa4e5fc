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
    #[error("{url}: {message}")]
    Http { url: String, message: String },
    #[error("{0}")]
    Setup(String),
}
