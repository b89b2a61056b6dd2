"""The asynchronous client: the same ``_core`` operations, performed with httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import copy
import inspect
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from chainhub_aigc_client import AuthenticatedClient

from . import _core
from ._config import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    NOT_GIVEN,
    NotGiven,
    build_options,
    evolve_options,
)
from ._core import Exchange, Fetch, Notify, Op, Send, Sleep
from ._download import fetch_async
from ._resources import AsyncImages, AsyncTasks, AsyncVideos
from .errors import ChainhubError, ConfigurationError
from .types import OnBytes, OnFile, PollSchedule, Task

T = TypeVar("T")


class _AsyncPool:
    __slots__ = ("closed", "http", "owned")

    def __init__(self, http: httpx.AsyncClient, owned: bool) -> None:
        self.http = http
        self.owned = owned
        self.closed = False


class AsyncClient:
    """The chainhub AIGC API, asynchronously: the surface of :class:`~chainhub_aigc.Client`
    with ``await``. ``sleep`` takes an async function (default asyncio.sleep);
    ``http_client`` an ``httpx.AsyncClient``; ``transport`` an ``httpx.AsyncBaseTransport``.
    """

    images: AsyncImages
    videos: AsyncVideos
    tasks: AsyncTasks

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
    ) -> None:
        self._options = build_options(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            max_retry_after=max_retry_after,
            poll_interval=poll_interval,
            clock=clock,
            wallclock=wallclock,
            jitter=jitter,
        )
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client= or transport=, not both")
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                "http_client must be an httpx.AsyncClient (Client takes an httpx.Client)"
            )
        owned = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                transport=transport, limits=DEFAULT_LIMITS, timeout=self._options.timeout
            )
        self._pool = _AsyncPool(http_client, owned)
        self._sleep: Callable[[float], Awaitable[object]] = sleep or asyncio.sleep
        self._bind()

    def _bind(self) -> None:
        self.images = AsyncImages(self)
        self.videos = AsyncVideos(self)
        self.tasks = AsyncTasks(self)

    # -- configuration -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._options.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_retry_after: float | NotGiven = NOT_GIVEN,
        poll_interval: float | PollSchedule | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with other settings that shares this client's connection pool."""
        clone = copy.copy(self)
        clone._options = evolve_options(
            self._options,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            poll_interval=poll_interval,
            default_headers=default_headers,
        )
        clone._bind()
        return clone

    def generated_client(self) -> AuthenticatedClient:
        """See :meth:`Client.generated_client` (use its ``get_async_httpx_client``)."""
        headers = self._options.auth_headers()
        token = headers.pop("Authorization").removeprefix("Bearer ")
        headers.pop("Accept", None)
        return AuthenticatedClient(
            base_url=self._options.base_url,
            token=token,
            timeout=self._options.timeout,
            headers=headers,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._options.base_url!r}, "
            f"timeout={self._options.timeout!r}, max_retries={self._options.max_retries})"
        )

    # -- lifecycle -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if not self._pool.closed:
            self._pool.closed = True
            if self._pool.owned:
                await self._pool.http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._pool.closed

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

    async def _run(self, op: Op[T]) -> T:
        if self._pool.closed:
            op.close()
            raise ChainhubError("the client is closed")
        try:
            reply: Any = None
            while True:
                try:
                    effect = op.send(reply)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
                reply = await self._perform(effect)
        finally:
            op.close()

    async def _perform(self, effect: _core.Effect) -> Any:
        if isinstance(effect, Send):
            try:
                response = await self._pool.http.request(
                    effect.method,
                    effect.url,
                    headers=effect.headers,
                    content=effect.content,
                    timeout=effect.timeout,
                )
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return Exchange(None, exc)
            return Exchange(response)
        if isinstance(effect, Sleep):
            await self._sleep(effect.seconds)
            return None
        if isinstance(effect, Notify):
            outcome = effect.callback(*effect.args)
            if inspect.isawaitable(outcome):
                await outcome
            return None
        if isinstance(effect, Fetch):
            return await fetch_async(self._pool.http, effect)
        raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover

    async def _download(
        self, task: Task, directory: Path, on_bytes: OnBytes | None, on_file: OnFile | None
    ) -> list[Path]:
        return await self._run(
            _core.download_op(self._options, task, directory, on_bytes=on_bytes, on_file=on_file)
        )
