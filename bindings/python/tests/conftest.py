import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
VECTORS = REPO_ROOT / "tests" / "vectors" / "store.json"
FAKE_ACCOUNTS = REPO_ROOT / "tests" / "e2e" / "fake_accounts.py"
SDK_FLOW = Path(__file__).resolve().parent / "sdk_flow.py"


class FakeAccounts:
    """The fake Zoho accounts server (tests/e2e/fake_accounts.py) in a child process on 127.0.0.1."""

    def __init__(self, log_path, expires_in=None):
        self.log_path = Path(log_path)
        self.log_path.touch()
        command = [sys.executable, str(FAKE_ACCOUNTS), str(self.log_path)]
        if expires_in is not None:
            command.append(str(expires_in))
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        first_line = self.process.stdout.readline()
        if not first_line.startswith("PORT "):
            self.stop()
            raise RuntimeError("fake_accounts.py did not print its port: %r" % first_line)
        self.port = int(first_line.split()[1])
        self.base_url = "http://127.0.0.1:%d" % self.port

    def requests(self):
        """Every request the server has received so far, in order."""
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def start_fake_accounts(tmp_path):
    """Starts fake accounts servers (each with its own request log) and stops them at teardown."""
    servers = []

    def start(expires_in=None):
        server = FakeAccounts(tmp_path / ("requests-%d.jsonl" % len(servers)), expires_in)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def run_sdk_flow(store_kind, store_path, server, token, then="get_token", cwd=None):
    """Runs sdk_flow.py in a new Python process; returns its JSON result. `store_path` may also be a
    mysql:// location, with `cwd` a directory for the SDK's files."""
    spec = {"store": store_kind, "path": str(store_path), "port": server.port, "token": token, "then": then}
    # cwd: the SDK's default resource path is the working directory; keep its files out of the repo.
    completed = subprocess.run(
        [sys.executable, str(SDK_FLOW), json.dumps(spec)],
        cwd=str(cwd or Path(store_path).parent),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def rss_bytes():
    """This process's resident set size, from /proc/self/statm (second field, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
