"""Fixtures of the tests that run the spec through the tools users already use.

The npm tools (scripts/npm_tools.py: pinned, installed on first use into `.tools/npm/`) can
take a minute or two to install on a fresh machine. So that the suite does not wait for them,
the first worker starts the install in the background as soon as collection is done (when any
of these tests is selected); the fixtures then wait for the install (a file lock) only if it
has not finished by the time they run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import npm_tools
from tests.data import ROOT

_HERE = Path(__file__).resolve().parent


def pytest_collection_finish(session: pytest.Session) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        return  # one starter is enough (the lock would make the others wait anyway)
    missing = [name for name in npm_tools.TOOLS if not npm_tools.installed(name)]
    if not missing or not any(_HERE in Path(item.path).parents for item in session.items):
        return
    # Detached and bounded (npm_tools' own timeout): it ends by itself when the install does.
    subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "npm_tools.py"), *missing],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _tool(name: str) -> Path:
    try:
        return npm_tools.ensure(name)
    except npm_tools.NpmToolError as exc:
        pytest.fail(f"{name} cannot be installed: {exc}")


@pytest.fixture(scope="session")
def prism() -> Path:
    return _tool("prism")


@pytest.fixture(scope="session")
def spectral() -> Path:
    return _tool("spectral")


@pytest.fixture(scope="session")
def redocly() -> Path:
    return _tool("redocly")
