"""A scripted hostile HTTP server on loopback, for the SDK and CLI tests of a broken gateway.

One asyncio event loop in a background thread serves `http://127.0.0.1:<free port>`. Each
request is answered by the next *scenario* of the script (then by `fallback`, if set); every
request is recorded (method, target, headers, body) with the bytes sent back. One request per
connection: the server closes the connection when a scenario returns, and the ready-made
scenarios say `Connection: close`, so no client reuses a connection the server has dropped.

A scenario is an async function `(request, responder) -> None` that writes anything at all,
valid HTTP or not. Ready-made ones (each a factory returning a scenario):

- `respond(status, body, headers=...)`: any status line, headers, body; `body` and `headers`
  may be functions of the request (to echo what it carried, e.g. the key);
- `json_body(obj)` / `json_text(text)`: a JSON answer from data, or from raw JSON text (for
  escapes such as `\\/` and `\\uXXXX` that `json.dumps` would not write);
- `stream(total, content_length=..., chunked=...)`: `total` bytes, or endless (`total=None`),
  with a true, false or no Content-Length, or chunked;
- `gzip_bomb(decoded_size)`: a small gzip body that decodes to `decoded_size` bytes;
- `drip(body, bytes_per_second)`: the head at once, then the body a few bytes at a time;
- `hang()`: read the request and never answer (until the client or the server gives up);
- `redirect(location)`: a 302 (or another status) to any URL, `http://` included.

Helpers for secrets: `bearer_key(request)` is the key the request carried, and
`json_escaped_slashes` / `json_escaped_unicode` / `nested(value, depth)` hide it in a body.

Use it through the `hostile` fixture (tests/hostile/conftest.py), or as a context manager::

    with HostileServer() as server:
        server.script(respond(503, b"busy"), json_body({"Response": {...}}))
        ... point a client at server.url ...
        assert server.requests[0].header("authorization") == "Bearer k"
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import threading
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Exchange",
    "HostileServer",
    "ReceivedRequest",
    "Responder",
    "Scenario",
    "bearer_key",
    "drip",
    "gzip_bomb",
    "hang",
    "json_body",
    "json_escaped_slashes",
    "json_escaped_unicode",
    "json_text",
    "nested",
    "redirect",
    "respond",
    "stream",
]

HeaderList = Sequence[tuple[str, str]]
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect",
            308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
            404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable"}  # fmt: skip
_MAX_HEAD = 256 * 1024  # a request head larger than this is not one the tests send


@dataclass(frozen=True)
class ReceivedRequest:
    """A request as the server received it (header names lowercased, in order)."""

    method: str
    target: str
    """The request target: path and query, as sent."""
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header `name` (any case), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Exchange:
    """One request and what the server managed to send back."""

    request: ReceivedRequest
    bytes_sent: int = 0
    """Bytes written to the socket (head included); a client that stops reading stops it."""
    finished: bool = False
    """The scenario ran to its end (not cut short by the client or the server stopping)."""


class Responder:
    """Writes the answer of one exchange; every write waits until the socket takes it, so an
    endless scenario is paced by the client's reading and ends when the client goes away."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, exchange: Exchange
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._exchange = exchange

    async def client_gone(self) -> None:
        """Return once the client has closed its side of the connection."""
        while await self._reader.read(64 * 1024):
            pass

    async def send(self, data: bytes) -> None:
        """Write raw bytes. Raises ConnectionError once the client has gone."""
        if self._writer.is_closing():
            raise ConnectionResetError("client gone")
        self._writer.write(data)
        await self._writer.drain()
        self._exchange.bytes_sent += len(data)

    async def head(
        self, status: int, headers: HeaderList = (), *, reason: str | None = None
    ) -> None:
        """Write the status line and headers (nothing is added: say what you mean)."""
        reason = _REASONS.get(status, "Whatever") if reason is None else reason
        lines = [f"HTTP/1.1 {status} {reason}".encode("latin-1")]
        lines += [f"{name}: {value}".encode("latin-1") for name, value in headers]
        await self.send(b"\r\n".join(lines) + b"\r\n\r\n")


Scenario = Callable[[ReceivedRequest, Responder], Awaitable[None]]
Body = bytes | str | Callable[[ReceivedRequest], bytes | str]
Headers = HeaderList | Callable[[ReceivedRequest], HeaderList]


def bearer_key(request: ReceivedRequest) -> str:
    """The key of the request's `Authorization: Bearer <key>` header ('' if none)."""
    value = request.header("authorization") or ""
    return value.split(" ", 1)[1] if value.lower().startswith("bearer ") else ""


