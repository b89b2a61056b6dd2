"""The ASGI application: Starlette routes built from the spec, one lean request pipeline.

A request to an API route goes through, in order: method (405 with `Allow`, from the spec's
methods for that path), bearer auth (401), the rate limits of `--rate-limits` (429: a refused
request draws no fault and creates nothing), faults (`X-Mock-Fault`, or a seeded draw), the
parameters and the body (413 past the size limit, counted as the body streams in and checked
against Content-Length first; 400 for a wrong content type, bad UTF-8, bad JSON, or schema
violations, all of them listed with their JSON path), then the operation's handler. Errors
use the Tencent envelope `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.

Mock-only routes, outside the spec (and so outside schemathesis' reach):
    GET  /openapi.json                      the spec the mock was built from, as JSON
    GET  /_mock/tasks                       tasks, session_id create counts, requests
                                            refused by the rate limits (`rate_limited`), config
    POST /_mock/reset                       forget every task and session_id, reseed faults
                                            and durations, refill the rate-limit buckets
    GET  /_mock/files/{task_id}/{name}      the output file of a finished task (no auth,
                                            like a CDN URL: downloads carry no credentials)
Every other /_mock/ path, and the two above, answer 401 without a valid bearer token (before
their method or existence is checked), in the API's envelope.

Dropping a connection ("drop", "lost-response") needs the server's transport, which ASGI does
not expose. The mock's own server (`MockServer`, the command line) runs uvicorn with a
protocol subclass that puts the transport's `abort()` in the scope, under the extension
`chainhub.mock.abort`: the connection is reset with no byte of a response, and the client
sees a connection error (httpx: RemoteProtocolError or ReadError). Elsewhere (httpx's
ASGITransport, another server) the mock raises `MockConnectionDropped` after starting a
response it never completes: in-process clients get the exception, a real server closes the
connection mid-response. Either way the client never sees a valid response.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Iterable
from itertools import islice
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from chainhub_aigc.mock.config import (
    DEFAULT_TASK_FAILURE,
    DROP,
    FAULT_HEADER,
    LATENCY,
    LOST_RESPONSE,
    MAX_LATENCY,
    RATE_LIMIT,
    TASK_FAIL,
    TASK_FAILURES,
    UNAVAILABLE,
    Fault,
    FaultSyntaxError,
    MockConfig,
    parse_faults,
)
from chainhub_aigc.mock.spec import Operation, load_spec, operations, route_path
from chainhub_aigc.mock.state import MockState, TaskFailure
from chainhub_aigc.mock.synth import CannedAnswer, canned_answer
from chainhub_aigc.mock.tasks import FILES_PREFIX, ApiError, Behaviour, ValidRequest

ABORT_EXTENSION = "chainhub.mock.abort"
JSON_MEDIA_TYPE = "application/json"
MAX_LISTED_VIOLATIONS = 50  # the message lists every violation up to this many
MAX_VIOLATION_LENGTH = 300  # characters of one violation (they quote the offending value)

# Compact, ASCII-only JSON (a lone surrogate can never make encoding fail), no NaN.
_encode = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _parse_int(text: str) -> int:
    # JSON integers are unbounded; one beyond the double range can be neither a number field
    # (float() overflows) nor in any limit of the spec, so it is refused like an infinite float.
    value = int(text)
    if abs(value) > _MAX_DOUBLE:
        raise ValueError(f"the number {text[:40]}... is out of range")
    return value


_MAX_DOUBLE = int(sys.float_info.max)
_decode = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int
).decode
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

# jsonschema-rs error kinds (normalised) that mean "a value out of its allowed set or range";
# any other kind (type, required, ...) means a malformed request.
_VALUE_KINDS = frozenset(
    {
        "enum",
        "const",
        "maximum",
        "minimum",
        "exclusivemaximum",
        "exclusiveminimum",
        "maxlength",
        "minlength",
        "maxitems",
        "minitems",
        "maxproperties",
        "minproperties",
        "pattern",
        "format",
        "multipleof",
        "uniqueitems",
    }
)
# Tencent's specific codes for some violations (API.md section 2).
_SPECIFIC_CODES = {
    ("/session_id", "maxlength"): "InvalidParameterValue.SessionIdTooLong",
    ("/session_context", "maxlength"): "InvalidParameterValue.SessionContextTooLong",
}


def new_request_id() -> str:
    """A random (version 4) UUID, as Tencent's RequestIds are; str(uuid4()) at a third of the
    cost, which shows on the hot path."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


