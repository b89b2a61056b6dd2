"""The synchronous client: a thin driver that performs the effects of ``_core`` with httpx."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
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
from ._download import fetch_sync
from ._resources import Images, Tasks, Videos
from .errors import ChainhubError, ConfigurationError
from .types import OnBytes, OnFile, PollSchedule, Task

T = TypeVar("T")


class _Pool:
    """The httpx client shared by a Client and its ``with_options`` copies."""

    __slots__ = ("closed", "http", "owned")

    def __init__(self, http: httpx.Client, owned: bool) -> None:
        self.http = http
        self.owned = owned
        self.closed = False


class Client:
    """The chainhub AIGC API, synchronously.

    ``api_key`` defaults to ``$CHAINHUB_API_KEY`` (a missing key raises MissingAPIKeyError on
    the first request, not here); ``base_url`` to ``$CHAINHUB_BASE_URL``, else
    https://api.chainhub.tech. ``timeout`` is each HTTP request's (60 s, connect 10 s by
    default); ``max_retries`` the retries of one request (2). ``http_client`` (an
    ``httpx.Client`` you own and close) or ``transport`` replace the connection pool.

    Testing hooks: ``sleep`` (instead of time.sleep), ``clock`` (monotonic, for wait
    deadlines), ``wallclock`` (for Retry-After dates), ``jitter`` (a random() in [0, 1)).
    """

    images: Images
    videos: Videos
    tasks: Tasks

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
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise ConfigurationError(
                "http_client must be an httpx.Client (AsyncClient takes an httpx.AsyncClient)"
            )
        owned = http_client is None
        if http_client is None:
            http_client = httpx.Client(
                transport=transport, limits=DEFAULT_LIMITS, timeout=self._options.timeout
            )
        self._pool = _Pool(http_client, owned)
        self._sleep: Callable[[float], object] = sleep or time.sleep
        self._bind()

    def _bind(self) -> None:
        self.images = Images(self)
        self.videos = Videos(self)
        self.tasks = Tasks(self)

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
        """A copy with other settings that shares this client's connection pool (closing
        either closes the pool)."""
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
        """A generated ``AuthenticatedClient`` with this client's base URL, key, timeout and
        headers (its own connection pool: close it when done). Raises MissingAPIKeyError."""
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

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in: you own it)."""
        if not self._pool.closed:
            self._pool.closed = True
            if self._pool.owned:
                self._pool.http.close()

    @property
    def is_closed(self) -> bool:
        return self._pool.closed

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

    def _run(self, op: Op[T]) -> T:
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
                reply = self._perform(effect)
        finally:
            op.close()

    def _perform(self, effect: _core.Effect) -> Any:
        if isinstance(effect, Send):
            try:
                response = self._pool.http.request(
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
            self._sleep(effect.seconds)
            return None
        if isinstance(effect, Notify):
            effect.callback(*effect.args)
            return None
        if isinstance(effect, Fetch):
            return fetch_sync(self._pool.http, effect)
        raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover

    def _download(
        self, task: Task, directory: Path, on_bytes: OnBytes | None, on_file: OnFile | None
    ) -> list[Path]:
        return self._run(
            _core.download_op(self._options, task, directory, on_bytes=on_bytes, on_file=on_file)
        )
