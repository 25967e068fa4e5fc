//! The embedded store: one SQLite file per workshop, next to the scene.
//! WAL so the screen reads while phones write; `synchronous = FULL` so a
//! contribution a phone was told is saved survives a power cut.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{ParticipationError, Result};
use crate::model::{
    Anchor, Category, Contribution, NewContribution, Source, VariantTally, ViewState, VoteOutcome,
};
use crate::store::{Changes, Moderation, Store};

/// Bumped when the tables change; a file from a newer program is refused.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (
    token TEXT PRIMARY KEY,
    joined_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS contributions (
    id INTEGER PRIMARY KEY,
    participant TEXT NOT NULL,
    nonce TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    x DOUBLE PRECISION, y DOUBLE PRECISION, z DOUBLE PRECISION,
    object TEXT,
    view TEXT NOT NULL,
    source TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    reply TEXT,
    merged_into INTEGER,
    revision INTEGER NOT NULL,
    UNIQUE (participant, nonce)
);
CREATE INDEX IF NOT EXISTS contributions_revision ON contributions (revision);
CREATE TABLE IF NOT EXISTS votes (
    participant TEXT NOT NULL,
    variant TEXT NOT NULL,
    stars INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (participant, variant)
);
CREATE TABLE IF NOT EXISTS answers (
    participant TEXT NOT NULL,
    question TEXT NOT NULL,
    value INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (participant, question)
);
";

const COLUMNS: &str = "id, participant, text, category, x, y, z, object, view, source, \
                       created_ms, hidden, answered, reply, merged_into";

pub struct SqliteStore {
    connection: Connection,
}

impl SqliteStore {
    /// Opens (or makes) the workshop file.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let connection = Connection::open(path)
            .map_err(|e| ParticipationError::Store(format!("{}: {e}", path.display())))?;
        SqliteStore::set_up(connection)
    }

    /// A store in memory, for tests and trying things out.
    pub fn in_memory() -> Result<SqliteStore> {
        SqliteStore::set_up(Connection::open_in_memory()?)
    }

    fn set_up(connection: Connection) -> Result<SqliteStore> {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute_batch(SCHEMA)?;
        let version: Option<String> = connection
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match version.and_then(|v| v.parse::<i64>().ok()) {
            None => {
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                    [SCHEMA_VERSION.to_string()],
                )?;
            }
            Some(v) if v > SCHEMA_VERSION => {
                return Err(ParticipationError::Store(format!(
                    "the workshop file was written by a newer Planwerkstatt (schema {v}); update the program"
                )));
            }
            Some(_) => {}
        }
        Ok(SqliteStore { connection })
    }

    fn next_revision(&self) -> Result<i64> {
        Ok(self.connection.query_row(
            "SELECT COALESCE(MAX(revision), 0) + 1 FROM contributions",
            [],
            |r| r.get(0),
        )?)
    }
}

