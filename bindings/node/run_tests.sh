#!/usr/bin/env bash
# Builds libzts, installs the Node binding's dependencies (koffi, and the Zoho SDK for the tests) into
# bindings/node/node_modules with `npm ci`, bundles the library into the package and runs every test
# with node's test runner. Installs node/npm and python3 (for the fake accounts server) with apt-get
# when missing. Needs cargo and the npm registry. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/../.."
BINDING=bindings/node

missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! command -v cargo >/dev/null; then
    echo "run_tests.sh: cargo is needed to build libzts (install Rust from https://rustup.rs)" >&2
    exit 1
fi

cargo build --release

# The package loads the libzts.so in its own directory unless ZTS_LIBRARY says otherwise.
cp target/release/libzts.so $BINDING/libzts.so
chmod +x $BINDING/xlang-driver

cd $BINDING
npm ci --no-audit --no-fund --loglevel=error
node --test tests/*.test.mjs
