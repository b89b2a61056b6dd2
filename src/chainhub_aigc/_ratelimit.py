"""Client-side rate limits: every HTTP attempt of an operation waits for a slot of its bucket.

Tencent allows an account a number of creates and of queries per second; beyond them it answers
``RequestLimitExceeded`` (429). The spec says so per operation (``x-rate-limit: {bucket,
per_second}``, read into the operation table as ``rate_bucket`` / ``rate_per_second``), so the
buckets and their default rates come from there, not from this file.

Pacing is even, with a burst of one (GCRA, "virtual scheduling"): each attempt reserves the next
free slot of its bucket under a lock (``slot = max(now, previous slot + 1/rate)``) and then sleeps
until it *outside* the lock, so the k-th request of a bucket goes out no sooner than k/N s after
the first, and a client at N/s never exceeds a server's token bucket of N/s. The reservation
is shared by every call of one client and of its ``with_options`` copies, across threads (sync)
or tasks (async). Retries count like first attempts. A wait longer than the call's time left
(a wait's deadline) is not taken: the attempt fails with APITimeoutError instead, and its slot
is not reserved. A stall of the process (a caller woken more than ``LATE`` after its slot)
shifts the later slots by its lateness, so the requests it held back do not go out in a burst.
File downloads are not paced (they go to the storage host, not the API).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ._config import NOT_GIVEN, NotGiven
from ._operations import OperationTable, operation_table
from .errors import APITimeoutError, ConfigurationError

# The spec's bucket names (x-rate-limit.bucket) and the RateLimits field that sets each.
_FIELDS = {"create": "creates_per_second", "query": "queries_per_second"}


def _rate(name: str, value: float | NotGiven | None) -> float | NotGiven | None:
    if value is None or isinstance(value, NotGiven):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{name} must be a number > 0 or None, got {value!r}")
    if not (0 < value < math.inf):
        raise ConfigurationError(f"{name} must be a finite number > 0 or None, got {value!r}")
    return float(value)


def spec_rates(table: OperationTable | None = None) -> dict[str, float]:
    """The spec's rate per bucket (the lowest ``per_second`` of the operations in it)."""
    table = table or operation_table()
    rates: dict[str, float] = {}
    for row in table.rows.values():
        if math.isfinite(row.rate_per_second):
            rates[row.rate_bucket] = min(row.rate_per_second, rates.get(row.rate_bucket, math.inf))
    return rates


