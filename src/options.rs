//! Open options, given to `zts_open` as a JSON object. Unknown keys and wrong types are refused.

use crate::error::{shown, Error, Result};
use serde_json::Value;

/// How hard SQLite works to keep a commit through a power loss (PRAGMA synchronous in WAL mode).
/// Every setting survives a killed process and never leaves a corrupt file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    /// fsync on every commit: every acknowledged change survives a power loss.
    Full,
    /// fsync at checkpoints only: a power loss may undo the latest commits.
    Normal,
    /// The default: fsync on every commit except an access-token refresh (see `rules::is_refresh`),
    /// which a power loss may undo; the SDK then refreshes once more. A lost new token, refresh token,
    /// credential, user name or delete would cost more, so those commits are synced.
    Auto,
}

impl Synchronous {
    /// The PRAGMA synchronous value for a commit that `needs_sync` (true: it must survive a power loss).
    pub fn pragma(self, needs_sync: bool) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
            Synchronous::Auto if needs_sync => "FULL",
            Synchronous::Auto => "NORMAL",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// How long a call waits for another process's write lock before giving up with ZTS_BUSY.
    pub busy_timeout_ms: u32,
    /// Open without writing anything; saves, deletes and purges fail with ZTS_IO.
    pub read_only: bool,
    /// Create the file when it does not exist (otherwise ZTS_IO).
    pub create: bool,
    pub synchronous: Synchronous,
    /// A token is due for a refresh when it expires within this many ms: the caller's SDK rule
    /// (5000 for the Python, Java, Node and PHP SDKs; 5 for C#'s).
    pub refresh_lead_ms: u32,
    /// How long the first caller to find a due token holds its refresh lease (see `lease`); other
    /// callers wait for its save at most that long. 0 turns coordination off.
    pub refresh_lease_ms: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            busy_timeout_ms: 5000,
            read_only: false,
            create: true,
            synchronous: Synchronous::Auto,
            refresh_lead_ms: 5000,
            refresh_lease_ms: 15000,
        }
    }
}

const KEYS: &str = "busy_timeout_ms, read_only, create, synchronous, refresh_lead_ms, refresh_lease_ms";

impl Options {
    /// Parses the options object; `None` (a NULL pointer) means the defaults.
    pub fn from_json(json: Option<&str>) -> Result<Options> {
        let mut options = Options::default();
        let Some(json) = json else { return Ok(options) };
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::invalid_argument(format!("options_json is not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(Error::invalid_argument("options_json must be a JSON object"));
        };
        for (key, value) in &map {
            let wrong = |wanted: &str| Error::invalid_argument(format!("option \"{key}\" must be {wanted}"));
            let milliseconds = || {
                value
                    .as_u64()
                    .and_then(|ms| u32::try_from(ms).ok())
                    .ok_or_else(|| wrong("an integer from 0 to 4294967295 (milliseconds)"))
            };
            match key.as_str() {
                "busy_timeout_ms" => options.busy_timeout_ms = milliseconds()?,
                "refresh_lead_ms" => options.refresh_lead_ms = milliseconds()?,
                "refresh_lease_ms" => options.refresh_lease_ms = milliseconds()?,
                "read_only" => options.read_only = value.as_bool().ok_or_else(|| wrong("true or false"))?,
                "create" => options.create = value.as_bool().ok_or_else(|| wrong("true or false"))?,
                "synchronous" => {
                    options.synchronous = match value.as_str() {
                        Some("full") => Synchronous::Full,
                        Some("normal") => Synchronous::Normal,
                        Some("auto") => Synchronous::Auto,
                        _ => return Err(wrong("\"auto\", \"full\" or \"normal\"")),
                    }
                }
                _ => return Err(Error::invalid_argument(format!("unknown option {} (known: {KEYS})", shown(key)))),
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_every_option() {
        assert_eq!(Options::from_json(None).unwrap(), Options::default());
        let o = Options::from_json(Some(
            r#"{"busy_timeout_ms": 250, "read_only": true, "create": false, "synchronous": "normal",
                "refresh_lead_ms": 5, "refresh_lease_ms": 0}"#,
        ))
        .unwrap();
        assert_eq!(
            o,
            Options {
                busy_timeout_ms: 250,
                read_only: true,
                create: false,
                synchronous: Synchronous::Normal,
                refresh_lead_ms: 5,
                refresh_lease_ms: 0
            }
        );
    }

    #[test]
    fn refuses_unknown_keys_and_wrong_types_by_name() {
        for (json, named) in [
            (r#"{"timeout": 5}"#, "timeout"),
            (r#"{"busy_timeout_ms": "5"}"#, "busy_timeout_ms"),
            (r#"{"busy_timeout_ms": -1}"#, "busy_timeout_ms"),
            (r#"{"read_only": 1}"#, "read_only"),
            (r#"{"synchronous": "off"}"#, "synchronous"),
            (r#"{"refresh_lead_ms": -5}"#, "refresh_lead_ms"),
            (r#"{"refresh_lease_ms": 1.5}"#, "refresh_lease_ms"),
            ("[]", "object"),
            ("{", "JSON"),
        ] {
            let e = Options::from_json(Some(json)).unwrap_err();
            assert_eq!(e.status, crate::error::Status::InvalidArgument);
            assert!(e.message.contains(named), "{json}: {e}");
        }
    }
}
