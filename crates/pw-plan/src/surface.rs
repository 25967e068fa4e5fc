//! A surface a variant paves or unseals: a drawn polygon on the ground —
//! "befestigt" (a yard, parking, a square: sealed) or "entsiegelt" (paving
//! taken up for green). It casts no shadow (a CityGML TransportSquare or
//! PlantCover lying 8 cm over the terrain) and counts in the variant's
//! sealed area and, on a plot, in GRZ II (§ 19 (4) BauNVO: buildings plus
//! yards, parking and driveways).

use crate::polygon::{self, P2};
use pw_city::{CityObject, ObjectKind, Semantic};
use serde::{Deserialize, Serialize};

/// How far over the ground a surface is drawn: above the terrain's mesh,
/// below anything anyone would notice.
const OVER_GROUND_M: f64 = 0.08;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurfaceKind {
    /// Paved: asphalt, paving, concrete.
    #[default]
    Sealed,
    /// Paving taken up: green from now on.
    Unsealed,
}

impl SurfaceKind {
    /// The CityGML type it is written and drawn as.
    pub fn type_name(self) -> &'static str {
        match self {
            SurfaceKind::Sealed => "TransportSquare",
            SurfaceKind::Unsealed => "PlantCover",
        }
    }

    /// The attribute value `surface` of its object.
    pub fn attribute(self) -> &'static str {
        match self {
            SurfaceKind::Sealed => "sealed",
            SurfaceKind::Unsealed => "unsealed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Surface {
    pub id: String,
    #[serde(default)]
    pub kind: SurfaceKind,
    /// Corners, scene CRS, without repeating the first.
    pub corners: Vec<P2>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SurfaceError {
    #[error("{id}: a surface needs at least 3 corners, it has {n}")]
    TooFewCorners { id: String, n: usize },
    #[error("{id}: the surface's edges {a} and {b} cross; move a corner")]
    SelfIntersecting { id: String, a: usize, b: usize },
    #[error("{id}: the surface has no area")]
    NoArea { id: String },
    #[error("{id}: a coordinate is not a number")]
    NotANumber { id: String },
}

impl SurfaceError {
    /// The catalogue key (the same words as for a footprint).
    pub fn key(&self) -> &'static str {
        match self {
            SurfaceError::TooFewCorners { .. } => "plan.err_corners",
            SurfaceError::SelfIntersecting { .. } => "plan.err_crossing",
            SurfaceError::NoArea { .. } => "plan.err_area",
            SurfaceError::NotANumber { .. } => "plan.err_number",
        }
    }

    /// The whole text with the surface and its values, for the app to say
    /// in its language; [`std::fmt::Display`] gives the same in English.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            SurfaceError::TooFewCorners { id, n } => Message::new("plan.error.surface_corners")
                .arg("id", id)
                .arg("n", n)
                .english("{id}: a surface needs at least 3 corners, it has {n}"),
            SurfaceError::SelfIntersecting { id, a, b } => {
                Message::new("plan.error.surface_crossing")
                    .arg("id", id)
                    .arg("a", a)
                    .arg("b", b)
                    .english("{id}: the surface's edges {a} and {b} cross; move a corner")
            }
            SurfaceError::NoArea { id } => Message::new("plan.error.surface_area")
                .arg("id", id)
                .english("{id}: the surface has no area"),
            SurfaceError::NotANumber { id } => Message::new("plan.error.number")
                .arg("id", id)
                .english("{id}: a coordinate is not a number"),
        }
    }
}

impl Surface {
    pub fn new(id: impl Into<String>, kind: SurfaceKind, corners: Vec<P2>) -> Surface {
        Surface {
            id: id.into(),
            kind,
            corners,
            name: String::new(),
        }
    }

