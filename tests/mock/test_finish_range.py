"""`--finish-after A-B`: each task's own duration, drawn uniformly in [A, B] from a generator
seeded by `--seed` (the same creates in the same order get the same durations), and the
progress of a timed task following its own duration."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chainhub_aigc.mock import MockConfig
from tests.mock.conftest import InProcess, MakeClient


async def durations(client: InProcess, creates: int) -> list[float]:
    for _ in range(creates):
        await client.create()
    response = await client.http.get("/_mock/tasks")
    return [float(task["FinishAfter"]) for task in response.json()["Tasks"]]


def timed(seed: int) -> MockConfig:
    return MockConfig(mode="timed", finish_after=10, finish_after_max=30, seed=seed)


async def test_durations_are_drawn_in_the_range_and_reproducible(make_client: MakeClient) -> None:
    first = await durations(make_client(timed(7)), 40)
    assert all(10 <= d <= 30 for d in first)
    assert len(set(first)) == 40  # drawn, not one value
    assert min(first) < 15 and max(first) > 25  # spread over the range (40 draws)
    assert await durations(make_client(timed(7)), 40) == first  # same seed, same durations
    assert await durations(make_client(timed(8)), 40) != first


async def test_faults_do_not_shift_the_durations(make_client: MakeClient) -> None:
    plain = await durations(make_client(timed(7)), 10)
    faulty = make_client(
        MockConfig(
            mode="timed",
            finish_after=10,
            finish_after_max=30,
            seed=7,
            fault_rate=0.5,
            faults=("latency",),
            latency=0.0,
        )
    )
    assert await durations(faulty, 10) == plain


async def test_reset_draws_the_same_durations_again(make_client: MakeClient) -> None:
    client = make_client(timed(3))
    before = await durations(client, 5)
    assert (await client.http.post("/_mock/reset")).status_code == 200
    assert await durations(client, 5) == before


async def test_a_single_value_gives_every_task_the_same_duration(make_client: MakeClient) -> None:
    client = make_client(MockConfig(mode="timed", finish_after=4))
    assert await durations(client, 3) == [4.0, 4.0, 4.0]


async def test_timed_progress_follows_each_tasks_own_duration(make_client: MakeClient) -> None:
    client = make_client(timed(11))
    ids = [await client.create() for _ in range(2)]
    tasks = client.mock.state.tasks
    for task_id, share in zip(ids, (0.5, 0.8), strict=True):
        task = tasks[task_id]
        own = task.finish_after
        assert own is not None
        task.created_mono = time.monotonic() - share * own  # as if share of it had passed
        task.created_wall = time.time() - share * own
        answer = await client.query(task_id)
        assert answer["Status"] == "PROCESSING"
        assert answer["AigcImageTask"]["Progress"] == pytest.approx(100 * share, abs=2)
        task.created_mono = time.monotonic() - own - 0.01
        assert (await client.query(task_id))["Status"] == "FINISH"


async def test_deterministic_mode_draws_whole_queries(make_client: MakeClient) -> None:
    client = make_client(MockConfig(finish_after=1, finish_after_max=4, seed=5))
    drawn = await durations(client, 30)
    assert set(drawn) <= {1.0, 2.0, 3.0, 4.0} and len(set(drawn)) > 1
    for task_id, own in zip(list(client.mock.state.tasks), drawn, strict=True):
        statuses = [(await client.query(task_id))["Status"] for _ in range(int(own) + 1)]
        assert statuses[-1] == "FINISH" and "FINISH" not in statuses[:-1]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"finish_after": 30, "finish_after_max": 10}, "finish_after_max"),
        ({"finish_after_max": float("inf")}, "finish_after_max"),
    ],
)
def test_config_rejects_a_backwards_range(fields: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        MockConfig(**fields)
