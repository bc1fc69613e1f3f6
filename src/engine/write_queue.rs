//! Writers take turns in the order they arrive. SQLite's busy handler sleeps and retries, so a waiting
//! writer can lose the lock again and again to writers that came later; here every write first takes a
//! numbered turn in a lock file beside the store (`<store>-lock`) and starts only when every earlier
//! turn is over.
//!
//! The lock file holds the next ticket number (8 bytes at offset 0; a lock on byte 0 guards it). Turn
//! `t` is a write lock on byte `SLOTS + t`, taken when the ticket is issued and held until the commit or
//! rollback. A writer may start when no byte of `[SLOTS, SLOTS + t)` is locked: every earlier writer
//! finished, gave up at its timeout, or died (the kernel drops a dead process's locks). It blocks on its
//! predecessor's byte alone, so a release wakes one waiter, not all of them.
//!
//! The locks are Linux open file description locks (`F_OFD_SETLK`): they belong to one open of the
//! file, so two handles in one process queue against each other (POSIX record locks belong to the
//! process: its handles would share them), and closing another descriptor of the file does not drop
//! them. The kernel's blocking lock has no timeout, so a wait that cannot be granted at once runs on a
//! helper thread that the caller waits for until its deadline; an uncontended turn starts no thread.
//!
//! The queue orders zts's writers; it does not guard the data. SQLite's own lock still does that, so a
//! tool writing the file without the queue is safe, only not ordered.

use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Instant;

/// The byte whose lock guards the ticket counter (stored in bytes 0..8).
const COUNTER: i64 = 0;
/// The lock byte of turn `t` is `SLOTS + t`.
const SLOTS: i64 = 8;
/// Tickets beyond this are a damaged counter: start again from 0.
const MAX_TICKET: i64 = 1 << 60;
/// Setting this environment variable to "off" opens stores without the queue (SQLite's busy handler
/// alone, as before); for measuring the difference (examples/write_contention.rs).
pub const SWITCH: &str = "ZTS_WRITE_QUEUE";

/// The queue of one store handle.
pub struct WriteQueue {
    file: Arc<File>,
    /// The thread that blocks in the kernel for this handle, started at the first wait that cannot be
    /// granted at once, ended with the handle. One per handle: a wait that timed out leaves it blocked
    /// until the lock comes (a writer elsewhere is stuck), and the next wait waits for it first.
    waiter: Option<Arc<Waiter>>,
}

/// A writer's turn: held until dropped, after the transaction's commit or rollback.
pub struct Turn {
    file: Arc<File>,
    slot: i64,
}

/// The deadline passed before the turn came.
#[derive(Debug)]
pub struct TimedOut;

