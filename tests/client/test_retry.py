"""Retries: what is retried, how long the client waits (recorded, never slept), Retry-After,
the cap, max_retries, and the create rules (same session_id; a duplicate on a retry)."""

from __future__ import annotations

import email.utils
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from chainhub_aigc import _core
from chainhub_aigc._config import Options
from chainhub_aigc.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    TaskMayExistError,
    TencentAPIError,
)

from .conftest import (
    IMAGE_FIELDS,
    TASK_ID,
    VIDEO_FIELDS,
    FakeAPI,
    Sleeps,
    created,
    make_async_client,
    make_client,
    task_response,
    tencent_error,
)

NOW = 1_700_000_000.0


def ok() -> httpx.Response:
    return task_response("WAITING")


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(502, text=""),
        httpx.Response(503, json={"Response": {"Error": {"Code": "InternalError"}}}),
        httpx.Response(520, text="cloudflare"),
        httpx.Response(599, text="?"),
        httpx.Response(429, text="slow down"),
        httpx.Response(408, text="timeout"),
        tencent_error("RequestLimitExceeded", status=200),
        tencent_error("InternalError", status=200),
        httpx.ConnectError("refused"),
        httpx.ReadError("reset by peer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("read timed out"),
    ],
)
def test_get_is_retried_on_transient_failures(failure: object, sleeps: Sleeps) -> None:
    api = FakeAPI(failure, failure, ok())  # type: ignore[arg-type]
    task = make_client(api, sleeps).tasks.get(TASK_ID)
    assert task.status == "WAITING"
    assert len(api.requests) == 3
    assert sleeps.calls == [0.5, 1.0]  # jitter 0: the backoff's upper bound


def _broken_body() -> Iterator[bytes]:
    yield b'{"Response": {"Status": '
    raise httpx.ReadError("connection reset while reading the body")


def test_error_while_reading_the_body_is_retried(sleeps: Sleeps) -> None:
    """httpx-retries cannot do this: the failure happens after the transport returned."""
    api = FakeAPI(lambda r: httpx.Response(200, content=_broken_body()), ok())
    task = make_client(api, sleeps).tasks.get(TASK_ID)
    assert task.status == "WAITING" and len(api.requests) == 2 and len(sleeps.calls) == 1


@pytest.mark.parametrize(
    ("response", "cls"),
    [
        (httpx.Response(400, text="bad"), BadRequestError),
        (httpx.Response(401, text="who"), AuthenticationError),
        (httpx.Response(404, text="none"), NotFoundError),
        (httpx.Response(409, text="conflict"), APIStatusError),
        (httpx.Response(422, text="bad"), BadRequestError),
        (tencent_error("InvalidParameter", status=200), BadRequestError),
        (tencent_error("AuthFailure.SecretIdNotFound", status=200), AuthenticationError),
        (httpx.Response(200, text="<html>"), APIStatusError),
    ],
)
def test_non_transient_failures_are_not_retried(
    response: httpx.Response, cls: type[Exception], sleeps: Sleeps
) -> None:
    api = FakeAPI(response, fallback=lambda r: ok())
    with pytest.raises(cls):
        make_client(api, sleeps).tasks.get(TASK_ID)
    assert len(api.requests) == 1 and sleeps.calls == []


def test_max_retries_is_respected(sleeps: Sleeps) -> None:
    api = FakeAPI(fallback=lambda r: httpx.Response(503, text="down"))
    with pytest.raises(InternalServerError):
        make_client(api, sleeps, max_retries=4).tasks.get(TASK_ID)
    assert len(api.requests) == 5
    assert sleeps.calls == [0.5, 1.0, 2.0, 4.0]


def test_backoff_is_bounded_and_jittered() -> None:
    options = Options(
        base_url="https://x", api_key=None, timeout=httpx.Timeout(1), max_retries=50, headers={}
    )
    for retry in range(60):
        for jitter in (0.0, 0.5, 0.999999):
            delay = _core.backoff_delay(options.evolve(jitter=lambda j=jitter: j), retry)
            upper = min(0.5 * 2**retry, 8.0)
            assert upper * 0.75 - 1e-9 <= delay <= upper
    assert _core.backoff_delay(options.evolve(jitter=lambda: 0.0), 10_000) == 8.0


def test_with_options_max_retries_zero_disables_retries(sleeps: Sleeps) -> None:
    api = FakeAPI(fallback=lambda r: httpx.Response(503, text="down"))
    client = make_client(api, sleeps)
    with pytest.raises(InternalServerError):
        client.with_options(max_retries=0).tasks.get(TASK_ID)
    assert len(api.requests) == 1 and sleeps.calls == []
    with pytest.raises(InternalServerError):
        client.tasks.get(TASK_ID)
    assert len(api.requests) == 4  # the original still retries twice