    pub fn validate(&self) -> Result<(), SurfaceError> {
        let id = self.id.clone();
        match polygon::ring_problem(&self.corners) {
            None => Ok(()),
            Some(polygon::RingProblem::NotANumber) => Err(SurfaceError::NotANumber { id }),
            Some(polygon::RingProblem::TooFewCorners(n)) => {
                Err(SurfaceError::TooFewCorners { id, n })
            }
            Some(polygon::RingProblem::Crossing(a, b)) => {
                Err(SurfaceError::SelfIntersecting { id, a, b })
            }
            Some(polygon::RingProblem::NoArea) => Err(SurfaceError::NoArea { id }),
        }
    }

    pub fn area(&self) -> f64 {
        polygon::area(&self.corners)
    }

    /// The surface lying on `ground` (height at x, y), counter-clockwise
    /// seen from above. Call [`Surface::validate`] first.
    pub fn to_object(&self, ground: &dyn Fn(f64, f64) -> f64) -> CityObject {
        let mut ring: Vec<[f64; 3]> = self
            .corners
            .iter()
            .map(|p| [p[0], p[1], ground(p[0], p[1]) + OVER_GROUND_M])
            .collect();
        if polygon::signed_area(&self.corners) < 0.0 {
            ring.reverse();
        }
        // Paving is traffic area (CityJSON and CityGML have the class);
        // plant cover has no surface class: unclassified, as readers give
        // it, and drawn green by its type.
        let semantic = match self.kind {
            SurfaceKind::Sealed => Semantic::Traffic,
            SurfaceKind::Unsealed => Semantic::Unclassified,
        };
        let mut attributes = vec![
            ("surface".into(), self.kind.attribute().into()),
            ("area".into(), format!("{:.1}", self.area())),
            ("planned".into(), "true".into()),
        ];
        if !self.name.is_empty() {
            attributes.insert(0, ("name".into(), self.name.clone()));
        }
        CityObject {
            id: self.id.clone(),
            kind: ObjectKind::Other,
            type_name: self.kind.type_name().into(),
            parent: None,
            attributes,
            surfaces: vec![pw_city::Surface {
                id: None,
                semantic,
                lod: 2,
                lod_minor: 0,
                exterior: ring,
                interiors: vec![],
                looks: vec![],
            }],
            terrain_intersection: vec![],
            line: 0,
        }
    }
}

/// A planned surface's kind, read back from its object (None: not one).
pub fn surface_kind_of(o: &CityObject) -> Option<SurfaceKind> {
    if o.attribute("planned") != Some("true") {
        return None;
    }
    match o.attribute("surface")? {
        "sealed" => Some(SurfaceKind::Sealed),
        "unsealed" => Some(SurfaceKind::Unsealed),
        _ => None,
    }
}

/// Its area seen from above (m²).
pub fn object_area(o: &CityObject) -> f64 {
    o.surfaces
        .iter()
        .map(|s| polygon::area(&s.exterior.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surface_lies_on_the_ground_and_says_what_it_is() {
        let s = Surface::new(
            "flaeche-1",
            SurfaceKind::Sealed,
            // Clockwise: stored as drawn, written counter-clockwise.
            vec![[0.0, 0.0], [0.0, 10.0], [20.0, 10.0], [20.0, 0.0]],
        );
        s.validate().unwrap();
        assert_eq!(s.area(), 200.0);
        let o = s.to_object(&|x, _| 36.0 + x / 20.0);
        assert_eq!(o.type_name, "TransportSquare");
        assert_eq!(surface_kind_of(&o), Some(SurfaceKind::Sealed));
        assert_eq!(object_area(&o), 200.0);
        let ring = &o.surfaces[0].exterior;
        assert!(polygon::signed_area(&ring.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>()) > 0.0);
        assert!((ring.iter().find(|p| p[0] == 20.0).unwrap()[2] - 37.08).abs() < 1e-9);
        let mut bad = s.clone();
        bad.corners.truncate(2);
        assert_eq!(bad.validate().unwrap_err().key(), "plan.err_corners");
        bad.corners = vec![[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]];
        assert_eq!(bad.validate().unwrap_err().key(), "plan.err_crossing");
        bad.corners = vec![[0.0, 0.0], [f64::NAN, 1.0], [1.0, 0.0]];
        assert_eq!(bad.validate().unwrap_err().key(), "plan.err_number");
    }
}
