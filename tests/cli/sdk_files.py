"""The real Python SDK's side of tests/cli/sdk_round_trip.sh.

Usage: python sdk_files.py COMMAND PATH
  write PATH   the SDK's own FileStore saves three tokens (expiring in an hour) to the CSV file PATH
  read PATH    the SDK's own FileStore reads the CSV file PATH
  zts PATH     the zts store PATH through the binding (ZohoTokenStore): get_tokens and find_token_by_id
  flow PATH    as zts, then for every token with client credentials, Initializer.initialize and
               get_token with only its id: the stored access token, found without any HTTP call (the
               accounts URL is a closed port on 127.0.0.1, so a refresh would fail)
Prints the tokens as one JSON array of ten-key objects, sorted by id.
"""

import json
import sys
import time

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store import FileStore
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature


def fields(token):
    signature = token.get_user_signature()
    return {
        "id": token.get_id(),
        "user_name": signature.get_name() if signature is not None else None,
        "client_id": token.get_client_id(),
        "client_secret": token.get_client_secret(),
        "refresh_token": token.get_refresh_token(),
        "access_token": token.get_access_token(),
        "grant_token": token.get_grant_token(),
        "expiry_time": token.get_expires_in(),
        "redirect_url": token.get_redirect_url(),
        "api_domain": token.get_api_domain(),
    }


def write(path):
    expiry = str(int(time.time() * 1000) + 3600 * 1000)
    store = FileStore(path)
    full = OAuthToken(
        client_id="1000.PYCLIENT",
        client_secret="pySeCrEt0123456789abcdef",
        grant_token="1000.pygrantSeCrEt0123456789",
        refresh_token="1000.pyrefreshSeCrEt0123456789",
        redirect_url="http://localhost/cb",
        user_signature=UserSignature("py@example.com:777"),
        api_domain="https://www.zohoapis.com",
        find_user=False,
    )
    second = OAuthToken(
        client_id="1000.PYCLIENT",
        client_secret="pySeCrEt0123456789abcdef",
        refresh_token="1000.py2refreshSeCrEt0123456789",
        user_signature=UserSignature("py2@example.com:777"),
        api_domain="https://www.zohoapis.eu",
        find_user=False,
    )
    only_access = OAuthToken(access_token="1000.pyonlyaccessSeCrEt0123456789", find_user=False)
    for n, token in enumerate((full, second)):
        token.set_access_token("1000.py%daccessSeCrEt0123456789" % n)
        token.set_expires_in(expiry)
    for token in (full, second, only_access):
        store.save_token(token)


def as_json(tokens):
    rows = [fields(t) for t in tokens]
    rows.sort(key=lambda r: int(r["id"]))
    return json.dumps(rows)


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "write":
        write(path)
        return
    if command == "read":
        print(as_json(FileStore(path).get_tokens()))
        return
    from zoho_token_store import ZohoTokenStore

    store = ZohoTokenStore(path)
    tokens = store.get_tokens()
    assert [fields(store.find_token_by_id(t.get_id())) for t in tokens] == [fields(t) for t in tokens]
    if command == "flow":
        from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
        from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer

        closed = "http://127.0.0.1:9"
        environment = DataCenter.Environment(closed, closed + "/oauth/v2/token", closed)
        for stored in tokens:
            if stored.get_client_id() is None:
                continue
            token = OAuthToken(id=stored.get_id())
            Initializer.initialize(environment=environment, token=token, store=store)
            assert token.get_token() == stored.get_access_token(), stored.get_id()
    print(as_json(tokens))


if __name__ == "__main__":
    main()
