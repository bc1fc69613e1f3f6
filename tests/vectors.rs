//! Replays tests/vectors/store.json through the C ABI functions (the same vectors the C tests and the
//! bindings replay), on SQLite and, when tests/mysql/server.sh set ZTS_MYSQL_URL, on MySQL/MariaDB.

mod support;

use serde_json::{Map, Value};
use std::ffi::{c_char, CStr, CString};
use std::ptr;
use zts::ffi::*;

/// Takes an owned string from zts and frees it.
unsafe fn take(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let s = CStr::from_ptr(p).to_str().expect("zts returns UTF-8").to_owned();
    zts_string_free(p);
    Some(s)
}

fn status_name(code: i32) -> String {
    unsafe { CStr::from_ptr(zts_status_name(code)) }.to_str().unwrap().to_owned()
}

/// A returned token must have exactly the ten keys, each equal to the expected value or null.
fn check_token(actual: &Value, expected: &Value, at: &str) {
    let actual = actual.as_object().unwrap_or_else(|| panic!("{at}: not an object: {actual}"));
    let expected: &Map<String, Value> = expected.as_object().unwrap();
    assert_eq!(actual.len(), 10, "{at}: keys {:?}", actual.keys());
    for key in zts::token::FIELDS {
        let want = expected.get(key).cloned().unwrap_or(Value::Null);
        assert_eq!(actual.get(key), Some(&want), "{at}: key {key}");
    }
}

#[test]
fn shared_vectors() {
    replay(|_| ":memory:".to_owned());
}

/// The same vectors on MySQL, each case in a new table of its own.
#[test]
fn shared_vectors_on_mysql() {
    let Some(server) = support::MysqlServer::from_env() else { return };
    replay(|index| server.fresh_location(&format!("vectors_{index}")));
}

/// Replays every case on a new store at `location(case index)`.
fn replay(location: impl Fn(usize) -> String) {
    let doc: Value = serde_json::from_str(include_str!("vectors/store.json")).unwrap();
    let mut steps_run = 0;
    for (case_index, case) in doc["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let mut store = ptr::null_mut();
        let location = CString::new(location(case_index)).unwrap();
        let mut err = ptr::null_mut();
        let opened = unsafe { zts_open(location.as_ptr(), ptr::null(), &mut store, &mut err) };
        assert_eq!(opened, 0, "{name}: {:?}", unsafe { take(err) });
        for (index, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let at = format!("{name} / step {}", index + 1);
            let op = step["op"].as_str().unwrap();
            let arg = match (step.get("token"), step.get("json"), step.get("id")) {
                (Some(t), _, _) => Some(CString::new(t.to_string()).unwrap()),
                (_, Some(Value::String(j)), _) => Some(CString::new(j.as_str()).unwrap()),
                (_, _, Some(Value::String(id))) => Some(CString::new(id.as_str()).unwrap()),
                _ => None,
            };
            let arg_ptr = arg.as_ref().map_or(ptr::null(), |a| a.as_ptr());
            let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
            let status = unsafe {
                match op {
                    "save" => zts_save(store, arg_ptr, &mut out, &mut err),
                    "find" => zts_find(store, arg_ptr, &mut out, &mut err),
                    "find_by_id" => zts_find_by_id(store, arg_ptr, &mut out, &mut err),
                    "list" => zts_list(store, &mut out, &mut err),
                    "delete" => zts_delete(store, arg_ptr, &mut err),
                    "purge" => zts_purge(store, &mut err),
                    other => panic!("{at}: unknown op {other}"),
                }
            };
            let (out, err) = unsafe { (take(out), take(err)) };
            assert_eq!(status_name(status), step["status"].as_str().unwrap(), "{at}: error {err:?}");
            if status == 0 {
                assert!(err.is_none(), "{at}");
            } else {
                let err = err.unwrap_or_else(|| panic!("{at}: no error message"));
                assert!(!err.is_empty() && out.is_none(), "{at}");
                for s in step.get("error_contains").and_then(Value::as_array).into_iter().flatten() {
                    assert!(err.contains(s.as_str().unwrap()), "{at}: {err:?} lacks {s}");
                }
                for s in step.get("error_excludes").and_then(Value::as_array).into_iter().flatten() {
                    assert!(!err.contains(s.as_str().unwrap()), "{at}: {err:?} shows {s}");
                }
            }
            if let Some(expected) = step.get("result") {
                let actual: Value = serde_json::from_str(&out.unwrap_or_else(|| panic!("{at}: no output"))).unwrap();
                match expected {
                    Value::Array(items) => {
                        let got = actual.as_array().unwrap_or_else(|| panic!("{at}: not a list"));
                        assert_eq!(got.len(), items.len(), "{at}: {actual}");
                        for (a, e) in got.iter().zip(items) {
                            check_token(a, e, &at);
                        }
                    }
                    _ => check_token(&actual, expected, &at),
                }
            }
            steps_run += 1;
        }
        unsafe { zts_close(store) };
    }
    assert!(steps_run > 100, "only {steps_run} steps");
}
