"""Request checks derived from the spec: every limit and value set, named by field path, raised
before anything is sent; and guards that the validator and the signatures follow the spec."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from chainhub_aigc_client.models import (
    FileInfoType,
    ImageFileInfo,
    ImageOutputConfig,
    ImageTaskRequest,
    PersonGeneration,
    StorageMode,
    Switch,
    VideoOutputConfig,
    VideoTaskRequest,
)

from chainhub_aigc import RequestValidationError
from chainhub_aigc._validation import (
    ANNOTATION_KEYWORDS,
    HANDLED_KEYWORDS,
    SpecValidator,
    spec_validator,
)
from chainhub_aigc.types import (
    ImageFileInfoParams,
    ImageOutputConfigParams,
    ImageTaskParams,
    VideoFileInfoParams,
    VideoOutputConfigParams,
    VideoTaskParams,
)

from .conftest import (
    IMAGE_FIELDS,
    TASK_ID,
    VIDEO_FIELDS,
    FakeAPI,
    created,
    make_async_client,
    make_client,
)

OPERATIONS = {"image": "createImageTask", "video": "createVideoTask"}
BASE = {"image": IMAGE_FIELDS, "video": VIDEO_FIELDS}


def rejected(kind: str, **fields: Any) -> RequestValidationError:
    api = FakeAPI()
    client = make_client(api)
    resource = client.images if kind == "image" else client.videos
    with pytest.raises(RequestValidationError) as caught:
        resource.create(**fields)
    assert api.requests == [], "nothing may be sent"
    with pytest.raises(RequestValidationError):
        resource.generate(**fields)
    assert api.requests == []
    return caught.value


# -- the cases the spec's prose (and the overlays) made into limits --------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "field", "rule"),
    [
        ("image", {"session_id": "s" * 51}, "session_id", "longer than 50 characters"),
        ("video", {"session_id": "s" * 51}, "session_id", "longer than 50 characters"),
        (
            "image",
            {"session_context": "c" * 1001},
            "session_context",
            "longer than 1000 characters",
        ),
        ("image", {"tasks_priority": 11}, "tasks_priority", "outside -10..10"),
        ("video", {"tasks_priority": -11}, "tasks_priority", "outside -10..10"),
        ("image", {"tasks_priority": "10"}, "tasks_priority", "not an integer (got str)"),
        ("image", {"tasks_priority": 1.0}, "tasks_priority", "not an integer (got float)"),
        ("image", {"tasks_priority": True}, "tasks_priority", "not an integer (got bool)"),
        ("image", {"enhance_prompt": "On"}, "enhance_prompt", "not one of Enabled, Disabled"),
        (
            "image",
            {"output_config": {"storage_mode": "temporary"}},
            "output_config.storage_mode",
            "not one of Temporary, Permanent",
        ),
        (
            "image",
            {"output_config": {"person_generation": "Allowed"}},
            "output_config.person_generation",
            "not one of AllowAdult, Disallowed",
        ),
        (
            "image",
            {"output_config": {"input_compliance_check": "yes"}},
            "output_config.input_compliance_check",
            "not one of Enabled, Disabled",
        ),
        (
            "image",
            {"output_config": {"output_compliance_check": False}},
            "output_config.output_compliance_check",
            "not a string (got bool)",
        ),
        (
            "video",
            {"output_config": {"audio_generation": "enabled"}},
            "output_config.audio_generation",
            "not one of Enabled, Disabled",
        ),
        (
            "video",
            {"output_config": {"enhance_switch": "Off"}},
            "output_config.enhance_switch",
            "not one of Enabled, Disabled",
        ),
        (
            "video",
            {"output_config": {"duration": "8"}},
            "output_config.duration",
            "not a number (got str)",
        ),
        (
            "video",
            {"output_config": {"duration": float("nan")}},
            "output_config.duration",
            "not a number (got float)",
        ),
        (
            "video",
            {"output_config": {"media_name": "m" * 65}},
            "output_config.media_name",
            "longer than 64 characters",
        ),
        (
            "video",
            {"file_infos": [{"type": "Url", "url": f"https://x/{i}.png"} for i in range(4)]},
            "file_infos",
            "more than 3 items",
        ),
        (
            "image",
            {"file_infos": [{"type": "Url", "url": "u"}, {"type": "file", "file_id": "1"}]},
            "file_infos[1].type",
            "not one of File, Url, Base64",
        ),
        (
            "image",
            {"file_infos": [{"type": "Url"}, "not an object"]},
            "file_infos[1]",
            "not an object (got str)",
        ),
        ("image", {"file_infos": {"type": "Url"}}, "file_infos", "not a list (got dict)"),
        ("image", {"output_config": "1080P"}, "output_config", "not an object (got str)"),
        ("image", {"prompt": None}, "prompt", "must not be null"),
        ("image", {"model_name": 5}, "model_name", "not a string (got int)"),
    ],
)
def test_limits_and_value_sets(kind: str, fields: dict[str, Any], field: str, rule: str) -> None:
    error = rejected(kind, **{**BASE[kind], **fields})
    assert (error.field, error.rule) == (field, rule)
    assert f"{field}: {rule}" in str(error)


def test_required_fields() -> None:
    error = rejected("image", model_name="GEM")
    assert set(error.errors) == {
        ("prompt", "missing (required)"),
        ("model_version", "missing (required)"),
    }


def test_unknown_fields_are_named() -> None:
    error = rejected("image", **IMAGE_FIELDS, promt="typo")
    assert error.field == "promt" and error.rule.startswith("unknown field")
    error = rejected("image", **IMAGE_FIELDS, output_config={"duration": 5})  # video-only
    assert error.field == "output_config.duration"
    error = rejected("video", **VIDEO_FIELDS, output_config={"aspect": "16:9"})
    assert error.field == "output_config.aspect"


def test_every_error_is_reported() -> None:
    error = rejected(
        "video", **VIDEO_FIELDS, session_id="s" * 60, tasks_priority=99, enhance_prompt="x"
    )
    assert sorted(field for field, _ in error.errors) == [
        "enhance_prompt",
        "session_id",
        "tasks_priority",
    ]


@pytest.mark.parametrize(
    ("task_id", "rule"),
    [("", "empty"), ("t" * 257, "longer than 256 characters"), (123, "not a string (got int)")],
)
def test_task_id_is_checked(task_id: Any, rule: str) -> None:
    api = FakeAPI()
    client = make_client(api)
    with pytest.raises(RequestValidationError) as caught:
        client.tasks.get(task_id)
    assert caught.value.field == "task_id" and caught.value.rule == rule
    with pytest.raises(RequestValidationError):
        client.tasks.wait(task_id)
    assert api.requests == []


async def test_async_validation_sends_nothing() -> None:
    api = FakeAPI()
    client = make_async_client(api)
    with pytest.raises(RequestValidationError, match="session_id"):
        await client.images.create(**IMAGE_FIELDS, session_id="x" * 51)
    with pytest.raises(RequestValidationError, match="tasks_priority"):
        await client.videos.generate(**VIDEO_FIELDS, tasks_priority=-50)
    with pytest.raises(RequestValidationError, match="task_id"):
        await client.tasks.get("")
    assert api.requests == []


# -- the limits, derived from the spec itself: every one is enforced --------------------------


def _walk(
    validator: SpecValidator, schema: Mapping[str, Any], path: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    schema = validator.resolve(schema)
    yield path, schema
    for sub in schema.get("allOf", ()):
        yield from _walk(validator, sub, path)
    for name, sub in schema.get("properties", {}).items():
        yield from _walk(validator, sub, f"{path}.{name}" if path else name)
    if "items" in schema:
        yield from _walk(validator, schema["items"], f"{path}[0]")


def _violations() -> Iterator[tuple[str, str, Any, str]]:
    """(kind, field path, a violating value, the rule's key words) for each spec limit."""
    validator = spec_validator()
    for kind, operation in OPERATIONS.items():
        for path, schema in _walk(validator, validator.request_schema(operation), ""):
            if not path:
                continue
            if "maxLength" in schema:
                yield kind, path, "x" * (schema["maxLength"] + 1), "longer than"
            if "maximum" in schema:
                yield kind, path, schema["maximum"] + 1, "outside"
            if "minimum" in schema:
                yield kind, path, schema["minimum"] - 1, "outside"
            if "maxItems" in schema:
                item = {"type": "Url", "url": "https://x/1.png"}
                yield kind, path, [item] * (schema["maxItems"] + 1), "more than"
            if "enum" in schema:
                yield kind, path, "NotAValue", "not one of"


def _set(fields: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    result = dict(fields)
    parts = path.replace("[0]", ".0").split(".")
    node: Any = result
    for part in parts[:-1]:
        if part == "0":
            node[0] = dict(node[0]) if node else {}
            node = node[0]
        else:
            node[part] = [{}] if parts[parts.index(part) + 1] == "0" else {}
            node = node[part]
    if parts[-1] == "0":
        node.append(value)
    else:
        node[parts[-1]] = value
    return result


VIOLATIONS = list(_violations())


def test_the_spec_has_the_limits_the_issue_lists() -> None:
    found = {(kind, path, words) for kind, path, _, words in VIOLATIONS}
    for expected in [
        ("image", "session_id", "longer than"),
        ("video", "session_context", "longer than"),
        ("image", "tasks_priority", "outside"),
        ("video", "file_infos", "more than"),
        ("video", "output_config.media_name", "longer than"),
        ("image", "enhance_prompt", "not one of"),
        ("video", "output_config.storage_mode", "not one of"),
        ("image", "file_infos[0].type", "not one of"),
    ]:
        assert expected in found


@pytest.mark.parametrize(("kind", "path", "value", "words"), VIOLATIONS)
def test_every_spec_limit_is_enforced(kind: str, path: str, value: Any, words: str) -> None:
    fields = _set(BASE[kind], path, value)
    error = rejected(kind, **fields)
    assert error.field == path and words in error.rule


# -- guards: the validator and the signatures follow the spec ---------------------------------


def test_request_schemas_use_only_keywords_the_validator_handles() -> None:
    validator = spec_validator()
    used: set[str] = set()
    schemas = [validator.request_schema(op) for op in OPERATIONS.values()]
    schemas.append(validator.parameter_schema("getTask", "task_id"))
    for schema in schemas:
        for _, node in _walk(validator, schema, ""):
            used.update(node)
        for node in [schema]:
            used.update(node)
    unhandled = {
        k
        for k in used
        if k not in HANDLED_KEYWORDS | ANNOTATION_KEYWORDS and not k.startswith("x-")
    }
    assert unhandled == set(), f"teach _validation.py these keywords: {sorted(unhandled)}"


def _keys(typed_dict: Any) -> set[str]:
    return set(typing.get_type_hints(typed_dict))


@pytest.mark.parametrize(
    ("params", "operation", "path"),
    [
        (ImageTaskParams, "createImageTask", ()),
        (VideoTaskParams, "createVideoTask", ()),
        (ImageOutputConfigParams, "createImageTask", ("output_config",)),
        (VideoOutputConfigParams, "createVideoTask", ("output_config",)),
        (ImageFileInfoParams, "createImageTask", ("file_infos", "items")),
        (VideoFileInfoParams, "createVideoTask", ("file_infos", "items")),
    ],
)
def test_keyword_arguments_match_the_spec(
    params: Any, operation: str, path: tuple[str, ...]
) -> None:
    validator = spec_validator()
    schema = validator.request_schema(operation)
    for step in path:
        schema = validator.resolve(schema[step] if step == "items" else schema["properties"][step])
    assert _keys(params) == set(schema["properties"])


def test_every_generated_params_class_has_its_schemas_fields() -> None:
    """The generated module (make generate) covers every request schema; the SDK's public names
    are those generated classes, and each create takes its operation's class."""
    from chainhub_aigc_client import sdk_params

    from chainhub_aigc import types

    validator = spec_validator()
    for name, schema_name in sdk_params.PARAMS_SCHEMAS.items():
        schema = validator.resolve({"$ref": f"#/components/schemas/{schema_name}"})
        assert _keys(getattr(sdk_params, name)) == set(schema["properties"]), name
        assert getattr(types, name) is getattr(sdk_params, name)
        assert name in types.__all__
    for operation, name in sdk_params.OPERATION_PARAMS.items():
        typed = validator.resolve(
            {"$ref": f"#/components/schemas/{sdk_params.PARAMS_SCHEMAS[name]}"}
        )
        assert validator.request_schema(operation) is typed
    assert sdk_params.OPERATION_PARAMS == {
        "createImageTask": "ImageTaskParams",
        "createVideoTask": "VideoTaskParams",
    }


# -- what is accepted ------------------------------------------------------------------------


def test_model_name_and_version_are_open() -> None:
    api = FakeAPI(created())
    make_client(api).images.create(
        model_name="BrandNewModel", model_version="9.9-preview", prompt="p"
    )
    assert api.bodies()[0]["model_name"] == "BrandNewModel"


def test_nested_generated_models_and_enums_are_accepted() -> None:
    api = FakeAPI(created())
    make_client(api).images.create(
        **IMAGE_FIELDS,
        enhance_prompt=Switch.ENABLED,
        output_config=ImageOutputConfig(
            storage_mode=StorageMode.PERMANENT, person_generation=PersonGeneration.DISALLOWED
        ),
        file_infos=[
            ImageFileInfo(type_=FileInfoType.URL, url="https://x/1.png"),
            {"type": "File", "file_id": "9"},
        ],
    )
    body = api.bodies()[0]
    assert body["enhance_prompt"] == "Enabled"
    assert body["output_config"] == {"storage_mode": "Permanent", "person_generation": "Disallowed"}
    assert body["file_infos"] == [
        {"type": "Url", "url": "https://x/1.png"},
        {"type": "File", "file_id": "9"},
    ]


def test_a_whole_generated_request() -> None:
    api = FakeAPI(created(), created())
    client = make_client(api)
    request = VideoTaskRequest(
        prompt="p",
        model_name="Kling",
        model_version="2.1",
        output_config=VideoOutputConfig(duration=10.0, audio_generation=Switch.DISABLED),
        session_id="mine",
    )
    task = client.videos.create(request=request)
    assert task.session_id == "mine"
    assert api.bodies()[0]["output_config"] == {"audio_generation": "Disabled", "duration": 10.0}
    image_request = ImageTaskRequest(prompt="p", model_name="GEM", model_version="3.0")
    task = client.images.create(request=image_request)
    assert task.session_id is not None and task.session_id.startswith("chainhub-")
    assert image_request.session_id.__class__.__name__ == "Unset"  # the caller's model untouched


def test_request_model_misuse() -> None:
    api = FakeAPI()
    client = make_client(api)
    request = ImageTaskRequest(prompt="p", model_name="GEM", model_version="3.0")
    with pytest.raises(RequestValidationError, match="together with request="):
        client.images.create(request=request, prompt="q")
    with pytest.raises(RequestValidationError, match="not a VideoTaskRequest"):
        client.videos.create(request=request)  # type: ignore[arg-type]
    broken = ImageTaskRequest(prompt="p", model_name="GEM", model_version="3.0")
    broken.enhance_prompt = "Enabled"  # type: ignore[assignment]  # a str, not the StrEnum
    with pytest.raises(RequestValidationError, match="cannot be serialised"):
        client.images.create(request=broken)
    invalid = ImageTaskRequest(prompt="p", model_name="GEM", model_version="3.0", tasks_priority=50)
    with pytest.raises(RequestValidationError, match="tasks_priority"):
        client.images.create(request=invalid)
    assert api.requests == []


def test_extra_body_sends_fields_the_spec_does_not_know() -> None:
    api = FakeAPI(created())
    client = make_client(api)
    client.images.create(**IMAGE_FIELDS, extra_body={"future_flag": True})
    assert api.bodies()[0]["future_flag"] is True
    for bad in ({"x": object()}, {"x": float("inf")}):
        with pytest.raises(RequestValidationError) as caught:
            client.images.create(**IMAGE_FIELDS, extra_body=bad)
        assert caught.value.field == "extra_body"
    assert len(api.requests) == 1


def test_task_id_format_is_not_second_guessed() -> None:
    assert (
        spec_validator().errors(
            spec_validator().parameter_schema("getTask", "task_id"), TASK_ID, "task_id"
        )
        == []
    )
