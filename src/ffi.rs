//! The C ABI, kept thin: check and convert arguments, call the store, write outputs, map errors.
//! Every export catches panics (ZTS_INTERNAL), checks every pointer, and writes its outputs only on
//! success. Strings it returns are owned by the caller and freed with `zts_string_free`.

#![allow(non_camel_case_types, clippy::missing_safety_doc)]

use crate::error::{Error, Result, Status};
use crate::options::Options;
use crate::store::Store;
use crate::token::{list_to_fields, list_to_json, Token};
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// An open token store. Opaque: create it with `zts_open`, release it with `zts_close`.
pub struct zts_store {
    store: Store,
}

/// Runs `body` behind the panic boundary and reports its outcome: the status, and on failure an owned
/// message in `*out_error` (set to NULL on success).
fn guard(out_error: *mut *mut c_char, body: impl FnOnce() -> Result<()>) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::internal(format!("zts bug: a panic was caught ({what}); please report it")))
    });
    let (status, message) = match outcome {
        Ok(()) => (Status::Ok, None),
        Err(e) => (e.status, Some(e.message)),
    };
    if !out_error.is_null() {
        let message = message.map_or(ptr::null_mut(), owned_c_string);
        // SAFETY: the caller passes NULL or a pointer to writable storage for one `char *`.
        unsafe { *out_error = message };
    }
    status as i32
}

fn owned_c_string(s: String) -> *mut c_char {
    let c = CString::new(s).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|b| *b != 0);
        CString::new(bytes).expect("NUL bytes removed")
    });
    c.into_raw()
}

/// Writes an owned string to an out pointer the caller may have left NULL.
unsafe fn put(out: *mut *mut c_char, value: String) {
    if !out.is_null() {
        *out = owned_c_string(value);
    }
}

/// Borrows a required C string argument as UTF-8.
unsafe fn text<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::invalid_argument(format!("{name} is NULL")));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        Error::invalid_argument(format!("{name} is not valid UTF-8 (bad byte at offset {})", e.valid_up_to()))
    })
}

unsafe fn store<'a>(p: *const zts_store) -> Result<&'a Store> {
    p.as_ref().map(|s| &s.store).ok_or_else(|| Error::invalid_argument("store is NULL"))
}

unsafe fn token(p: *const c_char) -> Result<Token> {
    Token::from_json(text(p, "token_json")?)
}

/// Borrows a required packed token argument (see `Token::from_fields`).
unsafe fn fields(p: *const c_char, len: usize) -> Result<Token> {
    if p.is_null() {
        return Err(Error::invalid_argument("fields is NULL"));
    }
    Token::from_fields(std::slice::from_raw_parts(p.cast(), len))
}

/// Where a call returns its token(s): as owned JSON text, or packed with its length.
#[derive(Clone, Copy)]
enum Out {
    Json(*mut *mut c_char),
    Fields(*mut *mut c_char, *mut usize),
}

impl Out {
    /// Refuses, before the call runs, a packed buffer asked for without its length (it could not be freed).
    fn check(self) -> Result<()> {
        match self {
            Out::Fields(out, len) if !out.is_null() && len.is_null() => {
                Err(Error::invalid_argument("out_fields_len is NULL but out_fields is not"))
            }
            _ => Ok(()),
        }
    }

    /// Writes one token; for the packed form nothing is written when it cannot be packed.
    unsafe fn token(self, token: &Token) -> Result<()> {
        match self {
            Out::Json(out) => put(out, token.to_json()),
            Out::Fields(out, len) => {
                put_fields(out, len, list_to_fields(std::slice::from_ref(token))?);
            }
        }
        Ok(())
    }
}

/// Writes a packed output: an owned buffer (NULL when empty) for `zts_fields_free`, and its length.
unsafe fn put_fields(out: *mut *mut c_char, out_len: *mut usize, bytes: Vec<u8>) {
    if out.is_null() {
        return;
    }
    *out_len = bytes.len();
    *out = if bytes.is_empty() { ptr::null_mut() } else { Box::into_raw(bytes.into_boxed_slice()).cast() };
}

