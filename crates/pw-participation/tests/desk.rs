//! The desk on both stores — the SQLite file and a real PostgreSQL server
//! (Debian's, started by the test) run the same scenarios: what is kept,
//! what is refused, and that a workshop survives closing and opening again.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use pw_participation::{
    Anchor, Camera, Category, DeskHandle, Draft, Moderation, ParticipationError, PostgresStore,
    Reply, Request, Source, SqliteStore, Store, ViewState, VoteOutcome, start_desk,
};
use pw_testkit::PostgresServer;

/// Where a scenario's workshops live: `store(name)` opens the workshop
/// `name`, the same one again on the second call.
trait Backend {
    fn store(&self, name: &str) -> pw_participation::Result<Box<dyn Store>>;
    /// Writes `version` into the schema mark, as a newer program would.
    fn pretend_schema(&self, name: &str, version: i64);
}

struct Sqlite(PathBuf);

impl Backend for Sqlite {
    fn store(&self, name: &str) -> pw_participation::Result<Box<dyn Store>> {
        Ok(Box::new(SqliteStore::open(
            &self.0.join(format!("{name}.sqlite")),
        )?))
    }

    fn pretend_schema(&self, name: &str, version: i64) {
        let connection = rusqlite::Connection::open(self.0.join(format!("{name}.sqlite"))).unwrap();
        connection
            .execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema'",
                [version.to_string()],
            )
            .unwrap();
    }
}

struct Postgres {
    server: PostgresServer,
    made: Mutex<HashSet<String>>,
}

impl Backend for Postgres {
    fn store(&self, name: &str) -> pw_participation::Result<Box<dyn Store>> {
        let url = if self.made.lock().unwrap().insert(name.to_string()) {
            self.server.fresh_database(name)
        } else {
            self.server.url(name)
        };
        Ok(Box::new(PostgresStore::connect(&url)?))
    }

    fn pretend_schema(&self, name: &str, version: i64) {
        let out = self.server.psql(
            name,
            &format!("UPDATE meta SET value = '{version}' WHERE key = 'schema'"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn desk(b: &dyn Backend, name: &str) -> DeskHandle {
    start_desk(common::workshop(), b.store(name).unwrap())
}

/// Every scenario, by name, for the PostgreSQL run.
type Scenario = fn(&dyn Backend);

const SCENARIOS: &[(&str, Scenario)] = &[
    (
        "reopen",
        contributions_keep_anchor_view_and_text_and_survive_reopening,
    ),
    ("twice", a_draft_sent_twice_is_stored_once),
    (
        "phones",
        phones_cannot_set_the_view_or_write_as_someone_else,
    ),
    (
        "refused",
        bad_contributions_are_refused_with_a_reason_and_nothing_is_stored,
    ),
    (
        "votes",
        one_vote_per_participant_and_variant_and_replays_change_nothing,
    ),
    (
        "closed",
        closed_voting_refuses_votes_but_takes_contributions,
    ),
    (
        "moderation",
        moderation_hides_replies_merges_and_each_change_is_seen_once,
    ),
    (
        "newer",
        a_database_from_a_newer_program_is_refused_not_damaged,
    ),
    ("link", the_link_and_the_phones_survive_a_restart),
];

macro_rules! on_sqlite {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            super::$name(&super::Sqlite(common::fresh_dir(stringify!($name))));
        }
    )*};
}

/// Each scenario on a fresh SQLite folder.
mod sqlite {
    use super::common;
    on_sqlite!(
        contributions_keep_anchor_view_and_text_and_survive_reopening,
        a_draft_sent_twice_is_stored_once,
        phones_cannot_set_the_view_or_write_as_someone_else,
        bad_contributions_are_refused_with_a_reason_and_nothing_is_stored,
        one_vote_per_participant_and_variant_and_replays_change_nothing,
        closed_voting_refuses_votes_but_takes_contributions,
        moderation_hides_replies_merges_and_each_change_is_seen_once,
        a_database_from_a_newer_program_is_refused_not_damaged,
        the_link_and_the_phones_survive_a_restart
    );
}

#[test]
fn postgresql_passes_every_scenario() {
    let backend = Postgres {
        server: PostgresServer::start(),
        made: Mutex::new(HashSet::new()),
    };
    for (name, scenario) in SCENARIOS {
        eprintln!("PostgreSQL: {name}");
        scenario(&backend);
    }
    // One desk writes a workshop at a time.
    let first = backend.store("lock").unwrap();
    match PostgresStore::connect(&backend.server.url("lock")) {
        Err(ParticipationError::Store(m)) => assert!(m.contains("already writing"), "{m}"),
        Ok(_) => panic!("a second desk on the same database"),
        Err(other) => panic!("{other:?}"),
    }
    drop(first);
    // The server drops the desk's connection: the next request connects again.
    let desk = desk(&backend, "reconnect");
    let p = join(&desk);
    let cut = backend.server.psql(
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = 'reconnect' AND pid <> pg_backend_pid()",
    );
    assert!(
        cut.status.success(),
        "{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    let id = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "after-cut", "Nach der Unterbrechung"),
        source: Source::Phone,
    }));
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    assert!(changes.contributions.iter().any(|c| c.id == id));
}

