//! Everything known about the sensors of a scene: the stations (a
//! SensorThings Thing, a LoRaWAN device, a FIWARE entity — one marker each)
//! with their streams, and every stream's values on the time axis. Live
//! events, fetched history and replays all land here, so the view asks one
//! question for live and historic time alike: the value at time t.

use crate::live::LiveEvent;
use crate::sta::{Datastream, Observation};
use crate::{Message, Value};
use std::collections::HashMap;

/// One measured quantity of a station.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// "sta:<datastream id>" or "<device EUI or entity id>/<quantity>".
    pub key: String,
    /// What it measures, as the source names it ("water_SOIL", "no2-ugm3").
    pub quantity: String,
    pub unit: Option<String>,
    /// How the station window names it: the quantity, or for sensiNact ids
    /// (`K440~BLN1/1~color`) what follows the provider ("BLN1/1 · color").
    pub label: String,
}

/// The provider of a sensiNact datastream id (`bus359~admin~location` →
/// `bus359`): sensiNact's Thing, when the server did not expand Things.
fn sensinact_provider(id: &str) -> Option<&str> {
    let mut parts = id.split('~');
    let provider = parts.next()?;
    (parts.count() >= 2 && !provider.is_empty()).then_some(provider)
}

/// Gaps between two fixes of a moving station up to this long are
/// interpolated; longer ones keep the last fix.
const MAX_FIX_GAP_MS: i64 = 10 * 60_000;

/// A place that measures: one marker on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub id: String,
    pub name: String,
    /// Layer group ("Bodenfeuchte", "Verkehr"): the scene's source category,
    /// else what the message says (application, entity type).
    pub category: Option<String>,
    /// WGS84 longitude/latitude; None: known, but not where.
    pub location: Option<[f64; 2]>,
    pub streams: Vec<Stream>,
}

/// The values of one stream in time order (Unix ms), one per time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub samples: Vec<(i64, Value)>,
}

/// Minimum, maximum and mean of the numbers in a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub count: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
}

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inserted {
    New,
    Corrected,
    Duplicate,
}

impl Series {
    fn insert(&mut self, time_ms: i64, value: Value) -> Inserted {
        // Live values arrive in order: the common case is an append.
        if self.samples.last().is_none_or(|(t, _)| *t < time_ms) {
            self.samples.push((time_ms, value));
            return Inserted::New;
        }
        match self.samples.binary_search_by_key(&time_ms, |(t, _)| *t) {
            Ok(i) if self.samples[i].1 == value => Inserted::Duplicate,
            Ok(i) => {
                self.samples[i].1 = value;
                Inserted::Corrected
            }
            Err(i) => {
                self.samples.insert(i, (time_ms, value));
                Inserted::New
            }
        }
    }

    /// The newest sample measured at or before `time_ms`.
    pub fn at(&self, time_ms: i64) -> Option<&(i64, Value)> {
        let n = self.samples.partition_point(|(t, _)| *t <= time_ms);
        n.checked_sub(1).map(|i| &self.samples[i])
    }

    pub fn latest(&self) -> Option<&(i64, Value)> {
        self.samples.last()
    }

    /// The time of the first sample after `time_ms`.
    pub fn next_after(&self, time_ms: i64) -> Option<i64> {
        let n = self.samples.partition_point(|(t, _)| *t <= time_ms);
        self.samples.get(n).map(|(t, _)| *t)
    }

    /// Samples with `from_ms <= t < to_ms`.
    pub fn window(&self, from_ms: i64, to_ms: i64) -> &[(i64, Value)] {
        let a = self.samples.partition_point(|(t, _)| *t < from_ms);
        let b = self.samples.partition_point(|(t, _)| *t < to_ms);
        &self.samples[a..b.max(a)]
    }

