#!/usr/bin/env bash
# Builds every package of zts into dist/ from a checkout, with one release build of libzts:
#   zts-V-linux-x86_64.tar.gz          C/C++: include/zts.h, lib/libzts.so (soname libzts.so.0), libzts.a,
#                                      lib/pkgconfig/zts.pc; unpack it into a PREFIX
#   zts-V-linux-x86_64-debug.tar.gz    lib/libzts.so.debug: the debug info stripped from libzts.so
#   zoho_token_store-V-py3-none-manylinux_2_N_x86_64.whl, zoho_token_store-V.tar.gz   Python
#   zoho-token-store-V.tgz             Node.js (npm pack)
#   maven/io/zts/zoho-token-store/V/   Java: jar, -sources.jar, -javadoc.jar, .pom (a Maven repository)
#   composer/zts-zoho-token-store-V.zip   PHP (a Composer artifact repository)
#   Zts.ZohoTokenStore.V.nupkg         C# (lib/net461/Zts.dll, runtimes/linux-x64/native/libzts.so)
# Every package carries the same stripped libzts.so. What is in dist/ and how each is installed:
# docs/packaging.md; packaging/test.sh installs each into a fresh environment.
# Needs cargo, python3 (venv), npm, a JDK with Maven, and Mono's mcs (installed with apt-get when missing).
# Usage: bash packaging/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$ROOT/dist
WORK=$ROOT/target/packaging
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
PLATFORM=linux-x86_64

step() { echo "== packaging: $*" >&2; }
fail() { echo "packaging/build.sh: $*" >&2; exit 1; }

if ! command -v mcs >/dev/null; then
    [ "$(id -u)" = 0 ] || fail "mcs (Mono) is missing: apt-get install mono-mcs mono-runtime"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mono-mcs mono-runtime >/dev/null
fi

rm -rf "$DIST" "$WORK"
mkdir -p "$DIST" "$WORK"

step "cargo build --release"
cargo build --release --message-format=json-render-diagnostics >"$WORK/cargo.json"
# The header build.rs generated from src/ must be the committed one (tests/header.rs checks it too).
out_dir=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    message = json.loads(line)
    if message.get("reason") == "build-script-executed" and message["package_id"].find("zts") >= 0 and message.get("out_dir", "").find("/zts-") >= 0:
        print(message["out_dir"])
' "$WORK/cargo.json" | tail -n 1)
[ -f "$out_dir/zts.h" ] || fail "build.rs did not generate zts.h"
cmp -s "$out_dir/zts.h" include/zts.h || fail "include/zts.h is stale: run UPDATE_HEADER=1 cargo test --test header"

step "strip libzts.so, keep its debug info in libzts.so.debug"
NATIVE=$WORK/native
mkdir -p "$NATIVE"
objcopy --only-keep-debug target/release/libzts.so "$NATIVE/libzts.so.debug"
objcopy --strip-debug --strip-unneeded --add-gnu-debuglink="$NATIVE/libzts.so.debug" \
    target/release/libzts.so "$NATIVE/libzts.so"
strip --strip-debug -o "$NATIVE/libzts.a" target/release/libzts.a
LIBRARY=$NATIVE/libzts.so

# The newest glibc symbol version the library needs decides its manylinux tag (PEP 600).
glibc_minor=$(objdump -T "$LIBRARY" | grep -o 'GLIBC_2\.[0-9]*' | cut -d. -f2 | sort -n | tail -n 1)
[ -n "$glibc_minor" ] || fail "no GLIBC symbol versions in libzts.so"
WHEEL_PLATFORM=manylinux_2_${glibc_minor}_x86_64

