//! Every path from a source to a receiver — direct (over the obstacles),
//! left and right around them, and first-order reflections — attenuated
//! by CNOSSOS-EU.

use crate::atmosphere::Atmosphere;
use crate::cnossos::attenuation::{PathAttenuation, attenuate};
use crate::lateral::Side;
use crate::scene::NoiseScene;

/// Which paths a computation follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathSettings {
    pub atmosphere: Atmosphere,
    /// Paths around vertical edges (left and right).
    pub lateral: bool,
    /// First-order reflections on facades and walls.
    pub reflections: bool,
    /// Reflecting surfaces are looked for this far (m) around source and
    /// receiver.
    pub reflection_reach_m: f64,
}

impl Default for PathSettings {
    fn default() -> Self {
        PathSettings {
            atmosphere: Atmosphere::default(),
            lateral: true,
            reflections: true,
            reflection_reach_m: 50.0,
        }
    }
}

/// A path's attenuation and what kind it is.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundPath {
    pub kind: PathRole,
    pub attenuation: PathAttenuation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRole {
    Direct,
    Left,
    Right,
    Reflected,
}

/// All paths from `s` to `r` (altitudes absolute); empty when either lies
/// inside a building.
pub fn paths(
    scene: &NoiseScene,
    s: [f64; 3],
    r: [f64; 3],
    settings: &PathSettings,
) -> Vec<FoundPath> {
    let air = &settings.atmosphere;
    let Some(direct) = scene.direct(s, r) else {
        return Vec::new();
    };
    let mut found = vec![FoundPath {
        kind: PathRole::Direct,
        attenuation: attenuate(&direct, air, true),
    }];
    if settings.lateral {
        for (side, role) in [(Side::Right, PathRole::Right), (Side::Left, PathRole::Left)] {
            let Some(straight) = scene.lateral(s, r, side, false) else {
                continue;
            };
            let homogeneous = attenuate(&straight, air, false).homogeneous;
            let favourable = scene
                .lateral(s, r, side, true)
                .and_then(|curved| attenuate(&curved, air, true).favourable);
            found.push(FoundPath {
                kind: role,
                attenuation: PathAttenuation {
                    homogeneous,
                    favourable,
                },
            });
        }
    }
    if settings.reflections {
        for section in scene.reflections(s, r, settings.reflection_reach_m) {
            found.push(FoundPath {
                kind: PathRole::Reflected,
                attenuation: attenuate(&section, air, true),
            });
        }
    }
    found
}
