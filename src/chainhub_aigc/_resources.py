"""``client.images``, ``client.videos``, ``client.tasks``: one class per kind, for both clients.

A resource builds an operation of ``_core`` from a row of the operation table and hands it to
its client's driver (``_execute``), which runs it now (``Client``) or on ``await``
(``AsyncClient``): the type parameters say which (``Images[CreatedTask, TaskResult]`` for the
sync client, coroutines of them for the async one). The request is validated against the spec
when the op is built, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeAlias, TypeVar, Unpack, cast

from chainhub_aigc_client.models import ImageTaskRequest, VideoTaskRequest

from . import _core
from ._config import Options
from ._operations import operation_table
from .errors import RequestValidationError, TaskFailedError
from .types import (
    AsyncTaskResult,
    CreatedTask,
    ImageTaskParams,
    PollSchedule,
    Task,
    VideoTaskParams,
)

T = TypeVar("T")
CreatedT = TypeVar("CreatedT")  # what create returns: CreatedTask, or a coroutine of one
TaskT = TypeVar("TaskT")  # what tasks.get returns: Task, or a coroutine of one
WaitedT = TypeVar(
    "WaitedT"
)  # what wait/generate return: TaskResult, or a coroutine of AsyncTaskResult
ResultT = TypeVar("ResultT")  # what tasks.result returns (no I/O): TaskResult or AsyncTaskResult

DEFAULT_WAIT_TIMEOUT = 600.0

ProgressCallback = Callable[[Task], object]
"""Called with the new :class:`Task` on every poll whose status or progress changed (the
first poll always counts). Its exceptions end the wait. The async client also awaits an
awaitable it returns."""


@dataclass(frozen=True, slots=True)
class TypedOperation(Generic[T]):
    """A typed method's row: the operation it calls and the parser of its answer."""

    operation_id: str
    parse: _core.Parser[T]


# The typed methods, one row each (everything else about an operation comes from the spec).
CREATE_IMAGE_TASK = TypedOperation("createImageTask", _core.parse_created)
CREATE_VIDEO_TASK = TypedOperation("createVideoTask", _core.parse_created)
GET_TASK = TypedOperation("getTask", _core.parse_task)


class _Driver(Protocol):
    _options: Options

    def _execute(
        self, build: Callable[[], _core.Op[Any]], then: Callable[[Any], Any] | None
    ) -> Any: ...

    def _task_result(self, task: Task) -> Any: ...


def _task_id(task: str | CreatedTask | Task) -> str:
    if isinstance(task, CreatedTask | Task):
        return task.task_id
    if not isinstance(task, str):
        raise RequestValidationError([("task_id", f"not a string (got {type(task).__name__})")])
    return task


def _task_query(task_id: str | CreatedTask | Task) -> _core.ApiRequest:
    """The query of one task (validated against the spec's path parameter)."""
    row = operation_table()[GET_TASK.operation_id]
    return _core.path_request(row, dict(zip(row.path_params, [_task_id(task_id)], strict=True)))


def _task_argument(task: Task) -> Task:
    """``task`` if it is a :class:`Task` (a RequestValidationError naming ``task`` if not)."""
    if not isinstance(task, Task):
        raise RequestValidationError([("task", f"not a Task (got {type(task).__name__})")])
    return task


def _successful(task: Task) -> Task:
    """``task`` if it finished well: TaskFailedError if it failed, and a
    RequestValidationError if it has not finished (its files do not exist yet)."""
    if task.is_failed:
        raise TaskFailedError(task)
    if not task.is_done:
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


class _Creates(Generic[CreatedT, WaitedT]):
    """The logic of a kind of task creation (images, videos): create, and create + wait."""

    _operation: ClassVar[TypedOperation[CreatedTask]]

    def __init__(self, client: _Driver) -> None:
        self._client = client

    def _create(
        self, params: Mapping[str, Any], request: Any, extra_body: Mapping[str, Any] | None
    ) -> CreatedT:
        operation = self._operation
        options = self._client._options

        def build() -> _core.Op[CreatedTask]:
            row = operation_table()[operation.operation_id]
            api_request = _core.create_request(row, params, request, extra_body)
            return _core.call_op(options, api_request, operation.parse)

        return cast(CreatedT, self._client._execute(build, None))

    def _generate(
        self,
        params: Mapping[str, Any],
        request: Any,
        extra_body: Mapping[str, Any] | None,
        timeout: float,
        on_progress: ProgressCallback | None,
        poll_interval: float | PollSchedule | None,
    ) -> WaitedT:
        operation = self._operation
        options = self._client._options

        def build() -> _core.Op[Task]:
            row = operation_table()[operation.operation_id]
            api_request = _core.create_request(row, params, request, extra_body)
            return _core.generate_op(
                options,
                api_request,
                _task_query,
                timeout=timeout,
                on_progress=on_progress,
                poll=_poll(options, poll_interval),
            )

        return cast(WaitedT, self._client._execute(build, self._client._task_result))


