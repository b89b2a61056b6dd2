"""The sans-IO core: every decision of the SDK, written once for the sync and async clients.

An operation (create, get, wait, generate, download, a generic call) is a generator that
*yields effects* (:class:`Send` an HTTP request, :class:`Sleep`, :class:`Notify` a callback,
:class:`Fetch` a file into a part file, and the disk effects :class:`MakeDirectory`,
:class:`Commit`, :class:`Discard`) and receives their outcomes; a thin driver in
``_client.py`` (httpx.Client, time.sleep) or ``_async_client.py`` (httpx.AsyncClient,
asyncio.sleep) performs them, and throws an effect's failure (a callback's exception, Ctrl-C
or a cancellation during a sleep, a disk error) back into the op with ``op.throw``, so the op
can add what it knows. The core does no I/O at all. Request building (from the operation
table, ``_operations``), spec validation, response parsing, the retry rule
(:func:`decide_retry`, the same for requests and downloads), the poll schedule, failure
detection and download naming therefore exist once, and the tests drive them by hand.

Why not httpx-retries (or tenacity): retries here are not a transport concern.
- httpx-retries retries inside the transport, before the body is read: a connection dropped
  while the body is being read (the gateway's "lost response") escapes it, and a 200 whose body
  is a Tencent ``RequestLimitExceeded``/``InternalError`` is invisible to it;
- a create must only be retried when it carries a ``session_id`` (so a retry that reaches the
  server twice is rejected as a duplicate instead of billing a second task), and a duplicate
  rejection *of a retry* must become :class:`TaskMayExistError`: that needs the request body
  and the attempt number, which a transport wrapper does not have;
- its transport wrapper makes httpx ignore ``verify``, ``limits`` and the proxy environment
  unless the inner transport is rebuilt with them, and its default backoff is zero;
- the sleep must be injectable and the same rule must drive sync and async.
So the rule is ours (:func:`decide_retry`): exponential backoff with jitter
(``min(0.5 * 2**n, 8) * (1 - 0.25 * random())``), ``Retry-After``/``retry-after-ms`` honoured
(seconds or HTTP date) up to ``max_retry_after`` (beyond it the error is raised at once rather
than sleeping that long), on connection errors, timeouts, 408, 429, 5xx and their Tencent-coded
equivalents; never on other 4xx (409 included); a POST only when it carries a session_id.
"""

from __future__ import annotations

import json
import logging
import math
import mimetypes
import re
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import httpx

from ._config import DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_MAX_RESPONSE_BYTES, Options
from ._operations import DEDUPE_KEY, OperationRow, OperationTable, retry_safe
from ._validation import validate_parameter, validate_request
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChainhubError,
    DownloadError,
    InternalServerError,
    NoOutputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    TaskFailedError,
    TaskMayExistError,
    TencentAPIError,
    TencentAuthenticationError,
    TencentBadRequestError,
    TencentInternalServerError,
    TencentNotFoundError,
    TencentPermissionDeniedError,
    TencentRateLimitError,
    WaitTimeoutError,
    safe_request,
)
from .types import CreatedTask, OutputFile, PollSchedule, Task

log = logging.getLogger("chainhub_aigc")

T = TypeVar("T")
E = TypeVar("E", bound=ChainhubError)

DUPLICATE_SESSION_CODE = "InvalidParameterValue.SessionId"
SESSION_PREFIX = "chainhub-"
# Consecutive polls of one wait that may fail transiently (each after its own retries)
# before the wait gives up; a long video wait should not die of one bad minute.
WAIT_TOLERATED_FAILURES = 3
DOWNLOAD_CHUNK = 64 * 1024
# The least time an attempt gets under a deadline: a wait's last query, sent at its
# deadline, may still take this long (so a wait returns by its timeout plus this, plus a
# little), and retries never start past the deadline.
LAST_ATTEMPT_GRACE = 1.0

# -- effects ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Send:
    """Send one HTTP request and read its whole body; the reply is an :class:`Exchange`.

    The driver reads at most ``max_bytes`` of decoded body (one more is a :class:`BadBody`),
    and bounds the attempt as a whole, connect to last byte, by ``timeout.read`` or
    ``time_left`` (the caller's deadline, e.g. a wait's), whichever is shorter."""

    method: str
    url: str
    headers: Mapping[str, str]
    content: bytes | None
    timeout: httpx.Timeout
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    time_left: float | None = None
    operation: str | None = None
    """The request's ``ApiRequest.operation``: which rate-limit bucket the driver paces it in."""


