"""Items 6 and 7 of issue 10: no server holds a call past its timeout, nor a wait past its own.

The timeout bounds an attempt as a whole (connect to last byte), not each socket read; a
wait bounds every request, retry and sleep by the time left. Each test asserts the seconds
elapsed with a generous margin that only a hang (or a per-read timeout) would break."""

from __future__ import annotations

import json
import time

import pytest

from chainhub_aigc import AsyncClient
from chainhub_aigc.errors import APITimeoutError, InternalServerError, WaitTimeoutError
from tests.client.conftest import task_body
from tests.data import TASK_ID
from tests.hostile.conftest import KEY, sdk_client
from tests.hostile.server import HostileServer, Scenario, drip, hang, json_body, respond

TIMEOUT = 2.0
MARGIN = 2.0  # a wait returns within T + 2 s (issue 10, item 7)
SLOW_BODY = json.dumps(task_body("PROCESSING"))  # some 2 KB: half an hour at 1 byte/s


def test_a_body_dripped_at_one_byte_a_second_cannot_hold_a_call(hostile: HostileServer) -> None:
    hostile.fallback = drip(SLOW_BODY, bytes_per_second=1)
    client = sdk_client(hostile, timeout=TIMEOUT)
    start = time.monotonic()
    with pytest.raises(APITimeoutError, match=f"longer than {TIMEOUT:g} s in all"):
        client.tasks.get(TASK_ID)
    elapsed = time.monotonic() - start
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + 1.5
    assert len(hostile.requests) == 1


async def test_a_dripped_body_cannot_hold_an_async_call(hostile: HostileServer) -> None:
    hostile.fallback = drip(SLOW_BODY, bytes_per_second=1)
    async with AsyncClient(api_key=KEY, base_url=hostile.url, max_retries=0, timeout=TIMEOUT) as c:
        start = time.monotonic()
        with pytest.raises(APITimeoutError):
            await c.tasks.get(TASK_ID)
    assert time.monotonic() - start < TIMEOUT + 1.0


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(hang(), id="hangs"),
        pytest.param(drip(SLOW_BODY, bytes_per_second=2), id="slow-body"),
        pytest.param(
            respond(503, b"busy", headers=[("Retry-After", "30")]), id="retry-after-past-deadline"
        ),
        pytest.param(
            json_body(task_body("PROCESSING"), headers=[("Retry-After", "30")]), id="processing"
        ),
    ],
)
def test_a_wait_returns_within_its_timeout_whatever_the_server_does(
    hostile: HostileServer, scenario: Scenario
) -> None:
    hostile.fallback = scenario
    # the client's own timeout and retries are generous: only the wait's deadline can end it
    client = sdk_client(hostile, timeout=60, max_retries=5, poll_interval=0.5)
    start = time.monotonic()
    # a deadline, or the server's own error once the wait's tolerance of failures is spent
    with pytest.raises((WaitTimeoutError, InternalServerError)):
        client.tasks.wait(TASK_ID, timeout=TIMEOUT)
    assert time.monotonic() - start < TIMEOUT + MARGIN


async def test_an_async_wait_on_a_hung_server_returns_in_time(hostile: HostileServer) -> None:
    hostile.fallback = hang()
    async with AsyncClient(api_key=KEY, base_url=hostile.url, max_retries=5) as client:
        start = time.monotonic()
        with pytest.raises(WaitTimeoutError):
            await client.tasks.wait(TASK_ID, timeout=TIMEOUT)
    assert time.monotonic() - start < TIMEOUT + MARGIN
