"""Hypothesis: no input makes the mock answer 5xx (or crash). In-process, derandomized.

Random bytes with random content types, random JSON documents, mutations of valid bodies,
random task ids, random methods and paths, random fault headers: the answer is always a
documented 2xx/4xx with the JSON envelope (or the PNG/spec for their routes), never a 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainhub_aigc.mock import MockConfig, create_app
from tests.data import AUTH, IMAGE, IMAGE_PATH, QUERY_PATH, VIDEO, VIDEO_PATH

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
app = create_app(MockConfig(finish_after=1))
transport = httpx.ASGITransport(app=app)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=6)
    ),
    max_leaves=30,
)
field_names = st.sampled_from(
    [
        *IMAGE,
        "negative_prompt",
        "enhance_prompt",
        "file_infos",
        "output_config",
        "session_id",
        "session_context",
        "tasks_priority",
        "ext_info",
        "last_frame_url",
    ]
)
content_types = st.sampled_from(
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/xml",
        "",
    ]
)


async def send(method: str, url: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=transport, base_url="http://mock.test", headers=AUTH
    ) as client:
        return await client.request(method, url, **kwargs)


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if response.status_code >= 400:
        assert body["Response"]["Error"]["Code"]
        assert body["Response"]["RequestId"]


@SETTINGS
@given(content=st.binary(max_size=2000), content_type=content_types, video=st.booleans())
async def test_random_bytes(content: bytes, content_type: str | None, video: bool) -> None:
    headers = {"Content-Type": content_type} if content_type is not None else {}
    response = await send(
        "POST", VIDEO_PATH if video else IMAGE_PATH, content=content, headers=headers
    )
    assert_answered(response)


@SETTINGS
@given(document=json_values, video=st.booleans())
async def test_random_json(document: Any, video: bool) -> None:
    response = await send(
        "POST",
        VIDEO_PATH if video else IMAGE_PATH,
        content=json.dumps(document),
        headers={"Content-Type": "application/json"},
    )
    assert_answered(response)


@SETTINGS
@given(changes=st.dictionaries(field_names, json_values, max_size=4), video=st.booleans())
async def test_mutated_valid_bodies(changes: dict[str, Any], video: bool) -> None:
    body = {**(VIDEO if video else IMAGE), **changes}
    response = await send("POST", VIDEO_PATH if video else IMAGE_PATH, json=body)
    assert_answered(response)
    if response.status_code == 200:  # and what was created can be queried, to FINISH
        task_id = response.json()["Response"]["TaskId"]
        for _ in range(2):
            assert_answered(await send("GET", QUERY_PATH + task_id))


@SETTINGS
@given(task_id=st.text(min_size=1, max_size=300), fault=st.none() | st.text(max_size=40))
async def test_random_task_ids_and_fault_headers(task_id: str, fault: str | None) -> None:
    headers: dict[str, bytes] = {}
    if fault is not None:  # raw bytes: any UTF-8, as a client may send
        headers["X-Mock-Fault"] = (
            fault.encode("utf-8", "surrogatepass").replace(b"\r", b"").replace(b"\n", b"")
        )
    try:
        response = await send("GET", QUERY_PATH + quote(task_id, safe=""), headers=headers)
    except Exception as exc:  # only the deliberate drop may raise in-process
        assert type(exc).__name__ == "MockConnectionDropped"
        return
    assert_answered(response)


@SETTINGS
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD"]),
    path=st.text(max_size=60),
)
async def test_random_methods_and_paths(method: str, path: str) -> None:
    response = await send(method, "/" + quote(path, safe="/"))
    assert response.status_code < 500