class BadBody(Exception):
    """An answer whose body the driver would not read to the end: larger than the cap, or in
    an encoding that was not asked for or does not decode. Never retried."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


class RedirectRefused(Exception):
    """A download redirected where the SDK will not follow (https to http, not http(s))."""


@dataclass(frozen=True, slots=True)
class Exchange:
    response: httpx.Response | None
    error: Exception | None = None


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Notify:
    """Call one of the caller's callbacks (its exceptions propagate; the async driver awaits
    what it returns if that is awaitable)."""

    callback: Callable[..., object]
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class MakeDirectory:
    """Create ``directory`` (and its parents) if missing."""

    directory: Path


@dataclass(frozen=True, slots=True)
class Commit:
    """Move a complete part file to ``target`` atomically and sync the directory; the driver
    deletes the part file if that fails."""

    part: Path
    target: Path


@dataclass(frozen=True, slots=True)
class Discard:
    """Delete a part file that will not be used (a transfer of the wrong size)."""

    part: Path


@dataclass(frozen=True, slots=True)
class Fetch:
    """Stream ``url`` into a new ``.part`` file in ``directory``; the reply is a
    :class:`Fetched`. The driver deletes the part file itself on any failure."""

    url: str
    directory: Path
    stem: str
    headers: Mapping[str, str]
    timeout: httpx.Timeout
    index: int = 0
    expected_size: int | None = None
    on_bytes: Callable[[int, int, int | None], object] | None = None
    """Called as ``on_bytes(index, bytes_so_far, total_or_None)`` after every chunk."""
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    """Stop (``Fetched.too_large``) past ``expected_size`` when known, else past this."""


@dataclass(frozen=True, slots=True)
class Fetched:
    status_code: int | None = None
    part: Path | None = None
    size: int = 0
    content_type: str | None = None
    retry_after: str | None = None
    error: Exception | None = None
    too_large: bool = False
    """The transfer was stopped past the cap (nothing kept): ``size`` bytes were read."""


Effect = Send | Sleep | Notify | Fetch | MakeDirectory | Commit | Discard
Op = Generator[Effect, Any, T]

# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One API request, ready to send (and re-send)."""

    operation: str
    """The operationId, or ``METHOD /path`` for a path the spec does not document."""
    method: str
    path: str
    """The path and query string (appended to the base URL)."""
    content: bytes | None
    retry_safe: bool
    """GETs always; a POST only when it carries a non-empty session_id."""
    session_id: str | None = None
    subject: str | None = None
    """The value of the last path parameter: the resource a query is about (for messages)."""
    enveloped: bool = True
    """The answer must be a Tencent ``{"Response": {...}}`` (typed methods); a generic call
    accepts any JSON object."""


def new_session_id() -> str:
    """A fresh dedupe key: ``chainhub-`` + 32 hex digits (41 characters; the limit is 50)."""
    return SESSION_PREFIX + uuid.uuid4().hex


