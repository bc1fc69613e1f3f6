"""Benchmark: every SDK store call through ZohoTokenStore, next to the SDK's FileStore and a careful
pure-Python sqlite3 store, in one run.

    bindings/python/.venv/bin/python bindings/python/bench.py [--dir DIR] [--sizes 10,1000,10000] [--rounds 3]

(the venv is the one bindings/python/run_tests.sh builds; the bench imports this checkout's package from
src/, with the libzts.so that run_tests.sh copies there). The three stores hold the same N tokens (user
tokens with a UserSignature, as the SDK saves them with find_user on):
- zts: `ZohoTokenStore`, with its defaults (synchronous "auto": a refresh is saved without an fsync, still
  safe against a killed process);
- sqlite3: `CarefulSqliteStore` below, the baseline a careful Python developer would write: one indexed
  row per token, bound parameters, WAL, BEGIN IMMEDIATE around each save, the SDK FileStore's rules,
  zts's durability (a refresh saved without a sync, every other change synced), and the same
  OAuthToken objects in and out, through the SDK's own getters and setters;
- FileStore: the SDK's own CSV store (no lock, no fsync).
The calls, each with the SDK's token objects as the SDK makes them:
- find_token: a new OAuthToken(user_signature=...) of a random stored user (the store fills it in);
- find_token_by_id: a random id (a new OAuthToken back);
- save_token: a token fetched by id, given a new access token and expiry, as the SDK saves a refresh;
- delete_token: the id of a token saved just before (untimed), as OAuthToken.remove() does;
- get_tokens: every token as a new OAuthToken.
Each cell is the median of single calls; the stores take turns in `--rounds` rounds so that a noisy
moment hits them all. Prints a Markdown table with the targets: zts faster than the FileStore and within
1.5x of the sqlite3 store.
"""

import argparse
import csv
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time

# This checkout's package (src/, with the libzts.so run_tests.sh copies there), not an installed one.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store import FileStore
from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore
from zohocrmsdk.src.com.zoho.crm.api.exception.sdk_exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

import zoho_token_store
from zoho_token_store import TOKEN_FIELDS, Store, ZohoTokenStore
from zoho_token_store._native import LIBRARY_PATH

CALLS = ("find_token", "find_token_by_id", "save_token", "delete_token", "get_tokens")
# Calls per round: fewer where a call costs milliseconds (FileStore rewrites or reads the whole file).
FAST_ITERATIONS = {"find_token": 1_000, "find_token_by_id": 1_000, "save_token": 200, "delete_token": 100}
FILESTORE_ITERATIONS = {10: 100, 1_000: 20, 10_000: 4}


