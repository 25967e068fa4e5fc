//! The scene origin: world data stays in f64 projected coordinates; rendering
//! uses f32 offsets from one origin so that a city of tens of kilometres keeps
//! millimetre precision. The axes here are still GIS axes (x east, y north,
//! z up); the mapping to the render engine's axes lives in the app.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SceneOrigin {
    /// Easting, northing, height in the scene CRS.
    pub world: [f64; 3],
}

impl SceneOrigin {
    pub fn new(world: [f64; 3]) -> Self {
        SceneOrigin { world }
    }

    /// World (scene CRS) → local east/north/up offsets in metres.
    pub fn to_local(&self, p: [f64; 3]) -> [f32; 3] {
        [
            (p[0] - self.world[0]) as f32,
            (p[1] - self.world[1]) as f32,
            (p[2] - self.world[2]) as f32,
        ]
    }

    /// Local east/north/up offsets → world (scene CRS).
    pub fn to_world(&self, l: [f32; 3]) -> [f64; 3] {
        [
            self.world[0] + l[0] as f64,
            self.world[1] + l[1] as f64,
            self.world[2] + l[2] as f64,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jena_point_round_trips_within_a_millimetre() {
        let origin = SceneOrigin::new([681_000.0, 5_644_000.0, 150.0]);
        let p = [683_456.789, 5_641_234.567, 312.345];
        let back = origin.to_world(origin.to_local(p));
        for i in 0..3 {
            assert!(
                (back[i] - p[i]).abs() < 0.001,
                "axis {i}: {} vs {}",
                back[i],
                p[i]
            );
        }
    }

    #[test]
    fn far_from_origin_loses_precision_which_is_why_we_have_one() {
        // Without an origin, f32 cannot hold UTM northings to the millimetre.
        let n = 5_644_000.123_f64;
        assert!(((n as f32) as f64 - n).abs() > 0.001);
    }
}