class Images(_Creates[CreatedT, WaitedT]):
    """Image generation tasks."""

    _operation = CREATE_IMAGE_TASK

    def create(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> CreatedT:
        """Create an image task; returns its ``task_id``. Fields are named as in the spec;
        ``request=`` takes a whole generated model instead. A ``session_id`` is generated
        when none is given, so that retries can never create a second task.
        ``extra_body`` is merged into the JSON unchecked (fields the spec does not know yet).
        """
        return self._create(params, request, extra_body)

    def generate(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | PollSchedule | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> WaitedT:
        """``create`` then ``tasks.wait``: returns the finished task and ``download(dir)``.
        If the wait ends otherwise (an error, Ctrl-C, a cancellation), the exception carries
        the note "the task was created: task_id ..."."""
        return self._generate(params, request, extra_body, timeout, on_progress, poll_interval)


class Videos(_Creates[CreatedT, WaitedT]):
    """Video generation tasks."""

    _operation = CREATE_VIDEO_TASK

    def create(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> CreatedT:
        """Create a video task; see :meth:`Images.create`."""
        return self._create(params, request, extra_body)

    def generate(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | PollSchedule | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> WaitedT:
        """``create`` then ``tasks.wait``; see :meth:`Images.generate`."""
        return self._generate(params, request, extra_body, timeout, on_progress, poll_interval)


class Tasks(Generic[TaskT, WaitedT, ResultT]):
    """Task status and results."""

    def __init__(self, client: _Driver) -> None:
        self._client = client

    def get(self, task_id: str | CreatedTask | Task) -> TaskT:
        """One query: the task's status, progress, files and error fields."""
        options = self._client._options

        def build() -> _core.Op[Task]:
            return _core.call_op(options, _task_query(task_id), GET_TASK.parse)

        return cast(TaskT, self._client._execute(build, None))

    def wait(
        self,
        task_id: str | CreatedTask | Task,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | PollSchedule | None = None,
    ) -> WaitedT:
        """Poll until the task is done, at most ``timeout`` seconds.

        Polls at growing intervals (1, 1.5, 2.25 ... 10 s by default; ``poll_interval`` takes
        a fixed number or a :class:`PollSchedule`), never sleeping past the deadline.
        Raises TaskFailedError (FINISH with ErrCode/ErrCodeExt, or ABORTED) and
        WaitTimeoutError (with ``last_task``). Unknown statuses mean "not done yet" (each is
        logged once as a warning, and shows as ``Task.unknown_status`` in ``on_progress``).
        Waiting on a :class:`CreatedTask` (files were asked for), a FINISH without error and
        without files raises NoOutputError; with a bare task id, check ``files`` yourself.
        ``on_progress`` may be a coroutine function with the async client.
        """
        options = self._client._options

        def build() -> _core.Op[Task]:
            return _core.wait_op(
                options,
                _task_query(task_id),
                timeout=timeout,
                on_progress=on_progress,
                poll=_poll(options, poll_interval),
                expect_files=isinstance(task_id, CreatedTask),
            )

        return cast(WaitedT, self._client._execute(build, self._client._task_result))

    def result(self, task: Task) -> ResultT:
        """A :class:`TaskResult` for a task you already have (e.g. from ``get``), to download
        its files. Raises TaskFailedError if the task failed."""
        return cast(ResultT, self._client._task_result(_successful(_task_argument(task))))


# The async client's resources (the same classes, answering coroutines).
AsyncImages: TypeAlias = Images[
    Coroutine[Any, Any, CreatedTask], Coroutine[Any, Any, AsyncTaskResult]
]
AsyncVideos: TypeAlias = Videos[
    Coroutine[Any, Any, CreatedTask], Coroutine[Any, Any, AsyncTaskResult]
]
AsyncTasks: TypeAlias = Tasks[
    Coroutine[Any, Any, Task], Coroutine[Any, Any, AsyncTaskResult], AsyncTaskResult
]
