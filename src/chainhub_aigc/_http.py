"""The I/O half of an API request: send it, read its answer within a byte cap and a deadline.

A gateway may answer with a body that never ends, a small gzip body that decodes to gigabytes,
or one byte a second. So the body is streamed raw and decoded here (gzip and deflate only;
the request asks for nothing else), counting the *decoded* bytes, and reading stops past
``Send.max_bytes``; and each attempt has one deadline, connect to last byte, rather than a
timeout per socket read. The sync driver checks the deadline between chunks and lowers the
read timeout to the time left once the head is in; the async driver wraps the whole attempt
in ``anyio.fail_after`` (asyncio and trio alike).
"""

from __future__ import annotations

import functools
import ssl
import time
import zlib
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

import anyio
import httpcore
import httpx

from ._core import BadBody, Exchange, Send

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class BoundedDecoder:
    """Decodes a body (identity, gzip or deflate) chunk by chunk, keeping at most ``cap``
    decoded bytes: one byte more raises :class:`BadBody`."""

    def __init__(self, encoding: str | None, cap: int, status: int) -> None:
        self.cap = cap
        self.status = status
        self.size = 0
        self._parts: list[bytes] = []
        self._name = (encoding or "identity").strip().lower()
        self._raw_deflate_tried = False
        if self._name in ("", "identity"):
            self._z: zlib._Decompress | None = None
        elif self._name in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._name == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise BadBody(status, f"the answer's Content-Encoding {encoding!r} is not accepted")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise BadBody(
                self.status,
                f"the answer is larger than max_response_bytes ({self.cap} bytes"
                + (", decoded" if self._z is not None else "")
                + "): not read further",
            )
        if data:
            self._parts.append(data)

    def feed(self, data: bytes) -> None:
        if self._z is None:
            self._add(data)
            return
        try:
            while data:
                self._add(self._z.decompress(data, self.cap - self.size + 1))
                data = self._z.unconsumed_tail
        except zlib.error as exc:
            if self._name == "deflate" and not self._raw_deflate_tried and self.size == 0:
                # "deflate" is zlib-wrapped by the standard, raw by some servers (as httpx does)
                self._raw_deflate_tried = True
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                self.feed(data)
                return
            raise BadBody(
                self.status, f"the {self._name} answer cannot be decoded ({exc})"
            ) from exc

    def finish(self) -> bytes:
        if self._z is not None:
            try:
                self._add(self._z.flush())
            except zlib.error as exc:
                raise BadBody(self.status, f"the {self._name} answer is truncated ({exc})") from exc
        return b"".join(self._parts)


# -- one deadline for every socket operation of an attempt (sync) ----------------------------
#
# httpx's timeouts are per socket operation: a server that drips its status line and headers
# a byte at a time never lets one read time out. So the SDK's sync transport runs on a network
# backend whose streams clamp every connect, read and write timeout to the time left until the
# attempt's deadline, held in a contextvar that only `send_sync` sets: no socket operation can
# outlive the attempt, and the same httpx client used outside the SDK's calls is unaffected.
# (The async driver needs none of this: `anyio.fail_after` cancels the attempt as a whole.)

_DEADLINE: ContextVar[float | None] = ContextVar("chainhub_aigc_attempt_deadline", default=None)
_WRITE_SLICE = 64 * 1024
# A timeout this close to the deadline is the deadline's (a socket timeout may end a hair
# early by the clock it uses).
_DEADLINE_SLACK = 0.01  # a long write is sent in slices, each bounded by the time left


