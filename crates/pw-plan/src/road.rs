//! A road a variant adds: a line of points (scene CRS) with a road class,
//! direction, speed limit and lanes. The traffic analysis takes it as a
//! new link, joined to the network where its ends meet a road; the
//! picture shows it as a ribbon on the ground.

use crate::polygon::P2;
use pw_city::{CityObject, ObjectKind, Semantic, Surface};
use serde::{Deserialize, Serialize};

/// The classes a drawn road may have (OpenStreetMap's names).
pub const ROAD_CLASSES: &[&str] = &[
    "residential",
    "tertiary",
    "secondary",
    "primary",
    "service",
    "living_street",
];

/// How wide the ribbon is drawn, m (a two-lane street).
const WIDTH_M: f64 = 6.0;
/// How high above the ground it lies, so that it shows over the terrain.
const LIFT_M: f64 = 0.05;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Road {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The line as drawn, scene CRS.
    pub points: Vec<P2>,
    /// OpenStreetMap road class, one of [`ROAD_CLASSES`].
    #[serde(default = "default_class")]
    pub class: String,
    /// Only in the direction it was drawn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub oneway: bool,
    /// km/h; None: the class's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maxspeed: Option<f64>,
    /// Lanes per direction; None: the class's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lanes: Option<f64>,
}

fn default_class() -> String {
    "residential".into()
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoadError {
    #[error("{id}: a road needs two points at least 1 m apart")]
    TooShort { id: String },
    #[error("{id}: a coordinate is not a number")]
    NotANumber { id: String },
    #[error(
        "{id}: “{class}” is no road class for a new road (residential, tertiary, secondary, primary, service, living_street)"
    )]
    Class { id: String, class: String },
    #[error("{id}: speed 5–130 km/h and 1–4 lanes per direction")]
    Values { id: String },
}

impl RoadError {
    pub fn key(&self) -> &'static str {
        match self {
            RoadError::TooShort { .. } => "plan.err_road_short",
            RoadError::NotANumber { .. } => "plan.err_number",
            RoadError::Class { .. } => "plan.err_road_class",
            RoadError::Values { .. } => "plan.err_road_values",
        }
    }
}

impl Road {
    pub fn new(id: impl Into<String>, points: Vec<P2>, class: &str) -> Road {
        Road {
            id: id.into(),
            name: String::new(),
            points,
            class: class.into(),
            oneway: false,
            maxspeed: None,
            lanes: None,
        }
    }

    pub fn validate(&self) -> Result<(), RoadError> {
        let id = self.id.clone();
        if self.points.iter().flatten().any(|v| !v.is_finite()) {
            return Err(RoadError::NotANumber { id });
        }
        let length: f64 = self
            .points
            .windows(2)
            .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
            .sum();
        if self.points.len() < 2 || !(length >= 1.0 && length.is_finite()) {
            return Err(RoadError::TooShort { id });
        }
        if !ROAD_CLASSES.contains(&self.class.as_str()) {
            return Err(RoadError::Class {
                id,
                class: self.class.clone(),
            });
        }
        let speed_ok = self.maxspeed.is_none_or(|s| (5.0..=130.0).contains(&s));
        let lanes_ok = self.lanes.is_none_or(|l| (1.0..=4.0).contains(&l));
        if !(speed_ok && lanes_ok) {
            return Err(RoadError::Values { id });
        }
        Ok(())
    }

    /// Its tags as OpenStreetMap would have them: the traffic analysis
    /// reads a drawn road like a mapped one.
    pub fn tags(&self) -> Vec<(String, String)> {
        let mut tags = vec![("highway".to_string(), self.class.clone())];
        if !self.name.is_empty() {
            tags.push(("name".into(), self.name.clone()));
        }
        if self.oneway {
            tags.push(("oneway".into(), "yes".into()));
        }
        if let Some(s) = self.maxspeed {
            tags.push(("maxspeed".into(), format!("{s}")));
        }
        if let Some(l) = self.lanes {
            for key in ["lanes:forward", "lanes:backward"] {
                tags.push((key.into(), format!("{l}")));
            }
        }
        tags
    }

    /// A ribbon on the ground, one quad per segment. Call
    /// [`Road::validate`] first.
    pub fn to_object(&self, ground: &dyn Fn(f64, f64) -> f64) -> CityObject {
        let half = WIDTH_M / 2.0;
        let surfaces = self
            .points
            .windows(2)
            .filter_map(|w| {
                let (a, b) = (w[0], w[1]);
                let length = (b[0] - a[0]).hypot(b[1] - a[1]);
                if length <= 0.0 {
                    return None;
                }
                // Left of the direction of travel.
                let n = [
                    -(b[1] - a[1]) / length * half,
                    (b[0] - a[0]) / length * half,
                ];
                let at = |p: P2, s: f64| {
                    let (x, y) = (p[0] + s * n[0], p[1] + s * n[1]);
                    [x, y, ground(x, y) + LIFT_M]
                };
                Some(Surface {
                    id: None,
                    semantic: Semantic::Traffic,
                    lod: 1,
                    lod_minor: 0,
                    exterior: vec![at(a, -1.0), at(b, -1.0), at(b, 1.0), at(a, 1.0)],
                    interiors: vec![],
                    looks: vec![],
                })
            })
            .collect();
        let mut attributes: Vec<(String, String)> = self.tags();
        attributes.push(("planned".into(), "true".into()));
        // Its ribbon counts in the variant's sealed area.
        attributes.push(("surface".into(), "sealed".into()));
        CityObject {
            id: self.id.clone(),
            kind: ObjectKind::Other,
            type_name: "Road".into(),
            parent: None,
            attributes,
            surfaces,
            terrain_intersection: vec![],
            line: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_road_checks_itself_and_says_what_it_is() {
        let mut r = Road::new("strasse-1", vec![[0.0, 0.0], [100.0, 0.0]], "tertiary");
        assert_eq!(r.validate(), Ok(()));
        r.oneway = true;
        r.maxspeed = Some(30.0);
        r.lanes = Some(2.0);
        assert_eq!(
            r.tags(),
            vec![
                ("highway".to_string(), "tertiary".to_string()),
                ("oneway".into(), "yes".into()),
                ("maxspeed".into(), "30".into()),
                ("lanes:forward".into(), "2".into()),
                ("lanes:backward".into(), "2".into()),
            ]
        );
        let o = r.to_object(&|_, _| 100.0);
        assert_eq!(o.surfaces.len(), 1);
        assert_eq!(
            crate::surface::surface_kind_of(&o),
            Some(crate::SurfaceKind::Sealed)
        );
        assert_eq!(crate::surface::object_area(&o), 600.0);
        // 6 m wide, just above the ground.
        let e = o.extent();
        assert_eq!((e.min[1], e.max[1]), (-3.0, 3.0));
        assert_eq!(e.min[2], 100.05);
        let short = Road::new("s", vec![[0.0, 0.0], [0.5, 0.0]], "residential");
        assert_eq!(short.validate().unwrap_err().key(), "plan.err_road_short");
        let odd = Road::new("s", vec![[0.0, 0.0], [50.0, 0.0]], "footway");
        assert_eq!(odd.validate().unwrap_err().key(), "plan.err_road_class");
        r.lanes = Some(9.0);
        assert_eq!(r.validate().unwrap_err().key(), "plan.err_road_values");
    }
}
