#!/usr/bin/env bash
# The MySQL/MariaDB suite: starts a throwaway MariaDB (tests/mysql/server.sh) and runs, against it, the
# Rust tests of the MySQL engine (tests/mysql.rs), the shared vectors and the multi-process race on both
# engines, then zts next to the real Python SDK DBStore on one table (tests/mysql/dbstore_interop.py,
# in a venv under target/ with zohocrmsdk8-0, mysql-connector-python and the zts Python binding), and
# the Python binding's real-SDK flows with the store on MySQL, and the zts command on MySQL
# (tests/mysql/cli.sh).
# Usage: bash tests/mysql/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${ZTS_MYSQL_URL:-}" ]; then
    exec bash tests/mysql/server.sh bash tests/mysql/run.sh
fi

cargo test --release --test mysql --test vectors --test race --test lease

VENV=target/mysql-venv
python3 -m venv "$VENV" || { echo "python3 -m venv failed; apt-get install python3-venv" >&2; exit 1; }
"$VENV/bin/python" -m pip install -q --disable-pip-version-check zohocrmsdk8-0==7.0.0 mysql-connector-python pytest
cargo build --release
cp target/release/libzts.so bindings/python/src/zoho_token_store/libzts.so
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./bindings/python
"$VENV/bin/python" tests/mysql/dbstore_interop.py
# The Python binding's real-SDK flows (grant, refresh, user signature, remove…) with the store on MySQL.
"$VENV/bin/python" -m pytest -q bindings/python/tests/test_sdk_e2e.py
bash tests/mysql/cli.sh
