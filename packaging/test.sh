#!/usr/bin/env bash
# Builds dist/ (packaging/build.sh), then installs each package the way its users do, into a fresh
# environment in a temporary directory, with no cargo on PATH, no ZTS_LIBRARY and nothing from the
# checkout on any path (the packages are copied out of dist/ first); each program stores a token and
# finds it:
#   c       the tarball unpacked into a PREFIX; a C program built with `pkg-config --cflags --libs zts`
#           (and once with --static); the soname, the stripping and the separate debug file checked
#   python  a fresh venv: pip install the wheel and the real SDK, the README example against a fake
#           accounts server on 127.0.0.1; auditwheel agrees with the wheel's manylinux tag
#   node    a fresh npm project: npm install the tarball and the real SDK, the README example
#   java    a fresh Maven project depending on io.zts:zoho-token-store from dist/maven (a file repository)
#   php     a fresh Composer project requiring zts/zoho-token-store from dist/composer (an artifact repository)
#   csharp  an application compiled with mcs against the nupkg's Zts.dll and an SDK assembly named as the
#           real SDK's (ZOHOCRMSDK-8.0), run with Mono
#   aarch64 (unless ZTS_AARCH64=0; dist/ has linux-aarch64 packages too, see packaging/cross.sh): the C
#           tests (tests/c/run.sh) cross-built and run under qemu-user; the aarch64 C tarball's program
#           built through pkg-config and run under qemu; the aarch64 wheel, npm tarball, and the jar,
#           Composer zip and nupkg hold an AArch64 library where their loaders look for it
# Installs composer, php-cli, pkg-config, gcc and Mono from Debian when missing. Ends with
# "packaging: N passed, M failed". Usage: bash packaging/test.sh [--no-build] (--no-build: use dist/ as is)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

missing=()
for pkg in gcc libc6-dev pkg-config binutils php-cli php-zip composer mono-mcs mono-runtime libnewtonsoft-json5.0-cil; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-}" = --no-build ] || bash packaging/build.sh

TMP=$(mktemp -d /tmp/zts-packaging.XXXXXX)
server_pid=
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
cp -r dist "$TMP/dist"
DIST=$TMP/dist

# The fake accounts server the SDK examples talk to (127.0.0.1, a free port).
python3 tests/e2e/fake_accounts.py "$TMP/requests.jsonl" >"$TMP/server.out" &
server_pid=$!
for _ in $(seq 50); do grep -q '^PORT ' "$TMP/server.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/^PORT //p' "$TMP/server.out")
[ -n "$PORT" ] || { echo "packaging/test.sh: the fake accounts server did not start" >&2; exit 1; }

# The environment every installed package runs in: no cargo, no ZTS_LIBRARY, no checkout, fresh HOME-less caches.
CLEAN_PATH=$(tr ':' '\n' <<<"$PATH" | grep -v -e '\.cargo' -e '\.rustup' | paste -sd:)
fresh() { env -u ZTS_LIBRARY -u PYTHONPATH -u NODE_PATH PATH="$CLEAN_PATH" "$@"; }
fresh sh -c '! command -v cargo >/dev/null' || { echo "packaging/test.sh: cargo is still on PATH" >&2; exit 1; }

passed=0
failed=0
check() {
    local name=$1
    shift
    echo "--- packaging $name" >&2
    # In the background, so that set -e works inside (bash ignores it in an if or || condition).
    (set -euo pipefail; cd "$TMP"; "$@") &
    if wait $!; then
        echo "ok   $name" >&2
        passed=$((passed + 1))
    else
        echo "FAIL $name" >&2
        failed=$((failed + 1))
    fi
}
# expect TEXT... -- COMMAND...: runs COMMAND, shows its output, and fails unless it has every TEXT.
expect() {
    local texts=() text output
    while [ "$1" != -- ]; do texts+=("$1"); shift; done
    shift
    output=$("$@" 2>&1) || { echo "$output" >&2; return 1; }
    echo "$output" >&2
    for text in "${texts[@]}"; do
        grep -qF -- "$text" <<<"$output" || { echo "expected: $text" >&2; return 1; }
    done
}

