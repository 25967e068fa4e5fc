//! Terrain grids (DEMs): GeoTIFF and the German DGM "XYZ" delivery format
//! read into one regular grid type, merged from tiles, and queried for
//! heights (bilinear between cell centres, nodata-aware) through the
//! `Elevation` trait the rest of the program uses. Engine-free.

pub mod geotiff;
pub mod grid;
pub mod mesh;
pub mod xyz;

pub use grid::{DemError, Grid};
