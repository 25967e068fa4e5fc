//! The workshop page in a real browser (Debian's Chromium, driven through
//! ChromeDriver's WebDriver protocol): a phone opens the link, gives stars,
//! writes a comment at a place on the map, and it arrives at the desk; markup
//! in a comment shows as text. `tools/test` installs chromium and
//! chromium-driver.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use pw_participation::{
    Category, Reply, Request, ServerLimits, SqliteStore, WorkshopServer, start_desk,
};
use reqwest::blocking::Client;
use serde_json::{Value, json};

struct Driver {
    process: Child,
    base: String,
    session: String,
    client: Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self
            .client
            .delete(format!("{}/session/{}", self.base, self.session))
            .send();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    fn start(profile: &std::path::Path) -> Driver {
        let port = free_port();
        let process = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start chromedriver ({e}): install Debian's chromium and chromium-driver (tools/test does)")
            });
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = client
                .get(format!("{base}/status"))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver not ready within 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // The flags Chromium needs on a machine without a network or a GPU.
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                // A German phone: the page follows the browser's language.
                "prefs": {"intl.accept_languages": "de-DE,de"},
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=de-DE",
                    "--window-size=412,915", format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let answer: Value = client
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {answer}"))
            .to_string();
        Driver {
            process,
            base,
            session,
            client,
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}/{path}", self.base, self.session);
        let answer: Value = self
            .client
            .request(method, url)
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap();
        answer["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call(reqwest::Method::POST, "url", json!({ "url": url }));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.call(
            reqwest::Method::POST,
            "elements",
            json!({"using": "css selector", "value": css}),
        );
        found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        e.as_object()
                            .and_then(|o| o.values().next())
                            .and_then(|v| v.as_str())
                            .map(String::from)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The element, waiting up to 10 s for it to appear.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(id) = self.find_all(css).into_iter().next() {
                return id;
            }
            assert!(Instant::now() < deadline, "no {css} within 10 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        let answer = self.call(
            reqwest::Method::POST,
            &format!("element/{id}/click"),
            json!({}),
        );
        assert!(answer.is_null(), "click on {css}: {answer}");
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("element/{id}/value"),
            json!({ "text": text }),
        );
    }

    fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.call(
            reqwest::Method::GET,
            &format!("element/{id}/text"),
            json!({}),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits up to 10 s until the text of `css` contains `wanted`.
    fn wait_for_text(&self, css: &str, wanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text(css);
            if text.contains(wanted) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} shows {text:?}, not {wanted:?}, after 10 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, file: &std::path::Path) {
        let png = self.call(reqwest::Method::GET, "screenshot", json!({}));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(file, bytes).unwrap();
    }
}

fn contributions(desk: &pw_participation::DeskHandle) -> Vec<pw_participation::Contribution> {
    match desk.ask_blocking(Request::Changes { since: 0 }).unwrap() {
        Reply::Changes(c) => c.contributions,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_phone_votes_and_comments_at_a_place_and_the_desk_has_it() {
    let dir = common::fresh_dir("browser");
    let desk = start_desk(
        common::workshop(),
        Box::new(SqliteStore::in_memory().unwrap()),
    );
    let server = WorkshopServer::start(
        desk.clone(),
        "127.0.0.1:0".parse().unwrap(),
        ServerLimits::default(),
    )
    .unwrap();
    let driver = Driver::start(&dir.join("profile"));
    driver.open(&server.link("127.0.0.1"));
    driver.find("body[data-ready='true']");
    assert_eq!(driver.text("#title"), "Eichplatz: zwei Entwürfe");
    assert_eq!(driver.text("#send"), "Absenden");

    // Four stars for design A.
    driver.click("[data-variant='a'] [data-stars='4']");
    driver.wait_for_text("[data-variant='a'] .vote-result", "Ihre Bewertung: 4 von 5");
    // A question.
    driver.click("[data-question='baeume'] [data-value='1']");
    driver.wait_for_text("[data-question='baeume'] .answer-result", "Danke");

    // A criticism at the middle of the map, about design B.
    driver.click("[data-category='kritik']");
    driver.type_into(
        "#text",
        "Die Punkthäuser werfen zu viel Schatten auf den Spielplatz.",
    );
    driver.click("#map svg");
    driver.wait_for_text("#place-hint", "Ort gewählt");
    driver.click("#about option[value='b']");
    driver.click("#send");
    driver.wait_for_text("#send-result", "Gespeichert");
    driver.screenshot(&dir.join("phone.png"));

    let stored = contributions(&desk);
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(
        c.text,
        "Die Punkthäuser werfen zu viel Schatten auf den Spielplatz."
    );
    assert_eq!(c.category, Category::Kritik);
    assert_eq!(c.view.variant.as_deref(), Some("b"));
    let anchor = c.anchor.as_ref().expect("the tap on the map is the place");
    let [x0, y0, x1, y1] = common::AREA;
    // The map is 412 px wide for 400 m: a tap is good to a metre or two.
    assert!((anchor.x - (x0 + x1) / 2.0).abs() < 3.0, "x {}", anchor.x);
    assert!((anchor.y - (y0 + y1) / 2.0).abs() < 3.0, "y {}", anchor.y);
    let Reply::Tally(tally) = desk.ask_blocking(Request::Tally).unwrap() else {
        panic!()
    };
    assert_eq!(tally.variants[0].stars, [0, 0, 0, 1, 0]);
    assert_eq!(tally.questions[0].counts, vec![0, 1]);

    // Markup in a comment stays text on every phone.
    let evil = "<img src=x onerror=\"document.title='pwned'\"><b>fett</b>";
    driver.click("[data-category='idee']");
    driver.type_into("#text", evil);
    driver.click("#send");
    driver.wait_for_text("#send-result", "Gespeichert");
    let shown = driver.wait_for_text("#contributions", "<b>fett</b>");
    assert!(shown.contains("<img src=x"), "{shown}");
    assert!(
        driver
            .find_all("#contributions img, #contributions b")
            .is_empty()
    );
    let title = driver.call(reqwest::Method::GET, "title", json!({}));
    assert_eq!(title, "Eichplatz: zwei Entwürfe");
    assert_eq!(contributions(&desk)[1].text, evil, "stored as typed");

    // The same page in English.
    driver.click("#language");
    driver.wait_for_text("#send", "Send");
    driver.wait_for_text("#title", "Eichplatz: two designs");
    eprintln!("screenshot: {}", dir.join("phone.png").display());
}
