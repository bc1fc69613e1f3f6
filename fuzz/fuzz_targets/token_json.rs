//! Arbitrary bytes as token JSON, through `zts::Token::from_json` and through the C ABI
//! (`zts_find`, `zts_save`, then `zts_find_by_id`, `zts_find`, `zts_list` on what was saved, and
//! `zts_purge`) on a fresh `:memory:` store for every input.
//!
//! Invariants (each a panic, i.e. a libFuzzer crash, when broken):
//! - every call returns a defined status 0..=8 (never ZTS_INTERNAL); a non-UTF-8 string gives
//!   ZTS_INVALID_ARGUMENT; the C ABI gives the status and message of `Token::from_json` for bad JSON;
//! - on the empty store the status is the one the README rules give (find: ZTS_NOT_FOUND when a rule
//!   applies, else ZTS_INVALID_TOKEN; save: ZTS_OK exactly when there is a credential, the id is
//!   canonical and expiry_time is an integer);
//! - on success the output is a JSON object with exactly the ten keys, values non-empty strings or
//!   null, holding what was saved; a saved token is found again, identical, by zts_find_by_id, by
//!   zts_find with the same JSON (when a find rule applies) and in zts_list;
//! - after zts_purge the list is empty, and the same token saved again gets id "2" (ids are never
//!   issued twice);
//! - `Token::from_json(t.to_json()) == t`;
//! - on failure the message is non-empty and no secret value (client_secret, refresh_token,
//!   access_token, grant_token) longer than 8 characters appears whole in it. A value that also
//!   occurs as a key or a non-secret value, or that the message still contains when that secret is
//!   replaced by a placeholder of the same length (so it is message text), is not counted.
#![no_main]

mod common;

use common::{c_prefix, c_string, check_list_json, check_token_json, Outcome, Store, SECRETS};
use libfuzzer_sys::fuzz_target;
use std::ops::Range;
use zts::error::{Status, ZTS_INVALID_ARGUMENT, ZTS_INVALID_TOKEN, ZTS_NOT_FOUND, ZTS_OK};
use zts::token::FIELDS;
use zts::Token;

fuzz_target!(|data: &[u8]| run(data));

fn run(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_rust_api(text);
    }
    check_c_abi(data);
}

/// `Token::from_json` on the whole input.
fn check_rust_api(text: &str) {
    match Token::from_json(text) {
        Ok(token) => {
            let json = token.to_json();
            let again =
                Token::from_json(&json).unwrap_or_else(|e| panic!("to_json output does not parse: {e}: {json}"));
            assert_eq!(again, token, "from_json(to_json(t)) != t");
            let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
            assert_eq!(map.len(), 10, "to_json has not ten keys: {json}");
            for value in token.values().into_iter().flatten() {
                assert!(!value.is_empty() && !value.contains('\0'), "a parsed value is empty or has NUL");
            }
        }
        Err(e) => {
            assert_eq!(e.status, Status::InvalidJson, "from_json failed with {:?}: {}", e.status, e.message);
            assert!(!e.message.trim().is_empty(), "from_json failed with an empty message");
            check_no_secret(text, &e.message, |raw| Token::from_json(raw).err().map(|e| e.message));
        }
    }
}

thread_local! {
    /// The store for the next input: fresh, or used only by inputs that changed nothing.
    static STORE: std::cell::RefCell<Option<Store>> = const { std::cell::RefCell::new(None) };
}

/// The C ABI on the bytes before the first NUL, on a store as good as fresh: every input starts on an
/// empty store that has never held a token (ids are never issued twice, even after a purge, so a
/// store that held one would make an input's outcome depend on the inputs before it). Opening a store
/// costs more than most inputs, so one is reused until an input saves a token.
fn check_c_abi(data: &[u8]) {
    let store = STORE.with(|s| s.borrow_mut().take()).unwrap_or_else(Store::memory);
    assert_eq!(store.list().out.as_deref(), Some("[]"), "an input that saved nothing left a token behind");
    let saved = check_c_abi_on(&store, data);
    if !saved {
        STORE.with(|s| *s.borrow_mut() = Some(store));
    }
}

