//! `zts doctor LOCATION`: the store's health, each finding with what to do. For an SQLite file: the
//! integrity check, the schema version, the file's mode and owner, the WAL size. For any store: rows
//! sharing a user or a token, tokens that cannot be refreshed, expired tokens.

use crate::fail::{self, code, Fail, Result};
use crate::output;
use std::os::unix::fs::MetadataExt;
use zts::engine::sqlite::{APPLICATION_ID, SCHEMA_VERSION};
use zts::{Options, Store, Token};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Ok,
    Note,
    Problem,
}

struct Finding {
    level: Level,
    message: String,
    fix: Option<String>,
}

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, level: Level, message: impl Into<String>, fix: Option<String>) {
        self.0.push(Finding { level, message: message.into(), fix });
    }
}

/// Returns whether the store is healthy (no problem found).
pub fn run(location: &str, json: bool) -> Result<bool> {
    let mut findings = Findings::default();
    let is_store = location.contains("://") || check_file(location, &mut findings)?;
    if is_store {
        let options = Options { read_only: true, create: false, ..Options::default() };
        let store = Store::open(location, &options).map_err(|e| Fail::store(location, e))?;
        let tokens = store.list().map_err(|e| Fail::store(location, e))?;
        check_tokens(&tokens, &mut findings);
        for lease in store.leases().map_err(|e| Fail::store(location, e))? {
            let left_s = (lease.until_ms - zts::lease::now_ms()).max(0) as f64 / 1000.0;
            let what = lease.to_json();
            let on = what["id"]
                .as_str()
                .map_or_else(|| format!("a first save by {}", what["key"]), |id| format!("token id {id}"));
            findings.add(
                Level::Note,
                format!("{on} is being refreshed by {} ({left_s:.1} s left)", lease.holder),
                None,
            );
        }
    }
    let healthy = !findings.0.iter().any(|f| f.level == Level::Problem);
    print(&findings, json, healthy);
    Ok(healthy)
}

/// Checks an SQLite store file; returns whether it is a zts store whose tokens can be checked.
fn check_file(path: &str, findings: &mut Findings) -> Result<bool> {
    let meta = std::fs::metadata(path).map_err(|e| fail::io(code::STORE, path, e))?;
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        findings.add(
            Level::Problem,
            format!("{path} has mode {mode:o}: other users can read or change the tokens"),
            Some(format!("chmod 600 {path}")),
        );
    } else {
        findings.add(Level::Ok, format!("mode {mode:o}, owner uid {}", meta.uid()), None);
    }
    if let Ok(me) = std::fs::metadata("/proc/self").map(|m| m.uid()) {
        if me != meta.uid() {
            findings.add(
                Level::Note,
                format!("{path} is owned by uid {}, not by this user (uid {me})", meta.uid()),
                Some("run the services that use it as its owner".into()),
            );
        }
    }
    let mut header = [0u8; 16];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .is_ok_and(|_| &header == b"SQLite format 3\0");
    if !is_sqlite {
        findings.add(
            Level::Problem,
            format!("{path} is not an SQLite database"),
            Some("check the path; restore the latest `zts backup` if this was the store".into()),
        );
        return Ok(false);
    }
    let refused = |e: rusqlite::Error| Fail::new(code::STORE, format!("{path}: cannot read it as SQLite: {e}"));
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(refused)?;
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(refused)?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(refused)?;
    if application_id != APPLICATION_ID {
        findings.add(
            Level::Problem,
            format!("{path} is not a zts store (no zts marks)"),
            Some(format!("zts import {path} --into tokens.db, or open it once with zts to adopt its oauthtoken table")),
        );
        return Ok(false);
    }
    match version.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Equal => findings.add(Level::Ok, format!("schema version {version}"), None),
        std::cmp::Ordering::Less => findings.add(
            Level::Note,
            format!("schema version {version}; this zts upgrades it to {SCHEMA_VERSION} on its next write open"),
            None,
        ),
        std::cmp::Ordering::Greater => findings.add(
            Level::Problem,
            format!("schema version {version} is newer than this zts understands ({SCHEMA_VERSION})"),
            Some("use a newer zts".into()),
        ),
    }
    let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(refused)?;
    let report: Vec<String> = stmt.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).map_err(refused)?;
    let intact = report == ["ok"];
    if intact {
        findings.add(Level::Ok, "integrity_check: ok", None);
    } else {
        findings.add(
            Level::Problem,
            format!("integrity_check: {}", report.join("; ")),
            Some("restore the latest `zts backup`, or `zts export` what is readable into a new store".into()),
        );
    }
    let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
    let level = if wal > 64 * 1024 * 1024 { Level::Note } else { Level::Ok };
    let fix = (level == Level::Note).then(|| "a long-running reader holds back checkpoints; restart it".to_owned());
    findings.add(level, format!("WAL file {wal} bytes"), fix);
    Ok(intact && version <= SCHEMA_VERSION)
}

