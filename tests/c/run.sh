#!/usr/bin/env bash
# The C tests: programs compiled against include/zts.h and linked to libzts.so, run under valgrind
# (any memory error or leak fails), plus a check that the header compiles alone as C99 and as C++.
# Installs gcc, g++, jansson, valgrind, pkg-config and the sqlite3 shell when missing (Debian).
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
for pkg in gcc g++ libc6-dev libjansson-dev valgrind pkg-config sqlite3; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo build --release --quiet
build=tests/c/build
mkdir -p "$build"
cflags=(-std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude)
libs=(-Ltarget/release -lzts -Wl,-rpath,"$PWD/target/release" -lpthread)

passed=0
failed=0
step() {
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); else echo "not ok - $name"; failed=$((failed + 1)); fi
}

printf '#include "zts.h"\nint main(void) { return zts_version() == 0; }\n' > "$build/header_only.c"
step "header compiles alone as C99" cc -std=c99 -pedantic -Werror -Iinclude "$build/header_only.c" "${libs[@]}" -o "$build/header_c"
step "header compiles as C++" g++ -x c++ -Wall -Werror -Iinclude "$build/header_only.c" "${libs[@]}" -o "$build/header_cxx"

cc "${cflags[@]}" tests/c/api.c "${libs[@]}" -o "$build/api"
cc "${cflags[@]}" tests/c/vectors.c $(pkg-config --cflags --libs jansson) "${libs[@]}" -o "$build/vectors"

valgrind=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
          --show-leak-kinds=definite,indirect)
step "api under valgrind" "${valgrind[@]}" "$build/api"
step "vectors under valgrind" "${valgrind[@]}" "$build/vectors" tests/vectors/store.json

echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
