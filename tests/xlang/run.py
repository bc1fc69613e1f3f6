"""Runs the cross-language checks over the drivers of tests/xlang/PROTOCOL.md, all on 127.0.0.1 files.

    python3 tests/xlang/run.py [--languages c,python,...] [--soak-seconds 60] [--soak-processes 2]
                               [--only cross,hostile,contention,soak,memcheck-soak]

Every language's driver must have been built (by its run_tests.sh). Prints one line per check and exits
non-zero if any fails.
"""

import argparse
import sys
import tempfile

from checks import CheckFailed, contention, cross, hostile
from drivers import DRIVERS, DriverError
from soak import soak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default=",".join(DRIVERS))
    parser.add_argument("--only", default="cross,hostile,contention,soak,memcheck-soak")
    parser.add_argument("--soak-seconds", type=int, default=60)
    parser.add_argument("--soak-processes", type=int, default=2, help="driver processes per language")
    args = parser.parse_args()
    languages = args.languages.split(",")
    checks = {
        "cross": lambda d: cross(languages, d),
        "hostile": lambda d: hostile(languages, d),
        "contention": lambda d: contention(languages, d),
        "soak": lambda d: soak(languages, d, args.soak_seconds, args.soak_processes),
        # The library under valgrind in C driver processes, next to Python ones, on one file.
        "memcheck-soak": lambda d: soak(["c", "python"], d, 15, 2, valgrind=("c",)),
    }
    failed = 0
    for name in args.only.split(","):
        with tempfile.TemporaryDirectory(prefix="zts-xlang-") as directory:
            try:
                print("ok - " + checks[name](directory), flush=True)
            except (CheckFailed, DriverError) as error:
                print("not ok - %s: %s" % (name, error), flush=True)
                failed += 1
    print("xlang: %d passed, %d failed (%s)" % (len(args.only.split(",")) - failed, failed, ", ".join(languages)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
