"""The sans-IO core: every decision of the SDK, written once for the sync and async clients.

An operation (create, get, wait, generate, download) is a generator that *yields effects*
(:class:`Send` an HTTP request, :class:`Sleep`, :class:`Notify` the progress callback,
:class:`Fetch` a file to disk) and receives their outcomes; a thin driver in ``_client.py``
(httpx.Client, time.sleep) or ``_async_client.py`` (httpx.AsyncClient, asyncio.sleep) performs
them. Request building, spec validation, response parsing, the retry rules, the poll schedule,
failure detection and download naming therefore exist once, and the tests can drive them with
any transport and a recording sleep.

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
So the loop in :func:`api_op` is ours: exponential backoff with jitter
(``min(0.5 * 2**n, 8) * (1 - 0.25 * random())``), ``Retry-After``/``retry-after-ms`` honoured
(seconds or HTTP date) up to ``max_retry_after`` (beyond it the error is raised at once rather
than sleeping that long), on connection errors, timeouts, 408, 429, 5xx and their Tencent-coded
equivalents; never on other 4xx (409 included).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import mimetypes
import os
import re
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import httpx
from chainhub_aigc_client.api.images import create_image_task
from chainhub_aigc_client.api.tasks import get_task
from chainhub_aigc_client.api.videos import create_video_task
from chainhub_aigc_client.models import (
    ImageTaskRequest,
    VideoTaskRequest,
)

from ._config import Options
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

# -- effects ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Send:
    """Send one HTTP request and read its whole body; the reply is an :class:`Exchange`."""

    method: str
    url: str
    headers: Mapping[str, str]
    content: bytes | None
    timeout: httpx.Timeout


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


@dataclass(frozen=True, slots=True)
class Fetched:
    status_code: int | None = None
    part: Path | None = None
    size: int = 0
    content_type: str | None = None
    retry_after: str | None = None
    error: Exception | None = None


Effect = Send | Sleep | Notify | Fetch
Op = Generator[Effect, Any, T]

# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """One API request, ready to send (and re-send)."""

    operation: str
    method: str
    path: str
    content: bytes | None
    retry_safe: bool
    """GETs always; a create only when it carries a non-empty session_id."""
    session_id: str | None = None


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


_CREATE: dict[str, tuple[str, type[ImageTaskRequest] | type[VideoTaskRequest], Any]] = {
    "image": ("createImageTask", ImageTaskRequest, create_image_task),
    "video": ("createVideoTask", VideoTaskRequest, create_video_task),
}


def create_call(
    kind: Literal["image", "video"],
    fields: Mapping[str, Any],
    request: ImageTaskRequest | VideoTaskRequest | None,
    extra_body: Mapping[str, Any] | None,
) -> Call:
    """Validate a create against the spec and build its request; nothing is sent yet."""
    operation, model_cls, module = _CREATE[kind]
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
    if "session_id" not in data:
        data["session_id"] = new_session_id()
    validate_request(operation, data)
    try:  # through the generated model: the body is what the generated client would send
        kwargs = module._get_kwargs(body=model_cls.from_dict(data))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RequestValidationError(
            [("request", f"rejected by the generated model ({exc})")]
        ) from exc
    body = kwargs["json"]
    if extra_body:
        body.update(_plain(dict(extra_body), ""))
    try:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:  # only extra_body can hold such values
        raise RequestValidationError([("extra_body", f"not JSON ({exc})")]) from exc
    session_id = body.get("session_id")
    session = session_id if isinstance(session_id, str) and session_id else None
    return Call(
        operation=operation,
        method=str(kwargs["method"]).upper(),
        path=kwargs["url"],
        content=content.encode(),
        retry_safe=session is not None,
        session_id=session,
    )


def get_call(task_id: str) -> Call:
    validate_parameter("getTask", "task_id", task_id)
    kwargs = get_task._get_kwargs(task_id=task_id)
    return Call("getTask", str(kwargs["method"]).upper(), kwargs["url"], None, retry_safe=True)


# -- responses -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """A success: the parsed body and its ``Response`` object."""

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
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {redact(k): _redact_data(v, redact) for k, v in data.items()}
    if isinstance(data, list):
        return [_redact_data(item, redact) for item in data]
    return data


def read_reply(
    response: httpx.Response,
    *,
    redact: Callable[[str], str] = lambda text: text,
    session_id: str | None = None,
) -> Reply:
    """Turn any HTTP response into a :class:`Reply` or raise a :class:`ChainhubError`.

    Never raises anything else, whatever the status (100..599, 520 included) and the body
    (not JSON, not an object, no ``Response``, wrong types, null everywhere).
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
    if not is_json:
        raise APIResponseValidationError(
            redact(f"the {status} answer is not JSON: {_snippet(body, 120)}"), **common
        )
    if envelope is None:
        raise APIResponseValidationError(
            redact(f"the {status} answer has no Response object: {_snippet(body, 120)}"), **common
        )
    assert isinstance(body, dict)
    return Reply(response, body, envelope, request_id)


