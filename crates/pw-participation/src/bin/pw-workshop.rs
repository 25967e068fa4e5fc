//! A workshop server without the 3D workbench: for an online phase on a
//! server (phones and browsers join by link), and for the tests that kill
//! it mid-write. The workbench serves the same pages itself in workshop mode.
//!
//! pw-workshop (--db FILE | --postgres URL) [--bind ADDR] [--token TOKEN] [--title TEXT]
//!             [--variant ID=NAME]… [--area MINX,MINY,MAXX,MAXY]
//!             [--joins-per-minute N] [--contributions-per-minute N]
//!
//! Behind a reverse proxy every phone has the proxy's address: raise
//! `--joins-per-minute` there.

use std::net::SocketAddr;
use std::path::PathBuf;

use pw_participation::{
    Area, LocalText, PostgresStore, ServerLimits, SqliteStore, Store, VariantCard, Workshop,
    WorkshopServer, start_desk,
};

fn usage(problem: &str) -> ! {
    eprintln!(
        "pw-workshop: {problem}\nusage: pw-workshop (--db FILE | --postgres URL) [--bind ADDR] [--token TOKEN] [--title TEXT] \
         [--variant ID=NAME]… [--area MINX,MINY,MAXX,MAXY] \
         [--joins-per-minute N] [--contributions-per-minute N]"
    );
    std::process::exit(2)
}

fn main() {
    let mut db: Option<PathBuf> = None;
    let mut postgres: Option<String> = None;
    // A token given replaces the one the store keeps (a new link, e.g.
    // when the old one was shared too widely); else the kept one stays.
    let mut token_given = false;
    let mut bind: SocketAddr = "127.0.0.1:8765".parse().expect("a valid address");
    let mut workshop = Workshop::new(LocalText::new("Werkstatt", "Workshop"));
    let mut limits = ServerLimits::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value())),
            "--postgres" => postgres = Some(value()),
            "--bind" => {
                bind = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--bind takes HOST:PORT"))
            }
            "--token" => {
                workshop.token = value();
                token_given = true;
            }
            "--title" => {
                let title = value();
                workshop.title = LocalText::new(&title, &title);
            }
            "--variant" => {
                let spec = value();
                let (id, name) = spec
                    .split_once('=')
                    .unwrap_or_else(|| usage("--variant takes ID=NAME"));
                workshop.variants.push(VariantCard {
                    id: id.into(),
                    name: LocalText::new(name, name),
                    caption: LocalText::default(),
                    picture: None,
                });
            }
            "--area" => {
                let numbers: Vec<f64> = value()
                    .split(',')
                    .map(|n| {
                        n.trim()
                            .parse()
                            .unwrap_or_else(|_| usage("--area takes four numbers"))
                    })
                    .collect();
                let [x0, y0, x1, y1] = numbers[..] else {
                    usage("--area takes four numbers")
                };
                workshop.area = Some(Area {
                    extent: [x0, y0, x1, y1],
                    outlines: Vec::new(),
                    picture: None,
                });
            }
            "--joins-per-minute" | "--contributions-per-minute" => {
                let n: f64 = value()
                    .parse()
                    .ok()
                    .filter(|n: &f64| *n >= 1.0)
                    .unwrap_or_else(|| usage(&format!("{flag} takes a number ≥ 1")));
                let rate = pw_participation::limits::Rate {
                    burst: n,
                    per_minute: n,
                };
                if flag == "--joins-per-minute" {
                    limits.joins_per_address = rate;
                } else {
                    // Behind a proxy all phones share its address.
                    limits.contributions_per_participant = rate;
                    limits.writes_per_address = rate;
                    limits.reads_per_address = rate;
                }
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    // The token is all that keeps strangers out: long enough not to guess.
    if let Err(e) = pw_participation::limits::check_token(&workshop.token, "--token") {
        usage(&e.to_string());
    }
    if workshop.token.len() < pw_participation::limits::MIN_WORKSHOP_TOKEN_CHARS {
        usage(&format!(
            "--token must be at least {} characters",
            pw_participation::limits::MIN_WORKSHOP_TOKEN_CHARS
        ));
    }
    let store: pw_participation::Result<Box<dyn Store>> = match (db, postgres) {
        (Some(file), None) => SqliteStore::open(&file).map(|s| Box::new(s) as Box<dyn Store>),
        (None, Some(url)) => PostgresStore::connect(&url).map(|s| Box::new(s) as Box<dyn Store>),
        _ => usage("give one of --db FILE and --postgres URL"),
    };
    let store = store.unwrap_or_else(|e| {
        eprintln!("pw-workshop: {e}");
        std::process::exit(1)
    });
    let mut store = store;
    if token_given && let Err(e) = store.workshop_token(&workshop.token, true) {
        eprintln!("pw-workshop: {e}");
        std::process::exit(1)
    }
    let desk = start_desk(workshop, store);
    let server = WorkshopServer::start(desk, bind, limits).unwrap_or_else(|e| {
        eprintln!("pw-workshop: cannot listen on {bind}: {e}");
        std::process::exit(1)
    });
    // The tests wait for this line.
    println!(
        "listening {}",
        server.link(&server.address().ip().to_string())
    );
    loop {
        std::thread::park();
    }
}
