//! The scene's sensors: starts a thread per `[[sensors]]` source when a
//! scene opens (sources.rs), files what they send into each
//! source's store (bounded per frame), asks for history windows around the
//! clock's time, keeps the last values on disk for an offline start and
//! records a source on request. Markers: markers.rs; the shared state: state.rs.

use crate::layers::{ActiveScene, LayersSystems};
use crate::sensors::markers::{Marker, SensorMarkers, compute_markers};
use crate::sensors::sources::{DAY_MS, SourceUpdate, can_record, spawn_source};
use crate::sensors::state::{SensorCacheDir, SensorView, Sensors};
use crate::view::clock::SceneClock;
use crate::view::frame::SceneFrame;
use bevy::prelude::*;
use pw_scene::{SensorSource, SensorSourceKind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::TryRecvError;
use std::time::Duration;

/// At most this many events are filed per frame (the rest next frame).
const EVENTS_PER_FRAME: usize = 20_000;
/// How often live sources write their last values to disk.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(60);
/// In historic time, history is fetched for this many stations nearest
/// the view's centre (and the open one).
const HISTORY_STATIONS: usize = 200;

pub struct SensorsPlugin;

impl Plugin for SensorsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Sensors>()
            .init_resource::<SensorCacheDir>()
            .init_resource::<SensorMarkers>()
            .add_systems(
                Update,
                (
                    start_sources,
                    record_sources,
                    file_updates,
                    compute_markers,
                    fetch_history,
                )
                    .chain()
                    .after(LayersSystems),
            );
    }
}

/// Where the last values of a source are kept for the next start.
fn snapshot_path(cache: &Path, scene: Option<&Path>, source: &SensorSource) -> PathBuf {
    let scene = scene
        .map(|p| std::path::absolute(p).unwrap_or(p.to_path_buf()))
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    cache.join("last").join(pw_sensors::cache_key::file_name(
        &[
            scene.as_bytes(),
            source.name.as_bytes(),
            source.url.as_bytes(),
        ],
        "json",
    ))
}

/// (Re)starts the sources when the scene (or its source list) changes.
fn start_sources(
    active: Res<ActiveScene>,
    cache: Res<SensorCacheDir>,
    mut sensors: ResMut<Sensors>,
    mut clock: ResMut<SceneClock>,
) {
    if !active.is_changed() {
        return;
    }
    let key = (active.path.clone(), active.scene.sensors.clone());
    if sensors.started_for.as_ref() == Some(&key) {
        return;
    }
    let first_start = sensors
        .started_for
        .as_ref()
        .is_none_or(|(path, _)| *path != active.path);
    sensors.sources.clear();
    sensors.view = SensorView::default();
    for def in &active.scene.sensors {
        let source = match &active.path {
            Some(p) => pw_scene::Scene::resolve_path(p, &def.url),
            None => PathBuf::from(&def.url),
        };
        let snapshot = (def.kind != SensorSourceKind::Replay)
            .then(|| snapshot_path(&cache.0, active.path.as_deref(), def));
        let store = snapshot
            .as_ref()
            .and_then(|p| pw_sensors::snapshot::load(p).ok())
            .unwrap_or_default();
        sensors.sources.push(spawn_source(
            with_scene_paths(def, active.path.as_deref()),
            source,
            store,
            snapshot,
            cache.0.clone(),
            None,
        ));
        // A replay plays on the time axis from the scene's start time at
        // the recorded speed, as soon as the scene opens.
        if def.kind == SensorSourceKind::Replay && first_start {
            clock.live = false;
            clock.playing = true;
            clock.speed = def.speed.unwrap_or(60.0);
        }
    }
    sensors.started_for = Some(key);
    sensors.version += 1;
    sensors.generation += 1;
}

/// Starts or ends the recording of a source: its broker connection is
/// opened anew, writing to `aufnahmen/<source>-<time>.jsonl` next to the
/// scene (the catalogue and newest values first); its values stay.
fn record_sources(
    mut sensors: ResMut<Sensors>,
    active: Res<ActiveScene>,
    cache: Res<SensorCacheDir>,
    mut notices: ResMut<crate::base::jobs::Notices>,
    i18n: Res<crate::base::i18n::I18n>,
) {
    let Some((i, on)) = sensors.record_request.take() else {
        return;
    };
    let Some(old) = sensors.sources.get_mut(i) else {
        return;
    };
    if !can_record(&old.def) || old.recording.is_some() == on {
        return;
    }
    let def = old.def.clone();
    let store = std::mem::take(&mut old.store);
    let (snapshot, ended) = (old.snapshot.clone(), old.recording.clone());
    let record = on.then(|| {
        let dir = active
            .path
            .as_ref()
            .and_then(|p| std::path::absolute(p).ok())
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| cache.0.clone())
            .join("aufnahmen");
        let _ = std::fs::create_dir_all(&dir);
        let name: String = def
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%d-%H%M%SZ")
            .to_string();
        (
            dir.join(format!("{name}-{stamp}.jsonl")),
            pw_sensors::import::store_preamble(&store),
        )
    });
    let source = match &active.path {
        Some(p) => pw_scene::Scene::resolve_path(p, &def.url),
        None => PathBuf::from(&def.url),
    };
    let started = record.as_ref().map(|(p, _)| p.clone());
    sensors.sources[i] = spawn_source(
        with_scene_paths(&def, active.path.as_deref()),
        source,
        store,
        snapshot,
        cache.0.clone(),
        record,
    );
    sensors.generation += 1;
    match (started, ended) {
        (Some(p), _) => {
            notices.info(i18n.trf("sensors.recording_started", &[("file", &p.display())]))
        }
        (None, Some(p)) => {
            notices.info(i18n.trf("sensors.recording_saved", &[("file", &p.display())]))
        }
        _ => {}
    }
}

