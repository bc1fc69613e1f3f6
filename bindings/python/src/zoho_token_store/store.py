"""`Store`: the zts C ABI in Python terms (dicts in and out, one exception type for every status).

The rules (matching, merging, ids) live in zts; this module only converts arguments, calls the
library and maps statuses to `ZtsError`. See include/zts.h and the repository README.
"""

import json
import os
import threading
import weakref
from ctypes import byref, c_size_t, c_void_p, string_at

from ._native import lib, take_string

# Statuses of include/zts.h (stable numbers; tests check them against zts_status_name).
OK = 0
NOT_FOUND = 1
INVALID_ARGUMENT = 2
INVALID_JSON = 3
INVALID_TOKEN = 4
BUSY = 5
IO = 6
CORRUPT = 7
INCOMPATIBLE = 8
INTERNAL = 9
REFRESHING = 10

# The ten keys of the token JSON, in the SDK stores' column order.
TOKEN_FIELDS = (
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


def status_name(status):
    """The name zts gives a status, e.g. "ZTS_NOT_FOUND" for 1 ("ZTS_UNKNOWN_STATUS" if undefined)."""
    return lib.zts_status_name(status).decode("utf-8")


def library_version():
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return lib.zts_version().decode("utf-8")


class ZtsError(Exception):
    """A zts call returned a status other than OK.

    `status` is the number (compare with the module constants, e.g. NOT_FOUND), `status_name` its
    name ("ZTS_NOT_FOUND") and `message` what zts said was wrong. zts never puts a secret in it.
    """

    def __init__(self, status, message):
        super().__init__(status, message)
        self.status = status
        self.status_name = status_name(status)
        self.message = message

    def __str__(self):
        return "%s: %s" % (self.status_name, self.message)


def _c_text(value, what):
    """UTF-8 bytes for a `const char *` argument; None becomes NULL, which zts refuses by itself."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("%s must be a str, not %s" % (what, type(value).__name__))
    if "\0" in value:
        # C would silently cut the string at the NUL, so "1\0x" would act as id "1".
        raise ZtsError(INVALID_ARGUMENT, "%s contains a NUL character" % what)
    # surrogatepass: a lone surrogate reaches zts as invalid UTF-8 and is refused there.
    return value.encode("utf-8", "surrogatepass")


# One encoder and decoder for every call: json.dumps with arguments builds a new encoder each time.
_token_json = json.JSONEncoder(separators=(",", ":")).encode
_parse_json = json.JSONDecoder().decode


def _json_argument(value):
    """The C argument for a dict: its JSON is ASCII (non-ASCII, NUL and lone surrogates come out as
    \\u escapes, which zts decodes and checks), so it needs no further checks."""
    return _token_json(value).encode("ascii")


# Above this many bytes a packed token might hold a value over zts's limit: it goes as JSON instead, so
# that zts refuses it with the JSON call's status and message.
_PACKED_FAST_BYTES = 64 * 1024


def _packed(values):
    """The packed form (see zts_save_fields) of ten values, or None when one of them is not a str or
    None, holds a NUL or a lone surrogate, or is very long: such a token goes as JSON, where zts refuses
    (or, for an integer expiry_time, reads) it exactly as through `save` and `find`."""
    try:
        text = "\0".join(["" if value is None else value for value in values]) + "\0"
        data = text.encode("utf-8")
    except (TypeError, UnicodeEncodeError):
        return None
    if len(values) != len(TOKEN_FIELDS) or text.count("\0") != len(TOKEN_FIELDS) or len(data) > _PACKED_FAST_BYTES:
        return None
    return data


def _as_dict(values):
    return {key: value for key, value in zip(TOKEN_FIELDS, values) if value is not None}


def _unpacked(text):
    """The values of packed tokens, one flat list ("" read back as None, as zts means it)."""
    values = text.split("\0")
    values.pop()  # the empty string after the last NUL
    return [value or None for value in values]


def _close_handle(handle, close=lib.zts_close):
    close(handle)


class Store:
    """An open zts token store: a SQLite file shared by every Zoho SDK, or ":memory:".

    `Store(location, **options)` opens (and by default creates) the store; options are those of
    zts_open: busy_timeout_ms (int), read_only (bool), create (bool), synchronous ("auto"/"full"/"normal").
    Tokens are dicts with the ten keys of TOKEN_FIELDS (values str or None). Every call that zts
    refuses raises ZtsError; a call on a closed store raises ValueError.

    One Store may be shared by threads: ctypes releases the GIL during each call, and zts serializes
    the calls on one handle. close() is idempotent; the handle is also closed when the Store is
    garbage-collected or at interpreter exit.
    """

    def __init__(self, location, **options):
        location = os.fspath(location)
        # zts takes UTF-8; fsencode keeps the bytes of an undecodable file name so zts can refuse it.
        encoded = location if isinstance(location, bytes) else os.fsencode(location)
        if b"\0" in encoded:  # C would open the path cut at the NUL
            raise ZtsError(INVALID_ARGUMENT, "location contains a NUL character")
        self._location = location
        handle, error = c_void_p(), c_void_p()
        options_json = _token_json(options).encode("utf-8") if options else None
        status = lib.zts_open(encoded, options_json, byref(handle), byref(error))
        message = take_string(error)
        if status != OK:
            raise ZtsError(status, message or "")
        self._handle = handle.value
        # zts_close while another thread is inside a call on the handle is undefined behaviour, so
        # calls and close() take this lock. zts serializes calls on one handle anyway: no loss.
        self._lock = threading.Lock()
        # Closes the handle exactly once: on close(), on garbage collection, or at interpreter exit
        # (weakref.finalize runs before modules are torn down, unlike a plain __del__).
        self._finalizer = weakref.finalize(self, _close_handle, self._handle)
        # The out arguments of the _fields calls, made once: only used under the lock.
        self._fields, self._fields_len, self._error = c_void_p(), c_size_t(), c_void_p()
        self._fields_outs = (byref(self._fields), byref(self._fields_len), byref(self._error))

    @property
    def location(self):
        return self._location

    @property
    def closed(self):
        return not self._finalizer.alive

    def close(self):
        """Closes the store. Calling it again does nothing."""
        with self._lock:
            self._handle = None
            self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        return "Store(%r)" % (self._location,)

    def _open_handle(self):
        """The handle, for a call made under the lock; ValueError once the store is closed."""
        if self._handle is None:
            raise ValueError("the zts store %r is closed" % (self._location,))
        return self._handle

    def _call(self, function, *args, has_output=True):
        output, error = c_void_p(), c_void_p()
        with self._lock:
            handle = self._open_handle()
            if has_output:
                status = function(handle, *args, byref(output), byref(error))
            else:
                status = function(handle, *args, byref(error))
        # zts writes the output only on success, and the error only on failure.
        if status == OK:
            return take_string(output)
        raise ZtsError(status, take_string(error) or "")

    def _call_fields(self, function, *args):
        """Runs a `_fields` call; returns the packed output as text ("" for none) or raises ZtsError."""
        with self._lock:
            status = function(self._open_handle(), *args, *self._fields_outs)
            if status == OK:
                pointer, length = self._fields.value, self._fields_len.value
                if not pointer:
                    return ""
                try:
                    return string_at(pointer, length).decode("utf-8")
                finally:
                    lib.zts_fields_free(pointer, length)
            message = take_string(self._error)
        raise ZtsError(status, message or "")

    # JSON text in and out, as the C ABI: for callers that already hold token JSON.
    def save_json(self, token_json):
        """Saves a token given as JSON text; returns the stored token as JSON text."""
        return self._call(lib.zts_save, _c_text(token_json, "token_json"))

    def find_json(self, token_json):
        """Finds the stored token a query (JSON text) matches; returns it as JSON text."""
        return self._call(lib.zts_find, _c_text(token_json, "token_json"))

    # Dicts in and out.
    def save(self, token):
        """Saves a token; returns the stored token with its id (assigned when the token had none)."""
        return _parse_json(self._call(lib.zts_save, _json_argument(token)))

    def find(self, token):
        """Returns the stored token that a query token matches by the SDK rules (ZtsError NOT_FOUND)."""
        return _parse_json(self._call(lib.zts_find, _json_argument(token)))

    def find_by_id(self, id):
        """Returns the token with this id (ZtsError NOT_FOUND when there is none)."""
        return _parse_json(self._call(lib.zts_find_by_id, _c_text(id, "id")))

    def list(self):
        """Every stored token, in numeric id order."""
        return _parse_json(self._call(lib.zts_list))

    # Tokens as lists of the ten values in TOKEN_FIELDS order (None when absent), through zts's packed
    # calls: no JSON is written or parsed on either side. Refusals are those of the dict methods.
    def save_values(self, values):
        """`save` of a token given as its ten values; returns the stored token's ten values."""
        packed = _packed(values)
        if packed is None:
            return list(self.save(_as_dict(values)).values())
        return _unpacked(self._call_fields(lib.zts_save_fields, packed, len(packed)))

    def find_values(self, values):
        """`find` of a query given as its ten values; returns the stored token's ten values."""
        packed = _packed(values)
        if packed is None:
            return list(self.find(_as_dict(values)).values())
        return _unpacked(self._call_fields(lib.zts_find_fields, packed, len(packed)))

    def find_by_id_values(self, id):
        """`find_by_id`, returning the token's ten values."""
        return _unpacked(self._call_fields(lib.zts_find_by_id_fields, _c_text(id, "id")))

    def list_values(self):
        """Every stored token's ten values one after another in one flat list, in numeric id order."""
        return _unpacked(self._call_fields(lib.zts_list_fields))

    def delete(self, id):
        """Deletes the token with this id (ZtsError NOT_FOUND when there is none)."""
        self._call(lib.zts_delete, _c_text(id, "id"), has_output=False)

    def purge(self):
        """Deletes every token."""
        self._call(lib.zts_purge, has_output=False)
