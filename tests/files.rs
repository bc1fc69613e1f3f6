//! Opening files: new, reopened, migrated, adopted from the SDK's schema, and every file zts must
//! refuse without touching it.

use rusqlite::Connection;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use zts::engine::sqlite::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
use zts::{Options, Status, Store, Token};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zts-files-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(path: &Path) -> zts::Result<Store> {
    Store::open(path.to_str().unwrap(), &Options::default())
}

fn open_with(path: &Path, json: &str) -> zts::Result<Store> {
    Store::open(path.to_str().unwrap(), &Options::from_json(Some(json)).unwrap())
}

fn token(json: &str) -> Token {
    Token::from_json(json).unwrap()
}

/// Opening must fail with `status` and a message containing `words`, leaving the file's bytes as
/// they were and creating no journal beside it.
fn assert_refused(path: &Path, status: Status, words: &[&str]) {
    let before = fs::read(path).ok();
    let err = open(path).err().unwrap_or_else(|| panic!("{} was opened", path.display()));
    assert_eq!(err.status, status, "{err}");
    for w in words {
        assert!(err.message.contains(w), "{err} lacks {w}");
    }
    assert_eq!(fs::read(path).ok(), before, "{} was modified", path.display());
    assert!(!Path::new(&format!("{}-wal", path.display())).exists(), "a WAL was created");
}

/// The schema as a list of SQL texts, to compare files.
fn user_version(path: &Path) -> (i32, i32) {
    let c = Connection::open(path).unwrap();
    let app: i32 = c.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
    let uv: i32 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    (app, uv)
}

