"""The Store layer: statuses and errors, options, closing, threads, library loading."""

import gc
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import zoho_token_store
from zoho_token_store import Store, ZtsError, _native

STATUS_CONSTANTS = [
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

USER = {
    "user_name": "user@example.com:777",
    "client_id": "1000.CID",
    "client_secret": "SECRET-csec",
    "refresh_token": "1000.SECRET-refresh",
    "access_token": "1000.SECRET-access",
    "expiry_time": "4102444839397",
}


def run_python(code, env=None):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


# --- statuses and errors -------------------------------------------------------------------------------


def test_status_constants_match_the_library_names():
    for number, name in enumerate(STATUS_CONSTANTS):
        assert getattr(zoho_token_store, name) == number
        assert zoho_token_store.status_name(number) == "ZTS_" + name
    assert zoho_token_store.status_name(len(STATUS_CONSTANTS)) == "ZTS_UNKNOWN_STATUS"


def test_library_version_is_the_one_the_binding_declares():
    assert zoho_token_store.library_version().startswith(_native.EXPECTED_VERSION + ".")


@pytest.mark.parametrize("version", ["0.2.0", "1.1.0", "0.10.0", "garbage"])
def test_a_library_of_another_major_minor_is_refused(version):
    with pytest.raises(ImportError, match="needs 0.1.x"):
        _native.check_version(version)


def test_another_patch_level_is_accepted():
    _native.check_version("0.1.99")


def test_not_found_carries_status_name_and_message_without_the_value():
    with Store(":memory:") as store:
        store.save(USER)
        with pytest.raises(ZtsError) as raised:
            store.find({"user_name": "someone-else@example.com:1"})
    error = raised.value
    assert (error.status, error.status_name) == (zoho_token_store.NOT_FOUND, "ZTS_NOT_FOUND")
    assert "user_name" in error.message and "someone-else" not in error.message
    assert str(error) == "ZTS_NOT_FOUND: " + error.message


@pytest.mark.parametrize(
    "call, status",
    [
        (lambda s: s.save_json("{not json"), "ZTS_INVALID_JSON"),
        (lambda s: s.save({"id": "1", "colour": "red"}), "ZTS_INVALID_JSON"),
        (lambda s: s.save({"client_id": "c"}), "ZTS_INVALID_TOKEN"),
        (lambda s: s.find({"refresh_token": "r"}), "ZTS_INVALID_TOKEN"),
        (lambda s: s.find_by_id("42"), "ZTS_NOT_FOUND"),
        (lambda s: s.find_by_id(""), "ZTS_INVALID_ARGUMENT"),
        (lambda s: s.find_by_id(None), "ZTS_INVALID_ARGUMENT"),  # None is passed as NULL
        (lambda s: s.delete("42"), "ZTS_NOT_FOUND"),
        (lambda s: s.find_by_id("1\0"), "ZTS_INVALID_ARGUMENT"),  # C would cut it to "1"
        (lambda s: s.find_by_id("\udc80"), "ZTS_INVALID_ARGUMENT"),  # not UTF-8: refused by zts
    ],
)
def test_each_refusal_raises_zts_error_with_its_status(call, status):
    with Store(":memory:") as store:
        store.save(dict(USER, id="1"))
        with pytest.raises(ZtsError) as raised:
            call(store)
    assert raised.value.status_name == status
    assert raised.value.message
    assert "SECRET" not in raised.value.message


def test_a_nul_inside_an_id_does_not_reach_another_token():
    with Store(":memory:") as store:
        store.save(dict(USER, id="1"))
        with pytest.raises(ZtsError):
            store.delete("1\0junk")
        assert [token["id"] for token in store.list()] == ["1"]


def test_a_non_string_id_is_a_type_error():
    with Store(":memory:") as store, pytest.raises(TypeError):
        store.find_by_id(1)


# --- opening and options -------------------------------------------------------------------------------


def test_a_missing_directory_is_io_naming_the_path(tmp_path):
    path = tmp_path / "no-such-dir" / "tokens.db"
    with pytest.raises(ZtsError) as raised:
        Store(path)
    assert raised.value.status_name == "ZTS_IO"
    assert "no-such-dir" in raised.value.message


def test_a_nul_inside_the_location_is_refused(tmp_path):
    with pytest.raises(ZtsError) as raised:
        Store(str(tmp_path / "tokens.db") + "\0.bak")
    assert raised.value.status_name == "ZTS_INVALID_ARGUMENT"
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_sqlite_is_corrupt_and_untouched(tmp_path):
    path = tmp_path / "tokens.db"
    path.write_bytes(b"id,user_name\n1,x\n" * 100)
    with pytest.raises(ZtsError) as raised:
        Store(path)
    assert raised.value.status_name == "ZTS_CORRUPT"
    assert path.read_bytes() == b"id,user_name\n1,x\n" * 100


@pytest.mark.parametrize("options", [{"colour": "red"}, {"busy_timeout_ms": "5s"}, {"read_only": 1}])
def test_an_unknown_or_mistyped_option_is_invalid_argument(options):
    with pytest.raises(ZtsError) as raised:
        Store(":memory:", **options)
    assert raised.value.status_name == "ZTS_INVALID_ARGUMENT"
    assert next(iter(options)) in raised.value.message


def test_options_reach_the_library(tmp_path):
    path = tmp_path / "tokens.db"
    with pytest.raises(ZtsError) as raised:
        Store(path, create=False)
    assert raised.value.status_name == "ZTS_IO"
    with Store(path, busy_timeout_ms=100, synchronous="normal") as store:
        store.save(USER)
    with Store(path, read_only=True) as store:
        assert store.find({"user_name": USER["user_name"]})["id"] == "1"
        with pytest.raises(ZtsError) as raised:
            store.save(dict(USER, access_token="new"))
        assert raised.value.status_name == "ZTS_IO"


def test_tokens_persist_in_the_file_and_the_id_comes_back(tmp_path):
    path = tmp_path / "tokens.db"
    with Store(str(path)) as store:
        saved = store.save(USER)
    assert saved == dict({key: None for key in zoho_token_store.TOKEN_FIELDS}, id="1", **USER)
    with Store(path) as store:
        assert store.find_by_id("1") == saved
        assert store.list() == [saved]
        store.delete("1")
        assert store.list() == []
        store.save(USER)
        store.purge()
        assert store.list() == []


# --- closing -------------------------------------------------------------------------------------------


def test_close_is_idempotent_and_a_closed_store_refuses_every_call():
    store = Store(":memory:")
    assert not store.closed
    store.close()
    store.close()
    assert store.closed
    for call in (
        lambda: store.save(USER),
        lambda: store.find(USER),
        lambda: store.find_by_id("1"),
        lambda: store.list(),
        lambda: store.delete("1"),
        lambda: store.purge(),
    ):
        with pytest.raises(ValueError, match="closed"):
            call()


def test_the_context_manager_closes_also_on_an_exception():
    with pytest.raises(RuntimeError):
        with Store(":memory:") as store:
            raise RuntimeError("boom")
    assert store.closed


def test_garbage_collection_closes_the_handle():
    store = Store(":memory:")
    finalizer = store._finalizer
    del store
    gc.collect()
    assert not finalizer.alive


def test_open_stores_left_at_interpreter_exit_are_closed_cleanly(tmp_path):
    code = (
        "import zoho_token_store as z\n"
        "kept = z.Store(%r)\n"
        "kept.save({'user_name': 'u', 'access_token': 'a'})\n"
        "cycle = [z.Store(':memory:')]; cycle.append(cycle)\n"
        "z.Store(':memory:').close()\n" % str(tmp_path / "tokens.db")
    )
    completed = run_python(code)
    assert completed.returncode == 0 and completed.stderr == "", completed.stderr
    with Store(tmp_path / "tokens.db") as store:
        assert store.find({"user_name": "u"})["access_token"] == "a"


def test_repr_shows_the_path_and_no_token():
    with Store(":memory:") as store:
        store.save(USER)
        assert repr(store) == "Store(':memory:')"


# --- threads -------------------------------------------------------------------------------------------


def test_threads_share_one_store(tmp_path):
    threads_count, users_per_thread = 8, 50
    failures = []

    with Store(tmp_path / "tokens.db", synchronous="normal") as store:

        def work(thread):
            try:
                for n in range(users_per_thread):
                    name = "user%d-%d@example.com:1" % (thread, n)
                    saved = store.save({"user_name": name, "access_token": "AT%d-%d" % (thread, n)})
                    assert store.find({"user_name": name})["id"] == saved["id"]
                    assert store.find_by_id(saved["id"])["user_name"] == name
            except Exception as error:  # reported by the main thread
                failures.append(error)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tokens = store.list()

    assert failures == []
    assert len(tokens) == threads_count * users_per_thread
    assert sorted(int(token["id"]) for token in tokens) == list(range(1, len(tokens) + 1))


def test_closing_while_threads_call_stops_them_with_value_error():
    store = Store(":memory:")
    store.save(USER)
    outcomes = []
    started = threading.Barrier(5)

    def hammer():
        started.wait()
        try:
            while True:
                store.find({"user_name": USER["user_name"]})
        except Exception as error:
            outcomes.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    started.wait()
    store.close()
    for thread in threads:
        thread.join(timeout=10)
    assert len(outcomes) == 4 and all(isinstance(error, ValueError) for error in outcomes), outcomes


# --- loading the library and the SDK -------------------------------------------------------------------


def test_the_sdk_is_imported_only_when_zoho_token_store_is_used():
    code = (
        "import sys, zoho_token_store\n"
        "assert 'zohocrmsdk' not in sys.modules\n"
        "zoho_token_store.Store(':memory:').close()\n"
        "assert 'zohocrmsdk' not in sys.modules\n"
        "from zoho_token_store import ZohoTokenStore\n"
        "assert 'zohocrmsdk' in sys.modules\n"
        "from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore\n"
        "assert issubclass(ZohoTokenStore, TokenStore)\n"
    )
    completed = run_python(code)
    assert completed.returncode == 0, completed.stderr


def test_the_store_layer_works_without_the_sdk():
    code = (
        "import sys\n"
        "sys.modules['zohocrmsdk'] = None  # as if the SDK were not installed\n"
        "import zoho_token_store\n"
        "with zoho_token_store.Store(':memory:') as store:\n"
        "    assert store.save({'access_token': 'a'})['id'] == '1'\n"
        "try:\n"
        "    zoho_token_store.ZohoTokenStore\n"
        "except ImportError:\n"
        "    print('no sdk')\n"
    )
    completed = run_python(code)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "no sdk\n"


def package_without_library(tmp_path):
    """A copy of the installed package without its libzts.so, importable from tmp_path/packages."""
    package = Path(zoho_token_store.__file__).parent
    shutil.copytree(package, tmp_path / "packages" / "zoho_token_store", ignore=shutil.ignore_patterns("*.so"))
    return str(tmp_path / "packages")


def test_the_packaged_library_wins_over_zts_library():
    env = dict(os.environ, ZTS_LIBRARY="/nonexistent/libzts.so")
    completed = run_python("from zoho_token_store import _native; print(_native.LIBRARY_PATH)", env=env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(Path(zoho_token_store.__file__).parent / "libzts.so")


def test_zts_library_env_is_loaded_by_absolute_path_when_the_package_has_none(tmp_path):
    copy = tmp_path / "libzts.so"
    shutil.copy(_native.LIBRARY_PATH, copy)
    # relative: resolved against the working dir
    env = dict(os.environ, ZTS_LIBRARY="libzts.so", PYTHONPATH=package_without_library(tmp_path))
    completed = subprocess.run(
        [sys.executable, "-c", "from zoho_token_store import _native; print(_native.LIBRARY_PATH)"],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(copy)


def test_a_wrong_zts_library_fails_the_import_clearly(tmp_path):
    env = dict(os.environ, ZTS_LIBRARY="/nonexistent/libzts.so", PYTHONPATH=package_without_library(tmp_path))
    completed = run_python("import zoho_token_store", env=env)
    assert completed.returncode != 0
    assert "ImportError" in completed.stderr
    assert "/nonexistent/libzts.so" in completed.stderr and "ZTS_LIBRARY" in completed.stderr


def test_without_a_bundled_library_the_import_says_to_set_zts_library(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "ZTS_LIBRARY"}
    env["PYTHONPATH"] = package_without_library(tmp_path)
    completed = run_python("import zoho_token_store; print(zoho_token_store.__file__)", env=env)
    assert completed.returncode != 0, completed.stdout
    assert (
        "ImportError" in completed.stderr and "Set the environment variable ZTS_LIBRARY" in completed.stderr
    )
    # What to do instead of copying a file into the installed package by hand: reinstall with it bundled.
    assert "reinstall the package with the library bundled" in completed.stderr
    assert "copy libzts.so into" not in completed.stderr


def test_the_sdk_module_without_the_sdk_says_to_install_the_sdk_extra():
    for statement in ("import zoho_token_store.sdk", "from zoho_token_store import ZohoTokenStore"):
        code = "import sys\nsys.modules['zohocrmsdk'] = None  # as if the SDK were not installed\n" + statement
        completed = run_python(code)
        assert completed.returncode != 0, completed.stdout
        last_line = completed.stderr.strip().splitlines()[-1]
        assert last_line.startswith("ModuleNotFoundError: zoho_token_store.ZohoTokenStore needs the Zoho"), (
            completed.stderr
        )
        assert "zoho-token-store[sdk]" in last_line


def test_the_values_methods_give_what_the_dict_methods_give():
    with Store(":memory:") as store:
        saved = store.save_values([USER.get(key) for key in zoho_token_store.TOKEN_FIELDS])
        assert saved == list(store.find_by_id("1").values())
        assert saved[:2] == ["1", USER["user_name"]] and saved[6] is None
        assert store.find_values([None, USER["user_name"]] + [None] * 8) == saved
        assert store.find_by_id_values("1") == saved
        store.save({"user_name": "ü@example.com:1", "access_token": "Å"})
        assert store.list_values() == [value for token in store.list() for value in token.values()]
        with pytest.raises(ZtsError) as missing:
            store.find_by_id_values("9")
        assert missing.value.status == zoho_token_store.NOT_FOUND
        store.purge()
        assert store.list_values() == []


def test_a_token_the_packed_form_cannot_carry_goes_as_json_with_the_same_outcome():
    def token(access_token, expiry_time=None):
        return [None, "u@example.com:1", None, None, None, access_token, None, expiry_time, None, None]

    with Store(":memory:") as store:
        for value in ("a\0b", "a" * (64 * 1024 + 1), "lone \udc80"):
            with pytest.raises(ZtsError) as packed:
                store.save_values(token(value))
            with pytest.raises(ZtsError) as as_json:
                store.save({"user_name": "u@example.com:1", "access_token": value})
            assert (packed.value.status, packed.value.message) == (as_json.value.status, as_json.value.message)
        assert store.list_values() == []
        # An integer expiry_time is read as the JSON reads it.
        assert store.save_values(token("A", 4102444839397))[7] == "4102444839397"
