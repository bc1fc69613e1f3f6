"""The real Zoho SDK (zohocrmsdk8-0 7.0.0) driving ZohoTokenStore against the fake accounts server.

Each SDK run is a new Python process (sdk_flow.py): the SDK's Initializer is global. Every flow runs
twice, with ZohoTokenStore and with the SDK's own FileStore, each against its own fresh fake server;
the same assertions hold for both, and both must end with the same logical tokens. With ZTS_MYSQL_URL
set (tests/mysql/run.sh), ZohoTokenStore keeps its tokens in a new table on that MySQL server.
"""

import csv
import os
import time
import uuid
from urllib.parse import parse_qs

from conftest import run_sdk_flow
from zoho_token_store import TOKEN_FIELDS, Store

GRANT = {
    "client_id": "cid",
    "client_secret": "csec",
    "grant_token": "GT1",
    "redirect_url": "http://localhost/cb",
    "find_user": False,
}
BY_ID = {"id": "1", "find_user": False}
HOUR_MS = 3600 * 1000


class Flow:
    """One store (zts or the SDK's FileStore), its fake server, and the SDK runs against them."""

    def __init__(self, kind, directory, server):
        directory.mkdir()
        self.kind, self.server = kind, server
        self.directory = directory
        self.path = directory / ("tokens.db" if kind == "zts" else "tokens.csv")
        if kind == "zts" and os.environ.get("ZTS_MYSQL_URL"):
            self.path = "%s?table=e2e_%s" % (os.environ["ZTS_MYSQL_URL"], uuid.uuid4().hex[:12])
        self.seen_requests = 0

    def run(self, token, then="get_token"):
        result = run_sdk_flow(self.kind, self.path, self.server, token, then, cwd=self.directory)
        assert result["errors"] == [], result  # the SDK only logs a failed save_token
        return result

    def new_requests(self):
        """The requests the server got since the last call."""
        requests = self.server.requests()
        new, self.seen_requests = requests[self.seen_requests :], len(requests)
        return new

    def tokens(self):
        """The stored tokens as zts dicts, with this server's URL replaced by "BASE"."""
        if self.kind == "zts":
            with Store(self.path) as store:
                tokens = store.list()
        else:
            with open(self.path, newline="") as file:
                rows = list(csv.reader(file))[1:]
            tokens = [{key: value or None for key, value in zip(TOKEN_FIELDS, row)} for row in rows if row]
        for token in tokens:
            if token["api_domain"]:
                token["api_domain"] = token["api_domain"].replace(self.server.base_url, "BASE")
        return tokens

    def expire(self, id):
        """Writes expiry_time "1000" (long past) into the stored token, outside the SDK."""
        if self.kind == "zts":
            with Store(self.path) as store:
                store.save({"id": id, "expiry_time": "1000"})
        else:
            with open(self.path, newline="") as file:
                rows = list(csv.reader(file))
            for row in rows[1:]:
                if row and row[0] == id:
                    row[7] = "1000"
            with open(self.path, "w", newline="") as file:
                csv.writer(file).writerows(rows)


def post_form(request):
    assert request["method"] == "POST" and request["path"] == "/oauth/v2/token", request
    return {key: values[0] for key, values in parse_qs(request["body"]).items()}


def assert_expires_in_an_hour(expiry_time, started_ms):
    assert started_ms + HOUR_MS <= int(expiry_time) <= int(time.time() * 1000) + HOUR_MS


def run_both(tmp_path, start_fake_accounts, steps):
    """Runs `steps(flow)` for zts and for FileStore; checks both end with the same logical tokens."""
    ends = {}
    for kind in ("zts", "file"):
        flow = Flow(kind, tmp_path / kind, start_fake_accounts())
        steps(flow)
        ends[kind] = flow.tokens()
    assert_same_logical_tokens(ends["zts"], ends["file"])
    return ends["zts"]


def assert_same_logical_tokens(zts_tokens, file_tokens):
    """The same rows, fields set alike and equal, except an expiry that the clock made differ.

    Access tokens come from each run's own fresh server counter, so they are deterministic and compared
    exactly; an expiry is now + 1 h at the moment of the exchange, so two runs may differ by seconds."""
    assert len(zts_tokens) == len(file_tokens), (zts_tokens, file_tokens)
    for zts_token, file_token in zip(zts_tokens, file_tokens):
        assert [key for key in TOKEN_FIELDS if zts_token[key] is not None] == [
            key for key in TOKEN_FIELDS if file_token[key] is not None
        ], (zts_token, file_token)
        for key in TOKEN_FIELDS:
            if key == "expiry_time" and zts_token[key] != file_token[key]:
                assert abs(int(zts_token[key]) - int(file_token[key])) < 60 * 1000, (zts_token, file_token)
            else:
                assert zts_token[key] == file_token[key], (key, zts_token, file_token)


