use pw_geo::{Crs, Extent3};
use pw_text::Message;
use std::fmt;

/// What a reader produced from one file: the objects it could read and the
/// problems it found on the way (never a panic, never silent loss).
#[derive(Debug, Clone, Default)]
pub struct CityModel {
    pub format: String,
    pub crs: Option<Crs>,
    /// The CRS text as written in the file, for messages.
    pub crs_text: Option<String>,
    pub objects: Vec<CityObject>,
    pub issues: Vec<Issue>,
    /// Appearance themes (CityGML `app:theme`), e.g. "rgbTexture".
    pub themes: Vec<String>,
    /// Texture images referenced by surface looks, resolved next to the file.
    pub texture_images: Vec<std::path::PathBuf>,
    /// Point samples (3D Tiles point clouds): position and sRGB colour.
    pub points: Vec<([f64; 3], [u8; 4])>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Building,
    BuildingPart,
    Other,
}

impl ObjectKind {
    pub fn label_key(&self) -> &'static str {
        match self {
            ObjectKind::Building => "object.building",
            ObjectKind::BuildingPart => "object.building_part",
            ObjectKind::Other => "object.other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CityObject {
    pub id: String,
    pub kind: ObjectKind,
    /// The type as written in the file ("Building", "Road", "PlantCover" …).
    pub type_name: String,
    /// Index of the enclosing object (a BuildingPart's Building).
    pub parent: Option<usize>,
    /// Attributes in file order: core attributes first, then generic ones.
    pub attributes: Vec<(String, String)>,
    pub surfaces: Vec<Surface>,
    /// Where the object meets the terrain (CityGML lodXTerrainIntersection):
    /// polylines in the file's CRS, used to set buildings on terrain.
    pub terrain_intersection: Vec<Vec<[f64; 3]>>,
    /// 1-based line of the object's start tag, for messages.
    pub line: usize,
}

/// The value of attribute `key` for object `i`: its own, else its
/// building's (a part's function is written on the building; an empty own
/// value — CityJSON's null — counts as none). The walk up is bounded.
pub fn inherited_attribute<'a>(
    objects: &'a [CityObject],
    mut i: usize,
    key: &str,
) -> Option<&'a str> {
    for _ in 0..8 {
        let o = objects.get(i)?;
        if let Some(v) = o.attribute(key).filter(|v| !v.trim().is_empty()) {
            return Some(v);
        }
        i = o.parent?;
    }
    None
}

impl CityObject {
    /// A building or a part of one; buildings extruded from GIS outlines
    /// (OpenStreetMap) come as plain objects with walls and a roof or
    /// ground, and count too.
    pub fn is_building(&self) -> bool {
        let has = |sem: Semantic| self.surfaces.iter().any(|s| s.semantic == sem);
        matches!(self.kind, ObjectKind::Building | ObjectKind::BuildingPart)
            || (has(Semantic::Wall) && (has(Semantic::Ground) || has(Semantic::Roof)))
    }

    /// The outline(s) seen from above, each with its courtyards: the
    /// ground surfaces, else each roof surface, else what faces up (the
    /// flood's blocks, the phones' map).
    pub fn outlines(&self) -> Vec<Vec<Vec<[f64; 2]>>> {
        let flat = |r: &[[f64; 3]]| -> Vec<[f64; 2]> { r.iter().map(|p| [p[0], p[1]]).collect() };
        let of = |sem: Semantic| -> Vec<Vec<Vec<[f64; 2]>>> {
            self.surfaces
                .iter()
                .filter(|s| s.semantic == sem && s.exterior.len() >= 3)
                .map(|s| {
                    std::iter::once(flat(&s.exterior))
                        .chain(s.interiors.iter().map(|h| flat(h)))
                        .collect()
                })
                .collect()
        };
        let ground = of(Semantic::Ground);
        if !ground.is_empty() {
            return ground;
        }
        let roof = of(Semantic::Roof);
        if !roof.is_empty() {
            return roof;
        }
        self.surfaces
            .iter()
            .filter(|s| {
                let n = crate::triangulate::newell_normal(&s.exterior);
                let l = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
                s.exterior.len() >= 3 && l > 0.0 && n[2] / l > 0.3
            })
            .map(|s| vec![flat(&s.exterior)])
            .collect()
    }

    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The highest level of detail this object has geometry for.
    pub fn best_lod(&self) -> Option<u8> {
        self.surfaces.iter().map(|s| s.lod).max()
    }