class MockConnectionDropped(ConnectionError):
    """Raised to drop a connection where the server gives the mock no transport to abort."""


class JSONReply:
    """A JSON answer, sent straight to ASGI: Starlette's Response would recompute headers
    through several layers on every request, which shows on the hot path."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self.body)).encode("ascii")),
        ]
        if self.headers:
            raw += [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()
            ]
        await send({"type": "http.response.start", "status": self.status, "headers": raw})
        await send({"type": "http.response.body", "body": self.body})


AnyReply = JSONReply | Response  # what a route answers


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> JSONReply:
    return JSONReply(status, _encode(body).encode("ascii"), headers)


def error_response(
    status: int,
    code: str,
    message: str,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONReply:
    body = {
        "Response": {
            "Error": {"Code": code, "Message": message},
            "RequestId": request_id or new_request_id(),
        }
    }
    return json_response(status, body, headers)


class DropConnection(Response):
    """A "response" that closes the connection without sending anything (see the docstring)."""

    def __init__(self) -> None:
        super().__init__(b"", 200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        abort = (scope.get("extensions") or {}).get(ABORT_EXTENSION)
        if abort is not None:
            abort()
            # Wait until the server has seen the connection go, so that it does not answer
            # 500 for an application that "returned without starting a response".
            async with asyncio.timeout(5):
                for _ in range(10_000):
                    if (await receive())["type"] == "http.disconnect":
                        return
            return
        await send(
            {
                "type": "http.response.start",
                "status": 502,
                "headers": [(b"content-length", b"1"), (b"connection", b"close")],
            }
        )
        raise MockConnectionDropped("the mock dropped the connection (fault injection)")


class _Silent(Response):
    """Nothing to send: the client has gone."""

    def __init__(self) -> None:
        super().__init__(b"", 499)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return None


class _Faults:
    """The faults one request asked for (or drew), sorted out once."""

    __slots__ = ("failure", "latency", "lost", "terminal")

    def __init__(self, faults: Iterable[Fault], config: MockConfig, creates: bool) -> None:
        self.latency = 0.0
        self.lost = False
        self.terminal: Fault | None = None
        self.failure: TaskFailure | None = None
        for fault in faults:
            if fault.kind == LATENCY:
                seconds = fault.param("seconds")
                self.latency += float(seconds) if seconds is not None else config.latency
                if self.latency > MAX_LATENCY:  # each is capped; so is their sum
                    raise FaultSyntaxError(
                        f"latency: the delays add up to more than {MAX_LATENCY:g} seconds"
                    )
            elif fault.kind == LOST_RESPONSE:
                self.lost = True
            elif fault.kind == TASK_FAIL:
                if creates and self.failure is None:
                    code = fault.param("code") or DEFAULT_TASK_FAILURE
                    err_code, message = TASK_FAILURES.get(code, (70000, f"The task failed: {code}"))
                    raw_errcode = fault.param("errcode")
                    self.failure = TaskFailure(
                        err_code=int(raw_errcode) if raw_errcode is not None else err_code,
                        err_code_ext=code,
                        message=fault.param("message") or message,
                    )
            elif self.terminal is None:
                self.terminal = fault


class MockApp:
    """The compiled mock: operations, handlers and state; `app` is its Starlette app."""

    def __init__(self, config: MockConfig, spec: dict[str, Any] | None = None) -> None:
        self.config = config
        self.spec = spec if spec is not None else load_spec(config.spec_path)
        self.spec_json = _encode(self.spec).encode()
        self.state = MockState(config)
        self.operations = list(operations(self.spec))
        self.behaviour = Behaviour(self.spec, self.operations, self.state)
        self.tokens = config.tokens
        self.app = Starlette(
            routes=self._routes(),
            exception_handlers={HTTPException: self._http_exception},
        )
        self.app.router.redirect_slashes = False  # /path/ is another (unknown) path
        self.app.state.mock = self

    # --- routing ---------------------------------------------------------------------------

    def _routes(self) -> list[BaseRoute]:
        by_path: dict[str, dict[str, Operation]] = {}
        for op in self.operations:
            by_path.setdefault(op.path, {})[op.method] = op
        routes: list[BaseRoute] = []
        # The API first (it is the hot path: Starlette tries routes in order); literal paths
        # before templated ones, so that /x/{id} never shadows /x/list.
        for path in sorted(by_path, key=lambda p: (p.count("{"), p)):
            starlette_path, names = route_path(path)
            routes.append(Route(starlette_path, self._endpoint(by_path[path], names)))
        routes += [
            Route("/openapi.json", self._openapi, methods=["GET"]),
            Route(FILES_PREFIX + "/{task_id}/{name}", self._file, methods=["GET"]),
            Route("/_mock/tasks", self._admin({"GET": self._admin_tasks})),
            Route("/_mock/reset", self._admin({"POST": self._admin_reset})),
            Route("/_mock/{rest:path}", self._admin({})),  # 401, then 404
        ]
        return routes

    def _admin(self, handlers: dict[str, Callable[[], AnyReply]]) -> _AdminEndpoint:
        return _AdminEndpoint(handlers, self.tokens)

    def _endpoint(self, by_method: dict[str, Operation], names: dict[str, str]) -> _PathEndpoint:
        calls = {method: self._pipeline(op, names) for method, op in by_method.items()}
        return _PathEndpoint(calls, ", ".join(sorted(by_method)))

    # --- the pipeline of one operation -----------------------------------------------------

    def _pipeline(self, op: Operation, names: dict[str, str]) -> _Pipeline:
        handler = self.behaviour.handlers.get(op.operation_id)
        canned = canned_answer(self.spec, op.responses) if handler is None else None
        config = self.config
        state = self.state
        tokens = self.tokens
        rate = config.fault_rate
        secured = op.secured
        creates = handler.creates if handler is not None else False
        rate_kinds = tuple(k for k in config.rate_faults if creates or k != TASK_FAIL)
        fault_header = FAULT_HEADER.encode("latin-1")
        limiter = state.limiter
        bucket = op.rate_bucket

        async def pipeline(scope: Scope, receive: Receive, headers: dict[bytes, bytes]) -> AnyReply:
            request_id = new_request_id()
            if secured and not _authorized(headers.get(b"authorization"), tokens):
                return _unauthorized(request_id)
            if limiter is not None:  # the only cost of the limits when they are off
                retry_after = limiter.admit(_token(headers.get(b"authorization")), bucket)
                if retry_after:
                    return _rate_limited(request_id, retry_after, f"the {bucket} rate limit")
            faults: _Faults | None = None
            header = headers.get(fault_header)
            try:
                if header is not None:
                    faults = _Faults(parse_faults(header.decode("latin-1")), config, creates)
                elif rate and rate_kinds and state.rng.random() < rate:
                    faults = _Faults((Fault(state.rng.choice(rate_kinds)),), config, creates)
            except FaultSyntaxError as exc:
                return error_response(400, "InvalidParameter", f"X-Mock-Fault: {exc}", request_id)
            if faults is not None:
                early = await self._early_fault(faults, request_id)
                if early is not None:
                    return early
            try:
                call = await self._read_call(op, scope, receive, headers, names, request_id)
                if faults is not None:
                    call.failure = faults.failure
                reply: AnyReply
                if handler is not None:
                    reply = json_response(200, handler.respond(call))
                else:  # no behaviour: the spec's documented success
                    reply = _canned_reply(canned, request_id)
            except ApiError as exc:
                reply = error_response(exc.status, exc.code, exc.message, request_id, exc.headers)
            except ClientDisconnect:
                return _Silent()
            if faults is not None and faults.lost:
                return DropConnection()
            return reply

        return pipeline

    async def _early_fault(self, faults: _Faults, request_id: str) -> AnyReply | None:
        """Latency, then a fault that answers instead of the operation (or None)."""
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        fault = faults.terminal
        if fault is None:
            return None
        if fault.kind == RATE_LIMIT:
            retry_after = fault.param("retry-after") or str(self.config.retry_after)
            return _rate_limited(request_id, retry_after, "injected fault")
        if fault.kind == UNAVAILABLE:
            status = int(fault.param("status") or 503)
            return error_response(
                status, "InternalError", "the service is unavailable (injected fault)", request_id
            )
        if fault.kind == DROP:
            return DropConnection()
        return None

    async def _read_call(
        self,
        op: Operation,
        scope: Scope,
        receive: Receive,
        headers: dict[bytes, bytes],
        names: dict[str, str],
        request_id: str,
    ) -> ValidRequest:
        violations: list[tuple[str, str, str]] = []  # (path, kind, message)
        params: dict[str, Any] = {}
        if op.parameters:
            path_params = {names.get(k, k): v for k, v in scope.get("path_params", {}).items()}
            query = QueryParams(scope.get("query_string", b""))
            for param in op.parameters:
                raw: str | None
                if param.location == "path":
                    raw = path_params.get(param.name)
                elif param.location == "query":
                    raw = query.get(param.name)
                else:
                    value_bytes = headers.get(param.name.encode("latin-1"))
                    raw = value_bytes.decode("latin-1") if value_bytes is not None else None
                label = f"{param.location} parameter {param.name}"
                if raw is None:
                    if param.required:
                        violations.append((label, "required", f"{label} is required"))
                    continue
                value = _coerce(raw, param.kind)
                params[param.name] = value
                if not param.validator.is_valid(value):
                    violations.extend(_violations(param.validator, value, label))
        body: Any = None
        if op.body_media_types:
            body = await self._read_body(op, receive, headers)
            if body is _MISSING:
                body = None
                if op.body_required:
                    violations.append(("/", "required", "the request body is required"))
            elif op.body_validator is not None and not op.body_validator.is_valid(body):
                violations.extend(_violations(op.body_validator, body, ""))
        if violations:
            raise ApiError(400, _error_code(violations), _join(violations))
        return ValidRequest(
            request_id=request_id, scope=scope, params=params, body=body, failure=None
        )

    async def _read_body(self, op: Operation, receive: Receive, headers: dict[bytes, bytes]) -> Any:
        """The decoded JSON body, or _MISSING for an empty one; ApiError when unreadable."""
        limit = self.config.max_body_bytes
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise _too_large(limit)
        content_type = headers.get(b"content-type")
        media = (
            content_type.split(b";", 1)[0].strip().lower().decode("latin-1") if content_type else ""
        )
        if media and media not in op.body_media_types:
            raise _wrong_content_type(op, media)
        # The body as it streams in, counted (a missing or lying Content-Length is no way
        # around the limit). Read from `receive` directly: Starlette's stream() is the same
        # loop behind an async generator.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientDisconnect()
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if not raw:
            return _MISSING
        if not media:
            raise _wrong_content_type(op, media)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiError(
                400,
                "InvalidParameter",
                f"the body is not valid UTF-8 ({exc.reason} at byte {exc.start})",
            ) from None
        try:
            data = _decode(text)
        except RecursionError:
            raise ApiError(400, "InvalidParameter", "the body is nested too deeply") from None
        except ValueError as exc:  # JSONDecodeError, NaN/Infinity, an overlong integer
            raise ApiError(400, "InvalidParameter", f"the body is not valid JSON: {exc}") from None
        if _SURROGATE_ESCAPE.search(text):
            try:
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(
                    400, "InvalidParameter", "the body has a string with an unpaired surrogate"
                ) from None
        return data

    # --- mock-only routes ------------------------------------------------------------------

    async def _openapi(self, request: Request) -> AnyReply:
        return Response(self.spec_json, 200, media_type=JSON_MEDIA_TYPE)

    def _admin_tasks(self) -> AnyReply:
        return json_response(200, self.state.snapshot())

    def _admin_reset(self) -> AnyReply:
        self.state.reset()
        return json_response(200, {"Reset": True})

    async def _file(self, request: Request) -> AnyReply:
        request_id = new_request_id()
        header = request.headers.get(FAULT_HEADER)
        faults: _Faults | None = None
        try:
            if header is not None:
                faults = _Faults(parse_faults(header), self.config, False)
            elif (
                self.config.fault_files
                and self.config.fault_rate
                and self.state.rng.random() < self.config.fault_rate
            ):
                kinds = tuple(k for k in self.config.rate_faults if k != TASK_FAIL)
                if kinds:
                    faults = _Faults((Fault(self.state.rng.choice(kinds)),), self.config, False)
        except FaultSyntaxError as exc:
            return error_response(400, "InvalidParameter", f"X-Mock-Fault: {exc}", request_id)
        if faults is not None:
            early = await self._early_fault(faults, request_id)
            if early is not None:
                return early
            if faults.lost:
                return DropConnection()
        media = self.behaviour.file_for(request.path_params["task_id"], request.path_params["name"])
        if media is None:
            return error_response(
                404, "ResourceNotFound", "no such file (is the task finished?)", request_id
            )
        return Response(media.content, 200, media_type=media.content_type)

    async def _http_exception(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            code, message = "InvalidAction", f"no such path: {request.url.path}"
        elif exc.status_code == 405:
            code, message = "UnsupportedOperation", f"{request.method} is not supported here"
        else:
            code, message = "InvalidParameter", str(exc.detail)
        reply = error_response(exc.status_code, code, message, headers=dict(exc.headers or {}))
        return Response(reply.body, reply.status, reply.headers, JSON_MEDIA_TYPE)


_Pipeline = Callable[[Scope, Receive, dict[bytes, bytes]], Awaitable[AnyReply]]


class _PathEndpoint:
    """The ASGI app of one spec path, dispatching on the method.

    An object, not a request -> response function, so that Starlette's Route hands it every
    method: the 405 (with the spec's methods in Allow, and the envelope) is ours. It works on
    the raw scope: header names are lower-case bytes in ASGI, one dict serves every lookup.
    """

    __slots__ = ("allow", "calls")

    def __init__(self, calls: dict[str, _Pipeline], allow: str) -> None:
        self.calls = calls
        self.allow = allow

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        call = self.calls.get(method)
        reply: AnyReply
        if call is None:
            reply = error_response(
                405,
                "UnsupportedOperation",
                f"{method} is not supported on {scope['path']} (allowed: {self.allow})",
                headers={"Allow": self.allow},
            )
        else:
            headers = {key.lower(): value for key, value in scope["headers"]}
            reply = await call(scope, receive, headers)
        await reply(scope, receive, send)


class _AdminEndpoint:
    """A mock-only /_mock/ route: the token first (401), then the method (405), then the
    handler; a path with no handler at all is a 404 once the token is good."""

    __slots__ = ("handlers", "tokens")

    def __init__(self, handlers: dict[str, Callable[[], AnyReply]], tokens: frozenset[str]) -> None:
        self.handlers = handlers
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        authorization = next(
            (v for k, v in scope["headers"] if k.lower() == b"authorization"), None
        )
        method = scope["method"]
        handler = self.handlers.get(method)
        reply: AnyReply
        if not _authorized(authorization, self.tokens):
            reply = _unauthorized(new_request_id())
        elif not self.handlers:
            reply = error_response(404, "InvalidAction", f"no such path: {scope['path']}")
        elif handler is None:
            allow = ", ".join(sorted(self.handlers))
            reply = error_response(
                405,
                "UnsupportedOperation",
                f"{method} is not supported on {scope['path']} (allowed: {allow})",
                headers={"Allow": allow},
            )
        else:
            reply = handler()
        await reply(scope, receive, send)


def _unauthorized(request_id: str) -> JSONReply:
    return error_response(
        401,
        "AuthFailure.SignatureFailure",
        "missing or invalid bearer token (send Authorization: Bearer <api key>)",
        request_id,
        {"WWW-Authenticate": 'Bearer realm="chainhub"'},
    )


def _rate_limited(request_id: str, retry_after: int | str, why: str) -> JSONReply:
    """Tencent's answer beyond a frequency limit (an injected fault, or --rate-limits)."""
    return error_response(
        429,
        "RequestLimitExceeded",
        f"too many requests, retry after {retry_after} seconds ({why})",
        request_id,
        {"Retry-After": str(retry_after)},
    )


def _token(header: bytes | None) -> bytes:
    """The bearer token of an Authorization header (the rate limits are per token)."""
    return header.partition(b" ")[2].strip() if header else b""


def _canned_reply(canned: CannedAnswer | None, request_id: str) -> AnyReply:
    """The canned answer of an operation without behaviour, carrying this request's id
    where the body has a Tencent ``Response.RequestId``."""
    assert canned is not None
    if canned.body is None:
        return Response(b"", canned.status)
    body = canned.body
    envelope = body.get("Response") if isinstance(body, dict) else None
    if isinstance(envelope, dict) and isinstance(envelope.get("RequestId"), str):
        body = {**body, "Response": {**envelope, "RequestId": request_id}}
    return json_response(canned.status, body)


class _Missing:
    pass


_MISSING: Any = _Missing()


def _authorized(header: bytes | None, tokens: frozenset[str]) -> bool:
    if not header:
        return False
    scheme, _, token = header.partition(b" ")
    return scheme.lower() == b"bearer" and token.strip().decode("latin-1") in tokens


def _coerce(raw: str, kind: str | None) -> Any:
    """A parameter's text as the type its schema declares (left as text when it is not)."""
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            value = float(raw)
            return value if value not in (float("inf"), float("-inf")) and value == value else raw
        if kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
    except ValueError:
        pass
    return raw


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "RequestSizeLimitExceeded", f"the request body is larger than {limit} bytes"
    )


