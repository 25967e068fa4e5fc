//! The client against a real SensorThings v1.1 server: django-ogc-
//! sensorthings 1.2.0 (installed by .ci/sensors-setup into .ci/sta-venv),
//! started on 127.0.0.1 by this test on a fresh SQLite file and seeded from
//! the real Jena answers (K440's 99 datastreams, the Goldbergrampe bike
//! counter's 4 × 480 quarter-hour counts). Its quirks are real: UUID ids in
//! quotes, pages capped at 100, next links with $skip.

use pw_sensors::client::StaClient;
use pw_sensors::sta::{Id, Query};
use pw_sensors::{Value, parse_time};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn jena() -> PathBuf {
    workspace().join("../shared/data/sensors/jena")
}

struct Server {
    child: Child,
    base: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start() -> Server {
    let python = std::env::var_os("PW_STA_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".ci/sta-venv/bin/python"));
    assert!(
        python.exists(),
        "{}: the SensorThings test server is not installed; run .ci/sensors-setup",
        python.display()
    );
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = std::env::temp_dir().join(format!("pw-sta-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let site = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sta_server");
    let run = |args: &[&str]| {
        let out = Command::new(&python)
            .args(args)
            .current_dir(&site)
            .env("PW_STA_DB", dir.join("sta.sqlite3"))
            .env(
                "PW_STA_URL",
                format!("http://127.0.0.1:{port}/sensorthings"),
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(&["manage.py", "migrate", "--verbosity", "0"]);
    let seeded = run(&["seed.py", jena().to_str().unwrap()]);
    assert!(
        seeded.contains("seeded 103 datastreams, 1920 observations"),
        "{seeded}"
    );
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let child = Command::new(&python)
        .args([
            "manage.py",
            "runserver",
            "--noreload",
            &format!("127.0.0.1:{port}"),
        ])
        .current_dir(&site)
        .env("PW_STA_DB", dir.join("sta.sqlite3"))
        .env(
            "PW_STA_URL",
            format!("http://127.0.0.1:{port}/sensorthings"),
        )
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}/sensorthings/v1.1");
    let server = Server { child, base, dir };
    let probe = StaClient::new(&server.base, Duration::from_secs(2), None).unwrap();
    let started = Instant::now();
    while probe.get_text(&server.base).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not answer: {}",
            std::fs::read_to_string(server.dir.join("server.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

#[test]
fn jena_data_through_a_real_sensorthings_server() {
    let server = start();
    let c = StaClient::new(&server.base, Duration::from_secs(10), None).unwrap();

    // All 103 datastreams (two pages: the server caps pages at 100), with
    // their Thing and its Location expanded.
    let all = c
        .datastreams(&Query {
            expand: vec!["Thing/Locations".into()],
            ..Query::default()
        })
        .unwrap();
    assert_eq!(all.len(), 103);
    let k440: Vec<_> = all.iter().filter(|d| d.name.starts_with("K440~")).collect();
    assert_eq!(k440.len(), 99);
    assert!(k440.iter().any(|d| d.name == "K440~BLN1/1~color"));
    let thing = k440[0].thing.as_ref().unwrap();
    assert_eq!(thing.name, "K440");
    assert_eq!(thing.location, Some([11.5865, 50.9279]));
    // Ids are UUIDs, quoted in keys.
    let Id::Text(uuid) = &k440[0].id else {
        panic!("{:?}", k440[0].id)
    };
    assert_eq!(uuid.len(), 36);

    // The bike counter towards the centre: 480 quarter hours in the window,
    // oldest first (ordering by phenomenonTime), the counts as in the file.
    // (This server's second page repeats the first page's last entity:
    // the client keeps it once.)
    let series: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(jena().join("bike_counter_goldbergrampe_rawTraffic.json"))
            .unwrap(),
    )
    .unwrap();
    let flow = &series[0];
    let name = flow["flowName"].as_str().unwrap();
    let expected: Vec<f64> = flow["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["counts"].as_f64().unwrap())
        .collect();
    assert_eq!(expected.len(), 480);
    let ds = all.iter().find(|d| d.name == name).unwrap();
    let from = parse_time("2026-01-08T00:00:00+01:00").unwrap();
    let to = parse_time("2026-01-13T00:00:00+01:00").unwrap();
    let obs = c.observations(ds, &Query::time_window(from, to)).unwrap();
    assert_eq!(obs.len(), 480);
    assert_eq!(obs[0].time_ms, from);
    assert!(
        obs.windows(2)
            .all(|w| w[1].time_ms - w[0].time_ms == 900_000)
    );
    let got: Vec<f64> = obs.iter().map(|o| o.result.as_f64().unwrap()).collect();
    assert_eq!(got, expected);
    // A narrower window: exactly one day, 96 values.
    let day = c
        .observations(ds, &Query::time_window(from, from + 86_400_000))
        .unwrap();
    assert_eq!(day.len(), 96);

    // Through the datastream's key instead of the server's link: the same.
    let mut by_key = ds.clone();
    by_key.observations_link = None;
    let again = c
        .observations(&by_key, &Query::time_window(from, to))
        .unwrap();
    assert_eq!(again.len(), 480);

    // Pages of 1000 are refused by this server; the client asks again with 100.
    let big = c
        .observations(
            ds,
            &Query {
                top: Some(1000),
                ..Query::time_window(from, to)
            },
        )
        .unwrap();
    assert_eq!(big.len(), 480);
    assert_eq!(big[479].result, Value::Number(expected[479]));

    // A filter by name: the counter has two flows named "Ri. Zentrum"
    // (flow ids 101046725 and 103046725), both come back.
    let named = c
        .datastreams(&Query {
            filter: Some(format!("name eq '{}'", name.replace('\'', "''"))),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(named.len(), 2);
    assert!(named.iter().any(|d| d.id == ds.id));

    // The newest value of each datastream inline, as the app asks for it.
    let latest = c
        .datastreams(&Query {
            filter: Some(format!("name eq '{}'", name.replace('\'', "''"))),
            expand: vec!["Observations($orderby=phenomenonTime desc;$top=1)".into()],
            ..Query::default()
        })
        .unwrap();
    assert_eq!(latest.len(), 2);
    for d in &latest {
        // 12 January 23:45 local, the file's last quarter hour.
        assert_eq!(d.observations.len(), 1);
        assert_eq!(d.observations[0].time_ms, to - 900_000);
    }
    let first = latest.iter().find(|d| d.id == ds.id).unwrap();
    assert_eq!(first.observations[0].result, Value::Number(expected[479]));

    // A moving Thing: its HistoricalLocations in a time window, in order.
    let things: serde_json::Value = serde_json::from_str(
        &c.get_text(&format!(
            "{}/Things?$filter=name%20eq%20'bus359'",
            server.base
        ))
        .unwrap(),
    )
    .unwrap();
    let bus = Id::Text(things["value"][0]["@iot.id"].as_str().unwrap().to_string());
    let t0 = parse_time("2026-11-24T07:00:00Z").unwrap();
    let track = c
        .historical_locations(&bus, t0 + 60_000, t0 + 600_000)
        .unwrap();
    let got: Vec<(i64, [f64; 2])> = track
        .iter()
        .map(|h| (h.time_ms, h.location.unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (t0 + 60_000, [11.5812, 50.9262]),
            (t0 + 120_000, [11.5836, 50.9268]),
            (t0 + 180_000, [11.5861, 50.9275]),
        ]
    );

    // The other collections, typed: Things with their place, Locations,
    // Sensors, ObservedProperties, FeaturesOfInterest.
    let things = c
        .entities(
            "Things",
            &Query {
                expand: vec!["Locations".into()],
                ..Query::default()
            },
        )
        .unwrap();
    let names: Vec<&str> = things.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let k440 = things.iter().find(|t| t.name == "K440").unwrap();
    assert_eq!(k440.place, Some([11.5865, 50.9279]));
    assert_eq!(k440.description.as_deref(), Some("Lichtsignalanlage K440"));
    let locations = c.entities("Locations", &Query::default()).unwrap();
    assert_eq!(locations.len(), 2 + 4);
    assert!(locations.iter().any(|l| l.place == Some([11.612, 50.888])));
    let sensors = c.entities("Sensors", &Query::default()).unwrap();
    assert_eq!(sensors.len(), 1);
    assert_eq!(sensors[0].name, "Jena urban data platform");
    let properties = c.entities("ObservedProperties", &Query::default()).unwrap();
    assert!(
        properties
            .iter()
            .any(|p| p.name == "bicycles" && p.definition.as_deref() == Some("urn:jena:bicycles"))
    );
    let features = c.entities("FeaturesOfInterest", &Query::default()).unwrap();
    assert_eq!(features.len(), 1);
    assert_eq!(
        (features[0].name.as_str(), features[0].place),
        ("Goldbergrampe", Some([11.612, 50.888]))
    );
}
