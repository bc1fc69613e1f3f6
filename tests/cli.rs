//! The `zts` command, run as a user runs it: every dialect imported, round trips through every export
//! dialect, bad input refused with one clear line and nothing imported, secrets never printed without
//! --reveal, doctor's findings, and a backup taken while four processes write.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zts::{Options, Store, Token};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/fixtures");
/// Every secret in the fixtures holds this after its first five characters (which redaction shows).
const MARKER: &str = "SeCrEt";

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("zts-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn zts(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zts")).args(args).env("RUST_BACKTRACE", "1").output().unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// Succeeds, prints no secret, and returns stdout.
fn ok(args: &[&str]) -> String {
    let output = zts(args);
    assert!(output.status.success(), "zts {args:?} failed: {}", text(&output));
    assert!(!text(&output).contains(MARKER), "zts {args:?} printed a secret: {}", text(&output));
    String::from_utf8(output.stdout).unwrap()
}

/// Fails with `code` and one line on stderr that contains each of `named`; prints no secret.
fn fails(args: &[&str], code: i32, named: &[&str]) -> String {
    let output = zts(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "zts {args:?}: {}", text(&output));
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("zts: "), "zts {args:?}: the error line: {stderr}");
    for name in named {
        assert!(stderr.contains(name), "zts {args:?}: {name:?} not in {stderr}");
    }
    for leak in [MARKER, "panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!text(&output).contains(leak), "zts {args:?} printed {leak:?}: {}", text(&output));
    }
    stderr
}

fn tokens(location: &str) -> Vec<Token> {
    Store::open(location, &Options { create: false, ..Options::default() }).unwrap().list().unwrap()
}

fn token(json: &str) -> Token {
    Token::from_json(json).unwrap()
}

#[test]
fn every_dialect_is_detected_and_imported_with_its_ids() {
    let dir = Dir::new("dialects");
    let store = dir.path("t.db");
    let cases = [
        ("python.txt", "python", 2),
        ("java.csv", "java (quoted", 1),
        ("java7.csv", "java (quoted", 1),
        ("node.txt", "node or php", 2),
        ("php.txt", "node or php", 2),
        ("csharp.txt", "java or csharp", 1),
        ("nine-columns.txt", "java or csharp", 1),
    ];
    for (file, dialect, count) in cases {
        let out = ok(&["import", &fixture(file), "--into", &store]);
        assert!(out.contains(&format!("dialect {dialect}")), "{file}: {out}");
        assert!(out.contains(&format!("imported {count} token(s)")), "{file}: {out}");
    }
    let stored = tokens(&store);
    let ids: Vec<&str> = stored.iter().map(|t| t.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], "ids are kept");
    let by_id = |id: &str| stored.iter().find(|t| t.id.as_deref() == Some(id)).unwrap().clone();
    assert_eq!(
        by_id("1"),
        token(
            r#"{"id":"1","user_name":"py@example.com:777","client_id":"1000.PYCLIENT","client_secret":"pySeCrEt0123456789abcdef",
            "refresh_token":"1000.pyrefreshSeCrEt0123456789","access_token":"1000.pyaccessSeCrEt0123456789",
            "expiry_time":"1795350264457","redirect_url":"http://localhost/cb","api_domain":"https://www.zohoapis.com"}"#
        ),
        "Python: CRLF removed, redirect_uri read as redirect_url"
    );
    assert_eq!(by_id("3").redirect_url.as_deref(), Some("http://localhost/cb?a=1,2"), "Java quoting");
    assert_eq!(by_id("4").refresh_token.as_deref(), Some("1000.java7refreshSeCrEt0123456789"), "Java 7 quotes");
    assert_eq!(by_id("4").grant_token, None, "an empty quoted field is absent");
    assert_eq!(by_id("5").api_domain.as_deref(), Some("https://www.zohoapis.com"), "the \\r Node kept is gone");
    assert_eq!(by_id("6").access_token.as_deref(), Some("1000.nodeonlyaccessSeCrEt0123456789"));
    assert_eq!(by_id("8").expiry_time.as_deref(), Some("1795350265004"), "PHP's float expiry");
    assert_eq!(
        by_id("9").expiry_time.as_deref(),
        Some("1795349665005"),
        "C#'s early expiry is kept as the SDK stored it"
    );
    assert_eq!(by_id("10").api_domain, None, "9 columns");
    assert_eq!(by_id("10").user_name.as_deref(), Some("old@example.com:783"));
}