def _plain(value: Any, path: str) -> Any:
    """Request data as plain JSON types: generated models -> dicts, StrEnums -> str."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and hasattr(value, "additional_properties"):
        try:
            value = to_dict()
        except Exception as exc:  # e.g. a plain str where the model wants its StrEnum
            raise RequestValidationError(
                [(path or "request", f"cannot be serialised ({exc})")]
            ) from exc
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {
            key: _plain(item, f"{path}.{key}" if path else str(key)) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return value


def _json_bytes(body: Any, field: str) -> bytes:
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise RequestValidationError([(field, f"not JSON ({exc})")]) from exc
    return text.encode()


def _session(body: Any) -> str | None:
    key = body.get(DEDUPE_KEY) if isinstance(body, Mapping) else None
    return key if isinstance(key, str) and key else None


def create_request(
    row: OperationRow,
    fields: Mapping[str, Any],
    request: Any,
    extra_body: Mapping[str, Any] | None,
) -> ApiRequest:
    """Validate a create against the spec and build its request; nothing is sent yet. Every
    create carries a session_id (the caller's, or a new one), so that it is retry-safe."""
    model_cls = row.request_model()
    if model_cls is None:  # pragma: no cover - a typed create always has a request model
        raise RequestValidationError([("request", f"{row.operation_id} takes no body")])
    if request is not None:
        if fields:
            raise RequestValidationError(
                [(name, "given together with request= (pass one or the other)") for name in fields]
            )
        if not isinstance(request, model_cls):
            raise RequestValidationError(
                [("request", f"not a {model_cls.__name__} (got {type(request).__name__})")]
            )
        data = _plain(request, "")
    else:
        data = _plain(dict(fields), "")
    if DEDUPE_KEY not in data:
        data[DEDUPE_KEY] = new_session_id()
    validate_request(row.operation_id, data)
    try:  # through the generated model: the body is what the generated client would send
        kwargs = row.generated_module()._get_kwargs(body=model_cls.from_dict(data))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RequestValidationError(
            [("request", f"rejected by the generated model ({exc})")]
        ) from exc
    body = kwargs["json"]
    if extra_body:
        body.update(_plain(dict(extra_body), ""))
    session = _session(body)
    return ApiRequest(
        operation=row.operation_id,
        method=row.method,
        path=kwargs["url"],
        content=_json_bytes(body, "extra_body"),  # only extra_body can hold non-JSON values
        retry_safe=row.retry_safe(body),
        session_id=session,
    )


def path_request(row: OperationRow, path_params: Mapping[str, Any]) -> ApiRequest:
    """A bodyless operation with its path parameters checked against the spec."""
    for name, value in path_params.items():
        if name in row.path_params:
            validate_parameter(row.operation_id, name, value)
    subject = path_params.get(row.path_params[-1]) if row.path_params else None
    return ApiRequest(
        row.operation_id,
        row.method,
        row.fill(path_params),
        None,
        retry_safe=row.retry_safe(None),
        subject=subject if isinstance(subject, str) else None,
    )


def generic_request(
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    body: Any = None,
    table: OperationTable,
) -> ApiRequest:
    """A request to any path of the API (``client.get``/``client.post``).

    ``path`` is relative to the base URL: an absolute URL is refused, so the API key never
    leaves for another host. When the path is a spec operation, its path and query parameters
    and its body are checked against the spec first (a body may carry fields the spec does not
    know yet); otherwise they are sent as given. The body is never changed: no session_id is
    added, so a POST without one is not retried.
    """
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise RequestValidationError(
            [
                (
                    "path",
                    f"not a path starting with a single / (got {path!r}): the base URL is "
                    "the client's",
                )
            ]
        )
    if "?" in path or "#" in path:
        raise RequestValidationError([("path", "has a query or fragment: pass params= instead")])
    query: Mapping[str, Any] = {}
    if params is not None:
        if not isinstance(params, Mapping):
            raise RequestValidationError(
                [("params", f"not a mapping (got {type(params).__name__})")]
            )
        query = _plain(dict(params), "params")
    data = _plain(body, "json") if body is not None else None
    match = table.match(method, path)
    if match is not None:
        row, path_params = match
        problems: list[tuple[str, str]] = []
        for name, value in path_params.items():
            problems += table.errors(row, "path", name, unquote(value))
        for name, value in query.items():
            problems += table.errors(row, "query", name, value)
        if data is not None:
            problems += table.errors(row, "body", "", data)
        if problems:
            raise RequestValidationError(problems)
        operation = row.operation_id
    else:
        operation = f"{method} {path}"
    target = path
    if query:
        try:
            target += "?" + str(httpx.QueryParams(query))
        except TypeError as exc:
            raise RequestValidationError([("params", str(exc))]) from exc
    return ApiRequest(
        operation=operation,
        method=method,
        path=target,
        content=_json_bytes(data, "json") if data is not None else None,
        retry_safe=retry_safe(method, data),
        session_id=_session(data),
        enveloped=False,
    )


# -- responses -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiReply:
    """A success: the parsed body and its ``Response`` object (``{}`` when a generic call's
    answer has none)."""

    response: httpx.Response
    body: dict[str, Any]
    envelope: dict[str, Any]
    request_id: str | None


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    422: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}
_TENCENT_CLASSES: dict[type[APIStatusError], type[TencentAPIError]] = {
    BadRequestError: TencentBadRequestError,
    AuthenticationError: TencentAuthenticationError,
    PermissionDeniedError: TencentPermissionDeniedError,
    NotFoundError: TencentNotFoundError,
    RateLimitError: TencentRateLimitError,
    InternalServerError: TencentInternalServerError,
    APIStatusError: TencentAPIError,
}
# With a success status the Tencent code picks the class (Tencent sends errors with HTTP 200).
_CODE_CLASSES: tuple[tuple[str, type[APIStatusError]], ...] = (
    ("InvalidParameterValue.TaskId", NotFoundError),
    ("ResourceNotFound", NotFoundError),
    ("AuthFailure", AuthenticationError),
    ("UnauthorizedOperation", PermissionDeniedError),
    ("RequestLimitExceeded", RateLimitError),
    ("InternalError", InternalServerError),
    ("InvalidParameter", BadRequestError),
    ("InvalidParameterValue", BadRequestError),
    ("MissingParameter", BadRequestError),
    ("UnknownParameter", BadRequestError),
)


def status_class(status: int) -> type[APIStatusError]:
    if 500 <= status <= 599:
        return InternalServerError
    return _STATUS_CLASSES.get(status, APIStatusError)


def code_class(code: str) -> type[APIStatusError]:
    for prefix, cls in _CODE_CLASSES:
        if code == prefix or code.startswith(prefix + "."):
            return cls
    return APIStatusError


def _decode(content: bytes) -> tuple[Any, bool]:
    """(parsed JSON, True), or (the text, False) when the body is not JSON."""
    try:
        return json.loads(content), True
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return content.decode("utf-8", "replace"), False


def _snippet(body: Any, limit: int = 300) -> str:
    if isinstance(body, str):
        text = body
    else:
        try:
            text = json.dumps(body, ensure_ascii=False)
        except (ValueError, TypeError, RecursionError):
            text = f"<{type(body).__name__} that cannot be shown>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value.strip()):
        return int(value.strip())
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return result if math.isfinite(result) else None


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _redact_data(data: Any, redact: Callable[[str], str]) -> Any:
    """A copy of parsed JSON with ``redact`` applied to every string, keys included. An
    explicit stack, not recursion: a body nested as deep as json.loads allows is fine."""
    if isinstance(data, str):
        return redact(data)
    if not isinstance(data, dict | list):
        return data
    root: Any = {} if isinstance(data, dict) else []
    stack: list[tuple[Any, Any]] = [(data, root)]
    while stack:
        source, target = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            if isinstance(value, str):
                copy: Any = redact(value)
            elif isinstance(value, dict | list):
                copy = {} if isinstance(value, dict) else []
                stack.append((value, copy))
            else:
                copy = value
            if isinstance(target, dict):
                target[redact(key) if isinstance(key, str) else key] = copy
            else:
                target.append(copy)
    return root


