//! The phones' web server over real HTTP: the page, joining, contributing,
//! voting, and what a hostile or clumsy phone sends.

mod common;

use std::time::Duration;

use pw_participation::{
    Reply, Request, ServerLimits, SqliteStore, WorkshopServer, limits::Rate, start_desk,
};
use reqwest::blocking::Client;
use serde_json::{Value, json};

struct Running {
    server: WorkshopServer,
    desk: pw_participation::DeskHandle,
    base: String,
    client: Client,
}

fn start(limits: ServerLimits) -> Running {
    let desk = start_desk(
        common::workshop(),
        Box::new(SqliteStore::in_memory().unwrap()),
    );
    let server =
        WorkshopServer::start(desk.clone(), "127.0.0.1:0".parse().unwrap(), limits).unwrap();
    let base = server.link("127.0.0.1");
    Running {
        server,
        desk,
        base,
        client: Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    }
}

impl Running {
    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json().unwrap_or(Value::Null))
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .unwrap();
        (r.status().as_u16(), r.json().unwrap_or(Value::Null))
    }

    fn join(&self) -> String {
        let (status, body) = self.post("api/join", json!({}));
        assert_eq!(status, 201, "{body}");
        body["participant"].as_str().unwrap().to_string()
    }
}

#[test]
fn the_page_and_its_files_are_served_with_a_strict_policy() {
    let r = start(ServerLimits::default());
    assert!(r.base.starts_with("http://127.0.0.1:"));
    let page = r
        .client
        .get(&r.base)
        .header("Accept-Language", "en-GB,en;q=0.8")
        .send()
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().unwrap();
    assert!(
        html.contains("<html lang=\"en\">"),
        "the browser's language"
    );
    assert!(html.contains("src=\"phone.js\""));
    for (file, kind) in [("phone.js", "text/javascript"), ("phone.css", "text/css")] {
        let r = r.client.get(format!("{}{file}", r.base)).send().unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
    }
    let (status, texts) = r.get("api/texts?lang=de");
    assert_eq!(status, 200);
    assert_eq!(texts["participation.page.send"], "Absenden");
    let (_, workshop) = r.get("api/workshop");
    assert_eq!(workshop["title"]["de"], "Eichplatz: zwei Entwürfe");
    assert_eq!(workshop["variants"].as_array().unwrap().len(), 2);
    assert_eq!(workshop["pictures"], json!(["a"]));
    assert_eq!(workshop["area"]["extent"][0], 681_400.0);
    assert!(workshop.get("token").is_none(), "the token is not repeated");
    let picture = r.client.get(format!("{}picture/a", r.base)).send().unwrap();
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert_eq!(picture.bytes().unwrap().to_vec(), common::tiny_png());
    drop(r.server);
}

#[test]
fn a_wrong_or_old_link_leads_nowhere() {
    let r = start(ServerLimits::default());
    let port = r.server.address().port();
    for path in [
        "/",
        "/w/",
        "/w/0123456789abcdefghjkmnpqrs/",
        "/w/../etc/passwd",
    ] {
        let answer = r
            .client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .unwrap();
        assert_eq!(answer.status().as_u16(), 404, "{path}");
        let body: Value = answer.json().unwrap();
        assert_eq!(body["error"], "participation.error.workshop");
        assert!(body["message"].as_str().unwrap().contains("QR-Code"));
    }
}

