#!/usr/bin/env bash
# The shared vectors (tests/vectors) through each binding's Store on MySQL: every binding's vector test
# runs with ZTS_MYSQL_URL set, which puts each case on a new table of the throwaway server
# (tests/mysql/server.sh). The bindings must have been built by their run_tests.sh first; tests/run.sh
# runs this after them.
# Usage: bash tests/mysql/bindings.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${ZTS_MYSQL_URL:-}" ]; then
    exec bash tests/mysql/server.sh bash tests/mysql/bindings.sh
fi

step() { echo "== vectors on MySQL through $*" >&2; }
step python && bindings/python/.venv/bin/python -m pytest -q bindings/python/tests/test_vectors.py
step node && (cd bindings/node && node --test tests/vectors.test.mjs | tail -n 8)
step java && mvn -B -q -f bindings/java/pom.xml -pl zoho-token-store -am test -Dtest=VectorsTest \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
step php && (cd bindings/php && ZTS_LIBRARY= phpunit --configuration phpunit.xml --filter VectorsTest | tail -n 3)
step csharp && mono --debug bindings/csharp/build/Zts.Tests.exe VectorTests | tail -n 3
# Each case made a table of its own: the vectors really ran there, in every language.
cases=$(python3 -c 'import json; print(len(json.load(open("tests/vectors/store.json"))["cases"]))')
for language in python node java php csharp; do
    tables=$(mariadb --no-defaults -S "$ZTS_MYSQL_DIR/mysqld.sock" -uroot -N -e \
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'zts_test' AND table_name LIKE 'vectors\\_${language}\\_%'")
    echo "mysql bindings: $language replayed the vectors on $tables tables ($cases cases)"
    [ "$tables" -eq "$cases" ]
done
