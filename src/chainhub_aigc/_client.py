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

    ``api_key`` defaults to ``$CHAINHUB_API_KEY`` (a missing key raises MissingAPIKeyError on
    the first request, not here); ``base_url`` to ``$CHAINHUB_BASE_URL``, else
    https://api.chainhub.tech. ``timeout`` is each HTTP request's (60 s, connect 10 s by
    default); ``max_retries`` the retries of one request (2). ``http_client`` (an
    ``httpx.Client`` you own and close) or ``transport`` replace the connection pool.
    ``rate_limits`` paces every request attempt, retries included, across threads and
    ``with_options`` copies: by default at the spec's rates (Tencent's 20 creates and 100
    queries per second), :class:`~chainhub_aigc.RateLimits` for others, ``None`` for none.

    Testing hooks: ``sleep`` (instead of time.sleep), ``clock`` (monotonic, for wait
    deadlines), ``wallclock`` (for Retry-After dates), ``jitter`` (a random() in [0, 1)).
    """

    _http_class = httpx.Client
    _other_http_class = "AsyncClient takes an httpx.AsyncClient"

    images: Images[CreatedTask, TaskResult]
    videos: Videos[CreatedTask, TaskResult]
    tasks: Tasks[Task, TaskResult, TaskResult]

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
        """``GET path`` (relative to the base URL): any operation, including one the SDK has
        no method for, with the SDK's retries, errors, timeout and redaction. Returns the
        parsed JSON object. A path the spec documents is checked against it first."""
        result: dict[str, Any] = self._execute(
            lambda: self._generic_op("GET", path, params=params), None
        )
        return result

    def post(
        self, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """``POST path`` with ``json`` as the body (sent as given: retried only when it
        carries a non-empty ``session_id``); see :meth:`get`."""
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
        """Any operation of the spec by its operationId, its path parameters filled in
        (``client.request("getTask", path_params={"task_id": ...})``); see :meth:`get`."""
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
                for delay in self._pacer.delays(effect.method, effect.url, effect.time_left):
                    self._sleep(delay)
            return send_sync(self._http.http, effect)
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
