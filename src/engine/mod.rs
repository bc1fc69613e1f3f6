//! The storage engine behind a small trait: keyed lookups, a listing, and write transactions.
//! It knows nothing of the SDK rules (those live in `rules` and `store`), so another engine, such as a
//! networked one, only has to provide these primitives with the same atomicity.

#[cfg(feature = "mysql")]
pub mod mysql;
pub mod sqlite;
pub mod write_queue;

use crate::error::Result;
use crate::lease::Lease;
use crate::token::Token;

/// One exact-match lookup on one column. Values are never empty (empty means absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    Id(&'a str),
    UserName(&'a str),
    AccessToken(&'a str),
    GrantToken(&'a str),
    RefreshToken(&'a str),
}

impl Key<'_> {
    pub fn column(&self) -> &'static str {
        match self {
            Key::Id(_) => "id",
            Key::UserName(_) => "user_name",
            Key::AccessToken(_) => "access_token",
            Key::GrantToken(_) => "grant_token",
            Key::RefreshToken(_) => "refresh_token",
        }
    }

    pub fn value(&self) -> &str {
        match *self {
            Key::Id(v) | Key::UserName(v) | Key::AccessToken(v) | Key::GrantToken(v) | Key::RefreshToken(v) => v,
        }
    }

    /// Whether the token's column holds this key's value.
    pub fn is_held_by(&self, token: &Token) -> bool {
        let held = match self {
            Key::Id(_) => &token.id,
            Key::UserName(_) => &token.user_name,
            Key::AccessToken(_) => &token.access_token,
            Key::GrantToken(_) => &token.grant_token,
            Key::RefreshToken(_) => &token.refresh_token,
        };
        held.as_deref() == Some(self.value())
    }
}

/// The (column, value) pairs an update sets: the non-null fields of `changes`, id excepted. Only those:
/// rewriting unchanged indexed columns would cost an index update each.
pub fn columns_to_set(changes: &Token) -> Vec<(&'static str, &str)> {
    crate::token::FIELDS
        .iter()
        .zip(changes.values())
        .skip(1)
        .filter_map(|(column, value)| value.as_deref().map(|v| (*column, v)))
        .collect()
}

/// Reads that run on their own (each one statement, so each sees one consistent state).
pub trait Engine: Send {
    /// The first token (the earliest inserted) whose column equals the key's value.
    fn lookup(&mut self, key: Key<'_>) -> Result<Option<Token>>;
    /// The first token found by the keys, tried in order.
    fn lookup_first(&mut self, keys: &[Key<'_>]) -> Result<Option<Token>> {
        for key in keys {
            if let Some(found) = self.lookup(*key)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
    /// Every token in numeric id order.
    fn list(&mut self) -> Result<Vec<Token>>;
    /// The same, packed (see `Token::write_fields`). An engine may write the rows straight into it.
    fn list_fields(&mut self) -> Result<Vec<u8>> {
        crate::token::list_to_fields(&self.list()?)
    }
    /// The refresh lease with this key, live or not.
    fn lease(&mut self, key: &str) -> Result<Option<Lease>>;
    /// Every recorded refresh lease, live or not.
    fn leases(&mut self) -> Result<Vec<Lease>>;
    /// Starts a write transaction that holds the store's write lock until commit or drop (rollback).
    /// `needs_sync`: whether its commit must survive a power loss (the engine's options may add more).
    /// `wait`: false fails at once (`Error::would_wait`) where the lock is not free, instead of waiting
    /// up to the busy timeout.
    fn write(&mut self, needs_sync: bool, wait: bool) -> Result<Box<dyn WriteTxn + '_>>;
}

/// Operations inside a write transaction; nothing is visible to others until `commit`.
pub trait WriteTxn {
    fn lookup(&self, key: Key<'_>) -> Result<Option<Token>>;
    /// Says which keys `lookup` will be asked next, before any write: a networked engine reads them all
    /// in one round trip and answers those lookups from it. The default does nothing.
    fn prefetch(&self, _keys: &[Key<'_>]) -> Result<()> {
        Ok(())
    }
    /// The first token found by the keys, tried in order.
    fn lookup_first(&self, keys: &[Key<'_>]) -> Result<Option<Token>> {
        for key in keys {
            if let Some(found) = self.lookup(*key)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
    /// The largest numeric id the store has ever held, deleted ones included (0 when none). New ids
    /// count up from it, so an id is never issued twice.
    fn largest_id_ever(&self) -> Result<u64>;
    /// Adds a row; the token's id is set and not yet used.
    fn insert(&self, token: &Token) -> Result<()>;
    /// Sets the columns that `changes` holds (non-null, id excepted) in the row with this id.
    fn update(&self, id: &str, changes: &Token) -> Result<()>;
    /// Removes the row with this id; false when there was none.
    fn delete(&self, id: &str) -> Result<bool>;
    /// Removes every row and every lease; returns how many rows there were.
    fn purge(&self) -> Result<usize>;
    /// The refresh lease with this key, live or not.
    fn lease(&self, key: &str) -> Result<Option<Lease>>;
    /// Records a lease, replacing one with the same key; leases that ended before `now_ms` go.
    fn set_lease(&self, lease: &Lease, now_ms: i64) -> Result<()>;
    /// Ends the leases with these keys (absent ones are fine).
    fn end_leases(&self, keys: &[String]) -> Result<()>;
    /// Whether the commit will be as durable as a `needs_sync` write asked for under these options.
    /// When false, the caller drops this transaction and starts again at once with a sync, and the
    /// engine may keep its place in the write queue for that (the SQLite engine does).
    fn commit_as_durable_as_needed(&self) -> bool;
    fn commit(self: Box<Self>) -> Result<()>;
}
