"""Batches: many jobs, paced under the rate limits, resumable after a crash, billed at most once.

::

    from chainhub_aigc import AsyncClient
    from chainhub_aigc.batch import load_jobs, run_batch

    jobs = load_jobs("jobs.jsonl")               # every line checked against the spec first
    async with AsyncClient() as client:
        async for result in run_batch(client, jobs, "out/"):
            print(result.id, result.status, result.files)

A job file has one JSON object a line: ``{"id": "...", "kind": "image"|"video", <the request
fields of that kind>}`` (``id`` defaults to the line number, ``kind`` to image). Each finished
job's files go to ``OUT/<id>/``; when every job has ended, ``OUT/results.jsonl`` holds one line
per job (``id, task_id, session_id, status, files, error``; ``status`` is ``done``, ``failed``
or ``may_exist``).

**The journal** (SQLite in WAL mode, a commit before each create and after each answer, which
survives a kill of the process; default ``OUT/.journal.sqlite``) records each job's state, so
that the same call after a crash (kill -9 at any moment) creates no task twice: each job's
``session_id`` is derived from the batch id kept in the journal and the job id, and the gateway
rejects a repeated ``session_id``. A rerun waits for the tasks already created, downloads what
is missing and runs the rest. A job whose create was in flight when the process died is sent
again with the same ``session_id``: if it had not reached the gateway, it is created now; if it
had, the gateway rejects it as a duplicate, and since no call finds a task by ``session_id``,
the job ends ``may_exist`` (billed once, its result unreachable through the API; never created
again). Only creates in flight at a crash can end so. A journal written for other jobs (an id
added, removed, or its request changed) is refused with :class:`JournalMismatchError`.

Why a function returning an async iterator rather than a client method: a batch spans a
journal, a directory and many requests; it is built on the public client, and iterating lets
the caller see each job as it ends (or stop the batch by leaving the loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import os
import signal
import sqlite3
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._batch_defaults import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, JOURNAL_FILE, RESULTS_FILE
from ._core import DUPLICATE_SESSION_CODE, SESSION_PREFIX, create_request
from ._operations import DEDUPE_KEY, operation_table
from ._poller import TaskPoller
from .errors import (
    APIConnectionError,
    AuthenticationError,
    ChainhubError,
    ConfigurationError,
    DownloadError,
    InternalServerError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    TaskMayExistError,
    TencentAPIError,
    WaitTimeoutError,
)
from .types import Task

if TYPE_CHECKING:
    from ._async_client import AsyncClient

__all__ = [
    "BatchInputError",
    "BatchStats",
    "Job",
    "JobResult",
    "JournalMismatchError",
    "TaskPoller",
    "load_jobs",
    "parse_jobs",
    "run_batch",
]

Status = Literal["done", "failed", "may_exist"]
# The batch's kinds and the client resource that creates each (its operation is the spec's).
KINDS = {"image": "images", "video": "videos"}
MAX_ID_LENGTH = 128
DOWNLOADS_AT_ONCE = 8
# A test hook: "POINT:N[:SIGNAL]" sends the process SIGKILL (or SIGNAL) the N-th time it reaches
# POINT, one of "create" (journaled, not sent), "created" (answered, not journaled), "finished"
# (noticed, not journaled), "downloaded" (files on disk, not journaled).
KILL_HOOK_ENV = "CHAINHUB_AIGC_BATCH_KILL_AT"


# -- jobs --------------------------------------------------------------------------------------


class BatchInputError(ChainhubError):
    """A job line is malformed or fails the spec; ``line`` is its number (1-based)."""

    def __init__(self, line: int, field: str, rule: str) -> None:
        self.line = line
        self.field = field
        self.rule = rule
        super().__init__(f"line {line}: {field}: {rule}" if field else f"line {line}: {rule}")


class JournalMismatchError(ConfigurationError):
    """The journal was written for other jobs than the ones given."""


@dataclass(frozen=True, slots=True)
class Job:
    """One job: its id (a safe directory name), kind, request fields and line number."""

    id: str
    kind: str
    fields: dict[str, Any]
    line: int = 0

    @property
    def digest(self) -> str:
        """A fingerprint of what the job asks for (to refuse a journal of other jobs)."""
        text = json.dumps([self.kind, self.fields], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _check_id(value: Any, line: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BatchInputError(line, "id", f"not a string or an integer (got {_type(value)})")
    text = str(value)
    if not text or len(text) > MAX_ID_LENGTH:
        raise BatchInputError(line, "id", f"empty or longer than {MAX_ID_LENGTH} characters")
    if text.startswith(".") or text == RESULTS_FILE:
        raise BatchInputError(line, "id", f"{text!r} is reserved (ids cannot start with '.')")
    if any(char in "/\\" or not char.isprintable() for char in text):
        raise BatchInputError(line, "id", f"{text!r} is not a safe directory name")
    return text


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _parse_line(text: str, line: int) -> Job:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BatchInputError(line, "", f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BatchInputError(line, "", f"not a JSON object (got {_type(data)})")
    job_id = _check_id(data.pop("id", line), line)
    kind = data.pop("kind", "image")
    if kind not in KINDS:
        raise BatchInputError(line, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    if DEDUPE_KEY in data:
        raise BatchInputError(
            line, DEDUPE_KEY, "set by the batch (from the batch id and the job id): leave it out"
        )
    check_job(kind, data, line)
    return Job(job_id, kind, data, line)


def _operation_id(kind: str) -> str:
    from ._resources import Images, Videos

    resource = Images if KINDS[kind] == "images" else Videos
    return resource._operation.operation_id


def check_job(kind: str, fields: dict[str, Any], line: int) -> None:
    """Validate a job's request against the spec, as the SDK's create would (nothing sent)."""
    row = operation_table()[_operation_id(kind)]
    try:
        create_request(row, fields, None, None)
    except RequestValidationError as exc:
        raise BatchInputError(line, exc.field, exc.rule) from None


def parse_jobs(
    lines: Iterable[str], *, skip_invalid: bool = False
) -> tuple[list[Job], list[BatchInputError]]:
    """Jobs from JSONL text lines (blank lines are skipped). Raises the first
    BatchInputError, or with ``skip_invalid`` returns the bad lines' errors beside the jobs."""
    jobs: list[Job] = []
    problems: list[BatchInputError] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            job = _parse_line(text, number)
            if job.id in seen:
                raise BatchInputError(
                    number, "id", f"{job.id!r} is already the id of line {seen[job.id]}"
                )
        except BatchInputError as error:
            if not skip_invalid:
                raise
            problems.append(error)
            continue
        seen[job.id] = number
        jobs.append(job)
    return jobs, problems


