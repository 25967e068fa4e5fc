//! OGC API – Features (Part 1, with Part 2's `crs`/`bbox-crs` where a
//! collection offers the scene's CRS): the collections of a service, and a
//! collection's items in the box in view, following `next` links.

use crate::http::{Fetch, same_origin, with_query};
use crate::wfs::{Query, stale_issue, truncated_issue};
use crate::{Bbox, Message, ServiceError, append_features, reproject_bbox};
use pw_geo::Crs;
use pw_vector::VectorData;
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collection {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Longitude/latitude box of the data (`extent.spatial.bbox[0]`).
    pub wgs84_bbox: Option<Bbox>,
    /// CRS URIs the items can be asked in (Part 2); empty: CRS84 only.
    pub crs: Vec<String>,
    /// Where the items are (the `items` link, else `…/collections/{id}/items`).
    pub items: String,
}

impl Collection {
    /// The CRS URI for the scene's CRS if the collection offers it.
    pub fn offers(&self, scene: Crs) -> Option<String> {
        // In degrees CRS84 (longitude first) is the default; the EPSG form
        // would put latitude first.
        if scene.is_geographic() {
            return None;
        }
        // Part 2 writes coordinates in the registry's axis order: for a
        // northing-first system (Gauß-Krüger, LAEA Europe) CRS84 is safer.
        if scene.registry_axis_order() == pw_geo::crs::AxisOrder::NorthEast {
            return None;
        }
        self.crs
            .iter()
            .find(|c| {
                Crs::parse(c).is_ok_and(|p| p.horizontal == scene.horizontal)
                    && !c.contains("CRS84")
            })
            .cloned()
    }
}

