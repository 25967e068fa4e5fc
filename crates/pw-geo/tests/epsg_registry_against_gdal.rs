//! Systems beyond our own table come from the EPSG registry's proj strings.
//! GDAL (with PROJ and the EPSG database) transforms the same points side by
//! side: a city anywhere in Europe or Japan lands where GDAL puts it.

use pw_geo::{Crs, Reprojector};
use std::process::Command;

/// GDAL's easting and northing of a longitude/latitude in `target` (an
/// `EPSG:` code or a proj string); `gdaltransform` keeps the GIS order:
/// longitude and easting first.
fn gdal(target: &str, lon: f64, lat: f64) -> [f64; 2] {
    let mut child = Command::new("gdaltransform")
        .args(["-s_srs", "EPSG:4326", "-t_srs", target, "-output_xy"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gdaltransform (GDAL) must be installed: the test set-up installs it");
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{lon} {lat}").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|t| t.parse().unwrap_or_else(|_| panic!("GDAL said {text:?}")))
        .collect();
    [v[0], v[1]]
}

/// (code, place, longitude, latitude, metres from GDAL's own choice).
/// With the same proj string GDAL and we agree to the centimetre for every
/// system. GDAL's choice for the EPSG code agrees as closely on ETRS89 and
/// other GRS80 systems; where PROJ shifts the datum with a better
/// transformation than the registry's 3- or 7-parameter one (OSGB 36,
/// S-JTSK, GGRS87, CH1903, DHDN) the gap below is what our Helmert shift
/// costs in accuracy (README, "What loads today", CRS).
const CASES: &[(u32, &str, f64, f64, f64)] = &[
    (
        6677,
        "Tokyo, JGD2011 / Japan Plane IX",
        139.7671,
        35.6812,
        0.01,
    ),
    (2180, "Warsaw, ETRS89 / Poland CS92", 21.0122, 52.2297, 0.01),
    (3006, "Stockholm, SWEREF99 TM", 18.0686, 59.3293, 0.01),
    (3035, "Jena, ETRS89 / LAEA Europe", 11.5752, 50.9192, 0.01),
    (
        2193,
        "Wellington, NZGD2000 / NZTM",
        174.7762,
        -41.2865,
        0.01,
    ),
    (3067, "Helsinki, ETRS-TM35FIN", 24.9384, 60.1699, 0.01),
    (
        4647,
        "Jena, ETRS89 / UTM 32N with zone prefix",
        11.5752,
        50.9192,
        0.01,
    ),
    (31468, "Jena, DHDN / Gauss-Krüger 4", 11.5752, 50.9192, 5.0),
    (
        27700,
        "London, OSGB 36 / British National Grid",
        -0.1246,
        51.5007,
        5.0,
    ),
    (
        5514,
        "Prague, S-JTSK / Krovak East North",
        14.4378,
        50.0755,
        12.0,
    ),
    (2100, "Athens, GGRS87 / Greek Grid", 23.7275, 37.9838, 5.0),
    (21781, "Bern, CH1903 / LV03", 7.4474, 46.9480, 5.0),
];

#[test]
fn registry_systems_land_where_gdal_puts_them() {
    for &(code, place, lon, lat, tolerance) in CASES {
        let crs = Crs::epsg(code);
        assert!(!crs.is_geographic(), "{place}");
        let ours = Reprojector::new(Crs::WGS84, crs)
            .unwrap_or_else(|e| panic!("{place}: {e}"))
            .apply([lon, lat, 0.0])
            .unwrap();
        let apart = |theirs: [f64; 2]| (ours[0] - theirs[0]).hypot(ours[1] - theirs[1]);
        // The same definition: our maths against PROJ's.
        let same = gdal(&crs.proj_definition().unwrap(), lon, lat);
        assert!(
            apart(same) < 0.01,
            "{place} (EPSG:{code}) with the same proj string: ours {ours:?}, GDAL {same:?}"
        );
        // GDAL's own choice of transformation for the code.
        let theirs = gdal(&format!("EPSG:{code}"), lon, lat);
        println!("{place}: {:.3} m from GDAL's EPSG:{code}", apart(theirs));
        assert!(
            apart(theirs) <= tolerance,
            "{place} (EPSG:{code}): ours {:.3}, {:.3}, GDAL {:.3}, {:.3}: {:.3} m apart",
            ours[0],
            ours[1],
            theirs[0],
            theirs[1],
            apart(theirs)
        );
        // And back to the same longitude and latitude (1e-7° ≈ 1 cm).
        let back = Reprojector::new(crs, Crs::WGS84)
            .unwrap()
            .apply(ours)
            .unwrap();
        assert!(
            (back[0] - lon).abs() < 1e-7 && (back[1] - lat).abs() < 1e-7,
            "{place}: back at {back:?}"
        );
    }
}

#[test]
fn plateau_models_geographic_japan_is_degrees_latitude_first() {
    // PLATEAU's CityGML names ".../EPSG/0/6697": JGD2011 + JGD2011 height.
    let (crs, order) =
        Crs::parse_with_axis_order("http://www.opengis.net/def/crs/EPSG/0/6697").unwrap();
    assert_eq!(crs.horizontal, 6668);
    assert_eq!(crs.vertical, Some(6695));
    assert!(crs.is_geographic());
    assert_eq!(order, pw_geo::crs::AxisOrder::NorthEast);
    assert_eq!(crs.name(), "JGD2011");
    // JGD2011 is ITRF-based: Tokyo station in Japan Plane IX as GDAL has it.
    let theirs = gdal("EPSG:6677", 139.7671, 35.6812);
    let ours = Reprojector::new(crs, Crs::epsg(6677))
        .unwrap()
        .apply([139.7671, 35.6812, 0.0])
        .unwrap();
    assert!(
        (ours[0] - theirs[0]).hypot(ours[1] - theirs[1]) < 0.01,
        "{ours:?} vs {theirs:?}"
    );
}
