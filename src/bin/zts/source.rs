//! Reads what `zts import` imports: an SDK FileStore CSV (any of the five dialects), zts JSON from
//! `zts export --format json`, an SQLite file with the SDK's `oauthtoken` table (a zts store, the
//! DBStore schema, the published SQLite example), or any store location `Store::open` accepts
//! (`mysql://...`). Problems are collected for every row, each naming its line and field, so one run
//! shows them all.

use crate::dialect::Dialect;
use crate::fail::{self, code, Fail, Result};
use rusqlite::types::ValueRef;
use std::path::Path;
use zts::token::{FIELDS, MAX_VALUE_BYTES};
use zts::{Options, Store, Token};

/// Larger files are refused before they are read: 100,000 tokens take about 60 MB.
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// One token read from the source, with where it was ("line 3", "entry 2", "row 5").
pub struct Row {
    pub place: String,
    pub token: Token,
}

pub struct Source {
    /// What the source was taken to be, e.g. "SDK FileStore CSV, node or php (...)".
    pub kind: String,
    pub rows: Vec<Row>,
    /// Each names a row and a field; any problem means nothing is imported.
    pub problems: Vec<String>,
    /// Changes made on the way in that the user should know of (a PHP float expiry made an integer).
    pub notes: Vec<String>,
}

impl Source {
    fn new(kind: impl Into<String>) -> Source {
        Source { kind: kind.into(), rows: Vec::new(), problems: Vec::new(), notes: Vec::new() }
    }

    /// Adds a row from its ten values (None or "" is absent), checking each value.
    fn push(&mut self, place: String, values: Vec<Option<String>>) {
        let mut token = Token::default();
        let mut ok = true;
        for ((name, slot), value) in FIELDS.iter().zip(token.values_mut()).zip(values) {
            let Some(value) = value.filter(|v| !v.is_empty()) else { continue };
            if value.contains('\0') {
                self.problems.push(format!("{place}: field {name} contains a NUL byte"));
                ok = false;
            } else if value.len() > MAX_VALUE_BYTES {
                self.problems
                    .push(format!("{place}: field {name} is {} bytes; the limit is {MAX_VALUE_BYTES}", value.len()));
                ok = false;
            } else if value.contains(['\r', '\n']) {
                self.problems.push(format!("{place}: field {name} contains a line break (an unclosed quote?)"));
                ok = false;
            } else if *name == "expiry_time" {
                match expiry(&value) {
                    Ok(Some(integer)) => {
                        self.notes.push(format!("{place}: expiry_time {value} (a float) stored as {integer}"));
                        *slot = Some(integer);
                    }
                    Ok(None) => *slot = Some(value),
                    Err(why) => {
                        self.problems.push(format!("{place}: field expiry_time {why}"));
                        ok = false;
                    }
                }
            } else {
                *slot = Some(value);
            }
        }
        if ok {
            self.rows.push(Row { place, token });
        }
    }
}

/// An expiry as epoch milliseconds: Ok(None) when it already is a decimal integer, Ok(Some) for an
/// integral float (PHP stores one, e.g. "1795350239397.0" or "1.795350239397E+12").
fn expiry(value: &str) -> std::result::Result<Option<String>, String> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    match value.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e18 => Ok(Some((f as i64).to_string())),
        _ => Err(format!("is {}, not epoch milliseconds", zts::error::shown(value))),
    }
}

