//! The scene's `[traffic]` as the traffic analysis takes it: files found
//! beside the scene, the network layer's file, and each count's number for
//! the hour up to the clock — a hand count as written, a sensor's from
//! what its source knows of that hour (live or from its history).

use crate::sensors::state::Sensors;
use pw_analysis::scenario::{LineNetwork, RoadClass, TrafficCount, TrafficInputs};
use pw_scene::{Scene, TrafficCountSettings};
use std::path::Path;

/// Without a scene file (a new scene), relative paths are left as written.
pub fn traffic_inputs_of(
    scene: &Scene,
    scene_path: Option<&Path>,
    sensors: Option<&Sensors>,
    clock_ms: i64,
) -> TrafficInputs {
    let Some(t) = &scene.traffic else {
        return TrafficInputs::default();
    };
    let resolve = |p: &str| match scene_path {
        Some(scene_file) => Scene::resolve_path(scene_file, p),
        None => p.into(),
    };
    let network = t.network.as_ref().and_then(|n| {
        let layer = scene.layers.iter().find(|l| l.name == n.layer)?;
        Some(LineNetwork {
            layer: n.layer.clone(),
            path: resolve(&layer.path),
            crs: layer.crs.clone(),
            class: n.class.clone(),
            classes: n
                .classes
                .iter()
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect(),
            oneway: n.oneway.clone(),
            speed: n.speed.clone(),
            lanes: n.lanes.clone(),
            capacity: n.capacity.clone(),
            name: n.name.clone(),
        })
    });
    let crs = pw_geo::Crs::parse(&scene.crs).ok();
    TrafficInputs {
        zones_layer: t.zones.clone(),
        zone_id: t.zone_id.clone(),
        demand: t.demand.as_deref().map(resolve),
        period: t.period.clone(),
        network,
        classes: road_classes_of(scene),
        counts: t
            .counts
            .iter()
            .map(|c| count_of(c, sensors, crs, clock_ms, &scene.city.time_zone))
            .collect(),
    }
}

/// "2026-01-08 08:00–09:00" of an hour in Unix ms, in the scene's time
/// zone (UTC where it names none jiff knows): a date both languages read.
fn hour_text(from_ms: i64, to_ms: i64, time_zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = |ms: i64, format: &str| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.to_zoned_datetime(tz.clone()).strftime(format).to_string())
            .unwrap_or_default()
    };
    format!(
        "{}–{}",
        local(from_ms, "%Y-%m-%d %H:%M"),
        local(to_ms, "%H:%M")
    )
}

fn count_of(
    c: &TrafficCountSettings,
    sensors: Option<&Sensors>,
    crs: Option<pw_geo::Crs>,
    clock_ms: i64,
    time_zone: &str,
) -> TrafficCount {
    let mut count = TrafficCount {
        name: c.name.clone(),
        at: c.at,
        heading: c.heading,
        per_hour: c.count,
        // A hand count names no source (the table says "counted by hand").
        source: String::new(),
    };
    let (Some(source_name), Some(stream)) = (&c.sensor, &c.stream) else {
        return count;
    };
    count.source = format!("{source_name}: {stream}");
    let Some(source) = sensors.and_then(|s| s.sources.iter().find(|s| &s.def.name == source_name))
    else {
        return count;
    };
    let store = &source.store;
    let Some(key) = pw_sensors::counts::find_stream(store, stream) else {
        return count;
    };
    if count.at.is_none()
        && let Some((station, _)) = store.stream(key)
        && let (Some([lon, lat]), Some(crs)) = (station.location, crs)
    {
        count.at = pw_geo::Reprojector::new(pw_geo::Crs::WGS84, crs)
            .ok()
            .and_then(|r| r.apply([lon, lat, 0.0]).ok())
            .map(|p| [p[0], p[1]]);
    }
    if let Some(hour) = pw_sensors::counts::hourly_count(store, key, clock_ms) {
        count.per_hour = Some(hour.per_hour);
        count.source = format!(
            "{source_name}: {stream}, {}",
            hour_text(hour.from_ms, hour.to_ms, time_zone)
        );
    }
    count
}

/// The scene's own values for road classes (`[[traffic.classes]]`).
pub fn road_classes_of(scene: &Scene) -> Vec<RoadClass> {
    scene
        .traffic
        .iter()
        .flat_map(|t| &t.classes)
        .map(|c| RoadClass {
            class: c.class.clone(),
            speed: c.speed,
            lanes: c.lanes,
            capacity_per_lane: c.capacity_per_lane,
        })
        .collect()
}
