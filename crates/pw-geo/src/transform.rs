//! Reprojection between supported CRS with proj4rs (pure Rust, no C library).

use crate::crs::{Crs, CrsError};
use proj4rs::proj::Proj;

#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    #[error(transparent)]
    Crs(#[from] CrsError),
    #[error("cannot set up {crs}: {message}")]
    Setup { crs: Crs, message: String },
    #[error("point ({x}, {y}) cannot be transformed from {from} to {to}: {message}")]
    Point {
        x: f64,
        y: f64,
        from: Crs,
        to: Crs,
        message: String,
    },
}

impl TransformError {
    /// The text for the user, through the catalogues (the projection
    /// library's own detail kept).
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            TransformError::Crs(e) => return e.message(),
            TransformError::Setup { crs, message } => Message::new("crs.error.setup")
                .arg("crs", crs)
                .arg("detail", message),
            TransformError::Point {
                x,
                y,
                from,
                to,
                message,
            } => Message::new("crs.error.point")
                .arg("x", x)
                .arg("y", y)
                .arg("from", from)
                .arg("to", to)
                .arg("detail", message),
        }
        .english(&self.to_string())
    }
}

/// A prepared transformation from one CRS to another. Heights pass through
/// unchanged (proj4rs is 2D; vertical datums of our inputs are all
/// physical heights close enough for planning purposes).
pub struct Reprojector {
    from: Crs,
    to: Crs,
    src: Proj,
    dst: Proj,
    identity: bool,
    /// Whether each side counts in degrees (looked up once, not per point).
    from_degrees: bool,
    to_degrees: bool,
}

impl std::fmt::Debug for Reprojector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reprojector({} -> {})", self.from, self.to)
    }
}

fn make_proj(crs: Crs) -> Result<Proj, TransformError> {
    let def = crs.proj_definition()?;
    Proj::from_proj_string(&def).map_err(|e| TransformError::Setup {
        crs,
        message: e.to_string(),
    })
}

