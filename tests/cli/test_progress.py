"""The progress display: under a pseudo-terminal it redraws a live line and ends at 100%; with
stderr not a terminal it prints plain lines; Ctrl-C while waiting prints how to resume."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pexpect

from chainhub_aigc.mock import MockServer
from tests.cli.conftest import CLI, cli_env, interruptible, run_cli
from tests.data import IMAGE_ARGS

IMAGE = IMAGE_ARGS


def _spawn(base_url: str, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        CLI, list(args), env=cli_env(base_url), encoding="utf-8", timeout=30,
        dimensions=(40, 200), preexec_fn=interruptible,
    )  # fmt: skip


def test_live_progress_under_a_terminal(slow_mock: MockServer, tmp_path: Path) -> None:
    child = _spawn(slow_mock.base_url, *IMAGE, "--wait", "--out", str(tmp_path))
    child.expect(r"\r\S \S+-AigcImageTask-\S+\s+(WAITING|PROCESSING)")  # a redrawn line
    child.expect(r"FINISH\s+█+ 100%")
    child.expect(r"↓ file 1/1 .* -> ")  # the download bar, with its target
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(list(tmp_path.iterdir())) == 1


def test_plain_lines_when_stderr_is_not_a_terminal(slow_mock: MockServer) -> None:
    run = run_cli(slow_mock.base_url, *IMAGE, "--wait")
    assert run.code == 0, run.stderr
    assert "\r" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if "-AigcImageTask-" in line and ":" in line]
    assert any(re.search(r": (WAITING|PROCESSING) ", line) for line in lines), run.stderr
    assert re.search(r": FINISH 100% \(\d+\.\d+s\)", run.stderr), run.stderr


def test_ctrl_c_while_waiting_prints_the_task_id(never_mock: MockServer) -> None:
    child = _spawn(never_mock.base_url, *IMAGE, "--wait")
    child.expect(r"created image task (\S+)")
    task_id = child.match.group(1)
    child.expect("WAITING|PROCESSING")
    child.kill(signal.SIGINT)
    child.expect(f"Resume with: chainhub-aigc wait {re.escape(task_id)}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
