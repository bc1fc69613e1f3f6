#!/usr/bin/env bash
# Builds the real Zoho CRM C# SDK (ZOHOCRMSDK-8.0) from its public source with Mono's mcs, for the
# benchmark only (NuGet, where the SDK is published, is out of reach here). Never run by the tests.
#
#   bash bindings/csharp/bench/build-sdk.sh SDK_SOURCE [OUT_DIR]
#
# SDK_SOURCE: a checkout or export of https://github.com/zoho/zohocrm-csharp-sdk-8.0 (the directory that
# holds ZohoCRM/), e.g. git clone --depth 1 https://github.com/zoho/zohocrm-csharp-sdk-8.0 /tmp/zohocrm-csharp-sdk-8.0
# OUT_DIR (default bindings/csharp/bench/build): gets ZOHOCRMSDK-8.0.dll, compiled from every source file
# of the SDK but the DBStore (it needs MySql.Data, which Debian does not ship for Mono).
#
# mcs speaks C# 7 and Debian's Newtonsoft.Json is 6.0.8 (the SDK asks for 13.0.1), so a copy of the
# source gets five mechanical edits that keep its meaning; each is checked to apply, so a changed SDK
# fails here instead of building something else:
#   - IToken.cs, ITokenStore.cs: "public" dropped from interface members (C# 8 syntax; they are public);
#   - FileStore.cs: "token is not OAuthToken" written !(token is OAuthToken) (C# 9 syntax);
#   - DatatypeConverter.cs: "tokenType is JTokenType.Null" written tokenType == JTokenType.Null (mcs reads
#     the constant pattern as a type);
#   - HeaderParamValidator.cs: an unused "using System.Management.Instrumentation;" dropped;
#   - one added file gives JObject the ContainsKey(string) that Newtonsoft.Json 11+ has (an extension
#     method over JObject's own IDictionary<string, JToken>.ContainsKey).
# The SDK's version is the PackageVersion in ZohoCRM/ZOHOCRMSDK-8.0.csproj; it is written to
# OUT_DIR/ZOHOCRMSDK-8.0.version for the benchmark's header.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: bash build-sdk.sh SDK_SOURCE [OUT_DIR]  (SDK_SOURCE: a checkout of github.com/zoho/zohocrm-csharp-sdk-8.0)" >&2
    exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
SOURCE="$(cd "$1" && pwd)"
[ -d "$SOURCE/ZohoCRM/Com" ] || { echo "build-sdk.sh: $SOURCE/ZohoCRM/Com is missing; give the SDK checkout's root" >&2; exit 2; }
OUT="${2:-$HERE/build}"
NEWTONSOFT="${ZTS_NEWTONSOFT_JSON:-/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll}"
[ -f "$NEWTONSOFT" ] || { echo "build-sdk.sh: $NEWTONSOFT is missing; apt-get install libnewtonsoft-json5.0-cil" >&2; exit 1; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$SOURCE/ZohoCRM/Com" "$WORK/Com"
cd "$WORK"

# edit FILE SED-EXPRESSION EXPECTED-COUNT: applies the edit and checks it changed (or deleted) that many lines.
edit() {
    local file=$1 expression=$2 expected=$3 changed
    cp "$file" "$file.orig"
    sed -i -E "$expression" "$file"
    changed=$(diff "$file.orig" "$file" | grep -c '^<' || true)
    rm "$file.orig"
    if [ "$changed" != "$expected" ]; then
        echo "build-sdk.sh: expected $expected changed lines in $file, got $changed; the SDK source differs from the one this script knows" >&2
        exit 1
    fi
}
AUTH=Com/Zoho/API/Authenticator
UTIL=Com/Zoho/Crm/API/Util
edit $AUTH/IToken.cs 's/^(\s+)public (void|bool|string) /\1\2 /' 5
edit $AUTH/Store/ITokenStore.cs 's/^(\s+)public (void|IToken|List<IToken>) /\1\2 /' 6
edit $AUTH/Store/FileStore.cs 's/if \(token is not OAuthToken\)/if (!(token is OAuthToken))/' 2
edit $UTIL/DatatypeConverter.cs 's/\(tokenType is JTokenType\.Null\)/(tokenType == JTokenType.Null)/' 2
edit $UTIL/HeaderParamValidator.cs '/^using System\.Management\.Instrumentation;/d' 1
cat > JObjectContainsKey.cs <<'EOF'
// Added by zts's build-sdk.sh: JObject.ContainsKey, which Newtonsoft.Json 11+ has and Debian's 6.0.8 lacks.
using System.Collections.Generic;

namespace Newtonsoft.Json.Linq
{
    internal static class JObjectContainsKey
    {
        public static bool ContainsKey(this JObject value, string key)
        {
            return ((IDictionary<string, JToken>)value).ContainsKey(key);
        }
    }
}
EOF
find Com -name '*.cs' ! -path '*/Store/DBStore.cs' | sort > sources.txt
echo JObjectContainsKey.cs >> sources.txt

# The SDK's own warnings are not ours to fix: shown in a log, not failing the build.
mcs -target:library -nologo -optimize+ -debug -out:"$OUT/ZOHOCRMSDK-8.0.dll" -r:"$NEWTONSOFT" \
    -r:System.Configuration -r:Microsoft.CSharp @sources.txt > "$OUT/build-sdk.log" 2>&1 ||
    { cat "$OUT/build-sdk.log" >&2; exit 1; }
sed -n -E 's/.*<PackageVersion>([^<]+)<\/PackageVersion>.*/\1/p' "$SOURCE/ZohoCRM/ZOHOCRMSDK-8.0.csproj" | head -1 > "$OUT/ZOHOCRMSDK-8.0.version"
echo "$OUT/ZOHOCRMSDK-8.0.dll ($(wc -l < sources.txt) files, SDK $(cat "$OUT/ZOHOCRMSDK-8.0.version"))"
