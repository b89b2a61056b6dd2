"""scripts/update_vendor.py without a full run: which vendor file a document replaces, and the
report lines (the drills in test_drills.py run the whole command)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.build_spec import ActionTrace
from scripts.import_vendor import read_sources
from scripts.overlay import ActionReport
from scripts.update_vendor import UpdateError, problem_lines, stage
from tests.spec.specdata import VENDOR_DIR

IMAGE = (VENDOR_DIR / "aigc-image.yaml").read_text(encoding="utf-8")


def _doc(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_document_with_a_known_path_replaces_that_file(tmp_path: Path) -> None:
    changed = IMAGE.replace("summary: Create task", "summary: Create an image task", 1)
    assert changed != IMAGE
    (item,) = stage([_doc(tmp_path, "page.yaml", changed)], VENDOR_DIR, tmp_path / "staged")
    assert (item.file, item.replaced) == ("aigc-image.yaml", True)
    assert (tmp_path / "staged" / "aigc-image.yaml").read_text(encoding="utf-8") == changed
    assert read_sources(tmp_path / "staged" / "SOURCES")["aigc-image.yaml"].document == "page.yaml"
    assert sorted(p.name for p in (tmp_path / "staged").iterdir()) == sorted(
        p.name for p in VENDOR_DIR.iterdir()
    )


def test_a_renamed_path_replaces_the_file_published_at_the_same_origin(tmp_path: Path) -> None:
    renamed = IMAGE.replace("/tencent-vod/v1/aigc-image:", "/tencent-vod/v1/image-tasks:", 1)
    (item,) = stage([_doc(tmp_path, "page.yaml", renamed)], VENDOR_DIR, tmp_path / "staged")
    assert (item.file, item.replaced) == ("aigc-image.yaml", True)
    assert not (tmp_path / "staged" / "image-tasks.yaml").exists()


def test_a_document_with_a_new_path_and_origin_is_a_new_file(tmp_path: Path) -> None:
    new = IMAGE.replace("/tencent-vod/v1/aigc-image:", "/tencent-vod/v1/aigc-audio:", 1)
    new = new.replace("api-398427541-run", "api-1-run")
    (item,) = stage([_doc(tmp_path, "page.yaml", new)], VENDOR_DIR, tmp_path / "staged")
    assert (item.file, item.replaced) == ("aigc-audio.yaml", False)
    assert "aigc-audio.yaml" in read_sources(tmp_path / "staged" / "SOURCES")


def test_a_document_without_openapi_yaml_is_one_line_naming_it(tmp_path: Path) -> None:
    page = _doc(tmp_path, "notes.md", "# notes\n\nnothing here\n")
    with pytest.raises(UpdateError) as caught:
        stage([page], VENDOR_DIR, tmp_path / "staged")
    (line,) = caught.value.lines
    assert line.startswith(f"{page}: ") and "yaml" in line


def test_problem_lines_name_overlay_action_target_and_what_to_do() -> None:
    def traced(index: int, target: str, **kind: object) -> ActionTrace:
        report = ActionReport("overlays/30-x.yaml", index, "update", target, 0, "")
        return ActionTrace(report, **kind)  # type: ignore[arg-type]

    traces = [
        traced(0, "$.a", stale=True, changed=False),
        traced(1, "$.b", stale=False, changed=True),
        traced(2, "$.c", stale=True, changed=False, stale_copy="$.src"),
        traced(3, "$.d", stale=False, changed=False, error="overlays/30-x.yaml: actions[3]: boom"),
    ]
    assert problem_lines(traces) == [
        "overlays/30-x.yaml: actions[0] (target $.a): selects nothing in the new vendor "
        "documents: update the target or remove the action",
        "overlays/30-x.yaml: actions[2] (copy $.src): the copy source selects nothing in the "
        "new vendor documents: update the copy path or remove the action",
        "overlays/30-x.yaml: actions[3]: boom: fix the overlay action",
    ]


def test_staging_leaves_the_vendor_directory_alone(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    shutil.copytree(VENDOR_DIR, vendor)
    before = {p.name: p.read_bytes() for p in vendor.iterdir()}
    changed = IMAGE.replace("summary: Create task", "summary: Changed", 1)
    stage([_doc(tmp_path, "page.yaml", changed)], vendor, tmp_path / "staged")
    assert {p.name: p.read_bytes() for p in vendor.iterdir()} == before
