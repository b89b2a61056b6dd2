"""The shared poller's schedule (PollPlan), driven by a simulated clock and query budget.

A simulation: tasks are created at a steady rate, each finishes after a seeded duration and
reports Progress in proportion to its age (as the mock's timed mode does); the plan may spend
a fixed number of queries a second. What must hold: every task is noticed, within a bounded
delay after it finishes; no task waits longer than ``max_interval`` (plus the queue) between
two queries; and the queries spent per task stay few.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from chainhub_aigc import Task
from chainhub_aigc._poller import PollPlan

STEP = 0.01  # seconds of simulated time per step


def _task(task_id: str, done: bool, progress: int | None) -> Task:
    return Task(
        task_id=task_id,
        task_type="AigcImageTask",
        status="FINISH" if done else "PROCESSING",
        task_status="FINISH" if done else "PROCESSING",
        progress=100 if done else progress,
    )


@dataclass
class Outcome:
    notice_delays: list[float]
    max_gap: float
    queries: int


def simulate(
    *,
    tasks: int,
    creates_per_second: float,
    queries_per_second: float,
    durations: tuple[float, float],
    progress: bool,
    seed: int = 7,
    max_interval: float = 5.0,
) -> Outcome:
    rng = random.Random(seed)
    plan = PollPlan(max_interval=max_interval)
    created: dict[str, float] = {}
    ends: dict[str, float] = {}
    last_query: dict[str, float] = {}
    delays: list[float] = []
    max_gap = 0.0
    queries = 0
    tokens = 0.0
    now = 0.0
    next_create = 0
    while len(delays) < tasks:
        assert now < 3600, "the simulation did not end"
        while next_create < tasks and next_create / creates_per_second <= now:
            new = f"t{next_create}"
            created[new] = now
            ends[new] = now + rng.uniform(*durations)
            last_query[new] = now
            plan.add(new, now, key="image/GEM/3.0")
            next_create += 1
        tokens = min(tokens + queries_per_second * STEP, 1.0)
        while tokens >= 1.0:
            task_id = plan.pop_due(now)
            if task_id is None:
                break
            tokens -= 1.0
            queries += 1
            max_gap = max(max_gap, now - last_query[task_id])
            last_query[task_id] = now
            done = now >= ends[task_id]
            share = (now - created[task_id]) / (ends[task_id] - created[task_id])
            reported = int(share * 100) if progress and not done else None
            if plan.record(task_id, now, _task(task_id, done, reported)):
                delays.append(now - ends[task_id])
        now += STEP
    return Outcome(delays, max_gap, queries)


def test_tasks_with_progress_are_noticed_soon_with_few_queries() -> None:
    found = simulate(
        tasks=400,
        creates_per_second=20,
        queries_per_second=100,
        durations=(10, 30),
        progress=True,
    )
    assert len(found.notice_delays) == 400
    assert max(found.notice_delays) <= 5.0 + 1.0  # max_interval, plus the queue
    assert sum(found.notice_delays) / 400 < 1.0
    assert found.max_gap <= 5.0 + 1.0  # nobody starves
    assert found.queries / 400 < 8


def test_without_progress_the_typical_duration_is_learnt_and_nobody_starves() -> None:
    found = simulate(
        tasks=300,
        creates_per_second=20,
        queries_per_second=100,
        durations=(10, 12),
        progress=False,
    )
    assert len(found.notice_delays) == 300
    assert max(found.notice_delays) <= 5.0 + 1.0
    assert found.max_gap <= 5.0 + 1.0
    assert sum(found.notice_delays) / 300 < 2.5
    # Polling every task every second would cost about 11 queries a task.
    assert found.queries / 300 < 8


def test_an_overloaded_budget_still_serves_every_task() -> None:
    # 20 queries/s for 200 tasks in flight: polls are late, but every task is served in turn.
    found = simulate(
        tasks=200,
        creates_per_second=50,
        queries_per_second=20,
        durations=(2, 4),
        progress=False,
    )
    assert len(found.notice_delays) == 200
    assert max(found.notice_delays) < 30.0


def test_a_deadline_caps_the_due_time_and_progress_sets_it() -> None:
    plan = PollPlan(min_interval=0.5, max_interval=30.0)
    plan.add("young", 0.0, started=0.0)
    plan.add("old", 0.0, started=-100.0, deadline=0.2)
    assert plan.pop_due(0.1) is None
    assert plan.pop_due(0.2) == "old"  # at its deadline: one last query
    assert plan.pop_due(0.5) is None
    assert plan.pop_due(1.0) == "young"
    # 50% at age 10 s: expected to end near 20 s, so not polled before.
    assert plan.record("young", 10.0, _task("young", False, 50)) is False
    assert plan.pop_due(20.3) is None
    assert plan.pop_due(20.5) == "young"
    # Done: no longer watched; it ran at least until the query before (the kind's shortest).
    assert plan.record("young", 20.5, _task("young", True, None)) is True
    assert len(plan) == 1 and plan.typical("") == 10.0


def test_max_interval_bounds_the_gap_whatever_the_estimate() -> None:
    plan = PollPlan(min_interval=0.5, max_interval=5.0)
    plan.add("slow", 0.0)
    assert plan.pop_due(1.0) == "slow"
    assert plan.record("slow", 1.0, _task("slow", False, 1)) is False  # ends near 100 s
    assert plan.pop_due(5.9) is None
    assert plan.pop_due(6.0) == "slow"
