"""Starting and talking to the cross-language drivers of tests/xlang/PROTOCOL.md."""

import itertools
import json
import os
import subprocess
import threading

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Each language's driver, and the script that builds it.
DRIVERS = {
    "c": ("tests/c/xlang-driver", "tests/c/run.sh"),
    "python": ("bindings/python/xlang-driver", "bindings/python/run_tests.sh"),
    "node": ("bindings/node/xlang-driver", "bindings/node/run_tests.sh"),
    "java": ("bindings/java/xlang-driver", "bindings/java/run_tests.sh"),
    "php": ("bindings/php/xlang-driver", "bindings/php/run_tests.sh"),
    "csharp": ("bindings/csharp/xlang-driver", "bindings/csharp/run_tests.sh"),
}


# A mysql:// base location (no table) when the checks run on MySQL/MariaDB (run.py --mysql); else None.
MYSQL_URL = None


def store_location(directory, name):
    """Where a check keeps its store: a file in `directory`, or a new table on the MySQL server."""
    if MYSQL_URL:
        return "%s?table=xlang_%s_%d_%d" % (MYSQL_URL, name.replace("-", "_"), os.getpid(), next(_TABLES))
    return os.path.join(directory, name + ".db")


_TABLES = itertools.count(1)


class DriverError(Exception):
    pass


class Driver:
    """One driver process on one store file; `call(op, **fields)` returns the response dict."""

    # `valgrind`: run the driver under valgrind memcheck; any memory error or leak fails its close().
    VALGRIND = ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
                "-q"]

    def __init__(self, language, store_path, options=None, valgrind=False):
        path, builder = DRIVERS[language]
        executable = os.path.join(REPO, path)
        if not os.access(executable, os.X_OK):
            raise DriverError("%s: %s is missing; run bash %s first" % (language, path, builder))
        command = (self.VALGRIND if valgrind else []) + [executable, store_path]
        command += [json.dumps(options)] if options else []
        env = dict(os.environ, ZTS_LIBRARY=os.path.join(REPO, "target", "release", "libzts.so"))
        self.language = language
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, encoding="utf-8"
        )
        self.lock = threading.Lock()

    def call(self, op, **fields):
        line = json.dumps(dict(op=op, **fields)) + "\n"
        with self.lock:
            self.process.stdin.write(line)
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            raise DriverError("%s driver exited (status %s) on %s" % (self.language, self.process.poll(), op))
        return json.loads(answer)

    def close(self):
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self.process.stdout.close()
        if code != 0:
            raise DriverError("%s driver exited with status %d" % (self.language, code))

    def kill(self):
        self.process.kill()
        self.process.wait()


def start_all(languages, store_path, options=None):
    """One driver per language; any that is missing stops the run (all are required)."""
    return {language: Driver(language, store_path, options) for language in languages}
