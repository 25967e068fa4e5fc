//! `planwerkstatt sensors …`: the SensorThings client from the shell —
//! list a service's datastreams, print or export one datastream's history.
//! The same library calls the workbench uses (pw_sensors::client).

use anyhow::Context as _;
use clap::Subcommand;
use pw_sensors::client::StaClient;
use pw_sensors::sta::{Datastream, Query};
use std::fmt::Write as _;
use std::time::Duration;

#[derive(Subcommand, Debug, Clone)]
pub enum SensorsCommand {
    /// List the datastreams of a SensorThings service (id, name, unit, thing, position).
    List {
        /// Service root, e.g. https://…/v1.1
        url: String,
        /// OData filter, e.g. "name eq 'color'".
        #[arg(long)]
        filter: Option<String>,
        /// Environment variable holding a bearer token.
        #[arg(long, value_name = "VAR")]
        token_env: Option<String>,
        /// Name of a bearer token in the OS keyring (see `sensors token`).
        #[arg(long, value_name = "NAME")]
        token_keyring: Option<String>,
    },
    /// Observations of one datastream between two times, as text or CSV.
    History {
        /// Service root, e.g. https://…/v1.1
        url: String,
        /// Datastream id (a number, or text such as K440~BLN1/1~color).
        datastream: String,
        /// Start: YYYY-MM-DD (local midnight) or an RFC 3339 time.
        #[arg(long)]
        from: String,
        /// End (exclusive), same forms.
        #[arg(long)]
        to: String,
        /// Time zone of plain dates.
        #[arg(long, default_value = "Europe/Berlin")]
        time_zone: String,
        /// Write CSV (time in UTC, result) instead of a table with a summary.
        #[arg(long)]
        csv: bool,
        #[arg(long, value_name = "VAR")]
        token_env: Option<String>,
        #[arg(long, value_name = "NAME")]
        token_keyring: Option<String>,
    },
    /// Store a bearer token in the OS keyring under NAME (read from standard
    /// input, never from the command line); scenes name it with token_keyring.
    Token { name: String },
    /// Record what an MQTT broker publishes to a file (replayable offline).
    Record {
        /// Broker as host:port (e.g. 127.0.0.1:1883) or mqtts://host[:port] for TLS
        /// (trusting the operating system's certificates).
        broker: String,
        /// Topic filters (repeatable); default: everything ("#").
        #[arg(long = "topic")]
        topics: Vec<String>,
        /// The recording to write (JSON lines).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Stop after this many seconds.
        #[arg(long, default_value_t = 60.0)]
        seconds: f64,
        /// Brokers that want a login: the username (The Things Stack: app-id@ttn).
        #[arg(long)]
        username: Option<String>,
        /// The password or API key: the environment variable that holds it …
        #[arg(long)]
        token_env: Option<String>,
        /// … or its name in the OS keyring (`planwerkstatt sensors token NAME`).
        #[arg(long)]
        token_keyring: Option<String>,
        /// TLS: a PEM file with the CA of the city's own broker.
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
    },
    /// Play a recording back and print what it holds, as it comes due.
    Replay {
        file: std::path::PathBuf,
        /// Playback speed (1 = as recorded, 0 = no waiting).
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Decoder for raw uplinks of a device or application, NAME=DECODER (repeatable).
        #[arg(long = "decoder", value_parser = parse_pair)]
        decoders: Vec<(String, String)>,
    },
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .ok_or_else(|| format!("{s:?}: write DEVICE=DECODER"))
}

