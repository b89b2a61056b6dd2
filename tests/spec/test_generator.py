"""The generator pin: the custom client template differs from the pinned upstream template only
by our three changes, so a generator upgrade cannot silently drop them."""

from __future__ import annotations

import difflib
import importlib.metadata
from pathlib import Path

import openapi_python_client

from scripts.generate import GENERATOR_VERSION
from tests.data import ROOT

UPSTREAM = Path(openapi_python_client.__file__).parent / "templates" / "client.py.jinja"
OURS = ROOT / "openapi" / "templates" / "client.py.jinja"


def test_generator_version_is_the_pinned_one() -> None:
    assert importlib.metadata.version("openapi-python-client") == GENERATOR_VERSION
    assert f'"openapi-python-client=={GENERATOR_VERSION}"' in (ROOT / "pyproject.toml").read_text()


def test_custom_template_differs_from_upstream_only_by_our_changes() -> None:
    ours = OURS.read_text().split("#}\n", 1)[1]  # drop our explanatory header comment
    changed = [
        line
        for line in difflib.unified_diff(
            UPSTREAM.read_text().splitlines(), ours.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    added = [line[1:].strip() for line in changed if line.startswith("+")]
    removed = [line[1:].strip() for line in changed if line.startswith("-")]
    assert len(removed) == 3, removed
    assert any("field(repr=False)" in line and '"token"' in line for line in added)
    assert any('alias="headers", repr=False' in line for line in added)
    assert any("httpx.Timeout(60.0, connect=10.0)" in line for line in added)
