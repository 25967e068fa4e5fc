//! Parsing of coordinate reference system names as they appear in real files:
//! `EPSG:25832`, OGC URNs and URLs, compound CRS URNs, CRS84 and the German
//! AdV URNs; the axis order such a name implies. Our own table holds the
//! systems German data use (with the datum shifts we chose); every other
//! EPSG code comes from the EPSG registry's proj strings (`crs-definitions`).

use std::fmt;

/// A horizontal CRS by EPSG code plus an optional vertical CRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Crs {
    pub horizontal: u32,
    pub vertical: Option<u32>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CrsError {
    #[error("unknown coordinate reference system '{0}': write it as EPSG:<code>, e.g. EPSG:25832")]
    Unrecognised(String),
    #[error(
        "EPSG:{0} cannot be reprojected: the EPSG registry has no such code or no definition PROJ can follow for it; \
         give the data in another system (e.g. EPSG:25832 or EPSG:4326)"
    )]
    Unsupported(u32),
}

impl CrsError {
    /// The text for the user, through the catalogues.
    pub fn message(&self) -> pw_text::Message {
        use pw_text::Message;
        match self {
            CrsError::Unrecognised(text) => Message::new("crs.error.unknown").arg("crs", text),
            CrsError::Unsupported(code) => Message::new("crs.error.unsupported").arg("code", code),
        }
        .english(&self.to_string())
    }
}

/// EPSG codes of vertical reference systems we recognise in compound names.
const VERTICAL_CODES: &[u32] = &[5783, 7837, 5784, 5709, 5710, 5778, 3855, 5773];

/// Horizontal CRS we can reproject, as proj strings (from the EPSG registry).
pub(crate) const PROJ_DEFINITIONS: &[(u32, &str, &str)] = &[
    (4326, "WGS 84", "+proj=longlat +datum=WGS84 +no_defs"),
    (4979, "WGS 84 (3D)", "+proj=longlat +datum=WGS84 +no_defs"),
    (
        4258,
        "ETRS89",
        "+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs",
    ),
    (
        25832,
        "ETRS89 / UTM zone 32N",
        "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        25833,
        "ETRS89 / UTM zone 33N",
        "+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        32632,
        "WGS 84 / UTM zone 32N",
        "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs",
    ),
    (
        32633,
        "WGS 84 / UTM zone 33N",
        "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs",
    ),
    (
        31466,
        "DHDN / 3-degree Gauss-Kruger zone 2",
        "+proj=tmerc +lat_0=0 +lon_0=6 +k=1 +x_0=2500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
    ),
    (
        31467,
        "DHDN / 3-degree Gauss-Kruger zone 3",
        "+proj=tmerc +lat_0=0 +lon_0=9 +k=1 +x_0=3500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
    ),
    (
        31468,
        "DHDN / 3-degree Gauss-Kruger zone 4",
        "+proj=tmerc +lat_0=0 +lon_0=12 +k=1 +x_0=4500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
    ),
    (
        31469,
        "DHDN / 3-degree Gauss-Kruger zone 5",
        "+proj=tmerc +lat_0=0 +lon_0=15 +k=1 +x_0=5500000 +y_0=0 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs",
    ),
    (
        3857,
        "WGS 84 / Pseudo-Mercator",
        "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs",
    ),
    (
        28992,
        "Amersfoort / RD New",
        "+proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs",
    ),
    (
        2056,
        "CH1903+ / LV95",
        "+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=2600000 +y_0=1200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs",
    ),
    (
        31256,
        "MGI / Austria GK East",
        "+proj=tmerc +lat_0=0 +lon_0=16.3333333333333 +k=1 +x_0=0 +y_0=-5000000 +ellps=bessel +towgs84=577.326,90.129,463.919,5.137,1.474,5.297,2.4232 +units=m +no_defs",
    ),
    (
        2154,
        "RGF93 v1 / Lambert-93",
        "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        3946,
        "RGF93 v1 / CC46",
        "+proj=lcc +lat_0=46 +lon_0=3 +lat_1=45.25 +lat_2=46.75 +x_0=1700000 +y_0=5200000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
    (
        3879,
        "ETRS89 / GK25FIN",
        "+proj=tmerc +lat_0=0 +lon_0=25 +k=1 +x_0=25500000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
    ),
];

/// Which coordinate comes first in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisOrder {
    /// Easting (or longitude) first: the GIS tradition, GeoJSON, shapefiles.
    EastNorth,
    /// Northing (or latitude) first: what the EPSG registry defines for
    /// geographic systems, Gauß-Krüger and some national grids.
    NorthEast,
}

