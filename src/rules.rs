//! The Zoho SDK store rules, all in one place (the SDK stores are described in docs/sdk-contract.md §4-§5):
//! which key a token is matched on, how a save merges into a stored row, what may be inserted, and how
//! ids are given. Defects of the SDK stores are fixed here and listed in the README.

use crate::engine::Key;
use crate::error::{shown, Error, Result};
use crate::token::{Token, FIELDS};

/// The keys to try, in order, to find the stored row for a token, following the SDK FileStore's
/// `check_condition`: the token's shape picks exactly one rule.
/// 1. user_name set: match user_name.
/// 2. else access_token set and client_id, client_secret both absent: match access_token.
/// 3. else grant_token or refresh_token set, with client_id and client_secret: match grant_token,
///    then refresh_token. (The FileStore takes whichever matches first in file order; zts prefers the
///    grant token, as the SDK DBStore does, so the answer does not depend on row order.)
///
/// Returns an empty list when no rule applies.
pub fn match_keys(token: &Token) -> Vec<Key<'_>> {
    let has_client = token.client_id.is_some() && token.client_secret.is_some();
    let no_client = token.client_id.is_none() && token.client_secret.is_none();
    if let Some(name) = &token.user_name {
        return vec![Key::UserName(name)];
    }
    if let (Some(access), true) = (&token.access_token, no_client) {
        return vec![Key::AccessToken(access)];
    }
    if has_client {
        let grant = token.grant_token.as_deref().map(Key::GrantToken);
        let refresh = token.refresh_token.as_deref().map(Key::RefreshToken);
        return grant.into_iter().chain(refresh).collect();
    }
    Vec::new()
}

/// The keys for `find`: the SDK rules, else the id when the token has none of their keys.
pub fn find_keys(query: &Token) -> Result<Vec<Key<'_>>> {
    let keys = match_keys(query);
    if !keys.is_empty() {
        return Ok(keys);
    }
    let has_rule_key = query.user_name.is_some()
        || query.access_token.is_some()
        || query.grant_token.is_some()
        || query.refresh_token.is_some();
    match (&query.id, has_rule_key) {
        (Some(id), false) => Ok(vec![Key::Id(id)]),
        (_, true) => Err(Error::invalid_token(
            "nothing to match on: an access_token is matched only without client_id and client_secret, \
             a grant_token or refresh_token only with both",
        )),
        (None, false) => Err(Error::invalid_token(
            "nothing to match on: give user_name, access_token, grant_token, refresh_token or id",
        )),
    }
}

/// The stored row after a save: the incoming non-null fields replace the stored ones, its null
/// fields keep the stored values. The id stays the stored one.
pub fn merge(stored: &Token, incoming: &Token) -> Token {
    let mut merged = stored.clone();
    for (slot, new) in merged.values_mut().into_iter().zip(incoming.values()).skip(1) {
        if new.is_some() {
            slot.clone_from(new);
        }
    }
    merged
}

/// Whether saving `incoming` over `stored` only refreshes the access token: it changes nothing but
/// access_token, expiry_time and api_domain (what the SDK writes after a refresh). Losing such a save
/// to a power loss costs one more refresh, so it is committed without a sync (options "auto").
pub fn is_refresh(stored: &Token, incoming: &Token) -> bool {
    const REFRESHED: [&str; 3] = ["access_token", "expiry_time", "api_domain"];
    FIELDS
        .iter()
        .zip(stored.values())
        .zip(incoming.values())
        .all(|((field, old), new)| new.is_none() || new == old || REFRESHED.contains(field))
}

/// Whether an SDK given this token calls Zoho's token endpoint (the SDKs' `get_token`): it needs the
/// client credentials, and then refreshes when there is no access token yet or it expires within
/// `lead_ms` (5000 in the Python, Java, Node and PHP SDKs, 5 in C#'s), or exchanges a grant token when
/// there is neither an access nor a refresh token. A token without refresh token, or without expiry,
/// is used as it is.
pub fn will_refresh(token: &Token, lead_ms: i64, now_ms: i64) -> bool {
    if token.client_id.is_none() || token.client_secret.is_none() {
        return false;
    }
    match (&token.access_token, &token.refresh_token) {
        (None, Some(_)) => true,
        (None, None) => token.grant_token.is_some(),
        (Some(_), Some(_)) => {
            let expiry = token.expiry_time.as_deref().and_then(|e| e.parse::<i64>().ok());
            expiry.is_some_and(|expiry| expiry.saturating_sub(now_ms) < lead_ms)
        }
        (Some(_), None) => false,
    }
}

