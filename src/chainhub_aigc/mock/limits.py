"""The vendor's per-account rate limits, emulated: one token bucket per bearer token and bucket.

Each operation spends the bucket its spec declares (`x-rate-limit.bucket`, overlay
75-rate-limits.yaml: `create` or `query`); the rates are the mock's own (`--rate-limits
CREATES,QUERIES`), each a bucket of rate N per second and burst N, full at start. A request
beyond its bucket is refused (429 `RequestLimitExceeded`, `Retry-After`) and takes nothing from
it; refusals are counted by bucket.

Hand-written rather than a library (`limits`, `pyrate-limiter`, `aiolimiter`): those offer
fixed or sliding windows, or wait for capacity instead of refusing, while this needs the
classic continuous-refill bucket, the exact wait until the next token (for Retry-After) and an
injectable clock for the tests, in a dozen lines on the mock's hot path.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from chainhub_aigc._spec import RATE_BUCKETS


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` kept; starts full."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now

    def take(self, now: float) -> float:
        """Take one token: 0.0 when taken, else the seconds until one is there (nothing taken)."""
        tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return 0.0
        self.tokens = tokens
        return (1.0 - tokens) / self.rate


class RateLimiter:
    """The buckets of every (token, bucket name), made on first use, and the refusals counted.

    ``rates`` maps a bucket name (``create``, ``query``) to its rate per second; ``clock`` is
    ``time.monotonic`` unless a test injects another.
    """

    def __init__(
        self, rates: dict[str, float], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rates = dict(rates)
        self.clock = clock
        self._buckets: dict[tuple[bytes, str], TokenBucket] = {}
        self.refused: dict[str, int] = dict.fromkeys(RATE_BUCKETS, 0)

    @classmethod
    def from_config(
        cls, limits: tuple[float, float], clock: Callable[[], float] = time.monotonic
    ) -> RateLimiter:
        """From ``(creates, queries)`` per second, as ``MockConfig.rate_limits`` holds them."""
        return cls(dict(zip(RATE_BUCKETS, limits, strict=True)), clock)

    def admit(self, key: bytes, bucket: str) -> int:
        """0 when the request may go on, else the Retry-After (whole seconds, >= 1) of its 429.

        ``key`` identifies the caller (its bearer token): callers never share a bucket."""
        rate = self.rates.get(bucket)
        if rate is None:  # a bucket the mock sets no limit for
            return 0
        now = self.clock()
        found = self._buckets.get((key, bucket))
        if found is None:
            # burst N, but at least one request (a rate below 1/s still admits one)
            found = self._buckets[(key, bucket)] = TokenBucket(rate, max(rate, 1.0), now)
        wait = found.take(now)
        if not wait:
            return 0
        self.refused[bucket] = self.refused.get(bucket, 0) + 1
        return max(1, math.ceil(wait))

    def reset(self) -> None:
        """Every bucket full again, the counts zero."""
        self._buckets.clear()
        self.refused = dict.fromkeys(RATE_BUCKETS, 0)