#[test]
fn importing_twice_changes_nothing_and_a_dry_run_writes_nothing() {
    let dir = Dir::new("twice");
    let store = dir.path("t.db");
    let out = ok(&["import", &fixture("python.txt"), "--into", &store, "--dry-run"]);
    assert!(out.contains("would be inserted as id 1") && out.contains("nothing written"), "{out}");
    assert!(!Path::new(&store).exists(), "a dry run creates no store");
    ok(&["import", &fixture("python.txt"), "--into", &store]);
    let first = tokens(&store);
    let out = ok(&["import", &fixture("python.txt"), "--into", &store, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((report["inserted"].as_u64(), report["unchanged"].as_u64()), (Some(0), Some(2)), "{out}");
    assert_eq!(tokens(&store), first);
    // zts JSON from export imports too, and changes nothing either
    let json = dir.path("export.json");
    ok(&["export", &store, "--to", &json, "--format", "json"]);
    assert!(ok(&["import", &json, "--into", &store]).contains("0 new, 0 updated, 2 unchanged"));
    // and an SQLite file with the SDK's table (here a zts store) is read directly
    let copy = dir.path("copy.db");
    ok(&["import", &store, "--into", &copy]);
    assert_eq!(tokens(&copy), first);
}

#[test]
fn export_in_every_dialect_imports_back_identical() {
    let dir = Dir::new("export");
    let store = dir.path("t.db");
    for file in ["python.txt", "java.csv", "node.txt", "php.txt", "csharp.txt"] {
        ok(&["import", &fixture(file), "--into", &store]);
    }
    let all = tokens(&store);
    for dialect in ["python", "java", "node", "php", "csharp"] {
        let csv = dir.path(&format!("{dialect}.csv"));
        let mut args = vec!["export", &store, "--to", &csv, "--dialect", dialect];
        if dialect != "python" && dialect != "java" {
            // the comma in token 3's redirect_url cannot be written unquoted
            let out = fails(&args, 3, &["token id 3", "redirect_url", dialect]);
            assert!(!out.contains("http://localhost/cb?a=1,2") || out.contains("redirect_url"));
            let kept = dir.path(&format!("{dialect}.db"));
            ok(&["import", &store, "--into", &kept]);
            ok(&["delete", &kept, "3"]);
            args[1] = &kept;
            ok(&args);
            let back = dir.path(&format!("{dialect}-back.db"));
            ok(&["import", &csv, "--into", &back]);
            assert_eq!(tokens(&back), tokens(&kept), "{dialect}");
        } else {
            ok(&args);
            let back = dir.path(&format!("{dialect}-back.db"));
            ok(&["import", &csv, "--into", &back]);
            assert_eq!(tokens(&back), all, "{dialect}");
        }
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&csv).unwrap().permissions().mode() & 0o777, 0o600);
        fails(&["export", &store, "--to", &csv, "--dialect", "python"], 6, &["exists", "--force"]);
    }
    let exported = fs::read_to_string(dir.path("node.csv")).unwrap();
    assert!(!exported.ends_with('\n') && !exported.contains('\r'), "node: LF between rows only");
    assert!(fs::read_to_string(dir.path("python.csv")).unwrap().contains(",redirect_uri,api_domain\r\n"));
}

