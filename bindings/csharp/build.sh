#!/usr/bin/env bash
# Builds the binding with Mono's mcs into bindings/csharp/build/:
#   ZohoSdkSurface.dll  the SDK surface the binding touches (tests only: the real SDK needs NuGet)
#   Zts.dll             the binding (Store + ZohoTokenStore), with libzts.so copied next to it
#   XlangDriver.exe     the cross-language driver (run it through ./xlang-driver)
#   Zts.Tests.exe       the tests
# Needs mcs (apt-get install mono-mcs), Newtonsoft.Json (apt-get install libnewtonsoft-json5.0-cil, or
# $ZTS_NEWTONSOFT_JSON: the path of a Newtonsoft.Json.dll) and target/release/libzts.so (cargo build --release).
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

"${MCS[@]}" -target:library -out:"$OUT/ZohoSdkSurface.dll" "$HERE"/tests/sdk-surface/*.cs
"${MCS[@]}" -target:library -out:"$OUT/Zts.dll" -r:"$OUT/ZohoSdkSurface.dll" "$JSON" "$HERE"/src/Zts/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/XlangDriver.exe" -r:"$OUT/Zts.dll" "$JSON" "$HERE"/xlang/*.cs
"${MCS[@]}" -target:exe -out:"$OUT/Zts.Tests.exe" -r:"$OUT/Zts.dll" -r:"$OUT/ZohoSdkSurface.dll" "$JSON" "$HERE"/tests/*.cs
