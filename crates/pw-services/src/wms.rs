//! The layers a WMS offers (GetCapabilities 1.3.0 and 1.1.1), so that a
//! catalogue's WMS resource — often only the service's capabilities
//! address, the same for many datasets — becomes the right basemap layer.

use crate::Bbox;
use crate::http::{Fetch, with_query};
use crate::{Message, ServiceError};
use pw_vector::xml::Element;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capabilities {
    pub title: String,
    pub version: String,
    /// GetMap's GET address as the capabilities give it.
    pub get_map: Option<String>,
    /// Image formats GetMap writes.
    pub formats: Vec<String>,
    /// Layers that can be drawn (those with a name), depth first.
    pub layers: Vec<Layer>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    pub name: String,
    pub title: String,
    pub abstract_text: String,
    /// CRS names, the parents' included (WMS inheritance).
    pub crs: Vec<String>,
    pub wgs84_bbox: Option<Bbox>,
}

impl Capabilities {
    /// The CRS to ask in: the scene's when the layer offers it, else None
    /// (the caller picks what it can reproject).
    pub fn offers(layer: &Layer, scene: pw_geo::Crs) -> bool {
        layer
            .crs
            .iter()
            .any(|c| pw_geo::Crs::parse(c).is_ok_and(|p| p.horizontal == scene.horizontal))
    }

    /// The layer whose title or name fits `wanted` best (a dataset's
    /// title): exact, then contained, then most shared words.
    pub fn best_match(&self, wanted: &str) -> Option<&Layer> {
        let norm = |s: &str| s.to_lowercase();
        let w = norm(wanted);
        if let Some(l) = self
            .layers
            .iter()
            .find(|l| norm(&l.title) == w || norm(&l.name) == w)
        {
            return Some(l);
        }
        if let Some(l) = self.layers.iter().find(|l| {
            let t = norm(&l.title);
            !t.is_empty() && (w.contains(&t) || t.contains(&w))
        }) {
            return Some(l);
        }
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|x| x.chars().count() > 2)
                .map(str::to_string)
                .collect()
        };
        let want = words(&w);
        self.layers
            .iter()
            .map(|l| {
                let have = words(&norm(&format!("{} {}", l.title, l.name)));
                (want.iter().filter(|x| have.contains(x)).count(), l)
            })
            .filter(|(n, _)| *n > 0)
            .max_by_key(|(n, _)| *n)
            .map(|(_, l)| l)
    }
}

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
    if !matches!(
        root.name.as_str(),
        "WMS_Capabilities" | "WMT_MS_Capabilities"
    ) {
        return Err(Message::new("services.wms.not_capabilities")
            .arg("element", &root.name)
            .english("<{element}> where <WMS_Capabilities> was expected"));
    }
    let mut caps = Capabilities {
        version: root.attr("version").unwrap_or("").to_string(),
        ..Default::default()
    };
    if let Some(s) = root.child("Service") {
        caps.title = s
            .child("Title")
            .map(|t| t.text_trimmed().to_string())
            .unwrap_or_default();
    }
    if let Some(cap) = root.child("Capability") {
        if let Some(get_map) = cap.child("Request").and_then(|r| r.child("GetMap")) {
            caps.formats = get_map
                .children_named("Format")
                .map(|f| f.text_trimmed().to_string())
                .collect();
            let mut online = Vec::new();
            get_map.descendants("Get", &mut online);
            caps.get_map = online
                .first()
                .and_then(|g| g.child("OnlineResource"))
                .and_then(|o| o.attr("href"))
                .map(str::to_string);
        }
        for layer in cap.children_named("Layer") {
            walk(layer, &[], None, &mut caps.layers);
        }
    }
    Ok(caps)
}

fn walk(e: &Element, parent_crs: &[String], parent_bbox: Option<Bbox>, out: &mut Vec<Layer>) {
    let mut crs: Vec<String> = parent_crs.to_vec();
    for name in ["CRS", "SRS"] {
        for c in e.children_named(name) {
            // 1.1.1 may list several in one element, separated by spaces.
            for one in c.text_trimmed().split_whitespace() {
                if !crs.iter().any(|k| k == one) {
                    crs.push(one.to_string());
                }
            }
        }
    }
    let bbox = e
        .child("EX_GeographicBoundingBox")
        .and_then(|b| {
            let v = |n: &str| b.child(n)?.text_trimmed().parse::<f64>().ok();
            Some([
                v("westBoundLongitude")?,
                v("southBoundLatitude")?,
                v("eastBoundLongitude")?,
                v("northBoundLatitude")?,
            ])
        })
        .or_else(|| {
            let b = e.child("LatLonBoundingBox")?;
            let v = |n: &str| b.attr(n)?.parse::<f64>().ok();
            Some([v("minx")?, v("miny")?, v("maxx")?, v("maxy")?])
        })
        .or(parent_bbox);
    let text = |n: &str| {
        e.child(n)
            .map(|c| c.text_trimmed().to_string())
            .unwrap_or_default()
    };
    let name = text("Name");
    if !name.is_empty() {
        out.push(Layer {
            title: text("Title"),
            abstract_text: text("Abstract"),
            name,
            crs: crs.clone(),
            wgs84_bbox: bbox,
        });
    }
    for child in e.children_named("Layer") {
        walk(child, &crs, bbox, out);
    }
}

/// A service address without the request parameters (keys stay).
pub fn base_url(url: &str) -> String {
    crate::http::without_params(
        url,
        &[
            "service",
            "request",
            "version",
            "layers",
            "styles",
            "crs",
            "srs",
            "bbox",
            "width",
            "height",
            "format",
            "transparent",
        ],
    )
}

pub fn capabilities(fetch: &dyn Fetch, url: &str) -> Result<Capabilities, ServiceError> {
    let u = with_query(&base_url(url), "SERVICE", "WMS");
    let u = with_query(&u, "REQUEST", "GetCapabilities");
    let answer = fetch.get(&u, "application/xml, text/xml")?;
    parse_capabilities(&answer.text()).map_err(|why| ServiceError::Unreadable {
        url: u,
        expected: "WMS GetCapabilities",
        why,
    })
}
