//! The embedded store: one SQLite file per workshop, next to the scene.
//! WAL so the screen reads while phones write; `synchronous = FULL` so a
//! contribution a phone was told is saved survives a power cut.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

use crate::error::{ParticipationError, Result};
use crate::sql::{Cell, Param, Sql, SqlStore};

pub type SqliteStore = SqlStore<SqliteConnection>;

pub struct SqliteConnection(Connection);

impl SqlStore<SqliteConnection> {
    /// Opens (or makes) the workshop file.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let connection = Connection::open(path)
            .map_err(|e| ParticipationError::Store(format!("{}: {e}", path.display())))?;
        SqliteConnection::set_up(connection)
            .and_then(SqlStore::new)
            .map_err(|e| match e {
                ParticipationError::Store(m) => {
                    ParticipationError::Store(format!("{}: {m}", path.display()))
                }
                other => other,
            })
    }

    /// A store in memory, for tests and trying things out.
    pub fn in_memory() -> Result<SqliteStore> {
        SqlStore::new(SqliteConnection::set_up(Connection::open_in_memory()?)?)
    }
}

impl SqliteConnection {
    fn set_up(connection: Connection) -> Result<SqliteConnection> {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(SqliteConnection(connection))
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            Param::Real(Some(r)) => ToSqlOutput::Owned(Value::Real(*r)),
            Param::Text(Some(t)) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Param::Real(None) | Param::Text(None) => ToSqlOutput::Owned(Value::Null),
        })
    }
}

impl Sql for SqliteConnection {
    fn batch(&mut self, sql: &str) -> Result<()> {
        // IMMEDIATE: the write lock at the start, so a second program on the
        // same file waits at BEGIN instead of failing at COMMIT.
        let sql = if sql == "BEGIN" {
            "BEGIN IMMEDIATE"
        } else {
            sql
        };
        self.0.execute_batch(sql)?;
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64> {
        let mut statement = self.0.prepare_cached(sql)?;
        Ok(statement.execute(rusqlite::params_from_iter(params.iter()))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>> {
        let mut statement = self.0.prepare_cached(sql)?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = Vec::with_capacity(columns);
            for i in 0..columns {
                cells.push(match row.get_ref(i)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(n) => Cell::Int(n),
                    ValueRef::Real(r) => Cell::Real(r),
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => Cell::Null,
                });
            }
            out.push(cells);
        }
        Ok(out)
    }

    fn id_column(&self) -> &'static str {
        "INTEGER PRIMARY KEY"
    }
}
