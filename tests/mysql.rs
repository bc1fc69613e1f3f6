//! The MySQL engine against a real MariaDB (started by tests/mysql/server.sh): errors and their
//! messages, adopting an SDK DBStore table, refusing other tables untouched, TLS modes, reconnecting
//! after a server restart, and commits whose reply is lost. The shared vectors run in tests/vectors.rs
//! and the multi-process race in tests/race.rs, on both engines.
#![cfg(feature = "mysql")]

mod support;

use mysql::prelude::Queryable;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};
use support::MysqlServer;
use zts::{Error, Options, Status, Store, Token};

/// Tests share the server; the restart test takes it alone (it kills the server).
static SERVER_UP: RwLock<()> = RwLock::new(());

fn server() -> Option<(MysqlServer, RwLockReadGuard<'static, ()>)> {
    let server = MysqlServer::from_env()?;
    Some((server, SERVER_UP.read().unwrap_or_else(|e| e.into_inner())))
}

fn options(json: &str) -> Options {
    Options::from_json(Some(json)).unwrap()
}

fn token(json: &str) -> Token {
    Token::from_json(json).unwrap()
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by tests/mysql/server.sh"))
}

/// The password inside a mysql:// URL (between "user:" and '@').
fn password_of(url: &str) -> String {
    let rest = url.strip_prefix("mysql://").unwrap();
    rest[rest.find(':').unwrap() + 1..rest.rfind('@').unwrap()].to_owned()
}

fn open_err(location: &str, options_json: &str) -> Error {
    match Store::open(location, &options(options_json)) {
        Ok(_) => panic!("{location} opened"),
        Err(e) => e,
    }
}

/// The error's status and that its message names host, port and database but not the secret.
fn assert_error(e: &Error, status: Status, names: &[&str], secret: &str) {
    assert_eq!(e.status, status, "{e}");
    for name in names {
        assert!(e.message.contains(name), "{e:?} lacks {name}");
    }
    assert!(!secret.is_empty() && !e.message.contains(secret), "{e:?} shows the password");
}

fn place() -> String {
    format!("127.0.0.1:{}/zts_test", env("ZTS_MYSQL_PORT"))
}

#[test]
fn unreachable_server_wrong_password_missing_database() {
    let Some((server, _up)) = server() else { return };
    let secret = password_of(&server.url);
    // A port nothing listens on: bound, then closed.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = open_err(&format!("mysql://zts:{secret}@127.0.0.1:{closed}/zts_test"), r#"{"busy_timeout_ms": 1000}"#);
    assert_error(&e, Status::Io, &[&format!("127.0.0.1:{closed}/zts_test"), "cannot connect"], &secret);

    let wrong = "Wr0ng-Passw0rd";
    let e = open_err(&server.url.replace(&secret, wrong), "{}");
    assert_error(&e, Status::Io, &[&place(), "Access denied"], wrong);

    let e = open_err(&server.url.replace("/zts_test", "/no_such_db"), "{}");
    assert_error(&e, Status::Io, &["/no_such_db", "no_such_db"], &secret);
}

