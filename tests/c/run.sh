#!/usr/bin/env bash
# The C tests: the header alone compiles as C99 and as C++; api.c (every function, status and bad
# argument) and vectors.c (the shared vectors) are compiled against include/zts.h, linked to
# libzts.so and run under valgrind, where any memory error or leak fails them.
# Installs gcc, g++, jansson, valgrind, pkg-config and the sqlite3 shell when missing (Debian, as root).
# Usage: bash tests/c/run.sh (from anywhere)
# ZTS_C_TARGET=aarch64-unknown-linux-gnu: the same programs cross-built (Debian's cross gcc, the rustup
# target) and run under qemu-user instead of valgrind; packaging/cross.sh sets that up.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
for pkg in gcc g++ libc6-dev libjansson-dev valgrind sqlite3 pkg-config; do
    # The :arch form when a foreign architecture's copy is installed too (packaging/cross.sh).
    dpkg -s "$pkg" >/dev/null 2>&1 || dpkg -s "$pkg:$(dpkg --print-architecture)" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]} (run as root to install them, or install them yourself)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

target=${ZTS_C_TARGET:-}
if [ -n "$target" ]; then
    arch=${target%%-*}
    cc=$arch-linux-gnu-gcc
    cxx=$arch-linux-gnu-g++
    libdir=target/$target/release
    # Its libc and jansson from Debian's multiarch /lib/$arch-linux-gnu (libjansson-dev:arm64).
    emulator=("qemu-$arch")
    checked=("${emulator[@]}")
    cargo build --release --quiet --lib --target "$target"
else
    cc=cc
    cxx=g++
    libdir=target/release
    emulator=()
    checked=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
             --show-leak-kinds=definite,indirect -q)
    cargo build --release --quiet
fi
# libzts.so's soname is libzts.so.0 (build.rs): the name the programs linked below look for at run time.
ln -sf libzts.so "$libdir/libzts.so.0"

build=tests/c/build${target:+/$target}
mkdir -p "$build"
rm -f "$build"/{header_c,header_cxx,api,vectors,xlang_driver} # a failed build must not leave an old program to run
cflags=(-std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude)
libs=(-L"$libdir" -lzts -Wl,-rpath,"$PWD/$libdir" -lpthread)
jansson_flags=$(pkg-config --cflags --libs jansson)
read -r -a jansson <<<"$jansson_flags"

passed=0
failed=0
# step NAME COMMAND...: runs one check, counting and reporting it.
step() {
    local name=$1
    shift
    if "$@"; then
        echo "ok - $name"
        passed=$((passed + 1))
    else
        echo "not ok - $name (exit $?)"
        failed=$((failed + 1))
    fi
}

# The header must stand alone: no other include, strict C99, and C++ (extern "C" linkage, checked by
# linking and running the program).
cat >"$build/header_only.c" <<'EOF'
#include "zts.h"
int main(void) {
    const char *v = zts_version();
    const char *h = ZTS_VERSION;
    while (*v && *v == *h) v++, h++;
    return *v != *h || zts_status_name(ZTS_INTERNAL) == 0;
}
EOF
step "zts.h alone compiles as C99 -pedantic" \
    "$cc" -std=c99 -pedantic -Wall -Wextra -Werror -Iinclude "$build/header_only.c" "${libs[@]}" -o "$build/header_c"
step "zts.h alone compiles as C++ -pedantic" \
    "$cxx" -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror -Iinclude "$build/header_only.c" "${libs[@]}" \
    -o "$build/header_cxx"
step "the C99 program links and runs" "${emulator[@]}" "$build/header_c"
step "the C++ program links and runs" "${emulator[@]}" "$build/header_cxx"

step "api.c compiles" "$cc" "${cflags[@]}" tests/c/api.c "${jansson[@]}" "${libs[@]}" -o "$build/api"
step "vectors.c compiles" "$cc" "${cflags[@]}" tests/c/vectors.c "${jansson[@]}" "${libs[@]}" -o "$build/vectors"
step "xlang_driver.c compiles" "$cc" "${cflags[@]}" tests/c/xlang_driver.c "${jansson[@]}" "${libs[@]}" \
    -o "$build/xlang_driver"
step "api under ${checked[0]}" "${checked[@]}" "$build/api"
step "vectors under ${checked[0]}" "${checked[@]}" "$build/vectors" tests/vectors/store.json

# The cross-language driver answers each request in order (tests/xlang/PROTOCOL.md), with no leak.
driver_check() {
    local expected='ZTS_OK ZTS_OK ZTS_NOT_FOUND ZTS_INVALID_JSON ZTS_OK ZTS_OK DRIVER_ERROR ZTS_OK'
    local got
    got=$(printf '%s\n' '{"op":"save","token":{"user_name":"u","refresh_token":"R"}}' \
        '{"op":"find","json":"{\"user_name\":\"u\"}"}' '{"op":"find_by_id","id":"7"}' \
        '{"op":"save","json":"{\"user_name\":1}"}' '{"op":"list"}' '{"op":"delete","id":"1"}' 'not json' \
        '{"op":"version"}' | "${checked[@]}" "$build/xlang_driver" :memory: |
        sed -E 's/.*"status": ?"([A-Z_]+)".*/\1/' | tr '\n' ' ')
    [ "${got% }" = "$expected" ] || { echo "xlang driver statuses: got '$got', expected '$expected'"; return 1; }
}
step "xlang driver under ${checked[0]}" driver_check

# The demo (the main job): it shows cargo's progress (a first build is minutes long), runs the quickstart
# on a new file, and a store it cannot open gets the status and the message naming the path.
demo_check() {
    local dir out
    dir=$(mktemp -d)
    out=$(bash examples/demo.sh "$dir/demo.db" 2>&1) || { echo "$out"; rm -rf "$dir"; return 1; }
    rm -rf "$dir"
    grep -q 'Finished' <<<"$out" || { echo "demo: no build progress shown:"; echo "$out"; return 1; }
    grep -q '^every token: .*"id":"1"' <<<"$out" || { echo "demo: no token listed:"; echo "$out"; return 1; }
    if out=$(bash examples/demo.sh /no/such/dir/x.db 2>&1); then echo "demo: opened /no/such/dir/x.db"; return 1; fi
    grep -q '^zts_open failed: ZTS_IO: .*/no/such/dir' <<<"$out" ||
        { echo "demo: the open error lacks its message:"; echo "$out"; return 1; }
}
step "examples/demo.sh: progress, a store made, an open error with its message" demo_check

echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
