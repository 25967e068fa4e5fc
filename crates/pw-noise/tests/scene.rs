//! How the scene cuts sections through buildings: courtyards open to the
//! sky, a corner only touched, the facade a receiver stands on.

use pw_noise::cnossos::profile::CutKind;
use pw_noise::scene::{Building, DEFAULT_FACADE_ALPHA, Flat, NoiseScene};

fn block_with_courtyard() -> NoiseScene {
    // A 40 × 40 m block, 15 m high, with a 20 × 20 m courtyard.
    let b = Building {
        id: "block".into(),
        footprint: vec![[0.0, 0.0], [40.0, 0.0], [40.0, 40.0], [0.0, 40.0]],
        holes: vec![vec![[10.0, 10.0], [30.0, 10.0], [30.0, 30.0], [10.0, 30.0]]],
        roof: 15.0,
        alpha: DEFAULT_FACADE_ALPHA,
    };
    NoiseScene::new(vec![b], vec![], vec![], 0.0, Box::new(Flat(0.0)))
}

fn kinds(scene: &NoiseScene, s: [f64; 3], r: [f64; 3]) -> Vec<CutKind> {
    scene
        .direct(s, r)
        .expect("a path")
        .points
        .into_iter()
        .map(|p| p.kind)
        .collect()
}

#[test]
fn a_courtyard_is_open_ground() {
    let scene = block_with_courtyard();
    assert_eq!(
        scene.building_at([20.0, 20.0]),
        None,
        "the courtyard is no building"
    );
    assert_eq!(scene.building_at([5.0, 20.0]), Some(0));
    // From the street into the courtyard: over the wing, down into the yard.
    assert_eq!(
        kinds(&scene, [-20.0, 20.0, 0.5], [20.0, 20.0, 4.0]),
        [
            CutKind::Source,
            CutKind::BuildingEnter,
            CutKind::BuildingExit,
            CutKind::Receiver
        ]
    );
    // Across the whole block: two wings, each entered and left.
    let across = kinds(&scene, [-20.0, 20.0, 0.5], [60.0, 20.0, 4.0]);
    assert_eq!(
        across
            .iter()
            .filter(|k| **k == CutKind::BuildingEnter)
            .count(),
        2
    );
    assert_eq!(
        across
            .iter()
            .filter(|k| **k == CutKind::BuildingExit)
            .count(),
        2
    );
}

#[test]
fn a_corner_only_touched_is_not_entered() {
    let scene = block_with_courtyard();
    // Along the diagonal that touches the block's corner (40, 0) only.
    assert_eq!(
        kinds(&scene, [30.0, -10.0, 0.5], [50.0, 10.0, 4.0]),
        [CutKind::Source, CutKind::Receiver]
    );
}

#[test]
fn a_receiver_on_a_facade_hears_no_reflection_from_it() {
    let scene = block_with_courtyard();
    // 0.1 m in front of the west facade (x = 0), a road 20 m west of it.
    let receiver = [-0.1, 20.0, 4.0];
    let source = [-20.0, 5.0, 0.05];
    let on_west_facade = |r: [f64; 3]| {
        scene
            .reflections(source, r, 50.0)
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| matches!(p.kind, CutKind::Reflection { .. }) && p.plan[0].abs() < 1e-6)
            .count()
    };
    assert_eq!(
        on_west_facade(receiver),
        0,
        "its own facade is not a mirror for it"
    );
    // A receiver 5 m in front of it does hear the facade.
    assert_eq!(on_west_facade([-5.0, 20.0, 4.0]), 1);
}

#[test]
fn a_street_between_facades_is_a_canyon() {
    let house = |y0: f64, y1: f64| Building {
        id: format!("{y0}"),
        footprint: vec![[0.0, y0], [100.0, y0], [100.0, y1], [0.0, y1]],
        holes: vec![],
        roof: 12.0,
        alpha: DEFAULT_FACADE_ALPHA,
    };
    // A road along y = 0 between rows of 12 m houses at y = 8 and y = −12.
    let both = NoiseScene::new(
        vec![house(8.0, 20.0), house(-30.0, -12.0)],
        vec![],
        vec![],
        0.0,
        Box::new(Flat(0.0)),
    );
    let (h, w) = both
        .street_canyon([50.0, 0.0], [1.0, 0.0], 40.0)
        .expect("a canyon");
    assert!(
        (h - 12.0).abs() < 1e-9 && (w - 20.0).abs() < 1e-9,
        "{h} {w}"
    );
    // RLS-19 Gl. 9: 2 h / w = 1.2 dB.
    assert!((pw_noise::rls19::emission::multiple_reflection(h, w) - 1.2).abs() < 1e-9);
    let one = NoiseScene::new(
        vec![house(8.0, 20.0)],
        vec![],
        vec![],
        0.0,
        Box::new(Flat(0.0)),
    );
    assert_eq!(
        one.street_canyon([50.0, 0.0], [1.0, 0.0], 40.0),
        None,
        "one side built up is no canyon"
    );
}
