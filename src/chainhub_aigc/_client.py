"""The synchronous client: a thin driver that performs the effects of ``_core`` with httpx."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from . import _core
from ._base_client import BaseClient
from ._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    NOT_GIVEN,
    NotGiven,
)
from ._core import Fetch, Notify, Op, Send, Sleep
from ._download import fetch_sync, perform_file_effect
from ._http import send_sync
from ._ratelimit import RateLimits
from ._resources import Images, Tasks, Videos
from .errors import ChainhubError
from .types import CreatedTask, OnBytes, OnFile, PollSchedule, Task, TaskResult

T = TypeVar("T")


class Client(BaseClient[httpx.Client]):
    """The chainhub AIGC API, synchronously.

    Use it as a context manager (``with Client() as client:``) or call
    [`close`][chainhub_aigc.Client.close]. The resources are ``client.images``,
    ``client.videos`` and ``client.tasks``; ``get``/``post``/``request`` reach any operation.

    Args:
        api_key: The chainhub API key; default ``$CHAINHUB_API_KEY``. A missing key raises
            [`MissingAPIKeyError`][chainhub_aigc.errors.MissingAPIKeyError] on the first
            request, not here.
        base_url: The gateway; default ``$CHAINHUB_BASE_URL``, else https://api.chainhub.tech.
            A ``http://`` URL must be loopback unless ``allow_insecure_http``.
        timeout: Each HTTP request's timeout, from connect to last byte (seconds or an
            ``httpx.Timeout``; default 60 s, connect 10 s). Not the deadline of a wait: that
            is the ``timeout`` of ``wait``/``generate``.
        max_retries: Retries of one request on connection errors, timeouts, 408, 429 and 5xx.
        default_headers: Headers added to every API request (not to file downloads).
        http_client: An ``httpx.Client`` to send with; you own it and close it.
        transport: An httpx transport for the client's own pool (not with ``http_client``).
        max_retry_after: The longest ``Retry-After`` honoured, in seconds; a longer one
            raises at once instead of sleeping.
        poll_interval: How ``wait`` spaces its queries: a fixed number of seconds or a
            [`PollSchedule`][chainhub_aigc.types.PollSchedule] (default 1, 1.5, 2.25 ... 10 s).
        sleep: Testing hook: called instead of ``time.sleep``.
        clock: Testing hook: the monotonic clock of wait deadlines.
        wallclock: Testing hook: the wall clock that ``Retry-After`` dates are read against.
        jitter: Testing hook: a ``random()`` in [0, 1) for the retry backoff.
        max_response_bytes: The cap on an API answer's decoded body (10 MB by default).
        allow_insecure_http: Send the key over ``http://`` to a non-loopback host; default
            ``$CHAINHUB_ALLOW_INSECURE_HTTP == "1"``.
        rate_limits: Paces every request attempt, retries included, across threads and
            ``with_options`` copies: by default at the spec's rates (Tencent's 20 creates and
            100 queries per second); a [`RateLimits`][chainhub_aigc.RateLimits] for others,
            ``None`` for none.

    Raises:
        ConfigurationError: An invalid setting, or both ``http_client`` and ``transport``.
    """

    _http_class = httpx.Client
    _other_http_class = "AsyncClient takes an httpx.AsyncClient"

    images: Images[CreatedTask, TaskResult]
    """Image tasks: ``create``, ``generate``."""
    videos: Videos[CreatedTask, TaskResult]
    """Video tasks: ``create``, ``generate``."""
    tasks: Tasks[Task, TaskResult, TaskResult]
    """Task status and results: ``get``, ``wait``, ``result``."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        poll_interval: float | PollSchedule | None = None,
        sleep: Callable[[float], object] | None = None,
        clock: Callable[[], float] | None = None,
        wallclock: Callable[[], float] | None = None,
        jitter: Callable[[], float] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool | None = None,
        rate_limits: RateLimits | NotGiven | None = NOT_GIVEN,
    ) -> None:
        self._sleep: Callable[[float], object] = sleep or time.sleep
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
            transport=transport,
            max_retry_after=max_retry_after,
            poll_interval=poll_interval,
            clock=clock,
            wallclock=wallclock,
            jitter=jitter,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
            rate_limits=rate_limits,
        )

    # -- generic calls -------------------------------------------------------------------------

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``GET path``: any operation, including one the SDK has no method for.

        With the SDK's retries, typed errors, timeout and key redaction. A path the spec
        documents is checked against it first.

        Args:
            path: The path, relative to the base URL (``"/tencent-vod/v1/query/" + task_id``).
            params: Query parameters.

        Returns:
            The parsed JSON object of the answer.

        Raises:
            RequestValidationError: The path or parameters break the spec (nothing sent).
            ChainhubError: Any error of the request, as for the typed methods.
        """
        result: dict[str, Any] = self._execute(
            lambda: self._generic_op("GET", path, params=params), None
        )
        return result

    def post(
        self, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """``POST path`` with ``json`` as the body; see [`get`][chainhub_aigc.Client.get].

        The body is sent as given (no ``session_id`` is added), so it is retried only when it
        carries a non-empty ``session_id``.

        Args:
            path: The path, relative to the base URL.
            json: The body, any JSON value.
            params: Query parameters.

        Returns:
            The parsed JSON object of the answer.
        """
        result: dict[str, Any] = self._execute(
            lambda: self._generic_op("POST", path, params=params, body=json), None
        )
        return result

    def request(
        self,
        operation_id: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        """Any operation of the spec by its operationId; see [`get`][chainhub_aigc.Client.get].

        ``client.request("getTask", path_params={"task_id": task_id})``.

        Args:
            operation_id: The operation's ``operationId`` in the spec.
            path_params: The values of the path's ``{parameters}``.
            params: Query parameters.
            json: The body, for an operation that takes one.

        Returns:
            The parsed JSON object of the answer.

        Raises:
            RequestValidationError: No such operation in the spec, or a parameter or the body
                breaks it (nothing sent).
        """
        result: dict[str, Any] = self._execute(
            lambda: self._operation_op(
                operation_id, path_params=path_params, params=params, body=json
            ),
            None,
        )
        return result

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in: you own it)."""
        if not self._http.closed:
            self._http.closed = True
            if self._http.owned:
                self._http.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the driver ----------------------------------------------------------------------------

    def _execute(self, build: Callable[[], Op[Any]], then: Callable[[Any], Any] | None) -> Any:
        result = self._run(build())
        return then(result) if then is not None else result

    def _task_result(self, task: Task) -> TaskResult:
        return TaskResult(task, self._download)

    def _run(self, op: Op[T]) -> T:
        """Perform the op's effects until it returns. An effect that fails (the progress
        callback's exception, Ctrl-C in a sleep, a disk error) is thrown back into the op, so
        that the op can add what it knows or turn it into its own error."""
        if self._http.closed:
            op.close()
            raise ChainhubError("the client is closed")
        try:
            reply: Any = None
            failure: BaseException | None = None
            while True:
                try:
                    effect = op.send(reply) if failure is None else op.throw(failure)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
                failure = None
                try:
                    reply = self._perform(effect)
                except BaseException as exc:
                    reply, failure = None, exc
        finally:
            op.close()

    def _perform(self, effect: _core.Effect) -> Any:
        if isinstance(effect, Send):
            if self._pacer is not None:  # the client-side rate limit (see _ratelimit)
                for delay in self._pacer.delays(effect.operation, effect.time_left):
                    self._sleep(delay)
            shared = self._http
            return send_sync(shared.http, effect, whole=shared.whole, direct=shared.owned)
        if isinstance(effect, Sleep):
            self._sleep(effect.seconds)
            return None
        if isinstance(effect, Notify):
            effect.callback(*effect.args)
            return None
        if isinstance(effect, Fetch):
            return fetch_sync(self._http.http, effect)
        perform_file_effect(effect)
        return None

    def _download(
        self,
        task: Task,
        directory: Path,
        on_bytes: OnBytes | None,
        on_file: OnFile | None,
        max_bytes: int,
    ) -> list[Path]:
        return self._run(
            _core.download_op(
                self._options,
                task,
                directory,
                on_bytes=on_bytes,
                on_file=on_file,
                max_bytes=max_bytes,
            )
        )
