"""What ``Client`` and ``AsyncClient`` share: everything that does no I/O.

Options, properties, ``with_options``, ``generated_client``, the repr, the resources, and the
operations behind the generic calls (``get``/``post``/``request``) live here once; the two
drivers (``_client.py``, ``_async_client.py``) only perform effects with httpx and a sleep.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, Self, TypeVar, cast

import httpx
from chainhub_aigc_client import AuthenticatedClient

from . import _core
from ._config import (
    DEFAULT_LIMITS,
    NOT_GIVEN,
    NotGiven,
    build_options,
    evolve_options,
)
from ._core import Op
from ._http import install_deadlines
from ._operations import OperationTable, operation_table
from ._ratelimit import Pacer, RateLimits, make_pacer
from ._resources import Images, Tasks, Videos
from .errors import ConfigurationError, RequestValidationError
from .types import PollSchedule, Task

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class _SharedHttpClient(Generic[HttpT]):
    """The httpx client shared by a client and its ``with_options`` copies, whether it is
    ours to close (not when the caller passed it in), and whether it has been closed."""

    __slots__ = ("closed", "http", "owned", "whole")

    def __init__(self, http: HttpT, owned: bool) -> None:
        self.http: HttpT = http
        self.owned = owned
        self.closed = False
        # every socket operation of an attempt obeys its deadline (sync: _http.DeadlineBackend)
        self.whole = isinstance(http, httpx.Client) and install_deadlines(http)


class BaseClient(Generic[HttpT]):
    """The I/O-free half of a client; see [`Client`][chainhub_aigc.Client]."""

    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    _other_http_class: ClassVar[str]

    _http: _SharedHttpClient[HttpT]
    images: Images[Any, Any]
    videos: Videos[Any, Any]
    tasks: Tasks[Any, Any, Any]

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | NotGiven | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: HttpT | None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
        max_retry_after: float,
        poll_interval: float | PollSchedule | None,
        clock: Callable[[], float] | None,
        wallclock: Callable[[], float] | None,
        jitter: Callable[[], float] | None,
        max_response_bytes: int,
        allow_insecure_http: bool | None,
        rate_limits: RateLimits | NotGiven | None = NOT_GIVEN,
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
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
        )
        # One pacer for this client and its with_options copies (copy.copy shares it).
        self._pacer: Pacer | None = make_pacer(rate_limits, self._options.clock)
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client= or transport=, not both")
        name = self._http_class.__name__
        if http_client is not None and not isinstance(http_client, self._http_class):
            raise ConfigurationError(
                f"http_client must be an httpx.{name} ({self._other_http_class})"
            )
        if http_client is None:
            own = self._http_class(
                transport=transport,  # type: ignore[arg-type]
                limits=DEFAULT_LIMITS,
                timeout=self._options.timeout,
            )
            self._http = _SharedHttpClient(cast(HttpT, own), owned=True)
        else:
            self._http = _SharedHttpClient(http_client, owned=False)
        self._bind()

    def _bind(self) -> None:
        self.images = Images(self)
        self.videos = Videos(self)
        self.tasks = Tasks(self)

    # -- what the resources need of a driver ---------------------------------------------------

    def _execute(self, build: Callable[[], Op[Any]], then: Callable[[Any], Any] | None) -> Any:
        """Build the op (validating its input) and run it; the driver's."""
        raise NotImplementedError

    def _task_result(self, task: Task) -> Any:
        """A finished task as this client's TaskResult/AsyncTaskResult."""
        raise NotImplementedError

    # -- configuration -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The gateway's URL, as configured."""
        return self._options.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout of each HTTP request."""
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        """The retries of one request."""
        return self._options.max_retries

    @property
    def rate_limits(self) -> RateLimits | None:
        """The client-side rate limits (None: off); shared with ``with_options`` copies."""
        return None if self._pacer is None else self._pacer.limits

    @property
    def is_closed(self) -> bool:
        """Whether ``close`` was called (on this client or a copy sharing its pool)."""
        return self._http.closed

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_retry_after: float | NotGiven = NOT_GIVEN,
        poll_interval: float | PollSchedule | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with other settings that shares this client's connection pool.

        Closing either closes the pool. ``client.with_options(timeout=5, max_retries=0)``.

        Args:
            timeout: Each HTTP request's timeout.
            max_retries: Retries of one request.
            max_retry_after: The longest ``Retry-After`` honoured, in seconds.
            poll_interval: How ``wait`` spaces its queries.
            default_headers: Headers added to every API request (they replace the client's).

        Returns:
            A client of the same class.
        """
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
        """The generated package's client, configured like this one.

        Returns:
            A ``chainhub_aigc_client.AuthenticatedClient`` with this client's base URL, key,
            timeout and headers, for ``chainhub_aigc_client.api.*`` calls. It has its own
            connection pool: close it when done (``with client.generated_client() as c:``).

        Raises:
            MissingAPIKeyError: No API key is configured.
        """
        headers = self._options.auth_headers()
        token = headers.pop("Authorization").removeprefix("Bearer ")
        headers.pop("Accept", None)
        headers.pop("Accept-Encoding", None)
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

    # -- the generic calls (their typed faces are in the drivers) ------------------------------

    def _generic_op(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        table: OperationTable | None = None,
    ) -> Op[dict[str, Any]]:
        request = _core.generic_request(
            method, path, params=params, body=body, table=table or operation_table()
        )
        return _core.call_op(self._options, request, _core.parse_json)

    def _operation_op(
        self,
        operation_id: str,
        *,
        path_params: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
        body: Any,
    ) -> Op[dict[str, Any]]:
        table = operation_table()
        row = table[operation_id]
        if path_params is not None and not isinstance(path_params, Mapping):
            raise RequestValidationError(
                [("path_params", f"not a mapping (got {type(path_params).__name__})")]
            )
        if body is not None and row.request_schema is None:
            raise RequestValidationError([("json", f"{operation_id} takes no request body")])
        path = row.fill(path_params or {})
        return self._generic_op(row.method, path, params=params, body=body, table=table)