def grant_exchange(flow, find_user=False):
    started_ms = int(time.time() * 1000)
    result = flow.run(dict(GRANT, find_user=find_user))
    assert (result["id"], result["access_token"]) == ("1", "AT1")
    requests = flow.new_requests()
    assert post_form(requests[0]) == {
        "client_id": "cid",
        "client_secret": "csec",
        "redirect_uri": "http://localhost/cb",
        "grant_type": "authorization_code",
        "code": "GT1",
    }
    [token] = flow.tokens()
    assert_expires_in_an_hour(token["expiry_time"], started_ms)
    assert token == {
        "id": "1",
        "user_name": "user@example.com:777" if find_user else None,
        "client_id": "cid",
        "client_secret": "csec",
        "refresh_token": "RT1",
        "access_token": "AT1",
        "grant_token": "GT1",
        "expiry_time": token["expiry_time"],
        "redirect_url": "http://localhost/cb",
        "api_domain": "BASE",
    }
    return requests, token


def test_a_grant_exchange_saves_the_token_with_id_1(tmp_path, start_fake_accounts):
    def steps(flow):
        requests, _ = grant_exchange(flow)
        assert len(requests) == 1

    run_both(tmp_path, start_fake_accounts, steps)


def test_a_new_process_finds_the_token_by_id_without_http(tmp_path, start_fake_accounts):
    def steps(flow):
        _, saved = grant_exchange(flow)
        result = flow.run(BY_ID)
        assert (result["id"], result["access_token"]) == ("1", "AT1")
        assert flow.new_requests() == []
        assert flow.tokens() == [saved]

    run_both(tmp_path, start_fake_accounts, steps)


def test_an_expired_token_is_refreshed_and_saved(tmp_path, start_fake_accounts):
    def steps(flow):
        _, saved = grant_exchange(flow)
        flow.expire("1")
        started_ms = int(time.time() * 1000)
        result = flow.run(BY_ID)
        assert (result["id"], result["access_token"]) == ("1", "AT2")
        [refresh] = flow.new_requests()
        assert post_form(refresh) == {
            "client_id": "cid",
            "client_secret": "csec",
            "grant_type": "refresh_token",
            "refresh_token": "RT1",
        }
        [token] = flow.tokens()
        assert_expires_in_an_hour(token["expiry_time"], started_ms)
        assert token == dict(saved, access_token="AT2", expiry_time=token["expiry_time"])

    run_both(tmp_path, start_fake_accounts, steps)


def test_the_user_signature_flow(tmp_path, start_fake_accounts):
    def steps(flow):
        requests, saved = grant_exchange(flow, find_user=True)
        assert [(r["method"], r["path"].split("?")[0]) for r in requests[1:]] == [
            ("GET", "/crm/v8/users"),
            ("GET", "/crm/v8/org"),
        ]
        result = flow.run({"user_signature": "user@example.com:777"})
        assert (result["id"], result["access_token"]) == ("1", "AT1")
        assert flow.new_requests() == []
        assert flow.tokens() == [saved]

    tokens = run_both(tmp_path, start_fake_accounts, steps)
    assert tokens[0]["user_name"] == "user@example.com:777"


def test_the_access_token_only_flow_saves_one_row(tmp_path, start_fake_accounts):
    def steps(flow):
        expected = [dict({key: None for key in TOKEN_FIELDS}, id="1", access_token="ATX", api_domain="BASE")]
        for _ in range(2):
            result = flow.run({"access_token": "ATX", "find_user": False})
            assert (result["id"], result["access_token"]) == ("1", "ATX")
            assert flow.tokens() == expected
        assert flow.new_requests() == []

    run_both(tmp_path, start_fake_accounts, steps)


def test_remove_deletes_the_row(tmp_path, start_fake_accounts):
    def steps(flow):
        grant_exchange(flow)
        result = flow.run(BY_ID, then="remove")
        assert result["removed"] is True
        assert flow.tokens() == []
        assert flow.new_requests() == []

    run_both(tmp_path, start_fake_accounts, steps)


def test_a_refresh_token_token_finds_the_granted_row_without_http(tmp_path, start_fake_accounts):
    def steps(flow):
        _, saved = grant_exchange(flow)
        result = flow.run(
            {"client_id": "cid", "client_secret": "csec", "refresh_token": "RT1", "find_user": False}
        )
        assert (result["id"], result["access_token"]) == ("1", "AT1")
        assert flow.new_requests() == []
        assert flow.tokens() == [saved]

    run_both(tmp_path, start_fake_accounts, steps)
