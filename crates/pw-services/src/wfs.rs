//! WFS 2.0 (and 1.1 capabilities): which feature types a service has, and
//! GetFeature for the box in view — in the scene's CRS where the type offers
//! it, GeoJSON where the service writes it (else GML), page by page with
//! STARTINDEX up to a limit, saying when the view holds more.

use crate::http::{Fetch, query_value, same_origin, with_query};
use crate::{Bbox, ServiceError, append_features, reproject_bbox};
use pw_geo::Crs;
use pw_geo::crs::AxisOrder;
use pw_text::Message;
use pw_vector::VectorData;
use pw_vector::xml::Element;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capabilities {
    pub title: String,
    pub version: String,
    /// GetFeature's GET address as the capabilities give it.
    pub get_feature: Option<String>,
    /// `ImplementsResultPaging`: STARTINDEX pages through a result.
    pub paging: bool,
    /// The most features one answer holds (`CountDefault`), if said.
    pub count_default: Option<u64>,
    /// GetFeature's output formats for every type.
    pub output_formats: Vec<String>,
    pub feature_types: Vec<FeatureType>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureType {
    /// The name to ask for (with its prefix, "ns:name").
    pub name: String,
    pub title: String,
    pub default_crs: String,
    pub other_crs: Vec<String>,
    /// Longitude/latitude box.
    pub wgs84_bbox: Option<Bbox>,
    /// Formats of this type beyond the service's.
    pub output_formats: Vec<String>,
}

impl FeatureType {
    /// The CRS to ask in: the scene's when offered (no reprojection, no
    /// axis doubts), else the type's default.
    pub fn crs_for(&self, scene: Crs) -> Option<Crs> {
        // Only systems we can reproject; the scene's, else the type's
        // default, else WGS 84, else any.
        let offered: Vec<Crs> = std::iter::once(&self.default_crs)
            .chain(&self.other_crs)
            .filter_map(|c| Crs::parse(c).ok())
            .filter(|c| c.proj_definition().is_ok())
            .collect();
        if offered.iter().any(|c| c.horizontal == scene.horizontal) {
            return Some(scene);
        }
        let default = Crs::parse(&self.default_crs).ok();
        offered
            .iter()
            .find(|c| Some(**c) == default)
            .or_else(|| offered.iter().find(|c| c.horizontal == 4326))
            .or(offered.first())
            .copied()
    }
}

/// Reads GetCapabilities (WFS 2.0; 1.1's names are understood too).
pub fn parse_capabilities(text: &str) -> Result<Capabilities, Message> {
    let root = pw_vector::xml::parse(text)?;
    if root.name.ends_with("ExceptionReport") {
        // The server's own words.
        return Err(Message::new("net.reason.exception")
            .arg(
                "text",
                crate::xml::exception_text_of(text).unwrap_or_default(),
            )
            .english("service exception: {text}"));
    }
    if root.name != "WFS_Capabilities" {
        return Err(Message::new("services.wfs.not_capabilities")
            .arg("element", &root.name)
            .english("<{element}> where <WFS_Capabilities> was expected"));
    }
    let mut caps = Capabilities {
        version: root.attr("version").unwrap_or("").to_string(),
        ..Default::default()
    };
    if let Some(id) = root.child("ServiceIdentification") {
        caps.title = text_of(id, "Title");
    }
    if let Some(ops) = root.child("OperationsMetadata") {
        for op in ops.children_named("Operation") {
            if op.attr("name") != Some("GetFeature") {
                continue;
            }
            let mut gets = Vec::new();
            op.descendants("Get", &mut gets);
            caps.get_feature = gets
                .first()
                .and_then(|g| g.attr("href"))
                .map(str::to_string);
            for p in op.children_named("Parameter") {
                if p.attr("name")
                    .is_some_and(|n| n.eq_ignore_ascii_case("outputFormat"))
                {
                    caps.output_formats = values_of(p);
                }
            }
            constraints(op, &mut caps);
        }
        constraints(ops, &mut caps);
    }
    if let Some(list) = root.child("FeatureTypeList") {
        for t in list.children_named("FeatureType") {
            let mut other = Vec::new();
            for name in ["OtherCRS", "OtherSRS"] {
                other.extend(t.children_named(name).map(|c| c.text_trimmed().to_string()));
            }
            let default_crs = ["DefaultCRS", "DefaultSRS", "SRS"]
                .iter()
                .map(|n| text_of(t, n))
                .find(|s| !s.is_empty())
                .unwrap_or_default();
            caps.feature_types.push(FeatureType {
                name: text_of(t, "Name"),
                title: text_of(t, "Title"),
                default_crs,
                other_crs: other,
                wgs84_bbox: t.child("WGS84BoundingBox").and_then(|b| {
                    let corner = |n: &str| -> Option<Vec<f64>> {
                        let c: Vec<f64> = b
                            .child(n)?
                            .text_trimmed()
                            .split_whitespace()
                            .filter_map(|v| v.parse().ok())
                            .collect();
                        (c.len() == 2).then_some(c)
                    };
                    let (lo, hi) = (corner("LowerCorner")?, corner("UpperCorner")?);
                    Some([lo[0], lo[1], hi[0], hi[1]])
                }),
                output_formats: t
                    .child("OutputFormats")
                    .map(|f| {
                        f.children_named("Format")
                            .map(|c| c.text_trimmed().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    Ok(caps)
}

fn text_of(e: &Element, child: &str) -> String {
    e.child(child)
        .map(|c| c.text_trimmed().to_string())
        .unwrap_or_default()
}

fn values_of(e: &Element) -> Vec<String> {
    let mut values = Vec::new();
    e.descendants("Value", &mut values);
    values
        .iter()
        .map(|v| v.text_trimmed().to_string())
        .collect()
}

fn constraints(e: &Element, caps: &mut Capabilities) {
    for c in e.children_named("Constraint") {
        let value = c
            .child("DefaultValue")
            .map(|v| v.text_trimmed().to_string())
            .unwrap_or_default();
        match c.attr("name") {
            Some("ImplementsResultPaging") => caps.paging |= value.eq_ignore_ascii_case("true"),
            Some("CountDefault") => {
                if let Ok(n) = value.parse() {
                    caps.count_default = Some(n)
                }
            }
            _ => {}
        }
    }
}

/// The format to ask for: GeoJSON when offered (smaller, read faster),
/// else GML 3.2, else the service's default (none asked).
pub fn choose_format(formats: &[String]) -> Option<String> {
    let json = formats.iter().find(|f| {
        let l = f.to_ascii_lowercase();
        (l == "application/json"
            || l == "application/geo+json"
            || l == "application/vnd.geo+json"
            || l == "geojson"
            || l == "json"
            || l.starts_with("application/json;"))
            && !l.contains("esri")
    });
    let gml32 = formats.iter().find(|f| {
        let l = f.to_ascii_lowercase().replace(' ', "");
        l.contains("gml") && l.contains("3.2")
    });
    json.or(gml32).cloned()
}

/// What to load from a service.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The box in view, in `crs`.
    pub bbox: Bbox,
    /// The scene's CRS (the box's, and the one asked for where offered).
    pub crs: Crs,
    /// Stop after this many features and say so.
    pub max_features: usize,
    /// Features per request (the service's own limit applies as well).
    pub page_size: usize,
}

impl Query {
    pub fn new(bbox: Bbox, crs: Crs) -> Query {
        Query {
            bbox,
            crs,
            max_features: 20_000,
            page_size: 5_000,
        }
    }
}

/// A service address without the request parameters we set ourselves
/// (users paste GetCapabilities URLs); other parameters (keys) stay.
pub fn base_url(url: &str) -> String {
    crate::http::without_params(
        url,
        &[
            "service",
            "request",
            "version",
            "acceptversions",
            "typename",
            "typenames",
            "bbox",
            "srsname",
            "count",
            "maxfeatures",
            "startindex",
            "outputformat",
            "resulttype",
        ],
    )
}

pub fn capabilities_url(url: &str) -> String {
    let base = base_url(url);
    let u = with_query(&base, "SERVICE", "WFS");
    let u = with_query(&u, "REQUEST", "GetCapabilities");
    with_query(&u, "ACCEPTVERSIONS", "2.0.0,1.1.0")
}

/// Capabilities asked in the last minutes, by address: a pan asks for
/// features, not again for what the service is.
static CAPABILITIES: std::sync::Mutex<Vec<(String, std::time::Instant, Capabilities)>> =
    std::sync::Mutex::new(Vec::new());
const CAPABILITIES_FRESH: std::time::Duration = std::time::Duration::from_secs(600);

/// Asks the service for its capabilities (again after ten minutes).
pub fn capabilities(fetch: &dyn Fetch, url: &str) -> Result<Capabilities, ServiceError> {
    let caps_url = capabilities_url(url);
    if let Ok(kept) = CAPABILITIES.lock()
        && let Some((_, _, caps)) = kept
            .iter()
            .find(|(u, at, _)| *u == caps_url && at.elapsed() < CAPABILITIES_FRESH)
    {
        return Ok(caps.clone());
    }
    let answer = fetch.get(&caps_url, "application/xml, text/xml")?;
    let caps = parse_capabilities(&answer.text()).map_err(|why| ServiceError::Unreadable {
        url: caps_url.clone(),
        expected: "WFS GetCapabilities",
        why,
    })?;
    if let Ok(mut kept) = CAPABILITIES.lock() {
        kept.retain(|(u, at, _)| *u != caps_url && at.elapsed() < CAPABILITIES_FRESH);
        kept.truncate(32);
        kept.push((caps_url, std::time::Instant::now(), caps.clone()));
    }
    Ok(caps)
}

/// The GetFeature request for one page.
pub fn get_feature_url(
    base: &str,
    caps: &Capabilities,
    feature: &FeatureType,
    ask: Crs,
    bbox_in_ask: Bbox,
    count: usize,
    start: usize,
) -> String {
    let version = if caps.version.starts_with("1.") {
        "1.1.0"
    } else {
        "2.0.0"
    };
    let urn = format!("urn:ogc:def:crs:EPSG::{}", ask.horizontal);
    // A URN means the registry's axis order: latitude first for degrees,
    // northing first for Gauß-Krüger.
    let [x0, y0, x1, y1] = bbox_in_ask;
    let corners = match ask.registry_axis_order() {
        AxisOrder::EastNorth => [x0, y0, x1, y1],
        AxisOrder::NorthEast => [y0, x0, y1, x1],
    };
    let bbox = format!(
        "{},{},{},{},{urn}",
        corners[0], corners[1], corners[2], corners[3]
    );
    let mut u = with_query(base, "SERVICE", "WFS");
    for (k, v) in [
        ("VERSION", version.to_string()),
        ("REQUEST", "GetFeature".into()),
        (
            if version == "2.0.0" {
                "TYPENAMES"
            } else {
                "TYPENAME"
            },
            feature.name.clone(),
        ),
        ("SRSNAME", urn.clone()),
        ("BBOX", bbox),
        (
            if version == "2.0.0" {
                "COUNT"
            } else {
                "MAXFEATURES"
            },
            count.to_string(),
        ),
    ] {
        u = with_query(&u, k, &v);
    }
    if start > 0 || caps.paging {
        u = with_query(&u, "STARTINDEX", &start.to_string());
    }
    let mut formats = feature.output_formats.clone();
    formats.extend(caps.output_formats.iter().cloned());
    // Servers differ in the axis order of GeoJSON asked with a URN whose
    // registry order is northing first; GML names its CRS and is read in
    // the order that name implies.
    if ask.registry_axis_order() == AxisOrder::NorthEast {
        formats.retain(|f| f.to_ascii_lowercase().contains("gml"));
    }
    if let Some(f) = choose_format(&formats) {
        u = with_query(&u, "OUTPUTFORMAT", &f);
    }
    u
}

/// Counts an answer gives about itself.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageCounts {
    pub matched: Option<u64>,
    pub has_next: bool,
}

/// Reads one GetFeature answer: GeoJSON or GML, or the exception it is.
pub fn read_page(
    url: &str,
    bytes: &[u8],
    asked: Crs,
) -> Result<(VectorData, PageCounts), ServiceError> {
    let unreadable = |why: Message| ServiceError::Unreadable {
        url: url.into(),
        expected: "GetFeature",
        why,
    };
    let start = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if start == Some(b'{') {
        let text = String::from_utf8_lossy(bytes);
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| unreadable(Message::text(e.to_string())))?;
        let number = |k: &str| v.get(k).and_then(|n| n.as_u64());
        let counts = PageCounts {
            matched: number("numberMatched").or_else(|| number("totalFeatures")),
            has_next: next_link(&v).is_some(),
        };
        let mut data = pw_vector::geojson::read(&text).map_err(unreadable)?;
        // Servers write the asked CRS without a "crs" member; RFC 7946's
        // WGS 84 would put projected metres off the globe.
        if data.crs_text.is_none()
            && !asked.is_geographic()
            && data
                .extent()
                .is_some_and(|e| e[0].abs() > 360.0 || e[1].abs() > 360.0)
        {
            data.crs = Some(asked);
        }
        return Ok((data, counts));
    }
    // Decoded once: the root, an exception's words and the features.
    let document = pw_xml::decode(bytes);
    let Some((root, attrs)) = crate::xml::root_of(&document.text) else {
        return Err(unreadable(
            Message::new("services.wfs.neither_json_nor_xml").english("neither GeoJSON nor XML"),
        ));
    };
    if root.ends_with("ExceptionReport") {
        return Err(ServiceError::Exception {
            url: url.into(),
            text: crate::xml::exception_text_of(&document.text).unwrap_or_default(),
        });
    }
    let attr = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    let number = |k: &str| attr(k).and_then(|v| v.parse::<u64>().ok());
    let counts = PageCounts {
        // "unknown" is allowed for numberMatched.
        matched: number("numberMatched").or_else(|| number("numberOfFeatures")),
        has_next: attr("next").is_some_and(|n| !n.trim().is_empty()),
    };
    let mut data = pw_vector::gml::read(&document.text).map_err(unreadable)?;
    if let Some(note) = document.note {
        data.issues.insert(0, note.message());
    }
    Ok((data, counts))
}

fn next_link(v: &serde_json::Value) -> Option<String> {
    v.get("links")?
        .as_array()?
        .iter()
        .find(|l| l.get("rel").and_then(|r| r.as_str()) == Some("next"))
        .and_then(|l| l.get("href")?.as_str().map(str::to_string))
}

/// The features of `type_name` in the query's box, read page by page.
/// `url` is the service address (a GetCapabilities URL will do).
pub fn get_features(
    fetch: &dyn Fetch,
    url: &str,
    type_name: &str,
    query: &Query,
    control: Option<&pw_job::JobControl>,
) -> Result<VectorData, ServiceError> {
    let caps = capabilities(fetch, url)?;
    let feature = caps
        .feature_types
        .iter()
        .find(|t| t.name == type_name || t.name.rsplit(':').next() == Some(type_name))
        .ok_or_else(|| ServiceError::UnknownName {
            url: crate::shown(url).into(),
            name: type_name.into(),
            known: caps
                .feature_types
                .iter()
                .map(|t| t.name.as_str())
                .take(20)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let ask = feature.crs_for(query.crs).unwrap_or(query.crs);
    let bbox = reproject_bbox(query.bbox, query.crs, ask).map_err(|why| ServiceError::Other {
        url: crate::shown(url).into(),
        why,
    })?;
    // GetFeature's address from the capabilities only where it is the
    // server asked (proxies often write an inner host name there).
    let base = caps
        .get_feature
        .as_deref()
        .filter(|g| same_origin(url, g))
        .map(|g| {
            // Keep the user's own parameters (keys) on the capabilities' address.
            let mut b = base_url(g);
            if let Ok(u) = url::Url::parse(&base_url(url)) {
                for (k, v) in u.query_pairs() {
                    if query_value(&b, &k).is_none() {
                        b = with_query(&b, &k, &v);
                    }
                }
            }
            b
        })
        .unwrap_or_else(|| base_url(url));
    let page = query
        .page_size
        .min(caps.count_default.map_or(usize::MAX, |c| c as usize))
        .min(query.max_features)
        .max(1);
    let mut all = VectorData::new(if caps.version.starts_with("1.") {
        "WFS 1.1"
    } else {
        "WFS 2.0"
    });
    let mut matched = None;
    let mut start = 0usize;
    loop {
        if let Some(c) = control {
            c.check().map_err(|_| ServiceError::Other {
                url: crate::shown(url).into(),
                why: "cancelled".into(),
            })?;
        }
        let count = page.min(query.max_features - all.features.len());
        let request = get_feature_url(&base, &caps, feature, ask, bbox, count, start);
        let answer = fetch.get(
            &request,
            "application/json, application/geo+json, application/gml+xml, text/xml",
        )?;
        if let Some(why) = &answer.stale_because {
            all.issues.push(stale_issue(why));
        }
        let (mut data, counts) = read_page(&request, &answer.bytes, ask)?;
        // A server that sends more than asked is held to the limit.
        data.features.truncate(count);
        let got = data.features.len();
        matched = counts.matched.or(matched);
        append_features(&mut all, data);
        start += got;
        if let (Some(c), Some(m)) = (control, matched) {
            c.set_progress((start as f32 / m.max(1) as f32).min(1.0));
        }
        let more_on_server = match matched {
            Some(m) => (start as u64) < m,
            None => counts.has_next || got >= count,
        };
        if got == 0 || !more_on_server {
            break;
        }
        if all.features.len() >= query.max_features || !caps.paging {
            all.issues
                .push(truncated_issue(all.features.len(), matched));
            break;
        }
    }
    all.format = format!(
        "{} ({})",
        all.format,
        feature.title.trim().if_empty(&feature.name)
    );
    Ok(all)
}

trait IfEmpty {
    fn if_empty<'a>(&'a self, other: &'a str) -> &'a str;
}
impl IfEmpty for str {
    fn if_empty<'a>(&'a self, other: &'a str) -> &'a str {
        if self.is_empty() { other } else { self }
    }
}

pub(crate) fn truncated_issue(loaded: usize, matched: Option<u64>) -> Message {
    match matched {
        Some(m) => Message::new("services.issue.truncated_of")
            .arg("loaded", loaded)
            .arg("matched", m)
            .english("only the first {loaded} of {matched} features in view were loaded – zoom in and the layer loads again"),
        None => Message::new("services.issue.truncated")
            .arg("loaded", loaded)
            .english("only the first {loaded} features in view were loaded; the service has more – zoom in and the layer loads again"),
    }
}

/// Offline: the copy from last time is shown, and why (no address: keys).
pub fn stale_issue(why: &ServiceError) -> Message {
    match why {
        ServiceError::Timeout { .. } => Message::new("services.issue.stale_timeout")
            .english("the service gave no answer in time; showing the features loaded last time"),
        _ => Message::new("services.issue.stale_offline")
            .english("the service could not be reached; showing the features loaded last time"),
    }
}
