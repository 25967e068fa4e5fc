//! Fixtures for tests: a real HTTP/1.1 server on 127.0.0.1 (std only) that
//! answers each request through a closure and logs what it was asked —
//! tile servers, SensorThings endpoints, failing and slow servers.

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

/// A local address nothing listens on (a server that is down).
pub fn closed_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let addr = l.local_addr().expect("bound");
    drop(l);
    format!("http://{addr}")
}
