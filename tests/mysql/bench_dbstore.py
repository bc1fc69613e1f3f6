"""zts (through the Python binding's SDK TokenStore) next to the real SDK DBStore on the same MySQL
table, interleaved in rounds: find_token by user and save_token of a refresh, as the SDK calls them.
Run in the venv of tests/mysql/run.sh, inside tests/mysql/server.sh:
  bash tests/mysql/server.sh target/mysql-venv/bin/python tests/mysql/bench_dbstore.py"""

import statistics
import time

from dbstore_interop import dbstore, fresh_table, token, user_token, zts

TABLE = "bench_sdk"
USERS = 100
ROUNDS = 5
CALLS = 20


def timed(call):
    start = time.perf_counter()
    for n in range(CALLS):
        call(n)
    return (time.perf_counter() - start) / CALLS * 1e6


def main():
    fresh_table(TABLE, create_as_sdk=True)
    sdk = dbstore(TABLE)
    store = zts(TABLE)
    for n in range(1, USERS + 1):
        store.save_token(user_token("u%d@x" % n, "A%d" % n))
    operations = {
        "find_token (by user)": (
            lambda n: store.find_token(token(user_name="u%d@x" % (n % USERS + 1))),
            lambda n: sdk.find_token(token(user_name="u%d@x" % (n % USERS + 1))),
        ),
        "save_token (refresh)": (
            lambda n: store.save_token(token(user_name="u%d@x" % (n % USERS + 1), access_token="Z%d" % n,
                                             expiry_time="1795350239397")),
            lambda n: sdk.save_token(token(user_name="u%d@x" % (n % USERS + 1), access_token="S%d" % n,
                                           expiry_time="1795350239397")),
        ),
    }
    print("| SDK call | zts µs/call | DBStore µs/call | DBStore/zts |")
    print("| --- | ---: | ---: | ---: |")
    for name, (with_zts, with_sdk) in operations.items():
        z, s = [], []
        for _ in range(ROUNDS):
            z.append(timed(with_zts))
            s.append(timed(with_sdk))
        zm, sm = statistics.median(z), statistics.median(s)
        print("| %s | %.0f | %.0f | %.1f |" % (name, zm, sm, sm / zm))
    store.close()


if __name__ == "__main__":
    main()
