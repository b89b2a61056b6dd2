"""Every example in the built spec validates against its schema: request bodies, responses,
parameters and the `example` of every schema property; and the spec itself is valid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from scripts.overlay import load_yaml
from tests.data import BUILT_SPEC
from tests.spec.specdata import plain

SPEC = plain(load_yaml(BUILT_SPEC))


def _examples(spec: Any) -> Iterator[tuple[str, Any, Any]]:
    """(where, schema, example) for every example the spec carries."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                if "example" in param:
                    yield (
                        f"{method} {path} parameter {param['name']}",
                        param["schema"],
                        param["example"],
                    )
            body = op.get("requestBody", {}).get("content", {})
            for media_type, media in body.items():
                if "example" in media:
                    yield f"{method} {path} request {media_type}", media["schema"], media["example"]
            for status, response in op["responses"].items():
                if "$ref" in response:
                    continue  # components/responses are walked below
                for media_type, media in response.get("content", {}).items():
                    if "example" in media:
                        yield (
                            f"{method} {path} {status} {media_type}",
                            media["schema"],
                            media["example"],
                        )
    for name, response in spec["components"].get("responses", {}).items():
        for media_type, media in response.get("content", {}).items():
            if "example" in media:
                yield f"responses/{name} {media_type}", media["schema"], media["example"]
    for name, schema in spec["components"]["schemas"].items():
        yield from _property_examples(f"schemas/{name}", schema)


def _property_examples(where: str, schema: Any) -> Iterator[tuple[str, Any, Any]]:
    if not isinstance(schema, dict):
        return
    if "example" in schema:
        yield where, {k: v for k, v in schema.items() if k != "example"}, schema["example"]
    for key, sub in schema.get("properties", {}).items():
        yield from _property_examples(f"{where}.{key}", sub)
    if "items" in schema:
        yield from _property_examples(f"{where}[]", schema["items"])


EXAMPLES = list(_examples(SPEC))


def _validator(schema: Any) -> OAS30Validator:
    # Refs are "#/components/...": give the schema the spec's components as its root.
    return OAS30Validator({**schema, "components": SPEC["components"]})


def test_the_built_spec_is_valid_openapi_30() -> None:
    assert SPEC["openapi"].startswith("3.0.")
    validate(SPEC)


def test_the_spec_carries_the_examples_that_matter() -> None:
    places = {where for where, _, _ in EXAMPLES}
    for expected in (
        "post /tencent-vod/v1/aigc-image request application/json",
        "post /tencent-vod/v1/aigc-video request application/json",
        "post /tencent-vod/v1/aigc-image 200 application/json",
        "get /tencent-vod/v1/query/{task_id} 200 application/json",
        "responses/RateLimited application/json",
    ):
        assert expected in places


@pytest.mark.parametrize(("where", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_validates_against_its_schema(where: str, schema: Any, example: Any) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(schema).iter_errors(example)
    ]
    assert errors == [], where


def test_a_wrong_example_is_caught() -> None:
    """The check above can fail: the vendor's own mistakes are rejected by the built schemas."""
    request = SPEC["paths"]["/tencent-vod/v1/aigc-image"]["post"]["requestBody"]["content"]
    media = request["application/json"]
    wrong = {**media["example"], "tasks_priority": "10", "file_infos": [{"type": "file"}]}
    messages = [e.message for e in _validator(media["schema"]).iter_errors(wrong)]
    assert any("'10' is not of type 'integer'" in m for m in messages)
    assert any("'file' is not one of" in m for m in messages)
