//! `zts backup LOCATION DEST`: a consistent copy of an SQLite store while other processes keep writing.
//! SQLite's online backup copies every page in one read transaction, so the copy is the store as it
//! was when the backup began (WAL mode lets writers go on meanwhile). The copy is built under a
//! temporary name with mode 0600, checked, and renamed into place.

use crate::fail::{self, Fail, Result};
use crate::files;
use crate::output;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use zts::{Options, Store};

pub fn run(location: &str, dest: &str, force: bool) -> Result<()> {
    if location.contains("://") {
        return Err(Fail::refused(format!(
            "zts backup copies SQLite stores only; back {} up with its database's own tool (for MySQL: mysqldump --single-transaction)",
            fail::shown_location(location)
        )));
    }
    // Refuses what is not a zts store, with the library's message.
    let options = Options { read_only: true, create: false, ..Options::default() };
    drop(Store::open(location, &options).map_err(|e| Fail::store(location, e))?);
    files::check_destination(dest, force, location)?;
    let (temp, file) = files::temporary(dest)?;
    drop(file);
    let copied = copy(location, &temp.to_string_lossy());
    if let Err(e) = copied {
        for leftover in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{leftover}", temp.display()));
        }
        return Err(e);
    }
    if force {
        // A WAL left by the file being replaced must not be applied to the copy.
        for stale in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{dest}{stale}"));
        }
    }
    files::publish(&temp, dest)?;
    output::line(&format!("backed up {location} to {dest} (mode 0600)"));
    Ok(())
}

fn copy(location: &str, temp: &str) -> Result<()> {
    let failed = |e: rusqlite::Error| Fail::new(fail::code::STORE, format!("backup of {location} failed: {e}"));
    let source = Connection::open_with_flags(location, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(failed)?;
    source.busy_timeout(std::time::Duration::from_secs(30)).map_err(failed)?;
    let mut target = Connection::open(temp).map_err(failed)?;
    {
        let backup = Backup::new(&source, &mut target).map_err(failed)?;
        // All pages in one step: one read transaction, so one consistent state.
        loop {
            match backup.step(-1).map_err(failed)? {
                StepResult::Done => break,
                StepResult::Busy | StepResult::Locked => std::thread::sleep(std::time::Duration::from_millis(20)),
                _ => {}
            }
        }
    }
    let check: String = target.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(failed)?;
    if check != "ok" {
        return Err(Fail::new(fail::code::STORE, format!("backup of {location}: the copy fails quick_check: {check}")));
    }
    target.close().map_err(|(_, e)| failed(e))
}
