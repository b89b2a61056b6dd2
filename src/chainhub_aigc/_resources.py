"""``client.images``, ``client.videos``, ``client.tasks`` (sync) and their async twins.

Each method builds an operation of ``_core`` and hands it to its client's driver; the request
is validated against the spec when the method is called, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, Unpack

from chainhub_aigc_client.models import ImageTaskRequest, VideoTaskRequest

from . import _core
from ._config import Options
from .errors import ChainhubError, RequestValidationError, TaskFailedError
from .types import (
    AsyncTaskResult,
    CreatedTask,
    ImageTaskParams,
    OnBytes,
    OnFile,
    PollSchedule,
    Task,
    TaskResult,
    VideoTaskParams,
)

if TYPE_CHECKING:
    from ._core import Op

T = TypeVar("T")

DEFAULT_WAIT_TIMEOUT = 600.0

ProgressCallback = Callable[[Task], object]
"""Called with the new :class:`Task` on every poll whose status or progress changed (the
first poll always counts). Its exceptions end the wait. The async client also awaits an
awaitable it returns."""


class _SyncDriver(Protocol):
    _options: Options

    def _run(self, op: Op[T]) -> T: ...

    def _download(
        self, task: Task, directory: Path, on_bytes: OnBytes | None, on_file: OnFile | None
    ) -> list[Path]: ...


class _AsyncDriver(Protocol):
    _options: Options

    async def _run(self, op: Op[T]) -> T: ...

    async def _download(
        self, task: Task, directory: Path, on_bytes: OnBytes | None, on_file: OnFile | None
    ) -> list[Path]: ...


def _task_id(task: str | CreatedTask | Task) -> str:
    if isinstance(task, CreatedTask | Task):
        return task.task_id
    if not isinstance(task, str):
        raise RequestValidationError([("task_id", f"not a string (got {type(task).__name__})")])
    return task


def _finished(task: Task) -> Task:
    if not isinstance(task, Task):
        raise RequestValidationError([("task", f"not a Task (got {type(task).__name__})")])
    if task.is_failed:
        raise TaskFailedError(task)
    if not task.is_done:  # its files do not exist yet: nothing to download
        raise RequestValidationError(
            [("task", f"{task.task_id} is not finished (status {task.status}): wait for it first")]
        )
    return task


def _poll(options: Options, poll_interval: float | PollSchedule | None) -> PollSchedule:
    if poll_interval is None:
        return options.poll
    if isinstance(poll_interval, PollSchedule):
        return poll_interval
    if (
        isinstance(poll_interval, bool)
        or not isinstance(poll_interval, int | float)
        or not (0 <= poll_interval < float("inf"))
    ):
        raise RequestValidationError(
            [("poll_interval", f"not a number >= 0 or a PollSchedule (got {poll_interval!r})")]
        )
    return PollSchedule.coerce(poll_interval)


def _generate_op(
    options: Options,
    call: _core.Call,
    *,
    timeout: float,
    on_progress: ProgressCallback | None,
    poll_interval: float | PollSchedule | None,
) -> Op[Task]:
    # The wait's arguments are checked before the create: a bad value must send nothing.
    poll = _poll(options, poll_interval)
    _core.check_wait_arguments(timeout, on_progress)
    created = yield from _core.create_op(options, call)
    _core.log.debug("created task %s (session_id %s)", created.task_id, created.session_id)
    try:
        return (
            yield from _core.wait_op(
                options, created.task_id, timeout=timeout, on_progress=on_progress, poll=poll
            )
        )
    except ChainhubError as error:
        error.add_note(f"the task was created: task_id {created.task_id}")
        if error.session_id is None:
            error.session_id = created.session_id
        raise


class Images:
    """Image generation tasks (``POST /tencent-vod/v1/aigc-image``)."""

    def __init__(self, client: _SyncDriver) -> None:
        self._client = client

    def create(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> CreatedTask:
        """Create an image task; returns its ``task_id``. Fields are named as in the spec;
        ``request=`` takes a whole generated model instead. A ``session_id`` is generated
        when none is given, so that retries can never create a second task.
        ``extra_body`` is merged into the JSON unchecked (fields the spec does not know yet).
        """
        call = _core.create_call("image", params, request, extra_body)
        return self._client._run(_core.create_op(self._client._options, call))

    def generate(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | PollSchedule | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> TaskResult:
        """``create`` then ``tasks.wait``: returns the finished task and ``download(dir)``."""
        call = _core.create_call("image", params, request, extra_body)
        op = _generate_op(
            self._client._options,
            call,
            timeout=timeout,
            on_progress=on_progress,
            poll_interval=poll_interval,
        )
        task = self._client._run(op)
        return TaskResult(task, self._client._download)


class Videos:
    """Video generation tasks (``POST /tencent-vod/v1/aigc-video``)."""

    def __init__(self, client: _SyncDriver) -> None:
        self._client = client

    def create(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> CreatedTask:
        """Create a video task; see :meth:`Images.create`."""
        call = _core.create_call("video", params, request, extra_body)
        return self._client._run(_core.create_op(self._client._options, call))

    def generate(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | PollSchedule | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> TaskResult:
        """``create`` then ``tasks.wait``; see :meth:`Images.generate`."""
        call = _core.create_call("video", params, request, extra_body)
        op = _generate_op(
            self._client._options,
            call,
            timeout=timeout,
            on_progress=on_progress,
            poll_interval=poll_interval,
        )
        task = self._client._run(op)
        return TaskResult(task, self._client._download)


class Tasks:
    """Task status and results (``GET /tencent-vod/v1/query/{task_id}``)."""

    def __init__(self, client: _SyncDriver) -> None:
        self._client = client

    def get(self, task_id: str | CreatedTask | Task) -> Task:
        """One query: the task's status, progress, files and error fields."""
        return self._client._run(_core.get_op(self._client._options, _task_id(task_id)))

    def wait(
        self,
        task_id: str | CreatedTask | Task,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | PollSchedule | None = None,
    ) -> TaskResult:
        """Poll until the task is done, at most ``timeout`` seconds.

        Polls at growing intervals (1, 1.5, 2.25 ... 10 s by default; ``poll_interval`` takes
        a fixed number or a :class:`PollSchedule`), never sleeping past the deadline.
        Raises TaskFailedError (FINISH with ErrCode/ErrCodeExt, or ABORTED) and
        WaitTimeoutError (with ``last_task``). Unknown statuses mean "not done yet".
        """
        options = self._client._options
        task = self._client._run(
            _core.wait_op(
                options,
                _task_id(task_id),
                timeout=timeout,
                on_progress=on_progress,
                poll=_poll(options, poll_interval),
            )
        )
        return TaskResult(task, self._client._download)

    def result(self, task: Task) -> TaskResult:
        """A :class:`TaskResult` for a task you already have (e.g. from ``get``), to download
        its files. Raises TaskFailedError if the task failed."""
        return TaskResult(_finished(task), self._client._download)


