//! The scene's sensors as the app holds them: the running sources with
//! their stores, what the user chose to see, and the cache folder. Shared
//! by the source bookkeeping (`layer`) and the markers.

use crate::sensors::sources::SourceRuntime;
use bevy::prelude::*;
use pw_scene::SensorSource;
use pw_sensors::history_cache::HistoryCache;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What the user chose to see.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorView {
    pub hidden_categories: BTreeSet<String>,
    /// Only stations inside this area.
    pub area: Option<SensorArea>,
    /// The station whose panel is open: (source index, station id).
    pub selected: Option<(usize, String)>,
    /// Streams shown in its plot (keys); empty: the first.
    pub plotted: BTreeSet<String>,
}

/// Where stations are shown (scene CRS).
#[derive(Debug, Clone, PartialEq)]
pub enum SensorArea {
    /// The view's rectangle: min E, min N, max E, max N.
    Rect([f64; 4]),
    /// A polygon feature's rings (a district, a reference area): inside any
    /// outer ring and no hole.
    Shape {
        name: String,
        outer: Vec<Vec<[f64; 2]>>,
        holes: Vec<Vec<[f64; 2]>>,
    },
}

impl SensorArea {
    pub fn contains(&self, p: [f64; 2]) -> bool {
        match self {
            SensorArea::Rect([x0, y0, x1, y1]) => {
                (*x0..=*x1).contains(&p[0]) && (*y0..=*y1).contains(&p[1])
            }
            SensorArea::Shape { outer, holes, .. } => {
                outer.iter().any(|r| pw_geo::polygon::ring_contains(r, p))
                    && !holes.iter().any(|r| pw_geo::polygon::ring_contains(r, p))
            }
        }
    }

    /// The area of a city or vector object: its surfaces' rings seen from
    /// above (None if it has no surface of any size).
    pub fn of_object(name: &str, object: &pw_city::model::CityObject) -> Option<SensorArea> {
        let flat = |r: &Vec<[f64; 3]>| r.iter().map(|p| [p[0], p[1]]).collect::<Vec<_>>();
        let outer: Vec<Vec<[f64; 2]>> = object
            .surfaces
            .iter()
            .filter(|s| s.exterior.len() >= 3)
            .map(|s| flat(&s.exterior))
            .collect();
        let holes = object
            .surfaces
            .iter()
            .flat_map(|s| s.interiors.iter().map(flat))
            .collect();
        (!outer.is_empty()).then(|| SensorArea::Shape {
            name: name.to_string(),
            outer,
            holes,
        })
    }
}

/// Where last values and fetched history are kept (the user's cache
/// folder; tests use their own).
#[derive(Resource, Debug, Clone)]
pub struct SensorCacheDir(pub PathBuf);

impl Default for SensorCacheDir {
    fn default() -> Self {
        SensorCacheDir(HistoryCache::default_dir())
    }
}

/// The scene's sensors.
#[derive(Resource, Default)]
pub struct Sensors {
    pub sources: Vec<SourceRuntime>,
    pub view: SensorView,
    /// Bumped whenever markers must be recomputed.
    pub version: u64,
    /// Bumped whenever the sources are (re)started.
    pub generation: u64,
    /// Start (true) or end a recording of a source's pushed messages.
    pub record_request: Option<(usize, bool)>,
    pub(super) started_for: Option<(Option<PathBuf>, Vec<SensorSource>)>,
    pub(super) last_snapshot: Option<std::time::Instant>,
}
