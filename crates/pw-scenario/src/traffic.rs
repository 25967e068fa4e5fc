//! What the traffic analysis takes from the scene beyond its layers (the
//! scene file's `[traffic]`), with files found and counts read: plain
//! data, so that the analysis needs neither the scene format nor sensors.

use std::path::PathBuf;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrafficInputs {
    /// The layer (by name) whose objects are the zones.
    pub zones_layer: Option<String>,
    /// The zones' attribute naming them (default: the object's id).
    pub zone_id: Option<String>,
    /// An origin–destination CSV file and the period to take from it.
    pub demand: Option<PathBuf>,
    pub period: Option<String>,
    pub network: Option<LineNetwork>,
    pub classes: Vec<RoadClass>,
    pub counts: Vec<TrafficCount>,
}

/// A line layer as the road network: its file and which attributes say
/// what (see the scene file's `[traffic.network]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineNetwork {
    pub layer: String,
    pub path: PathBuf,
    /// The CRS the scene says the file has, where it says one.
    pub crs: Option<String>,
    pub class: String,
    /// Layer value → OpenStreetMap road class.
    pub classes: Vec<(String, String)>,
    pub oneway: Option<String>,
    pub speed: Option<String>,
    pub lanes: Option<String>,
    pub capacity: Option<String>,
    pub name: Option<String>,
}

/// A road class's values set by the scene (None: the default stays).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadClass {
    pub class: String,
    pub speed: Option<f64>,
    pub lanes: Option<f64>,
    pub capacity_per_lane: Option<f64>,
}

/// A counting point with its count for the analysis' hour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrafficCount {
    pub name: String,
    /// Scene CRS; None where a sensor has no place.
    pub at: Option<[f64; 2]>,
    /// Direction of travel counted (degrees from north, clockwise); None:
    /// both directions.
    pub heading: Option<f64>,
    /// Vehicles per hour; None where the sensor has no values for the hour.
    pub per_hour: Option<f64>,
    /// Where the number comes from ("Zählstellen: Westbahnhof, 08.01.2026
    /// 07:00–08:00"), for the table; empty for a hand count.
    pub source: String,
}
