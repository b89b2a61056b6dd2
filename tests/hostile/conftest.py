"""Fixtures and helpers of the hostile-gateway tests.

- `hostile`: a started HostileServer (server.py) on 127.0.0.1, one per test, stopped (every
  connection closed) after the test;
- `KEY` and `key_forms`/`assert_no_key`: the key the tests send, and every form in which a
  server may echo it (plain, `\\/`-escaped, `\\uXXXX`-escaped in either case);
- `sdk_client`: a Client on the server, with that key and no retries unless asked;
- `run_measured`: runs SDK code in a fresh interpreter and reports its peak RSS growth (VmHWM,
  reset just before the call), the seconds the call took and the error it raised.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chainhub_aigc import Client
from tests.data import ROOT
from tests.hostile.server import HostileServer, json_escaped_slashes, json_escaped_unicode

KEY = "sk-live/HOSTILE+key-0123456789"
"""The key the hostile tests send: with `/` and `+`, so that its JSON-escaped forms differ."""


def key_forms(key: str = KEY) -> list[str]:
    """The key as a server may echo it: plain, and JSON-escaped (`\\/`, `\\uXXXX` lower and
    upper case)."""
    unicode = json_escaped_unicode(key)
    return [key, json_escaped_slashes(key), unicode, unicode.upper().replace("\\U", "\\u")]


def assert_no_key(text: str | bytes, what: str = "text") -> None:
    data = text if isinstance(text, str) else text.decode("latin-1")
    for form in key_forms():
        assert form not in data, f"the key ({form!r}) leaked into {what}"


def sdk_client(server: HostileServer, **kwargs: Any) -> Client:
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("max_retries", 0)
    return Client(base_url=server.url, **kwargs)


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@dataclass
class Measured:
    error: str | None
    """The qualified names of the error's classes (`type(e).__mro__`), or None."""
    growth_mb: float
    """Peak resident memory during the call minus resident memory before it."""
    elapsed: float


_MEASURE = """
import json, sys, time
from chainhub_aigc import AsyncClient, Client

def _kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)

URL, KEY = sys.argv[1], sys.argv[2]
{setup}
CALLS = {calls}
for call in CALLS:
    with open("/proc/self/clear_refs", "w") as refs:  # resets VmHWM to the current RSS
        refs.write("5")
    before = _kb("VmRSS")
    start = time.monotonic()
    error = None
    try:
        exec(call)
    except BaseException as exc:
        error = [cls.__name__ for cls in type(exc).__mro__]
    elapsed = time.monotonic() - start
    print(json.dumps({{"error": error, "growth_kb": _kb("VmHWM") - before, "elapsed": elapsed}}))
"""


def run_measured(
    server: HostileServer, calls: list[str], setup: str = "", timeout: float = 60
) -> list[Measured]:
    """Run each of `calls` (a statement; `client`, `URL` and `KEY` are defined by `setup`, by
    default `client = Client(api_key=KEY, base_url=URL, max_retries=0)`) in one subprocess
    (the SDK's import is paid once), measuring each on its own."""
    setup = setup or "client = Client(api_key=KEY, base_url=URL, max_retries=0)"
    code = _MEASURE.format(setup=setup, calls=repr(calls))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINHUB_")}
    result = subprocess.run(
        [sys.executable, "-c", code, server.url, KEY], capture_output=True, text=True,
        timeout=timeout, check=False, cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    measured = []
    for line in result.stdout.strip().splitlines():
        data = json.loads(line)
        errors = data["error"]
        measured.append(
            Measured(
                error=None if errors is None else ",".join(errors),
                growth_mb=data["growth_kb"] / 1024,
                elapsed=data["elapsed"],
            )
        )
    assert len(measured) == len(calls)
    return measured
