"""Fixtures of the spec tests: the vendor documents, their bundle (no overlays), the built spec."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.build_spec import bundle
from scripts.overlay import load_yaml
from tests.spec.specdata import BUILT_SPEC, VENDOR_DIR, plain


@pytest.fixture(scope="session")
def vendor_docs() -> dict[str, Any]:
    return {p.name: plain(load_yaml(p)) for p in sorted(VENDOR_DIR.glob("*.yaml"))}


@pytest.fixture(scope="session")
def vendor(vendor_docs: dict[str, Any]) -> Any:
    """The two vendor documents bundled, as the build sees them before any overlay."""
    return plain(bundle(list(vendor_docs.items())))


@pytest.fixture(scope="session")
def built() -> Any:
    return plain(load_yaml(BUILT_SPEC))
