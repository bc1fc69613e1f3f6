#!/usr/bin/env bash
# Runs the C# benchmark (bench/Bench.cs): ZohoTokenStore next to the real SDK's FileStore and a careful
# Mono.Data.Sqlite store. Never run by the tests.
#
#   bash bindings/csharp/bench/run.sh [--sizes 10,1000,10000] [--rounds 3] [--dir DIR]
#
# Needs, once:
#   cargo build --release                                       (target/release/libzts.so)
#   bash bindings/csharp/bench/build-sdk.sh /path/to/zohocrm-csharp-sdk-8.0   (bench/build/ZOHOCRMSDK-8.0.dll)
# and Debian's mono-mcs, mono-runtime, libnewtonsoft-json5.0-cil (as run_tests.sh) and
# libmono-sqlite4.0-cil (Mono.Data.Sqlite, the baseline's; installed here with apt-get when run as root).
# ZTS_SDK_DLL=/path/to/ZOHOCRMSDK-8.0.dll uses another build of the real SDK.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT="$HERE/build"
SDK="${ZTS_SDK_DLL:-$OUT/ZOHOCRMSDK-8.0.dll}"
SQLITE=/usr/lib/mono/4.5/Mono.Data.Sqlite.dll

if [ ! -f "$SDK" ]; then
    cat >&2 <<EOF
bench/run.sh: the real Zoho CRM C# SDK assembly $SDK is missing. The benchmark needs the SDK's own
FileStore and OAuthToken, not the tests' stand-in. Build it from the SDK's public source:
  git clone --depth 1 https://github.com/zoho/zohocrm-csharp-sdk-8.0 /tmp/zohocrm-csharp-sdk-8.0
  bash bindings/csharp/bench/build-sdk.sh /tmp/zohocrm-csharp-sdk-8.0
(or set ZTS_SDK_DLL to a ZOHOCRMSDK-8.0.dll you have), then run this again.
EOF
    exit 2
fi
if [ ! -f "$SQLITE" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "bench/run.sh: Mono.Data.Sqlite is missing; apt-get install libmono-sqlite4.0-cil" >&2
        exit 1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libmono-sqlite4.0-cil
fi

# Zts.dll compiled against the real SDK (build/with-sdk/, with libzts.so and Newtonsoft.Json.dll).
bash "$ROOT/bindings/csharp/build.sh" "$SDK" >/dev/null
WITH_SDK="$ROOT/bindings/csharp/build/with-sdk"
mkdir -p "$OUT"
[ "$(realpath "$SDK")" = "$(realpath -m "$OUT/ZOHOCRMSDK-8.0.dll")" ] || cp "$SDK" "$OUT/ZOHOCRMSDK-8.0.dll"
cp "$WITH_SDK/Zts.dll" "$WITH_SDK/libzts.so" "$WITH_SDK/Newtonsoft.Json.dll" "$OUT/"
mcs -langversion:7.2 -warn:4 -warnaserror+ -nologo -optimize+ -target:exe -out:"$OUT/Bench.exe" \
    -r:"$OUT/ZOHOCRMSDK-8.0.dll" -r:"$OUT/Zts.dll" -r:"$OUT/Newtonsoft.Json.dll" -r:"$SQLITE" -r:System.Data "$HERE/Bench.cs"

VERSION_FILE="${SDK%.dll}.version"
SDK_VERSION="$( [ -f "$VERSION_FILE" ] && cat "$VERSION_FILE" || echo unknown)"
exec mono "$OUT/Bench.exe" --command "bash bindings/csharp/bench/run.sh${*:+ $*}" --sdk-version "$SDK_VERSION" "$@"
