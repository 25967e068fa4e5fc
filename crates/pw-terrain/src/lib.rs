//! Terrain grids (DEMs): GeoTIFF, the German DGM "XYZ" delivery format and
//! SRTM tiles (`.hgt`, zipped too) read into one regular grid type, merged from tiles, and queried for
//! heights (bilinear between cell centres, nodata-aware) through the
//! `Elevation` trait the rest of the program uses. Engine-free.

pub mod geotiff;
pub mod geotiff_write;
pub mod grid;
pub mod lod;
pub mod mesh;
pub mod srtm;
pub mod xyz;

pub use grid::{DemError, Grid};

/// Whether a file is an ASCII XYZ grid (by its ending), else GeoTIFF.
pub fn is_xyz(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xyz") || e.eq_ignore_ascii_case("txt"))
}

/// Reads one DEM file, GeoTIFF, XYZ or SRTM, with the warnings it produced.
pub fn read_file(path: &std::path::Path) -> Result<(Grid, Vec<pw_text::Message>), DemError> {
    if srtm::is_srtm(path) {
        Ok((srtm::read_file(path)?, Vec::new()))
    } else if is_xyz(path) {
        Ok((xyz::read_file(path)?, Vec::new()))
    } else {
        geotiff::read_file(path).map(|(g, notes)| (g, notes.warnings))
    }
}
