"""`ZohoTokenStore`: a TokenStore of the Zoho CRM Python SDK (zohocrmsdk8-0) backed by zts.

    from zoho_token_store import ZohoTokenStore
    Initializer.initialize(environment=env, token=token, store=ZohoTokenStore("tokens.db"))

Only the mapping between the SDK's OAuthToken objects and zts tokens (their ten values, packed by
`Store.*_values` without JSON) is done here; matching,
merging and ids are zts's (the SDK FileStore rules, see the repository README). Importing this
module imports the SDK; `import zoho_token_store` alone does not.
"""

try:
    from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
    from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore
    from zohocrmsdk.src.com.zoho.crm.api.exception.sdk_exception import SDKException
    from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature
    from zohocrmsdk.src.com.zoho.crm.api.util.constants import Constants
except ModuleNotFoundError as missing:
    if not (missing.name or "").startswith("zohocrmsdk"):
        raise
    raise ModuleNotFoundError(
        "zoho_token_store.ZohoTokenStore needs the Zoho CRM Python SDK (module zohocrmsdk), which is not "
        "installed: install the package with its [sdk] extra (pip install 'zoho-token-store[sdk]', or "
        "'./bindings/python[sdk]' from the zts repository), or install zohocrmsdk8-0 itself. The Store "
        "layer (zoho_token_store.Store) works without it.",
        name=missing.name,
    ) from missing

from .store import INVALID_TOKEN, NOT_FOUND, TOKEN_FIELDS, Store, ZtsError

# (OAuthToken getter, setter) of each zts key, in TOKEN_FIELDS order. expiry_time is the SDK's
# expires_in (an absolute time, epoch ms as a string). user_name is the UserSignature's name.
_ACCESSORS = (
    ("get_id", "set_id"),
    ("get_user_signature", "set_user_signature"),
    ("get_client_id", "set_client_id"),
    ("get_client_secret", "set_client_secret"),
    ("get_refresh_token", "set_refresh_token"),
    ("get_access_token", "set_access_token"),
    ("get_grant_token", "set_grant_token"),
    ("get_expires_in", "set_expires_in"),
    ("get_redirect_url", "set_redirect_url"),
    ("get_api_domain", "set_api_domain"),
)
_USER_NAME = TOKEN_FIELDS.index("user_name")

# What the Store layer raises: a refused call, a closed store, an argument of the wrong type.
_STORE_ERRORS = (ZtsError, ValueError, TypeError)


def _attribute_names():
    """The instance attribute each OAuthToken setter writes and its getter reads, in TOKEN_FIELDS order,
    found once by calling them on a blank token; None if any accessor does more than that (then they
    are called).

    The SDK's accessors each read or write one private attribute. Reading and writing those attributes
    directly makes a call through this store several times cheaper than ten getter or setter calls."""
    names = []
    for getter, setter in _ACCESSORS:
        probe, marker = object.__new__(OAuthToken), object()
        try:
            getattr(probe, setter)(marker)
            ((name, value),) = vars(probe).items()
            if value is not marker or getattr(probe, getter)() is not marker:
                return None
        except Exception:
            return None
        names.append(name)
    return tuple(names)


_ATTRIBUTES = _attribute_names()
if _ATTRIBUTES is not None:
    _SIGNATURE = _ATTRIBUTES[_USER_NAME]
    # (index in TOKEN_FIELDS, attribute) of the string fields: all but user_name.
    _STRING_ATTRIBUTES = tuple((i, name) for i, name in enumerate(_ATTRIBUTES) if i != _USER_NAME)


def _direct(token):
    """True when the token's attributes can be used directly: an OAuthToken itself, not a subclass that
    could override an accessor."""
    return _ATTRIBUTES is not None and type(token) is OAuthToken


def _to_zts(token):
    """The ten zts values of an OAuthToken, in TOKEN_FIELDS order (None where it has none)."""
    if _direct(token):
        attributes = vars(token)
        values = [attributes.get(name) for name in _ATTRIBUTES]
    else:
        values = [getattr(token, getter)() for getter, _ in _ACCESSORS]
    signature = values[_USER_NAME]
    if signature is not None:
        values[_USER_NAME] = signature.get_name()
    return values


def _fill_empty_fields(token, stored):
    """Sets the token's None fields from a stored token's ten values, as the SDK stores' set_merge_data."""
    if _direct(token):
        attributes = vars(token)
        for i, name in _STRING_ATTRIBUTES:
            if attributes.get(name) is None and stored[i] is not None:
                attributes[name] = stored[i]
        if attributes.get(_SIGNATURE) is None and stored[_USER_NAME] is not None:
            attributes[_SIGNATURE] = UserSignature(stored[_USER_NAME])
        return
    for i, (getter, setter) in enumerate(_ACCESSORS):
        value = stored[i]
        if value is not None and getattr(token, getter)() is None:
            getattr(token, setter)(UserSignature(value) if i == _USER_NAME else value)


