"""``client.get``/``client.post``/``client.request``: any operation, with the SDK's retries,
typed errors, timeouts and redaction, and the spec's checks where the path is documented."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from chainhub_aigc import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    TencentAPIError,
)
from chainhub_aigc._operations import (
    OperationTable,
    generated_identifier,
    operation_table,
    retry_safe,
)
from chainhub_aigc._spec import packaged_spec

from .conftest import (
    BASE_URL,
    TASK_ID,
    TOKEN,
    FakeAPI,
    Sleeps,
    make_async_client,
    make_client,
    task_response,
    tencent_error,
)

NEW_PATH = "/tencent-vod/v1/not-in-the-spec"


def ok(body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"Response": {"X": 1}})


# -- the operation table -----------------------------------------------------------------------


def test_every_row_names_its_generated_module_and_model() -> None:
    table = operation_table()
    spec_ids = {
        op["operationId"]
        for item in packaged_spec()["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert set(table.rows) == spec_ids
    for row in table.rows.values():
        module = row.generated_module()  # the generator's own name for it
        assert callable(module._get_kwargs) and callable(module.sync_detailed)
        assert module._get_kwargs.__module__ == row.module
        if row.request_schema is not None:
            model = row.request_model()
            assert model is not None and hasattr(model, "from_dict")
        else:
            assert row.request_model() is None
        assert row.retry_safe(None) == (row.method == "GET")


@pytest.mark.parametrize(
    "name",
    [
        "createImageTask",
        "getTask",
        "list",
        "HTTPStatus2",
        "get-v2.task",
        "class",
        "tasks",
        "9x",
        "_private",
        "a b",
    ],
)
def test_generated_identifier_follows_the_generator(name: str) -> None:
    from openapi_python_client.strings import PythonIdentifier

    for prefix in ("tag", "field_"):
        assert generated_identifier(name, prefix) == str(PythonIdentifier(name, prefix=prefix))


def test_retry_safety() -> None:
    assert retry_safe("GET", None) and retry_safe("get", {"x": 1})
    assert retry_safe("POST", {"session_id": "s"})
    assert not retry_safe("POST", {"session_id": ""}) and not retry_safe("POST", {})
    assert not retry_safe("POST", None) and not retry_safe("POST", [{"session_id": "s"}])


def test_match_prefers_literal_paths() -> None:
    spec: dict[str, Any] = {
        "paths": {
            "/x/{id}": {"get": {"operationId": "one", "responses": {}}},
            "/x/list": {"get": {"operationId": "all", "responses": {}}},
        }
    }
    table = OperationTable.from_spec(spec)
    found = table.match("GET", "/x/list")
    assert found is not None and found[0].operation_id == "all"
    found = table.match("GET", "/x/7")
    assert found is not None and found == (table["one"], {"id": "7"})
    assert table.match("POST", "/x/7") is None
    with pytest.raises(RequestValidationError, match="no operation 'nope'"):
        table["nope"]


# -- get ---------------------------------------------------------------------------------------


def test_get_returns_parsed_json_and_retries(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.Response(503, json={}), httpx.ConnectError("refused"), ok())
    with make_client(api, sleeps) as client:
        body = client.get(NEW_PATH, params={"page": 2, "verbose": True})
    assert body == {"Response": {"X": 1}}
    assert [str(r.url) for r in api.requests] == [f"{BASE_URL}{NEW_PATH}?page=2&verbose=true"] * 3
    assert api.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert sleeps.calls == [0.5, 1.0]


def test_get_accepts_any_json_object_and_an_empty_body() -> None:
    api = FakeAPI(ok({"items": []}), httpx.Response(204))
    with make_client(api) as client:
        assert client.get(NEW_PATH) == {"items": []}
        assert client.get(NEW_PATH) == {}


def test_get_detects_a_tencent_error_in_a_200_and_redacts_the_key() -> None:
    api = FakeAPI(tencent_error("RequestLimitExceeded", f"slow down {TOKEN}"), fallback=None)
    api.add(tencent_error("ResourceNotFound", "gone"))
    with make_client(api, max_retries=1) as client, pytest.raises(NotFoundError) as caught:
        client.get(NEW_PATH)
    assert isinstance(caught.value, TencentAPIError) and caught.value.code == "ResourceNotFound"
    assert len(api.requests) == 2  # the rate limit was retried


def test_get_errors_are_typed_and_never_carry_the_key(caplog: pytest.LogCaptureFixture) -> None:
    api = FakeAPI(fallback=lambda r: httpx.Response(500, text=f"boom {TOKEN}"))
    with (
        caplog.at_level(logging.DEBUG, logger="chainhub_aigc"),
        make_client(api) as client,
        pytest.raises(InternalServerError) as caught,
    ):
        client.get(NEW_PATH)
    assert TOKEN not in str(caught.value) and TOKEN not in caplog.text
    assert len(api.requests) == 3
    with make_client(FakeAPI(ok({"a": 1}), httpx.Response(200, json=[1]))) as client:
        client.get(NEW_PATH)
        with pytest.raises(APIResponseValidationError, match="not a JSON object"):
            client.get(NEW_PATH)


def test_get_times_out_with_the_clients_timeout() -> None:
    seen: list[Any] = []

    def slow(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        raise httpx.ReadTimeout("slow")

    with (
        make_client(FakeAPI(fallback=slow), timeout=3, max_retries=0) as client,
        pytest.raises(APITimeoutError),
    ):
        client.get(NEW_PATH)
    assert seen == [{"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}]


@pytest.mark.parametrize(
    "path", ["https://evil.test/steal", "//evil.test/steal", "relative", "/x?y=1", ""]
)
def test_get_refuses_anything_but_a_path_before_sending(path: str) -> None:
    api = FakeAPI()
    with make_client(api) as client, pytest.raises(RequestValidationError) as caught:
        client.get(path)
    assert caught.value.field == "path" and api.requests == []


def test_a_documented_path_is_checked_against_the_spec_before_sending() -> None:
    api = FakeAPI()
    with make_client(api) as client, pytest.raises(RequestValidationError) as caught:
        client.get("/tencent-vod/v1/query/" + "x" * 500)
    assert caught.value.field == "task_id" and api.requests == []


def test_request_fills_path_parameters_by_operation_id() -> None:
    api = FakeAPI(task_response("WAITING"))
    with make_client(api) as client:
        body = client.request("getTask", path_params={"task_id": TASK_ID})
        assert body["Response"]["Status"] == "WAITING"
        with pytest.raises(RequestValidationError, match="task_id: missing"):
            client.request("getTask")
        with pytest.raises(RequestValidationError, match="known: createImageTask"):
            client.request("GET")
    assert api.paths() == [f"GET /tencent-vod/v1/query/{TASK_ID}"]


# -- post --------------------------------------------------------------------------------------


def test_post_with_a_session_id_is_retried(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.ReadError("lost"), ok())
    with make_client(api, sleeps) as client:
        body = client.post(NEW_PATH, json={"session_id": "mine", "n": 1})
    assert body == {"Response": {"X": 1}} and len(api.requests) == 2
    assert api.bodies() == [{"session_id": "mine", "n": 1}] * 2


def test_post_without_a_session_id_is_sent_once_and_as_given(sleeps: Sleeps) -> None:
    api = FakeAPI(httpx.ReadError("lost"))
    with make_client(api, sleeps) as client, pytest.raises(APIConnectionError) as caught:
        client.post(NEW_PATH, json={"n": 1})
    assert "it had no session_id" in " ".join(caught.value.__notes__)
    assert len(api.requests) == 1 and api.bodies() == [{"n": 1}] and sleeps.calls == []


def test_post_to_a_create_is_checked_but_may_carry_unknown_fields() -> None:
    api = FakeAPI(ok(), fallback=None)
    fields = {"model_name": "GEM", "model_version": "3.0", "prompt": "p", "future_field": 1}
    with make_client(api) as client:
        client.post("/tencent-vod/v1/aigc-image", json=fields)
        with pytest.raises(RequestValidationError) as caught:
            client.post("/tencent-vod/v1/aigc-image", json={**fields, "session_id": "s" * 51})
    assert caught.value.field == "session_id" and len(api.requests) == 1
    assert "session_id" not in api.bodies()[0]  # nothing added to a generic body


def test_post_refuses_a_body_that_is_not_json() -> None:
    with make_client(FakeAPI()) as client, pytest.raises(RequestValidationError) as caught:
        client.post(NEW_PATH, json={"x": float("nan")})
    assert caught.value.field == "json"


# -- async -------------------------------------------------------------------------------------


async def test_async_get_post_and_request(sleeps: Sleeps) -> None:
    api = FakeAPI(
        httpx.Response(429, json={}),
        ok({"a": 1}),
        ok({"b": 2}),
        task_response("FINISH"),
    )
    async with make_async_client(api, sleeps) as client:
        assert await client.get(NEW_PATH, params={"q": "x"}) == {"a": 1}
        assert await client.post(NEW_PATH, json={"session_id": "s"}) == {"b": 2}
        body = await client.request("getTask", path_params={"task_id": TASK_ID})
        assert body["Response"]["Status"] == "FINISH"
        bad = client.get("https://evil.test/")  # raises on await, like any async method
        with pytest.raises(RequestValidationError):
            await bad
    assert sleeps.calls == [0.5] and len(api.requests) == 4


async def test_async_get_gives_up_at_once_beyond_the_retry_after_cap() -> None:
    api = FakeAPI(httpx.Response(429, headers={"Retry-After": "3600"}, json={}))
    async with make_async_client(api) as client:
        with pytest.raises(RateLimitError):
            await asyncio.wait_for(client.get(NEW_PATH), timeout=30)
    assert len(api.requests) == 1
