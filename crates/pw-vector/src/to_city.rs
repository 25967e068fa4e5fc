//! Vector features as 3D city objects, so that a vector layer draws,
//! batches and picks like any city layer: polygons draped on the ground (or
//! extruded when a height/storeys attribute says how high), lines as
//! ribbons, points of a tree cadastre as simple 3D trees (trunk + crown
//! sized by crown diameter and height attributes), other points as symbols
//! of constant screen size (billboards, drawn by the app).
//! Colours travel as an appearance theme ("Vektor") per surface.

use crate::model::{Geometry, VectorData};
use crate::style::{Symbology, label_anchor};
use pw_city::{CityModel, CityObject, ObjectKind, Semantic, Surface, SurfaceLook};
use pw_scene::Style;
use std::path::Path;

const LINE_WIDTH: f64 = 3.0;
/// Labels float this far above the feature's top.
const LABEL_LIFT: f64 = 2.0;

/// A label of a feature: where (scene CRS, above the feature) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub position: [f64; 3],
    pub text: String,
    /// Index of the city object it belongs to.
    pub object: usize,
}
const DRAPE_LIFT: f64 = 0.3;
/// Point symbols float this far above the ground (metres), clear of it.
const SYMBOL_LIFT: f64 = 1.5;
const DEFAULT_TREE_HEIGHT: f64 = 10.0;
const DEFAULT_CROWN: f64 = 6.0;

/// sRGB colours of the single-symbol style per geometry.
const POLYGON: [f32; 4] = [0.93, 0.80, 0.45, 1.0];
const LINE: [f32; 4] = [0.35, 0.35, 0.40, 1.0];
const TRUNK: [f32; 4] = [0.45, 0.32, 0.20, 1.0];
const CROWN: [f32; 4] = [0.30, 0.58, 0.25, 1.0];
const MARKER: [f32; 4] = [0.10, 0.45, 0.85, 1.0];

fn field(data: &VectorData, names: &[&str]) -> Option<usize> {
    data.fields
        .iter()
        .position(|f| names.iter().any(|n| f.name.eq_ignore_ascii_case(n)))
}

fn number(data: &VectorData, feature: usize, index: Option<usize>) -> Option<f64> {
    let v = data.features[feature].values.get(index?)?.as_f64()?;
    (v.is_finite() && v > 0.0).then_some(v)
}

/// A tree cadastre: fields or file name speak of trees.
fn is_tree_layer(data: &VectorData, source: &Path) -> bool {
    let words = ["baum", "krone", "gattung", "tree", "crown", "species"];
    let name = source.to_string_lossy().to_lowercase();
    words.iter().any(|w| name.contains(w))
        || data
            .fields
            .iter()
            .any(|f| words.iter().any(|w| f.name.to_lowercase().contains(w)))
}

fn surface(semantic: Semantic, ring: Vec<[f64; 3]>, colour: [f32; 4]) -> Surface {
    Surface {
        id: None,
        semantic,
        lod: 2,
        lod_minor: 0,
        exterior: ring,
        interiors: Vec::new(),
        looks: vec![SurfaceLook {
            theme: 0,
            texture: None,
            color: Some(colour),
        }],
    }
}

fn open_ring(ring: &[[f64; 3]]) -> Vec<[f64; 3]> {
    let mut r = ring.to_vec();
    if r.len() > 1 && r.first().map(|p| [p[0], p[1]]) == r.last().map(|p| [p[0], p[1]]) {
        r.pop();
    }
    r
}

