//! The command's errors: one line for a person, and an exit code for a script (docs/cli.md lists them).

use std::fmt;
use zts::Status;

/// Exit codes. 2 is a usage error, given by clap.
pub mod code {
    /// `doctor` found something wrong with the store.
    pub const PROBLEMS_FOUND: u8 = 1;
    /// The import source (or a flag's value) was refused; nothing was written.
    pub const BAD_INPUT: u8 = 3;
    /// No token has that id or user name.
    pub const NOT_FOUND: u8 = 4;
    /// The store could not be opened, read or written: missing, not a zts store, damaged, busy, read-only.
    pub const STORE: u8 = 5;
    /// Refused for safety: `purge` without `--yes`, an existing file without `--force`, a location the
    /// command does not support.
    pub const REFUSED: u8 = 6;
    /// A bug in zts.
    pub const INTERNAL: u8 = 70;
}

#[derive(Debug)]
pub struct Fail {
    pub code: u8,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Fail>;

impl Fail {
    pub fn new(code: u8, message: impl fmt::Display) -> Fail {
        Fail { code, message: message.to_string() }
    }
    pub fn input(message: impl fmt::Display) -> Fail {
        Fail::new(code::BAD_INPUT, message)
    }
    pub fn refused(message: impl fmt::Display) -> Fail {
        Fail::new(code::REFUSED, message)
    }
    /// A library error about `location`; its messages never hold a secret.
    pub fn store(location: &str, e: zts::Error) -> Fail {
        let code = match e.status {
            Status::NotFound => code::NOT_FOUND,
            Status::InvalidArgument | Status::InvalidJson | Status::InvalidToken => code::BAD_INPUT,
            Status::Internal => code::INTERNAL,
            _ => code::STORE,
        };
        // The library names file paths itself; name the location only when its message does not.
        let location = &shown_location(location);
        if e.message.contains(location.as_str()) {
            Fail::new(code, e.message)
        } else {
            Fail::new(code, format!("{location}: {}", e.message))
        }
    }
}

/// An I/O failure on a file the command reads (`code::BAD_INPUT`) or writes (`code::STORE`).
pub fn io(code: u8, path: &str, e: std::io::Error) -> Fail {
    Fail::new(code, format!("{path}: {e}"))
}

/// A location for messages: a URL's password (mysql://user:password@host/db) is never shown.
pub fn shown_location(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else { return location.to_owned() };
    let (authority, path) = rest.split_once('/').map_or((rest, None), |(a, p)| (a, Some(p)));
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
            format!("{user}:…@{host}")
        }
        None => authority.to_owned(),
    };
    match path {
        Some(path) => format!("{scheme}://{authority}/{}", path.split('?').next().unwrap_or_default()),
        None => format!("{scheme}://{authority}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_never_shows_its_password() {
        assert_eq!(
            shown_location("mysql://zts:hunter2@db:3306/zohooauth?password=x"),
            "mysql://zts:…@db:3306/zohooauth"
        );
        assert_eq!(shown_location("mysql://db/zohooauth"), "mysql://db/zohooauth");
        assert_eq!(shown_location("tokens.db"), "tokens.db");
    }
}
