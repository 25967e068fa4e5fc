//! Every path from a source to a receiver — direct (over the obstacles),
//! left and right around them, and first-order reflections — attenuated
//! by CNOSSOS-EU.

use crate::atmosphere::Atmosphere;
use crate::bands::{Bands, NOMINAL_HZ};
use crate::cnossos::attenuation::SOUND_SPEED;
use crate::cnossos::attenuation::{PathAttenuation, attenuate};
use crate::cnossos::profile::Section;
use crate::lateral::Favourable;
use crate::scene::{NoiseScene, Reflector};

/// Which paths a computation follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathSettings {
    pub atmosphere: Atmosphere,
    /// Paths around vertical edges (left and right).
    pub lateral: bool,
    /// First-order reflections on facades and walls.
    pub reflections: bool,
    /// Reflecting surfaces are looked for this far (m) around the
    /// receiver.
    pub reflection_reach_m: f64,
    /// Lateral paths that stay this far (dB) below the direct path in
    /// every band are not followed (20 dB: at most 1 % of the energy).
    pub lateral_cutoff_db: f64,
    /// G at the source for G'_path: `Some(0.0)` for road sources (their
    /// platform is hard), `None` for the ground where the source stands.
    pub source_ground_factor: Option<f64>,
}

impl Default for PathSettings {
    fn default() -> Self {
        PathSettings {
            atmosphere: Atmosphere::default(),
            lateral: true,
            reflections: true,
            reflection_reach_m: 50.0,
            lateral_cutoff_db: 20.0,
            source_ground_factor: None,
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
    let reflectors = if settings.reflections {
        scene.reflectors_around([r[0], r[1]], settings.reflection_reach_m)
    } else {
        Vec::new()
    };
    paths_via(scene, s, r, settings, &reflectors)
}

/// All paths, with the receiver's reflecting surfaces found beforehand
/// (once per receiver for all its sources).
pub fn paths_via(
    scene: &NoiseScene,
    s: [f64; 3],
    r: [f64; 3],
    settings: &PathSettings,
    reflectors: &[Reflector],
) -> Vec<FoundPath> {
    let air = &settings.atmosphere;
    let g = settings.source_ground_factor;
    let with_source_g = |mut section: Section| {
        section.source_ground_factor = g;
        section
    };
    let Some(direct) = scene.direct(s, r).map(with_source_g) else {
        return Vec::new();
    };
    let mut found = vec![FoundPath {
        kind: PathRole::Direct,
        attenuation: attenuate(&direct, air, true),
    }];
    if settings.lateral {
        // A lateral path that cannot come within `lateral_cutoff_db` of the
        // direct one in any band is left out: its detour δ gives at least
        // Δdif = 10 lg(3 + 40 δ / λ) over ground that takes at most −3 dB.
        let direct_best: Bands = std::array::from_fn(|b| {
            let h = found[0].attenuation.homogeneous[b];
            found[0].attenuation.favourable.map_or(h, |f| h.min(f[b]))
        });
        let spreading = 20.0 * distance3(s, r).log10() + 11.0;
        let worth = |delta: f64| {
            (0..8).any(|b| {
                let lambda = SOUND_SPEED / NOMINAL_HZ[b];
                let least = spreading - 3.0 + 10.0 * (3.0 + 40.0 / lambda * delta).log10();
                least - direct_best[b] < settings.lateral_cutoff_db
            })
        };
        let [right, left] = scene.laterals(s, r, worth);
        for (path, role) in [(right, PathRole::Right), (left, PathRole::Left)] {
            let Some(path) = path else {
                continue;
            };
            let section = with_source_g(path.section);
            let attenuation = match path.favourable {
                Favourable::Same => attenuate(&section, air, true),
                Favourable::None => attenuate(&section, air, false),
                Favourable::Other(curved) => PathAttenuation {
                    homogeneous: attenuate(&section, air, false).homogeneous,
                    favourable: attenuate(&with_source_g(curved), air, true).favourable,
                },
            };
            found.push(FoundPath {
                kind: role,
                attenuation,
            });
        }
    }
    if settings.reflections {
        for section in scene.reflections_on(s, r, reflectors) {
            found.push(FoundPath {
                kind: PathRole::Reflected,
                attenuation: attenuate(&with_source_g(section), air, true),
            });
        }
    }
    found
}

fn distance3(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt()
}