write_c_app() {
    cat >"$TMP/app.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <zts.h>

int main(int argc, char **argv) {
    zts_store *store = NULL;
    char *json = NULL, *error = NULL;
    if (argc != 2 || strcmp(zts_version(), ZTS_VERSION) != 0) return 2;
    if (zts_open(argv[1], NULL, &store, &error) != ZTS_OK) { fprintf(stderr, "%s\n", error); return 1; }
    if (zts_save(store, "{\"user_name\":\"user@example.com:777\",\"client_id\":\"1000.C\",\"client_secret\":\"s\","
                        "\"refresh_token\":\"1000.r\",\"access_token\":\"1000.a\"}", NULL, &error) != ZTS_OK
        || zts_find(store, "{\"user_name\":\"user@example.com:777\"}", &json, &error) != ZTS_OK) {
        fprintf(stderr, "%s\n", error);
        return 1;
    }
    printf("found %s\n", json);
    zts_string_free(json);
    zts_close(store);
    return 0;
}
EOF
}

test_c() {
    local prefix=$TMP/c-prefix
    mkdir -p "$prefix"
    tar -xzf "$DIST/zts-$VERSION-linux-x86_64.tar.gz" -C "$prefix" --strip-components=1
    local lib=$prefix/lib/libzts.so.$VERSION
    readelf -d "$lib" | grep -c 'SONAME.*\[libzts\.so\.0\]' >/dev/null
    [ "$(readelf -S "$lib" | grep -c '\.debug_info')" = 0 ] # stripped...
    readelf -S "$lib" | grep -c '\.gnu_debuglink' >/dev/null # ...and pointing at its debug file
    tar -xzf "$DIST/zts-$VERSION-linux-x86_64-debug.tar.gz" -C "$prefix" --strip-components=1
    readelf -S "$prefix/lib/libzts.so.debug" | grep -c '\.debug_info' >/dev/null
    local build_id
    build_id=$(readelf -n "$lib" | grep 'Build ID')
    [ -n "$build_id" ]
    [ "$build_id" = "$(readelf -n "$prefix/lib/libzts.so.debug" | grep 'Build ID')" ]
    write_c_app
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Werror -o "$TMP/app" "$TMP/app.c" $(pkg-config --cflags --libs zts) \
        -Wl,-rpath,"$(pkg-config --variable=libdir zts)"
    readelf -d "$TMP/app" | grep -c 'NEEDED.*\[libzts\.so\.0\]' >/dev/null
    expect '"access_token":"1000.a"' -- fresh "$TMP/app" "$TMP/c.db"
    # Static: libzts.a and the system libraries zts.pc lists for --static.
    local static_libs
    static_libs=$(pkg-config --static --libs-only-l zts | sed 's/-lzts //')
    # shellcheck disable=SC2046,SC2086
    cc -std=c11 -Wall -Werror -o "$TMP/app-static" "$TMP/app.c" $(pkg-config --cflags zts) \
        "$prefix/lib/libzts.a" $static_libs
    [ "$(readelf -d "$TMP/app-static" | grep -c libzts)" = 0 ]
    expect '"access_token":"1000.a"' -- fresh "$TMP/app-static" "$TMP/c-static.db"
}

test_python() {
    local wheel
    wheel=$(ls "$DIST"/zoho_token_store-"$VERSION"-py3-none-manylinux_2_*_x86_64.whl)
    python3 -m venv "$TMP/venv"
    fresh "$TMP/venv/bin/pip" install -q --disable-pip-version-check "$wheel" zohocrmsdk8-0==7.0.0 auditwheel
    # auditwheel reads the symbols libzts.so needs: the wheel's tag must be the one it allows.
    local tag
    tag=$(basename "$wheel" .whl | sed 's/.*-py3-none-//')
    expect "platform tag: \"$tag\"" -- fresh "$TMP/venv/bin/auditwheel" show "$wheel"
    # The sdist carries the crate to build libzts from (not built here: that is a second full cargo build).
    tar -tzf "$DIST/zoho_token_store-$VERSION.tar.gz" | grep -c '/zts-src/src/ffi.rs$' >/dev/null
    # The README example, against the fake accounts server instead of Zoho's.
    cat >"$TMP/example.py" <<EOF
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer

from zoho_token_store import Store, ZohoTokenStore
import zoho_token_store._native as native

base = "http://127.0.0.1:$PORT"
token = OAuthToken(client_id="1000.XXXX", client_secret="xxxx", grant_token="1000.python",
                   redirect_url="https://example.com/callback")
Initializer.initialize(environment=DataCenter.Environment(base, base + "/oauth/v2/token", base),
                       token=token, store=ZohoTokenStore("python.db"))
print("id", token.get_id(), "library", native.LIBRARY_PATH)
print("found", Store("python.db").find({"grant_token": "1000.python", "client_id": "1000.XXXX", "client_secret": "xxxx"}))
EOF
    expect "'grant_token': '1000.python'" "library $TMP/venv/lib/" -- fresh "$TMP/venv/bin/python" example.py
}

