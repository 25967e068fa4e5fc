//! OGC SensorThings API (v1.0 and v1.1) entities and queries: ids that are
//! numbers or strings (sensiNact writes `K440~BLN1/1~color`), collections
//! with `@iot.nextLink` and `@iot.count`, and the query options
//! `$filter`, `$orderby`, `$top`, `$skip`, `$select`, `$expand`, `$count`.

use crate::{SensorError, Value, json_value, parse_json, parse_time};
use serde_json::Value as Json;

/// An entity id as the server gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    Number(i64),
    Text(String),
}

impl Id {
    fn from_json(v: &Json) -> Option<Id> {
        match v {
            Json::Number(n) => n.as_i64().map(Id::Number),
            Json::String(s) => Some(Id::Text(s.clone())),
            _ => None,
        }
    }

    /// The key in a resource path: `(42)` or `('K440~BLN1%2F1~color')` —
    /// quotes doubled as OData wants, the rest percent-encoded.
    pub fn key(&self) -> String {
        match self {
            Id::Number(n) => format!("({n})"),
            Id::Text(s) => format!("('{}')", encode(&s.replace('\'', "''"))),
        }
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::Text(s) => f.write_str(s),
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and the
/// few OData needs verbatim (`'`, `(`, `)`, `,`, `$`, `=`, `~`).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~'(),$=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A page of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
    pub count: Option<u64>,
}

/// Unit of measurement (all members may be null, as sensiNact sends them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    pub name: Option<String>,
    pub symbol: Option<String>,
    pub definition: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Datastream {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    pub unit: Unit,
    pub observation_type: Option<String>,
    /// The server's own links, followed as given: some servers (sensiNact)
    /// spell keys their own way.
    pub self_link: Option<String>,
    pub observations_link: Option<String>,
    /// `$expand=Thing` or `Thing/Locations`: name and WGS84 position.
    pub thing: Option<Thing>,
    pub observed_property: Option<String>,
    /// `$expand=Observations(...)`: the observations given inline (the
    /// newest one when asked with `$top=1;$orderby=phenomenonTime desc`).
    pub observations: Vec<Observation>,
}

impl Datastream {
    /// A datastream known by its id only (as typed on a command line, or
    /// kept in a cache): digits are a numeric id, anything else a string.
    pub fn from_id(id: &str) -> Datastream {
        Datastream {
            id: id
                .parse::<i64>()
                .map(Id::Number)
                .unwrap_or_else(|_| Id::Text(id.to_string())),
            name: id.to_string(),
            description: None,
            unit: Unit::default(),
            observation_type: None,
            self_link: None,
            observations_link: None,
            thing: None,
            observed_property: None,
            observations: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Thing {
    pub id: Id,
    pub name: String,
    /// Longitude/latitude of its first Location, if expanded.
    pub location: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub id: Option<Id>,
    /// Start of the phenomenon time (an instant, or an interval's start),
    /// Unix ms.
    pub time_ms: i64,
    pub result: Value,
    /// A result that is a place (a GeoJSON Point or Feature, as sensiNact
    /// sends `<provider>~admin~location`): WGS84 longitude/latitude. The
    /// result then reads "lat, lon".
    pub location: Option<[f64; 2]>,
}

/// A GeoJSON Point (or a Feature with one): longitude/latitude.
pub fn geojson_point(v: &Json) -> Option<[f64; 2]> {
    let g = v.get("geometry").unwrap_or(v);
    // Some servers leave out "type"; anything but a point is no place.
    if g.get("type")
        .and_then(Json::as_str)
        .is_some_and(|t| t != "Point")
    {
        return None;
    }
    let c = g.get("coordinates")?.as_array()?;
    let p = [c.first()?.as_f64()?, c.get(1)?.as_f64()?];
    p.iter().all(|x| x.is_finite()).then_some(p)
}

fn text(v: &Json, key: &str) -> Option<String> {
    v.get(key).and_then(Json::as_str).map(str::to_string)
}

fn thing(v: &Json) -> Option<Thing> {
    let location = v
        .get("Locations")
        .and_then(Json::as_array)
        .and_then(|l| l.first())
        .and_then(|l| l.get("location"))
        .and_then(geojson_point);
    Some(Thing {
        id: Id::from_json(v.get("@iot.id")?)?,
        name: text(v, "name").unwrap_or_default(),
        location,
    })
}

fn datastream(v: &Json) -> Result<Datastream, SensorError> {
    let id = v
        .get("@iot.id")
        .and_then(Id::from_json)
        .ok_or(SensorError::Missing("Datastream @iot.id"))?;
    let unit = v.get("unitOfMeasurement").unwrap_or(&Json::Null);
    Ok(Datastream {
        id,
        name: text(v, "name").unwrap_or_default(),
        description: text(v, "description"),
        unit: Unit {
            name: text(unit, "name"),
            symbol: text(unit, "symbol"),
            definition: text(unit, "definition"),
        },
        observation_type: text(v, "observationType"),
        self_link: text(v, "@iot.selfLink"),
        observations_link: text(v, "Observations@iot.navigationLink"),
        thing: v.get("Thing").and_then(thing),
        observed_property: v.get("ObservedProperty").and_then(|p| text(p, "name")),
        observations: v
            .get("Observations")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(|o| observation(o).ok()).collect())
            .unwrap_or_default(),
    })
}

/// An observation's phenomenon time: the instant, or an interval's start
/// (Unix ms).
fn phenomenon_start(v: &Json) -> Result<i64, SensorError> {
    let time = v
        .get("phenomenonTime")
        .and_then(Json::as_str)
        .ok_or(SensorError::Missing("Observation phenomenonTime"))?;
    parse_time(time.split('/').next().unwrap_or(time))
}

fn observation(v: &Json) -> Result<Observation, SensorError> {
    let result = v.get("result");
    let location = result.and_then(geojson_point);
    Ok(Observation {
        id: v.get("@iot.id").and_then(Id::from_json),
        time_ms: phenomenon_start(v)?,
        result: match location {
            Some([lon, lat]) => Value::Text(format!("{lat:.5}, {lon:.5}")),
            None => result
                .and_then(json_value)
                .unwrap_or(Value::Text(String::new())),
        },
        location,
    })
}

fn page<T>(
    text: &str,
    item: impl Fn(&Json) -> Result<T, SensorError>,
) -> Result<Page<T>, SensorError> {
    let v = parse_json(text)?;
    let values = v
        .get("value")
        .and_then(Json::as_array)
        .ok_or(SensorError::Missing("value (a SensorThings collection)"))?;
    Ok(Page {
        items: values.iter().map(item).collect::<Result<_, _>>()?,
        next: v
            .get("@iot.nextLink")
            .and_then(Json::as_str)
            .map(str::to_string),
        count: v.get("@iot.count").and_then(Json::as_u64),
    })
}

/// One Observation entity (as the MQTT extension publishes them).
pub fn observation_entity(text: &str) -> Result<Observation, SensorError> {
    observation(&parse_json(text)?)
}

/// Any other entity (Things, Locations, Sensors, ObservedProperties,
/// FeaturesOfInterest): what a list or an inspector needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    /// Sensors: `metadata` / `encodingType`; ObservedProperties:
    /// `definition`; as given.
    pub definition: Option<String>,
    /// Locations' `location`, FeaturesOfInterest's `feature`, a Thing's
    /// first expanded Location: WGS84 longitude/latitude of a point.
    pub place: Option<[f64; 2]>,
    /// `properties` as given (JSON text), if any.
    pub properties: Option<String>,
}

fn entity(v: &Json) -> Result<Entity, SensorError> {
    let id = v
        .get("@iot.id")
        .and_then(Id::from_json)
        .ok_or(SensorError::Missing("@iot.id"))?;
    let place = ["location", "feature"]
        .iter()
        .find_map(|k| v.get(*k).and_then(geojson_point))
        .or_else(|| thing(v).and_then(|t| t.location));
    Ok(Entity {
        id,
        name: text(v, "name").unwrap_or_default(),
        description: text(v, "description"),
        definition: text(v, "definition")
            .or_else(|| text(v, "metadata"))
            .or_else(|| text(v, "encodingType")),
        place,
        properties: v
            .get("properties")
            .filter(|p| !p.is_null())
            .map(|p| p.to_string()),
    })
}

/// A collection of Things, Locations, Sensors, ObservedProperties or
/// FeaturesOfInterest.
pub fn entities(text: &str) -> Result<Page<Entity>, SensorError> {
    page(text, entity)
}

/// A MultiDatastream (v1.1): several quantities observed together, each
/// observation's result an array in the order of `observed_properties`.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiDatastream {
    pub id: Id,
    pub name: String,
    pub units: Vec<Unit>,
    /// `$expand=ObservedProperties`: their names, in result order.
    pub observed_properties: Vec<String>,
    pub thing: Option<Thing>,
    pub observations_link: Option<String>,
    /// `$expand=Observations(...)`, e.g. the newest one.
    pub observations: Vec<MultiObservation>,
}

/// An observation of a MultiDatastream: one value per component.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiObservation {
    pub id: Option<Id>,
    pub time_ms: i64,
    pub results: Vec<Value>,
}