pub fn read(source: &str, dialect: Option<Dialect>) -> Result<Source> {
    if source.contains("://") {
        return read_location(source);
    }
    let path = Path::new(source);
    let meta = std::fs::metadata(path).map_err(|e| fail::io(code::BAD_INPUT, source, e))?;
    if !meta.is_file() {
        return Err(Fail::input(format!("{source} is not a regular file")));
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(Fail::input(format!(
            "{source} is {} bytes; zts import reads files of up to {MAX_SOURCE_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail::io(code::BAD_INPUT, source, e))?;
    if bytes.starts_with(b"SQLite format 3\0") {
        read_sqlite(source)
    } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') && dialect.is_none() {
        read_json(source, &bytes)
    } else {
        read_csv(source, &bytes, dialect)
    }
}

fn read_csv(path: &str, bytes: &[u8], forced: Option<Dialect>) -> Result<Source> {
    if bytes.is_empty() {
        return Err(Fail::input(format!("{path} is empty: an SDK token file has at least its header line")));
    }
    let (dialect, why) = match forced {
        Some(d) => (d, format!("{} (given with --dialect)", d.name())),
        None => Dialect::detect(bytes),
    };
    let mut source = Source::new(format!("SDK FileStore CSV, dialect {why}"));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .quoting(dialect.reader_unquotes())
        .from_reader(bytes);
    let mut columns = 0;
    // Line numbers counted from byte offsets (the reader's own count is off on CRLF and blank lines).
    let (mut line, mut counted_to) = (1, 0);
    for record in reader.byte_records() {
        let record = record.map_err(|e| Fail::input(format!("{path}: {e}")))?;
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).min(bytes.len());
        while bytes.get(start).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            start += 1; // the reported start can be before the previous line's end or a blank line
        }
        line += bytes[counted_to.min(start)..start].iter().filter(|b| **b == b'\n').count();
        counted_to = start;
        let place = format!("{path}:{line}");
        // A line end inside the last field: CRLF files, and a "\r" the Node.js SDK kept in a value.
        let fields: Vec<&[u8]> = record.iter().map(|f| f.strip_suffix(b"\r").unwrap_or(f)).collect();
        if columns == 0 {
            columns = check_header(&place, &fields)?;
            continue;
        }
        if fields.iter().all(|f| f.is_empty()) {
            continue; // the SDKs skip empty rows
        }
        if fields.len() != columns && fields.iter().any(|f| f.contains(&b'\n')) {
            source
                .problems
                .push(format!("{place}: a quote opened on this line is never closed (a line break inside a field)"));
            continue;
        }
        if fields.len() != columns {
            source.problems.push(format!("{place}: {} fields, but the header has {columns}", fields.len()));
            continue;
        }
        let mut values = Vec::with_capacity(10);
        for (name, field) in FIELDS.iter().zip(&fields) {
            match std::str::from_utf8(field) {
                Ok(text) => values.push(Some(text.to_owned())),
                Err(_) => {
                    source.problems.push(format!("{place}: field {name} is not valid UTF-8"));
                    values.push(None);
                }
            }
        }
        values.resize(10, None); // a 9-column file predates api_domain
        source.push(place, values);
    }
    Ok(source)
}

/// The header line: 9 or 10 names in the SDK's order (its 9th is redirect_url, or redirect_uri from
/// Python). The SDK readers ignore it, but checking it tells a token file from any other CSV.
fn check_header(place: &str, fields: &[&[u8]]) -> Result<usize> {
    if fields.len() != 9 && fields.len() != 10 {
        return Err(Fail::input(format!(
            "{place}: the header has {} fields; an SDK token file has 10 ({}), or 9 without api_domain",
            fields.len(),
            FIELDS.join(",")
        )));
    }
    for (index, (field, expected)) in fields.iter().zip(FIELDS).enumerate() {
        let name = String::from_utf8_lossy(field);
        let name = name.trim_start_matches('\u{feff}').trim();
        let ok = name.eq_ignore_ascii_case(expected) || (index == 8 && name.eq_ignore_ascii_case("redirect_uri"));
        if !ok {
            return Err(Fail::input(format!(
                "{place}: header field {} is {}, expected {expected}: not an SDK token file",
                index + 1,
                zts::error::shown(name)
            )));
        }
    }
    Ok(fields.len())
}

fn read_json(path: &str, bytes: &[u8]) -> Result<Source> {
    let entries: Vec<serde_json::Value> = serde_json::from_slice(bytes)
        .map_err(|e| Fail::input(format!("{path}: not a zts JSON export (an array of tokens): {e}")))?;
    let mut source = Source::new("zts JSON");
    for (index, entry) in entries.iter().enumerate() {
        let place = format!("{path}: entry {}", index + 1);
        match Token::from_json(&entry.to_string()) {
            Ok(token) => {
                let values = token.values().map(|v| v.clone()).to_vec();
                source.push(place, values);
            }
            Err(e) => source.problems.push(format!("{place}: {}", e.message)),
        }
    }
    Ok(source)
}

/// An SQLite file with the SDK's table, read directly (read-only) so that a file zts would have to
/// migrate first is imported untouched.
fn read_sqlite(path: &str) -> Result<Source> {
    let refused = |e: rusqlite::Error| Fail::input(format!("{path}: cannot read its oauthtoken table: {e}"));
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(refused)?;
    let sql = format!("SELECT {} FROM oauthtoken ORDER BY rowid", FIELDS.join(", "));
    let mut stmt = conn.prepare(&sql).map_err(refused)?;
    let mut rows = stmt.query([]).map_err(refused)?;
    let mut source = Source::new("SQLite file with an oauthtoken table");
    let mut number = 0;
    while let Some(row) = rows.next().map_err(refused)? {
        number += 1;
        let mut values = Vec::with_capacity(10);
        for (index, name) in FIELDS.iter().enumerate() {
            values.push(match row.get_ref(index).map_err(refused)? {
                ValueRef::Null => None,
                ValueRef::Integer(i) => Some(i.to_string()),
                ValueRef::Real(f) => Some(f.to_string()),
                ValueRef::Text(t) | ValueRef::Blob(t) => match String::from_utf8(t.to_vec()) {
                    Ok(text) => Some(text),
                    Err(_) => {
                        source.problems.push(format!("{path}: row {number}: field {name} is not valid UTF-8"));
                        None
                    }
                },
            });
        }
        source.push(format!("{path}: row {number}"), values);
    }
    Ok(source)
}

/// Another store location, through the library (the MySQL DBStore table with the networked engine).
fn read_location(location: &str) -> Result<Source> {
    let options = Options { read_only: true, create: false, ..Options::default() };
    let store = Store::open(location, &options).map_err(|e| Fail::store(location, e))?;
    let tokens = store.list().map_err(|e| Fail::store(location, e))?;
    let mut source = Source::new("zts store location");
    for token in tokens {
        let place = format!("{}: id {}", fail::shown_location(location), token.id.as_deref().unwrap_or("?"));
        source.push(place, token.values().map(|v| v.clone()).to_vec());
    }
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_float_expiry_becomes_an_integer() {
        assert_eq!(expiry("1795350239397"), Ok(None));
        assert_eq!(expiry("1795350239397.0"), Ok(Some("1795350239397".into())));
        assert_eq!(expiry("1.795350239397E+12"), Ok(Some("1795350239397".into())));
        assert!(expiry("soon").is_err());
        assert!(expiry("1.5").is_err());
    }
}
