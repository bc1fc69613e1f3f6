//! The store: the six TokenStore operations, the SDK rules applied over an engine. One `Store` may be
//! shared by many threads; every read-modify-write runs in one engine write transaction, so processes
//! saving the same token at once leave one row and lose no update. Finds coordinate refreshes through
//! `lease`.

use crate::engine::sqlite::SqliteEngine;
use crate::engine::{Engine, Key, WriteTxn};
use crate::error::{shown, Error, Result};
use crate::lease::{self, Lease, Policy};
use crate::options::{Options, MYSQL_ONLY, SQLITE_ONLY};
use crate::rules;
use crate::token::Token;
use std::sync::{Mutex, MutexGuard, TryLockError};

pub struct Store {
    engine: Mutex<Box<dyn Engine>>,
    refresh: Policy,
}

impl Store {
    /// Opens (or creates) the store at `location`: a table on a MySQL/MariaDB server for a
    /// `mysql://` location, else the SQLite file at that path, or a private in-memory one for ":memory:".
    pub fn open(location: &str, options: &Options) -> Result<Store> {
        if location.starts_with("mysql://") {
            options.refuse(&SQLITE_ONLY, "a mysql:// location (the server decides durability)")?;
            return Ok(Store::with_engine(open_mysql(location, options)?, options));
        }
        options.refuse(&MYSQL_ONLY, "a store file (it is for mysql:// locations)")?;
        let engine = SqliteEngine::open(location, options)?;
        Ok(Store::with_engine(Box::new(engine), options))
    }

    pub fn with_engine(engine: Box<dyn Engine>, options: &Options) -> Store {
        Store { engine: Mutex::new(engine), refresh: Policy::new(options) }
    }

    pub(crate) fn engine(&self) -> MutexGuard<'_, Box<dyn Engine>> {
        // A panic inside an operation rolls its transaction back, so the engine is still usable.
        self.engine.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The engine, for a call that waits (`wait`) or for one that may not: that one gets ZTS_BUSY at
    /// once when another thread's call holds the handle.
    fn engine_for(&self, wait: bool) -> Result<MutexGuard<'_, Box<dyn Engine>>> {
        if wait {
            return Ok(self.engine());
        }
        match self.engine.try_lock() {
            Ok(engine) => Ok(engine),
            Err(TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => Err(Error::would_wait("another thread's call on this store handle")),
        }
    }

    /// The stored token the query matches (see `rules::find_keys`). When it is due for a refresh that
    /// another caller is doing, waits for that caller's save (see `lease`).
    pub fn find(&self, query: &Token) -> Result<Token> {
        self.find_query(query, true)
    }

    /// The token with this id, waiting as `find` does.
    pub fn find_by_id(&self, id: &str) -> Result<Token> {
        self.find_id(id, true)
    }

    /// `find` that never waits: ZTS_REFRESHING where `find` would wait for another caller's refresh,
    /// ZTS_BUSY where it would wait for anything else (see `engine_for`, and the write lock when it
    /// takes a refresh lease).
    pub fn try_find(&self, query: &Token) -> Result<Token> {
        self.find_query(query, false)
    }

    /// `find_by_id` that never waits, as `try_find`.
    pub fn try_find_by_id(&self, id: &str) -> Result<Token> {
        self.find_id(id, false)
    }

    fn find_query(&self, query: &Token, wait: bool) -> Result<Token> {
        let keys = rules::find_keys(query)?;
        self.refresh
            .find(|| self.engine_for(wait), &keys, Some(query), wait)?
            .ok_or_else(|| Error::not_found(format!("no stored token matches the query's {}", describe(&keys))))
    }

    fn find_id(&self, id: &str, wait: bool) -> Result<Token> {
        rules::check_id_argument(id)?;
        self.refresh.find(|| self.engine_for(wait), &[Key::Id(id)], None, wait)?.ok_or_else(|| no_such_id(id))
    }

    /// Every token, in numeric id order.
    pub fn list(&self) -> Result<Vec<Token>> {
        self.engine().list()
    }

    /// The same, packed (see `Token::write_fields`).
    pub fn list_fields(&self) -> Result<Vec<u8>> {
        self.engine().list_fields()
    }

    /// The refresh leases live now: which token is being refreshed, by whom, until when.
    pub fn leases(&self) -> Result<Vec<Lease>> {
        let now = lease::now_ms();
        Ok(self.engine().leases()?.into_iter().filter(|l| l.is_live(now)).collect())
    }

    /// Saves a token and returns the stored row with its id. A token with an id updates that row;
    /// otherwise the SDK rules pick the row; with no match a new row is inserted.
    pub fn save(&self, token: &Token) -> Result<Token> {
        self.save_with(token, true)
    }

    /// `save` that never waits: ZTS_BUSY at once, having written nothing, where `save` would wait
    /// (see `engine_for`, and for the write lock). For an event loop, which then saves on a worker.
    pub fn try_save(&self, token: &Token) -> Result<Token> {
        self.save_with(token, false)
    }