#[test]
fn bad_input_gives_one_clear_line_and_imports_nothing() {
    let dir = Dir::new("bad");
    let store = dir.path("t.db");
    ok(&["import", &fixture("csharp.txt"), "--into", &store]);
    let before = tokens(&store);
    let header = "id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain\n";
    let good = "1,a@x:1,c,sSeCrEt0123456789,1000.rSeCrEt0123456789,,,,,\n";
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path(name);
        fs::write(&path, bytes).unwrap();
        path
    };
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        ("quote.csv", format!("{header}{good}\"2,b@x:1,c,s,1000.rSeCrEt1,,,,,\n3,c@x:1,c,s,r3,,,,,\n").into(), vec![":3", "line break"]),
        ("header.csv", format!("{}{good}", header.replace("user_name", "name")).into(), vec![":1", "header field 2", "\"name\""]),
        ("short-header.csv", format!("id,name,client_id\n{good}").into(), vec![":1", "the header has 3 fields"]),
        ("header11.csv", format!("{},extra\n{good}", header.trim_end()).into(), vec![":1", "11 fields"]),
        ("extra.csv", format!("{header}{good}2,b@x:1,c,s,r,,,,,,extra\n").into(), vec![":3", "11 fields", "header has 10"]),
        ("missing.csv", format!("{header}{good}2,b@x:1,c,s\n").into(), vec![":3", "4 fields"]),
        ("nul.csv", format!("{header}{good}2,b@x:1,c,s,1000.r\0SeCrEt,,,,,\n").into(), vec![":3", "refresh_token", "NUL"]),
        ("utf8.csv", [header.as_bytes(), good.as_bytes(), b"2,b\xff@x:1,c,s,r2,,,,,\n"].concat(), vec![":3", "user_name", "UTF-8"]),
        ("expiry.csv", format!("{header}2,b@x:1,c,s,r2,,,soon,,\n").into(), vec![":2", "expiry_time", "soon"]),
        ("empty.csv", Vec::new(), vec!["empty"]),
        ("json.json", b"[{\"id\":\"1\",\"refresh_token\":\"1000.SeCrEt\",\"colour\":\"red\"}]".to_vec(), vec!["entry 1", "colour"]),
        ("notjson.json", b"[{\"id\":".to_vec(), vec!["not a zts JSON export"]),
        (
            "conflicts.csv",
            format!("{header}{good}1,b@x:1,c,s,1000.r2SeCrEt0123456789,,,,,\nabc,a@x:1,c,s,1000.r3SeCrEt0123456789,,,,,\n4,d@x:1,c,s,,,,,,\n5,e@x:1,c,s,1000.rSeCrEt0123456789,,,,,\n").into(),
            vec![":3: id \"1\" is also on", ":4: id \"abc\" is not a decimal", ":4: user_name \"a@x:1\" is also on", ":5: no refresh, access or grant token", ":6: its refresh_token is also on", "5 problem(s)"],
        ),
    ];
    for (name, bytes, named) in &cases {
        let path = write(name, bytes);
        let mut named = named.clone();
        named.push(name);
        let stderr = fails(&["import", &path, "--into", &store], 3, &named);
        assert!(stderr.contains("nothing imported"), "{name}: {stderr}");
        assert_eq!(tokens(&store), before, "{name}: nothing imported");
    }

    // 100 MB: refused before reading (a sparse file)
    let big = dir.path("big.csv");
    fs::File::create(&big).unwrap().set_len(100 * 1024 * 1024).unwrap();
    fails(&["import", &big, "--into", &store], 3, &["big.csv", "104857600 bytes"]);
    // unreadable: missing, a directory, no permission
    fails(&["import", &dir.path("absent.csv"), "--into", &store], 3, &["absent.csv", "No such file"]);
    fails(&["import", &dir.0.to_string_lossy(), "--into", &store], 3, &["not a regular file"]);
    let locked = write("locked.csv", format!("{header}{good}").as_bytes());
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_err() {
        fails(&["import", &locked, "--into", &store], 3, &["locked.csv", "ermission denied"]);
    } // else: running as root, which reads any file
      // a target that is not a zts store is refused and left as it was
    let good_file = write("good.csv", format!("{header}{good}").as_bytes());
    let not_store = write("notes.txt", b"my notes\n");
    fails(&["import", &good_file, "--into", &not_store], 5, &["notes.txt", "not an SQLite database"]);
    assert_eq!(fs::read(&not_store).unwrap(), b"my notes\n");
    let other_app = dir.path("other.db");
    rusqlite::Connection::open(&other_app).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    fails(&["import", &good_file, "--into", &other_app], 5, &["other.db", "another schema"]);
    // a second file whose ids the store already uses: refused, or taken in with --new-ids
    let java7 = fixture("java7.csv");
    let renumbered = fs::read_to_string(&java7).unwrap().replace("\"4\"", "\"9\"");
    let clash9 = write("java7-9.csv", renumbered.as_bytes());
    fails(&["import", &clash9, "--into", &store], 3, &["java7-9.csv:2", "id \"9\" is stored for user_name"]);
    assert_eq!(tokens(&store), before);
    let out = ok(&["import", &clash9, "--into", &store, "--new-ids", "--dry-run"]);
    assert!(out.contains("would be inserted as id 10"), "{out}");
    // a row that would overwrite another user's id in the target: the line is named
    let clash = write("clash.csv", format!("{header}9,z@x:1,c,s,1000.zSeCrEt0123456789,,,,,\n").as_bytes());
    fails(&["import", &clash, "--into", &store], 3, &["clash.csv:2", "cs@example.com:782", "nothing imported"]);
    assert_eq!(tokens(&store), before);
}

