//! ISO/TR 17534-4 test cases from their geometry: the scene cuts the
//! sections (terrain, ground zones, walls, buildings, reflections) and
//! CNOSSOS-EU attenuates them; levels against `reference_cnossos.json`
//! (../shared/data/noise/iso17534-4) within the ISO criterion of 0.1 dB
//! per band. Source power 93 dB per band, p = 0.5, 10 °C, 70 %.
//!
//! Covered: TC01–TC07, TC10 (direct path), TC16, TC17, TC20 (all paths).
//! Not yet: lateral paths (TC08–TC15, TC19, TC21, TC22, TC25, TC28 totals).

use pw_noise::atmosphere::Atmosphere;
use pw_noise::bands::{A_WEIGHTING, Bands, power_to_db};
use pw_noise::cnossos::attenuation::{PathAttenuation, attenuate};
use pw_noise::scene::{
    Building, DEFAULT_FACADE_ALPHA, Flat, GroundZone, NoiseScene, Terrain, Triangles, Wall,
};
use serde_json::Value;
use std::path::PathBuf;

const POWER: Bands = [93.0; 8];

fn reference() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/noise/iso17534-4/reference_cnossos.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("reference_cnossos.json")).unwrap()
}

fn bands(v: &Value) -> Bands {
    let a = v.as_array().unwrap();
    std::array::from_fn(|i| a[i].as_f64().unwrap())
}

fn rectangle(x: [f64; 2], y: [f64; 2], g: f64) -> GroundZone {
    GroundZone {
        ring: vec![[x[0], y[0]], [x[1], y[0]], [x[1], y[1]], [x[0], y[1]]],
        g,
    }
}

/// Ground "TC5": G 0.9 / 0.5 / 0.2 for x in [0,50] / [50,150] / [150,225].
fn tc5_ground(y: [f64; 2]) -> Vec<GroundZone> {
    vec![
        rectangle([0.0, 50.0], y, 0.9),
        rectangle([50.0, 150.0], y, 0.5),
        rectangle([150.0, 225.0], y, 0.2),
    ]
}

/// Terrain "TC5": flat to x 120, a ramp to a 10 m plateau (185…205,
/// y −5…75), down again to 0 at x 225.
fn tc5_terrain() -> Box<dyn Terrain> {
    let quad = |a: [f64; 3], b: [f64; 3], c: [f64; 3], d: [f64; 3]| [[a, b, c], [a, c, d]];
    let mut t = Vec::new();
    t.extend(quad(
        [120.0, -20.0, 0.0],
        [185.0, -5.0, 10.0],
        [185.0, 75.0, 10.0],
        [120.0, 80.0, 0.0],
    ));
    t.extend(quad(
        [185.0, -5.0, 10.0],
        [205.0, -5.0, 10.0],
        [205.0, 75.0, 10.0],
        [185.0, 75.0, 10.0],
    ));
    t.extend(quad(
        [205.0, -5.0, 10.0],
        [225.0, -20.0, 0.0],
        [225.0, 80.0, 0.0],
        [205.0, 75.0, 10.0],
    ));
    Box::new(Triangles(t))
}

fn paths(scene: &NoiseScene, s: [f64; 3], r: [f64; 3]) -> (PathAttenuation, Vec<PathAttenuation>) {
    let air = Atmosphere::default();
    let direct = attenuate(&scene.direct(s, r).expect("direct path"), &air, true);
    let reflected = scene
        .reflections(s, r, 500.0)
        .iter()
        .map(|p| attenuate(p, &air, true))
        .collect();
    (direct, reflected)
}

/// Largest deviation of the direct path's L_H, L_F from the reference.
fn direct_deviation(tc: &str, direct: &PathAttenuation) -> f64 {
    let reference = reference();
    let (lh, lf) = (
        bands(&reference[tc]["Direct"]["LH"]),
        bands(&reference[tc]["Direct"]["LF"]),
    );
    (0..8)
        .map(|i| {
            let h = (POWER[i] - direct.homogeneous[i] - lh[i]).abs();
            let f = (POWER[i] - direct.favourable.unwrap()[i] - lf[i]).abs();
            h.max(f)
        })
        .fold(0.0, f64::max)
}

/// Largest deviation of the total A-weighted level per band (all paths,
/// p = 0.5) from the reference LA (`key` "LA" or "LA_WL").
fn total_deviation(tc: &str, key: &str, all: &[&PathAttenuation]) -> f64 {
    let expected = bands(&reference()[tc][key]);
    let mut energy = [0.0; 8];
    for path in all {
        let e = path.energy(&POWER, 0.5);
        for i in 0..8 {
            energy[i] += e[i];
        }
    }
    (0..8)
        .map(|i| (power_to_db(energy[i]) + A_WEIGHTING[i] - expected[i]).abs())
        .fold(0.0, f64::max)
}

