//! 200 phones in one workshop on this machine, over real HTTP: each joins,
//! gives stars, answers, writes a contribution every few seconds and asks for
//! news every three — for 60 s (`PW_BENCH_SECONDS`). Prints the response
//! times (p50, p99, max) per kind of request, and checks that every
//! contribution a phone was told is saved is in the file, once.
//!
//! cargo bench -p pw-participation --bench phones
//! PW_BENCH_PHONES=200 PW_BENCH_SECONDS=60

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pw_participation::limits::Rate;
use pw_participation::{
    LocalText, Question, QuestionKind, ServerLimits, SqliteStore, VariantCard, Workshop,
    WorkshopServer, start_desk,
};
use serde_json::{Value, json};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default)]
struct Times {
    join: Vec<f64>,
    contribute: Vec<f64>,
    vote: Vec<f64>,
    read: Vec<f64>,
    failed: usize,
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let i = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[i]
}

fn main() {
    let phones = env("PW_BENCH_PHONES", 200) as usize;
    let seconds = env("PW_BENCH_SECONDS", 60);
    let dir = std::env::temp_dir().join(format!("pw-phones-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("werkstatt.sqlite");
    let mut workshop = Workshop::new(LocalText::new("Last", "Load"));
    workshop.variants = ["a", "b", "c"]
        .iter()
        .map(|id| VariantCard {
            id: id.to_string(),
            name: LocalText::new(id, id),
            caption: LocalText::default(),
            picture: None,
        })
        .collect();
    workshop.questions = vec![Question {
        id: "q".into(),
        text: LocalText::new("?", "?"),
        kind: QuestionKind::YesNo,
    }];
    let desk = start_desk(workshop, Box::new(SqliteStore::open(&file).unwrap()));
    // All phones come from 127.0.0.1 here: the limits per address are not
    // what is measured.
    let open = Rate {
        burst: 100_000.0,
        per_minute: 100_000.0,
    };
    let limits = ServerLimits {
        joins_per_address: open,
        writes_per_address: open,
        reads_per_address: open,
        ..ServerLimits::default()
    };
    let server = WorkshopServer::start(desk, "127.0.0.1:0".parse().unwrap(), limits).unwrap();
    let base = server.link("127.0.0.1");
    let times = Arc::new(Mutex::new(Times::default()));
    let saved = Arc::new(Mutex::new(Vec::<(String, i64)>::new()));
    let end = Instant::now() + Duration::from_secs(seconds);
    eprintln!("{phones} phones for {seconds} s against {base}");
    let threads: Vec<_> = (0..phones)
        .map(|n| {
            let (base, times, saved) = (base.clone(), Arc::clone(&times), Arc::clone(&saved));
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                // Phones arrive over the first ten seconds.
                std::thread::sleep(Duration::from_millis((n as u64 * 10_000) / phones as u64));
                let timed = |kind: fn(&mut Times) -> &mut Vec<f64>,
                             request: reqwest::blocking::RequestBuilder|
                 -> Option<Value> {
                    let start = Instant::now();
                    let answer = request.send().ok().filter(|a| a.status().is_success());
                    let ms = start.elapsed().as_secs_f64() * 1000.0;
                    let mut t = times.lock().unwrap();
                    match answer {
                        Some(a) => {
                            kind(&mut t).push(ms);
                            a.json().ok()
                        }
                        None => {
                            t.failed += 1;
                            None
                        }
                    }
                };
                let Some(joined) = timed(|t| &mut t.join, client.post(format!("{base}api/join")))
                else {
                    return;
                };
                let participant = joined["participant"].as_str().unwrap().to_string();
                let mut k = 0u64;
                let mut tick = 0u64;
                while Instant::now() < end {
                    tick += 1;
                    // Every second a phone does one thing: read most often,
                    // vote and answer now and then, write every ~8 s.
                    let what = (tick + n as u64) % 8;
                    if what == 0 {
                        k += 1;
                        let text = format!("Telefon {n}, Beitrag {k}: mehr Bänke am Platz");
                        let body = json!({
                            "participant": participant, "nonce": format!("{n}-{k}"),
                            "category": "idee", "text": text,
                            "anchor": null,
                        });
                        if let Some(v) = timed(
                            |t| &mut t.contribute,
                            client.post(format!("{base}api/contribution")).json(&body),
                        ) {
                            saved
                                .lock()
                                .unwrap()
                                .push((text, v["id"].as_i64().unwrap()));
                        }
                    } else if what == 3 {
                        let variant = ["a", "b", "c"][(tick % 3) as usize];
                        timed(
                            |t| &mut t.vote,
                            client.post(format!("{base}api/vote")).json(&json!({
                                "participant": participant, "variant": variant,
                                "stars": 1 + (tick + n as u64) % 5,
                            })),
                        );
                    } else if what == 5 {
                        timed(
                            |t| &mut t.vote,
                            client.post(format!("{base}api/answer")).json(&json!({
                                "participant": participant, "question": "q", "value": tick % 2,
                            })),
                        );
                    } else {
                        timed(
                            |t| &mut t.read,
                            client.get(format!("{base}api/contributions?since=0")),
                        );
                    }
                    std::thread::sleep(Duration::from_millis(1000));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(server);
    let mut guard = times.lock().unwrap();
    let t = &mut *guard;
    let total = t.join.len() + t.contribute.len() + t.vote.len() + t.read.len();
    println!(
        "{phones} phones, {seconds} s: {total} answered requests ({:.0}/s), {} failed",
        total as f64 / seconds as f64,
        t.failed
    );
    let mut all: Vec<f64> = Vec::new();
    for (name, values) in [
        ("join", &mut t.join),
        ("contribute", &mut t.contribute),
        ("vote/answer", &mut t.vote),
        ("read list", &mut t.read),
    ] {
        all.extend(values.iter());
        println!(
            "  {name:<12} n={:<6} p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
            values.len(),
            percentile(values, 0.5),
            percentile(values, 0.99),
            percentile(values, 1.0)
        );
    }
    println!(
        "  {:<12} n={:<6} p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        "all",
        all.len(),
        percentile(&mut all, 0.5),
        percentile(&mut all, 0.99),
        percentile(&mut all, 1.0)
    );
    // Nothing lost, nothing twice.
    let saved = saved.lock().unwrap();
    let connection = rusqlite::Connection::open(&file).unwrap();
    let stored: i64 = connection
        .query_row("SELECT COUNT(*) FROM contributions", [], |r| r.get(0))
        .unwrap();
    let distinct: i64 = connection
        .query_row("SELECT COUNT(DISTINCT text) FROM contributions", [], |r| {
            r.get(0)
        })
        .unwrap();
    println!(
        "  contributions: {} acknowledged, {stored} stored, {distinct} distinct",
        saved.len()
    );
    assert_eq!(stored as usize, saved.len(), "lost or extra contributions");
    assert_eq!(distinct, stored, "a contribution stored twice");
    assert_eq!(t.failed, 0, "requests failed");
    let _ = std::fs::remove_dir_all(&dir);
}
