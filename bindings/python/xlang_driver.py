"""The cross-language driver of tests/xlang/PROTOCOL.md for the Python binding: one JSON request per
stdin line, one response per stdout line, through `Store` only. Usage: xlang-driver STORE [OPTIONS_JSON]
"""

import json
import sys

from zoho_token_store import Store, ZtsError, library_version


def call(store, request):
    op = request["op"]
    if op in ("save", "find"):
        text = request["json"] if "json" in request else json.dumps(request["token"], separators=(",", ":"), ensure_ascii=False)
        method = store.save_json if op == "save" else store.find_json
        return json.loads(method(text))
    if op == "find_by_id":
        return store.find_by_id(request["id"])
    if op == "list":
        return store.list()
    if op == "delete":
        return store.delete(request["id"])
    if op == "purge":
        return store.purge()
    if op == "version":
        return library_version()
    raise ValueError("unknown op %r" % (op,))


def respond(status, result=None, error=None):
    sys.stdout.write(json.dumps({"status": status, "result": result, "error": error}) + "\n")
    sys.stdout.flush()


def main():
    options = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        store = Store(sys.argv[1], **options)
    except ZtsError as error:
        respond(error.status_name, error=error.message)
        return 1
    with store:
        for line in sys.stdin:
            try:
                result = call(store, json.loads(line))
            except ZtsError as error:
                respond(error.status_name, error=error.message)
            except (ValueError, KeyError, TypeError) as error:
                respond("DRIVER_ERROR", error="%s: %s" % (type(error).__name__, error))
            else:
                respond("ZTS_OK", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
