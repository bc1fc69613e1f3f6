#!/usr/bin/env bash
# Builds every package of zts into dist/ from a checkout, with one release build of libzts:
#   zts-V-linux-x86_64.tar.gz          C/C++: include/zts.h, lib/libzts.so (soname libzts.so.0), libzts.a,
#                                      lib/pkgconfig/zts.pc; unpack it into a PREFIX
#   zts-V-linux-x86_64-debug.tar.gz    lib/libzts.so.debug: the debug info stripped from libzts.so
#   zoho_token_store-V-py3-none-manylinux_2_N_x86_64.whl, zoho_token_store-V.tar.gz   Python
#   zoho-token-store-V.tgz             Node.js (npm pack)
#   maven/io/zts/zoho-token-store/V/   Java: jar, -sources.jar, -javadoc.jar, .pom (a Maven repository)
#   composer/zts-zoho-token-store-V.zip   PHP (a Composer artifact repository; lib/linux-ARCH/libzts.so)
#   Zts.ZohoTokenStore.V.nupkg         C# (lib/net461/Zts.dll, runtimes/RID/native/libzts.so)
# Every package carries the same stripped libzts.so. What is in dist/ and how each is installed:
# docs/packaging.md; packaging/test.sh installs each into a fresh environment.
# It also cross-builds for linux-aarch64 (packaging/cross.sh) and adds its C tarballs, wheel and npm
# tarball, and its library to the jar, the Composer zip and the nupkg; ZTS_AARCH64=0 skips that.
# Needs cargo, python3 (venv), npm, a JDK with Maven, and Mono's mcs with Newtonsoft.Json (installed with
# apt-get when missing).
# Usage: bash packaging/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$ROOT/dist
WORK=$ROOT/target/packaging
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

step() { echo "== packaging: $*" >&2; }
fail() { echo "packaging/build.sh: $*" >&2; exit 1; }

if ! command -v mcs >/dev/null || ! dpkg -s libnewtonsoft-json5.0-cil >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || fail "Mono is missing: apt-get install mono-mcs mono-runtime libnewtonsoft-json5.0-cil"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        mono-mcs mono-runtime libnewtonsoft-json5.0-cil >/dev/null
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
    if message.get("reason") == "build-script-executed" and ("#zts@" in message["package_id"] or message["package_id"].startswith("zts ")):
        print(message["out_dir"])
' "$WORK/cargo.json" | tail -n 1)
[ -f "$out_dir/zts.h" ] || fail "build.rs did not generate zts.h"
cmp -s "$out_dir/zts.h" include/zts.h || fail "include/zts.h is stale: run UPDATE_HEADER=1 cargo test --test header"

# native ARCH CARGO_TARGET_DIR: strips that build's libzts.so and libzts.a into $WORK/native-ARCH, with
# the debug info in libzts.so.debug, and sets LIBRARY and WHEEL_PLATFORM.
native() {
    local arch=$1 built=$2 tools=
    [ "$arch" = x86_64 ] || tools=$arch-linux-gnu-
    NATIVE=$WORK/native-$arch
    mkdir -p "$NATIVE"
    "${tools}objcopy" --only-keep-debug "$built/libzts.so" "$NATIVE/libzts.so.debug"
    "${tools}objcopy" --strip-debug --strip-unneeded --add-gnu-debuglink="$NATIVE/libzts.so.debug" \
        "$built/libzts.so" "$NATIVE/libzts.so"
    "${tools}strip" --strip-debug -o "$NATIVE/libzts.a" "$built/libzts.a"
    LIBRARY=$NATIVE/libzts.so
    # The newest glibc symbol version the library needs decides its manylinux tag (PEP 600).
    local glibc_minor
    glibc_minor=$(readelf -V "$LIBRARY" | grep -o 'GLIBC_2\.[0-9]*' | cut -d. -f2 | sort -n | tail -n 1)
    [ -n "$glibc_minor" ] || fail "no GLIBC symbol versions in $LIBRARY"
    WHEEL_PLATFORM=manylinux_2_${glibc_minor}_$arch
}

# c_tarballs ARCH: the C tree (header, library with its soname links, static library, zts.pc) and the
# debug file, each as a tarball to unpack into a prefix.
c_tarballs() {
    local name=zts-$VERSION-linux-$1
    local tree=$WORK/c/$name
    mkdir -p "$tree/include" "$tree/lib/pkgconfig" "$WORK/debug/$name/lib"
    cp include/zts.h "$tree/include/"
    cp "$LIBRARY" "$tree/lib/libzts.so.$VERSION"
    ln -s "libzts.so.$VERSION" "$tree/lib/libzts.so.0"
    ln -s libzts.so.0 "$tree/lib/libzts.so"
    cp "$NATIVE/libzts.a" "$tree/lib/"
    sed "s/@VERSION@/$VERSION/" packaging/zts.pc.in >"$tree/lib/pkgconfig/zts.pc"
    tar -C "$WORK/c" --owner=0 --group=0 -czf "$DIST/$name.tar.gz" "$name"
    cp "$NATIVE/libzts.so.debug" "$WORK/debug/$name/lib/"
    tar -C "$WORK/debug" --owner=0 --group=0 -czf "$DIST/$name-debug.tar.gz" "$name"
}

