//! One feature model for every vector format: typed attribute columns,
//! features with 2D or 3D geometry (multi-part by nature), the CRS, and the
//! problems found while reading (kept, never fatal for the rest).

use pw_geo::Crs;

#[derive(Debug, Clone, PartialEq)]
pub struct VectorData {
    /// "GeoJSON", "Shapefile", "GeoPackage", "KML", "CSV", "GML 3.2" …
    pub format: String,
    pub crs: Option<Crs>,
    /// The CRS as the file wrote it, for messages.
    pub crs_text: Option<String>,
    pub fields: Vec<Field>,
    pub features: Vec<Feature>,
    /// Problems found (with feature number or line), the data read is kept.
    pub issues: Vec<pw_text::Message>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Integer,
    Real,
    Text,
    Date,
    Boolean,
}

impl FieldKind {
    /// The kind a column needs to hold values of both: integers and reals
    /// make reals, any other mix text.
    pub fn widen(so_far: Option<FieldKind>, next: FieldKind) -> FieldKind {
        match (so_far, next) {
            (None, k) => k,
            (Some(a), b) if a == b => a,
            (Some(FieldKind::Integer), FieldKind::Real)
            | (Some(FieldKind::Real), FieldKind::Integer) => FieldKind::Real,
            _ => FieldKind::Text,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Integer => "integer",
            FieldKind::Real => "real",
            FieldKind::Text => "text",
            FieldKind::Date => "date",
            FieldKind::Boolean => "boolean",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Boolean(bool),
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(*i as f64),
            Value::Real(r) => Some(*r),
            Value::Text(t) => t.trim().replace(',', ".").parse().ok(),
            _ => None,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(r) => write!(f, "{r}"),
            Value::Text(t) => f.write_str(t),
            Value::Boolean(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: Option<String>,
    pub geometry: Option<Geometry>,
    /// One value per field, in field order.
    pub values: Vec<Value>,
}

/// Coordinates are x, y, z in the data's CRS; z is NaN where the data is 2D.
pub type Coord = [f64; 3];

#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Points(Vec<Coord>),
    Lines(Vec<Vec<Coord>>),
    Polygons(Vec<Polygon>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    pub exterior: Vec<Coord>,
    pub interiors: Vec<Vec<Coord>>,
}

/// Whether `p` (x, y) lies inside `ring` (even–odd rule; the ring may be
/// closed or open).
pub fn ring_contains(ring: &[Coord], p: [f64; 2]) -> bool {
    pw_geo::polygon::ring_contains(ring, p)
}

/// The parts of a multi-geometry or collection as one geometry of the first
/// part's kind; parts of another kind are left out (a feature draws as one
/// kind).
pub fn merge_parts(parts: impl IntoIterator<Item = Geometry>) -> Option<Geometry> {
    let mut merged: Option<Geometry> = None;
    for part in parts {
        merged = Some(match (merged, part) {
            (None, p) => p,
            (Some(Geometry::Points(mut a)), Geometry::Points(b)) => {
                a.extend(b);
                Geometry::Points(a)
            }
            (Some(Geometry::Lines(mut a)), Geometry::Lines(b)) => {
                a.extend(b);
                Geometry::Lines(a)
            }
            (Some(Geometry::Polygons(mut a)), Geometry::Polygons(b)) => {
                a.extend(b);
                Geometry::Polygons(a)
            }
            (Some(a), _) => a,
        });
    }
    merged
}

impl Geometry {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Geometry::Points(_) => "point",
            Geometry::Lines(_) => "line",
            Geometry::Polygons(_) => "polygon",
        }
    }

    pub fn coords_mut(&mut self) -> Box<dyn Iterator<Item = &mut Coord> + '_> {
        match self {
            Geometry::Points(p) => Box::new(p.iter_mut()),
            Geometry::Lines(l) => Box::new(l.iter_mut().flatten()),
            Geometry::Polygons(p) => Box::new(p.iter_mut().flat_map(|p| {
                p.exterior
                    .iter_mut()
                    .chain(p.interiors.iter_mut().flatten())
            })),
        }
    }

    pub fn coords(&self) -> Box<dyn Iterator<Item = &Coord> + '_> {
        match self {
            Geometry::Points(p) => Box::new(p.iter()),
            Geometry::Lines(l) => Box::new(l.iter().flatten()),
            Geometry::Polygons(p) => Box::new(
                p.iter()
                    .flat_map(|p| p.exterior.iter().chain(p.interiors.iter().flatten())),
            ),
        }
    }
}

impl VectorData {
    pub fn new(format: &str) -> VectorData {
        VectorData {
            format: format.into(),
            crs: None,
            crs_text: None,
            fields: Vec::new(),
            features: Vec::new(),
            issues: Vec::new(),
        }
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn value(&self, feature: usize, field: &str) -> Option<&Value> {
        self.features
            .get(feature)?
            .values
            .get(self.field_index(field)?)
    }

    /// (min x, min y, max x, max y) over all coordinates.
    pub fn extent(&self) -> Option<[f64; 4]> {
        let mut e = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for c in self
            .features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .flat_map(|g| g.coords())
        {
            e = [
                e[0].min(c[0]),
                e[1].min(c[1]),
                e[2].max(c[0]),
                e[3].max(c[1]),
            ];
        }
        (e[0] <= e[2]).then_some(e)
    }

    /// Counts of features per geometry kind (and without geometry).
    pub fn geometry_counts(&self) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for f in &self.features {
            let k = f.geometry.as_ref().map_or("none", |g| g.kind_name());
            match counts.iter_mut().find(|(n, _)| *n == k) {
                Some(c) => c.1 += 1,
                None => counts.push((k, 1)),
            }
        }
        counts
    }

    /// Moves every coordinate into `target` (z kept).
    pub fn reproject(&mut self, target: Crs) -> Result<(), pw_geo::TransformError> {
        let Some(source) = self.crs else {
            return Ok(());
        };
        if source.horizontal == target.horizontal {
            return Ok(());
        }
        let t = pw_geo::Reprojector::new(source, target)?;
        for f in &mut self.features {
            if let Some(g) = &mut f.geometry {
                for c in g.coords_mut() {
                    let z = c[2];
                    let p = t.apply([c[0], c[1], if z.is_nan() { 0.0 } else { z }])?;
                    *c = [p[0], p[1], z];
                }
            }
        }
        self.crs = Some(target);
        Ok(())
    }
}