    /// The finest geometry: highest LoD, then highest CityJSON sub-LoD
    /// ("2.2" beats "2.1"). Display and analyses use only this one.
    pub fn best_lod_detail(&self) -> Option<(u8, u8)> {
        self.surfaces.iter().map(|s| (s.lod, s.lod_minor)).max()
    }

    pub fn extent(&self) -> Extent3 {
        let mut e = Extent3::EMPTY;
        for s in &self.surfaces {
            for p in &s.exterior {
                e.include(*p);
            }
        }
        e
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Semantic {
    Roof,
    Wall,
    Ground,
    Closure,
    OuterCeiling,
    OuterFloor,
    /// Roads, tracks, squares (CityJSON TrafficArea, Road objects).
    Traffic,
    Water,
    Vegetation,
    LandUse,
    /// Geometry without thematic surface (e.g. a solid written inline).
    Unclassified,
}

impl Semantic {
    pub fn from_element(local_name: &str) -> Option<Semantic> {
        Some(match local_name {
            "RoofSurface" => Semantic::Roof,
            "WallSurface" => Semantic::Wall,
            "GroundSurface" => Semantic::Ground,
            "ClosureSurface" => Semantic::Closure,
            "OuterCeilingSurface" => Semantic::OuterCeiling,
            "OuterFloorSurface" => Semantic::OuterFloor,
            "TrafficArea" | "AuxiliaryTrafficArea" => Semantic::Traffic,
            "WaterSurface" | "WaterGroundSurface" => Semantic::Water,
            _ => return None,
        })
    }
}

/// One planar polygon with its semantics. Coordinates are as read (file CRS)
/// until [`CityModel::reproject`] moves them into the scene CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    pub id: Option<String>,
    pub semantic: Semantic,
    pub lod: u8,
    /// CityJSON sub-LoD ("2.2" → 2); 0 for CityGML.
    pub lod_minor: u8,
    pub exterior: Vec<[f64; 3]>,
    pub interiors: Vec<Vec<[f64; 3]>>,
    /// How the surface looks in each appearance theme (empty: by semantics).
    pub looks: Vec<SurfaceLook>,
}

/// One theme's look of a surface: a texture with a coordinate per stored
/// point (exterior then interiors, as in the rings), and/or a colour.
#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceLook {
    pub theme: u16,
    /// Index into [`CityModel::texture_images`] and the texture coordinates.
    pub texture: Option<(u32, Vec<[f32; 2]>)>,
    /// Linear RGBA from an X3D material.
    pub color: Option<[f32; 4]>,
}

impl CityModel {
    /// Theme to show by default: the one with the most textured surfaces,
    /// else the one with the most coloured ones.
    pub fn default_theme(&self) -> Option<u16> {
        let mut textured = vec![0usize; self.themes.len()];
        let mut colored = vec![0usize; self.themes.len()];
        for s in self.objects.iter().flat_map(|o| &o.surfaces) {
            for l in &s.looks {
                let t = l.theme as usize;
                if t < self.themes.len() {
                    textured[t] += l.texture.is_some() as usize;
                    colored[t] += l.color.is_some() as usize;
                }
            }
        }
        let best = |v: &[usize]| {
            v.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .max_by_key(|(i, n)| (**n, usize::MAX - i))
                .map(|(i, _)| i as u16)
        };
        best(&textured).or_else(|| best(&colored))
    }

    /// Texture images are named relative to the file that references them.
    pub fn resolve_texture_paths(&mut self, file: &std::path::Path) {
        let dir = file.parent().unwrap_or(std::path::Path::new("."));
        for image in &mut self.texture_images {
            if image.is_relative() {
                *image = dir.join(&*image);
            }
        }
    }

