"""Refresh coordination end to end: 24 SDK processes (4 to 6 per language) share one token that expires.

Every process calls the SDK's get_token in a loop on token id 1 of one store file, against the fake
accounts server (tests/e2e/fake_accounts.py, 300 ms per token request) on 127.0.0.1: Python and Node
with the real Zoho SDKs (zohocrmsdk8-0, @zohocrm/nodejs-sdk-8.0), Java with the SDK stand-in
(bindings/java/sdk-contract), PHP and C# with their bindings' replays of the SDK's getToken
(SdkFlow.php, SdkFlow.cs) posting to the server. The processes start on a token that is not due; the
test then expires it (writes a past expiry_time) and waits for the new access token, 5 times.

- coordinated (the default options): exactly one refresh per expiry, no errors, every process ends on
  the last access token;
- uncoordinated (refresh_lease_ms 0): the stampede, more than one refresh per expiry (reported);
- killed holder and failed refresh (refresh_lease_ms 3000): the process that sent a refresh is
  SIGKILLed while the server holds its answer; then a refresh is answered with an error. Each time
  exactly one more refresh follows after the lease ends, nobody hangs, no get_token takes longer than
  the lease plus one round trip (and a margin for a loaded machine).

With --mysql URL (a mysql:// location without a table, e.g. the server tests/mysql/server.sh starts)
the store is a new table on that server instead of a file: the same SDK processes, coordinated through
the MySQL engine, as processes on many hosts would be.

Needs the bindings built by their run_tests.sh (tests/run.sh runs those first).
Usage: python3 tests/refresh/run.py [--only coordinated,uncoordinated,takeover] [--mysql URL]
"""

import argparse
import ctypes
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MYSQL_URL = None  # --mysql: a server to keep the store on instead of a file
LIBRARY = os.path.join(REPO, "target", "release", "libzts.so")
os.environ["ZTS_LIBRARY"] = LIBRARY
sys.path.insert(0, os.path.join(REPO, "bindings", "python", "src"))
from zoho_token_store import Store  # noqa: E402
from zoho_token_store._native import lib  # noqa: E402

# 24 processes: 4 per language, and 2 more each for the two real SDKs.
PROCESSES = {"python": 6, "node": 6, "java": 4, "php": 4, "csharp": 4}
EXPIRIES = 5
ROUND_TRIP_MS = 300
PAUSE_MS = 20  # between two get_token calls of one process
SHORT_LEASE_MS = 3000
MARGIN_MS = 1500  # scheduling noise of 24 processes on 2 cores
CLIENT = {"client_id": "1000.CID", "client_secret": "csec", "refresh_token": "RT1"}


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def java_command():
    module = os.path.join(REPO, "bindings", "java", "zoho-token-store", "target")
    contract = os.path.join(REPO, "bindings", "java", "sdk-contract", "target", "classes")
    with open(os.path.join(module, "runtime-classpath.txt")) as classpath:
        runtime = classpath.read().strip()
    path = ":".join([os.path.join(module, "test-classes"), os.path.join(module, "classes"), contract, runtime])
    return ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", path, "io.zts.SdkFlow"]


# Each language's loop driver (command before SPEC_JSON), what must exist for it, and what builds it.
DRIVERS = {
    "python": (lambda: [os.path.join(REPO, "bindings/python/.venv/bin/python"), os.path.join(REPO, "bindings/python/tests/sdk_flow.py")],
               "bindings/python/.venv/bin/python", "bindings/python/run_tests.sh"),
    "node": (lambda: ["node", os.path.join(REPO, "bindings/node/tests/sdk_flow.mjs")],
             "bindings/node/node_modules/@zohocrm/nodejs-sdk-8.0", "bindings/node/run_tests.sh"),
    "java": (java_command, "bindings/java/zoho-token-store/target/test-classes/io/zts/SdkFlow.class", "bindings/java/run_tests.sh"),
    "php": (lambda: ["php", os.path.join(REPO, "bindings/php/tests/sdk_loop.php")], "bindings/php/libzts.so", "bindings/php/run_tests.sh"),
    "csharp": (lambda: ["mono", os.path.join(REPO, "bindings/csharp/build/Zts.Tests.exe"), "--child", "sdk-loop"],
               "bindings/csharp/build/Zts.Tests.exe", "bindings/csharp/run_tests.sh"),
}


