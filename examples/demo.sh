#!/usr/bin/env bash
# The main job: builds libzts, compiles the C quickstart against include/zts.h, and runs it on a
# store file (default: ./demo-tokens.db; pass another path as $1). Installs a C compiler if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cc >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev
fi
command -v cargo >/dev/null || { echo "cargo (Rust) is required: https://rustup.rs" >&2; exit 1; }
# Not --quiet: the first build compiles SQLite and takes minutes; cargo's progress shows it is working.
echo "demo: building libzts (cargo build --release; a first build takes 2-3 minutes)" >&2
cargo build --release
ln -sf libzts.so target/release/libzts.so.0 # the soname the program looks for at run time
echo "demo: compiling examples/quickstart.c" >&2
mkdir -p target/examples
cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/quickstart.c -Ltarget/release -lzts \
   -Wl,-rpath,"$PWD/target/release" -o target/examples/quickstart
target/examples/quickstart "${1:-demo-tokens.db}"