/// Files what the source threads sent into their stores (bounded per frame)
/// and writes the last values to disk now and then.
fn file_updates(mut sensors: ResMut<Sensors>) {
    let mut budget = EVENTS_PER_FRAME;
    for source in &mut sensors.sources {
        let updates = source.updates.get_mut().unwrap_or_else(|e| e.into_inner());
        while budget > 0 {
            match updates.try_recv() {
                Ok(SourceUpdate::Events(events, received)) => {
                    budget = budget.saturating_sub(events.len());
                    let category = source.def.category.clone();
                    for e in &events {
                        source.store.apply(e, category.as_deref(), received);
                    }
                }
                Ok(SourceUpdate::Status(s)) => source.status = s,
                Ok(SourceUpdate::Track { station, fixes }) => {
                    source.store.insert_track(&station, &fixes);
                }
                Ok(SourceUpdate::History {
                    key,
                    values,
                    fetched_ms,
                    problem,
                }) => {
                    source.store.insert_history(&key, &values, fetched_ms);
                    source.history_problem = problem;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => break,
            }
        }
    }
    let last = *sensors
        .last_snapshot
        .get_or_insert_with(std::time::Instant::now);
    if last.elapsed() >= SNAPSHOT_EVERY {
        sensors.last_snapshot = Some(std::time::Instant::now());
        for s in &sensors.sources {
            if let Some(path) = &s.snapshot
                && !s.store.stations.is_empty()
            {
                // Taken here (newest values only), made JSON and written
                // off the frame.
                let snapshot = pw_sensors::snapshot::Snapshot::of(&s.store);
                let path = path.clone();
                bevy::tasks::IoTaskPool::get()
                    .spawn(async move {
                        if let Err(e) = snapshot.save(&path) {
                            warn!("{}: last sensor values not kept: {e}", path.display());
                        }
                    })
                    .detach();
            }
        }
    }
}

/// In historic time, history windows around the clock's time for the
/// [`HISTORY_STATIONS`] markers nearest the view's centre (their streams
/// with classes, else their first), and for every stream of the open
/// station; asked again only when the day, the open station, the markers
/// or the view's centre change.
#[allow(clippy::type_complexity)]
fn fetch_history(
    mut sensors: ResMut<Sensors>,
    clock: Res<SceneClock>,
    markers: Res<SensorMarkers>,
    frame: Res<SceneFrame>,
    orbit: Query<&crate::view::camera::OrbitCamera>,
    active: Res<crate::layers::ActiveScene>,
    mut last: Local<Option<(i64, Option<(usize, String)>, u64, [i64; 2], bool)>>,
) {
    let t = clock.instant.as_millisecond();
    // Live too: one newest value does not say a counter's interval.
    want_counted_hours(&mut sensors, &active.scene, t);
    let selected = sensors.view.selected.clone();
    if clock.live && selected.is_none() {
        return;
    }
    let centre = orbit
        .iter()
        .next()
        .map(|o| frame.bevy_to_world(o.target))
        .unwrap_or(frame.origin.world);
    let cell = [(centre[0] / 500.0) as i64, (centre[1] / 500.0) as i64];
    let key = (
        t.div_euclid(DAY_MS),
        selected.clone(),
        markers.layout,
        cell,
        clock.live,
    );
    if last.as_ref() == Some(&key) {
        return;
    }
    *last = Some(key);
    let mut wanted: Vec<(usize, String)> = Vec::new();
    if let Some((si, id)) = &selected
        && let Some(st) = sensors
            .sources
            .get(*si)
            .and_then(|s| s.store.station_by_id(id))
    {
        wanted.extend(st.streams.iter().map(|s| (*si, s.key.clone())));
        if id.starts_with("sta-thing:") {
            wanted.push((*si, id.clone()));
        }
    }
    if !clock.live {
        let mut near: Vec<&Marker> = markers.items.iter().collect();
        let d = |m: &Marker| (m.world[0] - centre[0]).hypot(m.world[1] - centre[1]);
        near.sort_by(|a, b| d(a).total_cmp(&d(b)));
        for m in near.into_iter().take(HISTORY_STATIONS) {
            let Some(source) = sensors.sources.get(m.source) else {
                continue;
            };
            let Some(st) = source.store.station_by_id(&m.station) else {
                continue;
            };
            let classed: Vec<_> = st
                .streams
                .iter()
                .filter(|s| source.def.classes.iter().any(|c| c.quantity == s.quantity))
                .collect();
            let streams = if classed.is_empty() {
                st.streams.iter().take(1).collect()
            } else {
                classed
            };
            wanted.extend(streams.into_iter().map(|s| (m.source, s.key.clone())));
            // Where a moving Thing was then (HistoricalLocations).
            if m.station.starts_with("sta-thing:") && source.store.is_moving(m.station_index) {
                wanted.push((m.source, m.station.clone()));
            }
        }
    }
    for (si, key) in wanted {
        if let Some(source) = sensors.sources.get_mut(si) {
            source.want_history(&key, t);
        }
    }
}

/// The streams the scene's traffic counts name: the days of the hour up
/// to `t` (asked once per day; the traffic analysis reads the hour).
fn want_counted_hours(sensors: &mut Sensors, scene: &pw_scene::Scene, t: i64) {
    let Some(traffic) = &scene.traffic else {
        return;
    };
    for c in &traffic.counts {
        let (Some(source), Some(stream)) = (&c.sensor, &c.stream) else {
            continue;
        };
        let Some(runtime) = sensors.sources.iter_mut().find(|s| &s.def.name == source) else {
            continue;
        };
        let Some(key) = pw_sensors::counts::find_stream(&runtime.store, stream).map(String::from)
        else {
            continue;
        };
        runtime.want_history(&key, t);
        runtime.want_history(&key, t - 3_600_000);
    }
}

/// A source with the files it names (the broker's CA) resolved against
/// the scene's folder.
fn with_scene_paths(def: &SensorSource, scene: Option<&std::path::Path>) -> SensorSource {
    let mut def = def.clone();
    if let (Some(scene), Some(ca)) = (scene, &def.ca_file) {
        def.ca_file = Some(
            pw_scene::Scene::resolve_path(scene, ca)
                .to_string_lossy()
                .into_owned(),
        );
    }
    def
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{headless_app, run_until};
    use crate::layers::Layers;
    use crate::sensors::markers::{ABOVE_GROUND, EMPTY, STALE};
    use crate::sensors::sources::SourceStatus;
    use crate::sensors::state::SensorArea;
    use pw_sensors::Value;
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    /// A fresh temporary folder for one test.
    fn test_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pw-sensors-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The scene opened headless, its sensor cache inside the test's folder.
    fn open(scene: &Path, dir: &Path) -> App {
        let mut app = headless_app(scene);
        app.insert_resource(SensorCacheDir(dir.join("cache")));
        app
    }

    /// An MQTT client publishing to the test broker.
    fn publisher(port: u16, id: &str) -> rumqttc::Client {
        let (client, mut connection) =
            rumqttc::Client::new(rumqttc::MqttOptions::new(id, "127.0.0.1", port), 32);
        std::thread::spawn(move || for _ in connection.iter() {});
        client
    }

    fn at(app: &mut App, text: &str) {
        let mut clock = app.world_mut().resource_mut::<SceneClock>();
        clock.playing = false;
        clock.live = false;
        clock.instant = text.parse().unwrap();
        app.update();
    }

    fn marker<'a>(app: &'a App, station: &str) -> &'a Marker {
        app.world()
            .resource::<SensorMarkers>()
            .items
            .iter()
            .find(|m| m.station == station)
            .unwrap_or_else(|| panic!("no marker {station}"))
    }

    #[test]
    fn the_jena_demo_replays_on_the_time_axis_with_classes_staleness_and_filters() {
        let scene = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/jena.scene");
        let mut app = headless_app(&scene);
        run_until(&mut app, |app| {
            let s = app.world().resource::<Sensors>();
            s.sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running)
                && app.world().resource::<SensorMarkers>().items.len() == 5
        });
        // The replay sets the clock going at the recorded speed.
        let clock = app.world().resource::<SceneClock>();
        assert!(clock.playing && !clock.live && clock.speed == 600.0);
        let s = app.world().resource::<Sensors>();
        let source = &s.sources[0];
        assert_eq!(source.store.stations.len(), 10);
        assert_eq!(source.store.unreadable, 0);
        let categories: BTreeSet<String> = source
            .store
            .stations
            .iter()
            .map(|st| source.category_of(st))
            .collect();
        assert_eq!(
            categories.into_iter().collect::<Vec<_>>(),
            [
                "Abfall",
                "Bodenfeuchte",
                "Luftqualität",
                "Umwelt",
                "Verkehr"
            ]
        );
        let bike = "sta-thing:Jena-Goldbergrampe";
        // 12 January 07:00: 14 bikes towards Lobeda (the busiest quarter hour
        // of the file) → class "viel" (red); the other flows count 0, 14, 1, 0.
        at(&mut app, "2026-01-12T06:00:00Z");
        let m = marker(&app, bike).clone();
        assert_eq!(m.value.as_deref(), Some("14 Räder/15 min"));
        assert_eq!(
            m.color,
            [
                0xd7 as f32 / 255.0,
                0x30 as f32 / 255.0,
                0x27 as f32 / 255.0,
                1.0
            ]
        );
        assert!(!m.stale);
        // Its place: 50.888 N, 11.612 E in UTM 32 (PROJ via gdaltransform:
        // 683 710.953, 5 640 620.347), 2 m above the ground plane.
        assert!(
            (m.world[0] - 683_710.953).abs() < 0.01 && (m.world[1] - 5_640_620.347).abs() < 0.01,
            "{:?}",
            m.world
        );
        assert_eq!(m.world[2], 150.0 + ABOVE_GROUND);
        // 9 January 03:00: nobody rides → all flows 0, class "ruhig" (green).
        at(&mut app, "2026-01-09T02:00:00Z");
        let m = marker(&app, bike).clone();
        assert_eq!(m.value.as_deref(), Some("0 Räder/15 min"));
        assert_eq!(
            m.color,
            [
                0x1a as f32 / 255.0,
                0x98 as f32 / 255.0,
                0x50 as f32 / 255.0,
                1.0
            ]
        );
        // After the recording ends its last value turns stale (30 min).
        at(&mut app, "2026-01-13T02:00:00Z");
        assert!(marker(&app, bike).stale);
        assert_eq!(marker(&app, bike).color, STALE);
        // Before the first count: no value yet.
        at(&mut app, "2026-01-07T12:00:00Z");
        assert_eq!(marker(&app, bike).value, None);
        assert_eq!(marker(&app, bike).color, EMPTY);
        // The air-quality stations measured in August 2022: stale, grey.
        let ice = marker(&app, "sta-thing:ICE-025-049-000-001").clone();
        assert!(ice.stale && ice.color == STALE);
        assert_eq!(ice.time_ms, Some(1_661_504_808_000));
        // Categories hide their markers; the area filter keeps what is inside.
        app.world_mut()
            .resource_mut::<Sensors>()
            .view
            .hidden_categories
            .insert("Luftqualität".into());
        app.world_mut().resource_mut::<Sensors>().version += 1;
        app.update();
        assert_eq!(app.world().resource::<SensorMarkers>().items.len(), 1);
        {
            let mut s = app.world_mut().resource_mut::<Sensors>();
            s.view.hidden_categories.clear();
            s.view.area = Some(SensorArea::Rect([
                683_200.0,
                5_640_100.0,
                684_200.0,
                5_641_100.0,
            ]));
            s.version += 1;
        }
        app.update();
        let items = &app.world().resource::<SensorMarkers>().items;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].station, bike);
        // A real reference area of the soil-moisture programme as the area:
        // its own inside is in, the bike counter 4 km south is not.
        run_until(&mut app, |app| {
            app.world().resource::<Layers>().entries.iter().all(|e| {
                matches!(
                    e.status,
                    crate::layers::LayerStatus::Ready | crate::layers::LayerStatus::Absent(_)
                )
            })
        });
        let city = app
            .world()
            .resource::<crate::layers::city_draw::CityLayers>();
        let zw01 = city
            .layers
            .values()
            .flat_map(|l| &l.city.model.objects)
            .find(|o| o.attribute("name") == Some("ZW-01"))
            .unwrap();
        let area = SensorArea::of_object("ZW-01", zw01).unwrap();
        // A point surely inside: halfway between the first two crossings of
        // the ring with the horizontal line through its middle.
        let ring = &zw01.surfaces[0].exterior;
        let (y0, y1) = ring
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
        let y = (y0 + y1) / 2.0 + 0.123;
        let mut xs: Vec<f64> = ring
            .iter()
            .zip(ring.iter().cycle().skip(1))
            .filter(|(a, b)| (a[1] > y) != (b[1] > y))
            .map(|(a, b)| a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]))
            .collect();
        xs.sort_by(f64::total_cmp);
        let centre = [(xs[0] + xs[1]) / 2.0, y];
        assert!(area.contains(centre));
        assert!(!area.contains([683_710.953, 5_640_620.347]));
        app.world_mut().resource_mut::<Sensors>().view.area = Some(area);
        app.world_mut().resource_mut::<Sensors>().version += 1;
        app.update();
        assert!(app.world().resource::<SensorMarkers>().items.is_empty());
    }

    #[test]
    fn areas_with_holes_leave_the_hole_out() {
        let square = |a: f64, b: f64| vec![[a, a], [b, a], [b, b], [a, b]];
        let area = SensorArea::Shape {
            name: "Ring".into(),
            outer: vec![square(0.0, 10.0)],
            holes: vec![square(4.0, 6.0)],
        };
        assert!(area.contains([2.0, 2.0]));
        assert!(!area.contains([5.0, 5.0]));
        assert!(!area.contains([12.0, 5.0]));
        assert!(SensorArea::Rect([0.0, 0.0, 1.0, 1.0]).contains([1.0, 0.5]));
    }

    #[test]
    fn mqtt_values_reach_the_map_and_survive_a_restart_without_broker() {
        let dir = test_dir("mqtt");
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("madrid.scene");
        // The real FIWARE example lies in Madrid: UTM zone 30.
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25830\"\norigin = [440000.0, 4474000.0, 650.0]\n\
                 [time]\ndefault = \"2016-03-15T13:30\"\n\
                 [city]\nname = \"Madrid\"\nlatitude = 40.42\nlongitude = -3.71\ntime_zone = \"Europe/Madrid\"\n\
                 [[sensors]]\nname = \"Luft\"\nkind = \"mqtt\"\nurl = \"127.0.0.1:{}\"\n\
                 topics = [\"fiware/#\"]\ncategory = \"Luftqualität\"\nstale_after_minutes = 120.0\n",
                broker.port
            ),
        )
        .unwrap();
        let mut app = open(&scene, &dir);
        run_until(&mut app, |app| {
            app.world()
                .resource::<Sensors>()
                .sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running)
        });
        let client = publisher(broker.port, "layer-test-pub");
        let entity =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
                "../shared/data/sensors/fiware/AirQualityObserved_example-geojsonfeature.json",
            ))
            .unwrap();
        let id =
            "urn:ngsi-ld:AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00";
        // Published until it arrives (the subscription may lag the connection).
        run_until(&mut app, |app| {
            let _ = client.publish(
                "fiware/madrid",
                rumqttc::QoS::AtLeastOnce,
                false,
                entity.clone(),
            );
            std::thread::sleep(Duration::from_millis(50));
            app.world().resource::<SensorMarkers>().items.len() == 1
        });
        let m = marker(&app, id).clone();
        // Measured 12:00 UTC = 13:00 Madrid; the clock stands at 13:30.
        assert!(!m.stale);
        assert_eq!(m.time_ms, Some(1_458_043_200_000));
        // PROJ via gdaltransform: -3.712247 E, 40.423853 N → 439 580.110,
        // 4 475 045.980 in UTM 30N.
        assert!(
            (m.world[0] - 439_580.110).abs() < 0.01 && (m.world[1] - 4_475_045.980).abs() < 0.01,
            "{:?}",
            m.world
        );
        let s = app.world().resource::<Sensors>();
        let readings = s.sources[0].store.station_by_id(id).unwrap().streams.len();
        assert!(readings >= 5, "{readings}");
        // Closing keeps the last values; the next start has no broker.
        drop(app);
        drop(broker);
        let mut app = open(&scene, &dir);
        app.update();
        app.update();
        let s = app.world().resource::<Sensors>();
        let station = s.sources[0].store.station_by_id(id).unwrap();
        assert_eq!(station.streams.len(), readings);
        assert_eq!(station.category.as_deref(), Some("Luftqualität"));
        run_until(&mut app, |app| {
            matches!(
                app.world().resource::<Sensors>().sources[0].status,
                SourceStatus::Offline(_)
            )
        });
        assert_eq!(marker(&app, id).time_ms, Some(1_458_043_200_000));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn sensorthings_latest_values_then_history_windows_for_the_clock() {
        let dir = test_dir("sta");
        let text = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/sensors/jena/bike_counter_goldbergrampe_rawTraffic.json"),
        )
        .unwrap();
        let flows = pw_sensors::jena::bike_flows(&text).unwrap();
        let thing =
            pw_sensors::import::bike_counter(&flows, "Goldbergrampe", Some([11.612, 50.888]));
        let catalogue = pw_sensors::import::catalogue_json(std::slice::from_ref(&thing));
        let streams = thing.streams.clone();
        let page = |values: Vec<(i64, Value)>| {
            let items: Vec<String> = values
                .iter()
                .map(|(t, v)| pw_sensors::import::observation_json(*t, v))
                .collect();
            format!(r#"{{"value": [{}]}}"#, items.join(","))
        };
        // A SensorThings service: the catalogue, each stream's newest value,
        // and a day window by its start (the windows are UTC days).
        let server = pw_testkit::HttpFixture::start(move |path, _| {
            let decoded = path
                .replace("%20", " ")
                .replace("%27", "'")
                .replace("%3A", ":");
            if decoded.starts_with("/v1.1/Datastreams?") || decoded == "/v1.1/Datastreams" {
                return pw_testkit::Reply::json(catalogue.clone());
            }
            let Some(s) = streams.iter().find(|s| decoded.contains(&s.id)) else {
                return pw_testkit::Reply::status("404 Not Found", "text/plain", "no");
            };
            if decoded.ends_with("$top=1") {
                return pw_testkit::Reply::json(page(vec![s.values.last().unwrap().clone()]));
            }
            let day = if decoded.contains("ge 2026-01-12T00:00:00.000Z") {
                "2026-01-12"
            } else {
                "none"
            };
            let values = s
                .values
                .iter()
                .filter(|(t, _)| {
                    jiff::Timestamp::from_millisecond(*t)
                        .unwrap()
                        .to_string()
                        .starts_with(day)
                })
                .cloned()
                .collect();
            pw_testkit::Reply::json(page(values))
        });
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("sta.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [683700.0, 5640600.0, 150.0]\n\
                 [time]\ndefault = \"2026-01-13T00:00\"\n\
                 [[sensors]]\nname = \"STA\"\nkind = \"sensorthings\"\nurl = \"{}/v1.1\"\ncategory = \"Verkehr\"\n\
                 mqtt = \"127.0.0.1:{}\"\n\
                 [[sensors.classes]]\nquantity = \"Radverkehr\"\nbreaks = [2.0, 6.0]\n\
                 labels = [\"a\", \"b\", \"c\"]\ncolors = [\"#00ff00\", \"#ffff00\", \"#ff0000\"]\n\
                 [[traffic.counts]]\nname = \"Goldbergrampe\"\nsensor = \"STA\"\nstream = \"{}\"\n",
                server.base, broker.port, flows[1].name
            ),
        )
        .unwrap();
        let mut app = open(&scene, &dir);
        run_until(&mut app, |app| {
            app.world().resource::<SensorMarkers>().items.len() == 1
                && app.world().resource::<Sensors>().sources[0].status == SourceStatus::Running
        });
        // Live: the newest value of each stream (12 January 23:45 local).
        let s = app.world().resource::<Sensors>();
        let store = &s.sources[0].store;
        assert_eq!(store.stations[0].streams.len(), 4);
        for st in &store.stations[0].streams {
            assert_eq!(store.series[&st.key].samples.len(), 1);
        }
        // Historic: 12 January 07:00 local asks the day's window of the
        // marker's stream (the others only when the station is opened).
        at(&mut app, "2026-01-12T06:00:00Z");
        let key = format!("sta:{}", thing.streams[0].id);
        run_until(&mut app, |app| {
            app.update();
            app.world().resource::<Sensors>().sources[0].store.series[&key]
                .samples
                .len()
                > 90
        });
        let s = app.world().resource::<Sensors>();
        let series = &s.sources[0].store.series[&key];
        // The UTC day 12 January holds 92 of the file's quarter hours (it
        // ends 23:45 local = 22:45 UTC); the newest value is one of them.
        assert_eq!(series.samples.len(), 92);
        let expected = flows[0]
            .counts
            .iter()
            .rfind(|(t, _)| *t <= 1_768_201_200_000)
            .unwrap();
        assert_eq!(
            s.sources[0].store.value_at(&key, 1_768_201_200_000),
            Some(&(expected.0, Value::Number(expected.1)))
        );
        assert!(
            server
                .seen()
                .iter()
                .any(|r| r.contains("ge%202026-01-12T00%3A00%3A00.000Z"))
        );
        // The scene counts traffic with the second stream: its day is
        // asked for too, and the hour up to the clock is its count.
        let counted = format!("sta:{}", thing.streams[1].id);
        run_until(&mut app, |app| {
            app.update();
            app.world().resource::<Sensors>().sources[0].store.series[&counted]
                .samples
                .len()
                == 92
        });
        let t = 1_768_201_200_000;
        let by_hand: f64 = flows[1]
            .counts
            .iter()
            .filter(|(at, _)| (t - 3_600_000..t).contains(at))
            .map(|(_, c)| c)
            .sum();
        let active = app.world().resource::<ActiveScene>();
        let inputs = crate::scenario::traffic::traffic_inputs_of(
            &active.scene,
            active.path.as_deref(),
            Some(app.world().resource::<Sensors>()),
            t,
        );
        let count = &inputs.counts[0];
        assert_eq!(count.per_hour, Some(by_hand));
        assert_eq!(
            count.source,
            // 06:00–07:00 UTC is 07:00–08:00 in Jena.
            format!("STA: {}, 2026-01-12 07:00–08:00", flows[1].name)
        );
        // At the station's place, in the scene's CRS.
        let at = count.at.unwrap();
        assert!(
            (at[0] - 683_700.0).abs() < 2_000.0 && (at[1] - 5_640_600.0).abs() < 2_000.0,
            "{at:?}"
        );
        // Opening the station fetches the window of all four streams.
        app.world_mut().resource_mut::<Sensors>().view.selected =
            Some((0, "sta-thing:Goldbergrampe".into()));
        run_until(&mut app, |app| {
            let s = app.world().resource::<Sensors>();
            s.sources[0].store.stations[0]
                .streams
                .iter()
                .all(|st| s.sources[0].store.series[&st.key].samples.len() == 92)
        });
        // Now the busiest flow decides: 14 bikes at 07:00, red.
        app.world_mut().resource_mut::<Sensors>().version += 1;
        app.update();
        let m = marker(&app, "sta-thing:Goldbergrampe");
        assert_eq!(m.value.as_deref(), Some("14 Räder/15 min"));
        assert_eq!(m.color, [1.0, 0.0, 0.0, 1.0]);
        // Pushed through the service's broker: the same station's stream.
        let client = publisher(broker.port, "sta-push-test");
        let topic = pw_sensors::import::observation_topic(&thing.streams[1].id);
        let pushed = pw_sensors::import::observation_json(1_768_262_400_000, &Value::Number(9.0));
        let key1 = format!("sta:{}", thing.streams[1].id);
        run_until(&mut app, |app| {
            let _ = client.publish(&topic, rumqttc::QoS::AtLeastOnce, false, pushed.clone());
            std::thread::sleep(Duration::from_millis(50));
            let s = app.world().resource::<Sensors>();
            s.sources[0].store.value_at(&key1, i64::MAX).map(|v| v.0) == Some(1_768_262_400_000)
        });
        let s = app.world().resource::<Sensors>();
        assert_eq!(s.sources[0].store.stations.len(), 1);
        assert_eq!(
            s.sources[0].store.value_at(&key1, i64::MAX).unwrap().1,
            Value::Number(9.0)
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn buses_move_with_the_clock_and_signal_states_colour_their_controller() {
        // sensiNact-style topics as the Jena platform names them; no real
        // bus or signal recording exists, so the values here are made up.
        let dir = test_dir("bus");
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("bus.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5643500.0, 150.0]\n\
                 [time]\ndefault = \"2026-11-24T08:00\"\n\
                 [[sensors]]\nname = \"Verkehr\"\nkind = \"mqtt\"\nurl = \"127.0.0.1:{}\"\n\
                 topics = [\"v1.1/#\"]\n\
                 [[sensors.classes]]\nquantity = \"color\"\nvalues = [\"green\", \"yellow\", \"red\"]\n\
                 labels = [\"frei\", \"gelb\", \"Halt\"]\ncolors = [\"#00ff00\", \"#ffff00\", \"#ff0000\"]\n",
                broker.port
            ),
        )
        .unwrap();
        let mut app = open(&scene, &dir);
        let client = publisher(broker.port, "bus-test-pub");
        let point =
            |lon: f64, lat: f64| format!(r#"{{"type": "Point", "coordinates": [{lon}, {lat}]}}"#);
        let messages = [
            ("K440~admin~location", "07:00:00", point(11.5865, 50.9279)),
            ("K440~BLN1/1~color", "07:00:00", "\"green\"".to_string()),
            ("K440~BLN1/1~color", "07:00:30", "\"red\"".to_string()),
            ("bus359~admin~location", "07:00:00", point(11.5790, 50.9255)),
            ("bus359~admin~location", "07:01:00", point(11.5812, 50.9262)),
        ];
        run_until(&mut app, |app| {
            for (ds, time, result) in &messages {
                let _ = client.publish(
                    pw_sensors::import::observation_topic(ds),
                    rumqttc::QoS::AtLeastOnce,
                    false,
                    format!(r#"{{"phenomenonTime": "2026-11-24T{time}Z", "result": {result}}}"#),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
            let s = app.world().resource::<Sensors>();
            s.sources.first().is_some_and(|s| {
                s.store
                    .series
                    .values()
                    .map(|x| x.samples.len())
                    .sum::<usize>()
                    == 5
            })
        });
        at(&mut app, "2026-11-24T07:00:15Z");
        assert_eq!(app.world().resource::<SensorMarkers>().items.len(), 2);
        let k440 = marker(&app, "sta-thing:K440").clone();
        assert_eq!(
            (k440.value.as_deref(), k440.color),
            (Some("green"), [0.0, 1.0, 0.0, 1.0])
        );
        let frame = app.world().resource::<SceneFrame>();
        let first = frame.wgs84_to_world(11.5790, 50.9255).unwrap();
        let second = frame.wgs84_to_world(11.5812, 50.9262).unwrap();
        let bus = marker(&app, "sta-thing:bus359").world;
        // A quarter of the way from the 07:00 fix to the 07:01 fix (the
        // straight line in lon/lat is straight in UTM to well under 1 mm here).
        for a in 0..2 {
            let expected = first[a] + (second[a] - first[a]) * 0.25;
            assert!((bus[a] - expected).abs() < 0.01, "{bus:?} vs {expected}");
        }
        // 45 s later: the signal is red, the bus three quarters along.
        at(&mut app, "2026-11-24T07:00:45Z");
        let k440 = marker(&app, "sta-thing:K440").clone();
        assert_eq!(
            (k440.value.as_deref(), k440.color),
            (Some("red"), [1.0, 0.0, 0.0, 1.0])
        );
        let bus = marker(&app, "sta-thing:bus359").world;
        let expected = first[0] + (second[0] - first[0]) * 0.75;
        assert!((bus[0] - expected).abs() < 0.01);
        // Its place is 2 m above the ground plane.
        assert_eq!(bus[2], 150.0 + ABOVE_GROUND);
        // Between samples only the moving marker is moved (no full pass).
        let layout = app.world().resource::<SensorMarkers>().layout;
        at(&mut app, "2026-11-24T07:00:54Z");
        let markers = app.world().resource::<SensorMarkers>();
        assert_eq!(
            markers.computed_for.map(|k| k.0),
            Some(app.world().resource::<Sensors>().version)
        );
        assert_eq!(markers.layout, layout);
        let bus = marker(&app, "sta-thing:bus359").world;
        let expected = first[0] + (second[0] - first[0]) * 0.9;
        assert!((bus[0] - expected).abs() < 0.01);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_ngsi_ld_broker_s_entities_become_stations_and_stay_when_it_goes_down() {
        use std::sync::atomic::AtomicBool;
        let fiware =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/sensors/fiware");
        let read = |f: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(fiware.join(f)).unwrap()).unwrap()
        };
        // The real smart-data-model examples, as a broker lists them, and
        // one entity without id.
        let list = serde_json::json!([
            read("AirQualityObserved_example-normalized.jsonld"),
            read("TrafficFlowObserved_example.json"),
            read("WeatherObserved_example-normalized.jsonld"),
            {"type": "Thing"}
        ])
        .to_string();
        let up = Arc::new(AtomicBool::new(true));
        let online = up.clone();
        let server = pw_testkit::HttpFixture::start(move |path, _| {
            if !online.load(Ordering::SeqCst) {
                pw_testkit::Reply::status("500 Internal Server Error", "text/plain", "Wartung")
            } else if path.starts_with("/ngsi-ld/v1/entities?type=")
                && path.contains("&limit=100&offset=0")
            {
                pw_testkit::Reply::json(list.clone())
            } else {
                pw_testkit::Reply::json("[]")
            }
        });
        let dir = test_dir("ngsi");
        let scene = dir.join("ngsi.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25830\"\norigin = [440000.0, 4474000.0, 650.0]\n\
                 [time]\ndefault = \"2016-12-07T12:00\"\n\
                 [[sensors]]\nname = \"Orion-LD\"\nkind = \"ngsi_ld\"\nurl = \"{}\"\n\
                 filter = \"type=AirQualityObserved,TrafficFlowObserved,WeatherObserved\"\n\
                 poll_seconds = 0.2\n",
                server.base
            ),
        )
        .unwrap();
        let mut app = open(&scene, &dir);
        run_until(&mut app, |app| {
            app.world()
                .resource::<Sensors>()
                .sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running && s.store.stations.len() == 3)
        });
        let s = app.world().resource::<Sensors>();
        let store = &s.sources[0].store;
        assert_eq!(store.unreadable, 1);
        assert!(
            store
                .last_problem
                .as_ref()
                .is_some_and(|p| p.to_string().contains("entity 4"))
        );
        let traffic = store
            .station_by_id("TrafficFlowObserved-Valladolid-osm-60821110")
            .unwrap();
        assert_eq!(traffic.category.as_deref(), Some("TrafficFlowObserved"));
        assert!(traffic.location.is_some());
        let intensity = &store.series["TrafficFlowObserved-Valladolid-osm-60821110/intensity"];
        assert_eq!(intensity.latest().unwrap().1, Value::Number(197.0));
        // The broker goes down: offline with the reason, nothing lost.
        up.store(false, Ordering::SeqCst);
        run_until(&mut app, |app| {
            matches!(
                &app.world().resource::<Sensors>().sources[0].status,
                SourceStatus::Offline(why) if why.to_string().contains("500")
            )
        });
        let s = app.world().resource::<Sensors>();
        // Said in the user's language, the server's own words kept.
        let SourceStatus::Offline(why) = &s.sources[0].status else {
            unreachable!()
        };
        let german = crate::base::i18n::I18n::new(crate::base::i18n::Language::German).render(why);
        assert!(
            german.contains("der Server antwortet mit HTTP 500 Internal Server Error"),
            "{german}"
        );
        assert_eq!(s.sources[0].store.stations.len(), 3);
        assert_eq!(
            s.sources[0].store.series["TrafficFlowObserved-Valladolid-osm-60821110/intensity"]
                .latest()
                .unwrap()
                .1,
            Value::Number(197.0)
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn markers_stand_on_the_dem_terrain() {
        // A station on the real DFW DEM (3″ cells, EPSG:4326) in a UTM 14N
        // scene. -97.32 E, 32.68 N is the corner of cells (197, 169), (198,
        // 169), (197, 170), (198, 170), which GDAL reads as 206, 207, 207,
        // 206 m (gdallocationinfo): bilinear 206.5 m.
        let dir = test_dir("dem");
        let recording = dir.join("station.jsonl");
        let thing = pw_sensors::import::ThingSeries {
            id: "T1".into(),
            name: "Pegel".into(),
            location: Some([-97.32, 32.68]),
            streams: vec![pw_sensors::import::StreamSeries {
                id: "T1~level".into(),
                name: "level".into(),
                observed_property: "level".into(),
                unit: Some("cm".into()),
                values: vec![(1_700_000_000_000, Value::Number(12.0))],
            }],
        };
        let mut rec = pw_sensors::record::Recorder::create(&recording, 0).unwrap();
        for (topic, text) in [
            (
                pw_sensors::mqtt::CATALOGUE_TOPIC.to_string(),
                pw_sensors::import::catalogue_json(std::slice::from_ref(&thing)),
            ),
            (
                pw_sensors::import::observation_topic("T1~level"),
                pw_sensors::import::observation_json(1_700_000_000_000, &Value::Number(12.0)),
            ),
        ] {
            rec.record(&pw_sensors::record::Recorded {
                at_ms: 0,
                topic,
                payload: text.into_bytes(),
            })
            .unwrap();
        }
        let dem =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dem/pysheds/dem.tif");
        let scene = dir.join("t.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:32614\"\norigin = [656400.0, 3616155.0, 200.0]\n\
                 [[layers]]\nname = \"DFW\"\nkind = \"dem\"\npath = {:?}\n\
                 [[sensors]]\nname = \"Pegel\"\nkind = \"replay\"\nurl = \"station.jsonl\"\n",
                dem.display().to_string()
            ),
        )
        .unwrap();
        let mut app = headless_app(&scene);
        run_until(&mut app, |app| {
            !app.world().resource::<Layers>().terrain.is_empty()
                && app
                    .world()
                    .resource::<SensorMarkers>()
                    .items
                    .first()
                    .is_some_and(|m| m.world[2] > 205.0)
        });
        let z = app.world().resource::<SensorMarkers>().items[0].world[2];
        assert!((z - (206.5 + ABOVE_GROUND)).abs() < 0.05, "{z}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_live_session_is_recorded_next_to_the_scene_and_replays_offline() {
        let dir = test_dir("rec");
        let broker = pw_testkit::MqttBroker::start();
        let scene = dir.join("live.scene");
        std::fs::write(
            &scene,
            format!(
                "name = \"t\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5643500.0, 150.0]\n\
                 [[sensors]]\nname = \"Ampeln K440\"\nkind = \"mqtt\"\nurl = \"127.0.0.1:{}\"\n",
                broker.port
            ),
        )
        .unwrap();
        let mut app = open(&scene, &dir);
        let client = publisher(broker.port, "rec-test-pub");
        let key = "sta:K440~BLN1/1~color";
        let publish_until = |app: &mut App, time: &str, state: &str| {
            let topic = pw_sensors::import::observation_topic("K440~BLN1/1~color");
            let payload =
                format!(r#"{{"phenomenonTime": "2026-11-24T{time}Z", "result": "{state}"}}"#);
            let t = pw_sensors::parse_time(&format!("2026-11-24T{time}Z")).unwrap();
            run_until(app, |app| {
                let _ = client.publish(&topic, rumqttc::QoS::AtLeastOnce, false, payload.clone());
                std::thread::sleep(Duration::from_millis(50));
                app.world()
                    .resource::<Sensors>()
                    .sources
                    .first()
                    .is_some_and(|s| {
                        s.status == SourceStatus::Running
                            && s.store
                                .series
                                .get(key)
                                .and_then(|x| x.latest())
                                .map(|l| l.0)
                                == Some(t)
                    })
            });
        };
        publish_until(&mut app, "07:00:00", "red");
        app.world_mut().resource_mut::<Sensors>().record_request = Some((0, true));
        app.update();
        let file = app.world().resource::<Sensors>().sources[0]
            .recording
            .clone()
            .unwrap();
        assert_eq!(
            file.parent().unwrap(),
            std::path::absolute(&dir).unwrap().join("aufnahmen")
        );
        // The values known before stay; new ones are recorded.
        publish_until(&mut app, "07:00:30", "green");
        app.world_mut().resource_mut::<Sensors>().record_request = Some((0, false));
        app.update();
        assert!(
            app.world().resource::<Sensors>().sources[0]
                .recording
                .is_none()
        );
        let notices = &app.world().resource::<crate::base::jobs::Notices>().items;
        assert!(
            notices
                .iter()
                .any(|n| n.text.contains("Aufzeichnung gespeichert")),
            "{notices:?}"
        );
        drop(app);
        // Offline: the recording as a replay source shows both states.
        let replay = dir.join("replay.scene");
        std::fs::write(
            &replay,
            format!(
                "name = \"r\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5643500.0, 150.0]\n\
                 [[sensors]]\nname = \"Wiedergabe\"\nkind = \"replay\"\nurl = {:?}\n",
                file.display().to_string()
            ),
        )
        .unwrap();
        let mut app = headless_app(&replay);
        run_until(&mut app, |app| {
            app.world()
                .resource::<Sensors>()
                .sources
                .first()
                .is_some_and(|s| s.status == SourceStatus::Running)
        });
        let s = app.world().resource::<Sensors>();
        let samples = &s.sources[0].store.series[key].samples;
        let states: Vec<&Value> = samples.iter().map(|(_, v)| v).collect();
        assert_eq!(
            states,
            [&Value::Text("red".into()), &Value::Text("green".into())]
        );
        assert_eq!(s.sources[0].store.stations[0].id, "sta-thing:K440");
        std::fs::remove_dir_all(&dir).ok();
    }
}
