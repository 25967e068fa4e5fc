//! A broker as a city's platform or The Things Stack runs it: TLS only, a
//! certificate of the city's own CA, a username and an API key. Debian's
//! mosquitto started by the test on 127.0.0.1; the CA made by openssl.
//! The message published is our SenseCAP S2120 uplink.

use pw_sensors::mqtt::{BrokerSecurity, LiveEvent, MqttSettings, parse_broker, subscribe};
use pw_testkit::{BrokerLogin, MqttBroker, rerun_in_child, wait_for};
use rumqttc::{Client, MqttOptions, QoS, TlsConfiguration, Transport};
use std::time::{Duration, Instant};

const TOPIC: &str = "application/weather/device/2cf7f1c0443001a5/event/up";

fn settings(port: u16, name: &str, security: BrokerSecurity) -> MqttSettings {
    MqttSettings {
        host: "127.0.0.1".into(),
        port,
        client_id: format!("planwerkstatt-{name}-{port}"),
        topics: vec!["application/+/device/+/event/up".into()],
        decoders: Vec::new(),
        record_to: None,
        record_preamble: Vec::new(),
        security,
    }
}

/// A publisher over TLS with the same login (rumqttc with ring).
fn publish(port: u16, login: &BrokerLogin, payload: &str) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut options = MqttOptions::new(format!("pub-{port}"), "127.0.0.1", port);
    options.set_credentials(&login.username, &login.password);
    options.set_transport(Transport::Tls(TlsConfiguration::Simple {
        ca: std::fs::read(&login.ca_file).unwrap(),
        alpn: None,
        client_auth: None,
    }));
    let (client, mut connection) = Client::new(options, 16);
    client
        .publish(TOPIC, QoS::AtLeastOnce, false, payload.as_bytes().to_vec())
        .unwrap();
    // Drive the connection until the broker has the message.
    let start = Instant::now();
    for event in connection.iter() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "publishing took too long"
        );
        match event {
            Ok(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_))) => break,
            Ok(_) => {}
            Err(e) => panic!("the publisher could not reach the broker: {e}"),
        }
    }
}

#[test]
fn tls_with_the_citys_ca_and_an_api_key_delivers_uplinks() {
    let (broker, login) = MqttBroker::start_secure();
    let live = subscribe(settings(
        broker.port,
        "tls",
        BrokerSecurity {
            tls: true,
            ca_file: Some(login.ca_file.clone()),
            login: Some((login.username.clone(), login.password.clone())),
        },
    ));
    wait_for(&live.events, "connection", |e| *e == LiveEvent::Connected);
    std::thread::sleep(Duration::from_millis(300));
    let uplink = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/chirpstack_sensecap_s2120_weather.json"),
    )
    .unwrap();
    publish(broker.port, &login, &uplink);
    let LiveEvent::Message(m) = wait_for(&live.events, "the uplink", |e| {
        matches!(e, LiveEvent::Message(_))
    }) else {
        unreachable!()
    };
    assert_eq!(m.source_id, "2cf7f1c0443001a5");
    assert_eq!(m.number("barometric_pressure"), Some(99_790.0));
}

#[test]
fn a_wrong_api_key_is_named_as_the_login_refused() {
    let (broker, login) = MqttBroker::start_secure();
    let live = subscribe(settings(
        broker.port,
        "badkey",
        BrokerSecurity {
            tls: true,
            ca_file: Some(login.ca_file.clone()),
            login: Some((login.username.clone(), "NNSXS.WRONG".into())),
        },
    ));
    let LiveEvent::Disconnected(why) = wait_for(&live.events, "a refusal", |e| {
        matches!(e, LiveEvent::Disconnected(_))
    }) else {
        unreachable!()
    };
    println!("wrong key: {why}");
    assert_eq!(why.key, "sensors.mqtt.login_refused");
    let why = why.to_string();
    assert!(
        why.contains("refused the login of \"jena-app@ttn\"") && why.contains("API key"),
        "{why}"
    );
}

#[test]
fn a_certificate_of_an_unknown_ca_asks_for_the_ca_file() {
    let (broker, login) = MqttBroker::start_secure();
    let live = subscribe(settings(
        broker.port,
        "noca",
        BrokerSecurity {
            tls: true,
            ca_file: None,
            login: Some((login.username.clone(), login.password.clone())),
        },
    ));
    let LiveEvent::Disconnected(why) = wait_for(&live.events, "a TLS failure", |e| {
        matches!(e, LiveEvent::Disconnected(_))
    }) else {
        unreachable!()
    };
    println!("without the CA: {why}");
    assert_eq!(why.key, "sensors.mqtt.tls");
    let why = why.to_string();
    assert!(why.contains("TLS") && why.contains("ca_file"), "{why}");
    // Plain MQTT to a TLS-only broker does not get in either.
    let plain = subscribe(settings(broker.port, "plain", BrokerSecurity::default()));
    assert!(matches!(
        wait_for(&plain.events, "a failure", |e| matches!(
            e,
            LiveEvent::Disconnected(_)
        )),
        LiveEvent::Disconnected(_)
    ));
}

