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
"""``on_progress(task)``: called with the new [`Task`][chainhub_aigc.types.Task] on every poll whose
status or progress changed (the first poll always counts). Its exceptions end the wait. The
async client also awaits an awaitable it returns."""


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
    """``task`` if it is a Task (a RequestValidationError naming ``task`` if not)."""
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
    """Image generation tasks: ``client.images``."""

    _operation = CREATE_IMAGE_TASK

    def create(
        self,
        *,
        request: ImageTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ImageTaskParams],
    ) -> CreatedT:
        """Create an image task, without waiting for it.

        A ``session_id`` is generated when none is given, so that a retried create is refused
        as a duplicate instead of creating a second task.

        Args:
            request: A whole generated ``ImageTaskRequest`` instead of keyword fields.
            extra_body: Merged into the JSON body unchecked (fields the spec does not know
                yet).
            **params: The request fields, named as in the spec (see
                [`ImageTaskParams`][chainhub_aigc_client.sdk_params.ImageTaskParams]); a nested
                object takes a dict or the generated model.

        Returns:
            The [`CreatedTask`][chainhub_aigc.types.CreatedTask]: its ``task_id`` and ``session_id``
                (with ``AsyncClient``, a coroutine of it).

        Raises:
            RequestValidationError: A field breaks the spec; nothing was sent.
            TaskMayExistError: A retried create was refused as a duplicate: the task may
                exist, with this ``session_id``.
            APIStatusError: The server refused the request (after the retries).
            APIConnectionError: No usable answer (after the retries).
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
        """Create an image task and wait for it: ``create``, then ``tasks.wait``.

        If the wait ends otherwise than by success (an error, Ctrl-C, a cancellation), the
        exception carries the note "the task was created: task_id ...".

        Args:
            request: A whole generated ``ImageTaskRequest`` instead of keyword fields.
            extra_body: Merged into the JSON body unchecked.
            timeout: The deadline of the whole wait, in seconds (not each request's).
            on_progress: Called with the new [`Task`][chainhub_aigc.types.Task] whenever its status
                or progress changed.
            poll_interval: A fixed interval in seconds or a
                [`PollSchedule`][chainhub_aigc.types.PollSchedule]; default the client's.
            **params: The request fields, as for [`create`][chainhub_aigc._resources.Images.create].

        Returns:
            The finished task as a [`TaskResult`][chainhub_aigc.types.TaskResult]
                ([`AsyncTaskResult`][chainhub_aigc.types.AsyncTaskResult] with ``AsyncClient``):
                ``result.download(dir)`` saves its files.

        Raises:
            RequestValidationError: A field breaks the spec; nothing was sent.
            TaskFailedError: The task finished with an error, or was aborted.
            WaitTimeoutError: The deadline passed first (``last_task`` has the last state).
            APIStatusError: The server refused a request (after the retries).
            APIConnectionError: No usable answer (after the retries).
        """
        return self._generate(params, request, extra_body, timeout, on_progress, poll_interval)


class Videos(_Creates[CreatedT, WaitedT]):
    """Video generation tasks: ``client.videos``."""

    _operation = CREATE_VIDEO_TASK

    def create(
        self,
        *,
        request: VideoTaskRequest | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[VideoTaskParams],
    ) -> CreatedT:
        """Create a video task; see [`Images.create`][chainhub_aigc._resources.Images.create].

        Args:
            request: A whole generated ``VideoTaskRequest`` instead of keyword fields.
            extra_body: Merged into the JSON body unchecked.
            **params: The request fields (see
                [`VideoTaskParams`][chainhub_aigc_client.sdk_params.VideoTaskParams]).

        Returns:
            The [`CreatedTask`][chainhub_aigc.types.CreatedTask].
        """
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
        """Create a video task and wait for it; see
        [`Images.generate`][chainhub_aigc._resources.Images.generate] (same arguments, the
        fields of [`VideoTaskParams`][chainhub_aigc_client.sdk_params.VideoTaskParams]).

        Returns:
            The finished task as a [`TaskResult`][chainhub_aigc.types.TaskResult].
        """
        return self._generate(params, request, extra_body, timeout, on_progress, poll_interval)


class Tasks(Generic[TaskT, WaitedT, ResultT]):
    """Task status and results: ``client.tasks``."""

    def __init__(self, client: _Driver) -> None:
        self._client = client

    def get(self, task_id: str | CreatedTask | Task) -> TaskT:
        """Query a task once.

        Args:
            task_id: The task's id, or the [`CreatedTask`][chainhub_aigc.types.CreatedTask] or
                [`Task`][chainhub_aigc.types.Task] that has it.

        Returns:
            The [`Task`][chainhub_aigc.types.Task]: status, progress, files and error fields. A
                failed task is returned, not raised.

        Raises:
            NotFoundError: No such task (tasks older than 3 days are forgotten).
        """
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

        Polls at growing intervals (1, 1.5, 2.25 ... 10 s by default), never sleeping past the
        deadline. Unknown statuses mean "not done yet" (each is logged once as a warning, and
        shows as ``Task.unknown_status`` in ``on_progress``).

        Args:
            task_id: The task's id, or the [`CreatedTask`][chainhub_aigc.types.CreatedTask] or
                [`Task`][chainhub_aigc.types.Task] that has it.
            timeout: The deadline of the whole wait, in seconds.
            on_progress: Called with the new [`Task`][chainhub_aigc.types.Task] whenever its status
                or progress changed; may be a coroutine function with the async client.
            poll_interval: A fixed interval in seconds or a
                [`PollSchedule`][chainhub_aigc.types.PollSchedule]; default the client's.

        Returns:
            The finished task as a [`TaskResult`][chainhub_aigc.types.TaskResult]
                ([`AsyncTaskResult`][chainhub_aigc.types.AsyncTaskResult] with ``AsyncClient``).

        Raises:
            TaskFailedError: FINISH with ``ErrCode``/``ErrCodeExt``, or ABORTED.
            NoOutputError: Waiting on a ``CreatedTask`` (files were asked for), a FINISH
                without error and without files; with a bare task id, check ``files``
                yourself.
            WaitTimeoutError: The deadline passed first (``last_task`` has the last state).
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
        """The result of a task you already have (from ``get``), to download its files.

        Args:
            task: A finished [`Task`][chainhub_aigc.types.Task].

        Returns:
            A [`TaskResult`][chainhub_aigc.types.TaskResult] (no request is sent).

        Raises:
            TaskFailedError: The task failed.
            RequestValidationError: The task is not finished yet.
        """
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
