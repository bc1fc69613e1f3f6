//! The store: the six TokenStore operations, the SDK rules applied over an engine. One `Store` may be
//! shared by many threads; every read-modify-write runs in one engine write transaction, so processes
//! saving the same token at once leave one row and lose no update.

use crate::engine::{Engine, Key};
use crate::error::{shown, Error, Result};
use crate::options::Options;
use crate::rules;
use crate::sqlite::SqliteEngine;
use crate::token::Token;
use std::sync::{Mutex, MutexGuard};

pub struct Store {
    engine: Mutex<Box<dyn Engine>>,
}

impl Store {
    /// Opens (or creates) the SQLite store at `location`, or a private in-memory one for ":memory:".
    pub fn open(location: &str, options: &Options) -> Result<Store> {
        let engine = SqliteEngine::open(location, options)?;
        Ok(Store::with_engine(Box::new(engine)))
    }

    pub fn with_engine(engine: Box<dyn Engine>) -> Store {
        Store { engine: Mutex::new(engine) }
    }

    fn engine(&self) -> MutexGuard<'_, Box<dyn Engine>> {
        // A panic inside an operation rolls its transaction back, so the engine is still usable.
        self.engine.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The stored token the query matches (see `rules::find_keys`).
    pub fn find(&self, query: &Token) -> Result<Token> {
        let keys = rules::find_keys(query)?;
        let mut engine = self.engine();
        for key in &keys {
            if let Some(found) = engine.lookup(*key)? {
                return Ok(found);
            }
        }
        Err(Error::not_found(format!("no stored token matches the query's {}", describe(&keys))))
    }

    pub fn find_by_id(&self, id: &str) -> Result<Token> {
        rules::check_id_argument(id)?;
        self.engine().lookup(Key::Id(id))?.ok_or_else(|| no_such_id(id))
    }

    /// Every token, in numeric id order.
    pub fn list(&self) -> Result<Vec<Token>> {
        self.engine().list()
    }

    /// Saves a token and returns the stored row with its id. A token with an id updates that row;
    /// otherwise the SDK rules pick the row; with no match a new row is inserted.
    pub fn save(&self, token: &Token) -> Result<Token> {
        rules::check_values(token)?;
        let mut engine = self.engine();
        let txn = engine.write()?;
        let keys = match &token.id {
            Some(id) => vec![Key::Id(id)],
            None => rules::match_keys(token),
        };
        let mut existing = None;
        for key in &keys {
            existing = txn.lookup(*key)?;
            if existing.is_some() {
                break;
            }
        }
        let saved = match existing {
            Some(stored) => {
                let merged = rules::merge(&stored, token);
                txn.update(merged.id.as_deref().unwrap_or_default(), token)?;
                merged
            }
            None => {
                rules::check_insertable(token)?;
                let mut new = token.clone();
                match &token.id {
                    Some(id) => refuse_second_row(&*txn, token, id)?,
                    None => new.id = Some(rules::next_id(txn.max_numeric_id()?)),
                }
                txn.insert(&new)?;
                new
            }
        };
        txn.commit()?;
        Ok(saved)
    }

    pub fn delete(&self, id: &str) -> Result<()> {
        rules::check_id_argument(id)?;
        let mut engine = self.engine();
        let txn = engine.write()?;
        if !txn.delete(id)? {
            return Err(no_such_id(id));
        }
        txn.commit()
    }

    /// Removes every token; returns how many there were.
    pub fn purge(&self) -> Result<usize> {
        let mut engine = self.engine();
        let txn = engine.write()?;
        let removed = txn.purge()?;
        txn.commit()?;
        Ok(removed)
    }
}

/// A save with an unknown id would add a row; refuse it when the SDK rules find this token under
/// another id, since the store must never hold one user or token twice.
fn refuse_second_row(txn: &dyn crate::engine::WriteTxn, token: &Token, id: &str) -> Result<()> {
    for key in rules::match_keys(token) {
        if let Some(other) = txn.lookup(key)? {
            return Err(Error::invalid_token(format!(
                "no token has id {} but the token's {} is stored under id {}; save it without an id or with that id",
                shown(id),
                key.column(),
                shown(other.id.as_deref().unwrap_or("")),
            )));
        }
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
