"""Typed errors of the chainhub AIGC SDK.

Every error the SDK raises is a ``ChainhubError``; every one carries ``request_id``
(when the server sent one), ``status_code``, ``body`` (the parsed JSON, or the text when the
body was not JSON) and ``response`` (the ``httpx.Response``), each ``None`` where it does not
apply, and, when it comes from a create or ``generate``, the create's ``session_id`` (with a
note when an attempt may have created the task anyway). No message ever contains the API key
(server messages that echo it are redacted, JSON-escaped forms included), and no error
carries it in its ``body``, ``request_id``, ``response`` (whose request has no Authorization
header) or pickle. The hierarchy:

    ChainhubError
    ├── ConfigurationError
    │   └── MissingAPIKeyError            no api_key= and no CHAINHUB_API_KEY (on first use)
    ├── RequestValidationError            a request broke the spec; raised before sending
    ├── APIConnectionError                connection failed or dropped, no usable answer
    │   └── APITimeoutError
    ├── APIStatusError                    the server answered with an error
    │   ├── BadRequestError               400, 422
    │   ├── AuthenticationError           401
    │   ├── PermissionDeniedError         403
    │   ├── NotFoundError                 404
    │   ├── RateLimitError                429
    │   ├── InternalServerError           5xx
    │   ├── APIResponseValidationError    a success status with a body the SDK cannot read
    │   └── TencentAPIError               a Response.Error body, whatever the status
    │       ├── TaskMayExistError         a *retried* create rejected as a duplicate session_id
    │       └── Tencent<Status>Error      both TencentAPIError and the status class (see below)
    ├── TaskFailedError                   FINISH with ErrCode != 0 or ErrCodeExt, or ABORTED
    │   └── NoOutputError                 FINISH without error and without any output file
    ├── WaitTimeoutError                  the wait's deadline passed (last_task)
    └── DownloadError                     an output file could not be downloaded

TencentAPIError and the status classes: Tencent reports errors as ``{"Response": {"Error":
{"Code", "Message"}}}``, often with HTTP 200, and whether the gateway keeps 200 is unknown. So
that ``except TencentAPIError`` catches every Tencent-coded error *and* ``except RateLimitError``
catches every rate limit, an error with a Tencent body is raised as a class that inherits from
both: a 400 with a Tencent body is a ``TencentBadRequestError`` (a ``BadRequestError`` and a
``TencentAPIError``). With an error status (>= 400) the status picks the class; with a success
status the Tencent code does (``RequestLimitExceeded`` -> rate limit, ``AuthFailure.*`` ->
authentication, ``ResourceNotFound`` -> not found, ``InternalError`` -> server error, the
``InvalidParameter*``/``MissingParameter``/``UnknownParameter`` family -> bad request), and any
other code is a plain ``TencentAPIError``. Every ``APIStatusError`` has ``code`` (the Tencent
code or ``None``) and ``message``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from .types import Task

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ChainhubError",
    "ConfigurationError",
    "DownloadError",
    "InternalServerError",
    "MissingAPIKeyError",
    "NoOutputError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "TaskFailedError",
    "TaskMayExistError",
    "TencentAPIError",
    "TencentAuthenticationError",
    "TencentBadRequestError",
    "TencentInternalServerError",
    "TencentNotFoundError",
    "TencentPermissionDeniedError",
    "TencentRateLimitError",
    "WaitTimeoutError",
]


class ChainhubError(Exception):
    """The base of every error the SDK raises.

    Attributes:
        message: What went wrong (the server's own text for a Tencent error), without the
            request id that ``str(error)`` appends.
        request_id: The ``RequestId`` the server sent, if any.
        status_code: The HTTP status, where there was an answer.
        body: The answer's parsed JSON (or its text when it was not JSON).
        response: The ``httpx.Response`` (its request carries no credential once pickled).
    """

    message: str
    request_id: str | None
    status_code: int | None
    body: Any
    response: httpx.Response | None
    session_id: str | None = None
    """On an error from a create (or ``generate``): the ``session_id`` the create carried.
    When a note says an attempt may have reached the server, the task may exist: it comes
    back with this ``SessionId``."""

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        status_code: int | None = None,
        body: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.message = message
        self.request_id = request_id
        self.status_code = status_code
        self.body = body
        self.response = response
        text = message if request_id is None else f"{message} (request_id: {request_id})"
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        # Not cls(*args): most subclasses take other arguments than their text. The response
        # goes without its request's credentials (a pickle may travel: logs, queues, caches).
        state = dict(self.__dict__)
        if state.get("response") is not None:
            state["response"] = safe_response(state["response"])
        return (_rebuild, (type(self), self.args, state))


_SECRET_REQUEST_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def safe_request(response: httpx.Response) -> httpx.Request | None:
    """The response's request without Authorization, Proxy-Authorization and Cookie (None
    when the response has no request)."""
    import httpx  # here, not at the top: the CLI's --help imports this module, not httpx

    try:
        sent = response.request
    except RuntimeError:
        return None
    kept = [
        (k, v) for k, v in sent.headers.multi_items() if k.lower() not in _SECRET_REQUEST_HEADERS
    ]
    return httpx.Request(sent.method, sent.url, headers=kept)


def safe_response(response: httpx.Response) -> httpx.Response:
    """A copy of a read response whose request carries no credential (for pickling)."""
    import httpx

    return httpx.Response(
        response.status_code,
        headers=[
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ],
        content=response.content,
        request=safe_request(response),
        extensions={
            k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")
        },
    )


class ConfigurationError(ChainhubError):
    """The client is configured in a way that cannot work."""


class MissingAPIKeyError(ConfigurationError):
    """No API key: pass ``api_key=`` or set ``CHAINHUB_API_KEY``. Raised on first use."""


class RequestValidationError(ChainhubError, ValueError):
    """A request field breaks the spec; raised before anything is sent.

    ``field`` is the path of the first offending field (``output_config.duration``,
    ``file_infos[3]``), ``rule`` what it broke (``longer than 50 characters``), and
    ``errors`` every ``(field, rule)`` pair found.
    """

    field: str
    rule: str
    errors: tuple[tuple[str, str], ...]

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        if not errors:
            raise ValueError("RequestValidationError needs at least one error")
        self.errors = tuple(errors)
        self.field, self.rule = self.errors[0]
        listed = "; ".join(f"{field}: {rule}" for field, rule in self.errors)
        super().__init__(f"invalid request: {listed}")


class APIConnectionError(ChainhubError):
    """No usable answer: the connection failed, dropped, or the request could not be sent."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""