/// Projected systems whose EPSG definition puts the northing first (the
/// registry's "X" is north there). Geographic systems are all latitude first.
const NORTH_FIRST_PROJECTED: &[std::ops::RangeInclusive<u32>] = &[
    2166..=2168,   // Pulkovo 1942(83) / Gauß-Krüger (East Germany)
    2176..=2180,   // Poland CS2000 zones and CS92
    2443..=2461,   // JGD2000 / Japan Plane Rectangular CS I–XIX
    3006..=3018,   // SWEREF99 TM and its local zones
    3034..=3035,   // ETRS89 / LCC and LAEA Europe (INSPIRE)
    3346..=3346,   // LKS94 / Lithuania TM
    3873..=3885,   // ETRS89 / GKnFIN (Finland)
    6669..=6687,   // JGD2011 / Japan Plane Rectangular CS I–XIX
    28402..=28432, // Pulkovo 1942 / Gauß-Krüger zones
    31461..=31469, // DHDN / Gauß-Krüger
];

/// Compound CRS codes that stand for a horizontal + vertical pair.
const COMPOUND_CODES: &[(u32, u32, u32)] = &[
    (7415, 28992, 5709), // Amersfoort / RD New + NAP height
    (5555, 25832, 7837), // ETRS89 / UTM 32N + DHHN2016 (commonly used alias)
    (4979, 4326, 0),
];

impl Crs {
    pub const fn epsg(code: u32) -> Self {
        Crs {
            horizontal: code,
            vertical: None,
        }
    }

    /// The scene default: ETRS89 / UTM zone 32N, used by the German states west of 12° E.
    pub const ETRS89_UTM32: Crs = Crs::epsg(25832);
    pub const WGS84: Crs = Crs::epsg(4326);