/// A prism from `base` to `top` over a ring (walls, roof, floor).
/// `colour`: the feature's class colour (roof; walls a shade darker so
/// the class reads from the side too), else the default look.
fn prism(ring: &[[f64; 3]], base: f64, top: f64, colour: Option<[f32; 4]>, out: &mut Vec<Surface>) {
    let mut r = open_ring(ring);
    if r.len() < 3 {
        return;
    }
    if pw_geo::polygon::signed_area(&r) < 0.0 {
        r.reverse();
    }
    let at = |p: &[f64; 3], z: f64| [p[0], p[1], z];
    let roof = colour.unwrap_or(POLYGON);
    let wall = colour.map_or([0.85, 0.82, 0.76, 1.0], |c| {
        [c[0] * 0.85, c[1] * 0.85, c[2] * 0.85, c[3]]
    });
    out.push(surface(
        Semantic::Roof,
        r.iter().map(|p| at(p, top)).collect(),
        roof,
    ));
    out.push(surface(
        Semantic::Ground,
        r.iter().rev().map(|p| at(p, base)).collect(),
        roof,
    ));
    for i in 0..r.len() {
        let (a, b) = (&r[i], &r[(i + 1) % r.len()]);
        out.push(surface(
            Semantic::Wall,
            vec![at(a, base), at(b, base), at(b, top), at(a, top)],
            wall,
        ));
    }
}

/// Trunk and a twelve-faced crown.
fn tree(
    p: [f64; 2],
    ground: f64,
    height: f64,
    crown: f64,
    colours: [[f32; 4]; 2],
    out: &mut Vec<Surface>,
) {
    let (x, y) = (p[0], p[1]);
    let crown_base = ground + height * 0.35;
    let t = 0.2_f64.max(crown * 0.04);
    let corners = [[-t, -t], [t, -t], [t, t], [-t, t]];
    for i in 0..4 {
        let (a, b) = (corners[i], corners[(i + 1) % 4]);
        out.push(surface(
            Semantic::Vegetation,
            vec![
                [x + a[0], y + a[1], ground],
                [x + b[0], y + b[1], ground],
                [x + b[0], y + b[1], crown_base + 0.5],
                [x + a[0], y + a[1], crown_base + 0.5],
            ],
            colours[0],
        ));
    }
    let r = crown / 2.0;
    let mid = crown_base + (ground + height - crown_base) * 0.45;
    let equator: Vec<[f64; 3]> = (0..6)
        .map(|k| {
            let a = k as f64 * std::f64::consts::TAU / 6.0;
            [x + r * a.cos(), y + r * a.sin(), mid]
        })
        .collect();
    let (top, bottom) = ([x, y, ground + height], [x, y, crown_base]);
    for k in 0..6 {
        let (a, b) = (equator[k], equator[(k + 1) % 6]);
        out.push(surface(Semantic::Vegetation, vec![a, b, top], colours[1]));
        out.push(surface(
            Semantic::Vegetation,
            vec![b, a, bottom],
            colours[1],
        ));
    }
}

/// The features as city objects (`data` already in the scene CRS; `ground`
/// gives the terrain height under a point).
/// A point feature drawn as a symbol of constant size on screen
/// (billboard): where (scene CRS), its colour, and its city object.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSymbol {
    pub position: [f64; 3],
    /// sRGB RGBA 0…1, as the surface colours.
    pub color: [f32; 4],
    pub object: usize,
}

/// A vector layer ready to draw.
#[derive(Debug, Clone, Default)]
pub struct VectorScene {
    pub model: CityModel,
    pub labels: Vec<Label>,
    /// Points that are not trees: billboards, not geometry.
    pub symbols: Vec<PointSymbol>,
    /// Outlines of draped polygons (closed rings, scene CRS): drawn as thin
    /// lines so neighbouring areas of one class stay apart, as in QGIS.
    pub outlines: Vec<Vec<[f64; 3]>>,
}

/// Colours come from `symbology` (one per feature), extrusion and line
/// width from `style`; labels are placed above each labelled feature.
pub fn city_model(
    data: &VectorData,
    source: &Path,
    ground: &dyn Fn(f64, f64) -> f64,
    style: &Style,
    symbology: &Symbology,
) -> VectorScene {
    city_model_on_terrain(data, source, ground, style, symbology, None)
}

