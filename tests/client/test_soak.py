"""Fault soak: TASKS image tasks through AsyncClient.images.generate, CONCURRENCY at a time,
against the mock with a share of API requests failing (429 with Retry-After, 503, dropped
connections, lost answers; seeded). The soak runs once per module (the `soak` fixture); each
test checks one invariant: every call ends completed or with a typed error, the mock holds no
duplicate task and no task that no caller knows of, retries stay bounded."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from chainhub_aigc import AsyncClient, AsyncTaskResult, ChainhubError, TaskMayExistError
from chainhub_aigc.mock import MockConfig, MockServer

from .conftest import IMAGE_FIELDS, MOCK_TOKEN

TASKS = 200
CONCURRENCY = 25
MAX_RETRIES = 2
FAULT_RATE = 0.2
# The soak runs once: tests/conftest.py sends all of this module's tests to one xdist worker.


@pytest.fixture(scope="module")
def faulty_server() -> Iterator[MockServer]:
    config = MockConfig(
        tokens=frozenset({MOCK_TOKEN}),
        mode="deterministic",
        finish_after=2,
        fault_rate=FAULT_RATE,
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


@dataclass(frozen=True)
class Soak:
    """What one soak run produced, and what the mock held afterwards."""

    outcomes: list[AsyncTaskResult | ChainhubError]
    mock_tasks: list[tuple[str, str]]  # (task_id, session_id) of every task the mock holds
    session_creates: dict[str, int]  # session_id -> create requests that carried it
    attempts: list[int]  # the attempt number of every request the SDK logged
    sent: Counter[str]  # requests that reached the transport, by method

    @property
    def results(self) -> list[AsyncTaskResult]:
        return [o for o in self.outcomes if isinstance(o, AsyncTaskResult)]

    @property
    def failures(self) -> list[ChainhubError]:
        return [o for o in self.outcomes if isinstance(o, ChainhubError)]

    @property
    def retries(self) -> int:
        return sum(1 for attempt in self.attempts if attempt > 1)

    def session_ids(self) -> list[str | None]:
        """The session_id each caller knows, whatever its call ended with."""
        return [
            o.task.session_id if isinstance(o, AsyncTaskResult) else o.session_id
            for o in self.outcomes
        ]


async def _run_soak(server: MockServer) -> Soak:
    async def short_sleep(seconds: float) -> None:
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
            base_url=server.base_url,
            http_client=http,
            max_retries=MAX_RETRIES,
            poll_interval=0,
            sleep=short_sleep,
            rate_limits=None,  # a soak of faults, not of pacing (tests/batch)
        ) as client:

            async def one(index: int) -> AsyncTaskResult | ChainhubError:
                async with gate:
                    try:
                        return await client.images.generate(
                            **IMAGE_FIELDS, session_context=str(index), timeout=60
                        )
                    except ChainhubError as error:
                        return error

            # gather re-raises anything but a ChainhubError: the fixture, and every test, fail.
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(one(i) for i in range(TASKS))), timeout=60
            )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        await http.aclose()
    return Soak(
        outcomes=list(outcomes),
        mock_tasks=[(t.task_id, t.session_id) for t in server.state.tasks.values()],
        session_creates=dict(server.state.session_creates),
        attempts=list(handler.attempts),
        sent=sent,
    )


@pytest.fixture(scope="module")
def soak(faulty_server: MockServer) -> Soak:
    soak = asyncio.run(_run_soak(faulty_server))
    print(  # shown with -s: the soak's numbers
        f"soak: {len(soak.results)} completed, {len(soak.failures)} typed errors "
        f"{dict(Counter(type(f).__name__ for f in soak.failures))}, "
        f"{len(soak.mock_tasks)} mock tasks, {sum(soak.sent.values())} requests "
        f"({soak.retries} retries)"
    )
    return soak


def test_every_call_ends_completed_or_with_a_typed_error(soak: Soak) -> None:
    assert len(soak.outcomes) == TASKS
    assert len(soak.results) + len(soak.failures) == TASKS
    assert all(r.task.is_success and r.files for r in soak.results)


def test_most_calls_complete(soak: Soak) -> None:
    # Some end in a typed error (mostly TaskMayExistError: a create's answer was lost and its
    # retry rejected as a duplicate); the bound is loose because the seeded faults land on
    # requests in arrival order, which concurrency varies.
    assert len(soak.results) >= TASKS * 0.75, Counter(type(f).__name__ for f in soak.failures)


def test_every_caller_knows_its_own_session_id(soak: Soak) -> None:
    session_ids = soak.session_ids()
    assert all(session_ids), "an outcome without its session_id"
    assert len(set(session_ids)) == TASKS, "two calls with one session_id"
    for failure in soak.failures:
        if isinstance(failure, TaskMayExistError):
            assert failure.session_id in str(failure)


def test_no_duplicate_task(soak: Soak) -> None:
    per_session = Counter(session_id for _, session_id in soak.mock_tasks)
    assert per_session and max(per_session.values()) == 1, "a session_id created two tasks"


def test_no_lost_task(soak: Soak) -> None:
    known = set(soak.session_ids())
    assert [t for t, session_id in soak.mock_tasks if session_id not in known] == [], (
        "tasks no caller knows of"
    )
    held = {task_id for task_id, _ in soak.mock_tasks}
    assert {r.task_id for r in soak.results} <= held, "a result the mock never created"


def test_retried_creates_keep_their_session_id(soak: Soak) -> None:
    assert set(soak.session_creates) <= set(soak.session_ids())
    assert max(soak.session_creates.values()) > 1, "no create was retried: did faults fire?"


def test_faults_fired_and_were_retried(soak: Soak) -> None:
    # A quarter of what the rate predicts: loose, and never zero.
    assert soak.retries >= max(1, TASKS * FAULT_RATE * 0.25), soak.retries


def test_retries_are_bounded(soak: Soak) -> None:
    assert soak.attempts and max(soak.attempts) <= MAX_RETRIES + 1
    assert soak.retries <= 0.5 * len(soak.attempts)
    assert soak.sent["POST"] <= TASKS * (MAX_RETRIES + 1)
    assert sum(soak.sent.values()) == len(soak.attempts), "a request the SDK did not log"