/// Checks a token that is about to become a new row.
pub fn check_insertable(token: &Token) -> Result<()> {
    if token.refresh_token.is_none() && token.grant_token.is_none() && token.access_token.is_none() {
        return Err(Error::invalid_token(
            "nothing to store: a new token needs a refresh_token, grant_token or access_token",
        ));
    }
    if let Some(id) = &token.id {
        parse_id(id).map_err(|e| e.context("a new token's id"))?;
    }
    Ok(())
}

/// Checks the values a save would write (not the keys it matches on).
pub fn check_values(token: &Token) -> Result<()> {
    if let Some(expiry) = &token.expiry_time {
        let digits = expiry.strip_prefix('-').unwrap_or(expiry);
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_token(format!(
                "expiry_time must be epoch milliseconds (a decimal integer), not {}",
                shown(expiry)
            )));
        }
    }
    Ok(())
}

/// Ids are decimal numbers without sign or leading zero, so the SDKs' file stores (which parse ids as
/// integers) can read an exported store, and "10" sorts after "9".
pub fn parse_id(id: &str) -> Result<u64> {
    let canonical = !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0');
    if canonical {
        Ok(id.parse().expect("checked digits"))
    } else {
        Err(Error::invalid_token(format!(
            "id {} is not a decimal number from 1 to 999999999999999999 without leading zeros",
            shown(id)
        )))
    }
}

/// The id for a new token: one more than the largest numeric id the store has ever held, compared as
/// numbers (the SDK DBStore compares text and issues "10" twice). Unlike the SDK stores, a deleted
/// token's id is not issued again: a process still holding it (an SDK token object in memory) would
/// otherwise save its token over another user's.
pub fn next_id(largest_id_ever: u64) -> String {
    (largest_id_ever + 1).to_string()
}

