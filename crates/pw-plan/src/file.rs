//! Variants on disk: `<scene>.plan.toml` next to the scene file, one
//! `[[variant]]` table each with its removed ids, moves and `[[variant.volume]]`
//! tables. TOML diffs line by line and floats round-trip exactly (Rust
//! writes the shortest text that reads back the same number). A scene
//! without the file simply has no variants yet.

use crate::tree::Tree;
use crate::volume::{Volume, VolumeError};
use pw_city::CityModel;
use pw_scenario::{Edits, Move};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveDef {
    pub id: String,
    #[serde(default)]
    pub offset: [f64; 3],
    #[serde(default)]
    pub rotate_deg: f64,
    #[serde(default = "one")]
    pub scale: f64,
}

fn one() -> f64 {
    1.0
}

/// An attribute a variant sets on an existing object: a road made one-way
/// (`oneway = yes`) or given another speed limit (`maxspeed = 30`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub object: String,
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The name and description in English, for phones and reports set to
    /// English (the German ones where empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_en: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_en: String,
    /// Ids of existing objects this variant demolishes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    #[serde(default, rename = "move", skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<MoveDef>,
    #[serde(default, rename = "volume", skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// Trees planted (felled ones are ids in `removed`).
    #[serde(default, rename = "tree", skip_serializing_if = "Vec::is_empty")]
    pub trees: Vec<Tree>,
    /// Designs imported from files (CityGML, CityJSON, glTF).
    #[serde(default, rename = "design", skip_serializing_if = "Vec::is_empty")]
    pub designs: Vec<crate::design::Design>,
    /// Surfaces paved or unsealed.
    #[serde(default, rename = "surface", skip_serializing_if = "Vec::is_empty")]
    pub surfaces: Vec<crate::surface::Surface>,
    /// Attributes set on existing objects (roads: one-way, speed limit).
    #[serde(default, rename = "change", skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// New roads (links for the traffic analysis).
    #[serde(default, rename = "road", skip_serializing_if = "Vec::is_empty")]
    pub roads: Vec<crate::road::Road>,
}

