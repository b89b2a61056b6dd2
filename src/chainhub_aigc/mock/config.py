"""The mock's configuration and its fault vocabulary.

`MockConfig` is immutable: one value describes one mock (tokens, task timing, faults), so a
test can build an app or a server from it and compare runs. Faults are named here once; the
per-request header `X-Mock-Fault` and the command line's `--faults` use the same names:

    X-Mock-Fault: <fault>[;<param>=<value>]*[, <fault>...]

    rate-limit[;retry-after=SECONDS]        429, Retry-After, RequestLimitExceeded
    unavailable[;status=500..599]           503 (or the given 5xx), InternalError
    drop                                    the connection is closed, no HTTP response at all
    lost-response                           the request is carried out (a create creates its
                                            task and records its session_id), then dropped
    latency[;seconds=S]                     the answer is delayed by S seconds (<= 30; the
                                            latency faults of one request add up, and their
                                            sum is held to the same cap)
    task-fail[;code=ErrCodeExt][;errcode=N][;message=TEXT]
                                            on a create: the task later FINISHes failed

Several faults may be combined (`latency;seconds=0.2, rate-limit`): latency first, then the
first of the others that applies.

The header is mock-only (the spec does not declare it, the real gateway ignores it). It
applies to the API routes and to file downloads; never to /openapi.json or /_mock/*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

FAULT_HEADER = "x-mock-fault"

RATE_LIMIT = "rate-limit"
UNAVAILABLE = "unavailable"
DROP = "drop"
LOST_RESPONSE = "lost-response"
TASK_FAIL = "task-fail"
LATENCY = "latency"

FAULT_KINDS: tuple[str, ...] = (RATE_LIMIT, UNAVAILABLE, DROP, LOST_RESPONSE, TASK_FAIL, LATENCY)

# The parameters each fault accepts; anything else in the header is a client error (400).
_FAULT_PARAMS: dict[str, frozenset[str]] = {
    RATE_LIMIT: frozenset({"retry-after"}),
    UNAVAILABLE: frozenset({"status"}),
    DROP: frozenset(),
    LOST_RESPONSE: frozenset(),
    TASK_FAIL: frozenset({"code", "errcode", "message"}),
    LATENCY: frozenset({"seconds"}),
}

MAX_LATENCY = 30.0  # an injected delay is bounded: a typo must not hang a test run

# ErrCodeExt -> (ErrCode, Message) of a failed task. Tencent documents ErrCode classes 40000
# (bad input), 60000 (source file) and 70000 (internal); which class each ErrCodeExt belongs
# to is inferred.
TASK_FAILURES: dict[str, tuple[int, str]] = {
    "ContentModerationFailed": (40000, "The content failed the compliance check."),
    "InvalidParameter": (40000, "Invalid parameter."),
    "InvalidParameter.VoilationContent": (40000, "The input violates the content policy."),
    "ModelGenerateFailed": (70000, "The model failed to generate the output."),
    "TaskTimeout": (70000, "The task timed out."),
    "ResourceInsufficient": (70000, "Insufficient resources, please retry later."),
    "OperationCanceled": (70000, "The task was canceled."),
    "InternalError": (70000, "Internal error."),
}
DEFAULT_TASK_FAILURE = "ContentModerationFailed"


class FaultSyntaxError(ValueError):
    """An `X-Mock-Fault` header (or a `--faults` list) that the mock does not understand."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One requested fault: its kind and its parameters (already checked)."""

    kind: str
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return None


def parse_faults(value: str) -> tuple[Fault, ...]:
    """Parse `rate-limit;retry-after=2, latency;seconds=0.3` into faults, or raise."""
    faults: list[Fault] = []
    for item in value.split(","):
        parts = [part.strip() for part in item.split(";")]
        kind = parts[0].lower()
        if not kind:
            if len(parts) == 1:
                continue  # tolerate "a,,b" and a trailing comma
            raise FaultSyntaxError(f"a fault name is missing in {item.strip()!r}")
        if kind not in _FAULT_PARAMS:
            raise FaultSyntaxError(
                f"unknown fault {kind!r}; known faults: {', '.join(FAULT_KINDS)}"
            )
        params: list[tuple[str, str]] = []
        for part in parts[1:]:
            key, sep, raw = part.partition("=")
            key = key.strip().lower()
            if not sep or key not in _FAULT_PARAMS[kind]:
                allowed = ", ".join(sorted(_FAULT_PARAMS[kind])) or "none"
                raise FaultSyntaxError(
                    f"{kind}: bad parameter {part!r} (parameters: {allowed}; write name=value)"
                )
            params.append((key, _check_param(kind, key, raw.strip())))
        faults.append(Fault(kind, tuple(params)))
    return tuple(faults)


