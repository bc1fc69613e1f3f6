#!/usr/bin/env bash
# Builds the binding with Mono's mcs into bindings/csharp/build/:
#   ZOHOCRMSDK-8.0.dll  the SDK surface the binding touches (tests only: the real SDK needs NuGet),
#                       under the real SDK's assembly name and version (0.0.0.0: the SDK sets none), so
#                       the reference in Zts.dll resolves to the real SDK in a user's application
#   Zts.dll             the binding (Store + ZohoTokenStore), with libzts.so copied next to it
#   XlangDriver.exe     the cross-language driver (run it through ./xlang-driver)
#   Zts.Tests.exe       the tests
# Needs mcs (apt-get install mono-mcs), Newtonsoft.Json (apt-get install libnewtonsoft-json5.0-cil, or
# $ZTS_NEWTONSOFT_JSON: the path of a Newtonsoft.Json.dll) and target/release/libzts.so (cargo build --release).
# bash build.sh /path/to/ZOHOCRMSDK-8.0.dll: only build/with-sdk/Zts.dll (with libzts.so and
# Newtonsoft.Json.dll), compiled against that real SDK assembly.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/build"
LIBRARY="$ROOT/target/release/libzts.so"
# The JSON library the Zoho C# SDK depends on; Debian ships it for Mono.
NEWTONSOFT="${ZTS_NEWTONSOFT_JSON:-/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll}"
# C# 7.2 at most, so the same sources build on .NET (Zts.csproj says LangVersion 7.2 too).
MCS=(mcs -langversion:7.2 -warn:4 -warnaserror+ -nologo -debug)

if [ ! -f "$LIBRARY" ]; then
    echo "build.sh: $LIBRARY is missing; run cargo build --release in $ROOT first" >&2
    exit 1
fi
if [ ! -f "$NEWTONSOFT" ]; then
    echo "build.sh: $NEWTONSOFT is missing; apt-get install libnewtonsoft-json5.0-cil, or set ZTS_NEWTONSOFT_JSON" >&2
    exit 1
fi
mkdir -p "$OUT"
cp "$LIBRARY" "$OUT/libzts.so"
cp "$NEWTONSOFT" "$OUT/Newtonsoft.Json.dll"
JSON=-r:"$OUT/Newtonsoft.Json.dll"

if [ $# -gt 0 ]; then
    mkdir -p "$OUT/with-sdk"
    cp "$LIBRARY" "$NEWTONSOFT" "$OUT/with-sdk/"
    "${MCS[@]}" -target:library -out:"$OUT/with-sdk/Zts.dll" -r:"$(realpath "$1")" "$JSON" "$HERE"/src/Zts/*.cs
    echo "$OUT/with-sdk/Zts.dll"
    exit 0
fi

SDK="$OUT/ZOHOCRMSDK-8.0.dll"
rm -f "$OUT/ZohoSdkSurface.dll" # the surface's former name
"${MCS[@]}" -target:library -out:"$SDK" "$HERE"/tests/sdk-surface/*.cs
"${MCS[@]}" -target:library -out:"$OUT/Zts.dll" -r:"$SDK" "$JSON" "$HERE"/src/Zts/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/XlangDriver.exe" -r:"$OUT/Zts.dll" "$JSON" "$HERE"/xlang/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/Zts.Tests.exe" -r:"$OUT/Zts.dll" -r:"$SDK" "$JSON" "$HERE"/tests/*.cs
