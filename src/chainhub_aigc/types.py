"""The SDK's public value types: what the resources take and return.

- ``CreatedTask``: the answer of ``images.create``/``videos.create``.
- ``Task``: a typed, forward-compatible view of a query answer (``tasks.get``).
- ``OutputFile``: one output file of a task.
- ``TaskResult`` / ``AsyncTaskResult``: a finished task plus ``download(dir)``.
- ``PollSchedule``: how ``wait`` spaces its queries.
- ``ImageTaskParams``/``VideoTaskParams`` (and their nested ``*OutputConfigParams``,
  ``*FileInfoParams``): the keyword arguments of the creates, generated from the spec's request
  schemas into ``chainhub_aigc_client.sdk_params`` by ``make generate``.

Views are frozen; every field that the server may omit or send as ``null`` is ``None`` then.
Strings are kept as the server sent them (times included: ``"0000-00-00T00:00:00Z"`` means
unset, see ``parse_time``); ``raw`` is the generated model and ``raw_json`` the JSON.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from chainhub_aigc_client.models import CreateTaskResponse, TaskDetailResponse

# The request parameters: generated from the spec's request schemas (make generate), one
# TypedDict per schema, re-exported here under the SDK's public names.
from chainhub_aigc_client.sdk_params import (
    ImageFileInfoParams,
    ImageOutputConfigParams,
    ImageTaskParams,
    VideoFileInfoParams,
    VideoOutputConfigParams,
    VideoTaskParams,
)

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "AsyncTaskResult",
    "CreatedTask",
    "ImageFileInfoParams",
    "ImageOutputConfigParams",
    "ImageTaskParams",
    "OutputFile",
    "PollSchedule",
    "Task",
    "TaskResult",
    "VideoFileInfoParams",
    "VideoOutputConfigParams",
    "VideoTaskParams",
    "parse_time",
]

DONE_STATUSES = frozenset({"FINISH", "ABORTED"})
KNOWN_STATUSES = frozenset({"WAITING", "PROCESSING", *DONE_STATUSES})
"""The values of ``Response.Status`` the spec documents (in its description: the field has
no enum, since "any other value" must be read as not finished)."""

M = TypeVar("M", TaskDetailResponse, CreateTaskResponse)


def _model(cls: type[M], data: Mapping[str, Any]) -> M | None:
    """``cls.from_dict(data)``, or None: the generated models raise KeyError/TypeError on
    shapes they do not expect, and a view must never fail over its ``raw`` attribute."""
    try:
        return cls.from_dict(data)
    except Exception:
        return None


_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_time(value: str | None) -> datetime | None:
    """Parse a Tencent time string (ISO 8601, UTC) into an aware datetime; it never raises.

    Args:
        value: The string as sent (``Task.create_time``, ``OutputFile.expire_time``, ...).

    Returns:
        The time, or ``None`` for ``None``, ``""``, the unset marker
            ``"0000-00-00T00:00:00Z"`` and anything unparseable.
    """
    if not value or not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if match is None:
        return None
    try:
        text = value.strip().replace(" ", "T", 1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
    except ValueError:  # "0000-00-00", month 13, ...
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One output file (``Output.FileInfos[i]``).

    Attributes:
        url: Where to download it (a temporary URL; see ``expires_at``).
        file_type: ``FileType``, as sent.
        file_id: The VOD file id, when the file was stored in VOD.
        storage_mode: ``StorageMode`` (``"Temporary"`` or ``"Permanent"``).
        media_name: The media name, when the request gave one.
        class_id: The VOD category id, when stored in VOD.
        width: ``MetaData.Width`` in pixels.
        height: ``MetaData.Height`` in pixels.
        duration: ``MetaData.Duration`` in seconds (videos).
        container: ``MetaData.Container``.
        md5: ``MetaData.Md5``.
    """

    url: str | None
    file_type: str | None = None
    file_id: str | None = None
    storage_mode: str | None = None
    media_name: str | None = None
    class_id: int | None = None
    expire_time: str | None = None
    """As sent (ISO 8601 UTC, or ``"0000-00-00T00:00:00Z"`` when unset); see ``expires_at``."""
    size: int | None = None
    """``MetaData.Size`` in bytes when the server knows it; downloads are checked against it."""
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    container: str | None = None
    md5: str | None = None

    @property
    def expires_at(self) -> datetime | None:
        """``expire_time`` as an aware datetime, or ``None`` when unset or unparseable."""
        return parse_time(self.expire_time)