impl WriteQueue {
    /// Opens (creating it with `mode`) the lock file beside the store at `store`. `None` when the queue
    /// cannot be used (a read-only directory or lock file, another owner's lock file, a platform
    /// without open file description locks, or the switch set to "off"): writes then rely on SQLite's
    /// busy handler alone, as correct but not in order.
    pub fn open(store: &Path, mode: u32) -> Option<WriteQueue> {
        if !cfg!(target_os = "linux") || std::env::var(SWITCH).is_ok_and(|v| v == "off") {
            return None;
        }
        let mut path = store.as_os_str().to_owned();
        path.push("-lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path)
            .ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        Some(WriteQueue { file: Arc::new(file), waiter: None })
    }

    /// Waits for this writer's turn until `deadline`. `Ok(None)`: the lock file failed (an I/O error),
    /// so this write goes without the queue.
    pub fn turn(&mut self, deadline: Instant) -> Result<Option<Turn>, TimedOut> {
        match self.wait_for_turn(deadline) {
            Ok(Some(turn)) => Ok(Some(turn)),
            Ok(None) => Err(TimedOut),
            Err(_) => Ok(None),
        }
    }

    /// `Ok(None)`: timed out.
    fn wait_for_turn(&mut self, deadline: Instant) -> io::Result<Option<Turn>> {
        if !self.take(Lock::Write, COUNTER, 1, deadline)? {
            return Ok(None);
        }
        let issued = self.issue();
        set_lock(&self.file, Lock::Unlock, COUNTER, 1, false)?;
        let turn = issued?;
        let ticket = turn.slot - SLOTS;
        if ticket == 0 {
            return Ok(Some(turn));
        }
        // Uncontended (every earlier turn is over): one look at them all, without waiting.
        if set_lock(&self.file, Lock::Read, SLOTS, ticket, false)? {
            set_lock(&self.file, Lock::Unlock, SLOTS, ticket, false)?;
            return Ok(Some(turn));
        }
        // The predecessor first: only its release wakes us. When it gave up or died instead of
        // finishing, earlier turns may still be running, so then wait for all of them.
        for (start, len) in [(turn.slot - 1, 1), (SLOTS, ticket)] {
            if !self.take(Lock::Read, start, len, deadline)? {
                return Ok(None); // dropping the turn gives it up
            }
            set_lock(&self.file, Lock::Unlock, start, len, false)?;
        }
        Ok(Some(turn))
    }

    /// Issues the next ticket and locks its slot; the counter's lock is held.
    fn issue(&self) -> io::Result<Turn> {
        let mut bytes = [0u8; 8];
        let read = self.file.read_at(&mut bytes, COUNTER as u64)?;
        let ticket = match i64::from_le_bytes(bytes) {
            t if read == bytes.len() && (0..MAX_TICKET).contains(&t) => t,
            _ => 0,
        };
        self.file.write_all_at(&(ticket + 1).to_le_bytes(), COUNTER as u64)?;
        let slot = SLOTS + ticket;
        if !set_lock(&self.file, Lock::Write, slot, 1, false)? {
            // Only when the counter went back (the file was replaced or damaged) under a live writer.
            return Err(io::Error::other("the write queue's counter went back"));
        }
        Ok(Turn { file: self.file.clone(), slot })
    }

    /// Takes a lock, waiting up to `deadline`; false when the deadline passed first.
    fn take(&mut self, lock: Lock, start: i64, len: i64, deadline: Instant) -> io::Result<bool> {
        if set_lock(&self.file, lock, start, len, false)? {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false); // a caller that may not wait (a zts_try_* call) starts no waiter thread
        }
        let waiter = match &self.waiter {
            Some(waiter) => waiter.clone(),
            None => {
                let waiter = Arc::new(Waiter::default());
                let (file, shared) = (self.file.clone(), waiter.clone());
                thread::Builder::new()
                    .name("zts-write-queue".into())
                    .stack_size(64 * 1024)
                    .spawn(move || shared.serve(&file))?;
                self.waiter.insert(waiter).clone()
            }
        };
        waiter.take(Request { lock, start, len }, deadline)
    }
}

impl Drop for WriteQueue {
    fn drop(&mut self) {
        if let Some(waiter) = &self.waiter {
            waiter.state().closed = true;
            waiter.changed.notify_all();
        }
    }
}

#[derive(Clone, Copy)]
struct Request {
    lock: Lock,
    start: i64,
    len: i64,
}

/// Between a handle and its waiter thread.
#[derive(Default)]
struct Waiter {
    state: Mutex<WaiterState>,
    changed: Condvar,
}

#[derive(Default)]
struct WaiterState {
    /// A lock to take, blocking, until the thread picks it up.
    request: Option<Request>,
    /// The thread is blocked in the kernel for a request.
    busy: bool,
    /// The outcome, until the handle takes it.
    got: Option<io::Result<bool>>,
    /// The handle stopped waiting: the thread lets go of the lock it gets.
    abandoned: bool,
    /// The handle is gone: the thread ends.
    closed: bool,
}

