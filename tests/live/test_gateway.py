"""Against the real gateway (opt-in; see conftest.py). The first test costs nothing; the
generation test runs only with CHAINHUB_LIVE_GENERATE=1, since it is billed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainhub_aigc import Client
from chainhub_aigc.errors import NotFoundError, TencentAPIError

pytestmark = pytest.mark.live


def test_unknown_task_is_a_typed_error_not_a_crash() -> None:
    with Client() as client, pytest.raises((NotFoundError, TencentAPIError)) as caught:
        client.tasks.get("1-AigcImageTask-00000000000000000000000000000000t")
    assert caught.value.request_id or caught.value.status_code


@pytest.mark.skipif(os.environ.get("CHAINHUB_LIVE_GENERATE") != "1", reason="billed: opt in")
def test_generate_and_download_an_image(tmp_path: Path) -> None:
    with Client() as client:
        result = client.images.generate(
            model_name="GEM", model_version="2.5", prompt="a small red circle", timeout=900
        )
        paths = result.download(tmp_path)
    assert paths and all(p.stat().st_size > 0 for p in paths)