def _check_param(kind: str, key: str, raw: str) -> str:
    try:
        if key in ("retry-after",):
            if int(raw) < 0:
                raise ValueError
        elif key == "seconds":
            seconds = float(raw)
            if not (math.isfinite(seconds) and 0 <= seconds <= MAX_LATENCY):
                raise ValueError
        elif key == "status":
            if not 500 <= int(raw) <= 599:
                raise ValueError
        elif key == "errcode":
            int(raw)
    except ValueError:
        raise FaultSyntaxError(f"{kind}: bad value for {key}: {raw!r}") from None
    if key in ("code", "message") and not raw:
        raise FaultSyntaxError(f"{kind}: {key} is empty")
    return raw


@dataclass(frozen=True, slots=True)
class MockConfig:
    """How one mock behaves.

    mode: "deterministic" (a task answers `finish_after` queries unfinished, WAITING then
    PROCESSING with rising Progress, and FINISH from the next one on: for tests) or "timed"
    (a task FINISHes `finish_after` seconds after its creation: for demos).
    finish_after_max: with it, each task's `finish_after` is drawn uniformly between
    `finish_after` and `finish_after_max` (whole queries in deterministic mode) from a
    `random.Random` seeded by `seed`, apart from the fault draws: the same creates in the same
    order get the same durations.
    rate_limits: `(creates, queries)` per second per bearer token, each a token bucket of that
    rate and burst; an operation spends the bucket its spec's `x-rate-limit` names. None (the
    default): no limit.
    fault_rate: the share of API requests (0..1) that get one of `faults` (all kinds when
    empty), drawn from a `random.Random(seed)`: the same requests in the same order get the
    same faults. File downloads get rate-based faults only with `fault_files`. A request that
    names its faults in `X-Mock-Fault` gets exactly those, and no draw; a request refused for
    its token (401) draws nothing either.
    """

    tokens: frozenset[str] = frozenset({"dev-token"})
    mode: Literal["deterministic", "timed"] = "deterministic"
    finish_after: float = 2
    finish_after_max: float | None = None  # None: every task takes finish_after
    fault_rate: float = 0.0
    faults: tuple[str, ...] = ()
    seed: int = 0
    fault_files: bool = False
    latency: float = 0.5  # seconds, for a rate-based `latency` fault
    retry_after: int = 1  # seconds, for a rate-based `rate-limit` fault
    rate_limits: tuple[float, float] | None = None
    max_body_bytes: int = 10 * 1024 * 1024
    max_tasks: int = 100_000  # the oldest task is forgotten beyond this (memory stays bounded)
    # ... and beyond this many bytes of stored tasks (what a task stores grows with its request:
    # the echoed prompt), oldest first; the newest task is always kept.
    max_store_bytes: int = 64 * 1024 * 1024
    max_sessions: int = 100_000  # the dedup table is bounded the same way
    retention_seconds: float = 3 * 24 * 3600  # queries and session_id dedup: the last 3 days
    # Seconds a connection has to send one whole request (headers and body), counted from its
    # first byte (for a new connection, from its opening); past it the connection is closed.
    # Enforced by the mock's own server (MockServer, the command line), not by the ASGI app.
    request_timeout: float = 5.0
    app_id: str = "1392336703"  # the <appid> prefix of task ids
    spec_path: Path | None = field(default=None)  # None: the spec shipped in the wheel

    def __post_init__(self) -> None:
        if self.mode not in ("deterministic", "timed"):
            raise ValueError(f"mode must be 'deterministic' or 'timed', not {self.mode!r}")
        if not (math.isfinite(self.finish_after) and self.finish_after >= 0):
            raise ValueError("finish_after must be a number >= 0")
        if self.finish_after_max is not None and not (
            math.isfinite(self.finish_after_max) and self.finish_after_max >= self.finish_after
        ):
            raise ValueError("finish_after_max must be a number >= finish_after")
        if self.rate_limits is not None and (
            len(self.rate_limits) != 2
            or not all(math.isfinite(rate) and rate > 0 for rate in self.rate_limits)
        ):
            raise ValueError("rate_limits must be (creates, queries) per second, both > 0")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        unknown = [kind for kind in self.faults if kind not in _FAULT_PARAMS]
        if unknown:
            raise ValueError(f"unknown faults {unknown}; known faults: {', '.join(FAULT_KINDS)}")
        if not 0 <= self.latency <= MAX_LATENCY:
            raise ValueError(f"latency must be between 0 and {MAX_LATENCY} seconds")
        if self.retry_after < 0:
            raise ValueError("retry_after must be >= 0")
        for name in ("max_body_bytes", "max_tasks", "max_sessions", "max_store_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive")
        if not (math.isfinite(self.request_timeout) and self.request_timeout > 0):
            raise ValueError("request_timeout must be a number of seconds > 0")
        if not isinstance(self.tokens, frozenset):  # a str would be taken letter by letter
            raise TypeError("tokens must be a frozenset of strings")

    @property
    def finish_range(self) -> tuple[float, float]:
        """The shortest and the longest `finish_after` of a task."""
        high = self.finish_after if self.finish_after_max is None else self.finish_after_max
        return self.finish_after, high

    @property
    def rate_faults(self) -> tuple[str, ...]:
        """The fault kinds a rate draw picks from."""
        return self.faults or FAULT_KINDS
