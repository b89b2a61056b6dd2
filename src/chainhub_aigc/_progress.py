"""Progress display of the command line, on stderr.

On a terminal: one line redrawn in place (spinner, status, bar, percent, elapsed), animated by a
small ticker thread between polls, and a download bar with bytes and speed. Anywhere else (a
pipe, a CI log): plain lines, one per change, nothing redrawn. No third-party dependency: the
SDK is embedded in other programs, and this is the only place that draws.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import TextIO

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
BAR_WIDTH = 24

# What a terminal may act on rather than show: C0 and C1 controls and DEL (ESC starts CSI and
# OSC sequences; U+009B is a one-character CSI), the bidi embeddings, overrides and isolates
# (they reorder what follows), the line and paragraph separators, and lone surrogates (a
# non-UTF-8 argument or body, which cannot even be encoded).
_CONTROLS = r"\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff"
_UNSAFE = re.compile(rf"[\x00-\x1f{_CONTROLS}]")
_UNSAFE_BUT_NEWLINE = re.compile(rf"[\x00-\x09\x0b-\x1f{_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` with every character a terminal would act on shown escaped (``\\x1b``,
    ``\\u202e``), newlines included: for one value from the server or the user."""
    return _UNSAFE.sub(_escape, str(text))


def visible_lines(text: str) -> str:
    """Like :func:`visible`, keeping newlines: for a block the CLI composed (a traceback)."""
    return _UNSAFE_BUT_NEWLINE.sub(_escape, text)


def format_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = int(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


class _Line:
    """A status line: redrawn in place on a terminal, printed once per change elsewhere."""

    def __init__(self, stream: TextIO | None, is_tty: bool, enabled: bool = True) -> None:
        self._stream = stream
        self._tty = is_tty
        self._enabled = enabled and stream is not None  # None: stderr is closed
        self._width = 0
        self._last_plain = ""

    def draw(self, text: str) -> None:
        if not self._enabled:
            return
        text = visible(text)  # the only control characters drawn are this class's own
        if self._tty:
            pad = max(0, self._width - len(text))
            self._write("\r" + text + " " * pad)
            self._width = len(text)
        elif text != self._last_plain:
            self._write(text + "\n")
            self._last_plain = text

    def clear(self) -> None:
        """Blank the drawn line on a terminal, so that another line can be printed in its
        place (the next ``draw`` starts afresh); nothing elsewhere."""
        if self._enabled and self._tty and self._width:
            self._write("\r" + " " * self._width + "\r")
        self._width = 0

    def finish(self, text: str | None = None) -> None:
        if text is not None:
            self.draw(text)
        if self._enabled and self._tty and self._width:
            self._write("\n")
        self._width = 0

    def _write(self, text: str) -> None:
        # A closed stderr or a broken pipe stops the display, never the wait or the download.
        try:
            assert self._stream is not None  # (a None stream is never enabled)
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            self._enabled = False


class WaitDisplay:
    """Shows a task being waited for: `update()` from the SDK's on_progress callback."""

    def __init__(
        self,
        task_id: str,
        stream: TextIO | None,
        is_tty: bool,
        clock: Callable[[], float] = time.monotonic,
        tick: float = 0.1,
        enabled: bool = True,
    ) -> None:
        self._task_id = task_id
        self._line = _Line(stream, is_tty, enabled)
        self._tty = is_tty and enabled
        self._clock = clock
        self._start = clock()
        self._status = "SUBMITTED"
        self._progress: int | None = None
        self._frame = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._tick = tick
        self._last_key = ""

    def __enter__(self) -> WaitDisplay:
        if self._tty:  # plain output starts with the first real status, not a placeholder
            self._render()
            # animate the spinner and the elapsed time between polls
            self._ticker = threading.Thread(target=self._run_ticker, daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            self._line.finish()

    def update(self, status: str | None, progress: int | None) -> None:
        with self._lock:
            self._status, self._progress = status or "UNKNOWN", progress
            self._render()

    def _run_ticker(self) -> None:
        while not self._stop.wait(self._tick):
            with self._lock:
                self._frame += 1
                self._render()

    def _render(self) -> None:
        elapsed = self._clock() - self._start
        percent = f"{self._progress:3d}%" if self._progress is not None else "   -"
        if self._tty:
            spin = SPINNER[self._frame % len(SPINNER)]
            fraction = (self._progress or 0) / 100
            self._line.draw(
                f"{spin} {self._task_id}  {self._status:<10} {bar(fraction)} {percent}  "
                f"{elapsed:5.1f}s"
            )
        else:  # one line per change of status or progress; elapsed time is not a change
            key = f"{self._task_id}: {self._status} {percent.strip()}"
            if key != self._last_key:
                self._last_key = key
                self._line.draw(f"{key} ({elapsed:.1f}s)")


class DownloadDisplay:
    """A byte counter with speed, per file: `update(done, total)` from the download callback."""

    def __init__(
        self,
        label: str,
        stream: TextIO | None,
        is_tty: bool,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool = True,
    ) -> None:
        self._label = label
        self._line = _Line(stream, is_tty, enabled)
        self._tty = is_tty
        self._clock = clock
        self._start = clock()
        self._last_draw = 0.0

    def update(self, done: int, total: int | None) -> None:
        now = self._clock()
        if not self._tty or (now - self._last_draw < 0.05 and total != done):
            return  # plain output gets only the final line; a terminal at most 20 redraws/s
        self._last_draw = now
        self._line.draw(self._text(done, total, now))

    def finish(self, done: int, total: int | None, path: str) -> None:
        self._line.finish(self._text(done, total, self._clock()) + f"  -> {path}")

    def _text(self, done: int, total: int | None, now: float) -> str:
        elapsed = max(now - self._start, 1e-6)
        speed = f"{format_bytes(done / elapsed)}/s"
        if total:
            return (
                f"↓ {self._label}  {bar(done / total)} {format_bytes(done)} / "
                f"{format_bytes(total)}  {speed}"
            )
        return f"↓ {self._label}  {format_bytes(done)}  {speed}"
