"""Benchmark: the SDK's find_token and save_token through ZohoTokenStore, next to the SDK's FileStore.

    bindings/python/.venv/bin/python bindings/python/bench.py [--dir DIR]

(the venv is the one bindings/python/run_tests.sh builds). Both stores hold the same N tokens (user
tokens with a UserSignature, as the SDK saves them with find_user on) for N = 10, 1,000 and 10,000.
- find_token: a new OAuthToken(user_signature=...) of a random stored user, as the SDK's get_token
  passes it; the store fills it in.
- save_token: a token fetched with find_token_by_id, given a new access token and expiry, as the SDK
  saves a refreshed token (matched by its id).
Each cell is the median of one call (the token objects are built outside the timing). zts runs with its
defaults: synchronous "auto", so a refresh is saved without an fsync (still safe against a killed
process; FileStore never syncs); the extra column saves with synchronous "full", an fsync per save.
FileStore at 10,000 rows takes 10-100+ ms per call, so it gets fewer iterations. Prints a Markdown table.
"""

import argparse
import csv
import os
import platform
import random
import statistics
import sys
import tempfile
import time

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store import FileStore
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

import zoho_token_store
from zoho_token_store import TOKEN_FIELDS, Store, ZohoTokenStore

SIZES = (10, 1_000, 10_000)
ZTS_ITERATIONS = {"find_token": 2_000, "save_token": 300}
FILESTORE_ITERATIONS = {10: 300, 1_000: 60, 10_000: 10}


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
    """Writes the same `size` tokens into a zts file and a FileStore CSV; returns both stores."""
    zts_path = os.path.join(directory, "tokens-%d.db" % size)
    with Store(zts_path, synchronous="normal") as store:  # fast fill; the bench reopens with defaults
        for n in range(1, size + 1):
            store.save(stored_token(n))
    csv_path = os.path.join(directory, "tokens-%d.csv" % size)
    file_store = FileStore(csv_path)  # writes the SDK's header
    with open(
        csv_path, "a", newline=""
    ) as file:  # rows as FileStore writes them (saving 10,000 one by one takes minutes)
        writer = csv.writer(file)
        for n in range(1, size + 1):
            writer.writerow(["" if v is None else v for v in (stored_token(n)[key] for key in TOKEN_FIELDS)])
    return zts_path, file_store


def median_call(operation, store, size, iterations, rng):
    """The median duration of one `operation` call, in seconds (after a few untimed calls)."""
    durations = []
    warm_up = min(iterations // 10, 20)
    for _ in range(warm_up + iterations):
        n = rng.randint(1, size)
        if operation == "find_token":
            token = OAuthToken(user_signature=UserSignature(stored_token(n)["user_name"]))
            started = time.perf_counter()
            found = store.find_token(token)
            durations.append(time.perf_counter() - started)
            assert found is token and token.get_id() == str(n)
        else:
            token = store.find_token_by_id(str(n))
            token.set_access_token("1000.refreshed.%d" % rng.getrandbits(64))
            token.set_expires_in(str(int(time.time() * 1000) + 3_600_000))
            started = time.perf_counter()
            store.save_token(token)
            durations.append(time.perf_counter() - started)
    return statistics.median(durations[warm_up:])


def format_duration(seconds):
    if seconds < 1e-3:
        return "%.1f µs" % (seconds * 1e6)
    return "%.2f ms" % (seconds * 1e3)


def format_ratio(ratio):
    return ("%.1f×" if ratio < 10 else "%.0f×") % ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="where to put the store files (default: a new temporary directory)")
    args = parser.parse_args()
    rng = random.Random(7)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        for size in SIZES:
            zts_path, file_store = populate(directory, size)
            with ZohoTokenStore(zts_path) as zts_store, ZohoTokenStore(zts_path, synchronous="full") as full:
                for operation in ("find_token", "save_token"):
                    zts = median_call(operation, zts_store, size, ZTS_ITERATIONS[operation], rng)
                    zts_full = None
                    if operation == "save_token":
                        zts_full = median_call(operation, full, size, ZTS_ITERATIONS[operation], rng)
                    file = median_call(operation, file_store, size, FILESTORE_ITERATIONS[size], rng)
                    rows.append((size, operation, zts, zts_full, file))

    print("Command: %s %s" % (os.path.relpath(sys.executable), " ".join(sys.argv)))
    print(
        "Python %s, zts %s, zohocrmsdk8-0 FileStore, %s; zts iterations %s, FileStore iterations %s"
        % (
            platform.python_version(),
            zoho_token_store.library_version(),
            platform.machine(),
            ZTS_ITERATIONS,
            FILESTORE_ITERATIONS,
        )
    )
    print()
    print(
        "| tokens | operation | ZohoTokenStore (zts) | SDK FileStore | FileStore / zts | zts, synchronous full |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for size, operation, zts, zts_full, file in rows:
        print(
            "| %s | %s | %s | %s | %s | %s |"
            % (
                format(size, ","),
                operation,
                format_duration(zts),
                format_duration(file),
                format_ratio(file / zts),
                format_duration(zts_full) if zts_full is not None else "",
            )
        )


if __name__ == "__main__":
    main()
