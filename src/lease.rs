//! Refresh leases: many processes sharing one token refresh it once.
//!
//! Every SDK refreshes on its own when the token a find returns is about to expire, so every process
//! that looks during one refresh's round trip would refresh too (Zoho allows 10 access tokens per
//! refresh token in 10 minutes). The store sees every find and save, so it coordinates them:
//! - the first find that returns a token its SDK will refresh (`rules::will_refresh`) records a lease
//!   on that token in the store, visible to every process, and returns the token as before: its SDK
//!   refreshes and saves;
//! - a find of the same token while the lease is live waits, outside the handle's lock, re-reading
//!   the row, until the row no longer needs a refresh (the holder saved the new access token: the
//!   waiter gets it and its SDK makes no HTTP call) or the lease ends (the holder crashed or its
//!   refresh failed: the waiter takes the lease itself, so exactly one new refresh follows);
//! - the save that gives the token a new access token ends its lease; a delete or purge ends it too.
//!
//! A find that misses, for a query that its SDK will then exchange or refresh on its own (many
//! processes starting at once with the same refresh or grant token), is coordinated the same way on
//! the query's key, so the first start exchanges once too.
//!
//! Waiters poll: a read of one row by its index (a few µs, never blocking a writer in WAL mode), first
//! after 2 ms, backing off to every 25 ms, and never past the end of the lease they wait on. Nothing
//! here depends on the engine beyond the `Engine` trait, so every engine coordinates the same way.

use crate::engine::{Engine, Key};
use crate::error::{Error, Result};
use crate::options::Options;
use crate::rules;
use crate::token::Token;
use std::sync::MutexGuard;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A refresh lease as stored: who refreshes which token until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// `id:<id>` for a stored token; `<column>:<value>` for the first save of a token not yet stored.
    pub key: String,
    /// "pid 4242 on web-1": for people and tools, never compared.
    pub holder: String,
    /// Epoch milliseconds when the lease ends unless its token is saved first.
    pub until_ms: i64,
}

impl Lease {
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.until_ms > now_ms
    }

    /// The lease as JSON for `zts_leases`: the token id, or for a first save only the key's column
    /// (its value may be a secret).
    pub fn to_json(&self) -> serde_json::Value {
        let (id, key) = match self.key.split_once(':') {
            Some(("id", id)) => (Some(id), "id"),
            Some((column, _)) => (None, column),
            None => (None, ""),
        };
        serde_json::json!({ "id": id, "key": key, "holder": self.holder, "until_ms": self.until_ms })
    }
}

/// The lease key of a stored token.
pub fn row_key(id: &str) -> String {
    format!("id:{id}")
}

/// The lease key of a first save, by the first key a query is matched on.
fn first_save_key(key: &Key<'_>) -> String {
    format!("{}:{}", key.column(), key.value())
}

/// The leases that a save giving `row` a new access token ends: the row's own, and that of a first
/// save it completes (by any key a query may have been matched on).
pub fn keys_ended_by(row: &Token) -> Vec<String> {
    let id = row.id.as_deref().map(row_key);
    let first_saves = [
        row.user_name.as_deref().map(Key::UserName),
        row.grant_token.as_deref().map(Key::GrantToken),
        row.refresh_token.as_deref().map(Key::RefreshToken),
    ];
    id.into_iter().chain(first_saves.iter().flatten().map(first_save_key)).collect()
}

/// When a find coordinates refreshes, from the open options.
#[derive(Clone, Debug)]
pub struct Policy {
    /// A token refreshes when it expires within this many ms (the caller's SDK rule).
    lead_ms: i64,
    /// How long a lease lasts; `None` turns coordination off.
    lease_ms: Option<i64>,
    holder: String,
}

/// The outcome of one look at a token that may need a refresh.
#[allow(clippy::large_enum_variant)] // one per look, returned at once: boxing would only add an allocation
enum Look {
    /// Return this (None: not found).
    Done(Option<Token>),
    /// Another caller holds the lease with this key: look again no later than its end (epoch ms).
    Wait(String, i64),
}

const FIRST_POLL: Duration = Duration::from_millis(2);
const MAX_POLL: Duration = Duration::from_millis(25);

impl Policy {
    pub fn new(options: &Options) -> Policy {
        let lease_ms = (options.refresh_lease_ms > 0 && !options.read_only).then_some(options.refresh_lease_ms.into());
        Policy { lead_ms: options.refresh_lead_ms.into(), lease_ms, holder: holder() }
    }