    /// Statistics of the numbers in `[from_ms, to_ms)`; None without numbers.
    pub fn stats(&self, from_ms: i64, to_ms: i64) -> Option<Stats> {
        let mut s = Stats {
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            mean: 0.0,
        };
        let mut sum = 0.0;
        for v in self
            .window(from_ms, to_ms)
            .iter()
            .filter_map(|(_, v)| v.as_f64())
        {
            s.count += 1;
            s.min = s.min.min(v);
            s.max = s.max.max(v);
            sum += v;
        }
        (s.count > 0).then(|| Stats {
            mean: sum / s.count as f64,
            ..s
        })
    }
}

/// Stations, streams and values of one scene.
#[derive(Debug, Clone, Default)]
pub struct SensorStore {
    pub stations: Vec<Station>,
    station_of: HashMap<String, usize>,
    /// Stream key → (station, stream) index.
    stream_of: HashMap<String, (usize, usize)>,
    pub series: HashMap<String, Series>,
    /// When the newest value of a stream arrived here (Unix ms): the data
    /// age of cached and fetched values.
    pub received_ms: HashMap<String, i64>,
    /// Values at a time already known with the same value: ignored.
    pub duplicates: usize,
    /// Values replaced by a different one for the same time.
    pub corrected: usize,
    /// Messages that could not be read, and the last reason.
    pub unreadable: usize,
    pub last_problem: Option<pw_text::Message>,
    /// Bumped on every change, so views redraw only then.
    pub version: u64,
    /// Bumped when stations, streams or places change (not values).
    pub layout_version: u64,
    /// Stations with new values since the view last took them.
    pub changed_stations: std::collections::BTreeSet<usize>,
    /// Places over time of stations that reported more than one (index →
    /// (Unix ms, lon/lat) in time order).
    pub tracks: HashMap<usize, Vec<(i64, [f64; 2])>>,
}

impl SensorStore {
    fn station(&mut self, id: &str, name: &str, category: Option<&str>) -> usize {
        if let Some(&i) = self.station_of.get(id) {
            return i;
        }
        self.stations.push(Station {
            id: id.to_string(),
            name: name.to_string(),
            category: category.map(str::to_string),
            location: None,
            streams: vec![],
        });
        self.station_of
            .insert(id.to_string(), self.stations.len() - 1);
        self.layout_version += 1;
        self.stations.len() - 1
    }

    fn add_stream(&mut self, station: usize, key: String, quantity: &str, unit: Option<&str>) {
        self.add_named_stream(station, key, quantity, unit, None)
    }

    /// `name`: the datastream's own name, used as its label when it says
    /// more than the quantity (sensiNact names them just "color").
    fn add_named_stream(
        &mut self,
        station: usize,
        key: String,
        quantity: &str,
        unit: Option<&str>,
        name: Option<&str>,
    ) {
        let station_name = &self.stations[station].name;
        let label = name
            .filter(|n| !n.is_empty() && *n != quantity && !key.ends_with(&format!("~{n}")))
            .map(|n| {
                // "Jena-Goldbergrampe Fahrräder Ri. Zentrum" at its station
                // "Jena-Goldbergrampe" reads "Fahrräder Ri. Zentrum".
                n.strip_prefix(station_name.as_str())
                    .map(str::trim)
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or(n)
                    .to_string()
            })
            .or_else(|| {
                let id = key.strip_prefix("sta:")?;
                let provider = sensinact_provider(id)?;
                Some(id[provider.len() + 1..].replace('~', " · "))
            })
            .unwrap_or_else(|| quantity.to_string());
        if let Some(&(s, i)) = self.stream_of.get(&key) {
            let stream = &mut self.stations[s].streams[i];
            if stream.unit.is_none() {
                stream.unit = unit.map(str::to_string);
            }
            return;
        }
        let streams = &mut self.stations[station].streams;
        self.stream_of.insert(key.clone(), (station, streams.len()));
        self.layout_version += 1;
        streams.push(Stream {
            key,
            quantity: quantity.to_string(),
            unit: unit.map(str::to_string),
            label,
        });
    }