/// The body of every call that returns one token (finds and saves, in every form): the store, then
/// `call` reads the arguments and runs.
unsafe fn token_call(
    store: *mut zts_store,
    out: Out,
    out_error: *mut *mut c_char,
    call: impl FnOnce(&Store) -> Result<Token>,
) -> i32 {
    guard(out_error, || {
        out.check()?;
        let token = call(self::store(store)?)?;
        out.token(&token)
    })
}

unsafe fn list_with(store: *mut zts_store, out: Out, out_error: *mut *mut c_char) -> i32 {
    guard(out_error, || {
        out.check()?;
        let store = self::store(store)?;
        match out {
            Out::Json(out) => put(out, list_to_json(&store.list()?)),
            Out::Fields(out, len) => put_fields(out, len, store.list_fields()?),
        }
        Ok(())
    })
}

/// Opens the token store at `location`: a file path, ":memory:" for a private in-memory store, or
/// "mysql://USER:PASSWORD@HOST:PORT/DATABASE?table=NAME" for a table on a MySQL/MariaDB server shared
/// by many hosts (user and password percent-encoded; table default "oauthtoken"; see docs/mysql.md).
/// The store (file or table) is created when it does not exist.
///
/// `options_json` may be NULL or a JSON object with any of: "busy_timeout_ms" (integer, default
/// 5000), "read_only" (bool, default false), "create" (bool, default true), "synchronous" (files only:
/// "auto", the default: every commit survives a power loss except an access-token refresh; "full":
/// every commit; "normal": none, a power loss may undo the latest commits; a killed process never
/// loses an acknowledged save under any setting); for mysql:// only: "password" (instead of one in the
/// location), "ssl_mode" ("disabled", "required", "verify_ca", "verify_identity"; default disabled on a
/// loopback host, required elsewhere) and "ssl_ca" (a PEM file); for both: "refresh_lead_ms" (integer,
/// default 5000: a token is due for a refresh when it expires within this many ms, the rule of the
/// caller's SDK; the C# SDK's is 5) and "refresh_lease_ms" (integer, default 15000: how long the first
/// caller that finds a due token may refresh it while other callers wait for its save; 0 turns refresh
/// coordination off). An unknown option, a wrong type or an option of the other kind of location gives
/// ZTS_INVALID_ARGUMENT.
///
/// On ZTS_OK `*out_store` receives a handle to release with `zts_close` (if `out_store` is NULL the
/// store is opened, checked and closed again). Statuses: ZTS_INVALID_ARGUMENT, ZTS_IO (missing
/// directory, permission, read-only file, a directory; for mysql://: server unreachable, access
/// denied, unknown database, TLS refused), ZTS_CORRUPT (empty, truncated or non-SQLite file),
/// ZTS_INCOMPATIBLE (a newer zts schema or another schema), ZTS_BUSY, ZTS_INTERNAL. A file or table
/// that is refused is never modified.
#[no_mangle]
pub unsafe extern "C" fn zts_open(
    location: *const c_char,
    options_json: *const c_char,
    out_store: *mut *mut zts_store,
    out_error: *mut *mut c_char,
) -> i32 {
    guard(out_error, || {
        let location = text(location, "location")?;
        let options = if options_json.is_null() { None } else { Some(text(options_json, "options_json")?) };
        let store = Store::open(location, &Options::from_json(options)?)?;
        if !out_store.is_null() {
            *out_store = Box::into_raw(Box::new(zts_store { store }));
        }
        Ok(())
    })
}

/// Closes a store and frees its handle. NULL is a no-op. Closing a handle while another thread is
/// still inside a call on it is the caller's bug (undefined behaviour), as is closing it twice.
#[no_mangle]
pub unsafe extern "C" fn zts_close(store: *mut zts_store) {
    if !store.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(store))));
    }
}

/// Saves a token (a JSON object, see the README) and returns the stored token in `*out_token_json`.
///
/// A token with an "id" updates that row; without one, the SDK rules find the row (user_name, else
/// access_token without client credentials, else grant_token, else refresh_token with them). On a
/// match, the token's non-null fields replace the stored ones. With no match the token is inserted
/// and, without an id, gets the next numeric id (never one a deleted token had). A save by id that
/// would give its row a user_name or token another row holds is refused. Statuses:
/// ZTS_INVALID_ARGUMENT, ZTS_INVALID_JSON, ZTS_INVALID_TOKEN (nothing to store, a bad id or
/// expiry_time, a second row for the user or token it matches on), ZTS_BUSY, ZTS_IO, ZTS_CORRUPT.
#[no_mangle]
pub unsafe extern "C" fn zts_save(
    store: *mut zts_store,
    token_json: *const c_char,
    out_token_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Json(out_token_json), out_error, |s| s.save(&token(token_json)?))
}