# The body is already decoded, and its length may change with the redaction.
_BODY_FRAMING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def scrub_response(response: httpx.Response, redact: Callable[[str], str]) -> httpx.Response:
    """The response as the SDK hands it out (on errors, ``Task.response``): the key redacted
    from its headers and body (the response itself when the key is in neither). Its request
    keeps its headers (the caller's own process): pickling drops them (errors.safe_response)."""
    content = response.content
    text = content.decode("utf-8", "replace")
    scrubbed = redact(text)
    values = "\n".join(response.headers.values())
    if scrubbed is text and redact(values) is values:
        return response
    if scrubbed is not text:
        content = scrubbed.encode()
    return httpx.Response(
        response.status_code,
        headers=[
            (k, redact(v))
            for k, v in response.headers.multi_items()
            if k.lower() not in _BODY_FRAMING_HEADERS
        ],
        content=content,
        request=safe_request(response),
        extensions={
            key: value
            for key, value in response.extensions.items()
            if key in ("http_version", "reason_phrase")
        },
    )


def read_reply(
    response: httpx.Response,
    *,
    redact: Callable[[str], str] = lambda text: text,
    session_id: str | None = None,
    envelope_required: bool = True,
) -> ApiReply:
    """Turn any HTTP response into an :class:`ApiReply` or raise a :class:`ChainhubError`.

    Never raises anything else, whatever the status (100..599, 520 included) and the body
    (not JSON, not an object, no ``Response``, wrong types, null everywhere). Without
    ``envelope_required`` (generic calls) any JSON object is a success, and an empty body
    is ``{}``.
    """
    status = response.status_code
    body, is_json = _decode(response.content)
    # A server may echo the API key back (in a message, in an echoed field): scrub it from the
    # data itself, so that no error body, task message or raw_json ever carries it. A plain
    # text search first: the walk happens only when the key is there.
    text = response.content.decode("utf-8", "replace")
    if redact(text) is not text:
        body = _redact_data(body, redact)
    envelope = _dict(body.get("Response")) if isinstance(body, dict) else None
    request_id = _str(envelope.get("RequestId")) if envelope is not None else None
    if not request_id:
        request_id = response.headers.get("x-request-id") or response.headers.get("x-tc-requestid")
    error = envelope.get("Error") if envelope is not None else None
    reason = response.reason_phrase or ""
    common: dict[str, Any] = {
        "request_id": request_id,
        "status_code": status,
        "body": body,
        "response": response,
    }

    if error is not None:
        code = _str(error.get("Code")) if isinstance(error, dict) else None
        if code:
            text = _str(error.get("Message")) or ""
            cls = status_class(status)
            if cls is APIStatusError and 200 <= status < 300:
                cls = code_class(code)
            tencent_cls = _TENCENT_CLASSES[cls]
            message = redact(f"{code}: {text}" if text else code)
            if code == DUPLICATE_SESSION_CODE and session_id:
                message += (
                    f" [session_id {session_id!r} was already used: pass a new session_id "
                    "to create another task]"
                )
            if not 200 <= status < 300:
                message += f" [HTTP {status}]"
            error_obj = tencent_cls(message, code=code, **common)
            error_obj.message = redact(text)
            raise error_obj

    if not 200 <= status < 300:
        cls = status_class(status)
        detail = redact(_snippet(body)) if body not in ("", None) else "(empty body)"
        raise cls(f"HTTP {status} {reason}".rstrip() + f": {detail}", **common)
    if error is not None:
        raise APIResponseValidationError(
            redact(f"malformed Response.Error in a {status} answer: {_snippet(error)}"), **common
        )
    if not envelope_required and not response.content:
        return ApiReply(response, {}, {}, request_id)
    if not is_json:
        raise APIResponseValidationError(
            redact(f"the {status} answer is not JSON: {_snippet(body, 120)}"), **common
        )
    if not envelope_required and isinstance(body, dict):
        return ApiReply(response, body, envelope or {}, request_id)
    if envelope is None:
        what = "has no Response object" if envelope_required else "is not a JSON object"
        raise APIResponseValidationError(
            redact(f"the {status} answer {what}: {_snippet(body, 120)}"), **common
        )
    assert isinstance(body, dict)
    return ApiReply(response, body, envelope, request_id)


def build_created(reply: ApiReply, session_id: str | None) -> CreatedTask:
    task_id = reply.envelope.get("TaskId")
    if not isinstance(task_id, str) or not task_id:
        raise APIResponseValidationError(
            f"the create answer has no Response.TaskId: {_snippet(reply.body, 160)}",
            request_id=reply.request_id,
            status_code=reply.response.status_code,
            body=reply.body,
            response=reply.response,
        )
    return CreatedTask(
        task_id=task_id, request_id=reply.request_id, session_id=session_id, raw_json=reply.body
    )


def _output_file(item: dict[str, Any]) -> OutputFile:
    meta = _dict(item.get("MetaData")) or {}
    size = _int(meta.get("Size"))
    return OutputFile(
        url=_str(item.get("FileUrl")),
        file_type=_str(item.get("FileType")),
        file_id=_str(item.get("FileId")),
        storage_mode=_str(item.get("StorageMode")),
        media_name=_str(item.get("MediaName")),
        class_id=_int(item.get("ClassId")),
        expire_time=_str(item.get("ExpireTime")),
        size=size if size is not None and size >= 0 else None,
        width=_int(meta.get("Width")),
        height=_int(meta.get("Height")),
        duration=_float(meta.get("Duration")),
        container=_str(meta.get("Container")),
        md5=_str(meta.get("Md5")),
    )


