"""Property-based: whatever comes back (any status 100..599, any bytes, any JSON, surprising
envelopes, null everywhere, huge numbers), only ChainhubError subclasses escape the SDK."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainhub_aigc import APIStatusError, ChainhubError, Task, parse_time
from chainhub_aigc._core import ApiReply, build_created, build_task, parse_retry_after, read_reply

from .conftest import IMAGE_FIELDS, TASK_ID, TOKEN, FakeAPI, make_client

PROFILE = settings(
    max_examples=150,  # the suite's CPU budget; derandomized, so every run tries the same cases
    deadline=None,
    derandomize=True,  # the same examples on every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYS = st.sampled_from(
    [
        "Response",
        "Error",
        "Code",
        "Message",
        "RequestId",
        "TaskId",
        "Status",
        "TaskType",
        "AigcImageTask",
        "AigcVideoTask",
        "Progress",
        "ErrCode",
        "ErrCodeExt",
        "Output",
        "FileInfos",
        "FileUrl",
        "FileType",
        "MetaData",
        "Size",
        "Duration",
        "ExpireTime",
        "SessionId",
    ]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["FINISH", "WAITING", "PROCESSING", "ABORTED", "", "0000-00-00T00:00:00Z"])
    | st.text(max_size=20)
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=40,
)
SMALL_JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=6,
)
STATUSES = st.integers(min_value=100, max_value=599) | st.sampled_from([200, 400, 429, 520, 599])


@st.composite
def envelopes(draw: st.DrawFn, *, surprises: bool = True) -> Any:
    """Bodies shaped like the API's, with any value anywhere (``surprises``: sometimes an
    Error, sometimes no Response wrapper)."""
    inner = draw(st.dictionaries(KEYS, SMALL_JSON, max_size=8))
    if draw(st.booleans()):
        inner["Output"] = {
            "FileInfos": draw(st.lists(st.dictionaries(KEYS, SMALL_JSON), max_size=3))
        }
    task_type = draw(st.sampled_from(["AigcImageTask", "AigcVideoTask", "Other", None]))
    response: dict[str, Any] = draw(st.dictionaries(KEYS, SMALL_JSON, max_size=6))
    response["Status"] = draw(SCALARS)
    response["TaskType"] = task_type
    if task_type:
        response[task_type] = inner
    if not surprises:
        response.pop("Error", None)
        return {"Response": response}
    if draw(st.booleans()):
        response["Error"] = draw(st.none() | st.dictionaries(KEYS, SMALL_JSON) | SCALARS)
    return {"Response": response} if draw(st.integers(0, 9)) else response


BODIES = (
    st.binary(max_size=200)
    | JSON.map(lambda value: json.dumps(value, allow_nan=True).encode())
    | envelopes().map(lambda value: json.dumps(value, allow_nan=True).encode())
)
HEADERS = st.dictionaries(
    st.sampled_from(["Retry-After", "retry-after-ms", "X-Request-Id", "Content-Type"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)


@PROFILE
@given(status=STATUSES, body=BODIES, headers=HEADERS)
def test_read_reply_only_raises_chainhub_errors(
    status: int, body: bytes, headers: dict[str, str]
) -> None:
    response = httpx.Response(status, content=body, headers=headers)
    try:
        reply = read_reply(response)
    except ChainhubError as error:
        assert error.status_code == status and error.response is response
        return
    assert 200 <= status < 300
    for build in (lambda: build_task(reply, TASK_ID), lambda: build_created(reply, "s")):
        with contextlib.suppress(ChainhubError):  # only ChainhubError may escape
            build()


@settings(PROFILE, max_examples=100)
@given(body=envelopes(surprises=False))
def test_task_view_never_crashes(body: Any) -> None:
    task = build_task(ApiReply(httpx.Response(200), body, body["Response"], None), TASK_ID)
    assert isinstance(task, Task) and isinstance(task.task_id, str)
    assert task.is_done == (task.status in ("FINISH", "ABORTED"))
    assert not (task.is_success and task.is_failed)
    assert task.progress is None or isinstance(task.progress, int)
    for file in task.files:
        assert file.size is None or (isinstance(file.size, int) and file.size >= 0)
        assert file.duration is None or math.isfinite(file.duration)
        assert file.expires_at is None or file.expires_at.tzinfo is not None


@settings(max_examples=150, deadline=None, derandomize=True)
@given(status=STATUSES, body=BODIES, headers=HEADERS)
def test_the_whole_client_only_raises_chainhub_errors(
    status: int, body: bytes, headers: dict[str, str]
) -> None:
    api = FakeAPI(fallback=lambda request: httpx.Response(status, content=body, headers=headers))
    client = make_client(api, max_retries=1, max_retry_after=5)
    calls: list[Callable[[], object]] = [
        lambda: client.tasks.get(TASK_ID),
        lambda: client.images.create(**IMAGE_FIELDS),
        lambda: client.tasks.wait(TASK_ID, timeout=0),
    ]
    for call in calls:
        try:
            call()
        except ChainhubError as error:  # anything else escapes and fails the test
            text, shown = str(error), repr(error)
            assert text.strip() and "\n" not in text, shown  # a readable one-line message
            assert TOKEN not in text + shown
            if isinstance(error, APIStatusError):  # it says which answer it was
                assert error.status_code == status and error.response is not None, shown
        else:  # only a success status can be read as a result
            assert 200 <= status < 300


@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=st.text(max_size=60), now=st.floats(0, 4e9))
def test_retry_after_parsing_is_total(value: str, now: float) -> None:
    for headers in ({"retry-after": value}, {"retry-after-ms": value}):
        try:
            parsed = parse_retry_after(httpx.Headers(headers), now)
        except UnicodeEncodeError:  # not a header value httpx can carry at all
            continue
        assert parsed is None or (math.isfinite(parsed) and parsed >= 0)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=st.text(max_size=40) | st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"))
def test_parse_time_is_total(value: str) -> None:
    parsed = parse_time(value)
    assert parsed is None or parsed.tzinfo is not None