    /// Parses the many spellings of CRS names found in CityGML, GML, CityJSON
    /// and scene files. Unknown codes parse fine; [`Crs::proj_definition`]
    /// tells whether we can reproject them.
    pub fn parse(text: &str) -> Result<Crs, CrsError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CrsError::Unrecognised(text.to_string()));
        }
        if is_crs84(trimmed) {
            return Ok(Crs::WGS84);
        }
        if let Some(crs) = parse_adv_urn(trimmed) {
            return Ok(crs);
        }
        let codes = epsg_codes_in(trimmed);
        let crs = match codes.as_slice() {
            [] => return Err(CrsError::Unrecognised(text.to_string())),
            [single] => expand_compound(*single),
            [first, second, ..] => {
                let (h, v) = if VERTICAL_CODES.contains(first) {
                    (*second, *first)
                } else {
                    (*first, *second)
                };
                Crs {
                    horizontal: h,
                    vertical: Some(v),
                }
            }
        };
        Ok(crs)
    }

    /// Parses a CRS name together with the axis order it implies for the
    /// coordinates that follow: OGC URNs and http URIs mean the order the
    /// EPSG registry defines (WFS 1.1 and 2.0, GML 3.2); the short
    /// `EPSG:4326` form, a bare code and CRS84 mean easting/longitude first,
    /// the tradition WFS 1.0, GeoServer and GeoJSON keep.
    pub fn parse_with_axis_order(text: &str) -> Result<(Crs, AxisOrder), CrsError> {
        let crs = Crs::parse(text)?;
        let lower = text.trim().to_ascii_lowercase();
        // GeoServer's GML 2 form ".../gml/srs/epsg.xml#4326" keeps the GIS order.
        let by_registry = (lower.starts_with("urn:") || lower.starts_with("http"))
            && !is_crs84(text.trim())
            && !lower.starts_with("urn:adv:")
            && !lower.contains("epsg.xml#");
        let order = if by_registry {
            crs.registry_axis_order()
        } else if lower.starts_with("urn:adv:crs:etrs89_lat-lon") {
            // The AdV name says it: latitude first.
            AxisOrder::NorthEast
        } else {
            AxisOrder::EastNorth
        };
        Ok((crs, order))
    }

    /// The axis order the EPSG registry defines for this system.
    pub fn registry_axis_order(&self) -> AxisOrder {
        // The registry marks other northing-first variants in their names:
        // "… (N-E)", "TM35FIN(N,E)".
        let named_north_first = || {
            registry(self.horizontal)
                .and_then(|d| wkt_name(d.wkt))
                .is_some_and(|n| n.contains("(N-E)") || n.contains("(N,E)"))
        };
        let north_first = self.is_geographic()
            || NORTH_FIRST_PROJECTED
                .iter()
                .any(|r| r.contains(&self.horizontal))
            || named_north_first();
        if north_first {
            AxisOrder::NorthEast
        } else {
            AxisOrder::EastNorth
        }
    }

    /// The proj string for the horizontal part, if we support it.
    pub fn proj_definition(&self) -> Result<std::borrow::Cow<'static, str>, CrsError> {
        if let Some((_, _, p)) = PROJ_DEFINITIONS
            .iter()
            .find(|(c, _, _)| *c == self.horizontal)
        {
            return Ok((*p).into());
        }
        let Some((datum, zone, south)) = utm_zone(self.horizontal) else {
            return registry(self.horizontal)
                .map(|d| d.proj4)
                .filter(|p| p.starts_with("+proj="))
                .map(Into::into)
                .ok_or(CrsError::Unsupported(self.horizontal));
        };
        let datum = match datum {
            UtmDatum::Wgs84 => "+datum=WGS84",
            UtmDatum::Etrs89 => "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0",
        };
        let south = if south { " +south" } else { "" };
        Ok(format!("+proj=utm +zone={zone}{south} {datum} +units=m +no_defs").into())
    }

    /// Human-readable name such as "ETRS89 / UTM zone 32N".
    pub fn name(&self) -> String {
        let base = PROJ_DEFINITIONS
            .iter()
            .find(|(c, _, _)| *c == self.horizontal)
            .map(|(_, n, _)| n.to_string())
            .or_else(|| {
                utm_zone(self.horizontal).map(|(datum, zone, south)| {
                    let d = match datum {
                        UtmDatum::Wgs84 => "WGS 84",
                        UtmDatum::Etrs89 => "ETRS89",
                    };
                    format!("{d} / UTM zone {zone}{}", if south { 'S' } else { 'N' })
                })
            })
            .or_else(|| registry(self.horizontal).and_then(|d| wkt_name(d.wkt).map(str::to_string)))
            .unwrap_or_else(|| format!("EPSG:{}", self.horizontal));
        match self.vertical.and_then(vertical_name) {
            Some(v) => format!("{base} + {v}"),
            None => base,
        }
    }

    /// True when coordinates are angles (longitude/latitude).
    pub fn is_geographic(&self) -> bool {
        matches!(self.horizontal, 4326 | 4979 | 4258)
            || (!PROJ_DEFINITIONS
                .iter()
                .any(|(c, _, _)| *c == self.horizontal)
                && registry(self.horizontal).is_some_and(|d| d.proj4.starts_with("+proj=longlat")))
    }
}

/// The EPSG registry's entry for a code beyond our own table: horizontal
/// systems only (a geocentric one is no place on a map).
pub(crate) fn registry(code: u32) -> Option<crs_definitions::Def> {
    u16::try_from(code)
        .ok()
        .and_then(crs_definitions::from_code)
        .filter(|d| !d.proj4.starts_with("+proj=geocent"))
}

/// Every code the EPSG registry gives a horizontal proj string for.
pub(crate) fn registry_codes() -> impl Iterator<Item = u32> {
    (0..=u16::MAX)
        .map(u32::from)
        .filter(|c| registry(*c).is_some_and(|d| d.proj4.starts_with("+proj=")))
}

