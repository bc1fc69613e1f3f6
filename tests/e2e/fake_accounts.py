"""A fake Zoho accounts + CRM server on 127.0.0.1 for end-to-end tests of the SDK bindings.

Usage: python3 fake_accounts.py REQUEST_LOG [EXPIRES_IN_SECONDS]
Listens on a free port on 127.0.0.1 and prints "PORT <n>" as its first line. Every request is appended
to REQUEST_LOG as one JSON line, so a test can count the HTTP calls an SDK made.

- POST .../oauth/v2/token: {"access_token": "AT<n>", "expires_in": E, "api_domain": "http://127.0.0.1:<port>"}
  plus "refresh_token": "RT1" for a grant exchange (grant_type=authorization_code). One-line JSON with no
  trailing newline, which every SDK parses (PHP reads the last line of the raw response).
- GET /crm/v8/users?type=CurrentUser and /crm/v8/org: the user email and org zgid that SDKs combine into
  the user_name "user@example.com:777".
"""
import http.server
import itertools
import json
import sys
import threading

LOCK = threading.Lock()
COUNTER = itertools.count(1)


class Handler(http.server.BaseHTTPRequestHandler):
    def _log(self, entry):
        with LOCK, open(sys.argv[1], "a") as log:
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
        self._log({"method": "POST", "path": self.path, "body": body})
        n = next(COUNTER)
        reply = {
            "access_token": "AT%d" % n,
            "expires_in": int(sys.argv[2]) if len(sys.argv) > 2 else 3600,
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


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_port, flush=True)
    server.serve_forever()
