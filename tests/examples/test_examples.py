"""Every example of examples/ runs against the mock, as its README says to run it.

The scripts run in this process (runpy, as `__main__`, with their command line in sys.argv)
with the environment a user sets (`chainhub_mock` sets CHAINHUB_BASE_URL/CHAINHUB_API_KEY):
a subprocess each would cost more than the examples do. The pytest example runs under
pytester, as a user's own test session with no conftest.
"""

from __future__ import annotations

import runpy
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

from chainhub_aigc.pytest_plugin import ChainhubMock
from tests.data import ROOT

pytest_plugins = ("pytester",)

EXAMPLES = ROOT / "examples"


def run_example(name: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    monkeypatch.setattr(sys, "argv", [name, *args])
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_every_example_is_covered_and_documented() -> None:
    scripts = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert scripts == ["errors_and_retries.py", "image_end_to_end.py", "videos_async_batch.py"]
    readme = (EXAMPLES / "README.md").read_text()
    for name in [*scripts, "testing/test_my_pipeline.py"]:
        assert name in readme, name


def test_image_end_to_end(
    chainhub_mock: ChainhubMock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_example("image_end_to_end.py", monkeypatch, "a red fox", str(tmp_path))
    (path,) = tmp_path.iterdir()
    assert path.suffix == ".png" and png_size(path) == (1280, 720)  # 16:9 at 720P
    out = capsys.readouterr().out
    assert "FINISH 100%" in out and f"saved {path}" in out and "1280x720" in out
    assert [task["TaskType"] for task in chainhub_mock.tasks()] == ["AigcImageTask"]


def test_videos_async_batch(
    chainhub_mock: ChainhubMock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chainhub_mock.fail_next_task("ModelGenerateFailed")  # one video of the batch fails
    run_example("videos_async_batch.py", monkeypatch, str(tmp_path), "2")
    files = sorted(tmp_path.iterdir())
    assert len(files) == 3 and all(path.suffix == ".mp4" for path in files)
    out = capsys.readouterr().out
    assert out.count("done   ") == 3 and out.count("FAILED ") == 1
    assert "ModelGenerateFailed" in out
    tasks = chainhub_mock.tasks()
    assert len(tasks) == 4 and sum(task["Failed"] for task in tasks) == 1


def test_errors_and_retries(
    chainhub_mock: ChainhubMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_example("errors_and_retries.py", monkeypatch)
    out = capsys.readouterr().out
    assert "validation: tasks_priority:" in out
    assert "rate limit: HTTP 429 RequestLimitExceeded after 2 attempts" in out
    assert "unavailable: HTTP 503" in out
    assert "task failed:" in out and "ContentModerationFailed" in out
    # One task, the failed one: the rate-limited creates never reached the handler.
    assert [task["ErrCodeExt"] for task in chainhub_mock.tasks()] == ["ContentModerationFailed"]


def test_the_pytest_example(pytester: pytest.Pytester) -> None:
    for path in (EXAMPLES / "testing").glob("*.py"):
        shutil.copy(path, pytester.path / path.name)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=4)
