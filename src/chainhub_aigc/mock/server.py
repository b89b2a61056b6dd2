"""Running the mock: uvicorn in a background thread (`MockServer`) or in the foreground.

Both bind a socket first (port 0 picks a free port, so tests never collide) and hand it to
uvicorn, with the fastest HTTP parser installed (httptools, else h11), uvloop when installed,
no access log, and a protocol subclass that gives the app a way to reset its connection (the
`chainhub.mock.abort` scope extension, see `app.py`): fault injection needs that and uvicorn
has no public API for it. The subclass only wraps the protocol's `app` attribute, which both
of uvicorn's HTTP/1.1 protocols read per request.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from chainhub_aigc.mock.app import ABORT_EXTENSION, MockApp
from chainhub_aigc.mock.config import MockConfig
from chainhub_aigc.mock.state import MockState

START_TIMEOUT = 30.0  # seconds to wait for the server to listen


def http_implementation() -> str:
    return "httptools" if importlib.util.find_spec("httptools") is not None else "h11"


def abortable_protocol(http: str | None = None) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol class for `http`, able to abort its connection on request."""
    http = http or http_implementation()
    base: type[Any]
    if http == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    else:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol

    class AbortableProtocol(base):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
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

    AbortableProtocol.__name__ = f"Abortable{base.__name__}"
    return AbortableProtocol


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
    """uvicorn's server, telling when it listens."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self._on_ready()


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
    server = _Server(uvicorn_config(mock.app), lambda: on_ready(url) if on_ready else None)
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
        self._server = _Server(uvicorn_config(self.mock.app), ready.set)
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
