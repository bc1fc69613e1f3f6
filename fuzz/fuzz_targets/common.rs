//! Shared by the fuzz targets: checked wrappers over the C ABI (every call's conventions are asserted
//! here) and the checks of a returned token.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use zts::ffi::*;
use zts::token::FIELDS;

/// The secret fields: their values must never appear whole in a message.
pub const SECRETS: [&str; 4] = ["client_secret", "refresh_token", "access_token", "grant_token"];

/// What one call gave back: its status, the owned output (on success) and the message (on failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: i32,
    pub out: Option<String>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.status == zts::error::ZTS_OK
    }
}

/// A value the call must overwrite (with NULL or a string) or leave alone; never dereferenced.
fn sentinel() -> *mut c_char {
    ptr::dangling_mut::<c_char>()
}

/// Takes ownership of a string zts returned, checking it is UTF-8, and frees it.
unsafe fn take(p: *mut c_char, what: &str) -> String {
    assert!(!p.is_null(), "{what}: NULL where a string was due");
    let s = CStr::from_ptr(p).to_str().unwrap_or_else(|_| panic!("{what}: zts returned a non-UTF-8 string")).to_owned();
    zts_string_free(p);
    s
}

/// Checks the conventions common to every call and converts its outputs.
/// `has_out`: the function has a JSON output. `asked_out`/`asked_error`: non-NULL out pointers given.
unsafe fn finish(
    what: &str,
    status: i32,
    has_out: bool,
    out: *mut c_char,
    asked_out: bool,
    error: *mut c_char,
    asked_error: bool,
) -> Outcome {
    assert!(
        (0..=8).contains(&status),
        "{what}: status {status} ({}) is not a defined non-internal status; error: {:?}",
        CStr::from_ptr(zts_status_name(status)).to_string_lossy(),
        if asked_error && error != sentinel() && !error.is_null() {
            CStr::from_ptr(error).to_string_lossy().into_owned()
        } else {
            String::new()
        }
    );
    let ok = status == 0;
    let out = if has_out && asked_out {
        if ok {
            assert!(out != sentinel(), "{what}: success but the output was not written");
            Some(take(out, what))
        } else {
            assert!(out == sentinel(), "{what}: failure (status {status}) but the output was written");
            None
        }
    } else {
        None
    };
    let error = if asked_error {
        assert!(error != sentinel(), "{what}: status {status} but *out_error was not written");
        if ok {
            assert!(error.is_null(), "{what}: success but *out_error is not NULL");
            None
        } else {
            let message = take(error, what);
            assert!(!message.trim().is_empty(), "{what}: status {status} with an empty message");
            Some(message)
        }
    } else {
        None
    };
    Outcome { status, out, error }
}

pub struct Store(pub *mut zts_store);

impl Store {
    pub fn memory() -> Store {
        let mut store = ptr::null_mut();
        let mut error = ptr::null_mut();
        // A 1 ms refresh lease: sequences with due tokens go through the lease paths (take, wait,
        // take over) without waiting long, and every find still returns what the model says.
        let options = c"{\"refresh_lease_ms\": 1}";
        let status = unsafe { zts_open(c":memory:".as_ptr(), options.as_ptr(), &mut store, &mut error) };
        assert_eq!(status, 0, "zts_open(:memory:) failed");
        assert!(!store.is_null());
        Store(store)
    }

    pub fn null() -> Store {
        Store(ptr::null_mut())
    }

    pub fn save(&self, json: &CStr) -> Outcome {
        self.save_with(Some(json), true, true)
    }

    /// zts_save with a NULL token (`json` None) or NULL out pointers when asked.
    pub fn save_with(&self, json: Option<&CStr>, want_out: bool, want_error: bool) -> Outcome {
        let (mut out, mut error) = (sentinel(), sentinel());
        let out_p: *mut *mut c_char = if want_out { &mut out } else { ptr::null_mut() };
        let error_p: *mut *mut c_char = if want_error { &mut error } else { ptr::null_mut() };
        unsafe {
            let status = zts_save(self.0, json.map_or(ptr::null(), CStr::as_ptr), out_p, error_p);
            finish("zts_save", status, true, out, want_out, error, want_error)
        }
    }

