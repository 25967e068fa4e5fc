//! Online data services a city uses (engine-free): features from a WFS 2.0
//! (GetFeature for a box, paged, GeoJSON where offered, else GML) and from an
//! OGC API – Features (items for a box, following `next` links), the layers
//! of a WMS, and the search of an open-data catalogue (CKAN's action API,
//! the piveau hub search that DCAT-AP portals run) whose resources become
//! layers. Source → answers → `pw_vector::VectorData`, with what was left
//! out said as messages; every request goes through a [`Fetch`], so tests
//! answer from recorded server responses.

pub mod catalog;
pub mod http;
pub mod offer;
pub mod ogcapi;
pub mod wfs;
pub mod wms;
mod xml;

pub use catalog::{Catalog, CatalogKind, Dataset, Resource, ResourceKind};
pub use http::{Fetch, Http};
pub use pw_text::Message;

/// A service that could not be used; each says what to do in [`ServiceError::message`].
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ServiceError {
    #[error("{url}: no answer in time")]
    Timeout { url: String },
    #[error("{url}: cannot connect (offline, or the server is down)")]
    Offline { url: String },
    #[error("{url}: the server answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: the answer is larger than {limit_mb} MB")]
    TooLarge { url: String, limit_mb: u64 },
    #[error("{url}: the service reports: {text}")]
    Exception { url: String, text: String },
    #[error("{url}: not a {expected} answer ({why})")]
    Unreadable {
        url: String,
        expected: &'static str,
        /// Said in the user's language where a reader gives a key; a JSON
        /// library's own words stay as they are.
        why: Message,
    },
    #[error("{url}: the service has no feature type or collection \"{name}\" (it has: {known})")]
    UnknownName {
        url: String,
        name: String,
        known: String,
    },
    #[error("{url}: no OGC API – Features, WFS or WMS answers there")]
    NotAService { url: String },
    #[error("{url}: {why}")]
    Other { url: String, why: String },
}

impl ServiceError {
    /// The text for people, through the catalogues.
    pub fn message(&self) -> Message {
        match self {
            ServiceError::Timeout { url } => Message::new("services.error.timeout")
                .arg("url", shown(url))
                .english("{url}: no answer in time – try again, or later"),
            ServiceError::Offline { url } => Message::new("services.error.offline")
                .arg("url", shown(url))
                .english("{url}: cannot connect (offline, or the server is down)"),
            ServiceError::Status { url, status } => Message::new("services.error.status")
                .arg("url", shown(url))
                .arg("status", status)
                .english("{url}: the server answered HTTP {status}"),
            ServiceError::TooLarge { url, limit_mb } => Message::new("services.error.too_large")
                .arg("url", shown(url))
                .arg("limit", limit_mb)
                .english("{url}: the answer is larger than {limit} MB – zoom in and load again"),
            ServiceError::Exception { url, text } => Message::new("services.error.exception")
                .arg("url", shown(url))
                .arg("text", text)
                .english("{url}: the service reports: {text}"),
            ServiceError::Unreadable { url, expected, why } => {
                Message::new("services.error.unreadable")
                    .arg("url", shown(url))
                    .arg("expected", expected)
                    .arg_message("why", why.clone())
                    .english("{url}: not a {expected} answer ({why}) – check the address")
            }
            ServiceError::UnknownName { url, name, known } => {
                Message::new("services.error.unknown_name")
                    .arg("url", shown(url))
                    .arg("name", name)
                    .arg("known", known)
                    .english("{url}: the service has no layer \"{name}\"; it has: {known}")
            }
            ServiceError::NotAService { url } => Message::new("services.error.not_a_service")
                .arg("url", shown(url))
                .english(
                    "{url}: no OGC API – Features, WFS or WMS answers there – check the address",
                ),
            ServiceError::Other { url, why } => Message::new("services.error.other")
                .arg("url", shown(url))
                .arg("why", why)
                .english("{url}: {why}"),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            ServiceError::Timeout { url }
            | ServiceError::Offline { url }
            | ServiceError::Status { url, .. }
            | ServiceError::TooLarge { url, .. }
            | ServiceError::Exception { url, .. }
            | ServiceError::Unreadable { url, .. }
            | ServiceError::UnknownName { url, .. }
            | ServiceError::NotAService { url }
            | ServiceError::Other { url, .. } => url,
        }
    }
}

/// A URL as messages show it: without its query, which may carry a key,
/// and without a user name and password.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.has_host() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        _ => url.split(['?', '#']).next().unwrap_or(url).to_string(),
    }
}

