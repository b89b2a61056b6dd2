"""Client configuration: defaults, environment variables, the User-Agent, the API key.

The API key is held in a :class:`Secret` whose repr/str is masked, so no repr of a client, its
options or an error can show it; :meth:`Options.redact` scrubs it from any text that came from
the server (an error message that echoes the key, JSON-escaped or not) before it reaches an
exception or a log line.

The key is never sent in clear to another machine: a ``http://`` base URL must be loopback
(the mock) unless the caller opts in with ``allow_insecure_http=True`` or
``CHAINHUB_ALLOW_INSECURE_HTTP=1``.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import logging
import math
import os
import platform
import random
import re
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Final
from urllib.parse import urlsplit

import httpx

from ._env import API_KEY_ENV as API_KEY_ENV
from ._env import BASE_URL_ENV as BASE_URL_ENV
from ._env import INSECURE_HTTP_ENV as INSECURE_HTTP_ENV
from ._env import LOG_ENV as LOG_ENV
from ._progress import visible_lines
from ._spec import DEFAULT_BASE_URL
from ._version import __version__ as __version__
from .errors import ConfigurationError, MissingAPIKeyError
from .types import DEFAULT_MAX_DOWNLOAD_BYTES as DEFAULT_MAX_DOWNLOAD_BYTES
from .types import PollSchedule

DEFAULT_MAX_RESPONSE_BYTES: Final = 10 * 1024 * 1024
"""The cap on an API answer, decoded (documented answers are a few KB; a task with many
files a few tens of KB)."""
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_MAX_RETRY_AFTER: Final = 60.0
DEFAULT_LIMITS: Final = httpx.Limits(max_connections=200, max_keepalive_connections=100)
USER_AGENT: Final = (
    f"chainhub-aigc/{__version__} python/{platform.python_version_tuple()[0]}."
    f"{platform.python_version_tuple()[1]} httpx/{httpx.__version__}"
)


class NotGiven(enum.Enum):
    """The default of ``with_options`` arguments: "keep the current value" (``None`` may be a
    value)."""

    NOT_GIVEN = enum.auto()


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


class Secret:
    """A string that never shows in a repr or str (nor in the DEBUG logs of httpx and
    httpcore, which print the headers a server sent: see :class:`_ScrubKeys`)."""

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        _guard_logs(self)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


class _ScrubKeys(logging.Filter):
    """Scrubs every live key from the records of httpx's and httpcore's loggers (a server may
    echo the key in a response header, which httpcore logs at DEBUG). Only records that are
    emitted are filtered: with those loggers off it costs nothing."""

    # By identity, not by value: Secrets of one key compare equal, and a WeakSet would keep
    # only the first of them, losing the key from the scrub when that one is collected while
    # a later client with the same key still lives.
    keys: ClassVar[weakref.WeakValueDictionary[int, Secret]] = weakref.WeakValueDictionary()

    def filter(self, record: logging.LogRecord) -> bool:
        message = original = record.getMessage()
        for secret in list(self.keys.values()):
            key = secret.reveal()
            if len(key) >= 4:
                message = _key_pattern(key).sub("***", message)
        if message != original:
            record.msg, record.args = message, None
        return True


_SCRUB_KEYS = _ScrubKeys()
_HTTP_LOGGERS = (
    "httpx",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.connection",
    "httpcore.proxy",
)


def _guard_logs(secret: Secret) -> None:
    _ScrubKeys.keys[id(secret)] = secret
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _SCRUB_KEYS not in logger.filters:
            logger.addFilter(_SCRUB_KEYS)


# -- CHAINHUB_LOG ------------------------------------------------------------------------------
# CHAINHUB_LOG=info|debug sends the SDK's log lines to stderr, as OPENAI_LOG does for
# openai-python: `info` the SDK's retries and warnings and httpx's one line per request,
# `debug` also each attempt, each poll and httpcore's connection events. The handler carries
# the key scrub, so a key echoed by a server is masked whatever logger the line came from.
_LOG_LEVELS: Final = {"info": logging.INFO, "debug": logging.DEBUG}
_LOG_FORMAT: Final = "%(asctime)s %(name)s %(levelname)s %(message)s"


class _VisibleFormatter(logging.Formatter):
    """Control characters (a server's text may hold some) are shown escaped, never raw."""

    def format(self, record: logging.LogRecord) -> str:
        return visible_lines(super().format(record))


def setup_logging_from_env() -> None:
    """Apply ``CHAINHUB_LOG`` (read once, when the SDK is first imported). Unset or empty:
    nothing. Another value: one warning line, and nothing else changes."""
    value = os.environ.get(LOG_ENV, "").strip()
    if not value:
        return
    level = _LOG_LEVELS.get(value.lower())
    sdk_logger = logging.getLogger("chainhub_aigc")
    if level is None:
        sdk_logger.warning(
            "%s=%r is not one of %s: ignored", LOG_ENV, value, ", ".join(_LOG_LEVELS)
        )
        return
    handler = logging.StreamHandler()  # sys.stderr when a line is written
    handler.setFormatter(_VisibleFormatter(_LOG_FORMAT))
    handler.addFilter(_SCRUB_KEYS)
    names = ["chainhub_aigc", "httpx"] + (["httpcore"] if level == logging.DEBUG else [])
    for name in names:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)


