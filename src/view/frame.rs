//! The one place where GIS coordinates meet Bevy's.
//!
//! World data: f64 easting/northing/height in the scene CRS (x east, y north,
//! z up). Render frame: f32 metres from the scene origin in Bevy's axes
//! (x east, y up, z south — Bevy is right-handed with Y up, so north is -Z).

use bevy::prelude::*;
use pw_geo::{Crs, Reprojector, SceneOrigin};

/// Local east/north/up (f32, metres from origin) → Bevy axes.
pub fn enu_to_bevy(p: [f32; 3]) -> Vec3 {
    Vec3::new(p[0], p[2], -p[1])
}

/// Bevy axes → local east/north/up.
pub fn bevy_to_enu(v: Vec3) -> [f32; 3] {
    [v.x, -v.z, v.y]
}

/// A direction or normal, same mapping as positions.
pub fn enu_dir_to_bevy(n: [f32; 3]) -> Vec3 {
    enu_to_bevy(n)
}

/// The scene's coordinate frame: CRS, origin and a prepared WGS84 transform
/// for the status bar.
#[derive(Resource)]
pub struct SceneFrame {
    pub crs: Crs,
    pub origin: SceneOrigin,
    to_wgs84: Option<Reprojector>,
    from_wgs84: Option<Reprojector>,
}

impl SceneFrame {
    pub fn new(crs: Crs, origin: [f64; 3]) -> Self {
        SceneFrame {
            crs,
            origin: SceneOrigin::new(origin),
            to_wgs84: Reprojector::new(crs, Crs::WGS84).ok(),
            from_wgs84: Reprojector::new(Crs::WGS84, crs).ok(),
        }
    }

    /// World (scene CRS, f64) → Bevy render position.
    pub fn world_to_bevy(&self, p: [f64; 3]) -> Vec3 {
        enu_to_bevy(self.origin.to_local(p))
    }

    /// Bevy render position → world (scene CRS, f64).
    pub fn bevy_to_world(&self, v: Vec3) -> [f64; 3] {
        self.origin.to_world(bevy_to_enu(v))
    }

    /// World → (longitude, latitude) in degrees, if the CRS is supported.
    pub fn world_to_wgs84(&self, p: [f64; 3]) -> Option<(f64, f64)> {
        let r = self.to_wgs84.as_ref()?;
        r.apply(p).ok().map(|q| (q[0], q[1]))
    }

    /// (Longitude, latitude) in degrees → world easting/northing.
    pub fn wgs84_to_world(&self, lon: f64, lat: f64) -> Option<[f64; 2]> {
        let r = self.from_wgs84.as_ref()?;
        r.apply([lon, lat, 0.0]).ok().map(|q| [q[0], q[1]])
    }

    /// Heading in degrees clockwise from grid north of a Bevy direction.
    pub fn heading_of(dir: Vec3) -> f32 {
        let enu = bevy_to_enu(dir);
        enu[0].atan2(enu[1]).to_degrees().rem_euclid(360.0)
    }
}

impl Default for SceneFrame {
    fn default() -> Self {
        SceneFrame::new(Crs::ETRS89_UTM32, [0.0; 3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_map_east_north_up_to_bevy() {
        assert_eq!(enu_to_bevy([1.0, 0.0, 0.0]), Vec3::X, "east is +X");
        assert_eq!(
            enu_to_bevy([0.0, 1.0, 0.0]),
            Vec3::NEG_Z,
            "north is -Z (Bevy forward)"
        );
        assert_eq!(enu_to_bevy([0.0, 0.0, 1.0]), Vec3::Y, "up is +Y");
        // A proper rotation keeps handedness: east × north = up in both frames.
        assert_eq!(
            enu_to_bevy([1.0, 0.0, 0.0]).cross(enu_to_bevy([0.0, 1.0, 0.0])),
            Vec3::Y
        );
    }

    #[test]
    fn jena_point_round_trips_through_the_render_frame_within_a_millimetre() {
        let frame = SceneFrame::new(Crs::ETRS89_UTM32, [681_000.0, 5_644_000.0, 150.0]);
        for p in [
            [681_000.0, 5_644_000.0, 150.0],
            [683_456.789, 5_641_234.567, 312.345],
            [676_543.21, 5_650_987.654, 98.7],
        ] {
            let back = frame.bevy_to_world(frame.world_to_bevy(p));
            for i in 0..3 {
                assert!((back[i] - p[i]).abs() < 0.001, "{p:?} -> {back:?}");
            }
        }
    }

    #[test]
    fn status_bar_wgs84_matches_proj() {
        // PROJ 9.1.1: 681000 5644000 (EPSG:25832) → 50.919217 N 11.575173 E.
        let frame = SceneFrame::new(Crs::ETRS89_UTM32, [681_000.0, 5_644_000.0, 150.0]);
        let (lon, lat) = frame
            .world_to_wgs84([681_000.0, 5_644_000.0, 150.0])
            .unwrap();
        assert!((lat - 50.919217).abs() < 2e-6 && (lon - 11.575173).abs() < 2e-6);
    }

    #[test]
    fn headings() {
        assert!((SceneFrame::heading_of(Vec3::NEG_Z) - 0.0).abs() < 1e-4);
        assert!((SceneFrame::heading_of(Vec3::X) - 90.0).abs() < 1e-4);
        assert!((SceneFrame::heading_of(Vec3::Z) - 180.0).abs() < 1e-4);
    }
}
