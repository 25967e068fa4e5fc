//! A tree a variant plants: where, how tall, how wide the crown. Becomes a
//! CityGML SolitaryVegetationObject with a simple crown (an eight-sided
//! double cone) so that it casts a shadow and blocks a view like a
//! tree of that size, and counts in the variant's figures.

use crate::polygon::P2;
use pw_city::{CityObject, ObjectKind, Semantic, Surface};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    pub id: String,
    /// Trunk position, scene CRS.
    pub at: P2,
    /// Total height, m.
    #[serde(default = "default_height")]
    pub height: f64,
    /// Crown diameter, m.
    #[serde(default = "default_crown")]
    pub crown: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub species: String,
}

fn default_height() -> f64 {
    12.0
}

fn default_crown() -> f64 {
    8.0
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    #[error("{id}: a tree {height} m tall? Give a height between 1 and 60 m")]
    Height { id: String, height: f64 },
    #[error("{id}: a crown {crown} m wide? Give a crown diameter between 0.5 and 40 m")]
    Crown { id: String, crown: f64 },
    #[error("{id}: a coordinate is not a number")]
    NotANumber { id: String },
}

impl TreeError {
    pub fn key(&self) -> &'static str {
        match self {
            TreeError::Height { .. } => "plan.err_tree_height",
            TreeError::Crown { .. } => "plan.err_tree_crown",
            TreeError::NotANumber { .. } => "plan.err_number",
        }
    }

    /// The whole text with the tree and its values, for the app to say in
    /// its language; [`std::fmt::Display`] gives the same in English.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            TreeError::Height { id, height } => Message::new("plan.error.tree_height")
                .arg("id", id)
                .arg("height", height)
                .english("{id}: a tree {height} m tall? Give a height between 1 and 60 m"),
            TreeError::Crown { id, crown } => Message::new("plan.error.tree_crown")
                .arg("id", id)
                .arg("crown", crown)
                .english(
                    "{id}: a crown {crown} m wide? Give a crown diameter between 0.5 and 40 m",
                ),
            TreeError::NotANumber { id } => Message::new("plan.error.number")
                .arg("id", id)
                .english("{id}: a coordinate is not a number"),
        }
    }
}

/// Corners of the crown: eight, enough for a shadow of the right size.
const SIDES: usize = 8;

impl Tree {
    pub fn new(id: impl Into<String>, at: P2) -> Tree {
        Tree {
            id: id.into(),
            at,
            height: default_height(),
            crown: default_crown(),
            species: String::new(),
        }
    }

    pub fn validate(&self) -> Result<(), TreeError> {
        if !(self.at[0].is_finite() && self.at[1].is_finite()) {
            return Err(TreeError::NotANumber {
                id: self.id.clone(),
            });
        }
        if !(1.0..=60.0).contains(&self.height) {
            return Err(TreeError::Height {
                id: self.id.clone(),
                height: self.height,
            });
        }
        if !(0.5..=40.0).contains(&self.crown) {
            return Err(TreeError::Crown {
                id: self.id.clone(),
                crown: self.crown,
            });
        }
        Ok(())
    }

    /// Height of the crown: as wide as it is tall, at most 70 % of the
    /// tree (the trunk shows below it).
    pub fn crown_depth(&self) -> f64 {
        self.crown.min(0.7 * self.height)
    }

    /// The tree standing on `base`: a crown from its bottom point to its
    /// top point, widest halfway. Call [`Tree::validate`] first.
    pub fn to_object(&self, base: f64) -> CityObject {
        let top = base + self.height;
        let bottom = top - self.crown_depth();
        let middle = (top + bottom) / 2.0;
        let r = self.crown / 2.0;
        let ring: Vec<[f64; 3]> = (0..SIDES)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / SIDES as f64;
                [self.at[0] + r * a.cos(), self.at[1] + r * a.sin(), middle]
            })
            .collect();
        let (apex_low, apex_high) = (
            [self.at[0], self.at[1], bottom],
            [self.at[0], self.at[1], top],
        );
        let mut surfaces = Vec::with_capacity(2 * SIDES);
        for k in 0..SIDES {
            let (a, b) = (ring[k], ring[(k + 1) % SIDES]);
            // Counter-clockwise seen from outside: normals point away.
            for exterior in [vec![a, b, apex_high], vec![b, a, apex_low]] {
                surfaces.push(Surface {
                    id: None,
                    // Unclassified, as readers give a tree's surfaces; drawn
                    // green by its type.
                    semantic: Semantic::Unclassified,
                    lod: 1,
                    lod_minor: 0,
                    exterior,
                    interiors: vec![],
                    looks: vec![],
                });
            }
        }
        let mut attributes = vec![
            ("height".into(), format!("{}", self.height)),
            ("crownDiameter".into(), format!("{}", self.crown)),
            ("planned".into(), "true".into()),
        ];
        if !self.species.is_empty() {
            attributes.insert(0, ("species".into(), self.species.clone()));
        }
        CityObject {
            id: self.id.clone(),
            kind: ObjectKind::Other,
            type_name: "SolitaryVegetationObject".into(),
            parent: None,
            attributes,
            surfaces,
            terrain_intersection: vec![],
            line: 0,
        }
    }
}

/// Whether an object of a scene is a tree (a CityGML solitary vegetation
/// object, or a point of a tree register).
pub fn is_tree(o: &CityObject) -> bool {
    o.type_name == "SolitaryVegetationObject"
        || o.attributes.iter().any(|(k, _)| {
            ["baumart", "baumnummer", "species", "crowndiameter"]
                .iter()
                .any(|t| k.eq_ignore_ascii_case(t))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_stands_on_its_base_as_tall_and_wide_as_given() {
        let t = Tree {
            species: "Tilia cordata".into(),
            ..Tree::new("baum-1", [280_940.0, 5_657_350.0])
        };
        t.validate().unwrap();
        let o = t.to_object(36.5);
        let e = o.extent();
        assert!((e.max[2] - 48.5).abs() < 1e-9, "{e:?}");
        assert!((e.min[2] - 40.5).abs() < 1e-9, "crown 8 m deep: {e:?}");
        assert!((e.max[0] - e.min[0] - 8.0).abs() < 1e-9);
        assert_eq!(o.surfaces.len(), 16);
        assert!(is_tree(&o));
        assert_eq!(o.attribute("species"), Some("Tilia cordata"));
        // Every face points away from the trunk axis.
        for s in &o.surfaces {
            let [a, b, c] = [s.exterior[0], s.exterior[1], s.exterior[2]];
            let centre = [(a[0] + b[0] + c[0]) / 3.0, (a[1] + b[1] + c[1]) / 3.0];
            let outward = [centre[0] - t.at[0], centre[1] - t.at[1]];
            let n = pw_city::triangulate::newell_normal(&s.exterior);
            assert!(n[0] * outward[0] + n[1] * outward[1] > 0.0, "{n:?}");
        }
        let low = Tree {
            height: 4.0,
            ..Tree::new("b", [0.0, 0.0])
        };
        assert!((low.crown_depth() - 2.8).abs() < 1e-12);
        assert_eq!(
            Tree {
                height: 0.0,
                ..Tree::new("b", [0.0, 0.0])
            }
            .validate()
            .unwrap_err()
            .key(),
            "plan.err_tree_height"
        );
        assert!(
            Tree {
                crown: f64::NAN,
                ..Tree::new("b", [0.0, 0.0])
            }
            .validate()
            .is_err()
        );
    }
}
