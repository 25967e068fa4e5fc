//! A set of edits on the scene, as a planning variant holds them.

use pw_city::{CityModel, CityObject};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One object moved: turned about its footprint centre, scaled there, then
/// shifted (scene CRS metres).
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub id: String,
    pub offset: [f64; 3],
    /// Degrees, counter-clockwise seen from above.
    pub rotate_deg: f64,
    pub scale: f64,
}

impl Move {
    pub fn shift(id: impl Into<String>, offset: [f64; 3]) -> Move {
        Move {
            id: id.into(),
            offset,
            rotate_deg: 0.0,
            scale: 1.0,
        }
    }

    /// The object as moved (every point of every surface and its terrain
    /// intersection), turned and scaled about `pivot` (x, y: the building's
    /// footprint centre) and `base` (its lowest point, which stays put).
    pub fn apply(&self, object: &CityObject, pivot: [f64; 2], base: f64) -> CityObject {
        let (sin, cos) = self.rotate_deg.to_radians().sin_cos();
        let s = self.scale;
        let z0 = base;
        let t = |p: &mut [f64; 3]| {
            let (dx, dy) = (p[0] - pivot[0], p[1] - pivot[1]);
            p[0] = pivot[0] + s * (dx * cos - dy * sin) + self.offset[0];
            p[1] = pivot[1] + s * (dx * sin + dy * cos) + self.offset[1];
            // Scaling keeps the base on the ground.
            p[2] = z0 + s * (p[2] - z0) + self.offset[2];
        };
        let mut out = object.clone();
        for surface in &mut out.surfaces {
            surface.exterior.iter_mut().for_each(t);
            surface.interiors.iter_mut().flatten().for_each(t);
        }
        out.terrain_intersection.iter_mut().flatten().for_each(t);
        out
    }
}

/// What a variant changes. Empty = the scene as it is ("Bestand").
#[derive(Debug, Clone, Default)]
pub struct Edits {
    /// Ids of objects taken out (a building takes its parts with it).
    pub removed: BTreeSet<String>,
    pub moved: Vec<Move>,
    /// New objects (drawn volumes, imported designs), in the scene CRS.
    pub added: Vec<Arc<CityModel>>,
    /// Attribute values set on existing objects (object id → key, value):
    /// a road made one-way (`oneway = yes`) or slower (`maxspeed = 30`).
    /// Analyses that read such attributes use these instead.
    pub changed: BTreeMap<String, Vec<(String, String)>>,
    /// New roads (their lines; `added` holds how they look).
    pub roads: Vec<PlannedRoad>,
}

/// A road a variant adds: its line (scene CRS) and tags as OpenStreetMap
/// has them (`highway`, `oneway`, `maxspeed` …).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRoad {
    pub id: String,
    pub points: Vec<[f64; 2]>,
    pub tags: Vec<(String, String)>,
}

impl Edits {
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty()
            && self.moved.is_empty()
            && self.added.is_empty()
            && self.changed.is_empty()
            && self.roads.is_empty()
    }

    pub fn remove(&mut self, id: impl Into<String>) -> bool {
        self.removed.insert(id.into())
    }

    pub fn restore(&mut self, id: &str) -> bool {
        self.removed.remove(id)
    }

    pub fn move_of(&self, id: &str) -> Option<&Move> {
        self.moved.iter().rev().find(|m| m.id == id)
    }

    /// "2 removed, 1 moved, 3 added" — for run stamps.
    pub fn summary(&self) -> String {
        let added: usize = self.added.iter().map(|m| m.objects.len()).sum();
        let mut parts = Vec::new();
        if !self.removed.is_empty() {
            let ids: Vec<&str> = self.removed.iter().map(String::as_str).take(20).collect();
            let more = self.removed.len().saturating_sub(ids.len());
            parts.push(format!(
                "{} removed ({}{})",
                self.removed.len(),
                ids.join(", "),
                if more > 0 {
                    format!(", … {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if !self.moved.is_empty() {
            parts.push(format!("{} moved", self.moved.len()));
        }
        if added > 0 {
            parts.push(format!("{added} added"));
        }
        if !self.changed.is_empty() {
            let changes: Vec<String> = self
                .changed
                .iter()
                .take(20)
                .map(|(id, kv)| {
                    let kv: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("{id} {}", kv.join(" "))
                })
                .collect();
            parts.push(format!(
                "{} changed ({})",
                self.changed.len(),
                changes.join(", ")
            ));
        }
        if !self.roads.is_empty() {
            let ids: Vec<&str> = self.roads.iter().map(|r| r.id.as_str()).take(20).collect();
            parts.push(format!(
                "{} new roads ({})",
                self.roads.len(),
                ids.join(", ")
            ));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }

    /// Whether `model.objects[index]` is gone: it or the building it
    /// belongs to was removed.
    /// For every object of `model`, whether it is taken out (a building
    /// takes its parts with it): each id looked up once, so that a city of
    /// 40,000 buildings is walked in milliseconds.
    pub fn removed_mask(&self, model: &CityModel) -> Vec<bool> {
        if self.removed.is_empty() {
            return vec![false; model.objects.len()];
        }
        let direct: Vec<bool> = model
            .objects
            .iter()
            .map(|o| self.removed.contains(&o.id))
            .collect();
        (0..model.objects.len())
            .map(|i| {
                // Parents form short chains; bad data may loop: 16 steps.
                let mut at = Some(i);
                for _ in 0..16 {
                    let Some(k) = at else { return false };
                    if direct.get(k).copied().unwrap_or(false) {
                        return true;
                    }
                    at = model.objects.get(k).and_then(|o| o.parent);
                }
                false
            })
            .collect()
    }

    pub fn is_removed(&self, model: &CityModel, index: usize) -> bool {
        if self.removed.is_empty() {
            return false;
        }
        let mut at = Some(index);
        // Parents form a short chain (part → building); guard against loops.
        for _ in 0..16 {
            let Some(i) = at else { return false };
            let Some(o) = model.objects.get(i) else {
                return false;
            };
            if self.removed.contains(&o.id) {
                return true;
            }
            at = o.parent;
        }
        false
    }
}
