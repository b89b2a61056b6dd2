"""The official Overlay conformance data: compliant sets and schema tests (see data/README.md)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from scripts.overlay import OverlayError, apply_overlay, dump_yaml, load_overlay, load_yaml

DATA = Path(__file__).parent / "data"
COMPLIANT = sorted(p for p in (DATA / "compliant-sets").iterdir() if p.is_dir())
SCHEMA_TESTS = DATA / "schema-tests"


def plain(data: Any) -> Any:
    """ruamel round-trip types as plain Python data (comments and styles dropped)."""
    if isinstance(data, Mapping):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    for kind in (bool, str, int, float):
        if isinstance(data, kind):
            return kind(data)
    return data


def schema_cases(outcome: str) -> list[Any]:
    files = sorted(SCHEMA_TESTS.glob(f"v1.*/{outcome}/*.yaml"))
    return [pytest.param(f, id=str(f.relative_to(SCHEMA_TESTS))) for f in files]


def test_data_is_present() -> None:
    assert len(COMPLIANT) == 8
    assert len(schema_cases("pass")) >= 20
    assert len(schema_cases("fail")) >= 40


@pytest.mark.parametrize("folder", COMPLIANT, ids=[p.name for p in COMPLIANT])
def test_compliant_set(folder: Path) -> None:
    document = load_yaml(folder / "openapi.yaml")
    overlay = load_overlay(folder / "overlay.yaml")
    result, reports = apply_overlay(document, overlay, name="overlay.yaml")
    assert len(reports) == len(overlay["actions"])
    assert all(r.nodes > 0 for r in reports)
    expected = plain(load_yaml(folder / "output.yaml"))
    assert plain(result) == expected
    # ...and the same after a dump and a reload.
    assert plain(load_yaml(dump_yaml(result))) == expected


@pytest.mark.parametrize("path", schema_cases("pass"))
def test_schema_pass(path: Path) -> None:
    overlay = load_overlay(path)
    assert overlay["actions"]


@pytest.mark.parametrize("path", schema_cases("fail"))
def test_schema_fail(path: Path) -> None:
    with pytest.raises(OverlayError) as info:
        load_overlay(path)
    assert info.value.index is None
    assert info.value.overlay == str(path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(f"{path}: ")