impl MultiDatastream {
    /// The id its component `i` goes by as a datastream: `<id>[i]`.
    pub fn component_id(&self, i: usize) -> String {
        format!("{}[{i}]", self.id)
    }

    /// One datastream per component, as stations and the view take them.
    pub fn components(&self) -> Vec<Datastream> {
        let n = self.units.len().max(self.observed_properties.len());
        (0..n)
            .map(|i| Datastream {
                id: Id::Text(self.component_id(i)),
                name: self
                    .observed_properties
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("{} [{i}]", self.name)),
                description: None,
                unit: self.units.get(i).cloned().unwrap_or_default(),
                observation_type: None,
                self_link: None,
                observations_link: None,
                thing: self.thing.clone(),
                observed_property: self.observed_properties.get(i).cloned(),
                observations: self
                    .observations
                    .iter()
                    .filter_map(|o| o.component(i))
                    .collect(),
            })
            .collect()
    }
}

impl MultiObservation {
    /// Component `i` as a plain observation.
    pub fn component(&self, i: usize) -> Option<Observation> {
        Some(Observation {
            id: None,
            time_ms: self.time_ms,
            result: self.results.get(i)?.clone(),
            location: None,
        })
    }
}

fn unit(v: &Json) -> Unit {
    Unit {
        name: text(v, "name"),
        symbol: text(v, "symbol"),
        definition: text(v, "definition"),
    }
}

