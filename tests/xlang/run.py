"""Runs the cross-language checks over the drivers of tests/xlang/PROTOCOL.md, on store files, or with
--mysql on tables of a MySQL/MariaDB server (the one tests/mysql/server.sh starts on 127.0.0.1).

    python3 tests/xlang/run.py [--languages c,python,...] [--soak-seconds 60] [--soak-processes 2]
                               [--only cross,hostile,contention,soak,memcheck-soak]
                               [--mysql URL [--restart-server]]

On MySQL the default checks are cross, hostile and soak (contention and the valgrind soak hold
SQLite's lock or run SQLite under valgrind).

Every language's driver must have been built (by its run_tests.sh). Prints one line per check and exits
non-zero if any fails.
"""

import argparse
import sys
import tempfile

import drivers
from checks import CheckFailed, contention, cross, hostile
from drivers import DRIVERS, DriverError
from soak import soak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default=",".join(DRIVERS))
    parser.add_argument("--only")
    parser.add_argument("--mysql", metavar="URL", help="a mysql:// location without a table")
    parser.add_argument("--restart-server", action="store_true",
                        help="with --mysql: kill and restart the server during the soak (tests/mysql/server.sh)")
    parser.add_argument("--soak-seconds", type=int, default=60)
    parser.add_argument("--soak-processes", type=int, default=2, help="driver processes per language")
    args = parser.parse_args()
    drivers.MYSQL_URL = args.mysql
    if args.only is None:
        args.only = "cross,hostile,soak" if args.mysql else "cross,hostile,contention,soak,memcheck-soak"
    languages = args.languages.split(",")
    checks = {
        "cross": lambda d: cross(languages, d),
        "hostile": lambda d: hostile(languages, d),
        "contention": lambda d: contention(languages, d),
        "soak": lambda d: soak(languages, d, args.soak_seconds, args.soak_processes, restart=args.restart_server),
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
    engine = "MySQL" if args.mysql else "SQLite"
    print("xlang: %d passed, %d failed (%s; %s)" % (len(args.only.split(",")) - failed, failed, ", ".join(languages), engine))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