/// The service's root (landing page) and, if the address names one, the
/// collection: users paste landing pages, collection pages or items URLs.
pub fn split_url(url: &str) -> (String, Option<String>) {
    // Keys stay, our own parameters go.
    let stripped =
        crate::http::without_params(url, &["f", "bbox", "bbox-crs", "crs", "limit", "offset"]);
    let Ok(mut parsed) = url::Url::parse(&stripped) else {
        return (url.trim_end_matches('/').to_string(), None);
    };
    let path = parsed.path().to_string();
    let (root, collection) = match path.find("/collections") {
        Some(i) => {
            let rest = path[i + "/collections".len()..].trim_start_matches('/');
            let id = rest.split('/').next().filter(|s| !s.is_empty());
            (path[..i].to_string(), id.map(|s| percent_decode(s)))
        }
        None => (path.trim_end_matches('/').to_string(), None),
    };
    parsed.set_path(&root);
    (parsed.to_string(), collection)
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// `root` + `/collections…` with the root's own query (keys) kept.
fn below(root: &str, path: &str) -> String {
    match url::Url::parse(root) {
        Ok(mut u) => {
            let p = format!("{}{}", u.path().trim_end_matches('/'), path);
            u.set_path(&p);
            u.to_string()
        }
        Err(_) => format!("{}{}", root.trim_end_matches('/'), path),
    }
}

fn json(fetch: &dyn Fetch, url: &str) -> Result<(Value, Option<ServiceError>), ServiceError> {
    let url = with_query(url, "f", "json");
    let answer = fetch.get(&url, "application/geo+json, application/json")?;
    let v = serde_json::from_slice(&answer.bytes).map_err(|e| ServiceError::Unreadable {
        url: url.clone(),
        expected: "OGC API – Features JSON",
        why: Message::text(e.to_string()),
    })?;
    Ok((v, answer.stale_because))
}

fn link(v: &Value, rel: &str, base: &str) -> Option<String> {
    let links = v.get("links")?.as_array()?;
    let pick = |want_json: bool| {
        links.iter().find(|l| {
            l.get("rel").and_then(|r| r.as_str()) == Some(rel)
                && (!want_json
                    || l.get("type")
                        .and_then(|t| t.as_str())
                        .is_none_or(|t| t.contains("json")))
        })
    };
    let l = pick(true).or_else(|| pick(false))?;
    let href = l.get("href")?.as_str()?;
    url::Url::parse(base)
        .and_then(|b| b.join(href))
        .map(|u| u.to_string())
        .ok()
}

fn read_collection(v: &Value, root: &str, doc: &str) -> Collection {
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let id = s("id");
    let wgs84_bbox = v
        .pointer("/extent/spatial/bbox/0")
        .and_then(|b| b.as_array())
        .and_then(|b| {
            let n: Vec<f64> = b.iter().filter_map(|x| x.as_f64()).collect();
            match n.len() {
                4 => Some([n[0], n[1], n[2], n[3]]),
                6 => Some([n[0], n[1], n[3], n[4]]),
                _ => None,
            }
        });
    let crs = v
        .get("crs")
        .and_then(|c| c.as_array())
        .map(|c| {
            c.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let fallback = below(root, &format!("/collections/{}/items", url_segment(&id)));
    let items = link(v, "items", doc)
        .map(|l| keep_params(root, &l))
        .unwrap_or(fallback);
    Collection {
        title: s("title"),
        description: s("description"),
        id,
        wgs84_bbox,
        crs,
        items,
    }
}

/// The collections a service lists.
pub fn collections(fetch: &dyn Fetch, url: &str) -> Result<Vec<Collection>, ServiceError> {
    let (root, _) = split_url(url);
    let (v, _) = json(fetch, &below(&root, "/collections"))?;
    Ok(collections_in(&v, &root))
}

/// The collections of a `/collections` answer; links resolved against `root`.
pub fn collections_in(v: &Value, root: &str) -> Vec<Collection> {
    let doc = below(root, "/collections");
    v.get("collections")
        .and_then(|c| c.as_array())
        .map(|list| {
            list.iter()
                .map(|c| read_collection(c, root, &doc))
                .collect()
        })
        .unwrap_or_default()
}

/// A link on the root's server keeps the root's own parameters (an access
/// key) where the server's link leaves them out.
fn keep_params(root: &str, link: &str) -> String {
    if !same_origin(root, link) {
        return link.to_string();
    }
    let mut out = link.to_string();
    if let Ok(r) = url::Url::parse(root) {
        for (k, v) in r.query_pairs() {
            if crate::http::query_value(&out, &k).is_none() {
                out = with_query(&out, &k, &v);
            }
        }
    }
    out
}

/// The `next` link of an items page, resolved against the page's address.
pub fn next_of(v: &Value, page: &str) -> Option<String> {
    link(v, "next", page)
}

/// One collection's description.
pub fn collection(fetch: &dyn Fetch, url: &str, id: &str) -> Result<Collection, ServiceError> {
    let (root, _) = split_url(url);
    let here = below(&root, &format!("/collections/{}", url_segment(id)));
    let (v, _) = json(fetch, &here)?;
    if v.get("id").is_none() {
        return Err(ServiceError::UnknownName {
            url: crate::shown(url).into(),
            name: id.into(),
            known: String::new(),
        });
    }
    Ok(read_collection(&v, &root, &here))
}

fn url_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The items of `collection_id` in the query's box, following `next` links.
pub fn get_features(
    fetch: &dyn Fetch,
    url: &str,
    collection_id: &str,
    query: &Query,
    control: Option<&pw_job::JobControl>,
) -> Result<VectorData, ServiceError> {
    let c = collection(fetch, url, collection_id)?;
    let (ask, ask_uri) = match c.offers(query.crs) {
        Some(uri) => (query.crs, Some(uri)),
        None => (Crs::WGS84, None),
    };
    let bbox = reproject_bbox(query.bbox, query.crs, ask).map_err(|why| ServiceError::Other {
        url: crate::shown(url).into(),
        why,
    })?;
    let mut next = with_query(
        &c.items,
        "bbox",
        &format!("{},{},{},{}", bbox[0], bbox[1], bbox[2], bbox[3]),
    );
    if let Some(uri) = &ask_uri {
        next = with_query(&next, "bbox-crs", uri);
        next = with_query(&next, "crs", uri);
    }
    let page = query.page_size.min(query.max_features).max(1);
    next = with_query(&next, "limit", &page.to_string());
    let mut all = VectorData::new("OGC API – Features");
    let mut matched = None;
    loop {
        if let Some(ctl) = control {
            ctl.check().map_err(|_| ServiceError::Other {
                url: crate::shown(url).into(),
                why: "cancelled".into(),
            })?;
        }
        // A link that names its format (geOrchestra: f=geojson) keeps it.
        let request = if crate::http::query_value(&next, "f").is_some() {
            next.clone()
        } else {
            with_query(&next, "f", "json")
        };
        let answer = fetch.get(&request, "application/geo+json, application/json")?;
        if let Some(why) = &answer.stale_because {
            all.issues.push(stale_issue(why));
        }
        let text = String::from_utf8_lossy(&answer.bytes);
        let unreadable = |why: Message| ServiceError::Unreadable {
            url: request.clone(),
            expected: "GeoJSON",
            why,
        };
        let v: Value =
            serde_json::from_str(&text).map_err(|e| unreadable(Message::text(e.to_string())))?;
        matched = v.get("numberMatched").and_then(|n| n.as_u64()).or(matched);
        let mut data = pw_vector::geojson::read(&text).map_err(unreadable)?;
        if ask_uri.is_some() {
            // Part 2: the items are in the CRS asked for (Content-Crs).
            data.crs = Some(ask);
            data.crs_text = ask_uri.clone();
        }
        data.features
            .truncate(query.max_features.saturating_sub(all.features.len()));
        let got = data.features.len();
        append_features(&mut all, data);
        if let (Some(ctl), Some(m)) = (control, matched) {
            ctl.set_progress((all.features.len() as f32 / m.max(1) as f32).min(1.0));
        }
        let Some(following) = link(&v, "next", &request) else {
            break;
        };
        if got == 0 {
            break;
        }
        if all.features.len() >= query.max_features {
            all.issues
                .push(truncated_issue(all.features.len(), matched));
            break;
        }
        if !same_origin(&request, &following) {
            all.issues.push(
                pw_text::Message::new("services.issue.next_elsewhere")
                    .arg("url", crate::shown(&following))
                    .english("the next page lies on another server ({url}) and was not loaded"),
            );
            break;
        }
        if following == next || following == request {
            // A server that links a page to itself: the walk ends.
            break;
        }
        next = keep_params(&c.items, &following);
    }
    all.format = format!(
        "OGC API – Features ({})",
        if c.title.is_empty() { &c.id } else { &c.title }
    );
    Ok(all)
}