/// A WKT 1 definition's name: its first quoted string.
fn wkt_name(wkt: &str) -> Option<&str> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(&wkt[start..start + len])
}

/// The EPSG codes of a WKT's `AUTHORITY["EPSG","…"]` entries, in order.
fn wkt_authorities(wkt: &str) -> Vec<u32> {
    wkt.split("AUTHORITY[\"EPSG\",\"")
        .skip(1)
        .filter_map(leading_number)
        .collect()
}

/// A compound code of the registry as its horizontal and vertical parts,
/// e.g. EPSG:6697 (JGD2011 + JGD2011 height, Japan's PLATEAU models) →
/// 6668 + 6695.
fn compound_from_registry(code: u32) -> Option<Crs> {
    let wkt = registry(code)?.wkt;
    let rest = wkt.strip_prefix("COMPD_CS[")?;
    let (horizontal, vertical) = rest.split_once(",VERT_CS[")?;
    let horizontal = *wkt_authorities(horizontal).last()?;
    let vertical_codes = wkt_authorities(vertical);
    let vertical = *vertical_codes.get(vertical_codes.len().checked_sub(2)?)?;
    Some(Crs {
        horizontal,
        vertical: Some(vertical),
    })
}

/// OGC's CRS84 (WGS 84, longitude first) in its URN, URI and short forms.
fn is_crs84(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let name = upper.trim_end_matches('H'); // CRS84h: with ellipsoidal heights
    upper == "CRS:84" || (name.ends_with("CRS84") && (name == "CRS84" || name.contains("OGC")))
}

enum UtmDatum {
    Wgs84,
    Etrs89,
}

/// Every UTM zone, so that any city in the world can be a scene: WGS 84
/// (EPSG:32601–32660 north, 32701–32760 south) and ETRS89 (25828–25838).
fn utm_zone(code: u32) -> Option<(UtmDatum, u32, bool)> {
    match code {
        32601..=32660 => Some((UtmDatum::Wgs84, code - 32600, false)),
        32701..=32760 => Some((UtmDatum::Wgs84, code - 32700, true)),
        25828..=25838 => Some((UtmDatum::Etrs89, code - 25800, false)),
        _ => None,
    }
}

fn vertical_name(code: u32) -> Option<&'static str> {
    Some(match code {
        5783 => "DHHN92 height",
        7837 => "DHHN2016 height",
        5784 => "DHHN85 height",
        5709 => "NAP height",
        5778 => "GHA height",
        3855 => "EGM2008 height",
        _ => return None,
    })
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.vertical {
            Some(v) => write!(f, "EPSG:{}+{}", self.horizontal, v),
            None => write!(f, "EPSG:{}", self.horizontal),
        }
    }
}

fn expand_compound(code: u32) -> Crs {
    match COMPOUND_CODES.iter().find(|(c, _, _)| *c == code) {
        Some((_, h, v)) => Crs {
            horizontal: *h,
            vertical: (*v != 0).then_some(*v),
        },
        None => compound_from_registry(code).unwrap_or(Crs::epsg(code)),
    }
}

/// AdV URNs name the datum and projection instead of a code, e.g.
/// `urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH*GCG2016`.
fn parse_adv_urn(text: &str) -> Option<Crs> {
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("urn:adv:crs:")?;
    let mut parts = rest.split('*');
    let horizontal = match parts.next()? {
        "etrs89_utm32" => 25832,
        "etrs89_utm33" => 25833,
        "etrs89_lat-lon" | "etrs89_lat-lon-h" => 4258,
        "de_dhdn_3gk2" => 31466,
        "de_dhdn_3gk3" => 31467,
        "de_dhdn_3gk4" => 31468,
        "de_dhdn_3gk5" => 31469,
        _ => return None,
    };
    let vertical = parts.next().and_then(|v| match v {
        "de_dhhn2016_nh" => Some(7837),
        "de_dhhn92_nh" => Some(5783),
        "de_dhhn85_nh" => Some(5784),
        _ => None,
    });
    Some(Crs {
        horizontal,
        vertical,
    })
}