#[test]
fn tc01_to_tc04_flat_ground() {
    let (s, r) = ([10.0, 10.0, 1.0], [200.0, 50.0, 4.0]);
    for (tc, g) in [("TC01", 0.0), ("TC02", 0.5), ("TC03", 1.0)] {
        let scene = NoiseScene::new(vec![], vec![], vec![], g, Box::new(Flat(0.0)));
        let (direct, reflected) = paths(&scene, s, r);
        assert!(reflected.is_empty());
        let worst = direct_deviation(tc, &direct).max(total_deviation(tc, "LA", &[&direct]));
        assert!(worst <= 0.1, "{tc}: {worst:.3} dB off");
    }
    let y = [-20.0, 80.0];
    let zones = vec![
        rectangle([0.0, 50.0], y, 0.2),
        rectangle([50.0, 150.0], y, 0.5),
        rectangle([150.0, 225.0], y, 0.9),
    ];
    let scene = NoiseScene::new(vec![], vec![], zones, 0.2, Box::new(Flat(0.0)));
    let (direct, _) = paths(&scene, s, r);
    let worst = direct_deviation("TC04", &direct).max(total_deviation("TC04", "LA", &[&direct]));
    assert!(worst <= 0.1, "TC04: {worst:.3} dB off");
}

#[test]
fn tc05_tc06_tc20_terrain() {
    for (tc, r) in [
        ("TC05", [200.0, 50.0, 14.0]),
        ("TC06", [200.0, 50.0, 11.5]),
        ("TC20", [200.0, 25.0, 14.0]),
    ] {
        let scene = NoiseScene::new(
            vec![],
            vec![],
            tc5_ground([-20.0, 80.0]),
            0.9,
            tc5_terrain(),
        );
        let (direct, reflected) = paths(&scene, [10.0, 10.0, 1.0], r);
        assert!(reflected.is_empty());
        let worst = direct_deviation(tc, &direct).max(total_deviation(tc, "LA", &[&direct]));
        assert!(worst <= 0.1, "{tc}: {worst:.3} dB off");
    }
}

#[test]
fn tc07_long_barrier() {
    let wall = Wall {
        id: "1".into(),
        line: vec![[100.0, 240.0, 6.0], [265.0, -180.0, 6.0]],
        alpha: DEFAULT_FACADE_ALPHA,
    };
    let scene = NoiseScene::new(
        vec![],
        vec![wall],
        tc5_ground([-250.0, 250.0]),
        0.9,
        Box::new(Flat(0.0)),
    );
    let (direct, _) = paths(&scene, [10.0, 10.0, 1.0], [200.0, 50.0, 4.0]);
    let worst = direct_deviation("TC07", &direct);
    assert!(worst <= 0.1, "TC07: {worst:.3} dB off");
}

#[test]
fn tc10_cubic_building() {
    let building = Building {
        id: "cube".into(),
        footprint: vec![[55.0, 5.0], [65.0, 5.0], [65.0, 15.0], [55.0, 15.0]],
        roof: 10.0,
        alpha: DEFAULT_FACADE_ALPHA,
    };
    let zones = vec![rectangle([0.0, 100.0], [0.0, 100.0], 0.5)];
    let scene = NoiseScene::new(vec![building], vec![], zones, 0.5, Box::new(Flat(0.0)));
    let (direct, reflected) = paths(&scene, [50.0, 10.0, 1.0], [70.0, 10.0, 4.0]);
    assert!(reflected.is_empty(), "no facade sees both");
    let worst = direct_deviation("TC10", &direct);
    assert!(worst <= 0.1, "TC10: {worst:.3} dB off");
}

#[test]
fn tc16_tc17_reflecting_barrier_on_terrain() {
    let alpha = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.5];
    for (tc, z) in [("TC16", 14.0), ("TC17", 11.5)] {
        let wall = Wall {
            id: "-1".into(),
            line: vec![[114.0, 52.0, 15.0], [170.0, 60.0, 15.0]],
            alpha,
        };
        let scene = NoiseScene::new(
            vec![],
            vec![wall],
            tc5_ground([-20.0, 80.0]),
            0.9,
            tc5_terrain(),
        );
        let (direct, reflected) = paths(&scene, [10.0, 10.0, 1.0], [200.0, 50.0, z]);
        assert_eq!(reflected.len(), 1, "{tc}: one reflection on the wall");
        let worst =
            direct_deviation(tc, &direct).max(total_deviation(tc, "LA", &[&direct, &reflected[0]]));
        assert!(worst <= 0.1, "{tc}: {worst:.3} dB off");
    }
}
