"""`--rate-limits CREATES,QUERIES`: the vendor's frequency limits, per bearer token.

Each test drives the buckets with an injected clock (`state.limiter.clock`), so refills are
exact and nothing sleeps.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from chainhub_aigc.mock import MockConfig
from chainhub_aigc.mock.limits import RateLimiter, TokenBucket
from tests.data import IMAGE, IMAGE_PATH, MOCK_TOKEN, QUERY_PATH, VIDEO, VIDEO_PATH
from tests.mock.conftest import InProcess, MakeClient


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited(
    make_client: MakeClient, creates: float, queries: float, **config: Any
) -> tuple[InProcess, FakeClock]:
    """A mock with these limits, its buckets on a clock the test moves."""
    client = make_client(MockConfig(rate_limits=(creates, queries), **config))
    clock = FakeClock()
    limiter = client.mock.state.limiter
    assert limiter is not None
    limiter.clock = clock
    return client, clock


async def post(
    client: InProcess, body: dict[str, object] | None = None, token: str = MOCK_TOKEN
) -> httpx.Response:
    return await client.http.post(
        IMAGE_PATH, json=body or IMAGE, headers={"Authorization": f"Bearer {token}"}
    )


async def listing(client: InProcess, token: str = MOCK_TOKEN) -> dict[str, object]:
    response = await client.http.get("/_mock/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_a_burst_of_n_then_429_with_the_envelope_and_retry_after(
    make_client: MakeClient,
) -> None:
    # The envelope is the one of the rate-limit fault (the same function answers both), which
    # tests/contract/test_response_conformance.py checks against the spec's 429 answer.
    client, _ = limited(make_client, 5, 50)
    statuses = [(await post(client)).status_code for _ in range(5)]
    assert statuses == [200] * 5
    refused = await post(client)
    assert refused.status_code == 429
    error = refused.json()["Response"]["Error"]
    assert error["Code"] == "RequestLimitExceeded" and "create" in error["Message"]
    assert refused.json()["Response"]["RequestId"]
    assert refused.headers["retry-after"] == "1"  # 0.2 s to the next token, rounded up
    assert refused.headers["content-type"] == "application/json"
    assert set(refused.json()) == {"Response"} and set(refused.json()["Response"]) == {
        "Error",
        "RequestId",
    }


async def test_retry_after_is_the_wait_for_the_next_token_in_whole_seconds(
    make_client: MakeClient,
) -> None:
    client, clock = limited(make_client, 0.25, 50)  # one token every 4 s, burst 1
    assert (await post(client)).status_code == 200
    assert (await post(client)).headers["retry-after"] == "4"
    clock.now += 2.5
    assert (await post(client)).headers["retry-after"] == "2"  # 1.5 s left, rounded up
    clock.now += 1.5
    assert (await post(client)).status_code == 200


async def test_the_bucket_refills_at_the_rate_and_no_further_than_the_burst(
    make_client: MakeClient,
) -> None:
    client, clock = limited(make_client, 10, 50)
    assert [(await post(client)).status_code for _ in range(11)] == [200] * 10 + [429]
    clock.now += 0.1  # one token
    assert [(await post(client)).status_code for _ in range(2)] == [200, 429]
    clock.now += 0.35  # three and a half
    assert [(await post(client)).status_code for _ in range(4)] == [200] * 3 + [429]
    clock.now += 3600  # a long pause fills it up to the burst, no more
    assert [(await post(client)).status_code for _ in range(11)] == [200] * 10 + [429]


async def test_tokens_do_not_share_a_bucket(make_client: MakeClient) -> None:
    client, _ = limited(make_client, 2, 50, tokens=frozenset({"alice", "bob"}))
    assert [(await post(client, token="alice")).status_code for _ in range(3)] == [200, 200, 429]
    assert [(await post(client, token="bob")).status_code for _ in range(3)] == [200, 200, 429]
    # a wrong token is refused for its token (401) and spends nothing
    assert (await post(client, token="mallory")).status_code == 401
    assert (await listing(client, "bob"))["rate_limited"] == {"create": 2, "query": 0}


async def test_each_operation_spends_the_bucket_its_spec_names(make_client: MakeClient) -> None:
    client, _ = limited(make_client, 2, 3)
    task_id = await client.create()
    video = await client.http.post(VIDEO_PATH, json=VIDEO)
    assert video.status_code == 200  # the two creates share one bucket...
    assert (await post(client)).status_code == 429
    queries = [(await client.http.get(QUERY_PATH + task_id)).status_code for _ in range(4)]
    assert queries == [200, 200, 200, 429]  # ...and queries have their own
    assert (await listing(client))["rate_limited"] == {"create": 1, "query": 1}


async def test_a_refused_create_creates_nothing_and_claims_no_session_id(
    make_client: MakeClient,
) -> None:
    client, clock = limited(make_client, 1, 50)
    assert (await post(client)).status_code == 200
    body = {**IMAGE, "session_id": "job-7"}
    assert (await post(client, body)).status_code == 429
    assert len(client.mock.state.tasks) == 1
    assert "job-7" not in client.mock.state.session_creates
    clock.now += 1
    retried = await post(client, body)  # the retry is the first create of job-7
    assert retried.status_code == 200, retried.text
    assert client.mock.state.session_creates == {"job-7": 1}


async def test_refusals_are_counted_and_reset_refills_and_zeroes(make_client: MakeClient) -> None:
    client, _ = limited(make_client, 1, 1)
    task_id = await client.create()
    for _ in range(3):
        assert (await post(client)).status_code == 429
    for _ in range(2):
        await client.http.get(QUERY_PATH + task_id)
    assert (await listing(client))["rate_limited"] == {"create": 3, "query": 1}
    assert (await client.http.post("/_mock/reset")).status_code == 200
    assert (await listing(client))["rate_limited"] == {"create": 0, "query": 0}
    assert (await post(client)).status_code == 200  # full again, clock unchanged


async def test_mock_routes_and_file_downloads_are_not_limited(make_client: MakeClient) -> None:
    client, _ = limited(make_client, 1, 1, finish_after=0)
    task_id = await client.create()
    answer = await client.query(task_id)  # spends the only query token
    url = answer["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
    assert (await client.http.get(QUERY_PATH + task_id)).status_code == 429
    for _ in range(3):
        assert (await client.http.get(url)).status_code == 200
        assert (await client.http.get("/_mock/tasks")).status_code == 200
        assert (await client.http.get("/openapi.json")).status_code == 200


async def test_no_limits_by_default(client: InProcess) -> None:
    assert client.mock.state.limiter is None
    for _ in range(30):
        assert (await post(client)).status_code == 200
    assert (await listing(client))["rate_limited"] == {"create": 0, "query": 0}


def test_the_real_clock_refills_too() -> None:
    """The default clock (time.monotonic), at 50/s: a burst of at least 50, then a refusal,
    then a token back within a short real wait."""
    limiter = RateLimiter({"create": 50})
    admitted = 0
    for _ in range(1000):  # bounded; ends at the first refusal
        if limiter.admit(b"t", "create"):
            break
        admitted += 1
    assert 50 <= admitted < 1000
    time.sleep(0.05)  # 2.5 tokens at 50/s
    assert limiter.admit(b"t", "create") == 0


def test_the_bucket_alone() -> None:
    bucket = TokenBucket(rate=2, burst=2, now=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.5]
    assert bucket.take(0.25) == pytest.approx(0.25)  # half a token there, nothing taken
    assert bucket.take(0.5) == 0.0
    limiter = RateLimiter({"create": 0.5}, clock=lambda: 0.0)
    assert limiter.admit(b"t", "create") == 0  # a rate below 1/s still admits one
    assert limiter.admit(b"t", "create") == 2
    assert limiter.admit(b"t", "query") == 0  # no rate set for it: not limited


@pytest.mark.parametrize("limits", [(0.0, 1.0), (1.0, -1.0), (float("inf"), 1.0), (1.0,)])
def test_config_rejects_bad_limits(limits: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="rate_limits"):
        MockConfig(rate_limits=limits)  # type: ignore[arg-type]
