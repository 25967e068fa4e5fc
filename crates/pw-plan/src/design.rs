//! An architect's design placed in a variant: a CityGML, CityJSON or
//! glTF/GLB file, put where the planner dropped it (its footprint centre),
//! turned, scaled and set on the terrain. Files in another CRS are brought
//! into the scene's; files without a georeference are taken as model
//! metres and need a place. The file stays where it is; the variant keeps
//! its path (relative to the scene) and the placement.

use crate::polygon::P2;
use pw_city::CityModel;
use pw_geo::Crs;
use pw_scenario::Move;
use pw_text::Message;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    pub id: String,
    /// The file, relative to the scene file (or absolute).
    pub path: PathBuf,
    /// Where the design's footprint centre stands (scene CRS); none: where
    /// its georeference puts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<P2>,
    /// Degrees, counter-clockwise seen from above.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rotate_deg: f64,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub scale: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn one() -> f64 {
    1.0
}

fn is_one(v: &f64) -> bool {
    *v == 1.0
}

/// A design file read, before it is placed: in the scene CRS, or in model
/// metres (`local`) when the file says nowhere where it stands.
#[derive(Debug, Clone)]
pub struct LoadedDesign {
    pub model: CityModel,
    pub local: bool,
    /// What the user should know (reprojected from …, no georeference …),
    /// in English.
    pub notes: Vec<String>,
    /// The same notes for the app to say in its language.
    pub note_messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// The reader's message names the file itself.
    #[error("{message}")]
    Unreadable { path: String, message: Message },
    #[error("{path}: not a CityGML, CityJSON or glTF/GLB file")]
    NotAModel { path: String },
    #[error(
        "{path}: the file says nowhere where it stands (no CRS, no georeference); drop it onto the map to place it"
    )]
    NeedsPlace { path: String },
    #[error(
        "{path}: its coordinates ({crs}) cannot be brought into the scene's {scene}: {message}"
    )]
    Reprojection {
        path: String,
        crs: String,
        scene: String,
        message: Message,
    },
    #[error("{path}: the model holds no geometry")]
    Empty { path: String },
}

impl DesignError {
    /// The file the message is about.
    pub fn path(&self) -> &str {
        match self {
            DesignError::Unreadable { path, .. }
            | DesignError::NotAModel { path }
            | DesignError::NeedsPlace { path }
            | DesignError::Reprojection { path, .. }
            | DesignError::Empty { path } => path,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            DesignError::Unreadable { .. } => "plan.design_unreadable",
            DesignError::NotAModel { .. } => "plan.design_not_a_model",
            DesignError::NeedsPlace { .. } => "plan.design_needs_place",
            DesignError::Reprojection { .. } => "plan.design_reprojection",
            DesignError::Empty { .. } => "plan.design_empty",
        }
    }

    /// The whole text with the reader's reason, for the app to say in its
    /// language; [`std::fmt::Display`] gives the same in English.
    pub fn message(&self) -> Message {
        match self {
            DesignError::Unreadable { message, .. } => message.clone(),
            DesignError::NotAModel { path } => Message::new("plan.error.design_not_a_model")
                .arg("path", path)
                .english("{path}: not a CityGML, CityJSON or glTF/GLB file"),
            DesignError::NeedsPlace { path } => Message::new("plan.error.design_needs_place")
                .arg("path", path)
                .english(
                    "{path}: the file says nowhere where it stands (no CRS, no georeference); drop it onto the map to place it",
                ),
            DesignError::Reprojection {
                path,
                crs,
                scene,
                message,
            } => Message::new("plan.error.design_reprojection")
                .arg("path", path)
                .arg("crs", crs)
                .arg("scene", scene)
                .arg_message("why", message.clone())
                .english(
                    "{path}: its coordinates ({crs}) cannot be brought into the scene's {scene}: {why}",
                ),
            DesignError::Empty { path } => Message::new("plan.error.design_empty")
                .arg("path", path)
                .english("{path}: the model holds no geometry"),
        }
    }
}

