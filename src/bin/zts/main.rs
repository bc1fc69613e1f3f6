//! `zts`: the command-line program over the zts library. Moves tokens in and out of a store (from and
//! to every SDK's FileStore CSV), shows them without their secrets, checks a store's health and backs it
//! up while services write. docs/cli.md describes every command and the exit codes.

mod backup;
mod dialect;
mod doctor;
mod export;
mod fail;
mod files;
mod import;
mod output;
mod source;
mod view;

use clap::{Parser, Subcommand};
use dialect::Dialect;
use fail::{code, Fail, Result};
use std::process::ExitCode;
use zts::{Options, Store};

#[derive(Parser)]
#[command(name = "zts", version, about = "The Zoho token store: import, export, inspect, check and back up a store")]
#[command(after_help = "A LOCATION is a store file path (or any location the library opens, such as mysql://...).\n\
Exit codes: 0 success, 1 doctor found problems, 2 usage, 3 bad input (nothing written), 4 not found,\n\
5 store error, 6 refused (needs --yes or --force, or not supported), 70 internal error.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import tokens from an SDK FileStore CSV, zts JSON, an SQLite token table or another store,
    /// all or nothing; running it twice changes nothing the second time
    Import {
        /// An SDK FileStore CSV (sdk_tokens.txt), a zts JSON export, an SQLite file with an oauthtoken
        /// table, or a store location (mysql://...)
        source: String,
        /// The zts store to import into (created when missing)
        #[arg(long, value_name = "LOCATION")]
        into: String,
        /// The CSV dialect, instead of detecting it
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,
        /// Show what would happen; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Report as JSON
        #[arg(long)]
        json: bool,
        /// Ignore the source's ids (for a second file whose ids the store already uses): each row is
        /// matched by user or token, or gets a new id
        #[arg(long)]
        new_ids: bool,
    },
    /// Write every token to a file: one SDK's FileStore CSV, or zts JSON (created with mode 0600)
    Export {
        location: String,
        /// The file to write
        #[arg(long, value_name = "FILE")]
        to: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: export::Format,
        /// Which SDK's FileStore will read the CSV
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// List the tokens, secrets redacted
    List {
        location: String,
        /// Print JSON (an array of tokens)
        #[arg(long)]
        json: bool,
        /// Print secrets in clear
        #[arg(long)]
        reveal: bool,
    },
    /// Show one token, by id or by user name, secrets redacted
    Show {
        location: String,
        /// The token's id
        #[arg(required_unless_present = "user", conflicts_with = "user")]
        id: Option<String>,
        /// The token's user_name (email:zgid)
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Print secrets in clear
        #[arg(long)]
        reveal: bool,
    },
    /// Delete the token with this id
    Delete { location: String, id: String },
    /// Delete every token (refused without --yes)
    Purge {
        location: String,
        /// Really delete every token
        #[arg(long)]
        yes: bool,
    },
    /// Check the store's health; exits with 1 when something is wrong, saying what to do
    Doctor {
        location: String,
        /// Report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Copy an SQLite store consistently while others write to it (the copy gets mode 0600)
    Backup {
        location: String,
        /// The new file
        dest: String,
        /// Replace DEST if it exists
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // One line, no backtrace and no payload (which could quote a value).
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("zts: internal error{place}; this is a bug in zts, please report it");
        std::process::exit(code::INTERNAL.into());
    }));
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(fail) => {
            eprintln!("zts: {}", fail.message);
            ExitCode::from(fail.code)
        }
    }
}

/// Opens an existing store; `read_only` for the commands that only look.
fn open(location: &str, read_only: bool) -> Result<Store> {
    let options = Options { read_only, create: false, ..Options::default() };
    Store::open(location, &options).map_err(|e| Fail::store(location, e))
}

fn run(command: Command) -> Result<u8> {
    match command {
        Command::Import { source, into, dialect, dry_run, json, new_ids } => {
            import::run(&import::Args { source, into, dialect, dry_run, json, new_ids })?
        }
        Command::Export { location, to, format, dialect, force } => {
            let store = open(&location, true)?;
            export::run(&store, &export::Args { location, to, format, dialect, force })?
        }
        Command::List { location, json, reveal } => view::list(&open(&location, true)?, &location, json, reveal)?,
        Command::Show { location, id, user, json, reveal } => {
            let store = open(&location, true)?;
            let found = match (&id, &user) {
                (Some(id), _) => store.find_by_id(id),
                (None, Some(user)) => {
                    let query = zts::Token { user_name: Some(user.clone()), ..zts::Token::default() };
                    store.find(&query).map_err(|e| e.context(format!("user_name {}", zts::error::shown(user))))
                }
                (None, None) => unreachable!("clap requires an id or --user"),
            };
            let leases = store.leases().map_err(|e| Fail::store(&location, e))?;
            view::show(&found.map_err(|e| Fail::store(&location, e))?, &leases, json, reveal);
        }
        Command::Delete { location, id } => {
            open(&location, false)?.delete(&id).map_err(|e| Fail::store(&location, e))?;
            output::line(&format!("deleted token {}", zts::error::shown(&id)));
        }
        Command::Purge { location, yes } => {
            let store = open(&location, false)?;
            if !yes {
                let count = store.list().map_err(|e| Fail::store(&location, e))?.len();
                return Err(Fail::refused(format!(
                    "purge deletes all {count} token(s) of {}; add --yes to do it",
                    fail::shown_location(&location)
                )));
            }
            let removed = store.purge().map_err(|e| Fail::store(&location, e))?;
            output::line(&format!("purged {removed} token(s)"));
        }
        Command::Doctor { location, json } => {
            if !doctor::run(&location, json)? {
                return Ok(code::PROBLEMS_FOUND);
            }
        }
        Command::Backup { location, dest, force } => backup::run(&location, &dest, force)?,
    }
    Ok(0)
}