/// Returns whether a token was saved.
fn check_c_abi_on(store: &Store, data: &[u8]) -> bool {
    let c = c_prefix(data);
    let parsed = std::str::from_utf8(c.as_bytes()).ok().map(|text| (text, Token::from_json(text)));

    let find = store.find(&c);
    match &parsed {
        None => assert_invalid_utf8("zts_find", &find),
        Some((_, Err(e))) => assert_same_error("zts_find", &find, e),
        Some((text, Ok(token))) => {
            let expected = if find_rule_applies(token) { ZTS_NOT_FOUND } else { ZTS_INVALID_TOKEN };
            assert_eq!(find.status, expected, "zts_find on an empty store: {:?}", find.error);
            check_no_secret(text, find.error.as_deref().unwrap(), |raw| Store::memory().find(&c_string(raw)).error);
        }
    }

    let save = store.save(&c);
    if std::env::var_os("ZTS_FUZZ_TRACE").is_some_and(|v| v == "1") {
        eprintln!("input: {:?}\nzts_find: {find:?}\nzts_save: {save:?}", String::from_utf8_lossy(c.as_bytes()));
    }
    match &parsed {
        None => assert_invalid_utf8("zts_save", &save),
        Some((_, Err(e))) => assert_same_error("zts_save", &save, e),
        Some((text, Ok(token))) => {
            let expected = if insertable(token) { ZTS_OK } else { ZTS_INVALID_TOKEN };
            assert_eq!(save.status, expected, "zts_save on an empty store: {:?}", save.error);
            if save.ok() {
                check_saved(store, &c, token, save.out.as_deref().unwrap());
            } else {
                check_no_secret(text, save.error.as_deref().unwrap(), |raw| Store::memory().save(&c_string(raw)).error);
            }
        }
    }
    assert!(store.purge().ok(), "zts_purge failed");
    assert_eq!(store.list().out.as_deref(), Some("[]"), "the list after zts_purge is not empty");
    // An id is never issued twice: saved again after the purge, a token without an id gets the next.
    if let (true, Some((_, Ok(token)))) = (save.ok(), &parsed) {
        if token.id.is_none() {
            let again = store.save(&c);
            assert!(again.ok(), "the same save after a purge failed: {:?}", again.error);
            let id = check_token_json(again.out.as_deref().unwrap())["id"].clone();
            assert_eq!(id, "2", "after a purge the next id must be 2, not the purged token's 1");
            assert!(store.purge().ok(), "zts_purge failed");
        }
    }
    save.ok()
}

fn assert_invalid_utf8(what: &str, outcome: &Outcome) {
    assert_eq!(outcome.status, ZTS_INVALID_ARGUMENT, "{what} with non-UTF-8 JSON: {:?}", outcome.error);
    assert!(outcome.error.as_deref().unwrap().contains("UTF-8"), "{what}: {:?}", outcome.error);
}

fn assert_same_error(what: &str, outcome: &Outcome, e: &zts::Error) {
    assert_eq!(outcome.status, e.status as i32, "{what}: status differs from Token::from_json");
    assert_eq!(outcome.error.as_deref(), Some(e.message.as_str()), "{what}: message differs from Token::from_json");
}

/// The README's find rules: user_name; else access_token without client credentials; else grant or
/// refresh token with both; else the id when none of those four keys is given.
fn find_rule_applies(t: &Token) -> bool {
    let rule_key =
        t.user_name.is_some() || t.access_token.is_some() || t.grant_token.is_some() || t.refresh_token.is_some();
    t.user_name.is_some()
        || (t.access_token.is_some() && t.client_id.is_none() && t.client_secret.is_none())
        || ((t.grant_token.is_some() || t.refresh_token.is_some())
            && t.client_id.is_some()
            && t.client_secret.is_some())
        || (!rule_key && t.id.is_some())
}