impl Variant {
    pub fn new(name: impl Into<String>) -> Variant {
        Variant {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Sets (or with `None` takes back) the value of `key` on `object`;
    /// whether anything changed.
    pub fn set_attribute(&mut self, object: &str, key: &str, value: Option<&str>) -> bool {
        let before = self.changes.clone();
        self.changes
            .retain(|c| !(c.object == object && c.key == key));
        if let Some(value) = value {
            self.changes.push(Change {
                object: object.into(),
                key: key.into(),
                value: value.into(),
            });
        }
        self.changes != before
    }

    /// The values this variant sets on `object`.
    pub fn attributes_of(&self, object: &str) -> Vec<(String, String)> {
        self.changes
            .iter()
            .filter(|c| c.object == object)
            .map(|c| (c.key.clone(), c.value.clone()))
            .collect()
    }

    /// Every volume checked; the first problem of each.
    pub fn problems(&self) -> Vec<VolumeError> {
        self.volumes
            .iter()
            .filter_map(|v| v.validate().err())
            .collect()
    }

    /// Every drawn surface checked.
    pub fn surface_problems(&self) -> Vec<crate::surface::SurfaceError> {
        self.surfaces
            .iter()
            .filter_map(|s| s.validate().err())
            .collect()
    }

    /// Every planted tree checked.
    pub fn tree_problems(&self) -> Vec<crate::tree::TreeError> {
        self.trees
            .iter()
            .filter_map(|t| t.validate().err())
            .collect()
    }

    /// The edits analyses see: removals, moves, and the volumes as LoD2
    /// buildings standing on `ground` (scene CRS height at x, y; volumes
    /// with their own base keep it). Volumes that cannot be built are left
    /// out — [`Variant::problems`] says which.
    /// The edits with the variant's designs placed: `designs` gives each
    /// design's file as read (None while it loads or when it could not be
    /// read); the designs' objects join the new buildings. Returns the
    /// problems of designs that could not be placed.
    pub fn edits_with_designs(
        &self,
        ground: &dyn Fn(f64, f64) -> f64,
        designs: &dyn Fn(&crate::design::Design) -> Option<Arc<crate::design::LoadedDesign>>,
    ) -> (Edits, Vec<crate::design::DesignError>) {
        let mut edits = self.edits(ground);
        let mut problems = Vec::new();
        let mut placed: Vec<CityModel> = Vec::new();
        for d in &self.designs {
            let Some(loaded) = designs(d) else { continue };
            match crate::design::place(d, &loaded, ground) {
                Ok(m) => placed.push(m),
                Err(e) => problems.push(e),
            }
        }
        if !placed.is_empty() {
            // One model of new things: volumes, trees, then the designs
            // (parent indices shifted along).
            let mut all = edits
                .added
                .first()
                .map(|m| (**m).clone())
                .unwrap_or_else(|| CityModel {
                    format: "Planwerkstatt plan".into(),
                    ..CityModel::default()
                });
            for m in placed {
                let start = all.objects.len();
                all.objects.extend(m.objects.into_iter().map(|mut o| {
                    o.parent = o.parent.map(|p| p + start);
                    o
                }));
            }
            edits.added = vec![Arc::new(all)];
        }
        (edits, problems)
    }

    pub fn edits(&self, ground: &dyn Fn(f64, f64) -> f64) -> Edits {
        let mut edits = Edits::default();
        edits.removed.extend(self.removed.iter().cloned());
        for c in &self.changes {
            let values = edits.changed.entry(c.object.clone()).or_default();
            values.retain(|(k, _)| k != &c.key);
            values.push((c.key.clone(), c.value.clone()));
        }
        edits.moved = self
            .moves
            .iter()
            .map(|m| Move {
                id: m.id.clone(),
                offset: m.offset,
                rotate_deg: m.rotate_deg,
                scale: m.scale,
            })
            .collect();
        let objects: Vec<_> = self
            .volumes
            .iter()
            .filter(|v| v.validate().is_ok())
            .map(|v| {
                let base = v.base.unwrap_or_else(|| {
                    // The lowest ground under its corners: no corner floats.
                    v.footprint
                        .iter()
                        .map(|p| ground(p[0], p[1]))
                        .fold(f64::INFINITY, f64::min)
                });
                v.to_object(base)
            })
            .chain(
                self.trees
                    .iter()
                    .filter(|t| t.validate().is_ok())
                    .map(|t| t.to_object(ground(t.at[0], t.at[1]))),
            )
            .chain(
                self.surfaces
                    .iter()
                    .filter(|s| s.validate().is_ok())
                    .map(|s| s.to_object(ground)),
            )
            .chain(
                self.roads
                    .iter()
                    .filter(|r| r.validate().is_ok())
                    .map(|r| r.to_object(ground)),
            )
            .collect();
        edits.roads = self
            .roads
            .iter()
            .filter(|r| r.validate().is_ok())
            .map(|r| pw_scenario::PlannedRoad {
                id: r.id.clone(),
                points: r.points.clone(),
                tags: r.tags(),
            })
            .collect();
        if !objects.is_empty() {
            edits.added.push(Arc::new(CityModel {
                format: "Planwerkstatt plan".into(),
                objects,
                ..CityModel::default()
            }));
        }
        edits
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    #[serde(default, rename = "variant")]
    pub variants: Vec<Variant>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}, line {line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: two variants are called {name:?}; give each its own name")]
    DuplicateName { path: String, name: String },
}

impl PlanFileError {
    /// The error for people, translated by the app; [`std::fmt::Display`]
    /// gives the same in English (for logs and the CLI). The file system's
    /// and the TOML reader's words stay as they are.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            PlanFileError::Read { path, message } => Message::new("plan.error.read")
                .arg("path", path)
                .arg_message("why", Message::text(message.clone()))
                .english("{path}: {why}"),
            PlanFileError::Syntax {
                path,
                line,
                message,
            } => Message::new("plan.error.syntax")
                .arg("path", path)
                .arg("line", line)
                .arg_message("why", Message::text(message.clone()))
                .english("{path}, line {line}: {why}"),
            PlanFileError::DuplicateName { path, name } => {
                Message::new("plan.error.duplicate_name")
                    .arg("path", path)
                    .arg("name", format!("{name:?}"))
                    .english("{path}: two variants are called {name}; give each its own name")
            }
        }
    }
}

impl PlanFile {
    /// Where a scene's variants live: `demo.scene` → `demo.plan.toml`.
    pub fn path_for(scene: &Path) -> PathBuf {
        scene.with_extension("plan.toml")
    }