impl Waiter {
    fn state(&self) -> MutexGuard<'_, WaiterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, state: MutexGuard<'a, WaiterState>, deadline: Instant) -> MutexGuard<'a, WaiterState> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.changed.wait_timeout(state, left).unwrap_or_else(PoisonError::into_inner).0
    }

    /// The handle's side: has the thread take the lock, and waits for it until `deadline`.
    fn take(&self, request: Request, deadline: Instant) -> io::Result<bool> {
        let mut state = self.state();
        while state.busy {
            // An earlier wait that timed out is still blocked: a writer elsewhere is stuck.
            if Instant::now() >= deadline {
                return Ok(false);
            }
            state = self.wait(state, deadline);
        }
        state.request = Some(request);
        self.changed.notify_all();
        loop {
            if let Some(got) = state.got.take() {
                return got;
            }
            if Instant::now() >= deadline {
                if state.request.take().is_none() {
                    state.abandoned = true; // the thread is blocked on it
                }
                return Ok(false);
            }
            state = self.wait(state, deadline);
        }
    }

    /// The thread's side: takes each requested lock, blocking, until the handle is closed.
    fn serve(&self, file: &File) {
        let mut state = self.state();
        loop {
            let Some(request) = state.request.take() else {
                if state.closed {
                    return;
                }
                state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                continue;
            };
            state.busy = true;
            drop(state);
            let got = set_lock(file, request.lock, request.start, request.len, true);
            state = self.state();
            state.busy = false;
            if std::mem::take(&mut state.abandoned) {
                if matches!(got, Ok(true)) {
                    let _ = set_lock(file, Lock::Unlock, request.start, request.len, false);
                }
            } else {
                state.got = Some(got);
            }
            self.changed.notify_all();
        }
    }
}

/// A turn as a write transaction holds it. When the transaction is rolled back to be started again at
/// once (`Store::save` starting over with a sync), the turn is kept in `kept` for the retry, instead of
/// going to the back of the queue; the engine gives it up at its next call if no retry comes.
pub struct HeldTurn<'e> {
    turn: Option<Turn>,
    kept: &'e Cell<Option<Turn>>,
    keep: Cell<bool>,
}

impl<'e> HeldTurn<'e> {
    pub fn new(turn: Option<Turn>, kept: &'e Cell<Option<Turn>>) -> HeldTurn<'e> {
        HeldTurn { turn, kept, keep: Cell::new(false) }
    }

    /// Keeps the turn for the next transaction when this one ends without a commit.
    pub fn keep_for_retry(&self) {
        self.keep.set(true);
    }

    /// Gives the turn up when this transaction ends, even in a rollback.
    pub fn release_at_end(&self) {
        self.keep.set(false);
    }
}

impl Drop for HeldTurn<'_> {
    fn drop(&mut self) {
        if self.keep.get() {
            self.kept.set(self.turn.take());
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let _ = set_lock(&self.file, Lock::Unlock, self.slot, 1, false);
    }
}

#[derive(Clone, Copy)]
enum Lock {
    Read,
    Write,
    Unlock,
}

/// One open file description lock on `len` bytes from `start`; false when `wait` is false and another
/// holder conflicts.
#[cfg(target_os = "linux")]
fn set_lock(file: &File, lock: Lock, start: i64, len: i64, wait: bool) -> io::Result<bool> {
    // SAFETY: flock is a plain C struct; all-zero is a valid value (and l_pid must be 0 for OFD locks).
    let mut request: libc::flock = unsafe { std::mem::zeroed() };
    request.l_type = match lock {
        Lock::Read => libc::F_RDLCK,
        Lock::Write => libc::F_WRLCK,
        Lock::Unlock => libc::F_UNLCK,
    } as libc::c_short;
    request.l_whence = libc::SEEK_SET as libc::c_short;
    request.l_start = start;
    request.l_len = len;
    let command = if wait { libc::F_OFD_SETLKW } else { libc::F_OFD_SETLK };
    loop {
        // SAFETY: a valid descriptor (the File outlives the call) and a pointer to a live flock.
        if unsafe { libc::fcntl(file.as_raw_fd(), command, &request) } == 0 {
            return Ok(true);
        }
        let error = io::Error::last_os_error();
        match error.raw_os_error() {
            Some(libc::EINTR) if wait => continue,
            Some(libc::EAGAIN | libc::EACCES) if !wait => return Ok(false),
            _ => return Err(error),
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn set_lock(_: &File, _: Lock, _: i64, _: i64, _: bool) -> io::Result<bool> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
