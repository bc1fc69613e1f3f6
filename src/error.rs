//! Status codes and the one error type of the crate.

use std::fmt;

// The status codes of the C ABI. The numbers are stable: a code is never renumbered or reused, and
// new codes are only ever appended. They are constants (not an exported enum) so that the header
// names them exactly ZTS_OK, ZTS_NOT_FOUND, ...

/// Success.
pub const ZTS_OK: i32 = 0;
/// No token matched the query, or no token has the given id.
pub const ZTS_NOT_FOUND: i32 = 1;
/// A required pointer was NULL, a string was not UTF-8, an id was empty, or an option was unknown or
/// of the wrong type.
pub const ZTS_INVALID_ARGUMENT: i32 = 2;
/// The token JSON is malformed, has an unknown or repeated key, or a value of the wrong type.
pub const ZTS_INVALID_JSON: i32 = 3;
/// The token is well-formed but breaks a rule: nothing to match on, nothing to store, a bad id or
/// expiry_time, or an id that would duplicate a stored token.
pub const ZTS_INVALID_TOKEN: i32 = 4;
/// Another connection held the store's write lock for longer than the busy timeout. From a
/// `zts_try_*` call: the call would have waited (for a write lock, or for another thread's call on the
/// same handle), so it did nothing; make the call that waits.
pub const ZTS_BUSY: i32 = 5;
/// The file could not be opened, created, read or written: a missing directory, no permission, a
/// read-only file or store, a directory where the file should be. For a mysql:// store: the server
/// could not be reached or the connection was lost (the message says whether anything was written),
/// access was denied, the database does not exist, or TLS refused the server.
pub const ZTS_IO: i32 = 6;
/// The file is not a usable SQLite database: empty, truncated, damaged, or not SQLite at all.
pub const ZTS_CORRUPT: i32 = 7;
/// The file is SQLite but not a store this version can use: a newer zts schema or another schema.
pub const ZTS_INCOMPATIBLE: i32 = 8;
/// A bug in zts, such as a caught panic. Please report it.
pub const ZTS_INTERNAL: i32 = 9;
/// Returned only by zts_try_find and zts_try_find_by_id: another caller is refreshing the token (it
/// holds the token's refresh lease); zts_find and zts_find_by_id would wait for its new access token.
pub const ZTS_REFRESHING: i32 = 10;

/// The outcome of every `zts_*` call, as a Rust enum over the ZTS_* numbers.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok = ZTS_OK,
    NotFound = ZTS_NOT_FOUND,
    InvalidArgument = ZTS_INVALID_ARGUMENT,
    InvalidJson = ZTS_INVALID_JSON,
    InvalidToken = ZTS_INVALID_TOKEN,
    Busy = ZTS_BUSY,
    Io = ZTS_IO,
    Corrupt = ZTS_CORRUPT,
    Incompatible = ZTS_INCOMPATIBLE,
    Internal = ZTS_INTERNAL,
    Refreshing = ZTS_REFRESHING,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Ok,
        Status::NotFound,
        Status::InvalidArgument,
        Status::InvalidJson,
        Status::InvalidToken,
        Status::Busy,
        Status::Io,
        Status::Corrupt,
        Status::Incompatible,
        Status::Internal,
        Status::Refreshing,
    ];

    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.iter().copied().find(|s| *s as i32 == code)
    }

    /// The constant's name in include/zts.h, e.g. "ZTS_NOT_FOUND".
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("ZTS_INTERNAL")
    }

    /// The same name, NUL-terminated, for `zts_status_name`.
    pub fn c_name(self) -> &'static std::ffi::CStr {
        match self {
            Status::Ok => c"ZTS_OK",
            Status::NotFound => c"ZTS_NOT_FOUND",
            Status::InvalidArgument => c"ZTS_INVALID_ARGUMENT",
            Status::InvalidJson => c"ZTS_INVALID_JSON",
            Status::InvalidToken => c"ZTS_INVALID_TOKEN",
            Status::Busy => c"ZTS_BUSY",
            Status::Io => c"ZTS_IO",
            Status::Corrupt => c"ZTS_CORRUPT",
            Status::Incompatible => c"ZTS_INCOMPATIBLE",
            Status::Internal => c"ZTS_INTERNAL",
            Status::Refreshing => c"ZTS_REFRESHING",
        }
    }
}

/// A failed operation: the status a caller branches on and a message a person reads.
/// Messages name what was wrong and never contain a secret (see `token::redact`).
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("{message}")]
pub struct Error {
    pub status: Status,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(status: Status, message: impl fmt::Display) -> Error {
        Error { status, message: message.to_string() }
    }
    pub fn not_found(message: impl fmt::Display) -> Error {
        Error::new(Status::NotFound, message)
    }
    pub fn invalid_argument(message: impl fmt::Display) -> Error {
        Error::new(Status::InvalidArgument, message)
    }
    pub fn invalid_json(message: impl fmt::Display) -> Error {
        Error::new(Status::InvalidJson, message)
    }
    pub fn invalid_token(message: impl fmt::Display) -> Error {
        Error::new(Status::InvalidToken, message)
    }
    pub fn io(message: impl fmt::Display) -> Error {
        Error::new(Status::Io, message)
    }
    pub fn corrupt(message: impl fmt::Display) -> Error {
        Error::new(Status::Corrupt, message)
    }
    pub fn incompatible(message: impl fmt::Display) -> Error {
        Error::new(Status::Incompatible, message)
    }
    pub fn internal(message: impl fmt::Display) -> Error {
        Error::new(Status::Internal, message)
    }
    pub fn refreshing(message: impl fmt::Display) -> Error {
        Error::new(Status::Refreshing, message)
    }
    /// A `zts_try_*` call that would have waited for `what` (ZTS_BUSY).
    pub fn would_wait(what: impl fmt::Display) -> Error {
        Error::new(
            Status::Busy,
            format!("the call would wait for {what}; a zts_try_* call never waits and did nothing: make the call that waits"),
        )
    }

    /// Prefixes the message with what was being done, keeping the status.
    pub fn context(self, what: impl fmt::Display) -> Error {
        Error { status: self.status, message: format!("{what}: {}", self.message) }
    }
}

/// A value from the caller shown in a message: quoted, control characters escaped, cut to 64 characters.
/// Only for values that are not secrets (ids, keys, paths, option names).
pub fn shown(value: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = value.chars().take(MAX).flat_map(char::escape_debug).collect();
    let total = value.chars().count();
    if total > MAX {
        out.push_str(&format!("…({total} characters)"));
    }
    format!("\"{out}\"")
}
