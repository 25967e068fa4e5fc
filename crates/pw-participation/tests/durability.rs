//! What a phone was told is saved is there after a crash: the workshop
//! server (`pw-workshop`) is killed with SIGKILL at random moments while
//! phones send contributions and retry what got no answer; after the last
//! restart every acknowledged contribution is in the file, each once.
//!
//! SIGKILL ends the process, not the machine: this checks that the answer
//! comes only after the commit and that retries do not double anything. That
//! the commit is on the disk is SQLite's `synchronous = FULL` in WAL mode.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TOKEN: &str = "durabilitytest0123456789ab";
const WANTED: usize = 500;

fn start_server(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pw-workshop"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
            "--token",
            TOKEN,
        ])
        .args(["--variant", "a=Entwurf A", "--joins-per-minute", "100000"])
        .args(["--contributions-per-minute", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pw-workshop starts");
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("pw-workshop says where it listens within 20 s");
    let base = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, base)
}

/// xorshift64*: the moments of the kills, reproducible from the printed seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn every_acknowledged_contribution_survives_sigkill() {
    let dir = common::fresh_dir("sigkill");
    let db = dir.join("werkstatt.sqlite");
    let seed = std::env::var("PW_DURABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("kill moments from PW_DURABILITY_SEED={seed}");
    let mut random = Random(seed);

    let (child, base) = start_server(&db);
    let server = Arc::new(Mutex::new(child));
    let base = Arc::new(RwLock::new(base));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let participants: Vec<String> = (0..8)
        .map(|_| {
            let url = format!("{}api/join", base.read().unwrap());
            let answer: Value = client
                .post(url)
                .json(&json!({}))
                .send()
                .unwrap()
                .json()
                .unwrap();
            answer["participant"].as_str().unwrap().to_string()
        })
        .collect();

    // text → id, for every contribution a phone got "saved" for.
    let acknowledged = Arc::new(Mutex::new(HashMap::<String, i64>::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let retries = Arc::new(AtomicUsize::new(0));
    let phones: Vec<_> = participants
        .iter()
        .cloned()
        .map(|participant| {
            let (base, acknowledged, next, done, retries, client) = (
                Arc::clone(&base),
                Arc::clone(&acknowledged),
                Arc::clone(&next),
                Arc::clone(&done),
                Arc::clone(&retries),
                client.clone(),
            );
            std::thread::spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= WANTED {
                        break;
                    }
                    // A person types between two contributions; without a
                    // pause 500 are in before the second kill.
                    std::thread::sleep(Duration::from_millis(25));
                    let text = format!("Beitrag {k}: mehr Grün am Platz");
                    let body = json!({
                        "participant": participant, "nonce": format!("nonce-{k}"),
                        "category": "idee", "text": text,
                    });
                    // Like the page: the same draft again until it is saved.
                    let deadline = Instant::now() + Duration::from_secs(60);
                    loop {
                        assert!(Instant::now() < deadline, "{text} never got saved");
                        let url = format!("{}api/contribution", base.read().unwrap());
                        match client.post(url).json(&body).send() {
                            Ok(answer) if answer.status().as_u16() == 201 => {
                                let id = answer.json::<Value>().unwrap()["id"].as_i64().unwrap();
                                acknowledged.lock().unwrap().insert(text, id);
                                break;
                            }
                            Ok(answer) => panic!(
                                "{text}: {} {}",
                                answer.status(),
                                answer.text().unwrap_or_default()
                            ),
                            Err(_) => {
                                retries.fetch_add(1, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(20));
                            }
                        }
                    }
                }
            })
        })
        .collect();

    let mut kills = 0;
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < WANTED {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "only {} saved in 4 minutes",
            acknowledged.lock().unwrap().len()
        );
        std::thread::sleep(Duration::from_millis(5 + random.next() % 60));
        let mut child = server.lock().unwrap();
        child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        let (fresh, url) = start_server(&db);
        *child = fresh;
        *base.write().unwrap() = url;
    }
    assert_eq!(acknowledged.lock().unwrap().len(), WANTED);
    done.store(true, Ordering::SeqCst);
    for phone in phones {
        phone.join().unwrap();
    }
    {
        let mut child = server.lock().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    eprintln!(
        "{} acknowledged, {kills} kills, {} retries",
        acknowledged.len(),
        retries.load(Ordering::SeqCst)
    );
    assert!(kills >= 10, "only {kills} kills");
    assert!(retries.load(Ordering::SeqCst) > 0, "no request was cut off");

    // Read the file as the next start would.
    let connection = rusqlite::Connection::open(&db).unwrap();
    let mut statement = connection
        .prepare("SELECT id, text FROM contributions")
        .unwrap();
    let stored: Vec<(i64, String)> = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let texts: HashSet<&String> = stored.iter().map(|(_, t)| t).collect();
    assert_eq!(texts.len(), stored.len(), "no contribution stored twice");
    let by_text: HashMap<&String, i64> = stored.iter().map(|(id, t)| (t, *id)).collect();
    for (text, id) in &acknowledged {
        assert_eq!(
            by_text.get(text),
            Some(id),
            "{text} was acknowledged as {id}"
        );
    }
    let participants_kept: i64 = connection
        .query_row("SELECT COUNT(*) FROM participants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(participants_kept, 8);
}