#[test]
fn secrets_are_shown_only_with_reveal() {
    let dir = Dir::new("secrets");
    let store = dir.path("t.db");
    ok(&["import", &fixture("python.txt"), "--into", &store]);
    let list = ok(&["list", &store]);
    assert!(list.contains("1000.…(30)") && list.contains("py@example.com:777"), "{list}");
    let json: Vec<serde_json::Value> = serde_json::from_str(&ok(&["list", &store, "--json"])).unwrap();
    assert_eq!(json[0]["client_secret"], "pySeC…(24)");
    let show = ok(&["show", &store, "1"]);
    assert!(show.contains("refresh_token:") && show.contains("expiry_time:    1795350264457 (20"), "{show}");
    ok(&["show", &store, "--user", "py@example.com:777", "--json"]);
    ok(&["doctor", &store]);
    ok(&["backup", &store, &dir.path("b.db")]);
    ok(&["export", &store, "--to", &dir.path("e.csv"), "--dialect", "node"]);
    ok(&["delete", &store, "2"]);
    for args in [vec!["list", &store, "--reveal"], vec!["show", &store, "1", "--reveal"]] {
        let output = zts(&args);
        assert!(output.status.success());
        assert!(String::from_utf8_lossy(&output.stdout).contains("1000.pyrefreshSeCrEt0123456789"), "{args:?}");
    }
    fails(&["show", &store, "7"], 4, &["no token has id \"7\""]);
    fails(&["show", &store, "--user", "nobody@x:1"], 4, &["nobody@x:1"]);
    fails(&["purge", &store], 6, &["--yes", "1 token(s)"]);
    assert_eq!(tokens(&store).len(), 1);
    ok(&["purge", &store, "--yes"]);
    assert_eq!(tokens(&store), []);
    fails(&["delete", &store, "1"], 4, &["no token has id"]);
    fails(&["list", &dir.path("typo.db")], 5, &["typo.db", "does not exist"]);
    assert!(!Path::new(&dir.path("typo.db")).exists(), "list creates nothing");
}

