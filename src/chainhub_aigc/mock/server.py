"""Running the mock: uvicorn in a background thread (`MockServer`) or in the foreground.

Both bind a socket first (port 0 picks a free port, so tests never collide) and hand it to
uvicorn, with the fastest HTTP parser installed (httptools, else h11), uvloop when installed,
no access log, and a protocol subclass that adds what uvicorn lacks:

- a way for the app to reset its connection (the `chainhub.mock.abort` scope extension, see
  `app.py`): fault injection needs it. The subclass wraps the protocol's `app` attribute,
  which both of uvicorn's HTTP/1.1 protocols read per request;
- a deadline for each request (`MockConfig.request_timeout`): uvicorn's own timeouts do not
  bound a client that sends a request slowly or never finishes it. `timeout_keep_alive` is
  armed only after a response and cancelled by the first byte of the next request, so a
  connection that opens and stays silent, or stops mid-request line, mid-headers or mid-body,
  is held forever (one file descriptor each, until the process runs out);
  `limit_concurrency` answers 503 to new clients once held connections reach it, which is the
  outage itself; `h11_max_incomplete_event_size` bounds the headers' bytes under h11 only,
  never their time. Here each connection records when its current request began (its first
  byte; for a new connection, its opening) and when the whole request has arrived; once per
  tick (`_Server.on_tick`) the server closes those past the deadline: with a 408 in the
  envelope when part of a request came, silently when nothing did. Time during which the
  server itself stopped reading (flow control: the app has not taken the body yet, as under
  an injected latency) does not count against the client. Idle time between two requests is
  `timeout_keep_alive`'s business;
- a bound on the bytes of a request line and headers (`MAX_HEAD_BYTES`): httptools has none,
  and uvicorn keeps what it parses, so endless headers would grow memory without end.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from chainhub_aigc.mock.app import ABORT_EXTENSION, MockApp, new_request_id
from chainhub_aigc.mock.config import MockConfig
from chainhub_aigc.mock.state import MockState

_logger = logging.getLogger("uvicorn.error")  # where uvicorn reports its connections' trouble
START_TIMEOUT = 30.0  # seconds to wait for the server to listen
MAX_HEAD_BYTES = 64 * 1024  # request line and headers of one request (h11's own bound is 16 KB)


def http_implementation() -> str:
    return "httptools" if importlib.util.find_spec("httptools") is not None else "h11"


def _raw_error(status: int, reason: str, code: str, message: str) -> bytes:
    """A whole HTTP/1.1 error answer in the API's envelope, closing the connection."""
    body = json.dumps(
        {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": new_request_id()}}
    ).encode("ascii")
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def abortable_protocol(http: str | None = None) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol class for `http`, able to abort its connection on request, with
    a clock on each request and a bound on its headers (see the module's docstring)."""
    http = http or http_implementation()
    base: type[Any]
    if http == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    else:
        import h11
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol

    class AbortableProtocol(base):  # type: ignore[misc]
        # Per connection: loop time at which the current request began (None while no request
        # is owed: between a request's last byte and the next one's first), bytes of its head
        # seen so far, and whether its head is complete.
        request_since: float | None
        head_bytes: int
        head_done: bool

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.request_since = None
            self.head_bytes = 0
            self.head_done = False
            inner: ASGIApp = getattr(self, "app")  # noqa: B009  (mypy cannot see it through the dynamic base)

            def abort() -> None:
                transport = getattr(self, "transport", None)
                if transport is not None:
                    transport.abort()  # RST: the client gets no byte of a response

            async def app(scope: Scope, receive: Receive, send: Send) -> None:
                extensions = scope.get("extensions")
                if extensions is None:
                    scope["extensions"] = extensions = {}
                extensions[ABORT_EXTENSION] = abort
                await inner(scope, receive, send)

            self.app = app

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self.request_since = self.loop.time()  # a new connection owes a request

        def data_received(self, data: bytes) -> None:
            if self.request_since is None:  # the first byte of the next request
                self.request_since = self.loop.time()
                self.head_bytes = 0
                self.head_done = False
            super().data_received(data)
            # Still in the head after parsing: every byte of this chunk was head (the chunk
            # that completes the head sets head_done, the one that completes the request
            # clears request_since).
            if not self.head_done and self.request_since is not None:
                self.head_bytes += len(data)
                if self.head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                    self.transport.write(
                        _raw_error(
                            431,
                            "Request Header Fields Too Large",
                            "RequestSizeLimitExceeded",
                            f"the request line and headers are larger than {MAX_HEAD_BYTES} bytes",
                        )
                    )
                    self.transport.close()

        if http == "httptools":  # the parser's callbacks

            def on_headers_complete(self) -> None:
                self.head_done = True
                super().on_headers_complete()

            def on_message_complete(self) -> None:
                self.request_since = None
                super().on_message_complete()

        else:  # h11: read the connection's state after each batch of events

            def handle_events(self) -> None:
                super().handle_events()
                state = self.conn.their_state
                if state is h11.SEND_BODY:
                    self.head_done = True
                elif state is not h11.IDLE:  # DONE (or closing): the whole request is in
                    self.request_since = None

        def server_turn(self) -> bool:
            """True while the server, not the client, holds the request up: it stopped
            reading (flow control), or it owes an `Expect: 100-continue` its answer."""
            cycle = self.cycle
            return bool(
                self.flow.read_paused
                or (
                    self.head_done
                    and cycle is not None
                    and getattr(cycle, "waiting_for_100_continue", False)
                )
            )

        def expire(self, now: float, timeout: float) -> None:
            """Close this connection if its current request is not all in after `timeout`."""
            since = self.request_since
            if since is None:
                return
            if self.server_turn():
                self.request_since = now  # time the server takes is not the client's
                return
            if now - since < timeout:
                return
            transport = self.transport
            if transport.is_closing():  # closed at an earlier tick and still not gone
                transport.abort()
                return
            cycle = self.cycle
            answering = (
                cycle is not None
                and cycle.response_started
                and (self.head_done or not cycle.response_complete)
            )
            if (self.head_bytes or self.head_done) and not answering:
                transport.write(
                    _raw_error(
                        408,
                        "Request Timeout",
                        "InvalidRequest",
                        f"the request was not received in full within {timeout:g} seconds",
                    )
                )
            transport.close()

    AbortableProtocol.__name__ = f"Abortable{base.__name__}"
    return AbortableProtocol


def expire_requests(connections: Iterable[Any], now: float, timeout: float) -> None:
    """Close every connection whose current request has taken longer than `timeout`."""
    for connection in list(connections):
        expire = getattr(connection, "expire", None)
        if expire is None:
            continue
        try:
            expire(now, timeout)
        except Exception:  # never let one connection stop the server's tick (uvicorn would exit)
            _logger.exception("checking a request's deadline failed; the connection is closed")
            connection.transport.abort()


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def uvicorn_config(app: ASGIApp, **overrides: Any) -> uvicorn.Config:
    options: dict[str, Any] = {
        "http": abortable_protocol(),
        "loop": "auto",  # uvloop when installed
        "lifespan": "off",
        "proxy_headers": False,  # loopback, no proxy in front: skip the per-request middleware
        "access_log": False,
        "log_level": "warning",
        "timeout_keep_alive": 30,
        "backlog": 2048,
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)


class _Server(uvicorn.Server):
    """uvicorn's server, telling when it listens, and enforcing the request deadline."""

    def __init__(
        self, config: uvicorn.Config, on_ready: Callable[[], None], request_timeout: float
    ) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self._request_timeout = request_timeout
        # uvicorn ticks every 0.1 s; a connection is checked a few times per timeout, at most
        # once a second (a cost per tick that grows with the connections, never per request).
        self._ticks_per_check = max(1, min(10, int(request_timeout * 10 / 4)))

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self._on_ready()

    async def on_tick(self, counter: int) -> bool:
        if counter % self._ticks_per_check == 0:
            now = asyncio.get_running_loop().time()
            expire_requests(self.server_state.connections, now, self._request_timeout)
        return await super().on_tick(counter)


def serve_forever(
    config: MockConfig,
    host: str = "127.0.0.1",
    port: int = 4010,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until SIGINT/SIGTERM (uvicorn then re-raises SIGINT)."""
    mock = MockApp(config)
    # Everything built so far (modules, the spec, validators) lives as long as the process:
    # out of the collector's sight, a full collection scans only what requests create.
    gc.collect()
    gc.freeze()
    sock = bind_socket(host, port)
    url = _url(host, sock.getsockname()[1])
    server = _Server(
        uvicorn_config(mock.app),
        lambda: on_ready(url) if on_ready else None,
        config.request_timeout,
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class MockServer:
    """The mock on a real socket, served by uvicorn in a daemon thread.

    with MockServer(MockConfig(...), host="127.0.0.1", port=0) as server:
        server.base_url   # http://127.0.0.1:PORT
        server.state      # MockState: .tasks, .session_creates
    """

    def __init__(
        self,
        config: MockConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        spec: dict[str, Any] | None = None,
    ) -> None:
        self.config = config or MockConfig()
        self.host = host
        self.port = port
        self.mock = MockApp(self.config, spec)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def app(self) -> ASGIApp:
        return self.mock.app

    @property
    def state(self) -> MockState:
        return self.mock.state

    @property
    def base_url(self) -> str:
        return _url(self.host, self.port)

    def start(self) -> MockServer:
        if self._thread is not None:
            raise RuntimeError("the mock server is already running")
        self._socket = bind_socket(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        ready = threading.Event()
        self._server = _Server(
            uvicorn_config(self.mock.app), ready.set, self.config.request_timeout
        )
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"chainhub-mock-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mock server did not start on {self.base_url}")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