#[test]
fn a_phone_joins_contributes_votes_and_sees_it_counted() {
    let r = start(ServerLimits::default());
    let p = r.join();
    let (status, saved) = r.post(
        "api/contribution",
        json!({
            "participant": p, "nonce": "n-1", "category": "frage",
            "text": "Wo parken die Lieferwagen?",
            "anchor": {"x": 681_600.0, "y": 5_643_700.0},
            "view": {"variant": "b"}
        }),
    );
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap();
    // The same draft again (the answer was lost on the way): the same id.
    let (status, again) = r.post(
        "api/contribution",
        json!({"participant": p, "nonce": "n-1", "category": "frage", "text": "Wo parken die Lieferwagen?"}),
    );
    assert_eq!((status, again["id"].as_i64()), (201, Some(id)));
    let (status, voted) = r.post(
        "api/vote",
        json!({"participant": p, "variant": "a", "stars": 4}),
    );
    assert_eq!((status, voted["outcome"].as_str()), (200, Some("new")));
    let (_, replayed) = r.post(
        "api/vote",
        json!({"participant": p, "variant": "a", "stars": 4}),
    );
    assert_eq!(replayed["outcome"], "same");
    let (status, _) = r.post(
        "api/answer",
        json!({"participant": p, "question": "baeume", "value": 1}),
    );
    assert_eq!(status, 200);
    let (_, tally) = r.get("api/tally");
    assert_eq!(tally["variants"][0]["stars"], json!([0, 0, 0, 1, 0]));
    assert_eq!(tally["questions"][0]["counts"], json!([0, 1]));
    let (_, list) = r.get(&format!("api/contributions?since=0&participant={p}"));
    let item = &list["contributions"][0];
    assert_eq!(item["text"], "Wo parken die Lieferwagen?");
    assert_eq!(item["category"], "frage");
    assert_eq!(item["variant"], "b");
    assert_eq!(item["anchor"]["x"], 681_600.0);
    assert_eq!(item["mine"], true);
    assert!(
        item.get("participant").is_none(),
        "tokens are keys, never shown"
    );
    let (_, theirs) = r.get("api/contributions?since=0");
    assert_eq!(theirs["contributions"][0]["mine"], false);
    // And the app sees the same through the desk.
    let Reply::Changes(changes) = r.desk.ask_blocking(Request::Changes { since: 0 }).unwrap()
    else {
        panic!()
    };
    assert_eq!(changes.contributions.len(), 1);
    assert_eq!(changes.contributions[0].participant, p);
}

#[test]
fn markup_is_stored_as_text_and_hidden_ones_go_out_empty() {
    let r = start(ServerLimits::default());
    let p = r.join();
    let evil = "<img src=x onerror=\"fetch('/steal')\"><script>alert(1)</script>";
    let (status, saved) = r.post(
        "api/contribution",
        json!({"participant": p, "nonce": "e", "category": "kritik", "text": evil}),
    );
    assert_eq!(status, 201);
    let (_, list) = r.get("api/contributions?since=0");
    assert_eq!(
        list["contributions"][0]["text"], evil,
        "kept as typed, shown as text"
    );
    let id = saved["id"].as_i64().unwrap();
    r.desk
        .ask_blocking(Request::Moderate {
            id,
            action: pw_participation::Moderation::Hide(true),
        })
        .unwrap();
    let (_, list) = r.get("api/contributions?since=0");
    let item = &list["contributions"][0];
    assert_eq!(
        (item["hidden"].as_bool(), item["text"].as_str()),
        (Some(true), Some(""))
    );
}

#[test]
fn clumsy_and_hostile_requests_get_clear_answers_and_store_nothing() {
    let r = start(ServerLimits::default());
    let p = r.join();
    let post_raw = |path: &str, body: Vec<u8>| {
        let answer = r
            .client
            .post(format!("{}{path}", r.base))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .unwrap();
        (answer.status().as_u16(), answer.json::<Value>().unwrap())
    };
    // A megabyte of text.
    let huge =
        json!({"participant": p, "nonce": "big", "category": "idee", "text": "a".repeat(1 << 20)});
    let (status, body) = post_raw("api/contribution", serde_json::to_vec(&huge).unwrap());
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("participation.error.too_large"))
    );
    // Invalid UTF-8.
    let mut bytes = br#"{"participant":"P","nonce":"u","category":"idee","text":""#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x41]);
    bytes.extend_from_slice(br#""}"#);
    let (status, body) = post_raw("api/contribution", bytes);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("participation.error.bad_request"))
    );
    // Not JSON, JSON of the wrong shape.
    assert_eq!(post_raw("api/vote", b"stars=5".to_vec()).0, 400);
    assert_eq!(
        post_raw("api/vote", br#"{"stars":"viele"}"#.to_vec()).0,
        400
    );
    // Just under the body limit but over the text limit.
    let (status, body) = r.post(
        "api/contribution",
        json!({"participant": p, "nonce": "long", "category": "idee", "text": "ä".repeat(1500)}),
    );
    assert_eq!(status, 422);
    assert_eq!(body["error"], "participation.error.too_long");
    assert!(
        body["message"].as_str().unwrap().contains("1500 Zeichen"),
        "{body}"
    );
    // A made-up participant, a replayed vote of one.
    let (status, body) = r.post(
        "api/vote",
        json!({"participant": "0123456789abcdefghjkmnpqrs", "variant": "a", "stars": 5}),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("participation.error.participant"))
    );
    // English when the phone asks for it.
    let (status, body) = r.post(
        "api/vote?lang=en",
        json!({"participant": p, "variant": "a", "stars": 9}),
    );
    assert_eq!(status, 422);
    assert_eq!(body["message"], "Please choose 1 to 5 stars.");
    // Unknown path.
    assert_eq!(r.get("api/nothing").0, 400);
    let (_, list) = r.get("api/contributions?since=0");
    assert_eq!(list["contributions"], json!([]), "nothing stored");
    let (_, tally) = r.get("api/tally");
    assert_eq!(tally["variants"][0]["stars"], json!([0, 0, 0, 0, 0]));
}