/// A city's database server speaks TLS only, with a certificate from the
/// city's own CA: the desk connects encrypted once it is given the CA
/// (libpq's `sslrootcert`), refuses a server it cannot verify and says how
/// to fix it; without TLS the server lets nobody in.
#[test]
fn postgresql_over_tls_checks_the_server_certificate() {
    let (server, ca) = PostgresServer::start_tls();
    let url = server.fresh_database("verschluesselt");
    // libpq's own words for "encrypted and verified".
    let with_ca = format!("{url} sslmode=verify-full sslrootcert={}", ca.display());
    let store = PostgresStore::connect(&with_ca).unwrap();
    let desk = start_desk(common::workshop(), Box::new(store));
    let p = join(&desk);
    let id = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "tls-1", "Über TLS gesendet"),
        source: Source::Phone,
    }));
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    let kept = changes.contributions.iter().find(|c| c.id == id).unwrap();
    assert_eq!(kept.text, "Über TLS gesendet");
    drop(desk);
    // The server saw it encrypted (pg_stat_ssl of the desk's sessions is
    // gone with them; the server's log of the hba rule is not needed: a
    // plain connection is refused outright).
    match PostgresStore::connect(&format!("{url} sslmode=disable")) {
        Err(ParticipationError::Store(m)) => {
            eprintln!("{m}");
            assert!(m.contains("no encryption"), "{m}")
        }
        Ok(_) => panic!("the server let a plain connection in"),
        Err(other) => panic!("{other:?}"),
    }
    // Without the CA the server's certificate is not trusted: said, with
    // what to do, and no connection in the clear instead.
    for address in [url.clone(), format!("{url} sslmode=require")] {
        match PostgresStore::connect(&address) {
            Err(ParticipationError::Store(m)) => {
                eprintln!("{m}");
                assert!(m.contains("certificate"), "{m}");
                assert!(m.contains("sslrootcert"), "{m}");
            }
            Ok(_) => panic!("connected to a server it cannot verify: {address}"),
            Err(other) => panic!("{other:?}"),
        }
    }
}