def test_retry_after_seconds_is_honoured(sleeps: Sleeps) -> None:
    limited = httpx.Response(429, text="", headers={"Retry-After": "7"})
    api = FakeAPI(limited, ok())
    make_client(api, sleeps).tasks.get(TASK_ID)
    assert sleeps.calls == [7.0]


def test_retry_after_http_date_is_honoured(sleeps: Sleeps) -> None:
    date = email.utils.formatdate(NOW + 12, usegmt=True)
    api = FakeAPI(httpx.Response(503, text="", headers={"Retry-After": date}), ok())
    make_client(api, sleeps, wallclock=lambda: NOW).tasks.get(TASK_ID)
    assert sleeps.calls == [12.0]


def test_retry_after_in_the_past_means_now(sleeps: Sleeps) -> None:
    date = email.utils.formatdate(NOW - 100, usegmt=True)
    api = FakeAPI(httpx.Response(429, text="", headers={"Retry-After": date}), ok())
    make_client(api, sleeps, wallclock=lambda: NOW).tasks.get(TASK_ID)
    assert sleeps.calls == [0.0]


def test_retry_after_ms_is_honoured(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.Response(429, text="", headers={"retry-after-ms": "250"}), ok())
    make_client(api, sleeps).tasks.get(TASK_ID)
    assert sleeps.calls == [0.25]


@pytest.mark.parametrize("value", ["soon", "-3", "nan", "inf", "", "Mon, 99 Foo 2025"])
def test_unreadable_retry_after_falls_back_to_backoff(value: str, sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.Response(429, text="", headers={"Retry-After": value}), ok())
    make_client(api, sleeps).tasks.get(TASK_ID)
    assert sleeps.calls == [0.5]


def test_retry_after_beyond_the_cap_raises_at_once(sleeps: Sleeps) -> None:
    api = FakeAPI(
        tencent_error("RequestLimitExceeded", status=429, headers={"Retry-After": "3600"}),
        fallback=lambda r: ok(),
    )
    with pytest.raises(RateLimitError) as caught:
        make_client(api, sleeps).tasks.get(TASK_ID)
    assert sleeps.calls == [] and len(api.requests) == 1
    assert caught.value.response is not None
    assert caught.value.response.headers["Retry-After"] == "3600"


def test_the_cap_is_configurable(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.Response(429, text="", headers={"Retry-After": "90"}), ok())
    make_client(api, sleeps, max_retry_after=120).tasks.get(TASK_ID)
    assert sleeps.calls == [90.0]
    api = FakeAPI(httpx.Response(429, text="", headers={"Retry-After": "2"}), ok())
    with pytest.raises(RateLimitError):
        make_client(api, sleeps).with_options(max_retry_after=1).tasks.get(TASK_ID)


def test_create_is_retried_with_the_same_session_id(sleeps: Sleeps) -> None:
    api = FakeAPI(
        httpx.ReadTimeout("timed out"),
        httpx.Response(502, text="bad gateway"),
        created(),
    )
    task = make_client(api, sleeps).images.create(**IMAGE_FIELDS)
    bodies = api.bodies()
    assert len(bodies) == 3
    session_ids = {body["session_id"] for body in bodies}
    assert session_ids == {task.session_id}
    assert task.session_id is not None and task.session_id.startswith("chainhub-")
    assert len(task.session_id) <= 50
    assert bodies[0] == bodies[1] == bodies[2]  # byte-for-byte the same create
    assert api.requests[0].content == api.requests[2].content


def test_callers_session_id_is_kept_on_retries(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.ConnectError("refused"), created())
    task = make_client(api, sleeps).videos.create(**VIDEO_FIELDS, session_id="my-session-1")
    assert [body["session_id"] for body in api.bodies()] == ["my-session-1"] * 2
    assert task.session_id == "my-session-1"


def test_every_create_gets_its_own_session_id() -> None:
    api = FakeAPI(created(), created())
    client = make_client(api)
    first = client.images.create(**IMAGE_FIELDS)
    second = client.images.create(**IMAGE_FIELDS)
    assert first.session_id != second.session_id


