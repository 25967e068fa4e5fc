//! Which CRS a file's coordinates are probably in, when the file does not
//! say or says something its coordinates contradict: every CRS we can
//! reproject with the region it is used for, a search over their codes and
//! names, and suggestions ranked by where the data would land.

use crate::crs::{Crs, PROJ_DEFINITIONS, registry, registry_codes};
use crate::transform::Reprojector;

/// What kind of system a code is, so a UI can say why it was suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrsFamily {
    /// Longitude and latitude in degrees.
    Geographic,
    /// German Gauß-Krüger strip (the easting's first digit is the strip).
    GaussKruger {
        zone: u32,
    },
    /// UTM zone (six-digit eastings).
    Utm {
        zone: u32,
    },
    Other,
}

/// A CRS that fits the coordinates, and how far from the scene the data
/// would lie in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub crs: Crs,
    pub family: CrsFamily,
    /// Distance of the data's centre from the scene origin, when a scene is given.
    pub km_from_scene: Option<f64>,
}

/// How many suggestions are worth showing: more are noise (every UTM zone
/// fits six-digit eastings).
const MAX_SUGGESTIONS: usize = 4;

/// Codes a German city's data are most often in, in that order: the choice
/// among systems that fit equally well.
const PREFERENCE: &[u32] = &[
    25832, 25833, 31467, 31468, 31466, 31469, 4326, 4258, 32632, 32633, 3857,
];

/// Every CRS [`Crs::proj_definition`] supports, without the 3D duplicate of
/// WGS 84: the fixed table and all UTM zones.
pub fn known() -> Vec<Crs> {
    let mut out: Vec<Crs> = PROJ_DEFINITIONS
        .iter()
        .filter(|(code, _, _)| *code != 4979)
        .map(|(code, _, _)| Crs::epsg(*code))
        .collect();
    out.extend((25828..=25838).map(Crs::epsg));
    out.extend((32601..=32660).map(Crs::epsg));
    out.extend((32701..=32760).map(Crs::epsg));
    out.sort_by_key(|c| (preference_rank(*c), c.horizontal));
    out.dedup();
    out
}

pub fn family(crs: Crs) -> CrsFamily {
    let c = crs.horizontal;
    match c {
        _ if crs.is_geographic() || c == 4979 => CrsFamily::Geographic,
        31466..=31469 => CrsFamily::GaussKruger { zone: c - 31464 },
        25828..=25838 => CrsFamily::Utm { zone: c - 25800 },
        32601..=32660 => CrsFamily::Utm { zone: c - 32600 },
        32701..=32760 => CrsFamily::Utm { zone: c - 32700 },
        _ => CrsFamily::Other,
    }
}

/// How many search hits from the whole EPSG registry are worth listing.
const MAX_REGISTRY_HITS: usize = 200;

/// Systems whose code or name holds every word of `query`, case and
/// accents aside ("gauß krüger 4", "25833", "utm 33", "web mercator"): the
/// ones German data use first, then the rest of the EPSG registry by code
/// ("jgd2011", "lambert 93", "sweref").
pub fn search(query: &str) -> Vec<Crs> {
    let words: Vec<String> = fold(query)
        .split(|c: char| c.is_whitespace() || c == ':' || c == '/')
        .filter(|w| !w.is_empty() && *w != "epsg")
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return known();
    }
    // Word starts, so that "4" finds strip 4 and not every code with a 4.
    let matches = |hay: &str| {
        words
            .iter()
            .all(|w| hay.split_whitespace().any(|h| h.starts_with(w.as_str())))
    };
    let (known_count, all) = haystacks();
    let (known, registry) = all.split_at(*known_count);
    let hits = |list: &[(Crs, String)]| {
        list.iter()
            .filter(|(_, hay)| matches(hay))
            .map(|(crs, _)| *crs)
            .collect::<Vec<_>>()
    };
    let mut found = hits(known);
    found.extend(hits(registry).into_iter().take(MAX_REGISTRY_HITS));
    found
}