/// `zts_save` that never waits, for a caller that must not block (an event loop): where `zts_save`
/// would wait (for another writer's lock or for another thread's call on this handle; on a mysql://
/// store always, since its row locks may wait), it returns ZTS_BUSY at once and has written nothing;
/// the caller can then run `zts_save` on a worker thread. A save it makes may still sync to disk (see
/// "synchronous"). On a mysql:// store the try finds still make their round trip to the server.
#[no_mangle]
pub unsafe extern "C" fn zts_try_save(
    store: *mut zts_store,
    token_json: *const c_char,
    out_token_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Json(out_token_json), out_error, |s| s.try_save(&token(token_json)?))
}

/// Finds the stored token a query token matches, by the SDK rules of `zts_save`; a query with none of
/// their keys but an "id" matches by id. Returns the whole stored token in `*out_token_json`.
///
/// Refresh coordination: when the token is due for a refresh (it has a refresh token and client
/// credentials, and no access token or one expiring within "refresh_lead_ms"), the first caller gets
/// it and holds its refresh lease; a caller that finds it while the lease is live waits (at most two
/// lease periods, never holding the handle) until the holder saves a new access token, and gets that
/// token; or until the lease ends, and then holds the lease itself. A miss for a query that the caller's
/// SDK will exchange or refresh (a first start) is coordinated the same way: waiters get the token the
/// holder saves. Statuses: ZTS_NOT_FOUND, ZTS_INVALID_TOKEN (nothing to match on),
/// ZTS_INVALID_ARGUMENT, ZTS_INVALID_JSON, ZTS_BUSY, ZTS_IO, ZTS_CORRUPT.
#[no_mangle]
pub unsafe extern "C" fn zts_find(
    store: *mut zts_store,
    token_json: *const c_char,
    out_token_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Json(out_token_json), out_error, |s| s.find(&token(token_json)?))
}

/// Returns the token with this id in `*out_token_json`, coordinating its refresh as `zts_find` does.
/// Statuses: ZTS_NOT_FOUND, ZTS_INVALID_ARGUMENT (NULL, empty or non-UTF-8 id), ZTS_BUSY, ZTS_IO,
/// ZTS_CORRUPT.
#[no_mangle]
pub unsafe extern "C" fn zts_find_by_id(
    store: *mut zts_store,
    id: *const c_char,
    out_token_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Json(out_token_json), out_error, |s| s.find_by_id(text(id, "id")?))
}

/// `zts_find` that never waits: where `zts_find` would wait for another caller's refresh, it returns
/// ZTS_REFRESHING at once; where it would wait for anything else (as `zts_try_save`), ZTS_BUSY. For a
/// caller that must not block (an event loop): it can then run `zts_find` on a worker thread.
#[no_mangle]
pub unsafe extern "C" fn zts_try_find(
    store: *mut zts_store,
    token_json: *const c_char,
    out_token_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Json(out_token_json), out_error, |s| s.try_find(&token(token_json)?))
}

/// `zts_find_by_id` that never waits, as `zts_try_find`.
#[no_mangle]
pub unsafe extern "C" fn zts_try_find_by_id(
    store: *mut zts_store,
    id: *const c_char,
    out_token_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Json(out_token_json), out_error, |s| s.try_find_by_id(text(id, "id")?))
}

/// Returns the live refresh leases as a JSON array in `*out_leases_json`, each
/// {"id": the token's id (null for a first save), "key": "id" or the column a first save is matched on,
/// "holder": "pid N on HOST", "until_ms": epoch milliseconds}. No secret is in it.
#[no_mangle]
pub unsafe extern "C" fn zts_leases(
    store: *mut zts_store,
    out_leases_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    guard(out_error, || {
        let leases = self::store(store)?.leases()?;
        let json: Vec<serde_json::Value> = leases.iter().map(|l| l.to_json()).collect();
        put(out_leases_json, serde_json::Value::Array(json).to_string());
        Ok(())
    })
}

