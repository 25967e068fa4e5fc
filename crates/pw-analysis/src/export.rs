//! Writing any result: the ground raster as GeoTIFF (stamp in GDAL
//! metadata), facade samples and points/lines as GeoJSON (stamp in the
//! `planwerkstatt_run` member), the KPI table as CSV (stamp rows after the
//! figures). Files appear complete or not at all.

use crate::result::{AnalysisResult, Column, FeatureGeometry};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    GeoTiff(#[from] pw_terrain::geotiff_write::WriteError),
    #[error("this result has no {0}")]
    Missing(&'static str),
}

fn write_atomic(path: &Path, text: &str) -> Result<(), ExportError> {
    let err = |e: std::io::Error| ExportError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    std::fs::write(&tmp, text).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        std::fs::remove_file(&tmp).ok();
        err(e)
    })
}

/// The ground raster as Float32 GeoTIFF with the stamp and unit.
pub fn ground_geotiff(result: &AnalysisResult, path: &Path) -> Result<(), ExportError> {
    let g = result
        .ground
        .as_ref()
        .ok_or(ExportError::Missing("ground raster"))?;
    let mut meta = result.stamp.entries();
    meta.push(("quantity".into(), g.quantity.key.into()));
    meta.push(("unit".into(), g.quantity.unit.into()));
    if let Some((a, b)) = &result.difference_of {
        meta.push(("difference_of".into(), format!("{b} − {a}")));
    }
    Ok(pw_terrain::geotiff_write::write_file(&g.grid, path, &meta)?)
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn column_value(c: &Column, i: usize) -> Value {
    match c {
        Column::Numbers(_, v) => v.get(i).map_or(Value::Null, |x| json!(round(*x as f64, 3))),
        Column::Texts(_, v) => v.get(i).map_or(Value::Null, |x| json!(x)),
    }
}

fn collection(result: &AnalysisResult, features: Vec<Value>) -> Value {
    let run: Map<String, Value> = result
        .stamp
        .entries()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let mut out = json!({
        "type": "FeatureCollection",
        "planwerkstatt_run": run,
        "features": features,
    });
    if let Some(c) = result.crs {
        // The legacy member QGIS and GDAL read.
        out["crs"] = json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{}", c.horizontal)}});
    }
    out
}

/// Facade samples as GeoJSON points: object, surface, kind, normal, area,
/// the value under the quantity's key, then the extra columns.
pub fn facades_geojson(result: &AnalysisResult) -> Result<Value, ExportError> {
    let f = result
        .facades
        .as_ref()
        .ok_or(ExportError::Missing("facade samples"))?;
    let features = f
        .samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = s.position;
            let mut props = Map::new();
            props.insert("object".into(), json!(f.object_ids.get(s.object as usize)));
            props.insert("surface".into(), json!(s.surface_id));
            props.insert("kind".into(), json!(s.kind));
            props.insert("normal".into(), json!(s.normal.map(|v| round(v as f64, 3))));
            props.insert("area_m2".into(), json!(round(s.area as f64, 3)));
            props.insert(f.quantity.key.into(), json!(round(s.value as f64, 3)));
            for c in &f.columns {
                props.insert(c.name().into(), column_value(c, i));
            }
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(p[0], 3), round(p[1], 3), round(p[2], 3)]},
                "properties": props,
            })
        })
        .collect();
    Ok(collection(result, features))
}

/// [`facades_geojson`] written to a file, complete or not at all.
pub fn write_facades_geojson(result: &AnalysisResult, path: &Path) -> Result<(), ExportError> {
    write_atomic(path, &facades_geojson(result)?.to_string())
}

/// Points or lines with their value and columns.
pub fn features_geojson(result: &AnalysisResult) -> Result<Value, ExportError> {
    let f = result
        .features
        .as_ref()
        .ok_or(ExportError::Missing("points or lines"))?;
    let r3 = |p: &[f64; 3]| json!([round(p[0], 3), round(p[1], 3), round(p[2], 3)]);
    let features = f
        .features
        .iter()
        .enumerate()
        .map(|(i, feature)| {
            let geometry = match &feature.geometry {
                FeatureGeometry::Point(p) => json!({"type": "Point", "coordinates": r3(p)}),
                FeatureGeometry::Line(ps) => {
                    json!({"type": "LineString", "coordinates": ps.iter().map(r3).collect::<Vec<_>>()})
                }
            };
            let mut props = Map::new();
            props.insert("id".into(), json!(feature.id));
            props.insert(f.quantity.key.into(), json!(round(feature.value as f64, 3)));
            for c in &f.columns {
                props.insert(c.name().into(), column_value(c, i));
            }
            json!({"type": "Feature", "geometry": geometry, "properties": props})
        })
        .collect();
    Ok(collection(result, features))
}

pub fn write_features_geojson(result: &AnalysisResult, path: &Path) -> Result<(), ExportError> {
    write_atomic(path, &features_geojson(result)?.to_string())
}

