//! From an address (a catalogue's resource, or one a user pasted) to the
//! layers it offers, and from the one chosen to a scene layer: a WMS layer
//! becomes a basemap, a WFS feature type or OGC API collection a vector
//! layer loaded for the view, a file a vector layer read once.

use crate::catalog::{Dataset, ResourceKind, classify};
use crate::http::Fetch;
use crate::{ServiceError, ogcapi, wfs, wms};
use pw_geo::Crs;
use pw_scene::{BasemapService, BasemapSettings, FeatureService, Layer, LayerKind};

/// One layer a service or file offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub title: String,
    /// What the service calls it (WMS layer, feature type, collection).
    pub name: String,
    pub kind: ResourceKind,
    /// The service's address (without request parameters) or the file's.
    pub url: String,
    /// WMS: the CRS to ask in (the scene's where offered).
    pub crs: Option<String>,
    /// WMS: the image format.
    pub format: Option<String>,
}

/// The layers at `url`; `kind` as a catalogue labelled it, or `Other` for
/// an address typed in (then its parameters, its ending and what it
/// answers tell).
pub fn discover(
    fetch: &dyn Fetch,
    url: &str,
    kind: ResourceKind,
    scene: Crs,
) -> Result<Vec<Offer>, ServiceError> {
    let kind = match kind {
        ResourceKind::Other => classify("", url),
        k => k,
    };
    match kind {
        ResourceKind::Wms => wms_offers(fetch, url, scene),
        ResourceKind::Wfs => wfs_offers(fetch, url),
        ResourceKind::OgcApiFeatures => ogcapi_offers(fetch, url),
        ResourceKind::VectorFile => Ok(vec![Offer {
            title: file_title(url),
            name: String::new(),
            kind: ResourceKind::VectorFile,
            url: url.to_string(),
            crs: None,
            format: None,
        }]),
        ResourceKind::Other => {
            // An address without hints: OGC API answers JSON with links,
            // a WFS or WMS its capabilities; the first that answers wins.
            let tries: [&dyn Fn() -> Result<Vec<Offer>, ServiceError>; 3] = [
                &|| ogcapi_offers(fetch, url),
                &|| wfs_offers(fetch, url),
                &|| wms_offers(fetch, url, scene),
            ];
            let mut unreachable = None;
            for attempt in tries {
                match attempt() {
                    Ok(o) if !o.is_empty() => return Ok(o),
                    // No server there at all: that is what to say.
                    Err(e @ (ServiceError::Offline { .. } | ServiceError::Timeout { .. })) => {
                        unreachable.get_or_insert(e);
                    }
                    // A 404 for one protocol says nothing about the others.
                    Ok(_) | Err(_) => {}
                }
            }
            Err(unreachable.unwrap_or_else(|| ServiceError::NotAService {
                url: url.to_string(),
            }))
        }
    }
}

fn file_title(url: &str) -> String {
    crate::shown(url)
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.').map(|(stem, _)| stem.to_string()))
        .unwrap_or_else(|| url.to_string())
}

fn wms_offers(fetch: &dyn Fetch, url: &str, scene: Crs) -> Result<Vec<Offer>, ServiceError> {
    let caps = wms::capabilities(fetch, url)?;
    let format = ["image/png", "image/png; mode=8bit", "image/jpeg"]
        .iter()
        .find(|f| caps.formats.iter().any(|g| g.eq_ignore_ascii_case(f)))
        .map(|f| f.to_string())
        .or_else(|| {
            caps.formats
                .iter()
                .find(|f| f.starts_with("image/"))
                .cloned()
        });
    Ok(caps
        .layers
        .iter()
        .map(|l| {
            // The scene's CRS where offered (no resampling), else Web
            // Mercator, else the first CRS we can reproject.
            let crs = if wms::Capabilities::offers(l, scene) {
                None
            } else {
                ["EPSG:3857", "EPSG:4326", "CRS:84"]
                    .iter()
                    .find(|c| l.crs.iter().any(|o| o.eq_ignore_ascii_case(c)))
                    .map(|c| c.to_string())
                    .or_else(|| {
                        l.crs
                            .iter()
                            .find(|c| Crs::parse(c).is_ok_and(|p| p.proj_definition().is_ok()))
                            .cloned()
                    })
            };
            Offer {
                title: if l.title.is_empty() {
                    l.name.clone()
                } else {
                    l.title.clone()
                },
                name: l.name.clone(),
                kind: ResourceKind::Wms,
                url: wms::base_url(url),
                crs,
                format: format.clone(),
            }
        })
        .collect())
}