def load_jobs(path: str | os.PathLike[str], *, skip_invalid: bool = False) -> list[Job]:
    """The jobs of a JSONL file, every line checked first (see :func:`parse_jobs`)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return parse_jobs(handle, skip_invalid=skip_invalid)[0]
    except UnicodeDecodeError as exc:
        raise BatchInputError(0, "", f"the file is not UTF-8 ({exc.reason})") from None


# -- the journal -------------------------------------------------------------------------------

# pending -> creating (journaled before the create is sent) -> created (task id) ->
# finished (the task is done; files to download) -> done; or failed / may_exist.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, line INTEGER NOT NULL, digest TEXT NOT NULL, session_id TEXT NOT NULL,
    state TEXT NOT NULL, task_id TEXT, created_at REAL, files TEXT, error TEXT
);
"""


@dataclass(slots=True)
class _Row:
    state: str
    session_id: str
    task_id: str | None
    created_at: float | None
    files: list[str]
    error: str | None


class Journal:
    """The batch's state on disk; each write is one synchronous transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # isolation_level=None: we open and commit transactions ourselves.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit is written to the WAL before it returns (a kill -9 of
        # the process loses nothing), the fsync waits for a checkpoint (an OS crash may lose the
        # last commits). FULL would fsync every commit: a few per job, tens of ms each on a
        # busy disk, stalling the event loop that paces the requests.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def batch_id(self) -> str:
        found = self._db.execute("SELECT value FROM meta WHERE key='batch_id'").fetchone()
        if found is not None:
            return str(found[0])
        batch_id = uuid.uuid4().hex[:12]
        with self._transaction():
            self._db.execute("INSERT INTO meta VALUES ('batch_id', ?)", (batch_id,))
        return batch_id

    @contextlib.contextmanager
    def _transaction(self) -> Any:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def register(self, jobs: Sequence[Job], session_of: Any) -> dict[str, _Row]:
        """Record new jobs (all of them on a first run) and return every job's row; refuse
        a journal whose jobs differ from these."""
        known = {
            row[0]: (row[1], row[2])
            for row in self._db.execute("SELECT id, digest, line FROM jobs")
        }
        if known:
            ids = {job.id for job in jobs}
            for job in jobs:
                if job.id not in known:
                    raise JournalMismatchError(
                        f"the journal {self.path} is of another batch: job {job.id!r} "
                        f"(line {job.line}) is not in it; use another --journal or --out"
                    )
                if known[job.id][0] != job.digest:
                    raise JournalMismatchError(
                        f"the journal {self.path} is of another batch: job {job.id!r} "
                        f"(line {job.line}) changed since; use another --journal or --out"
                    )
            missing = sorted(set(known) - ids)
            if missing:
                raise JournalMismatchError(
                    f"the journal {self.path} is of another batch: job {missing[0]!r} "
                    f"is not in the jobs given; use another --journal or --out"
                )
        else:
            with self._transaction():
                self._db.executemany(
                    "INSERT INTO jobs (id, line, digest, session_id, state) "
                    "VALUES (?, ?, ?, ?, 'pending')",
                    [(job.id, job.line, job.digest, session_of(job.id)) for job in jobs],
                )
        return {
            row[0]: _Row(row[1], row[2], row[3], row[4], json.loads(row[5] or "[]"), row[6])
            for row in self._db.execute(
                "SELECT id, state, session_id, task_id, created_at, files, error FROM jobs"
            )
        }

    def set(self, job_id: str, state: str, **values: Any) -> None:
        columns = ["state", *list(values)]
        params = [state] + [
            json.dumps(value) if name == "files" else value for name, value in values.items()
        ]
        assignments = ", ".join(f"{name}=?" for name in columns)
        with self._transaction():
            self._db.execute(f"UPDATE jobs SET {assignments} WHERE id=?", (*params, job_id))


def session_id_for(batch_id: str, job_id: str) -> str:
    """The job's dedupe key: ``chainhub-`` + the batch id + a hash of the job id (46
    characters, under the API's 50)."""
    digest = hashlib.sha256(job_id.encode()).hexdigest()[:24]
    return f"{SESSION_PREFIX}{batch_id}-{digest}"