def _inner_task(envelope: dict[str, Any], task_type: str | None) -> dict[str, Any] | None:
    if task_type:
        inner = _dict(envelope.get(task_type))
        if inner is not None:
            return inner
    # TaskType missing or naming a key that is absent: the one non-null *Task object.
    for key, value in envelope.items():
        if key.endswith("Task") and isinstance(value, dict):
            return value
    return None


def build_task(reply: ApiReply, task_id: str) -> Task:
    """The typed view of a query answer, read from the JSON with every value type-checked (the
    generated models cast without checking: a string Progress would pass through them);
    unknown keys and values are ignored, nothing raises. ``Task.raw`` gives the generated
    ``TaskDetailResponse`` on demand."""
    envelope = reply.envelope
    task_type = _str(envelope.get("TaskType"))
    inner = _inner_task(envelope, task_type) or {}
    output = _dict(inner.get("Output")) or {}
    infos = output.get("FileInfos")
    files = (
        tuple(_output_file(i) for i in infos if isinstance(i, dict))
        if isinstance(infos, list)
        else ()
    )
    progress = _int(inner.get("Progress"))
    return Task(
        task_id=_str(inner.get("TaskId")) or task_id,
        task_type=task_type,
        status=_str(envelope.get("Status")),
        task_status=_str(inner.get("Status")),
        progress=progress,
        files=files,
        err_code=_int(inner.get("ErrCode")),
        err_code_ext=_str(inner.get("ErrCodeExt")),
        message=_str(inner.get("Message")),
        session_id=_str(inner.get("SessionId")),
        session_context=_str(inner.get("SessionContext")),
        create_time=_str(envelope.get("CreateTime")),
        begin_process_time=_str(envelope.get("BeginProcessTime")),
        finish_time=_str(envelope.get("FinishTime")),
        request_id=reply.request_id,
        status_code=reply.response.status_code,
        raw_json=reply.body,
        response=reply.response,
    )


# -- retries ---------------------------------------------------------------------------------


def parse_retry_after(headers: httpx.Headers | Mapping[str, str], now: float) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date,
    relative to the wall-clock ``now``); ``None`` when absent or unreadable."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value >= 0:
            return value
    text = headers.get("retry-after")
    if text is None:
        return None
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        try:
            return max(0.0, when.timestamp() - now)
        except (OverflowError, OSError, ValueError):
            return None
    return value if math.isfinite(value) and value >= 0 else None


def backoff_delay(options: Options, retry: int) -> float:
    """The pause before retry number ``retry`` (0-based) when the server gave no Retry-After."""
    base = min(options.backoff_initial * 2.0 ** min(retry, 30), options.backoff_max)
    return base * (1 - 0.25 * options.jitter())


def connection_error(exc: Exception) -> tuple[ChainhubError, bool]:
    """The SDK error for an httpx exception, and whether retrying can help."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        error, transient = APITimeoutError(f"request timed out ({text})"), True
    elif isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.TooManyRedirects):
        error, transient = APIConnectionError(f"request could not be sent ({text})"), False
    elif isinstance(exc, httpx.DecodingError):
        error, transient = APIConnectionError(f"response could not be decoded ({text})"), False
    else:
        error, transient = APIConnectionError(f"connection failed ({text})"), True
    error._chainhub_transient = transient  # type: ignore[attr-defined]
    return error, transient


def is_transient(error: ChainhubError) -> bool:
    """Errors worth another attempt: connection trouble, timeouts, 408, 429, 5xx."""
    if isinstance(error, APIConnectionError):
        return bool(getattr(error, "_chainhub_transient", True))
    if isinstance(error, RateLimitError | InternalServerError):
        return True
    return error.status_code == 408


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt (of a request or a download), as the retry rule sees it."""

    error: ChainhubError
    transient: bool
    """Another attempt could succeed (connection trouble, timeouts, 408, 429, 5xx)."""
    retry_after: float | None = None
    """What the server asked for (``Retry-After``/``retry-after-ms``), in seconds."""
    maybe_processed: bool = False
    """The server may have carried the request out (a create may have created its task)."""


@dataclass(frozen=True, slots=True)
class RetryIn:
    """Retry after ``seconds``; ``why`` is ``backoff`` or ``Retry-After``."""

    seconds: float
    why: str


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Raise the failure's error; ``why`` is for the log (None: nothing worth saying)."""

    why: str | None = None


def decide_retry(
    retry: int, failure: Failure, options: Options, *, safe: bool = True
) -> RetryIn | GiveUp:
    """The retry rule of every loop (requests and downloads), with no I/O.

    ``retry`` counts the retries already made (0 after the first attempt); ``safe`` says
    whether sending again can do no harm (a create without session_id cannot). A
    ``Retry-After`` beyond ``options.max_retry_after`` gives up at once rather than sleeping
    that long or retrying sooner than the server asked.
    """
    if not failure.transient:
        return GiveUp()
    if not safe:
        return GiveUp(
            "not retrying: the POST has no session_id, a retry could create a second task"
        )
    if retry >= options.max_retries:
        return GiveUp(f"giving up after {retry + 1} attempts" if options.max_retries else None)
    if failure.retry_after is not None:
        if failure.retry_after > options.max_retry_after:
            return GiveUp(
                f"Retry-After {failure.retry_after:.1f} s exceeds the cap of "
                f"{options.max_retry_after:.1f} s, not retrying"
            )
        return RetryIn(failure.retry_after, "Retry-After")
    return RetryIn(backoff_delay(options, retry), "backoff")