def build_created(reply: Reply, session_id: str | None) -> CreatedTask:
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


def build_task(reply: Reply, task_id: str) -> Task:
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
class _Failure:
    error: ChainhubError
    retryable: bool
    retry_after: float | None = None
    maybe_processed: bool = False
    """The server may have carried the request out (a create may have created its task)."""


# Failures where the request surely never reached the server.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
)


def _interpret(exchange: Exchange, call: Call, options: Options) -> Reply | _Failure:
    if exchange.error is not None:
        error, retryable = connection_error(exchange.error)
        error.__cause__ = exchange.error
        return _Failure(error, retryable, None, not isinstance(exchange.error, _NOT_SENT))
    assert exchange.response is not None
    try:
        return read_reply(exchange.response, redact=options.redact, session_id=call.session_id)
    except ChainhubError as error:
        retry_after = parse_retry_after(exchange.response.headers, options.wallclock())
        maybe = isinstance(error, InternalServerError) or error.status_code == 408
        return _Failure(error, is_transient(error), retry_after, maybe)


def _annotate(error: E, call: Call, maybe_processed: bool) -> E:
    """Tie a create's final error to its session_id: the caller's way to find a task that an
    ambiguous attempt may have created."""
    if call.session_id:
        error.session_id = call.session_id
        if maybe_processed and not isinstance(error, TaskMayExistError):
            error.add_note(
                f"an attempt may have reached the server and created the task: its session_id "
                f"is {call.session_id!r} (echoed as SessionId on the task)"
            )
    elif maybe_processed and call.method == "POST":
        error.add_note("the create may have reached the server (it had no session_id)")
    return error


def redact_error(error: E, options: Options) -> E:
    """``error`` with the API key scrubbed from its text (for text the server sent)."""
    error.args = tuple(options.redact(a) if isinstance(a, str) else a for a in error.args)
    error.message = options.redact(error.message)
    return error


def _short(path: str) -> str:
    return path if len(path) <= 120 else path[:117] + "..."


def api_op(options: Options, call: Call) -> Op[Reply]:
    """Send ``call``, retrying under the rules of the module docstring."""
    headers = options.auth_headers()
    if call.content is not None:
        headers["Content-Type"] = "application/json"
    url = options.base_url + call.path
    shown = _short(call.path)
    retry = 0
    maybe_processed = False
    while True:
        log.debug("%s %s (attempt %d)", call.method, shown, retry + 1)
        exchange: Exchange = yield Send(call.method, url, headers, call.content, options.timeout)
        outcome = _interpret(exchange, call, options)
        if isinstance(outcome, Reply):
            log.debug(
                "%s %s -> %d (request_id %s)",
                call.method,
                shown,
                outcome.response.status_code,
                outcome.request_id,
            )
            return outcome
        error = outcome.error
        maybe_processed = maybe_processed or outcome.maybe_processed
        log.debug(
            "%s %s -> %s: %s",
            call.method,
            shown,
            error.status_code or "no answer",
            error,
        )
        if (
            retry > 0
            and call.session_id
            and isinstance(error, TencentAPIError)
            and error.code == DUPLICATE_SESSION_CODE
        ):
            raise TaskMayExistError(
                f"the create was retried after an ambiguous failure and the retry was rejected "
                f"as a duplicate: the task may already exist (created by an earlier attempt). "
                f"Its session_id is {call.session_id!r} (echoed as SessionId on the task); "
                f"look for it before creating another ({error.code}: {error.message})",
                session_id=call.session_id,
                code=error.code,
                request_id=error.request_id,
                status_code=error.status_code,
                body=error.body,
                response=error.response,
            ) from error
        if not outcome.retryable:
            raise _annotate(error, call, maybe_processed)
        if not call.retry_safe:
            log.info(
                "not retrying %s %s: the create has no session_id, a retry could create a "
                "second task",
                call.method,
                shown,
            )
            raise _annotate(error, call, maybe_processed)
        if retry >= options.max_retries:
            if options.max_retries:
                log.info("%s %s: giving up after %d attempts", call.method, shown, retry + 1)
            raise _annotate(error, call, maybe_processed)
        delay = backoff_delay(options, retry)
        why = "backoff"
        if outcome.retry_after is not None:
            if outcome.retry_after > options.max_retry_after:
                log.info(
                    "%s %s: Retry-After %.1f s exceeds the cap of %.1f s, not retrying",
                    call.method,
                    shown,
                    outcome.retry_after,
                    options.max_retry_after,
                )
                raise _annotate(error, call, maybe_processed)
            delay, why = outcome.retry_after, "Retry-After"
        log.info(
            "retrying %s %s (attempt %d of %d) after %s; sleeping %.2f s (%s)",
            call.method,
            shown,
            retry + 2,
            options.max_retries + 1,
            f"HTTP {error.status_code}" if error.status_code else type(error).__name__,
            delay,
            why,
        )
        yield Sleep(delay)
        retry += 1


