//! Files the command creates that hold secrets (exports, backups): mode 0600 from the start, written
//! under a temporary name and renamed into place, never over an existing file unless `force`.

use crate::fail::{self, code, Fail, Result};
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Refuses an existing destination unless `force`, and always the store `location` itself.
pub fn check_destination(dest: &str, force: bool, location: &str) -> Result<()> {
    let same = |a: &str, b: &str| fs::canonicalize(a).ok().is_some_and(|a| fs::canonicalize(b).ok() == Some(a));
    if same(dest, location) {
        return Err(Fail::refused(format!("{dest} is the store itself; give another file")));
    }
    match fs::symlink_metadata(dest) {
        Ok(meta) if meta.is_dir() => Err(Fail::refused(format!("{dest} is a directory; give a file name"))),
        Ok(_) if !force => Err(Fail::refused(format!("{dest} exists; add --force to replace it"))),
        _ => Ok(()),
    }
}

/// A new empty file with mode 0600 beside `dest`, to be filled and then `publish`ed.
pub fn temporary(dest: &str) -> Result<(PathBuf, File)> {
    let path = Path::new(dest);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.zts-tmp-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(|e| fail::io(code::STORE, dest, e))?;
    Ok((temp, file))
}

/// Syncs the finished temporary file and renames it to `dest` (removing it on failure).
pub fn publish(temp: &Path, dest: &str) -> Result<()> {
    let done = File::open(temp).and_then(|f| f.sync_all()).and_then(|_| fs::rename(temp, dest)).and_then(|_| {
        let dir = Path::new(dest).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        File::open(dir)?.sync_all()
    });
    if let Err(e) = done {
        let _ = fs::remove_file(temp);
        return Err(fail::io(code::STORE, dest, e));
    }
    Ok(())
}

/// Writes `bytes` to `dest` as above (`location`: the store it comes from, never overwritten).
pub fn write_private(dest: &str, bytes: &[u8], force: bool, location: &str) -> Result<()> {
    use std::io::Write;
    check_destination(dest, force, location)?;
    let (temp, mut file) = temporary(dest)?;
    if let Err(e) = file.write_all(bytes) {
        let _ = fs::remove_file(&temp);
        return Err(fail::io(code::STORE, dest, e));
    }
    publish(&temp, dest)
}