/// A box in some CRS: min x, min y, max x, max y (easting first).
pub type Bbox = [f64; 4];

/// `bbox` (in `from`) as the box that holds it in `to`: the corners and
/// edge midpoints reprojected (a projected box is no box in degrees).
pub fn reproject_bbox(bbox: Bbox, from: pw_geo::Crs, to: pw_geo::Crs) -> Result<Bbox, String> {
    if from.horizontal == to.horizontal {
        return Ok(bbox);
    }
    let r = pw_geo::transform::Reprojector::new(from, to).map_err(|e| e.to_string())?;
    let mut out = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let [x0, y0, x1, y1] = bbox;
    for i in 0..=4 {
        for j in 0..=4 {
            let x = x0 + (x1 - x0) * i as f64 / 4.0;
            let y = y0 + (y1 - y0) * j as f64 / 4.0;
            if i != 0 && i != 4 && j != 0 && j != 4 {
                continue;
            }
            let p = r.apply([x, y, 0.0]).map_err(|e| e.to_string())?;
            out[0] = out[0].min(p[0]);
            out[1] = out[1].min(p[1]);
            out[2] = out[2].max(p[0]);
            out[3] = out[3].max(p[1]);
        }
    }
    Ok(out)
}

/// Pages of features appended into one: fields joined by name (a page may
/// name fields the earlier ones did not), features' values in that order.
pub fn append_features(all: &mut pw_vector::VectorData, page: pw_vector::VectorData) {
    if all.crs.is_none() {
        all.crs = page.crs;
        all.crs_text = page.crs_text.clone();
    }
    let mut map = Vec::with_capacity(page.fields.len());
    for field in &page.fields {
        match all.fields.iter().position(|f| f.name == field.name) {
            Some(i) => {
                let kind = pw_vector::FieldKind::widen(Some(all.fields[i].kind), field.kind);
                all.fields[i].kind = kind;
                map.push(i);
            }
            None => {
                all.fields.push(field.clone());
                for f in &mut all.features {
                    f.values.push(pw_vector::Value::Null);
                }
                map.push(all.fields.len() - 1);
            }
        }
    }
    let width = all.fields.len();
    for mut feature in page.features {
        let mut values = vec![pw_vector::Value::Null; width];
        for (value, &to) in feature.values.drain(..).zip(&map) {
            values[to] = value;
        }
        feature.values = values;
        all.features.push(feature);
    }
    all.issues.extend(page.issues);
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_vector::{Feature, Field, FieldKind, Value, VectorData};

    fn page(fields: &[&str], rows: &[&[i64]]) -> VectorData {
        VectorData {
            format: "GeoJSON".into(),
            crs: None,
            crs_text: None,
            fields: fields
                .iter()
                .map(|n| Field {
                    name: n.to_string(),
                    kind: FieldKind::Integer,
                })
                .collect(),
            features: rows
                .iter()
                .map(|r| Feature {
                    id: None,
                    geometry: None,
                    values: r.iter().map(|v| Value::Integer(*v)).collect(),
                })
                .collect(),
            issues: Vec::new(),
        }
    }

    #[test]
    fn pages_with_other_fields_are_joined_by_name() {
        let mut all = pw_vector::VectorData::new("test");
        append_features(&mut all, page(&["a", "b"], &[&[1, 2]]));
        append_features(&mut all, page(&["b", "c"], &[&[3, 4]]));
        let names: Vec<_> = all.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(
            all.features[0].values,
            [Value::Integer(1), Value::Integer(2), Value::Null]
        );
        assert_eq!(
            all.features[1].values,
            [Value::Null, Value::Integer(3), Value::Integer(4)]
        );
    }

    #[test]
    fn a_box_in_utm_becomes_the_box_around_it_in_degrees() {
        // Jena's centre, 2 km square.
        let b = reproject_bbox(
            [680_000.0, 5_644_000.0, 682_000.0, 5_646_000.0],
            pw_geo::Crs::ETRS89_UTM32,
            pw_geo::Crs::WGS84,
        )
        .unwrap();
        // The corners by gdaltransform -s_srs EPSG:25832 -t_srs EPSG:4326:
        // SW 11.56096 50.91953, SE 11.58939 50.91890, NW 11.56195 50.93750,
        // NE 11.59038 50.93687; the box in degrees holds them all.
        let want = [11.56096, 50.91890, 11.59038, 50.93750];
        for (got, want) in b.iter().zip(want) {
            assert!((got - want).abs() < 2e-5, "{b:?}");
        }
    }
}
