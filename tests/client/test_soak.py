"""Fault soak: 200 image tasks through AsyncClient.images.generate, 25 at a time, against the
mock with 20% of API requests failing (429 with Retry-After, 503, dropped connections, lost
answers; seeded). Every task ends completed or with a typed error; the mock holds no duplicate
task and no task that no caller knows of; retries stay bounded."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from chainhub_aigc import AsyncClient, AsyncTaskResult, ChainhubError, TaskMayExistError

from .conftest import IMAGE_FIELDS, MOCK_TOKEN

TASKS = 200
CONCURRENCY = 25
MAX_RETRIES = 2


@pytest.fixture(scope="module")
def faulty_server() -> Iterator[Any]:
    from chainhub_aigc.mock import MockConfig, MockServer

    config = MockConfig(
        tokens=frozenset({MOCK_TOKEN}),
        mode="deterministic",
        finish_after=2,
        fault_rate=0.2,
        faults=("rate-limit", "unavailable", "drop", "lost-response"),
        seed=7,
        retry_after=1,
    )
    with MockServer(config, host="127.0.0.1", port=0) as server:
        yield server


class Attempts(logging.Handler):
    """Collects the SDK's per-attempt debug lines."""

    pattern = re.compile(r"^(GET|POST) (\S+) \(attempt (\d+)\)$")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.attempts: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = self.pattern.match(record.getMessage())
        if match:
            self.attempts.append(int(match.group(3)))


async def test_fault_soak(faulty_server: Any) -> None:
    slept: list[float] = []

    async def short_sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(min(seconds, 0.002))  # Retry-After 1 s and backoff, scaled down

    sent = Counter[str]()

    async def count(request: httpx.Request) -> None:
        sent[request.method] += 1

    logger = logging.getLogger("chainhub_aigc")
    handler = Attempts()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    http = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=CONCURRENCY * 2), event_hooks={"request": [count]}
    )
    gate = asyncio.Semaphore(CONCURRENCY)
    try:
        async with AsyncClient(
            api_key=MOCK_TOKEN,
            base_url=faulty_server.base_url,
            http_client=http,
            max_retries=MAX_RETRIES,
            poll_interval=0,
            sleep=short_sleep,
        ) as client:

            async def one(index: int) -> AsyncTaskResult | ChainhubError:
                async with gate:
                    try:
                        return await client.images.generate(
                            **IMAGE_FIELDS, session_context=str(index), timeout=60
                        )
                    except ChainhubError as error:
                        return error

            outcomes = await asyncio.wait_for(
                asyncio.gather(*(one(i) for i in range(TASKS))), timeout=60
            )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        await http.aclose()

    # Every call ended: a finished task or a typed error (gather would re-raise anything else).
    results = [o for o in outcomes if isinstance(o, AsyncTaskResult)]
    failures = [o for o in outcomes if isinstance(o, ChainhubError)]
    assert len(results) + len(failures) == TASKS
    assert all(r.task.is_success and r.files for r in results)
    # About 9% end in a typed error (mostly TaskMayExistError: a create's answer was lost and
    # its retry rejected as a duplicate); the bound is loose because the seeded faults land on
    # requests in arrival order, which concurrency varies.
    assert len(results) >= TASKS * 0.75, Counter(type(f).__name__ for f in failures)

    # Each call has its own session_id, known to the caller whatever happened.
    known: dict[str, Any] = {}
    for outcome in outcomes:
        session_id = (
            outcome.task.session_id if isinstance(outcome, AsyncTaskResult) else outcome.session_id
        )
        assert session_id, f"an outcome without its session_id: {outcome!r}"
        assert session_id not in known
        known[session_id] = outcome
    for failure in failures:
        if isinstance(failure, TaskMayExistError):
            assert failure.session_id in str(failure)

    # The mock: no duplicate task, no lost task.
    mock_tasks = list(faulty_server.state.tasks.values())
    per_session = Counter(task.session_id for task in mock_tasks)
    assert max(per_session.values()) == 1, "a session_id created two tasks"
    unknown = [task.task_id for task in mock_tasks if task.session_id not in known]
    assert unknown == [], "tasks no caller knows of"
    returned = {r.task_id for r in results}
    assert returned <= {task.task_id for task in mock_tasks}
    assert len(mock_tasks) >= len(results)
    # Retried creates reached the mock with the same session_id, never a new one.
    assert set(faulty_server.state.session_creates) <= set(known)

    # Faults happened, retries happened, and they stayed within max_retries.
    assert handler.attempts and max(handler.attempts) <= MAX_RETRIES + 1
    retries = sum(1 for attempt in handler.attempts if attempt > 1)
    assert 0 < retries <= 0.5 * len(handler.attempts)
    assert sent["POST"] <= TASKS * (MAX_RETRIES + 1)
    assert sum(sent.values()) == len(handler.attempts)
    print(  # shown with -s: the soak's numbers
        f"soak: {len(results)} completed, {len(failures)} typed errors "
        f"{dict(Counter(type(f).__name__ for f in failures))}, {len(mock_tasks)} mock tasks, "
        f"{sum(sent.values())} requests ({retries} retries), {len(slept)} sleeps"
    )
