"""A tiny HTTP relay on loopback that can alter the answers it passes on.

Prism's proxy sits in front of it, and it in front of the mock: with `tamper` unset it is
transparent (method, path, query, headers and body go through, the answer comes back
unchanged); with `tamper` set, each JSON answer is handed to it first, so a test can make a
conforming mock send one wrong answer and see whether Prism catches it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

# Headers that belong to one connection, or that httpx recomputes for the new body.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
)

Tamper = Callable[[str, Any], Any]
"""(request path, the decoded JSON answer) -> the JSON to send instead."""


class Relay:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.tamper: Tamper | None = None
        self._client = httpx.Client(base_url=upstream, timeout=30.0)
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                answer = relay._client.request(
                    self.command, self.path, content=body, headers=headers
                )
                content = answer.content
                tamper = relay.tamper
                json_answer = answer.headers.get("content-type", "").startswith("application/json")
                if tamper is not None and json_answer:
                    content = json.dumps(tamper(self.path, answer.json())).encode()
                self.send_response(answer.status_code)
                for key, value in answer.headers.multi_items():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _relay

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @contextmanager
    def running(self) -> Iterator[Relay]:
        self._thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            self._client.close()