fn multi_observation(v: &Json) -> Result<MultiObservation, SensorError> {
    let results = v
        .get("result")
        .and_then(Json::as_array)
        .ok_or(SensorError::Missing(
            "result array of a MultiDatastream observation",
        ))?;
    Ok(MultiObservation {
        id: v.get("@iot.id").and_then(Id::from_json),
        time_ms: phenomenon_start(v)?,
        results: results
            .iter()
            .map(|r| json_value(r).unwrap_or(Value::Text(String::new())))
            .collect(),
    })
}

fn multi_datastream(v: &Json) -> Result<MultiDatastream, SensorError> {
    let id = v
        .get("@iot.id")
        .and_then(Id::from_json)
        .ok_or(SensorError::Missing("MultiDatastream @iot.id"))?;
    let list = |key: &str| {
        v.get(key)
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default()
    };
    Ok(MultiDatastream {
        id,
        name: text(v, "name").unwrap_or_default(),
        units: list("unitOfMeasurements").iter().map(unit).collect(),
        observed_properties: list("ObservedProperties")
            .iter()
            .filter_map(|p| text(p, "name"))
            .collect(),
        thing: v.get("Thing").and_then(thing),
        observations_link: text(v, "Observations@iot.navigationLink"),
        observations: list("Observations")
            .iter()
            .filter_map(|o| multi_observation(o).ok())
            .collect(),
    })
}

