//! What the command prints: lines on stdout (a closed pipe ends the command quietly), a progress bar on
//! a terminal, redacted secrets, expiry times for people, and aligned tables.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn line(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
        // The reader went away (`zts list | head`): stop like other command-line tools do.
        std::process::exit(0);
    }
}

/// A progress bar on stderr for work long enough to watch; hidden when stderr is not a terminal.
pub fn progress(total: u64, what: &str) -> ProgressBar {
    if total < 1000 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar
}

/// Prints the warning that `--reveal` shows secrets, when a person is watching.
pub fn warn_reveal() {
    if std::io::stdout().is_terminal() {
        eprintln!("warning: --reveal prints secrets (client secrets, refresh and access tokens) in clear");
    }
}

/// A secret for people: its first 5 characters (the "1000." data-centre prefix of a Zoho token) and its
/// length, `1000.…(70)`. A short secret shows only its length, so no meaningful part of it is shown.
pub fn redact(secret: &str) -> String {
    let length = secret.chars().count();
    if length >= 20 {
        format!("{}…({length})", secret.chars().take(5).collect::<String>())
    } else {
        format!("…({length})")
    }
}

/// "2026-12-02 11:20 UTC, in 42 min" / "..., expired 3 h ago" from epoch milliseconds.
pub fn expiry(epoch_ms: &str) -> String {
    let Ok(ms) = epoch_ms.parse::<i64>() else { return epoch_ms.to_owned() };
    let Some(at) = UNIX_EPOCH.checked_add(Duration::from_millis(ms.max(0) as u64)) else { return epoch_ms.to_owned() };
    let date = humantime::format_rfc3339_seconds(at).to_string();
    let date = format!("{} UTC", date.trim_end_matches('Z').replacen('T', " ", 1).get(..16).unwrap_or(&date));
    match at.duration_since(SystemTime::now()) {
        Ok(left) => format!("{date}, in {}", span(left)),
        Err(past) => format!("{date}, expired {} ago", span(past.duration())),
    }
}

pub fn is_expired(epoch_ms: &str) -> bool {
    epoch_ms.parse::<i64>().is_ok_and(|ms| {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        ms <= now
    })
}

fn span(d: Duration) -> String {
    let minutes = d.as_secs() / 60;
    match minutes {
        0 => format!("{} s", d.as_secs()),
        1..=119 => format!("{minutes} min"),
        120..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

/// Rows as columns padded to the widest cell, the first row being the header.
pub fn table(rows: &[Vec<String>]) {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> =
        (0..columns).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        line(cells.join("  ").trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_the_prefix_and_length_only() {
        let token = format!("1000.{}", "a".repeat(65));
        assert_eq!(redact(&token), "1000.…(70)");
        assert_eq!(redact("csec"), "…(4)");
    }

    #[test]
    fn expiry_for_people() {
        assert_eq!(
            expiry("0"),
            format!(
                "1970-01-01 00:00 UTC, expired {} ago",
                span(SystemTime::now().duration_since(UNIX_EPOCH).unwrap())
            )
        );
        let soon = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() + 42 * 60_000 + 30_000;
        assert!(expiry(&soon.to_string()).ends_with("in 42 min"), "{}", expiry(&soon.to_string()));
        assert!(is_expired("1") && !is_expired(&soon.to_string()));
    }
}
