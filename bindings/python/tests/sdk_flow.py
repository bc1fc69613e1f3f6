"""Runs one Zoho SDK token flow in a fresh process (the SDK's Initializer is global state).

Usage: python sdk_flow.py SPEC_JSON, where SPEC_JSON is an object with:
  store   "zts" (ZohoTokenStore) or "file" (the SDK's own FileStore, a CSV file)
  path    the store file
  port    the fake accounts server's port on 127.0.0.1
  token   OAuthToken keyword arguments; "user_signature" is a name, wrapped in UserSignature
  then    "get_token" (default) or "remove": what to call on the token after Initializer.initialize
Prints one JSON line: {"id", "access_token" or "removed", "errors"}, where errors are the messages the
SDK logged at ERROR level (Python's SDK only logs a failed save_token).
"""

import json
import logging
import sys

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

        store = ZohoTokenStore(spec["path"])
    else:
        store = FileStore(spec["path"])

    Initializer.initialize(environment=environment, token=token, store=store)
    result = {"id": token.get_id()}
    if spec.get("then", "get_token") == "get_token":
        result["access_token"] = token.get_token()
    else:
        result["removed"] = token.remove()
    result["errors"] = recorder.errors
    print(json.dumps(result))


if __name__ == "__main__":
    main()
