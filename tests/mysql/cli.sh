#!/usr/bin/env bash
# The zts command on MySQL (run by tests/mysql/run.sh, with ZTS_MYSQL_URL set): an SDK FileStore file
# imported into a MySQL table, that table imported into a store file with the same tokens, a second
# import changing nothing, and no command printing the database password.
set -euo pipefail
cd "$(dirname "$0")/../.."
zts=target/release/zts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
table="$ZTS_MYSQL_URL?table=cli_import_$$"
password=${ZTS_MYSQL_URL#mysql://*:}
password=${password%%@*}
fail() { echo "not ok - $*"; exit 1; }

"$zts" import tests/cli/fixtures/python.txt --into "$table" > "$work/out" 2>&1 || fail "import into MySQL: $(cat "$work/out")"
"$zts" list "$table" --json > "$work/mysql.json"
"$zts" import "$table" --into "$work/copy.db" >> "$work/out" 2>&1 || fail "import from MySQL: $(cat "$work/out")"
"$zts" list "$work/copy.db" --json > "$work/file.json"
cmp -s "$work/mysql.json" "$work/file.json" || fail "the file holds other tokens than the table"
[ "$(grep -o '"id"' "$work/file.json" | wc -l)" -eq 2 ] || fail "expected the fixture's 2 tokens: $(cat "$work/file.json")"
"$zts" import "$table" --into "$work/copy.db" > "$work/again" 2>&1
grep -q "0 new, 0 updated, 2 unchanged" "$work/again" || fail "a second import changed something: $(cat "$work/again")"
"$zts" list "$table" >> "$work/out" 2>&1
"$zts" doctor "$table" >> "$work/out" 2>&1 || fail "doctor on MySQL: $(cat "$work/out")"
cat "$work/again" >> "$work/out"
! grep -qF "$password" "$work/out" || fail "a command printed the database password"
echo "ok - zts import FileStore -> MySQL -> file: same 2 tokens, the second import changes nothing, no password shown"
