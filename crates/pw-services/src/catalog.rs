//! Searching a city's open-data catalogue (DCAT-AP portals): CKAN's action
//! API (`package_search`) and the piveau hub search (`/search`) that the
//! newer German platforms run. Every resource is sorted into what the
//! workbench can show: a WMS (a basemap), a WFS or OGC API – Features (a
//! feature layer for the view), a vector file (GeoJSON, KML, GML…), or
//! nothing it can draw.

use crate::http::{Fetch, with_query};
use crate::{Message, ServiceError};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogKind {
    Ckan,
    Piveau,
}

impl CatalogKind {
    pub fn parse(s: &str) -> Option<CatalogKind> {
        match s.to_ascii_lowercase().as_str() {
            "ckan" => Some(CatalogKind::Ckan),
            "piveau" => Some(CatalogKind::Piveau),
            _ => None,
        }
    }
}

/// A catalogue: its kind and address (the portal's root, or the API's).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub kind: CatalogKind,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Wms,
    Wfs,
    OgcApiFeatures,
    /// A file the vector layers read (GeoJSON, KML/KMZ, GML, GeoPackage, FlatGeobuf).
    VectorFile,
    /// Nothing the workbench draws (CSV tables, PDF, …).
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    /// The format as the catalogue labels it.
    pub format: String,
    pub url: String,
    pub kind: ResourceKind,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub id: String,
    pub title: String,
    pub description: String,
    pub publisher: String,
    pub licence: String,
    pub modified: String,
    pub resources: Vec<Resource>,
}

impl Dataset {
    /// Resources the workbench can add as layers.
    pub fn layers(&self) -> impl Iterator<Item = &Resource> {
        self.resources
            .iter()
            .filter(|r| r.kind != ResourceKind::Other)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResult {
    /// Datasets matching in the whole catalogue.
    pub count: u64,
    pub datasets: Vec<Dataset>,
}

/// What a resource is, by its format label, its URL, and (piveau) the EU
/// file-type vocabulary ("…/file-type/WMS_SRVC").
pub fn classify(format: &str, url: &str) -> ResourceKind {
    let f = format
        .rsplit('/')
        .next()
        .unwrap_or(format)
        .trim()
        .to_ascii_lowercase();
    let u = url.to_ascii_lowercase();
    let service = crate::http::query_value(url, "service").map(|s| s.to_ascii_lowercase());
    if matches!(f.as_str(), "wms" | "wms_srvc" | "ogc:wms") || service.as_deref() == Some("wms") {
        return ResourceKind::Wms;
    }
    if matches!(f.as_str(), "wfs" | "wfs_srvc" | "ogc:wfs") || service.as_deref() == Some("wfs") {
        return ResourceKind::Wfs;
    }
    if f.contains("ogc api") || f.contains("oaf") || f == "ogcapi-features" {
        return ResourceKind::OgcApiFeatures;
    }
    let path = u.split(['?', '#']).next().unwrap_or(&u);
    let file_ext = path
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e);
    let vector_ext = matches!(
        file_ext,
        Some("geojson" | "kml" | "kmz" | "gml" | "gpkg" | "fgb")
    );
    let vector_format = matches!(
        f.as_str(),
        "geojson"
            | "application/geo+json"
            | "application/vnd.geo+json"
            | "kml"
            | "kmz"
            | "gml"
            | "gpkg"
            | "geopackage"
            | "flatgeobuf"
    );
    if vector_format || vector_ext {
        return ResourceKind::VectorFile;
    }
    ResourceKind::Other
}

/// The search request for `text`, at most `rows` datasets.
pub fn search_url(catalog: &Catalog, text: &str, rows: usize) -> String {
    let root = catalog.url.trim_end_matches('/');
    match catalog.kind {
        CatalogKind::Ckan => {
            let api = if root.contains("/api/3/action") {
                root.split("/api/3/action")
                    .next()
                    .unwrap_or(root)
                    .to_string()
                    + "/api/3/action/package_search"
            } else {
                format!("{root}/api/3/action/package_search")
            };
            let u = with_query(&api, "q", text);
            with_query(&u, "rows", &rows.to_string())
        }
        CatalogKind::Piveau => {
            // The hub search API lives under `…/api/hub/search`; its search
            // is `…/api/hub/search/search` (data.europa.eu, piveau portals).
            let api = if root.ends_with("/search/search") {
                root.to_string()
            } else {
                format!("{root}/search")
            };
            let u = with_query(&api, "q", text);
            let u = with_query(&u, "filter", "dataset");
            with_query(&u, "limit", &rows.to_string())
        }
    }
}

/// Searches the catalogue; titles in `language` where it has them.
pub fn search(
    fetch: &dyn Fetch,
    catalog: &Catalog,
    text: &str,
    rows: usize,
    language: &str,
) -> Result<SearchResult, ServiceError> {
    let url = search_url(catalog, text, rows);
    let answer = fetch.get(&url, "application/json")?;
    parse_search(&answer.bytes, catalog.kind, language).map_err(|e| match e {
        Refusal::Said(text) => ServiceError::Exception { url, text },
        Refusal::Unreadable(why) => ServiceError::Unreadable {
            url,
            expected: "catalogue search",
            why,
        },
    })
}

/// Why a search answer gave no datasets.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The catalogue said why (`success: false`).
    Said(String),
    Unreadable(Message),
}

