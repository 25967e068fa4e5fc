//! The scenario an analysis runs on: layers of city models, terrain, the
//! site (CRS, origin, where on earth, time zone), the clock's time, and
//! the edits; objects come out with the edits applied.

use crate::edits::Edits;
use pw_city::{CityModel, CityObject};
use pw_geo::elevation::Elevation;
use pw_geo::{Crs, Extent3};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Where the scene is: what sun, time zone and CRS an analysis uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub crs: Option<Crs>,
    /// Scene origin (scene CRS); its height is the sun observer's.
    pub origin: [f64; 3],
    pub latitude: f64,
    pub longitude: f64,
    /// IANA name, e.g. "Europe/Berlin".
    pub time_zone: String,
}

/// An input file as a result names it: path, size and date, so that a
/// result says which data it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct InputStamp {
    pub path: String,
    pub bytes: u64,
    /// ISO 8601 UTC modification time, "?" when unknown.
    pub modified: String,
}

impl InputStamp {
    pub fn of(path: &Path) -> InputStamp {
        let meta = std::fs::metadata(path).ok();
        let bytes = meta.as_ref().map(|m| m.len()).unwrap_or(0);
        let modified = meta
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| iso_utc(d.as_secs() as i64))
            .unwrap_or_else(|| "?".into());
        InputStamp {
            path: path.display().to_string(),
            bytes,
            modified,
        }
    }
}

impl std::fmt::Display for InputStamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} bytes, modified {})",
            self.path, self.bytes, self.modified
        )
    }
}

/// "2026-11-23T22:58:00Z" from Unix seconds (civil from days).
pub fn iso_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// One city layer of the scene as loaded (scene CRS).
#[derive(Debug, Clone)]
pub struct ScenarioLayer {
    pub name: String,
    pub model: Arc<CityModel>,
    pub input: Option<InputStamp>,
}

#[derive(Clone)]
pub struct Scenario {
    /// "Bestand" or the variant's name.
    pub name: String,
    pub site: Site,
    pub layers: Vec<ScenarioLayer>,
    pub terrain: Option<Arc<dyn Elevation>>,
    /// Terrain files, for the stamp.
    pub terrain_inputs: Vec<InputStamp>,
    pub edits: Edits,
    /// The global clock's time (Unix seconds): analyses without a date of
    /// their own use its day.
    pub clock: f64,
    /// Things the user should know about the inputs (layers left out …).
    pub notes: Vec<String>,
    /// The scene's protected views, checked in every variant.
    pub view_corridors: Vec<ViewCorridor>,
    /// The scene's `[traffic]` settings and counts.
    pub traffic: crate::TrafficInputs,
}

/// A protected view (Sichtachse): from an eye to a target (scene CRS,
/// absolute heights), `width` metres wide at the target (0: one line).
#[derive(Debug, Clone, PartialEq)]
pub struct ViewCorridor {
    pub name: String,
    pub from: [f64; 3],
    pub to: [f64; 3],
    pub width: f64,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.name)
            .field("layers", &self.layers.len())
            .field("terrain", &self.terrain.is_some())
            .field("edits", &self.edits.summary())
            .finish()
    }
}

impl Scenario {
    pub fn new(name: impl Into<String>, site: Site) -> Scenario {
        Scenario {
            name: name.into(),
            site,
            layers: Vec::new(),
            terrain: None,
            terrain_inputs: Vec::new(),
            edits: Edits::default(),
            clock: 0.0,
            notes: Vec::new(),
            view_corridors: Vec::new(),
            traffic: Default::default(),
        }
    }

    /// Every city object as this scenario has it: removed ones left out,
    /// moved ones where they were moved to, added ones at the end.
    pub fn objects(&self) -> impl Iterator<Item = Cow<'_, CityObject>> + '_ {
        let existing = self.layers.iter().flat_map(move |layer| {
            let model = &layer.model;
            let moves = self.moves_in(model);
            let gone = self.edits.removed_mask(model);
            model
                .objects
                .iter()
                .enumerate()
                .filter(move |(i, _)| !gone[*i])
                .map(move |(i, o)| match moves.get(&i) {
                    Some(&(m, pivot, base)) => Cow::Owned(m.apply(o, pivot, base)),
                    None => Cow::Borrowed(o),
                })
        });
        let added = self
            .edits
            .added
            .iter()
            .flat_map(|m| m.objects.iter().map(Cow::Borrowed));
        existing.chain(added)
    }

