"""Fixtures of the hostile-gateway tests: `hostile`, a started HostileServer (server.py) on
127.0.0.1, one per test, stopped (every connection closed) after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hostile.server import HostileServer

KEY = "sk-live/HOSTILE+key-0123456789"
"""The key the hostile tests send: with `/` and `+`, so that its JSON-escaped forms differ."""


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server
