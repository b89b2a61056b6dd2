"""Fixtures of the command-line tests: mock servers on loopback, and a runner of the real
`chainhub-aigc` entry point in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chainhub_aigc.mock import MockConfig, MockServer
from tests.cli.gateway import Gateway, serve

TOKEN = "cli-test-token"
CLI = str(Path(sys.executable).parent / "chainhub-aigc")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def interruptible() -> None:
    """A child's ``preexec_fn``: SIGINT, SIGTERM and SIGHUP at their defaults and unblocked,
    as a shell's foreground process has them. A child inherits its parent's signal mask and
    ignored signals. The Ctrl-C tests failed in the runs started as `make test &` (or
    `pytest ... &`) by a non-interactive shell: such a shell starts a background command with
    SIGINT ignored, pytest, its workers and the CLI inherit that, CPython then installs no
    KeyboardInterrupt handler, and the CLI (rightly) keeps ignoring Ctrl-C. Reproduced with
    `sh -c 'pytest THOSE_TESTS & wait'`: both fail without this, pass with it."""
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


def cli_env(base_url: str, token: str | None = TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINHUB_")}
    env["CHAINHUB_BASE_URL"] = base_url
    if token is not None:
        env["CHAINHUB_API_KEY"] = token
    return env


def run_cli(base_url: str, *args: str, token: str | None = TOKEN, timeout: float = 60) -> Run:
    result = subprocess.run(
        [CLI, *args], env=cli_env(base_url, token), capture_output=True, text=True,
        timeout=timeout, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return Run(result.returncode, result.stdout, result.stderr)


def _server(**config: Any) -> Iterator[MockServer]:
    settings = {"tokens": frozenset({TOKEN}), "mode": "deterministic", "finish_after": 2, **config}
    with MockServer(MockConfig(**settings), host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    """Tasks finish after two queries: fast and deterministic."""
    yield from _server()


@pytest.fixture(scope="module")
def failing_mock() -> Iterator[MockServer]:
    """Every task finishes failed (ErrCode/ErrCodeExt set)."""
    yield from _server(fault_rate=1.0, faults=("task-fail",), seed=1)


@pytest.fixture(scope="module")
def slow_mock() -> Iterator[MockServer]:
    """Timed mode: a task takes two seconds, so progress is visible."""
    yield from _server(mode="timed", finish_after=2)


@pytest.fixture(scope="module")
def never_mock() -> Iterator[MockServer]:
    """Timed mode with an hour per task: for wait timeouts and Ctrl-C."""
    yield from _server(mode="timed", finish_after=3600)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """A scripted gateway (tests/cli/gateway.py): the test says what each route answers."""
    yield from serve()