/// Finds the EPSG codes in any of the usual forms: `EPSG:25832`,
/// `urn:ogc:def:crs:EPSG::25832`, `urn:ogc:def:crs:EPSG:6.12:25832`,
/// `http://www.opengis.net/def/crs/EPSG/0/25832`, compound URNs listing
/// several codes, and malformed variants such as `urn:ogc:def,crs::EPSG:31467`.
fn epsg_codes_in(text: &str) -> Vec<u32> {
    let upper = text.to_ascii_uppercase();
    let mut codes = Vec::new();
    // ".../gml/srs/epsg.xml#4326" (GeoServer's GML 2 answers).
    if let Some((_, code)) = upper.split_once("EPSG.XML#")
        && let Some(c) = leading_number(code)
    {
        return vec![c];
    }
    let mut search = upper.as_str();
    while let Some(pos) = search.find("EPSG") {
        let after = &search[pos + 4..];
        // The segment up to the next code or comma holds an optional version
        // ("6.12", "0") and the code itself, which is the last whole number.
        let segment_end = after.find("EPSG").unwrap_or(after.len());
        let segment = &after[..segment_end];
        let segment = segment.split(',').next().unwrap_or("");
        let code = segment
            .split([':', '/'])
            .filter(|t| !t.contains('.'))
            .filter_map(leading_number)
            .next_back();
        if let Some(c) = code {
            codes.push(c);
        }
        search = after;
        if codes.len() > 3 {
            break;
        }
    }
    if codes.is_empty() {
        // A bare number ("25832") is an EPSG code in CityJSON metadata and our scene files.
        if let Some(c) =
            leading_number(text.trim()).filter(|_| text.trim().chars().all(|c| c.is_ascii_digit()))
        {
            codes.push(c);
        }
    }
    codes
}

