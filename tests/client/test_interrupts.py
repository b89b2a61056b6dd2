"""What ends ``generate``'s wait from outside the op (the progress callback's exception,
Ctrl-C in the sleep, a cancellation) is thrown back into the op by the driver, so it still
says which task was created."""

from __future__ import annotations

import asyncio
from typing import NoReturn

import pytest

from chainhub_aigc import Task

from .conftest import (
    IMAGE_FIELDS,
    TASK_ID,
    FakeAPI,
    created,
    make_async_client,
    make_client,
    task_response,
)

NOTE = f"the task was created: task_id {TASK_ID}"


class CallbackFailed(Exception):
    pass


def fail_on_progress(task: Task) -> NoReturn:
    raise CallbackFailed(task.status)


def interrupting_sleep(seconds: float) -> NoReturn:
    raise KeyboardInterrupt


def api() -> FakeAPI:
    return FakeAPI(created(), fallback=lambda request: task_response("PROCESSING"))


def test_a_progress_callback_error_carries_the_task_id() -> None:
    with make_client(api()) as client, pytest.raises(CallbackFailed) as caught:
        client.images.generate(**IMAGE_FIELDS, on_progress=fail_on_progress)
    assert NOTE in caught.value.__notes__


def test_ctrl_c_in_the_sleep_carries_the_task_id() -> None:
    fake = api()
    with (
        make_client(fake, sleep=interrupting_sleep) as client,
        pytest.raises(KeyboardInterrupt) as caught,
    ):
        client.images.generate(**IMAGE_FIELDS)
    assert NOTE in caught.value.__notes__
    assert fake.paths() == [
        "POST /tencent-vod/v1/aigc-image",
        f"GET /tencent-vod/v1/query/{TASK_ID}",
    ]


def test_ctrl_c_in_a_plain_wait_passes_through_unchanged() -> None:
    with (
        make_client(api(), sleep=interrupting_sleep) as client,
        pytest.raises(KeyboardInterrupt) as caught,
    ):
        client.tasks.wait(TASK_ID)
    assert not getattr(caught.value, "__notes__", [])


async def test_async_progress_callback_error_carries_the_task_id() -> None:
    async def on_progress(task: Task) -> None:
        raise CallbackFailed(task.status)

    async with make_async_client(api()) as client:
        with pytest.raises(CallbackFailed) as caught:
            await client.images.generate(**IMAGE_FIELDS, on_progress=on_progress)
    assert NOTE in caught.value.__notes__


async def test_async_cancellation_in_the_sleep_carries_the_task_id() -> None:
    async def cancelled_sleep(seconds: float) -> NoReturn:
        raise asyncio.CancelledError

    async with make_async_client(api(), sleep=cancelled_sleep) as client:
        with pytest.raises(asyncio.CancelledError) as caught:
            await client.videos.generate(model_name="Kling", model_version="2.1", prompt="p")
    assert NOTE in caught.value.__notes__


async def test_async_task_cancelled_while_waiting_carries_the_task_id() -> None:
    slept = asyncio.Event()

    async def slow_sleep(seconds: float) -> None:
        slept.set()
        await asyncio.sleep(3600)

    async with make_async_client(api(), sleep=slow_sleep) as client:
        running = asyncio.ensure_future(client.images.generate(**IMAGE_FIELDS))
        await asyncio.wait_for(slept.wait(), timeout=30)
        running.cancel()
        with pytest.raises(asyncio.CancelledError) as caught:
            await running
    assert NOTE in caught.value.__notes__
