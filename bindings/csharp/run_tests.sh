#!/usr/bin/env bash
# Builds libzts, builds the C# binding, its tests and the xlang driver with Mono (build/), and runs
# the tests. Installs Mono from Debian when it is missing (mono-mcs + mono-runtime; not mono-devel), and
# Newtonsoft.Json for Mono (libnewtonsoft-json5.0-cil; on .NET the Zoho SDK's package brings it).
# Called as `bash bindings/csharp/run_tests.sh` from the repository root; exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/../.."
BINDING=bindings/csharp

missing=()
command -v mcs >/dev/null || missing+=(mono-mcs)
command -v mono >/dev/null || missing+=(mono-runtime)
[ -n "${ZTS_NEWTONSOFT_JSON:-}" ] || dpkg -s libnewtonsoft-json5.0-cil >/dev/null 2>&1 || missing+=(libnewtonsoft-json5.0-cil)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "run_tests.sh: missing ${missing[*]}; install with: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cargo build --release
# Copies target/release/libzts.so next to Zts.dll and compiles everything, the xlang driver included.
bash $BINDING/build.sh

status=0
mono --debug $BINDING/build/Zts.Tests.exe || status=$?
exit $status
