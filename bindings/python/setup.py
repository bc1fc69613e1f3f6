"""Puts libzts.so into the package, and makes the wheel a platform wheel (py3-none-<platform>: ctypes
needs no particular Python, but the library is for one OS and CPU).

Where the library comes from: src/zoho_token_store/libzts.so when it is there (packaging/build.sh and
run_tests.sh copy it in); otherwise it is built with cargo from the crate, which an sdist carries in
zts-src/ and a checkout has two directories up. Everything else is in pyproject.toml.
"""

import os
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY = "libzts.so"
PACKAGE = "zoho_token_store"


def crate_directory():
    for candidate in (os.path.join(HERE, "zts-src"), os.path.join(HERE, "..", "..")):
        if os.path.isfile(os.path.join(candidate, "Cargo.toml")) and os.path.isfile(os.path.join(candidate, "src", "ffi.rs")):
            return os.path.abspath(candidate)
    return None


def build_library(target_directory):
    """cargo build --release of the crate; returns the path of the libzts.so it made."""
    crate = crate_directory()
    if crate is None:
        raise SystemExit("zoho-token-store: no libzts.so in the package and no zts crate to build it from")
    if shutil.which("cargo") is None:
        raise SystemExit("zoho-token-store: building libzts from source needs cargo (Rust): https://rustup.rs")
    # Stripped: the debug info is of no use inside a Python package.
    env = dict(os.environ, CARGO_PROFILE_RELEASE_DEBUG="0", CARGO_PROFILE_RELEASE_STRIP="symbols")
    subprocess.check_call(
        ["cargo", "build", "--release", "--lib", "--manifest-path", os.path.join(crate, "Cargo.toml"),
         "--target-dir", target_directory],
        env=env,
    )
    return os.path.join(target_directory, "release", LIBRARY)


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        installed = os.path.join(self.build_lib, PACKAGE, LIBRARY)
        if not os.path.isfile(installed):
            built = build_library(os.path.join(os.path.abspath(self.build_lib), "..", "zts-target"))
            shutil.copyfile(built, installed)


class WithNativeLibrary(Distribution):
    def has_ext_modules(self):
        return True  # so the wheel is a platform wheel, installed to platlib


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=WithNativeLibrary, cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel})