/// Whether a file can be a design, by its ending.
pub fn is_design_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    [".gml", ".xml", ".json", ".jsonl", ".glb", ".gltf"]
        .iter()
        .any(|e| name.ends_with(e))
        && !name.ends_with(".geojson")
}

/// How far (m) from the scene origin a file without a CRS may lie and
/// still be taken as written in the scene's CRS.
const SAME_CRS_REACH_M: f64 = 100_000.0;

/// Reads a design file into the scene CRS (`scene_origin`: to tell scene
/// coordinates from model metres in files that name no CRS).
pub fn load(
    path: &Path,
    scene_crs: Option<Crs>,
    scene_origin: [f64; 3],
) -> Result<LoadedDesign, DesignError> {
    let shown = path.display().to_string();
    let unreadable = |message: Message| DesignError::Unreadable {
        path: shown.clone(),
        message,
    };
    let name = path.to_string_lossy().to_ascii_lowercase();
    let mut notes = Vec::new();
    let (mut model, mut local) = if name.ends_with(".glb") || name.ends_with(".gltf") {
        match pw_city::placement::read_gltf_model(path, None, None) {
            Ok(m) => (m, false),
            Err(e) if e.key == pw_city::placement::NO_GEOREFERENCE => {
                // Model metres: placed where the planner drops it.
                let crs = scene_crs.unwrap_or(Crs::epsg(25832));
                let local = pw_city::placement::Placement::Projected {
                    crs,
                    origin: [0.0; 3],
                    heading: 0.0,
                    scale: 1.0,
                };
                let mut m = pw_city::placement::read_gltf_model(path, Some(local), None)
                    .map_err(unreadable)?;
                m.crs = None;
                (m, true)
            }
            Err(e) => return Err(unreadable(e)),
        }
    } else if name.ends_with(".gml") || name.ends_with(".xml") {
        (
            pw_city::citygml::read_file(path, None).map_err(|e| unreadable(e.message(&shown)))?,
            false,
        )
    } else if name.ends_with(".json") || name.ends_with(".jsonl") {
        (
            pw_city::cityjson::read_file(path, None).map_err(|e| unreadable(e.message(&shown)))?,
            false,
        )
    } else {
        return Err(DesignError::NotAModel { path: shown });
    };
    let extent = model.extent();
    if extent.is_empty() {
        return Err(DesignError::Empty { path: shown });
    }
    match (model.crs, scene_crs) {
        (Some(from), Some(to)) if from.horizontal != to.horizontal => {
            let err = |message: Message| DesignError::Reprojection {
                path: shown.clone(),
                crs: from.to_string(),
                scene: to.to_string(),
                message,
            };
            model.settle_axis_order(to, scene_origin).map_err(err)?;
            model.reproject(to).map_err(|e| err(e.message()))?;
            notes.push(
                Message::new("plan.note.design_reprojected")
                    .arg("path", &shown)
                    .arg("from", from)
                    .arg("to", to)
                    .english("{path}: brought from {from} into the scene's {to}"),
            );
        }
        (Some(_), _) => {}
        (None, _) if local => {
            notes.push(
                Message::new("plan.note.design_dropped")
                    .arg("path", &shown)
                    .english("{path}: no georeference; placed where it was dropped"),
            );
        }
        (None, _) => {
            let c = extent.center();
            let near = (c[0] - scene_origin[0]).hypot(c[1] - scene_origin[1]) <= SAME_CRS_REACH_M;
            if near {
                notes.push(
                    Message::new("plan.note.design_scene_crs")
                        .arg("path", &shown)
                        .english("{path}: names no CRS; its coordinates lie at the scene and are read as the scene's CRS"),
                );
            } else {
                local = true;
                notes.push(
                    Message::new("plan.note.design_model_metres")
                        .arg("path", &shown)
                        .english(
                            "{path}: names no CRS; read as model metres and placed where it was dropped",
                        ),
                );
            }
        }
    }
    Ok(LoadedDesign {
        model,
        local,
        notes: notes.iter().map(Message::to_string).collect(),
        note_messages: notes,
    })
}