step "C: zts-$VERSION-$PLATFORM.tar.gz"
C_TREE=$WORK/c/zts-$VERSION-$PLATFORM
mkdir -p "$C_TREE/include" "$C_TREE/lib/pkgconfig"
cp include/zts.h "$C_TREE/include/"
cp "$LIBRARY" "$C_TREE/lib/libzts.so.$VERSION"
ln -s "libzts.so.$VERSION" "$C_TREE/lib/libzts.so.0"
ln -s libzts.so.0 "$C_TREE/lib/libzts.so"
cp "$NATIVE/libzts.a" "$C_TREE/lib/"
sed "s/@VERSION@/$VERSION/" packaging/zts.pc.in >"$C_TREE/lib/pkgconfig/zts.pc"
tar -C "$WORK/c" --owner=0 --group=0 -czf "$DIST/zts-$VERSION-$PLATFORM.tar.gz" "zts-$VERSION-$PLATFORM"
mkdir -p "$WORK/debug/zts-$VERSION-$PLATFORM/lib"
cp "$NATIVE/libzts.so.debug" "$WORK/debug/zts-$VERSION-$PLATFORM/lib/"
tar -C "$WORK/debug" --owner=0 --group=0 -czf "$DIST/zts-$VERSION-$PLATFORM-debug.tar.gz" "zts-$VERSION-$PLATFORM"

step "Python: wheel ($WHEEL_PLATFORM) and sdist"
PY=$WORK/python
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check build
# The sdist carries the crate (zts-src/), so installing it from source builds libzts with cargo.
mkdir -p "$PY"
tar -C bindings/python --exclude=.venv --exclude=build --exclude=dist --exclude='*.egg-info' \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude=libzts.so -cf - . | tar -C "$PY" -xf -
mkdir -p "$PY/zts-src"
cp -r Cargo.toml Cargo.lock build.rs cbindgen.toml src include "$PY/zts-src/"
"$WORK/venv/bin/python" -m build -q --sdist --outdir "$DIST" "$PY" >/dev/null
rm -rf "$PY/zts-src"
cp "$LIBRARY" "$PY/src/zoho_token_store/libzts.so"
"$WORK/venv/bin/python" -m build -q --wheel --outdir "$DIST" \
    "--config-setting=--build-option=--plat-name=$WHEEL_PLATFORM" "$PY" >/dev/null

step "Node.js: npm pack"
NODE=$WORK/node
mkdir -p "$NODE"
cp -r bindings/node/package.json bindings/node/README.md bindings/node/src "$NODE/"
cp "$LIBRARY" "$NODE/libzts.so"
(cd "$NODE" && npm pack --silent --pack-destination "$DIST" >/dev/null)

step "Java: jar, sources, javadoc, POM"
# -Prelease adds the sources and javadoc jars and the flattened POM (no parent, no test-only SDK).
mvn -B -q -f bindings/java/pom.xml -pl zoho-token-store -am -Prelease -DskipTests \
    -Dzts.native.dir="$NATIVE" -Dzts.target=target/dist package 2>&1 | sed -u 's/\x1b\[0m//g'
JAVA_OUT=bindings/java/zoho-token-store/target/dist
MAVEN_DIR=$DIST/maven/io/zts/zoho-token-store/$VERSION
mkdir -p "$MAVEN_DIR"
for suffix in .jar -sources.jar -javadoc.jar; do
    cp "$JAVA_OUT/zoho-token-store-$VERSION$suffix" "$MAVEN_DIR/"
done
cp bindings/java/zoho-token-store/.flattened-pom.xml "$MAVEN_DIR/zoho-token-store-$VERSION.pom"
rm -f bindings/java/zoho-token-store/.flattened-pom.xml
unzip -Z1 "$MAVEN_DIR/zoho-token-store-$VERSION.jar" | grep -cx linux-x86-64/libzts.so >/dev/null || fail "the jar lacks libzts.so"
(cd "$MAVEN_DIR" && for file in *.jar *.pom; do sha1sum "$file" | cut -d' ' -f1 >"$file.sha1"; done)

step "PHP: Composer artifact"
mkdir -p "$DIST/composer"
python3 packaging/composer_zip.py bindings/php "$LIBRARY" "$VERSION" "$DIST/composer/zts-zoho-token-store-$VERSION.zip"

step "C#: Zts.dll and the nupkg"
bash bindings/csharp/build.sh >/dev/null
python3 packaging/nupkg.py bindings/csharp "$LIBRARY" "$VERSION" "$DIST"

step "done: dist/"
(cd "$DIST" && find . -type f | sort | xargs ls -l | awk '{printf "%10d  %s\n", $5, $9}')