    pub fn get(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    pub fn parse(text: &str, path: &Path) -> Result<PlanFile, PlanFileError> {
        let plan: PlanFile = toml::from_str(text).map_err(|e| PlanFileError::Syntax {
            path: path.display().to_string(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0),
            message: e.message().to_string(),
        })?;
        let mut names = std::collections::HashSet::new();
        for v in &plan.variants {
            if !names.insert(v.name.as_str()) {
                return Err(PlanFileError::DuplicateName {
                    path: path.display().to_string(),
                    name: v.name.clone(),
                });
            }
        }
        Ok(plan)
    }

    /// The scene's variants; none when there is no plan file yet.
    pub fn load(path: &Path) -> Result<PlanFile, PlanFileError> {
        match std::fs::read_to_string(path) {
            Ok(text) => PlanFile::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(PlanFile::default()),
            Err(e) => Err(PlanFileError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).expect("plan files are plain data");
        format!("# Planwerkstatt variants of the scene beside this file.\n\n{body}")
    }

    /// Writes the file whole or not at all.
    pub fn save(&self, path: &Path) -> Result<(), PlanFileError> {
        let err = |e: std::io::Error| PlanFileError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".part");
        std::fs::write(&tmp, self.to_text()).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::volume::{Roof, Use};

    fn plan() -> PlanFile {
        let mut a = Variant::new("Variante A");
        a.removed = vec!["DENW43AL00001j2W".into(), "DENW43AL10000SaT".into()];
        a.volumes.push(Volume {
            name: "Haus 1".into(),
            roof: Roof::Gable {
                pitch: 35.0,
                ridge_edge: 0,
            },
            usage: Use::Mischnutzung,
            ..Volume::new(
                "neu-1",
                vec![
                    [280_930.1, 5_657_330.7],
                    [280_950.1, 5_657_330.7],
                    [280_950.1, 5_657_342.7],
                    [280_930.1, 5_657_342.7],
                ],
                4,
            )
        });
        let mut b = Variant::new("Variante B");
        b.moves.push(MoveDef {
            id: "DENW43AL00001j2W".into(),
            offset: [1.5, -0.25, 0.0],
            rotate_deg: 12.5,
            scale: 1.0,
        });
        b.trees.push(Tree {
            species: "Acer platanoides".into(),
            ..Tree::new("baum-1", [280_960.25, 5_657_335.5])
        });
        b.removed.push("baum-alt-7".into());
        b.surfaces.push(crate::Surface {
            name: "Hof".into(),
            ..crate::Surface::new(
                "flaeche-1",
                crate::SurfaceKind::Unsealed,
                vec![
                    [280_961.5, 5_657_340.25],
                    [280_971.5, 5_657_340.25],
                    [280_971.5, 5_657_346.0],
                ],
            )
        });
        b.volumes.push(Volume {
            base: Some(36.123456789012),
            wall_height: Some(7.3),
            ..Volume::new("neu-2", vec![[0.1, 0.2], [10.3, 0.2], [10.3, 7.7]], 2)
        });
        PlanFile {
            variants: vec![a, b],
        }
    }

    #[test]
    fn variants_round_trip_exactly_and_read_as_written() {
        let p = plan();
        let text = p.to_text();
        let back = PlanFile::parse(&text, Path::new("x.plan.toml")).unwrap();
        assert_eq!(back, p, "{text}");
        assert_eq!(back.to_text(), text, "saving again changes nothing");
        assert!(text.contains("[[variant.volume]]"), "{text}");
        assert!(
            text.contains(
                "[variant.volume.roof]\nform = \"gable\"\npitch = 35.0\nridge_edge = 0\n"
            ),
            "{text}"
        );
        assert!(
            !text.contains("name = \"\""),
            "empty names are left out: {text}"
        );
        assert!(text.contains("use = \"mischnutzung\""));
        assert!(
            text.contains("[[variant.tree]]\nid = \"baum-1\"\nat = [280960.25, 5657335.5]\nheight = 12.0\ncrown = 8.0\nspecies = \"Acer platanoides\"\n"),
            "{text}"
        );
        assert!(
            text.contains("[[variant.surface]]\nid = \"flaeche-1\"\nkind = \"unsealed\"\ncorners = [[280961.5, 5657340.25], [280971.5, 5657340.25], [280971.5, 5657346.0]]\nname = \"Hof\"\n"),
            "{text}"
        );
        let dir = std::env::temp_dir().join(format!("pw-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = PlanFile::path_for(&dir.join("demo.scene"));
        assert_eq!(path.file_name().unwrap(), "demo.plan.toml");
        assert_eq!(
            PlanFile::load(&path).unwrap(),
            PlanFile::default(),
            "no file yet: no variants"
        );
        p.save(&path).unwrap();
        assert_eq!(PlanFile::load(&path).unwrap(), p);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn bad_files_say_where() {
        let text = "[[variant]]\nname = \"A\"\n\n[[variant]]\nname = \"A\"\n";
        let e = PlanFile::parse(text, Path::new("p.plan.toml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.plan.toml: two variants are called \"A\"; give each its own name"
        );
        let text = "[[variant]]\nname = \"A\"\n\n[[variant.volume]]\nid = \"v\"\nfootprint = [[0.0, 0.0]]\nstoreys = 2\ncolour = \"red\"\n";
        let e = PlanFile::parse(text, Path::new("p.plan.toml")).unwrap_err();
        assert!(e.to_string().starts_with("p.plan.toml, line 8:"), "{e}");
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn errors_are_said_through_the_catalogue_and_read_as_before_in_english() {
        let text = "[[variant]]\nname = \"A\"\n\n[[variant]]\nname = \"A\"\n";
        let e = PlanFile::parse(text, Path::new("p.plan.toml")).unwrap_err();
        assert_eq!(e.message().key, "plan.error.duplicate_name");
        assert_eq!(
            e.message().to_string(),
            "p.plan.toml: two variants are called \"A\"; give each its own name"
        );
        let e = PlanFile::parse("colour = 1\n", Path::new("p.plan.toml")).unwrap_err();
        assert_eq!(e.message().key, "plan.error.syntax");
        assert_eq!(e.message().to_string(), e.to_string());
        let e = PlanFileError::Read {
            path: "p.plan.toml".into(),
            message: "disk full".into(),
        };
        assert_eq!(e.message().key, "plan.error.read");
        assert_eq!(e.message().to_string(), e.to_string());

        // Every drawn-object error: the same English through its message.
        let id = || "neu-1".to_string();
        let volumes = [
            VolumeError::TooFewCorners { id: id(), n: 2 },
            VolumeError::SelfIntersecting {
                id: id(),
                a: 0,
                b: 2,
            },
            VolumeError::NoArea { id: id() },
            VolumeError::NoHeight {
                id: id(),
                storeys: 0,
                storey_height: 3.2,
            },
            VolumeError::Pitch {
                id: id(),
                pitch: 85.5,
            },
            VolumeError::PitchedNeedsQuad { id: id() },
            VolumeError::NotANumber { id: id() },
        ];
        for e in volumes {
            assert_eq!(e.message().to_string(), e.to_string());
        }
        use crate::surface::SurfaceError;
        let surfaces = [
            SurfaceError::TooFewCorners { id: id(), n: 2 },
            SurfaceError::SelfIntersecting {
                id: id(),
                a: 0,
                b: 2,
            },
            SurfaceError::NoArea { id: id() },
            SurfaceError::NotANumber { id: id() },
        ];
        for e in surfaces {
            assert_eq!(e.message().to_string(), e.to_string());
        }
        use crate::tree::TreeError;
        let trees = [
            TreeError::Height {
                id: id(),
                height: 0.5,
            },
            TreeError::Crown {
                id: id(),
                crown: 41.0,
            },
            TreeError::NotANumber { id: id() },
        ];
        for e in trees {
            assert_eq!(e.message().to_string(), e.to_string());
        }
        use crate::design::DesignError;
        let path = || "entwurf.gml".to_string();
        let designs = [
            DesignError::Unreadable {
                path: path(),
                message: pw_text::Message::text("entwurf.gml: line 3: bad XML"),
            },
            DesignError::NotAModel { path: path() },
            DesignError::NeedsPlace { path: path() },
            DesignError::Reprojection {
                path: path(),
                crs: "EPSG:31467".into(),
                scene: "EPSG:25832".into(),
                message: pw_text::Message::text("out of range"),
            },
            DesignError::Empty { path: path() },
        ];
        for e in designs {
            assert_eq!(e.message().to_string(), e.to_string());
        }
        let m = VolumeError::Pitch {
            id: id(),
            pitch: 85.5,
        }
        .message();
        assert_eq!(m.key, "plan.error.volume_pitch");
        let german = m.render(|k| {
            (k == "plan.error.volume_pitch")
                .then(|| "{id}: Eine Dachneigung von {pitch}° lässt sich nicht bauen".into())
        });
        assert_eq!(
            german,
            "neu-1: Eine Dachneigung von 85.5° lässt sich nicht bauen"
        );
    }

    #[test]
    fn a_variant_becomes_the_edits_analyses_see() {
        let p = plan();
        let a = p.get("Variante A").unwrap();
        // Ground slopes: 30 m + 1 ‰ of the easting offset.
        let ground = |x: f64, _y: f64| 30.0 + (x - 280_930.0) * 0.001;
        let e = a.edits(&ground);
        assert_eq!(e.removed.len(), 2);
        let house = &e.added[0].objects[0];
        // On the lowest corner's ground, never floating.
        assert!((house.extent().min[2] - (30.0 + 0.1 * 0.001)).abs() < 1e-9);
        assert_eq!(house.attribute("nutzung"), Some("mischnutzung"));
        let b = p.get("Variante B").unwrap().edits(&ground);
        assert_eq!(b.moved[0].rotate_deg, 12.5);
        assert_eq!(b.added[0].objects[0].extent().min[2], 36.123456789012);
        let tree = &b.added[0].objects[1];
        assert_eq!(tree.type_name, "SolitaryVegetationObject");
        assert!((tree.extent().max[2] - (30.0 + 30.25 * 0.001 + 12.0)).abs() < 1e-9);
        // A volume that cannot be built is left out and reported.
        let mut bad = Variant::new("C");
        bad.volumes
            .push(Volume::new("x", vec![[0.0, 0.0], [1.0, 0.0]], 1));
        assert!(bad.edits(&ground).added.is_empty());
        assert_eq!(bad.problems().len(), 1);
    }
}
