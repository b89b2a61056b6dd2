"""The mock's memory: tasks, the session_id dedup table, and the fault dice.

Everything is in one process and one event loop, so plain dicts suffice (no locks: handlers
never await while they change the state). Both tables are bounded: the oldest tasks are
forgotten beyond `max_tasks` tasks or `max_store_bytes` bytes (a task stores the echo of its
request, so a few creates with megabyte prompts weigh more than thousands of small ones; the
newest task is always kept), and a session_id is remembered for `retention_seconds` (the real
API's 3 days) or until `max_sessions` newer ones push it out. A forgotten task answers 404
ResourceNotFound, as an expired one does; its session_id still counts as used.

A task's progress is a function of the mode and of its own `finish_after` (the config's, or
drawn at its creation between `finish_after` and `finish_after_max`, see `draw_finish_after`):
- deterministic: the first `finish_after` queries answer unfinished (the 1st WAITING with
  Progress 0, the next ones PROCESSING with Progress rising), every later query FINISH;
- timed: WAITING for the first tenth of `finish_after` seconds, then PROCESSING with Progress
  proportional to the time elapsed, FINISH from `finish_after` seconds on.

The state also holds the rate limiter (`--rate-limits`, see `limits`), so that a reset refills
its buckets and zeroes its counts with everything else.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar, overload

from chainhub_aigc._spec import RATE_BUCKETS
from chainhub_aigc.mock.config import MockConfig
from chainhub_aigc.mock.limits import RateLimiter
from chainhub_aigc.mock.media import IMAGE, VIDEO, MediaFile

WAITING = "WAITING"
PROCESSING = "PROCESSING"
FINISH = "FINISH"

# TaskType -> the file its FileUrl serves.
MEDIA: dict[str, MediaFile] = {"AigcImageTask": IMAGE, "AigcVideoTask": VIDEO}

# What a task record weighs besides its texts of unbounded length (the two JSON texts, a
# failure's code and message): the dict and its short values (ids, names, numbers), rounded up
# from sys.getsizeof of a record with the longest values the spec allows. Those texts are
# counted by their length: ASCII (JSON) and latin-1 (a fault header) store one byte a character.
RECORD_OVERHEAD_BYTES = 2048


@dataclass(frozen=True, slots=True)
class TaskFailure:
    err_code: int
    err_code_ext: str
    message: str


T = TypeVar("T")


class _Field(Generic[T]):
    """An attribute of a MockTask view, stored in its record (see MockTask)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, task: None, owner: type) -> _Field[T]: ...
    @overload
    def __get__(self, task: MockTask, owner: type) -> T: ...
    def __get__(self, task: MockTask | None, owner: type) -> T | _Field[T]:
        if task is None:
            return self
        value: T = task.record[self.name]
        return value

    def __set__(self, task: MockTask, value: T) -> None:
        task.record[self.name] = value


class MockTask:
    """One task, as attributes over its record.

    The store keeps each task as a plain dict of strings and numbers only: CPython's garbage
    collector does not track such dicts, so 100,000 stored tasks add nothing to its full
    collections (as objects they made a full collection take 70 ms, a p99 spike under load).
    A MockTask is a light view: `state.tasks[id].queries += 1` writes through to the record.
    """

    __slots__ = ("record",)

    task_id: _Field[str] = _Field()
    task_type: _Field[str] = _Field()  # AigcImageTask, AigcVideoTask
    operation_id: _Field[str] = _Field()
    # The request echoed in PascalCase (the answer's Input), and the fields echoed at the task
    # level (SessionId, ...), kept as JSON text (a string keeps the record untracked).
    input_json: _Field[str] = _Field()
    task_fields_json: _Field[str] = _Field()
    storage_mode: _Field[str] = _Field()
    media_name: _Field[str] = _Field()
    duration: _Field[float | None] = _Field()
    session_id: _Field[str] = _Field()
    created_wall: _Field[float] = _Field()  # time.time()
    created_mono: _Field[float] = _Field()  # time.monotonic()
    queries: _Field[int] = _Field()
    begin_wall: _Field[float | None] = _Field()
    finish_wall: _Field[float | None] = _Field()
    fail_code: _Field[int | None] = _Field()
    fail_ext: _Field[str] = _Field()
    fail_message: _Field[str] = _Field()
    store_bytes: _Field[int] = _Field()  # what the record weighs in the store (see TaskTable)
    # Queries (deterministic) or seconds (timed) until FINISH; None: the config's finish_after.
    finish_after: _Field[float | None] = _Field()

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record

    @classmethod
    def new(
        cls,
        *,
        task_id: str,
        task_type: str,
        operation_id: str,
        input_json: str,
        task_fields_json: str,
        storage_mode: str,
        media_name: str,
        duration: float | None,
        session_id: str,
        created_wall: float,
        created_mono: float,
        failure: TaskFailure | None = None,
        finish_after: float | None = None,
    ) -> MockTask:
        return cls(
            {
                "task_id": task_id,
                "task_type": task_type,
                "operation_id": operation_id,
                "input_json": input_json,
                "task_fields_json": task_fields_json,
                "storage_mode": storage_mode,
                "media_name": media_name,
                "duration": duration,
                "session_id": session_id,
                "created_wall": created_wall,
                "created_mono": created_mono,
                "queries": 0,
                "begin_wall": None,
                "finish_wall": None,
                "fail_code": failure.err_code if failure else None,
                "fail_ext": failure.err_code_ext if failure else "",
                "fail_message": failure.message if failure else "",
                "finish_after": finish_after,
                "store_bytes": RECORD_OVERHEAD_BYTES
                + len(input_json)
                + len(task_fields_json)
                + (len(failure.err_code_ext) + len(failure.message) if failure else 0),
            }
        )

    def __repr__(self) -> str:
        return f"MockTask({self.record!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MockTask) and other.record == self.record

    __hash__ = None  # type: ignore[assignment]  # mutable

    @property
    def failure(self) -> TaskFailure | None:
        if self.fail_code is None:
            return None
        return TaskFailure(self.fail_code, self.fail_ext, self.fail_message)

    @property
    def media(self) -> MediaFile:
        return MEDIA[self.task_type]

    @property
    def input(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.input_json)
        return value

    @property
    def task_fields(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.task_fields_json)
        return value

    def summary(self) -> dict[str, Any]:
        """What GET /_mock/tasks shows of a task."""
        return {
            "TaskId": self.task_id,
            "TaskType": self.task_type,
            "OperationId": self.operation_id,
            "SessionId": self.session_id,
            "Queries": self.queries,
            "Failed": self.fail_code is not None,
            "ErrCodeExt": self.fail_ext,
            "CreateTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created_wall)),
        }