# -- operations ------------------------------------------------------------------------------


def create_op(options: Options, call: Call) -> Op[CreatedTask]:
    reply = yield from api_op(options, call)
    return build_created(reply, call.session_id)


def get_op(options: Options, task_id: str) -> Op[Task]:
    reply = yield from api_op(options, get_call(task_id))
    return build_task(reply, task_id)


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
    task_id: str,
    *,
    timeout: float,
    on_progress: Callable[[Task], object] | None,
    poll: PollSchedule,
) -> Op[Task]:
    """Poll until the task is done or the deadline passes (never sleeping past it)."""
    check_wait_arguments(timeout, on_progress)
    get_call(task_id)  # validate the id before the clock starts
    deadline = options.clock() + timeout
    last: Task | None = None
    polls = 0
    failures = 0
    while True:
        try:
            task = yield from get_op(options, task_id)
            failures = 0
        except ChainhubError as error:
            failures += 1
            if not is_transient(error) or failures > WAIT_TOLERATED_FAILURES:
                raise
            log.warning("task %s: query failed (%s); still waiting", task_id, error)
        else:
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
                return task
        remaining = deadline - options.clock()
        if remaining <= 0:
            raise WaitTimeoutError(task_id, timeout, last)
        yield Sleep(min(poll.interval(polls), remaining))
        polls += 1


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


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not possible on every platform; the rename is still atomic
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _discard(part: Path | None) -> None:
    if part is not None:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)


def download_op(
    options: Options,
    task: Task,
    directory: Path,
    *,
    on_bytes: Callable[[int, int, int | None], object] | None = None,
    on_file: Callable[[int, Path, int], object] | None = None,
) -> Op[list[Path]]:
    """Download every output file of ``task`` into ``directory``; see TaskResult.download."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
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
                file.url, directory, stem, headers, options.timeout, index, file.size, on_bytes
            )
            problem, retryable, retry_after = _fetch_problem(options, fetched, file, shown)
            if problem is None:
                assert fetched.part is not None
                target = directory / (stem + file_extension(file, fetched.content_type))
                try:
                    os.replace(fetched.part, target)
                except OSError as exc:
                    _discard(fetched.part)
                    raise DownloadError(
                        f"cannot move {shown} into place: {exc}", url=shown
                    ) from exc
                _fsync_dir(directory)
                log.debug("saved %s (%d bytes) as %s", shown, fetched.size, target)
                paths.append(target)
                if on_file is not None:
                    yield Notify(on_file, (index, target, fetched.size))
                break
            _discard(fetched.part)
            if not retryable or retry >= options.max_retries:
                raise problem
            delay = backoff_delay(options, retry)
            if retry_after is not None and retry_after <= options.max_retry_after:
                delay = retry_after
            log.info(
                "retrying download of %s (attempt %d of %d) after: %s; sleeping %.2f s",
                shown,
                retry + 2,
                options.max_retries + 1,
                problem,
                delay,
            )
            yield Sleep(delay)
            retry += 1
    return paths


def _fetch_problem(
    options: Options, fetched: Fetched, file: OutputFile, shown: str
) -> tuple[DownloadError | None, bool, float | None]:
    """(the error, whether a retry may help, Retry-After) of a transfer; no error if good."""
    if fetched.error is not None:
        cause = fetched.error
        if isinstance(cause, OSError):  # the disk, not the network: retrying won't help
            problem = DownloadError(f"cannot write {shown}: {cause}", url=shown)
            retryable = False
        else:
            error, retryable = connection_error(cause)
            problem = DownloadError(f"download of {shown} failed: {error}", url=shown)
        problem.__cause__ = cause
        return problem, retryable, None
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
        return problem, status in (408, 429) or 500 <= status <= 599, retry_after
    if file.size is not None and fetched.size != file.size:
        problem = DownloadError(
            f"download of {shown} is {fetched.size} bytes, MetaData.Size says {file.size}",
            url=shown,
            status_code=fetched.status_code,
        )
        return problem, True, None  # usually a truncated transfer
    return None, False, None
