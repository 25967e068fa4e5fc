//! Putting models given in local metres (glTF, 3D Tiles content) into the
//! world, and turning their triangles into city objects so that they are
//! drawn, picked, inspected and exported like CityGML buildings.

use crate::gltf_reader::{GltfPiece, mat4_apply};
use crate::model::{
    CityModel, CityObject, Issue, ObjectKind, Semantic, Severity, Surface, SurfaceLook,
};
use pw_geo::Crs;
use pw_geo::geocentric::{EnuFrame, ecef_to_geodetic};

/// How model coordinates (x east, y north, z up, metres) reach a CRS.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// A local east/north/up frame at a geodetic point (KML `<Model>`,
    /// a scene georeference in degrees). Heading: degrees clockwise.
    Geodetic {
        lon: f64,
        lat: f64,
        height: f64,
        heading: f64,
        scale: f64,
    },
    /// Added to an origin in a projected CRS, axes along its grid.
    Projected {
        crs: Crs,
        origin: [f64; 3],
        heading: f64,
        scale: f64,
    },
    /// A column-major 4×4 matrix into earth-centred coordinates (3D Tiles).
    Ecef([f64; 16]),
    /// A column-major 4×4 matrix into a projected CRS (tilesets written in,
    /// say, EPSG:3857 instead of ECEF).
    Matrix { crs: Crs, matrix: [f64; 16] },
}

/// Geographic 3D: longitude, latitude, ellipsoidal height.
pub const GEOGRAPHIC_3D: Crs = Crs::epsg(4979);

impl Placement {
    /// Where a KML `<Model>` placemark puts its model.
    pub fn of_kml(m: &crate::kml_model::KmlModel) -> Placement {
        Placement::Geodetic {
            lon: m.longitude,
            lat: m.latitude,
            height: m.altitude,
            heading: m.heading,
            scale: m.scale[0],
        }
    }

    /// The CRS of what [`Placement::place`] returns.
    pub fn output_crs(&self) -> Crs {
        match self {
            Placement::Geodetic { .. } | Placement::Ecef(_) => GEOGRAPHIC_3D,
            Placement::Projected { crs, .. } | Placement::Matrix { crs, .. } => *crs,
        }
    }

    /// A reusable form: frames and rotations computed once.
    pub fn prepare(&self) -> PreparedPlacement {
        match *self {
            Placement::Geodetic {
                lon,
                lat,
                height,
                heading,
                scale,
            } => PreparedPlacement::Enu {
                frame: EnuFrame::at(lon, lat, height),
                rot: rotation(heading, scale),
            },
            Placement::Projected {
                origin,
                heading,
                scale,
                ..
            } => PreparedPlacement::Offset {
                origin,
                rot: rotation(heading, scale),
            },
            Placement::Ecef(m) => PreparedPlacement::Ecef(m),
            Placement::Matrix { matrix, .. } => PreparedPlacement::Matrix(matrix),
        }
    }
}

/// Turns a model's (east, north) clockwise by `heading` degrees and scales.
fn rotation(heading: f64, scale: f64) -> [f64; 4] {
    let (s, c) = heading.to_radians().sin_cos();
    [c * scale, s * scale, -s * scale, c * scale]
}

pub enum PreparedPlacement {
    Enu { frame: EnuFrame, rot: [f64; 4] },
    Offset { origin: [f64; 3], rot: [f64; 4] },
    Ecef([f64; 16]),
    Matrix([f64; 16]),
}

impl PreparedPlacement {
    pub fn place(&self, p: [f64; 3]) -> [f64; 3] {
        let turn = |rot: &[f64; 4], scale_z: f64| {
            [
                rot[0] * p[0] + rot[1] * p[1],
                rot[2] * p[0] + rot[3] * p[1],
                p[2] * scale_z,
            ]
        };
        match self {
            PreparedPlacement::Enu { frame, rot } => {
                let scale = rot[0].hypot(rot[1]);
                ecef_to_geodetic(frame.to_ecef(turn(rot, scale)))
            }
            PreparedPlacement::Offset { origin, rot } => {
                let scale = rot[0].hypot(rot[1]);
                let l = turn(rot, scale);
                [origin[0] + l[0], origin[1] + l[1], origin[2] + l[2]]
            }
            PreparedPlacement::Ecef(m) => ecef_to_geodetic(mat4_apply(m, p)),
            PreparedPlacement::Matrix(m) => mat4_apply(m, p),
        }
    }
}

