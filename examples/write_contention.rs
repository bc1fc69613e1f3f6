//! Benchmark: many writer processes saving new tokens into one store while two CPU-bound processes run
//! beside them, with the write queue ("after") and without it ("before": SQLite's busy handler alone,
//! `ZTS_WRITE_QUEUE=off`), alternating in one run. Reports the time of each save (its wait for the
//! lock included): p50, p99, max, max / (p50 x writers), and the ZTS_BUSY count.
//! Run: cargo run --release --example write_contention [-- --writers 16,64 --saves 150 --rounds 1 --hogs 2]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use zts::engine::write_queue::SWITCH;
use zts::{Options, Status, Store, Token};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--hog") => hog(),
        Some("--writer") => {
            writer(&args[1], args[2].parse().unwrap(), args[3].parse().unwrap(), args[4].parse().unwrap())
        }
        _ => run(&args),
    }
}

fn option<'a>(args: &'a [String], name: &str, default: &'a str) -> &'a str {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map_or(default, String::as_str)
}

fn run(args: &[String]) {
    let writer_counts: Vec<usize> =
        option(args, "--writers", "16,64").split(',').map(|n| n.parse().expect("--writers N,M")).collect();
    let saves: usize = option(args, "--saves", "150").parse().expect("--saves N");
    let rounds: usize = option(args, "--rounds", "1").parse().expect("--rounds N");
    let hogs: usize = option(args, "--hogs", "2").parse().expect("--hogs N");
    let dir = std::env::temp_dir().join(format!("zts-write-contention-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!("{saves} new tokens saved per writer process, {hogs} CPU-bound processes beside them, default options");
    println!("{} cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!(
        "| writers | queue | saves | p50 ms | p99 ms | max ms | max / (p50 x writers) | ZTS_BUSY | wall s | saves/s |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let hogs: Vec<Child> = (0..hogs).map(|_| spawn(&["--hog"], false)).collect();
    for round in 0..rounds {
        for &writers in &writer_counts {
            for queue in [false, true] {
                let path = dir.join(format!("r{round}-w{writers}-{}.db", if queue { "queue" } else { "busy-handler" }));
                let report = measure(path.to_str().unwrap(), writers, saves, queue);
                println!(
                    "| {writers} | {} | {} | {:.2} | {:.2} | {:.1} | {:.1} | {} | {:.2} | {:.0} |",
                    if queue { "on (after)" } else { "off (before)" },
                    report.waits.len(),
                    report.percentile(0.50),
                    report.percentile(0.99),
                    report.percentile(1.0),
                    report.percentile(1.0) / (report.percentile(0.50) * writers as f64),
                    report.busy,
                    report.wall.as_secs_f64(),
                    report.waits.len() as f64 / report.wall.as_secs_f64(),
                );
            }
        }
    }
    for mut hog in hogs {
        let _ = hog.kill();
        let _ = hog.wait();
    }
    uncontended(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the queue costs when no one waits: one process refreshing one token (an update by id with
/// synchronous "normal", the cheapest save), with and without the queue in alternating rounds.
fn uncontended(dir: &std::path::Path) {
    let open = |queue: bool| {
        let path = dir.join(format!("uncontended-{queue}.db"));
        std::env::set_var(SWITCH, if queue { "on" } else { "off" });
        let store =
            Store::open(path.to_str().unwrap(), &Options::from_json(Some(r#"{"synchronous":"normal"}"#)).unwrap())
                .unwrap();
        std::env::remove_var(SWITCH);
        store
            .save(
                &Token::from_json(r#"{"user_name":"u@x","refresh_token":"R","client_id":"c","client_secret":"s"}"#)
                    .unwrap(),
            )
            .unwrap();
        store
    };
    let stores = [open(false), open(true)];
    let mut medians: [Vec<f64>; 2] = Default::default();
    for round in 0..21 {
        for (store, samples) in stores.iter().zip(medians.iter_mut()) {
            let started = Instant::now();
            for n in 0..500 {
                let refresh = format!(r#"{{"id":"1","access_token":"A{round}-{n}","expiry_time":"4102444839397"}}"#);
                store.save(&Token::from_json(&refresh).unwrap()).unwrap();
            }
            samples.push(started.elapsed().as_secs_f64() * 1e6 / 500.0);
        }
    }
    let [off, on] = medians.map(|mut v| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    });
    println!();
    println!("uncontended refresh save (update by id, synchronous normal), median of 21 rounds of 500:");
    println!("| queue off (before) µs | queue on (after) µs | on - off µs |");
    println!("| --- | --- | --- |");
    println!("| {off:.1} | {on:.1} | {:.1} |", on - off);
}

struct Report {
    /// Milliseconds per successful save, sorted.
    waits: Vec<f64>,
    busy: usize,
    wall: Duration,
}

impl Report {
    fn percentile(&self, p: f64) -> f64 {
        if self.waits.is_empty() {
            return f64::NAN;
        }
        self.waits[((self.waits.len() - 1) as f64 * p).round() as usize]
    }
}

fn spawn(args: &[&str], queue: bool) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(args).stdout(Stdio::piped());
    if !queue {
        command.env(SWITCH, "off");
    }
    command.spawn().expect("start a child process")
}

fn measure(path: &str, writers: usize, saves: usize, queue: bool) -> Report {
    Store::open(path, &Options::default()).expect("create the store");
    let start_at = now_ms() + 300 + 10 * writers as u128;
    let children: Vec<Child> = (0..writers)
        .map(|w| spawn(&["--writer", path, &w.to_string(), &saves.to_string(), &start_at.to_string()], queue))
        .collect();
    let mut report = Report { waits: Vec::new(), busy: 0, wall: Duration::ZERO };
    for mut child in children {
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            match line.strip_prefix("busy ") {
                Some(n) => report.busy += n.parse::<usize>().unwrap(),
                None => report.waits.extend(line.split_whitespace().map(|us| us.parse::<f64>().unwrap() / 1000.0)),
            }
        }
        assert!(child.wait().unwrap().success(), "a writer failed");
    }
    report.wall = Duration::from_millis(now_ms().saturating_sub(start_at) as u64);
    report.waits.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let stored = Store::open(path, &Options::default()).unwrap().list().unwrap().len();
    assert_eq!(stored, report.waits.len(), "every acknowledged save is stored");
    report
}

/// One writer process: saves `saves` new tokens, timing each; prints the times (µs) and the ZTS_BUSY count.
fn writer(path: &str, writer: usize, saves: usize, start_at_ms: u128) {
    let store = Store::open(path, &Options::default()).expect("open the store");
    while now_ms() < start_at_ms {
        std::thread::sleep(Duration::from_millis(1));
    }
    let (mut waits, mut busy) = (Vec::with_capacity(saves), 0);
    for n in 0..saves {
        let token = Token::from_json(&format!(
            r#"{{"user_name":"w{writer}-{n}@example.com:777","client_id":"1000.C","client_secret":"s","refresh_token":"1000.r{writer}-{n}","access_token":"1000.a{writer}-{n}","expiry_time":"4102444839397"}}"#
        ))
        .unwrap();
        let started = Instant::now();
        match store.save(&token) {
            Ok(_) => waits.push(started.elapsed().as_micros().to_string()),
            Err(e) if e.status == Status::Busy => busy += 1,
            Err(e) => panic!("save failed: {e}"),
        }
    }
    println!("{}", waits.join(" "));
    println!("busy {busy}");
}

fn hog() {
    let mut x = 0u64;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()
}
