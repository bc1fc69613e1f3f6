//! Regression tests for what the fuzz targets (fuzz/, run by `bash tests/fuzz/run.sh`) found. Each
//! replays the fuzzer's input, as the C ABI calls it made, on a `:memory:` store.

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use zts::error::{ZTS_INVALID_TOKEN, ZTS_OK};
use zts::ffi::*;

struct Store(*mut zts_store);

impl Store {
    fn memory() -> Store {
        let mut store = ptr::null_mut();
        assert_eq!(unsafe { zts_open(c":memory:".as_ptr(), ptr::null(), &mut store, ptr::null_mut()) }, ZTS_OK);
        Store(store)
    }

    /// zts_save: the status and the output (on success) or the message (on failure).
    fn save(&self, json: &str) -> (i32, String) {
        let json = CString::new(json).unwrap();
        let (mut out, mut error) = (ptr::null_mut(), ptr::null_mut());
        let status = unsafe { zts_save(self.0, json.as_ptr(), &mut out, &mut error) };
        (status, unsafe { take(if status == ZTS_OK { out } else { error }) })
    }

    fn find(&self, json: &str) -> (i32, String) {
        let json = CString::new(json).unwrap();
        let (mut out, mut error) = (ptr::null_mut(), ptr::null_mut());
        let status = unsafe { zts_find(self.0, json.as_ptr(), &mut out, &mut error) };
        (status, unsafe { take(if status == ZTS_OK { out } else { error }) })
    }

    fn list(&self) -> Vec<serde_json::Value> {
        let (mut out, mut error) = (ptr::null_mut(), ptr::null_mut());
        assert_eq!(unsafe { zts_list(self.0, &mut out, &mut error) }, ZTS_OK);
        serde_json::from_str(&unsafe { take(out) }).unwrap()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        unsafe { zts_close(self.0) }
    }
}

unsafe fn take(p: *mut c_char) -> String {
    assert!(!p.is_null());
    let s = CStr::from_ptr(p).to_str().unwrap().to_owned();
    zts_string_free(p);
    s
}

fn id_of(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json).unwrap()["id"].as_str().unwrap().to_owned()
}

/// The user names of the stored rows, checked unique.
fn assert_one_row_per_user(store: &Store) {
    let mut users: Vec<String> =
        store.list().iter().filter_map(|t| t["user_name"].as_str().map(str::to_owned)).collect();
    let named = users.len();
    users.sort();
    users.dedup();
    assert_eq!(users.len(), named, "two rows hold one user_name: {:?}", store.list());
}

/// Found by the abi_sequence target (input fuzz/seeds/abi_sequence/regression-dup-user-by-id, 37 bytes):
/// a save by the id of a stored row set a user_name that another row already held, leaving one user in
/// two rows; a find by that user then returned the older row. A save with an *unknown* id was already
/// refused in that case (ZTS_INVALID_TOKEN); a save with a known id must be refused too.
#[test]
fn a_save_by_id_does_not_give_a_second_row_a_stored_user_name() {
    let store = Store::memory();
    let (status, first) = store.save(
        r#"{"access_token":"1000.at-SECRET-1","client_secret":"cs-SECRET-alpha","grant_token":"1000.gt-SECRET-1","refresh_token":"1000.rt-SECRET-1"}"#,
    );
    assert_eq!(status, ZTS_OK, "{first}");
    assert_eq!(id_of(&first), "1");
    let (status, alice) = store.save(r#"{"user_name":"alice@example.com:1","refresh_token":"1000.rt-SECRET-2"}"#);
    assert_eq!(status, ZTS_OK, "{alice}");
    assert_eq!(id_of(&alice), "2");

    let (status, message) = store.save(r#"{"id":"1","user_name":"alice@example.com:1"}"#);
    assert_eq!(status, ZTS_INVALID_TOKEN, "saving user_name alice into row 1 while row 2 holds alice: {message}");
    assert!(message.contains("user_name") && !message.contains("SECRET"), "{message}");
    assert_one_row_per_user(&store);
    let (status, found) = store.find(r#"{"user_name":"alice@example.com:1"}"#);
    assert_eq!((status, id_of(&found)), (ZTS_OK, "2".to_owned()), "{found}");
}

/// The same with two named users: bob's row may not take alice's name.
#[test]
fn a_save_by_id_does_not_rename_a_user_to_another_stored_user() {
    let store = Store::memory();
    assert_eq!(store.save(r#"{"user_name":"alice@example.com:1","refresh_token":"1000.r1"}"#).0, ZTS_OK);
    assert_eq!(store.save(r#"{"user_name":"bob@example.com:2","refresh_token":"1000.r2"}"#).0, ZTS_OK);
    let (status, message) = store.save(r#"{"id":"2","user_name":"alice@example.com:1","access_token":"1000.a"}"#);
    assert_eq!(status, ZTS_INVALID_TOKEN, "{message}");
    assert_one_row_per_user(&store);

    // What must keep working: a save by id that keeps the row's own user_name (the SDK's refresh).
    let (status, saved) =
        store.save(r#"{"id":"2","user_name":"bob@example.com:2","access_token":"1000.a2","expiry_time":"1"}"#);
    assert_eq!((status, id_of(&saved)), (ZTS_OK, "2".to_owned()), "{saved}");
    // And renaming a row to a user name no row holds.
    let (status, saved) = store.save(r#"{"id":"2","user_name":"carol@example.com:3"}"#);
    assert_eq!(status, ZTS_OK, "{saved}");
    assert_one_row_per_user(&store);
}
