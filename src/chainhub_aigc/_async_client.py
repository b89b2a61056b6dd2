"""The asynchronous client: the same ``_core`` operations, performed with httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping
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
from ._download import fetch_async, perform_file_effect
from ._http import send_async
from ._ratelimit import RateLimits
from ._resources import AsyncImages, AsyncTasks, AsyncVideos
from .errors import ChainhubError
from .types import AsyncTaskResult, OnBytes, OnFile, PollSchedule, Task

T = TypeVar("T")


class AsyncClient(BaseClient[httpx.AsyncClient]):
    """The chainhub AIGC API, asynchronously.

    The surface of [`Client`][chainhub_aigc.Client], each call awaited
    (``async with AsyncClient() as client:``, ``await client.images.generate(...)``); the
    arguments are the same, except these.

    Args:
        sleep: Testing hook: an async function called instead of ``asyncio.sleep``.
        http_client: An ``httpx.AsyncClient`` to send with; you own it and close it.
        transport: An ``httpx.AsyncBaseTransport`` for the client's own pool.
    """

    _http_class = httpx.AsyncClient
    _other_http_class = "Client takes an httpx.Client"

    images: AsyncImages
    """Image tasks: ``create``, ``generate``."""
    videos: AsyncVideos
    """Video tasks: ``create``, ``generate``."""
    tasks: AsyncTasks
    """Task status and results: ``get``, ``wait``, ``result``."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        poll_interval: float | PollSchedule | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        clock: Callable[[], float] | None = None,
        wallclock: Callable[[], float] | None = None,
        jitter: Callable[[], float] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool | None = None,
        rate_limits: RateLimits | NotGiven | None = NOT_GIVEN,
    ) -> None:
        self._sleep: Callable[[float], Awaitable[object]] = sleep or asyncio.sleep
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

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """See [`Client.get`][chainhub_aigc.Client.get]."""
        result: dict[str, Any] = await self._execute(
            lambda: self._generic_op("GET", path, params=params), None
        )
        return result

    async def post(
        self, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """See [`Client.post`][chainhub_aigc.Client.post]."""
        result: dict[str, Any] = await self._execute(
            lambda: self._generic_op("POST", path, params=params, body=json), None
        )
        return result

    async def request(
        self,
        operation_id: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        """See [`Client.request`][chainhub_aigc.Client.request]."""
        result: dict[str, Any] = await self._execute(
            lambda: self._operation_op(
                operation_id, path_params=path_params, params=params, body=json
            ),
            None,
        )
        return result

    # -- lifecycle -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if not self._http.closed:
            self._http.closed = True
            if self._http.owned:
                await self._http.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- the driver ----------------------------------------------------------------------------

    def _execute(
        self, build: Callable[[], Op[Any]], then: Callable[[Any], Any] | None
    ) -> Coroutine[Any, Any, Any]:
        async def run() -> Any:  # the op is built on await: bad input raises there, as usual
            result = await self._run(build())
            return then(result) if then is not None else result

        return run()

    def _task_result(self, task: Task) -> AsyncTaskResult:
        return AsyncTaskResult(task, self._download)

    async def _run(self, op: Op[T]) -> T:
        """See :meth:`Client._run`; a cancellation is thrown into the op the same way."""
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
                    reply = await self._perform(effect)
                except BaseException as exc:
                    reply, failure = None, exc
        finally:
            op.close()

    async def _perform(self, effect: _core.Effect) -> Any:
        if isinstance(effect, Send):
            if self._pacer is not None:  # the client-side rate limit (see _ratelimit)
                for delay in self._pacer.delays(effect.operation, effect.time_left):
                    await self._sleep(delay)
            return await send_async(self._http.http, effect, direct=self._http.owned)
        if isinstance(effect, Sleep):
            await self._sleep(effect.seconds)
            return None
        if isinstance(effect, Notify):
            outcome = effect.callback(*effect.args)
            if inspect.isawaitable(outcome):
                await outcome
            return None
        if isinstance(effect, Fetch):
            return await fetch_async(self._http.http, effect)
        perform_file_effect(effect)
        return None

    async def _download(
        self,
        task: Task,
        directory: Path,
        on_bytes: OnBytes | None,
        on_file: OnFile | None,
        max_bytes: int,
    ) -> list[Path]:
        return await self._run(
            _core.download_op(
                self._options,
                task,
                directory,
                on_bytes=on_bytes,
                on_file=on_file,
                max_bytes=max_bytes,
            )
        )