@dataclass(frozen=True, slots=True)
class Task:
    """A task's state, as of one query (``tasks.get``).

    A task is done at FINISH or ABORTED; it failed at ABORTED or at FINISH with a non-zero
    ``err_code`` or a non-empty ``err_code_ext``.

    Attributes:
        task_id: The task's id (``<appid>-AigcImageTask-<32 hex>t``).
        task_type: ``TaskType`` (``"AigcImageTask"``, ``"AigcVideoTask"``).
        status: The top-level ``Response.Status``: WAITING, PROCESSING, FINISH, ABORTED, or
            any other string, which means "not finished".
        task_status: The inner task's status.
        progress: Percent done, 0-100.
        files: The output files (empty until FINISH).
        err_code: ``ErrCode``: 0 on success.
        err_code_ext: ``ErrCodeExt``: empty on success, else the reason
            (``"ContentModerationFailed"``, ...).
        message: The error message of a failed task.
        session_id: The ``session_id`` the create carried.
        session_context: The ``session_context`` the create carried.
        create_time: As sent (ISO 8601 UTC; see [`parse_time`][chainhub_aigc.types.parse_time]).
        begin_process_time: As sent.
        finish_time: As sent (``"0000-00-00T00:00:00Z"`` until finished).
        request_id: The answer's ``RequestId``.
        status_code: The HTTP status of the answer.
        response: The ``httpx.Response`` (its request carries no credential once pickled).
    """

    task_id: str
    task_type: str | None
    status: str | None
    task_status: str | None = None
    progress: int | None = None
    files: tuple[OutputFile, ...] = ()
    err_code: int | None = None
    err_code_ext: str | None = None
    message: str | None = None
    session_id: str | None = None
    session_context: str | None = None
    create_time: str | None = None
    begin_process_time: str | None = None
    finish_time: str | None = None
    request_id: str | None = None
    status_code: int | None = field(default=None, repr=False, compare=False)
    raw_json: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    """The whole answer as JSON (``{"Response": {...}}``)."""
    response: httpx.Response | None = field(default=None, repr=False, compare=False)
    _raw: TaskDetailResponse | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def raw(self) -> TaskDetailResponse | None:
        """The answer as the generated ``TaskDetailResponse`` model (built on first access:
        most callers never need it, and it costs as much as the rest of the parsing)."""
        if self._raw is None and self.raw_json is not None:
            object.__setattr__(self, "_raw", _model(TaskDetailResponse, self.raw_json))
        return self._raw

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled without its response's request headers (the key is in Authorization)."""
        state = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del state["_raw"]
        if self.response is not None:
            from .errors import safe_response

            state["response"] = safe_response(self.response)
        return (_rebuild_task, (state,))

    @property
    def unknown_status(self) -> str | None:
        """``status`` when it is none of WAITING, PROCESSING, FINISH, ABORTED (a wait logs it
        once and keeps waiting), else None."""
        status = self.status
        return status if status is not None and status not in KNOWN_STATUSES else None

    @property
    def is_done(self) -> bool:
        """FINISH or ABORTED (successful or not); any other status means "not yet"."""
        return self.status in DONE_STATUSES

    @property
    def is_failed(self) -> bool:
        """ABORTED, or FINISH with a non-zero ``err_code`` or a non-empty ``err_code_ext``."""
        if self.status == "ABORTED":
            return True
        return self.status == "FINISH" and (bool(self.err_code) or bool(self.err_code_ext))

    @property
    def is_success(self) -> bool:
        """FINISH without an error code: ``files`` holds the result."""
        return self.status == "FINISH" and not self.is_failed


def _rebuild_task(state: dict[str, Any]) -> Task:
    return Task(**state)


@dataclass(frozen=True, slots=True)
class CreatedTask:
    """A created task: pass it (or its ``task_id``) to ``tasks.get``/``tasks.wait``.

    Attributes:
        task_id: The new task's id.
        request_id: The answer's ``RequestId``.
        session_id: The dedupe key the create carried (the caller's, or the one the SDK
            generated); the task echoes it back as ``SessionId``.
        raw_json: The whole answer as JSON.
    """

    task_id: str
    request_id: str | None
    session_id: str | None
    raw_json: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    _raw: CreateTaskResponse | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def raw(self) -> CreateTaskResponse | None:
        """The answer as the generated ``CreateTaskResponse`` model (built on first access)."""
        if self._raw is None and self.raw_json is not None:
            object.__setattr__(self, "_raw", _model(CreateTaskResponse, self.raw_json))
        return self._raw


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """The spacing of ``wait``'s queries (never past the deadline).

    ``PollSchedule(initial=0.5, factor=2, maximum=5)`` waits 0.5, 1, 2, 4, 5, 5 ... seconds.

    Attributes:
        initial: The first pause, in seconds.
        factor: Each pause is the previous one times this (1: a fixed interval).
        maximum: The longest pause, in seconds.

    Raises:
        ValueError: ``initial < 0``, ``factor < 1`` or ``maximum < initial``.
    """

    initial: float = 1.0
    factor: float = 1.5
    maximum: float = 10.0

    def __post_init__(self) -> None:
        if not (self.initial >= 0 and self.factor >= 1 and self.maximum >= self.initial):
            raise ValueError(
                "PollSchedule needs initial >= 0, factor >= 1 and maximum >= initial, "
                f"got {self.initial}, {self.factor}, {self.maximum}"
            )

    def interval(self, poll: int) -> float:
        """The pause after a query.

        Args:
            poll: The query's number, from 0.

        Returns:
            Seconds.
        """
        if self.factor == 1:
            return min(self.initial, self.maximum)
        # Bounded exponent: factor ** poll overflows a float for large poll counts.
        return min(self.initial * self.factor ** min(poll, 200), self.maximum)

    @classmethod
    def coerce(cls, value: float | PollSchedule) -> PollSchedule:
        """A schedule from a ``poll_interval`` argument.

        Args:
            value: A fixed interval in seconds, or a schedule (returned as is).

        Returns:
            The schedule.
        """
        if isinstance(value, PollSchedule):
            return value
        return cls(initial=float(value), factor=1.0, maximum=float(value))


