"""Item 6 of issue 10, before the first body byte: the timeout bounds an attempt as a whole.

httpx's timeouts are per socket operation, so a server that drips its status line and
headers, or says nothing after reading the request, or a listener that never accepts, could
hold a call for a multiple of the timeout. Each scenario must end in the SDK's timeout error
within the timeout plus a generous margin that only a per-operation timeout (or a hang)
would break, sync and async."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from chainhub_aigc import AsyncClient, Client
from chainhub_aigc.errors import APITimeoutError, WaitTimeoutError
from tests.data import TASK_ID
from tests.hostile.conftest import KEY
from tests.hostile.server import HostileServer, ReceivedRequest, Responder, Scenario, hang

TIMEOUT = 1.0
MARGIN = 1.5
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
    b"X-Padding: " + b"p" * 200 + b"\r\n\r\n{}"
)  # some 280 bytes: almost two minutes at a byte per 0.4 s


def drip_head(seconds_per_byte: float = 0.4) -> Scenario:
    """The status line and headers one byte at a time: no single read waits long."""

    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        for index in range(len(HEAD)):
            await out.send(HEAD[index : index + 1])
            await asyncio.sleep(seconds_per_byte)

    return scenario


SCENARIOS = {"head-dripped": drip_head(), "silence-after-the-request": hang()}


@pytest.fixture
def unaccepting() -> Iterator[str]:
    """The base URL of a listener whose accept queue is full and never drained: a new
    connection's handshake is not completed (Linux drops its SYN), so connect stalls."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    host, port = listener.getsockname()
    fillers = []
    try:
        for _ in range(4):  # a backlog of 0 still queues one or two: fill it
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex((host, port))
            fillers.append(filler)
        time.sleep(0.1)
        yield f"http://{host}:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def _call_sync(base_url: str, timeout: float | httpx.Timeout) -> float:
    client = Client(api_key=KEY, base_url=base_url, max_retries=0, timeout=timeout)
    start = time.monotonic()
    with client, pytest.raises(APITimeoutError, match="timed out"):
        client.tasks.get(TASK_ID)
    return time.monotonic() - start


async def _call_async(base_url: str, timeout: float | httpx.Timeout) -> float:
    client = AsyncClient(api_key=KEY, base_url=base_url, max_retries=0, timeout=timeout)
    start = time.monotonic()
    async with client:
        with pytest.raises(APITimeoutError, match="timed out"):
            await client.tasks.get(TASK_ID)
    return time.monotonic() - start


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_stalled_head_cannot_hold_a_call(hostile: HostileServer, scenario: Scenario) -> None:
    hostile.fallback = scenario
    elapsed = _call_sync(hostile.url, TIMEOUT)
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + MARGIN
    assert len(hostile.requests) == 1


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_a_stalled_head_cannot_hold_an_async_call(
    hostile: HostileServer, scenario: Scenario
) -> None:
    hostile.fallback = scenario
    elapsed = await _call_async(hostile.url, TIMEOUT)
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + MARGIN
    assert len(hostile.requests) == 1


def test_a_sync_call_says_the_attempt_took_too_long_in_all(hostile: HostileServer) -> None:
    hostile.fallback = drip_head()
    client = Client(api_key=KEY, base_url=hostile.url, max_retries=0, timeout=TIMEOUT)
    with client, pytest.raises(APITimeoutError, match=f"longer than {TIMEOUT:g} s in all"):
        client.tasks.get(TASK_ID)


# The connect phase may have its own, longer timeout; the attempt's (the overall one) wins.
SLOW_CONNECT = httpx.Timeout(TIMEOUT, connect=30.0)


def test_a_connect_that_never_completes_cannot_hold_a_call(unaccepting: str) -> None:
    elapsed = _call_sync(unaccepting, SLOW_CONNECT)
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + MARGIN


async def test_a_connect_that_never_completes_cannot_hold_an_async_call(unaccepting: str) -> None:
    elapsed = await _call_async(unaccepting, SLOW_CONNECT)
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + MARGIN


def test_a_wait_deadline_bounds_a_stalled_head(hostile: HostileServer) -> None:
    """Under a wait, an attempt gets at most the time left (or the last-attempt grace)."""
    hostile.fallback = drip_head()
    with Client(api_key=KEY, base_url=hostile.url, max_retries=0, timeout=60) as client:
        start = time.monotonic()
        with pytest.raises(WaitTimeoutError):
            client.tasks.wait(TASK_ID, timeout=TIMEOUT)
    assert time.monotonic() - start < TIMEOUT + 1.0 + MARGIN  # + LAST_ATTEMPT_GRACE


def test_the_deadline_does_not_outlive_the_call(hostile: HostileServer) -> None:
    """The same httpx client used outside the SDK's calls keeps its own timeouts."""
    http = httpx.Client(timeout=30)
    with Client(
        api_key=KEY, base_url=hostile.url, max_retries=0, timeout=TIMEOUT, http_client=http
    ) as client:
        hostile.fallback = hang()
        with pytest.raises(APITimeoutError):
            client.tasks.get(TASK_ID)
    hostile.fallback = drip_head(seconds_per_byte=0.0)
    start = time.monotonic()
    # after the SDK's call, no deadline lingers in this thread: the request is not cut short
    assert http.get(hostile.url + "/anything").json() == {}
    assert time.monotonic() - start < 10
    http.close()