fn check_tokens(tokens: &[Token], findings: &mut Findings) {
    findings.add(Level::Ok, format!("{} token(s)", tokens.len()), None);
    for name in ["user_name", "refresh_token", "access_token", "grant_token"] {
        let column = zts::token::FIELDS.iter().position(|f| *f == name).unwrap_or(0);
        let mut ids_by_value: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for token in tokens {
            if let Some(value) = token.values()[column] {
                ids_by_value.entry(value).or_default().push(token.id.as_deref().unwrap_or("?"));
            }
        }
        for ids in ids_by_value.values().filter(|ids| ids.len() > 1) {
            findings.add(
                Level::Problem,
                format!("ids {} share one {name}", ids.join(", ")),
                Some("keep the newest and `zts delete` the others".into()),
            );
        }
    }
    let id = |t: &Token| t.id.clone().unwrap_or_else(|| "?".into());
    let expired = |t: &Token| t.expiry_time.as_deref().is_some_and(output::is_expired);
    let dead: Vec<String> = tokens.iter().filter(|t| t.refresh_token.is_none() && expired(t)).map(id).collect();
    if !dead.is_empty() {
        findings.add(
            Level::Problem,
            format!("ids {} are expired and have no refresh token: they can never work again", dead.join(", ")),
            Some("have those users authorize again, then `zts delete` these ids".into()),
        );
    }
    let no_refresh = tokens.iter().filter(|t| t.refresh_token.is_none() && !expired(t)).count();
    if no_refresh > 0 {
        findings.add(
            Level::Note,
            format!("{no_refresh} token(s) without a refresh token stop working when their access token expires"),
            None,
        );
    }
    let stale = tokens.iter().filter(|t| t.refresh_token.is_some() && expired(t)).count();
    if stale > 0 {
        findings.add(
            Level::Note,
            format!("{stale} expired access token(s); the SDK refreshes each on its next use"),
            None,
        );
    }
}

fn print(findings: &Findings, json: bool, healthy: bool) {
    let name = |level: Level| match level {
        Level::Ok => "ok",
        Level::Note => "note",
        Level::Problem => "problem",
    };
    if json {
        let list: Vec<serde_json::Value> = findings
            .0
            .iter()
            .map(|f| serde_json::json!({"level": name(f.level), "message": f.message, "fix": f.fix}))
            .collect();
        let report = serde_json::json!({"healthy": healthy, "findings": list});
        output::line(&serde_json::to_string_pretty(&report).unwrap_or_default());
        return;
    }
    for finding in &findings.0 {
        let fix = finding.fix.as_deref().map(|f| format!(" (what to do: {f})")).unwrap_or_default();
        output::line(&format!("{:<8}{}{fix}", name(finding.level), finding.message));
    }
    output::line(if healthy { "healthy" } else { "problems found" });
}
