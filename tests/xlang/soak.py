"""The polyglot soak: driver processes in every language work on one store file at once, for a bounded
time. Each mixes save, find, find_by_id, list and delete over users shared by all and users of its own.

Checked during the run: every token returned is one complete version some process wrote (no torn or
mixed rows); a list never holds one user or id twice; no status but ZTS_OK, ZTS_NOT_FOUND where a race
allows it, and ZTS_BUSY (counted). Checked after it, from every language: the same list, with identical
JSON; every process's own users hold exactly their last acknowledged state; every shared user holds a
version that was acknowledged.

With --restart-server (MySQL only) the server is killed with SIGKILL and restarted a third of the way
in: calls during the outage may answer ZTS_IO, and a save or delete answered so may or may not have
happened, so that user may hold either state; nothing acknowledged may be lost, and every process must
work again after the restart.
"""

import itertools
import os
import random
import subprocess
import threading
import time

from checks import CheckFailed, expect
from drivers import Driver, store_location

SHARED_USERS = 16
OWN_USERS = 8
WRITES = itertools.count(1)  # unique write numbers (itertools.count is atomic in CPython)


class Soak:
    def __init__(self, path):
        self.path = path
        self.versions = {}  # tag -> the token a save wrote (every field but the id)
        self.acknowledged_shared = {}  # user -> set of tags acknowledged for it
        self.last_own = {}  # own user -> tag of its last acknowledged save, or None after a delete
        self.ops = {}  # language -> operations done
        self.busy = {}  # language -> ZTS_BUSY answers
        self.saves_acknowledged = 0
        self.failures = []
        self.lock = threading.Lock()
        # A server restart during the run (MySQL): its end (monotonic time) once done, the states a
        # user may hold after a write the outage answered with ZTS_IO, and who worked again after it.
        self.restarting = False
        self.restarted_at = None
        self.uncertain = {}  # own user -> the states (tag, or None for deleted) it may hold
        self.maybe_shared = {}  # shared user -> tags whose save the outage answered with ZTS_IO
        self.outage_errors = 0
        self.recovered = set()

    def version(self, user, tag):
        n = next(WRITES)
        token = {
            "user_name": user,
            "client_id": "cid",
            "client_secret": "secret-" + tag,
            "refresh_token": "1000.rt-" + tag,
            "access_token": "1000.at-" + tag,
            "grant_token": None,
            "expiry_time": str(4102000000000 + n),
            "redirect_url": "http://localhost/" + tag,
            "api_domain": "http://127.0.0.1:1/" + tag,
        }
        with self.lock:
            self.versions[tag] = token
        return token

    def check_token(self, token, what):
        """A returned token must be one complete version some process wrote."""
        tag = token["access_token"][len("1000.at-"):]
        with self.lock:
            written = self.versions.get(tag)
        without_id = {k: v for k, v in token.items() if k != "id"}
        expect(written == without_id, "%s returned a torn or unknown row: %r" % (what, token))

    def check_list(self, tokens, what):
        users = [t["user_name"] for t in tokens]
        ids = [t["id"] for t in tokens]
        expect(len(set(users)) == len(users), "%s: a user appears twice" % what)
        expect(len(set(ids)) == len(ids), "%s: an id appears twice" % what)
        for token in tokens:
            self.check_token(token, what)

    def work(self, driver, name, deadline, seed):
        rng = random.Random(seed)
        own = ["own-%s-%d@x" % (name, i) for i in range(OWN_USERS)]
        own_ids = {}
        done = busy = 0
        while time.monotonic() < deadline:
            roll = rng.random()
            shared = "shared-%d@x:777" % rng.randrange(SHARED_USERS)
            mine = rng.choice(own)
            if roll < 0.30:
                user, is_own = (mine, True) if roll < 0.12 else (shared, False)
                tag = "%s-%d" % (name, done)
                response = driver.call("save", token=self.version(user, tag))
                if response["status"] == "ZTS_OK":
                    self.check_token(response["result"], name + " save")
                    with self.lock:
                        self.saves_acknowledged += 1
                    if is_own:
                        self.last_own[user] = tag
                        self.uncertain.pop(user, None)
                        own_ids[user] = response["result"]["id"]
                    else:
                        with self.lock:
                            self.acknowledged_shared.setdefault(user, set()).add(tag)
                elif response["status"] == "ZTS_IO" and self.restarting:
                    if is_own:
                        self.uncertain.setdefault(user, {self.last_own.get(user)}).add(tag)
                    else:
                        with self.lock:
                            self.maybe_shared.setdefault(user, set()).add(tag)
            elif roll < 0.60:
                user = mine if roll < 0.40 else shared
                response = driver.call("find", token={"user_name": user})
                if response["status"] == "ZTS_OK":
                    self.check_token(response["result"], name + " find")
                    expect(response["result"]["user_name"] == user, "%s find: another user's token" % name)
                elif user == mine and response["status"] == "ZTS_NOT_FOUND":
                    expect(self.last_own.get(user) is None or user in self.uncertain,
                           "%s: own user %s not found: %r" % (name, user, response))
            elif roll < 0.75 and own_ids:
                user = rng.choice(sorted(own_ids))
                response = driver.call("find_by_id", id=own_ids[user])
                if response["status"] == "ZTS_OK":
                    self.check_token(response["result"], name + " find_by_id")
                    expect(response["result"]["user_name"] == user, "%s find_by_id: id reused" % name)
                elif response["status"] == "ZTS_NOT_FOUND":
                    expect(self.last_own.get(user) is None or user in self.uncertain,
                           "%s: own user %s lost: %r" % (name, user, response))
            elif roll < 0.80:
                response = driver.call("list")
                if response["status"] == "ZTS_OK":
                    self.check_list(response["result"], name + " list")
            else:
                user = mine if roll < 0.92 else shared
                found = driver.call("find", token={"user_name": user})
                if found["status"] != "ZTS_OK":
                    response = found
                else:
                    response = driver.call("delete", id=found["result"]["id"])
                    if response["status"] == "ZTS_OK" and user == mine:
                        self.last_own[user] = None
                        self.uncertain.pop(user, None)
                        own_ids.pop(user, None)
                    elif response["status"] == "ZTS_IO" and user == mine and self.restarting:
                        self.uncertain.setdefault(user, {self.last_own.get(user)}).add(None)
            status = response["status"]
            busy += status == "ZTS_BUSY"
            if status == "ZTS_IO" and self.restarting:
                with self.lock:
                    self.outage_errors += 1
            else:
                expect(status in ("ZTS_OK", "ZTS_NOT_FOUND", "ZTS_BUSY"), "%s: %r" % (name, response))
            if status == "ZTS_OK" and self.restarted_at is not None and time.monotonic() > self.restarted_at:
                self.recovered.add(name)
            done += 1
        return done, busy

    def run_worker(self, driver, name, deadline, seed):
        try:
            done, busy = self.work(driver, name, deadline, seed)
            with self.lock:
                self.ops[driver.language] = self.ops.get(driver.language, 0) + done
                self.busy[driver.language] = self.busy.get(driver.language, 0) + busy
        except Exception as error:  # reported by the main thread
            with self.lock:
                self.failures.append("%s: %s" % (name, error))

    def final_check(self, languages):
        """Every language reads the same final state, which matches what was acknowledged."""
        lists = {}
        for language in languages:
            driver = Driver(language, self.path)
            try:
                lists[language] = driver.call("list")["result"]
                for user, tag in self.last_own.items():
                    response = driver.call("find", token={"user_name": user})
                    if user in self.uncertain:
                        possible = self.uncertain[user]
                        if response["status"] == "ZTS_NOT_FOUND":
                            expect(None in possible, "%s: %s lost: %r" % (language, user, response))
                        else:
                            stored = {k: v for k, v in response["result"].items() if k != "id"}
                            expect(any(t and stored == self.versions[t] for t in possible),
                                   "%s: %s holds none of the states it may hold" % (language, user))
                    elif tag is None:
                        expect(response["status"] == "ZTS_NOT_FOUND", "%s: deleted %s is back" % (language, user))
                    else:
                        expect(response["status"] == "ZTS_OK", "%s: %s lost: %r" % (language, user, response))
                        stored = {k: v for k, v in response["result"].items() if k != "id"}
                        expect(stored == self.versions[tag], "%s: %s is not its last save" % (language, user))
            finally:
                driver.close()
        reference = lists[languages[0]]
        self.check_list(reference, "final list")
        for language, tokens in lists.items():
            expect(tokens == reference, "%s reads another final list than %s" % (language, languages[0]))
        for token in reference:
            user = token["user_name"]
            if user.startswith("shared-"):
                tag = token["access_token"][len("1000.at-"):]
                expect(tag in self.acknowledged_shared.get(user, ()) or tag in self.maybe_shared.get(user, ()),
                       "%s holds an unacknowledged save" % user)
        return len(reference)