step "linux-x86_64: strip libzts.so (debug info to libzts.so.debug), C tarballs"
native x86_64 target/release
c_tarballs x86_64
AARCH64=${ZTS_AARCH64:-1}
if [ "$AARCH64" = 1 ]; then
    step "linux-aarch64: cross build (packaging/cross.sh), strip, C tarballs"
    bash packaging/cross.sh
    (native aarch64 target/aarch64-unknown-linux-gnu/release && c_tarballs aarch64)
fi
# The x86_64 library is the one every package below carries; aarch64's is added where a package can
# carry or be built for a second architecture.
AARCH64_NATIVE=$WORK/native-aarch64

step "Python: wheels and sdist"
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
if [ "$AARCH64" = 1 ]; then
    rm -rf "$PY/build"
    cp "$AARCH64_NATIVE/libzts.so" "$PY/src/zoho_token_store/libzts.so"
    "$WORK/venv/bin/python" -m build -q --wheel --outdir "$DIST" \
        "--config-setting=--build-option=--plat-name=${WHEEL_PLATFORM/x86_64/aarch64}" "$PY" >/dev/null
fi

step "Node.js: npm pack"
# node_pack NPM_CPU LIBRARY: one tarball per CPU, its package.json saying which ("cpu"), so npm refuses
# it elsewhere; the x64 one keeps the plain name.
node_pack() {
    local node=$WORK/node-$1
    mkdir -p "$node"
    cp -r bindings/node/README.md bindings/node/src "$node/"
    python3 -c 'import json, sys; p = json.load(open(sys.argv[1])); p["cpu"] = [sys.argv[2]]; print(json.dumps(p, indent=2))' \
        bindings/node/package.json "$1" >"$node/package.json"
    cp "$2" "$node/libzts.so"
    (cd "$node" && npm pack --silent --pack-destination "$WORK" >/dev/null)
}
node_pack x64 "$LIBRARY"
mv "$WORK/zoho-token-store-$VERSION.tgz" "$DIST/"
if [ "$AARCH64" = 1 ]; then
    node_pack arm64 "$AARCH64_NATIVE/libzts.so"
    mv "$WORK/zoho-token-store-$VERSION.tgz" "$DIST/zoho-token-store-$VERSION-linux-arm64.tgz"
fi

step "Java: jar, sources, javadoc, POM"
# -Prelease adds the sources and javadoc jars and the flattened POM (no parent, no test-only SDK).
# With aarch64 the jar carries both libraries; JNA picks the one for the JVM's platform.
mvn -B -q -f bindings/java/pom.xml -pl zoho-token-store -am -Prelease -DskipTests \
    -Dzts.native.dir="$NATIVE" -Dzts.native.aarch64.dir="$AARCH64_NATIVE" -Dzts.target=target/dist package 2>&1 |
    sed -u 's/\x1b\[0m//g'
JAVA_OUT=bindings/java/zoho-token-store/target/dist
MAVEN_DIR=$DIST/maven/io/zts/zoho-token-store/$VERSION
mkdir -p "$MAVEN_DIR"
for suffix in .jar -sources.jar -javadoc.jar; do
    cp "$JAVA_OUT/zoho-token-store-$VERSION$suffix" "$MAVEN_DIR/"
done
cp bindings/java/zoho-token-store/.flattened-pom.xml "$MAVEN_DIR/zoho-token-store-$VERSION.pom"
rm -f bindings/java/zoho-token-store/.flattened-pom.xml
unzip -Z1 "$MAVEN_DIR/zoho-token-store-$VERSION.jar" | grep -cx linux-x86-64/libzts.so >/dev/null || fail "the jar lacks libzts.so"
if [ "$AARCH64" = 1 ]; then
    unzip -Z1 "$MAVEN_DIR/zoho-token-store-$VERSION.jar" | grep -cx linux-aarch64/libzts.so >/dev/null ||
        fail "the jar lacks the aarch64 libzts.so"
fi
(cd "$MAVEN_DIR" && for file in *.jar *.pom; do sha1sum "$file" | cut -d' ' -f1 >"$file.sha1"; done)

step "PHP: Composer artifact"
mkdir -p "$DIST/composer"
composer_libraries=("x86_64=$LIBRARY")
if [ "$AARCH64" = 1 ]; then composer_libraries+=("aarch64=$AARCH64_NATIVE/libzts.so"); fi
python3 packaging/composer_zip.py bindings/php "$VERSION" "$DIST/composer/zts-zoho-token-store-$VERSION.zip" \
    "${composer_libraries[@]}"

step "C#: Zts.dll and the nupkg"
bash bindings/csharp/build.sh >/dev/null
nuget_libraries=("linux-x64=$LIBRARY")
if [ "$AARCH64" = 1 ]; then nuget_libraries+=("linux-arm64=$AARCH64_NATIVE/libzts.so"); fi
python3 packaging/nupkg.py bindings/csharp "$VERSION" "$DIST" "${nuget_libraries[@]}"

step "done: dist/"
(cd "$DIST" && find . -type f | sort | xargs ls -l | awk '{printf "%10d  %s\n", $5, $9}')
