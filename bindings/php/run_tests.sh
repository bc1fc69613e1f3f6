#!/usr/bin/env bash
# Builds libzts, copies it into the PHP package and runs the binding's PHPUnit tests.
# On a fresh Debian machine it installs what it needs itself (php-cli with ext-ffi, Debian's PHPUnit 9.6).
# Needs cargo. Exits with PHPUnit's status. Leaves bindings/php/xlang-driver ready to run.
set -euo pipefail

cd "$(dirname "$0")/../.."
BINDING=bindings/php

missing=()
command -v php >/dev/null 2>&1 || missing+=(php-cli)
command -v phpunit >/dev/null 2>&1 || missing+=(phpunit)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "run_tests.sh: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! php -r 'exit(extension_loaded("ffi") ? 0 : 1);'; then
    echo "run_tests.sh: the PHP extension ffi is not loaded (php -m); Debian's php-cli ships it enabled" >&2
    exit 1
fi

cargo build --release

# The package loads the library from its own directory unless ZTS_LIBRARY says otherwise.
cp target/release/libzts.so $BINDING/libzts.so
unset ZTS_LIBRARY

php --version | head -n 1
phpunit --version
status=0
phpunit --configuration $BINDING/phpunit.xml || status=$?
exit $status
