//! Refresh leases: which finds take one, who waits, what ends one, and that processes sharing a token
//! refresh it once per expiry. Each test runs on a store file, and all of them once more on a MySQL
//! table when tests/mysql/server.sh runs the tests (ZTS_MYSQL_URL).

mod support;

use std::cell::RefCell;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use zts::lease::now_ms;
use zts::{Options, Status, Store, Token};

/// A new, empty directory; unique per call, since the file and MySQL runs of a test share a process.
fn dir(name: &str) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("zts-lease-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(path: &str, options: &str) -> Store {
    Store::open(path, &Options::from_json(Some(options)).unwrap()).unwrap()
}

thread_local! {
    /// The MySQL server the tests of this thread run on; None: store files.
    static MYSQL: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A new, empty store location for a test.
fn location(name: &str) -> String {
    match MYSQL.with(|m| m.borrow().clone()) {
        Some(url) => support::MysqlServer { url }.fresh_location(&format!("lease_{}", name.replace('-', "_"))),
        None => dir(name).join("t.db").to_string_lossy().into_owned(),
    }
}

fn store(name: &str, options: &str) -> (Store, String) {
    let path = location(name);
    (open(&path, options), path)
}

fn token(json: serde_json::Value) -> Token {
    Token::from_json(&json.to_string()).unwrap()
}

/// A token of user `u` expiring at `expiry` (epoch ms), with a refresh token and client credentials.
fn refreshable(u: &str, access: Option<&str>, expiry: i64) -> Token {
    token(serde_json::json!({
        "user_name": u, "client_id": "cid", "client_secret": "csec", "refresh_token": format!("RT-{u}"),
        "access_token": access, "expiry_time": access.map(|_| expiry.to_string()),
    }))
}

fn refreshing(store: &Store, id: &str) -> bool {
    match store.try_find_by_id(id) {
        Ok(_) => false,
        Err(e) if e.status == Status::Refreshing => true,
        Err(e) => panic!("try_find_by_id({id}): {e}"),
    }
}

#[test]
fn a_token_that_is_not_due_is_never_leased() {
    let (store, _) = store("not-due", "{}");
    let now = now_ms();
    let fresh = store.save(&refreshable("fresh", Some("A"), now + 3_600_000)).unwrap();
    let no_refresh =
        store.save(&token(serde_json::json!({"user_name": "n", "access_token": "A", "expiry_time": "1"}))).unwrap();
    let no_credentials = store
        .save(&token(
            serde_json::json!({"user_name": "c", "refresh_token": "R", "access_token": "A", "expiry_time": "1"}),
        ))
        .unwrap();
    let no_expiry = store
        .save(&token(serde_json::json!({"user_name": "e", "client_id": "c", "client_secret": "s", "refresh_token": "R", "access_token": "A"})))
        .unwrap();
    for saved in [fresh, no_refresh, no_credentials, no_expiry] {
        let id = saved.id.unwrap();
        for _ in 0..3 {
            assert_eq!(store.find_by_id(&id).unwrap().id.as_deref(), Some(id.as_str()));
            assert!(!refreshing(&store, &id), "token {id} was leased");
        }
    }
    assert_eq!(store.leases().unwrap(), []);
}

#[test]
fn the_first_find_of_a_due_token_leases_it_and_the_refresh_save_ends_the_lease() {
    let (store, _) = store("due", "{}");
    let expired = store.save(&refreshable("u", Some("A1"), now_ms() - 1)).unwrap();
    let seeded = store.save(&refreshable("seeded", None, 0)).unwrap();
    for (n, (saved, via_query)) in [(expired, false), (seeded, true)].into_iter().enumerate() {
        let id = saved.id.clone().unwrap();
        let first = if via_query { store.find(&saved).unwrap() } else { store.find_by_id(&id).unwrap() };
        assert_eq!(first, saved, "the first caller gets the token as stored");
        assert!(refreshing(&store, &id), "a second caller is told to wait");
        let e = store.try_find(&saved).unwrap_err();
        assert_eq!(e.status, Status::Refreshing);
        assert!(e.message.contains(&format!("token id {id}")) && !e.message.contains("RT-"), "{e}");
        let leases = store.leases().unwrap();
        assert_eq!(leases.len(), 1);
        assert_eq!(leases[0].key, format!("id:{id}"));
        assert!(leases[0].holder.contains(&format!("pid {}", std::process::id())), "{}", leases[0].holder);
        let json = leases[0].to_json().to_string();
        assert!(!json.contains("RT-") && json.contains(&format!("\"id\":\"{id}\"")), "{json}");

        // The SDK saves the refreshed token by id: the lease ends, everyone gets the new token.
        let refresh = token(
            serde_json::json!({"id": id, "access_token": format!("NEW{n}"), "expiry_time": (now_ms() + 3_600_000).to_string()}),
        );
        store.save(&refresh).unwrap();
        assert!(!refreshing(&store, &id));
        assert_eq!(store.find_by_id(&id).unwrap().access_token, Some(format!("NEW{n}")));
        assert_eq!(store.leases().unwrap(), []);
    }
}

#[test]
fn the_lead_decides_what_is_due() {
    // Python, Java, Node, PHP: due within 5000 ms; C#: within 5 ms.
    for (options, expires_in, due) in [
        ("{}", 4_000, true),
        ("{}", 9_000, false),
        (r#"{"refresh_lead_ms": 5}"#, 4_000, false),
        (r#"{"refresh_lead_ms": 5}"#, -1, true),
        (r#"{"refresh_lead_ms": 60000}"#, 30_000, true),
    ] {
        let (store, _) = store("lead", options);
        let saved = store.save(&refreshable("u", Some("A"), now_ms() + expires_in)).unwrap();
        let id = saved.id.unwrap();
        store.find_by_id(&id).unwrap();
        assert_eq!(refreshing(&store, &id), due, "{options}, expiring in {expires_in} ms");
    }
}

#[test]
fn a_caller_whose_sdk_will_not_refresh_never_makes_others_wait() {
    let (_, path) = store("csharp", "{}");
    let csharp = open(&path, r#"{"refresh_lead_ms": 5}"#);
    let python = open(&path, "{}");
    let saved = csharp.save(&refreshable("u", Some("A"), now_ms() + 3_000)).unwrap();
    let id = saved.id.unwrap();
    csharp.find_by_id(&id).unwrap(); // not due for C#: no lease
    assert_eq!(python.leases().unwrap(), [], "C#'s find must not hold a lease");
    python.find_by_id(&id).unwrap(); // due for Python: leased
    assert_eq!(python.leases().unwrap().len(), 1);
    assert!(!refreshing(&csharp, &id), "C# does not wait for a refresh its SDK does not need");
    assert!(refreshing(&python, &id));
}

#[test]
fn a_waiter_gets_the_token_the_holder_saves_about_one_round_trip_later() {
    let (store, _) = store("wait", "{}");
    let store = Arc::new(store);
    let id = store.save(&refreshable("u", Some("OLD"), now_ms() - 1)).unwrap().id.unwrap();
    assert_eq!(store.find_by_id(&id).unwrap().access_token.as_deref(), Some("OLD")); // the holder
    let waiters: Vec<_> = (0..4)
        .map(|_| {
            let (store, id) = (store.clone(), id.clone());
            thread::spawn(move || {
                let started = Instant::now();
                let found = store.find_by_id(&id).unwrap();
                (found.access_token, started.elapsed())
            })
        })
        .collect();
    // Another row is never blocked by the lease, and the handle is not held by the waiters.
    let other = store.save(&refreshable("other", Some("X"), now_ms() + 3_600_000)).unwrap();
    let started = Instant::now();
    store.find_by_id(other.id.as_deref().unwrap()).unwrap();
    assert!(started.elapsed() < Duration::from_millis(200), "another row waited {:?}", started.elapsed());
    thread::sleep(Duration::from_millis(300)); // the refresh round trip
    store
        .save(&token(
            serde_json::json!({"id": id, "access_token": "NEW", "expiry_time": (now_ms() + 3_600_000).to_string()}),
        ))
        .unwrap();
    for waiter in waiters {
        let (access, waited) = waiter.join().unwrap();
        assert_eq!(access.as_deref(), Some("NEW"));
        assert!(waited >= Duration::from_millis(250) && waited < Duration::from_millis(5_000), "waited {waited:?}");
    }
}

#[test]
fn when_the_holder_never_saves_one_waiter_takes_over_after_the_lease() {
    let (store, _) = store("takeover", r#"{"refresh_lease_ms": 600}"#);
    let id = store.save(&refreshable("u", Some("OLD"), now_ms() - 1)).unwrap().id.unwrap();
    store.find_by_id(&id).unwrap(); // the holder, which then fails or dies
    let first_until = store.leases().unwrap()[0].until_ms;
    let started = Instant::now();
    let found = store.find_by_id(&id).unwrap();
    let waited = started.elapsed();
    assert_eq!(found.access_token.as_deref(), Some("OLD"), "the new holder gets the token to refresh");
    assert!(waited >= Duration::from_millis(500) && waited < Duration::from_millis(1_500), "waited {waited:?}");
    let leases = store.leases().unwrap();
    assert_eq!(leases.len(), 1);
    assert!(leases[0].until_ms > first_until, "a new lease was taken");
}

#[test]
fn a_delete_or_purge_never_leaves_a_waiter_stuck() {
    for purge in [false, true] {
        let (store, _) = store("delete", "{}");
        let store = Arc::new(store);
        let id = store.save(&refreshable("u", Some("OLD"), now_ms() - 1)).unwrap().id.unwrap();
        store.find_by_id(&id).unwrap();
        let waiter = {
            let (store, id) = (store.clone(), id.clone());
            thread::spawn(move || {
                let started = Instant::now();
                (store.find_by_id(&id).map_err(|e| e.status), started.elapsed())
            })
        };
        thread::sleep(Duration::from_millis(100));
        if purge {
            store.purge().unwrap();
        } else {
            store.delete(&id).unwrap();
        }
        let (outcome, waited) = waiter.join().unwrap();
        assert_eq!(outcome, Err(Status::NotFound));
        assert!(waited < Duration::from_millis(2_000), "waited {waited:?}");
        assert_eq!(store.leases().unwrap(), [], "the lease ended with its token");
    }
}

#[test]
fn a_first_start_with_the_same_refresh_token_exchanges_once() {
    let (store, _) = store("first", "{}");
    // What every process's SDK holds before anything is stored: a refresh token and credentials.
    let query = token(serde_json::json!({"client_id": "cid", "client_secret": "csec", "refresh_token": "RT-new"}));
    assert_eq!(store.find(&query).unwrap_err().status, Status::NotFound, "the first caller exchanges");
    let e = store.try_find(&query).unwrap_err();
    assert_eq!(e.status, Status::Refreshing, "{e}");
    assert!(e.message.contains("first save by refresh_token") && !e.message.contains("RT-new"), "{e}");
    assert_eq!(store.leases().unwrap()[0].to_json()["key"], "refresh_token");
    let mut refreshed = query.clone();
    refreshed.access_token = Some("AT1".into());
    refreshed.expiry_time = Some((now_ms() + 3_600_000).to_string());
    store.save(&refreshed).unwrap();
    assert_eq!(store.try_find(&query).unwrap().access_token.as_deref(), Some("AT1"));
    assert_eq!(store.leases().unwrap(), []);
    // A query its SDK would not send to Zoho (no credentials) is not coordinated.
    let plain = token(serde_json::json!({"access_token": "nope"}));
    assert_eq!(store.try_find(&plain).unwrap_err().status, Status::NotFound);
    assert_eq!(store.try_find(&plain).unwrap_err().status, Status::NotFound);
}

#[test]
fn coordination_is_off_with_a_zero_lease_and_on_read_only_stores() {
    let (store, path) = store("off", r#"{"refresh_lease_ms": 0}"#);
    let id = store.save(&refreshable("u", Some("A"), now_ms() - 1)).unwrap().id.unwrap();
    store.find_by_id(&id).unwrap();
    assert!(!refreshing(&store, &id));
    let reader = open(&path, r#"{"read_only": true}"#);
    reader.find_by_id(&id).unwrap();
    assert!(!refreshing(&reader, &id));
    assert!(!refreshing(&store, &id));
    assert_eq!(store.leases().unwrap(), []);
}

const WORKERS: usize = 8;
const EXPIRIES: usize = 3;

fn refreshes(log: &str) -> usize {
    std::fs::read_to_string(log).unwrap().lines().count()
}

/// One process of the SDK's loop, until the stop file exists: find by id; when the token is due,
/// "refresh" it (a 200 ms round trip, counted in the refresh log) and save it by id, valid for an hour.
fn work(path: &str, id: &str, log: &str, stop: &str) {
    let store = open(path, r#"{"busy_timeout_ms": 30000}"#);
    while !std::path::Path::new(stop).exists() {
        let found = store.find_by_id(id).unwrap();
        let expiry: i64 = found.expiry_time.as_deref().unwrap().parse().unwrap();
        if expiry - now_ms() < 5000 {
            thread::sleep(Duration::from_millis(200));
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(log).unwrap();
            writeln!(f, "{}", std::process::id()).unwrap();
            // The same access token as this process's last refresh: the new expiry alone ends the lease.
            let refreshed = serde_json::json!({"id": id, "access_token": format!("AT-{}", std::process::id()),
                                               "expiry_time": (now_ms() + 3_600_000).to_string()});
            store.save(&token(refreshed)).unwrap();
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until the refresh log has `n` lines (at most 20 s).
fn wait_for_refreshes(log: &str, n: usize) {
    let deadline = now_ms() + 20_000;
    while refreshes(log) < n && now_ms() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn processes_sharing_a_token_refresh_it_once_per_expiry() {
    if let Ok(args) = std::env::var("ZTS_LEASE_WORKER") {
        let args: Vec<&str> = args.split('|').collect();
        work(args[0], args[1], args[2], args[3]);
        return;
    }
    let path = location("procs");
    let d = dir("procs-log");
    let log = d.join("refreshes.log").to_string_lossy().into_owned();
    let stop = d.join("stop").to_string_lossy().into_owned();
    std::fs::write(&log, "").unwrap();
    let store = open(&path, "{}");
    let id = store.save(&refreshable("shared", Some("AT0"), now_ms() - 1)).unwrap().id.unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..WORKERS)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "processes_sharing_a_token_refresh_it_once_per_expiry", "--nocapture"])
                .env("ZTS_LEASE_WORKER", format!("{path}|{id}|{log}|{stop}"))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    // The token starts expired; after each refresh the test expires it again at once (as the
    // end-to-end suite does), so it never drifts across the due moment while processes look at it.
    for expiry in 1..=EXPIRIES {
        wait_for_refreshes(&log, expiry);
        thread::sleep(Duration::from_millis(300)); // room for an uncoordinated second refresh to show
        if expiry < EXPIRIES {
            store.save(&token(serde_json::json!({"id": id, "expiry_time": "1"}))).unwrap();
        }
    }
    std::fs::write(&stop, "").unwrap();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let count = refreshes(&log);
    assert_eq!(count, EXPIRIES, "{WORKERS} processes refreshed {count} times for {EXPIRIES} expiries");
}

#[test]
fn every_lease_test_on_mysql() {
    let Some(server) = support::MysqlServer::from_env() else { return };
    MYSQL.with(|m| *m.borrow_mut() = Some(server.url.clone()));
    a_token_that_is_not_due_is_never_leased();
    the_first_find_of_a_due_token_leases_it_and_the_refresh_save_ends_the_lease();
    the_lead_decides_what_is_due();
    a_caller_whose_sdk_will_not_refresh_never_makes_others_wait();
    a_waiter_gets_the_token_the_holder_saves_about_one_round_trip_later();
    when_the_holder_never_saves_one_waiter_takes_over_after_the_lease();
    a_delete_or_purge_never_leaves_a_waiter_stuck();
    a_first_start_with_the_same_refresh_token_exchanges_once();
    coordination_is_off_with_a_zero_lease_and_on_read_only_stores();
    processes_sharing_a_token_refresh_it_once_per_expiry();
}