# -- results and progress ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JobResult:
    """How a job ended. ``files`` are relative to the output directory; ``error`` says why
    a job failed or may exist (text from the server included: escape it before printing)."""

    id: str
    status: Status
    task_id: str | None
    session_id: str
    files: tuple[str, ...] = ()
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task_id": self.task_id,
            "session_id": self.session_id,
            "status": self.status,
            "files": list(self.files),
            "error": self.error,
        }


@dataclass
class BatchStats:
    """Live counters of a running batch (read them from another task to show progress)."""

    total: int = 0
    done: int = 0
    failed: int = 0
    may_exist: int = 0
    in_flight: int = 0
    """Jobs created (or being created) and not yet ended."""
    creates: int = 0
    """Creates answered in this run."""
    started: float = field(default_factory=time.monotonic)
    create_times: deque[float] = field(default_factory=lambda: deque(maxlen=200))

    @property
    def ended(self) -> int:
        return self.done + self.failed + self.may_exist

    def creates_per_second(self, now: float | None = None) -> float:
        """Over the last few seconds."""
        now = time.monotonic() if now is None else now
        recent = [t for t in self.create_times if now - t <= 5.0]
        if len(recent) < 2:
            return 0.0
        span = max(now - recent[0], 1e-3)
        return len(recent) / span

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left at the rate jobs have ended so far (None: not known yet)."""
        now = time.monotonic() if now is None else now
        elapsed = now - self.started
        if self.ended == 0 or elapsed <= 0:
            return None
        return (self.total - self.ended) / (self.ended / elapsed)


# -- the run -------------------------------------------------------------------------------------

_FATAL = (AuthenticationError, PermissionDeniedError, ConfigurationError)
_kill_counts: dict[str, int] = {}


def _kill_hook(point: str) -> None:
    spec = os.environ.get(KILL_HOOK_ENV)
    if not spec:
        return
    where, _, rest = spec.partition(":")
    count, _, name = rest.partition(":")
    if where != point:
        return
    _kill_counts[point] = _kill_counts.get(point, 0) + 1
    if str(_kill_counts[point]) == count:
        os.kill(os.getpid(), getattr(signal, name or "SIGKILL"))


class _Fatal(Exception):
    def __init__(self, error: ChainhubError) -> None:
        super().__init__(str(error))
        self.error = error


class _Runner:
    def __init__(
        self,
        client: AsyncClient,
        out_dir: Path,
        journal: Journal,
        rows: dict[str, _Row],
        timeout: float,
        stats: BatchStats,
        poller: TaskPoller,
    ) -> None:
        self.client = client
        self.out_dir = out_dir
        self.journal = journal
        self.rows = rows
        self.timeout = timeout
        self.stats = stats
        self.poller = poller
        self.downloads = asyncio.Semaphore(DOWNLOADS_AT_ONCE)

    def _end(self, job: Job, status: Status, error: str | None = None) -> JobResult:
        row = self.rows[job.id]
        if status == "done":
            self.stats.done += 1
        elif status == "failed":
            self.stats.failed += 1
        else:
            self.stats.may_exist += 1
        return JobResult(
            job.id, status, row.task_id, row.session_id, tuple(row.files), error or row.error
        )

    def _set(self, job: Job, state: str, **values: Any) -> None:
        self.journal.set(job.id, state, **values)
        row = self.rows[job.id]
        row.state = state
        for name, value in values.items():
            setattr(row, name, value)

    async def run(self, job: Job) -> JobResult:
        row = self.rows[job.id]
        if row.state == "done" and all((self.out_dir / f).is_file() for f in row.files):
            return self._end(job, "done")
        if row.state in ("failed", "may_exist"):
            return self._end(job, row.state)  # type: ignore[arg-type]
        self.stats.in_flight += 1
        try:
            return await self._advance(job, row)
        finally:
            self.stats.in_flight -= 1

    async def _advance(self, job: Job, row: _Row) -> JobResult:
        if row.state in ("pending", "creating"):
            outcome = await self._create(job, row)
            if outcome is not None:
                return outcome
        if row.state == "created":
            outcome = await self._wait(job, row)
            if outcome is not None:
                return outcome
        return await self._download(job, row)

    async def _create(self, job: Job, row: _Row) -> JobResult | None:
        was_sent = row.state == "creating"  # an earlier run may have reached the gateway
        if not was_sent:
            self._set(job, "creating")
        _kill_hook("create")
        resource = getattr(self.client, KINDS[job.kind])
        try:
            created = await resource.create(**job.fields, session_id=row.session_id)
        except TaskMayExistError as error:
            self._set(job, "may_exist", error=_may_exist_note(error))
            return self._end(job, "may_exist")
        except TencentAPIError as error:
            if error.code == DUPLICATE_SESSION_CODE:
                self._set(job, "may_exist", error=_may_exist_note(error))
                return self._end(job, "may_exist")
            return self._create_failed(job, error)
        except ChainhubError as error:
            return self._create_failed(job, error)
        _kill_hook("created")
        self.stats.creates += 1
        self.stats.create_times.append(time.monotonic())
        self._set(job, "created", task_id=created.task_id, created_at=time.time())
        return None

    def _create_failed(self, job: Job, error: ChainhubError) -> JobResult:
        if isinstance(error, _FATAL):
            raise _Fatal(error)
        message = str(error)
        if isinstance(error, APIConnectionError | InternalServerError | RateLimitError):
            # Maybe (or surely, for a 429) not created: the journal keeps the job "creating",
            # so that a rerun sends it again with its session_id.
            return self._end(job, "failed", f"{message} (a rerun tries again)")
        self._set(job, "failed", error=message)
        return self._end(job, "failed")

    async def _wait(self, job: Job, row: _Row) -> JobResult | None:
        assert row.task_id is not None
        age = 0.0 if row.created_at is None else max(time.time() - row.created_at, 0.0)
        model = "/".join(str(job.fields.get(k, "")) for k in ("model_name", "model_version"))
        try:
            task = await self.poller.wait(
                row.task_id,
                timeout=self.timeout,
                key=f"{job.kind}/{model}",
                started=time.monotonic() - age,
            )
        except WaitTimeoutError as error:
            return self._end(job, "failed", f"{error} (a rerun waits again)")
        except ChainhubError as error:
            if isinstance(error, _FATAL):
                raise _Fatal(error) from None
            return self._end(job, "failed", f"{error} (a rerun waits again)")
        _kill_hook("finished")
        if task.is_failed:
            self._set(job, "failed", error=_task_error(task))
            return self._end(job, "failed")
        if not task.files:
            self._set(job, "failed", error="the task finished without output files")
            return self._end(job, "failed")
        self._set(job, "finished")
        return await self._download(job, row, task)

    async def _download(self, job: Job, row: _Row, task: Task | None = None) -> JobResult:
        assert row.task_id is not None
        try:
            if task is None:  # resumed: the task finished in an earlier run
                task = await self.client.tasks.get(row.task_id)
            result = self.client.tasks.result(task)
            async with self.downloads:
                paths = await result.download(self.out_dir / job.id)
        except (DownloadError, ChainhubError) as error:
            if isinstance(error, _FATAL):
                raise _Fatal(error) from None
            return self._end(job, "failed", f"download: {error} (a rerun downloads again)")
        _kill_hook("downloaded")
        files = [str(Path(path).relative_to(self.out_dir)) for path in paths]
        self._set(job, "done", files=files, error=None)
        return self._end(job, "done")


def _may_exist_note(error: ChainhubError) -> str:
    code = getattr(error, "code", None) or type(error).__name__
    return (
        "its create was in flight when an earlier run stopped, and the retry was rejected as a "
        f"duplicate session_id ({code}): the task exists once (billed), its result unreachable "
        "through the API"
    )


def _task_error(task: Task) -> str:
    parts = [task.status or ""]
    if task.err_code:
        parts.append(f"ErrCode {task.err_code}")
    if task.err_code_ext:
        parts.append(task.err_code_ext)
    message = getattr(task, "message", None)
    if message:
        parts.append(str(message))
    return "task failed: " + ", ".join(p for p in parts if p)


def _write_results(out_dir: Path, jobs: Sequence[Job], results: dict[str, JobResult]) -> None:
    """``results.jsonl``, one line per job in the jobs' order, replaced atomically."""
    target = out_dir / RESULTS_FILE
    part = out_dir / f".{RESULTS_FILE}.part"
    with open(part, "w", encoding="utf-8") as handle:
        for job in jobs:
            handle.write(json.dumps(results[job.id].to_json(), ensure_ascii=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, target)


async def run_batch(
    client: AsyncClient,
    jobs: Sequence[Job],
    out_dir: str | os.PathLike[str],
    *,
    journal: str | os.PathLike[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    stats: BatchStats | None = None,
    poller: TaskPoller | None = None,
) -> AsyncIterator[JobResult]:
    """Run ``jobs`` (see the module docstring) and yield each one's :class:`JobResult` as it
    ends, jobs ended in an earlier run first; then write ``OUT/results.jsonl``.

    ``concurrency`` bounds the jobs in flight (created and not yet downloaded); the client's
    rate limits pace the requests. ``timeout`` bounds each job's wait (a job that times out
    is ``failed`` here and waited for again by a rerun). An authentication or permission
    error stops the batch: it is raised from the iterator. ``stats`` is updated as the batch
    goes (for a progress display); ``poller`` replaces the default :class:`TaskPoller`.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigurationError(f"concurrency must be an integer >= 1, got {concurrency!r}")
    if not (isinstance(timeout, int | float) and 0 < timeout < math.inf):
        raise ConfigurationError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = Journal(Path(journal) if journal is not None else out / JOURNAL_FILE)
    stats = stats if stats is not None else BatchStats()
    stats.total = len(jobs)
    own_poller = poller is None
    poller = poller if poller is not None else TaskPoller(client)
    try:
        batch_id = store.batch_id()
        rows = store.register(jobs, lambda job_id: session_id_for(batch_id, job_id))
        runner = _Runner(client, out, store, rows, timeout, stats, poller)
        gate = asyncio.Semaphore(concurrency)
        queue: asyncio.Queue[JobResult | _Fatal] = asyncio.Queue()

        async def one(job: Job) -> None:
            async with gate:
                try:
                    queue.put_nowait(await runner.run(job))
                except _Fatal as fatal:
                    queue.put_nowait(fatal)

        workers = [asyncio.create_task(one(job)) for job in jobs]
        results: dict[str, JobResult] = {}
        try:
            while len(results) < len(jobs):
                item = await queue.get()
                if isinstance(item, _Fatal):
                    raise item.error
                results[item.id] = item
                yield item
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        _write_results(out, jobs, results)
    finally:
        if own_poller:
            await poller.aclose()
        store.close()