    pub fn theme_index(&self, name: &str) -> Option<u16> {
        self.themes.iter().position(|t| t == name).map(|i| i as u16)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem in the input, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub severity: Severity,
    pub line: Option<usize>,
    pub id: Option<String>,
    /// In the catalogue's words where there are some (the app shows the
    /// user's language; logs and the CLI the English).
    pub message: Message,
}

impl Issue {
    /// A warning about the whole file (no line, no object id).
    pub fn warning(message: impl Into<Message>) -> Issue {
        Issue {
            severity: Severity::Warning,
            line: None,
            id: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match (self.line, &self.id) {
            (Some(l), Some(id)) => write!(f, "line {l} ({id}): {sev}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {sev}: {}", self.message),
            (None, Some(id)) => write!(f, "{id}: {sev}: {}", self.message),
            (None, None) => write!(f, "{sev}: {}", self.message),
        }
    }
}

/// Counts for `planwerkstatt info`, golden tests and the layer tooltip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelSummary {
    /// Objects per type name, e.g. {"Building": 160, "Road": 143}.
    pub by_type: std::collections::BTreeMap<String, usize>,
    pub buildings: usize,
    pub building_parts: usize,
    pub surfaces: usize,
    pub roof_surfaces: usize,
    pub wall_surfaces: usize,
    pub ground_surfaces: usize,
    pub extent: Extent3,
}

impl CityModel {
    pub fn summary(&self) -> ModelSummary {
        let mut s = ModelSummary {
            extent: self.extent(),
            ..Default::default()
        };
        for o in &self.objects {
            *s.by_type.entry(o.type_name.clone()).or_default() += 1;
            match o.kind {
                ObjectKind::Building => s.buildings += 1,
                ObjectKind::BuildingPart => s.building_parts += 1,
                ObjectKind::Other => {}
            }
            for surf in &o.surfaces {
                s.surfaces += 1;
                match surf.semantic {
                    Semantic::Roof => s.roof_surfaces += 1,
                    Semantic::Wall => s.wall_surfaces += 1,
                    Semantic::Ground => s.ground_surfaces += 1,
                    _ => {}
                }
            }
        }
        s
    }

    pub fn extent(&self) -> Extent3 {
        let mut e = Extent3::EMPTY;
        for o in &self.objects {
            e.union(&o.extent());
        }
        for (p, _) in &self.points {
            e.include(*p);
        }
        e
    }

    fn for_each_point(&mut self, mut f: impl FnMut(&mut [f64; 3])) {
        for o in &mut self.objects {
            for s in &mut o.surfaces {
                s.exterior
                    .iter_mut()
                    .chain(s.interiors.iter_mut().flatten())
                    .for_each(&mut f);
            }
            o.terrain_intersection.iter_mut().flatten().for_each(&mut f);
        }
        self.points.iter_mut().for_each(|(p, _)| f(p));
    }

    /// Geographic CRS: checks the axis order against where the data should
    /// be. EPSG:4326 defines latitude first, yet many files write longitude
    /// first; numbers that cannot be degrees at all mean a wrong CRS. After
    /// this, x is longitude. `near` is a point in `target` (the scene origin).
    pub fn settle_axis_order(&mut self, target: Crs, near: [f64; 3]) -> Result<(), Message> {
        let Some(source) = self.crs.filter(|c| c.is_geographic()) else {
            return Ok(());
        };
        let e = self.extent();
        if e.is_empty() {
            return Ok(());
        }
        let c = e.center();
        if [e.min[0], e.max[0], e.min[1], e.max[1]]
            .iter()
            .any(|v| v.abs() > 180.0)
        {
            return Err(Message::new("city.error.degrees_but_projected")
                .arg("crs", source)
                .arg("example", format!("{:.1}, {:.1}", c[0], c[1]))
                .english(
                    "the file says {crs} (degrees) but holds numbers like ({example}) — projected coordinates, \
                     perhaps Gauss-Krüger or UTM; set the right CRS for this layer in the scene file",
                ));
        }
        let r = pw_geo::Reprojector::new(Crs::WGS84, target).map_err(|e| e.message())?;
        let distance = |lon: f64, lat: f64| {
            if lat.abs() > 90.0 {
                return f64::INFINITY;
            }
            r.apply([lon, lat, 0.0])
                .map(|p| (p[0] - near[0]).hypot(p[1] - near[1]))
                .unwrap_or(f64::INFINITY)
        };
        let as_written = distance(c[0], c[1]); // x = longitude
        let swapped = distance(c[1], c[0]); // x = latitude, as EPSG:4326 defines
        if swapped < as_written {
            self.for_each_point(|p| p.swap(0, 1));
        } else {
            self.issues.push(Issue {
                severity: Severity::Warning,
                line: None,
                id: None,
                message: Message::new("city.issue.longitude_first")
                    .arg("crs", source)
                    .arg("example", format!("{:.5}, {:.5}", c[0], c[1]))
                    .english(
                        "axis order: {crs} defines latitude first, but this file writes longitude first \
                         (e.g. {example}); read as longitude/latitude because that places the data at the scene",
                    ),
            });
        }
        Ok(())
    }