def coerce_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if value is None:
        return httpx.Timeout(None)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}")
    # The connect phase keeps the 10 s default unless the whole timeout is shorter.
    return httpx.Timeout(float(value), connect=min(float(value), 10.0))


def check_max_retries(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {value!r}")
    return value


def check_max_retry_after(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ConfigurationError(f"max_retry_after must be a number >= 0, got {value!r}")
    return float(value)


def check_max_bytes(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be an integer >= 1 (bytes), got {value!r}")
    return value


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: the machine itself (no one else can read the key)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(value: str, *, allow_insecure_http: bool = False) -> str:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # an unparsable netloc, such as "http://[::1"
        host = None
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc or not host:
        raise ConfigurationError(f"base_url must be an http(s) URL, got {value!r}")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback(host):
        raise ConfigurationError(
            f"base_url {value!r} is http:// to another machine: the API key would travel in "
            f"clear. Use https://, or opt in with allow_insecure_http=True "
            f"(or {INSECURE_HTTP_ENV}=1)"
        )
    return value.rstrip("/")


@functools.lru_cache(maxsize=16)
def _key_pattern(key: str) -> re.Pattern[str]:
    """The key as it may appear in text: plain, or inside a JSON string with any of its
    characters written ``\\uXXXX`` (either case) and ``/`` written ``\\/``."""
    parts = []
    for char in key:
        forms = [re.escape(char)]
        if ord(char) < 0x10000:
            forms.append("\\\\u" + "".join(f"[{h.lower()}{h.upper()}]" for h in f"{ord(char):04x}"))
        if char == "/":
            forms.append(re.escape("\\/"))
        if char in '"\\':
            forms.append(re.escape("\\" + char))
        parts.append("(?:" + "|".join(forms) + ")")
    return re.compile("".join(parts))


def coerce_poll(value: float | PollSchedule | None) -> PollSchedule:
    if value is None:
        return PollSchedule()
    if isinstance(value, PollSchedule):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ConfigurationError(f"poll_interval must be a number >= 0, got {value!r}")
    if not math.isfinite(value):
        raise ConfigurationError(f"poll_interval must be finite, got {value!r}")
    return PollSchedule.coerce(value)


@dataclass(frozen=True, slots=True)
class Options:
    """Everything a request needs except the I/O; shared by the sync and async clients."""

    base_url: str
    api_key: Secret | None
    timeout: httpx.Timeout
    max_retries: int
    headers: Mapping[str, str]
    """User-Agent and the caller's default headers (never Authorization: that is per request)."""
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    """The cap on an API answer's decoded body (see DEFAULT_MAX_RESPONSE_BYTES)."""
    poll: PollSchedule = field(default_factory=PollSchedule)
    clock: Callable[[], float] = time.monotonic
    wallclock: Callable[[], float] = time.time
    jitter: Callable[[], float] = random.random
    backoff_initial: float = 0.5
    backoff_max: float = 8.0

    def auth_headers(self) -> dict[str, str]:
        """The headers of an API request; raises MissingAPIKeyError without a key."""
        if self.api_key is None or not self.api_key.reveal():
            raise MissingAPIKeyError(
                f"no API key: pass Client(api_key=...) or set {API_KEY_ENV} in the environment"
            )
        return {
            **self.headers,
            "Accept": "application/json",
            # only what the SDK decodes under its byte cap (_http.BoundedDecoder)
            "Accept-Encoding": "gzip, deflate",
            "Authorization": f"Bearer {self.api_key.reveal()}",
        }

    def download_headers(self) -> dict[str, str]:
        """The headers of a file download: no Authorization, no content coding."""
        headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        headers["Accept-Encoding"] = "identity"
        return headers

    def redact(self, text: str) -> str:
        """``text`` without the API key, in any of its JSON-escaped forms too (for anything
        that came from the server). Returns ``text`` itself when there is nothing to scrub."""
        if self.api_key is not None:
            key = self.api_key.reveal()
            if len(key) >= 4:
                pattern = _key_pattern(key)
                if pattern.search(text) is not None:
                    return pattern.sub("***", text)
        return text

    def evolve(self, **changes: object) -> Options:
        return replace(self, **changes)  # type: ignore[arg-type]


def build_options(
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    max_retry_after: float,
    poll_interval: float | PollSchedule | None,
    clock: Callable[[], float] | None,
    wallclock: Callable[[], float] | None,
    jitter: Callable[[], float] | None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    allow_insecure_http: bool | None = None,
) -> Options:
    """Resolve constructor arguments and the environment into Options.

    A missing API key is not an error here (constructing a client never fails for it): it is
    raised as MissingAPIKeyError by the first request.
    """
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV) or None
    url = base_url if base_url is not None else os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    if allow_insecure_http is None:
        allow_insecure_http = os.environ.get(INSECURE_HTTP_ENV, "") == "1"
    headers = {"User-Agent": USER_AGENT}
    for name, value in (default_headers or {}).items():
        if name.lower() == "authorization":
            raise ConfigurationError("pass the API key as api_key=, not as a default header")
        headers[name] = value
    return Options(
        base_url=check_base_url(url, allow_insecure_http=allow_insecure_http),
        api_key=None if key is None else Secret(key),
        timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else coerce_timeout(timeout),
        max_retries=check_max_retries(max_retries),
        headers=headers,
        max_retry_after=check_max_retry_after(max_retry_after),
        max_response_bytes=check_max_bytes("max_response_bytes", max_response_bytes),
        poll=coerce_poll(poll_interval),
        clock=clock or time.monotonic,
        wallclock=wallclock or time.time,
        jitter=jitter or random.random,
    )


def evolve_options(
    options: Options,
    *,
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int | NotGiven,
    max_retry_after: float | NotGiven,
    poll_interval: float | PollSchedule | NotGiven,
    default_headers: Mapping[str, str] | NotGiven,
) -> Options:
    changes: dict[str, object] = {}
    if not isinstance(timeout, NotGiven):
        changes["timeout"] = coerce_timeout(timeout)
    if not isinstance(max_retries, NotGiven):
        changes["max_retries"] = check_max_retries(max_retries)
    if not isinstance(max_retry_after, NotGiven):
        changes["max_retry_after"] = check_max_retry_after(max_retry_after)
    if not isinstance(poll_interval, NotGiven):
        changes["poll"] = coerce_poll(poll_interval)
    if not isinstance(default_headers, NotGiven):
        headers = dict(options.headers)
        for name, value in default_headers.items():
            if name.lower() == "authorization":
                raise ConfigurationError("pass the API key as api_key=, not as a default header")
            headers[name] = value
        changes["headers"] = headers
    return options.evolve(**changes)


setup_logging_from_env()