class APIStatusError(ChainhubError):
    """The server answered with an error. ``code`` is the Tencent error code, if any."""

    code: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
        body: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.code = code
        super().__init__(
            message,
            request_id=request_id,
            status_code=status_code,
            body=body,
            response=response,
        )


class BadRequestError(APIStatusError):
    """400 or 422, or a Tencent ``InvalidParameter*``/``MissingParameter``/``UnknownParameter``."""


class AuthenticationError(APIStatusError):
    """401, or a Tencent ``AuthFailure.*``: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403, or a Tencent ``UnauthorizedOperation``."""


class NotFoundError(APIStatusError):
    """404, or a Tencent ``ResourceNotFound``/``InvalidParameterValue.TaskId``."""


class RateLimitError(APIStatusError):
    """429, or a Tencent ``RequestLimitExceeded``; retried unless Retry-After exceeds the cap."""


class InternalServerError(APIStatusError):
    """A 5xx status (any, including 520 and 599), or a Tencent ``InternalError``."""


class APIResponseValidationError(APIStatusError):
    """A success status whose body the SDK cannot read: not JSON, no ``Response``, wrong types."""


class TencentAPIError(APIStatusError):
    """A ``Response.Error`` body (``code``, ``message``), whatever the HTTP status."""

    code: str


