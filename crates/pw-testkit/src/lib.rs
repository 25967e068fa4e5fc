//! Fixtures for tests: a real HTTP/1.1 server on 127.0.0.1 (std only) that
//! answers each request through a closure and logs what it was asked —
//! tile servers, SensorThings endpoints, failing and slow servers; a
//! broker; the tiled city of the benchmarks (`city_tiles`).

pub mod city_tiles;
pub mod xvfb;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status line after "HTTP/1.1 ", e.g. "200 OK".
    pub status: String,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Further headers, e.g. ("Retry-After", "1").
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (timeouts).
    pub delay: Duration,
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status("200 OK", content_type, body)
    }

    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok("application/json", body)
    }

    pub fn status(status: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: status.into(),
            content_type: content_type.into(),
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A running server: its base URL ("http://127.0.0.1:port") and the
/// request targets it has seen, in order.
pub struct HttpFixture {
    pub base: String,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl HttpFixture {
    /// Serves every request (path with query, request headers) with `answer`
    /// until the test process ends.
    pub fn start(
        answer: impl Fn(&str, &[(String, String)]) -> Reply + Send + Sync + 'static,
    ) -> HttpFixture {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
        let base = format!("http://{}", listener.local_addr().expect("bound"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (log, answer) = (log.clone(), answer.clone());
                std::thread::spawn(move || {
                    let Ok(clone) = stream.try_clone() else {
                        return;
                    };
                    let mut reader = BufReader::new(clone);
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let mut headers = Vec::new();
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                        }
                    }
                    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    log.lock().expect("log").push(target.clone());
                    let reply = answer(&target, &headers);
                    std::thread::sleep(reply.delay);
                    let mut head = format!(
                        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                        reply.status,
                        reply.content_type,
                        reply.body.len()
                    );
                    for (k, v) in &reply.headers {
                        head += &format!("{k}: {v}\r\n");
                    }
                    head += "\r\n";
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&reply.body);
                });
            }
        });
        HttpFixture { base, requests }
    }

    /// The request targets seen so far.
    pub fn seen(&self) -> Vec<String> {
        self.requests.lock().expect("log").clone()
    }
}

/// Waits (at most 15 s) for a message matching `want`, skipping others:
/// what a test expects from a worker thread's channel.
pub fn wait_for<T>(rx: &std::sync::mpsc::Receiver<T>, what: &str, want: impl Fn(&T) -> bool) -> T {
    let start = std::time::Instant::now();
    loop {
        let left = Duration::from_secs(15).saturating_sub(start.elapsed());
        assert!(!left.is_zero(), "no {what} within 15 s");
        if let Ok(e) = rx.recv_timeout(left)
            && want(&e)
        {
            return e;
        }
    }
}

/// Runs the test `name` of the current test binary again in a child
/// process with `env` set (`None` removes a variable), and asserts it
/// passed: for what reads the environment once per process (the OS
/// certificate store, the user's folders).
pub fn rerun_in_child(name: &str, env: &[(&str, Option<&str>)]) {
    let mut child = std::process::Command::new(std::env::current_exe().expect("the test binary"));
    child.args(["--exact", name, "--test-threads", "1"]);
    for (k, v) in env {
        match v {
            Some(v) => child.env(k, v),
            None => child.env_remove(k),
        };
    }
    let out = child.output().expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A local address nothing listens on (a server that is down).
pub fn closed_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let addr = l.local_addr().expect("bound");
    drop(l);
    format!("http://{addr}")
}

/// Debian's mosquitto on a free port of 127.0.0.1, anonymous, no
/// persistence; killed when dropped. `restart` keeps the port.
pub struct MqttBroker {
    pub port: u16,
    child: Option<std::process::Child>,
    dir: std::path::PathBuf,
}

/// What a client needs for a [`MqttBroker::start_secure`] broker.
pub struct BrokerLogin {
    /// The test CA's certificate (PEM) that signed the broker's.
    pub ca_file: std::path::PathBuf,
    pub username: String,
    pub password: String,
}