/// Returns every token, as a JSON array in numeric id order, in `*out_tokens_json`.
#[no_mangle]
pub unsafe extern "C" fn zts_list(
    store: *mut zts_store,
    out_tokens_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> i32 {
    list_with(store, Out::Json(out_tokens_json), out_error)
}

/// `zts_save` with the token packed instead of JSON, for bindings where JSON costs more than the store:
/// `fields` holds `fields_len` bytes, the ten values in the order id, user_name, client_id,
/// client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain,
/// each followed by one NUL byte; an absent value is empty (zero bytes before its NUL). The stored
/// token comes back in the same form: `*out_fields` (NULL only if it is empty) and `*out_fields_len`
/// bytes, owned by the caller and freed with `zts_fields_free`. A value cannot hold a NUL in this form
/// (the count of NULs would be wrong: ZTS_INVALID_ARGUMENT); a stored value holding one (written by
/// another program; zts refuses them) fails the call with ZTS_INVALID_TOKEN naming the key, and is read
/// with the JSON calls (for this save, the message says the token was saved). Values pass the JSON's
/// checks (UTF-8, ZTS_MAX_VALUE_BYTES), refused with ZTS_INVALID_ARGUMENT. `out_fields_len` may be
/// NULL only when `out_fields` is. Otherwise as `zts_save`.
#[no_mangle]
pub unsafe extern "C" fn zts_save_fields(
    store: *mut zts_store,
    fields: *const c_char,
    fields_len: usize,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    save_fields(store, fields, fields_len, Out::Fields(out_fields, out_fields_len), out_error, Store::save)
}

/// `zts_try_save` with the token and the result packed as in `zts_save_fields`.
#[no_mangle]
pub unsafe extern "C" fn zts_try_save_fields(
    store: *mut zts_store,
    fields: *const c_char,
    fields_len: usize,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    save_fields(store, fields, fields_len, Out::Fields(out_fields, out_fields_len), out_error, Store::try_save)
}

unsafe fn save_fields(
    store: *mut zts_store,
    fields: *const c_char,
    fields_len: usize,
    out: Out,
    out_error: *mut *mut c_char,
    save: fn(&Store, &Token) -> Result<Token>,
) -> i32 {
    guard(out_error, || {
        out.check()?;
        let saved = save(self::store(store)?, &self::fields(fields, fields_len)?)?;
        // The save is committed by now: a row that cannot be packed must not read as a failed save.
        out.token(&saved).map_err(|e| e.context("the token was saved, but it cannot be returned"))
    })
}

/// `zts_find` with the query and the result packed as in `zts_save_fields`.
#[no_mangle]
pub unsafe extern "C" fn zts_find_fields(
    store: *mut zts_store,
    fields: *const c_char,
    fields_len: usize,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Fields(out_fields, out_fields_len), out_error, |s| {
        s.find(&self::fields(fields, fields_len)?)
    })
}

/// `zts_try_find` with the query and the result packed as in `zts_save_fields`.
#[no_mangle]
pub unsafe extern "C" fn zts_try_find_fields(
    store: *mut zts_store,
    fields: *const c_char,
    fields_len: usize,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Fields(out_fields, out_fields_len), out_error, |s| {
        s.try_find(&self::fields(fields, fields_len)?)
    })
}

/// `zts_find_by_id` with the result packed as in `zts_save_fields`.
#[no_mangle]
pub unsafe extern "C" fn zts_find_by_id_fields(
    store: *mut zts_store,
    id: *const c_char,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Fields(out_fields, out_fields_len), out_error, |s| s.find_by_id(text(id, "id")?))
}

/// `zts_try_find_by_id` with the result packed as in `zts_save_fields`.
#[no_mangle]
pub unsafe extern "C" fn zts_try_find_by_id_fields(
    store: *mut zts_store,
    id: *const c_char,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    token_call(store, Out::Fields(out_fields, out_fields_len), out_error, |s| s.try_find_by_id(text(id, "id")?))
}

