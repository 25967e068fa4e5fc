//! The store in SQL, once, for both backends: the schema and every query are
//! written here; a backend ([`crate::sqlite`], [`crate::postgres`]) only runs
//! a statement and hands back rows. Queries use `?1`-style placeholders and
//! `RETURNING`, which SQLite (≥ 3.35) and PostgreSQL both speak.

use crate::error::{ParticipationError, Result};
use crate::model::{
    Anchor, Category, Contribution, NewContribution, Source, VariantTally, ViewState, VoteOutcome,
};
use crate::store::{Changes, Moderation, Store};

/// A value going into a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    Int(i64),
    Real(Option<f64>),
    Text(Option<&'a str>),
}

/// A value coming out of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    fn int(&self) -> Result<i64> {
        match self {
            Cell::Int(i) => Ok(*i),
            other => Err(ParticipationError::Store(format!(
                "expected a whole number, found {other:?}"
            ))),
        }
    }

    fn real(&self) -> Option<f64> {
        match self {
            Cell::Real(r) => Some(*r),
            Cell::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
}

/// What a backend does: run statements, one connection, in order.
pub trait Sql: Send {
    /// Several statements without parameters (schema, BEGIN, COMMIT).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Rows changed.
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64>;
    fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>>;
    /// The column type of the generated ids (`INTEGER PRIMARY KEY` makes
    /// SQLite's row id; PostgreSQL needs an identity column).
    fn id_column(&self) -> &'static str;
}

/// Bumped when the tables change; a database from a newer program is refused.
const SCHEMA_VERSION: i64 = 1;

fn schema(id_column: &str) -> String {
    format!(
        "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (
    token TEXT PRIMARY KEY,
    joined_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS contributions (
    id {id_column},
    participant TEXT NOT NULL,
    nonce TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    x DOUBLE PRECISION, y DOUBLE PRECISION, z DOUBLE PRECISION,
    object TEXT,
    view TEXT NOT NULL,
    source TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    hidden BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    reply TEXT,
    merged_into BIGINT,
    revision BIGINT NOT NULL,
    UNIQUE (participant, nonce)
);
CREATE INDEX IF NOT EXISTS contributions_revision ON contributions (revision);
CREATE TABLE IF NOT EXISTS votes (
    participant TEXT NOT NULL,
    variant TEXT NOT NULL,
    stars BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (participant, variant)
);
CREATE TABLE IF NOT EXISTS answers (
    participant TEXT NOT NULL,
    question TEXT NOT NULL,
    value BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (participant, question)
);
"
    )
}

const COLUMNS: &str = "id, participant, text, category, x, y, z, object, view, source, \
                       created_ms, hidden, answered, reply, merged_into";

fn contribution(row: &[Cell]) -> Result<Contribution> {
    let anchor = match (row[4].real(), row[5].real()) {
        (Some(x), Some(y)) => Some(Anchor {
            x,
            y,
            z: row[6].real(),
            object: row[7].text(),
        }),
        _ => None,
    };
    let category = row[3].text().unwrap_or_default();
    let source = row[9].text().unwrap_or_default();
    Ok(Contribution {
        id: row[0].int()?,
        participant: row[1].text().unwrap_or_default(),
        text: row[2].text().unwrap_or_default(),
        // Written by this module from the enums; anything else is a database
        // edited by hand, read as the most neutral kind.
        category: Category::from_code(&category).unwrap_or(Category::Idee),
        anchor,
        view: serde_json::from_str::<ViewState>(&row[8].text().unwrap_or_default())
            .unwrap_or_default(),
        source: Source::from_code(&source).unwrap_or(Source::Table),
        created_ms: row[10].int()?,
        hidden: row[11].int()? != 0,
        answered: row[12].int()? != 0,
        reply: row[13].text(),
        merged_into: match &row[14] {
            Cell::Null => None,
            c => Some(c.int()?),
        },
    })
}

/// [`Store`] on any [`Sql`] backend.
pub struct SqlStore<S: Sql> {
    sql: S,
}

impl<S: Sql> SqlStore<S> {
    /// Makes the tables when they are missing; refuses a database written
    /// by a newer program.
    pub fn new(mut sql: S) -> Result<SqlStore<S>> {
        let id = sql.id_column();
        sql.batch(&schema(id))?;
        let version = sql.query("SELECT value FROM meta WHERE key = 'schema'", &[])?;
        match version
            .first()
            .and_then(|r| r[0].text())
            .and_then(|v| v.parse::<i64>().ok())
        {
            None => {
                sql.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1) ON CONFLICT DO NOTHING",
                    &[Param::Text(Some(&SCHEMA_VERSION.to_string()))],
                )?;
            }
            Some(v) if v > SCHEMA_VERSION => {
                return Err(ParticipationError::Store(format!(
                    "the workshop database was written by a newer Planwerkstatt (schema {v}); update the program"
                )));
            }
            Some(_) => {}
        }
        Ok(SqlStore { sql })
    }

    fn one_int(&mut self, sql: &str, params: &[Param]) -> Result<Option<i64>> {
        Ok(match self.sql.query(sql, params)?.first() {
            Some(row) => Some(row[0].int()?),
            None => None,
        })
    }

    fn next_revision(&mut self) -> Result<i64> {
        Ok(self
            .one_int(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM contributions",
                &[],
            )?
            .unwrap_or(1))
    }

    /// Upserts one row keyed by (participant, `key`) in `table`.
    fn upsert_choice(
        &mut self,
        (table, key, column): (&str, &str, &str),
        participant: &str,
        id: &str,
        value: u32,
        now_ms: i64,
    ) -> Result<VoteOutcome> {
        let before = self.one_int(
            &format!("SELECT {column} FROM {table} WHERE participant = ?1 AND {key} = ?2"),
            &[Param::Text(Some(participant)), Param::Text(Some(id))],
        )?;
        if before == Some(value as i64) {
            return Ok(VoteOutcome::Same);
        }
        self.sql.execute(
            &format!(
                "INSERT INTO {table} (participant, {key}, {column}, at_ms) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (participant, {key}) DO UPDATE SET {column} = excluded.{column}, \
                 at_ms = excluded.at_ms"
            ),
            &[
                Param::Text(Some(participant)),
                Param::Text(Some(id)),
                Param::Int(value as i64),
                Param::Int(now_ms),
            ],
        )?;
        Ok(if before.is_some() {
            VoteOutcome::Changed
        } else {
            VoteOutcome::New
        })
    }
}

