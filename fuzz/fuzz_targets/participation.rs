//! Anything a phone can send, through the workshop desk: a body as JSON
//! (contribution, vote or answer), the text cleaning, the CSV cells and the
//! report's line breaking. No panics; what is stored is clean text within
//! the limits; a CSV cell never starts a formula.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pw_participation::{
    Draft, LocalText, Reply, Request, Source, SqliteStore, VariantCard, Workshop, limits,
};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

fn desk() -> &'static (pw_participation::DeskHandle, String) {
    static DESK: OnceLock<(pw_participation::DeskHandle, String)> = OnceLock::new();
    DESK.get_or_init(|| {
        let mut w = Workshop::new(LocalText::new("Fuzz", "Fuzz"));
        w.variants = vec![VariantCard {
            id: "a".into(),
            name: LocalText::new("A", "A"),
            caption: LocalText::default(),
            picture: None,
        }];
        w.area = Some(pw_participation::Area {
            extent: [0.0, 0.0, 1000.0, 1000.0],
            outlines: vec![],
            picture: None,
        });
        let desk = pw_participation::start_desk(w, Box::new(SqliteStore::in_memory().unwrap()));
        let Ok(Reply::Joined(p)) = desk.ask_blocking(Request::Join) else {
            panic!("join")
        };
        (desk, p)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(clean) = limits::clean_text(text, limits::MAX_TEXT_CHARS) {
        assert!(!clean.is_empty() && clean.chars().count() <= limits::MAX_TEXT_CHARS);
        assert!(clean.chars().all(|c| c == '\n' || !c.is_control()));
        assert_eq!(clean.trim(), clean);
    }
    let cell = pw_participation::export::cell(text);
    assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
    let (desk, participant) = desk();
    if let Ok(mut draft) = serde_json::from_str::<Draft>(text) {
        let raw = draft.text.clone();
        if draft.participant.len() % 2 == 0 {
            draft.participant = participant.clone();
        }
        // A fresh draft each time (the same nonce again is the same
        // contribution, whatever its text), unless the nonce is malformed.
        if limits::check_token(&draft.nonce, "nonce").is_ok() {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            draft.nonce = format!("f{}", NEXT.fetch_add(1, Ordering::Relaxed));
        }
        if let Ok(Reply::Saved(id)) = desk.ask_blocking(Request::Contribute {
            draft,
            source: Source::Phone,
        }) {
            let Ok(Reply::Changes(c)) = desk.ask_blocking(Request::Changes { since: id - 1 }) else {
                panic!("changes")
            };
            let stored = c.contributions.iter().find(|c| c.id == id).expect("stored");
            assert_eq!(stored.text, limits::clean_text(&raw, limits::MAX_TEXT_CHARS).unwrap());
            assert!(stored.anchor.as_ref().is_none_or(|a| a.object.is_none()));
        }
    }
    if let Ok(vote) = serde_json::from_str::<serde_json::Value>(text) {
        let stars = vote["stars"].as_u64().unwrap_or(0) as u32;
        let variant = vote["variant"].as_str().unwrap_or("a").to_string();
        let _ = desk.ask_blocking(Request::Vote {
            participant: participant.clone(),
            variant,
            stars,
        });
    }
    let doc = pw_report::pdf::Document::new("Fuzz", "", "{n}/{total}");
    for line in doc.wrap(text, 10.0, 200.0) {
        assert!(doc.measure(&line, 10.0) <= 200.0 || line.chars().count() == 1);
    }
});