def restart_server(state, after):
    """Kills the MySQL server with SIGKILL and starts it again (tests/mysql/server.sh restart)."""
    time.sleep(after)
    state.restarting = True
    subprocess.run(["bash", os.path.join(os.path.dirname(__file__), "..", "mysql", "server.sh"), "restart"],
                   check=True, stdout=subprocess.DEVNULL)
    state.restarted_at = time.monotonic()


def soak(languages, directory, seconds, processes_per_language, valgrind=(), restart=False):
    """`valgrind`: the languages whose drivers run under valgrind memcheck (C: the library's own code).
    `restart`: kill and restart the MySQL server a third of the way in."""
    path = store_location(directory, "soak")
    Driver(languages[0], path).close()  # create the store before the crowd arrives
    state = Soak(path)
    drivers = [
        Driver(language, path, valgrind=language in valgrind)
        for language in languages
        for _ in range(processes_per_language)
    ]
    deadline = time.monotonic() + seconds
    threads = []
    for index, driver in enumerate(drivers):
        name = "%s%d" % (driver.language, index)
        threads.append(threading.Thread(target=state.run_worker, args=(driver, name, deadline, index)))
    if restart:
        threads.append(threading.Thread(target=restart_server, args=(state, seconds / 3)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for driver in drivers:
        driver.close()
    if state.failures:
        raise CheckFailed("; ".join(state.failures[:5]))
    rows = state.final_check(languages)
    restarted = ""
    if restart:
        names = ["%s%d" % (d.language, i) for i, d in enumerate(drivers)]
        stuck = [n for n in names if n not in state.recovered]
        expect(state.restarted_at is not None and not stuck, "no ZTS_OK after the restart from %s" % stuck)
        restarted = (" The server was killed with SIGKILL and restarted after %d s: %d calls answered ZTS_IO during"
                     " the outage, every process worked again after it, no acknowledged save lost."
                     % (seconds / 3, state.outage_errors))
    rates = ", ".join(
        "%s %.0f ops/s (%d ZTS_BUSY)" % (language, state.ops.get(language, 0) / seconds, state.busy.get(language, 0))
        for language in languages
    )
    total = sum(state.ops.values())
    under = " (%s under valgrind: no memory error, no leak)" % ", ".join(valgrind) if valgrind else ""
    return (
        "soak%s: %d processes (%d languages x %d) for %d s on one store: %d operations, %d saves acknowledged, "
        "%d tokens at the end, read identically by every language; nothing torn, lost or duplicated. "
        "Per language: %s.%s" % (under, len(drivers), len(languages), processes_per_language, seconds, total,
                                 state.saves_acknowledged, rows, rates, restarted)
    )