    /// Learns SensorThings datastreams: one station per Thing (its name and
    /// first Location), one stream per datastream.
    pub fn add_datastreams(&mut self, items: &[Datastream], category: Option<&str>) {
        for ds in items {
            let ds_id = ds.id.to_string();
            let (id, name) = match (&ds.thing, sensinact_provider(&ds_id)) {
                (Some(t), _) => (format!("sta-thing:{}", t.id), t.name.clone()),
                (None, Some(p)) => (format!("sta-thing:{p}"), p.to_string()),
                (None, None) => (format!("sta:{}", ds.id), ds.name.clone()),
            };
            let s = self.station(&id, &name, category);
            if let Some(location) = ds.thing.as_ref().and_then(|t| t.location) {
                self.place(s, location);
            }
            let quantity = ds.observed_property.as_deref().unwrap_or(&ds.name);
            let unit = ds.unit.symbol.as_deref().or(ds.unit.name.as_deref());
            self.add_named_stream(s, format!("sta:{}", ds.id), quantity, unit, Some(&ds.name));
        }
        self.version += 1;
    }

    /// Takes one live or replayed event in; returns how many values changed.
    pub fn apply(&mut self, event: &LiveEvent, category: Option<&str>, received_ms: i64) -> usize {
        let changed = match event {
            LiveEvent::Observation {
                datastream,
                observation,
            } => self.observe(datastream, observation, category, received_ms),
            LiveEvent::Observations(list) => list
                .iter()
                .map(|(ds, o)| self.observe(ds, o, category, received_ms))
                .sum(),
            LiveEvent::Message(m) => self.message(m, category, received_ms),
            LiveEvent::Datastreams(items) => {
                self.add_datastreams(items, category);
                return items.len();
            }
            LiveEvent::Unreadable { topic, reason } => {
                self.unreadable += 1;
                self.last_problem = Some(
                    pw_text::Message::new("sensors.problem.at")
                        .arg("topic", topic)
                        .arg_message("why", reason.clone())
                        .english("{topic}: {why}"),
                );
                0
            }
            LiveEvent::Connected | LiveEvent::Disconnected(_) => 0,
        };
        if changed > 0 {
            self.version += 1;
        }
        changed
    }

    fn observe(
        &mut self,
        datastream: &str,
        observation: &Observation,
        category: Option<&str>,
        received_ms: i64,
    ) -> usize {
        let key = format!("sta:{datastream}");
        if !self.stream_of.contains_key(&key) {
            // Not announced: its sensiNact provider's station, or a station
            // of its own; place unknown.
            let (id, name) = match sensinact_provider(datastream) {
                Some(p) => (format!("sta-thing:{p}"), p),
                None => (key.clone(), datastream),
            };
            let s = self.station(&id, name, category);
            let quantity = datastream.rsplit('~').next().unwrap_or(datastream);
            self.add_stream(s, key.clone(), quantity, None);
        }
        if let (Some(location), Some(&(s, _))) = (observation.location, self.stream_of.get(&key)) {
            self.fix(s, observation.time_ms, location);
        }
        self.put(
            &key,
            observation.time_ms,
            observation.result.clone(),
            received_ms,
        )
    }

    fn message(&mut self, m: &Message, category: Option<&str>, received_ms: i64) -> usize {
        let name = m.name.clone().unwrap_or_else(|| m.source_id.clone());
        let s = self.station(&m.source_id, &name, category.or(m.group.as_deref()));
        if let Some(location) = m.location {
            self.fix(s, m.time_ms, location);
        }
        let mut changed = 0;
        for r in &m.readings {
            let key = format!("{}/{}", m.source_id, r.quantity);
            self.add_stream(s, key.clone(), &r.quantity, r.unit.as_deref());
            changed += self.put(&key, m.time_ms, r.value.clone(), received_ms);
        }
        changed
    }