/// [`city_model`] on uneven ground: with `drape_cell` (metres, the finest
/// cell), draped areas are cut into grid pieces, roads into segments and
/// outlines get points in between, so that all of it follows the ground
/// instead of passing under its hills ([`crate::drape`]).
pub fn city_model_on_terrain(
    data: &VectorData,
    source: &Path,
    ground: &dyn Fn(f64, f64) -> f64,
    style: &Style,
    symbology: &Symbology,
    drape_cell: Option<f64>,
) -> VectorScene {
    let mut labels = Vec::new();
    let mut outlines = Vec::new();
    let mut symbols = Vec::new();
    let line_width = style
        .line_width
        .filter(|w| w.is_finite() && *w > 0.0)
        .unwrap_or(LINE_WIDTH);
    let height_scale = style
        .height_scale
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0);
    let mut model = CityModel {
        format: data.format.clone(),
        crs: data.crs,
        themes: vec!["Vektor".into()],
        ..Default::default()
    };
    let trees = is_tree_layer(data, source);
    let chosen_height = style
        .height_field
        .as_deref()
        .and_then(|f| data.field_index(f));
    let height = chosen_height.or_else(|| {
        field(
            data,
            &[
                "height",
                "hoehe",
                "höhe",
                "baumhoehe",
                "baumhöhe",
                "measuredHeight",
                "building_height",
            ],
        )
    });
    let storeys = field(
        data,
        &[
            "storeys",
            "geschosse",
            "anzahl_geschosse",
            "levels",
            "building:levels",
        ],
    );
    let crown = field(
        data,
        &[
            "krone_dm",
            "kr_durchm",
            "kronendurchmesser",
            "kronendm",
            "crown",
            "crown_diameter",
            "kronenbreite",
        ],
    );
    for (k, f) in data.features.iter().enumerate() {
        let Some(g) = &f.geometry else { continue };
        let own = symbology.colours.get(k).copied().flatten();
        let colour = |default: [f32; 4]| own.unwrap_or(default);
        let mut surfaces = Vec::new();
        let mut type_name = "Feature";
        match g {
            Geometry::Polygons(polys) => {
                let h = match chosen_height {
                    Some(_) => number(data, k, height).map(|h| h * height_scale),
                    None => number(data, k, height)
                        .or_else(|| number(data, k, storeys).map(|n| n * 3.0)),
                };
                for p in polys {
                    match h {
                        Some(h) => {
                            type_name = "ExtrudedFeature";
                            let base = open_ring(&p.exterior)
                                .iter()
                                .map(|c| ground(c[0], c[1]))
                                .fold(f64::INFINITY, f64::min);
                            prism(&p.exterior, base, base + h, own, &mut surfaces);
                        }
                        None if drape_cell.is_some() => {
                            let finest = drape_cell.unwrap_or(f64::INFINITY);
                            let flat = |r: &[[f64; 3]]| -> Vec<[f64; 2]> {
                                open_ring(r).iter().map(|c| [c[0], c[1]]).collect()
                            };
                            let on_ground =
                                |p: &[f64; 2]| [p[0], p[1], ground(p[0], p[1]) + DRAPE_LIFT];
                            let outer = flat(&p.exterior);
                            let (x0, x1, y0, y1) = outer.iter().fold(
                                (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
                                |(a, b, c, d), q| {
                                    (a.min(q[0]), b.max(q[0]), c.min(q[1]), d.max(q[1]))
                                },
                            );
                            let cell = crate::drape::cell_for(x1 - x0, y1 - y0, finest);
                            let holes: Vec<Vec<[f64; 2]>> =
                                p.interiors.iter().map(|r| flat(r)).collect();
                            for piece in crate::drape::grid_pieces(&outer, &holes, cell) {
                                surfaces.push(surface(
                                    Semantic::LandUse,
                                    piece.iter().map(on_ground).collect(),
                                    colour(POLYGON),
                                ));
                            }
                            for ring in std::iter::once(&outer).chain(&holes) {
                                let mut closed = ring.clone();
                                if let Some(&first) = ring.first() {
                                    closed.push(first);
                                }
                                outlines.push(
                                    crate::drape::densify(&closed, cell)
                                        .iter()
                                        .map(on_ground)
                                        .collect(),
                                );
                            }
                        }
                        None => {
                            let drape = |r: &[[f64; 3]]| -> Vec<[f64; 3]> {
                                open_ring(r)
                                    .iter()
                                    .map(|c| [c[0], c[1], ground(c[0], c[1]) + DRAPE_LIFT])
                                    .collect()
                            };
                            let mut s =
                                surface(Semantic::LandUse, drape(&p.exterior), colour(POLYGON));
                            s.interiors = p.interiors.iter().map(|r| drape(r)).collect();
                            for ring in std::iter::once(&s.exterior).chain(&s.interiors) {
                                let mut closed = ring.clone();
                                if let Some(&first) = ring.first() {
                                    closed.push(first);
                                }
                                outlines.push(closed);
                            }
                            surfaces.push(s);
                        }
                    }
                }
            }
            Geometry::Lines(lines) => {
                type_name = "LineFeature";
                for l in lines {
                    // On terrain: segments no longer than a cell, each
                    // set onto the ground at its ends.
                    let l: Vec<[f64; 3]> = match drape_cell {
                        Some(cell) => {
                            let flat: Vec<[f64; 2]> = l.iter().map(|c| [c[0], c[1]]).collect();
                            crate::drape::densify(&flat, cell)
                                .iter()
                                .map(|p| [p[0], p[1], 0.0])
                                .collect()
                        }
                        None => l.clone(),
                    };
                    for w in l.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                        let len = (dx * dx + dy * dy).sqrt();
                        if len < 1e-6 {
                            continue;
                        }
                        let (nx, ny) = (-dy / len * line_width / 2.0, dx / len * line_width / 2.0);
                        let z = |x: f64, y: f64| ground(x, y) + DRAPE_LIFT;
                        surfaces.push(surface(
                            Semantic::Traffic,
                            vec![
                                [a[0] - nx, a[1] - ny, z(a[0], a[1])],
                                [b[0] - nx, b[1] - ny, z(b[0], b[1])],
                                [b[0] + nx, b[1] + ny, z(b[0], b[1])],
                                [a[0] + nx, a[1] + ny, z(a[0], a[1])],
                            ],
                            colour(LINE),
                        ));
                    }
                }
            }
            Geometry::Points(points) => {
                // A tree cadastre, or one tree among other things (an
                // OpenStreetMap layer's natural=tree).
                let tree_here = trees
                    || data.value(k, "kind") == Some(&crate::model::Value::Text("tree".into()));
                for p in points {
                    let z = ground(p[0], p[1]);
                    if tree_here {
                        type_name = "Tree";
                        let h = number(data, k, height).unwrap_or(DEFAULT_TREE_HEIGHT);
                        let c = number(data, k, crown).unwrap_or(DEFAULT_CROWN).min(h);
                        tree([p[0], p[1]], z, h, c, [TRUNK, colour(CROWN)], &mut surfaces);
                    } else {
                        type_name = "PointFeature";
                        let position = [p[0], p[1], z + SYMBOL_LIFT];
                        symbols.push(PointSymbol {
                            position,
                            color: colour(MARKER),
                            object: model.objects.len(),
                        });
                        // One point, nothing to triangulate: the feature's
                        // place for its extent, the table's fly-to, labels.
                        surfaces.push(surface(
                            Semantic::Unclassified,
                            vec![position],
                            colour(MARKER),
                        ));
                    }
                }
            }
        }
        if surfaces.is_empty() {
            continue;
        }
        if let (Some(text), Some([x, y])) =
            (symbology.labels.get(k).cloned().flatten(), label_anchor(g))
        {
            let top = surfaces
                .iter()
                .flat_map(|s| s.exterior.iter().map(|p| p[2]))
                .fold(f64::NEG_INFINITY, f64::max);
            labels.push(Label {
                position: [x, y, top + LABEL_LIFT],
                text,
                object: model.objects.len(),
            });
        }
        model.objects.push(CityObject {
            id: f.id.clone().unwrap_or_else(|| (k + 1).to_string()),
            kind: ObjectKind::Other,
            type_name: type_name.into(),
            parent: None,
            attributes: data
                .fields
                .iter()
                .zip(&f.values)
                .filter(|(_, v)| !matches!(v, crate::model::Value::Null))
                .map(|(fd, v)| (fd.name.clone(), v.to_string()))
                .collect(),
            surfaces,
            terrain_intersection: Vec::new(),
            line: 0,
        });
    }
    VectorScene {
        model,
        labels,
        symbols,
        outlines,
    }
}
