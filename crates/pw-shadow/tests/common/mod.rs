//! Test geometry: boxes as LoD2-like buildings, time windows around instants.

use pw_city::{CityModel, CityObject, ObjectKind, Semantic, Surface};
use pw_shadow::TimeWindow;

fn surface(semantic: Semantic, ring: Vec<[f64; 3]>) -> Surface {
    Surface {
        id: None,
        semantic,
        lod: 2,
        lod_minor: 0,
        exterior: ring,
        interiors: Vec::new(),
        looks: Vec::new(),
    }
}

/// A box building: footprint [x0, x0+w] × [y0, y0+d], from `base` up `h` m;
/// rings counter-clockwise seen from outside.
pub fn box_building(id: &str, x0: f64, y0: f64, w: f64, d: f64, base: f64, h: f64) -> CityObject {
    let (x1, y1, top) = (x0 + w, y0 + d, base + h);
    let p = |x: f64, y: f64, z: f64| [x, y, z];
    let surfaces = vec![
        surface(
            Semantic::Ground,
            vec![
                p(x0, y0, base),
                p(x0, y1, base),
                p(x1, y1, base),
                p(x1, y0, base),
            ],
        ),
        surface(
            Semantic::Roof,
            vec![
                p(x0, y0, top),
                p(x1, y0, top),
                p(x1, y1, top),
                p(x0, y1, top),
            ],
        ),
        // South, east, north, west walls.
        surface(
            Semantic::Wall,
            vec![
                p(x0, y0, base),
                p(x1, y0, base),
                p(x1, y0, top),
                p(x0, y0, top),
            ],
        ),
        surface(
            Semantic::Wall,
            vec![
                p(x1, y0, base),
                p(x1, y1, base),
                p(x1, y1, top),
                p(x1, y0, top),
            ],
        ),
        surface(
            Semantic::Wall,
            vec![
                p(x1, y1, base),
                p(x0, y1, base),
                p(x0, y1, top),
                p(x1, y1, top),
            ],
        ),
        surface(
            Semantic::Wall,
            vec![
                p(x0, y1, base),
                p(x0, y0, base),
                p(x0, y0, top),
                p(x0, y1, top),
            ],
        ),
    ];
    CityObject {
        id: id.into(),
        kind: ObjectKind::Building,
        type_name: "Building".into(),
        parent: None,
        attributes: Vec::new(),
        surfaces,
        terrain_intersection: Vec::new(),
        line: 1,
    }
}

pub fn model(objects: Vec<CityObject>) -> CityModel {
    CityModel {
        format: "test".into(),
        objects,
        ..Default::default()
    }
}

/// One step centred on `unix` (the sun is taken at the step's middle).
pub fn at_instant(unix: f64) -> TimeWindow {
    TimeWindow {
        date: "instant".into(),
        start: unix - 30.0,
        end: unix + 30.0,
    }
}
