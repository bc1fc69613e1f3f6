//! Benchmark: zts through its C ABI next to a plain rusqlite prepared statement doing the same work on
//! the same file (the floor), interleaved round by round so machine noise hits both.
//! Then refresh coordination: a find of a token that is not due with coordination on (the default)
//! next to the same find with it off (`refresh_lease_ms: 0`, the code path of zts before leases), and
//! how much longer than the holder's refresh a coalesced caller waits.
//! Run: cargo run --release --example bench [-- --sizes 10,1000,100000 --synchronous normal,full]

use rusqlite::{params, Connection, TransactionBehavior};
use std::ffi::{c_char, CString};
use std::ptr;
use std::time::Instant;
use zts::ffi::*;

const ROUNDS: usize = 11;
const ROUND_NANOS: u128 = 15_000_000;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize + 1
    }
}

/// Calls a zts function that returns an owned string and frees it, as a C caller does.
fn call(f: impl FnOnce(*mut *mut c_char) -> i32) {
    let mut out = ptr::null_mut();
    let status = f(&mut out);
    assert_eq!(status, 0, "zts call failed");
    unsafe { zts_string_free(out) };
}

fn read_row(r: &rusqlite::Row) -> rusqlite::Result<[Option<String>; 10]> {
    let mut v: [Option<String>; 10] = Default::default();
    for (i, slot) in v.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(v)
}

const SELECT: &str = "SELECT id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain FROM oauthtoken";

/// Median ns/op of `zts` and `floor`, measured in alternating rounds of the same number of ops.
fn measure(mut zts_op: impl FnMut(), mut floor_op: impl FnMut()) -> (f64, f64) {
    for _ in 0..20 {
        zts_op();
        floor_op();
    }
    let start = Instant::now();
    let mut ops = 0;
    while start.elapsed().as_nanos() < ROUND_NANOS / 3 || ops == 0 {
        zts_op();
        ops += 1;
    }
    let per_round = (ops * 3).max(1);
    let (mut z, mut f) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (samples, op) in [(&mut z, &mut zts_op as &mut dyn FnMut()), (&mut f, &mut floor_op as &mut dyn FnMut())] {
            let t = Instant::now();
            for _ in 0..per_round {
                op();
            }
            samples.push(t.elapsed().as_nanos() as f64 / per_round as f64);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    (median(&mut z), median(&mut f))
}

fn populate(path: &str, n: usize) {
    let mut c = Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut s = tx.prepare("INSERT INTO oauthtoken VALUES (?1, ?2, 'cid', 'csec', ?3, ?4, NULL, '4102444839397', 'http://localhost/cb', 'https://www.zohoapis.com')").unwrap();
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
                4102444839397u64 + tick
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
                    (4102444839397u64 + ftick).to_string(),
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
    println!(
        "\nRefresh coordination: a find of a token that is not due, on = default options, off = refresh_lease_ms 0\n"
    );
    println!("| tokens | operation | on µs/op | off µs/op | on/off |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    for &size in &sizes {
        bench_lease_overhead(size);
    }
    coalesced_wait();
}

fn open(path: &str, options: &str) -> *mut zts_store {
    let (path, options) = (CString::new(path).unwrap(), CString::new(options).unwrap());
    let mut store = ptr::null_mut();
    assert_eq!(unsafe { zts_open(path.as_ptr(), options.as_ptr(), &mut store, ptr::null_mut()) }, 0);
    store
}

fn bench_lease_overhead(size: usize) {
    let dir = std::env::temp_dir().join(format!("zts-bench-lease-{}-{size}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db").to_str().unwrap().to_owned();
    unsafe { zts_close(open(&path, "{}")) };
    populate(&path, size);
    let (on, off) = (open(&path, "{}"), open(&path, r#"{"refresh_lease_ms":0}"#));
    let (mut r_on, mut r_off) = (Rng(0x9e3779b97f4a7c15), Rng(0x9e3779b97f4a7c15));
    let by_id = |store: *mut zts_store, rng: &mut Rng| {
        let id = CString::new(rng.below(size).to_string()).unwrap();
        call(|out| unsafe { zts_find_by_id(store, id.as_ptr(), out, ptr::null_mut()) })
    };
    let (a, b) = measure(|| by_id(on, &mut r_on), || by_id(off, &mut r_off));
    println!("| {size} | find_by_id | {:.2} | {:.2} | {:.3} |", a / 1000.0, b / 1000.0, a / b);
    let by_user = |store: *mut zts_store, rng: &mut Rng| {
        let json = CString::new(format!(r#"{{"user_name":"user{}@example.com:777"}}"#, rng.below(size))).unwrap();
        call(|out| unsafe { zts_find(store, json.as_ptr(), out, ptr::null_mut()) })
    };
    let (a, b) = measure(|| by_user(on, &mut r_on), || by_user(off, &mut r_off));
    println!("| {size} | find by user_name | {:.2} | {:.2} | {:.3} |", a / 1000.0, b / 1000.0, a / b);
    unsafe {
        zts_close(on);
        zts_close(off);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A caller that finds a token while another refreshes it (a 300 ms round trip) waits for the save;
/// how long after the save it gets the new token is what coalescing costs it.
fn coalesced_wait() {
    const ROUND_TRIP_MS: u64 = 300;
    let dir = std::env::temp_dir().join(format!("zts-bench-wait-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db").to_str().unwrap().to_owned();
    let (holder, waiter) = (open(&path, "{}") as usize, open(&path, "{}") as usize);
    let save = |store: usize, json: &str| {
        let json = CString::new(json).unwrap();
        call(|out| unsafe { zts_save(store as *mut zts_store, json.as_ptr(), out, ptr::null_mut()) })
    };
    save(
        holder,
        r#"{"user_name":"u","client_id":"c","client_secret":"s","refresh_token":"R","access_token":"A0","expiry_time":"1"}"#,
    );
    let one = CString::new("1").unwrap();
    let mut extra = Vec::new();
    for round in 1..=11 {
        // Expired again: the holder's find takes the lease.
        save(holder, &format!(r#"{{"id":"1","access_token":"E{round}","expiry_time":"1"}}"#));
        call(|out| unsafe { zts_find_by_id(holder as *mut zts_store, one.as_ptr(), out, ptr::null_mut()) });
        let saved_at = std::thread::scope(|scope| {
            let waiting = scope.spawn(|| {
                let one = CString::new("1").unwrap();
                call(|out| unsafe { zts_find_by_id(waiter as *mut zts_store, one.as_ptr(), out, ptr::null_mut()) });
                Instant::now()
            });
            std::thread::sleep(std::time::Duration::from_millis(ROUND_TRIP_MS));
            save(holder, &format!(r#"{{"id":"1","access_token":"A{round}","expiry_time":"4102444839397"}}"#));
            let saved_at = Instant::now();
            waiting.join().unwrap().saturating_duration_since(saved_at)
        });
        extra.push(saved_at.as_secs_f64() * 1000.0);
    }
    extra.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "\nA coalesced caller, holder's refresh {ROUND_TRIP_MS} ms: it gets the new token {:.1} ms (median; max {:.1} ms) after the holder's save, with no HTTP call of its own",
        extra[extra.len() / 2],
        extra[extra.len() - 1]
    );
    unsafe {
        zts_close(holder as *mut zts_store);
        zts_close(waiter as *mut zts_store);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
