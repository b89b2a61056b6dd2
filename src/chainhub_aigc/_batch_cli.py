"""`chainhub-aigc batch`: the command over :func:`chainhub_aigc.batch.run_batch`.

Every line is read and checked before the client is even built (exit 2 naming the line and the
field, nothing sent). Progress goes to stderr: one line redrawn on a terminal, a plain line every
few seconds otherwise; `--json` prints one summary document on stdout at the end. Ctrl-C leaves
the journal as it is (each write is a committed transaction) and prints the command to resume.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import AsyncClient
from ._batch_defaults import JOURNAL_FILE, RESULTS_FILE
from ._progress import _Line, visible
from ._ratelimit import RateLimits
from .batch import (
    BatchInputError,
    BatchStats,
    JobResult,
    parse_jobs,
    run_batch,
)

if TYPE_CHECKING:
    from .cli import Output

REDRAW_EVERY = 0.25  # seconds, on a terminal
PLAIN_EVERY = 5.0  # seconds, elsewhere


def _rerun_command(args: argparse.Namespace) -> str:
    from .cli import _command

    words: list[str | Path] = ["chainhub-aigc", "batch", args.jobs, "--out", args.out]
    if args.journal is not None:
        words += ["--journal", args.journal]
    if args.skip_invalid:
        words.append("--skip-invalid")
    return _command(*words)


def _rate(value: float | None) -> Any:
    from ._config import NOT_GIVEN

    if value is None:
        return NOT_GIVEN  # the spec's rate
    return None if value == 0 else value


def _line(stats: BatchStats, now: float) -> str:
    eta = stats.eta(now)
    return (
        f"{stats.ended}/{stats.total} ended: {stats.done} done, {stats.failed} failed, "
        f"{stats.may_exist} may exist, {stats.in_flight} in flight, "
        f"{stats.creates_per_second(now):.1f} creates/s, "
        f"ETA {'?' if eta is None else f'{eta:.0f} s'}"
    )


async def _show(stats: BatchStats, line: _Line, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        line.draw(_line(stats, time.monotonic()))


def run_batch_command(args: argparse.Namespace, out: Output) -> int:
    from .cli import EXIT_OK, EXIT_TASK_FAILED, EXIT_USAGE, _client_options

    try:
        with open(args.jobs, encoding="utf-8") as handle:
            jobs, problems = parse_jobs(handle, skip_invalid=args.skip_invalid)
    except BatchInputError as error:
        out.err(f"error: {visible(args.jobs)} {visible(error)}. Nothing was sent\n")
        return EXIT_USAGE
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
        out.err(f"error: cannot read {visible(args.jobs)}: {visible(reason)}\n")
        return EXIT_USAGE
    for problem in problems:
        out.warn(f"{args.jobs} {problem} (skipped)")
    out.resume = _rerun_command(args)
    limits = RateLimits(
        creates_per_second=_rate(args.creates_per_second),
        queries_per_second=_rate(args.queries_per_second),
    )
    options = _client_options(args)
    stats = BatchStats()
    results: list[JobResult] = []

    async def main() -> None:
        async with AsyncClient(**options, rate_limits=limits) as client:
            line = _Line(out.stderr, out.tty)
            every = REDRAW_EVERY if out.tty else PLAIN_EVERY
            display = asyncio.create_task(_show(stats, line, every))
            try:
                async for result in run_batch(
                    client,
                    jobs,
                    args.out,
                    journal=args.journal,
                    concurrency=args.concurrency,
                    timeout=args.timeout,
                    stats=stats,
                ):
                    results.append(result)
                    if result.status != "done" and not out.json_mode:
                        line.clear()
                        out.err(
                            f"job {visible(result.id)}: {result.status}: "
                            f"{visible(result.error or '')}\n"
                        )
            finally:
                display.cancel()
                if out.tty:
                    line.finish(_line(stats, time.monotonic()))

    asyncio.run(main())
    counts = {status: sum(r.status == status for r in results) for status in
              ("done", "failed", "may_exist")}  # fmt: skip
    results_path = Path(args.out) / RESULTS_FILE
    out.result(
        f"{len(results)} jobs: {counts['done']} done, {counts['failed']} failed, "
        f"{counts['may_exist']} may exist; results in {visible(results_path)}",
        {
            "jobs": len(results),
            **counts,
            "skipped_invalid": [
                {"line": p.line, "field": p.field, "error": p.rule} for p in problems
            ],
            "results": str(results_path),
            "journal": str(args.journal or Path(args.out) / JOURNAL_FILE),
            "seconds": round(time.monotonic() - stats.started, 3),
        },
    )
    return EXIT_OK if counts["done"] == len(results) else EXIT_TASK_FAILED