def list_iterations(size):
    return max(3, min(1_000, 20_000 // size))


# The SDK's own OAuthToken getter and setter of each column, in TOKEN_FIELDS order (user_name: the
# UserSignature).
_ACCESSORS = tuple(
    (getattr(OAuthToken, "get_" + name), getattr(OAuthToken, "set_" + name))
    for name in ("id", "user_signature", "client_id", "client_secret", "refresh_token", "access_token",
                 "grant_token", "expires_in", "redirect_url", "api_domain")
)


class CarefulSqliteStore(TokenStore):
    """The baseline: what a careful Python developer writes on sqlite3 (see the module docstring).
    Durability as zts's default: every commit is synced except the update of a token found by its id
    (the SDK's refresh), which is synced at checkpoints."""

    def __init__(self, path):
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS oauthtoken (%s)" % ", ".join("%s TEXT" % column for column in TOKEN_FIELDS)
        )
        self._db.execute("CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_id ON oauthtoken (id)")
        for column in ("user_name", "access_token", "grant_token", "refresh_token"):
            self._db.execute("CREATE INDEX IF NOT EXISTS oauthtoken_%s ON oauthtoken (%s)" % (column, column))
        self._select = "SELECT %s FROM oauthtoken" % ", ".join(TOKEN_FIELDS)

    def close(self):
        self._db.close()

    @staticmethod
    def _row_of(token):
        row = {column: getter(token) for column, (getter, _) in zip(TOKEN_FIELDS, _ACCESSORS)}
        if row["user_name"] is not None:
            row["user_name"] = row["user_name"].get_name()
        return row

    # Unrolled, as the SDK FileStore writes it: the fastest plain Python, so the baseline is not slowed
    # by a loop over the accessors.
    @staticmethod
    def _fill(token, row):
        """The SDK FileStore's set_merge_data: fills the token's None fields from a stored row."""
        id, user_name, client_id, client_secret, refresh, access, grant, expiry, redirect, domain = row
        if token.get_id() is None:
            token.set_id(id)
        if token.get_user_signature() is None and user_name is not None:
            token.set_user_signature(UserSignature(user_name))
        if token.get_client_id() is None:
            token.set_client_id(client_id)
        if token.get_client_secret() is None:
            token.set_client_secret(client_secret)
        if token.get_refresh_token() is None:
            token.set_refresh_token(refresh)
        if token.get_access_token() is None:
            token.set_access_token(access)
        if token.get_grant_token() is None:
            token.set_grant_token(grant)
        if token.get_expires_in() is None:
            token.set_expires_in(expiry)
        if token.get_redirect_url() is None:
            token.set_redirect_url(redirect)
        if token.get_api_domain() is None:
            token.set_api_domain(domain)

    @staticmethod
    def _new_token(row):
        id, user_name, client_id, client_secret, refresh, access, grant, expiry, redirect, domain = row
        token = object.__new__(OAuthToken)
        token.set_id(id)
        token.set_user_signature(UserSignature(user_name) if user_name is not None else None)
        token.set_client_id(client_id)
        token.set_client_secret(client_secret)
        token.set_refresh_token(refresh)
        token.set_access_token(access)
        token.set_grant_token(grant)
        token.set_expires_in(expiry)
        token.set_redirect_url(redirect)
        token.set_api_domain(domain)
        return token

    def _match(self, row):
        """The stored row the SDK FileStore's rules pick for a token, or None."""
        if row["user_name"] is not None:
            return self._one("user_name", row["user_name"])
        if row["access_token"] is not None and row["client_id"] is None and row["client_secret"] is None:
            return self._one("access_token", row["access_token"])
        if row["client_id"] is not None and row["client_secret"] is not None:
            for column in ("grant_token", "refresh_token"):
                if row[column] is not None:
                    found = self._one(column, row[column])
                    if found is not None:
                        return found
        return None

    def _one(self, column, value):
        return self._db.execute(self._select + " WHERE %s = ? LIMIT 1" % column, (value,)).fetchone()

    def find_token(self, token):
        found = self._match(self._row_of(token))
        if found is None:
            return None
        self._fill(token, found)
        return token

    def find_token_by_id(self, id):
        found = self._one("id", id)
        if found is None:
            raise SDKException(code="TOKEN_STORE", message="no token has this id")
        return self._new_token(found)

    def save_token(self, token):
        row = self._row_of(token)
        # A refresh (a save by id) is not synced; anything else is (changing it outside a transaction).
        self._db.execute("PRAGMA synchronous=%s" % ("NORMAL" if row["id"] is not None else "FULL"))
        self._db.execute("BEGIN IMMEDIATE")
        try:
            found = self._one("id", row["id"]) if row["id"] is not None else self._match(row)
            if found is not None:
                merged = {column: (row[column] if row[column] is not None else stored)
                          for column, stored in zip(TOKEN_FIELDS, found)}
                merged["id"] = found[0]
                self._db.execute(
                    "UPDATE oauthtoken SET %s WHERE id = ?" % ", ".join("%s = ?" % c for c in TOKEN_FIELDS),
                    [merged[c] for c in TOKEN_FIELDS] + [found[0]],
                )
            else:
                if row["id"] is None:
                    (largest,) = self._db.execute("SELECT max(CAST(id AS INTEGER)) FROM oauthtoken").fetchone()
                    row["id"] = str((largest or 0) + 1)
                self._db.execute(
                    "INSERT INTO oauthtoken (%s) VALUES (%s)" % (", ".join(TOKEN_FIELDS), ", ".join("?" * 10)),
                    [row[c] for c in TOKEN_FIELDS],
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        token.set_id(found[0] if found is not None else row["id"])

    def delete_token(self, id):
        self._db.execute("PRAGMA synchronous=FULL")
        if self._db.execute("DELETE FROM oauthtoken WHERE id = ?", (id,)).rowcount == 0:
            raise SDKException(code="TOKEN_STORE", message="no token has this id")

    def get_tokens(self):
        return [self._new_token(row) for row in self._db.execute(self._select + " ORDER BY CAST(id AS INTEGER)")]

    def delete_tokens(self):
        self._db.execute("DELETE FROM oauthtoken")


def stored_token(n):
    return {
        "id": str(n),
        "user_name": "user%d@example.com:%d" % (n, 700000 + n),
        "client_id": "1000.CLIENTID%026d" % n,
        "client_secret": "%042d" % n,
        "refresh_token": "1000.%032x.%032x" % (n, n),
        "access_token": "1000.%032x.%032x" % (n + 1, n),
        "grant_token": None,
        "expiry_time": str(int(time.time() * 1000) + 3_600_000),
        "redirect_url": "https://example.com/callback",
        "api_domain": "https://www.zohoapis.com",
    }


def populate(directory, size):
    """The same `size` tokens in a zts file, a sqlite3 file and a FileStore CSV; returns the three paths."""
    zts_path = os.path.join(directory, "tokens-%d.db" % size)
    with Store(zts_path, synchronous="normal") as store:  # fast fill; the bench reopens with defaults
        for n in range(1, size + 1):
            store.save(stored_token(n))
    sqlite_path = os.path.join(directory, "tokens-%d.sqlite" % size)
    baseline = CarefulSqliteStore(sqlite_path)
    with baseline._db:
        baseline._db.executemany(
            "INSERT INTO oauthtoken VALUES (%s)" % ", ".join("?" * 10),
            ([stored_token(n)[key] for key in TOKEN_FIELDS] for n in range(1, size + 1)),
        )
    baseline.close()
    csv_path = os.path.join(directory, "tokens-%d.csv" % size)
    FileStore(csv_path)  # writes the SDK's header
    with open(csv_path, "a", newline="") as file:  # rows as FileStore writes them (one by one takes minutes)
        writer = csv.writer(file)
        for n in range(1, size + 1):
            writer.writerow(["" if v is None else v for v in (stored_token(n)[key] for key in TOKEN_FIELDS)])
    return zts_path, sqlite_path, csv_path


class Sampler:
    """Times one call of a store at a time; the token objects are built outside the timing."""

    def __init__(self, size, rng):
        self.size = size
        self.rng = rng
        self.new_users = 0

    def sample(self, call, store):
        n = self.rng.randint(1, self.size)
        if call == "find_token":
            token = OAuthToken(user_signature=UserSignature(stored_token(n)["user_name"]))
            started = time.perf_counter()
            found = store.find_token(token)
            elapsed = time.perf_counter() - started
            assert found is token and token.get_id() == str(n), (call, store)
        elif call == "find_token_by_id":
            started = time.perf_counter()
            found = store.find_token_by_id(str(n))
            elapsed = time.perf_counter() - started
            assert found.get_user_signature().get_name() == stored_token(n)["user_name"], (call, store)
        elif call == "save_token":
            token = store.find_token_by_id(str(n))
            token.set_access_token("1000.refreshed.%d" % self.rng.getrandbits(64))
            token.set_expires_in(str(int(time.time() * 1000) + 3_600_000))
            started = time.perf_counter()
            store.save_token(token)
            elapsed = time.perf_counter() - started
        elif call == "delete_token":
            self.new_users += 1
            token = OAuthToken(
                client_id="1000.NEW", client_secret="s", refresh_token="1000.new.%d" % self.new_users,
                user_signature=UserSignature("new%d@example.com:1" % self.new_users),
            )
            token.set_access_token("1000.a")
            store.save_token(token)
            started = time.perf_counter()
            store.delete_token(token.get_id())
            elapsed = time.perf_counter() - started
        else:
            started = time.perf_counter()
            tokens = store.get_tokens()
            elapsed = time.perf_counter() - started
            assert len(tokens) == self.size, (call, store, len(tokens))
        return elapsed


def iterations(call, kind, size):
    if call == "get_tokens":
        return list_iterations(size) if kind != "FileStore" else max(3, FILESTORE_ITERATIONS[size] // 4)
    return FAST_ITERATIONS[call] if kind != "FileStore" else FILESTORE_ITERATIONS[size]


def format_duration(seconds):
    if seconds < 1e-3:
        return "%.1f µs" % (seconds * 1e6)
    return "%.2f ms" % (seconds * 1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="where to put the store files (default: a new temporary directory)")
    parser.add_argument("--sizes", default="10,1000,10000", help="token counts (default 10,1000,10000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds in which the stores take turns")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    rng = random.Random(7)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        for size in sizes:
            zts_path, sqlite_path, csv_path = populate(directory, size)
            stores = {
                "zts": ZohoTokenStore(zts_path),
                "sqlite3": CarefulSqliteStore(sqlite_path),
                "FileStore": FileStore(csv_path),
            }
            sampler = Sampler(size, rng)
            for call in CALLS:
                samples = {kind: [] for kind in stores}
                for _ in range(args.rounds):
                    for kind, store in stores.items():
                        count = iterations(call, kind, size)
                        for _ in range(min(3, count)):  # warm-up, untimed
                            sampler.sample(call, store)
                        samples[kind].extend(sampler.sample(call, store) for _ in range(count))
                rows.append((size, call, {kind: statistics.median(values) for kind, values in samples.items()}))
            stores["zts"].close()
            stores["sqlite3"].close()

    print("Command: %s %s" % (os.path.relpath(sys.executable), " ".join(sys.argv)))
    print("Library: %s" % os.path.relpath(LIBRARY_PATH))
    print(
        "Python %s, zts %s, SQLite %s (sqlite3 module), zohocrmsdk8-0 FileStore, %s, %d cores; medians over %d rounds"
        % (
            platform.python_version(),
            zoho_token_store.library_version(),
            sqlite3.sqlite_version,
            platform.machine(),
            os.cpu_count(),
            args.rounds,
        )
    )
    print()
    print("| tokens | call | zts | sqlite3 store | FileStore | zts ÷ sqlite3 | FileStore ÷ zts | target |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    missed = 0
    for size, call, medians in rows:
        zts, baseline, file = medians["zts"], medians["sqlite3"], medians["FileStore"]
        met = zts < file and zts <= 1.5 * baseline
        missed += not met
        print(
            "| %s | %s | %s | %s | %s | %.2f | %.1f× | %s |"
            % (
                format(size, ","),
                call,
                format_duration(zts),
                format_duration(baseline),
                format_duration(file),
                zts / baseline,
                file / zts,
                "met" if met else "MISSED",
            )
        )
    print()
    print("target (faster than FileStore, within 1.5x of the sqlite3 store): %d of %d met" % (len(rows) - missed, len(rows)))


if __name__ == "__main__":
    main()