#[test]
fn flooding_is_held_up_per_participant_and_minting_participants_per_address() {
    let r = start(ServerLimits {
        joins_per_address: Rate {
            burst: 3.0,
            per_minute: 1.0,
        },
        contributions_per_participant: Rate {
            burst: 4.0,
            per_minute: 2.0,
        },
        ..ServerLimits::default()
    });
    let p = r.join();
    let q = r.join();
    let mut statuses = Vec::new();
    for i in 0..8 {
        let (status, body) = r.post(
            "api/contribution",
            json!({"participant": p, "nonce": format!("f{i}"), "category": "idee", "text": format!("Nummer {i}")}),
        );
        if status == 429 {
            assert_eq!(body["error"], "participation.error.too_many");
            assert!(body["message"].as_str().unwrap().contains("Sekunden"));
        }
        statuses.push(status);
    }
    assert_eq!(statuses, [201, 201, 201, 201, 429, 429, 429, 429]);
    let (status, _) = r.post(
        "api/contribution",
        json!({"participant": q, "nonce": "q1", "category": "lob", "text": "Schön"}),
    );
    assert_eq!(status, 201, "the next person is not held up");
    r.join();
    let (status, _) = r.post("api/join", json!({}));
    assert_eq!(
        status, 429,
        "the fourth join from one address within a minute"
    );
    let (_, list) = r.get("api/contributions?since=0");
    assert_eq!(list["contributions"].as_array().unwrap().len(), 5);
}

#[test]
fn the_link_makes_a_qr_code() {
    let modules =
        pw_participation::qr_modules("http://192.168.178.20:8765/w/0123456789abcdefghjkmnpqrs/");
    // 58 characters at level M: version 4, 33 × 33 modules.
    assert_eq!(modules.len(), 33);
    assert!(modules.iter().all(|row| row.len() == 33));
    // The three finder patterns: dark 7 × 7 rings in three corners.
    for (x0, y0) in [(0, 0), (26, 0), (0, 26)] {
        for i in 0..7 {
            assert!(modules[y0][x0 + i] && modules[y0 + 6][x0 + i]);
            assert!(modules[y0 + i][x0] && modules[y0 + i][x0 + 6]);
        }
        assert!(!modules[y0 + 1][x0 + 1] && modules[y0 + 3][x0 + 3]);
    }
}

#[test]
fn one_address_cannot_write_more_than_its_share_by_joining_again() {
    let r = start(ServerLimits {
        joins_per_address: Rate {
            burst: 100.0,
            per_minute: 100.0,
        },
        writes_per_address: Rate {
            burst: 6.0,
            per_minute: 1.0,
        },
        ..ServerLimits::default()
    });
    let mut statuses = Vec::new();
    for i in 0..8 {
        // A new participant each time: their own buckets are full.
        let p = r.join();
        let (status, _) = r.post(
            "api/contribution",
            json!({"participant": p, "nonce": format!("a{i}"), "category": "idee", "text": "Spam"}),
        );
        statuses.push(status);
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 201, 429, 429]);
}
