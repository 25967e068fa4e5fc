//! The georeference of a model from a KML `<Placemark><Model>` (as written
//! by the 3DCityDB KML/COLLADA exporter, Google Earth and SketchUp): its
//! longitude, latitude, altitude and heading.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct KmlModel {
    pub name: Option<String>,
    pub longitude: f64,
    pub latitude: f64,
    pub altitude: f64,
    /// "absolute", "relativeToGround" or "clampToGround" (KML's default).
    pub altitude_mode: String,
    pub heading: f64,
    pub tilt: f64,
    pub roll: f64,
    pub scale: [f64; 3],
    /// The model file the placemark links to.
    pub href: Option<String>,
}

/// All `<Model>` elements of a KML document, in order.
pub fn read_models(text: &str) -> Result<Vec<KmlModel>, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut models = Vec::new();
    let mut current: Option<KmlModel> = None;
    let mut placemark_name: Option<String> = None;
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Model" {
                    current = Some(KmlModel {
                        name: placemark_name.clone(),
                        longitude: f64::NAN,
                        latitude: f64::NAN,
                        altitude: 0.0,
                        altitude_mode: "clampToGround".into(),
                        heading: 0.0,
                        tilt: 0.0,
                        roll: 0.0,
                        scale: [1.0; 3],
                        href: None,
                    });
                }
                if name == "Placemark" {
                    placemark_name = None;
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                if path.pop().as_deref() == Some("Model")
                    && let Some(m) = current.take()
                {
                    if !(m.longitude.is_finite() && m.latitude.is_finite()) {
                        return Err("a <Model> has no <Location> longitude/latitude".into());
                    }
                    models.push(m);
                }
            }
            Ok(Event::Text(t)) => {
                let value = t
                    .xml_content()
                    .map_err(|e| e.to_string())?
                    .trim()
                    .to_string();
                let leaf = path.last().map(String::as_str).unwrap_or("");
                let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
                if leaf == "name" && parent == Some("Placemark") {
                    placemark_name = Some(value.clone());
                }
                let Some(m) = current.as_mut() else {
                    continue;
                };
                let number = || {
                    value
                        .parse::<f64>()
                        .map_err(|_| format!("<{leaf}> is not a number: {value:?}"))
                };
                match (parent, leaf) {
                    (Some("Location"), "longitude") => m.longitude = number()?,
                    (Some("Location"), "latitude") => m.latitude = number()?,
                    (Some("Location"), "altitude") => m.altitude = number()?,
                    (Some("Orientation"), "heading") => m.heading = number()?,
                    (Some("Orientation"), "tilt") => m.tilt = number()?,
                    (Some("Orientation"), "roll") => m.roll = number()?,
                    (Some("Scale"), "x") => m.scale[0] = number()?,
                    (Some("Scale"), "y") => m.scale[1] = number()?,
                    (Some("Scale"), "z") => m.scale[2] = number()?,
                    (Some("Model"), "altitudeMode") => m.altitude_mode = value,
                    (Some("Link"), "href") => m.href = Some(value),
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(format!(
                    "broken KML near byte {}: {e}",
                    reader.buffer_position()
                ));
            }
            _ => {}
        }
    }
    Ok(models)
}

/// Finds the KML placemark for a model file: a `.kml` in the same folder
/// whose `<Model>` links to a file of the same name (any extension, e.g. the
/// COLLADA original of a converted glTF), else the folder's only model.
pub fn find_for(model_path: &Path) -> Option<(PathBuf, KmlModel)> {
    let dir = model_path.parent()?;
    let stem = model_path
        .file_stem()?
        .to_string_lossy()
        .to_ascii_lowercase();
    let mut candidates = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("kml")))
        .collect();
    entries.sort();
    for kml in entries {
        let Ok(text) = std::fs::read_to_string(&kml) else {
            continue;
        };
        for m in read_models(&text).unwrap_or_default() {
            candidates.push((kml.clone(), m));
        }
    }
    let linked = candidates.iter().position(|(_, m)| {
        m.href.as_deref().is_some_and(|h| {
            Path::new(h)
                .file_stem()
                .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case(&stem))
        })
    });
    match linked {
        Some(i) => Some(candidates.swap_remove(i)),
        None if candidates.len() == 1 => candidates.pop(),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_location_is_an_error_and_bad_numbers_are_named() {
        let no_loc =
            "<kml><Placemark><Model><Link><href>a.dae</href></Link></Model></Placemark></kml>";
        assert!(read_models(no_loc).unwrap_err().contains("Location"));
        let bad = "<kml><Model><Location><longitude>east</longitude></Location></Model></kml>";
        assert!(read_models(bad).unwrap_err().contains("longitude"));
    }
}