/// An id given to find_by_id or delete: any non-empty string (rows adopted from other tools may have
/// ids zts would not issue); an unknown one is simply not found.
pub fn check_id_argument(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid_argument("id is empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(pairs: &[(&str, &str)]) -> Token {
        let map: serde_json::Map<String, serde_json::Value> =
            pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
        Token::from_json(&serde_json::Value::Object(map).to_string()).unwrap()
    }

    #[test]
    fn the_token_shape_picks_one_rule() {
        assert_eq!(match_keys(&tok(&[("user_name", "u"), ("access_token", "a")])), [Key::UserName("u")]);
        assert_eq!(match_keys(&tok(&[("access_token", "a")])), [Key::AccessToken("a")]);
        // access token with client credentials: not rule 2, and rule 3 needs a grant or refresh token
        assert!(match_keys(&tok(&[("access_token", "a"), ("client_id", "c"), ("client_secret", "s")])).is_empty());
        // access token with only one credential: no rule at all (as in the SDK)
        assert!(match_keys(&tok(&[("access_token", "a"), ("client_id", "c")])).is_empty());
        let full = tok(&[("grant_token", "g"), ("refresh_token", "r"), ("client_id", "c"), ("client_secret", "s")]);
        assert_eq!(match_keys(&full), [Key::GrantToken("g"), Key::RefreshToken("r")]);
        // refresh token without credentials: the SDK matches nothing (Node's precedence slip is not copied)
        assert!(match_keys(&tok(&[("refresh_token", "r")])).is_empty());
        // empty strings are absent
        assert_eq!(match_keys(&tok(&[("user_name", ""), ("access_token", "a")])), [Key::AccessToken("a")]);
    }

    #[test]
    fn find_falls_back_to_id_only_without_rule_keys() {
        assert_eq!(find_keys(&tok(&[("id", "7")])).unwrap(), [Key::Id("7")]);
        assert!(find_keys(&tok(&[("id", "7"), ("refresh_token", "r")])).is_err());
        assert!(find_keys(&tok(&[("client_id", "c")])).is_err());
    }

    #[test]
    fn merge_keeps_stored_values_for_null_fields() {
        let stored = tok(&[("id", "1"), ("user_name", "u"), ("refresh_token", "r1"), ("access_token", "a1")]);
        let incoming = tok(&[("id", "9"), ("access_token", "a2"), ("expiry_time", "5")]);
        let merged = merge(&stored, &incoming);
        assert_eq!(
            merged,
            tok(&[
                ("id", "1"),
                ("user_name", "u"),
                ("refresh_token", "r1"),
                ("access_token", "a2"),
                ("expiry_time", "5")
            ])
        );
    }

    #[test]
    fn ids_are_canonical_decimals_compared_as_numbers() {
        assert_eq!(parse_id("10").unwrap(), 10);
        for bad in ["", "0", "01", "-1", "1a", "x' OR '1'='1", "1234567890123456789"] {
            assert!(parse_id(bad).is_err(), "{bad}");
        }
        assert_eq!(next_id(9), "10");
        assert_eq!(next_id(0), "1");
    }

    #[test]
    fn inserts_need_a_credential_and_expiry_must_be_numeric() {
        assert!(check_insertable(&tok(&[("user_name", "u")])).is_err());
        assert!(check_insertable(&tok(&[("grant_token", "g")])).is_ok());
        assert!(check_values(&tok(&[("expiry_time", "soon")])).is_err());
        assert!(check_values(&tok(&[("expiry_time", "4102444839397")])).is_ok());
    }

    #[test]
    fn an_sdk_refreshes_a_token_with_credentials_that_is_expiring_or_has_no_access_token() {
        let now = 1_000_000;
        let with = |pairs: &[(&str, &str)]| {
            let mut all = vec![("client_id", "c"), ("client_secret", "s")];
            all.extend_from_slice(pairs);
            tok(&all)
        };
        let expiring =
            |ms: i64| with(&[("refresh_token", "r"), ("access_token", "a"), ("expiry_time", &(now + ms).to_string())]);
        assert!(will_refresh(&expiring(4_999), 5000, now), "within the lead");
        assert!(!will_refresh(&expiring(5_000), 5000, now), "the SDKs compare expiry - now < lead");
        assert!(will_refresh(&expiring(-1), 5000, now), "expired");
        assert!(!will_refresh(&expiring(6), 5, now) && will_refresh(&expiring(4), 5, now), "C#'s 5 ms lead");
        assert!(will_refresh(&with(&[("refresh_token", "r")]), 5000, now), "seeded: no access token yet");
        assert!(will_refresh(&with(&[("grant_token", "g")]), 5000, now), "a grant token to exchange");
        assert!(
            !will_refresh(&with(&[("refresh_token", "r"), ("access_token", "a")]), 5000, now),
            "no expiry: used as is"
        );
        assert!(
            !will_refresh(&with(&[("access_token", "a"), ("expiry_time", "1")]), 5000, now),
            "nothing to refresh with"
        );
        assert!(
            !will_refresh(
                &with(&[("refresh_token", "r"), ("access_token", "a"), ("expiry_time", "1.5e12")]),
                5000,
                now
            ),
            "an expiry the SDKs cannot parse"
        );
        let no_secret = tok(&[("client_id", "c"), ("refresh_token", "r")]);
        assert!(!will_refresh(&no_secret, 5000, now), "no client credentials: the SDK cannot refresh");
    }

    #[test]
    fn a_refresh_changes_only_the_access_token_expiry_and_api_domain() {
        let stored = tok(&[("id", "1"), ("client_id", "c"), ("refresh_token", "R"), ("access_token", "A1")]);
        let sdk_refresh = tok(&[
            ("id", "1"),
            ("client_id", "c"),
            ("refresh_token", "R"),
            ("access_token", "A2"),
            ("expiry_time", "99"),
            ("api_domain", "https://d"),
        ]);
        assert!(is_refresh(&stored, &sdk_refresh));
        assert!(is_refresh(&stored, &tok(&[("id", "1")])), "a save that changes nothing");
        for (key, value) in [("refresh_token", "R2"), ("client_id", "c2"), ("user_name", "u"), ("grant_token", "G")] {
            let mut changed = sdk_refresh.clone();
            *changed.values_mut()[FIELDS.iter().position(|f| *f == key).unwrap()] = Some(value.to_string());
            assert!(!is_refresh(&stored, &changed), "{key} changed");
        }
    }
}
