"""Runs one Zoho SDK token flow in a fresh process (the SDK's Initializer is global state).

Usage: python sdk_flow.py SPEC_JSON, where SPEC_JSON is an object with:
  store   "zts" (ZohoTokenStore) or "file" (the SDK's own FileStore, a CSV file)
  path    the store file
  port    the fake accounts server's port on 127.0.0.1
  token   OAuthToken keyword arguments; "user_signature" is a name, wrapped in UserSignature
  then    "get_token" (default) or "remove": what to call on the token after Initializer.initialize
  loop    optional {"stop_file", "pause_ms"}: then call get_token again and again (tests/refresh)
Prints one JSON line: {"id", "access_token" or "removed", "errors"}, where errors are the messages the
SDK logged at ERROR level (Python's SDK only logs a failed save_token). With "loop": "READY" once
initialized, then get_token every pause_ms until stop_file exists, then one JSON line {"last", "calls",
"errors", "max_ms"} (the last access token, and the longest get_token). ZTS_REFRESH_LEASE_MS, when
set, is passed to the store as refresh_lease_ms.
"""

import json
import logging
import os
import sys
import time

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store import FileStore
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature


class ErrorRecorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors = []

    def emit(self, record):
        # The SDK logs with arguments its message has no placeholder for, so do not format.
        self.errors.append(" ".join(str(part) for part in (record.msg,) + tuple(record.args or ())))


def main():
    spec = json.loads(sys.argv[1])
    recorder = ErrorRecorder()
    logging.getLogger("SDKLogger").addHandler(recorder)

    base = "http://127.0.0.1:%d" % spec["port"]
    environment = DataCenter.Environment(base, base + "/oauth/v2/token", base)
    kwargs = dict(spec["token"])
    if "user_signature" in kwargs:
        kwargs["user_signature"] = UserSignature(kwargs["user_signature"])
    token = OAuthToken(**kwargs)
    if spec["store"] == "zts":
        from zoho_token_store import ZohoTokenStore

        lease = os.environ.get("ZTS_REFRESH_LEASE_MS")
        store = ZohoTokenStore(spec["path"], **({"refresh_lease_ms": int(lease)} if lease else {}))
    else:
        store = FileStore(spec["path"])

    Initializer.initialize(environment=environment, token=token, store=store)
    if "loop" in spec:
        loop(token, spec["loop"], recorder)
        return
    result = {"id": token.get_id()}
    if spec.get("then", "get_token") == "get_token":
        result["access_token"] = token.get_token()
    else:
        result["removed"] = token.remove()
    result["errors"] = recorder.errors
    print(json.dumps(result))


def loop(token, spec, recorder):
    print("READY", flush=True)
    result = {"last": None, "calls": 0, "errors": 0, "max_ms": 0}
    while not os.path.exists(spec["stop_file"]):
        started = time.monotonic()
        try:
            result["last"] = token.get_token()
        except Exception as error:  # the SDK's errors, counted and shown
            result["errors"] += 1
            print("get_token: %s" % error, file=sys.stderr, flush=True)
        result["calls"] += 1
        result["max_ms"] = max(result["max_ms"], round((time.monotonic() - started) * 1000))
        time.sleep(spec["pause_ms"] / 1000)
    result["errors"] += len(recorder.errors)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
