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

import time
import zlib

import anyio
import httpx

from ._core import BadBody, Exchange, Send

ACCEPT_ENCODING = "gzip, deflate"
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


def attempt_budget(effect: Send) -> float | None:
    """The seconds one attempt may take in all: the timeout's read value (the overall
    timeout), or the time left of the caller's deadline if shorter; None: no bound."""
    budget = effect.timeout.read
    if effect.time_left is not None:
        budget = effect.time_left if budget is None else min(budget, effect.time_left)
    return None if budget is None else max(budget, 0.001)


def _capped(timeout: httpx.Timeout, budget: float | None) -> httpx.Timeout:
    if budget is None:
        return timeout

    def cap(value: float | None) -> float:
        return budget if value is None else min(value, budget)

    return httpx.Timeout(
        connect=cap(timeout.connect), read=cap(timeout.read),
        write=cap(timeout.write), pool=cap(timeout.pool),
    )  # fmt: skip


# auth=None on send: the API's credential is the SDK's key, whatever auth an injected
# http_client has (it would replace the Authorization header).
def _build(
    http: httpx.Client | httpx.AsyncClient, effect: Send, budget: float | None
) -> httpx.Request:
    headers = dict(effect.headers)
    headers.setdefault("Accept-Encoding", ACCEPT_ENCODING)
    return http.build_request(
        effect.method, effect.url, headers=headers, content=effect.content,
        timeout=_capped(effect.timeout, budget),
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


def _timed_out(request: httpx.Request, budget: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"the attempt took longer than {budget:g} s in all", request=request)


def send_sync(http: httpx.Client, effect: Send) -> Exchange:
    """Perform a :class:`Send` with httpx.Client; never raises for what the server does."""
    budget = attempt_budget(effect)
    deadline = None if budget is None else time.monotonic() + budget
    try:
        request = _build(http, effect, budget)
        response = http.send(request, stream=True, auth=None)
        try:
            whole = _read_already(response, effect.max_bytes)
            if whole is not None:
                return whole
            decoder = _decoder(response, effect.max_bytes)
            timeouts = request.extensions.get("timeout")
            if deadline is not None and isinstance(timeouts, dict):
                # read once per body by httpcore: the body's reads get the time left
                timeouts["read"] = max(deadline - time.monotonic(), 0.001)
            for chunk in response.iter_raw():
                decoder.feed(chunk)
                if deadline is not None and time.monotonic() > deadline:
                    assert budget is not None
                    raise _timed_out(request, budget)
            body = decoder.finish()
        finally:
            response.close()
    except (httpx.HTTPError, httpx.InvalidURL, BadBody) as exc:
        return Exchange(None, exc)
    return Exchange(_complete(response, body))


async def send_async(http: httpx.AsyncClient, effect: Send) -> Exchange:
    """Perform a :class:`Send` with httpx.AsyncClient; see :func:`send_sync`."""
    budget = attempt_budget(effect)
    request: httpx.Request | None = None
    try:
        with anyio.fail_after(budget):
            request = _build(http, effect, budget)
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
        return Exchange(
            None, _timed_out(request or httpx.Request(effect.method, effect.url), budget)
        )
    except (httpx.HTTPError, httpx.InvalidURL, BadBody) as exc:
        return Exchange(None, exc)
    return Exchange(_complete(response, body))
