"""The request pipeline, in-process: routes, auth, body checks, error envelopes and codes."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chainhub_aigc.mock import MockConfig
from tests.data import AUTH, IMAGE, IMAGE_PATH, MOCK_TOKEN, QUERY_PATH, VIDEO, VIDEO_PATH

from .conftest import InProcess, MakeClient

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def error_of(response: httpx.Response) -> tuple[str, str]:
    """(Code, Message) of a Tencent error envelope; checks its shape on the way."""
    body = response.json()
    assert set(body) == {"Response"}
    assert set(body["Response"]) == {"Error", "RequestId"}
    assert UUID.match(body["Response"]["RequestId"])
    error = body["Response"]["Error"]
    assert set(error) == {"Code", "Message"}
    assert response.headers["content-type"] == "application/json"
    return error["Code"], error["Message"]


# --- routes --------------------------------------------------------------------------------


async def test_openapi_json_is_the_spec(client: InProcess, openapi_spec: dict[str, Any]) -> None:
    response = await client.http.get("/openapi.json", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == openapi_spec


async def test_unknown_path_is_404_with_the_envelope(client: InProcess) -> None:
    for path in ("/nope", "/tencent-vod/v1/aigc-image/", "/tencent-vod/v1/query/", "/"):
        response = await client.http.get(path)
        assert response.status_code == 404, path
        code, message = error_of(response)
        assert code == "InvalidAction" and path in message


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("GET", IMAGE_PATH, "POST"),
        ("DELETE", VIDEO_PATH, "POST"),
        ("PUT", IMAGE_PATH, "POST"),
        ("POST", QUERY_PATH + "x", "GET"),
        ("PATCH", QUERY_PATH + "x", "GET"),
        ("HEAD", QUERY_PATH + "x", "GET"),
        ("OPTIONS", IMAGE_PATH, "POST"),
    ],
)
async def test_unknown_method_is_405_with_allow(
    client: InProcess, method: str, path: str, allow: str
) -> None:
    response = await client.http.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        code, _ = error_of(response)
        assert code == "UnsupportedOperation"


# --- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        "Basic ZGV2LXRva2Vu",
        MOCK_TOKEN,  # no scheme
        f"Token {MOCK_TOKEN}",
    ],
)
async def test_a_missing_or_wrong_token_is_401(
    client: InProcess, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    client.http.headers.pop("Authorization")
    for response in (
        await client.http.post(IMAGE_PATH, json=IMAGE, headers=headers),
        await client.http.get(QUERY_PATH + "x", headers=headers),
    ):
        assert response.status_code == 401
        code, _ = error_of(response)
        assert code == "AuthFailure.SignatureFailure"
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert client.mock.state.tasks == {}


async def test_auth_comes_before_validation(client: InProcess) -> None:
    response = await client.http.post(IMAGE_PATH, content=b"{", headers={"Authorization": "x"})
    assert response.status_code == 401


async def test_several_tokens_and_a_case_insensitive_scheme(make_client: MakeClient) -> None:
    client = make_client(MockConfig(tokens=frozenset({"a", "b"})))
    for header in ("Bearer a", "bearer b", "BEARER a"):
        response = await client.http.post(IMAGE_PATH, json=IMAGE, headers={"Authorization": header})
        assert response.status_code == 200, header
    response = await client.http.post(IMAGE_PATH, json=IMAGE)  # the default dev-token
    assert response.status_code == 401


# --- bodies --------------------------------------------------------------------------------


async def test_every_violation_is_listed_with_its_path(client: InProcess) -> None:
    body = {
        **VIDEO,
        "prompt": 1,
        "tasks_priority": 11,
        "output_config": {"duration": "8", "enhance_switch": "On", "media_name": "m" * 65},
        "file_infos": [{"type": "file"}, {}, {}, {}],
    }
    response = await client.http.post(VIDEO_PATH, json=body)
    assert response.status_code == 400
    code, message = error_of(response)
    assert code == "InvalidParameter"  # a type error is among them
    violations = message.split("; ")
    assert '/prompt: 1 is not of type "string"' in violations
    assert "/tasks_priority: 11 is greater than the maximum of 10" in violations
    assert '/output_config/duration: "8" is not of type "number"' in violations
    assert any(
        v.startswith('/output_config/enhance_switch: "On" is not one of') for v in violations
    )
    assert any(v.startswith("/output_config/media_name:") for v in violations)
    assert any(v.startswith('/file_infos/0/type: "file" is not one of') for v in violations)
    assert any(v.startswith("/file_infos:") and "more than 3" in v for v in violations)
    assert len(violations) == 7


@pytest.mark.parametrize(
    "body, code, fragment",
    [
        ({"model_version": "3.0", "prompt": "p"}, "InvalidParameter", '"model_name" is a required'),
        ([IMAGE], "InvalidParameter", 'is not of type "object"'),
        ("text", "InvalidParameter", 'is not of type "object"'),
        (None, "InvalidParameter", 'null is not of type "object"'),
        ({**IMAGE, "tasks_priority": "10"}, "InvalidParameter", '/tasks_priority: "10" is not'),
        ({**IMAGE, "tasks_priority": 1.5}, "InvalidParameter", "/tasks_priority: 1.5 is not"),
        ({**IMAGE, "tasks_priority": -11}, "InvalidParameterValue", "less than the minimum"),
        ({**IMAGE, "enhance_prompt": "On"}, "InvalidParameterValue", "/enhance_prompt"),
        ({**IMAGE, "output_config": {"storage_mode": "Forever"}}, "InvalidParameterValue", ""),
        (
            {**IMAGE, "session_id": "s" * 51},
            "InvalidParameterValue.SessionIdTooLong",
            "/session_id",
        ),
        (
            {**IMAGE, "session_context": "c" * 1001},
            "InvalidParameterValue.SessionContextTooLong",
            "/session_context",
        ),
        (
            {**IMAGE, "session_id": "s" * 51, "tasks_priority": 99},
            "InvalidParameterValue",
            "/tasks_priority",
        ),
        ({**IMAGE, "tasks_priority": 10**30}, "InvalidParameterValue", "greater than the maximum"),
    ],
)
async def test_codes_of_invalid_bodies(
    client: InProcess, body: object, code: str, fragment: str
) -> None:
    response = await client.http.post(
        IMAGE_PATH, content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    got_code, message = error_of(response)
    assert got_code == code
    assert fragment in message


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "the request body is required"),
        (b"{", "not valid JSON"),
        (b'{"prompt": "a", }', "not valid JSON"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b'{"prompt": "\xe9t\xe9"}', "not valid UTF-8"),
        ('{"prompt": "a"}'.encode("utf-16"), "not valid UTF-8"),
        (b'\xef\xbb\xbf{"prompt": "a"}', "not valid JSON"),  # a BOM is not JSON
        (b'{"tasks_priority": NaN}', "NaN is not valid JSON"),
        (b'{"duration": Infinity}', "Infinity is not valid JSON"),
        (b'{"duration": 1e999}', "out of range"),
        (b'{"tasks_priority": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (b'{"tasks_priority": ' + b"9" * 400 + b"}", "out of range"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"prompt": "\\ud800"}', "unpaired surrogate"),
    ],
)
async def test_unreadable_bodies_are_400(client: InProcess, content: bytes, fragment: str) -> None:
    response = await client.http.post(
        IMAGE_PATH, content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    code, message = error_of(response)
    assert code == "InvalidParameter"
    assert fragment in message


async def test_a_paired_surrogate_escape_is_fine(client: InProcess) -> None:
    content = b'{"model_name": "GEM", "model_version": "3.0", "prompt": "fox \\ud83e\\udd8a"}'
    response = await client.http.post(
        IMAGE_PATH, content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    task = await client.finish(response.json()["Response"]["TaskId"])
    assert task["AigcImageTask"]["Input"]["Prompt"] == "fox \U0001f98a"


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ],
)
async def test_a_wrong_content_type_is_400(client: InProcess, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = await client.http.post(IMAGE_PATH, content=json.dumps(IMAGE), headers=headers)
    assert response.status_code == 400
    code, message = error_of(response)
    assert code == "InvalidParameter" and "application/json" in message


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
async def test_json_content_types_are_accepted(client: InProcess, content_type: str) -> None:
    response = await client.http.post(
        IMAGE_PATH, content=json.dumps(IMAGE), headers={"Content-Type": content_type}
    )
    assert response.status_code == 200


async def test_unknown_fields_are_accepted_and_not_echoed(client: InProcess) -> None:
    task_id = await client.create(Prompt=5, output_config={"OutputConfig": 1, "resolution": "2K"})
    task = (await client.finish(task_id))["AigcImageTask"]
    assert task["Input"]["Prompt"] == "a red fox"
    assert task["Input"]["OutputConfig"] == {"Resolution": "2K", "StorageMode": "Temporary"}


async def test_a_long_message_is_bounded(client: InProcess) -> None:
    body = {**IMAGE, "file_infos": [{"type": i} for i in range(200)], "prompt": "x" * 100_000}
    response = await client.http.post(IMAGE_PATH, json={**body, "model_name": ["y" * 10_000]})
    assert response.status_code == 400
    _, message = error_of(response)
    assert "more violations" in message
    assert len(message) < 50 * 310 + 100


# --- size ----------------------------------------------------------------------------------

LIMIT = 10 * 1024 * 1024


async def test_a_declared_length_over_10_mb_is_413(client: InProcess) -> None:
    content = json.dumps({**IMAGE, "prompt": "x" * LIMIT}).encode()
    response = await client.http.post(
        IMAGE_PATH, content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    code, message = error_of(response)
    assert code == "RequestSizeLimitExceeded" and str(LIMIT) in message


async def test_a_streamed_body_over_10_mb_is_413(client: InProcess) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(11):
            yield b" " * (1024 * 1024)

    response = await client.http.post(
        IMAGE_PATH, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


async def test_a_lying_content_length_does_not_get_around_the_limit(client: InProcess) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(11):
            yield b" " * (1024 * 1024)

    response = await client.http.post(
        IMAGE_PATH,
        content=chunks(),
        headers={"Content-Type": "application/json", "Content-Length": "10"},
    )
    assert response.status_code == 413


async def test_a_body_just_under_the_limit_is_read(make_client: MakeClient) -> None:
    client = make_client(MockConfig(max_body_bytes=1000))
    body = json.dumps({**IMAGE, "negative_prompt": ""}).encode()
    body = body[:-1] + b" " * (1000 - len(body)) + b"}"
    assert len(body) == 1000
    ok = await client.http.post(
        IMAGE_PATH, content=body, headers={"Content-Type": "application/json"}
    )
    assert ok.status_code == 200
    over = await client.http.post(
        IMAGE_PATH, content=body + b" ", headers={"Content-Type": "application/json"}
    )
    assert over.status_code == 413


# --- path parameters -----------------------------------------------------------------------


async def test_a_too_long_task_id_is_400_naming_the_parameter(client: InProcess) -> None:
    response = await client.http.get(QUERY_PATH + "a" * 257)
    assert response.status_code == 400
    code, message = error_of(response)
    assert code == "InvalidParameterValue"
    assert message.startswith("path parameter task_id: ") and "longer than 256" in message


@pytest.mark.parametrize(
    "task_id", ["a", "a" * 256, "%E2%9C%93", "x y", "1392336703-AigcImageTask-t"]
)
async def test_an_unknown_task_id_is_404(client: InProcess, task_id: str) -> None:
    response = await client.http.get(QUERY_PATH + task_id)
    assert response.status_code == 404
    code, _ = error_of(response)
    assert code == "ResourceNotFound"


async def test_the_spec_needs_no_token_and_the_mock_routes_do(client: InProcess) -> None:
    client.http.headers.pop("Authorization")
    assert (await client.http.get("/openapi.json")).status_code == 200
    assert (await client.http.get("/_mock/tasks")).status_code == 401
    assert (await client.http.get("/_mock/tasks", headers=AUTH)).status_code == 200


async def test_auth_header_is_the_only_one_needed(client: InProcess) -> None:
    response = await client.http.post(IMAGE_PATH, json=IMAGE, headers=AUTH)
    assert response.status_code == 200


async def test_a_valid_body_with_an_integer_beyond_the_double_range_is_400(
    client: InProcess,
) -> None:
    """output_config.duration is a number: 10**400 is schema-valid JSON but no float; a 400,
    never a 500 (found by review: float() overflowed while the task was being stored)."""
    body = (
        b'{"model_name": "Kling", "model_version": "2.1", "prompt": "p", '
        b'"output_config": {"duration": 1' + b"0" * 400 + b"}}"
    )
    response = await client.http.post(
        VIDEO_PATH, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "out of range" in error_of(response)[1]