#[test]
fn the_file_is_in_wal_mode_and_a_broken_one_is_refused() {
    let dir = common::fresh_dir("wal");
    let file = dir.join("werkstatt.sqlite");
    drop(SqliteStore::open(&file).unwrap());
    let connection = rusqlite::Connection::open(&file).unwrap();
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let not_a_database = dir.join("kaputt.sqlite");
    std::fs::write(&not_a_database, b"this is not SQLite at all, just text").unwrap();
    match SqliteStore::open(&not_a_database) {
        Err(ParticipationError::Store(message)) => {
            assert!(
                message.contains("kaputt.sqlite"),
                "names the file: {message}"
            )
        }
        Ok(_) => panic!("opened a text file"),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn an_unreachable_server_is_named_without_its_password() {
    let port = pw_testkit::closed_port();
    let port = port.rsplit(':').next().unwrap();
    let url = format!("postgresql://werkstatt:geheim@127.0.0.1:{port}/beteiligung");
    match PostgresStore::connect(&url) {
        Err(ParticipationError::Store(message)) => {
            assert!(message.contains("127.0.0.1"), "{message}");
            assert!(message.contains("beteiligung"), "{message}");
            assert!(!message.contains("geheim"), "{message}");
        }
        Ok(_) => panic!("connected to a closed port"),
        Err(other) => panic!("{other:?}"),
    }
}

fn join(desk: &DeskHandle) -> String {
    match desk.ask_blocking(Request::Join).unwrap() {
        Reply::Joined(token) => token,
        other => panic!("{other:?}"),
    }
}

fn draft(participant: &str, nonce: &str, text: &str) -> Draft {
    Draft {
        participant: participant.into(),
        nonce: nonce.into(),
        text: text.into(),
        category: "idee".into(),
        anchor: Some(Anchor {
            x: 681_530.0,
            y: 5_643_640.0,
            z: Some(162.5),
            object: Some("DETHL51P0000abcd".into()),
        }),
        view: ViewState::default(),
    }
}

fn saved(reply: pw_participation::Result<Reply>) -> i64 {
    match reply.unwrap() {
        Reply::Saved(id) => id,
        other => panic!("{other:?}"),
    }
}

fn contributions_keep_anchor_view_and_text_and_survive_reopening(b: &dyn Backend) {
    let view = ViewState {
        camera: Some(Camera {
            eye: [681_450.0, 5_643_520.0, 260.0],
            target: [681_530.0, 5_643_640.0, 160.0],
        }),
        variant: Some("b".into()),
        layers: vec!["Gebäude".into(), "Bäume".into()],
        analysis: Some("sunhours".into()),
        clock: Some("2026-03-21T12:00:00+01:00".into()),
    };
    {
        let desk = desk(b, "reopen");
        let mut table = draft("", "n1", "Mehr Schatten am Spielplatz");
        table.view = view.clone();
        table.category = "kritik".into();
        let id = saved(desk.ask_blocking(Request::Contribute {
            draft: table,
            source: Source::Table,
        }));
        assert_eq!(id, 1);
    }
    let desk = desk(b, "reopen");
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    assert_eq!(changes.contributions.len(), 1);
    let c = &changes.contributions[0];
    assert_eq!(c.text, "Mehr Schatten am Spielplatz");
    assert_eq!(c.category, Category::Kritik);
    assert_eq!(c.source, Source::Table);
    assert_eq!(c.participant, pw_participation::desk::TABLE_PARTICIPANT);
    assert_eq!(
        c.view, view,
        "the whole view comes back to show what they saw"
    );
    assert_eq!(c.anchor.as_ref().unwrap().z, Some(162.5));
    assert_eq!(
        c.anchor.as_ref().unwrap().object.as_deref(),
        Some("DETHL51P0000abcd")
    );
}

fn a_draft_sent_twice_is_stored_once(b: &dyn Backend) {
    let desk = desk(b, "twice");
    let p = join(&desk);
    let first = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "abc", "Bänke!"),
        source: Source::Phone,
    }));
    let again = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "abc", "Bänke!"),
        source: Source::Phone,
    }));
    assert_eq!(first, again);
    let other = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "abd", "Bänke!"),
        source: Source::Phone,
    }));
    assert_eq!(other, first + 1, "a new draft is a new contribution");
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    assert_eq!(changes.contributions.len(), 2);
}

fn phones_cannot_set_the_view_or_write_as_someone_else(b: &dyn Backend) {
    let desk = desk(b, "phones");
    let p = join(&desk);
    let mut d = draft(&p, "x1", "Hier fehlt ein Radweg");
    d.view = ViewState {
        variant: Some("a".into()),
        layers: vec!["geheim".into()],
        analysis: Some("noise".into()),
        ..ViewState::default()
    };
    let id = saved(desk.ask_blocking(Request::Contribute {
        draft: d,
        source: Source::Phone,
    }));
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    let c = changes.contributions.iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        c.view,
        ViewState {
            variant: Some("a".into()),
            ..ViewState::default()
        },
        "a phone names the variant it means, nothing else"
    );
    let made_up = draft("0123456789abcdefghjkmnpqrs", "x2", "Ich bin jemand anderes");
    assert_eq!(
        desk.ask_blocking(Request::Contribute {
            draft: made_up,
            source: Source::Phone
        }),
        Err(ParticipationError::UnknownParticipant)
    );
}

