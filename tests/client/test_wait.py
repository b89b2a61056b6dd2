"""wait and generate: the poll schedule, the deadline (a fake clock that only the recorded
sleep moves), progress callbacks, failure detection, and generate = create + wait."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from chainhub_aigc import (
    AsyncTaskResult,
    PollSchedule,
    Task,
    TaskFailedError,
    TaskResult,
    WaitTimeoutError,
)
from chainhub_aigc.errors import (
    APIConnectionError,
    AuthenticationError,
    InternalServerError,
    RequestValidationError,
)

from .conftest import (
    IMAGE_FIELDS,
    TASK_ID,
    VIDEO_FIELDS,
    VIDEO_TASK_ID,
    FakeAPI,
    FakeClock,
    created,
    file_info,
    make_async_client,
    make_client,
    task_response,
)


def clocked(api: FakeAPI, **kwargs: Any) -> tuple[Any, FakeClock]:
    clock = FakeClock()
    return make_client(api, sleep=clock.sleep, clock=clock, **kwargs), clock


def test_poll_schedule_grows_to_the_cap() -> None:
    schedule = PollSchedule()
    assert [round(schedule.interval(n), 4) for n in range(8)] == [
        1.0,
        1.5,
        2.25,
        3.375,
        5.0625,
        7.5938,
        10.0,
        10.0,
    ]
    assert schedule.interval(10**9) == 10.0
    assert PollSchedule.coerce(0.2).interval(50) == 0.2
    with pytest.raises(ValueError, match="maximum >= initial"):
        PollSchedule(initial=2, factor=1.5, maximum=1)


def test_wait_polls_with_backoff_until_finish() -> None:
    api = FakeAPI(
        task_response("WAITING"),
        task_response("PROCESSING", progress=10),
        task_response("PROCESSING", progress=10),
        task_response("PROCESSING", progress=60),
        task_response("FINISH", files=[file_info()]),
    )
    client, clock = clocked(api)
    result = client.tasks.wait(TASK_ID)
    assert isinstance(result, TaskResult)
    assert result.task.is_success and result.task_id == TASK_ID and len(result.files) == 1
    assert clock.sleeps == [1.0, 1.5, 2.25, 3.375]
    assert len(api.requests) == 5


def test_wait_never_sleeps_past_the_deadline() -> None:
    api = FakeAPI(fallback=lambda r: task_response("PROCESSING", progress=5))
    client, clock = clocked(api)
    start = clock.now
    with pytest.raises(WaitTimeoutError) as caught:
        client.tasks.wait(TASK_ID, timeout=20)
    assert sum(clock.sleeps) == pytest.approx(20)
    assert clock.now - start == pytest.approx(20)
    assert clock.sleeps[-1] <= 10 and all(s > 0 for s in clock.sleeps)
    # 1 + 1.5 + 2.25 + 3.375 + 5.0625 = 13.19; then the rest of the deadline, then a last poll
    assert clock.sleeps[:5] == [1.0, 1.5, 2.25, 3.375, 5.0625]
    assert clock.sleeps[5] == pytest.approx(20 - 13.1875)
    assert len(api.requests) == len(clock.sleeps) + 1
    error = caught.value
    assert error.last_task is not None and error.last_task.progress == 5
    assert error.timeout == 20


def test_unknown_statuses_mean_not_done() -> None:
    api = FakeAPI(
        task_response("QUEUED"),
        task_response(None),
        task_response("SOMETHING_ELSE", progress=99),
        task_response("FINISH"),
    )
    client, _ = clocked(api)
    assert client.tasks.wait(TASK_ID).task.is_success
    assert len(api.requests) == 4


def test_on_progress_is_called_when_status_or_progress_changes() -> None:
    api = FakeAPI(
        task_response("WAITING"),
        task_response("WAITING"),
        task_response("PROCESSING", progress=0),
        task_response("PROCESSING", progress=0),
        task_response("PROCESSING", progress=50),
        task_response("FINISH"),
    )
    client, _ = clocked(api)
    seen: list[tuple[str | None, int | None]] = []
    client.tasks.wait(TASK_ID, on_progress=lambda t: seen.append((t.status, t.progress)))
    assert seen == [("WAITING", 0), ("PROCESSING", 0), ("PROCESSING", 50), ("FINISH", 100)]


def test_on_progress_exception_ends_the_wait() -> None:
    api = FakeAPI(fallback=lambda r: task_response("PROCESSING"))
    client, _ = clocked(api)

    def boom(task: Task) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.tasks.wait(TASK_ID, on_progress=boom)
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    "response",
    [
        task_response("FINISH", err_code=40000),
        task_response("FINISH", err_code_ext="ContentModerationFailed"),
        task_response("FINISH", err_code=70000, err_code_ext="InternalError", message="x"),
        task_response("ABORTED"),
    ],
)
def test_failure_detection(response: httpx.Response) -> None:
    api = FakeAPI(task_response("PROCESSING"), response)
    client, _ = clocked(api)
    with pytest.raises(TaskFailedError) as caught:
        client.tasks.wait(TASK_ID)
    assert caught.value.task.is_failed


def test_fixed_poll_interval_and_schedule() -> None:
    api = FakeAPI(*[task_response("PROCESSING")] * 4, task_response("FINISH"))
    client, clock = clocked(api)
    client.tasks.wait(TASK_ID, poll_interval=0.25)
    assert clock.sleeps == [0.25] * 4
    api.add(*[task_response("PROCESSING")] * 3, task_response("FINISH"))
    clock.sleeps.clear()
    client.tasks.wait(TASK_ID, poll_interval=PollSchedule(0.1, 2, 0.3))
    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.3])


def test_client_level_poll_interval() -> None:
    api = FakeAPI(task_response("PROCESSING"), task_response("PROCESSING"), task_response("FINISH"))
    client, clock = clocked(api, poll_interval=0.05)
    client.tasks.wait(TASK_ID)
    assert clock.sleeps == [0.05, 0.05]


def test_transient_query_failures_do_not_end_the_wait() -> None:
    api = FakeAPI(
        task_response("PROCESSING"),
        httpx.ConnectError("refused"),  # this poll fails for good (max_retries=0)...
        task_response("FINISH"),  # ...and the next one succeeds
    )
    client, _ = clocked(api, max_retries=0)
    assert client.tasks.wait(TASK_ID).task.is_success


def test_persistent_query_failures_end_the_wait() -> None:
    api = FakeAPI(fallback=lambda r: httpx.Response(503, text="down"))
    client, _ = clocked(api, max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        client.tasks.wait(TASK_ID)
    assert str(caught.value) == "HTTP 503 Service Unavailable: down"
    assert caught.value.status_code == 503 and caught.value.response is not None
    assert len(api.requests) == 4  # 1 + 3 tolerated


def test_non_transient_query_failure_ends_the_wait_at_once() -> None:
    api = FakeAPI(httpx.Response(401, text="no"), fallback=lambda r: task_response("FINISH"))
    client, _ = clocked(api)
    with pytest.raises(AuthenticationError):
        client.tasks.wait(TASK_ID)


@pytest.mark.parametrize("bad", [-1, "10", float("nan")])
def test_bad_timeout_is_a_validation_error(bad: Any) -> None:
    api = FakeAPI()
    client, _ = clocked(api)
    with pytest.raises(RequestValidationError):
        client.tasks.wait(TASK_ID, timeout=bad)
    assert api.requests == []


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("timeout", {"timeout": -1}),
        ("timeout", {"timeout": float("nan")}),
        ("on_progress", {"on_progress": "print"}),
        ("poll_interval", {"poll_interval": -0.5}),
    ],
)
def test_generate_checks_the_wait_arguments_before_creating(
    field: str, arguments: dict[str, Any]
) -> None:
    """A bad wait argument must not cost a billed task: nothing is sent."""
    api = FakeAPI()
    client, _ = clocked(api)
    with pytest.raises(RequestValidationError, match=field):
        client.images.generate(**IMAGE_FIELDS, **arguments)
    assert api.requests == []


def test_generate_is_create_then_wait(caplog: pytest.LogCaptureFixture) -> None:
    api = FakeAPI(
        created(VIDEO_TASK_ID),
        task_response("WAITING", task_type="AigcVideoTask", task_id=VIDEO_TASK_ID),
        task_response(
            "FINISH",
            task_type="AigcVideoTask",
            task_id=VIDEO_TASK_ID,
            files=[file_info("https://v.test/x.mp4")],
        ),
    )
    client, clock = clocked(api)
    seen: list[str | None] = []
    with caplog.at_level(logging.DEBUG, logger="chainhub_aigc"):
        result = client.videos.generate(
            **VIDEO_FIELDS,
            output_config={"duration": 5},
            on_progress=lambda t: seen.append(t.status),
        )
    assert result.task_id == VIDEO_TASK_ID and result.files[0].url == "https://v.test/x.mp4"
    assert api.paths() == [
        "POST /tencent-vod/v1/aigc-video",
        f"GET /tencent-vod/v1/query/{VIDEO_TASK_ID}",
        f"GET /tencent-vod/v1/query/{VIDEO_TASK_ID}",
    ]
    assert seen == ["WAITING", "FINISH"] and clock.sleeps == [1.0]
    assert f"task {VIDEO_TASK_ID}: status WAITING, progress 0" in caplog.text


def test_generate_failure_says_which_task_was_created() -> None:
    api = FakeAPI(created(), httpx.Response(401, text="revoked"))
    client, _ = clocked(api)
    with pytest.raises(AuthenticationError) as caught:
        client.images.generate(**IMAGE_FIELDS)
    assert any(TASK_ID in note for note in caught.value.__notes__)


def test_generate_timeout() -> None:
    api = FakeAPI(created(), fallback=lambda r: task_response("PROCESSING", progress=1))
    client, clock = clocked(api)
    with pytest.raises(WaitTimeoutError) as caught:
        client.images.generate(**IMAGE_FIELDS, timeout=3)
    assert caught.value.task_id == TASK_ID and sum(clock.sleeps) == pytest.approx(3)


def test_result_of_a_task_in_hand() -> None:
    api = FakeAPI(
        task_response("FINISH", files=[file_info()]),
        task_response("ABORTED"),
        task_response("PROCESSING", progress=40),
    )
    client, _ = clocked(api)
    result = client.tasks.result(client.tasks.get(TASK_ID))
    assert isinstance(result, TaskResult) and len(result.files) == 1
    with pytest.raises(TaskFailedError):
        client.tasks.result(client.tasks.get(TASK_ID))
    with pytest.raises(RequestValidationError, match=r"not finished .*PROCESSING"):
        client.tasks.result(client.tasks.get(TASK_ID))


async def test_async_wait_with_async_callback() -> None:
    api = FakeAPI(
        task_response("WAITING"),
        task_response("PROCESSING", progress=50),
        task_response("FINISH"),
    )
    clock = FakeClock()
    client = make_async_client(api, sleep=clock.async_sleep, clock=clock)
    seen: list[int | None] = []

    async def on_progress(task: Task) -> None:
        seen.append(task.progress)

    result = await client.tasks.wait(TASK_ID, on_progress=on_progress)
    assert isinstance(result, AsyncTaskResult) and result.task.is_success
    assert seen == [0, 50, 100] and clock.sleeps == [1.0, 1.5]


async def test_async_generate_sync_callback_and_timeout() -> None:
    api = FakeAPI(
        created(), task_response("PROCESSING"), task_response("FINISH", files=[file_info()])
    )
    clock = FakeClock()
    client = make_async_client(api, sleep=clock.async_sleep, clock=clock)
    seen: list[str | None] = []
    result = await client.images.generate(
        **IMAGE_FIELDS, on_progress=lambda t: seen.append(t.status)
    )
    assert result.task.is_success and seen == ["PROCESSING", "FINISH"]
    api.add(created(VIDEO_TASK_ID))
    api.fallback = lambda r: task_response("PROCESSING")
    with pytest.raises(WaitTimeoutError):
        await client.videos.generate(**VIDEO_FIELDS, timeout=2)
    api.add(task_response("ABORTED"))
    api.fallback = None
    with pytest.raises(TaskFailedError):
        await client.tasks.wait(TASK_ID)
    api.add(httpx.ConnectError("x"), httpx.ConnectError("x"), httpx.ConnectError("x"))
    api.add(httpx.ConnectError("x"))
    with pytest.raises(APIConnectionError):
        await client.with_options(max_retries=0).tasks.wait(TASK_ID)
    api.add(task_response("FINISH"))
    task = await client.tasks.get(TASK_ID)
    assert isinstance(client.tasks.result(task), AsyncTaskResult)
