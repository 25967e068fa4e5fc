//! The server option: the same tables and queries in PostgreSQL, for an
//! online phase in which many people take part over weeks. One desk writes a
//! workshop at a time, as with the file.

use std::str::FromStr;
use std::sync::Arc;

use postgres::Client;
use postgres::types::{ToSql, Type};

use crate::error::{ParticipationError, Result};
use crate::postgres_tls::{RustlsConnect, client_config, libpq_address};
use crate::sql::{Cell, Param, Sql, SqlStore};

pub type PostgresStore = SqlStore<PostgresConnection>;

pub struct PostgresConnection {
    client: Client,
    /// To connect again when the server or the network dropped us.
    config: postgres::Config,
    tls: RustlsConnect,
    /// For messages: where, without the password.
    place: String,
}

/// One desk writes a workshop at a time (revisions are counted by it): a
/// session lock, released when the connection ends.
const DESK_LOCK: &str = "SELECT pg_try_advisory_lock(hashtext('planwerkstatt-desk'))";

fn connect(config: &postgres::Config, tls: &RustlsConnect, place: &str) -> Result<Client> {
    let mut client = config.connect(tls.clone()).map_err(|e| {
        let mut why = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            why = format!("{why}: {s}");
            source = s.source();
        }
        let hint = if why.contains("certificate") {
            " (give the server's CA as sslrootcert=FILE in the address or in PGSSLROOTCERT)"
        } else {
            ""
        };
        ParticipationError::Store(format!("cannot reach PostgreSQL at {place}: {why}{hint}"))
    })?;
    // A desk just closed may still be letting go: wait a few seconds.
    let mut locked = false;
    for _ in 0..50 {
        locked = client
            .query_one(DESK_LOCK, &[])
            .map_err(postgres_error)?
            .get(0);
        if locked {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if !locked {
        return Err(ParticipationError::Store(format!(
            "another Planwerkstatt is already writing this workshop at {place}"
        )));
    }
    Ok(client)
}

impl SqlStore<PostgresConnection> {
    /// Connects with a libpq-style URL or key=value string, e.g.
    /// `postgresql://werkstatt@db.example/beteiligung` (password from the
    /// URL or `PGPASSWORD`), and makes the tables when missing.
    pub fn connect(url: &str) -> Result<PostgresStore> {
        let address = libpq_address(url);
        let tls = RustlsConnect(Arc::new(client_config(
            address.root_certificate.as_deref(),
        )?));
        let mut config = postgres::Config::from_str(&address.config).map_err(|e| {
            ParticipationError::Store(format!("the PostgreSQL address is not valid: {e}"))
        })?;
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        // Where, without the password, for the message.
        let place = format!(
            "{}:{} (database {})",
            config
                .get_hosts()
                .first()
                .map(|h| match h {
                    postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(path) => path.display().to_string(),
                })
                .unwrap_or_else(|| "localhost".into()),
            config.get_ports().first().copied().unwrap_or(5432),
            config.get_dbname().unwrap_or("default")
        );
        config.connect_timeout(std::time::Duration::from_secs(10));
        let client = connect(&config, &tls, &place)?;
        SqlStore::new(PostgresConnection {
            client,
            config,
            tls,
            place,
        })
    }
}

fn postgres_error(e: postgres::Error) -> ParticipationError {
    ParticipationError::Store(match e.as_db_error() {
        Some(db) => format!("PostgreSQL: {}", db.message()),
        None => format!("PostgreSQL: {e}"),
    })
}

/// `?1` → `$1`: the one place the two dialects differ in our queries.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn values(params: &[Param]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync> {
            match p {
                Param::Int(i) => Box::new(*i),
                Param::Real(r) => Box::new(*r),
                Param::Text(t) => Box::new(t.map(String::from)),
            }
        })
        .collect()
}

impl Sql for PostgresConnection {
    fn batch(&mut self, sql: &str) -> Result<()> {
        // A dropped connection (server restart, network) is taken up again
        // at the start of the next batch; nothing of an open one is lost
        // that was called saved, since saved means committed.
        if sql != "BEGIN" {
            return self.client.batch_execute(sql).map_err(postgres_error);
        }
        if self.client.is_closed() {
            self.client = connect(&self.config, &self.tls, &self.place)?;
        }
        match self.client.batch_execute(sql) {
            Ok(()) => Ok(()),
            // Terminated by the server while idle: we learn it only now.
            Err(e)
                if self.client.is_closed()
                    || e.is_closed()
                    || e.code() == Some(&postgres::error::SqlState::ADMIN_SHUTDOWN) =>
            {
                self.client = connect(&self.config, &self.tls, &self.place)?;
                self.client.batch_execute(sql).map_err(postgres_error)
            }
            Err(e) => Err(postgres_error(e)),
        }
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64> {
        let values = values(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        self.client
            .execute(&dollar_placeholders(sql), &refs)
            .map_err(postgres_error)
    }

    fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>> {
        let values = values(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        let rows = self
            .client
            .query(&dollar_placeholders(sql), &refs)
            .map_err(postgres_error)?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let kind = row.columns()[i].type_().clone();
                        let cell = if kind == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int))
                        } else if kind == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i)
                                .map(|v| v.map(|n| Cell::Int(n as i64)))
                        } else if kind == Type::FLOAT8 {
                            row.try_get::<_, Option<f64>>(i).map(|v| v.map(Cell::Real))
                        } else {
                            row.try_get::<_, Option<String>>(i)
                                .map(|v| v.map(Cell::Text))
                        };
                        cell.map(|c| c.unwrap_or(Cell::Null))
                            .map_err(postgres_error)
                    })
                    .collect()
            })
            .collect()
    }

    fn id_column(&self) -> &'static str {
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_change_and_question_marks_in_text_stay() {
        assert_eq!(
            dollar_placeholders("SELECT ?1, '?', ?12 WHERE a = ?2"),
            "SELECT $1, '?', $12 WHERE a = $2"
        );
    }
}