test_node() {
    mkdir -p "$TMP/node-app" && cd "$TMP/node-app"
    echo '{"name": "app", "private": true, "type": "module"}' >package.json
    fresh npm install --no-audit --no-fund --loglevel=error "$DIST/zoho-token-store-$VERSION.tgz" \
        @zohocrm/nodejs-sdk-8.0@2.0.0 >&2
    [ -f node_modules/zoho-token-store/libzts.so ] && [ -d node_modules/koffi ]
    cat >example.mjs <<EOF
import * as ZOHOCRMSDK from "@zohocrm/nodejs-sdk-8.0";
import { Store, LIBRARY_PATH } from "zoho-token-store";
import { ZohoTokenStore } from "zoho-token-store/sdk";

const base = "http://127.0.0.1:$PORT";
const store = new ZohoTokenStore("node.db");
const token = new ZOHOCRMSDK.OAuthBuilder().clientId("1000.XXXX").clientSecret("xxxx").grantToken("1000.node")
  .redirectURL("https://example.com/callback").findUser(false).build();
await (await new ZOHOCRMSDK.InitializeBuilder())
  .environment(new ZOHOCRMSDK.Environment(base, base + "/oauth/v2/token", base))
  .token(token).store(store).initialize();
await store.close();
const plain = new Store("node.db");
console.log("id", token.getId(), "library", LIBRARY_PATH);
console.log("found", JSON.stringify(await plain.find({ grant_token: "1000.node", client_id: "1000.XXXX", client_secret: "xxxx" })));
await plain.close();
EOF
    expect '"grant_token":"1000.node"' "library $TMP/node-app/node_modules/zoho-token-store/libzts.so" -- \
        fresh node example.mjs
}

test_java() {
    mkdir -p "$TMP/java-app/src/main/java/app" && cd "$TMP/java-app"
    cat >pom.xml <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>app</groupId>
  <artifactId>app</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>11</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>zts-dist</id>
      <url>file://$DIST/maven</url>
    </repository>
  </repositories>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
    </plugins>
  </build>
  <dependencies>
    <dependency>
      <groupId>io.zts</groupId>
      <artifactId>zoho-token-store</artifactId>
      <version>$VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
    cat >src/main/java/app/App.java <<'EOF'
package app;

import io.zts.Store;
import java.util.Map;

public class App {
    public static void main(String[] args) throws Exception {
        try (Store store = new Store(args[0])) {
            store.save(Map.of("user_name", "user@example.com:777", "client_id", "1000.C", "client_secret", "s",
                    "refresh_token", "1000.r", "access_token", "1000.java"));
            System.out.println("found " + store.find(Map.of("user_name", "user@example.com:777")));
            System.out.println("library " + Store.libraryPath());
        }
    }
}
EOF
    # Our artifact comes from dist/ only: never from a copy an earlier run left in the local repository.
    local local_repo=$HOME/.m2/repository
    rm -rf "$local_repo/io/zts/zoho-token-store/$VERSION"
    fresh mvn -B -q package org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=classpath.txt 2>&1 | sed 's/\x1b\[0m//g' >&2
    [ "$(grep -c zoho-sdk-contract classpath.txt)" = 0 ] # the tests-only SDK stand-in is no user dependency
    grep -q "/jna-" classpath.txt
    expect 'access_token=1000.java' -- fresh java -cp "target/classes:$(cat classpath.txt)" app.App java.db
    rm -rf "$local_repo/io/zts/zoho-token-store/$VERSION"
}

test_php() {
    mkdir -p "$TMP/php-app" && cd "$TMP/php-app"
    cat >composer.json <<EOF
{
    "require": {"zts/zoho-token-store": "$VERSION"},
    "repositories": [{"type": "artifact", "url": "$DIST/composer"}, {"packagist.org": false}]
}
EOF
    COMPOSER_HOME=$TMP/composer-home fresh composer install --no-interaction --no-progress >&2
    [ -f vendor/zts/zoho-token-store/lib/linux-x86_64/libzts.so ]
    cat >app.php <<'EOF'
<?php
require __DIR__ . '/vendor/autoload.php';
$store = new Zts\Store($argv[1]);
$store->save(['user_name' => 'user@example.com:777', 'client_id' => '1000.C', 'client_secret' => 's',
              'refresh_token' => '1000.r', 'access_token' => '1000.php']);
echo 'found ', json_encode($store->find(['user_name' => 'user@example.com:777'])), "\n";
echo 'library ', Zts\Native::loadedPath(), "\n";
EOF
    expect '"access_token":"1000.php"' "library $TMP/php-app/vendor/zts/zoho-token-store/lib/linux-x86_64/libzts.so" -- \
        fresh php app.php php.db
}