# Failures where the request surely never reached the server.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
)


def interpret(exchange: Exchange, request: ApiRequest, options: Options) -> ApiReply | Failure:
    """An exchange as a success or a :class:`Failure` (no retry decided yet)."""
    if isinstance(exchange.error, BadBody):
        bad = APIResponseValidationError(
            f"{exchange.error} [HTTP {exchange.error.status_code}]",
            status_code=exchange.error.status_code,
        )
        return Failure(bad, False, None, True)
    if exchange.error is not None:
        error, transient = connection_error(exchange.error)
        error.__cause__ = exchange.error
        return Failure(error, transient, None, not isinstance(exchange.error, _NOT_SENT))
    assert exchange.response is not None
    response = scrub_response(exchange.response, options.redact)
    # The same object back: the key is in no form in the body or the headers, so no text
    # read from them can hold it, and read_reply need not search for it again.
    redact = options.redact if response is not exchange.response else _unchanged
    try:
        return read_reply(
            response,
            redact=redact,
            session_id=request.session_id,
            envelope_required=request.enveloped,
        )
    except ChainhubError as error:
        retry_after = parse_retry_after(response.headers, options.wallclock())
        maybe = isinstance(error, InternalServerError) or error.status_code == 408
        return Failure(error, is_transient(error), retry_after, maybe)
    except RecursionError:  # a body nested deeper than the reading of it can go
        bad = APIResponseValidationError(
            f"the {response.status_code} answer is nested too deeply to read",
            status_code=response.status_code,
            response=response,
        )
        return Failure(bad, False, None, True)


def _unchanged(text: str) -> str:
    return text


def _annotate(error: E, request: ApiRequest, maybe_processed: bool) -> E:
    """Tie a create's final error to its session_id: the caller's way to find a task that an
    ambiguous attempt may have created."""
    if request.session_id:
        error.session_id = request.session_id
        if maybe_processed and not isinstance(error, TaskMayExistError):
            error.add_note(
                f"an attempt may have reached the server and created the task: its session_id "
                f"is {request.session_id!r} (echoed as SessionId on the task)"
            )
    elif maybe_processed and request.method == "POST":
        error.add_note("the create may have reached the server (it had no session_id)")
    return error


def redact_error(error: E, options: Options) -> E:
    """``error`` with the API key scrubbed from its text (for text the server sent)."""
    error.args = tuple(options.redact(a) if isinstance(a, str) else a for a in error.args)
    error.message = options.redact(error.message)
    return error


def _short(path: str) -> str:
    return path if len(path) <= 120 else path[:117] + "..."


def api_op(options: Options, request: ApiRequest, deadline: float | None = None) -> Op[ApiReply]:
    """Send ``request``, retrying under the rules of the module docstring. ``deadline`` (on
    ``options.clock``) bounds every attempt and every sleep: past it, the last error (or an
    APITimeoutError) is raised rather than trying again."""
    headers = options.auth_headers()
    if request.content is not None:
        headers["Content-Type"] = "application/json"
    url = options.base_url + request.path
    method, shown = request.method, _short(request.path)
    retry = 0
    maybe_processed = False
    while True:
        time_left = None
        if deadline is not None:  # a query at the deadline (a wait's last) gets a moment
            time_left = max(deadline - options.clock(), LAST_ATTEMPT_GRACE)
        log.debug("%s %s (attempt %d)", method, shown, retry + 1)
        exchange: Exchange = yield Send(
            method,
            url,
            headers,
            request.content,
            options.timeout,
            options.max_response_bytes,
            time_left,
            request.operation,
        )
        outcome = interpret(exchange, request, options)
        if isinstance(outcome, ApiReply):
            log.debug(
                "%s %s -> %d (request_id %s)",
                method,
                shown,
                outcome.response.status_code,
                outcome.request_id,
            )
            return outcome
        error = outcome.error
        maybe_processed = maybe_processed or outcome.maybe_processed
        log.debug("%s %s -> %s: %s", method, shown, error.status_code or "no answer", error)
        if (
            retry > 0
            and request.session_id
            and isinstance(error, TencentAPIError)
            and error.code == DUPLICATE_SESSION_CODE
        ):
            raise TaskMayExistError(
                f"the create was retried after an ambiguous failure and the retry was rejected "
                f"as a duplicate: the task may already exist (created by an earlier attempt). "
                f"Its session_id is {request.session_id!r} (echoed as SessionId on the task); "
                f"look for it before creating another ({error.code}: {error.message})",
                session_id=request.session_id,
                code=error.code,
                request_id=error.request_id,
                status_code=error.status_code,
                body=error.body,
                response=error.response,
            ) from error
        decision = decide_retry(retry, outcome, options, safe=request.retry_safe)
        if (
            isinstance(decision, RetryIn)
            and deadline is not None
            and decision.seconds >= deadline - options.clock()
        ):
            decision = GiveUp(
                f"not retrying: the pause of {decision.seconds:.2f} s ends past the deadline"
            )
        if isinstance(decision, GiveUp):
            if decision.why:
                log.info("%s %s: %s", method, shown, decision.why)
            raise _annotate(error, request, maybe_processed)
        log.info(
            "retrying %s %s (attempt %d of %d) after %s; sleeping %.2f s (%s)",
            method,
            shown,
            retry + 2,
            options.max_retries + 1,
            f"HTTP {error.status_code}" if error.status_code else type(error).__name__,
            decision.seconds,
            decision.why,
        )
        yield Sleep(decision.seconds)
        retry += 1


