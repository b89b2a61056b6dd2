"""The batch's progress on stderr: one line redrawn in place on a terminal, plain lines
elsewhere, and the status line blanked before a job's own message is printed in its place."""

from __future__ import annotations

import asyncio
import io
import re

from chainhub_aigc._batch_cli import _line, _show
from chainhub_aigc._progress import _Line
from chainhub_aigc.batch import BatchStats


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def _shown(stats: BatchStats, line: _Line, ticks: int) -> None:
    display = asyncio.create_task(_show(stats, line, every=0.001))
    for _ in range(ticks):
        await asyncio.sleep(0.01)
        stats.done += 1
    display.cancel()


def test_plain_lines_off_a_terminal() -> None:
    stream = io.StringIO()
    stats = BatchStats(total=10, in_flight=3)
    asyncio.run(_shown(stats, _Line(stream, is_tty=False), ticks=3))
    lines = stream.getvalue().splitlines()
    done = [int(re.match(r"(\d+)/10 ended: \1 done, ", text).group(1)) for text in lines]  # type: ignore[union-attr]
    assert done and done == sorted(set(done))  # each state once, in order: no repeats
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_one_line_redrawn_on_a_terminal_and_blanked_for_a_job_message() -> None:
    stream = Terminal()
    stats = BatchStats(total=4, in_flight=4)
    line = _Line(stream, is_tty=True)
    line.draw(_line(stats, 0.0))
    drawn = stream.getvalue()
    assert drawn.startswith("\r0/4 ended: 0 done") and "\n" not in drawn
    line.clear()  # a job's message goes where the status line was
    blank = stream.getvalue()[len(drawn) :]
    assert blank == "\r" + " " * (len(drawn) - 1) + "\r"
    stream.write("job a: failed: ...\n")
    stats.done = 1
    line.finish(_line(stats, 0.0))
    assert stream.getvalue().endswith("1/4 ended: 1 done, 0 failed, 0 may exist, 4 in flight, "
                                      "0.0 creates/s, ETA ?\n")  # fmt: skip
    assert "\x1b" not in stream.getvalue()