/// A test CA (`ca.pem`) and a server certificate for 127.0.0.1 signed by
/// it (`server.pem`, key `server.key`), made in `dir` with openssl: what a
/// city's servers with their own CA look like to a client.
pub fn test_certificates(dir: &std::path::Path) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(args[0])
            .args(&args[1..])
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e} (Debian package openssl)", args[0]));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("the certificate's extensions");
    run(&[
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Planwerkstatt Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    run(&[
        "openssl",
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
}

impl MqttBroker {
    pub fn start() -> MqttBroker {
        MqttBroker::with_config(|_, _| "allow_anonymous true\n".into())
    }

    /// A broker speaking TLS only, with a certificate for 127.0.0.1 signed
    /// by a CA made here (openssl), and a password file: as a city's
    /// platform broker or The Things Stack wants it.
    pub fn start_secure() -> (MqttBroker, BrokerLogin) {
        let login = std::cell::RefCell::new(None);
        let broker = MqttBroker::with_config(|dir, _| {
            test_certificates(dir);
            let run = |args: &[&str]| {
                let out = std::process::Command::new(args[0])
                    .args(&args[1..])
                    .current_dir(dir)
                    .output()
                    .unwrap_or_else(|e| panic!("{}: {e}; run .ci/sensors-setup", args[0]));
                assert!(
                    out.status.success(),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            };
            let (username, password) = ("jena-app@ttn".to_string(), "NNSXS.TEST-KEY".to_string());
            run(&[
                "mosquitto_passwd",
                "-b",
                "-c",
                "passwd",
                &username,
                &password,
            ]);
            // Run as root, mosquitto reads its key as the user "mosquitto":
            // readable to all (a throw-away key of a test CA).
            for file in ["server.key", "passwd"] {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o644))
                    .expect("the key's permissions");
            }
            *login.borrow_mut() = Some(BrokerLogin {
                ca_file: dir.join("ca.pem"),
                username,
                password,
            });
            format!(
                "allow_anonymous false\npassword_file {}\ncafile {}\ncertfile {}\nkeyfile {}\n",
                dir.join("passwd").display(),
                dir.join("ca.pem").display(),
                dir.join("server.pem").display(),
                dir.join("server.key").display()
            )
        });
        let login = login.into_inner().expect("the login was made");
        (broker, login)
    }

    /// A broker on a free port; `extra` adds to its listener's
    /// configuration, given the broker's folder and port.
    fn with_config(extra: impl FnOnce(&std::path::Path, u16) -> String) -> MqttBroker {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("a free local port");
            l.local_addr().expect("bound").port()
        };
        let dir = std::env::temp_dir().join(format!("pw-mosquitto-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let extra = extra(&dir, port);
        std::fs::write(
            dir.join("mosquitto.conf"),
            format!("listener {port} 127.0.0.1\npersistence false\n{extra}"),
        )
        .expect("the broker's configuration");
        let mut broker = MqttBroker {
            port,
            child: None,
            dir,
        };
        broker.run();
        broker
    }

    fn run(&mut self) {
        let exe = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
            .into_iter()
            .map(std::path::PathBuf::from)
            .find(|p| p.exists())
            .expect("mosquitto is not installed; run .ci/sensors-setup (Debian package mosquitto)");
        self.child = Some(
            std::process::Command::new(exe)
                .arg("-c")
                .arg(self.dir.join("mosquitto.conf"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("mosquitto starts"),
        );
        // Ready when it accepts connections (bounded).
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "mosquitto did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the broker (clients see the connection drop).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops and starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }
}

impl Drop for MqttBroker {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a shell script inside GRASS GIS (Debian `grass-core`) in a
/// temporary location of EPSG:25832 and asserts it succeeded — the peer
/// runs of `r.sunmask`, `r.lake` and the like.
pub fn grass(script: &str) -> std::process::Output {
    let out = std::process::Command::new("grass")
        .args(["--tmp-location", "EPSG:25832", "--exec", "sh", "-c", script])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot start GRASS ({e}): install Debian's grass-core (tools/test does)")
        });
    assert!(
        out.status.success(),
        "GRASS failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Debian's PostgreSQL on a free port of 127.0.0.1, in a fresh cluster in a
/// temporary folder (user `pw`, no password, local only); shut down when
/// dropped. Run as root (CI), the server runs as the `postgres` user, which
/// the Debian package makes — PostgreSQL refuses to run as root.
pub struct PostgresServer {
    pub port: u16,
    dir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

impl PostgresServer {
    pub fn start() -> PostgresServer {
        PostgresServer::start_with(false)
    }

    /// The same speaking TLS only (a certificate for 127.0.0.1 from a test
    /// CA; plain connections refused), as a city's database server does;
    /// with the CA's file.
    pub fn start_tls() -> (PostgresServer, std::path::PathBuf) {
        let server = PostgresServer::start_with(true);
        let ca = server.dir.join("ca.pem");
        (server, ca)
    }

    fn start_with(tls: bool) -> PostgresServer {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max_by_key(|b| {
                b.parent()
                    .and_then(|v| v.file_name())
                    .and_then(|v| v.to_str())
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .expect(
                "PostgreSQL is not installed: Debian package postgresql (tools/test installs it)",
            );
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("a free local port");
            l.local_addr().expect("bound").port()
        };
        let dir = std::env::temp_dir().join(format!("pw-postgres-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        if tls {
            use std::os::unix::fs::PermissionsExt;
            test_certificates(&dir);
            // PostgreSQL refuses a key others can read.
            std::fs::set_permissions(
                dir.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )
            .expect("the key's permissions");
        }
        let as_root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if as_root {
            let chowned = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown runs");
            assert!(
                chowned.success(),
                "cannot give {} to the postgres user",
                dir.display()
            );
        }
        let command = |program: &std::path::Path| {
            let mut c = if as_root {
                let mut c = std::process::Command::new("setpriv");
                c.args([
                    "--reuid=postgres",
                    "--regid=postgres",
                    "--init-groups",
                    "--",
                ])
                .arg(program);
                c
            } else {
                std::process::Command::new(program)
            };
            c.stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            c
        };
        let data = dir.join("data");
        let init = command(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "pw",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .output()
            .expect("initdb runs");
        assert!(
            init.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let mut tls_settings = Vec::new();
        if tls {
            // Over the network only with TLS; the socket in the folder stays.
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .expect("pg_hba.conf");
            for (key, file) in [
                ("ssl_cert_file", "server.pem"),
                ("ssl_key_file", "server.key"),
            ] {
                tls_settings.push("-c".to_string());
                tls_settings.push(format!("{key}={}", dir.join(file).display()));
            }
            tls_settings.extend(["-c".to_string(), "ssl=on".to_string()]);
        }
        let child = command(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .arg("-p")
            .arg(port.to_string())
            .arg("-k")
            .arg(&dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "shared_buffers=16MB",
            ])
            .args(&tls_settings)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("postgres starts");
        let server = PostgresServer {
            port,
            dir,
            child: Some(child),
        };
        // Ready when it answers a query (bounded).
        let started = std::time::Instant::now();
        while !server.psql("postgres", "SELECT 1").status.success() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "PostgreSQL did not start within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// Runs one SQL command with Debian's psql.
    pub fn psql(&self, database: &str, sql: &str) -> std::process::Output {
        std::process::Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "pw",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-d", database, "-c", sql])
            .output()
            .expect("psql runs (Debian package postgresql-client)")
    }

    /// Makes an empty database and returns its connection string.
    pub fn fresh_database(&self, name: &str) -> String {
        let made = self.psql("postgres", &format!("CREATE DATABASE \"{name}\""));
        assert!(
            made.status.success(),
            "CREATE DATABASE {name}: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        self.url(name)
    }

    pub fn url(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=pw dbname={database}",
            self.port
        )
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Fast shutdown (SIGINT): the server ends its sessions and stops.
            let _ = std::process::Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