def leases(store):
    """The store's live refresh leases (zts_leases; the Python binding does not wrap it)."""
    if lib.zts_leases.argtypes is None:
        lib.zts_leases.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
        lib.zts_leases.restype = ctypes.c_int32
    return json.loads(store._call(lib.zts_leases))


class FakeAccounts:
    def __init__(self, directory, *options):
        self.log = os.path.join(directory, "requests.jsonl")
        open(self.log, "w").close()
        server = os.path.join(REPO, "tests", "e2e", "fake_accounts.py")
        self.process = subprocess.Popen([sys.executable, server, self.log, *options], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        check(line.startswith("PORT "), "fake_accounts.py did not start: %r" % line)
        self.port = int(line.split()[1])

    def refreshes(self):
        with open(self.log) as log:
            entries = [json.loads(line) for line in log if line.strip()]
        return [entry for entry in entries if "refresh" in entry]

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()


class Worker:
    """One SDK process in its get_token loop; its stdout lines are read on a thread."""

    def __init__(self, language, command, env, stderr):
        self.language = language
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env, text=True)
        self.lines = queue.Queue()
        self.killed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def line(self, deadline):
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise Failed("%s pid %d: no answer in time" % (self.language, self.process.pid))
        if line is None:
            raise Failed("%s pid %d exited with %s" % (self.language, self.process.pid, self.process.wait()))
        return line


class Run:
    """A store holding token id 1 (not due), the server, and the 24 processes looping on it."""

    def __init__(self, directory, lease_ms, server_options):
        self.directory = directory
        self.server = FakeAccounts(directory, *server_options)
        self.store, self.stderr, self.workers = None, None, []
        try:
            self._start(lease_ms)
        except BaseException:
            self.close()  # no worker outlives a failed start (they would loop on forever)
            raise

    def _start(self, lease_ms):
        directory = self.directory
        self.path = (MYSQL_URL + "?table=refresh_%d_%d" % (os.getpid(), time.monotonic_ns())) if MYSQL_URL \
            else os.path.join(directory, "tokens.db")
        self.stop_file = os.path.join(directory, "stop")
        # The test's own handle never takes a lease: it only watches and expires the token.
        self.store = Store(self.path, refresh_lease_ms=0)
        base = "http://127.0.0.1:%d" % self.server.port
        self.store.save(dict(CLIENT, id="1", access_token="AT0", expiry_time=str(now_ms() + 86_400_000), api_domain=base))
        spec = {"store": "zts", "path": self.path, "port": self.server.port, "token": {"id": "1", "find_user": False},
                "loop": {"stop_file": self.stop_file, "pause_ms": PAUSE_MS}}
        env = dict(os.environ)
        env.pop("ZTS_REFRESH_LEASE_MS", None)
        if lease_ms is not None:
            env["ZTS_REFRESH_LEASE_MS"] = str(lease_ms)
        self.stderr = open(os.path.join(directory, "workers.stderr"), "w")
        for language, (command, _, _) in DRIVERS.items():
            for _ in range(PROCESSES[language]):
                self.workers.append(Worker(language, command() + [json.dumps(spec)], env, self.stderr))
        started = time.monotonic()
        deadline = started + 240
        for worker in self.workers:
            line = worker.line(deadline)
            check(line == "READY", "%s: %r instead of READY" % (worker.language, line))
        self.startup_s = time.monotonic() - started

    def row(self):
        return self.store.find_by_id("1")

    def expire(self):
        self.store.save({"id": "1", "expiry_time": "1000"})

    def wait_refreshed(self, refreshes_before, timeout_s=60):
        """Waits until the token has a new access token that is not due, and no refresh came for 1 s."""
        deadline = time.monotonic() + timeout_s
        while True:
            count = len(self.server.refreshes())
            if count > refreshes_before and int(self.row()["expiry_time"]) > now_ms() + 60_000:
                time.sleep(1.0)
                if len(self.server.refreshes()) == count:
                    return count
            check(time.monotonic() < deadline, "the token was not refreshed in %d s" % timeout_s)
            time.sleep(0.05)

    def worker_of(self, lease):
        pid = int(lease["holder"].split()[1])  # "pid 4242 on host"
        matches = [worker for worker in self.workers if worker.process.pid == pid]
        check(len(matches) == 1, "the lease holder %r is none of the workers" % lease["holder"])
        return matches[0]

    def finish(self):
        """Stops the loops; returns each live worker's summary: last, calls, errors, max_ms."""
        time.sleep(1.0)  # every process sees the last token at least once
        open(self.stop_file, "w").close()
        deadline = time.monotonic() + 60
        results = []
        for worker in self.workers:
            if worker.killed:
                continue
            result = json.loads(worker.line(deadline))
            result["language"] = worker.language
            results.append(result)
            check(worker.process.wait(timeout=30) == 0, "%s exited with %s" % (worker.language, worker.process.returncode))
        return results

    def close(self):
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.kill()
            worker.process.wait()
        self.server.stop()
        for resource in (self.store, self.stderr):
            if resource is not None:
                resource.close()