def json_escaped_slashes(text: str) -> str:
    """`text` as the inside of a JSON string with every `/` written `\\/` (valid JSON)."""
    return json.dumps(text)[1:-1].replace("/", "\\/")


def json_escaped_unicode(text: str) -> str:
    """`text` as the inside of a JSON string with every character written `\\uXXXX`."""
    return "".join(f"\\u{ord(char):04x}" for char in text)


def nested(value: Any, depth: int) -> Any:
    """`value` inside `depth` levels of alternating lists and objects."""
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def _resolve_body(body: Body, request: ReceivedRequest) -> bytes:
    if callable(body):
        body = body(request)
    return body.encode() if isinstance(body, str) else body


def _resolve_headers(headers: Headers, request: ReceivedRequest) -> list[tuple[str, str]]:
    return list(headers(request) if callable(headers) else headers)


def _with_close(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if not any(name.lower() == "connection" for name, _ in headers):
        headers.append(("Connection", "close"))
    return headers


def respond(
    status: int = 200,
    body: Body = b"",
    *,
    headers: Headers = (),
    reason: str | None = None,
    content_length: int | bool | None = True,
) -> Scenario:
    """Any status, headers and body. `content_length`: True (the body's true length), False
    (none: the body ends when the connection closes) or a number (a lie)."""

    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        data = _resolve_body(body, request)
        head = _with_close(_resolve_headers(headers, request))
        if content_length is True:
            head.append(("Content-Length", str(len(data))))
        elif content_length is not False and content_length is not None:
            head.append(("Content-Length", str(content_length)))
        await out.head(status, head, reason=reason)
        await out.send(data)

    return scenario


def json_text(
    text: str | Callable[[ReceivedRequest], str], status: int = 200, *, headers: Headers = ()
) -> Scenario:
    """A JSON answer from raw JSON text (written as is)."""

    def all_headers(request: ReceivedRequest) -> HeaderList:
        return [("Content-Type", "application/json"), *_resolve_headers(headers, request)]

    return respond(status, text, headers=all_headers)


def json_body(
    obj: Any | Callable[[ReceivedRequest], Any], status: int = 200, *, headers: Headers = ()
) -> Scenario:
    """A JSON answer from data (or from a function of the request returning data)."""

    def text(request: ReceivedRequest) -> str:
        return json.dumps(obj(request) if callable(obj) else obj)

    return json_text(text, status, headers=headers)


def stream(
    total: int | None = None,
    *,
    status: int = 200,
    headers: Headers = (("Content-Type", "application/json"),),
    content_length: int | bool | None = True,
    chunked: bool = False,
    prefix: bytes = b"",
    fill: bytes = b" ",
    chunk_size: int = 64 * 1024,
) -> Scenario:
    """`prefix`, then `fill` repeated up to `total` bytes in all, or forever (`total=None`).

    Framing: `chunked`, or a Content-Length that is the truth (`True`, needs `total`), absent
    (`False`/`None`: the body runs to the connection's end) or a number (a lie)."""
    block = (fill * (chunk_size // len(fill) + 1))[:chunk_size]

    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        head = _with_close(_resolve_headers(headers, request))
        if chunked:
            head.append(("Transfer-Encoding", "chunked"))
        elif content_length is True:
            if total is None:
                raise ValueError("an endless body has no true Content-Length")
            head.append(("Content-Length", str(total)))
        elif content_length is not False and content_length is not None:
            head.append(("Content-Length", str(content_length)))
        await out.head(status, head)
        left = total
        pending = prefix
        while left is None or left > 0:
            data = pending or block
            pending = b""
            if left is not None:
                data = data[:left]
                left -= len(data)
            await out.send(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        if chunked:
            await out.send(b"0\r\n\r\n")

    return scenario


@functools.lru_cache(maxsize=4)
def _gzip_of_zeros(decoded_size: int, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1024 * 1024)
    parts = []
    for start in range(0, decoded_size, len(block)):
        parts.append(compressor.compress(block[: decoded_size - start]))
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb(
    decoded_size: int,
    *,
    status: int = 200,
    encoding: str = "gzip",
    content_type: str = "application/json",
    headers: Headers = (),
) -> Scenario:
    """A body of `decoded_size` zero bytes, compressed (about 1,000 to 1): `encoding` is
    "gzip" or "deflate" (zlib-wrapped). The compressed bytes are made on the first request
    (not when the test module is imported) and cached per size."""
    wbits = 31 if encoding == "gzip" else 15

    def payload(request: ReceivedRequest) -> bytes:
        return _gzip_of_zeros(decoded_size, wbits)

    def all_headers(request: ReceivedRequest) -> HeaderList:
        extra = _resolve_headers(headers, request)
        return [("Content-Type", content_type), ("Content-Encoding", encoding), *extra]

    return respond(status, payload, headers=all_headers)


def drip(
    body: Body,
    bytes_per_second: float = 1.0,
    *,
    status: int = 200,
    headers: Headers = (("Content-Type", "application/json"),),
    content_length: bool = True,
    step: int = 1,
) -> Scenario:
    """The head at once, then the body `step` bytes at a time, `bytes_per_second` on average.
    The true Content-Length is sent unless `content_length=False`."""

    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        data = _resolve_body(body, request)
        head = _with_close(_resolve_headers(headers, request))
        if content_length:
            head.append(("Content-Length", str(len(data))))
        await out.head(status, head)
        for start in range(0, len(data), step):
            await out.send(data[start : start + step])
            await asyncio.sleep(step / bytes_per_second)

    return scenario


def hang() -> Scenario:
    """Read the request, never answer: the connection stays open until the client closes it
    or the server stops."""

    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        await out.client_gone()

    return scenario


def redirect(location: str, status: int = 302, *, headers: Headers = ()) -> Scenario:
    """A redirect to `location` (any URL, `http://` to another host included)."""

    def all_headers(request: ReceivedRequest) -> HeaderList:
        return [("Location", location), *_resolve_headers(headers, request)]

    return respond(status, b"", headers=all_headers)


def _no_scenario_left(server: HostileServer) -> Scenario:
    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        server.errors.append(f"no scenario left for {request.method} {request.target}")
        await respond(599, b"hostile server: no scenario left")(request, out)

    return scenario


@dataclass
class HostileServer:
    """The server (see the module docstring). Start with `start()` or `with`; `url` is its
    base URL. `script(...)` queues scenarios, `fallback` answers once the queue is empty (a
    request with neither gets status 599 and an entry in `errors`)."""

    fallback: Scenario | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """What went wrong on the server's side (an unexpected request, a scenario's crash)."""
    host: str = "127.0.0.1"
    port: int = 0
    _queue: list[Scenario] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return [exchange.request for exchange in self.exchanges]

    def script(self, *scenarios: Scenario) -> HostileServer:
        """Queue `scenarios`, answered one per request in order."""
        with self._lock:
            self._queue.extend(scenarios)
        return self

    def reset(self, *scenarios: Scenario, fallback: Scenario | None = None) -> HostileServer:
        """Forget the queue, the records and the fallback; queue `scenarios`."""
        with self._lock:
            self._queue[:] = scenarios
            self.exchanges.clear()
            self.errors.clear()
            self.fallback = fallback
        return self

    def _next(self) -> Scenario:
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
            return self.fallback or _no_scenario_left(self)

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> HostileServer:
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            self._server = loop.run_until_complete(
                asyncio.start_server(self._serve, self.host, self.port, limit=_MAX_HEAD)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=run, name="hostile-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the hostile server did not start")
        return self

    def stop(self) -> None:
        """Close every connection (hung scenarios included) and stop the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- one connection -------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            request = await _read_request(reader)
            if request is None:
                return
            exchange = Exchange(request)
            with self._lock:
                self.exchanges.append(exchange)
            try:
                await self._next()(request, Responder(reader, writer, exchange))
                exchange.finished = True
            except (ConnectionError, asyncio.IncompleteReadError):
                pass  # the client went away: that is what hostile scenarios are for
            except Exception as error:  # a broken scenario: report it, do not kill the loop
                with self._lock:
                    self.errors.append(f"scenario crashed: {error!r}")
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # stop(): end quietly (asyncio would log a cancelled connection task)
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> ReceivedRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None  # a connection closed before sending a request
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = tuple(_split_header(line) for line in lines[1:] if line)
    request = ReceivedRequest(method, target, headers, b"")
    if (request.header("transfer-encoding") or "").lower() == "chunked":
        body = b"".join([chunk async for chunk in _read_chunks(reader)])
    else:
        body = await reader.readexactly(int(request.header("content-length") or 0))
    return ReceivedRequest(method, target, headers, body)


def _split_header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


async def _read_chunks(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return
        yield await reader.readexactly(size)
        await reader.readexactly(2)
