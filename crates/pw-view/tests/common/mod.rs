//! The NRW demo tile as a scenario, and the buildings the tests and the
//! bench look at (each with its parts: ids, footprint centre, extent).

#![allow(dead_code)] // Each test file and the bench use part of it.

use pw_analysis::scenario::Scenario;

#[path = "../../../pw-shadow/tests/common/nrw.rs"]
mod nrw;
// Each test file and the bench use part of it.
#[allow(unused_imports)]
pub use nrw::{bestand, tile};

/// A building with its parts: ids (its own first), footprint centre,
/// extent's lower and upper corner.
pub type Building = (Vec<String>, [f64; 2], [f64; 3], [f64; 3]);

/// Every building of the tile with its parts.
fn buildings(s: &Scenario) -> Vec<Building> {
    let m = &s.layers[0].model;
    m.objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.parent.is_none() && o.kind == pw_city::ObjectKind::Building)
        .map(|(i, o)| {
            let mut e = o.extent();
            let mut ids = vec![o.id.clone()];
            for c in m.objects.iter().filter(|c| c.parent == Some(i)) {
                e.union(&c.extent());
                ids.push(c.id.clone());
            }
            let centre = [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0];
            (ids, centre, e.min, e.max)
        })
        .collect()
}

/// The building that rises highest above its base.
pub fn tallest(s: &Scenario) -> Building {
    buildings(s)
        .into_iter()
        .max_by(|a, b| (a.3[2] - a.2[2]).total_cmp(&(b.3[2] - b.2[2])))
        .unwrap()
}

/// The building with the most others' centres within 60 m.
pub fn most_surrounded(s: &Scenario) -> Building {
    let all = buildings(s);
    let near = |b: &Building| {
        all.iter()
            .filter(|o| (o.1[0] - b.1[0]).hypot(o.1[1] - b.1[1]) < 60.0)
            .count()
    };
    all.iter().max_by_key(|b| near(b)).unwrap().clone()
}
