"""The build: bundling, every overlay applied, a stale overlay failing loudly, and the command
lines of build_spec.py and overlay.py as a new user meets them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build_spec import BuildError, build, bundle
from scripts.overlay import OverlayError, load_yaml
from tests.data import BUILT_SPEC, OVERLAYS_DIR, ROOT, VENDOR_DIR


def test_build_reproduces_the_committed_spec() -> None:
    text, reports = build(report=False)
    assert text == BUILT_SPEC.read_text(encoding="utf-8")
    assert reports and all(r.nodes > 0 for r in reports)


def test_every_overlay_action_cites_a_defect_or_a_fact() -> None:
    overlays = sorted(OVERLAYS_DIR.glob("*.yaml"))
    assert overlays, f"no overlay in {OVERLAYS_DIR}"
    for path in overlays:
        overlay = load_yaml(path)
        assert overlay["overlay"].startswith("1.1."), path.name
        for index, action in enumerate(overlay["actions"]):
            description = action.get("description", "")
            assert "Defect" in description or "Fact" in description, f"{path.name} actions[{index}]"


def test_bundle_rejects_clashing_paths() -> None:
    doc = load_yaml(VENDOR_DIR / "aigc-image.yaml")
    with pytest.raises(BuildError, match="already defined"):
        bundle([("a.yaml", doc), ("b.yaml", doc)])


def _vendor_copy(tmp_path: Path) -> Path:
    vendor = tmp_path / "vendor"
    shutil.copytree(VENDOR_DIR, vendor)
    return vendor


def test_a_stale_overlay_fails_the_build_naming_overlay_and_action(tmp_path: Path) -> None:
    """The vendor renames the image path: 11-operations.yaml no longer matches anything."""
    vendor = _vendor_copy(tmp_path)
    image = vendor / "aigc-image.yaml"
    image.write_text(
        image.read_text().replace("/tencent-vod/v1/aigc-image:", "/tencent-vod/v2/aigc-image:")
    )
    with pytest.raises(OverlayError) as caught:
        build(vendor, OVERLAYS_DIR, report=False)
    message = str(caught.value)
    assert "11-operations.yaml" in message and "actions[0]" in message
    assert "/tencent-vod/v1/aigc-image" in message


def test_a_removed_field_makes_its_overlay_stale(tmp_path: Path) -> None:
    """The vendor drops tasks_priority from both documents: the type fix has nothing to fix."""
    vendor = _vendor_copy(tmp_path)
    for doc in vendor.glob("*.yaml"):
        text = doc.read_text()
        start = text.index("                tasks_priority:")
        end = text.index("                ext_info:")
        doc.write_text(text[:start] + text[end:])
    with pytest.raises(OverlayError, match=r"30-number-types\.yaml.*actions\[0\]"):
        build(vendor, OVERLAYS_DIR, report=False)


def test_build_spec_cli_fails_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    vendor = _vendor_copy(tmp_path)
    image = vendor / "aigc-image.yaml"
    image.write_text(image.read_text().replace("aigc-image:", "aigc-picture:"))
    out = tmp_path / "out.yaml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_spec.py"), "-o", str(out),
         "--vendor-dir", str(vendor)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "overlays/11-operations.yaml" in result.stderr
    assert not out.exists()


def test_build_spec_cli_prints_nodes_touched_per_action(tmp_path: Path) -> None:
    out = tmp_path / "spec.yaml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_spec.py"), "-o", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if " actions[" in line]
    actions = sum(len(load_yaml(p)["actions"]) for p in OVERLAYS_DIR.glob("*.yaml"))
    assert len(lines) == actions
    assert "overlays/32-value-sets.yaml: actions[1] update 7 nodes: Defect 10" in result.stdout
    assert out.read_text() == BUILT_SPEC.read_text()


def test_overlay_cli_on_a_broken_overlay_exits_1_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\n"
        "actions:\n  - target: $.paths['/nope'].post\n    update: {summary: x}\n"
    )
    out = tmp_path / "out.yaml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "overlay.py"), str(VENDOR_DIR / "aigc-image.yaml"),
         str(broken), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "broken.yaml" in result.stderr and "actions[0]" in result.stderr
    assert not out.exists()
