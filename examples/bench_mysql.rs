//! Benchmark of the MySQL engine: zts through its C ABI next to plain `mysql`-crate prepared statements
//! doing the same work on the same server and table (the floor), interleaved round by round; then saves
//! per second from several processes at once.
//! Run (starts a throwaway MariaDB; the pinning keeps server and client on different cores, else a
//! 2-core machine gives bimodal round trips):
//! taskset -c 1 bash tests/mysql/server.sh taskset -c 0 cargo run --release --example bench_mysql
//! [-- --tokens 1000 --processes 6 --seconds 5]; or set ZTS_MYSQL_URL to a server of your own.

mod common;

use common::{call, measure, Rng, ROUNDS};
use mysql::prelude::Queryable;
use std::ffi::CString;
use std::ptr;
use std::time::{Duration, Instant};
use zts::ffi::*;

const COLUMNS: &str = "id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain";
const TABLE: &str = "bench_tokens";

fn open(location: &str) -> *mut zts_store {
    let c = CString::new(location).unwrap();
    let mut store = ptr::null_mut();
    assert_eq!(unsafe { zts_open(c.as_ptr(), ptr::null(), &mut store, ptr::null_mut()) }, 0, "zts_open");
    store
}

fn save(store: *mut zts_store, json: String) {
    let json = CString::new(json).unwrap();
    call(|out| unsafe { zts_save(store, json.as_ptr(), out, ptr::null_mut()) })
}

/// An access-token refresh; `who` keeps the access tokens of different writers apart.
fn refresh_json(id: usize, who: &str, tick: u64) -> String {
    format!(r#"{{"id":"{id}","access_token":"1000.{who}{tick}","expiry_time":"{}"}}"#, 4102444839397u64 + tick)
}

/// One worker process: refreshes random tokens of the table for `seconds`; prints how many.
fn worker(location: &str, tokens: usize, seconds: u64, seed: u64) {
    let store = open(location);
    let mut rng = Rng(seed);
    let (start, mut saves) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_secs(seconds) {
        saves += 1;
        save(store, refresh_json(rng.below(tokens), &format!("w{seed}-"), saves));
    }
    unsafe { zts_close(store) };
    println!("{saves}");
}

fn saves_per_second(location: &str, tokens: usize, processes: usize, seconds: u64) -> f64 {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..processes)
        .map(|p| {
            std::process::Command::new(&exe)
                .args([
                    "--worker",
                    location,
                    &tokens.to_string(),
                    &seconds.to_string(),
                    &(p as u64 * 7919 + 1).to_string(),
                ])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let total: u64 = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "a worker failed");
            String::from_utf8(out.stdout).unwrap().trim().parse::<u64>().unwrap()
        })
        .sum();
    total as f64 / seconds as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--worker") {
        let n = |i: usize| args[i].parse::<u64>().unwrap();
        return worker(&args[2], n(3) as usize, n(4), n(5));
    }
    let arg = |name: &str, default: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or(default.to_owned())
    };
    let tokens: usize = arg("--tokens", "1000").parse().unwrap();
    let processes: usize = arg("--processes", "6").parse().unwrap();
    let seconds: u64 = arg("--seconds", "5").parse().unwrap();
    let url = std::env::var("ZTS_MYSQL_URL").expect("ZTS_MYSQL_URL (run through tests/mysql/server.sh)");
    let location = format!("{url}?table={TABLE}");

    let mut floor = mysql::Conn::new(mysql::Opts::from_url(&url).unwrap()).unwrap();
    floor.query_drop(format!("DROP TABLE IF EXISTS {TABLE}")).unwrap();
    let _ = floor.exec_drop("DELETE FROM zts_store WHERE token_table = ?", (TABLE,));
    let store = open(&location);
    floor.query_drop("START TRANSACTION").unwrap();
    for k in 1..=tokens {
        floor
            .exec_drop(
                format!("INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, 'cid', 'csec', ?, ?, NULL, '4102444839397', 'http://localhost/cb', 'https://www.zohoapis.com')"),
                (k.to_string(), format!("user{k}@example.com:777"), format!("1000.rt{k}"), format!("1000.{k:064x}")),
            )
            .unwrap();
    }
    floor.query_drop("COMMIT").unwrap();
    floor.query_drop(format!("UPDATE zts_store SET last_id = {tokens} WHERE token_table = '{TABLE}'")).unwrap();
    let version: Option<String> = floor.query_first("SELECT VERSION()").unwrap();

    println!(
        "command: bash tests/mysql/server.sh cargo run --release --example bench_mysql -- {}",
        args[1..].join(" ")
    );
    println!(
        "machine: {} cores; server {} on 127.0.0.1 (TCP, no TLS), {tokens} tokens",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        version.unwrap_or_default()
    );
    println!("medians of {ROUNDS} alternating rounds; floor = plain mysql-crate prepared statements, same server and table\n");
    println!("| operation | zts µs/op | floor µs/op | zts/floor |");
    println!("| --- | ---: | ---: | ---: |");
    let row =
        |op: &str, (z, f): (f64, f64)| println!("| {op} | {:.1} | {:.1} | {:.2} |", z / 1000.0, f / 1000.0, z / f);

    let (mut rz, mut rf) = (Rng(0x9e3779b97f4a7c15), Rng(0x9e3779b97f4a7c15));
    let select = |column: &str| format!("SELECT {COLUMNS} FROM {TABLE} WHERE {column} = ? LIMIT 1");
    let by_user = measure(
        || {
            let json = CString::new(format!(r#"{{"user_name":"user{}@example.com:777"}}"#, rz.below(tokens))).unwrap();
            call(|out| unsafe { zts_find(store, json.as_ptr(), out, ptr::null_mut()) })
        },
        || {
            let found: Option<mysql::Row> =
                floor.exec_first(select("user_name"), (format!("user{}@example.com:777", rf.below(tokens)),)).unwrap();
            assert!(found.is_some());
        },
    );
    row("find by user_name", by_user);
    let by_id = measure(
        || {
            let id = CString::new(rz.below(tokens).to_string()).unwrap();
            call(|out| unsafe { zts_find_by_id(store, id.as_ptr(), out, ptr::null_mut()) })
        },
        || {
            let found: Option<mysql::Row> = floor.exec_first(select("id"), (rf.below(tokens).to_string(),)).unwrap();
            assert!(found.is_some());
        },
    );
    row("find_by_id", by_id);
    let (mut tick, mut ftick) = (0u64, 0u64);
    let update = measure(
        || {
            tick += 1;
            save(store, refresh_json(rz.below(tokens), "z", tick));
        },
        || {
            // The least a correct refresh does: a transaction that reads the row locked and updates it.
            ftick += 1;
            let id = rf.below(tokens).to_string();
            floor.query_drop("START TRANSACTION").unwrap();
            let found: Option<mysql::Row> = floor.exec_first(format!("{} FOR UPDATE", select("id")), (&id,)).unwrap();
            assert!(found.is_some());
            floor
                .exec_drop(
                    format!("UPDATE {TABLE} SET access_token = ?, expiry_time = ? WHERE id = ?"),
                    (format!("1000.f{ftick}"), (4102444839397u64 + ftick).to_string(), &id),
                )
                .unwrap();
            floor.query_drop("COMMIT").unwrap();
        },
    );
    row("save (refresh by id)", update);
    unsafe { zts_close(store) };

    let rate = saves_per_second(&location, tokens, processes, seconds);
    println!("\nsaves per second, {processes} processes refreshing random tokens for {seconds} s: {rate:.0}");
}