    /// Heights that start at 0 m while the scene lies far from sea level are
    /// relative to the ground (e.g. the Karlsruhe sample). True when they
    /// look so; without terrain a warning says so (with terrain the caller
    /// sets the buildings onto it).
    pub fn has_relative_heights(&self, scene_height: f64) -> bool {
        let e = self.extent();
        !(e.is_empty() || e.min[2].abs() > 0.5 || (scene_height - e.min[2]).abs() < 20.0)
    }

    pub fn check_relative_heights(&mut self, scene_height: f64) {
        if !self.has_relative_heights(scene_height) {
            return;
        }
        let e = self.extent();
        self.issues.push(Issue {
            severity: Severity::Warning,
            line: None,
            id: None,
            message: Message::new("city.issue.relative_heights")
                .arg("lowest", format!("{:.1}", e.min[2]))
                .arg("scene", format!("{scene_height:.0}"))
                .english(
                    "heights start at {lowest} m while the scene lies at {scene} m: they look relative to the ground; \
                     they will be set onto the terrain once a terrain layer is loaded",
                ),
        });
    }

    /// Moves every coordinate into `target`. Points that cannot be
    /// transformed drop their surface and are reported, never panic.
    pub fn reproject(&mut self, target: Crs) -> Result<(), pw_geo::TransformError> {
        let Some(source) = self.crs else {
            return Ok(());
        };
        if source.horizontal == target.horizontal {
            return Ok(());
        }
        let r = pw_geo::Reprojector::new(source, target)?;
        let mut failures = Vec::new();
        for o in &mut self.objects {
            o.surfaces.retain_mut(|s| {
                let ok = transform_ring(&r, &mut s.exterior).and_then(|_| {
                    s.interiors
                        .iter_mut()
                        .try_for_each(|ring| transform_ring(&r, ring))
                });
                if let Err(e) = ok {
                    failures.push(Issue {
                        severity: Severity::Warning,
                        line: Some(o.line),
                        id: Some(o.id.clone()),
                        message: Message::new("city.issue.surface_dropped")
                            .arg_message("why", e.message())
                            .english("surface dropped: {why}"),
                    });
                    false
                } else {
                    true
                }
            });
        }
        for o in &mut self.objects {
            o.terrain_intersection
                .retain_mut(|line| transform_ring(&r, line).is_ok());
        }
        let before = self.points.len();
        self.points
            .retain_mut(|(p, _)| r.apply(*p).map(|q| *p = q).is_ok());
        if self.points.len() < before {
            failures.push(Issue {
                severity: Severity::Warning,
                line: None,
                id: None,
                message: Message::new("city.issue.points_dropped")
                    .arg("count", before - self.points.len())
                    .english("{count} points could not be transformed and were dropped"),
            });
        }
        self.issues.extend(failures);
        self.crs = Some(target);
        Ok(())
    }
}

fn transform_ring(
    r: &pw_geo::Reprojector,
    ring: &mut [[f64; 3]],
) -> Result<(), pw_geo::TransformError> {
    for p in ring.iter_mut() {
        *p = r.apply(*p)?;
    }
    Ok(())
}