fn bad_contributions_are_refused_with_a_reason_and_nothing_is_stored(b: &dyn Backend) {
    let desk = desk(b, "refused");
    let p = join(&desk);
    let refuse = |d: Draft| {
        desk.ask_blocking(Request::Contribute {
            draft: d,
            source: Source::Phone,
        })
        .unwrap_err()
    };
    assert_eq!(
        refuse(draft(&p, "1", "  \n ")),
        ParticipationError::EmptyText
    );
    assert_eq!(
        refuse(draft(&p, "2", &"x".repeat(1001))),
        ParticipationError::TextTooLong {
            chars: 1001,
            max: 1000
        }
    );
    let mut d = draft(&p, "3", "ok");
    d.category = "spam".into();
    assert_eq!(
        refuse(d),
        ParticipationError::UnknownCategory("spam".into())
    );
    let mut d = draft(&p, "4", "ok");
    d.anchor.as_mut().unwrap().x = 600_000.0;
    assert_eq!(refuse(d), ParticipationError::OutsideArea);
    let mut d = draft(&p, "5", "ok");
    d.anchor.as_mut().unwrap().y = f64::NAN;
    assert_eq!(refuse(d), ParticipationError::OutsideArea);
    let mut d = draft(&p, "6", "ok");
    d.view.variant = Some("z".into());
    assert_eq!(refuse(d), ParticipationError::UnknownVariant("z".into()));
    assert!(matches!(
        refuse(draft(&p, "sieben sieben", "ok")),
        ParticipationError::BadRequest(_)
    ));
    let Reply::Changes(changes) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    assert!(changes.contributions.is_empty());
}

fn one_vote_per_participant_and_variant_and_replays_change_nothing(b: &dyn Backend) {
    let desk = desk(b, "votes");
    let people: Vec<String> = (0..4).map(|_| join(&desk)).collect();
    let vote = |p: &str, variant: &str, stars: u32| {
        desk.ask_blocking(Request::Vote {
            participant: p.into(),
            variant: variant.into(),
            stars,
        })
    };
    assert_eq!(vote(&people[0], "a", 4), Ok(Reply::Voted(VoteOutcome::New)));
    assert_eq!(
        vote(&people[0], "a", 4),
        Ok(Reply::Voted(VoteOutcome::Same))
    );
    assert_eq!(
        vote(&people[0], "a", 5),
        Ok(Reply::Voted(VoteOutcome::Changed))
    );
    vote(&people[1], "a", 2).unwrap();
    vote(&people[2], "a", 5).unwrap();
    vote(&people[3], "b", 1).unwrap();
    assert_eq!(
        vote(&people[3], "a", 0),
        Err(ParticipationError::BadStars(0))
    );
    assert_eq!(
        vote(&people[3], "a", 6),
        Err(ParticipationError::BadStars(6))
    );
    assert_eq!(
        vote(&people[3], "c", 3),
        Err(ParticipationError::UnknownVariant("c".into()))
    );
    assert_eq!(
        vote("0123456789abcdefghjkmnpqrs", "a", 3),
        Err(ParticipationError::UnknownParticipant)
    );
    let answer = |p: &str, q: &str, value: u32| {
        desk.ask_blocking(Request::Answer {
            participant: p.into(),
            question: q.into(),
            value,
        })
    };
    answer(&people[0], "baeume", 1).unwrap();
    answer(&people[1], "baeume", 1).unwrap();
    answer(&people[2], "baeume", 0).unwrap();
    answer(&people[2], "hoehe", 0).unwrap();
    assert!(matches!(
        answer(&people[2], "hoehe", 3),
        Err(ParticipationError::BadAnswer { .. })
    ));
    assert!(matches!(
        answer(&people[2], "baeume", 2),
        Err(ParticipationError::BadAnswer { .. })
    ));
    let Reply::Tally(tally) = desk.ask_blocking(Request::Tally).unwrap() else {
        panic!()
    };
    assert_eq!(tally.variants.len(), 2);
    assert_eq!(tally.variants[0].variant, "a");
    assert_eq!(tally.variants[0].stars, [0, 1, 0, 0, 2]);
    assert_eq!(tally.variants[0].votes(), 3);
    assert_eq!(tally.variants[0].mean(), Some(4.0));
    assert_eq!(tally.variants[1].stars, [1, 0, 0, 0, 0]);
    answer(&people[0], "schoen", 5).unwrap();
    answer(&people[1], "schoen", 1).unwrap();
    assert!(matches!(
        answer(&people[2], "schoen", 0),
        Err(ParticipationError::BadAnswer { .. })
    ));
    let Reply::Tally(tally) = desk.ask_blocking(Request::Tally).unwrap() else {
        panic!()
    };
    assert_eq!(tally.questions[0].counts, vec![1, 2], "no, yes");
    assert_eq!(tally.questions[1].counts, vec![1, 0, 0]);
    assert_eq!(
        tally.questions[2].counts,
        vec![1, 0, 0, 0, 1],
        "stars 1 to 5"
    );
}