    fn save_with(&self, token: &Token, wait: bool) -> Result<Token> {
        rules::check_values(token)?;
        let mut engine = self.engine_for(wait)?;
        // Most saves are access-token refreshes, which need no sync: try without one, and start again
        // with one when the save turns out to be more (rare, so the second lookup costs nothing).
        for needs_sync in [false, true] {
            let txn = engine.write(needs_sync, wait)?;
            let existing = find_row(&*txn, token)?;
            let refresh = existing.as_ref().is_some_and(|stored| rules::is_refresh(stored, token));
            if !refresh && !txn.commit_as_durable_as_needed() {
                continue; // dropping the transaction rolls it back
            }
            let saved = save_row(&*txn, existing, token)?;
            txn.commit()?;
            return Ok(saved);
        }
        unreachable!("a write that needs a sync is as durable as needed")
    }

    pub fn delete(&self, id: &str) -> Result<()> {
        self.delete_with(id, true)
    }

    /// `delete` that never waits, as `try_save`.
    pub fn try_delete(&self, id: &str) -> Result<()> {
        self.delete_with(id, false)
    }

    fn delete_with(&self, id: &str, wait: bool) -> Result<()> {
        rules::check_id_argument(id)?;
        let mut engine = self.engine_for(wait)?;
        let txn = engine.write(true, wait)?;
        if !txn.delete(id)? {
            return Err(no_such_id(id));
        }
        txn.end_leases(&[lease::row_key(id)])?;
        txn.commit()
    }

    /// Removes every token; returns how many there were.
    pub fn purge(&self) -> Result<usize> {
        let mut engine = self.engine();
        let txn = engine.write(true, true)?;
        let removed = txn.purge()?;
        txn.commit()?;
        Ok(removed)
    }
}

#[cfg(feature = "mysql")]
fn open_mysql(location: &str, options: &Options) -> Result<Box<dyn Engine>> {
    Ok(Box::new(crate::engine::mysql::MysqlEngine::open(location, options)?))
}

#[cfg(not(feature = "mysql"))]
fn open_mysql(_location: &str, _options: &Options) -> Result<Box<dyn Engine>> {
    Err(Error::invalid_argument("this zts was built without MySQL support (cargo feature \"mysql\")"))
}

/// The stored row a save applies to: by id when the token has one, else by the SDK rules.
pub(crate) fn find_row(txn: &dyn WriteTxn, token: &Token) -> Result<Option<Token>> {
    match &token.id {
        Some(id) => {
            // Saving by id then checks that no other row holds the token's keys (`refuse_second_row`).
            let keys: Vec<Key<'_>> = std::iter::once(Key::Id(id)).chain(rules::match_keys(token)).collect();
            txn.prefetch(&keys)?;
            txn.lookup(Key::Id(id))
        }
        None => txn.lookup_first(&rules::match_keys(token)),
    }
}

/// Writes the token (see `write_row`). A refresh (a new access token or a new expiry) ends the refresh
/// leases on the row: the expiry too, since a token endpoint may hand the same access token back.
pub(crate) fn save_row(txn: &dyn WriteTxn, existing: Option<Token>, token: &Token) -> Result<Token> {
    let changes = |new: &Option<String>, old: fn(&Token) -> &Option<String>| {
        new.is_some() && existing.as_ref().is_none_or(|row| old(row) != new)
    };
    let refreshed =
        changes(&token.access_token, |t| &t.access_token) || changes(&token.expiry_time, |t| &t.expiry_time);
    let saved = write_row(txn, existing, token)?;
    if refreshed {
        txn.end_leases(&lease::keys_ended_by(&saved))?;
    }
    Ok(saved)
}

/// Updates the existing row with the token's non-null fields, or inserts the token as a new row.
fn write_row(txn: &dyn WriteTxn, existing: Option<Token>, token: &Token) -> Result<Token> {
    match existing {
        Some(stored) => {
            let id = stored.id.as_deref().unwrap_or_default();
            if token.id.is_some() {
                refuse_second_row(txn, token, id, Some(&stored))?;
            }
            let merged = rules::merge(&stored, token);
            txn.update(id, token)?;
            Ok(merged)
        }
        None => {
            rules::check_insertable(token)?;
            let mut new = token.clone();
            match &token.id {
                Some(id) => refuse_second_row(txn, token, id, None)?,
                None => new.id = Some(rules::next_id(txn.largest_id_ever()?)),
            }
            txn.insert(&new)?;
            Ok(new)
        }
    }
}

/// A save by id writes the `stored` row with that id, or adds a row under it. Either way it is refused
/// when it would give the row a value of a key it matches on that another row holds: no save makes a
/// second row for the key it matches on. A value the row already holds gives it nothing new.
fn refuse_second_row(txn: &dyn WriteTxn, token: &Token, id: &str, stored: Option<&Token>) -> Result<()> {
    for key in rules::match_keys(token) {
        if stored.is_some_and(|row| key.is_held_by(row)) {
            continue;
        }
        let Some(other) = txn.lookup(key)? else { continue };
        let other_id = other.id.as_deref().unwrap_or("");
        let what = if stored.is_some() { "the token with id" } else { "no token has id" };
        return Err(Error::invalid_token(format!(
            "{what} {} but the token's {} is stored under id {}; one {} cannot be in two tokens",
            shown(id),
            key.column(),
            shown(other_id),
            key.column(),
        )));
    }
    Ok(())
}

