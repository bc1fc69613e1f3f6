"""Cross-language checks over the drivers: the same store seen from every language, the same hostile
input refused alike by every language, and the busy timeout honoured by every language."""

import os
import re
import sqlite3
import threading
import time

from drivers import Driver, start_all, store_location

SECRET_FIELDS = ("client_secret", "refresh_token", "access_token", "grant_token")
FIELDS = (
    "id",
    "user_name",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expiry_time",
    "redirect_url",
    "api_domain",
)


class CheckFailed(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def ok(response, what):
    expect(response["status"] == "ZTS_OK", "%s: %s %s" % (what, response["status"], response["error"]))
    return response["result"]


def cross(languages, directory):
    """Each language saves a token that every other language finds (by user, by id, in the list) with
    identical JSON, then updates it, and the saver reads the update back."""
    path = store_location(directory, "cross")
    drivers = start_all(languages, path)
    pairs = 0
    try:
        for writer in languages:
            for reader in languages:
                user = "%s→%s ü@example.com:777" % (writer, reader)
                token = {
                    "user_name": user,
                    "client_id": "cid-" + writer,
                    "client_secret": "secret ✓ " + writer,
                    "refresh_token": "1000.rt.%s.%s" % (writer, reader),
                    "access_token": "1000.at.%s" % writer,
                    "expiry_time": "4102444839397",
                    "redirect_url": "http://localhost/cb?x='1'",
                    "api_domain": "http://127.0.0.1:1",
                }
                saved = ok(drivers[writer].call("save", token=token), "%s save" % writer)
                expect(all(saved[k] == v for k, v in token.items()), "%s: saved %r" % (writer, saved))
                found = ok(drivers[reader].call("find", token={"user_name": user}), "%s find" % reader)
                expect(found == saved, "%s found %r, %s saved %r" % (reader, found, writer, saved))
                by_id = ok(drivers[reader].call("find_by_id", id=saved["id"]), "%s find_by_id" % reader)
                expect(by_id == saved, "%s find_by_id %r != %r" % (reader, by_id, saved))
                change = {"id": saved["id"], "access_token": "1000.at.%s.by.%s" % (writer, reader),
                          "expiry_time": 4102444900000}
                updated = ok(drivers[reader].call("save", token=change), "%s update" % reader)
                expect(updated == dict(saved, access_token=change["access_token"], expiry_time="4102444900000"),
                       "%s update gave %r" % (reader, updated))
                back = ok(drivers[writer].call("find_by_id", id=saved["id"]), "%s reads back" % writer)
                expect(back == updated, "%s read back %r, %s wrote %r" % (writer, back, reader, updated))
                pairs += 1
        lists = {language: ok(d.call("list"), language + " list") for language, d in drivers.items()}
        reference = lists[languages[0]]
        expect(len(reference) == pairs, "list has %d tokens, expected %d" % (len(reference), pairs))
        for language, tokens in lists.items():
            expect(tokens == reference, "%s lists other tokens than %s" % (language, languages[0]))
    finally:
        for driver in drivers.values():
            driver.close()
    return "cross: %d writer→reader pairs over %d languages, identical JSON everywhere" % (pairs, len(languages))


HOSTILE = [
    "x' OR '1'='1",
    "'; DROP TABLE oauthtoken; --",
    "Robert'); DELETE FROM oauthtoken; --",
    "' UNION SELECT * FROM oauthtoken --",
    '" OR ""="',
    "1 OR 1=1",
    "%",
    "_",
    "*",
    "\\",
    "'",
    "''",
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "01",
    "1e3",
    "99999999999999999999999",
    "１",
    "🔑",
    "a\tb\nc\r",
    "\u202eevil",
    "\ufeff1",
    "\u0001\u001f",
    "a\u0000b",
    "null",
    "NaN",
    "A" * 65536,
    "A" * 65537,
    "\u00ff" * 40000,
]

VICTIMS = [
    {"user_name": "victim@example.com:777", "client_id": "cid", "client_secret": "victim-secret",
     "refresh_token": "1000.victim.refresh", "access_token": "1000.victim.access", "expiry_time": "4102444839397"},
    {"client_id": "cid", "client_secret": "victim-secret", "grant_token": "1000.victim.grant",
     "refresh_token": "1000.victim.refresh2"},
]


def battery():
    """The hostile requests: every string in every field of a save and a find, and as an id; also
    malformed token JSON given verbatim."""
    requests = []
    for value in HOSTILE:
        for field in FIELDS:
            token = {field: value}
            if field not in ("user_name", "refresh_token"):
                token["refresh_token"] = "1000.attacker"
            requests.append(("save", field, value, {"token": token}))
            requests.append(("find", field, value, {"token": {field: value}}))
        if "\u0000" not in value:  # an id is a C string: a NUL is refused by each binding in its own tests
            requests.append(("find_by_id", "id", value, {"id": value}))
            requests.append(("delete", "id", value, {"id": value}))
    for text in ['{"user_name":"\\ud800"}', '{"user_name":"a","user_name":"b"}', '{"id":1}', "[]", "{", "",
                 '{"refresh_token":"x"} trailing', '{"expiry_time":"12a"}', '{"expiry_time":-5}']:
        requests.append(("save", "json", text, {"json": text}))
        requests.append(("find", "json", text, {"json": text}))
    return requests


def comparable(response):
    """A response without the JSON position in its message: each language's JSON writer escapes
    non-ASCII differently (Python writes \\u00ff, C writes the UTF-8 bytes), so columns differ. On MySQL
    each language has its own table, which messages name: the name is left out too."""
    error = response["error"]
    if error:
        error = re.sub(r" at line \d+ column \d+$", "", error)
        error = re.sub(r"table xlang_\w+", "table T", error)
    return dict(response, error=error)


def hostile(languages, directory):
    """Every language runs the battery on its own copy of a store holding two victims. Every response
    must be the same in every language; no response may carry a victim's token; the victims must be
    unchanged afterwards; every refusal has a message, which never holds a whole secret value."""
    requests = battery()
    outcomes = {}
    for language in languages:
        driver = Driver(language, store_location(directory, "hostile-%s" % language))
        try:
            victims = [ok(driver.call("save", token=v), language + " victim") for v in VICTIMS]
            responses = [comparable(driver.call(op, **fields)) for op, _, _, fields in requests]
            after = [ok(driver.call("find_by_id", id=v["id"]), language + " victim after") for v in victims]
        finally:
            driver.close()
        expect(after == victims, "%s: a victim's token changed: %r" % (language, after))
        outcomes[language] = responses
    reference_language = languages[0]
    refused = 0
    for index, (op, field, value, _) in enumerate(requests):
        reference = outcomes[reference_language][index]
        what = "%s with %s=%r" % (op, field, value[:40])
        for language in languages[1:]:
            expect(outcomes[language][index] == reference,
                   "%s: %s answered %r, %s answered %r" % (what, language, outcomes[language][index],
                                                          reference_language, reference))
        result = reference["result"]
        returned = result if isinstance(result, list) else [result] if isinstance(result, dict) else []
        for token in returned:
            expect(not any(token.get(k) == v[k] for v in VICTIMS for k in v if k != "expiry_time"),
                   "%s returned a victim's token" % what)
        if reference["status"] != "ZTS_OK":
            refused += 1
            expect(reference["status"].startswith("ZTS_") and reference["error"], "%s: no clear refusal" % what)
            if field in SECRET_FIELDS and len(value) >= 12:
                expect(value not in reference["error"], "%s: the message shows the secret" % what)
    return "hostile: %d hostile requests x %d languages: identical answers, %d refused with a message, " \
           "victims untouched" % (len(requests), len(languages), refused)


def hold_write_lock(path, seconds, locked):
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    locked.set()
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


def contention(languages, directory):
    """Another connection holds the write lock. A save waits for it up to busy_timeout_ms and then
    succeeds; past the timeout it gets ZTS_BUSY with a message that says so, never earlier."""
    lines = []
    for language in languages:
        path = os.path.join(directory, "busy-%s.db" % language)
        Driver(language, path).close()  # creates the store
        for timeout_ms, hold_s, expected in ((3000, 0.3, "ZTS_OK"), (300, 1.5, "ZTS_BUSY")):
            driver = Driver(language, path, {"busy_timeout_ms": timeout_ms})
            locked = threading.Event()
            holder = threading.Thread(target=hold_write_lock, args=(path, hold_s, locked))
            holder.start()
            locked.wait()
            started = time.monotonic()
            response = driver.call("save", token={"user_name": "u", "access_token": "a"})
            waited = time.monotonic() - started
            holder.join()
            driver.close()
            expect(response["status"] == expected, "%s: %r with the lock held %.1f s" % (language, response, hold_s))
            if expected == "ZTS_BUSY":
                expect(waited >= timeout_ms / 1000 * 0.95, "%s: ZTS_BUSY after %.3f s" % (language, waited))
                expect("busy_timeout_ms=%d" % timeout_ms in response["error"], "%s: %r" % (language, response))
        lines.append(language)
    return "contention: %s wait up to busy_timeout_ms, then ZTS_BUSY naming it" % ", ".join(lines)
