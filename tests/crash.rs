//! Crash safety: writer processes are killed with SIGKILL at random moments, over and over. After every
//! kill the store opens, `PRAGMA integrity_check` passes, and every save or delete a writer reported as
//! done is there; a change in flight at the kill is either wholly there or wholly absent.
//!
//! `ZTS_CRASH_KILLS` sets the number of kills (default 200, a few seconds); `ZTS_CRASH_DEBUG=1` prints
//! what the writers reported. The test re-runs its own binary as the writers (default options:
//! synchronous "auto", the setting the README documents).

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use zts::{Options, Store, Token};

/// Writers killed at once in each round; each owns its users, so the expected state is exact.
const WRITERS: usize = 2;
const USERS_PER_WRITER: u64 = 12;

/// The fields a writer sets; a stored row must equal one complete version of them.
type Version = [String; 5];
const FIELDS: [&str; 5] = ["user_name", "client_id", "refresh_token", "access_token", "expiry_time"];

/// A small deterministic generator (no dependency needed for test randomness).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn token_of(version: &Version) -> Token {
    let map: serde_json::Map<String, serde_json::Value> =
        FIELDS.iter().zip(version).map(|(k, v)| (k.to_string(), v.as_str().into())).collect();
    Token::from_json(&serde_json::Value::Object(map).to_string()).unwrap()
}

fn version_of(token: &Token) -> Version {
    let json: serde_json::Value = serde_json::from_str(&token.to_json()).unwrap();
    FIELDS.map(|f| json[f].as_str().unwrap_or("").to_string())
}

/// What a writer is about to do, printed before the call; "DONE" is printed after it succeeds.
#[derive(Clone, Debug)]
enum Change {
    Save(Version),
    Delete(String),
}

impl Change {
    fn line(&self) -> String {
        match self {
            Change::Save(v) => format!("SAVE {}", v.join("\t")),
            Change::Delete(user) => format!("DELETE {user}"),
        }
    }

    fn parse(line: &str) -> Option<Change> {
        if let Some(rest) = line.strip_prefix("SAVE ") {
            let parts: Vec<String> = rest.split('\t').map(str::to_string).collect();
            return Some(Change::Save(parts.try_into().ok()?));
        }
        line.strip_prefix("DELETE ").map(|user| Change::Delete(user.to_string()))
    }

    fn user(&self) -> &str {
        match self {
            Change::Save(v) => &v[0],
            Change::Delete(user) => user,
        }
    }
}

/// The writer process: random saves (refreshes, new refresh tokens, new users) and deletes of its own
/// users until it is killed.
fn write_until_killed(path: &str, writer: usize, seed: u64) {
    println!(); // ends the harness's "test crash_writer ... " line, so each change starts a line
    let store = Store::open(path, &Options::default()).unwrap();
    let mut rng = Rng(seed | 1);
    let mut n = 0u64;
    loop {
        n += 1;
        let user = format!("w{writer}-u{}@x", rng.below(USERS_PER_WRITER));
        let change = if rng.below(8) == 0 {
            Change::Delete(user)
        } else {
            let refresh = if rng.below(4) == 0 { format!("RT-{seed}-{n}") } else { format!("RT-{user}") };
            Change::Save([user, "cid".into(), refresh, format!("AT-{seed}-{n}"), format!("{}", 1_795_000_000_000 + n)])
        };
        println!("{}", change.line());
        match &change {
            Change::Save(version) => drop(store.save(&token_of(version)).unwrap()),
            Change::Delete(user) => {
                let query = token_of(&[user.clone(), String::new(), String::new(), String::new(), String::new()]);
                if let Ok(found) = store.find(&query) {
                    store.delete(found.id.as_deref().unwrap()).unwrap();
                }
            }
        }
        println!("DONE");
    }
}

#[test]
fn crash_writer() {
    // Runs only as a child of `killed_writers_lose_no_acknowledged_change`.
    if let (Ok(path), Ok(writer), Ok(seed)) =
        (std::env::var("ZTS_CRASH_PATH"), std::env::var("ZTS_CRASH_WRITER"), std::env::var("ZTS_CRASH_SEED"))
    {
        write_until_killed(&path, writer.parse().unwrap(), seed.parse().unwrap());
    }
}