fn closed_voting_refuses_votes_but_takes_contributions(b: &dyn Backend) {
    let desk = desk(b, "closed");
    let p = join(&desk);
    desk.workshop().write().unwrap().voting_open = false;
    assert_eq!(
        desk.ask_blocking(Request::Vote {
            participant: p.clone(),
            variant: "a".into(),
            stars: 3
        }),
        Err(ParticipationError::VotingClosed)
    );
    saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "late", "Danke für den Abend"),
        source: Source::Phone,
    }));
}

fn moderation_hides_replies_merges_and_each_change_is_seen_once(b: &dyn Backend) {
    let desk = desk(b, "moderation");
    let p = join(&desk);
    let a = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "1", "Der Platz braucht Wasser"),
        source: Source::Phone,
    }));
    let b = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "2", "Brunnen!"),
        source: Source::Phone,
    }));
    let c = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "3", "beleidigend"),
        source: Source::Phone,
    }));
    let Reply::Changes(first) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    assert_eq!(first.contributions.len(), 3);
    let moderate = |id, action| desk.ask_blocking(Request::Moderate { id, action });
    moderate(c, Moderation::Hide(true)).unwrap();
    moderate(b, Moderation::MergeInto(a)).unwrap();
    moderate(
        a,
        Moderation::Reply(Some("Ein Brunnen ist in Entwurf B.\r\n".into())),
    )
    .unwrap();
    assert_eq!(
        moderate(99, Moderation::Hide(true)),
        Err(ParticipationError::NoContribution(99))
    );
    assert_eq!(
        moderate(a, Moderation::MergeInto(a)),
        Err(ParticipationError::MergeIntoItself)
    );
    assert_eq!(
        moderate(a, Moderation::Reply(Some(" ".into()))),
        Err(ParticipationError::EmptyText)
    );
    let Reply::Changes(later) = desk
        .ask_blocking(Request::Changes {
            since: first.revision,
        })
        .unwrap()
    else {
        panic!()
    };
    let ids: Vec<i64> = later.contributions.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![a, b, c]);
    let get = |id| later.contributions.iter().find(|c| c.id == id).unwrap();
    assert!(get(c).hidden);
    assert_eq!(get(b).merged_into, Some(a));
    assert_eq!(
        get(a).reply.as_deref(),
        Some("Ein Brunnen ist in Entwurf B.")
    );
    assert!(get(a).answered, "a reply answers it");
    let Reply::Changes(none) = desk
        .ask_blocking(Request::Changes {
            since: later.revision,
        })
        .unwrap()
    else {
        panic!()
    };
    assert!(none.contributions.is_empty());
    // Merged further: a (with b under it) into d — both end under d, and d
    // cannot be merged into what is under it.
    let d = saved(desk.ask_blocking(Request::Contribute {
        draft: draft(&p, "4", "Wasser und Schatten"),
        source: Source::Phone,
    }));
    let Reply::Changes(before) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    moderate(a, Moderation::MergeInto(d)).unwrap();
    assert_eq!(
        moderate(d, Moderation::MergeInto(b)),
        Err(ParticipationError::MergeIntoItself)
    );
    moderate(c, Moderation::MergeInto(b)).unwrap();
    // The table asks what changed since it last looked: all three moved.
    let Reply::Changes(all) = desk
        .ask_blocking(Request::Changes {
            since: before.revision,
        })
        .unwrap()
    else {
        panic!()
    };
    let moved: Vec<i64> = all.contributions.iter().map(|c| c.id).collect();
    assert_eq!(moved, vec![a, b, c]);
    let Reply::Changes(all) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    let merged = |id| {
        all.contributions
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .merged_into
    };
    assert_eq!(
        (merged(a), merged(b), merged(c), merged(d)),
        (Some(d), Some(d), Some(d), None),
        "merging into a merged one keeps the one it went to"
    );
    // Undone: c on its own again. Taking a's reply back leaves it answered
    // (the moderator may have answered it in the room).
    moderate(c, Moderation::Unmerge).unwrap();
    moderate(a, Moderation::Reply(None)).unwrap();
    let Reply::Changes(now) = desk.ask_blocking(Request::Changes { since: 0 }).unwrap() else {
        panic!()
    };
    let get = |id| {
        now.contributions
            .iter()
            .find(|x| x.id == id)
            .unwrap()
            .clone()
    };
    assert_eq!(get(c).merged_into, None);
    assert_eq!(get(a).reply, None);
    assert!(get(a).answered);
}