class TaskTable(MutableMapping[str, MockTask]):
    """task_id -> MockTask, over a dict of records (in creation order); `bytes` is the sum of
    the records' `store_bytes`, as they were when stored."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.bytes = 0

    def __getitem__(self, task_id: str) -> MockTask:
        return MockTask(self.records[task_id])

    def __setitem__(self, task_id: str, task: MockTask) -> None:
        record = task.record
        if "store_bytes" not in record:  # a record made by hand: weigh it now
            record["store_bytes"] = record_bytes(record)
        old = self.records.get(task_id)
        if old is not None:
            self.bytes -= old["store_bytes"]
        self.records[task_id] = record
        self.bytes += record["store_bytes"]

    def __delitem__(self, task_id: str) -> None:
        self.bytes -= self.records.pop(task_id)["store_bytes"]

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, task_id: object) -> bool:
        return task_id in self.records

    def get(self, task_id: str, default: Any = None) -> Any:
        record = self.records.get(task_id)
        return MockTask(record) if record is not None else default

    def clear(self) -> None:
        self.records.clear()
        self.bytes = 0

    def oldest(self) -> str:
        return next(iter(self.records))

    def __repr__(self) -> str:
        return f"TaskTable({len(self)} tasks, {self.bytes} bytes)"


def record_bytes(record: dict[str, Any]) -> int:
    """What a record weighs, measured (MockTask.new estimates it more cheaply)."""
    return sys.getsizeof(record) + sum(sys.getsizeof(value) for value in record.values())


class SessionRecord(NamedTuple):
    first_seen: float  # time.monotonic() of the create that claimed it
    creates: int  # create requests that carried this session_id (the first + duplicates)
    task_id: str | None


@dataclass
class MockState:
    """Tasks by id, session_id records, and the seeded random source of rate-based faults."""

    config: MockConfig
    tasks: TaskTable = field(default_factory=TaskTable)
    # session_id -> (first_seen, creates, task_id), as a plain tuple: untracked by the GC too.
    _sessions: OrderedDict[str, tuple[float, int, str | None]] = field(default_factory=OrderedDict)
    rng: random.Random = field(init=False)
    # Task durations have their own seeded source: faults drawn or not never shift them.
    duration_rng: random.Random = field(init=False)
    limiter: RateLimiter | None = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.config.seed)
        self.duration_rng = random.Random(f"finish-after:{self.config.seed}")
        limits = self.config.rate_limits
        self.limiter = RateLimiter.from_config(limits) if limits is not None else None

    def reset(self) -> None:
        self.tasks.clear()
        self._sessions.clear()
        self.rng = random.Random(self.config.seed)
        self.duration_rng = random.Random(f"finish-after:{self.config.seed}")
        if self.limiter is not None:
            self.limiter.reset()

    def draw_finish_after(self) -> float | None:
        """The `finish_after` of a new task: None (the config's) without a range, else drawn
        uniformly in it (whole queries in deterministic mode)."""
        low, high = self.config.finish_range
        if low == high:
            return None
        if self.config.mode == "deterministic":
            return float(self.duration_rng.randint(int(low), int(high)))
        return self.duration_rng.uniform(low, high)

    @property
    def session_creates(self) -> dict[str, int]:
        """session_id -> how many create requests carried it (1 = no duplicate was tried)."""
        return {session_id: record[1] for session_id, record in self._sessions.items()}

    @property
    def sessions(self) -> dict[str, SessionRecord]:
        """session_id -> its record (a snapshot), oldest first."""
        return {key: SessionRecord(*value) for key, value in self._sessions.items()}

    # --- session_id deduplication ----------------------------------------------------------

    def claim_session(self, session_id: str, now: float) -> bool:
        """Record a create with this session_id; False when it is a repeat (a duplicate)."""
        self._expire_sessions(now)
        sessions = self._sessions
        record = sessions.get(session_id)
        if record is not None:
            sessions[session_id] = (record[0], record[1] + 1, record[2])
            return False
        sessions[session_id] = (now, 1, None)
        if len(sessions) > self.config.max_sessions:
            sessions.popitem(last=False)
        return True

    def _expire_sessions(self, now: float) -> None:
        horizon = now - self.config.retention_seconds
        # Insertion order is first_seen order: stop at the first one still in the window.
        sessions = self._sessions
        while sessions:
            first_seen = next(iter(sessions.values()))[0]
            if first_seen > horizon:
                break
            sessions.popitem(last=False)

    # --- tasks -----------------------------------------------------------------------------

    def add_task(self, task: MockTask) -> None:
        self.tasks[task.task_id] = task
        record = self._sessions.get(task.session_id) if task.session_id else None
        if record is not None:
            self._sessions[task.session_id] = (record[0], record[1], task.task_id)
        tasks = self.tasks
        max_tasks, max_bytes = self.config.max_tasks, self.config.max_store_bytes
        while len(tasks) > max_tasks or (tasks.bytes > max_bytes and len(tasks) > 1):
            del tasks[tasks.oldest()]

    def find_task(self, task_id: str, now: float) -> MockTask | None:
        task: MockTask | None = self.tasks.get(task_id)
        if task is None or now - task.created_mono > self.config.retention_seconds:
            return None
        return task

    def advance(self, task: MockTask, *, query: bool) -> tuple[str, int]:
        """The task's (Status, Progress) now; a query counts in deterministic mode.

        Without `query` (a file download, the admin view) it is the state the last query saw.
        """
        config = self.config
        own = task.record.get("finish_after")  # absent from a record made by hand
        total = config.finish_after if own is None else own
        if config.mode == "deterministic":
            if query:
                task.queries += 1
            seen = task.queries
            limit = int(total)
            if seen > limit:
                status, progress = FINISH, 100
            elif seen <= 1:
                status, progress = WAITING, 0  # also a task never queried yet
            else:
                status, progress = PROCESSING, min(99, max(1, 100 * (seen - 1) // limit))
            now = time.time()
            if status != WAITING and task.begin_wall is None:
                task.begin_wall = now
            if status == FINISH and task.finish_wall is None:
                task.finish_wall = now
            return status, progress
        elapsed = time.monotonic() - task.created_mono
        wait = total / 10
        if elapsed >= total:
            status, progress = FINISH, 100
        elif elapsed < wait:
            status, progress = WAITING, 0
        else:
            status, progress = PROCESSING, min(99, max(1, math.floor(100 * elapsed / total)))
        if status != WAITING:
            task.begin_wall = task.created_wall + wait
        if status == FINISH:
            task.finish_wall = task.created_wall + total
        return status, progress

    def snapshot(self) -> dict[str, Any]:
        """The body of GET /_mock/tasks."""
        tasks = []
        for task in self.tasks.values():
            summary = task.summary()
            record = self._sessions.get(task.session_id) if task.session_id else None
            # How many creates carried this task's session_id (1: no retry or duplicate).
            summary["Creates"] = record[1] if record is not None else 1
            own = task.record.get("finish_after")
            # Queries (deterministic) or seconds (timed) this task takes to FINISH.
            summary["FinishAfter"] = self.config.finish_after if own is None else own
            tasks.append(summary)
        limiter = self.limiter
        return {
            "Tasks": tasks,
            "SessionCreates": self.session_creates,
            # Requests refused by --rate-limits, by bucket (zero when there are no limits).
            "rate_limited": dict(limiter.refused if limiter else dict.fromkeys(RATE_BUCKETS, 0)),
            "Config": {
                "Mode": self.config.mode,
                "FinishAfter": self.config.finish_after,
                "FinishAfterMax": self.config.finish_range[1],
                "RateLimits": list(self.config.rate_limits) if self.config.rate_limits else None,
                "FaultRate": self.config.fault_rate,
                "Faults": list(self.config.rate_faults if self.config.fault_rate else ()),
                "Seed": self.config.seed,
                "RequestTimeout": self.config.request_timeout,
                "MaxStoreBytes": self.config.max_store_bytes,
            },
            "StoreBytes": self.tasks.bytes,
        }
