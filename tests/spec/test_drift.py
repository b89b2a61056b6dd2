"""The drift check (`make check`): passes on the committed tree, fails with a diff after a
deliberate edit of a generated file (in a temporary copy of the repository)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scripts.check_drift import check
from tests.data import ROOT

COPIED = ("openapi", "overlays", "scripts", "generated", "pyproject.toml")


def test_committed_spec_and_client_match_a_fresh_rebuild() -> None:
    diff = check(ROOT)
    assert diff == [], "".join(diff[:80])


def _copy_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".ruff_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    return repo


def _run_check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "check_drift.py")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_drift_check_fails_after_editing_a_generated_file(tmp_path: Path) -> None:
    repo = _copy_repo(tmp_path)
    model = repo / "generated" / "chainhub_aigc_client" / "models" / "tencent_error.py"
    model.write_text(model.read_text() + "\n# a hand edit\n")
    result = _run_check(repo)
    assert result.returncode == 1
    assert "committed/generated/chainhub_aigc_client/models/tencent_error.py" in result.stdout
    assert "-# a hand edit" in result.stdout


def test_drift_check_fails_after_changing_an_overlay_without_regenerating(tmp_path: Path) -> None:
    repo = _copy_repo(tmp_path)
    overlay = repo / "overlays" / "31-limits.yaml"
    overlay.write_text(overlay.read_text().replace("maxLength: 50", "maxLength: 49"))
    result = _run_check(repo)
    assert result.returncode == 1
    assert "+          maxLength: 49" in result.stdout