class RateLimits:
    """Client-side request rates, per second: ``Client(rate_limits=RateLimits(...))``.

    ``creates_per_second`` paces task creations, ``queries_per_second`` task queries; a field
    left out takes the spec's rate (Tencent's documented limits: 20 creates and 100 queries a
    second per account), ``None`` leaves that kind unpaced. ``Client(rate_limits=None)`` turns
    pacing off altogether. Pace below the account's limits when several processes share it.
    """

    __slots__ = ("_creates", "_queries")

    def __init__(
        self,
        *,
        creates_per_second: float | NotGiven | None = NOT_GIVEN,
        queries_per_second: float | NotGiven | None = NOT_GIVEN,
    ) -> None:
        self._creates = _rate("creates_per_second", creates_per_second)
        self._queries = _rate("queries_per_second", queries_per_second)

    @property
    def creates_per_second(self) -> float | None:
        return self._resolved("create", self._creates)

    @property
    def queries_per_second(self) -> float | None:
        return self._resolved("query", self._queries)

    @staticmethod
    def _resolved(bucket: str, value: float | NotGiven | None) -> float | None:
        if isinstance(value, NotGiven):
            return spec_rates().get(bucket)
        return value

    def rate(self, bucket: str) -> float | None:
        """The rate of a bucket of the spec (None: unpaced, or a bucket this class lacks)."""
        field = _FIELDS.get(bucket)
        return None if field is None else getattr(self, field)

    def __repr__(self) -> str:
        return (
            f"RateLimits(creates_per_second={self.creates_per_second!r}, "
            f"queries_per_second={self.queries_per_second!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateLimits):
            return NotImplemented
        return (self.creates_per_second, self.queries_per_second) == (
            other.creates_per_second,
            other.queries_per_second,
        )

    def __hash__(self) -> int:
        return hash((self.creates_per_second, self.queries_per_second))


# A send later than this after its slot (a stalled process: the event loop blocked, the
# machine busy) moves every later slot of its bucket by its lateness: the requests held back by
# a stall go out at the rate again, never in a burst of more than this many seconds' worth.
LATE = 0.25
# Re-checks of a slot after a sleep (a later slot may have been moved by a stall meanwhile).
MAX_RECHECKS = 4


@dataclass(slots=True)
class Slot:
    """A reserved slot: ``at`` on the bucket's own timeline (real time minus its shift)."""

    bucket: str
    at: float


class Pacer:
    """The slots of one client's buckets (shared with its ``with_options`` copies)."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._shift: dict[str, float] = {}
        self._intervals: dict[str, float | None] = {}

    @functools.cached_property
    def _table(self) -> OperationTable:
        return operation_table()

    def bucket(self, operation: str | None) -> str | None:
        """The bucket of an operation of the spec (None: an undocumented path, not paced).
        The core has matched the request to its operation already (``ApiRequest.operation``):
        no second match of its URL against the spec's paths on every attempt."""
        row = self._table.rows.get(operation) if operation is not None else None
        return None if row is None else row.rate_bucket

    def _interval(self, bucket: str) -> float | None:
        if bucket not in self._intervals:
            rate = self.limits.rate(bucket)
            self._intervals[bucket] = None if rate is None else 1.0 / rate
        return self._intervals[bucket]

    def reserve(self, operation: str | None, time_left: float | None) -> Slot | None:
        """Reserve this attempt's slot (None: not paced). Raises APITimeoutError, reserving
        nothing, when the slot is more than ``time_left`` away."""
        bucket = self.bucket(operation)
        if bucket is None:
            return None
        interval = self._interval(bucket)
        if interval is None:
            return None
        with self._lock:
            shift = self._shift.get(bucket, 0.0)
            now = self._clock() - shift
            at = max(now, self._next.get(bucket, now))
            if time_left is not None and at - now > time_left:
                raise APITimeoutError(
                    f"the client's {bucket} rate limit ({1 / interval:g}/s) has no free slot "
                    f"for {at - now:.2f} s, past the call's deadline ({time_left:.2f} s left)"
                )
            self._next[bucket] = at + interval
        return Slot(bucket, at)

    def wait(self, slot: Slot) -> float:
        """The seconds still to wait for ``slot`` (0: send now). A caller woken late, past
        LATE, moves the later slots by its lateness (see LATE) and goes now."""
        with self._lock:
            shift = self._shift.get(slot.bucket, 0.0)
            late = self._clock() - (slot.at + shift)
            if late > LATE:
                self._shift[slot.bucket] = shift + late
            return max(-late, 0.0)

    def delays(self, operation: str | None, time_left: float | None) -> Iterator[float]:
        """Reserve a slot and yield the sleeps until it (what a driver runs)."""
        slot = self.reserve(operation, time_left)
        if slot is None:
            return
        for _ in range(MAX_RECHECKS):
            delay = self.wait(slot)
            if delay <= 0:
                return
            yield delay


def make_pacer(
    rate_limits: RateLimits | NotGiven | None, clock: Callable[[], float]
) -> Pacer | None:
    """The pacer of a new client: the spec's rates by default, none for ``None``."""
    if rate_limits is None:
        return None
    if isinstance(rate_limits, NotGiven):
        rate_limits = RateLimits()
    if not isinstance(rate_limits, RateLimits):
        raise ConfigurationError(
            f"rate_limits must be a RateLimits or None, got {type(rate_limits).__name__}"
        )
    return Pacer(rate_limits, clock)