/// Reads a search answer (CKAN `package_search`, piveau `/search`).
pub fn parse_search(
    bytes: &[u8],
    kind: CatalogKind,
    language: &str,
) -> Result<SearchResult, Refusal> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| Refusal::Unreadable(Message::text(e.to_string())))?;
    if v.get("success").and_then(|s| s.as_bool()) == Some(false) {
        let text = v
            .pointer("/error/message")
            .and_then(|m| m.as_str())
            .unwrap_or("the search failed")
            .to_string();
        return Err(Refusal::Said(text));
    }
    let result = v.get("result").ok_or_else(|| {
        Refusal::Unreadable(Message::new("services.catalog.no_result").english("no \"result\""))
    })?;
    let count = result.get("count").and_then(|c| c.as_u64()).unwrap_or(0);
    let list = result
        .get("results")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    let datasets = list
        .iter()
        .map(|d| match kind {
            CatalogKind::Ckan => ckan_dataset(d),
            CatalogKind::Piveau => piveau_dataset(d, language),
        })
        .collect();
    Ok(SearchResult { count, datasets })
}

fn s(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .trim()
        .to_string()
}

fn ckan_dataset(d: &Value) -> Dataset {
    let resources = d
        .get("resources")
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .map(|r| {
                    let format = s(r, "/format");
                    let url = s(r, "/url");
                    Resource {
                        name: s(r, "/name"),
                        kind: classify(&format, &url),
                        format,
                        url,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mut publisher = s(d, "/organization/title");
    if publisher.is_empty() {
        publisher = s(d, "/author");
    }
    Dataset {
        id: s(d, "/name"),
        title: s(d, "/title"),
        description: s(d, "/notes"),
        publisher,
        licence: s(d, "/license_title"),
        modified: s(d, "/metadata_modified"),
        resources,
    }
}

/// A piveau multilingual text ({"de": …, "en": …}) in `language`, else
/// German, English, any; plain strings as they are.
fn in_language(v: Option<&Value>, language: &str) -> String {
    match v {
        Some(Value::String(t)) => t.trim().to_string(),
        Some(Value::Object(m)) => [language, "de", "en"]
            .iter()
            .find_map(|l| m.get(*l).and_then(|x| x.as_str()))
            .or_else(|| m.values().find_map(|x| x.as_str()))
            .unwrap_or("")
            .trim()
            .to_string(),
        _ => String::new(),
    }
}

fn piveau_dataset(d: &Value, language: &str) -> Dataset {
    let mut licence = String::new();
    let resources = d
        .get("distributions")
        .and_then(|r| r.as_array())
        .map(|list| {
            list.iter()
                .map(|r| {
                    let format = {
                        let label = s(r, "/format/label");
                        if label.is_empty() {
                            s(r, "/format/id")
                        } else {
                            label
                        }
                    };
                    let first = |k: &str| {
                        r.get(k)
                            .and_then(|a| a.as_array())
                            .and_then(|a| a.iter().find_map(|x| x.as_str()))
                            .unwrap_or("")
                            .to_string()
                    };
                    // A service's access URL is its address; a file's download URL the file.
                    let access = first("access_url");
                    let download = first("download_url");
                    let url = if download.is_empty() {
                        access.clone()
                    } else {
                        download
                    };
                    let mut kind = classify(&format, &url);
                    if kind == ResourceKind::Other && url != access {
                        kind = classify(&format, &access);
                    }
                    if licence.is_empty() {
                        licence = in_language(r.pointer("/license/label"), language);
                        if licence.is_empty() {
                            licence = s(r, "/license/id");
                        }
                    }
                    Resource {
                        name: in_language(r.get("title"), language),
                        format,
                        url: if matches!(
                            kind,
                            ResourceKind::Wms | ResourceKind::Wfs | ResourceKind::OgcApiFeatures
                        ) {
                            access
                        } else {
                            url
                        },
                        kind,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Dataset {
        id: s(d, "/id"),
        title: in_language(d.get("title"), language),
        description: in_language(d.get("description"), language),
        publisher: in_language(d.pointer("/publisher/name"), language),
        licence,
        modified: s(d, "/modified"),
        resources,
    }
}
