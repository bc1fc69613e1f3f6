//! Several processes save the same users at the same moment: one row per user, no lost update,
//! unique ids, on SQLite and (when tests/mysql/server.sh set ZTS_MYSQL_URL) on MySQL. The test re-runs
//! its own binary as the worker processes.

mod support;

use std::collections::{HashMap, HashSet};
use std::process::Command;
use zts::{Options, Store, Token};

const WORKERS: usize = 4;
const SHARED_USERS: usize = 20;
const ROUNDS: usize = 40;
const OWN_USERS: usize = 25;
/// Each worker owns one field of every shared user's row, so a lost update shows as a stale field.
const OWNED_FIELD: [&str; WORKERS] = ["access_token", "expiry_time", "redirect_url", "api_domain"];

fn value(worker: usize, round: usize) -> String {
    if OWNED_FIELD[worker] == "expiry_time" {
        (1_795_350_000_000u64 + round as u64).to_string()
    } else {
        format!("w{worker}-r{round}")
    }
}

fn token(pairs: &[(&str, String)]) -> Token {
    let map: serde_json::Map<String, serde_json::Value> =
        pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(v.as_str()))).collect();
    Token::from_json(&serde_json::Value::Object(map).to_string()).unwrap()
}

/// One worker process: for each round, saves every shared user (by user_name, as the SDK's grant
/// flow does) setting only its own field, then inserts its own new users.
fn work(path: &str, options: &str, worker: usize, start_at_ms: u128) {
    // All workers start at the same moment, so their saves overlap.
    while now_ms() < start_at_ms {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let store = Store::open(path, &Options::from_json(Some(options)).unwrap()).unwrap();
    for round in 0..ROUNDS {
        for user in 0..SHARED_USERS {
            let t = token(&[
                ("user_name", format!("shared{user}@x:777")),
                ("client_id", "cid".into()),
                ("client_secret", "csec".into()),
                ("refresh_token", format!("RT-shared{user}")),
                (OWNED_FIELD[worker], value(worker, round)),
            ]);
            store.save(&t).unwrap();
        }
        for own in 0..OWN_USERS / ROUNDS + 1 {
            let n = round * (OWN_USERS / ROUNDS + 1) + own;
            if n < OWN_USERS {
                store
                    .save(&token(&[
                        ("user_name", format!("own{worker}-{n}@x")),
                        ("access_token", format!("AT{worker}-{n}")),
                    ]))
                    .unwrap();
            }
        }
    }
}

#[test]
fn race_worker() {
    // Runs only as a child of `processes_saving_the_same_users_at_once`.
    let var = |name| std::env::var(name);
    if let (Ok(path), Ok(options), Ok(worker), Ok(start)) =
        (var("ZTS_RACE_PATH"), var("ZTS_RACE_OPTIONS"), var("ZTS_RACE_WORKER"), var("ZTS_RACE_START_MS"))
    {
        work(&path, &options, worker.parse().unwrap(), start.parse().unwrap());
    }
}

fn now_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
}

#[test]
fn processes_saving_the_same_users_at_once() {
    let dir = std::env::temp_dir().join(format!("zts-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db").to_str().unwrap().to_owned();
    race(&path, r#"{"busy_timeout_ms": 30000, "synchronous": "normal"}"#);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn processes_saving_the_same_users_at_once_on_mysql() {
    let Some(server) = support::MysqlServer::from_env() else { return };
    race(&server.fresh_location("race"), r#"{"busy_timeout_ms": 30000}"#);
}

fn race(path: &str, options: &str) {
    // No store exists yet: the workers also race to create it.
    let start_at = now_ms() + 500;
    let children: Vec<_> = (0..WORKERS)
        .map(|worker| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "race_worker", "--nocapture", "--test-threads=1"])
                .env("ZTS_RACE_PATH", path)
                .env("ZTS_RACE_OPTIONS", options)
                .env("ZTS_RACE_WORKER", worker.to_string())
                .env("ZTS_RACE_START_MS", start_at.to_string())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a worker failed");
    }

    let store = Store::open(path, &Options::default()).unwrap();
    let all = store.list().unwrap();
    assert_eq!(all.len(), SHARED_USERS + WORKERS * OWN_USERS, "one row per user");
    let ids: HashSet<_> = all.iter().map(|t| t.id.clone().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "ids are unique");
    let expected_ids: HashSet<_> = (1..=all.len()).map(|i| i.to_string()).collect();
    assert_eq!(ids, expected_ids, "ids are 1..N with no gap or reuse");

    let by_user: HashMap<_, _> = all.iter().map(|t| (t.user_name.clone().unwrap(), t)).collect();
    assert_eq!(by_user.len(), all.len(), "no user twice");
    for user in 0..SHARED_USERS {
        let row = by_user[&format!("shared{user}@x:777")];
        let json: serde_json::Value = serde_json::from_str(&row.to_json()).unwrap();
        for (worker, field) in OWNED_FIELD.iter().enumerate() {
            assert_eq!(json[field], value(worker, ROUNDS - 1).as_str(), "user {user}: {field} lost an update");
        }
    }
}