def _time_left(timeout: float | None, late: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` lowered to the time left until the attempt's deadline; raises ``late``
    when none is left."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise late("the attempt's deadline has passed")
    return left if timeout is None or left < timeout else timeout


class _DeadlineStream(httpcore.NetworkStream):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), _WRITE_SLICE):
            piece = buffer[start : start + _WRITE_SLICE]
            self._inner.write(piece, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """A network backend whose streams obey the attempt's deadline (see above)."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self.inner.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def install_deadlines(http: httpx.Client) -> bool:
    """Put every connection pool of ``http`` (its transport and proxy mounts) on a
    :class:`DeadlineBackend`; True when all of them are (then a whole attempt is bounded
    socket by socket). A transport that is not httpx's own (``transport=``, a mock) is left
    alone, and False says so: ``send_sync`` then bounds the body only.

    Reaches into httpx's and httpcore's private attributes (``_transport``, ``_mounts``,
    ``_pool``, ``_network_backend``; pinned below httpx 1.0): neither takes a backend."""
    transports = [getattr(http, "_transport", None)]
    transports += list(getattr(http, "_mounts", {}).values())
    complete = True
    for transport in transports:
        if transport is None:  # a mount that disables a proxy: requests go nowhere else
            continue
        pool = (
            getattr(transport, "_pool", None)
            if isinstance(transport, httpx.HTTPTransport)
            else None
        )
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            complete = False
        elif not isinstance(backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return complete


def attempt_budget(effect: Send) -> float | None:
    """The seconds one attempt may take in all: the timeout's read value (the overall
    timeout), or the time left of the caller's deadline if shorter; None: no bound."""
    budget = effect.timeout.read
    if effect.time_left is not None:
        budget = effect.time_left if budget is None else min(budget, effect.time_left)
    return None if budget is None else max(budget, 0.001)


def _capped(timeout: httpx.Timeout, budget: float | None) -> dict[str, float | None]:
    """The request's timeouts (httpx's extension dict), each at most ``budget``."""
    if budget is None:
        return timeout.as_dict()

    def cap(value: float | None) -> float:
        return budget if value is None or value > budget else value

    return {
        "connect": cap(timeout.connect), "read": cap(timeout.read),
        "write": cap(timeout.write), "pool": cap(timeout.pool),
    }  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _parsed_url(url: str) -> httpx.URL:
    """The URL parsed once: a client sends the same few (the create, each task's query during
    its wait) again and again, and parsing one costs about as much as building the rest of the
    request (httpx.URL is immutable, so sharing it is safe)."""
    return httpx.URL(url)


# auth=None on send: the API's credential is the SDK's key, whatever auth an injected
# http_client has (it would replace the Authorization header).
def _build(
    http: httpx.Client | httpx.AsyncClient, effect: Send, budget: float | None, direct: bool
) -> httpx.Request:
    """The request of an attempt. ``direct``: built as is (the SDK's own client, whose
    default headers the SDK's replace and which has no base URL or params), unless a server
    set cookies, which go back as they would through ``build_request``."""
    url = _parsed_url(effect.url)
    if direct and not http.cookies:
        return httpx.Request(
            effect.method, url, headers=effect.headers, content=effect.content,
            extensions={"timeout": _capped(effect.timeout, budget)},
        )  # fmt: skip
    return http.build_request(
        effect.method, url, headers=effect.headers, content=effect.content,
        extensions={"timeout": _capped(effect.timeout, budget)},
    )  # fmt: skip


def _read_already(response: httpx.Response, cap: int) -> Exchange | None:
    """The exchange, if a transport handed the response over already read
    (httpx.MockTransport): its body under the same cap; None for a streamed one."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None
    decoder = BoundedDecoder(None, cap, response.status_code)
    decoder.feed(content)
    return Exchange(_complete(response, decoder.finish()))


def _decoder(response: httpx.Response, cap: int) -> BoundedDecoder:
    decoder = BoundedDecoder(response.headers.get("content-encoding"), cap, response.status_code)
    length = response.headers.get("content-length", "")
    if decoder._z is None and length.isdigit() and int(length) > cap:
        raise BadBody(
            response.status_code,
            f"the answer declares {int(length)} bytes, more than max_response_bytes ({cap})",
        )
    return decoder


def _complete(response: httpx.Response, body: bytes) -> httpx.Response:
    """The answer with its decoded body (closed: no socket behind it).

    An identity-encoded answer keeps its response object, its body set as httpx's own
    ``read()`` sets it (building a second Response costs as much as the rest of the SDK's
    work on a small answer); a decoded one is rebuilt without its encoding headers."""
    if "content-encoding" not in response.headers:
        response._content = body  # what Response.read() does; httpx is pinned below 1.0
        return response
    return httpx.Response(
        response.status_code,
        headers=[(k, v) for k, v in response.headers.multi_items() if k not in _DROPPED_HEADERS],
        content=body,
        request=response.request,
        extensions={
            key: value
            for key, value in response.extensions.items()
            if key in ("http_version", "reason_phrase")
        },
    )


def _timed_out(request: httpx.Request | None, effect: Send, budget: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        f"the attempt took longer than {budget:g} s in all",
        request=request or httpx.Request(effect.method, effect.url),
    )


def _small_identity(response: httpx.Response, cap: int) -> bool:
    """An answer that can be read in one go: not encoded, and a Content-Length (which h11
    holds the body to) within the cap."""
    headers = response.headers
    length = headers.get("content-length")
    return (
        length is not None
        and length.isdigit()
        and int(length) <= cap
        and "content-encoding" not in headers
    )


def _read_sync(
    response: httpx.Response, effect: Send, deadline: float | None, whole: bool
) -> httpx.Response:
    """The response with its body read, under the cap and the deadline."""
    cap = effect.max_bytes
    if whole and _small_identity(response, cap):
        # every socket read is bounded by the deadline (DeadlineBackend) and the body by
        # its Content-Length; the length check catches an already-read (mock) body's lie
        if len(response.read()) > cap:
            raise BadBody(
                response.status_code,
                f"the answer is larger than max_response_bytes ({cap} bytes): not read further",
            )
        return response
    whole_read = _read_already(response, cap)
    if whole_read is not None:
        assert whole_read.response is not None
        return whole_read.response
    decoder = _decoder(response, cap)
    timeouts = response.request.extensions.get("timeout")
    if not whole and deadline is not None and isinstance(timeouts, dict):
        # read once per body by httpcore: the body's reads get the time left
        timeouts["read"] = max(deadline - time.monotonic(), 0.001)
    for chunk in response.iter_raw():
        decoder.feed(chunk)
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the attempt's deadline has passed", request=response.request)
    return _complete(response, decoder.finish())


def send_sync(
    http: httpx.Client, effect: Send, *, whole: bool = False, direct: bool = False
) -> Exchange:
    """Perform a :class:`Send` with httpx.Client; never raises for what the server does.

    ``whole``: every connection pool of ``http`` is on a :class:`DeadlineBackend`
    (:func:`install_deadlines`), so the attempt's deadline bounds every socket operation,
    connect and head included; otherwise only the body's reads are bounded by it.
    ``direct``: ``http`` is the SDK's own client (see :func:`_build`)."""
    budget = attempt_budget(effect)
    deadline = None if budget is None else time.monotonic() + budget
    token = _DEADLINE.set(deadline) if whole else None
    request: httpx.Request | None = None
    try:
        request = _build(http, effect, budget, direct)
        response = http.send(request, stream=True, auth=None)
        try:
            return Exchange(_read_sync(response, effect, deadline, whole))
        finally:
            response.close()
    except (httpx.HTTPError, httpx.InvalidURL, BadBody) as exc:
        if (
            isinstance(exc, httpx.TimeoutException)
            and deadline is not None
            and time.monotonic() >= deadline - _DEADLINE_SLACK
        ):
            assert budget is not None
            return Exchange(None, _timed_out(request, effect, budget))
        return Exchange(None, exc)
    finally:
        if token is not None:
            _DEADLINE.reset(token)


async def send_async(http: httpx.AsyncClient, effect: Send, *, direct: bool = False) -> Exchange:
    """Perform a :class:`Send` with httpx.AsyncClient; see :func:`send_sync`. The attempt
    is bounded as a whole by ``anyio.fail_after``, whatever the client."""
    budget = attempt_budget(effect)
    request: httpx.Request | None = None
    try:
        with anyio.fail_after(budget):
            request = _build(http, effect, budget, direct)
            response = await http.send(request, stream=True, auth=None)
            try:
                whole = _read_already(response, effect.max_bytes)
                if whole is not None:
                    return whole
                decoder = _decoder(response, effect.max_bytes)
                async for chunk in response.aiter_raw():
                    decoder.feed(chunk)
                body = decoder.finish()
            finally:
                await response.aclose()
    except TimeoutError:
        assert budget is not None
        return Exchange(None, _timed_out(request, effect, budget))
    except (httpx.HTTPError, httpx.InvalidURL, BadBody) as exc:
        return Exchange(None, exc)
    return Exchange(_complete(response, body))