#[test]
fn a_new_store_is_private_marked_in_wal_mode_and_persists() {
    let dir = temp_dir("new");
    let path = dir.join("tokens.db");
    let store = open(&path).unwrap();
    store.save(&token(r#"{"user_name":"u@x","access_token":"AT1"}"#)).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    drop(store);
    assert_eq!(user_version(&path), (APPLICATION_ID, SCHEMA_VERSION));
    let c = Connection::open(&path).unwrap();
    let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(c);
    let again = open(&path).unwrap();
    assert_eq!(again.find_by_id("1").unwrap().access_token.as_deref(), Some("AT1"));
    // nothing left behind by the atomic creation
    let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(names.iter().all(|n| n.to_string_lossy().starts_with("tokens.db")), "{names:?}");
}

#[test]
fn many_threads_creating_one_new_store_at_once_share_it() {
    let dir = temp_dir("create-race");
    let path = dir.join("tokens.db");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = open(&path).unwrap();
                store.save(&token(&format!(r#"{{"access_token":"AT{i}"}}"#))).unwrap();
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!(open(&path).unwrap().list().unwrap().len(), 8);
}

#[test]
fn files_that_are_not_stores_are_refused_untouched() {
    let dir = temp_dir("refuse");

    let empty = dir.join("empty.db");
    fs::write(&empty, b"").unwrap();
    assert_refused(&empty, Status::Corrupt, &["empty", "empty.db"]);

    let text = dir.join("notes.txt");
    fs::write(&text, "id,user_name\n1,u\n".repeat(100)).unwrap();
    assert_refused(&text, Status::Corrupt, &["not an SQLite database"]);

    let short_header = dir.join("short.db");
    fs::write(&short_header, b"SQLite format 3\0").unwrap();
    assert_refused(&short_header, Status::Corrupt, &["not an SQLite database"]);

    let other = dir.join("other.db");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE users (id INTEGER, name TEXT);").unwrap();
    assert_refused(&other, Status::Incompatible, &["another schema", "users"]);

    let wrong_columns = dir.join("columns.db");
    Connection::open(&wrong_columns).unwrap().execute_batch("CREATE TABLE oauthtoken (id TEXT, token TEXT);").unwrap();
    assert_refused(&wrong_columns, Status::Incompatible, &["columns (id, token)"]);

    let foreign = dir.join("foreign.db");
    Connection::open(&foreign).unwrap().execute_batch("PRAGMA application_id = 42; CREATE TABLE t (x);").unwrap();
    assert_refused(&foreign, Status::Incompatible, &["another application"]);

    let directory = dir.join("a-directory");
    fs::create_dir(&directory).unwrap();
    let err = open(&directory).err().unwrap();
    assert_eq!((err.status, err.message.contains("directory")), (Status::Io, true), "{err}");
}

#[test]
fn a_truncated_store_is_refused_untouched() {
    let dir = temp_dir("truncated");
    let path = dir.join("tokens.db");
    let store = open(&path).unwrap();
    for i in 0..2000 {
        store
            .save(&token(&format!(r#"{{"user_name":"user{i}@example.com","access_token":"{}"}}"#, "a".repeat(200))))
            .unwrap();
    }
    drop(store); // the last close checkpoints the WAL into the file
    let len = fs::metadata(&path).unwrap().len();
    let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len / 2 / 4096 * 4096).unwrap();
    drop(file);
    assert_refused(&path, Status::Corrupt, &["truncated"]);
}

#[test]
fn a_store_from_a_newer_zts_is_refused_untouched() {
    let dir = temp_dir("newer");
    let path = dir.join("tokens.db");
    open(&path).unwrap().save(&token(r#"{"access_token":"AT1"}"#)).unwrap();
    Connection::open(&path).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    assert_refused(&path, Status::Incompatible, &["newer"]);
}

#[test]
fn a_store_of_an_older_schema_is_migrated_in_place() {
    let dir = temp_dir("older");
    let path = dir.join("tokens.db");
    let c = Connection::open(&path).unwrap();
    c.execute_batch(MIGRATIONS[0]).unwrap();
    c.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 1;")).unwrap();
    for i in 1..=12 {
        c.execute("INSERT INTO oauthtoken (id, access_token) VALUES (?1, ?2)", (i.to_string(), format!("AT{i}")))
            .unwrap();
    }
    drop(c);
    let store = open(&path).unwrap();
    assert_eq!(store.list().unwrap().len(), 12);
    assert_eq!(store.save(&token(r#"{"access_token":"new"}"#)).unwrap().id.as_deref(), Some("13"));
    drop(store);
    assert_eq!(user_version(&path), (APPLICATION_ID, SCHEMA_VERSION));
    let c = Connection::open(&path).unwrap();
    let index: i64 = c
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'oauthtoken_numeric_id'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(index, 1);
}

/// The table the SDK's DBStore documentation and the published SQLite example create.
const SDK_TABLE: &str = "CREATE TABLE oauthtoken (id varchar(10) NOT NULL, user_name varchar(255),
    client_id varchar(255), client_secret varchar(255), refresh_token varchar(255),
    access_token varchar(255), grant_token varchar(255), expiry_time varchar(20),
    redirect_url varchar(255), api_domain varchar(255), primary key (id));";

#[test]
fn an_sdk_made_table_is_adopted_with_its_rows() {
    let dir = temp_dir("adopt");
    let path = dir.join("sdk.db");
    let c = Connection::open(&path).unwrap();
    c.execute_batch(SDK_TABLE).unwrap();
    for i in 1..=11 {
        c.execute(
            "INSERT INTO oauthtoken VALUES (?1, ?2, 'cid', 'csec', ?3, 'AT', NULL, '4102444839397', NULL, 'https://www.zohoapis.com')",
            (i.to_string(), format!("user{i}@x:777"), format!("RT{i}")),
        )
        .unwrap();
    }
    drop(c);
    let store = open(&path).unwrap();
    let all = store.list().unwrap();
    let ids: Vec<_> = all.iter().map(|t| t.id.clone().unwrap()).collect();
    assert_eq!(ids, (1..=11).map(|i| i.to_string()).collect::<Vec<_>>(), "numeric order");
    let found = store.find(&token(r#"{"user_name":"user10@x:777"}"#)).unwrap();
    assert_eq!(found.refresh_token.as_deref(), Some("RT10"));
    // the SDK DBStore would issue "10" again here (text max is "9")
    assert_eq!(store.save(&token(r#"{"access_token":"new"}"#)).unwrap().id.as_deref(), Some("12"));
    drop(store);
    assert_eq!(user_version(&path), (APPLICATION_ID, SCHEMA_VERSION));
}

#[test]
fn an_sdk_table_with_integer_ids_or_duplicates() {
    let dir = temp_dir("adopt-variants");
    let ints = dir.join("ints.db");
    let c = Connection::open(&ints).unwrap();
    c.execute_batch(&SDK_TABLE.replace("id varchar(10) NOT NULL", "id INTEGER NOT NULL")).unwrap();
    c.execute("INSERT INTO oauthtoken (id, access_token) VALUES (7, 'AT7')", []).unwrap();
    drop(c);
    let store = open(&ints).unwrap();
    assert_eq!(store.find_by_id("7").unwrap().access_token.as_deref(), Some("AT7"));
    assert_eq!(store.save(&token(r#"{"access_token":"AT8"}"#)).unwrap().id.as_deref(), Some("8"));

    let dupes = dir.join("dupes.db");
    let c = Connection::open(&dupes).unwrap();
    c.execute_batch(&SDK_TABLE.replace(", primary key (id)", "")).unwrap();
    c.execute_batch("INSERT INTO oauthtoken (id, access_token) VALUES ('1', 'a'), ('1', 'b');").unwrap();
    drop(c);
    assert_refused(&dupes, Status::Incompatible, &["twice"]);
    assert_eq!(user_version(&dupes), (0, 0), "the failed adoption was rolled back");
}

/// The indexes on oauthtoken, SQLite's own (the primary key's) included, by name.
fn indexes(path: &Path) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut stmt = c.prepare("SELECT name FROM pragma_index_list('oauthtoken') ORDER BY name").unwrap();
    let names = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<Vec<String>>>().unwrap();
    names
}

#[test]
fn ids_are_indexed_once_and_stay_unique() {
    let dir = temp_dir("id-index");
    let path = dir.join("tokens.db");
    open(&path).unwrap().save(&token(r#"{"access_token":"AT1"}"#)).unwrap();
    let new_store = indexes(&path);
    assert!(new_store.contains(&"sqlite_autoindex_oauthtoken_1".to_owned()), "{new_store:?}");
    assert!(!new_store.contains(&"oauthtoken_id".to_owned()), "{new_store:?}");

    // A store made by a zts that kept both: a read-only open leaves it, the next write open drops it.
    Connection::open(&path).unwrap().execute_batch("CREATE UNIQUE INDEX oauthtoken_id ON oauthtoken(id)").unwrap();
    open_with(&path, r#"{"read_only":true}"#).unwrap();
    assert!(indexes(&path).contains(&"oauthtoken_id".to_owned()));
    // Nor does an open while another program holds the write lock past the timeout: it opens anyway.
    let writer = Connection::open(&path).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let while_locked = open_with(&path, r#"{"busy_timeout_ms":50}"#).unwrap();
    assert_eq!(while_locked.find_by_id("1").unwrap().access_token.as_deref(), Some("AT1"));
    drop((while_locked, writer));
    assert!(indexes(&path).contains(&"oauthtoken_id".to_owned()));
    let store = open(&path).unwrap();
    assert_eq!(indexes(&path), new_store);
    assert_eq!(store.find_by_id("1").unwrap().access_token.as_deref(), Some("AT1"));
    drop(store);
    assert_eq!(user_version(&path), (APPLICATION_ID, SCHEMA_VERSION));
    let duplicate = "INSERT INTO oauthtoken (id, access_token) VALUES ('1', 'other')";
    assert!(Connection::open(&path).unwrap().execute(duplicate, []).is_err(), "the primary key keeps ids unique");

    // A table adopted without a primary key keeps zts's unique index: it is its only one on id.
    let bare = dir.join("bare.db");
    let c = Connection::open(&bare).unwrap();
    c.execute_batch(&SDK_TABLE.replace(", primary key (id)", "")).unwrap();
    c.execute("INSERT INTO oauthtoken (id, access_token) VALUES ('1', 'AT1')", []).unwrap();
    drop(c);
    open(&bare).unwrap().save(&token(r#"{"access_token":"AT2"}"#)).unwrap();
    open(&bare).unwrap();
    assert!(indexes(&bare).contains(&"oauthtoken_id".to_owned()), "{:?}", indexes(&bare));
    assert!(Connection::open(&bare).unwrap().execute(duplicate, []).is_err(), "oauthtoken_id keeps ids unique");
}

#[test]
fn an_empty_sqlite_database_becomes_a_store() {
    let dir = temp_dir("empty-sqlite");
    let path = dir.join("blank.db");
    Connection::open(&path).unwrap().execute_batch("VACUUM;").unwrap();
    assert!(fs::metadata(&path).unwrap().len() > 0);
    open(&path).unwrap().save(&token(r#"{"access_token":"AT1"}"#)).unwrap();
    assert_eq!(user_version(&path), (APPLICATION_ID, SCHEMA_VERSION));
}

#[test]
fn io_errors_name_the_path() {
    let dir = temp_dir("io");
    let missing_dir = dir.join("no/such/dir/tokens.db");
    let err = open(&missing_dir).err().unwrap();
    assert_eq!(err.status, Status::Io);
    assert!(err.message.contains("no/such/dir"), "{err}");

    let missing = dir.join("missing.db");
    let err = open_with(&missing, r#"{"create": false}"#).err().unwrap();
    assert_eq!(err.status, Status::Io, "{err}");
    assert!(!missing.exists());

    let path = dir.join("ro.db");
    open(&path).unwrap().save(&token(r#"{"access_token":"AT1"}"#)).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let err = open(&path).err().unwrap();
    assert_eq!(err.status, Status::Io);
    assert!(err.message.contains("read-only") && err.message.contains("ro.db"), "{err}");
    let reader = open_with(&path, r#"{"read_only": true}"#).unwrap();
    assert_eq!(reader.find_by_id("1").unwrap().access_token.as_deref(), Some("AT1"));
    let err = reader.save(&token(r#"{"access_token":"AT2"}"#)).unwrap_err();
    assert_eq!(err.status, Status::Io, "{err}");
    assert_eq!(reader.list().unwrap().len(), 1);
}

#[test]
fn busy_past_the_timeout_is_a_clear_status() {
    let dir = temp_dir("busy");
    let path = dir.join("tokens.db");
    let store = open_with(&path, r#"{"busy_timeout_ms": 100}"#).unwrap();
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let started = std::time::Instant::now();
    let err = store.save(&token(r#"{"access_token":"AT1"}"#)).unwrap_err();
    assert!(started.elapsed() >= std::time::Duration::from_millis(100), "gave up before the timeout");
    assert_eq!(err.status, Status::Busy);
    assert!(err.message.contains("busy_timeout_ms=100"), "{err}");
    // reads are not blocked by a writer in WAL mode
    assert_eq!(store.list().unwrap().len(), 0);
    holder.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(store.save(&token(r#"{"access_token":"AT1"}"#)).unwrap().id.as_deref(), Some("1"));
}

#[test]
fn a_damaged_store_gives_corrupt_and_is_not_written() {
    let dir = temp_dir("damaged");
    let path = dir.join("tokens.db");
    let store = open(&path).unwrap();
    for i in 0..500 {
        store.save(&token(&format!(r#"{{"user_name":"user{i}@x","access_token":"{}"}}"#, "a".repeat(300)))).unwrap();
    }
    drop(store);
    // Garbage over the pages after the first (the header stays valid), as a bad disk or a stray write.
    let mut bytes = fs::read(&path).unwrap();
    for (i, byte) in bytes.iter_mut().enumerate().skip(4096) {
        *byte = (i * 7 % 251) as u8;
    }
    fs::write(&path, &bytes).unwrap();

    let outcome = open(&path).and_then(|store| store.list().map(drop));
    let err = outcome.expect_err("a damaged store must not read as good");
    assert_eq!(err.status, Status::Corrupt, "{err}");
    assert!(err.message.contains("tokens.db"), "names the file: {err}");
    assert_eq!(fs::read(&path).unwrap(), bytes, "the damaged file is left as it was");
}