    /// A place of a station at a time: its track grows (a moving station
    /// is drawn where it was at the clock's time) and the newest fix is its
    /// place.
    fn fix(&mut self, station: usize, time_ms: i64, location: [f64; 2]) {
        let track = self.tracks.entry(station).or_default();
        let was_moving = track.len() > 1;
        let i = track.partition_point(|(t, _)| *t < time_ms);
        if track.get(i).is_some_and(|f| f.0 == time_ms) {
            track[i].1 = location;
        } else if !(i > 0 && i == track.len() && track[i - 1].1 == location) {
            // (A station standing still adds nothing.)
            track.insert(i, (time_ms, location));
        }
        let newest = track.last().map(|f| f.1);
        if track.len() > 1 {
            // Its place follows the clock (`place_at`); new fixes change
            // no layout, only its starting to move does.
            self.stations[station].location = newest;
            self.changed_stations.insert(station);
            if !was_moving {
                self.layout_version += 1;
            }
        } else if let Some(p) = newest {
            self.place(station, p);
        }
    }

    /// Fixes of a Thing fetched from HistoricalLocations.
    pub fn insert_track(&mut self, station_id: &str, fixes: &[(i64, [f64; 2])]) {
        let Some(&s) = self.station_of.get(station_id) else {
            return;
        };
        for &(t, p) in fixes {
            self.fix(s, t, p);
        }
        self.changed_stations.insert(s);
        self.version += 1;
    }

    /// Where a station was at `time_ms`: between two fixes up to
    /// [`MAX_FIX_GAP_MS`] apart interpolated, else its last fix by then
    /// (its first before it had any); a station without track stays put.
    pub fn place_at(&self, station: usize, time_ms: i64) -> Option<[f64; 2]> {
        let Some(track) = self.tracks.get(&station).filter(|t| t.len() > 1) else {
            return self.stations.get(station)?.location;
        };
        let n = track.partition_point(|(t, _)| *t <= time_ms);
        let Some(&(t0, p0)) = n.checked_sub(1).map(|i| &track[i]) else {
            return Some(track[0].1);
        };
        match track.get(n) {
            Some(&(t1, p1)) if t1 - t0 <= MAX_FIX_GAP_MS => {
                let f = (time_ms - t0) as f64 / (t1 - t0) as f64;
                Some([p0[0] + (p1[0] - p0[0]) * f, p0[1] + (p1[1] - p0[1]) * f])
            }
            _ => Some(p0),
        }
    }

    /// Stations that move (two or more places on record).
    pub fn is_moving(&self, station: usize) -> bool {
        self.tracks.get(&station).is_some_and(|t| t.len() > 1)
    }

    fn place(&mut self, station: usize, location: [f64; 2]) {
        if self.stations[station].location != Some(location) {
            self.stations[station].location = Some(location);
            self.layout_version += 1;
        }
    }

    fn put(&mut self, key: &str, time_ms: i64, value: Value, received_ms: i64) -> usize {
        let series = self.series.entry(key.to_string()).or_default();
        match series.insert(time_ms, value) {
            Inserted::Duplicate => {
                self.duplicates += 1;
                0
            }
            other => {
                if other == Inserted::Corrected {
                    self.corrected += 1;
                }
                let r = self
                    .received_ms
                    .entry(key.to_string())
                    .or_insert(received_ms);
                *r = (*r).max(received_ms);
                1
            }
        }
    }

    /// Fetched history of one SensorThings datastream.
    pub fn insert_history(
        &mut self,
        datastream_key: &str,
        values: &[Observation],
        fetched_ms: i64,
    ) {
        let mut changed = 0;
        for o in values {
            changed += self.put(datastream_key, o.time_ms, o.result.clone(), fetched_ms);
        }
        if changed > 0 {
            self.version += 1;
        }
    }

    /// The station and stream a stream key belongs to.
    pub fn stream(&self, key: &str) -> Option<(&Station, &Stream)> {
        let &(s, i) = self.stream_of.get(key)?;
        let station = &self.stations[s];
        Some((station, &station.streams[i]))
    }

    pub fn station_by_id(&self, id: &str) -> Option<&Station> {
        self.station_of.get(id).map(|&i| &self.stations[i])
    }