    /// Finds the token by `keys` (tried in order), coordinating its refresh. `query` is the token a
    /// find was given (None for a find by id), whose own exchange or refresh is coordinated on a miss.
    /// `wait`: false makes a find that would wait fail at once with ZTS_REFRESHING instead (ZTS_BUSY
    /// where taking the lease would wait for the write lock). `engine` locks the handle.
    pub fn find<'e>(
        &self,
        engine: impl Fn() -> Result<MutexGuard<'e, Box<dyn Engine>>>,
        keys: &[Key<'_>],
        query: Option<&Token>,
        wait: bool,
    ) -> Result<Option<Token>> {
        let found = engine()?.lookup_first(keys)?;
        let Some(lease_ms) = self.lease_ms else { return Ok(found) };
        // The common case costs what a plain find costs: a token that is not due goes straight back.
        if self.lease_key(found.as_ref(), keys, query, now_ms()).is_none() {
            return Ok(found);
        }
        // A holder that failed is replaced by one waiter; the others then wait for that one, but no
        // find waits longer than two lease periods in all.
        let deadline = now_ms() + 2 * lease_ms;
        let mut poll = FIRST_POLL;
        loop {
            // The handle's lock is held for one look only, never while sleeping: other threads may
            // use the handle meanwhile, the lease holder's save included.
            let (lease_key, until) = match self.look(&mut **engine()?, keys, query, lease_ms, wait)? {
                Look::Done(token) => return Ok(token),
                Look::Wait(lease_key, until) => (lease_key, until),
            };
            if !wait {
                return Err(Error::refreshing(format!(
                    "{} is being refreshed by another caller; retry, or call the find that waits",
                    describe(&lease_key)
                )));
            }
            let now = now_ms();
            if now >= deadline {
                return engine()?.lookup_first(keys);
            }
            let left = Duration::from_millis((until.min(deadline) - now).max(1) as u64);
            std::thread::sleep(poll.min(left));
            poll = (poll * 2).min(MAX_POLL);
        }
    }

    /// The lease a find must respect, or None when the found token (or the miss) needs no refresh.
    fn lease_key(&self, found: Option<&Token>, keys: &[Key<'_>], query: Option<&Token>, now: i64) -> Option<String> {
        match found {
            Some(token) => rules::will_refresh(token, self.lead_ms, now).then(|| token.id.as_deref().map(row_key))?,
            None => rules::will_refresh(query?, self.lead_ms, now).then(|| keys.first().map(first_save_key))?,
        }
    }

    /// One look: the token needs no refresh (any more), or its lease is live (wait), or the lease is
    /// free: take it and return the token, for this caller's SDK to refresh.
    fn look(
        &self,
        engine: &mut dyn Engine,
        keys: &[Key<'_>],
        query: Option<&Token>,
        lease_ms: i64,
        wait: bool,
    ) -> Result<Look> {
        // Waiting is reads only; a lease that looks free is taken in a write transaction that checks
        // both again under the write lock.
        let found = engine.lookup_first(keys)?;
        let now = now_ms();
        let Some(lease_key) = self.lease_key(found.as_ref(), keys, query, now) else { return Ok(Look::Done(found)) };
        if let Some(lease) = engine.lease(&lease_key)?.filter(|l| l.is_live(now)) {
            return Ok(Look::Wait(lease_key, lease.until_ms));
        }
        let txn = engine.write(false, wait)?;
        let found = txn.lookup_first(keys)?;
        let now = now_ms();
        let Some(lease_key) = self.lease_key(found.as_ref(), keys, query, now) else { return Ok(Look::Done(found)) };
        if let Some(lease) = txn.lease(&lease_key)?.filter(|l| l.is_live(now)) {
            return Ok(Look::Wait(lease_key, lease.until_ms));
        }
        let lease = Lease { key: lease_key, holder: self.holder.clone(), until_ms: now + lease_ms };
        txn.set_lease(&lease, now)?;
        txn.commit()?;
        Ok(Look::Done(found))
    }
}

/// "token id 7", or "the first save by refresh_token" (never the key's value).
fn describe(lease_key: &str) -> String {
    match lease_key.split_once(':') {
        Some(("id", id)) => format!("token id {id}"),
        Some((column, _)) => format!("the first save by {column}"),
        None => String::from("an unknown key"),
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// "pid 4242 on web-1": who holds a lease, for people reading `zts_leases`.
fn holder() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim();
    if host.is_empty() {
        format!("pid {}", std::process::id())
    } else {
        format!("pid {} on {host}", std::process::id())
    }
}
