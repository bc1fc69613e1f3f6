//! The write queue: writers from several processes go in the order they arrived, a stuck writer makes
//! the others give up with ZTS_BUSY at busy_timeout_ms (not before, and without piling up threads), a
//! killed one lets the others go, and readers are never held up. The test re-runs its own binary as
//! the other processes.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use zts::engine::sqlite::SqliteEngine;
use zts::engine::Engine;
use zts::{Options, Status, Store, Token};

fn temp_store(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zts-queue-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("tokens.db")
}

fn options(json: &str) -> Options {
    Options::from_json(Some(json)).unwrap()
}

fn token(user: &str) -> Token {
    Token::from_json(&format!(r#"{{"user_name":"{user}","refresh_token":"R-{user}","client_id":"c"}}"#)).unwrap()
}

/// How many turns the queue has issued: the counter at the start of the lock file.
fn turns_issued(store: &Path) -> u64 {
    let mut bytes = [0u8; 8];
    let Ok(mut file) = std::fs::File::open(format!("{}-lock", store.display())) else { return 0 };
    match file.read_exact(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => 0,
    }
}

/// Runs this binary's `child` test as another process doing `role` on the store.
fn spawn_child(role: &str, store: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1", "--quiet"])
        .env("ZTS_QUEUE_ROLE", role)
        .env("ZTS_QUEUE_STORE", store)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// What a child said (the test harness prints lines of its own around it).
fn said(output: &str) -> String {
    output.lines().find_map(|line| line.strip_prefix("zts-child: ")).unwrap_or_default().to_owned()
}

/// Kills the child even when the test fails.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn child() {
    let (Ok(role), Ok(store)) = (std::env::var("ZTS_QUEUE_ROLE"), std::env::var("ZTS_QUEUE_STORE")) else {
        return; // only as a child of the tests below
    };
    if role == "hold" {
        // A writer that takes the write lock and never lets go (until killed).
        let mut engine = SqliteEngine::open(&store, &Options::default()).unwrap();
        let _txn = engine.write(true, true).unwrap();
        println!("zts-child: holding");
        loop {
            std::thread::sleep(Duration::from_secs(60));
        }
    }
    let user = role.strip_prefix("save ").unwrap();
    let saved = Store::open(&store, &options(r#"{"busy_timeout_ms": 60000}"#)).unwrap().save(&token(user)).unwrap();
    println!("zts-child: {}", saved.id.unwrap());
}

#[test]
fn writers_go_in_the_order_they_arrived() {
    const WAITERS: usize = 8;
    let store = temp_store("order");
    let path = store.to_str().unwrap();
    drop(Store::open(path, &Options::default()).unwrap());
    let mut holder = SqliteEngine::open(path, &Options::default()).unwrap();
    let txn = holder.write(true, true).unwrap();
    let mut waiters = Vec::new();
    for k in 0..WAITERS {
        waiters.push(spawn_child(&format!("save waiter{k}"), &store));
        // The next one starts when this one is in the queue (or, without a queue, after a while).
        let since = Instant::now();
        while turns_issued(&store) < k as u64 + 2 && since.elapsed() < Duration::from_millis(500) {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    drop(txn);
    let ids: Vec<String> = waiters
        .into_iter()
        .map(|waiter| {
            let out = waiter.wait_with_output().unwrap();
            assert!(out.status.success(), "a waiter failed");
            said(&String::from_utf8(out.stdout).unwrap())
        })
        .collect();
    let expected: Vec<String> = (1..=WAITERS).map(|id| id.to_string()).collect();
    assert_eq!(ids, expected, "waiter k saved k-th: the ids follow the order of arrival");
}

#[test]
fn a_stuck_writer_gives_busy_at_the_timeout_and_a_killed_one_lets_the_others_go() {
    let store = temp_store("stuck");
    let path = store.to_str().unwrap();
    let writer = Store::open(path, &options(r#"{"busy_timeout_ms": 300}"#)).unwrap();
    writer.save(&token("first")).unwrap();
    let mut holder = KillOnDrop(spawn_child("hold", &store));
    let lines = BufReader::new(holder.0.stdout.take().unwrap()).lines();
    let first_word = lines.map_while(Result::ok).find(|line| line.starts_with("zts-child: "));
    assert_eq!(said(&first_word.unwrap_or_default()), "holding");

    let threads = || std::fs::read_dir("/proc/self/task").unwrap().count();
    let before = threads();
    for attempt in 0..3 {
        let started = Instant::now();
        let err = writer.save(&token("second")).unwrap_err();
        let waited = started.elapsed();
        assert_eq!(err.status, Status::Busy, "{err}");
        assert!(err.message.contains("busy_timeout_ms=300"), "names the timeout: {err}");
        assert!(waited >= Duration::from_millis(300), "attempt {attempt} gave up after {waited:?}");
        assert!(waited < Duration::from_secs(10), "attempt {attempt} waited {waited:?}");
        // Readers are never held up by the queue or the writer.
        let started = Instant::now();
        assert_eq!(writer.list().unwrap().len(), 1);
        assert!(started.elapsed() < Duration::from_millis(300), "a read waited {:?}", started.elapsed());
    }
    assert!(threads() <= before + 1, "timed-out waits left threads behind: {before} -> {}", threads());

    // The kernel drops a killed process's locks: the next save goes through at once.
    holder.0.kill().unwrap();
    holder.0.wait().unwrap();
    assert_eq!(writer.save(&token("second")).unwrap().id.as_deref(), Some("2"));
}

#[test]
fn two_handles_in_one_process_queue_against_each_other() {
    let store = temp_store("handles");
    let path = store.to_str().unwrap();
    let mut first = SqliteEngine::open(path, &Options::default()).unwrap();
    let second = Store::open(path, &options(r#"{"busy_timeout_ms": 200}"#)).unwrap();
    let txn = first.write(true, true).unwrap();
    // Per-process (POSIX) locks would let the second handle through the queue to SQLite's lock.
    let err = second.save(&token("u")).unwrap_err();
    assert_eq!(err.status, Status::Busy);
    assert!(err.message.contains("write queue") && err.message.contains("busy_timeout_ms=200"), "{err}");
    drop(txn);
    assert_eq!(second.save(&token("u")).unwrap().id.as_deref(), Some("1"));
}

#[test]
fn the_lock_file_is_private_and_only_writers_have_one() {
    use std::os::unix::fs::PermissionsExt;
    let store = temp_store("lockfile");
    let path = store.to_str().unwrap();
    Store::open(path, &Options::default()).unwrap().save(&token("u")).unwrap();
    let lock = PathBuf::from(format!("{path}-lock"));
    assert_eq!(std::fs::metadata(&lock).unwrap().permissions().mode() & 0o777, 0o600);

    std::fs::remove_file(&lock).unwrap();
    let reader = Store::open(path, &options(r#"{"read_only": true}"#)).unwrap();
    assert_eq!(reader.list().unwrap().len(), 1);
    assert!(!lock.exists(), "a read-only handle made a lock file");
    let memory = Store::open(":memory:", &Options::default()).unwrap();
    memory.save(&token("u")).unwrap();
    assert!(!Path::new(":memory:-lock").exists());
}

/// The try calls (an event loop's) never wait: not for a writer ahead in the queue, not for the write
/// lock a due token's lease needs (another thread's call on the handle: store.rs's unit tests). Each says
/// ZTS_BUSY at once and writes nothing; the same calls succeed once nobody is in the way.
#[test]
fn the_try_calls_never_wait() {
    let store = temp_store("try");
    let path = store.to_str().unwrap();
    let patient = options(r#"{"busy_timeout_ms": 20000}"#);
    let writer = Store::open(path, &patient).unwrap();
    writer.save(&token("u")).unwrap();
    let due = r#"{"user_name":"due","client_id":"c","client_secret":"s","refresh_token":"R","expiry_time":"1"}"#;
    writer.save(&Token::from_json(due).unwrap()).unwrap();
    let refresh = Token::from_json(r#"{"id":"1","access_token":"A2"}"#).unwrap();
    let assert_busy = |result: Result<Token, zts::Error>, what: &str| {
        let err = result.unwrap_err();
        assert_eq!(err.status, Status::Busy, "{what}: {err}");
        assert!(err.message.contains("never waits") && err.message.contains(what), "{err}");
    };

    let mut holder = SqliteEngine::open(path, &Options::default()).unwrap();
    let txn = holder.write(true, true).unwrap();
    let started = Instant::now();
    assert_busy(writer.try_save(&refresh), "write lock");
    assert_busy(writer.try_delete("1").map(|()| refresh.clone()), "write lock");
    // A due token: taking its refresh lease is a write.
    assert_busy(writer.try_find_by_id("2"), "write lock");
    assert_eq!(writer.try_find_by_id("1").unwrap().access_token, None, "a read never waits");
    assert!(started.elapsed() < Duration::from_secs(10), "waited {:?}", started.elapsed());
    drop(txn);

    assert_eq!(writer.try_save(&refresh).unwrap().access_token.as_deref(), Some("A2"));
    assert_eq!(writer.try_find_by_id("2").unwrap().user_name.as_deref(), Some("due"), "the lease taken");
    writer.try_delete("1").unwrap();
    assert_eq!(writer.find_by_id("1").unwrap_err().status, Status::NotFound);
}
