#!/usr/bin/env bash
# Builds the binding with Mono's mcs into bindings/csharp/build/:
#   ZohoSdkSurface.dll  the SDK surface the binding touches (tests only: the real SDK needs NuGet)
#   Zts.dll             the binding (Store + ZohoTokenStore), with libzts.so copied next to it
#   XlangDriver.exe     the cross-language driver (run it through ./xlang-driver)
#   Zts.Tests.exe       the tests
# Needs mcs (apt-get install mono-mcs) and target/release/libzts.so (cargo build --release).
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

"${MCS[@]}" -target:library -out:"$OUT/ZohoSdkSurface.dll" "$HERE"/tests/sdk-surface/*.cs
"${MCS[@]}" -target:library -out:"$OUT/Zts.dll" -r:"$OUT/ZohoSdkSurface.dll" "$HERE"/src/Zts/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/XlangDriver.exe" -r:"$OUT/Zts.dll" "$HERE"/xlang/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/Zts.Tests.exe" -r:"$OUT/Zts.dll" -r:"$OUT/ZohoSdkSurface.dll" "$HERE"/tests/*.cs
