"""Client-side rate limits: every attempt waits for a slot of its bucket (see _ratelimit).

The property checked on send times: the k-th request of a bucket (k from 0, in the order they
were sent) is sent no sooner than k intervals after the test started, which is what a token
bucket of that rate with a burst of one allows. Sends are timestamped by the transport, after
the pacing sleep; the first slot is no sooner than the start, so the check is exact even when
a send lags behind its slot on a loaded machine.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import httpx
import pytest
from chainhub_aigc_client.sdk_params import ImageTaskParams

from chainhub_aigc import APITimeoutError, AsyncClient, Client, ConfigurationError, RateLimits
from chainhub_aigc._ratelimit import MAX_RECHECKS, Pacer, spec_rates

BASE = "https://gateway.test"
CREATED = {"Response": {"TaskId": "1-AigcImageTask-0t", "RequestId": "r"}}
QUERY = {
    "Response": {
        "Status": "PROCESSING",
        "TaskType": "AigcImageTask",
        "RequestId": "r",
        "AigcImageTask": {"TaskId": "1-AigcImageTask-0t", "Status": "PROCESSING"},
    }
}
FIELDS: ImageTaskParams = {"model_name": "GEM", "model_version": "3.0", "prompt": "a fox"}


class FakeTime:
    """A clock that only the sleeps move (thread-safe)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def recorder(
    stamps: dict[str, list[float]], now: Callable[[], float], fail_first: int = 0
) -> Callable[[httpx.Request], httpx.Response]:
    lock = threading.Lock()
    failures = [fail_first]

    def handle(request: httpx.Request) -> httpx.Response:
        kind = "create" if request.method == "POST" else "query"
        with lock:
            stamps.setdefault(kind, []).append(now())
            if failures[0] > 0:
                failures[0] -= 1
                return httpx.Response(503, json={"message": "busy"})
        return httpx.Response(200, json=CREATED if kind == "create" else QUERY)

    return handle


def assert_paced(times: list[float], per_second: float, start: float) -> None:
    interval = 1.0 / per_second
    for k, sent in enumerate(sorted(times)):
        assert sent - start >= k * interval - 1e-9, (k, sent - start)


def test_the_defaults_are_the_specs_rates() -> None:
    assert spec_rates() == {"create": 20.0, "query": 100.0}
    limits = RateLimits()
    assert (limits.creates_per_second, limits.queries_per_second) == (20.0, 100.0)
    assert Client(api_key="k", base_url=BASE).rate_limits == RateLimits()
    assert Client(api_key="k", base_url=BASE, rate_limits=None).rate_limits is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("creates_per_second", 0), ("queries_per_second", -1.0), ("creates_per_second", "20")],
)
def test_a_bad_rate_is_refused_naming_it(field: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=field):
        RateLimits(**{field: value})  # type: ignore[arg-type]


def test_sync_creates_and_queries_are_paced_each_in_its_bucket_retries_included() -> None:
    fake = FakeTime()
    stamps: dict[str, list[float]] = {}
    transport = httpx.MockTransport(recorder(stamps, fake.clock, fail_first=2))
    with Client(
        api_key="k",
        base_url=BASE,
        transport=transport,
        clock=fake.clock,
        sleep=fake.sleep,
        jitter=lambda: 0.99,
        rate_limits=RateLimits(creates_per_second=5, queries_per_second=50),
    ) as client:
        for _ in range(6):
            client.images.create(**FIELDS)  # the first one fails twice (503): 3 attempts
        for _ in range(20):
            client.tasks.get("1-AigcImageTask-0t")
    assert len(stamps["create"]) == 8
    assert_paced(stamps["create"], 5, 1000.0)
    assert_paced(stamps["query"], 50, 1000.0)
    # Retries waited for their own slot: the 8 attempts span at least 7 intervals.
    assert stamps["create"][-1] - stamps["create"][0] >= 7 / 5 - 1e-6


def test_without_limits_nothing_waits() -> None:
    fake = FakeTime()
    stamps: dict[str, list[float]] = {}
    transport = httpx.MockTransport(recorder(stamps, fake.clock))
    with Client(
        api_key="k",
        base_url=BASE,
        transport=transport,
        clock=fake.clock,
        sleep=fake.sleep,
        rate_limits=None,
    ) as client:
        for _ in range(5):
            client.images.create(**FIELDS)
    assert stamps["create"] == [1000.0] * 5


