#!/usr/bin/env bash
# Runs every test: formatting and lints; the Rust tests (rules, vectors, files, multi-process race, 200
# SIGKILLed writers, header freshness); the MySQL/MariaDB suite on a throwaway server (vectors, race and
# refresh leases on both engines, errors, adoption, TLS, restarts, lost commits, the SDK DBStore side by
# side); the C tests under valgrind; each language binding's own suite (Python, Node.js, Java, PHP, C#:
# vectors, SDK semantics, real SDKs end to end where installable, leaks); the zts command against the
# real Python and Node.js SDKs; then the cross-language checks (one store seen from every language,
# hostile input, busy timeout, a polyglot soak); the refresh coordination of 24 SDK processes
# (tests/refresh); fuzzing and Miri. Installs what it needs on a fresh Debian machine.
# ZTS_SOAK_SECONDS (default 60), ZTS_CRASH_KILLS (200) and ZTS_FUZZ_SECONDS (30 per target) make the
# soak, the kills and the fuzzing longer.
# Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "cargo (Rust) is required: https://rustup.rs" >&2; exit 1; }

suites_passed=0
suites_failed=0
run_suite() {
    local name=$1 started=$SECONDS; shift
    echo "=== $name: $*"
    if "$@"; then
        suites_passed=$((suites_passed + 1))
        echo "=== $name passed in $((SECONDS - started)) s"
    else
        echo "=== $name FAILED after $((SECONDS - started)) s"
        suites_failed=$((suites_failed + 1))
    fi
}

# rustfmt and clippy come with rustup's default profile; a toolchain without them skips the check.
if cargo fmt --version >/dev/null 2>&1; then run_suite rustfmt cargo fmt --check; else echo "=== rustfmt: not installed, skipped"; fi
if cargo clippy --version >/dev/null 2>&1; then
    run_suite clippy cargo clippy --release --all-targets --quiet -- -D warnings
else
    echo "=== clippy: not installed, skipped"
fi
run_suite docs bash tests/docs.sh
# The Rust tests; the crash test's figures (kills, acknowledged changes, in-flight outcomes) must show.
rust_tests() {
    local log status=0
    log=$(mktemp)
    cargo test --release 2>&1 | tee "$log" || status=$?
    grep -q 'crash: [0-9]* writers killed' "$log" || { echo "rust-tests: the crash test printed no figures"; status=1; }
    rm -f "$log"
    return "$status"
}
run_suite rust-tests rust_tests
run_suite mysql bash tests/mysql/run.sh
run_suite c-tests bash tests/c/run.sh
run_suite python-binding bash bindings/python/run_tests.sh
run_suite node-binding bash bindings/node/run_tests.sh
run_suite cli-sdk bash tests/cli/sdk_round_trip.sh
run_suite java-binding bash bindings/java/run_tests.sh
run_suite php-binding bash bindings/php/run_tests.sh
run_suite csharp-binding bash bindings/csharp/run_tests.sh
# The shared vectors through each binding's Store again, on MySQL tables.
run_suite bindings-mysql bash tests/mysql/bindings.sh
run_suite packaging bash packaging/test.sh
run_suite cross-language python3 tests/xlang/run.py --soak-seconds "${ZTS_SOAK_SECONDS:-60}"
# The same from every language on a MySQL table, the server killed with SIGKILL and restarted mid-soak.
run_suite cross-language-mysql bash tests/mysql/server.sh bash -c \
    'python3 tests/xlang/run.py --soak-seconds 30 --mysql "$ZTS_MYSQL_URL" --restart-server'
run_suite refresh-coordination python3 tests/refresh/run.py
# The 24 SDK processes again with the store on MySQL: one refresh per expiry through the MySQL engine.
run_suite refresh-coordination-mysql bash tests/mysql/server.sh bash -c \
    'python3 tests/refresh/run.py --only coordinated --mysql "$ZTS_MYSQL_URL"'
run_suite fuzz bash tests/fuzz/run.sh
run_suite miri bash tests/miri.sh

echo "suites: $suites_passed passed, $suites_failed failed"
[ "$suites_failed" -eq 0 ]
