//! zts, the Zoho token store: one SQLite-backed OAuth TokenStore with a C ABI, shared by the Zoho CRM
//! SDKs of every language. Modules, one concern each:
//! - `token`: the token model and its JSON;
//! - `rules`: the SDK store rules (matching, merging, ids), all in one place;
//! - `store`: the six operations, applying the rules over an engine;
//! - `import`: many saves as one all-or-nothing transaction (the `zts import` command);
//! - `engine`: the storage trait; `engine::sqlite`, its SQLite implementation;
//! - `lease`: refresh leases, so processes sharing a token refresh it once;
//! - `options`: the open options;
//! - `ffi`: the C ABI (include/zts.h), conversion only;
//! - `error`: statuses and the error type.

pub mod engine;
pub mod error;
pub mod ffi;
pub mod import;
pub mod lease;
pub mod options;
pub mod rules;
pub mod store;
pub mod token;

pub use error::{Error, Result, Status};
pub use import::{ImportError, Outcome};
pub use options::{Options, Synchronous};
pub use store::Store;
pub use token::Token;