impl<S: Sql> Store for SqlStore<S> {
    fn begin(&mut self) -> Result<()> {
        self.sql.batch("BEGIN")
    }

    fn commit(&mut self) -> Result<()> {
        self.sql.batch("COMMIT")
    }

    fn rollback(&mut self) -> Result<()> {
        self.sql.batch("ROLLBACK")
    }

    fn mark(&mut self) -> Result<()> {
        self.sql.batch("SAVEPOINT request")
    }

    fn keep_mark(&mut self) -> Result<()> {
        self.sql.batch("RELEASE SAVEPOINT request")
    }

    fn undo_to_mark(&mut self) -> Result<()> {
        self.sql
            .batch("ROLLBACK TO SAVEPOINT request; RELEASE SAVEPOINT request")
    }

    fn add_participant(&mut self, token: &str, now_ms: i64) -> Result<()> {
        self.sql.execute(
            "INSERT INTO participants (token, joined_ms) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            &[Param::Text(Some(token)), Param::Int(now_ms)],
        )?;
        Ok(())
    }

    fn workshop_token(&mut self, proposed: &str, replace: bool) -> Result<String> {
        let stored = self
            .sql
            .query("SELECT value FROM meta WHERE key = 'workshop_token'", &[])?
            .first()
            .and_then(|r| r[0].text())
            // A token edited into the file by hand must still be one.
            .filter(|t| {
                crate::limits::check_token(t, "workshop").is_ok()
                    && t.len() >= crate::limits::MIN_WORKSHOP_TOKEN_CHARS
            });
        match stored {
            Some(t) if !replace => Ok(t),
            _ => {
                self.sql.execute(
                    "INSERT INTO meta (key, value) VALUES ('workshop_token', ?1) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[Param::Text(Some(proposed))],
                )?;
                Ok(proposed.to_string())
            }
        }
    }

    fn is_participant(&mut self, token: &str) -> Result<bool> {
        Ok(self
            .one_int(
                "SELECT 1 FROM participants WHERE token = ?1",
                &[Param::Text(Some(token))],
            )?
            .is_some())
    }

    fn add_contribution(&mut self, c: &NewContribution, now_ms: i64) -> Result<i64> {
        if let Some(id) = self.one_int(
            "SELECT id FROM contributions WHERE participant = ?1 AND nonce = ?2",
            &[
                Param::Text(Some(&c.participant)),
                Param::Text(Some(&c.nonce)),
            ],
        )? {
            return Ok(id);
        }
        let revision = self.next_revision()?;
        let view = serde_json::to_string(&c.view).expect("a view state is plain data");
        let anchor = c.anchor.as_ref();
        let object = anchor.and_then(|a| a.object.as_deref());
        self.one_int(
            "INSERT INTO contributions (participant, nonce, text, category, x, y, z, object, \
             view, source, created_ms, revision) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
            &[
                Param::Text(Some(&c.participant)),
                Param::Text(Some(&c.nonce)),
                Param::Text(Some(&c.text)),
                Param::Text(Some(c.category.code())),
                Param::Real(anchor.map(|a| a.x)),
                Param::Real(anchor.map(|a| a.y)),
                Param::Real(anchor.and_then(|a| a.z)),
                Param::Text(object),
                Param::Text(Some(&view)),
                Param::Text(Some(c.source.code())),
                Param::Int(now_ms),
                Param::Int(revision),
            ],
        )?
        .ok_or_else(|| ParticipationError::Store("the insert returned no id".into()))
    }

