"""Server data never drives the terminal: control characters in task ids, statuses,
messages, codes and URLs reach stdout and stderr escaped (`\\x1b`), never raw; `--json` stays
valid JSON in pure ASCII. A task that finishes well without files exits 1; a status the spec
does not document is warned about once."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from chainhub_aigc._progress import DownloadDisplay, WaitDisplay
from tests.cli.gateway import Gateway, created, run_raw, serve, task
from tests.data import IMAGE_ARGS, TASK_ID

# Clear the screen, set the window title (OSC), a one-byte C1 CSI, a bell, a bidi override.
EVIL = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202etxt.exe"
EVIL_ID = f"1392336703-AigcImageTask-{EVIL}t"
RAW = [b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode()]


def assert_no_raw_controls(*outputs: bytes) -> None:
    for output in outputs:
        for sequence in RAW:
            assert sequence not in output, output


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    yield from serve()


def test_failed_task_with_escapes_everywhere_is_shown_escaped(gateway: Gateway) -> None:
    gateway.create = created(EVIL_ID)
    gateway.query = lambda n: task(
        "FINISH", task_id=EVIL_ID, err_code=1, err_code_ext=EVIL, message=f"bad {EVIL}\nline"
    )
    run = run_raw(gateway.base_url, *IMAGE_ARGS, "--wait")
    assert run.code == 1, run.stderr
    assert_no_raw_controls(run.stdout, run.stderr)
    assert b"\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202etxt.exe" in run.stderr
    (error,) = [line for line in run.stderr.decode().splitlines() if line.startswith("error:")]
    assert "bad " in error and "\\x0aline" in error  # the server's newline stays in its line


def test_json_output_is_ascii_and_keeps_the_data(gateway: Gateway) -> None:
    gateway.create = created(EVIL_ID)
    gateway.query = lambda n: task("FINISH", task_id=EVIL_ID, err_code=1, message=EVIL)
    run = run_raw(gateway.base_url, *IMAGE_ARGS, "--wait", "--json")
    assert run.code == 1, run.stderr
    assert_no_raw_controls(run.stdout, run.stderr)
    assert all(byte < 0x80 for byte in run.stdout)
    data = json.loads(run.stdout)
    assert data["task"]["task_id"] == EVIL_ID  # escaped for the terminal, not altered


def test_status_escapes_urls_and_times(gateway: Gateway) -> None:
    url = f"http://files.example/{EVIL}.png"
    gateway.query = lambda n: task(
        "FINISH", files=[{"FileUrl": url, "ExpireTime": f"2026-01-01{EVIL}"}]
    )
    run = run_raw(gateway.base_url, "status", TASK_ID)
    assert run.code == 0, run.stderr
    assert_no_raw_controls(run.stdout, run.stderr)
    assert b"http://files.example/\\x1b[2J" in run.stdout


def test_the_progress_line_on_a_terminal_is_escaped() -> None:
    """Under a terminal the display redraws with its own `\\r`, and nothing else raw."""
    stream = io.StringIO()
    with WaitDisplay(EVIL_ID, stream, is_tty=True, tick=60) as display:
        display.update(EVIL, 42)
    download = DownloadDisplay(EVIL, stream, is_tty=True)
    download.update(10, 20)
    download.finish(20, 20, f"/tmp/{EVIL}")
    text = stream.getvalue()
    assert "\r" in text and " 42%" in text
    assert_no_raw_controls(text.replace("\r", "").replace("\n", "").encode())
    assert "\\x1b[2J" in text


def test_finish_without_files_exits_1_with_one_line(gateway: Gateway) -> None:
    gateway.query = lambda n: task("FINISH", progress=100)
    run = run_raw(gateway.base_url, *IMAGE_ARGS, "--wait", "--json")
    assert run.code == 1, run.stderr
    assert run.stderr.decode().count("error:") == 1
    assert b"without any output file" in run.stderr
    assert json.loads(run.stdout)["error"]["type"] == "NoOutputError"


def test_an_undocumented_status_is_warned_about_once(gateway: Gateway) -> None:
    statuses = ["PAUSED\x1b[5m", "PAUSED\x1b[5m", "FINISH"]  # two polls with it, one warning
    files = [{"FileUrl": gateway.file_url("x.png")}]
    gateway.query = lambda n: task(statuses[min(n, 2)], progress=10 * n, files=files)
    run = run_raw(gateway.base_url, "wait", TASK_ID)
    assert run.code == 0, run.stderr
    assert_no_raw_controls(run.stderr)
    warnings = [line for line in run.stderr.decode().splitlines() if "warning:" in line]
    assert len(warnings) == 1 and "PAUSED\\x1b[5m" in warnings[0], run.stderr