#[test]
fn a_live_refresh_lease_is_shown() {
    let dir = Dir::new("lease");
    let store = dir.path("t.db");
    ok(&["import", &fixture("python.txt"), "--into", &store]);
    assert!(ok(&["show", &store, "1"]).contains("lease:          -"));
    // Token 1 has expired: the first find takes the lease for its SDK's refresh.
    let s = Store::open(&store, &Options::default()).unwrap();
    s.find_by_id("1").unwrap();
    let holder = format!("refreshing by pid {}", std::process::id());
    let list = ok(&["list", &store]);
    let row = list.lines().find(|l| l.starts_with("1 ")).unwrap();
    assert!(row.contains(&holder) && row.contains("s left"), "{list}");
    assert!(!list.lines().find(|l| l.starts_with("2 ")).unwrap().contains("refreshing"), "{list}");
    assert!(ok(&["show", &store, "1"]).contains(&holder));
    assert!(ok(&["doctor", &store]).contains(&format!("token id 1 is being refreshed by pid {}", std::process::id())));
    // The refresh's save ends it.
    s.save(&token(r#"{"id":"1","access_token":"1000.newaccessSeCrEt0123456789","expiry_time":"99999999999999"}"#))
        .unwrap();
    assert!(!ok(&["list", &store]).contains("refreshing"));
}

#[test]
fn every_command_has_help_and_usage_errors_exit_2() {
    for command in ["import", "export", "list", "show", "delete", "purge", "doctor", "backup"] {
        let out = ok(&[command, "--help"]);
        assert!(out.contains("Usage: zts"), "{command}: {out}");
    }
    assert!(ok(&["--help"]).contains("Exit codes"));
    assert_eq!(zts(&["list"]).status.code(), Some(2));
    assert_eq!(zts(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn doctor_reports_what_is_wrong_and_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new("doctor");
    let store = dir.path("t.db");
    ok(&["import", &fixture("python.txt"), "--into", &store]);
    let out = ok(&["doctor", &store]);
    assert!(
        out.contains("integrity_check: ok") && out.contains("schema version") && out.ends_with("healthy\n"),
        "{out}"
    );

    fs::set_permissions(&store, fs::Permissions::from_mode(0o644)).unwrap();
    let output = zts(&["doctor", &store]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("chmod 600"), "{}", text(&output));
    assert!(text(&output).contains("2 token(s)"), "the tokens are still checked: {}", text(&output));
    fs::set_permissions(&store, fs::Permissions::from_mode(0o600)).unwrap();

    // two users sharing one refresh token, and a dead token (expired, no refresh token)
    let s = Store::open(&store, &Options::default()).unwrap();
    s.save(&token(
        r#"{"user_name":"x@x:1","client_id":"c","client_secret":"s","refresh_token":"1000.pyrefreshSeCrEt0123456789"}"#,
    ))
    .unwrap();
    s.save(&token(r#"{"user_name":"y@x:1","access_token":"1000.deadSeCrEt","expiry_time":"1000"}"#)).unwrap();
    drop(s);
    let output = zts(&["doctor", &store, "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["healthy"], false);
    let problems: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "problem")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        problems,
        ["ids 1, 3 share one refresh_token", "ids 4 are expired and have no refresh token: they can never work again"]
    );
    assert!(!text(&output).contains(MARKER));

    let not_store = dir.path("x.txt");
    fs::write(&not_store, "x").unwrap();
    let output = zts(&["doctor", &not_store]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("x.txt is not an SQLite database"), "{}", text(&output));
    fails(&["doctor", &dir.path("missing.db")], 5, &["missing.db"]);
}

// ---- backup while four processes write ----

const WRITERS: usize = 4;

/// One writer process: saves new users one after another, appending each user's name to its log only
/// after the save returned (so the log lists acknowledged saves), until the stop file appears.
#[test]
fn backup_writer() {
    let (Ok(path), Ok(worker), Ok(log)) =
        (std::env::var("ZTS_BACKUP_STORE"), std::env::var("ZTS_BACKUP_WORKER"), std::env::var("ZTS_BACKUP_LOG"))
    else {
        return; // runs only as a child of backup_is_consistent_while_four_processes_write
    };
    use std::io::Write;
    let store = Store::open(&path, &Options { busy_timeout_ms: 30_000, ..Options::default() }).unwrap();
    let mut log = fs::OpenOptions::new().append(true).create(true).open(log).unwrap();
    let stop = format!("{path}.stop");
    for n in 0.. {
        if Path::new(&stop).exists() {
            break;
        }
        let user = format!("w{worker}-{n}@x:1");
        store.save(&token(&format!(r#"{{"user_name":"{user}","refresh_token":"1000.r{worker}-{n}"}}"#))).unwrap();
        writeln!(log, "{user}").unwrap();
    }
}

#[test]
fn backup_is_consistent_while_four_processes_write() {
    let dir = Dir::new("backup");
    let store = dir.path("t.db");
    drop(Store::open(&store, &Options::default()).unwrap());
    let logs: Vec<String> = (0..WRITERS).map(|w| dir.path(&format!("w{w}.log"))).collect();
    let mut children: Vec<_> = (0..WRITERS)
        .map(|w| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "backup_writer", "--nocapture", "--test-threads=1"])
                .env("ZTS_BACKUP_STORE", &store)
                .env("ZTS_BACKUP_WORKER", w.to_string())
                .env("ZTS_BACKUP_LOG", &logs[w])
                .spawn()
                .unwrap()
        })
        .collect();
    let acknowledged = || -> Vec<String> {
        logs.iter()
            .flat_map(|l| fs::read_to_string(l).unwrap_or_default().lines().map(String::from).collect::<Vec<_>>())
            .collect()
    };
    let started = std::time::Instant::now();
    while acknowledged().len() < 400 && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut copies = Vec::new();
    for round in 0..3 {
        let before = acknowledged();
        let copy = dir.path(&format!("copy{round}.db"));
        ok(&["backup", &store, &copy]);
        copies.push((copy, before));
    }
    fs::write(format!("{store}.stop"), "").unwrap();
    for child in &mut children {
        assert!(child.wait().unwrap().success(), "a writer failed");
    }
    let total = acknowledged().len();
    for (copy, before) in copies {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
        let conn = rusqlite::Connection::open(&copy).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        drop(conn);
        let users: std::collections::HashSet<String> = tokens(&copy).into_iter().filter_map(|t| t.user_name).collect();
        assert!(before.len() >= 400, "the writers were writing");
        for user in &before {
            assert!(users.contains(user), "{user} was acknowledged before the backup began but is not in {copy}");
        }
        assert!(users.len() < total, "the copy is a snapshot taken while writes went on");
    }
    fails(&["backup", &store, &dir.path("copy0.db")], 6, &["exists", "--force"]);
    fails(&["backup", &store, &store, "--force"], 6, &["the store itself"]);
    ok(&["backup", &store, &dir.path("copy0.db"), "--force"]);
    fails(&["backup", "mysql://zts:hunter2@127.0.0.1/zohooauth", &dir.path("m.db")], 6, &["SQLite stores only"]);
    assert!(!text(&zts(&["backup", "mysql://zts:hunter2@127.0.0.1/zohooauth", &dir.path("m.db")])).contains("hunter2"));
}
