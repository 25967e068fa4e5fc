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
                let name = pw_xml::local_name(&e).to_owned();
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
                let value = t.xml10_content().trim().to_string();
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

/// The placemark that places a model file, and what the reader should know
/// about the choice.
#[derive(Debug, Clone, PartialEq)]
pub struct KmlMatch {
    pub kml: PathBuf,
    pub model: KmlModel,
    /// Said when several placemarks were candidates.
    pub note: Option<pw_text::Message>,
}

/// Anchors closer than this are one place: parts of one object.
const SAME_PLACE_M: f64 = 0.5;

/// Finds the KML placemark for a model file among the `.kml` files in its
/// folder: the `<Model>` linking to a file of the same name (any extension,
/// e.g. the COLLADA original of a converted glTF); else the placemarks that
/// belong to it — linking to its parts (`building_1.dae` for
/// `building.glb`) or in a KML of its name, as 3DCityDB's KML/COLLADA/glTF
/// export writes one per building part — placed by the first; else every
/// placemark of the folder when they all stand at one place. `Ok(None)`:
/// no placemark at all; an error when several stand apart and none names
/// the model, listing them.
pub fn find_for(model_path: &Path) -> Result<Option<KmlMatch>, pw_text::Message> {
    let Some(dir) = model_path.parent() else {
        return Ok(None);
    };
    let stem = model_path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut candidates = Vec::new();
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(read) => read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("kml")))
            .collect(),
        Err(_) => return Ok(None),
    };
    entries.sort();
    for kml in entries {
        let Ok(bytes) = std::fs::read(&kml) else {
            continue;
        };
        // KML is UTF-8 by its standard; old exports say Windows-1252 or UTF-16.
        for m in read_models(&pw_xml::decode(&bytes).text).unwrap_or_default() {
            candidates.push((kml.clone(), m));
        }
    }
    let href_stem = |m: &KmlModel| {
        m.href.as_deref().and_then(|h| {
            Path::new(h)
                .file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
        })
    };
    if let Some(i) = candidates
        .iter()
        .position(|(_, m)| href_stem(m).as_deref() == Some(stem.as_str()))
    {
        let (kml, model) = candidates.swap_remove(i);
        return Ok(Some(KmlMatch {
            kml,
            model,
            note: None,
        }));
    }
    // "haus_1", "haus-teil", "haus 2" are parts of "haus"; "hausboot" is not.
    let part_of = |name: &str| {
        name.strip_prefix(stem.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['_', '-', ' ', '.']))
    };
    let belongs = |kml: &Path, m: &KmlModel| {
        let kml_stem = kml
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase());
        kml_stem.as_deref() == Some(stem.as_str())
            || href_stem(m).is_some_and(|h| part_of(&h))
            || m.name
                .as_deref()
                .is_some_and(|n| part_of(&n.to_ascii_lowercase()))
    };
    let own: Vec<&(PathBuf, KmlModel)> = candidates.iter().filter(|(k, m)| belongs(k, m)).collect();
    let (group, belonging) = if own.is_empty() {
        (candidates.iter().collect::<Vec<_>>(), false)
    } else {
        (own, true)
    };
    let Some(((kml, first), rest)) = group.split_first().map(|(f, r)| (f, r)) else {
        return Ok(None);
    };
    let spread = rest
        .iter()
        .map(|(_, m)| metres_between(first, m))
        .fold(0.0, f64::max);
    let label = |m: &KmlModel| {
        m.name
            .clone()
            .or_else(|| m.href.clone())
            .unwrap_or_else(|| "(unnamed)".into())
    };
    if !belonging && spread > SAME_PLACE_M {
        let listed: Vec<String> = group
            .iter()
            .take(6)
            .map(|(k, m)| {
                format!(
                    "{} in {} at {:.6}° E, {:.6}° N",
                    label(m),
                    k.file_name().unwrap_or_default().to_string_lossy(),
                    m.longitude,
                    m.latitude
                )
            })
            .collect();
        return Err(pw_text::Message::new("city.error.kml_placemarks_apart")
            .arg("n", group.len())
            .arg(
                "model",
                model_path.file_name().unwrap_or_default().to_string_lossy(),
            )
            .arg("spread", format!("{spread:.0}"))
            .arg("listed", listed.join("; "))
            .english(
                "{n} KML <Model> placemarks lie next to {model} at places up to {spread} m apart, and none is \
                 named for it: {listed}; name the KML or the placemark's model after the file, or give \
                 `georeference = { origin = [E, N, H] }` for the layer in the scene file",
            ));
    }
    let note = (group.len() > 1).then(|| {
        let (key, english) = if spread <= SAME_PLACE_M {
            (
                "city.issue.kml_parts_together",
                "{kml} holds {n} <Model> placemarks for this model (one per part, as 3DCityDB exports \
                 them); placed by the first, {first}; the others stand at the same place (within {spread} m)",
            )
        } else {
            (
                "city.issue.kml_parts_apart",
                "{kml} holds {n} <Model> placemarks for this model (one per part, as 3DCityDB exports \
                 them); placed by the first, {first}; the others' anchors lie up to {spread} m from it; \
                 if parts look shifted, give the georeference in the scene file",
            )
        };
        pw_text::Message::new(key)
            .arg("kml", kml.file_name().unwrap_or_default().to_string_lossy())
            .arg("n", group.len())
            .arg("first", label(first))
            .arg(
                "spread",
                if spread <= SAME_PLACE_M {
                    format!("{spread:.2}")
                } else {
                    format!("{spread:.1}")
                },
            )
            .english(english)
    });
    Ok(Some(KmlMatch {
        kml: kml.clone(),
        model: first.clone(),
        note,
    }))
}

/// Ground distance between two placemarks' anchors (equirectangular: they
/// are metres to a few hundred metres apart), with the altitude difference.
fn metres_between(a: &KmlModel, b: &KmlModel) -> f64 {
    const METRES_PER_DEGREE: f64 = 111_320.0;
    let north = (b.latitude - a.latitude) * METRES_PER_DEGREE;
    let east = (b.longitude - a.longitude) * METRES_PER_DEGREE * a.latitude.to_radians().cos();
    let up = b.altitude - a.altitude;
    (north * north + east * east + up * up).sqrt()
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
