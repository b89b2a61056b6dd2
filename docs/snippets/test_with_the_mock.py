"""Your code against the mock, in your own test suite.

Needs the mock: pip install 'chainhub-aigc[mock]'.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from chainhub_aigc import Client
from chainhub_aigc.errors import RateLimitError, TaskFailedError
from chainhub_aigc.mock import MockConfig, MockServer


def make_cover_image(client: Client, title: str, out: Path) -> Path:
    """The code under test: one image for a title, saved under `out`."""
    result = client.images.generate(
        model_name="GEM",
        model_version="3.0",
        prompt=f"a book cover for {title!r}",
    )
    return result.download(out)[0]


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    # finish_after=0: a task is done at its first query, so tests never wait.
    config = MockConfig(tokens=frozenset({"test-token"}), finish_after=0)
    with MockServer(config, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def client(mock: MockServer) -> Iterator[Client]:
    with Client(api_key="test-token", base_url=mock.base_url) as client:
        yield client


def test_cover_image_is_a_png(client: Client, tmp_path: Path) -> None:
    path = make_cover_image(client, "The Fox", tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_a_failed_task_is_reported(client: Client, tmp_path: Path) -> None:
    # X-Mock-Fault (a header only the mock reads) makes the task finish failed.
    failing = client.with_options(
        default_headers={
            "X-Mock-Fault": "task-fail;code=ContentModerationFailed"
        }
    )
    with pytest.raises(TaskFailedError) as failure:
        make_cover_image(failing, "The Fox", tmp_path)
    assert failure.value.task.err_code_ext == "ContentModerationFailed"


def test_rate_limit_without_retries(client: Client, tmp_path: Path) -> None:
    limited = client.with_options(
        max_retries=0,
        default_headers={"X-Mock-Fault": "rate-limit;retry-after=1"},
    )
    with pytest.raises(RateLimitError):
        make_cover_image(limited, "The Fox", tmp_path)
