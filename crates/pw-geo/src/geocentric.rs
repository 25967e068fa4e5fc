//! Earth-centred, earth-fixed (ECEF) coordinates on the WGS84 ellipsoid and
//! local east/north/up frames. 3D Tiles place content in ECEF, KML models
//! by longitude/latitude plus a local frame; both reach the scene CRS
//! through geodetic longitude/latitude/height.

const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;
const E2: f64 = F * (2.0 - F);

/// Longitude and latitude in degrees, ellipsoidal height in metres → ECEF.
pub fn geodetic_to_ecef(lon_deg: f64, lat_deg: f64, h: f64) -> [f64; 3] {
    let (lon, lat) = (lon_deg.to_radians(), lat_deg.to_radians());
    let n = A / (1.0 - E2 * lat.sin().powi(2)).sqrt();
    [
        (n + h) * lat.cos() * lon.cos(),
        (n + h) * lat.cos() * lon.sin(),
        (n * (1.0 - E2) + h) * lat.sin(),
    ]
}

/// ECEF → longitude, latitude (degrees) and ellipsoidal height (metres).
/// Bowring's start value and a few Newton steps: sub-millimetre anywhere
/// from the earth's centre region out to orbit heights.
pub fn ecef_to_geodetic(p: [f64; 3]) -> [f64; 3] {
    let [x, y, z] = p;
    let lon = y.atan2(x);
    let r = x.hypot(y);
    if r < 1e-9 {
        // On the axis: a pole.
        let b = A * (1.0 - F);
        let lat = if z >= 0.0 { 90.0 } else { -90.0 };
        return [lon.to_degrees(), lat, z.abs() - b];
    }
    let mut lat = (z / (r * (1.0 - E2))).atan();
    let mut h = 0.0;
    for _ in 0..6 {
        let n = A / (1.0 - E2 * lat.sin().powi(2)).sqrt();
        h = r / lat.cos() - n;
        let next = (z / (r * (1.0 - E2 * n / (n + h)))).atan();
        let done = (next - lat).abs() < 1e-14;
        lat = next;
        if done {
            break;
        }
    }
    [lon.to_degrees(), lat.to_degrees(), h]
}

/// Unit east, north and up vectors (in ECEF) at a geodetic position.
pub fn enu_axes(lon_deg: f64, lat_deg: f64) -> [[f64; 3]; 3] {
    let (lon, lat) = (lon_deg.to_radians(), lat_deg.to_radians());
    let (sl, cl) = lon.sin_cos();
    let (sp, cp) = lat.sin_cos();
    [
        [-sl, cl, 0.0],
        [-sp * cl, -sp * sl, cp],
        [cp * cl, cp * sl, sp],
    ]
}

/// A local east/north/up frame anchored at a geodetic point: turns local
/// metres into ECEF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnuFrame {
    pub origin_ecef: [f64; 3],
    pub axes: [[f64; 3]; 3],
}

impl EnuFrame {
    pub fn at(lon_deg: f64, lat_deg: f64, h: f64) -> Self {
        EnuFrame {
            origin_ecef: geodetic_to_ecef(lon_deg, lat_deg, h),
            axes: enu_axes(lon_deg, lat_deg),
        }
    }

    pub fn to_ecef(&self, local: [f64; 3]) -> [f64; 3] {
        let [e, n, u] = self.axes;
        std::array::from_fn(|i| {
            self.origin_ecef[i] + e[i] * local[0] + n[i] * local[1] + u[i] * local[2]
        })
    }
}

/// Whether a point is plausibly ECEF near the earth's surface (between 50 km
/// below the ellipsoid and 100 km above): tells 3D Tiles in ECEF from
/// tilesets written in a projected CRS.
pub fn is_near_earth_surface_ecef(p: [f64; 3]) -> bool {
    let [lon, lat, h] = ecef_to_geodetic(p);
    lon.is_finite() && lat.is_finite() && (-50_000.0..100_000.0).contains(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values: PROJ 9.1.1, `cs2cs +proj=longlat +datum=WGS84 +to
    // +proj=geocent +datum=WGS84` (and back).
    #[test]
    fn jena_to_ecef_matches_proj() {
        let p = geodetic_to_ecef(11.589, 50.927, 150.0);
        let want = [3_946_308.909_2, 809_271.353_4, 4_928_546.295_6];
        for i in 0..3 {
            assert!((p[i] - want[i]).abs() < 1e-3, "{p:?}");
        }
    }

    #[test]
    fn cesium_sample_transform_to_geodetic_matches_proj() {
        let g = ecef_to_geodetic([
            1_215_011.931_726_342_8,
            -4_736_309.343_421_767_5,
            4_081_602.004_480_086_3,
        ]);
        assert!((g[0] - -75.612_094_308).abs() < 1e-8, "{g:?}");
        assert!((g[1] - 40.042_530_611).abs() < 1e-8, "{g:?}");
        assert!(g[2].abs() < 1e-3, "{g:?}");
    }

    #[test]
    fn round_trip_and_poles() {
        for &(lon, lat, h) in &[
            (0.0, 0.0, 0.0),
            (179.9, -89.9, 8000.0),
            (-75.6, 40.0, -30.0),
        ] {
            let g = ecef_to_geodetic(geodetic_to_ecef(lon, lat, h));
            assert!((g[0] - lon).abs() < 1e-9 && (g[1] - lat).abs() < 1e-9);
            assert!((g[2] - h).abs() < 1e-4);
        }
        let pole = ecef_to_geodetic([0.0, 0.0, 6_356_752.314_245 + 10.0]);
        assert_eq!(pole[1], 90.0);
        assert!((pole[2] - 10.0).abs() < 1e-3);
    }

    #[test]
    fn enu_frame_moves_north_and_up() {
        let f = EnuFrame::at(11.589, 50.927, 150.0);
        let g = ecef_to_geodetic(f.to_ecef([0.0, 1000.0, 10.0]));
        // 1 km north of Jena: PROJ's transverse Mercator centred there gives
        // latitude 50.935989009 for the arc; the straight chord differs < 1e-6°.
        assert!((g[1] - 50.935_989_009).abs() < 1e-6, "{g:?}");
        assert!((g[0] - 11.589).abs() < 1e-9);
        assert!((g[2] - 160.078).abs() < 0.01, "{g:?}"); // plus earth curvature
    }

    #[test]
    fn tells_ecef_from_web_mercator() {
        assert!(is_near_earth_surface_ecef([
            1_215_011.9,
            -4_736_309.3,
            4_081_602.0
        ]));
        // Rotterdam tileset root translation in EPSG:3857: 420 km "up".
        assert!(!is_near_earth_surface_ecef([
            499_946.281,
            6_783_362.155,
            87.4
        ]));
    }
}
