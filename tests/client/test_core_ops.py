"""The operations of ``_core`` driven by hand, h11-style: send each effect's outcome, assert
the next effect. No transport, no driver, no clock but the one given."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chainhub_aigc import _core
from chainhub_aigc._config import Options, build_options
from chainhub_aigc._core import (
    ApiReply,
    ApiRequest,
    Commit,
    Discard,
    Exchange,
    Failure,
    Fetch,
    Fetched,
    GiveUp,
    MakeDirectory,
    Notify,
    RetryIn,
    Send,
    Sleep,
)
from chainhub_aigc._resources import _task_query
from chainhub_aigc.errors import (
    APIConnectionError,
    DownloadError,
    InternalServerError,
    RateLimitError,
    TaskMayExistError,
)
from chainhub_aigc.types import OutputFile, PollSchedule, Task

from .conftest import TASK_ID, TOKEN, created, task_body, tencent_error


def options(**changes: Any) -> Options:
    base = build_options(
        api_key=TOKEN,
        base_url="https://api.test",
        timeout=10.0,
        max_retries=2,
        default_headers=None,
        max_retry_after=30.0,
        poll_interval=None,
        clock=lambda: 0.0,
        wallclock=lambda: 0.0,
        jitter=lambda: 0.0,
    )
    return base.evolve(**changes)


def post(session_id: str | None = "chainhub-s1") -> ApiRequest:
    return ApiRequest(
        "createImageTask",
        "POST",
        "/tencent-vod/v1/aigc-image",
        b"{}",
        retry_safe=session_id is not None,
        session_id=session_id,
    )


def step(op: Generator[Any, Any, Any], reply: Any) -> Any:
    """Send ``reply``; the next effect, or ("done", value) when the op returns."""
    try:
        return op.send(reply)
    except StopIteration as stop:
        return ("done", stop.value)


def answer(response: httpx.Response) -> Exchange:
    return Exchange(response)


# -- the retry rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry", "failure", "safe", "expected"),
    [
        (0, Failure(RateLimitError("x"), True), True, RetryIn(0.5, "backoff")),
        (1, Failure(RateLimitError("x"), True), True, RetryIn(1.0, "backoff")),
        (0, Failure(RateLimitError("x"), True, retry_after=3.0), True, RetryIn(3.0, "Retry-After")),
        (2, Failure(RateLimitError("x"), True), True, GiveUp("giving up after 3 attempts")),
        (0, Failure(RateLimitError("x"), False), True, GiveUp()),
    ],
)
def test_decide_retry(retry: int, failure: Failure, safe: bool, expected: object) -> None:
    assert _core.decide_retry(retry, failure, options(), safe=safe) == expected


def test_decide_retry_refuses_an_unsafe_request_and_a_retry_after_beyond_the_cap() -> None:
    unsafe = _core.decide_retry(0, Failure(InternalServerError("x"), True), options(), safe=False)
    assert isinstance(unsafe, GiveUp) and unsafe.why is not None and "session_id" in unsafe.why
    late = _core.decide_retry(0, Failure(RateLimitError("x"), True, retry_after=31.0), options())
    assert isinstance(late, GiveUp) and late.why is not None and "cap" in late.why


# -- api_op ------------------------------------------------------------------------------------


def test_api_op_sends_sleeps_and_resends_a_safe_request() -> None:
    op = _core.api_op(options(), post())
    first = next(op)
    assert isinstance(first, Send) and first.method == "POST" and first.content == b"{}"
    assert first.url == "https://api.test/tencent-vod/v1/aigc-image"
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert step(op, answer(httpx.Response(503, json={}))) == Sleep(0.5)
    again = step(op, None)
    assert isinstance(again, Send) and again == first
    done = step(op, answer(created()))
    assert done[0] == "done" and isinstance(done[1], ApiReply)
    assert done[1].envelope["TaskId"] == TASK_ID


def test_api_op_gives_up_at_once_on_a_retry_after_beyond_the_cap() -> None:
    op = _core.api_op(options(), post())
    next(op)
    with pytest.raises(RateLimitError) as caught:
        op.send(answer(httpx.Response(429, headers={"Retry-After": "120"}, json={})))
    assert caught.value.session_id == "chainhub-s1"


def test_api_op_never_resends_a_post_without_session_id() -> None:
    op = _core.api_op(options(), post(session_id=None))
    next(op)
    with pytest.raises(APIConnectionError) as caught:
        op.send(Exchange(None, httpx.ReadError("reset")))
    assert any("no session_id" in note for note in caught.value.__notes__)


def test_a_duplicate_rejection_of_a_retry_is_task_may_exist() -> None:
    op = _core.api_op(options(), post())
    next(op)
    assert isinstance(op.send(Exchange(None, httpx.ReadError("lost"))), Sleep)
    assert isinstance(op.send(None), Send)
    with pytest.raises(TaskMayExistError) as caught:
        op.send(answer(tencent_error("InvalidParameterValue.SessionId", status=400)))
    assert caught.value.session_id == "chainhub-s1"


# -- wait and generate -------------------------------------------------------------------------


def test_wait_op_notifies_on_change_and_sleeps_on_the_schedule() -> None:
    seen: list[Task] = []
    op = _core.wait_op(
        options(),
        _task_query(TASK_ID),
        timeout=100,
        on_progress=seen.append,
        poll=PollSchedule(initial=2, factor=1, maximum=2),
    )
    query = next(op)
    assert isinstance(query, Send) and query.url.endswith("/query/" + TASK_ID)
    notify = op.send(answer(httpx.Response(200, json=task_body("PROCESSING", progress=10))))
    assert isinstance(notify, Notify) and notify.args[0].progress == 10
    assert op.send(None) == Sleep(2)
    assert isinstance(op.send(None), Send)
    # the same state again: no notification, straight to the next sleep
    assert op.send(answer(httpx.Response(200, json=task_body("PROCESSING", progress=10)))) == (
        Sleep(2)
    )
    op.send(None)
    final = op.send(answer(httpx.Response(200, json=task_body("FINISH"))))
    assert isinstance(final, Notify)
    done = step(op, None)
    assert done[0] == "done" and done[1].status == "FINISH"


def generate(options_: Options) -> Generator[Any, Any, Task]:
    return _core.generate_op(
        options_, post(), _task_query, timeout=100, on_progress=None, poll=PollSchedule()
    )


@pytest.mark.parametrize("thrown", [KeyboardInterrupt(), ValueError("callback failed")])
def test_whatever_is_thrown_into_generate_carries_the_task_id(thrown: BaseException) -> None:
    op = generate(options())
    next(op)
    assert isinstance(op.send(answer(created())), Send)  # the first query
    assert isinstance(op.send(answer(httpx.Response(200, json=task_body()))), Sleep)
    with pytest.raises(type(thrown)) as caught:
        op.throw(thrown)
    assert f"the task was created: task_id {TASK_ID}" in caught.value.__notes__


def test_closing_generate_adds_nothing() -> None:
    op = generate(options())
    next(op)
    op.send(answer(created()))
    op.close()  # GeneratorExit passes through untouched


# -- downloads: the disk is the driver's --------------------------------------------------------


def finished_task(size: int | None) -> Task:
    return Task(
        task_id=TASK_ID,
        task_type="AigcImageTask",
        status="FINISH",
        files=(OutputFile(url="https://files.test/a.png?sig=1", file_type="png", size=size),),
    )


def test_download_op_yields_disk_effects_and_discards_a_short_file(tmp_path: Path) -> None:
    part = tmp_path / "x.part"
    op = _core.download_op(options(), finished_task(size=10), tmp_path)
    assert next(op) == MakeDirectory(tmp_path)
    fetch = op.send(None)
    assert isinstance(fetch, Fetch) and "Authorization" not in fetch.headers
    assert op.send(Fetched(status_code=200, part=part, size=4)) == Discard(part)
    assert op.send(None) == Sleep(0.5)  # a truncated transfer is retried
    assert isinstance(op.send(None), Fetch)
    commit = op.send(Fetched(status_code=200, part=part, size=10, content_type="image/png"))
    assert commit == Commit(part, tmp_path / f"{TASK_ID}-0.png")
    assert step(op, None) == ("done", [tmp_path / f"{TASK_ID}-0.png"])


def test_download_op_turns_a_disk_error_thrown_back_into_download_error(tmp_path: Path) -> None:
    op = _core.download_op(options(), finished_task(size=None), tmp_path)
    next(op)
    with pytest.raises(DownloadError, match="cannot create"):
        op.throw(PermissionError("read-only"))
    op = _core.download_op(options(), finished_task(size=None), tmp_path)
    next(op)
    op.send(None)
    op.send(Fetched(status_code=200, part=tmp_path / "p", size=1))
    with pytest.raises(DownloadError, match="cannot move"):
        op.throw(OSError("disk full"))


def test_download_op_gives_up_on_a_retry_after_beyond_the_cap(tmp_path: Path) -> None:
    op = _core.download_op(options(), finished_task(size=None), tmp_path)
    next(op)
    op.send(None)
    with pytest.raises(DownloadError, match="HTTP 429"):
        op.send(Fetched(status_code=429, retry_after="3600"))