fn no_such_id(id: &str) -> Error {
    Error::not_found(format!("no token has id {}", shown(id)))
}

/// "user_name", "grant_token or refresh_token": which keys a query was matched on (never their values,
/// which may be secrets).
fn describe(keys: &[Key<'_>]) -> String {
    keys.iter().map(|k| k.column()).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// An in-memory SQLite engine that records the `needs_sync` of every write it is asked for.
    struct Recording {
        inner: SqliteEngine,
        writes: Arc<Mutex<Vec<bool>>>,
    }

    impl Engine for Recording {
        fn lookup(&mut self, key: Key<'_>) -> Result<Option<Token>> {
            self.inner.lookup(key)
        }
        fn list(&mut self) -> Result<Vec<Token>> {
            self.inner.list()
        }
        fn lease(&mut self, key: &str) -> Result<Option<Lease>> {
            self.inner.lease(key)
        }
        fn leases(&mut self) -> Result<Vec<Lease>> {
            self.inner.leases()
        }
        fn write(&mut self, needs_sync: bool, wait: bool) -> Result<Box<dyn WriteTxn + '_>> {
            self.writes.lock().unwrap().push(needs_sync);
            self.inner.write(needs_sync, wait)
        }
    }

    fn token(json: &str) -> Token {
        Token::from_json(json).unwrap()
    }

    #[cfg(not(feature = "mysql"))]
    #[test]
    fn a_mysql_location_needs_the_mysql_feature() {
        let Err(e) = Store::open("mysql://u:secret@127.0.0.1/d", &Options::default()) else { panic!("opened") };
        assert_eq!(e.status, crate::error::Status::InvalidArgument);
        assert!(e.message.contains("feature \"mysql\"") && !e.message.contains("secret"), "{e}");
    }

    #[test]
    fn a_try_call_never_waits_for_another_threads_call_on_the_handle() {
        let store = Store::open(":memory:", &Options::default()).unwrap();
        store.save(&token(r#"{"user_name":"u","access_token":"A1"}"#)).unwrap();
        let refresh = token(r#"{"id":"1","access_token":"A2"}"#);
        let held = store.engine(); // as a call waiting for a lock on another thread holds it
        let busy = |what: &str, err: Error| {
            assert_eq!(err.status, crate::error::Status::Busy, "{what}: {err}");
            assert!(err.message.contains("another thread's call on this store handle"), "{what}: {err}");
        };
        let query = token(r#"{"user_name":"u"}"#);
        std::thread::scope(|scope| {
            busy("try_save", scope.spawn(|| store.try_save(&refresh)).join().unwrap().unwrap_err());
            busy("try_delete", scope.spawn(|| store.try_delete("1")).join().unwrap().unwrap_err());
            busy("try_find_by_id", scope.spawn(|| store.try_find_by_id("1")).join().unwrap().unwrap_err());
            busy("try_find", scope.spawn(|| store.try_find(&query)).join().unwrap().unwrap_err());
        });
        drop(held);
        assert_eq!(store.try_save(&refresh).unwrap().access_token.as_deref(), Some("A2"));
    }

    #[test]
    fn only_an_access_token_refresh_is_saved_without_a_sync() {
        let writes = Arc::new(Mutex::new(Vec::new()));
        let inner = SqliteEngine::open(":memory:", &Options::default()).unwrap();
        let store = Store::with_engine(Box::new(Recording { inner, writes: writes.clone() }), &Options::default());
        let taken = || std::mem::take(&mut *writes.lock().unwrap());

        let saved = store.save(&token(r#"{"client_id":"c","refresh_token":"R","access_token":"A1"}"#)).unwrap();
        assert_eq!(saved.id.as_deref(), Some("1"));
        assert_eq!(taken(), [false, true], "a new token: tried without a sync, then saved with one");

        store.save(&token(r#"{"id":"1","refresh_token":"R","access_token":"A2","expiry_time":"9"}"#)).unwrap();
        assert_eq!(taken(), [false], "a refresh: saved without a sync");
        assert_eq!(store.find_by_id("1").unwrap().access_token.as_deref(), Some("A2"));

        store.save(&token(r#"{"id":"1","refresh_token":"R2"}"#)).unwrap();
        assert_eq!(taken(), [false, true], "a new refresh token: saved with a sync");
        assert_eq!(store.find_by_id("1").unwrap().refresh_token.as_deref(), Some("R2"));

        store.delete("1").unwrap();
        assert_eq!(taken(), [true], "deletes always sync");
        assert_eq!(store.list().unwrap(), []);
    }
}
