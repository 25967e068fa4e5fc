//! Issue 6, app part: does live sensor data cost frame time?
//! `cargo bench --bench sensors_frame`
//!
//! A SensorThings service (local HTTP fixture) announces 10,000 datastreams,
//! each on its own Thing somewhere in Jena, with their newest values inline;
//! its MQTT broker (Debian's mosquitto) then pushes 100 observations per
//! second to random datastreams. The workbench's core plugins (everything
//! but the GPU: sources, filing, markers, marker mesh colours) run frame
//! after frame; we compare frame times without and with the push, and time
//! the station window's plot of a year of quarter hours (35,040 values).

use bevy::prelude::*;
use planwerkstatt::sensors::markers::SensorMarkers;
use planwerkstatt::sensors::sources::SourceStatus;
use planwerkstatt::sensors::state::Sensors;
use std::time::{Duration, Instant};

const STREAMS: usize = 10_000;
const RATE: u64 = 100;
const SECONDS: u64 = 10;

fn catalogue_page(base: &str, skip: usize) -> String {
    let mut items = Vec::new();
    for i in skip..(skip + 100).min(STREAMS) {
        let (lon, lat) = (
            11.55 + (i % 100) as f64 * 0.001,
            50.90 + (i / 100) as f64 * 0.0005,
        );
        items.push(format!(
            r#"{{"@iot.id": "K{i}~1~value", "name": "K{i}", "unitOfMeasurement": {{"symbol": "µg/m³"}},
               "Thing": {{"@iot.id": "T{i}", "name": "Station {i}", "Locations": [{{"location": {{"type": "Point", "coordinates": [{lon}, {lat}]}}}}]}},
               "ObservedProperty": {{"name": "no2"}},
               "Observations": [{{"phenomenonTime": "2026-11-24T07:00:00Z", "result": {}}}]}}"#,
            i % 80
        ));
    }
    let next = if skip + 100 < STREAMS {
        format!(
            r#", "@iot.nextLink": "{base}/v1.1/Datastreams?$top=100&$skip={}""#,
            skip + 100
        )
    } else {
        String::new()
    };
    format!(r#"{{"value": [{}]{next}}}"#, items.join(","))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

fn frames(app: &mut App, seconds: f64) -> Vec<Duration> {
    let mut out = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds {
        let t = Instant::now();
        app.update();
        out.push(t.elapsed());
        // A 60 Hz frame budget: the rest of the frame is the GPU's.
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    out.sort();
    out
}

fn values(app: &App) -> usize {
    app.world().resource::<Sensors>().sources[0]
        .store
        .series
        .values()
        .map(|s| s.samples.len())
        .sum()
}

/// Publishes RATE random observations per second for SECONDS while the app
/// runs frames; returns the frame times, messages sent and values filed.
fn push_phase(
    app: &mut App,
    port: u16,
    client_id: &str,
    time: &(dyn Fn(u64) -> String + Sync),
) -> (Vec<Duration>, u64, usize) {
    let before = values(app);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (busy, sent) = std::thread::scope(|scope| {
        let publisher = scope.spawn(|| {
            let (client, mut connection) =
                rumqttc::Client::new(rumqttc::MqttOptions::new(client_id, "127.0.0.1", port), 256);
            std::thread::spawn(move || for _ in connection.iter() {});
            let mut seed = 7u64;
            let mut sent = 0u64;
            let start = Instant::now();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let i = (seed >> 33) as usize % STREAMS;
                let payload = format!(
                    r#"{{"phenomenonTime": "{}", "result": {}}}"#,
                    time(sent),
                    (seed >> 40) % 250
                );
                let _ = client.publish(
                    format!("v1.1/Datastreams('K{i}~1~value')/Observations"),
                    rumqttc::QoS::AtMostOnce,
                    false,
                    payload,
                );
                sent += 1;
                let due = start + Duration::from_micros(sent * 1_000_000 / RATE);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
            }
            sent
        });
        let busy = frames(app, SECONDS as f64);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        (busy, publisher.join().unwrap())
    });
    // Let the last messages arrive.
    for _ in 0..30 {
        app.update();
        std::thread::sleep(Duration::from_millis(10));
    }
    (busy, sent, values(app) - before)
}

fn main() {
    let broker = pw_testkit::MqttBroker::start();
    let base = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let b = base.clone();
    let server = pw_testkit::HttpFixture::start(move |path, _| {
        let skip = path
            .split("$skip=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        pw_testkit::Reply::json(catalogue_page(&b.lock().unwrap(), skip))
    });
    *base.lock().unwrap() = server.base.clone();
    let dir = std::env::temp_dir().join(format!("pw-bench-sensors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scene = dir.join("bench.scene");
    std::fs::write(
        &scene,
        format!(
            "name = \"bench\"\ncrs = \"EPSG:25832\"\norigin = [681000.0, 5642000.0, 150.0]\n\
             [time]\ndefault = \"2026-11-24T08:00\"\n\
             [[sensors]]\nname = \"10k\"\nkind = \"sensorthings\"\nurl = \"{}/v1.1\"\n\
             mqtt = \"127.0.0.1:{}\"\nstale_after_minutes = 600.0\n\
             [[sensors.classes]]\nquantity = \"no2\"\nbreaks = [40.0, 200.0]\n\
             labels = [\"gut\", \"erhöht\", \"hoch\"]\ncolors = [\"#1a9850\", \"#fee08b\", \"#d73027\"]\n",
            server.base, broker.port
        ),
    )
    .unwrap();

    let mut app = App::new();
    app.add_plugins((MinimalPlugins, bevy::asset::AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .init_asset::<Image>()
        .init_asset::<planwerkstatt::layers::point_symbols::PointSymbolMaterial>()
        .add_plugins(planwerkstatt::app::CorePlugins {
            settings: planwerkstatt::base::settings::SettingsStore::default(),
        })
        .add_plugins(planwerkstatt::sensors::markers::SensorMarkersRenderPlugin)
        .insert_resource(planwerkstatt::sensors::state::SensorCacheDir(
            dir.join("cache"),
        ));
    app.world_mut().spawn((
        planwerkstatt::view::camera::OrbitCamera::default(),
        Transform::default(),
    ));
    app.world_mut()
        .write_message(planwerkstatt::layers::SceneCommand::Open(scene.clone()));
    let t = Instant::now();
    loop {
        app.update();
        let ready = app.world().resource::<SensorMarkers>().items.len() == STREAMS
            && app.world().resource::<Sensors>().sources[0].status == SourceStatus::Running;
        if ready {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "catalogue not loaded"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    println!(
        "Catalogue: {STREAMS} datastreams with places and newest values on the map in {:.2?}",
        t.elapsed()
    );
    // Give the push connection time to subscribe.
    std::thread::sleep(Duration::from_secs(1));
    let idle = frames(&mut app, 5.0);

    let show = |name: &str, f: &[Duration]| {
        println!(
            "{name}: {} frames, median {:.2?}, p95 {:.2?}, p99 {:.2?}, max {:.2?}",
            f.len(),
            percentile(f, 0.5),
            percentile(f, 0.95),
            percentile(f, 0.99),
            f[f.len() - 1]
        );
    };
    show("Historic clock, no push (10,000 markers)", &idle);
    // The clock stands at 07:00 UTC: values measured before it.
    let historic = |sent: u64| format!("2026-11-24T06:{:02}:{:02}Z", (sent / 60) % 60, sent % 60);
    let (busy, sent, filed) = push_phase(&mut app, broker.port, "bench-historic", &historic);
    show(&format!("Historic clock, push {RATE} msg/s"), &busy);
    println!("  pushed {sent} observations (QoS 0), {filed} new values filed");
    // Live: the clock follows real time, values are measured now.
    app.world_mut()
        .resource_mut::<planwerkstatt::view::clock::SceneClock>()
        .go_live();
    let live = |_: u64| jiff::Timestamp::now().to_string();
    let (busy, sent, filed) = push_phase(&mut app, broker.port, "bench-live", &live);
    show(&format!("Live clock, push {RATE} msg/s"), &busy);
    println!("  pushed {sent} observations (QoS 0), {filed} new values filed");

    // A year of quarter hours in the station window's plot.
    year_plot();
    std::fs::remove_dir_all(&dir).ok();
}

/// Builds a store with 35,040 values and draws the station window with
/// egui (layout and tessellation, as a frame does) until the plot is shown.
fn year_plot() {
    use pw_sensors::store::SensorStore;
    let start_ms = pw_sensors::parse_time("2026-01-01T00:00:00Z").unwrap();
    let values: Vec<(i64, pw_sensors::Value)> = (0..35_040)
        .map(|i| {
            let hour = (i / 4) % 24;
            let v = 10.0 + 8.0 * ((hour as f64 - 14.0) / 24.0 * std::f64::consts::TAU).cos();
            (start_ms + i as i64 * 900_000, pw_sensors::Value::Number(v))
        })
        .collect();
    let t = Instant::now();
    let mut store = SensorStore::default();
    let obs: Vec<pw_sensors::sta::Observation> = values
        .iter()
        .map(|(t, v)| pw_sensors::sta::Observation {
            id: None,
            time_ms: *t,
            result: v.clone(),
            location: None,
        })
        .collect();
    store.insert_history("sta:year", &obs, 0);
    let filed = t.elapsed();
    let i18n = planwerkstatt::base::i18n::I18n::default();
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let ctx = bevy_egui::egui::Context::default();
    let t = Instant::now();
    let mut shown = 0;
    for _ in 0..3 {
        let out = ctx.run_ui(Default::default(), |ui| {
            bevy_egui::egui::Frame::new().show(ui, |ui| {
                planwerkstatt::ui::sensor_panel::history_plot(
                    ui,
                    &store,
                    &["sta:year".to_string()],
                    start_ms + 180 * 86_400_000,
                    &tz,
                    &i18n,
                )
            });
        });
        shown += ctx.tessellate(out.shapes, out.pixels_per_point).len();
    }
    let plotted = t.elapsed() / 3;
    println!(
        "Year plot: 35,040 values filed in {filed:.2?}, window with plot laid out and tessellated in {plotted:.2?} per frame ({shown} meshes over 3 frames) — target < 1 s"
    );
}
