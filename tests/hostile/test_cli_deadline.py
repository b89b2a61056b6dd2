"""`wait --timeout T` and `image --wait --timeout T` end within T + 2 s of the wait's first
query whatever the server does (never answers, drips its body, asks to come back in an
hour), exit 4, and name the real task id in the resume hint; Ctrl-C during a hung query too."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.cli.conftest import CLI, cli_env, interruptible
from tests.cli.gateway import HANG, Gateway, Reply, run_raw, serve
from tests.data import IMAGE_ARGS, TASK_ID

TIMEOUT = 1.0
BOUND = TIMEOUT + 2.0

SERVERS = {
    "hangs": HANG,
    "drips": Reply(drip=1.0, length=10_000),
    "retry-after-an-hour": Reply(status=503, body={}, headers=(("Retry-After", "3600"),)),
}


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    yield from serve()


@pytest.mark.parametrize("reply", SERVERS.values(), ids=SERVERS.keys())
def test_wait_timeout_holds_whatever_the_server_does(gateway: Gateway, reply: Reply) -> None:
    gateway.query = lambda n: reply
    run = run_raw(gateway.base_url, "wait", TASK_ID, "--timeout", str(TIMEOUT))
    stderr = run.stderr.decode()
    assert run.code == 4, stderr
    assert run.ended - gateway.first("GET") < BOUND
    assert f"resume with chainhub-aigc wait {TASK_ID}" in stderr
    assert "TASK_ID" not in stderr


def test_image_wait_timeout_holds_and_names_the_created_task(gateway: Gateway) -> None:
    gateway.query = lambda n: HANG
    run = run_raw(gateway.base_url, *IMAGE_ARGS, "--wait", "--timeout", str(TIMEOUT), "--json")
    assert run.code == 4, run.stderr
    assert run.ended - gateway.first("GET") < BOUND
    assert f"resume with chainhub-aigc wait {TASK_ID}" in run.stderr.decode()


def test_ctrl_c_during_a_hung_query_names_the_task(gateway: Gateway) -> None:
    gateway.query = lambda n: HANG
    process = subprocess.Popen(
        [CLI, *IMAGE_ARGS, "--wait"], env=cli_env(gateway.base_url),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        preexec_fn=interruptible,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while gateway.count("GET") == 0:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=15)
    assert process.returncode == 130, stderr
    assert f"Resume with: chainhub-aigc wait {TASK_ID}" in stderr.decode()