/// Name of the theme holding glTF material colours.
pub const MATERIAL_THEME: &str = "glTF-Material";

/// glTF colours are linear; surface looks are sRGB like CityGML's.
fn linear_to_srgb(c: [f32; 4]) -> [f32; 4] {
    let f = |v: f32| {
        let v = v.clamp(0.0, 1.0);
        if v <= 0.003_130_8 {
            v * 12.92
        } else {
            1.055 * v.powf(1.0 / 2.4) - 0.055
        }
    };
    [f(c[0]), f(c[1]), f(c[2]), c[3]]
}

/// Attributes of each feature (3D Tiles batch table), by feature id.
pub type FeatureAttributes<'a> = dyn Fn(u32) -> Vec<(String, String)> + 'a;

/// Builds a city model from placed glTF pieces: one object per piece, each
/// triangle a surface (semantics from its normal, like inline solids).
pub fn pieces_to_model(
    pieces: Vec<GltfPiece>,
    placement: &Placement,
    format: &str,
    id_prefix: &str,
    attributes: Option<&FeatureAttributes<'_>>,
) -> CityModel {
    let prepared = placement.prepare();
    // Material colours become an appearance theme when they say more than
    // the default white/grey (then the model looks as its author made it).
    let coloured = pieces.iter().flat_map(|p| &p.colors).any(|c| {
        (c[0] - c[1]).abs() > 0.03 || (c[1] - c[2]).abs() > 0.03 || (c[0] - c[2]).abs() > 0.03
    });
    let mut model = CityModel {
        format: format.into(),
        crs: Some(placement.output_crs()),
        crs_text: None,
        objects: Vec::with_capacity(pieces.len()),
        themes: if coloured {
            vec![MATERIAL_THEME.to_string()]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    for (n, piece) in pieces.into_iter().enumerate() {
        let mut attrs = match (attributes, piece.feature) {
            (Some(f), Some(id)) => f(id),
            _ => Vec::new(),
        };
        if let Some(name) = &piece.name {
            attrs.insert(0, ("name".into(), name.clone()));
        }
        let id = attrs
            .iter()
            .find(|(k, _)| {
                matches!(
                    k.to_ascii_lowercase().as_str(),
                    "id" | "gml_id" | "gmlid" | "identificatie" | "objectid"
                )
            })
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| match piece.feature {
                Some(f) => format!("{id_prefix}#{f}"),
                None => format!("{id_prefix}#{n}"),
            });
        let surfaces = piece
            .triangles
            .iter()
            .enumerate()
            .map(|(k, t)| Surface {
                id: None,
                semantic: Semantic::Unclassified,
                lod: 2,
                lod_minor: 0,
                exterior: t.iter().map(|p| prepared.place(*p)).collect(),
                interiors: Vec::new(),
                looks: match piece.colors.get(k) {
                    Some(c) if coloured => vec![SurfaceLook {
                        theme: 0,
                        texture: None,
                        color: Some(linear_to_srgb(*c)),
                    }],
                    _ => Vec::new(),
                },
            })
            .filter(|s| s.exterior.iter().flatten().all(|v| v.is_finite()))
            .collect::<Vec<_>>();
        if surfaces.is_empty() {
            continue;
        }
        model.objects.push(CityObject {
            id,
            // Features of building tilesets are buildings; plain models are not known to be.
            kind: if piece.feature.is_some() {
                ObjectKind::Building
            } else {
                ObjectKind::Other
            },
            type_name: if piece.feature.is_some() {
                "Building".into()
            } else {
                "Model".into()
            },
            parent: None,
            attributes: attrs,
            surfaces,
            terrain_intersection: Vec::new(),
            line: 0,
        });
    }
    if model.objects.is_empty() {
        model.issues.push(Issue {
            severity: Severity::Warning,
            line: None,
            id: None,
            message: pw_text::Message::new("city.issue.no_triangles")
                .english("the model holds no triangles"),
        });
    }
    model
}

/// Reads a glTF/GLB file and places it: by `placement` when the scene gives
/// one, else by a KML `<Model>` next to the file. Without either the model
/// cannot be put anywhere, and the message says how to give a place.
/// The key of "this glTF says nowhere where it stands" (a design dropped
/// onto the map is placed where it falls instead).
pub const NO_GEOREFERENCE: &str = "city.error.no_georeference";

pub fn read_gltf_model(
    path: &std::path::Path,
    placement: Option<Placement>,
    up: Option<crate::gltf_reader::UpAxis>,
) -> Result<CityModel, pw_text::Message> {
    use pw_text::Message;
    // The glTF or KML library's own words, after the file's name.
    let unreadable = |key: &str, detail: String| {
        Message::new(key)
            .arg("path", path.display())
            .arg("detail", detail)
            .english("{path}: {detail}")
    };
    // A file we wrote says where it stands (scene extras).
    let own = || -> Option<Placement> {
        let bytes = std::fs::read(path).ok()?;
        let read = crate::gltf_reader::read(&bytes, path.parent(), Default::default()).ok()?;
        let (crs, origin) = read.georeference?;
        Some(Placement::Projected {
            crs: Crs::parse(&crs).ok()?,
            origin,
            heading: 0.0,
            scale: 1.0,
        })
    };
    let mut notes: Vec<pw_text::Message> = Vec::new();
    let (placement, from) = match placement {
        Some(p) => (p, "scene georeference".to_string()),
        None => match crate::kml_model::find_for(path) {
            Ok(Some(found)) => {
                let from = format!("KML model placemark in {}", found.kml.display());
                notes.extend(found.note);
                (Placement::of_kml(&found.model), from)
            }
            // Other models' placemarks beside a file that says where it stands.
            Err(_) if let Some(p) = own() => {
                (p, "georeference in the file's scene extras".to_string())
            }
            Err(e) => return Err(e),
            Ok(None) if let Some(p) = own() => {
                (p, "georeference in the file's scene extras".to_string())
            }
            Ok(None) => {
                return Err(Message::new(NO_GEOREFERENCE)
                    .arg("path", path.display())
                    .english(
                        "{path}: no georeference — add `georeference = { origin = [E, N, H] }` to the layer in the scene file, \
                         or put a KML file with a <Model> placemark next to it",
                    ));
            }
        },
    };
    use crate::gltf_reader::UpAxis;
    let mut read = crate::gltf_reader::read_file(path, up.unwrap_or_default())
        .map_err(|e| unreadable("city.error.gltf", e.to_string()))?;
    if up.is_none() && stands_on_z_zero(&read.pieces) {
        // Exporters converting Z-up COLLADA/CityGML often skip the turn to
        // glTF's Y-up; such models stand on their z = 0 plane.
        read = crate::gltf_reader::read_file(path, UpAxis::Z)
            .map_err(|e| unreadable("city.error.gltf", e.to_string()))?;
        notes.push(pw_text::Message::new("city.issue.z_up").english(
            "the model is Z-up, unlike the glTF standard (its base lies on z = 0): read as Z-up; \
             set `up_axis` in the layer's georeference to override",
        ));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut model = pieces_to_model(read.pieces, &placement, "glTF 2.0", &stem, None);
    model.crs_text = Some(from);
    model
        .issues
        .extend(read.warnings.into_iter().chain(notes).map(|message| Issue {
            severity: Severity::Warning,
            line: None,
            id: None,
            message,
        }));
    Ok(model)
}

/// Read as Y-up (z = -north), is the model's lowest Y-up height off zero
/// while its raw z (here: minus northing) starts exactly at zero, with the
/// z = 0 plane holding a real footprint? Then the file is Z-up.
fn stands_on_z_zero(pieces: &[GltfPiece]) -> bool {
    let points = || pieces.iter().flat_map(|p| p.triangles.iter().flatten());
    let (mut min_up, mut max_up, mut max_north, mut min_north) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
    );
    for p in points() {
        min_up = min_up.min(p[2]);
        max_up = max_up.max(p[2]);
        max_north = max_north.max(p[1]);
        min_north = min_north.min(p[1]);
    }
    // Raw z = -north in the Y-up reading, so raw z's minimum is -max_north.
    let raw_z_min = -max_north;
    let height_span = max_up - min_up;
    let z_span = max_north - min_north;
    if !(height_span.is_finite() && z_span.is_finite()) || z_span <= 0.0 {
        return false;
    }
    let on_zero = points().filter(|p| (-p[1]).abs() < 0.01).count();
    raw_z_min.abs() < 0.01 && min_up.abs() > 0.5 && on_zero >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_turns_north_clockwise_to_east() {
        let p = Placement::Projected {
            crs: Crs::ETRS89_UTM32,
            origin: [1000.0, 2000.0, 10.0],
            heading: 90.0,
            scale: 2.0,
        }
        .prepare();
        let q = p.place([0.0, 1.0, 1.0]);
        assert!((q[0] - 1002.0).abs() < 1e-9 && (q[1] - 2000.0).abs() < 1e-9);
        assert!((q[2] - 12.0).abs() < 1e-9);
    }

    /// A two-triangle glTF with an external buffer and two materials (red,
    /// blue): colours become the material theme, in sRGB.
    #[test]
    fn material_colours_become_a_theme() {
        let dir = std::env::temp_dir().join(format!("pw-gltf-mat-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let points: [[f32; 3]; 6] = [
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0],
            [0.0, 0.0, -1.0],
            [1.0, 0.0, 0.0],
        ];
        let bin: Vec<u8> = points
            .iter()
            .flatten()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        std::fs::write(dir.join("tri.bin"), &bin).unwrap();
        let json = r#"{"asset":{"version":"2.0"},"scene":0,"scenes":[{"nodes":[0]}],
            "nodes":[{"mesh":0,"name":"Entwurf"}],
            "meshes":[{"primitives":[{"attributes":{"POSITION":0},"material":0},{"attributes":{"POSITION":1},"material":1}]}],
            "materials":[{"pbrMetallicRoughness":{"baseColorFactor":[1,0,0,1]}},{"pbrMetallicRoughness":{"baseColorFactor":[0,0,0.2158605,1]}}],
            "buffers":[{"uri":"tri.bin","byteLength":72}],
            "bufferViews":[{"buffer":0,"byteOffset":0,"byteLength":36},{"buffer":0,"byteOffset":36,"byteLength":36}],
            "accessors":[{"bufferView":0,"componentType":5126,"count":3,"type":"VEC3","min":[0,0,0],"max":[1,1,0]},
                         {"bufferView":1,"componentType":5126,"count":3,"type":"VEC3","min":[0,0,-1],"max":[1,0,0]}]}"#;
        std::fs::write(dir.join("m.gltf"), json).unwrap();
        let placement = Placement::Projected {
            crs: Crs::ETRS89_UTM32,
            origin: [681_000.0, 5_644_000.0, 150.0],
            heading: 0.0,
            scale: 1.0,
        };
        let m = read_gltf_model(&dir.join("m.gltf"), Some(placement), None).unwrap();
        assert_eq!(m.themes, vec![MATERIAL_THEME]);
        assert_eq!(m.objects.len(), 1, "one node, both materials");
        assert_eq!(m.objects[0].attribute("name"), Some("Entwurf"));
        let colors: Vec<[f32; 4]> = m.objects[0]
            .surfaces
            .iter()
            .map(|s| s.looks[0].color.unwrap())
            .collect();
        assert!((colors[0][0] - 1.0).abs() < 1e-6 && colors[0][1] == 0.0 && colors[0][3] == 1.0);
        // Linear 0.2158605 is sRGB 128/255.
        assert!(
            (colors[1][2] - 128.0 / 255.0).abs() < 1e-4,
            "{:?}",
            colors[1]
        );
        // The second triangle lies in glTF's x/z plane: y-up makes it horizontal,
        // -z north: it spans 1 m north of the origin.
        let e = m.objects[0].surfaces[1]
            .exterior
            .iter()
            .map(|p| p[1])
            .fold(f64::MIN, f64::max);
        assert!((e - 5_644_001.0).abs() < 1e-9);
        std::fs::remove_dir_all(&dir).ok();
    }
}
