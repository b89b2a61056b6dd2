"""SIGTERM and SIGHUP during a CLI download: the command ends like Ctrl-C (exit 128 + the
signal's number), leaves no part file, and prints the command that resumes the work."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import CLI, cli_env, interruptible
from tests.cli.gateway import Gateway, Reply, serve, task
from tests.data import IMAGE_ARGS, TASK_ID


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    yield from serve()


def _wait_for_part_file(process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + 30
    while not list(directory.glob("*.part")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the download never started"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"]
)
def test_signal_during_download_leaves_no_part_file(
    gateway: Gateway, tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    """The file is a megabyte dripped a byte every 50 ms: the signal lands mid-transfer."""
    gateway.query = lambda n: task("FINISH", files=[{"FileUrl": gateway.file_url("big.png")}])
    gateway.files["big.png"] = Reply(drip=0.05, length=1_000_000)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [CLI, *IMAGE_ARGS, "--out", str(out)], env=cli_env(gateway.base_url),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        preexec_fn=interruptible,
    )  # fmt: skip
    _wait_for_part_file(process, out)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=15)
    text = stderr.decode()
    assert process.returncode == code, text
    assert list(out.iterdir()) == []  # no part file, no file
    assert f"Resume with: chainhub-aigc download {TASK_ID} --out {out}" in text
    assert "Traceback" not in text
