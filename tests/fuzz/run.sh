#!/usr/bin/env bash
# Fuzzes zts with cargo-fuzz (libFuzzer, AddressSanitizer) for a bounded time, one run per target:
#   token_json    arbitrary bytes as token JSON: Token::from_json and zts_find/zts_save/zts_find_by_id/zts_list
#   abi_sequence  arbitrary sequences of C ABI calls with hostile values, checked against a model
# (the invariants are listed at the top of each fuzz/fuzz_targets/*.rs). Installs what it needs: the
# nightly toolchain (rustup) and cargo-fuzz (crates.io). Seeds token_json's corpus from
# tests/vectors/store.json and both from fuzz/seeds/. Exits non-zero on any crash or broken invariant,
# or when the tools cannot be installed (it never passes without fuzzing).
#
# Usage: bash tests/fuzz/run.sh [target ...]        (default: both targets)
#   ZTS_FUZZ_SECONDS=300 bash tests/fuzz/run.sh     seconds per target (default 30)
# A crash leaves its input in fuzz/artifacts/<target>/; replay it with
#   cargo +$(cat tests/nightly-toolchain) fuzz run <target> fuzz/artifacts/<target>/crash-...   (ZTS_FUZZ_TRACE=1 for abi_sequence: every call)
set -euo pipefail
cd "$(dirname "$0")/../.."
# A pinned nightly (tests/nightly-toolchain), so a new nightly cannot break or change the run.
nightly=$(cat tests/nightly-toolchain)
root=$PWD
seconds=${ZTS_FUZZ_SECONDS:-30}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(token_json abi_sequence)
fail() { echo "fuzz: FAILED: $*" >&2; exit 1; }
case $seconds in '' | *[!0-9]* | 0) fail "ZTS_FUZZ_SECONDS must be a positive number of seconds, not '$seconds'" ;; esac

# --- tools -------------------------------------------------------------------------------------
command -v rustup >/dev/null || fail "rustup is required to install the nightly toolchain (https://rustup.rs); nothing was fuzzed"
if ! rustup run "$nightly" rustc --version >/dev/null 2>&1; then
    echo "fuzz: installing the nightly Rust toolchain (libFuzzer needs -Z sanitizer flags)"
    rustup toolchain install "$nightly" --profile minimal ||
        fail "cannot install the nightly Rust toolchain (no network?); nothing was fuzzed"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz from crates.io"
    cargo install cargo-fuzz --locked || fail "cannot install cargo-fuzz (no network?); nothing was fuzzed"
fi
command -v c++ >/dev/null || command -v g++ >/dev/null || command -v clang++ >/dev/null ||
    fail "a C++ compiler is required to build libFuzzer (apt-get install g++); nothing was fuzzed"
echo "fuzz: $(rustup run "$nightly" rustc --version), $(cargo fuzz --version)"

# --- build -------------------------------------------------------------------------------------
build_start=$(date +%s)
for target in "${targets[@]}"; do
    cargo +"$nightly" fuzz build "$target" || fail "building fuzz target $target"
done
echo "fuzz: built ${targets[*]} in $(($(date +%s) - build_start)) s"

# --- seed corpora ------------------------------------------------------------------------------
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    mkdir -p "$corpus"
    if [ -d "fuzz/seeds/$target" ]; then cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true; fi
done
if [[ " ${targets[*]} " == *" token_json "* ]]; then
    if command -v python3 >/dev/null; then
        # Every token of the shared vectors (save/find steps) as one seed file: "token" objects as
        # their compact JSON, "json" strings (malformed input) verbatim.
        python3 - "$root/tests/vectors/store.json" "$root/fuzz/corpus/token_json" <<'PY'
import json, sys, hashlib, os
doc, out = json.load(open(sys.argv[1])), sys.argv[2]
n = 0
for case in doc["cases"]:
    for step in case["steps"]:
        if "token" in step:
            text = json.dumps(step["token"], separators=(",", ":"), ensure_ascii=False)
        elif isinstance(step.get("json"), str):
            text = step["json"]
        else:
            continue
        data = text.encode("utf-8")
        with open(os.path.join(out, "vector-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
            f.write(data)
        n += 1
print(f"fuzz: token_json seeded with {n} tokens from tests/vectors/store.json")
PY
    else
        echo "fuzz: python3 not found: token_json starts from fuzz/seeds/token_json only"
    fi
fi

# --- run ---------------------------------------------------------------------------------------
declare -A flags=(
    [token_json]="-dict=fuzz/dict/token_json.dict -max_len=8192"
    # Longer inputs decode to longer call sequences; len_control lets them grow quickly.
    [abi_sequence]="-max_len=4096 -len_control=10"
)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
summary=()
failed=0
for target in "${targets[@]}"; do
    log=$logs/$target.log
    mkdir -p "fuzz/artifacts/$target"
    before=$(ls "fuzz/artifacts/$target" | sort)
    echo "fuzz: running $target for ${seconds} s"
    start=$(date +%s)
    status=0
    # shellcheck disable=SC2086 # the flags are words
    cargo +"$nightly" fuzz run "$target" "fuzz/corpus/$target" -- -max_total_time="$seconds" -timeout=20 \
        -print_final_stats=1 ${flags[$target]:-} >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))
    execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | awk '{n += $NF} END {if (NR) print n}' || true)
    new=$(comm -13 <(echo "$before") <(ls "fuzz/artifacts/$target" | sort) | sed "s|^|fuzz/artifacts/$target/|" | tr '\n' ' ')
    crashes=$(echo "$new" | wc -w)
    corpus_size=$(ls "fuzz/corpus/$target" | wc -l)
    if [ "$status" -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
        summary+=("fuzz: $target: $execs executions in ${elapsed} s, corpus $corpus_size inputs, 0 crashes")
    else
        failed=1
        echo "=== fuzz: $target FAILED (exit $status); the end of its log:"
        grep -vE '^"[^"]*" # Uses|^\s+Compiling' "$log" | grep -B2 -A40 -m1 -E 'panicked|ERROR: (libFuzzer|AddressSanitizer)|==ERROR' |
            head -80 || tail -60 "$log"
        summary+=("fuzz: $target: ${execs:-0} executions in ${elapsed} s, $crashes crash(es) FAILED: ${new:-see the log above}")
    fi
done
printf '%s\n' "${summary[@]}"
[ "$failed" -eq 0 ] || { echo "fuzz: FAILED (replay: cargo +"$nightly" fuzz run <target> <artifact>)" >&2; exit 1; }
