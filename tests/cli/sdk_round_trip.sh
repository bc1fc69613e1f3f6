#!/usr/bin/env bash
# The zts command against the real Zoho SDKs (Python zohocrmsdk8-0 7.0.0, Node.js @zohocrm/nodejs-sdk-8.0
# 2.0.0), with no HTTP call anywhere:
#  1. the Python and Node.js SDKs write FileStore files themselves; `zts import` takes each, and the Java,
#     PHP and C# dialect fixtures, into a store;
#  2. both SDKs find every token in that store through the bindings (get_tokens, find_token_by_id, and,
#     for the SDK-written tokens, Initializer + get_token by id, which returns the stored access token);
#  3. `zts export` in each of the five dialects; the Python and Node.js SDKs' own FileStores read each
#     export back with tokens identical to the store's.
# Installs the SDKs like the bindings' run_tests.sh do (bindings/python/.venv, bindings/node/node_modules).
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cargo build --release
ZTS=$PWD/target/release/zts

python3 -m venv bindings/python/.venv
PY=$PWD/bindings/python/.venv/bin/python
cp target/release/libzts.so bindings/python/src/zoho_token_store/libzts.so
"$PY" -m pip install -q --disable-pip-version-check zohocrmsdk8-0==7.0.0
"$PY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./bindings/python
cp target/release/libzts.so bindings/node/libzts.so
(cd bindings/node && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=0

same() { # same WHAT A.json B.json
    if ! "$PY" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$2" "$3"; then
        echo "FAILED: $1"; echo "  expected: $(cat "$2")"; echo "  got:      $(cat "$3")"
        exit 1
    fi
    checks=$((checks + 1))
    echo "ok: $1"
}

sdk() { # sdk python|node COMMAND PATH
    case $1 in
        python) "$PY" tests/cli/sdk_files.py "$2" "$3" ;;
        node) node tests/cli/sdk_files.mjs "$2" "$3" ;;
    esac
}

# 1-2: files written by the SDKs themselves, imported, found by both SDKs through the bindings
for writer in python node; do
    sdk $writer write "$work/$writer.txt"
    sdk $writer read "$work/$writer.txt" > "$work/$writer.expected.json"
    "$ZTS" import "$work/$writer.txt" --into "$work/$writer.db" > /dev/null
    for reader in python node; do
        sdk $reader flow "$work/$writer.db" > "$work/$writer.by-$reader.json"
        same "$writer FileStore -> zts import -> $reader SDK (find_token_by_id, get_token without HTTP)" \
            "$work/$writer.expected.json" "$work/$writer.by-$reader.json"
    done
done

# Java, PHP and C# fixtures: what zts stored is what both SDKs find through the bindings
for fixture in java.csv java7.csv php.txt csharp.txt nine-columns.txt; do
    "$ZTS" import "tests/cli/fixtures/$fixture" --into "$work/$fixture.db" > /dev/null
    "$ZTS" list "$work/$fixture.db" --json --reveal > "$work/$fixture.stored.json"
    for reader in python node; do
        sdk $reader zts "$work/$fixture.db" > "$work/$fixture.by-$reader.json"
        same "$fixture -> zts import -> $reader SDK (get_tokens, find_token_by_id)" \
            "$work/$fixture.stored.json" "$work/$fixture.by-$reader.json"
    done
done

# 3: one store with every SDK's tokens, exported in each dialect, read back by the SDKs' own FileStores
all="$work/all.db"
"$ZTS" import "$work/python.txt" --into "$all" > /dev/null
# node.txt's ids 1-3 are python.txt's too: the Node.js tokens come in with new ids
"$ZTS" import "$work/node.txt" --into "$all" --new-ids > /dev/null
"$ZTS" import tests/cli/fixtures/csharp.txt --into "$all" > /dev/null
"$ZTS" list "$all" --json --reveal > "$work/all.stored.json"
for dialect in python java node php csharp; do
    "$ZTS" export "$all" --to "$work/export.$dialect.csv" --dialect $dialect > /dev/null
    for reader in python node; do
        if [ $dialect = python ] && [ $reader = node ]; then
            continue # the Node.js FileStore keeps the "\r" of Python's CRLF lines in api_domain (an SDK defect)
        fi
        sdk $reader read "$work/export.$dialect.csv" > "$work/export.$dialect.by-$reader.json"
        same "zts export --dialect $dialect -> $reader SDK FileStore" \
            "$work/all.stored.json" "$work/export.$dialect.by-$reader.json"
    done
done

echo "sdk round trip: $checks checks passed"
