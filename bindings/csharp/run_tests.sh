#!/usr/bin/env bash
# Builds libzts, builds the C# binding, its tests and the xlang driver with Mono (build/), and runs
# the tests. Installs Mono from Debian when it is missing (mono-mcs + mono-runtime; not mono-devel).
# Called as `bash bindings/csharp/run_tests.sh` from the repository root; exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/../.."
BINDING=bindings/csharp

if ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        echo "run_tests.sh: Mono is missing; install it with: apt-get install mono-mcs mono-runtime" >&2
        exit 1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mono-mcs mono-runtime
fi

cargo build --release
# Copies target/release/libzts.so next to Zts.dll and compiles everything, the xlang driver included.
bash $BINDING/build.sh

status=0
mono --debug $BINDING/build/Zts.Tests.exe || status=$?
exit $status
