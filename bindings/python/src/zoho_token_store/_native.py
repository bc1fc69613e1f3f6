"""Finds and loads libzts.so and declares its C ABI (include/zts.h) for ctypes.

Conventions from zts.h that shape the declarations below:
- Owned strings (token JSON, lists, error messages) come back through `char **` out pointers. They are
  declared `c_void_p`, never `c_char_p`: ctypes would copy a `c_char_p` and drop the pointer, so the
  string could never be given back to `zts_string_free` (a leak). `take_string` copies and frees them.
- `zts_version` and `zts_status_name` return static strings, so `c_char_p` (copy, never free) is right.
- The `_fields` calls return a packed buffer and its length through `char **` and `size_t *`; it is
  freed with `zts_fields_free(buffer, length)`.
"""

import ctypes
import os
from ctypes import POINTER, c_char_p, c_int32, c_size_t, c_void_p

LIBRARY_ENV = "ZTS_LIBRARY"
LIBRARY_FILE = "libzts.so"
# The major.minor of include/zts.h this binding was written against; the patch level may differ.
EXPECTED_VERSION = "0.1"


def library_path():
    """The absolute path to load: libzts.so inside this package (the wheel's), else $ZTS_LIBRARY."""
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), LIBRARY_FILE)
    if os.path.isfile(bundled):
        return bundled
    configured = os.environ.get(LIBRARY_ENV)
    if configured:
        # An absolute path, so dlopen never searches the system for another libzts.so.
        return os.path.abspath(configured)
    # Not "copy it into the installed package": a file put there by hand is not pip's to update or
    # remove, and the next install of the package drops it.
    raise ImportError(
        "zoho_token_store: the zts library was not found: this installation of the package does not "
        "bundle libzts.so. Set the environment variable %s to the absolute path of a libzts.so (in the "
        "zts repository `cargo build --release` makes target/release/libzts.so), or reinstall the "
        "package with the library bundled: in the zts repository, `cargo build --release && cp "
        "target/release/libzts.so bindings/python/src/zoho_token_store/ && pip install "
        "'./bindings/python[sdk]'`." % LIBRARY_ENV
    )


def check_version(version):
    """Refuses a library whose major.minor differs from the ABI this binding declares."""
    if ".".join(version.split(".")[:2]) != EXPECTED_VERSION:
        raise ImportError(
            "zoho_token_store: the zts library is version %s but this binding needs %s.x; "
            "install a matching libzts.so or point %s at one" % (version, EXPECTED_VERSION, LIBRARY_ENV)
        )


def _declare(lib):
    out = POINTER(c_void_p)  # an out pointer to an owned `char *` (or to the store handle)
    length = POINTER(c_size_t)  # the out pointer to a packed buffer's length
    prototypes = {
        "zts_open": (c_int32, [c_char_p, c_char_p, out, out]),
        "zts_close": (None, [c_void_p]),
        "zts_save": (c_int32, [c_void_p, c_char_p, out, out]),
        "zts_find": (c_int32, [c_void_p, c_char_p, out, out]),
        "zts_find_by_id": (c_int32, [c_void_p, c_char_p, out, out]),
        "zts_list": (c_int32, [c_void_p, out, out]),
        "zts_delete": (c_int32, [c_void_p, c_char_p, out]),
        "zts_purge": (c_int32, [c_void_p, out]),
        "zts_save_fields": (c_int32, [c_void_p, c_char_p, c_size_t, out, length, out]),
        "zts_find_fields": (c_int32, [c_void_p, c_char_p, c_size_t, out, length, out]),
        "zts_find_by_id_fields": (c_int32, [c_void_p, c_char_p, out, length, out]),
        "zts_list_fields": (c_int32, [c_void_p, out, length, out]),
        "zts_string_free": (None, [c_void_p]),
        "zts_fields_free": (None, [c_void_p, c_size_t]),
        "zts_version": (c_char_p, []),
        "zts_status_name": (c_char_p, [c_int32]),
    }
    for name, (restype, argtypes) in prototypes.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def _load():
    path = library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as error:
        raise ImportError(
            "zoho_token_store: cannot load the zts library %s (%s). Set %s to the absolute path of "
            "a libzts.so built for this machine." % (path, error, LIBRARY_ENV)
        ) from error
    _declare(lib)
    check_version(lib.zts_version().decode("utf-8"))
    return lib


lib = _load()
LIBRARY_PATH = lib._name


def take_string(pointer):
    """Copies an owned zts string out of a c_void_p, frees it, and returns it (None for NULL)."""
    if not pointer.value:
        return None
    try:
        return ctypes.string_at(pointer.value).decode("utf-8")
    finally:
        lib.zts_string_free(pointer)
        pointer.value = None
