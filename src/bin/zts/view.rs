//! `zts list` and `zts show`: tokens for people (a table, or one token's fields) and for scripts
//! (`--json`), secrets redacted unless `--reveal`.

use crate::fail::{Fail, Result};
use crate::output;
use zts::lease::Lease;
use zts::{Store, Token};

/// Fields whose values are credentials.
const SECRETS: [&str; 4] = ["client_secret", "refresh_token", "access_token", "grant_token"];

/// The token with its secrets redacted, unless `reveal`.
pub fn shown(token: &Token, reveal: bool) -> Token {
    let mut shown = token.clone();
    if !reveal {
        for (name, value) in zts::token::FIELDS.iter().zip(shown.values_mut()) {
            if SECRETS.contains(name) {
                *value = value.as_deref().map(output::redact);
            }
        }
    }
    shown
}

/// The live refresh lease on a token: who is refreshing it and for how much longer.
fn lease_of(leases: &[Lease], token: &Token) -> Option<String> {
    let key = zts::lease::row_key(token.id.as_deref()?);
    let lease = leases.iter().find(|l| l.key == key)?;
    let left_s = (lease.until_ms - zts::lease::now_ms()).max(0) as f64 / 1000.0;
    Some(format!("refreshing by {}, {left_s:.1} s left", lease.holder))
}

fn expiry_of(token: &Token) -> String {
    token.expiry_time.as_deref().map(output::expiry).unwrap_or_else(|| "-".into())
}

pub fn list(store: &Store, location: &str, json: bool, reveal: bool) -> Result<()> {
    let tokens = store.list().map_err(|e| Fail::store(location, e))?;
    let leases = store.leases().map_err(|e| Fail::store(location, e))?;
    if reveal {
        output::warn_reveal();
    }
    if json {
        let shown: Vec<Token> = tokens.iter().map(|t| shown(t, reveal)).collect();
        output::line(&zts::token::list_to_json(&shown));
        return Ok(());
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let header = ["ID", "USER", "CLIENT", "REFRESH", "ACCESS", "EXPIRY", "API DOMAIN", "LEASE"];
    let mut rows = vec![header.map(String::from).to_vec()];
    for token in &tokens {
        let s = shown(token, reveal);
        rows.push(vec![
            dash(&s.id),
            dash(&s.user_name),
            dash(&s.client_id),
            dash(&s.refresh_token),
            dash(&s.access_token),
            expiry_of(token),
            dash(&s.api_domain),
            lease_of(&leases, token).unwrap_or_else(|| "-".into()),
        ]);
    }
    output::table(&rows);
    output::line(&format!("{} token(s)", tokens.len()));
    Ok(())
}

pub fn show(token: &Token, leases: &[Lease], json: bool, reveal: bool) {
    if reveal {
        output::warn_reveal();
    }
    let s = shown(token, reveal);
    if json {
        output::line(&s.to_json());
        return;
    }
    let mut rows = Vec::new();
    for (name, value) in zts::token::FIELDS.iter().zip(s.values()) {
        let mut text = value.clone().unwrap_or_else(|| "-".into());
        if *name == "expiry_time" && value.is_some() {
            text = format!("{text} ({})", expiry_of(token));
        }
        rows.push(vec![format!("{name}:"), text]);
    }
    rows.push(vec!["lease:".into(), lease_of(leases, token).unwrap_or_else(|| "-".into())]);
    output::table(&rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_secrets_are_redacted() {
        let t = Token::from_json(
            r#"{"id":"1","user_name":"u@x:7","client_id":"1000.CLIENTID","client_secret":"0123456789abcdef0123456789","refresh_token":"1000.rrrrrrrrrrrrrrrrrrrrrrrr"}"#,
        )
        .unwrap();
        let s = shown(&t, false);
        assert_eq!(s.client_secret.as_deref(), Some("01234…(26)"));
        assert_eq!(s.refresh_token.as_deref(), Some("1000.…(29)"));
        assert_eq!((s.user_name, s.client_id), (t.user_name.clone(), t.client_id.clone()));
        assert_eq!(shown(&t, true), t);
    }
}
