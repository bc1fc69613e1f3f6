#!/usr/bin/env bash
# Sets up and runs the linux-aarch64 cross build: Debian's cross gcc and qemu-user, arm64 jansson
# (multiarch, for the C tests), the rustup target; then `cargo build --release --target
# aarch64-unknown-linux-gnu` (.cargo/config.toml names the cross linker and C compiler).
# Called by packaging/build.sh (unless ZTS_AARCH64=0). Needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=aarch64-unknown-linux-gnu

installed() { dpkg -s "$1" >/dev/null 2>&1; }
missing=()
for pkg in gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user libjansson-dev:arm64; do
    installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"
cargo build --release --lib --target "$TARGET"