def test_threads_and_with_options_copies_share_one_bucket() -> None:
    stamps: dict[str, list[float]] = {}
    transport = httpx.MockTransport(recorder(stamps, time.monotonic))
    with Client(
        api_key="k",
        base_url=BASE,
        transport=transport,
        rate_limits=RateLimits(creates_per_second=200, queries_per_second=400),
    ) as client:
        start = time.monotonic()
        copies = [client, client.with_options(max_retries=0), client.with_options(timeout=5)]

        def work(index: int) -> None:
            mine = copies[index % len(copies)]
            for _ in range(5):
                mine.images.create(**FIELDS)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(stamps["create"]) == 40
    assert_paced(stamps["create"], 200, start)


async def test_async_tasks_share_one_bucket() -> None:
    stamps: dict[str, list[float]] = {}

    async def handle(request: httpx.Request) -> httpx.Response:
        return recorder(stamps, time.monotonic)(request)

    async with AsyncClient(
        api_key="k",
        base_url=BASE,
        transport=httpx.MockTransport(handle),
        rate_limits=RateLimits(creates_per_second=100, queries_per_second=200),
    ) as client:
        start = time.monotonic()
        copy = client.with_options(max_retries=1)
        await asyncio.gather(
            *(client.images.create(**FIELDS) for _ in range(30)),
            *(copy.tasks.get("1-AigcImageTask-0t") for _ in range(40)),
        )
    assert len(stamps["create"]) == 30 and len(stamps["query"]) == 40
    assert_paced(stamps["create"], 100, start)
    assert_paced(stamps["query"], 200, start)


async def test_async_pacing_uses_the_clients_sleep() -> None:
    fake = FakeTime()
    stamps: dict[str, list[float]] = {}

    async def handle(request: httpx.Request) -> httpx.Response:
        return recorder(stamps, fake.clock)(request)

    async with AsyncClient(
        api_key="k",
        base_url=BASE,
        transport=httpx.MockTransport(handle),
        clock=fake.clock,
        sleep=fake.async_sleep,
        rate_limits=RateLimits(creates_per_second=2),
    ) as client:
        await asyncio.gather(*(client.images.create(**FIELDS) for _ in range(4)))
    assert_paced(stamps["create"], 2, 1000.0)
    assert fake.now - 1000.0 >= 1.5 - 1e-9


def test_a_slot_past_the_deadline_is_refused_and_not_reserved() -> None:
    fake = FakeTime()
    pacer = Pacer(RateLimits(queries_per_second=1), fake.clock)
    query = "getTask"
    assert list(pacer.delays(query, time_left=None)) == []
    assert list(pacer.delays(query, time_left=None)) == [1.0] * MAX_RECHECKS  # clock stays
    with pytest.raises(APITimeoutError, match="rate limit"):
        pacer.reserve(query, time_left=1.5)  # its slot is 2 s away
    slot = pacer.reserve(query, time_left=2.0)  # the same slot: none was lost
    assert slot is not None and pacer.wait(slot) == 2.0
    # A path the spec does not document, and a send of no operation, are not paced.
    assert pacer.reserve("GET /not/in/the/spec", time_left=None) is None
    assert pacer.reserve(None, time_left=None) is None


def test_a_stall_shifts_the_later_slots_instead_of_a_burst() -> None:
    fake = FakeTime()
    pacer = Pacer(RateLimits(creates_per_second=10), fake.clock)
    slots = [pacer.reserve("createImageTask", time_left=None) for _ in range(5)]
    assert all(slot is not None for slot in slots)
    fake.sleep(2.0)  # the process stalls past every slot
    waits = [pacer.wait(slot) for slot in slots if slot is not None]
    # The first goes now; the others keep their spacing after it, as if reserved now.
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    # Lateness within LATE moves nothing: a request reserved later keeps its turn.
    later = pacer.reserve("createImageTask", time_left=None)
    assert later is not None and pacer.wait(later) == pytest.approx(0.5)


def test_a_wait_gives_up_at_its_deadline_rather_than_sleep_past_it() -> None:
    fake = FakeTime()
    stamps: dict[str, list[float]] = {}
    with Client(
        api_key="k",
        base_url=BASE,
        transport=httpx.MockTransport(recorder(stamps, fake.clock)),
        clock=fake.clock,
        sleep=fake.sleep,
        rate_limits=RateLimits(queries_per_second=0.1),  # a slot every 10 s
        poll_interval=1.0,
    ) as client:
        client.tasks.get("1-AigcImageTask-0t")  # takes the free slot
        with pytest.raises(APITimeoutError, match="past the call's deadline"):
            client.tasks.wait("1-AigcImageTask-0t", timeout=3)
    assert fake.now - 1000.0 < 10  # never slept until the next slot
    assert stamps["query"] == [1000.0]
