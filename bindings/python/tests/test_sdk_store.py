"""ZohoTokenStore against the SDK's own OAuthToken objects, in process and without HTTP."""

import pytest

from zoho_token_store import Store, ZohoTokenStore, ZtsError

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore
from zohocrmsdk.src.com.zoho.crm.api.exception.sdk_exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

STORED = {
    "user_name": "user@example.com:777",
    "client_id": "cid",
    "client_secret": "csec",
    "refresh_token": "RT1",
    "access_token": "AT1",
    "grant_token": "GT1",
    "expiry_time": "4102444839397",
    "redirect_url": "http://localhost/cb",
    "api_domain": "http://127.0.0.1:18081",
}


def fields(token):
    """The ten fields of an OAuthToken, by zts key."""
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


@pytest.fixture
def store():
    with ZohoTokenStore(":memory:") as opened:
        yield opened


@pytest.fixture
def stored(store):
    """The store holding STORED as id "1"."""
    store.store.save(STORED)
    return store


def test_it_is_the_sdk_token_store():
    assert issubclass(ZohoTokenStore, TokenStore)


def test_save_token_writes_the_assigned_id_back(store):
    token = OAuthToken(client_id="cid", client_secret="csec", grant_token="GT1", find_user=False)
    token.set_access_token("AT1")
    store.save_token(token)
    assert token.get_id() == "1"
    assert store.store.find_by_id("1")["grant_token"] == "GT1"
    second = OAuthToken(access_token="ATX", find_user=False)
    store.save_token(second)
    assert second.get_id() == "2"


def test_save_token_maps_all_ten_fields_both_ways(store):
    token = OAuthToken(
        client_id="cid",
        client_secret="csec",
        grant_token="GT1",
        refresh_token="RT1",
        redirect_url="http://localhost/cb",
        access_token="AT1",
        user_signature=UserSignature("user@example.com:777"),
        api_domain="http://127.0.0.1:18081",
        find_user=False,
    )
    token.set_expires_in("4102444839397")
    store.save_token(token)
    assert store.store.find_by_id("1") == dict(STORED, id="1")
    found = store.find_token_by_id("1")
    assert fields(found) == dict(STORED, id="1")


def test_save_token_of_a_refreshed_token_updates_its_row(stored):
    token = stored.find_token_by_id("1")
    token.set_access_token("AT2")
    token.set_expires_in("4102444899999")
    stored.save_token(token)
    assert stored.store.list() == [dict(STORED, id="1", access_token="AT2", expiry_time="4102444899999")]


def test_find_token_fills_only_the_empty_fields_of_the_given_token(stored):
    token = OAuthToken(
        client_id="cid", client_secret="csec", refresh_token="RT1", redirect_url="http://mine/cb"
    )
    assert stored.find_token(token) is token
    assert fields(token) == dict(STORED, id="1", redirect_url="http://mine/cb")


def test_find_token_by_user_signature(stored):
    token = OAuthToken(user_signature=UserSignature("user@example.com:777"))
    assert stored.find_token(token) is token
    assert fields(token) == dict(STORED, id="1")


def test_find_token_returns_none_on_a_miss_and_leaves_the_token_alone(stored):
    token = OAuthToken(user_signature=UserSignature("other@example.com:1"))
    assert stored.find_token(token) is None
    assert fields(token)["access_token"] is None


@pytest.mark.parametrize(
    "token",
    [
        OAuthToken(id="1"),  # what the SDK's revoke() passes
        OAuthToken(id="1", refresh_token="RT1"),  # a refresh token without client credentials
    ],
    ids=["id only", "nothing matchable"],
)
def test_find_token_never_matches_by_id(stored, token):
    assert stored.find_token(token) is None
    assert fields(token)["access_token"] is None


def test_find_token_by_id_returns_a_new_token(stored):
    first, second = stored.find_token_by_id("1"), stored.find_token_by_id("1")
    assert isinstance(first, OAuthToken) and first is not second
    assert fields(first) == dict(STORED, id="1")


def test_find_token_by_id_of_an_unknown_id_raises_sdk_exception(stored):
    with pytest.raises(SDKException) as raised:
        stored.find_token_by_id("2")
    error = raised.value
    assert error.code == "TOKEN_STORE"
    assert "ZTS_NOT_FOUND" in str(error) and "find_token_by_id" in str(error)
    assert isinstance(error.cause, ZtsError) and error.cause.status_name == "ZTS_NOT_FOUND"


def test_delete_token(stored):
    with pytest.raises(SDKException, match="ZTS_NOT_FOUND") as raised:
        stored.delete_token("2")
    assert raised.value.code == "TOKEN_STORE"
    stored.delete_token("1")
    assert stored.store.list() == []


def test_get_tokens_and_delete_tokens(stored):
    stored.store.save({"access_token": "ATX"})
    tokens = stored.get_tokens()
    assert all(isinstance(token, OAuthToken) for token in tokens)
    assert [fields(token) for token in tokens] == [
        dict(STORED, id="1"),
        dict({key: None for key in STORED}, id="2", access_token="ATX"),
    ]
    stored.delete_tokens()
    assert stored.get_tokens() == []


def test_tokens_that_are_not_oauth_tokens_are_ignored(stored):
    other = object()
    assert stored.find_token(other) is other
    stored.save_token(other)
    assert len(stored.store.list()) == 1


def test_a_refused_save_raises_sdk_exception_with_the_status(store):
    token = OAuthToken(id="1", find_user=False)  # nothing to store
    with pytest.raises(SDKException, match="ZTS_INVALID_TOKEN") as raised:
        store.save_token(token)
    assert raised.value.code == "TOKEN_STORE"


def test_open_and_closed_store_failures_raise_sdk_exception(tmp_path):
    with pytest.raises(SDKException, match="ZTS_IO") as raised:
        ZohoTokenStore(tmp_path / "missing" / "tokens.db")
    assert raised.value.code == "TOKEN_STORE"
    store = ZohoTokenStore(tmp_path / "tokens.db")
    store.close()
    with pytest.raises(SDKException, match="closed"):
        store.get_tokens()


def test_no_secret_in_repr_or_errors(stored):
    assert repr(stored) == "ZohoTokenStore(':memory:')"
    with pytest.raises(SDKException) as raised:
        stored.save_token(OAuthToken(id="9", client_id="cid", client_secret="csec"))
    assert "csec" not in str(raised.value)


def test_a_store_file_is_shared_with_the_store_layer(tmp_path):
    path = tmp_path / "tokens.db"
    with ZohoTokenStore(path) as store:
        store.save_token(OAuthToken(access_token="ATX", find_user=False))
    with Store(path) as plain:
        assert plain.find({"access_token": "ATX"})["id"] == "1"


def test_find_token_does_not_query_the_store_for_an_id_only_token():
    store = ZohoTokenStore(":memory:")
    store.close()  # any query would now fail
    assert store.find_token(OAuthToken(id="1")) is None
    with pytest.raises(SDKException, match="closed"):
        store.find_token(OAuthToken(access_token="ATX"))
