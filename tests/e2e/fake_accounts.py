"""A fake Zoho accounts + CRM server on 127.0.0.1 for end-to-end tests of the SDK bindings.

Usage: python3 fake_accounts.py REQUEST_LOG [EXPIRES_IN_SECONDS] [--delay-ms MS] [--hold-refresh N=MS]
                                 [--fail-refresh N]
Listens on a free port on 127.0.0.1 and prints "PORT <n>" as its first line. Every request is appended
to REQUEST_LOG as one JSON line when it arrives ("at_ms": epoch ms), so a test can count the HTTP calls
an SDK made; a refresh's line has its number "refresh" (1, 2, ...).

--delay-ms: every token request is answered this much later (a slow accounts server).
--hold-refresh N=MS: the Nth refresh is answered MS later (a refresher that a test kills meanwhile).
--fail-refresh N: the Nth refresh is answered {"error": "Access Denied"}, with no access token.

- POST .../oauth/v2/token: {"access_token": "AT<n>", "expires_in": E, "api_domain": "http://127.0.0.1:<port>"}
  plus "refresh_token": "RT1" for a grant exchange (grant_type=authorization_code). One-line JSON with no
  trailing newline, which every SDK parses (PHP reads the last line of the raw response).
- GET /crm/v8/users?type=CurrentUser and /crm/v8/org: the user email and org zgid that SDKs combine into
  the user_name "user@example.com:777".
"""
import argparse
import http.server
import itertools
import json
import re
import threading
import time

LOCK = threading.Lock()
COUNTER = itertools.count(1)
REFRESHES = itertools.count(1)
ARGS = None


class Handler(http.server.BaseHTTPRequestHandler):
    def _log(self, entry):
        entry["at_ms"] = int(time.time() * 1000)
        with LOCK, open(ARGS.request_log, "a") as log:
            log.write(json.dumps(entry) + "\n")

    def _reply(self, payload):
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        entry = {"method": "POST", "path": self.path, "body": body}
        refresh = None
        # Form-urlencoded (most SDKs) or multipart (Node): grant_type's value follows "=" or a blank line.
        if re.search(r'grant_type(=|"\r\n\r\n)refresh_token', body):
            with LOCK:
                refresh = entry["refresh"] = next(REFRESHES)
        self._log(entry)
        time.sleep((ARGS.hold_refresh.get(refresh, ARGS.delay_ms)) / 1000)
        if refresh is not None and refresh in ARGS.fail_refresh:
            self._reply({"error": "Access Denied"})
            return
        n = next(COUNTER)
        reply = {
            "access_token": "AT%d" % n,
            "expires_in": ARGS.expires_in,
            "token_type": "Bearer",
            "api_domain": "http://127.0.0.1:%d" % self.server.server_port,
        }
        if "authorization_code" in body:
            reply["refresh_token"] = "RT1"
        self._reply(reply)

    def do_GET(self):
        self._log({"method": "GET", "path": self.path})
        if self.path.startswith("/crm/v8/org"):
            self._reply({"org": [{"zgid": "777", "id": "42"}]})
        else:
            self._reply({"users": [{"email": "user@example.com", "id": "1"}]})

    def log_message(self, *args):
        pass


def hold(text):
    number, ms = text.split("=")
    return int(number), int(ms)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("request_log")
    parser.add_argument("expires_in", nargs="?", type=int, default=3600)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--hold-refresh", type=hold, action="append", default=[])
    parser.add_argument("--fail-refresh", type=int, action="append", default=[])
    ARGS = parser.parse_args()
    ARGS.hold_refresh = dict(ARGS.hold_refresh)
    # A listen backlog for a stampede of many processes (the default, 5, resets connections).
    http.server.ThreadingHTTPServer.request_queue_size = 128
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_port, flush=True)
    server.serve_forever()