#[test]
fn broker_addresses_say_tls_by_their_scheme() {
    assert_eq!(
        parse_broker("mqtts://eu1.cloud.thethings.network").unwrap(),
        ("eu1.cloud.thethings.network".into(), 8883, true)
    );
    assert_eq!(
        parse_broker("mqtts://broker.jena.de:8884").unwrap(),
        ("broker.jena.de".into(), 8884, true)
    );
    assert_eq!(
        parse_broker("mqtt://localhost").unwrap(),
        ("localhost".into(), 1883, false)
    );
    assert_eq!(
        parse_broker("127.0.0.1:1883").unwrap(),
        ("127.0.0.1".into(), 1883, false)
    );
    assert!(
        parse_broker("broker.jena.de")
            .unwrap_err()
            .to_string()
            .contains("host:port")
    );
    assert!(
        parse_broker("https://broker:443")
            .unwrap_err()
            .to_string()
            .contains("mqtts://")
    );
}

// `SSL_CERT_FILE` is how a test adds a CA to the operating system's store
// without touching the machine: rustls-native-certs reads it, as OpenSSL
// does. It is read once per process: the check runs in a child.

#[test]
fn mqtt_trusts_a_ca_in_the_operating_systems_store() {
    if let Ok(port) = std::env::var("PW_TLS_PORT") {
        let live = subscribe(settings(
            port.parse().unwrap(),
            "os-store",
            BrokerSecurity {
                tls: true,
                ca_file: None,
                login: Some((
                    std::env::var("PW_TLS_USER").unwrap(),
                    std::env::var("PW_TLS_PASSWORD").unwrap(),
                )),
            },
        ));
        wait_for(&live.events, "connection", |e| *e == LiveEvent::Connected);
        return;
    }
    let (broker, login) = MqttBroker::start_secure();
    let (ca, port) = (login.ca_file.display().to_string(), broker.port.to_string());
    rerun_in_child(
        "mqtt_trusts_a_ca_in_the_operating_systems_store",
        &[
            ("SSL_CERT_FILE", Some(&ca)),
            ("PW_TLS_PORT", Some(&port)),
            ("PW_TLS_USER", Some(&login.username)),
            ("PW_TLS_PASSWORD", Some(&login.password)),
        ],
    );
}

#[test]
fn https_trusts_a_ca_in_the_operating_systems_store() {
    if let Ok(url) = std::env::var("PW_HTTPS_URL") {
        let client =
            pw_sensors::client::StaClient::new(&url, Duration::from_secs(10), None).unwrap();
        let text = client.get_text(&format!("{url}/about.json")).unwrap();
        assert!(text.contains("Planwerkstatt"), "{text}");
        return;
    }
    // openssl's own web server with the test CA's certificate for 127.0.0.1.
    let (_broker, login) = MqttBroker::start_secure();
    let dir = login.ca_file.parent().unwrap().to_path_buf();
    std::fs::write(
        dir.join("about.json"),
        r#"{"server": "Planwerkstatt test"}"#,
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-WWW", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-cert", "server.pem", "-key", "server.key"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl (run .ci/sensors-setup)");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "openssl s_server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = format!("https://127.0.0.1:{port}");
    // Without the CA the certificate is refused …
    let client = pw_sensors::client::StaClient::new(&url, Duration::from_secs(10), None).unwrap();
    let refused = client
        .get_text(&format!("{url}/about.json"))
        .unwrap_err()
        .to_string();
    // … with it in the store (as a city's IT installs its CA) it is trusted.
    let ca = login.ca_file.display().to_string();
    let trusted = std::panic::catch_unwind(|| {
        rerun_in_child(
            "https_trusts_a_ca_in_the_operating_systems_store",
            &[("SSL_CERT_FILE", Some(&ca)), ("PW_HTTPS_URL", Some(&url))],
        )
    });
    let _ = server.kill();
    let _ = server.wait();
    println!("without the CA: {refused}");
    assert!(refused.contains("certificate"), "{refused}");
    trusted.unwrap();
}