def now_ms():
    return int(time.time() * 1000)


def errors_shown(run):
    with open(os.path.join(run.directory, "workers.stderr")) as stderr:
        return stderr.read()[-2000:]


def expire_times(run, count):
    refreshes = 0
    for _ in range(count):
        run.expire()
        refreshes = run.wait_refreshed(refreshes)
    return refreshes


def coordinated(directory):
    run = Run(directory, None, ["--delay-ms", str(ROUND_TRIP_MS)])
    try:
        refreshes = expire_times(run, EXPIRIES)
        last = run.row()["access_token"]
        results = run.finish()
        errors = sum(result["errors"] for result in results)
        check(errors == 0, "%d get_token errors: %s" % (errors, errors_shown(run)))
        check(refreshes == EXPIRIES, "%d refresh requests for %d expiries" % (refreshes, EXPIRIES))
        stale = [result for result in results if result["last"] != last]
        check(not stale, "not on the last access token %s: %s" % (last, stale))
        calls = sum(result["calls"] for result in results)
        return ("coordinated: %d refresh requests for %d expiries, %d processes (started in %.0f s), %d get_token "
                "calls, 0 errors, all on %s, longest get_token %d ms"
                % (refreshes, EXPIRIES, len(results), run.startup_s, calls, last, max(r["max_ms"] for r in results)))
    finally:
        run.close()


def uncoordinated(directory):
    run = Run(directory, 0, ["--delay-ms", str(ROUND_TRIP_MS)])
    try:
        refreshes = expire_times(run, EXPIRIES)
        results = run.finish()
        check(refreshes > EXPIRIES, "only %d refresh requests for %d expiries without leases" % (refreshes, EXPIRIES))
        errors = sum(result["errors"] for result in results)
        shown = (": " + errors_shown(run).strip().splitlines()[-1]) if errors else ""
        return ("uncoordinated (refresh_lease_ms 0): %d refresh requests for %d expiries (%.1f per expiry), %d errors%s"
                % (refreshes, EXPIRIES, refreshes / EXPIRIES, errors, shown))
    finally:
        run.close()


