//! Participation in a planning workshop, without the engine: contributions
//! anchored in the scene with the view they were made in, stars per variant,
//! the scene's short questions, moderation; the store (SQLite, one file per
//! workshop); the desk that checks and writes every request in turn; and the
//! small web server phones join by QR code.

pub mod desk;
pub mod error;
pub mod export;
pub mod limits;
pub mod model;
pub mod pictures;
pub mod postgres;
pub mod postgres_tls;
pub mod server;
pub mod sql;
pub mod sqlite;
pub mod store;
pub mod texts;
pub mod workshop;

pub use desk::{DeskHandle, Draft, Reply, Request, Tally, start_desk};
pub use error::{ParticipationError, Result};
pub use model::*;
pub use postgres::PostgresStore;
pub use server::{ServerLimits, WorkshopServer, lan_address};
pub use sqlite::SqliteStore;
pub use store::{Changes, Moderation, Store};
pub use workshop::{Area, VariantCard, Workshop, qr_modules};
