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

/// How a `mysql://` connection uses TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP.
    Disabled,
    /// TLS, without checking the server's certificate (protects from listeners, not from impostors).
    Required,
    /// TLS with a certificate signed by the CA in `ssl_ca`, whatever host name it is for.
    VerifyCa,
    /// TLS with a certificate signed by `ssl_ca` (or a public CA when none is given) for the host name
    /// or address in the location.
    VerifyIdentity,
}

/// A database password. Its Debug output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<not shown>)")
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
    /// mysql:// only: the password, when the location does not hold one.
    pub password: Option<Password>,
    /// mysql:// only: TLS (default: disabled for a loopback host, required for any other).
    pub ssl_mode: Option<SslMode>,
    /// mysql:// only: a PEM file with the CA certificate(s) that verify_ca and verify_identity trust.
    pub ssl_ca: Option<String>,
    /// The keys the JSON gave, so an engine can refuse the options that only apply to the other one.
    pub given: Vec<&'static str>,
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
            password: None,
            ssl_mode: None,
            ssl_ca: None,
            given: Vec::new(),
        }
    }
}

const KEYS: [&str; 9] = [
    "busy_timeout_ms",
    "read_only",
    "create",
    "synchronous",
    "refresh_lead_ms",
    "refresh_lease_ms",
    "password",
    "ssl_mode",
    "ssl_ca",
];
/// Options that only a file store uses.
pub const SQLITE_ONLY: [&str; 1] = ["synchronous"];
/// Options that only a mysql:// store uses.
pub const MYSQL_ONLY: [&str; 3] = ["password", "ssl_mode", "ssl_ca"];

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
            let Some(known) = KEYS.iter().find(|k| **k == key) else {
                return Err(Error::invalid_argument(format!(
                    "unknown option {} (known: {})",
                    shown(key),
                    KEYS.join(", ")
                )));
            };
            options.given.push(known);
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
                "password" => {
                    let password = value.as_str().ok_or_else(|| wrong("a string"))?;
                    options.password = Some(Password(password.to_owned()));
                }
                "ssl_mode" => {
                    options.ssl_mode = Some(match value.as_str() {
                        Some("disabled") => SslMode::Disabled,
                        Some("required") => SslMode::Required,
                        Some("verify_ca") => SslMode::VerifyCa,
                        Some("verify_identity") => SslMode::VerifyIdentity,
                        _ => return Err(wrong("\"disabled\", \"required\", \"verify_ca\" or \"verify_identity\"")),
                    })
                }
                "ssl_ca" => match value.as_str() {
                    Some(path) if !path.is_empty() => options.ssl_ca = Some(path.to_owned()),
                    _ => return Err(wrong("the path of a PEM file")),
                },
                _ => unreachable!("every known key is handled"),
            }
        }
        Ok(options)
    }

    /// Refuses the options given that the engine at `location` does not use (`which`: their names).
    pub fn refuse(&self, which: &[&str], location_kind: &str) -> Result<()> {
        match self.given.iter().find(|key| which.contains(key)) {
            Some(key) => Err(Error::invalid_argument(format!("option \"{key}\" does not apply to {location_kind}"))),
            None => Ok(()),
        }
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
                refresh_lease_ms: 0,
                given: vec![
                    "busy_timeout_ms",
                    "create",
                    "read_only",
                    "refresh_lead_ms",
                    "refresh_lease_ms",
                    "synchronous"
                ],
                ..Options::default()
            }
        );
        let o = Options::from_json(Some(
            r#"{"password": "p@ss: /%", "ssl_mode": "verify_identity", "ssl_ca": "/etc/ca.pem"}"#,
        ))
        .unwrap();
        assert_eq!(o.password, Some(Password("p@ss: /%".into())));
        assert_eq!((o.ssl_mode, o.ssl_ca.as_deref()), (Some(SslMode::VerifyIdentity), Some("/etc/ca.pem")));
        assert!(!format!("{o:?}").contains("p@ss"), "Debug shows no password");
    }

    #[test]
    fn refuses_the_options_of_the_other_engine_by_name() {
        let o = Options::from_json(Some(r#"{"read_only": true, "ssl_mode": "required"}"#)).unwrap();
        assert!(o.refuse(&SQLITE_ONLY, "a mysql:// location").is_ok());
        let e = o.refuse(&MYSQL_ONLY, "a store file").unwrap_err();
        assert_eq!(e.status, crate::error::Status::InvalidArgument);
        assert_eq!(e.message, "option \"ssl_mode\" does not apply to a store file");
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
            (r#"{"password": 5}"#, "password"),
            (r#"{"ssl_mode": "preferred"}"#, "ssl_mode"),
            (r#"{"ssl_ca": ""}"#, "ssl_ca"),
            ("[]", "object"),
            ("{", "JSON"),
        ] {
            let e = Options::from_json(Some(json)).unwrap_err();
            assert_eq!(e.status, crate::error::Status::InvalidArgument);
            assert!(e.message.contains(named), "{json}: {e}");
        }
    }
}