    /// For each object of a moved building (the building and all its
    /// parts): the move, the building's footprint centre and base height.
    /// A part's own move wins over its building's.
    fn moves_in<'a>(
        &'a self,
        model: &CityModel,
    ) -> HashMap<usize, (&'a crate::Move, [f64; 2], f64)> {
        let mut out = HashMap::new();
        if self.edits.moved.is_empty() {
            return out;
        }
        // The nearest moved ancestor of every object (parents form short
        // chains; a loop in bad data ends after 16 steps).
        let moved_root = |i: usize| -> Option<(usize, &'a crate::Move)> {
            let mut at = Some(i);
            for _ in 0..16 {
                let k = at?;
                let o = model.objects.get(k)?;
                if let Some(m) = self.edits.move_of(&o.id) {
                    return Some((k, m));
                }
                at = o.parent;
            }
            None
        };
        let mut families: HashMap<usize, (&crate::Move, Extent3, Vec<usize>)> = HashMap::new();
        for (i, o) in model.objects.iter().enumerate() {
            if let Some((root, m)) = moved_root(i) {
                let f = families
                    .entry(root)
                    .or_insert_with(|| (m, Extent3::EMPTY, Vec::new()));
                f.1.union(&o.extent());
                f.2.push(i);
            }
        }
        for (m, e, members) in families.into_values() {
            if e.is_empty() {
                continue;
            }
            let pivot = [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0];
            for i in members {
                out.insert(i, (m, pivot, e.min[2]));
            }
        }
        out
    }

    /// The scenario as one city model (for export): every layer's objects
    /// as [`Scenario::objects`] gives them, then the added ones, with each
    /// part's parent index pointing at its building in the new list.
    pub fn to_model(&self) -> CityModel {
        let mut out = CityModel {
            format: "Planwerkstatt scenario".into(),
            crs: self.site.crs,
            ..CityModel::default()
        };
        for layer in &self.layers {
            let model = &layer.model;
            let moves = self.moves_in(model);
            let mut new_index = HashMap::new();
            let start = out.objects.len();
            let gone = self.edits.removed_mask(model);
            for (i, o) in model.objects.iter().enumerate() {
                if gone[i] {
                    continue;
                }
                new_index.insert(i, out.objects.len());
                out.objects.push(match moves.get(&i) {
                    Some(&(m, pivot, base)) => m.apply(o, pivot, base),
                    None => o.clone(),
                });
            }
            for o in &mut out.objects[start..] {
                o.parent = o.parent.and_then(|p| new_index.get(&p).copied());
            }
        }
        for m in &self.edits.added {
            let start = out.objects.len();
            out.objects.extend(m.objects.iter().cloned().map(|mut o| {
                o.parent = o.parent.map(|p| p + start);
                o
            }));
        }
        out
    }

    /// Extent of the scenario's objects (scene CRS).
    pub fn extent(&self) -> Extent3 {
        let mut e = Extent3::EMPTY;
        for o in self.objects() {
            e.union(&o.extent());
        }
        e
    }

    /// All inputs: city layers then terrain.
    pub fn inputs(&self) -> Vec<InputStamp> {
        self.layers
            .iter()
            .filter_map(|l| l.input.clone())
            .chain(self.terrain_inputs.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Move;
    use pw_city::{ObjectKind, Semantic, Surface};

    fn square(id: &str, x: f64, parent: Option<usize>, height: f64) -> CityObject {
        let ring = vec![
            [x, 0.0, height],
            [x + 10.0, 0.0, height],
            [x + 10.0, 10.0, height],
            [x, 10.0, height],
        ];
        CityObject {
            id: id.into(),
            kind: if parent.is_some() {
                ObjectKind::BuildingPart
            } else {
                ObjectKind::Building
            },
            type_name: "Building".into(),
            parent,
            attributes: vec![],
            surfaces: vec![
                Surface {
                    id: None,
                    semantic: Semantic::Roof,
                    lod: 2,
                    lod_minor: 0,
                    exterior: ring,
                    interiors: vec![],
                    looks: vec![],
                },
                Surface {
                    id: None,
                    semantic: Semantic::Ground,
                    lod: 2,
                    lod_minor: 0,
                    exterior: vec![[x, 0.0, 0.0], [x, 10.0, 0.0], [x + 10.0, 10.0, 0.0]],
                    interiors: vec![],
                    looks: vec![],
                },
            ],
            terrain_intersection: vec![],
            line: 1,
        }
    }

    fn scenario() -> Scenario {
        let model = CityModel {
            objects: vec![
                square("A", 0.0, None, 10.0),
                square("A-part", 0.0, Some(0), 12.0),
                square("B", 100.0, None, 20.0),
            ],
            ..CityModel::default()
        };
        let mut s = Scenario::new(
            "Bestand",
            Site {
                crs: None,
                origin: [0.0; 3],
                latitude: 50.9,
                longitude: 11.6,
                time_zone: "Europe/Berlin".into(),
            },
        );
        s.layers.push(ScenarioLayer {
            name: "city".into(),
            model: Arc::new(model),
            input: None,
        });
        s
    }

    fn ids(s: &Scenario) -> Vec<String> {
        s.objects().map(|o| o.id.clone()).collect()
    }

    #[test]
    fn without_edits_every_object_is_there_unchanged() {
        let s = scenario();
        assert_eq!(ids(&s), ["A", "A-part", "B"]);
        assert!(s.objects().all(|o| matches!(o, Cow::Borrowed(_))));
        assert_eq!(s.edits.summary(), "none");
    }

    #[test]
    fn a_removed_building_takes_its_parts_with_it() {
        let mut s = scenario();
        s.edits.remove("A");
        assert_eq!(ids(&s), ["B"]);
        assert_eq!(s.edits.summary(), "1 removed (A)");
        s.edits.restore("A");
        s.edits.remove("A-part");
        assert_eq!(ids(&s), ["A", "B"]);
    }

    #[test]
    fn added_objects_come_last() {
        let mut s = scenario();
        s.edits.added.push(Arc::new(CityModel {
            objects: vec![square("neu", 50.0, None, 15.0)],
            ..CityModel::default()
        }));
        assert_eq!(ids(&s), ["A", "A-part", "B", "neu"]);
        assert_eq!(s.extent().max[2], 20.0);
        assert_eq!(s.edits.summary(), "1 added");
    }

    #[test]
    fn a_moved_building_turns_about_its_centre_and_keeps_its_base() {
        let mut s = scenario();
        s.edits.moved.push(Move {
            id: "B".into(),
            offset: [5.0, -3.0, 0.0],
            rotate_deg: 90.0,
            scale: 2.0,
        });
        let b = s.objects().find(|o| o.id == "B").unwrap().into_owned();
        // Centre (105, 5); the corner (100, 0) is (−5, −5) from it, turned
        // 90° → (5, −5), doubled → (10, −10), shifted → (120, −8).
        let first = b.surfaces[0].exterior[0];
        assert!(
            (first[0] - 120.0).abs() < 1e-9 && (first[1] + 8.0).abs() < 1e-9,
            "{first:?}"
        );
        // The roof at 20 m over a base at 0 m doubles to 40 m.
        assert!((first[2] - 40.0).abs() < 1e-9);
        assert_eq!(b.extent().min[2], 0.0);
        // Parts move with their building.
        s.edits.moved.push(Move::shift("A", [0.0, 0.0, 1.0]));
        let part = s.objects().find(|o| o.id == "A-part").unwrap();
        assert_eq!(part.surfaces[0].exterior[0][2], 13.0);
        assert_eq!(s.edits.summary(), "2 moved");
    }

    #[test]
    fn as_one_model_parts_point_at_their_building() {
        let mut s = scenario();
        s.layers.insert(1, s.layers[0].clone());
        s.edits.remove("B");
        s.edits.moved.push(Move::shift("A", [0.0, 0.0, 1.0]));
        s.edits.added.push(Arc::new(CityModel {
            objects: vec![
                square("neu", 50.0, None, 15.0),
                square("neu-part", 50.0, Some(0), 18.0),
            ],
            ..CityModel::default()
        }));
        let m = s.to_model();
        let ids: Vec<&str> = m.objects.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["A", "A-part", "A", "A-part", "neu", "neu-part"]);
        let parents: Vec<Option<usize>> = m.objects.iter().map(|o| o.parent).collect();
        assert_eq!(parents, [None, Some(0), None, Some(2), None, Some(4)]);
        assert_eq!(
            m.objects[3].surfaces[0].exterior[0][2], 13.0,
            "moved as the scenario has it"
        );
    }

    #[test]
    fn a_scaled_building_keeps_its_parts_attached() {
        let mut s = scenario();
        // A part that is only a roof at 12 m, on a building based at 0 m.
        let mut model = (*s.layers[0].model).clone();
        model.objects[1].surfaces.truncate(1);
        s.layers[0].model = Arc::new(model);
        s.edits.moved.push(Move {
            id: "A".into(),
            offset: [0.0; 3],
            rotate_deg: 0.0,
            scale: 2.0,
        });
        let part = s.objects().find(|o| o.id == "A-part").unwrap();
        // Scaled about the building's base (0 m), not the part's own (12 m).
        assert_eq!(part.surfaces[0].exterior[0][2], 24.0);
        // Both turn about the building's centre (5, 5): the part's corner
        // (0, 0) goes to (−5, −5).
        assert_eq!(part.surfaces[0].exterior[0][0], -5.0);
    }

    #[test]
    fn inputs_name_file_size_and_date() {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let stamp = InputStamp::of(&path);
        assert_eq!(stamp.bytes, std::fs::metadata(&path).unwrap().len());
        assert!(
            stamp.modified.ends_with('Z') && stamp.modified.len() == 20,
            "{stamp}"
        );
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_774_047_600), "2026-03-20T23:00:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(-86_400), "1969-12-31T00:00:00Z");
        assert_eq!(iso_utc(1_774_051_200), "2026-03-21T00:00:00Z");
    }
}
