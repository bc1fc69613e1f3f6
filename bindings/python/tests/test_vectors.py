"""Replays the shared vectors (tests/vectors/store.json, format in tests/vectors/README.md) through Store."""

import itertools
import json
import os

import pytest

from conftest import VECTORS
from zoho_token_store import TOKEN_FIELDS, Store, ZtsError

CASES = json.loads(VECTORS.read_text())["cases"]
_TABLES = itertools.count(1)


def vector_location():
    """":memory:", or with ZTS_MYSQL_URL (tests/mysql/bindings.sh) a new table on that server."""
    url = os.environ.get("ZTS_MYSQL_URL")
    return "%s?table=vectors_python_%d_%d" % (url, os.getpid(), next(_TABLES)) if url else ":memory:"


def run_step(store, step):
    """Runs one step; returns (status name, result as parsed JSON or None, error message or None)."""
    op = step["op"]
    try:
        if op in ("save", "find"):
            if "token" in step:
                # Store.save/find send the dict as its compact JSON text.
                result = getattr(store, op)(step["token"])
            else:
                result = json.loads(getattr(store, op + "_json")(step["json"]))
        elif op in ("find_by_id", "delete"):
            result = getattr(store, op)(step["id"])
        elif op in ("list", "purge"):
            result = getattr(store, op)()
        else:
            raise AssertionError("unknown op %r" % op)
    except ZtsError as error:
        return error.status_name, None, error.message
    return "ZTS_OK", result, None


def check_token(actual, expected, at):
    assert isinstance(actual, dict), at
    assert sorted(actual) == sorted(TOKEN_FIELDS), at
    for key in TOKEN_FIELDS:
        assert actual[key] == expected.get(key), "%s: key %s" % (at, key)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_shared_vector(case):
    with Store(vector_location()) as store:
        for number, step in enumerate(case["steps"], 1):
            at = "%s / step %d" % (case["name"], number)
            status, result, message = run_step(store, step)
            assert status == step["status"], "%s: error %r" % (at, message)
            if status != "ZTS_OK":
                assert message, at
                for text in step.get("error_contains", []):
                    assert text in message, "%s: %r lacks %r" % (at, message, text)
                for text in step.get("error_excludes", []):
                    assert text not in message, "%s: %r shows %r" % (at, message, text)
            if "result" in step:
                expected = step["result"]
                if isinstance(expected, list):
                    assert isinstance(result, list) and len(result) == len(expected), "%s: %r" % (at, result)
                    for actual_token, expected_token in zip(result, expected):
                        check_token(actual_token, expected_token, at)
                else:
                    check_token(result, expected, at)


def test_vectors_are_all_replayed():
    # Guards against an empty or misread vector file making the replay vacuous.
    assert len(CASES) >= 10
    assert sum(len(case["steps"]) for case in CASES) > 100
