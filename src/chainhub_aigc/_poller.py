"""A shared poller: one query budget for many tasks in flight (used by batches).

Polling each task on its own schedule spends the account's queries (100/s) without regard for
the others: a thousand young tasks polled every second crowd out the one that just finished.
Here one scheduler decides which task to query next:

- each task has a *due* time, when it is next worth a query: its expected end, estimated from
  its reported Progress (``age / progress``) once it reports one, else from the typical
  duration of the tasks of its kind already seen to finish (``key``), else a growing interval;
- a due time is never later than ``max_interval`` after the task's last query (nobody starves,
  and a finished task is noticed within ``max_interval`` plus the queue ahead of it) and never
  sooner than ``min_interval`` after it;
- the tasks most overdue go first; queries go through the client, so its query rate limit
  is the budget, and at most ``concurrency`` queries are in flight.

:class:`PollPlan` holds these decisions and does no I/O (the tests drive it with a fake
clock); :class:`TaskPoller` runs it on an :class:`~chainhub_aigc.AsyncClient`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._core import WAIT_TOLERATED_FAILURES, is_transient
from .errors import ChainhubError, WaitTimeoutError
from .types import Task

if TYPE_CHECKING:
    from ._async_client import AsyncClient

DEFAULT_MIN_INTERVAL = 0.5
DEFAULT_MAX_INTERVAL = 5.0
# Before anything is known of a task: query it after this, then at growing intervals.
FIRST_POLL = 1.0
GROWTH = 1.5
# How far after its expected end a task is queried (the end is an estimate).
SLACK = 0.02
# Past the typical end of its kind, a task is queried every this share of that duration.
OVERDUE_SHARE = 0.1


@dataclass(slots=True)
class _Watched:
    task_id: str
    key: str
    started: float
    deadline: float
    last_poll: float | None = None
    last_previous: float | None = None
    interval: float = FIRST_POLL
    progress: int | None = None
    polls: int = 0
    failures: int = 0
    due: float = 0.0
    seq: int = 0


@dataclass
class PollPlan:
    """Which task to query next, and when (see the module docstring). Times are seconds on
    any monotonic clock, passed in by the caller."""

    min_interval: float = DEFAULT_MIN_INTERVAL
    max_interval: float = DEFAULT_MAX_INTERVAL
    _tasks: dict[str, _Watched] = field(default_factory=dict)
    _heap: list[tuple[float, int, str]] = field(default_factory=list)
    _typical: dict[str, float] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def __len__(self) -> int:
        return len(self._tasks)

    def add(
        self,
        task_id: str,
        now: float,
        *,
        key: str = "",
        started: float | None = None,
        deadline: float = math.inf,
    ) -> None:
        """Watch a task (created at ``started``, default now; ``key`` groups tasks of one
        kind and model, whose durations are alike)."""
        watched = _Watched(task_id, key, now if started is None else started, deadline)
        self._tasks[task_id] = watched
        self._schedule(watched, now, first=True)

    def typical(self, key: str) -> float | None:
        """The shortest duration of the tasks of ``key`` seen to finish (None: none yet):
        before it, a task of that kind is unlikely to be done."""
        return self._typical.get(key)

    def _expected_end(self, watched: _Watched, now: float) -> float | None:
        age = now - watched.started
        progress = watched.progress
        if progress is not None and 0 < progress < 100 and age > 0:
            return watched.started + age * 100 / progress
        typical = self.typical(watched.key)
        if typical is not None and watched.started + typical > now:
            return watched.started + typical
        return None

    def _schedule(self, watched: _Watched, now: float, *, first: bool = False) -> None:
        last = now if first else watched.last_poll or now
        end = self._expected_end(watched, now)
        typical = self.typical(watched.key)
        if end is not None:
            due = end + SLACK * (end - watched.started)
        elif typical is not None:  # past the typical end: steadily, a tenth of it apart
            due = last + OVERDUE_SHARE * typical
        else:  # nothing known yet: at growing intervals
            due = last + watched.interval
            if not first:
                watched.interval = min(watched.interval * GROWTH, self.max_interval)
        floor = now if first else last + self.min_interval
        due = min(max(due, floor), last + self.max_interval, watched.deadline)
        watched.due = due
        watched.seq = next(self._seq)
        heapq.heappush(self._heap, (due, watched.seq, watched.task_id))

    def next_due(self) -> float | None:
        """When the earliest task is due (None: no task to query)."""
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> str | None:
        """The most overdue task due by ``now`` (taken off the schedule until ``record``)."""
        self._drop_stale()
        if not self._heap or self._heap[0][0] > now:
            return None
        _, _, task_id = heapq.heappop(self._heap)
        self._tasks[task_id].seq = -1  # in flight: not on the heap
        return task_id

    def _drop_stale(self) -> None:
        heap = self._heap
        while heap:
            _due, seq, task_id = heap[0]
            watched = self._tasks.get(task_id)
            if watched is not None and watched.seq == seq:
                return
            heapq.heappop(heap)

    def record(self, task_id: str, now: float, task: Task | None) -> bool:
        """The answer of a query (None: it failed). True when the task is done (it is no
        longer watched); otherwise it is scheduled again."""
        watched = self._tasks[task_id]
        watched.last_previous = watched.last_poll
        watched.last_poll = now
        watched.polls += 1
        if task is not None and task.is_done:
            self.forget(task_id)
            # Between the previous query and this one: the previous is the safer estimate.
            took = (watched.last_previous or now) - watched.started
            self._typical[watched.key] = min(took, self._typical.get(watched.key, math.inf))
            return True
        if task is not None and task.progress is not None:
            watched.progress = task.progress
        self._schedule(watched, now)
        return False

    def forget(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)

    def polls(self, task_id: str) -> int:
        return self._tasks[task_id].polls


class TaskPoller:
    """Waits for many tasks of one :class:`~chainhub_aigc.AsyncClient` with one scheduler::

        async with TaskPoller(client) as poller:
            task = await poller.wait(task_id, timeout=600, key="image/GEM/3.0")

    ``wait`` returns the finished :class:`~chainhub_aigc.Task` (failed or not: check
    ``is_failed``) and raises WaitTimeoutError past ``timeout``, or the query's error when it
    is not transient (or still failing after a few polls). Queries go through the client, so
    its rate limits pace them. ``on_poll`` is called with every task answered (progress).
    """

    def __init__(
        self,
        client: AsyncClient,
        *,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        max_interval: float = DEFAULT_MAX_INTERVAL,
        concurrency: int = 16,
        clock: Callable[[], float] = time.monotonic,
        on_poll: Callable[[Task], object] | None = None,
    ) -> None:
        self._client = client
        self._clock = clock
        self._plan = PollPlan(min_interval=min_interval, max_interval=max_interval)
        self._waiters: dict[str, asyncio.Future[Task]] = {}
        self._timeouts: dict[str, float] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._queries: set[asyncio.Task[None]] = set()
        self._on_poll = on_poll
        self.queries = 0
        """Queries sent so far."""

    async def __aenter__(self) -> TaskPoller:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        tasks = [t for t in (self._runner, *self._queries) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._runner = None

    async def wait(
        self,
        task_id: str,
        *,
        timeout: float = 600.0,
        key: str = "",
        started: float | None = None,
    ) -> Task:
        now = self._clock()
        if task_id in self._waiters:
            return await asyncio.shield(self._waiters[task_id])
        future: asyncio.Future[Task] = asyncio.get_running_loop().create_future()
        self._waiters[task_id] = future
        self._timeouts[task_id] = timeout
        self._plan.add(task_id, now, key=key, started=started, deadline=now + timeout)
        self._wake.set()
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        try:
            return await future
        finally:
            if not future.done():  # the waiter was cancelled: stop watching the task
                future.cancel()
            self._plan.forget(task_id)
            self._waiters.pop(task_id, None)
            self._timeouts.pop(task_id, None)

    async def _run(self) -> None:
        while self._waiters:
            now = self._clock()
            task_id = self._plan.pop_due(now)
            if task_id is None:
                due = self._plan.next_due()
                self._wake.clear()
                delay = None if due is None else max(due - now, 0.0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)
                continue
            await self._slots.acquire()
            query = asyncio.create_task(self._query(task_id))
            self._queries.add(query)
            query.add_done_callback(self._queries.discard)

    async def _query(self, task_id: str) -> None:
        try:
            future = self._waiters.get(task_id)
            if future is None or future.done():
                return
            deadline_passed = False
            task: Task | None = None
            try:
                self.queries += 1
                task = await self._client.tasks.get(task_id)
            except ChainhubError as error:
                watched = self._plan._tasks.get(task_id)
                failures = 0 if watched is None else watched.failures + 1
                if watched is not None:
                    watched.failures = failures
                if not is_transient(error) or failures > WAIT_TOLERATED_FAILURES:
                    future.set_exception(error)
                    self._plan.forget(task_id)
                    return
            except Exception as error:  # a bug: the waiter gets it rather than hang
                future.set_exception(error)
                self._plan.forget(task_id)
                return
            else:
                if watched_reset := self._plan._tasks.get(task_id):
                    watched_reset.failures = 0
                if self._on_poll is not None:
                    self._on_poll(task)
            now = self._clock()
            if task_id not in self._plan._tasks:
                return
            if self._plan.record(task_id, now, task):
                assert task is not None
                future.set_result(task)
                return
            watched = self._plan._tasks[task_id]
            deadline_passed = now >= watched.deadline
            if deadline_passed:
                self._plan.forget(task_id)
                future.set_exception(
                    WaitTimeoutError(task_id, self._timeouts.get(task_id, 0.0), task)
                )
        finally:
            self._slots.release()
            self._wake.set()