/// The program is restarted (after a crash, or the next evening): the
/// workshop keeps its link, so the QR code and the phones that scanned it
/// still work, and a phone is still the participant it was (its vote
/// stays one vote). A link given anew replaces the kept one.
fn the_link_and_the_phones_survive_a_restart(b: &dyn Backend) {
    let first = desk(b, "restart");
    let link = first.workshop().read().unwrap().token.clone();
    let phone = join(&first);
    assert_eq!(
        first
            .ask_blocking(Request::Vote {
                participant: phone.clone(),
                variant: "a".into(),
                stars: 4,
            })
            .unwrap(),
        Reply::Voted(VoteOutcome::New)
    );
    drop(first);
    let again = desk(b, "restart");
    assert_eq!(again.workshop().read().unwrap().token, link);
    assert_eq!(
        again
            .ask_blocking(Request::Vote {
                participant: phone,
                variant: "a".into(),
                stars: 2,
            })
            .unwrap(),
        Reply::Voted(VoteOutcome::Changed)
    );
    drop(again);
    let mut store = b.store("restart").unwrap();
    let new_link = pw_participation::limits::random_token();
    assert_eq!(store.workshop_token(&new_link, true).unwrap(), new_link);
    drop(store);
    assert_eq!(
        desk(b, "restart").workshop().read().unwrap().token,
        new_link
    );
}

fn a_database_from_a_newer_program_is_refused_not_damaged(b: &dyn Backend) {
    drop(b.store("newer").unwrap());
    b.pretend_schema("newer", 99);
    match b.store("newer") {
        Err(ParticipationError::Store(message)) => {
            assert!(message.contains("newer Planwerkstatt"), "{message}")
        }
        Ok(_) => panic!("opened a newer database"),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn without_a_map_phones_cannot_point_but_the_table_can() {
    let mut workshop = common::workshop();
    workshop.area = None;
    let desk = start_desk(workshop, Box::new(SqliteStore::in_memory().unwrap()));
    let p = join(&desk);
    assert_eq!(
        desk.ask_blocking(Request::Contribute {
            draft: draft(&p, "far", "Hier"),
            source: Source::Phone,
        }),
        Err(ParticipationError::OutsideArea)
    );
    saved(desk.ask_blocking(Request::Contribute {
        draft: draft("", "table", "Hier"),
        source: Source::Table,
    }));
}
