#!/usr/bin/env bash
# Builds the binding with Mono's mcs into bindings/csharp/build/:
#   ZOHOCRMSDK-8.0.dll  the SDK surface the binding touches (tests only: the real SDK needs NuGet),
#                       under the real SDK's assembly name and version (0.0.0.0: the SDK sets none), so
#                       the reference in Zts.dll resolves to the real SDK in a user's application
#   Zts.dll             the binding (Store + ZohoTokenStore), with libzts.so copied next to it
#   XlangDriver.exe     the cross-language driver (run it through ./xlang-driver)
#   Zts.Tests.exe       the tests
# Needs mcs (apt-get install mono-mcs) and target/release/libzts.so (cargo build --release).
# bash build.sh /path/to/ZOHOCRMSDK-8.0.dll: only build/with-sdk/Zts.dll (and libzts.so), compiled against
# that real SDK assembly (with the Newtonsoft.Json.dll beside it, which the SDK's types need).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/build"
LIBRARY="$ROOT/target/release/libzts.so"
# C# 7.2 at most, so the same sources build on .NET (Zts.csproj says LangVersion 7.2 too).
MCS=(mcs -langversion:7.2 -warn:4 -warnaserror+ -nologo -debug)

if [ ! -f "$LIBRARY" ]; then
    echo "build.sh: $LIBRARY is missing; run cargo build --release in $ROOT first" >&2
    exit 1
fi
mkdir -p "$OUT"
cp "$LIBRARY" "$OUT/libzts.so"

if [ $# -gt 0 ]; then
    sdk=$(realpath "$1")
    references=(-r:"$sdk")
    if [ -f "$(dirname "$sdk")/Newtonsoft.Json.dll" ]; then references+=(-r:"$(dirname "$sdk")/Newtonsoft.Json.dll"); fi
    mkdir -p "$OUT/with-sdk"
    cp "$LIBRARY" "$OUT/with-sdk/libzts.so"
    "${MCS[@]}" -target:library -out:"$OUT/with-sdk/Zts.dll" "${references[@]}" "$HERE"/src/Zts/*.cs
    echo "$OUT/with-sdk/Zts.dll"
    exit 0
fi

SDK="$OUT/ZOHOCRMSDK-8.0.dll"
rm -f "$OUT/ZohoSdkSurface.dll" # the surface's former name
"${MCS[@]}" -target:library -out:"$SDK" "$HERE"/tests/sdk-surface/*.cs
"${MCS[@]}" -target:library -out:"$OUT/Zts.dll" -r:"$SDK" "$HERE"/src/Zts/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/XlangDriver.exe" -r:"$OUT/Zts.dll" "$HERE"/xlang/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/Zts.Tests.exe" -r:"$OUT/Zts.dll" -r:"$SDK" "$HERE"/tests/*.cs