    /// The value a stream had at `time_ms` (its newest sample by then).
    pub fn value_at(&self, key: &str, time_ms: i64) -> Option<&(i64, Value)> {
        self.series.get(key)?.at(time_ms)
    }

    /// First and last measurement time over all streams.
    pub fn time_span(&self) -> Option<(i64, i64)> {
        self.series
            .values()
            .filter_map(|s| Some((s.samples.first()?.0, s.samples.last()?.0)))
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::classify;

    fn obs(ds: &str, time: &str, result: &str) -> LiveEvent {
        classify(
            &format!("v1.1/Datastreams('{ds}')/Observations"),
            format!(r#"{{"phenomenonTime": "{time}", "result": {result}}}"#).as_bytes(),
            &[],
        )
    }

    #[test]
    fn values_on_the_time_axis_late_repeated_and_corrected() {
        let t = |x: &str| crate::parse_time(x).unwrap();
        let mut s = SensorStore::default();
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:30:00Z", "5"), None, 1), 1);
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:45:00Z", "7"), None, 2), 1);
        // The same again: ignored; an older one arriving late: history.
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:45:00Z", "7"), None, 3), 0);
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:15:00Z", "1"), None, 4), 1);
        // A correction for 07:30.
        assert_eq!(s.apply(&obs("a", "2026-11-24T07:30:00Z", "6"), None, 5), 1);
        assert_eq!((s.duplicates, s.corrected), (1, 1));
        let series = &s.series["sta:a"];
        assert_eq!(
            series.latest(),
            Some(&(t("2026-11-24T07:45:00Z"), Value::Number(7.0)))
        );
        let at = |x: &str| s.value_at("sta:a", t(x)).map(|(_, v)| v.as_f64().unwrap());
        assert_eq!(at("2026-11-24T07:00:00Z"), None);
        assert_eq!(at("2026-11-24T07:20:00Z"), Some(1.0));
        assert_eq!(at("2026-11-24T07:30:00Z"), Some(6.0));
        assert_eq!(at("2026-11-24T09:00:00Z"), Some(7.0));
        let stats = series
            .stats(t("2026-11-24T07:00:00Z"), t("2026-11-24T08:00:00Z"))
            .unwrap();
        assert_eq!((stats.count, stats.min, stats.max), (3, 1.0, 7.0));
        assert!((stats.mean - 14.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            series
                .window(t("2026-11-24T07:30:00Z"), t("2026-11-24T07:45:00Z"))
                .len(),
            1
        );
        // An unannounced datastream is a station of its own without a place.
        let (station, stream) = s.stream("sta:a").unwrap();
        assert_eq!((station.location, stream.quantity.as_str()), (None, "a"));
        assert_eq!(s.received_ms["sta:a"], 5);
    }

    #[test]
    fn real_uplinks_and_datastreams_make_stations() {
        let data =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/sensors");
        let mut s = SensorStore::default();
        let up = std::fs::read(data.join("jena_chirpstack/uplink_teros21_stadtbaumpflege.json"))
            .unwrap();
        let e = classify("application/x/device/y/event/up", &up, &[]);
        assert_eq!(s.apply(&e, None, 0), 5);
        let station = s.station_by_id("8cf95720000d4a69").unwrap();
        assert_eq!(station.category.as_deref(), Some("KSJ_Stadtbaumpflege"));
        assert_eq!(station.streams.len(), 5);
        assert_eq!(
            s.series["8cf95720000d4a69/potentialwater_1"]
                .latest()
                .unwrap()
                .1,
            Value::Number(-875.9)
        );
        // The scene's category wins over the application name.
        let ice =
            std::fs::read_to_string(data.join("jena/icesensor_airquality_example.json")).unwrap();
        for m in crate::jena::ice_stations(&ice).unwrap() {
            s.apply(&LiveEvent::Message(m), Some("Luftqualität"), 0);
        }
        let ice1 = s.station_by_id("ICE-025-049-000-001").unwrap();
        assert_eq!(ice1.category.as_deref(), Some("Luftqualität"));
        assert_eq!(ice1.location, Some([11.60392726, 50.93115286]));
        // The K440 datastreams (not expanded): one station per datastream.
        let k440 =
            std::fs::read_to_string(data.join("jena/sensinact_sta_datastreams_K440.json")).unwrap();
        let page = crate::sta::datastreams(&k440).unwrap();
        s.add_datastreams(&page.items, Some("Verkehr"));
        // sensiNact ids name their provider: one station K440 with 99 streams.
        assert_eq!(s.stations.len(), 1 + 4 + 1);
        let k440 = s.station_by_id("sta-thing:K440").unwrap();
        assert_eq!(k440.streams.len(), 99);
        let (_, color) = s.stream("sta:K440~BLN1/1~color").unwrap();
        assert_eq!(
            (color.quantity.as_str(), color.label.as_str()),
            ("color", "BLN1/1 · color")
        );
    }

    #[test]
    fn a_bus_moves_along_its_sensinact_location_datastream() {
        let at = |time: &str, lon: f64, lat: f64| {
            classify(
                "v1.1/Datastreams('bus359~admin~location')/Observations",
                format!(
                    r#"{{"phenomenonTime": "{time}", "result": {{"type": "Point", "coordinates": [{lon}, {lat}]}}}}"#
                )
                .as_bytes(),
                &[],
            )
        };
        let mut s = SensorStore::default();
        s.apply(&at("2026-11-24T07:00:00Z", 11.58, 50.92), None, 0);
        let before = s.layout_version;
        s.apply(&at("2026-11-24T07:02:00Z", 11.60, 50.93), None, 0);
        // Late: a fix between the two.
        s.apply(&at("2026-11-24T07:01:00Z", 11.59, 50.925), None, 0);
        s.apply(&at("2026-11-24T07:30:00Z", 11.62, 50.94), None, 0);
        assert!(s.layout_version > before);
        let bus = s.station_by_id("sta-thing:bus359").unwrap();
        assert_eq!(bus.location, Some([11.62, 50.94]));
        let (_, stream) = s.stream("sta:bus359~admin~location").unwrap();
        assert_eq!(
            (stream.quantity.as_str(), stream.label.as_str()),
            ("location", "admin · location")
        );
        assert_eq!(
            s.series["sta:bus359~admin~location"].latest().unwrap().1,
            Value::Text("50.94000, 11.62000".into())
        );
        assert!(s.is_moving(0));
        let t = |x: &str| crate::parse_time(x).unwrap();
        let p = |x: &str| s.place_at(0, t(x)).unwrap();
        // Before its first fix: there; halfway between 07:00 and 07:01.
        assert_eq!(p("2026-11-24T06:00:00Z"), [11.58, 50.92]);
        let half = p("2026-11-24T07:00:30Z");
        assert!((half[0] - 11.585).abs() < 1e-12 && (half[1] - 50.9225).abs() < 1e-12);
        // 07:02 → 07:30 is a gap of 28 min: it stays at 07:02's fix.
        assert_eq!(p("2026-11-24T07:20:00Z"), [11.60, 50.93]);
        assert_eq!(p("2026-11-24T08:00:00Z"), [11.62, 50.94]);
        // HistoricalLocations add to the same track.
        s.insert_track(
            "sta-thing:bus359",
            &[(t("2026-11-24T07:10:00Z"), [11.61, 50.935])],
        );
        let q = s.place_at(0, t("2026-11-24T07:06:00Z")).unwrap();
        assert!((q[0] - 11.605).abs() < 1e-12, "{q:?}");
        // A standing sensor reporting the same place has no track.
        let ice = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/sensors/jena/icesensor_airquality_example.json"),
        )
        .unwrap();
        for _ in 0..2 {
            for m in crate::jena::ice_stations(&ice).unwrap() {
                s.apply(&LiveEvent::Message(m), None, 0);
            }
        }
        assert!(!s.is_moving(1));
    }
}