pub fn multi_datastreams(text: &str) -> Result<Page<MultiDatastream>, SensorError> {
    page(text, multi_datastream)
}

pub fn multi_observations(text: &str) -> Result<Page<MultiObservation>, SensorError> {
    page(text, multi_observation)
}

/// One MultiDatastream observation (as the MQTT extension publishes it).
pub fn multi_observation_entity(text: &str) -> Result<MultiObservation, SensorError> {
    multi_observation(&parse_json(text)?)
}

/// Where a Thing was at a time (`HistoricalLocations?$expand=Locations`).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoricalLocation {
    pub id: Option<Id>,
    pub time_ms: i64,
    /// WGS84 longitude/latitude of its first Location.
    pub location: Option<[f64; 2]>,
}

fn historical_location(v: &Json) -> Result<HistoricalLocation, SensorError> {
    let time = v
        .get("time")
        .and_then(Json::as_str)
        .ok_or(SensorError::Missing("HistoricalLocation time"))?;
    Ok(HistoricalLocation {
        id: v.get("@iot.id").and_then(Id::from_json),
        time_ms: parse_time(time)?,
        location: v
            .get("Locations")
            .and_then(Json::as_array)
            .and_then(|l| l.first())
            .and_then(|l| l.get("location"))
            .and_then(geojson_point),
    })
}

pub fn historical_locations(text: &str) -> Result<Page<HistoricalLocation>, SensorError> {
    page(text, historical_location)
}

pub fn datastreams(text: &str) -> Result<Page<Datastream>, SensorError> {
    page(text, datastream)
}

pub fn observations(text: &str) -> Result<Page<Observation>, SensorError> {
    page(text, observation)
}

/// Query options, written in a fixed order (servers and caches see the
/// same URL for the same question).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub filter: Option<String>,
    pub orderby: Option<String>,
    pub top: Option<u32>,
    pub skip: Option<u32>,
    pub select: Vec<String>,
    pub expand: Vec<String>,
    pub count: bool,
}

impl Query {
    /// Observations with a phenomenon time in `[from, to)` (Unix ms), oldest first.
    pub fn time_window(from_ms: i64, to_ms: i64) -> Query {
        let iso = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms)
                .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                .unwrap_or_default()
        };
        Query {
            filter: Some(format!(
                "phenomenonTime ge {} and phenomenonTime lt {}",
                iso(from_ms),
                iso(to_ms)
            )),
            orderby: Some("phenomenonTime asc".into()),
            ..Query::default()
        }
    }

    /// `?$filter=…&$orderby=…` (empty when there are no options).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.filter {
            parts.push(format!("$filter={}", encode(f)));
        }
        if let Some(o) = &self.orderby {
            parts.push(format!("$orderby={}", encode(o)));
        }
        if let Some(t) = self.top {
            parts.push(format!("$top={t}"));
        }
        if let Some(s) = self.skip {
            parts.push(format!("$skip={s}"));
        }
        if !self.select.is_empty() {
            parts.push(format!("$select={}", encode(&self.select.join(","))));
        }
        if !self.expand.is_empty() {
            parts.push(format!("$expand={}", encode(&self.expand.join(","))));
        }
        if self.count {
            parts.push("$count=true".into());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A server's `@iot.nextLink` made requestable: some servers (the
/// django one) do not percent-encode it; spaces and quotes are fixed, what
/// is already encoded stays.
pub fn requestable(link: &str) -> String {
    let mut out = String::with_capacity(link.len());
    for c in link.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if !c.is_ascii() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}