impl Reprojector {
    pub fn new(from: Crs, to: Crs) -> Result<Self, TransformError> {
        Ok(Reprojector {
            from,
            to,
            src: make_proj(from)?,
            dst: make_proj(to)?,
            identity: from.horizontal == to.horizontal,
            from_degrees: from.is_geographic(),
            to_degrees: to.is_geographic(),
        })
    }

    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Transforms one point. Geographic coordinates are in degrees, x = longitude.
    pub fn apply(&self, p: [f64; 3]) -> Result<[f64; 3], TransformError> {
        if self.identity {
            return Ok(p);
        }
        let mut q = (p[0], p[1], 0.0);
        if self.from_degrees {
            q.0 = q.0.to_radians();
            q.1 = q.1.to_radians();
        }
        proj4rs::transform::transform(&self.src, &self.dst, &mut q).map_err(|e| {
            TransformError::Point {
                x: p[0],
                y: p[1],
                from: self.from,
                to: self.to,
                message: e.to_string(),
            }
        })?;
        if self.to_degrees {
            q.0 = q.0.to_degrees();
            q.1 = q.1.to_degrees();
        }
        if !q.0.is_finite() || !q.1.is_finite() {
            return Err(TransformError::Point {
                x: p[0],
                y: p[1],
                from: self.from,
                to: self.to,
                message: "result is not a finite number".into(),
            });
        }
        Ok([q.0, q.1, p[2]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 3], b: [f64; 3], tol: f64) -> bool {
        (a[0] - b[0]).abs() < tol && (a[1] - b[1]).abs() < tol
    }

    #[test]
    fn jena_utm32_to_wgs84_matches_reference() {
        // Reference from PROJ 9.1.1: `echo "681000 5644000" | cs2cs -f %.6f EPSG:25832 EPSG:4326`
        // → 50.919217 11.575173. 1e-6° is about 0.1 m.
        let r = Reprojector::new(Crs::epsg(25832), Crs::WGS84).unwrap();
        let ll = r.apply([681_000.0, 5_644_000.0, 150.0]).unwrap();
        assert!((ll[1] - 50.919217).abs() < 2e-6, "lat {}", ll[1]);
        assert!((ll[0] - 11.575173).abs() < 2e-6, "lon {}", ll[0]);
        assert_eq!(ll[2], 150.0);
        let back = Reprojector::new(Crs::WGS84, Crs::epsg(25832))
            .unwrap()
            .apply(ll)
            .unwrap();
        assert!(
            close(back, [681_000.0, 5_644_000.0, 0.0], 0.001),
            "{back:?}"
        );
    }

    #[test]
    fn utm_central_meridian_is_exact() {
        // On the central meridian of zone 32 (9° E) the easting is exactly 500 000 m.
        let r = Reprojector::new(Crs::WGS84, Crs::epsg(25832)).unwrap();
        let p = r.apply([9.0, 51.0, 0.0]).unwrap();
        assert!((p[0] - 500_000.0).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn gauss_krueger_zone3_to_utm32_matches_proj() {
        // A Karlsruhe point (lindenallee_kranichweg_v1.gml area), GK3 → UTM32.
        // Reference from PROJ 9.1.1 cs2cs with the same proj strings (`projinfo EPSG:31467
        // -o PROJ`, 7-parameter Helmert) → 456601.998 5431616.905. PROJ's own EPSG
        // pipeline picks another DHDN→ETRS89 Helmert and lands 0.7 m away
        // (456601.950 5431616.189): that is the datum transformation's accuracy, not ours.
        let r = Reprojector::new(Crs::epsg(31467), Crs::epsg(25832)).unwrap();
        let p = r.apply([3_456_660.0, 5_433_350.0, 0.0]).unwrap();
        assert!(close(p, [456_601.998, 5_431_616.905, 0.0], 0.01), "{p:?}");
        assert!(close(p, [456_601.950, 5_431_616.189, 0.0], 1.0), "{p:?}");
    }

    #[test]
    fn swiss_and_dutch_projection_origins() {
        // PROJ 9.1.1: LV95 (2600000, 1200000) → 46.951083 N 7.438632 E is the Bern origin;
        // RD New (155000, 463000) → 52.155172 N 5.387204 E.
        let ch = Reprojector::new(Crs::epsg(2056), Crs::WGS84)
            .unwrap()
            .apply([2_600_000.0, 1_200_000.0, 0.0])
            .unwrap();
        assert!(
            (ch[1] - 46.951083).abs() < 2e-5 && (ch[0] - 7.438632).abs() < 2e-5,
            "{ch:?}"
        );
        let nl = Reprojector::new(Crs::epsg(28992), Crs::WGS84)
            .unwrap()
            .apply([155_000.0, 463_000.0, 0.0])
            .unwrap();
        assert!(
            (nl[1] - 52.155172).abs() < 2e-5 && (nl[0] - 5.387204).abs() < 2e-5,
            "{nl:?}"
        );
    }

    #[test]
    fn unsupported_crs_is_a_clear_error() {
        let err = Reprojector::new(Crs::epsg(12345), Crs::epsg(25832)).unwrap_err();
        assert!(err.to_string().contains("EPSG:12345"), "{err}");
    }

    #[test]
    fn any_utm_zone_works_for_other_cities() {
        // Philadelphia (Cesium 3D Tiles sample) in WGS 84 / UTM 18N. PROJ 9.1.1:
        // `echo "40.042530611 -75.612094308" | cs2cs EPSG:4326 EPSG:32618` → 447784.070 4432657.162
        let r = Reprojector::new(Crs::WGS84, Crs::epsg(32618)).unwrap();
        let p = r.apply([-75.612_094_308, 40.042_530_611, 0.0]).unwrap();
        assert!(
            (p[0] - 447_784.070).abs() < 0.002 && (p[1] - 4_432_657.162).abs() < 0.002,
            "{p:?}"
        );
        assert_eq!(Crs::epsg(32618).name(), "WGS 84 / UTM zone 18N");
        assert_eq!(Crs::epsg(32733).name(), "WGS 84 / UTM zone 33S");
        // Beyond the UTM zones the EPSG registry answers (UPS North); codes
        // it does not hold stay unsupported.
        assert!(
            Crs::epsg(32661)
                .proj_definition()
                .unwrap()
                .contains("+proj=stere")
        );
        assert!(Crs::epsg(32699).proj_definition().is_err());
    }
}
