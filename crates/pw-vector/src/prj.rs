//! The CRS of an ESRI/OGC WKT string (.prj files, GeoPackage definitions):
//! the outermost AUTHORITY["EPSG", n] if present, else a known name.

use pw_geo::Crs;
use pw_text::Message;

/// Names as ESRI and GDAL write them for the CRS planners meet.
const NAMES: &[(&str, u32)] = &[
    ("DHDN_3_Degree_Gauss_Zone_2", 31466),
    ("DHDN_3_Degree_Gauss_Zone_3", 31467),
    ("DHDN_3_Degree_Gauss_Zone_4", 31468),
    ("DHDN_3_Degree_Gauss_Zone_5", 31469),
    ("DHDN / 3-degree Gauss-Kruger zone 3", 31467),
    ("DHDN / 3-degree Gauss-Kruger zone 4", 31468),
    ("ETRS_1989_UTM_Zone_32N", 25832),
    ("ETRS_1989_UTM_Zone_33N", 25833),
    ("ETRS89 / UTM zone 32N", 25832),
    ("ETRS89 / UTM zone 33N", 25833),
    ("RGF93 / Lambert-93", 2154),
    ("RGF93_Lambert_93", 2154),
    ("WGS 84 / Pseudo-Mercator", 3857),
    ("GCS_WGS_1984", 4326),
    ("WGS 84", 4326),
    ("GCS_ETRS_1989", 4258),
    ("ETRS89", 4258),
];

/// (CRS, how it was recognised) or an explanation.
pub fn crs_of_wkt(wkt: &str) -> Result<Crs, Message> {
    let w = wkt.trim();
    // The last AUTHORITY / ID at nesting depth 1 belongs to the whole CRS.
    let mut depth = 0i32;
    let mut last_top: Option<u32> = None;
    for (i, ch) in w.char_indices() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {
                if depth == 1 && (w[i..].starts_with("AUTHORITY[") || w[i..].starts_with("ID[")) {
                    let inner = &w[i..w[i..].find(']').map_or(w.len(), |e| i + e)];
                    if inner.to_ascii_uppercase().contains("EPSG")
                        && let Some(code) = inner
                            .split(|c: char| !c.is_ascii_digit())
                            .rfind(|s| !s.is_empty())
                            .and_then(|s| s.parse().ok())
                    {
                        last_top = Some(code);
                    }
                }
            }
        }
    }
    if let Some(code) = last_top {
        return Ok(Crs::epsg(code));
    }
    let name = w
        .split_once('"')
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(n, _)| n)
        .unwrap_or("");
    NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| Crs::epsg(*c))
        .ok_or_else(|| {
            Message::new("vector.prj.unknown_crs")
                .arg("name", name)
                .english("CRS \"{name}\" is not known; name it in the scene as crs = \"EPSG:…\"")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_prj_files() {
        let bkg = include_str!("../../../../shared/data/vector/bkg_vg5000_gk3/VG5000_KRS.prj");
        assert_eq!(crs_of_wkt(bkg), Ok(Crs::epsg(31467)));
        let lorient =
            include_str!("../../../../shared/data/vector/lorient_noisemodelling/roads_traff.prj");
        assert_eq!(crs_of_wkt(lorient), Ok(Crs::epsg(2154)));
        let esri = r#"PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#;
        assert_eq!(crs_of_wkt(esri), Ok(Crs::epsg(25832)));
        assert!(
            crs_of_wkt(r#"PROJCS["Somewhere_Local",GEOGCS["x"]]"#)
                .unwrap_err()
                .to_string()
                .contains("Somewhere_Local")
        );
    }
}
