//! A variant's new buildings, trees and surfaces written as CityJSON 2.0 and
//! CityGML 2.0 and read back by our readers: the same objects, kinds,
//! attributes and every surface to 1 mm.

use pw_city::{CityModel, ObjectKind};
use pw_plan::{Roof, Tree, Use, Variant, Volume};

fn variant_model() -> CityModel {
    let mut v = Variant::new("Variante B");
    let quad = |x: f64| {
        vec![
            [x, 5_657_330.7],
            [x + 20.0, 5_657_330.7],
            [x + 20.0, 5_657_342.7],
            [x, 5_657_342.7],
        ]
    };
    for (k, roof) in [
        Roof::Flat,
        Roof::Gable {
            pitch: 35.0,
            ridge_edge: 0,
        },
        Roof::Hip {
            pitch: 30.0,
            ridge_edge: 1,
        },
        Roof::MonoPitch {
            pitch: 12.5,
            high_edge: 2,
        },
    ]
    .into_iter()
    .enumerate()
    {
        v.volumes.push(Volume {
            name: format!("Haus {k} & Söhne <Nord>"),
            roof,
            usage: Use::Gemeinbedarf,
            ..Volume::new(
                format!("neu-{k}"),
                quad(280_930.123 + 30.0 * k as f64),
                3 + k as u32,
            )
        });
    }
    // An L-shaped flat block: six corners.
    v.volumes.push(Volume::new(
        "neu-L",
        vec![
            [281_100.0, 5_657_300.0],
            [281_130.0, 5_657_300.0],
            [281_130.0, 5_657_310.0],
            [281_110.0, 5_657_310.0],
            [281_110.0, 5_657_325.0],
            [281_100.0, 5_657_325.0],
        ],
        5,
    ));
    v.trees.push(Tree {
        species: "Tilia cordata".into(),
        ..Tree::new("baum-1", [280_960.25, 5_657_360.5])
    });
    v.surfaces.push(pw_plan::Surface::new(
        "hof",
        pw_plan::SurfaceKind::Sealed,
        vec![
            [280_960.0, 5_657_370.0],
            [280_975.0, 5_657_370.0],
            [280_975.0, 5_657_376.0],
            [280_960.0, 5_657_376.0],
        ],
    ));
    v.surfaces.push(pw_plan::Surface::new(
        "gruen",
        pw_plan::SurfaceKind::Unsealed,
        vec![
            [280_980.0, 5_657_370.0],
            [280_990.0, 5_657_370.0],
            [280_990.0, 5_657_374.0],
        ],
    ));
    let edits = v.edits(&|x, _| 150.0 + (x - 280_930.0) * 0.01);
    let mut model = (*edits.added[0]).clone();
    model.crs = Some(pw_geo::Crs {
        horizontal: 25832,
        vertical: Some(7837),
    });
    model
}

fn same_to_a_millimetre(a: &CityModel, b: &CityModel, format: &str) {
    assert_eq!(a.objects.len(), b.objects.len(), "{format}");
    for o in &a.objects {
        let r = b
            .objects
            .iter()
            .find(|x| x.id == o.id)
            .unwrap_or_else(|| panic!("{format}: {} lost", o.id));
        assert_eq!(r.kind, o.kind, "{format} {}", o.id);
        // CityGML calls CityJSON's TransportSquare "Square".
        let same_type = r.type_name == o.type_name
            || (r.type_name == "Square" && o.type_name == "TransportSquare");
        assert!(
            same_type,
            "{format} {}: {} ≠ {}",
            o.id, r.type_name, o.type_name
        );
        for (k, v) in &o.attributes {
            assert_eq!(
                r.attribute(k),
                Some(v.as_str()),
                "{format} {}: attribute {k}",
                o.id
            );
        }
        assert_eq!(r.surfaces.len(), o.surfaces.len(), "{format} {}", o.id);
        for s in &o.surfaces {
            // Surfaces may come back in another order: find the same one.
            let found = r.surfaces.iter().any(|t| {
                t.semantic == s.semantic
                    && t.lod == s.lod
                    && t.exterior.len() == s.exterior.len()
                    && t.exterior
                        .iter()
                        .zip(&s.exterior)
                        .all(|(p, q)| (0..3).all(|i| (p[i] - q[i]).abs() <= 0.0005 + 1e-9))
            });
            assert!(
                found,
                "{format} {}: a {:?} surface changed: {:?}",
                o.id, s.semantic, s.exterior
            );
        }
    }
}

#[test]
fn cityjson_round_trip_keeps_geometry_to_a_millimetre() {
    let model = variant_model();
    assert_eq!(model.objects.len(), 8);
    let bytes = serde_json::to_vec(&pw_city::export::to_cityjson(&model)).unwrap();
    let back = pw_city::cityjson::read(&bytes, None).unwrap();
    assert_eq!(back.crs.map(|c| c.horizontal), Some(25832));
    same_to_a_millimetre(&model, &back, "CityJSON");
}

#[test]
fn citygml_round_trip_keeps_geometry_to_a_millimetre() {
    let model = variant_model();
    let text = pw_city::export::to_citygml(&model);
    assert!(
        text.contains("<bldg:roofType>3100</bldg:roofType>"),
        "{text}"
    );
    assert!(text.contains("<bldg:storeysAboveGround>4</bldg:storeysAboveGround>"));
    assert!(
        text.contains("Haus 1 &amp; Söhne &lt;Nord&gt;"),
        "names are escaped"
    );
    assert!(text.contains("<veg:SolitaryVegetationObject gml:id=\"baum-1\">"));
    assert!(text.contains("<tran:Square gml:id=\"hof\">"), "{text}");
    assert!(text.contains("<veg:PlantCover gml:id=\"gruen\">"));
    let back = pw_city::citygml::read(text.as_bytes(), None).unwrap();
    assert!(back.issues.is_empty(), "{:?}", back.issues);
    assert_eq!(
        back.crs.map(|c| (c.horizontal, c.vertical)),
        Some((25832, Some(7837)))
    );
    same_to_a_millimetre(&model, &back, "CityGML");
    let kinds: Vec<ObjectKind> = back.objects.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == ObjectKind::Building).count(),
        5
    );
}