/// Every system's searchable text (code, name, German words), folded once:
/// the ones German data use first, then the rest of the registry by code.
/// The registry's ~6,000 names are not rebuilt on each keystroke.
fn haystacks() -> &'static (usize, Vec<(Crs, String)>) {
    static ALL: std::sync::OnceLock<(usize, Vec<(Crs, String)>)> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let known = known();
        let registry: Vec<Crs> = registry_codes()
            .map(Crs::epsg)
            .filter(|crs| crs.horizontal != 4979 && !known.contains(crs))
            .collect();
        let hay = |crs: &Crs| {
            let text = format!("{} {} {}", crs.horizontal, crs.name(), aliases(*crs));
            (*crs, fold(&text))
        };
        let all = known.iter().chain(&registry).map(hay).collect();
        (known.len(), all)
    })
}

/// Whether coordinates spanning `extent` (min x, min y, max x, max y) can be
/// in `crs`: they must land, corners and centre, inside the region the
/// system is made for. Unsupported systems are given the benefit of the doubt.
pub fn plausible(crs: Crs, extent: [f64; 4]) -> bool {
    if extent.iter().any(|v| !v.is_finite()) {
        return false;
    }
    let Some(area) = area_of_use(crs) else {
        return true;
    };
    let points = probe_points(extent);
    if crs.is_geographic() {
        return points.iter().all(|p| inside(area, *p));
    }
    let Ok(to_degrees) = Reprojector::new(crs, Crs::WGS84) else {
        return true;
    };
    points.iter().all(|p| {
        to_degrees
            .apply([p[0], p[1], 0.0])
            .is_ok_and(|q| q[0].is_finite() && q[1].is_finite() && inside(area, [q[0], q[1]]))
    })
}

/// Whether coordinates spanning `extent` grossly contradict `crs` — the
/// test a file's own statement must fail before it is questioned: degrees
/// out of range, numbers small enough to be degrees under a metric CRS, or
/// a metric CRS that puts the data's middle nowhere on Earth. Data reaching
/// past a system's usual region (all Germany in Gauß-Krüger 3, a stray
/// point at 0, 0) is not a contradiction.
pub fn contradicts(crs: Crs, extent: [f64; 4]) -> bool {
    if extent.iter().any(|v| !v.is_finite()) {
        return true;
    }
    let within = |limit_x: f64, limit_y: f64| {
        extent[0] >= -limit_x
            && extent[2] <= limit_x
            && extent[1] >= -limit_y
            && extent[3] <= limit_y
    };
    if crs.is_geographic() {
        return !within(180.5, 90.5);
    }
    if within(180.0, 90.0) {
        return true;
    }
    let centre = [
        (extent[0] + extent[2]) / 2.0,
        (extent[1] + extent[3]) / 2.0,
        0.0,
    ];
    match Reprojector::new(crs, Crs::WGS84) {
        Ok(r) => r.apply(centre).map_or(true, |q| {
            !(q[0].is_finite() && q[1].is_finite() && q[1].abs() <= 90.0)
        }),
        Err(_) => false,
    }
}

