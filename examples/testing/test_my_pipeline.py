"""Testing your own function against the mock, with the `chainhub_mock` fixture.

    pip install 'chainhub-aigc[mock]' pytest       # the fixture comes with the [mock] extra
    pytest examples/testing

No conftest: the plugin is registered by entry point. `chainhub_mock` points
CHAINHUB_BASE_URL/CHAINHUB_API_KEY at a mock running on 127.0.0.1 for each test, so
`product_image`, which builds its own `Client()`, talks to it unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chainhub_aigc.pytest_plugin import ChainhubMock

sys.path.insert(0, str(Path(__file__).parent))  # my_pipeline.py beside this file

from my_pipeline import product_image


def test_a_banner_is_16_9(chainhub_mock: ChainhubMock, tmp_path: Path) -> None:
    outcome = product_image("a teapot", tmp_path)
    assert outcome.path is not None and outcome.path.parent == tmp_path
    assert outcome.width * 9 == outcome.height * 16  # the mock serves the ratio asked for
    (task,) = chainhub_mock.tasks()  # exactly one task was created
    assert task["TaskType"] == "AigcImageTask"


def test_a_refused_prompt_is_reported(chainhub_mock: ChainhubMock, tmp_path: Path) -> None:
    chainhub_mock.fail_next_task("ContentModerationFailed")
    outcome = product_image("a teapot", tmp_path)
    assert outcome.path is None and outcome.problem == "refused: ContentModerationFailed"
    assert list(tmp_path.iterdir()) == []


def test_a_rate_limit_is_retried_without_a_second_task(
    chainhub_mock: ChainhubMock, tmp_path: Path
) -> None:
    chainhub_mock.rate_limit(retry_after=0)  # the create's first attempt gets a 429
    outcome = product_image("a teapot", tmp_path)
    assert outcome.path is not None
    assert len(chainhub_mock.tasks()) == 1


def test_an_outage_is_reported(chainhub_mock: ChainhubMock, tmp_path: Path) -> None:
    chainhub_mock.unavailable(times=3)  # the create and its two retries
    outcome = product_image("a teapot", tmp_path)
    assert outcome.path is None and outcome.problem.startswith("unavailable: ")
    assert chainhub_mock.tasks() == []
