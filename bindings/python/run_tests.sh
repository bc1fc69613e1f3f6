#!/usr/bin/env bash
# Builds libzts, installs the Python binding with the Zoho SDK into bindings/python/.venv, runs pytest.
# Needs python3 (with venv and pip) and cargo; PyPI must be reachable. Exits with pytest's status.
set -euo pipefail

cd "$(dirname "$0")/../.."
BINDING=bindings/python
VENV=$BINDING/.venv

cargo build --release

if ! python3 -m venv "$VENV"; then
    echo "run_tests.sh: python3 -m venv failed; on Debian/Ubuntu install it with: apt-get install python3-venv" >&2
    exit 1
fi
PYTHON=$PWD/$VENV/bin/python

# The package bundles the library it is installed with (see pyproject.toml, package-data).
cp target/release/libzts.so $BINDING/src/zoho_token_store/libzts.so

"$PYTHON" -m pip install -q --disable-pip-version-check pytest zohocrmsdk8-0==7.0.0
# Reinstalled every run, so the venv always holds this checkout and this build of libzts.so.
"$PYTHON" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./$BINDING

cd $BINDING
status=0
"$PYTHON" -m pytest -q tests || status=$?
exit $status