def _new_oauth_tokens(values, count):
    """`count` new OAuthTokens from a flat list of their ten values each, built as the SDK FileStore
    builds one: without the constructor (its checks refuse e.g. a token with only an access token and
    an id)."""
    tokens = []
    if _ATTRIBUTES is not None:
        remaining = iter(values)
        for _ in range(count):
            # zip takes from _ATTRIBUTES first, so it stops after exactly ten values of `remaining`.
            attributes = dict(zip(_ATTRIBUTES, remaining))
            name = attributes[_SIGNATURE]
            if name is not None:
                attributes[_SIGNATURE] = UserSignature(name)
            token = object.__new__(OAuthToken)
            token.__dict__ = attributes
            tokens.append(token)
        return tokens
    for start in range(0, count * len(TOKEN_FIELDS), len(TOKEN_FIELDS)):
        token = object.__new__(OAuthToken)
        for _, setter in _ACCESSORS:
            getattr(token, setter)(None)
        _fill_empty_fields(token, values[start : start + len(TOKEN_FIELDS)])
        tokens.append(token)
    return tokens


def _sdk_error(operation, error):
    # SDKException appends str(cause), e.g. 'ZTS_NOT_FOUND: no token has id "7"'.
    return SDKException(code=Constants.TOKEN_STORE, message="zts %s failed: " % operation, cause=error)


class ZohoTokenStore(TokenStore):
    """The SDK's TokenStore over a zts store file (or ":memory:").

    `ZohoTokenStore(location, **options)` takes the options of `Store`. Every failure raises the SDK's
    SDKException with code "TOKEN_STORE"; its `cause` is the ZtsError (status, status_name, message).
    Tokens that are not OAuthToken are ignored, as by the SDK's own stores.
    """

    def __init__(self, location, **options):
        try:
            self._store = Store(location, **options)
        except _STORE_ERRORS as error:
            raise _sdk_error("open", error) from error

    @property
    def store(self):
        """The underlying `Store` (dicts instead of OAuthToken objects)."""
        return self._store

    def close(self):
        self._store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        return "ZohoTokenStore(%r)" % (self._store.location,)

    def find_token(self, token):
        """Fills the None fields of `token` from the stored token it matches and returns `token`, or
        returns None when nothing matches."""
        if not isinstance(token, OAuthToken):
            return token
        query = _to_zts(token)
        # The SDK stores never match on the id here: the SDK's revoke() passes a token holding only an
        # id and gets None from them. Without its id such a token has nothing to match, so no query.
        query[0] = None
        if all(value is None for value in query):
            return None
        try:
            stored = self._store.find_values(query)
        except ZtsError as error:
            if error.status in (NOT_FOUND, INVALID_TOKEN):
                return None
            raise _sdk_error("find_token", error) from error
        except _STORE_ERRORS as error:
            raise _sdk_error("find_token", error) from error
        _fill_empty_fields(token, stored)
        return token

    def save_token(self, token):
        """Saves `token`, then fills its None fields from the stored row; this writes the assigned id
        back into it, so the SDK finds it by id next time."""
        if not isinstance(token, OAuthToken):
            return
        try:
            stored = self._store.save_values(_to_zts(token))
        except _STORE_ERRORS as error:
            raise _sdk_error("save_token", error) from error
        _fill_empty_fields(token, stored)

    def delete_token(self, id):
        """Deletes the token with this id; SDKException when there is none (as the SDK FileStore)."""
        try:
            self._store.delete(id)
        except _STORE_ERRORS as error:
            raise _sdk_error("delete_token", error) from error

    def get_tokens(self):
        """Every stored token as a new OAuthToken, in numeric id order."""
        try:
            values = self._store.list_values()
            return _new_oauth_tokens(values, len(values) // len(TOKEN_FIELDS))
        except _STORE_ERRORS as error:
            raise _sdk_error("get_tokens", error) from error

    def delete_tokens(self):
        """Deletes every token."""
        try:
            self._store.purge()
        except _STORE_ERRORS as error:
            raise _sdk_error("delete_tokens", error) from error

    def find_token_by_id(self, id):
        """A new OAuthToken holding the token with this id; SDKException when there is none."""
        try:
            stored = self._store.find_by_id_values(id)
        except _STORE_ERRORS as error:
            raise _sdk_error("find_token_by_id", error) from error
        return _new_oauth_tokens(stored, 1)[0]
