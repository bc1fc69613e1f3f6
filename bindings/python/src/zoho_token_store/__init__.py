"""zoho_token_store: the zts token store (one SQLite file shared by every Zoho CRM SDK) for Python.

- `Store`: the zts C ABI in Python terms (dicts, or lists of the ten values, in and out; `ZtsError`
  for every refused call). Needs only libzts.so.
- `ZohoTokenStore`: a TokenStore for the Zoho CRM Python SDK (zohocrmsdk8-0). The SDK is imported
  only when this name is first used.
"""

from .store import (
    BUSY,
    CORRUPT,
    INCOMPATIBLE,
    INTERNAL,
    INVALID_ARGUMENT,
    INVALID_JSON,
    INVALID_TOKEN,
    IO,
    NOT_FOUND,
    OK,
    REFRESHING,
    TOKEN_FIELDS,
    Store,
    ZtsError,
    library_version,
    status_name,
)

__version__ = "0.1.0"

__all__ = [
    "Store",
    "ZtsError",
    "ZohoTokenStore",
    "TOKEN_FIELDS",
    "library_version",
    "status_name",
    "OK",
    "NOT_FOUND",
    "INVALID_ARGUMENT",
    "INVALID_JSON",
    "INVALID_TOKEN",
    "BUSY",
    "IO",
    "CORRUPT",
    "INCOMPATIBLE",
    "INTERNAL",
    "REFRESHING",
]


def __getattr__(name):
    # Lazy, so that the Store layer works where the Zoho SDK is not installed.
    if name == "ZohoTokenStore":
        from .sdk import ZohoTokenStore

        return ZohoTokenStore
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