/// RFC 4180 quoting: fields with commas, quotes or line breaks in quotes.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The KPI table: `kind,key,value,unit,label` rows — the figures first,
/// then the stamp (kind `run`), so a spreadsheet opens it as it is.
pub fn kpis_csv(result: &AnalysisResult) -> String {
    let mut out = String::from("kind,key,value,unit,label\n");
    for k in &result.kpis {
        out += &[
            "kpi",
            &k.key,
            &format!("{:.*}", k.decimals as usize, k.value),
            k.unit,
            &k.label.to_string(),
        ]
        .map(csv_field)
        .join(",");
        out.push('\n');
    }
    for (k, v) in result.stamp.entries() {
        out += &["run", &k, &v, "", ""].map(csv_field).join(",");
        out.push('\n');
    }
    out
}

/// A section as CSV: the run stamp as `# key: value` lines (the file says
/// how it was made, as the GeoTIFF's tags do), then `distance_m` and one
/// column per series (its key), empty where a series has no value.
pub fn section_csv(section: &crate::Section, stamp: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in stamp {
        out += &format!("# {k}: {}\n", v.replace('\n', " "));
    }
    out += "distance_m";
    for (key, _) in &section.series {
        out.push(',');
        out += &csv_field(key);
    }
    out.push('\n');
    for (k, d) in section.distance.iter().enumerate() {
        out += &format!("{:.2}", d);
        for (_, values) in &section.series {
            out.push(',');
            if let Some(v) = values.get(k).filter(|v| v.is_finite()) {
                out += &format!("{v:.2}");
            }
        }
        out.push('\n');
    }
    out
}

/// One part of the result into one file, chosen by its extension: `.tif`
/// the ground raster, `.geojson` the points and lines (else the facade
/// samples), `.csv` the section (else the key figures).
pub fn write_one(result: &AnalysisResult, path: &Path) -> Result<(), ExportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "tif" | "tiff" => ground_geotiff(result, path),
        "geojson" | "json" => {
            let has_features = result.features.as_ref().is_some_and(|f| !f.features.is_empty());
            let json = if has_features {
                features_geojson(result)?
            } else {
                facades_geojson(result)?
            };
            write_atomic(path, &json.to_string())
        }
        "csv" => match &result.section {
            Some(section) => write_atomic(path, &section_csv(section, &result.stamp.entries())),
            None => write_atomic(path, &kpis_csv(result)),
        },
        _ => Err(ExportError::File {
            path: path.display().to_string(),
            message: "write .tif (raster), .geojson (points, lines, facades) or .csv (section, key figures)".into(),
        }),
    }
}

/// Writes every part the result has into `dir` as `stem.tif`,
/// `stem_fassaden.geojson`, `stem_punkte.geojson`, `stem_schnitt.csv`,
/// `stem_kennzahlen.csv`.
pub fn export_all(
    result: &AnalysisResult,
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::File {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut files = Vec::new();
    if result.ground.is_some() {
        let path = dir.join(format!("{stem}.tif"));
        ground_geotiff(result, &path)?;
        files.push(path);
    }
    if result
        .facades
        .as_ref()
        .is_some_and(|f| !f.samples.is_empty())
    {
        let path = dir.join(format!("{stem}_fassaden.geojson"));
        write_atomic(&path, &facades_geojson(result)?.to_string())?;
        files.push(path);
    }
    if result
        .features
        .as_ref()
        .is_some_and(|f| !f.features.is_empty())
    {
        let path = dir.join(format!("{stem}_punkte.geojson"));
        write_atomic(&path, &features_geojson(result)?.to_string())?;
        files.push(path);
    }
    if let Some(section) = &result.section {
        let path = dir.join(format!("{stem}_schnitt.csv"));
        write_atomic(&path, &section_csv(section, &result.stamp.entries()))?;
        files.push(path);
    }
    if !result.kpis.is_empty() {
        let path = dir.join(format!("{stem}_kennzahlen.csv"));
        write_atomic(&path, &kpis_csv(result))?;
        files.push(path);
    }
    Ok(files)
}

/// A file name from a label: letters, digits and '-' kept, every run of
/// anything else one '_'.
pub fn file_stem(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_alphanumeric() || c == '-' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_stems_are_readable_and_csv_fields_quoted() {
        assert_eq!(
            super::file_stem("Besonnung (Sonnenstunden) 2026-03-21, 150 × 150 m"),
            "Besonnung_Sonnenstunden_2026-03-21_150_150_m"
        );
        assert_eq!(super::csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(super::csv_field("zwei\nZeilen"), "\"zwei\nZeilen\"");
        assert_eq!(super::csv_field("plain"), "plain");
        let section = crate::Section {
            title: "t",
            unit: "m",
            distance: vec![0.0, 2.5],
            series: vec![
                ("ground", vec![100.0, f64::NAN]),
                ("sight", vec![101.6, 102.25]),
            ],
        };
        let stamp = [("analysis".to_string(), "view".to_string())];
        assert_eq!(
            super::section_csv(&section, &stamp),
            "# analysis: view\ndistance_m,ground,sight\n0.00,100.00,101.60\n2.50,,102.25\n"
        );
    }
}
