"""Operations the mock has no behaviour for: answered with their documented success (the
spec's example, else a body synthesized from the schema), never 501; and the SDK reaches such
an operation through ``client.get`` with no code of its own."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from chainhub_aigc import AsyncClient, Client, NotFoundError
from chainhub_aigc._operations import OperationTable
from chainhub_aigc.mock import MockConfig, MockServer, create_app
from chainhub_aigc.mock.spec import compile_schema
from chainhub_aigc.mock.synth import canned_answer, synthesize
from tests.data import MOCK_TOKEN as TOKEN

from ..conftest import ResponseChecker
from .conftest import InProcess

QUOTA_PATH = "/tencent-vod/v1/quota/{plan}"
QUOTA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["Response"],
    "properties": {
        "Response": {
            "type": "object",
            "required": ["RequestId", "Remaining", "Plan", "Since", "Windows", "Owner"],
            "properties": {
                "RequestId": {"type": "string"},
                "Remaining": {"type": "integer", "minimum": 1, "maximum": 10},
                "Ratio": {"type": "number"},
                "Plan": {"type": "string", "enum": ["pro", "free"]},
                "Since": {"type": "string", "format": "date-time"},
                "Windows": {
                    "type": "array",
                    "minItems": 2,
                    "items": {
                        "type": "object",
                        "required": ["Name"],
                        "properties": {"Name": {"type": "string", "minLength": 3}},
                    },
                },
                "Owner": {"$ref": "#/components/schemas/QuotaOwner"},
            },
        }
    },
}


def quota_spec(base: dict[str, Any], example: Any = None) -> dict[str, Any]:
    """The packaged spec plus one read-only operation (no behaviour in the mock)."""
    spec = copy.deepcopy(base)
    spec["components"]["schemas"]["QuotaOwner"] = {
        "type": "object",
        "required": ["Id"],
        "properties": {"Id": {"type": "string", "format": "uuid"}},
        "nullable": True,
    }
    media: dict[str, Any] = {"schema": QUOTA_SCHEMA}
    if example is not None:
        media["example"] = example
    spec["paths"][QUOTA_PATH] = {
        "get": {
            "operationId": "getQuota",
            "tags": ["quota"],
            "parameters": [
                {"name": "plan", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
            ],
            "responses": {
                "200": {"description": "the quota", "content": {"application/json": media}},
                "401": {"$ref": "#/components/responses/Unauthorized"}
                if "Unauthorized" in spec["components"].get("responses", {})
                else {"description": "no"},
            },
        }
    }
    return spec


@pytest.fixture(scope="module")
def spec(openapi_spec: dict[str, Any]) -> dict[str, Any]:
    return quota_spec(openapi_spec)


async def test_the_mock_synthesizes_a_valid_body(
    spec: dict[str, Any], response_checker: ResponseChecker
) -> None:
    client = InProcess(create_app(MockConfig(), spec=spec))
    try:
        response = await client.http.get("/tencent-vod/v1/quota/pro?verbose=true")
    finally:
        await client.http.aclose()
    assert response.status_code == 200
    body = response.json()
    answer = body["Response"]
    assert answer["Plan"] == "pro" and answer["Remaining"] == 1  # enum's first, minimum
    assert len(answer["Windows"]) == 2 and len(answer["Windows"][0]["Name"]) >= 3
    assert answer["Since"].endswith("Z") and "Ratio" not in answer  # required ones only
    assert compile_schema(spec, QUOTA_SCHEMA).is_valid(body)
    checker = ResponseChecker(spec)  # an independent validator (openapi-schema-validator)
    assert checker.problems("getQuota", 200, response.headers, response.content) == []


async def test_the_example_comes_first_and_carries_the_request_id(
    openapi_spec: dict[str, Any],
) -> None:
    example = {
        "Response": {
            "RequestId": "example-id",
            "Remaining": 7,
            "Plan": "free",
            "Since": "2026-05-01T00:00:00Z",
            "Windows": [{"Name": "daily"}, {"Name": "monthly"}],
            "Owner": None,
        }
    }
    client = InProcess(create_app(MockConfig(), spec=quota_spec(openapi_spec, example)))
    try:
        first = (await client.http.get("/tencent-vod/v1/quota/x")).json()["Response"]
        second = (await client.http.get("/tencent-vod/v1/quota/x")).json()["Response"]
        wrong = await client.http.get("/tencent-vod/v1/quota/x?verbose=maybe")
    finally:
        await client.http.aclose()
    assert {k: v for k, v in first.items() if k != "RequestId"} == {
        k: v for k, v in example["Response"].items() if k != "RequestId"
    }
    assert first["RequestId"] != "example-id" and first["RequestId"] != second["RequestId"]
    assert wrong.status_code == 400  # the query parameter is validated like any other


def test_an_invalid_example_falls_back_to_synthesis(openapi_spec: dict[str, Any]) -> None:
    spec = quota_spec(openapi_spec, {"Response": {"Remaining": "many"}})
    app = create_app(MockConfig(), spec=spec)
    op = next(o for o in app.state.mock.operations if o.operation_id == "getQuota")
    answer = canned_answer(spec, op.responses)
    assert answer.status == 200 and isinstance(answer.body, dict)
    assert answer.body["Response"]["Remaining"] == 1
    assert compile_schema(spec, QUOTA_SCHEMA).is_valid(answer.body)


def test_synthesis_respects_formats_bounds_and_composition() -> None:
    spec: dict[str, Any] = {"paths": {}, "components": {"schemas": {}}}
    schema = {
        "allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
            {
                "type": "object",
                "required": ["b", "c", "d"],
                "properties": {
                    "b": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "integer"}]},
                    "c": {"type": "number", "minimum": 2.5, "exclusiveMinimum": True},
                    "d": {"type": "string", "format": "email", "maxLength": 40},
                },
            },
        ]
    }
    value = synthesize(spec, schema, use_examples=False)
    assert compile_schema(spec, schema).is_valid(value)
    assert value["b"].count("-") == 4 and value["c"] > 2.5 and "@" in value["d"]


def test_the_sdk_table_gets_a_row_for_the_new_operation(spec: dict[str, Any]) -> None:
    table = OperationTable.from_spec(spec)
    row = table["getQuota"]
    assert (row.method, row.path, row.path_params, row.query_params) == (
        "GET",
        QUOTA_PATH,
        ("plan",),
        ("verbose",),
    )
    assert row.module == "chainhub_aigc_client.api.quota.get_quota"
    assert row.retry_safe(None) and row.request_schema is None
    assert table.match("GET", "/tencent-vod/v1/quota/pro") == (row, {"plan": "pro"})


def test_client_get_reaches_the_new_operation(spec: dict[str, Any]) -> None:
    config = MockConfig(tokens=frozenset({TOKEN}))
    with (
        MockServer(config, host="127.0.0.1", port=0, spec=spec) as server,
        Client(api_key=TOKEN, base_url=server.base_url) as client,
    ):
        body = client.get("/tencent-vod/v1/quota/pro", params={"verbose": True})
        with pytest.raises(NotFoundError):
            client.get("/tencent-vod/v1/quota")  # not a path of the spec: the mock's 404
    assert body["Response"]["Plan"] == "pro"
    assert compile_schema(spec, QUOTA_SCHEMA).is_valid(body)


async def test_async_client_get_reaches_the_new_operation(spec: dict[str, Any]) -> None:
    app = create_app(MockConfig(tokens=frozenset({TOKEN})), spec=spec)
    async with AsyncClient(
        api_key=TOKEN, base_url="http://mock.test", transport=httpx.ASGITransport(app=app),
        allow_insecure_http=True,  # an in-process app: nothing travels
    ) as client:  # fmt: skip
        body = await client.get("/tencent-vod/v1/quota/free")
    assert body["Response"]["Remaining"] == 1
    assert compile_schema(spec, QUOTA_SCHEMA).is_valid(body)