/// Systems the coordinates fit, best first. With the scene's CRS and origin
/// the nearest placement wins (it tells UTM 32 from 33, and a metric
/// system from Web Mercator); systems that put the data equally near, or
/// no scene, fall back to what German data mostly use.
pub fn suggest(extent: [f64; 4], scene: Option<(Crs, [f64; 2])>) -> Vec<Suggestion> {
    let scene_degrees = scene.and_then(|(crs, origin)| {
        let r = Reprojector::new(crs, Crs::WGS84).ok()?;
        let p = r.apply([origin[0], origin[1], 0.0]).ok()?;
        Some([p[0], p[1]])
    });
    let centre = [(extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0];
    let mut found: Vec<Suggestion> = known()
        .into_iter()
        .filter(|crs| plausible(*crs, extent))
        .map(|crs| {
            let km_from_scene = scene_degrees.and_then(|s| {
                let r = Reprojector::new(crs, Crs::WGS84).ok()?;
                let c = r.apply([centre[0], centre[1], 0.0]).ok()?;
                Some(great_circle_km(s, [c[0], c[1]]))
            });
            Suggestion {
                crs,
                family: family(crs),
                km_from_scene,
            }
        })
        .collect();
    // Within 5 km counts as the same place: WGS 84 and ETRS89 UTM differ
    // by less than a metre.
    let bucket = |s: &Suggestion| s.km_from_scene.map_or(0, |k| (k / 5.0).floor() as u64);
    found.sort_by_key(|s| (bucket(s), preference_rank(s.crs), s.crs.horizontal));
    // The same kind of system putting the data at the same place (UTM 32 on
    // ETRS89 and on WGS 84) is one choice: the preferred one stays.
    let mut seen = Vec::new();
    found.retain(|s| {
        let key = (
            bucket(s),
            std::mem::discriminant(&s.family),
            zone_of(s.family),
        );
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    found.truncate(MAX_SUGGESTIONS);
    found
}

fn zone_of(family: CrsFamily) -> u32 {
    match family {
        CrsFamily::GaussKruger { zone } | CrsFamily::Utm { zone } => zone,
        _ => 0,
    }
}

fn preference_rank(crs: Crs) -> usize {
    PREFERENCE
        .iter()
        .position(|c| *c == crs.horizontal)
        .unwrap_or(PREFERENCE.len())
}

/// Region of use as (west, south, east, north) in degrees, a little wider
/// than EPSG's so that data at a border still fits.
fn area_of_use(crs: Crs) -> Option<[f64; 4]> {
    let utm = |zone: u32, south: bool| {
        let central = -183.0 + 6.0 * zone as f64;
        let (s, n) = if south { (-80.5, 0.5) } else { (-0.5, 84.5) };
        [central - 9.0, s, central + 9.0, n]
    };
    Some(match crs.horizontal {
        4326 | 4979 => [-180.0, -90.0, 180.0, 90.0],
        4258 => [-17.0, 32.0, 41.0, 85.0],
        3857 => [-180.0, -85.1, 180.0, 85.1],
        31466..=31469 => {
            let central = 3.0 * (crs.horizontal - 31464) as f64;
            [central - 4.5, 46.0, central + 4.5, 56.0]
        }
        25828..=25838 => {
            let mut a = utm(crs.horizontal - 25800, false);
            a[1] = 33.0;
            a
        }
        32601..=32660 => utm(crs.horizontal - 32600, false),
        32701..=32760 => utm(crs.horizontal - 32700, true),
        28992 => [2.7, 50.2, 7.8, 54.2],
        2056 => [5.4, 45.3, 11.0, 48.4],
        31256 => [14.0, 46.0, 17.7, 49.6],
        2154 => [-10.0, 41.0, 10.5, 51.6],
        3946 => [-2.0, 44.7, 8.7, 47.3],
        3879 => [23.5, 59.0, 26.5, 70.5],
        _ => return registry_area_of_use(crs),
    })
}

/// A rough region for systems of the EPSG registry, whose regions of use
/// we do not carry: geographic systems the globe, transverse Mercator
/// strips 10° either side of their central meridian (wide enough for any
/// national grid on it, narrow enough to catch swapped axes), others none.
fn registry_area_of_use(crs: Crs) -> Option<[f64; 4]> {
    let proj4 = registry(crs.horizontal)?.proj4;
    if proj4.starts_with("+proj=longlat") {
        return Some([-180.0, -90.0, 180.0, 90.0]);
    }
    if !(proj4.starts_with("+proj=tmerc") || proj4.starts_with("+proj=utm")) {
        return None;
    }
    let parameter = |name: &str| {
        proj4
            .split_whitespace()
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    };
    let central = match parameter("+zone").and_then(|z| z.parse::<f64>().ok()) {
        Some(zone) => -183.0 + 6.0 * zone,
        None => parameter("+lon_0")?.parse().ok()?,
    };
    Some([central - 10.0, -84.5, central + 10.0, 84.5])
}

fn inside(area: [f64; 4], p: [f64; 2]) -> bool {
    p[0] >= area[0] && p[0] <= area[2] && p[1] >= area[1] && p[1] <= area[3]
}

fn probe_points(e: [f64; 4]) -> [[f64; 2]; 5] {
    [
        [e[0], e[1]],
        [e[2], e[1]],
        [e[0], e[3]],
        [e[2], e[3]],
        [(e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0],
    ]
}

fn great_circle_km(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Words people search by that the EPSG names lack.
fn aliases(crs: Crs) -> &'static str {
    match crs.horizontal {
        4326 => "lon lat grad degrees gps geographisch",
        4258 => "grad degrees geographisch",
        3857 => "web mercator google osm kacheln tiles",
        31466..=31469 => "gauß-krüger gk dhdn",
        28992 => "rijksdriehoek niederlande netherlands",
        2056 => "schweiz switzerland",
        31256 => "österreich austria",
        2154 | 3946 => "frankreich france",
        3879 => "finnland finland",
        _ => "",
    }
}

/// Lower case with German letters spelled out plainly: "Gauß-Krüger" and
/// "gauss kruger" match.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'ä' => out.push('a'),
            'ö' => out.push('o'),
            'ü' => out.push('u'),
            '-' | '_' | ',' | '(' | ')' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flensburg's tree cadastre (SOURCES.md: EPSG:31467, no CRS in the file).
    const FLENSBURG: [f64; 4] = [3_523_375.0, 6_069_073.0, 3_532_532.0, 6_077_492.0];
    /// Jena's tree sites: UTM 32 without a zone prefix.
    const JENA: [f64; 4] = [679_582.0, 5_639_584.0, 685_970.0, 5_649_511.0];

    fn codes(s: &[Suggestion]) -> Vec<u32> {
        s.iter().map(|s| s.crs.horizontal).collect()
    }

    #[test]
    fn eastings_starting_with_3_suggest_gauss_krueger_strip_3() {
        let s = suggest(FLENSBURG, None);
        // Web Mercator fits any metres (it would put them in Ukraine).
        assert_eq!(codes(&s), vec![31467, 3857], "{s:?}");
        assert_eq!(s[0].family, CrsFamily::GaussKruger { zone: 3 });
        // Near a scene in Schleswig-Holstein it is the same, 0 km away.
        let scene = Some((Crs::ETRS89_UTM32, [528_500.0, 6_073_000.0]));
        let s = suggest(FLENSBURG, scene);
        assert_eq!(s[0].crs.horizontal, 31467);
        assert!(s[0].km_from_scene.unwrap() < 3.0, "{s:?}");
    }

    #[test]
    fn six_digit_eastings_suggest_the_utm_zone_of_the_scene() {
        // No scene: the German preference, UTM 32 first.
        let s = suggest(JENA, None);
        assert_eq!(s[0].crs.horizontal, 25832, "{s:?}");
        assert_eq!(s[0].family, CrsFamily::Utm { zone: 32 });
        // A Jena scene: UTM 32 lies 0 km away, 33 hundreds of km.
        let jena = Some((Crs::ETRS89_UTM32, [681_000.0, 5_644_000.0]));
        let s = suggest(JENA, jena);
        assert_eq!(s[0].crs.horizontal, 25832, "{s:?}");
        assert!(s[0].km_from_scene.unwrap() < 5.0);
        assert!(
            !codes(&s).contains(&32632),
            "WGS 84 UTM 32 is the same place as ETRS89's, one choice: {s:?}"
        );
        // Berlin's numbers: UTM 32 would put them near Osnabrück; beside a
        // scene in Berlin (UTM 33) they are UTM 33.
        let berlin_data = [385_000.0, 5_815_000.0, 395_000.0, 5_825_000.0];
        assert_eq!(suggest(berlin_data, None)[0].crs.horizontal, 25832);
        let berlin = Some((Crs::epsg(25833), [390_000.0, 5_820_000.0]));
        let s = suggest(berlin_data, berlin);
        assert_eq!(s[0].crs.horizontal, 25833, "{s:?}");
        assert!(s[0].km_from_scene.unwrap() < 5.0);
    }

    #[test]
    fn degrees_suggest_wgs84_and_gauss_krueger_4_its_strip() {
        let s = suggest([11.55, 50.9, 11.62, 50.95], None);
        assert_eq!(s[0].crs.horizontal, 4326, "{s:?}");
        assert_eq!(s[0].family, CrsFamily::Geographic);
        let s = suggest([4_470_000.0, 5_640_000.0, 4_480_000.0, 5_650_000.0], None);
        assert_eq!(codes(&s)[0], 31468, "{s:?}");
    }

    #[test]
    fn nonsense_fits_nothing() {
        assert!(suggest([1e9, 1e9, 2e9, 2e9], None).is_empty());
        assert!(suggest([f64::NAN, 0.0, 1.0, 1.0], None).is_empty());
    }

    #[test]
    fn metres_are_implausible_as_degrees_and_strips_as_utm() {
        assert!(!plausible(Crs::WGS84, JENA));
        assert!(!plausible(Crs::ETRS89_UTM32, FLENSBURG));
        assert!(plausible(Crs::ETRS89_UTM32, JENA));
        assert!(plausible(Crs::epsg(31467), FLENSBURG));
        assert!(plausible(Crs::WGS84, [11.5, 50.9, 11.6, 51.0]));
        // Unknown to us: not judged.
        assert!(plausible(Crs::epsg(6697), [139.0, 35.0, 140.0, 36.0]));
    }

    #[test]
    fn a_files_own_crs_is_questioned_only_when_grossly_wrong() {
        // Metres as degrees, degrees as metres.
        assert!(contradicts(Crs::WGS84, JENA));
        assert!(contradicts(Crs::ETRS89_UTM32, [11.5, 50.9, 11.6, 51.0]));
        // All Germany in Gauß-Krüger 3, and UTM 33 reaching Aachen: fine.
        assert!(!contradicts(
            Crs::epsg(31467),
            [3_280_000.0, 5_235_000.0, 3_920_000.0, 6_100_000.0]
        ));
        assert!(!contradicts(
            Crs::epsg(25833),
            [-100_000.0, 5_600_000.0, 500_000.0, 6_000_000.0]
        ));
        // A stray point at 0, 0 in a UTM file.
        assert!(!contradicts(
            Crs::ETRS89_UTM32,
            [0.0, 0.0, 690_000.0, 5_650_000.0]
        ));
        assert!(!contradicts(Crs::WGS84, [11.5, 50.9, 11.6, 51.0]));
        assert!(contradicts(Crs::ETRS89_UTM32, [f64::NAN, 0.0, 1.0, 1.0]));
    }

    #[test]
    fn search_finds_by_code_name_and_german_words() {
        assert_eq!(search("25833")[0].horizontal, 25833);
        assert_eq!(search("EPSG:25833")[0].horizontal, 25833);
        // German strips first, then the registry's other Gauß-Krüger systems.
        let strip_4 = search("Gauß-Krüger 4");
        assert_eq!(strip_4[0], Crs::epsg(31468));
        assert!(strip_4[1..].iter().all(|c| !known().contains(c)));
        assert!(
            strip_4.contains(&Crs::epsg(2167)),
            "Pulkovo 1942(83) / GK zone 4"
        );
        assert_eq!(search("gauss kruger zone 3")[0], Crs::epsg(31467));
        assert_eq!(search("krüger 5")[0], Crs::epsg(31469));
        // The whole EPSG registry, by name.
        assert_eq!(search("jgd2011 japan plane ix"), vec![Crs::epsg(6677)]);
        assert!(search("british national grid").contains(&Crs::epsg(27700)));
        assert!(search("web mercator").contains(&Crs::epsg(3857)));
        assert!(search("utm 33").contains(&Crs::epsg(25833)));
        assert!(search("utm 33")[0] == Crs::epsg(25833), "preferred first");
        assert!(search("no such system").is_empty());
        // An empty query lists everything, preferred first.
        let all = search("");
        assert_eq!(all[0], Crs::ETRS89_UTM32);
        assert!(all.len() > 130);
        assert!(!all.contains(&Crs::epsg(4979)));
    }
}