    fn moderate(&mut self, id: i64, action: &Moderation, _now_ms: i64) -> Result<()> {
        let revision = self.next_revision()?;
        let changed = match action {
            Moderation::Hide(h) => self.sql.execute(
                "UPDATE contributions SET hidden = ?2, revision = ?3 WHERE id = ?1",
                &[Param::Int(id), Param::Int(*h as i64), Param::Int(revision)],
            )?,
            Moderation::Answered(a) => self.sql.execute(
                "UPDATE contributions SET answered = ?2, revision = ?3 WHERE id = ?1",
                &[Param::Int(id), Param::Int(*a as i64), Param::Int(revision)],
            )?,
            // A reply answers it; taking the reply back leaves "answered"
            // as the moderator set it.
            Moderation::Reply(Some(text)) => self.sql.execute(
                "UPDATE contributions SET reply = ?2, answered = 1, revision = ?3 WHERE id = ?1",
                &[
                    Param::Int(id),
                    Param::Text(Some(text)),
                    Param::Int(revision),
                ],
            )?,
            Moderation::Reply(None) => self.sql.execute(
                "UPDATE contributions SET reply = NULL, revision = ?2 WHERE id = ?1",
                &[Param::Int(id), Param::Int(revision)],
            )?,
            Moderation::Unmerge => self.sql.execute(
                "UPDATE contributions SET merged_into = NULL, revision = ?2 WHERE id = ?1",
                &[Param::Int(id), Param::Int(revision)],
            )?,
            Moderation::MergeInto(into) => {
                // The one kept is where `into` went itself, if it was merged
                // (no chains: the report shows merged ones under the kept one).
                let mut target = *into;
                for _ in 0..1000 {
                    match self.contribution(target)? {
                        None => return Err(ParticipationError::NoContribution(*into)),
                        Some(c) => match c.merged_into {
                            Some(next) if next != target => target = next,
                            _ => break,
                        },
                    }
                }
                if target == id {
                    return Err(ParticipationError::MergeIntoItself);
                }
                // Those merged into this one go along.
                self.sql.execute(
                    "UPDATE contributions SET merged_into = ?2, revision = ?3 WHERE merged_into = ?1",
                    &[Param::Int(id), Param::Int(target), Param::Int(revision)],
                )?;
                let into = &target;
                self.sql.execute(
                    "UPDATE contributions SET merged_into = ?2, revision = ?3 WHERE id = ?1",
                    &[Param::Int(id), Param::Int(*into), Param::Int(revision)],
                )?
            }
        };
        if changed == 0 {
            return Err(ParticipationError::NoContribution(id));
        }
        Ok(())
    }

    fn changes(&mut self, revision: i64) -> Result<Changes> {
        let rows = self.sql.query(
            &format!("SELECT {COLUMNS} FROM contributions WHERE revision > ?1 ORDER BY id"),
            &[Param::Int(revision)],
        )?;
        let contributions = rows
            .iter()
            .map(|r| contribution(r))
            .collect::<Result<Vec<_>>>()?;
        let now = self.next_revision()? - 1;
        Ok(Changes {
            contributions,
            revision: now,
        })
    }

    fn contribution(&mut self, id: i64) -> Result<Option<Contribution>> {
        let rows = self.sql.query(
            &format!("SELECT {COLUMNS} FROM contributions WHERE id = ?1"),
            &[Param::Int(id)],
        )?;
        rows.first().map(|r| contribution(r)).transpose()
    }

    fn vote(
        &mut self,
        participant: &str,
        variant: &str,
        stars: u32,
        now_ms: i64,
    ) -> Result<VoteOutcome> {
        self.upsert_choice(
            ("votes", "variant", "stars"),
            participant,
            variant,
            stars,
            now_ms,
        )
    }

    fn tally(&mut self) -> Result<Vec<VariantTally>> {
        let rows = self.sql.query(
            "SELECT variant, stars, COUNT(*) FROM votes GROUP BY variant, stars ORDER BY variant",
            &[],
        )?;
        let mut out: Vec<VariantTally> = Vec::new();
        for row in rows {
            let variant = row[0].text().unwrap_or_default();
            let (stars, count) = (row[1].int()?, row[2].int()?);
            if !(1..=5).contains(&stars) {
                continue;
            }
            if out.last().is_none_or(|t| t.variant != variant) {
                out.push(VariantTally {
                    variant,
                    stars: [0; 5],
                });
            }
            out.last_mut().expect("pushed above").stars[stars as usize - 1] = count as u32;
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
        self.upsert_choice(
            ("answers", "question", "value"),
            participant,
            question,
            value,
            now_ms,
        )
    }

    fn answers(&mut self) -> Result<Vec<(String, u32, u32)>> {
        let rows = self.sql.query(
            "SELECT question, value, COUNT(*) FROM answers GROUP BY question, value \
             ORDER BY question, value",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok((
                    r[0].text().unwrap_or_default(),
                    r[1].int()? as u32,
                    r[2].int()? as u32,
                ))
            })
            .collect()
    }
}