/// The design as it stands in the variant: its objects (ids prefixed with
/// the design's id) turned and scaled about the footprint centre, moved to
/// `at`, and set on the lowest ground under its footprint.
pub fn place(
    design: &Design,
    loaded: &LoadedDesign,
    ground: &dyn Fn(f64, f64) -> f64,
) -> Result<CityModel, DesignError> {
    let e = loaded.model.extent();
    let centre = [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0];
    let at = match (design.at, loaded.local) {
        (Some(at), _) => at,
        (None, false) => centre,
        (None, true) => {
            return Err(DesignError::NeedsPlace {
                path: design.path.display().to_string(),
            });
        }
    };
    // The footprint box's corners where they will stand: the lowest ground
    // there is the base (no corner floats).
    let (sin, cos) = design.rotate_deg.to_radians().sin_cos();
    let s = design.scale;
    let base = [
        [e.min[0], e.min[1]],
        [e.max[0], e.min[1]],
        [e.max[0], e.max[1]],
        [e.min[0], e.max[1]],
    ]
    .iter()
    .map(|p| {
        let (dx, dy) = (p[0] - centre[0], p[1] - centre[1]);
        ground(
            at[0] + s * (dx * cos - dy * sin),
            at[1] + s * (dx * sin + dy * cos),
        )
    })
    .fold(f64::INFINITY, f64::min);
    let m = Move {
        id: String::new(),
        offset: [at[0] - centre[0], at[1] - centre[1], base - e.min[2]],
        rotate_deg: design.rotate_deg,
        scale: design.scale,
    };
    let mut out = CityModel {
        format: loaded.model.format.clone(),
        ..CityModel::default()
    };
    out.objects = loaded
        .model
        .objects
        .iter()
        .map(|o| {
            let mut p = m.apply(o, centre, e.min[2]);
            p.id = format!("{}/{}", design.id, o.id);
            // A glTF design's meshes are the building designed.
            if p.kind == pw_city::ObjectKind::Other && p.type_name == "Model" {
                p.kind = pw_city::ObjectKind::Building;
                p.type_name = "Building".into();
            }
            p.attributes
                .push(("design".into(), design.path.display().to_string()));
            p
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Volume;

    fn write(dir: &Path, name: &str, model: &CityModel) -> PathBuf {
        let p = dir.join(name);
        let bytes = if name.ends_with(".glb") {
            pw_city::export::to_glb(model)
        } else if name.ends_with(".gml") {
            pw_city::export::to_citygml(model).into_bytes()
        } else {
            serde_json::to_vec(&pw_city::export::to_cityjson(model)).unwrap()
        };
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn house(crs: Option<Crs>, x: f64, y: f64, z: f64) -> CityModel {
        let o = Volume::new(
            "haus",
            vec![[x, y], [x + 20.0, y], [x + 20.0, y + 10.0], [x, y + 10.0]],
            3,
        )
        .to_object(z);
        CityModel {
            crs,
            objects: vec![o],
            ..CityModel::default()
        }
    }

    #[test]
    fn designs_are_placed_turned_scaled_and_set_on_the_terrain() {
        let dir = std::env::temp_dir().join(format!("pw-design-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let utm = Some(Crs::epsg(25832));
        let origin = [280_900.0, 5_657_300.0, 36.0];
        let ground = |x: f64, _y: f64| 36.0 + (x - 280_900.0) * 0.01;
        for name in ["haus.city.json", "haus.gml", "haus.glb"] {
            let path = write(&dir, name, &house(utm, 280_950.0, 5_657_350.0, 0.0));
            let loaded = load(&path, utm, origin).unwrap();
            assert!(!loaded.local, "{name}");
            // Where its georeference puts it, on the terrain.
            let d = Design {
                id: "entwurf-1".into(),
                path: path.clone(),
                at: None,
                rotate_deg: 0.0,
                scale: 1.0,
            };
            let m = place(&d, &loaded, &ground).unwrap();
            let e = m.extent();
            assert!(
                (e.min[0] - 280_950.0).abs() < 1e-3 && (e.min[1] - 5_657_350.0).abs() < 1e-3,
                "{name} {e:?}"
            );
            assert!(
                (e.min[2] - 36.5).abs() < 1e-3,
                "{name}: on the lowest ground {e:?}"
            );
            assert!((e.max[2] - e.min[2] - 9.0).abs() < 1e-3);
            assert!(
                m.objects[0].id.starts_with("entwurf-1/"),
                "{}",
                m.objects[0].id
            );
            // Dropped elsewhere, turned a quarter, half as big.
            let d = Design {
                at: Some([281_000.0, 5_657_400.0]),
                rotate_deg: 90.0,
                scale: 0.5,
                ..d
            };
            let e = place(&d, &loaded, &ground).unwrap().extent();
            assert!(
                (e.center()[0] - 281_000.0).abs() < 1e-3
                    && (e.center()[1] - 5_657_400.0).abs() < 1e-3
            );
            assert!(
                (e.max[0] - e.min[0] - 5.0).abs() < 1e-3
                    && (e.max[1] - e.min[1] - 10.0).abs() < 1e-3,
                "{e:?}"
            );
            assert!((e.max[2] - e.min[2] - 4.5).abs() < 1e-3);
            assert!((e.min[2] - (36.0 + 97.5 * 0.01)).abs() < 1e-3, "{e:?}");
        }
        // Another CRS (Gauss-Krüger zone 4): brought into UTM 32 and said so.
        let gk = write(
            &dir,
            "gk.city.json",
            &house(Some(Crs::epsg(31468)), 4_476_000.0, 5_657_000.0, 0.0),
        );
        let loaded = load(&gk, utm, origin).unwrap();
        assert!(
            loaded.notes[0].contains("brought from EPSG:31468 into the scene's EPSG:25832"),
            "{:?}",
            loaded.notes
        );
        // The same note for the app, in its language.
        let m = &loaded.note_messages[0];
        assert_eq!(m.key, "plan.note.design_reprojected");
        assert_eq!(m.to_string(), loaded.notes[0]);
        let c = loaded.model.extent().center();
        assert!((200_000.0..900_000.0).contains(&c[0]), "{c:?}");
        // Model metres without any georeference: a place is needed.
        let local = write(&dir, "lokal.city.json", &house(None, 0.0, 0.0, 0.0));
        let loaded = load(&local, utm, origin).unwrap();
        assert!(
            loaded.local && loaded.notes[0].contains("model metres"),
            "{:?}",
            loaded.notes
        );
        let d = Design {
            id: "e".into(),
            path: local.clone(),
            at: None,
            rotate_deg: 0.0,
            scale: 1.0,
        };
        let err = place(&d, &loaded, &ground).unwrap_err();
        assert_eq!(err.key(), "plan.design_needs_place");
        assert!(err.to_string().contains("drop it onto the map"), "{err}");
        let placed = place(
            &Design {
                at: Some([280_910.0, 5_657_310.0]),
                ..d
            },
            &loaded,
            &ground,
        )
        .unwrap();
        assert!((placed.extent().center()[0] - 280_910.0).abs() < 1e-9);
        // Not a model; a missing file: messages naming the file.
        assert_eq!(
            load(&dir.join("plan.pdf"), utm, origin).unwrap_err().key(),
            "plan.design_not_a_model"
        );
        let e = load(&dir.join("fehlt.gml"), utm, origin).unwrap_err();
        assert!(e.to_string().contains("fehlt.gml"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
