#!/usr/bin/env bash
# Runs the pure-Rust unit tests under Miri (undefined-behaviour checker): the token model and JSON
# parser (token::), the SDK rules (rules::), the open options (options::) and the C-ABI panic guard
# (ffi::tests, which exercises the raw-pointer and CString code of src/ffi.rs). Tests that reach SQLite
# (store::, sqlite::) cannot run: SQLite is C, and Miri interprets Rust only.
# Installs the nightly toolchain and its miri component when missing.
# Usage: bash tests/miri.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# A pinned nightly (tests/nightly-toolchain), so a new nightly cannot break or change the run.
nightly=$(cat tests/nightly-toolchain)
command -v rustup >/dev/null || { echo "miri: rustup is required (https://rustup.rs)" >&2; exit 1; }

if ! rustup run "$nightly" rustc --version >/dev/null 2>&1; then
    echo "miri: installing the nightly toolchain"
    rustup toolchain install "$nightly" --profile minimal || {
        echo "miri: FAILED: cannot install the nightly Rust toolchain (no network?); Miri was NOT run" >&2; exit 1; }
fi
if ! cargo +"$nightly" miri --version >/dev/null 2>&1; then
    echo "miri: installing the miri component"
    rustup +"$nightly" component add miri rust-src || {
        echo "miri: FAILED: cannot install the miri component; Miri was NOT run" >&2; exit 1; }
fi

start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A separate target dir, so Miri's build never waits for or disturbs the main build's lock.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/miri-$nightly}" # per toolchain: a stale build confuses Miri
export MIRIFLAGS="${MIRIFLAGS:-}"
status=0
cargo +"$nightly" miri test --lib -- token:: rules:: options:: ffi:: 2>&1 | tee "$log" || status=$?
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' | tail -1)
echo "miri: ${passed:-0} tests passed under Miri in $(( $(date +%s) - start )) s (token::, rules::, options::, ffi::)"
if [ "$status" -ne 0 ] || [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
    echo "miri: FAILED" >&2
    exit 1
fi