/// `zts_list` packed: every token's packed form (see `zts_save_fields`), one after another in numeric
/// id order, in `*out_fields` (NULL when there is no token) and `*out_fields_len` bytes; free it with
/// `zts_fields_free`.
#[no_mangle]
pub unsafe extern "C" fn zts_list_fields(
    store: *mut zts_store,
    out_fields: *mut *mut c_char,
    out_fields_len: *mut usize,
    out_error: *mut *mut c_char,
) -> i32 {
    list_with(store, Out::Fields(out_fields, out_fields_len), out_error)
}

/// Frees packed fields returned by a `_fields` call, given with the length the call returned. NULL is a
/// no-op. Never pass another pointer or length.
#[no_mangle]
pub unsafe extern "C" fn zts_fields_free(fields: *mut c_char, fields_len: usize) {
    if !fields.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            drop(Box::from_raw(ptr::slice_from_raw_parts_mut(fields.cast::<u8>(), fields_len)))
        }));
    }
}

/// Deletes the token with this id. Statuses: ZTS_NOT_FOUND (no such id, as the SDK FileStore),
/// ZTS_INVALID_ARGUMENT, ZTS_BUSY, ZTS_IO.
#[no_mangle]
pub unsafe extern "C" fn zts_delete(store: *mut zts_store, id: *const c_char, out_error: *mut *mut c_char) -> i32 {
    guard(out_error, || self::store(store)?.delete(text(id, "id")?))
}

/// `zts_delete` that never waits, as `zts_try_save` (ZTS_BUSY at once where it would wait).
#[no_mangle]
pub unsafe extern "C" fn zts_try_delete(store: *mut zts_store, id: *const c_char, out_error: *mut *mut c_char) -> i32 {
    guard(out_error, || self::store(store)?.try_delete(text(id, "id")?))
}

/// Deletes every token. Statuses: ZTS_INVALID_ARGUMENT, ZTS_BUSY, ZTS_IO.
#[no_mangle]
pub unsafe extern "C" fn zts_purge(store: *mut zts_store, out_error: *mut *mut c_char) -> i32 {
    guard(out_error, || self::store(store)?.purge().map(drop))
}

/// Frees a string returned by zts (a token, a list or an error message). NULL is a no-op. Never free
/// these with free(), and never pass a string zts did not return.
#[no_mangle]
pub unsafe extern "C" fn zts_string_free(s: *mut c_char) {
    if !s.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(CString::from_raw(s))));
    }
}

/// Copies packed fields returned by a `_fields` call into `dst` (room for `fields_len` bytes) and frees
/// them: `zts_fields_free` for a runtime that copies from its own buffers faster than it reads native
/// memory (Node's koffi). NULL `fields` is a no-op; NULL `dst` only frees.
#[no_mangle]
pub unsafe extern "C" fn zts_fields_take(fields: *mut c_char, fields_len: usize, dst: *mut c_char) {
    if !fields.is_null() && !dst.is_null() {
        ptr::copy_nonoverlapping(fields, dst, fields_len);
    }
    zts_fields_free(fields, fields_len);
}

/// The library's version ("MAJOR.MINOR.PATCH"), a static string: do not free it. Compare it with
/// ZTS_VERSION to check that the header and the loaded library agree.
#[no_mangle]
pub extern "C" fn zts_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of a status ("ZTS_NOT_FOUND" for 1), or "ZTS_UNKNOWN_STATUS" for a number zts does not
/// define. A static string: do not free it.
#[no_mangle]
pub extern "C" fn zts_status_name(status: i32) -> *const c_char {
    Status::from_code(status).map_or(c"ZTS_UNKNOWN_STATUS", Status::c_name).as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_zts_internal_with_a_message() {
        let mut error = ptr::null_mut();
        let status = guard(&mut error, || panic!("boom"));
        assert_eq!(status, Status::Internal as i32);
        let message = unsafe { CStr::from_ptr(error) }.to_str().unwrap().to_owned();
        unsafe { zts_string_free(error) };
        assert!(message.contains("panic") && message.contains("boom"), "{message}");
    }

    #[test]
    fn success_sets_the_error_to_null() {
        let mut error = ptr::dangling_mut::<c_char>(); // a sentinel the call must overwrite
        assert_eq!(guard(&mut error, || Ok(())), 0);
        assert!(error.is_null());
    }
}