#[test]
fn a_read_only_user_reads_and_cannot_write() {
    let Some((server, _up)) = server() else { return };
    let location = server.fresh_location("readonly");
    Store::open(&location, &Options::default())
        .unwrap()
        .save(&token(r#"{"user_name":"u@x","access_token":"A"}"#))
        .unwrap();

    let ro_url = env("ZTS_MYSQL_RO_URL");
    let secret = password_of(&ro_url);
    let store = Store::open(&format!("{ro_url}?table=readonly"), &Options::default()).unwrap();
    assert_eq!(store.find(&token(r#"{"user_name":"u@x"}"#)).unwrap().access_token.as_deref(), Some("A"));
    let e = store.save(&token(r#"{"user_name":"u@x","access_token":"B"}"#)).unwrap_err();
    assert_error(&e, Status::Io, &[&place(), "denied"], &secret);
    // A table it cannot create.
    server.drop_table("readonly_new");
    let e = open_err(&format!("{ro_url}?table=readonly_new"), "{}");
    assert_error(&e, Status::Io, &[&place(), "denied"], &secret);
    // And read_only: refused before reaching the server.
    let store = Store::open(&location, &options(r#"{"read_only": true}"#)).unwrap();
    let e = store.purge().unwrap_err();
    assert_error(&e, Status::Io, &[&place(), "read_only"], &secret);
    assert_eq!(store.list().unwrap().len(), 1);
}

#[test]
fn a_lock_held_past_busy_timeout_gives_busy() {
    let Some((server, _up)) = server() else { return };
    let location = server.fresh_location("busy");
    let store = Store::open(&location, &options(r#"{"busy_timeout_ms": 1000}"#)).unwrap();
    store.save(&token(r#"{"user_name":"u@x","access_token":"A"}"#)).unwrap();
    let mut holder = server.conn();
    holder.query_drop("START TRANSACTION").unwrap();
    holder.query_drop("SELECT * FROM zts_store WHERE token_table = 'busy' FOR UPDATE").unwrap();
    let started = Instant::now();
    let e = store.save(&token(r#"{"user_name":"u@x","access_token":"B"}"#)).unwrap_err();
    let waited = started.elapsed();
    assert_error(&e, Status::Busy, &[&place(), "busy_timeout_ms=1000"], &password_of(&server.url));
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(10), "waited {waited:?}");
    // Reads are not blocked by a writer, and the lock's release lets writes through.
    assert_eq!(store.find(&token(r#"{"user_name":"u@x"}"#)).unwrap().access_token.as_deref(), Some("A"));
    holder.query_drop("ROLLBACK").unwrap();
    store.save(&token(r#"{"user_name":"u@x","access_token":"B"}"#)).unwrap();
    assert_eq!(store.find(&token(r#"{"user_name":"u@x"}"#)).unwrap().access_token.as_deref(), Some("B"));
}

/// A try write never waits for the server's row locks: on a mysql:// store it says ZTS_BUSY at once,
/// having written nothing, and the waiting call does the work. The try finds read as usual.
#[test]
fn the_try_writes_refuse_a_server_store_at_once() {
    let Some((server, _up)) = server() else { return };
    let store = Store::open(&server.fresh_location("try"), &Options::default()).unwrap();
    store.save(&token(r#"{"user_name":"u@x","access_token":"A"}"#)).unwrap();
    let refresh = token(r#"{"id":"1","access_token":"B"}"#);
    for (what, result) in [("try_save", store.try_save(&refresh).map(drop)), ("try_delete", store.try_delete("1"))] {
        let e = result.expect_err(what);
        assert_error(&e, Status::Busy, &["never waits", "write lock"], &password_of(&server.url));
    }
    assert_eq!(store.try_find_by_id("1").unwrap().access_token.as_deref(), Some("A"), "the try_save wrote nothing");
    assert_eq!(store.try_find(&token(r#"{"user_name":"u@x"}"#)).unwrap().id.as_deref(), Some("1"));
    store.save(&refresh).unwrap();
    assert_eq!(store.find_by_id("1").unwrap().access_token.as_deref(), Some("B"));
}

#[test]
fn a_password_with_at_colon_slash_percent_space_in_the_url_or_the_options() {
    let Some((server, _up)) = server() else { return };
    let odd = env("ZTS_MYSQL_ODD_PASSWORD");
    assert!(["@", ":", "/", "%", " "].iter().all(|c| odd.contains(c)));
    let encoded: String = odd
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    server.drop_table("odd");
    let port = env("ZTS_MYSQL_PORT");
    let in_url = format!("mysql://zts_odd:{encoded}@127.0.0.1:{port}/zts_test?table=odd");
    let store = Store::open(&in_url, &Options::default()).unwrap();
    store.save(&token(r#"{"user_name":"u@x","access_token":"A"}"#)).unwrap();
    let without = format!("mysql://zts_odd@127.0.0.1:{port}/zts_test?table=odd");
    let json = serde_json::json!({ "password": odd }).to_string();
    let store = Store::open(&without, &options(&json)).unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
    // Wrong ones: the message shows neither.
    let e = open_err(&in_url.replace("%40", "%23"), "{}");
    assert_error(&e, Status::Io, &["Access denied", &place()], &encoded);
    assert!(!e.message.contains(&odd.replace('@', "#")));
    let e = open_err(&in_url, &json);
    assert_error(&e, Status::InvalidArgument, &["twice"], &encoded);
}

#[test]
fn options_of_the_other_engine_are_refused() {
    // Refused before any connection, so no server is needed.
    let e = open_err("mysql://u:secret@127.0.0.1:1/d", r#"{"synchronous": "full"}"#);
    assert_error(&e, Status::InvalidArgument, &["synchronous", "mysql://"], "secret");
    let e = open_err(":memory:", r#"{"ssl_mode": "required"}"#);
    assert_error(&e, Status::InvalidArgument, &["ssl_mode", "store file"], "-");
    let e = open_err(":memory:", r#"{"password": "secret"}"#);
    assert_error(&e, Status::InvalidArgument, &["password"], "secret");
}

/// The SDK DBStore's table as its README creates it (the database's default, case-insensitive collation).
const DBSTORE_TABLE: &str = "CREATE TABLE sdk_tokens (id varchar(10) NOT NULL, user_name varchar(255), \
    client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), \
    grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255), \
    primary key (id))";

fn show_create(server: &MysqlServer, table: &str) -> String {
    let row: Option<(String, String)> = server.conn().query_first(format!("SHOW CREATE TABLE `{table}`")).unwrap();
    row.unwrap().1
}

#[test]
fn adopts_an_sdk_dbstore_table_keeping_its_rows() {
    let Some((server, _up)) = server() else { return };
    server.drop_table("sdk_tokens");
    server.sql(&[
        DBSTORE_TABLE,
        "INSERT INTO sdk_tokens VALUES ('9', 'Nine@x', 'c', 's', 'R9', 'A9', NULL, '1795350239397', NULL, NULL), \
         ('10', 'ten@x', 'c', 's', 'R10', 'A10', NULL, '1795350239397', NULL, NULL), \
         ('2', 'two@x', 'c', 's', 'R2', 'A2', NULL, '1795350239397', NULL, NULL), \
         ('12', 'twelve@x', 'c', 's', 'R2', 'A12', NULL, '1795350239397', NULL, NULL)",
    ]);
    let store = Store::open(&server.location("sdk_tokens"), &Options::default()).unwrap();
    let ids: Vec<_> = store.list().unwrap().into_iter().map(|t| t.id.unwrap()).collect();
    assert_eq!(ids, ["2", "9", "10", "12"], "rows kept, in numeric id order");
    // Two rows share a refresh token: the lowest numeric id wins (the key index holds "12" before "2").
    let by_refresh = store.find(&token(r#"{"client_id":"c","client_secret":"s","refresh_token":"R2"}"#)).unwrap();
    assert_eq!(by_refresh.id.as_deref(), Some("2"));
    // The collation ignores case; zts does not.
    assert_eq!(store.find(&token(r#"{"user_name":"Nine@x"}"#)).unwrap().id.as_deref(), Some("9"));
    assert_eq!(store.find(&token(r#"{"user_name":"nine@x"}"#)).unwrap_err().status, Status::NotFound);
    let saved = store.save(&token(r#"{"user_name":"new@x","access_token":"A11"}"#)).unwrap();
    assert_eq!(saved.id.as_deref(), Some("13"), "ids continue after the numeric max, not the text max");
    let created = show_create(&server, "sdk_tokens");
    for index in ["zts_user_name", "zts_access_token", "zts_grant_token", "zts_refresh_token"] {
        assert!(created.contains(index), "{index} added: {created}");
    }
    assert!(created.contains("`id` varchar(10) NOT NULL") && created.contains("`api_domain` varchar(255)"));
    // Opening again changes nothing.
    drop(store);
    Store::open(&server.location("sdk_tokens"), &Options::default()).unwrap();
    assert_eq!(show_create(&server, "sdk_tokens"), created);
}

#[test]
fn a_table_of_another_shape_is_refused_untouched() {
    let Some((server, _up)) = server() else { return };
    for (table, create, named) in [
        ("other_shape", "CREATE TABLE other_shape (id int PRIMARY KEY, token text)", "columns (id, token)"),
        (
            "other_engine",
            &DBSTORE_TABLE.replace("sdk_tokens", "other_engine").replace("(id))", "(id)) ENGINE=MyISAM"),
            "MyISAM",
        ),
        (
            "other_types",
            &DBSTORE_TABLE
                .replace("sdk_tokens", "other_types")
                .replace("access_token varchar(255)", "access_token text"),
            "text",
        ),
        ("twice", &DBSTORE_TABLE.replace("sdk_tokens", "twice").replace(", primary key (id)", ""), "twice"),
    ] {
        server.drop_table(table);
        server.sql(&[create]);
        if table == "twice" {
            server.sql(&["INSERT INTO twice (id, user_name) VALUES ('1', 'a@x'), ('1', 'b@x')"]);
        }
        let before = show_create(&server, table);
        let e = open_err(&server.location(table), "{}");
        assert_eq!(e.status, Status::Incompatible, "{table}: {e}");
        assert!(e.message.contains(named) && e.message.contains(&place()), "{table}: {e}");
        if table != "twice" {
            assert_eq!(show_create(&server, table), before, "{table} untouched");
        }
    }
    // A zts schema from the future.
    let location = server.fresh_location("future");
    Store::open(&location, &Options::default()).unwrap();
    server.sql(&["UPDATE zts_store SET schema_version = 99 WHERE token_table = 'future'"]);
    let e = open_err(&location, "{}");
    assert_eq!((e.status, e.message.contains("newer")), (Status::Incompatible, true), "{e}");
}

#[test]
fn tls_modes_with_a_self_signed_ca() {
    let Some((server, _up)) = server() else { return };
    server.drop_table("tls");
    let tls_url = format!("{}?table=tls", env("ZTS_MYSQL_TLS_URL"));
    let secret = password_of(&tls_url);
    let (ca, other_ca) = (env("ZTS_MYSQL_CA"), env("ZTS_MYSQL_OTHER_CA"));
    // This user may only connect over TLS: disabled is refused by the server.
    let e = open_err(&tls_url, r#"{"ssl_mode": "disabled"}"#);
    assert_error(&e, Status::Io, &["Access denied", &place()], &secret);
    for json in [
        r#"{"ssl_mode": "required"}"#.to_owned(),
        serde_json::json!({"ssl_mode": "verify_ca", "ssl_ca": ca}).to_string(),
        serde_json::json!({"ssl_mode": "verify_identity", "ssl_ca": ca}).to_string(),
        serde_json::json!({"ssl_ca": ca}).to_string(),
    ] {
        let store = Store::open(&tls_url, &options(&json)).unwrap_or_else(|e| panic!("{json}: {e}"));
        store.save(&token(r#"{"user_name":"u@x","access_token":"A"}"#)).unwrap();
    }
    let localhost = tls_url.replace("@127.0.0.1:", "@localhost:");
    let json = serde_json::json!({"ssl_mode": "verify_identity", "ssl_ca": ca}).to_string();
    Store::open(&localhost, &options(&json)).unwrap_or_else(|e| panic!("localhost: {e}"));
    for mode in ["verify_ca", "verify_identity"] {
        let json = serde_json::json!({"ssl_mode": mode, "ssl_ca": other_ca}).to_string();
        let e = open_err(&tls_url, &json);
        assert_error(&e, Status::Io, &["TLS", &place()], &secret);
    }
}

#[test]
fn reconnects_after_the_server_is_killed_and_restarted() {
    let Some(server) = MysqlServer::from_env() else { return };
    let _alone = SERVER_UP.write().unwrap_or_else(|e| e.into_inner());
    let location = server.fresh_location("restart");
    let store = Store::open(&location, &Options::default()).unwrap();
    store.save(&token(r#"{"user_name":"u@x","access_token":"A1"}"#)).unwrap();
    restart_server();
    // A read retries once on a new connection.
    assert_eq!(store.find(&token(r#"{"user_name":"u@x"}"#)).unwrap().access_token.as_deref(), Some("A1"));
    restart_server();
    // So does a write that lost its connection before it wrote anything.
    let saved = store.save(&token(r#"{"user_name":"v@x","access_token":"B1"}"#)).unwrap();
    assert_eq!(saved.id.as_deref(), Some("2"));
    assert_eq!(store.list().unwrap().len(), 2);
}

fn restart_server() {
    let status = std::process::Command::new("bash").args(["tests/mysql/server.sh", "restart"]).status().unwrap();
    assert!(status.success(), "restart failed");
}

/// What the proxy does to the next COMMIT it sees from the client.
const PASS: u8 = 0;
const CUT_BEFORE_COMMIT: u8 = 1;
const CUT_AFTER_COMMIT: u8 = 2;

/// A TCP proxy on 127.0.0.1 in front of the server that can drop a connection just before a COMMIT
/// reaches the server, or just after (the server commits, the reply is lost).
fn start_proxy(upstream_port: u16, mode: Arc<AtomicU8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream_port)) else { continue };
            let (client_r, server_w) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mode, replies_blocked) = (mode.clone(), Arc::new(AtomicBool::new(false)));
            let blocked = replies_blocked.clone();
            std::thread::spawn(move || pump_watching_commits(client_r, server_w, mode, blocked));
            std::thread::spawn(move || pump_replies(server, client, replies_blocked));
        }
    });
    port
}

/// Server to client, until the COMMIT watcher blocks the replies.
fn pump_replies(mut from: TcpStream, mut to: TcpStream, blocked: Arc<AtomicBool>) {
    let mut buf = [0u8; 16384];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || blocked.load(Ordering::SeqCst) || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

fn pump_watching_commits(mut from: TcpStream, mut to: TcpStream, mode: Arc<AtomicU8>, blocked: Arc<AtomicBool>) {
    let mut buf = [0u8; 16384];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
        }
        // A COM_QUERY (0x03) packet whose text is COMMIT.
        let is_commit = buf[..n].windows(7).any(|w| w == b"\x03COMMIT");
        let action = if is_commit { mode.swap(PASS, Ordering::SeqCst) } else { PASS };
        if action == CUT_BEFORE_COMMIT {
            break;
        }
        if action == CUT_AFTER_COMMIT {
            blocked.store(true, Ordering::SeqCst);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        if action == CUT_AFTER_COMMIT {
            // Let the server commit, then drop both sides before its reply is passed on.
            std::thread::sleep(Duration::from_millis(300));
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

#[test]
fn a_commit_whose_reply_is_lost_is_resolved_after_reconnecting() {
    let Some((server, _up)) = server() else { return };
    let mode = Arc::new(AtomicU8::new(PASS));
    let port: u16 = env("ZTS_MYSQL_PORT").parse().unwrap();
    let proxy = start_proxy(port, mode.clone());
    server.drop_table("lost_commit");
    let location = server.location("lost_commit").replace(&format!(":{port}/"), &format!(":{proxy}/"));
    let store = Store::open(&location, &Options::default()).unwrap();
    let find = |user: &str| store.find(&token(&format!(r#"{{"user_name":"{user}"}}"#)));

    // The server committed; the reply was lost: reported saved, stored once.
    mode.store(CUT_AFTER_COMMIT, Ordering::SeqCst);
    let saved = store.save(&token(r#"{"user_name":"a@x","access_token":"A1"}"#)).unwrap();
    assert_eq!(mode.load(Ordering::SeqCst), PASS, "the proxy cut the connection");
    assert_eq!(saved.id.as_deref(), Some("1"));
    assert_eq!(find("a@x").unwrap().access_token.as_deref(), Some("A1"));

    // The COMMIT never reached the server: reported not saved, and nothing stored.
    mode.store(CUT_BEFORE_COMMIT, Ordering::SeqCst);
    let e = store.save(&token(r#"{"user_name":"b@x","access_token":"B1"}"#)).unwrap_err();
    assert_eq!(mode.load(Ordering::SeqCst), PASS, "the proxy cut the connection");
    assert_eq!(e.status, Status::Io, "{e}");
    assert!(e.message.contains("nothing was written"), "{e}");
    assert_eq!(find("b@x").unwrap_err().status, Status::NotFound);

    // The same for an update (an access-token refresh) and a delete.
    mode.store(CUT_AFTER_COMMIT, Ordering::SeqCst);
    store.save(&token(r#"{"id":"1","access_token":"A2","expiry_time":"2"}"#)).unwrap();
    assert_eq!(find("a@x").unwrap().access_token.as_deref(), Some("A2"));
    mode.store(CUT_BEFORE_COMMIT, Ordering::SeqCst);
    assert_eq!(store.save(&token(r#"{"id":"1","access_token":"A3"}"#)).unwrap_err().status, Status::Io);
    assert_eq!(find("a@x").unwrap().access_token.as_deref(), Some("A2"));
    mode.store(CUT_AFTER_COMMIT, Ordering::SeqCst);
    store.delete("1").unwrap();
    assert_eq!(store.list().unwrap(), []);
    // Ids stay unique: the next new token does not get 1 again.
    let next = store.save(&token(r#"{"user_name":"c@x","access_token":"C1"}"#)).unwrap();
    assert_eq!(next.id.as_deref(), Some("2"));
}

#[test]
fn a_value_longer_than_its_column_or_a_missing_table_is_refused_clearly() {
    let Some((server, _up)) = server() else { return };
    let location = server.fresh_location("too_long");
    let e = open_err(&location, r#"{"create": false}"#);
    assert_error(&e, Status::Io, &[&place(), "too_long", "does not exist"], &password_of(&server.url));
    let store = Store::open(&location, &Options::default()).unwrap();
    let long = "x".repeat(300);
    let e = store.save(&token(&format!(r#"{{"user_name":"u@x","access_token":"{long}"}}"#))).unwrap_err();
    assert_eq!(e.status, Status::InvalidToken, "{e}");
    assert!(e.message.contains("access_token") && !e.message.contains(&long), "{e}");
    assert_eq!(store.list().unwrap(), [], "nothing stored, nothing cut");
}

const SOAK_WORKERS: usize = 4;
const SOAK_USERS: usize = 10;

fn now_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
}

/// A soak worker process: saves its users' access tokens until the stop file exists, printing each
/// attempt and its outcome; an error is printed and the next save goes on.
#[test]
fn soak_worker() {
    // Runs only as a child of `the_server_killed_mid_writes_loses_no_acknowledged_save`.
    let var = |name| std::env::var(name);
    let (Ok(location), Ok(worker), Ok(stop)) = (var("ZTS_SOAK_LOCATION"), var("ZTS_SOAK_WORKER"), var("ZTS_SOAK_STOP"))
    else {
        return;
    };
    println!();
    let store = Store::open(&location, &options(r#"{"busy_timeout_ms": 30000}"#)).unwrap();
    let mut n = 0;
    while !std::path::Path::new(&stop).exists() {
        n += 1;
        let user = format!("w{worker}-u{}@x", n % SOAK_USERS);
        let access = format!("w{worker}-n{n}");
        println!("TRY {user} {access}");
        match store.save(&token(&format!(r#"{{"user_name":"{user}","access_token":"{access}"}}"#))) {
            Ok(_) => println!("ACK {user} {access} {}", now_ms()),
            Err(e) => {
                println!("ERR {user} {access} {}", e.message.replace('\n', " "));
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

#[test]
fn the_server_killed_mid_writes_loses_no_acknowledged_save() {
    let Some(server) = MysqlServer::from_env() else { return };
    let _alone = SERVER_UP.write().unwrap_or_else(|e| e.into_inner());
    let location = server.fresh_location("soak");
    Store::open(&location, &Options::default()).unwrap();
    let stop = std::env::temp_dir().join(format!("zts-soak-stop-{}", std::process::id()));
    let _ = std::fs::remove_file(&stop);
    let workers: Vec<_> = (0..SOAK_WORKERS)
        .map(|worker| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "soak_worker", "--nocapture", "--test-threads=1"])
                .env("ZTS_SOAK_LOCATION", &location)
                .env("ZTS_SOAK_WORKER", worker.to_string())
                .env("ZTS_SOAK_STOP", &stop)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        // Each worker's output is read as it comes: a full pipe would stop the worker mid-soak.
        .map(|child| std::thread::spawn(move || child.wait_with_output().unwrap()))
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    restart_server();
    let restarted_at = now_ms();
    // The workers go on for 3 s after the restart, however long the restart took.
    std::thread::sleep(Duration::from_secs(3));
    std::fs::write(&stop, "").unwrap();

    // Per user: the last acknowledged token, and the tokens of later saves whose outcome is unknown.
    let mut acked: std::collections::HashMap<String, (String, Vec<String>)> = Default::default();
    let (mut acks, mut errors) = (0, 0);
    for worker in workers {
        let out = worker.join().unwrap();
        assert!(out.status.success(), "a worker failed");
        let mut recovered = false;
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let parts: Vec<&str> = line.splitn(4, ' ').collect();
            match parts.as_slice() {
                ["ACK", user, access, at] => {
                    acks += 1;
                    acked.insert(user.to_string(), (access.to_string(), Vec::new()));
                    recovered |= at.parse::<u128>().unwrap() > restarted_at;
                }
                ["ERR", user, access, message] => {
                    errors += 1;
                    assert!(message.contains(&place()) && !message.contains(&password_of(&server.url)), "{message}");
                    if message.contains("may or may not") {
                        acked.entry(user.to_string()).or_default().1.push(access.to_string());
                    }
                }
                _ => {}
            }
        }
        assert!(recovered, "a worker saved again after the restart");
    }
    assert!(acks > 100, "only {acks} saves acknowledged");
    let store = Store::open(&location, &Options::default()).unwrap();
    let stored = store.list().unwrap();
    assert_eq!(stored.len(), acked.len(), "one row per user");
    for row in stored {
        let user = row.user_name.unwrap();
        let (last, unknown) = &acked[&user];
        let access = row.access_token.unwrap();
        assert!(&access == last || unknown.contains(&access), "{user}: stored {access}, last acknowledged {last}");
    }
    eprintln!("soak: {acks} saves acknowledged, {errors} refused during the restart, none lost");
}
