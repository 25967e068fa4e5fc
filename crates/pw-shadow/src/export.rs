//! Writing results: ground hours as GeoTIFF (stamp in GDAL metadata),
//! facade samples as GeoJSON points with hours and the DIN EN 17037 level
//! (stamp as a top-level member). Files appear complete or not at all.

use crate::din17037::Level;
use crate::result::SunHours;
use serde_json::{Map, Value, json};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    GeoTiff(#[from] pw_terrain::geotiff_write::WriteError),
    #[error("this result has no ground grid: run it with the ground analysis switched on")]
    NoGround,
}

pub fn ground_geotiff(result: &SunHours, path: &Path) -> Result<(), ExportError> {
    let grid = result.ground.as_ref().ok_or(ExportError::NoGround)?;
    let mut meta = result.run.entries.clone();
    meta.push((
        "unit".into(),
        "hours of direct sun per day (mean over the dates)".into(),
    ));
    Ok(pw_terrain::geotiff_write::write_file(grid, path, &meta)?)
}

/// The facade/roof samples as a GeoJSON FeatureCollection in the scene CRS
/// (named in the legacy `crs` member QGIS and GDAL read).
pub fn facades_geojson(result: &SunHours) -> Value {
    let f = &result.facades;
    let features: Vec<Value> = f
        .samples
        .iter()
        .map(|s| {
            let p = f.world(s);
            let surface = &f.surfaces[s.surface as usize];
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(p[0], 3), round(p[1], 3), round(p[2], 3)]},
                "properties": {
                    "object": f.object_ids[surface.object as usize],
                    "surface": surface.surface_id,
                    "kind": surface.kind.name(),
                    "normal": surface.normal.map(|v| round(v as f64, 3)),
                    "area_m2": round(s.area as f64, 3),
                    "sun_hours": round(s.hours as f64, 3),
                    "din17037_hours": round(s.din_hours as f64, 3),
                    "din17037_level": Level::of(s.din_hours).key(),
                }
            })
        })
        .collect();
    let mut run = Map::new();
    for (k, v) in &result.run.entries {
        run.insert(k.clone(), Value::String(v.clone()));
    }
    let crs = result.crs;
    let mut out = json!({
        "type": "FeatureCollection",
        "planwerkstatt_run": run,
        "features": features,
    });
    if let Some(c) = crs {
        out["crs"] = json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{}", c.horizontal)}});
    }
    out
}

pub fn write_facades_geojson(result: &SunHours, path: &Path) -> Result<(), ExportError> {
    let err = |e: String| ExportError::File {
        path: path.display().to_string(),
        message: e,
    };
    let text = serde_json::to_string(&facades_geojson(result)).map_err(|e| err(e.to_string()))?;
    let tmp = path.with_extension("geojson.part");
    std::fs::write(&tmp, text).map_err(|e| err(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}
