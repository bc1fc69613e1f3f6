"""The cross-language driver (xlang-driver, tests/xlang/PROTOCOL.md) answers each request line in order."""

import json
import os
import subprocess

DRIVER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "xlang-driver")


def run_driver(location, *requests):
    lines = "".join(json.dumps(request) + "\n" for request in requests)
    done = subprocess.run([DRIVER, str(location)], input=lines, capture_output=True, text=True, timeout=60)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def test_the_driver_answers_every_request_in_order(tmp_path):
    code, responses = run_driver(
        tmp_path / "tokens.db",
        {"op": "save", "token": {"user_name": "ü@x", "refresh_token": "RT1", "client_id": "c"}},
        {"op": "find", "token": {"user_name": "ü@x"}},
        {"op": "find_by_id", "id": "2"},
        {"op": "save", "json": '{"user_name": 5}'},
        {"op": "list"},
        {"op": "delete", "id": "1"},
        {"op": "purge"},
        {"op": "nonsense"},
        {"op": "version"},
    )
    assert code == 0
    statuses = [r["status"] for r in responses]
    assert statuses == [
        "ZTS_OK",
        "ZTS_OK",
        "ZTS_NOT_FOUND",
        "ZTS_INVALID_JSON",
        "ZTS_OK",
        "ZTS_OK",
        "ZTS_OK",
        "DRIVER_ERROR",
        "ZTS_OK",
    ]
    saved = responses[0]["result"]
    assert saved["id"] == "1" and saved["user_name"] == "ü@x" and len(saved) == 10
    assert responses[1]["result"] == saved
    assert "user_name" in responses[3]["error"] and responses[3]["result"] is None
    assert responses[4]["result"] == [saved]
    assert responses[5]["result"] is None and responses[5]["error"] is None
    assert responses[8]["result"].startswith("0.1.")


def test_a_store_that_cannot_open_gives_one_response_and_exit_1(tmp_path):
    code, responses = run_driver(tmp_path / "missing" / "tokens.db", {"op": "list"})
    assert code == 1
    assert [r["status"] for r in responses] == ["ZTS_IO"]
    assert "does not exist" in responses[0]["error"]