fn row_to_contribution(r: &rusqlite::Row) -> rusqlite::Result<Contribution> {
    let category: String = r.get(3)?;
    let x: Option<f64> = r.get(4)?;
    let y: Option<f64> = r.get(5)?;
    let view: String = r.get(8)?;
    let source: String = r.get(9)?;
    let anchor = match (x, y) {
        (Some(x), Some(y)) => Some(Anchor {
            x,
            y,
            z: r.get(6)?,
            object: r.get(7)?,
        }),
        _ => None,
    };
    Ok(Contribution {
        id: r.get(0)?,
        participant: r.get(1)?,
        text: r.get(2)?,
        // Written by this module from the enums; anything else is a file
        // edited by hand, read as the most neutral kind.
        category: Category::from_code(&category).unwrap_or(Category::Idee),
        anchor,
        view: serde_json::from_str::<ViewState>(&view).unwrap_or_default(),
        source: Source::from_code(&source).unwrap_or(Source::Table),
        created_ms: r.get(10)?,
        hidden: r.get::<_, i64>(11)? != 0,
        answered: r.get::<_, i64>(12)? != 0,
        reply: r.get(13)?,
        merged_into: r.get(14)?,
    })
}

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<()> {
        self.connection.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        self.connection.execute_batch("COMMIT")?;
        Ok(())
    }

    fn rollback(&mut self) -> Result<()> {
        if !self.connection.is_autocommit() {
            self.connection.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    fn add_participant(&mut self, token: &str, now_ms: i64) -> Result<()> {
        self.connection.execute(
            "INSERT OR IGNORE INTO participants (token, joined_ms) VALUES (?1, ?2)",
            params![token, now_ms],
        )?;
        Ok(())
    }

    fn is_participant(&mut self, token: &str) -> Result<bool> {
        Ok(self
            .connection
            .query_row(
                "SELECT 1 FROM participants WHERE token = ?1",
                [token],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn add_contribution(&mut self, c: &NewContribution, now_ms: i64) -> Result<i64> {
        if let Some(id) = self
            .connection
            .query_row(
                "SELECT id FROM contributions WHERE participant = ?1 AND nonce = ?2",
                params![c.participant, c.nonce],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        {
            return Ok(id);
        }
        let revision = self.next_revision()?;
        let view = serde_json::to_string(&c.view).expect("a view state is plain data");
        let anchor = c.anchor.as_ref();
        self.connection.execute(
            "INSERT INTO contributions (participant, nonce, text, category, x, y, z, object, \
             view, source, created_ms, revision) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                c.participant,
                c.nonce,
                c.text,
                c.category.code(),
                anchor.map(|a| a.x),
                anchor.map(|a| a.y),
                anchor.and_then(|a| a.z),
                anchor.and_then(|a| a.object.clone()),
                view,
                c.source.code(),
                now_ms,
                revision
            ],
        )?;
        Ok(self.connection.last_insert_rowid())
    }

    fn moderate(&mut self, id: i64, action: &Moderation, _now_ms: i64) -> Result<()> {
        let revision = self.next_revision()?;
        let changed = match action {
            Moderation::Hide(h) => self.connection.execute(
                "UPDATE contributions SET hidden = ?2, revision = ?3 WHERE id = ?1",
                params![id, *h as i64, revision],
            )?,
            Moderation::Answered(a) => self.connection.execute(
                "UPDATE contributions SET answered = ?2, revision = ?3 WHERE id = ?1",
                params![id, *a as i64, revision],
            )?,
            Moderation::Reply(text) => self.connection.execute(
                "UPDATE contributions SET reply = ?2, answered = ?3, revision = ?4 WHERE id = ?1",
                params![id, text, text.is_some() as i64, revision],
            )?,
            Moderation::MergeInto(into) => {
                if self.contribution(*into)?.is_none() || *into == id {
                    return Err(ParticipationError::NoContribution(*into));
                }
                self.connection.execute(
                    "UPDATE contributions SET merged_into = ?2, revision = ?3 WHERE id = ?1",
                    params![id, into, revision],
                )?
            }
        };
        if changed == 0 {
            return Err(ParticipationError::NoContribution(id));
        }
        Ok(())
    }

    fn changes(&mut self, revision: i64) -> Result<Changes> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM contributions WHERE revision > ?1 ORDER BY id"
        ))?;
        let contributions = statement
            .query_map([revision], row_to_contribution)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(statement);
        let now = self.next_revision()? - 1;
        Ok(Changes {
            contributions,
            revision: now,
        })
    }

    fn contribution(&mut self, id: i64) -> Result<Option<Contribution>> {
        Ok(self
            .connection
            .query_row(
                &format!("SELECT {COLUMNS} FROM contributions WHERE id = ?1"),
                [id],
                row_to_contribution,
            )
            .optional()?)
    }

    fn vote(
        &mut self,
        participant: &str,
        variant: &str,
        stars: u32,
        now_ms: i64,
    ) -> Result<VoteOutcome> {
        let before: Option<u32> = self
            .connection
            .query_row(
                "SELECT stars FROM votes WHERE participant = ?1 AND variant = ?2",
                params![participant, variant],
                |r| r.get(0),
            )
            .optional()?;
        if before == Some(stars) {
            return Ok(VoteOutcome::Same);
        }
        self.connection.execute(
            "INSERT INTO votes (participant, variant, stars, at_ms) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (participant, variant) DO UPDATE SET stars = excluded.stars, at_ms = excluded.at_ms",
            params![participant, variant, stars, now_ms],
        )?;
        Ok(if before.is_some() {
            VoteOutcome::Changed
        } else {
            VoteOutcome::New
        })
    }

    fn tally(&mut self) -> Result<Vec<VariantTally>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT variant, stars, COUNT(*) FROM votes GROUP BY variant, stars ORDER BY variant",
        )?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: Vec<VariantTally> = Vec::new();
        for (variant, stars, count) in rows {
            if !(1..=5).contains(&stars) {
                continue;
            }
            if out.last().map(|t| t.variant != variant).unwrap_or(true) {
                out.push(VariantTally {
                    variant,
                    stars: [0; 5],
                });
            }
            out.last_mut().expect("pushed above").stars[stars as usize - 1] = count;
        }
        Ok(out)
    }

    fn answer(
        &mut self,
        participant: &str,
        question: &str,
        value: u32,
        now_ms: i64,
    ) -> Result<VoteOutcome> {
        let before: Option<u32> = self
            .connection
            .query_row(
                "SELECT value FROM answers WHERE participant = ?1 AND question = ?2",
                params![participant, question],
                |r| r.get(0),
            )
            .optional()?;
        if before == Some(value) {
            return Ok(VoteOutcome::Same);
        }
        self.connection.execute(
            "INSERT INTO answers (participant, question, value, at_ms) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (participant, question) DO UPDATE SET value = excluded.value, at_ms = excluded.at_ms",
            params![participant, question, value, now_ms],
        )?;
        Ok(if before.is_some() {
            VoteOutcome::Changed
        } else {
            VoteOutcome::New
        })
    }

    fn answers(&mut self) -> Result<Vec<(String, u32, u32)>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT question, value, COUNT(*) FROM answers GROUP BY question, value ORDER BY question, value",
        )?;
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
