"""`CHAINHUB_LOG=debug|info`: the SDK's logging on stderr, and the key never in it, even when
the server echoes it in a header (httpcore logs response headers at DEBUG) and in an error body.

Each case is a fresh interpreter (the variable is read when the SDK is first imported) talking
to a small loopback server that echoes the Authorization header.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.data import ROOT

KEY = "sk-live-3f9a7c2e1b"
SCRIPT = """
import http.server, json, threading
from chainhub_aigc import AuthenticationError, ChainhubError, Client

class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        body = json.dumps({"Response": {"Error": {"Code": "AuthFailure", "Message": auth},
                                        "RequestId": "r-1"}}).encode()
        self.send_response(401)
        self.send_header("X-Echo", auth)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}"
with Client(api_key=%(key)r, base_url=url, max_retries=0) as client:
    try:
        client.tasks.get("1392336703-AigcImageTask-abc")
    except ChainhubError as error:
        print(isinstance(error, AuthenticationError))
server.shutdown()
"""


def _run(log: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CHAINHUB_LOG"}
    if log is not None:
        env["CHAINHUB_LOG"] = log
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT % {"key": KEY}],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"  # the request was made and answered 401
    return done


def test_debug_logs_the_sdk_httpx_and_httpcore_without_the_key() -> None:
    err = _run("debug").stderr
    assert " chainhub_aigc DEBUG GET " in err  # each attempt
    assert " httpx INFO HTTP Request: GET " in err
    assert " httpcore.http11 DEBUG receive_response_headers.complete" in err
    assert "X-Echo" in err and "***" in err  # the echoed header was logged, masked
    assert KEY not in err


def test_info_logs_the_requests_but_not_httpcore() -> None:
    err = _run("INFO").stderr
    assert " httpx INFO HTTP Request: GET " in err
    assert "httpcore" not in err and " DEBUG " not in err
    assert KEY not in err


@pytest.mark.parametrize("log", [""])
def test_empty_logs_nothing(log: str | None) -> None:
    assert _run(log).stderr == ""


def test_an_invalid_value_is_one_warning_line() -> None:
    err = _run("verbose").stderr
    assert err.splitlines() == ["CHAINHUB_LOG='verbose' is not one of info, debug: ignored"]