fn wfs_offers(fetch: &dyn Fetch, url: &str) -> Result<Vec<Offer>, ServiceError> {
    let caps = wfs::capabilities(fetch, url)?;
    Ok(caps
        .feature_types
        .iter()
        .map(|t| Offer {
            title: if t.title.is_empty() {
                t.name.clone()
            } else {
                t.title.clone()
            },
            name: t.name.clone(),
            kind: ResourceKind::Wfs,
            url: wfs::base_url(url),
            crs: None,
            format: None,
        })
        .collect())
}

fn ogcapi_offers(fetch: &dyn Fetch, url: &str) -> Result<Vec<Offer>, ServiceError> {
    let (root, only) = ogcapi::split_url(url);
    let list = ogcapi::collections(fetch, url)?;
    Ok(list
        .into_iter()
        .filter(|c| only.as_ref().is_none_or(|id| &c.id == id))
        .map(|c| Offer {
            title: if c.title.is_empty() {
                c.id.clone()
            } else {
                c.title.clone()
            },
            name: c.id,
            kind: ResourceKind::OgcApiFeatures,
            url: root.clone(),
            crs: None,
            format: None,
        })
        .collect())
}

/// The offer that fits a dataset's title best (exact, contained, most
/// shared words), else the first; None when there is none.
pub fn best_for<'a>(offers: &'a [Offer], title: &str) -> Option<&'a Offer> {
    let w = title.to_lowercase();
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|x| x.chars().count() > 2)
            .map(str::to_string)
            .collect()
    };
    offers
        .iter()
        .find(|o| o.title.to_lowercase() == w || o.name.to_lowercase() == w)
        .or_else(|| {
            offers.iter().find(|o| {
                let t = o.title.to_lowercase();
                !t.is_empty() && (w.contains(&t) || t.contains(&w))
            })
        })
        .or_else(|| {
            let want = words(title);
            offers
                .iter()
                .map(|o| {
                    let have = words(&format!("{} {}", o.title, o.name));
                    (want.iter().filter(|x| have.contains(x)).count(), o)
                })
                .filter(|(n, _)| *n > 0)
                .max_by_key(|(n, _)| *n)
                .map(|(_, o)| o)
        })
        .or(offers.first())
}

impl Offer {
    /// The scene layer for this offer; a dataset gives the name and the
    /// credit (publisher, licence) the layer shows while visible.
    pub fn to_layer(&self, dataset: Option<&Dataset>) -> Layer {
        let name = match dataset {
            Some(d) if !d.title.is_empty() && self.kind == ResourceKind::VectorFile => {
                d.title.clone()
            }
            Some(d) if !d.title.is_empty() && d.title != self.title => {
                format!("{} – {}", d.title, self.title)
            }
            _ => self.title.clone(),
        };
        let mut layer = match self.kind {
            ResourceKind::Wms => {
                let mut l = Layer::new(name, LayerKind::Basemap, self.url.clone());
                l.basemap = Some(BasemapSettings {
                    service: BasemapService::Wms,
                    layers: Some(self.name.clone()),
                    format: self.format.clone(),
                    crs: self.crs.clone(),
                    ..Default::default()
                });
                l
            }
            ResourceKind::Wfs | ResourceKind::OgcApiFeatures => {
                let mut l = Layer::new(name, LayerKind::Vector, self.url.clone());
                l.service = Some(FeatureService {
                    protocol: if self.kind == ResourceKind::Wfs {
                        "wfs"
                    } else {
                        "ogcapi"
                    }
                    .into(),
                    name: self.name.clone(),
                    max_features: None,
                });
                l
            }
            ResourceKind::VectorFile | ResourceKind::Other => {
                Layer::new(name, LayerKind::Vector, self.url.clone())
            }
        };
        if let Some(d) = dataset {
            let credit: Vec<&str> = [d.publisher.as_str(), d.licence.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if !credit.is_empty() {
                layer.attribution = Some(format!("© {}", credit.join(", ")));
            }
        }
        layer
    }
}

/// Whether an address is one a service layer or catalogue may use.
pub fn is_web_address(text: &str) -> bool {
    pw_scene::is_web_address(text) && url::Url::parse(text.trim()).is_ok_and(|u| u.host().is_some())
}