fn spawn_writer(path: &str, writer: usize, seed: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_writer", "--nocapture", "--test-threads=1"])
        .env("ZTS_CRASH_PATH", path)
        .env("ZTS_CRASH_WRITER", writer.to_string())
        .env("ZTS_CRASH_SEED", seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The expected state: per user, the last acknowledged version (None: deleted or never saved), and
/// the change in flight when its writer was killed, which may or may not have committed.
#[derive(Default)]
struct Expected {
    acknowledged: HashMap<String, Option<Version>>,
    in_flight: HashMap<String, Change>,
}

impl Expected {
    /// Reads a killed writer's output: every change followed by DONE was acknowledged. Returns how many.
    fn read(&mut self, output: impl BufRead) -> usize {
        let (mut pending, mut done): (Option<Change>, usize) = (None, 0);
        for line in output.lines().map_while(Result::ok) {
            if std::env::var("ZTS_CRASH_DEBUG").is_ok() {
                eprintln!("OUT {line}");
            }
            if line == "DONE" {
                let change = pending.take().expect("DONE follows a change");
                let state = match &change {
                    Change::Save(v) => Some(v.clone()),
                    Change::Delete(_) => None,
                };
                self.acknowledged.insert(change.user().to_string(), state);
                done += 1;
            } else if let Some(change) = Change::parse(&line) {
                pending = Some(change);
            }
        }
        if let Some(change) = pending {
            self.in_flight.insert(change.user().to_string(), change);
        }
        done
    }

    /// Checks the store against the expectation; then settles in-flight changes to what was found.
    /// Returns how many in-flight changes had committed.
    fn check(&mut self, store: &Store, round: usize) -> usize {
        let mut committed_in_flight = 0;
        let mut stored: HashMap<String, Version> = HashMap::new();
        for token in store.list().unwrap() {
            let version = version_of(&token);
            let previous = stored.insert(version[0].clone(), version);
            assert!(previous.is_none(), "round {round}: two rows for one user");
        }
        let users: BTreeSet<String> = self.acknowledged.keys().chain(self.in_flight.keys()).cloned().collect();
        for user in users {
            let found = stored.remove(&user);
            let acknowledged = self.acknowledged.get(&user).cloned().flatten();
            let after_flight = match self.in_flight.remove(&user) {
                Some(Change::Save(v)) => Some(Some(v)),
                Some(Change::Delete(_)) => Some(None),
                None => None,
            };
            let ok = found == acknowledged || after_flight.as_ref() == Some(&found);
            committed_in_flight += usize::from(found != acknowledged);
            assert!(
                ok,
                "round {round}, {user}: stored {found:?}, acknowledged {acknowledged:?}, in flight {after_flight:?}"
            );
            self.acknowledged.insert(user, found);
        }
        assert!(stored.is_empty(), "round {round}: rows nobody wrote: {stored:?}");
        committed_in_flight
    }
}

fn integrity(path: &str) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

#[test]
fn killed_writers_lose_no_acknowledged_change() {
    let kills: usize = std::env::var("ZTS_CRASH_KILLS").map(|k| k.parse().unwrap()).unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("zts-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db").to_str().unwrap().to_owned();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ std::process::id() as u64);
    let mut expected = Expected::default();
    let (mut killed, mut acknowledged, mut in_flight, mut committed, started) = (0, 0, 0, 0, Instant::now());
    let mut round = 0;
    // The store exists before the first kill: otherwise, when every writer of round 1 dies before
    // creating it, integrity_check's connection would make an empty file where the store should be.
    drop(Store::open(&path, &Options::default()).unwrap());
    while killed < kills {
        round += 1;
        let mut writers: Vec<Child> =
            (0..WRITERS).map(|w| spawn_writer(&path, w, rng.below(u64::MAX - 1) + 1)).collect();
        // Kill each writer at its own random moment, 0-40 ms after it started, mid-transaction or not.
        for writer in writers.iter_mut() {
            std::thread::sleep(Duration::from_micros(rng.below(20_000)));
            writer.kill().unwrap(); // SIGKILL
        }
        for mut writer in writers {
            writer.wait().unwrap();
            acknowledged += expected.read(BufReader::new(writer.stdout.take().unwrap()));
            killed += 1;
        }
        assert_eq!(integrity(&path), "ok", "round {round}: integrity_check after the kills");
        let store = Store::open(&path, &Options::default()).expect("the store opens after a kill");
        in_flight += expected.in_flight.len();
        committed += expected.check(&store, round);
    }
    assert!(acknowledged > kills, "the writers got to work before they were killed ({acknowledged} changes)");
    // Written to the process's stderr itself, not through eprintln!, which the test harness captures
    // and hides when the test passes: every run shows its figures.
    let _ = writeln!(
        std::io::stderr(),
        "crash: {killed} writers killed with SIGKILL in {round} rounds ({:.1} s): {acknowledged} acknowledged \
         changes, all found after the kills (0 lost); {in_flight} changes in flight at a kill, {committed} of \
         them committed whole, the rest absent whole; integrity_check ok every round",
        started.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
