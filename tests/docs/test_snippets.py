"""Every code sample of the docs runs: the guides include them from docs/snippets/
(pymdownx.snippets), and here each script runs as a user would run it, against the mock.

The scripts read CHAINHUB_API_KEY and CHAINHUB_BASE_URL like user code; the mock finishes a
task at its first query (finish_after=0), so no sample waits. The sample test module
(test_with_the_mock.py, a user's pytest file) runs through tests/docs/test_snippet_tests.py.
"""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainhub_aigc.mock import MockConfig, MockServer
from tests.data import MOCK_TOKEN, ROOT

DOCS = ROOT / "docs"
SNIPPETS = DOCS / "snippets"
SCRIPTS = sorted(path for path in SNIPPETS.glob("*.py") if not path.name.startswith("test_"))
INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+)"', re.M)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    config = MockConfig(tokens=frozenset({MOCK_TOKEN}), finish_after=0)
    with MockServer(config, host="127.0.0.1", port=0) as server:
        yield server.base_url


def test_there_are_samples() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_sample_runs_against_the_mock(
    script: Path,
    mock_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CHAINHUB_API_KEY", MOCK_TOKEN)
    monkeypatch.setenv("CHAINHUB_BASE_URL", mock_url)
    monkeypatch.chdir(tmp_path)  # the samples download into relative folders
    runpy.run_path(str(script), run_name="__main__")
    printed = capsys.readouterr().out
    assert printed.strip(), "a sample shows its result"
    # A sample that downloads wrote real files where it said.
    for path in re.findall(r"PosixPath\('([^']+)'\)", printed):
        assert (tmp_path / path).stat().st_size > 0, path


def test_every_sample_is_shown_in_a_page_and_every_include_exists() -> None:
    included = {
        name for page in DOCS.rglob("*.md") for name in INCLUDE.findall(page.read_text("utf-8"))
    }
    samples = {path.name for path in SNIPPETS.glob("*.py")}
    assert samples - included == set(), "samples no page shows"
    assert included - samples == set(), "pages include missing samples"