/// Whether a save on an empty store succeeds: a credential, a canonical id if any, an integer expiry.
fn insertable(t: &Token) -> bool {
    let credential = t.refresh_token.is_some() || t.grant_token.is_some() || t.access_token.is_some();
    let id_ok = t.id.as_deref().is_none_or(|id| {
        (1..=18).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0')
    });
    let expiry_ok = t.expiry_time.as_deref().is_none_or(|e| {
        let digits = e.strip_prefix('-').unwrap_or(e);
        (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    });
    credential && id_ok && expiry_ok
}

/// A successful save on an empty store: the output holds the token with id "1" (or its own id), and
/// is found again, identical, by id, by the same query and in the list.
fn check_saved(store: &Store, query: &std::ffi::CStr, token: &Token, saved: &str) {
    let map = check_token_json(saved);
    let mut expected = token.clone();
    expected.id.get_or_insert_with(|| "1".to_owned());
    for (field, value) in FIELDS.iter().zip(expected.values()) {
        assert_eq!(map[*field].as_str(), value.as_deref(), "saved {field} differs from the input: {saved}");
    }
    let id = expected.id.as_deref().unwrap();
    let by_id = store.find_by_id(&c_string(id));
    assert!(by_id.ok(), "a saved token is not found by its id {id:?}: {:?}", by_id.error);
    assert_eq!(by_id.out.as_deref(), Some(saved), "zts_find_by_id differs from what zts_save returned");
    if find_rule_applies(token) {
        let found = store.find(query);
        assert!(found.ok(), "a saved token is not found by the same JSON: {:?}", found.error);
        assert_eq!(found.out.as_deref(), Some(saved), "zts_find differs from what zts_save returned");
    }
    let list = store.list();
    assert!(list.ok(), "zts_list failed: {:?}", list.error);
    let listed = check_list_json(list.out.as_deref().unwrap());
    assert_eq!(listed.len(), 1, "one save on an empty store, but zts_list has {} tokens", listed.len());
    assert_eq!(listed[0], map, "zts_list differs from what zts_save returned");
}

/// A top-level value of the input object: its key, the byte range of its literal, and its text.
struct Entry {
    key: String,
    span: Range<usize>,
    value: Value,
}

enum Value {
    /// A string literal and its decoded text.
    Str(String),
    /// A number, as written.
    Num(String),
    Other,
}

/// Reads the top-level entries of a JSON object as far as it is well-formed (no error: it stops).
fn scan(raw: &str) -> Vec<Entry> {
    let b = raw.as_bytes();
    let mut entries = Vec::new();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    // The end (exclusive) of the string literal starting at b[start] == '"'.
    let string_end = |start: usize| -> Option<usize> {
        let mut j = start + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                b'"' => return Some(j + 1),
                _ => j += 1,
            }
        }
        None
    };
    ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return entries;
    }
    i += 1;
    loop {
        ws(&mut i);
        if b.get(i) != Some(&b'"') {
            return entries;
        }
        let Some(key_end) = string_end(i) else { return entries };
        let Ok(key) = serde_json::from_str::<String>(&raw[i..key_end]) else { return entries };
        i = key_end;
        ws(&mut i);
        if b.get(i) != Some(&b':') {
            return entries;
        }
        i += 1;
        ws(&mut i);
        let start = i;
        let value = match b.get(i) {
            None => return entries,
            Some(b'"') => {
                let Some(end) = string_end(i) else { return entries };
                i = end;
                match serde_json::from_str::<String>(&raw[start..end]) {
                    Ok(s) => Value::Str(s),
                    Err(_) => return entries,
                }
            }
            Some(_) => {
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'"' => match string_end(i) {
                            Some(end) => {
                                i = end;
                                continue;
                            }
                            None => return entries,
                        },
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' if depth > 0 => depth -= 1,
                        b',' | b'}' if depth == 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
                let text = raw[start..i].trim_end();
                i = start + text.len();
                if !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
                    Value::Num(text.to_owned())
                } else {
                    Value::Other
                }
            }
        };
        entries.push(Entry { key, span: start..i, value });
        ws(&mut i);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return entries,
        }
    }
}

/// No value of a secret field longer than 8 characters appears whole in `message`. `rerun` gives the
/// message for another input (None on success): it tells message text from an echoed secret.
fn check_no_secret(raw: &str, message: &str, mut rerun: impl FnMut(&str) -> Option<String>) {
    let entries = scan(raw);
    let is_secret = |e: &Entry| SECRETS.contains(&e.key.as_str());
    // Keys and non-secret values may be shown (ids, expiry_time, unknown keys): a secret that also
    // occurs there proves nothing.
    let mut public: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    for e in entries.iter().filter(|e| !is_secret(e)) {
        match &e.value {
            Value::Str(s) | Value::Num(s) => public.push(s),
            Value::Other => {}
        }
    }
    for e in entries.iter().filter(|e| is_secret(e)) {
        let secret = match &e.value {
            Value::Str(s) | Value::Num(s) => s,
            Value::Other => continue,
        };
        if secret.chars().count() <= 8 || !message.contains(secret.as_str()) {
            continue;
        }
        if public.iter().any(|p| p.contains(secret.as_str())) {
            continue;
        }
        // Replace every secret literal with this value by a placeholder of the same length: if the
        // message still contains the value, it is the message's own text.
        let fill = ['Q', 'Z', '#', 'k'].into_iter().find(|c| !secret.contains(*c)).unwrap();
        let mut rewritten = raw.to_owned();
        for other in entries.iter().rev().filter(|o| is_secret(o)) {
            let len = other.span.len();
            let replacement = match &other.value {
                Value::Str(s) if s == secret => format!("\"{}\"", fill.to_string().repeat(len - 2)),
                Value::Num(n) if n == secret => "7".repeat(len),
                _ => continue,
            };
            rewritten.replace_range(other.span.clone(), &replacement);
        }
        let again = rerun(&rewritten);
        assert!(
            again.as_deref().is_some_and(|m| m.contains(secret.as_str())),
            "the value of secret key {:?} appears whole in the error message.\nmessage: {message}\nvalue: {secret:?}\n\
             with the value replaced the message is: {again:?}",
            e.key
        );
    }
}
