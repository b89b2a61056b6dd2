"""pytest plugin: the ``chainhub_mock`` fixture, a running mock of the API for your own tests.

Installed with the ``[mock]`` extra and registered by entry point (``pytest11``): no conftest
is needed. ``-p no:chainhub_aigc`` turns it off; with autoloading off
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``), ``-p chainhub_aigc`` loads it. Do not also list this
module in ``pytest_plugins``: pytest would register it a second time, under another name. ::

    def test_my_pipeline(chainhub_mock):
        paths = my_pipeline(prompt="a fox")            # your code: Client() reads the env
        assert len(chainhub_mock.tasks()) == 1
        chainhub_mock.rate_limit(retry_after=0)        # the next API request gets a 429
        with chainhub_mock.client() as client:         # or a client configured for it
            client.images.generate(model_name="GEM", model_version="3.0", prompt="a fox")

Scope: one mock server per test session (per xdist worker), started on first use on a free
127.0.0.1 port, in a thread of the test process; each test gets a fresh ``ChainhubMock`` view
of it: the tasks, sessions and queued faults are reset after every test, the clients it made
are closed, and ``CHAINHUB_BASE_URL``/``CHAINHUB_API_KEY`` point at the mock during the test
(so code that builds its own ``Client()`` talks to it). The server's configuration is the
``chainhub_mock_config`` fixture (session scope): override it in your conftest to change the
token, the mode or the number of queries a task takes (by default a task finishes at its
first query, so a wait never sleeps).

The mock (starlette, uvicorn) is imported only when a test asks for the fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

    from chainhub_aigc import AsyncClient, Client
    from chainhub_aigc.mock import MockConfig, MockServer

__all__ = ["ChainhubMock"]

DEFAULT_TOKEN = "chainhub-mock-token"


class ChainhubMock:
    """A running mock, as one test sees it (the ``chainhub_mock`` fixture).

    ``url`` and ``token`` reach it; ``client()``/``async_client()`` make SDK clients configured
    for it; ``tasks()`` lists what it created; ``rate_limit()``, ``unavailable()`` and
    ``fail_next_task()`` queue a fault for the next request (``inject()`` for any fault of the
    mock's ``X-Mock-Fault`` vocabulary).
    """

    def __init__(self, server: MockServer, token: str) -> None:
        self.server = server
        self.url: str = server.base_url
        self.token: str = token
        self._clients: list[Client] = []
        self._async_clients: list[AsyncClient] = []
        self._admin: httpx.Client | None = None

    def __repr__(self) -> str:  # never the token
        return f"ChainhubMock(url={self.url!r})"

    @property
    def env(self) -> dict[str, str]:
        """The environment variables a user's program reads to reach the mock."""
        return {"CHAINHUB_BASE_URL": self.url, "CHAINHUB_API_KEY": self.token}

    # --- clients ---------------------------------------------------------------------------

    def client(self, **options: Any) -> Client:
        """A ``Client`` for the mock (closed after the test); ``options`` go to ``Client``.
        Unpaced unless ``rate_limits=`` is given: the mock enforces no limits by default, and a
        test's fake ``sleep`` would otherwise spin on the pacing."""
        from chainhub_aigc import Client

        options.setdefault("rate_limits", None)
        client = Client(api_key=self.token, base_url=self.url, **options)
        self._clients.append(client)
        return client

    def async_client(self, **options: Any) -> AsyncClient:
        """An ``AsyncClient`` for the mock. Close it in the test (``async with``): its
        connections belong to the test's event loop, which may be gone at teardown; one left
        open is marked closed after the test, with a warning. Unpaced unless ``rate_limits=``
        is given, as ``client``."""
        from chainhub_aigc import AsyncClient

        options.setdefault("rate_limits", None)
        client = AsyncClient(api_key=self.token, base_url=self.url, **options)
        self._async_clients.append(client)
        return client

    # --- what the mock saw -----------------------------------------------------------------

    def tasks(self) -> list[dict[str, Any]]:
        """The tasks the mock created in this test, oldest first (``GET /_mock/tasks``): each
        with ``TaskId``, ``TaskType``, ``OperationId``, ``SessionId``, ``Queries``, ``Failed``,
        ``ErrCodeExt``, ``Creates`` (create requests that carried its session_id)."""
        response = self._admin_client().get("/_mock/tasks")
        response.raise_for_status()
        tasks: list[dict[str, Any]] = response.json()["Tasks"]
        return tasks

    # --- faults for the next request -------------------------------------------------------

    def inject(self, fault: str, *, times: int = 1) -> None:
        """Queue ``fault`` (``X-Mock-Fault`` syntax, e.g. ``"latency;seconds=0.2"``) for the
        next ``times`` API requests. A fault with ``task-fail`` waits for the next create;
        downloads and the mock-only routes never take a queued fault."""
        from chainhub_aigc.mock import parse_faults

        if times < 1:
            raise ValueError(f"times must be at least 1, not {times}")
        faults = parse_faults(fault)  # a FaultSyntaxError names what is wrong, now
        if not faults:
            raise ValueError("fault is empty")
        for _ in range(times):
            self.server.state.queue_faults(faults)

    def rate_limit(self, *, retry_after: int = 0, times: int = 1) -> None:
        """The next ``times`` API requests get 429 ``RequestLimitExceeded`` with
        ``Retry-After: retry_after`` (the SDK retries them, ``max_retries`` times)."""
        self.inject(f"rate-limit;retry-after={retry_after}", times=times)

    def unavailable(self, *, status: int = 503, times: int = 1) -> None:
        """The next ``times`` API requests get ``status`` (5xx) ``InternalError``."""
        self.inject(f"unavailable;status={status}", times=times)

    def fail_next_task(
        self, code: str = "ContentModerationFailed", *, message: str | None = None
    ) -> None:
        """The next task created FINISHes failed with ``ErrCodeExt`` ``code`` (the SDK raises
        ``TaskFailedError``); ``message`` replaces the mock's message for that code."""
        for name, value in (("code", code), ("message", message)):
            if value is not None and any(c in value for c in ",;="):
                raise ValueError(f"{name} must not contain ',', ';' or '=': {value!r}")
        fault = f"task-fail;code={code}"
        if message is not None:
            fault += f";message={message}"
        self.inject(fault)

    # --- teardown --------------------------------------------------------------------------

    def _admin_client(self) -> httpx.Client:
        if self._admin is None:
            import httpx

            self._admin = httpx.Client(
                base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
            )
        return self._admin

    def _finish(self) -> None:
        """Close what this test opened and reset the mock for the next one."""
        for client in self._clients:
            client.close()
        left_open = [aclient for aclient in self._async_clients if not aclient.is_closed]
        for aclient in left_open:
            # Its connections may belong to the test's event loop, closed by now (RuntimeError):
            # the client is marked closed all the same, the collector frees its sockets.
            with contextlib.suppress(RuntimeError):
                asyncio.run(aclient.close())
        if left_open:
            warnings.warn(
                f"chainhub_mock: {len(left_open)} async client(s) left open; close them in the "
                "test (async with chainhub_mock.async_client() as client: ...)",
                UserWarning,  # visible by default (a ResourceWarning is not)
                stacklevel=1,
            )
        if self._admin is not None:
            self._admin.close()
        self.server.state.reset()


@pytest.fixture(scope="session")
def chainhub_mock_config() -> MockConfig:
    """The configuration of the session's mock server: override it (session scope) to change
    the token (the first of ``tokens`` in sorted order is used), the mode or the timing."""
    from chainhub_aigc.mock import MockConfig

    return MockConfig(tokens=frozenset({DEFAULT_TOKEN}), mode="deterministic", finish_after=0)


@pytest.fixture(scope="session")
def chainhub_mock_server(chainhub_mock_config: MockConfig) -> Iterator[MockServer]:
    """The session's mock server (``chainhub_aigc.mock.MockServer``), on 127.0.0.1."""
    from chainhub_aigc.mock import MockServer

    with MockServer(chainhub_mock_config, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def chainhub_mock(
    chainhub_mock_server: MockServer,
    chainhub_mock_config: MockConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ChainhubMock]:
    """A running mock of the chainhub AIGC API for this test (see ``ChainhubMock``)."""
    if not chainhub_mock_config.tokens:
        raise pytest.UsageError("chainhub_mock_config: tokens is empty")
    mock = ChainhubMock(chainhub_mock_server, sorted(chainhub_mock_config.tokens)[0])
    chainhub_mock_server.state.reset()  # whatever a session-scoped user of the server left
    for name, value in mock.env.items():
        monkeypatch.setenv(name, value)
    try:
        yield mock
    finally:
        mock._finish()