class AsyncImages:
    """The async twin of :class:`Images`."""

    def __init__(self, client: _AsyncDriver) -> None:
        self._client = client

    async def create(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> CreatedTask:
        """See :meth:`Images.create`."""
        call = _core.create_call("image", params, request, extra_body)
        return await self._client._run(_core.create_op(self._client._options, call))

    async def generate(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[Task], object | Awaitable[object]] | None = None,
        poll_interval: float | PollSchedule | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> AsyncTaskResult:
        """See :meth:`Images.generate`; ``await result.download(dir)``."""
        call = _core.create_call("image", params, request, extra_body)
        op = _generate_op(
            self._client._options,
            call,
            timeout=timeout,
            on_progress=on_progress,
            poll_interval=poll_interval,
        )
        task = await self._client._run(op)
        return AsyncTaskResult(task, self._client._download)


class AsyncVideos:
    """The async twin of :class:`Videos`."""

    def __init__(self, client: _AsyncDriver) -> None:
        self._client = client

    async def create(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> CreatedTask:
        """See :meth:`Images.create`."""
        call = _core.create_call("video", params, request, extra_body)
        return await self._client._run(_core.create_op(self._client._options, call))

    async def generate(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[Task], object | Awaitable[object]] | None = None,
        poll_interval: float | PollSchedule | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> AsyncTaskResult:
        """See :meth:`Images.generate`; ``await result.download(dir)``."""
        call = _core.create_call("video", params, request, extra_body)
        op = _generate_op(
            self._client._options,
            call,
            timeout=timeout,
            on_progress=on_progress,
            poll_interval=poll_interval,
        )
        task = await self._client._run(op)
        return AsyncTaskResult(task, self._client._download)


class AsyncTasks:
    """The async twin of :class:`Tasks`."""

    def __init__(self, client: _AsyncDriver) -> None:
        self._client = client

    async def get(self, task_id: str | CreatedTask | Task) -> Task:
        """See :meth:`Tasks.get`."""
        return await self._client._run(_core.get_op(self._client._options, _task_id(task_id)))

    async def wait(
        self,
        task_id: str | CreatedTask | Task,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[Task], object | Awaitable[object]] | None = None,
        poll_interval: float | PollSchedule | None = None,
    ) -> AsyncTaskResult:
        """See :meth:`Tasks.wait`; ``on_progress`` may be a coroutine function."""
        options = self._client._options
        task = await self._client._run(
            _core.wait_op(
                options,
                _task_id(task_id),
                timeout=timeout,
                on_progress=on_progress,
                poll=_poll(options, poll_interval),
            )
        )
        return AsyncTaskResult(task, self._client._download)

    def result(self, task: Task) -> AsyncTaskResult:
        """See :meth:`Tasks.result`."""
        return AsyncTaskResult(_finished(task), self._client._download)