OnBytes = Callable[[int, int, "int | None"], object]
"""``on_bytes(index, bytes_so_far, total_or_None)``: called after every downloaded chunk."""
OnFile = Callable[[int, Path, int], object]
"""``on_file(index, path, size)``: called when a file is complete and in place."""
DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024**3
"""``download``'s cap on a file whose ``MetaData.Size`` is unknown (4 GiB)."""


class _ResultBase:
    """A finished, successful task; attribute shortcuts to ``task``."""

    __slots__ = ("task",)

    task: Task

    def __init__(self, task: Task) -> None:
        self.task = task

    @property
    def task_id(self) -> str:
        return self.task.task_id

    @property
    def files(self) -> tuple[OutputFile, ...]:
        return self.task.files

    @property
    def status(self) -> str | None:
        return self.task.status

    @property
    def request_id(self) -> str | None:
        return self.task.request_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.task!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _ResultBase) and type(other) is type(self) and other.task == self.task
        )

    def __hash__(self) -> int:
        return hash(self.task)


class TaskResult(_ResultBase):
    """A finished task (from ``wait``/``generate``) and its files; ``download(dir)`` saves them.

    ``task_id``, ``files``, ``status`` and ``request_id`` are shortcuts to ``task``, the
    [`Task`][chainhub_aigc.types.Task].
    """

    __slots__ = ("_downloader",)

    def __init__(
        self,
        task: Task,
        downloader: Callable[[Task, Path, OnBytes | None, OnFile | None, int], list[Path]],
    ) -> None:
        super().__init__(task)
        self._downloader = downloader

    def download(
        self,
        directory: str | PathLike[str],
        *,
        on_bytes: OnBytes | None = None,
        on_file: OnFile | None = None,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
    ) -> list[Path]:
        """Stream every output file into ``directory`` (created if missing).

        Files are named ``<task_id>-<index>.<ext>`` (the extension from FileType, else the URL,
        else the Content-Type), written atomically (a ``.part`` file in the same directory,
        fsync, rename; nothing is left behind on failure), checked against ``MetaData.Size``
        when known, and retried from scratch on a broken transfer. A transfer stops as soon as
        it exceeds ``MetaData.Size``, or ``max_bytes`` when the Size is unknown (a
        DownloadError, not retried). The file requests carry no credential (no API key, and
        none of an injected ``http_client``'s auth, default headers or cookies), and a
        redirect from https to http is refused.

        Args:
            directory: Where to write; created if missing.
            on_bytes: ``on_bytes(index, bytes_so_far, total_or_None)`` after every chunk.
            on_file: ``on_file(index, path, size)`` when a file is complete and in place.
            max_bytes: The cap on a file whose ``MetaData.Size`` is unknown (4 GiB).

        Returns:
            The paths written, in the order of ``files``.

        Raises:
            DownloadError: A file could not be downloaded, or was larger than allowed.
        """
        return self._downloader(self.task, Path(directory), on_bytes, on_file, max_bytes)


class AsyncTaskResult(_ResultBase):
    """The async twin of [`TaskResult`][chainhub_aigc.types.TaskResult].

    ``await result.download(dir)``.
    """

    __slots__ = ("_downloader",)

    def __init__(
        self,
        task: Task,
        downloader: Callable[
            [Task, Path, OnBytes | None, OnFile | None, int], Awaitable[list[Path]]
        ],
    ) -> None:
        super().__init__(task)
        self._downloader = downloader

    async def download(
        self,
        directory: str | PathLike[str],
        *,
        on_bytes: OnBytes | None = None,
        on_file: OnFile | None = None,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
    ) -> list[Path]:
        """See [`TaskResult.download`][chainhub_aigc.types.TaskResult.download] (the callbacks may
        also be coroutine functions)."""
        return await self._downloader(self.task, Path(directory), on_bytes, on_file, max_bytes)