test_csharp() {
    mkdir -p "$TMP/cs-app/package" && cd "$TMP/cs-app"
    (cd package && python3 -m zipfile -e "$DIST/Zts.ZohoTokenStore.$VERSION.nupkg" .)
    grep -q '<dependency id="ZOHOCRMSDK-8.0" version="4.0.0"' package/Zts.ZohoTokenStore.nuspec
    # What NuGet puts in a portable application's output: the assembly, the package's runtimes/ tree (Zts
    # picks its architecture's library there), and Newtonsoft.Json, which the SDK's package brings (here
    # Debian's).
    cp -r package/lib/net461/Zts.dll package/runtimes /usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll .
    # An SDK assembly under the real SDK's name, compiled apart from Zts.dll (the tests-only surface).
    mcs -nologo -target:library -out:ZOHOCRMSDK-8.0.dll "$ROOT"/bindings/csharp/tests/sdk-surface/*.cs
    cat >App.cs <<'EOF'
using System;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Authenticator.Store;

public static class App
{
    public static void Main(string[] args)
    {
        ITokenStore store = new Zts.ZohoTokenStore(args[0]);
        var token = new OAuthToken();
        token.ClientId = "1000.C";
        token.ClientSecret = "s";
        token.RefreshToken = "1000.r";
        token.AccessToken = "1000.csharp";
        store.SaveToken(token);
        OAuthToken found = (OAuthToken)store.FindTokenById(token.Id);
        Console.WriteLine("found id " + found.Id + " access_token " + found.AccessToken);
        Console.WriteLine("library " + Zts.Store.LibraryPath);
    }
}
EOF
    mcs -nologo -out:App.exe -r:Zts.dll -r:ZOHOCRMSDK-8.0.dll -r:Newtonsoft.Json.dll App.cs
    expect 'access_token 1000.csharp' "library $TMP/cs-app/runtimes/linux-x64/native/libzts.so" -- \
        fresh mono App.exe csharp.db
}

test_aarch64() {
    ZTS_C_TARGET=aarch64-unknown-linux-gnu bash "$ROOT/tests/c/run.sh" | tail -n 4 >&2
    local prefix=$TMP/aarch64-prefix
    mkdir -p "$prefix"
    tar -xzf "$DIST/zts-$VERSION-linux-aarch64.tar.gz" -C "$prefix" --strip-components=1
    readelf -h "$prefix/lib/libzts.so.$VERSION" | grep -c 'Machine:.*AArch64' >/dev/null
    write_c_app
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    # shellcheck disable=SC2046
    aarch64-linux-gnu-gcc -std=c11 -Wall -Werror -o "$TMP/app-aarch64" "$TMP/app.c" \
        $(pkg-config --cflags --libs zts) -Wl,-rpath,"$(pkg-config --variable=libdir zts)"
    expect '"access_token":"1000.a"' -- fresh qemu-aarch64 "$TMP/app-aarch64" "$TMP/aarch64.db"
    # The other packages carry an AArch64 library where they can.
    mkdir -p "$TMP/aarch64-packages" && cd "$TMP/aarch64-packages"
    local wheel
    wheel=$(ls "$DIST"/zoho_token_store-"$VERSION"-py3-none-manylinux_2_*_aarch64.whl)
    expect "platform tag: \"$(basename "$wheel" .whl | sed 's/.*-py3-none-//')\"" -- \
        fresh "$TMP/venv/bin/auditwheel" show "$wheel" # the venv of test_python
    python3 -m zipfile -e "$wheel" wheel
    tar -xzf "$DIST/zoho-token-store-$VERSION-linux-arm64.tgz"
    python3 -m zipfile -e "$DIST/maven/io/zts/zoho-token-store/$VERSION/zoho-token-store-$VERSION.jar" jar
    python3 -m zipfile -e "$DIST/composer/zts-zoho-token-store-$VERSION.zip" composer
    python3 -m zipfile -e "$DIST/Zts.ZohoTokenStore.$VERSION.nupkg" nupkg
    local library
    for library in wheel/zoho_token_store/libzts.so package/libzts.so jar/linux-aarch64/libzts.so \
        composer/lib/linux-aarch64/libzts.so nupkg/runtimes/linux-arm64/native/libzts.so; do
        readelf -h "$library" | grep -c 'Machine:.*AArch64' >/dev/null
    done
    grep -c '"arm64"' package/package.json >/dev/null
}

check c test_c
check python test_python
check node test_node
check java test_java
check php test_php
check csharp test_csharp
if [ "${ZTS_AARCH64:-1}" = 1 ]; then check aarch64 test_aarch64; fi

echo "packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