def test_create_with_empty_session_id_is_never_retried(
    sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    """An empty session_id switches deduplication off: a retry could bill twice."""
    api = FakeAPI(httpx.ReadTimeout("timed out"), fallback=lambda r: created())
    with caplog.at_level(logging.INFO, logger="chainhub_aigc"), pytest.raises(APITimeoutError):
        make_client(api, sleeps).images.create(**IMAGE_FIELDS, session_id="")
    assert len(api.requests) == 1 and sleeps.calls == []
    assert "no session_id" in caplog.text


def test_duplicate_on_a_retry_means_the_task_may_exist(sleeps: Sleeps) -> None:
    """The first attempt reached the server but its answer was lost; the retry is rejected."""
    api = FakeAPI(
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        tencent_error(
            "InvalidParameterValue.SessionId", "repeated", status=400, request_id="dup-req"
        ),
    )
    with pytest.raises(TaskMayExistError) as caught:
        make_client(api, sleeps).images.create(**IMAGE_FIELDS, session_id="sess-42")
    error = caught.value
    assert error.session_id == "sess-42"
    assert "sess-42" in str(error) and "may already exist" in str(error)
    assert isinstance(error, TencentAPIError) and error.code == "InvalidParameterValue.SessionId"
    assert error.request_id == "dup-req" and error.status_code == 400
    assert len(api.requests) == 2


def test_duplicate_on_a_retry_with_status_200(sleeps: Sleeps) -> None:
    api = FakeAPI(
        httpx.Response(504, text="gateway timeout"),
        tencent_error("InvalidParameterValue.SessionId", "repeated", status=200),
    )
    with pytest.raises(TaskMayExistError) as caught:
        make_client(api, sleeps).images.create(**IMAGE_FIELDS)
    assert caught.value.session_id == api.bodies()[0]["session_id"]


def test_duplicate_on_the_first_attempt_is_the_callers_reuse(sleeps: Sleeps) -> None:
    api = FakeAPI(tencent_error("InvalidParameterValue.SessionId", "repeated", status=400))
    with pytest.raises(BadRequestError) as caught:
        make_client(api, sleeps).images.create(**IMAGE_FIELDS, session_id="reused-1")
    error = caught.value
    assert not isinstance(error, TaskMayExistError)
    assert isinstance(error, TencentAPIError)
    assert "reused-1" in str(error)
    assert len(api.requests) == 1


def test_retry_logging(sleeps: Sleeps, caplog: pytest.LogCaptureFixture) -> None:
    api = FakeAPI(httpx.Response(429, text="", headers={"Retry-After": "3"}), ok())
    with caplog.at_level(logging.DEBUG, logger="chainhub_aigc"):
        make_client(api, sleeps).tasks.get(TASK_ID)
    retry_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert retry_lines == [
        f"retrying GET /tencent-vod/v1/query/{TASK_ID} (attempt 2 of 3) after HTTP 429; "
        "sleeping 3.00 s (Retry-After)"
    ]
    assert any("-> 200 (request_id req-query)" in r.getMessage() for r in caplog.records)
    assert all(r.name == "chainhub_aigc" for r in caplog.records)


async def test_async_retries_follow_the_same_rules(sleeps: Sleeps) -> None:
    api = FakeAPI(
        httpx.Response(429, text="", headers={"Retry-After": "2"}),
        httpx.ConnectError("refused"),
        created(),
        httpx.ReadError("reset"),
        tencent_error("InvalidParameterValue.SessionId", status=400),
    )
    client = make_async_client(api, sleeps)
    task = await client.images.create(**IMAGE_FIELDS)
    assert sleeps.calls == [2.0, 1.0]
    assert {b["session_id"] for b in api.bodies()} == {task.session_id}
    with pytest.raises(TaskMayExistError):
        await client.videos.create(**VIDEO_FIELDS, session_id="s-1")
    api.add(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        await client.with_options(max_retries=0).tasks.get(TASK_ID)
    assert len(api.requests) == 6


def test_create_body_is_the_generated_models_json(sleeps: Sleeps) -> None:
    api = FakeAPI(created())
    make_client(api, sleeps).videos.create(
        **VIDEO_FIELDS,
        output_config={"duration": 5, "enhance_switch": "Enabled", "media_name": "car"},
        tasks_priority=-3,
        session_id="s",
    )
    body = json.loads(api.requests[0].content)
    assert body == {
        **VIDEO_FIELDS,
        "output_config": {"duration": 5, "enhance_switch": "Enabled", "media_name": "car"},
        "tasks_priority": -3,
        "session_id": "s",
    }
    assert api.requests[0].headers["Content-Type"] == "application/json"


def test_a_failed_create_names_its_session_id(sleeps: Sleeps) -> None:
    api = FakeAPI(fallback=lambda r: httpx.Response(502, text="bad gateway"))
    with pytest.raises(InternalServerError) as caught:
        make_client(api, sleeps).images.create(**IMAGE_FIELDS)
    session_id = api.bodies()[0]["session_id"]
    assert caught.value.session_id == session_id
    assert any(
        session_id in note and "may have reached the server" in note
        for note in caught.value.__notes__
    )


def test_a_create_that_never_left_has_no_may_exist_note(sleeps: Sleeps) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    api = FakeAPI(fallback=refuse)
    with pytest.raises(APIConnectionError) as caught:
        make_client(api, sleeps).images.create(**IMAGE_FIELDS, session_id="s-9")
    assert caught.value.session_id == "s-9"
    assert not getattr(caught.value, "__notes__", [])


def test_get_errors_have_no_session_id(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.Response(404, text="no"))
    with pytest.raises(NotFoundError) as caught:
        make_client(api, sleeps).tasks.get(TASK_ID)
    assert caught.value.session_id is None