/// One line per event, for the shell.
fn describe(e: &pw_sensors::mqtt::LiveEvent) -> String {
    use pw_sensors::mqtt::LiveEvent;
    let value = |v: &pw_sensors::Value| match v {
        pw_sensors::Value::Number(x) => x.to_string(),
        pw_sensors::Value::Text(t) => t.clone(),
    };
    match e {
        LiveEvent::Connected => "connected".into(),
        LiveEvent::Disconnected(why) => format!("disconnected: {why}"),
        LiveEvent::Observation {
            datastream,
            observation,
        } => format!(
            "{}  {datastream} = {}",
            iso(observation.time_ms),
            value(&observation.result)
        ),
        LiveEvent::Observations(list) => list
            .iter()
            .map(|(ds, o)| format!("{}  {ds} = {}", iso(o.time_ms), value(&o.result)))
            .collect::<Vec<_>>()
            .join("\n"),
        LiveEvent::Message(m) => format!(
            "{}  {}{}: {}",
            iso(m.time_ms),
            m.source_id,
            m.name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            m.readings
                .iter()
                .map(|r| format!(
                    "{} {}{}",
                    r.quantity,
                    value(&r.value),
                    r.unit
                        .as_deref()
                        .map(|u| format!(" {u}"))
                        .unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        LiveEvent::Unreadable { topic, reason } => format!("unreadable on {topic}: {reason}"),
        LiveEvent::Datastreams(items) => format!(
            "catalogue: {} datastreams ({})",
            items.len(),
            items
                .iter()
                .take(3)
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A client with the token from the environment or the keyring.
fn client(
    url: &str,
    token_env: &Option<String>,
    token_keyring: &Option<String>,
) -> anyhow::Result<StaClient> {
    Ok(
        StaClient::new(url, Duration::from_secs(30), token_env.as_deref())?
            .with_keyring_token(token_keyring.as_deref())?,
    )
}

/// A time given on the command line, in Unix ms.
fn time_arg(text: &str, zone: &str) -> anyhow::Result<i64> {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        let tz = jiff::tz::TimeZone::get(zone).with_context(|| format!("time zone {zone}"))?;
        return Ok(tz
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))?
            .as_millisecond());
    }
    pw_sensors::parse_time(text)
        .with_context(|| format!("{text:?}: give a date (YYYY-MM-DD) or an RFC 3339 time"))
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

pub fn sensors(cmd: &SensorsCommand) -> anyhow::Result<String> {
    let mut out = String::new();
    match cmd {
        SensorsCommand::Record {
            broker,
            topics,
            out: path,
            seconds,
            username,
            token_env,
            token_keyring,
            ca_file,
        } => {
            let (host, port, tls) =
                pw_sensors::mqtt::parse_broker(broker).map_err(anyhow::Error::msg)?;
            let security = crate::sensors::sources::broker_login(
                crate::sensors::sources::BrokerLogin {
                    username: username.as_deref(),
                    token_keyring: token_keyring.as_deref(),
                    token_env: token_env.as_deref(),
                    ca_file: ca_file.as_deref(),
                },
                tls,
            )
            .map_err(anyhow::Error::msg)?;
            let live = pw_sensors::mqtt::subscribe(pw_sensors::mqtt::MqttSettings {
                host,
                port,
                client_id: format!("planwerkstatt-record-{}", std::process::id()),
                topics: if topics.is_empty() {
                    vec!["#".into()]
                } else {
                    topics.clone()
                },
                decoders: Vec::new(),
                record_to: Some(path.clone()),
                record_preamble: Vec::new(),
                security,
            });
            let until = std::time::Instant::now() + Duration::from_secs_f64(seconds.max(0.0));
            let (mut messages, mut problems) = (0, 0);
            while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
                match live.events.recv_timeout(left) {
                    Ok(pw_sensors::mqtt::LiveEvent::Connected) => {}
                    Ok(pw_sensors::mqtt::LiveEvent::Disconnected(why)) => {
                        problems += 1;
                        eprintln!("{why}");
                    }
                    Ok(_) => messages += 1,
                    Err(_) => break,
                }
            }
            drop(live);
            writeln!(
                out,
                "{messages} messages recorded to {} ({problems} connection problems)",
                path.display()
            )?;
        }
        SensorsCommand::Replay {
            file,
            speed,
            decoders,
        } => {
            let rec = pw_sensors::record::Recording::read(file)?;
            for p in &rec.problems {
                eprintln!("{}: {p}", file.display());
            }
            let mut replay = pw_sensors::record::Replay::new(rec, decoders.clone());
            let started = std::time::Instant::now();
            let mut count = 0;
            while !replay.finished() {
                let elapsed = if *speed > 0.0 {
                    (started.elapsed().as_secs_f64() * 1000.0 * speed) as u64
                } else {
                    u64::MAX
                };
                // Printed as they come due, not at the end.
                for e in replay.due(elapsed) {
                    println!("{}", describe(&e));
                    count += 1;
                }
                if !replay.finished() {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            writeln!(out, "{count} messages replayed")?;
        }
        SensorsCommand::Token { name } => {
            let mut token = String::new();
            std::io::stdin()
                .read_line(&mut token)
                .context("reading the token from standard input")?;
            let token = token.trim();
            anyhow::ensure!(!token.is_empty(), "no token on standard input");
            pw_sensors::secret::store(name, token)?;
            writeln!(out, "token {name:?} stored in the keyring")?;
        }
        SensorsCommand::List {
            url,
            filter,
            token_env,
            token_keyring,
        } => {
            let c = client(url, token_env, token_keyring)?;
            let all = c.datastreams(&Query {
                filter: filter.clone(),
                expand: vec!["Thing/Locations".into()],
                ..Query::default()
            })?;
            for d in &all {
                let unit = d
                    .unit
                    .symbol
                    .as_deref()
                    .or(d.unit.name.as_deref())
                    .unwrap_or("");
                let thing = d.thing.as_ref().map(|t| t.name.as_str()).unwrap_or("");
                let place = d
                    .thing
                    .as_ref()
                    .and_then(|t| t.location)
                    .map(|[x, y]| format!("{y:.6}° N {x:.6}° E"))
                    .unwrap_or_default();
                writeln!(out, "{}\t{}\t{unit}\t{thing}\t{place}", d.id, d.name)?;
            }
            writeln!(out, "{} datastreams", all.len())?;
        }
        SensorsCommand::History {
            url,
            datastream,
            from,
            to,
            time_zone,
            csv,
            token_env,
            token_keyring,
        } => {
            let (from, to) = (time_arg(from, time_zone)?, time_arg(to, time_zone)?);
            anyhow::ensure!(to > from, "--to must lie after --from");
            let c = client(url, token_env, token_keyring)?;
            let ds = Datastream::from_id(datastream);
            let obs = c.observations(&ds, &Query::time_window(from, to))?;
            if *csv {
                writeln!(out, "time,result")?;
                for o in &obs {
                    let r = match &o.result {
                        pw_sensors::Value::Number(v) => v.to_string(),
                        pw_sensors::Value::Text(t) => format!("\"{}\"", t.replace('"', "\"\"")),
                    };
                    writeln!(out, "{},{r}", iso(o.time_ms))?;
                }
            } else {
                let numbers: Vec<f64> = obs.iter().filter_map(|o| o.result.as_f64()).collect();
                for o in &obs {
                    let r = match &o.result {
                        pw_sensors::Value::Number(v) => v.to_string(),
                        pw_sensors::Value::Text(t) => t.clone(),
                    };
                    writeln!(out, "{}  {r}", iso(o.time_ms))?;
                }
                write!(out, "{} observations", obs.len())?;
                if !numbers.is_empty() {
                    let min = numbers.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
                    write!(out, ", min {min}, max {max}, mean {mean:.3}")?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pw_testkit::{HttpFixture, MqttBroker, Reply};

    /// Recording from a broker that wants TLS and a login, the API key from
    /// the environment (set for a child process: the environment is
    /// shared by all tests of this process).
    #[test]
    fn record_over_tls_with_a_login_from_the_environment() {
        let record =
            |port: &str, ca: &str, file: &std::path::Path, env: &str| SensorsCommand::Record {
                broker: format!("mqtts://127.0.0.1:{port}"),
                topics: Vec::new(),
                out: file.to_path_buf(),
                seconds: 1.5,
                username: Some("jena-app@ttn".into()),
                token_env: Some(env.into()),
                token_keyring: None,
                ca_file: Some(ca.into()),
            };
        if let Ok(port) = std::env::var("PW_RECORD_TLS_PORT") {
            let ca = std::env::var("PW_RECORD_TLS_CA").unwrap();
            let file = std::path::PathBuf::from(format!("{ca}.jsonl"));
            let out = sensors(&record(&port, &ca, &file, "PW_RECORD_TLS_KEY")).unwrap();
            // Connected, logged in: no connection problem in 1.5 s.
            assert!(out.contains("(0 connection problems)"), "{out}");
            return;
        }
        let (broker, login) = MqttBroker::start_secure();
        let (port, ca) = (broker.port.to_string(), login.ca_file.display().to_string());
        pw_testkit::rerun_in_child(
            "sensors::cli::tests::record_over_tls_with_a_login_from_the_environment",
            &[
                ("PW_RECORD_TLS_PORT", Some(&port)),
                ("PW_RECORD_TLS_CA", Some(&ca)),
                ("PW_RECORD_TLS_KEY", Some(&login.password)),
            ],
        );
        // Without the variable the command says which one is missing.
        let e = sensors(&record(
            &port,
            &ca,
            &login.ca_file,
            "PW_NO_SUCH_KEY_VARIABLE",
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("PW_NO_SUCH_KEY_VARIABLE is not set"), "{e}");
    }

    #[test]
    fn record_from_a_broker_and_replay_offline() {
        let broker = MqttBroker::start();
        let dir = std::env::temp_dir().join(format!("pw-cli-record-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("session.jsonl");
        let record = SensorsCommand::Record {
            broker: format!("127.0.0.1:{}", broker.port),
            topics: vec!["application/#".into()],
            out: file.clone(),
            seconds: 3.0,
            username: None,
            token_env: None,
            token_keyring: None,
            ca_file: None,
        };
        let recorder = std::thread::spawn(move || sensors(&record).unwrap());
        // Publish the real Jena uplink twice once the recorder listens.
        std::thread::sleep(Duration::from_millis(800));
        let (client, mut connection) = rumqttc::Client::new(
            rumqttc::MqttOptions::new("cli-test-pub", "127.0.0.1", broker.port),
            8,
        );
        std::thread::spawn(move || for _ in connection.iter() {});
        let uplink =
            std::fs::read_to_string(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
                "../shared/data/sensors/jena_chirpstack/uplink_milesight_em310udl_trashlevel.json",
            ))
            .unwrap();
        for _ in 0..2 {
            client
                .publish(
                    "application/jena/device/24e124713c401925/event/up",
                    rumqttc::QoS::AtLeastOnce,
                    false,
                    uplink.clone(),
                )
                .unwrap();
        }
        let said = recorder.join().unwrap();
        assert!(said.starts_with("2 messages recorded"), "{said}");
        // Offline: the recording plays back through the same decoding.
        let replayed = sensors(&SensorsCommand::Replay {
            file: file.clone(),
            speed: 0.0,
            decoders: Vec::new(),
        })
        .unwrap();
        assert_eq!(replayed, "2 messages replayed\n");
        let e = pw_sensors::mqtt::classify(
            "application/jena/device/24e124713c401925/event/up",
            uplink.as_bytes(),
            &[],
        );
        assert!(describe(&e).contains("distance 594"), "{}", describe(&e));
        // A bad broker address and a missing file are said plainly.
        let bad = SensorsCommand::Record {
            broker: "localhost".into(),
            topics: vec![],
            out: file.clone(),
            seconds: 0.0,
            username: None,
            token_env: None,
            token_keyring: None,
            ca_file: None,
        };
        assert!(format!("{:#}", sensors(&bad).unwrap_err()).contains("host:port"));
        let missing = SensorsCommand::Replay {
            file: dir.join("nope.jsonl"),
            speed: 0.0,
            decoders: vec![],
        };
        assert!(format!("{:#}", sensors(&missing).unwrap_err()).contains("nope.jsonl"));
        std::fs::remove_dir_all(&dir).ok();
    }

    fn server() -> HttpFixture {
        HttpFixture::start(|target, _| {
            if target.starts_with("/v1.1/Datastreams?") {
                Reply::json(
                    r#"{"value": [
                    {"@iot.id": 7, "name": "Radzähler Goldbergrampe", "unitOfMeasurement": {"name": "Fahrräder", "symbol": "1/15min", "definition": null},
                     "Thing": {"@iot.id": 1, "name": "Jena-Goldbergrampe", "Locations": [{"location": {"type": "Point", "coordinates": [11.6031, 50.9358]}}]}},
                    {"@iot.id": "K440~BLN1/1~color", "name": "color", "unitOfMeasurement": {"name": null, "symbol": null, "definition": null}}]}"#,
                )
            } else if target.starts_with("/v1.1/Datastreams(7)/Observations?$filter=phenomenonTime%20ge%202026-01-07T23%3A00%3A00.000Z%20and%20phenomenonTime%20lt%202026-01-08T23%3A00%3A00.000Z") {
                Reply::json(
                    r#"{"value": [
                    {"phenomenonTime": "2026-01-07T23:00:00Z", "result": 0},
                    {"phenomenonTime": "2026-01-07T23:15:00Z", "result": 3},
                    {"phenomenonTime": "2026-01-07T23:30:00Z", "result": "defekt"}]}"#,
                )
            } else {
                Reply::status("404 Not Found", "text/plain", target.to_string())
            }
        })
    }

    #[test]
    fn list_and_history_as_text_and_csv() {
        let s = server();
        let url = format!("{}/v1.1", s.base);
        let list = sensors(&SensorsCommand::List {
            url: url.clone(),
            filter: None,
            token_env: None,
            token_keyring: None,
        })
        .unwrap();
        assert!(
            list.contains(
                "7\tRadzähler Goldbergrampe\t1/15min\tJena-Goldbergrampe\t50.935800° N 11.603100° E"
            ),
            "{list}"
        );
        assert!(list.contains("K440~BLN1/1~color\tcolor"), "{list}");
        assert!(list.ends_with("2 datastreams\n"));
        assert!(s.seen()[0].contains("$expand=Thing%2FLocations"));
        // A local day in Jena (UTC+1 in January): 23:00 UTC the day before.
        let history = |csv| SensorsCommand::History {
            url: url.clone(),
            datastream: "7".into(),
            from: "2026-01-08".into(),
            to: "2026-01-09".into(),
            time_zone: "Europe/Berlin".into(),
            csv,
            token_env: None,
            token_keyring: None,
        };
        let text = sensors(&history(false)).unwrap();
        assert!(text.contains("2026-01-07T23:15:00Z  3"), "{text}");
        assert!(
            text.ends_with("3 observations, min 0, max 3, mean 1.500\n"),
            "{text}"
        );
        let csv = sensors(&history(true)).unwrap();
        assert_eq!(
            csv,
            "time,result\n2026-01-07T23:00:00Z,0\n2026-01-07T23:15:00Z,3\n2026-01-07T23:30:00Z,\"defekt\"\n"
        );
        // Wrong order and a wrong time: said plainly.
        let mut bad = history(false);
        if let SensorsCommand::History { to, .. } = &mut bad {
            *to = "2026-01-01".into();
        }
        assert!(sensors(&bad).unwrap_err().to_string().contains("--to"));
        let mut bad = history(false);
        if let SensorsCommand::History { from, .. } = &mut bad {
            *from = "gestern".into();
        }
        assert!(format!("{:#}", sensors(&bad).unwrap_err()).contains("YYYY-MM-DD"));
    }
}
