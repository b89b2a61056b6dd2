"""The drift check (`make check`): passes on the committed tree, fails with a diff after a
deliberate edit of a generated file and after an overlay change without regenerating (in a
temporary copy of the repository)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.check_drift import check
from tests.data import ROOT
from tests.vendor.drillkit import locked, session_dir

COPIED = ("openapi", "overlays", "scripts", "generated", "pyproject.toml")
HAND_EDITED = Path("generated/chainhub_aigc_client/models/tencent_error.py")
OVERLAY = Path("overlays/31-limits.yaml")


def test_committed_spec_and_client_match_a_fresh_rebuild() -> None:
    diff = check(ROOT)
    assert diff == [], "".join(diff[:80])


def _copy_repo(target: Path) -> Path:
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".ruff_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


@dataclass(frozen=True)
class CheckRun:
    returncode: int
    stdout: str


@pytest.fixture
def check_after_edits(tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    """`check_drift.py` run once per session (whichever xdist worker asks first, under a file
    lock) on a copy with two independent edits: a hand edit of a generated file, and an overlay
    change without regenerating. Each rebuild costs seconds; the diff names every changed file,
    so each test below still fails on its own if the check misses its edit."""
    home = session_dir(tmp_path_factory) / "drift-edited"
    with locked(home.with_suffix(".lock")):
        record = home / "check.json"
        if not record.exists():
            shutil.rmtree(home, ignore_errors=True)
            repo = _copy_repo(home / "repo")
            model = repo / HAND_EDITED
            model.write_text(model.read_text() + "\n# a hand edit\n")
            overlay = repo / OVERLAY
            text = overlay.read_text()
            assert "maxLength: 50" in text
            overlay.write_text(text.replace("maxLength: 50", "maxLength: 49"))
            result = subprocess.run(
                [sys.executable, str(repo / "scripts" / "check_drift.py")],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            record.write_text(
                json.dumps({"returncode": result.returncode, "stdout": result.stdout})
            )
        return CheckRun(**json.loads(record.read_text()))


def test_drift_check_fails_after_editing_a_generated_file(check_after_edits: CheckRun) -> None:
    assert check_after_edits.returncode == 1
    assert f"committed/{HAND_EDITED}" in check_after_edits.stdout
    assert "-# a hand edit" in check_after_edits.stdout


def test_drift_check_fails_after_changing_an_overlay_without_regenerating(
    check_after_edits: CheckRun,
) -> None:
    assert check_after_edits.returncode == 1
    assert "+          maxLength: 49" in check_after_edits.stdout