def takeover(directory):
    # Refresh 1 is held for a minute (its sender is killed meanwhile); refresh 3 is answered with an error.
    run = Run(directory, SHORT_LEASE_MS, ["--delay-ms", str(ROUND_TRIP_MS), "--hold-refresh", "1=60000",
                                          "--fail-refresh", "3"])
    try:
        # A killed refresher: after its lease, exactly one more refresh.
        run.expire()
        lease = wait_for_refresh(run, 1)
        victim = run.worker_of(lease)
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.killed = True
        refreshes = run.wait_refreshed(1)
        check(refreshes == 2, "%d refresh requests after the holder was killed (want 1 + 1)" % refreshes)
        second = run.server.refreshes()[1]
        check(second["at_ms"] >= lease["until_ms"], "the second refresh came %d ms before the lease ended"
              % (lease["until_ms"] - second["at_ms"]))

        # A failed refresh: the next caller takes over after the lease.
        run.expire()
        failed_lease = wait_for_refresh(run, 3)
        failer = run.worker_of(failed_lease)
        refreshes = run.wait_refreshed(3)
        check(refreshes == 4, "%d refresh requests after a failed one (want 3 + 1)" % refreshes)
        fourth = run.server.refreshes()[3]
        check(fourth["at_ms"] >= failed_lease["until_ms"], "the refresh after the failed one came before its lease ended")

        last = run.row()["access_token"]
        results = run.finish()
        check(len(results) == len(run.workers) - 1, "a worker is missing")
        stale = [result for result in results if result["last"] != last]
        check(not stale, "not on the last access token %s: %s" % (last, stale))
        with_errors = [result["language"] for result in results if result["errors"]]
        check(with_errors == [failer.language], "get_token errors in %s; want only in the failed refresher (%s): %s"
              % (with_errors, failer.language, errors_shown(run)))
        longest = max(result["max_ms"] for result in results)
        bound = SHORT_LEASE_MS + ROUND_TRIP_MS + MARGIN_MS
        check(longest <= bound, "a get_token took %d ms (lease %d ms)" % (longest, SHORT_LEASE_MS))
        return ("takeover (refresh_lease_ms %d): killed holder (%s) then a failed refresh (%s): 4 refresh requests "
                "(1 killed + 1, 1 failed + 1), every refresh after a lease end, longest get_token %d ms, all on %s"
                % (SHORT_LEASE_MS, victim.language, failer.language, longest, last))
    finally:
        run.close()


def wait_for_refresh(run, number, timeout_s=60):
    """Waits for the server to receive refresh `number`; returns the lease its sender holds."""
    deadline = time.monotonic() + timeout_s
    while len(run.server.refreshes()) < number:
        check(time.monotonic() < deadline, "refresh %d never came" % number)
        time.sleep(0.01)
    live = [lease for lease in leases(run.store) if lease["id"] == "1"]
    check(len(live) == 1, "no lease on token 1 while refresh %d is in flight: %s" % (number, live))
    return live[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="coordinated,uncoordinated,takeover")
    parser.add_argument("--languages", default=",".join(DRIVERS), help="for trying a subset; the suite runs all")
    parser.add_argument("--mysql", metavar="URL", help="keep the store in a table on this server")
    args = parser.parse_args()
    global MYSQL_URL
    MYSQL_URL = args.mysql
    for language in set(DRIVERS) - set(args.languages.split(",")):
        del DRIVERS[language]
    for language, (_, needed, builder) in DRIVERS.items():
        if not os.path.exists(os.path.join(REPO, needed)):
            print("not ok - %s is not built (%s missing): run bash %s first" % (language, needed, builder))
            return 1
    checks = {"coordinated": coordinated, "uncoordinated": uncoordinated, "takeover": takeover}
    failed = 0
    for name in args.only.split(","):
        with tempfile.TemporaryDirectory(prefix="zts-refresh-") as directory:
            started = time.monotonic()
            try:
                print("ok - %s (%.0f s)" % (checks[name](directory), time.monotonic() - started), flush=True)
            except Failed as error:
                print("not ok - %s: %s" % (name, error), flush=True)
                failed += 1
    engine = "MySQL" if MYSQL_URL else "SQLite"
    print("refresh-coordination (%s): %d passed, %d failed" % (engine, len(args.only.split(",")) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