    pub fn find(&self, json: &CStr) -> Outcome {
        self.find_with(Some(json))
    }

    pub fn find_with(&self, json: Option<&CStr>) -> Outcome {
        let (mut out, mut error) = (sentinel(), sentinel());
        unsafe {
            let status = zts_find(self.0, json.map_or(ptr::null(), CStr::as_ptr), &mut out, &mut error);
            finish("zts_find", status, true, out, true, error, true)
        }
    }

    pub fn find_by_id(&self, id: &CStr) -> Outcome {
        self.find_by_id_with(Some(id))
    }

    pub fn find_by_id_with(&self, id: Option<&CStr>) -> Outcome {
        let (mut out, mut error) = (sentinel(), sentinel());
        unsafe {
            let status = zts_find_by_id(self.0, id.map_or(ptr::null(), CStr::as_ptr), &mut out, &mut error);
            finish("zts_find_by_id", status, true, out, true, error, true)
        }
    }

    pub fn list(&self) -> Outcome {
        let (mut out, mut error) = (sentinel(), sentinel());
        unsafe {
            let status = zts_list(self.0, &mut out, &mut error);
            finish("zts_list", status, true, out, true, error, true)
        }
    }

    pub fn delete(&self, id: &CStr) -> Outcome {
        self.delete_with(Some(id))
    }

    pub fn delete_with(&self, id: Option<&CStr>) -> Outcome {
        let mut error = sentinel();
        unsafe {
            let status = zts_delete(self.0, id.map_or(ptr::null(), CStr::as_ptr), &mut error);
            finish("zts_delete", status, false, ptr::null_mut(), false, error, true)
        }
    }

    pub fn purge(&self) -> Outcome {
        let mut error = sentinel();
        unsafe {
            let status = zts_purge(self.0, &mut error);
            finish("zts_purge", status, false, ptr::null_mut(), false, error, true)
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        unsafe { zts_close(self.0) }
    }
}

/// A C string of the bytes before the first NUL (what a C caller's string would be).
pub fn c_prefix(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("no NUL before end")
}

pub fn c_string(s: &str) -> CString {
    c_prefix(s.as_bytes())
}

/// Checks a returned token: a JSON object with exactly the ten keys, in the SDKs' column order, each
/// a non-empty string or null, the id a non-empty string. Returns it.
pub fn check_token_json(json: &str) -> serde_json::Map<String, serde_json::Value> {
    let value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("returned token is not JSON ({e}): {json}"));
    let map = check_token_value(&value, json);
    // The text itself carries the keys in the SDK order.
    let mut at = 0;
    for field in FIELDS {
        let needle = format!("\"{field}\":");
        let found = json[at..].find(&needle).unwrap_or_else(|| panic!("keys not in SDK order: {json}"));
        at += found + needle.len();
    }
    map
}

pub fn check_token_value(value: &serde_json::Value, json: &str) -> serde_json::Map<String, serde_json::Value> {
    let map = value.as_object().unwrap_or_else(|| panic!("returned token is not an object: {json}"));
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    // serde_json's Map is ordered by key here (no preserve_order), so compare as sets and count.
    assert_eq!(map.len(), 10, "returned token does not have exactly ten keys: {json}");
    for field in FIELDS {
        assert!(keys.contains(&field), "returned token lacks {field}: {json}");
    }
    for (key, v) in map {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => assert!(!s.is_empty(), "returned token has \"\" for {key}: {json}"),
            other => panic!("returned token has a non-string {other} for {key}: {json}"),
        }
    }
    assert!(map["id"].as_str().is_some_and(|id| !id.is_empty()), "returned token has no id: {json}");
    map.clone()
}

/// Checks a zts_list output: an array of tokens. Returns them.
pub fn check_list_json(json: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("zts_list output is not JSON ({e}): {json}"));
    let array = value.as_array().unwrap_or_else(|| panic!("zts_list output is not an array: {json}"));
    array.iter().map(|t| check_token_value(t, json)).collect()
}
