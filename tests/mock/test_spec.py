"""The spec -> mock compilation: schema conversion, operations, and "change the spec, the mock
follows" (a modified spec gives a mock with other routes and other rules)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from chainhub_aigc.mock import MockConfig
from chainhub_aigc.mock.spec import (
    SpecError,
    compile_schema,
    load_spec,
    operations,
    route_path,
    to_json_schema,
)
from tests.data import BUILT_SPEC, IMAGE, IMAGE_PATH, QUERY_PATH, QUERY_TEMPLATE

from .conftest import InProcess

SPEC: dict[str, Any] = {
    "openapi": "3.0.1",
    "paths": {},
    "components": {
        "schemas": {
            "Name": {"type": "string", "maxLength": 3, "example": "abc", "x-note": 1},
            "Node": {
                "type": "object",
                "properties": {"child": {"$ref": "#/components/schemas/Node"}},
                "nullable": True,
            },
        }
    },
}


def test_conversion_of_openapi_keywords() -> None:
    schema = {
        "type": "object",
        "nullable": True,
        "x-apifox-orders": ["a"],
        "example": {"a": 1},
        "properties": {
            "example": {"type": "integer", "format": "int32", "minimum": -10},
            "x-field": {"$ref": "#/components/schemas/Name"},
            "maybe": {"allOf": [{"$ref": "#/components/schemas/Name"}], "nullable": True},
            "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            "blob": {"type": "string", "format": "byte"},
        },
        "required": ["example"],
    }
    converted = to_json_schema(SPEC, schema)
    assert converted["type"] == ["object", "null"]
    assert "x-apifox-orders" not in converted and "example" not in converted
    props = converted["properties"]
    assert set(props) == {"example", "x-field", "maybe", "ratio", "blob"}  # names are data
    assert props["example"] == {
        "type": "integer",
        "format": "int32",
        "minimum": -10,
        "maximum": 2**31 - 1,
    }
    assert props["x-field"] == {"$ref": "#/$defs/Name"}
    assert props["maybe"] == {"anyOf": [{"allOf": [{"$ref": "#/$defs/Name"}]}, {"type": "null"}]}
    assert props["ratio"] == {"type": "number", "exclusiveMinimum": 0}
    assert "pattern" in props["blob"]


def test_compiled_validators() -> None:
    validator = compile_schema(SPEC, {"$ref": "#/components/schemas/Node"})
    assert validator.is_valid(None)
    assert validator.is_valid({"child": {"child": None}})  # recursive, through $defs
    assert not validator.is_valid({"child": 1})
    names = compile_schema(SPEC, {"type": "array", "items": {"$ref": "#/components/schemas/Name"}})
    assert names.is_valid(["abc"]) and not names.is_valid(["abcd"])
    emails = compile_schema(SPEC, {"type": "string", "format": "email"})
    assert emails.is_valid("a@b.c") and not emails.is_valid("nope")  # formats are checked
    ints = compile_schema(SPEC, {"type": "integer", "format": "int64"})
    assert ints.is_valid(2**63 - 1) and not ints.is_valid(2**63)
    with pytest.raises(SpecError):
        compile_schema(SPEC, {"$ref": "#/components/schemas/Missing"})


def test_operations_of_the_built_spec(openapi_spec: dict[str, Any]) -> None:
    ops = {op.operation_id: op for op in operations(openapi_spec)}
    assert set(ops) == {"createImageTask", "createVideoTask", "getTask"}
    for name in ("createImageTask", "createVideoTask"):
        assert ops[name].method == "POST" and ops[name].secured and ops[name].body_required
        assert ops[name].body_media_types == frozenset({"application/json"})
    query = ops["getTask"]
    assert query.method == "GET" and query.body_validator is None
    (param,) = query.parameters
    assert (param.name, param.location, param.required) == ("task_id", "path", True)


def test_route_paths() -> None:
    assert route_path("/a/{task_id}/b/{x-y}") == ("/a/{p0}/b/{p1}", {"p0": "task_id", "p1": "x-y"})
    with pytest.raises(SpecError):
        route_path("relative")


def test_an_operation_without_operation_id_is_refused() -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"] = {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}}
    with pytest.raises(SpecError, match="operationId"):
        list(operations(spec))


def test_load_spec_from_a_file(tmp_path: Any, openapi_spec: dict[str, Any]) -> None:
    assert load_spec(BUILT_SPEC) == openapi_spec
    broken = tmp_path / "x.json"
    broken.write_text("[1]")
    with pytest.raises(SpecError):
        load_spec(broken)


async def test_change_the_spec_and_the_mock_follows(
    openapi_spec: dict[str, Any], make_client: Callable[..., InProcess]
) -> None:
    from chainhub_aigc.mock import create_app

    spec = copy.deepcopy(openapi_spec)
    spec["paths"]["/v2/images"] = spec["paths"].pop(IMAGE_PATH)  # a new path
    spec["components"]["schemas"]["ImageTaskRequest"]["properties"]["prompt"]["maxLength"] = 5
    query = spec["paths"][QUERY_TEMPLATE]["get"]
    query["security"] = []  # a public query
    query["parameters"].append(
        {"name": "verbose", "in": "query", "required": False, "schema": {"type": "boolean"}}
    )
    client = InProcess(create_app(MockConfig(), spec=spec))
    try:
        assert (await client.http.post(IMAGE_PATH, json=IMAGE)).status_code == 404
        too_long = await client.http.post("/v2/images", json=IMAGE)
        assert too_long.status_code == 400
        assert "/prompt:" in too_long.json()["Response"]["Error"]["Message"]
        ok = await client.http.post("/v2/images", json={**IMAGE, "prompt": "fox"})
        assert ok.status_code == 200
        task_id = ok.json()["Response"]["TaskId"]
        public = await client.http.get(QUERY_PATH + task_id, headers={"Authorization": ""})
        assert public.status_code == 200
        bad_query = await client.http.get(QUERY_PATH + task_id + "?verbose=maybe")
        assert bad_query.status_code == 400
        assert "query parameter verbose" in bad_query.json()["Response"]["Error"]["Message"]
        assert (await client.http.get(QUERY_PATH + task_id + "?verbose=true")).status_code == 200
        assert (await client.http.get("/openapi.json")).json()["paths"].keys() == spec[
            "paths"
        ].keys()
    finally:
        await client.http.aclose()


async def test_an_operation_without_behaviour_or_content_answers_its_documented_success(
    openapi_spec: dict[str, Any],
) -> None:
    from chainhub_aigc.mock import create_app

    spec = copy.deepcopy(openapi_spec)
    spec["paths"]["/tencent-vod/v1/cancel/{task_id}"] = {
        "post": {
            "operationId": "cancelTask",
            "parameters": [
                {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"204": {"description": "cancelled"}, "400": {"description": "bad"}},
        }
    }
    client = InProcess(create_app(MockConfig(), spec=spec))
    try:
        response = await client.http.post("/tencent-vod/v1/cancel/x")
        assert (response.status_code, response.content) == (204, b"")
        unauthorized = await client.http.post(
            "/tencent-vod/v1/cancel/x", headers={"Authorization": "Bearer wrong"}
        )
        assert unauthorized.status_code == 401  # the pipeline still runs before the answer
    finally:
        await client.http.aclose()


def test_the_mock_and_the_sdk_share_one_spec_reader() -> None:
    import chainhub_aigc._spec as sdk_spec
    import chainhub_aigc.mock.spec as mock_spec
    from chainhub_aigc._validation import spec_validator

    assert mock_spec.load_spec is sdk_spec.load_spec and mock_spec.resolve is sdk_spec.resolve
    assert (
        spec_validator().resolve({"$ref": "#/components/schemas/ImageTaskRequest"})
        == (sdk_spec.packaged_spec()["components"]["schemas"]["ImageTaskRequest"])
    )
    with pytest.raises(SpecError, match="circular"):
        sdk_spec.resolve({"a": {"$ref": "#/a"}}, {"$ref": "#/a"})


def test_the_mock_task_record_has_a_deprecated_old_name() -> None:
    import chainhub_aigc.mock as mock

    with pytest.warns(DeprecationWarning, match="MockTask"):
        old = mock.Task
    assert old is mock.MockTask