# -- operations ------------------------------------------------------------------------------

Parser = Callable[[ApiReply, ApiRequest], T]


def call_op(
    options: Options, request: ApiRequest, parse: Parser[T], deadline: float | None = None
) -> Op[T]:
    """One request (with its retries, within ``deadline``), its answer read by ``parse``."""
    reply = yield from api_op(options, request, deadline)
    return parse(reply, request)


def parse_json(reply: ApiReply, request: ApiRequest) -> dict[str, Any]:
    """The answer as parsed JSON (generic calls)."""
    return reply.body


def parse_created(reply: ApiReply, request: ApiRequest) -> CreatedTask:
    return build_created(reply, request.session_id)


def parse_task(reply: ApiReply, request: ApiRequest) -> Task:
    return build_task(reply, request.subject or "")


def check_wait_arguments(timeout: float, on_progress: Callable[[Task], object] | None) -> None:
    """The wait's own arguments; `generate` checks them before its create is sent."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout >= 0:
        raise RequestValidationError([("timeout", f"not a number >= 0 (got {timeout!r})")])
    if on_progress is not None and not callable(on_progress):
        raise RequestValidationError(
            [("on_progress", f"not callable (got {type(on_progress).__name__})")]
        )


def wait_op(
    options: Options,
    query: ApiRequest,
    *,
    timeout: float,
    on_progress: Callable[[Task], object] | None,
    poll: PollSchedule,
    expect_files: bool = False,
) -> Op[Task]:
    """Poll ``query`` (a task query) until the task is done or the deadline passes: every
    request, retry and sleep is bounded by the time left. A task that FINISHes without error
    and without files raises NoOutputError when ``expect_files``; a status the API does not
    document is logged once (and shows as ``Task.unknown_status``), then waited on."""
    check_wait_arguments(timeout, on_progress)
    task_id = query.subject or ""
    deadline = options.clock() + timeout
    last: Task | None = None
    polls = 0
    failures = 0
    warned: set[str] = set()
    while True:
        try:
            task = yield from call_op(options, query, parse_task, deadline)
            failures = 0
        except ChainhubError as error:
            failures += 1
            if not is_transient(error) or failures > WAIT_TOLERATED_FAILURES:
                raise
            log.warning("task %s: query failed (%s); still waiting", task_id, error)
        else:
            if task.unknown_status is not None and task.unknown_status not in warned:
                warned.add(task.unknown_status)
                log.warning(
                    "task %s: status %r is not one the API documents; treated as not finished",
                    task_id,
                    task.unknown_status,
                )
            if last is None or (task.status, task.task_status, task.progress) != (
                last.status,
                last.task_status,
                last.progress,
            ):
                log.debug("task %s: status %s, progress %s", task_id, task.status, task.progress)
                if on_progress is not None:
                    yield Notify(on_progress, (task,))
            last = task
            if task.is_done:
                if task.is_failed:
                    raise redact_error(TaskFailedError(task), options)
                if expect_files and not task.files:
                    raise NoOutputError(task)
                return task
        remaining = deadline - options.clock()
        if remaining <= 0:
            raise WaitTimeoutError(task_id, timeout, last)
        yield Sleep(min(poll.interval(polls), remaining))
        polls += 1


def generate_op(
    options: Options,
    create: ApiRequest,
    query_for: Callable[[str], ApiRequest],
    *,
    timeout: float,
    on_progress: Callable[[Task], object] | None,
    poll: PollSchedule,
) -> Op[Task]:
    """Create, then wait. Whatever ends the wait (an error, the progress callback's
    exception, Ctrl-C or a cancellation thrown in by the driver) carries the note "the task
    was created: task_id ...", so the caller can still find the task (and will not pay twice)."""
    check_wait_arguments(timeout, on_progress)  # a bad value must send nothing
    created = yield from call_op(options, create, parse_created)
    log.debug("created task %s (session_id %s)", created.task_id, created.session_id)
    try:
        return (
            yield from wait_op(
                options,
                query_for(created.task_id),
                timeout=timeout,
                on_progress=on_progress,
                poll=poll,
                expect_files=True,
            )
        )
    except GeneratorExit:  # the driver closing the op: nothing to tell anyone
        raise
    except BaseException as error:
        error.add_note(f"the task was created: task_id {created.task_id}")
        if isinstance(error, ChainhubError) and error.session_id is None:
            error.session_id = created.session_id
        raise


# -- downloads -------------------------------------------------------------------------------


