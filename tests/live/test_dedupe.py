"""Does the gateway deduplicate `session_id`? The SDK's promise that a retried create never
bills twice rests on it (README, "Reliability and security"): the second create with the same
session_id must be rejected with InvalidParameterValue.SessionId, not create a second task.
Opt-in like every live test (see conftest.py), and billed (the first create makes a task):
CHAINHUB_LIVE_GENERATE=1."""

from __future__ import annotations

import os

import pytest

from chainhub_aigc import Client
from chainhub_aigc._core import DUPLICATE_SESSION_CODE, new_session_id
from chainhub_aigc.errors import TencentAPIError

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("CHAINHUB_LIVE_GENERATE") != "1", reason="billed: opt in"),
]


def test_the_gateway_rejects_a_second_create_with_the_same_session_id() -> None:
    session_id = new_session_id()
    with Client(max_retries=0) as client:  # no retry: each create is sent exactly once
        first = client.images.create(
            model_name="GEM", model_version="2.5", prompt="a red fox", session_id=session_id
        )
        assert first.task_id and first.session_id == session_id
        with pytest.raises(TencentAPIError) as caught:
            second = client.images.create(
                model_name="GEM", model_version="2.5", prompt="a red fox", session_id=session_id
            )
            pytest.fail(f"a second task was created ({second.task_id}): no dedupe, billed twice")
        assert caught.value.code == DUPLICATE_SESSION_CODE
        assert client.tasks.get(first.task_id).session_id == session_id