class TaskMayExistError(TencentAPIError):
    """A create was retried after an ambiguous failure and the retry was rejected as a
    duplicate ``session_id``: the first attempt probably created the task. ``session_id``
    identifies it (it comes back as ``SessionId`` on the task); do not create it again blindly.
    """

    session_id: str

    def __init__(
        self,
        message: str,
        *,
        session_id: str,
        code: str,
        request_id: str | None = None,
        status_code: int | None = None,
        body: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.session_id = session_id
        super().__init__(
            message,
            code=code,
            request_id=request_id,
            status_code=status_code,
            body=body,
            response=response,
        )


class TencentBadRequestError(BadRequestError, TencentAPIError):
    """A bad request with a Tencent error body."""


class TencentAuthenticationError(AuthenticationError, TencentAPIError):
    """An authentication failure with a Tencent error body."""


class TencentPermissionDeniedError(PermissionDeniedError, TencentAPIError):
    """A permission failure with a Tencent error body."""


class TencentNotFoundError(NotFoundError, TencentAPIError):
    """A missing resource with a Tencent error body."""


class TencentRateLimitError(RateLimitError, TencentAPIError):
    """A rate limit with a Tencent error body."""


class TencentInternalServerError(InternalServerError, TencentAPIError):
    """A server failure with a Tencent error body."""


class TaskFailedError(ChainhubError):
    """The task finished without a result: FINISH with a non-zero ``ErrCode`` or a non-empty
    ``ErrCodeExt``, or ABORTED.

    Attributes:
        task: The final [`Task`][chainhub_aigc.types.Task].
        task_id: Its id.
        err_code: Its ``ErrCode``.
        err_code_ext: Its ``ErrCodeExt`` (``"ContentModerationFailed"``, ...).
    """

    task: Task
    task_id: str
    err_code: int | None
    err_code_ext: str | None

    def __init__(self, task: Task) -> None:
        self.task = task
        self.task_id = task.task_id
        self.err_code = task.err_code
        self.err_code_ext = task.err_code_ext
        reason = ", ".join(
            part
            for part in (
                f"ErrCode {task.err_code}" if task.err_code else "",
                f"ErrCodeExt {task.err_code_ext}" if task.err_code_ext else "",
                task.message or "",
            )
            if part
        )
        super().__init__(
            f"task {task.task_id} {'was aborted' if task.status == 'ABORTED' else 'failed'}"
            + (f": {reason}" if reason else ""),
            request_id=task.request_id,
            status_code=task.status_code,
            body=task.raw_json,
            response=task.response,
        )
        # ChainhubError.__init__ set .message to the whole sentence; keep Tencent's own text.
        self.message = task.message or self.message


def _rebuild(cls: type[ChainhubError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Unpickle an error whose __init__ does not take its message (TaskFailedError...)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class NoOutputError(TaskFailedError):
    """The task FINISHed with ErrCode 0 and no ErrCodeExt, but without any output file: there
    is nothing to download, though the task was created to produce files."""

    def __init__(self, task: Task) -> None:
        super().__init__(task)
        self.args = (f"task {task.task_id} finished without error but without any output file",)


class WaitTimeoutError(ChainhubError):
    """The wait's deadline passed before the task finished; it keeps running on the server.

    Attributes:
        task_id: The task waited for.
        timeout: The deadline, in seconds.
        last_task: The last state seen (``None`` if no query succeeded).
    """

    task_id: str
    timeout: float
    last_task: Task | None

    def __init__(self, task_id: str, timeout: float, last_task: Task | None) -> None:
        self.task_id = task_id
        self.timeout = timeout
        self.last_task = last_task
        state = "no state seen"
        if last_task is not None:
            state = f"last status {last_task.status or 'unknown'}"
            if last_task.progress is not None:
                state += f", progress {last_task.progress}%"
        super().__init__(
            f"task {task_id} did not finish within {timeout:g} s ({state})",
            request_id=None if last_task is None else last_task.request_id,
            status_code=None if last_task is None else last_task.status_code,
            body=None if last_task is None else last_task.raw_json,
            response=None if last_task is None else last_task.response,
        )


class DownloadError(ChainhubError):
    """An output file could not be downloaded (status, broken transfer after retries, size
    mismatch, disk error). ``url`` is the file's URL without its query string.
    """

    url: str

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status_code: int | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.url = url
        super().__init__(message, status_code=status_code, response=response)