fn leading_number(token: &str) -> Option<u32> {
    let digits: String = token.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        None
    } else {
        digits.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Crs {
        Crs::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn plain_codes_urns_and_urls() {
        assert_eq!(p("EPSG:25832"), Crs::epsg(25832));
        assert_eq!(p("epsg:4326"), Crs::epsg(4326));
        assert_eq!(p("urn:ogc:def:crs:EPSG::25833"), Crs::epsg(25833));
        assert_eq!(p("urn:ogc:def:crs:EPSG:6.12:31256"), Crs::epsg(31256));
        assert_eq!(
            p("http://www.opengis.net/def/crs/EPSG/0/2056"),
            Crs::epsg(2056)
        );
        assert_eq!(
            p("https://www.opengis.net/def/crs/EPSG/0/7415"),
            Crs {
                horizontal: 28992,
                vertical: Some(5709)
            }
        );
        assert_eq!(p("25832"), Crs::epsg(25832));
    }

    #[test]
    fn compound_urns_as_in_real_files() {
        // Berlin and Niedersachsen files.
        assert_eq!(
            p("urn:ogc:def:crs,crs:EPSG:6.12:25833,crs:EPSG:6.12:5783"),
            Crs {
                horizontal: 25833,
                vertical: Some(5783)
            }
        );
        // SIG3D example.
        assert_eq!(
            p("urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783"),
            Crs {
                horizontal: 25832,
                vertical: Some(5783)
            }
        );
    }

    #[test]
    fn adv_urns() {
        assert_eq!(
            p("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH*GCG2016"),
            Crs {
                horizontal: 25832,
                vertical: Some(7837)
            }
        );
        assert_eq!(
            p("urn:adv:crs:DE_DHDN_3GK4*DE_DHHN92_NH"),
            Crs {
                horizontal: 31468,
                vertical: Some(5783)
            }
        );
        assert_eq!(p("urn:adv:crs:ETRS89_UTM33"), Crs::epsg(25833));
    }

    #[test]
    fn crs84_in_every_spelling_is_wgs84_longitude_first() {
        for name in [
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "urn:ogc:def:crs:OGC::CRS84",
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            "https://www.opengis.net/def/crs/OGC/0/CRS84h",
            "OGC:CRS84",
            "CRS:84",
        ] {
            assert_eq!(
                Crs::parse_with_axis_order(name).unwrap(),
                (Crs::WGS84, AxisOrder::EastNorth),
                "{name}"
            );
        }
    }

    #[test]
    fn urns_and_uris_mean_the_registrys_axis_order_short_codes_the_gis_order() {
        let order = |name: &str| Crs::parse_with_axis_order(name).unwrap().1;
        // WFS 1.1 and 2.0: latitude first, Gauß-Krüger northing first.
        assert_eq!(order("urn:ogc:def:crs:EPSG::4326"), AxisOrder::NorthEast);
        assert_eq!(order("urn:x-ogc:def:crs:EPSG:4258"), AxisOrder::NorthEast);
        assert_eq!(order("urn:ogc:def:crs:EPSG::31468"), AxisOrder::NorthEast);
        assert_eq!(
            order("http://www.opengis.net/def/crs/EPSG/0/6677"),
            AxisOrder::NorthEast
        );
        assert_eq!(order("urn:ogc:def:crs:EPSG::25832"), AxisOrder::EastNorth);
        assert_eq!(
            order("urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783"),
            AxisOrder::EastNorth
        );
        // The short forms and AdV names keep easting first.
        assert_eq!(order("EPSG:4326"), AxisOrder::EastNorth);
        assert_eq!(order("EPSG:31468"), AxisOrder::EastNorth);
        assert_eq!(order("urn:adv:crs:DE_DHDN_3GK4"), AxisOrder::EastNorth);
        assert_eq!(order("urn:adv:crs:ETRS89_Lat-Lon"), AxisOrder::NorthEast);
        assert_eq!(
            Crs::parse_with_axis_order("http://www.opengis.net/gml/srs/epsg.xml#4326").unwrap(),
            (Crs::WGS84, AxisOrder::EastNorth)
        );
        // INSPIRE's LAEA Europe and the registry's "(N,E)" variants; the
        // Luxembourg grid next to the East German strips is easting first.
        assert_eq!(order("urn:ogc:def:crs:EPSG::3035"), AxisOrder::NorthEast);
        assert_eq!(order("urn:ogc:def:crs:EPSG::5048"), AxisOrder::NorthEast);
        assert_eq!(order("urn:ogc:def:crs:EPSG::2169"), AxisOrder::EastNorth);
    }

    #[test]
    fn codes_beyond_our_table_come_from_the_epsg_registry() {
        assert_eq!(Crs::epsg(6668).name(), "JGD2011");
        assert!(Crs::epsg(6668).is_geographic());
        assert_eq!(Crs::epsg(27700).name(), "OSGB 1936 / British National Grid");
        assert!(!Crs::epsg(27700).is_geographic());
        assert!(
            Crs::epsg(2180)
                .proj_definition()
                .unwrap()
                .starts_with("+proj=tmerc")
        );
        // Our own table wins where we chose the datum shift.
        assert!(
            Crs::epsg(31467)
                .proj_definition()
                .unwrap()
                .contains("+towgs84=598.1")
        );
        // A geocentric code is no horizontal system: not offered, not used.
        assert!(!Crs::epsg(4978).is_geographic());
        assert!(Crs::epsg(4978).proj_definition().is_err());
    }

    #[test]
    fn malformed_karlsruhe_srsname_still_parses() {
        assert_eq!(p("urn:ogc:def,crs::EPSG:31467"), Crs::epsg(31467));
    }

    #[test]
    fn garbage_is_an_error_not_a_guess() {
        assert!(matches!(
            Crs::parse("Local"),
            Err(CrsError::Unrecognised(_))
        ));
        assert!(matches!(Crs::parse(""), Err(CrsError::Unrecognised(_))));
        assert_eq!(
            Crs::epsg(99999).proj_definition(),
            Err(CrsError::Unsupported(99999))
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            p("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH").name(),
            "ETRS89 / UTM zone 32N + DHHN2016 height"
        );
        assert_eq!(Crs::epsg(25832).to_string(), "EPSG:25832");
    }
}