def public_url(url: str) -> str:
    """``url`` without query and fragment (signed URLs carry their signature there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path


def safe_stem(task_id: str, index: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", task_id).lstrip(".")[:180] or "task"
    return f"{stem}-{index}"


_EXT = re.compile(r"[a-z0-9]{1,8}")


def file_extension(file: OutputFile, content_type: str | None) -> str:
    """From FileType, else the URL path, else the Content-Type; ``.bin`` as the last resort."""
    kind = (file.file_type or "").strip().lower()
    if "/" in kind:
        guessed = mimetypes.guess_extension(kind.split(";")[0].strip())
        if guessed:
            return guessed
    elif _EXT.fullmatch(kind):
        return "." + kind
    suffix = PurePosixPath(urlsplit(file.url or "").path).suffix.lower()
    if _EXT.fullmatch(suffix[1:]):
        return suffix
    if content_type:
        guessed = mimetypes.guess_extension(content_type.split(";")[0].strip().lower())
        if guessed:
            return guessed
    return ".bin"


def download_op(
    options: Options,
    task: Task,
    directory: Path,
    *,
    on_bytes: Callable[[int, int, int | None], object] | None = None,
    on_file: Callable[[int, Path, int], object] | None = None,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
) -> Op[list[Path]]:
    """Download every output file of ``task`` into ``directory``; see TaskResult.download.
    The disk is the driver's: this op only yields :class:`MakeDirectory`, :class:`Fetch`,
    :class:`Commit` and :class:`Discard`, and reads an ``OSError`` thrown back from them."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise RequestValidationError([("max_bytes", f"not an integer >= 1 (got {max_bytes!r})")])
    try:
        yield MakeDirectory(directory)
    except OSError as exc:
        raise DownloadError(f"cannot create {directory}: {exc}", url="") from exc
    headers = options.download_headers()
    paths: list[Path] = []
    for index, file in enumerate(task.files):
        if not file.url:
            raise DownloadError(
                f"output file {index} of task {task.task_id} has no FileUrl"
                + (f" (FileId {file.file_id})" if file.file_id else ""),
                url="",
            )
        shown = public_url(file.url)
        stem = safe_stem(task.task_id, index)
        retry = 0
        while True:
            log.debug("downloading %s (attempt %d)", shown, retry + 1)
            fetched: Fetched = yield Fetch(
                file.url,
                directory,
                stem,
                headers,
                options.timeout,
                index,
                file.size,
                on_bytes,
                max_bytes,
            )
            failure = _fetch_failure(options, fetched, file, shown)
            if failure is None:
                assert fetched.part is not None
                target = directory / (stem + file_extension(file, fetched.content_type))
                try:
                    yield Commit(fetched.part, target)
                except OSError as exc:
                    raise DownloadError(
                        f"cannot move {shown} into place: {exc}", url=shown
                    ) from exc
                log.debug("saved %s (%d bytes) as %s", shown, fetched.size, target)
                paths.append(target)
                if on_file is not None:
                    yield Notify(on_file, (index, target, fetched.size))
                break
            if fetched.part is not None:
                yield Discard(fetched.part)
            decision = decide_retry(retry, failure, options)
            if isinstance(decision, GiveUp):
                if decision.why:
                    log.info("download of %s: %s", shown, decision.why)
                raise failure.error
            log.info(
                "retrying download of %s (attempt %d of %d) after: %s; sleeping %.2f s (%s)",
                shown,
                retry + 2,
                options.max_retries + 1,
                failure.error,
                decision.seconds,
                decision.why,
            )
            yield Sleep(decision.seconds)
            retry += 1
    return paths


def _fetch_failure(
    options: Options, fetched: Fetched, file: OutputFile, shown: str
) -> Failure | None:
    """What went wrong with a transfer (a :class:`Failure` of a DownloadError), or None."""
    if fetched.too_large:
        cap = f"MetaData.Size ({file.size} bytes)" if file.size is not None else "max_bytes"
        problem = DownloadError(
            f"download of {shown} stopped at {fetched.size} bytes: larger than {cap}",
            url=shown,
            status_code=fetched.status_code,
        )
        return Failure(problem, False)  # the same file would be as large again
    if fetched.error is not None:
        cause = fetched.error
        if isinstance(cause, RedirectRefused):
            problem = DownloadError(f"download of {shown} refused: {cause}", url=shown)
            problem.__cause__ = cause
            return Failure(problem, False)
        if isinstance(cause, OSError):  # the disk, not the network: retrying won't help
            problem = DownloadError(f"cannot write {shown}: {cause}", url=shown)
            transient = False
        else:
            error, transient = connection_error(cause)
            problem = DownloadError(f"download of {shown} failed: {error}", url=shown)
        problem.__cause__ = cause
        return Failure(problem, transient)
    if fetched.status_code != 200 or fetched.part is None:
        status = fetched.status_code or 0
        retry_after = None
        if fetched.retry_after is not None:
            retry_after = parse_retry_after(
                {"retry-after": fetched.retry_after}, options.wallclock()
            )
        problem = DownloadError(
            f"download of {shown} failed: HTTP {status}", url=shown, status_code=status
        )
        return Failure(problem, status in (408, 429) or 500 <= status <= 599, retry_after)
    if file.size is not None and fetched.size != file.size:
        problem = DownloadError(
            f"download of {shown} is {fetched.size} bytes, MetaData.Size says {file.size}",
            url=shown,
            status_code=fetched.status_code,
        )
        return Failure(problem, True)  # usually a truncated transfer
    return None
