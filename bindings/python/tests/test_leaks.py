"""No native memory is leaked: owned strings are freed and a closed handle is released."""

from conftest import rss_bytes
from zoho_token_store import Store, ZtsError

# Measured growth is 0 here. Not freeing the token strings grows RSS by ~20 MB over the 100,000 calls,
# not freeing only the error messages of 100,000 refused calls by ~6 MB, not closing 10,000 handles by ~1 GB.
ALLOWED_GROWTH = 2 * 1024 * 1024  # bytes


def mixed_calls(store, count):
    """save, find, find_by_id and a missed find (an owned error message) in turn, on 100 users."""
    for n in range(count):
        user = n % 100
        step = n % 4
        if step == 0:
            store.save({"user_name": "user%d@example.com:777" % user, "access_token": "1000.%064d" % n})
        elif step == 1:
            store.find({"user_name": "user%d@example.com:777" % user})
        elif step == 2:
            store.find_by_id(str(user + 1))
        else:
            try:
                store.find({"user_name": "nobody%d" % user})
            except ZtsError:
                pass


def test_100000_calls_leave_rss_flat():
    with Store(":memory:") as store:
        for user in range(100):  # ids 1..100 exist before find_by_id is called
            store.save({"user_name": "user%d@example.com:777" % user, "access_token": "AT"})
        mixed_calls(store, 10_000)  # warm-up: SQLite's page cache, Python's allocator
        before = rss_bytes()
        mixed_calls(store, 100_000)
        growth = rss_bytes() - before
    assert growth < ALLOWED_GROWTH, "RSS grew by %d bytes" % growth


def test_error_messages_are_freed():
    with Store(":memory:") as store:
        store.save({"user_name": "user@example.com:777", "access_token": "AT"})

        def refused_calls(count):
            for n in range(count):
                try:
                    if n % 2:
                        store.find({"user_name": "nobody%d@example.com:777" % (n % 100)})
                    else:
                        store.find_by_id(str(n % 100 + 2))
                except ZtsError:
                    pass

        refused_calls(10_000)
        before = rss_bytes()
        refused_calls(100_000)
        growth = rss_bytes() - before
    assert growth < ALLOWED_GROWTH, "RSS grew by %d bytes" % growth


def test_closing_a_store_frees_its_handle():
    def open_and_close(count):
        for _ in range(count):
            store = Store(":memory:")
            store.save({"access_token": "AT"})
            store.close()

    open_and_close(1_000)
    before = rss_bytes()
    open_and_close(10_000)
    growth = rss_bytes() - before
    assert growth < ALLOWED_GROWTH, "RSS grew by %d bytes" % growth
