"""`python -m chainhub_aigc.mock`: the mock server in the foreground.

    python -m chainhub_aigc.mock --host 127.0.0.1 --port 4010 --token dev-token \
        [--mode timed --finish-after 5] [--fault-rate 0.2 --faults rate-limit,drop --seed 7]
        [--mode timed --finish-after 10-30 --seed 7] [--rate-limits 20,100]

It prints one line with the URL once it listens; Ctrl-C (or SIGTERM) stops it cleanly.
`add_arguments` and `run_from_args` are reused by the package's `chainhub-aigc mock` command.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from chainhub_aigc.mock.config import FAULT_HEADER, FAULT_KINDS, MockConfig


def _faults(value: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip().lower() for kind in value.split(",") if kind.strip())
    unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown fault(s) {', '.join(unknown)}; choose from {', '.join(FAULT_KINDS)}"
        )
    return kinds


def _rate(value: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError("the fault rate is a share between 0 and 1")
    return rate


_DEFAULTS = MockConfig()
_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def _size(value: str) -> int:
    """A size in bytes: a whole number, optionally followed by K, M or G (powers of 1024)."""
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    unit = text[-1:] if text[-1:] in ("K", "M", "G") else ""
    digits = text[: len(text) - len(unit)]
    if not digits.isdigit() or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"a size is a whole number > 0 [K|M|G], not {value!r}")
    return int(digits) * _SIZE_UNITS[unit]


def _seconds(value: str) -> float:
    seconds = float(value)
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"a number of seconds > 0, not {value!r}")
    return seconds


_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"  # a plain decimal >= 0 (no sign, no exponent)
_RANGE = re.compile(rf"{_NUMBER}(?:-{_NUMBER})?")


def _finish_after(value: str) -> tuple[float, float]:
    """``N`` or ``A-B`` (A <= B), numbers >= 0: the range each task's duration is drawn from."""
    found = _RANGE.fullmatch(value.strip())
    if found is None:
        raise argparse.ArgumentTypeError(f"a number >= 0 or a range A-B, not {value!r}")
    low = float(found.group(1))
    high = float(found.group(2)) if found.group(2) is not None else low
    if high < low:
        raise argparse.ArgumentTypeError(f"the range {value!r} ends before it starts")
    return low, high


def _rate_limits(value: str) -> tuple[float, float]:
    """``CREATES,QUERIES``: two numbers of requests per second, both > 0."""
    parts = value.split(",")
    try:
        rates = tuple(float(part) for part in parts)
    except ValueError:
        rates = ()
    if len(rates) != 2 or not all(math.isfinite(rate) and rate > 0 for rate in rates):
        raise argparse.ArgumentTypeError(
            f"CREATES,QUERIES: two numbers of requests per second > 0, not {value!r}"
        )
    return rates[0], rates[1]


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("a TCP port is between 0 and 65535")
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=_port, default=4010, help="0 picks a free port (default: %(default)s)"
    )
    parser.add_argument(
        "--token",
        action="append",
        dest="tokens",
        metavar="TOKEN",
        help="a bearer token to accept; repeat for several (default: dev-token)",
    )
    parser.add_argument(
        "--mode",
        choices=("deterministic", "timed"),
        default="deterministic",
        help="deterministic: a task finishes after N queries; timed: after N seconds",
    )
    parser.add_argument(
        "--finish-after",
        type=_finish_after,
        default=None,
        metavar="N|A-B",
        help="queries (deterministic, default 2) or seconds (timed, default 5) until a task "
        "finishes; A-B draws each task's own uniformly between A and B (seeded by --seed)",
    )
    parser.add_argument(
        "--rate-limits",
        type=_rate_limits,
        default=None,
        metavar="CREATES,QUERIES",
        help="emulate the vendor's frequency limits: requests per second per bearer token, "
        "each a token bucket of that rate and burst (e.g. 20,100, the documented ones); "
        "beyond it 429 RequestLimitExceeded with Retry-After; counted in /_mock/tasks "
        "(default: no limits)",
    )
    parser.add_argument(
        "--fault-rate",
        type=_rate,
        default=0.0,
        help="share of API requests that get a fault (default: %(default)s)",
    )
    parser.add_argument(
        "--faults",
        type=_faults,
        default=(),
        help=f"comma-separated faults to draw from (default: all of {', '.join(FAULT_KINDS)})",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the fault draws and of --finish-after A-B"
    )
    parser.add_argument(
        "--fault-files",
        action="store_true",
        help="rate-based faults also hit file downloads (not only the API routes)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.5, help="seconds of a drawn latency fault"
    )
    parser.add_argument(
        "--retry-after", type=int, default=1, help="Retry-After seconds of a drawn rate-limit"
    )
    parser.add_argument(
        "--request-timeout",
        type=_seconds,
        default=_DEFAULTS.request_timeout,
        metavar="SECONDS",
        help="a connection that has not sent a whole request (headers and body) this long "
        "after its first byte is closed (default: %(default)s)",
    )
    parser.add_argument(
        "--max-store-bytes",
        type=_size,
        default=_DEFAULTS.max_store_bytes,
        metavar="SIZE",
        help="the task store's bound in bytes, e.g. 64M; the oldest tasks are forgotten "
        "beyond it (default: %(default)s)",
    )
    parser.add_argument(
        "--spec", type=Path, default=None, help="an OpenAPI file (default: the packaged spec)"
    )
    parser.epilog = (
        f"Per request, the mock-only header {FAULT_HEADER.title()} asks for faults, e.g. "
        "'rate-limit;retry-after=2', 'unavailable', 'drop', 'lost-response', "
        "'latency;seconds=0.3', 'task-fail;code=ContentModerationFailed'."
    )


def config_from_args(args: argparse.Namespace) -> MockConfig:
    finish_range = args.finish_after
    if finish_range is None:
        default = 2 if args.mode == "deterministic" else 5
        finish_range = (default, default)
    low, high = finish_range
    return MockConfig(
        tokens=frozenset(args.tokens or ["dev-token"]),
        mode=args.mode,
        finish_after=low,
        finish_after_max=high if high != low else None,
        rate_limits=args.rate_limits,
        fault_rate=args.fault_rate,
        faults=tuple(args.faults),
        seed=args.seed,
        fault_files=args.fault_files,
        latency=args.latency,
        retry_after=args.retry_after,
        request_timeout=args.request_timeout,
        max_store_bytes=args.max_store_bytes,
        spec_path=args.spec,
    )


def run_from_args(args: argparse.Namespace) -> int:
    from chainhub_aigc.mock.server import serve_forever  # uvicorn only when serving

    try:
        config = config_from_args(args)
    except ValueError as exc:  # MockConfig's own checks (e.g. --latency above its cap)
        print(f"chainhub-aigc mock: {exc}", file=sys.stderr)
        return 2

    def ready(url: str) -> None:
        print(
            f"chainhub-aigc mock listening on {url} (mode {config.mode}; Ctrl-C stops)", flush=True
        )

    try:
        serve_forever(config, args.host, args.port, ready)
    except KeyboardInterrupt:  # uvicorn re-raises the SIGINT it handled, after shutting down
        pass
    except OSError as exc:  # the port is taken, the address is not ours...
        print(f"chainhub-aigc mock: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chainhub_aigc.mock",
        description="A stateful mock of the chainhub AIGC API, built from its OpenAPI spec.",
    )
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
