//! GIS vector layers (engine-free): GeoJSON, Shapefile (.prj, .cpg and
//! code-page guessing), GeoPackage, KML/KMZ, CSV with coordinate columns,
//! GML/WFS feature collections, FlatGeobuf, OpenStreetMap (.osm, .osm.gz,
//! .osm.pbf) — one feature model with typed attributes,
//! 2D/3D multi-part geometry and the CRS, reprojectable into the scene CRS.
//! Readers keep what they can read and list what they could not.

pub mod city_style;
pub mod csv;
pub mod dbf;
pub mod drape;
pub mod fgb;
pub mod geojson;
pub mod gml;
pub mod gpkg;
pub mod kml;
pub mod model;
pub mod mojibake;
pub mod osm;
pub mod overpass;
pub mod prj;
pub mod shp;
pub mod style;
pub mod to_city;
pub mod wkb;
pub mod xml;

pub use csv::CsvOptions;
pub use model::*;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    #[error(
        "{path}: not a vector format we read (GeoJSON, Shapefile, GeoPackage, KML/KMZ, CSV, GML, FlatGeobuf, OpenStreetMap)"
    )]
    NotVector { path: String },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: {message}")]
    File {
        path: String,
        message: pw_text::Message,
    },
}

impl VectorError {
    /// The text for people; a reader's reason is said in the same language
    /// (a library's own detail inside it stays in its words).
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            VectorError::NotVector { path } => Message::new("vector.error.not_vector")
                .arg("path", path)
                .english("{path}: not a vector format we read (GeoJSON, Shapefile, GeoPackage, KML/KMZ, CSV, GML, FlatGeobuf, OpenStreetMap)"),
            VectorError::Empty { path } => Message::new("vector.error.empty")
                .arg("path", path)
                .english("{path}: the file is empty"),
            VectorError::File { path, message } => Message::new("vector.error.read")
                .arg("path", path)
                .arg_message("why", message.clone())
                .english("{path}: {why}"),
        }
    }
}

fn file_error(path: &Path, message: pw_text::Message) -> VectorError {
    VectorError::File {
        path: path.display().to_string(),
        message,
    }
}

/// A file system's or a library's own words (English, or the system's
/// language), inside a frame that says in the user's language that the
/// file could not be read; the English frame adds nothing to them.
pub(crate) fn unreadable(detail: impl std::fmt::Display) -> pw_text::Message {
    pw_text::Message::new("vector.error.unreadable")
        .arg("detail", detail)
        .english("{detail}")
}

/// Which reader a file needs, by its ending and, for .json/.xml, its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Shapefile,
    GeoPackage,
    Kml,
    Csv,
    Gml,
    FlatGeobuf,
    Osm,
}

pub fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if pw_osm::is_osm_name(path) {
        return Some(Format::Osm);
    }
    let ext = name.rsplit('.').next()?;
    Some(match ext {
        "geojson" => Format::GeoJson,
        "json" if !name.ends_with(".city.json") => Format::GeoJson,
        "shp" => Format::Shapefile,
        "gpkg" => Format::GeoPackage,
        "kml" | "kmz" => Format::Kml,
        "csv" | "tsv" => Format::Csv,
        "gml" | "xml" => Format::Gml,
        "fgb" => Format::FlatGeobuf,
        _ => return None,
    })
}

/// Reads a vector file; `csv` says which columns and CRS a CSV uses.
pub fn read_file(path: &Path, csv: &CsvOptions) -> Result<VectorData, VectorError> {
    let format = format_of(path).ok_or_else(|| VectorError::NotVector {
        path: path.display().to_string(),
    })?;
    let meta = std::fs::metadata(path).map_err(|e| file_error(path, unreadable(e)))?;
    if meta.len() == 0 {
        return Err(VectorError::Empty {
            path: path.display().to_string(),
        });
    }
    let text = |path: &Path| -> Result<String, VectorError> {
        std::fs::read_to_string(path).map_err(|e| file_error(path, unreadable(e)))
    };
    let result = match format {
        Format::GeoJson => geojson::read(&text(path)?),
        Format::Shapefile => shp::read_file(path),
        Format::GeoPackage => gpkg::read_file(path, None),
        Format::Kml => kml::read_file(path),
        Format::Csv => {
            let bytes = std::fs::read(path).map_err(|e| file_error(path, unreadable(e)))?;
            csv::read_bytes(&bytes, csv)
        }
        Format::Gml => {
            let bytes = std::fs::read(path).map_err(|e| file_error(path, unreadable(e)))?;
            gml::read_bytes(&bytes)
        }
        Format::FlatGeobuf => {
            let bytes = std::fs::read(path).map_err(|e| file_error(path, unreadable(e)))?;
            fgb::read_bytes(&bytes)
        }
        Format::Osm => osm::read_file(path),
    };
    let mut data = result.map_err(|m| file_error(path, m))?;
    mojibake::repair_all(&mut data);
    Ok(data)
}
