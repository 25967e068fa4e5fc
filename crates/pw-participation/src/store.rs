//! The workshop store: what every backend (the embedded SQLite file, the
//! PostgreSQL server of an online phase) keeps, behind one trait. Callers
//! check input first ([`crate::desk`]); a store only writes and reads.

use crate::error::Result;
use crate::model::{Contribution, NewContribution, VariantTally, VoteOutcome};

/// What a moderator does to a contribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Moderation {
    /// Hidden from the big screen, the phones and the report's public part.
    Hide(bool),
    /// Marked as answered (in the workshop or by the reply).
    Answered(bool),
    /// A reply shown under it; `None` takes it back.
    Reply(Option<String>),
    /// The same point was made in another contribution: shown there.
    MergeInto(i64),
    /// Not merged any more: listed on its own again.
    Unmerge,
}

/// Contributions that changed after a revision, and the revision now.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    pub contributions: Vec<Contribution>,
    pub revision: i64,
}

pub trait Store: Send {
    /// Starts a transaction; everything up to [`Store::commit`] is kept or
    /// lost together, and is on disk when `commit` returns.
    fn begin(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self) -> Result<()>;
    /// Inside a transaction: a point to go back to when one request fails,
    /// so it leaves nothing half-written while the others are kept.
    fn mark(&mut self) -> Result<()>;
    fn keep_mark(&mut self) -> Result<()>;
    fn undo_to_mark(&mut self) -> Result<()>;

    /// The workshop's link token, kept with the workshop: the one stored,
    /// or `proposed` when none is (or when `replace`). Phones keep their
    /// link when the program is restarted.
    fn workshop_token(&mut self, proposed: &str, replace: bool) -> Result<String>;

    fn add_participant(&mut self, token: &str, now_ms: i64) -> Result<()>;
    fn is_participant(&mut self, token: &str) -> Result<bool>;
    /// Stores it and returns its id; the same (participant, nonce) again
    /// returns the first one's id and stores nothing.
    fn add_contribution(&mut self, c: &NewContribution, now_ms: i64) -> Result<i64>;
    fn moderate(&mut self, id: i64, action: &Moderation, now_ms: i64) -> Result<()>;
    /// Everything changed (added or moderated) after `revision`, in id order.
    fn changes(&mut self, revision: i64) -> Result<Changes>;
    fn contribution(&mut self, id: i64) -> Result<Option<Contribution>>;

    /// One vote per participant and variant: stars 1–5.
    fn vote(
        &mut self,
        participant: &str,
        variant: &str,
        stars: u32,
        now_ms: i64,
    ) -> Result<VoteOutcome>;
    fn tally(&mut self) -> Result<Vec<VariantTally>>;
    /// One answer per participant and question.
    fn answer(
        &mut self,
        participant: &str,
        question: &str,
        value: u32,
        now_ms: i64,
    ) -> Result<VoteOutcome>;
    /// (question, value, count) for every answer given.
    fn answers(&mut self) -> Result<Vec<(String, u32, u32)>>;
}