def _wrong_content_type(op: Operation, media: str) -> ApiError:
    expected = " or ".join(sorted(op.body_media_types))
    got = f"Content-Type {media}" if media else "no Content-Type"
    return ApiError(400, "InvalidParameter", f"the body must be {expected} (got {got})")


def _pointer(path: Iterable[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _violations(validator: Any, value: Any, label: str) -> list[tuple[str, str, str]]:
    found = []
    # Bounded: a huge invalid body must not cost a huge message (or a huge loop).
    for error in islice(validator.iter_errors(value), 1000):
        kind = error.kind.name.replace("_", "").lower()
        where = _pointer(error.instance_path)
        if label:
            where = label if where == "/" else f"{label}{where}"
        message = error.message
        if len(message) > MAX_VIOLATION_LENGTH:
            message = message[: MAX_VIOLATION_LENGTH - 3] + "..."
        found.append((where, kind, f"{where}: {message}"))
    return found


def _error_code(violations: list[tuple[str, str, str]]) -> str:
    if any(kind not in _VALUE_KINDS for _, kind, _ in violations):
        return "InvalidParameter"
    specific = {_SPECIFIC_CODES.get((where, kind)) for where, kind, _ in violations}
    if len(specific) == 1 and None not in specific:
        return specific.pop() or "InvalidParameterValue"
    return "InvalidParameterValue"


def _join(violations: list[tuple[str, str, str]]) -> str:
    messages = [message for _, _, message in violations[:MAX_LISTED_VIOLATIONS]]
    if len(violations) > MAX_LISTED_VIOLATIONS:
        messages.append(f"and {len(violations) - MAX_LISTED_VIOLATIONS} more violations")
    return "; ".join(messages)


def create_app(
    config: MockConfig | None = None, *, spec: dict[str, Any] | None = None
) -> Starlette:
    """The mock as an ASGI app. `app.state.mock` is its `MockApp` (state, config, spec)."""
    return MockApp(config or MockConfig(), spec).app
