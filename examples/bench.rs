//! Benchmark: zts through its C ABI next to a plain rusqlite prepared statement doing the same work on
//! the same file (the floor), interleaved round by round so machine noise hits both.
//! Run: cargo run --release --example bench [-- --sizes 10,1000,100000 --synchronous normal,full]

mod common;

use common::{call, measure, Rng, ROUNDS};
use rusqlite::{params, Connection, TransactionBehavior};
use std::ffi::CString;
use std::ptr;
use zts::ffi::*;

fn read_row(r: &rusqlite::Row) -> rusqlite::Result<[Option<String>; 10]> {
    let mut v: [Option<String>; 10] = Default::default();
    for (i, slot) in v.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(v)
}

const SELECT: &str = "SELECT id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain FROM oauthtoken";

fn populate(path: &str, n: usize) {
    let mut c = Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut s = tx.prepare("INSERT INTO oauthtoken VALUES (?1, ?2, 'cid', 'csec', ?3, ?4, NULL, '1795350239397', 'http://localhost/cb', 'https://www.zohoapis.com')").unwrap();
        for k in 1..=n {
            let access = format!("1000.{:064x}", k);
            s.execute(params![k.to_string(), format!("user{k}@example.com:777"), format!("1000.rt{k}"), access])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn bench(size: usize, sync: &str) {
    let dir = std::env::temp_dir().join(format!("zts-bench-{}-{size}-{sync}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db").to_str().unwrap().to_owned();
    let c_path = CString::new(path.clone()).unwrap();
    let options = CString::new(format!(r#"{{"synchronous":"{sync}","busy_timeout_ms":5000}}"#)).unwrap();
    let mut store = ptr::null_mut();
    assert_eq!(unsafe { zts_open(c_path.as_ptr(), options.as_ptr(), &mut store, ptr::null_mut()) }, 0);
    unsafe { zts_close(store) };
    populate(&path, size);
    assert_eq!(unsafe { zts_open(c_path.as_ptr(), options.as_ptr(), &mut store, ptr::null_mut()) }, 0);
    let mut floor = Connection::open(&path).unwrap();
    floor.pragma_update(None, "synchronous", sync).unwrap();
    floor.busy_timeout(std::time::Duration::from_secs(5)).unwrap();

    let (mut rz, mut rf) = (Rng(0x9e3779b97f4a7c15), Rng(0x9e3779b97f4a7c15));
    let row = |op: &str, (z, f): (f64, f64)| {
        println!("| {size} | {sync} | {op} | {:.1} | {:.1} | {:.2} |", z / 1000.0, f / 1000.0, z / f);
    };
    let zfind = |json: String| {
        call(|out| unsafe { zts_find(store, CString::new(json).unwrap().as_ptr(), out, ptr::null_mut()) })
    };

    let by_user = measure(
        || zfind(format!(r#"{{"user_name":"user{}@example.com:777"}}"#, rz.below(size))),
        || {
            let mut s = floor.prepare_cached(&format!("{SELECT} WHERE user_name = ?1 LIMIT 1")).unwrap();
            s.query_row([format!("user{}@example.com:777", rf.below(size))], read_row).unwrap();
        },
    );
    row("find by user_name", by_user);
    let by_refresh = measure(
        || {
            zfind(format!(
                r#"{{"client_id":"cid","client_secret":"csec","refresh_token":"1000.rt{}"}}"#,
                rz.below(size)
            ))
        },
        || {
            let mut s = floor.prepare_cached(&format!("{SELECT} WHERE refresh_token = ?1 LIMIT 1")).unwrap();
            s.query_row([format!("1000.rt{}", rf.below(size))], read_row).unwrap();
        },
    );
    row("find by refresh_token", by_refresh);
    let by_id = measure(
        || {
            let id = CString::new(rz.below(size).to_string()).unwrap();
            call(|out| unsafe { zts_find_by_id(store, id.as_ptr(), out, ptr::null_mut()) })
        },
        || {
            let mut s = floor.prepare_cached(&format!("{SELECT} WHERE id = ?1 LIMIT 1")).unwrap();
            s.query_row([rf.below(size).to_string()], read_row).unwrap();
        },
    );
    row("find_by_id", by_id);
    let mut tick = 0u64;
    let mut ftick = 0u64;
    let update = measure(
        || {
            tick += 1;
            let json = format!(
                r#"{{"id":"{}","access_token":"1000.new{tick}","expiry_time":"{}"}}"#,
                rz.below(size),
                1795350239397u64 + tick
            );
            let json = CString::new(json).unwrap();
            call(|out| unsafe { zts_save(store, json.as_ptr(), out, ptr::null_mut()) })
        },
        || {
            ftick += 1;
            let tx = floor.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
            tx.prepare_cached("UPDATE oauthtoken SET access_token = ?1, expiry_time = ?2 WHERE id = ?3")
                .unwrap()
                .execute(params![
                    format!("1000.new{ftick}"),
                    (1795350239397u64 + ftick).to_string(),
                    rf.below(size).to_string()
                ])
                .unwrap();
            tx.commit().unwrap();
        },
    );
    row("save (update by id)", update);
    // Before the inserts, so the table still holds `size` tokens.
    if size <= 1000 {
        let list = measure(
            || call(|out| unsafe { zts_list(store, out, ptr::null_mut()) }),
            || {
                let mut s = floor.prepare_cached(&format!("{SELECT} ORDER BY CAST(id AS INTEGER), id")).unwrap();
                s.query_map([], read_row).unwrap().for_each(|r| drop(r.unwrap()));
            },
        );
        row("list", list);
    }
    // Distinct names for the two sides so neither matches the other's rows.
    let (mut next, mut fnext) = (0u64, 0u64);
    let insert = measure(
        || {
            next += 1;
            let json = format!(
                r#"{{"user_name":"new{next}@x:1","client_id":"cid","client_secret":"csec","grant_token":"g{next}","refresh_token":"r{next}","access_token":"a{next}"}}"#
            );
            let json = CString::new(json).unwrap();
            call(|out| unsafe { zts_save(store, json.as_ptr(), out, ptr::null_mut()) })
        },
        || {
            fnext += 1;
            let next = fnext + 1_000_000_000;
            let tx = floor.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
            let id: i64 = tx
                .prepare_cached("SELECT CAST(id AS INTEGER) FROM oauthtoken ORDER BY CAST(id AS INTEGER) DESC LIMIT 1")
                .unwrap()
                .query_row([], |r| r.get(0))
                .unwrap();
            tx.prepare_cached("INSERT INTO oauthtoken VALUES (?1, ?2, 'cid', 'csec', ?3, ?4, ?5, NULL, NULL, NULL)")
                .unwrap()
                .execute(params![
                    (id + 1).to_string(),
                    format!("new{next}@x:1"),
                    format!("r{next}"),
                    format!("a{next}"),
                    format!("g{next}")
                ])
                .unwrap();
            tx.commit().unwrap();
        },
    );
    row("save (insert)", insert);
    unsafe { zts_close(store) };
    drop(floor);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or(default.to_owned())
    };
    let sizes: Vec<usize> = arg("--sizes", "10,1000,100000").split(',').map(|s| s.parse().unwrap()).collect();
    let syncs = arg("--synchronous", "normal,full");
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        .unwrap_or_default();
    println!("command: cargo run --release --example bench -- {}", args[1..].join(" "));
    println!(
        "machine: {} cores, {cpu}; SQLite {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        rusqlite::version()
    );
    println!("medians of {ROUNDS} alternating rounds; floor = plain rusqlite prepared statements on the same file\n");
    println!("| tokens | synchronous | operation | zts µs/op | floor µs/op | zts/floor |");
    println!("| ---: | --- | --- | ---: | ---: | ---: |");
    for sync in syncs.split(',') {
        for &size in &sizes {
            bench(size, sync);
        }
    }
}
