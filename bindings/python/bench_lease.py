"""Benchmark: what refresh coordination costs a find of a token that is not due, through the SDK.

    bindings/python/.venv/bin/python bindings/python/bench_lease.py

(the venv is the one bindings/python/run_tests.sh builds). One store file of N tokens (N = 10 and
10,000), two ZohoTokenStore handles on it: "on" with the default options (refresh coordination on) and
"off" with refresh_lease_ms 0 (the find of zts before leases). The SDK's find_token_by_id and find_token
of random stored users, in alternating rounds; medians of the rounds. Prints a Markdown table.
"""

import os
import random
import statistics
import tempfile
import time

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

from zoho_token_store import Store, ZohoTokenStore

SIZES = (10, 10_000)
ROUNDS = 21
CALLS_PER_ROUND = 2000


def fill(path, n):
    with Store(path, synchronous="normal") as store:
        for k in range(1, n + 1):
            store.save({
                "user_name": "user%d@example.com:777" % k, "client_id": "1000.CID", "client_secret": "csec",
                "refresh_token": "1000.rt%d" % k, "access_token": "1000.at%d" % k,
                "expiry_time": "4102444839397", "api_domain": "https://www.zohoapis.com",
            })


def round_us(call, n, rng):
    args = [rng.randint(1, n) for _ in range(CALLS_PER_ROUND)]
    started = time.perf_counter()
    for k in args:
        call(k)
    return (time.perf_counter() - started) / CALLS_PER_ROUND * 1e6


def main():
    print("| tokens | SDK call | on µs/call | off µs/call | on/off |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            path = os.path.join(tmp, "tokens-%d.db" % n)
            fill(path, n)
            on, off = ZohoTokenStore(path), ZohoTokenStore(path, refresh_lease_ms=0)
            calls = {
                "find_token_by_id": lambda store: lambda k: store.find_token_by_id(str(k)),
                "find_token": lambda store: lambda k: store.find_token(
                    OAuthToken(user_signature=UserSignature("user%d@example.com:777" % k))),
            }
            for name, make in calls.items():
                samples = {"on": [], "off": []}
                for r in range(ROUNDS):
                    for label, store in (("on", on), ("off", off)) if r % 2 else (("off", off), ("on", on)):
                        samples[label].append(round_us(make(store), n, random.Random(r)))
                a, b = statistics.median(samples["on"]), statistics.median(samples["off"])
                print("| %d | %s | %.1f | %.1f | %.3f |" % (n, name, a, b, a / b))
            on.close()
            off.close()


if __name__ == "__main__":
    main()
