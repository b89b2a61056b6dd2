"""A scripted gateway on loopback for the command-line tests of hostile servers: each route
answers as the test says (a JSON answer, a hang, a body dripped byte by byte), and every
request is recorded with the time it arrived.

It speaks just enough HTTP/1.1 for the SDK (http.server, one thread per connection), so that a
test can put control characters in a task id, finish a task without files, or never answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.data import QUERY_PATH, TASK_ID

QUERY_ID = "query-request-id"


@dataclass(frozen=True)
class Reply:
    """An answer: `status` and a JSON `body`; `hang` never answers (until the server stops);
    `drip` sends the headers (Content-Length: `length`) and then one byte every `drip` s."""

    status: int = 200
    body: Any = None
    hang: bool = False
    drip: float | None = None
    length: int = 0
    headers: tuple[tuple[str, str], ...] = ()


HANG = Reply(hang=True)


def created(task_id: str = TASK_ID) -> Reply:
    return Reply(body={"Response": {"TaskId": task_id, "RequestId": "create-request-id"}})


def task(
    status: str,
    *,
    task_id: str = TASK_ID,
    files: list[dict[str, Any]] | None = None,
    err_code: int = 0,
    err_code_ext: str = "",
    message: str = "",
    progress: int = 50,
) -> Reply:
    """A query answer for an image task (the shape of API.md section 2)."""
    inner = {
        "TaskId": task_id,
        "Status": status,
        "Progress": progress,
        "ErrCode": err_code,
        "ErrCodeExt": err_code_ext,
        "Message": message,
        "Output": {"FileInfos": files or []},
    }
    response = {"TaskType": "AigcImageTask", "Status": status, "RequestId": QUERY_ID}
    return Reply(body={"Response": {**response, "AigcImageTask": inner}})


@dataclass
class Gateway:
    """The scripted server: set `create`, `query` (by query number) and `files` (by path)."""

    create: Reply = field(default_factory=created)
    query: Callable[[int], Reply] = lambda number: task("FINISH")
    files: dict[str, Reply] = field(default_factory=dict)
    requests: list[tuple[float, str, str]] = field(default_factory=list)
    """(monotonic time, method, path) of every request, in order of arrival."""
    bodies: list[bytes] = field(default_factory=list)
    """The body of every POST."""
    base_url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)

    def file_url(self, name: str) -> str:
        return f"{self.base_url}/files/{name}"

    def count(self, method: str, prefix: str = "") -> int:
        return sum(1 for _, m, path in self.requests if m == method and path.startswith(prefix))

    def first(self, method: str) -> float:
        """When the first request of `method` arrived."""
        return next(at for at, m, _ in self.requests if m == method)

    def _reply(self, method: str, path: str) -> Reply:
        if method == "POST":
            return self.create
        if path.startswith(QUERY_PATH):
            return self.query(self.count("GET", QUERY_PATH) - 1)
        return self.files.get(path.removeprefix("/files/"), Reply(status=404, body={}))


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            gateway.bodies.append(self.rfile.read(length))
            self._answer("POST")

        def _answer(self, method: str) -> None:
            gateway.requests.append((time.monotonic(), method, self.path))
            reply = gateway._reply(method, self.path)
            if reply.hang:
                gateway.stopping.wait()
                return
            payload = json.dumps(reply.body).encode() if reply.drip is None else b""
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(reply.length or len(payload)))
            self.end_headers()
            if reply.drip is None:
                self.wfile.write(payload)
                return
            for _ in range(reply.length):
                if gateway.stopping.wait(reply.drip):
                    return
                self.wfile.write(b"x")
                self.wfile.flush()

    return Handler


def serve() -> Iterator[Gateway]:
    """A running gateway (a generator for a fixture: stopped after the test)."""
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    server.daemon_threads = True
    gateway.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        gateway.stopping.set()
        server.shutdown()
        server.server_close()


@dataclass
class RawRun:
    """A finished command, its output as bytes (to see exactly what reached the terminal)."""

    code: int
    stdout: bytes
    stderr: bytes
    ended: float
    """time.monotonic() when the process had exited."""


def run_raw(base_url: str, *args: str | bytes, stdin: bytes = b"", timeout: float = 60) -> RawRun:
    """Run the real entry point; `args` may be bytes (a non-UTF-8 argument)."""
    import subprocess

    from tests.cli.conftest import CLI, cli_env

    result = subprocess.run(
        [CLI, *args], env=cli_env(base_url), input=stdin, capture_output=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    return RawRun(result.returncode, result.stdout, result.stderr, time.monotonic())
