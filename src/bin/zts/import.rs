//! `zts import SOURCE --into LOCATION`: every row through the library's save rules in one transaction.
//! Rows are checked first, all of them, so one run lists every conflict with its line.

use crate::dialect::Dialect;
use crate::fail::{self, Fail, Result};
use crate::output;
use crate::source::{self, Row};
use std::collections::hash_map::{Entry, HashMap};
use zts::{Options, Outcome, Store};

pub struct Args {
    pub source: String,
    pub into: String,
    pub dialect: Option<Dialect>,
    pub dry_run: bool,
    pub json: bool,
    /// Ignore the source's ids: every row is matched by the save rules or gets a new id.
    pub new_ids: bool,
}

/// Problems beyond these are counted, not listed.
const LISTED: usize = 50;

pub fn run(args: &Args) -> Result<()> {
    let mut source = source::read(&args.source, args.dialect)
        .map_err(|f| Fail::new(f.code, format!("{}; nothing imported", f.message)))?;
    if args.new_ids {
        source.rows.iter_mut().for_each(|row| row.token.id = None);
    }
    let mut problems = source.problems;
    problems.extend(conflicts(&source.rows));
    if !problems.is_empty() {
        for problem in problems.iter().take(LISTED) {
            eprintln!("{problem}");
        }
        if problems.len() > LISTED {
            eprintln!("... and {} more", problems.len() - LISTED);
        }
        return Err(Fail::input(format!(
            "{}: {} problem(s) listed above; nothing imported",
            args.source,
            problems.len()
        )));
    }
    let store = open_target(args)?;
    let (places, tokens): (Vec<String>, Vec<zts::Token>) =
        source.rows.into_iter().map(|row| (row.place, row.token)).unzip();
    let bar = output::progress(tokens.len() as u64, "importing");
    let outcomes = store.import(&tokens, args.dry_run, &mut |done| bar.set_position(done as u64));
    bar.finish_and_clear();
    let outcomes = outcomes.map_err(|e| {
        let place = &places[e.index];
        let also = e.same_as.map(|i| format!(" (the same token as {})", places[i])).unwrap_or_default();
        let failed = Fail::store(&args.into, e.error);
        Fail::new(failed.code, format!("{place}: {}{also}; nothing imported", failed.message))
    })?;
    report(args, &source.kind, &source.notes, &places, &outcomes);
    Ok(())
}

/// The target store; a dry run into a store that does not exist yet runs against an empty one in memory,
/// so that it creates nothing.
fn open_target(args: &Args) -> Result<Store> {
    let missing = !args.into.contains("://") && !std::path::Path::new(&args.into).exists();
    let location = if args.dry_run && missing { ":memory:" } else { args.into.as_str() };
    Store::open(location, &Options::default()).map_err(|e| Fail::store(&args.into, e))
}

/// Rows the save rules would merge or refuse: ids zts cannot keep, one id, user or refresh token on two
/// lines, and rows holding no token at all.
fn conflicts(rows: &[Row]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: [HashMap<&str, &str>; 3] = Default::default();
    for row in rows {
        let token = &row.token;
        if let Some(id) = &token.id {
            if zts::rules::parse_id(id).is_err() {
                problems.push(format!(
                    "{}: id {} is not a decimal number (the SDKs' file stores and zts need numeric ids)",
                    row.place,
                    zts::error::shown(id)
                ));
            }
        }
        if token.refresh_token.is_none() && token.access_token.is_none() && token.grant_token.is_none() {
            problems.push(format!("{}: no refresh, access or grant token: nothing to import", row.place));
        }
        let keys = [
            ("id", token.id.as_deref(), true),
            ("user_name", token.user_name.as_deref(), true),
            ("refresh_token", token.refresh_token.as_deref(), false),
        ];
        for ((name, value, show), seen) in keys.into_iter().zip(seen.iter_mut()) {
            let Some(value) = value else { continue };
            match seen.entry(value) {
                Entry::Vacant(entry) => {
                    entry.insert(&row.place);
                }
                Entry::Occupied(first) => {
                    let what =
                        if show { format!("{name} {}", zts::error::shown(value)) } else { format!("its {name}") };
                    problems.push(format!("{}: {what} is also on {}", row.place, first.get()));
                }
            }
        }
    }
    problems
}

fn report(args: &Args, kind: &str, notes: &[String], places: &[String], outcomes: &[(Outcome, zts::Token)]) {
    let count = |wanted: Outcome| outcomes.iter().filter(|(o, _)| *o == wanted).count();
    let (new, updated, unchanged) = (count(Outcome::Inserted), count(Outcome::Updated), count(Outcome::Unchanged));
    if args.json {
        let rows: Vec<serde_json::Value> = places
            .iter()
            .zip(outcomes)
            .map(|(place, (outcome, saved))| {
                serde_json::json!({"from": place, "outcome": outcome_name(*outcome), "id": saved.id})
            })
            .collect();
        let report = serde_json::json!({
            "source": kind, "dry_run": args.dry_run, "inserted": new, "updated": updated,
            "unchanged": unchanged, "notes": notes, "rows": rows,
        });
        output::line(&serde_json::to_string_pretty(&report).unwrap_or_default());
        return;
    }
    output::line(&format!("source: {kind}"));
    for note in notes {
        output::line(&format!("note: {note}"));
    }
    if args.dry_run {
        for (place, (outcome, saved)) in places.iter().zip(outcomes) {
            let id = saved.id.as_deref().unwrap_or("?");
            output::line(&format!("{place}: would be {} as id {id}", outcome_name(*outcome)));
        }
    }
    let verb = if args.dry_run { "dry run, nothing written: would import" } else { "imported" };
    output::line(&format!(
        "{verb} {} token(s) into {}: {new} new, {updated} updated, {unchanged} unchanged",
        outcomes.len(),
        fail::shown_location(&args.into)
    ));
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Inserted => "inserted",
        Outcome::Updated => "updated",
        Outcome::Unchanged => "unchanged",
    }
}
